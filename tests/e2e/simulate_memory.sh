#!/usr/bin/env bash
# `simulate` estimates the memory a run needs before it allocates anything and refuses (exit 2)
# a run above the machine's memory, naming the estimate, the machine's memory and what would fit.
# The audit's case: the demo fleet over 2000-2100 at 1 min (52.6 M steps) took 7.8 GB before it
# died; on an 8 GB machine (GS_MEMORY_BYTES stands in for the machine's memory) it now stops at
# once. A run within the memory goes on as before.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
set +e
start=$(date +%s)
GS_MEMORY_BYTES=8000000000 "$GS_BIN" simulate "$fleet" --out "$out/big" --from 2000-01-01 --to 2100-01-01 \
  --step 1min 2>"$out/err"; rc=$?
took=$(( $(date +%s) - start ))
set -e
[ "$rc" -eq 2 ] || { echo "expected exit 2, got $rc"; cat "$out/err"; exit 1; }
grep -q "this run needs about 9.3 GB of memory (8 sites x 2 classes x 52,596,000 steps x 8 bytes = 6.7 GB of curves" "$out/err" \
  || { echo "no estimate in the message"; cat "$out/err"; exit 1; }
grep -q "more than this machine's 8.0 GB" "$out/err" || { echo "no machine memory in the message"; cat "$out/err"; exit 1; }
grep -q -- "--step 2min needs about 4.6 GB" "$out/err" || { echo "no step that fits"; cat "$out/err"; exit 1; }
grep -q -- "at this step about 86 years fit (--from/--to)" "$out/err" || { echo "no period that fits"; cat "$out/err"; exit 1; }
[ ! -e "$out/big" ] || { echo "a refused run left $out/big behind"; exit 1; }
# refused before anything was allocated or read: at once, not after minutes of work
[ "$took" -le 5 ] || { echo "the refusal took $took s"; exit 1; }
# the flexible policy's backtest is in the estimate and in the message
set +e
GS_MEMORY_BYTES=8000000000 "$GS_BIN" simulate "$fleet" --out "$out/bigflex" --from 2000-01-01 \
  --to 2100-01-01 --step 1min --policy flexible --events none 2>"$out/err2"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "flexible policy's backtest" "$out/err2" || { echo "flexible: rc $rc"; cat "$out/err2"; exit 1; }
# a run that fits goes on
GS_MEMORY_BYTES=8000000000 "$GS_BIN" simulate "$fleet" --out "$out/small" --from 2024-01-01 --to 2024-01-08 --quiet
[ -s "$out/small/summary.json" ] || { echo "a run within the memory wrote nothing"; exit 1; }
# the machine's own memory (no GS_MEMORY_BYTES): a year at 5 min fits any test machine
"$GS_BIN" simulate "$fleet" --out "$out/year" --no-csv --no-report --quiet
echo ok
