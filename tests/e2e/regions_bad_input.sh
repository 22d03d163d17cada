#!/usr/bin/env bash
# regions: bad input exits 2 with a message naming the problem (file, line, field), and leaves
# no output file behind.
set -uo pipefail
: "${GS_BIN:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect2() { # expect2 NEEDLE... -- CMD...
  local needles=() ; while [ "$1" != "--" ]; do needles+=("$1"); shift; done; shift
  "$@" >"$dir/out" 2>"$dir/err"; local rc=$?
  [ $rc -eq 2 ] || { cat "$dir/err"; fail "exit $rc, expected 2: $*"; }
  for n in "${needles[@]}"; do grep -qF -- "$n" "$dir/err" || { cat "$dir/err"; fail "message lacks '$n'"; }; done
}
cat >"$dir/cities.csv" <<'CSV'
cityId,name,altName,country,adminCode,featureCode,population,lat,lon
1,Alpha,,US,NY,PPL,5000,40.7,-74.0
2,"Beta, North",,US,NY,PPL,3000,40.8,-73.9
3,Gamma,,CA,ON,PPL,4000,43.7,-79.4
CSV
expect2 "unknown country code 'ZZ'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --countries US,ZZ
expect2 "--countries" "'USA'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --countries USA
expect2 "--clusters" "'0'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 0
expect2 "--clusters" "'-3'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters -3
expect2 "--clusters" "at most the number of places after the filters (3), found 4" -- \
  "$GS_BIN" regions "$dir/cities.csv" --clusters 4 --out "$dir/never.yaml"
[ ! -e "$dir/never.yaml" ] || fail "an output file was left behind"
expect2 "at most the number of places after the filters (1), found 2" -- \
  "$GS_BIN" regions "$dir/cities.csv" --clusters 2 --countries ca
expect2 "--radius-km" -- "$GS_BIN" regions "$dir/cities.csv" --by country
expect2 "--radius-km" "'-5'" -- "$GS_BIN" regions "$dir/cities.csv" --by country --radius-km -5
expect2 "expected --clusters K or --by country" -- "$GS_BIN" regions "$dir/cities.csv"
expect2 "--bbox" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --bbox 50,0,40,10
expect2 "no place" "passes the filters" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --min-population 1e9
expect2 "--format" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --format xml
cat >"$dir/short.csv" <<'CSV'
cityId,name,altName,country,adminCode,featureCode,population,lat,lon
1,Alpha,,US,NY,PPL,5000,40.7,-74.0
2,Beta,,US,NY,PPL,3000,40.8
CSV
expect2 "short.csv:3" "expected 9 fields as in the header, found 8" -- "$GS_BIN" regions "$dir/short.csv" --clusters 1
cat >"$dir/pop.csv" <<'CSV'
name,country,population,lat,lon
Alpha,US,5000,40.7,-74.0
Beta,US,lots,40.8,-73.9
CSV
expect2 "pop.csv:3:3" "field 'population'" "'lots'" -- "$GS_BIN" regions "$dir/pop.csv" --clusters 1
cat >"$dir/where.csv" <<'CSV'
name,country,population,lat,lon
Atlantis,US,5000,123,-30
CSV
expect2 "where.csv:2" "not a place on Earth" -- "$GS_BIN" regions "$dir/where.csv" --clusters 1
cat >"$dir/cc.csv" <<'CSV'
name,country,population,lat,lon
Alpha,USA,5000,40.7,-74.0
CSV
expect2 "cc.csv:2:2" "field 'country'" "'USA'" -- "$GS_BIN" regions "$dir/cc.csv" --clusters 1
printf 'country,factor\nUS,1\nQQ,2\n' >"$dir/adopt.csv"
expect2 "adopt.csv:3:1" "unknown country code 'QQ'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --adoption "$dir/adopt.csv"
printf 'country,factor\nUS,-2\n' >"$dir/adopt2.csv"
expect2 "adopt2.csv:2:2" "field 'factor'" "'-2'" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --adoption "$dir/adopt2.csv"
printf 'country,factor\nUS,0\nCA,0\n' >"$dir/adopt3.csv"
expect2 "no city with demand" -- "$GS_BIN" regions "$dir/cities.csv" --clusters 1 --adoption "$dir/adopt3.csv"
expect2 "missing.csv: no such file" -- "$GS_BIN" regions "$dir/missing.csv" --clusters 1
# The tiny file works: 2 regions, US first.
"$GS_BIN" regions "$dir/cities.csv" --clusters 2 --format csv >"$dir/ok.csv" || fail "valid input rejected"
sed -n 2p "$dir/ok.csv" | grep -q '^us-1,US,8000,' || { cat "$dir/ok.csv"; fail "unexpected first region"; }
grep -q '"Beta, North"\|,Alpha,' "$dir/ok.csv" || fail "largest city missing"
echo ok
