# Simulation scenarios and the hold-one-list-out check.
list(APPEND DFG_LIB_SOURCES core/sim.c models/holdout.c)
