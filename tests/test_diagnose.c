/* test_diagnose.c - the bias/variance diagnosis: the course's worked examples, the thresholds at
 * their edges, and missing figures. */
#include "harness.h"

#include <math.h>
#include <string.h>

static hone_diagnosis diag(double train, double dev, double base) {
    return hone_diagnose(train, dev, base, HONE_DIAGNOSE_TOLERANCE, NULL);
}

/* The four cases of the basic recipe, as usually taught (human error about 0%). */
static void test_recipe_examples(void **state) {
    assert_int_equal(diag(0.01, 0.11, 0), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(diag(0.15, 0.16, 0), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_int_equal(diag(0.15, 0.30, 0), HONE_DIAGNOSIS_BOTH);
    assert_int_equal(diag(0.005, 0.01, 0), HONE_DIAGNOSIS_FINE);
    /* The same figures read against a base error: 15% train is fine when humans make 14.5%. */
    assert_int_equal(diag(0.15, 0.16, 0.145), HONE_DIAGNOSIS_FINE);
    assert_int_equal(diag(0.15, 0.30, 0.145), HONE_DIAGNOSIS_HIGH_VARIANCE);
    /* Avoidable bias 8 - 7.5 = 0.5 points, variance 10 - 8 = 2.5 points. */
    assert_int_equal(diag(0.08, 0.105, 0.075), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(diag(0.08, 0.095, 0.01), HONE_DIAGNOSIS_HIGH_BIAS);
}

static void test_thresholds(void **state) {
    /* Absolute tolerance: a gap must exceed it. */
    assert_int_equal(diag(0.0, 0.019, 0), HONE_DIAGNOSIS_FINE);
    assert_int_equal(diag(0.0, 0.021, 0), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(diag(0.019, 0.019, 0), HONE_DIAGNOSIS_FINE);
    assert_int_equal(diag(0.021, 0.021, 0), HONE_DIAGNOSIS_HIGH_BIAS);
    /* Relative part: 3 points above 50% train error is noise, 6 points is not. */
    assert_int_equal(diag(0.50, 0.53, 0), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_int_equal(diag(0.50, 0.56, 0), HONE_DIAGNOSIS_BOTH);
    assert_int_equal(diag(0.325, 0.34, 0.30), HONE_DIAGNOSIS_FINE);    /* 2.5 < max(2, 3) points */
    assert_int_equal(diag(0.335, 0.34, 0.30), HONE_DIAGNOSIS_HIGH_BIAS); /* 3.5 points */
    /* Dev better than train, train better than base: negative gaps are never high. */
    assert_int_equal(diag(0.10, 0.05, 0.2), HONE_DIAGNOSIS_FINE);
    /* Another tolerance. */
    assert_int_equal(hone_diagnose(0.0, 0.03, 0, 0.05, NULL), HONE_DIAGNOSIS_FINE);
    assert_int_equal(hone_diagnose(0.0, 0.03, 0, 0.01, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    /* A negative or NaN tolerance is the default. */
    assert_int_equal(hone_diagnose(0.0, 0.03, 0, -1, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(hone_diagnose(0.0, 0.019, 0, NAN, NULL), HONE_DIAGNOSIS_FINE);
    /* Regression losses are not bounded by 1. */
    assert_int_equal(diag(4.0, 9.0, 0.5), HONE_DIAGNOSIS_BOTH);
/* Catches a tolerance of 0 replaced by the default 0.02. hone.h: "a negative or
 * NaN tolerance means HONE_DIAGNOSE_TOLERANCE": 0 is a tolerance of its own, leaving only the
 * relative floor. train 0, dev 0.01: gap 0.01 > 0 and > 0.1 * 0, so high variance (the default
 * 0.02 calls it fine); train 0.10, dev 0.115: gap 0.015 > 0.1 * 0.10 = 0.01, high variance. */
    assert_int_equal(hone_diagnose(0.0, 0.01, 0, 0, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(hone_diagnose(0.10, 0.115, 0.10, 0, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(hone_diagnose(0.10, 0.105, 0.10, 0, NULL), HONE_DIAGNOSIS_FINE); /* 0.005 < 0.01 */
/* Catches a gap equal to the tolerance counted as high. hone.h: a gap is high
 * when it "exceeds" the tolerance. 0.02 - 0 is exactly HONE_DIAGNOSE_TOLERANCE (the same double),
 * as is 0.05 - 0 against a given 0.05: neither is high. */
    assert_int_equal(diag(0.0, 0.02, 0), HONE_DIAGNOSIS_FINE);
    assert_int_equal(diag(0.02, 0.02, 0), HONE_DIAGNOSIS_FINE);
    assert_int_equal(hone_diagnose(0.0, 0.05, 0, 0.05, NULL), HONE_DIAGNOSIS_FINE);
}

static void test_missing_figures(void **state) {
    assert_int_equal(diag(0.3, NAN, 0), HONE_DIAGNOSIS_HIGH_BIAS); /* no dev set: bias only */
    assert_int_equal(diag(0.0, NAN, 0), HONE_DIAGNOSIS_FINE);
    assert_int_equal(diag(0.0, 0.2, NAN), HONE_DIAGNOSIS_HIGH_VARIANCE); /* base unknown: 0 */
    assert_int_equal(diag(NAN, NAN, 0), HONE_DIAGNOSIS_FINE);
}

static void test_advice_and_names(void **state) {
    const char *advice = NULL;
    assert_int_equal(hone_diagnose(0.3, 0.31, 0, 0.02, &advice), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_non_null(strstr(advice, "bigger network"));
    assert_non_null(strstr(advice, "train longer"));
    assert_int_equal(hone_diagnose(0.0, 0.3, 0, 0.02, &advice), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_non_null(strstr(advice, "more data"));
    assert_non_null(strstr(advice, "regularization"));
    assert_int_equal(hone_diagnose(0.3, 0.6, 0, 0.02, &advice), HONE_DIAGNOSIS_BOTH);
    assert_non_null(strstr(advice, "first reduce bias"));
    assert_int_equal(hone_diagnose(0.0, 0.0, 0, 0.02, &advice), HONE_DIAGNOSIS_FINE);
    assert_non_null(advice);
    assert_string_equal(hone_diagnosis_name(HONE_DIAGNOSIS_FINE), "fine");
    assert_string_equal(hone_diagnosis_name(HONE_DIAGNOSIS_HIGH_BIAS), "high bias");
    assert_string_equal(hone_diagnosis_name(HONE_DIAGNOSIS_HIGH_VARIANCE), "high variance");
    assert_string_equal(hone_diagnosis_name(HONE_DIAGNOSIS_BOTH), "high bias and high variance");
    assert_string_equal(hone_diagnosis_name((hone_diagnosis)9), "unknown");
}

/* Catches each gap measured against the wrong error. hone.h: the relative floor is
 * HONE_DIAGNOSE_RELATIVE times "the error it is measured from (base for bias, train for
 * variance)". Variance 0.555 - 0.50 = 0.055 exceeds 0.1 x train = 0.05 but not 0.1 x dev =
 * 0.0555; bias 0.552 - 0.50 = 0.052 exceeds 0.1 x base = 0.05 but not 0.1 x train = 0.0552.
 * (Every earlier case is decided the same way by either reference.) */
static void test_each_gap_has_its_own_reference(void **state) {
    assert_int_equal(diag(0.50, 0.555, 0), HONE_DIAGNOSIS_BOTH);
    assert_int_equal(diag(0.552, 0.552, 0.50), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_int_equal(diag(0.548, 0.548, 0.50), HONE_DIAGNOSIS_FINE); /* 0.048 < 0.05 */
}

/* Catches a base error that is not finite kept as it is. hone.h: "a NaN base is 0"; the
 * existing case (train 0, dev 0.2) is high variance whatever the base, since its bias gap is 0
 * or NaN. Train 0.3 against base 0 is high bias; against a NaN base the bias gap would be NaN,
 * which never counts, and the run would read as fine. An infinite base is 0 too. */
static void test_a_missing_base_is_zero(void **state) {
    assert_int_equal(diag(0.3, 0.3, NAN), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_int_equal(diag(0.3, 0.3, INFINITY), HONE_DIAGNOSIS_HIGH_BIAS);
    assert_int_equal(diag(0.3, 0.3, 0), HONE_DIAGNOSIS_HIGH_BIAS);
}

/* Catches the names table read one past its end. The enum stops at HONE_DIAGNOSIS_BOTH = 3:
 * 4, the first value past it, is as unknown as 9 and -1. */
static void test_names_past_the_end(void **state) {
    assert_string_equal(hone_diagnosis_name((hone_diagnosis)4), "unknown");
    assert_string_equal(hone_diagnosis_name((hone_diagnosis)-1), "unknown");
}

/* The bar a gap must pass is the one hone_diagnose calls by: the tolerance, or a tenth of the
 * reference where larger (train 0.30: 3 points; 0.10: the 2-point tolerance), a negative or NaN
 * tolerance the default, a NaN reference nothing more; and a gap just past it is high, one at it
 * is not (dev 0.30 + bar is exactly past, being the same double sum). */
static void test_bar(void **state) {
    assert_true(fabs(hone_diagnose_bar(0.30, 0.02) - 0.03) < 1e-15);
    assert_true(hone_diagnose_bar(0.10, 0.02) == 0.02);
    assert_true(hone_diagnose_bar(-0.5, 0.02) == 0.05 || fabs(hone_diagnose_bar(-0.5, 0.02) - 0.05) < 1e-15);
    assert_true(hone_diagnose_bar(0.10, -1) == HONE_DIAGNOSE_TOLERANCE);
    assert_true(hone_diagnose_bar(0.10, NAN) == HONE_DIAGNOSE_TOLERANCE);
    /* an infinite tolerance, which no gap could pass, is the default too (mutation round 9) */
    assert_true(hone_diagnose_bar(0.10, INFINITY) == HONE_DIAGNOSE_TOLERANCE);
    assert_int_equal(hone_diagnose(0.10, 0.30, 0.10, INFINITY, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_true(hone_diagnose_bar(NAN, 0.05) == 0.05);
    assert_true(hone_diagnose_bar(0, 0) == 0);
    const double bar = hone_diagnose_bar(0.30, 0.02);
    assert_int_equal(hone_diagnose(0.30, 0.30 + bar * 1.01, 0.30, 0.02, NULL), HONE_DIAGNOSIS_HIGH_VARIANCE);
    assert_int_equal(hone_diagnose(0.30, 0.30 + bar * 0.99, 0.30, 0.02, NULL), HONE_DIAGNOSIS_FINE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_recipe_examples),
        th_test(test_thresholds),
        th_test(test_missing_figures),
        th_test(test_advice_and_names),
        th_test(test_each_gap_has_its_own_reference),
        th_test(test_a_missing_base_is_zero),
        th_test(test_names_past_the_end),
        th_test(test_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
