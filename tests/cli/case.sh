#!/bin/sh
# tests/cli/case.sh: one command-line case.
# Usage: case.sh DARKFIG RC WHERE TEXT [ARGS...]
#   runs DARKFIG ARGS..., expects exit code RC and TEXT (a fixed string) in stdout
#   (WHERE = out) or stderr (WHERE = err); with WHERE = err, stdout must stay empty
#   (nothing half-written on failure). Prints "N passed, N failed".
bin=$1 want_rc=$2 where=$3 text=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
pass=0 fail=0
if [ "$rc" -eq "$want_rc" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "exit $rc, want $want_rc; stderr: $(head -c 400 "$tmp/err")"; fi
if grep -qF -- "$text" "$tmp/$where"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "std$where lacks: $text"; head -c 600 "$tmp/$where"; fi
if [ "$where" = err ]; then
    if [ -s "$tmp/out" ]; then fail=$((fail + 1)); echo "stdout not empty on error"; else pass=$((pass + 1)); fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
