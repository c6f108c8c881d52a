# Run an accuracy tier and compare it with its baseline (cmake -P script, used by CTest).
# -DRUNNER= -DPLAN= -DBASELINE= -DOUT= (output prefix); -DTHREADS= (default 2).
if(NOT THREADS)
  set(THREADS 2)
endif()
execute_process(COMMAND ${RUNNER} run ${PLAN} --threads ${THREADS}
                        --csv ${OUT}.csv --json ${OUT}.json
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "darkfig-accuracy run failed (${rc})")
endif()
execute_process(COMMAND ${RUNNER} compare ${BASELINE} ${OUT}.csv RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "accuracy regression against ${BASELINE}")
endif()
