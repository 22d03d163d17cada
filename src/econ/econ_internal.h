/* econ_internal.h: what the files of src/econ share and nothing else includes: the input
 * checks, one class's row of the yearly table on either contract, and adding rows. */
#ifndef GS_ECON_INTERNAL_H
#define GS_ECON_INTERNAL_H

#include "gridsplit/econ.h"

/** Check the terms and every site as gs_econ_underwrite does (GS_EINPUT naming the field). */
int gs__econ_check(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                   gs_error *err);

/** Row of class k of site s in year y, on the interruptible (intr 1) or firm contract. */
void gs__econ_class_row(const gs_econ_site *s, const gs_econ_terms *t, int k, int y, int intr,
                        gs_econ_row *r);

/** a += b, column by column (the price: energy-weighted). */
void gs__econ_add_row(gs_econ_row *a, const gs_econ_row *b);

#endif
