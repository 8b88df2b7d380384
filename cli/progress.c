/* progress.c - the live line and the per-epoch summary of hone train. */
#include "progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define REDRAW_SECONDS 0.1 /* at most 10 redraws a second */
#define BAR_WIDTH 20

static int terminal_columns(void) {
    struct winsize ws;
    if (ioctl(fileno(stderr), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    const char *env = getenv("COLUMNS");
    int c = env ? atoi(env) : 0;
    return c >= 20 ? c : 80;
}

void cli_progress_start(cli_progress *p, int quiet, int json, size_t train_rows, int per_row) {
    memset(p, 0, sizeof *p);
    const char *term = getenv("TERM");
    p->mode = quiet || json                                          ? CLI_PROGRESS_QUIET
              : isatty(fileno(stderr)) && !(term && !strcmp(term, "dumb")) ? CLI_PROGRESS_LIVE
                                                                     : CLI_PROGRESS_PLAIN;
    p->train_rows = train_rows;
    p->per_row = per_row > 0 ? per_row : 1;
    p->loss = hone_ewma_make(0.98);
    if (p->mode == CLI_PROGRESS_LIVE) p->columns = terminal_columns();
}

/* m:ss, or h:mm:ss from an hour. */
static void clock_text(char *buf, size_t cap, double seconds) {
    if (!isfinite(seconds) || seconds < 0) seconds = 0;
    long s = (long)(seconds + 0.5);
    if (s >= 3600) snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, cap, "%ld:%02ld", s / 60, s % 60);
}

static void draw_line(cli_progress *p, const hone_batch_stats *s) {
    char head[64], bar[BAR_WIDTH + 3], tail[160], elapsed[24], left[24];
    snprintf(head, sizeof head, "epoch %3d/%d  %*zu/%zu", s->epoch, s->epochs,
             s->batches >= 10000 ? 5 : s->batches >= 1000 ? 4 : 3, s->batch, s->batches);
    int filled = s->batches ? (int)((double)BAR_WIDTH * (double)s->batch / (double)s->batches) : 0;
    bar[0] = '[';
    for (int i = 0; i < BAR_WIDTH; i++) bar[1 + i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH + 1] = ']';
    bar[BAR_WIDTH + 2] = 0;
    double rate = s->seconds > 0 ? (double)s->rows_done / s->seconds : 0;
    double remaining = p->train_rows > s->rows_done ? (double)(p->train_rows - s->rows_done) : 0;
    clock_text(elapsed, sizeof elapsed, s->seconds);
    clock_text(left, sizeof left, rate > 0 ? remaining / rate : 0);
    int n = snprintf(tail, sizeof tail, "  loss %s", cli_loss_text((char[CLI_LOSS_TEXT]){0}, hone_ewma_value(&p->loss, 1)));
    if (isfinite(s->correct) && p->rows > 0 && n < (int)sizeof tail)
        n += snprintf(tail + n, sizeof tail - (size_t)n, "  acc %6.2f%%", 100 * p->correct / (p->rows * p->per_row));
    if (n < (int)sizeof tail)
        snprintf(tail + n, sizeof tail - (size_t)n, "  %6.0f samples/s  %s elapsed, %s left", rate, elapsed, left);
    /* The line must fit the terminal, or the \r would return to a wrapped line: the bar goes first,
     * then the end of the line. */
    char line[256];
    int width = p->columns - 1;
    if ((int)(strlen(head) + 1 + strlen(bar) + strlen(tail)) <= width)
        snprintf(line, sizeof line, "%s %s%s", head, bar, tail);
    else
        snprintf(line, sizeof line, "%s%s", head, tail);
    if ((int)strlen(line) > width && width > 0 && width < (int)sizeof line) line[width] = 0;
    fprintf(stderr, "\r%s\033[K", line);
    p->drawn = 1;
}

static void on_batch(const hone_batch_stats *s, void *user) {
    cli_progress *p = user;
    if (s->batch == 1) {
        p->loss = hone_ewma_make(0.98);
        p->correct = p->rows = 0;
        p->next_draw = 0;
    }
    hone_ewma_add(&p->loss, s->loss);
    if (isfinite(s->correct)) p->correct += s->correct;
    p->rows += s->rows;
    if (s->seconds < p->next_draw && s->batch < s->batches) return;
    p->next_draw = s->seconds + REDRAW_SECONDS;
    draw_line(p, s);
}

void cli_history_add(cli_history *h, const hone_epoch_stats *s) {
    if (!h || h->lost) return;
    if (h->n == h->cap) {
        const size_t cap = h->cap ? 2 * h->cap : 64;
        hone_epoch_stats *rows = realloc(h->rows, cap * sizeof *rows);
        if (!rows) {
            h->lost = 1;
            return;
        }
        h->rows = rows;
        h->cap = cap;
    }
    h->rows[h->n++] = *s;
}

static void on_epoch(const hone_epoch_stats *s, void *user) {
    cli_progress *p = user;
    p->seconds += s->seconds;
    p->samples += (double)p->train_rows;
    if (p->metrics) cli_metrics_write(p->metrics, s);
    cli_history_add(p->history, s);
    if (s->best_epoch == s->epoch) {
        p->kept_epoch = s->epoch;
        p->kept_loss = s->dev_loss;
        p->kept_acc = s->dev_acc;
    }
    if (isfinite(s->dev_loss) && (!p->best_loss_epoch || s->dev_loss < p->best_loss)) {
        p->best_loss_epoch = s->epoch;
        p->best_loss = s->dev_loss;
    }
    if (isfinite(s->dev_acc) && (!p->best_acc_epoch || s->dev_acc > p->best_acc)) {
        p->best_acc_epoch = s->epoch;
        p->best_acc = s->dev_acc;
    }
    if (p->mode == CLI_PROGRESS_QUIET) return;
    if (p->drawn) fputs("\r\033[K", stderr);
    p->drawn = 0;
    fprintf(stderr, "epoch %3d/%d  train loss %s", s->epoch, s->epochs, cli_loss_text((char[CLI_LOSS_TEXT]){0}, s->train_loss));
    if (isfinite(s->train_acc)) fprintf(stderr, " acc %6.2f%%", 100 * s->train_acc);
    if (isfinite(s->dev_loss)) fprintf(stderr, "  dev loss %s", cli_loss_text((char[CLI_LOSS_TEXT]){0}, s->dev_loss));
    if (isfinite(s->dev_acc)) fprintf(stderr, " acc %6.2f%%", 100 * s->dev_acc);
    fprintf(stderr, "  lr %.3g  |g| %.3g  %6.2f s  %6.0f samples/s\n", s->lr, s->grad_norm, s->seconds,
            s->samples_per_s);
}

hone_train_hooks cli_progress_hooks(cli_progress *p) {
    return (hone_train_hooks){.on_epoch = on_epoch, .on_batch = p->mode == CLI_PROGRESS_LIVE ? on_batch : NULL,
                              .user = p};
}

void cli_progress_min_delta_warn(const cli_progress *p, const hone_early_stopping *e, int kept_epoch) {
    if (e->patience <= 0 || !(e->min_delta > 0) || p->kept_epoch != kept_epoch || !kept_epoch) return;
    const int acc = e->on_accuracy;
    const int better = acc ? p->best_acc_epoch : p->best_loss_epoch;
    const double kept = acc ? p->kept_acc : p->kept_loss, best = acc ? p->best_acc : p->best_loss;
    if (!better || better == kept_epoch || !(acc ? best > kept : best < kept)) return;
    const char *metric = acc ? "accuracy" : "loss";
    fprintf(stderr, "hone train: warning: the model keeps epoch %d (dev %s %.4g) though epoch %d's was better (%.4g): "
                    "no epoch beat epoch %d's by more than --min-delta %g; give a --min-delta well below the dev "
                    "%s's change from one epoch to the next%s\n",
            kept_epoch, metric, kept, better, best, kept_epoch, e->min_delta, metric,
            acc ? " (accuracy as a fraction: 0.001 is a tenth of a point)" : "");
}

void cli_progress_end(cli_progress *p) {
    if (p->drawn) fputs("\r\033[K", stderr);
    p->drawn = 0;
}
