#!/usr/bin/env bash
# The markets added for the examples' sites (issue 8, section 3) are listed by `gridsplit markets
# --format json` with their sources, and `--zone` finds them under the zone names the example
# fleets use (MISO, HQ, NO3, SG, BR-SE) and the neighbours (NO4, SE2, DK2, MISO-LRZ3).
set -euo pipefail
json=$("$GS_BIN" markets --format json --events)
python3 - "$json" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
ps = {p["id"]: p for p in d["products"]}
markets = {p["market"] for p in ps.values()}
for m in ("MISO", "HQ", "Nordic", "AESO", "CAISO", "NYISO", "ISONE", "SPP", "NL", "SG", "BR"):
    assert m in markets, (m, sorted(markets))
for pid in ("MISO-LMR", "MISO-DRR-ENERGY", "HQ-INTERRUPTIBLE", "NO-FCR-N", "NO-FCR-D-UP",
            "NO-FCR-D-DOWN", "NO-AFRR-UP", "NO-AFRR-DOWN", "NO-MFRR-UP", "SE-FCR-N", "SE-FCR-D-UP",
            "SE-FCR-D-DOWN", "AESO-SUPPLEMENTAL", "AESO-LSSI", "CAISO-PDR-ENERGY", "CAISO-BIP",
            "CAISO-ELRP", "NYISO-SCR", "NYISO-EDRP", "NYISO-DSASP", "ISONE-FCM-DR", "SPP-DR",
            "NL-REDISPATCH", "NL-CAP-LIMIT", "NL-TDTR", "NL-DA-ENERGY", "SG-ENERGY", "SG-IL",
            "SG-DR", "BR-SE-ENERGY"):
    p = ps[pid]
    s = p["sources"]
    assert s.get("rules") and s.get("eligibility"), pid
    # every figure group present names its source
    if p["notice_s"] is not None or p["full_response_s"] is not None:
        assert s.get("timing"), pid
    if p["min_duration_s"] is not None or p["max_duration_s"] is not None:
        assert s.get("duration"), pid
    if p["max_calls_per_day"] is not None or p["max_calls_per_year"] is not None:
        assert s.get("frequency"), pid
    if p["payment"] or p["availability_unit"] or p["energy_unit"]:
        assert s.get("payment"), pid
    for q in p["prices"]:
        assert q["source"] and q["unit"], pid
    if p["series"]:
        assert p["series"]["source"], pid
lmr = {(q["period"], q["zone"]): q["value"] for q in ps["MISO-LMR"]["prices"]}
assert lmr[("2022/2023", "MISO-LRZ3")] == 236.66 and lmr[("2024-06..2024-08", "MISO-LRZ3")] == 30.0
hq = ps["HQ-INTERRUPTIBLE"]
assert hq["notice_s"] == 7200 and hq["max_duration_s"] == 5 * 3600 and hq["max_calls_per_year"] == 20
# the Hydro-Quebec variable credit, typed in CAD per MWh as published (20.787 c/kWh)
assert hq["energy_unit"] == "CAD/MWh", hq["energy_unit"]
hqp = {q["period"]: q for q in hq["prices"]}
assert hqp["undated (https copy)"]["value"] == 207.87 and hqp["undated (https copy)"]["unit"] == "CAD/MWh"
# Norway's mFRR capacity (RKOM-B 2020/21), in NOK per MW-h, for mid-Norway and its neighbours
mf = ps["NO-MFRR-UP"]
assert mf["availability_unit"] == "NOK/MW-h" and mf["full_response_s"] == 900 and mf["min_duration_s"] == 3600
mfp = {(q["period"], q["zone"]): q for q in mf["prices"]}
for z in ("NO1", "NO2", "NO3", "NO4", "NO5"):
    q = mfp[("2020-11-09..2021-04-18", z)]
    assert q["value"] == 11.70 and q["unit"] == "NOK/MW-h" and "Statnett" in q["source"], q
assert ps["NO-FCR-N"]["direction"] == "both" and "NO3" in ps["NO-FCR-N"]["zones"]
elrp = {q["period"]: q["value"] for q in ps["CAISO-ELRP"]["prices"]}
assert elrp["2022"] == 2000
ev = {e["id"]: e for e in d["events"]}
assert ev["MISO-MAXGEN-2017-09-22"]["start"] == "2017-09-22T19:00:00Z"
PY

# the zones of the example fleets' sites, and neighbours, each list their products
zone_has() {  # zone product...
    local z=$1; shift
    local out; out=$("$GS_BIN" markets --zone "$z")
    for p in "$@"; do
        grep -q "^$p " <<<"$out" || { echo "zone $z does not list $p" >&2; exit 1; }
    done
}
zone_has MISO MISO-LMR MISO-DRR-ENERGY
zone_has MISO-LRZ3 MISO-LMR
zone_has HQ HQ-INTERRUPTIBLE
zone_has NO3 NO-FCR-N NO-FCR-D-UP NO-FCR-D-DOWN NO-AFRR-UP NO-AFRR-DOWN NO-MFRR-UP
zone_has NO4 NO-FCR-N NO-MFRR-UP
zone_has SE2 SE-FCR-N SE-FCR-D-UP SE-FCR-D-DOWN
zone_has DK2 SE-FCR-N
zone_has AESO AESO-SUPPLEMENTAL AESO-LSSI
zone_has CAISO CAISO-PDR-ENERGY CAISO-BIP CAISO-ELRP
zone_has NYISO NYISO-SCR NYISO-EDRP NYISO-DSASP
zone_has ISONE ISONE-FCM-DR
zone_has SPP SPP-DR
zone_has NL NL-REDISPATCH NL-CAP-LIMIT NL-TDTR NL-DA-ENERGY
zone_has SG SG-ENERGY SG-IL
zone_has BR-SE BR-SE-ENERGY
no3=$("$GS_BIN" markets --zone NO3)
! grep -q '^SE-FCR' <<<"$no3"      # Swedish products are not offered in Norway
! grep -q '^MISO-' <<<"$no3"

# a training campus in mid-Norway may offer the reserves; inference there none of them
inf=$("$GS_BIN" markets --zone NO3 --class inference 2>&1 || true)
grep -q "no product matches" <<<"$inf"
echo ok
