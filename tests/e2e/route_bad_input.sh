#!/usr/bin/env bash
# Bad events files and options: exit 2 with the file and the field named.
set -euo pipefail
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
expect2() { # expect exit 2 and a pattern on stderr
  local pat=$1; shift
  set +e; "$@" 2>"$d/err" >/dev/null; rc=$?; set -e
  [ $rc -eq 2 ] || { echo "exit $rc, expected 2: $*"; cat "$d/err"; exit 1; }
  grep -q -- "$pat" "$d/err" || { echo "message lacks '$pat':"; cat "$d/err"; exit 1; }
}
echo '{"events": [{"id": "x", "site": "nowhere", "from": "2024-07-16", "to": "2024-07-17", "cap_mw": 1}]}' > "$d/e1.json"
expect2 "events\[0\].site" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --events "$d/e1.json"
echo '{"events": [{"id": "x", "site": "ashburn", "from": "2024-07-16", "to": "2024-07-17", "cap_mw": -1}]}' > "$d/e2.json"
expect2 "cap_mw" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --events "$d/e2.json"
echo '{"events": [{"id": "x", "site": "ashburn", "from": "2024-07-16", "to": "2024-07-17", "cap_mw": 1, "cpa_mw": 2}]}' > "$d/e3.json"
expect2 "unknown key" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --events "$d/e3.json"
echo '{"events": [' > "$d/e4.json"
expect2 "e4.json" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --events "$d/e4.json"
expect2 "server-ms" "$GS_BIN" route "$fleet" --out "$d/o" --server-ms abc
# a cap on a site that runs no inference moves nothing: refused, naming the event's site
echo '{"events": [{"id": "x", "type": "reduce_to", "site": "iowa", "class": "inference", "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 15}]}' > "$d/e5.json"
expect2 "events\[0\].site.*runs no inference" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --events "$d/e5.json"
# RTT and price inputs: options that need each other, bad files named with line and column
expect2 "rtt-regions" "$GS_BIN" route "$fleet" --out "$d/o" --rtt-regions "$fleet"
expect2 "net-places" "$GS_BIN" route "$fleet" --out "$d/o" --net-prices "$fleet"
printf 'src,dst,avg_latency_ms\nMadrid,Atlantis,20\n' > "$d/rtt.csv"
expect2 "rtt.csv:2:2.*unknown region 'Atlantis'" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --rtt "$d/rtt.csv"
printf 'name,lat,lon\nA,10,10\nB,20,20\n' > "$d/places.csv"
printf ',A,B\nA,0,0.02\nB,cheap,0\n' > "$d/prices.csv"
expect2 "prices.csv:3:2" "$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --net-prices "$d/prices.csv" --net-places "$d/places.csv"
expect2 "tokens-in" "$GS_BIN" route "$fleet" --out "$d/o" --tokens-in -5
[ ! -e "$d/o/summary.json" ] || { echo "output left behind after bad input"; exit 1; }
echo ok
