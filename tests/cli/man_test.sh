#!/bin/sh
# tests/cli/man_test.sh: the manual page holds every command and every option that the
# commands' --help (printed from the option tables) lists.
# Usage: man_test.sh DARKFIG MANPAGE. Prints "N passed, N failed".
set -u
bin=$1
man=$2
pass=0
failn=0
[ -s "$man" ] && pass=$((pass + 1)) || { failn=$((failn + 1)); echo "FAIL: no $man"; }
cmds=$("$bin" --help | sed -n 's/^  \([a-z]*\) .*/\1/p')
for c in $cmds; do
    [ "$c" = version ] && continue
    if grep -qF "darkfig $c" "$man"; then pass=$((pass + 1)); else
        failn=$((failn + 1)); echo "FAIL: command $c not in the manual page"; fi
    for o in $("$bin" "$c" --help | sed -n 's/^  --\([a-z-]*\).*/\1/p'); do
        [ "$o" = help ] && continue
        # roff writes each dash as \-
        if grep -qF -- "$(printf '%s' "--$o" | sed 's/-/\\-/g')" "$man"; then pass=$((pass + 1)); else
            failn=$((failn + 1)); echo "FAIL: $c --$o not in the manual page"; fi
    done
done
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
