/* optim_options.c - optimizer and schedule names and "auto" values to a training config. */
#include "optim_options.h"

#include <string.h>

static double or_default(double v, double fallback) { return isnan(v) ? fallback : v; }

/* An option given (cli_given) to an optimizer or schedule that does not read it changes nothing:
 * say so. */
typedef struct unread_option {
    const void *value;
    const char *option, *readers;
    int read;
} unread_option;

static void warn_unread(const char *cmd, const unread_option *options, size_t n, const char *what, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (!options[i].read && cli_given(options[i].value))
            fprintf(stderr, "hone %s: warning: %s does nothing with --%s %s (only %s)\n", cmd, options[i].option, what,
                    name, options[i].readers);
}

void cli_optim_warn(const char *cmd, const cli_optim *p) {
    const int kind = hone_optimizer_kind_parse(p->optimizer);
    const int b1 = kind == HONE_OPTIMIZER_MOMENTUM || kind == HONE_OPTIMIZER_NESTEROV || kind == HONE_OPTIMIZER_ADAM ||
                   kind == HONE_OPTIMIZER_ADAMW;
    const int b2_eps = kind == HONE_OPTIMIZER_RMSPROP || kind == HONE_OPTIMIZER_ADAM || kind == HONE_OPTIMIZER_ADAMW;
    const unread_option optimizer[] = {
        {&p->beta1, "--beta1", "momentum, nesterov, adam and adamw read it", b1},
        {&p->beta2, "--beta2", "rmsprop, adam and adamw read it", b2_eps},
        {&p->eps, "--eps", "rmsprop, adam and adamw read it", b2_eps},
        {&p->weight_decay, "--weight-decay", "adamw reads it; for the others, --l2", kind == HONE_OPTIMIZER_ADAMW},
        {p->momentum_form, "--momentum-form", "momentum reads it", kind == HONE_OPTIMIZER_MOMENTUM},
    };
    warn_unread(cmd, optimizer, sizeof optimizer / sizeof *optimizer, "optimizer",
                hone_optimizer_kind_name((hone_optimizer_kind)kind));
    const int sk = hone_schedule_kind_parse(p->schedule);
    if (sk < 0) return;
    const int decays = sk == HONE_SCHEDULE_INVERSE_TIME || sk == HONE_SCHEDULE_EXPONENTIAL ||
                       sk == HONE_SCHEDULE_INVERSE_SQRT || sk == HONE_SCHEDULE_STEP;
    const int plateau = sk == HONE_SCHEDULE_PLATEAU, cosine = sk == HONE_SCHEDULE_COSINE;
    const unread_option schedule[] = {
        {&p->decay_rate, "--decay-rate", "inverse_time, exponential, inverse_sqrt and step read it", decays},
        {&p->step_size, "--step-size", "step reads it", sk == HONE_SCHEDULE_STEP},
        {&p->warmup, "--warmup", "cosine reads it", cosine},
        {&p->min_lr, "--min-lr", "cosine and plateau read it", cosine || plateau},
        {&p->per_step, "--per-step", "the decaying schedules and cosine read it", decays || cosine || plateau},
        {&p->factor, "--factor", "plateau reads it", plateau},
        {&p->patience, "--patience", "plateau reads it", plateau},
        {&p->threshold, "--threshold", "plateau reads it", plateau},
    };
    warn_unread(cmd, schedule, sizeof schedule / sizeof *schedule, "schedule",
                hone_schedule_kind_name((hone_schedule_kind)sk));
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
