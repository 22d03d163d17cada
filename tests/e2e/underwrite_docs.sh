#!/usr/bin/env bash
# underwrite_docs.sh: the figures docs/underwrite.md quotes are the ones gridsplit prints. Every
# "$ gridsplit underwrite DEAL --out DIR" block of the page is run from the source tree (into a
# scratch folder, named DIR in the output as in the page) and its lines must be the command's:
# all of them, in order, where the block has no "..." line; in order with gaps at each "...".
# Then the worked example's paragraphs: the spread's extremes, time to power's parts and the
# headroom, the coincident-peak charge of year 1 and the flat example's year 1 and 5 by hand,
# from summary.json and cashflow.csv. The blocks on the real 2020-2024 prices need
# ../shared/data: without it they are reported skipped (an error under CI) and the others run.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
have_data=0
[ -d "$GS_SHARED/data/prices/US-TEX-ERCO" ] && have_data=1
python3 - "$GS_SRC" "$GS_BIN" "$tmp" "$have_data" "${CI:-}" <<'PY'
import csv, json, os, re, subprocess, sys
src, gs, tmp, have_data, ci = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5]
lines = open(f"{src}/docs/underwrite.md").read().split("\n")
blocks, i = [], 0
while i < len(lines):
    m = re.match(r"^\$ gridsplit underwrite (\S+) --out (\S+)$", lines[i])
    if m and i > 0 and lines[i - 1] == "```":
        j = i + 1
        while lines[j] != "```":
            j += 1
        blocks.append((m.group(1), m.group(2), lines[i + 1:j]))
        i = j
    i += 1
assert len(blocks) >= 4, f"expected the page's command blocks, found {len(blocks)}"
runs, skipped = {}, []
for n, (deal, out, want) in enumerate(blocks):
    if "2020-2024" in deal and not have_data:
        skipped.append(deal)
        continue
    d = f"{tmp}/run{n}"
    p = subprocess.run([gs, "underwrite", deal, "--out", d], cwd=src, capture_output=True,
                       text=True)
    assert p.returncode == 0, (deal, p.stderr)
    got = p.stdout.replace(d, out).rstrip("\n").split("\n")
    runs[deal] = d
    if "..." not in want:
        for k, (a, b) in enumerate(zip(want, got)):
            assert a == b, f"{deal}: line {k + 1} of the page\n  page: {a}\n  gridsplit: {b}"
        assert len(want) == len(got), f"{deal}: {len(want)} lines in the page, {len(got)} printed"
    else:
        at = 0
        for a in want:
            if a == "...":
                continue
            while at < len(got) and got[at] != a:
                at += 1
            assert at < len(got), f"{deal}: the page's line is not printed (in order):\n  {a}"
            at += 1
    print(f"underwrite_docs: {deal}: {len(want)} lines as printed")
if skipped:
    msg = "underwrite_docs: skipped (no ../shared/data): " + ", ".join(skipped)
    if ci and ci not in ("false", "0"):
        sys.exit(msg + " under CI")
    print(msg)

def near(a, b, tol, what):
    assert abs(a - b) <= tol, f"{what}: {a} against the page's {b}"

# the paragraphs of the worked example
real = runs.get("examples/underwrite/deal-2020-2024.yaml")
if real:
    j = json.load(open(f"{real}/summary.json"))
    sc = j["spread"]["total"]["scenario_npv_usd"]
    near(min(sc) / 1e9, 2.94, 0.005, "lowest rotation")
    near(sc[1], min(sc), 0, "the rotation starting in 2021 is the lowest")
    near(max(sc) / 1e9, 3.00, 0.005, "highest rotation")
    tp = j["time_to_power"][0]
    near(tp["headroom_mw"], 6950.5, 0.05, "ERCOT headroom")
    near(tp["value_usd"] / 1e6, 505.4, 0.05, "time to power")
    near(tp["contract_usd"] / 1e6, 149.9, 0.05, "of which contract")
    near(tp["timing_usd"] / 1e6, 355.5, 0.05, "of which timing")
    cp = j["sites"][0]["coincident_peaks"]
    near(cp["paused_share"]["training"], 0.2369, 0.00005, "idle share of an H100")
    rows = {(r["site"], r["class"], r["year"]): r for r in csv.DictReader(open(f"{real}/cashflow.csv"))}
    near(float(rows[("west-texas", "training", "1")]["capacity_usd"]) / 1e6, 2.28, 0.005, "4CP year 1")
hold = runs.get("examples/underwrite/deal-2020-2024-hold.yaml")
if hold:
    sc = json.load(open(f"{hold}/summary.json"))["spread"]["sites"][0]["total"]["scenario_npv_usd"]
    near(sc[1] / 1e9, 1.80, 0.005, "twenty years of 2021")
    near(sc[0] / 1e9, 3.08, 0.005, "twenty years of 2020")
flat = runs["examples/underwrite/deal.yaml"]
rows = {(r["site"], r["class"], r["year"]): r for r in csv.DictReader(open(f"{flat}/cashflow.csv"))}
near(float(rows[("west-texas", "training", "0")]["net_usd"]) / 1e6, -4601.1, 0.05, "year 0")
near(float(rows[("west-texas", "training", "1")]["net_usd"]) / 1e6, 1337.1, 0.05, "year 1")
near(float(rows[("west-texas", "training", "5")]["net_usd"]) / 1e6, -1889.1, 0.05, "year 5")
near(float(rows[("west-texas", "training", "1")]["energy_usd"]) / 1e6, 40.8, 0.05, "energy year 1")
campus = runs["examples/underwrite/campus-deal.yaml"]
c = json.load(open(f"{campus}/summary.json"))["sites"][0]
shares = [y["inference_share"] for y in c["coincident_peaks"]["years"]]
for a, b in zip(shares, (0.849, 0.855, 0.814)):
    near(a, b, 0.0005, "inference in the 4CP intervals")
PY
echo "underwrite_docs: ok"
