/* dense.c - fully connected layer: y = x W^T + b, as torch.nn.Linear (bias optional). */
#include "kernels/kernels.h"
#include "layers/layers.h"

/* y [B, O] = x [B, I] W^T + b,  W = p [O, I], b = p + O*I [O] (when layer->bias) */
static void dense_forward(const hone_layer *layer, hone_real *y, const hone_real *x,
                          const hone_real *p, int B, const honeL_ctx *ctx) {
    const int I = layer->in, O = layer->out;
    honeK_gemm_bias(B, O, I, x, p, layer->bias ? p + (size_t)O * I : NULL, y);
}

/* dW [O, I] += dy^T [O, B] x [B, I];  db [O] += sum_B dy;  dx [B, I] += dy [B, O] W [O, I] */
HONE_KERNEL static void dense_backward(const hone_layer *layer, hone_real *dx, hone_real *dp,
                           const hone_real *dy, const hone_real *x, const hone_real *y,
                           const hone_real *p, int B, const honeL_ctx *ctx) {
    const int I = layer->in, O = layer->out;
    hone_real *dW = dp, *db = dp + (size_t)O * I;
    honeK_gemm(1, 0, O, I, B, 1, dy, x, 1, dW);
    if (layer->bias)
        for (int r = 0; r < B; r++) {
            const hone_real *dyr = dy + (size_t)r * O;
            for (int o = 0; o < O; o++) db[o] += dyr[o];
        }
    if (dx) honeK_gemm(0, 0, B, I, O, 1, dy, p, 1, dx);
}

const honeL_ops honeL_dense = {HONE_LAYER_DENSE, "dense", 0, dense_forward, dense_backward};
