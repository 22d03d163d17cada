#!/usr/bin/env bash
# latency --calibrate on the real IBM Cloud VPC matrix: the plain model's median error is under
# 10 %, and the cable-aware model beats it on the intercontinental pairs.
set -euo pipefail
: "${GS_BIN:?}" "${GS_SRC:?}"
SHARED=${GS_SHARED:-/work/shared}
MEAS=$SHARED/data/geo/ibm_cloud_vpc_latency_weekly.csv.zst
CABLES=$SHARED/data/geo/submarine_cables
if [ ! -f "$MEAS" ] || [ ! -f "$CABLES/cable-geo.json" ]; then
  echo "skipped: $MEAS or $CABLES absent"
  exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$GS_BIN" latency --calibrate "$MEAS" --regions "$GS_SRC/data/catalog/latency_regions.csv" \
  --cables "$CABLES" --format json >"$out"
# first occurrence of a top-level or nested key: "key": value,
val() { awk -v k="\"$1\":" '$1 == k { gsub(/,$/, "", $2); print $2; exit }' "$out"; }
pairs=$(val pairs)
med=$(val median_error_pct)
ic_cable=$(val intercontinental_median_error_pct)
ic_plain=$(val plain_intercontinental_median_error_pct)
rf=$(val route_factor)
echo "pairs=$pairs median=$med ic_cable=$ic_cable ic_plain=$ic_plain route_factor=$rf"
[ "$pairs" = 78 ] || { echo "expected 78 region pairs, got $pairs"; exit 1; }
awk -v m="$med" 'BEGIN { exit !(m < 10) }' || { echo "plain median error $med % >= 10 %"; exit 1; }
awk -v c="$ic_cable" -v p="$ic_plain" 'BEGIN { exit !(c < p) }' ||
  { echo "cable-aware intercontinental error $ic_cable % not below plain $ic_plain %"; exit 1; }
awk -v f="$rf" 'BEGIN { exit !(f >= 1.2 && f <= 2.0) }' || { echo "implausible route factor $rf"; exit 1; }
grep -q '"Inter-AZ latency": 16536' "$out" || { echo "Inter-AZ rows not reported as skipped"; exit 1; }
# text format: one table row per pair
"$GS_BIN" latency --calibrate "$MEAS" --regions "$GS_SRC/data/catalog/latency_regions.csv" \
  --format text >"$out"
rows=$(grep -c -E '^(Chennai|Dallas|Frankfurt|London|Madrid|Montreal|Mumbai|Osaka|Sao Paulo|Sydney|Tokyo|Toronto) ' "$out")
[ "$rows" = 78 ] || { echo "text table has $rows rows, expected 78"; exit 1; }
echo ok
