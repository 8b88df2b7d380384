/* dropout.c - inverted dropout, as torch.nn.Dropout(p = 1 - keep_prob): in training each unit is
 * kept with probability keep_prob and scaled by 1 / keep_prob, so the expected activation is
 * unchanged and inference uses every unit unscaled. */
#include "layers/layers.h"

#include <string.h>

/* training: m [B, O] = Bernoulli(keep) / keep (kept in aux), y = x m;  inference: y = x */
static void dropout_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                            const hone_real *p, int B, const honeL_ctx *ctx) {
    const size_t n = (size_t)B * layer->out;
    if (!ctx->training || layer->keep_prob >= 1) {
        memcpy(y, x, n * sizeof *y);
        return;
    }
    hone_real *restrict mask = ctx->aux;
    const double keep = layer->keep_prob;
    const hone_real scale = (hone_real)(1 / keep);
    for (size_t i = 0; i < n; i++) mask[i] = hone_rng_uniform(ctx->rng) < keep ? scale : 0;
    for (size_t i = 0; i < n; i++) y[i] = x[i] * mask[i];
}

/* dx [B, I] += dy m  (training), dy (inference) */
static void dropout_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                             const hone_real *restrict dy, const hone_real *x, const hone_real *y,
                             const hone_real *p, int B, const honeL_ctx *ctx) {
    const size_t n = (size_t)B * layer->out;
    if (!ctx->training || layer->keep_prob >= 1) {
        for (size_t i = 0; i < n; i++) dx[i] += dy[i];
        return;
    }
    const hone_real *restrict mask = ctx->aux;
    for (size_t i = 0; i < n; i++) dx[i] += dy[i] * mask[i];
}

const honeL_ops honeL_dropout = {HONE_LAYER_DROPOUT, "dropout", dropout_forward, dropout_backward};
