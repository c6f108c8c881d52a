"""tests/cli/json_get.py FILE KEY [all]: the value of the first KEY in FILE (a JSON
document), in document order, or with "all" every value of KEY, one a line (the elements
of an array of plain values each count as a value). Exits 1 when
FILE is not JSON (json.load's message on stderr)."""
import json
import sys


def walk(x, key, out):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == key and isinstance(v, list):
                out.extend(e for e in v if not isinstance(e, (dict, list)))
            elif k == key and not isinstance(v, dict):
                out.append(v)
            walk(v, key, out)
    elif isinstance(x, list):
        for v in x:
            walk(v, key, out)


with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
vals = []
walk(doc, sys.argv[2], vals)
if len(sys.argv) < 4:
    vals = vals[:1]
try:
    for v in vals:
        print("null" if v is None else repr(v) if isinstance(v, float) else v)
except BrokenPipeError:  # the reader (grep -q) has seen enough
    sys.stderr.close()
