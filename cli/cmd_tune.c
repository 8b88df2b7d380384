/* cmd_tune.c - hone tune: random search over hone train's options, coarse to fine.
 *
 * One INI file holds the search: [tune] its settings (the option table below), [space] one line
 * per searched option ("lr = log 1e-5 1", see hone_param_parse), [train] the options every trial
 * shares. Each round samples `trials` points from the space with a generator seeded by (seed,
 * round), runs each as a child `hone train ... --json --quiet` (up to `jobs` at a time), and then
 * narrows every range around the best `top-k` trials so far. With halving, a round first runs
 * every trial for epochs/4, the better half for epochs/2 and the better quarter for the whole
 * budget, from scratch each time (so each run's schedule spans its own epochs).
 *
 * Every finished run is appended to the results file as one JSON line and synced before the next
 * starts. Sampling depends only on the seed and on results already in that file, so a search run
 * again regenerates the same trials, finds the finished ones there (matched by trial number and
 * epochs, their values checked) and runs only the rest: an interrupted search resumes, and one
 * given more rounds extends. */
#define _DEFAULT_SOURCE
#include "atomic.h"
#include "cli.h"
#include "data_options.h"
#include "hone.h"
#include "paths.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TUNE_MAX_PARAMS 32
#define TUNE_MAX_FIXED 128
#define TUNE_MAX_TRIALS 100000
#define TUNE_MAX_DEPTH 64

typedef struct tune_options {
    int rounds, trials, jobs, epochs, top_k, halving, quiet;
    double margin;
    uint64_t seed;
    char metric[CLI_TEXT_MAX];
    char results[CLI_TEXT_MAX];
    char best[CLI_TEXT_MAX];
} tune_options;

typedef struct kv {
    char key[HONE_PARAM_TEXT_MAX];
    char value[CLI_TEXT_MAX];
    int line; /* of the config file; 0 after -- */
} kv;

typedef enum trial_status { ST_NONE = 0, ST_OK, ST_DIVERGED, ST_FAILED } trial_status;
static const char *const status_names[] = {"pending", "ok", "diverged", "failed"};

/* A point of the space and its last finished run. */
typedef struct trial {
    int id, round; /* id counts from 1 over the whole search */
    double value[TUNE_MAX_PARAMS];
    char text[TUNE_MAX_PARAMS][HONE_PARAM_TEXT_MAX];
    int epochs; /* budget of the last finished run; 0 before the first */
    trial_status status;
    double dev_acc, dev_loss, seconds;
    char error[256];
} trial;

/* A line of the results file. */
typedef struct record {
    int id, round, epochs;
    trial_status status;
    double dev_acc, dev_loss, seconds;
    char error[256];
    const cJSON *params;
    const cJSON *train; /* the fixed options it ran with ([train] and after --); NULL from an older hone tune */
} record;

typedef struct tune {
    tune_options o;
    const char *config;
    int config_line; /* the line of config being read (cli_ini_read) */
    hone_param space[TUNE_MAX_PARAMS];
    int space_line[TUNE_MAX_PARAMS]; /* of the config file */
    int n_space;
    kv fixed[TUNE_MAX_FIXED]; /* [train], then the flags after --, which win */
    int n_fixed;
    int depth, layers;    /* indices in space of "depth" and "layers", or -1 */
    int metric_loss;      /* 1: dev_loss, lower is better; 0: dev_acc, higher is better */
    uint64_t seed;
    char exe[4096];
    int fd; /* results file, locked */
    cJSON **lines;
    record *records;
    int n_records;
    trial *trials;
    int n_trials;
    int ran, reused;
    int failed; /* set by the INI handler */
} tune;

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static kv *find_fixed(tune *t, const char *key) {
    for (int i = 0; i < t->n_fixed; i++)
        if (!strcmp(t->fixed[i].key, key)) return &t->fixed[i];
    return NULL;
}

/* Where a fixed option comes from, for a message: "s.ini:9: [train] lr" or "after --: --lr". */
static void fixed_where(const tune *t, const kv *f, char *buf, size_t cap) {
    if (f->line) snprintf(buf, cap, "%s:%d: [train] %s", t->config, f->line, f->key);
    else snprintf(buf, cap, "after --: --%s", f->key);
}

/* Copies src into dst[cap], cut short when it does not fit. */
static void copy_text(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static int find_param(const tune *t, const char *name) {
    for (int i = 0; i < t->n_space; i++)
        if (!strcmp(t->space[i].name, name)) return i;
    return -1;
}

/* A fixed option, from line of the config (0: after --); a later one replaces an earlier one of
 * the same key (flags win). */
static int set_fixed(tune *t, const char *key, const char *value, int line, const char *where) {
    kv *f = find_fixed(t, key);
    if (!f) {
        if (t->n_fixed == TUNE_MAX_FIXED) {
            cli_error("tune", "%s: more than %d fixed options", where, TUNE_MAX_FIXED);
            return -1;
        }
        f = &t->fixed[t->n_fixed++];
    }
    if (strlen(key) >= sizeof f->key || strlen(value) >= sizeof f->value) {
        cli_error("tune", "%s: %s: option or value too long", where, key);
        return -1;
    }
    strcpy(f->key, key);
    strcpy(f->value, value);
    f->line = line;
    return 0;
}

/* Whether key names an option of hone train, else -1 after "hone tune: WHERE KEY: not an option
 * of hone train". depth, config and help pass: check_space says what they are. */
static int train_option(const char *key, const char *where) {
    if (!strcmp(key, "depth") || !strcmp(key, "config") || !strcmp(key, "help") || cli_train_option_type(key) >= 0)
        return 0;
    cli_error("tune", "%s%s: not an option of hone train (see hone train --help)", where, key);
    return -1;
}

/* Whether the kind of param can give values of its hone train option: an integer option (batch)
 * takes int or choice, a flag choice alone. -1 after the message otherwise. */
static int kind_fits(const hone_param *p, const char *where) {
    const int type = cli_train_option_type(p->name);
    if (type == CLI_INT && p->kind != HONE_PARAM_INT && p->kind != HONE_PARAM_CHOICE) {
        cli_error("tune", "%s%s: hone train reads an integer: search it with int LO HI or choice", where, p->name);
        return -1;
    }
    /* a flag reads 0 and 1 too, so int 0 1 searches it as choice false true does */
    if (type == CLI_FLAG && p->kind != HONE_PARAM_CHOICE && !(p->kind == HONE_PARAM_INT && p->min >= 0 && p->max <= 1)) {
        cli_error("tune", "%s%s: a flag of hone train: search it with choice true false (or int 0 1)", where, p->name);
        return -1;
    }
    return 0;
}

/* [space] and [train] of the config file ([tune] went through cli_parse). */
static int on_ini(void *user, const char *section, const char *key, const char *value) {
    tune *t = user;
    char where[CLI_TEXT_MAX + 80], where_key[CLI_TEXT_MAX + 81]; /* "s.ini:3: [space]", "s.ini:3: [space] " */
    snprintf(where, sizeof where, "%s:%d: [%s]", t->config, t->config_line, section);
    snprintf(where_key, sizeof where_key, "%s ", where);
    if (!strcmp(section, "space")) {
        if (find_param(t, key) >= 0) {
            cli_error("tune", "%s: %s is searched twice", where, key);
            t->failed = 1;
            return 0;
        }
        if (t->n_space == TUNE_MAX_PARAMS) {
            cli_error("tune", "%s: more than %d searched options", where, TUNE_MAX_PARAMS);
            t->failed = 1;
            return 0;
        }
        hone_error err = {0};
        if (train_option(key, where_key)) {
            t->failed = 1;
            return 0;
        }
        if (hone_param_parse(&t->space[t->n_space], key, value, &err)) {
            cli_error("tune", "%s: %s", where, err.message);
            t->failed = 1;
            return 0;
        }
        if (kind_fits(&t->space[t->n_space], where_key)) {
            t->failed = 1;
            return 0;
        }
        t->space_line[t->n_space++] = t->config_line;
    } else if (!strcmp(section, "train")) {
        if (train_option(key, where_key) || set_fixed(t, key, value, t->config_line, where)) {
            t->failed = 1;
            return 0;
        }
    } /* a section no command reads, [trian], was warned of when cli_parse read the file */
    return 1;
}

/* The flags after --, as key/value pairs: --k=v, --k v, --flag (true), --no-flag (false). */
static int read_passthrough(tune *t, int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            cli_error("tune", "after --: expected hone train options (--name value), got '%s'", arg);
            return -1;
        }
        char key[HONE_PARAM_TEXT_MAX];
        const char *eq = strchr(arg + 2, '='), *value;
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, arg + 2, len);
        key[len] = 0;
        if (eq) value = eq + 1;
        else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) value = argv[++i];
        else if (!strncmp(key, "no-", 3)) {
            memmove(key, key + 3, strlen(key + 3) + 1);
            value = "false";
        } else value = "true";
        if (train_option(key, "after --: --") || set_fixed(t, key, value, 0, "after --")) return -1;
    }
    return 0;
}

static int is_count(const char *s) { return *s && strspn(s, "0123456789") == strlen(s); }

/* Where a trial's option comes from: fixed_where's, "s.ini:3: [space] lr = 0.001" (depth's line
 * for the layers it makes; without a trial, tr NULL, "s.ini:3: [space] lr"), or "[tune] epochs". */
static void option_where(const tune *t, const trial *tr, const char *key, char *buf, size_t cap) {
    const int j = t->depth >= 0 && !strcmp(key, "layers") ? t->depth : find_param(t, key);
    const kv *f = find_fixed((tune *)t, key);
    if (j >= 0)
        snprintf(buf, cap, "%s:%d: [space] %s%s%s", t->config, t->space_line[j], t->space[j].name, tr ? " = " : "",
                 tr ? tr->text[j] : "");
    else if (f) fixed_where(t, f, buf, cap);
    else snprintf(buf, cap, "[tune] %s", key);
}

/* What the options of the space and [train] may not be, and how depth composes with layers. */
static int check_space(tune *t) {
    /* hone train's outputs among them: every trial would write the same file, at once with jobs > 1 */
    static const struct {
        const char *name, *why;
    } owned[] = {
        {"epochs", "the trial budget is [tune] epochs (--epochs)"},
        {"save", "every trial would write it; train the best config to save a model"},
        {"checkpoint", "every trial would write it; train the best config to checkpoint a run"},
        {"metrics", "every trial would write it; train the best config to record its metrics"},
        {"plot", "every trial would write it; train the best config to plot its curves"},
        {"layer-stats", "every trial would write it; train the best config to record its layer statistics"},
        {"resume", "every trial would go on from the one checkpoint, which holds one run's options (to start each "
                   "trial from a model's weights, fix init)"},
        {"json", "hone tune sets it for every trial"},
        {"quiet", "hone tune sets it for every trial"},
        {"config", "a trial's fixed options are those of [train] and after --; give that file's [train] keys there"},
        {"help", "a trial would print it and train nothing"},
    };
    char where[CLI_TEXT_MAX + 80];
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) {
        if (find_param(t, owned[i].name) >= 0 || find_fixed(t, owned[i].name)) {
            option_where(t, NULL, owned[i].name, where, sizeof where);
            cli_error("tune", "%s: cannot be searched or fixed: %s", where, owned[i].why);
            return -1;
        }
    }
    if (find_param(t, "seed") >= 0) {
        option_where(t, NULL, "seed", where, sizeof where);
        cli_error("tune", "%s: cannot be searched: every trial uses one seed (set it in [train] or [tune])", where);
        return -1;
    }
    if (find_fixed(t, "depth")) {
        fixed_where(t, find_fixed(t, "depth"), where, sizeof where);
        cli_error("tune", "%s: not a hone train option; search it in [space] (with layers as one width)", where);
        return -1;
    }
    for (int i = 0; i < t->n_space; i++) {
        const kv *f = find_fixed(t, t->space[i].name);
        if (f) {
            char searched[CLI_TEXT_MAX + 80];
            option_where(t, NULL, t->space[i].name, searched, sizeof searched);
            fixed_where(t, f, where, sizeof where);
            cli_error("tune", "%s: also fixed, at %s: search it or fix it", searched, where);
            return -1;
        }
    }
    t->depth = find_param(t, "depth");
    t->layers = find_param(t, "layers");
    if (t->depth >= 0) {
        const hone_param *d = &t->space[t->depth];
        int ok = d->kind == HONE_PARAM_CHOICE || (d->kind == HONE_PARAM_INT && d->min >= 0 && d->max <= TUNE_MAX_DEPTH);
        for (int c = 0; d->kind == HONE_PARAM_CHOICE && c < d->n_choices; c++)
            if (!is_count(d->choices[c]) || atoi(d->choices[c]) > TUNE_MAX_DEPTH) ok = 0;
        if (!ok) {
            option_where(t, NULL, "depth", where, sizeof where);
            cli_error("tune", "%s: hidden layers, so int or choice of counts from 0 to %d", where, TUNE_MAX_DEPTH);
            return -1;
        }
        const kv *fl = find_fixed(t, "layers");
        if (t->layers >= 0) {
            const hone_param *l = &t->space[t->layers];
            ok = l->kind == HONE_PARAM_CHOICE || (l->kind == HONE_PARAM_INT && l->min >= 1);
            for (int c = 0; l->kind == HONE_PARAM_CHOICE && c < l->n_choices; c++)
                if (!is_count(l->choices[c]) || atoi(l->choices[c]) < 1) ok = 0;
        } else ok = fl && is_count(fl->value) && atoi(fl->value) >= 1;
        if (!ok) {
            option_where(t, NULL, "depth", where, sizeof where);
            cli_error("tune", "%s: repeats layers, which must then be one width (int or choice of widths in [space], or "
                              "one number in [train])", where);
            return -1;
        }
    }
    return 0;
}

/* The options of a trial run for `epochs`, in order: fixed, searched, layers (width x depth),
 * epochs, seed. Returns the count. */
static int trial_options(const tune *t, const trial *tr, int epochs, kv *out) {
    int n = 0;
    const char *width = NULL;
    for (int i = 0; i < t->n_fixed; i++) {
        if (t->depth >= 0 && !strcmp(t->fixed[i].key, "layers")) {
            width = t->fixed[i].value;
            continue;
        }
        out[n++] = t->fixed[i];
    }
    for (int i = 0; i < t->n_space; i++) {
        if (t->depth >= 0 && (i == t->depth || i == t->layers)) {
            if (i == t->layers) width = tr->text[i];
            continue;
        }
        snprintf(out[n].key, sizeof out[n].key, "%s", t->space[i].name);
        snprintf(out[n].value, sizeof out[n].value, "%s", tr->text[i]);
        n++;
    }
    if (t->depth >= 0) {
        int depth = atoi(tr->text[t->depth]);
        char *v = out[n].value;
        size_t used = 0, cap = sizeof out[n].value;
        v[0] = 0;
        for (int d = 0; d < depth && used < cap; d++)
            used += (size_t)snprintf(v + used, cap - used, "%s%s", d ? "," : "", width);
        strcpy(out[n++].key, "layers");
    }
    strcpy(out[n].key, "epochs");
    snprintf(out[n++].value, CLI_TEXT_MAX, "%d", epochs);
    if (!find_fixed((tune *)t, "seed")) {
        strcpy(out[n].key, "seed");
        snprintf(out[n++].value, CLI_TEXT_MAX, "%llu", (unsigned long long)t->seed);
    }
    return n;
}

/* "lr=0.00123 optimizer=adam" */
static void describe(const tune *t, const trial *tr, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < t->n_space && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s=%s", i ? " " : "", t->space[i].name, tr->text[i]);
}

/* ---- the results file ------------------------------------------------------------------------ */

static double json_number(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Whether o's key is a number, null or absent (a figure the trial did not have): "x" would
 * rank as none, and a corrupt best trial would lose its place unsaid. */
static int number_or_null(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return !v || cJSON_IsNumber(v) || cJSON_IsNull(v);
}

/* Reads the records already in the results file; drops an incomplete last line (a write cut
 * short), so the next append starts on a line of its own. */
static int load_records(tune *t) {
    struct stat st;
    if (fstat(t->fd, &st)) {
        cli_error("tune", "%s: %s", t->o.results, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        cli_error("tune", "%s: out of memory (%zu bytes)", t->o.results, size);
        return CLI_EXIT_FAIL;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(t->fd, buf + got, size - got, (off_t)got);
        if (r <= 0) {
            cli_error("tune", "%s: read failed: %s", t->o.results, r ? strerror(errno) : "file shrank");
            free(buf);
            return CLI_EXIT_FAIL;
        }
        got += (size_t)r;
    }
    buf[size] = 0;
    if (size && buf[size - 1] != '\n') {
        size_t keep = size;
        while (keep > 0 && buf[keep - 1] != '\n') keep--;
        fprintf(stderr, "hone tune: warning: %s: dropped an incomplete last line (a write cut short)\n", t->o.results);
        if (ftruncate(t->fd, (off_t)keep)) {
            cli_error("tune", "%s: cannot truncate: %s", t->o.results, strerror(errno));
            free(buf);
            return CLI_EXIT_FAIL;
        }
        size = keep;
        buf[size] = 0;
    }
    size_t lines = 0;
    for (size_t i = 0; i < size; i++) lines += buf[i] == '\n';
    t->records = calloc(lines + 1, sizeof *t->records);
    t->lines = calloc(lines + 1, sizeof *t->lines);
    if (!t->records || !t->lines) {
        cli_error("tune", "%s: out of memory", t->o.results);
        free(buf);
        return CLI_EXIT_FAIL;
    }
    char *p = buf;
    for (int lineno = 1; *p; lineno++) {
        char *end = strchr(p, '\n');
        size_t len = (size_t)(end - p);
        char *line = p;
        p = end + 1;
        if (strspn(line, " \t\r") >= len) continue;
        cJSON *o = cJSON_ParseWithLength(line, len);
        const char *missing = NULL;
        if (!o || !cJSON_IsObject(o)) missing = "a JSON object";
        record r = {0};
        if (!missing) {
            const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
            r.id = (int)json_number(o, "trial");
            r.round = (int)json_number(o, "round");
            r.epochs = (int)json_number(o, "epochs");
            r.params = cJSON_GetObjectItemCaseSensitive(o, "params");
            r.train = cJSON_GetObjectItemCaseSensitive(o, "train");
            if (!(json_number(o, "trial") >= 1)) missing = "\"trial\"";
            else if (!(json_number(o, "round") >= 1)) missing = "\"round\"";
            else if (!(json_number(o, "epochs") >= 1)) missing = "\"epochs\"";
            else if (!cJSON_IsObject(r.params)) missing = "\"params\"";
            else if (r.train && !cJSON_IsObject(r.train)) missing = "\"train\" as an object";
            else if (!cJSON_IsString(status)) missing = "\"status\"";
            else if (!number_or_null(o, "dev_acc")) missing = "\"dev_acc\" as a number or null";
            else if (!number_or_null(o, "dev_loss")) missing = "\"dev_loss\" as a number or null";
            else if (!number_or_null(o, "seconds")) missing = "\"seconds\" as a number or null";
            else {
                for (int s = ST_OK; s <= ST_FAILED; s++)
                    if (!strcmp(status->valuestring, status_names[s])) r.status = (trial_status)s;
                if (r.status == ST_NONE) missing = "\"status\" (ok, diverged or failed)";
            }
        }
        if (missing) {
            cli_error("tune", "%s: line %d: not a hone tune trial record (needs %s); give another --results file",
                      t->o.results, lineno, missing);
            cJSON_Delete(o);
            free(buf);
            return CLI_EXIT_FAIL;
        }
        r.dev_acc = json_number(o, "dev_acc");
        r.dev_loss = json_number(o, "dev_loss");
        r.seconds = json_number(o, "seconds");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
        if (cJSON_IsString(e)) snprintf(r.error, sizeof r.error, "%s", e->valuestring);
        t->lines[t->n_records] = o;
        t->records[t->n_records++] = r;
    }
    free(buf);
    return 0;
}

static const record *find_record(const tune *t, int id, int epochs) {
    for (int i = t->n_records - 1; i >= 0; i--)
        if (t->records[i].id == id && t->records[i].epochs == epochs) return &t->records[i];
    return NULL;
}

/* 0 when the record ran with this search's fixed options ([train] and after --), each with the
 * same text: the searched ones alone do not tell another data set or learning rate apart. */
static int fixed_differs(const tune *t, const record *r, const trial *tr, char *why, size_t cap) {
    if (!r->train) {
        snprintf(why, cap, "trial %d there does not say which [train] options it ran with (an older hone tune wrote "
                           "it)", tr->id);
        return 1;
    }
    for (int i = 0; i < t->n_fixed; i++) {
        const kv *f = &t->fixed[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->train, f->key);
        if (!cJSON_IsString(v)) {
            snprintf(why, cap, "trial %d there ran without [train] %s, this search has %s = %s", tr->id, f->key, f->key,
                     f->value);
            return 1;
        }
        if (strcmp(v->valuestring, f->value)) {
            snprintf(why, cap, "trial %d there ran with [train] %s = %s, this search has %s = %s", tr->id, f->key,
                     v->valuestring, f->key, f->value);
            return 1;
        }
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, r->train) {
        if (v->string && !find_fixed((tune *)t, v->string)) {
            snprintf(why, cap, "trial %d there ran with [train] %s = %s, this search has no %s", tr->id, v->string,
                     cJSON_IsString(v) ? v->valuestring : "?", v->string);
            return 1;
        }
    }
    return 0;
}

/* 0 when the record was made by this trial: same round, the same value of every searched option
 * and the same fixed options. */
static int record_differs(const tune *t, const record *r, const trial *tr, char *why, size_t cap) {
    if (r->round != tr->round) {
        snprintf(why, cap, "trial %d there is of round %d, here of round %d", tr->id, r->round, tr->round);
        return 1;
    }
    if (cJSON_GetArraySize(r->params) != t->n_space) {
        snprintf(why, cap, "trial %d there searched %d options, here %d", tr->id, cJSON_GetArraySize(r->params),
                 t->n_space);
        return 1;
    }
    for (int i = 0; i < t->n_space; i++) {
        const hone_param *p = &t->space[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->params, p->name);
        char text[HONE_PARAM_TEXT_MAX] = "(none)";
        if (cJSON_IsString(v)) snprintf(text, sizeof text, "%s", v->valuestring);
        else if (cJSON_IsNumber(v)) hone_param_format(p, v->valuedouble, text, sizeof text);
        /* a number is compared as a number: the text this search samples reads back as it, and
         * formatting it again could round the other way (0.1255 as 0.126 in 0.12545..0.2) */
        const int same = cJSON_IsNumber(v) ? strtod(tr->text[i], NULL) == v->valuedouble : v && !strcmp(text, tr->text[i]);
        if (!same) {
            snprintf(why, cap, "trial %d there has %s=%s, this search samples %s=%s", tr->id, p->name, v ? text : "(none)",
                     p->name, tr->text[i]);
            return 1;
        }
    }
    return fixed_differs(t, r, tr, why, cap);
}

static void add_number(cJSON *o, const char *key, double v) {
    if (isfinite(v)) cJSON_AddNumberToObject(o, key, v);
    else cJSON_AddNullToObject(o, key);
}

/* Appends the trial's last run as one line, then syncs it to disk. */
static int append_record(tune *t, const trial *tr) {
    cJSON *o = cJSON_CreateObject(), *params = cJSON_CreateObject(), *fixed = cJSON_CreateObject();
    char *text = NULL;
    int rc = -1;
    if (!o || !params || !fixed) {
        cJSON_Delete(params);
        cJSON_Delete(fixed);
        goto done;
    }
    cJSON_AddNumberToObject(o, "round", tr->round);
    cJSON_AddNumberToObject(o, "trial", tr->id);
    cJSON_AddNumberToObject(o, "epochs", tr->epochs);
    cJSON_AddStringToObject(o, "status", status_names[tr->status]);
    cJSON_AddItemToObject(o, "params", params);
    for (int i = 0; i < t->n_space; i++) {
        if (t->space[i].kind == HONE_PARAM_CHOICE) cJSON_AddStringToObject(params, t->space[i].name, tr->text[i]);
        else cJSON_AddRawToObject(params, t->space[i].name, tr->text[i]); /* the exact text passed */
    }
    cJSON_AddItemToObject(o, "train", fixed);
    for (int i = 0; i < t->n_fixed; i++) cJSON_AddStringToObject(fixed, t->fixed[i].key, t->fixed[i].value);
    add_number(o, "dev_acc", tr->dev_acc);
    add_number(o, "dev_loss", tr->dev_loss);
    add_number(o, "seconds", round(tr->seconds * 1000) / 1000);
    if (tr->error[0]) cJSON_AddStringToObject(o, "error", tr->error);
    text = cJSON_PrintUnformatted(o);
    if (!text) goto done;
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (!line) goto done;
    text = line;
    memcpy(text + len, "\n", 2);
    len++;
    /* one write() of the whole line (O_APPEND), then fsync: a crash leaves whole lines, or a
     * last partial line that the next run drops */
    size_t done_bytes = 0;
    while (done_bytes < len) {
        ssize_t w = write(t->fd, text + done_bytes, len - done_bytes);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            cli_error("tune", "%s: write failed: %s", t->o.results, strerror(errno));
            rc = -2;
            goto done;
        }
        done_bytes += (size_t)w;
    }
    if (fsync(t->fd)) {
        cli_error("tune", "%s: fsync failed: %s", t->o.results, strerror(errno));
        rc = -2;
        goto done;
    }
    rc = 0;
done:
    if (rc == -1) cli_error("tune", "out of memory writing a trial record");
    cJSON_free(text);
    cJSON_Delete(o);
    return rc;
}

/* ---- running trials ------------------------------------------------------------------------- */

typedef struct slot {
    pid_t pid;
    trial *tr;
    FILE *out, *err;
    double start;
} slot;

/* The last line of f that starts with `first` (or any non-empty line when first is 0). */
static void last_line(FILE *f, char first, char *buf, size_t cap) {
    char line[8192];
    buf[0] = 0;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || (first && line[0] != first)) continue;
        copy_text(buf, cap, line);
    }
}

static int launch(tune *t, slot *s, trial *tr, int epochs) {
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    char **args = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 8, sizeof *args);
    int n = opts && args ? trial_options(t, tr, epochs, opts) : 0, made = 0, rc = -1;
    if (!opts || !args) goto done;
    /* exe train --key=value ... --json --quiet: args[2 .. 2 + made) are allocated */
    args[0] = t->exe;
    args[1] = "train";
    for (int i = 0; i < n; i++, made++) {
        size_t len = strlen(opts[i].key) + strlen(opts[i].value) + 4;
        if (!(args[2 + made] = malloc(len))) goto done;
        snprintf(args[2 + made], len, "--%s=%s", opts[i].key, opts[i].value);
    }
    args[2 + made] = "--json";
    args[3 + made] = "--quiet";
    s->out = tmpfile();
    s->err = tmpfile();
    if (!s->out || !s->err) {
        cli_error("tune", "cannot create a temporary file for a trial's output: %s", strerror(errno));
        goto done;
    }
    fcntl(fileno(s->out), F_SETFD, FD_CLOEXEC);
    fcntl(fileno(s->err), F_SETFD, FD_CLOEXEC);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        cli_error("tune", "cannot start a trial: fork: %s", strerror(errno));
        goto done;
    }
    if (pid == 0) {
        if (dup2(fileno(s->out), 1) < 0 || dup2(fileno(s->err), 2) < 0) _exit(127);
        execv(t->exe, args);
        dprintf(2, "hone tune: cannot run %s: %s\n", t->exe, strerror(errno));
        _exit(127);
    }
    s->pid = pid;
    s->tr = tr;
    s->start = now_s();
    tr->epochs = epochs;
    rc = 0;
done:
    if (rc) {
        if (!opts || !args || made < n) cli_error("tune", "out of memory");
        if (s->out) fclose(s->out);
        if (s->err) fclose(s->err);
        s->out = s->err = NULL;
    }
    for (int i = 0; i < made; i++) free(args[2 + i]);
    free(args);
    free(opts);
    return rc;
}

static void release(slot *s) {
    if (s->out) fclose(s->out);
    if (s->err) fclose(s->err);
    memset(s, 0, sizeof *s);
}

/* Reads a finished child's result into its trial. Returns 0, or CLI_EXIT_USAGE (message printed)
 * when a trial reports no dev_acc to rank it by (a regression searched on dev_acc). */
static int collect(tune *t, slot *s, int wstatus) {
    trial *tr = s->tr;
    char out[8192], err[512];
    last_line(s->out, '{', out, sizeof out);
    last_line(s->err, 0, err, sizeof err);
    const char *msg = !strncmp(err, "hone train: ", 12) ? err + 12 : err;
    tr->seconds = now_s() - s->start;
    tr->dev_acc = tr->dev_loss = NAN;
    tr->error[0] = 0;
    if (WIFSIGNALED(wstatus)) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "killed by signal %d", WTERMSIG(wstatus));
        return 0;
    }
    int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
    if (code == CLI_EXIT_USAGE) {
        /* every trial's options passed train's checks before the search (check_trials): what
         * train refuses now, it refuses from the data, and maybe for this trial's values alone
         * (a per-step warm-up as long as its run, a last batch of one row for batch norm), so
         * the trial failed and the search goes on; if every one does, none succeeded says why */
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "refused: %.240s", *msg ? msg : "hone train rejected its options");
        return 0;
    }
    if (code != 0) {
        /* hone train exits CLI_EXIT_DIVERGED when training diverged (a NaN or infinite loss, gradient,
         * weight or batch norm statistic) */
        int diverged = code == CLI_EXIT_DIVERGED;
        tr->status = diverged ? ST_DIVERGED : ST_FAILED;
        copy_text(tr->error, sizeof tr->error, *msg ? msg : code == 127 ? "could not run hone train" : "failed");
        return 0;
    }
    cJSON *o = out[0] ? cJSON_Parse(out) : NULL;
    if (!o) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "hone train printed no JSON result line");
        return 0;
    }
    tr->dev_acc = json_number(o, "dev_acc");
    tr->dev_loss = json_number(o, "dev_loss");
    double train_loss = json_number(o, "train_loss");
    cJSON_Delete(o);
    double metric = t->metric_loss ? tr->dev_loss : tr->dev_acc;
    if (isfinite(metric)) tr->status = ST_OK;
    else if (!isfinite(tr->dev_loss) && isfinite(train_loss)) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "no dev loss (no dev set? the search compares trials on it)");
    } else if (isfinite(tr->dev_loss)) {
        cli_error("tune", "trial %d: hone train reported no dev_acc (regression has none): use metric = dev_loss", tr->id);
        return CLI_EXIT_USAGE;
    } else {
        tr->status = ST_DIVERGED;
        snprintf(tr->error, sizeof tr->error, "the dev loss is not finite");
    }
    return 0;
}

/* A metric as the table shows it: four decimals, or three digits when large; "-" when missing. */
static const char *metric_text(double v, char *buf, size_t cap) {
    if (!isfinite(v)) snprintf(buf, cap, "-");
    else if (fabs(v) < 1000) snprintf(buf, cap, "%.4f", v);
    else snprintf(buf, cap, "%.3g", v);
    return buf;
}

static void progress(const tune *t, const trial *tr) {
    if (t->o.quiet) return;
    char what[2048];
    describe(t, tr, what, sizeof what);
    fprintf(stderr, "trial %3d  round %d/%d  %3d epochs  %-8s", tr->id, tr->round, t->o.rounds, tr->epochs,
            status_names[tr->status]);
    char a[32], l[32];
    if (tr->status == ST_OK)
        fprintf(stderr, "  dev_acc %s  dev_loss %s", metric_text(tr->dev_acc, a, sizeof a), metric_text(tr->dev_loss, l, sizeof l));
    fprintf(stderr, "  %6.1f s  %s", tr->seconds, what);
    if (tr->error[0]) fprintf(stderr, "  (%.120s)", tr->error);
    fputc('\n', stderr);
}

/* Runs (or finds in the results file) each of list[0..n) for `epochs`. Returns 0, or an exit
 * code after a message: CLI_EXIT_USAGE when a trial has no dev_acc to rank by, 128 + the signal
 * on an interruption, CLI_EXIT_FAIL on a failure to write the results. */
static int run_trials(tune *t, trial **list, int n, int epochs) {
    trial **queue = calloc((size_t)n + 1, sizeof *queue);
    slot *slots = calloc((size_t)t->o.jobs, sizeof *slots);
    int nq = 0, rc = 0;
    if (!queue || !slots) {
        cli_error("tune", "out of memory");
        free(queue);
        free(slots);
        return CLI_EXIT_FAIL;
    }
    for (int i = 0; i < n; i++) {
        trial *tr = list[i];
        const record *r = find_record(t, tr->id, epochs);
        if (!r) {
            queue[nq++] = tr;
            continue;
        }
        char why[3 * CLI_TEXT_MAX]; /* two values of up to CLI_TEXT_MAX each, and their key */
        if (record_differs(t, r, tr, why, sizeof why)) {
            cli_error("tune", "%s: %s: another search wrote it (give another --results file, or the same space, "
                              "[train] options, settings and seed)", t->o.results, why);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        tr->epochs = r->epochs;
        tr->status = r->status;
        tr->dev_acc = r->dev_acc;
        tr->dev_loss = r->dev_loss;
        tr->seconds = r->seconds;
        snprintf(tr->error, sizeof tr->error, "%s", r->error);
        t->reused++;
    }
    int next = 0, running = 0, killed = 0;
    while (running || (next < nq && !rc && !stop_signal)) {
        while (!rc && !stop_signal && running < t->o.jobs && next < nq) {
            slot *s = NULL;
            for (int j = 0; j < t->o.jobs && !s; j++)
                if (!slots[j].pid) s = &slots[j];
            if (launch(t, s, queue[next++], epochs)) rc = CLI_EXIT_FAIL;
            else running++;
        }
        if ((rc || stop_signal) && !killed) {
            for (int j = 0; j < t->o.jobs; j++)
                if (slots[j].pid) kill(slots[j].pid, SIGTERM);
            killed = 1;
        }
        if (!running) break;
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            cli_error("tune", "waitpid: %s", strerror(errno));
            rc = CLI_EXIT_FAIL;
            break;
        }
        slot *s = NULL;
        for (int j = 0; j < t->o.jobs && !s; j++)
            if (slots[j].pid == pid) s = &slots[j];
        if (!s) continue;
        running--;
        if (!rc && !stop_signal) {
            int c = collect(t, s, wstatus);
            if (c) rc = c;
            else {
                int w = append_record(t, s->tr);
                if (w) rc = CLI_EXIT_FAIL;
                else {
                    t->ran++;
                    progress(t, s->tr);
                }
            }
        }
        release(s);
    }
    if (stop_signal && !rc) {
        const int runs = t->n_records + t->ran;
        cli_error("tune", "interrupted (signal %d): %d run%s in %s; the same command resumes the search",
                  (int)stop_signal, runs, runs == 1 ? " is" : "s are", t->o.results);
        rc = 128 + (int)stop_signal; /* 130 for SIGINT, 143 for SIGTERM, as hone train and the shell say */
    }
done:
    free(queue);
    free(slots);
    return rc;
}

/* ---- ranking, narrowing, the table and the best config --------------------------------------- */

static int g_metric_loss;

/* Successful trials first; among them, those that ran longer (halving), then the better metric,
 * then the better other metric (dev_acc ties often on small dev sets); then by trial number. */
static int compare_trials(const void *pa, const void *pb) {
    const trial *a = *(trial *const *)pa, *b = *(trial *const *)pb;
    int oka = a->status == ST_OK, okb = b->status == ST_OK;
    if (oka != okb) return okb - oka;
    if (oka) {
        if (a->epochs != b->epochs) return b->epochs - a->epochs;
        double ma = g_metric_loss ? a->dev_loss : -a->dev_acc, mb = g_metric_loss ? b->dev_loss : -b->dev_acc;
        if (ma != mb) return ma < mb ? -1 : 1;
        double sa = g_metric_loss ? -a->dev_acc : a->dev_loss, sb = g_metric_loss ? -b->dev_acc : b->dev_loss;
        if (isfinite(sa) && isfinite(sb) && sa != sb) return sa < sb ? -1 : 1;
    }
    return a->id - b->id;
}

static void rank_trials(const tune *t, trial **list, int n) {
    g_metric_loss = t->metric_loss;
    qsort(list, (size_t)n, sizeof *list, compare_trials);
}

/* Narrows every range around the best top-k trials so far. */
static int narrow(tune *t, int round) {
    trial **list = malloc(sizeof *list * (size_t)t->n_trials);
    double *values = malloc(sizeof *values * (size_t)t->o.top_k);
    if (!list || !values) {
        free(list);
        free(values);
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    for (int i = 0; i < t->n_trials; i++) list[i] = &t->trials[i];
    rank_trials(t, list, t->n_trials);
    int k = 0;
    while (k < t->o.top_k && k < t->n_trials && list[k]->status == ST_OK) k++;
    if (!k) {
        if (!t->o.quiet) fprintf(stderr, "round %d: no trial succeeded; the next round samples the same ranges\n", round);
    } else {
        if (!t->o.quiet) fprintf(stderr, "round %d: ranges narrowed around the best %d:", round, k);
        for (int i = 0; i < t->n_space; i++) {
            hone_param *p = &t->space[i];
            for (int j = 0; j < k; j++) values[j] = list[j]->value[i];
            hone_error err = {0};
            if (hone_param_narrow(p, values, k, t->o.margin, &err)) {
                cli_error("tune", "%s", err.message);
                free(list);
                free(values);
                return CLI_EXIT_FAIL;
            }
            if (t->o.quiet) continue;
            if (p->kind == HONE_PARAM_CHOICE) {
                fprintf(stderr, "  %s {", p->name);
                for (int c = 0, first = 1; c < p->n_choices; c++)
                    if (p->active[c]) fprintf(stderr, "%s%s", first ? "" : " ", p->choices[c]), first = 0;
                fprintf(stderr, "}");
            } else {
                char lo[64], hi[64];
                hone_param_format(p, p->lo, lo, sizeof lo);
                hone_param_format(p, p->hi, hi, sizeof hi);
                fprintf(stderr, "  %s [%s, %s]", p->name, lo, hi);
            }
        }
        if (!t->o.quiet) fputc('\n', stderr);
    }
    free(list);
    free(values);
    return 0;
}


static void print_table(const tune *t, trial **list, int n) {
    int w[TUNE_MAX_PARAMS];
    for (int i = 0; i < t->n_space; i++) {
        w[i] = (int)strlen(t->space[i].name);
        for (int j = 0; j < n; j++)
            if ((int)strlen(list[j]->text[i]) > w[i]) w[i] = (int)strlen(list[j]->text[i]);
    }
    if (t->n_space) w[t->n_space - 1] = 0; /* no padding after the last column */
    printf("rank  trial  round  epochs  dev_acc  dev_loss  status  ");
    for (int i = 0; i < t->n_space; i++) printf("  %-*s", w[i], t->space[i].name);
    printf("\n");
    for (int j = 0; j < n; j++) {
        const trial *tr = list[j];
        printf("%4d  %5d  %5d  %6d", j + 1, tr->id, tr->round, tr->epochs);
        char a[32], l[32];
        printf("  %7s  %8s", metric_text(tr->dev_acc, a, sizeof a), metric_text(tr->dev_loss, l, sizeof l));
        printf("  %-8s", status_names[tr->status]);
        for (int i = 0; i < t->n_space; i++) printf("  %-*s", w[i], tr->text[i]);
        printf("\n");
    }
}

/* The best trial's options as a [train] section, written atomically (temporary file, fsync,
 * rename). */
static int write_best(const tune *t, const trial *tr) {
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    if (!opts) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    int n = trial_options(t, tr, tr->epochs, opts);
    cli_atomic out;
    if (cli_atomic_open("tune", &out, t->o.best)) {
        free(opts);
        return CLI_EXIT_FAIL;
    }
    FILE *f = out.f;
    char a[32], l[32];
    fprintf(f, "# hone tune: the best of %d trials in %s: trial %d (round %d), dev_acc %s, dev_loss %s after %d epoch%s\n",
            t->n_trials, t->o.results, tr->id, tr->round, metric_text(tr->dev_acc, a, sizeof a),
            metric_text(tr->dev_loss, l, sizeof l), tr->epochs, tr->epochs == 1 ? "" : "s");
    const char *threads = getenv("OPENBLAS_NUM_THREADS");
    if (threads && !find_fixed((tune *)t, "threads"))
        fprintf(f, "# the trials ran with OPENBLAS_NUM_THREADS=%s; the same count repeats this one bit for bit\n", threads);
    fprintf(f, "# train it with: hone train --config %s\n[train]\n", t->o.best);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s = %s\n", opts[i].key, opts[i].value);
        if (strlen(opts[i].key) + strlen(opts[i].value) + 3 > CLI_INI_LINE_MAX || strchr(opts[i].value, ';') ||
            strchr(opts[i].value, '#'))
            fprintf(stderr, "hone tune: warning: %s: '%s' may not read back from an INI file (lines of at most %d "
                            "characters; ';' and '#' start comments)\n", t->o.best, opts[i].key, CLI_INI_LINE_MAX);
    }
    free(opts);
    return cli_atomic_commit("tune", &out) ? CLI_EXIT_FAIL : 0;
}

/* ---- the command ---------------------------------------------------------------------------- */

static int check_settings(tune *t) {
    const tune_options *o = &t->o;
    struct {
        const char *name;
        int value;
    } counts[] = {{"rounds", o->rounds}, {"trials", o->trials}, {"jobs", o->jobs}, {"epochs", o->epochs}, {"top-k", o->top_k}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].value < 1) {
            cli_error("tune", "--%s must be at least 1, got %d", counts[i].name, counts[i].value);
            return -1;
        }
    if ((long)o->rounds * o->trials > TUNE_MAX_TRIALS) {
        cli_error("tune", "--rounds x --trials is %ld trials; at most %d", (long)o->rounds * o->trials, TUNE_MAX_TRIALS);
        return -1;
    }
    if (!(o->margin >= 0)) {
        cli_error("tune", "--margin must be 0 or more, got %g", o->margin);
        return -1;
    }
    if (!strcmp(o->metric, "dev_acc")) t->metric_loss = 0;
    else if (!strcmp(o->metric, "dev_loss")) t->metric_loss = 1;
    else {
        cli_error("tune", "--metric: expected dev_acc or dev_loss, got '%s'", o->metric);
        return -1;
    }
    t->seed = o->seed;
    if (!*o->results || !*o->best) {
        cli_error("tune", "--results and --best need file names");
        return -1;
    }
    return 0;
}

/* The files of hone train that every trial reads: its outputs may not replace them, and each is
 * checked to be there before any trial runs. */
static const char *const trial_inputs[] = {"data", "labels", "test-data", "test-labels", "init"};
enum { TRIAL_INPUTS = sizeof trial_inputs / sizeof *trial_inputs };

/* --results and --best, against the config and the files every trial reads. */
static int check_outputs(tune *t) {
    cli_path reads[TRIAL_INPUTS];
    char names[TRIAL_INPUTS][32];
    for (int i = 0; i < TRIAL_INPUTS; i++) {
        const kv *v = find_fixed(t, trial_inputs[i]);
        snprintf(names[i], sizeof names[i], "[train] %s", trial_inputs[i]);
        reads[i] = (cli_path){names[i], v ? v->value : NULL, NULL};
    }
    const cli_path writes[] = {{"--results", t->o.results, NULL}, {"--best", t->o.best, NULL}};
    return cli_outputs_check("tune", reads, TRIAL_INPUTS, writes, CLI_COUNT(writes));
}

/* Epoch budgets of a round's rungs: epochs/4, epochs/2, epochs with halving (at least 1, no
 * repeats), else just epochs. */
static int rungs(const tune_options *o, int *budget) {
    if (!o->halving) {
        budget[0] = o->epochs;
        return 1;
    }
    int n = 0;
    for (int div = 4; div >= 1; div /= 2) {
        int b = o->epochs / div < 1 ? 1 : o->epochs / div;
        if (!n || budget[n - 1] != b) budget[n++] = b;
    }
    return n;
}

/* The values of p's spec that a check tries: each choice, or each end of the range, as a trial
 * would be given them. Returns the count. */
static int probe_values(const hone_param *p, char (*out)[HONE_PARAM_TEXT_MAX]) {
    if (p->kind == HONE_PARAM_CHOICE) {
        for (int c = 0; c < p->n_choices; c++) copy_text(out[c], HONE_PARAM_TEXT_MAX, p->choices[c]);
        return p->n_choices;
    }
    hone_param_format(p, p->min, out[0], HONE_PARAM_TEXT_MAX);
    hone_param_format(p, p->max, out[1], HONE_PARAM_TEXT_MAX);
    return 2;
}

/* Checks the trial whose searched options are tr->text, run for `epochs`, as hone train would
 * before reading its data. Returns 0; or -1, printing the message as at `where`, or (where NULL)
 * as at the option to change: the last given (searched after fixed, a line after the lines
 * above it) whose train default lets the rest pass; epochs and seed, which tune sets, last. */
static int check_trial(const tune *t, const trial *tr, int epochs, const char *where, kv *opts) {
    const char *keys[TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4], *values[TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4];
    const int n = trial_options(t, tr, epochs, opts);
    for (int i = 0; i < n; i++) {
        keys[i] = opts[i].key;
        values[i] = opts[i].value;
    }
    if (!cli_train_options_check("tune", NULL, keys, values, n)) return 0;
    if (where) return cli_train_options_check("tune", where, keys, values, n);
    char at[CLI_TEXT_MAX + 256];
    const int given = n - (find_fixed((tune *)t, "seed") ? 1 : 2); /* epochs (and seed) end the list */
    for (int k = 0; k < n; k++) {
        const int i = k < given ? given - 1 - k : k;
        const char *key = keys[i], *value = values[i];
        for (int m = i; m + 1 < n; m++) keys[m] = keys[m + 1], values[m] = values[m + 1];
        const int rest = cli_train_options_check("tune", NULL, keys, values, n - 1);
        for (int m = n - 1; m > i; m--) keys[m] = keys[m - 1], values[m] = values[m - 1];
        keys[i] = key, values[i] = value;
        if (!rest) {
            option_where(t, tr, key, at, sizeof at);
            return cli_train_options_check("tune", at, keys, values, n);
        }
    }
    for (int i = 0; i < n; i++) /* more than one at fault: the first that fails with train's defaults */
        if (cli_train_options_check("tune", NULL, keys + i, values + i, 1)) {
            option_where(t, tr, keys[i], at, sizeof at);
            return cli_train_options_check("tune", at, keys + i, values + i, 1);
        }
    snprintf(at, sizeof at, "%s: [train] and [space]", t->config);
    return cli_train_options_check("tune", at, keys, values, n);
}

/* The files every trial reads are there: --data (its default too), --labels, --test-data,
 * --test-labels and --init, fixed or each of a searched choice; a missing one failed every trial
 * in turn. Checked on their own, before the trials' checks, which would blame another option
 * when the file was missing (those judge the other options over train's defaults). Returns 0,
 * or -1 with the message printed. */
static int check_inputs(tune *t) {
    const char *const *keys = trial_inputs;
    for (int k = 0; k < TRIAL_INPUTS; k++) {
        const int j = find_param(t, keys[k]);
        const kv *f = find_fixed(t, keys[k]);
        if (j >= 0) {
            const hone_param *p = &t->space[j];
            for (int c = 0; c < p->n_choices; c++)
                if (*p->choices[c] && access(p->choices[c], R_OK)) {
                    cli_error("tune", "%s:%d: [space] %s = %s: %s", t->config, t->space_line[j], keys[k],
                              p->choices[c], strerror(errno));
                    return -1;
                }
        } else if (f && *f->value && access(f->value, R_OK)) {
            char where[CLI_TEXT_MAX + 64];
            fixed_where(t, f, where, sizeof where);
            cli_error("tune", "%s: %s: %s", where, f->value, strerror(errno));
            return -1;
        } else if (!f && !strcmp(keys[k], "data") && access(HONE_DEFAULT_DATA, R_OK)) {
            cli_error("tune", "%s: no data in [train], and the default, %s: %s", t->config, HONE_DEFAULT_DATA,
                      strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Every trial's options, before any trial runs or any file is made, as hone train checks them
 * before it reads its data (the checks that need its rows are the trials' own): the trial with
 * every searched option at its first value (the low end of its range, or its first choice), then
 * each searched option at each of its other values (the high end, each choice) with the rest at
 * their first. Every one is a trial the search may run, and the narrowest range check is at its
 * ends: a value train refuses would stop the search after trials had run. */
static int check_trials(tune *t) {
    if (check_inputs(t)) return -1;
    int budget[3];
    rungs(&t->o, budget); /* the shortest budget: a cosine warm-up must be shorter */
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    trial *tr = calloc(1, sizeof *tr);
    char(*probes)[HONE_PARAM_TEXT_MAX] = calloc(HONE_PARAM_MAX_CHOICES, sizeof *probes);
    int rc = -1;
    if (!opts || !tr || !probes) {
        cli_error("tune", "out of memory");
        goto done;
    }
    for (int j = 0; j < t->n_space; j++) {
        probe_values(&t->space[j], probes);
        copy_text(tr->text[j], sizeof tr->text[j], probes[0]);
    }
    if (check_trial(t, tr, budget[0], NULL, opts)) goto done;
    for (int j = 0; j < t->n_space; j++) {
        const int n = probe_values(&t->space[j], probes);
        char first[HONE_PARAM_TEXT_MAX], where[CLI_TEXT_MAX + 256];
        copy_text(first, sizeof first, tr->text[j]);
        for (int v = 1; v < n; v++) {
            copy_text(tr->text[j], sizeof tr->text[j], probes[v]);
            snprintf(where, sizeof where, "%s:%d: [space] %s = %s", t->config, t->space_line[j], t->space[j].name,
                     probes[v]);
            if (check_trial(t, tr, budget[0], where, opts)) goto done;
        }
        copy_text(tr->text[j], sizeof tr->text[j], first);
    }
    rc = 0;
done:
    free(opts);
    free(tr);
    free(probes);
    return rc;
}

static int search(tune *t) {
    const tune_options *o = &t->o;
    int budget[3], n_rungs = rungs(o, budget);
    trial **alive = malloc(sizeof *alive * (size_t)o->trials);
    if (!alive) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    int rc = 0;
    for (int round = 1; round <= o->rounds && !rc; round++) {
        hone_rng rng;
        hone_rng_seed(&rng, t->seed ^ ((uint64_t)round << 40));
        for (int i = 0; i < o->trials; i++) {
            trial *tr = &t->trials[t->n_trials++];
            memset(tr, 0, sizeof *tr);
            tr->id = (round - 1) * o->trials + i + 1;
            tr->round = round;
            tr->dev_acc = tr->dev_loss = NAN;
            for (int j = 0; j < t->n_space; j++) {
                /* the value is what its text says: that is what the trial runs with */
                const hone_param *p = &t->space[j];
                hone_param_format(p, hone_param_sample(p, &rng), tr->text[j], sizeof tr->text[j]);
                hone_error err = {0};
                if (hone_param_value(p, tr->text[j], &tr->value[j], &err)) {
                    cli_error("tune", "%s", err.message);
                    free(alive);
                    return CLI_EXIT_FAIL;
                }
            }
            alive[i] = tr;
        }
        int n_alive = o->trials;
        for (int k = 0; k < n_rungs && !rc; k++) {
            rc = run_trials(t, alive, n_alive, budget[k]);
            if (rc || k == n_rungs - 1) break;
            rank_trials(t, alive, n_alive);
            int keep = (n_alive + 1) / 2;
            while (keep > 0 && alive[keep - 1]->status != ST_OK) keep--;
            n_alive = keep;
            if (!n_alive) break;
        }
        if (!rc && round < o->rounds) rc = narrow(t, round);
    }
    free(alive);
    return rc;
}

int cmd_tune(int argc, char **argv) {
    tune_options o = {
        .rounds = 2, .trials = 8, .jobs = 1, .epochs = 10, .top_k = 3, .margin = 0.25, .seed = 1,
        .metric = "dev_acc", .results = "tune-results.jsonl", .best = "tune-best.ini",
    };
    cli_option options[] = {
        {"rounds", CLI_INT, &o.rounds, "N", "rounds; after each, the ranges narrow around the best trials"},
        {"trials", CLI_INT, &o.trials, "N", "trials per round, sampled at random from the space"},
        {"jobs", CLI_INT, &o.jobs, "N", "trials run at once, each a hone train process"},
        {"epochs", CLI_INT, &o.epochs, "N", "epochs of a trial (with --halving, of those that last)"},
        {"metric", CLI_TEXT, o.metric, "NAME", "dev_acc (higher is better) or dev_loss (lower is better)"},
        {"top-k", CLI_INT, &o.top_k, "N", "best trials so far that the next round's ranges surround"},
        {"margin", CLI_REAL, &o.margin, "X", "a narrowed range is their span plus X times the old width each side"},
        {"halving", CLI_FLAG, &o.halving, NULL, "successive halving: all for epochs/4, best half epochs/2, best quarter epochs"},
        {"results", CLI_TEXT, o.results, "PATH", "one JSON line per finished trial; an existing file resumes the search"},
        {"best", CLI_TEXT, o.best, "PATH", "the best trial's options as [train] INI, for hone train --config"},
        {"seed", CLI_SEED, &o.seed, "N", "seed of the sampling, and of every trial unless [train] sets seed"},
        {"quiet", CLI_FLAG, &o.quiet, NULL, "no line per finished trial"},
        {0},
    };
    const cli_command cmd = {
        "tune", "hone tune --config SEARCH.ini [options] [-- hone train options]",
        "Random search over hone train's options, coarse to fine. SEARCH.ini holds [tune] (the\n"
        "options below), [space] (one line per searched option of hone train: 'lr = log 1e-5 1',\n"
        "'beta2 = 1-log 0.9 0.999', 'batch = int 32 256', 'layers = choice 256 512,256',\n"
        "'optimizer = choice adam sgd', 'keep-prob = uniform 0.5 1'; 'depth = int 1 3' repeats a\n"
        "one-number layers) and [train] (options every trial shares; so do flags after --).\n"
        "Prints a ranked table; writes the best trial's options to --best.",
        options, NULL};
    int split = argc;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            split = i;
            break;
        }
    int rc = cli_parse(&cmd, split, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;

    tune *t = calloc(1, sizeof *t);
    if (!t) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    t->o = o;
    t->fd = -1;
    t->depth = t->layers = -1;
    int exit_code = CLI_EXIT_USAGE;
    for (int i = 1; i < split; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < split) t->config = argv[++i];
        else if (!strncmp(argv[i], "--config=", 9)) t->config = argv[i] + 9;
    }
    if (check_settings(t)) goto done;
    if (!t->config) {
        cli_error("tune", "no search space: give --config FILE with a [space] section (see hone tune --help)");
        goto done;
    }
    if (cli_ini_read("tune", t->config, on_ini, t, &t->config_line, &t->failed)) goto done;
    if (!t->n_space) {
        cli_error("tune", "%s: no [space] section: nothing to search (e.g. lr = log 1e-5 1)", t->config);
        goto done;
    }
    if (read_passthrough(t, argc - split - (split < argc), argv + split + (split < argc))) goto done;
    if (check_space(t) || check_outputs(t) || check_trials(t)) goto done;

    exit_code = CLI_EXIT_FAIL;
    ssize_t len = readlink("/proc/self/exe", t->exe, sizeof t->exe - 1);
    if (len <= 0 || (size_t)len >= sizeof t->exe - 1) {
        cli_error("tune", "cannot find the hone program (/proc/self/exe): %s", strerror(errno));
        goto done;
    }
    t->exe[len] = 0;
    /* trials share the cores: each gets cores / jobs threads of hone's pool (which reads
     * OPENBLAS_NUM_THREADS) unless told otherwise */
    if (!find_fixed(t, "threads") && !getenv("OPENBLAS_NUM_THREADS")) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        char threads[32];
        snprintf(threads, sizeof threads, "%ld", cores / t->o.jobs > 1 ? cores / t->o.jobs : 1);
        setenv("OPENBLAS_NUM_THREADS", threads, 1);
    }

    t->fd = open(t->o.results, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (t->fd < 0) {
        cli_error("tune", "%s: cannot open: %s", t->o.results, strerror(errno));
        goto done;
    }
    if (flock(t->fd, LOCK_EX | LOCK_NB)) {
        cli_error("tune", "%s: %s", t->o.results,
                  errno == EWOULDBLOCK ? "another hone tune is writing it" : strerror(errno));
        goto done;
    }
    if ((exit_code = load_records(t))) goto done;
    exit_code = CLI_EXIT_FAIL;
    t->trials = calloc((size_t)t->o.rounds * (size_t)t->o.trials, sizeof *t->trials);
    if (!t->trials) {
        cli_error("tune", "out of memory");
        goto done;
    }
    if (!t->o.quiet) {
        int budget[3], n = rungs(&t->o, budget);
        fprintf(stderr, "hone tune: %d round%s of %d trials, %d at a time, %d epoch%s", t->o.rounds,
                t->o.rounds == 1 ? "" : "s", t->o.trials, t->o.jobs, t->o.epochs, t->o.epochs == 1 ? "" : "s");
        for (int k = 0; n > 1 && k < n; k++) fprintf(stderr, "%s%d%s", k ? ", " : " (halving: ", budget[k], k == n - 1 ? ")" : "");
        fprintf(stderr, ", by %s; %d runs already in %s\n", t->o.metric, t->n_records, t->o.results);
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop_signal = 0;
    int sr = search(t);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (sr) {
        exit_code = sr;
        goto done;
    }

    trial **list = malloc(sizeof *list * (size_t)t->n_trials);
    if (!list) {
        cli_error("tune", "out of memory");
        goto done;
    }
    for (int i = 0; i < t->n_trials; i++) list[i] = &t->trials[i];
    rank_trials(t, list, t->n_trials);
    print_table(t, list, t->n_trials);
    const trial *best = list[0];
    if (best->status != ST_OK) {
        cli_error("tune", "no trial succeeded; trial %d: %s", best->id, best->error);
        free(list);
        goto done;
    }
    if (write_best(t, best)) {
        free(list);
        goto done;
    }
    char a[32], l[32];
    printf("best: trial %d (round %d), dev_acc %s, dev_loss %s after %d epoch%s; options in %s\n", best->id, best->round,
           metric_text(best->dev_acc, a, sizeof a), metric_text(best->dev_loss, l, sizeof l), best->epochs,
           best->epochs == 1 ? "" : "s", t->o.best);
    printf("runs: %d run now, %d read from %s\n", t->ran, t->reused, t->o.results);
    free(list);
    exit_code = CLI_EXIT_OK;
done:
    if (t->fd >= 0) close(t->fd);
    for (int i = 0; i < t->n_records; i++) cJSON_Delete(t->lines[i]);
    free(t->lines);
    free(t->records);
    free(t->trials);
    free(t);
    return exit_code;
}
