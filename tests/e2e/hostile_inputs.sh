#!/usr/bin/env bash
# e2e: hostile inputs (issue 11, "Every parser fuzzed"; docs/hostile-inputs.md) get a clear
# message and a bounded cost, or are read as the legitimate input they are. Each input is made
# here in a temporary folder (the large ones are never committed) and given to the command that
# reads it, under `timeout` and, unless the binary is built with AddressSanitizer (which
# reserves terabytes of virtual memory), `ulimit -v` 2 GB; each case pins the exit code and a
# fragment of the message, or success and a fragment of the output, and that no output holds
# inf or nan. The inputs: YAML alias bombs (a billion laughs), 10,000 levels of nesting (YAML
# and JSON), an OpenADR event of 1,000,000 intervals (and one of 100,001, under the size limit),
# a CSV of 10,000,000 rows, bytes that are not UTF-8, a byte order mark, CRLF line ends,
# timestamps in 1900 and 2300, /dev/zero as a file and endless pipes.
#   GS_HOSTILE_TABLE=FILE: also measure each case with /usr/bin/time -v and append a Markdown
#   table row to FILE (input, command, result, seconds, peak MB): docs/hostile-inputs.md.
#   GS_HOSTILE_BIG=0: leave out the two large inputs (10 M rows, 1 M intervals: 250 + 74 MB).
set -u
: "${GS_BIN:?GS_BIN must point at the gridsplit binary}"
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
FLEET=$SRC/examples/demo/fleet.yaml
EVENT=$SRC/examples/events/reduce_by_site.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
table=${GS_HOSTILE_TABLE:-}
big=${GS_HOSTILE_BIG:-1}

asan=0
if nm "$GS_BIN" 2>/dev/null | grep -q __asan_init; then
    asan=1
    echo "note: AddressSanitizer build: no ulimit -v (ASan reserves a large virtual space); timeouts still apply"
fi
TIME_LIMIT=60
[ $asan = 1 ] && TIME_LIMIT=300
have_serve=0
"$GS_BIN" serve --help >/dev/null 2>&1 && have_serve=1

# run NAME INPUT WANT_RC -- ARGS...: the binary under the limits; stdout in $tmp/out, stderr in
# $tmp/err; INPUT describes the input for the table
run() {
    local name=$1 input=$2 want=$3
    shift 4
    local timer=()
    if [ -n "$table" ] && [ -x /usr/bin/time ]; then timer=(/usr/bin/time -v -o "$tmp/time"); fi
    (
        [ $asan = 1 ] || ulimit -v 2097152
        exec timeout $TIME_LIMIT "${timer[@]}" "$GS_BIN" "$@"
    ) >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ -n "$table" ] && [ -s "$tmp/time" ]; then
        local secs mb cmd
        secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
        mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time" | awk '{ printf "%.0f", $1 / 1024 }')
        cmd=$(printf '%s ' "$@" | sed -e "s|$tmp/||g" -e "s|$SRC/||g" -e 's|/dev/fd/[0-9]*|<(pipe)|g' -e 's/ $//')
        local res
        if [ "$rc" = 0 ]; then res="exit 0"; else res="exit $rc: $(head -1 "$tmp/err" | sed -e "s|$tmp/||g" -e 's|/dev/fd/[0-9]*|<(pipe)|g' -e 's/|/\\|/g' | cut -c1-160)"; fi
        printf '| %s | `%s` | %s | %s | %s |\n' "$input" "$cmd" "$res" "$secs" "$mb" >>"$table"
        rm -f "$tmp/time"
    fi
    if [ $rc = 124 ]; then
        echo "FAIL $name: over $TIME_LIMIT s"
        fail=1
        return 1
    fi
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, want $want: $(head -c 600 "$tmp/err")"
        fail=1
        return 1
    fi
    # no output holds inf or nan (words such as "inference" aside)
    if cat "$tmp/out" "$tmp"/outfile* 2>/dev/null | grep -qiE '(^|[^[:alpha:]_])[-+]?(inf(inity)?|nan)([^[:alpha:]_]|$)'; then
        echo "FAIL $name: inf or nan in the output: $(cat "$tmp/out" "$tmp"/outfile* 2>/dev/null | grep -iE '(^|[^[:alpha:]_])[-+]?(inf(inity)?|nan)([^[:alpha:]_]|$)' | head -3)"
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
# out_has NAME TEXT...: stdout holds each TEXT
out_has() {
    local name=$1
    shift
    for w in "$@"; do
        if ! grep -qF -- "$w" "$tmp/out"; then
            echo "FAIL $name: output lacks '$w': $(head -c 600 "$tmp/out")"
            fail=1
            return 1
        fi
    done
    echo "ok $name"
}

# ---- YAML alias bombs: libyaml keeps an alias as a reference, the readers never expand one ----
bomb() { # the nine-fold "billion laughs" to 9^12 leaves, as anchors inside one flow list
    printf '[&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    local p=a
    for l in b c d e f g h i j k l m; do
        printf ', &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]' $l $p $p $p $p $p $p $p $p $p
        p=$l
    done
    printf ']'
}
{ printf 'name: '; bomb; printf '\n'; sed '/^name:/d' "$FLEET"; } >"$tmp/bomb_fleet.yaml"
run alias_bomb_fleet "alias bomb (9^12 leaves) as a fleet's name" 2 -- check "$tmp/bomb_fleet.yaml" &&
    has alias_bomb_fleet "bomb_fleet.yaml:1:7: field 'name': expected a string"
{ sed '/^clusters:/,$d' "$FLEET"; printf 'clusters: '; bomb; printf '\n'; } >"$tmp/bomb_list.yaml"
run alias_bomb_list "alias bomb as a fleet's clusters" 2 -- check "$tmp/bomb_list.yaml" &&
    has alias_bomb_list "bomb_list.yaml:" ":12: field 'clusters[0]': expected a cluster (a mapping), found a list"
{ printf 'products: '; bomb; printf '\n'; } >"$tmp/bomb_catalog.yaml"
run alias_bomb_catalog "alias bomb as a market catalogue's products" 2 -- markets --catalog "$tmp/bomb_catalog.yaml" &&
    has alias_bomb_catalog "bomb_catalog.yaml:1:12: field 'products[0]': expected a product (a mapping), found a list"

# ---- 10,000 levels of nesting ------------------------------------------------------------------
deep() { # deep OPEN CLOSE N
    local i o="" c=""
    for ((i = 0; i < $3; i++)); do o+=$1; c+=$2; done
    printf '%s%s' "$o" "$c"
}
{ printf 'name: '; deep '[' ']' 10000; printf '\n'; sed '/^name:/d' "$FLEET"; } >"$tmp/deep.yaml"
run nesting_yaml "YAML lists nested 10,000 deep" 2 -- check "$tmp/deep.yaml" &&
    has nesting_yaml "deep.yaml:1:7: field 'name': expected a string"
{ printf 'name: x\nperiod: '; deep '{a: ' '}' 10000 | sed 's/{a: }/{a: 1}/'; printf '\n'; } >"$tmp/deep_map.yaml"
run nesting_yaml_map "YAML mappings nested 10,000 deep" 2 -- check "$tmp/deep_map.yaml" &&
    has nesting_yaml_map "deep_map.yaml:2:10: field 'period': unknown key 'a'"
{ printf '{"events": '; deep '[' ']' 10000; printf '}\n'; } >"$tmp/deep.json"
run nesting_json "JSON arrays nested 10,000 deep" 2 -- plan "$FLEET" --event "$tmp/deep.json" &&
    has nesting_json "deep.json:1:2059: maximum parsing depth reached"
if [ $have_serve = 1 ]; then
    { printf 'fleet: %s\nmapping: ' "$FLEET"; deep '{rules: ' '}' 10000 | sed 's/{rules: }/{rules: 1}/'; printf '\n'; } >"$tmp/deep_serve.yaml"
    run nesting_serve_config "the daemon's configuration nested 10,000 deep" 2 -- serve --check "$tmp/deep_serve.yaml" &&
        has nesting_serve_config "deep_serve.yaml:2:"
fi

# ---- OpenADR events of 1,000,000 and 100,001 intervals ----------------------------------------
openadr() { # openadr N: one EVENT of N one-minute intervals on zone ERCOT
    awk -v n="$1" 'BEGIN {
        printf "{\"objectType\":\"EVENT\",\"programID\":\"p\",\"eventName\":\"e\",\"targets\":[\"zone:ERCOT\"],"
        printf "\"payloadDescriptors\":[{\"payloadType\":\"IMPORT_CAPACITY_LIMIT\",\"units\":\"MW\"}],"
        printf "\"intervalPeriod\":{\"start\":\"2024-01-20T19:00:00Z\",\"duration\":\"PT1M\"},\"intervals\":["
        for (i = 0; i < n; i++)
            printf "%s{\"id\":%d,\"payloads\":[{\"type\":\"IMPORT_CAPACITY_LIMIT\",\"values\":[30]}]}", (i ? "," : ""), i
        printf "]}\n" }'
}
if [ "$big" = 1 ]; then
    openadr 1000000 >"$tmp/million.json"
    run intervals_1m "OpenADR event of 1,000,000 intervals (74 MB)" 2 -- plan "$FLEET" --event "$tmp/million.json" &&
        has intervals_1m "million.json: expected an event file of at most 32 MiB, found more"
    rm -f "$tmp/million.json"
fi
openadr 100001 >"$tmp/intervals.json"
run intervals_100001 "OpenADR event of 100,001 intervals (7 MB)" 2 -- plan "$FLEET" --event "$tmp/intervals.json" &&
    has intervals_100001 "intervals.json: field 'intervals': expected at most 100000 intervals in one file, found 100001"
rm -f "$tmp/intervals.json"

# ---- a CSV of 10,000,000 rows (one a second from 2024-01-01) ------------------------------------
if [ "$big" = 1 ]; then
    awk 'BEGIN { split("31 29 31 30", md, " "); print "time,mw"; n = 0
        for (m = 1; m <= 4 && n < 10000000; m++) for (d = 1; d <= md[m] && n < 10000000; d++)
        for (h = 0; h < 24 && n < 10000000; h++) for (mi = 0; mi < 60 && n < 10000000; mi++)
        for (s = 0; s < 60 && n < 10000000; s++) {
            printf "2024-%02d-%02dT%02d:%02d:%02dZ,%d\n", m, d, h, mi, s, 100 + n % 7; n++ } }' >"$tmp/rows.csv"
    run rows_10m_series "CSV of 10,000,000 rows (250 MB)" 0 -- series "$tmp/rows.csv" --step 1h --out "$tmp/outfile.csv" &&
        if [ "$(wc -l <"$tmp/outfile.csv")" = 2779 ] && grep -qx '2024-04-25T17:00:00Z,103' "$tmp/outfile.csv"; then
            echo "ok rows_10m_series: 2778 hours"
        else
            echo "FAIL rows_10m_series: $(wc -l <"$tmp/outfile.csv") lines: $(tail -2 "$tmp/outfile.csv")"
            fail=1
        fi
    rm -f "$tmp/outfile.csv"
    run rows_10m_headroom "CSV of 10,000,000 rows (250 MB)" 2 -- headroom --csv "$tmp/rows.csv" --column mw &&
        has rows_10m_headroom "rows.csv: too little data for a headroom: 2778 hours"
    rm -f "$tmp/rows.csv"
fi

# ---- bytes that are not UTF-8 ------------------------------------------------------------------
sed '0,/^name:/s/^name:.*/name: "demo \xff\xfe"/' "$FLEET" >"$tmp/latin.yaml"
run non_utf8_yaml "fleet with bytes FF FE in a string" 2 -- check "$tmp/latin.yaml" &&
    has non_utf8_yaml "latin.yaml: YAML syntax error: invalid leading UTF-8 octet (at byte" "expected UTF-8 text"
printf '{"id": "cut-\xff", "type": "reduce_by", "site": "west-texas", "start": "2024-01-20T19:00Z", "duration": "3h", "mw": 40}\n' >"$tmp/latin.json"
run non_utf8_json "event with byte FF in a string" 2 -- plan "$FLEET" --event "$tmp/latin.json" &&
    has non_utf8_json "latin.json:1:12: unable to decode byte 0xff"
printf 'time,mw\n2024-01-01T00:00Z,1\xff\n' >"$tmp/latin_cell.csv"
run non_utf8_csv_cell "CSV with byte FF in a number" 2 -- series "$tmp/latin_cell.csv" &&
    has non_utf8_csv_cell "latin_cell.csv:2:19: field 'mw': expected a number"
printf 'time,m\xe9gawatts\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,2\n' >"$tmp/latin_head.csv"
run non_utf8_csv_header "CSV with a Latin-1 header name" 0 -- series "$tmp/latin_head.csv" &&
    out_has non_utf8_csv_header "2024-01-01T01:00:00Z,2"

# ---- a UTF-8 byte order mark: legitimate, read as if absent ------------------------------------
{ printf '\xef\xbb\xbf'; cat "$FLEET"; } >"$tmp/bom.yaml"
run bom_yaml "fleet with a BOM" 0 -- check "$tmp/bom.yaml" && out_has bom_yaml ": ok"
{ printf '\xef\xbb\xbf'; cat "$EVENT"; } >"$tmp/bom.json"
run bom_json "event with a BOM" 0 -- plan "$FLEET" --event "$tmp/bom.json" && out_has bom_json '"event": "ercot-west-texas-cut"'
printf '\xef\xbb\xbftime,mw\n2024-01-01T00:00Z,5\n2024-01-01T01:00Z,6\n' >"$tmp/bom.csv"
run bom_csv "CSV with a BOM" 0 -- series "$tmp/bom.csv" && out_has bom_csv "2024-01-01T00:00:00Z,5"
if [ $have_serve = 1 ]; then
    { printf '\xef\xbb\xbf'; sed "s|^fleet: .*|fleet: $FLEET|" "$SRC/examples/serve/serve.yaml"; } >"$tmp/bom_serve.yaml"
    run bom_serve_config "the daemon's configuration with a BOM" 0 -- serve --check "$tmp/bom_serve.yaml" && echo "ok bom_serve_config"
fi

# ---- CRLF line ends: legitimate --------------------------------------------------------------
sed 's/$/\r/' "$FLEET" >"$tmp/crlf.yaml"
run crlf_yaml "fleet with CRLF line ends" 0 -- check "$tmp/crlf.yaml" && out_has crlf_yaml ": ok"
sed 's/$/\r/' "$EVENT" >"$tmp/crlf.json"
run crlf_json "event with CRLF line ends" 0 -- plan "$FLEET" --event "$tmp/crlf.json" && out_has crlf_json '"target_mw": 40.0'
printf 'time,mw\r\n2024-01-01T00:00Z,1\r\n2024-01-01T01:00Z,2\r\n' >"$tmp/crlf.csv"
run crlf_csv "CSV with CRLF line ends" 0 -- series "$tmp/crlf.csv" && out_has crlf_csv "2024-01-01T01:00:00Z,2"
if [ $have_serve = 1 ]; then
    sed -e "s|^fleet: .*|fleet: $FLEET|" -e 's/$/\r/' "$SRC/examples/serve/serve.yaml" >"$tmp/crlf_serve.yaml"
    run crlf_serve_config "the daemon's configuration with CRLF line ends" 0 -- serve --check "$tmp/crlf_serve.yaml" && echo "ok crlf_serve_config"
fi

# ---- timestamps in 1900 and 2300: inside the years 0001..9999 every reader takes ---------------
printf 'time,mw\n1900-01-01T00:00Z,1\n1900-01-01T01:00Z,2\n' >"$tmp/y1900.csv"
run year_1900_csv "CSV in 1900" 0 -- series "$tmp/y1900.csv" && out_has year_1900_csv "1900-01-01T01:00:00Z,2"
printf 'time,mw\n1900-01-01 00:00,1\n1900-01-01 01:00,2\n' >"$tmp/y1900_local.csv"
run year_1900_local "CSV in 1900, local time" 0 -- series "$tmp/y1900_local.csv" --tz America/Chicago &&
    out_has year_1900_local "1900-01-01T06:00:00Z,1"
printf 'time,mw\n2300-01-01T00:00Z,1\n2300-01-01T01:00Z,2\n' >"$tmp/y2300.csv"
run year_2300_csv "CSV in 2300" 0 -- series "$tmp/y2300.csv" && out_has year_2300_csv "2300-01-01T01:00:00Z,2"
printf 'time,mw\n1900-01-01T00:00Z,1\n2300-01-01T00:00Z,2\n' >"$tmp/y1900_2300.csv"
run years_1900_2300_csv "CSV from 1900 to 2300 (two rows)" 0 -- series "$tmp/y1900_2300.csv" --step 1d --out "$tmp/outfile.csv" &&
    # the last row covers one native step (the 146,097 days between the two) too
    if [ "$(wc -l <"$tmp/outfile.csv")" = 292195 ]; then echo "ok years_1900_2300_csv: 292194 days"; else
        echo "FAIL years_1900_2300_csv: $(wc -l <"$tmp/outfile.csv") lines"; fail=1; fi
rm -f "$tmp/outfile.csv"
sed 's/2024-01-20/1900-01-20/' "$EVENT" >"$tmp/e1900.json"
run year_1900_event "event in 1900" 0 -- plan "$FLEET" --event "$tmp/e1900.json" && out_has year_1900_event '"start": "1900-01-20T19:00:00Z"'
sed 's/2024-01-20/2300-01-20/' "$EVENT" >"$tmp/e2300.json"
run year_2300_event "event in 2300" 0 -- plan "$FLEET" --event "$tmp/e2300.json" && out_has year_2300_event '"start": "2300-01-20T19:00:00Z"'
sed 's/^period: .*/period: {from: 2300-01-01, to: 2300-02-01}/' "$FLEET" >"$tmp/p2300.yaml"
run year_2300_simulate "fleet period in 2300" 0 -- simulate "$tmp/p2300.yaml" --out "$tmp/sim2300" &&
    if grep -q '^2300-01-31T23:55:00Z' "$tmp/sim2300/load.csv" && ! grep -qiE '(^|[^[:alpha:]_])[-+]?(inf|nan)([^[:alpha:]_]|$)' "$tmp/sim2300/load.csv"; then
        echo "ok year_2300_simulate"
    else
        echo "FAIL year_2300_simulate: $(tail -1 "$tmp/sim2300/load.csv")"; fail=1
    fi
rm -rf "$tmp/sim2300"

# ---- /dev/zero as a file, and endless pipes ------------------------------------------------------
dz="/dev/zero: not a regular file or pipe (a character device)"
run dev_zero_check "/dev/zero" 2 -- check /dev/zero && has dev_zero_check "gridsplit check: $dz"
run dev_zero_series "/dev/zero" 2 -- series /dev/zero && has dev_zero_series "gridsplit series: $dz"
run dev_zero_event "/dev/zero" 2 -- plan "$FLEET" --event /dev/zero && has dev_zero_event "gridsplit plan: --event: $dz"
run dev_zero_headroom "/dev/zero" 2 -- headroom --csv /dev/zero --column mw && has dev_zero_headroom "gridsplit headroom: --csv: $dz"
run dev_zero_catalog "/dev/zero" 2 -- markets --catalog /dev/zero && has dev_zero_catalog "gridsplit markets: --catalog: $dz"
run dev_zero_trace "/dev/zero" 2 -- trace /dev/zero && has dev_zero_trace "gridsplit trace: $dz"
run dev_zero_simulate "/dev/zero" 2 -- simulate "$FLEET" --events /dev/zero && has dev_zero_simulate "gridsplit simulate: --events: $dz"
if [ $have_serve = 1 ]; then
    run dev_zero_serve "/dev/zero" 2 -- serve --check /dev/zero && has dev_zero_serve "gridsplit serve: $dz"
fi
run pipe_zeros_check "endless pipe of NUL bytes" 2 -- check <(cat /dev/zero) &&
    has pipe_zeros_check "YAML syntax error: control characters are not allowed (at byte 0"
run pipe_spaces_check "endless pipe of blank lines" 2 -- check <(yes ' ') &&
    has pipe_spaces_check "expected a YAML document of at most 8 MiB, found more"
run pipe_spaces_event "endless pipe of blank lines" 2 -- plan "$FLEET" --event <(yes ' ') &&
    has pipe_spaces_event "expected an event file of at most 32 MiB, found more"
run pipe_zeros_series "endless pipe of NUL bytes" 2 -- series <(cat /dev/zero) &&
    has pipe_zeros_series ":1: line longer than 1048576 bytes"
# an endless pipe of valid rows is bounded only by the memory: exit 1 once it is full (under the
# 2 GB limit: at line 67,108,866); not run under ASan, which has no such limit here
if [ $asan = 0 ]; then
    run pipe_rows_series "endless pipe of valid rows" 1 -- series <(printf 'time,mw\n'; yes '2024-01-01T00:00Z,1') &&
        has pipe_rows_series ": out of memory"
fi
if [ $have_serve = 1 ]; then
    run pipe_spaces_serve "endless pipe of blank lines" 2 -- serve --check <(yes ' ') &&
        has pipe_spaces_serve "expected a YAML document of at most 8 MiB, found more"
fi

exit $fail
