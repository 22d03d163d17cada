/* gridsplit durations: THE one grammar for every duration gridsplit reads (fleet lengths and
 * checkpoints, event durations, notices and ramps, market catalogue timings, --step options)
 * and the one form it prints, which always reads back. Pure: no I/O, no clock, no globals;
 * safe for any input of any length (src/model/duration.c; the grammar as a user reads it is
 * docs/durations.md).
 *
 * Grammar (units and words are case-sensitive, as they always were):
 *   duration := WORD | ISO | PART { [spaces] PART } | NUMBER
 *   PART     := NUMBER [spaces] UNIT              "90s", "1.5h", "1h30min", "1h 30min", "5 days"
 *   NUMBER   := digits [ "." [digits] ] | "." digits     (no sign, exponent, hex, inf or nan)
 *   UNIT     := s sec secs second seconds          = 1 s
 *             | m min mins minute minutes T        = 60 s
 *             | h hr hrs hour hours H              = 3600 s
 *             | d day days D                       = 86400 s
 *             | w week weeks W                     = 604800 s
 *   WORD     := secondly | minutely | hourly | daily | weekly
 *   ISO      := "P" [n "W"] [n "D"] [ "T" [n "H"] [n "M"] [n "S"] ]   (ISO 8601, n a NUMBER)
 * A bare NUMBER means seconds and must stand alone ("90"; "1h30" is refused: 30 what?).
 * Parts add up, in any order and even repeated ("1h1h" is 2 h), as they always did; ISO
 * components likewise. Spaces (and tabs, newlines) around the text and between parts are
 * ignored. Years and months are refused (their length varies), so is anything above
 * GS_DURATION_MAX_S. */
#ifndef GRIDSPLIT_DURATION_H
#define GRIDSPLIT_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** 100 years of 365.25 days (36525 d, 3,155,760,000 s): the largest duration accepted. Far
 * above any real run, event or step; far below 2^53 (whole seconds exact in a double) and
 * INT64_MAX, so an accepted value converts to int64_t safely and adding it to a time of any
 * year gridsplit reads cannot overflow. */
#define GS_DURATION_MAX_S 3155760000.0 /* 100 years of 365.25 days: the largest duration accepted */

/** Parse a duration. Grammar: one or more parts NUMBER [space] UNIT ("90s", "1.5h", "1h30min",
 * "1h 30min", "5 days", "12.5min"), NUMBER an unsigned decimal (digits, optional '.' and digits;
 * no sign, no exponent, no hex, no inf/nan); a bare NUMBER alone means seconds; units s sec secs
 * second seconds, m min mins minute minutes T, h hr hrs hour hours H, d day days D, w week weeks
 * W; words secondly minutely hourly daily weekly; ISO 8601 PnW, PnDTnHnMnS with decimals
 * allowed (PT15M, P1DT2H, PT1.5H, PT0.5S); no years or months (the message says their length
 * varies). Leading/trailing spaces ignored. Each part is its exact decimal value times its
 * unit, rounded once to a double ("1.1h" is exactly 3960; digits past the 1100th decimal
 * only steer that rounding), and the parts are added. On success *seconds is >= 0, finite and <= GS_DURATION_MAX_S; on error it is not written.
 * Never undefined behaviour, for any text of any length; time linear in its length.
 * Returns 0 or GS_EINPUT with err->message
 * "expected a duration such as 90s, 5min, 1.5h, 2d, 1h30min or PT15M, found 'TEXT'" (plus
 * " (years and months vary in length: ...)" for those), or for a too-long value
 * "expected a duration of at most 100 years, found 'TEXT'". TEXT is shown with control
 * characters escaped and, past 64 characters, cut with "..." and followed by its length.
 * err (may be NULL) gets no file, line or field: the caller sets them. */
int gs_duration_parse(const char *text, double *seconds, gs_error *err);

/** Parse a step: the grammar of gs_duration_parse, and the value must be a whole, positive
 * number of seconds, at most GS_DURATION_MAX_S ("90s", "0.5min", "PT15M", "hourly"). Errors
 * (GS_EINPUT, *step_s not written): those of gs_duration_parse; "expected a positive duration
 * such as 90s, 5min, 1h or PT15M, found 'TEXT'" for a zero step; "expected a whole number of
 * seconds such as 90s, 5min, 1h or PT15M, found 'TEXT'" for "1.5s" or "PT0.5S". err->field is
 * left empty for the caller. */
int gs_duration_parse_step(const char *text, int64_t *step_s, gs_error *err);

/** Write seconds (finite, >= 0) in the shortest form of the grammar that reads back with
 * gs_duration_parse to the same double: the largest of w, d, h, min, s in which it is a whole
 * number (0 -> "0s", 90 -> "90s", 5400 -> "90min", 7200 -> "2h", 86400 -> "1d",
 * 864000 -> "10d", 604800 -> "1w"), else seconds with the fewest decimals that reproduce it
 * ("252.5s", "0.125s", "0.30000000000000004s", "0.00001s"; never an exponent, so every value
 * up to GS_DURATION_MAX_S reads back exactly). Values above GS_DURATION_MAX_S are written the
 * same way but are refused when read. Not part of the grammar and never read back: a negative
 * value is written as "-" and its magnitude, NaN as "nan", infinities as "inf" / "-inf".
 * 32 bytes hold every value up to GS_DURATION_MAX_S that is a multiple of 1 ms.
 * Returns the number of characters of the whole form (snprintf semantics: the output was cut
 * when the result is >= len); buf is always NUL-terminated when len > 0 (buf may be NULL when
 * len is 0). */
int gs_duration_format(double seconds, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
