"""tests/cli/clitest.py: what the Python command-line tests beside it share: a counter of
checks that names the failing case, and a run of darkfig whose output is parsed as JSON.
Each script imports it (a script's own folder is first on sys.path)."""
import json
import subprocess
import sys


class Checks:
    """check(ok, what): count a check, print what failed; check.end(): the closing line
    "N passed, N failed" and the exit code (1 when any failed)."""

    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAILED:", what)

    def end(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def run(darkfig, args, parse=True):
    """darkfig ARGS: its stdout parsed as JSON (parse) or as text; None after printing the
    command and its message when it exits non-zero."""
    p = subprocess.run([darkfig, *args], capture_output=True, text=True)
    if p.returncode != 0:
        print(" ".join(args), "->", p.returncode, p.stderr)
        return None
    return json.loads(p.stdout) if parse else p.stdout
