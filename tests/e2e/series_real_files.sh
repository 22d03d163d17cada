#!/bin/bash
# e2e: `gridsplit series` on the real exports in $GS_SHARED/data: hourly prices (a year, no
# gaps), ERCOT day-ahead prices converted from Central time through both DST changes, EIA-930
# demand with its missing hours reported, carbon to daily means, an nvidia-smi log to 1 s,
# a glob of files, and the JSON report. Skipped (77) when the data is absent.
set -u
: "${GS_BIN:?GS_BIN must point at the gridsplit binary}"
D=${GS_SHARED:-/work/shared}/data
[ -d "$D/prices" ] || { echo "skip: $D absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if [ "$2" != "$3" ]; then printf 'FAIL %s:\n got: %s\nwant: %s\n' "$1" "$2" "$3"; fail=1; fi; }

"$GS_BIN" series "$D/prices/US-TEX-ERCO/2023/*.csv.zst" --out "$tmp/p.csv" || fail=1
check price_rows "$(wc -l < "$tmp/p.csv")" 8761
check price_first "$(sed -n 2p "$tmp/p.csv")" "2023-01-01T00:00:00Z,10.42"
check price_last_stamp "$(tail -1 "$tmp/p.csv" | cut -d, -f1)" "2023-12-31T23:00:00Z"

spp="$D/ercot/dam_spp/rpt.00013060.0000000000000000.DAMLZHBSPP_2015.csv.zst"
out=$("$GS_BIN" series "$spp" --from 2015-11-01T05:00Z --to 2015-11-01T09:00Z)
check ercot_fall_back "$out" "timestamp,value
2015-11-01T05:00:00Z,15.76
2015-11-01T06:00:00Z,15.5
2015-11-01T07:00:00Z,15.34
2015-11-01T08:00:00Z,13.22"
out=$("$GS_BIN" series "$spp" --from 2015-03-08T06:00Z --to 2015-03-08T09:00Z --column HB_NORTH --report 2>&1 >/dev/null)
check ercot_spring_forward_no_gap "$out" "series 'HB_NORTH' (USD/MWh): 8760 points -> 3 steps of 3600 s; 0 gaps, 0 duplicates, 0 outliers, 0 filled"
check ercot_year_rows "$("$GS_BIN" series "$spp" | wc -l)" 8761

as="$D/ercot/dam_as_mcpc/rpt.00013091.0000000000000000.20160101080005.DAMASMCPC_2015.csv.zst"
check ercot_as_regup "$("$GS_BIN" series "$as" --column REGUP --from 2015-01-01T06:00Z --to 2015-01-01T07:00Z | tail -1)" "2015-01-01T06:00:00Z,2.11"

"$GS_BIN" series "$D/eia930/release_2025_Jan_include_subregions/original_eia_files/PJM.csv.zst" \
    --report-json "$tmp/r.json" --out "$tmp/pjm.csv" || fail=1
grep -q '"kind": "outlier", "t": "2021-' "$tmp/r.json" || { echo "FAIL eia930: PJM 2021 sentinel not reported as an outlier"; fail=1; }
grep -q '"kind": "gap"' "$tmp/r.json" || { echo "FAIL eia930: missing hours not reported as gaps"; fail=1; }

out=$("$GS_BIN" series "$D/carbon/DE-LU/2023/*.csv.zst" --step 1d --column lca | sed -n 2p)
case "$out" in 2023-01-01T00:00:00Z,[0-9]*) ;; *) echo "FAIL carbon daily: $out"; fail=1;; esac

"$GS_BIN" series "$D/gpu_power/h100_training/ckpt100.csv.zst" --step 1s --out "$tmp/g.csv" || fail=1
check gpu_seconds "$(wc -l < "$tmp/g.csv")" 699
check gpu_first "$(sed -n 2p "$tmp/g.csv" | cut -d, -f1)" "2025-07-27T00:34:45Z"

check glob_two_years "$("$GS_BIN" series "$D/prices/DE-LU/202[23]/*.csv.zst" | wc -l)" 17521
exit $fail
