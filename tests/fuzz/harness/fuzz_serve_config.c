/* fuzz_serve_config.c: libFuzzer harness of the daemon's configuration reader
 * (gs_serve_config_load, src/daemon/config.c; docs/serve.md, "Configuration"). The input is
 * written as serve.yaml in a temporary folder holding fleet.yaml (a link to
 * tests/serve/fleet.yaml) and an executable cap-hook.sh, so that a configuration naming them
 * gets past its file checks. Seeds in tests/fuzz/corpus/serve_config/. */
#include "fuzz_util.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "daemon/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char cfg_path[300];

static void cleanup(void)
{
    char p[320];
    const char *names[] = {"serve.yaml", "fleet.yaml", "cap-hook.sh"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/gs_fuzz_cfg.XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    char fleet[1024], link_path[320];
    snprintf(fleet, sizeof fleet, "%s/tests/serve/fleet.yaml", gs_fuzz_src());
    snprintf(link_path, sizeof link_path, "%s/fleet.yaml", dir);
    if (symlink(fleet, link_path) != 0) {
        perror("symlink");
        exit(1);
    }
    snprintf(link_path, sizeof link_path, "%s/cap-hook.sh", dir);
    FILE *h = fopen(link_path, "w");
    if (!h) {
        perror(link_path);
        exit(1);
    }
    fputs("#!/bin/sh\nexit 0\n", h);
    fclose(h);
    chmod(link_path, 0755);
    snprintf(cfg_path, sizeof cfg_path, "%s/serve.yaml", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(cfg_path, "wb");
    if (!fp) {
        perror(cfg_path);
        exit(1);
    }
    if (size && fwrite(data, 1, size, fp) != size) {
        perror(cfg_path);
        exit(1);
    }
    fclose(fp);
    gs_serve_config *c = NULL;
    gs_error err = {0};
    int rc = gs_serve_config_load(cfg_path, &c, &err);
    if (getenv("GS_FUZZ_VERBOSE")) /* what the reader said, to check the seeds */
        fprintf(stderr, "serve config: %d %s\n", rc, err.message);
    if (rc == 0)
        gs_serve_config_free(c);
    return 0;
}
