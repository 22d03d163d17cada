#!/usr/bin/env bash
# check.sh: `gridsplit check` accepts the full example of docs/fleet-format.md with its one-line
# summary, resolves regions_file and relative paths, refuses bad usage with exit code 2, and
# with --series loads the example's real series from $GS_SHARED (skipped, exit 77, without it).
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
shared="${GS_SHARED:-$GS_SRC/../shared}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the documented example, exactly as the page shows it
sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$GS_SRC/docs/fleet-format.md" |
    sed -e '/<!-- example:/d' -e '/^```/d' > "$tmp/demo.yaml"
[ -s "$tmp/demo.yaml" ] || fail "no example found in docs/fleet-format.md"
out=$("$GS_BIN" check "$tmp/demo.yaml") || fail "check of the documented example failed: $out"
want="fleet 'demo': 2 sites, 2 clusters (41.8 MW nameplate training, 5.2 MW inference), 2 runs, 1 service, 3 regions: ok"
[ "$out" = "$want" ] || fail "summary: expected '$want', got '$out'"
grep -qF "$want" "$GS_SRC/docs/fleet-format.md" || fail "docs/fleet-format.md does not show the summary '$want'"

# regions in a separate file, relative to the fleet file (run from another directory)
mkdir -p "$tmp/sub"
cat > "$tmp/sub/regions.yaml" <<'YAML'
regions:
  - {id: eu, lat: 50.1, lon: 8.7, tz: Europe/Berlin, share: 0.5}
  - {id: sg, lat: 1.35, lon: 103.8, tz: Asia/Singapore, share: 0.5}
YAML
sed -e '/^    regions:$/,$d' "$tmp/demo.yaml" > "$tmp/sub/fleet.yaml"
echo "    regions_file: regions.yaml" >> "$tmp/sub/fleet.yaml"
out=$(cd / && "$GS_BIN" check "$tmp/sub/fleet.yaml") || fail "regions_file: $out"
[[ "$out" == *"1 service, 2 regions: ok" ]] || fail "regions_file summary: $out"

# an unset variable in a path is named
sed -e 's/\${GS_SHARED}/${GS_NO_SUCH_VARIABLE_X}/' "$tmp/demo.yaml" > "$tmp/var.yaml"
out=$(env -u GS_NO_SUCH_VARIABLE_X "$GS_BIN" check "$tmp/var.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "unset variable: exit $rc"
[[ "$out" == *"var.yaml:7:20: field 'zones[0].price.path': environment variable 'GS_NO_SUCH_VARIABLE_X' is not set"* ]] ||
    fail "unset variable message: $out"

# usage
"$GS_BIN" check --help | grep -q "usage: gridsplit check FLEET.yaml" || fail "--help"
"$GS_BIN" check >/dev/null 2>&1; [ $? -eq 2 ] || fail "no argument: expected exit 2"
"$GS_BIN" check --bogus "$tmp/demo.yaml" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: expected exit 2"
out=$("$GS_BIN" check "$tmp/nope.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc"
[[ "$out" == *"nope.yaml: no such file"* ]] || fail "missing file: $out"

# --series: the example's series, from the shared data
if [ ! -d "$shared/data/prices/US-TEX-ERCO/2023" ]; then
    echo "SKIP --series: no shared data at $shared"
    exit 77
fi
out=$(GS_SHARED="$shared" "$GS_BIN" check --series "$tmp/demo.yaml") || fail "--series: $out"
echo "$out" | grep -q "zones\[0\].price .*ERCOT price .* 8760 values, step 3600 s, 2023-01-01T00:00:00Z .. 2024-01-01T00:00:00Z" ||
    fail "--series ERCOT price: $out"
echo "$out" | grep -q "^3 series loaded$" || fail "--series count: $out"
# an importer error names the fleet field that referenced the file
sed -e 's|US-MIDA-PJM/2023/\*.csv.zst", format: price|US-MIDA-PJM/2023/*.csv.zst", format: eia930|' "$tmp/demo.yaml" > "$tmp/fmt.yaml"
out=$(GS_SHARED="$shared" "$GS_BIN" check --series "$tmp/fmt.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "wrong importer: exit $rc ($out)"
[[ "$out" == *"field 'zones[1].price'"* ]] || fail "wrong importer message: $out"
echo "ok"
