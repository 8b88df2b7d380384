/* checkpoint.h - hone train's checkpoints: --checkpoint FILE every --checkpoint-every epochs and
 * when SIGINT or SIGTERM arrives, --resume FILE to go on.
 *
 *   A first SIGINT or SIGTERM sets the library's stop flag: the batch in progress finishes, the
 *   checkpoint is written, and hone train exits with 128 + the signal's number (130 for SIGINT,
 *   143 for SIGTERM) after one line saying how to resume. A second signal ends the process at
 *   once (the default action: the handlers reset themselves). Without --checkpoint nothing is
 *   caught, so a signal ends the run as it always did. */
#ifndef HONE_CLI_CHECKPOINT_H
#define HONE_CLI_CHECKPOINT_H

#include "cli.h"
#include "hone.h"

typedef struct cli_checkpoint {
    char path[CLI_TEXT_MAX];   /* --checkpoint: where to write, or empty */
    int every;                 /* --checkpoint-every: epochs between checkpoints */
    char resume[CLI_TEXT_MAX]; /* --resume: the checkpoint to go on from, or empty */
    /* while training */
    hone_train_hooks inner;    /* the hooks the checkpoint hooks pass every call on to */
    int written;               /* a checkpoint was written: after epoch `epoch`, batch `batch` of the next */
    int epoch;
    size_t batch;
} cli_checkpoint;

#define CLI_CHECKPOINT_DEFAULTS {"", 1, "", {0}, 0, 0, 0}

#define CLI_CHECKPOINT_OPTIONS(c)                                                                  \
    {"checkpoint", CLI_TEXT, (c).path, "FILE",                                                    \
     "write the training state here (atomically) every --checkpoint-every epochs and on SIGINT/SIGTERM"}, \
    {"checkpoint-every", CLI_INT, &(c).every, "N", "epochs between checkpoints"},                 \
    {"resume", CLI_TEXT, (c).resume, "FILE",                                                      \
     "go on from a checkpoint, with the options and data it was written with (--epochs may grow, unless cosine)"}

/* Checks the options; -1 (message printed) when wrong. */
int cli_checkpoint_check(const char *cmd, const cli_checkpoint *c);

/* Whether the run may write its --checkpoint: -1 (message printed) when a file is there already
 * and is not the one the run resumes from, which would be replaced at the first epoch's end (an
 * interrupted run's state, lost to a command run again without --resume). */
int cli_checkpoint_fresh(const char *cmd, const cli_checkpoint *c);

/* Hooks that pass every call on to inner and add the checkpoint writer and the stop flag. */
hone_train_hooks cli_checkpoint_hooks(cli_checkpoint *c, hone_train_hooks inner);

/* SIGINT and SIGTERM set the stop flag of the hooks above (until cli_signals_restore). */
void cli_signals_catch(void);
void cli_signals_restore(void);
/* The signal that set the stop flag, or 0. */
int cli_signal_caught(void);

/* The first option on which two training configurations (the JSON that hone train keeps in its
 * models and checkpoints) differ, described into what ("--lr is 0.1 in the checkpoint, 0.2 in
 * this run"): 1, or 2 when the checkpoint does not record the option (an older hone's, written
 * before the option was kept: no option given now can match it), or 3 when it records none at
 * all (nothing given now can be checked against it); 0 when they agree. An option
 * that neither reads (--momentum-form of Adam, --alpha of ReLU) is left out. */
int cli_config_differs(const char *checkpoint, const char *run, char *what, size_t cap);

/* Whether this run reads the same label or target columns of its CSV file as the checkpoint's
 * run did, by the layout the checkpoint's configuration records (cli_csv_layout_json), compared
 * by index where both record them; layout is this run's, as cli_csv_layout_json wrote it, or NULL
 * when this run's data is not a CSV file (the same rows from an .npy file may go on). what
 * gets the difference ("--label-column is y0,y1 in the checkpoint, y1,y0 in this run"). A
 * checkpoint that records no label columns (trained on the last column, or by an older hone) is
 * left to the check of its rows. (Another --delimiter fails to read the file before this.) */
bool cli_layout_differs(const char *checkpoint, const char *layout, char *what, size_t cap);

#endif
