/* model_options.c - architecture options to layer kinds, loss and initializer. */
#include "model_options.h"

#include <string.h>

int cli_residual_blocks(const char *cmd, const cli_arch *a, const cli_arch_spec *spec) {
    if (!a->residual) return 0;
    const int n = spec->n_hidden;
    if (n < 3 || (n - 1) % 2) {
        cli_error(cmd, "--residual pairs the hidden layers after the first into blocks: --layers needs 1 + an even "
                       "number of them (3 or more), got %d", n);
        return -1;
    }
    for (int h = 1; h < n; h += 2)
        if (spec->hidden[h + 1] != spec->hidden[h - 1]) {
            cli_error(cmd, "--residual: the block of hidden layers %d and %d (%d, %d) adds its output to its input, "
                           "so its second layer must have %d units, as its input has",
                      h + 1, h + 2, spec->hidden[h], spec->hidden[h + 1], spec->hidden[h - 1]);
            return -1;
        }
    return 0;
}

void cli_arch_warn(const char *cmd, const cli_arch *a) {
    const int kind = hone_layer_kind_parse(a->activation), init = hone_init_kind_parse(a->weight_init);
    if (cli_given(&a->alpha) && kind != HONE_LAYER_LEAKY_RELU)
        fprintf(stderr, "hone %s: warning: --alpha does nothing with --activation %s (only leaky_relu reads it)\n", cmd,
                a->activation);
    if (cli_given(&a->init_scale) && init != HONE_INIT_UNIFORM && init != HONE_INIT_NORMAL)
        fprintf(stderr, "hone %s: warning: --init-scale does nothing with --weight-init %s (only uniform and normal "
                        "read it)\n", cmd, a->weight_init);
    if (cli_given(&a->zero_residual) && !a->residual)
        fprintf(stderr, "hone %s: warning: --%szero-residual does nothing without --residual\n", cmd,
                a->zero_residual ? "" : "no-");
}

int cli_arch_resolve(const char *cmd, const cli_arch *a, int has_labels, int n_classes,
                     cli_arch_spec *spec) {
    memset(spec, 0, sizeof *spec);
    spec->n_hidden = cli_parse_units(cmd, a->layers, spec->hidden, CLI_MAX_HIDDEN);
    if (spec->n_hidden < 0) return -1;
    spec->activation = hone_layer_kind_parse(a->activation);
    if (!spec->activation || spec->activation == HONE_LAYER_DENSE) {
        cli_error(cmd, "--activation: unknown activation '%s' (relu, leaky_relu, tanh, sigmoid, identity)", a->activation);
        return -1;
    }
    if (!(a->alpha > 0 && a->alpha < 1)) { /* a slope of 0 is ReLU (and 0 means 0.01 to hone_model_create) */
        cli_error(cmd, "--alpha: the leaky ReLU slope must be in (0, 1) (for 0, use --activation relu), got %g", a->alpha);
        return -1;
    }
    /* the network holds the slope as a float: 1e-50 is 0 there, which it takes for 0.01 */
    const float slope = (float)a->alpha;
    if (!(slope > 0 && slope < 1)) {
        cli_error(cmd, "--alpha: %.10g is %g in float32, which holds the slope; it must be in (0, 1) there (for 0, use "
                       "--activation relu)", a->alpha, (double)slope);
        return -1;
    }
    if (!strcmp(a->loss, "auto")) {
        spec->loss = !has_labels ? HONE_LOSS_MSE : n_classes <= 2 ? HONE_LOSS_SIGMOID_CE : HONE_LOSS_SOFTMAX_CE;
    } else if (!(spec->loss = hone_loss_kind_parse(a->loss))) {
        cli_error(cmd, "--loss: unknown loss '%s' (auto, softmax_ce, sigmoid_ce, mse)", a->loss);
        return -1;
    }
    if (spec->loss == HONE_LOSS_MSE && has_labels) {
        cli_error(cmd, "--loss mse needs real-valued targets: add --regression");
        return -1;
    }
    if (spec->loss != HONE_LOSS_MSE && !has_labels) {
        cli_error(cmd, "--loss %s needs class labels, but the data has real-valued targets", hone_loss_kind_name(spec->loss));
        return -1;
    }
    if (spec->loss == HONE_LOSS_SIGMOID_CE && n_classes > 2) {
        cli_error(cmd, "--loss sigmoid_ce is for two classes (0 and 1); the data has %d: use softmax_ce", n_classes);
        return -1;
    }
    spec->init = hone_init_kind_parse(a->weight_init);
    if (spec->init < 0) {
        cli_error(cmd, "--weight-init: unknown initializer '%s'", a->weight_init);
        return -1;
    }
    if ((spec->init == HONE_INIT_UNIFORM || spec->init == HONE_INIT_NORMAL) && !(a->init_scale > 0)) {
        cli_error(cmd, "--init-scale must be positive, got %g", a->init_scale);
        return -1;
    }
    /* the weights are float32 in training: a scale that is 0 there started every weight at 0 (gradcheck's
     * double weights would take it, but no float32 network trained from them could) */
    if ((spec->init == HONE_INIT_UNIFORM || spec->init == HONE_INIT_NORMAL) && (float)a->init_scale == 0) {
        cli_error(cmd, "--init-scale %g is 0 in float32, which holds the weights: every weight would start at 0",
                  a->init_scale);
        return -1;
    }
    return 0;
}

int cli_arch_outputs(const cli_arch_spec *spec, int n_classes, size_t targets) {
    if (spec->loss == HONE_LOSS_SOFTMAX_CE) return n_classes < 2 ? 2 : n_classes;
    if (spec->loss == HONE_LOSS_SIGMOID_CE) return 1;
    return (int)targets;
}
