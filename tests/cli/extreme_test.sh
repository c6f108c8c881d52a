#!/bin/sh
# tests/cli/extreme_test.sh DARKFIG SRCDIR [nolimit]: the command on inputs at the edges, each with
# its expected exit code and a fixed string of its output (stdout for 0, stderr else).
# Tables are generated here (tests/cli/many_lists.awk), none is stored. Prints
# "N passed, N failed".
# "nolimit": a sanitizer build: no cap on virtual memory (AddressSanitizer reserves
# terabytes of it), and no fit on 20 lists (minutes there; test_extreme covers it).
bin=$1 src=$2 limit=${3:-2000000}
[ "$limit" = nolimit ] && limit=unlimited
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# expect RC TEXT ARGS...: run with memory capped at 2 GB (a regression must not take the
# machine down) and a time limit of 300 s
expect() {
    want=$1 text=$2
    shift 2
    (ulimit -v "$limit" 2>/dev/null; exec timeout 300 "$bin" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    where=$tmp/err
    [ "$want" -eq 0 ] && where=$tmp/out
    if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$where"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: darkfig $* -> exit $rc (want $want), wanted \"$text\" in $(basename "$where"):"
        head -c 600 "$tmp/err"
        head -c 600 "$tmp/out"
    fi
}
gen() { awk -v k="$1" -v p="$2" -v seed=7 -f "$src/tests/cli/many_lists.awk"; }

# a line that never ends: refused at the 1 MiB line limit, not read into memory
head -c 1200000 /dev/zero >"$tmp/zeros.csv"
expect 3 "line longer than 1048576 bytes" fit "$tmp/zeros.csv"
[ -r /dev/zero ] && expect 3 "zero:1:1: line longer than" fit /dev/zero
{ printf 'A,B,note\n1,0,"'; i=0; while [ $i -lt 20000 ]; do printf 'abcd\n'; i=$((i + 1)); done; } \
    >"$tmp/quote.csv"
expect 3 "quoted field longer than 65536 bytes" fit "$tmp/quote.csv" --lists A,B

# 16 and 20 lists, a few hundred patterns: the existence check no longer builds an LP over
# all 2^k cells, the fit answers
gen 16 400 >"$tmp/l16.csv"
expect 0 "check     fine" fit "$tmp/l16.csv"
expect 0 "estimated total (N)" fit "$tmp/l16.csv" --model "[L1:L2,L3:L4]"
if [ "$limit" != unlimited ]; then
    gen 20 400 >"$tmp/l20.csv"
    expect 0 "estimated total (N)" fit "$tmp/l20.csv"
fi
# 21 and 30 lists: the limit, by name
gen 21 100 >"$tmp/l21.csv"
expect 2 "at most 20 lists (2^20 = 1048576 cells)" fit "$tmp/l21.csv"
gen 30 300 >"$tmp/l30.csv"
expect 2 "at most 20 lists" estimate "$tmp/l30.csv" --estimator mt
# 30 occasions in closed: M0 and Mh from the frequencies, the others say why not
expect 0 "needs the 2^t capture histories: at most 16 occasions (got 30)" closed "$tmp/l30.csv"
expect 0 "  M0  " closed "$tmp/l30.csv"

# counts of 1e12 with exact sums; the exhaustive search no longer chooses a model whose
# s.e. is NaN
printf 'A,B,C,count\n1,0,0,1\n0,1,0,1\n0,0,1,1\n1,1,0,1e12\n1,0,1,1000000000000\n0,1,1,1e12\n1,1,1,1e12\n' \
    >"$tmp/big.csv"
expect 0 "4000000000003" fit "$tmp/big.csv"
expect 0 "chosen    [1,2,3]" search "$tmp/big.csv" --method exhaustive
# the hold-out check with a model that does not parse: an error, not a table of NaN
expect 2 "expected ']'" check "$tmp/big.csv" --estimator loglin --model "[12,"
# an interval level of 1e-300 gave a "0% interval"
expect 2 "must be between 0.5 and 0.9999" fit "$tmp/big.csv" --level 1e-300
# every person on one list only: no estimate, exit 1
printf 'A,B,C,count\n1,0,0,5\n0,1,0,4\n0,0,1,3\n' >"$tmp/apart.csv"
expect 1 "does not exist" fit "$tmp/apart.csv"
# two identical lists
printf 'A,B,C,count\n1,1,0,10\n1,1,1,5\n0,0,1,6\n' >"$tmp/same.csv"
expect 0 "lincoln-petersen" twolist "$tmp/same.csv" --a A --b B
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
