/* tune.h - hone tune's parts, shared by its files (cli/tune_*.c and cli/cmd_tune.c).
 *
 * One INI file holds the search: [tune] its settings, [space] one line per searched option
 * ("lr = log 1e-5 1", see hone_param_parse), [train] the options every trial shares. Each round
 * samples `trials` points from the space with a generator seeded by (seed, round), runs each as a
 * child `hone train ... --json --quiet` (up to `jobs` at a time), and then narrows every range
 * around the best `top-k` trials so far. With halving, a round first runs every trial for
 * epochs/4, the better half for epochs/2 and the better quarter for the whole budget, from
 * scratch each time (so each run's schedule spans its own epochs).
 *
 * Every finished run is appended to the results file as one JSON line and synced before the next
 * starts. Sampling depends only on the seed and on results already in that file, so a search run
 * again regenerates the same trials, finds the finished ones there (matched by trial number and
 * epochs, their values checked) and runs only the rest: an interrupted search resumes, and one
 * given more rounds extends.
 *
 * The files: tune_space.c (the space, the fixed options and a trial's options), tune_check.c
 * (every check before a trial runs), tune_results.c (the results file), tune_run.c (running
 * trials as child processes), tune_rank.c (ranking, narrowing, the table and the best config),
 * cmd_tune.c (the rounds and the command). */
#ifndef HONE_CLI_TUNE_H
#define HONE_CLI_TUNE_H

#include "cli.h"
#include "hone.h"

#include <cJSON.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define TUNE_MAX_PARAMS 32
#define TUNE_MAX_FIXED 128
#define TUNE_MAX_TRIALS 100000
#define TUNE_MAX_DEPTH 64
#define TUNE_RMSE_SHOWN 3 /* targets whose dev_rmse the table shows; the results file has every one */

typedef struct tune_options {
    int rounds, trials, jobs, epochs, top_k, halving, quiet;
    double margin;
    uint64_t seed;
    char metric[CLI_TEXT_MAX];
    char results[CLI_TEXT_MAX];
    char best[CLI_TEXT_MAX];
} tune_options;

typedef struct kv {
    char key[HONE_PARAM_TEXT_MAX];
    char value[CLI_TEXT_MAX];
    const char *path; /* the config file it is from; NULL after -- */
    int line;         /* of that file; 0 after -- */
    int shared;       /* a top-level key of that file, which every command reads, not one of [train] */
} kv;

typedef enum trial_status { ST_NONE = 0, ST_OK, ST_DIVERGED, ST_FAILED } trial_status;
extern const char *const tune_status_names[]; /* by trial_status: "pending", "ok", "diverged", "failed" */

/* A point of the space and its last finished run. */
typedef struct trial {
    int id, round; /* id counts from 1 over the whole search */
    double value[TUNE_MAX_PARAMS];
    char text[TUNE_MAX_PARAMS][HONE_PARAM_TEXT_MAX];
    int epochs; /* budget of the last finished run; 0 before the first */
    trial_status status;
    double dev_acc, dev_loss, seconds;
    double *dev_rmse; /* a regression's, in each target's own units: [targets], NULL when none */
    int targets;
    int threads; /* of hone's pool in its last run (OPENBLAS_NUM_THREADS); 0: not known, or set by [train] threads */
    char error[256];
} trial;

/* A line of the results file. */
typedef struct record {
    int id, round, epochs;
    trial_status status;
    double dev_acc, dev_loss, seconds;
    int threads; /* 0 when the record does not say (an older hone tune, or [train] threads) */
    char error[256];
    const cJSON *params;
    const cJSON *train; /* the fixed options it ran with ([train] and after --); NULL from an older hone tune */
    const cJSON *dev_rmse; /* a number, an array (several targets), or NULL: a classifier's, a failed trial's or an
                            * older hone tune's */
} record;

typedef struct tune {
    tune_options o;
    const char *config; /* the --config file being read; once all are read, the last */
    int config_line;    /* the line of config being read (cli_ini_read) */
    const cli_option *own; /* hone tune's options: top-level keys of theirs are not [train]'s */
    hone_param space[TUNE_MAX_PARAMS];
    const char *space_path[TUNE_MAX_PARAMS]; /* the config file of each */
    int space_line[TUNE_MAX_PARAMS];         /* of that file */
    int n_space;
    kv fixed[TUNE_MAX_FIXED]; /* top-level keys and [train] of each --config in turn, then the flags after --; a later
                               * one wins */
    int n_fixed;
    int depth, layers;    /* indices in space of "depth" and "layers", or -1 */
    int metric_loss;      /* 1: dev_loss, lower is better; 0: dev_acc, higher is better */
    int regression;       /* the trials train a regression: the table shows their dev_rmse */
    uint64_t seed;
    int threads; /* each trial run now has this many (OPENBLAS_NUM_THREADS); 0 when [train] sets threads */
    char exe[4096];
    int fd; /* results file, locked */
    cJSON **lines;
    record *records;
    int n_records;
    trial *trials;
    int n_trials;
    int ran, reused;
    int failed; /* set by the INI handler */
} tune;

/* tune_space.c: the space ([space]), the fixed options ([train], then the flags after --) and the
 * options a trial runs with */
kv *tune_find_fixed(tune *t, const char *key);
int tune_find_param(const tune *t, const char *name);
void tune_fixed_where(const tune *t, const kv *f, char *buf, size_t cap);
void tune_option_where(const tune *t, const trial *tr, const char *key, char *buf, size_t cap);
void tune_copy_text(char *dst, size_t cap, const char *src);
int tune_on_ini(void *user, const char *section, const char *key, const char *value);
int tune_read_passthrough(tune *t, int argc, char **argv);
int tune_check_space(tune *t);
int tune_trial_options(const tune *t, const trial *tr, int epochs, kv *out);
void tune_describe(const tune *t, const trial *tr, char *buf, size_t cap);

/* tune_check.c: the settings, the outputs and every trial's options, before any trial runs */
int tune_check_settings(tune *t);
int tune_check_outputs(tune *t);
int tune_check_trials(tune *t);
int tune_rungs(const tune_options *o, int *budget);

/* tune_results.c: the results file, one JSON line a finished run */
double tune_json_number(const cJSON *o, const char *key);
int tune_set_rmse(trial *tr, const cJSON *v);
int tune_load_records(tune *t);
const record *tune_find_record(const tune *t, int id, int epochs);
int tune_record_differs(const tune *t, const record *r, const trial *tr, char *why, size_t cap);
int tune_append_record(tune *t, const trial *tr);

/* tune_run.c: trials as child hone train processes; a signal sets tune_stop_signal */
extern volatile sig_atomic_t tune_stop_signal;
int tune_run_trials(tune *t, trial **list, int n, int epochs);
const char *tune_metric_text(double v, char *buf, size_t cap);
const char *tune_rmse_text(const trial *tr, char *buf, size_t cap);

/* tune_rank.c: the ranking, the narrowing of the ranges, the table and the best config */
void tune_rank_trials(const tune *t, trial **list, int n);
int tune_narrow(tune *t, int round);
void tune_print_table(const tune *t, trial **list, int n);
const char *tune_result_text(const tune *t, const trial *tr, char *buf, size_t cap);
int tune_write_best(const tune *t, const trial *tr);

#endif
