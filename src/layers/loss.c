/* loss.c - softmax cross-entropy, sigmoid cross-entropy and mean squared error, each with its
 * gradient with respect to the logits Z. Means follow PyTorch (CrossEntropyLoss averages over
 * rows; BCEWithLogitsLoss and MSELoss over every element), so fixtures compare directly. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <float.h>

/* L = -1/B sum_b sum_c Y[b,c] (Z[b,c] - logsumexp(Z[b,:]))
 * dZ[b,c] = (softmax(Z[b,:])_c * sum_c Y[b,c] - Y[b,c]) / B   (the usual p - y for one-hot Y),
 * softmax_c = e_c / sum_c e_c with e_c = exp(Z[b,c] - max_c Z[b,c]), in double */
static double softmax_ce(hone_real *dZ, const hone_real *Z, const hone_real *Y, int B, int O) {
    double total = 0, e[HONEL_KEPT_EXPS];
    for (int b = 0; b < B; b++) {
        const hone_real *z = Z + (size_t)b * O, *y = Y + (size_t)b * O;
        hone_real m = z[0];
        for (int c = 1; c < O; c++) m = z[c] > m ? z[c] : m;
        double sum = 0, ysum = 0;
        for (int c = 0; c < O; c++) {
            const double ec = exp((double)z[c] - m);
            if (c < HONEL_KEPT_EXPS) e[c] = ec;
            sum += ec;
        }
        double lse = m + log(sum);
        for (int c = 0; c < O; c++) {
            total -= (double)y[c] * ((double)z[c] - lse);
            ysum += y[c];
        }
        if (dZ) {
            hone_real *d = dZ + (size_t)b * O;
            for (int c = 0; c < O; c++) {
                const double ec = c < HONEL_KEPT_EXPS ? e[c] : exp((double)z[c] - m);
                d[c] = (hone_real)((ec / sum * ysum - y[c]) / B);
            }
        }
    }
    return total / B;
}

/* L = 1/(B O) sum max(z, 0) - z y + log(1 + e^-|z|)   (stable form of binary cross-entropy)
 * dZ = (sigmoid(z) - y) / (B O) */
static double sigmoid_ce(hone_real *dZ, const hone_real *Z, const hone_real *Y, int B, int O) {
    const size_t n = (size_t)B * O;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double z = Z[i], y = Y[i], e = exp(-fabs(z));
        total += (z > 0 ? z : 0) - z * y + log1p(e);
        if (dZ) {
            double s = z >= 0 ? 1 / (1 + e) : e / (1 + e);
            dZ[i] = (hone_real)((s - y) / n);
        }
    }
    return total / n;
}

/* L = 1/(B O) sum (z - y)^2;  dZ = 2 (z - y) / (B O) */
static double mse(hone_real *dZ, const hone_real *Z, const hone_real *Y, int B, int O) {
    const size_t n = (size_t)B * O;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)Z[i] - Y[i];
        total += d * d;
        if (dZ) dZ[i] = (hone_real)(2 * d / n);
    }
    return total / n;
}

double honeL_loss(hone_loss_kind kind, hone_real *dZ, const hone_real *Z, const hone_real *Y, int B,
                  int O) {
    switch (kind) {
    case HONE_LOSS_SOFTMAX_CE: return softmax_ce(dZ, Z, Y, B, O);
    case HONE_LOSS_SIGMOID_CE: return sigmoid_ce(dZ, Z, Y, B, O);
    case HONE_LOSS_MSE: return mse(dZ, Z, Y, B, O);
    }
    return NAN;
}

/* P [B, O] = softmax rows of Z, sigmoid of Z, or Z itself */
void honeL_loss_output(hone_loss_kind kind, hone_real *P, const hone_real *Z, int B, int O) {
    const size_t n = (size_t)B * O;
    if (kind == HONE_LOSS_SOFTMAX_CE) {
        for (int b = 0; b < B; b++) {
            const hone_real *z = Z + (size_t)b * O;
            hone_real *p = P + (size_t)b * O, m = z[0];
            for (int c = 1; c < O; c++) m = z[c] > m ? z[c] : m;
            double sum = 0;
            for (int c = 0; c < O; c++) sum += p[c] = HONE_EXP(z[c] - m);
            for (int c = 0; c < O; c++) p[c] = (hone_real)(p[c] / sum);
        }
    } else if (kind == HONE_LOSS_SIGMOID_CE) {
        for (size_t i = 0; i < n; i++) {
            hone_real e = HONE_EXP(-(Z[i] > 0 ? Z[i] : -Z[i]));
            P[i] = Z[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
        }
    } else {
        for (size_t i = 0; i < n; i++) P[i] = Z[i];
    }
}

static int argmax(const hone_real *v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

void honeL_loss_confusion(hone_loss_kind kind, const hone_real *Z, const hone_real *Y, int B, int O, size_t *counts) {
    const int C = kind == HONE_LOSS_SOFTMAX_CE ? O : 2;
    for (int b = 0; b < B; b++) {
        const hone_real *z = Z + (size_t)b * O, *y = Y + (size_t)b * O;
        const int truth = kind == HONE_LOSS_SOFTMAX_CE ? argmax(y, O) : y[0] > 0.5;
        const int predicted = kind == HONE_LOSS_SOFTMAX_CE ? argmax(z, O) : z[0] > 0;
        counts[(size_t)truth * C + (size_t)predicted]++;
    }
}

size_t honeL_loss_correct(hone_loss_kind kind, const hone_real *Z, const hone_real *Y, int B, int O) {
    size_t correct = 0;
    if (kind == HONE_LOSS_SOFTMAX_CE) {
        for (int b = 0; b < B; b++)
            correct += argmax(Z + (size_t)b * O, O) == argmax(Y + (size_t)b * O, O);
    } else if (kind == HONE_LOSS_SIGMOID_CE) {
        for (size_t i = 0; i < (size_t)B * O; i++) correct += (Z[i] > 0) == (Y[i] > 0.5);
    }
    return correct;
}
