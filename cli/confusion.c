/* confusion.c - a classifier's confusion matrix, each class's recall and precision, and the pairs
 * of classes most often confused: the error analysis behind one accuracy figure. */
#include "confusion.h"

#include <math.h>

/* The true rows of class k (its row's sum) and the rows taken for it (its column's). */
static size_t row_sum(const size_t *counts, int C, int k) {
    size_t n = 0;
    for (int j = 0; j < C; j++) n += counts[(size_t)k * C + j];
    return n;
}

static size_t column_sum(const size_t *counts, int C, int k) {
    size_t n = 0;
    for (int i = 0; i < C; i++) n += counts[(size_t)i * C + k];
    return n;
}

/* diagonal / total, NAN for no rows */
static double share(size_t part, size_t total) { return total ? (double)part / (double)total : NAN; }

static double recall(const size_t *counts, int C, int k) { return share(counts[(size_t)k * C + k], row_sum(counts, C, k)); }

static double precision(const size_t *counts, int C, int k) {
    return share(counts[(size_t)k * C + k], column_sum(counts, C, k));
}

static int digits(size_t v) {
    int n = 1;
    while (v >= 10) v /= 10, n++;
    return n;
}

/* A percentage in width w, or "-" where there is none. */
static void percent(FILE *out, double v, int w) {
    if (isnan(v)) fprintf(out, " %*s", w, "-");
    else fprintf(out, " %*.1f%%", w - 1, 100 * v);
}

enum { MOST_CONFUSED = 5 };

void cli_confusion_text(FILE *out, const size_t *counts, int C) {
    size_t largest = 0;
    for (size_t i = 0; i < (size_t)C * C; i++)
        if (counts[i] > largest) largest = counts[i];
    const int w = digits(largest) > 6 ? digits(largest) : 6; /* "100.0%" */
    const int label = digits((size_t)C - 1) > 4 ? digits((size_t)C - 1) : 4;
    if (C <= CLI_CONFUSION_SHOWN) {
        fprintf(out, "confusion matrix: a row for each true class, a column for the class taken\n");
        fprintf(out, "%*s", label + 1, "true");
        for (int k = 0; k < C; k++) fprintf(out, " %*d", w, k);
        fprintf(out, " %*s\n", w, "recall");
        for (int i = 0; i < C; i++) {
            fprintf(out, "%*d", label + 1, i);
            for (int j = 0; j < C; j++) fprintf(out, " %*zu", w, counts[(size_t)i * C + j]);
            percent(out, recall(counts, C, i), w);
            fprintf(out, "\n");
        }
        fprintf(out, "%*s", label + 1, "prec");
        for (int k = 0; k < C; k++) percent(out, precision(counts, C, k), w);
        fprintf(out, "\n");
    } else {
        fprintf(out, "confusion matrix: %d classes, too many to show (--json gives it); recall and precision:\n", C);
        for (int k = 0; k < C; k++) {
            fprintf(out, "%*d", label + 1, k);
            percent(out, recall(counts, C, k), w);
            percent(out, precision(counts, C, k), w);
            fprintf(out, "\n");
        }
    }
    /* the largest cells off the diagonal, in order (ties: the lower true class, then class taken) */
    int shown = 0;
    size_t below = (size_t)-1; /* the next pair's count is at most this, and after `at` when equal */
    size_t at = 0;
    fprintf(out, "most confused:");
    for (; shown < MOST_CONFUSED; shown++) {
        size_t best = 0, best_at = 0;
        for (size_t c = 0; c < (size_t)C * C; c++) {
            const size_t v = counts[c];
            if (c / C == c % C || !v || v > below || (v == below && c <= at)) continue;
            if (v > best) best = v, best_at = c;
        }
        if (!best) break;
        fprintf(out, "%s %zu taken for %zu (%zu row%s)", shown ? "," : "", best_at / C, best_at % C, best,
                best == 1 ? "" : "s");
        below = best, at = best_at;
    }
    fprintf(out, "%s\n", shown ? "" : " none: every row was taken for its class");
}

/* "key": [v, ...] with null where v is NAN */
static void shares_json(FILE *out, const char *key, const size_t *counts, int C, double (*of)(const size_t *, int, int)) {
    fprintf(out, ", \"%s\": [", key);
    for (int k = 0; k < C; k++) {
        const double v = of(counts, C, k);
        if (isnan(v)) fprintf(out, "%snull", k ? ", " : "");
        else fprintf(out, "%s%.6g", k ? ", " : "", v);
    }
    fprintf(out, "]");
}

void cli_confusion_json(FILE *out, const size_t *counts, int C) {
    fprintf(out, ", \"confusion\": [");
    for (int i = 0; i < C; i++) {
        fprintf(out, "%s[", i ? ", " : "");
        for (int j = 0; j < C; j++) fprintf(out, "%s%zu", j ? ", " : "", counts[(size_t)i * C + j]);
        fprintf(out, "]");
    }
    fprintf(out, "]");
    shares_json(out, "recall", counts, C, recall);
    shares_json(out, "precision", counts, C, precision);
}
