#!/bin/bash
# headroom refuses bad input with a message and exit code 2: a missing column, an unknown BA
# (the message lists close names), a rate outside (0, 100), contradictory options, too little
# data (less than a year, a seasonal peak missing: once a summer threshold of nan and 0 MW).
set -u
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf 'time,load\n2023-01-01 00:00,5\n2023-01-01 01:00,6\n' > "$out/d.csv"
hours() { # hours FILE START_EPOCH N: N hourly rows of 1000-1023 MW from START_EPOCH (UTC)
    python3 -c 'import sys, time
f, t0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f, "w") as o:
    o.write("time,load\n")
    for i in range(n):
        o.write(time.strftime("%Y-%m-%d %H:%M", time.gmtime(t0 + 3600 * i)) + ",%d\n" % (1000 + i % 24))
' "$@"
}
hours "$out/jan.csv" 1672531200 48            # 2023-01-01, 48 hours
hours "$out/spring.csv" 1680307200 1464        # 2023-04-01, April and May
fail=0
expect2() { # expect2 NAME PATTERN ARGS...: exit 2 and stderr matching PATTERN
    local name=$1 pat=$2; shift 2
    "$GS_BIN" headroom "$@" > "$out/o" 2> "$out/e"; local rc=$?
    if [ $rc -ne 2 ]; then echo "$name: exit $rc, expected 2"; cat "$out/e"; fail=1; return; fi
    grep -Eq -e "$pat" "$out/e" || { echo "$name: message does not match '$pat':"; cat "$out/e"; fail=1; }
    [ -s "$out/o" ] && { echo "$name: wrote output"; fail=1; }
}
expect2 missing-column "demand|column.*nope|nope" --csv "$out/d.csv" --column nope
expect2 no-column "--column" --csv "$out/d.csv"
expect2 rate-zero "\(0, 100\)" --csv "$out/d.csv" --column load --rates 0
expect2 rate-100 "\(0, 100\)" --csv "$out/d.csv" --column load --rates 0.5,100
expect2 rate-text "--rates: expected a number of % in \(0, 100\), found 'abc'" --csv "$out/d.csv" --column load --rates abc
expect2 no-source "--csv|--eia930" --rates 1
expect2 bad-format "json, text" --csv "$out/d.csv" --column load --format xml
expect2 bad-year "--from: expected a whole number in \[1990, 2100\], found '20x'" --csv "$out/d.csv" --column load --from 20x
expect2 too-little-jan "^gridsplit headroom: .*jan.csv: too little data for a headroom: 48 hours \(2023-01-01T00:00:00Z to 2023-01-03T00:00:00Z\), less than a year \(8760 hours; the curtailment rate is a yearly one\), and no June-August hour \(the summer peak sets the April-October threshold\): give at least a year of hourly demand$" --csv "$out/jan.csv" --column load
expect2 too-little-jan-text "too little data" --csv "$out/jan.csv" --column load --format text
expect2 too-little-spring "1464 hours .*no June-August hour .* and no December-February hour" --csv "$out/spring.csv" --column load
D="${GS_SHARED:-/work/shared}/data/eia930"
if [ -d "$D/release_2020_Oct" ]; then
    expect2 unknown-ba "unknown balancing authority 'ERCOTT'.*ERCOT" --eia930 "$D" --ba ERCOTT
    expect2 unknown-ba2 "unknown balancing authority 'PJMX'.*PJM" --eia930 "$D" --ba PJMX
fi
exit $fail
