# Random streams and the bootstrap engine (pthreads: Threads::Threads is linked).
list(APPEND DFG_LIB_SOURCES core/rng.c core/boot.c)
