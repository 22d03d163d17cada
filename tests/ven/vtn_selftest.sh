#!/usr/bin/env bash
# vtn_selftest.sh: proves the VEN's test harness (tests/ven/README.md) without the VEN: curl
# plays the VEN against the test VTN (vtn.mjs) through the validating proxy (proxy.mjs, Prism on
# the specification's OpenAPI document), then against Prism's stateless mock.
#  1. a VEN's whole conversation through the proxy (token URL from /auth/server, token with form
#     fields, registration, programs in pages of 50, events by program and by targets, a USAGE
#     report, a subscription with the echo check and its webhook notification, a 401 after the
#     tokens are revoked and a new token): the violation log stays empty;
#  2. requests that break the document (no token, limit=51, a ven without objectType, a report
#     without resources, a JSON token request, a path the document lacks): each is in the log;
#  3. answers that break it (the quirks scope_array, created_without_zone, status_as_string
#     switched on, through the proxy): each is in the log as a response violation;
#  4. every quirk of ../shared/FACTS.md, directly against the VTN (never through the proxy);
#  5. the mock: the VEN's requests raise no violation, a bad one does.
# Exit 0, 1 on a failure, 77 (skipped) outside CI when node, curl, jq or the npm packages of
# tests/ven are missing; under CI=true that is a failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${GS_SHARED:-$HERE/../../../shared}
SPEC=$SHARED/specs/openadr3/3.1.0/openadr3.yaml

skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "vtn_selftest: $* (under CI: a failure)" >&2; exit 1; fi
    echo "vtn_selftest: skipped: $*" >&2; exit 77
}
for t in node curl jq; do command -v "$t" >/dev/null || skip_or_fail "$t is not installed"; done
[ -f "$HERE/node_modules/@stoplight/prism-http/package.json" ] \
    || skip_or_fail "the npm packages of tests/ven are not installed (cd tests/ven && npm ci)"
[ -f "$SPEC" ] || skip_or_fail "no OpenAPI document at $SPEC"

T=$(mktemp -d "${TMPDIR:-/tmp}/gs_vtn_selftest.XXXXXX")
PIDS=()
FAILED=0
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [ "$FAILED" != 0 ]; then
        for f in "$T"/*.err "$T"/viol*.jsonl; do [ -s "$f" ] && { echo "---- $f" >&2; tail -n 20 "$f" >&2; }; done
    fi
    rm -rf "$T"
}
trap cleanup EXIT
CHECKS=0
fail() { echo "vtn_selftest: FAIL: $*" >&2; FAILED=1; exit 1; }
ok() { CHECKS=$((CHECKS + 1)); echo "vtn_selftest: ok: $*" >&2; }
wait_file() { # FILE WHAT
    local i
    for i in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done
    fail "timed out waiting for $2"
}

# ---- the VTN, the proxy in front of it, a webhook receiver --------------------------------
node "$HERE/vtn.mjs" --port-file "$T/vtn.port" --client gs-ven:gs-secret --client other:other-secret 2>"$T/vtn.err" &
PIDS+=($!)
wait_file "$T/vtn.port" "the VTN's port"
VTN=http://127.0.0.1:$(cat "$T/vtn.port")
node "$HERE/proxy.mjs" --spec "$SPEC" --upstream "$VTN" --port-file "$T/proxy.port" \
    --violations "$T/viol.jsonl" --log "$T/proxy.log" --workdir "$T/spec" 2>"$T/proxy.err" &
PIDS+=($!)
wait_file "$T/proxy.port" "the proxy's port"
B=http://127.0.0.1:$(cat "$T/proxy.port")/openadr3/3.1.0
cat >"$T/hook.mjs" <<'EOF'
// the VEN's webhook stand-in: answers the echo check, records each notification
import http from 'node:http';
import fs from 'node:fs';
const [portFile, rec] = process.argv.slice(2);
const s = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (req.method === 'GET' && u.pathname.endsWith('/echo')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end(u.searchParams.get('echo') || '');
    }
    let b = '';
    req.on('data', c => (b += c));
    req.on('end', () => {
        fs.appendFileSync(rec, JSON.stringify({ auth: req.headers.authorization || null, body: b }) + '\n');
        res.writeHead(200); res.end();
    });
});
s.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(s.address().port)));
EOF
node "$T/hook.mjs" "$T/hook.port" "$T/hook.jsonl" 2>"$T/hook.err" &
PIDS+=($!)
wait_file "$T/hook.port" "the webhook's port"
HOOK=http://127.0.0.1:$(cat "$T/hook.port")/gs-hook

# curl helpers: -w appends the status on its own line; BODY and CODE are set
req() { # METHOD URL [curl args...]
    local m=$1 u=$2 out; shift 2
    out=$(curl -sS --max-time 20 -X "$m" -w '\n%{http_code}' "$@" "$u") || fail "curl $m $u failed"
    CODE=${out##*$'\n'}
    BODY=${out%$'\n'*}
}
admin() { # METHOD PATH [JSON]
    if [ -n "${3:-}" ]; then req "$1" "$VTN/_test$2" -H 'Content-Type: application/json' --data-binary "$3"
    else req "$1" "$VTN/_test$2"; fi
}
nviol() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
token() { # BASE [CLIENT SECRET] -> sets TOK
    req GET "$1/auth/server"
    [ "$CODE" = 200 ] || fail "GET /auth/server: $CODE $BODY"
    local url
    url=$(jq -r .tokenURL <<<"$BODY")
    req POST "$url" --data-urlencode grant_type=client_credentials \
        --data-urlencode client_id="${2:-gs-ven}" --data-urlencode client_secret="${3:-gs-secret}"
    [ "$CODE" = 200 ] || fail "POST $url: $CODE $BODY"
    TOK=$(jq -r .access_token <<<"$BODY")
    TOKEN_BODY=$BODY
}
get() { req GET "$1" -H "Authorization: Bearer $TOK"; }
post() { req POST "$1" -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' --data-binary "$2"; }

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
NOW=$(date +%s)

# ---- 1. a VEN's conversation, through the proxy: no violation -----------------------------
req GET "$B/auth/server"
[ "$(jq -r .tokenURL <<<"$BODY")" = "$B/auth/token" ] || fail "the token URL is not the proxy's: $BODY"
token "$B"
jq -e '.token_type == "Bearer" and (.expires_in | type) == "number" and (.scope | type) == "string"' <<<"$TOKEN_BODY" >/dev/null \
    || fail "token answer: $TOKEN_BODY"
ok "token through the proxy (tokenURL from /auth/server points at the proxy)"
get "$B/vens?venName=gs-e2e"
[ "$CODE" = 200 ] && [ "$BODY" = "[]" ] || fail "GET /vens?venName before registration: $CODE $BODY"
# pretty-printed, with numbers the proxy re-serialises shorter (1.0 -> 1): the length it
# forwards must be its own
post "$B/vens" $'{\n  "objectType": "VEN_VEN_REQUEST",\n  "venName": "gs-e2e",\n  "attributes": [{"type": "GS_NOTE", "values": [1.0, 2.50]}]\n}'
[ "$CODE" = 201 ] || fail "POST /vens: $CODE $BODY"
VEN_ID=$(jq -r .id <<<"$BODY")
jq -e '.objectType == "VEN" and .venName == "gs-e2e" and .clientID == "gs-ven"' <<<"$BODY" >/dev/null || fail "ven: $BODY"
get "$B/vens?venName=gs-e2e"
[ "$(jq -r '.[0].id' <<<"$BODY")" = "$VEN_ID" ] || fail "GET /vens?venName after registration: $BODY"
get "$B/vens/$VEN_ID"
[ "$CODE" = 200 ] || fail "GET /vens/$VEN_ID: $CODE"
token "$B" other other-secret
get "$B/vens?venName=gs-e2e"
[ "$BODY" = "[]" ] || fail "another client sees this VEN: $BODY"
token "$B"
ok "registration: GET /vens?venName= empty, POST /vens 201 ($VEN_ID), found after, not by another client"

# 55 programs: two pages
for i in $(seq 1 55); do
    admin POST /programs "{\"programName\": \"prog-$i\"}"
    [ "$CODE" = 201 ] || fail "POST /_test/programs: $CODE $BODY"
    [ "$i" = 1 ] && PROG=$(jq -r .id <<<"$BODY")
done
get "$B/programs?skip=0&limit=50"
[ "$(jq length <<<"$BODY")" = 50 ] || fail "first page of programs: $(jq length <<<"$BODY")"
get "$B/programs?skip=50&limit=50"
[ "$(jq length <<<"$BODY")" = 5 ] || fail "second page of programs: $(jq length <<<"$BODY")"
ok "programs in pages of 50 (55 = 50 + 5)"

EV=$(jq -nc --arg p "$PROG" --arg s "$(iso $((NOW + 60)))" '{programID: $p, eventName: "selftest limit",
    intervalPeriod: {start: $s, duration: "PT20S"},
    payloadDescriptors: [{objectType: "EVENT_PAYLOAD_DESCRIPTOR", payloadType: "IMPORT_CAPACITY_LIMIT", units: "KW"}],
    targets: ["lab-meter"],
    intervals: [{id: 0, payloads: [{type: "IMPORT_CAPACITY_LIMIT", values: [812.5]}]}]}')
admin POST /events "$EV"
[ "$CODE" = 201 ] || fail "POST /_test/events: $CODE $BODY"
EVENT_ID=$(jq -r .id <<<"$BODY")
admin POST /events "$(jq -c '.targets = ["elsewhere"] | .eventName = "not ours"' <<<"$EV")"
get "$B/events?programID=$PROG&skip=0&limit=50"
[ "$(jq length <<<"$BODY")" = 2 ] || fail "events of $PROG: $BODY"
get "$B/events?programID=$PROG&targets=lab-meter&targets=other&skip=0&limit=50"
jq -e --arg id "$EVENT_ID" 'length == 1 and .[0].id == $id and .[0].intervals[0].payloads[0].values[0] == 812.5' <<<"$BODY" >/dev/null \
    || fail "events by targets: $BODY"
ok "events by programID, and by repeated targets= ($EVENT_ID)"

REPORT=$(jq -nc --arg e "$EVENT_ID" --arg s "$(iso $((NOW + 60)))" '{eventID: $e, clientName: "gs-e2e",
    reportName: "gridsplit event 1: load achieved",
    payloadDescriptors: [{objectType: "REPORT_PAYLOAD_DESCRIPTOR", payloadType: "USAGE", readingType: "DIRECT_READ", units: "KW"}],
    resources: [{resourceName: "lab-meter", intervals: [{id: 0, intervalPeriod: {start: $s, duration: "PT20S"},
        payloads: [{type: "USAGE", values: [790.25]}]}]}]}')
post "$B/reports" "$REPORT"
[ "$CODE" = 201 ] || fail "POST /reports: $CODE $BODY"
jq -e '.objectType == "REPORT" and .clientID == "gs-ven" and (.id | length) > 0' <<<"$BODY" >/dev/null || fail "report: $BODY"
admin GET /reports
jq -e --arg e "$EVENT_ID" 'length == 1 and .[0].eventID == $e and .[0].resources[0].intervals[0].payloads[0].values[0] == 790.25' <<<"$BODY" >/dev/null \
    || fail "GET /_test/reports: $BODY"
get "$B/reports?eventID=$EVENT_ID&clientName=gs-e2e"
[ "$(jq length <<<"$BODY")" = 1 ] || fail "GET /reports?eventID=: $BODY"
ok "a USAGE report posted (201) and read back by the admin API"

SUB=$(jq -nc --arg u "$HOOK" '{clientName: "gs-e2e", objectOperations: [{objects: ["EVENT"],
    operations: ["CREATE", "UPDATE", "DELETE"], callbackUrl: $u, bearerToken: "hook-token"}]}')
post "$B/subscriptions" "$SUB"
[ "$CODE" = 201 ] || fail "POST /subscriptions: $CODE $BODY"
get "$B/subscriptions?clientName=gs-e2e"
[ "$(jq length <<<"$BODY")" = 1 ] || fail "GET /subscriptions: $BODY"
admin POST /events "$(jq -c '.eventName = "notified"' <<<"$EV")"
NOTIFIED=$(jq -r .id <<<"$BODY")
for i in $(seq 100); do [ -s "$T/hook.jsonl" ] && break; sleep 0.1; done
jq -e --arg id "$NOTIFIED" '.auth == "Bearer hook-token" and (.body | fromjson | .objectType == "EVENT"
    and .operation == "CREATE" and .object.id == $id)' "$T/hook.jsonl" >/dev/null \
    || fail "webhook notification: $(cat "$T/hook.jsonl" 2>/dev/null)"
post "$B/subscriptions" "$(jq -c '.objectOperations[0].callbackUrl = "http://127.0.0.1:9/nobody"' <<<"$SUB")"
[ "$CODE" = 400 ] || fail "a subscription whose callback fails the echo check: $CODE $BODY"
ok "subscription: echo check passed, notification with the bearer token; a dead callback refused (400)"

admin POST /tokens/revoke
get "$B/programs?limit=1"
[ "$CODE" = 401 ] && jq -e '.status == 401' <<<"$BODY" >/dev/null || fail "after revoke: $CODE $BODY"
token "$B"
get "$B/programs?limit=1"
[ "$CODE" = 200 ] || fail "with a new token: $CODE"
ok "401 (problem body) after the tokens are revoked, 200 with a new token"

[ "$(nviol "$T/viol.jsonl")" = 0 ] || fail "the VEN's conversation raised violations: $(cat "$T/viol.jsonl")"
ok "the proxy found no violation in $(wc -l <"$T/proxy.log") exchanges"

# ---- 2. requests that break the document ---------------------------------------------------
expect_viol() { # WHERE JQ-TEST DESCRIPTION: the lines added since $V0 hold such a violation
    local new
    new=$(tail -n +$((V0 + 1)) "$T/viol.jsonl")
    [ -n "$new" ] || fail "$3: the proxy logged no violation"
    jq -se --arg w "$1" "any(.[]; .where == \$w and ($2))" <<<"$new" >/dev/null \
        || fail "$3: not the violation expected: $new"
    ok "$3 -> $(jq -sr '.[0] | "\(.where): \(.location | join(".")) \(.message)"' <<<"$new")"
    V0=$(nviol "$T/viol.jsonl")
}
V0=0
req GET "$B/events?programID=$PROG"
expect_viol request '.message | test("security")' "no bearer token"
get "$B/events?limit=51"
expect_viol request '.location | index("limit")' "limit=51"
post "$B/vens" '{"venName": "no-type"}'
expect_viol request '.location[1] == "body"' "a ven without objectType"
post "$B/reports" "$(jq -c 'del(.resources)' <<<"$REPORT")"
expect_viol request '.message | test("resources")' "a report without resources"
req POST "$B/auth/token" -H 'Content-Type: application/json' --data-binary '{"grant_type": "client_credentials", "client_id": "gs-ven", "client_secret": "gs-secret"}'
expect_viol request '.message | test("content type|x-www-form-urlencoded"; "i")' "a token request as JSON"
get "$B/event?limit=1"
expect_viol route 'true' "a path the document does not have"

# ---- 3. answers that break it (quirks through the proxy, on purpose) -----------------------
admin POST /quirks '{"scope_array": true}'
token "$B"
expect_viol response '.location | index("scope")' "a token whose scope is an array"
admin POST /quirks '{"created_without_zone": true}'
get "$B/programs?limit=1"
expect_viol response '.location | index("createdDateTime")' "a createdDateTime without a zone"
admin POST /quirks '{"status_as_string": true}'
req GET "$B/programs?limit=1" -H "Authorization: Bearer wrong"
expect_viol response '.location | index("status")' "a problem whose status is a string"
admin POST /quirks '{}'

# ---- 4. the quirks, directly against the VTN -----------------------------------------------
D=$VTN/openadr3/3.1.0
admin POST /quirks '{"scope_array": true, "no_expires_in": true}'
token "$D"
jq -e '(.scope | type) == "array" and (has("expires_in") | not)' <<<"$TOKEN_BODY" >/dev/null || fail "scope_array/no_expires_in: $TOKEN_BODY"
ok "quirks scope_array, no_expires_in: $TOKEN_BODY"
admin POST /quirks '{"created_without_zone": true, "created_with_space": true}'
get "$D/programs?limit=1"
jq -e '.[0].createdDateTime | test("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?$")' <<<"$BODY" >/dev/null \
    || fail "created_without_zone + created_with_space: $BODY"
ok "quirks created_without_zone, created_with_space: $(jq -r '.[0].createdDateTime' <<<"$BODY")"
admin POST /quirks '{"status_as_string": true}'
req GET "$D/programs" -H "Authorization: Bearer wrong"
[ "$CODE" = 401 ] && jq -e '.status == "401"' <<<"$BODY" >/dev/null || fail "status_as_string: $CODE $BODY"
ok "quirk status_as_string: $BODY"
admin POST /quirks '{"shuffle_pages": true}'
token "$D"
get "$D/programs?limit=50"; P1=$(jq -c '[.[].id]' <<<"$BODY")
get "$D/programs?skip=50&limit=50"; P2=$(jq -c '[.[].id]' <<<"$BODY")
get "$D/programs?limit=50"
[ "$(jq -c '[.[].id]' <<<"$BODY")" = "$P1" ] || fail "shuffle_pages: the order is not stable"
ALL=$(jq -nc --argjson a "$P1" --argjson b "$P2" '$a + $b')
jq -e 'length == 55 and (unique | length) == 55' <<<"$ALL" >/dev/null || fail "shuffle_pages: pages lose or repeat programs: $ALL"
admin GET /programs
[ "$ALL" != "$(jq -c '[.[].id]' <<<"$BODY")" ] || fail "shuffle_pages: still in creation order"
ok "quirk shuffle_pages: a stable order that is not creation order, the pages cover every program once"
admin POST /quirks '{"page_max": 7}'
get "$D/programs?skip=0&limit=50"
[ "$(jq length <<<"$BODY")" = 7 ] || fail "page_max: $(jq length <<<"$BODY")"
ok "quirk page_max: 7 of 50 asked"
admin POST /quirks '{"expires_in": 1}'
token "$D"
[ "$(jq .expires_in <<<"$TOKEN_BODY")" = 1 ] || fail "expires_in: $TOKEN_BODY"
sleep 1.2
get "$D/programs?limit=1"
[ "$CODE" = 401 ] && jq -e '.detail | test("expired")' <<<"$BODY" >/dev/null || fail "an expired token: $CODE $BODY"
ok "quirk expires_in: 1 -> the token is refused after a second ($(jq -r .detail <<<"$BODY"))"
admin POST /quirks '{"fail_next": 2}'
req GET "$D/auth/server"; [ "$CODE" = 500 ] || fail "fail_next: first request $CODE"
req GET "$D/auth/server"; [ "$CODE" = 500 ] || fail "fail_next: second request $CODE"
req GET "$D/auth/server"; [ "$CODE" = 200 ] || fail "fail_next: third request $CODE"
ok "quirk fail_next: 2 -> two 500s, then served"
admin POST /quirks '{"notify_string": true}'
: >"$T/hook.jsonl"
admin PUT "/events/$NOTIFIED" "$(jq -c '.eventName = "moved"' <<<"$EV")"
for i in $(seq 100); do [ -s "$T/hook.jsonl" ] && break; sleep 0.1; done
jq -e '.body | fromjson | type == "string" and (fromjson | .object_type == "EVENT" and .operation == "UPDATE" and .object.event_name == "moved")' \
    "$T/hook.jsonl" >/dev/null || fail "notify_string: $(cat "$T/hook.jsonl")"
ok "quirk notify_string: the notification is a JSON string of snake_case fields"
admin POST /quirks '{"no_such_quirk": true}'
[ "$CODE" = 400 ] || fail "an unknown quirk was accepted"
admin POST /quirks '{}'

# ---- 5. Prism's stateless mock ---------------------------------------------------------------
node "$HERE/proxy.mjs" --spec "$SPEC" --mock --port-file "$T/mock.port" \
    --violations "$T/viol_mock.jsonl" --log "$T/mock.log" --workdir "$T/spec_mock" 2>"$T/mock.err" &
PIDS+=($!)
wait_file "$T/mock.port" "the mock's port"
M=http://127.0.0.1:$(cat "$T/mock.port")/openadr3/3.1.0
token "$M"
[ -n "$TOK" ] && [ "$TOK" != null ] || fail "the mock gave no token: $TOKEN_BODY"
get "$M/vens?venName=gs-e2e"; [ "$CODE" = 200 ] || fail "mock GET /vens: $CODE"
post "$M/vens" '{"objectType": "VEN_VEN_REQUEST", "venName": "gs-e2e"}'; [ "$CODE" = 201 ] || fail "mock POST /vens: $CODE"
get "$M/programs?skip=0&limit=50"; [ "$CODE" = 200 ] || fail "mock GET /programs: $CODE"
MP=$(jq -r '.[0].id' <<<"$BODY")
get "$M/events?programID=$MP&skip=0&limit=50"; [ "$CODE" = 200 ] || fail "mock GET /events: $CODE"
post "$M/reports" "$REPORT"; [ "$CODE" = 201 ] || fail "mock POST /reports: $CODE $BODY"
[ "$(nviol "$T/viol_mock.jsonl")" = 0 ] || fail "the VEN's requests to the mock raised violations: $(cat "$T/viol_mock.jsonl")"
ok "the mock: token, registration, programs, events, report without a request violation"
post "$M/reports" '{"eventID": "x"}'
[ "$(nviol "$T/viol_mock.jsonl")" -gt 0 ] || fail "the mock did not flag a report without clientName and resources"
ok "the mock flags a bad report: $(jq -r '"\(.location | join(".")) \(.message)"' "$T/viol_mock.jsonl" | head -n 1)"

echo "vtn_selftest: $CHECKS passed, 0 failed" >&2
exit 0
