#!/usr/bin/env bash
# A service's server_time_ms sets the network share of its latency budget: the router's RTT
# limit is latency_budget_ms - server_time_ms (50 ms when the fleet does not say); regions pinned
# to a site with `site:` are exempt, as docs/route.md says.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" route "$GS_SRC/examples/demo/fleet.yaml" --out "$out/default" --from 2024-07-16 --to 2024-07-17 --quiet --no-report
jq -e '.services[0].rtt_limit_ms == 150' "$out/default/summary.json" >/dev/null \
  || { echo "default RTT limit is not 200 - 50 ms"; jq '.services[0].rtt_limit_ms' "$out/default/summary.json"; exit 1; }
sed 's/^    latency_budget_ms: 200$/    latency_budget_ms: 200\n    server_time_ms: 120/' "$GS_SRC/examples/demo/fleet.yaml" > "$out/fleet.yaml"
"$GS_BIN" route "$out/fleet.yaml" --out "$out/tight" --from 2024-07-16 --to 2024-07-17 --quiet --no-report
jq -e '.services[0].rtt_limit_ms == 80' "$out/tight/summary.json" >/dev/null \
  || { echo "server_time_ms 120 did not give an 80 ms RTT limit"; exit 1; }
# regions pinned with `site:` stay on their site whatever the round trip; every other flow fits
pinned=$(jq -r '[.services[0].regions[] | select(.pinned_site != null) | .id] | join(",")' "$out/tight/summary.json")
awk -F, -v pinned=",$pinned," 'NR > 1 && index(pinned, "," $3 ",") == 0 && $6 > 80 { bad = 1; print } END { exit bad }' \
  "$out/tight/flows.csv" || { echo "an unpinned flow exceeds the 80 ms RTT limit"; exit 1; }
echo ok
