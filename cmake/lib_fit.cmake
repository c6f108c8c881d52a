# Model terms, dense linear algebra (LAPACK), the Poisson GLM engine, log-linear fits.
list(APPEND DFG_LIB_SOURCES core/terms.c core/la.c core/glm.c core/loglin.c)
