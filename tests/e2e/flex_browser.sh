#!/usr/bin/env bash
# e2e.flex_browser: the `gridsplit flex` reports of both examples open offline in headless
# Chromium 1400 px wide (tests/browser/flex_check.mjs): no request leaves file://, no console
# error, the revenue stack, the curtailment timeline and the must-run comparison are drawn with
# y ticks at round values, the tables are filled and fit the window (no cut column, no id over
# four lines). The demo (no outside data, with an events file that makes warnings) always; the
# 2023 real-data backtest when $GS_SHARED/data is there. Skips (77) without node, chromium or
# playwright-core, unless CI; under CI the real example is required too.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
: "${GS_BUILD:=$PWD}"
BIN=$GS_BIN
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC GS_SHARED
ci() { [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; }
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
if [ -n "$missing" ]; then
    if ci; then echo "flex_browser: missing under CI: $missing" >&2; exit 1; fi
    echo "flex_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
fail=0

# the demo: a summer month, with an event outside the period and an inference cap (warnings)
cat >"$out/ev.json" <<'J'
{"events": [
 {"id": "ashburn-cap", "type": "reduce_to", "site": "ashburn", "class": "inference", "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 15},
 {"id": "last-year", "type": "reduce_by", "zone": "ERCOT", "start": "2023-07-16T19:00Z", "duration": "2h", "mw": 10}]}
J
if "$BIN" flex "$GS_SRC/examples/demo/fleet.yaml" --out "$out/demo" --from 2024-06-01 --to 2024-09-01 \
        --events "catalog,$out/ev.json" --price ERCOT-4CP=50 >/dev/null 2>"$out/demo.err"; then
    node "$GS_SRC/tests/browser/flex_check.mjs" "$out/demo/report.html" "$GS_BUILD/flex_browser_demo.png" || fail=1
else
    echo "flex_browser: demo run failed" >&2; cat "$out/demo.err" >&2; fail=1
fi

if [ -d "$GS_SHARED/data/prices" ]; then
    if "$BIN" flex "$GS_SRC/examples/real/fleet.yaml" --out "$out/real" --price ERCOT-4CP=50 >/dev/null 2>"$out/real.err"; then
        node "$GS_SRC/tests/browser/flex_check.mjs" "$out/real/report.html" "$GS_BUILD/flex_browser.png" || fail=1
    else
        echo "flex_browser: real run failed" >&2; cat "$out/real.err" >&2; fail=1
    fi
elif ci; then
    echo "flex_browser: missing under CI: $GS_SHARED/data" >&2; fail=1
else
    echo "flex_browser: real example not checked: no $GS_SHARED/data (the demo was)" >&2
fi
exit $fail
