/* gridsplit error reporting: every fallible function returns 0 or a negative gs_err and fills
 * a caller-owned gs_error with what went wrong and where (file, line, column, field). */
#ifndef GRIDSPLIT_ERROR_H
#define GRIDSPLIT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes. 0 is success; every error is negative. */
typedef enum gs_err {
    GS_OK = 0,
    GS_EINPUT = -1,   /**< bad input: a file, a field or a value the user must fix (exit code 2) */
    GS_EIO = -2,      /**< reading or writing failed (exit code 1) */
    GS_ENOMEM = -3,   /**< out of memory (exit code 1) */
    GS_ERANGE = -4,   /**< a value out of its documented range (exit code 2) */
    GS_ERUNTIME = -5, /**< anything else that failed at run time (exit code 1) */
} gs_err;

/** Details of the last error. Caller-owned; zero-initialise it. Lines and columns are 1-based,
 * 0 when unknown. */
typedef struct gs_error {
    gs_err code;
    char file[512];
    int line;
    int column;
    char field[128];
    char message[1024];
} gs_error;

/** Fill err (which may be NULL) and return code. The message is printf-formatted. */
int gs_error_set(gs_error *err, gs_err code, const char *file, int line, int column,
                 const char *field, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/** Format err as one line: "FILE:LINE:COL: field 'F': MESSAGE" (the parts that are known). */
void gs_error_format(const gs_error *err, char *buf, unsigned long len);

/** A short name for a code ("bad input", "I/O error", ...). */
const char *gs_strerror(int code);

/** The process exit code for a result: 0 ok, 2 bad input or range, 1 otherwise. */
int gs_exit_code(int code);

#ifdef __cplusplus
}
#endif
#endif
