/* loss.c - softmax cross-entropy, sigmoid cross-entropy and mean squared error, each with its
 * gradient with respect to the logits Z. Means follow PyTorch (CrossEntropyLoss averages over
 * rows; BCEWithLogitsLoss and MSELoss over every element), so fixtures compare directly. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <float.h>

/* Each kernel below takes rows lo..hi of Z, Y and dZ [B, O], returns the sum of their terms (not
 * yet divided) and writes their gradient, divided by the whole batch's count. */

/* L = -1/B sum_b sum_c Y[b,c] (Z[b,c] - logsumexp(Z[b,:]))
 * dZ[b,c] = (softmax(Z[b,:])_c * sum_c Y[b,c] - Y[b,c]) / B   (the usual p - y for one-hot Y),
 * softmax_c = e_c / sum_c e_c with e_c = exp(Z[b,c] - max_c Z[b,c]), in double */
static double softmax_ce(hone_real *dZ, const hone_real *Z, const hone_real *Y, int lo, int hi, int O, int B) {
    double total = 0, e[HONEL_KEPT_EXPS];
    for (int b = lo; b < hi; b++) {
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
    return total;
}

/* L = 1/(B O) sum max(z, 0) - z y + log(1 + e^-|z|)   (stable form of binary cross-entropy)
 * dZ = (sigmoid(z) - y) / (B O) */
static double sigmoid_ce(hone_real *dZ, const hone_real *Z, const hone_real *Y, int lo, int hi, int O, int B) {
    const size_t n = (size_t)B * O, end = (size_t)hi * O;
    double total = 0;
    for (size_t i = (size_t)lo * O; i < end; i++) {
        double z = Z[i], y = Y[i], e = exp(-fabs(z));
        total += (z > 0 ? z : 0) - z * y + log1p(e);
        if (dZ) {
            double s = z >= 0 ? 1 / (1 + e) : e / (1 + e);
            dZ[i] = (hone_real)((s - y) / n);
        }
    }
    return total;
}

/* L = 1/(B O) sum (z - y)^2;  dZ = 2 (z - y) / (B O) */
static double mse(hone_real *dZ, const hone_real *Z, const hone_real *Y, int lo, int hi, int O, int B) {
    const size_t n = (size_t)B * O, end = (size_t)hi * O;
    double total = 0;
    for (size_t i = (size_t)lo * O; i < end; i++) {
        double d = (double)Z[i] - Y[i];
        total += d * d;
        if (dZ) dZ[i] = (hone_real)(2 * d / n);
    }
    return total;
}

/* The batch is cut into blocks of rows by the batch alone, LOSS_BLOCKS at most and of
 * LOSS_BLOCK_ROWS rows at least (a batch of fewer is one block); the pool's pieces take runs of
 * whole blocks, and the blocks' sums are added in block order: the same loss however many
 * threads computed it. A row's terms cost an exp each (tens of ns), so even a training batch's
 * few blocks are worth splitting. */
enum { LOSS_BLOCKS = 64, LOSS_BLOCK_ROWS = 16 };

typedef struct loss_args {
    hone_loss_kind kind;
    hone_real *dZ;
    const hone_real *Z, *Y;
    int B, O, blocks;
    double block_sum[LOSS_BLOCKS];
} loss_args;

/* Rows of block k of blocks over B rows: [B k / blocks, B (k + 1) / blocks) */
static int block_start(int B, int k, int blocks) { return (int)((int64_t)B * k / blocks); }

static void loss_piece(void *arg, int part, int parts) {
    loss_args *a = arg;
    double (*rows)(hone_real *, const hone_real *, const hone_real *, int, int, int, int) =
        a->kind == HONE_LOSS_SOFTMAX_CE ? softmax_ce : a->kind == HONE_LOSS_SIGMOID_CE ? sigmoid_ce : mse;
    for (int k = a->blocks * part / parts; k < a->blocks * (part + 1) / parts; k++)
        a->block_sum[k] = rows(a->dZ, a->Z, a->Y, block_start(a->B, k, a->blocks), block_start(a->B, k + 1, a->blocks),
                               a->O, a->B);
}

double honeL_loss(hone_loss_kind kind, hone_real *dZ, const hone_real *Z, const hone_real *Y, int B,
                  int O) {
    if (kind != HONE_LOSS_SOFTMAX_CE && kind != HONE_LOSS_SIGMOID_CE && kind != HONE_LOSS_MSE) return NAN;
    if (B < 1) return NAN; /* a mean over no rows */
    loss_args a = {kind, dZ, Z, Y, B, O, B / LOSS_BLOCK_ROWS, {0}};
    if (a.blocks < 1) a.blocks = 1;
    if (a.blocks > LOSS_BLOCKS) a.blocks = LOSS_BLOCKS;
    honeK_parallel(loss_piece, &a, honeK_parts(a.blocks));
    double total = 0;
    for (int k = 0; k < a.blocks; k++) total += a.block_sum[k];
    return kind == HONE_LOSS_SOFTMAX_CE ? total / B : total / ((double)B * O);
}

double honeL_baseline_loss(hone_loss_kind kind, const hone_real *Y, int B, int O) {
    if (B < 1 || O < 1) return NAN;
    const size_t n = (size_t)B * O;
    double sum = 0;
    switch (kind) {
    case HONE_LOSS_SOFTMAX_CE: /* -1/B sum Y (0 - log O) */
        for (size_t i = 0; i < n; i++) sum += Y[i];
        return log((double)O) * sum / B;
    case HONE_LOSS_SIGMOID_CE: /* max(0, 0) - 0 y + log(1 + e^0) for each element */
        return log(2.0);
    case HONE_LOSS_MSE: /* 1/(B O) sum (0 - y)^2 */
        for (size_t i = 0; i < n; i++) sum += (double)Y[i] * Y[i];
        return sum / (double)n;
    default:
        return NAN;
    }
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
