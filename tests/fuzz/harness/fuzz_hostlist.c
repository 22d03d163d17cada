/* fuzz_hostlist.c: libFuzzer harness of the scheduler's host lists (gs_hostlist_each,
 * src/daemon/classify.c): the input is a list ("gpu[01-03,07],login1"); the count returned must
 * be the number of names handed to the callback, none when the list is malformed, each name
 * non-empty, at most 255 characters and free of spaces and control characters. Seeds in
 * tests/fuzz/corpus/hostlist/. */
#include "fuzz_util.h"

#include "daemon/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void each(const char *name, void *ctx)
{
    size_t *count = ctx;
    size_t len = strlen(name);
    if (len == 0 || len > 255)
        abort();
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] <= ' ' || name[i] == 0x7f)
            abort();
    (*count)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *list = gs_fuzz_str(data, size);
    if (!list)
        return 0;
    size_t count = 0;
    int n = gs_hostlist_each(list, each, &count);
    if (n < 0 ? count != 0 : (size_t)n != count || n > GS_HOSTLIST_MAX)
        abort();
    if (gs_hostlist_each(list, NULL, NULL) != n)
        abort(); /* counting only gives the same answer */
    free(list);
    return 0;
}
