# Command-line tests: the binary on data/ and tests/data/, plain and under valgrind.
add_test(NAME cli COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/cli_test.sh
         $<TARGET_FILE:darkfig> ${CMAKE_CURRENT_SOURCE_DIR})
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT DFG_SANITIZE)
  add_test(NAME cli_valgrind COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/cli_test.sh
           $<TARGET_FILE:darkfig> ${CMAKE_CURRENT_SOURCE_DIR} valgrind)
  set_tests_properties(cli_valgrind PROPERTIES LABELS "valgrind;slow")
endif()

# One CTest case per entry of the bad-input catalogue (tests/data/bad/EXPECTED.tsv: file,
# status, exit code, line:col, message, options): exit code, "darkfig: path:line:col:"
# and the message on stderr, nothing on stdout.
set(DFG_CASE sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/case.sh $<TARGET_FILE:darkfig>)
set(DFG_BAD ${CMAKE_CURRENT_SOURCE_DIR}/tests/data/bad)
file(STRINGS ${DFG_BAD}/EXPECTED.tsv dfg_bad_lines)
foreach(line IN LISTS dfg_bad_lines)
  if(line MATCHES "^#" OR line MATCHES "^file\t")
    continue()
  endif()
  string(REPLACE "\t" ";" f "${line}")
  list(GET f 0 file)
  list(GET f 2 code)
  list(GET f 3 place)
  list(GET f 5 opts)
  set(extra)
  if(opts MATCHES "^lists=(.*)$")
    set(extra --lists ${CMAKE_MATCH_1})
  elseif(opts MATCHES "^count=(.*)$")
    set(extra --count ${CMAKE_MATCH_1})
  endif()
  add_test(NAME bad_input_${file} COMMAND ${DFG_CASE} ${code} err "darkfig: ${DFG_BAD}/${file}:${place}: "
           fit ${DFG_BAD}/${file} ${extra})
endforeach()

# Mt on every bundled dataset (data/README.md, Rcapture 1.4-4 closedpCI.t): N as printed.
set(dfg_mt netherlands_6 "52823.5" netherlands_5 "52923.9" uk2013_5 "13444.1"
    new_orleans_8 "996.7" new_orleans_5 "1034.2" western_us_5 "2007.1" korea_3 "142.0"
    rcapture_hiv_4 "11124.6" dga_spina_bifida_3 "763.9")
while(dfg_mt)
  list(POP_FRONT dfg_mt name value)
  add_test(NAME cli_mt_value_${name} COMMAND ${DFG_CASE} 0 out " ${value} " fit
           ${CMAKE_CURRENT_SOURCE_DIR}/data/${name}.csv)
endwhile()

# Stepwise choice on every dataset with 3 or more lists (MultipleSystemsEstimation 1.2.0
# estimate_population_stepwise, pthresh 0.02; data/README.md): model and N as printed.
set(dfg_sw netherlands_6 "[12,16,23,25,34,36,45,46]" "111139.4"
    netherlands_5 "[12,13,15,24,34,35]" "121521.6" uk2013_5 "[12,13,24,25,35,45]" "11313.0"
    new_orleans_8 "[45,1,2,3,6,7,8]" "1183.7" new_orleans_5 "[1,2,3,4,5]" "1034.2"
    western_us_5 "[15,2,3,4]" "2483.4" korea_3 "[12,3]" "268.8"
    rcapture_hiv_4 "[1,2,3,4]" "11124.6" dga_spina_bifida_3 "[12,3]" "730.9")
while(dfg_sw)
  list(POP_FRONT dfg_sw name model value)
  add_test(NAME cli_stepwise_${name} COMMAND ${DFG_CASE} 0 out "chosen    ${model}" search
           ${CMAKE_CURRENT_SOURCE_DIR}/data/${name}.csv --method stepwise)
  add_test(NAME cli_stepwise_N_${name} COMMAND ${DFG_CASE} 0 out " ${value} " search
           ${CMAKE_CURRENT_SOURCE_DIR}/data/${name}.csv --method stepwise)
endwhile()

# Rcapture 1.4-4 closedp on hare (data/README.md): each model's N as printed.
set(dfg_hare "M0 " "75.4" "Mt " "75.1" "Mh Chao (LB)" "79.8" "Mh Poisson2" "81.5"
    "Mh Darroch" "90.4" "Mh Gamma3.5" "100.6" "Mth Chao (LB)" "79.6" "Mth Poisson2" "81.1"
    "Mth Darroch" "90.5" "Mth Gamma3.5" "101.6" "Mb " "81.1" "Mbh " "74.2")
set(i 0)
while(dfg_hare)
  list(POP_FRONT dfg_hare model value)
  math(EXPR i "${i} + 1")
  string(REPLACE "(" "\\(" model "${model}")
  string(REPLACE ")" "\\)" model "${model}")
  add_test(NAME cli_closed_hare_${i} COMMAND sh -c
           "$<TARGET_FILE:darkfig> closed ${CMAKE_CURRENT_SOURCE_DIR}/data/rcapture_hare_6.csv --ci none | grep -E '^  ${model} +${value} ' && echo '1 passed, 0 failed'")
endwhile()

# --help on every command: exit 0 and usage on stdout.
foreach(sub fit search closed check twolist estimate estimators)
  add_test(NAME cli_help_${sub} COMMAND ${DFG_CASE} 0 out "Usage: darkfig ${sub}" ${sub} --help)
endforeach()

# cmake --install, then a program built against the installed header, shared library and
# pkg-config file.
if(NOT DFG_SANITIZE)
  add_test(NAME install COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/install_test.sh
           ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
endif()
