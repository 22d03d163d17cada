/* gridsplit market catalogues: the built-in products and grid events (embedded YAML) and a
 * user's own, merged (src/read/market_catalog.c). Queries over a catalogue: gridsplit/market.h. */
#ifndef GRIDSPLIT_READ_MARKET_H
#define GRIDSPLIT_READ_MARKET_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/market.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Load the built-in catalogues (markets.yaml and grid_events.yaml, embedded) and then, when
 * user_path is not NULL, a user file with `products:`, `events:` and/or `fx:` in the same
 * format: entries whose id matches a built-in one replace it (an exchange rate: the same
 * currency, base and year), others are added. Then every non-USD figure that can apply must
 * have an exchange rate for each year it covers (gs_market_catalog_check_fx). *out is owned by
 * the caller. Bad input: GS_EINPUT naming file, line, column, field, expected and found. */
int gs_market_catalog_load(const char *user_path, gs_market_catalog **out, gs_error *err);

/** Parse catalogue text (YAML with `products:`, `events:` and/or `fx:`) named name in errors,
 * merging it into cat (same-id entries replaced). cat may start zeroed. The exchange-rate
 * coverage is not checked here: call gs_market_catalog_check_fx once all files are in. */
int gs_market_catalog_parse(const char *text, size_t len, const char *name, gs_market_catalog *cat,
                            gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
