/* reader.h (internal): a line reader over plain, gzip (.gz) and zstd (.zst) files, chosen by
 * the file's magic bytes, so every importer reads compressed exports directly. Lines longer
 * than GS__READER_MAX_LINE are an input error, never silently cut. */
#ifndef GS_IO_READER_H
#define GS_IO_READER_H

#include <stddef.h>

#include "gridsplit/error.h"

#define GS__READER_MAX_LINE (1u << 20)

typedef struct gs__reader gs__reader;

/** Open path for reading ("-" is standard input, plain only). Returns NULL and fills err
 * (GS_EIO, naming the file) on failure. Free with gs__reader_close. */
gs__reader *gs__reader_open(const char *path, gs_error *err);

/** Read the next line into *line (NUL-terminated, without the newline or a trailing '\r';
 * owned by the reader, valid until the next call) and its length into *len.
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
