/* fuzz_map_tag.c: libFuzzer harness of a job's `grid:` comment tag (gs_map_parse_tag,
 * src/daemon/classify.c): the input is the tag's body, parsed into a set and only checked (set
 * NULL); the two must agree, and on an error the set must be left as it was. Seeds in
 * tests/fuzz/corpus/map_tag/. */
#include "fuzz_util.h"

#include "daemon/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = gs_fuzz_str(data, size);
    if (!text)
        return 0;
    gs_map_set set, before;
    memset(&set, 0xA5, sizeof set);
    memcpy(&before, &set, sizeof set);
    char why[160];
    int rc = gs_map_parse_tag(text, &set, why, sizeof why);
    int rc_check = gs_map_parse_tag(text, NULL, why, sizeof why);
    if (rc != rc_check)
        abort(); /* parsing and checking disagree */
    if (rc != 0 && memcmp(&set, &before, sizeof set) != 0)
        abort(); /* "on error it is not written" */
    char tiny[8];
    (void)gs_map_parse_tag(text, NULL, tiny, sizeof tiny); /* a reason cut to its buffer */
    free(text);
    return 0;
}
