/* reader.c: buffered line reading over plain, gzip and zstd input, and the check of an input
 * path every reader makes (see reader.h). */
#include "read/reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum kind { K_PLAIN, K_GZIP, K_ZSTD };

struct gs__reader {
    enum kind kind;
    FILE *f;
    gzFile gz;
    ZSTD_DCtx *zd;
    unsigned char *zin;
    size_t zin_cap;
    ZSTD_inBuffer zib;
    int zeof;
    char *buf;     /* decompressed bytes */
    size_t buf_cap, buf_len, buf_pos;
    int eof;
    char *line;
    size_t line_cap;
    long lineno;
    char path[512];
};

static const char *kind_of(mode_t m)
{
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a file";
}

int gs__path_check(const char *path, gs_error *err)
{
    if (!path || !*path)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "expected a file name, found ''");
    if (strcmp(path, "-") == 0)
        return GS_OK;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no such file");
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "%s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "is a directory");
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "not a regular file or pipe (%s)",
                            kind_of(st.st_mode));
    if (access(path, R_OK) != 0)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "%s", strerror(errno));
    return GS_OK;
}

int gs__dir_check(const char *path, gs_error *err)
{
    if (!path || !*path)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a directory name, found ''");
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no such directory");
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "%s", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "not a directory");
    if (access(path, R_OK | X_OK) != 0)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "%s", strerror(errno));
    return GS_OK;
}

int gs__read_all(const char *path, size_t max_bytes, const char *what, char **text, size_t *len,
                 gs_error *err)
{
    *text = NULL;
    *len = 0;
    int rc = gs__path_check(path, err);
    if (rc != GS_OK)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot open the file: %s",
                            strerror(errno));
    size_t cap = max_bytes < 65536 ? max_bytes + 1 : 65536, n = 0;
    char *buf = malloc(cap + 1);
    rc = buf ? GS_OK : gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    size_t k;
    while (rc == GS_OK && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n > max_bytes) {
            /* one byte past the limit is enough to know: an endless pipe stops here too */
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected %s of at most %zu MiB, found more", what,
                              max_bytes >> 20);
        } else if (n == cap) {
            size_t nc = cap * 2 <= max_bytes ? cap * 2 : max_bytes + 1;
            char *nb = realloc(buf, nc + 1);
            if (!nb)
                rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
            else {
                buf = nb;
                cap = nc;
            }
        }
    }
    if (rc == GS_OK && ferror(f))
        rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "reading the file failed: %s",
                          strerror(errno));
    if (!is_stdin)
        fclose(f);
    if (rc != GS_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return GS_OK;
}

gs__reader *gs__reader_open(const char *path, gs_error *err)
{
    if (gs__path_check(path, err) != GS_OK)
        return NULL;
    gs__reader *r = calloc(1, sizeof *r);
    if (!r) {
        gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    if (strcmp(path, "-") == 0) {
        r->f = stdin;
    } else {
        r->f = fopen(path, "rb");
        if (!r->f) {
            gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
            free(r);
            return NULL;
        }
        unsigned char magic[4] = {0};
        size_t got = fread(magic, 1, 4, r->f);
        rewind(r->f);
        if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
            r->kind = K_GZIP;
            int fd = dup(fileno(r->f));
            fclose(r->f);
            r->f = NULL;
            r->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
            if (!r->gz) {
                gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot open gzip stream");
                free(r);
                return NULL;
            }
        } else if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
                   magic[3] == 0xfd) {
            r->kind = K_ZSTD;
            r->zd = ZSTD_createDCtx();
            r->zin_cap = ZSTD_DStreamInSize();
            r->zin = malloc(r->zin_cap);
            if (!r->zd || !r->zin) {
                gs__reader_close(r);
                gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
                return NULL;
            }
        }
    }
    r->buf_cap = 1 << 17;
    r->buf = malloc(r->buf_cap);
    r->line_cap = 4096;
    r->line = malloc(r->line_cap);
    if (!r->buf || !r->line) {
        gs__reader_close(r);
        gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        return NULL;
    }
    return r;
}

/* Refill buf with the next decompressed bytes. Returns bytes read, 0 at EOF, <0 on error. */
static long fill(gs__reader *r, gs_error *err)
{
    r->buf_pos = 0;
    r->buf_len = 0;
    if (r->kind == K_PLAIN) {
        size_t n = fread(r->buf, 1, r->buf_cap, r->f);
        if (n == 0 && ferror(r->f))
            return gs_error_set(err, GS_EIO, r->path, (int)r->lineno, 0, NULL, "read error");
        r->buf_len = n;
        return (long)n;
    }
    if (r->kind == K_GZIP) {
        int n = gzread(r->gz, r->buf, (unsigned)r->buf_cap);
        if (n < 0) {
            int e;
            const char *m = gzerror(r->gz, &e);
            return gs_error_set(err, GS_EIO, r->path, (int)r->lineno, 0, NULL,
                                "corrupt gzip data: %s", m);
        }
        r->buf_len = (size_t)n;
        return n;
    }
    /* zstd */
    for (;;) {
        if (r->zib.pos == r->zib.size) {
            if (r->zeof)
                return 0;
            size_t n = fread(r->zin, 1, r->zin_cap, r->f);
            if (n == 0) {
                if (ferror(r->f))
                    return gs_error_set(err, GS_EIO, r->path, (int)r->lineno, 0, NULL, "read error");
                r->zeof = 1;
                return 0;
            }
            r->zib.src = r->zin;
            r->zib.size = n;
            r->zib.pos = 0;
        }
        ZSTD_outBuffer ob = {r->buf, r->buf_cap, 0};
        size_t rc = ZSTD_decompressStream(r->zd, &ob, &r->zib);
        if (ZSTD_isError(rc))
            return gs_error_set(err, GS_EIO, r->path, (int)r->lineno, 0, NULL,
                                "corrupt zstd data: %s", ZSTD_getErrorName(rc));
        if (ob.pos > 0) {
            r->buf_len = ob.pos;
            return (long)ob.pos;
        }
    }
}

int gs__reader_line(gs__reader *r, char **line, size_t *len, gs_error *err)
{
    size_t n = 0;
    if (r->eof)
        return 0;
    for (;;) {
        if (r->buf_pos == r->buf_len) {
            long got = fill(r, err);
            if (got < 0)
                return (int)got;
            if (got == 0) {
                r->eof = 1;
                if (n == 0)
                    return 0;
                break;
            }
        }
        char *start = r->buf + r->buf_pos;
        size_t avail = r->buf_len - r->buf_pos;
        char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        if (n + take + 1 > r->line_cap) {
            if (n + take + 1 > GS__READER_MAX_LINE)
                return gs_error_set(err, GS_EINPUT, r->path, (int)r->lineno + 1, 0, NULL,
                                    "line longer than %u bytes", GS__READER_MAX_LINE);
            size_t cap = r->line_cap;
            while (cap < n + take + 1)
                cap *= 2;
            char *nb = realloc(r->line, cap);
            if (!nb)
                return gs_error_set(err, GS_ENOMEM, r->path, 0, 0, NULL, "out of memory");
            r->line = nb;
            r->line_cap = cap;
        }
        memcpy(r->line + n, start, take);
        n += take;
        r->buf_pos += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (n > 0 && r->line[n - 1] == '\r')
        n--;
    if (r->lineno == 0 && n >= 3 && (unsigned char)r->line[0] == 0xEF &&
        (unsigned char)r->line[1] == 0xBB && (unsigned char)r->line[2] == 0xBF) {
        memmove(r->line, r->line + 3, n - 3); /* a UTF-8 byte order mark: not part of the text */
        n -= 3;
    }
    const char *nul = memchr(r->line, '\0', n);
    if (nul) {
        r->eof = 1; /* nothing after this is read */
        return gs_error_set(err, GS_EINPUT, r->path, (int)r->lineno + 1,
                            (int)(nul - r->line) + 1, NULL,
                            "expected text, found a NUL byte (a binary file?)");
    }
    r->line[n] = '\0';
    r->lineno++;
    *line = r->line;
    *len = n;
    return 1;
}

long gs__reader_lineno(const gs__reader *r)
{
    return r->lineno;
}

const char *gs__reader_path(const gs__reader *r)
{
    return r->path;
}

void gs__reader_close(gs__reader *r)
{
    if (!r)
        return;
    if (r->f && r->f != stdin)
        fclose(r->f);
    if (r->gz)
        gzclose(r->gz);
    ZSTD_freeDCtx(r->zd);
    free(r->zin);
    free(r->buf);
    free(r->line);
    free(r);
}

int gs__csv_split(char *line, char **fields, int max)
{
    int nf = 0;
    char *p = line;
    for (;;) {
        char *start;
        if (*p == '"') {
            /* quoted field: unescape "" in place */
            char *w = ++p;
            start = w;
            for (;;) {
                if (*p == '\0')
                    break;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            char *end = w;
            while (*p && *p != ',')
                p++;
            if (nf < max)
                fields[nf] = start;
            nf++;
            char c = *p;
            *end = '\0';
            if (c == '\0')
                break;
            p++;
        } else {
            start = p;
            while (*p && *p != ',')
                p++;
            if (nf < max)
                fields[nf] = start;
            nf++;
            if (*p == '\0')
                break;
            *p++ = '\0';
        }
    }
    return nf;
}
