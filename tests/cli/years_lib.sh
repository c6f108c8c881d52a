# tests/cli/years_lib.sh: what tests/cli/years_test.sh and years_batch.sh share (sourced
# with bin and src set): a temporary folder, the counters, the stacked yearly table, the
# lists and the model, and expect.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
data=$src/tests/data/years/stacked_minor.csv
L=POL,KMAR,ISZW,COA,ZORG,OVR
M='[*:year,minor:year,POL:KMAR]'
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect RC WHERE TEXT ARGS...: exit code RC and the fixed string TEXT in stdout/stderr
expect() {
    want=$1 where=$2 text=$3
    shift 3
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/$where"; then ok; else
        bad "darkfig $* -> exit $rc (want $want), wanted \"$text\" in std$where"
        head -c 600 "$tmp/err"
    fi
}
