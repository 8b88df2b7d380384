/* gemm.c - matrix products through CBLAS, split across the pool's threads: each thread computes
 * a band of C's columns (or rows) with single-threaded BLAS. */
#include "kernels/kernels.h"

typedef struct gemm_args {
    int ta, tb, M, N, K;
    hone_real alpha, beta;
    const hone_real *A, *Bm;
    hone_real *C;
    int by_rows; /* 1: bands of C's rows, 0: of its columns */
} gemm_args;

/* Bands are whole multiples of 16, so every band but the last starts on a 64-byte boundary
 * of a row when C's rows do. */
static void band(int n, int part, int parts, int *lo, int *hi) {
    int step = (n / parts + 15) / 16 * 16;
    *lo = part * step < n ? part * step : n;
    *hi = part == parts - 1 || (part + 1) * step > n ? n : (part + 1) * step;
}

static void gemm_band(void *arg, int part, int parts) {
    const gemm_args *g = arg;
    const int lda = g->ta ? g->M : g->K, ldb = g->tb ? g->K : g->N, ldc = g->N;
    const CBLAS_TRANSPOSE ta = g->ta ? CblasTrans : CblasNoTrans, tb = g->tb ? CblasTrans : CblasNoTrans;
    int lo, hi;
    if (g->by_rows) { /* C [lo:hi, :] = op(A) [lo:hi, :] op(B) */
        band(g->M, part, parts, &lo, &hi);
        if (lo < hi)
            honeK_gemm_blas(CblasRowMajor, ta, tb, hi - lo, g->N, g->K, g->alpha,
                            g->ta ? g->A + lo : g->A + (size_t)lo * lda, lda, g->Bm, ldb, g->beta,
                            g->C + (size_t)lo * ldc, ldc);
    } else { /* C [:, lo:hi] = op(A) op(B) [:, lo:hi] */
        band(g->N, part, parts, &lo, &hi);
        if (lo < hi)
            honeK_gemm_blas(CblasRowMajor, ta, tb, g->M, hi - lo, g->K, g->alpha, g->A, lda,
                            g->tb ? g->Bm + (size_t)lo * ldb : g->Bm + lo, ldb, g->beta, g->C + lo, ldc);
    }
}

/* Below this many multiply-adds a product is not worth waking a thread for. */
#define SPLIT_MIN_MACS (1 << 18)

void honeK_gemm(int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A, const hone_real *Bm,
                hone_real beta, hone_real *C) {
    gemm_args g = {ta, tb, M, N, K, alpha, beta, A, Bm, C, M > N};
    const int longest = M > N ? M : N;
    int parts = honeK_threads();
    if (parts > longest / 32) parts = longest / 32; /* bands of at least 32 */
    if ((double)M * N * K < SPLIT_MIN_MACS || parts < 2) gemm_band(&g, 0, 1);
    else honeK_parallel(gemm_band, &g, parts);
}
