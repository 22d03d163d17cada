/* yaml_util.h (internal): what the YAML readers share (the fleet reader src/read/fleet_yaml.c,
 * the candidates reader src/read/candidates.c and the market catalogue src/read/market_catalog.c):
 * libyaml document access, "found ..." descriptions, errors naming file, line, column and
 * field path, key checks with a "did you mean" by edit distance, field paths such as
 * "clusters[2].gpus", typed field reads, ${VAR} path expansion and document loading.
 * Every function that reports an error fills y->err and returns a negative gs_err. */
#ifndef GS_IO_YAML_UTIL_H
#define GS_IO_YAML_UTIL_H

#include <stddef.h>
#include <yaml.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "read/reader.h" /* gs__path_check, for every reader of a YAML file */

/** Room for a field path ("clusters[2].gpus"), as gs_error.field has. */
#define GS__YAML_PATH_LEN 128

/** Whether a field must be present (gs__yaml_lookup and the gs__yaml_get_* readers). */
enum { GS__YAML_OPT = 0, GS__YAML_REQ = 1 };

typedef struct gs__yaml gs__yaml;

/** A document being read and how its reader words things. Zero-initialise, then set doc, file
 * and err; the rest is optional. */
struct gs__yaml {
    yaml_document_t *doc;
    const char *file;       /* the file being read, as named in errors */
    gs_error *err;
    char dir[GS_PATH_MAX];  /* its directory, for gs__yaml_expand_path (gs__yaml_set_dir) */
    /* 1: a field path longer than GS__YAML_PATH_LEN - 1 is an error in gs__yaml_lookup;
     * 0: it is cut */
    int strict_paths;
    /* 1 (the catalogue's wording): an unknown key is answered "unknown key 'x' (did you mean
     * 'y'?); expected one of: ..." and a repeated key "key 'x' appears twice", and
     * gs__yaml_get takes a null value for an absent key; 0: "unknown key 'x' (did you mean
     * 'y'?)" or "... (expected one of: ...)", "duplicate key 'x' (first given at line N)" */
    int catalog_style;
    /* called by gs__yaml_lookup with every field it finds (may be NULL) */
    void (*on_field)(gs__yaml *y, const char *path, const yaml_node_t *n);
};

/* ---- nodes ---- */

/** The node with index idx of y's document. */
yaml_node_t *gs__yaml_node(const gs__yaml *y, int idx);

/** Item i of sequence seq (i below its length). */
yaml_node_t *gs__yaml_item(const gs__yaml *y, const yaml_node_t *seq, size_t i);

/** 1 when n is a plain scalar null ("", ~, null, Null, NULL), else 0 (also for NULL). */
int gs__yaml_is_null(const yaml_node_t *n);

/** The text of scalar n, or NULL when n is NULL or not a scalar. */
const char *gs__yaml_scalar(const yaml_node_t *n);

/** How n looks, for "found ...": the scalar quoted (cut at 60 characters), "nothing",
 * "a mapping" or "a list". */
void gs__yaml_describe(const yaml_node_t *n, char *buf, size_t len);

/** The value of key in mapping map, or NULL when absent (or null, with catalog_style). */
yaml_node_t *gs__yaml_get(const gs__yaml *y, const yaml_node_t *map, const char *key);

/* ---- errors and suggestions ---- */

/** Set y->err to GS_EINPUT at n's line and column (0 when n is NULL) in y->file, with field
 * path (NULL or "" for none) and the printf-formatted message; returns GS_EINPUT. */
int gs__yaml_fail(const gs__yaml *y, const yaml_node_t *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));




/* ---- field paths ---- */

/** out (GS__YAML_PATH_LEN bytes) = "base.key", or "key" when base is empty. -1 (out empty)
 * when it does not fit. */
int gs__yaml_path(char *out, const char *base, const char *key);

/** The same, cut to fit instead. */
void gs__yaml_path_cut(char *out, const char *base, const char *key);

/** out (GS__YAML_PATH_LEN bytes) = "base[i]"; -1 (out empty) when it does not fit. */
int gs__yaml_index(char *out, const char *base, size_t i);

/* ---- fields ---- */

/** Check that n is a mapping (else "expected <what>, found ...") whose keys are all in keys
 * (NULL-terminated) and none repeats. GS_OK or an error. */
int gs__yaml_check_map(const gs__yaml *y, const yaml_node_t *n, const char *path, const char *what,
                       const char *const *keys);

/** Find key in map: *v gets its node (NULL when absent), path (GS__YAML_PATH_LEN bytes) its
 * field path. Returns 1 when present, 0 when absent and optional, or an error ("missing
 * required key 'key' (<what>)"). */
int gs__yaml_lookup(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                    const char *what, char *path, yaml_node_t **v);

/** Parse scalar v as a finite number (trailing spaces allowed): 0, or -1 when it is not one. */
int gs__yaml_number(const yaml_node_t *v, double *out);

/** Read key of map as a number. 1 when read, 0 when absent and optional, or an error. */
int gs__yaml_get_num(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                     double *out);

/** Read key of map as a string of fewer than len bytes. 1, 0 or an error as gs__yaml_get_num. */
int gs__yaml_get_str(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                     char *out, size_t len);

/** Read key of map as a list (else "expected <what>, found ..."): *seq gets the node and *n its
 * length (0 when absent). 1, 0 or an error as gs__yaml_get_num. */
int gs__yaml_get_list(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                      const char *what, yaml_node_t **seq, size_t *n);

/* ---- files ---- */

/** Set y->dir to the directory of path ("." when it has none). */
void gs__yaml_set_dir(gs__yaml *y, const char *path);

/** Expand ${VAR} in raw (the value of node v, field path) from the environment, GS_SHARED
 * defaulting to the nearest "shared" directory beside y->dir or one of its ancestors (else
 * ../shared), and make a relative path relative to y->dir (unless it starts with a variable).
 * out gets fewer than len bytes. GS_OK or an error. */
int gs__yaml_expand_path(const gs__yaml *y, const yaml_node_t *v, const char *path, const char *raw,
                         char *out, size_t len);

/** Replace ${GS_SHARED} in raw (a catalogue series path) by the environment variable, else the
 * nearest "shared" directory beside near_file's directory or one of its ancestors, else
 * ../shared (the same rule as gs__yaml_expand_path). out gets fewer than len bytes. */
void gs__expand_shared(const char *raw, const char *near_file, char *out, size_t len);

/** The largest YAML document read (fleets, candidates, catalogues, the daemon's configuration:
 * kilobytes in practice): libyaml's document takes up to 80 times its text (8 MiB of "[1,1,...]"
 * is 700 MB), so a larger one is refused before it fills the memory. */
#define GS__YAML_MAX_BYTES ((size_t)8 << 20)

/** Parse one YAML document from the file path ("-": standard input) or from text (len bytes,
 * named path in errors) into doc, which the caller deletes on success. A path is first checked with
 * gs__path_check (read/reader.h): "PATH: no such file", "PATH: is a directory", ... are GS_EINPUT.
 * A UTF-8 byte order mark at the start is accepted (libyaml). Syntax errors are GS_EINPUT at
 * libyaml's line and column, "YAML syntax error: <problem>"; with detail, an encoding error
 * names its byte offset and a problem inside a construct the line where it started. A document
 * of more than GS__YAML_MAX_BYTES is GS_EINPUT "expected a YAML document of at most 8 MiB, found
 * more", found after reading at most that much (an endless pipe stops there). */
int gs__yaml_load(const char *path, const char *text, size_t len, int detail, yaml_document_t *doc,
                  gs_error *err);

#endif
