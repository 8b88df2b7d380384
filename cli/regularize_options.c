/* regularize_options.c - regularization options to a network spec and a training config. */
#include "regularize_options.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "--keep-prob: 1e-300 keeps no unit: ...": a keep probability in (0, 1] the dropout layer cannot
 * take, float32's 0 (which the network held as no input dropout, or refused naming no option)
 * and whatever is below HONE_KEEP_PROB_MIN; 0 for one it takes. */
static int keep_too_small(const char *cmd, const char *option, double p) {
    if ((float)p >= HONE_KEEP_PROB_MIN) return 0;
    cli_error(cmd, "%s: %g keeps no unit: a unit is kept when a 32-bit draw falls below p 2^32, so p must be at least "
                   "2^-32 (%.3g)", option, p, HONE_KEEP_PROB_MIN);
    return -1;
}

int cli_regularize_check(const char *cmd, const cli_regularize *r, int n_hidden, float *keep) {
    if (!(r->l2 >= 0) || !(r->l1 >= 0)) {
        cli_error(cmd, "--l2 and --l1 take a lambda of 0 or more, got %g and %g", r->l2, r->l1);
        return -1;
    }
    /* the penalty is taken in hone_real: a lambda that is 0 there is no penalty, which the run's
     * summary would have called regularized */
    for (int k = 0; k < 2; k++) {
        const double lambda = k ? r->l1 : r->l2;
        if (lambda > 0 && (hone_real)lambda == 0) {
            cli_error(cmd, "--%s %g is 0 in " HONE_REAL_NAME ", which the penalty is taken in: give 0 for none, or a "
                           "larger lambda", k ? "l1" : "l2", lambda);
            return -1;
        }
    }
    if (!(r->input_keep_prob > 0 && r->input_keep_prob <= 1)) {
        cli_error(cmd, "--input-keep-prob must be in (0, 1], got %g", r->input_keep_prob);
        return -1;
    }
    if (keep_too_small(cmd, "--input-keep-prob", r->input_keep_prob)) return -1;
    if (!(r->bn_momentum > 0 && r->bn_momentum <= 1)) {
        cli_error(cmd, "--bn-momentum must be in (0, 1], got %g", r->bn_momentum);
        return -1;
    }
    /* the network holds it as a float, where 0 means the default, 0.1 */
    if (!((float)r->bn_momentum > 0)) {
        cli_error(cmd, "--bn-momentum %g is 0 in float32, which the network holds it in (and takes 0 there for the "
                       "default, 0.1): give at least %.2g", r->bn_momentum, (double)FLT_TRUE_MIN);
        return -1;
    }
    double values[256];
    int n = 0;
    const char *p = r->keep_prob;
    while (*p && n < 256) {
        char *end;
        errno = 0;
        values[n] = strtod(p, &end);
        if (end == p || errno || !(values[n] > 0 && values[n] <= 1)) {
            cli_error(cmd, "--keep-prob: each keep probability must be in (0, 1], got '%s'", r->keep_prob);
            return -1;
        }
        if (keep_too_small(cmd, "--keep-prob", values[n])) return -1;
        n++;
        p = *end == ',' ? end + 1 : end;
        if ((*end && *end != ',') || (*end == ',' && !*p)) { /* "0.8," ends on a comma, not a number */
            cli_error(cmd, "--keep-prob: expected numbers separated by commas, got '%s'", r->keep_prob);
            return -1;
        }
    }
    if (n != 1 && n != n_hidden) {
        cli_error(cmd, "--keep-prob: give one value or one per hidden layer (%d), got %d", n_hidden, n);
        return -1;
    }
    for (int h = 0; h < n_hidden; h++) keep[h] = (float)values[n == 1 ? 0 : h];
    return 0;
}

int cli_regularize_network(const char *cmd, const cli_regularize *r, int n_hidden, float *keep) {
    if (cli_regularize_check(cmd, r, n_hidden, keep)) return -1;
    if (r->input_keep_prob < 1)
        fprintf(stderr, "hone %s: warning: --input-keep-prob %g drops input features; dropout is usually kept to "
                        "hidden layers\n", cmd, r->input_keep_prob);
    /* both go between hidden layers: a network without one (--layers '', logistic regression)
     * trained as if they were not given */
    const int dropout = *r->keep_prob && strtod(r->keep_prob, NULL) < 1; /* checked above: none, or one in (0, 1] */
    if (n_hidden == 0 && dropout && r->batchnorm)
        fprintf(stderr, "hone %s: warning: --keep-prob and --batchnorm do nothing without a hidden layer (--layers is "
                        "empty); --input-keep-prob drops inputs\n", cmd);
    else if (n_hidden == 0 && (dropout || r->batchnorm))
        fprintf(stderr, "hone %s: warning: %s does nothing without a hidden layer (--layers is empty)%s\n", cmd,
                dropout ? "--keep-prob" : "--batchnorm", dropout ? "; --input-keep-prob drops inputs" : "");
    return 0;
}

int cli_regularize_training(const char *cmd, const cli_regularize *r, hone_train_config *c) {
    if (strcmp(r->early_stop_metric, "loss") && strcmp(r->early_stop_metric, "accuracy")) {
        cli_error(cmd, "--early-stop-metric: expected loss or accuracy, got '%s'", r->early_stop_metric);
        return -1;
    }
    /* accuracy is a fraction: --min-delta 1 (meant as a point) or more let no epoch count as better */
    if (r->early_stop > 0 && !strcmp(r->early_stop_metric, "accuracy") && r->min_delta >= 1) {
        cli_error(cmd, "--min-delta %g: dev accuracy is a fraction, and no epoch can improve on another by 1 or more "
                       "(0.001 is a tenth of a point)", r->min_delta);
        return -1;
    }
    c->early_stopping = (hone_early_stopping){r->early_stop, r->min_delta, !strcmp(r->early_stop_metric, "accuracy")};
    c->augment = (hone_augment){r->augment_shift, r->augment_rotate, r->augment_flip, r->augment_noise};
    return 0;
}

void cli_regularize_warn(const char *cmd, const cli_regularize *r, int builds_network) {
    if (cli_given(&r->decay_bias) && r->decay_bias && r->l2 == 0 && r->l1 == 0)
        fprintf(stderr, "hone %s: warning: --decay-bias does nothing without --l2 or --l1\n", cmd);
    if (builds_network && cli_given(&r->bn_momentum) && !r->batchnorm)
        fprintf(stderr, "hone %s: warning: --bn-momentum does nothing without --batchnorm\n", cmd);
    if (r->early_stop == 0) {
        if (cli_given(&r->min_delta)) fprintf(stderr, "hone %s: warning: --min-delta does nothing without --early-stop\n", cmd);
        if (cli_given(r->early_stop_metric))
            fprintf(stderr, "hone %s: warning: --early-stop-metric does nothing without --early-stop\n", cmd);
    }
}

void cli_regularization_describe(char *buf, size_t cap, const hone_model *m, const hone_train_config *c,
                                 int bias_only) {
    size_t at = 0;
    const char *sep = "";
    if (cap) buf[0] = 0;
    if (m->l2 > 0) cli_append(buf, cap, &at, "%sL2 %g", sep, m->l2), sep = ", ";
    if (m->l1 > 0) cli_append(buf, cap, &at, "%sL1 %g", sep, m->l1), sep = ", ";
    if ((m->l2 > 0 || m->l1 > 0) && m->decay_bias) cli_append(buf, cap, &at, " (biases too)");
    /* AdamW's decoupled decay shrinks the weights as L2 does, on by default (0.01) */
    if (c->optimizer.kind == HONE_OPTIMIZER_ADAMW && c->optimizer.weight_decay > 0)
        cli_append(buf, cap, &at, "%sadamw weight decay %g", sep, c->optimizer.weight_decay), sep = ", ";
    /* the model's layers, not the options: a model from --init brings its own dropout and batch norm */
    int bn = 0, seen_dense = 0, hidden_drop = 0, one_keep = 1; /* one keep for every hidden layer, given once */
    float first_keep = -1;
    for (int l = 0, dense = 0; l < m->n_layers; l++) {
        if (m->layers[l].kind == HONE_LAYER_DENSE) dense = 1;
        else if (m->layers[l].kind == HONE_LAYER_DROPOUT && dense) {
            if (first_keep >= 0 && m->layers[l].keep_prob != first_keep) one_keep = 0;
            if (first_keep < 0) first_keep = m->layers[l].keep_prob;
        }
    }
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *L = &m->layers[l];
        if (L->kind == HONE_LAYER_DENSE) seen_dense = 1;
        else if (L->kind == HONE_LAYER_BATCHNORM) bn = 1;
        else if (L->kind == HONE_LAYER_DROPOUT && !seen_dense) {
            cli_append(buf, cap, &at, "%sinput dropout keep %g", sep, L->keep_prob), sep = ", ";
        } else if (L->kind == HONE_LAYER_DROPOUT) {
            if (hidden_drop && !one_keep) cli_append(buf, cap, &at, ",%g", L->keep_prob);
            else if (hidden_drop) continue;
            else cli_append(buf, cap, &at, "%sdropout keep %g", sep, L->keep_prob);
            hidden_drop = 1, sep = ", ";
        }
    }
    if (bn && !bias_only) cli_append(buf, cap, &at, "%sbatch norm", sep), sep = ", ";
    const hone_augment *a = &c->augment;
    if (a->shift || a->rotate > 0 || a->flip || a->noise > 0) {
        cli_append(buf, cap, &at, "%saugment", sep), sep = ", ";
        if (a->shift) cli_append(buf, cap, &at, " shift %d", a->shift);
        if (a->rotate > 0) cli_append(buf, cap, &at, " rotate %g", a->rotate);
        if (a->flip) cli_append(buf, cap, &at, " flip");
        if (a->noise > 0) cli_append(buf, cap, &at, " noise %g", a->noise);
    }
    const hone_early_stopping *e = &c->early_stopping;
    if (e->patience > 0) {
        cli_append(buf, cap, &at, "%searly stop %d on dev %s", sep, e->patience, e->on_accuracy ? "accuracy" : "loss");
        if (e->min_delta > 0) cli_append(buf, cap, &at, " (min delta %g)", e->min_delta);
    }
}
