"""tests/cli/cov_search_test.py DARKFIG SRCDIR: search --method exhaustive --fixed M on a
table with covariates, each candidate checked by a separate `darkfig fit` of (M + its list
terms): N and BIC equal the search's rows (1e-9 relative: the same fit, separately
started), the chosen model has the smallest BIC, and the level totals of the chosen model
are fit's. Then stepwise with --fixed "[]" against the list-only search on the strata
summed (the same model and N: collapsibility, tests/test_cov_search.c). Prints "N passed,
N failed"."""
import sys

import clitest

darkfig, src = sys.argv[1], sys.argv[2]
data = src + "/tests/data/cov/oracle-cov/cov_013.csv"
lists = ["P", "K", "I", "R"]
fixed = "[origin:expl,*:origin,P:expl]"
check = clitest.Checks()


def run(*args):
    return clitest.run(darkfig, args)


def names(model):
    """[14,2,3] (list positions) -> ["P:R", "K", "I"]"""
    return [":".join(lists[int(c) - 1] for c in t) for t in model.strip("[]").split(",")]


def rel(a, b):
    return abs(a - b) <= 1e-9 * abs(b)


res = run("search", data, "--lists", ",".join(lists), "--fixed", fixed, "--method",
          "exhaustive", "--top", "1000", "--format", "json", "--no-level-profile")
check(res is not None, "search ran")
if res:
    rows = res["models"]
    check(len(rows) == res["admissible"] == 113, "every admissible model a row")
    best = None
    for r in rows:
        m = "[" + fixed.strip("[]") + "," + ",".join(names(r["model"])) + "]"
        f = run("fit", data, "--lists", ",".join(lists), "--model", m, "--format", "json",
                "--no-level-profile")
        tot = f["totals"][0] if f else None
        check(f is not None and rel(tot["N"], r["N"]) and rel(f["BIC"], r["criterion"]),
              "row %s: fit %s gives N %s BIC %s" % (r["model"], m, tot and tot["N"],
                                                   f and f["BIC"]))
        if f and (best is None or f["BIC"] < best[0]):
            best = (f["BIC"], r["model"], m)
    check(best is not None and best[1] == res["chosen"]["model"],
          "chosen %s, smallest BIC %s" % (res["chosen"]["model"], best))
    # the chosen model's level totals are fit's
    f = run("fit", data, "--lists", ",".join(lists), "--model", res["chosen_full_model"],
            "--format", "json", "--no-level-profile")
    check(f is not None and len(f["totals"]) == len(res["totals"]) + 1, "level rows")
    for a, b in zip(res["totals"], f["totals"][1:] if f else []):
        check(a["row"] == b["row"] and rel(a["N"], b["N"]) and rel(a["se"], b["se"]),
              "level %s" % a["row"])

# collapsibility on the command line: stepwise with the covariates' main effects only
f6 = src + "/tests/data/cov/wodc_like_6lists_5cov.csv"
a = run("search", f6, "--lists", "P,K,I,R,O,Z", "--fixed", "[]", "--format", "json",
        "--no-level-profile")
b = run("search", f6, "--lists", "P,K,I,R,O,Z", "--format", "json")
check(a is not None and b is not None and a["chosen"]["model"] == b["chosen"]["model"]
      and rel(a["chosen"]["N"], b["chosen"]["N"]), "collapsed stepwise")

check.end()
