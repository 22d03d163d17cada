#!/usr/bin/env bash
# `gridsplit flex` on the real example now considers the added markets for the Iowa (MISO),
# Quebec (HQ) and mid-Norway (NO3) training clusters, and prices the Iowa cluster's MISO capacity
# from the published 2022/23 Planning Resource Auction result when the site is in the catalogue's
# Local Resource Zone (MISO-LRZ3; the example names its zone "MISO", see docs/markets.md).
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skip: no ../shared/data"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$GS_BIN" flex "$GS_SRC/examples/real/fleet.yaml" --out "$tmp/a" >/dev/null
python3 - "$tmp/a/flex.csv" <<'PY'
import csv, sys
rows = {(r["cluster"], r["product"]): r for r in csv.DictReader(open(sys.argv[1]))}
for key in [("ia-h200", "MISO-LMR"), ("qc-b200", "HQ-INTERRUPTIBLE"), ("no-gb200", "NO-FCR-N"),
            ("no-gb200", "NO-FCR-D-UP"), ("no-gb200", "NO-MFRR-UP")]:
    assert key in rows, key
    float(rows[key]["revenue_usd"])   # a number, never empty or nan
PY

# the same fleet with the Iowa site in MISO Local Resource Zone 3
sed -e 's/^  - id: MISO$/  - id: MISO-LRZ3/' -e 's/zone: MISO,/zone: MISO-LRZ3,/' \
    "$GS_SRC/examples/real/fleet.yaml" >"$tmp/fleet.yaml"
grep -q 'zone: MISO-LRZ3,' "$tmp/fleet.yaml"
"$GS_BIN" flex "$tmp/fleet.yaml" --out "$tmp/b" >/dev/null
python3 - "$tmp/b/flex.csv" <<'PY'
import csv, sys
rows = {(r["cluster"], r["product"]): r for r in csv.DictReader(open(sys.argv[1]))}
r = rows[("ia-h200", "MISO-LMR")]
rev, mwh = float(r["availability_usd"]), float(r["offered_mw_h"])
assert rev > 0 and mwh > 0, (rev, mwh)
assert float(r["revenue_usd"]) == rev
# paid per MW-day: MW-h offered (Jan 1 - May 31 2023, the 2022/23 planning year) x 236.66 / 24
assert abs(rev - mwh * 236.66 / 24) <= 1e-6 * rev + 0.05, (rev, mwh * 236.66 / 24)
assert "2022/2023 MISO-LRZ3 236.66 USD/MW-day" in r["price_source"], r["price_source"]
assert "T&D World" in r["price_source"]
PY
echo ok
