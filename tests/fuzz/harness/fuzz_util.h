/* fuzz_util.h: what the libFuzzer harnesses (tests/fuzz/harness/fuzz_*.c, built by
 * tests/fuzz/fuzz.cmake) share: the input as a file for the readers that take only a path (an
 * anonymous memory file, memfd_create(2), reached as /proc/self/fd/N, rewritten for each input),
 * the source folder (GS_SRC, else the one the build was configured from) for the fixed files a
 * harness loads once (a fleet), and a NUL-terminated copy of an input for the functions that
 * take C strings. The harnesses are test code: their state lives in each harness's statics. */
#ifndef GS_FUZZ_UTIL_H
#define GS_FUZZ_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/** A memory file holding data[0..size) and its path (/proc/self/fd/N) in path[path_len]. The
 * file is made at the first call and rewritten (truncated, then written) at each: *fd keeps it.
 * Exits the process when the system refuses (no fuzzing is possible then). */
static inline const char *gs_fuzz_file(int *fd, const uint8_t *data, size_t size, char *path,
                                       size_t path_len)
{
    if (*fd <= 0) {
        *fd = memfd_create("gs_fuzz_input", 0);
        if (*fd < 0) {
            perror("memfd_create");
            exit(1);
        }
    }
    if (ftruncate(*fd, 0) != 0) {
        perror("ftruncate");
        exit(1);
    }
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(*fd, data + done, size - done, (off_t)done);
        if (w <= 0) {
            perror("pwrite");
            exit(1);
        }
        done += (size_t)w;
    }
    snprintf(path, path_len, "/proc/self/fd/%d", *fd);
    return path;
}

/** A malloc'ed NUL-terminated copy of data[0..size) (NULL when out of memory). */
static inline char *gs_fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        if (size)
            memcpy(s, data, size);
        s[size] = 0;
    }
    return s;
}

/** The project's source folder: $GS_SRC, else the one the build was configured from. */
static inline const char *gs_fuzz_src(void)
{
    const char *s = getenv("GS_SRC");
#ifdef GS_FUZZ_SRC
    if (!s || !*s)
        s = GS_FUZZ_SRC;
#endif
    return s && *s ? s : ".";
}

#endif
