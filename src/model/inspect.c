/* inspect.c - per-layer statistics: whether activations and gradients keep their scale from
 * layer to layer (careful initialization) or vanish and explode. Reads only what forward and
 * backward left in the workspace; sums in double. */
#include "layers/layers.h"

#include <math.h>

static double norm_of(const hone_real *v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)v[i] * v[i];
    return sqrt(s);
}

/* The weights of a parameterized layer whose norms are reported: dense W [O, I]; batch norm gamma. */
static size_t weight_count(const hone_layer *layer) {
    if (layer->kind == HONE_LAYER_DENSE) return (size_t)layer->out * layer->in;
    if (layer->kind == HONE_LAYER_BATCHNORM) return (size_t)layer->out;
    return 0;
}

void hone_model_layer_stats(const hone_model *m, int B, const hone_real *before, hone_layer_stats *out) {
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        const size_t O = (size_t)layer->out, n = (size_t)B * O;
        const hone_real *y = m->acts + m->act_offset[l];
        hone_layer_stats *s = &out[l];
        s->layer = l;
        s->kind = layer->kind;
        double sum = 0, sq = 0;
        for (size_t i = 0; i < n; i++) sum += y[i];
        s->mean = n ? sum / (double)n : NAN;
        for (size_t i = 0; i < n; i++) sq += ((double)y[i] - s->mean) * ((double)y[i] - s->mean);
        s->std = n ? sqrt(sq / (double)n) : NAN;
        s->dead_fraction = NAN;
        if (layer->kind == HONE_LAYER_RELU || layer->kind == HONE_LAYER_LEAKY_RELU) {
            /* dead: not one positive output over the batch, so no gradient reaches its weights
             * through the positive side */
            size_t dead = 0;
            for (size_t o = 0; o < O; o++) {
                int alive = 0;
                for (int b = 0; b < B && !alive; b++) alive = y[(size_t)b * O + o] > 0;
                dead += !alive;
            }
            s->dead_fraction = (double)dead / (double)O;
        }
        size_t nw = weight_count(layer);
        const hone_real *W = m->params + layer->param_offset;
        s->weight_norm = nw ? norm_of(W, nw) : NAN;
        s->grad_norm = nw ? norm_of(m->grads + layer->param_offset, nw) : NAN;
        s->update_ratio = NAN;
        if (nw && before) {
            const hone_real *W0 = before + layer->param_offset;
            double d = 0, w0 = 0;
            for (size_t i = 0; i < nw; i++) {
                d += ((double)W[i] - W0[i]) * ((double)W[i] - W0[i]);
                w0 += (double)W0[i] * W0[i];
            }
            s->update_ratio = w0 > 0 ? sqrt(d) / sqrt(w0) : NAN;
        }
    }
}
