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
# inference peaks with the grid, training does not: coincidence with the top 1 % demand hours
jq -e '(.sites[] | select(.id == "ashburn") | .classes.inference.coincidence) >
       (.sites[] | select(.id == "west-texas") | .classes.training.coincidence) + 0.3' "$out/summary.json" >/dev/null \
  || { echo "inference is not more coincident with the system peak than training"; exit 1; }
rows=$(wc -l < "$out/load.csv")
[ "$rows" -eq $((8 * 2 * 8760 + 1)) ] || { echo "hourly load.csv has $rows rows"; exit 1; }
echo ok
