#!/bin/sh
# bench/yearly/bench_batch.sh: darkfig batch over the six synthetic yearly snapshots
# (data/yearly), stepwise search with 1,000 BCa replicates each, on one core and two
# (tasks on 2 jobs, or replicates on 2 threads), and under Open MPI on 2 ranks; wall time
# per configuration and per task, and a check that every configuration wrote the same
# summary.csv. Each configuration runs R times into a fresh folder (nothing skipped); the
# median wall time is shown.
# Usage: bench_batch.sh DARKFIG [DARKFIG_MPI] [B] [R]   (DARKFIG_MPI: a -DDFG_MPI=ON build;
# B = 1000 replicates, R = 3 repeats by default)
set -eu
bin=$1
mpibin=${2:-}
B=${3:-1000}
R=${4:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
snaps="$src/data/yearly/nl_synthetic_2016.csv $src/data/yearly/nl_synthetic_2017.csv
$src/data/yearly/nl_synthetic_2018.csv $src/data/yearly/nl_synthetic_2019.csv
$src/data/yearly/nl_synthetic_2020.csv $src/data/yearly/nl_synthetic_2021.csv"
opts="--lists POL,KMAR,ISZW,COA,ZORG,OVR --method stepwise --bootstrap $B --interval bca --seed 1"
echo "load: $(uptime)"
echo "configuration                     wall s   s/task   speed-up    CPU s  CPU s/task"
base=""
one() { # one NAME COMMAND... (the folder after --out is emptied before each repeat)
    name=$1
    shift
    walls=""
    i=0
    while [ "$i" -lt "$R" ]; do
        rm -rf "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/d"
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >/dev/null 2>&1
        walls="$walls $(awk '{ printf "%.3f:%.3f", $1, $2 + $3 }' "$tmp/time")"
        i=$((i + 1))
    done
    # the median by wall time, and the CPU time (user + system, children included) of it
    # shellcheck disable=SC2046,SC2086
    set -- $(echo $walls | tr ' ' '\n' | sort -t: -n -k1,1 | awk -F: '{ w[NR] = $1; c[NR] = $2 }
        END { m = int((NR + 1) / 2); printf "%.2f %.2f", w[m], c[m] }')
    wall=$1
    cpu=$2
    [ -n "$base" ] || base=$wall
    echo "$name" | awk -v b="$base" -v w="$wall" -v c="$cpu" '{
        printf "%-32s %7.2f %8.2f %9.2f %8.2f %10.2f\n", $0, w, w / 6, b / w, c, c / 6 }'
}
# shellcheck disable=SC2086
one "1 core: --jobs 1 --threads 1" "$bin" batch --out "$tmp/a" $opts --jobs 1 --threads 1 $snaps
# shellcheck disable=SC2086
one "2 cores: --jobs 2 --threads 1" "$bin" batch --out "$tmp/b" $opts --jobs 2 --threads 1 $snaps
# shellcheck disable=SC2086
one "2 cores: --jobs 1 --threads 2" "$bin" batch --out "$tmp/c" $opts --jobs 1 --threads 2 $snaps
cp "$tmp/c/summary.csv" "$tmp/c.csv"
if [ -n "$mpibin" ]; then
    # shellcheck disable=SC2086
    one "MPI: mpirun -np 2, --jobs 1" mpirun --oversubscribe --allow-run-as-root -np 2 \
        "$mpibin" batch --out "$tmp/d" $opts --jobs 1 --threads 1 $snaps
    cmp "$tmp/c.csv" "$tmp/d/summary.csv"
fi
# shellcheck disable=SC2086
"$bin" batch --out "$tmp/a" $opts --jobs 1 $snaps >/dev/null 2>&1
# shellcheck disable=SC2086
"$bin" batch --out "$tmp/b" $opts --jobs 2 $snaps >/dev/null 2>&1
cmp "$tmp/a/summary.csv" "$tmp/b/summary.csv"
cmp "$tmp/a/summary.csv" "$tmp/c.csv"
echo "summary.csv: the same bytes in every configuration"
# shellcheck disable=SC2086
"$bin" batch --out "$tmp/a" $opts $snaps | sed -n '3,$p'
