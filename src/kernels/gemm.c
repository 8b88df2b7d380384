/* gemm.c - matrix products through CBLAS, split across the pool's threads: each thread computes
 * a band of C's columns (or rows) with single-threaded BLAS. */
#include "kernels/kernels.h"

#include <string.h>

typedef struct gemm_args {
    int ta, tb, M, N, K;
    hone_real alpha, beta;
    const hone_real *A, *Bm;
    hone_real *C;
    const hone_real *bias; /* honeK_gemm_bias: C's rows start as this [N] */
    int by_rows; /* 1: bands of C's rows, 0: of its columns */
    honeK_band_done *done; /* honeK_gemm_then: called on each band once computed */
    void *done_arg;
} gemm_args;

static void gemm_band(void *arg, int part, int parts) {
    const gemm_args *g = arg;
    const int lda = g->ta ? g->M : g->K, ldb = g->tb ? g->K : g->N, ldc = g->N;
    const CBLAS_TRANSPOSE ta = g->ta ? CblasTrans : CblasNoTrans, tb = g->tb ? CblasTrans : CblasNoTrans;
    int lo, hi;
    honeK_band(g->by_rows ? g->M : g->N, part, parts, &lo, &hi);
    if (lo >= hi) return;
    if (g->by_rows) { /* C [lo:hi, :] = op(A) [lo:hi, :] op(B) */
        if (g->bias)
            for (int r = lo; r < hi; r++) memcpy(g->C + (size_t)r * ldc, g->bias, (size_t)g->N * sizeof *g->C);
        honeK_gemm_blas(CblasRowMajor, ta, tb, hi - lo, g->N, g->K, g->alpha, g->ta ? g->A + lo : g->A + (size_t)lo * lda,
                        lda, g->Bm, ldb, g->beta, g->C + (size_t)lo * ldc, ldc);
    } else { /* C [:, lo:hi] = op(A) op(B) [:, lo:hi] */
        if (g->bias)
            for (int r = 0; r < g->M; r++) memcpy(g->C + (size_t)r * ldc + lo, g->bias + lo, (size_t)(hi - lo) * sizeof *g->C);
        honeK_gemm_blas(CblasRowMajor, ta, tb, g->M, hi - lo, g->K, g->alpha, g->A, lda,
                        g->tb ? g->Bm + (size_t)lo * ldb : g->Bm + lo, ldb, g->beta, g->C + lo, ldc);
    }
    if (g->done) g->done(g->done_arg, lo, hi, g->by_rows, part);
}

/* Below this many multiply-adds a product is not worth waking a thread for. */
#define SPLIT_MIN_MACS (1 << 18)

/* Bands at least 32 wide: across the longer side of C, or (HONEK_SPLIT_ROWS) across its rows
 * whenever every thread gets 32 of them. A product not split is one band of all C's rows, so a
 * callback gets it whole. */
static void gemm_split(gemm_args g, int split) {
    g.by_rows = split == HONEK_SPLIT_ROWS ? g.M >= 32 * honeK_threads() : g.M > g.N;
    const int parts = (double)g.M * g.N * g.K < SPLIT_MIN_MACS ? 1 : honeK_parts((g.by_rows ? g.M : g.N) / 32);
    if (parts == 1) g.by_rows = 1;
    honeK_parallel(gemm_band, &g, parts);
}

void honeK_gemm(int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A, const hone_real *Bm,
                hone_real beta, hone_real *C) {
    gemm_split((gemm_args){ta, tb, M, N, K, alpha, beta, A, Bm, C, NULL, 0, NULL, NULL}, HONEK_SPLIT_LONGER);
}

void honeK_gemm_bias(int M, int N, int K, const hone_real *A, const hone_real *W, const hone_real *bias, hone_real *C) {
    gemm_split((gemm_args){0, 1, M, N, K, 1, bias ? 1 : 0, A, W, C, bias, 0, NULL, NULL}, HONEK_SPLIT_LONGER);
}

void honeK_gemm_then(int split, int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A,
                     const hone_real *Bm, hone_real beta, hone_real *C, honeK_band_done *done, void *done_arg) {
    gemm_split((gemm_args){ta, tb, M, N, K, alpha, beta, A, Bm, C, NULL, 0, done, done_arg}, split);
}
