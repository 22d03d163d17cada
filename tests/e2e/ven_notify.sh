#!/usr/bin/env bash
# e2e.ven_notify: the VEN's subscription and the field quirks, against the test VTN
# (tests/ven/vtn.mjs), with the daemon on the FAKE scheduler (what is tested is the VEN, not
# Slurm: tests/e2e/ven_vtn.sh runs the whole path on a real Slurm through the validating proxy).
#  1. with `poll: 60s` and `callback:`, the VEN subscribes (the VTN's echo check answered), and a
#     published event is taken within seconds, through the notification (sent as a JSON string
#     holding the object, as some VTNs do), not the poll;
#  2. the event withdrawn at the VTN: the daemon's event is cancelled, and no report is posted
#     for an event the VTN no longer has;
#  3. a VTN with the quirks of ../shared/FACTS.md (token scope as an array, no expires_in,
#     times without a zone and with a space, problem status as a string, pages in another
#     order and of 2 objects) and all its tokens revoked once: the VEN still registers, takes
#     the event, renews its token after the 401 and reports.
# Skips (77) without node or the VTN's packages, except under CI.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BUILD:=$PWD}"
: "${GS_BIN:=$GS_BUILD/gridsplit}"
skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "ven_notify: $* (under CI: a failure)" >&2; exit 1; fi
    echo "ven_notify: skipped: $*" >&2; exit 77
}
command -v node >/dev/null || skip_or_fail "node is not installed"
for t in curl jq python3; do command -v $t >/dev/null || skip_or_fail "$t is not installed"; done
"$GS_BIN" help serve >/dev/null 2>&1 || skip_or_fail "this gridsplit has no serve command"

T=$(mktemp -d "${TMPDIR:-/tmp}/gs_ven_notify.XXXXXX")
PIDS=""
FAILED=0
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [ "$FAILED" != 0 ]; then
        echo "---- daemon log" >&2; tail -n 40 "$T"/d*.log >&2 2>/dev/null
        echo "---- vtn log" >&2; tail -n 20 "$T/vtn.log" >&2 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "ven_notify: FAIL: $*" >&2; FAILED=1; exit 1; }
note() { echo "ven_notify: $*" >&2; }
wait_for() { # SECONDS WHAT COMMAND...
    local until=$(( $(date +%s) + $1 )) what=$2; shift 2
    while ! "$@"; do
        [ "$(date +%s)" -ge "$until" ] && fail "timed out waiting for: $what"
        sleep 0.2
    done
}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

node "$GS_SRC/tests/ven/vtn.mjs" --port 0 --port-file "$T/vtn.port" --log "$T/vtn.req" >"$T/vtn.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 "the VTN's port" test -s "$T/vtn.port"
VTN=http://127.0.0.1:$(cat "$T/vtn.port")
admin() { curl -sS --max-time 10 -H 'Content-Type: application/json' "$@"; }

start_daemon() { # CONFIG LOG
    "$GS_BIN" serve "$1" --log text 2>>"$2" &
    DPID=$!
    PIDS="$PIDS $DPID"
}
write_config() { # FILE DAEMON_PORT POLL [CALLBACK]
    cat >"$1" <<CONF
fleet: $GS_SRC/tests/serve/fleet.yaml
store: $T/serve-$2.db
http: {listen: 127.0.0.1:$2, read_open: true}
scheduler: {kind: fake, poll: 1s}
openadr:
  vtn: $VTN/openadr3/3.1.0
  client_id: gs-ven
  client_secret: gs-secret
  ven_name: gs-lab-$2
  poll: $3
  resources: [{resource: lab-meter, site: lab}]
$( [ -n "${4:-}" ] && echo "  callback: $4" )
CONF
}
PROG=$(admin -X POST "$VTN/_test/programs" -d '{"programName": "capacity"}' | jq -r .id)
publish() { # NAME START_OFFSET_S DURATION -> event id
    local s; s=$(iso $(( $(date +%s) + $2 )))
    admin -X POST "$VTN/_test/events" -d "{\"programID\": \"$PROG\", \"eventName\": \"$1\", \"targets\": [\"lab-meter\"],
      \"payloadDescriptors\": [{\"objectType\": \"EVENT_PAYLOAD_DESCRIPTOR\", \"payloadType\": \"IMPORT_CAPACITY_LIMIT\", \"units\": \"KW\"}],
      \"intervalPeriod\": {\"start\": \"$s\", \"duration\": \"$3\"},
      \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [1.5]}]}]}" | jq -r .id
}
ven_events() { curl -s --max-time 5 "http://127.0.0.1:$1/v1/events" | jq -c '[.events[] | select(.source == "ven")]'; }

# ---- 1. a notification, not the poll ---------------------------------------------------------
DP=$(free_port)
write_config "$T/notify.yaml" "$DP" 60s "http://127.0.0.1:$DP/openadr/notify"
start_daemon "$T/notify.yaml" "$T/d1.log"
subscribed() { grep -q "ven: subscribed" "$T/d1.log"; }
wait_for 20 "the VEN's subscription" subscribed
admin "$VTN/_test/subscriptions" | jq -e --arg cb "http://127.0.0.1:$DP/openadr/notify" 'map(select(.objectOperations[0].callbackUrl == $cb)) | length == 1' >/dev/null \
    || fail "the VTN has no subscription with the daemon's callback: $(admin "$VTN/_test/subscriptions")"
# notifications as a JSON string holding the object, as some VTNs send them
admin -X POST "$VTN/_test/quirks" -d '{"notify_string": true}' >/dev/null
T_PUB=$(date +%s.%N)
E1=$(publish notify-1 30 PT20S)
taken() { [ "$(ven_events "$DP" | jq 'length')" = 1 ]; }
wait_for 10 "the event taken through the notification (the poll is 60 s)" taken
DT=$(awk -v a="$T_PUB" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
grep -q "ven: notification from the VTN: CREATE EVENT" "$T/d1.log" || fail "no notification in the daemon's log"
admin "$VTN/_test/notifications" | jq -e 'map(select(.objectType == "EVENT" and .status == 200)) | length >= 1' >/dev/null \
    || fail "the VTN's notification was not answered 200: $(admin "$VTN/_test/notifications")"
note "1. subscribed; event $E1 taken ${DT} s after it was published (poll: 60 s)"

# ---- 2. withdrawn --------------------------------------------------------------------------
admin -X DELETE "$VTN/_test/events/$E1" >/dev/null
cancelled() { ven_events "$DP" | jq -e '.[0].state == "done" and (.[0].note | test("cancelled"))' >/dev/null; }
wait_for 10 "the withdrawn event cancelled" cancelled
sleep 1.5
[ "$(admin "$VTN/_test/reports" | jq 'length')" = 0 ] || fail "a report was posted for a withdrawn event"
note "2. withdrawn at the VTN: cancelled in the daemon, no report"
kill -TERM "$DPID"; wait "$DPID" 2>/dev/null

# ---- 3. the field's quirks, and a revoked token ----------------------------------------------
admin -X POST "$VTN/_test/quirks" -d '{"scope_array": true, "no_expires_in": true, "created_with_space": true, "status_as_string": true, "shuffle_pages": true, "page_max": 2}' >/dev/null
for i in 1 2 3; do admin -X POST "$VTN/_test/programs" -d "{\"programName\": \"other-$i\"}" >/dev/null; done
DP=$(free_port)
write_config "$T/quirks.yaml" "$DP" 1s
start_daemon "$T/quirks.yaml" "$T/d2.log"
registered() { grep -q "ven: registered" "$T/d2.log"; }
wait_for 20 "registration against the quirky VTN" registered
E2=$(publish quirky 3 PT5S)
taken2() { [ "$(ven_events "$DP" | jq 'length')" = 1 ]; }
wait_for 10 "the event taken from the quirky VTN" taken2
admin -X POST "$VTN/_test/tokens/revoke" >/dev/null
reported() { admin "$VTN/_test/reports" | jq -e --arg e "$E2" 'map(select(.eventID == $e)) | length == 1' >/dev/null; }
wait_for 30 "the report of the quirky event" reported
[ "$(grep -c "ven: token from" "$T/d2.log")" -ge 2 ] || fail "the token was not renewed after the revocation"
admin "$VTN/_test/reports" | jq -e --arg e "$E2" '.[] | select(.eventID == $e) | .resources[0].resourceName == "lab-meter" and (.resources[0].intervals | length) >= 1' >/dev/null \
    || fail "the report: $(admin "$VTN/_test/reports")"
kill -TERM "$DPID"; wait "$DPID"; rc=$?
[ "$rc" = 0 ] || fail "the daemon exited $rc on SIGTERM"
note "3. quirky VTN: registered, event $E2 taken, token renewed after a revocation, report posted"
note "ok"
exit 0
