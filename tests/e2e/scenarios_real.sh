#!/usr/bin/env bash
# scenarios_real.sh: the worked examples of docs/scenarios.md, byte for byte. Every fenced block
# of the page that starts with "$ gridsplit scenarios examples/real/fleet.yaml" is run (from a
# folder whose examples/ is the repository's, so that the paths printed are the page's) and its
# standard output must be the block's lines after the command. The real fleet reads the 2023
# series of ../shared/data; also: summary.json of the first run parses without NaN, and the
# headroom of ERCOT and PJM-DOM equals `gridsplit headroom` on the same EIA-930 years. Skipped
# (77) where ../shared/data is absent.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
: "${GS_SHARED:?GS_SHARED must name the shared data folder}"
[ -d "$GS_SHARED/data/eia930" ] || { echo "no $GS_SHARED/data/eia930: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_scenarios_real.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ln -s "$GS_SRC/examples" "$tmp/examples"

python3 - "$GS_SRC/docs/scenarios.md" "$tmp" <<'PY'
import os, sys
doc, tmp = sys.argv[1], sys.argv[2]
lines = open(doc).read().split("\n")
n, i = 0, 0
while i < len(lines):
    if lines[i].startswith("```") and i + 1 < len(lines) and \
            lines[i + 1].startswith("$ gridsplit scenarios examples/real/fleet.yaml"):
        j = i + 2
        body = []
        while not lines[j].startswith("```"):
            body.append(lines[j])
            j += 1
        with open(os.path.join(tmp, "cmd%d" % n), "w") as f:
            f.write(lines[i + 1][len("$ gridsplit "):] + "\n")
        with open(os.path.join(tmp, "want%d" % n), "w") as f:
            f.write("\n".join(body) + "\n")
        n += 1
        i = j
    i += 1
assert n >= 2, "expected the two worked examples in docs/scenarios.md, found %d" % n
PY

n=0
for cmd in "$tmp"/cmd*; do
    k=${cmd##*cmd}
    read -r -a args < "$cmd"
    (cd "$tmp" && "$GS_BIN" "${args[@]}") > "$tmp/got$k"
    if ! cmp -s "$tmp/want$k" "$tmp/got$k"; then
        echo "FAIL: docs/scenarios.md block $k differs from: gridsplit ${args[*]}"
        diff "$tmp/want$k" "$tmp/got$k" | head -20
        exit 1
    fi
    n=$((n + 1))
done

"$GS_BIN" headroom --eia930 "$GS_SHARED/data/eia930" --ba ERCOT --from 2020 --to 2024 \
    --rates 0.5 --format json > "$tmp/ercot.json"
"$GS_BIN" headroom --eia930 "$GS_SHARED/data/eia930" --ba PJM-DOM --from 2020 --to 2024 \
    --rates 0.5 --format json > "$tmp/dom.json"
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def no_nan(c):
    raise AssertionError("non-finite number: " + c)
j = json.load(open(f"{tmp}/out/scenarios/summary.json"), parse_constant=no_nan)
zones = {z["id"]: z["headroom_mw"] for z in j["zones"]}
for zone, f in (("ERCOT", "ercot"), ("PJM-DOM", "dom")):
    h = json.load(open(f"{tmp}/{f}.json"))
    want = h["results"][0]["headroom_mw"]
    assert abs(zones[zone] - want) <= 0.1, (zone, zones[zone], want)
print("ok")
PY
echo "ok: $n worked examples of docs/scenarios.md reproduced"
