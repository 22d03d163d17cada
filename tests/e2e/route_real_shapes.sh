#!/usr/bin/env bash
# What the router does to each site's shape on the real-data example (2023 prices), with the
# plain command: `gridsplit route examples/real/fleet.yaml --out DIR` (the RTTs measured and
# cable-aware from the fleet's network section, no option needed). With the latency penalty
# and data transfer in the cost (docs/route.md "Costs"), requests stay at their nearest site
# unless an event or a capacity limit moves them, whatever the hourly price gaps of 2023:
# Europe is served from Frankfurt (before: 67 % of it from Ashburn, 35 % of europe-south from
# Sao Paulo), and Frankfurt keeps a mid-afternoon peak and a daily swing of 3x or more (before:
# load factor 0.12, peak at 10:25 local). simulate, which routes the same way, agrees.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" route "$GS_SRC/examples/real/fleet.yaml" --out "$out/r" --no-flows 2> "$out/err"
s="$out/r/summary.json"
cat "$out/err"
# Europe's requests: all at Frankfurt (none at Ashburn, none at Sao Paulo)
jq -e '[.services[0].regions[] | select(.id | startswith("europe"))] as $eu
       | ([$eu[].sites[] | select(.site != "frankfurt") | .requests] | add // 0) == 0
         and ([$eu[].served_requests] | add) > 0' "$s" >/dev/null \
  || { echo "Europe served away from Frankfurt:"; jq -c '.services[0].regions[] | select(.id | startswith("europe")) | [.id, [.sites[] | [.site, .requests]]]' "$s"; exit 1; }
# the example's network section (docs/route.md, "RTT sources"): the measured matrix and the
# cables without any option; Madrid - Sao Paulo (206 ms measured) is beyond the 150 ms limit
jq -e '.options.rtt_matrix != null and .options.cables != null
       and (.services[0].served_requests_by_rtt_source | .measured > 0 and .cable > 0)
       and ([.services[0].pairs_within_limit[] | select(.[0] == "europe-south" and .[1] == "sao-paulo")] | length) == 0
       and ([.services[0].pairs_within_limit[] | .[3]] | unique) == ["cable", "measured", "plain"]' "$s" >/dev/null \
  || { echo "the fleet's network section is not used:"; jq -c '.options, .services[0].served_requests_by_rtt_source' "$s"; exit 1; }
shape() { jq -r --arg id "$1" '.sites[] | select(.id == $id) | .inference_shape | "\(.load_factor) \(.peak_hour_local) \(.peak_to_trough)"' "$s"; }
read -r lf ph pt <<< "$(shape frankfurt)"
awk -v lf="$lf" -v ph="$ph" -v pt="$pt" 'BEGIN { exit !(lf > 0.4 && ph >= 13 && ph <= 17 && pt >= 3) }' \
  || { echo "frankfurt: load factor $lf, peak hour $ph, daily max/min $pt"; exit 1; }
grep -q "route: frankfurt .*daily peak at 1[3-6]:[0-5][0-9] local" "$out/err" || { echo "no shape line for frankfurt"; exit 1; }
# every inference site keeps its regions' afternoon peak
for site in ashburn singapore sao-paulo; do
  read -r lf ph pt <<< "$(shape $site)"
  awk -v ph="$ph" -v pt="$pt" 'BEGIN { exit !(ph >= 13 && ph <= 17 && pt >= 3) }' \
    || { echo "$site: peak hour $ph, daily max/min $pt"; exit 1; }
done
# simulate routes the same way (its defaults are route's)
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/sim" --quiet --no-csv --no-report
jq -e '.sites[] | select(.id == "frankfurt") | .classes.inference
       | .load_factor > 0.4 and .peak_hour_local >= 13 and .peak_hour_local <= 17 and .peak_to_trough >= 3' \
  "$out/sim/summary.json" >/dev/null \
  || { echo "simulate: frankfurt"; jq '.sites[] | select(.id == "frankfurt") | .classes.inference' "$out/sim/summary.json"; exit 1; }
echo ok
