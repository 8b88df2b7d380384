/* kernels.h - matrix products through CBLAS and the elementwise kernels around them.
 * Each kernel states its shapes; B rows, I inputs, O outputs. The naive reference versions
 * (suffix _ref) stay beside the fast ones so tests can compare them. */
#ifndef HONE_KERNELS_H
#define HONE_KERNELS_H

#include "hone_internal.h"

#include <cblas.h>
/* OpenBLAS's cblas.h includes <complex.h>, whose I would shadow our dimension letter. */
#undef I
#include <math.h>

#ifdef HONE_DOUBLE
#define honeK_gemm_blas cblas_dgemm
#define HONE_EXP exp
#define HONE_LOG log
#define HONE_LOG1P log1p
#define HONE_TANH tanh
#define HONE_SQRT sqrt
#else
#define honeK_gemm_blas cblas_sgemm
#define HONE_EXP expf
#define HONE_LOG logf
#define HONE_LOG1P log1pf
#define HONE_TANH tanhf
#define HONE_SQRT sqrtf
#endif

/* Elementwise kernels are compiled three times, for baseline x86-64, AVX2 (x86-64-v3) and AVX-512
 * (x86-64-v4), and the dynamic loader picks one for the machine at start-up: one binary runs
 * anywhere and uses the widest vectors it has. Results do not depend on the pick: -std=c11 keeps
 * FMA contraction off, and reductions keep a fixed order. Not under clang (fuzzing) or sanitizers,
 * where speed does not matter. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define HONE_KERNEL __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define HONE_KERNEL
#endif

/* Sums over many values (norms, penalties) run in HONEK_SUM_LANES double accumulators, lane k
 * taking values k, k + 16, k + 32, ... and lane 0 the tail, and honeK_sum_lanes adds the lanes in
 * a fixed order: the same result every run and on every clone. A single chain of dependent adds
 * runs at one add per latency (the compiler may not reorder it); sixteen lanes fill two AVX-512
 * registers, or four AVX2 ones, and are added as the first register plus the second, then
 * pairwise. */
enum { HONEK_SUM_LANES = 16 };

static inline double honeK_sum_lanes(const double acc[HONEK_SUM_LANES]) {
    double a[HONEK_SUM_LANES / 2];
    for (int k = 0; k < HONEK_SUM_LANES / 2; k++) a[k] = acc[k] + acc[k + HONEK_SUM_LANES / 2];
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* C [M, N] = alpha * op(A) op(B) + beta * C, row-major; op(A) is [M, K], op(B) is [K, N].
 * ta, tb: 0 plain, 1 transposed (A stored [K, M], B stored [N, K]). Large products are split
 * into bands across the pool's threads (gemm.c). */
void honeK_gemm(int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A, const hone_real *Bm,
                hone_real beta, hone_real *C);
/* C [M, N] = bias [N] (each row; none when NULL) + A [M, K] W^T (W stored [N, K]): a dense
 * layer's forward, the bias written band by band by the thread that then adds the product. */
void honeK_gemm_bias(int M, int N, int K, const hone_real *A, const hone_real *W, const hone_real *bias, hone_real *C);
/* honeK_gemm, then done(arg, lo, hi, by_rows, part) on each band of C once it is computed, by the
 * thread that computed it (rows lo..hi of C when by_rows, else columns lo..hi; part is the pool's
 * piece), so work on the band finds it in that thread's cache. split: HONEK_SPLIT_LONGER (bands
 * across C's longer side, as honeK_gemm) or HONEK_SPLIT_ROWS (across its rows whenever each
 * thread gets at least 32, else its columns). A product too small to split is one band of rows. */
enum { HONEK_SPLIT_LONGER = 0, HONEK_SPLIT_ROWS = 1 };
typedef void honeK_band_done(void *arg, int lo, int hi, int by_rows, int part);
void honeK_gemm_then(int split, int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A,
                     const hone_real *Bm, hone_real beta, hone_real *C, honeK_band_done *done, void *done_arg);
/* The matrix products of one training step of a model at batch B (ceiling.c): every dense
 * layer's forward, weight gradient and (but the first) input gradient, in that order, on the
 * shapes and splits training uses but on scratch buffers of their own, so each can be timed alone
 * (hone_model_gemm_ceiling) or all in a row beside a training step (bench/step_phases.c). new
 * returns NULL when B < 1 or memory runs out. */
typedef struct honeK_step_products honeK_step_products;
honeK_step_products *honeK_step_products_new(const hone_model *m, int B);
int honeK_step_products_count(const honeK_step_products *s);
double honeK_step_products_flops(const honeK_step_products *s); /* of all of them, once */
void honeK_step_product_run(honeK_step_products *s, int k);     /* product k, 0 .. count - 1 */
void honeK_step_products_free(honeK_step_products *s);
/* Whether kernels, a name of OpenBLAS's kernel sets (openblas_get_corename, any case), is one for
 * AVX-512 (blas_info.c) */
bool honeK_kernels_avx512(const char *kernels);
/* The same product by three loops, accumulated in double: the reference for tests. */
void honeK_gemm_ref(int ta, int tb, int M, int N, int K, hone_real alpha, const hone_real *A,
                    const hone_real *Bm, hone_real beta, hone_real *C);

/* The worker pool (pool.c). A task runs piece `part` of `parts`; honeK_parallel runs pieces
 * 0 .. parts - 1 (at most honeK_threads()), piece 0 on the caller, and returns when all are done.
 * A call from inside a piece, or while another thread's call holds the pool, runs serially as
 * piece 0 of 1, so a task must accept any number of parts. */
typedef void honeK_task(void *arg, int part, int parts);
void honeK_parallel(honeK_task *task, void *arg, int parts);
/* At most this many threads; a task may keep a slot per piece in an array this long. */
enum { HONEK_MAX_THREADS = HONE_MAX_THREADS };
/* Elementwise passes over fewer values than this are not worth waking a thread for. */
enum { HONEK_SPLIT_MIN_VALUES = 16384 };
/* How many pieces to split work into: the pool's threads, but at most `most` (and at least 1). */
int honeK_parts(int most);
/* How many pieces to split an elementwise pass over `values` values (a [B, O] array: B * O) into,
 * in bands of at least `band` along one side of length `side` (its B rows or its O columns): 1
 * below HONEK_SPLIT_MIN_VALUES, else honeK_parts(side / band). */
int honeK_elementwise_parts(size_t values, int side, int band);
/* The same for a row-wise pass over B rows of `width` values each, in bands of at least 16 rows
 * (honeK_band's unit): the batch gather, the row-wise layers, dropout. */
int honeK_row_parts(int B, size_t width);
/* Piece `part` of `parts` of 0 .. n - 1: [lo, hi), whole multiples of 16 but the last, so each
 * band of a row-major float array starts on a 64-byte boundary when the array does. */
void honeK_band(int n, int part, int parts, int *lo, int *hi);
/* Threads the pool splits work across (see hone_set_threads for the default). */
int honeK_threads(void);

#endif
