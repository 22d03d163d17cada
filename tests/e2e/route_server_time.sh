#!/usr/bin/env bash
# A service's server_time_ms sets the network share of its latency budget: the router's RTT
# limit is latency_budget_ms - server_time_ms (50 ms when the fleet does not say). No request is
# served beyond it, pinned regions included: a region pinned (`site:`) to a site beyond the
# limit is left unserved, with a warning on stderr and in summary.json, as docs/route.md says.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" route "$GS_SRC/examples/demo/fleet.yaml" --out "$out/default" --from 2024-07-16 --to 2024-07-17 --quiet --no-report
jq -e '.services[0].rtt_limit_ms == 150' "$out/default/summary.json" >/dev/null \
  || { echo "default RTT limit is not 200 - 50 ms"; jq '.services[0].rtt_limit_ms' "$out/default/summary.json"; exit 1; }
jq -e '(.warnings | length == 0) and .services[0].unserved_requests == 0' "$out/default/summary.json" >/dev/null \
  || { echo "warnings or unserved demand at the default limit"; jq '.warnings' "$out/default/summary.json"; exit 1; }
sed 's/^    latency_budget_ms: 200$/    latency_budget_ms: 200\n    server_time_ms: 120/' "$GS_SRC/examples/demo/fleet.yaml" > "$out/fleet.yaml"
"$GS_BIN" route "$out/fleet.yaml" --out "$out/tight" --from 2024-07-16 --to 2024-07-17 --quiet --no-report 2> "$out/err"
jq -e '.services[0].rtt_limit_ms == 80' "$out/tight/summary.json" >/dev/null \
  || { echo "server_time_ms 120 did not give an 80 ms RTT limit"; exit 1; }
# every flow fits, pinned or not
awk -F, 'NR > 1 && $6 > 80 { bad = 1; print } END { exit bad }' "$out/tight/flows.csv" \
  || { echo "a flow exceeds the 80 ms RTT limit"; exit 1; }
# east-asia (85 ms) and australia (100 ms) are pinned to singapore: unserved, and said so
for r in east-asia australia; do
  grep -q "region '$r' of service 'chat' is pinned to site 'singapore' at .* beyond the 80.0 ms RTT limit" "$out/err" \
    || { echo "no warning for $r on stderr"; cat "$out/err"; exit 1; }
  jq -e --arg r "$r" '.services[0].regions[] | select(.id == $r) | .served_requests == 0 and .unserved_requests > 0' \
    "$out/tight/summary.json" >/dev/null || { echo "$r served beyond the limit"; exit 1; }
done
jq -e '[.warnings[] | select(test("pinned to site"))] | length == 2' "$out/tight/summary.json" >/dev/null \
  || { echo "summary.json lacks the two warnings"; jq .warnings "$out/tight/summary.json"; exit 1; }
# pinned regions within the limit stay on their site (india 63 ms, us-west 59 ms)
jq -e '[.services[0].regions[] | select(.id == "india" or .id == "us-west") | .sites | length == 1] | all' \
  "$out/tight/summary.json" >/dev/null || { echo "a pinned region within the limit left its site"; exit 1; }
echo ok
