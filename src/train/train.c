/* train.c - the epoch loop: reshuffle, gather a batch, forward, loss, backward, update; then a
 * full pass over dev. Everything it needs is allocated before the first batch. */
#include "layers/layers.h"
#include "optim/optim.h"

#include <math.h>
#include <string.h>
#include <time.h>

hone_train_config hone_train_config_default(void) {
    return (hone_train_config){.epochs = 10, .batch = 128, .lr = 0.05, .seed = 42, .shuffle = 1};
}

hone_status hone_train_config_check(const hone_train_config *c, hone_error *err) {
    if (c->epochs < 1) return honeE_set(err, HONE_ERR_VALUE, "epochs must be at least 1, got %d", c->epochs);
    if (c->batch < 1) return honeE_set(err, HONE_ERR_VALUE, "batch must be at least 1, got %d", c->batch);
    if (!(c->lr > 0 && isfinite(c->lr)))
        return honeE_set(err, HONE_ERR_VALUE, "learning rate must be positive and finite, got %g", c->lr);
    return HONE_OK;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

hone_status hone_train(hone_model *m, const hone_split *split, const hone_train_config *c,
                       hone_epoch_fn on_epoch, void *user, hone_epoch_stats *stats_out,
                       hone_error *err) {
    hone_status st = hone_train_config_check(c, err);
    if (st) return st;
    const hone_view *train = &split->train;
    if (train->n == 0) return honeE_set(err, HONE_ERR_VALUE, "no training rows");
    if (train->data->d != (size_t)m->inputs)
        return honeE_set(err, HONE_ERR_VALUE, "data has %zu features, the model expects %d", train->data->d, m->inputs);
    const int O = hone_model_outputs(m);
    if (m->loss == HONE_LOSS_SOFTMAX_CE && !train->data->label)
        return honeE_set(err, HONE_ERR_VALUE, "softmax cross-entropy needs class labels");
    if (m->loss == HONE_LOSS_SOFTMAX_CE && train->data->n_classes > O)
        return honeE_set(err, HONE_ERR_VALUE, "data has %d classes, the model has %d outputs", train->data->n_classes, O);
    if (m->loss == HONE_LOSS_MSE && (!train->data->target || train->data->t != (size_t)O))
        return honeE_set(err, HONE_ERR_VALUE, "mean squared error needs %d regression target column(s)", O);
    if (m->loss == HONE_LOSS_SIGMOID_CE && !train->data->label && !train->data->target)
        return honeE_set(err, HONE_ERR_VALUE, "sigmoid cross-entropy needs labels or 0/1 targets");

    const int B = c->batch < (int)train->n ? c->batch : (int)train->n;
    if ((st = hone_model_reserve(m, B, err))) return st;
    size_t *order = honeM_alloc(train->n, sizeof *order);
    hone_real *X = honeM_alloc((size_t)B * m->inputs, sizeof *X);
    hone_real *Y = honeM_alloc((size_t)B * O, sizeof *Y);
    if (!order || !X || !Y) {
        st = honeE_set(err, HONE_ERR_NOMEM, "out of memory for training buffers");
        goto done;
    }
    memcpy(order, train->index, train->n * sizeof *order);
    hone_rng rng;
    hone_rng_seed(&rng, c->seed);
    const hone_real lr = (hone_real)c->lr;
    hone_epoch_stats stats = {0};
    for (int epoch = 1; epoch <= c->epochs; epoch++) {
        if (c->shuffle) hone_rng_shuffle(&rng, order, train->n);
        double t0 = now_seconds(), loss_sum = 0;
        size_t correct = 0, batches = 0;
        for (size_t start = 0; start < train->n; start += (size_t)B, batches++) {
            int b = (int)(train->n - start < (size_t)B ? train->n - start : (size_t)B);
            hone_model_gather(m, X, Y, train->data, order + start, b);
            const hone_real *Z = hone_model_forward(m, X, b);
            double loss = hone_model_loss(m, Y, b);
            if (!isfinite(loss)) {
                st = honeE_set(err, HONE_ERR_DIVERGED,
                               "epoch %d, batch %zu: the loss is %g at learning rate %g; lower the "
                               "learning rate or standardize the inputs",
                               epoch, batches + 1, loss, c->lr);
                goto done;
            }
            loss_sum += loss * b;
            correct += honeL_loss_correct(m->loss, Z, Y, b, O);
            hone_model_zero_grad(m);
            hone_model_backward(m, X, b);
            honeO_sgd_step(m->params, m->grads, m->n_params, lr);
        }
        double seconds = now_seconds() - t0;
        stats.epoch = epoch;
        stats.epochs = c->epochs;
        stats.train_loss = loss_sum / (double)train->n;
        stats.train_acc = m->loss == HONE_LOSS_SOFTMAX_CE   ? (double)correct / (double)train->n
                          : m->loss == HONE_LOSS_SIGMOID_CE ? (double)correct / ((double)train->n * O)
                                                            : NAN;
        stats.seconds = seconds;
        stats.samples_per_s = (double)train->n / (seconds > 0 ? seconds : 1e-9);
        if ((st = hone_model_evaluate(m, &split->dev, &stats.dev_loss, &stats.dev_acc, err))) goto done;
        if (on_epoch) on_epoch(&stats, user);
    }
    if (stats_out) *stats_out = stats;
done:
    honeM_free(order);
    honeM_free(X);
    honeM_free(Y);
    return st;
}
