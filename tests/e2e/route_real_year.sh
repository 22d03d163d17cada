#!/usr/bin/env bash
# On the bundled real-data example (2023 prices), routing the whole year with the IBM Cloud
# measured RTT matrix and the submarine cables keeps every served request within the RTT limit
# of the latency budget by the best source of each pair: flows.csv names it (measured where both
# ends are near IBM regions, cable between continents otherwise, plain within a continent).
# europe-south (Madrid) is never served from Sao Paulo (206 ms measured, beyond the 150 ms
# limit; the plain model's 132 ms would have let it). A 4-hour 15 MW grid cap at Ashburn on a
# July afternoon moves its load to the nearest site with capacity (Frankfurt), with the latency
# it adds reported and nothing left unserved.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] && [ -f "$GS_SHARED/data/geo/ibm_cloud_vpc_latency_weekly.csv.zst" ] \
  && [ -d "$GS_SHARED/data/geo/submarine_cables" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" route "$GS_SRC/examples/real/fleet.yaml" --out "$out" --quiet \
  --rtt "$GS_SHARED/data/geo/ibm_cloud_vpc_latency_weekly.csv.zst" \
  --cables "$GS_SHARED/data/geo/submarine_cables" \
  --events "$GS_SRC/examples/events/ashburn_cap_2023.json"
s="$out/summary.json"
f="$out/flows.csv"
[ "$(head -1 "$f")" = "timestamp,service,region,site,requests_per_s,rtt_ms,rtt_source" ] || { echo "bad flows.csv header"; exit 1; }
limit=$(jq '.services[0].rtt_limit_ms' "$s")
awk -F, -v lim="$limit" 'NR > 1 && $6 > lim + 1e-6 { bad++ } END { if (bad) { print bad " flows over the RTT limit"; exit 1 } }' "$f"
jq -e '[.services[].unserved_requests] | add == 0' "$s" >/dev/null || { echo "unserved demand in 2023"; exit 1; }
# the sources: measured pairs (IBM regions within 500 km at both ends), cable between continents
pair() { jq -r --arg r "$1" --arg s "$2" '.services[0].pairs_within_limit[] | select(.[0] == $r and .[1] == $s) | "\(.[2]) \(.[3])"' "$s"; }
[ -z "$(pair europe-south sao-paulo)" ] || { echo "europe-south - sao-paulo kept: $(pair europe-south sao-paulo)"; exit 1; }
grep -q ',europe-south,sao-paulo,' "$f" && { echo "europe-south served from Sao Paulo"; exit 1; }
read -r ms src <<< "$(pair europe-south frankfurt)"
[ "$src" = measured ] && awk -v m="$ms" 'BEGIN { exit !(m > 28.9 && m < 29.2) }' || { echo "europe-south - frankfurt: $ms $src, expected ~29 measured"; exit 1; }
read -r ms src <<< "$(pair europe-west ashburn)"
[ "$src" = measured ] && awk -v m="$ms" 'BEGIN { exit !(m > 75 && m < 77) }' || { echo "europe-west - ashburn: $ms $src, expected ~75.7 measured (London - Washington DC + 42 km)"; exit 1; }
read -r ms src <<< "$(pair australia singapore)"
[ "$src" = cable ] || { echo "australia - singapore: $src, expected cable (no IBM Singapore)"; exit 1; }
read -r ms src <<< "$(pair us-east ashburn)"
[ "$src" = plain ] || { echo "us-east - ashburn: $src, expected plain (one IBM place at both ends)"; exit 1; }
awk -F, 'NR > 1 { n[$7]++ } END { if (!n["measured"] || !n["cable"] || !n["plain"]) { print "sources in flows.csv:"; for (k in n) print k, n[k]; exit 1 } }' "$f"
jq -e '.services[0].served_requests_by_rtt_source | .measured > 0 and .cable > 0 and .plain > 0' "$s" >/dev/null \
  || { echo "summary lacks the requests by source"; exit 1; }
jq -e '.options.rtt_matrix != null and .options.cables != null' "$s" >/dev/null || { echo "options do not name the sources"; exit 1; }
jq -e '.events[0] | .site == "ashburn" and .site_mw_with_cap <= 15.0001 and .mw_moved > 5
       and .moved_to[0].site == "frankfurt" and .rtt_added_p95_ms > 50 and .unserved_requests == 0' "$s" >/dev/null \
  || { echo "the Ashburn cap did not move load as expected"; jq '.events[0]' "$s"; exit 1; }
echo ok
