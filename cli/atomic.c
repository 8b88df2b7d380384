/* atomic.c - write beside, fsync, rename: a reader never sees a half-written file. */
#define _DEFAULT_SOURCE
#include "atomic.h"
#include "cli.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_atomic_open(const char *cmd, cli_atomic *a, const char *path) {
    a->f = NULL;
    a->path = path;
    a->tmp[0] = 0;
    if (cli_in_place(path)) {
        if (!(a->f = fopen(path, "w"))) {
            cli_error(cmd, "%s: cannot open it: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (strlen(path) >= sizeof a->tmp - CLI_ATOMIC_SUFFIX_MAX) {
        cli_error(cmd, "%.200s...: path too long", path);
        return -1;
    }
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld.%d", path, (long)getpid(), attempt);
        fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        cli_error(cmd, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        return -1;
    }
    struct stat target;
    if (!stat(path, &target)) (void)fchmod(fd, target.st_mode & 07777); /* a file replaced keeps its permissions */
    if (!(a->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        cli_error(cmd, "%s: cannot open the temporary file: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int cli_atomic_commit(const char *cmd, cli_atomic *a) {
    const char *failed = NULL;
    int e = 0;
    errno = 0;
    const int in_place = !a->tmp[0];
    if (ferror(a->f) || fflush(a->f)) failed = "write failed", e = errno;
    if (!failed && !in_place && fsync(fileno(a->f))) failed = "fsync failed", e = errno;
    if (fclose(a->f) && !failed) failed = "close failed", e = errno;
    a->f = NULL;
    if (!failed && !in_place && rename(a->tmp, a->path)) failed = "cannot replace it with the temporary file", e = errno;
    if (failed) {
        if (!in_place) unlink(a->tmp);
        cli_error(cmd, "%s: %s: %s", a->path, failed, strerror(e ? e : EIO));
        return -1;
    }
    return 0;
}

void cli_atomic_abort(cli_atomic *a) {
    if (a->f) fclose(a->f);
    a->f = NULL;
    if (a->tmp[0]) unlink(a->tmp);
}
