#!/usr/bin/env bash
# e2e.report_browser: the HTML report opens offline in headless Chromium, every chart draws,
# zoom stays in sync, no request leaves file://, no console error, the summary has the energy
# cost, price and CO2 columns and no row for a class a site lacks, the clusters table and the
# policy and curtailments section draw, and it all fits a 1400 px wide window
# (tests/browser/report_check.mjs). Reports: `gridsplit simulate --policy flexible` on
# examples/demo/fleet.yaml with examples/events/reduce_by_site.json (a curtailment drawn); the
# real 2023 example under the flexible policy in August (prices acted on) where ../shared/data is
# there; and the unit-test helper's synthetic fleet (`test_report --write`: a year at 5 min,
# hostile names).
# Skips (77) when node, chromium or web/node_modules/playwright-core is missing, unless CI is set.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BUILD:=$PWD}"
: "${GS_BIN:=$GS_BUILD/gridsplit}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC

missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "report_browser: missing under CI: $missing" >&2
        exit 1
    fi
    echo "report_browser: skipped, missing: $missing" >&2
    exit 77
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/gs_report_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
report=""

fleet="$GS_SRC/examples/demo/fleet.yaml"
if [ -f "$fleet" ] && [ -x "$GS_BIN" ]; then
    # the period of the example event (a 40 MW cut at west-texas on 2024-01-20)
    from=${GS_REPORT_FROM:-2024-01-14}
    to=${GS_REPORT_TO:-2024-01-28}
    if "$GS_BIN" simulate "$fleet" --out "$out/sim" --from "$from" --to "$to" --policy flexible \
           --events "catalog,$GS_SRC/examples/events/reduce_by_site.json" >"$out/sim.log" 2>&1 &&
        [ -f "$out/sim/report.html" ]; then
        report="$out/sim/report.html"
        echo "report_browser: report from gridsplit simulate --policy flexible ($from .. $to)"
    else
        echo "report_browser: gridsplit simulate failed:" >&2
        tail -n 3 "$out/sim.log" >&2
        exit 1
    fi
fi
real=""
if [ -d "${GS_SHARED:-}/data/prices" ] && [ -x "$GS_BIN" ]; then
    # ERCOT's August 2023 price spikes: the planner pauses and caps west-texas
    if GS_SHARED=$GS_SHARED "$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/real" \
           --from 2023-08-01 --to 2023-09-15 --policy flexible --no-csv >"$out/real.log" 2>&1; then
        real="$out/real/report.html"
    else
        echo "report_browser: gridsplit simulate on the real example failed:" >&2
        tail -n 3 "$out/real.log" >&2
        exit 1
    fi
else
    echo "report_browser: no ${GS_SHARED:-GS_SHARED}/data: the real example's report is not checked" >&2
fi

helper="$GS_BUILD/test_report"
synthetic=""
if [ -x "$helper" ]; then
    # always also the synthetic fleet: a year at 5 min, site names full of markup to escape
    synthetic="$out/synthetic/report.html"
    mkdir -p "$out/synthetic"
    "$helper" --write "$synthetic" --days 366 --step 300 --sites 3 || exit 1
fi
if [ -z "$report" ] && [ -z "$synthetic" ]; then
    echo "report_browser: no report: neither gridsplit simulate nor $helper works" >&2
    exit 1
fi

shot=${GS_REPORT_SCREENSHOT:-$GS_BUILD/report_browser.png}
rc=0
if [ -n "$report" ]; then
    GS_REPORT_CURTAILMENTS=1 node "$GS_SRC/tests/browser/report_check.mjs" "$report" "$shot" || rc=1
fi
if [ -n "$real" ]; then
    echo "report_browser: the real example under the flexible policy (2023-08-01 .. 2023-09-15)"
    GS_REPORT_CURTAILMENTS=1 node "$GS_SRC/tests/browser/report_check.mjs" "$real" "${shot%.png}_real.png" || rc=1
fi
if [ -n "$synthetic" ]; then
    echo "report_browser: synthetic report (3 sites, a year at 5 min)"
    node "$GS_SRC/tests/browser/report_check.mjs" "$synthetic" "${shot%.png}_synthetic.png" || rc=1
fi
exit $rc
