#!/usr/bin/env bash
# latency --from/--to prints the modelled RTT: plain formula with explicit factors.
set -euo pipefail
: "${GS_BIN:?}"
# 0,0 -> 0,1: 111.195 km; RTT = 2 x 111.195 x 2 / 200 + 1 = 3.224 ms
out=$("$GS_BIN" latency --from 0,0 --to 0,1 --route-factor 2 --overhead-ms 1 --format json)
echo "$out"
echo "$out" | grep -q '"rtt_ms": 3.224' || { echo "unexpected RTT"; exit 1; }
"$GS_BIN" latency --from 51.5,-0.13 --to 40.71,-74.0 | grep -q '^rtt_ms ' || exit 1
echo ok
