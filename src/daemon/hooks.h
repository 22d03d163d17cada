/* hooks.h: how the daemon reaches what is not the scheduler: the power-cap command (on real
 * hardware a script around `nvidia-smi -pl`; in the tests a recording stub) and the inference
 * router (a weights file and an HTTP POST, over libcurl). docs/serve.md, "Hooks", documents the
 * arguments and the JSON. */
#ifndef GS_DAEMON_HOOKS_H
#define GS_DAEMON_HOOKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Run program cmd (no shell: cmd is split on white space into the program and its first
 * arguments, then args[0..nargs) follow) with a timeout; its standard output and error are
 * kept (the first out_len-1 bytes) in out. Returns its exit status (0..255), -1 when it could
 * not be started (out says why), -2 when it ran past timeout_s (it is killed: SIGTERM, then
 * SIGKILL 1 s later). *elapsed_ms gets the time taken (may be NULL). */
int gs_hook_run(const char *cmd, const char *const *args, size_t nargs, double timeout_s,
                char *out, size_t out_len, double *elapsed_ms);

/** Publish the router's weights: json (a complete document) is written to path (temporary
 * name, then rename) when path is not "", and POSTed (Content-Type: application/json) to url
 * when url is not "". Returns 0, or -1 with why in why[why_len] (the write that failed, or the
 * HTTP status / curl error of the POST). */
int gs_router_publish(const char *path, const char *url, const char *json, double timeout_s,
                      char *why, size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
