/* optim_options.h - optimizer, schedule and clipping options of hone train. */
#ifndef HONE_CLI_OPTIM_OPTIONS_H
#define HONE_CLI_OPTIM_OPTIONS_H

#include "cli.h"
#include "hone.h"

#include <math.h>

typedef struct cli_optim {
    char optimizer[CLI_TEXT_MAX];
    double beta1, beta2, eps, weight_decay; /* NAN: the optimizer's default */
    char momentum_form[CLI_TEXT_MAX];
    char schedule[CLI_TEXT_MAX];
    double decay_rate; /* NAN: the schedule's default */
    int step_size, warmup, per_step, patience;
    double min_lr, factor, threshold;
    double clip_value, clip_norm, normalize_grad;
} cli_optim;

#define CLI_OPTIM_DEFAULTS                                                                         \
    {"adam", NAN, NAN, NAN, NAN, "ewma", "cosine", NAN, 10, 0, 0, 10, 0, 0.1, 1e-4, 0, 0, 0}

#define CLI_OPTIM_OPTIONS(p)                                                                       \
    {"optimizer", CLI_TEXT, (p).optimizer, "NAME", "sgd, momentum, nesterov, rmsprop, adam or adamw"}, \
    {"beta1", CLI_REAL, &(p).beta1, "X|auto", "momentum / Adam first moment (auto: 0.9)"},               \
    {"beta2", CLI_REAL, &(p).beta2, "X|auto", "RMSprop / Adam second moment (auto: 0.9 RMSprop, 0.999 Adam)"}, \
    {"eps", CLI_REAL, &(p).eps, "X|auto", "RMSprop / Adam epsilon (auto: 1e-8)"},                       \
    {"weight-decay", CLI_REAL, &(p).weight_decay, "X|auto", "AdamW decoupled weight decay (auto: 0.01)"}, \
    {"momentum-form", CLI_TEXT, (p).momentum_form, "ewma|classical",                               \
     "momentum v = b v + (1-b) g (ewma) or v = b v + g (classical)"},                              \
    {"schedule", CLI_TEXT, (p).schedule, "NAME",                                                   \
     "learning-rate decay: constant (or none), inverse_time, exponential, inverse_sqrt, step, cosine, plateau"}, \
    {"decay-rate", CLI_REAL, &(p).decay_rate, "X|auto",                                                 \
     "inverse_time rate (auto 1), exponential/step factor (auto 0.95/0.5), inverse_sqrt k (auto 1)"}, \
    {"step-size", CLI_INT, &(p).step_size, "N", "step schedule: epochs (or steps) between decays"}, \
    {"warmup", CLI_INT, &(p).warmup, "N", "cosine schedule: linear warm-up epochs (or steps)"},    \
    {"min-lr", CLI_REAL, &(p).min_lr, "X", "cosine and plateau: lowest learning rate"},            \
    {"per-step", CLI_FLAG, &(p).per_step, NULL, "schedule counts optimizer steps, not epochs"},    \
    {"factor", CLI_REAL, &(p).factor, "X", "plateau: multiply the rate by this"},                  \
    {"patience", CLI_INT, &(p).patience, "N", "plateau: epochs without dev-loss improvement first"}, \
    {"threshold", CLI_REAL, &(p).threshold, "X", "plateau: relative improvement that counts"},     \
    {"clip-value", CLI_REAL, &(p).clip_value, "X", "clamp each gradient to [-X, X] (0: off)"},      \
    {"clip-norm", CLI_REAL, &(p).clip_norm, "X", "scale the gradient to global L2 norm <= X (0: off)"}, \
    {"normalize-grad", CLI_REAL, &(p).normalize_grad, "X", "scale the gradient to global L2 norm exactly X (0: off)"}

/* Fills config's optimizer, schedule and clipping; returns -1 (message printed) on a bad name. */
int cli_optim_resolve(const char *cmd, const cli_optim *p, hone_train_config *config);
/* Warns (stderr) of each optimizer or schedule option given (cli_given) that the optimizer or the
 * schedule does not read, so changes nothing; call it once the training config has passed its
 * check (hone_train_config_check refuses plateau's --per-step, which is no warning's matter). */
void cli_optim_warn(const char *cmd, const cli_optim *p);
/* JSON fields (no braces) describing them, for the model's metadata. */
void cli_optim_json(char *buf, size_t cap, const hone_train_config *config);

#endif
