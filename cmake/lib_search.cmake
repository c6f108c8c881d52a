# Existence/identifiability checks and model search.
list(APPEND DFG_LIB_SOURCES models/check.c models/search_space.c models/search.c
     models/search_est.c)
