/* cmd_plot_layers.c - hone plot-layers: the per-layer statistics that hone train --layer-stats
 * writes, one line per layer over the training steps, on a log scale (vanishing and exploding are
 * orders of magnitude), coloured from the first layer (blue) to the last (red). */
#include "atomic.h"
#include "cli.h"
#include "plot.h"
#include "hone.h"
#include "layer_stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_LAYERS = 4096, MAX_POINTS = 1 << 20 };
enum { COLUMNS = CLI_LAYER_STATS_COLUMNS };

typedef struct point {
    double step, value;
    int layer;
} point;

static int activation(const char *kind) {
    return strcmp(kind, "dense") && strcmp(kind, "batchnorm") && strcmp(kind, "dropout");
}

/* Splits a CSV line in place into fields (empty fields kept); returns the count. */
static int split(char *line, char **fields, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = 0;
        p = comma + 1;
    }
    return n;
}

/* -1 (message printed) when reading f failed (a directory, an I/O error), not ended. */
static int read_failed(FILE *f, const char *path) {
    if (!ferror(f)) return 0;
    cli_error("plot-layers", "%s: %s", path, strerror(errno));
    return -1;
}

static int read_points(const char *path, int column, point **out, size_t *n, int *layers) {
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("plot-layers", "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024], *fields[16];
    size_t cap = 1024, count = 0;
    point *pts = NULL;
    int lineno = 1, top = -1;
    int ok = fgets(line, sizeof line, f) && split(line, fields, 16) == COLUMNS;
    if (read_failed(f, path)) goto fail;
    for (int i = 0; ok && i < COLUMNS; i++) ok = !strcmp(fields[i], cli_layer_stats_columns[i]);
    if (!ok) {
        cli_error("plot-layers", "%s: line 1: not a hone train --layer-stats file (expected the header %s,...)", path, cli_layer_stats_columns[0]);
        goto fail;
    }
    if (!(pts = malloc(cap * sizeof *pts))) {
        cli_error("plot-layers", "%s: out of memory", path);
        goto fail;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (split(line, fields, 16) != COLUMNS) {
            cli_error("plot-layers", "%s: line %d: expected %d fields", path, lineno, COLUMNS);
            goto fail;
        }
        /* the writer's fields: a step, a layer number, the statistic as a number or empty (NaN) */
        char *end;
        const double step = strtod(fields[0], &end);
        if (end == fields[0] || *end || !isfinite(step)) {
            cli_error("plot-layers", "%s: line %d: step: expected a number, got '%s'", path, lineno, fields[0]);
            goto fail;
        }
        const long layer = strtol(fields[2], &end, 10);
        if (end == fields[2] || *end || layer < 0 || layer >= MAX_LAYERS) {
            cli_error("plot-layers", "%s: line %d: layer: expected an integer from 0 to %d, got '%s'", path, lineno,
                      MAX_LAYERS - 1, fields[2]);
            goto fail;
        }
        if (!*fields[column] || (column == 5 && !activation(fields[3]))) continue; /* std: activations only */
        const double v = strtod(fields[column], &end);
        if (end == fields[column] || *end) {
            cli_error("plot-layers", "%s: line %d: %s: expected a number, got '%s'", path, lineno,
                      cli_layer_stats_columns[column], fields[column]);
            goto fail;
        }
        if (!(v > 0) || !isfinite(v)) continue; /* a log scale shows positive values */
        if (count == cap) {
            if (cap == MAX_POINTS) { /* the rest is left out, and said so */
                fprintf(stderr, "hone plot-layers: warning: %s: plotting the first %d values, to line %d; the rest of "
                                "the file is left out\n", path, MAX_POINTS, lineno - 1);
                break;
            }
            point *grown = realloc(pts, 2 * cap * sizeof *pts);
            if (!grown) {
                cli_error("plot-layers", "%s: out of memory after %zu values", path, count);
                goto fail;
            }
            pts = grown;
            cap *= 2;
        }
        pts[count++] = (point){step, log10(v), (int)layer};
        if (layer > top) top = (int)layer;
    }
    if (read_failed(f, path)) goto fail;
    if (!count) {
        cli_error("plot-layers", "%s: no positive %s values to plot", path, cli_layer_stats_columns[column]);
        goto fail;
    }
    fclose(f);
    *out = pts;
    *n = count;
    *layers = top + 1;
    return 0;
fail:
    free(pts);
    fclose(f);
    return -1;
}

static void write_svg(FILE *f, const point *pts, size_t n, int layers, const char *stat, const char *title) {
    const double W = 900, H = 520, L = 80, R = 170, T = 60, B = 60, pw = W - L - R, ph = H - T - B;
    double x0 = pts[0].step, x1 = pts[0].step, y0 = pts[0].value, y1 = pts[0].value;
    for (size_t i = 1; i < n; i++) {
        x0 = fmin(x0, pts[i].step), x1 = fmax(x1, pts[i].step);
        y0 = fmin(y0, pts[i].value), y1 = fmax(y1, pts[i].value);
    }
    y0 = floor(y0), y1 = ceil(y1);
    if (y1 <= y0) y1 = y0 + 1;
    if (x1 <= x0) x0 -= 1, x1 += 1; /* one step recorded: it stands in the middle */
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%g\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">%s per layer during training</text>\n", L + pw / 2, stat);
    fprintf(f, "<text x=\"%g\" y=\"42\" text-anchor=\"middle\" fill=\"#555\">", L + pw / 2);
    cli_svg_text(f, title);
    fprintf(f, "</text>\n");
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"black\"/>\n", L, T, pw, ph);
    int every = (int)ceil((y1 - y0) / 10); /* at most about 10 decade ticks */
    for (int d = (int)y0; d <= (int)y1; d += every) {
        double y = T + ph - (d - y0) / (y1 - y0) * ph;
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>\n", L, L + pw, y, y);
        fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">1e%d</text>\n", L - 6, y + 4, d);
    }
    /* steps are whole numbers: ticks at a whole 1, 2 or 5 times a power of ten, about five of them
     * (five even fifths of the range read 9 and 11 at steps 8.8 and 11.2, or 1 1 1 2 2 2) */
    const double raw = (x1 - x0) / 5, decade = pow(10, floor(log10(raw)));
    double every_step = raw <= decade ? decade : raw <= 2 * decade ? 2 * decade : raw <= 5 * decade ? 5 * decade : 10 * decade;
    if (every_step < 1) every_step = 1;
    for (double s = ceil(x0 / every_step) * every_step; s <= x1 + 1e-9; s += every_step) {
        const double x = L + (s - x0) / (x1 - x0) * pw;
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" stroke=\"black\"/>\n", x, x, T + ph, T + ph + 5);
        fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%.0f</text>\n", x, T + ph + 20, s);
    }
    fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">training step</text>\n", L + pw / 2, H - 12);
    fprintf(f, "<text x=\"18\" y=\"%g\" text-anchor=\"middle\" transform=\"rotate(-90 18 %g)\">%s (log scale)</text>\n", T + ph / 2,
            T + ph / 2, stat);
    int drawn = 0;
    for (int l = 0; l < layers; l++) {
        int started = 0;
        size_t count = 0, last = 0;
        double hue = layers > 1 ? 240.0 * (1 - (double)l / (layers - 1)) : 240;
        for (size_t i = 0; i < n; i++) {
            if (pts[i].layer != l) continue;
            if (!started) fprintf(f, "<polyline fill=\"none\" stroke=\"hsl(%.0f,80%%,45%%)\" stroke-width=\"1.5\" points=\"", hue);
            fprintf(f, "%.1f,%.1f ", L + (pts[i].step - x0) / (x1 - x0) * pw, T + ph - (pts[i].value - y0) / (y1 - y0) * ph);
            started = 1;
            count++, last = i;
        }
        if (started) {
            fprintf(f, "\"/>\n");
            drawn++;
        }
        if (count == 1) /* a line of one point draws nothing: a marker shows it */
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"hsl(%.0f,80%%,45%%)\"/>\n",
                    L + (pts[last].step - x0) / (x1 - x0) * pw, T + ph - (pts[last].value - y0) / (y1 - y0) * ph, hue);
    }
    /* legend: the colour scale from the first layer to the last */
    for (int k = 0; k <= 10; k++)
        fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"16\" height=\"%g\" fill=\"hsl(%.0f,80%%,45%%)\"/>\n", W - R + 20,
                T + 20 + k * 20.0, 20.0, 240.0 * (1 - k / 10.0));
    fprintf(f, "<text x=\"%g\" y=\"%g\">layer 0 (first)</text>\n", W - R + 42, T + 34);
    fprintf(f, "<text x=\"%g\" y=\"%g\">layer %d (last)</text>\n", W - R + 42, T + 234, layers - 1);
    fprintf(f, "<text x=\"%g\" y=\"%g\" fill=\"#555\">%d line%s, one per layer</text>\n", W - R + 20, T + 270, drawn,
            drawn == 1 ? "" : "s");
    fprintf(f, "</svg>\n");
}

int cmd_plot_layers(int argc, char **argv) {
    char input[CLI_TEXT_MAX] = "", output[CLI_TEXT_MAX] = "", stat[CLI_TEXT_MAX] = "std";
    cli_option options[] = {
        {"stats", CLI_TEXT, input, "FILE", "hone train --layer-stats output (also the bare argument)"},
        {"stat", CLI_TEXT, stat, "NAME", "std (activation layers), grad_norm, weight_norm or update_ratio"},
        {"output", CLI_TEXT, output, "FILE.svg", "where the plot goes (none: FILE with .svg for its extension)"},
        {0},
    };
    const cli_command cmd = {"plot-layers", "hone plot-layers STATS [--stat std|grad_norm|weight_norm|update_ratio]",
                             "Draws one line per layer over the training steps of a --layer-stats file, on a\n"
                             "log scale, so activations or gradients that vanish or explode stand out.",
                             options, "stats"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    int column = -1;
    for (int i = 5; i < COLUMNS; i++)
        if (!strcmp(stat, cli_layer_stats_columns[i]) && i != 6) column = i;
    if (!*input || column < 0) {
        cli_error("plot-layers", !*input ? "no statistics file given (the bare argument or --stats FILE)"
                                         : "--stat: expected std, grad_norm, weight_norm or update_ratio, got '%s'", stat);
        return CLI_EXIT_USAGE;
    }
    if (cli_plot_output("plot-layers", input, output, sizeof output)) return CLI_EXIT_USAGE;
    point *pts;
    size_t n;
    int layers;
    if (read_points(input, column, &pts, &n, &layers)) return CLI_EXIT_FAIL;
    cli_atomic out;
    if (cli_atomic_open("plot-layers", &out, output)) {
        free(pts);
        return CLI_EXIT_FAIL;
    }
    write_svg(out.f, pts, n, layers, stat, input);
    free(pts);
    if (cli_atomic_commit("plot-layers", &out)) return CLI_EXIT_FAIL;
    printf("wrote %s (%s per layer)\n", output, stat); /* as hone plot says it */
    return CLI_EXIT_OK;
}
