/* batchnorm.c - batch normalization per unit, as torch.nn.BatchNorm1d: in training x is
 * normalized by the batch's mean and (biased) variance, and the running averages follow by an
 * EWMA with beta = 1 - momentum (the unbiased variance, as PyTorch); inference uses the running
 * averages. gamma = p [O], beta = p + O [O]; running mean = state [O], running var = state + O. */
#include "kernels/kernels.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>

/* y [B, O] = gamma xhat + beta,  xhat = (x - mu) / sqrt(var + eps);
 * aux keeps xhat [B, O] then 1 / sqrt(var + eps) [O] */
static void batchnorm_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                              const hone_real *p, int B, const honeL_ctx *ctx) {
    const int O = layer->out;
    const hone_real *gamma = p, *beta = p + O;
    hone_real *run_mean = ctx->state, *run_var = ctx->state + O;
    hone_real *restrict xhat = ctx->aux, *restrict inv_std = ctx->aux + (size_t)B * O;
    const double momentum = layer->momentum;
    for (int o = 0; o < O; o++) {
        double mean, var;
        if (ctx->training) {
            double sum = 0, sq = 0;
            for (int b = 0; b < B; b++) sum += x[(size_t)b * O + o];
            mean = sum / B;
            for (int b = 0; b < B; b++) {
                double d = x[(size_t)b * O + o] - mean;
                sq += d * d;
            }
            var = sq / B;
            if (B > 1) { /* one row has no variance to learn from */
                run_mean[o] = (hone_real)honeO_ewma(run_mean[o], mean, 1 - momentum);
                run_var[o] = (hone_real)honeO_ewma(run_var[o], sq / (B - 1), 1 - momentum);
            }
        } else {
            mean = run_mean[o];
            var = run_var[o];
        }
        inv_std[o] = (hone_real)(1 / sqrt(var + layer->eps));
        for (int b = 0; b < B; b++) {
            size_t i = (size_t)b * O + o;
            xhat[i] = (hone_real)((x[i] - mean) * inv_std[o]);
            y[i] = gamma[o] * xhat[i] + beta[o];
        }
    }
}

/* dgamma += sum_B dy xhat;  dbeta += sum_B dy;
 * training:  dx += gamma inv_std / B (B dy - sum_B dy - xhat sum_B dy xhat)
 * inference: dx += gamma inv_std dy */
static void batchnorm_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                               const hone_real *restrict dy, const hone_real *x, const hone_real *y,
                               const hone_real *p, int B, const honeL_ctx *ctx) {
    const int O = layer->out;
    const hone_real *gamma = p;
    hone_real *dgamma = dp, *dbeta = dp + O;
    const hone_real *restrict xhat = ctx->aux, *restrict inv_std = ctx->aux + (size_t)B * O;
    for (int o = 0; o < O; o++) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int b = 0; b < B; b++) {
            size_t i = (size_t)b * O + o;
            sum_dy += dy[i];
            sum_dy_xhat += (double)dy[i] * xhat[i];
        }
        dgamma[o] += (hone_real)sum_dy_xhat;
        dbeta[o] += (hone_real)sum_dy;
        if (!dx) continue;
        const double k = (double)gamma[o] * inv_std[o];
        for (int b = 0; b < B; b++) {
            size_t i = (size_t)b * O + o;
            dx[i] += (hone_real)(ctx->training ? k / B * (B * (double)dy[i] - sum_dy - xhat[i] * sum_dy_xhat)
                                               : k * dy[i]);
        }
    }
}

const honeL_ops honeL_batchnorm = {HONE_LAYER_BATCHNORM, "batchnorm", batchnorm_forward,
                                   batchnorm_backward};
