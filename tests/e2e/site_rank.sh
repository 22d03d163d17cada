#!/usr/bin/env bash
# e2e.site_rank: `gridsplit site` on examples/sites/candidates.yaml with the real 2023 price,
# carbon and EIA-930 data: training and inference rankings with every component in scores.csv,
# a --choose 4 placement with K-1 and K+1, byte-identical outputs on a second run.
# Skips (77) when $GS_SHARED/data is absent.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED
[ -d "$GS_SHARED/data/prices" ] || { echo "site_rank: skipped, no $GS_SHARED/data" >&2; exit 77; }
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_site_rank.XXXXXX")
trap 'rm -rf "$out"' EXIT
ex="$GS_SRC/examples/sites/candidates.yaml"
fail() { echo "site_rank: FAIL: $*" >&2; exit 1; }

"$GS_BIN" site "$ex" --class training --out "$out/tr" >"$out/tr.txt" || fail "training run"
for f in scores.csv scores.json report.html; do [ -s "$out/tr/$f" ] || fail "no $f"; done
ls "$out/tr" | grep -q tmp && fail "temporary file left behind"
head -1 "$out/tr/scores.csv" | grep -q 'energy_cost_usd_per_mwh,energy_cost_norm,energy_cost_weight,energy_cost_contribution' ||
    fail "training header lacks the energy-cost component columns"
for c in headroom_mw years_to_power_years carbon_g_per_kwh density_kw_per_rack; do
    head -1 "$out/tr/scores.csv" | grep -q "$c" || fail "training header lacks $c"
done
[ "$(($(wc -l <"$out/tr/scores.csv") - 1))" -eq 18 ] || fail "expected 18 training rows"
# the training leader is a cheap, large, interruptible site
top=$(sed -n 2p "$out/tr/scores.csv" | cut -d, -f2)
case "$top" in abilene|des-moines|trondheim|beauharnois) ;; *) fail "training leader is $top";; esac
# ERCOT's headroom comes from EIA-930 and its prices from the real series: not assumed
grep -q '"zone": "ERCOT"' "$out/tr/scores.json" || fail "no ERCOT in json"

"$GS_BIN" site "$ex" --class inference --out "$out/inf" --choose 4 >"$out/inf.txt" 2>"$out/inf.err" || fail "inference run"
for c in reach_share rtt_ms grid_mw density_kw_per_rack; do
    head -1 "$out/inf/scores.csv" | grep -q "$c" || fail "inference header lacks $c"
done
grep -c '"k": ' "$out/inf/scores.json" | grep -q '^4$' || fail "expected runs for K = 3, 4, 5"
[ "$(tail -n +2 "$out/inf/scores.csv" | awk -F, '$NF == 1' | wc -l)" -eq 4 ] || fail "expected 4 chosen sites"
grep -q '^choose 4: coverage' "$out/inf.txt" || fail "no coverage line for K = 4"
# coverage does not fall as K grows
cov=$(grep -o '"coverage_share": [0-9.]*' "$out/inf/scores.json" | awk '{print $2}' | tr '\n' ' ')
set -- $cov
awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { exit !(a <= b + 1e-9 && b <= c + 1e-9) }' || fail "coverage not monotone: $cov"

"$GS_BIN" site "$ex" --class inference --out "$out/inf2" --choose 4 >/dev/null 2>&1 || fail "second run"
for f in scores.csv scores.json report.html; do
    cmp -s "$out/inf/$f" "$out/inf2/$f" || fail "$f differs between two runs"
done
echo "site_rank: ok ($(sed -n 2p "$out/tr/scores.csv" | cut -d, -f2) leads training, $(sed -n 2p "$out/inf/scores.csv" | cut -d, -f2) leads inference)"
