# The capture table and CSV reading.
list(APPEND DFG_LIB_SOURCES core/table.c)
list(APPEND DFG_LIB_SOURCES core/csv.c)
