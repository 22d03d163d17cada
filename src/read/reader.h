/* reader.h (internal): a line reader over plain, gzip (.gz) and zstd (.zst) files, chosen by
 * the file's magic bytes, so every importer reads compressed exports directly. Lines longer
 * than GS__READER_MAX_LINE and NUL bytes inside a line are input errors, never silently cut; a
 * UTF-8 byte order mark at the start of the file is skipped. Also the one check of an input
 * path (gs__path_check) every reader of a named file makes before opening it. */
#ifndef GS_IO_READER_H
#define GS_IO_READER_H

#include <stddef.h>

#include "gridsplit/error.h"

#define GS__READER_MAX_LINE (1u << 20)

typedef struct gs__reader gs__reader;

/** The check every reader makes before opening a named input file: GS_OK, or GS_EINPUT with
 * err->file = path and the message "no such file", "is a directory", "not a regular file or
 * pipe (a character device)" (devices, sockets: /dev/zero is no input file) or the system's
 * reason for an unreadable file (strerror: "Permission denied", "Not a directory", ...), so
 * that gs_error_format reads "PATH: no such file". "-" (standard input) passes; an empty path
 * is "expected a file name, found ''". Matches gs_cli_check_input_path (src/cli/opts.c). */
int gs__path_check(const char *path, gs_error *err);

/** The same for an input directory: "no such directory", "not a directory" or strerror. */
int gs__dir_check(const char *path, gs_error *err);

/** The whole of a named input file ("-": standard input; a pipe works too) into *text,
 * NUL-terminated (malloc'ed, the caller frees), its size into *len. A file of more than
 * max_bytes (MiB in the message) is GS_EINPUT "expected WHAT of at most N MiB, found more"
 * (what: "an event file"),
 * found after reading at most max_bytes + 1 bytes, so an endless pipe ends there; the path
 * errors are gs__path_check's; a failed read is GS_EIO. */
int gs__read_all(const char *path, size_t max_bytes, const char *what, char **text, size_t *len,
                 gs_error *err);

/** Open path for reading ("-" is standard input, plain only). Returns NULL and fills err on
 * failure: GS_EINPUT from gs__path_check, GS_EIO when opening fails otherwise (naming the
 * file). Free with gs__reader_close. */
gs__reader *gs__reader_open(const char *path, gs_error *err);

/** Read the next line into *line (NUL-terminated, without the newline or a trailing '\r';
 * owned by the reader, valid until the next call) and its length into *len. A UTF-8 BOM
 * (EF BB BF) opening the first line is dropped. A NUL byte in a line is GS_EINPUT naming
 * file:line:column ("expected text, found a NUL byte").
 * Returns 1 for a line, 0 at end of file, or a negative gs_err (err filled with file and line). */
int gs__reader_line(gs__reader *r, char **line, size_t *len, gs_error *err);

/** 1-based number of the line last returned. */
long gs__reader_lineno(const gs__reader *r);

/** The path the reader was opened with. */
const char *gs__reader_path(const gs__reader *r);

/** Close and free; NULL is a no-op. */
void gs__reader_close(gs__reader *r);

/** Split a CSV line in place into at most max fields (RFC 4180 quoting: "a,b" and "" escapes).
 * Fields point into line. Returns the number of fields found (may exceed max: the extra ones
 * are not stored). */
int gs__csv_split(char *line, char **fields, int max);

#endif
