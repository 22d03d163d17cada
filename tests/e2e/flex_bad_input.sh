#!/usr/bin/env bash
# e2e.flex_bad_input: `gridsplit flex` refuses bad input with a clear message and exit 2: a
# product the fleet's classes cannot offer, an unknown product, a listed product with no price
# in the period (a price gap over every offered hour), overlapping events, a period that is not
# whole hours, a bad --price. Nothing is left in --out. Runs on the demo fleet (no outside data).
# (Events outside the period or on a load their scope does not run: flex_events_check.sh.)
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
BIN=$GS_BIN
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_bad.XXXXXX")
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
fail=0
expect() { # expect NAME PATTERN -- ARGS...
    local name=$1 pat=$2; shift 3
    "$BIN" flex "$@" >"$out/stdout" 2>"$out/stderr"; local rc=$?
    if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, want 2" >&2; cat "$out/stderr" >&2; fail=1; return; fi
    if ! grep -qE -e "$pat" "$out/stderr"; then echo "FAIL $name: message does not match /$pat/:" >&2; cat "$out/stderr" >&2; fail=1; fi
    if [ -e "$out/o/flex.csv" ]; then echo "FAIL $name: left output behind" >&2; fail=1; fi
}
P="--from 2024-06-01 --to 2024-07-01 --out $out/o --no-report"
expect inference_only 'PJM-SYNC-RESERVE cannot be offered by this fleet: the only clusters in its zones are inference' -- "$fleet" $P --products PJM-SYNC-RESERVE
expect unknown 'unknown product .ERCOT-NOPE.' -- "$fleet" $P --products ERCOT-NOPE
expect no_price 'ERCOT-RRS: no price in the period: its series covers 2015-2016' -- "$fleet" $P --products ERCOT-RRS
expect bad_price '--price: expected PRODUCT=VALUE' -- "$fleet" $P --price ERCOT-ECRS
expect price_not_in_run 'not among the products of this run' -- "$fleet" $P --products ERCOT-ECRS --price DE-FCR=3
expect bad_policy '--policy: expected flexible or must-run' -- "$fleet" $P --policy greedy
expect half_hour '^gridsplit flex: --from: expected a time on the 1h grid' -- "$fleet" --from 2024-06-01T00:30 --to 2024-07-01 --out "$out/o"
cat >"$out/overlap.json" <<'J'
{"events": [
 {"id": "a", "type": "reduce_by", "zone": "ERCOT", "start": "2024-06-10T19:00Z", "duration": "2h", "mw": 10},
 {"id": "b", "type": "reduce_by", "site": "west-texas", "start": "2024-06-10T20:00Z", "duration": "2h", "mw": 10}]}
J
expect overlap 'overlap' -- "$fleet" $P --events "$out/overlap.json"
exit $fail
