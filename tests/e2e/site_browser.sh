#!/usr/bin/env bash
# e2e.site_browser: the `gridsplit site` report opens offline in headless Chromium: no request
# leaves file://, no console error, the map shows land and markers, the tables are filled
# (tests/browser/site_check.mjs), for an inference run with --choose 4 and a training run.
# Skips (77) without node, chromium, playwright-core or $GS_SHARED/data, unless CI is set.
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
[ -d "$GS_SHARED/data/prices" ] || missing="$missing $GS_SHARED/data"
if [ -n "$missing" ]; then
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
        echo "site_browser: missing under CI: $missing" >&2; exit 1
    fi
    echo "site_browser: skipped, missing: $missing" >&2; exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_site_browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
ex="$GS_SRC/examples/sites/candidates.yaml"
"$GS_BIN" site "$ex" --class inference --out "$out/inf" --choose 4 >/dev/null 2>&1 || { echo "site_browser: inference run failed" >&2; exit 1; }
"$GS_BIN" site "$ex" --class training --out "$out/tr" >/dev/null 2>&1 || { echo "site_browser: training run failed" >&2; exit 1; }
rc=0
node "$GS_SRC/tests/browser/site_check.mjs" "$out/inf/report.html" "$GS_BUILD/site_browser_inference.png" || rc=1
node "$GS_SRC/tests/browser/site_check.mjs" "$out/tr/report.html" "$GS_BUILD/site_browser_training.png" || rc=1
exit $rc
