#!/usr/bin/env bash
# underwrite_example.sh: `gridsplit underwrite` on the bundled examples (docs/underwrite.md):
# examples/underwrite/deal.yaml (the demo fleet's West Texas and Ashburn) and campus-deal.yaml
# (one site with both classes). Both runs exit 0; cashflow.csv has one row per site, class and
# year plus the totals, every number finite, the totals equal to the sum of the sites; the
# summary parses, every NPV and cost is finite, an IRR is a number only with status "ok"; the
# campus's contract comparison is present with split cheaper than one firm contract and both
# mistakes dearer; with flat prices the spread over price years is the underwriting itself;
# the tornado's bars are sorted by swing, sourced, and move the NPV the expected way (no
# inference_demand bar where no site earns per request); the same inputs give byte-identical
# outputs. Flexibility revenue: deal.yaml gives none, so West Texas takes the flex engine's on
# the demo fleet's period (2024), the figure `gridsplit flex` gives the cluster (peak products
# left out) scaled to 8,760 h, per MW of training grid draw, in every year's flex_usd; the
# campus deal types it, "from the deal". Needs nothing from ../shared.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal.yaml" --out "$tmp/deal" > "$tmp/deal.txt"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/campus-deal.yaml" --out "$tmp/campus" > "$tmp/campus.txt"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal.yaml" --out "$tmp/again" > /dev/null
cmp "$tmp/deal/cashflow.csv" "$tmp/again/cashflow.csv"
cmp "$tmp/deal/summary.json" "$tmp/again/summary.json"
cmp "$tmp/deal/spread.csv" "$tmp/again/spread.csv"
cmp "$tmp/deal/tornado.csv" "$tmp/again/tornado.csv"
grep -q "site west-texas" "$tmp/deal.txt"
grep -q "contract split" "$tmp/campus.txt"
grep -q "flexibility revenue (USD per MW-year of training grid draw, 144.1 MW, net of the curtailments' cost), from the flex engine: the fleet's period" "$tmp/deal.txt"
grep -q "flexibility revenue (USD per MW-year of training grid draw, 50.1 MW): 20,000, from the deal" "$tmp/campus.txt"
"$GS_BIN" flex "$GS_SRC/examples/demo/fleet.yaml" --out "$tmp/flex" > /dev/null

python3 - "$tmp" <<'PY'
import csv, json, math, sys
tmp = sys.argv[1]

def check(run, sites, years, mixed):
    rows = list(csv.DictReader(open(f"{tmp}/{run}/cashflow.csv")))
    nums = [k for k in rows[0] if k not in ("site", "class", "year")]
    for r in rows:
        for k in nums:
            assert r[k] != "" and math.isfinite(float(r[k])), (run, r["site"], r["year"], k)
    by = {}
    for r in rows:
        by.setdefault((r["site"], r["class"]), []).append(r)
    for s in sites:
        assert len(by[(s, "total")]) == years + 1, (run, s)
    assert len(by[("all", "total")]) == years + 1
    for y in range(years + 1):
        tot = sum(float(by[(s, "total")][y]["net_usd"]) for s in sites)
        deal = float(by[("all", "total")][y]["net_usd"])
        assert abs(tot - deal) <= 1e-6 * max(1.0, abs(deal)) + 0.05 * len(sites), (run, y, tot, deal)
    j = json.load(open(f"{tmp}/{run}/summary.json"))
    assert j["horizon_years"] == years
    def metrics(m, where):
        assert math.isfinite(m["npv_usd"]), where
        assert math.isfinite(m["cost_usd_per_mwh"]) and m["cost_usd_per_mwh"] > 0, where
        assert math.isfinite(m["cost_usd_per_gpu_hour"]) and m["cost_usd_per_gpu_hour"] > 0, where
        irr = m["irr"]
        assert (irr["rate"] is not None) == (irr["status"] == "ok"), where
        if irr["rate"] is not None:
            assert math.isfinite(irr["rate"]), where
    metrics(j["total"], "total")
    assert [s["id"] for s in j["sites"]] == sites
    for s in j["sites"]:
        metrics(s["total"], s["id"])
        for k in ("training", "inference"):
            if k in s:
                metrics(s[k], s["id"] + "." + k)
        if s["id"] in mixed:
            c = s["contracts"]
            assert c["split"]["saving_vs_firm_usd"] > 0, c
            assert c["all_interruptible"]["saving_vs_firm_usd"] < 0, c
            assert c["mustrun_training"]["saving_vs_firm_usd"] < 0, c
        else:
            assert s["contracts"] is None
    assert all(a["source"] for a in j["assumptions"])
    # flat prices: one price year, so every scenario of the spread is the underwriting itself
    sp = j["spread"]
    assert sp["mode"] == "rotate" and sp["scenarios"] == 1, sp["mode"]
    for p in ("p10", "p50", "p90"):
        assert abs(sp["total"]["npv_usd"][p] - j["total"]["npv_usd"]) <= 1, (run, p)
    srows = list(csv.DictReader(open(f"{tmp}/{run}/spread.csv")))
    assert {(r["site"], r["class"]) for r in srows} >= {(s, "total") for s in sites} | {("all", "total")}
    for r in srows:
        assert math.isfinite(float(r["npv_usd"])) and math.isfinite(float(r["cost_usd_per_mwh"])), r
    # the tornado: every bar's swing is |high - low|, largest first, each range sourced
    bars = j["tornado"]["bars"]
    assert len(bars) >= 8 and all(b["source"] for b in bars)
    assert abs(j["tornado"]["base_npv_usd"] - j["total"]["npv_usd"]) <= 1
    for a, b in zip(bars, bars[1:]):
        assert a["swing_usd"] >= b["swing_usd"], (a["input"], b["input"])
    for b in bars:
        assert abs(b["swing_usd"] - abs(b["npv_high_usd"] - b["npv_low_usd"])) <= 2, b["input"]
    trows = list(csv.DictReader(open(f"{tmp}/{run}/tornado.csv")))
    assert [r["input"] for r in trows] == [b["input"] for b in bars]
    assert [int(r["rank"]) for r in trows] == list(range(1, len(bars) + 1))
    by_in = {b["input"]: b for b in bars}
    assert by_in["discount_rate"]["npv_low_usd"] > by_in["discount_rate"]["npv_high_usd"]
    assert by_in["gpu_price"]["npv_low_usd"] > by_in["gpu_price"]["npv_high_usd"]
    assert by_in["training_revenue"]["npv_low_usd"] < by_in["training_revenue"]["npv_high_usd"]

check("deal", ["west-texas", "ashburn"], 20, [])
check("campus", ["dallas"], 20, ["dallas"])

# flexibility revenue: the flex engine's for deal.yaml, the deal's for the campus
j = json.load(open(f"{tmp}/deal/summary.json"))
wt, ash = j["sites"]
f = wt["flexibility"]
assert f["source"] == "flex engine" and wt["flex_usd_per_mw_year"] is None, f
(y,) = f["price_years"]
assert y["price_year"] is None and y["source"].startswith("from the flex engine, the fleet's period 2024-01-01"), y
assert y["from"] == "2024-01-01T00:00:00Z" and y["to"] == "2025-01-01T00:00:00Z", y
assert abs(y["to_a_year"] - 8760 / 8784) < 1e-6
net = sum(float(r["net_usd"]) for r in csv.DictReader(open(f"{tmp}/flex/flex.csv"))
          if r["site"] == "west-texas" and r["kind"] != "peak")
assert abs(y["net_usd"] - net) < 0.02, (y["net_usd"], net)
grid = f["training_grid_mw"]
want = net * 8760 / 8784 / grid
assert abs(y["usd_per_mw_year"] - want) <= 1e-5 * want and want > 1000, (y["usd_per_mw_year"], want)
rows = [r for r in csv.DictReader(open(f"{tmp}/deal/cashflow.csv")) if r["site"] == "west-texas" and r["class"] == "training"]
for r in rows[1:]:
    assert abs(float(r["flex_usd"]) - net * 8760 / 8784) < 1, r["year"]
assert ash["flexibility"] == {"source": "none", "training_grid_mw": None, "price_years": []}, ash["flexibility"]
assert ash["inference"]["revenue"] == {"basis": "gpu_hour"}
assert "inference_demand" not in [b["input"] for b in j["tornado"]["bars"]]
c = json.load(open(f"{tmp}/campus/summary.json"))["sites"][0]
assert c["flexibility"]["source"] == "deal" and c["flex_usd_per_mw_year"] == 20000
assert [y["source"] for y in c["flexibility"]["price_years"]] == ["from the deal"]
PY
echo "underwrite_example: ok"
