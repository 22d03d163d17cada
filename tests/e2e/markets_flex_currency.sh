#!/usr/bin/env bash
# `gridsplit flex` prices a product published in another currency in USD at the annual average
# rate of each hour's year, and keeps the original: the real example moved to 2021 earns Norway's
# 2020/21 mFRR capacity price (RKOM-B, 11.70 NOK/MW-h, weekdays 05:00-24:00 local) in mid-Norway,
# flex.csv says NOK in `currency` and USD in the money columns, and price_source names the rate.
# A user catalogue pricing the Quebec credit by the hour in CAD is converted the same way.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skip: no ../shared/data"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e 's/2023/2021/g' -e 's/2024-01-01/2022-01-01/' "$GS_SRC/examples/real/fleet.yaml" >"$tmp/fleet.yaml"
grep -q 'period: {from: 2021-01-01, to: 2022-01-01}' "$tmp/fleet.yaml"
"$GS_BIN" flex "$tmp/fleet.yaml" --out "$tmp/a" >/dev/null
python3 - "$tmp/a/flex.csv" <<'PY'
import csv, sys
rows = {(r["cluster"], r["product"]): r for r in csv.DictReader(open(sys.argv[1]))}
r = rows[("no-gb200", "NO-MFRR-UP")]
assert r["currency"] == "NOK", r["currency"]
rev, mwh = float(r["availability_usd"]), float(r["offered_mw_h"])
assert rev > 0 and mwh > 0, (rev, mwh)
usd = 11.70 * 1.1827 / 10.1633          # 2021: USD per EUR / NOK per EUR (ECB annual averages)
assert abs(rev - mwh * usd) <= 1e-6 * rev + 0.05, (rev, mwh * usd)
# weekdays 05:00-24:00 (UTC+1) of Jan 1 - Apr 18 2021: at most 77 days x 19 h of the cluster's MW
assert mwh <= 77 * 19 * 60, mwh
src = r["price_source"]
assert "2020-11-09..2021-04-18 NO3 11.7 NOK/MW-h" in src and "USD/NOK" in src and "2021" in src, src
assert "Statnett" in src
PY

# the Quebec campus with a user figure by the hour in CAD (a contract of the user's own)
cat >"$tmp/cad.yaml" <<'Y'
products:
  - id: HQ-INTERRUPTIBLE
    name: my Hydro-Quebec contract
    market: HQ
    zones: [HQ]
    kind: capacity
    direction: down
    availability_unit: CAD/MW-h
    eligible: {training: yes, inference: shift}
    sources: {rules: "my contract", payment: "my contract", eligibility: "my contract"}
    prices:
      - {period: "2021-01..2021-03", zone: HQ, value: 10, unit: CAD/MW-h, label: "contract availability price", source: "my contract"}
Y
"$GS_BIN" flex "$tmp/fleet.yaml" --catalog "$tmp/cad.yaml" --products HQ-INTERRUPTIBLE --out "$tmp/b" >/dev/null
python3 - "$tmp/b/flex.csv" <<'PY'
import csv, sys
rows = {(r["cluster"], r["product"]): r for r in csv.DictReader(open(sys.argv[1]))}
r = rows[("qc-b200", "HQ-INTERRUPTIBLE")]
assert r["currency"] == "CAD", r["currency"]
rev, mwh = float(r["availability_usd"]), float(r["offered_mw_h"])
assert rev > 0 and abs(rev - mwh * 10 / 1.2535) <= 1e-6 * rev + 0.05, (rev, mwh)   # Bank of Canada, 2021
PY
echo ok
