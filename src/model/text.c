/* text.c: text helpers for messages (model/text.h): edit distance, nearest word, joined
 * lists. */
#include "model/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63)
        la = 63;
    if (lb > 63)
        lb = 63;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *gs__nearest(const char *word, const char *base, size_t stride, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t lw = strlen(word);
    size_t limit = lw / 3 > 2 ? lw / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        const char *s = base + i * stride;
        size_t d = edit_distance(word, s);
        if (d < best_d && d <= limit && d < lw && d < strlen(s)) {
            best = s;
            best_d = d;
        }
    }
    return best;
}

const char *gs__nearest_word(const char *const *list, const char *word)
{
    size_t n = 0;
    while (list[n])
        n++;
    const char *best = NULL;
    size_t best_d = (size_t)-1, lw = strlen(word);
    size_t limit = lw / 3 > 2 ? lw / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, list[i]);
        if (d < best_d && d <= limit && d < lw) {
            best = list[i];
            best_d = d;
        }
    }
    return best;
}

void gs__join_words(const char *const *list, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; list[i] && used < len; i++) {
        int k = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", list[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}
