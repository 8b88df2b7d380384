/* progress.h - what hone train shows while it trains, through the library's hooks.
 *
 *   terminal (stderr is a tty, TERM not dumb): a live line per epoch, redrawn with \r at most
 *       10 times a second: batches done, smoothed loss (EWMA, beta 0.98, bias-corrected),
 *       running accuracy, samples/s, time elapsed and left in the epoch; replaced by the epoch's
 *       summary line when the epoch ends.
 *   otherwise: only the summary lines, no control characters.
 *   --quiet or --json: nothing.
 *
 * The epoch hook also appends to a metrics file and keeps the rows for a plot. The batch hook runs
 * every step, so it only adds to running sums and prints when the line is due; nothing in either
 * hook allocates. */
#ifndef HONE_CLI_PROGRESS_H
#define HONE_CLI_PROGRESS_H

#include "metrics.h"

typedef enum cli_progress_mode { CLI_PROGRESS_QUIET, CLI_PROGRESS_PLAIN, CLI_PROGRESS_LIVE } cli_progress_mode;

/* The epochs kept for a plot, grown as they come: a run may stop early, and --epochs may be far
 * more than ever run (a slot for each, allocated up front, refused --epochs 2000000000 --plot). */
typedef struct cli_history {
    hone_epoch_stats *rows; /* [cap] */
    size_t n, cap;
    int lost; /* out of memory once: the plot would miss epochs */
} cli_history;

/* Appends s to h (NULL: nothing kept); out of memory marks h lost. */
void cli_history_add(cli_history *h, const hone_epoch_stats *s);

typedef struct cli_progress {
    cli_progress_mode mode;
    size_t train_rows;
    int per_row;            /* predictions per row in a batch's correct count (sigmoid: outputs) */
    double seconds;         /* training time summed over epochs (evaluation excluded) */
    double samples;         /* training rows seen */
    cli_metrics_writer *metrics; /* or NULL */
    cli_history *history;        /* the epochs kept for a plot, or NULL */
    /* early stopping's kept epoch against the best dev figures seen (by any margin), this run's
     * epochs only: a --min-delta too large for the metric keeps an epoch that later ones beat */
    int kept_epoch, best_loss_epoch, best_acc_epoch; /* 0: none yet */
    double kept_loss, kept_acc, best_loss, best_acc;
    /* the live line */
    hone_ewma loss;
    double correct, rows;
    double next_draw;       /* epoch time at which the line may be redrawn */
    int columns;            /* terminal width */
    int drawn;              /* a live line is on the screen */
} cli_progress;

/* mode from the flags and stderr; per_row is 1, or the outputs of a sigmoid network. */
void cli_progress_start(cli_progress *p, int quiet, int json, size_t train_rows, int per_row);
/* The hooks to hand to hone_train (on_batch only for the live line). */
hone_train_hooks cli_progress_hooks(cli_progress *p);
/* Warns (stderr) when early stopping with a min_delta kept epoch kept_epoch (the run's last
 * best_epoch) while a later epoch of this run had a better dev figure in the metric it watched:
 * min_delta hid the improvement. */
void cli_progress_min_delta_warn(const cli_progress *p, const hone_early_stopping *e, int kept_epoch);
/* Erases a live line left on the screen (training stopped or failed mid-epoch). */
void cli_progress_end(cli_progress *p);

#endif
