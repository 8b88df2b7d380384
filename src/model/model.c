/* model.c - the network as a list of layers over three flat blocks (parameters, gradients,
 * optimizer state), with a workspace reserved for the largest batch. */
#include "layers/layers.h"

#include <math.h>
#include <string.h>


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
    m->input_mean = honeM_alloc((size_t)inputs, sizeof *m->input_mean);
    m->input_std = honeM_alloc((size_t)inputs, sizeof *m->input_std);
    if (!m->layers || !m->act_offset || !m->input_mean || !m->input_std) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory");
    }
    for (int j = 0; j < inputs; j++) m->input_std[j] = 1;
    int width = inputs;
    size_t offset = 0;
    for (int l = 0; l < n; l++) {
        hone_layer *layer = &m->layers[l];
        if (!honeL_ops_of(specs[l].kind)) {
            hone_model_free(m);
            return honeE_set(err, HONE_ERR_VALUE, "model: layer %d: unknown kind %d", l, (int)specs[l].kind);
        }
        layer->kind = specs[l].kind;
        layer->in = width;
        layer->out = specs[l].kind == HONE_LAYER_DENSE ? specs[l].units : width;
        layer->alpha = specs[l].alpha;
        if (layer->out < 1 || layer->out > HONE_MAX_UNITS) {
            hone_model_free(m);
            return honeE_set(err, HONE_ERR_VALUE, "model: layer %d: units must be in [1, %d], got %d", l, HONE_MAX_UNITS, layer->out);
        }
        if (layer->kind == HONE_LAYER_LEAKY_RELU && !(layer->alpha >= 0 && layer->alpha < 1)) {
            hone_model_free(m);
            return honeE_set(err, HONE_ERR_VALUE, "model: layer %d: leaky ReLU slope must be in [0, 1), got %g", l, layer->alpha);
        }
        layer->param_offset = offset;
        layer->n_params = honeL_param_count(layer->kind, layer->in, layer->out);
        offset += layer->n_params;
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
    m->n_params = offset;
    m->params = honeM_alloc(offset, sizeof(hone_real));
    m->grads = honeM_alloc(offset, sizeof(hone_real));
    m->opt_state = honeM_alloc(2 * offset, sizeof(hone_real));
    if (!m->params || !m->grads || !m->opt_state) {
        hone_model_free(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory for %zu parameters", offset);
    }
    *out = m;
    return HONE_OK;
}

hone_status hone_model_create_mlp(hone_model **out, int inputs, const int *hidden, int n_hidden,
                                  int outputs, hone_layer_kind activation, hone_loss_kind loss,
                                  hone_error *err) {
    *out = NULL;
    if (n_hidden < 0 || n_hidden > HONE_MAX_LAYERS / 2 - 1)
        return honeE_set(err, HONE_ERR_VALUE, "model: hidden layer count out of range: %d", n_hidden);
    if (activation == HONE_LAYER_DENSE || !honeL_ops_of(activation))
        return honeE_set(err, HONE_ERR_VALUE, "model: %d is not an activation", (int)activation);
    hone_layer_spec specs[HONE_MAX_LAYERS];
    int n = 0;
    for (int h = 0; h < n_hidden; h++) {
        specs[n++] = (hone_layer_spec){HONE_LAYER_DENSE, hidden[h], 0};
        specs[n++] = (hone_layer_spec){activation, 0, 0.01f};
    }
    specs[n++] = (hone_layer_spec){HONE_LAYER_DENSE, outputs, 0};
    return hone_model_create(out, inputs, specs, n, loss, err);
}

static void free_workspace(hone_model *m) {
    honeM_free(m->acts);
    honeM_free(m->dacts);
    honeM_free(m->batch_x);
    honeM_free(m->batch_y);
    m->acts = m->dacts = m->batch_x = m->batch_y = NULL;
    m->max_batch = 0;
}

void hone_model_free(hone_model *m) {
    if (!m) return;
    free_workspace(m);
    honeM_free(m->layers);
    honeM_free(m->act_offset);
    honeM_free(m->params);
    honeM_free(m->grads);
    honeM_free(m->opt_state);
    honeM_free(m->input_mean);
    honeM_free(m->input_std);
    honeM_free(m->config_json);
    honeM_free(m);
}

int hone_model_outputs(const hone_model *m) { return m->layers[m->n_layers - 1].out; }

hone_status hone_model_reserve(hone_model *m, int max_batch, hone_error *err) {
    if (max_batch < 1) return honeE_set(err, HONE_ERR_VALUE, "model: batch size must be at least 1, got %d", max_batch);
    if (max_batch <= m->max_batch) return HONE_OK;
    free_workspace(m);
    size_t per_row = 0;
    for (int l = 0; l < m->n_layers; l++) {
        m->act_offset[l] = per_row * (size_t)max_batch;
        per_row += (size_t)m->layers[l].out;
    }
    size_t total = per_row * (size_t)max_batch;
    m->acts = honeM_alloc(total, sizeof(hone_real));
    m->dacts = honeM_alloc(total, sizeof(hone_real));
    m->batch_x = honeM_alloc((size_t)max_batch * (size_t)m->inputs, sizeof(hone_real));
    m->batch_y = honeM_alloc((size_t)max_batch * (size_t)hone_model_outputs(m), sizeof(hone_real));
    if (!m->acts || !m->dacts || !m->batch_x || !m->batch_y) {
        free_workspace(m);
        return honeE_set(err, HONE_ERR_NOMEM, "model: out of memory for a batch of %d rows", max_batch);
    }
    m->max_batch = max_batch;
    return HONE_OK;
}

/* Layer l's output for a batch of B rows: [B, O_l], packed at the start of its region. */
static hone_real *act(const hone_model *m, int l) { return m->acts + m->act_offset[l]; }
static hone_real *dact(const hone_model *m, int l) { return m->dacts + m->act_offset[l]; }

const hone_real *hone_model_forward(hone_model *m, const hone_real *X, int B) {
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        const hone_real *x = l ? act(m, l - 1) : X;
        honeL_ops_of(layer->kind)->forward(layer, act(m, l), x, m->params + layer->param_offset, B);
    }
    return act(m, m->n_layers - 1);
}

double hone_model_loss(hone_model *m, const hone_real *Y, int B) {
    int last = m->n_layers - 1;
    return honeL_loss(m->loss, dact(m, last), act(m, last), Y, B, m->layers[last].out);
}

void hone_model_backward(hone_model *m, const hone_real *X, int B) {
    /* Inner activation gradients accumulate, so zero them; the last one is dL/dZ, set by the loss. */
    int last = m->n_layers - 1;
    memset(m->dacts, 0, m->act_offset[last] * sizeof(hone_real));
    for (int l = last; l >= 0; l--) {
        const hone_layer *layer = &m->layers[l];
        const hone_real *x = l ? act(m, l - 1) : X;
        hone_real *dx = l ? dact(m, l - 1) : NULL;
        /* layer outputs and gradients are packed as [B, O] at the start of their regions */
        honeL_ops_of(layer->kind)->backward(layer, dx, m->grads + layer->param_offset, dact(m, l), x,
                                            act(m, l), m->params + layer->param_offset, B);
    }
}

void hone_model_zero_grad(hone_model *m) { memset(m->grads, 0, m->n_params * sizeof(hone_real)); }

void hone_model_predict(hone_model *m, const hone_real *X, int B, hone_real *P) {
    const hone_real *Z = hone_model_forward(m, X, B);
    honeL_loss_output(m->loss, P, Z, B, hone_model_outputs(m));
}

hone_status hone_model_evaluate(hone_model *m, const hone_view *view, double *loss, double *accuracy,
                                hone_error *err) {
    *loss = NAN;
    *accuracy = NAN;
    if (view->n == 0) return HONE_OK;
    if (m->max_batch < 1) {
        hone_status st = hone_model_reserve(m, 256, err);
        if (st) return st;
    }
    const int O = hone_model_outputs(m);
    double total = 0;
    size_t correct = 0;
    for (size_t start = 0; start < view->n; start += (size_t)m->max_batch) {
        int B = (int)(view->n - start < (size_t)m->max_batch ? view->n - start : (size_t)m->max_batch);
        hone_model_gather(m, m->batch_x, m->batch_y, view->data, view->index + start, B);
        const hone_real *Z = hone_model_forward(m, m->batch_x, B);
        total += honeL_loss(m->loss, NULL, Z, m->batch_y, B, O) * B;
        correct += honeL_loss_correct(m->loss, Z, m->batch_y, B, O);
    }
    *loss = total / (double)view->n;
    if (m->loss == HONE_LOSS_SOFTMAX_CE) *accuracy = (double)correct / (double)view->n;
    if (m->loss == HONE_LOSS_SIGMOID_CE) *accuracy = (double)correct / ((double)view->n * O);
    return HONE_OK;
}
