/* test_kernels.c - the vectorized elementwise kernels against plain scalar references written here,
 * bit for bit, at every length from 0 to LEN and at four starting offsets.
 *
 * The kernels marked HONE_KERNEL are compiled for baseline x86-64, AVX2 and AVX-512, and the
 * machine picks one at start-up; their loops run in vectors of 4 to 16 values and finish with a
 * tail, and the sums keep sixteen double lanes of their own. LEN passes four vectors of 16 floats
 * (eight of 8 doubles) with every tail of each, and every tail of the sixteen lanes; the offsets
 * start the arrays off the vectors' alignment. The references run without target clones and,
 * like the library (-std=c11), without contracting a multiply and an add into one FMA, so
 * equality also says that the clone this machine runs gives what the baseline does. */
#include "harness.h"
#include "kernels/kernels.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>
#include <string.h>

enum { LEN = 70, OFFSETS = 4, SPAN = LEN + OFFSETS };

/* Values of many magnitudes (2^-20 to 2^20), either sign, and every eleventh an exact zero (from
 * a place drawn each time, so that two arrays have theirs apart): sums of them in another order,
 * or a product rounded once instead of twice, come out different. */
static void fill_wide(hone_real *x, size_t n, hone_rng *rng) {
    const size_t zero = hone_rng_below(rng, 11);
    for (size_t i = 0; i < n; i++) {
        const double v = (2 * hone_rng_uniform(rng) - 1) * ldexp(1, (int)hone_rng_below(rng, 41) - 20);
        x[i] = i % 11 == zero ? 0 : (hone_real)v;
    }
}

/* got [n] and want [n] bit for bit, naming the kernel, the length and offset, and the first value
 * that differs. */
static void assert_same(const char *what, int n, int off, const hone_real *got, const hone_real *want) {
    for (int i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], sizeof *got))
            fail_msg("%s, length %d at offset %d: [%d] is %.17g, the reference %.17g", what, n, off, i, (double)got[i],
                     (double)want[i]);
}

static void assert_same_double(const char *what, int n, int off, double got, double want) {
    if (memcmp(&got, &want, sizeof got))
        fail_msg("%s, length %d at offset %d: %.17g, the reference %.17g", what, n, off, got, want);
}

/* sum of x^2 (or |x|) over x [n] as the library sums: sixteen lanes over whole groups of
 * sixteen, the tail into lane 0; lane k + 8 added to lane k, then those eight pairwise, in a
 * fixed order */
static double sixteen_lanes(const hone_real *x, int n, int squares) {
    double a[16] = {0};
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++) a[k] += squares ? (double)x[i + k] * x[i + k] : fabs((double)x[i + k]);
    for (; i < n; i++) a[0] += squares ? (double)x[i] * x[i] : fabs((double)x[i]);
    for (int k = 0; k < 8; k++) a[k] += a[k + 8];
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* honeO_sum_squares, and the penalty's sums of W^2 and |W| (through hone_model_penalty of one
 * dense layer of n weights, B = 1: L2 1 gives sum W^2 / 2, L1 1 gives sum |W|, both exact). */
static void test_sums_in_sixteen_lanes(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 71);
    hone_real g[SPAN];
    for (int n = 0; n <= LEN; n++)
        for (int off = 0; off < OFFSETS; off++) {
            fill_wide(g, SPAN, &rng);
            const double got = honeO_sum_squares(g + off, (size_t)n);
            assert_same_double("honeO_sum_squares", n, off, got, sixteen_lanes(g + off, n, 1));
        }
    const hone_layer_spec one[] = {{.kind = HONE_LAYER_DENSE, .units = 1, .no_bias = 1}};
    hone_error err;
    for (int n = 1; n <= LEN; n++) {
        hone_model *m;
        assert_int_equal(hone_model_create(&m, n, one, 1, HONE_LOSS_MSE, &err), HONE_OK);
        assert_int_equal(m->n_params, (size_t)n);
        fill_wide(m->params, (size_t)n, &rng);
        assert_int_equal(hone_model_set_regularization(m, 1, 0, 0, &err), HONE_OK);
        assert_same_double("the L2 penalty's sum of W^2", n, 0, hone_model_penalty(m, 1), sixteen_lanes(m->params, n, 1) / 2);
        assert_int_equal(hone_model_set_regularization(m, 0, 1, 0, &err), HONE_OK);
        assert_same_double("the L1 penalty's sum of |W|", n, 0, hone_model_penalty(m, 1), sixteen_lanes(m->params, n, 0));
        hone_model_free(m);
    }
}

/* One step of c's rule over p [n], g [n] and state [2n] (moments m, then v), in hone_real as the
 * rules' comments write them. */
static void rule_reference(const hone_optimizer_config *c, hone_real *p, const hone_real *g, hone_real *state, int n,
                           uint64_t t, double lr) {
    hone_real *m = state, *v = state + n;
    const hone_real r = (hone_real)lr, b1 = (hone_real)c->beta1, b2 = (hone_real)c->beta2, eps = (hone_real)c->eps;
    const hone_real step = (hone_real)(lr / (1 - pow(c->beta1, (double)t)));
    const hone_real inv_root_c2 = (hone_real)(1 / sqrt(1 - pow(c->beta2, (double)t)));
    const hone_real keep = (hone_real)(1 - lr * c->weight_decay), scale = c->momentum_ewma ? 1 - b1 : 1;
    for (int i = 0; i < n; i++) switch (c->kind) {
        case HONE_OPTIMIZER_SGD: p[i] -= r * g[i]; break;
        case HONE_OPTIMIZER_MOMENTUM: /* v = b v + (1 - b) g, or b v + g;  p -= lr v */
            m[i] = b1 * m[i] + scale * g[i];
            p[i] -= r * m[i];
            break;
        case HONE_OPTIMIZER_NESTEROV: /* v = b v + g;  p -= lr (g + b v) */
            m[i] = b1 * m[i] + g[i];
            p[i] -= r * (g[i] + b1 * m[i]);
            break;
        case HONE_OPTIMIZER_RMSPROP: /* s = b2 s + (1 - b2) g^2;  p -= lr g / (sqrt(s) + eps) */
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= r * g[i] / (HONE_SQRT(v[i]) + eps);
            break;
        case HONE_OPTIMIZER_ADAMW: p[i] *= keep; /* fall through */
        case HONE_OPTIMIZER_ADAM: /* p -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= step * m[i] / (HONE_SQRT(v[i]) * inv_root_c2 + eps);
            break;
        }
}

/* Every rule (momentum in both forms) by honeO_step, and by honeO_step_and_clear, which also
 * returns the gradient's norm from the sixteen lanes and leaves the gradient zero (Adam's pass is a
 * kernel of its own that does all three in one loop). */
static void test_optimizer_rules(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 72);
    hone_real p[SPAN], g[SPAN], s[2 * SPAN], want_p[SPAN], want_s[2 * SPAN];
    for (int kind = HONE_OPTIMIZER_SGD; kind <= HONE_OPTIMIZER_ADAMW; kind++)
        for (int ewma = 0; ewma <= (kind == HONE_OPTIMIZER_MOMENTUM); ewma++)
            for (int fused = 0; fused <= 1; fused++) {
                hone_optimizer_config c = hone_optimizer_config_default((hone_optimizer_kind)kind);
                c.momentum_ewma = ewma;
                const char *name = hone_optimizer_kind_name((hone_optimizer_kind)kind);
                for (int n = 0; n <= LEN; n++)
                    for (int off = 0; off < OFFSETS; off++) {
                        th_fill_uniform(p, SPAN, &rng, -1, 1);
                        fill_wide(g, SPAN, &rng);
                        th_fill_uniform(s, 2 * SPAN, &rng, 0, 0.1);
                        memcpy(want_p, p, sizeof p);
                        memcpy(want_s, s, sizeof s);
                        const double want_norm = sqrt(sixteen_lanes(g + off, n, 1));
                        rule_reference(&c, want_p + off, g + off, want_s + 2 * off, n, 3, 0.01);
                        if (fused) {
                            const double norm = honeO_step_and_clear(&c, p + off, g + off, s + 2 * off, (size_t)n, 3, 0.01);
                            assert_same_double(name, n, off, norm, want_norm);
                            for (int i = 0; i < n; i++) assert_true(g[off + i] == 0);
                        } else {
                            honeO_step(&c, p + off, g + off, s + 2 * off, (size_t)n, 3, 0.01);
                        }
                        assert_same(name, n, off, p + off, want_p + off);
                        assert_same(name, 2 * n, off, s + 2 * off, want_s + 2 * off);
                    }
            }
}

/* The penalty's gradient dW += l2 / B W + l1 / B sign(W) (sign 0 at W = 0) over a dense layer of
 * n weights: the gradient with the penalty is the one without plus the two terms. */
static void test_penalty_gradient(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 73);
    const hone_layer_spec one[] = {{.kind = HONE_LAYER_DENSE, .units = 1, .no_bias = 1}};
    hone_error err;
    for (int n = 1; n <= LEN; n++) {
        hone_model *m;
        assert_int_equal(hone_model_create(&m, n, one, 1, HONE_LOSS_MSE, &err), HONE_OK);
        assert_int_equal(hone_model_reserve(m, 2, &err), HONE_OK);
        fill_wide(m->params, (size_t)n, &rng);
        hone_real X[2 * LEN], Y[2] = {1, -1}, plain[LEN], want[LEN];
        th_fill_uniform(X, 2 * (size_t)n, &rng, -1, 1);
        for (int penalized = 0; penalized <= 1; penalized++) {
            assert_int_equal(hone_model_set_regularization(m, penalized ? 0.5 : 0, penalized ? 0.25 : 0, 0, &err), HONE_OK);
            hone_model_forward(m, X, 2);
            hone_model_loss(m, Y, 2);
            hone_model_zero_grad(m);
            hone_model_backward(m, X, 2);
            if (!penalized) memcpy(plain, m->grads, (size_t)n * sizeof *plain);
        }
        const hone_real k2 = (hone_real)(0.5 / 2), k1 = (hone_real)(0.25 / 2);
        for (int i = 0; i < n; i++) {
            const hone_real w = m->params[i];
            want[i] = plain[i] + (k2 * w + k1 * (hone_real)((w > 0) - (w < 0)));
        }
        assert_same("the penalty's gradient", n, 0, m->grads, want);
        hone_model_free(m);
    }
}

/* The row-wise layers' kernels on one row of n units: relu (0 at x = 0, its gradient 0 there),
 * leaky ReLU (slope 0.125), the backwards of tanh, sigmoid and identity (from y), and the
 * residual add, each backward adding into a gradient that holds values already. */
static void test_activation_kernels(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 74);
    hone_real x[SPAN], y[SPAN], dy[SPAN], dx[SPAN], ds[SPAN], want[SPAN], want_ds[SPAN];
    for (int n = 0; n <= LEN; n++)
        for (int off = 0; off < OFFSETS; off++) {
            const hone_real a = 0.125f;
            hone_layer layer = {.in = n, .out = n, .alpha = 0.125f};
            hone_real *xo = x + off, *yo = y + off, *dyo = dy + off, *dxo = dx + off;
            fill_wide(x, SPAN, &rng);
            fill_wide(dy, SPAN, &rng);
            const honeL_ctx *no = &(honeL_ctx){0};
            honeL_relu.forward(&layer, yo, xo, NULL, 1, no);
            for (int i = 0; i < n; i++) want[i] = xo[i] < 0 ? 0 : xo[i];
            assert_same("relu", n, off, yo, want);
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + (xo[i] > 0 ? dyo[i] : 0);
            honeL_relu.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, no);
            assert_same("relu backward", n, off, dxo, want);
            honeL_leaky_relu.forward(&layer, yo, xo, NULL, 1, no);
            for (int i = 0; i < n; i++) want[i] = xo[i] > 0 ? xo[i] : a * xo[i];
            assert_same("leaky relu", n, off, yo, want);
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + (xo[i] > 0 ? dyo[i] : a * dyo[i]);
            honeL_leaky_relu.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, no);
            assert_same("leaky relu backward", n, off, dxo, want);
            th_fill_uniform(y, SPAN, &rng, -1, 1); /* outputs of tanh, or of a sigmoid */
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + dyo[i] * (1 - yo[i] * yo[i]);
            honeL_tanh.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, no);
            assert_same("tanh backward", n, off, dxo, want);
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + dyo[i] * yo[i] * (1 - yo[i]);
            honeL_sigmoid.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, no);
            assert_same("sigmoid backward", n, off, dxo, want);
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + dyo[i];
            honeL_identity.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, no);
            assert_same("identity backward", n, off, dxo, want);
            /* add: y = x + s;  dx += dy, ds += dy */
            hone_real s[SPAN];
            fill_wide(s, SPAN, &rng);
            honeL_ctx add = {.skip = s + off, .dskip = ds + off};
            honeL_add.forward(&layer, yo, xo, NULL, 1, &add);
            for (int i = 0; i < n; i++) want[i] = xo[i] + s[off + i];
            assert_same("add", n, off, yo, want);
            fill_wide(dx, SPAN, &rng);
            fill_wide(ds, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dxo[i] + dyo[i], want_ds[i] = ds[off + i] + dyo[i];
            honeL_add.backward(&layer, dxo, NULL, dyo, xo, yo, NULL, 1, &add);
            assert_same("add backward", n, off, dxo, want);
            assert_same("add backward's skip gradient", n, off, ds + off, want_ds);
        }
}

/* The mask dropout draws for row `row` of n units at keep, with batch_seed the layer's one draw:
 * the row's own generator (honeC_row_rng), two units from each 64-bit number (the low 32 bits,
 * then the high; an odd last unit from a number of its own), 1 / keep where a draw is below
 * keep 2^32, else 0 */
static void row_mask(hone_real *mask, int n, float keep, uint64_t batch_seed, int row) {
    const uint64_t threshold = (uint64_t)(keep * 4294967296.0);
    const hone_real scale = (hone_real)(1 / (double)keep);
    hone_rng draws;
    honeC_row_rng(&draws, batch_seed, row);
    for (int i = 0; i < n; i += 2) {
        const uint64_t bits = hone_rng_next(&draws);
        mask[i] = (bits & 0xffffffffu) < threshold ? scale : 0;
        if (i + 1 < n) mask[i + 1] = (bits >> 32) < threshold ? scale : 0;
    }
}

/* Dropout in training on one row of n units: the mask in aux is row_mask's for row 0 and a seed
 * of one draw of the layer's generator, y = x mask and dx += dy mask. */
static void test_dropout_kernels(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 75);
    hone_real x[SPAN], y[SPAN], dy[SPAN], dx[SPAN], mask[SPAN], want[SPAN], want_mask[LEN];
    const float keep = 0.625f;
    for (int n = 0; n <= LEN; n++)
        for (int off = 0; off < OFFSETS; off++) {
            hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = n, .out = n, .keep_prob = keep};
            fill_wide(x, SPAN, &rng);
            for (int i = 0; i < SPAN; i++) mask[i] = 7; /* not a mask value: one left unwritten shows */
            hone_rng caller = rng;
            row_mask(want_mask, n, keep, hone_rng_next(&caller), 0);
            honeL_ctx ctx = {.training = 1, .rng = &rng, .aux = mask + off};
            honeL_dropout.forward(&layer, y + off, x + off, NULL, 1, &ctx);
            assert_same("dropout's mask", n, off, mask + off, want_mask);
            for (int i = 0; i < n; i++) want[i] = x[off + i] * want_mask[i];
            assert_same("dropout", n, off, y + off, want);
            fill_wide(dy, SPAN, &rng);
            fill_wide(dx, SPAN, &rng);
            for (int i = 0; i < n; i++) want[i] = dx[off + i] + dy[off + i] * want_mask[i];
            honeL_dropout.backward(&layer, dx + off, NULL, dy + off, x + off, y + off, NULL, 1, &ctx);
            assert_same("dropout backward", n, off, dx + off, want);
        }
}

/* Dropout on rows enough to split across the pool's threads (64 x 301 values, bands of 16 rows):
 * row r's mask comes from its own generator, honeC_row_rng(seed, r) with seed one draw of the
 * layer's, whatever the thread count; and the layer's generator moves by that one draw. */
static void test_dropout_rows_have_their_own_generators(void **state) {
    enum { B = 64, O = 301 };
    static hone_real x[B * O], y[B * O], mask[B * O], first[B * O];
    hone_real want[O];
    const float keep = 0.7f;
    hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = O, .out = O, .keep_prob = keep};
    for (int i = 0; i < B * O; i++) x[i] = 1;
    const int threads = honeK_threads();
    for (int t = 0; t < 2; t++) {
        hone_set_threads(t ? 1 : 2);
        hone_rng rng, caller;
        hone_rng_seed(&rng, 76);
        caller = rng;
        const uint64_t seed = hone_rng_next(&caller);
        honeL_ctx ctx = {.training = 1, .rng = &rng, .aux = mask};
        honeL_dropout.forward(&layer, y, x, NULL, B, &ctx);
        assert_memory_equal(&rng, &caller, sizeof rng); /* one draw */
        for (int r = 0; r < B; r++) { /* 301 units: a chunk of 256 draws, then 45, the last alone */
            row_mask(want, O, keep, seed, r);
            assert_same("a row's dropout mask", O, r * O, mask + (size_t)r * O, want);
        }
        if (t == 0) memcpy(first, y, sizeof y);
        else assert_memory_equal(first, y, sizeof y); /* the same on 1 thread as on 2 */
    }
    hone_set_threads(threads);
}

/* Batch norm over B rows of O units, as its kernels compute it: per unit, sums in double in row
 * order, xhat = (x - mean) inv_std, y = gamma xhat + beta, the running averages' EWMA, and the
 * backward's sums and dx; in training, or (training 0) on the running averages. */
static void batchnorm_reference(const hone_layer *layer, int training, int B, const hone_real *x, const hone_real *p,
                                const hone_real *dy, hone_real *y, hone_real *xhat, hone_real *inv_std, hone_real *run,
                                hone_real *dp, hone_real *dx) {
    const int O = layer->out;
    for (int o = 0; o < O; o++) {
        double mean = 0, sq = 0, sum_dy = 0, sum_dy_xhat = 0;
        if (training) {
            for (int b = 0; b < B; b++) mean += x[b * O + o];
            mean /= B;
            for (int b = 0; b < B; b++) {
                const double d = x[b * O + o] - mean;
                sq += d * d;
            }
            inv_std[o] = (hone_real)(1 / sqrt(sq / B + layer->eps));
            run[o] = (hone_real)honeO_ewma(run[o], mean, 1 - (double)layer->momentum);
            run[O + o] = (hone_real)honeO_ewma(run[O + o], sq / (B - 1), 1 - (double)layer->momentum);
        } else {
            mean = run[o];
            inv_std[o] = (hone_real)(1 / sqrt((double)run[O + o] + layer->eps));
        }
        for (int b = 0; b < B; b++) {
            const int r = b * O + o;
            xhat[r] = (hone_real)((x[r] - mean) * inv_std[o]);
            y[r] = p[o] * xhat[r] + p[O + o];
        }
        for (int b = 0; b < B; b++) {
            sum_dy += dy[b * O + o];
            sum_dy_xhat += (double)dy[b * O + o] * xhat[b * O + o];
        }
        dp[o] += (hone_real)sum_dy_xhat;
        dp[O + o] += (hone_real)sum_dy;
        const double k = (double)p[o] * inv_std[o];
        for (int b = 0; b < B; b++) {
            const int r = b * O + o;
            dx[r] += training ? (hone_real)(k / B * (B * (double)dy[r] - sum_dy - xhat[r] * sum_dy_xhat))
                              : (hone_real)(k * dy[r]);
        }
    }
}

/* Every width to LEN, and widths about the 256 units that the layer takes at a time. */
static void test_batchnorm_kernels(void **state) {
    enum { B = 3, WIDE = 520 };
    static hone_real x[B * WIDE], p[2 * WIDE], dy[B * WIDE], run[2 * WIDE], dp[2 * WIDE], dx[B * WIDE];
    static hone_real aux[B * WIDE + WIDE], y[B * WIDE], want_run[2 * WIDE], want_dp[2 * WIDE], want_dx[B * WIDE];
    static hone_real want_y[B * WIDE], want_xhat[B * WIDE], want_inv[WIDE];
    hone_rng rng;
    hone_rng_seed(&rng, 76);
    const int wide[] = {255, 256, 257, 300, 512, 513};
    for (int c = 0; c < LEN + 6; c++)
        for (int training = 0; training <= 1; training++) {
            const int O = c < LEN ? c + 1 : wide[c - LEN], n = B * O;
            hone_layer layer = {.kind = HONE_LAYER_BATCHNORM, .in = O, .out = O, .momentum = 0.1f, .eps = 1e-5f};
            assert_true(honeL_aux_count(&layer, B) <= sizeof aux / sizeof *aux);
            th_fill_uniform(x, (size_t)n, &rng, -2, 2);
            th_fill_uniform(p, 2 * (size_t)O, &rng, 0.5, 1.5);
            th_fill_uniform(dy, (size_t)n, &rng, -1, 1);
            th_fill_uniform(run, (size_t)O, &rng, -0.5, 0.5);
            th_fill_uniform(run + O, (size_t)O, &rng, 0.5, 1.5);
            th_fill_uniform(dp, 2 * (size_t)O, &rng, -1, 1);
            th_fill_uniform(dx, (size_t)n, &rng, -1, 1);
            memcpy(want_run, run, 2 * (size_t)O * sizeof *run);
            memcpy(want_dp, dp, 2 * (size_t)O * sizeof *dp);
            memcpy(want_dx, dx, (size_t)n * sizeof *dx);
            batchnorm_reference(&layer, training, B, x, p, dy, want_y, want_xhat, want_inv, want_run, want_dp, want_dx);
            honeL_ctx ctx = {.training = training, .aux = aux, .state = run};
            honeL_batchnorm.forward(&layer, y, x, p, B, &ctx);
            honeL_batchnorm.backward(&layer, dx, dp, dy, x, y, p, B, &ctx);
            const char *what = training ? "batch norm in training" : "batch norm at inference";
            assert_same(what, n, 0, y, want_y);
            assert_same(what, n, 0, aux, want_xhat);
            assert_same(what, O, 0, aux + n, want_inv);
            assert_same(what, 2 * O, 0, run, want_run);
            assert_same(what, 2 * O, 0, dp, want_dp);
            assert_same(what, n, 0, dx, want_dx);
        }
}

/* A batch gather's standardization x = (src - mean) / sd of one row of D features, from uint8
 * pixels and from reals. */
static void test_gather_kernels(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 77);
    const hone_layer_spec one[] = {{.kind = HONE_LAYER_DENSE, .units = 1}};
    hone_error err;
    for (int D = 1; D <= LEN; D++) {
        hone_model *m;
        assert_int_equal(hone_model_create(&m, D, one, 1, HONE_LOSS_MSE, &err), HONE_OK);
        uint8_t px[LEN];
        hone_real re[LEN], X[LEN], want[LEN];
        for (int j = 0; j < D; j++) px[j] = (uint8_t)hone_rng_below(&rng, 256);
        fill_wide(re, (size_t)D, &rng);
        th_fill_uniform(m->input_mean, (size_t)D, &rng, -100, 200);
        th_fill_uniform(m->input_std, (size_t)D, &rng, 0.1, 90);
        for (int real = 0; real <= 1; real++) {
            hone_dataset d = {.n = 1, .d = (size_t)D, .x_u8 = real ? NULL : px, .x = real ? re : NULL};
            hone_model_gather(m, X, NULL, &d, (size_t[]){0}, 1);
            for (int j = 0; j < D; j++) want[j] = ((real ? re[j] : (hone_real)px[j]) - m->input_mean[j]) / m->input_std[j];
            assert_same(real ? "gather of reals" : "gather of uint8 pixels", D, 0, X, want);
        }
        hone_model_free(m);
    }
}

/* Which BLAS runs the products, and whether its kernels use AVX-512: by name, in any case, and
 * the CPU's AVX-512 as /proc/cpuinfo lists its flags (where there is one) */
static void test_blas_described(void **state) {
    const char *avx512[] = {"SkylakeX", "skylakex", "Cooperlake", "SAPPHIRERAPIDS"};
    const char *not[] = {"Haswell", "Zen", "Skylake", "SkylakeX2", "SandyBridge", "Prescott", ""};
    for (size_t i = 0; i < sizeof avx512 / sizeof *avx512; i++) assert_true(honeK_kernels_avx512(avx512[i]));
    for (size_t i = 0; i < sizeof not / sizeof *not; i++) assert_false(honeK_kernels_avx512(not[i]));
    assert_false(honeK_kernels_avx512(NULL));
    const hone_blas_info info = hone_blas_describe();
    assert_non_null(info.config);
    assert_non_null(info.kernels);
    assert_true(strncmp(info.config, "OpenBLAS ", 9) == 0);
    assert_true(strlen(info.kernels) > 0);
    assert_int_equal(info.kernels_avx512, honeK_kernels_avx512(info.kernels));
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[8192];
    int listed = -1; /* the first "flags" line: avx512f among them */
    while (listed < 0 && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5)) listed = strstr(line, " avx512f ") || strstr(line, " avx512f\n");
    fclose(f);
    if (listed >= 0) assert_int_equal(info.cpu_avx512, listed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_sums_in_sixteen_lanes),
        th_test(test_optimizer_rules),
        th_test(test_penalty_gradient),
        th_test(test_activation_kernels),
        th_test(test_dropout_kernels),
        th_test(test_dropout_rows_have_their_own_generators),
        th_test(test_batchnorm_kernels),
        th_test(test_gather_kernels),
        th_test(test_blas_described),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
