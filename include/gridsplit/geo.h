/* gridsplit geography: distances on the Earth's surface. */
#ifndef GRIDSPLIT_GEO_H
#define GRIDSPLIT_GEO_H

#ifdef __cplusplus
extern "C" {
#endif

#define GS_EARTH_RADIUS_KM 6371.0088

/** Great-circle distance in km between two points given in degrees (haversine). */
double gs_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/** 1 when lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
int gs_geo_valid(double lat, double lon);

#ifdef __cplusplus
}
#endif
#endif
