/* layer_stats.c - per-layer statistics rows: step, epoch, layer, kind, mean, std, dead fraction,
 * weight norm, gradient norm, update ratio. One training run writes one file, so the writer's
 * state is this file's own. */
#include "layer_stats.h"
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static FILE *out;
static const char *out_path;
static int failed;

const char *const cli_layer_stats_columns[CLI_LAYER_STATS_COLUMNS] = {
    "step", "epoch", "layer", "kind", "mean", "std", "dead_fraction", "weight_norm", "grad_norm", "update_ratio"};

int cli_layer_stats_open(const char *cmd, const char *path) {
    out = fopen(path, "w");
    if (!out) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return -1;
    }
    out_path = path;
    failed = 0;
    for (int c = 0; c < CLI_LAYER_STATS_COLUMNS && !failed; c++)
        if (fprintf(out, "%s%s", c ? "," : "", cli_layer_stats_columns[c]) < 0) failed = errno;
    if (!failed && fputc('\n', out) == EOF) failed = errno;
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
