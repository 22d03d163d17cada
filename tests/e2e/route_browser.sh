#!/usr/bin/env bash
# e2e.route_browser: `gridsplit route` writes report.html, which opens offline in headless
# Chromium: no request leaves file://, no console error, the map shows land, flows and the flows
# moved by the Ashburn cap, the events / sites / regions tables are filled, the MW charts draw
# (with and without the cap) and the page reads at 1400 px (tests/browser/route_check.mjs), on
# the demo (a day) and on the real example (its year). Also: the report is byte-identical on a second run,
# --no-report writes none, and a fleet with hostile names (quotes, <script>, &) renders them as
# text. Skips (77) without node, chromium or web/node_modules/playwright-core, unless CI is set.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
: "${GS_BUILD:=$PWD}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM GS_SRC
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
[ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ] || missing="$missing web/node_modules/playwright-core"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "route_browser: missing under CI: $missing" >&2; exit 1
    fi
    echo "route_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_route_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
events="$GS_SRC/examples/events/ashburn_cap.json"
run() { # fleet outdir [options]
    local f=$1 d=$2; shift 2
    "$GS_BIN" route "$f" --out "$d" --from 2024-07-16 --to 2024-07-17 --events "$events" --quiet "$@"
}
run "$fleet" "$out/a" || { echo "route_browser: route failed" >&2; exit 1; }
[ -s "$out/a/report.html" ] || { echo "route_browser: no report.html" >&2; exit 1; }
ls "$out/a" | grep -q '\.tmp' && { echo "route_browser: temporary files left behind" >&2; exit 1; }
rc=0
node "$GS_SRC/tests/browser/route_check.mjs" "$out/a/report.html" "$GS_BUILD/route_browser.png" || rc=1

run "$fleet" "$out/b" --no-flows || { echo "route_browser: second run failed" >&2; exit 1; }
cmp -s "$out/a/report.html" "$out/b/report.html" || { echo "route_browser: report.html differs between runs" >&2; rc=1; }
run "$fleet" "$out/c" --no-report || { echo "route_browser: --no-report run failed" >&2; exit 1; }
[ -e "$out/c/report.html" ] && { echo "route_browser: --no-report still wrote report.html" >&2; rc=1; }
[ -s "$out/c/summary.json" ] || { echo "route_browser: --no-report lost summary.json" >&2; rc=1; }

# the real example over its year (2023 prices, the fleet's measured RTTs, the 2023 Ashburn cap):
# months of MW per site, an event chart from real routing
if [ -d "${GS_SHARED:-$GS_SRC/../shared}/data/prices" ]; then
    "$GS_BIN" route "$GS_SRC/examples/real/fleet.yaml" --out "$out/real" --no-flows --quiet \
        --events "$GS_SRC/examples/events/ashburn_cap_2023.json" || { echo "route_browser: real example failed" >&2; exit 1; }
    node "$GS_SRC/tests/browser/route_check.mjs" "$out/real/report.html" "$GS_BUILD/route_browser_real.png" || rc=1
elif [ -n "${CI:-}" ]; then
    echo "route_browser: no ../shared/data under CI" >&2; rc=1
fi

# hostile names: the fleet's and a site's name go through HTML and the JSON block as text
sed -e "s|^name: .*|name: 'demo \"fleet\" </script><script>alert(1)</script> \& ''co'' <b>x</b>'|" \
    -e "s|name: \"Frankfurt inference\"|name: 'Frankfurt </script><img src=x onerror=alert(2)> \& \"co\"'|" \
    "$fleet" > "$out/hostile.yaml"
run "$out/hostile.yaml" "$out/h" || { echo "route_browser: hostile-name run failed" >&2; exit 1; }
grep -q '<script>alert' "$out/h/report.html" && { echo "route_browser: a name reached the HTML unescaped" >&2; rc=1; }
node "$GS_SRC/tests/browser/route_check.mjs" "$out/h/report.html" "$GS_BUILD/route_browser_hostile.png" || rc=1
exit $rc
