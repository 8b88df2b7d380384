/* gemm_ref.c - the naive matrix product the tests hold CBLAS to. */
#include "kernels/kernels.h"

/* C [M, N] = alpha op(A) [M, K] op(B) [K, N] + beta C */
void honeK_gemm_ref(int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A,
                    const hone_real *Bm, hone_real beta, hone_real *C) {
    for (int m = 0; m < M; m++) {
        for (int n = 0; n < N; n++) {
            double sum = 0;
            for (int k = 0; k < K; k++) {
                double a = ta ? A[(size_t)k * M + m] : A[(size_t)m * K + k];
                double b = tb ? Bm[(size_t)n * K + k] : Bm[(size_t)k * N + n];
                sum += a * b;
            }
            hone_real *c = &C[(size_t)m * N + n];
            *c = (hone_real)(alpha * sum + (beta == 0 ? 0 : beta * *c));
        }
    }
}
