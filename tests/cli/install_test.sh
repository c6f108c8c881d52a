#!/bin/sh
# tests/cli/install_test.sh: cmake --install into a temporary prefix, then compile and run
# a program against the installed header and shared library through pkg-config.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR. Prints "N passed, N failed".
set -u
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if [ "$1" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2"; fi; }
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null 2>&1
check $? "cmake --install"
test -f "$tmp/prefix/include/darkfig.h"
check $? "header installed"
"$tmp/prefix/bin/darkfig" version >/dev/null 2>&1
check $? "the installed command runs (finds the installed shared library)"
test -s "$(find "$tmp/prefix" -path '*man1/darkfig.1' | head -n 1)"
check $? "manual page installed"
pc=$(find "$tmp/prefix" -name darkfig.pc | head -n 1)
test -n "$pc"
check $? "pkg-config file installed"
cat >"$tmp/use.c" <<'C'
#include <darkfig.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_model m = {0, 0, NULL};
    dfg_fit f;
    if (argc < 2 || dfg_table_read_csv(argv[1], NULL, &t, &err) != DFG_OK ||
        dfg_model_independence(dfg_table_k(t), &m, &err) != DFG_OK ||
        dfg_loglin_fit(t, 0, &m, NULL, &f, &err) != DFG_OK) {
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
        return 1;
    }
    printf("%.1f\n", f.nhat);
    dfg_fit_free(&f);
    dfg_model_free(&m);
    dfg_table_free(t);
    return 0;
}
C
PKG_CONFIG_PATH=$(dirname "$pc") cc -std=c17 -o "$tmp/use" "$tmp/use.c" \
    $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs darkfig) 2>"$tmp/cc.err"
check $? "compile against the installed library: $(head -c 300 "$tmp/cc.err")"
out=$(LD_LIBRARY_PATH=$(dirname "$(find "$tmp/prefix" -name 'libdarkfig.so' | head -n 1)") \
    "$tmp/use" "$src/data/netherlands_6.csv")
[ "$out" = "52823.5" ]
check $? "installed library fits netherlands_6 Mt (got '$out', want 52823.5)"
# the shipped libraries export the public API only: dfg_ names and no test hook
so=$(find "$tmp/prefix" -name 'libdarkfig.so' | head -n 1)
a=$(find "$tmp/prefix" -name 'libdarkfig.a' | head -n 1)
bad=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBR]/ && $3 !~ /^dfg_/ {print $3}')
[ -z "$bad" ]
check $? "libdarkfig.so exports only dfg_ symbols (not: $bad)"
bad=$(nm -g --defined-only "$a" 2>/dev/null | awk 'NF == 3 && $3 !~ /^dfg_/ {print $3}')
[ -z "$bad" ]
check $? "libdarkfig.a defines only dfg_ globals (not: $bad)"
hooks=$(nm -D --defined-only "$so" | grep -E 'dfg_(alloc_fail_after|alloc_count|csv_fast_path)')
[ -z "$hooks" ]
check $? "no test hook in libdarkfig.so ($hooks)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
