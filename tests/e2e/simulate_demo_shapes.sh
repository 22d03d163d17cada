#!/usr/bin/env bash
# The bundled demo shows what the source documents say: training near-flat (load factor above
# 0.9), each inference site swinging 3-5x a day and peaking mid-afternoon local time, and the
# fleet-wide inference curve flatter than any one site's as time zones overlap.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" simulate "$GS_SRC/examples/demo/fleet.yaml" --out "$out" --quiet
for f in load.csv summary.json clusters.csv runs.csv report.html; do
  [ -s "$out/$f" ] || { echo "missing $out/$f"; exit 1; }
done
[ "$(head -1 "$out/load.csv")" = "timestamp,site,class,mw" ] || { echo "bad load.csv header"; exit 1; }
head -2 "$out/load.csv" | tail -1 | grep -Eq '^2024-01-01T00:00:00Z,[a-z-]+,(training|inference),[0-9]+(\.[0-9]{1,4})?$' \
  || { echo "bad load.csv row: $(sed -n 2p "$out/load.csv")"; exit 1; }
# every demo site has one class: 8 sites x 1 class x 366 days x 288 steps + header (no rows of
# zeros for the class a site lacks)
rows=$(wc -l < "$out/load.csv")
[ "$rows" -eq $((8 * 366 * 288 + 1)) ] || { echo "load.csv has $rows rows"; exit 1; }
if grep -Eq ',west-texas,inference,|,ashburn,training,' "$out/load.csv"; then
  echo "load.csv has rows for a class the site has no cluster of"; exit 1
fi
jq -e '[.sites[] | .classes | keys | length == 1] | all' "$out/summary.json" >/dev/null \
  || { echo "summary.json has an entry for a class a site lacks"; jq -c '.sites[] | {id, c: (.classes | keys)}' "$out/summary.json"; exit 1; }
# one number rule: MW and MWh to 4 decimals at most, nothing beyond 6, no exponents
if grep -Eq '"(energy_mwh|peak_mw|min_mw|mean_mw|mw_cut|mwh_cut)": -?[0-9]+\.[0-9]{5,}' "$out/summary.json" ||
   grep -Eq '[0-9]\.[0-9]{7,}|[0-9][eE][-+]?[0-9]' "$out/summary.json" ||
   grep -Eq '\.[0-9]{5,}$|\.[0-9]*0$' "$out/load.csv"; then
  echo "a number breaks the number rule (docs/simulate.md)"; exit 1
fi
# clusters.csv: one row per cluster; a site's clusters add up to its class (one each here)
[ "$(wc -l < "$out/clusters.csv")" -eq 9 ] || { echo "clusters.csv: $(wc -l < "$out/clusters.csv") lines"; exit 1; }
[ "$(wc -l < "$out/runs.csv")" -eq $(( $(jq '.runs | length' "$out/summary.json") + 1 )) ] || { echo "runs.csv lines"; exit 1; }
awk -F, 'NR > 1 {print $2, $3, $5}' "$out/clusters.csv" | while read -r site cls mwh; do
  want=$(jq --arg s "$site" --arg c "$cls" '.sites[] | select(.id == $s) | .classes[$c].energy_mwh' "$out/summary.json")
  awk -v a="$mwh" -v b="$want" 'BEGIN { d = a - b; exit !(d < 0.001 && d > -0.001) }' \
    || { echo "cluster at $site $cls: $mwh MWh, site class $want"; exit 1; }
done
# the runs' GPU-hours add up to their cluster's
jq -e '[.clusters[] | select(.class == "training") | .id as $c | .gpu_hours as $g
        | ([$root.runs[] | select(.cluster == $c) | .gpu_hours] | add) as $r | ($g - $r | fabs) < 1]
       | all' --argjson root "$(cat "$out/summary.json")" "$out/summary.json" >/dev/null \
  || { echo "runs' GPU-hours do not add up to their cluster's"; exit 1; }

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
