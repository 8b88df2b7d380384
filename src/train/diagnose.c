/* diagnose.c - bias and variance from three errors, and the basic recipe's advice for each case.
 *
 * Avoidable bias is train - base (how far training is from the best reachable error), variance
 * is dev - train (how much is lost going to unseen data). A gap is high when it exceeds both the
 * tolerance and a tenth of the error it is measured from: an absolute floor ignores the noise of
 * a small dev set, and the relative part keeps a 3-point gap between 50% and 53% from reading as
 * variance while a 1% to 11% jump still does. */
#include "hone_internal.h"

#include <math.h>

static const char *const advice_text[] = {
    [HONE_DIAGNOSIS_FINE] =
        "low bias and low variance: the network fits the training set and does as well on dev; "
        "confirm it once on the test set",
    [HONE_DIAGNOSIS_HIGH_BIAS] =
        "high bias (underfitting the training set): try a bigger network (more units or layers), "
        "train longer, use a better optimizer, or another architecture; more data will not help yet",
    [HONE_DIAGNOSIS_HIGH_VARIANCE] =
        "high variance (overfitting: training fits but dev does not follow): get more data, "
        "add regularization (L2, dropout, data augmentation, early stopping), or try another architecture",
    [HONE_DIAGNOSIS_BOTH] =
        "high bias and high variance: first reduce bias (bigger network, train longer) until the "
        "training set fits, then reduce variance (more data, regularization)",
};

static const char *const names[] = {
    [HONE_DIAGNOSIS_FINE] = "fine",
    [HONE_DIAGNOSIS_HIGH_BIAS] = "high bias",
    [HONE_DIAGNOSIS_HIGH_VARIANCE] = "high variance",
    [HONE_DIAGNOSIS_BOTH] = "high bias and high variance",
};

double hone_diagnose_bar(double reference, double tolerance) {
    if (!(tolerance >= 0) || !isfinite(tolerance)) tolerance = HONE_DIAGNOSE_TOLERANCE;
    const double relative = fabs(reference) * HONE_DIAGNOSE_RELATIVE;
    return relative > tolerance ? relative : tolerance;
}

/* NaN compares false, so a gap that cannot be measured never counts as high. */
static int gap_is_high(double gap, double reference, double tolerance) {
    return gap > hone_diagnose_bar(reference, tolerance);
}

hone_diagnosis hone_diagnose(double train_error, double dev_error, double base_error, double tolerance,
                             const char **advice) {
    if (!isfinite(base_error)) base_error = 0;
    int bias = gap_is_high(train_error - base_error, base_error, tolerance);
    int variance = gap_is_high(dev_error - train_error, train_error, tolerance);
    hone_diagnosis d = bias && variance ? HONE_DIAGNOSIS_BOTH
                       : bias           ? HONE_DIAGNOSIS_HIGH_BIAS
                       : variance       ? HONE_DIAGNOSIS_HIGH_VARIANCE
                                        : HONE_DIAGNOSIS_FINE;
    if (advice) *advice = advice_text[d];
    return d;
}

const char *hone_diagnosis_name(hone_diagnosis diagnosis) {
    if ((int)diagnosis < 0 || (int)diagnosis > HONE_DIAGNOSIS_BOTH) return "unknown";
    return names[diagnosis];
}
