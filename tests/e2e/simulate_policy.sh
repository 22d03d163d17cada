#!/usr/bin/env bash
# `simulate --policy flexible` applies the one planner to the period's grid events and prices
# (the same decisions as `gridsplit flex`) and draws the load under them: on the real 2023
# example the planner pauses or caps training at west-texas on some hours, so its training energy
# falls and the summary counts the overrides; must-run (the default) applies none.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/flex" --policy flexible --no-csv --no-report --quiet
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/mr" --no-csv --no-report --quiet
jq -e '.overrides_applied > 0' "$out/flex/summary.json" >/dev/null || { echo "flexible applied no override"; exit 1; }
jq -e '.overrides_applied == 0' "$out/mr/summary.json" >/dev/null || { echo "must-run applied overrides"; exit 1; }
wt() { jq '.sites[] | select(.id == "west-texas") | .classes.training.energy_mwh' "$1"; }
a=$(wt "$out/flex/summary.json"); b=$(wt "$out/mr/summary.json")
awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b && a > 0.99 * b) }' || { echo "west-texas training energy flexible $a vs must-run $b"; exit 1; }
# inference is never curtailed by the planner
ia=$(jq '.sites[] | select(.id == "ashburn") | .classes.inference.energy_mwh' "$out/flex/summary.json")
ib=$(jq '.sites[] | select(.id == "ashburn") | .classes.inference.energy_mwh' "$out/mr/summary.json")
[ "$ia" = "$ib" ] || { echo "inference changed under the flexible policy: $ia vs $ib"; exit 1; }
# a bad policy is a usage error
set +e
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/x" --policy sometimes 2>"$out/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "expected flexible or must-run, found 'sometimes'" "$out/err" || { echo "bad --policy: rc $rc"; cat "$out/err"; exit 1; }
echo ok
