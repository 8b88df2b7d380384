/* model_build.h - the network the options describe. Inline on purpose: it is compiled into the
 * float commands and into the double gradcheck, each with its own hone_real. */
#ifndef HONE_CLI_MODEL_BUILD_H
#define HONE_CLI_MODEL_BUILD_H

#include "model_options.h"
#include "regularize_options.h"

static inline hone_status cli_model_build(hone_model **out, int inputs, int outputs, const cli_arch *a,
                                          const cli_arch_spec *arch, const cli_regularize *r,
                                          const float *keep, hone_error *err) {
    hone_mlp_spec spec = {.inputs = inputs, .outputs = outputs, .hidden = arch->hidden, .n_hidden = arch->n_hidden,
                          .activation = (hone_layer_kind)arch->activation, .alpha = (float)a->alpha,
                          .batchnorm = r->batchnorm, .bn_momentum = (float)r->bn_momentum, .keep_prob = keep,
                          .input_keep_prob = (float)r->input_keep_prob, .residual = a->residual,
                          .loss = (hone_loss_kind)arch->loss};
    hone_status st = hone_model_create_from_spec(out, &spec, err);
    if (!st) st = hone_model_set_regularization(*out, r->l2, r->l1, r->decay_bias, err);
    if (st) {
        hone_model_free(*out);
        *out = NULL;
    }
    return st;
}

#endif
