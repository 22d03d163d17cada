#!/usr/bin/python3
"""headroom_numpy.py: the curtailment-enabled headroom of Norris et al. (2025), "Rethinking Load
Growth", written with numpy the way an analyst would: the reference that `gridsplit headroom
--csv` is timed against (bench/bench_headroom.c, docs/PERFORMANCE.md). It computes what
gridsplit computes, by the same definitions (docs/headroom.md):

- the hourly series: the mean of the points in each UTC hour, NaN for an hour without one, from
  the first point's hour to the last one's;
- the cleaning by the full rule: missing, <= 0, >= 1e9 MW, above k x or below 1/k x the median
  of the valid values within +-24 h (the hour itself left out; at least 12 of them), or a
  one-hour jump above (or below) both neighbours by more than 0.2 x that median; each bad hour
  linearly interpolated between the nearest valid hours;
- the thresholds (June-August peak for April-October hours, December-February peak for
  November-March), the curtailment min(L, max(0, demand + L - threshold)), the rate per
  calendar year averaged over the years (a partial year weighted by hours / 8760), and L at each
  rate solved exactly on the sorted slacks;
- per rate: curtailed hours a year, events (runs of consecutive curtailed hours), the hours
  keeping 50 / 75 / 90 % of L, curtailed MWh a year and the achieved rate.

Usage: headroom_numpy.py [--column NAME] [--rates R,R,...] [--k K] [--fill-only]
                         [--published-durations] FILE.csv [FILE.csv ...]
prints one JSON object per file (a list), with the fields of `gridsplit headroom --csv`.
Plain comma-separated files with a header; the first column is the UTC time
("YYYY-MM-DD HH:MM:SS" or ISO 8601 without an offset). Needs Debian's python3-numpy only.

--fill-only: only fill missing hours (for already-cleaned series, as `gridsplit headroom
--eia930` does with the releases' cleaned column; `bench_headroom --dump DIR` writes those).
--published-durations also prints, per rate, the mean event length two other ways
(docs/headroom.md, "Event durations"): averaged year by year, and per on/off transition.
"""
import json
import sys

import numpy as np


def read_csv(path, column):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = [h.strip() for h in lines[0].split(",")]
    vcol = header.index(column)
    rows = [line.split(",") for line in lines[1:] if line]
    times = np.array([r[0].strip() for r in rows], dtype="datetime64[s]").astype(np.int64)
    values = np.empty(len(rows))
    for i, r in enumerate(rows):
        try:
            values[i] = float(r[vcol])
        except ValueError:
            values[i] = np.nan  # empty, EMPTY, MISSING, NA
    return times, values


def hourly(times, values):
    """Mean of the points in each hour from the first to the last hour; NaN where none."""
    hour = times // 3600
    h0 = hour.min()
    idx = hour - h0
    n = int(idx.max()) + 1
    ok = np.isfinite(values)
    sums = np.bincount(idx[ok], weights=values[ok], minlength=n)
    cnt = np.bincount(idx[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(cnt > 0, sums / np.maximum(cnt, 1), np.nan)
    return int(h0) * 3600, v


def clean(v, k=2.0, win=24, sentinel=1e9, jump=0.2, fill_only=False):
    """The full rule (or only the missing hours); returns the cleaned series and the number of
    replaced hours."""
    n = len(v)
    MISSING, NONPOS, SENT, HIGH, LOW, JUMP = range(6)
    kind = np.full(n, -1)
    with np.errstate(invalid="ignore"):
        kind[~np.isfinite(v)] = MISSING
        if fill_only:
            return interpolate(v, kind >= 0)
        kind[(kind < 0) & (v <= 0)] = NONPOS
        kind[(kind < 0) & (v >= sentinel)] = SENT
    ok = kind < 0
    # rolling median of the valid neighbours: the windows side by side, invalid ones as +inf,
    # each sorted; the median from the count of valid values in it
    pad = np.full(n + 2 * win, np.inf)
    pad[win:win + n] = np.where(ok, v, np.inf)
    w = np.lib.stride_tricks.sliding_window_view(pad, 2 * win + 1).copy()
    w[:, win] = np.inf  # the hour itself is left out
    w.sort(axis=1)
    m = np.isfinite(w).sum(axis=1)
    rows = np.arange(n)
    lo = np.maximum(m - 1, 0) // 2
    hi = m // 2
    with np.errstate(invalid="ignore"):
        med = 0.5 * (w[rows, lo] + w[rows, np.minimum(hi, 2 * win)])
        odd = (m % 2) == 1
        med[odd] = w[rows[odd], hi[odd]]
        test = ok & (m >= win // 2) & (m > 0)
        high = test & (v > k * med)
        low = test & ~high & (v < med / k)
    kind[high] = HIGH
    kind[low] = LOW
    # one-hour jumps: the test needs the previous hour still valid, so it runs in order over the
    # few candidates
    with np.errstate(invalid="ignore"):
        prev_v = np.r_[np.nan, v[:-1]]
        next_v = np.r_[v[1:], np.nan]
        up = v - np.fmax(prev_v, next_v)
        down = np.fmin(prev_v, next_v) - v
        cand = test & ~high & ~low & ((up > jump * med) | (down > jump * med))
    okp = ok.copy()  # point-valid before the spike pass
    for i in np.flatnonzero(cand):
        if 0 < i < n - 1 and kind[i - 1] < 0 and okp[i + 1]:
            kind[i] = JUMP
    return interpolate(v, kind >= 0)


def interpolate(v, bad):
    """Each bad hour linearly between the nearest valid hours (the nearest valid value at either
    end), computed as gridsplit does."""
    n = len(v)
    if bad.all():
        raise ValueError("no valid hour")
    good = np.flatnonzero(~bad)
    idx = np.arange(n)
    prev = np.maximum.accumulate(np.where(~bad, idx, -1))
    nxt = np.minimum.accumulate(np.where(~bad, idx, n)[::-1])[::-1]
    out = v.copy()
    b = np.flatnonzero(bad)
    p, q = prev[b], nxt[b]
    first, last = good[0], good[-1]
    mid = (p >= 0) & (q < n)
    pm, qm, bm = p[mid], q[mid], b[mid]
    out[bm] = v[pm] + (v[qm] - v[pm]) * (bm - pm).astype(float) / (qm - pm).astype(float)
    out[b[p < 0]] = v[first]
    out[b[(p >= 0) & (q >= n)]] = v[last]
    return out, int(bad.sum())


def months_years(t0, n):
    t = (t0 + 3600 * np.arange(n, dtype=np.int64)).astype("datetime64[s]")
    mon = t.astype("datetime64[M]").astype(np.int64)
    return mon % 12 + 1, mon // 12 + 1970


def headroom(t0, d, rates, durations=False):
    n = len(d)
    month, year = months_years(t0, n)
    summer, winter = d[(month >= 6) & (month <= 8)], d[(month == 12) | (month <= 2)]
    summer_peak = summer.max() if len(summer) else np.nan
    winter_peak = winter.max() if len(winter) else np.nan
    thr = np.where((month >= 4) & (month <= 10), summer_peak, winter_peak)
    slack = np.maximum(thr - d, 0.0)
    y0 = int(year[0])
    yi = year - y0
    hy = np.bincount(yi)
    frac = np.minimum(hy / 8760.0, 1.0)
    a = frac / frac.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_w = np.where(hy > 0, a / np.maximum(hy, 1), 0.0)
        count_w = np.where(hy > 0, a / np.where(frac > 0, frac, 1), 0.0)
    w_h = rate_w[yi]
    order = np.argsort(slack, kind="stable")
    e, w = slack[order], w_h[order]
    # F(L) = W_k - S_k / L between sorted breakpoints, W and S over the slacks below L
    uniq, start = np.unique(e, return_index=True)
    W = np.r_[0.0, np.cumsum(w)][start]  # sums over the slacks < uniq[j]
    S = np.r_[0.0, np.cumsum(w * e)][start]
    results = []
    for r_pct in rates:
        r = r_pct / 100.0
        w0 = w[e <= 0].sum()
        if w0 >= r:
            L = 0.0
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                F = np.where(uniq > 0, W - S / uniq, -np.inf)
            j = np.flatnonzero((uniq > 0) & (F >= r))
            if len(j):
                L = S[j[0]] / (W[j[0]] - r)
            else:
                L = (w * e).sum() / (w.sum() - r)
        results.append(evaluate(slack, yi, rate_w, count_w, L, r_pct, durations))
    return summer_peak, winter_peak, frac.sum(), results


def runs(c):
    """Lengths of the runs of True in a boolean array."""
    edges = np.diff(np.r_[0, c.astype(np.int8), 0])
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def evaluate(slack, yi, rate_w, count_w, L, r_pct, durations):
    c = (slack < L) if L > 0 else np.zeros(len(slack), bool)
    cut = np.where(c, L - slack, 0.0)
    cw = count_w[yi]
    lens = runs(c)
    res = {
        "rate_pct": r_pct,
        "headroom_mw": L,
        "curtailed_hours_per_year": cw[c].sum(),
        "mean_event_hours": lens.mean() if len(lens) else 0.0,
        "max_event_hours": float(lens.max()) if len(lens) else 0.0,
        "events": int(len(lens)),
        "hours_keeping_50pct": cw[c & (slack >= 0.5 * L)].sum(),
        "hours_keeping_75pct": cw[c & (slack >= 0.75 * L)].sum(),
        "hours_keeping_90pct": cw[c & (slack >= 0.9 * L)].sum(),
        "curtailed_mwh_per_year": (cw * cut).sum(),
        "achieved_rate_pct": 100.0 * (rate_w[yi] * cut).sum() / L if L > 0 else 0.0,
    }
    if durations:
        # the mean event length year by year (a year without curtailment counts 0 h), with
        # events counted whole, and with every on/off transition counted as an event
        by_year, by_transition = [], []
        for y in range(int(yi.max()) + 1):
            cy = c[yi == y]
            ly = runs(cy)
            trans = np.count_nonzero(np.diff(cy.astype(np.int8)))
            by_year.append(cy.sum() / len(ly) if len(ly) else 0.0)
            by_transition.append(cy.sum() / trans if trans else 0.0)
        res["mean_event_hours_year_by_year"] = float(np.mean(by_year))
        res["mean_hours_per_transition_year_by_year"] = float(np.mean(by_transition))
    return res


def main(argv):
    column, rates, k, durations, fill_only, files = "demand (MW)", [0.25, 0.5, 1, 5], 2.0, False, \
        False, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--column":
            column, i = argv[i + 1], i + 1
        elif a == "--rates":
            rates, i = [float(x) for x in argv[i + 1].split(",")], i + 1
        elif a == "--k":
            k, i = float(argv[i + 1]), i + 1
        elif a == "--published-durations":
            durations = True
        elif a == "--fill-only":
            fill_only = True
        else:
            files.append(a)
        i += 1
    out = []
    for path in files:
        times, values = read_csv(path, column)
        t0, v = hourly(times, values)
        d, changed = clean(v, k=k, fill_only=fill_only)
        summer, winter, years, results = headroom(t0, d, rates, durations)
        out.append({"file": path, "hours": len(d), "years": years,
                    "threshold_mw": {"summer": summer, "winter": winter},
                    "results": results, "peak_mw": d.max(), "mean_mw": d.mean(),
                    "cleaned_hours": changed})
    json.dump(out, sys.stdout, indent=1, default=float)
    sys.stdout.write("\n")
    if durations and out:
        # the means over the files, as docs/headroom.md quotes them (standard error)
        sys.stderr.write("mean over %d files   rate %%: %s\n" % (
            len(out), " ".join("%7g" % r for r in rates)))
        for key, label in (("curtailed_hours_per_year", "curtailed hours a year"),
                           ("mean_event_hours", "event h (runs, period)"),
                           ("mean_event_hours_year_by_year", "event h (runs, by year)"),
                           ("mean_hours_per_transition_year_by_year", "h per on/off, by year")):
            sys.stderr.write("%-28s %s\n" % (label, " ".join(
                "%7.2f" % np.mean([z["results"][k][key] for z in out]) for k in range(len(rates)))))


if __name__ == "__main__":
    main(sys.argv[1:])
