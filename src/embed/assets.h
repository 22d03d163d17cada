/* assets.h (internal): files embedded at build time by tools/embed.c (web templates, uPlot,
 * the GPU catalogue), looked up by base name. */
#ifndef GS_IO_ASSETS_H
#define GS_IO_ASSETS_H

#include <stddef.h>

/** The embedded file called name ("uPlot.iife.min.js", "gpus.yaml", ...), NUL-terminated, or
 * NULL when there is none. *len (may be NULL) gets its length. Static storage: never free. */
const char *gs__asset(const char *name, size_t *len);

#endif
