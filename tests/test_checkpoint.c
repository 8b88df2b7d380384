/* test_checkpoint.c - checkpoints: a run stopped after any batch and resumed from its checkpoint
 * ends with the very model (weights, statistics, optimizer state, generator) and figures of a run
 * that went through, with every piece of state the loop keeps in play: Adam's moments, a cosine
 * schedule, dropout masks, batch norm, image augmentation, early stopping, the plateau schedule.
 * Broken checkpoints, and model files and checkpoints taken for each other, are clean errors. */
#define _DEFAULT_SOURCE
#include "harness.h"
#include "model/storage.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * Fixtures: small images, a network with dropout and batch norm, two configurations
 * ------------------------------------------------------------------------------------------- */

enum { N = 150, H = 6, W = 6, D = H * W };

/* 150 images of 6x6 pixels in 3 classes (a bright row band, a column band, a corner), with
 * noise; noisy_labels makes the labels random, so the dev loss soon stops improving. */
static hone_dataset *images(bool noisy_labels) {
    hone_dataset *d = calloc(1, sizeof *d);
    d->x_u8 = calloc(N * D, 1);
    d->label = calloc(N, sizeof *d->label);
    hone_rng rng;
    hone_rng_seed(&rng, 77);
    for (int i = 0; i < N; i++) {
        int c = i % 3;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                bool on = c == 0 ? y == 2 || y == 3 : c == 1 ? x == 2 || x == 3 : x < 3 && y < 3;
                d->x_u8[i * D + y * W + x] = (uint8_t)((on ? 160 : 20) + hone_rng_below(&rng, 60));
            }
        d->label[i] = noisy_labels ? (int32_t)hone_rng_below(&rng, 3) : c;
    }
    d->n = N;
    d->d = D;
    d->n_classes = 3;
    d->height = H;
    d->width = W;
    return d;
}

static void images_free(hone_dataset *d) {
    free(d->x_u8);
    free(d->label);
    free(d);
}

/* The clean images split as most tests here use them: 120 training rows (batches of 16: 8 an
 * epoch), 30 dev rows, seed 5. */
static hone_dataset *images_split(hone_split *split) {
    hone_dataset *d = images(false);
    hone_error err = {0};
    if (hone_split_make(split, d, NULL, 0.2, 0, 5, &err)) fail_msg("%s", err.message);
    return d;
}

static void images_split_free(hone_dataset *d, hone_split *split) {
    hone_split_free(split);
    images_free(d);
}

/* Dense(12) BN ReLU Dropout(0.8) Dense(8) BN ReLU Dropout(0.9) Dense(3), initialized from seed
 * and standardized on the training split. */
static hone_model *network(const hone_split *split, uint64_t seed, int first_hidden) {
    const int hidden[2] = {first_hidden, 8};
    const float keep[2] = {0.8f, 0.9f};
    hone_mlp_spec spec = {.inputs = D, .outputs = 3, .hidden = hidden, .n_hidden = 2, .activation = HONE_LAYER_RELU,
                          .batchnorm = 1, .keep_prob = keep, .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *m;
    hone_error err;
    if (hone_model_create_from_spec(&m, &spec, &err)) fail_msg("%s", err.message);
    assert_int_equal(hone_model_set_regularization(m, 0.01, 0, 0, &err), HONE_OK);
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    assert_int_equal(hone_model_standardize_fit(m, &split->train, &err), HONE_OK);
    m->config_json = honeM_strdup("{\"note\": \"kept with the checkpoint\"}");
    return m;
}

/* Adam, cosine decay with a warm-up, clipping, augmentation: 120 rows in batches of 16 (8 a
 * epoch, the last of 8 rows), 4 epochs. */
static hone_train_config adam_cosine(void) {
    hone_train_config c = hone_train_config_default();
    c.epochs = 4;
    c.batch = 16;
    c.lr = 0.01;
    c.schedule.warmup = 1;
    c.clip_norm = 5;
    c.augment = (hone_augment){.shift = 1, .rotate = 10, .flip = 1, .noise = 0.1};
    return c;
}

/* Momentum, reduce on plateau, early stopping on the dev loss: on random labels it stops early. */
static hone_train_config plateau_early(void) {
    hone_train_config c = hone_train_config_default();
    c.epochs = 40;
    c.batch = 16;
    c.lr = 0.05;
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_MOMENTUM);
    c.schedule = hone_schedule_config_default(HONE_SCHEDULE_PLATEAU);
    c.schedule.patience = 0;
    c.schedule.factor = 0.7;
    c.early_stopping = (hone_early_stopping){.patience = 3, .min_delta = 0};
    return c;
}

/* ---------------------------------------------------------------------------------------------
 * Hooks: stop after batch k, save where asked
 * ------------------------------------------------------------------------------------------- */

typedef struct run {
    int batches, stop_after; /* stop after batch stop_after of the run (counted over epochs) */
    volatile int stop;
    const char *interrupt_path; /* written where the stop flag ends training */
    const char *epoch_path;     /* written at every epoch's end, when not NULL */
    int saves;
    hone_model *poison;         /* after saving epoch poison_epoch, weights that diverge */
    int poison_epoch;
    double poison_value;        /* what the first layer's weights become (0: all weights NaN) */
    hone_model *poison_at_stop; /* its first weight made infinite at the batch that stops the run */
    hone_model *poison_mean;    /* after saving epoch poison_epoch, layer 1's first running mean infinite */
} run;

static void on_batch(const hone_batch_stats *s, void *user) {
    run *r = user;
    if (++r->batches == r->stop_after) {
        r->stop = 1;
        if (r->poison_at_stop) r->poison_at_stop->params[0] = (hone_real)INFINITY; /* as a step might leave it */
    }
}

static hone_status on_checkpoint(const hone_train_state *s, void *user, hone_error *err) {
    run *r = user;
    const char *path = s->interrupted ? r->interrupt_path : r->epoch_path;
    if (!path) return HONE_OK;
    hone_status st = hone_checkpoint_save(s, path, err);
    r->saves++;
    if (r->poison_mean && s->epoch == r->poison_epoch)
        r->poison_mean->buffers[r->poison_mean->layers[1].buffer_offset] = (hone_real)INFINITY;
    if (r->poison && s->epoch == r->poison_epoch) {
        const hone_layer *first = &r->poison->layers[0];
        if (r->poison_value)
            for (size_t i = 0; i < (size_t)first->in * first->out; i++)
                r->poison->params[first->param_offset + i] = (hone_real)(i % 2 ? r->poison_value : -r->poison_value);
        else
            for (size_t i = 0; i < r->poison->n_params; i++) r->poison->params[i] = (hone_real)NAN;
    }
    return st;
}

static hone_train_hooks hooks_of(run *r) {
    return (hone_train_hooks){.on_batch = on_batch, .on_checkpoint = on_checkpoint, .user = r, .stop = &r->stop};
}

/* The final state of a model, all of it that training moves. */
static void assert_same_model(const hone_model *a, const hone_model *b) {
    assert_memory_equal(a->params, b->params, a->n_params * sizeof(hone_real));
    assert_memory_equal(a->buffers, b->buffers, a->n_buffers * sizeof(hone_real));
    assert_memory_equal(a->opt_state, b->opt_state, 2 * a->n_params * sizeof(hone_real));
    assert_memory_equal(a->input_mean, b->input_mean, (size_t)a->inputs * sizeof(hone_real));
    assert_memory_equal(a->input_std, b->input_std, (size_t)a->inputs * sizeof(hone_real));
    assert_true(a->opt_steps == b->opt_steps);
    assert_true(a->bn_batches == b->bn_batches);
    assert_memory_equal(a->rng.s, b->rng.s, sizeof a->rng.s);
}

static void assert_same_stats(const hone_epoch_stats *a, const hone_epoch_stats *b) {
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->best_epoch, b->best_epoch);
    assert_int_equal(a->stopped_early, b->stopped_early);
    assert_true(a->train_loss == b->train_loss && a->train_acc == b->train_acc);
    assert_true(a->dev_loss == b->dev_loss && a->dev_acc == b->dev_acc);
    assert_true(a->lr == b->lr && a->grad_norm == b->grad_norm);
}

/* Resumes from path in a new network (other initial weights: the checkpoint must replace them),
 * optionally stopping again after stop_after more batches (then saving to path). */
static hone_model *resume(const hone_split *split, const hone_train_config *c, const char *path, int stop_after,
                          hone_epoch_stats *stats) {
    hone_model *m = network(split, 999, 12);
    hone_train_state state;
    hone_error err = {0};
    if (hone_checkpoint_load(&state, m, path, &err)) fail_msg("%s", err.message);
    assert_string_equal(m->config_json, "{\"note\": \"kept with the checkpoint\"}");
    run r = {.stop_after = stop_after, .interrupt_path = path};
    hone_train_hooks hooks = hooks_of(&r);
    if (hone_train_resume(m, split, c, &hooks, &state, stats, &err)) fail_msg("%s", err.message);
    hone_train_state_free(&state);
    return m;
}

/* For each k: a run stopped after batch k, then resumed (once, or stopped and resumed again),
 * ends as the run that went through; so does a run resumed from its last epoch-end checkpoint. */
static void check_resumes(const hone_train_config *c, bool noisy, const int *ks, int n_ks, bool expect_early) {
    hone_dataset *d = images(noisy);
    hone_split split;
    hone_error err = {0};
    assert_int_equal(hone_split_make(&split, d, NULL, 0.2, 0, 5, &err), HONE_OK);
    hone_model *ref = network(&split, 1, 12);
    hone_epoch_stats ref_stats;
    assert_int_equal(hone_train(ref, &split, c, NULL, &ref_stats, &err), HONE_OK);
    assert_int_equal(ref_stats.stopped_early, expect_early);
    const int total = (int)ref->opt_steps;
    print_message("reference: %d batches, %d epochs, best %d\n", total, ref_stats.epoch, ref_stats.best_epoch);
    const char *path = th_path("resume.safetensors"), *epochs = th_path("epochs.safetensors");
    char path_copy[512], epochs_copy[512];
    snprintf(path_copy, sizeof path_copy, "%s", path);
    snprintf(epochs_copy, sizeof epochs_copy, "%s", epochs);
    for (int i = 0; i < n_ks; i++) {
        const int k = ks[i] > 0 ? ks[i] : total + ks[i]; /* k <= 0 counts from the end */
        for (int twice = 0; twice < 2; twice++) {
            hone_model *m = network(&split, 1, 12);
            run r = {.stop_after = k, .interrupt_path = path_copy, .epoch_path = twice ? NULL : epochs_copy};
            remove(epochs_copy);
            hone_train_hooks hooks = hooks_of(&r);
            hone_epoch_stats stopped = {0};
            assert_int_equal(hone_train(m, &split, c, &hooks, &stopped, &err), HONE_OK);
            assert_int_equal(r.batches, k);
            hone_epoch_stats stats = {0};
            /* twice: stop again 3 batches after the resume, then resume to the end */
            hone_model *done = resume(&split, c, path_copy, twice && k + 3 < total ? 3 : -1, &stats);
            if (twice && k + 3 < total) {
                hone_model_free(done);
                done = resume(&split, c, path_copy, -1, &stats);
            }
            assert_same_model(done, ref);
            assert_same_stats(&stats, &ref_stats);
            hone_model_free(done);
            /* a kill after batch k: what is left is the last epoch-end checkpoint */
            if (!twice && k > total / ref_stats.epoch) {
                done = resume(&split, c, epochs_copy, -1, &stats);
                assert_same_model(done, ref);
                assert_same_stats(&stats, &ref_stats);
                hone_model_free(done);
            }
            hone_model_free(m);
        }
    }
    hone_model_free(ref);
    images_split_free(d, &split);
}

static void test_resume_adam_cosine_dropout_batchnorm_augmentation(void **state) {
    const hone_train_config c = adam_cosine();
    /* first batch, mid-epoch, the last batch of epoch 1 (the flag before the dev pass), the
     * first of epoch 2, and the run's last two batches */
    const int ks[] = {1, 5, 8, 9, -1, 0};
    check_resumes(&c, false, ks, 6, false);
    hone_train_config per_step = c; /* the rate of every step from the step count */
    per_step.schedule.per_step = 1;
    per_step.schedule.warmup = 4;
    const int some[] = {3, 13};
    check_resumes(&per_step, false, some, 2, false);
}

static void test_resume_plateau_and_early_stopping(void **state) {
    const hone_train_config c = plateau_early();
    const int ks[] = {3, 21, -2};
    check_resumes(&c, true, ks, 3, true);
    /* the plateau's best loss and its count of bad epochs go on too: with patience 1 and no
     * early stopping, a fresh plateau after the resume would lower the rate later (mutation
     * round 5: patience 0 never reads the count, and the best was beaten after each resume) */
    hone_train_config p = c;
    p.epochs = 12;
    p.schedule.patience = 1;
    p.early_stopping = (hone_early_stopping){0};
    const int later[] = {29, 45, 70};
    check_resumes(&p, true, later, 3, false);
}

/* ---------------------------------------------------------------------------------------------
 * The file itself
 * ------------------------------------------------------------------------------------------- */

/* A state captured mid-run (its arrays copied), saved and read back field for field. */
typedef struct capture {
    run r;
    hone_train_state s;
    size_t order[256];
    hone_real best_params[1024], best_buffers[256];
} capture;

static hone_status capture_state(const hone_train_state *s, void *user, hone_error *err) {
    capture *c = user;
    if (!s->interrupted) return HONE_OK;
    c->s = *s;
    memcpy(c->order, s->order, s->n_train * sizeof *s->order);
    assert_true(s->best_epoch > 0);
    memcpy(c->best_params, s->best_params, s->model->n_params * sizeof(hone_real));
    memcpy(c->best_buffers, s->best_buffers, s->model->n_buffers * sizeof(hone_real));
    return hone_checkpoint_save(s, c->r.interrupt_path, err);
}

static void capture_batch(const hone_batch_stats *s, void *user) { on_batch(s, &((capture *)user)->r); }

/* A model that knows no image shape (from another's weights, an older hone's file) takes that of
 * the images it is trained on, so that its file refuses other shapes from then on; rows that are
 * not images leave it unknown. Catches the shape left at 0 by training. */
static void test_training_takes_the_image_shape(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_train_config c = hone_train_config_default();
    c.epochs = 1;
    c.batch = 16;
    hone_error err = {0};
    hone_model *m = network(&split, 1, 12);
    m->image_height = m->image_width = 0;
    assert_int_equal(hone_train(m, &split, &c, NULL, NULL, &err), HONE_OK);
    assert_true(m->image_height == H && m->image_width == W);
    m->image_height = m->image_width = 0;
    d->height = d->width = 0; /* rows of no shape */
    assert_int_equal(hone_train(m, &split, &c, NULL, NULL, &err), HONE_OK);
    assert_true(m->image_height == 0 && m->image_width == 0);
    hone_model_free(m);
    images_split_free(d, &split);
}

static void test_round_trip_of_a_state(void **state) {
    hone_dataset *d = images(true);
    hone_split split;
    hone_error err = {0};
    assert_int_equal(hone_split_make(&split, d, NULL, 0.2, 0, 5, &err), HONE_OK);
    hone_train_config c = plateau_early();
    hone_model *m = network(&split, 1, 12);
    static capture cap;
    memset(&cap, 0, sizeof cap);
    cap.r = (run){.stop_after = 19, .interrupt_path = th_path("round.safetensors")}; /* epoch 3, batch 3 */
    hone_train_hooks hooks = {.on_batch = capture_batch, .on_checkpoint = capture_state, .user = &cap, .stop = &cap.r.stop};
    assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_OK);
    const hone_train_state *s = &cap.s;
    assert_int_equal(s->epoch, 2);
    assert_int_equal(s->batch, 3);
    assert_int_equal(s->interrupted, 1);
    hone_model *back = network(&split, 2, 12);
    back->image_height = back->image_width = 0; /* the checkpoint's shape must come back from it */
    hone_train_state l;
    if (hone_checkpoint_load(&l, back, cap.r.interrupt_path, &err)) fail_msg("%s", err.message);
    assert_true(back->image_height == H && back->image_width == W);
    assert_ptr_equal(l.model, back);
    assert_int_equal(l.epoch, 2);
    assert_int_equal(l.batch, 3);
    assert_int_equal(l.n_train, s->n_train);
    assert_memory_equal(l.order, cap.order, s->n_train * sizeof *l.order);
    assert_memory_equal(l.rng.s, s->rng.s, sizeof l.rng.s);
    assert_true(l.train_checksum == s->train_checksum && l.dev_checksum == s->dev_checksum && l.n_dev == s->n_dev);
    assert_true(l.plateau_lr == s->plateau_lr && l.plateau_best == s->plateau_best);
    assert_int_equal(l.plateau_bad_epochs, s->plateau_bad_epochs);
    assert_int_equal(l.best_epoch, s->best_epoch);
    assert_int_equal(l.bad_epochs, s->bad_epochs);
    assert_true(l.best_metric == s->best_metric && l.best_bn_batches == s->best_bn_batches);
    assert_memory_equal(l.best_params, cap.best_params, m->n_params * sizeof(hone_real));
    assert_memory_equal(l.best_buffers, cap.best_buffers, m->n_buffers * sizeof(hone_real));
    assert_true(l.loss_sum == s->loss_sum && l.norm_sum == s->norm_sum && l.correct == s->correct);
    assert_true(l.seconds == s->seconds);
    assert_same_stats(&l.last, &s->last);
    assert_true(l.last.seconds == s->last.seconds && l.last.samples_per_s == s->last.samples_per_s);
    assert_true(l.config.lr == c.lr && l.config.seed == c.seed && l.config.optimizer.kind == c.optimizer.kind &&
                l.config.schedule.kind == c.schedule.kind && l.config.schedule.factor == c.schedule.factor &&
                l.config.early_stopping.patience == c.early_stopping.patience);
    assert_int_equal(l.interrupted, 0);
    /* the model: hone_train put early stopping's best weights back into m after the stop, so
     * compare with the live values the state held: the optimizer state and counters */
    assert_memory_equal(back->opt_state, m->opt_state, 2 * m->n_params * sizeof(hone_real));
    assert_true(back->opt_steps == m->opt_steps && back->l2 == m->l2);
    assert_memory_equal(back->input_mean, m->input_mean, D * sizeof(hone_real));
    /* saved again, the very same file: its checksums still fit it */
    const char *again = th_path("round-again.safetensors");
    assert_int_equal(hone_checkpoint_save(&l, again, &err), HONE_OK);
    size_t n1, n2;
    unsigned char *first = th_read(cap.r.interrupt_path, &n1), *second = th_read(again, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(first, second, n1);
    free(first);
    free(second);
    hone_train_state_free(&l);
    hone_train_state_free(&l); /* idempotent */
    hone_model_free(back);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A fresh network (seed 1) trained under c with r's hooks, for the checkpoints r writes. */
static void train_writing(const hone_split *split, const hone_train_config *c, run r) {
    hone_model *m = network(split, 1, 12);
    hone_train_hooks hooks = hooks_of(&r);
    hone_error err = {0};
    if (hone_train(m, split, c, &hooks, NULL, &err)) fail_msg("%s", err.message);
    hone_model_free(m);
}

/* A fresh checkpoint of the Adam run, after batch 11 (epoch 2, batch 3). */
static void write_checkpoint(const hone_split *split, const char *path) {
    const hone_train_config c = adam_cosine();
    train_writing(split, &c, (run){.stop_after = 11, .interrupt_path = path});
}

/* write_checkpoint to th_path(name), that path kept in path [512] (th_path's own is rotated). */
static void checkpoint_at(const hone_split *split, const char *name, char *path) {
    snprintf(path, 512, "%s", th_path(name));
    write_checkpoint(split, path);
}

/* s with every '"' escaped, as it reads inside the JSON string of a metadata value */
static const char *escaped(const char *s, char *buf) {
    char *o = buf;
    for (; *s; s++) {
        if (*s == '"') *o++ = '\\';
        *o++ = *s;
    }
    *o = 0;
    return buf;
}

/* The checkpoint at path with the first occurrence of `from` in its header replaced by `to`
 * (the header's length prefix follows when the lengths differ), written as name with its
 * checksums fitted to the edit (th_reseal), so that the checks behind them see it; returns the
 * new path. In_meta: the text is inside the hone.checkpoint entry, whose quotes are escaped. */
static const char *patched(const char *path, const char *name, const char *from_text, const char *to_text, bool in_meta) {
    char from_buf[128], to_buf[128];
    const char *from = in_meta ? escaped(from_text, from_buf) : from_text;
    const char *to = in_meta ? escaped(to_text, to_buf) : to_text;
    const size_t nf = strlen(from), nt = strlen(to);
    size_t n;
    unsigned char *bytes = th_read(path, &n);
    uint64_t header = 0;
    for (int i = 7; i >= 0; i--) header = header << 8 | bytes[i];
    size_t at = 0;
    for (size_t i = 8; i + nf <= 8 + header && !at; i++)
        if (!memcmp(bytes + i, from, nf)) at = i;
    if (!at) fail_msg("'%s' not in the header", from);
    unsigned char *out = malloc(n - nf + nt);
    memcpy(out, bytes, at);
    memcpy(out + at, to, nt);
    memcpy(out + at + nt, bytes + at + nf, n - at - nf);
    header = header - nf + nt;
    for (int i = 0; i < 8; i++) out[i] = (unsigned char)(header >> (8 * i));
    const char *written = th_write(name, out, n - nf + nt);
    th_reseal(written);
    free(out);
    free(bytes);
    return written;
}

/* Loading path into a fresh network fails with code and a message holding every pattern. */
static void expect_load_error(const hone_split *split, const char *path, hone_status code, const char *p1,
                              const char *p2) {
    hone_model *m = network(split, 3, 12);
    hone_real before[64];
    memcpy(before, m->params, sizeof before);
    hone_train_state s;
    hone_error err = {0};
    hone_status st = hone_checkpoint_load(&s, m, path, &err);
    print_message("%s\n", err.message);
    assert_int_equal(st, code);
    assert_non_null(strstr(err.message, path));
    if (p1 && !strstr(err.message, p1)) fail_msg("'%s' lacks '%s'", err.message, p1);
    if (p2 && !strstr(err.message, p2)) fail_msg("'%s' lacks '%s'", err.message, p2);
    assert_null(s.order);
    assert_memory_equal(before, m->params, sizeof before); /* untouched on failure */
    hone_model_free(m);
}

/* Loading path into a fresh network succeeds: the network, its state in *s (free both) */
static hone_model *load_ok(const hone_split *split, const char *path, hone_train_state *s) {
    hone_model *m = network(split, 3, 12);
    hone_error err = {0};
    if (hone_checkpoint_load(s, m, path, &err)) fail_msg("%s", err.message);
    return m;
}

/* No path (NULL or empty) is refused first, as the model's save and load refuse it: the load was
 * open(NULL), undefined, and the save named the file "(null)". */
static void test_no_path_is_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_model *m = network(&split, 3, 12);
    for (int i = 0; i < 2; i++) {
        const char *path = i ? "" : NULL;
        hone_error err = {0};
        hone_train_state s = {0}; /* no model: the path is named before that */
        assert_int_equal(hone_checkpoint_save(&s, path, &err), HONE_ERR_VALUE);
        assert_string_equal(err.message, "not saved: the path is empty");
        assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_ERR_VALUE);
        assert_string_equal(err.message, "not read: the path is empty");
        assert_null(s.order);
    }
    hone_model_free(m);
    images_split_free(d, &split);
}

static void test_broken_checkpoints_are_clean_errors(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    char good[512];
    checkpoint_at(&split, "good.safetensors", good);
    size_t n;
    unsigned char *bytes = th_read(good, &n);
    expect_load_error(&split, th_write("cut.safetensors", bytes, n - 100), HONE_ERR_FORMAT, "data", NULL);
    expect_load_error(&split, th_write("short.safetensors", bytes, 5), HONE_ERR_FORMAT, "too short", NULL);
    free(bytes);
    expect_load_error(&split, patched(good, "v.safetensors", "\"version\": 1", "\"version\": 7", true), HONE_ERR_FORMAT,
                      "version 7 is not supported", NULL);
    expect_load_error(&split, patched(good, "e.safetensors", "\"epoch\": 1,", "\"epoch\": 9,", true), HONE_ERR_FORMAT,
                      "epoch 9 is outside the run's 4 epochs", NULL);
    expect_load_error(&split, patched(good, "b.safetensors", "\"batch\": 3,", "\"batch\": 9,", true), HONE_ERR_FORMAT,
                      "batch 9 is past the 8 batches", NULL);
    expect_load_error(&split, patched(good, "r.safetensors", "\"rng\":", "\"rnx\":", true), HONE_ERR_FORMAT,
                      "'rng' is missing", NULL);
    expect_load_error(&split, patched(good, "l.safetensors", "\"lr\": 0.01, \"seed\"", "\"lr\": true, \"seed\"", true),
                      HONE_ERR_FORMAT, "config: 'lr' must be a number", NULL);
    expect_load_error(&split, patched(good, "o.safetensors", "\"hone.opt_state\"", "\"hone.opt_xtate\"", false),
                      HONE_ERR_FORMAT, "unexpected tensor 'hone.opt_xtate'", NULL);
    expect_load_error(&split, patched(good, "o2.safetensors", "\"hone.order\"", "\"hone.ordex\"", false), HONE_ERR_FORMAT,
                      "unexpected tensor 'hone.ordex'", NULL);
    expect_load_error(&split, patched(good, "k.safetensors", "\"hone.checkpoint\"", "\"hone.checkpoinx\"", false),
                      HONE_ERR_FORMAT, "not a checkpoint", NULL);
    const char *other = HONE_REAL_NAME[5] == '3' ? "float64" : "float32";
    expect_load_error(&split, patched(good, "p.safetensors", HONE_REAL_NAME, other, false), HONE_ERR_VALUE, "build", NULL);
    /* a model file is not a checkpoint, and a checkpoint is not a model file */
    hone_model *m = network(&split, 1, 12), *loaded = NULL;
    const char *model_path = th_path("model.safetensors");
    assert_int_equal(hone_model_save(m, model_path, &err), HONE_OK);
    expect_load_error(&split, model_path, HONE_ERR_FORMAT, "not a checkpoint", "--checkpoint");
    assert_int_equal(hone_model_load(&loaded, good, &err), HONE_ERR_FORMAT);
    assert_null(loaded);
    assert_non_null(strstr(err.message, "a training checkpoint"));
    assert_non_null(strstr(err.message, "--resume"));
    assert_int_equal(hone_model_load_weights(m, good, &err), HONE_ERR_FORMAT);
    /* a model file with a stray hone.* tensor: unexpected, as any tensor the architecture lacks */
    honeS_tensor stray = {"hone.opt_state", false, 2, {2, m->n_params}, m->opt_state, false};
    const char *stray_path = th_path("stray.safetensors");
    assert_int_equal(honeS_save(m, stray_path, &stray, 1, NULL, NULL, &err), HONE_OK);
    assert_int_equal(hone_model_load(&loaded, stray_path, &err), HONE_ERR_FORMAT);
    assert_non_null(strstr(err.message, "unexpected tensor 'hone.opt_state'"));
    /* a checkpoint's metadata without the optimizer state: the checkpoint loader requires it */
    honeS_tensor x[2] = {{"hone.opt_state", false, 2, {HONES_ANY, HONES_ANY}, NULL, false},
                         {"hone.order", true, 1, {HONES_ANY, 0}, NULL, false}};
    char *text = NULL;
    assert_int_equal(honeS_load(&loaded, good, x, 2, HONES_CHECKPOINT_KEY, &text, &err), HONE_OK);
    assert_true(x[0].present && x[1].present && x[0].shape[0] == 2 && x[0].shape[1] == m->n_params && x[1].shape[0] == 120);
    const char *no_opt = th_path("no-opt.safetensors");
    assert_int_equal(honeS_save(loaded, no_opt, &x[1], 1, HONES_CHECKPOINT_KEY, text, &err), HONE_OK);
    expect_load_error(&split, no_opt, HONE_ERR_FORMAT, "tensor 'hone.opt_state' is missing", NULL);
    /* its moments of one weight fewer (rows of the wrong length; mutation round 5: only the
     * number of rows was checked) */
    honeS_tensor short_opt[2] = {x[0], x[1]};
    short_opt[0].shape[1] = loaded->n_params - 1;
    const char *short_path = th_path("short-opt.safetensors");
    assert_int_equal(honeS_save(loaded, short_path, short_opt, 2, HONES_CHECKPOINT_KEY, text, &err), HONE_OK);
    expect_load_error(&split, short_path, HONE_ERR_FORMAT, "tensor 'hone.opt_state' has shape", "expected");
    honeM_free(text);
    honeM_free(x[0].values);
    honeM_free(x[1].values);
    hone_model_free(loaded);
    /* another network: the first difference named */
    hone_model *wide = network(&split, 1, 10);
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, wide, good, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 0 (dense) has 12 units in the checkpoint, 10 in this network"));
    hone_model_free(wide);
    /* a training setting too (hone_model_load_weights leaves those the model's own) */
    hone_model *other_keep = network(&split, 1, 12);
    int dropout = 0;
    while (other_keep->layers[dropout].kind != HONE_LAYER_DROPOUT) dropout++;
    other_keep->layers[dropout].keep_prob = 0.5f;
    assert_int_equal(hone_checkpoint_load(&s, other_keep, good, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "(dropout) has keep probability 0.8 in the checkpoint, 0.5 in this network"));
    hone_model_free(other_keep);
    assert_int_equal(hone_model_set_regularization(m, 0.5, 0, 0, &err), HONE_OK);
    assert_int_equal(hone_checkpoint_load(&s, m, good, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "regularization is L2 0.01"));
    hone_model_free(m);
    images_split_free(d, &split);
}

/* Each field of the hone.checkpoint entry has its JSON type and range: one of another type, or
 * out of range, is refused by name, not read as some value it happens to hold (mutation round 6:
 * a count given as text read as 0, a flag of 2, a fraction of an epoch, a count past 2^53, 17 hex
 * digits, a digit past 'f', a generator state of 65 digits, an unknown optimizer or schedule and
 * a setting the config check refuses all loaded, and a field of another type crashed some). */
static void test_fields_of_another_type_are_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "types.safetensors", good); /* epoch 1 done, batch 3 of epoch 2, of 4 */
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"\"batch\": 3,", "\"batch\": \"3\",", "'batch' must be an integer in [0, 9007199254740992]"},
        {"\"epoch\": 1,", "\"epoch\": 1.5,", "'epoch' must be an integer in [-2147483648, 2147483647]"},
        {"\"shuffle\": 1,", "\"shuffle\": true,", "config: 'shuffle' must be an integer in [0, 1]"},
        {"\"stopped_early\": 0", "\"stopped_early\": 2", "last_epoch: 'stopped_early' must be an integer in [0, 1]"},
        {"\"opt_steps\": 11,", "\"opt_steps\": 9007199254740994,", "'opt_steps' must be an integer in [0, 9007199254740992]"},
        {"\"seed\": \"000000000000002a\"", "\"seed\": 42", "config: 'seed' must be 16 hex digits"},
        {"\"seed\": \"000000000000002a\"", "\"seed\": \"000000000000002a0\"", "config: 'seed' must be 16 hex digits"},
        {"\"seed\": \"000000000000002a\"", "\"seed\": \"000000000000002g\"", "config: 'seed' must be 16 hex digits"},
        {"\"seed\": \"000000000000002a\"", "\"seed\": \"000000000000002G\"", "config: 'seed' must be 16 hex digits"},
        {"\"seed\": \"000000000000002a\"", "\"seed\": \"00000000000000:a\"", "config: 'seed' must be 16 hex digits"},
        {"\"rng\": \"", "\"rng\": \"0", "'rng' must be a generator state: 64 hex digits"}, /* 65 of them */
        {"\"rng\": \"", "\"rng\": 5, \"rng0\": \"", "'rng' must be a generator state: 64 hex digits"},
        {"\"optimizer\": \"adam\"", "\"optimizer\": \"lion\"", "config: 'optimizer' names no known optimizer"},
        {"\"optimizer\": \"adam\"", "\"optimizer\": 5", "config: 'optimizer' names no known optimizer"},
        {"\"schedule\": \"cosine\"", "\"schedule\": \"linear\"", "config: 'schedule' names no known schedule"},
        {"\"schedule\": \"cosine\"", "\"schedule\": 5", "config: 'schedule' names no known schedule"},
        /* a setting no run can have, which nothing after the config check would look at */
        {"\"eps\": 1e-08,", "\"eps\": 0,", "config: eps must be positive, got 0"},
        /* a negative epoch is an integer, and outside the run */
        {"\"epoch\": 1,", "\"epoch\": -1,", "epoch -1 is outside the run's 4 epochs"},
        {"\"version\": 1,", "\"versiox\": 1,", "'version' is missing"},
        {"\"precision\":", "\"precisiox\":", "'precision' is missing"},
        {"\"precision\":", "\"precision\": 32, \"precisiox\":", "'precision' is missing"},
        /* the groups of fields are objects (mutation round 6: "last_epoch:  is not a JSON object") */
        {"\"last_epoch\": {", "\"last_epocx\": {", "hone.checkpoint: 'last_epoch' is missing"},
        {"\"config\": {", "\"config\": [], \"configx\": {", "hone.checkpoint: 'config' is not a JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[32];
        snprintf(name, sizeof name, "type-%zu.safetensors", i);
        expect_load_error(&split, patched(good, name, cases[i].from, cases[i].to, true), HONE_ERR_FORMAT,
                          cases[i].message, NULL);
    }
    /* the entry itself is a JSON object */
    expect_load_error(&split,
                      patched(good, "array.safetensors", "\"hone.checkpoint\": \"", "\"hone.checkpoint\": \"[1]\", \"hone.checkpoinx\": \"", false),
                      HONE_ERR_FORMAT, "hone.checkpoint: not a JSON object", NULL);
    images_split_free(d, &split);
}

/* What the types allow loads as it was written: a run of INT_MAX epochs, infinities either way
 * and NaN (the plateau's best loss is inf until a plateau schedule sees a loss; a best metric may
 * be -inf, a running sum NaN). */
static void test_fields_at_the_ends_of_their_types_load(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "ends.safetensors", good); /* the cosine schedule */
    hone_train_state s;
    hone_model *m = load_ok(&split, good, &s);
    assert_true(s.plateau_best == INFINITY); /* written "inf" */
    hone_train_state_free(&s);
    hone_model_free(m);
    const char *ends = patched(good, "ends-max.safetensors", "\"config\": {\"epochs\": 4,", "\"config\": {\"epochs\": 2147483647,", true);
    ends = patched(ends, "ends-minus.safetensors", "\"best_metric\": 0,", "\"best_metric\": \"-inf\",", true);
    ends = patched(ends, "ends-nan.safetensors", "\"loss_sum\": ", "\"loss_sum\": \"nan\", \"loss_sux\": ", true);
    m = load_ok(&split, ends, &s);
    assert_int_equal(s.config.epochs, INT_MAX);
    assert_true(s.best_metric == -INFINITY);
    assert_true(isnan(s.loss_sum));
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* Early stopping's and the plateau schedule's counts of bad epochs grow by one an epoch: a file
 * with more than the epochs done is refused (INT_MAX would overflow at the next epoch's end). */
static void test_counts_beyond_the_epochs_are_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "counts.safetensors", good); /* epoch 1 done */
    expect_load_error(&split, patched(good, "bad.safetensors", "\"bad_epochs\": 0", "\"bad_epochs\": 2147483647", true),
                      HONE_ERR_FORMAT, "counts are out of range", "bad epochs 2147483647,");
    /* the best epoch is one of those done */
    expect_load_error(&split, patched(good, "best.safetensors", "\"best_epoch\": 0", "\"best_epoch\": 2", true),
                      HONE_ERR_FORMAT, "counts are out of range", "best epoch 2,");
    const char *plateau = patched(good, "plateau.safetensors", "\"plateau_bad_epochs\": 0", "\"plateau_bad_epochs\": 2", true);
    expect_load_error(&split, plateau, HONE_ERR_FORMAT, "counts are out of range", "plateau bad epochs 2 after 1 epochs");
    /* as many as the epochs done still load */
    hone_train_state s;
    hone_model *m = load_ok(&split, patched(good, "one.safetensors", "\"bad_epochs\": 0", "\"bad_epochs\": 1", true), &s);
    assert_int_equal(s.bad_epochs, 1);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A position the run cannot have reached: a batch into an epoch after its last (its epochs all
 * done, or stopped early), last figures of another epoch than the position's, or no training
 * rows (mutation round 5: each check could go and no test saw it). */
static void test_positions_past_the_end_are_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "position.safetensors", good); /* epoch 1 done, batch 3 of epoch 2, of 4 */
    /* a run of 1 epoch (cosine's warm-up 0, so the configuration passes) */
    const char *one = patched(good, "one-epoch.safetensors", "\"config\": {\"epochs\": 4,", "\"config\": {\"epochs\": 1,", true);
    one = patched(one, "one-epoch-warm.safetensors", "\"warmup\": 1,", "\"warmup\": 0,", true);
    expect_load_error(&split, one, HONE_ERR_FORMAT, "batch 3 of an epoch after the run's end", NULL);
    expect_load_error(&split, patched(good, "stopped.safetensors", "\"stopped_early\": 0", "\"stopped_early\": 1", true),
                      HONE_ERR_FORMAT, "batch 3 of an epoch after the run's end", NULL);
    expect_load_error(&split,
                      patched(good, "figures.safetensors", "\"last_epoch\": {\"epoch\": 1,", "\"last_epoch\": {\"epoch\": 2,", true),
                      HONE_ERR_FORMAT, "the last epoch's figures are of epoch 2, not 1", NULL);
    /* a best epoch is early stopping's, and this run has none (refused before its tensors are
     * looked for, which would call them missing) */
    expect_load_error(&split, patched(good, "best.safetensors", "\"best_epoch\": 0", "\"best_epoch\": 1", true),
                      HONE_ERR_FORMAT, "a best epoch without early stopping", NULL);
    /* no training rows (its order then has too many: refused before the tensors are read) */
    expect_load_error(&split, patched(good, "no-rows.safetensors", "\"train_rows\": 120,", "\"train_rows\": 0,", true),
                      HONE_ERR_FORMAT, "no training rows", NULL);
    /* the same run of 2 epochs is within its second */
    const char *two = patched(good, "two-epochs.safetensors", "\"config\": {\"epochs\": 4,", "\"config\": {\"epochs\": 2,", true);
    hone_train_state s;
    hone_model *m = load_ok(&split, two, &s);
    assert_int_equal(s.epoch, 1);
    assert_int_equal((int)s.batch, 3);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* The plateau schedule's rate, which a resumed run trains at, is one the run could have reached:
 * in (0, lr] and not below min_lr. */
static void test_plateau_rate_outside_the_run_is_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "rate.safetensors", good); /* lr 0.01, min_lr 0 */
    const char *rate = "\"plateau_lr\": 0.01,";
    expect_load_error(&split, patched(good, "neg.safetensors", rate, "\"plateau_lr\": -0.01,", true), HONE_ERR_FORMAT,
                      "plateau_lr -0.01 is not a rate the run can have", "[min_lr 0, lr 0.01]");
    expect_load_error(&split, patched(good, "zero.safetensors", rate, "\"plateau_lr\": 0,", true), HONE_ERR_FORMAT,
                      "plateau_lr 0 is not", NULL);
    expect_load_error(&split, patched(good, "high.safetensors", rate, "\"plateau_lr\": 0.02,", true), HONE_ERR_FORMAT,
                      "plateau_lr 0.02 is not", NULL);
    expect_load_error(&split, patched(good, "nan.safetensors", rate, "\"plateau_lr\": \"nan\",", true),
                      HONE_ERR_FORMAT, "plateau_lr nan is not", NULL);
    const char *min = patched(good, "min.safetensors", "\"min_lr\": 0,", "\"min_lr\": 0.008,", true);
    expect_load_error(&split, patched(min, "low.safetensors", rate, "\"plateau_lr\": 0.005,", true), HONE_ERR_FORMAT,
                      "plateau_lr 0.005 is not", "[min_lr 0.008, lr 0.01]");
    /* a reduced rate still loads */
    hone_train_state s;
    hone_model *m = load_ok(&split, patched(good, "reduced.safetensors", rate, "\"plateau_lr\": 0.001,", true), &s);
    assert_true(s.plateau_lr == 0.001);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* The checkpoint at path with the 64 hex digits of its generator state ("rng") rewritten by
 * `to` ('U': in upper case, '0': all zero), written as name and resealed; returns the new path. */
static const char *rng_rewritten(const char *path, const char *name, char to) {
    size_t n;
    unsigned char *bytes = th_read(path, &n);
    const char *key = "\\\"rng\\\": \\\""; /* \"rng\": \" inside the metadata string */
    const size_t k = strlen(key);
    size_t at = 0;
    for (size_t i = 8; i + k + 64 <= n && !at; i++)
        if (!memcmp(bytes + i, key, k)) at = i + k;
    if (!at) fail_msg("no generator state in %s", path);
    int letters = 0;
    for (size_t i = at; i < at + 64; i++) {
        letters += bytes[i] >= 'a' && bytes[i] <= 'f';
        bytes[i] = to == 'U' ? (unsigned char)toupper(bytes[i]) : '0';
    }
    if (to == 'U' && !letters) fail_msg("the generator state has no letter to put in upper case");
    const char *written = th_write(name, bytes, n);
    th_reseal(written);
    free(bytes);
    return written;
}

/* The generator state is 64 hex digits, read in either case (as any hex), and never all zero
 * (xoshiro256** would then draw zeros for ever): such a state is refused. */
static void test_generator_state_text(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "rng.safetensors", good);
    hone_train_state a, b;
    hone_model *ma = load_ok(&split, good, &a);
    hone_model *mb = load_ok(&split, rng_rewritten(good, "upper.safetensors", 'U'), &b);
    assert_memory_equal(a.rng.s, b.rng.s, sizeof a.rng.s);
    hone_train_state_free(&a);
    hone_train_state_free(&b);
    hone_model_free(ma);
    hone_model_free(mb);
    expect_load_error(&split, rng_rewritten(good, "zero.safetensors", '0'), HONE_ERR_FORMAT,
                      "'rng' must be a generator state", "not all zero");
    images_split_free(d, &split);
}

/* The optimizer's second moments (the second row of hone.opt_state) are never negative: a
 * checkpoint holding one is refused, and not written; first moments may be anything finite. */
static void test_negative_second_moments_are_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    char good[512];
    checkpoint_at(&split, "moments.safetensors", good); /* Adam */
    honeS_tensor x[2] = {{"hone.opt_state", false, 2, {HONES_ANY, HONES_ANY}, NULL, false},
                         {"hone.order", true, 1, {HONES_ANY, 0}, NULL, false}};
    hone_model *file = NULL;
    char *text = NULL;
    assert_int_equal(honeS_load(&file, good, x, 2, HONES_CHECKPOINT_KEY, &text, &err), HONE_OK);
    hone_real *opt = x[0].values;
    const size_t n = file->n_params;
    char where[64];
    snprintf(where, sizeof where, "second moment at index %zu", n + 5);
    opt[n + 5] = (hone_real)-1e-3;
    const char *negative = th_path("negative.safetensors");
    assert_int_equal(honeS_save(file, negative, x, 2, HONES_CHECKPOINT_KEY, text, &err), HONE_OK);
    expect_load_error(&split, negative, HONE_ERR_FORMAT, "tensor 'hone.opt_state' holds a negative", where);
    opt[n + 5] = 0;
    opt[5] = (hone_real)-1; /* a first moment */
    const char *first = th_path("first.safetensors");
    assert_int_equal(honeS_save(file, first, x, 2, HONES_CHECKPOINT_KEY, text, &err), HONE_OK);
    hone_train_state s;
    hone_model *m = load_ok(&split, first, &s);
    assert_true(m->opt_state[5] == -1 && m->opt_state[n + 5] == 0);
    /* nor does hone write one: the saver refuses what the loader would */
    m->opt_state[n + 5] = (hone_real)-1e-3;
    const char *refused = th_path("refused.safetensors");
    assert_int_equal(hone_checkpoint_save(&s, refused, &err), HONE_ERR_VALUE);
    if (!strstr(err.message, ": not saved: tensor 'hone.opt_state' holds a negative ") || !strstr(err.message, where))
        fail_msg("%s", err.message);
    assert_int_equal(access(refused, F_OK), -1);
    hone_train_state_free(&s);
    hone_model_free(m);
    honeM_free(text);
    honeM_free(x[0].values);
    honeM_free(x[1].values);
    hone_model_free(file);
    images_split_free(d, &split);
}

/* A run of INT_MAX epochs resumed at its end trains nothing, and one epoch before it, one epoch:
 * no epoch number passes INT_MAX (one did: epoch + 1 overflowed, and training went on). */
static void test_resume_at_the_end_of_int_max_epochs(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    const char *path = th_path("int-max.safetensors");
    write_checkpoint(&split, path);
    hone_train_config c = adam_cosine();
    c.epochs = INT_MAX;
    for (int left = 0; left <= 1; left++) {
        hone_model *m = network(&split, 1, 12);
        hone_train_state s;
        if (hone_checkpoint_load(&s, m, path, &err)) fail_msg("%s", err.message);
        s.config.epochs = INT_MAX; /* the run's, so the checks pass: at an epoch's end, INT_MAX - left done */
        s.epoch = s.last.epoch = INT_MAX - left;
        s.batch = 0;
        run r = {.stop_after = 20}; /* a run that went on past INT_MAX would be stopped here */
        hone_train_hooks hooks = hooks_of(&r);
        hone_epoch_stats stats = {0};
        if (hone_train_resume(m, &split, &c, &hooks, &s, &stats, &err)) fail_msg("%s", err.message);
        assert_int_equal(r.batches, left * 8); /* 120 rows in batches of 16 */
        assert_int_equal(stats.epoch, INT_MAX);
        hone_train_state_free(&s);
        hone_model_free(m);
    }
    free(d->target);
    images_split_free(d, &split);
}

/* The model that c trains to its end from seed 1, and a checkpoint at path of the same run
 * stopped after batch 11 (in its second epoch). */
static hone_model *trained_and_stopped(const hone_split *split, const hone_train_config *c, const char *path) {
    hone_error err = {0};
    hone_model *ref = network(split, 1, 12), *m = network(split, 1, 12);
    run r = {.stop_after = 11, .interrupt_path = path};
    hone_train_hooks hooks = hooks_of(&r);
    if (hone_train(ref, split, c, NULL, NULL, &err) || hone_train(m, split, c, &hooks, NULL, &err))
        fail_msg("%s", err.message);
    hone_model_free(m);
    return ref;
}

/* hone_train_resume from path with c is refused, with message. */
static void expect_refused(const hone_split *split, const hone_train_config *c, const char *path, const char *message) {
    hone_model *m = network(split, 999, 12);
    hone_train_state s;
    hone_error err = {0};
    if (hone_checkpoint_load(&s, m, path, &err)) fail_msg("%s", err.message);
    assert_int_equal(hone_train_resume(m, split, c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, message);
    hone_train_state_free(&s);
    hone_model_free(m);
}

/* A setting that the run's optimizer, schedule or early stopping does not read (the momentum
 * form of Adam, a decay rate of the cosine schedule, min_delta without early stopping) changes
 * nothing: a resume with another one ends with the very model of the run; one it reads is
 * still refused. */
static void test_resume_ignores_settings_not_read(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    const char *path = th_path("unread.safetensors");
    char path_copy[512];
    snprintf(path_copy, sizeof path_copy, "%s", path);
    hone_epoch_stats stats;
    const hone_train_config adam = adam_cosine(); /* no early stopping */
    hone_model *ref = trained_and_stopped(&split, &adam, path_copy);
    hone_train_config c = adam;
    c.optimizer.momentum_ewma = 0;
    c.optimizer.weight_decay = 0.3;
    c.schedule.rate = 0.5;
    c.schedule.step_size = 3;
    c.schedule.factor = 0.5;
    c.schedule.patience = 2;
    c.schedule.threshold = 0.01;
    c.early_stopping.min_delta = 0.1;
    c.early_stopping.on_accuracy = 1;
    hone_model *done = resume(&split, &c, path_copy, -1, &stats);
    assert_same_model(done, ref);
    hone_model_free(done);
    c = adam;
    c.optimizer.beta2 = 0.99;
    expect_refused(&split, &c, path_copy, "beta2 is 0.999 in the checkpoint, 0.99 in this run");
    c = adam;
    c.schedule.min_lr = 0.001;
    expect_refused(&split, &c, path_copy, "min_lr is 0 in the checkpoint, 0.001 in this run");
    hone_model_free(ref);
    /* momentum, the plateau schedule, early stopping */
    const hone_train_config plateau = plateau_early();
    ref = trained_and_stopped(&split, &plateau, path_copy);
    c = plateau;
    c.optimizer.beta2 = 0.5;
    c.optimizer.eps = 0.1;
    c.optimizer.weight_decay = 0.3;
    c.schedule.rate = 0.5;
    c.schedule.step_size = 3;
    c.schedule.warmup = 2;
    done = resume(&split, &c, path_copy, -1, &stats);
    assert_same_model(done, ref);
    hone_model_free(done);
    c = plateau;
    c.optimizer.momentum_ewma = 0;
    expect_refused(&split, &c, path_copy, "momentum_ewma is 1 in the checkpoint, 0 in this run");
    c = plateau;
    c.schedule.factor = 0.5;
    expect_refused(&split, &c, path_copy, "factor is 0.7 in the checkpoint, 0.5 in this run");
    c = plateau;
    c.early_stopping.min_delta = 0.01;
    expect_refused(&split, &c, path_copy, "min_delta is 0 in the checkpoint, 0.01 in this run");
    c = plateau;
    c.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_NESTEROV); /* the kind named, not its settings */
    c.optimizer.momentum_ewma = 0;
    expect_refused(&split, &c, path_copy, "optimizer is momentum in the checkpoint, nesterov in this run");
    hone_model_free(ref);
    images_split_free(d, &split);
}

/* SGD at a constant rate reads none of the optimizer's and the schedule's settings: a resume with
 * every one of them changed ends with the very model of the run (mutation round 6: beta1, min_lr
 * and per_step were never changed here, only in tests/cli.sh, so read_settings could keep them
 * with the library's tests passing). */
static void test_resume_of_sgd_at_a_constant_rate_ignores_their_settings(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char path[512];
    snprintf(path, sizeof path, "%s", th_path("sgd.safetensors"));
    hone_train_config sgd = adam_cosine();
    sgd.optimizer = hone_optimizer_config_default(HONE_OPTIMIZER_SGD);
    sgd.schedule = hone_schedule_config_default(HONE_SCHEDULE_CONSTANT);
    hone_model *ref = trained_and_stopped(&split, &sgd, path);
    hone_train_config c = sgd;
    c.optimizer = (hone_optimizer_config){HONE_OPTIMIZER_SGD, 0.5, 0.5, 0.1, 0.3, 0};
    c.schedule = (hone_schedule_config){.kind = HONE_SCHEDULE_CONSTANT, .rate = 0.5, .step_size = 3, .warmup = 2,
                                        .min_lr = 0.001, .per_step = 1, .factor = 0.5, .patience = 2, .threshold = 0.01};
    hone_epoch_stats stats;
    hone_model *done = resume(&split, &c, path, -1, &stats);
    assert_same_model(done, ref);
    hone_model_free(done);
    hone_model_free(ref);
    images_split_free(d, &split);
}

/* Only the cosine schedule reads the run's length: a run with another goes on past its
 * checkpoint's epochs, from the end of the run or from within it, and ends as a run given them
 * all from the start. Fewer epochs than the checkpoint has trained are refused, and so is
 * another length with cosine. */
static void test_resume_with_more_epochs(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    char end[512], mid[512], cosine_end[512];
    snprintf(end, sizeof end, "%s", th_path("short-end.safetensors"));
    snprintf(mid, sizeof mid, "%s", th_path("short-mid.safetensors"));
    snprintf(cosine_end, sizeof cosine_end, "%s", th_path("cosine-end.safetensors"));
    hone_train_config longer = adam_cosine(); /* dropout, batch norm and augmentation as well */
    longer.schedule = hone_schedule_config_default(HONE_SCHEDULE_EXPONENTIAL);
    longer.schedule.rate = 0.8;
    longer.epochs = 5;
    hone_train_config shorter = longer;
    shorter.epochs = 3;
    hone_model *ref = network(&split, 1, 12);
    hone_epoch_stats ref_stats, stats;
    assert_int_equal(hone_train(ref, &split, &longer, NULL, &ref_stats, &err), HONE_OK);
    /* the short run to its end (a checkpoint every epoch, the last of the end), and stopped in
     * its last epoch (8 batches an epoch: batch 4 of epoch 3) */
    const run to_end = {.epoch_path = end}, stopped = {.stop_after = 20, .interrupt_path = mid};
    const run *runs[2] = {&to_end, &stopped};
    for (int i = 0; i < 2; i++) {
        train_writing(&split, &shorter, *runs[i]);
        hone_model *done = resume(&split, &longer, i ? mid : end, -1, &stats);
        assert_same_model(done, ref);
        assert_same_stats(&stats, &ref_stats);
        hone_model_free(done);
    }
    hone_train_config fewer = longer;
    fewer.epochs = 2;
    expect_refused(&split, &fewer, end, "the checkpoint has trained 3 epochs, more than this run's 2");
    expect_refused(&split, &fewer, mid, "the checkpoint is within epoch 3, past this run's 2 epochs");
    /* the short run stopped within epoch 3, resumed with 3 epochs, ends as the short run */
    hone_model *done = resume(&split, &shorter, mid, -1, &stats);
    assert_int_equal(stats.epoch, 3);
    hone_model_free(done);
    hone_train_config cosine = adam_cosine();
    cosine.epochs = 3;
    train_writing(&split, &cosine, (run){.epoch_path = cosine_end});
    cosine.epochs = 5;
    expect_refused(&split, &cosine, cosine_end, "epochs is 3 in the checkpoint, 5 in this run");
    hone_model_free(ref);
    images_split_free(d, &split);
}

/* decay_bias says whether the biases take the L2/L1 penalty: without a penalty it reads nothing,
 * and a checkpoint loads into a network with another; with one, it differs. */
static void test_decay_bias_without_a_penalty(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    const char *path = th_path("nopenalty.safetensors");
    hone_model *m = network(&split, 1, 12);
    assert_int_equal(hone_model_set_regularization(m, 0, 0, 0, &err), HONE_OK);
    const hone_train_config c = adam_cosine();
    run r = {.stop_after = 11, .interrupt_path = path};
    hone_train_hooks hooks = hooks_of(&r);
    assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_OK);
    hone_model_free(m);
    m = network(&split, 999, 12);
    assert_int_equal(hone_model_set_regularization(m, 0, 0, 1, &err), HONE_OK);
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_OK);
    hone_train_state_free(&s);
    assert_int_equal(hone_model_set_regularization(m, 0, 0.01, 1, &err), HONE_OK);
    assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "regularization is L2 0, L1 0 in the checkpoint, L2 0, L1 0.01 (biases too)"));
    hone_model_free(m);
    /* a checkpoint with a penalty (network's L2 0.01), biases left out: another decay_bias differs */
    char good[512];
    checkpoint_at(&split, "penalty.safetensors", good);
    m = network(&split, 999, 12);
    assert_int_equal(hone_model_set_regularization(m, 0.01, 0, 1, &err), HONE_OK);
    assert_int_equal(hone_checkpoint_load(&s, m, good, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "regularization is L2 0.01, L1 0 in the checkpoint, L2 0.01, L1 0 (biases too)"));
    hone_model_free(m);
    /* an L1 penalty alone is a penalty too (mutation round 5: only L2 was tried) */
    const char *l1 = th_path("l1.safetensors");
    m = network(&split, 1, 12);
    assert_int_equal(hone_model_set_regularization(m, 0, 0.01, 0, &err), HONE_OK);
    r = (run){.stop_after = 11, .interrupt_path = l1};
    hooks = hooks_of(&r);
    assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_OK);
    hone_model_free(m);
    m = network(&split, 999, 12);
    assert_int_equal(hone_model_set_regularization(m, 0, 0.01, 1, &err), HONE_OK);
    assert_int_equal(hone_checkpoint_load(&s, m, l1, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "regularization is L2 0, L1 0.01 in the checkpoint, L2 0, L1 0.01 (biases too)"));
    hone_model_free(m);
    images_split_free(d, &split);
}

/* hone_train_resume refuses another configuration, other data and an impossible order. */
static void test_resume_needs_the_same_run(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    const char *path = th_path("same.safetensors");
    write_checkpoint(&split, path);
    hone_model *m = network(&split, 1, 12);
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_OK);
    hone_train_config c = adam_cosine();
    c.lr = 0.02;
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "lr is 0.01 in the checkpoint, 0.02 in this run");
    c = adam_cosine();
    c.augment.flip = 0;
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "augment_flip is 1 in the checkpoint, 0 in this run");
    c = adam_cosine();
    c.normalize_grad = 2;
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "normalize_grad is 0 in the checkpoint, 2 in this run");
    c = adam_cosine();
    d->x_u8[split.train.index[7] * D + 4] ^= 1; /* one pixel of one training row */
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "training split differs"));
    d->x_u8[split.train.index[7] * D + 4] ^= 1;
    d->x_u8[split.dev.index[3] * D + 4] ^= 1; /* one pixel of one dev row */
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "dev split differs"));
    d->x_u8[split.dev.index[3] * D + 4] ^= 1;
    d->height = 4, d->width = 9; /* the same pixels in another shape: the checksums agree */
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "data are images of 4 x 9 pixels (height x width), the model was trained on 6 x 6");
    d->height = H, d->width = W;
    hone_split fewer = split;
    fewer.train.n = 100;
    assert_int_equal(hone_train_resume(m, &fewer, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "trained on 120 rows, this training split has 100"));
    size_t keep = s.order[0];
    s.order[0] = 100000; /* a corrupt order would gather from anywhere */
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "not an order of this training split"));
    s.order[0] = keep;
    /* the state goes with the model it was loaded into: another would train from its own weights
     * (mutation round 5) */
    hone_model *other = network(&split, 1, 12);
    assert_int_equal(hone_train_resume(other, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "the checkpoint was loaded into another model than the one to train");
    hone_model_free(other);
    /* a state made or changed by hand is held to what a loaded one is (mutation round 5) */
    s.last.epoch = 5;
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
    assert_string_equal(err.message, "the checkpoint: the last epoch's figures are of epoch 5, not 1");
    s.last.epoch = 1;
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_OK);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A state without its order of rows, or with a best epoch and without early stopping's best
 * weights or their running statistics, is refused, not read through a null pointer; so is a
 * file with best weights and no best epoch (mutation round 5: both checks could go). */
static void test_resume_needs_its_arrays(void **state) {
    hone_dataset *d = images(true);
    hone_split split;
    hone_error err = {0};
    assert_int_equal(hone_split_make(&split, d, NULL, 0.2, 0, 5, &err), HONE_OK);
    const hone_train_config c = plateau_early();
    const char *path = th_path("arrays.safetensors");
    train_writing(&split, &c, (run){.stop_after = 21, .interrupt_path = path}); /* batch 5 of epoch 3 */
    hone_model *m = network(&split, 999, 12);
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_OK);
    assert_true(s.best_epoch > 0 && s.best_params && s.best_buffers && m->n_buffers > 0);
    hone_real *params = s.best_params, *buffers = s.best_buffers;
    size_t *order = s.order;
    for (int which = 0; which < 3; which++) {
        s.order = which == 0 ? NULL : order;
        s.best_params = which == 1 ? NULL : params;
        s.best_buffers = which == 2 ? NULL : buffers;
        assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_ERR_VALUE);
        assert_string_equal(err.message, "the training state lacks its order of rows or its best weights");
    }
    s.best_buffers = buffers;
    /* and a file with the best weights and no best epoch */
    char best[40];
    snprintf(best, sizeof best, "\"best_epoch\": %d,", s.best_epoch);
    expect_load_error(&split, patched(path, "no-best.safetensors", best, "\"best_epoch\": 0,", true), HONE_ERR_FORMAT,
                      "tensor 'hone.best_params' without a best epoch", NULL);
    assert_int_equal(hone_train_resume(m, &split, &c, NULL, &s, NULL, &err), HONE_OK);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A stop asked for during the dev pass (here, by the epoch hook) ends the run after that epoch,
 * whose checkpoint says it was interrupted: a caller that writes only every few epochs writes
 * this one (mutation round 5: the flag could be dropped at an epoch's end). */
typedef struct stop_at_epoch {
    volatile int stop;
    int epoch, checkpoints, interrupted, last_epoch;
} stop_at_epoch;

static void stop_on_epoch(const hone_epoch_stats *s, void *user) {
    stop_at_epoch *r = user;
    if (s->epoch == r->epoch) r->stop = 1;
}

static hone_status count_checkpoint(const hone_train_state *s, void *user, hone_error *err) {
    stop_at_epoch *r = user;
    r->checkpoints++;
    r->interrupted += s->interrupted;
    r->last_epoch = s->epoch;
    assert_int_equal((int)s->batch, 0);
    return HONE_OK;
}

static void test_stop_in_the_dev_pass_is_an_interruption(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    hone_model *m = network(&split, 1, 12);
    const hone_train_config c = adam_cosine();
    stop_at_epoch r = {.epoch = 2};
    const hone_train_hooks hooks = {.on_epoch = stop_on_epoch, .on_checkpoint = count_checkpoint, .user = &r, .stop = &r.stop};
    hone_epoch_stats last;
    assert_int_equal(hone_train(m, &split, &c, &hooks, &last, &err), HONE_OK);
    assert_int_equal(last.epoch, 2);
    assert_int_equal(r.checkpoints, 2);
    assert_int_equal(r.interrupted, 1); /* epoch 2's, not epoch 1's */
    assert_int_equal(r.last_epoch, 2);
    /* batch norm counted every batch, as PyTorch's num_batches_tracked (mutation round 5: the
     * count could stay at 0 and no test looked) */
    assert_true(m->opt_steps == 16 && m->bn_batches == 16);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A batch-norm statistic that is not finite while the loss and the gradient stay finite (batch
 * norm scales its inputs' size away) is a divergence all the same, reported at its batch, naming
 * the statistic, with nothing saved of it. The variance: weights so large that it overflows. The
 * mean: its update is a weighted mean of batch means no larger than the layer's finite inputs, so
 * the variance always overflows first unless something else wrote it; here, the test itself,
 * between epochs. */
static void test_divergence_in_batch_norm_statistics(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    for (int mean = 0; mean < 2; mean++) {
        hone_error err = {0};
        hone_train_config c = adam_cosine();
        hone_model *m = network(&split, 1, 12);
        assert_int_equal(m->layers[0].kind, HONE_LAYER_DENSE);
        assert_int_equal(m->layers[1].kind, HONE_LAYER_BATCHNORM);
        /* without L2, whose penalty on such weights would overflow the loss first */
        assert_int_equal(hone_model_set_regularization(m, 0, 0, 0, &err), HONE_OK);
        run r = {.stop_after = -1, .epoch_path = th_path(mean ? "bn-mean.safetensors" : "bn-last-good.safetensors"),
                 .poison_epoch = 2};
        if (mean) r.poison_mean = m;
        else r.poison = m, r.poison_value = TH_DOUBLE ? 1e154 : 1e22;
        hone_train_hooks hooks = hooks_of(&r);
        assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_ERR_DIVERGED);
        const char *named = mean ? ": the running mean of layer 1 (batchnorm) is inf while the loss is finite"
                                 : ": the running variance of layer 1 (batchnorm) is inf while the loss is finite";
        if (!strstr(err.message, "diverged at epoch 3, batch 1, learning rate ") || !strstr(err.message, named))
            fail_msg("%s", err.message);
        assert_int_equal(r.saves, 2);
        hone_model_free(m);
    }
    images_split_free(d, &split);
}

/* Weights left infinite by the step before a stop are a divergence, and the interrupted run's
 * checkpoint is not written (the saver would refuse them). */
static void test_divergence_before_a_stop_writes_nothing(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    hone_train_config c = adam_cosine();
    hone_model *m = network(&split, 1, 12);
    const char *path = th_path("stopped-inf.safetensors");
    run r = {.stop_after = 11, .interrupt_path = path, .poison_at_stop = m}; /* epoch 2, batch 3 */
    hone_train_hooks hooks = hooks_of(&r);
    assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_ERR_DIVERGED);
    if (!strstr(err.message, "diverged at epoch 2, batch 3, learning rate ") || !strstr(err.message, ": its step left a weight inf; "))
        fail_msg("%s", err.message);
    assert_int_equal(r.saves, 0);
    assert_int_equal(access(path, F_OK), -1);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* A gradient that overflows while the loss is finite is named at its layer by both paths: the
 * clipping one finds it in the gradients, the fused step (which clears them) in the weights it
 * stepped with it, rather than calling them non-finite "already". Dense(4) ReLU Dense(3) on MSE,
 * the first layer's weights huge (big) and the second's 1e-12: hidden outputs h ~ 10 big, z ~
 * 1e-11 big, the loss (summed in double) finite, and the second layer's weight gradient dZ^T h ~
 * 1e-11 big^2 / 24. With big 1e30 (1e160 in double) that gradient overflows; in double, with big
 * 1e140 it is finite (1e268) but the sum of its squares overflows, and no layer is to blame. */
static void test_gradient_overflow_is_named_at_its_layer(void **state) {
    hone_dataset *d = images(false);
    d->t = 3;
    d->target = calloc(N * 3, sizeof *d->target);
    for (int i = 0; i < N; i++) d->target[i * 3 + d->label[i]] = 1;
    hone_split split;
    hone_error split_err = {0};
    if (hone_split_make(&split, d, NULL, 0.2, 0, 5, &split_err)) fail_msg("%s", split_err.message);
    const int hidden[1] = {4};
    const hone_mlp_spec spec = {.inputs = D, .outputs = 3, .hidden = hidden, .n_hidden = 1,
                                .activation = HONE_LAYER_RELU, .loss = HONE_LOSS_MSE};
    const struct {
        double big;
        const char *fused, *clipped; /* where the message says the divergence shows */
    } cases[] = {
        {TH_DOUBLE ? 1e160 : 1e30,
         "(first non-finite gradient, going backward, at layer 2, dense, which the step carried into its weights); ",
         "(first non-finite gradient, going backward, at layer 2, dense); "},
        {1e140, "(every gradient is finite: the sum of their squares overflowed); ",
         "(every gradient is finite: the sum of their squares overflowed); "},
    };
    for (int k = 0; k < (TH_DOUBLE ? 2 : 1); k++)
        for (int clipping = 0; clipping < 2; clipping++) {
            hone_model *m;
            hone_error err = {0};
            if (hone_model_create_from_spec(&m, &spec, &err)) fail_msg("%s", err.message);
            assert_int_equal(hone_model_standardize_fit(m, &split.train, &err), HONE_OK);
            for (size_t i = 0; i < m->layers[0].n_params; i++)
                m->params[m->layers[0].param_offset + i] = (hone_real)cases[k].big;
            for (size_t i = 0; i < m->layers[2].n_params; i++) m->params[m->layers[2].param_offset + i] = (hone_real)1e-12;
            hone_train_config c = hone_train_config_default();
            c.epochs = 1;
            c.batch = 16;
            c.clip_norm = clipping ? 1 : 0;
            if (hone_train(m, &split, &c, NULL, NULL, &err) != HONE_ERR_DIVERGED)
                fail_msg("case %d, clipping %d: %s", k, clipping, err.message);
            if (!strstr(err.message, "diverged at epoch 1, batch 1, learning rate ") ||
                !strstr(err.message, ": the gradient norm is ") ||
                !strstr(err.message, clipping ? cases[k].clipped : cases[k].fused))
                fail_msg("case %d, clipping %d: %s", k, clipping, err.message);
            hone_model_free(m);
        }
    free(d->target);
    images_split_free(d, &split);
}

/* A divergence in the outputs is found in any row of the batch, not only its first: one huge
 * input in the batch's second row, all weights 1, overflows Dense(4) ReLU Dense(3)'s last
 * layer there (mutation round 5: a scan of the first row called it a loss's own). */
static void test_divergence_in_a_later_row_is_named_at_its_layer(void **state) {
    enum { R = 32, I = 4 };
    hone_real x[R * I];
    int32_t y[R];
    for (int i = 0; i < R; i++) {
        y[i] = i % 3;
        for (int j = 0; j < I; j++) x[i * I + j] = (hone_real)((i + j) % 5) / 5;
    }
    hone_dataset d = {.n = R, .d = I, .x = x, .label = y, .n_classes = 3};
    hone_split split;
    hone_error err = {0};
    assert_int_equal(hone_split_make(&split, &d, NULL, 0, 0, 5, &err), HONE_OK);
    x[split.train.index[1] * I] = (hone_real)(TH_DOUBLE ? 1e308 : 3e38);
    const int hidden[1] = {4};
    const hone_mlp_spec spec = {.inputs = I, .outputs = 3, .hidden = hidden, .n_hidden = 1,
                                .activation = HONE_LAYER_RELU, .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *m;
    if (hone_model_create_from_spec(&m, &spec, &err)) fail_msg("%s", err.message);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] = 1;
    hone_train_config c = hone_train_config_default();
    c.epochs = 1;
    c.batch = 16;
    c.shuffle = 0;
    assert_int_equal(hone_train(m, &split, &c, NULL, NULL, &err), HONE_ERR_DIVERGED);
    if (!strstr(err.message, "diverged at epoch 1, batch 1,") || !strstr(err.message, "(first non-finite output at layer 2, dense)"))
        fail_msg("%s", err.message);
    hone_model_free(m);
    hone_split_free(&split);
}

/* A diverged batch writes nothing: the last checkpoint is the last good epoch's. */
static void test_divergence_keeps_the_last_good_checkpoint(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    hone_train_config c = adam_cosine();
    hone_model *m = network(&split, 1, 12);
    const char *path = th_path("last-good.safetensors");
    run r = {.stop_after = -1, .epoch_path = path, .poison = m, .poison_epoch = 2};
    hone_train_hooks hooks = hooks_of(&r);
    assert_int_equal(hone_train(m, &split, &c, &hooks, NULL, &err), HONE_ERR_DIVERGED);
    assert_non_null(strstr(err.message, "diverged at epoch 3, batch 1"));
    assert_int_equal(r.saves, 2);
    hone_model *back = network(&split, 1, 12);
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, back, path, &err), HONE_OK);
    assert_int_equal(s.epoch, 2);
    assert_int_equal(s.batch, 0);
    for (size_t i = 0; i < back->n_params; i++) assert_true(fabs((double)back->params[i]) < 1e3);
    hone_train_state_free(&s);
    hone_model_free(back);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* Every allocation of loading fails in turn: an error, nothing leaked, no state. Then every
 * allocation of saving: an error, nothing leaked, and the checkpoint already there untouched. */
static void test_allocation_failures_are_clean(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    hone_error err = {0};
    const char *path = th_path("alloc.safetensors");
    write_checkpoint(&split, path);
    hone_model *m = network(&split, 1, 12);
    for (long k = 0;; k++) {
        hone_train_state s;
        honeM_fail_after(k);
        hone_status st = hone_checkpoint_load(&s, m, path, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) {
            hone_train_state_free(&s);
            assert_true(k > 5);
            break;
        }
        assert_int_equal(st, HONE_ERR_NOMEM);
        assert_null(s.order);
    }
    hone_train_state s;
    assert_int_equal(hone_checkpoint_load(&s, m, path, &err), HONE_OK);
    const char *copy = th_path("alloc-copy.safetensors");
    assert_int_equal(hone_checkpoint_save(&s, copy, &err), HONE_OK);
    size_t n_before, n_after;
    unsigned char *before = th_read(copy, &n_before);
    s.epoch++; /* a different state, so a write that got through would show */
    for (long k = 0;; k++) {
        honeM_fail_after(k);
        hone_status st = hone_checkpoint_save(&s, copy, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) {
            assert_true(k > 2);
            break;
        }
        assert_int_equal(st, HONE_ERR_NOMEM);
        unsigned char *after = th_read(copy, &n_after);
        assert_int_equal(n_after, n_before);
        assert_memory_equal(after, before, n_before);
        free(after);
    }
    free(before);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

/* The checkpoint at path with its checksums blanked (spaces where "crc32" and "metadata_crc32"
 * were: every offset kept), as a hone that wrote none would have left it; written as name. */
static const char *unsealed(const char *path, const char *name) {
    size_t n;
    unsigned char *bytes = th_read(path, &n);
    static const char *const keys[] = {", \"crc32\": \"", ", \"metadata_crc32\": \""};
    for (size_t k = 0; k < 2; k++) {
        const size_t len = strlen(keys[k]) + 9; /* 8 digits and the closing quote */
        size_t at = 8;
        while (at + len <= n && memcmp(bytes + at, keys[k], strlen(keys[k])) != 0) at++;
        if (at + len > n) fail_msg("no '%s' in %s", keys[k], path);
        memset(bytes + at, ' ', len);
    }
    const char *written = th_write(name, bytes, n);
    free(bytes);
    return written;
}

/* The checksums cover a checkpoint's own state: a bit flipped in the optimizer's moments (a
 * tensor) or a digit changed in the generator state (the hone.checkpoint entry), each of which
 * would load as a value as good as any, is damage; the same checkpoint without its checksums, as
 * an older hone wrote them, loads. */
static void test_damaged_checkpoints_are_refused(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "sealed.safetensors", good);
    size_t n;
    unsigned char *bytes = th_read(good, &n);
    const th_checksums sound = th_checksums_of(bytes, n);
    uint64_t header = 0;
    for (int i = 7; i >= 0; i--) header = header << 8 | bytes[i];
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, header);
    const cJSON *offsets = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(h, "hone.opt_state"), "data_offsets");
    assert_true(cJSON_IsArray(offsets));
    const size_t moment = 8 + header + (size_t)cJSON_GetArrayItem(offsets, 0)->valuedouble + 1; /* of the first */
    cJSON_Delete(h);
    char want[200];
    bytes[moment] ^= 0x01;
    snprintf(want, sizeof want, "the tensor data is damaged: checksum (CRC-32) expected %08x, computed %08x",
             (unsigned)sound.data, (unsigned)th_checksums_of(bytes, n).data);
    expect_load_error(&split, th_write("moment.safetensors", bytes, n), HONE_ERR_FORMAT, want, NULL);
    bytes[moment] ^= 0x01;
    const char *key = "\\\"rng\\\": \\\""; /* \"rng\": \" inside the metadata string */
    size_t at = 8;
    while (at + strlen(key) < 8 + header && memcmp(bytes + at, key, strlen(key)) != 0) at++;
    assert_true(at + strlen(key) < 8 + header);
    unsigned char *digit = bytes + at + strlen(key);
    *digit = *digit == '0' ? '1' : '0';
    snprintf(want, sizeof want, "the metadata is damaged: checksum (CRC-32) expected %08x, computed %08x",
             (unsigned)sound.metadata, (unsigned)th_checksums_of(bytes, n).metadata);
    expect_load_error(&split, th_write("rng.safetensors", bytes, n), HONE_ERR_FORMAT, want, NULL);
    free(bytes);
    /* without the checksums: the same state */
    hone_train_state a, b;
    hone_model *ma = load_ok(&split, good, &a);
    hone_model *mb = load_ok(&split, unsealed(good, "unsealed.safetensors"), &b);
    assert_memory_equal(a.rng.s, b.rng.s, sizeof a.rng.s);
    assert_same_model(ma, mb);
    hone_train_state_free(&a);
    hone_train_state_free(&b);
    hone_model_free(ma);
    hone_model_free(mb);
    images_split_free(d, &split);
}

/* A checkpoint's load records in the model which checksums verified, as a model file's does
 * (hone inspect and callers read model->checksums): both for a checkpoint hone just wrote, none
 * for one without the keys, and a model that held a file's record before takes the new file's. */
static void test_checksums_verified_are_recorded(void **state) {
    hone_split split;
    hone_dataset *d = images_split(&split);
    char good[512];
    checkpoint_at(&split, "recorded.safetensors", good);
    hone_train_state s;
    hone_model *m = load_ok(&split, good, &s);
    assert_int_equal(m->checksums, HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA);
    hone_train_state_free(&s);
    hone_error err = {0};
    assert_int_equal(hone_checkpoint_load(&s, m, unsealed(good, "recorded-unsealed.safetensors"), &err), HONE_OK);
    assert_int_equal(m->checksums, 0);
    hone_train_state_free(&s);
    hone_model_free(m);
    images_split_free(d, &split);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_resume_adam_cosine_dropout_batchnorm_augmentation),
        th_test(test_resume_plateau_and_early_stopping),
        th_test(test_round_trip_of_a_state),
        th_test(test_training_takes_the_image_shape),
        th_test(test_no_path_is_refused),
        th_test(test_broken_checkpoints_are_clean_errors),
        th_test(test_fields_of_another_type_are_refused),
        th_test(test_fields_at_the_ends_of_their_types_load),
        th_test(test_counts_beyond_the_epochs_are_refused),
        th_test(test_positions_past_the_end_are_refused),
        th_test(test_plateau_rate_outside_the_run_is_refused),
        th_test(test_negative_second_moments_are_refused),
        th_test(test_resume_at_the_end_of_int_max_epochs),
        th_test(test_resume_with_more_epochs),
        th_test(test_resume_needs_the_same_run),
        th_test(test_resume_needs_its_arrays),
        th_test(test_stop_in_the_dev_pass_is_an_interruption),
        th_test(test_resume_ignores_settings_not_read),
        th_test(test_resume_of_sgd_at_a_constant_rate_ignores_their_settings),
        th_test(test_decay_bias_without_a_penalty),
        th_test(test_divergence_keeps_the_last_good_checkpoint),
        th_test(test_divergence_in_batch_norm_statistics),
        th_test(test_divergence_before_a_stop_writes_nothing),
        th_test(test_gradient_overflow_is_named_at_its_layer),
        th_test(test_divergence_in_a_later_row_is_named_at_its_layer),
        th_test(test_allocation_failures_are_clean),
        th_test(test_generator_state_text),
        th_test(test_damaged_checkpoints_are_refused),
        th_test(test_checksums_verified_are_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
