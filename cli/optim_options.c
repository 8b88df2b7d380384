/* optim_options.c - optimizer and schedule names and "auto" values to a training config. */
#include "optim_options.h"

#include <string.h>

static double or_default(double v, double fallback) { return isnan(v) ? fallback : v; }

/* An option given (cli_given) to an optimizer or schedule that does not read it changes nothing:
 * say so, and name the kinds that do read it (hone_optimizer_reads and hone_schedule_reads). */
typedef struct unread_option {
    const void *value;
    const char *option, *setting, *hint; /* setting: the library's name of it */
} unread_option;

/* The optimizers' or the schedules' kinds, as one list to ask: their range, names and readers. */
typedef struct kinds {
    const char *what; /* the option naming the kind: "optimizer" or "schedule" */
    int first, last;
    int (*reads)(int kind, const char *setting); /* hone_optimizer_reads, hone_schedule_reads */
    const char *(*name)(int kind);
} kinds;

static int optimizer_reads(int kind, const char *setting) {
    return hone_optimizer_reads((hone_optimizer_kind)kind, setting);
}
static int schedule_reads(int kind, const char *setting) {
    return hone_schedule_reads((hone_schedule_kind)kind, setting);
}
static const char *optimizer_name(int kind) { return hone_optimizer_kind_name((hone_optimizer_kind)kind); }
static const char *schedule_name(int kind) { return hone_schedule_kind_name((hone_schedule_kind)kind); }

static const kinds optimizers = {"optimizer", HONE_OPTIMIZER_SGD, HONE_OPTIMIZER_ADAMW, optimizer_reads,
                                 optimizer_name};
static const kinds schedules = {"schedule", HONE_SCHEDULE_CONSTANT, HONE_SCHEDULE_PLATEAU, schedule_reads,
                                schedule_name};

/* "momentum, nesterov, adam and adamw read it" */
static void name_readers(char *buf, size_t cap, const kinds *k, const char *setting) {
    const char *who[HONE_SCHEDULE_PLATEAU + 1]; /* more kinds than there are optimizers */
    int n = 0;
    for (int kind = k->first; kind <= k->last; kind++)
        if (k->reads(kind, setting) == 1) who[n++] = k->name(kind);
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < n; i++) cli_append(buf, cap, &at, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", who[i]);
    cli_append(buf, cap, &at, " read%s it", n == 1 ? "s" : "");
}

static void warn_unread(const char *cmd, const unread_option *options, size_t n, const kinds *k, int kind) {
    for (size_t i = 0; i < n; i++) {
        if (k->reads(kind, options[i].setting) || !cli_given(options[i].value)) continue;
        char readers[200];
        name_readers(readers, sizeof readers, k, options[i].setting);
        fprintf(stderr, "hone %s: warning: %s does nothing with --%s %s (only %s%s)\n", cmd, options[i].option, k->what,
                k->name(kind), readers, options[i].hint ? options[i].hint : "");
    }
}

void cli_optim_warn(const char *cmd, const cli_optim *p) {
    const unread_option optimizer[] = {
        {&p->beta1, "--beta1", "beta1", NULL},
        {&p->beta2, "--beta2", "beta2", NULL},
        {&p->eps, "--eps", "eps", NULL},
        {&p->weight_decay, "--weight-decay", "weight_decay", "; for the others, --l2"},
        {p->momentum_form, "--momentum-form", "momentum_ewma", NULL},
    };
    warn_unread(cmd, optimizer, sizeof optimizer / sizeof *optimizer, &optimizers, hone_optimizer_kind_parse(p->optimizer));
    const int sk = hone_schedule_kind_parse(p->schedule);
    if (sk < 0) return;
    const unread_option schedule[] = {
        {&p->decay_rate, "--decay-rate", "rate", NULL},
        {&p->step_size, "--step-size", "step_size", NULL},
        {&p->warmup, "--warmup", "warmup", NULL},
        {&p->min_lr, "--min-lr", "min_lr", NULL},
        {&p->factor, "--factor", "factor", NULL},
        {&p->patience, "--patience", "patience", NULL},
        {&p->threshold, "--threshold", "threshold", NULL},
        {&p->per_step, "--per-step", "per_step", NULL}, /* plateau's is refused before this is called */
    };
    warn_unread(cmd, schedule, sizeof schedule / sizeof *schedule, &schedules, sk);
}

int cli_optim_resolve(const char *cmd, const cli_optim *p, hone_train_config *c) {
    int kind = hone_optimizer_kind_parse(p->optimizer);
    if (!kind) {
        cli_error(cmd, "--optimizer: unknown optimizer '%s' (sgd, momentum, nesterov, rmsprop, adam, adamw)", p->optimizer);
        return -1;
    }
    hone_optimizer_config o = hone_optimizer_config_default((hone_optimizer_kind)kind);
    o.beta1 = or_default(p->beta1, o.beta1);
    o.beta2 = or_default(p->beta2, o.beta2);
    o.eps = or_default(p->eps, o.eps);
    o.weight_decay = or_default(p->weight_decay, o.weight_decay);
    if (!strcmp(p->momentum_form, "ewma")) o.momentum_ewma = 1;
    else if (!strcmp(p->momentum_form, "classical")) o.momentum_ewma = 0;
    else {
        cli_error(cmd, "--momentum-form: expected ewma or classical, got '%s'", p->momentum_form);
        return -1;
    }
    int sk = hone_schedule_kind_parse(p->schedule);
    if (sk < 0) {
        cli_error(cmd, "--schedule: unknown schedule '%s' (constant, inverse_time, exponential, inverse_sqrt, step, cosine, plateau)",
                  p->schedule);
        return -1;
    }
    hone_schedule_config s = hone_schedule_config_default((hone_schedule_kind)sk);
    s.rate = or_default(p->decay_rate, s.rate);
    s.step_size = p->step_size;
    s.warmup = p->warmup;
    s.min_lr = p->min_lr;
    s.per_step = p->per_step;
    s.factor = p->factor;
    s.patience = p->patience;
    s.threshold = p->threshold;
    c->optimizer = o;
    c->schedule = s;
    c->clip_value = p->clip_value;
    c->clip_norm = p->clip_norm;
    c->normalize_grad = p->normalize_grad;
    return 0;
}

void cli_optim_json(char *buf, size_t cap, const hone_train_config *c) {
    const hone_optimizer_config *o = &c->optimizer;
    const hone_schedule_config *s = &c->schedule;
    snprintf(buf, cap,
             "\"optimizer\": \"%s\", \"beta1\": %.17g, \"beta2\": %.17g, \"eps\": %.17g, \"weight_decay\": %.17g, "
             "\"momentum_form\": \"%s\", \"schedule\": \"%s\", \"decay_rate\": %.17g, \"step_size\": %d, "
             "\"warmup\": %d, \"min_lr\": %.17g, \"per_step\": %s, \"factor\": %.17g, \"patience\": %d, "
             "\"threshold\": %.17g, \"clip_value\": %.17g, \"clip_norm\": %.17g, \"normalize_grad\": %.17g",
             hone_optimizer_kind_name(o->kind), o->beta1, o->beta2, o->eps, o->weight_decay,
             o->momentum_ewma ? "ewma" : "classical", hone_schedule_kind_name(s->kind), s->rate, s->step_size,
             s->warmup, s->min_lr, s->per_step ? "true" : "false", s->factor, s->patience, s->threshold,
             c->clip_value, c->clip_norm, c->normalize_grad);
}
