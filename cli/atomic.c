/* atomic.c - write beside, fsync, rename: a reader never sees a half-written file. */
#define _GNU_SOURCE /* fopencookie */
#include "atomic.h"
#include "cli.h"
#include "hone_internal.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporaries being written: a signal that ends the process (SIGINT, SIGTERM, SIGHUP, where
 * no one else handles it) removes them first, as a failure does; an interrupted predict left its
 * PATH.tmp.PID.N behind. A command writes one or two at a time. */
#define OPEN_MAX 8
static const char *volatile open_tmp[OPEN_MAX];
static const int cleaned_signals[] = {SIGINT, SIGTERM, SIGHUP};

void cli_remove_temporaries(void) {
    for (int i = 0; i < OPEN_MAX; i++)
        if (open_tmp[i]) unlink(open_tmp[i]); /* async-signal-safe */
    hone_remove_partial_files();             /* the library's model and checkpoint saves */
}

void cli_remove_and_die(int sig) {
    cli_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Registers tmp, whose name is written in full, for removal by a signal, before the file is
 * created: a signal that came between the two left it behind. The handler goes where the
 * disposition is the default (hone train handles SIGINT and SIGTERM itself, and finishes its
 * writes). */
static void watch(const char *tmp) {
    static int installed;
    if (!installed) {
        installed = 1;
        for (size_t k = 0; k < sizeof cleaned_signals / sizeof *cleaned_signals; k++) {
            struct sigaction now;
            if (sigaction(cleaned_signals[k], NULL, &now) || now.sa_handler != SIG_DFL) continue;
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = cli_remove_and_die;
            sigemptyset(&sa.sa_mask);
            sigaction(cleaned_signals[k], &sa, NULL);
        }
    }
    for (int i = 0; i < OPEN_MAX; i++)
        if (!open_tmp[i]) {
            open_tmp[i] = tmp;
            return;
        }
}

static void unwatch(const char *tmp) {
    for (int i = 0; i < OPEN_MAX; i++)
        if (open_tmp[i] == tmp) open_tmp[i] = NULL;
}

/* The stream's writes, through the descriptor, keeping the first failure's errno: stdio keeps
 * only its error flag, and by the commit errno tells of whatever ran since (a full disk was
 * reported as "Input/output error" once the output outgrew the stream's buffer). A failure
 * returns the bytes written, 0 when none, never -1: fopencookie(3) forbids a negative count, and
 * glibc takes -1 as SIZE_MAX written, then reads past the end of a large fwrite's data. */
static ssize_t write_keeping_errno(void *cookie, const char *buf, size_t size) {
    cli_atomic *a = cookie;
    size_t done = 0;
    while (done < size) {
        const ssize_t n = write(a->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (!a->write_errno) a->write_errno = n < 0 ? errno : EIO;
            return (ssize_t)done;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static int close_descriptor(void *cookie) { return close(((cli_atomic *)cookie)->fd); }

/* a->f over the open descriptor a->fd; closes it and returns -1 (errno set) on failure */
static int open_stream(cli_atomic *a) {
    a->write_errno = 0;
    a->f = fopencookie(a, "w", (cookie_io_functions_t){.write = write_keeping_errno, .close = close_descriptor});
    if (a->f) return 0;
    const int e = errno;
    close(a->fd);
    errno = e;
    return -1;
}

int cli_atomic_open(const char *cmd, cli_atomic *a, const char *path) {
    a->f = NULL;
    a->path = path;
    a->tmp[0] = 0;
    if (cli_in_place(path)) {
        if ((a->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0 || open_stream(a)) {
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
        watch(a->tmp); /* only once its name is whole: a signal handler reads it */
        fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        const int e = errno;
        if (fd < 0) unwatch(a->tmp); /* before the next name is written over it */
        errno = e;
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        cli_error(cmd, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        return -1;
    }
    struct stat target;
    if (!stat(path, &target)) (void)fchmod(fd, target.st_mode & 07777); /* a file replaced keeps its permissions */
    a->fd = fd;
    if (open_stream(a)) {
        int e = errno;
        unlink(a->tmp);
        unwatch(a->tmp);
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
    if (ferror(a->f) || fflush(a->f)) failed = "write failed", e = a->write_errno ? a->write_errno : errno;
    if (!failed && !in_place && fsync(a->fd)) failed = "fsync failed", e = errno;
    if (fclose(a->f) && !failed) failed = "close failed", e = errno;
    a->f = NULL;
    if (!failed && !in_place && rename(a->tmp, a->path)) failed = "cannot replace it with the temporary file", e = errno;
    if (failed && !in_place) unlink(a->tmp);
    if (!in_place) unwatch(a->tmp);
    if (failed) {
        cli_error(cmd, "%s: %s: %s", a->path, failed, strerror(e ? e : EIO));
        return -1;
    }
    if (!in_place) (void)honeC_sync_directory(a->path);
    return 0;
}

void cli_atomic_abort(cli_atomic *a) {
    if (a->f) fclose(a->f);
    a->f = NULL;
    if (a->tmp[0]) {
        unlink(a->tmp);
        unwatch(a->tmp);
    }
}
