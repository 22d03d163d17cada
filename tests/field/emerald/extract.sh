#!/usr/bin/env bash
# Emerald AI / SRP field test, Phoenix, 3 May 2025 (arXiv 2507.00909): Emerald's own figures,
# computed from Emerald's published files. bash + python3 standard library only (no PyPI).
#
#   tests/field/emerald/extract.sh            # prints the tables (markdown)
#   GS_SHARED=/path/to/shared tests/field/emerald/extract.sh
#
# Reads $GS_SHARED/data/emerald_phoenix_2025 (default: the `shared` directory beside the
# project's root, as the fleet format resolves ${GS_SHARED}). Writes nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
GS_SHARED=${GS_SHARED:-$(cd "$here/../../../.." && pwd)/shared}
DATA="$GS_SHARED/data/emerald_phoenix_2025"
[ -r "$DATA/SRP_total_power.csv" ] || { echo "extract.sh: no $DATA/SRP_total_power.csv (set GS_SHARED)" >&2; exit 2; }

exec python3 - "$DATA" <<'PY'
import csv, os, re, sys, zipfile
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

D = sys.argv[1]
P = lambda f: os.path.join(D, f)
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'

def xlsx(path):
    """{sheet: {row: {col: text}}} from an .xlsx, standard library only (cached values)."""
    z = zipfile.ZipFile(path)
    ss = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(M + 'si'):
            ss.append(''.join(t.text or '' for t in si.iter(M + 't')))
    rel = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
    out = {}
    for s in ET.fromstring(z.read('xl/workbook.xml')).iter(M + 'sheet'):
        tgt = rel[s.get(R + 'id')].lstrip('/')
        tgt = tgt if tgt.startswith('xl/') else 'xl/' + tgt
        rows = {}
        for c in ET.fromstring(z.read(tgt)).iter(M + 'c'):
            ref = re.match(r'([A-Z]+)(\d+)', c.get('r'))
            col = 0
            for ch in ref.group(1):
                col = col * 26 + ord(ch) - 64
            v = c.find(M + 'v')
            t = c.get('t')
            if t == 's':
                val = ss[int(v.text)]
            elif t == 'inlineStr':
                val = ''.join(x.text or '' for x in c.iter(M + 't'))
            else:
                val = v.text if v is not None else ''
            if val != '':
                rows.setdefault(int(ref.group(2)), {})[col] = val
        out[s.get('name')] = rows
    return out

def rows(f):
    with open(P(f), newline='') as fh:
        return list(csv.reader(fh))

def mean(xs):
    return sum(xs) / len(xs)

def hhmm(t):
    return t.strftime('%H:%M')

def both(t):
    """local Phoenix (MST, UTC-7, no DST) and UTC"""
    u = t.astimezone(timezone.utc)
    return f"{t.strftime('%Y-%m-%d %H:%M')} MST = {u.strftime('%Y-%m-%dT%H:%MZ')}"

# --------------------------------------------------------------------------------------------
print('# Emerald AI / SRP field test (Phoenix, 2025-05-03): figures from Emerald\'s files\n')
print(f'data: `{D}`\n')
print('## 1. The files (headers as published)\n')
print('| file | rows | header / sheets |')
print('| --- | --- | --- |')
for f in sorted(os.listdir(D)):
    if f.endswith('.csv'):
        r = rows(f)
        print(f'| `{f}` | {len(r) - 1} | `{",".join(h.strip() for h in r[0])}` |')
    elif f.endswith('.xlsx'):
        wb = xlsx(P(f))
        desc = []
        for name, rs in wb.items():
            top = [' / '.join(v.strip() for _, v in sorted(rs[k].items())) for k in sorted(rs)[:2]]
            desc.append(f'sheet `{name}` ({max(rs)} rows): ' + ' ; '.join(f'`{x}`' for x in top))
        print(f'| `{f}` | | {"<br>".join(desc)} |')

# --------------------------------------------------------------------------------------------
# minute power: SRP_total_power.csv (dated 2025-05-04) == Fig2_data.xlsx SRP_granular (2025-05-03)
pw = [(datetime.fromisoformat(a), float(b)) for a, b in rows('SRP_total_power.csv')[1:]]
g2 = xlsx(P('Fig2_data.xlsx'))
gran = g2['SRP_granular']
fig2 = [(datetime.fromisoformat(gran[r][1]), float(gran[r][2])) for r in sorted(gran)
        if r >= 3 and 1 in gran[r] and 2 in gran[r]]
same_vals = len(fig2) == len(pw) and all(a[1] == b[1] for a, b in zip(fig2, pw))
same_clock = all(a[0].time() == b[0].time() for a, b in zip(fig2, pw))
day_shift = {(b[0] - a[0]) for a, b in zip(fig2, pw)}
# the experiment day is Fig2's (3 May: the SRP load sheet, SRP_0503.csv, and the paper)
pw = fig2
t0, v = [t for t, _ in pw], [x for _, x in pw]
n = len(v)

# ramp start: first minute below 90 % of the first hour's mean that stays below it for 30 min
ref = mean(v[:60])
i_rs = next(i for i in range(n - 30) if all(x < 0.9 * ref for x in v[i:i + 30]))
base = mean(v[:i_rs])
target = 0.75 * base
# hold: the run of minutes at or below the target that contains the minute 60 min after ramp start
k = i_rs + 60
assert v[k] <= target
i_h0 = k
while i_h0 - 1 > i_rs and v[i_h0 - 1] <= target:
    i_h0 -= 1
i_h1 = k
while i_h1 + 1 < n and v[i_h1 + 1] <= target:
    i_h1 += 1
# ramp up done: first minute after the hold back at >= 95 % of the baseline
i_ru = next(i for i in range(i_h1 + 1, n) if v[i] >= 0.95 * base)
hold = v[i_h0:i_h1 + 1]
post = v[i_ru:]
worst = max(range(i_h0, i_h1 + 1), key=lambda i: v[i])
best = min(range(i_h0, i_h1 + 1), key=lambda i: v[i])
ramp_lo = v[i_rs:i_h0]
first_le = next(i for i in range(i_rs, n) if v[i] <= target)
# the paper's "3 hours": the first 3 h of the hold
i_3h = i_h0 + 180
nominal = v[i_h0:i_3h]

print('\n## 2. The SRP event in the minute data (`Fig2_data.xlsx` sheet `SRP_granular` = `SRP_total_power.csv`)\n')
print(f'- `SRP_total_power.csv` and `Fig2_data.xlsx`/`SRP_granular` hold the same {n} values '
      f'({"identical" if same_vals else "DIFFERENT"}), same clock times ({same_clock}), but the CSV '
      f'labels them {sorted(str(d) for d in day_shift)} later (2025-05-04). The xlsx, `SRP_0503.csv` '
      f'("SRP Load Data May 3rd") and the paper say 3 May 2025: the CSV\'s date looks like the UTC date '
      f'of the evening hours. Used here: 3 May.')
print('- `total` is watts: the sum of the 256 GPUs\' board power (it matches the DVFS sweep: '
      'section 4), not the servers or the facility.')
print(f'- Detection (all thresholds in this script): ramp start = first minute below 90 % of the '
      f'first hour\'s mean ({ref:,.0f} W) that stays below it for 30 min; baseline = mean of every '
      f'minute before it; target = 0.75 x baseline; hold = the run of minutes at or below the target '
      f'around ramp start + 60 min; ramp-up end = first minute after the hold at >= 95 % of baseline.\n')
print('| figure | value |')
print('| --- | --- |')
print(f'| data span | {both(t0[0])} .. {both(t0[-1])} ({n} minutes) |')
print(f'| baseline (mean {hhmm(t0[0])}-{hhmm(t0[i_rs - 1])} MST, {i_rs} min) | {base:,.0f} W ({base / 256:.1f} W per GPU of 256) |')
print(f'| target: 25 % below baseline | {target:,.0f} W (cut {base - target:,.0f} W) |')
print(f'| ramp down starts (first minute below 90 %) | {both(t0[i_rs])} ({v[i_rs]:,.0f} W) |')
print(f'| first minute at or below target | {both(t0[first_le])} ({v[first_le]:,.0f} W); back above at {", ".join(hhmm(t0[i]) for i in range(first_le, i_h0) if v[i] > target)} |')
print(f'| hold: at or below target without a break | {hhmm(t0[i_h0])} .. {hhmm(t0[i_h1])} MST ({t0[i_h0].astimezone(timezone.utc).strftime("%H:%MZ")} .. {t0[i_h1].astimezone(timezone.utc).strftime("%H:%MZ")}), {i_h1 - i_h0 + 1} min = {(i_h1 - i_h0 + 1) / 60:.2f} h |')
print(f'| ramp down (ramp start to hold) | {i_h0 - i_rs} min |')
print(f'| first minute above target (ramp up starts) | {both(t0[i_h1 + 1])} ({v[i_h1 + 1]:,.0f} W) |')
print(f'| ramp up done (>= 95 % of baseline) | {both(t0[i_ru])} ({v[i_ru]:,.0f} W), {i_ru - i_h1 - 1} min after the hold |')
print(f'| achieved: mean over the hold | {mean(hold):,.0f} W = {100 * (1 - mean(hold) / base):.1f} % below baseline ({100 * mean(hold) / target:.1f} % of target) |')
print(f'| achieved: worst (highest) minute of the hold | {v[worst]:,.0f} W at {hhmm(t0[worst])} MST = {100 * (1 - v[worst] / base):.1f} % below baseline |')
print(f'| lowest minute of the hold | {v[best]:,.0f} W at {hhmm(t0[best])} MST = {100 * (1 - v[best] / base):.1f} % below |')
print(f'| minutes of the hold above target | {sum(1 for x in hold if x > target)} of {len(hold)} |')
print(f'| the paper\'s 3 h (first 180 min of the hold, {hhmm(t0[i_h0])}-{hhmm(t0[i_3h])} MST) | mean {mean(nominal):,.0f} W = {100 * (1 - mean(nominal) / base):.1f} % below; worst {max(nominal):,.0f} W = {100 * (1 - max(nominal) / base):.1f} % below |')
print(f'| energy below baseline, ramp start to ramp-up end | {sum(base - x for x in v[i_rs:i_ru]) / 60 / 1000:.1f} kWh |')
print(f'| after the event (mean {hhmm(t0[i_ru])}-{hhmm(t0[-1])} MST) | {mean(post):,.0f} W = {100 * mean(post) / base:.1f} % of baseline |')
print()
print('Hold by hour (MST): ' + '; '.join(
    f'{hhmm(t0[a])}-{hhmm(t0[min(a + 60, i_h1 + 1) - 1])} {mean(v[a:min(a + 60, i_h1 + 1)]):,.0f} W'
    for a in range(i_h0, i_h1 + 1, 60)))
print('\nRamp down minute by minute: ' + ', '.join(f'{hhmm(t0[i])} {v[i] / 1000:.1f}' for i in range(i_rs - 1, i_h0 + 1)) + ' kW')
print('\nRamp up minute by minute: ' + ', '.join(f'{hhmm(t0[i])} {v[i] / 1000:.1f}' for i in range(i_h1, i_ru + 1)) + ' kW')

# SRP system load
srp = [(int(r[1]), float(r[4])) for r in rows('SRP_0503.csv')[1:] if r[4]]
pk = max(srp, key=lambda x: x[1])
ev_hours = sorted({(t.hour + 1) for t in t0[i_rs:i_h1 + 1]})
print(f'\nSRP system load on 3 May (`SRP_0503.csv`, "SRP Actual", GW, hour ending, MST): peak '
      f'{pk[1]:.3f} GW in hour ending {pk[0]} ({pk[0] - 1}:00-{pk[0]}:00 MST); '
      f'hours ending {ev_hours[0]}-{ev_hours[-1]} (the event) average '
      f'{mean([x for h, x in srp if h in ev_hours]):.3f} GW vs {mean([x for _, x in srp]):.3f} GW for the day. '
      f'The forecast columns are empty.')

# --------------------------------------------------------------------------------------------
# DVFS sweep: per workload, GPU count and curve
sw = {}
for r in rows('dvfs_sweep.csv')[1:]:
    sw.setdefault(r[0], []).append((float(r[1]), float(r[4]), float(r[5]), float(r[3])))
def curve_at(name, thr):
    """cap (W) and power per GPU (W) at which the sweep reaches normalised throughput thr"""
    pts = sorted(sw[name])
    if thr >= 1:
        return pts[-1][0], pts[-1][2]
    if thr < pts[0][1]:
        return None, None
    for a, b in zip(pts, pts[1:]):
        if a[1] <= thr <= b[1]:
            f = (thr - a[1]) / (b[1] - a[1]) if b[1] > a[1] else 0
            return a[0] + f * (b[0] - a[0]), a[2] + f * (b[2] - a[2])
    return pts[-1][0], pts[-1][2]

print('\n## 3. The DVFS sweep (`dvfs_sweep.csv`): GPU count of each job = total GPU power / power per GPU\n')
print('| workload | GPUs | W per GPU at 400 W cap | utilisation (idle 55 W) | normalised throughput at cap 100 / 200 / 250 / 300 / 350 / 400 W |')
print('| --- | --- | --- | --- | --- |')
gpus_of = {}
for name, pts in sw.items():
    pts.sort()
    g = round(pts[-1][3] / pts[-1][2])
    gpus_of[name] = g
    print(f'| {name} | {g} | {pts[-1][2]:.1f} | {(pts[-1][2] - 55) / 345:.3f} | '
          + ' / '.join(f'{p[1]:.3f}' for p in pts) + ' |')

# --------------------------------------------------------------------------------------------
print('\n## 4. The jobs (`SRP_exp_performance.csv`; weights from `Fig2_data.xlsx` sheet `Performance Data`)\n')
FLOOR = {'Flex 1': 0.9, 'Flex 2': 0.75, 'Flex 3': 0.5}
perf = rows('SRP_exp_performance.csv')
jobs = [(r[0].strip(), float(r[1]), r[2].strip()) for r in perf[1:] if r[2].strip()]
csv_weighted = float(next(r[1] for r in perf[1:] if r[0].startswith('Weighted')))
pd = g2['Performance Data']
xl = {pd[r][1].strip(): (float(pd[r][2]), pd[r][3], float(pd[r][4]), float(pd[r][5]))
      for r in sorted(pd) if r >= 3 and 5 in pd[r]}
xl_weighted = next(float(pd[r][2]) for r in pd if pd[r].get(1, '').startswith('Weighted'))
xl_sum = next(float(pd[r][4]) for r in pd if pd[r].get(1, '').startswith('Weighted'))
wl = lambda j: re.sub(r'-[a-z0-9]+$', '', j)   # the sweep's workload name
E_min = i_ru - i_rs                            # the event: ramp start to ramp-up end, minutes
W_min = n                                      # the whole published window
print(f'Throughput during the event implied by the published performance if it is an average over a '
      f'window of W minutes of which the event (ramp start to ramp-up end, E = {E_min} min) is the only '
      f'reduced part: p_event = 1 - (1 - p) W / E. Cap and power from the job\'s own sweep curve '
      f'(linear between points; "-" below the 100 W point = not reachable by a cap).\n')
print('| job | workload (sweep) | GPUs | tier | floor | performance | >= floor | margin | xlsx weight | p_event if W = E | cap (W) | p_event if W = data span (400 min) | cap (W) |')
print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
cut = {'E': 0.0, 'W': 0.0}
fmt = lambda x: '-' if x is None else f'{x:.0f}'
for j, p, tier in jobs:
    f = FLOOR[tier]
    pe_E = p
    pe_W = 1 - (1 - p) * W_min / E_min
    capE, pwE = curve_at(wl(j), pe_E)
    capW, pwW = curve_at(wl(j), pe_W)
    full = sorted(sw[wl(j)])[-1][2]
    g = gpus_of[wl(j)]
    cut['E'] += g * (full - (pwE if pwE is not None else 55))
    cut['W'] += g * (full - (pwW if pwW is not None else 55))
    print(f'| {j} | {wl(j)} | {g} | {tier} | {f} | {p:.6f} | {"yes" if p >= f else "NO"} | {p - f:+.3f} | '
          f'{xl[j][3]:.4f} | {pe_E:.3f} | {fmt(capE)} | {pe_W:.3f} | {fmt(capW)} |')
tot_g = sum(gpus_of[wl(j)] for j, _, _ in jobs)
full_sum = sum(gpus_of[wl(j)] * sorted(sw[wl(j)])[-1][2] for j, _, _ in jobs)
print(f'\n- GPUs of the six jobs: {tot_g}. Their sweep power at 400 W caps: {full_sum:,.0f} W vs the '
      f'measured baseline {base:,.0f} W ({100 * base / full_sum:.1f} %).')
print(f'- GPU power the implied caps would save (paused: down to 55 W idle): W = E -> {cut["E"]:,.0f} W; '
      f'W = 400 min -> {cut["W"]:,.0f} W; measured hold cut {base - mean(hold):,.0f} W. Only a window '
      f'longer than the event reconciles the published performance with the measured power.')
ws = sum(FLOOR[t] for _, _, t in jobs)
wp = sum(p * FLOOR[t] for _, p, t in jobs) / ws
print(f'- Tier-weighted performance = sum(performance x floor) / sum(floor) = {wp:.6f} '
      f'(sum of floors {ws:g}; xlsx `Performance Data` states the weights floor / {xl_sum:g} and '
      f'gives {xl_weighted:.9f}). `SRP_exp_performance.csv` says {csv_weighted:.9f}: no natural weighting '
      f'of its own six values reproduces it; unweighted mean {mean([p for _, p, _ in jobs]):.6f}.')
print(f'- Every job is above its floor: {all(p >= FLOOR[t] for _, p, t in jobs)}; smallest margin '
      f'{min(p - FLOOR[t] for _, p, t in jobs):+.3f}.')

# --------------------------------------------------------------------------------------------
print('\n## 5. The other experiments in the files\n')
f345 = xlsx(P('Fig345_data.xlsx'))
f5 = f345['Fig5']
hdr = f5[2]
names = [hdr[c] for c in range(2, 8)]
t5 = [(datetime.fromisoformat(f5[r][1]), [float(f5[r][c]) for c in range(2, 9)]) for r in sorted(f5) if r >= 3 and 8 in f5[r]]
proj = [(f5[r][10], float(f5[r][11])) for r in sorted(f5) if r >= 3 and 11 in f5[r]]
tot5 = [x[1][6] for x in t5]
b5 = mean(tot5[:60])
lo5 = min(range(len(tot5)), key=lambda i: tot5[i])
print(f'- APS (Arizona Public Service, zone AZPS) test, 1 May 2025 (`Fig345_data.xlsx` sheets `Fig3`, '
      f'`Fig5`): {len(t5)} minutes {hhmm(t5[0][0])}-{hhmm(t5[-1][0])} MST; baseline (first hour) '
      f'{b5:,.0f} W; lowest {tot5[lo5]:,.0f} W at {hhmm(t5[lo5][0])}. Per-job power is published for '
      f'this test only (six jobs, other run ids):')
print()
print('| MST | ' + ' | '.join(names) + ' | total |')
print('| --- | ' + ' | '.join('---' for _ in names) + ' | --- |')
for hm in ('16:30', '17:50', '18:30', '19:50', '20:30', '21:30'):
    row = next((x for x in t5 if hhmm(x[0]) == hm), None)
    if row:
        print(f'| {hm} | ' + ' | '.join(f'{w:,.0f}' for w in row[1][:6]) + f' | {row[1][6]:,.0f} |')
print('\n  A job at 0 W is stopped (checkpoint and stop). A job that comes back from a short stop at '
      'about 2/3 of its power (pt_mpt_13b_sm 18.0 -> 12.2 kW, infer_llama_8b-kxymm0ql 17.5 -> 11.6 kW) '
      'looks restarted on fewer GPUs: 32 of 48 at full power gives 12.1 and 11.8 kW (a cap needs no '
      'restart), though the files do not say. The sheet also holds the simulator\'s projected total '
      f'(`APS Simulator projected total power`, {len(proj)} breakpoints, e.g. '
      + ', '.join(f'{a[11:16]} {b / 1000:.1f} kW' for a, b in proj[:6]) + ').')
ce = [(r[0], float(r[1])) for r in rows('CAISOexp_totalpower_cleaned.csv')[1:]]
f4 = f345['Fig4']
f4v = [float(f4[r][6]) for r in sorted(f4) if r >= 3 and 6 in f4[r]]
f3 = f345['Fig3']
f3v = [float(f3[r][5]) for r in sorted(f3) if r >= 3 and 5 in f3[r]]
same4 = len(f4v) == len(ce) and max(abs(a - b) for a, b in zip(f4v, (x for _, x in ce))) < 1e-6
same3 = f3v == tot5
sumjobs = max(abs(sum(x[1][:6]) - x[1][6]) for x in t5)
cv = [x for _, x in ce]
cb = mean(cv[:60])
# plateaus: 30-min means, consecutive ones within 3 % merged
steps = []
for a in range(0, len(cv), 15):
    m = mean(cv[a:a + 15])
    if steps and abs(m - steps[-1][2]) < 0.03 * cb:
        s = steps[-1]
        steps[-1] = (s[0], ce[min(a + 14, len(ce) - 1)][0], (s[2] * s[3] + m) / (s[3] + 1), s[3] + 1)
    else:
        steps.append((ce[a][0], ce[min(a + 14, len(ce) - 1)][0], m, 1))
print(f'  Checks: `Fig3` experiment power = `Fig5` total: {same3}; `Fig5` total - sum of its six jobs: '
      f'at most {sumjobs:.3g} W.')
print(f'\n- CAISO replay (`CAISOexp_totalpower_cleaned.csv` = `Fig345_data.xlsx` sheet `Fig4` to 1e-6 W: {same4}; clock '
      f'times only, date not given): the 14 Aug 2020 CAISO net-demand curve (`CAISO-netdemand-cleaned.csv`, '
      f'5-min, MW) replayed on the cluster. Baseline (first hour) {cb:,.0f} W; plateaus (15-min blocks '
      f'within 3 % merged): ' + '; '.join(f'{a}-{b} {m:,.0f} W ({100 * (m / cb - 1):+.0f} %)' for a, b, m, _ in steps))
PY
