#!/bin/sh
# tests/cli/years_batch.sh DARKFIG SRCDIR: darkfig batch --pooled / --trend / --change.
# The snapshots: tests/data/years/stacked_minor.csv cut into one file a year (the year column
# dropped, as the yearly files come). The pooled batch's per-year N equal those of darkfig
# fit on the stacked file with the same options (--by year) to 1e-9 (the same table, the same
# calls: in practice the same digits), for the factor model and for --trend year=2; a rerun
# skips the task and rewrites summary.csv byte for byte; the change lines have the same
# digits on 1 and 2 threads; bad requests. Prints "N passed, N failed".
bin=$1 src=$2
. "$src/tests/cli/years_lib.sh"
for y in 2016 2017 2018 2019 2020 2021; do
    awk -F, -v y=$y 'NR == 1 { print "POL,KMAR,ISZW,COA,ZORG,OVR,minor,count"; next }
        $8 == y { print $1","$2","$3","$4","$5","$6","$7","$9 }' "$data" >"$tmp/snap_$y.csv"
done
# cmp_fit SUMMARY FIT_JSON: every year's N in summary.csv against the fit's year=YYYY total
cmp_fit() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import csv, json, sys
rows = {r["year"]: float(r["N"]) for r in csv.DictReader(open(sys.argv[1])) if r["year"]}
fit = {t["row"]: t["N"] for t in json.load(open(sys.argv[2]))["totals"]}
bad = [y for y in rows if abs(rows[y] - fit["year=" + y]) > 1e-9 * abs(fit["year=" + y])]
tot = [r for r in csv.DictReader(open(sys.argv[1])) if r["label"] == "pooled"][0]
if abs(float(tot["N"]) - fit["total"]) > 1e-9 * fit["total"]:
    bad.append("total")
sys.exit(1 if bad or len(rows) != 6 else 0)
PY
}
for trend in "" "--trend year=2"; do
    # shellcheck disable=SC2086
    "$bin" batch --out "$tmp/b" --lists $L --pooled year --model "$M" $trend \
        "$tmp"/snap_20*.csv >/dev/null 2>"$tmp/err" || bad "batch $trend: exit $?"
    # shellcheck disable=SC2086
    "$bin" fit "$data" --lists $L --model "$M" --by year $trend --no-level-profile \
        --format json >"$tmp/fit.json" 2>/dev/null
    if cmp_fit "$tmp/b/summary.csv" "$tmp/fit.json"; then ok; else
        bad "batch --pooled $trend: per-year N differ from darkfig fit"; fi
    cp "$tmp/b/summary.csv" "$tmp/first.csv"
    # shellcheck disable=SC2086
    "$bin" batch --out "$tmp/b" --lists $L --pooled year --model "$M" $trend \
        "$tmp"/snap_20*.csv >"$tmp/out" 2>/dev/null
    if grep -q "(1 skipped" "$tmp/out" && cmp -s "$tmp/first.csv" "$tmp/b/summary.csv"; then ok
    else bad "rerun $trend: not skipped or summary changed"; fi
    rm -rf "$tmp/b"
done
# the pooled result's provenance: every snapshot with its year and hash
"$bin" batch --out "$tmp/b" --lists $L --trend year=1 --model "$M" "$tmp"/snap_20*.csv \
    >/dev/null 2>&1
if [ "$(/usr/bin/python3 -c 'import json,sys
print(*[s["year"] for s in json.load(open(sys.argv[1]))["input"]["snapshots"]])' \
    "$tmp/b/pooled.result.json")" = "2016 2017 2018 2019 2020 2021" ]; then ok; else
    bad "snapshots in the result"; fi
# --change with the bootstrap on 1 and 2 threads: the same summary
for th in 1 2; do
    "$bin" batch --out "$tmp/c$th" --lists $L --trend year=2 --model "$M" --change 2019:2021 \
        --bootstrap 30 --boot-type parametric --seed 4 --threads $th "$tmp"/snap_20*.csv \
        >/dev/null 2>&1
done
if cmp -s "$tmp/c1/summary.csv" "$tmp/c2/summary.csv" &&
    grep -q '^change,,year=2021 - year=2019,NA,-' "$tmp/c1/summary.csv" &&
    grep '^ratio,' "$tmp/c1/summary.csv" | grep -q ',bca,'; then ok; else
    bad "--change: summaries differ on 1 and 2 threads, or no change line"; head -20 "$tmp/c1/summary.csv"; fi
# --change without a bootstrap: the change and ratio lines get the delta method's interval
# (wald; log-wald for the ratio), the limits of fit --change on the stacked file (1e-9)
"$bin" batch --out "$tmp/dw" --lists $L --model "$M" --change 2019:2021 --pooled year \
    "$tmp"/snap_20*.csv >/dev/null 2>&1
"$bin" fit "$data" --lists $L --model "$M" --change 2019:2021 --no-level-profile --format json \
    >"$tmp/dw.json" 2>/dev/null
if /usr/bin/python3 - "$tmp/dw/summary.csv" "$tmp/dw.json" <<'PY'
import csv, json, sys
rows = {r["label"]: r for r in csv.DictReader(open(sys.argv[1]))}
c = json.load(open(sys.argv[2]))["change"]
close = lambda a, b: abs(float(a) - b) <= 1e-9 * abs(b)
ok = rows["change"]["interval"] == "wald" and rows["ratio"]["interval"] == "log-wald"
ok &= close(rows["change"]["lower"], c["difference_wald_lower"])
ok &= close(rows["change"]["upper"], c["difference_wald_upper"])
ok &= close(rows["ratio"]["lower"], c["ratio_log_wald_lower"])
ok &= close(rows["ratio"]["upper"], c["ratio_log_wald_upper"])
sys.exit(0 if ok else 1)
PY
then ok; else bad "--change without a bootstrap: no wald interval"; grep -E '^(change|ratio),' "$tmp/dw/summary.csv"; fi
# bad requests
expect 2 err "--change needs --pooled" batch --out "$tmp/x" --lists $L --change 2019:2021 \
    "$tmp"/snap_20*.csv
expect 2 err "--pooled fits one model" batch --out "$tmp/x" --lists $L --pooled year \
    --method stepwise "$tmp"/snap_20*.csv
expect 2 err "must be below the number of years (6)" batch --out "$tmp/x" --lists $L \
    --trend year=6 "$tmp"/snap_20*.csv
expect 2 err "--trend takes COVARIATE=DEGREE with a degree in 1..16" batch --out "$tmp/x" \
    --lists $L --trend year=x "$tmp"/snap_20*.csv
expect 2 err "--trend takes COVARIATE=DEGREE with a degree in 1..16" batch --out "$tmp/x" \
    --lists $L --trend year=17 "$tmp"/snap_20*.csv
expect 2 err "no snapshot of year 2030" batch --out "$tmp/x" --lists $L --pooled year \
    --change 2019:2030 "$tmp"/snap_20*.csv
cp "$tmp/snap_2016.csv" "$tmp/again_2016.csv"
expect 3 err "have the same year 2016" batch --out "$tmp/x" --lists $L --pooled year \
    "$tmp"/snap_20*.csv "$tmp/again_2016.csv"
cp "$tmp/snap_2016.csv" "$tmp/noyear.csv"
expect 3 err "no year" batch --out "$tmp/x" --lists $L --pooled year "$tmp/snap_2017.csv" \
    "$tmp/noyear.csv"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
