/* test_optim.c - every optimizer, schedule and clipping rule: against its formula, against
 * reference trajectories from PyTorch (tests/data/optim_fixtures.txt, made by
 * make_optim_fixtures.py), and impossible settings as errors. */
#include "harness.h"
#include "optim/optim.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HONE_SOURCE_DIR
#define HONE_SOURCE_DIR "."
#endif

/* ---- formulas, one scalar at a time ---------------------------------------------------------- */

static void test_ewma(void **state) {
    hone_ewma avg = hone_ewma_make(0.9);
    assert_true(hone_ewma_value(&avg, 1) == 0);
    hone_ewma_add(&avg, 10);
    th_assert_close(hone_ewma_value(&avg, 0), 1.0, 1e-15);  /* 0.9 * 0 + 0.1 * 10: biased low */
    th_assert_close(hone_ewma_value(&avg, 1), 10.0, 1e-15); /* / (1 - 0.9) */
    hone_ewma_add(&avg, 20);
    th_assert_close(hone_ewma_value(&avg, 0), 0.9 * 1 + 0.1 * 20, 1e-15);
    th_assert_close(hone_ewma_value(&avg, 1), (0.9 * 1 + 0.1 * 20) / (1 - 0.81), 1e-15);
    for (int i = 0; i < 500; i++) hone_ewma_add(&avg, 5);
    th_assert_close(hone_ewma_value(&avg, 0), 5, 1e-12);
}

/* The step of each rule on a two-element block, twice, against the textbook formula in double. */
static void test_each_rule_is_its_formula(void **state) {
    const double g1[2] = {0.5, -2}, g2[2] = {-0.25, 1}, w0[2] = {1, -3}, lr = 0.1;
    for (int kind = HONE_OPTIMIZER_SGD; kind <= HONE_OPTIMIZER_ADAMW; kind++) {
        for (int ewma = 0; ewma <= 1; ewma++) {
            hone_optimizer_config c = hone_optimizer_config_default((hone_optimizer_kind)kind);
            c.momentum_ewma = ewma;
            c.beta1 = 0.8;
            c.beta2 = 0.95;
            c.eps = 1e-3;
            c.weight_decay = 0.5;
            hone_real p[2] = {(hone_real)w0[0], (hone_real)w0[1]}, s[4] = {0}, g[2];
            double w[2] = {w0[0], w0[1]}, m[2] = {0}, v[2] = {0};
            for (int t = 1; t <= 2; t++) {
                const double *gt = t == 1 ? g1 : g2;
                g[0] = (hone_real)gt[0];
                g[1] = (hone_real)gt[1];
                honeO_step(&c, p, g, s, 2, (uint64_t)t, lr);
                for (int i = 0; i < 2; i++) {
                    double gi = gt[i];
                    switch (kind) {
                    case HONE_OPTIMIZER_SGD: w[i] -= lr * gi; break;
                    case HONE_OPTIMIZER_MOMENTUM:
                        m[i] = 0.8 * m[i] + (ewma ? 0.2 : 1) * gi;
                        w[i] -= lr * m[i];
                        break;
                    case HONE_OPTIMIZER_NESTEROV:
                        m[i] = 0.8 * m[i] + gi;
                        w[i] -= lr * (gi + 0.8 * m[i]);
                        break;
                    case HONE_OPTIMIZER_RMSPROP:
                        v[i] = 0.95 * v[i] + 0.05 * gi * gi;
                        w[i] -= lr * gi / (sqrt(v[i]) + 1e-3);
                        break;
                    case HONE_OPTIMIZER_ADAMW: w[i] *= 1 - lr * 0.5; /* fall through */
                    case HONE_OPTIMIZER_ADAM: {
                        m[i] = 0.8 * m[i] + 0.2 * gi;
                        v[i] = 0.95 * v[i] + 0.05 * gi * gi;
                        double mh = m[i] / (1 - pow(0.8, t)), vh = v[i] / (1 - pow(0.95, t));
                        w[i] -= lr * mh / (sqrt(vh) + 1e-3);
                        break;
                    }
                    }
                    th_assert_close(p[i], w[i], TH_DOUBLE ? 1e-14 : 1e-6);
                }
            }
        }
    }
}

/* The fused pass (norm, update, clearing) equals the three separate ones over a block that is
 * not a whole number of chunks: parameters and state bit for bit, the norm to rounding (pieces
 * are summed in order), whether the pass runs on one thread or is split across three. */
static void test_fused_step_equals_separate_passes(void **state) {
    enum { N = 100037 };
    static hone_real p1[N], p2[N], g1[N], g2[N], s1[2 * N], s2[2 * N];
    hone_rng rng;
    hone_rng_seed(&rng, 12);
    for (int threads = 1; threads <= 3; threads += 2) {
        assert_int_equal(hone_set_threads(threads), threads);
        for (int kind = HONE_OPTIMIZER_SGD; kind <= HONE_OPTIMIZER_ADAMW; kind++) {
            hone_optimizer_config c = hone_optimizer_config_default((hone_optimizer_kind)kind);
            th_fill_uniform(p1, N, &rng, -1, 1);
            th_fill_uniform(s1, 2 * N, &rng, 0, 0.1);
            memcpy(p2, p1, sizeof p1);
            memcpy(s2, s1, sizeof s1);
            for (uint64_t t = 1; t <= 3; t++) {
                th_fill_uniform(g1, N, &rng, -1, 1);
                memcpy(g2, g1, sizeof g1);
                double norm = honeO_norm(g1, N);
                honeO_step(&c, p1, g1, s1, N, t, 0.01);
                double fused = honeO_step_and_clear(&c, p2, g2, s2, N, t, 0.01);
                th_assert_close(fused, norm, 1e-12);
                assert_memory_equal(p1, p2, sizeof p1);
                assert_memory_equal(s1, s2, sizeof s1);
                for (int i = 0; i < N; i++) assert_true(g2[i] == 0);
            }
        }
    }
}

/* One model of the spec, its weights drawn from seed 5, with an L2 and an L1 penalty (on biases
 * too with decay_bias). */
static hone_model *stepping_model(const hone_mlp_spec *spec, int B, int decay_bias) {
    hone_model *m;
    hone_error err;
    hone_rng rng;
    hone_rng_seed(&rng, 5);
    assert_int_equal(hone_model_create_from_spec(&m, spec, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    assert_int_equal(hone_model_set_regularization(m, 0.03, 0.002, decay_bias, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, B, &err), HONE_OK);
    m->training = 1;
    return m;
}

/* hone_model_backward_step, which steps each layer's parameters as soon as backward has their
 * gradients (penalty included, on biases or not), equals hone_model_backward then
 * honeO_step_and_clear: parameters and optimizer state bit for bit, gradients left zero, the norm
 * and the penalty of the loss (from the weights before the step) to rounding. For every rule, on one thread and on three, three steps, over dense layers split by
 * units (96 wide) and by inputs (64 wide on three threads), with biases or with batch norm (stepped
 * by the model after its backward), and a last layer too small to split. */
static void test_backward_step_equals_backward_then_step(void **state) {
    enum { B = 128, D = 40, O = 5 };
    static hone_real X[B * D], Y[B * O];
    hone_rng rng;
    hone_rng_seed(&rng, 31);
    th_fill_uniform(X, B * D, &rng, -2, 2);
    for (int r = 0; r < B; r++)
        for (int o = 0; o < O; o++) Y[r * O + o] = (hone_real)(r % O == o);
    const int hidden[2] = {96, 64};
    for (int threads = 1; threads <= 3; threads += 2) {
        assert_int_equal(hone_set_threads(threads), threads);
        for (int batchnorm = 0; batchnorm <= 1; batchnorm++)
            for (int kind = HONE_OPTIMIZER_SGD; kind <= HONE_OPTIMIZER_ADAMW; kind++)
                for (int decay_bias = 0; decay_bias <= 1; decay_bias++) {
                    const hone_mlp_spec spec = {.inputs = D, .outputs = O, .hidden = hidden, .n_hidden = 2,
                                                .activation = HONE_LAYER_RELU, .batchnorm = batchnorm,
                                                .loss = HONE_LOSS_SOFTMAX_CE};
                    const hone_optimizer_config c = hone_optimizer_config_default((hone_optimizer_kind)kind);
                    hone_model *apart = stepping_model(&spec, B, decay_bias), *fused = stepping_model(&spec, B, decay_bias);
                    const size_t n = apart->n_params;
                    for (uint64_t t = 1; t <= 3; t++) {
                        hone_model_forward(apart, X, B);
                        hone_model_loss(apart, Y, B);
                        hone_model_backward(apart, X, B);
                        const double norm = honeO_step_and_clear(&c, apart->params, apart->grads, apart->opt_state, n, t, 0.01);
                        hone_model_forward(fused, X, B);
                        const double loss = hone_model_loss(fused, Y, B), penalty_before = hone_model_penalty(fused, B);
                        th_assert_close(hone_model_data_loss(fused, Y, B) + penalty_before, loss, 1e-15);
                        double penalty = -1;
                        const double fused_norm = hone_model_backward_step(fused, X, B, &c, t, 0.01, &penalty);
                        assert_true(norm > 0 && penalty_before > 0);
                        th_assert_close(fused_norm, norm, 1e-12);
                        th_assert_close(penalty, penalty_before, 1e-12);
                        assert_memory_equal(fused->params, apart->params, n * sizeof(hone_real));
                        assert_memory_equal(fused->opt_state, apart->opt_state, 2 * n * sizeof(hone_real));
                        for (size_t i = 0; i < n; i++) assert_true(fused->grads[i] == 0);
                    }
                    hone_model_free(apart);
                    hone_model_free(fused);
                }
    }
}

static void test_schedules_are_their_formulas(void **state) {
    hone_schedule_config c = hone_schedule_config_default(HONE_SCHEDULE_INVERSE_TIME);
    c.rate = 0.5;
    th_assert_close(hone_schedule_lr(&c, 0.2, 0, 10), 0.2, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 4, 10), 0.2 / 3, 1e-15);
    c.kind = HONE_SCHEDULE_EXPONENTIAL;
    c.rate = 0.9;
    th_assert_close(hone_schedule_lr(&c, 0.2, 3, 10), 0.2 * 0.729, 1e-15);
    c.kind = HONE_SCHEDULE_INVERSE_SQRT;
    c.rate = 2;
    th_assert_close(hone_schedule_lr(&c, 0.2, 3, 10), 0.2 * 2 / 2, 1e-15);
    c.kind = HONE_SCHEDULE_STEP;
    c.rate = 0.5;
    c.step_size = 3;
    th_assert_close(hone_schedule_lr(&c, 0.2, 2, 10), 0.2, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 3, 10), 0.1, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 7, 10), 0.05, 1e-15);
    c.kind = HONE_SCHEDULE_COSINE;
    c.warmup = 0;
    c.min_lr = 0.01;
    th_assert_close(hone_schedule_lr(&c, 0.2, 0, 10), 0.2, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 5, 10), 0.01 + 0.19 / 2, 1e-15);
    c.warmup = 4;
    c.min_lr = 0;
    th_assert_close(hone_schedule_lr(&c, 0.2, 0, 10), 0.05, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 3, 10), 0.2, 1e-15);
    th_assert_close(hone_schedule_lr(&c, 0.2, 7, 10), 0.2 * (1 + cos(3.14159265358979323846 * 3 / 6)) / 2, 1e-15);
    /* at the edges every rate is finite and within [min_lr, lr0]: a t before 0 is epoch 0 (t -1
     * was 1 / 0 of inverse_time and inverse_sqrt), and a cosine of T 0 one epoch long (0 / 0) */
    const long ts[] = {LONG_MIN, -1, 0, 1, 2, LONG_MAX}, Ts[] = {LONG_MIN, -1, 0, 1, 2, LONG_MAX};
    for (int k = HONE_SCHEDULE_CONSTANT; k <= HONE_SCHEDULE_PLATEAU; k++)
        for (int w = 0; w < 3; w++) {
            if (w && k != HONE_SCHEDULE_COSINE) continue;
            c = hone_schedule_config_default((hone_schedule_kind)k);
            c.warmup = w;
            c.min_lr = k == HONE_SCHEDULE_COSINE ? 0.01 : 0;
            for (size_t i = 0; i < sizeof ts / sizeof *ts; i++)
                for (size_t j = 0; j < sizeof Ts / sizeof *Ts; j++) {
                    double lr = hone_schedule_lr(&c, 0.2, ts[i], Ts[j]);
                    if (!(lr >= c.min_lr * (1 - 1e-12) && lr <= 0.2 * (1 + 1e-12))) /* to rounding */
                        fail_msg("%s, warm-up %d: lr(%ld, T %ld) = %g", hone_schedule_kind_name(c.kind), w, ts[i],
                                 Ts[j], lr);
                    if (ts[i] < 0) assert_true(lr == hone_schedule_lr(&c, 0.2, 0, Ts[j]));
                }
        }
    c = hone_schedule_config_default(HONE_SCHEDULE_COSINE);
    th_assert_close(hone_schedule_lr(&c, 0.2, 0, 0), 0.2, 1e-15); /* T 0 is T 1 */
    th_assert_close(hone_schedule_lr(&c, 0.2, 1, 0), 0, 1e-15);
    c.warmup = 2;
    th_assert_close(hone_schedule_lr(&c, 0.2, 2, 2), 0.2, 1e-15); /* T = W is W + 1 */
    th_assert_close(hone_schedule_lr(&c, 0.2, 3, 1), 0, 1e-15);
    /* plateau: patience 1, factor 0.5 */
    hone_schedule_config pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    pc.patience = 1;
    pc.factor = 0.5;
    honeO_plateau p;
    honeO_plateau_start(&p);
    double lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);   /* best */
    lr = honeO_plateau_update(&p, &pc, lr, 0.9999999); /* within the 1e-4 threshold: bad 1 */
    assert_true(lr == 1);
    lr = honeO_plateau_update(&p, &pc, lr, 1.5);   /* bad 2 > patience */
    assert_true(lr == 0.5);
    lr = honeO_plateau_update(&p, &pc, lr, 0.5);   /* improvement */
    assert_true(lr == 0.5);
    /* after a cut the count starts again: one more bad epoch is not yet past patience 1 */
    honeO_plateau_start(&p);
    lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    assert_true(lr == 0.5);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    assert_true(lr == 0.5);
    assert_int_equal(p.bad_epochs, 1);
    /* min_lr is a floor: 0.5, then 0.3 rather than 0.25 */
    pc.patience = 0;
    pc.min_lr = 0.3;
    honeO_plateau_start(&p);
    lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    assert_true(lr == 0.5);
    lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    assert_true(lr == 0.3);
}

/* hone_optimizer_reads against the steps: a setting changed changes three steps of a kind
 * exactly when the kind is said to read it. */
static void test_optimizer_reads_what_changes_its_steps(void **state) {
    static const char *const settings[] = {"beta1", "beta2", "eps", "weight_decay", "momentum_ewma"};
    const hone_real g[3][2] = {{0.5f, -2}, {-0.25f, 1}, {0.125f, 0.75f}};
    for (int kind = HONE_OPTIMIZER_SGD; kind <= HONE_OPTIMIZER_ADAMW; kind++)
        for (int i = 0; i < 5; i++) {
            hone_optimizer_config c[2];
            hone_real p[2][2];
            for (int v = 0; v < 2; v++) {
                c[v] = (hone_optimizer_config){(hone_optimizer_kind)kind, 0.8, 0.95, 1e-3, 0.5, 1};
                p[v][0] = 1;
                p[v][1] = -3;
            }
            double *changed[] = {&c[1].beta1, &c[1].beta2, &c[1].eps, &c[1].weight_decay};
            if (i < 4) *changed[i] *= 0.5;
            else c[1].momentum_ewma = 0;
            for (int v = 0; v < 2; v++) {
                hone_real s[4] = {0}, gt[2];
                for (int t = 0; t < 3; t++) {
                    memcpy(gt, g[t], sizeof gt);
                    honeO_step(&c[v], p[v], gt, s, 2, (uint64_t)t + 1, 0.1);
                }
            }
            const int differs = p[0][0] != p[1][0] || p[0][1] != p[1][1];
            if (differs != hone_optimizer_reads((hone_optimizer_kind)kind, settings[i]))
                fail_msg("%s with %s: the steps %s, and hone_optimizer_reads says %d", settings[i],
                         hone_optimizer_kind_name((hone_optimizer_kind)kind), differs ? "change" : "do not change",
                         hone_optimizer_reads((hone_optimizer_kind)kind, settings[i]));
        }
    assert_int_equal(hone_optimizer_reads(HONE_OPTIMIZER_ADAM, "beta3"), -1);
    /* a kind that is none reads nothing, past the enum too (mutation round 6: only 0 was asked,
     * whose bit no setting has, so the range check could go) */
    for (int kind = -1; kind <= 40; kind += kind == 0 ? 7 : 1)
        for (int i = 0; i < 5; i++)
            if (hone_optimizer_reads((hone_optimizer_kind)kind, settings[i]) != 0)
                fail_msg("optimizer kind %d reads %s", kind, settings[i]);
}

/* The rates of ten epochs: the closed form, or the plateau's cuts on a loss that stalls. */
static void schedule_rates(const hone_schedule_config *c, long T, double *lr) {
    static const double loss[10] = {1, 0.9, 0.85, 0.84, 0.84, 0.84, 0.84, 0.84, 0.84, 0.84};
    honeO_plateau p;
    honeO_plateau_start(&p);
    double rate = 1;
    for (int t = 0; t < 10; t++) {
        lr[t] = c->kind == HONE_SCHEDULE_PLATEAU ? rate : hone_schedule_lr(c, 1, t, T);
        rate = honeO_plateau_update(&p, c, rate, loss[t]);
    }
}

/* hone_schedule_reads against the rates, as the optimizers' test. per_step says what t counts,
 * not how the rate follows it: the loop reads it (the training tests cover it), so only its
 * readers are checked here. */
static void test_schedule_reads_what_changes_its_rates(void **state) {
    static const char *const settings[] = {"rate", "step_size", "warmup", "min_lr", "factor", "patience", "threshold", "epochs"};
    for (int kind = HONE_SCHEDULE_CONSTANT; kind <= HONE_SCHEDULE_PLATEAU; kind++)
        for (int i = 0; i < 8; i++) {
            hone_schedule_config c[2];
            for (int v = 0; v < 2; v++)
                c[v] = (hone_schedule_config){(hone_schedule_kind)kind, 0.5, 2, 2, 0.01, 0, 0.1, 1, 1e-4};
            long T = 10;
            switch (i) {
            case 0: c[1].rate = 0.7; break;
            case 1: c[1].step_size = 3; break;
            case 2: c[1].warmup = 3; break;
            case 3: c[1].min_lr = 0.02; break;
            case 4: c[1].factor = 0.5; break;
            case 5: c[1].patience = 2; break;
            case 6: c[1].threshold = 0.3; break;
            default: T = 12;
            }
            double lr[2][10];
            schedule_rates(&c[0], 10, lr[0]);
            schedule_rates(&c[1], T, lr[1]);
            const int differs = memcmp(lr[0], lr[1], sizeof lr[0]) != 0;
            if (differs != hone_schedule_reads((hone_schedule_kind)kind, settings[i]))
                fail_msg("%s with %s: the rates %s, and hone_schedule_reads says %d", settings[i],
                         hone_schedule_kind_name((hone_schedule_kind)kind), differs ? "change" : "do not change",
                         hone_schedule_reads((hone_schedule_kind)kind, settings[i]));
        }
    for (int kind = HONE_SCHEDULE_CONSTANT; kind <= HONE_SCHEDULE_PLATEAU; kind++)
        assert_int_equal(hone_schedule_reads((hone_schedule_kind)kind, "per_step"),
                         kind != HONE_SCHEDULE_CONSTANT && kind != HONE_SCHEDULE_PLATEAU);
    assert_int_equal(hone_schedule_reads(HONE_SCHEDULE_STEP, "gamma"), -1);
    for (int kind = -1; kind <= 40; kind += kind == -1 ? 8 : 1) /* -1, then past the enum */
        for (int i = 0; i < 8; i++)
            if (hone_schedule_reads((hone_schedule_kind)kind, settings[i]) != 0)
                fail_msg("schedule kind %d reads %s", kind, settings[i]);
}

/* Every kind's name parses back to it; "none" is the constant schedule; other names are no kind
 * (mutation round 6: the "none" alias could go unseen). */
static void test_kind_names_parse_back(void **state) {
    for (int k = HONE_OPTIMIZER_SGD; k <= HONE_OPTIMIZER_ADAMW; k++)
        assert_int_equal(hone_optimizer_kind_parse(hone_optimizer_kind_name((hone_optimizer_kind)k)), k);
    assert_int_equal(hone_optimizer_kind_parse("lion"), 0);
    for (int k = HONE_SCHEDULE_CONSTANT; k <= HONE_SCHEDULE_PLATEAU; k++)
        assert_int_equal(hone_schedule_kind_parse(hone_schedule_kind_name((hone_schedule_kind)k)), k);
    assert_int_equal(hone_schedule_kind_parse("none"), HONE_SCHEDULE_CONSTANT);
    assert_int_equal(hone_schedule_kind_parse("linear"), -1);
}

/* The defaults hone.h documents, which the PyTorch fixtures (beta2 given) do not pin. */
static void test_optimizer_defaults(void **state) {
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_RMSPROP).beta2 == 0.9);
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_ADAM).beta2 == 0.999);
}

static void test_clipping(void **state) {
    hone_real g[3] = {3, -4, 0};
    honeO_clip(g, 3, honeO_norm(g, 3), 1, 0); /* norm 5 -> 1 */
    th_assert_close(g[0], 3 / (5 + 1e-6), TH_EPS);
    th_assert_close(g[1], -4 / (5 + 1e-6), TH_EPS);
    /* normalization: to the target norm whether the gradient was larger or smaller */
    hone_real big[2] = {30, -40}, small[2] = {0.03f, 0.04f};
    honeO_normalize(big, 2, honeO_norm(big, 2), 2);
    honeO_normalize(small, 2, honeO_norm(small, 2), 2);
    th_assert_close(honeO_norm(big, 2), 2, 1e-6);
    th_assert_close(honeO_norm(small, 2), 2, 1e-4);
    th_assert_close(big[0] / big[1], -0.75, TH_EPS); /* direction kept */
    /* normalized to 5, then clipped to 1: clipping takes the norm normalization returns */
    hone_real both[2] = {300, -400};
    const double scaled = honeO_normalize(both, 2, honeO_norm(both, 2), 5);
    th_assert_close(scaled, honeO_norm(both, 2), 1e-6);
    honeO_clip(both, 2, scaled, 1, 0);
    th_assert_close(honeO_norm(both, 2), 1, 1e-6);
    hone_train_config cfg = hone_train_config_default();
    cfg.normalize_grad = -1;
    hone_error err;
    assert_int_equal(hone_train_config_check(&cfg, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "gradient normalization"));
    hone_real under[2] = {0.3f, 0.4f}; /* norm 0.5, within a limit of 0.8 (but above half of it): unchanged */
    honeO_clip(under, 2, honeO_norm(under, 2), 0.8, 0);
    assert_true(under[0] == (hone_real)0.3f && under[1] == (hone_real)0.4f);
    hone_real h[3] = {3, -4, 0.5};
    honeO_clip(h, 3, honeO_norm(h, 3), 100, 1); /* norm under the limit; values clamped */
    assert_true(h[0] == 1 && h[1] == -1 && h[2] == (hone_real)0.5);
}

/* ---- PyTorch reference trajectories ---------------------------------------------------------- */

enum { MAXV = 64 };
typedef struct fixture_case {
    char name[64];
    char config[512];
    double step1[MAXV], final[MAXV], lrs[16];
    int n_params, n_lrs;
} fixture_case;

static double fx[32], fy[8], fdx[16], fdy[4], finit[MAXV];
static fixture_case cases[32];
static int n_cases, n_init;

static int read_numbers(char *rest, double *out, int max) {
    int n = 0;
    for (char *tok = strtok(rest, " \n"); tok && n < max; tok = strtok(NULL, " \n")) out[n++] = strtod(tok, NULL);
    return n;
}

static int load_fixtures(void **state) {
    FILE *f = fopen(HONE_SOURCE_DIR "/tests/data/optim_fixtures.txt", "r");
    if (!f) return -1;
    static char line[1 << 16];
    fixture_case *c = NULL;
    while (fgets(line, sizeof line, f)) {
        char *sp = strchr(line, ' ');
        char *rest = sp ? sp + 1 : line + strlen(line);
        if (sp) *sp = 0;
        if (!strcmp(line, "x")) read_numbers(rest, fx, 32);
        else if (!strcmp(line, "y")) read_numbers(rest, fy, 8);
        else if (!strcmp(line, "dev_x")) read_numbers(rest, fdx, 16);
        else if (!strcmp(line, "dev_y")) read_numbers(rest, fdy, 4);
        else if (!strcmp(line, "init")) n_init = read_numbers(rest, finit, MAXV);
        else if (!strcmp(line, "case")) {
            c = &cases[n_cases++];
            snprintf(c->name, sizeof c->name, "%s", strtok(rest, " \n"));
        } else if (!strcmp(line, "config")) snprintf(c->config, sizeof c->config, "%s", rest);
        else if (!strcmp(line, "step1")) c->n_params = read_numbers(rest, c->step1, MAXV);
        else if (!strcmp(line, "final")) read_numbers(rest, c->final, MAXV);
        else if (!strcmp(line, "lrs")) c->n_lrs = read_numbers(rest, c->lrs, 16);
    }
    fclose(f);
    return n_cases >= 19 && n_init == 43 ? 0 : -1;
}

/* "optimizer=adam beta1=0.9 ..." -> a training config */
static hone_train_config config_of(const char *text) {
    hone_train_config c = hone_train_config_default();
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT); /* unless the case names one */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *kv = strtok(buf, " \n"); kv; kv = strtok(NULL, " \n")) {
        char *eq = strchr(kv, '=');
        assert_non_null(eq);
        *eq = 0;
        const char *k = kv, *v = eq + 1;
        double x = strtod(v, NULL);
        if (!strcmp(k, "optimizer"))
            c.optimizer = hone_optimizer_config_default((hone_optimizer_kind)hone_optimizer_kind_parse(v));
        else if (!strcmp(k, "schedule")) {
            c.schedule = hone_schedule_config_default((hone_schedule_kind)hone_schedule_kind_parse(v));
        } else if (!strcmp(k, "lr")) c.lr = x;
        else if (!strcmp(k, "beta1")) c.optimizer.beta1 = x;
        else if (!strcmp(k, "beta2")) c.optimizer.beta2 = x;
        else if (!strcmp(k, "eps")) c.optimizer.eps = x;
        else if (!strcmp(k, "weight_decay")) c.optimizer.weight_decay = x;
        else if (!strcmp(k, "momentum_form")) c.optimizer.momentum_ewma = !strcmp(v, "ewma");
        else if (!strcmp(k, "decay_rate")) c.schedule.rate = x;
        else if (!strcmp(k, "step_size")) c.schedule.step_size = (int)x;
        else if (!strcmp(k, "warmup")) c.schedule.warmup = (int)x;
        else if (!strcmp(k, "min_lr")) c.schedule.min_lr = x;
        else if (!strcmp(k, "per_step")) c.schedule.per_step = (int)x;
        else if (!strcmp(k, "factor")) c.schedule.factor = x;
        else if (!strcmp(k, "patience")) c.schedule.patience = (int)x;
        else if (!strcmp(k, "clip_norm")) c.clip_norm = x;
        else if (!strcmp(k, "clip_value")) c.clip_value = x;
        else if (!strcmp(k, "epochs")) c.epochs = (int)x;
        else if (!strcmp(k, "batch")) c.batch = (int)x;
        else fail_msg("fixture key '%s' unknown", k);
    }
    c.shuffle = 0;
    return c;
}

typedef struct lr_log {
    double lrs[16];
    int n;
} lr_log;
static void log_lr(const hone_epoch_stats *s, void *user) {
    lr_log *log = user;
    if (log->n < 16) log->lrs[log->n++] = s->lr;
}

/* Trains the fixture network on the first `rows` training rows; returns the model. */
static hone_model *train_fixture(const hone_train_config *cfg, size_t rows, lr_log *log) {
    const hone_layer_spec specs[3] = {{.kind = HONE_LAYER_DENSE, .units = 5}, {.kind = HONE_LAYER_TANH}, {.kind = HONE_LAYER_DENSE, .units = 3}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 4, specs, 3, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal((int)m->n_params, n_init);
    for (int i = 0; i < n_init; i++) m->params[i] = (hone_real)finit[i];
    hone_real x[32], dx[16];
    int32_t y[8], dy[4];
    size_t idx[8] = {0, 1, 2, 3, 4, 5, 6, 7}, didx[4] = {0, 1, 2, 3};
    for (int i = 0; i < 32; i++) x[i] = (hone_real)fx[i];
    for (int i = 0; i < 16; i++) dx[i] = (hone_real)fdx[i];
    for (int i = 0; i < 8; i++) y[i] = (int32_t)fy[i];
    for (int i = 0; i < 4; i++) dy[i] = (int32_t)fdy[i];
    hone_dataset train = {.n = 8, .d = 4, .x = x, .label = y, .n_classes = 3};
    hone_dataset dev = {.n = 4, .d = 4, .x = dx, .label = dy, .n_classes = 3};
    hone_split split = {.train = {&train, idx, rows}, .dev = {&dev, didx, 4}};
    assert_int_equal(hone_train(m, &split, cfg, &(hone_train_hooks){.on_epoch = log ? log_lr : NULL, .user = log}, NULL, &err), HONE_OK);
    return m;
}

static void refused(hone_status st, const hone_error *err, const char *part) {
    assert_int_equal(st, HONE_ERR_VALUE);
    if (!strstr(err->message, part)) fail_msg("wanted '%s' in: %s", part, err->message);
}

/* hone_train_check, which hone_train runs first, refuses what the data shows a config cannot do:
 * a per-step cosine warm-up as long as the run (it never reached lr), early stopping on the dev
 * accuracy of a regression (NaN, never better: the first epoch's weights were kept). */
static void test_train_check_needs_the_data(void **state) {
    (void)state;
    hone_real x[8 * 4], t[8], dx[4 * 4], dt[4];
    int32_t y[8], dy[4];
    size_t idx[8] = {0, 1, 2, 3, 4, 5, 6, 7}, didx[4] = {0, 1, 2, 3};
    for (int i = 0; i < 32; i++) x[i] = (hone_real)(i % 7) / 7;
    for (int i = 0; i < 16; i++) dx[i] = (hone_real)(i % 5) / 5;
    for (int i = 0; i < 8; i++) y[i] = i % 3, t[i] = (hone_real)i / 8;
    for (int i = 0; i < 4; i++) dy[i] = i % 3, dt[i] = (hone_real)i / 4;
    hone_dataset train = {.n = 8, .d = 4, .x = x, .label = y, .n_classes = 3, .target = t, .t = 1};
    hone_dataset dev = {.n = 4, .d = 4, .x = dx, .label = dy, .n_classes = 3, .target = dt, .t = 1};
    hone_split split = {.train = {&train, idx, 8}, .dev = {&dev, didx, 4}};
    const int hidden[1] = {5};
    hone_model *classifier, *regression;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&classifier, 4, hidden, 1, 3, HONE_LAYER_TANH, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_create_mlp(&regression, 4, hidden, 1, 1, HONE_LAYER_TANH, HONE_LOSS_MSE, &err), HONE_OK);
    hone_train_config c = hone_train_config_default();
    c.epochs = 3;
    c.batch = 4; /* 2 steps an epoch, 6 in the run */
    c.schedule.per_step = 1;
    c.schedule.warmup = 6;
    refused(hone_train_check(classifier, &split, &c, &err), &err,
            "cosine: warm-up (6 steps) must be shorter than the run (6 steps: 3 epochs of 2)");
    assert_string_equal(err.field, "schedule.warmup");
    refused(hone_train(classifier, &split, &c, NULL, NULL, &err), &err, "warm-up (6 steps)");
    c.schedule.warmup = 5;
    assert_int_equal(hone_train_check(classifier, &split, &c, &err), HONE_OK);
    c.schedule.per_step = 0;
    c.schedule.warmup = 0;
    c.early_stopping = (hone_early_stopping){.patience = 2, .on_accuracy = 1};
    assert_int_equal(hone_train_check(classifier, &split, &c, &err), HONE_OK);
    refused(hone_train_check(regression, &split, &c, &err), &err, "early stopping on dev accuracy, and a regression has none");
    assert_string_equal(err.field, "early_stopping.on_accuracy");
    c.early_stopping.on_accuracy = 0;
    assert_int_equal(hone_train_check(regression, &split, &c, &err), HONE_OK);
    hone_model_free(classifier);
    hone_model_free(regression);
}

/* In training, normalization then clipping: one SGD step at rate 1 over the whole batch moves the
 * weights by exactly the clipped norm, whether normalization scales the gradient up or down. */
static void test_training_clips_the_normalized_gradient(void **state) {
    for (int k = 0; k < 2; k++) {
        hone_train_config cfg = hone_train_config_default();
        cfg.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
        cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
        cfg.lr = 1;
        cfg.epochs = 1;
        cfg.batch = 8;
        cfg.normalize_grad = k ? 1e-3 : 50; /* below the clipping norm, then far above it */
        cfg.clip_norm = 0.5;
        hone_model *m = train_fixture(&cfg, 8, NULL);
        double moved = 0;
        for (int i = 0; i < n_init; i++) moved += (m->params[i] - finit[i]) * (m->params[i] - finit[i]);
        th_assert_close(sqrt(moved), k ? 1e-3 : 0.5, 1e-5); /* the 1e-6 in each scale factor */
        hone_model_free(m);
    }
}

static void test_matches_pytorch(void **state) {
    /* double: the same arithmetic up to rounding; float: float rounding over 8-12 steps */
    const double tol = TH_DOUBLE ? 1e-10 : 2e-5;
    for (int k = 0; k < n_cases; k++) {
        const fixture_case *c = &cases[k];
        hone_train_config cfg = config_of(c->config);
        hone_error err;
        assert_int_equal(hone_train_config_check(&cfg, &err), HONE_OK);
        /* the first step: one epoch over the first batch only, at the full run's first rate */
        hone_train_config first = cfg;
        first.epochs = 1;
        first.lr = hone_schedule_lr(&cfg.schedule, cfg.lr, 0, cfg.epochs);
        first.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
        hone_model *m = train_fixture(&first, (size_t)cfg.batch, NULL);
        double worst1 = 0, worst = 0;
        for (int i = 0; i < c->n_params; i++) worst1 = fmax(worst1, fabs(m->params[i] - c->step1[i]) / fmax(1, fabs(c->step1[i])));
        hone_model_free(m);
        lr_log log = {{0}, 0};
        m = train_fixture(&cfg, 8, &log);
        for (int i = 0; i < c->n_params; i++) worst = fmax(worst, fabs(m->params[i] - c->final[i]) / fmax(1, fabs(c->final[i])));
        print_message("%-22s step 1 %.1e  final %.1e\n", c->name, worst1, worst);
        assert_true(worst1 < tol);
        assert_true(worst < tol);
        assert_int_equal(log.n, c->n_lrs);
        for (int e = 0; e < c->n_lrs; e++) th_assert_close(log.lrs[e], c->lrs[e], 1e-12);
        hone_model_free(m);
    }
}

/* Adam's first step moves every weight by lr (m^ / sqrt(v^) = g / |g|): without the bias
 * correction it would move by lr (1 - b1) / sqrt(1 - b2), about 3.16 lr. */
static void test_adam_first_step_shows_bias_correction(void **state) {
    for (int k = 0; k < n_cases; k++) {
        if (strcmp(cases[k].name, "adam")) continue;
        for (int i = 0; i < n_init; i++) {
            double moved = fabs(cases[k].step1[i] - finit[i]);
            if (moved > 0) th_assert_close(moved / 0.01, 1.0, 1e-4); /* torch's reference itself */
        }
        hone_train_config cfg = config_of(cases[k].config);
        cfg.epochs = 1;
        hone_model *m = train_fixture(&cfg, 4, NULL);
        for (int i = 0; i < n_init; i++) {
            double moved = fabs(m->params[i] - finit[i]);
            if (moved > 0) th_assert_close(moved / 0.01, 1.0, TH_DOUBLE ? 1e-4 : 1e-3);
        }
        hone_model_free(m);
        return;
    }
    fail_msg("no adam case in the fixtures");
}

static void test_impossible_settings(void **state) {
    hone_error err;
    hone_train_config c = hone_train_config_default();
    c.optimizer.beta1 = 1;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "beta1 must be in [0, 1)"));
    assert_string_equal(err.field, "optimizer.beta1"); /* the field, for a caller to name its option */
    c = hone_train_config_default();
    c.optimizer.beta2 = -0.1;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "beta2"));
    c = hone_train_config_default();
    c.optimizer.eps = 0;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "eps must be positive"));
    c = hone_train_config_default();
    c.optimizer.kind = (hone_optimizer_kind)42;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "unknown optimizer"));
    c = hone_train_config_default();
    c.schedule.kind = (hone_schedule_kind)42;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "unknown learning-rate schedule"));
    c = hone_train_config_default();
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_EXPONENTIAL);
    c.schedule.rate = 1.5;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_string_equal(err.field, "schedule.rate");
    c = hone_train_config_default();
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_COSINE);
    c.schedule.warmup = c.epochs;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_string_equal(err.field, "schedule.warmup");
    c = hone_train_config_default();
    c.clip_norm = -1;
    assert_int_equal(hone_train_config_check(&c, &err), HONE_ERR_VALUE);
    assert_string_equal(err.field, "clip_norm");
    hone_dataset *none = NULL; /* any other error names no field */
    const hone_csv_options csv = hone_csv_options_default();
    assert_int_equal(hone_dataset_load_csv(&none, "/nonexistent/x.csv", &csv, &err), HONE_ERR_IO);
    assert_null(err.field);
    assert_int_equal(hone_optimizer_kind_parse("adagrad"), 0);
    assert_int_equal(hone_schedule_kind_parse("linear"), -1);
}

/* Catches AdamW's default decay and exponential's default
 * factor. hone.h documents "AdamW weight decay 0.01" (torch.optim.AdamW's default) and the CLI
 * help "exponential/step factor (auto 0.95/0.5)", "inverse_time rate (auto 1)"; hone.h gives the
 * plateau's factor 0.1, patience 10, threshold 1e-4 (torch's ReduceLROnPlateau). No test read any
 * of them but beta2. */
static void test_documented_defaults(void **state) {
    const hone_optimizer_config aw = hone_optimizer_config_default(HONE_OPTIMIZER_ADAMW);
    assert_true(aw.weight_decay == 0.01);
    assert_true(aw.beta1 == 0.9 && aw.beta2 == 0.999 && aw.eps == 1e-8);
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_ADAM).weight_decay == 0);
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_SGD).weight_decay == 0);
    assert_true(hone_schedule_config_default(HONE_SCHEDULE_EXPONENTIAL).rate == 0.95);
    assert_true(hone_schedule_config_default(HONE_SCHEDULE_INVERSE_TIME).rate == 1);
    const hone_schedule_config st = hone_schedule_config_default(HONE_SCHEDULE_STEP);
    assert_true(st.rate == 0.5 && st.step_size == 10);
    const hone_schedule_config pl = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    assert_true(pl.factor == 0.1 && pl.patience == 10 && pl.threshold == 1e-4);
}

/* Catches plateau's threshold taken as absolute, best - threshold. The existing
 * plateau checks start from best = 1.0, where best (1 - thr) and best - thr are the same number.
 * From best 10 with thr 1e-4: an improvement must beat 10 (1 - 1e-4) = 9.999, so 9.9995 is a
 * bad epoch (patience 0: lr halves to 0.5), where the absolute form (10 - 1e-4 = 9.9999) would
 * call it better and keep lr 1. Then 9.998 < 9.999 is an improvement: lr stays 0.5. */
static void test_plateau_threshold_is_relative(void **state) {
    hone_schedule_config pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    pc.patience = 0;
    pc.factor = 0.5;
    pc.threshold = 1e-4;
    honeO_plateau p;
    honeO_plateau_start(&p);
    double lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 10.0);
    assert_true(lr == 1 && p.best == 10.0);
    lr = honeO_plateau_update(&p, &pc, lr, 9.9995);
    assert_true(lr == 0.5);
    assert_true(p.best == 10.0);
    lr = honeO_plateau_update(&p, &pc, lr, 9.998);
    assert_true(lr == 0.5 && p.best == 9.998);
}

/* Catches two of torch ReduceLROnPlateau's rules the fixtures never reach:
 * - an improvement must be strictly below best (1 - threshold): with threshold 0.5 and best
 *   1.0, a dev loss of exactly 0.5 is not one (patience 0: lr halves), 0.25 is;
 * - a cut smaller than eps = 1e-8 is ignored: from lr 1e-8, factor 0.1 would cut by 9e-9, so lr
 *   stays 1e-8 however long the plateau; from 2e-8 the cut of 1.8e-8 is made. */
static void test_plateau_strict_improvement_and_eps(void **state) {
    hone_schedule_config pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    pc.patience = 0;
    pc.factor = 0.5;
    pc.threshold = 0.5;
    honeO_plateau p;
    honeO_plateau_start(&p);
    double lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    assert_true(lr == 1 && p.best == 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 0.5);
    assert_true(lr == 0.5 && p.best == 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 0.25);
    assert_true(lr == 0.5 && p.best == 0.25);

    pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU); /* factor 0.1, min_lr 0 */
    pc.patience = 0;
    honeO_plateau_start(&p);
    lr = 1e-8;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    for (int epoch = 0; epoch < 5; epoch++) lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    assert_true(lr == 1e-8);
    honeO_plateau_start(&p);
    lr = 2e-8;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    th_assert_close(lr, 2e-9, 1e-12);
}

/* Each refusal of hone_train_config_check at its edge: the last value it takes, and the first it
 * refuses, naming the field (mutation round 5: epochs 0 passed when the cosine default refused it
 * for another reason, and most edges were tested from one side only). */
static void config_edge(const hone_train_config *c, const char *refused, const char *what) {
    hone_error err = {0};
    const hone_status st = hone_train_config_check(c, &err);
    if (!refused && st != HONE_OK) fail_msg("%s: refused (%s)", what, err.message);
    if (refused && st != HONE_ERR_VALUE) fail_msg("%s: accepted, wanted %s refused", what, refused);
    if (refused && (!err.field || strcmp(err.field, refused)))
        fail_msg("%s: refused by %s (%s), wanted %s", what, err.field ? err.field : "no field", err.message, refused);
}

#define EDGE(refused, ...)                                                                                             \
    do {                                                                                                               \
        hone_train_config c = hone_train_config_default();                                                             \
        c.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);                                            \
        __VA_ARGS__;                                                                                                   \
        config_edge(&c, refused, #__VA_ARGS__);                                                                        \
    } while (0)

static void test_config_check_edges(void **state) {
    const bool f32 = sizeof(hone_real) == 4;
    EDGE(NULL, c.epochs = 1);
    EDGE("epochs", c.epochs = 0);
    EDGE(NULL, c.batch = 1);
    EDGE("batch", c.batch = 0);
    EDGE(f32 ? "lr" : NULL, c.lr = 1e-50);
    EDGE(f32 ? "lr" : NULL, c.lr = 1e300, c.schedule.min_lr = 0);
    EDGE("lr", c.lr = INFINITY);
    EDGE(NULL, c.optimizer.kind = HONE_OPTIMIZER_ADAMW);
    EDGE("optimizer.kind", c.optimizer.kind = (hone_optimizer_kind)(HONE_OPTIMIZER_ADAMW + 1));
    EDGE("optimizer.kind", c.optimizer.kind = (hone_optimizer_kind)0);
    EDGE(NULL, c.optimizer.beta1 = 0, c.optimizer.beta2 = 0);
    EDGE("optimizer.beta2", c.optimizer.beta2 = 1);
    /* the averages are taken in hone_real: a beta float32 rounds to 1 froze momentum, blew up Adam */
    EDGE(NULL, c.optimizer.beta1 = 0.99999994, c.optimizer.beta2 = 0.99999994);
    EDGE(f32 ? "optimizer.beta1" : NULL, c.optimizer.beta1 = 0.99999999);
    EDGE(f32 ? "optimizer.beta2" : NULL, c.optimizer.beta2 = 0.99999999);
    EDGE(f32 ? "optimizer.eps" : NULL, c.optimizer.eps = 1e-50);
    EDGE(NULL, c.lr = 0.5, c.optimizer.weight_decay = 1.99);
    EDGE("optimizer.weight_decay", c.lr = 0.5, c.optimizer.weight_decay = 2);
    EDGE("optimizer.weight_decay", c.optimizer.weight_decay = -1e-9);
    EDGE(NULL, c.schedule.kind = HONE_SCHEDULE_PLATEAU);
    EDGE("schedule.kind", c.schedule.kind = (hone_schedule_kind)(HONE_SCHEDULE_PLATEAU + 1));
    EDGE("schedule.kind", c.schedule.kind = (hone_schedule_kind)-1);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_INVERSE_TIME), c.schedule.rate = 0);
    EDGE("schedule.rate", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_INVERSE_TIME), c.schedule.rate = -1e-9);
    EDGE("schedule.rate", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_INVERSE_TIME), c.schedule.rate = INFINITY);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_EXPONENTIAL), c.schedule.rate = 1);
    EDGE("schedule.rate", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_EXPONENTIAL), c.schedule.rate = 0);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_STEP), c.schedule.rate = 1);
    EDGE("schedule.rate", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_STEP), c.schedule.rate = 1.01);
    EDGE("schedule.rate", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_INVERSE_SQRT), c.schedule.rate = 0);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_STEP), c.schedule.step_size = 1);
    EDGE("schedule.step_size", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_STEP), c.schedule.step_size = 0);
    EDGE("schedule.warmup", c.schedule.warmup = -1);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_COSINE), c.schedule.warmup = c.epochs - 1);
    EDGE("schedule.warmup", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_COSINE), c.schedule.warmup = c.epochs);
    /* per step, the run's length in steps is known only with the data (hone_train_check) */
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_COSINE), c.schedule.per_step = 1,
         c.schedule.warmup = c.epochs);
    EDGE(NULL, c.schedule.min_lr = c.lr);
    EDGE("schedule.min_lr", c.schedule.min_lr = c.lr * 1.01);
    EDGE("schedule.min_lr", c.schedule.min_lr = -1e-9);
    EDGE("schedule.per_step", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.per_step = 1);
    EDGE(NULL, c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.factor = 0.99,
         c.schedule.patience = 0, c.schedule.threshold = 0);
    EDGE("schedule.factor", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.factor = 1);
    EDGE("schedule.factor", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.factor = 0);
    EDGE("schedule.patience", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.patience = -1);
    EDGE("schedule.threshold", c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU), c.schedule.threshold = 1);
    EDGE(NULL, c.clip_value = 1e300, c.clip_norm = 1e300, c.normalize_grad = 1e300);
    EDGE("clip_value", c.clip_value = INFINITY);
    EDGE("clip_value", c.clip_value = -1e-9);
    EDGE(NULL, c.clip_value = 1.5e-45); /* float32's least above 0 */
    EDGE(f32 ? "clip_value" : NULL, c.clip_value = 1e-46); /* 0 in float32: every gradient set to 0 */
    EDGE("clip_norm", c.clip_norm = INFINITY);
    EDGE("normalize_grad", c.normalize_grad = INFINITY);
    EDGE("normalize_grad", c.normalize_grad = -1e-9);
    EDGE(NULL, c.early_stopping.patience = 0, c.early_stopping.min_delta = 0);
    EDGE("early_stopping.patience", c.early_stopping.patience = -1);
    EDGE("early_stopping.min_delta", c.early_stopping.min_delta = -1e-9);
    EDGE("early_stopping.min_delta", c.early_stopping.min_delta = INFINITY);
    EDGE(NULL, c.augment.shift = 64, c.augment.rotate = 180);
    EDGE("augment.shift", c.augment.shift = 65);
    EDGE("augment.shift", c.augment.shift = -1);
    EDGE("augment.rotate", c.augment.rotate = 180.5);
    EDGE("augment.rotate", c.augment.rotate = -1e-9);
    EDGE("augment.noise", c.augment.noise = -1e-9);
    EDGE("augment.noise", c.augment.noise = INFINITY);
    EDGE(NULL, c.shuffle = 0, c.optimizer.momentum_ewma = 0, c.early_stopping.on_accuracy = 1, c.augment.flip = 1);
    EDGE("shuffle", c.shuffle = 2);
    EDGE("shuffle", c.shuffle = -1);
    EDGE("optimizer.momentum_ewma", c.optimizer.momentum_ewma = 2);
    EDGE("schedule.per_step", c.schedule.per_step = 2);
    EDGE("early_stopping.on_accuracy", c.early_stopping.on_accuracy = 2);
    EDGE("augment.flip", c.augment.flip = 2);
}
#undef EDGE


int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_ewma),
        th_test(test_each_rule_is_its_formula),
        th_test(test_fused_step_equals_separate_passes),
        th_test(test_backward_step_equals_backward_then_step),
        th_test(test_schedules_are_their_formulas),
        th_test(test_optimizer_reads_what_changes_its_steps),
        th_test(test_schedule_reads_what_changes_its_rates),
        th_test(test_kind_names_parse_back),
        th_test(test_optimizer_defaults),
        th_test(test_clipping),
        th_test(test_train_check_needs_the_data),
        th_test(test_training_clips_the_normalized_gradient),
        th_test(test_matches_pytorch),
        th_test(test_adam_first_step_shows_bias_correction),
        th_test(test_impossible_settings),
        th_test(test_documented_defaults),
        th_test(test_plateau_threshold_is_relative),
        th_test(test_plateau_strict_improvement_and_eps),
        th_test(test_config_check_edges),
    };
    return cmocka_run_group_tests(tests, load_fixtures, NULL);
}
