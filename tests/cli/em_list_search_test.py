"""tests/cli/em_list_search_test.py DARKFIG SRCDIR: search --method exhaustive|stepwise|
downhill --fixed M on a file with missing covariate values, every model fitted by EM. Each
row of the exhaustive search is checked by a separate `darkfig em --model (M + its list
terms) --em-exact` (the same EM to the maximum from the same start: N and BIC to 1e-8
relative); the chosen model has the smallest BIC and its totals are em's; candidates that
the missing values leave unidentifiable are skipped and named; the other methods end on
rows of the exhaustive table. Prints "N passed, N failed"."""
import subprocess
import sys

import clitest

darkfig, src = sys.argv[1], sys.argv[2]
data = src + "/tests/data/incomplete/cov_003_missing.csv"
lists = ["P", "K", "I"]
check = clitest.Checks()


def run(*args, js=True):
    return clitest.run(darkfig, args, js)


def names(model):
    """[13,2] (list positions) -> ["P:I", "K"]"""
    return [":".join(lists[int(c) - 1] for c in t) for t in model.strip("[]").split(",")]


def rel(a, b, tol=1e-8):
    return abs(a - b) <= tol * abs(b)


common = ["--lists", "P,K,I", "--count", "count", "--no-level-profile"]
fixed = "[P:origin]"
res = run("search", data, *common, "--fixed", fixed, "--method", "exhaustive", "--top", "100",
          "--format", "json")
check(res is not None, "exhaustive search ran")
rows = {}
if res:
    check(res.get("fit") == "EM" and res["admissible"] == 8 and len(res["models"]) == 8,
          "8 admissible models, fitted by EM")
    best = None
    for r in res["models"]:
        rows[r["model"]] = r
        m = "[" + fixed.strip("[]") + "," + ",".join(names(r["model"])) + "]"
        f = run("em", data, *common[:4], "--model", m, "--em-exact", "--no-profile", "--format",
                "json")
        tot = f["totals"][0] if f else None
        check(f is not None and rel(tot["N"], r["N"]) and rel(f["BIC"], r["criterion"]),
              "row %s: em %s gives N %s BIC %s, search %s %s"
              % (r["model"], m, tot and tot["N"], f and f["BIC"], r["N"], r["criterion"]))
        if f and (best is None or f["BIC"] < best[0]):
            best = (f["BIC"], r["model"], f)
    check(best is not None and res["chosen"]["model"] == best[1], "the chosen model is the best")
    if best:
        t = [x for x in res["totals"] if x.get("row", "total") != "total"]
        e = [x for x in best[2]["totals"] if x["quantity"] != "total"]
        check(len(t) == len(e) and all(rel(a["N"], b["N"], 1e-8) for a, b in zip(t, e)),
              "the chosen model's level totals are em's")

for method in ("stepwise", "downhill"):
    r = run("search", data, *common, "--fixed", fixed, "--method", method, "--format", "json")
    ch = r and r["chosen"]
    check(ch is not None and ch["model"] in rows and rel(ch["N"], rows[ch["model"]]["N"]),
          "%s ends on a row of the exhaustive table" % method)

out = run("search", data, *common, "--fixed", "[P:age,K:age]", "--method", "exhaustive",
          js=False)
check(out is not None and "skipped   4 models not identifiable with the missing values" in out
      and "P:age" in out, "unidentifiable candidates skipped and named")
check(out is not None and "EM        every model fitted by EM" in out, "text says EM")

p = subprocess.run([darkfig, "search", data, *common, "--fixed", fixed, "--method",
                    "aic-stepwise"], capture_output=True, text=True)
check(p.returncode == 2 and p.stdout == "", "aic-stepwise refused")

p = subprocess.run([darkfig, "search", data, *common, "--fixed", fixed, "--method",
                    "exhaustive", "--bootstrap", "10"], capture_output=True, text=True)
check(p.returncode == 2 and p.stdout == "" and "em --model M --bootstrap B" in p.stderr,
      "--bootstrap refused on incomplete data")

check.end()
