#!/usr/bin/env bash
# The real-data example: the demo fleet on a full year (2023) of real price, carbon and
# system-demand series from ../shared/data. Skipped (77) where that data is absent.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out" --quiet --load-step 1h
jq -e '.from == "2023-01-01T00:00:00Z" and .to == "2024-01-01T00:00:00Z" and .steps == 105120' "$out/summary.json" >/dev/null
# the zones with series have prices, carbon and (US) system demand for every step
jq -e '.sites[] | select(.id == "ashburn") | .classes.inference
       | (.price_coverage == 1 and .carbon_coverage == 1 and .coincidence != null
          and .mean_price_usd_per_mwh > 10 and .mean_price_usd_per_mwh < 200)' "$out/summary.json" >/dev/null
jq -e '.sites[] | select(.id == "quebec") | .energy_cost_usd == null and .coincidence == null' "$out/summary.json" >/dev/null
# cost, price and CO2 per site and class where the zone has the series; no entry for a class the
# site has no cluster of (west-texas runs training only: no "inference: cost 0.0")
jq -e '.sites[] | select(.id == "west-texas") | .classes
       | (has("inference") | not) and .training.energy_cost_usd > 1e6 and .training.co2_t > 1e4
         and .training.mean_price_usd_per_mwh > 10 and .training.price_coverage == 1' "$out/summary.json" >/dev/null \
  || { echo "west-texas: no training cost/CO2, or an inference entry"; jq '.sites[0].classes' "$out/summary.json"; exit 1; }
jq -e '.sites[] | select(.id == "quebec") | .classes.training | .energy_cost_usd == null and .co2_t == null' "$out/summary.json" >/dev/null
# the same per cluster (clusters.csv and summary.json), empty where the zone has no series
grep -q '^wt-h100,west-texas,training,' "$out/clusters.csv" || { echo "no wt-h100 in clusters.csv"; exit 1; }
wt_cost=$(awk -F, '$1 == "wt-h100" {print $9}' "$out/clusters.csv")
site_cost=$(jq '.sites[] | select(.id == "west-texas") | .classes.training.energy_cost_usd' "$out/summary.json")
awk -v a="$wt_cost" -v b="$site_cost" 'BEGIN { d = a - b; exit !(a > 0 && d < 0.02 && d > -0.02) }' \
  || { echo "wt-h100 cost $wt_cost vs west-texas training $site_cost"; exit 1; }
[ -z "$(awk -F, '$1 == "qc-b200" {print $9 $11}' "$out/clusters.csv")" ] || { echo "qc-b200 has a cost without a series"; exit 1; }
jq -e '[.clusters[] | select(.id == "ash-h100") | .energy_cost_usd > 0 and .co2_t > 0] | all' "$out/summary.json" >/dev/null
# inference peaks with the grid, training does not: coincidence with the top 1 % demand hours
jq -e '(.sites[] | select(.id == "ashburn") | .classes.inference.coincidence) >
       (.sites[] | select(.id == "west-texas") | .classes.training.coincidence) + 0.3' "$out/summary.json" >/dev/null \
  || { echo "inference is not more coincident with the system peak than training"; exit 1; }
# EIA-930 stamps each hour at its end: the demand of a step is the hour stamped after it
# (docs/import-formats.md); read as hour starts Ashburn's figure would be 1.64
jq -e '.sites[] | select(.id == "ashburn") | .classes.inference.coincidence | . > 1.69 and . < 1.71' \
  "$out/summary.json" >/dev/null || { echo "Ashburn's coincidence is not docs/simulate.md's 1.70"; exit 1; }
rows=$(wc -l < "$out/load.csv")
[ "$rows" -eq $((8 * 8760 + 1)) ] || { echo "hourly load.csv has $rows rows (8 sites, one class each)"; exit 1; }
echo ok
