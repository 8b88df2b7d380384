/* dropout.c - inverted dropout, as torch.nn.Dropout(p = 1 - keep_prob): in training each unit is
 * kept with probability keep_prob and scaled by 1 / keep_prob, so the expected activation is
 * unchanged and inference uses every unit unscaled. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <string.h>

/* y [n] = x m */
HONE_KERNEL static void apply_mask(hone_real *restrict y, const hone_real *restrict x, const hone_real *restrict mask,
                                   size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * mask[i];
}

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
    /* two 32-bit draws from each 64-bit number: kept when draw < keep 2^32 (within 2^-32 of keep) */
    const uint64_t threshold = (uint64_t)(keep * 4294967296.0);
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        uint64_t r = hone_rng_next(ctx->rng);
        mask[i] = (r & 0xffffffffu) < threshold ? scale : 0;
        mask[i + 1] = (r >> 32) < threshold ? scale : 0;
    }
    if (i < n) mask[i] = (hone_rng_next(ctx->rng) & 0xffffffffu) < threshold ? scale : 0;
    apply_mask(y, x, mask, n);
}

/* dx [B, I] += dy m  (training), dy (inference) */
HONE_KERNEL static void dropout_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
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

const honeL_ops honeL_dropout = {HONE_LAYER_DROPOUT, "dropout", 0, dropout_forward, dropout_backward, 0};
