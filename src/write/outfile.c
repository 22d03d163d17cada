/* outfile.c: atomic output files and output directories (see outfile.h). */
#include "write/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gs__outfile_open(gs__outfile *o, const char *path, gs_error *err)
{
    memset(o, 0, sizeof *o);
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f)
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return GS_OK;
}

int gs__outfile_commit(gs__outfile *o, gs_error *err)
{
    if (!o->f)
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "file was not open");
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    if (bad) {
        remove(o->tmp);
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "write failed: %s", strerror(errno));
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        remove(o->tmp);
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "cannot rename into place: %s",
                            strerror(e));
    }
    return GS_OK;
}

void gs__outfile_abort(gs__outfile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        remove(o->tmp);
    }
}

int gs__mkdirs(const char *path, gs_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return gs_error_set(err, GS_EIO, buf, 0, 0, NULL, "cannot create directory: %s",
                                    strerror(errno));
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "not a directory");
    return GS_OK;
}
