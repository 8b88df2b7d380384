/* tune_rank.c - hone tune's ranking of trials, the narrowing of every range around the best, the
 * ranked table and the best trial's options as a config file. */
#include "atomic.h"
#include "tune.h"

#include <ctype.h>
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

/* The ranked table's columns: the trial's figures (dev_rmse a regression's alone, dev_acc a
 * classifier's: a regression has none), then each searched option (COL_PARAM + its index in the
 * space). Those before COL_STATUS are numbers. */
enum { COL_RANK, COL_TRIAL, COL_ROUND, COL_EPOCHS, COL_ACC, COL_LOSS, COL_RMSE, COL_STATUS, COL_PARAM };

/* The text of column col in the row of tr, ranked rank (the header's when tr is NULL); buf holds
 * a number's. */
static const char *cell(const tune *t, const trial *tr, int rank, int col, char *buf, size_t cap) {
    static const char *const headers[COL_PARAM] = {"rank",    "trial",    "round",    "epochs",
                                                   "dev_acc", "dev_loss", "dev_rmse", "status"};
    if (!tr) return col < COL_PARAM ? headers[col] : t->space[col - COL_PARAM].name;
    switch (col) {
    case COL_RANK: snprintf(buf, cap, "%d", rank); return buf;
    case COL_TRIAL: snprintf(buf, cap, "%d", tr->id); return buf;
    case COL_ROUND: snprintf(buf, cap, "%d", tr->round); return buf;
    case COL_EPOCHS: snprintf(buf, cap, "%d", tr->epochs); return buf;
    case COL_ACC: return tune_metric_text(tr->dev_acc, buf, cap);
    case COL_LOSS: return tune_metric_text(tr->dev_loss, buf, cap);
    case COL_RMSE: return tune_rmse_text(tr, buf, cap);
    case COL_STATUS: return tune_status_names[tr->status];
    default: return tr->text[col - COL_PARAM];
    }
}

/* How many columns text takes on a terminal: a UTF-8 continuation byte takes none (a choice of
 * data files named in French holds an é, two bytes for one column). */
static int text_width(const char *text) {
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) width += (*p & 0xc0) != 0x80;
    return width;
}

/* Each column is as wide as its widest cell, the header's included, and status as its widest
 * word, so that the table keeps its shape whether or not a trial diverged; two spaces apart,
 * numbers to the right, words to the left and the last column unpadded. Widths fixed in the
 * format let a rank of 10000 (or a trial, round or epoch count past the header's width) push the
 * rest of its row out of line, and an é padded as two characters pull it in. */
void tune_print_table(const tune *t, trial **list, int n) {
    int cols[COL_PARAM + TUNE_MAX_PARAMS], width[COL_PARAM + TUNE_MAX_PARAMS], n_cols = 0;
    char buf[64];
    for (int c = 0; c < COL_PARAM; c++)
        if (c != (t->regression ? COL_ACC : COL_RMSE)) cols[n_cols++] = c;
    for (int i = 0; i < t->n_space; i++) cols[n_cols++] = COL_PARAM + i;
    for (int c = 0; c < n_cols; c++) {
        width[c] = text_width(cell(t, NULL, 0, cols[c], buf, sizeof buf));
        for (int j = 0; j < n; j++) {
            const int w = text_width(cell(t, list[j], j + 1, cols[c], buf, sizeof buf));
            if (w > width[c]) width[c] = w;
        }
        for (int s = 0; cols[c] == COL_STATUS && s <= ST_FAILED; s++)
            if ((int)strlen(tune_status_names[s]) > width[c]) width[c] = (int)strlen(tune_status_names[s]);
    }
    for (int j = -1; j < n; j++) { /* the header, then each trial */
        for (int c = 0; c < n_cols; c++) {
            const char *text = cell(t, j < 0 ? NULL : list[j], j + 1, cols[c], buf, sizeof buf);
            const int pad = width[c] - text_width(text), number = cols[c] < COL_STATUS;
            printf("%s%*s%s%*s", c ? "  " : "", number ? pad : 0, "", text, number || c == n_cols - 1 ? 0 : pad, "");
        }
        putchar('\n');
    }
    int targets = 0; /* every trial's, as no option that changes them may be searched in a regression */
    for (int j = 0; j < n; j++)
        if (list[j]->targets > targets) targets = list[j]->targets;
    if (t->regression && targets > TUNE_RMSE_SHOWN)
        printf("dev_rmse: the first %d of %d targets', each in its own units; %s has them all\n", TUNE_RMSE_SHOWN,
               targets, t->o.results);
}

/* "trial 12 (round 2), dev_acc 0.8407, dev_loss 0.4490 after 2 epochs", a regression's with its
 * dev_rmse after the dev_loss; returns buf. */
const char *tune_result_text(const tune *t, const trial *tr, char *buf, size_t cap) {
    char a[32], l[32], r[64], acc[48] = "", rmse[80] = "";
    if (t->regression) snprintf(rmse, sizeof rmse, ", dev_rmse %s", tune_rmse_text(tr, r, sizeof r));
    else snprintf(acc, sizeof acc, ", dev_acc %s", tune_metric_text(tr->dev_acc, a, sizeof a));
    snprintf(buf, cap, "trial %d (round %d)%s, dev_loss %s%s after %d epoch%s", tr->id, tr->round, acc,
             tune_metric_text(tr->dev_loss, l, sizeof l), rmse, tr->epochs, tr->epochs == 1 ? "" : "s");
    return buf;
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
    char result[256];
    fprintf(f, "# hone tune: the best of %d trials in %s: %s\n", t->n_trials, t->o.results,
            tune_result_text(t, tr, result, sizeof result));
    /* the count of every ranked trial's own run (a resumed search's may have had another), said
     * only when they all had the same one and the results file says it for each */
    int threads = t->n_trials ? t->trials[0].threads : 0;
    for (int i = 1; i < t->n_trials; i++)
        if (t->trials[i].threads != threads) threads = 0;
    if (threads)
        fprintf(f, "# the trials ran with OPENBLAS_NUM_THREADS=%d; the same count repeats this one bit for bit\n", threads);
    fprintf(f, "# train it with: hone train --config %s\n[train]\n", t->o.best);
    for (int i = 0; i < n; i++) {
        /* a delimiter of ';' would be an INI comment, a tab a blank: by name */
        if (!strcmp(opts[i].key, "delimiter") && !strcmp(opts[i].value, ";")) strcpy(opts[i].value, "semicolon");
        if (!strcmp(opts[i].key, "delimiter") && !strcmp(opts[i].value, "\t")) strcpy(opts[i].value, "tab");
        fprintf(f, "%s = %s\n", opts[i].key, opts[i].value);
        /* an INI value is one line, read with the blanks around it dropped: a line break made the
         * rest a line of its own (not INI: train refused the file), and ' lead.csv' read as lead.csv */
        const char *v = opts[i].value;
        const size_t len = strlen(v);
        if (strlen(opts[i].key) + len + 3 > CLI_INI_LINE_MAX || strpbrk(v, ";#\r\n") ||
            (len && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[len - 1]))))
            fprintf(stderr, "hone tune: warning: %s: '%s' may not read back from an INI file (lines of at most %d "
                            "characters; ';' and '#' start comments, a line break ends the value, and blanks around "
                            "it are dropped)\n", t->o.best, opts[i].key, CLI_INI_LINE_MAX);
    }
    free(opts);
    return cli_atomic_commit("tune", &out) ? CLI_EXIT_FAIL : 0;
}
