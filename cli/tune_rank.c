/* tune_rank.c - hone tune's ranking of trials, the narrowing of every range around the best, the
 * ranked table and the best trial's options as a config file. */
#include "atomic.h"
#include "tune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_metric_loss;

/* Successful trials first; among them, those that ran longer (halving), then the better metric,
 * then the better other metric (dev_acc ties often on small dev sets); then by trial number. */
static int compare_trials(const void *pa, const void *pb) {
    const trial *a = *(trial *const *)pa, *b = *(trial *const *)pb;
    int oka = a->status == ST_OK, okb = b->status == ST_OK;
    if (oka != okb) return okb - oka;
    if (oka) {
        if (a->epochs != b->epochs) return b->epochs - a->epochs;
        double ma = g_metric_loss ? a->dev_loss : -a->dev_acc, mb = g_metric_loss ? b->dev_loss : -b->dev_acc;
        if (ma != mb) return ma < mb ? -1 : 1;
        double sa = g_metric_loss ? -a->dev_acc : a->dev_loss, sb = g_metric_loss ? -b->dev_acc : b->dev_loss;
        if (isfinite(sa) && isfinite(sb) && sa != sb) return sa < sb ? -1 : 1;
    }
    return a->id - b->id;
}

void tune_rank_trials(const tune *t, trial **list, int n) {
    g_metric_loss = t->metric_loss;
    qsort(list, (size_t)n, sizeof *list, compare_trials);
}

/* Narrows every range around the best top-k trials so far. */
int tune_narrow(tune *t, int round) {
    trial **list = malloc(sizeof *list * (size_t)t->n_trials);
    double *values = malloc(sizeof *values * (size_t)t->o.top_k);
    if (!list || !values) {
        free(list);
        free(values);
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    for (int i = 0; i < t->n_trials; i++) list[i] = &t->trials[i];
    tune_rank_trials(t, list, t->n_trials);
    int k = 0;
    while (k < t->o.top_k && k < t->n_trials && list[k]->status == ST_OK) k++;
    if (!k) {
        if (!t->o.quiet) fprintf(stderr, "round %d: no trial succeeded; the next round samples the same ranges\n", round);
    } else {
        if (!t->o.quiet) fprintf(stderr, "round %d: ranges narrowed around the best %d:", round, k);
        for (int i = 0; i < t->n_space; i++) {
            hone_param *p = &t->space[i];
            for (int j = 0; j < k; j++) values[j] = list[j]->value[i];
            hone_error err = {0};
            if (hone_param_narrow(p, values, k, t->o.margin, &err)) {
                cli_error("tune", "%s", err.message);
                free(list);
                free(values);
                return CLI_EXIT_FAIL;
            }
            if (t->o.quiet) continue;
            if (p->kind == HONE_PARAM_CHOICE) {
                fprintf(stderr, "  %s {", p->name);
                for (int c = 0, first = 1; c < p->n_choices; c++)
                    if (p->active[c]) fprintf(stderr, "%s%s", first ? "" : " ", p->choices[c]), first = 0;
                fprintf(stderr, "}");
            } else {
                char lo[64], hi[64];
                hone_param_format(p, p->lo, lo, sizeof lo);
                hone_param_format(p, p->hi, hi, sizeof hi);
                fprintf(stderr, "  %s [%s, %s]", p->name, lo, hi);
            }
        }
        if (!t->o.quiet) fputc('\n', stderr);
    }
    free(list);
    free(values);
    return 0;
}


void tune_print_table(const tune *t, trial **list, int n) {
    int w[TUNE_MAX_PARAMS];
    for (int i = 0; i < t->n_space; i++) {
        w[i] = (int)strlen(t->space[i].name);
        for (int j = 0; j < n; j++)
            if ((int)strlen(list[j]->text[i]) > w[i]) w[i] = (int)strlen(list[j]->text[i]);
    }
    if (t->n_space) w[t->n_space - 1] = 0; /* no padding after the last column */
    printf("rank  trial  round  epochs  dev_acc  dev_loss  status  ");
    for (int i = 0; i < t->n_space; i++) printf("  %-*s", w[i], t->space[i].name);
    printf("\n");
    for (int j = 0; j < n; j++) {
        const trial *tr = list[j];
        printf("%4d  %5d  %5d  %6d", j + 1, tr->id, tr->round, tr->epochs);
        char a[32], l[32];
        printf("  %7s  %8s", tune_metric_text(tr->dev_acc, a, sizeof a), tune_metric_text(tr->dev_loss, l, sizeof l));
        printf("  %-8s", tune_status_names[tr->status]);
        for (int i = 0; i < t->n_space; i++) printf("  %-*s", w[i], tr->text[i]);
        printf("\n");
    }
}

/* The best trial's options as a [train] section, written atomically (temporary file, fsync,
 * rename). */
int tune_write_best(const tune *t, const trial *tr) {
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    if (!opts) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    int n = tune_trial_options(t, tr, tr->epochs, opts);
    cli_atomic out;
    if (cli_atomic_open("tune", &out, t->o.best)) {
        free(opts);
        return CLI_EXIT_FAIL;
    }
    FILE *f = out.f;
    char a[32], l[32];
    fprintf(f, "# hone tune: the best of %d trials in %s: trial %d (round %d), dev_acc %s, dev_loss %s after %d epoch%s\n",
            t->n_trials, t->o.results, tr->id, tr->round, tune_metric_text(tr->dev_acc, a, sizeof a),
            tune_metric_text(tr->dev_loss, l, sizeof l), tr->epochs, tr->epochs == 1 ? "" : "s");
    const char *threads = getenv("OPENBLAS_NUM_THREADS");
    if (threads && !tune_find_fixed((tune *)t, "threads"))
        fprintf(f, "# the trials ran with OPENBLAS_NUM_THREADS=%s; the same count repeats this one bit for bit\n", threads);
    fprintf(f, "# train it with: hone train --config %s\n[train]\n", t->o.best);
    for (int i = 0; i < n; i++) {
        /* a delimiter of ';' would be an INI comment, a tab a blank: by name */
        if (!strcmp(opts[i].key, "delimiter") && !strcmp(opts[i].value, ";")) strcpy(opts[i].value, "semicolon");
        if (!strcmp(opts[i].key, "delimiter") && !strcmp(opts[i].value, "\t")) strcpy(opts[i].value, "tab");
        fprintf(f, "%s = %s\n", opts[i].key, opts[i].value);
        if (strlen(opts[i].key) + strlen(opts[i].value) + 3 > CLI_INI_LINE_MAX || strchr(opts[i].value, ';') ||
            strchr(opts[i].value, '#'))
            fprintf(stderr, "hone tune: warning: %s: '%s' may not read back from an INI file (lines of at most %d "
                            "characters; ';' and '#' start comments)\n", t->o.best, opts[i].key, CLI_INI_LINE_MAX);
    }
    free(opts);
    return cli_atomic_commit("tune", &out) ? CLI_EXIT_FAIL : 0;
}
