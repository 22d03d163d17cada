#!/usr/bin/env bash
# gridsplit trace --format json prints the five documented keys (plus extras) as one JSON
# object; --emit-params prints the training-model fragment, whose durations `gridsplit check`
# reads back when pasted into a fleet; text names the figures.
set -u
D="${GS_SHARED:-/work/shared}/data/gpu_power/h100_training"
if [ ! -f "$D/ckpt100.csv.zst" ]; then
    echo "skip: $D absent"
    exit 77
fi
fail=0
out=$("$GS_BIN" trace --format json "$D/ckpt100.csv.zst") || { echo "FAIL: exit $?"; exit 1; }
keys=$(jq -r '[.steady_w, .dip_w, .dip_period_s, .dip_duration_s, .dip_share] | map(type) | join(",")' <<<"$out")
[ "$keys" = "number,number,number,number,number" ] || { echo "FAIL: key types $keys"; fail=1; }
first=$(jq -r 'keys_unsorted[0:5] | join(",")' <<<"$out")
[ "$first" = "steady_w,dip_w,dip_period_s,dip_duration_s,dip_share" ] || { echo "FAIL: key order $first"; fail=1; }
for k in samples start_s end_s span_s dips stops periodic dip_list; do
    jq -e "has(\"$k\")" <<<"$out" >/dev/null || { echo "FAIL: no key $k"; fail=1; }
done
none=$("$GS_BIN" trace --format json "$D/ckpt1.csv.zst" | jq -c '[.dip_period_s, .dip_w, .dip_duration_s]')
[ "$none" = "[null,null,null]" ] || { echo "FAIL: ckpt1 gives $none"; fail=1; }

p=$("$GS_BIN" trace --emit-params --gpus 8 "$D/ckpt1000.csv.zst") || { echo "FAIL: params exit"; fail=1; }
grep -Eq '^checkpoint: \{interval: 25[0-4](\.[0-9])?s, duration: 1[6-9](\.[0-9])?s, power_frac: 0\.2[0-9]+\}$' <<<"$p" || { echo "FAIL: params: $p"; fail=1; }
# the fragment, pasted into a fleet's run, is accepted by `gridsplit check` as it is
ckpt=$(grep '^checkpoint: ' <<<"$p" | sed 's/^checkpoint: //')
tmp=$(mktemp -d)
sed "0,/checkpoint: {[^}]*}/s//checkpoint: $ckpt/" "$GS_SRC/examples/demo/fleet.yaml" >"$tmp/fleet.yaml"
grep -qF "checkpoint: $ckpt" "$tmp/fleet.yaml" || { echo "FAIL: fragment not pasted"; fail=1; }
"$GS_BIN" check "$tmp/fleet.yaml" >/dev/null || { echo "FAIL: check refuses the pasted fragment $ckpt"; fail=1; }
rm -rf "$tmp"
grep -Eq '^steady_w_per_gpu: 55[0-9]\.[0-9]' <<<"$p" || { echo "FAIL: per-GPU watts: $p"; fail=1; }
p1=$("$GS_BIN" trace --format yaml-params "$D/ckpt1.csv.zst")
if grep -q '^checkpoint:' <<<"$p1"; then echo "FAIL: ckpt1 should have no checkpoint entry: $p1"; fail=1; fi

t=$("$GS_BIN" trace "$D/ckpt100.csv.zst")
grep -q '^period          46\.' <<<"$t" || { echo "FAIL: text: $t"; fail=1; }
t1=$("$GS_BIN" trace "$D/ckpt1.csv.zst")
grep -q '^period          none' <<<"$t1" || { echo "FAIL: text ckpt1: $t1"; fail=1; }
[ $fail = 0 ] && echo ok
exit $fail
