#!/bin/sh
# tests/cli/cli_test.sh: command-line tests of darkfig.
# Usage: cli_test.sh DARKFIG SOURCE_DIR [valgrind]
# Runs the command on the bundled data and on tests/data, and checks exit codes, messages
# and numbers. With "valgrind", every run goes through valgrind --leak-check=full and a
# leak or memory error fails the test. Prints "N passed, N failed".
set -u
bin=$1
src=$2
mode=${3:-plain}
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # run ARGS...: sets $rc, $tmp/out, $tmp/err
    if [ "$mode" = valgrind ]; then
        valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --error-exitcode=99 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    else
        "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
}
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*" >&2; }
expect_rc() { # expect_rc WANT DESCRIPTION
    if [ "$rc" -eq "$1" ]; then ok; else
        bad "$2: exit $rc, want $1; stderr: $(head -c 300 "$tmp/err")"; fi
}
expect_err() { # expect_err SUBSTRING DESCRIPTION
    if grep -qF -- "$1" "$tmp/err"; then ok; else
        bad "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi
}
expect_out() { # expect_out SUBSTRING DESCRIPTION
    if grep -qF -- "$1" "$tmp/out"; then ok; else
        bad "$2: stdout lacks '$1'"; fi
}
expect_no_out() {
    if [ -s "$tmp/out" ]; then bad "$1: stdout not empty on error"; else ok; fi
}
# jget KEY [all]: the first value of KEY in the JSON on stdout (every value with "all")
jget() { /usr/bin/python3 "$src/tests/cli/json_get.py" "$tmp/out" "$@" 2>/dev/null; }
# num FIELD WANT TOL: the first JSON number "FIELD": within TOL of WANT
num() {
    got=$(jget "$1")
    if [ -n "$got" ] && awk -v g="$got" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'; then
        ok
    else
        bad "$1 = '$got', want $2 +- $3"
    fi
}
# jhas KEY VALUE DESCRIPTION: some "KEY" of the JSON on stdout is the string VALUE
jhas() {
    if jget "$1" all | grep -qxF -- "$2"; then ok; else bad "$3: no \"$1\": \"$2\" in the JSON"; fi
}

# --- the main job: Mt on the Dutch 6-list data (values: shared/data/README.md,
# Rcapture 1.4-4 closedpCI.t): N 52823.5, s.e. 2316.4, profile [48541.6, 57648.3].
run fit "$src/data/netherlands_6.csv"
expect_rc 0 "fit netherlands_6"
expect_out "52823.5" "fit netherlands_6 N"
expect_out "s.e. 2316.5 (R glm, Rcapture: 2316.4)" "fit netherlands_6 s.e."
expect_out "[48541.6, 57648.3]" "fit netherlands_6 profile interval"
expect_out "8234" "fit netherlands_6 registered"
run fit "$src/data/netherlands_6.csv" --format json
expect_rc 0 "fit json"
num N 52823.5 0.05
num se 2316.46 0.005
num se_glm 2316.4 0.05
num deviance 448.880 0.0005
num df 56 0
run fit "$src/data/netherlands_6.csv" --format csv
expect_rc 0 "fit csv"
if [ "$(wc -l <"$tmp/out")" -eq 2 ]; then ok; else bad "fit csv: want header + 1 row"; fi
expect_out "$(sha256sum "$src/data/netherlands_6.csv" | cut -c1-64)" "fit csv sha256"
# the stepwise model of shared/data/README.md (MultipleSystemsEstimation 1.2.0): 111139.4
run fit "$src/data/netherlands_6.csv" --model "[12,16,23,25,34,36,45,46]" --format json
expect_rc 0 "fit stepwise model"
num N 111139.4 0.05
# names instead of positions give the same model
run fit "$src/data/uk2013_5.csv" --model "[LA:NG:PFNCA,NG:GP,PFNCA:GO]" --format json
expect_rc 0 "fit by names"
num N 25311.3 0.05

# --- search: MultipleSystemsEstimation 1.2.0 values from data/README.md
run search "$src/data/uk2013_5.csv" --method exhaustive --format json
expect_rc 0 "search exhaustive uk2013_5"
jhas model "[123,25,34]" "search exhaustive uk2013_5 model"
num N 25311.3 0.05
run search "$src/data/western_us_5.csv" --method stepwise
expect_rc 0 "search stepwise western"
expect_out "[15,2,3,4]" "search stepwise western model"
expect_out "2483.4" "search stepwise western N"
run search "$src/data/korea_3.csv" --method frobnicate
expect_rc 2 "search unknown method"
expect_no_out "search unknown method"
run search "$src/data/korea_3.csv" --method exhaustive --max-order 3
expect_rc 2 "search max order above k - 1"
expect_err "max order" "search max order message"
run search "$src/data/korea_3.csv" --threshold 1.5
expect_rc 2 "search threshold outside (0,1)"
# --- closed: Rcapture 1.4-4 closedp on hare (data/README.md)
run closed "$src/data/rcapture_hare_6.csv" --format json
expect_rc 0 "closed hare"
jhas model "Mth Poisson2" "closed hare Mth Poisson2 row"
run closed "$src/data/rcapture_hare_6.csv"
expect_out "146.327" "closed hare Mth Poisson2 AIC"
expect_out "[71.8, 93.8]" "closed hare Mth Poisson2 profile"
expect_out "Rcapture's s.e. formula: 14.6" "closed hare Mbh: Rcapture's s.e. beside the delta method's"
run closed "$src/data/nbcap/rcapture_ill.csv"
expect_rc 0 "closed on an nbcap file"
expect_out "Zelterman" "closed nbcap Zelterman row"
run closed "$src/data/nbcap/rcapture_ill.csv" --occasions 6
expect_rc 0 "closed nbcap with --occasions"
expect_out "Mh Poisson2" "closed nbcap with --occasions: closedp.0 rows"
run closed "$src/data/nbcap/rcapture_ill.csv" --occasions 3
expect_rc 2 "closed nbcap with too few occasions"
run closed "$src/data/netherlands_6.csv"
expect_out "81749.9" "closed netherlands_6 Chao lower bound (81750 printed)"
expect_out "81776" "closed netherlands_6 Zelterman"
# --- check: hold-out on netherlands_6 (list P: n_j 4812, m_j 346)
run check "$src/data/netherlands_6.csv" --format csv
expect_rc 0 "check netherlands_6"
expect_out "P,4812,346," "check netherlands_6 list P"
run check "$src/data/netherlands_6.csv" --estimator nope
expect_rc 2 "check unknown estimator"
# --- bootstrap: same seed, same digits on 1 and 2 threads; replicates file written
run fit "$src/data/korea_3.csv" --bootstrap 50 --seed 7 --threads 1 --format json --replicates "$tmp/r1.csv"
expect_rc 0 "fit bootstrap 1 thread"
cp "$tmp/out" "$tmp/b1"
run fit "$src/data/korea_3.csv" --bootstrap 50 --seed 7 --threads 2 --format json --replicates "$tmp/r2.csv"
expect_rc 0 "fit bootstrap 2 threads"
# the same output but for the threads and replicates options it records
if [ "$(grep -v '"threads"\|"replicates"' "$tmp/out")" = "$(grep -v '"threads"\|"replicates"' "$tmp/b1")" ] &&
    cmp -s "$tmp/r1.csv" "$tmp/r2.csv"; then ok; else bad "bootstrap differs across threads"; fi
if [ "$(wc -l <"$tmp/r1.csv")" -eq 51 ]; then ok; else bad "replicates file: want 50 rows + header"; fi
run fit "$src/data/korea_3.csv" --bootstrap 1
expect_rc 2 "bootstrap B = 1"
# Ctrl-C during a long bootstrap: exit 130, a message, no output, no replicates file
if [ "$mode" = plain ]; then
    "$bin" search "$src/data/netherlands_6.csv" --bootstrap 1000000 --seed 1 --max-seconds 1e6 \
        --replicates "$tmp/int.csv" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep 1
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    expect_rc 130 "interrupted bootstrap"
    expect_err "interrupted: no output written" "interrupted bootstrap message"
    expect_no_out "interrupted bootstrap"
    if ls "$tmp"/int.csv* >/dev/null 2>&1; then bad "interrupted bootstrap left a file"; else ok; fi
fi

# --- twolist: netherlands_6, P against the other lists (data/README.md, checked against
# Rcapture): Lincoln-Petersen 52403.5; Chapman 52276.2, Seber s.e. 2572.2; log-normal
# [47516, 57613]; profile [47661, 57838]
run twolist "$src/data/netherlands_6.csv" --a P
expect_rc 0 "twolist P against others"
expect_out "52403.5" "twolist Lincoln-Petersen"
expect_out "52276.2     2572.2  [47516.5, 57612.7]       [47660.8, 57837.8]" "twolist Chapman row"
# lists that never overlap (oracle table 080; Rcapture closedp.bc Chapman 12461525, 1699
# times the 7333 registered: above DFG_NHAT_MAX_RATIO, not an estimate): neither row is a
# number, exit 1
run twolist "$src/tests/data/oracle/oracle_080.csv"
expect_rc 1 "twolist without overlap"
expect_out "Lincoln-Petersen is infinite" "twolist without overlap: Lincoln-Petersen"
expect_out "not an estimate (beyond bound): N = 1.25e+07" "twolist without overlap: Chapman"
run fit "$src/tests/data/oracle/oracle_080.csv"
expect_rc 1 "fit without overlap: MLE does not exist"
expect_err "does not exist" "fit without overlap message"
run twolist "$src/data/netherlands_6.csv" --a P --b P
expect_rc 2 "twolist same list twice"
run twolist "$src/data/netherlands_6.csv" --a Q
expect_rc 2 "twolist unknown list"

# --- estimate: any estimator through the common interface (hare Mth Poisson2: Rcapture
# 81.1 (5.6), AIC 146.327, profile [71.8, 93.8]; data/README.md)
run estimate "$src/data/rcapture_hare_6.csv" --estimator Mth-poisson2
expect_rc 0 "estimate Mth-poisson2"
expect_out "81.1   s.e. 5.6" "estimate Mth-poisson2 N"
expect_out "[71.8, 93.8]" "estimate Mth-poisson2 profile"
run estimate "$src/data/western_us_5.csv" --estimator stepwise --format json
expect_rc 0 "estimate stepwise western"
num N 2483.384 0.001
run estimate "$src/data/korea_3.csv" --estimator nope
expect_rc 2 "estimate unknown estimator"
run estimate "$src/data/korea_3.csv"
expect_rc 2 "estimate without --estimator"
run estimate "$src/data/korea_3.csv" --estimator stepwise --bootstrap 20 --boot-type parametric
expect_rc 2 "estimate parametric bootstrap refused"

# --- strata: a covariate column with --lists; fit models lists and covariates and gives
# the total per level (the main effects: the same N as the strata summed)
run fit "$src/tests/data/good/strata_counts.csv" --lists A,B,C
expect_rc 0 "fit with strata"
expect_out "year=x" "fit with strata: per-level totals"
run search "$src/tests/data/good/strata_counts.csv" --lists A,B,C
expect_rc 0 "search with strata"
expect_err "2 strata (distinct values of the columns that are not lists) summed" "strata note"

# --- help and usage
for sub in fit search closed check twolist estimate estimators; do
    run "$sub" --help
    expect_rc 0 "$sub --help"
    expect_out "Usage: darkfig $sub" "$sub --help text"
done
run --help
expect_rc 0 "--help"
run
expect_rc 2 "no command"
run frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command" "unknown command message"
run fit
expect_rc 2 "fit without file"
expect_err "missing input FILE" "fit without file message"
run fit "$src/data/korea_3.csv" --level 1.5
expect_rc 2 "bad level"
expect_err "--level must be a number in (0, 1)" "bad level message"
run fit "$src/data/korea_3.csv" --format xml
expect_rc 2 "bad format"
run fit "$src/data/korea_3.csv" --bogus
expect_rc 2 "unknown option"
run fit "$src/data/korea_3.csv" --model "[123]"
expect_rc 2 "k-way term refused"
expect_no_out "k-way term"
run fit "$src/data/korea_3.csv" --model "[19]"
expect_rc 2 "model naming a missing list"
expect_no_out "missing list"

# --- the bad-input catalogue (tests/data/bad/EXPECTED.tsv: file, status, exit, line:col, message)
cat="$src/tests/data/bad/EXPECTED.tsv"
if [ -f "$cat" ]; then
    while IFS="$(printf '\t')" read -r f status code place msg opts; do
        case "$f" in file | "" | \#*) continue ;; esac
        path="$src/tests/data/bad/$f"
        case "$opts" in
        lists=*) run fit "$path" --lists "${opts#lists=}" ;;
        count=*) run fit "$path" --count "${opts#count=}" ;;
        *) run fit "$path" ;;
        esac
        expect_rc "$code" "bad input $f"
        expect_err "darkfig: $path:$place: " "bad input $f place"
        expect_err "$msg" "bad input $f message"
        expect_no_out "bad input $f"
    done <"$cat"
else
    bad "missing $cat"
fi
run fit "$src/tests/data/bad/does_not_exist.csv"
expect_rc 3 "missing file"
expect_no_out "missing file"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
