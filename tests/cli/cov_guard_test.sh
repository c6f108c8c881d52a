#!/bin/sh
# tests/cli/cov_guard_test.sh: the bootstraps over lists and covariates (fit, search
# --method step, search --fixed) are checked before they start as the list-only ones are:
# a bootstrap estimated (from timed replicates) above --max-seconds, or whose replicates
# would hold more than --max-memory, is refused with the estimate, exit 2 and nothing
# written; a small one runs as before; Ctrl-C stops a long one (exit 130, nothing written).
# Usage: cov_guard_test.sh DARKFIG SOURCE_DIR. Prints "N passed, N failed".
set -u
bin=$1
src=$2
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

run() { "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, want $1; stderr: $(head -c 300 "$tmp/err")"; fi; }
expect_err() { if grep -qF -- "$1" "$tmp/err"; then ok; else bad "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi; }
expect_out() { if grep -qF -- "$1" "$tmp/out"; then ok; else bad "$2: stdout lacks '$1'"; fi; }
expect_no_out() { if [ -s "$tmp/out" ]; then bad "$1: stdout not empty on error"; else ok; fi; }

cruyff=$src/tests/data/cov/cruyff_simdat.csv
clear=$src/tests/data/cov/clear_winner.csv
L="--lists R1,R2,R3,R4"

# --- refused before it starts. A replicate of these takes 0.1 to 10 ms here (2026), so
# 10^7 of them are hours to minutes of work, far above the default 600 s; the pilot
# itself is at most 40 replicates.
run fit "$cruyff" $L --bootstrap 10000000 --max-memory 100000 --output res.txt
expect_rc 2 "fit: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "fit: the estimated time"
expect_err "timed on " "fit: how it was timed"
expect_err "above --max-seconds 600" "fit: the limit"
expect_no_out "fit refused"
[ -e res.txt ] && bad "fit refused: --output written" || ok
run search "$clear" --lists A,B,C --method step --bootstrap 10000000 --boot-type nonparametric \
    --max-memory 100000
expect_rc 2 "search --method step: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "search --method step: the estimated time"
expect_no_out "search --method step refused"
run search "$cruyff" $L --fixed "[*:X1]" --bootstrap 10000000 --boot-type nonparametric \
    --max-memory 100000
expect_rc 2 "search --fixed: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "search --fixed: the estimated time"
expect_no_out "search --fixed refused"
# the memory of the replicates: 10^7 x (two copies of 15 totals, a sorted copy, a flag)
# is about 2.2 GB, above the default 2048 MB
run fit "$cruyff" $L --bootstrap 10000000
expect_rc 2 "fit: 10^7 replicates above --max-memory"
expect_err "would hold about 2222 MB of replicates, above --max-memory 2048" "fit: the memory"
expect_no_out "fit refused on memory"
# with the selection every replicate keeps its model's label too
run search "$clear" --lists A,B,C --method step --bootstrap 10000000 --boot-type nonparametric
expect_rc 2 "search --method step: 10^7 replicates above --max-memory"
expect_err "MB of replicates, above --max-memory 2048" "search --method step: the memory"

# --- the limit decides: 100 percentile replicates of the fit (about 25 ms here, at least
# 10 ms on any machine: 0.1 ms a replicate) are refused at --max-seconds 0.01 and run at
# --max-seconds 1000
run fit "$cruyff" $L --bootstrap 100 --seed 7 --interval percentile --max-seconds 0.01
expect_rc 2 "fit: 100 replicates above --max-seconds 0.01"
expect_err "--bootstrap 100 would take about" "fit: 100 replicates: the estimate"
expect_no_out "fit: 100 replicates refused"
run fit "$cruyff" $L --bootstrap 100 --seed 7 --interval percentile --max-seconds 1000
expect_rc 0 "fit: 100 replicates within --max-seconds 1000"
# the same digits as before the guard (the pilot draws from its own generators): the
# run's total row before the pilot existed was 5972.9, s.e. 743.5, [4883.3, 7538.4]
expect_out "total                        5972.9     743.5  [4883.3, 7538.4]" "fit: the digits"
expect_out "Bootstrap: 100 nonparametric replicates, seed 7" "fit: the bootstrap ran"
run search "$cruyff" $L --fixed "[*:X1]" --bootstrap 50 --boot-type nonparametric --seed 7 \
    --interval percentile --max-seconds 0.01
expect_rc 2 "search --fixed: 50 replicates above --max-seconds 0.01"
run search "$clear" --lists A,B,C --method step --bootstrap 50 --boot-type nonparametric \
    --seed 7 --max-seconds 1000
expect_rc 0 "search --method step: 50 replicates within --max-seconds 1000"
expect_out "50 nonparametric replicates" "search --method step: the bootstrap ran"
# at most 40 replicates: not timed, never refused on time
run fit "$cruyff" $L --bootstrap 40 --seed 7 --interval percentile --max-seconds 0.000001
expect_rc 0 "fit: 40 replicates are not timed"

# --- Ctrl-C during a long covariate bootstrap: exit 130, a message, nothing written
"$bin" fit "$cruyff" $L --bootstrap 1000000 --seed 1 --max-seconds 1e6 --max-memory 100000 \
    --output int.txt >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "interrupted covariate bootstrap"
expect_err "interrupted: no output written" "interrupted covariate bootstrap: message"
expect_no_out "interrupted covariate bootstrap"
if ls "$tmp"/int.txt* >/dev/null 2>&1; then bad "interrupted covariate bootstrap left a file"; else ok; fi

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
