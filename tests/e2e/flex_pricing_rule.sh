#!/usr/bin/env bash
# e2e.flex_pricing_rule: one rule for a zone's energy price in `flex` and `simulate` (docs/flex.md,
# "One rule for a zone's energy price"): a zone is priced only from the price series the fleet
# names for it. On the demo fleet (no outside data) neither command prices a zone, and flex's
# results are the same whether ../shared is there or not (GS_SHARED=/nonexistent); with a price
# file for ERCOT added to the demo, both price ERCOT and only ERCOT, and flex's real-time energy
# product is paid from that file; on the real example (when ../shared is there) both price the
# same zones. A catalogue series that should be read but is missing is said: "not found: PATH".
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
BIN=$GS_BIN
SHARED=${GS_SHARED:-$GS_SRC/../shared}
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_price.XXXXXX")
trap 'rm -rf "$out"' EXIT
fail=0
P="--from 2024-06-01 --to 2024-07-01"

# agree DIR_FLEX DIR_SIM WHAT: the zones flex prices (hours > 0 in zone_hours_priced) are the
# zones whose sites simulate prices (price_coverage > 0), for every zone a zone-priced product
# covers; prints the priced zones
agree() {
    python3 - "$1/summary.json" "$2/summary.json" "$3" <<'PY'
import json, sys
fl, sm, what = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
sim = {}
for s in sm['sites']:
    cov = s.get('price_coverage')
    sim[s['zone']] = sim.get(s['zone'], False) or (cov is not None and cov > 0)
flex, bad = {}, []
for p in fl['products']:
    for z, h in p.get('zone_hours_priced', {}).items():
        flex[z] = flex.get(z, False) or h > 0
        if (h > 0) != sim.get(z, False):
            bad.append(f"{p['id']} in zone {z}: flex {h} hours priced, simulate {'priced' if sim.get(z) else 'unpriced'}")
if not flex:
    bad.append('no zone-priced product in the flex run')
for b in bad:
    print(f'FAIL {what}: {b}', file=sys.stderr)
print(','.join(sorted(z for z, v in flex.items() if v)) or '-')
sys.exit(1 if bad else 0)
PY
}

# 1. the demo: nothing priced in either; the same with and without ../shared
GS_SHARED=$SHARED "$BIN" flex "$GS_SRC/examples/demo/fleet.yaml" $P --out "$out/f1" --no-report >/dev/null 2>"$out/f1.err" \
    || { echo "FAIL demo flex run" >&2; cat "$out/f1.err" >&2; exit 1; }
GS_SHARED=/nonexistent "$BIN" flex "$GS_SRC/examples/demo/fleet.yaml" $P --out "$out/f2" --no-report >/dev/null 2>"$out/f2.err" \
    || { echo "FAIL demo flex run without ../shared" >&2; cat "$out/f2.err" >&2; exit 1; }
GS_SHARED=$SHARED "$BIN" simulate "$GS_SRC/examples/demo/fleet.yaml" $P --out "$out/s1" --no-csv --no-report --quiet \
    || { echo "FAIL demo simulate run" >&2; exit 1; }
z=$(agree "$out/f1" "$out/s1" demo) || fail=1
[ "$z" = "-" ] || { echo "FAIL demo: zones priced: $z (the demo names no price)" >&2; fail=1; }
cmp -s "$out/f1/flex.csv" "$out/f2/flex.csv" || { echo "FAIL demo: flex.csv differs with GS_SHARED=/nonexistent" >&2; diff "$out/f1/flex.csv" "$out/f2/flex.csv" | head >&2; fail=1; }
grep -q 'ERCOT-RT-ENERGY.*no price: the fleet names no price series for zone ERCOT' "$out/f1/flex.csv" \
    || { echo "FAIL demo: ERCOT-RT-ENERGY's reason" >&2; grep ERCOT-RT "$out/f1/flex.csv" >&2; fail=1; }
grep -qi 'warning' "$out/f2.err" && { echo "FAIL demo: warnings without ../shared (nothing outside is read):" >&2; cat "$out/f2.err" >&2; fail=1; }

# 2. the demo with an hourly price file for ERCOT: both price ERCOT and only ERCOT; flex pays the
# spike hours of that file
python3 - "$out/ercot.csv" <<'PY'
import sys, datetime as dt
t = dt.datetime(2024, 5, 31)
with open(sys.argv[1], 'w') as f:
    f.write('time,price\n')
    for h in range(24 * 32):
        x = t + dt.timedelta(hours=h)
        spike = x.day in (10, 20) and 19 <= x.hour <= 22
        f.write(f"{x:%Y-%m-%dT%H:%M}Z,{3000 if spike else 30}\n")
PY
sed -e "s|^  - id: ERCOT$|  - id: ERCOT\n    price: {path: \"$out/ercot.csv\", format: csv, column: price}|" \
    "$GS_SRC/examples/demo/fleet.yaml" >"$out/fleet.yaml"
grep -q 'ercot.csv' "$out/fleet.yaml" || { echo "FAIL: could not add the price to the fleet" >&2; exit 1; }
GS_SHARED=/nonexistent "$BIN" flex "$out/fleet.yaml" $P --out "$out/f3" --no-report >/dev/null 2>"$out/f3.err" \
    || { echo "FAIL priced flex run" >&2; cat "$out/f3.err" >&2; exit 1; }
GS_SHARED=/nonexistent "$BIN" simulate "$out/fleet.yaml" $P --out "$out/s3" --no-csv --no-report --quiet \
    || { echo "FAIL priced simulate run" >&2; exit 1; }
z=$(agree "$out/f3" "$out/s3" "demo + ERCOT price") || fail=1
[ "$z" = "ERCOT" ] || { echo "FAIL demo + ERCOT price: zones priced: $z, expected ERCOT" >&2; fail=1; }
python3 - "$out/f3" <<'PY' || fail=1
import csv, sys
rows = {(r['cluster'], r['product']): r for r in csv.DictReader(open(f'{sys.argv[1]}/flex.csv'))}
r = rows[('wt-h100', 'ERCOT-RT-ENERGY')]
ok = "the fleet's price of zone ERCOT" in r['price_source'] and '720 of 720 hours' in r['price_source']
ok = ok and float(r['energy_usd']) > 0 and int(r['events']) >= 1
if not ok:
    print('FAIL demo + ERCOT price: ERCOT-RT-ENERGY not paid from the fleet file:', dict(r), file=sys.stderr)
sys.exit(0 if ok else 1)
PY

# 3. a catalogue series the period needs but cannot find: said, with the path
GS_SHARED=/nonexistent "$BIN" flex "$GS_SRC/examples/demo/fleet.yaml" --from 2016-06-01 --to 2016-06-08 \
    --out "$out/f4" --no-report >/dev/null 2>"$out/f4.err" || { echo "FAIL 2016 flex run" >&2; cat "$out/f4.err" >&2; exit 1; }
grep -q 'warning: ERCOT-RRS: not found: /nonexistent/data/ercot/dam_as_mcpc/' "$out/f4.err" \
    || { echo "FAIL: no 'not found' warning for the 2015-2016 series:" >&2; cat "$out/f4.err" >&2; fail=1; }
grep -q 'ERCOT-RRS.*not found: /nonexistent/data/ercot' "$out/f4/flex.csv" \
    || { echo "FAIL: the RRS exclusion does not say the series was not found" >&2; grep RRS "$out/f4/flex.csv" >&2; fail=1; }
jq -e '[.warnings[] | select(test("not found: /nonexistent"))] | length >= 1' "$out/f4/summary.json" >/dev/null \
    || { echo "FAIL: summary.json warnings lack 'not found'" >&2; fail=1; }

# 4. the real example: the same zones priced in both
if [ -d "$SHARED/data/prices/US-TEX-ERCO/2023" ]; then
    GS_SHARED=$SHARED "$BIN" flex "$GS_SRC/examples/real/fleet.yaml" --from 2023-07-01 --to 2023-08-01 --out "$out/f5" --no-report >/dev/null \
        || { echo "FAIL real flex run" >&2; exit 1; }
    GS_SHARED=$SHARED "$BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --from 2023-07-01 --to 2023-08-01 --out "$out/s5" --no-csv --no-report --quiet \
        || { echo "FAIL real simulate run" >&2; exit 1; }
    z=$(agree "$out/f5" "$out/s5" real) || fail=1
    case ",$z," in *,ERCOT,*) ;; *) echo "FAIL real: ERCOT not priced ($z)" >&2; fail=1 ;; esac
else
    echo "flex_pricing_rule: real example not checked: no $SHARED/data" >&2
fi
exit $fail
