/* activation.c - elementwise layers, each keeping I = O: the activations, and the residual add. Loops are plain so the compiler
 * vectorizes them. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <string.h>

#define N ((size_t)B * layer->out)

/* f(x) = max(0, x);  f'(x) = [x > 0]. Written x < 0 ? 0 : x so that NaN passes through (as in
 * PyTorch) and divergence is seen, rather than silently turned into 0. */
HONE_KERNEL static void relu_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                         const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) y[i] = x[i] < 0 ? 0 : x[i];
}
HONE_KERNEL static void relu_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                          const hone_real *restrict dy, const hone_real *restrict x, const hone_real *restrict y,
                          const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) dx[i] += x[i] > 0 ? dy[i] : 0;
}

/* f(x) = x > 0 ? x : alpha x;  f'(x) = x > 0 ? 1 : alpha */
HONE_KERNEL static void leaky_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                          const hone_real *p, int B, const honeL_ctx *ctx) {
    const hone_real a = (hone_real)layer->alpha;
    /* x > 0 ? x : a x, written as two selects against -0 (the sum's identity, so a x = -0 stays
     * -0), which GCC vectorizes under trapping math where it keeps a select of a product as a
     * branch; bit for bit the formula, NaN and infinities included */
    const hone_real nz = (hone_real)-0.0;
    for (size_t i = 0; i < N; i++) y[i] = (x[i] < 0 ? nz : x[i]) + a * (x[i] > 0 ? nz : x[i]);
}
HONE_KERNEL static void leaky_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                           const hone_real *restrict dy, const hone_real *restrict x, const hone_real *restrict y,
                           const hone_real *p, int B, const honeL_ctx *ctx) {
    const hone_real a = (hone_real)layer->alpha;
    const hone_real nz = (hone_real)-0.0; /* likewise */
    for (size_t i = 0; i < N; i++) dx[i] += (x[i] > 0 ? dy[i] : nz) + a * (x[i] > 0 ? nz : dy[i]);
}

/* f(x) = tanh(x);  f'(x) = 1 - y^2 */
static void tanh_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                         const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) y[i] = HONE_TANH(x[i]);
}
HONE_KERNEL static void tanh_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                          const hone_real *restrict dy, const hone_real *restrict x, const hone_real *restrict y,
                          const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) dx[i] += dy[i] * (1 - y[i] * y[i]);
}

/* f(x) = 1 / (1 + e^-x), computed without overflow on either side;  f'(x) = y (1 - y) */
static void sigmoid_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                            const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) {
        hone_real e = HONE_EXP(-(x[i] > 0 ? x[i] : -x[i]));
        y[i] = x[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}
HONE_KERNEL static void sigmoid_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                             const hone_real *restrict dy, const hone_real *restrict x, const hone_real *restrict y,
                             const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) dx[i] += dy[i] * y[i] * (1 - y[i]);
}

/* f(x) = x;  f'(x) = 1 */
static void identity_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                             const hone_real *p, int B, const honeL_ctx *ctx) {
    memcpy(y, x, N * sizeof *y);
}
HONE_KERNEL static void identity_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                              const hone_real *restrict dy, const hone_real *restrict x, const hone_real *restrict y,
                              const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < N; i++) dx[i] += dy[i];
}

const honeL_ops honeL_relu = {HONE_LAYER_RELU, "relu", 1, relu_forward, relu_backward, 0};
const honeL_ops honeL_leaky_relu = {HONE_LAYER_LEAKY_RELU, "leaky_relu", 1, leaky_forward, leaky_backward, 0};
const honeL_ops honeL_tanh = {HONE_LAYER_TANH, "tanh", 1, tanh_forward, tanh_backward, 0};
const honeL_ops honeL_sigmoid = {HONE_LAYER_SIGMOID, "sigmoid", 1, sigmoid_forward, sigmoid_backward, 0};
const honeL_ops honeL_identity = {HONE_LAYER_IDENTITY, "identity", 1, identity_forward, identity_backward, 0};

/* y = x + s (the skip connection's output);  dx += dy, ds += dy */
HONE_KERNEL static void add_forward(const hone_layer *layer, hone_real *restrict y, const hone_real *restrict x,
                        const hone_real *p, int B, const honeL_ctx *ctx) {
    const hone_real *restrict s = ctx->skip;
    for (size_t i = 0; i < N; i++) y[i] = x[i] + s[i];
}
HONE_KERNEL static void add_backward(const hone_layer *layer, hone_real *restrict dx, hone_real *dp,
                         const hone_real *restrict dy, const hone_real *x, const hone_real *y,
                         const hone_real *p, int B, const honeL_ctx *ctx) {
    hone_real *restrict ds = ctx->dskip;
    for (size_t i = 0; i < N; i++) dx[i] += dy[i];
    if (ds)
        for (size_t i = 0; i < N; i++) ds[i] += dy[i];
}

const honeL_ops honeL_add = {HONE_LAYER_ADD, "add", 0, add_forward, add_backward, 0};
