#!/usr/bin/env bash
# On the bundled real-data example (2023 prices), routing the whole year keeps every served
# request within the RTT limit of the latency budget, and a 4-hour 15 MW grid cap at Ashburn on
# a July afternoon moves its load to the nearest sites with capacity (Frankfurt first), with the
# latency it adds reported and nothing left unserved.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" route "$GS_SRC/examples/real/fleet.yaml" --out "$out" --quiet \
  --events "$GS_SRC/examples/events/ashburn_cap_2023.json"
s="$out/summary.json"
limit=$(jq '.services[0].rtt_limit_ms' "$s")
awk -F, -v lim="$limit" 'NR > 1 && $6 > lim + 1e-6 { bad++ } END { if (bad) { print bad " flows over the RTT limit"; exit 1 } }' "$out/flows.csv"
jq -e '[.services[].unserved_requests] | add == 0' "$s" >/dev/null || { echo "unserved demand in 2023"; exit 1; }
jq -e '.events[0] | .site == "ashburn" and .site_mw_with_cap <= 15.0001 and .mw_moved > 5
       and .moved_to[0].site == "frankfurt" and .rtt_added_p95_ms > 50 and .unserved_requests == 0' "$s" >/dev/null \
  || { echo "the Ashburn cap did not move load as expected"; jq '.events[0]' "$s"; exit 1; }
echo ok
