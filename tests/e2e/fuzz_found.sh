#!/usr/bin/env bash
# e2e: every input found by fuzzing the parsers (issue 7; tests/fuzz/, copied from
# ../shared/fuzz-found, whose README lists them) gives exit 2 and a message naming the file and
# the limit, in bounded time and memory: each run under `timeout 20` and, unless the binary is
# built with AddressSanitizer (which reserves terabytes of virtual memory), `ulimit -v` 2 GB.
# The series path: a span of 2,690 years, an nvidia-smi log over ten years at 4 s, a 1.3 KB
# file asking for 34 M steps, years 0000 and 9999 in four rows (all beyond GS_SERIES_MAX_STEPS,
# refused before allocating); 1e308 is out of range, values at the range's edge give finite
# outputs (exit 0, no inf); 17 fractional digits of a second; denormals, a byte order mark, a
# NUL byte, hex floats, inf and NaN in CSV cells; the market catalogue from /dev/zero and from
# an endless pipe; and `series --out F` killed by SIGTERM leaves neither F nor F.tmp.PID. Event
# files other engineers add to tests/fuzz (event_*.json) are run too when present: exit 2,
# bounded. Needs no shared data.
set -u
: "${GS_BIN:?GS_BIN must point at the gridsplit binary}"
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
FUZZ="$SRC/tests/fuzz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

asan=0
if [ -n "${GS_ASAN:-}" ] || nm "$GS_BIN" 2>/dev/null | grep -q __asan_init; then
    asan=1
    echo "note: AddressSanitizer build: no ulimit -v (ASan reserves a large virtual space); timeout 20 s still applies"
fi

# run NAME WANT_RC -- ARGS...: the binary under the limits; stdout in $tmp/out, stderr in $tmp/err
run() {
    local name=$1 want=$2
    shift 3
    (
        [ $asan = 1 ] || ulimit -v 2097152
        exec timeout 20 "$GS_BIN" "$@"
    ) >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc = 124 ]; then
        echo "FAIL $name: over 20 s"
        fail=1
        return 1
    fi
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, want $want: $(head -c 600 "$tmp/err")"
        fail=1
        return 1
    fi
    return 0
}
# has NAME TEXT...: stderr holds each TEXT (fixed strings)
has() {
    local name=$1
    shift
    for w in "$@"; do
        if ! grep -qF -- "$w" "$tmp/err"; then
            echo "FAIL $name: message lacks '$w': $(head -c 600 "$tmp/err")"
            fail=1
            return 1
        fi
    done
    echo "ok $name: $(head -1 "$tmp/err")"
}
limit="the limit is 10000000 (GS_SERIES_MAX_STEPS): narrow the period (--from/--to) or choose a larger step (--step)"

# ---- the series path: one bound on the number of steps, checked before allocating ----------
f="$FUZZ/csv_two_rows_2690y.csv"
run two_rows_2690y 2 -- series "$f" --step 1h --out "$tmp/x.csv" &&
    has two_rows_2690y "gridsplit series: $f: field 'step': the period 2015-07-03T14:00:00Z to 7395-07-02T12:00:00Z at a step of 3600 s needs 47160094 steps; $limit"
if [ -e "$tmp/x.csv" ] || ls "$tmp"/x.csv.tmp.* >/dev/null 2>&1; then echo "FAIL two_rows_2690y: output left behind"; fail=1; fi
run two_rows_2690y_15min_interp 2 -- series "$f" --step 15min --method interp --fill hold &&
    has two_rows_2690y_15min_interp "$f: field 'step':" "at a step of 900 s needs 188640376 steps; $limit"

f="$FUZZ/nvsmi_span_1000y.csv"
run nvsmi_span 2 -- series --tz America/Chicago "$f" &&
    has nvsmi_span "gridsplit series: $f: field 'step': the period 2015-07-03T15:00:00Z to 2025-07-27T05:22:32Z at a step of 4 s needs 79414538 steps; $limit"

f="$FUZZ/csv_alloc_2gb.csv"
run alloc_2gb_auto 2 -- series "$f" &&
    has alloc_2gb_auto "gridsplit series: $f:16:47: field 'cleaned demand (MW)': expected a number, found 'forecast dem6'"
run alloc_2gb_raw 2 -- series "$f" --column raw &&
    has alloc_2gb_raw "gridsplit series: $f: field 'step': the period 2015-07-02T00:00:00Z to 5893-07-02T17:00:00Z at a step of 3600 s needs 33993881 steps; $limit"
run alloc_2gb_headroom 2 -- headroom --csv "$f" --column "raw demand (MW)" &&
    has alloc_2gb_headroom "gridsplit headroom: $f: the demand's hours 2015-07-02T00:00:00Z to 5893-07-02T16:00:00Z are 33993881 hourly steps; the limit is 10000000 (GS_SERIES_MAX_STEPS): narrow the period (--from/--to)"

printf 'time,mw\n0000-01-01T00:00Z,1\n0000-01-01T01:00Z,2\n9999-12-31T22:00Z,3\n9999-12-31T23:00Z,4\n' >"$tmp/years.csv"
run years_0000_9999 2 -- series "$tmp/years.csv" &&
    has years_0000_9999 "gridsplit series: $tmp/years.csv: field 'step': the period 0000-01-01T00:00:00Z to 253402300800 UTC seconds at a step of 3600 s needs 87658200 steps; $limit"

# ---- values beyond their range are refused; values at the range's edge give finite outputs ----
# csv_mean_overflow.csv holds 1e308 MW: refused at its cell (import-formats.md, "Ranges"), where
# it once gave means near 1.8e308 and, used as a price, an energy cost of inf
f="$FUZZ/csv_mean_overflow.csv"
run mean_overflow 2 -- series "$f" &&
    has mean_overflow "gridsplit series: $f:2:19: field 'mw': value '1e308' is out of range: expected |v| <= 1e15 for a value"
printf 'time,mw\n2024-01-01T00:00Z,1e15\n2024-01-01T00:30Z,1e15\n2024-01-01T01:00Z,1e15\n2024-01-01T02:00Z,-1e15\n' >"$tmp/edge.csv"
for args in "" "--step 1h" "--step 2h" "--step 10min --method interp --fill interp" "--step 10min --method hold --fill zero" "--scale -1"; do
    # shellcheck disable=SC2086
    if run "edge $args" 0 -- series "$tmp/edge.csv" $args; then
        if grep -qiE 'inf|nan' "$tmp/out"; then echo "FAIL edge $args: $(tr '\n' ' ' < "$tmp/out")"; fail=1; else echo "ok edge $args: no inf or nan"; fi
    fi
done
run edge_scaled 2 -- series "$tmp/edge.csv" --scale 1.5 &&
    has edge_scaled "field 'mw': value '1e15' is out of range once scaled by 1.5 (1.5e+15): expected |v| <= 1e15 for a value"

# ---- 17 fractional digits of a second (the fraction rounded to exactly 1.0) -------------------
stamp=$(cat "$FUZZ/nvsmi_time_frac.txt")
printf 'timestamp, power.draw [W]\n%s, 70.00 W\n' "$stamp" >"$tmp/frac.csv"
run time_frac 2 -- series "$tmp/frac.csv" &&
    has time_frac "gridsplit series: $tmp/frac.csv:2:1: field 'timestamp': expected an ISO 8601 time such as 2024-01-01T00:00:00Z: at most 9 fractional digits of a second (nanoseconds), found '$stamp'"
printf 'time,mw\n2024-01-01T00:00Z,1\n' >"$tmp/one.csv"
run time_frac_option 2 -- series "$tmp/one.csv" --from "$stamp" &&
    has time_frac_option "at most 9 fractional digits of a second (nanoseconds)"

# ---- the smaller ones: what a number is in a CSV cell, NUL bytes, byte order marks -----------
printf 'time,mw\n2024-01-01T00:00Z,4.9e-324\n2024-01-01T01:00Z,1\n' >"$tmp/denormal.csv"
if run denormal 0 -- series "$tmp/denormal.csv"; then
    if grep -qF "2024-01-01T00:00:00Z,4.940656458e-324" "$tmp/out"; then echo "ok denormal: read as a number"; else echo "FAIL denormal: $(cat "$tmp/out")"; fail=1; fi
fi
printf 'time,mw\n2024-01-01T00:00Z,0x1p3\n' >"$tmp/hex.csv"
run hex_float 2 -- series "$tmp/hex.csv" &&
    has hex_float "gridsplit series: $tmp/hex.csv:2:19: field 'mw': expected a decimal number, found '0x1p3' (hexadecimal numbers are not read)"
printf 'time,mw\n2024-01-01T00:00Z,inf\n' >"$tmp/inf.csv"
run inf_text 2 -- series "$tmp/inf.csv" &&
    has inf_text "gridsplit series: $tmp/inf.csv:2:19: field 'mw': expected a finite number, found 'inf' (an empty cell or NaN is a missing value)"
printf 'time,mw\n2024-01-01T00:00Z,1e400\n' >"$tmp/huge.csv"
run overflow_text 2 -- series "$tmp/huge.csv" &&
    has overflow_text "gridsplit series: $tmp/huge.csv:2:19: field 'mw': value '1e400' is out of range: expected |v| <= 1e15 for a value"
printf 'time,mw\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,nan\n2024-01-01T02:00Z,3\n2024-01-01T03:00Z,4\n2024-01-01T04:00Z,5\n' >"$tmp/nan.csv"
if run nan_is_missing 0 -- series "$tmp/nan.csv"; then
    if grep -qx "2024-01-01T01:00:00Z," "$tmp/out"; then echo "ok nan_is_missing: an empty cell"; else echo "FAIL nan_is_missing: $(cat "$tmp/out")"; fail=1; fi
fi
printf 'time,mw\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,2\0003\n' >"$tmp/nul.csv"
run nul_byte 2 -- series "$tmp/nul.csv" &&
    has nul_byte "gridsplit series: $tmp/nul.csv:3:20: expected text, found a NUL byte (a binary file?)"
printf '\xef\xbb\xbftime,mw\n2024-01-01T00:00Z,5\n' >"$tmp/bom.csv"
if run bom_csv 0 -- series "$tmp/bom.csv"; then
    if grep -qx "2024-01-01T00:00:00Z,5" "$tmp/out"; then echo "ok bom_csv: accepted"; else echo "FAIL bom_csv: $(cat "$tmp/out")"; fail=1; fi
fi
{ printf '\xef\xbb\xbf'; cat "$SRC/examples/demo/fleet.yaml"; } >"$tmp/bom_fleet.yaml"
run bom_yaml 0 -- check "$tmp/bom_fleet.yaml" && echo "ok bom_yaml: accepted"

# ---- the market catalogue: no device, and at most 8 MiB even from an endless pipe -----------
run catalog_dev_zero 2 -- markets --catalog /dev/zero &&
    has catalog_dev_zero "--catalog: /dev/zero: not a regular file or pipe (a character device)"
run catalog_endless_pipe 2 -- markets --catalog <(cat /dev/zero) &&
    has catalog_endless_pipe "expected a market catalogue of at most 8 MiB, found more"

# ---- events added by other engineers (tests/fuzz/event_*.json): exit 2, bounded --------------
for ev in "$FUZZ"/event_*.json; do
    [ -e "$ev" ] || continue
    n=$(basename "$ev" .json)
    run "$n" 2 -- plan "$SRC/examples/demo/fleet.yaml" --event "$ev" && has "$n" "$ev"
done

# ---- scenario and sweep files (fuzz_scenarios, fuzz_sweep; docs/fuzzing.md) --------------------
# shares of 1 - 1e-16 and 1e-300 made the training index inf; an option value listing a mapping
# leaked (ASan)
f="$FUZZ/scenarios_share_1e-300.yaml"
run scenarios_share_1e-300 2 -- scenarios "$SRC/examples/demo/fleet.yaml" --scenario "$f" &&
    has scenarios_share_1e-300 "gridsplit scenarios: $f:3:99: field 'scenarios[0].inference_share[0].value': expected a share of 0.001 to 0.999" "found '0.9999999999999999'"
f="$FUZZ/sweep_option_list_mapping.yaml"
run sweep_option_list_mapping 2 -- sweep "$f" --out "$tmp/sweep" &&
    has sweep_option_list_mapping "gridsplit sweep: $f:3:14: field 'axes.--s[0]': expected a value or a list of values for --s, found a list holding a mapping"

# ---- series --out F killed by SIGTERM: neither F nor F.tmp.PID stays ---------------------------
# two points 50 days apart at 1 s: 8.6 M steps (under the limit), a 190 MB CSV being written
printf 'time,mw\n2024-01-01T00:00:00Z,1\n2024-02-20T00:00:00Z,2\n' >"$tmp/big.csv"
mkdir "$tmp/sig"
(
    [ $asan = 1 ] || ulimit -v 2097152
    exec "$GS_BIN" series "$tmp/big.csv" --step 1s --out "$tmp/sig/F.csv"
) 2>"$tmp/sig.err" &
pid=$! # the gridsplit process itself (exec)
sleep 0.3
for _ in $(seq 100); do # wait (up to 10 s more, for slow sanitizer builds) until it is writing
    ls "$tmp/sig"/F.csv.tmp.* >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
if ! ls "$tmp/sig"/F.csv.tmp.* >/dev/null 2>&1; then
    echo "FAIL sigterm: no temporary seen while series was running ($(cat "$tmp/sig.err"))"
    fail=1
fi
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
left=$(ls "$tmp/sig")
if [ -n "$left" ]; then
    echo "FAIL sigterm: left behind after SIGTERM (exit $rc): $left"
    fail=1
elif [ "$rc" != 143 ] && [ "$rc" != 124 ]; then
    echo "FAIL sigterm: exit $rc, want 143 (killed by SIGTERM): $(cat "$tmp/sig.err")"
    fail=1
else
    echo "ok sigterm: exit $rc, nothing left in the output folder"
fi

exit $fail
