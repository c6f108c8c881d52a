#!/bin/sh
# bench/yearly/bench_batch.sh: darkfig batch over the six synthetic yearly snapshots
# (data/yearly), stepwise search with 1,000 BCa replicates each, on one core and two
# (tasks on 2 jobs, or replicates on 2 threads), and under Open MPI on 2 ranks; wall time
# per configuration and per task, and a check that every configuration wrote the same
# summary.csv.
# Usage: bench_batch.sh DARKFIG [DARKFIG_MPI] [B]   (DARKFIG_MPI: a -DDFG_MPI=ON build)
set -eu
bin=$1
mpibin=${2:-}
B=${3:-1000}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
snaps="$src/data/yearly/nl_synthetic_2016.csv $src/data/yearly/nl_synthetic_2017.csv
$src/data/yearly/nl_synthetic_2018.csv $src/data/yearly/nl_synthetic_2019.csv
$src/data/yearly/nl_synthetic_2020.csv $src/data/yearly/nl_synthetic_2021.csv"
opts="--lists POL,KMAR,ISZW,COA,ZORG,OVR --method stepwise --bootstrap $B --interval bca --seed 1"
echo "load: $(uptime)"
echo "configuration                     wall s   s/task   speed-up"
base=""
one() { # one NAME COMMAND...
    name=$1
    shift
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    wall=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
    [ -n "$base" ] || base=$wall
    echo "$name $wall" | awk -v b="$base" '{ n = NF; w = $n; $n = "";
        printf "%-32s %7.2f %8.2f %9.2f\n", $0, w, w / 6, b / w }'
}
# shellcheck disable=SC2086
one "1 core: --jobs 1 --threads 1" "$bin" batch --out "$tmp/a" $opts --jobs 1 --threads 1 $snaps
# shellcheck disable=SC2086
one "2 cores: --jobs 2 --threads 1" "$bin" batch --out "$tmp/b" $opts --jobs 2 --threads 1 $snaps
# shellcheck disable=SC2086
one "2 cores: --jobs 1 --threads 2" "$bin" batch --out "$tmp/c" $opts --jobs 1 --threads 2 $snaps
cmp "$tmp/a/summary.csv" "$tmp/b/summary.csv"
cmp "$tmp/a/summary.csv" "$tmp/c/summary.csv"
if [ -n "$mpibin" ]; then
    # shellcheck disable=SC2086
    one "MPI: mpirun -np 2, --jobs 1" mpirun --oversubscribe --allow-run-as-root -np 2 \
        "$mpibin" batch --out "$tmp/d" $opts --jobs 1 --threads 1 $snaps
    cmp "$tmp/a/summary.csv" "$tmp/d/summary.csv"
fi
echo "summary.csv: the same bytes in every configuration"
# shellcheck disable=SC2086
"$bin" batch --out "$tmp/a" $opts $snaps | sed -n '3,$p'
