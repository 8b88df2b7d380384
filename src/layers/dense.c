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
    hone_real *dp;
    const hone_real *dy, *x;
    int B, by_rows;
    const honeL_ctx *ctx;
} weight_grad_args;

/* A band of the weight gradient, and the step of those weights when ctx->update is set, done by
 * the thread that computed them while they are in its cache.
 * By rows (units lo..hi): dW [lo:hi, :] += dy [:, lo:hi]^T x [B, I];  db [lo:hi] += sum_B dy [:, lo:hi].
 * By columns (inputs lo..hi, for layers of few units): dW [:, lo:hi] += dy^T x [:, lo:hi]; piece 0
 * also takes db. */
HONE_KERNEL static void weight_grad_band(void *arg, int part, int parts) {
    const weight_grad_args *a = arg;
    const int I = a->layer->in, O = a->layer->out, B = a->B;
    hone_real *dW = a->dp, *db = a->dp + (size_t)O * I;
    honeL_update *u = a->ctx->update;
    int lo, hi;
    honeK_band(a->by_rows ? O : I, part, parts, &lo, &hi);
    if (lo >= hi) return;
    if (a->by_rows) {
        honeK_gemm_blas(CblasRowMajor, CblasTrans, CblasNoTrans, hi - lo, I, B, 1, a->dy + lo, O, a->x, I, 1,
                        dW + (size_t)lo * I, I);
        if (u) honeL_update_params(u, a->layer, (size_t)lo * I, (size_t)(hi - lo) * I, part);
    } else {
        honeK_gemm_blas(CblasRowMajor, CblasTrans, CblasNoTrans, O, hi - lo, B, 1, a->dy, O, a->x + lo, I, 1, dW + lo, I);
        if (u)
            for (int o = 0; o < O; o++) honeL_update_params(u, a->layer, (size_t)o * I + lo, (size_t)(hi - lo), part);
        if (part == 0) lo = 0, hi = O; /* the whole bias */
        else return;
    }
    if (!a->layer->bias) return;
    for (int r = 0; r < B; r++) {
        const hone_real *restrict dyr = a->dy + (size_t)r * O;
        hone_real *restrict dbr = db;
        for (int o = lo; o < hi; o++) dbr[o] += dyr[o];
    }
    if (u) honeL_update_params(u, a->layer, (size_t)O * I + lo, (size_t)(hi - lo), part);
}

/* Below this many multiply-adds the weight gradient is not worth waking a thread for. */
#define SPLIT_MIN_MACS (1 << 18)

/* dx [B, I] += dy [B, O] W [O, I] (with W before any step);  then dW [O, I] += dy^T [O, B] x [B, I],
 * db [O] += sum_B dy, and their step when ctx->update is set */
static void dense_backward(const hone_layer *layer, hone_real *dx, hone_real *dp, const hone_real *dy,
                           const hone_real *x, const hone_real *y, const hone_real *p, int B, const honeL_ctx *ctx) {
    const int I = layer->in, O = layer->out;
    if (dx) honeK_gemm(0, 0, B, I, O, 1, dy, p, 1, dx);
    weight_grad_args a = {layer, dp, dy, x, B, O >= 32 * honeK_threads(), ctx};
    const int parts = (double)O * I * B < SPLIT_MIN_MACS ? 1 : honeK_parts((a.by_rows ? O : I) / 32);
    honeK_parallel(weight_grad_band, &a, parts);
}

const honeL_ops honeL_dense = {HONE_LAYER_DENSE, "dense", 0, dense_forward, dense_backward, 1};
