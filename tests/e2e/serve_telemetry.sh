#!/usr/bin/env bash
# e2e.serve_telemetry: node power reaches the daemon's picture both ways it can come, and
# missing or stale readings are flagged, not invented. A real MQTT broker (Debian's mosquitto,
# started here on a free loopback port) and `gridsplit serve` (fake scheduler: the telemetry
# path does not depend on where jobs come from; tests/e2e/serve_slurm.sh runs the real Slurm):
#  1. GET /v1/load says MQTT "connected" and no node measured;
#  2. a reading published with mosquitto_pub (topic gridsplit/power/NODE, plain watts) and one
#     posted to POST /v1/telemetry (JSON, with a token) both count as measured nodes;
#  3. a bad reading is refused with 400 and counted; /metrics has the counts;
#  4. with stale_after 3s, the readings turn stale once no new one comes;
#  5. the broker stopped: GET /v1/load says "disconnected", the daemon keeps answering.
# Skips (77) without mosquitto, except under CI.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BUILD:=$PWD}"
: "${GS_BIN:=$GS_BUILD/gridsplit}"
MOSQ=${MOSQUITTO:-/usr/sbin/mosquitto}
skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "serve_telemetry: $* (under CI: a failure)" >&2; exit 1; fi
    echo "serve_telemetry: skipped: $*" >&2; exit 77
}
[ -x "$MOSQ" ] || skip_or_fail "$MOSQ is not installed (Debian mosquitto)"
for t in mosquitto_pub curl jq python3; do command -v $t >/dev/null || skip_or_fail "$t is not installed"; done
"$GS_BIN" help serve >/dev/null 2>&1 || skip_or_fail "this gridsplit has no serve command"

T=$(mktemp -d "${TMPDIR:-/tmp}/gs_serve_tel.XXXXXX")
chmod 755 "$T"
BPID="" DPID="" FAILED=0
cleanup() {
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null
    wait 2>/dev/null
    [ "$FAILED" != 0 ] && { echo "---- daemon log" >&2; tail -n 30 "$T/d.log" >&2; }
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "serve_telemetry: FAIL: $*" >&2; FAILED=1; exit 1; }
note() { echo "serve_telemetry: $*" >&2; }
wait_for() {
    local until=$(( $(date +%s) + $1 )) what=$2; shift 2
    while ! "$@"; do
        [ "$(date +%s)" -ge "$until" ] && fail "timed out waiting for: $what"
        sleep 0.2
    done
}
BP=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$BP" >"$T/mosquitto.conf"
"$MOSQ" -c "$T/mosquitto.conf" >"$T/broker.log" 2>&1 &
BPID=$!
TOKEN=tel-token-$$
SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
cat >"$T/serve.yaml" <<CONF
fleet: $GS_SRC/tests/serve/fleet.yaml
store: $T/serve.db
http:
  listen: 127.0.0.1:0
  read_open: true
  tokens: [{name: meters, sha256: $SHA}]
scheduler: {kind: fake, poll: 1s}
telemetry:
  stale_after: 3s
  mqtt: {host: 127.0.0.1, port: $BP, topic: "gridsplit/power/#"}
CONF
"$GS_BIN" serve "$T/serve.yaml" --port-file "$T/port" --log text 2>"$T/d.log" &
DPID=$!
wait_for 20 "the daemon's port" test -s "$T/port"
URL=http://127.0.0.1:$(cat "$T/port")
load() { curl -s --max-time 5 "$URL/v1/load"; }

# 1
connected() { load | jq -e '.telemetry.mqtt == "connected"' >/dev/null; }
wait_for 20 "MQTT connected" connected
load | jq -e '.telemetry.nodes_measured == 0' >/dev/null || fail "a node is measured before any reading"
note "1. MQTT connected, nothing measured"

# 2
mosquitto_pub -h 127.0.0.1 -p "$BP" -t gridsplit/power/gsnode1 -m 5230.5
code=$(curl -s -o "$T/post.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data '{"readings": [{"node": "gsnode2", "watts": 4100}]}' "$URL/v1/telemetry")
[ "$code" = 200 ] || fail "POST /v1/telemetry: $code $(cat "$T/post.json")"
two() { load | jq -e '.telemetry.nodes_measured == 2' >/dev/null; }
wait_for 10 "both readings measured" two
note "2. one reading over MQTT, one over HTTP: $(load | jq -c .telemetry)"

# 3
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    --data '{"readings": [{"node": "gsnode3", "watts": -1}]}' "$URL/v1/telemetry")
[ "$code" = 400 ] || fail "a negative reading: $code"
jq -e '.error | test("watts")' "$T/bad.json" >/dev/null || fail "the 400 does not name the field: $(cat "$T/bad.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '{"readings": []}' "$URL/v1/telemetry")
[ "$code" = 401 ] || fail "a reading without a token: $code"
mosquitto_pub -h 127.0.0.1 -p "$BP" -t gridsplit/power/gsnode1 -m 'not watts'
sleep 0.5
curl -s "$URL/metrics" | grep -q 'gridsplit_telemetry_readings_total{outcome="refused"} [1-9]' || fail "/metrics does not count the refused readings"
note "3. bad readings refused and counted"

# 4
stale() { load | jq -e '.telemetry.nodes_stale == 2 and .telemetry.nodes_measured == 0' >/dev/null; }
wait_for 15 "both readings stale after 3 s" stale
note "4. stale: $(load | jq -c .telemetry)"

# 5
kill "$BPID"; wait "$BPID" 2>/dev/null; BPID=""
down() { load | jq -e '.telemetry.mqtt == "disconnected"' >/dev/null; }
wait_for 15 "MQTT disconnected" down
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ "$rc" = 0 ] || fail "the daemon exited $rc"
note "5. broker gone: disconnected, daemon stopped cleanly"
note "ok"
