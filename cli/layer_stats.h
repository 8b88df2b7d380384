/* layer_stats.h - hone train --layer-stats FILE: per-layer statistics every N steps, as CSV. */
#ifndef HONE_CLI_LAYER_STATS_H
#define HONE_CLI_LAYER_STATS_H

#include "hone.h"

/* The file's columns, in order: what the writer prints and hone plot-layers reads. */
enum { CLI_LAYER_STATS_COLUMNS = 10 };
extern const char *const cli_layer_stats_columns[CLI_LAYER_STATS_COLUMNS];

/* Opens path (created or truncated) and writes the header; -1 (message printed) on failure. A
 * resumed run (resumed non-zero, steps_done its checkpoint's step count) keeps the file's rows of
 * the steps to steps_done and appends after them, so that the file reads as if the run had not
 * stopped; a file that is not one of these, or whose rows are not every `every` steps (the run's
 * --stats-every), is an error, and a missing one is created. */
int cli_layer_stats_open(const char *cmd, const char *path, int resumed, uint64_t steps_done, int every);
/* The hone_train_hooks.on_layer_stats hook: one row per layer. */
void cli_layer_stats_write(const hone_layer_stats *stats, int n_layers, uint64_t step, int epoch, void *user);
/* Closes the file; -1 (message printed) when a write had failed. */
int cli_layer_stats_close(const char *cmd);

#endif
