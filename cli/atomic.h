/* atomic.h - text files the commands write (predictions, plots, the best config) appear whole or
 * not at all: written to a fresh temporary beside the target, flushed, fsynced, then renamed over
 * it; a file replaced keeps its permissions. A target that is a FIFO or a device (/dev/stdout,
 * /dev/null; links followed) is written in place instead, since a rename would replace the entry.
 * The directory is fsynced after the rename, so that the new name survives a power loss, as the
 * library does for model files and checkpoints. A SIGINT, SIGTERM or SIGHUP that ends the process
 * (no other handler) removes the temporaries being written. A write that fails is reported with
 * its own reason (a full disk, the file size limit) at the commit, however much was written after. */
#ifndef HONE_CLI_ATOMIC_H
#define HONE_CLI_ATOMIC_H

#include <stdio.h>

/* The most a temporary's name adds to its target's: ".tmp.PID.N". */
#define CLI_ATOMIC_SUFFIX_MAX 48

typedef struct cli_atomic {
    FILE *f;             /* write here */
    const char *path;    /* the target */
    int fd;              /* f's descriptor */
    int write_errno;     /* the first failed write's errno; 0 while none has failed */
    char tmp[4096 + CLI_ATOMIC_SUFFIX_MAX]; /* PATH.tmp.PID.N, created exclusively; "" when writing in place */
} cli_atomic;

/* Creates the temporary; -1 with "hone CMD: PATH: ..." printed. */
int cli_atomic_open(const char *cmd, cli_atomic *a, const char *path);
/* Flushes, fsyncs, closes and renames over the target; on any failure removes the temporary and
 * prints the reason; -1 then. */
int cli_atomic_commit(const char *cmd, cli_atomic *a);
/* Closes and removes the temporary (after an error elsewhere). */
void cli_atomic_abort(cli_atomic *a);
/* Removes every temporary being written, these and the library's saves' (hone_remove_partial_files):
 * async-signal-safe, for a handler about to end the process. */
void cli_remove_temporaries(void);
/* A signal handler: cli_remove_temporaries, then the signal's default action (the process ends). */
void cli_remove_and_die(int sig);

#endif
