#!/usr/bin/env bash
# A 15 MW grid cap on the Ashburn site of the demo fleet during the US afternoon peak moves its
# inference load to the nearest site with capacity within the latency budget (Frankfurt), with
# the latency it adds reported, nothing left unserved, every unpinned flow within the RTT
# limit, and the same outputs byte for byte on a second run.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  "$GS_BIN" route "$GS_SRC/examples/demo/fleet.yaml" --out "$1" --from 2024-07-16 --to 2024-07-17 \
    --events "$GS_SRC/examples/events/ashburn_cap.json" --quiet
}
run "$out/a"
[ "$(head -1 "$out/a/flows.csv")" = "timestamp,service,region,site,requests_per_s,rtt_ms,rtt_source" ] \
  || { echo "bad flows.csv header"; exit 1; }
s="$out/a/summary.json"
jq -e '.events | length == 1' "$s" >/dev/null || { echo "no event in summary"; exit 1; }
jq -e '.events[0] | .site == "ashburn" and .steps == 48 and .mw_moved > 10
       and .site_mw_with_cap <= 15.0001 and .unserved_requests == 0' "$s" >/dev/null \
  || { echo "the cap did not move Ashburn's load"; jq '.events[0]' "$s"; exit 1; }
jq -e '.events[0].moved_to[0].site == "frankfurt" and .events[0].moved_to[0].mw > 5' "$s" >/dev/null \
  || { echo "load did not move to the nearest site with room (frankfurt)"; jq '.events[0].moved_to' "$s"; exit 1; }
jq -e '.events[0] | .rtt_added_mean_ms > 50 and .rtt_added_p95_ms >= .rtt_added_mean_ms - 1e-6' "$s" >/dev/null \
  || { echo "latency added not reported"; jq '.events[0]' "$s"; exit 1; }
jq -e '[.services[].unserved_requests] | add == 0' "$s" >/dev/null || { echo "unserved demand"; exit 1; }
jq -e '[.sites[] | select(.id == "ashburn") | .lat, .lon] | length == 2' "$s" >/dev/null \
  || { echo "site coordinates missing"; exit 1; }
# every flow within the 150 ms RTT limit (200 ms budget - 50 ms server time), its RTT from the
# plain model (no matrix, no cables given)
awk -F, 'NR > 1 && $6 > 150 { bad = 1; print "over budget: " $0 } END { exit bad }' "$out/a/flows.csv"
awk -F, 'NR > 1 && $7 != "plain" { bad = 1; print "source: " $0 } END { exit bad }' "$out/a/flows.csv"
# during the event, Ashburn serves no more than before it; Frankfurt serves US regions
awk -F, 'NR > 1 && $1 >= "2024-07-16T17:00" && $1 < "2024-07-16T21:00" && $4 == "frankfurt" && $3 ~ /^us-|canada/ { n++ }
         END { if (n == 0) { print "no US demand at frankfurt during the event"; exit 1 } }' "$out/a/flows.csv"
run "$out/b"
cmp "$out/a/flows.csv" "$out/b/flows.csv" && cmp "$out/a/summary.json" "$out/b/summary.json" \
  || { echo "not deterministic"; exit 1; }
echo ok
