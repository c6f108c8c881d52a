#!/bin/sh
# bench/accuracy/cov_check.sh: run the per-level accuracy benchmark with the settings of its
# stored baseline and fail when a coverage got worse by more than 3 combined Monte-Carlo
# s.e. or a relative RMSE grew by more than 20% (bench/accuracy/README.md).
# Usage: cov_check.sh RUNNER SCENARIO_DIR BASELINE
runner=$1 dir=$2 base=$3
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$runner" 400 1 0.95 "$dir/cov_age_sex.scn" "[P:age,K:age,I:sex,P:K]" "$dir/cov_age_sex.scn" "[P:K]" \
    "$dir/cov_year.scn" "[A:year,C:year]" "$dir/cov_year.scn" "" > "$tmp" || exit 1
# fields are compared by row position; the quoted model may hold commas, so split on the
# last 10 fields (the numbers) from the end
awk -F, 'NR == FNR { if (FNR > 1) { n = NF; b_rmse[FNR] = $(n-4); b_ln[FNR] = $(n-3);
                                    b_lnse[FNR] = $(n-2); b_pr[FNR] = $(n-1); b_prse[FNR] = $n }
                     rows = FNR; next }
         FNR > 1 { n = NF; bad = 0
                   if ($(n-3) < b_ln[FNR] - 3 * sqrt(2) * b_lnse[FNR] - 1e-9) bad = 1
                   if ($(n-1) < b_pr[FNR] - 3 * sqrt(2) * b_prse[FNR] - 1e-9) bad = 1
                   if ($(n-4) > 1.2 * b_rmse[FNR] + 1e-9) bad = 1
                   if (bad) { print "worse: " $0; fails++ } else pass++ }
         END { if (FNR != rows) { print "rows differ"; fails++ }
               printf "%d passed, %d failed\n", pass, fails; exit fails > 0 }' "$base" "$tmp"
