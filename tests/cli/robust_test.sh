#!/bin/sh
# tests/cli/robust_test.sh: the command's rules for files, input, names, long runs and
# option values, one case each (each was a way to lose a file, hang, or mislead).
# Usage: robust_test.sh DARKFIG SOURCE_DIR. Prints "N passed, N failed".
set -u
bin=$1
src=$2
pass=0
failn=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

run() { "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, want $1; stderr: $(head -c 300 "$tmp/err")"; fi; }
expect_err() { if grep -qF -- "$1" "$tmp/err"; then ok; else bad "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi; }
expect_out() { if grep -qF -- "$1" "$tmp/out"; then ok; else bad "$2: stdout lacks '$1'"; fi; }
expect_no_out() { if [ -s "$tmp/out" ]; then bad "$1: stdout not empty on error"; else ok; fi; }
jget() { /usr/bin/python3 "$src/tests/cli/json_get.py" "$tmp/out" "$@" 2>/dev/null; }

cp "$src/data/korea_3.csv" data.csv
sum=$(sha256sum data.csv | cut -c1-64)

# --- files the command writes: never an input, never a non-regular file, all or nothing
run fit data.csv --replicates data.csv --bootstrap 10
expect_rc 2 "replicates onto the input"
expect_err "refusing to overwrite the input" "replicates onto the input: message"
[ "$(sha256sum data.csv | cut -c1-64)" = "$sum" ] && ok || bad "the input was changed"
ln -s data.csv link.csv
run fit data.csv --output link.csv
expect_rc 2 "output onto the input through a symbolic link (same inode)"
[ "$(sha256sum data.csv | cut -c1-64)" = "$sum" ] && ok || bad "the input was changed through the link"
mkfifo fifo
run fit data.csv --replicates fifo --bootstrap 10
expect_rc 2 "replicates onto a FIFO"
expect_err "refusing to replace a FIFO" "replicates onto a FIFO: message"
[ -p fifo ] && ok || bad "the FIFO was replaced"
run fit data.csv --output fifo
expect_rc 2 "output onto a FIFO"
[ -p fifo ] && ok || bad "the FIFO was replaced by --output"
# a device node made here (as root: a copy of /dev/full's numbers, 1 7): refused, kept
if mknod devnode c 1 7 2>/dev/null; then
    run fit data.csv --replicates devnode --bootstrap 10
    expect_rc 2 "replicates onto a device node"
    expect_err "refusing to replace a device" "replicates onto a device node: message"
    [ -c devnode ] && ok || bad "the device node was replaced"
    rm -f devnode
fi
run fit data.csv --output .
expect_rc 2 "output onto a directory"
# a write that fails: stdout on a full device, a folder that is a file, a name too long
"$bin" fit data.csv >/dev/full 2>"$tmp/err"
rc=$?
expect_rc 3 "stdout on /dev/full"
expect_err "cannot write the output to stdout (No space left on device)" "stdout on /dev/full: message"
touch plain
run fit data.csv --bootstrap 10 --replicates plain/r.csv
expect_rc 3 "replicates under a regular file"
expect_err "cannot write (Not a directory)" "replicates under a regular file: message"
expect_no_out "replicates under a regular file"
long=$(printf '%0300d' 0)
run fit data.csv --output "$long.csv"
expect_rc 3 "output name too long"
expect_err "File name too long" "output name too long: message"
expect_err "nothing written" "output name too long: nothing written"
expect_no_out "output name too long"
n=$(ls | grep -cv '^out$\|^err$')
[ "$n" -eq 4 ] && ok || bad "files left behind: $(ls)"
# a good --output: the whole result, the usual permissions, no temporary left
run fit data.csv --output res.json --format json
expect_rc 0 "output to a file"
[ ! -s "$tmp/out" ] && /usr/bin/python3 -m json.tool res.json >/dev/null && ok || bad "res.json is not the JSON result"
[ "$(ls | grep -c 'res.json')" -eq 1 ] && ok || bad "a temporary file is left: $(ls)"
run fit data.csv --bootstrap 10 --replicates res.json
expect_rc 0 "a regular file is replaced"
run fit data.csv --bootstrap 10 --seed 1 --output same.csv --replicates same.csv
expect_rc 2 "output and replicates the same file"

# --- input read once: a pipe hashes what was read; closed reads it too
cat data.csv | "$bin" fit /dev/stdin --format json >"$tmp/out" 2>"$tmp/err"
[ "$(jget sha256)" = "$sum" ] && ok || bad "fit /dev/stdin: sha256 $(jget sha256), want $sum"
cat data.csv | "$bin" closed /dev/stdin >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "closed /dev/stdin"
expect_out "$(printf '%.16s' "$sum")" "closed /dev/stdin: the hash of what was read"
# an input that never ends stops at --max-memory
run fit /dev/zero --max-memory 1
expect_rc 3 "an endless input"
expect_err "more than --max-memory 1 MB" "an endless input: message"

# --- names that are not UTF-8 or hold control characters: escaped in text and messages
printf 'Caf\351,A\033x,B,count\n1,0,0,30\n0,1,0,25\n0,0,1,20\n1,1,0,6\n1,0,1,5\n0,1,1,4\n' >names.csv
run fit names.csv
expect_rc 0 "fit on odd names"
expect_out 'lists     3: Caf\xE9 A\x1Bx B' "odd names escaped in text"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out"; then bad "a raw escape character in text output"; else ok; fi
run twolist names.csv --a "$(printf 'Z\033')"
expect_rc 2 "twolist --a with a control character"
expect_err 'Z\x1B: no list of that name' "the option value escaped in the message"
expect_err 'the lists are Caf\xE9, A\x1Bx and B' "the list names escaped in the message"

# --- long work: estimated before it starts, refused above the stated limits
run search "$src/data/netherlands_6.csv" --bootstrap 100000 --max-seconds 1
expect_rc 2 "a bootstrap above --max-seconds"
expect_err "above --max-seconds 1" "a bootstrap above --max-seconds: message"
expect_no_out "a bootstrap above --max-seconds"
run fit data.csv --bootstrap 5000000 --max-memory 10
expect_rc 2 "a bootstrap above --max-memory"
expect_err "above --max-memory 10" "a bootstrap above --max-memory: message"
printf 'A,B,count\n1,0,1000000000000\n0,1,1000000000000\n1,1,1000000000000\n' >big.csv
run fit big.csv --bootstrap 10
expect_rc 2 "a bootstrap of 3e12 people"
expect_err "at most 4294967295" "a bootstrap of 3e12 people: the limit named"

# --- option values: a usage error naming the option, the same under every command
run estimate data.csv --estimator loglin --criterion xyz
expect_rc 2 "estimate --criterion xyz"
expect_err "--criterion must be bic, aic or aicc" "estimate --criterion xyz: message"
run estimate data.csv --estimator loglin --criterion aic
expect_rc 2 "estimate --criterion on a non-search estimator"
expect_err "--criterion applies to the search estimators" "--criterion on loglin: message"
for cmd in "fit" "estimate --estimator loglin" "check --estimator loglin"; do
    # shellcheck disable=SC2086
    run $cmd data.csv --model "[12,"
    expect_rc 2 "$cmd: a bad model"
    expect_err "--model [12,:" "$cmd: a bad model: message"
    expect_no_out "$cmd: a bad model"
done
# a check where every held-out list fails prints no table of NaN
run check data.csv --estimator loglin --model "[12]"
if [ "$rc" -ne 0 ]; then ok; else bad "check with every row failed: exit 0"; fi
expect_err "is not identifiable" "check with every row failed: message"
expect_no_out "check with every row failed"
run twolist data.csv --a nosuch
expect_rc 2 "twolist --a nosuch"
expect_err "--a nosuch: no list of that name or position; the lists are b, c and d" "twolist --a nosuch: message"
run twolist data.csv --a b --b b
expect_rc 2 "twolist the same list twice"
run fit data.csv --threads 2000
expect_rc 2 "threads above DFG_MAX_THREADS"
expect_err "--threads must be an integer in 1..256" "threads: the limit named"
run fit data.csv --bootstrap 10 --seed -1
expect_rc 2 "a negative seed"
run search data.csv --average=1
expect_rc 2 "a flag with a value"
expect_err "--average takes no value" "a flag with a value: message"
run search "$src/data/netherlands_6.csv" --method exhaustive --path
expect_rc 2 "--path of an exhaustive search"

# --- the model table: ranked by the criterion, the chosen model marked, the path apart
run search "$src/data/netherlands_6.csv" --format json --path
expect_rc 0 "search --path"
/usr/bin/python3 - "$tmp/out" <<'PY' && ok || bad "search table: rank, delta, chosen, path"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["models"]
assert [r["rank"] for r in m] == list(range(1, len(m) + 1)), "ranks"
assert m[0]["delta"] == 0, "rank 1 has delta 0"
assert all(a["criterion"] <= b["criterion"] for a, b in zip(m, m[1:])), "by criterion"
assert sum(r["chosen"] for r in m) == 1, "one chosen row"
ch = [r for r in m if r["chosen"]][0]
assert ch["model"] == d["chosen"]["model"] == "[12,16,23,25,34,36,45,46]", "the stepwise choice"
p = d["path"]
assert p[0]["model"] == "[1,2,3,4,5,6]" and p[-1]["model"] == ch["model"], "the path"
assert len(p) == 9 and all(e["added"] for e in p[1:]), "a term a step"
PY
run search "$src/data/netherlands_6.csv"
expect_out "  rank  chosen  model" "the text table has a chosen column"
if grep -q "stepwise path" "$tmp/out"; then bad "the path shown without --path"; else ok; fi
# the same order on every run, whatever the threads
"$bin" search "$src/data/uk2013_5.csv" --method exhaustive --top 50 --threads 1 >a.txt 2>/dev/null
"$bin" search "$src/data/uk2013_5.csv" --method exhaustive --top 50 --threads 2 >b.txt 2>/dev/null
cmp -s a.txt b.txt && ok || bad "the exhaustive table differs between 1 and 2 threads"
rm -f a.txt b.txt

# --- nbcap files with a BOM or a quoted header reach the frequency reader
"$bin" closed "$src/data/nbcap/rcapture_ill.csv" >plain.txt 2>/dev/null
run closed "$src/tests/data/cli/nbcap_bom.csv"
expect_rc 0 "an nbcap file with a BOM and CRLF"
[ "$(grep -E 'Chao|Zelterman' "$tmp/out")" = "$(grep -E 'Chao|Zelterman' plain.txt)" ] && ok ||
    bad "the nbcap file with a BOM gives other estimates"
run closed "$src/tests/data/cli/nbcap_quoted.csv"
if [ "$rc" -eq 0 ] || grep -q 'nbcap' "$tmp/err"; then ok; else
    bad "a quoted nbcap header went to the capture-table reader: $(head -c 300 "$tmp/err")"; fi
if grep -q 'list column' "$tmp/err"; then bad "a quoted nbcap header: the table reader's message"; else ok; fi

# --- the bootstraps over lists and covariates (fit, search --method step, search --fixed)
# are checked before they start as the list-only ones are, and stop on Ctrl-C
cruyff=$src/tests/data/cov/cruyff_simdat.csv
clear=$src/tests/data/cov/clear_winner.csv
L="--lists R1,R2,R3,R4"

# --- refused before it starts. A replicate of these takes 0.1 to 10 ms here (2026), so
# 10^7 of them are 20 minutes to a day of work: the fit and the stepwise search against
# --max-seconds 60 (a margin of 20 for faster machines), the list search against the
# default 600 s; the pilot itself is at most 40 replicates.
run fit "$cruyff" $L --bootstrap 10000000 --max-memory 100000 --max-seconds 60 --output res.txt
expect_rc 2 "fit: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "fit: the estimated time"
expect_err "timed on " "fit: how it was timed"
expect_err "above --max-seconds 60:" "fit: the limit"
expect_no_out "fit refused"
[ -e res.txt ] && bad "fit refused: --output written" || ok
run search "$clear" --lists A,B,C --method step --bootstrap 10000000 --boot-type nonparametric \
    --max-memory 100000 --max-seconds 60
expect_rc 2 "search --method step: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "search --method step: the estimated time"
expect_no_out "search --method step refused"
run search "$cruyff" $L --fixed "[*:X1]" --bootstrap 10000000 --boot-type nonparametric \
    --max-memory 100000
expect_rc 2 "search --fixed: 10^7 replicates above --max-seconds"
expect_err "--bootstrap 10000000 would take about" "search --fixed: the estimated time"
expect_err "above --max-seconds 600:" "search --fixed: the default limit"
expect_no_out "search --fixed refused"
# the memory of the replicates: 10^7 x (two copies of 15 totals, a sorted copy, a flag)
# is about 2.2 GB, above the default 2048 MB
run fit "$cruyff" $L --bootstrap 10000000
expect_rc 2 "fit: 10^7 replicates above --max-memory"
expect_err "would hold about 2222 MB of replicates, above --max-memory 2048" "fit: the memory"
expect_no_out "fit refused on memory"
# with the selection every replicate keeps its model's label too
run search "$clear" --lists A,B,C --method step --bootstrap 10000000 --boot-type nonparametric
expect_rc 2 "search --method step: 10^7 replicates above --max-memory"
expect_err "MB of replicates, above --max-memory 2048" "search --method step: the memory"

# --- the limit decides: 100 percentile replicates of the fit (10-25 ms here: 0.10-0.25 ms a
# replicate, timed on the 40 of the pilot) are refused at --max-seconds 0.002 (20 us a
# replicate, five times below the fastest seen) and run at --max-seconds 1000
run fit "$cruyff" $L --bootstrap 100 --seed 7 --interval percentile --max-seconds 0.002
expect_rc 2 "fit: 100 replicates above --max-seconds 0.002"
expect_err "--bootstrap 100 would take about" "fit: 100 replicates: the estimate"
expect_no_out "fit: 100 replicates refused"
run fit "$cruyff" $L --bootstrap 100 --seed 7 --interval percentile --max-seconds 1000
expect_rc 0 "fit: 100 replicates within --max-seconds 1000"
# the same digits as before the guard (the pilot draws from its own generators): the
# run's total row before the pilot existed was 5972.9, s.e. 743.5, [4883.3, 7538.4]
expect_out "total                        5972.9     743.5  [4883.3, 7538.4]" "fit: the digits"
expect_out "Bootstrap: 100 nonparametric replicates, seed 7" "fit: the bootstrap ran"
run search "$cruyff" $L --fixed "[*:X1]" --bootstrap 50 --boot-type nonparametric --seed 7 \
    --interval percentile --max-seconds 0.01
expect_rc 2 "search --fixed: 50 replicates above --max-seconds 0.01"
run search "$clear" --lists A,B,C --method step --bootstrap 50 --boot-type nonparametric \
    --seed 7 --max-seconds 1000
expect_rc 0 "search --method step: 50 replicates within --max-seconds 1000"
expect_out "50 nonparametric replicates" "search --method step: the bootstrap ran"
# at most 40 replicates: not timed, never refused on time
run fit "$cruyff" $L --bootstrap 40 --seed 7 --interval percentile --max-seconds 0.000001
expect_rc 0 "fit: 40 replicates are not timed"

# interrupted WHAT FILE ARGS...: darkfig ARGS --output FILE stopped by Ctrl-C after 2 s:
# exit 130, the message, nothing on stdout, no FILE (nor its temporary file)
interrupted() {
    what=$1
    file=$2
    shift 2
    "$bin" "$@" --output "$file" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep 2
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    expect_rc 130 "$what"
    expect_err "interrupted: no output written" "$what: message"
    expect_no_out "$what"
    if ls "$tmp/$file"* >/dev/null 2>&1; then bad "$what left a file"; else ok; fi
}

# --- Ctrl-C during a long covariate bootstrap
interrupted "interrupted covariate bootstrap" int.txt fit "$cruyff" $L --bootstrap 1000000 \
    --seed 1 --max-seconds 1e6 --max-memory 100000

# --- lcmcr: the draws within --max-memory, the time within --max-seconds (from a short
# timed chain), Ctrl-C during the chains: exit 130, a message, nothing written
korea="$src/data/korea_3.csv"
run lcmcr "$korea" --samples 100000000
expect_rc 2 "lcmcr: 4 x 10^8 draws"
expect_err "would hold about 9155 MB of draws, above --max-memory 2048" "lcmcr draws: message"
expect_no_out "lcmcr: 4 x 10^8 draws"
run estimate "$korea" --estimator lcmcr --samples 100000000
expect_rc 2 "estimate --estimator lcmcr: 4 x 10^8 draws"
expect_err "would hold about 9155 MB of draws" "estimate lcmcr draws: message"
run check "$korea" --estimator lcmcr --samples 100000000 --chains 2
expect_rc 2 "check --estimator lcmcr: 2 x 10^8 draws"
expect_err "would hold about 4578 MB of draws" "check lcmcr draws: message"
run lcmcr "$korea" --burnin 2000000 --max-seconds 1
expect_rc 2 "lcmcr: 8.4 million sweeps above --max-seconds 1"
expect_err "this run would take about" "lcmcr time: message"
expect_err "above --max-seconds 1: raise --max-seconds, shorten the chains" "lcmcr time: way out"
run lcmcr "$korea" --burnin 500000 --samples 2000 --thin 10 --chains 2 --threads 2 \
    --max-seconds 1000
expect_rc 0 "lcmcr: 1.04 million sweeps, timed and run"
expect_out "R-hat" "lcmcr: 1.04 million sweeps: the diagnostics"
interrupted "interrupted lcmcr" lcint.txt lcmcr "$src/data/netherlands_6.csv" \
    --burnin 100000000 --max-seconds 1e6

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
