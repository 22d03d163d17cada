#!/usr/bin/env bash
# e2e.flex_real_2023: `gridsplit flex examples/real/fleet.yaml` over 2023 on the real series and
# the catalogue's events pins the backtest of docs/backtest-2023.md: ECRS earns at the published
# 2023 average from its opening (10 June), never before; the real-time price curtails west-texas
# on a few summer evenings and pays more than it costs; no tier is broken; the 2015-2016 ERCOT
# ancillary series are excluded for 2023, not priced; 4CP needs a rate and with one avoids
# charges; must-run earns nothing. Skips (77) without $GS_SHARED/data.
#
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
BIN=$GS_BIN
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED
[ -d "$GS_SHARED/data/prices/US-TEX-ERCO/2023" ] || { echo "flex_real_2023: skipped, no $GS_SHARED/data" >&2; exit 77; }
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_real.XXXXXX")
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/real/fleet.yaml"
"$BIN" flex "$fleet" --out "$out/flex" --no-report >/dev/null || { echo "flexible run failed" >&2; exit 1; }
"$BIN" flex "$fleet" --out "$out/4cp" --price ERCOT-4CP=50 --no-report >/dev/null || { echo "4CP run failed" >&2; exit 1; }
"$BIN" flex "$fleet" --out "$out/mr" --policy must-run --no-report >/dev/null || { echo "must-run failed" >&2; exit 1; }
for f in flex.csv jobs.csv events.csv summary.json; do
    [ -s "$out/flex/$f" ] || { echo "missing $f" >&2; exit 1; }
done
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
fail = []
def check(ok, msg):
    if not ok: fail.append(msg)
rows = {(r['cluster'], r['product']): r for r in csv.DictReader(open(f'{out}/flex/flex.csv'))}
s = json.load(open(f'{out}/flex/summary.json'))
ecrs = rows[('wt-h100', 'ERCOT-ECRS')]
# ECRS priced 2023-06-10 .. 2024-01-01 only: 3,859 hours of the year unpriced (155 days + 5 h)
check(3700 <= float(ecrs['excluded_price_h']) <= 3900, f"ECRS excluded hours {ecrs['excluded_price_h']}")
av = float(ecrs['availability_usd']); mwh = float(ecrs['offered_mw_h'])
check(abs(av - 76.77 * mwh) < 1, f"ECRS availability {av} != 76.77 x {mwh}")
check(2e7 < av < 8e7, f"ECRS availability {av} out of range")
rt = rows[('wt-h100', 'ERCOT-RT-ENERGY')]
check(float(rt['energy_usd']) > float(rt['curtailment_cost_usd']) > 0, "RT energy must pay more than it costs")
check(5 <= int(rt['events']) <= 30, f"RT events {rt['events']}")
check(1000 < float(rt['mwh_shed']) < 20000, f"RT MWh shed {rt['mwh_shed']}")
for p in ('ERCOT-RRS', 'ERCOT-NSPIN', 'ERCOT-REGUP-CLR', 'ERCOT-REGDN-CLR'):
    check(float(rows[('wt-h100', p)]['revenue_usd']) == 0, f"{p} must be excluded for 2023")
    check(any(x['product'] == p and '2015-2016' in x['why'] for x in s['excluded']), f"{p} exclusion not reported")
check(any(x['product'] == 'ERCOT-4CP' and 'rate' in x['why'] for x in s['excluded']), "4CP without a rate not reported")
check(s['jobs']['tiers_broken'] == 0, "a tier was broken")
check(s['totals']['net_usd'] > 0, "flexible net must be positive")
mb = {r['cluster']: r for r in s['mistakes']['training_must_run']['rows']}
check(mb['wt-h100']['left_on_table_usd'] > 0, "must-run must leave money on the table in ERCOT")
check(mb['ia-h200']['left_on_table_usd'] > 0, "must-run must leave MISO capacity on the table in Iowa")
check(float(rows[('ia-h200', 'MISO-LMR')]['revenue_usd']) > 0, "Iowa earns MISO capacity (LRZ3)")
check(all(abs(r['left_on_table_usd']) < 1e-6 for c, r in mb.items() if c not in ('wt-h100', 'ia-h200')),
      "only ERCOT and MISO pay in 2023 (no priced product in HQ or NO3 yet: docs/markets.md)")
ma = s['mistakes']['inference_offered_like_training']['rows']
check(any(r['cluster'] == 'ash-h100' and r['refused_because'] for r in ma), "mistake (a) must list ash-h100 with the refusal")
eea = [e for e in s['events'] if e['id'] == 'ERCOT-EEA2-2023-09-06']
check(len(eea) == 1, "the EEA of 2023-09-06 must be in the events")
r4 = {(r['cluster'], r['product']): r for r in csv.DictReader(open(f'{out}/4cp/flex.csv'))}[('wt-h100', 'ERCOT-4CP')]
check(float(r4['avoided_usd']) > float(r4['curtailment_cost_usd']) > 0, "4CP at 50 USD/kW-year must pay")
check(1 <= int(r4['events']) <= 4, f"4CP events {r4['events']}")
mr = json.load(open(f'{out}/mr/summary.json'))
check(mr['totals']['revenue_usd'] == 0 and mr['totals']['mwh_shed'] == 0, "must-run must earn and shed nothing")
for m in fail: print('FAIL:', m, file=sys.stderr)
sys.exit(1 if fail else 0)
PY
