#!/usr/bin/env bash
# The bundled demo shows what the source documents say: training near-flat (load factor above
# 0.9), each inference site swinging 3-5x a day and peaking mid-afternoon local time, and the
# fleet-wide inference curve flatter than any one site's as time zones overlap.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" simulate "$GS_SRC/examples/demo/fleet.yaml" --out "$out" --quiet
for f in load.csv summary.json report.html; do
  [ -s "$out/$f" ] || { echo "missing $out/$f"; exit 1; }
done
[ "$(head -1 "$out/load.csv")" = "timestamp,site,class,mw" ] || { echo "bad load.csv header"; exit 1; }
head -2 "$out/load.csv" | tail -1 | grep -Eq '^2024-01-01T00:00:00Z,[a-z-]+,(training|inference),[0-9]+\.[0-9]{4}$' \
  || { echo "bad load.csv row: $(sed -n 2p "$out/load.csv")"; exit 1; }
# 8 sites x 2 classes x 366 days x 288 steps + header
rows=$(wc -l < "$out/load.csv")
[ "$rows" -eq $((8 * 2 * 366 * 288 + 1)) ] || { echo "load.csv has $rows rows"; exit 1; }

jq -e '
  [.sites[] | select(.classes.training.peak_mw > 1) | .classes.training.load_factor > 0.9] | (length == 4 and all)
' "$out/summary.json" >/dev/null || { echo "a training site is not near-flat"; jq '.sites[] | {id, lf: .classes.training.load_factor}' "$out/summary.json"; exit 1; }
jq -e '
  [.sites[] | select(.classes.inference.peak_mw > 1) | .classes.inference
   | (.peak_to_trough >= 3 and .peak_to_trough <= 5 and .peak_hour_local >= 13 and .peak_hour_local <= 17)]
  | (length == 4 and all)
' "$out/summary.json" >/dev/null || { echo "an inference site does not swing 3-5x peaking mid-afternoon"; jq '.sites[] | {id, p2t: .classes.inference.peak_to_trough, h: .classes.inference.peak_hour_local}' "$out/summary.json"; exit 1; }
jq -e '
  .fleet_stats.classes.inference.peak_to_trough <
  ([.sites[] | select(.classes.inference.peak_mw > 1) | .classes.inference.peak_to_trough] | min)
' "$out/summary.json" >/dev/null || { echo "fleet-wide inference is not flatter than every site"; exit 1; }
jq -e '[.services[] | .unserved_requests == 0] | all' "$out/summary.json" >/dev/null \
  || { echo "demo leaves requests unserved"; exit 1; }
# each site's peak is mid-afternoon in its own time zone, so the UTC peak hours differ (offset by time zone)
utc_hours=$(awk -F, 'NR>1 && $3=="inference" && substr($1,1,10)=="2024-03-06" {h=substr($1,12,2)+0; if ($4>m[$2]) {m[$2]=$4; p[$2]=h}} END {for (s in p) print p[s]}' "$out/load.csv" | sort -n | uniq | wc -l)
[ "$utc_hours" -ge 3 ] || { echo "inference sites peak at the same UTC hour"; exit 1; }
# every site fits its grid connection
jq -e '[.sites[] | .peak_over_interconnect < 1] | all' "$out/summary.json" >/dev/null \
  || { echo "a demo site peaks above its interconnection"; exit 1; }
echo "ok"
