#!/usr/bin/env bash
# gridsplit trace --format json prints the five documented keys (plus extras) as one JSON
# object; --emit-params prints a training run's fragment that `gridsplit check` accepts pasted
# into a run as it is (every key of it, not only the checkpoint's durations); the GPU count is
# the one detected in a per-GPU log unless --gpus says otherwise; text names the figures.
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
# the GPUs of a per-GPU log are detected (8 here): the per-GPU level without --gpus
j=$("$GS_BIN" trace --format json "$D/ckpt1000.csv.zst" | jq -c '[.gpus, (.steady_w_per_gpu | floor)]')
[[ "$j" =~ ^\[8,55[0-9]\]$ ]] || { echo "FAIL: detected GPUs and W per GPU: $j (want [8,55x])"; fail=1; }
t8=$("$GS_BIN" trace "$D/ckpt1000.csv.zst")
grep -Eq '^steady +4[0-9]{3} W \(55[0-9]\.[0-9] W per GPU, 8 GPUs\)' <<<"$t8" || { echo "FAIL: text per GPU: $t8"; fail=1; }
# every key of the fragment (comments dropped), pasted into a run, is one `check` accepts: with
# --gpu the run's utilisation, (553 - 72 idle) / (700 - 72) for H100s; without it, no key but
# the checkpoint's
paste_run() { # name, fragment: the demo fleet's first run with the fragment's keys
    local keys
    keys=$(grep -v '^#' <<<"$2" | sed 's/  #.*$//' | paste -sd, - | sed 's/,/, /g; s/,  */, /g')
    sed "0,/checkpoint: {[^}]*}/s//$keys/" "$GS_SRC/examples/demo/fleet.yaml" >"$tmp/$1.yaml"
    grep -qF "$keys" "$tmp/$1.yaml" || { echo "FAIL $1: fragment not pasted: $keys"; fail=1; }
    "$GS_BIN" check "$tmp/$1.yaml" >/dev/null 2>"$tmp/$1.err" ||
        { echo "FAIL $1: check refuses the pasted fragment '$keys': $(cat "$tmp/$1.err")"; fail=1; }
}
tmp=$(mktemp -d)
pu=$("$GS_BIN" trace --emit-params --gpu H100 "$D/ckpt1000.csv.zst") || { echo "FAIL: params --gpu exit"; fail=1; }
grep -Eq '^utilisation: 0\.7[5-7][0-9]  # steady 55[0-9]\.[0-9] W per GPU \(4[0-9]{3}\.[0-9] W / 8 GPUs\) on H100' <<<"$pu" ||
    { echo "FAIL: utilisation: $pu"; fail=1; }
paste_run with_gpu "$pu"
paste_run without_gpu "$p"
paste_run gpus_given "$("$GS_BIN" trace --emit-params --gpus 8 --gpu H100 "$D/ckpt1000.csv.zst")"
# a level outside the model's idle..board range gives no utilisation entry (a comment says why)
p4=$("$GS_BIN" trace --emit-params --gpus 2 --gpu H100 "$D/ckpt1000.csv.zst")
if grep -q '^utilisation:' <<<"$p4"; then echo "FAIL: 2 GPUs at 2.2 kW each: $p4"; fail=1; fi
paste_run out_of_range "$p4"
rm -rf "$tmp"
p1=$("$GS_BIN" trace --format yaml-params "$D/ckpt1.csv.zst")
if grep -q '^checkpoint:' <<<"$p1"; then echo "FAIL: ckpt1 should have no checkpoint entry: $p1"; fail=1; fi

t=$("$GS_BIN" trace "$D/ckpt100.csv.zst")
grep -q '^period          46\.' <<<"$t" || { echo "FAIL: text: $t"; fail=1; }
t1=$("$GS_BIN" trace "$D/ckpt1.csv.zst")
grep -q '^period          none' <<<"$t1" || { echo "FAIL: text ckpt1: $t1"; fail=1; }
[ $fail = 0 ] && echo ok
exit $fail
