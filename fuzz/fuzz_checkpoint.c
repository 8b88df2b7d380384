/* fuzz_checkpoint.c - hone_checkpoint_load (what hone train --resume reads) on arbitrary bytes.
 *
 * The loader fills a model the caller built, and refuses one of another network. So the harness
 * first reads the file's own network as the loader does (honeS_load), builds a fresh model of it
 * (with the checkpoint's L2, L1 and decay_bias) full of marker values, and loads into that; a
 * file whose network does not read is loaded into a small fixed model, which it must fail on.
 *
 * A failed load leaves the state zeroed and the model untouched. A checkpoint that loads must be
 * whole: the model's weights, buffers, optimizer state and standardization the file's and finite,
 * second moments not negative, every check the loader makes on the position (hone_train_config_check,
 * epoch and batch inside the run, the last figures of this epoch, counts of bad epochs at most the
 * epochs done, the plateau rate in (0, lr] and not below min_lr, a best epoch only with early
 * stopping and then with its weights) holding, and it must save, load back to the same state and
 * model with both checksums verified, and save again to the same bytes (what hone reads, hone
 * writes).
 *
 * Then it goes on as --resume does (hone_train_resume), when the run left is small: the digests
 * of the data cannot be fuzzed into agreement, so the state is pointed at a synthetic dataset of
 * the checkpoint's row counts (1 x D pixel images, labels or targets for its loss) with an order
 * of its rows and that split's digests, and everything else as the file has it. The run must end
 * with a status (diverging is allowed: the weights are arbitrary), and the checkpoints it writes
 * must load. The seeds are plain checkpoint files. As in fuzz_model.c, a checksum that disagrees
 * is read past in this build (src/model/checksum.h), though the keys are parsed. */
#include "fuzz_common.h"

#include "model/storage.h"
#include "train/checkpoint.h"

#include <cjson/cJSON.h>
#include <math.h>

#define MARK ((hone_real)7) /* what the model holds before a load */
/* The largest run resumed: rows of each split, epochs left, parameters, units per row. */
#define RESUME_MAX_ROWS 256
#define RESUME_MAX_EPOCHS 3
#define RESUME_MAX_PARAMS (1 << 16)
#define RESUME_MAX_UNITS 4096

enum { X_OPT, X_ORDER, X_BEST_PARAMS, X_BEST_BUFFERS, N_EXTRAS };

static void fill(hone_model *m) {
    for (size_t i = 0; i < m->n_params; i++) m->params[i] = MARK;
    for (size_t i = 0; i < 2 * m->n_params; i++) m->opt_state[i] = MARK;
    for (size_t i = 0; i < m->n_buffers; i++) m->buffers[i] = MARK;
    for (int j = 0; j < m->inputs; j++) m->input_mean[j] = m->input_std[j] = MARK;
    for (int o = 0; o < hone_model_outputs(m); o++) m->target_mean[o] = m->target_std[o] = MARK;
    m->opt_steps = m->bn_batches = 7;
    m->image_height = m->image_width = 7;
    m->rng = (hone_rng){{7, 7, 7, 7}};
}

/* After a failed load: still the marker values, config_json still NULL. */
static void check_untouched(const hone_model *m) {
    for (size_t i = 0; i < m->n_params; i++) fuzz_check(m->params[i] == MARK);
    for (size_t i = 0; i < 2 * m->n_params; i++) fuzz_check(m->opt_state[i] == MARK);
    for (size_t i = 0; i < m->n_buffers; i++) fuzz_check(m->buffers[i] == MARK);
    for (int j = 0; j < m->inputs; j++) fuzz_check(m->input_mean[j] == MARK && m->input_std[j] == MARK);
    for (int o = 0; o < hone_model_outputs(m); o++) fuzz_check(m->target_mean[o] == MARK && m->target_std[o] == MARK);
    fuzz_check(m->opt_steps == 7 && m->bn_batches == 7 && m->rng.s[0] == 7 && !m->config_json);
    fuzz_check(m->image_height == 7 && m->image_width == 7);
}

/* A number of the hone.checkpoint JSON, or def. */
static double json_number(const cJSON *root, const char *key, double def) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, key);
    return cJSON_IsNumber(x) ? x->valuedouble : def;
}

/* A fresh model of file's network (every setting the loader compares), with the regularization
 * the checkpoint text names when the library accepts it, full of marker values. */
static hone_model *model_like(const hone_model *file, const char *text) {
    hone_layer_spec *specs = calloc((size_t)file->n_layers, sizeof *specs);
    fuzz_check(specs);
    for (int l = 0; l < file->n_layers; l++) {
        const hone_layer *a = &file->layers[l];
        specs[l] = (hone_layer_spec){.kind = a->kind, .units = a->out, .alpha = a->alpha, .keep_prob = a->keep_prob,
                                     .no_bias = a->kind == HONE_LAYER_DENSE && !a->bias, .momentum = a->momentum,
                                     .skip = a->skip};
    }
    hone_model *m = NULL;
    hone_error err;
    fuzz_check(hone_model_create(&m, file->inputs, specs, file->n_layers, file->loss, &err) == HONE_OK);
    free(specs);
    for (int l = 0; l < file->n_layers; l++) { /* what specs do not carry, or read 0 as a default */
        m->layers[l].eps = file->layers[l].eps;
        m->layers[l].alpha = file->layers[l].alpha;
    }
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    double l2 = json_number(root, "l2", 0), l1 = json_number(root, "l1", 0);
    int decay_bias = json_number(root, "decay_bias", 0) == 1;
    cJSON_Delete(root);
    if (hone_model_set_regularization(m, l2, l1, decay_bias, &err) != HONE_OK)
        fuzz_check(hone_model_set_regularization(m, 0, 0, 0, &err) == HONE_OK);
    fill(m);
    return m;
}

static void check_finite(const hone_real *v, size_t n) {
    for (size_t i = 0; i < n; i++) fuzz_check(isfinite(v[i]));
}

/* A loaded state: the file's model in m, and a position the run could have reached. */
static void check_state(const hone_train_state *s, const hone_model *m, const hone_model *file,
                        const honeS_tensor *x) {
    fuzz_check(s->model == m);
    /* the model took the file's contents */
    fuzz_check(memcmp(m->params, file->params, m->n_params * sizeof *m->params) == 0);
    fuzz_check(m->n_buffers == 0 || memcmp(m->buffers, file->buffers, m->n_buffers * sizeof *m->buffers) == 0);
    fuzz_check(memcmp(m->input_mean, file->input_mean, (size_t)m->inputs * sizeof *m->input_mean) == 0);
    fuzz_check(memcmp(m->input_std, file->input_std, (size_t)m->inputs * sizeof *m->input_std) == 0);
    fuzz_check(memcmp(m->target_mean, file->target_mean, (size_t)hone_model_outputs(m) * sizeof *m->target_mean) == 0);
    fuzz_check(memcmp(m->target_std, file->target_std, (size_t)hone_model_outputs(m) * sizeof *m->target_std) == 0);
    fuzz_check(x[X_OPT].present && memcmp(m->opt_state, x[X_OPT].values, 2 * m->n_params * sizeof *m->opt_state) == 0);
    fuzz_check(m->image_height == file->image_height && m->image_width == file->image_width);
    fuzz_check(!m->config_json == !file->config_json);
    fuzz_check(!m->config_json || strcmp(m->config_json, file->config_json) == 0);
    check_finite(m->params, m->n_params);
    check_finite(m->opt_state, 2 * m->n_params);
    for (size_t i = 0; i < m->n_params; i++) fuzz_check(m->opt_state[m->n_params + i] >= 0); /* second moments */
    check_finite(m->buffers, m->n_buffers);
    for (int j = 0; j < m->inputs; j++)
        fuzz_check(isfinite(m->input_mean[j]) && isfinite(m->input_std[j]) && m->input_std[j] > 0);
    fuzz_check(m->rng.s[0] | m->rng.s[1] | m->rng.s[2] | m->rng.s[3]);
    /* the position and the memories */
    const hone_train_config *c = &s->config;
    hone_error err;
    fuzz_check(hone_train_config_check(c, &err) == HONE_OK);
    fuzz_check(s->n_train >= 1 && s->order);
    fuzz_check(x[X_ORDER].present && x[X_ORDER].shape[0] == s->n_train);
    volatile size_t sink = 0;
    for (size_t i = 0; i < s->n_train; i++) sink += s->order[i]; /* every entry readable */
    (void)sink;
    const size_t B = (size_t)c->batch < s->n_train ? (size_t)c->batch : s->n_train;
    fuzz_check(s->epoch >= 0 && s->epoch <= c->epochs);
    fuzz_check(s->batch <= (s->n_train + B - 1) / B);
    fuzz_check(s->batch == 0 || (s->epoch < c->epochs && !s->last.stopped_early));
    fuzz_check(s->last.epoch == s->epoch);
    fuzz_check(s->best_epoch >= 0 && s->best_epoch <= s->epoch); /* counts of epochs: at most the epochs done */
    fuzz_check(s->bad_epochs >= 0 && s->bad_epochs <= s->epoch);
    fuzz_check(s->plateau_bad_epochs >= 0 && s->plateau_bad_epochs <= s->epoch);
    fuzz_check(s->rng.s[0] | s->rng.s[1] | s->rng.s[2] | s->rng.s[3]);
    fuzz_check(s->plateau_lr > 0 && s->plateau_lr >= c->schedule.min_lr && s->plateau_lr <= c->lr);
    if (s->best_epoch > 0) {
        fuzz_check(c->early_stopping.patience > 0);
        fuzz_check(s->best_params && (s->best_buffers || m->n_buffers == 0));
        check_finite(s->best_params, m->n_params);
        if (s->best_buffers) check_finite(s->best_buffers, m->n_buffers);
    } else {
        fuzz_check(!s->best_params && !s->best_buffers);
    }
    fuzz_check(s->interrupted == 0);
}

/* Two loads of the same checkpoint: the same state and model, bit for bit. */
static void check_same(const hone_train_state *a, const hone_train_state *b) {
    hone_train_state x = *a, y = *b;
    x.model = y.model = NULL;
    x.order = y.order = NULL;
    x.best_params = y.best_params = x.best_buffers = y.best_buffers = NULL;
    fuzz_check(memcmp(&x, &y, sizeof x) == 0); /* both zeroed, then filled field by field */
    const hone_model *m = a->model, *n = b->model;
    fuzz_check(memcmp(a->order, b->order, a->n_train * sizeof *a->order) == 0);
    fuzz_check(!a->best_params == !b->best_params && !a->best_buffers == !b->best_buffers);
    if (a->best_params) fuzz_check(memcmp(a->best_params, b->best_params, m->n_params * sizeof *m->params) == 0);
    if (a->best_buffers && m->n_buffers)
        fuzz_check(memcmp(a->best_buffers, b->best_buffers, m->n_buffers * sizeof *m->buffers) == 0);
    fuzz_check(memcmp(m->params, n->params, m->n_params * sizeof *m->params) == 0);
    fuzz_check(memcmp(m->opt_state, n->opt_state, 2 * m->n_params * sizeof *m->opt_state) == 0);
    fuzz_check(m->n_buffers == 0 || memcmp(m->buffers, n->buffers, m->n_buffers * sizeof *m->buffers) == 0);
    fuzz_check(memcmp(m->input_mean, n->input_mean, (size_t)m->inputs * sizeof *m->input_mean) == 0);
    fuzz_check(memcmp(m->input_std, n->input_std, (size_t)m->inputs * sizeof *m->input_std) == 0);
    fuzz_check(memcmp(m->target_mean, n->target_mean, (size_t)hone_model_outputs(m) * sizeof *m->target_mean) == 0);
    fuzz_check(memcmp(m->target_std, n->target_std, (size_t)hone_model_outputs(m) * sizeof *m->target_std) == 0);
    fuzz_check(m->opt_steps == n->opt_steps && m->bn_batches == n->bn_batches);
    fuzz_check(memcmp(&m->rng, &n->rng, sizeof m->rng) == 0);
    fuzz_check(!m->config_json == !n->config_json);
    fuzz_check(!m->config_json || strcmp(m->config_json, n->config_json) == 0);
}

/* The whole contents of a file (NULL when unreadable); *n its size. */
static uint8_t *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *more = realloc(buf, cap);
            fuzz_check(more);
            buf = more;
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0) break;
    }
    fclose(f);
    return buf;
}

/* A failed load: the code in err, a message, the state zeroed, the model as it was. */
static void check_failed(hone_status st, const hone_error *err, const hone_train_state *s, const hone_model *m) {
    static const hone_train_state zero;
    fuzz_check(st != HONE_OK && err->code == st && memchr(err->message, 0, sizeof err->message));
    fuzz_check(memcmp(s, &zero, sizeof zero) == 0);
    check_untouched(m);
}

/* Saves s, loads the file into a fresh model like s's, checks the two are the same, saves that
 * again and checks the bytes are too. */
static void round_trip(const hone_train_state *s, const hone_model *file, const char *text, const char *saved,
                       const char *again) {
    hone_error err;
    hone_status st = hone_checkpoint_save(s, saved, &err);
    if (st != HONE_OK) fprintf(stderr, "loaded, but not saved: %s\n", err.message);
    fuzz_check(st == HONE_OK);
    hone_model *m = model_like(file, text);
    hone_train_state back;
    st = hone_checkpoint_load(&back, m, saved, &err);
    if (st != HONE_OK) fprintf(stderr, "saved, but not loaded back: %s\n", err.message);
    fuzz_check(st == HONE_OK);
    fuzz_check(m->checksums == (HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA)); /* hone's own file verifies */
    check_same(s, &back);
    fuzz_check(hone_checkpoint_save(&back, again, &err) == HONE_OK);
    size_t n1 = 0, n2 = 0;
    uint8_t *b1 = slurp(saved, &n1), *b2 = slurp(again, &n2);
    fuzz_check(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    hone_train_state_free(&back);
    hone_model_free(m);
}

/* A checkpoint the resumed run writes must load (into a model like the file's). */
typedef struct resume_hooks {
    const char *path;
    int saves;
} resume_hooks;

/* The saver may refuse (HONE_ERR_VALUE) non-finite values, which a file never holds. Training
 * ends as a divergence first when a batch norm statistic overflows (at its batch) or the weights
 * do (at the epoch's end), so a refusal here would be a checkpoint taken between those checks. */
static hone_status save_checkpoint(const hone_train_state *s, void *user, hone_error *err) {
    resume_hooks *h = user;
    hone_status st = hone_checkpoint_save(s, h->path, err);
    fuzz_check(st == HONE_OK || st == HONE_ERR_VALUE);
    if (st == HONE_OK) h->saves++;
    return st;
}

/* --resume from s on a synthetic split of the checkpoint's row counts: D-pixel images of one
 * row (or of the checkpoint's image shape), labels (softmax, sigmoid) or targets (MSE) for the model's outputs. */
static void resume(hone_train_state *s, hone_model *m, const hone_model *file, const char *text, const char *out) {
    size_t units = (size_t)m->inputs;
    for (int l = 0; l < m->n_layers; l++) units += (size_t)m->layers[l].out;
    if (s->n_train > RESUME_MAX_ROWS || s->n_dev > RESUME_MAX_ROWS || s->config.epochs - s->epoch > RESUME_MAX_EPOCHS ||
        m->n_params > RESUME_MAX_PARAMS || units > RESUME_MAX_UNITS)
        return;
    const size_t n = s->n_train + s->n_dev, D = (size_t)m->inputs, O = (size_t)hone_model_outputs(m);
    hone_dataset d = {.n = n, .d = D, .height = 1, .width = D};
    if (m->image_height) d.height = (size_t)m->image_height, d.width = (size_t)m->image_width; /* the checkpoint's */
    size_t *rows = calloc(n, sizeof *rows);
    d.x_u8 = calloc(n * D, 1);
    fuzz_check(rows && d.x_u8);
    for (size_t i = 0; i < n * D; i++) d.x_u8[i] = (uint8_t)(i * 37 % 251);
    if (m->loss == HONE_LOSS_MSE) {
        d.target = calloc(n * O, sizeof *d.target);
        fuzz_check(d.target);
        for (size_t i = 0; i < n * O; i++) d.target[i] = (hone_real)(i % 5) - 2;
        d.t = O;
    } else {
        d.n_classes = O < 2 ? 1 : 2;
        d.label = calloc(n, sizeof *d.label);
        fuzz_check(d.label);
        for (size_t i = 0; i < n; i++) d.label[i] = (int32_t)(i % (size_t)d.n_classes);
    }
    for (size_t i = 0; i < n; i++) rows[i] = i;
    hone_split split = {.train = {&d, rows, s->n_train}, .dev = {&d, rows + s->n_train, s->n_dev}};
    for (size_t i = 0; i < s->n_train; i++) s->order[i] = s->n_train - 1 - i; /* an order of the train rows */
    s->train_checksum = hone_view_checksum(&split.train);
    s->dev_checksum = hone_view_checksum(&split.dev);
    resume_hooks h = {out, 0};
    hone_train_hooks hooks = {.on_checkpoint = save_checkpoint, .user = &h};
    hone_epoch_stats stats;
    hone_error err;
    hone_status st = hone_train_resume(m, &split, &s->config, &hooks, s, &stats, &err);
    fuzz_check(st == HONE_OK || st == HONE_ERR_DIVERGED || st == HONE_ERR_VALUE);
    fuzz_check(st == HONE_OK || (err.code == st && memchr(err.message, 0, sizeof err.message)));
    if (h.saves) { /* what the resumed run wrote loads */
        hone_model *back = model_like(file, text);
        hone_train_state again;
        st = hone_checkpoint_load(&again, back, out, &err);
        if (st != HONE_OK) fprintf(stderr, "resumed and saved, but not loaded back: %s\n", err.message);
        fuzz_check(st == HONE_OK);
        hone_train_state_free(&again);
        hone_model_free(back);
    }
    free(rows);
    free(d.x_u8);
    free(d.label);
    free(d.target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *path, *saved, *again;
    static hone_model *fixed; /* Dense(2) ReLU Dense(2) on 2 inputs, for files without a network */
    if (!path) {
        path = fuzz_temp("checkpoint");
        saved = fuzz_temp("checkpoint-saved");
        again = fuzz_temp("checkpoint-again");
        const int hidden[1] = {2};
        hone_error err;
        hone_status made = hone_model_create_mlp(&fixed, 2, hidden, 1, 2, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err);
        fuzz_check(made == HONE_OK);
        fill(fixed);
        hone_set_threads(1);
    }
    fuzz_write(path, data, size);
    /* the file's network, read as the loader reads it */
    honeS_tensor x[N_EXTRAS];
    static const char *const names[N_EXTRAS] = {"hone.opt_state", "hone.order", "hone.best_params",
                                                "hone.best_buffers"};
    for (int i = 0; i < N_EXTRAS; i++)
        x[i] = (honeS_tensor){names[i], i == X_ORDER, i == X_OPT ? 2 : 1, {HONES_ANY, HONES_ANY}, NULL, false};
    hone_model *file = NULL;
    char *text = NULL;
    hone_error err;
    hone_train_state s;
    hone_status st = honeS_load(&file, path, x, N_EXTRAS, HONES_CHECKPOINT_KEY, &text, &err);
    hone_model *m = st == HONE_OK ? model_like(file, text) : fixed;
    hone_status loaded = hone_checkpoint_load(&s, m, path, &err);
    if (st != HONE_OK) fuzz_check(loaded != HONE_OK); /* what the model reader refuses, so does this */
    if (loaded != HONE_OK) {
        check_failed(loaded, &err, &s, m);
    } else {
        check_state(&s, m, file, x);
        round_trip(&s, file, text, saved, again);
        resume(&s, m, file, text, saved);
        hone_train_state_free(&s);
        fuzz_check(!s.order && !s.best_params && !s.best_buffers);
    }
    if (m != fixed) hone_model_free(m);
    for (int i = 0; i < N_EXTRAS; i++) honeM_free(x[i].values);
    honeM_free(text);
    hone_model_free(file);
    return 0;
}
