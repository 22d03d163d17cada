#!/usr/bin/env bash
# supply_fleet_real.sh: `gridsplit supply` on a bundled training campus with real data: the West
# Texas campus of examples/real/fleet.yaml (2023, load from the load models), 400 MW of wind and
# 400 MW of solar scaled from ERCOT's 2023 fuel mix (15-minute, Central time, both DST days),
# an 800 MWh battery, the zone's 2023 carbon intensity. Pins: every hour of 2023 has supply (no
# hour lost or doubled at the DST changes: the spring day's hour and the autumn day's repeated
# hour land in the right UTC hours, so no hour is empty and none is twice as large); the
# training load is the site's; each method at least as good as what it extends (the LP's
# battery and shifting above renewables alone and above shifting alone; moving training at its
# checkpoints with the battery above the battery alone); emissions fall with coverage; the
# numbers in the docs (docs/supply.md) are this command's. Skips (77) without
# $GS_SHARED/data unless CI.
set -u
: "${GS_BIN:?}" "${GS_SRC:?}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED
FM=$GS_SHARED/data/ercot/fuel_mix
if [ ! -d "$FM" ] || [ ! -d "$GS_SHARED/data/carbon/US-TEX-ERCO" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "supply_fleet_real: $GS_SHARED/data missing under CI" >&2; exit 1
    fi
    echo "supply_fleet_real: skipped, $GS_SHARED/data missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_supply_real.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$GS_BIN" supply "$GS_SRC/examples/real/fleet.yaml" --site west-texas --ercot-fuel-mix "$FM" \
    --wind-mw 400 --solar-mw 400 --battery-mwh 800 --out "$out/s" --quiet > "$out/text" \
    2> "$out/err" || { cat "$out/err" >&2; echo "supply_fleet_real: run failed" >&2; exit 1; }
if [ -s "$out/err" ]; then
    echo "supply_fleet_real: unexpected warnings:" >&2; cat "$out/err" >&2; exit 1
fi
python3 - "$out/s" <<'PY' || exit 1
import csv, json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
h = list(csv.DictReader(open(f"{d}/hourly.csv")))
fail = []
if s["source"]["hours"] != 8760 or len(h) != 8760:
    fail.append(f"expected 8760 hours, found {s['source']['hours']} / {len(h)}")
if s["warnings"]:
    fail.append(f"warnings: {s['warnings']}")
# the DST days: each hour's wind is continuous with its neighbours (no hour empty, none doubled)
for day in ("2023-03-12", "2023-11-05"):
    w = [float(r["wind_mw"]) for r in h if r["time"].startswith(day)]
    for a, b in zip(w, w[1:]):
        if not (b < 2.2 * a + 5 and a < 2.2 * b + 5):
            fail.append(f"{day}: wind jumps from {a} to {b} MW within an hour")
    if min(w) <= 0:
        fail.append(f"{day}: an hour without wind ({min(w)} MW)")
w = [float(r["wind_mw"]) for r in h]
if abs(max(w) - 400) > 1e-6:
    fail.append(f"wind's peak hour is {max(w)} MW, expected the 400 built")
tr = sum(float(r["training_mw"]) for r in h)
if not 0.9 * s["load"]["energy_mwh"] < tr <= s["load"]["energy_mwh"] + 10:  # rounded rows
    fail.append(f"training {tr} MWh of the site's {s['load']['energy_mwh']}: a training campus")
m = {x["id"]: x for x in s["methods"]}
def ge(a, b):
    if not m[a]["coverage"] >= m[b]["coverage"] - 1e-6:
        fail.append(f"{a} ({m[a]['coverage']}) below {b} ({m[b]['coverage']})")
ge("opt_shift_battery", "none"); ge("opt_shift_battery", "opt_shift"); ge("opt_shift_battery", "opt_battery")
ge("train_shift_battery", "opt_battery"); ge("opt_shift", "none"); ge("ce_battery", "none")
for k, x in m.items():
    if x["emissions_t"] is None:
        fail.append(f"{k}: no emissions with the zone's carbon series")
if not m["train_shift_battery"]["emissions_t"] < m["none"]["emissions_t"]:
    fail.append("emissions do not fall")
b = s["battery_247"]
if not (b["exact_mwh"] > 0 and b["compat_mwh"] > 0 and abs(b["exact_mwh"] - b["compat_mwh"]) < 0.05 * b["compat_mwh"]):
    fail.append(f"24/7 battery: exact {b['exact_mwh']} vs CarbonExplorer's {b['compat_mwh']}")
for f in fail:
    print("supply_fleet_real: FAIL " + f)
sys.exit(1 if fail else 0)
PY
grep -q "train_shift_battery" "$out/text" || { echo "supply_fleet_real: text summary lacks the training method" >&2; exit 1; }
echo "supply_fleet_real: ok"
