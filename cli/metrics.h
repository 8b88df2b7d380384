/* metrics.h - per-epoch learning curves as a file: CSV (a name ending .csv) or JSON lines, one
 * row per epoch, written as training goes (each line flushed, so a killed run keeps its rows),
 * and read back by hone plot and hone diagnose. Missing figures (no dev set, no accuracy for
 * regression) are an empty CSV field or a JSON null, and read back as NAN. */
#ifndef HONE_CLI_METRICS_H
#define HONE_CLI_METRICS_H

#include "cli.h"
#include "hone.h"

/* The columns, in order: the CSV header and the JSON keys. best_epoch is the epoch whose weights
 * the run keeps if it ends there: early stopping's best, or without it the epoch itself. */
#define CLI_METRICS_COLUMNS "epoch,lr,grad_norm,train_loss,train_acc,dev_loss,dev_acc,seconds,samples_per_s,best_epoch"

typedef struct cli_metrics_writer {
    FILE *file;
    const char *path;
    int csv;
    int failed; /* a write failed; errno_ holds why */
    int errno_;
    char buffer[4096]; /* the stream's buffer, so the epoch hook never allocates one */
} cli_metrics_writer;

/* Opens path, creating it but truncating nothing yet, so that a later output that cannot be
 * opened leaves an earlier run's file as it was. Returns -1 with "hone CMD: ..." printed. */
int cli_metrics_open(cli_metrics_writer *w, const char *cmd, const char *path);
/* Truncates the file opened (a regular file) and writes the CSV header; -1 with the message
 * printed. */
int cli_metrics_start(cli_metrics_writer *w, const char *cmd);
/* Appends one epoch and flushes; a failure is remembered in w->failed. */
void cli_metrics_write(cli_metrics_writer *w, const hone_epoch_stats *s);
/* Closes; returns -1 with a message printed if any write or the close failed. */
int cli_metrics_close(cli_metrics_writer *w, const char *cmd);

/* Reads a metrics file written by hone (CSV with its header, or JSON lines; found from the
 * content). *rows (malloc'd, caller frees) receives one entry per epoch, with .epochs set to the
 * count and .best_epoch 0 where the file does not say (an older hone's). Returns -1 with
 * "hone CMD: FILE: line N: what is wrong" printed on a bad file. */
int cli_metrics_read(const char *cmd, const char *path, hone_epoch_stats **rows, size_t *n);

#endif
