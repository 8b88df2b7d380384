/* test_regularize.c - L2/L1, dropout, batch norm, early stopping and augmentation. */
#include "harness.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A network with every kind the recipe uses: Dropout(input) Dense BN ReLU Dropout Dense Tanh Dense */
static hone_model *recipe_net(hone_loss_kind loss, int outputs, hone_rng *rng) {
    const hone_layer_spec specs[] = {
        {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.9f}, {.kind = HONE_LAYER_DENSE, .units = 7, .no_bias = 1},
        {.kind = HONE_LAYER_BATCHNORM},                  {.kind = HONE_LAYER_RELU},
        {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.6f}, {.kind = HONE_LAYER_DENSE, .units = 5},
        {.kind = HONE_LAYER_TANH},                       {.kind = HONE_LAYER_DENSE, .units = outputs},
    };
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 6, specs, 8, loss, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, rng, &err), HONE_OK);
    /* every weight away from 0 (|w| >= 0.05) so L1's kink is never within eps; gamma, beta moved */
    for (size_t i = 0; i < m->n_params; i++) {
        double w = m->params[i] + 0.2 * hone_rng_normal(rng);
        m->params[i] = (hone_real)(w >= 0 ? w + 0.05 : w - 0.05);
    }
    return m;
}

static void random_xy(const hone_model *m, hone_real *X, hone_real *Y, int B, hone_rng *rng) {
    int O = hone_model_outputs(m);
    th_fill_uniform(X, (size_t)B * m->inputs, rng, -2, 2);
    memset(Y, 0, (size_t)B * O * sizeof *Y);
    for (int b = 0; b < B; b++) {
        if (m->loss == HONE_LOSS_SOFTMAX_CE) Y[b * O + hone_rng_below(rng, O)] = 1;
        else th_fill_uniform(Y + b * O, O, rng, -1, 1);
    }
}

static void test_gradcheck_with_l2_l1_batchnorm_dropout(void **state) {
    if (!TH_DOUBLE) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 21);
    const struct { double l2, l1; int decay_bias; } cases[] = {{0, 0, 0}, {0.7, 0, 0}, {0, 0.3, 0}, {0.5, 0.2, 1}};
    for (size_t k = 0; k < 4; k++) {
        hone_model *m = recipe_net(HONE_LOSS_SOFTMAX_CE, 3, &rng);
        hone_error err;
        assert_int_equal(hone_model_set_regularization(m, cases[k].l2, cases[k].l1, cases[k].decay_bias, &err), HONE_OK);
        hone_rng_seed(&m->rng, 5);
        hone_real X[6 * 6], Y[6 * 3];
        random_xy(m, X, Y, 6, &rng);
        hone_real before[64];
        memcpy(before, m->buffers, m->n_buffers * sizeof *before);
        hone_gradcheck_report rep;
        assert_int_equal(hone_model_gradcheck(m, X, Y, 6, 1e-6, 0, &rng, &rep, &err), HONE_OK);
        print_message("l2 %.1f l1 %.1f bias %d: rel %.2e\n", cases[k].l2, cases[k].l1, cases[k].decay_bias, rep.rel_error);
        assert_true(rep.rel_error < 1e-7);
        /* and it was judged: a check whose every forward drew new masks moved the ReLU inputs
         * at each step, set every parameter aside as a kink, and reported 0 (good) */
        assert_true(rep.kinks < rep.checked / 10);
        assert_true(rep.dropout_masks_fixed && rep.batchnorm_training);
        assert_int_equal(rep.n_layers, 4); /* dense, batchnorm, dense, dense */
        assert_memory_equal(before, m->buffers, m->n_buffers * sizeof *before); /* running stats put back */
        assert_int_equal(m->training, 0);
        hone_model_free(m);
    }
}

static void test_penalty_and_its_gradient(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 22);
    const int hidden[1] = {4};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, 3, hidden, 1, 2, HONE_LAYER_TANH, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] += (hone_real)(0.1 * hone_rng_normal(&rng)); /* biases too */
    hone_real X[5 * 3], Y[5 * 2];
    random_xy(m, X, Y, 5, &rng);
    assert_int_equal(hone_model_reserve(m, 5, &err), HONE_OK);
    hone_model_forward(m, X, 5);
    double plain = hone_model_loss(m, Y, 5);
    hone_model_zero_grad(m);
    hone_model_backward(m, X, 5);
    hone_real g0[64];
    memcpy(g0, m->grads, m->n_params * sizeof *g0);
    assert_int_equal(hone_model_set_regularization(m, 0.6, 0.2, 0, &err), HONE_OK);
    double sq = 0, ab = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *L = &m->layers[l];
        if (L->kind != HONE_LAYER_DENSE) continue;
        for (int i = 0; i < L->out * L->in; i++) {
            double w = m->params[L->param_offset + (size_t)i];
            sq += w * w;
            ab += fabs(w);
        }
    }
    hone_model_forward(m, X, 5);
    th_assert_close(hone_model_loss(m, Y, 5), plain + 0.6 / 10 * sq + 0.2 / 5 * ab, TH_EPS);
    hone_model_zero_grad(m);
    hone_model_backward(m, X, 5);
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *L = &m->layers[l];
        if (L->kind != HONE_LAYER_DENSE) continue;
        for (size_t i = 0; i < L->n_params; i++) {
            size_t k = L->param_offset + i;
            double w = m->params[k], extra = i < (size_t)L->out * L->in ? 0.6 / 5 * w + 0.2 / 5 * ((w > 0) - (w < 0)) : 0;
            th_assert_close(m->grads[k], g0[k] + extra, TH_DOUBLE ? 1e-12 : 1e-5); /* biases not decayed */
        }
    }
    assert_int_equal(hone_model_set_regularization(m, -0.1, 0, 0, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "L2 lambda must be 0 or more"));
    assert_int_equal(hone_model_set_regularization(m, 0, NAN, 0, &err), HONE_ERR_VALUE);
    hone_model_free(m);
}

/* The train loss hone_train reports holds the L2 penalty whichever way the step is made: fused
 * (the penalty summed inside backward's step) or apart (clipping needs the whole gradient first;
 * a clip norm of 1e30 clips nothing). The two runs make the same steps, so their losses agree to
 * the rounding of the penalty's sums, and a run without L2 from the same start reports less. */
static void test_reported_loss_holds_the_penalty(void **state) {
    enum { N = 90 };
    static hone_real x[N * 4];
    static int32_t y[N];
    hone_rng rng;
    hone_rng_seed(&rng, 31);
    for (int i = 0; i < N; i++) {
        y[i] = (int32_t)(i % 3);
        for (int j = 0; j < 4; j++) x[i * 4 + j] = (hone_real)(hone_rng_normal(&rng) + (j == y[i]));
    }
    hone_dataset d = {.n = N, .d = 4, .x = x, .label = y, .n_classes = 3};
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0, 0, 3, &err), HONE_OK);
    const int hidden[1] = {16};
    double loss[3];
    for (int run = 0; run < 3; run++) { /* fused with L2, apart with L2, fused without */
        hone_model *m;
        hone_rng init;
        hone_rng_seed(&init, 5);
        assert_int_equal(hone_model_create_mlp(&m, 4, hidden, 1, 3, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
        assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &init, &err), HONE_OK);
        assert_int_equal(hone_model_set_regularization(m, run < 2 ? 5 : 0, 0, 0, &err), HONE_OK);
        hone_train_config cfg = hone_train_config_default();
        cfg.epochs = 1;
        cfg.batch = 30;
        cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
        if (run == 1) cfg.clip_norm = 1e30;
        hone_epoch_stats stats;
        assert_int_equal(hone_train(m, &split, &cfg, NULL, &stats, &err), HONE_OK);
        loss[run] = stats.train_loss;
        hone_model_free(m);
    }
    print_message("train loss: fused %.10g, apart %.10g, without L2 %.10g\n", loss[0], loss[1], loss[2]);
    th_assert_close(loss[0], loss[1], TH_DOUBLE ? 1e-12 : 1e-5);
    assert_true(loss[0] > loss[2] + 0.5);
    hone_split_free(&split);
}

static void test_dropout_at_inference_is_the_plain_network(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 23);
    const int hidden[2] = {9, 8};
    const float keep[2] = {0.5f, 0.8f};
    hone_mlp_spec spec = {.inputs = 6, .outputs = 3, .hidden = hidden, .n_hidden = 2, .activation = HONE_LAYER_RELU,
                          .keep_prob = keep, .input_keep_prob = 0.9f, .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *with, *without;
    hone_error err;
    assert_int_equal(hone_model_create_from_spec(&with, &spec, &err), HONE_OK);
    assert_int_equal(with->n_layers, 8); /* drop, dense, relu, drop, dense, relu, drop, dense */
    spec.keep_prob = NULL;
    spec.input_keep_prob = 0;
    assert_int_equal(hone_model_create_from_spec(&without, &spec, &err), HONE_OK);
    assert_int_equal(with->n_params, without->n_params);
    assert_int_equal(hone_model_init(with, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    memcpy(without->params, with->params, with->n_params * sizeof(hone_real));
    hone_real X[4 * 6], P1[12], P2[12], P3[12];
    th_fill_uniform(X, 24, &rng, -1, 1);
    assert_int_equal(hone_model_reserve(with, 4, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(without, 4, &err), HONE_OK);
    assert_int_equal(hone_model_predict(with, X, 4, P1, NULL, NULL), HONE_OK);
    assert_int_equal(hone_model_predict(with, X, 4, P2, NULL, NULL), HONE_OK);
    assert_int_equal(hone_model_predict(without, X, 4, P3, NULL, NULL), HONE_OK);
    assert_memory_equal(P1, P2, sizeof P1); /* inference draws no masks */
    assert_memory_equal(P1, P3, sizeof P1); /* and scales nothing */
    /* training: about 1 - keep of the units dropped, the survivors scaled by 1 / keep, so the
     * mean is kept; the same generator state gives the same mask */
    enum { ROWS = 200, UNITS = 100, N = ROWS * UNITS };
    static hone_real ones[N], out[N], out2[N], mask[N];
    hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = UNITS, .out = UNITS, .keep_prob = 0.75f};
    for (int i = 0; i < N; i++) ones[i] = 1;
    hone_rng r1, r2;
    hone_rng_seed(&r1, 1);
    r2 = r1;
    honeL_ctx ctx = {.training = 1, .rng = &r1, .aux = mask};
    honeL_dropout.forward(&layer, out, ones, NULL, ROWS, &ctx);
    ctx.rng = &r2;
    honeL_dropout.forward(&layer, out2, ones, NULL, ROWS, &ctx);
    assert_memory_equal(out, out2, sizeof out);
    double kept = 0, sum = 0;
    for (int i = 0; i < N; i++) {
        assert_true(out[i] == 0 || fabs(out[i] - 1 / 0.75) < 1e-6);
        kept += out[i] != 0;
        sum += out[i];
    }
    th_assert_close(kept / N, 0.75, 0.01);
    th_assert_close(sum / N, 1.0, 0.015);
    hone_model_free(with);
    hone_model_free(without);
    /* bad keep probabilities */
    const float bad[2] = {0, 0.5f};
    spec.keep_prob = bad;
    assert_int_equal(hone_model_create_from_spec(&with, &spec, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "keep_prob must be in (0, 1]"));
    spec.keep_prob = NULL;
    spec.input_keep_prob = 1.5f;
    assert_int_equal(hone_model_create_from_spec(&with, &spec, &err), HONE_ERR_VALUE);
}

/* Residual blocks y = act(x + F(x)): gradient checked through the skip, with and without batch
 * norm, and the add's shape rules. */
static void test_residual_blocks(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 26);
    hone_error err;
    const int hidden[5] = {6, 6, 6, 6, 6};
    for (int bn = 0; bn <= 1; bn++) {
        hone_mlp_spec spec = {.inputs = 4, .outputs = 3, .hidden = hidden, .n_hidden = 5, .activation = HONE_LAYER_TANH,
                              .batchnorm = bn, .residual = 1, .loss = HONE_LOSS_SOFTMAX_CE};
        hone_model *m;
        assert_int_equal(hone_model_create_from_spec(&m, &spec, &err), HONE_OK);
        int adds = 0;
        for (int l = 0; l < m->n_layers; l++)
            if (m->layers[l].kind == HONE_LAYER_ADD) {
                adds++;
                assert_int_equal(m->layers[m->layers[l].skip].kind, HONE_LAYER_TANH); /* a block's input */
            }
        assert_int_equal(adds, 2); /* hidden 2-3 and 4-5 */
        assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
        if (!TH_DOUBLE) {
            hone_model_free(m);
            continue;
        }
        for (size_t i = 0; i < m->n_params; i++) m->params[i] += (hone_real)(0.1 * hone_rng_normal(&rng));
        hone_real X[5 * 4], Y[5 * 3];
        random_xy(m, X, Y, 5, &rng);
        hone_gradcheck_report rep;
        assert_int_equal(hone_model_gradcheck(m, X, Y, 5, 1e-6, 0, &rng, &rep, &err), HONE_OK);
        print_message("residual, batch norm %d: rel %.2e\n", bn, rep.rel_error);
        assert_true(rep.rel_error < 1e-7);
        hone_model_free(m);
    }
    /* zeroed branches (batch norm's gamma, or without batch norm the last dense layer): every add
     * outputs exactly what its skip carries in */
    for (int bn = 0; bn <= 1; bn++) {
        hone_mlp_spec spec = {.inputs = 4, .outputs = 3, .hidden = hidden, .n_hidden = 5, .activation = HONE_LAYER_RELU,
                              .batchnorm = bn, .residual = 1, .loss = HONE_LOSS_SOFTMAX_CE};
        hone_model *z;
        assert_int_equal(hone_model_create_from_spec(&z, &spec, &err), HONE_OK);
        assert_int_equal(hone_model_init(z, HONE_INIT_HE, 0, &rng, &err), HONE_OK);
        hone_model_zero_residual_branches(z);
        hone_real X[5 * 4];
        th_fill_uniform(X, 20, &rng, -1, 1);
        assert_int_equal(hone_model_reserve(z, 5, &err), HONE_OK);
        z->training = 1;
        hone_model_forward(z, X, 5);
        for (int l = 0; l < z->n_layers; l++) {
            if (z->layers[l].kind != HONE_LAYER_ADD) continue;
            const hone_real *y = z->acts + z->act_offset[l], *s = z->acts + z->act_offset[z->layers[l].skip];
            assert_memory_equal(y, s, 5 * 6 * sizeof(hone_real));
        }
        hone_model_free(z);
    }
    /* an add from a layer of another width, or from a later layer, is refused */
    const hone_layer_spec bad_width[] = {{.kind = HONE_LAYER_DENSE, .units = 5}, {.kind = HONE_LAYER_DENSE, .units = 3},
                                         {.kind = HONE_LAYER_ADD, .skip = 0}};
    hone_model *m;
    assert_int_equal(hone_model_create(&m, 4, bad_width, 3, HONE_LOSS_MSE, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "adds 5 values to 3"));
    const hone_layer_spec bad_order[] = {{.kind = HONE_LAYER_DENSE, .units = 4}, {.kind = HONE_LAYER_ADD, .skip = 1}};
    assert_int_equal(hone_model_create(&m, 4, bad_order, 2, HONE_LOSS_MSE, &err), HONE_ERR_VALUE);
    /* from the network input: y = x + W x */
    const hone_layer_spec from_input[] = {{.kind = HONE_LAYER_DENSE, .units = 4}, {.kind = HONE_LAYER_ADD, .skip = -1}};
    assert_int_equal(hone_model_create(&m, 4, from_input, 2, HONE_LOSS_MSE, &err), HONE_OK);
    memset(m->params, 0, m->n_params * sizeof(hone_real));
    hone_real X[4] = {1, 2, 3, 4};
    assert_int_equal(hone_model_reserve(m, 1, &err), HONE_OK);
    const hone_real *Z = hone_model_forward(m, X, 1);
    for (int i = 0; i < 4; i++) assert_true(Z[i] == X[i]); /* F = 0: the block is the identity */
    hone_model_free(m);
}

static void test_batchnorm_running_averages(void **state) {
    /* one training batch: running = 0.9 running + 0.1 batch (unbiased variance), as PyTorch */
    hone_layer layer = {.kind = HONE_LAYER_BATCHNORM, .in = 2, .out = 2, .momentum = 0.1f, .eps = 1e-5f};
    hone_real x[3 * 2] = {1, 10, 2, 20, 6, 30}, y[6], p[4] = {1, 1, 0, 0}, st[4] = {0, 0, 1, 1}, aux[8];
    honeL_ctx ctx = {.training = 1, .aux = aux, .state = st};
    honeL_batchnorm.forward(&layer, y, x, p, 3, &ctx);
    /* momentum is a float field: 0.1f is 0.1 to 1.5e-9 */
    th_assert_close(st[0], 0.1 * 3, 1e-7);           /* mean of 1, 2, 6 */
    th_assert_close(st[1], 0.1 * 20, 1e-7);
    th_assert_close(st[2], 0.9 + 0.1 * 7, 1e-7);     /* unbiased variance of 1, 2, 6 = 7 */
    th_assert_close(st[3], 0.9 + 0.1 * 100, 1e-7);
    /* training output: zero mean, unit (biased) variance per unit */
    th_assert_close(y[0] + y[2] + y[4], 0, 1e-5);
    th_assert_close((y[1] * y[1] + y[3] * y[3] + y[5] * y[5]) / 3, 1, 1e-4);
    /* inference uses the running statistics: y = gamma (x - mean) / sqrt(var + eps) + beta */
    p[0] = 2;
    p[2] = 0.5;
    ctx.training = 0;
    honeL_batchnorm.forward(&layer, y, x, p, 3, &ctx);
    th_assert_close(y[0], 2 * (1 - 0.3) / sqrt(1.6 + 1e-5) + 0.5, 1e-5);
    th_assert_close(st[0], 0.3, 1e-7); /* inference leaves them alone */
}

/* A large network on few noisy rows: dev loss soon rises, so early stopping must end the run and
 * put back the weights of the best epoch. */

static void test_early_stopping_restores_the_best_epoch(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 24);
    enum { N = 120 };
    static hone_real x[N * 4];
    static int32_t y[N];
    for (int i = 0; i < N; i++) {
        y[i] = (int32_t)hone_rng_below(&rng, 2); /* labels unrelated to the features: pure noise */
        for (int j = 0; j < 4; j++) x[i * 4 + j] = (hone_real)hone_rng_normal(&rng);
    }
    hone_dataset d = {.n = N, .d = 4, .x = x, .label = y, .n_classes = 2};
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0.3, 0, 3, &err), HONE_OK);
    const int hidden[2] = {64, 64};
    hone_model *m;
    assert_int_equal(hone_model_create_mlp(&m, 4, hidden, 2, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 200;
    cfg.batch = 16;
    cfg.lr = 0.01;
    cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    cfg.early_stopping.patience = 5;
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    print_message("stopped after epoch %d, best %d\n", last.epoch, last.best_epoch);
    assert_true(last.stopped_early);
    assert_true(last.epoch < 200);
    assert_int_equal(last.epoch, last.best_epoch + 5);
    /* retraining from the same start for exactly best_epoch epochs, without early stopping,
     * reaches the weights the model now holds */
    hone_model *ref;
    assert_int_equal(hone_model_create_mlp(&ref, 4, hidden, 2, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    hone_rng_seed(&rng, 24);
    for (int i = 0; i < N; i++) {
        hone_rng_below(&rng, 2);
        for (int j = 0; j < 4; j++) hone_rng_normal(&rng);
    }
    assert_int_equal(hone_model_init(ref, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    hone_train_config plain = cfg;
    plain.early_stopping.patience = 0;
    plain.epochs = last.best_epoch;
    assert_int_equal(hone_train(ref, &split, &plain, NULL, NULL, &err), HONE_OK);
    assert_memory_equal(ref->params, m->params, m->n_params * sizeof(hone_real));
    hone_model_free(ref);
    /* no dev set: an error, not a silent no-op */
    hone_split no_dev = split;
    no_dev.dev.n = 0;
    assert_int_equal(hone_train(m, &no_dev, &cfg, NULL, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "early stopping"));
    hone_model_free(m);
    hone_split_free(&split);
}

/* A model of one batch-norm layer over O inputs, room for 8 rows. */
static hone_model *batchnorm_alone(int O) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_BATCHNORM}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, O, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, 8, &err), HONE_OK);
    return m;
}

/* Running statistics from a batch of two rows (unbiased variance 2 of {1, 3}); eps in training
 * mode, where a constant unit must give 0, not NaN, and a nearly constant one (x - mean) /
 * sqrt(var + eps). */
static void test_batchnorm_two_rows_and_a_constant_unit(void **state) {
    hone_model *m = batchnorm_alone(1);
    m->training = 1;
    hone_real X[2] = {1, 3};
    hone_model_forward(m, X, 2);
    th_assert_close(m->buffers[0], 0.1 * 2, 1e-6);           /* mean 2, momentum 0.1 */
    th_assert_close(m->buffers[1], 0.9 * 1 + 0.1 * 2, 1e-6); /* unbiased var 2 */
    hone_model_free(m);
    m = batchnorm_alone(2);
    m->training = 1;
    hone_real X2[8] = {5, 0, 5, 0.001f, 5, 0, 5, 0.001f}; /* unit 0 constant; unit 1 var 2.5e-7 */
    const hone_real *Y = hone_model_forward(m, X2, 4);
    for (int i = 0; i < 8; i++) assert_true(isfinite(Y[i]));
    assert_true(Y[0] == 0);
    th_assert_close(Y[3], 0.0005 / sqrt(2.5e-7 + 1e-5), 1e-4);
    hone_model_free(m);
}

/* Each unit's mask is its own draw: about half of neighbouring pairs differ at keep 0.5. */
static void test_dropout_masks_are_independent(void **state) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.5f}};
    hone_model *m;
    hone_error err;

    enum { O = 4000 };

    assert_int_equal(hone_model_create(&m, O, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, 1, &err), HONE_OK);
    hone_rng_seed(&m->rng, 7);
    m->training = 1;
    static hone_real X[O];
    for (int i = 0; i < O; i++) X[i] = 1;
    const hone_real *Y = hone_model_forward(m, X, 1);
    int differ = 0;
    for (int i = 0; i + 1 < O; i += 2) differ += (Y[i] == 0) != (Y[i + 1] == 0);
    assert_true(differ > O / 2 * 0.4 && differ < O / 2 * 0.6); /* about half the pairs differ */
    hone_model_free(m);
}

/* --decay-bias puts the biases in the L2 penalty (W 1..4, b 5, 6); L1's gradient at W = 0 is 0,
 * as torch's sign, with biases decayed too (they start at 0). */
static void test_decay_bias_and_l1_at_zero(void **state) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DENSE, .units = 2}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 2, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] = (hone_real)(i + 1); /* W 1..4, b 5, 6 */
    assert_int_equal(hone_model_set_regularization(m, 1, 0, 0, &err), HONE_OK);
    th_assert_close(hone_model_penalty(m, 1), (1 + 4 + 9 + 16) / 2.0, TH_EPS);
    assert_int_equal(hone_model_set_regularization(m, 1, 0, 1, &err), HONE_OK);
    th_assert_close(hone_model_penalty(m, 1), (1 + 4 + 9 + 16 + 25 + 36) / 2.0, TH_EPS);
    hone_model_free(m);
    const hone_layer_spec one[] = {{.kind = HONE_LAYER_DENSE, .units = 1}};
    assert_int_equal(hone_model_create(&m, 2, one, 1, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, 1, &err), HONE_OK);
    m->params[0] = 0;
    m->params[1] = 1;
    m->params[2] = 0;                    /* W = [0, 1], b = 0 */
    hone_real X[2] = {0, 0}, Y[1] = {0}; /* data gradient of W is 0 (x = 0), of b is 0 (z = y) */
    assert_int_equal(hone_model_set_regularization(m, 0, 1, 1, &err), HONE_OK);
    hone_model_zero_grad(m);
    hone_model_forward(m, X, 1);
    hone_model_data_loss(m, Y, 1);
    hone_model_backward(m, X, 1);
    assert_true(m->grads[0] == 0); /* sign(0) = 0, as torch */
    assert_true(m->grads[1] == 1);
    assert_true(m->grads[2] == 0);
    hone_model_free(m);
}

/* Early stopping on noise (120 rows, 4 features, random labels; 84 train, 36 dev): the run for
 * config c of a 4-32-32-2 ReLU network (batch norm after each hidden layer when bn) from seed. */
typedef struct noise_run {
    hone_real x[120 * 4];
    int32_t y[120];
    hone_dataset d;
    hone_split split;
    hone_model *m;
    hone_epoch_stats last;
} noise_run;

static hone_model *noise_network(int bn, uint64_t seed) {
    static const int hidden[2] = {32, 32};
    hone_mlp_spec spec = {.inputs = 4,
                          .outputs = 2,
                          .hidden = hidden,
                          .n_hidden = 2,
                          .activation = HONE_LAYER_RELU,
                          .batchnorm = bn,
                          .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_from_spec(&m, &spec, &err), HONE_OK);
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    return m;
}

static void noise_data(noise_run *r, uint64_t data_seed) {
    hone_rng rng;
    hone_rng_seed(&rng, data_seed);
    for (int i = 0; i < 120; i++) {
        r->y[i] = (int32_t)hone_rng_below(&rng, 2);
        for (int j = 0; j < 4; j++) r->x[i * 4 + j] = (hone_real)hone_rng_normal(&rng);
    }
    r->d = (hone_dataset){.n = 120, .d = 4, .x = r->x, .label = r->y, .n_classes = 2};
    hone_error err;
    assert_int_equal(hone_split_make(&r->split, &r->d, NULL, 0.3, 0, 3, &err), HONE_OK);
}

static void noise_train(noise_run *r, uint64_t data_seed, int bn, uint64_t seed, const hone_train_config *c) {
    noise_data(r, data_seed);
    r->m = noise_network(bn, seed);
    hone_error err;
    assert_int_equal(hone_train(r->m, &r->split, c, NULL, &r->last, &err), HONE_OK);
}

static void noise_free(noise_run *r) {
    hone_model_free(r->m);
    hone_split_free(&r->split);
}

/* Patience 3, constant lr, batches of 16, at most `epochs`. */
static hone_train_config early_stop_config(int epochs, double lr) {
    hone_train_config c = hone_train_config_default();
    c.epochs = epochs;
    c.batch = 16;
    c.lr = lr;
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    c.early_stopping.patience = 3;
    return c;
}

/* min_delta: nothing after epoch 1 improves the dev loss by 1e6, so epoch 1 is best and the run
 * stops at 4; on accuracy, an equal accuracy (lr 1e-12 keeps it frozen) is not an improvement. */
static void test_early_stopping_min_delta_and_accuracy_ties(void **state) {
    static noise_run r;
    hone_train_config c = early_stop_config(50, 0.01);
    c.early_stopping.min_delta = 1e6;
    noise_train(&r, 5, 0, 1, &c);
    assert_int_equal(r.last.best_epoch, 1);
    assert_int_equal(r.last.epoch, 4);
    noise_free(&r);
    c = early_stop_config(50, 1e-12);
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    c.early_stopping.on_accuracy = 1;
    noise_train(&r, 5, 0, 1, &c);
    assert_int_equal(r.last.best_epoch, 1);
    assert_int_equal(r.last.epoch, 4);
    noise_free(&r);
}

/* With batch norm, the best epoch's running statistics and batch count come back with its
 * weights: the model equals one trained for exactly best_epoch epochs. */
static void test_early_stopping_restores_batchnorm_statistics(void **state) {
    static noise_run r;
    const hone_train_config c = early_stop_config(200, 0.01);
    noise_train(&r, 24, 1, 9, &c);
    assert_true(r.last.stopped_early && r.last.best_epoch < r.last.epoch);
    hone_model *ref = noise_network(1, 9);
    hone_train_config plain = c;
    plain.early_stopping.patience = 0;
    plain.epochs = r.last.best_epoch;
    hone_error err;
    assert_int_equal(hone_train(ref, &r.split, &plain, NULL, NULL, &err), HONE_OK);
    assert_memory_equal(ref->params, r.m->params, r.m->n_params * sizeof(hone_real));
    assert_memory_equal(ref->buffers, r.m->buffers, r.m->n_buffers * sizeof(hone_real));
    assert_true(ref->bn_batches == r.m->bn_batches);
    hone_model_free(ref);
    noise_free(&r);
}

/* The epoch's gradient norm is the mean of its batches' norms: three batches of a network that
 * SGD at lr 1e-12 leaves as it is, so each batch's norm can be computed apart on a copy and the
 * mean told from the last batch's norm or their sum. */
static void test_epoch_grad_norm_is_the_batches_mean(void **state) {
    static noise_run r;
    noise_data(&r, 5);
    const size_t n = r.split.train.n;
    enum { BATCHES = 3 };
    assert_true(n % BATCHES == 0);
    const int B = (int)(n / BATCHES);
    hone_model *ref = noise_network(0, 1);
    hone_error err;
    assert_int_equal(hone_model_reserve(ref, B, &err), HONE_OK);
    static hone_real X[120 * 4], Y[120 * 2];
    double norms[BATCHES], want = 0;
    ref->training = 1;
    for (int k = 0; k < BATCHES; k++) {
        hone_model_gather(ref, X, Y, &r.d, r.split.train.index + (size_t)k * B, B);
        hone_model_zero_grad(ref);
        hone_model_forward(ref, X, B);
        hone_model_loss(ref, Y, B);
        hone_model_backward(ref, X, B);
        norms[k] = honeO_norm(ref->grads, ref->n_params);
        want += norms[k] / BATCHES;
    }
    /* the three differ enough that the mean is neither the last nor any one of them */
    for (int k = 0; k < BATCHES; k++) assert_true(fabs(norms[k] - want) > 1e-3 * want);
    r.m = noise_network(0, 1);
    hone_train_config c = hone_train_config_default();
    c.epochs = 1;
    c.batch = B;
    c.shuffle = 0;
    c.lr = 1e-12;
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    assert_int_equal(hone_train(r.m, &r.split, &c, NULL, &r.last, &err), HONE_OK);
    th_assert_close(r.last.grad_norm, want, 1e-4);
    hone_model_free(ref);
    noise_free(&r);
}

static void test_image_transforms(void **state) {
    enum { H = 5, W = 5 };
    hone_real src[H * W] = {0}, dst[H * W];
    src[1 * W + 1] = 1; /* one lit pixel at row 1, column 1 */
    honeD_transform_image(dst, src, H, W, 0, 0, 0, 0);
    assert_memory_equal(dst, src, sizeof src);
    honeD_transform_image(dst, src, H, W, 2, 1, 0, 0); /* right 2, down 1 */
    th_assert_close(dst[2 * W + 3], 1, 1e-6);
    th_assert_close(dst[1 * W + 1], 0, 1e-6);
    honeD_transform_image(dst, src, H, W, 0, 0, 0, 1); /* mirror */
    th_assert_close(dst[1 * W + 3], 1, 1e-6);
    honeD_transform_image(dst, src, H, W, 0, 0, 90, 0); /* a quarter turn moves (1,1) to a corner-side pixel */
    double total = 0;
    for (int i = 0; i < H * W; i++) total += dst[i];
    th_assert_close(total, 1, 1e-6);
    th_assert_close(dst[1 * W + 1], 0, 1e-6);
    honeD_transform_image(dst, src, H, W, 9, 0, 0, 0); /* shifted out: black */
    for (int i = 0; i < H * W; i++) assert_true(dst[i] == 0);
    /* random draws repeat with the seed, and stay within the bounds */
    hone_augment aug = {.shift = 1, .rotate = 0, .flip = 0, .noise = 0};
    hone_rng a, b;
    hone_rng_seed(&a, 9);
    b = a;
    hone_real d1[H * W], d2[H * W];
    honeD_augment_image(d1, src, H, W, &aug, &a);
    honeD_augment_image(d2, src, H, W, &aug, &b);
    assert_memory_equal(d1, d2, sizeof d1);
    double lit = 0;
    for (int i = 0; i < H * W; i++) lit += d1[i];
    th_assert_close(lit, 1, 1e-6); /* a 1-pixel shift of an inner pixel keeps it inside */
}

/* Each row of a batch has a generator of its own: no two rows' states share a word, and a row's
 * first draws are not another row's (seeding with batch_seed + row * the seeder's step would
 * give a row three of its neighbour's four words). */
static void test_rows_have_generators_of_their_own(void **state) {
    enum { ROWS = 256 };
    static uint64_t words[ROWS * 4], firsts[ROWS * 2];
    const uint64_t batch_seeds[2] = {0, 0x0123456789abcdefULL};
    for (int s = 0; s < 2; s++) {
        for (int r = 0; r < ROWS; r++) {
            hone_rng rng;
            honeC_row_rng(&rng, batch_seeds[s], r);
            memcpy(words + 4 * r, rng.s, sizeof rng.s);
            firsts[2 * r] = hone_rng_next(&rng), firsts[2 * r + 1] = hone_rng_next(&rng);
        }
        for (int i = 0; i < ROWS * 4; i++)
            for (int j = i + 1; j < ROWS * 4; j++) assert_true(words[i] != words[j]);
        for (int i = 0; i < ROWS * 2; i++)
            for (int j = i + 1; j < ROWS * 2; j++) assert_true(firsts[i] != firsts[j]);
    }
}

/* The batch gatherer's direct path (whole-pixel shifts and mirrors read straight from the uint8
 * or real rows) equals the reference: honeD_augment_image on the raw row, then standardization,
 * for the same draws; and noise adds N(0, noise^2) in standardized units. */
static void test_augmented_gather_matches_the_reference(void **state) {
    enum { H = 5, W = 6, D = H * W, B = 48 }; /* 48 rows: three bands of 16, one a thread on three */
    hone_rng rng;
    hone_rng_seed(&rng, 31);
    static uint8_t px[B * D];
    static hone_real re[B * D];
    for (int i = 0; i < B * D; i++) re[i] = px[i] = (uint8_t)hone_rng_below(&rng, 256);
    const int hidden[1] = {4};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, D, hidden, 1, 3, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    for (int j = 0; j < D; j++) {
        m->input_mean[j] = (hone_real)(100 + j);
        m->input_std[j] = (hone_real)(30 + 2 * j);
    }
    size_t rows[B];
    for (int b = 0; b < B; b++) rows[b] = (size_t)(b * 7 % B);
    static hone_real X[B * D], raw[D], moved[D];
    const size_t scratch_count = honeD_augment_scratch(D);
    hone_real *scratch = malloc(scratch_count * sizeof *scratch);
    for (int as_real = 0; as_real < 2; as_real++) {
        hone_dataset d = {.n = B, .d = D, .height = H, .width = W, .x_u8 = as_real ? NULL : px, .x = as_real ? re : NULL};
        hone_augment aug = {.shift = 2, .flip = 1};
        hone_rng a, b;
        hone_rng_seed(&a, 5 + (uint64_t)as_real);
        b = a;
        honeD_gather_augmented(m, X, NULL, &d, rows, B, &aug, &a, scratch, scratch_count);
        const uint64_t batch_seed = hone_rng_next(&b); /* the one draw the batch takes */
        int moves = 0;
        for (int r = 0; r < B; r++) {
            for (int j = 0; j < D; j++) raw[j] = re[rows[r] * D + (size_t)j];
            hone_rng row_rng;
            honeC_row_rng(&row_rng, batch_seed, r);
            honeD_augment_image(moved, raw, H, W, &aug, &row_rng);
            moves += memcmp(moved, raw, sizeof raw) != 0;
            for (int j = 0; j < D; j++) {
                hone_real want = (moved[j] - m->input_mean[j]) / m->input_std[j];
                assert_true(X[r * D + j] == want);
            }
        }
        assert_true(moves > B / 2); /* the draws did move most images */
        assert_memory_equal(&a, &b, sizeof a); /* and the same number of draws were taken */
        /* every transform and noise: the same batch on one thread and split across three */
        hone_augment all = {.shift = 2, .flip = 1, .rotate = 15, .noise = 0.3};
        static hone_real X1[B * D];
        for (int threads = 1; threads <= 3; threads += 2) {
            hone_set_threads(threads);
            const size_t count = honeD_augment_scratch(D);
            hone_real *room = malloc(count * sizeof *room);
            hone_rng_seed(&a, 11);
            honeD_gather_augmented(m, threads == 1 ? X1 : X, NULL, &d, rows, B, &all, &a, room, count);
            free(room);
        }
        hone_set_threads(0);
        assert_memory_equal(X, X1, sizeof X);
    }
    /* noise on a constant image: mean 0, standard deviation `noise` in standardized units, over
     * B * D values (std 2: noise added to the raw pixels before standardizing would show 0.25) */
    static uint8_t flat[B * D];
    memset(flat, 100, sizeof flat);
    hone_dataset d = {.n = B, .d = D, .height = H, .width = W, .x_u8 = flat};
    for (int j = 0; j < D; j++) m->input_mean[j] = 100, m->input_std[j] = 2;
    hone_augment aug = {.noise = 0.5};
    honeD_gather_augmented(m, X, NULL, &d, rows, B, &aug, &rng, scratch, scratch_count);
    double sum = 0, sq = 0;
    for (int i = 0; i < B * D; i++) sum += X[i], sq += X[i] * X[i];
    double mean = sum / (B * D), sdev = sqrt(sq / (B * D) - mean * mean);
    assert_true(fabs(mean) < 4 * 0.5 / sqrt(B * D));
    assert_true(fabs(sdev - 0.5) < 0.05);
    /* the same rows as a table, no height or width: noise alone, the same figures (the gather
     * moved pixels over an image of 0 x 0 and left every value as it found it) */
    static hone_real X2[B * D];
    for (int i = 0; i < B * D; i++) X2[i] = NAN;
    hone_dataset table = {.n = B, .d = D, .x_u8 = flat};
    hone_rng_seed(&rng, 40);
    hone_rng again = rng;
    honeD_gather_augmented(m, X, NULL, &d, rows, B, &aug, &rng, scratch, scratch_count);
    honeD_gather_augmented(m, X2, NULL, &table, rows, B, &aug, &again, scratch, scratch_count);
    assert_memory_equal(X, X2, sizeof X);
    free(scratch);
    hone_model_free(m);
}

static void test_augmentation_needs_images_and_spares_dev(void **state) {
    hone_rng rng;
    hone_rng_seed(&rng, 25);
    enum { N = 60 };
    static uint8_t px[N * 16];
    static int32_t y[N];
    for (int i = 0; i < N; i++) {
        y[i] = i % 2;
        for (int j = 0; j < 16; j++) px[i * 16 + j] = (uint8_t)(y[i] ? (j % 4 < 2 ? 200 : 0) : (j % 4 < 2 ? 0 : 200));
    }
    hone_dataset d = {.n = N, .d = 16, .x_u8 = px, .label = y, .n_classes = 2};
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0.25, 0, 4, &err), HONE_OK);
    const int hidden[1] = {8};
    hone_model *m;
    assert_int_equal(hone_model_create_mlp(&m, 16, hidden, 1, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    assert_int_equal(hone_model_standardize_fit(m, &split.train, &err), HONE_OK);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 3;
    cfg.augment = (hone_augment){.shift = 1, .flip = 1, .rotate = 10, .noise = 0.5};
    assert_int_equal(hone_train(m, &split, &cfg, NULL, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "shift, rotation or flip needs images"));
    /* each kind that moves pixels alone needs images (mutation round 5: a rotation alone went
     * unseen), named as its field */
    const hone_augment alone[3] = {{.shift = 1}, {.flip = 1}, {.rotate = 10}};
    const char *const fields[3] = {"augment.shift", "augment.flip", "augment.rotate"};
    for (int k = 0; k < 3; k++) {
        hone_train_config one = cfg;
        one.augment = alone[k];
        assert_int_equal(hone_train_check(m, &split, &one, &err), HONE_ERR_VALUE);
        assert_non_null(strstr(err.message, "shift, rotation or flip needs images"));
        assert_string_equal(err.field, fields[k]);
    }
    /* noise needs no image: it is added to the standardized features, and the run differs from
     * one without it (it was refused, and its gather wrote nothing for rows without H and W) */
    hone_epoch_stats runs[2];
    for (int noisy = 0; noisy < 2; noisy++) {
        hone_model *t;
        hone_rng same;
        hone_rng_seed(&same, 26);
        assert_int_equal(hone_model_create_mlp(&t, 16, hidden, 1, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
        assert_int_equal(hone_model_init(t, HONE_INIT_DEFAULT, 0, &same, &err), HONE_OK);
        assert_int_equal(hone_model_standardize_fit(t, &split.train, &err), HONE_OK);
        hone_train_config one = cfg;
        one.augment = (hone_augment){.noise = noisy ? 0.5 : 0};
        assert_int_equal(hone_train(t, &split, &one, NULL, &runs[noisy], &err), HONE_OK);
        hone_model_free(t);
    }
    assert_true(isfinite(runs[1].train_loss) && runs[1].train_loss != runs[0].train_loss);
    d.height = d.width = 4;
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    double loss, acc;
    assert_int_equal(hone_model_evaluate(m, &split.dev, &loss, &acc, &err), HONE_OK);
    assert_true(loss == last.dev_loss && acc == last.dev_acc); /* dev saw no augmentation */
    cfg.augment.rotate = 200;
    assert_int_equal(hone_train_config_check(&cfg, &err), HONE_ERR_VALUE);
    hone_model_free(m);
    hone_split_free(&split);
}

/* Catches the last unit of an odd count left undrawn. Masks are drawn two per
 * 64-bit number; with B * O odd the last one takes a draw of its own. Every existing dropout test
 * has an even count (6 x 1/3 rows, 100 x 200, 4000), so a stale mask there went unseen. aux starts
 * with 7 in every slot (what an earlier batch or layer left there): each output must still be 0 or
 * 1 / keep, and the last unit must be kept about keep of the time. */
static void test_dropout_draws_the_odd_last_unit(void **state) {
    enum { O = 5, TRIALS = 400 };
    hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = O, .out = O, .keep_prob = 0.75f};
    hone_real ones[O] = {1, 1, 1, 1, 1}, out[O], mask[O];
    hone_rng rng;
    hone_rng_seed(&rng, 3);
    honeL_ctx ctx = {.training = 1, .rng = &rng, .aux = mask};
    int kept_last = 0;
    for (int t = 0; t < TRIALS; t++) {
        for (int i = 0; i < O; i++) mask[i] = 7;
        honeL_dropout.forward(&layer, out, ones, NULL, 1, &ctx);
        for (int i = 0; i < O; i++) assert_true(out[i] == 0 || fabs(out[i] - 1 / 0.75) < 1e-6);
        kept_last += out[O - 1] != 0;
    }
    /* binomial(400, 0.75): sd 0.022 of the fraction */
    assert_true(fabs(kept_last / (double)TRIALS - 0.75) < 0.1);
}

/* Catches the running statistics updated from a batch of one row. One row has
 * no variance to learn from (its unbiased variance is 0 / 0): training on it must leave the
 * running mean 0 and variance 1 exactly as they were, and the output 0 (x - mean = 0, beta 0),
 * finite. That bug writes NaN into the running variance. */
static void test_batchnorm_one_row_leaves_running_statistics(void **state) {
    hone_model *m = batchnorm_alone(2);
    m->training = 1;
    hone_real X[2] = {3, -4};
    const hone_real *Y = hone_model_forward(m, X, 1);
    assert_true(Y[0] == 0 && Y[1] == 0);
    assert_true(m->buffers[0] == 0 && m->buffers[1] == 0); /* running mean */
    assert_true(m->buffers[2] == 1 && m->buffers[3] == 1); /* running variance */
    hone_model_free(m);
}


/* Catches an equal dev loss counted as an improvement. The loss-side twin of the
 * accuracy-tie case above: SGD at a rate too small to move any weight (1e-30 in float, 1e-300 in
 * double; the biases move from 0 by that much, which no logit of size 0.1 shows) keeps the dev
 * loss exactly equal, and min_delta 0 must not call an equal loss better: epoch 1 is the best and
 * patience 3 stops the run at epoch 4 (the bug runs all 50, best 50). */
static void test_early_stopping_loss_ties(void **state) {
    static noise_run r;
    hone_train_config c = early_stop_config(50, TH_DOUBLE ? 1e-300 : 1e-30);
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    noise_train(&r, 5, 0, 1, &c);
    assert_int_equal(r.last.best_epoch, 1);
    assert_int_equal(r.last.epoch, 4);
    noise_free(&r);
}

/* Catches the epoch's train loss divided by batches rather than rows. With the
 * weights frozen as above, the epoch's train loss (each batch's mean loss weighted by its rows,
 * over the 84 training rows in batches of 16, the last of 4) and accuracy equal one evaluation
 * of the training rows (no dropout, no batch norm, no penalty: the same function). */
static void test_epoch_train_loss_is_the_rows_mean(void **state) {
    static noise_run r;
    hone_train_config c = early_stop_config(1, TH_DOUBLE ? 1e-300 : 1e-30);
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    c.early_stopping.patience = 0;
    noise_train(&r, 5, 0, 1, &c);
    assert_int_equal(r.split.train.n, 84);
    double loss, acc;
    hone_error err;
    assert_int_equal(hone_model_evaluate(r.m, &r.split.train, &loss, &acc, &err), HONE_OK);
    th_assert_close(r.last.train_loss, loss, 1e-6);
    th_assert_close(r.last.train_acc, acc, 1e-12);
    noise_free(&r);
}


/* Catches shifts drawn from [-s, s - 1] and every image
 * mirrored. The draws are only ever compared with themselves (the gather against
 * honeD_augment_image with the same generator), never with their distribution. shift 2: dx and dy
 * each uniform on the 5 values -2 .. 2 (400 each of 2000, sd 17.9: within 80); flip: about half
 * (1000 of 2000, sd 22: within 100); rotate 0: no angle; flip off: never mirrored. */
static void test_augment_draws_cover_their_ranges(void **state) {
    enum { N = 2000 };
    hone_augment aug = {.shift = 2, .flip = 1};
    hone_rng rng;
    hone_rng_seed(&rng, 17);
    int seen_dx[5] = {0}, seen_dy[5] = {0}, flips = 0;
    for (int i = 0; i < N; i++) {
        int dx, dy, flip;
        double deg;
        honeD_augment_draw(&aug, &rng, &dx, &dy, &deg, &flip);
        assert_true(dx >= -2 && dx <= 2 && dy >= -2 && dy <= 2 && deg == 0 && (flip == 0 || flip == 1));
        seen_dx[dx + 2]++;
        seen_dy[dy + 2]++;
        flips += flip;
    }
    for (int k = 0; k < 5; k++) assert_true(abs(seen_dx[k] - N / 5) < 80 && abs(seen_dy[k] - N / 5) < 80);
    assert_true(abs(flips - N / 2) < 100);
    aug.flip = 0;
    for (int i = 0; i < 100; i++) {
        int dx, dy, flip;
        double deg;
        honeD_augment_draw(&aug, &rng, &dx, &dy, &deg, &flip);
        assert_int_equal(flip, 0);
    }
}

/* Catches the rotation centre at W / 2 instead of (W - 1) / 2. The existing
 * quarter-turn check only counts the lit mass and that pixel (1, 1) went dark. Turning about the
 * centre pixel (2, 2) of a 5 x 5 image keeps that pixel in place at 90 degrees, and takes (1, 1)
 * to (3, 3) at 180 degrees (u, v = 1, 1 -> -1, -1 about the centre). */
static void test_rotation_is_about_the_centre(void **state) {
    enum { H = 5, W = 5 };
    hone_real src[H * W] = {0}, dst[H * W];
    src[2 * W + 2] = 1;
    honeD_transform_image(dst, src, H, W, 0, 0, 90, 0);
    th_assert_close(dst[2 * W + 2], 1, 1e-9);
    memset(src, 0, sizeof src);
    src[1 * W + 1] = 1;
    honeD_transform_image(dst, src, H, W, 0, 0, 180, 0);
    th_assert_close(dst[3 * W + 3], 1, 1e-9);
    th_assert_close(dst[1 * W + 1], 0, 1e-9);
}


/* Catches a "rotation" that is not one (the sine's sign flipped in one term: a shear and
 * mirror, which at 90 degrees is a reflection across a diagonal). hone.h leaves the sense of
 * turning open ("up to this many degrees either way"), so this accepts either: a quarter turn of
 * a 5 x 5 image about its centre pixel takes the lit pixel at row 0, column 1 to row 1, column 4
 * or to row 3, column 0; and turning back by -90 gives the image again (exactly, up to the
 * rounding of cos(pi / 2)). */
static void test_rotation_turns_and_turns_back(void **state) {
    enum { H = 5, W = 5 };
    hone_real src[H * W] = {0}, dst[H * W], back[H * W];
    src[0 * W + 1] = 1;
    honeD_transform_image(dst, src, H, W, 0, 0, 90, 0);
    const double one_way = dst[1 * W + 4], other_way = dst[3 * W + 0];
    assert_true(fabs(one_way - 1) < 1e-6 || fabs(other_way - 1) < 1e-6);
    hone_rng rng;
    hone_rng_seed(&rng, 60);
    th_fill_uniform(src, H * W, &rng, 0, 1);
    honeD_transform_image(dst, src, H, W, 0, 0, 90, 0);
    honeD_transform_image(back, dst, H, W, 0, 0, -90, 0);
    for (int i = 0; i < H * W; i++) th_assert_close(back[i], src[i], 1e-6);
}

/* Catches rotations drawn only one way. hone.h: rotate is "up to this many degrees either
 * way", so the angle is uniform on [-rotate, rotate]: of 2000 draws at rotate 10, about half
 * negative (sd 22: within 100), all within 10 degrees, and reaching past 9.5 both ways. */
static void test_rotations_are_drawn_either_way(void **state) {
    enum { N = 2000 };
    hone_augment aug = {.rotate = 10};
    hone_rng rng;
    hone_rng_seed(&rng, 61);
    int negative = 0;
    double lo = 0, hi = 0;
    for (int i = 0; i < N; i++) {
        int dx, dy, flip;
        double deg;
        honeD_augment_draw(&aug, &rng, &dx, &dy, &deg, &flip);
        assert_true(dx == 0 && dy == 0 && flip == 0 && fabs(deg) <= 10);
        negative += deg < 0;
        lo = fmin(lo, deg), hi = fmax(hi, deg);
    }
    assert_true(abs(negative - N / 2) < 100);
    assert_true(lo < -9.5 && hi > 9.5);
}

/* Catches the last unit of an even count left undrawn (the odd count's twin: with n even, the
 * loop over pairs must take the last pair itself). aux starts at 7 in every slot; each output
 * must be 0 or 1 / keep, and every unit kept about keep of the time (binomial(400, 0.75): sd
 * 0.022 of the fraction). */
static void test_dropout_draws_every_unit_of_an_even_count(void **state) {
    enum { O = 6, TRIALS = 400 };
    hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = O, .out = O, .keep_prob = 0.75f};
    hone_real ones[O] = {1, 1, 1, 1, 1, 1}, out[O], mask[O];
    hone_rng rng;
    hone_rng_seed(&rng, 62);
    honeL_ctx ctx = {.training = 1, .rng = &rng, .aux = mask};
    int kept[O] = {0};
    for (int t = 0; t < TRIALS; t++) {
        for (int i = 0; i < O; i++) mask[i] = 7;
        honeL_dropout.forward(&layer, out, ones, NULL, 1, &ctx);
        for (int i = 0; i < O; i++) {
            assert_true(out[i] == 0 || fabs(out[i] - 1 / 0.75) < 1e-6);
            kept[i] += out[i] != 0;
        }
    }
    for (int i = 0; i < O; i++) assert_true(fabs(kept[i] / (double)TRIALS - 0.75) < 0.1);
}

/* Catches a keep probability that is off by a little (the threshold 2^32 keep scaled by 0.99:
 * 0.7425 for 0.75 passed the existing checks, whose tolerance is 0.01). Over 2^20 units, the
 * kept fraction's sd is sqrt(keep (1 - keep) / 2^20): 0.00049 at keep 0.5, 0.00029 at 0.9.
 * Within 4 sd of keep, and the mean output within 4 sd / keep of 1 (hone.h: "the expected
 * activation is unchanged"). */
static void test_dropout_keeps_its_probability(void **state) {
    enum { N = 1 << 20 };
    static hone_real ones[N], out[N], mask[N];
    for (int i = 0; i < N; i++) ones[i] = 1;
    const float keeps[2] = {0.5f, 0.9f};
    for (int k = 0; k < 2; k++) {
        hone_layer layer = {.kind = HONE_LAYER_DROPOUT, .in = N, .out = N, .keep_prob = keeps[k]};
        hone_rng rng;
        hone_rng_seed(&rng, 63 + (uint64_t)k);
        honeL_ctx ctx = {.training = 1, .rng = &rng, .aux = mask};
        honeL_dropout.forward(&layer, out, ones, NULL, 1, &ctx);
        double kept = 0, sum = 0;
        for (int i = 0; i < N; i++) kept += out[i] != 0, sum += out[i];
        const double keep = keeps[k], sd = sqrt(keep * (1 - keep) / N);
        print_message("keep %.2f: kept %.5f, mean %.5f\n", keep, kept / N, sum / N);
        assert_true(fabs(kept / N - keep) < 4 * sd);
        assert_true(fabs(sum / N - 1) < 4 * sd / keep);
    }
}

/* Catches a new model whose dropout never drops. The model's mask generator started as four
 * zero words, a state xoshiro never leaves: every draw 0, below every threshold, so every unit
 * was kept and scaled by 1 / keep. hone_train seeds it, but hone inspect and hone gradcheck run
 * training-mode forwards on a model fresh from hone_model_create, as can any caller of the
 * library: their "dropout" was a scaling. A training forward of a new model with keep 0.5 on
 * 4 rows of 500 units zeroes about half of them (sd 11 of 2000: within 100). */
static void test_a_new_model_drops_units(void **state) {
    enum { B = 4, U = 500 };
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.5f}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, U, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, B, &err), HONE_OK);
    static hone_real X[B * U];
    for (int i = 0; i < B * U; i++) X[i] = 1;
    m->training = 1;
    const hone_real *Y = hone_model_forward(m, X, B);
    int dropped = 0;
    for (int i = 0; i < B * U; i++) {
        assert_true(Y[i] == 0 || Y[i] == 2);
        dropped += Y[i] == 0;
    }
    assert_true(abs(dropped - B * U / 2) < 100);
    hone_model_free(m);
}

/* Catches the rotation path of the batch gather never compared with anything (the existing
 * reference covers shifts and mirrors only; with rotation it compared one thread with three,
 * the same code): a gather that skipped the rotation, or the standardization after it, passed.
 * With rotate 15 every draw turns, so every row takes that path: each must equal
 * honeD_augment_image of the raw row from the row's own generator, then standardized. */
static void test_rotated_gather_matches_the_reference(void **state) {
    enum { H = 5, W = 6, D = H * W, B = 20 };
    hone_rng rng;
    hone_rng_seed(&rng, 64);
    static uint8_t px[B * D];
    static hone_real X[B * D], raw[D], moved[D];
    for (int i = 0; i < B * D; i++) px[i] = (uint8_t)hone_rng_below(&rng, 256);
    const int hidden[1] = {4};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, D, hidden, 1, 3, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    for (int j = 0; j < D; j++) {
        m->input_mean[j] = (hone_real)(90 + j);
        m->input_std[j] = (hone_real)(40 + j);
    }
    size_t rows[B];
    for (int b = 0; b < B; b++) rows[b] = (size_t)(B - 1 - b);
    hone_dataset d = {.n = B, .d = D, .height = H, .width = W, .x_u8 = px};
    hone_augment aug = {.shift = 1, .flip = 1, .rotate = 15};
    const size_t count = honeD_augment_scratch(D);
    hone_real *scratch = malloc(count * sizeof *scratch);
    hone_rng a = rng, b = rng;
    honeD_gather_augmented(m, X, NULL, &d, rows, B, &aug, &a, scratch, count);
    const uint64_t batch_seed = hone_rng_next(&b);
    for (int r = 0; r < B; r++) {
        for (int j = 0; j < D; j++) raw[j] = px[rows[r] * D + (size_t)j];
        hone_rng row_rng;
        honeC_row_rng(&row_rng, batch_seed, r);
        honeD_augment_image(moved, raw, H, W, &aug, &row_rng);
        assert_true(memcmp(moved, raw, sizeof raw) != 0);
        for (int j = 0; j < D; j++) assert_true(X[r * D + j] == (moved[j] - m->input_mean[j]) / m->input_std[j]);
    }
    free(scratch);
    hone_model_free(m);
}

/* Catches the gather splitting a batch into more pieces than its scratch has room for.
 * hone_internal.h: scratch holds scratch_count values, honeD_augment_scratch(D) "for every
 * thread to work"; with room for one rotation (D values) on three threads, the rows must be
 * gathered in one piece, not written past the scratch. The values beyond D stay as they were,
 * and the batch is the one the same draws give on one thread. */
static void test_augmented_gather_keeps_to_its_scratch(void **state) {
    enum { H = 4, W = 4, D = H * W, B = 48 };
    if (hone_set_threads(3) < 3) skip();
    hone_rng rng;
    hone_rng_seed(&rng, 65);
    static uint8_t px[B * D];
    static hone_real X1[B * D], X3[B * D], scratch[3 * D];
    for (int i = 0; i < B * D; i++) px[i] = (uint8_t)hone_rng_below(&rng, 256);
    const int hidden[1] = {4};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, D, hidden, 1, 3, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    for (int j = 0; j < D; j++) m->input_mean[j] = 100, m->input_std[j] = 50;
    size_t rows[B];
    for (int b = 0; b < B; b++) rows[b] = (size_t)b;
    hone_dataset d = {.n = B, .d = D, .height = H, .width = W, .x_u8 = px};
    hone_augment aug = {.rotate = 20};
    hone_set_threads(1);
    hone_rng a = rng;
    honeD_gather_augmented(m, X1, NULL, &d, rows, B, &aug, &a, scratch, D);
    for (int i = 0; i < 3 * D; i++) scratch[i] = 12345;
    hone_set_threads(3);
    a = rng;
    honeD_gather_augmented(m, X3, NULL, &d, rows, B, &aug, &a, scratch, D);
    for (int i = D; i < 3 * D; i++) assert_true(scratch[i] == 12345);
    assert_memory_equal(X1, X3, sizeof X1);
    hone_model_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_gradcheck_with_l2_l1_batchnorm_dropout),
        th_test(test_penalty_and_its_gradient),
        th_test(test_reported_loss_holds_the_penalty),
        th_test(test_dropout_at_inference_is_the_plain_network),
        th_test(test_residual_blocks),
        th_test(test_batchnorm_running_averages),
        th_test(test_batchnorm_two_rows_and_a_constant_unit),
        th_test(test_dropout_masks_are_independent),
        th_test(test_decay_bias_and_l1_at_zero),
        th_test(test_early_stopping_restores_the_best_epoch),
        th_test(test_early_stopping_min_delta_and_accuracy_ties),
        th_test(test_early_stopping_restores_batchnorm_statistics),
        th_test(test_epoch_grad_norm_is_the_batches_mean),
        th_test(test_image_transforms),
        th_test(test_rows_have_generators_of_their_own),
        th_test(test_augmented_gather_matches_the_reference),
        th_test(test_augmentation_needs_images_and_spares_dev),
        th_test(test_dropout_draws_the_odd_last_unit),
        th_test(test_batchnorm_one_row_leaves_running_statistics),
        th_test(test_early_stopping_loss_ties),
        th_test(test_epoch_train_loss_is_the_rows_mean),
        th_test(test_augment_draws_cover_their_ranges),
        th_test(test_rotation_is_about_the_centre),
        th_test(test_rotation_turns_and_turns_back),
        th_test(test_rotations_are_drawn_either_way),
        th_test(test_dropout_draws_every_unit_of_an_even_count),
        th_test(test_dropout_keeps_its_probability),
        th_test(test_a_new_model_drops_units),
        th_test(test_rotated_gather_matches_the_reference),
        th_test(test_augmented_gather_keeps_to_its_scratch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
