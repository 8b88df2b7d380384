/* test_inspect.c - per-layer statistics on a tiny network whose every value is known. */
#include "harness.h"

#include <math.h>
#include <string.h>

/* Dense 2 -> 3, act, Dense 3 -> 2, MSE, with W1 = [[1, 0], [0, 1], [-1, -1]], b1 = 0, W2 =
 * [[1, 2, 0], [0, 1, 0]], b2 = [0.5, -0.5], after a forward and backward pass over the two rows
 * X (targets 0). */
static hone_model *known_net(hone_layer_kind act, const hone_real X[4]) {
    const int hidden[1] = {3};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, 2, hidden, 1, 2, act, HONE_LOSS_MSE, &err), HONE_OK);
    const hone_real p[] = {1, 0, 0, 1, -1, -1, 0, 0, 0, /* W1, b1 */ 1, 2, 0, 0, 1, 0, 0.5, -0.5 /* W2, b2 */};
    assert_int_equal(m->n_params, sizeof p / sizeof *p);
    memcpy(m->params, p, sizeof p);
    assert_int_equal(hone_model_reserve(m, 2, &err), HONE_OK);
    const hone_real Y[4] = {0, 0, 0, 0};
    hone_model_forward(m, X, 2);
    hone_model_loss(m, Y, 2);
    hone_model_zero_grad(m);
    hone_model_backward(m, X, 2);
    return m;
}

static void test_stats_of_known_network(void **state) {
    /* rows x = [1, 2] and [3, -1]: z1 = [1, 2, -3] and [3, -1, -2]; relu = [1, 2, 0], [3, 0, 0].
     * unit 3 is dead (never positive); units 1 and 2 fire at least once. */
    const hone_real X[4] = {1, 2, 3, -1};
    hone_model *m = known_net(HONE_LAYER_RELU, X);
    hone_layer_stats st[3];
    hone_model_layer_stats(m, 2, NULL, st);
    /* dense 1 outputs 1, 2, -3, 3, -1, -2: mean 0, std sqrt(28 / 6) */
    th_assert_close(st[0].mean, 0, 1e-6);
    th_assert_close(st[0].std, sqrt(28.0 / 6), 1e-6);
    assert_true(isnan(st[0].dead_fraction));
    th_assert_close(st[0].weight_norm, 2, 1e-6); /* sqrt(1 + 1 + 1 + 1) */
    /* relu outputs 1, 2, 0, 3, 0, 0: mean 1, std sqrt((0 + 1 + 1 + 4 + 1 + 1) / 6) */
    th_assert_close(st[1].mean, 1, 1e-6);
    th_assert_close(st[1].std, sqrt(8.0 / 6), 1e-6);
    th_assert_close(st[1].dead_fraction, 1.0 / 3, 1e-12);
    assert_true(isnan(st[1].weight_norm) && isnan(st[1].grad_norm));
    /* the last dense: the gradient norm equals that of the gradient block itself */
    double g = 0;
    for (int i = 0; i < 6; i++) g += (double)m->grads[9 + i] * m->grads[9 + i];
    th_assert_close(st[2].grad_norm, sqrt(g), 1e-6);
    /* update ratio: a known change of W2 */
    hone_real before[17];
    memcpy(before, m->params, sizeof before);
    m->params[9] += (hone_real)0.3; /* ||W2|| = sqrt(1 + 4 + 1) = sqrt(6); change 0.3 */
    m->params[10] -= (hone_real)0.4;
    hone_model_layer_stats(m, 2, before, st);
    th_assert_close(st[2].update_ratio, 0.5 / sqrt(6.0), 1e-6);
    th_assert_close(st[0].update_ratio, 0, 1e-12);
    hone_model_free(m);
}

/* The same network on the rows in the other order, x = [3, -1] and [1, 2]: z1 = [3, -1, -2] and
 * [1, 2, -3]. */
static hone_model *two_row_net(hone_layer_kind act) {
    static const hone_real X[4] = {3, -1, 1, 2};
    return known_net(act, X);
}

/* Catches a unit called dead from the first row alone, and leaky ReLU left without a dead
 * fraction. hone.h: dead_fraction is for "ReLU-like layers", units with no output above 0 over
 * the batch. Unit 2 is 0 on the first row and 2 on the second: alive; unit 3 is never above 0:
 * dead, 1/3. Leaky ReLU (slope 0.01) gives -0.01 and -0.02 where ReLU gives 0, and the same
 * units are never positive: 1/3 too. */
static void test_dead_units_over_every_row(void **state) {
    const hone_layer_kind acts[2] = {HONE_LAYER_RELU, HONE_LAYER_LEAKY_RELU};
    for (int a = 0; a < 2; a++) {
        hone_model *m = two_row_net(acts[a]);
        hone_layer_stats st[3];
        hone_model_layer_stats(m, 2, NULL, st);
        th_assert_close(st[1].dead_fraction, 1.0 / 3, 1e-12);
        assert_true(isnan(st[0].dead_fraction) && isnan(st[2].dead_fraction));
        hone_model_free(m);
    }
}

/* Catches an update ratio from weights that were all zero. hone.h: update_ratio is
 * ||W_after - W_before|| / ||W_before||, NAN when unknown; from ||W_before|| = 0 (a zeros
 * initialization) no ratio exists, and it must not read as an infinite change. */
static void test_update_ratio_from_zero_weights(void **state) {
    hone_model *m = two_row_net(HONE_LAYER_RELU);
    hone_real before[17];
    memcpy(before, m->params, sizeof before);
    memset(before + 9, 0, 6 * sizeof *before); /* W2 was 0 */
    hone_layer_stats st[3];
    hone_model_layer_stats(m, 2, before, st);
    assert_true(isnan(st[2].update_ratio));
    th_assert_close(st[0].update_ratio, 0, 1e-12);
    hone_model_free(m);
}

/* Catches batch norm's beta counted in its weight norm. hone.h: weight_norm is "batch norm:
 * gamma". gamma (3, 4) and beta (12, 5): ||gamma|| = 5 (with beta it would be sqrt(194)). */
static void test_batchnorm_weight_norm_is_gamma(void **state) {
    const hone_layer_spec specs[] = {{.kind = HONE_LAYER_DENSE, .units = 2, .no_bias = 1}, {.kind = HONE_LAYER_BATCHNORM}};
    hone_model *m;
    hone_error err;
    assert_int_equal(hone_model_create(&m, 2, specs, 2, HONE_LOSS_MSE, &err), HONE_OK);
    assert_int_equal(m->n_params, 4 + 4);
    const hone_real p[8] = {1, 0, 0, 1, /* W */ 3, 4, /* gamma */ 12, 5 /* beta */};
    memcpy(m->params, p, sizeof p);
    assert_int_equal(hone_model_reserve(m, 2, &err), HONE_OK);
    hone_real X[4] = {1, 2, 3, -1}, Y[4] = {0, 0, 0, 0};
    m->training = 1;
    hone_model_forward(m, X, 2);
    hone_model_loss(m, Y, 2);
    hone_model_zero_grad(m);
    hone_model_backward(m, X, 2);
    hone_layer_stats st[2];
    hone_model_layer_stats(m, 2, NULL, st);
    th_assert_close(st[1].weight_norm, 5, 1e-6);
    th_assert_close(st[0].weight_norm, sqrt(2.0), 1e-6);
    hone_model_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_stats_of_known_network),
        th_test(test_dead_units_over_every_row),
        th_test(test_update_ratio_from_zero_weights),
        th_test(test_batchnorm_weight_norm_is_gamma),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
