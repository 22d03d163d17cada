/* catalog.h (internal): what the catalogue reader (src/read/market_catalog.c) shares with the
 * catalogue queries (src/market/catalog.c): the spellings of each enumeration, in enum order,
 * NULL-terminated, and the freeing of one product. */
#ifndef GS_MARKET_CATALOG_H
#define GS_MARKET_CATALOG_H

#include "gridsplit/market.h"

extern const char *const gs__market_kind_names[];
extern const char *const gs__market_dir_names[];
extern const char *const gs__market_elig_names[];
extern const char *const gs__market_unit_names[];
extern const char *const gs__market_currencies[]; /* "USD", "EUR", "CAD", "NOK" */
extern const char *const gs__market_event_kind_names[];
extern const char *const gs__market_prec_names[];

/** Free what a product owns (its price list), not the product itself. */
void gs__product_free(gs_product *p);

#endif
