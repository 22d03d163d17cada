#!/usr/bin/env bash
# sweep_price_years.sh: examples/sweep/price-years.yaml (12 cases of `gridsplit underwrite` on
# real prices: a `set:` axis writing both zones' price files into a copy of the fleet the deal
# names, and --years): every case ok, one row per case in order; the case of the five years
# (202[0-4], 20 years) equals `gridsplit underwrite examples/underwrite/deal-2020-2024.yaml`
# itself (its fleet reads the same five years), and the 2023 case equals a run by hand on a
# fleet edited with sed, field for field; one price year's row shows that year's mean price.
# Skipped (77) without ../shared/data.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
[ -d "${GS_SHARED:-}/data/prices" ] || { echo "skipped: no \$GS_SHARED/data"; exit 77; }
export GS_SHARED
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_sweep_py.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "sweep_price_years: FAIL: $*" >&2; exit 1; }
"$GS_BIN" sweep "$GS_SRC/examples/sweep/price-years.yaml" --out s --quiet || fail "exit $?"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" --out all --years 20 > /dev/null
sed 's#/\*/\*\.csv\.zst#/2023/*.csv.zst#' "$GS_SRC/examples/underwrite/fleet-2020-2024.yaml" > fleet2023.yaml
[ "$(grep -c '/2023/\*.csv.zst' fleet2023.yaml)" = 2 ] || fail "the fleet's edit by hand did not apply"
sed "s#^fleet: .*#fleet: $tmp/fleet2023.yaml#" "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" > deal2023.yaml
"$GS_BIN" underwrite deal2023.yaml --out y2023 --years 20 > /dev/null
python3 - s all y2023 <<'PY' || fail "the table"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep.csv")))
years = ["2020", "2021", "2022", "2023", "2024", "202[0-4]"]
assert [(r["price_years"], r["years"]) for r in rows] == [(y, h) for y in years for h in ("15", "20")], rows
assert all(r["status"] == "ok" for r in rows), rows
def same(row, run):
    s = json.load(open(f"{run}/summary.json"))
    wt = [x for x in s["sites"] if x["id"] == "west-texas"][0]
    ash = [x for x in s["sites"] if x["id"] == "ashburn"][0]
    assert float(row["npv_usd"]) == s["total"]["npv_usd"], (run, row["npv_usd"], s["total"]["npv_usd"])
    assert float(row["irr"]) == s["total"]["irr"]["rate"], run
    assert float(row["payback_years"]) == s["total"]["payback_years"], run
    assert float(row["west_texas_npv_usd"]) == wt["total"]["npv_usd"], run
    assert float(row["ashburn_npv_usd"]) == ash["total"]["npv_usd"], run
    assert float(row["west_texas_first_price_year_usd_per_mwh"]) == wt["price_years"][0]["mean_usd_per_mwh"], run
    return wt
same(rows[11], sys.argv[2])
wt = same(rows[7], sys.argv[3])
assert [p["year"] for p in wt["price_years"]] == [2023], wt["price_years"]
# one year a row: each its own mean price, all different
means = [rows[2 * i]["west_texas_first_price_year_usd_per_mwh"] for i in range(5)]
assert len(set(means)) == 5, means
assert rows[10]["west_texas_first_price_year_usd_per_mwh"] == rows[0]["west_texas_first_price_year_usd_per_mwh"]
PY
echo "sweep_price_years: ok"
