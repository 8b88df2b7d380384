/* tune_check.c - what hone tune checks before any trial runs or any file is made: its settings,
 * its outputs against the files every trial reads, those files, and every trial's options as hone
 * train would check them. */
#include "data_options.h"
#include "paths.h"
#include "tune.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tune_check_settings(tune *t) {
    const tune_options *o = &t->o;
    struct {
        const char *name;
        int value;
    } counts[] = {{"rounds", o->rounds}, {"trials", o->trials}, {"jobs", o->jobs}, {"epochs", o->epochs}, {"top-k", o->top_k}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].value < 1) {
            cli_error("tune", "--%s must be at least 1, got %d", counts[i].name, counts[i].value);
            return -1;
        }
    if ((long)o->rounds * o->trials > TUNE_MAX_TRIALS) {
        cli_error("tune", "--rounds x --trials is %ld trials; at most %d", (long)o->rounds * o->trials, TUNE_MAX_TRIALS);
        return -1;
    }
    /* every rung of one epoch is the same rung: halving was dropped without a word */
    if (o->halving && o->epochs < 2) {
        cli_error("tune", "--halving needs --epochs 2 or more: with %d, every rung is 1 epoch and no trial is cut; "
                          "leave --halving out, or give more epochs", o->epochs);
        return -1;
    }
    if (!(o->margin >= 0)) {
        cli_error("tune", "--margin must be 0 or more, got %g", o->margin);
        return -1;
    }
    if (!strcmp(o->metric, "dev_acc")) t->metric_loss = 0;
    else if (!strcmp(o->metric, "dev_loss")) t->metric_loss = 1;
    else {
        cli_error("tune", "--metric: expected dev_acc or dev_loss, got '%s'", o->metric);
        return -1;
    }
    t->seed = o->seed;
    if (!*o->results || !*o->best) { /* the option at fault first: a message is placed at its config line */
        cli_error("tune", "--%s needs a file name", !*o->results ? "results" : "best");
        return -1;
    }
    return 0;
}

/* The files of hone train that every trial reads: its outputs may not replace them, and each is
 * checked to be there before any trial runs. */
static const char *const trial_inputs[] = {"data", "labels", "test-data", "test-labels", "init"};
enum { TRIAL_INPUTS = sizeof trial_inputs / sizeof *trial_inputs };

/* --results and --best, against the config and the files every trial reads. */
int tune_check_outputs(tune *t) {
    cli_path reads[TRIAL_INPUTS];
    char names[TRIAL_INPUTS][32];
    for (int i = 0; i < TRIAL_INPUTS; i++) {
        const kv *v = tune_find_fixed(t, trial_inputs[i]);
        snprintf(names[i], sizeof names[i], "[train] %s", trial_inputs[i]);
        reads[i] = (cli_path){names[i], v ? v->value : NULL, NULL, 0};
    }
    const cli_path writes[] = {{"--results", t->o.results, NULL, 1}, {"--best", t->o.best, NULL, 0}};
    return cli_outputs_check("tune", reads, TRIAL_INPUTS, writes, CLI_COUNT(writes));
}

/* Epoch budgets of a round's rungs: epochs/4, epochs/2, epochs with halving (at least 1, no
 * repeats), else just epochs. */
int tune_rungs(const tune_options *o, int *budget) {
    if (!o->halving) {
        budget[0] = o->epochs;
        return 1;
    }
    int n = 0;
    for (int div = 4; div >= 1; div /= 2) {
        int b = o->epochs / div < 1 ? 1 : o->epochs / div;
        if (!n || budget[n - 1] != b) budget[n++] = b;
    }
    return n;
}

/* The values of p's spec that a check tries: each choice, or each end of the range, as a trial
 * would be given them. Returns the count. */
static int probe_values(const hone_param *p, char (*out)[HONE_PARAM_TEXT_MAX]) {
    if (p->kind == HONE_PARAM_CHOICE) {
        for (int c = 0; c < p->n_choices; c++) tune_copy_text(out[c], HONE_PARAM_TEXT_MAX, p->choices[c]);
        return p->n_choices;
    }
    hone_param_format(p, p->min, out[0], HONE_PARAM_TEXT_MAX);
    hone_param_format(p, p->max, out[1], HONE_PARAM_TEXT_MAX);
    return 2;
}

/* Checks the trial whose searched options are tr->text, run for `epochs`, as hone train would
 * before reading its data. Returns 0; or -1, printing the message as at `where`, or (where NULL)
 * as at the option to change: the last given (searched after fixed, a line after the lines
 * above it) whose train default lets the rest pass; epochs and seed, which tune sets, last. */
static int check_trial(const tune *t, const trial *tr, int epochs, const char *where, kv *opts) {
    const char *keys[TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4], *values[TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4];
    const int n = tune_trial_options(t, tr, epochs, opts);
    for (int i = 0; i < n; i++) {
        keys[i] = opts[i].key;
        values[i] = opts[i].value;
    }
    if (!cli_train_options_check("tune", NULL, keys, values, n)) return 0;
    if (where) return cli_train_options_check("tune", where, keys, values, n);
    char at[CLI_TEXT_MAX + 256];
    const int given = n - (tune_find_fixed((tune *)t, "seed") ? 1 : 2); /* epochs (and seed) end the list */
    for (int k = 0; k < n; k++) {
        const int i = k < given ? given - 1 - k : k;
        const char *key = keys[i], *value = values[i];
        for (int m = i; m + 1 < n; m++) keys[m] = keys[m + 1], values[m] = values[m + 1];
        const int rest = cli_train_options_check("tune", NULL, keys, values, n - 1);
        for (int m = n - 1; m > i; m--) keys[m] = keys[m - 1], values[m] = values[m - 1];
        keys[i] = key, values[i] = value;
        if (!rest) {
            tune_option_where(t, tr, key, at, sizeof at);
            return cli_train_options_check("tune", at, keys, values, n);
        }
    }
    for (int i = 0; i < n; i++) /* more than one at fault: the first that fails with train's defaults */
        if (cli_train_options_check("tune", NULL, keys + i, values + i, 1)) {
            tune_option_where(t, tr, keys[i], at, sizeof at);
            return cli_train_options_check("tune", at, keys + i, values + i, 1);
        }
    snprintf(at, sizeof at, "%s: [train] and [space]", t->config);
    return cli_train_options_check("tune", at, keys, values, n);
}

/* The files every trial reads are there: --data (its default too), --labels, --test-data,
 * --test-labels and --init, fixed or each of a searched choice; a missing one failed every trial
 * in turn. Checked on their own, before the trials' checks, which would blame another option
 * when the file was missing (those judge the other options over train's defaults). Returns 0,
 * or -1 with the message printed. */
static int check_inputs(tune *t) {
    const char *const *keys = trial_inputs;
    for (int k = 0; k < TRIAL_INPUTS; k++) {
        const int j = tune_find_param(t, keys[k]);
        const kv *f = tune_find_fixed(t, keys[k]);
        if (j >= 0) {
            const hone_param *p = &t->space[j];
            for (int c = 0; c < p->n_choices; c++)
                if (*p->choices[c] && access(p->choices[c], R_OK)) {
                    cli_error("tune", "%s:%d: [space] %s = %s: %s", t->space_path[j], t->space_line[j], keys[k],
                              p->choices[c], strerror(errno));
                    return -1;
                }
        } else if (f && *f->value && access(f->value, R_OK)) {
            char where[CLI_TEXT_MAX + 64];
            tune_fixed_where(t, f, where, sizeof where);
            cli_error("tune", "%s: %s: %s", where, f->value, strerror(errno));
            return -1;
        } else if (!f && !strcmp(keys[k], "data") && access(HONE_DEFAULT_DATA, R_OK)) {
            cli_error("tune", "%s: no data in [train], and the default, %s: %s", t->config, HONE_DEFAULT_DATA,
                      strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Every trial's options, before any trial runs or any file is made, as hone train checks them
 * before it reads its data (the checks that need its rows are the trials' own): the trial with
 * every searched option at its first value (the low end of its range, or its first choice), then
 * each searched option at each of its other values (the high end, each choice) with the rest at
 * their first. Every one is a trial the search may run, and the narrowest range check is at its
 * ends: a value train refuses would stop the search after trials had run. */
int tune_check_trials(tune *t) {
    if (check_inputs(t)) return -1;
    int budget[3];
    tune_rungs(&t->o, budget); /* the shortest budget: a cosine warm-up must be shorter */
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    trial *tr = calloc(1, sizeof *tr);
    char(*probes)[HONE_PARAM_TEXT_MAX] = calloc(HONE_PARAM_MAX_CHOICES, sizeof *probes);
    int rc = -1;
    if (!opts || !tr || !probes) {
        cli_error("tune", "out of memory");
        goto done;
    }
    for (int j = 0; j < t->n_space; j++) {
        probe_values(&t->space[j], probes);
        tune_copy_text(tr->text[j], sizeof tr->text[j], probes[0]);
    }
    if (check_trial(t, tr, budget[0], NULL, opts)) goto done;
    for (int j = 0; j < t->n_space; j++) {
        const int n = probe_values(&t->space[j], probes);
        char first[HONE_PARAM_TEXT_MAX], where[CLI_TEXT_MAX + 256];
        tune_copy_text(first, sizeof first, tr->text[j]);
        for (int v = 1; v < n; v++) {
            tune_copy_text(tr->text[j], sizeof tr->text[j], probes[v]);
            snprintf(where, sizeof where, "%s:%d: [space] %s = %s", t->space_path[j], t->space_line[j], t->space[j].name,
                     probes[v]);
            if (check_trial(t, tr, budget[0], where, opts)) goto done;
        }
        tune_copy_text(tr->text[j], sizeof tr->text[j], first);
    }
    rc = 0;
done:
    free(opts);
    free(tr);
    free(probes);
    return rc;
}
