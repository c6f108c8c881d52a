# Provenance, the list of estimators, the log-linear estimators.
list(APPEND DFG_LIB_SOURCES core/sha256.c core/estimators.c models/loglin.c)
