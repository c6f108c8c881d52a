#!/bin/sh
# tests/cli/json_test.sh: every command's --format json output parses as JSON (Debian's
# python3 -m json.tool), with and without the bootstrap, on the bundled data and on list
# names that are not UTF-8 or hold control characters; the CSV of search carries the
# bootstrap. Usage: json_test.sh DARKFIG SOURCE_DIR. Prints "N passed, N failed".
set -u
bin=$1
src=$2
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$src/data
# names: a Latin-1 e-acute (not UTF-8), an escape character, a quote and a backslash
printf 'Caf\351,A\033x,"Q""x",B\\s,count\n1,0,0,0,30\n0,1,0,0,25\n0,0,1,0,20\n0,0,0,1,22\n1,1,0,0,6\n1,0,1,0,5\n0,1,1,0,4\n0,0,1,1,5\n1,0,0,1,3\n0,1,0,1,4\n' >"$tmp/names.csv"
parse() { # parse DESCRIPTION ARGS...: the command exits $want (0) and its stdout is JSON
    desc=$1
    shift
    "$bin" "$@" --format json >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "${want:-0}" ]; then
        failn=$((failn + 1))
        echo "FAIL: $desc: exit $rc: $(head -c 300 "$tmp/err")"
    elif /usr/bin/python3 -m json.tool "$tmp/out" >/dev/null 2>"$tmp/jerr"; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        echo "FAIL: $desc: not JSON: $(head -c 300 "$tmp/jerr")"
    fi
}
parse "fit" fit "$d/netherlands_6.csv"
parse "fit boundary" fit "$d/netherlands_6.csv" --model "[12,16,23,25,34,36,45,46]"
parse "fit bootstrap" fit "$d/korea_3.csv" --bootstrap 20 --seed 1
parse "fit parametric" fit "$d/korea_3.csv" --bootstrap 20 --seed 1 --boot-type parametric
parse "search" search "$d/netherlands_6.csv" --path
parse "search bootstrap" search "$d/netherlands_6.csv" --bootstrap 20 --seed 1
parse "search exhaustive" search "$d/uk2013_5.csv" --method exhaustive --average
parse "closed" closed "$d/rcapture_hare_6.csv"
parse "closed nbcap" closed "$d/nbcap/rcapture_ill.csv" --occasions 6
parse "check" check "$d/netherlands_6.csv"
parse "twolist" twolist "$d/netherlands_6.csv" --a P
# neither estimator gives an estimate there: exit 1, the rows still printed
want=1
parse "twolist without overlap" twolist "$src/tests/data/oracle/oracle_080.csv"
want=0
parse "estimate" estimate "$d/rcapture_hare_6.csv" --estimator Mth-poisson2
parse "estimate bootstrap" estimate "$d/korea_3.csv" --estimator stepwise --bootstrap 20 --seed 1
parse "names: fit" fit "$tmp/names.csv"
parse "names: search" search "$tmp/names.csv"
parse "names: check" check "$tmp/names.csv"
parse "names: twolist" twolist "$tmp/names.csv"
parse "names: closed" closed "$tmp/names.csv"
# bytes that are not UTF-8 reach JSON as the four characters \xE9
"$bin" fit "$tmp/names.csv" --format json >"$tmp/out" 2>/dev/null
if /usr/bin/python3 "$src/tests/cli/json_get.py" "$tmp/out" lists all | grep -qxF 'Caf\xE9'; then
    pass=$((pass + 1))
else
    failn=$((failn + 1))
    echo "FAIL: the Latin-1 name is not Caf\\xE9 in JSON"
fi
# the search CSV carries the bootstrap (its interval in every row)
"$bin" search "$d/netherlands_6.csv" --bootstrap 50 --seed 1 --format csv >"$tmp/out" 2>"$tmp/err"
if head -n 1 "$tmp/out" | tr ',' '\n' | grep -qx bootstrap_lower &&
    [ "$(sed -n 2p "$tmp/out" | tr ',' '\n' | grep -c .)" -gt 30 ]; then
    pass=$((pass + 1))
else
    failn=$((failn + 1))
    echo "FAIL: search --bootstrap --format csv lacks the bootstrap: $(head -c 300 "$tmp/out")"
fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
