/* dropout.c - inverted dropout, as torch.nn.Dropout(p = 1 - keep_prob): in training each unit is
 * kept with probability keep_prob and scaled by 1 / keep_prob, so the expected activation is
 * unchanged and inference uses every unit unscaled. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <string.h>

/* A training pass's work over bands of rows, across the pool's threads. */
typedef struct dropout_args {
    hone_real *out;        /* forward: y [B, O];  backward: dx [B, O] */
    const hone_real *in;   /* forward: x [B, O];  backward: dy [B, O] */
    hone_real *mask;       /* [B, O] */
    int B, O;
    uint64_t batch_seed;   /* forward: each row's generator comes from it (honeC_row_rng) */
    uint32_t threshold;    /* forward: a 32-bit draw keeps its unit when below it */
    hone_real scale;       /* forward: 1 / keep */
} dropout_args;

/* y [n] = x m */
HONE_KERNEL static void apply_mask(hone_real *restrict y, const hone_real *restrict x, const hone_real *restrict mask,
                                   size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * mask[i];
}

/* dx [n] += dy m */
HONE_KERNEL static void add_masked(hone_real *restrict dx, const hone_real *restrict dy, const hone_real *restrict mask,
                                   size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] += dy[i] * mask[i];
}

/* mask [n] = scale where draw [n] < threshold, else 0: a select the compiler vectorizes (a
 * branch would be mispredicted at random) */
HONE_KERNEL static void mask_of_draws(hone_real *restrict mask, const uint32_t *restrict draw, size_t n, uint32_t threshold,
                                      hone_real scale) {
    for (size_t i = 0; i < n; i++) mask[i] = draw[i] < threshold ? scale : 0;
}

enum { DRAW_CHUNK = 256 }; /* 32-bit draws a row takes at a time, then turns into its mask */

/* Rows lo..hi of the mask, each from its own generator, two 32-bit draws from each 64-bit number
 * (the low half, then the high; a row of odd width takes a number of its own for its last unit);
 * then y = x m over them. */
static void forward_band(void *arg, int part, int parts) {
    const dropout_args *a = arg;
    int lo, hi;
    honeK_band(a->B, part, parts, &lo, &hi);
    const size_t O = (size_t)a->O;
    uint32_t draw[DRAW_CHUNK];
    for (int r = lo; r < hi; r++) {
        hone_rng rng;
        honeC_row_rng(&rng, a->batch_seed, r);
        hone_real *mask = a->mask + (size_t)r * O;
        for (size_t at = 0; at < O; at += DRAW_CHUNK) {
            const size_t n = O - at < DRAW_CHUNK ? O - at : DRAW_CHUNK;
            for (size_t i = 0; i < n; i += 2) {
                const uint64_t bits = honeC_rng_next(&rng);
                draw[i] = (uint32_t)bits;
                if (i + 1 < n) draw[i + 1] = (uint32_t)(bits >> 32);
            }
            mask_of_draws(mask + at, draw, n, a->threshold, a->scale);
        }
    }
    if (hi > lo) apply_mask(a->out + (size_t)lo * O, a->in + (size_t)lo * O, a->mask + (size_t)lo * O, (size_t)(hi - lo) * O);
}

static void backward_band(void *arg, int part, int parts) {
    const dropout_args *a = arg;
    int lo, hi;
    honeK_band(a->B, part, parts, &lo, &hi);
    const size_t O = (size_t)a->O;
    if (hi > lo) add_masked(a->out + (size_t)lo * O, a->in + (size_t)lo * O, a->mask + (size_t)lo * O, (size_t)(hi - lo) * O);
}


/* training: m [B, O] = Bernoulli(keep) / keep (kept in aux), y = x m;  inference: y = x. One draw
 * of ctx->rng a batch seeds every row's generator, so the masks do not depend on the threads. */
static void dropout_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                            const hone_real *p, int B, const honeL_ctx *ctx) {
    const int O = layer->out;
    if (!ctx->training || layer->keep_prob >= 1) {
        memcpy(y, x, (size_t)B * O * sizeof *y);
        return;
    }
    const double keep = layer->keep_prob;
    /* kept when a draw < keep 2^32: within 2^-32 of keep */
    dropout_args a = {y, x, ctx->aux, B, O, hone_rng_next(ctx->rng), (uint32_t)(keep * 4294967296.0), (hone_real)(1 / keep)};
    honeK_parallel(forward_band, &a, honeK_row_parts(B, (size_t)O));
}

/* dx [B, I] += dy m  (training), dy (inference) */
static void dropout_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp, const hone_real *restrict dy,
                             const hone_real *x, const hone_real *y, const hone_real *p, int B, const honeL_ctx *ctx) {
    const int O = layer->out;
    if (!ctx->training || layer->keep_prob >= 1) {
        for (size_t i = 0; i < (size_t)B * O; i++) dx[i] += dy[i];
        return;
    }
    dropout_args a = {dx, dy, ctx->aux, B, O, 0, 0, 0};
    honeK_parallel(backward_band, &a, honeK_row_parts(B, (size_t)O));
}

const honeL_ops honeL_dropout = {HONE_LAYER_DROPOUT, "dropout", 0, dropout_forward, dropout_backward, 0};
