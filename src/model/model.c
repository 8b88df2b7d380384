/* model.c - the network as a list of layers over three flat blocks (parameters, gradients,
 * optimizer state), with a workspace reserved for the largest batch. */
#include "kernels/kernels.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>
#include <string.h>


/* The layer a spec makes on `width` inputs, its defaults filled in (offsets are placed later). */
static hone_layer layer_of(const hone_layer_spec *spec, int width) {
    return (hone_layer){
        .kind = spec->kind,
        .in = width,
        .out = spec->kind == HONE_LAYER_DENSE ? spec->units : width,
        .alpha = spec->alpha > 0 ? spec->alpha : 0.01f,
        .keep_prob = spec->keep_prob > 0 ? spec->keep_prob : 0.5f,
        .bias = spec->kind == HONE_LAYER_DENSE && !spec->no_bias,
        .momentum = spec->momentum > 0 ? spec->momentum : 0.1f,
        .eps = 1e-5f,
        .skip = spec->kind == HONE_LAYER_ADD ? spec->skip : 0,
    };
}

hone_status hone_model_create(hone_model **out, int inputs, const hone_layer_spec *specs, int n,
                              hone_loss_kind loss, hone_error *err) {
    *out = NULL;
    if (inputs < 1 || inputs > HONE_MAX_UNITS)
        return honeE_set(err, HONE_ERR_VALUE, "model: inputs must be in [1, %d], got %d", HONE_MAX_UNITS, inputs);
    if (n < 1 || n > HONE_MAX_LAYERS)
        return honeE_set(err, HONE_ERR_VALUE, "model: layer count must be in [1, %d], got %d", HONE_MAX_LAYERS, n);
    if (loss < HONE_LOSS_SOFTMAX_CE || loss > HONE_LOSS_MSE)
        return honeE_set(err, HONE_ERR_VALUE, "model: unknown loss %d", (int)loss);
    hone_model *m = honeM_alloc(1, sizeof *m);
    if (!m) return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    m->inputs = inputs;
    m->n_layers = n;
    m->loss = loss;
    m->layers = honeM_alloc((size_t)n, sizeof *m->layers);
    m->act_offset = honeM_alloc((size_t)n, sizeof *m->act_offset);
    m->aux_offset = honeM_alloc((size_t)n, sizeof *m->aux_offset);
    m->input_mean = honeM_alloc((size_t)inputs, sizeof *m->input_mean);
    m->input_std = honeM_alloc((size_t)inputs, sizeof *m->input_std);
    if (!m->layers || !m->act_offset || !m->aux_offset || !m->input_mean || !m->input_std) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    }
    for (int j = 0; j < inputs; j++) m->input_std[j] = 1;
    /* Four zero words are a state xoshiro never leaves (every draw 0, so dropout kept every unit):
     * the stream hone_train would seed for seed 0, until it seeds its own. */
    hone_rng_seed(&m->rng, 0xd1b54a32d192ed03ULL);
    int width = inputs;
    size_t offset = 0, buffers = 0;
    for (int l = 0; l < n; l++) {
        hone_layer *layer = &m->layers[l];
        const hone_layer_spec *spec = &specs[l];
        hone_status bad = HONE_OK;
        if (!honeL_ops_of(spec->kind)) {
            bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: unknown kind %d", l, (int)spec->kind);
        } else {
            *layer = layer_of(spec, width);
            if (layer->out < 1 || layer->out > HONE_MAX_UNITS)
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: units must be in [1, %d], got %d", l,
                                HONE_MAX_UNITS, layer->out);
            /* 0 is the default; a negative or NaN setting, which layer_of takes for 0 as well, is
             * refused, as the model-file loader refuses it */
            else if (spec->kind == HONE_LAYER_LEAKY_RELU && !(spec->alpha >= 0))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: leaky ReLU slope must be in [0, 1) (0: 0.01), "
                                "got %g", l, spec->alpha);
            else if (spec->kind == HONE_LAYER_DROPOUT && !(spec->keep_prob >= 0))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: keep_prob must be in (0, 1] (0: 0.5), got %g",
                                l, spec->keep_prob);
            else if (spec->kind == HONE_LAYER_BATCHNORM && !(spec->momentum >= 0))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: batch norm momentum must be in (0, 1] (0: 0.1), "
                                "got %g", l, spec->momentum);
            else if (layer->kind == HONE_LAYER_LEAKY_RELU && !(layer->alpha >= 0 && layer->alpha < 1))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: leaky ReLU slope must be in [0, 1), got %g", l,
                                layer->alpha);
            else if (layer->kind == HONE_LAYER_DROPOUT && !(layer->keep_prob > 0 && layer->keep_prob <= 1))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: keep_prob must be in (0, 1], got %g", l,
                                layer->keep_prob);
            else if (layer->kind == HONE_LAYER_DROPOUT && layer->keep_prob < HONE_KEEP_PROB_MIN)
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: keep_prob %g keeps no unit: a unit is kept "
                                "when a 32-bit draw falls below keep_prob 2^32, so it must be at least 2^-32", l,
                                layer->keep_prob);
            else if (layer->kind == HONE_LAYER_ADD && (layer->skip < -1 || layer->skip >= l - 1))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: an add must take the output of an earlier "
                                "layer, before its own input (-1 for the network input), got %d", l, layer->skip);
            else if (layer->kind == HONE_LAYER_ADD &&
                     (layer->skip < 0 ? inputs : m->layers[layer->skip].out) != layer->in)
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: adds %d values to %d", l,
                                layer->skip < 0 ? inputs : m->layers[layer->skip].out, layer->in);
            else if (layer->kind == HONE_LAYER_BATCHNORM && !(layer->momentum > 0 && layer->momentum <= 1))
                bad = honeE_set(err, HONE_ERR_VALUE, "model: layer %d: batch norm momentum must be in (0, 1], got %g",
                                l, layer->momentum);
        }
        if (bad) {
            hone_model_free(m);
            return bad;
        }
        honeL_place(layer, &offset, &buffers);
        if (offset > HONE_MAX_PARAMS) {
            hone_model_free(m);
            return honeE_set(err, HONE_ERR_VALUE, "model: more than %zu parameters", HONE_MAX_PARAMS);
        }
        width = layer->out;
    }
    if (loss == HONE_LOSS_SOFTMAX_CE && width < 2) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_VALUE, "model: softmax cross-entropy needs at least 2 outputs, got %d", width);
    }
    m->target_mean = honeM_alloc((size_t)width, sizeof *m->target_mean);
    m->target_std = honeM_alloc((size_t)width, sizeof *m->target_std);
    if (!m->target_mean || !m->target_std) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    }
    for (int o = 0; o < width; o++) m->target_std[o] = 1;
    m->n_params = offset;
    m->n_buffers = buffers;
    m->params = honeM_alloc_streamed(offset, sizeof(hone_real));
    m->grads = honeM_alloc_streamed(offset, sizeof(hone_real));
    m->opt_state = honeM_alloc_streamed(2 * offset, sizeof(hone_real));
    m->buffers = honeM_alloc(buffers, sizeof(hone_real));
    if (!m->params || !m->grads || !m->opt_state || !m->buffers) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory for %zu parameters", offset);
    }
    honeL_reset_state(m);
    *out = m;
    return HONE_OK;
}

/* Batch norm starts as the identity: gamma 1, beta 0, running mean 0, running variance 1. */
void honeL_reset_state(hone_model *m) {
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind != HONE_LAYER_BATCHNORM) continue;
        const int O = layer->out;
        hone_real *p = m->params + layer->param_offset, *s = m->buffers + layer->buffer_offset;
        for (int o = 0; o < O; o++) {
            p[o] = 1;
            p[O + o] = 0;
            s[o] = 0;
            s[O + o] = 1;
        }
    }
}

/* Refuses what no multilayer perceptron can be; HONE_OK when spec is one. */
static hone_status mlp_check(const hone_mlp_spec *spec, hone_error *err) {
    if (spec->n_hidden < 0 || spec->n_hidden > HONE_MAX_LAYERS / 4 - 2)
        return honeE_set(err, HONE_ERR_VALUE, "model: hidden layer count out of range: %d", spec->n_hidden);
    if (spec->activation == HONE_LAYER_DENSE || spec->activation == HONE_LAYER_DROPOUT ||
        spec->activation == HONE_LAYER_BATCHNORM || spec->activation == HONE_LAYER_ADD || !honeL_ops_of(spec->activation))
        return honeE_set(err, HONE_ERR_VALUE, "model: %d is not an activation", (int)spec->activation);
    float input_keep = spec->input_keep_prob;
    if (input_keep != 0 && !(input_keep > 0 && input_keep <= 1))
        return honeE_set(err, HONE_ERR_VALUE, "model: input keep_prob must be in (0, 1], got %g", input_keep);
    for (int h = 0; spec->keep_prob && h < spec->n_hidden; h++)
        if (!(spec->keep_prob[h] > 0 && spec->keep_prob[h] <= 1))
            return honeE_set(err, HONE_ERR_VALUE, "model: hidden layer %d: keep_prob must be in (0, 1], got %g", h + 1,
                             spec->keep_prob[h]);
    return HONE_OK;
}

/* The layers of a checked spec into specs [5 n_hidden + 2]; returns their count. */
static int mlp_layers(const hone_mlp_spec *spec, hone_layer_spec *specs) {
    int n = 0, block_input = -1; /* residual: the layer whose output enters the open block */
    if (spec->input_keep_prob > 0 && spec->input_keep_prob < 1)
        specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_DROPOUT, .keep_prob = spec->input_keep_prob};
    for (int h = 0; h < spec->n_hidden; h++) {
        /* residual blocks pair hidden layers 2-3, 4-5, ...: the second of a pair ends with the add,
         * then the activation (y = act(x + F(x))) */
        const bool opens = spec->residual && h >= 1 && h % 2 == 1 && h + 1 < spec->n_hidden;
        const bool closes = spec->residual && h >= 2 && h % 2 == 0;
        if (opens) block_input = n - 1;
        specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_DENSE, .units = spec->hidden[h], .no_bias = spec->batchnorm};
        if (spec->batchnorm) specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_BATCHNORM, .momentum = spec->bn_momentum};
        if (closes) specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_ADD, .skip = block_input};
        specs[n++] = (hone_layer_spec){.kind = spec->activation, .alpha = spec->alpha};
        if (spec->keep_prob && spec->keep_prob[h] < 1)
            specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_DROPOUT, .keep_prob = spec->keep_prob[h]};
    }
    specs[n++] = (hone_layer_spec){.kind = HONE_LAYER_DENSE, .units = spec->outputs};
    return n;
}

hone_status hone_model_create_from_spec(hone_model **out, const hone_mlp_spec *spec, hone_error *err) {
    *out = NULL;
    hone_status st = mlp_check(spec, err);
    if (st) return st;
    hone_layer_spec *specs = honeM_alloc((size_t)spec->n_hidden * 5 + 2, sizeof *specs);
    if (!specs) return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    st = hone_model_create(out, spec->inputs, specs, mlp_layers(spec, specs), spec->loss, err);
    honeM_free(specs);
    return st;
}

/* The first part of the structure in which two layers differ ("kind", "width", ...), or NULL:
 * what a spec says layer by layer. Not what it says once for all layers (the slope, batch norm's
 * momentum, no bias before batch norm), which spec_of reads from the first layer that has it, nor
 * eps, which no spec sets. */
static const char *layer_differs(const hone_layer *a, const hone_layer *b) {
    if (a->kind != b->kind) return "kind";
    if (a->in != b->in || a->out != b->out) return "width";
    if (a->kind == HONE_LAYER_DROPOUT && a->keep_prob != b->keep_prob) return "keep_prob";
    if (a->kind == HONE_LAYER_ADD && a->skip != b->skip) return "skip";
    return NULL;
}

hone_status hone_model_spec_of(const hone_model *m, hone_mlp_spec *spec, int *hidden, float *keep_prob,
                               int max_hidden, hone_error *err) {
    *spec = (hone_mlp_spec){.inputs = m->inputs, .outputs = hone_model_outputs(m), .hidden = hidden,
                            .activation = HONE_LAYER_RELU, .alpha = 0.01f, .bn_momentum = 0.1f,
                            .keep_prob = keep_prob, .input_keep_prob = 1, .loss = m->loss};
    /* read the settings where the recipe puts them, then check that they build these very layers */
    bool activation_seen = false;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        switch (layer->kind) {
        case HONE_LAYER_DENSE:
            if (l == m->n_layers - 1) break; /* the output layer */
            if (spec->n_hidden == max_hidden)
                return honeE_set(err, HONE_ERR_VALUE, "model: more than %d hidden layers", max_hidden);
            hidden[spec->n_hidden] = layer->out;
            keep_prob[spec->n_hidden++] = 1;
            break;
        case HONE_LAYER_BATCHNORM:
            if (!spec->batchnorm) spec->bn_momentum = layer->momentum;
            spec->batchnorm = 1;
            break;
        case HONE_LAYER_ADD: spec->residual = 1; break;
        case HONE_LAYER_DROPOUT: /* on the inputs, or after hidden layer n_hidden's activation */
            if (spec->n_hidden) keep_prob[spec->n_hidden - 1] = layer->keep_prob;
            else spec->input_keep_prob = layer->keep_prob;
            break;
        case HONE_LAYER_RELU: case HONE_LAYER_LEAKY_RELU: case HONE_LAYER_TANH: case HONE_LAYER_SIGMOID:
        case HONE_LAYER_IDENTITY:
            if (!activation_seen) {
                spec->activation = layer->kind;
                spec->alpha = layer->alpha;
            }
            activation_seen = true;
            break;
        }
    }
    hone_status st = mlp_check(spec, err);
    if (st) return st;
    hone_layer_spec *specs = honeM_alloc((size_t)spec->n_hidden * 5 + 2, sizeof *specs);
    if (!specs) return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    const int n = mlp_layers(spec, specs);
    int l = 0, width = m->inputs;
    const char *differs = NULL;
    hone_layer want = {0};
    for (; l < n && l < m->n_layers; l++) {
        want = layer_of(&specs[l], width);
        if ((differs = layer_differs(&want, &m->layers[l]))) break;
        width = want.out;
    }
    honeM_free(specs);
    if (differs)
        return honeE_set(err, HONE_ERR_VALUE, "model: layer %d (%s): its %s differs from the %s a hone_mlp_spec puts "
                         "there; no spec builds this network", l, hone_layer_kind_name(m->layers[l].kind), differs,
                         hone_layer_kind_name(want.kind));
    if (n != m->n_layers)
        return honeE_set(err, HONE_ERR_VALUE, "model: %d layers where a hone_mlp_spec builds %d; no spec builds this "
                         "network", m->n_layers, n);
    return HONE_OK;
}

hone_status hone_model_create_mlp(hone_model **out, int inputs, const int *hidden, int n_hidden,
                                  int outputs, hone_layer_kind activation, hone_loss_kind loss,
                                  hone_error *err) {
    hone_mlp_spec spec = {.inputs = inputs, .outputs = outputs, .hidden = hidden, .n_hidden = n_hidden,
                          .activation = activation, .loss = loss};
    return hone_model_create_from_spec(out, &spec, err);
}

static void free_workspace(hone_model *m) {
    honeM_free(m->acts);
    honeM_free(m->dacts);
    honeM_free(m->aux);
    honeM_free(m->batch_x);
    honeM_free(m->batch_y);
    m->acts = m->dacts = m->aux = m->batch_x = m->batch_y = NULL;
    m->max_batch = 0;
}

void hone_model_free(hone_model *m) {
    if (!m) return;
    free_workspace(m);
    honeM_free(m->layers);
    honeM_free(m->act_offset);
    honeM_free(m->aux_offset);
    honeM_free(m->buffers);
    honeM_free_streamed(m->params, m->n_params, sizeof(hone_real));
    honeM_free_streamed(m->grads, m->n_params, sizeof(hone_real));
    honeM_free_streamed(m->opt_state, 2 * m->n_params, sizeof(hone_real));
    honeM_free(m->input_mean);
    honeM_free(m->input_std);
    honeM_free(m->target_mean);
    honeM_free(m->target_std);
    honeM_free(m->config_json);
    honeM_free(m);
}

int hone_model_outputs(const hone_model *m) { return m->layers[m->n_layers - 1].out; }

hone_status hone_model_reserve(hone_model *m, int max_batch, hone_error *err) {
    if (max_batch < 1) return honeE_set(err, HONE_ERR_VALUE, "model: batch size must be at least 1, got %d", max_batch);
    if (max_batch <= m->max_batch) return HONE_OK;
    free_workspace(m);
    size_t per_row = 0, aux = 0;
    for (int l = 0; l < m->n_layers; l++) {
        m->act_offset[l] = per_row * (size_t)max_batch;
        per_row += (size_t)m->layers[l].out;
        m->aux_offset[l] = aux;
        aux += honeL_aux_count(&m->layers[l], max_batch);
    }
    size_t total = per_row * (size_t)max_batch;
    m->acts = honeM_alloc(total, sizeof(hone_real));
    m->dacts = honeM_alloc(total, sizeof(hone_real));
    m->aux = honeM_alloc(aux, sizeof(hone_real));
    m->batch_x = honeM_alloc((size_t)max_batch * (size_t)m->inputs, sizeof(hone_real));
    m->batch_y = honeM_alloc((size_t)max_batch * (size_t)hone_model_outputs(m), sizeof(hone_real));
    if (!m->acts || !m->dacts || !m->aux || !m->batch_x || !m->batch_y) {
        free_workspace(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory for a batch of %d rows", max_batch);
    }
    honeM_prefault(m->acts, total, sizeof(hone_real));
    honeM_prefault(m->dacts, total, sizeof(hone_real));
    honeM_prefault(m->aux, aux, sizeof(hone_real));
    honeM_prefault(m->batch_x, (size_t)max_batch * (size_t)m->inputs, sizeof(hone_real));
    honeM_prefault(m->batch_y, (size_t)max_batch * (size_t)hone_model_outputs(m), sizeof(hone_real));
    m->max_batch = max_batch;
    return HONE_OK;
}

/* Layer l's output for a batch of B rows: [B, O_l], packed at the start of its region. */
static hone_real *act(const hone_model *m, int l) { return m->acts + m->act_offset[l]; }
static hone_real *dact(const hone_model *m, int l) { return m->dacts + m->act_offset[l]; }

static honeL_ctx ctx_of(hone_model *m, int l, const hone_real *X) {
    const hone_layer *layer = &m->layers[l];
    honeL_ctx ctx = {m->training, &m->rng, m->aux + m->aux_offset[l], m->buffers + layer->buffer_offset, NULL, NULL, NULL};
    if (layer->kind == HONE_LAYER_ADD) {
        ctx.skip = layer->skip >= 0 ? act(m, layer->skip) : X;
        ctx.dskip = layer->skip >= 0 ? dact(m, layer->skip) : NULL;
    }
    return ctx;
}

/* A row-wise layer's pass over a band of the batch's rows (honeL_ops.by_rows), so that large
 * batches of elementwise work run on the pool's threads. */
typedef struct band_args {
    const honeL_ops *ops;
    const hone_layer *layer;
    hone_real *out;          /* forward: y [B, O]; backward: dx [B, I] */
    const hone_real *x, *y, *dy;
    const honeL_ctx *ctx;
    int B, backward;
} band_args;

static void layer_band(void *arg, int part, int parts) {
    const band_args *a = arg;
    int lo, hi;
    honeK_band(a->B, part, parts, &lo, &hi);
    const size_t I = (size_t)a->layer->in, O = (size_t)a->layer->out;
    if (hi <= lo) return;
    if (a->backward)
        a->ops->backward(a->layer, a->out + lo * I, NULL, a->dy + lo * O, a->x + lo * I, a->y + lo * O, NULL, hi - lo, a->ctx);
    else
        a->ops->forward(a->layer, a->out + lo * O, a->x + lo * I, NULL, hi - lo, a->ctx);
}


const hone_real *hone_model_forward(hone_model *m, const hone_real *X, int B) {
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        const honeL_ops *ops = honeL_ops_of(layer->kind);
        const hone_real *x = l ? act(m, l - 1) : X;
        honeL_ctx ctx = ctx_of(m, l, X);
        int parts = ops->by_rows ? honeK_row_parts(B, (size_t)layer->out) : 1;
        if (parts > 1) {
            band_args a = {ops, layer, act(m, l), x, NULL, NULL, &ctx, B, 0};
            honeK_parallel(layer_band, &a, parts);
        } else {
            ops->forward(layer, act(m, l), x, m->params + layer->param_offset, B, &ctx);
        }
    }
    return act(m, m->n_layers - 1);
}

/* Whether weight i of a dense layer's block is decayed: W always, b with decay_bias. */
static size_t decayed_count(const hone_model *m, const hone_layer *layer) {
    return (size_t)layer->out * layer->in + (m->decay_bias && layer->bias ? (size_t)layer->out : 0);
}

hone_status hone_model_set_regularization(hone_model *m, double l2, double l1, int decay_bias, hone_error *err) {
    if (!(l2 >= 0 && isfinite(l2))) return honeE_set(err, HONE_ERR_VALUE, "L2 lambda must be 0 or more, got %g", l2);
    if (!(l1 >= 0 && isfinite(l1))) return honeE_set(err, HONE_ERR_VALUE, "L1 lambda must be 0 or more, got %g", l1);
    m->l2 = l2;
    m->l1 = l1;
    m->decay_bias = decay_bias != 0;
    return HONE_OK;
}

/* sum |W| over W [n], in lanes (kernels.h, HONEK_SUM_LANES; as honeO_sum_squares) */
HONE_KERNEL static double magnitudes(const hone_real *restrict W, size_t n) {
    double a[HONEK_SUM_LANES] = {0};
    size_t i = 0;
    for (; i + HONEK_SUM_LANES <= n; i += HONEK_SUM_LANES)
        for (int k = 0; k < HONEK_SUM_LANES; k++) a[k] += fabs((double)W[i + k]);
    for (; i < n; i++) a[0] += fabs((double)W[i]);
    return honeK_sum_lanes(a);
}

/* sq += sum W^2 where m has L2, ab += sum |W| where it has L1, over W [n] (a sum the penalty
 * does not weigh is not taken: a pass over the weights each): a loop for each, as GCC
 * vectorizes a loop with one set of lanes but not one with two */
static void weight_sums(const hone_model *m, const hone_real *W, size_t n, double *sq, double *ab) {
    if (m->l2 != 0) *sq += honeO_sum_squares(W, n);
    if (m->l1 != 0) *ab += magnitudes(W, n);
}

/* dW [n] += k2 W + k1 sign(W) */
HONE_KERNEL static void penalty_gradient(hone_real *restrict dW, const hone_real *restrict W, size_t n, hone_real k2,
                                         hone_real k1) {
    for (size_t i = 0; i < n; i++) dW[i] += k2 * W[i] + k1 * (hone_real)((W[i] > 0) - (W[i] < 0));
}

/* 2048 values of W: 8 KiB, so the sums reread from L1 what the gradient just read */
enum { PENALTY_CHUNK = 2048 };

/* penalty_gradient, and weight_sums over the same W [n] a chunk at a time (sq NULL: the gradient
 * alone) */
static void penalty_gradient_sums(const hone_model *m, hone_real *dW, const hone_real *W, size_t n, hone_real k2,
                                  hone_real k1, double *sq, double *ab) {
    if (!sq) {
        penalty_gradient(dW, W, n, k2, k1);
        return;
    }
    for (size_t i = 0; i < n; i += PENALTY_CHUNK) {
        const size_t k = n - i < PENALTY_CHUNK ? n - i : PENALTY_CHUNK;
        penalty_gradient(dW + i, W + i, k, k2, k1);
        weight_sums(m, W + i, k, sq, ab);
    }
}

/* The penalty l2 / (2B) sum W^2 + l1 / B sum |W| from its two sums */
static double penalty_of(const hone_model *m, int B, double sq, double abs_sum) {
    return m->l2 / (2.0 * B) * sq + m->l1 / B * abs_sum;
}

double hone_model_penalty(const hone_model *m, int B) {
    if (m->l2 == 0 && m->l1 == 0) return 0;
    double sq = 0, abs_sum = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind == HONE_LAYER_DENSE) weight_sums(m, m->params + layer->param_offset, decayed_count(m, layer), &sq, &abs_sum);
    }
    return penalty_of(m, B, sq, abs_sum);
}

double hone_model_data_loss(hone_model *m, const hone_real *Y, int B) {
    int last = m->n_layers - 1;
    return honeL_loss(m->loss, dact(m, last), act(m, last), Y, B, m->layers[last].out);
}

double hone_model_baseline_loss(const hone_model *m, const hone_real *Y, int B) {
    return honeL_baseline_loss(m->loss, Y, B, m->layers[m->n_layers - 1].out);
}

double hone_model_loss(hone_model *m, const hone_real *Y, int B) { return hone_model_data_loss(m, Y, B) + hone_model_penalty(m, B); }

/* dW += l2 / B W + l1 / B sign(W) over parameters [first, first + count) of layer's block, where
 * the penalty applies (dense weights, and biases with decay_bias; 0 at W = 0: a subgradient), and
 * the sums of W^2 and |W| there added to sq and ab (unless NULL) */
static void add_penalty(const hone_model *m, const hone_layer *layer, size_t first, size_t count, int B, double *sq,
                        double *ab) {
    if ((m->l2 == 0 && m->l1 == 0) || layer->kind != HONE_LAYER_DENSE) return;
    const size_t decayed = decayed_count(m, layer), end = first + count < decayed ? first + count : decayed;
    const size_t at = layer->param_offset + first;
    if (first < end)
        penalty_gradient_sums(m, m->grads + at, m->params + at, end - first, (hone_real)(m->l2 / B), (hone_real)(m->l1 / B),
                              sq, ab);
}

void honeL_update_params(honeL_update *u, const hone_layer *layer, size_t first, size_t count, int part) {
    hone_model *m = u->model;
    add_penalty(m, layer, first, count, u->batch, &u->penalty_sq[part], &u->penalty_abs[part]);
    u->sq[part] += honeO_step_range(u->optimizer, m->params, m->grads, m->opt_state, m->n_params,
                                    layer->param_offset + first, count, u->t, u->lr);
}

typedef struct zero_args {
    hone_real *x;
    size_t n;
} zero_args;

/* Piece `part` of `parts` of x [n] = 0: whole multiples of 16 values but the last (honeK_band's
 * rule, in size_t: a block may pass INT_MAX values) */
static void zero_piece(void *arg, int part, int parts) {
    const zero_args *z = arg;
    const size_t lo = z->n * (size_t)part / (size_t)parts / 16 * 16;
    const size_t hi = part == parts - 1 ? z->n : z->n * (size_t)(part + 1) / (size_t)parts / 16 * 16;
    if (hi > lo) memset(z->x + lo, 0, (hi - lo) * sizeof *z->x);
}

/* x [n] = 0, split across the pool's threads when large: one core's stores do not fill the memory
 * bus, and the other threads wait meanwhile anyway */
static void zero_values(hone_real *x, size_t n) {
    zero_args z = {x, n};
    honeK_parallel(zero_piece, &z, honeK_elementwise_parts(n, HONEK_MAX_THREADS, 1));
}

/* Back-propagation from the last layer to the first; with u, each layer's parameters are stepped
 * once their gradients are final (after its input gradient, which needs the weights before). */
static void backward(hone_model *m, const hone_real *X, int B, honeL_update *u) {
    /* Inner activation gradients accumulate, so zero them; the last one is dL/dZ, set by the loss. */
    int last = m->n_layers - 1;
    zero_values(m->dacts, m->act_offset[last]);
    for (int l = last; l >= 0; l--) {
        const hone_layer *layer = &m->layers[l];
        if (l == 0 && !layer->n_params) break; /* no input gradient is wanted, and no parameters */
        const hone_real *x = l ? act(m, l - 1) : X;
        hone_real *dx = l ? dact(m, l - 1) : NULL;
        honeL_ctx ctx = ctx_of(m, l, X);
        ctx.update = u;
        const honeL_ops *ops = honeL_ops_of(layer->kind);
        int parts = ops->by_rows && dx ? honeK_row_parts(B, (size_t)layer->out) : 1;
        if (parts > 1) {
            band_args a = {ops, layer, dx, x, act(m, l), dact(m, l), &ctx, B, 1};
            honeK_parallel(layer_band, &a, parts);
        } else {
            ops->backward(layer, dx, m->grads + layer->param_offset, dact(m, l), x, act(m, l),
                          m->params + layer->param_offset, B, &ctx);
        }
        if (!u) add_penalty(m, layer, 0, layer->n_params, B, NULL, NULL);
        else if (layer->n_params && !ops->updates) honeL_update_params(u, layer, 0, layer->n_params, 0);
    }
}

void hone_model_backward(hone_model *m, const hone_real *X, int B) { backward(m, X, B, NULL); }

double hone_model_backward_step(hone_model *m, const hone_real *X, int B, const hone_optimizer_config *optimizer,
                                uint64_t t, double lr, double *penalty) {
    honeL_update u = {m, optimizer, t, lr, B, {0}, {0}, {0}};
    backward(m, X, B, &u);
    double sq = 0, penalty_sq = 0, penalty_abs = 0;
    for (int i = 0; i < HONEK_MAX_THREADS; i++) { /* in piece order: the same sums every run */
        sq += u.sq[i];
        penalty_sq += u.penalty_sq[i];
        penalty_abs += u.penalty_abs[i];
    }
    if (penalty) *penalty = penalty_of(m, B, penalty_sq, penalty_abs); /* 0 without l2 and l1: no sums were taken */
    return sqrt(sq);
}

void hone_model_zero_grad(hone_model *m) { zero_values(m->grads, m->n_params); }

/* An MSE model's output z of target o in the targets' own units: z std + mean. */
static hone_real in_targets_units(const hone_model *m, hone_real z, int o) {
    return z * m->target_std[o] + m->target_mean[o];
}

/* The first element of Z [B, O] past the real type, or B O for none: the network's own output (a
 * sigmoid turns an infinite one into a finite 0 or 1), or, where in_units, an MSE model's value in
 * the targets' units, which its target statistics may carry past the range. predict and the
 * evaluations judge overflow by this one rule. */
static size_t first_overflow(const hone_model *m, const hone_real *Z, int B, int O, bool in_units) {
    in_units = in_units && m->loss == HONE_LOSS_MSE;
    size_t k = 0;
    for (; k < (size_t)B * O; k++)
        if (!isfinite(Z[k]) || (in_units && !isfinite(in_targets_units(m, Z[k], (int)(k % (size_t)O))))) break;
    return k;
}

hone_status hone_model_predict(hone_model *m, const hone_real *X, int B, hone_real *P, int *bad_row, hone_error *err) {
    if (bad_row) *bad_row = -1;
    if (B < 1) return honeE_set(err, HONE_ERR_VALUE, "predict: B must be at least 1, got %d", B);
    if (B > m->max_batch) {
        hone_status st = hone_model_reserve(m, B, err);
        if (st) return st;
    }
    const hone_real *Z = hone_model_forward(m, X, B);
    const int O = hone_model_outputs(m);
    honeL_loss_output(m->loss, P, Z, B, O);
    if (m->loss == HONE_LOSS_MSE) /* back to the targets' units */
        for (size_t k = 0; k < (size_t)B * O; k++) P[k] = in_targets_units(m, P[k], (int)(k % O));
    if (bad_row) {
        const size_t k = first_overflow(m, Z, B, O, true);
        if (k < (size_t)B * O) *bad_row = (int)(k / (size_t)O);
    }
    return HONE_OK;
}

int hone_model_images_fit(const hone_model *m, const hone_dataset *data) {
    return !m->image_height || !data->height ||
           (data->height == (size_t)m->image_height && data->width == (size_t)m->image_width);
}

/* HONE_ERR_VALUE naming the first row (from 1) whose label is not one of the model's classes, 0 to
 * classes - 1: a dataset built by hand, as the readers make labels from 0 to n_classes - 1 (its
 * row's target was all 0s, scored and trained on in silence). One pass over the labels a call,
 * none per batch. */
static hone_status labels_below(const hone_dataset *data, int classes, hone_error *err) {
    for (size_t i = 0; i < data->n; i++)
        if (data->label[i] < 0 || data->label[i] >= classes)
            return honeE_set(err, HONE_ERR_VALUE, "row %zu has label %d: the model's classes are 0 to %d", i + 1,
                             (int)data->label[i], classes - 1);
    return HONE_OK;
}

hone_status hone_model_data_check(const hone_model *m, const hone_dataset *data, hone_error *err) {
    if (data->d != (size_t)m->inputs)
        return honeE_set(err, HONE_ERR_VALUE, "data has %zu features, the model expects %d", data->d, m->inputs);
    if (!hone_model_images_fit(m, data)) /* as many pixels, in another shape */
        return honeE_set(err, HONE_ERR_VALUE, "data are images of %zu x %zu pixels (height x width), the model was "
                         "trained on %d x %d", data->height, data->width, m->image_height, m->image_width);
    const int O = hone_model_outputs(m);
    switch (m->loss) {
    case HONE_LOSS_SOFTMAX_CE:
        if (!data->label) return honeE_set(err, HONE_ERR_VALUE, "softmax cross-entropy needs class labels");
        if (data->n_classes > O)
            return honeE_set(err, HONE_ERR_VALUE, "data has %d classes, the model has %d outputs", data->n_classes, O);
        return labels_below(data, O, err);
    case HONE_LOSS_MSE:
        if (!data->target || data->t != (size_t)O)
            return honeE_set(err, HONE_ERR_VALUE, "mean squared error needs %d regression target column(s)", O);
        /* the readers refuse any other; a NaN was blamed on the targets' spread, or the learning rate */
        for (size_t i = 0; i < data->n * data->t; i++)
            if (!isfinite(data->target[i]))
                return honeE_set(err, HONE_ERR_VALUE, "mean squared error needs finite targets: row %zu, column %zu "
                                 "is %g", i / data->t + 1, i % data->t + 1, (double)data->target[i]);
        return HONE_OK;
    case HONE_LOSS_SIGMOID_CE:
        if (data->label) { /* one output: the label is the 0/1 target; more: one-hot classes */
            if (O == 1 && data->n_classes > 2)
                return honeE_set(err, HONE_ERR_VALUE, "sigmoid cross-entropy with one output needs labels 0 and 1, "
                                 "and data has %d classes", data->n_classes);
            if (O > 1 && data->n_classes > O)
                return honeE_set(err, HONE_ERR_VALUE, "data has %d classes, the model has %d outputs", data->n_classes, O);
            return labels_below(data, O == 1 ? 2 : O, err);
        }
        if (!data->target) return honeE_set(err, HONE_ERR_VALUE, "sigmoid cross-entropy needs labels or 0/1 targets");
        if (data->t != (size_t)O)
            return honeE_set(err, HONE_ERR_VALUE, "sigmoid cross-entropy needs %d target column(s), data has %zu", O,
                             data->t);
        for (size_t i = 0; i < data->n * data->t; i++)
            if (!(data->target[i] >= 0 && data->target[i] <= 1))
                return honeE_set(err, HONE_ERR_VALUE, "sigmoid cross-entropy needs targets in [0, 1]: row %zu, "
                                 "column %zu is %g", i / data->t + 1, i % data->t + 1, (double)data->target[i]);
        return HONE_OK;
    }
    return honeE_set(err, HONE_ERR_VALUE, "unknown loss %d", (int)m->loss);
}

/* What a pass over a view sums, batch by batch: the loss and the rows or elements right
 * (hone_model_evaluate), or each target's squared error in its own units (the rmse). */
typedef struct view_sums {
    double loss;
    size_t correct;
    double *squares;   /* [O], or NULL */
    size_t *confusion; /* [C, C] (hone_model_classes), or NULL */
} view_sums;

/* HONE_ERR_DIVERGED naming the first row of a batch whose figures would not be finite (row, a
 * data row, counted from 1): a network output Z [B, O] past the real type, a standardized target
 * Y [B, O] past it (a target far from the training targets' mean for their spread), or, where
 * in_units, a prediction in the targets' units past it; HONE_OK when every row's are finite.
 * An output made so by a NaN or infinite feature of the row (data built by hand) is
 * HONE_ERR_VALUE naming the feature: looked for only then, at no cost to a pass that succeeds
 * (every layer passes NaN on; an infinity that tanh or sigmoid saturates goes unseen here). */
static hone_status unsummable_row(const hone_model *m, const hone_real *Z, const hone_real *Y, const hone_view *view,
                                  const size_t *rows, int B, int O, bool in_units, hone_error *err) {
    const size_t n = (size_t)B * O, z = first_overflow(m, Z, B, O, in_units);
    size_t y = 0;
    while (y < z && isfinite(Y[y])) y++; /* a target before the first output past the type, or at it */
    if (z == n && y == n) return HONE_OK;
    const size_t k = y < z ? y : z, row = rows[k / (size_t)O] + 1;
    const int o = (int)(k % (size_t)O);
    char which[32] = ""; /* of several */
    if (O > 1) snprintf(which, sizeof which, ", %s %d,", y < z ? "target" : "output", o + 1);
    if (y < z)
        return honeE_set(err, HONE_ERR_DIVERGED, "the target of row %zu%s standardized is past " HONE_REAL_NAME
                         ": it is too far from the training targets' mean (%g) for their spread (%g)", row, which,
                         (double)m->target_mean[o], (double)m->target_std[o]);
    const hone_view culprit = {view->data, (size_t *)&rows[k / (size_t)O], 1};
    const hone_status st = honeD_view_features_finite(&culprit, err);
    if (st) return st;
    const hone_real bad = isfinite(Z[k]) ? in_targets_units(m, Z[k], o) : Z[k];
    return honeE_set(err, HONE_ERR_DIVERGED, "the output for row %zu%s is %s%s: the network's values overflow "
                     HONE_REAL_NAME " (weights or inputs too large)", row, which,
                     isnan(bad) ? "nan" : bad > 0 ? "inf" : "-inf", isfinite(Z[k]) ? " in the targets' units" : "");
}

/* Runs the network as it will be used (every unit, batch norm's running statistics) over the
 * view's rows in batches of max_batch, adding each batch's figures to sums; data the model
 * cannot read is HONE_ERR_VALUE, a row whose figures would not be finite HONE_ERR_DIVERGED. */
static hone_status sum_over_view(hone_model *m, const hone_view *view, view_sums *sums, hone_error *err) {
    hone_status st = hone_model_data_check(m, view->data, err);
    if (st || (m->max_batch < 1 && (st = hone_model_reserve(m, 256, err)))) return st;
    /* a view made by hand may name a row the data lacks, which the gather would read: checked
     * here, once a call, not in the gather's loop */
    if ((st = honeD_view_check(view, err))) return st;
    const int O = hone_model_outputs(m);
    const int was_training = m->training;
    m->training = 0;
    for (size_t start = 0; start < view->n; start += (size_t)m->max_batch) {
        const int B = (int)(view->n - start < (size_t)m->max_batch ? view->n - start : (size_t)m->max_batch);
        const size_t *rows = view->index + start;
        hone_model_gather(m, m->batch_x, m->batch_y, view->data, rows, B);
        const hone_real *Z = hone_model_forward(m, m->batch_x, B);
        if ((st = unsummable_row(m, Z, m->batch_y, view, rows, B, O, sums->squares != NULL, err))) break;
        sums->loss += honeL_loss(m->loss, NULL, Z, m->batch_y, B, O) * B;
        sums->correct += honeL_loss_correct(m->loss, Z, m->batch_y, B, O);
        if (sums->confusion) honeL_loss_confusion(m->loss, Z, m->batch_y, B, O, sums->confusion);
        for (int b = 0; sums->squares && b < B; b++)
            for (int o = 0; o < O; o++) { /* the prediction as hone_model_predict gives it, against the target */
                const hone_real y = in_targets_units(m, Z[(size_t)b * O + o], o);
                const double d = (double)y - view->data->target[rows[b] * view->data->t + (size_t)o];
                sums->squares[o] += d * d;
            }
    }
    m->training = was_training;
    return st;
}

hone_status hone_model_figures(hone_model *m, const hone_view *view, hone_view_figures *f, hone_error *err) {
    const int O = hone_model_outputs(m);
    const size_t C = (size_t)hone_model_classes(m);
    f->loss = f->accuracy = NAN;
    for (int o = 0; f->rmse && o < O; o++) f->rmse[o] = NAN;
    if (f->confusion && C) memset(f->confusion, 0, C * C * sizeof *f->confusion);
    if (f->rmse && m->loss != HONE_LOSS_MSE) return honeE_set(err, HONE_ERR_VALUE, "rmse: the model's loss is not mse");
    if (f->confusion && !C)
        return honeE_set(err, HONE_ERR_VALUE, "confusion matrix: the model does not predict one class a row (%s)",
                         m->loss == HONE_LOSS_MSE ? "a regression" : "independent sigmoid outputs");
    if (view->n == 0) return HONE_OK;
    for (int o = 0; f->rmse && o < O; o++) f->rmse[o] = 0; /* each target's sum of squares, in its own units */
    view_sums sums = {0, 0, f->rmse, f->confusion};
    const hone_status st = sum_over_view(m, view, &sums, err);
    for (int o = 0; f->rmse && o < O; o++) f->rmse[o] = st ? NAN : sqrt(f->rmse[o] / (double)view->n);
    if (st) {
        if (f->confusion) memset(f->confusion, 0, C * C * sizeof *f->confusion); /* not the batches begun */
        return st;
    }
    f->loss = sums.loss / (double)view->n;
    if (m->loss == HONE_LOSS_SOFTMAX_CE) f->accuracy = (double)sums.correct / (double)view->n;
    if (m->loss == HONE_LOSS_SIGMOID_CE) f->accuracy = (double)sums.correct / ((double)view->n * O);
    return HONE_OK;
}

hone_status hone_model_evaluate(hone_model *m, const hone_view *view, double *loss, double *accuracy,
                                hone_error *err) {
    hone_view_figures f = {0, 0, NULL, NULL};
    const hone_status st = hone_model_figures(m, view, &f, err);
    *loss = f.loss;
    *accuracy = f.accuracy;
    return st;
}

hone_status hone_model_evaluate_rmse(hone_model *m, const hone_view *view, double *rmse, hone_error *err) {
    hone_view_figures f = {0, 0, rmse, NULL};
    return hone_model_figures(m, view, &f, err);
}

int hone_model_classes(const hone_model *m) {
    const int O = hone_model_outputs(m);
    return m->loss == HONE_LOSS_SOFTMAX_CE ? O : m->loss == HONE_LOSS_SIGMOID_CE && O == 1 ? 2 : 0;
}

hone_status hone_model_confusion(hone_model *m, const hone_view *view, size_t *counts, hone_error *err) {
    hone_view_figures f = {0, 0, NULL, counts};
    return hone_model_figures(m, view, &f, err);
}
