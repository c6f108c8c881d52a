#!/bin/sh
# tests/cli/em_test.sh: command-line tests of the EM fit with missing covariate values
# (darkfig em, and darkfig fit on such a file). Usage: em_test.sh DARKFIG SOURCE_DIR.
# Prints "N passed, N failed"; exit 1 on any failure.
set -u
bin=$1
d=$2/tests/data/incomplete
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*" >&2; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, want $1: $(head -c 300 "$tmp/err")"; fi; }
expect_out() { if grep -qF -- "$1" "$tmp/out"; then ok; else bad "$2: stdout lacks '$1'"; fi; }
expect_err() { if grep -qF -- "$1" "$tmp/err"; then ok; else bad "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi; }
expect_no_out() { if [ -s "$tmp/out" ]; then bad "$1: stdout not empty on error"; else ok; fi; }

# fit on a file with NA covariates runs the EM and says so (cenzus::mse: N 4383574.7415)
run fit "$d/cenzus_newzealand_AC.csv" --lists A,C --model '[A:c,C:a,a:c]'
expect_rc 0 "fit NZ"
expect_out "EM: covariates with missing values" "fit NZ method"
expect_out "iterations, last relative change of the log-likelihood" "fit NZ iterations"
expect_out "4383574.7" "fit NZ N"
expect_out "721948.0" "fit NZ a=1"
expect_out "640687." "fit NZ c=1"
expect_out "-4293179.376231" "fit NZ loglik"
expect_out "recorded by A only" "fit NZ passive detected"
expect_err "missing by design" "fit NZ note"
# the same through darkfig em, CSV
run em "$d/cov_014_missing.csv" --lists P,K,I --model '[P:expl,K:year,expl:year,expl:age]' --format csv
expect_rc 0 "em csv"
expect_out "expl=criminal,2741.00" "em csv level"
expect_out ",10263.06" "em csv N"
run em "$d/cov_014_missing.csv" --lists P,K,I --format json
expect_rc 0 "em json"
expect_out '"EM"' "em json"
if python3 -m json.tool "$tmp/out" >/dev/null 2>&1; then ok; else bad "em json does not parse"; fi
# cenzus's stopping rule
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-abs-tol 1e-7 --em-plain
expect_rc 0 "cenzus rule"
expect_out "3853.3" "cenzus rule N"
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]'
expect_rc 0 "default: cenzus's EM"
expect_out "765.7" "default: minors as cenzus (765.729153)"
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-exact
expect_out "764.9" "--em-exact: minors at the maximum"
# a term the missing values leave unidentifiable: exit 3, named
run fit "$d/cenzus_newzealand_AC.csv" --lists A,C --model '[A:a,A:c,C:a,a:c]'
expect_rc 3 "not identifiable"
expect_err "A:a" "not identifiable names the term"
expect_no_out "not identifiable"
# EM limit: exit 1 with the last change, no numbers
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-max-iter 10 --em-plain
expect_rc 1 "EM limit"
expect_err "did not converge in 10 iterations" "EM limit message"
expect_err "last relative change" "EM limit change"
expect_no_out "EM limit"
# a declared passive list that contradicts the data
run fit "$d/cov_003_missing.csv" --lists P,K,I --passive age:P
expect_rc 3 "passive contradiction"
expect_err "declared not to record" "passive contradiction message"
run fit "$d/cov_003_missing.csv" --lists P,K,I --passive age
expect_rc 2 "passive usage"
# a covariate missing for every person; a further NA string
printf 'A,B,age,count\n1,0,NA,3\n0,1,,4\n1,1,NA,2\n' >"$tmp/allna.csv"
run fit "$tmp/allna.csv" --lists A,B
expect_rc 3 "all missing"
expect_err "missing for every person" "all missing message"
printf 'A,B,C,sex,count\n1,0,0,f,30\n0,1,0,m,20\n1,1,0,f,12\n0,0,1,m,25\n1,0,1,.,6\n0,1,1,f,8\n1,1,1,m,3\n1,0,0,m,22\n0,1,0,f,27\n1,1,0,.,4\n0,0,1,f,19\n1,0,1,m,7\n0,1,1,m,5\n1,1,1,f,2\n' >"$tmp/dot.csv"
run fit "$tmp/dot.csv" --lists A,B,C --na .
expect_rc 0 "--na"
expect_out "missing for 10 people" "--na counted"
# bootstrap: the same digits on 1 and 2 threads
run em "$d/cov_014_missing.csv" --lists P,K,I --model '[P:expl,K:year,expl:year,expl:age]' --bootstrap 50 --seed 3 --interval percentile
expect_rc 0 "boot 1 thread"
cp "$tmp/out" "$tmp/b1"
run em "$d/cov_014_missing.csv" --lists P,K,I --model '[P:expl,K:year,expl:year,expl:age]' --bootstrap 50 --seed 3 --interval percentile --threads 2
expect_rc 0 "boot 2 threads"
if cmp -s "$tmp/out" "$tmp/b1"; then ok; else bad "bootstrap digits differ between 1 and 2 threads"; fi
expect_out "95% percentile" "boot text"
# records (one row per person) with empty and NA covariate fields
{
    echo "A,B,C,sex"
    i=0
    while [ $i -lt 40 ]; do
        echo "1,0,0,f"; echo "0,1,0,m"; echo "1,1,0,f"; echo "0,0,1,m"; echo "1,0,1,"
        echo "0,1,1,f"; echo "1,0,0,m"; echo "0,1,0,NA"; echo "0,0,1,f"; echo "1,1,1,m"
        i=$((i + 1))
    done
} >"$tmp/rec.csv"
run fit "$tmp/rec.csv" --lists A,B,C --model '[A:sex,B:sex]'
expect_rc 0 "records"
expect_out "missing for 80 people" "records missing"
expect_out "400 observed, 80 with a missing value" "records people"
# --max-seconds refuses a bootstrap that would take too long
run em "$d/cov_014_missing.csv" --lists P,K,I --bootstrap 1000000 --seed 3 --max-seconds 1
expect_rc 2 "max-seconds"
expect_err "above --max-seconds" "max-seconds message"
expect_no_out "max-seconds"
# a file without missing values still goes to the ordinary fit
run fit "$2/data/korea_3.csv"
expect_rc 0 "plain fit"
if grep -qF "EM" "$tmp/out"; then bad "plain fit ran the EM"; else ok; fi

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
