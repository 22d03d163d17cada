/* supply_opt_sizing.mod: the exact 24/7 battery of gridsplit supply (include/gridsplit/
   supply_opt.h, gs_supply_opt_battery_247) written from its documented definitions as a GNU
   MathProg model, independently of src/supply/optimal.c: the least capacity C such that
   renewables and the battery meet every hour's load (no grid). tests/unit/test_supply_opt.c
   runs glpsol on it and compares C with Clp's. */

param n integer > 0;
set T := 0..n-1;
param ren{T} >= 0;
param load{T} >= 0;
param day{T} integer;
param share >= 0, <= 1;        /* charge before the first hour as a share of C (not cyclic) */
param cyclic binary;
param ec > 0;
param ed > 0;
param rc > 0;
param rd > 0;
param uu;
param uv;
param lu;
param lv;
param limit binary;
param flex >= 0, <= 1;
param maxcap > 0;
param out symbolic;

set D := setof{t in T} day[t];

var C >= 0;
var x{t in T} >= (1 - flex) * load[t], <= max(maxcap, load[t]);
var u{T} >= 0;
var c{T} >= 0;
var d{T} >= 0;
var s{T} >= 0;

minimize capacity: C;

s.t. meet{t in T}: u[t] + d[t] = x[t];
s.t. supply{t in T}: u[t] + c[t] <= ren[t];
s.t. charge_rate{t in T}: c[t] <= rc * C / ec;
s.t. discharge_rate{t in T}: d[t] <= rd * C / ed;
s.t. soc{t in T}:
    s[t] = (if t = 0 and cyclic = 0 then share else 0) * C
           + sum{p in T: (t > 0 and p = t - 1) or (t = 0 and cyclic = 1 and p = n - 1)} s[p]
           + ec * c[t] - ed * d[t];
s.t. upper_hour{t in T: limit = 0}: s[t] <= uu * c[t] + uv * C;
s.t. lower_hour{t in T: limit = 0}: s[t] >= lu * d[t] + lv * C;
s.t. upper_limit{t in T: limit = 1}: s[t] <= (uv + max(uu, 0) * rc / ec) * C;
s.t. lower_limit{t in T: limit = 1}: s[t] >= (lv + min(lu, 0) * rd / ed) * C;
s.t. day_energy{k in D}: sum{t in T: day[t] = k} x[t] = sum{t in T: day[t] = k} load[t];

solve;

printf "%.17g\n", C > out;

end;
