#!/bin/sh
# tests/layers.sh: core/ calls into models/ only through the registry. Every symbol a
# core object of the library needs from a models object must be needed by
# core/estimators.c alone (Lua's lapi.c never names a library; only linit.c does).
# Usage: layers.sh LIBDARKFIG.A "core objects" "models objects". Prints "N passed, N failed".
set -u
lib=$1
core=$2
models=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" && ar x "$lib" || exit 1
for o in $models; do nm --defined-only -g "$o.o" | awk 'NF == 3 {print $3}'; done | sort -u >models.def
bad=0
for o in $core; do
    [ "$o" = estimators.c ] && continue
    nm -u "$o.o" | awk '{print $NF}' | sort -u | comm -12 - models.def >uses
    if [ -s uses ]; then
        echo "FAIL: core/$o calls into models/: $(tr '\n' ' ' <uses)"
        bad=$((bad + 1))
    fi
done
echo "$(($(echo $core | wc -w) - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
