"""tests/cli/cov_boot_search_test.py DARKFIG SRCDIR: search --fixed M --method X
--bootstrap B against fit --model <the chosen model> --bootstrap B with the same seed.
Parametric: the chosen model fixed, the same replicates: every interval the same double.
Nonparametric on a table where every replicate's search picks the data's model
(tests/data/cov/clear_winner.csv): the same draws, each refitted from another start, so
every bound within 1e-9 relative (two IRLS fits converged to |dD| / (|D| + 0.1) < 1e-10;
observed 1e-15). Then: the same digits on 1 and 2 threads, BCa only when asked, the CSV
columns, and failed replicates counted in the text. Prints "N passed, N failed"."""
import csv
import io
import json
import math
import subprocess
import sys

darkfig, src = sys.argv[1], sys.argv[2]
cov = src + "/tests/data/cov/"
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what)


def run(*args, fmt="json"):
    p = subprocess.run([darkfig, *args, "--format", fmt], capture_output=True, text=True)
    if p.returncode != 0:
        print(" ".join(args), "->", p.returncode, p.stderr)
        return None
    return json.loads(p.stdout) if fmt == "json" else p.stdout


BOUNDS = ["lower", "upper", "percentile_lower", "percentile_upper", "bca_lower", "bca_upper",
          "se", "z0", "acceleration", "failed", "replicates_ok"]
LEVEL = ["boot_percentile_lower", "boot_percentile_upper", "boot_bca_lower", "boot_bca_upper"]


def close(a, b, rtol):
    if a is None or b is None:
        return a is None and b is None
    return a == b if rtol == 0 else abs(a - b) <= rtol * max(abs(b), 1e-300)


def against_fit(data, lists, fixed, method, btype, seed, rtol):
    """search --fixed with the bootstrap, then fit of its chosen model: the bounds of the
    total and of every level agree to rtol (0: the same double). Returns the search."""
    s = run("search", data, "--lists", lists, "--fixed", fixed, "--method", method,
            "--bootstrap", "200", "--boot-type", btype, "--seed", str(seed),
            "--no-level-profile")
    check(s is not None and "bootstrap" in s, "%s %s: search ran" % (data, btype))
    if not s:
        return None
    f = run("fit", data, "--lists", lists, "--model", s["chosen_full_model"], "--bootstrap",
            "200", "--boot-type", btype, "--seed", str(seed), "--no-level-profile")
    check(f is not None, "fit %s ran" % s["chosen_full_model"])
    if not f:
        return s
    sb, fb = s["bootstrap"], f["bootstrap"]
    for k in BOUNDS:
        check(close(sb[k], fb[k], rtol), "%s %s: bootstrap %s %s vs fit's %s" %
              (data, btype, k, sb[k], fb[k]))
    frows = {r["row"]: r for r in f["totals"]}
    check(len(s["totals"]) >= 2, "level rows")
    for r in s["totals"]:
        for k in LEVEL:
            check(r["row"] in frows and close(r[k], frows[r["row"]][k], rtol),
                  "%s %s: %s %s %s vs fit's %s" % (data, btype, r["row"], k, r[k],
                                                     frows.get(r["row"], {}).get(k)))
    return s


# parametric: the model fixed, as fit --model M --bootstrap B (the same double)
s = against_fit(cov + "oracle-cov/cov_013.csv", "P,K,I,R", "[origin:expl,*:origin,P:expl]",
                "stepwise", "parametric", 5, 0)
check(s is not None and "models_distinct" not in s["bootstrap"],
      "parametric: no selection, no models counted")

# nonparametric with the search repeated: one model in every replicate = that model fixed
s = against_fit(cov + "clear_winner.csv", "A,B,C", "[*:g]", "exhaustive", "nonparametric", 1,
                1e-9)
if s:
    b = s["bootstrap"]
    check(b["models_distinct"] == 1 and b["chosen_share"] == 1 and
          b["models"] == [{"model": "[12,3]", "count": 200}],
          "every replicate chose [12,3]: %s" % b.get("models"))

# the same digits on 1 and 2 threads (a search whose choice varies between replicates)
base = ["search", cov + "oracle-cov/cov_013.csv", "--lists", "P,K,I,R", "--fixed",
        "[origin:expl,*:origin,P:expl]", "--bootstrap", "100", "--seed", "2",
        "--no-level-profile"]
one, two = run(*base, "--threads", "1"), run(*base, "--threads", "2")
check(one is not None and two is not None and one["bootstrap"] == two["bootstrap"] and
      one["totals"] == two["totals"], "1 and 2 threads: the same bootstrap and totals")
if one:
    b = one["bootstrap"]
    check(b["models_distinct"] > 1 and 0 < b["chosen_share"] < 1,
          "the choice varies: %s models" % b["models_distinct"])
    check(sum(m["count"] for m in b["models"]) + b["failed"] == 100, "every replicate counted")
    check(b["interval"] == "bca" and all(math.isfinite(b[k]) for k in ("bca_lower", "bca_upper")),
          "BCa by default")

# percentile only when asked: no BCa bounds
p = run(*base, "--interval", "percentile")
check(p is not None and p["bootstrap"]["bca_lower"] is None and
      p["bootstrap"]["percentile_lower"] == one["bootstrap"]["percentile_lower"],
      "--interval percentile: the same percentile bounds, no BCa")

# CSV: the bootstrap's fields on every model row
text = run(*base, fmt="csv")
if text:
    rows = list(csv.DictReader(io.StringIO(text)))
    check(len(rows) >= 1 and all(r["bootstrap_models_distinct"] ==
                                 str(one["bootstrap"]["models_distinct"]) for r in rows),
          "CSV carries bootstrap_models_distinct")
    check(all(float(r["bootstrap_lower"]) == one["bootstrap"]["lower"] for r in rows),
          "CSV carries bootstrap_lower")

# text: failed replicates counted (list C holds one person: the replicates without him
# have a list with no one; 79 of 200, replayed in tests/test_cov_boot_search.c)
t = run("search", cov + "one_on_c.csv", "--lists", "A,B,C", "--fixed", "[]", "--bootstrap",
        "200", "--seed", "1", "--no-level-profile", fmt="text")
check(t is not None and "200 nonparametric replicates, seed 1 (79 failed" in t and
      "models chosen (1 distinct): [1,2,3] 60.5%" in t, "text: failed replicates counted")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
