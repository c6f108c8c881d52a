#!/bin/sh
# tests/cli/batch_test.sh: darkfig batch: a task's digits equal the single command's, the
# same bytes for --jobs 1 and 2, resuming (skip what is done, redo what is truncated or
# corrupt), the lock, failing writes, and bad input.
# Usage: batch_test.sh DARKFIG SOURCE_DIR. Needs /usr/bin/python3 (reads JSON). Prints
# "N passed, N failed".
set -u
bin=$1
src=$(cd "$2" && pwd)
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
lists=POL,KMAR,ISZW,COA,ZORG,OVR
snaps="$src/data/yearly/nl_synthetic_2016.csv $src/data/yearly/nl_synthetic_2019.csv
$src/data/yearly/nl_synthetic_2021.csv"

ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*" >&2; }
run() { # run ARGS...: $rc, $tmp/out, $tmp/err
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
expect_rc() {
    if [ "$rc" -eq "$1" ]; then ok; else
        bad "$2: exit $rc, want $1; stderr: $(head -c 400 "$tmp/err")"; fi
}
expect_err() {
    if grep -qF -- "$1" "$tmp/err"; then ok; else
        bad "$2: stderr lacks '$1': $(head -c 400 "$tmp/err")"; fi
}
same() { # same FILE1 FILE2 DESCRIPTION
    if cmp -s "$1" "$2"; then ok; else bad "$3: $1 and $2 differ"; fi
}
no_temporaries() { # no_temporaries DIR DESCRIPTION
    if [ -n "$(find "$1" -name '*.json.??????' -o -name '*.csv.??????')" ]; then
        bad "$2: temporary files left in $1"; else ok; fi
}

# ---- a task's digits are those of the single command on the same file
# (the summary's N and interval limits against the command's JSON, to the 15 significant
# digits cJSON prints: cJSON 1.7.15 prints %.15g whenever it reads back within one
# DBL_EPSILON, so the command's JSON may round the last bit; the batch's files hold
# %.17g / the shortest exact decimal)
# shellcheck disable=SC2086
run batch --out "$tmp/fit" --lists $lists --bootstrap 60 --seed 7 $snaps
expect_rc 0 "batch fit"
for f in $snaps; do
    label=$(basename "$f" .csv)
    "$bin" fit --format json --lists $lists --bootstrap 60 --seed 7 "$f" >"$tmp/one.json" 2>/dev/null
    if $py - "$tmp/fit/summary.csv" "$label" "$tmp/one.json" fit <<'PY'; then ok; else bad "fit digits of $label"; fi
import csv, json, sys
row = [r for r in csv.DictReader(open(sys.argv[1])) if r["label"] == sys.argv[2]][0]
one = json.load(open(sys.argv[3]))
# the snapshots have covariate columns: fit's model is over lists and covariates, its
# pooled total the first row of "totals", the bootstrap interval the batch names
tot = one["totals"][0]
iv = "boot_bca" if row["interval"] == "bca" else "boot_percentile"
want = ["%.15g" % x for x in [tot["n"], tot["N"], tot[iv + "_lower"], tot[iv + "_upper"]]]
got = ["%.15g" % float(row[k]) for k in ("registered", "N", "lower", "upper")]
ok = got == want and row["interval"] in ("bca", "percentile") and row["model"] == one["model"]
if not ok: print(got, want, row["interval"], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
done
# shellcheck disable=SC2086
run batch --out "$tmp/search" --lists $lists --method stepwise --bootstrap 40 --seed 3 $snaps
expect_rc 0 "batch search"
for f in $snaps; do
    label=$(basename "$f" .csv)
    "$bin" search --format json --lists $lists --method stepwise --bootstrap 40 --seed 3 "$f" \
        >"$tmp/one.json" 2>/dev/null
    if $py - "$tmp/search/summary.csv" "$label" "$tmp/one.json" <<'PY'; then ok; else bad "search digits of $label"; fi
import csv, json, sys
row = [r for r in csv.DictReader(open(sys.argv[1])) if r["label"] == sys.argv[2]][0]
one = json.load(open(sys.argv[3]))
want = ["%.15g" % x for x in [one["models"][0]["N"], one["bootstrap"]["lower"], one["bootstrap"]["upper"]]]
got = ["%.15g" % float(row[k]) for k in ("N", "lower", "upper")]
ok = got == want and row["model"] == one["models"][0]["model"]
if not ok: print(got, want, row["model"], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
done
# the year is the first run of four digits in the name
if grep -q '^nl_synthetic_2019,2019,' "$tmp/fit/summary.csv"; then ok; else bad "year from the name"; fi

# ---- the same bytes for --jobs 1 and --jobs 2, and on a rerun (every task skipped)
# shellcheck disable=SC2086
run batch --out "$tmp/j1" --lists $lists --method stepwise --jobs 1 $snaps
expect_rc 0 "jobs 1"
# shellcheck disable=SC2086
run batch --out "$tmp/j2" --lists $lists --method stepwise --jobs 2 $snaps
expect_rc 0 "jobs 2"
same "$tmp/j1/summary.csv" "$tmp/j2/summary.csv" "summary.csv, jobs 1 and 2"
same "$tmp/j1/summary.json" "$tmp/j2/summary.json" "summary.json, jobs 1 and 2"
same "$tmp/j1/nl_synthetic_2019.result.json" "$tmp/j2/nl_synthetic_2019.result.json" \
    "a result, jobs 1 and 2"
cp "$tmp/j1/summary.csv" "$tmp/j1.csv"
# shellcheck disable=SC2086
run batch --out "$tmp/j1" --lists $lists --method stepwise --jobs 2 $snaps
expect_rc 0 "rerun"
if grep -q "(3 skipped" "$tmp/out"; then ok; else bad "rerun: not every task skipped"; fi
same "$tmp/j1.csv" "$tmp/j1/summary.csv" "summary.csv after a rerun"

# ---- a truncated, a corrupt and a missing result are computed again
r="$tmp/j1/nl_synthetic_2016.result.json"
head -c 200 "$r" >"$r.x" && mv "$r.x" "$r"
sed 's/"N":	\([0-9]\)/"N":	9\1/' "$tmp/j1/nl_synthetic_2019.result.json" >"$tmp/x" &&
    mv "$tmp/x" "$tmp/j1/nl_synthetic_2019.result.json"
rm -f "$tmp/j1/nl_synthetic_2021.result.json"
# shellcheck disable=SC2086
run batch --out "$tmp/j1" --lists $lists --method stepwise $snaps
expect_rc 0 "rerun after damage"
expect_err "nl_synthetic_2016.result.json: computed again: not JSON" "truncated result"
expect_err "nl_synthetic_2019.result.json: computed again: seal does not match" "corrupt result"
if grep -q "(0 skipped" "$tmp/out"; then ok; else bad "damaged results not all redone"; fi
same "$tmp/j1.csv" "$tmp/j1/summary.csv" "summary.csv after redoing damaged results"
# another specification: nothing skipped
# shellcheck disable=SC2086
run batch --out "$tmp/j1" --lists $lists --method stepwise --threshold 0.05 $snaps
if grep -q "(0 skipped" "$tmp/out"; then ok; else bad "another specification skipped a task"; fi

# ---- --manifest and --split give the same numbers as the files
mkdir -p "$tmp/man"
{
    echo "label,year,path"
    for y in 2016 2019 2021; do echo "y$y,$y,$src/data/yearly/nl_synthetic_$y.csv"; done
} >"$tmp/man/manifest.csv"
run batch --out "$tmp/m" --lists $lists --method stepwise --manifest "$tmp/man/manifest.csv"
expect_rc 0 "manifest"
# one file with a year column, split by it
# shellcheck disable=SC2086
$py - "$tmp/all.csv" $snaps <<'PY'
import re, sys
out = open(sys.argv[1], "w")
for i, f in enumerate(sys.argv[2:]):
    year = re.search(r"(\d{4})", f.rsplit("/", 1)[-1]).group(1)
    lines = open(f).read().splitlines()
    if i == 0:
        out.write(lines[0].replace(",count", ",year,count") + "\n")
    for l in lines[1:]:
        a = l.rsplit(",", 1)
        out.write(a[0] + "," + year + "," + a[1] + "\n")
PY
run batch --out "$tmp/s" --lists $lists --method stepwise --split year "$tmp/all.csv"
expect_rc 0 "split"
if $py - "$tmp/j2/summary.csv" "$tmp/m/summary.csv" "$tmp/s/summary.csv" <<'PY'; then ok; else bad "files, manifest and split disagree"; fi
import csv, sys
cols = ("year", "registered", "N", "lower", "upper", "model")
t = [[tuple(r[c] for c in cols) for r in csv.DictReader(open(p))] for p in sys.argv[1:]]
sys.exit(0 if t[0] == t[1] == t[2] else 1)
PY

# ---- --by: the snapshot and each level of the column, each fitted on its own; a level's
# digits are those of darkfig fit on a file holding only that level's rows, without the
# column (its one level is no covariate), the other covariates kept
f19="$src/data/yearly/nl_synthetic_2019.csv"
run batch --out "$tmp/by" --lists $lists --by minor --bootstrap 30 --seed 4 "$f19"
expect_rc 0 "--by minor"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "minor") c = i }
    NR == 1 || $c == "minor" { s = ""; for (i = 1; i <= NF; i++) if (i != c) s = s (s == "" ? "" : ",") $i; print s }' \
    "$f19" >"$tmp/minors_2019.csv"
"$bin" fit --format json --lists $lists --bootstrap 30 --seed 4 "$tmp/minors_2019.csv" \
    >"$tmp/one.json" 2>/dev/null
if $py - "$tmp/by/summary.csv" "$tmp/one.json" "$tmp/fit/summary.csv" <<'PY'; then ok; else bad "--by: digits of a level"; fi
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
one = json.load(open(sys.argv[2]))
m = [r for r in rows if r["stratum"] == "minor=minor"][0]
tot = one["totals"][0]
iv = "boot_bca" if m["interval"] == "bca" else "boot_percentile"
ok = ["%.15g" % float(m[k]) for k in ("registered", "N", "lower", "upper")] == \
    ["%.15g" % x for x in [tot["n"], tot["N"], tot[iv + "_lower"], tot[iv + "_upper"]]]
if not ok: print([m[k] for k in ("registered", "N", "lower", "upper")], tot, file=sys.stderr)
# the whole snapshot first, then the levels in order; its registered is the levels' sum
ok = ok and [r["stratum"] for r in rows] == ["", "minor=adult", "minor=minor"]
ok = ok and float(rows[0]["registered"]) == float(rows[1]["registered"]) + float(rows[2]["registered"])
sys.exit(0 if ok else 1)
PY
if [ -e "$tmp/by/nl_synthetic_2019.minor.result.json" ]; then ok; else bad "--by: result file name"; fi
run batch --out "$tmp/by" --lists $lists --by nosuch "$f19"
expect_rc 3 "--by an unknown column"
expect_err "--by nosuch: no such column" "--by an unknown column: said"

# ---- a failing task: its status in the summary, the others run on, exit code 3
mkdir -p "$tmp/in"
printf 'POL,KMAR,ISZW,COA,ZORG,OVR,count\n' >"$tmp/in/empty_2020.csv"
# shellcheck disable=SC2086
run batch --out "$tmp/e" --lists $lists $snaps "$tmp/in/empty_2020.csv"
expect_rc 3 "empty snapshot"
expect_err "1 of 4 tasks failed" "empty snapshot: the count of failures"
if grep -q '^empty_2020,2020,,NA,NA,.*no data rows' "$tmp/e/summary.csv" &&
    [ "$(grep -c ',ok,' "$tmp/e/summary.csv")" -eq 3 ]; then ok; else
    bad "empty snapshot: summary"; fi

# no MLE, and an estimate that is not one (N a thousand times n): status and reason in
# the summary, never a number, exit code 1
printf 'A,B,C,count\n1,0,0,1000\n0,1,0,1000\n0,0,1,1000\n1,1,0,1\n' >"$tmp/in/sparse_2020.csv"
run batch --out "$tmp/nm" --model "[12,3]" "$tmp/in/sparse_2020.csv"
expect_rc 1 "no MLE"
if grep -q '^sparse_2020,2020,,NA,NA,.*maximum-likelihood estimate does not exist' \
    "$tmp/nm/summary.csv"; then ok; else bad "no MLE: summary"; fi
run batch --out "$tmp/ne" "$tmp/in/sparse_2020.csv"
expect_rc 1 "not an estimate"
if grep -q '^sparse_2020,2020,,3001,NA,NA,NA,0.95,NA,NA,.*,beyond bound,not an estimate' \
    "$tmp/ne/summary.csv"; then ok; else bad "not an estimate: summary"; fi

# ---- bad input
cp "$src/data/uk2013_5.csv" "$tmp/in/uk_2013.csv"
cp "$src/data/uk2013_5.csv" "$tmp/in/uk_2014.csv"
sed '1s/GP/GPX/' "$src/data/uk2013_5.csv" >"$tmp/in/uk_2015.csv"
run batch --out "$tmp/b" "$tmp/in/uk_2013.csv" "$tmp/in/uk_2014.csv" "$tmp/in/uk_2015.csv"
expect_rc 3 "different lists"
expect_err "uk_2015.csv: lists LA,NG,PFNCA,GO,GPX differ from those of $tmp/in/uk_2013.csv" \
    "different lists: named"
if [ -e "$tmp/b/summary.csv" ]; then bad "different lists: a summary was written"; else ok; fi
mkdir -p "$tmp/in/a" "$tmp/in/b"
cp "$src/data/yearly/nl_synthetic_2016.csv" "$tmp/in/a/x.csv"
cp "$src/data/yearly/nl_synthetic_2016.csv" "$tmp/in/b/x.csv"
run batch --out "$tmp/b" --lists $lists "$tmp/in/a/x.csv" "$tmp/in/b/x.csv"
expect_rc 2 "same label"
expect_err "two snapshots with the same label \"x\"" "same label: said"
run batch --out /dev/null/sub --lists $lists "$tmp/in/a/x.csv"
expect_rc 3 "unwritable DIR"
expect_err "--out /dev/null/sub: cannot create the folder" "unwritable DIR: said"
{
    echo "label,year,path"
    echo "a,2016,$src/data/yearly/nl_synthetic_2016.csv"
    echo "b,2017,missing_2017.csv"
} >"$tmp/man/bad.csv"
run batch --out "$tmp/b" --lists $lists --manifest "$tmp/man/bad.csv"
expect_rc 3 "manifest naming a missing file"
expect_err "bad.csv:3: $tmp/man/missing_2017.csv: No such file" "missing file: manifest:line"
run batch --out "$tmp/b" --lists $lists "$tmp/in/nothere_2016.csv"
expect_rc 3 "missing snapshot"
run batch --lists $lists "$tmp/in/a/x.csv"
expect_rc 2 "no --out"
run batch --out "$tmp/b" --model "[12]" --method stepwise "$tmp/in/a/x.csv"
expect_rc 2 "--model and --method"

# ---- a failing write leaves no partial file and says so
# a write that fails (file size limit: write() gives EFBIG, as a full disk gives ENOSPC)
mkdir -p "$tmp/fz"
(
    trap '' XFSZ
    ulimit -f 1
    exec "$bin" batch --out "$tmp/fz" --lists $lists "$tmp/in/a/x.csv" >"$tmp/out" 2>"$tmp/err"
)
rc=$?
expect_rc 3 "a failing write"
expect_err "x.result.json: cannot write" "a failing write: said"
expect_err "nothing written" "a failing write: nothing written"
no_temporaries "$tmp/fz" "a failing write"
if [ -e "$tmp/fz/x.result.json" ] || [ -e "$tmp/fz/summary.csv" ]; then
    bad "a failing write: a partial result or a summary"; else ok; fi
# the names it writes are taken by folders: refused, nothing written
mkdir -p "$tmp/w/summary.csv"
run batch --out "$tmp/w" --lists $lists "$tmp/in/a/x.csv"
expect_rc 2 "summary.csv occupied by a folder"
expect_err "summary.csv: refusing to replace a directory" "summary write: said"
no_temporaries "$tmp/w" "summary write"
if [ -e "$tmp/w/summary.json" ]; then bad "summary write: summary.json written"; else ok; fi
mkdir -p "$tmp/w2/x.result.json"
run batch --out "$tmp/w2" --lists $lists "$tmp/in/a/x.csv"
expect_rc 2 "result occupied by a folder"
expect_err "x.result.json: refusing to replace a directory" "result write: said"
no_temporaries "$tmp/w2" "result write"
if [ -e "$tmp/w2/summary.csv" ]; then bad "result write: summary written"; else ok; fi

# stdout that cannot be written: the files are whole, the exit code says it
"$bin" batch --out "$tmp/full" --lists $lists "$tmp/in/a/x.csv" >/dev/full 2>"$tmp/err"
rc=$?
expect_rc 3 "stdout on /dev/full"
expect_err "cannot write the table to stdout" "stdout on /dev/full: said"

# ---- a second batch on a locked folder stops with a clear error
mkdir -p "$tmp/l"
$py -c 'import fcntl, sys, time
f = open(sys.argv[1] + "/.lock", "a"); fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + "/locked", "w").close(); time.sleep(30)' "$tmp/l" &
holder=$!
i=0
while [ ! -e "$tmp/l/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run batch --out "$tmp/l" --lists $lists "$tmp/in/a/x.csv"
expect_rc 3 "locked folder"
expect_err "another darkfig batch is running on this folder" "locked folder: said"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
run batch --out "$tmp/l" --lists $lists "$tmp/in/a/x.csv"
expect_rc 0 "folder unlocked again"

# ---- a covariate with a missing value: darkfig fit runs the EM there, the batch does not:
# a failed task that says so (status input, exit 3), the other tasks run on
mkdir -p "$tmp/miss"
printf 'A,B,C,sex\n1,0,0,f\n0,1,0,m\n1,1,0,\n0,0,1,f\n1,0,1,m\n0,1,1,f\n' >"$tmp/miss/m_2020.csv"
printf 'A,B,C,sex\n1,0,0,f\n0,1,0,m\n1,1,0,m\n0,0,1,f\n1,0,1,m\n0,1,1,f\n1,1,1,f\n' >"$tmp/miss/c_2021.csv"
run batch --out "$tmp/miss/o" --lists A,B,C "$tmp/miss/m_2020.csv" "$tmp/miss/c_2021.csv"
expect_rc 3 "missing covariate value"
if grep -q '^m_2020,.*covariate sex has a missing value' "$tmp/miss/o/summary.csv" &&
    grep -q '^c_2021,2021,,7,[0-9]' "$tmp/miss/o/summary.csv"; then ok; else
    bad "missing covariate value: $(cat "$tmp/miss/o/summary.csv")"; fi

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
