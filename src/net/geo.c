/* geo.c: great-circle distances (include/gridsplit/geo.h). */
#include "gridsplit/geo.h"

#include <math.h>

double gs_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double d2r = M_PI / 180.0;
    double p1 = lat1 * d2r, p2 = lat2 * d2r;
    double dp = (lat2 - lat1) * d2r, dl = (lon2 - lon1) * d2r;
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    if (a > 1.0)
        a = 1.0;
    return 2.0 * GS_EARTH_RADIUS_KM * asin(sqrt(a));
}

int gs_geo_valid(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 &&
           lon <= 180.0;
}
