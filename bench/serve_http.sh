#!/usr/bin/env bash
# serve_http.sh: the daemon's API under load (goal, issue 10: 2,000 requests/s on loopback with
# p99 under 20 ms). Starts `gridsplit serve` on the demo fleet with the FAKE scheduler (no Slurm
# needed; the API's work does not depend on where the jobs come from), reads on a token (every
# request checks a bearer token: SHA-256 and a constant-time compare), and runs Debian's wrk
# against three endpoints, each for a bounded run: GET /v1/load (the picture, as the dashboard
# polls it), GET /metrics (Prometheus) and GET /v1/health. wrk: 2 threads, 32 connections,
# 10 s, latency percentiles. Usage: bench/serve_http.sh [BUILD_DIR] (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
BIN=$BUILD/gridsplit
command -v wrk >/dev/null || { echo "serve_http: wrk is not installed (Debian wrk; scripts/setup.sh)" >&2; exit 1; }
"$BIN" help serve >/dev/null 2>&1 || { echo "serve_http: $BIN has no serve command" >&2; exit 1; }
T=$(mktemp -d)
DPID=""
cleanup() { [ -n "$DPID" ] && kill "$DPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
TOKEN=bench-token-$$
SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
cat >"$T/serve.yaml" <<CONF
fleet: $PWD/examples/demo/fleet.yaml
store: $T/serve.db
http:
  listen: 127.0.0.1:0
  tokens:
    - {name: bench, sha256: $SHA}
scheduler:
  kind: fake
  poll: 1s
CONF
"$BIN" serve "$T/serve.yaml" --port-file "$T/port" --log text 2>"$T/serve.log" &
DPID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || { cat "$T/serve.log" >&2; echo "serve_http: the daemon did not start" >&2; exit 1; }
URL=http://127.0.0.1:$(cat "$T/port")
sleep 1.5 # the first picture
echo "gridsplit serve, fake scheduler, demo fleet (8 sites); wrk -t2 -c32 -d10s --latency, bearer token on every request"
for path in /v1/load /metrics /v1/health; do
    bytes=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL$path" | wc -c)
    out=$(wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $TOKEN" "$URL$path")
    rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    printf '  GET %-12s %6s B  %10s req/s  p50 %8s  p99 %8s  %s\n' "$path" "$bytes" "$rps" "$p50" "$p99" "${errs:-no errors}"
done
kill -TERM "$DPID"; wait "$DPID"; DPID=""
