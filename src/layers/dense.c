/* dense.c - fully connected layer: y = x W^T + b, as torch.nn.Linear (bias optional). */
#include "kernels/kernels.h"
#include "layers/layers.h"

/* y [B, O] = x [B, I] W^T + b,  W = p [O, I], b = p + O*I [O] (when layer->bias) */
static void dense_forward(const hone_layer *layer, hone_real *y, const hone_real *x,
                          const hone_real *p, int B, const honeL_ctx *ctx) {
    const int I = layer->in, O = layer->out;
    honeK_gemm_bias(B, O, I, x, p, layer->bias ? p + (size_t)O * I : NULL, y);
}

typedef struct weight_grad_args {
    const hone_layer *layer;
    hone_real *db;
    const hone_real *dy;
    int B;
    honeL_update *update;
} weight_grad_args;

/* After a band of the weight gradient: the bias gradient of its units and, when ctx->update is
 * set, the step of those weights, by the thread that computed them while they are in its cache.
 * By rows (units lo..hi): db [lo:hi] += sum_B dy [:, lo:hi]. By columns (inputs lo..hi, for layers
 * of few units): every unit's weights lo..hi; piece 0 also takes the whole bias. */
HONE_KERNEL static void weight_band_done(void *arg, int lo, int hi, int by_rows, int part) {
    const weight_grad_args *a = arg;
    const int I = a->layer->in, O = a->layer->out;
    honeL_update *u = a->update;
    if (by_rows) {
        if (u) honeL_update_params(u, a->layer, (size_t)lo * I, (size_t)(hi - lo) * I, part);
    } else {
        if (u)
            for (int o = 0; o < O; o++) honeL_update_params(u, a->layer, (size_t)o * I + lo, (size_t)(hi - lo), part);
        if (part != 0) return;
        lo = 0, hi = O; /* the whole bias */
    }
    if (!a->layer->bias) return;
    for (int r = 0; r < a->B; r++) {
        const hone_real *restrict dyr = a->dy + (size_t)r * O;
        hone_real *restrict db = a->db;
        for (int o = lo; o < hi; o++) db[o] += dyr[o];
    }
    if (u) honeL_update_params(u, a->layer, (size_t)O * I + lo, (size_t)(hi - lo), part);
}

/* dx [B, I] += dy [B, O] W [O, I] (with W before any step);  then dW [O, I] += dy^T [O, B] x [B, I]
 * in bands of units, db [O] += sum_B dy, and their step when ctx->update is set */
static void dense_backward(const hone_layer *layer, hone_real *dx, hone_real *dp, const hone_real *dy,
                           const hone_real *x, const hone_real *y, const hone_real *p, int B, const honeL_ctx *ctx) {
    const int I = layer->in, O = layer->out;
    if (dx) honeK_gemm(0, 0, B, I, O, 1, dy, p, 1, dx);
    weight_grad_args a = {layer, dp + (size_t)O * I, dy, B, ctx->update};
    honeK_gemm_then(HONEK_SPLIT_ROWS, 1, 0, O, I, B, 1, dy, x, 1, dp, weight_band_done, &a);
}

const honeL_ops honeL_dense = {HONE_LAYER_DENSE, "dense", 0, dense_forward, dense_backward, 1};
