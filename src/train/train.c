/* train.c - the epoch loop: reshuffle, gather a batch, forward, loss, backward, update; then a
 * full pass over dev. Everything it needs is allocated before the first batch. */
#include "layers/layers.h"
#include "optim/optim.h"
#include "train/checkpoint.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

hone_train_config hone_train_config_default(void) {
    return (hone_train_config){.epochs = 10, .batch = 128, .lr = 1e-3, .seed = 42, .shuffle = 1,
                               .optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_ADAM),
                               .schedule = hone_schedule_config_default(HONE_SCHEDULE_COSINE)};
}

static bool in_unit(double b) { return b >= 0 && b < 1; }

/* Whether b stays below 1 as a hone_real, the type the optimizer's averages are taken in: in
 * float32 0.99999999 is 1, which froze a momentum average (1 - beta1 = 0) and blew up Adam's
 * second moment's correction. */
static bool below_one_real(double b) { return (hone_real)b < 1; }

/* Whether x stays positive and finite as a hone_real (the type the steps are taken in). */
static bool positive_finite_real(double x) { return (hone_real)x > 0 && isfinite((hone_real)x); }

/* A config check's refusal, naming its field (hone_error.field). */
#define REFUSE(field, ...) honeE_set_field(err, HONE_ERR_VALUE, field, __VA_ARGS__)

hone_status hone_train_config_check(const hone_train_config *c, hone_error *err) {
    if (c->epochs < 1) return REFUSE("epochs", "epochs must be at least 1, got %d", c->epochs);
    if (c->batch < 1) return REFUSE("batch", "batch must be at least 1, got %d", c->batch);
    if (!(c->lr > 0 && isfinite(c->lr)))
        return REFUSE("lr", "learning rate must be positive and finite, got %g", c->lr);
    /* the steps are taken in hone_real: 1e308 is inf in float32, 1e-50 is 0 */
    if (!positive_finite_real(c->lr))
        return REFUSE("lr", "learning rate must be positive and finite in " HONE_REAL_NAME ", got %g", c->lr);
    const hone_optimizer_config *o = &c->optimizer;
    if (o->kind < HONE_OPTIMIZER_SGD || o->kind > HONE_OPTIMIZER_ADAMW)
        return REFUSE("optimizer.kind", "unknown optimizer %d", (int)o->kind);
    if (!in_unit(o->beta1)) return REFUSE("optimizer.beta1", "beta1 must be in [0, 1), got %g", o->beta1);
    if (!in_unit(o->beta2)) return REFUSE("optimizer.beta2", "beta2 must be in [0, 1), got %g", o->beta2);
    const double below_one = (double)nextafterf(1, 0); /* only float32 rounds a beta in [0, 1) to 1 */
    if (!below_one_real(o->beta1))
        return REFUSE("optimizer.beta1", "beta1 %.10g rounds to 1 in " HONE_REAL_NAME ", which the steps are taken in: "
                      "give at most %.8g", o->beta1, below_one);
    if (!below_one_real(o->beta2))
        return REFUSE("optimizer.beta2", "beta2 %.10g rounds to 1 in " HONE_REAL_NAME ", which the steps are taken in: "
                      "give at most %.8g", o->beta2, below_one);
    if (!(o->eps > 0 && isfinite(o->eps))) return REFUSE("optimizer.eps", "eps must be positive, got %g", o->eps);
    if (!positive_finite_real(o->eps))
        return REFUSE("optimizer.eps", "eps must be positive and finite in " HONE_REAL_NAME ", got %g", o->eps);
    if (!(o->weight_decay >= 0 && o->weight_decay * c->lr < 1))
        return REFUSE("optimizer.weight_decay", "weight decay must be 0 or more with lr * decay below 1, got %g", o->weight_decay);
    const hone_schedule_config *s = &c->schedule;
    if (s->kind < HONE_SCHEDULE_CONSTANT || s->kind > HONE_SCHEDULE_PLATEAU)
        return REFUSE("schedule.kind", "unknown learning-rate schedule %d", (int)s->kind);
    const char *name = hone_schedule_kind_name(s->kind);
    if (s->kind == HONE_SCHEDULE_INVERSE_TIME && !(s->rate >= 0 && isfinite(s->rate)))
        return REFUSE("schedule.rate", "%s: decay rate must be 0 or more, got %g", name, s->rate);
    if ((s->kind == HONE_SCHEDULE_EXPONENTIAL || s->kind == HONE_SCHEDULE_STEP) && !(s->rate > 0 && s->rate <= 1))
        return REFUSE("schedule.rate", "%s: decay rate (the factor) must be in (0, 1], got %g", name, s->rate);
    if (s->kind == HONE_SCHEDULE_INVERSE_SQRT && !(s->rate > 0 && isfinite(s->rate)))
        return REFUSE("schedule.rate", "%s: decay rate (k) must be positive, got %g", name, s->rate);
    if (s->kind == HONE_SCHEDULE_STEP && s->step_size < 1)
        return REFUSE("schedule.step_size", "step: step size must be at least 1, got %d", s->step_size);
    if (s->warmup < 0) return REFUSE("schedule.warmup", "warm-up must be 0 or more, got %d", s->warmup);
    if (s->kind == HONE_SCHEDULE_COSINE && s->warmup >= (s->per_step ? INT32_MAX : c->epochs))
        return REFUSE("schedule.warmup", "cosine: warm-up (%d) must be shorter than the run (%d epochs)", s->warmup, c->epochs);
    if (!(s->min_lr >= 0 && s->min_lr <= c->lr))
        return REFUSE("schedule.min_lr", "minimum learning rate must be in [0, lr], got %g", s->min_lr);
    if (s->kind == HONE_SCHEDULE_PLATEAU) {
        if (s->per_step) return REFUSE("schedule.per_step", "plateau: follows the dev loss per epoch, not per step");
        if (!(s->factor > 0 && s->factor < 1))
            return REFUSE("schedule.factor", "plateau: factor must be in (0, 1), got %g", s->factor);
        if (s->patience < 0) return REFUSE("schedule.patience", "plateau: patience must be 0 or more, got %d", s->patience);
        if (!(s->threshold >= 0 && s->threshold < 1))
            return REFUSE("schedule.threshold", "plateau: threshold must be in [0, 1), got %g", s->threshold);
    }
    if (!(c->clip_value >= 0 && isfinite(c->clip_value)))
        return REFUSE("clip_value", "clip value must be 0 (off) or positive, got %g", c->clip_value);
    /* gradients are clipped in hone_real: a value that is 0 there set every gradient to 0 */
    if (c->clip_value > 0 && (hone_real)c->clip_value == 0)
        return REFUSE("clip_value", "clip value %g is 0 in " HONE_REAL_NAME ", and would set every gradient to 0: give "
                      "0 for no clipping, or at least %.2g", c->clip_value, (double)FLT_TRUE_MIN);
    if (!(c->clip_norm >= 0 && isfinite(c->clip_norm)))
        return REFUSE("clip_norm", "clip norm must be 0 (off) or positive, got %g", c->clip_norm);
    if (!(c->normalize_grad >= 0 && isfinite(c->normalize_grad)))
        return REFUSE("normalize_grad", "gradient normalization target must be 0 (off) or positive, got %g",
                         c->normalize_grad);
    const hone_early_stopping *e = &c->early_stopping;
    if (e->patience < 0) return REFUSE("early_stopping.patience", "early stopping patience must be 0 (off) or more, got %d", e->patience);
    if (!(e->min_delta >= 0 && isfinite(e->min_delta)))
        return REFUSE("early_stopping.min_delta", "early stopping min-delta must be 0 or more, got %g", e->min_delta);
    const hone_augment *a = &c->augment;
    if (a->shift < 0 || a->shift > 64) return REFUSE("augment.shift", "augment shift must be in [0, 64] pixels, got %d", a->shift);
    if (!(a->rotate >= 0 && a->rotate <= 180))
        return REFUSE("augment.rotate", "augment rotation must be in [0, 180] degrees, got %g", a->rotate);
    if (!(a->noise >= 0 && isfinite(a->noise)))
        return REFUSE("augment.noise", "augment noise must be 0 or more, got %g", a->noise);
    /* flags are 0 or 1: a checkpoint keeps them so, and its loader refuses a 2 it could not resume */
    const struct {
        const char *field;
        int value;
    } flags[] = {{"shuffle", c->shuffle}, {"optimizer.momentum_ewma", o->momentum_ewma}, {"schedule.per_step", s->per_step},
                 {"early_stopping.on_accuracy", e->on_accuracy}, {"augment.flip", a->flip}};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (flags[i].value != 0 && flags[i].value != 1)
            return REFUSE(flags[i].field, "%s must be 0 or 1, got %d", flags[i].field, flags[i].value);
    return HONE_OK;
}
#undef REFUSE

long honeT_steps_per_epoch(size_t n_train, int batch) {
    size_t B = (size_t)batch < n_train ? (size_t)batch : n_train;
    return B ? (long)((n_train + B - 1) / B) : 0;
}

static bool augmenting(const hone_augment *a) { return a->shift || a->rotate > 0 || a->flip || a->noise > 0; }

/* Early stopping's memory of the best epoch: the weights and running statistics to put back. */
typedef struct best_state {
    hone_real *params, *buffers;
    uint64_t bn_batches;
    double metric;
    int epoch, bad_epochs;
} best_state;

/* 1 when this epoch improves on the best by more than min_delta (and remembers it). */
static bool remember_if_best(best_state *b, const hone_model *m, const hone_early_stopping *e, const hone_epoch_stats *s) {
    double metric = e->on_accuracy ? s->dev_acc : s->dev_loss;
    bool better = b->epoch == 0 || (e->on_accuracy ? metric > b->metric + e->min_delta : metric < b->metric - e->min_delta);
    if (!better) return false;
    b->metric = metric;
    b->epoch = s->epoch;
    b->bad_epochs = 0;
    b->bn_batches = m->bn_batches;
    memcpy(b->params, m->params, m->n_params * sizeof *b->params);
    memcpy(b->buffers, m->buffers, m->n_buffers * sizeof *b->buffers);
    return true;
}

/* The index of the first value of v [n] that is not finite, or n. */
static size_t first_nonfinite(const hone_real *v, size_t n) {
    size_t i = 0;
    while (i < n && isfinite(v[i])) i++;
    return i;
}

static bool all_finite(const hone_real *v, size_t n) { return first_nonfinite(v, n) == n; }

/* What a divergence was found in: the loss, or the gradient norm before the step (clipping and
 * statistics take the whole gradient first) or after it (the fused step, which has spent and
 * cleared the gradients by then). */
typedef enum { IN_LOSS, IN_NORM, IN_NORM_AFTER_STEP } found_in;

/* Where a non-finite value first shows: the first layer whose output (forward) or parameter
 * gradient (backward) holds one, or the parameters themselves. Only runs once training failed.
 * After a fused step, the step carried the non-finite gradient into its layer's weights: the
 * first layer, going backward, whose weights are not finite is the one whose gradient was. */
static void describe_divergence(char *out, size_t cap, const hone_model *m, int B, found_in in) {
    for (int l = m->n_layers - 1; in == IN_NORM_AFTER_STEP && l >= 0; l--) {
        const hone_layer *layer = &m->layers[l];
        if (!all_finite(m->params + layer->param_offset, layer->n_params)) {
            snprintf(out, cap, "first non-finite gradient, going backward, at layer %d, %s, which the step carried into its weights",
                     l, hone_layer_kind_name(layer->kind));
            return;
        }
    }
    if (!all_finite(m->params, m->n_params)) {
        snprintf(out, cap, "the weights already hold non-finite values");
        return;
    }
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (!all_finite(m->acts + m->act_offset[l], (size_t)B * layer->out)) {
            snprintf(out, cap, "first non-finite output at layer %d, %s", l, hone_layer_kind_name(layer->kind));
            return;
        }
    }
    for (int l = m->n_layers - 1; in == IN_NORM && l >= 0; l--) {
        const hone_layer *layer = &m->layers[l];
        if (!all_finite(m->grads + layer->param_offset, layer->n_params)) {
            snprintf(out, cap, "first non-finite gradient, going backward, at layer %d, %s", l,
                     hone_layer_kind_name(layer->kind));
            return;
        }
    }
    snprintf(out, cap, in == IN_LOSS ? "in the loss itself" : "every gradient is finite: the sum of their squares overflowed");
}

static const char *const lower_the_rate = "lower the learning rate, clip gradients (--clip-norm), or add batch normalization";

/* Every divergence's message: where, what (detail), and what to try. */
static hone_status diverged_at(hone_error *err, int epoch, size_t batch, double lr, const char *detail,
                               const char *advice) {
    return honeE_set(err, HONE_ERR_DIVERGED, "diverged at epoch %d, batch %zu, learning rate %g: %s; %s", epoch, batch, lr,
                     detail, advice);
}

/* A dev row's figures that are not finite (err: hone_model_evaluate's, naming the row): weights
 * grown too large by the epoch's last steps, or a row far outside the training rows. */
static hone_status dev_diverged(hone_error *err, int epoch, double lr) {
    char detail[sizeof err->message];
    snprintf(detail, sizeof detail, "%s", err->message);
    return honeE_set(err, HONE_ERR_DIVERGED, "diverged at epoch %d, on the dev rows, learning rate %g: %s; the weights "
                     "grew too large (%s) or that row's features are far outside the training rows'", epoch, lr, detail,
                     lower_the_rate);
}

/* A loss or gradient norm that is not finite, with where the first non-finite value shows. */
static hone_status diverged(hone_error *err, const hone_model *m, int B, found_in in, int epoch, size_t batch,
                            double lr, double value) {
    char where[160], detail[256];
    describe_divergence(where, sizeof where, m, B, in);
    snprintf(detail, sizeof detail, "the %s is %g (%s)", in == IN_LOSS ? "loss" : "gradient norm", isnan(value) ? NAN : value,
             where); /* "nan", never "-nan" */
    return diverged_at(err, epoch, batch, lr, detail, lower_the_rate);
}

/* Batch norm's running statistics can overflow while the loss and the gradient stay finite (the
 * layer scales its inputs' size away): a divergence too, found by the first statistic that is
 * not finite (one scan of the block, which holds the layers' statistics in layer order). */
static hone_status statistics_diverged(hone_error *err, const hone_model *m, int epoch, size_t batch, double lr) {
    const size_t at = first_nonfinite(m->buffers, m->n_buffers);
    if (at == m->n_buffers) return HONE_OK;
    int l = 0;
    while (at >= m->layers[l].buffer_offset + m->layers[l].n_buffers) l++;
    const hone_layer *layer = &m->layers[l];
    const size_t i = at - layer->buffer_offset;
    char detail[256];
    snprintf(detail, sizeof detail,
             "the running %s of layer %d (%s) is %g while the loss is finite (the layer's inputs grew too large)",
             i < (size_t)layer->out ? "mean" : "variance", l, hone_layer_kind_name(layer->kind),
             isnan(m->buffers[at]) ? NAN : (double)m->buffers[at]);
    return diverged_at(err, epoch, batch, lr, detail,
                       "lower the learning rate, clip gradients (--clip-norm), or add weight decay (--l2)");
}

/* A step can leave the weights non-finite with no loss after it to show it (the epoch's last, or
 * the one before a stop): a divergence too, before the dev pass or a checkpoint sees them. */
static hone_status weights_diverged(hone_error *err, const hone_model *m, int epoch, size_t batch, double lr) {
    const size_t i = first_nonfinite(m->params, m->n_params);
    char detail[192];
    if (i < m->n_params) {
        snprintf(detail, sizeof detail, "its step left a weight %g", isnan(m->params[i]) ? NAN : (double)m->params[i]);
        return diverged_at(err, epoch, batch, lr, detail, lower_the_rate);
    }
    /* the optimizer's moments too: a gradient whose square overflows the real type makes Adam's
     * second moment infinite, and that weight's steps m / inf are 0 from then on, the loss
     * finite: the run went on, frozen, and its checkpoints carried the infinity */
    const size_t k = first_nonfinite(m->opt_state, 2 * m->n_params);
    if (k == 2 * m->n_params) return HONE_OK;
    const bool first = k < m->n_params;
    snprintf(detail, sizeof detail, "its step left the optimizer's %s moment of a weight %g (a gradient too large for "
             "%s to fit " HONE_REAL_NAME ")", first ? "first" : "second",
             isnan(m->opt_state[k]) ? NAN : (double)m->opt_state[k], first ? "itself" : "its square");
    return diverged_at(err, epoch, batch, lr, detail, "clip gradients (--clip-norm), or scale the targets or inputs down");
}

/* The loop's state as a checkpoint sees it: the fixed parts are set once (state->model, config,
 * order, n_train, digests), the rest here. */
static void take_state(hone_train_state *s, int epoch, size_t batch, const hone_rng *rng, double plateau_lr,
                       const honeO_plateau *plateau, const best_state *best, double loss_sum, double norm_sum,
                       size_t correct, double seconds, const hone_epoch_stats *last, int interrupted) {
    s->epoch = epoch;
    s->batch = batch;
    s->rng = *rng;
    s->plateau_lr = plateau_lr;
    s->plateau_best = plateau->best;
    s->plateau_bad_epochs = plateau->bad_epochs;
    s->best_epoch = best->epoch;
    s->bad_epochs = best->bad_epochs;
    s->best_metric = best->metric;
    s->best_params = best->params;
    s->best_buffers = best->buffers;
    s->best_bn_batches = best->bn_batches;
    s->loss_sum = loss_sum;
    s->norm_sum = norm_sum;
    s->correct = correct;
    s->seconds = seconds;
    s->last = *last;
    s->interrupted = interrupted;
}

hone_status hone_train(hone_model *m, const hone_split *split, const hone_train_config *c,
                       const hone_train_hooks *hooks, hone_epoch_stats *stats_out, hone_error *err) {
    return hone_train_resume(m, split, c, hooks, NULL, stats_out, err);
}

hone_status hone_train_check(const hone_model *m, const hone_split *split, const hone_train_config *c, hone_error *err) {
    hone_status st = hone_train_config_check(c, err);
    if (st) return st;
    const hone_view *train = &split->train;
    if (train->n == 0) return honeE_set(err, HONE_ERR_VALUE, "no training rows");
    if ((st = hone_model_data_check(m, train->data, err))) return st;
    /* the dev rows, evaluated every epoch, may be another data set's in a split made by hand */
    if (split->dev.n && split->dev.data != train->data && (st = hone_model_data_check(m, split->dev.data, err)))
        return honeE_prefix(err, st, "dev set");
    /* a NaN or infinite feature (a dataset built by hand: the readers refuse them) made the first
     * loss NaN, blamed on the learning rate; checked here, once, the steps check nothing */
    if ((st = honeD_view_features_finite(train, err))) return st;
    if ((st = honeD_view_features_finite(&split->dev, err))) return honeE_prefix(err, st, "dev set");
    const bool early = c->early_stopping.patience > 0;
    /* noise is added to the standardized features, which any data has; the rest move pixels */
    const hone_augment *a = &c->augment;
    if ((a->shift || a->rotate > 0 || a->flip) && (!train->data->height || !train->data->width))
        return honeE_set_field(err, HONE_ERR_VALUE, a->shift ? "augment.shift" : a->rotate > 0 ? "augment.rotate" : "augment.flip",
                               "augmentation by shift, rotation or flip needs images (IDX or NPY data shaped [n, height, "
                               "width]); noise does not");
    if (early && split->dev.n == 0) return honeE_set(err, HONE_ERR_VALUE, "early stopping watches the dev set, and there is none");
    /* a regression's dev accuracy is NaN, never better: the first epoch's weights were kept */
    if (early && c->early_stopping.on_accuracy && m->loss == HONE_LOSS_MSE)
        return honeE_set_field(err, HONE_ERR_VALUE, "early_stopping.on_accuracy",
                               "early stopping on dev accuracy, and a regression has none: watch its loss");
    /* per step, the run's length is known only here (the config check sees no data); a warm-up
     * as long never reached lr and left cosine's span at 0 or below */
    if (c->schedule.kind == HONE_SCHEDULE_COSINE && c->schedule.per_step) {
        const long per_epoch = honeT_steps_per_epoch(train->n, c->batch);
        const double run_steps = (double)per_epoch * c->epochs;
        if (c->schedule.warmup >= run_steps)
            return honeE_set_field(err, HONE_ERR_VALUE, "schedule.warmup", "cosine: warm-up (%d steps) must be shorter "
                                   "than the run (%.0f steps: %d epoch%s of %ld)", c->schedule.warmup, run_steps,
                                   c->epochs, c->epochs == 1 ? "" : "s", per_epoch);
    }
    if (c->schedule.kind == HONE_SCHEDULE_PLATEAU && split->dev.n == 0)
        return honeE_set(err, HONE_ERR_VALUE, "the plateau schedule follows the dev loss, and there is no dev set");
    return HONE_OK;
}

hone_status hone_train_resume(hone_model *m, const hone_split *split, const hone_train_config *c,
                              const hone_train_hooks *hooks, const hone_train_state *from,
                              hone_epoch_stats *stats_out, hone_error *err) {
    static const hone_train_hooks no_hooks = {0};
    if (!hooks) hooks = &no_hooks;
    if (stats_out) *stats_out = (hone_epoch_stats){0}; /* epoch 0 until one is done */
    /* the on_checkpoint hook fills err when it fails: it gets one even where the caller gave none */
    hone_error own_err;
    if (!err) err = &own_err;
    hone_status st = hone_train_check(m, split, c, err);
    if (st) return st;
    const hone_view *train = &split->train;
    const int O = hone_model_outputs(m);
    const bool augment = augmenting(&c->augment), early = c->early_stopping.patience > 0;
    /* A checkpoint records which data it was trained on, and a resumed run must have the same. */
    const bool checkpoints = hooks->on_checkpoint != NULL;
    const uint64_t train_sum = checkpoints || from ? hone_view_checksum(train) : 0;
    const uint64_t dev_sum = checkpoints || from ? hone_view_checksum(&split->dev) : 0;
    if (from && (st = honeT_resume_check(from, m, split, c, train_sum, dev_sum, err))) return st;
    /* a model that knows no image shape (from another's weights, an older hone's checkpoint, or
     * never standardized) is trained on these images from now on: its file keeps their shape */
    if (!m->image_height) honeD_take_image_shape(m, train->data);

    const int B = c->batch < (int)train->n ? c->batch : (int)train->n;
    if ((st = hone_model_reserve(m, B, err))) return st;
    size_t *order = honeM_alloc(train->n, sizeof *order);
    hone_real *X = honeM_alloc((size_t)B * m->inputs, sizeof *X);
    hone_real *Y = honeM_alloc((size_t)B * O, sizeof *Y);
    const size_t scratch_count = augment ? honeD_augment_scratch((size_t)m->inputs) : 0;
    hone_real *scratch = augment ? honeM_alloc(scratch_count, sizeof *scratch) : NULL;
    const bool stats_on = hooks->on_layer_stats && hooks->stats_every > 0;
    hone_real *before = stats_on ? honeM_alloc(m->n_params, sizeof *before) : NULL;
    hone_layer_stats *layer_stats = stats_on ? honeM_alloc((size_t)m->n_layers, sizeof *layer_stats) : NULL;
    best_state best = {0};
    if (early) {
        best.params = honeM_alloc(m->n_params, sizeof *best.params);
        best.buffers = honeM_alloc(m->n_buffers, sizeof *best.buffers);
    }
    if (!order || !X || !Y || (augment && !scratch) || (early && (!best.params || !best.buffers)) ||
        (stats_on && (!before || !layer_stats))) {
        st = honeE_set(err, HONE_ERR_NOMEM, "out of memory for training buffers");
        goto done;
    }
    /* what every step writes, mapped before the first epoch's clock starts (the workspace is,
     * by hone_model_reserve) */
    honeM_prefault(m->grads, m->n_params, sizeof *m->grads);
    honeM_prefault(m->opt_state, 2 * m->n_params, sizeof *m->opt_state);
    honeM_prefault(X, (size_t)B * m->inputs, sizeof *X);
    honeM_prefault(Y, (size_t)B * O, sizeof *Y);
    const long steps_per_epoch = honeT_steps_per_epoch(train->n, c->batch);
    const long T = c->schedule.per_step ? steps_per_epoch * c->epochs : c->epochs;
    const bool clipping = c->clip_norm > 0 || c->clip_value > 0 || c->normalize_grad > 0;
    /* the gradient block is already zero (hone_model_backward_step and honeO_step_and_clear leave it so) */
    bool grads_clear = false;
    hone_rng rng;
    double plateau_lr = c->lr;
    honeO_plateau plateau;
    hone_epoch_stats last = {0}; /* the last completed epoch */
    if (from) { /* everything as it was after the checkpoint's batch */
        memcpy(order, from->order, train->n * sizeof *order);
        rng = from->rng; /* and the model holds its own generator, weights and optimizer state */
        plateau_lr = from->plateau_lr;
        plateau = (honeO_plateau){from->plateau_best, from->plateau_bad_epochs};
        if (early && from->best_epoch > 0) {
            memcpy(best.params, from->best_params, m->n_params * sizeof *best.params);
            memcpy(best.buffers, from->best_buffers, m->n_buffers * sizeof *best.buffers);
            best.bn_batches = from->best_bn_batches;
            best.metric = from->best_metric;
            best.epoch = from->best_epoch;
        }
        best.bad_epochs = from->bad_epochs;
        last = from->last;
        if (stats_out && last.epoch > 0) *stats_out = last;
    } else {
        memcpy(order, train->index, train->n * sizeof *order);
        hone_rng_seed(&rng, c->seed);
        hone_rng_seed(&m->rng, c->seed ^ 0xd1b54a32d192ed03ULL); /* dropout masks: their own stream */
        honeO_plateau_start(&plateau);
    }
    hone_train_state state = {.model = m, .config = *c, .n_train = train->n, .order = order,
                              .train_checksum = train_sum, .n_dev = split->dev.n, .dev_checksum = dev_sum};
    m->training = 1;
    const int done_before = from ? from->epoch : 0; /* epochs completed before this call */
    const bool ended = from && from->last.stopped_early; /* a checkpoint of a finished run */
    /* counted by the epochs done, so no epoch number passes c->epochs, which may be INT_MAX */
    for (int done = done_before; done < c->epochs && !ended; done++) {
        const int epoch = done + 1; /* 1-based, the one this pass trains */
        const bool resumed = from && done == done_before && from->batch > 0;
        if (c->shuffle && !resumed) hone_rng_shuffle(&rng, order, train->n);
        double t0 = honeC_now() - (resumed ? from->seconds : 0);
        double loss_sum = resumed ? from->loss_sum : 0, norm_sum = resumed ? from->norm_sum : 0;
        size_t correct = resumed ? from->correct : 0, batches = resumed ? from->batch : 0;
        hone_epoch_stats stats = {0};
        /* t of the schedule: this epoch, or the first step of this epoch */
        const long t = c->schedule.per_step ? (long)(epoch - 1) * steps_per_epoch : (long)(epoch - 1);
        double lr = c->schedule.kind == HONE_SCHEDULE_PLATEAU ? plateau_lr : hone_schedule_lr(&c->schedule, c->lr, t, T);
        stats.lr = lr;
        for (size_t start = batches * (size_t)B; start < train->n; start += (size_t)B, batches++) {
            int b = (int)(train->n - start < (size_t)B ? train->n - start : (size_t)B);
            if (augment) honeD_gather_augmented(m, X, Y, train->data, order + start, b, &c->augment, &rng, scratch,
                                                scratch_count);
            else hone_model_gather(m, X, Y, train->data, order + start, b);
            const hone_real *Z = hone_model_forward(m, X, b);
            const bool stats_step = stats_on && (m->opt_steps + 1) % (uint64_t)hooks->stats_every == 0;
            /* Without clipping or statistics, each layer's parameters are stepped as soon as
             * backward has their gradients (hone_model_backward_step), which also sums the norm,
             * the penalty of the loss (from its own read of the weights) and clears the gradients
             * for the next batch: one pass over memory, while the gradients are in cache.
             * Otherwise the whole gradient and its norm come first (clipping needs it, and the
             * statistics read the gradients after the update). */
            const bool fused = !clipping && !stats_step;
            double loss = fused ? hone_model_data_loss(m, Y, b) : hone_model_loss(m, Y, b);
            if (!isfinite(loss)) { /* no checkpoint of this: the last one stays the last good one */
                st = diverged(err, m, b, IN_LOSS, epoch, batches + 1, lr, loss);
                goto done;
            }
            if ((st = statistics_diverged(err, m, epoch, batches + 1, lr))) goto done;
            size_t right = honeL_loss_correct(m->loss, Z, Y, b, O);
            if (c->schedule.per_step) lr = hone_schedule_lr(&c->schedule, c->lr, t + (long)batches, T);
            if (!grads_clear) hone_model_zero_grad(m);
            double norm;
            if (fused) {
                double penalty;
                norm = hone_model_backward_step(m, X, b, &c->optimizer, m->opt_steps + 1, lr, &penalty);
                grads_clear = true;
                loss += penalty;
                /* the update is made, but training ends here and nothing saves it. The data loss
                 * was finite, so a loss that is not is its penalty's (l2 or l1 W overflowing a
                 * double), found only now, after a step that the weights cannot describe */
                if (!isfinite(loss)) {
                    char detail[160];
                    snprintf(detail, sizeof detail, "the loss is %g: its L2/L1 penalty (l2 %g, l1 %g) overflowed",
                             loss, m->l2, m->l1);
                    st = diverged_at(err, epoch, batches + 1, lr, detail, "lower --l2 or --l1");
                    goto done;
                }
                if (!isfinite(norm)) {
                    st = diverged(err, m, b, IN_NORM_AFTER_STEP, epoch, batches + 1, lr, norm);
                    goto done;
                }
            } else {
                hone_model_backward(m, X, b);
                norm = honeO_norm(m->grads, m->n_params);
                if (!isfinite(norm)) {
                    st = diverged(err, m, b, IN_NORM, epoch, batches + 1, lr, norm);
                    goto done;
                }
                /* clipping sees the gradient as normalization left it (norm stays the raw one, as reported) */
                const double scaled = c->normalize_grad > 0 ? honeO_normalize(m->grads, m->n_params, norm, c->normalize_grad) : norm;
                honeO_clip(m->grads, m->n_params, scaled, c->clip_norm, c->clip_value);
                if (stats_step) { /* the statistics read this step's gradient after the update */
                    memcpy(before, m->params, m->n_params * sizeof *before);
                    honeO_step(&c->optimizer, m->params, m->grads, m->opt_state, m->n_params, m->opt_steps + 1, lr);
                    grads_clear = false;
                } else { /* the same update bit for bit, split across the pool, the gradient left zero */
                    honeO_step_and_clear(&c->optimizer, m->params, m->grads, m->opt_state, m->n_params, m->opt_steps + 1, lr);
                    grads_clear = true;
                }
            }
            m->opt_steps++;
            m->bn_batches++;
            loss_sum += loss * b;
            norm_sum += norm;
            correct += right;
            if (stats_step) {
                hone_model_layer_stats(m, b, before, layer_stats);
                hooks->on_layer_stats(layer_stats, m->n_layers, m->opt_steps, epoch, hooks->user);
            }
            if (hooks->on_batch) {
                hone_batch_stats bs = {epoch, c->epochs, batches + 1, (size_t)steps_per_epoch, start + (size_t)b, loss,
                                       m->loss == HONE_LOSS_MSE ? NAN : (double)right, b, lr, honeC_now() - t0};
                hooks->on_batch(&bs, hooks->user);
            }
            if (hooks->stop && *hooks->stop) {
                if ((st = weights_diverged(err, m, epoch, batches + 1, lr))) goto done;
                if (checkpoints) {
                    take_state(&state, epoch - 1, batches + 1, &rng, plateau_lr, &plateau, &best, loss_sum, norm_sum,
                               correct, honeC_now() - t0, &last, 1);
                    st = hooks->on_checkpoint(&state, hooks->user, err);
                }
                goto done;
            }
        }
        if ((st = weights_diverged(err, m, epoch, batches, lr))) goto done;
        double seconds = honeC_now() - t0;
        stats.epoch = epoch;
        stats.epochs = c->epochs;
        stats.train_loss = loss_sum / (double)train->n;
        stats.train_acc = m->loss == HONE_LOSS_SOFTMAX_CE   ? (double)correct / (double)train->n
                          : m->loss == HONE_LOSS_SIGMOID_CE ? (double)correct / ((double)train->n * O)
                                                            : NAN;
        stats.grad_norm = norm_sum / (double)batches;
        stats.seconds = seconds;
        stats.samples_per_s = (double)train->n / (seconds > 0 ? seconds : 1e-9);
        if ((st = hone_model_evaluate(m, &split->dev, &stats.dev_loss, &stats.dev_acc, err))) {
            if (st == HONE_ERR_DIVERGED) /* a dev row's outputs overflow: its NaN loss would never be the best */
                st = dev_diverged(err, epoch, lr);
            goto done;
        }
        if (c->schedule.kind == HONE_SCHEDULE_PLATEAU)
            plateau_lr = honeO_plateau_update(&plateau, &c->schedule, plateau_lr, stats.dev_loss);
        if (early && !remember_if_best(&best, m, &c->early_stopping, &stats))
            stats.stopped_early = ++best.bad_epochs >= c->early_stopping.patience;
        stats.best_epoch = early ? best.epoch : epoch;
        last = stats;
        if (stats_out) *stats_out = stats;
        if (hooks->on_epoch) hooks->on_epoch(&stats, hooks->user);
        const bool stop = hooks->stop && *hooks->stop;
        if (checkpoints) {
            take_state(&state, epoch, 0, &rng, plateau_lr, &plateau, &best, 0, 0, 0, 0, &last, stop);
            if ((st = hooks->on_checkpoint(&state, hooks->user, err))) goto done;
        }
        if (stats.stopped_early || stop) break;
    }
done:
    if (early && best.epoch > 0) { /* the best epoch's weights, whether stopped, finished or interrupted */
        memcpy(m->params, best.params, m->n_params * sizeof *m->params);
        memcpy(m->buffers, best.buffers, m->n_buffers * sizeof *m->buffers);
        m->bn_batches = best.bn_batches;
    }
    m->training = 0;
    honeM_free(best.params);
    honeM_free(best.buffers);
    honeM_free(before);
    honeM_free(layer_stats);
    honeM_free(scratch);
    honeM_free(order);
    honeM_free(X);
    honeM_free(Y);
    return st;
}
