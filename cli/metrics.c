/* metrics.c - the learning-curve file: writer (one flushed line per epoch) and reader. */
#include "metrics.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* best_epoch (metrics.h), for diagnose to read the epoch of the model saved, comes last: the
 * columns before it keep their places, as in the files of older hones, which lack it. */
enum { TRAIN_LOSS = 3, TRAIN_ACC = 4, DEV_LOSS = 5, DEV_ACC = 6, N_COLUMNS = 10, BEST = 9 };
static const char *const column[N_COLUMNS] = {"epoch",   "lr",      "grad_norm", "train_loss",    "train_acc",
                                              "dev_loss", "dev_acc", "seconds",   "samples_per_s", "best_epoch"};

/* The field of a row that column k holds (1 <= k < BEST; column 0 is the epoch). */
static double *field(hone_epoch_stats *s, int k) {
    switch (k) {
    case 1: return &s->lr;
    case 2: return &s->grad_norm;
    case TRAIN_LOSS: return &s->train_loss;
    case TRAIN_ACC: return &s->train_acc;
    case DEV_LOSS: return &s->dev_loss;
    case DEV_ACC: return &s->dev_acc;
    case 7: return &s->seconds;
    default: return &s->samples_per_s;
    }
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int cli_metrics_open(cli_metrics_writer *w, const char *cmd, const char *path) {
    memset(w, 0, sizeof *w);
    w->path = path;
    w->csv = ends_with(path, ".csv") || ends_with(path, ".CSV");
    /* not truncated yet (cli_metrics_start): an output opened after it that failed left the
     * earlier run's file header-only */
    const int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 || !(w->file = fdopen(fd, "w"))) {
        const int e = errno;
        if (fd >= 0) close(fd);
        cli_error(cmd, "%s: cannot create: %s", path, strerror(e));
        return -1;
    }
    setvbuf(w->file, w->buffer, _IOFBF, sizeof w->buffer); /* w outlives the stream (closed first) */
    return 0;
}

int cli_metrics_start(cli_metrics_writer *w, const char *cmd) {
    struct stat st;
    /* only a file has an earlier run's rows to drop; a FIFO or a device (/dev/null) is written on */
    if (!fstat(fileno(w->file), &st) && S_ISREG(st.st_mode) && ftruncate(fileno(w->file), 0)) {
        cli_error(cmd, "%s: cannot truncate: %s", w->path, strerror(errno));
        return -1;
    }
    if (w->csv) fprintf(w->file, "%s\n", CLI_METRICS_COLUMNS);
    if (fflush(w->file)) {
        w->failed = 1;
        w->errno_ = errno;
    }
    return 0;
}

void cli_metrics_write(cli_metrics_writer *w, const hone_epoch_stats *s) {
    if (!w->file || w->failed) return;
    hone_epoch_stats copy = *s;
    if (w->csv) {
        fprintf(w->file, "%d", s->epoch);
        for (int k = 1; k < BEST; k++) {
            double v = *field(&copy, k);
            if (isfinite(v)) fprintf(w->file, ",%.6g", v);
            else fputc(',', w->file);
        }
        if (s->best_epoch > 0) fprintf(w->file, ",%d\n", s->best_epoch);
        else fputs(",\n", w->file); /* not known: a row kept from an older hone's file */
    } else {
        fprintf(w->file, "{\"epoch\": %d", s->epoch);
        for (int k = 1; k < BEST; k++) {
            fputs(", ", w->file);
            cli_json_number(w->file, column[k], *field(&copy, k), 0);
        }
        if (s->best_epoch > 0) fprintf(w->file, ", \"best_epoch\": %d}\n", s->best_epoch);
        else fputs(", \"best_epoch\": null}\n", w->file);
    }
    if (ferror(w->file) || fflush(w->file)) {
        w->failed = 1;
        w->errno_ = errno;
    }
}

int cli_metrics_close(cli_metrics_writer *w, const char *cmd) {
    if (!w->file) return 0;
    int bad = w->failed || ferror(w->file);
    int err = w->failed ? w->errno_ : errno;
    if (fclose(w->file) && !bad) {
        bad = 1;
        err = errno;
    }
    w->file = NULL;
    if (bad) {
        cli_error(cmd, "%s: writing the metrics failed: %s", w->path, strerror(err ? err : EIO));
        return -1;
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct reader {
    const char *cmd, *path;
    long line;
} reader;

static int fail(const reader *r, const char *what, const char *detail) {
    cli_error(r->cmd, "%s: line %ld: %s%s (expected a metrics file written by hone train --metrics)", r->path,
              r->line, what, detail ? detail : "");
    return -1;
}

static void trim(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
}

static int is_blank(const char *s) {
    for (; *s; s++)
        if (*s != ' ' && *s != '\t') return 0;
    return 1;
}

/* A number, or NAN for an empty field, "nan" or "null". */
static int parse_number(const char *text, double *out) {
    while (*text == ' ' || *text == '\t') text++;
    if (!*text || !strcmp(text, "nan") || !strcmp(text, "NaN") || !strcmp(text, "null")) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (end == text || *end || errno == ERANGE) return -1;
    *out = v;
    return 0;
}

static int check_epoch(const reader *r, double v, hone_epoch_stats *s) {
    if (!(v >= 1 && v <= 1e9 && v == floor(v))) {
        char detail[64];
        snprintf(detail, sizeof detail, "%g", v);
        return fail(r, "the epoch must be a whole number from 1, got ", detail);
    }
    s->epoch = (int)v;
    return 0;
}

/* The best epoch: none (NAN, 0 in the row) where the file does not say; checked against the
 * row's epoch once the row is read. */
static int check_best(const reader *r, double v, hone_epoch_stats *s) {
    if (isnan(v)) return 0;
    if (!(v >= 1 && v <= 1e9 && v == floor(v))) {
        char detail[64];
        snprintf(detail, sizeof detail, "%g", v);
        return fail(r, "best_epoch must be a whole number from 1, got ", detail);
    }
    s->best_epoch = (int)v;
    return 0;
}

/* A loss or an accuracy where hone writes one: a loss is 0 or more and an accuracy from 0 to 1,
 * either missing (NAN) where there is none (no dev set, a regression's accuracy), but every epoch
 * has its train loss (an epoch that diverged ends the run without a row). A file out of them gave
 * diagnose errors below 0 and the verdict "fine", and plot a curve of nothing. */
static int check_figure(const reader *r, int k, double v) {
    if (k == TRAIN_LOSS && isnan(v)) return fail(r, "no value for ", column[k]);
    const int loss = k == TRAIN_LOSS || k == DEV_LOSS, acc = k == TRAIN_ACC || k == DEV_ACC;
    if (isnan(v) || (!loss && !acc) || (loss ? v >= 0 && isfinite(v) : v >= 0 && v <= 1)) return 0;
    char detail[96];
    snprintf(detail, sizeof detail, "%s must be %s, got %g", column[k],
             loss ? "a finite number, 0 or more" : "from 0 to 1", v);
    return fail(r, "", detail);
}

/* The value of column k read into row s. */
static int set_column(const reader *r, int k, double v, hone_epoch_stats *s) {
    if (k == 0) return check_epoch(r, v, s);
    if (k == BEST) return check_best(r, v, s);
    if (check_figure(r, k, v)) return -1;
    *field(s, k) = v;
    return 0;
}

/* CSV: the header names the columns (any order; unknown ones are skipped). */
static int csv_header(const reader *r, char *line, int *map, int *n_fields) {
    int n = 0, seen[N_COLUMNS] = {0};
    for (char *tok = line, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        while (*tok == ' ') tok++;
        trim(tok);
        if (n == 64) return fail(r, "more than 64 columns", NULL);
        map[n] = -1;
        for (int k = 0; k < N_COLUMNS; k++) {
            if (!strcmp(tok, column[k]) && !seen[k]) {
                map[n] = k;
                seen[k] = 1;
            }
        }
        n++;
    }
    if (!seen[0] || !seen[3]) return fail(r, "the header lacks the epoch or train_loss column", NULL);
    *n_fields = n;
    return 0;
}

static int csv_row(const reader *r, char *line, const int *map, int n_fields, hone_epoch_stats *s) {
    int n = 1;
    for (const char *p = line; *p; p++) n += *p == ',';
    if (n != n_fields) {
        char detail[64];
        snprintf(detail, sizeof detail, "%d fields, the header has %d", n, n_fields);
        return fail(r, "", detail);
    }
    n = 0;
    for (char *tok = line, *next; tok; tok = next, n++) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        if (map[n] < 0) continue;
        double v;
        if (parse_number(tok, &v)) {
            char detail[160];
            snprintf(detail, sizeof detail, "%s is '%.100s'", column[map[n]], tok);
            return fail(r, "not a number: ", detail);
        }
        if (set_column(r, map[n], v, s)) return -1;
    }
    if (s->epoch == 0) return fail(r, "no epoch", NULL);
    return 0;
}

static int json_row(const reader *r, const char *line, hone_epoch_stats *s) {
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithOpts(line, &end, 0);
    if (!obj || !cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return fail(r, "not a JSON object", NULL);
    }
    /* one object a line: what follows it (two lines run together) was dropped without a word */
    end += strspn(end, " \t");
    if (*end) {
        char detail[64];
        snprintf(detail, sizeof detail, "'%.40s%s'", end, strlen(end) > 40 ? "..." : "");
        cJSON_Delete(obj);
        return fail(r, "text after the JSON object: ", detail);
    }
    int rc = 0;
    for (int k = 0; k < N_COLUMNS && !rc; k++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, column[k]);
        double v = NAN;
        if (item && cJSON_IsNumber(item)) v = item->valuedouble;
        else if (item && !cJSON_IsNull(item)) rc = fail(r, "not a number or null: ", column[k]);
        else if (k == 0 || k == 3) rc = fail(r, "no value for ", column[k]);
        if (rc) break;
        rc = set_column(r, k, v, s);
    }
    cJSON_Delete(obj);
    return rc;
}

int cli_metrics_read(const char *cmd, const char *path, hone_epoch_stats **rows_out, size_t *n_out) {
    *rows_out = NULL;
    *n_out = 0;
    reader r = {cmd, path, 0};
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error(cmd, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, n = 0, n_alloc = 0;
    hone_epoch_stats *rows = NULL;
    int format = 0; /* 0 unknown, 1 CSV, 2 JSON lines */
    int map[64], n_fields = 0, rc = 0;
    ssize_t got;
    while (!rc && (got = getline(&line, &cap, f)) >= 0) {
        r.line++;
        /* the line's text ended at a NUL byte, and what followed it was dropped without a word */
        const char *nul = memchr(line, 0, (size_t)got);
        if (nul) {
            char detail[64];
            snprintf(detail, sizeof detail, " (byte %zu): not a text file", (size_t)(nul - line) + 1);
            rc = fail(&r, "a NUL byte", detail);
            break;
        }
        trim(line);
        if (is_blank(line)) continue;
        if (!format) {
            format = line[strspn(line, " \t")] == '{' ? 2 : 1;
            if (format == 1) {
                rc = csv_header(&r, line, map, &n_fields);
                continue;
            }
        }
        if (n == n_alloc) {
            size_t grow = n_alloc ? 2 * n_alloc : 64;
            hone_epoch_stats *more = realloc(rows, grow * sizeof *rows);
            if (!more) {
                cli_error(cmd, "%s: out of memory", path);
                rc = -1;
                break;
            }
            rows = more;
            n_alloc = grow;
        }
        hone_epoch_stats *s = &rows[n];
        *s = (hone_epoch_stats){0};
        for (int k = 1; k < BEST; k++) *field(s, k) = NAN;
        rc = format == 1 ? csv_row(&r, line, map, n_fields, s) : json_row(&r, line, s);
        if (!rc && s->best_epoch > s->epoch) {
            char detail[96];
            snprintf(detail, sizeof detail, "%d, after the row's epoch %d", s->best_epoch, s->epoch);
            rc = fail(&r, "best_epoch is ", detail);
        }
        /* hone writes each epoch once, in order (a resumed run keeps the rows before its checkpoint's
         * epoch and goes on after it): rows out of order drew a curve back and forth */
        if (!rc && n > 0 && s->epoch <= rows[n - 1].epoch) {
            char detail[96];
            snprintf(detail, sizeof detail, "%d after epoch %d: the epochs must go up, one row each", s->epoch,
                     rows[n - 1].epoch);
            rc = fail(&r, "epoch ", detail);
        }
        if (!rc) n++;
    }
    if (!rc && ferror(f)) {
        cli_error(cmd, "%s: read failed: %s", path, strerror(errno));
        rc = -1;
    }
    if (!rc && n == 0) {
        cli_error(cmd, "%s: no epochs in the file (expected a metrics file written by hone train --metrics)", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc) {
        free(rows);
        return -1;
    }
    for (size_t i = 0; i < n; i++) rows[i].epochs = (int)n;
    *rows_out = rows;
    *n_out = n;
    return 0;
}
