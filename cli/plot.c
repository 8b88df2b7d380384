/* plot.c - learning curves as SVG: hand-written markup, no library. Ticks fall on 1, 2, 2.5 or 5
 * times a power of ten; curves break where a figure is missing. */
#include "plot.h"
#include "atomic.h"
#include "paths.h"
#include "regularize_options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PANEL_W 480 /* one panel, margins included */
#define FIG_H 430
#define PLOT_X 72   /* plot area inside a panel */
#define PLOT_W 380
#define PLOT_Y 100
#define PLOT_H 260
#define TRAIN_COLOR "#1f77b4"
#define DEV_COLOR "#d62728"

typedef struct axis {
    double lo, hi, step;
    int decimals;
} axis;

/* A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over [lo, hi];
 * the axis is widened to whole steps. integer: steps of at least 1, never 2.5. */
static axis nice_axis(double lo, double hi, int target, int integer) {
    if (!(hi - lo > 1e-12 * fmax(1, fabs(hi)))) {
        double pad = integer ? 1 : fabs(hi) > 0 ? 0.05 * fabs(hi) : 0.5;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 && !integer ? 2.5 : f <= 5 ? 5 : 10;
    axis a = {0, 0, nice * mag, 0};
    if (integer && a.step < 1) a.step = 1;
    a.lo = floor(lo / a.step + 1e-9) * a.step;
    a.hi = ceil(hi / a.step - 1e-9) * a.step;
    while (a.decimals < 8) {
        double scaled = a.step * pow(10, a.decimals);
        if (fabs(scaled - round(scaled)) < 1e-6 * scaled) break;
        a.decimals++;
    }
    return a;
}

typedef struct panel {
    double x, y, w, h; /* plot area, pixels */
    axis ax, ay;
    double x0, x1;     /* epochs at the left and right edges */
} panel;

static double px(const panel *p, double epoch) { return p->x + (epoch - p->x0) / (p->x1 - p->x0) * p->w; }
static double py(const panel *p, double v) { return p->y + p->h - (v - p->ay.lo) / (p->ay.hi - p->ay.lo) * p->h; }

/* which: 0 loss, 1 accuracy (in percent); dev: 0 train, 1 dev. */
static double value(const hone_epoch_stats *s, int which, int dev) {
    if (which == 0) return dev ? s->dev_loss : s->train_loss;
    return 100 * (dev ? s->dev_acc : s->train_acc);
}

static int has_series(const hone_epoch_stats *rows, size_t n, int which, int dev) {
    for (size_t i = 0; i < n; i++)
        if (isfinite(value(&rows[i], which, dev))) return 1;
    return 0;
}

void cli_svg_text(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: {
            const unsigned char *u = (const unsigned char *)s;
            if (u[0] < 0x80) {
                if (u[0] >= 0x20 || u[0] == '\t') fputc(u[0], f);
                break;
            }
            /* an SVG is UTF-8 XML: a byte of another encoding (a Latin-1 file name or --title)
             * made it no XML at all, so it is U+FFFD, the replacement character, as are U+FFFE
             * and U+FFFF, valid UTF-8 that XML does not allow */
            const int n = cli_utf8_length(s);
            if (n && !(n == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] >= 0xBE)) fwrite(s, 1, (size_t)n, f);
            else fputs("&#xFFFD;", f);
            s += n ? n - 1 : 0;
        }
        }
    }
}

/* One curve: polyline segments between missing figures, and markers when there are few epochs. */
static void draw_series(FILE *f, const panel *p, const hone_epoch_stats *rows, size_t n, int which, int dev) {
    const char *color = dev ? DEV_COLOR : TRAIN_COLOR;
    fprintf(f, "  <g class=\"%s\">\n", dev ? "dev" : "train");
    for (size_t i = 0; i < n;) {
        while (i < n && !isfinite(value(&rows[i], which, dev))) i++;
        if (i == n) break;
        fprintf(f, "    <polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
                   "stroke-linejoin=\"round\"%s points=\"",
                dev ? "dev" : "train", color, dev ? " stroke-dasharray=\"7 4\"" : "");
        for (; i < n && isfinite(value(&rows[i], which, dev)); i++)
            fprintf(f, "%.2f,%.2f ", px(p, rows[i].epoch), py(p, value(&rows[i], which, dev)));
        fputs("\"/>\n", f);
    }
    if (n <= 60) {
        for (size_t i = 0; i < n; i++) {
            double v = value(&rows[i], which, dev);
            if (!isfinite(v)) continue;
            fprintf(f, "    <circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                    px(p, rows[i].epoch), py(p, v), dev ? "none" : color, color);
        }
    }
    fputs("  </g>\n", f);
}

/* A figure as text: fixed decimals while that is at most ten characters, else with an exponent
 * and the significant digits that tell apart ticks `step` apart (at least four; a heading passes
 * 0): a diverging run's 2.6e+16 was 17 digits and more and ran off the panel, and four digits
 * alone made the ticks of a flat curve (0.693140 to 0.693160) read alike. */
static const char *figure(char *buf, size_t cap, double v, int decimals, double step) {
    snprintf(buf, cap, "%.*f", decimals, v);
    if (strlen(buf) <= 10 || v == 0) return buf;
    int digits = 4;
    if (step > 0 && isfinite(v)) {
        const int needed = (int)ceil(log10(fabs(v) / step)) + 1;
        if (needed > digits) digits = needed < 15 ? needed : 15;
    }
    snprintf(buf, cap, "%.*g", digits, v);
    return buf;
}

static void draw_panel(FILE *f, double left, const hone_epoch_stats *rows, size_t n, int which) {
    const char *name = which ? "accuracy" : "loss";
    double lo = INFINITY, hi = -INFINITY, first = rows[0].epoch, last = rows[0].epoch;
    for (size_t i = 0; i < n; i++) {
        first = fmin(first, rows[i].epoch);
        last = fmax(last, rows[i].epoch);
        for (int dev = 0; dev < 2; dev++) {
            double v = value(&rows[i], which, dev);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    if (which && hi <= 100 && hi + 0.02 * (hi - lo) > 100) hi = 100; /* no tick above 100% */
    panel p = {left + PLOT_X, PLOT_Y, PLOT_W, PLOT_H, nice_axis(first, last, 8, 1), nice_axis(lo, hi, 5, 0), 0, 0};
    /* A little room so the first and last markers do not sit on the frame. */
    double span = last > first ? last - first : 2;
    p.x0 = last > first ? first - 0.03 * span : first - 1;
    p.x1 = last > first ? last + 0.03 * span : first + 1;

    fprintf(f, "<g id=\"%s\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n", name);
    /* Heading with the last figures. */
    const hone_epoch_stats *end = &rows[n - 1];
    fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", p.x, p.y - 12.0,
            which ? "Accuracy" : "Loss");
    fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">last: train ", p.x + p.w, p.y - 12.0);
    char text[64];
    const int decimals = which ? 2 : 4;
    fprintf(f, "%s%s", figure(text, sizeof text, value(end, which, 0), decimals, 0), which ? "%" : "");
    if (isfinite(value(end, which, 1)))
        fprintf(f, ", dev %s%s", figure(text, sizeof text, value(end, which, 1), decimals, 0), which ? "%" : "");
    fputs("</text>\n", f);
    /* Frame and grid. */
    fprintf(f, "  <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" stroke=\"#444\"/>\n", p.x,
            p.y, p.w, p.h);
    for (double t = p.ay.lo; t <= p.ay.hi + 1e-9 * p.ay.step; t += p.ay.step) {
        double y = py(&p, t);
        if (y < p.y - 0.5 || y > p.y + p.h + 0.5) continue;
        fprintf(f, "  <line x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" y2=\"%.2f\" stroke=\"#e3e3e3\"/>\n", p.x, y, p.x + p.w, y);
        fprintf(f, "  <line x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" y2=\"%.2f\" stroke=\"#444\"/>\n", p.x - 5, y, p.x, y);
        fprintf(f, "  <text x=\"%.1f\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n", p.x - 8, y + 4,
                figure(text, sizeof text, fabs(t) < 1e-12 * p.ay.step ? 0.0 : t, p.ay.decimals, p.ay.step));
    }
    for (double t = ceil(p.x0 / p.ax.step) * p.ax.step; t <= p.x1; t += p.ax.step) {
        if (t < first - 1e-9 && t < 1) continue; /* no epoch 0 tick */
        double x = px(&p, t);
        fprintf(f, "  <line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n", x, p.y, x, p.y + p.h);
        fprintf(f, "  <line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#444\"/>\n", x, p.y + p.h, x,
                p.y + p.h + 5);
        fprintf(f, "  <text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", x, p.y + p.h + 19, t);
    }
    fprintf(f, "  <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n", p.x,
            p.y, p.w, p.h);
    /* Axis titles. */
    fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\">epoch</text>\n", p.x + p.w / 2,
            p.y + p.h + 40);
    fprintf(f, "  <text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">%s</text>\n",
            p.x - 54, p.y + p.h / 2, which ? "accuracy (%)" : "loss");
    if (!isfinite(lo)) {
        fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888\">no figures</text>\n",
                p.x + p.w / 2, p.y + p.h / 2);
    } else {
        /* Curves clipped to the plot area. */
        fprintf(f, "  <clipPath id=\"clip-%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n",
                name, p.x - 4, p.y - 4, p.w + 8, p.h + 8);
        fprintf(f, "  <g clip-path=\"url(#clip-%s)\">\n", name);
        /* dev on top: its dashes and rings leave the train curve visible where they coincide */
        draw_series(f, &p, rows, n, which, 0);
        if (has_series(rows, n, which, 1)) draw_series(f, &p, rows, n, which, 1);
        fputs("  </g>\n", f);
        /* early stopping put back an earlier epoch's weights: the curves' ends are not the model saved */
        const int kept = end->best_epoch;
        if (kept > 0 && kept < end->epoch && kept >= p.x0 && kept <= p.x1) {
            const double x = px(&p, kept);
            fprintf(f, "  <g class=\"kept\"><line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#2ca02c\" "
                       "stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n", x, p.y, x, p.y + p.h);
            fprintf(f, "  <text x=\"%.2f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#2ca02c\">kept: epoch %d</text></g>\n",
                    x + (x > p.x + p.w / 2 ? -4 : 4), p.y + 14, x > p.x + p.w / 2 ? "end" : "start", kept);
        }
    }
    fputs("</g>\n", f);
}

static void draw_legend_item(FILE *f, double x, double y, int dev) {
    const char *color = dev ? DEV_COLOR : TRAIN_COLOR;
    fprintf(f, "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.2\"%s/>\n", x, y,
            x + 30, y, color, dev ? " stroke-dasharray=\"7 4\"" : "");
    fprintf(f, "  <circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", x + 15, y,
            dev ? "none" : color, color);
    fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 38, y + 4.5, dev ? "dev" : "train");
}

static void write_svg(FILE *f, const hone_epoch_stats *rows, size_t n, const char *subtitle) {
    int accuracy = has_series(rows, n, 1, 0) || has_series(rows, n, 1, 1);
    int dev = has_series(rows, n, 0, 1) || has_series(rows, n, 1, 1);
    int panels = accuracy ? 2 : 1;
    double width = panels * PANEL_W + 20;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%d\" viewBox=\"0 0 %.0f %d\">\n",
            width, FIG_H, width, FIG_H);
    fprintf(f, "<title>Learning curves: %s%s per epoch</title>\n", dev ? "train and dev " : "train ",
            accuracy ? "loss and accuracy" : "loss");
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<g font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
    fprintf(f, "  <text x=\"%.1f\" y=\"28\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">Learning curves"
               "</text>\n", width / 2);
    if (subtitle && *subtitle) {
        fprintf(f, "  <text x=\"%.1f\" y=\"47\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">", width / 2);
        cli_svg_text(f, subtitle);
        fputs("</text>\n", f);
    }
    fputs("</g>\n<g id=\"legend\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">\n", f);
    double lx = width / 2 - (dev ? 80 : 35);
    draw_legend_item(f, lx, 68, 0);
    if (dev) draw_legend_item(f, lx + 95, 68, 1);
    fputs("</g>\n", f);
    draw_panel(f, 10, rows, n, 0);
    if (accuracy) draw_panel(f, 10 + PANEL_W, rows, n, 1);
    fputs("</svg>\n", f);
}

int cli_plot_svg(const char *cmd, const char *path, const hone_epoch_stats *rows, size_t n, const char *subtitle) {
    if (n == 0) {
        cli_error(cmd, "%s: nothing to plot (no epochs)", path);
        return -1;
    }
    cli_atomic out;
    if (cli_atomic_open(cmd, &out, path)) return -1;
    write_svg(out.f, rows, n, subtitle);
    return cli_atomic_commit(cmd, &out);
}

void cli_plot_describe(char *buf, size_t cap, const hone_model *m, int activation, const hone_train_config *c) {
    size_t at = 0;
    cli_append(buf, cap, &at, "%d", m->inputs);
    for (int l = 0; l < m->n_layers; l++)
        if (m->layers[l].kind == HONE_LAYER_DENSE) cli_append(buf, cap, &at, "-%d", m->layers[l].out);
    cli_append(buf, cap, &at, " %s, %s loss; %s, lr %g, batch %d", hone_layer_kind_name((hone_layer_kind)activation),
               hone_loss_kind_name(m->loss), hone_optimizer_kind_name(c->optimizer.kind), c->lr, c->batch);
    /* curves of runs that differ in their regularization alone looked the same but for their shape */
    char reg[256];
    cli_regularization_describe(reg, sizeof reg, m, c, 0);
    if (*reg) cli_append(buf, cap, &at, "; %s", reg);
}

int cli_plot_output(const char *cmd, const char *input, char *output, size_t cap) {
    const int derived = !*output;
    if (derived) {
        /* the extension is the base name's last '.' and what follows, where something precedes it:
         * .metrics is a name without one, as in runs/.metrics (it gave .svg, runs/.metrics.svg) */
        const char *slash = strrchr(input, '/'), *base = slash ? slash + 1 : input, *dot = strrchr(base, '.');
        size_t stem = dot && dot > base ? (size_t)(dot - input) : strlen(input);
        if (stem + 5 > cap) {
            cli_error(cmd, "%s: name too long to derive the plot's from; give --output", input);
            return -1;
        }
        memcpy(output, input, stem);
        strcpy(output + stem, ".svg");
    }
    if (cli_same_file(input, output)) {
        if (derived) cli_error(cmd, "%s: the plot would overwrite it; give --output", input);
        else cli_error(cmd, "--output %s would overwrite %s, the file it plots", output, input);
        return -1;
    }
    /* as cli_outputs_check: [plot] output = the config's own name replaced the config with the plot */
    const char *config = cli_config_path();
    if (config && *config && cli_same_file(config, output)) {
        cli_error(cmd, "%s %s would overwrite %s, the --config it reads", derived ? "the plot" : "--output", output, config);
        return -1;
    }
    return 0;
}
