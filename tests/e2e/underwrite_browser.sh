#!/usr/bin/env bash
# e2e.underwrite_browser: the `gridsplit underwrite` report opens offline in headless Chromium
# 1400 px wide and draws every chart and table (tests/browser/underwrite_check.mjs): the campus
# example (one site with both classes: the contract comparison), the same with its inference
# hall leased (the lease's terms in the NPV table) and, with ../shared/data, the
# worked example on 2020-2024 prices (five price-year scenarios, time to power with the zones'
# headroom, flexibility revenue from the flex engine per price year) and its variant with
# Ashburn paid per request (demand against what the capacity serves); screenshots in $GS_BUILD/underwrite_browser*.png. Skips (77) without node,
# chromium or playwright-core, unless CI.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
: "${GS_BUILD:=$PWD}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC GS_SHARED
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "underwrite_browser: missing under CI: $missing" >&2; exit 1
    fi
    echo "underwrite_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
run() { # name deal
    if ! "$GS_BIN" underwrite "$2" --out "$out/$1" >"$out/$1.log" 2>&1; then
        echo "underwrite_browser: gridsplit underwrite $2 failed:" >&2
        cat "$out/$1.log" >&2
        exit 1
    fi
    [ -s "$out/$1/report.html" ] || { echo "underwrite_browser: no report.html in $out/$1" >&2; exit 1; }
    node "$GS_SRC/tests/browser/underwrite_check.mjs" "$out/$1/report.html" "$GS_BUILD/underwrite_browser$3.png" || exit 1
}
run campus "$GS_SRC/examples/underwrite/campus-deal.yaml" ""
run colocation "$GS_SRC/examples/underwrite/deal-colocation.yaml" "-colocation"
if [ -d "$GS_SHARED/data/prices/US-TEX-ERCO" ]; then
    run real "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" "-2020-2024"
    run requests "$GS_SRC/examples/underwrite/deal-2020-2024-requests.yaml" "-requests"
elif [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
    echo "underwrite_browser: $GS_SHARED/data missing under CI" >&2; exit 1
else
    echo "underwrite_browser: the 2020-2024 example skipped: no $GS_SHARED/data"
fi
