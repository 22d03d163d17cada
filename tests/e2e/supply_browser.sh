#!/usr/bin/env bash
# e2e.supply_browser: the `gridsplit supply` report of CarbonExplorer's ERCOT 2021 case opens
# offline in headless Chromium 1400 px wide: no request leaves file://, no console error, the
# title and data escaped, the KPIs filled, supply against load and the battery's state of charge
# drawn, the coverage bars give every method's figure, the methods table and the warnings are
# filled, nothing is wider than the window, the method selectors, the shared zoom and the
# coverage axis work (tests/browser/supply_check.mjs); screenshot in $GS_BUILD/supply_browser.png.
# Skips (77) without node, chromium, playwright-core or $GS_SHARED/data/genmix, unless CI.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
: "${GS_BUILD:=$PWD}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC GS_SHARED
case_csv="$GS_SHARED/data/genmix/inputs_ERCO_2021-01-01_2021-12-31.csv"
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
[ -f "$case_csv" ] || missing="$missing $case_csv"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "supply_browser: missing under CI: $missing" >&2; exit 1
    fi
    echo "supply_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_supply_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
if ! "$GS_BIN" supply --case "$case_csv" --out "$out/s" >"$out/log" 2>&1; then
    echo "supply_browser: gridsplit supply failed:" >&2
    cat "$out/log" >&2
    exit 1
fi
[ -s "$out/s/report.html" ] || { echo "supply_browser: no report.html in $out/s" >&2; exit 1; }
node "$GS_SRC/tests/browser/supply_check.mjs" "$out/s/report.html" "$GS_BUILD/supply_browser.png"
