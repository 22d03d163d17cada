#!/usr/bin/env bash
# latency: bad input exits 2 with a message naming the problem, the file and the line.
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
cat >"$dir/regions.csv" <<'CSV'
name,lat,lon,continent
Dallas,32.78,-96.80,north_america
London,51.51,-0.13,europe
Tokyo,35.69,139.69,asia
CSV
cat >"$dir/unknown.csv" <<'CSV'
kind,src,dst,avg_latency_ms
Inter-region latency,Dallas,London,113
Inter-region latency,Dallas,Paris,120
CSV
expect2 "unknown region 'Paris'" "unknown.csv:3" "dst" -- \
  "$GS_BIN" latency --calibrate "$dir/unknown.csv" --regions "$dir/regions.csv"
cat >"$dir/malformed.csv" <<'CSV'
kind,src,dst,avg_latency_ms
Inter-region latency,Dallas,London,113
Inter-region latency,Dallas,Tokyo
CSV
expect2 "malformed.csv:3" "expected 4 fields" -- \
  "$GS_BIN" latency --calibrate "$dir/malformed.csv" --regions "$dir/regions.csv"
cat >"$dir/notanumber.csv" <<'CSV'
kind,src,dst,avg_latency_ms
Inter-region latency,Dallas,London,fast
CSV
expect2 "notanumber.csv:2" "avg_latency_ms" "'fast'" -- \
  "$GS_BIN" latency --calibrate "$dir/notanumber.csv" --regions "$dir/regions.csv"
cat >"$dir/badregions.csv" <<'CSV'
name,lat,lon
Dallas,32.78,-96.80
Atlantis,123.0,-30.0
CSV
expect2 "badregions.csv:3" "Atlantis" "not a place on Earth" -- \
  "$GS_BIN" latency --calibrate "$dir/unknown.csv" --regions "$dir/badregions.csv"
expect2 "--from" "not a place on Earth" -- "$GS_BIN" latency --from 95,10 --to 10,10
expect2 "--to" "LAT,LON" -- "$GS_BIN" latency --from 10,10 --to tokyo
expect2 "--format" -- "$GS_BIN" latency --from 10,10 --to 20,20 --format xml
echo ok
