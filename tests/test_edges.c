/* test_edges.c - the training rules at their edges, each a case that mutation testing found no
 * test would notice if the code were wrong (session 7: 69 mutations, these 15 of the survivors
 * plus two narrow ones): optimizer defaults, clipping below the limit, the plateau schedule's
 * floor and its count after a cut, batch norm on two rows and on a constant unit, independent
 * dropout masks, bias decay and L1 at zero, ReLU's gradient at 0, accuracy on tied logits, early
 * stopping's min_delta, accuracy ties and restored batch-norm statistics, the epoch's gradient
 * norm, and standardization's std. */
#include "harness.h"
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>
#include <string.h>

static void test_optimizer_defaults(void **s) {
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_RMSPROP).beta2 == 0.9);
    assert_true(hone_optimizer_config_default(HONE_OPTIMIZER_ADAM).beta2 == 0.999);
}

static void test_clip_norm_leaves_a_small_gradient(void **s) {
    hone_real g[2] = {0.3f, 0.4f}; /* norm 0.5 under max 0.8: unchanged */
    honeO_clip(g, 2, honeO_norm(g, 2), 0.8, 0);
    assert_true(g[0] == (hone_real)0.3f && g[1] == (hone_real)0.4f);
}

static void test_plateau_stops_at_min_lr(void **s) {
    hone_schedule_config pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    pc.patience = 0;
    pc.factor = 0.5;
    pc.min_lr = 0.3;
    honeO_plateau p;
    honeO_plateau_start(&p);
    double lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    assert_true(lr == 0.5);
    lr = honeO_plateau_update(&p, &pc, lr, 2.0);
    assert_true(lr == 0.3);
}

static void test_plateau_counts_again_after_a_cut(void **s) {
    hone_schedule_config pc = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    pc.patience = 1;
    pc.factor = 0.5;
    honeO_plateau p;
    honeO_plateau_start(&p);
    double lr = 1;
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    assert_true(lr == 0.5);
    lr = honeO_plateau_update(&p, &pc, lr, 1.0);
    assert_true(lr == 0.5); /* counting starts again */
    assert_int_equal(p.bad_epochs, 1);
}

static hone_model *bn_model(int O) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_BATCHNORM}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, O, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, 8, &err), HONE_OK);
    return m;
}

static void test_batchnorm_running_stats_of_two_rows(void **s) {
    hone_model *m = bn_model(1);
    m->training = 1;
    hone_real X[2] = {1, 3};
    hone_model_forward(m, X, 2);
    th_assert_close(m->buffers[0], 0.1 * 2, 1e-6);           /* mean 2, momentum 0.1 */
    th_assert_close(m->buffers[1], 0.9 * 1 + 0.1 * 2, 1e-6); /* unbiased var 2 */
    hone_model_free(m);
}

static void test_batchnorm_eps_in_training(void **s) {
    hone_model *m = bn_model(2);
    m->training = 1;
    hone_real X[8] = {5, 0, 5, 0.001f, 5, 0, 5, 0.001f}; /* unit 0 constant; unit 1 var 2.5e-7 */
    const hone_real *Y = hone_model_forward(m, X, 4);
    for (int i = 0; i < 8; i++) assert_true(isfinite(Y[i]));
    assert_true(Y[0] == 0);
    th_assert_close(Y[3], 0.0005 / sqrt(2.5e-7 + 1e-5), 1e-4);
    hone_model_free(m);
}

static void test_dropout_masks_independent(void **s) {
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

static void test_decay_bias_in_the_penalty(void **s) {
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
}

static void test_l1_gradient_zero_at_zero(void **s) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DENSE, .units = 1}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 2, specs, 1, HONE_LOSS_MSE, &err), HONE_OK);
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

static void test_relu_gradient_zero_at_zero(void **s) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DENSE, .units = 1}, {.kind = HONE_LAYER_RELU}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 1, specs, 2, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(m, 1, &err), HONE_OK);
    m->params[0] = 1;
    m->params[1] = 0;
    hone_real X[1] = {0}, Y[1] = {1}; /* z = 0 at the kink */
    hone_model_zero_grad(m);
    hone_model_forward(m, X, 1);
    hone_model_data_loss(m, Y, 1);
    hone_model_backward(m, X, 1);
    assert_true(m->grads[1] == 0); /* relu'(0) = 0, as torch */
    hone_model_free(m);
}

static void test_accuracy_ties_take_the_first_class(void **s) {
    hone_real Z[3] = {1, 1, 0}, Y[3] = {1, 0, 0};
    assert_int_equal(honeL_loss_correct(HONE_LOSS_SOFTMAX_CE, Z, Y, 1, 3), 1);
}

/* noise data and a split */
static hone_dataset noise(hone_real *x, int32_t *y, int N, int D, uint64_t seed) {
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    for (int i = 0; i < N; i++) {
        y[i] = (int32_t)hone_rng_below(&rng, 2);
        for (int j = 0; j < D; j++) x[i * D + j] = (hone_real)hone_rng_normal(&rng);
    }
    return (hone_dataset){.n = (size_t)N, .d = (size_t)D, .x = x, .label = y, .n_classes = 2};
}

static hone_model *mlp(int D, int bn, uint64_t seed) {
    static const int hidden[2] = {32, 32};
    hone_mlp_spec spec = {.inputs = D,
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

static void test_early_stop_min_delta(void **s) {
    static hone_real x[120 * 4];
    static int32_t y[120];
    hone_dataset d = noise(x, y, 120, 4, 5);
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0.3, 0, 3, &err), HONE_OK);
    hone_model *m = mlp(4, 0, 1);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 50;
    cfg.batch = 16;
    cfg.lr = 0.01;
    cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    cfg.early_stopping.patience = 3;
    cfg.early_stopping.min_delta = 1e6; /* nothing after epoch 1 counts as better */
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    assert_int_equal(last.best_epoch, 1);
    assert_int_equal(last.epoch, 4);
    hone_model_free(m);
    hone_split_free(&split);
}

static void test_early_stop_on_accuracy_ties_are_not_better(void **s) {
    static hone_real x[120 * 4];
    static int32_t y[120];
    hone_dataset d = noise(x, y, 120, 4, 5);
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0.3, 0, 3, &err), HONE_OK);
    hone_model *m = mlp(4, 0, 1);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 50;
    cfg.batch = 16;
    cfg.lr = 1e-12; /* accuracy cannot move */
    cfg.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    cfg.early_stopping.patience = 3;
    cfg.early_stopping.on_accuracy = 1;
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    assert_int_equal(last.best_epoch, 1);
    assert_int_equal(last.epoch, 4);
    hone_model_free(m);
    hone_split_free(&split);
}

static void test_early_stop_restores_batchnorm_statistics(void **s) {
    static hone_real x[120 * 4];
    static int32_t y[120];
    hone_dataset d = noise(x, y, 120, 4, 24);
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0.3, 0, 3, &err), HONE_OK);
    hone_model *m = mlp(4, 1, 9);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 200;
    cfg.batch = 16;
    cfg.lr = 0.01;
    cfg.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    cfg.early_stopping.patience = 3;
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    assert_true(last.stopped_early && last.best_epoch < last.epoch);
    hone_model *ref = mlp(4, 1, 9);
    hone_train_config plain = cfg;
    plain.early_stopping.patience = 0;
    plain.epochs = last.best_epoch;
    assert_int_equal(hone_train(ref, &split, &plain, NULL, NULL, &err), HONE_OK);
    assert_memory_equal(ref->params, m->params, m->n_params * sizeof(hone_real));
    assert_memory_equal(ref->buffers, m->buffers, m->n_buffers * sizeof(hone_real));
    assert_true(ref->bn_batches == m->bn_batches);
    hone_model_free(ref);
    hone_model_free(m);
    hone_split_free(&split);
}

static void test_epoch_grad_norm_is_the_batches_mean(void **s) {
    static hone_real x[64 * 4];
    static int32_t y[64];
    hone_dataset d = noise(x, y, 64, 4, 5);
    hone_split split;
    hone_error err;
    assert_int_equal(hone_split_make(&split, &d, NULL, 0, 0, 3, &err), HONE_OK);
    hone_model *m = mlp(4, 0, 1), *ref = mlp(4, 0, 1);
    /* the gradient norm of the one batch, by hand */
    assert_int_equal(hone_model_reserve(ref, 64, &err), HONE_OK);
    static hone_real X[64 * 4], Y[64 * 2];
    hone_model_gather(ref, X, Y, &d, split.train.index, 64);
    ref->training = 1;
    hone_model_zero_grad(ref);
    hone_model_forward(ref, X, 64);
    hone_model_loss(ref, Y, 64);
    hone_model_backward(ref, X, 64);
    double want = honeO_norm(ref->grads, ref->n_params);
    hone_train_config cfg = hone_train_config_default();
    cfg.epochs = 1;
    cfg.batch = 64;
    cfg.shuffle = 0;
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &cfg, NULL, &last, &err), HONE_OK);
    th_assert_close(last.grad_norm, want, 1e-4);
    hone_model_free(ref);
    hone_model_free(m);
    hone_split_free(&split);
}

static void test_standardize_population_std(void **s) {
    hone_real x[4] = {1, 2, 3, 4};
    int32_t y[4] = {0, 1, 0, 1};
    hone_dataset d = {.n = 4, .d = 1, .x = x, .label = y, .n_classes = 2};
    hone_view v = {&d, (size_t[]){0, 1, 2, 3}, 4};
    const int hidden[1] = {2};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, 1, hidden, 1, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_standardize_fit(m, &v, &err), HONE_OK);
    th_assert_close(m->input_mean[0], 2.5, TH_EPS);
    th_assert_close(m->input_std[0], sqrt(1.25), TH_EPS);
    hone_model_free(m);
}

static void test_standardize_constant_feature(void **s) {
    hone_real x[10];
    int32_t y[10];
    for (int i = 0; i < 10; i++) x[i] = (hone_real)0.1, y[i] = i % 2;
    hone_dataset d = {.n = 10, .d = 1, .x = x, .label = y, .n_classes = 2};
    size_t idx[10];
    for (int i = 0; i < 10; i++) idx[i] = (size_t)i;
    hone_view v = {&d, idx, 10};
    const int hidden[1] = {2};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, 1, hidden, 1, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_standardize_fit(m, &v, &err), HONE_OK);
    assert_true(m->input_std[0] == 1);
    hone_model_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_optimizer_defaults),
        th_test(test_clip_norm_leaves_a_small_gradient),
        th_test(test_plateau_stops_at_min_lr),
        th_test(test_plateau_counts_again_after_a_cut),
        th_test(test_batchnorm_running_stats_of_two_rows),
        th_test(test_batchnorm_eps_in_training),
        th_test(test_dropout_masks_independent),
        th_test(test_decay_bias_in_the_penalty),
        th_test(test_l1_gradient_zero_at_zero),
        th_test(test_relu_gradient_zero_at_zero),
        th_test(test_accuracy_ties_take_the_first_class),
        th_test(test_early_stop_min_delta),
        th_test(test_early_stop_on_accuracy_ties_are_not_better),
        th_test(test_early_stop_restores_batchnorm_statistics),
        th_test(test_epoch_grad_norm_is_the_batches_mean),
        th_test(test_standardize_population_std),
        th_test(test_standardize_constant_feature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
