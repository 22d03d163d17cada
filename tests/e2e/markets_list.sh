#!/usr/bin/env bash
# `gridsplit markets` lists the built-in catalogue: filters by zone and class, JSON carries every
# product's sources, inference is offered no reserves, and bad options exit 2 with a message.
set -euo pipefail
out=$("$GS_BIN" markets)
grep -q '^ERCOT-ECRS ' <<<"$out"
grep -q '^PJM-CAPACITY-DR ' <<<"$out"
grep -q '^DE-FCR ' <<<"$out"

json=$("$GS_BIN" markets --format json --events)
python3 - "$json" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
ps = {p["id"]: p for p in d["products"]}
assert len(ps) >= 15, len(ps)
for p in ps.values():
    assert p["sources"].get("rules"), p["id"]
    assert p["eligible"]["training"] == "yes", p["id"]
    for q in p["prices"]:
        assert q["source"], p["id"]
cap = ps["PJM-CAPACITY-DR"]
vals = {(q["period"], q["zone"]): q["value"] for q in cap["prices"]}
assert vals[("2025/2026", "PJM-RTO")] == 269.92 and vals[("2025/2026", "PJM-DOM")] == 444.26
assert ps["ERCOT-ERS-30"]["max_duration_s"] == 8 * 3600
ev = {e["id"]: e for e in d["events"]}
assert ev["ERCOT-EEA2-2023-09-06"]["start"] == "2023-09-07T00:25:00Z"
assert all(e["source"] for e in ev.values())
PY

inf=$("$GS_BIN" markets --class inference --format json)
python3 - "$inf" <<'PY'
import json, sys
for p in json.loads(sys.argv[1])["products"]:
    assert p["kind"] not in ("reserve", "regulation", "emergency"), p["id"]
    assert p["eligible"]["inference"] == "shift", p["id"]
PY

dom=$("$GS_BIN" markets --zone PJM-DOM)
grep -q '^PJM-SYNC-RESERVE ' <<<"$dom"   # RTO-wide product covers the Dominion zone
! grep -q '^ERCOT-' <<<"$dom"

set +e
"$GS_BIN" markets --class batch 2>err.txt; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "expected training or inference, found 'batch'" err.txt
set +e
"$GS_BIN" markets --zone NOWHERE 2>err.txt; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "no product matches zone NOWHERE" err.txt
rm -f err.txt
echo ok
