/* text.h (internal): small text helpers for messages: the nearest spelling of a word in a
 * list ("did you mean ...") and a list joined for "expected one of ...". */
#ifndef GS_MODEL_TEXT_H
#define GS_MODEL_TEXT_H

#include <stddef.h>

/** The string among n strings (the first char array of each element, stride bytes apart) closest
 * to word by edit distance, or NULL when none is close enough to be a likely typo. */
const char *gs__nearest(const char *word, const char *base, size_t stride, size_t n);
/** The word of a NULL-terminated list closest to word, or NULL when none is a likely typo. */
const char *gs__nearest_word(const char *const *list, const char *word);
/** The words of a NULL-terminated list joined by ", " into buf (cut to len). */
void gs__join_words(const char *const *list, char *buf, size_t len);

#endif
