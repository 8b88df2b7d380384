/* init.c - weight initialization. The scale of each draw keeps activation variance steady from
 * layer to layer: He for ReLU-like units, Xavier/Glorot for tanh and sigmoid. */
#include "layers/layers.h"

#include <math.h>
#include <string.h>

static bool relu_like(hone_layer_kind k) { return k == HONE_LAYER_RELU || k == HONE_LAYER_LEAKY_RELU; }
/* A residual block's sum passes through too: its second dense layer feeds the activation after
 * the sum. */
static bool activation(hone_layer_kind k) {
    return k != HONE_LAYER_DENSE && k != HONE_LAYER_BATCHNORM && k != HONE_LAYER_DROPOUT && k != HONE_LAYER_ADD;
}

/* The activation after dense layer l (past batch norm, dropout and a residual sum) decides the
 * default rule: He before ReLU-like units (its factor 2 makes up for the half they zero), Xavier
 * before tanh and sigmoid, LeCun where no activation follows (the output layer). He on the output
 * layer, as "follow the hidden activation" would give, doubled the logits' variance and cost 0.3
 * points of one-epoch accuracy on Fashion-MNIST (two seeds). */
static hone_init_kind default_for(const hone_model *m, int l) {
    for (int k = l + 1; k < m->n_layers && m->layers[k].kind != HONE_LAYER_DENSE; k++)
        if (activation(m->layers[k].kind)) return relu_like(m->layers[k].kind) ? HONE_INIT_HE : HONE_INIT_XAVIER_NORMAL;
    return HONE_INIT_LECUN; /* no activation follows: variance 1 / fan_in keeps a linear layer's scale */
}

hone_status hone_model_init(hone_model *m, hone_init_kind init, double scale, hone_rng *rng,
                            hone_error *err) {
    if (init < HONE_INIT_DEFAULT || init > HONE_INIT_LECUN)
        return honeE_set(err, HONE_ERR_VALUE, "init: unknown initializer %d", (int)init);
    if ((init == HONE_INIT_UNIFORM || init == HONE_INIT_NORMAL) && !(scale > 0 && isfinite(scale)))
        return honeE_set(err, HONE_ERR_VALUE, "init: %s needs a positive scale, got %g",
                         hone_init_kind_name(init), scale);
    /* the weights are hone_real: a scale that is 0 there (1e-50 in float32) started every weight at
     * 0, as zeros does, without a word */
    if ((init == HONE_INIT_UNIFORM || init == HONE_INIT_NORMAL) && !((hone_real)scale > 0 && isfinite((hone_real)scale)))
        return honeE_set(err, HONE_ERR_VALUE, "init: %s needs a scale positive and finite in " HONE_REAL_NAME ", got %g",
                         hone_init_kind_name(init), scale);
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind != HONE_LAYER_DENSE) continue;
        hone_real *W = m->params + layer->param_offset;
        size_t nw = (size_t)layer->out * layer->in;
        double fan_in = layer->in, fan_out = layer->out;
        hone_init_kind kind = init == HONE_INIT_DEFAULT ? default_for(m, l) : init;
        int uniform = kind == HONE_INIT_UNIFORM || kind == HONE_INIT_XAVIER_UNIFORM;
        double s = 0; /* sigma of a normal draw, or half-width of a uniform one */
        switch (kind) {
        case HONE_INIT_ZEROS: s = 0; break;
        case HONE_INIT_UNIFORM:
        case HONE_INIT_NORMAL: s = scale; break;
        case HONE_INIT_XAVIER_UNIFORM: s = sqrt(6.0 / (fan_in + fan_out)); break;
        case HONE_INIT_XAVIER_NORMAL: s = sqrt(2.0 / (fan_in + fan_out)); break;
        case HONE_INIT_HE: s = sqrt(2.0 / fan_in); break;
        case HONE_INIT_LECUN: s = sqrt(1.0 / fan_in); break;
        case HONE_INIT_DEFAULT: break;
        }
        for (size_t i = 0; i < nw; i++)
            W[i] = (hone_real)(uniform ? s * (2 * hone_rng_uniform(rng) - 1) : s * hone_rng_normal(rng));
        if (layer->bias) memset(W + nw, 0, (size_t)layer->out * sizeof *W);
    }
    honeL_reset_state(m);
    return HONE_OK;
}

void hone_model_zero_residual_branches(hone_model *m) {
    for (int l = 1; l < m->n_layers; l++) {
        if (m->layers[l].kind != HONE_LAYER_ADD) continue;
        const hone_layer *last = &m->layers[l - 1]; /* the branch's last layer */
        hone_real *p = m->params + last->param_offset;
        if (last->kind == HONE_LAYER_BATCHNORM) memset(p, 0, (size_t)last->out * sizeof *p); /* gamma */
        else if (last->kind == HONE_LAYER_DENSE) memset(p, 0, last->n_params * sizeof *p);
    }
}
