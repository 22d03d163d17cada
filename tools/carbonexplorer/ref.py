#!/usr/bin/env python3
# ref.py: run Meta's CarbonExplorer on one gridsplit supply case, the way its notebook does.
#
# Our driver (gridsplit's code), not CarbonExplorer's: it imports CarbonExplorer's own modules
# (src/battery.py, src/cas.py, src/utils.py) from a checkout given on the command line, so that
# nothing of CarbonExplorer (CC-BY-NC) is copied into this repository. tools/carbonexplorer/
# README.md says how to get the checkout.
#
# Usage: ref.py CHECKOUT INPUTS.csv [--battery MWH] [--flex PCT] [--extra PCT]
#               [--max-battery MWH] [--hourly OUT.csv]
# INPUTS.csv: "index,ren_mw,dc_mw" hourly (../shared/data/genmix/inputs_*.csv).
# Prints one TSV line per figure ("name<TAB>value") and the wall time of CarbonExplorer's calls;
# --hourly writes the hourly series after each step (for a hour-by-hour comparison).
#
# The steps, as Carbon_Explorer.ipynb combines them (sections 2 to 5):
# - coverage: utils.calculate_coverage(ren, dc);
# - the 24/7 battery: battery.calculate_247_battery_capacity_b2_sim(ren, d, max_bsize)
#   (Battery2 simulated each minute, bisection to 0.1 MWh);
# - with the battery: battery.apply_battery(C, ren, d), coverage = (sum dc - non_ren) / sum dc;
# - with shifting: cas.cas(d.join(ren as "tot_renewable"), flex, max_cap) with max_cap =
#   peak + peak * extra / 100, then utils.calculate_coverage on the balanced frame;
# - with both: apply_battery first, then cas on the renewables it returns (section 5.4), then
#   calculate_coverage.
# Each step starts from a fresh copy of the renewables, as each notebook cell recomputes them
# (apply_battery changes its argument in place).
import argparse
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("checkout", help="a CarbonExplorer checkout (the folder holding src/)")
    ap.add_argument("inputs", help="index,ren_mw,dc_mw CSV")
    ap.add_argument("--battery", type=float, default=200.0, help="battery MWh (200)")
    ap.add_argument("--flex", type=float, default=40.0, help="flexible share, percent (40)")
    ap.add_argument("--extra", type=float, default=50.0,
                    help="capacity above the peak, percent (50: a limit of 150 %% of the peak)")
    ap.add_argument("--max-battery", type=float, default=10000.0,
                    help="upper bound of the 24/7 battery bisection, MWh (10000)")
    ap.add_argument("--hourly", help="write the hourly series after each step to this CSV")
    a = ap.parse_args()

    sys.path.insert(0, os.path.abspath(a.checkout))
    import pandas as pd
    from src import battery as ce_battery
    from src import cas as ce_cas
    from src import utils as ce_utils

    # round_trip: the values exactly as written (as strtod reads them), not pandas' fast parser
    raw = pd.read_csv(a.inputs, index_col=0, parse_dates=True, float_precision="round_trip")
    raw.index.name = "index"
    d = pd.DataFrame({"avg_dc_power_mw": raw["dc_mw"].astype(float)}, index=raw.index)

    def fresh_ren():
        s = raw["ren_mw"].astype(float).copy()
        s.name = "tot_renewable"
        return s

    def non_ren(ren, dc):  # the sum calculate_coverage forms (in its order), in MWh
        total = 0
        for r, x in zip(ren.tolist(), dc.tolist()):
            if x > r:
                total = total + x - r
        return float(total)

    dc = d["avg_dc_power_mw"]
    sum_dc = dc.sum()
    cur_cap = d.max().item()
    max_cap = cur_cap + cur_cap * a.extra / 100
    out = {}
    t0 = time.perf_counter()

    ren = fresh_ren()
    out["coverage_pct"] = ce_utils.calculate_coverage(ren, dc)
    out["non_ren_mwh"] = non_ren(ren, dc)

    out["battery_247_mwh"] = ce_battery.calculate_247_battery_capacity_b2_sim(
        fresh_ren(), d, a.max_battery)

    tot_non_ren, ren_b = ce_battery.apply_battery(a.battery, fresh_ren(), d)
    out["coverage_battery_pct"] = (sum_dc - tot_non_ren) / sum_dc * 100
    out["non_ren_battery_mwh"] = tot_non_ren

    df_all = d.join(fresh_ren())
    bal = ce_cas.cas(df_all, a.flex, max_cap)
    out["coverage_cas_pct"] = ce_utils.calculate_coverage(bal["tot_renewable"],
                                                          bal["avg_dc_power_mw"])
    out["non_ren_cas_mwh"] = non_ren(bal["tot_renewable"], bal["avg_dc_power_mw"])

    tot2, ren_b2 = ce_battery.apply_battery(a.battery, fresh_ren(), d)
    ren_b2.rename("tot_renewable", inplace=True)
    bal2 = ce_cas.cas(d.join(ren_b2), a.flex, max_cap)
    out["coverage_both_pct"] = ce_utils.calculate_coverage(bal2["tot_renewable"],
                                                           bal2["avg_dc_power_mw"])
    out["non_ren_both_mwh"] = non_ren(bal2["tot_renewable"], bal2["avg_dc_power_mw"])
    wall = time.perf_counter() - t0

    out["hours"] = d.shape[0]
    out["hours_shifted"] = bal.shape[0]
    out["load_mwh"] = sum_dc
    out["max_capacity_mw"] = max_cap
    for k in ("hours", "hours_shifted", "load_mwh", "max_capacity_mw", "coverage_pct",
              "non_ren_mwh", "battery_247_mwh", "coverage_battery_pct", "non_ren_battery_mwh",
              "coverage_cas_pct", "non_ren_cas_mwh", "coverage_both_pct", "non_ren_both_mwh"):
        v = out[k]
        print("%s\t%s" % (k, v if isinstance(v, int) else "%.10f" % v))
    print("ce_wall_s\t%.3f" % wall)

    if a.hourly:
        with open(a.hourly, "w") as f:
            f.write("hour,ren_mw,load_mw,ren_battery_mw,load_cas_mw,load_both_mw\n")
            r0 = raw["ren_mw"].tolist()
            l0 = dc.tolist()
            rb = ren_b.tolist()
            lc = bal["avg_dc_power_mw"].tolist()
            lb = bal2["avg_dc_power_mw"].tolist()
            for i in range(len(r0)):
                f.write("%d,%.17g,%.17g,%.17g,%s,%s\n" % (
                    i, r0[i], l0[i], rb[i],
                    "%.17g" % lc[i] if i < len(lc) else "",
                    "%.17g" % lb[i] if i < len(lb) else ""))


if __name__ == "__main__":
    main()
