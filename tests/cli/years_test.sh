#!/bin/sh
# tests/cli/years_test.sh DARKFIG SRCDIR: year in the model on the command side.
# fit --trend year=D on the stacked yearly table (tests/data/years/stacked_minor.csv):
# D = 5 (six years) gives the factor model's totals to 1e-9; the totals stay per year;
# --change 2019:2021 gives N(2021) - N(2019) and the ratio, with bootstrap intervals whose
# digits are the same on 1 and 2 threads; bad requests: a degree at or above the number
# of years, a covariate that is not numeric, a name that is not a covariate, a level that
# is not there. Prints "N passed, N failed".
bin=$1 src=$2
. "$src/tests/cli/years_lib.sh"
# totals FILE: "row N" of every total of a fit's JSON, N as %.17g
totals() {
    /usr/bin/python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["totals"]: print(t["row"], repr(t["N"]))' "$1"
}
# same A B TOL: the totals of two JSON files agree to the relative tolerance
same() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import json, sys
a = {t["row"]: t["N"] for t in json.load(open(sys.argv[1]))["totals"]}
b = {t["row"]: t["N"] for t in json.load(open(sys.argv[2]))["totals"]}
tol = float(sys.argv[3])
bad = [k for k in a if k not in b or abs(a[k] - b[k]) > tol * abs(b[k])]
sys.exit(1 if bad or len(a) != len(b) else 0)
PY
}

# D = 5 = the factor model (the same column space); the fit's own tolerance (1e-10 on the
# deviance's relative change) leaves N far closer than 1e-9
"$bin" fit "$data" --lists $L --model "$M" --no-level-profile --tol 1e-14 --format json \
    >"$tmp/factor.json" 2>/dev/null
"$bin" fit "$data" --lists $L --model "$M" --no-level-profile --tol 1e-14 --trend year=5 \
    --format json >"$tmp/d5.json" 2>/dev/null
if same "$tmp/d5.json" "$tmp/factor.json" 1e-9; then ok; else bad "trend year=5 != factor"; fi
"$bin" fit "$data" --lists $L --model "$M" --no-level-profile --trend year=2 --format json \
    >"$tmp/d2.json" 2>/dev/null
if [ "$(totals "$tmp/d2.json" | grep -c '^year=')" -eq 6 ]; then ok; else bad "six year rows"; fi
if ! same "$tmp/d2.json" "$tmp/factor.json" 1e-3; then ok; else bad "year=2 is the factor"; fi
if [ "$(/usr/bin/python3 "$src/tests/cli/json_get.py" "$tmp/d2.json" degree)" = 2 ]; then ok; else bad "trend degree in the JSON"; fi

# POL saw no one in 2021: the factor's POL:year[2021] is at -inf (a boundary fit, decided by
# the linear programs); degree 5 is the same boundary with the same N (the programs on the
# polynomial's real-valued columns); at degree 2 no polynomial reaches -inf in 2021 alone,
# so the MLE exists
awk -F, 'NR == 1 || !($1 == 1 && $8 == 2021)' "$data" >"$tmp/nopol.csv"
for d in 0 5 2; do
    tr=""
    [ $d -gt 0 ] && tr="--trend year=$d"
    # shellcheck disable=SC2086
    "$bin" fit "$tmp/nopol.csv" --lists $L --model "$M" --no-level-profile --tol 1e-14 $tr \
        --format json >"$tmp/np$d.json" 2>/dev/null
done
chk() { /usr/bin/python3 "$src/tests/cli/json_get.py" "$1" check; }
if [ "$(chk "$tmp/np0.json")" = boundary ] && [ "$(chk "$tmp/np5.json")" = boundary ] &&
    [ "$(chk "$tmp/np2.json")" = fine ] && same "$tmp/np5.json" "$tmp/np0.json" 1e-9; then ok
else bad "boundary with a trend: $(chk "$tmp/np0.json") $(chk "$tmp/np5.json") $(chk "$tmp/np2.json")"; fi

# --change with the bootstrap: the same digits on 1 and 2 threads
for th in 1 2; do
    "$bin" fit "$data" --lists $L --model "$M" --no-level-profile --trend year=2 \
        --change 2019:2021 --bootstrap 40 --boot-type parametric --seed 5 --threads $th \
        --format json >"$tmp/ch$th.json" 2>/dev/null
done
if /usr/bin/python3 -c 'import json,sys
a=json.load(open(sys.argv[1]))["change"]; b=json.load(open(sys.argv[2]))["change"]
sys.exit(0 if a == b and a["difference_percentile_lower"] is not None and a["ratio_bca_upper"] is not None else 1)' \
    "$tmp/ch1.json" "$tmp/ch2.json"; then ok; else bad "change differs on 1 and 2 threads"; fi
if /usr/bin/python3 -c 'import json,sys
j=json.load(open(sys.argv[1])); c=j["change"]; n={t["row"]:t["N"] for t in j["totals"]}
sys.exit(0 if c["difference"] == n["year=2021"] - n["year=2019"] and c["ratio"] == n["year=2021"] / n["year=2019"] else 1)' \
    "$tmp/ch1.json"; then ok; else bad "change is not N(2021) - N(2019)"; fi
expect 0 out "N(year=2021) - N(year=2019)" fit "$data" --lists $L --model "$M" \
    --no-level-profile --trend year=1 --change year=2019:2021
expect 0 out "year=2021 / year=2019" fit "$data" --lists $L --no-level-profile \
    --change 2019:2021 --bootstrap 20 --seed 1

# the delta method's s.e. and intervals of the change: in the text, CSV and JSON, beside the
# bootstrap's; the same digits on 1 and 2 threads; the JSON's s.e. equal the text's and the
# intervals are diff -+ z se and ratio exp(-+ z se_log) (z = qnorm(0.975))
for th in 1 2; do
    for fmt in text csv json; do
        "$bin" fit "$data" --lists $L --model "$M" --no-level-profile --change 2019:2021 \
            --bootstrap 40 --boot-type parametric --seed 5 --threads $th --format $fmt \
            >"$tmp/dm$th.$fmt" 2>/dev/null
    done
done
# (the CSV and JSON differ in options_threads only)
if cmp -s "$tmp/dm1.text" "$tmp/dm2.text" && /usr/bin/python3 - "$tmp" <<'PY'
import csv, json, sys
t = sys.argv[1]
a, b = (json.load(open(f"{t}/dm{i}.json")) for i in (1, 2))
ca, cb = (list(csv.DictReader(open(f"{t}/dm{i}.csv"))) for i in (1, 2))
for r in ca + cb:
    r.pop("options_threads")
sys.exit(0 if a["change"] == b["change"] and a["totals"] == b["totals"] and ca == cb else 1)
PY
then ok; else bad "delta change: 1 and 2 threads differ"; fi
if grep -q '^  N(year=2021) - N(year=2019)  *-661.4  *331.5  \[-1311.2, -11.6\]  delta method, normal$' "$tmp/dm1.text" &&
    grep -q '^  N(year=2021) / N(year=2019)  *0.8252  *0.0827  \[0.6781, 1.0043\]  delta method, normal on the log scale$' "$tmp/dm1.text" &&
    grep -q 'bootstrap percentile$' "$tmp/dm1.text" &&
    grep -q 'covariance of the two totals 831.9' "$tmp/dm1.text"; then ok; else
    bad "delta change: text lines"; grep -A8 '^Change' "$tmp/dm1.text"; fi
if /usr/bin/python3 - "$tmp/dm1.json" "$tmp/dm1.csv" <<'PY'
import csv, json, math, sys
c = json.load(open(sys.argv[1]))["change"]
row = next(csv.DictReader(open(sys.argv[2])))
z = 1.959963984540054
keys = ["difference_se", "difference_wald_lower", "difference_wald_upper", "ratio_se",
        "log_ratio_se", "ratio_log_wald_lower", "ratio_log_wald_upper", "N_from_se", "N_to_se",
        "covariance", "difference_boot_se", "difference_percentile_lower"]
ok = all(c[k] is not None and float(row["change_" + k]) == c[k] for k in keys)
ok &= abs(c["difference_wald_upper"] - c["difference"] - z * c["difference_se"]) < 1e-9
ok &= abs(math.log(c["ratio_log_wald_lower"] / c["ratio"]) + z * c["log_ratio_se"]) < 1e-12
ok &= abs(c["ratio_se"] - c["ratio"] * c["log_ratio_se"]) < 1e-15
ok &= abs(c["difference_se"] - 331.52785509571464) < 1e-6
sys.exit(0 if ok else 1)
PY
then ok; else bad "delta change: JSON/CSV fields"; fi
# without --bootstrap: the delta lines, the bootstrap's fields null
"$bin" fit "$data" --lists $L --model "$M" --no-level-profile --change 2019:2021 --format json \
    >"$tmp/dm0.json" 2>/dev/null
if /usr/bin/python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))["change"]
sys.exit(0 if abs(c["difference_se"] - 331.52785509571464) < 1e-6 and c["difference_boot_se"] is None else 1)' \
    "$tmp/dm0.json"; then ok; else bad "delta change without a bootstrap"; fi

# search --method step --trend: year=5 walks the factor model's path (same text but the
# trend line); year=1: every step's N and BIC equal a separate fit --trend year=1 of that
# step's model (1e-8 relative: both fits stop at the deviance's relative change 1e-10)
"$bin" search "$data" --lists $L --method step >"$tmp/sf.txt" 2>/dev/null
"$bin" search "$data" --lists $L --method step --trend year=5 >"$tmp/s5.txt" 2>/dev/null
if grep -v '^trend ' "$tmp/s5.txt" | cmp -s - "$tmp/sf.txt" && grep -q '^trend ' "$tmp/s5.txt"
then ok; else bad "search step --trend year=5 != the factor path"; fi
"$bin" search "$data" --lists $L --method step --trend year=1 --format json >"$tmp/s1.json" \
    2>/dev/null
if /usr/bin/python3 - "$bin" "$data" "$L" "$tmp/s1.json" <<'PY'
import json, subprocess, sys
bin_, data, lists, path = sys.argv[1:]
steps = json.load(open(path))["steps"]
terms, bad = [], 0
assert len(steps) > 5, "a path of more than five steps"
for s in steps:
    if s["change"] == "add":
        terms.append(s["term"])
    elif s["change"] == "drop":
        terms.remove(s["term"])
    args = [bin_, "fit", data, "--lists", lists, "--trend", "year=1", "--no-level-profile",
            "--format", "json"] + (["--model", "[" + ",".join(terms) + "]"] if terms else [])
    f = json.loads(subprocess.run(args, capture_output=True, text=True).stdout)
    total = [t for t in f["totals"] if t["row"] == "total"][0]
    for key, got in (("N", total["N"]), ("BIC", f["BIC"])):
        if abs(got - s[key]) > 1e-8 * abs(s[key]):
            print("FAIL: step", s["step"], key, got, "!=", s[key]); bad += 1
sys.exit(1 if bad else 0)
PY
then ok; else bad "search step --trend year=1: a step differs from its separate fit"; fi
expect 2 err "--trend goes with --method step" search "$data" --lists $L --method exhaustive \
    --trend year=1

# search --fixed M --by minor,year: the chosen model's totals per crossed level are fit's
# (fit --model <chosen over lists and covariates> --by minor,year; N and s.e. to 1e-9)
"$bin" search "$data" --lists $L --fixed "[*:minor]" --by minor,year --no-level-profile \
    --format json >"$tmp/sby.json" 2>/dev/null
if /usr/bin/python3 - "$bin" "$data" "$L" "$tmp/sby.json" <<'PY'
import json, subprocess, sys
bin_, data, lists, path = sys.argv[1:]
s = json.load(open(path))
rows = {t["row"]: t for t in s["totals"]}
f = json.loads(subprocess.run([bin_, "fit", data, "--lists", lists, "--model",
                               s["chosen_full_model"], "--by", "minor,year",
                               "--no-level-profile", "--format", "json"],
                              capture_output=True, text=True).stdout)
got = {t["row"]: t for t in f["totals"] if t["row"] != "total"}
assert len(rows) == 12 and set(rows) == set(got), (sorted(rows), sorted(got))
bad = [k for k in rows for key in ("N", "se")
       if abs(rows[k][key] - got[k][key]) > 1e-9 * abs(got[k][key])]
sys.exit(1 if bad else 0)
PY
then ok; else bad "search --fixed --by minor,year != fit --model <chosen> --by minor,year"; fi
expect 2 err "--by goes with --fixed or --method step" search "$data" --lists $L --by minor
expect 2 err "with --method step, --by sets the totals of the bootstrap" search "$data" \
    --lists $L --method step --by minor

# bad requests
expect 2 err "must be below its number of distinct values (6)" fit "$data" --lists $L \
    --trend year=6
expect 2 err "--trend takes COVARIATE=DEGREE" fit "$data" --lists $L --trend year
expect 2 err "'age' is not a covariate" fit "$data" --lists $L --trend age=1
expect 3 err "not a number" fit "$data" --lists $L --trend minor=1
expect 2 err "no total for year=2030" fit "$data" --lists $L --change 2019:2030
expect 2 err "--change takes [COVARIATE=]A:B" fit "$data" --lists $L --change 2019
expect 2 err "--trend and --change need covariate columns" fit "$src/data/korea_3.csv" \
    --trend year=1
printf 'A,B,C,year,count\n1,0,0,2016,5\n0,1,0,,3\n1,1,0,2017,2\n0,0,1,2017,4\n' >"$tmp/miss.csv"
expect 2 err "unknown option --trend" fit "$tmp/miss.csv" --lists A,B,C --trend year=1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
