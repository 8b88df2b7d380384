/* schedule.c - learning-rate decay: closed forms of the epoch (or step), and reduce-on-plateau. */
#include "optim/optim.h"

#include <math.h>
#include <string.h>

static const char *const names[] = {"constant", "inverse_time", "exponential", "inverse_sqrt",
                                    "step", "cosine", "plateau"};

const char *hone_schedule_kind_name(hone_schedule_kind kind) {
    return kind >= 0 && kind <= HONE_SCHEDULE_PLATEAU ? names[kind] : "unknown";
}

int hone_schedule_kind_parse(const char *name) {
    for (int k = 0; k <= HONE_SCHEDULE_PLATEAU; k++)
        if (strcmp(names[k], name) == 0) return k;
    if (strcmp(name, "none") == 0) return HONE_SCHEDULE_CONSTANT;
    return -1;
}

#define BIT(kind) (1u << HONE_SCHEDULE_##kind)
#define DECAYS (BIT(INVERSE_TIME) | BIT(EXPONENTIAL) | BIT(INVERSE_SQRT) | BIT(STEP))
/* The kinds that read each setting (as hone_optimizer_reads' list, in optim.c). */
static const honeO_reader readers[] = {
    {"rate", DECAYS},
    {"step_size", BIT(STEP)},
    {"warmup", BIT(COSINE)},
    {"min_lr", BIT(COSINE) | BIT(PLATEAU)},
    {"per_step", DECAYS | BIT(COSINE)}, /* plateau refuses it */
    {"factor", BIT(PLATEAU)},
    {"patience", BIT(PLATEAU)},
    {"threshold", BIT(PLATEAU)},
    {"epochs", BIT(COSINE)}, /* the run's length, T */
};
#undef DECAYS
#undef BIT

int hone_schedule_reads(hone_schedule_kind kind, const char *setting) {
    return honeO_reads(readers, sizeof readers / sizeof *readers, kind >= 0 && kind <= HONE_SCHEDULE_PLATEAU,
                       (int)kind, setting);
}

hone_schedule_config hone_schedule_config_default(hone_schedule_kind kind) {
    hone_schedule_config c = {.kind = kind, .rate = 1, .step_size = 1, .factor = 0.1, .patience = 10,
                              .threshold = 1e-4};
    if (kind == HONE_SCHEDULE_INVERSE_TIME) c.rate = 1;
    if (kind == HONE_SCHEDULE_EXPONENTIAL) c.rate = 0.95;
    if (kind == HONE_SCHEDULE_STEP) c.rate = 0.5, c.step_size = 10;
    return c;
}

double hone_schedule_lr(const hone_schedule_config *c, double lr0, long t, long T) {
    /* before the first epoch is the first (t -1 was 1 / 0 of inverse_sqrt and inverse_time); a
     * cosine that ends before its warm-up does lasts one epoch past it (T = W was 0 / 0) */
    if (t < 0) t = 0;
    switch (c->kind) {
    case HONE_SCHEDULE_CONSTANT:
    case HONE_SCHEDULE_PLATEAU: return lr0;
    case HONE_SCHEDULE_INVERSE_TIME: return lr0 / (1 + c->rate * (double)t);
    case HONE_SCHEDULE_EXPONENTIAL: return lr0 * pow(c->rate, (double)t);
    case HONE_SCHEDULE_INVERSE_SQRT: return lr0 * c->rate / sqrt((double)t + 1);
    case HONE_SCHEDULE_STEP: /* a step_size below 1 (refused by the config check) steps every t */
        return lr0 * pow(c->rate, (double)(c->step_size >= 1 ? t / c->step_size : t));
    case HONE_SCHEDULE_COSINE: {
        long W = c->warmup > 0 ? c->warmup : 0;
        if (t < W) return lr0 * (double)(t + 1) / (double)W;
        if (T <= W) T = W + 1;
        double span = (double)(T - W), pos = (double)(t - W);
        return c->min_lr + (lr0 - c->min_lr) * (1 + cos(3.14159265358979323846 * pos / span)) / 2;
    }
    }
    return lr0;
}

void honeO_plateau_start(honeO_plateau *p) {
    p->best = INFINITY;
    p->bad_epochs = 0;
}

/* torch ReduceLROnPlateau, mode min, relative threshold, no cooldown */
double honeO_plateau_update(honeO_plateau *p, const hone_schedule_config *c, double lr, double dev_loss) {
    if (dev_loss < p->best * (1 - c->threshold)) {
        p->best = dev_loss;
        p->bad_epochs = 0;
    } else {
        p->bad_epochs++;
    }
    if (p->bad_epochs > c->patience) {
        double reduced = fmax(lr * c->factor, c->min_lr);
        if (lr - reduced > 1e-8) lr = reduced;
        p->bad_epochs = 0;
    }
    return lr;
}
