/* ceiling.c - what one training step would cost if it were nothing but its matrix products: the
 * forward product of every dense layer, its weight gradient, and the input gradient of every
 * dense layer but the first, each timed alone on the same shapes and threads as training. */
#include "kernels/kernels.h"

#include <stdlib.h>

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* `repeats` runs of C [M, N] = op(A) op(B) (+ C), their times kept in times [repeats]: adds the
 * best to *best and the median to *median. */
static void time_product(int split, int ta, int tb, int M, int N, int K, const hone_real *A, const hone_real *Bm, hone_real beta,
                         hone_real *C, int repeats, double *times, double *best, double *median) {
    for (int r = 0; r < repeats; r++) {
        double t0 = honeC_now();
        honeK_gemm_then(split, ta, tb, M, N, K, 1, A, Bm, beta, C, NULL, NULL);
        times[r] = honeC_now() - t0;
    }
    qsort(times, (size_t)repeats, sizeof *times, by_value);
    *best += times[0];
    *median += repeats % 2 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
}

double hone_model_gemm_ceiling(const hone_model *m, int B, int repeats, double *flops, double *median_seconds) {
    if (flops) *flops = 0;
    if (median_seconds) *median_seconds = -1;
    if (B < 1 || repeats < 1) return -1;
    size_t widest = (size_t)m->inputs, biggest = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if ((size_t)layer->out > widest) widest = (size_t)layer->out;
        if (layer->kind == HONE_LAYER_DENSE && (size_t)layer->in * layer->out > biggest)
            biggest = (size_t)layer->in * layer->out;
    }
    hone_real *x = honeM_alloc((size_t)B * widest, sizeof *x), *y = honeM_alloc((size_t)B * widest, sizeof *y);
    hone_real *w = honeM_alloc(biggest, sizeof *w), *dw = honeM_alloc(biggest, sizeof *dw);
    double *times = honeM_alloc((size_t)repeats, sizeof *times);
    double seconds = -1, median = -1, total_flops = 0;
    if (!x || !y || !w || !dw || !times) goto done;
    for (size_t i = 0; i < (size_t)B * widest; i++) x[i] = y[i] = (hone_real)((i % 7) * 0.1 - 0.3);
    for (size_t i = 0; i < biggest; i++) w[i] = (hone_real)((i % 5) * 0.01 - 0.02);
    seconds = median = 0;
    bool first = true;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind != HONE_LAYER_DENSE) continue;
        const int I = layer->in, O = layer->out;
        /* forward y [B, O] = x [B, I] W^T;  dW [O, I] += dy^T x (in bands of units, as dense.c);
         * dx [B, I] += dy W */
        time_product(HONEK_SPLIT_LONGER, 0, 1, B, O, I, x, w, 0, y, repeats, times, &seconds, &median);
        time_product(HONEK_SPLIT_ROWS, 1, 0, O, I, B, y, x, 1, dw, repeats, times, &seconds, &median);
        total_flops += 4.0 * B * I * O;
        if (!first) {
            time_product(HONEK_SPLIT_LONGER, 0, 0, B, I, O, y, w, 1, x, repeats, times, &seconds, &median);
            total_flops += 2.0 * B * I * O;
        }
        first = false;
    }
done:
    honeM_free(x);
    honeM_free(y);
    honeM_free(w);
    honeM_free(dw);
    honeM_free(times);
    if (flops) *flops = total_flops;
    if (median_seconds) *median_seconds = median;
    return seconds;
}
