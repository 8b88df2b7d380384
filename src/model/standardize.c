/* standardize.c - input standardization fitted on the training split, and the gathering of a
 * batch that applies it while converting uint8 pixels to hone_real; the targets a batch gets
 * (fill_target), and so also what the best constant prediction of them scores. */
#include "kernels/kernels.h"
#include "layers/layers.h"

#include <math.h>
#include <string.h>

/* An MSE model's target standardization, as the features' (a constant target gets std 1): the
 * network then learns targets of mean 0 and variance 1 whatever their units, where targets of
 * 1e5 left Adam's steps of about the learning rate a million steps from their mean. Other losses
 * keep mean 0 and std 1 (sigmoid cross-entropy's targets are probabilities). Into mean [O] and
 * sd [O], which the caller gives the model only when the whole fit succeeds. */
static hone_status fit_targets(const hone_model *m, const hone_view *train, hone_real *mean_out, hone_real *sd_out,
                               hone_error *err) {
    const hone_dataset *d = train->data;
    const int O = hone_model_outputs(m);
    for (int o = 0; o < O; o++) {
        mean_out[o] = 0;
        sd_out[o] = 1;
    }
    if (m->loss != HONE_LOSS_MSE || !d->target || d->t != (size_t)O) return HONE_OK;
    for (int o = 0; o < O; o++) {
        double sum = 0, sq = 0;
        bool varies = false;
        const hone_real first = d->target[train->index[0] * d->t + (size_t)o];
        char column[48] = ""; /* where a CSV file has it, as its reader counts columns */
        if (d->target_columns) snprintf(column, sizeof column, " (column %d of the file)", d->target_columns[o] + 1);
        for (size_t r = 0; r < train->n; r++) {
            const hone_real v = d->target[train->index[r] * d->t + (size_t)o];
            if (!isfinite(v)) /* the readers refuse it; its "spread" was nan */
                return honeE_set(err, HONE_ERR_VALUE, "standardize: row %zu, target %d%s is %s: targets must be "
                                 "finite numbers", train->index[r] + 1, o + 1, column,
                                 isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
            sum += v;
            varies |= v != first;
        }
        const double mean = sum / (double)train->n;
        for (size_t r = 0; r < train->n; r++) {
            const double dev = d->target[train->index[r] * d->t + (size_t)o] - mean;
            sq += dev * dev;
        }
        const double spread = sqrt(sq / (double)train->n);
        const hone_real sd = varies ? (hone_real)spread : 1;
        if (!(sd > 0 && isfinite(1 / sd) && isfinite(mean) && isfinite(spread)))
            return honeE_set(err, HONE_ERR_VALUE, "standardize: target %d%s varies by %g around %g, which " HONE_REAL_NAME
                             " cannot divide by (scale it)", o + 1, column, spread, mean);
        mean_out[o] = (hone_real)mean;
        sd_out[o] = sd;
    }
    return HONE_OK;
}

/* Every statistic is worked out in scratch and given to the model only when all are good: a fit
 * that failed half way left it a NaN std, and every later pass a NaN loss blamed on the
 * learning rate. */
hone_status hone_model_standardize_fit(hone_model *m, const hone_view *train, hone_error *err) {
    const hone_dataset *d = train->data;
    if (d->d != (size_t)m->inputs)
        return honeE_set(err, HONE_ERR_VALUE, "standardize: data has %zu features, model expects %d", d->d, m->inputs);
    if (train->n == 0) return honeE_set(err, HONE_ERR_VALUE, "standardize: no training rows");
    hone_status st = honeD_view_check(train, err);
    if (st) return honeE_prefix(err, st, "standardize");
    const int O = hone_model_outputs(m);
    double *sum = honeM_alloc(d->d, sizeof *sum), *sq = honeM_alloc(d->d, sizeof *sq);
    bool *varies = honeM_alloc(d->d, sizeof *varies);
    hone_real *fitted = honeM_alloc(2 * d->d + 2 * (size_t)O, sizeof *fitted); /* mean, std; target mean, std */
    if (!sum || !sq || !varies || !fitted) {
        st = honeE_set(err, HONE_ERR_NOMEM, "standardize: out of memory");
        goto done;
    }
    hone_real *mean = fitted, *std = fitted + d->d, *target_mean = std + d->d, *target_std = target_mean + O;
    /* two passes (mean, then squared deviations) in double: exact enough and simple */
    for (size_t r = 0; r < train->n; r++)
        for (size_t j = 0; j < d->d; j++) {
            const double v = hone_dataset_at(d, train->index[r], j);
            sum[j] += v;
            varies[j] |= v != hone_dataset_at(d, train->index[0], j);
        }
    /* a NaN or infinite value (the readers refuse them) made its feature's sum so, and was reported
     * as a spread too small: looked for, to name its row, only then */
    for (size_t j = 0; j < d->d; j++)
        if (!isfinite(sum[j])) {
            st = honeE_prefix(err, honeD_view_features_finite(train, err), "standardize");
            goto done;
        }
    for (size_t j = 0; j < d->d; j++) sum[j] /= (double)train->n;
    for (size_t r = 0; r < train->n; r++)
        for (size_t j = 0; j < d->d; j++) {
            double dev = hone_dataset_at(d, train->index[r], j) - sum[j];
            sq[j] += dev * dev;
        }
    for (size_t j = 0; j < d->d && !st; j++) {
        /* a constant feature (every training value the same) carries nothing: std 1 leaves it at
         * zero rather than dividing by 0. Any other is kept at its own scale, however small: a
         * threshold on the spread took data in units of 1e-9 for constant and zeroed it. */
        const double spread = sqrt(sq[j] / (double)train->n);
        const hone_real sd = varies[j] ? (hone_real)spread : 1;
        mean[j] = (hone_real)sum[j];
        std[j] = sd;
        if (!(sd > 0 && isfinite(1 / sd)))
            st = honeE_set(err, HONE_ERR_VALUE, "standardize: feature %zu varies by %g, too little for " HONE_REAL_NAME
                           " to divide by (scale it up, or leave it out)", j + 1, spread);
    }
    if (st || (st = fit_targets(m, train, target_mean, target_std, err))) goto done;
    memcpy(m->input_mean, mean, d->d * sizeof *mean);
    memcpy(m->input_std, std, d->d * sizeof *std);
    memcpy(m->target_mean, target_mean, (size_t)O * sizeof *target_mean);
    memcpy(m->target_std, target_std, (size_t)O * sizeof *target_std);
    honeD_take_image_shape(m, d); /* the statistics are per pixel: they, and the weights after them, hold for it */
done:
    honeM_free(fitted);
    honeM_free(varies);
    honeM_free(sum);
    honeM_free(sq);
    return st;
}

void honeD_take_image_shape(hone_model *m, const hone_dataset *data) {
    const bool image = data->height && data->width && data->height * data->width == data->d;
    m->image_height = image ? (int)data->height : 0;
    m->image_width = image ? (int)data->width : 0;
}

/* y [O]: one-hot label (softmax), label as 0/1 (sigmoid, one output), or targets */
static void fill_target(const hone_model *m, hone_real *y, const hone_dataset *data, size_t row) {
    const int O = hone_model_outputs(m);
    if (data->label && m->loss == HONE_LOSS_SOFTMAX_CE) {
        memset(y, 0, (size_t)O * sizeof *y);
        int c = data->label[row];
        if (c >= 0 && c < O) y[c] = 1;
    } else if (data->label) {
        for (int o = 0; o < O; o++) y[o] = (hone_real)(data->label[row] == (O == 1 ? 1 : o));
    } else if (data->target) { /* standardized: an MSE model's statistics (any other's, 0 and 1, leave them) */
        for (int o = 0; o < O; o++)
            y[o] = (data->target[row * data->t + (size_t)o % data->t] - m->target_mean[o]) / m->target_std[o];
    }
}

/* -(q log q + (1 - q) log(1 - q)), 0 log 0 = 0 */
static double binary_entropy(double q) {
    return -((q > 0 ? q * log(q) : 0) + (q < 1 ? (1 - q) * log(1 - q) : 0));
}

hone_status hone_model_constant_figures(const hone_model *m, const hone_view *view, double *loss, double *accuracy,
                                       hone_error *err) {
    *loss = *accuracy = NAN;
    hone_status st = hone_model_data_check(m, view->data, err);
    if (!st) st = honeD_view_check(view, err);
    if (st || view->n == 0) return st;
    const int O = hone_model_outputs(m);
    hone_real *y = honeM_alloc((size_t)O, sizeof *y);
    /* each output's mean target and sum of squared deviations (Welford's), and the share of rows
     * where it is the row's largest target (softmax) or above 0.5 (sigmoid): what accuracy counts */
    double *mean = honeM_alloc((size_t)O, sizeof *mean), *spread = honeM_alloc((size_t)O, sizeof *spread);
    double *counted = honeM_alloc((size_t)O, sizeof *counted);
    if (!y || !mean || !spread || !counted) {
        st = honeE_set(err, HONE_ERR_NOMEM, "out of memory for %d outputs", O);
        goto done;
    }
    for (size_t i = 0; i < view->n; i++) {
        fill_target(m, y, view->data, view->index[i]);
        int largest = 0;
        for (int o = 0; o < O; o++) {
            const double delta = y[o] - mean[o];
            mean[o] += delta / (double)(i + 1);
            spread[o] += delta * (y[o] - mean[o]);
            if (y[o] > y[largest]) largest = o;
            if (m->loss == HONE_LOSS_SIGMOID_CE && y[o] > 0.5) counted[o]++;
        }
        if (m->loss == HONE_LOSS_SOFTMAX_CE) counted[largest]++;
    }
    double total = 0, right = 0, mass = 0;
    int best = 0; /* softmax: the class the constant prediction names, the most frequent (the first of ties) */
    for (int o = 0; o < O; o++) {
        mass += mean[o];
        if (mean[o] > mean[best]) best = o;
    }
    for (int o = 0; o < O; o++) {
        const double share = counted[o] / (double)view->n;
        if (m->loss == HONE_LOSS_SOFTMAX_CE) { /* p = the frequencies: -sum p log p */
            total -= mean[o] > 0 ? mean[o] * log(mean[o] / mass) : 0;
        } else if (m->loss == HONE_LOSS_SIGMOID_CE) { /* q = the mean: its binary entropy; 1 where q > 0.5 */
            total += binary_entropy(mean[o]) / O;
            right += (mean[o] > 0.5 ? share : 1 - share) / O;
        } else { /* the mean: the variance */
            total += spread[o] / (double)view->n / O;
        }
    }
    *loss = total;
    if (m->loss == HONE_LOSS_SOFTMAX_CE) *accuracy = counted[best] / (double)view->n;
    else if (m->loss == HONE_LOSS_SIGMOID_CE) *accuracy = right;
done:
    honeM_free(y);
    honeM_free(mean);
    honeM_free(spread);
    honeM_free(counted);
    return st;
}

/* x [D] = (src - mean) / std, from uint8 pixels or from reals */
HONE_KERNEL static void standardize_u8(hone_real *restrict x, const uint8_t *restrict src, const hone_real *restrict mean,
                                       const hone_real *restrict sd, size_t D) {
    for (size_t j = 0; j < D; j++) x[j] = ((hone_real)src[j] - mean[j]) / sd[j];
}
HONE_KERNEL static void standardize_real(hone_real *restrict x, const hone_real *restrict src,
                                         const hone_real *restrict mean, const hone_real *restrict sd, size_t D) {
    for (size_t j = 0; j < D; j++) x[j] = (src[j] - mean[j]) / sd[j];
}

/* x [H, W] = (src moved by whole pixels (dx, dy), mirrored when flip - mean) / sd, 0 - mean
 * outside: honeD_transform_image's pixels for a rotation of 0, taken straight from the row. */
HONE_KERNEL static void moved_standardized(hone_real *restrict x, const hone_dataset *data, size_t row, int H, int W,
                                           int dx, int dy, int flip, const hone_real *restrict mean,
                                           const hone_real *restrict sd) {
    const size_t D = (size_t)H * W;
    const uint8_t *u8 = data->x_u8 ? data->x_u8 + row * D : NULL;
    const hone_real *re = data->x_u8 ? NULL : data->x + row * D;
    for (int i = 0; i < H; i++) {
        const int si = i - dy;
        hone_real *xi = x + (size_t)i * W;
        const hone_real *mi = mean + (size_t)i * W, *di = sd + (size_t)i * W;
        if (si < 0 || si >= H) {
            for (int j = 0; j < W; j++) xi[j] = (0 - mi[j]) / di[j];
            continue;
        }
        for (int j = 0; j < W; j++) {
            const int sj = (flip ? W - 1 - j : j) - dx;
            hone_real v = 0;
            if (sj >= 0 && sj < W) v = u8 ? (hone_real)u8[(size_t)si * W + sj] : re[(size_t)si * W + sj];
            xi[j] = (v - mi[j]) / di[j];
        }
    }
}

/* x [D] = one random draw of aug's transforms of the row, standardized, plus noise, all from
 * the row's own generator; raw holds D values for a rotation. */
static void augmented_row(hone_real *x, const hone_dataset *data, size_t row, const hone_augment *aug, hone_rng *rng,
                          const hone_real *mean, const hone_real *sd, hone_real *raw) {
    const size_t D = data->d;
    const int H = (int)data->height, W = (int)data->width;
    int dx, dy, flip;
    double deg;
    honeD_augment_draw(aug, rng, &dx, &dy, &deg, &flip);
    if (dx == 0 && dy == 0 && deg == 0 && !flip) { /* noise alone: data that are no images have no H and W */
        if (data->x_u8) standardize_u8(x, data->x_u8 + row * D, mean, sd, D);
        else standardize_real(x, data->x + row * D, mean, sd, D);
    } else if (deg == 0) {
        moved_standardized(x, data, row, H, W, dx, dy, flip, mean, sd);
    } else {
        for (size_t j = 0; j < D; j++) raw[j] = hone_dataset_at(data, row, j);
        honeD_transform_image(x, raw, H, W, dx, dy, deg, flip);
        for (size_t j = 0; j < D; j++) x[j] = (x[j] - mean[j]) / sd[j];
    }
    if (aug->noise > 0)
        for (size_t j = 0; j < D; j++) x[j] += (hone_real)(aug->noise * hone_rng_normal_fast(rng));
}

enum { PREFETCH_BYTES = 128 << 10 }; /* the most a gather's band asks for ahead (see gather_band) */

/* A batch gather's work, split into bands of rows (honeK_band) across the pool's threads. */
typedef struct gather_args {
    const hone_model *m;
    hone_real *X, *Y;
    const hone_dataset *data;
    const size_t *rows;
    int B;
    const hone_augment *aug; /* augmented gathers: the transforms, */
    uint64_t batch_seed;     /* the seed of every row's generator, */
    hone_real *scratch;      /* and D values for each piece */
} gather_args;

/* The rows of piece `part`: standardized, or augmented from each row's own generator (so the
 * batch is the same however it is split). */
static void gather_band(void *arg, int part, int parts) {
    const gather_args *a = arg;
    const hone_dataset *data = a->data;
    const size_t D = data->d;
    const int O = hone_model_outputs(a->m);
    const hone_real *mean = a->m->input_mean, *sd = a->m->input_std;
    int lo, hi;
    honeK_band(a->B, part, parts, &lo, &hi);
    /* Every cache line of the band's rows asked for before any is converted: the rows lie
     * anywhere in the dataset, and converted one after another they wait on memory once a row;
     * asked for together, the misses overlap (a default step's gather 0.034 to 0.018 ms,
     * build/step-phases). Not for a band larger than a quarter of a small L2, whose first rows
     * would be pushed out before they are read; long rows keep the prefetchers busy anyway.
     * Written here, not in a function of its own: GCC 12 took a static function that only
     * prefetches for one without effects and dropped the call. */
    const size_t row_bytes = D * (data->x_u8 ? 1 : sizeof *data->x);
    const char *base = data->x_u8 ? (const char *)data->x_u8 : (const char *)data->x;
    if ((size_t)(hi - lo) * row_bytes <= PREFETCH_BYTES)
        for (int b = lo; b < hi; b++) {
            const char *row = base + a->rows[b] * row_bytes;
            for (size_t j = 0; j < row_bytes; j += 64) __builtin_prefetch(row + j);
            __builtin_prefetch(row + row_bytes - 1); /* a row need not start on a line */
        }
    for (int b = lo; b < hi; b++) {
        hone_real *x = a->X + (size_t)b * D;
        const size_t row = a->rows[b];
        if (a->aug) {
            hone_rng rng;
            honeC_row_rng(&rng, a->batch_seed, b);
            augmented_row(x, data, row, a->aug, &rng, mean, sd, a->scratch + (size_t)part * D);
        } else if (data->x_u8) {
            standardize_u8(x, data->x_u8 + row * D, mean, sd, D);
        } else {
            standardize_real(x, data->x + row * D, mean, sd, D);
        }
        if (a->Y) fill_target(a->m, a->Y + (size_t)b * O, data, row);
    }
}

/* X [B, D] = (data rows - mean) / std, converting uint8 pixels as they are read;  Y [B, O]. Large
 * batches are split into bands of rows across the pool's threads. */
void hone_model_gather(const hone_model *m, hone_real *X, hone_real *Y, const hone_dataset *data,
                       const size_t *rows, int B) {
    gather_args a = {m, X, Y, data, rows, B, NULL, 0, NULL};
    honeK_parallel(gather_band, &a, honeK_row_parts(B, data->d));
}

size_t honeD_augment_scratch(size_t D) { return D * (size_t)honeK_threads(); }

void honeD_gather_augmented(const hone_model *m, hone_real *X, hone_real *Y, const hone_dataset *data,
                            const size_t *rows, int B, const hone_augment *aug, hone_rng *rng,
                            hone_real *scratch, size_t scratch_count) {
    gather_args a = {m, X, Y, data, rows, B, aug, hone_rng_next(rng), scratch};
    const size_t slots = scratch_count / data->d; /* pieces that have room for a rotation */
    honeK_parallel(gather_band, &a, honeK_parts(slots < (size_t)B / 16 ? (int)slots : B / 16)); /* bands of 16 rows, as the plain gather */
}
