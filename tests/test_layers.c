/* test_layers.c - every layer and loss against central differences (double build), the BLAS
 * product against its naive reference, and the checker itself against wrong backwards. */
#include "harness.h"
#include "kernels/kernels.h"
#include "layers/layers.h"
#include "model/gradcheck.h"

#include <math.h>
#include <string.h>

#define GRAD_TOL 1e-7

/* Inputs kept at least 0.05 away from 0 so no ReLU kink lies within eps of a sample. */
static void fill_away_from_zero(hone_real *x, size_t n, hone_rng *rng) {
    for (size_t i = 0; i < n; i++) {
        double v = 0.05 + 1.45 * hone_rng_uniform(rng);
        x[i] = (hone_real)(hone_rng_uniform(rng) < 0.5 ? -v : v);
    }
}

typedef struct layer_case {
    hone_layer_kind kind;
    int in, out;
    int training;
} layer_case;

static const layer_case layer_cases[] = {
    {HONE_LAYER_DENSE, 5, 4, 1},      {HONE_LAYER_DENSE, 1, 3, 1},     {HONE_LAYER_RELU, 6, 6, 1},
    {HONE_LAYER_LEAKY_RELU, 6, 6, 1}, {HONE_LAYER_TANH, 6, 6, 1},      {HONE_LAYER_SIGMOID, 6, 6, 1},
    {HONE_LAYER_IDENTITY, 6, 6, 1},   {HONE_LAYER_DROPOUT, 6, 6, 1},   {HONE_LAYER_DROPOUT, 6, 6, 0},
    {HONE_LAYER_BATCHNORM, 5, 5, 1},  {HONE_LAYER_BATCHNORM, 5, 5, 0},
};

static hone_layer layer_of(const layer_case *c) {
    hone_layer layer = {.kind = c->kind, .in = c->in, .out = c->out, .alpha = 0.1f, .keep_prob = 0.7f,
                        .bias = c->kind == HONE_LAYER_DENSE, .momentum = 0.1f, .eps = 1e-5f};
    return layer;
}

static honeG_result check_case(const honeL_ops *ops, const layer_case *c, int B, hone_rng *rng) {
    hone_layer layer = layer_of(c);
    size_t np = honeL_param_count(&layer), ns = honeL_buffer_count(&layer);
    hone_real x[64], p[64], state[64];
    assert_true((size_t)B * c->in <= 64 && np <= 64 && ns <= 64);
    fill_away_from_zero(x, (size_t)B * c->in, rng);
    th_fill_uniform(p, np, rng, -1, 1);
    for (size_t i = 0; i < ns; i++) state[i] = (hone_real)(i < ns / 2 ? 0.3 * hone_rng_normal(rng) : 0.5 + hone_rng_uniform(rng));
    return honeG_check_layer(ops, &layer, x, p, state, B, c->training, 1e-6, rng);
}

static void test_every_layer_gradient(void **state) {
    if (!TH_DOUBLE) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 1);
    for (size_t k = 0; k < sizeof layer_cases / sizeof *layer_cases; k++) {
        const layer_case *c = &layer_cases[k];
        /* batch norm in training: with two rows every normalized value is +-1 and the input
         * gradient all but vanishes, so the ratio would measure rounding; three rows and up */
        const int first = c->kind == HONE_LAYER_BATCHNORM && c->training ? 3 : 1;
        for (int B = first; B <= first + 2; B += 2) {
            honeG_result r = check_case(honeL_ops_of(c->kind), c, B, &rng);
            print_message("%-10s %-9s B=%d  dx %.2e  dp %.2e  accumulate %.1e\n", hone_layer_kind_name(c->kind),
                          c->training ? "training" : "inference", B, r.rel_x, r.rel_p, r.accumulate);
            assert_true(r.rel_x < GRAD_TOL);
            assert_true(r.rel_p < GRAD_TOL);
            assert_true(r.accumulate < 1e-12); /* backward adds into dx and dp */
        }
    }
}

/* Deliberately wrong backwards: the checker must call each a bug (> 1e-3). */
static void relu_backward_no_mask(const hone_layer *layer, hone_real *dx, hone_real *dp,
                                  const hone_real *dy, const hone_real *x, const hone_real *y,
                                  const hone_real *p, int B, const honeL_ctx *ctx) {
    for (size_t i = 0; i < (size_t)B * layer->out; i++) dx[i] += dy[i];
}
static void dense_backward_forgets_bias(const hone_layer *layer, hone_real *dx, hone_real *dp,
                                        const hone_real *dy, const hone_real *x, const hone_real *y,
                                        const hone_real *p, int B, const honeL_ctx *ctx) {
    honeK_gemm(1, 0, layer->out, layer->in, B, 1, dy, x, 1, dp);
    if (dx) honeK_gemm(0, 0, B, layer->in, layer->out, 1, dy, p, 1, dx);
}
static void tanh_backward_wrong_derivative(const hone_layer *layer, hone_real *dx, hone_real *dp,
                                           const hone_real *dy, const hone_real *x,
                                           const hone_real *y, const hone_real *p, int B,
                                           const honeL_ctx *ctx) {
    for (size_t i = 0; i < (size_t)B * layer->out; i++) dx[i] += dy[i] * (1 - y[i]); /* not 1 - y^2 */
}

static void test_checker_catches_wrong_backward(void **state) {
    if (!TH_DOUBLE) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 2);
    honeL_ops bad_relu = honeL_relu, bad_dense = honeL_dense, bad_tanh = honeL_tanh;
    bad_relu.backward = relu_backward_no_mask;
    bad_dense.backward = dense_backward_forgets_bias;
    bad_tanh.backward = tanh_backward_wrong_derivative;
    layer_case relu = {HONE_LAYER_RELU, 6, 6, 1}, dense = {HONE_LAYER_DENSE, 5, 4, 1}, tanh_case = {HONE_LAYER_TANH, 6, 6, 1};
    honeG_result r = check_case(&bad_relu, &relu, 3, &rng);
    assert_int_equal(hone_gradcheck_verdict_of(r.rel_x), HONE_GRADCHECK_BUG);
    r = check_case(&bad_dense, &dense, 3, &rng);
    assert_true(r.rel_x < GRAD_TOL); /* input gradient still right ... */
    assert_int_equal(hone_gradcheck_verdict_of(r.rel_p), HONE_GRADCHECK_BUG); /* ... bias gradient missing */
    r = check_case(&bad_tanh, &tanh_case, 3, &rng);
    assert_int_equal(hone_gradcheck_verdict_of(r.rel_x), HONE_GRADCHECK_BUG);
}

/* Catches the accumulation check skipping parameter gradients. A dense backward that assigns
 * dp (zeroes it, then adds) instead of adding into it has a right gradient from zero but loses
 * what an earlier backward left (two batches, or a layer used twice): running it twice gives dp,
 * not 2 dp. Its input gradient still adds, so only the parameter side can show it. */
static void dense_backward_assigns_params(const hone_layer *layer, hone_real *dx, hone_real *dp,
                                          const hone_real *dy, const hone_real *x, const hone_real *y,
                                          const hone_real *p, int B, const honeL_ctx *ctx) {
    memset(dp, 0, honeL_param_count(layer) * sizeof *dp);
    honeL_dense.backward(layer, dx, dp, dy, x, y, p, B, ctx);
}

static void test_checker_catches_assigned_parameter_gradients(void **state) {
    if (!TH_DOUBLE) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 3);
    honeL_ops bad_dense = honeL_dense;
    bad_dense.backward = dense_backward_assigns_params;
    layer_case dense = {HONE_LAYER_DENSE, 5, 4, 1};
    honeG_result r = check_case(&bad_dense, &dense, 3, &rng);
    assert_true(r.rel_x < GRAD_TOL && r.rel_p < GRAD_TOL); /* one backward from zero is right */
    print_message("dense assigning dp: accumulate %.2e\n", r.accumulate);
    assert_true(r.accumulate > 0.01);
}

/* dZ [B, O] of kind at Z against Y, and its relative error against central differences. */
static double loss_gradient_error(hone_loss_kind kind, hone_real *dZ, hone_real *Z, const hone_real *Y, int B, int O) {
    honeL_loss(kind, dZ, Z, Y, B, O);
    double diff2 = 0, a2 = 0, g2 = 0, eps = 1e-6;
    for (int i = 0; i < B * O; i++) {
        hone_real saved = Z[i];
        Z[i] = saved + eps;
        double plus = honeL_loss(kind, NULL, Z, Y, B, O);
        Z[i] = saved - eps;
        double minus = honeL_loss(kind, NULL, Z, Y, B, O);
        Z[i] = saved;
        double approx = (plus - minus) / (2 * eps);
        diff2 += (approx - dZ[i]) * (approx - dZ[i]);
        a2 += approx * approx;
        g2 += dZ[i] * dZ[i];
    }
    return honeG_rel_error(diff2, a2, g2);
}

static void test_every_loss_gradient(void **state) {
    if (!TH_DOUBLE) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 3);
    const hone_loss_kind kinds[] = {HONE_LOSS_SOFTMAX_CE, HONE_LOSS_SIGMOID_CE, HONE_LOSS_MSE};
    enum { B = 4, O = 3 };
    for (size_t k = 0; k < 3; k++) {
        hone_real Z[B * O], Y[B * O], dZ[B * O];
        th_fill_uniform(Z, B * O, &rng, -3, 3);
        memset(Y, 0, sizeof Y);
        for (int b = 0; b < B; b++) {
            if (kinds[k] == HONE_LOSS_SOFTMAX_CE) Y[b * O + hone_rng_below(&rng, O)] = 1;
            else if (kinds[k] == HONE_LOSS_SIGMOID_CE) for (int o = 0; o < O; o++) Y[b * O + o] = (hone_real)hone_rng_below(&rng, 2);
            else th_fill_uniform(Y + b * O, O, &rng, -2, 2);
        }
        const double rel = loss_gradient_error(kinds[k], dZ, Z, Y, B, O);
        print_message("%-10s dZ %.2e\n", hone_loss_kind_name(kinds[k]), rel);
        assert_true(rel < GRAD_TOL);
    }
}

static void test_loss_values(void **state) {
    /* softmax CE of equal logits over 2 classes is log 2; sigmoid CE at 0 is log 2; MSE by hand */
    hone_real Z[2] = {0, 0}, Y[2] = {1, 0}, dZ[2];
    th_assert_close(honeL_loss(HONE_LOSS_SOFTMAX_CE, dZ, Z, Y, 1, 2), log(2.0), TH_EPS);
    th_assert_close(dZ[0], -0.5, TH_EPS);
    th_assert_close(dZ[1], 0.5, TH_EPS);
    th_assert_close(honeL_loss(HONE_LOSS_SIGMOID_CE, dZ, Z, Y, 1, 2), log(2.0), TH_EPS);
    hone_real Zm[2] = {1, 3}, Ym[2] = {0, 1};
    th_assert_close(honeL_loss(HONE_LOSS_MSE, dZ, Zm, Ym, 1, 2), (1 + 4) / 2.0, TH_EPS);
    th_assert_close(dZ[1], 2.0, TH_EPS);
    /* huge logits stay finite */
    hone_real Zb[2] = {1000, -1000};
    assert_true(isfinite(honeL_loss(HONE_LOSS_SOFTMAX_CE, NULL, Zb, Y, 1, 2)));
    assert_true(isfinite(honeL_loss(HONE_LOSS_SIGMOID_CE, NULL, Zb, Y, 1, 2)));
    th_assert_close(honeL_loss(HONE_LOSS_SIGMOID_CE, NULL, Zb, Y, 1, 2), 0, TH_EPS);
    /* accuracy on tied logits takes the first class, as argmax does */
    hone_real Zt[3] = {1, 1, 0}, Yt[3] = {1, 0, 0};
    assert_int_equal(honeL_loss_correct(HONE_LOSS_SOFTMAX_CE, Zt, Yt, 1, 3), 1);
}

static void test_gemm_matches_reference(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 4);
    enum { M = 7, N = 5, K = 9 };
    hone_real A[M * K], Bm[K * N], C[M * N], R[M * N];
    th_fill_uniform(A, M * K, &rng, -1, 1);
    th_fill_uniform(Bm, K * N, &rng, -1, 1);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            th_fill_uniform(C, M * N, &rng, -1, 1);
            memcpy(R, C, sizeof C);
            honeK_gemm(ta, tb, M, N, K, 0.5, A, Bm, 2, C);
            honeK_gemm_ref(ta, tb, M, N, K, 0.5, A, Bm, 2, R);
            for (int i = 0; i < M * N; i++) th_assert_close(C[i], R[i], TH_DOUBLE ? 1e-13 : 1e-5);
        }
}

static void test_activation_values(void **state) {
    hone_layer layer = {.kind = HONE_LAYER_LEAKY_RELU, .in = 4, .out = 4, .alpha = 0.125f};
    const honeL_ctx *no = &(honeL_ctx){0};
    hone_real x[4] = {-2, -0.5, 0.5, 40}, y[4];
    honeL_leaky_relu.forward(&layer, y, x, NULL, 1, no);
    th_assert_close(y[0], -0.25, TH_EPS);
    th_assert_close(y[3], 40, TH_EPS);
    honeL_relu.forward(&layer, y, x, NULL, 1, no);
    assert_true(y[0] == 0 && y[2] == (hone_real)0.5);
    hone_real nan_in[4] = {NAN, -1, 2, NAN};
    honeL_relu.forward(&layer, y, nan_in, NULL, 1, no);
    assert_true(isnan(y[0]) && y[1] == 0 && y[2] == 2); /* NaN is not hidden as 0 */
    honeL_sigmoid.forward(&layer, y, x, NULL, 1, no);
    th_assert_close(y[2], 1 / (1 + exp(-0.5)), TH_EPS);
    th_assert_close(y[3], 1, TH_EPS);
    x[0] = -1000;
    honeL_sigmoid.forward(&layer, y, x, NULL, 1, no);
    assert_true(y[0] >= 0 && y[0] < 1e-30);
    honeL_tanh.forward(&layer, y, x, NULL, 1, no);
    th_assert_close(y[1], tanh(-0.5), TH_EPS);
}

/* Leaky ReLU, written as two selects so that it vectorizes, is x > 0 ? x : a x and its backward
 * dy or a dy bit for bit, over enough values for the vector loop, with NaN (kept, as relu keeps
 * it), infinities, signed zeros and values near underflow among them, for slopes 0.125 and 0
 * (whose a x is -0 for every negative x). */
static void test_leaky_relu_is_its_formula(void **state) {
    enum { N = 40 };
    const hone_real special[9] = {NAN, INFINITY, -INFINITY, 0, -0.0, (hone_real)1e-37, (hone_real)-1e-37, 3, -3};
    for (int slope = 0; slope < 2; slope++) {
        const float alpha = slope ? 0.125f : 0;
        hone_layer layer = {.kind = HONE_LAYER_LEAKY_RELU, .in = N, .out = N, .alpha = alpha};
        const honeL_ctx *no = &(honeL_ctx){0};
        hone_real x[N], y[N], dy[N], dx[N];
        hone_rng rng;
        hone_rng_seed(&rng, 9);
        th_fill_uniform(x, N, &rng, -2, 2);
        th_fill_uniform(dy, N, &rng, -2, 2);
        for (int i = 0; i < 9; i++) x[3 * i + 1] = special[i];
        dy[2] = (hone_real)-0.0;
        for (int i = 0; i < N; i++) dx[i] = (hone_real)-0.0;
        honeL_leaky_relu.forward(&layer, y, x, NULL, 1, no);
        honeL_leaky_relu.backward(&layer, dx, NULL, dy, x, y, NULL, 1, no);
        const hone_real a = (hone_real)alpha;
        for (int i = 0; i < N; i++) {
            const hone_real want = x[i] > 0 ? x[i] : a * x[i];
            const hone_real want_dx = (hone_real)-0.0 + (x[i] > 0 ? dy[i] : a * dy[i]);
            if (isnan(x[i])) assert_true(isnan(y[i]));
            else assert_memory_equal(&y[i], &want, sizeof want);
            assert_memory_equal(&dx[i], &want_dx, sizeof want_dx);
        }
    }
}

static void test_dense_forward_by_hand(void **state) {
    /* W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -1, 2], x = [1, -1] -> [-0.5, -2, 1] */
    hone_layer layer = {.kind = HONE_LAYER_DENSE, .in = 2, .out = 3, .bias = 1};
    const honeL_ctx *no = &(honeL_ctx){0};
    hone_real p[9] = {1, 2, 3, 4, 5, 6, 0.5, -1, 2}, x[2] = {1, -1}, y[3];
    honeL_dense.forward(&layer, y, x, p, 1, no);
    th_assert_close(y[0], -0.5, TH_EPS);
    th_assert_close(y[1], -2, TH_EPS);
    th_assert_close(y[2], 1, TH_EPS);
}

/* Catches softmax_ce's dZ without "* ysum". hone_model_loss / honeL_loss take any
 * Y, and the documented gradient is dZ = (softmax(Z) * sum_c Y - Y) / B. Every existing check
 * uses one-hot rows (sum 1), where the factor is invisible.
 * By hand: Z = {0, 0}, Y = {1, 1}: L = -(1 (0 - log 2) + 1 (0 - log 2)) = 2 log 2;
 * p = {0.5, 0.5}; dZ = 0.5 * 2 - 1 = 0 for both (the bug gives -0.5). */
static void test_softmax_ce_targets_not_summing_to_one(void **state) {
    hone_real Z[2] = {0, 0}, Y[2] = {1, 1}, dZ[2];
    th_assert_close(honeL_loss(HONE_LOSS_SOFTMAX_CE, dZ, Z, Y, 1, 2), 2 * log(2.0), TH_EPS);
    th_assert_close(dZ[0], 0, TH_EPS);
    th_assert_close(dZ[1], 0, TH_EPS);
    if (!TH_DOUBLE) return;
    /* and against central differences with soft rows in [0.1, 0.9] (sums 0.3 .. 2.7) */
    enum { B = 4, O = 3 };
    hone_rng rng;
    hone_rng_seed(&rng, 13);
    hone_real Zr[B * O], Yr[B * O], dZr[B * O];
    th_fill_uniform(Zr, B * O, &rng, -3, 3);
    th_fill_uniform(Yr, B * O, &rng, 0.1, 0.9);
    assert_true(loss_gradient_error(HONE_LOSS_SOFTMAX_CE, dZr, Zr, Yr, B, O) < GRAD_TOL);
}

/* Catches softmax cross-entropy's gradient wrong for the classes past the exps a row keeps
 * (loss.c computes theirs again): rows of 70 classes. A class past them whose logit and target
 * equal a kept one's gets the same gradient, bit for bit; the target past them gets p - 1 < 0;
 * and in double the whole gradient agrees with central differences. */
static void test_softmax_ce_past_the_kept_exps(void **state) {
    enum { B = 3, O = HONEL_KEPT_EXPS + 6, KEPT = 3, PAST = HONEL_KEPT_EXPS + 3 };
    hone_rng rng;
    hone_rng_seed(&rng, 14);
    hone_real Z[B * O], Y[B * O] = {0}, dZ[B * O];
    th_fill_uniform(Z, B * O, &rng, -3, 3);
    for (int b = 0; b < B; b++) Z[b * O + PAST] = Z[b * O + KEPT]; /* the twins */
    Y[5] = 1;                                   /* row 0: a kept class the target, the twins not */
    Y[O + KEPT] = 0.5, Y[O + PAST] = 0.5;       /* row 1: half on each twin */
    Y[2 * O + PAST + 1] = 1;                    /* row 2: a class past them the target */
    honeL_loss(HONE_LOSS_SOFTMAX_CE, dZ, Z, Y, B, O);
    for (int b = 0; b < 2; b++) assert_true(dZ[b * O + PAST] == dZ[b * O + KEPT]);
    assert_true(dZ[PAST] > 0 && dZ[2 * O + PAST + 1] < 0);
    if (TH_DOUBLE) assert_true(loss_gradient_error(HONE_LOSS_SOFTMAX_CE, dZ, Z, Y, B, O) < GRAD_TOL);
}

/* Catches honeL_loss's blocks of rows (loss.c) losing or repeating rows, scaling a gradient by a
 * block's rows rather than the batch's, or adding the blocks' sums in an order that depends on
 * the threads: 1,037 rows (past 64 blocks of 16, so blocks of 16 and 17 rows), every row's
 * gradient against the same row's alone divided by the batch, the loss against the rows' own
 * losses summed in double, and the loss and gradient on 1 thread and on 2 bit for bit. */
static void test_loss_over_blocks_of_rows(void **state) {
    enum { B = 1037, MAX_O = 10 };
    static hone_real Z[B * MAX_O], Y[B * MAX_O], dZ[B * MAX_O], first[B * MAX_O];
    const hone_loss_kind kinds[] = {HONE_LOSS_SOFTMAX_CE, HONE_LOSS_SIGMOID_CE, HONE_LOSS_MSE};
    const int outputs[] = {10, 3, 2};
    const int threads = honeK_threads();
    hone_rng rng;
    hone_rng_seed(&rng, 15);
    for (size_t k = 0; k < 3; k++) {
        const int O = outputs[k];
        th_fill_uniform(Z, (size_t)B * O, &rng, -4, 4);
        memset(Y, 0, sizeof Y);
        for (int b = 0; b < B; b++) {
            if (kinds[k] == HONE_LOSS_SOFTMAX_CE) Y[b * O + hone_rng_below(&rng, O)] = 1;
            else if (kinds[k] == HONE_LOSS_SIGMOID_CE) for (int o = 0; o < O; o++) Y[b * O + o] = (hone_real)hone_rng_below(&rng, 2);
            else th_fill_uniform(Y + b * O, O, &rng, -2, 2);
        }
        double loss[2];
        for (int t = 0; t < 2; t++) {
            hone_set_threads(t ? 2 : 1);
            for (int i = 0; i < B * O; i++) dZ[i] = NAN; /* a row no block writes stays NaN */
            loss[t] = honeL_loss(kinds[k], dZ, Z, Y, B, O);
            if (t == 0) memcpy(first, dZ, sizeof dZ);
        }
        assert_true(loss[0] == loss[1]);
        assert_memory_equal(first, dZ, sizeof dZ);
        const double per_row = kinds[k] == HONE_LOSS_SOFTMAX_CE ? 1 : O; /* a row alone is a mean over its O */
        double sum = 0;
        for (int b = 0; b < B; b++) {
            hone_real alone[MAX_O];
            for (int o = 0; o < O; o++) alone[o] = NAN;
            sum += honeL_loss(kinds[k], alone, Z + b * O, Y + b * O, 1, O) * per_row;
            for (int o = 0; o < O; o++) {
                const double want = alone[o] / B, got = dZ[b * O + o];
                if (!(fabs(got - want) <= 1e-6 * fabs(want) + 1e-30))
                    fail_msg("%s: row %d, output %d: dZ %.9g, the row alone over B %.9g", hone_loss_kind_name(kinds[k]), b, o,
                             got, want);
            }
        }
        const double want = sum / (B * per_row);
        assert_true(fabs(loss[0] - want) <= 1e-12 * fabs(want));
    }
    hone_set_threads(threads);
    assert_true(isnan(honeL_loss(HONE_LOSS_SOFTMAX_CE, dZ, Z, Y, 0, 10))); /* a mean over no rows */
}

/* Catches honeL_loss_output's sigmoid as 1 / (1 + e^-|z|) for every z. What
 * hone_model_predict returns is never compared with the formula for a negative logit.
 * sigmoid(-2) = 1 / (1 + e^2) = 0.11920292202211755, sigmoid(0) = 0.5, sigmoid(3) =
 * 0.9525741268224334; softmax(1, 2, 3) = e^k / (e + e^2 + e^3) = 0.0900305731703805,
 * 0.2447284710547977, 0.6652409557748219; MSE's output is Z itself. */
static void test_loss_outputs_are_their_formulas(void **state) {
    hone_real Z[3] = {-2, 0, 3}, P[3];
    honeL_loss_output(HONE_LOSS_SIGMOID_CE, P, Z, 1, 3);
    th_assert_close(P[0], 0.11920292202211755, TH_EPS);
    th_assert_close(P[1], 0.5, TH_EPS);
    th_assert_close(P[2], 0.9525741268224334, TH_EPS);
    hone_real Zs[3] = {1, 2, 3};
    honeL_loss_output(HONE_LOSS_SOFTMAX_CE, P, Zs, 1, 3);
    th_assert_close(P[0], 0.0900305731703805, TH_EPS);
    th_assert_close(P[1], 0.2447284710547977, TH_EPS);
    th_assert_close(P[2], 0.6652409557748219, TH_EPS);
    honeL_loss_output(HONE_LOSS_MSE, P, Z, 1, 3);
    for (int i = 0; i < 3; i++) assert_true(P[i] == Z[i]);
}

/* Catches honeL_baseline_loss (hone_model_baseline_loss, what hone inspect compares a fresh
 * network's loss with) drifting from honeL_loss at Z = 0: for one-hot rows, rows of soft labels
 * summing to 0.7, 0/1 sigmoid targets and real MSE targets, against honeL_loss of zeros; and
 * softmax's one-hot value against log 10 = 2.302585092994046 by hand. */
static void test_baseline_loss_is_the_loss_of_zero_outputs(void **state) {
    enum { B = 37, O = 10 };
    static hone_real Z[B * O], Y[B * O];
    hone_rng rng;
    hone_rng_seed(&rng, 16);
    memset(Z, 0, sizeof Z);
    for (int variant = 0; variant < 4; variant++) {
        const hone_loss_kind kind = variant < 2 ? HONE_LOSS_SOFTMAX_CE : variant == 2 ? HONE_LOSS_SIGMOID_CE : HONE_LOSS_MSE;
        memset(Y, 0, sizeof Y);
        for (int b = 0; b < B; b++) {
            if (variant == 0) Y[b * O + hone_rng_below(&rng, O)] = 1;
            else if (variant == 1) Y[b * O + hone_rng_below(&rng, O)] = 0.4f, Y[b * O + hone_rng_below(&rng, O)] += 0.3f;
            else if (variant == 2) for (int o = 0; o < O; o++) Y[b * O + o] = (hone_real)hone_rng_below(&rng, 2);
            else th_fill_uniform(Y + b * O, O, &rng, -3, 3);
        }
        const double want = honeL_loss(kind, NULL, Z, Y, B, O), got = honeL_baseline_loss(kind, Y, B, O);
        if (!(fabs(got - want) <= 1e-6 * want)) fail_msg("variant %d: baseline %.9g, the loss of zeros %.9g", variant, got, want);
        if (variant == 0) th_assert_close(got, 2.302585092994046, TH_EPS);
    }
    assert_true(isnan(honeL_baseline_loss(HONE_LOSS_MSE, Y, 0, O)));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_every_layer_gradient),
        th_test(test_checker_catches_wrong_backward),
        th_test(test_checker_catches_assigned_parameter_gradients),
        th_test(test_every_loss_gradient),
        th_test(test_loss_values),
        th_test(test_gemm_matches_reference),
        th_test(test_activation_values),
        th_test(test_leaky_relu_is_its_formula),
        th_test(test_dense_forward_by_hand),
        th_test(test_softmax_ce_targets_not_summing_to_one), th_test(test_softmax_ce_past_the_kept_exps), th_test(test_loss_over_blocks_of_rows),
        th_test(test_loss_outputs_are_their_formulas),
        th_test(test_baseline_loss_is_the_loss_of_zero_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
