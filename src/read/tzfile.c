/* tzfile.c: UTC offsets of an IANA time zone over a period, read from the system's TZif files
 * (/usr/share/zoneinfo, or $TZDIR) without touching the C library's global TZ state, for one
 * zone (gs_tz_load) or every site and region of a fleet (gs_sim_tz_load); see
 * include/gridsplit/read/tz.h. Debian ships "fat" TZif files whose transitions run to 2037;
 * later times keep the last offset. Lookups in the result: src/model/tz.c. */
#include "gridsplit/read/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

static int valid_name(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, ".."))
        return 0;
    for (const char *c = name; *c; c++)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') ||
              *c == '/' || *c == '_' || *c == '-' || *c == '+'))
            return 0;
    return 1;
}

int gs_tz_load(const char *name, int64_t from_s, int64_t to_s, gs_tz *tz, gs_error *err)
{
    memset(tz, 0, sizeof *tz);
    snprintf(tz->name, sizeof tz->name, "%s", name);
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
        tz->spans = calloc(1, sizeof *tz->spans);
        if (!tz->spans)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        tz->spans[0].from_s = INT64_MIN;
        tz->n = 1;
        return GS_OK;
    }
    if (!valid_name(name))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "tz",
                            "expected an IANA time zone such as 'Europe/Berlin', found '%s'", name);
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "tz",
                            "unknown time zone '%s' (not in the tz database at %s)", name, path);
    unsigned char *buf = malloc(1 << 20);
    size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    int rc = GS_OK;
    if (!buf)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (len < 44 || memcmp(buf, "TZif", 4) != 0) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "tz", "not a TZif file");
        goto out_free_buf;
    }
    /* Skip the v1 block (32-bit times) to the v2 block when present. */
    size_t off = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (off + 44 > len)
            break;
        const unsigned char *h = buf + off;
        uint32_t isutcnt = be32(h + 20), isstdcnt = be32(h + 24), leapcnt = be32(h + 28);
        uint32_t timecnt = be32(h + 32), typecnt = be32(h + 36), charcnt = be32(h + 40);
        size_t body = (size_t)timecnt * tsize + timecnt + typecnt * 6u + charcnt +
                      leapcnt * (size_t)(tsize + 4) + isstdcnt + isutcnt;
        if (pass == 0 && h[4] >= '2' && off + 44 + body + 44 <= len) {
            off += 44 + body;
            tsize = 8;
            continue;
        }
        if (off + 44 + body > len || typecnt == 0) {
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "tz", "truncated TZif file");
            goto out_free_buf;
        }
        const unsigned char *times = h + 44;
        const unsigned char *idx = times + (size_t)timecnt * tsize;
        const unsigned char *types = idx + timecnt;
        /* Initial type: the first non-DST type (RFC 8536 3.2), else type 0. */
        uint32_t init = 0;
        for (uint32_t i = 0; i < typecnt; i++)
            if (!types[i * 6 + 4]) {
                init = i;
                break;
            }
        tz->spans = calloc((size_t)timecnt + 1, sizeof *tz->spans);
        if (!tz->spans) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto out_free_buf;
        }
        size_t n = 0;
        tz->spans[n].from_s = INT64_MIN;
        tz->spans[n].offset_s = (int32_t)be32(types + init * 6);
        n++;
        for (uint32_t i = 0; i < timecnt; i++) {
            int64_t t = tsize == 8 ? be64(times + (size_t)i * 8) : (int32_t)be32(times + (size_t)i * 4);
            uint32_t ty = idx[i];
            if (ty >= typecnt) {
                rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "tz", "corrupt TZif file");
                goto out_free_buf;
            }
            int32_t o = (int32_t)be32(types + ty * 6);
            if (t >= to_s)
                break;
            if (t <= from_s) {
                tz->spans[0].offset_s = o; /* still before the period: becomes the start */
                continue;
            }
            if (o != tz->spans[n - 1].offset_s) {
                tz->spans[n].from_s = t;
                tz->spans[n].offset_s = o;
                n++;
            }
        }
        tz->n = n;
        break;
    }
    if (!tz->spans)
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "tz", "unreadable TZif file");
out_free_buf:
    free(buf);
    if (rc != GS_OK)
        gs_tz_clear(tz);
    return rc;
}

int gs_tz_known(const char *name)
{
    gs_tz z;
    gs_error e = {0};
    int rc = gs_tz_load(name, 0, 86400, &z, &e);
    gs_tz_clear(&z);
    return rc == GS_OK;
}

int gs_sim_tz_load(const gs_fleet *f, int64_t from_s, int64_t to_s, gs_sim_tz *tz, gs_error *err)
{
    memset(tz, 0, sizeof *tz);
    tz->site_tz = calloc(f->nsites ? f->nsites : 1, sizeof *tz->site_tz);
    tz->region_tz = calloc(f->nservices ? f->nservices : 1, sizeof *tz->region_tz);
    if (!tz->site_tz || !tz->region_tz)
        goto out_nomem;
    /* a day of margin each side: local days at the period's edges */
    from_s -= 2 * 86400;
    to_s += 2 * 86400;
    for (size_t s = 0; s < f->nsites; s++) {
        int rc = gs_tz_load(f->sites[s].tz, from_s, to_s, &tz->site_tz[s], err);
        if (rc < 0) {
            snprintf(err->field, sizeof err->field, "sites[%zu].tz", s);
            snprintf(err->file, sizeof err->file, "%s", f->path);
            gs_sim_tz_free(f, tz);
            return rc;
        }
    }
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *sv = &f->services[v];
        tz->region_tz[v] = calloc(sv->nregions ? sv->nregions : 1, sizeof(gs_tz));
        if (!tz->region_tz[v])
            goto out_nomem;
        for (size_t g = 0; g < sv->nregions; g++) {
            int rc = gs_tz_load(sv->regions[g].tz, from_s, to_s, &tz->region_tz[v][g], err);
            if (rc < 0) {
                snprintf(err->field, sizeof err->field, "services[%zu].regions[%zu].tz", v, g);
                snprintf(err->file, sizeof err->file, "%s", f->path);
                gs_sim_tz_free(f, tz);
                return rc;
            }
        }
    }
    return GS_OK;
out_nomem:
    gs_sim_tz_free(f, tz);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void gs_sim_tz_free(const gs_fleet *f, gs_sim_tz *tz)
{
    if (!tz)
        return;
    if (tz->site_tz)
        for (size_t s = 0; s < f->nsites; s++)
            gs_tz_clear(&tz->site_tz[s]);
    if (tz->region_tz)
        for (size_t v = 0; v < f->nservices; v++) {
            if (!tz->region_tz[v])
                continue;
            for (size_t g = 0; g < f->services[v].nregions; g++)
                gs_tz_clear(&tz->region_tz[v][g]);
            free(tz->region_tz[v]);
        }
    free(tz->site_tz);
    free(tz->region_tz);
    memset(tz, 0, sizeof *tz);
}
