/* outfile.h (internal): output files written under a temporary name and renamed into place
 * only when complete, so a failed run never leaves a half-written file that looks finished,
 * and a run killed by SIGINT, SIGTERM or SIGHUP leaves no temporary behind. */
#ifndef GS_IO_OUTFILE_H
#define GS_IO_OUTFILE_H

#include <stdio.h>

#include "gridsplit/error.h"

typedef struct gs__outfile {
    FILE *f;
    char path[1024];
    char tmp[1040];
    int slot;        /**< its entry in the table of temporaries removed on a signal, or -1 */
} gs__outfile;

/** Open path.tmp.PID for writing with a 1 MiB buffer. Returns 0 or GS_EIO (err names path).
 * Until it is committed or aborted the temporary is registered for removal when the process
 * is killed by SIGINT, SIGTERM or SIGHUP: the first open installs a handler for those signals
 * (unless one is ignored or already handled) that unlinks every registered temporary and then
 * ends the process with the signal's default action. */
int gs__outfile_open(gs__outfile *o, const char *path, gs_error *err);
/** Flush, close and rename into place. Returns 0 or GS_EIO; on failure the temporary is removed. */
int gs__outfile_commit(gs__outfile *o, gs_error *err);
/** Close and remove the temporary (after an error). Safe to call on an unopened or committed one. */
void gs__outfile_abort(gs__outfile *o);

/** Temporaries open now (registered for removal on a signal): for tests. */
int gs__outfile_live_temporaries(void);

/** Create directory path (and parents) if missing. Returns 0 or GS_EIO. */
int gs__mkdirs(const char *path, gs_error *err);

#endif
