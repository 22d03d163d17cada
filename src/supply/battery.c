/* battery.c: the battery of `gridsplit supply` (include/gridsplit/supply.h): the lithium-NMC
 * defaults CarbonExplorer uses, the check of a battery's fields, and hour-by-hour renewable
 * coverage. Pure: no I/O, no globals. */
#include "gridsplit/supply.h"

#include <math.h>

void gs_battery_nmc(gs_battery *b, double capacity_mwh)
{
    b->capacity_mwh = capacity_mwh;
    b->initial_mwh = capacity_mwh;
    b->eff_charge = 0.97;
    b->eff_discharge = 1.04;
    b->charge_rate = 3.0;
    b->discharge_rate = 3.0;
    b->upper_u = -0.04;
    b->upper_v = 1.0;
    b->lower_u = 0.01;
    b->lower_v = 0.0;
    b->steps_per_hour = 60;
}

static int bad(gs_error *err, const char *field, const char *fmt, double v)
{
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, fmt, v);
}

int gs_battery_check(const gs_battery *b, gs_error *err)
{
    if (!b)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "battery", "no battery given");
    const struct {
        const char *name;
        double v;
    } f[] = {
        {"capacity_mwh", b->capacity_mwh}, {"initial_mwh", b->initial_mwh},
        {"eff_charge", b->eff_charge},     {"eff_discharge", b->eff_discharge},
        {"charge_rate", b->charge_rate},   {"discharge_rate", b->discharge_rate},
        {"upper_u", b->upper_u},           {"upper_v", b->upper_v},
        {"lower_u", b->lower_u},           {"lower_v", b->lower_v},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!isfinite(f[i].v))
            return bad(err, f[i].name, "expected a finite number, found %g", f[i].v);
    if (b->capacity_mwh < 0)
        return bad(err, "capacity_mwh", "expected a capacity >= 0 MWh, found %g",
                   b->capacity_mwh);
    if (b->initial_mwh < 0 || b->initial_mwh > b->capacity_mwh)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "initial_mwh",
                            "expected an initial charge between 0 and the capacity (%g MWh), "
                            "found %g",
                            b->capacity_mwh, b->initial_mwh);
    if (!(b->eff_charge > 0))
        return bad(err, "eff_charge", "expected an efficiency > 0, found %g", b->eff_charge);
    if (!(b->eff_discharge > 0))
        return bad(err, "eff_discharge", "expected an efficiency > 0, found %g",
                   b->eff_discharge);
    if (!(b->charge_rate > 0))
        return bad(err, "charge_rate", "expected a rate > 0 per hour, found %g", b->charge_rate);
    if (!(b->discharge_rate > 0))
        return bad(err, "discharge_rate", "expected a rate > 0 per hour, found %g",
                   b->discharge_rate);
    if (b->steps_per_hour < 1 || b->steps_per_hour > 3600)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "steps_per_hour",
                            "expected 1 to 3600 steps per hour, found %d", b->steps_per_hour);
    double dt = 1.0 / b->steps_per_hour;
    /* the C/L/C limits divide by these: a step must be able to move energy */
    if (!(b->eff_charge * dt - b->upper_u > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "upper_u",
                            "expected upper_u below eff_charge / steps_per_hour (%g), found %g",
                            b->eff_charge * dt, b->upper_u);
    if (!(b->lower_u + b->eff_discharge * dt > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "lower_u",
                            "expected lower_u above -eff_discharge / steps_per_hour (%g), "
                            "found %g",
                            -b->eff_discharge * dt, b->lower_u);
    return 0;
}

double gs_supply_coverage(const double *ren_mw, const double *load_mw, size_t n)
{
    double met = 0, load = 0;
    for (size_t i = 0; i < n; i++) {
        met += ren_mw[i] < load_mw[i] ? ren_mw[i] : load_mw[i];
        load += load_mw[i];
    }
    return load > 0 ? met / load : 0.0;
}
