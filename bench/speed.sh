#!/bin/sh
# bench/speed.sh: build the benchmarks in Release and run every speed benchmark; print one table.
#
#   sh bench/speed.sh [build-dir]        (default: build-rel next to CMakeLists.txt)
#
# Runs bench_fit, bench_search (5 runs), bench_boot (stepwise on netherlands_6, 1000
# replicates, 1 and 2 threads, 3 runs each; exhaustive BIC order <= 3 per replicate on
# uk2013_5, 2 threads, $DFG_SPEED_EXH_B replicates, default 100, scaled to 1000),
# bench_closed, bench_csv (10 million records) and bench_lcmcr (latent-class Gibbs sweeps, CPU
# time, 3 repeats), then prints: benchmark, median, spread
# (min-max over repeats), unit, the R reference, the ratio (how many times
# faster than R), peak memory (ru_maxrss from the programs, else /usr/bin/time). Raw outputs
# go to <build-dir>/speed-logs/. Figures are wall time unless the line says otherwise;
# bench_fit uses thread CPU time. Not a test: nothing here fails on a slow machine.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-rel}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
exh_b=${DFG_SPEED_EXH_B:-100}
search_runs=${DFG_SPEED_SEARCH_RUNS:-5}
boot_runs=${DFG_SPEED_BOOT_RUNS:-3}
jobs=$(nproc 2>/dev/null || echo 2)

# 1. Release build of the benchmarks only
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" --target bench_fit bench_search bench_boot bench_closed bench_csv \
    bench_lcmcr >/dev/null
logs=$build/speed-logs
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.out "$logs"/*.time
res=$logs/results.txt # "@speed key median min max unit" and "@mem key KiB" lines
: >"$res"

have_time=0
if command -v /usr/bin/time >/dev/null 2>&1; then
    have_time=1
fi
# run NAME CMD...: output to logs/NAME.log (appended); peak memory from /usr/bin/time too
run() {
    name=$1
    shift
    echo "  running $name: $*" >&2
    if [ $have_time = 1 ]; then
        /usr/bin/time -f "@time_maxrss %M" -o "$logs/$name.time" "$@" >"$logs/$name.out"
        sed "s/^@time_maxrss /@mem_time $name /" "$logs/$name.time" >>"$res"
    else
        "$@" >"$logs/$name.out"
    fi
    cat "$logs/$name.out" >>"$logs/$name.log"
    grep '^@' "$logs/$name.out" >>"$res.tmp" || true
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
date_start=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "speed benchmarks, build $build; load average at start: $load_start" >&2

# 2. the benchmarks
: >"$res.tmp"
run fit "$build/bench_fit"
i=0
while [ $i -lt "$search_runs" ]; do
    run search "$build/bench_search" 1
    # "netherlands_6 BIC order 2 threads 1: ... median 1.502 s (min 1.502) ..."
    awk '/ BIC .*order .* threads .*median/ {
            key = ($1 ~ /netherlands_6/) ? "search_nl6" : ($1 ~ /uk2013_5/ ? "search_uk5" : $1)
            for (f = 1; f <= NF; f++) { if ($f == "threads") th = $(f + 1); if ($f == "median") v = $(f + 1) }
            sub(":", "", th)
            printf "@speed %s_t%s %s %s %s s\n", key, th, v, v, v
        }' "$logs/search.out" >>"$res.tmp"
    i=$((i + 1))
done
grep "^@mem_time search" "$res" | sort -k3,3n | tail -1 | sed 's/^@mem_time search/@mem search/' >>"$res.tmp"
for th in 1 2; do
    i=0
    while [ $i -lt "$boot_runs" ]; do
        run "boot_stepwise_t$th" "$build/bench_boot" stepwise 1000 "$th"
        i=$((i + 1))
    done
done
run boot_exhaustive_t2 "$build/bench_boot" exhaustive "$exh_b" 2
run closed "$build/bench_closed" 51
run csv "$build/bench_csv" 10000000 5
run lcmcr "$build/bench_lcmcr" 20000 3
cat "$res.tmp" >>"$res"
rm -f "$res.tmp"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# 3. the table: repeated keys (several runs) give the median of the medians and the
# extreme min and max; R references (published R timings and tests/data/oracle/README.md)
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo
echo "darkfig speed benchmarks: $date_start; $(nproc) cores, $cpu"
echo "load average (1, 5, 15 min) at start $load_start, at end $load_end"
echo "bootstrap exhaustive: $exh_b replicates, figure scaled to 1000"
awk -v exh_b="$exh_b" '
function ref(key) {
    # R figure in the benchmark unit, its text, and whether bigger is better (rate)
    rt = ""; rv = 0; rate = 0
    if (key == "fit_nl6_mt" || key == "fit_nl6_mt_public") { rt = "glm ~1 ms/fit"; rv = 1000; rate = 1 }
    else if (key == "search_nl6_t1" || key == "search_nl6_t2") { rt = "MSE bic 95 s"; rv = 95 }
    else if (key == "search_uk5_t1" || key == "search_uk5_t2") { rt = "MSE bic 12 s"; rv = 12 }
    else if (key ~ /^boot_stepwise/) { rt = "MSE step+BCa 260 s"; rv = 260 }
    else if (key ~ /^boot_exhaustive/) { rt = "R: hours"; rv = 0 }
    else if (key ~ /^closed_/) { rt = "Rcapture 70 ms/table"; rv = 70 }
    else if (key == "lcmcr_nl6") { rt = "LCMCR ~15 us/iter"; rv = 15 }
}
function target(key) {
    # the targets: tt text, tv value, trate bigger is better; "" when none
    tt = ""; tv = 0; trate = 0
    if (key == "fit_nl6_mt") { tt = ">= 100000"; tv = 100000; trate = 1 }
    else if (key ~ /^search_/) { tt = "<= 0.5 s"; tv = 0.5 }
    else if (key == "boot_stepwise_t1") { tt = "<= 0.5 s"; tv = 0.5 }
    else if (key == "boot_exhaustive_t2") { tt = "<= 60 s"; tv = 60 }
    else if (key == "csv") { tt = ">= 100 MB/s"; tv = 100; trate = 1 }
    else if (key == "lcmcr_nl6") { tt = "<= 1.5 us"; tv = 1.5 }
}
function fmt(x) {
    if (x >= 1e6) return sprintf("%.3g", x)
    if (x >= 10000) return sprintf("%.0f", x)
    if (x >= 100) return sprintf("%.1f", x)
    return sprintf("%.4g", x)
}
function label(key) {
    if (key == "fit_nl6_mt") return "fit: netherlands_6 Mt"
    if (key == "fit_nl6_mt_public") return "fit: nl6 Mt, allocating API"
    if (key == "fit_nl6_step") return "fit: nl6 stepwise, 2 at -inf"
    if (key == "fit_nl6_step_nob") return "fit: nl6 stepwise, no boundary"
    if (key == "fit_k12_mt") return "fit: 12 lists Mt"
    if (key == "fit_k12_2way") return "fit: 12 lists all 2-way"
    if (key ~ /^search_nl6_t/) return "search: nl6 BIC order<=2, " substr(key, 13) " thr"
    if (key ~ /^search_uk5_t/) return "search: uk5 BIC order<=3, " substr(key, 13) " thr"
    if (key ~ /^boot_stepwise_t/) return "boot: nl6 stepwise BCa, " substr(key, 16) " thr"
    if (key ~ /^boot_exhaustive_t/) return "boot: uk5 exhaustive, " substr(key, 18) " thr, B=" exh_b
    if (key ~ /^closed_/) { s = key; sub(/^closed_/, "", s); sub(/netherlands_6/, "nl6", s); sub(/rcapture_hare_6/, "hare", s); sub(/_noci$/, ", no CI", s); sub(/_profile$/, ", profile CI", s); return "closed table: " s }
    if (key == "csv") return "csv: 10M records, 6 lists"
    if (key == "csv_records") return "csv: 10M records, 6 lists"
    if (key == "csv_cpu") return "csv: 10M, 6 lists, CPU time"
    if (key == "csv_cov") return "csv: 10M, 6 lists + 2 cov."
    if (key == "csv_cov_records") return "csv: 10M, 6 lists + 2 cov."
    if (key == "csv_cov_cpu") return "csv: + 2 cov., CPU time"
    if (key == "lcmcr_nl6") return "lcmcr: nl6 sweep, K=10, CPU"
    if (key == "lcmcr_lists20") return "lcmcr: 20 lists, K=10, CPU"
    if (key ~ /^lcmcr_nl6_/) { s = key; sub(/^lcmcr_nl6_/, "", s); sub(/_K/, ", K=", s); return "lcmcr: nl6 patterns n=" s }
    return key
}
function group(key) {
    if (key ~ /^fit_/) return "fit"
    if (key ~ /^search_/) return "search"
    if (key ~ /^closed_/) return "closed"
    if (key ~ /^csv_cov/) return "csv_cov"
    if (key ~ /^csv/) return "csv"
    if (key ~ /^lcmcr/) return "lcmcr"
    return key
}
$1 == "@speed" {
    k = $2
    if (!(k in n)) order[++nk] = k
    n[k]++; med[k, n[k]] = $3
    if (!(k in lo) || $4 < lo[k]) lo[k] = $4
    if (!(k in hi) || $5 > hi[k]) hi[k] = $5
    u = $6; for (f = 7; f <= NF; f++) u = u " " $f; unit[k] = u
}
$1 == "@mem" { mem[$2] = $3 }
$1 == "@mem_time" { if ($3 > memt[$2]) memt[$2] = $3 }
END {
    printf "%-32s %9s %-24s %-18s %-20s %5s %-18s %5s\n", "benchmark", "median", "spread (min-max)", "unit", "R reference", "vs R", "target", "MiB"
    for (i = 1; i <= nk; i++) {
        k = order[i]
        # median of the per-run medians (insertion sort; few runs)
        m = n[k]
        for (a = 2; a <= m; a++) { v = med[k, a]; for (b = a - 1; b >= 1 && med[k, b] > v; b--) med[k, b + 1] = med[k, b]; med[k, b + 1] = v }
        x = (m % 2) ? med[k, (m + 1) / 2] : (med[k, m / 2] + med[k, m / 2 + 1]) / 2
        ref(k)
        ratio = "-"
        if (rv > 0) ratio = sprintf("%.0fx", rate ? x / rv : rv / x)
        g = group(k)
        pm = (g in mem) ? mem[g] : ((g in memt) ? memt[g] : ((k in memt) ? memt[k] : ""))
        pms = (pm == "") ? "-" : sprintf("%.1f", pm / 1024)
        runs = (m > 1) ? sprintf(" (%d runs)", m) : ""
        target(k)
        tgt = "-"
        if (tt != "") tgt = tt ((trate ? x >= tv : x <= tv) ? " met" : " NOT met")
        printf "%-32s %9s %-24s %-18s %-20s %5s %-18s %5s\n", label(k), fmt(x), fmt(lo[k]) "-" fmt(hi[k]) runs, unit[k], rt == "" ? "-" : rt, ratio, tgt, pms
    }
}' "$res"
echo
echo "vs R: R time / darkfig time (fits/s: darkfig rate / R rate). MiB: peak resident memory"
echo "(ru_maxrss of the program; search: /usr/bin/time). Wall time except fit (thread CPU time)"
echo "and lcmcr (process CPU time)."
echo "Raw outputs: $logs"
