#!/usr/bin/env bash
# Run the main commands on the bundled examples and print a sha256 of every output file, one
# line each, so that a refactoring can show its outputs unchanged byte for byte:
#   scripts/outputs_digest.sh build/gridsplit > before.txt   (old tree)
#   scripts/outputs_digest.sh build/gridsplit > after.txt    (new tree); diff before.txt after.txt
# Needs ../shared (or $GS_SHARED) for the real example and headroom. Outputs go to a temporary
# folder that is removed at the end.
set -euo pipefail
BIN=$(realpath "${1:-build/gridsplit}")
cd "$(dirname "$0")/.."
export GS_SHARED=${GS_SHARED:-$(realpath ../shared)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

run() { # name, then the command's arguments (outputs under $T/name)
    local name=$1; shift
    "$BIN" "$@" > "$T/$name.stdout" 2> "$T/$name.stderr" || { echo "$name: exit $?" >&2; cat "$T/$name.stderr" >&2; exit 1; }
}
run sim-demo    simulate examples/demo/fleet.yaml --out "$T/sim-demo"
run sim-real    simulate examples/real/fleet.yaml --out "$T/sim-real"
run sim-flex    simulate examples/demo/fleet.yaml --out "$T/sim-flex" --policy flexible \
                --events catalog,examples/events/reduce_by_site.json
run flex-demo   flex examples/demo/fleet.yaml --out "$T/flex-demo"
run flex-real   flex examples/real/fleet.yaml --out "$T/flex-real"
run route-real  route examples/real/fleet.yaml --out "$T/route-real"
run route-cap   route examples/demo/fleet.yaml --out "$T/route-cap" --from 2024-07-16 --to 2024-07-17 \
                --events examples/events/ashburn_cap.json
run site-train  site examples/sites/candidates.yaml --class training --out "$T/site-train"
run site-inf    site examples/sites/candidates.yaml --class inference --out "$T/site-inf" --choose 4
run headroom    headroom --eia930 "$GS_SHARED/data/eia930" --all --from 2016 --to 2024 --format csv
run plan-site   plan examples/demo/fleet.yaml --event examples/events/reduce_by_site.json
run plan-oadr   plan examples/demo/fleet.yaml --event examples/events/openadr_capacity_limit.json
cd "$T"
# messages name the temporary folder and some give timings: normalise both
sed -i -e "s|$T|OUT|g" -e 's/[0-9.]* s\b/N s/g' ./*.stdout ./*.stderr
find . -type f | LC_ALL=C sort | while read -r f; do
    printf '%s  %s\n' "$(sha256sum < "$f" | cut -c1-16)" "$f"
done
