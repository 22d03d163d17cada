/* assets.c: lookup of the files embedded by tools/embed.c (see assets.h). */
#include "embed/assets.h"

#include <string.h>

struct gs__asset_entry {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct gs__asset_entry gs__assets[];

const char *gs__asset(const char *name, size_t *len)
{
    for (const struct gs__asset_entry *a = gs__assets; a->name; a++) {
        if (strcmp(a->name, name) == 0) {
            if (len)
                *len = a->len;
            return (const char *)a->data;
        }
    }
    return NULL;
}
