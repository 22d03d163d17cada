#!/usr/bin/env bash
# underwrite_real_prices.sh: `gridsplit underwrite` on examples/underwrite/deal-2020-2024.yaml,
# whose fleet carries the real 2020-2024 price series of ../shared/data: each site's prices are
# its zone's five yearly means (summary.json names the zone and the years), cycled over the
# horizon and escalated (year 1: the 2020 mean, year 2: the 2021 mean x 1.02, year 6: 2020
# again x 1.02^5), training at the interruptible discount; the figures are finite; the spread
# over price years has one scenario per starting year, the first being the underwriting
# itself. Flexibility revenue comes from the flex engine, one figure per price year: 2023's and
# 2024's are what `gridsplit flex` on the fleet over that year gives West Texas (peak products
# left out), scaled to 8,760 h, per MW of training grid draw, and year y of the cash flow takes
# its price year's. deal-2020-2024-requests.yaml pays Ashburn per request: served requests are
# the week's hours of demand cut at 24,576 GPUs x 10 requests/s, revenue served x the price,
# West Texas as in the first run. Skipped (77) where ../shared/data is absent.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
: "${GS_SHARED:?GS_SHARED must name the shared data folder}"
[ -d "$GS_SHARED/data/prices/US-TEX-ERCO" ] || { echo "no $GS_SHARED/data/prices: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_real.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" --out "$tmp/out" > "$tmp/out.txt"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal-2020-2024-requests.yaml" --out "$tmp/req" > /dev/null
for y in 2023 2024; do
    "$GS_BIN" flex "$GS_SRC/examples/underwrite/fleet-2020-2024.yaml" --from $y-01-01 --to $((y + 1))-01-01 --out "$tmp/flex$y" > /dev/null
done
grep -q "site west-texas (prices: ERCOT price years 2020-2024)" "$tmp/out.txt"
grep -q "site ashburn (prices: PJM-DOM price years 2020-2024)" "$tmp/out.txt"
python3 - "$tmp/out" "$tmp" <<'PY'
import csv, json, math, sys
out, tmp = sys.argv[1], sys.argv[2]
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
# flexibility revenue from the flex engine, per price year
wt = j["sites"][0]
f = wt["flexibility"]
assert f["source"] == "flex engine", f
assert [y["source"] for y in f["price_years"]] == [f"from the flex engine, price year {y}" for y in range(2020, 2025)]
grid = f["training_grid_mw"]
fx = [y["usd_per_mw_year"] for y in f["price_years"]]
for y in (2023, 2024):
    net = sum(float(r["net_usd"]) for r in csv.DictReader(open(f"{tmp}/flex{y}/flex.csv"))
              if r["site"] == "west-texas" and r["kind"] != "peak")
    hours = 8784 if y == 2024 else 8760
    e = f["price_years"][y - 2020]
    assert abs(e["net_usd"] - net) < 0.02 and abs(e["to_a_year"] - 8760 / hours) < 1e-6, (y, e, net)
    # per MW of the training grid draw (summary.json gives it to 3 decimals: 1e-5 relative)
    assert abs(fx[y - 2020] * grid - net * 8760 / hours) <= 1e-5 * abs(net) + 1, (y, fx[y - 2020], net)
assert len(set(round(v) for v in fx)) == 5, fx
rows = {(r["site"], r["class"], r["year"]): r for r in csv.DictReader(open(f"{out}/cashflow.csv"))}
for y in range(1, j["horizon_years"] + 1):
    got = float(rows[("west-texas", "training", str(y))]["flex_usd"])
    assert abs(got - fx[(y - 1) % 5] * grid) <= 1e-5 * abs(got) + 1, (y, got)
# revenue per request
r = json.load(open(f"{tmp}/req/summary.json"))
assert r["sites"][0]["total"]["npv_usd"] == wt["total"]["npv_usd"]
q = r["sites"][1]["inference"]["revenue"]
assert q["basis"] == "request" and q["capacity_requests_per_s"] == 24576 * 10, q["basis"]
assert abs(q["usd_per_1000_requests"] - 0.22 * 1366 / 1000) < 1e-9
assert len(q["shape_week_utc"]) == 168 and max(q["shape_week_utc"]) == 1
rows = {(x["site"], x["class"], x["year"]): x for x in csv.DictReader(open(f"{tmp}/req/cashflow.csv"))}
m = sum(q["shape_week_utc"]) / 168
for y in q["years"]:
    grow = 1.1 ** (y["year"] - 1)
    assert abs(y["peak_requests_per_s"] - 200000 * grow) < 0.01 * grow
    # summary.json gives the shape to 6 decimals: 1e-5 relative
    assert abs(y["mean_requests_per_s"] - 200000 * m * grow) < 1e-5 * 200000 * grow
    dem = [y["mean_requests_per_s"] + (y["peak_requests_per_s"] - y["mean_requests_per_s"]) * (h - m) / (1 - m)
           for h in q["shape_week_utc"]]
    served = sum(min(d, 245760) for d in dem) / 168
    assert abs(y["served_requests_per_s"] - served) < 1e-5 * served, (y["year"], y["served_requests_per_s"], served)
    rev = float(rows[("ashburn", "inference", str(y["year"]))]["revenue_usd"])
    want = y["served_requests_per_s"] * 3600 * 8760 * y["usd_per_1000_requests"] / 1000
    assert abs(rev - want) <= 1e-5 * want, (y["year"], rev, want)  # price to 6 decimals
assert q["years"][0]["unserved_share"] == 0 and q["years"][-1]["unserved_share"] > 0.5
PY
echo "underwrite_real_prices: ok"
