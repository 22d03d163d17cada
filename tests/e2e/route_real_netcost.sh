#!/usr/bin/env bash
# Data transfer at the real inter-region prices of ../shared/data/network_cost: with the AWS
# matrix and the regions' coordinates, each region and site takes its nearest priced region;
# the regions the coordinates file lacks (two local zones) are left out with a warning; the
# transfer cost is in summary.json. The GCP matrix reads too (southamerica-east1 from its zones'
# coordinates; africa-south1 left out). The built-in prices per continent (no file) cost the
# pinned australia -> singapore flow only.
set -euo pipefail
nc="$GS_SHARED/data/network_cost"
ll="$GS_SHARED/data/geo/cloud_regions_latlon.csv"
[ -d "$GS_SHARED/data/prices" ] && [ -f "$nc/aws_transmission_cost_matrix.csv" ] && [ -f "$ll" ] \
  || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/real/fleet.yaml"
"$GS_BIN" route "$fleet" --out "$out/aws" --quiet --no-flows --no-report --from 2023-07-01 --to 2023-07-08 \
  --net-prices "$nc/aws_transmission_cost_matrix.csv" --net-places "$ll" 2> "$out/err"
grep -q "2 priced places without coordinates in .* left out: 'us-east-1-dwf-1', 'us-east-1-chl-1'$" "$out/err" \
  || { echo "no warning for the places without coordinates"; cat "$out/err"; exit 1; }
s="$out/aws/summary.json"
jq -e '.options.transfer_prices | test("aws_transmission_cost_matrix.csv$")' "$s" >/dev/null || { echo "options do not name the prices"; exit 1; }
# Sydney (ap-southeast-2, 0.098/GB) -> Singapore (ap-southeast-1, 0.09/GB): 4,620 B in, 844 B out
jq -e '.services[0].regions[] | select(.id == "australia") | .sites[0]
       | .site == "singapore" and ((.transfer_usd_per_mreq - (0.098 * 4620 + 0.09 * 844) / 1000) | fabs) < 1e-9' "$s" >/dev/null \
  || { echo "australia -> singapore transfer"; jq '.services[0].regions[] | select(.id == "australia")' "$s"; exit 1; }
jq -e '.services[0].transfer_cost_usd > 0 and .services[0].unserved_requests == 0' "$s" >/dev/null || { echo "no transfer cost"; exit 1; }
"$GS_BIN" route "$fleet" --out "$out/gcp" --quiet --no-flows --no-report --from 2023-07-01 --to 2023-07-02 \
  --net-prices "$nc/gcp_transmission_cost_matrix.csv" --net-places "$ll" 2> "$out/err2"
grep -q "1 priced place without coordinates in .* left out: 'africa-south1'$" "$out/err2" || { echo "GCP: expected a warning for africa-south1 only"; cat "$out/err2"; exit 1; }
"$GS_BIN" route "$fleet" --out "$out/builtin" --quiet --no-flows --no-report --from 2023-07-01 --to 2023-07-08
jq -e '.options.transfer_prices == "built-in, per continent"
       and ([.services[0].regions[] | .sites[] | select(.transfer_usd_per_mreq > 0) | .site] | unique == ["singapore"])' \
  "$out/builtin/summary.json" >/dev/null || { echo "built-in prices"; jq -c '[.services[0].regions[] | [.id, [.sites[] | [.site, .transfer_usd_per_mreq]]]]' "$out/builtin/summary.json"; exit 1; }
echo ok
