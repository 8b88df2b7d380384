/* fuzz_model.c - hone_model_load on arbitrary bytes (a safetensors file).
 *
 * A model that loads must be whole: every parameter, buffer and standardization value finite,
 * layers chained (residual adds to a layer of their width), a forward pass that stays inside its
 * buffers, and it must save and load back to the same model (what hone reads, hone writes), with
 * both checksums verified. The seeds are plain .safetensors files.
 *
 * This build reads on past a checksum that disagrees (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION,
 * src/model/checksum.h), so that mutated files reach the checks behind it; the keys are still
 * parsed and the sums computed. */
#include "fuzz_common.h"

#include <math.h>

/* Workspace per row above which the forward pass is skipped (an activation-only model may be
 * 4096 layers of the file's width). */
#define FORWARD_MAX_ROW (1 << 18)

static void check_model(const hone_model *m) {
    fuzz_check(m->inputs >= 1 && m->n_layers >= 1);
    size_t params = 0, buffers = 0;
    int width = m->inputs;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        fuzz_check(layer->in == width && layer->out >= 1);
        fuzz_check(layer->param_offset == params && layer->buffer_offset == buffers);
        fuzz_check(layer->kind == HONE_LAYER_DENSE || layer->out == layer->in);
        if (layer->kind == HONE_LAYER_ADD) {
            fuzz_check(layer->skip >= -1 && layer->skip < l - 1);
            fuzz_check((layer->skip < 0 ? m->inputs : m->layers[layer->skip].out) == layer->in);
        }
        params += layer->n_params;
        buffers += layer->n_buffers;
        width = layer->out;
    }
    fuzz_check(params == m->n_params && buffers == m->n_buffers);
    for (size_t i = 0; i < m->n_params; i++) fuzz_check(isfinite(m->params[i]));
    for (size_t i = 0; i < m->n_buffers; i++) fuzz_check(isfinite(m->buffers[i]));
    for (int j = 0; j < m->inputs; j++)
        fuzz_check(isfinite(m->input_mean[j]) && isfinite(m->input_std[j]) && m->input_std[j] > 0);
    for (int o = 0; o < hone_model_outputs(m); o++) /* an mse model's alone may have other than 0 and 1 */
        fuzz_check(isfinite(m->target_mean[o]) && isfinite(m->target_std[o]) && m->target_std[o] > 0 &&
                   (m->loss == HONE_LOSS_MSE || (m->target_mean[o] == 0 && m->target_std[o] == 1)));
    /* the image shape: unknown, or the inputs as height x width pixels */
    fuzz_check((m->image_height == 0 && m->image_width == 0) ||
               (m->image_height > 0 && m->image_width > 0 && (int64_t)m->image_height * m->image_width == m->inputs));
}

/* The same model: every setting that is saved, every parameter, buffer and statistic, bit for bit. */
static void check_same(const hone_model *a, const hone_model *b) {
    fuzz_check(a->inputs == b->inputs && a->n_layers == b->n_layers && a->loss == b->loss);
    for (int l = 0; l < a->n_layers; l++) {
        const hone_layer *x = &a->layers[l], *y = &b->layers[l];
        fuzz_check(x->kind == y->kind && x->in == y->in && x->out == y->out && x->bias == y->bias);
        if (x->kind == HONE_LAYER_LEAKY_RELU) fuzz_check(x->alpha == y->alpha);
        if (x->kind == HONE_LAYER_DROPOUT) fuzz_check(x->keep_prob == y->keep_prob);
        if (x->kind == HONE_LAYER_BATCHNORM) fuzz_check(x->momentum == y->momentum && x->eps == y->eps);
        if (x->kind == HONE_LAYER_ADD) fuzz_check(x->skip == y->skip);
    }
    fuzz_check(a->n_params == b->n_params && a->n_buffers == b->n_buffers && a->bn_batches == b->bn_batches);
    fuzz_check(memcmp(a->params, b->params, a->n_params * sizeof *a->params) == 0);
    fuzz_check(a->n_buffers == 0 || memcmp(a->buffers, b->buffers, a->n_buffers * sizeof *a->buffers) == 0);
    fuzz_check(memcmp(a->input_mean, b->input_mean, (size_t)a->inputs * sizeof *a->input_mean) == 0);
    fuzz_check(memcmp(a->input_std, b->input_std, (size_t)a->inputs * sizeof *a->input_std) == 0);
    fuzz_check(memcmp(a->target_mean, b->target_mean, (size_t)hone_model_outputs(a) * sizeof *a->target_mean) == 0);
    fuzz_check(memcmp(a->target_std, b->target_std, (size_t)hone_model_outputs(a) * sizeof *a->target_std) == 0);
    fuzz_check(a->image_height == b->image_height && a->image_width == b->image_width);
    fuzz_check(!a->config_json == !b->config_json);
    fuzz_check(!a->config_json || strcmp(a->config_json, b->config_json) == 0);
}

static void forward(hone_model *m) {
    size_t per_row = (size_t)m->inputs;
    for (int l = 0; l < m->n_layers; l++) per_row += (size_t)m->layers[l].out;
    if (per_row > FORWARD_MAX_ROW) return;
    hone_error err;
    if (hone_model_reserve(m, 2, &err) != HONE_OK) return;
    int O = hone_model_outputs(m);
    hone_real *X = calloc((size_t)m->inputs * 2, sizeof *X), *P = calloc((size_t)O * 2, sizeof *P);
    fuzz_check(X && P);
    for (int j = 0; j < m->inputs; j++) X[j] = (hone_real)(j % 7) - 3;
    fuzz_check(hone_model_predict(m, X, 2, P, NULL, &err) == HONE_OK); /* room for 2 rows: reserved above */
    free(X);
    free(P);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *path, *saved;
    if (!path) {
        path = fuzz_temp("model");
        saved = fuzz_temp("model-saved");
    }
    fuzz_write(path, data, size);
    hone_model *m = NULL;
    hone_error err;
    hone_status st = hone_model_load(&m, path, &err);
    if (st != HONE_OK) {
        fuzz_check(m == NULL);
        fuzz_check(err.code == st && memchr(err.message, 0, sizeof err.message));
        return 0;
    }
    check_model(m);
    hone_status saved_st = hone_model_save(m, saved, &err);
    if (saved_st != HONE_OK) fprintf(stderr, "loaded, but not saved: %s\n", err.message);
    fuzz_check(saved_st == HONE_OK);
    hone_model *back = NULL;
    st = hone_model_load(&back, saved, &err);
    if (st != HONE_OK) fprintf(stderr, "saved, but not loaded back: %s\n", err.message);
    fuzz_check(st == HONE_OK);
    fuzz_check(back->checksums == (HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA)); /* hone's own file verifies */
    check_same(m, back);
    hone_model_free(back);
    forward(m);
    hone_model_free(m);
    return 0;
}
