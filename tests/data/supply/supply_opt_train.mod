/* supply_opt_train.mod: training-aware shifting of gridsplit supply (include/gridsplit/
   supply_opt.h, gs_supply_opt_train) written from its documented definitions as a GNU MathProg
   model, independently of src/supply/optimal.c. Where the C code carries the cumulative work
   z_t, this model writes each window's work and each rolling tier window's throughput as
   plain sums over its hours and blocks; the hourly bounds on training are constraints here,
   folded into each block's bounds there. tests/unit/test_supply_opt.c runs glpsol on it and
   compares the objective (grid MWh) with Clp's. */

param n integer > 0;
set T := 0..n-1;
param ren{T} >= 0;
param train{T} >= 0;           /* training planned, MW */
param other{T} >= 0;           /* the rest of the load, fixed */
param nb integer > 0;          /* checkpoint intervals (blocks) */
set B := 0..nb-1;
param blk{T} integer >= 0, < nb;  /* the block of each hour */
param lost >= 0;               /* hours of work lost per MW resumed */
param W integer > 0;           /* window hours */
param Wt integer > 0, <= n;    /* rolling tier window hours */
param tier > 0, <= 1;
param tmax > 0;                /* the most training may draw */
param maxcap > 0;              /* the most load an hour may take */
param C >= 0;
param init >= 0;
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
param out symbolic;

param first{b in B} := min{t in T: blk[t] = b} t;
set K := 0..floor((n - 1) / W);

var y{B};                      /* deviation from the plan, per block */
var r{B} >= 0;                 /* MW resumed at the block's start */
var u{T} >= 0;
var c{T} >= 0;
var d{T} >= 0;
var s{T} >= 0;
var g{T} >= 0;

minimize grid: sum{t in T} g[t];

s.t. train_low{t in T}: train[t] + y[blk[t]] >= 0;
s.t. train_high{t in T}:
    train[t] + y[blk[t]] <= max(min(tmax, maxcap - other[t]), train[t]);
s.t. resume{b in B}: r[b] >= y[b] - (if b > 0 then y[b - 1] else 0);
s.t. window{k in K}:
    sum{t in T: floor(t / W) = k} y[blk[t]]
    - lost * sum{b in B: floor(first[b] / W) = k} r[b] = 0;
s.t. tier_floor{tau in 0..n-Wt}:
    sum{t in tau..tau+Wt-1} y[blk[t]]
    - lost * sum{b in B: first[b] >= tau and first[b] <= tau + Wt - 1} r[b]
    >= (tier - 1) * sum{t in tau..tau+Wt-1} train[t];
s.t. meet{t in T}: u[t] + d[t] + g[t] = train[t] + y[blk[t]] + other[t];
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

solve;

printf "%.17g\n", sum{t in T} g[t] > out;

end;
