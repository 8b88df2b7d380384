/* test_tune.c - the search space of hone tune: each kind samples what it says (log-uniform puts
 * the same share in every decade, 1-log the same share in every decade of 1 - beta), narrowing
 * keeps the best values and shrinks the range, values print and read back, bad specs are errors. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { N_SAMPLES = 10000 };

static hone_param parsed(const char *name, const char *spec) {
    hone_param p;
    hone_error err = {0};
    hone_status st = hone_param_parse(&p, name, spec, &err);
    if (st != HONE_OK) fail_msg("%s = %s: %s", name, spec, err.message);
    return p;
}

/* Share of N_SAMPLES draws in [edges[i], edges[i+1]) for each of n bins; every draw must land in
 * [lo, hi] of the parameter. */
static void histogram(const hone_param *p, uint64_t seed, const double *edges, int n, double *share) {
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    int count[16] = {0};
    for (int s = 0; s < N_SAMPLES; s++) {
        double x = hone_param_sample(p, &rng);
        assert_true(x >= p->lo && x <= p->hi);
        for (int i = 0; i < n; i++)
            if (x >= edges[i] && (x < edges[i + 1] || (i == n - 1 && x <= edges[n]))) count[i]++;
    }
    for (int i = 0; i < n; i++) share[i] = (double)count[i] / N_SAMPLES;
}

static void assert_share(double share, double want, double tol, const char *what) {
    if (fabs(share - want) > tol) fail_msg("%s: share %.4f, wanted %.4f +- %.3f", what, share, want, tol);
}

/* 10,000 learning rates from log [1e-4, 1]: a quarter in each decade (the sampling error of a
 * share of 1/4 is 0.43%, so 2% is over four of them). */
static void test_log_puts_a_quarter_in_each_decade(void **state) {
    hone_param lr = parsed("lr", "log 1e-4 1");
    assert_int_equal(lr.kind, HONE_PARAM_LOG);
    const double edges[5] = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    double share[4];
    histogram(&lr, 1, edges, 4, share);
    double sum = 0;
    for (int i = 0; i < 4; i++) {
        char what[64];
        snprintf(what, sizeof what, "decade [%g, %g)", edges[i], edges[i + 1]);
        assert_share(share[i], 0.25, 0.02, what);
        sum += share[i];
    }
    th_assert_close(sum, 1.0, 1e-12);
    /* Uniform sampling of the same range, for contrast: 90% in the top decade. */
    hone_param flat = parsed("lr", "uniform 1e-4 1");
    histogram(&flat, 1, edges, 4, share);
    assert_share(share[3], 0.9, 0.02, "uniform: top decade");
}

/* beta in [0.9, 0.999] as 1 - 10^U(-3, -1): half in [0.9, 0.99], half in [0.99, 0.999]. */
static void test_one_minus_log_puts_half_in_each_decade_of_1_minus_beta(void **state) {
    hone_param beta = parsed("beta2", "1-log 0.9 0.999");
    assert_int_equal(beta.kind, HONE_PARAM_ONE_MINUS_LOG);
    const double edges[3] = {0.9, 0.99, 0.999};
    double share[2];
    histogram(&beta, 2, edges, 2, share);
    assert_share(share[0], 0.5, 0.02, "[0.9, 0.99)");
    assert_share(share[1], 0.5, 0.02, "[0.99, 0.999]");
    /* uniform in beta would spend 91% of the trials on windows of 10 to 100 values */
    hone_param flat = parsed("beta2", "uniform 0.9 0.999");
    histogram(&flat, 2, edges, 2, share);
    assert_share(share[0], 0.909, 0.02, "uniform: [0.9, 0.99)");
    /* three decades of 1 - beta: [0, 0.999] down to 1 - beta = 1e-3 */
    hone_param wide = parsed("beta1", "1-log 0 0.999");
    const double e3[4] = {0, 0.9, 0.99, 0.999};
    double s3[3];
    histogram(&wide, 3, e3, 3, s3);
    for (int i = 0; i < 3; i++) assert_share(s3[i], 1.0 / 3, 0.02, "1-log 0 0.999 decade");
}

static void test_int_covers_its_range_uniformly(void **state) {
    hone_param units = parsed("layers", "int 32 40");
    hone_rng rng;
    hone_rng_seed(&rng, 4);
    int count[9] = {0};
    for (int s = 0; s < N_SAMPLES; s++) {
        double x = hone_param_sample(&units, &rng);
        assert_true(x == floor(x) && x >= 32 && x <= 40);
        count[(int)x - 32]++;
    }
    for (int i = 0; i < 9; i++) assert_share((double)count[i] / N_SAMPLES, 1.0 / 9, 0.015, "int 32 40 value");
}

/* Ranges as wide as a double allows: every draw finite and in [lo, hi] (uniform -1e308 1e308
 * drew inf, its width overflowing), and still spread over the range. */
static void test_samples_stay_in_range_at_the_extremes(void **state) {
    const char *specs[] = {"uniform -1e308 1e308", "uniform -1.7976931348623157e308 1.7976931348623157e308",
                           "uniform 1e308 1.7976931348623157e308", "uniform -1.7976931348623157e308 0",
                           "log 1e-307 1.7976931348623157e308", "log 1e308 1.7976931348623157e308",
                           "1-log 0 0.9999999999999999", "int -9007199254740992 9007199254740992"};
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
        hone_param p = parsed("x", specs[k]);
        hone_rng rng;
        hone_rng_seed(&rng, 11);
        int low = 0; /* draws in the lower half of the range (as sampled: in t space for log) */
        for (int s = 0; s < N_SAMPLES; s++) {
            double x = hone_param_sample(&p, &rng);
            if (!(isfinite(x) && x >= p.lo && x <= p.hi)) fail_msg("%s drew %g", specs[k], x);
            double mid = p.kind == HONE_PARAM_LOG ? pow(10, log10(p.lo) / 2 + log10(p.hi) / 2)
                       : p.kind == HONE_PARAM_ONE_MINUS_LOG ? 1 - pow(10, log10(1 - p.lo) / 2 + log10(1 - p.hi) / 2)
                                                             : p.lo / 2 + p.hi / 2;
            low += x < mid;
        }
        assert_share((double)low / N_SAMPLES, 0.5, 0.02, specs[k]);
    }
}

static void test_choice_is_uniform_and_narrows(void **state) {
    hone_param opt = parsed("optimizer", "choice adam sgd rmsprop");
    assert_int_equal(opt.n_choices, 3);
    assert_string_equal(opt.choices[1], "sgd");
    hone_rng rng;
    hone_rng_seed(&rng, 5);
    int count[3] = {0};
    for (int s = 0; s < N_SAMPLES; s++) count[(int)hone_param_sample(&opt, &rng)]++;
    for (int i = 0; i < 3; i++) assert_share((double)count[i] / N_SAMPLES, 1.0 / 3, 0.02, opt.choices[i]);
    /* the best trials used adam and rmsprop: sgd is dropped, the others stay equally likely */
    const double best[3] = {2, 0, 2};
    hone_error err = {0};
    assert_int_equal(hone_param_narrow(&opt, best, 3, 0.25, &err), HONE_OK);
    memset(count, 0, sizeof count);
    for (int s = 0; s < N_SAMPLES; s++) count[(int)hone_param_sample(&opt, &rng)]++;
    assert_int_equal(count[1], 0);
    assert_share((double)count[0] / N_SAMPLES, 0.5, 0.02, "adam after narrowing");
    /* indices stay those of the spec, so values of earlier rounds still read */
    double v;
    assert_int_equal(hone_param_value(&opt, "sgd", &v, &err), HONE_OK);
    assert_true(v == 1);
    /* layer lists are words too */
    hone_param layers = parsed("layers", "choice 256 512,256 1024,512");
    assert_int_equal(layers.n_choices, 3);
    assert_string_equal(layers.choices[2], "1024,512");
}

static void test_same_seed_same_samples(void **state) {
    hone_param lr = parsed("lr", "log 1e-5 1");
    hone_rng a, b;
    hone_rng_seed(&a, 9);
    hone_rng_seed(&b, 9);
    for (int s = 0; s < 100; s++) assert_true(hone_param_sample(&lr, &a) == hone_param_sample(&lr, &b));
}

static double log_width(const hone_param *p) { return log10(p->hi) - log10(p->lo); }

static void test_narrowing_keeps_the_best_and_shrinks(void **state) {
    hone_error err = {0};
    /* log: the best three within a decade of each other in a five-decade range */
    hone_param lr = parsed("lr", "log 1e-5 1");
    const double best[3] = {3e-4, 1e-3, 2e-3};
    assert_int_equal(hone_param_narrow(&lr, best, 3, 0.25, &err), HONE_OK);
    for (int i = 0; i < 3; i++) assert_true(best[i] >= lr.lo && best[i] <= lr.hi);
    /* span log10(2e-3 / 3e-4) = 0.82 decades, plus 0.25 x 5 decades each side */
    th_assert_close(log_width(&lr), log10(2e-3 / 3e-4) + 2 * 0.25 * 5, 1e-9);
    th_assert_close(lr.lo, 3e-4 / pow(10, 1.25), 1e-9);
    assert_true(lr.min == 1e-5 && lr.max == 1);
    double before = log_width(&lr);
    /* a second round narrows further, around the same values */
    assert_int_equal(hone_param_narrow(&lr, best, 3, 0.25, &err), HONE_OK);
    assert_true(log_width(&lr) < before);
    for (int i = 0; i < 3; i++) assert_true(best[i] >= lr.lo && best[i] <= lr.hi);
    hone_rng rng;
    hone_rng_seed(&rng, 6);
    for (int s = 0; s < 1000; s++) {
        double x = hone_param_sample(&lr, &rng);
        assert_true(x >= lr.lo && x <= lr.hi);
    }
    /* at the edge, the spec's range clamps it */
    hone_param edge = parsed("lr", "log 1e-5 1");
    const double low[1] = {1.2e-5};
    assert_int_equal(hone_param_narrow(&edge, low, 1, 0.25, &err), HONE_OK);
    assert_true(edge.lo == 1e-5);
    th_assert_close(edge.hi, 1.2e-5 * pow(10, 1.25), 1e-9);
    /* no margin, one value: the range closes on it */
    hone_param point = parsed("lr", "log 1e-5 1");
    assert_int_equal(hone_param_narrow(&point, low, 1, 0, &err), HONE_OK);
    assert_true(point.lo <= 1.2e-5 && point.hi >= 1.2e-5);
    th_assert_close(point.hi, point.lo, 1e-12);

    /* 1-log narrows in log10(1 - beta) */
    hone_param beta = parsed("beta2", "1-log 0.9 0.9999");
    const double bb[2] = {0.99, 0.995};
    assert_int_equal(hone_param_narrow(&beta, bb, 2, 0.1, &err), HONE_OK);
    for (int i = 0; i < 2; i++) assert_true(bb[i] >= beta.lo && bb[i] <= beta.hi);
    /* log10(1 - beta) spans -2 .. -2.30, widened by 0.1 x 3 decades each side */
    th_assert_close(log10(1 - beta.lo), -2 + 0.3, 1e-9);
    th_assert_close(log10(1 - beta.hi), log10(0.005) - 0.3, 1e-9);

    /* int rounds outward, uniform narrows linearly */
    hone_param units = parsed("layers", "int 1 100");
    const double ub[2] = {40, 45};
    assert_int_equal(hone_param_narrow(&units, ub, 2, 0.1, &err), HONE_OK);
    assert_true(units.lo == floor(40 - 9.9) && units.hi == ceil(45 + 9.9));
    hone_param drop = parsed("dropout", "uniform 0 0.5");
    const double db[2] = {0.2, 0.3};
    assert_int_equal(hone_param_narrow(&drop, db, 2, 0.1, &err), HONE_OK);
    th_assert_close(drop.lo, 0.15, 1e-12);
    th_assert_close(drop.hi, 0.35, 1e-12);

    /* what narrowing refuses */
    assert_int_equal(hone_param_narrow(&lr, best, 0, 0.25, &err), HONE_ERR_VALUE);
    assert_int_equal(hone_param_narrow(&lr, best, 3, -1, &err), HONE_ERR_VALUE);
    const double zero[1] = {0};
    assert_int_equal(hone_param_narrow(&lr, zero, 1, 0.25, &err), HONE_ERR_VALUE);
    hone_param opt = parsed("optimizer", "choice adam sgd");
    const double bad[1] = {2};
    assert_int_equal(hone_param_narrow(&opt, bad, 1, 0.25, &err), HONE_ERR_VALUE);
}

static void expect_text(const hone_param *p, double value, const char *want) {
    char buf[HONE_PARAM_TEXT_MAX];
    hone_param_format(p, value, buf, sizeof buf);
    assert_string_equal(buf, want);
    /* the text reads back as a value that prints the same */
    double v;
    hone_error err = {0};
    assert_int_equal(hone_param_value(p, buf, &v, &err), HONE_OK);
    char again[HONE_PARAM_TEXT_MAX];
    hone_param_format(p, v, again, sizeof again);
    assert_string_equal(again, buf);
}

static void test_values_print_as_option_values(void **state) {
    hone_param lr = parsed("lr", "log 1e-5 1");
    expect_text(&lr, 0.00123456, "0.00123");
    expect_text(&lr, 3.16227766e-05, "3.16e-05");
    expect_text(&lr, 1, "1");
    hone_param beta = parsed("beta2", "1-log 0.9 0.9999");
    expect_text(&beta, 0.99937123, "0.999371"); /* 1 - beta = 6.29e-4 */
    /* more digits where 3 would round a value out of the spec's range, and only then */
    hone_param near_one = parsed("beta2", "uniform 0.99 0.9999");
    expect_text(&near_one, 0.99983, "0.9998"); /* not 1, which train refuses */
    expect_text(&near_one, 0.995123, "0.995");
    hone_param narrow = parsed("keep-prob", "uniform 0.81234 0.81239");
    expect_text(&narrow, 0.812361, "0.81236"); /* not 0.812 or 0.8124, below and above it */
    hone_param above = parsed("beta1", "uniform 0.9991 0.99949");
    expect_text(&above, 0.99930012, "0.9993");
    /* narrowed to a point at an end, a sample a rounding error below it is the end */
    hone_param edge = parsed("lr", "log 0.0123457 0.1");
    expect_text(&edge, 0.012345699999999998, "0.01235"); /* was 0.0123, below it, which the trial refused */
    hone_param tight = parsed("beta2", "1-log 0.9995 0.9995036");
    expect_text(&tight, 0.99950356, "0.9995036"); /* 3 digits of 1 - beta give 0.999504, above */
    expect_text(&beta, 0.9, "0.9");
    expect_text(&beta, 0.95012, "0.9501"); /* 1 - beta = 0.0499 */
    hone_param beta_wide = parsed("beta2", "1-log 0.9 0.99999");
    expect_text(&beta_wide, 0.999912345, "0.9999123");
    hone_param batch = parsed("batch", "int 32 256");
    expect_text(&batch, 64, "64");
    hone_param opt = parsed("optimizer", "choice adam sgd");
    expect_text(&opt, 1, "sgd");
    double v;
    hone_error err = {0};
    assert_int_equal(hone_param_value(&opt, "adamw", &v, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "adamw"));
    assert_int_equal(hone_param_value(&batch, "6.5", &v, &err), HONE_ERR_VALUE);
    assert_int_equal(hone_param_value(&lr, "-1", &v, &err), HONE_ERR_VALUE);
    /* numbers of the kind but outside the spec's range are not its values */
    assert_int_equal(hone_param_value(&batch, "1000", &v, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "batch: 1000 is outside its range, 32 to 256");
    assert_int_equal(hone_param_value(&lr, "5", &v, &err), HONE_ERR_VALUE);
    assert_int_equal(hone_param_value(&beta, "0.5", &v, &err), HONE_ERR_VALUE);
    assert_int_equal(hone_param_value(&batch, "256", &v, &err), HONE_OK);
}

static void expect_bad(const char *name, const char *spec, const char *want1, const char *want2) {
    hone_param p;
    hone_error err = {0};
    hone_status st = hone_param_parse(&p, name, spec, &err);
    if (st != HONE_ERR_VALUE) fail_msg("%s = %s: status %d, wanted HONE_ERR_VALUE", name, spec, (int)st);
    if (!strstr(err.message, name) || !strstr(err.message, want1) || (want2 && !strstr(err.message, want2)))
        fail_msg("%s = %s: message '%s' lacks '%s' / '%s'", name, spec, err.message, want1, want2 ? want2 : "");
}

static void test_bad_specs_are_clear_errors(void **state) {
    expect_bad("lr", "log 1 1e-4", "LO must be below HI", "1 and 0.0001");
    expect_bad("lr", "log 0.1 0.1", "LO must be below HI", NULL);
    expect_bad("lr", "log 0 1", "must be positive", NULL);
    expect_bad("lr", "log -1 1", "must be positive", NULL);
    expect_bad("beta1", "1-log 0.9 1", "[0, 1)", "betas");
    expect_bad("beta1", "1-log -0.5 0.9", "[0, 1)", NULL);
    expect_bad("lr", "logg 1e-4 1", "unknown kind 'logg'", "log, 1-log, uniform, int or choice");
    expect_bad("lr", "", "expected KIND ARGS", NULL);
    expect_bad("lr", "log 1e-4", "two numbers", NULL);
    expect_bad("lr", "log 1e-4 1 10", "two numbers", NULL);
    expect_bad("lr", "log 1e-4 one", "expected a number, got 'one'", NULL);
    expect_bad("batch", "int 32.5 256", "expected an integer", "32.5");
    expect_bad("optimizer", "choice", "no choices", NULL);
    expect_bad("optimizer", "choice adam sgd adam", "'adam' is listed twice", NULL);
    expect_bad("dropout", "uniform 0.5 0", "LO must be below HI", NULL);
    /* and the good ones, with tabs and spaces */
    hone_param p = parsed("lr", "  log\t1e-4   1 ");
    assert_true(p.lo == 1e-4 && p.hi == 1 && p.min == 1e-4 && p.max == 1);
    p = parsed("beta1", "1-log 0 0.99");
    assert_true(p.lo == 0 && p.hi == 0.99);
}

/* Catches a best value lost to rounding at the top of a narrowed range. Narrowing maps the best
 * values into log10 and back, and 10^log10(x) is x give or take a unit in the last place: above
 * x for some values, below for others. With no margin, a single best value must still lie in
 * [lo, hi] (the existing point case, 1.2e-5, happens to round up). 400 values spaced by a factor
 * 1.037 over eight decades: about a third of them come back below themselves. */
static void test_narrowing_to_a_point_keeps_it(void **state) {
    hone_error err = {0};
    for (int k = 0; k < 400; k++) {
        const double x = 1e-5 * pow(1.037, k);
        hone_param p = parsed("lr", "log 1e-6 100");
        assert_int_equal(hone_param_narrow(&p, &x, 1, 0, &err), HONE_OK);
        if (!(p.lo <= x && x <= p.hi)) fail_msg("best %.17g narrowed to [%.17g, %.17g]", x, p.lo, p.hi);
    }
}

/* Catches three printing rules of hone_param_format that no value above reached:
 * - a 1-log value of 0 (beta1 = 0, allowed by "1-log 0 0.99") prints "0", not "0.": the
 *   trailing zeros go and then the bare point;
 * - a value a rounding error below the spec's least (a sample of a range narrowed to a point
 *   at its end) prints as that end, here a number of 17 significant digits, rather than as
 *   0.29999999999999999, which the trial would refuse as outside the range;
 * - a choice index that is not a whole number names no choice. */
static void test_printing_at_the_edges(void **state) {
    hone_param beta1 = parsed("beta1", "1-log 0 0.99");
    expect_text(&beta1, 0, "0");
    hone_param tight = parsed("keep-prob", "uniform 0.30000000000000004 0.5");
    expect_text(&tight, nextafter(tight.min, 0), "0.30000000000000004");
    hone_param opt = parsed("optimizer", "choice adam sgd");
    char buf[HONE_PARAM_TEXT_MAX];
    hone_param_format(&opt, 0.5, buf, sizeof buf);
    assert_string_equal(buf, "?");
    hone_param_format(&opt, 2, buf, sizeof buf);
    assert_string_equal(buf, "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_log_puts_a_quarter_in_each_decade),
        th_test(test_one_minus_log_puts_half_in_each_decade_of_1_minus_beta),
        th_test(test_int_covers_its_range_uniformly),
        th_test(test_samples_stay_in_range_at_the_extremes),
        th_test(test_choice_is_uniform_and_narrows),
        th_test(test_same_seed_same_samples),
        th_test(test_narrowing_keeps_the_best_and_shrinks),
        th_test(test_values_print_as_option_values),
        th_test(test_bad_specs_are_clear_errors),
        th_test(test_narrowing_to_a_point_keeps_it),
        th_test(test_printing_at_the_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
