#!/usr/bin/env bash
# e2e.flex_progress (issue 8, 5): `gridsplit flex` draws the shared progress line
# (src/cli/progress.c) from the engine's callback (gs_flexsim_opts.progress): GS_PROGRESS=1
# forces it (stderr being a file here) and it ends at 100 %; GS_PROGRESS=0, or stderr not a
# terminal by default, shows none (logs stay clean). On the demo fleet (no outside data).
set -u
: "${GS_BIN:?}" "${GS_SRC:?}"
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_progress.XXXXXX")
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
P="--from 2024-06-01 --to 2024-07-01 --no-report"
fail=0
env GS_PROGRESS=1 "$GS_BIN" flex "$fleet" $P --out "$out/a" >/dev/null 2>"$out/a.err" || { echo "FAIL forced: exit $?" >&2; cat "$out/a.err" >&2; exit 1; }
tr '\r' '\n' <"$out/a.err" | grep -q '^flex \[#*  *\] *[0-9]*%' || { echo "FAIL forced: no progress line: $(head -c 300 "$out/a.err")" >&2; fail=1; }
tr '\r' '\n' <"$out/a.err" | grep -q '^flex \[####################\] 100%' || { echo "FAIL forced: the line does not end at 100 %" >&2; fail=1; }
# the percentages only grow
tr '\r' '\n' <"$out/a.err" | sed -n 's/^flex \[[# ]*\] *\([0-9]*\)%.*/\1/p' | awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 } END { exit bad }' \
    || { echo "FAIL forced: the percentage went back" >&2; fail=1; }
for mode in off not-a-tty; do
    if [ $mode = off ]; then env GS_PROGRESS=0 "$GS_BIN" flex "$fleet" $P --out "$out/$mode" >/dev/null 2>"$out/$mode.err"
    else env -u GS_PROGRESS "$GS_BIN" flex "$fleet" $P --out "$out/$mode" >/dev/null 2>"$out/$mode.err"; fi \
        || { echo "FAIL $mode: exit $?" >&2; fail=1; continue; }
    grep -q $'\r' "$out/$mode.err" && { echo "FAIL $mode: a progress line where none was wanted" >&2; fail=1; }
done
cmp -s "$out/a/flex.csv" "$out/off/flex.csv" || { echo "FAIL: the progress line changed the results" >&2; fail=1; }
exit $fail
