#!/usr/bin/env bash
# underwrite_real_prices.sh: `gridsplit underwrite` on examples/underwrite/deal-2020-2024.yaml,
# whose fleet carries the real 2020-2024 price series of ../shared/data: each site's prices are
# its zone's five yearly means (summary.json names the zone and the years), cycled over the
# horizon and escalated (year 1: the 2020 mean, year 2: the 2021 mean x 1.02, year 6: 2020
# again x 1.02^5), training at the interruptible discount; the figures are finite; the spread
# over price years has one scenario per starting year, the first being the underwriting
# itself. Skipped (77) where ../shared/data is absent.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
: "${GS_SHARED:?GS_SHARED must name the shared data folder}"
[ -d "$GS_SHARED/data/prices/US-TEX-ERCO" ] || { echo "no $GS_SHARED/data/prices: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_real.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" --out "$tmp/out" > "$tmp/out.txt"
grep -q "site west-texas (prices: ERCOT price years 2020-2024)" "$tmp/out.txt"
grep -q "site ashburn (prices: PJM-DOM price years 2020-2024)" "$tmp/out.txt"
python3 - "$tmp/out" <<'PY'
import csv, json, math, sys
out = sys.argv[1]
j = json.load(open(f"{out}/summary.json"))
fig = {a["name"]: a["value"] for a in j["assumptions"]}
disc, esc = fig["interruptible_energy_discount"], fig["energy_escalation"]
rows = {(r["site"], r["class"], r["year"]): r for r in csv.DictReader(open(f"{out}/cashflow.csv"))}
for s in j["sites"]:
    py = s["price_years"]
    assert [p["year"] for p in py] == [2020, 2021, 2022, 2023, 2024], s["prices"]
    means = [p["mean_usd_per_mwh"] for p in py]
    assert all(math.isfinite(m) and 5 < m < 500 for m in means), means
    assert math.isfinite(s["total"]["npv_usd"])
    cls = "training" if "training" in s else "inference"
    k = (1 - disc) if cls == "training" else 1.0
    for y, m in ((1, means[0]), (2, means[1] * (1 + esc)), (6, means[0] * (1 + esc) ** 5)):
        p = float(rows[(s["id"], cls, str(y))]["price_usd_per_mwh"])
        assert abs(p - m * k) < 0.02, (s["id"], y, p, m * k)
# the spread: five scenarios, each site starting at 2020 .. 2024 in turn; the first is the
# underwriting itself (it starts at 2020); P10 <= P50 <= P90, each inside the scenarios' range
sp = j["spread"]
assert sp["mode"] == "rotate" and sp["scenarios"] == 5
for s, ss in zip(j["sites"], sp["sites"]):
    assert ss["id"] == s["id"] and ss["start_price_year"] == [2020, 2021, 2022, 2023, 2024]
    t = ss["total"]
    assert abs(t["scenario_npv_usd"][0] - s["total"]["npv_usd"]) <= 1
    p = t["npv_usd"]
    assert min(t["scenario_npv_usd"]) <= p["p10"] <= p["p50"] <= p["p90"] <= max(t["scenario_npv_usd"])
    assert len(set(t["scenario_npv_usd"])) == 5, "the order of the price years changes the NPV"
rows = [r for r in csv.DictReader(open(f"{out}/spread.csv")) if r["site"] == "west-texas" and r["class"] == "total"]
assert [r["scenario"] for r in rows] == ["1", "2", "3", "4", "5", "p10", "p50", "p90"]
assert [r["start_price_year"] for r in rows[:5]] == ["2020", "2021", "2022", "2023", "2024"]
PY
echo "underwrite_real_prices: ok"
