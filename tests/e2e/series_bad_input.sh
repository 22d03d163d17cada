#!/bin/bash
# e2e: `gridsplit series` rejects bad input with the exact file:line:column, field, expected
# and found, and exit code 2 (malformed timestamp, non-numeric value, missing column, unknown
# format, bad step), and leaves no output file behind.
set -u
: "${GS_BIN:?GS_BIN must point at the gridsplit binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expect NAME WANT_CODE WANT_STDERR -- ARGS...
    local name=$1 code=$2 want=$3
    shift 4
    local err rc
    err=$("$GS_BIN" series "$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" != "$code" ]; then echo "FAIL $name: exit $rc, want $code ($err)"; fail=1; fi
    if [ "$err" != "$want" ]; then printf 'FAIL %s:\n got: %s\nwant: %s\n' "$name" "$err" "$want"; fail=1; fi
}
printf 'time,mw\n2024-01-01T00:00Z,1\n2024-01-01T0l:00Z,2\n' > "$tmp/bad_time.csv"
expect malformed_timestamp 2 "gridsplit series: $tmp/bad_time.csv:3:1: field 'time': expected an ISO 8601 time such as 2024-01-01T00:00:00Z, found '2024-01-01T0l:00Z'" -- "$tmp/bad_time.csv"
printf 'time,mw\n2024-01-01T00:00Z,12x\n' > "$tmp/bad_value.csv"
expect non_numeric_value 2 "gridsplit series: $tmp/bad_value.csv:2:19: field 'mw': expected a number, found '12x'" -- "$tmp/bad_value.csv"
printf 'time,mw\n2024-01-01T00:00Z,1\n' > "$tmp/ok.csv"
expect missing_column 2 "gridsplit series: $tmp/ok.csv:1: field 'value_column': expected a column named 'load' in the header, found columns 'time', 'mw'" -- "$tmp/ok.csv" --column load
expect unknown_format 2 "gridsplit series: --format: expected auto, csv, price, carbon, eia930, ercot-dam-spp, ercot-dam-as or nvidia-smi, found 'excel'
(see 'gridsplit series --help')" -- "$tmp/ok.csv" --format excel
expect bad_step 2 "gridsplit series: --step: expected a duration such as 90s, 5min, 1.5h, 2d, 1h30min or PT15M, found '5 parsecs'
(see 'gridsplit series --help')" -- "$tmp/ok.csv" --step "5 parsecs"
expect bad_method 2 "gridsplit series: --method: expected mean, hold or interp, found 'median'
(see 'gridsplit series --help')" -- "$tmp/ok.csv" --method median
printf 'Datetime (UTC),Datetime (Local),Price (USD/MWh)\n2023-01-01 00:00:00+00:00,x,1\n' > "$tmp/p.csv"
expect wrong_format 2 "gridsplit series: $tmp/ok.csv:1:1: field 'format': expected the header of a 'price' file, found 'time...' (looks like 'csv')" -- "$tmp/ok.csv" --format price
"$GS_BIN" series "$tmp/bad_value.csv" --out "$tmp/out.csv" 2>/dev/null
if [ -e "$tmp/out.csv" ] || ls "$tmp"/out.csv.tmp.* >/dev/null 2>&1; then echo "FAIL: output left behind after an error"; fail=1; fi
exit $fail
