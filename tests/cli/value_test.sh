#!/bin/sh
# tests/cli/value_test.sh DARKFIG SRCDIR: numbers that are not estimates (darkfig.h,
# dfg_value_judge), on the command side. A result that is not an estimate shows its status
# and reason in place of a number (text) and null numbers with value/reason (JSON, CSV);
# a profile limit beyond the search range is "beyond X"; closed labels the intervals it
# computed; a command none of whose rows is an estimate exits 1. The tables are written
# here: two lists overlapping in one person out of 101 (the profile upper limit beyond
# the search), 10,001 people with one overlap (N = 2.5e7, above 1000 n: no estimate), 30
# occasions (tests/cli/many_lists.awk). Prints "N passed, N failed".
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
get() { /usr/bin/python3 "$src/tests/cli/json_get.py" "$@"; }
# expect RC WHERE TEXT ARGS...: exit code RC and the fixed string TEXT in stdout (out) or
# stderr (err)
expect() {
    want=$1 where=$2 text=$3
    shift 3
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/$where"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: darkfig $* -> exit $rc (want $want), wanted \"$text\" in std$where:"
        head -c 600 "$tmp/err"
        head -c 600 "$tmp/out"
    fi
}
# is KEY VALUE DESCRIPTION: the first KEY of the JSON in $tmp/out is VALUE
is() {
    got=$(get "$tmp/out" "$1" 2>&1)
    if [ "$got" = "$2" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL: $3: $1 is '$got', want '$2'"; fi
}
printf 'A,B,count\n1,0,50\n0,1,50\n1,1,1\n' >"$tmp/beyond.csv"
printf 'A,B,count\n1,0,5000\n0,1,5000\n1,1,1\n' >"$tmp/huge.csv"
printf 'A,B,C,count\n1,0,0,5000\n0,1,0,5000\n0,0,1,5000\n1,1,0,1\n1,0,1,1\n0,1,1,1\n' \
    >"$tmp/huge3.csv"
printf 'A,B,C,count\n1,0,0,3000\n0,1,0,3000\n0,0,1,30\n1,1,0,1\n1,0,1,20\n0,1,1,20\n1,1,1,5\n' \
    >"$tmp/mix3.csv"
beyond="beyond bound): N = 2.5e+07 is more than 1000 times the 10001 people observed"

# ---- the profile upper limit beyond the search range: "beyond X", as fit says it
expect 0 out "[619.1, beyond 7803.0]" fit "$tmp/beyond.csv"
expect 0 out "chapman                  1351.0      750.6  [522.3, 3809.6]          [619.1, beyond 7803.0]" \
    twolist "$tmp/beyond.csv"
expect 0 out "[619.1, beyond 7803.0]   profile" estimate "$tmp/beyond.csv" --estimator chapman \
    --ci profile
expect 0 out '"upper_beyond":	true' estimate "$tmp/beyond.csv" --estimator chapman --ci profile \
    --format json
is upper null "estimate: no number beyond the search"
lim=$(get "$tmp/out" search_limit | awk '{ printf "%.1f", $1 }')
if [ "$lim" = 7803.0 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: estimate: search_limit $lim, want 7803.0 (as the text)"; fi
expect 0 out '"profile_upper_beyond":	true' twolist "$tmp/beyond.csv" --format json
is profile_upper null "twolist: no number beyond the search"

# ---- N not an estimate: status and reason, no number; exit 1 when nothing is one
expect 1 out "estimated total (N)     not an estimate ($beyond" fit "$tmp/huge.csv"
expect 1 out "not an estimate ($beyond" estimate "$tmp/huge.csv" --estimator mt
expect 1 out '"value":	"beyond bound"' estimate "$tmp/huge.csv" --estimator chapman --format json
is N null "estimate json: N"
is dark_figure null "estimate json: dark figure"
# ... and no bootstrap is run or shown around it (text and JSON)
expect 1 out "not an estimate (beyond bound)" estimate "$tmp/huge.csv" --estimator chapman \
    --bootstrap 50
if grep -q "bootstrap" "$tmp/out"; then fail=$((fail + 1)); echo "FAIL: estimate: bootstrap shown"
else pass=$((pass + 1)); fi
expect 1 out '"value":	"beyond bound"' estimate "$tmp/huge.csv" --estimator chapman \
    --bootstrap 50 --format json
if grep -q '"bootstrap":.{' "$tmp/out"; then fail=$((fail + 1))
    echo "FAIL: estimate json: bootstrap shown"; else pass=$((pass + 1)); fi
expect 1 out "lincoln-petersen              -          -  not an estimate ($beyond" \
    twolist "$tmp/huge.csv"
expect 1 out "chapman,ok,NA,NA,0.95," twolist "$tmp/huge.csv" --format csv
expect 1 out ",beyond bound,N = 1.25e+07 is more than 1000 times" twolist "$tmp/huge.csv" \
    --format csv
expect 1 out "  M0                       -        -          -    -          -          -        1                         not an estimate ($beyond" \
    closed "$tmp/huge.csv"
expect 1 out "  Zelterman                                   -          -  not an estimate (beyond bound)" \
    closed "$tmp/huge.csv"
expect 1 out '"value":	"beyond bound"' closed "$tmp/huge.csv" --format json
is N null "closed json: N of M0"
expect 1 out '"value":	"beyond bound"' fit "$tmp/huge.csv" --format json
is N null "fit json: N"
is upper null "fit json: profile upper"
# with a covariate: the total and each level's
printf 'A,B,sex,count\n1,0,f,2500\n0,1,f,2500\n1,0,m,2500\n0,1,m,2500\n1,1,f,1\n' >"$tmp/hugecov.csv"
expect 1 out "estimated total (N)     not an estimate ($beyond" fit "$tmp/hugecov.csv" --lists A,B
expect 1 out "  sex=f                        5001          -          -      -         -  not an estimate (beyond bound)" \
    fit "$tmp/hugecov.csv" --lists A,B
expect 1 out 'pooled,total,"[A,B,sex]",fine,10001,NA,NA,NA,NA,' fit "$tmp/hugecov.csv" --lists A,B \
    --format csv
# check: every held-out list fails: exit non-zero, nothing on stdout
expect 3 err "the mt estimate failed with every list held out" check "$tmp/huge3.csv"
if [ -s "$tmp/out" ]; then fail=$((fail + 1)); echo "FAIL: check: stdout not empty"; else
    pass=$((pass + 1)); fi
# search: the models that converged without an estimate are counted, with the reason
expect 0 out "1 not an estimate, left out of the ranking (N = 9.01e+06 is more than 1000 times" \
    search "$tmp/mix3.csv" --method exhaustive
expect 0 out '"not_estimate":	1' search "$tmp/mix3.csv" --method exhaustive --format json

# ---- closed beyond 16 occasions: the intervals are log-normal and say so
awk -v k=30 -v p=300 -v seed=7 -f "$src/tests/cli/many_lists.awk" >"$tmp/l30.csv"
expect 0 out "infoFit  log-normal interval" closed "$tmp/l30.csv"
expect 0 out "intervals at 95%: log-normal." closed "$tmp/l30.csv"
if grep -q "profile" "$tmp/out"; then fail=$((fail + 1)); echo "FAIL: closed 30: says profile"
else pass=$((pass + 1)); fi
expect 0 out "intervals at 95%: profile likelihood; log-normal for Mb, Mbh." \
    closed "$src/data/rcapture_hare_6.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
