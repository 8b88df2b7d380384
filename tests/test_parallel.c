/* test_parallel.c - the worker pool and the kernels split across it: every piece runs once,
 * nested and concurrent calls fall back to serial, split products hand each band over once, and
 * the split products, row bands, batch norm and gather (a network's forward and backward) equal
 * their one-thread results. */
#include "harness.h"
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct count_args {
    int runs[8];
    int parts_seen[8];
    int nested_parts; /* what a call from inside piece 0 was split into */
} count_args;

static void count_piece(void *arg, int part, int parts) {
    count_args *a = arg;
    a->runs[part]++;
    a->parts_seen[part] = parts;
}

static void nested_piece(void *arg, int part, int parts) {
    count_args *a = arg;
    a->runs[part]++;
    if (part == 0) {
        count_args inner = {0};
        honeK_parallel(count_piece, &inner, 4);
        a->nested_parts = inner.parts_seen[0];
        assert_int_equal(inner.runs[0], 1);
    }
}

/* Threads of this process: the entries of /proc/self/task. */
static int task_count(void) {
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Must run first, before anything uses the pool: asking for 2 threads starts one worker, not the
 * default's 8 (workers are never stopped, and every parallel call waits for all of them); then
 * 0 is the default, OPENBLAS_NUM_THREADS or else one thread per CPU. Each time, the process has
 * this thread and the workers and nothing else: OpenBLAS's own workers (one per CPU but one, from
 * the start; spinning for a while when started) are ended, and not started again by the next
 * count. */
static void test_pool_starts_the_threads_asked_for(void **state) {
    /* OpenBLAS's pthreads build (parallel 1) started count - 1 workers with the library */
    const int blas_workers = openblas_get_parallel() == 1 ? openblas_get_num_threads() - 1 : 0;
    const int others = task_count() - blas_workers; /* this thread, and any a sanitizer runs */
    setenv("OPENBLAS_NUM_THREADS", "8", 1);
    assert_int_equal(hone_set_threads(2), 2);
    assert_int_equal(task_count(), others + 1);
    setenv("OPENBLAS_NUM_THREADS", "3", 1);
    assert_int_equal(hone_set_threads(0), 3);
    assert_int_equal(task_count(), others + 2);
    unsetenv("OPENBLAS_NUM_THREADS");
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN), threads = cpus > HONEK_MAX_THREADS ? HONEK_MAX_THREADS : cpus;
    const int workers = threads > 3 ? (int)threads - 1 : 2; /* never stopped */
    assert_int_equal(hone_set_threads(0), threads);
    assert_int_equal(task_count(), others + workers);
    openblas_set_num_threads(2); /* as another part of a program might: OpenBLAS's workers back */
    assert_int_equal(hone_set_threads(2), 2);
    assert_int_equal(task_count(), others + workers);
    assert_int_equal(openblas_get_num_threads(), 1);
}

static void test_pool_runs_every_piece_once(void **state) {
    for (int threads = 1; threads <= 4; threads++) {
        assert_int_equal(hone_set_threads(threads), threads);
        assert_int_equal(honeK_threads(), threads);
        for (int call = 0; call < 200; call++) { /* back to back, as a training loop calls */
            count_args a = {0};
            honeK_parallel(count_piece, &a, 8);
            for (int p = 0; p < threads; p++) {
                assert_int_equal(a.runs[p], 1);
                assert_int_equal(a.parts_seen[p], threads);
            }
            for (int p = threads; p < 8; p++) assert_int_equal(a.runs[p], 0);
        }
        count_args a = {0};
        honeK_parallel(nested_piece, &a, threads);
        assert_int_equal(a.nested_parts, 1); /* the inner call ran serially on the caller */
    }
}

/* Two threads of the program calling at once: one gets the pool, the other runs serially;
 * both get every piece. */
static void *caller(void *arg) {
    int *failures = arg;
    for (int call = 0; call < 2000; call++) {
        count_args a = {0};
        honeK_parallel(count_piece, &a, 2);
        const int parts = a.parts_seen[0]; /* 2 with the pool, 1 run serially; 0 if the call was lost */
        *failures += parts != 1 && parts != 2;
        for (int p = 0; p < 8; p++) *failures += a.runs[p] != (p < parts);
    }
    return NULL;
}

static void test_pool_concurrent_callers(void **state) {
    hone_set_threads(2);
    pthread_t t;
    int failures_a = 0, failures_b = 0;
    assert_int_equal(pthread_create(&t, NULL, caller, &failures_a), 0);
    caller(&failures_b);
    pthread_join(t, NULL);
    assert_int_equal(failures_a + failures_b, 0);
}

/* A child forked after the pool has started has none of its workers: its calls run serially
 * (rather than waiting for ever on threads that are not there), and it can start its own. */
static void test_pool_after_fork(void **state) {
    hone_set_threads(2);
    count_args a = {0};
    honeK_parallel(count_piece, &a, 2);
    assert_int_equal(a.parts_seen[1], 2);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(20); /* a hang ends the child, and the test with it */
        count_args c = {0};
        honeK_parallel(count_piece, &c, 2);
        int ok = c.runs[0] == 1 && c.parts_seen[0] == 1 && c.runs[1] == 0; /* serial */
        ok = ok && hone_set_threads(2) == 2;
        for (int call = 0; call < 50 && ok; call++) {
            count_args d = {0};
            honeK_parallel(count_piece, &d, 2);
            ok = d.runs[0] == 1 && d.runs[1] == 1 && d.parts_seen[1] == 2; /* its own worker again */
        }
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Products big enough to split, along rows (M > N) and columns, plain and transposed, on 1-3
 * threads: each equals the reference, and the split ones equal the one-thread result. */
static void test_split_gemm(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 41);
    const int shapes[][3] = {{300, 70, 90}, {70, 300, 90}, {128, 512, 64}, {515, 33, 128}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        hone_real *A = malloc(sizeof(hone_real) * M * K), *Bm = malloc(sizeof(hone_real) * K * N);
        hone_real *C0 = malloc(sizeof(hone_real) * M * N), *C = malloc(sizeof(hone_real) * M * N);
        hone_real *one = malloc(sizeof(hone_real) * M * N), *R = malloc(sizeof(hone_real) * M * N);
        th_fill_uniform(A, (size_t)M * K, &rng, -1, 1);
        th_fill_uniform(Bm, (size_t)K * N, &rng, -1, 1);
        th_fill_uniform(C0, (size_t)M * N, &rng, -1, 1);
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int threads = 1; threads <= 3; threads++) {
                    hone_set_threads(threads);
                    memcpy(C, C0, sizeof(hone_real) * M * N);
                    honeK_gemm(ta, tb, M, N, K, 0.5, A, Bm, 2, C);
                    if (threads == 1) {
                        memcpy(one, C, sizeof(hone_real) * M * N);
                        memcpy(R, C0, sizeof(hone_real) * M * N);
                        honeK_gemm_ref(ta, tb, M, N, K, 0.5, A, Bm, 2, R);
                        for (int i = 0; i < M * N; i++) th_assert_close(C[i], R[i], TH_DOUBLE ? 1e-12 : 1e-4);
                    } else {
                        for (int i = 0; i < M * N; i++) th_assert_close(C[i], one[i], TH_DOUBLE ? 1e-13 : 1e-5);
                    }
                }
        /* a dense layer's forward: C = bias (each row) + A W^T, W [N, K]; and without a bias */
        hone_real *bias = malloc(sizeof(hone_real) * N);
        th_fill_uniform(bias, (size_t)N, &rng, -1, 1);
        for (int threads = 1; threads <= 3; threads++)
            for (int with_bias = 0; with_bias < 2; with_bias++) {
                hone_set_threads(threads);
                memcpy(C, C0, sizeof(hone_real) * M * N); /* garbage the product must overwrite */
                honeK_gemm_bias(M, N, K, A, Bm, with_bias ? bias : NULL, C);
                for (int r = 0; r < M; r++)
                    for (int c = 0; c < N; c++) R[r * N + c] = with_bias ? bias[c] : 0;
                honeK_gemm_ref(0, 1, M, N, K, 1, A, Bm, 1, R);
                for (int i = 0; i < M * N; i++) th_assert_close(C[i], R[i], TH_DOUBLE ? 1e-12 : 1e-4);
            }
        free(bias);
        free(A), free(Bm), free(C0), free(C), free(one), free(R);
    }
}

/* What honeK_gemm_then's callback saw: how often each row or column of C was handed over, and
 * whether the band was already the finished product when it was. */
typedef struct band_log {
    int seen[600], by_rows, calls, wrong;
    const hone_real *C, *R;
    int M, N;
} band_log;

static void log_band(void *arg, int lo, int hi, int by_rows, int part) {
    band_log *b = arg;
    __atomic_fetch_add(&b->calls, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&b->by_rows, by_rows, __ATOMIC_RELAXED);
    for (int i = lo; i < hi; i++) {
        b->seen[i]++; /* bands do not overlap, so no two pieces write one slot */
        for (int j = 0; j < (by_rows ? b->N : b->M); j++) {
            const int at = by_rows ? i * b->N + j : j * b->N + i;
            if (fabs((double)b->C[at] - (double)b->R[at]) > (TH_DOUBLE ? 1e-12 : 1e-4))
                __atomic_store_n(&b->wrong, 1, __ATOMIC_RELAXED);
        }
    }
}

/* honeK_gemm_then: the product as honeK_gemm's reference, each row (HONEK_SPLIT_ROWS, with 32 rows
 * a thread) or column (too few rows, or HONEK_SPLIT_LONGER across the longer side) handed to the
 * callback exactly once and only once computed, on one thread and on three, in bands of at least
 * 32 (70 rows are two bands on three threads, 60 columns one); a product not split (one thread,
 * too small, or one band wide) as one band of all its rows. */
static void test_gemm_then_hands_over_each_band(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 43);
    const int shapes[][3] = {{512, 300, 64}, {40, 520, 64}, {300, 90, 70}, {10, 256, 64}, {70, 60, 64}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        hone_real *A = malloc(sizeof(hone_real) * K * M), *Bm = malloc(sizeof(hone_real) * K * N);
        hone_real *C = malloc(sizeof(hone_real) * M * N), *R = calloc((size_t)M * N, sizeof(hone_real));
        th_fill_uniform(A, (size_t)K * M, &rng, -1, 1);
        th_fill_uniform(Bm, (size_t)K * N, &rng, -1, 1);
        honeK_gemm_ref(1, 0, M, N, K, 1, A, Bm, 0, R); /* a weight gradient's shape: A stored [K, M] */
        for (int split = HONEK_SPLIT_LONGER; split <= HONEK_SPLIT_ROWS; split++)
            for (int threads = 1; threads <= 3; threads += 2) {
                hone_set_threads(threads);
                memset(C, 0, sizeof(hone_real) * M * N);
                band_log log = {.C = C, .R = R, .M = M, .N = N, .by_rows = -1};
                honeK_gemm_then(split, 1, 0, M, N, K, 1, A, Bm, 1, C, log_band, &log);
                const int split_up = threads > 1 && (double)M * N * K >= 1 << 18;
                const int across_rows = split == HONEK_SPLIT_ROWS ? M >= 32 * threads : M > N;
                const int bands = (across_rows ? M : N) / 32;
                const int pieces = !split_up || bands < 1 ? 1 : bands < threads ? bands : threads;
                const int rows = pieces == 1 || across_rows;
                assert_int_equal(log.by_rows, rows);
                for (int i = 0; i < (rows ? M : N); i++) assert_int_equal(log.seen[i], 1);
                assert_int_equal(log.calls, pieces);
                assert_false(log.wrong);
            }
        free(A), free(Bm), free(C), free(R);
    }
}

/* The ceiling of a 20-48-16-3 network on 32 rows: the step's floating-point operations (forward
 * and weight gradient of every dense layer, input gradient of all but the first), a median no
 * faster than the best; no run at all, no rows, or no memory is an error rather than a read of no
 * times; the list of the same products has them all. */
static void test_gemm_ceiling(void **state) {
    hone_model *m;
    hone_error err;
    const int hidden[2] = {48, 16};
    assert_int_equal(hone_model_create_mlp(&m, 20, hidden, 2, 3, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    double flops = -1, median = -1;
    const double best = hone_model_gemm_ceiling(m, 32, 5, &flops, &median);
    assert_true(best > 0);
    assert_true(median >= best);
    const double step_flops = 4.0 * 32 * (20 * 48 + 48 * 16 + 16 * 3) + 2.0 * 32 * (48 * 16 + 16 * 3);
    th_assert_close(flops, step_flops, 1e-15);
    assert_true(hone_model_gemm_ceiling(m, 32, 0, &flops, &median) < 0);
    assert_true(flops == 0 && median < 0);
    assert_true(hone_model_gemm_ceiling(m, 0, 5, NULL, NULL) < 0);
    /* the same products as a list, run one by one beside a training step (bench/step_phases.c) */
    honeK_step_products *s = honeK_step_products_new(m, 32);
    assert_non_null(s);
    assert_int_equal(honeK_step_products_count(s), 2 + 3 + 3);
    th_assert_close(honeK_step_products_flops(s), step_flops, 1e-15);
    for (int k = 0; k < honeK_step_products_count(s); k++) honeK_step_product_run(s, k);
    honeK_step_products_free(s);
    assert_null(honeK_step_products_new(m, 0));
    for (long k = 0; k < 5; k++) { /* each of the list's allocations failing in turn: NULL, nothing leaked */
        honeM_fail_after(k);
        assert_null(honeK_step_products_new(m, 32));
        honeM_fail_after(-1);
    }
    long k = 0; /* the ceiling's, its own times included: -1 until every allocation succeeds */
    for (;; k++) {
        honeM_fail_after(k);
        const double seconds = hone_model_gemm_ceiling(m, 32, 5, &flops, &median);
        honeM_fail_after(-1);
        if (seconds >= 0) break;
        assert_true(seconds == -1 && median == -1);
    }
    assert_true(k > 5);
    hone_model_free(m);
}

/* The median sorts its values: the middle one, or the mean of the two middle ones. */
static void test_median(void **state) {
    double odd[3] = {5, 1, 3}, even[4] = {4, 1, 3, 2}, one[1] = {7};
    th_assert_close(honeC_median(odd, 3), 3, 0);
    assert_true(odd[0] == 1 && odd[2] == 5);
    th_assert_close(honeC_median(even, 4), 2.5, 0);
    th_assert_close(honeC_median(one, 1), 7, 0);
}

/* An elementwise pass is split only over HONEK_SPLIT_MIN_VALUES values or more, into bands of at
 * least `band` along its side, and into no more pieces than there are threads. */
static void test_elementwise_parts(void **state) {
    const size_t enough = HONEK_SPLIT_MIN_VALUES;
    assert_int_equal(hone_set_threads(4), 4);
    assert_int_equal(honeK_elementwise_parts(enough - 1, 1024, 16), 1); /* too few values */
    assert_int_equal(honeK_elementwise_parts(enough, 1024, 16), 4);     /* the threads */
    assert_int_equal(honeK_elementwise_parts(enough, 47, 16), 2);       /* whole bands of 16 */
    assert_int_equal(honeK_elementwise_parts(enough, 96, 32), 3);       /* of 32 */
    assert_int_equal(honeK_elementwise_parts(4 * enough, 31, 32), 1);   /* shorter than a band */
    assert_int_equal(honeK_elementwise_parts(4 * enough, 0, 16), 1);
    assert_int_equal(hone_set_threads(1), 1);
    assert_int_equal(honeK_elementwise_parts(4 * enough, 1024, 16), 1);
}

/* A network whose activations are split into row bands and its batch norm into bands of units
 * (B * width >= 16384): the forward outputs, the gradients and the gathered batch on 1 and 3
 * threads agree. */
static void test_row_bands_and_gather(void **state) {
    enum { B = 200, D = 100, H = 96 };
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DENSE, .units = H, .no_bias = 1}, {.kind = HONE_LAYER_BATCHNORM},
                                     {.kind = HONE_LAYER_LEAKY_RELU, .alpha = 0.1f},  {.kind = HONE_LAYER_DENSE, .units = H},
                                     {.kind = HONE_LAYER_TANH},                       {.kind = HONE_LAYER_DENSE, .units = 4}};
    hone_model *m;
    hone_error err;
    hone_rng rng;
    hone_rng_seed(&rng, 43);
    assert_int_equal(hone_model_create(&m, D, specs, 6, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, B, &err), HONE_OK);
    static uint8_t px[B * D];
    static int32_t labels[B];
    for (int i = 0; i < B * D; i++) px[i] = (uint8_t)hone_rng_below(&rng, 256);
    for (int i = 0; i < B; i++) labels[i] = i % 4;
    for (int j = 0; j < D; j++) m->input_mean[j] = 120, m->input_std[j] = (hone_real)(60 + j);
    hone_dataset d = {.n = B, .d = D, .x_u8 = px, .label = labels, .n_classes = 4};
    size_t rows[B];
    for (int i = 0; i < B; i++) rows[i] = (size_t)(B - 1 - i);
    static hone_real X[2][B * D], Y[2][B * 4], Z[2][B * 4], G[2][20000];
    assert_true(m->n_params <= 20000);
    m->training = 1; /* batch norm on the batch's statistics */
    for (int run = 0; run < 2; run++) {
        hone_set_threads(run ? 3 : 1);
        hone_model_gather(m, X[run], Y[run], &d, rows, B);
        memcpy(Z[run], hone_model_forward(m, X[run], B), sizeof Z[run]);
        hone_model_loss(m, Y[run], B);
        hone_model_zero_grad(m);
        hone_model_backward(m, X[run], B);
        memcpy(G[run], m->grads, m->n_params * sizeof(hone_real));
    }
    assert_memory_equal(X[0], X[1], sizeof X[0]); /* the gather is exact either way */
    assert_memory_equal(Y[0], Y[1], sizeof Y[0]);
    for (int i = 0; i < B * 4; i++) th_assert_close(Z[1][i], Z[0][i], TH_DOUBLE ? 1e-12 : 1e-5);
    for (size_t i = 0; i < m->n_params; i++) th_assert_close(G[1][i], G[0][i], TH_DOUBLE ? 1e-12 : 1e-5);
    hone_model_free(m);
}

/* th_reset after every test: a test that leaves another thread count and allocations failing (as one that
 * fails halfway would) ... */
static int default_threads(void) {
    const int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("OPENBLAS_NUM_THREADS");
    const int want = env && atoi(env) > 0 ? atoi(env) : cpus;
    return want > HONEK_MAX_THREADS ? HONEK_MAX_THREADS : want;
}

static void test_leaves_the_process_changed(void **state) {
    const int other = default_threads() == 3 ? 4 : 3; /* not the default, so the next test sees it put back */
    hone_set_threads(other);
    honeM_fail_after(0);
    assert_int_equal(honeK_threads(), other);
}

/* ... and the next finds the default thread count and allocations working. */
static void test_finds_it_put_back(void **state) {
    assert_int_equal(honeK_threads(), default_threads());
    void *p = honeM_alloc(16, 1);
    assert_non_null(p);
    honeM_free(p);
}

/* honeK_band splits 0..n into parts bands that follow one another without gap or overlap, the
 * first from 0 and the last to n, for every n and count of parts, including counts whose rounded
 * band width times the parts falls short of n (49 rows in 3 parts of 16). Each band starts on a
 * multiple of 16 (a row-major float array's 64 bytes), and none is longer than n / parts + 15,
 * so the threads get even shares: a width rounded down to 16 left the last band the rest (76 of
 * 300 rows in 8 parts, where the others had 32). */
static void test_bands_cover_every_row(void **state) {
    for (int n = 0; n <= 300; n++)
        for (int parts = 1; parts <= 8; parts++) {
            int at = 0;
            for (int part = 0; part < parts; part++) {
                int lo, hi;
                honeK_band(n, part, parts, &lo, &hi);
                if (lo != at || hi < lo || hi > n)
                    fail_msg("n %d, %d parts: part %d is [%d, %d), expected to start at %d", n, parts, part, lo, hi, at);
                if (lo % 16 && lo < n)
                    fail_msg("n %d, %d parts: part %d starts at %d, not a multiple of 16", n, parts, part, lo);
                if (hi - lo > n / parts + 15)
                    fail_msg("n %d, %d parts: part %d is [%d, %d), over %d + 15 rows", n, parts, part, lo, hi, n / parts);
                at = hi;
            }
            if (at != n) fail_msg("n %d, %d parts: the bands end at %d", n, parts, at);
        }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_pool_starts_the_threads_asked_for), /* first: before any use of the pool */
        th_test(test_pool_runs_every_piece_once),
        th_test(test_pool_concurrent_callers),
        th_test(test_pool_after_fork),
        th_test(test_split_gemm),
        th_test(test_gemm_then_hands_over_each_band),
        th_test(test_gemm_ceiling),
        th_test(test_median),
        th_test(test_elementwise_parts),
        th_test(test_row_bands_and_gather),
        th_test(test_bands_cover_every_row),
        th_test(test_leaves_the_process_changed), /* these two in this order */
        th_test(test_finds_it_put_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
