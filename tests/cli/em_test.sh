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
# profile-likelihood intervals of the totals (tests/test_incomplete_profile.c)
expect_out "  total                         4377300.0      4383574.7       85.8   [4383408.9, 4383745.1]   [4383406.9, 4383743.1]" "fit NZ profile"
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]'
expect_err "note: no profile interval: profile of the total: the constrained fits do not reach the estimate" "weakly identified: no profile"
expect_out "[3663.5, 4074.6]         -" "weakly identified: '-' for the profile"
run fit "$d/cenzus_newzealand_AC.csv" --lists A,C --model '[A:c,C:a,a:c]' --format json
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
t = d['totals'][0]
assert abs(t['profile_lower'] - 4383406.94) < 0.1 and abs(t['profile_upper'] - 4383743.11) < 0.1, t
" "$tmp/out"; then ok; else bad "profile json"; fi
run fit "$d/cenzus_newzealand_AC.csv" --lists A,C --model '[A:c,C:a,a:c]' --no-profile
expect_out "[4383408.9, 4383745.1]   -" "--no-profile"
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
# EM limit: exit 1 with the last change; the totals are not estimates (status and
# reason in text, CSV and JSON, no number)
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-max-iter 10 --em-plain
expect_rc 1 "EM limit"
expect_err "did not converge in 10 iterations" "EM limit message"
expect_err "last relative change" "EM limit change"
expect_out "total                            2523.0   not an estimate (not a number): no estimate: the EM did not converge in 10 iterations (last relative change" "EM limit text"
expect_out "AIC, BIC: none" "EM limit no criteria"
if grep -q "3853\|38[0-9][0-9]\.[0-9]" "$tmp/out"; then bad "EM limit printed an N"; else ok; fi
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-max-iter 10 --em-plain --format csv
expect_rc 1 "EM limit csv"
expect_out "total,2523,NA,NA,NA,NA,NA,NA,10," "EM limit csv row"
expect_out ",not a number,\"no estimate: the EM did not converge in 10 iterations" "EM limit csv value"
run fit "$d/cov_003_missing.csv" --lists P,K,I --model '[P:age,K:age,origin:age]' --em-max-iter 10 --em-plain --format json
expect_rc 1 "EM limit json"
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['status'] == 'iteration did not converge', d['status']
assert d['AIC'] is None
for t in d['totals']:
    assert t['N'] is None and t['se'] is None and t['value'] == 'not a number', t
    assert 'did not converge in 10 iterations' in t['reason'], t
" "$tmp/out"; then ok; else bad "EM limit json"; fi
# an N above 1000 times the people observed (two lists that overlap in one person) is not
# an estimate: status beyond bound, exit 1, no number
printf 'A,B,sex,count\n1,0,f,1500\n1,0,m,1400\n1,0,NA,100\n0,1,f,1500\n0,1,m,1450\n0,1,,50\n1,1,f,1\n1,1,m,0\n' >"$tmp/big.csv"
run em "$tmp/big.csv" --lists A,B
expect_rc 1 "beyond bound"
expect_out "not an estimate (beyond bound): N = 9.01e+06 is more than 1000 times the 6001 people" "beyond bound text"
run em "$tmp/big.csv" --lists A,B --format csv
expect_rc 1 "beyond bound csv"
expect_out "total,6001,NA,NA,NA,NA," "beyond bound csv row"
expect_out ",beyond bound,N = 9.01e+06 is more than 1000 times" "beyond bound csv value"
run em "$tmp/big.csv" --lists A,B --format json
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert all(t['N'] is None and t['value'] == 'beyond bound' for t in d['totals']), d['totals']
" "$tmp/out"; then ok; else bad "beyond bound json"; fi
# the fit of a table whose lists never overlap fails (singular), no number
printf 'A,B,sex,count\n1,0,f,1500\n1,0,m,1400\n1,0,NA,100\n0,1,f,1500\n0,1,m,1450\n0,1,,50\n' >"$tmp/inf.csv"
run em "$tmp/inf.csv" --lists A,B
expect_rc 1 "no overlap"
expect_no_out "no overlap"
# the stepwise search on incomplete data: search --method step runs the EM search; terms
# the missing values leave unidentifiable are skipped by name; it ends at cenzus's model
run search "$d/cenzus_newzealand_AC.csv" --lists A,C --method step
expect_rc 0 "search NZ"
expect_out "search (EM: covariates with missing values)" "search NZ header"
expect_out "     4  + C:a              BIC    8       0.0       0.0       0.0      4383574.7" "search NZ last step"
expect_out "final     [A:c,C:a,a:c]" "search NZ final"
expect_out "skipped   A:a, C:c: not identifiable" "search NZ skipped"
expect_out "4383574.7" "search NZ chosen model's N"
run em "$d/cenzus_newzealand_AC.csv" --lists A,C --search --format csv
expect_rc 0 "em --search csv"
expect_out "4,add,C:a,BIC,8," "em --search csv step"
run em "$d/cov_014_missing.csv" --lists P,K,I --search --format json
expect_rc 0 "em --search json"
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['method'] == 'EM step' and d['skipped'] == 'P:year', (d['method'], d.get('skipped'))
assert d['final'] == d['model'] and len(d['steps']) >= 3 and len(d['totals']) == 10
" "$tmp/out"; then ok; else bad "em --search json"; fi
# a start that cannot be estimated: exit 3, named; an EM limit in the search: exit 1
run search "$d/cenzus_newzealand_AC.csv" --lists A,C --method step --fixed '[A:a]'
expect_rc 3 "search fixed not identifiable"
expect_err "model term A:a cannot be estimated" "search fixed names the term"
expect_no_out "search fixed not identifiable"
run search "$d/cov_003_missing.csv" --lists P,K,I --method step --em-max-iter 3 --em-plain
expect_rc 1 "search EM limit"
expect_err "EM did not converge in 3 iterations (last relative change" "search EM limit message"
expect_no_out "search EM limit"
run em "$d/cov_003_missing.csv" --lists P,K,I --search --model '[P:age]'
expect_rc 2 "--model with --search"
run em "$d/cov_003_missing.csv" --lists P,K,I --fixed '[P:age]'
expect_rc 2 "--fixed without --search"
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
run search "$tmp/allna.csv" --lists A,B --method step
expect_rc 3 "search all missing"
expect_err "missing for every person" "search all missing message"
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
