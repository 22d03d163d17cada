/* supply_opt_dispatch.mod: the optimal dispatch of gridsplit supply (include/gridsplit/
   supply_opt.h, gs_supply_opt_dispatch) written from its documented definitions as a GNU
   MathProg model, independently of src/supply/optimal.c: tests/unit/test_supply_opt.c runs
   glpsol on it with generated data and compares the objective (grid MWh) with Clp's.
   Here renewables to the load are a variable of their own (u) and the battery's bounds are
   written as constraints, where the C code eliminates u and folds bounds into columns. */

param n integer > 0;
set T := 0..n-1;
param ren{T} >= 0;
param load{T} >= 0;
param day{T} integer;          /* hours with one label form a day */
param C >= 0;                  /* battery capacity, MWh */
param init >= 0;               /* charge before the first hour (when not cyclic) */
param cyclic binary;           /* 1: the charge before the first hour is the last hour's */
param ec > 0;                  /* stored per MWh charged */
param ed > 0;                  /* drawn per MWh delivered */
param rc > 0;                  /* charge rate, per hour */
param rd > 0;                  /* discharge rate, per hour */
param uu;                      /* C/L/C upper bound: s <= uu p + uv C */
param uv;
param lu;                      /* C/L/C lower bound: s >= lu p + lv C */
param lv;
param limit binary;            /* 0: bounds at the hour; 1: in the limit of short steps */
param flex >= 0, <= 1;         /* share of an hour's load that may leave it */
param maxcap > 0;              /* the most load an hour may take */
param out symbolic;            /* where the objective is written */

set D := setof{t in T} day[t];

var x{t in T} >= (1 - flex) * load[t], <= max(maxcap, load[t]);  /* load after shifting */
var u{T} >= 0;                 /* renewables straight to the load */
var c{T} >= 0;                 /* charging, MW drawn from renewables */
var d{T} >= 0;                 /* discharging, MW delivered */
var s{T} >= 0;                 /* charge at the end of the hour */
var g{T} >= 0;                 /* grid */

minimize grid: sum{t in T} g[t];

s.t. meet{t in T}: u[t] + d[t] + g[t] = x[t];
s.t. supply{t in T}: u[t] + c[t] <= ren[t];
s.t. charge_rate{t in T}: c[t] <= rc * C / ec;
s.t. discharge_rate{t in T}: d[t] <= rd * C / ed;
s.t. soc{t in T}:
    s[t] = (if t = 0 and cyclic = 0 then init else 0)
           + sum{p in T: (t > 0 and p = t - 1) or (t = 0 and cyclic = 1 and p = n - 1)} s[p]
           + ec * c[t] - ed * d[t];
s.t. upper_hour{t in T: limit = 0}: s[t] <= uu * c[t] + uv * C;
s.t. lower_hour{t in T: limit = 0}: s[t] >= lu * d[t] + lv * C;
s.t. upper_limit{t in T: limit = 1}: s[t] <= uv * C + max(uu, 0) * rc * C / ec;
s.t. lower_limit{t in T: limit = 1}: s[t] >= lv * C + min(lu, 0) * rd * C / ed;
s.t. day_energy{k in D}: sum{t in T: day[t] = k} x[t] = sum{t in T: day[t] = k} load[t];

solve;

printf "%.17g\n", sum{t in T} g[t] > out;

end;
