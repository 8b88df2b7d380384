/* paths.c - outputs checked before the work: see paths.h. */
#define _DEFAULT_SOURCE /* realpath */
#include "paths.h"
#include "atomic.h"
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_replaces(const char *input, const char *output) {
    struct stat x, y;
    return !stat(input, &x) && !lstat(output, &y) && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static int given(const cli_path *p) { return p->path && *p->path; }

/* Whether outputs a and b write one file: the entry each names, or for one written in place the
 * file its links lead to (--metrics link.csv, a link to --save's d.st, and the save renamed a new
 * file over d.st while the metrics went on into the old one, now nameless). */
static int same_target(const cli_path *a, const cli_path *b) {
    struct stat x, y;
    if (a->in_place ? stat(a->path, &x) : lstat(a->path, &x)) return 0;
    if (b->in_place ? stat(b->path, &y) : lstat(b->path, &y)) return 0;
    return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* The directory path's entry is in ("." for a bare name) into dir [cap]; 0 when it fits. */
static int directory_of(const char *path, char *dir, size_t cap) {
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap) return -1;
    memcpy(dir, slash ? path : ".", n);
    dir[n] = 0;
    return 0;
}

/* path with its directory resolved ("runs/../m.st" and "m.st" alike), into out [PATH_MAX]; the
 * path as given when the directory cannot be resolved. */
static void canonical(const char *path, char *out) {
    char dir[PATH_MAX], real[PATH_MAX];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const size_t n_base = strlen(base);
    size_t n_real;
    if (directory_of(path, dir, sizeof dir) || !realpath(dir, real) || (n_real = strlen(real)) + n_base + 2 > PATH_MAX) {
        snprintf(out, PATH_MAX, "%s", path);
        return;
    }
    memcpy(out, real, n_real);
    out[n_real] = '/';
    memcpy(out + n_real + 1, base, n_base + 1);
}

int cli_same_file(const char *a, const char *b) {
    char x[PATH_MAX], y[PATH_MAX];
    canonical(a, x);
    canonical(b, y);
    return !strcmp(x, y) || cli_replaces(a, b);
}

int cli_in_place(const char *path) {
    struct stat st;
    return !stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/* The output can be written: a FIFO or a device that this user may write, or a file whose
 * directory exists and takes a temporary beside it (the name plus up to CLI_ATOMIC_SUFFIX_MAX
 * characters). */
static int writable(const char *cmd, const cli_path *out) {
    char dir[PATH_MAX];
    struct stat st;
    if (cli_in_place(out->path)) {
        if (!access(out->path, W_OK)) return 0;
        cli_error(cmd, "%s %s: cannot write it: %s", out->option, out->path, strerror(errno));
        return -1;
    }
    if (!stat(out->path, &st) && S_ISDIR(st.st_mode)) {
        cli_error(cmd, "%s %s: is a directory; give a file name", out->option, out->path);
        return -1;
    }
    if (directory_of(out->path, dir, sizeof dir)) {
        cli_error(cmd, "%s %.200s...: path too long", out->option, out->path);
        return -1;
    }
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        cli_error(cmd, "%s %s: no directory %s to write it in", out->option, out->path, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK)) {
        cli_error(cmd, "%s %s: cannot write in %s: %s", out->option, out->path, dir, strerror(errno));
        return -1;
    }
    const char *slash = strrchr(out->path, '/');
    const long name_max = pathconf(dir, _PC_NAME_MAX);
    const size_t name = strlen(slash ? slash + 1 : out->path);
    if (strlen(out->path) + CLI_ATOMIC_SUFFIX_MAX >= PATH_MAX ||
        (name_max > 0 && name + CLI_ATOMIC_SUFFIX_MAX > (size_t)name_max)) {
        cli_error(cmd, "%s %.80s...: name too long to write a temporary file beside it (at most %ld characters "
                       "in a name here, and %d in a path, less %d)", out->option, out->path, name_max, PATH_MAX,
                  CLI_ATOMIC_SUFFIX_MAX);
        return -1;
    }
    return 0;
}

int cli_outputs_check(const char *cmd, const cli_path *inputs, int n_inputs, const cli_path *outputs, int n_outputs) {
    const cli_path config = {"--config", cli_config_path(), NULL, 0};
    for (int i = 0; i < n_outputs; i++) {
        const cli_path *out = &outputs[i];
        if (!given(out)) continue;
        if (writable(cmd, out)) return -1;
        for (int k = -1; k < n_inputs; k++) {
            const cli_path *in = k < 0 ? &config : &inputs[k];
            if (!given(in) || (out->may_replace && !strcmp(out->may_replace, in->path))) continue;
            /* an output written in place through a link writes the file linked to: --metrics link.csv,
             * a link to the --data, turned the data into a metrics file */
            const cli_path followed = {in->option, in->path, NULL, 1};
            if (cli_same_file(in->path, out->path) || (out->in_place && same_target(&followed, out))) {
                cli_error(cmd, "%s %s would overwrite %s, the %s it reads", out->option, out->path, in->path, in->option);
                return -1;
            }
        }
        for (int j = 0; j < i && !cli_in_place(out->path); j++) /* two outputs may both be /dev/null */
            if (given(&outputs[j]) && (cli_same_file(outputs[j].path, out->path) ||
                                       ((outputs[j].in_place || out->in_place) && same_target(&outputs[j], out)))) {
                cli_error(cmd, "%s %s and %s %s name the same file", outputs[j].option, outputs[j].path, out->option,
                          out->path);
                return -1;
            }
    }
    return 0;
}
