# tests/cli/many_lists.awk: a pattern-count CSV of k lists for the extreme-input tests:
# awk -v k=20 -v p=400 -v seed=7 -f many_lists.awk > table.csv
# k lists L1..Lk, every list alone (count 3), then up to p random patterns on 1 to 3 lists
# with counts 1..20 (repeats skipped); srand(seed) fixes the table.
BEGIN {
    srand(seed)
    printf "L1"; for (j = 2; j <= k; j++) printf ",L%d", j; print ",count"
    for (j = 0; j < k; j++) {
        s = ""; for (i = 0; i < k; i++) s = s (i ? "," : "") (i == j)
        seen[s] = 1; print s ",3"
    }
    for (r = 0; r < p; r++) {
        for (i = 0; i < k; i++) b[i] = 0
        on = 1 + int(rand() * 3)
        for (q = 0; q < on; q++) b[int(rand() * k)] = 1
        s = ""; for (i = 0; i < k; i++) s = s (i ? "," : "") b[i]
        if (!(s in seen)) { seen[s] = 1; print s "," 1 + int(rand() * 20) }
    }
}
