# Intervals (log-normal, profile likelihood) and the two-list estimators.
list(APPEND DFG_LIB_SOURCES core/interval.c models/two_list.c)
