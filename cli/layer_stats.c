/* layer_stats.c - per-layer statistics rows: step, epoch, layer, kind, mean, std, dead fraction,
 * weight norm, gradient norm, update ratio. One training run writes one file, so the writer's
 * state is this file's own. */
#include "layer_stats.h"
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *out;
static const char *out_path;
static int failed;

const char *const cli_layer_stats_columns[CLI_LAYER_STATS_COLUMNS] = {
    "step", "epoch", "layer", "kind", "mean", "std", "dead_fraction", "weight_norm", "grad_norm", "update_ratio"};

/* The header line, with its newline, into buf [cap]. */
static void header(char *buf, size_t cap) {
    size_t at = 0;
    for (int c = 0; c < CLI_LAYER_STATS_COLUMNS; c++) cli_append(buf, cap, &at, "%s%s", c ? "," : "", cli_layer_stats_columns[c]);
    cli_append(buf, cap, &at, "\n");
}

/* The length of f's beginning that a run resumed after step steps_done keeps: the header and the
 * rows of steps to steps_done. The rows after it were written by a run killed after its last
 * checkpoint, and the resumed run trains those steps again and writes them anew. A last line
 * without its newline is a row (or header) cut short by the kill, and goes too. -1 (message
 * printed) when f is not a layer statistics file, or its rows were written with another
 * --stats-every (a step not a multiple of `every`, or no two steps `every` apart among three or
 * more): the file would mix two intervals. */
static long kept_length(const char *cmd, FILE *f, const char *path, uint64_t steps_done, int every) {
    char want[256], *line = NULL;
    size_t cap = 0;
    long kept = 0, lineno = 0;
    unsigned long long last = 0, gap = 0, gap_from = 0; /* the step of the rows before; the closest two */
    long gap_line = 0, steps = 0;
    ssize_t n;
    header(want, sizeof want);
    while ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
        if (++lineno == 1) {
            if (strcmp(line, want)) {
                cli_error(cmd, "--layer-stats %s: line 1: not a hone train --layer-stats file, which a resumed run "
                          "goes on writing (expected the header %s,...)", path, cli_layer_stats_columns[0]);
                kept = -1;
                break;
            }
        } else {
            char *end;
            errno = 0;
            const unsigned long long step = strtoull(line, &end, 10);
            if (*line < '0' || *line > '9' || *end != ',' || errno == ERANGE) {
                cli_error(cmd, "--layer-stats %s: line %ld: step: expected a whole number, got '%.*s'", path, lineno,
                          (int)strcspn(line, ",\n"), line);
                kept = -1;
                break;
            }
            if (step > steps_done) break; /* the rows are in the order of their steps */
            /* steps are multiples of every, in order; gaps are legitimate (a part of the run resumed
             * without --layer-stats), but a file whose closest steps are further apart than every
             * was written with a larger interval (checked after the loop) */
            if (step % (unsigned)every != 0 || step < last) {
                if (step < last)
                    cli_error(cmd, "--layer-stats %s: line %ld: step %llu comes after step %llu: not a file hone train "
                              "wrote", path, lineno, step, last);
                else
                    cli_error(cmd, "--layer-stats %s: line %ld: step %llu is not a multiple of --stats-every %d: "
                              "resume with the --stats-every the file was written with", path, lineno, step, every);
                kept = -1;
                break;
            }
            if (step != last) {
                if (last && (!gap || step - last < gap)) gap = step - last, gap_line = lineno, gap_from = last;
                steps++;
            }
            last = step;
        }
        kept += (long)n;
    }
    if (kept >= 0 && ferror(f)) {
        cli_error(cmd, "--layer-stats %s: %s", path, strerror(errno));
        kept = -1;
    }
    /* three steps or more, none of them every apart: written every gap, a multiple of every. (Two
     * are let be: one row, a stretch resumed without --layer-stats, one row, is a file too.) */
    if (kept >= 0 && steps >= 3 && gap > (unsigned long long)every) {
        cli_error(cmd, "--layer-stats %s: line %ld: step %llu follows step %llu, and --stats-every is %d: resume "
                  "with the --stats-every the file was written with", path, gap_line, gap_from + gap, gap_from, every);
        kept = -1;
    }
    free(line);
    return kept;
}

int cli_layer_stats_open(const char *cmd, const char *path, int resumed, uint64_t steps_done, int every) {
    struct stat st;
    /* only a file has rows to go on from; a FIFO or a device (/dev/null) is written as new */
    const int go_on = resumed && !stat(path, &st) && S_ISREG(st.st_mode);
    out = fopen(path, go_on ? "r+" : "w");
    if (!out) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return -1;
    }
    out_path = path;
    failed = 0;
    long kept = 0;
    if (go_on) {
        kept = kept_length(cmd, out, path, steps_done, every);
        if (kept >= 0 && (ftruncate(fileno(out), (off_t)kept) || fseek(out, kept, SEEK_SET))) {
            cli_error(cmd, "--layer-stats %s: %s", path, strerror(errno));
            kept = -1;
        }
        if (kept < 0) {
            fclose(out);
            out = NULL;
            return -1;
        }
    }
    char text[256];
    header(text, sizeof text);
    if (!kept && fputs(text, out) == EOF) failed = errno;
    return 0;
}

static void field(double v) { fprintf(out, isnan(v) ? "," : ",%.6g", v); }

void cli_layer_stats_write(const hone_layer_stats *stats, int n_layers, uint64_t step, int epoch, void *user) {
    if (!out) return;
    for (int l = 0; l < n_layers; l++) {
        const hone_layer_stats *s = &stats[l];
        fprintf(out, "%llu,%d,%d,%s", (unsigned long long)step, epoch, s->layer, hone_layer_kind_name(s->kind));
        field(s->mean);
        field(s->std);
        field(s->dead_fraction);
        field(s->weight_norm);
        field(s->grad_norm);
        field(s->update_ratio);
        fputc('\n', out);
    }
    if (fflush(out) && !failed) failed = errno; /* rows survive a killed run */
}

int cli_layer_stats_close(const char *cmd) {
    if (!out) return 0;
    int bad = fclose(out) != 0 || failed;
    out = NULL;
    if (bad) {
        cli_error(cmd, "%s: write failed: %s", out_path, strerror(failed ? failed : errno));
        return -1;
    }
    return 0;
}
