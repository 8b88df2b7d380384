/* batchnorm.c - batch normalization per unit, as torch.nn.BatchNorm1d: in training x is
 * normalized by the batch's mean and (biased) variance, and the running averages follow by an
 * EWMA with beta = 1 - momentum (the unbiased variance, as PyTorch); inference uses the running
 * averages. gamma = p [O], beta = p + O [O]; running mean = state [O], running var = state + O.
 *
 * Statistics are per unit, that is per column of the row-major [B, O] batch. Walking columns
 * would stride through memory and chain every add on the one before; instead the units are taken
 * CHUNK at a time with double accumulators on the stack, and rows are swept in order, so each
 * unit's sum is still accumulated in double in row order while the units vectorize side by side. */
#include "kernels/kernels.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>

enum { CHUNK = 256 };

/* sum[o] = sum_b x[b, o0 + o] and, with mean, sq[o] = sum_b (x - mean)^2, for o < w */
HONE_KERNEL static void column_sums(double *restrict sum, const hone_real *restrict x, int B, int O, int o0, int w) {
    for (int o = 0; o < w; o++) sum[o] = 0;
    for (int b = 0; b < B; b++) {
        const hone_real *row = x + (size_t)b * O + o0;
        for (int o = 0; o < w; o++) sum[o] += row[o];
    }
}
HONE_KERNEL static void column_squares(double *restrict sq, const hone_real *restrict x, const double *restrict mean,
                                       int B, int O, int o0, int w) {
    for (int o = 0; o < w; o++) sq[o] = 0;
    for (int b = 0; b < B; b++) {
        const hone_real *row = x + (size_t)b * O + o0;
        for (int o = 0; o < w; o++) {
            double d = row[o] - mean[o];
            sq[o] += d * d;
        }
    }
}

/* xhat [B, O] = (x - mean) inv_std;  y = gamma xhat + beta   (columns o0 .. o0 + w) */
HONE_KERNEL static void normalize(hone_real *restrict y, hone_real *restrict xhat, const hone_real *restrict x,
                                  const double *restrict mean, const hone_real *restrict inv_std,
                                  const hone_real *restrict gamma, const hone_real *restrict beta, int B, int O,
                                  int o0, int w) {
    for (int b = 0; b < B; b++) {
        size_t r = (size_t)b * O + o0;
        for (int o = 0; o < w; o++) {
            xhat[r + o] = (hone_real)((x[r + o] - mean[o]) * inv_std[o]);
            y[r + o] = gamma[o] * xhat[r + o] + beta[o];
        }
    }
}

/* The pass over a batch is split into bands of units (columns) across the pool's threads: each
 * unit's statistics are its own, so the results do not depend on the split. */
typedef struct bn_args {
    const hone_layer *layer;
    hone_real *out;       /* forward: y; backward: dx (or NULL) */
    hone_real *dp;        /* backward: dgamma, dbeta */
    const hone_real *x, *dy, *p;
    int B;
    const honeL_ctx *ctx;
} bn_args;

/* Bands of at least 32 units, over enough values to be worth a thread. */
static void run_in_bands(honeK_task *task, bn_args *a) {
    honeK_parallel(task, a, honeK_elementwise_parts((size_t)a->B * (size_t)a->layer->out, a->layer->out, 32));
}

/* y [B, O] = gamma xhat + beta,  xhat = (x - mu) / sqrt(var + eps);
 * aux keeps xhat [B, O] then 1 / sqrt(var + eps) [O] */
static void forward_band(void *arg, int part, int parts) {
    const bn_args *a = arg;
    const hone_layer *layer = a->layer;
    const honeL_ctx *ctx = a->ctx;
    const int O = layer->out, B = a->B;
    const hone_real *x = a->x, *p = a->p;
    hone_real *y = a->out;
    int lo, hi;
    honeK_band(O, part, parts, &lo, &hi);
    const hone_real *gamma = p, *beta = p + O;
    hone_real *run_mean = ctx->state, *run_var = ctx->state + O;
    hone_real *restrict xhat = ctx->aux, *restrict inv_std = ctx->aux + (size_t)B * O;
    const double momentum = layer->momentum;
    double mean[CHUNK], sq[CHUNK];
    for (int o0 = lo; o0 < hi; o0 += CHUNK) {
        const int w = hi - o0 < CHUNK ? hi - o0 : CHUNK;
        if (ctx->training) {
            column_sums(mean, x, B, O, o0, w);
            for (int o = 0; o < w; o++) mean[o] /= B;
            column_squares(sq, x, mean, B, O, o0, w);
            for (int o = 0; o < w; o++) {
                inv_std[o0 + o] = (hone_real)(1 / sqrt(sq[o] / B + layer->eps));
                if (B > 1) { /* one row has no variance to learn from */
                    run_mean[o0 + o] = (hone_real)honeO_ewma(run_mean[o0 + o], mean[o], 1 - momentum);
                    run_var[o0 + o] = (hone_real)honeO_ewma(run_var[o0 + o], sq[o] / (B - 1), 1 - momentum);
                }
            }
        } else {
            for (int o = 0; o < w; o++) {
                mean[o] = run_mean[o0 + o];
                inv_std[o0 + o] = (hone_real)(1 / sqrt((double)run_var[o0 + o] + layer->eps));
            }
        }
        normalize(y, xhat, x, mean, inv_std + o0, gamma + o0, beta + o0, B, O, o0, w);
    }
}

static void batchnorm_forward(const hone_layer *layer, hone_real *y, const hone_real *x, const hone_real *p, int B,
                              const honeL_ctx *ctx) {
    bn_args a = {layer, y, NULL, x, NULL, p, B, ctx};
    run_in_bands(forward_band, &a);
}

/* sum_dy[o] = sum_b dy, sum_dy_xhat[o] = sum_b dy xhat   (columns o0 .. o0 + w) */
HONE_KERNEL static void gradient_sums(double *restrict sum_dy, double *restrict sum_dy_xhat, const hone_real *restrict dy,
                                      const hone_real *restrict xhat, int B, int O, int o0, int w) {
    for (int o = 0; o < w; o++) sum_dy[o] = sum_dy_xhat[o] = 0;
    for (int b = 0; b < B; b++) {
        size_t r = (size_t)b * O + o0;
        for (int o = 0; o < w; o++) {
            sum_dy[o] += dy[r + o];
            sum_dy_xhat[o] += (double)dy[r + o] * xhat[r + o];
        }
    }
}

/* training:  dx += k / B (B dy - sum_dy - xhat sum_dy_xhat),  k = gamma inv_std
 * inference: dx += k dy */
HONE_KERNEL static void input_gradient(hone_real *restrict dx, const hone_real *restrict dy, const hone_real *restrict xhat,
                                       const double *restrict k, const double *restrict sum_dy,
                                       const double *restrict sum_dy_xhat, int training, int B, int O, int o0, int w) {
    for (int b = 0; b < B; b++) {
        size_t r = (size_t)b * O + o0;
        if (training)
            for (int o = 0; o < w; o++)
                dx[r + o] += (hone_real)(k[o] / B * (B * (double)dy[r + o] - sum_dy[o] - xhat[r + o] * sum_dy_xhat[o]));
        else
            for (int o = 0; o < w; o++) dx[r + o] += (hone_real)(k[o] * dy[r + o]);
    }
}

/* dgamma += sum_B dy xhat;  dbeta += sum_B dy;  dx as input_gradient says */
static void backward_band(void *arg, int part, int parts) {
    const bn_args *a = arg;
    const honeL_ctx *ctx = a->ctx;
    const int O = a->layer->out, B = a->B;
    const hone_real *dy = a->dy, *p = a->p;
    hone_real *dx = a->out, *dp = a->dp;
    int lo, hi;
    honeK_band(O, part, parts, &lo, &hi);
    const hone_real *gamma = p;
    hone_real *dgamma = dp, *dbeta = dp + O;
    const hone_real *restrict xhat = ctx->aux, *restrict inv_std = ctx->aux + (size_t)B * O;
    double sum_dy[CHUNK], sum_dy_xhat[CHUNK], k[CHUNK];
    for (int o0 = lo; o0 < hi; o0 += CHUNK) {
        const int w = hi - o0 < CHUNK ? hi - o0 : CHUNK;
        gradient_sums(sum_dy, sum_dy_xhat, dy, xhat, B, O, o0, w);
        for (int o = 0; o < w; o++) {
            dgamma[o0 + o] += (hone_real)sum_dy_xhat[o];
            dbeta[o0 + o] += (hone_real)sum_dy[o];
            k[o] = (double)gamma[o0 + o] * inv_std[o0 + o];
        }
        if (dx) input_gradient(dx, dy, xhat, k, sum_dy, sum_dy_xhat, ctx->training, B, O, o0, w);
    }
}

static void batchnorm_backward(const hone_layer *layer, hone_real *dx, hone_real *dp, const hone_real *dy,
                               const hone_real *x, const hone_real *y, const hone_real *p, int B,
                               const honeL_ctx *ctx) {
    bn_args a = {layer, dx, dp, x, dy, p, B, ctx};
    run_in_bands(backward_band, &a);
}

const honeL_ops honeL_batchnorm = {HONE_LAYER_BATCHNORM, "batchnorm", 0, batchnorm_forward,
                                   batchnorm_backward, 0};
