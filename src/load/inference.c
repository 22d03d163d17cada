/* inference.c: the diurnal demand shape of an inference service (include/gridsplit/load.h).
 * The provisioning and power of inference clusters is computed in src/sim/simulate.c. */
#include "gridsplit/load.h"

#include <math.h>

double gs_shape_factor(const gs_shape *s, int64_t local_s)
{
    int64_t day = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
    double h = (double)(local_s - day * 86400) / 3600.0;
    int dow = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    double ratio = s->peak_to_trough > 1 ? s->peak_to_trough : 1;
    double trough = 1.0 / ratio;
    double bump = 0.5 * (1.0 + cos(2.0 * M_PI * (h - s->peak_hour) / 24.0));
    double sharp = s->sharpness > 0 ? s->sharpness : 1;
    double v = trough + (1.0 - trough) * pow(bump, sharp);
    if (dow == 0 || dow == 6)
        v *= s->weekend_factor > 0 ? s->weekend_factor : 1;
    return v;
}
