/* error.c: filling and formatting gs_error (see include/gridsplit/error.h). */
#include "gridsplit/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gs_error_set(gs_error *err, gs_err code, const char *file, int line, int column,
                 const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void gs_error_format(const gs_error *err, char *buf, unsigned long len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (err->file[0]) {
        if (err->line > 0 && err->column > 0)
            used = (size_t)snprintf(buf, len, "%s:%d:%d: ", err->file, err->line, err->column);
        else if (err->line > 0)
            used = (size_t)snprintf(buf, len, "%s:%d: ", err->file, err->line);
        else
            used = (size_t)snprintf(buf, len, "%s: ", err->file);
    }
    if (used < len && err->field[0])
        used += (size_t)snprintf(buf + used, len - used, "field '%s': ", err->field);
    if (used < len)
        snprintf(buf + used, len - used, "%s", err->message[0] ? err->message : gs_strerror(err->code));
}

const char *gs_strerror(int code)
{
    switch (code) {
    case GS_OK: return "ok";
    case GS_EINPUT: return "bad input";
    case GS_EIO: return "I/O error";
    case GS_ENOMEM: return "out of memory";
    case GS_ERANGE: return "value out of range";
    default: return "runtime error";
    }
}

int gs_exit_code(int code)
{
    if (code == GS_OK)
        return 0;
    if (code == GS_EINPUT || code == GS_ERANGE)
        return 2;
    return 1;
}
