# Closed-population models (Rcapture's closedp) and frequency-of-capture estimators.
list(APPEND DFG_LIB_SOURCES models/closed.c models/freq.c)
