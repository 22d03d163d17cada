/* fuzz_http_query.c: libFuzzer harness of the query string reader (gs_http_query,
 * src/daemon/http.c): the input's first byte is the size of the value buffer (0..255), the text
 * up to the first newline the key, the rest the raw query. A found value must fit its buffer
 * (checked through ASan: the buffer is allocated at exactly that size). Seeds in
 * tests/fuzz/corpus/http_query/. */
#include "fuzz_util.h"

#include "daemon/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = data[0];
    data++;
    size--;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t klen = nl ? (size_t)(nl - data) : 0;
    char *key = gs_fuzz_str(data, klen);
    char *query = nl ? gs_fuzz_str(nl + 1, size - klen - 1) : gs_fuzz_str(data, size);
    char *buf = malloc(len ? len : 1);
    if (key && query && buf) {
        bool found = gs_http_query(query, key, buf, len);
        if (found && (len == 0 || strnlen(buf, len) >= len))
            abort(); /* "false when the value does not fit in buf (never cut)" */
    }
    free(key);
    free(query);
    free(buf);
    return 0;
}
