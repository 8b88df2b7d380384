/* checkpoint.c - a training run's state in a file, and the checks that let a run go on from it.
 *
 * A checkpoint is a model file (safetensors.c writes and reads it through storage.h, atomically
 * and with every check a model file gets) with, beside the model's own tensors:
 *
 *   "hone.opt_state"    [2, n_params] real  the optimizer's first moments, then second moments
 *   "hone.order"        [n_train]     I64   dataset rows in the order of the epoch in progress
 *   "hone.best_params"  [n_params]    real  early stopping's best weights (once it has a best)
 *   "hone.best_buffers" [n_buffers]   real  and their running statistics
 *
 * and one more metadata entry, "hone.checkpoint", a JSON object of the scalars: format version,
 * precision, position (epochs completed, batches done of the next), generator states, schedule
 * and early-stopping state, the epoch's running sums, its last figures, regularization, the
 * digests of the training and dev splits, and the training configuration. Reals are written
 * with 17 significant digits, so they read back bit for bit, infinities and NaN as the strings
 * "inf", "-inf" and "nan"; 64-bit values (generator states, digests, the seed) as hex strings.
 * Each group of scalars is a table of fields (name, type, offset) that drives the writer, the
 * reader and, for the configuration, the comparison that names what a resumed run changed.
 *
 * The model file's checksums (src/model/checksum.h) cover all of it: "crc32" the tensors above,
 * "metadata_crc32" the hone.checkpoint entry, whose generator states, step counts and running
 * sums would otherwise change a resumed run without a word if a byte of them flipped. */
#include "train/checkpoint.h"
#include "model/storage.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKPOINT_VERSION 1

_Static_assert(sizeof(hone_optimizer_kind) == sizeof(int) && sizeof(hone_schedule_kind) == sizeof(int),
               "the field tables read enums as int");

/* ---------------------------------------------------------------------------------------------
 * The scalars: tables of fields
 * ------------------------------------------------------------------------------------------- */

typedef enum ftype {
    F_INT,       /* int */
    F_BOOL,      /* int, 0 or 1 */
    F_SIZE,      /* size_t, a JSON integer up to 2^53 */
    F_COUNT,     /* uint64_t, a JSON integer up to 2^53 */
    F_HEX,       /* uint64_t, 16 hex digits */
    F_REAL,      /* double */
    F_RNG,       /* hone_rng, 64 hex digits */
    F_OPTIMIZER, /* hone_optimizer_kind, by name */
    F_SCHEDULE,  /* hone_schedule_kind, by name */
} ftype;

typedef struct field {
    const char *name;
    ftype type;
    size_t offset;
} field;

#define N_FIELDS(t) ((int)(sizeof(t) / sizeof *(t)))

/* The configuration: what shapes the trajectory, so a resumed run must have the same. */
#define C(name, type, member) {name, type, offsetof(hone_train_config, member)}
static const field config_fields[] = {
    C("epochs", F_INT, epochs),
    C("batch", F_INT, batch),
    C("lr", F_REAL, lr),
    C("seed", F_HEX, seed),
    C("shuffle", F_BOOL, shuffle),
    C("optimizer", F_OPTIMIZER, optimizer.kind),
    C("beta1", F_REAL, optimizer.beta1),
    C("beta2", F_REAL, optimizer.beta2),
    C("eps", F_REAL, optimizer.eps),
    C("weight_decay", F_REAL, optimizer.weight_decay),
    C("momentum_ewma", F_BOOL, optimizer.momentum_ewma),
    C("schedule", F_SCHEDULE, schedule.kind),
    C("decay_rate", F_REAL, schedule.rate),
    C("step_size", F_INT, schedule.step_size),
    C("warmup", F_INT, schedule.warmup),
    C("min_lr", F_REAL, schedule.min_lr),
    C("per_step", F_BOOL, schedule.per_step),
    C("factor", F_REAL, schedule.factor),
    C("patience", F_INT, schedule.patience),
    C("threshold", F_REAL, schedule.threshold),
    C("clip_value", F_REAL, clip_value),
    C("clip_norm", F_REAL, clip_norm),
    C("normalize_grad", F_REAL, normalize_grad),
    C("early_stop", F_INT, early_stopping.patience),
    C("min_delta", F_REAL, early_stopping.min_delta),
    C("early_stop_on_accuracy", F_BOOL, early_stopping.on_accuracy),
    C("augment_shift", F_INT, augment.shift),
    C("augment_rotate", F_REAL, augment.rotate),
    C("augment_flip", F_BOOL, augment.flip),
    C("augment_noise", F_REAL, augment.noise),
};
#undef C

/* The loop's position and memory. */
#define S(name, type, member) {name, type, offsetof(hone_train_state, member)}
static const field state_fields[] = {
    S("epoch", F_INT, epoch),
    S("batch", F_SIZE, batch),
    S("rng", F_RNG, rng),
    S("train_rows", F_SIZE, n_train),
    S("train_checksum", F_HEX, train_checksum),
    S("dev_rows", F_SIZE, n_dev),
    S("dev_checksum", F_HEX, dev_checksum),
    S("plateau_lr", F_REAL, plateau_lr),
    S("plateau_best", F_REAL, plateau_best),
    S("plateau_bad_epochs", F_INT, plateau_bad_epochs),
    S("best_epoch", F_INT, best_epoch),
    S("bad_epochs", F_INT, bad_epochs),
    S("best_metric", F_REAL, best_metric),
    S("best_bn_batches", F_COUNT, best_bn_batches),
    S("loss_sum", F_REAL, loss_sum),
    S("norm_sum", F_REAL, norm_sum),
    S("correct", F_SIZE, correct),
    S("seconds", F_REAL, seconds),
};
#undef S

/* What the checkpoint keeps of the model beyond its model-file tensors. */
typedef struct model_scalars {
    uint64_t opt_steps, bn_batches;
    hone_rng rng;
    double l2, l1;
    int decay_bias;
} model_scalars;
#define M(name, type, member) {name, type, offsetof(model_scalars, member)}
static const field model_fields[] = {
    M("opt_steps", F_COUNT, opt_steps), M("bn_batches", F_COUNT, bn_batches), M("model_rng", F_RNG, rng),
    M("l2", F_REAL, l2),                M("l1", F_REAL, l1),                  M("decay_bias", F_BOOL, decay_bias),
};
#undef M

/* The last completed epoch's figures, as hone_train reports them. */
#define E(name, type, member) {name, type, offsetof(hone_epoch_stats, member)}
static const field stats_fields[] = {
    E("epoch", F_INT, epoch),
    E("epochs", F_INT, epochs),
    E("train_loss", F_REAL, train_loss),
    E("train_acc", F_REAL, train_acc),
    E("dev_loss", F_REAL, dev_loss),
    E("dev_acc", F_REAL, dev_acc),
    E("lr", F_REAL, lr),
    E("grad_norm", F_REAL, grad_norm),
    E("seconds", F_REAL, seconds),
    E("samples_per_s", F_REAL, samples_per_s),
    E("best_epoch", F_INT, best_epoch),
    E("stopped_early", F_BOOL, stopped_early),
};
#undef E

/* ---------------------------------------------------------------------------------------------
 * Writing the JSON
 * ------------------------------------------------------------------------------------------- */

/* A double that reads back to the same bits; NaN and infinities as the strings "nan", "inf". */
static void real_text(char *buf, size_t cap, double v) {
    if (isnan(v)) snprintf(buf, cap, "\"nan\"");
    else if (isinf(v)) snprintf(buf, cap, "\"%s\"", v > 0 ? "inf" : "-inf");
    else honeS_real_text(buf, cap, v, false);
}

static void write_fields(honeB_buf *b, const void *base, const field *f, int n) {
    const char *p = base;
    for (int i = 0; i < n; i++) {
        const void *at = p + f[i].offset;
        honeB_fmt(b, "%s\"%s\": ", b->len && b->s[b->len - 1] != '{' ? ", " : "", f[i].name);
        char text[64];
        switch (f[i].type) {
        case F_INT:
        case F_BOOL: honeB_fmt(b, "%d", *(const int *)at); break;
        case F_SIZE: honeB_fmt(b, "%zu", *(const size_t *)at); break;
        case F_COUNT: honeB_fmt(b, "%llu", (unsigned long long)*(const uint64_t *)at); break;
        case F_HEX: honeB_fmt(b, "\"%016llx\"", (unsigned long long)*(const uint64_t *)at); break;
        case F_REAL:
            real_text(text, sizeof text, *(const double *)at);
            honeB_fmt(b, "%s", text);
            break;
        case F_RNG: {
            const hone_rng *r = at;
            honeB_fmt(b, "\"%016llx%016llx%016llx%016llx\"", (unsigned long long)r->s[0], (unsigned long long)r->s[1],
                   (unsigned long long)r->s[2], (unsigned long long)r->s[3]);
            break;
        }
        case F_OPTIMIZER: honeB_fmt(b, "\"%s\"", hone_optimizer_kind_name(*(const hone_optimizer_kind *)at)); break;
        case F_SCHEDULE: honeB_fmt(b, "\"%s\"", hone_schedule_kind_name(*(const hone_schedule_kind *)at)); break;
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Reading the JSON
 * ------------------------------------------------------------------------------------------- */

typedef struct reader {
    const char *path;
    hone_error *err;
    hone_status st; /* the first failure */
} reader;

static bool bad(reader *r, const char *fmt, ...) HONE_PRINTF(2, 3);
static bool bad(reader *r, const char *fmt, ...) {
    if (r->st) return false;
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    r->st = honeE_set(r->err, HONE_ERR_FORMAT, "%s: hone.checkpoint: %s", r->path, text);
    return false;
}

static bool parse_hex(const char *s, size_t n, uint64_t *out) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

static bool read_field(reader *r, const cJSON *obj, const char *group, void *base, const field *f) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, f->name);
    void *at = (char *)base + f->offset;
    if (!x) return bad(r, "%s'%s' is missing", group, f->name);
    switch (f->type) {
    case F_INT:
    case F_BOOL:
    case F_SIZE:
    case F_COUNT: {
        double lo = f->type == F_INT ? INT_MIN : 0, hi = f->type == F_INT ? INT_MAX : f->type == F_BOOL ? 1 : HONES_MAX_EXACT;
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= lo && x->valuedouble <= hi) || x->valuedouble != floor(x->valuedouble))
            return bad(r, "%s'%s' must be an integer in [%.0f, %.0f]", group, f->name, lo, hi);
        if (f->type == F_SIZE) *(size_t *)at = (size_t)x->valuedouble;
        else if (f->type == F_COUNT) *(uint64_t *)at = (uint64_t)x->valuedouble;
        else *(int *)at = (int)x->valuedouble;
        return true;
    }
    case F_HEX:
        if (!cJSON_IsString(x) || strlen(x->valuestring) != 16 || !parse_hex(x->valuestring, 16, at))
            return bad(r, "%s'%s' must be 16 hex digits", group, f->name);
        return true;
    case F_REAL: {
        double *v = at;
        if (cJSON_IsNumber(x)) *v = x->valuedouble;
        else if (cJSON_IsString(x) && !strcmp(x->valuestring, "nan")) *v = NAN;
        else if (cJSON_IsString(x) && !strcmp(x->valuestring, "inf")) *v = INFINITY;
        else if (cJSON_IsString(x) && !strcmp(x->valuestring, "-inf")) *v = -INFINITY;
        else return bad(r, "%s'%s' must be a number (or \"inf\", \"-inf\", \"nan\")", group, f->name);
        return true;
    }
    case F_RNG: {
        hone_rng *g = at;
        bool ok = cJSON_IsString(x) && strlen(x->valuestring) == 64;
        for (int k = 0; ok && k < 4; k++) ok = parse_hex(x->valuestring + 16 * k, 16, &g->s[k]);
        if (!ok || !(g->s[0] | g->s[1] | g->s[2] | g->s[3]))
            return bad(r, "%s'%s' must be a generator state: 64 hex digits, not all zero", group, f->name);
        return true;
    }
    case F_OPTIMIZER:
    case F_SCHEDULE: {
        int k = -1;
        if (cJSON_IsString(x) && f->type == F_OPTIMIZER) k = hone_optimizer_kind_parse(x->valuestring);
        if (cJSON_IsString(x) && f->type == F_SCHEDULE) k = hone_schedule_kind_parse(x->valuestring);
        if (k < 0 || (f->type == F_OPTIMIZER && k == 0)) return bad(r, "%s'%s' names no known %s", group, f->name, f->name);
        *(int *)at = k;
        return true;
    }
    }
    return false;
}

/* The fields f [n] of obj into base. group names obj before each field in a message: its key
 * and ": " ("config: "), or "" for the entry itself (which parse_checkpoint has found an object). */
static bool read_fields(reader *r, const cJSON *obj, const char *group, void *base, const field *f, int n) {
    if (!cJSON_IsObject(obj)) /* 'config', the key without its ": " */
        return bad(r, "'%.*s' is %s", (int)strcspn(group, ":"), group, obj ? "not a JSON object" : "missing");
    for (int i = 0; i < n; i++)
        if (!read_field(r, obj, group, base, &f[i])) return false;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Comparisons
 * ------------------------------------------------------------------------------------------- */

/* Field f of a and b, when they differ, described into what ("lr is 0.1 in the checkpoint, 0.2
 * in this run"). */
static bool field_differs(const field *f, const void *a, const void *b, char *what, size_t cap) {
    const char *pa = (const char *)a + f->offset, *pb = (const char *)b + f->offset;
    char ta[64], tb[64];
    switch (f->type) {
    case F_INT:
    case F_BOOL:
        if (*(const int *)pa == *(const int *)pb) return false;
        snprintf(ta, sizeof ta, "%d", *(const int *)pa);
        snprintf(tb, sizeof tb, "%d", *(const int *)pb);
        break;
    case F_HEX:
    case F_COUNT:
        if (*(const uint64_t *)pa == *(const uint64_t *)pb) return false;
        snprintf(ta, sizeof ta, "%llu", (unsigned long long)*(const uint64_t *)pa);
        snprintf(tb, sizeof tb, "%llu", (unsigned long long)*(const uint64_t *)pb);
        break;
    case F_REAL: {
        double x = *(const double *)pa, y = *(const double *)pb;
        if (x == y || (isnan(x) && isnan(y))) return false;
        for (int digits = 6; digits <= 17; digits++) { /* enough digits to tell them apart */
            snprintf(ta, sizeof ta, "%.*g", digits, x);
            snprintf(tb, sizeof tb, "%.*g", digits, y);
            if (strcmp(ta, tb)) break;
        }
        break;
    }
    case F_OPTIMIZER:
        if (*(const int *)pa == *(const int *)pb) return false;
        snprintf(ta, sizeof ta, "%s", hone_optimizer_kind_name(*(const hone_optimizer_kind *)pa));
        snprintf(tb, sizeof tb, "%s", hone_optimizer_kind_name(*(const hone_optimizer_kind *)pb));
        break;
    case F_SCHEDULE:
        if (*(const int *)pa == *(const int *)pb) return false;
        snprintf(ta, sizeof ta, "%s", hone_schedule_kind_name(*(const hone_schedule_kind *)pa));
        snprintf(tb, sizeof tb, "%s", hone_schedule_kind_name(*(const hone_schedule_kind *)pb));
        break;
    default:
        return false;
    }
    snprintf(what, cap, "%s is %s in the checkpoint, %s in this run", f->name, ta, tb);
    return true;
}

/* The network of the checkpoint (file) against the model it is loaded into: everything that
 * decides the tensors, the function and the training of the network (the architecture with its
 * training settings, then the regularization). */
static bool network_differs(const hone_model *file, const model_scalars *ms, const hone_model *m, char *what,
                            size_t cap) {
    const honeS_compare how = {"checkpoint", "network", true};
    if (honeS_architecture_differs(file, m, &how, what, cap)) return true;
    /* decay_bias says whether the biases take the penalty: without one, nothing reads it */
    const bool penalty = m->l2 != 0 || m->l1 != 0;
    if (ms->l2 != m->l2 || ms->l1 != m->l1 || (penalty && ms->decay_bias != m->decay_bias))
        return snprintf(what, cap, "regularization is L2 %g, L1 %g%s in the checkpoint, L2 %g, L1 %g%s in this network",
                        ms->l2, ms->l1, ms->decay_bias ? " (biases too)" : "", m->l2, m->l1,
                        m->decay_bias ? " (biases too)" : ""),
               true;
    return false;
}

/* The position and the memories make sense together and with the configuration; what is wrong,
 * described into what. */
static bool state_inconsistent(const hone_train_state *s, char *what, size_t cap) {
    const hone_train_config *c = &s->config;
    const long steps = honeT_steps_per_epoch(s->n_train, c->batch);
    if (s->n_train == 0) return snprintf(what, cap, "no training rows"), true;
    if (s->epoch < 0 || s->epoch > c->epochs)
        return snprintf(what, cap, "epoch %d is outside the run's %d epochs", s->epoch, c->epochs), true;
    if (s->batch > (size_t)steps)
        return snprintf(what, cap, "batch %zu is past the %ld batches of an epoch", s->batch, steps), true;
    if (s->batch > 0 && (s->epoch == c->epochs || s->last.stopped_early))
        return snprintf(what, cap, "batch %zu of an epoch after the run's end", s->batch), true;
    if (s->last.epoch != s->epoch)
        return snprintf(what, cap, "the last epoch's figures are of epoch %d, not %d", s->last.epoch, s->epoch), true;
    /* each count grows by one an epoch at most, so the epochs done bound it (and the next epoch's
     * increment cannot overflow) */
    if (s->best_epoch < 0 || s->best_epoch > s->epoch || s->bad_epochs < 0 || s->bad_epochs > s->epoch ||
        s->plateau_bad_epochs < 0 || s->plateau_bad_epochs > s->epoch)
        return snprintf(what, cap, "early stopping or plateau counts are out of range (best epoch %d, bad epochs %d, "
                        "plateau bad epochs %d after %d epochs)", s->best_epoch, s->bad_epochs, s->plateau_bad_epochs,
                        s->epoch),
               true;
    /* the plateau schedule's rate starts at lr and only falls, to min_lr at the lowest (the other
     * schedules leave it at lr); a resumed run trains at it */
    if (!(s->plateau_lr > 0 && s->plateau_lr >= c->schedule.min_lr && s->plateau_lr <= c->lr))
        return snprintf(what, cap, "plateau_lr %g is not a rate the run can have: above 0, in [min_lr %g, lr %g]",
                        s->plateau_lr, c->schedule.min_lr, c->lr),
               true;
    if (s->best_epoch > 0 && c->early_stopping.patience == 0)
        return snprintf(what, cap, "a best epoch without early stopping"), true;
    return false;
}

/* ---------------------------------------------------------------------------------------------
 * Saving and loading
 * ------------------------------------------------------------------------------------------- */

enum { X_OPT, X_ORDER, X_BEST_PARAMS, X_BEST_BUFFERS, N_EXTRAS };

static const char *const extra_names[N_EXTRAS] = {"hone.opt_state", "hone.order", "hone.best_params",
                                                  "hone.best_buffers"};

/* The index of the first negative second moment of opt_state [2, n] (its second row), or n. They
 * are RMSprop's and Adam's running means of g^2 (zero for the others), never negative: one that
 * is makes sqrt NaN at the first step, a divergence with no cause. Neither saved nor loaded. */
static size_t first_negative_moment(const hone_real *opt_state, size_t n) {
    size_t i = 0;
    while (i < n && !(opt_state[n + i] < 0)) i++;
    return i;
}

hone_status hone_checkpoint_save(const hone_train_state *s, const char *path, hone_error *err) {
    if (!path || !*path) return honeE_set(err, HONE_ERR_VALUE, "not saved: the path is empty"); /* as the model's */
    const hone_model *m = s->model;
    if (!m) return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: the training state has no model", path);
    if (!s->order && s->n_train) return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: the training state has no order", path);
    const bool best = s->best_epoch > 0 && s->config.early_stopping.patience > 0;
    if (best && (!s->best_params || (!s->best_buffers && m->n_buffers)))
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: early stopping's best weights are missing", path);
    const size_t negative = first_negative_moment(m->opt_state, m->n_params); /* what the loader refuses */
    if (negative < m->n_params)
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: tensor '%s' holds a negative second moment at index %zu",
                         path, extra_names[X_OPT], m->n_params + negative);
    uint64_t *order = honeM_alloc(s->n_train, sizeof *order);
    honeB_buf j = {0};
    if (!order) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory for the checkpoint", path);
    for (size_t i = 0; i < s->n_train; i++) order[i] = s->order[i];
    const model_scalars ms = {m->opt_steps, m->bn_batches, m->rng, m->l2, m->l1, m->decay_bias};
    honeB_fmt(&j, "{\"version\": %d, \"precision\": \"%s\"", CHECKPOINT_VERSION, HONE_REAL_NAME);
    write_fields(&j, s, state_fields, N_FIELDS(state_fields));
    write_fields(&j, &ms, model_fields, N_FIELDS(model_fields));
    honeB_fmt(&j, ", \"last_epoch\": {");
    write_fields(&j, &s->last, stats_fields, N_FIELDS(stats_fields));
    honeB_fmt(&j, "}, \"config\": {");
    write_fields(&j, &s->config, config_fields, N_FIELDS(config_fields));
    honeB_fmt(&j, "}}");
    hone_status st;
    if (j.failed) st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory for the checkpoint", path);
    else {
        const honeS_tensor extras[N_EXTRAS] = {
            {extra_names[X_OPT], false, 2, {2, m->n_params}, m->opt_state, false},
            {extra_names[X_ORDER], true, 1, {s->n_train, 0}, order, false},
            {extra_names[X_BEST_PARAMS], false, 1, {m->n_params, 0}, s->best_params, false},
            {extra_names[X_BEST_BUFFERS], false, 1, {m->n_buffers, 0}, s->best_buffers, false},
        };
        st = honeS_save(m, path, extras, best ? 4 : 2, HONES_CHECKPOINT_KEY, j.s, err);
    }
    honeM_free(j.s);
    honeM_free(order);
    return st;
}

void hone_train_state_free(hone_train_state *s) {
    if (!s) return;
    honeM_free(s->order);
    honeM_free(s->best_params);
    honeM_free(s->best_buffers);
    s->order = NULL;
    s->best_params = s->best_buffers = NULL;
}

/* The scalars of the hone.checkpoint entry into s and ms. */
static hone_status parse_checkpoint(reader *r, const char *text, hone_train_state *s, model_scalars *ms) {
    cJSON *root = cJSON_Parse(text);
    if (!root || !cJSON_IsObject(root)) {
        bad(r, "not %s", root ? "a JSON object" : "valid JSON");
        goto done;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble != CHECKPOINT_VERSION) {
        if (cJSON_IsNumber(version))
            bad(r, "format version %g is not supported (this hone reads version %d)", version->valuedouble,
                CHECKPOINT_VERSION);
        else bad(r, "'version' is missing");
        goto done;
    }
    const cJSON *precision = cJSON_GetObjectItemCaseSensitive(root, "precision");
    if (!cJSON_IsString(precision)) {
        bad(r, "'precision' is missing");
        goto done;
    }
    if (strcmp(precision->valuestring, HONE_REAL_NAME) != 0) {
        r->st = honeE_set(r->err, HONE_ERR_VALUE, "%s: written by the %.20s build of hone; this one computes in %s", r->path,
                          precision->valuestring, HONE_REAL_NAME);
        goto done;
    }
    if (!read_fields(r, root, "", s, state_fields, N_FIELDS(state_fields)) ||
        !read_fields(r, root, "", ms, model_fields, N_FIELDS(model_fields)) ||
        !read_fields(r, cJSON_GetObjectItemCaseSensitive(root, "last_epoch"), "last_epoch: ", &s->last, stats_fields,
                     N_FIELDS(stats_fields)) ||
        !read_fields(r, cJSON_GetObjectItemCaseSensitive(root, "config"), "config: ", &s->config, config_fields,
                     N_FIELDS(config_fields)))
        goto done;
    hone_error check;
    if (hone_train_config_check(&s->config, &check)) {
        bad(r, "config: %s", check.message);
        goto done;
    }
    char what[200];
    if (state_inconsistent(s, what, sizeof what)) bad(r, "%s", what);
done:
    cJSON_Delete(root);
    return r->st;
}

hone_status hone_checkpoint_load(hone_train_state *s, hone_model *m, const char *path, hone_error *err) {
    memset(s, 0, sizeof *s);
    honeS_tensor x[N_EXTRAS];
    for (int i = 0; i < N_EXTRAS; i++)
        x[i] = (honeS_tensor){extra_names[i], i == X_ORDER, i == X_OPT ? 2 : 1, {HONES_ANY, HONES_ANY}, NULL, false};
    hone_model *file = NULL;
    char *text = NULL;
    size_t *order = NULL;
    model_scalars ms = {0};
    reader r = {path, err, HONE_OK};
    hone_status st = honeS_load(&file, path, x, N_EXTRAS, HONES_CHECKPOINT_KEY, &text, err);
    if (st) goto done;
    if (!text) {
        st = honeE_set(err, HONE_ERR_FORMAT,
                       "%s: not a checkpoint (no hone.checkpoint metadata): a model file? --resume takes a file "
                       "written by hone train --checkpoint",
                       path);
        goto done;
    }
    if ((st = parse_checkpoint(&r, text, s, &ms))) goto done;
    char what[300];
    if (network_differs(file, &ms, m, what, sizeof what)) {
        st = honeE_set(err, HONE_ERR_VALUE, "%s: %s", path, what);
        goto done;
    }
    const bool best = s->best_epoch > 0;
    const uint64_t want[N_EXTRAS][2] = {{2, m->n_params}, {s->n_train, 0}, {m->n_params, 0}, {m->n_buffers, 0}};
    for (int i = 0; i < N_EXTRAS; i++) {
        const bool needed = i < X_BEST_PARAMS || best;
        if (x[i].present != needed) {
            bad(&r, needed ? "tensor '%s' is missing" : "tensor '%s' without a best epoch", x[i].name);
            st = r.st;
            goto done;
        }
        if (needed && (x[i].shape[0] != want[i][0] || (x[i].rank == 2 && x[i].shape[1] != want[i][1]))) {
            char got[48], wanted[48];
            bad(&r, "tensor '%s' has shape %s, expected %s", x[i].name, honeS_shape_text(got, sizeof got, x[i].shape, x[i].rank, false),
                honeS_shape_text(wanted, sizeof wanted, want[i], x[i].rank, false));
            st = r.st;
            goto done;
        }
    }
    const size_t negative = first_negative_moment(x[X_OPT].values, m->n_params);
    if (negative < m->n_params) {
        bad(&r, "tensor '%s' holds a negative second moment at index %zu", x[X_OPT].name, m->n_params + negative);
        st = r.st;
        goto done;
    }
    if (!(order = honeM_alloc(s->n_train, sizeof *order))) {
        st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    const uint64_t *stored = x[X_ORDER].values;
    for (size_t i = 0; i < s->n_train; i++) order[i] = (size_t)stored[i]; /* checked against the split on resume */
    /* Everything checked: the model takes the checkpoint's contents. */
    memcpy(m->params, file->params, m->n_params * sizeof *m->params);
    memcpy(m->buffers, file->buffers, m->n_buffers * sizeof *m->buffers);
    honeS_copy_standardization(m, file);
    memcpy(m->opt_state, x[X_OPT].values, 2 * m->n_params * sizeof *m->opt_state);
    m->opt_steps = ms.opt_steps;
    m->bn_batches = ms.bn_batches;
    m->rng = ms.rng;
    honeM_free(m->config_json);
    m->config_json = file->config_json;
    file->config_json = NULL;
    m->checksums = file->checksums; /* as hone_model_load records them: the model now is the file's */
    s->model = m;
    s->order = order;
    order = NULL;
    s->best_params = x[X_BEST_PARAMS].values;
    s->best_buffers = x[X_BEST_BUFFERS].values;
    x[X_BEST_PARAMS].values = x[X_BEST_BUFFERS].values = NULL;
done:
    for (int i = 0; i < N_EXTRAS; i++) honeM_free(x[i].values);
    honeM_free(order);
    honeM_free(text);
    hone_model_free(file);
    if (st) memset(s, 0, sizeof *s);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Resuming
 * ------------------------------------------------------------------------------------------- */

static int by_value(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* c with the settings that its optimizer, schedule and early stopping do not read set to 0: a
 * difference in one of them changes nothing in training, so it is no reason to refuse a resume
 * (beta1 of SGD, the momentum form of Adam, a decay rate of the cosine schedule). The kinds stay
 * as they are, and come before their settings in config_fields, so a run with another optimizer
 * is named by it. Nor is the run's length a reason, except to cosine: a finished run goes on
 * for more epochs as one that was given them all from the start (honeT_resume_check refuses
 * fewer than the checkpoint has trained). */
static hone_train_config read_settings(const hone_train_config *c) {
    hone_train_config r = *c;
    hone_optimizer_config *o = &r.optimizer;
    const hone_optimizer_kind k = o->kind;
    if (!hone_optimizer_reads(k, "beta1")) o->beta1 = 0;
    if (!hone_optimizer_reads(k, "beta2")) o->beta2 = 0;
    if (!hone_optimizer_reads(k, "eps")) o->eps = 0;
    if (!hone_optimizer_reads(k, "weight_decay")) o->weight_decay = 0;
    if (!hone_optimizer_reads(k, "momentum_ewma")) o->momentum_ewma = 0;
    hone_schedule_config *s = &r.schedule;
    if (!hone_schedule_reads(s->kind, "rate")) s->rate = 0;
    if (!hone_schedule_reads(s->kind, "step_size")) s->step_size = 0;
    if (!hone_schedule_reads(s->kind, "warmup")) s->warmup = 0;
    if (!hone_schedule_reads(s->kind, "min_lr")) s->min_lr = 0;
    if (!hone_schedule_reads(s->kind, "per_step")) s->per_step = 0;
    if (!hone_schedule_reads(s->kind, "factor")) s->factor = 0;
    if (!hone_schedule_reads(s->kind, "patience")) s->patience = 0;
    if (!hone_schedule_reads(s->kind, "threshold")) s->threshold = 0;
    if (!hone_schedule_reads(s->kind, "epochs")) r.epochs = 0;
    if (r.early_stopping.patience == 0) r.early_stopping.min_delta = r.early_stopping.on_accuracy = 0;
    return r;
}

hone_status honeT_resume_check(const hone_train_state *from, const hone_model *m, const hone_split *split,
                               const hone_train_config *c, uint64_t train_checksum, uint64_t dev_checksum,
                               hone_error *err) {
    char what[300];
    if (from->model && from->model != m)
        return honeE_set(err, HONE_ERR_VALUE, "the checkpoint was loaded into another model than the one to train");
    const hone_train_config was = read_settings(&from->config), now = read_settings(c);
    for (int i = 0; i < N_FIELDS(config_fields); i++)
        if (field_differs(&config_fields[i], &was, &now, what, sizeof what))
            return honeE_set(err, HONE_ERR_VALUE, "%s", what);
    /* a checkpoint within an epoch goes on with that epoch */
    const int trained = from->epoch + (from->batch > 0);
    if (c->epochs < trained && from->batch > 0)
        return honeE_set_field(err, HONE_ERR_VALUE, "epochs", "the checkpoint is within epoch %d, past this run's %d "
                               "epoch%s", trained, c->epochs, c->epochs == 1 ? "" : "s");
    if (c->epochs < trained)
        return honeE_set_field(err, HONE_ERR_VALUE, "epochs", "the checkpoint has trained %d epoch%s, more than this "
                               "run's %d", trained, trained == 1 ? "" : "s", c->epochs);
    if (from->n_train != split->train.n)
        return honeE_set(err, HONE_ERR_VALUE, "the checkpoint was trained on %zu rows, this training split has %zu",
                         from->n_train, split->train.n);
    if (from->train_checksum != train_checksum)
        return honeE_set(err, HONE_ERR_VALUE,
                         "the training split differs from the checkpoint's: the same %zu rows in count, but other "
                         "rows, order or values",
                         from->n_train);
    if (from->n_dev != split->dev.n)
        return honeE_set(err, HONE_ERR_VALUE, "the checkpoint's dev split has %zu rows, this one %zu", from->n_dev,
                         split->dev.n);
    if (from->dev_checksum != dev_checksum)
        return honeE_set(err, HONE_ERR_VALUE, "the dev split differs from the checkpoint's (other rows or values)");
    if (state_inconsistent(from, what, sizeof what)) return honeE_set(err, HONE_ERR_VALUE, "the checkpoint: %s", what);
    if (!from->order || (from->best_epoch > 0 && (!from->best_params || (m->n_buffers && !from->best_buffers))))
        return honeE_set(err, HONE_ERR_VALUE, "the training state lacks its order of rows or its best weights");
    /* the order: a permutation of the split's rows, or gathering could read anywhere */
    const size_t n = from->n_train;
    size_t *a = honeM_alloc(n, sizeof *a), *b = honeM_alloc(n, sizeof *b);
    hone_status st = HONE_OK;
    if (!a || !b) st = honeE_set(err, HONE_ERR_NOMEM, "out of memory to check the checkpoint's order of rows");
    else {
        memcpy(a, from->order, n * sizeof *a);
        memcpy(b, split->train.index, n * sizeof *b);
        qsort(a, n, sizeof *a, by_value);
        qsort(b, n, sizeof *b, by_value);
        if (memcmp(a, b, n * sizeof *a) != 0)
            st = honeE_set(err, HONE_ERR_VALUE, "the checkpoint's order of rows is not an order of this training split");
    }
    honeM_free(a);
    honeM_free(b);
    return st;
}
