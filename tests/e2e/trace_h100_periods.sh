#!/usr/bin/env bash
# gridsplit trace finds the checkpoint rhythm of the 8-GPU H100 logs (8B GPT, 0.24 s a step):
# the periods pinned here were verified by eye on the raw logs (see docs/trace.md). A log with
# a checkpoint every step has no periodic dips (dip_period_s null), and a halt to idle in the
# 500-step log is a stop, not a checkpoint.
set -u
D="${GS_SHARED:-/work/shared}/data/gpu_power/h100_training"
if [ ! -f "$D/ckpt100.csv.zst" ]; then
    echo "skip: $D absent"
    exit 77
fi
fail=0
# check FILE JQ-EXPRESSION DESCRIPTION
check() {
    local out
    out=$("$GS_BIN" trace --format json "$D/$1") || { echo "FAIL: $1: exit $?"; fail=1; return; }
    if [ "$(jq -r "$2" <<<"$out")" != true ]; then
        echo "FAIL: $1: $3"
        echo "  $out" | cut -c1-600
        fail=1
    else
        echo "ok: $1: $3"
    fi
}
near='def near(x; tol): (. != null) and ((. - x) | fabs) <= tol;'
check ckpt50.csv.zst "$near .dip_period_s | near(28.1; 1)" "period 28.1 s (50 steps)"
check ckpt100.csv.zst "$near (.dip_period_s | near(46.6; 2)) and .dips == 9" "period 46.6 s, 9 dips (100 steps)"
check power-trace_2025-07-26-23-32-09.csv.zst "$near (.dip_period_s | near(68.7; 1.5)) and (.dip_duration_s | near(22.1; 1.5))" "period 68.7 s, dips 22 s (200 steps)"
check ckpt500.csv.zst "$near (.dip_period_s | near(131; 3)) and .stops == 1 and .dips == 3" "period 131 s, one stop (500 steps)"
check ckpt1000.csv.zst "$near (.dip_period_s | near(252; 3)) and .dips == 2" "period 252 s from two dips (1000 steps)"
check ckpt1.csv.zst ".dip_period_s == null and .dips == 0 and .dip_w == null" "no periodic dips (checkpoint every step)"
check ckpt10.csv.zst "$near (.dip_period_s | near(25.7; 2)) and .dip_share > 0.85" "period ~25 s, mostly dips (10 steps)"
# levels: steady ~4.4 kW for 8 GPUs, dips at ~0.28 of it, span excludes the ~110 s start-up
check ckpt100.csv.zst "$near (.steady_w | near(4383; 100)) and (.power_frac | near(0.277; 0.02)) and .start_s > 105 and .end_s < 670" "levels and training span"
# the summed form gives the same figures as the per-GPU log
a=$("$GS_BIN" trace --format json "$D/aggregated_power_data_200stepsync.csv.zst" | jq -c '[.dip_period_s, .dips]')
b=$("$GS_BIN" trace --format json "$D/power-trace_2025-07-26-23-32-09.csv.zst" | jq -c '[.dip_period_s, .dips]')
if [ "$a" != "$b" ]; then echo "FAIL: aggregated $a != per-GPU $b"; fail=1; else echo "ok: aggregated = per-GPU $a"; fi
exit $fail
