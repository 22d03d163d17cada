#!/usr/bin/env bash
# e2e.flex_browser: the `gridsplit flex` report of the 2023 real-data backtest opens offline in
# headless Chromium: no request leaves file://, no console error, the revenue stack, the
# curtailment timeline and the must-run comparison are drawn, the tables are filled
# (tests/browser/flex_check.mjs). Skips (77) without node, chromium, playwright-core,
# $GS_SHARED/data, unless CI.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
: "${GS_BUILD:=$PWD}"
BIN=$GS_BIN
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC GS_SHARED
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
[ -d "$GS_SHARED/data/prices" ] || missing="$missing $GS_SHARED/data"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "flex_browser: missing under CI: $missing" >&2; exit 1
    fi
    echo "flex_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$BIN" flex "$GS_SRC/examples/real/fleet.yaml" --out "$out/f" --price ERCOT-4CP=50 >/dev/null || { echo "flex_browser: run failed" >&2; exit 1; }
node "$GS_SRC/tests/browser/flex_check.mjs" "$out/f/report.html" "$GS_BUILD/flex_browser.png"
