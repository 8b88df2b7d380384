/* tune_space.c - hone tune's space and fixed options: [space] (one searched option a line) and
 * [train] of the config file, the flags after --, what they may not be, and the options a trial
 * runs with. */
#include "option_reads.h"
#include "tune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kv *tune_find_fixed(tune *t, const char *key) {
    for (int i = 0; i < t->n_fixed; i++)
        if (!strcmp(t->fixed[i].key, key)) return &t->fixed[i];
    return NULL;
}

/* Where a fixed option comes from, for a message: "s.ini:9: [train] lr", "s.ini:2: lr" (a
 * top-level key) or "after --: --lr". */
void tune_fixed_where(const tune *t, const kv *f, char *buf, size_t cap) {
    (void)t;
    if (f->path) snprintf(buf, cap, "%s:%d: %s%s", f->path, f->line, f->shared ? "" : "[train] ", f->key);
    else snprintf(buf, cap, "after --: --%s", f->key);
}

/* Copies src into dst[cap], cut short when it does not fit. */
void tune_copy_text(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

int tune_find_param(const tune *t, const char *name) {
    for (int i = 0; i < t->n_space; i++)
        if (!strcmp(t->space[i].name, name)) return i;
    return -1;
}

/* A fixed option, from line of config file path, top-level (shared) or of [train] (path NULL:
 * after --); a later one replaces an earlier one of the same key, as hone train reads its config
 * files (flags win). */
static int set_fixed(tune *t, const char *key, const char *value, const char *path, int line, int shared,
                     const char *where) {
    kv *f = tune_find_fixed(t, key);
    if (f && path && f->path == path && f->shared == shared) { /* twice in one part of one file: the first would go unread */
        cli_error("tune", "%s %s: set again (first at line %d); give it once", where, key, f->line);
        return -1;
    }
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
    f->path = path;
    f->line = line;
    f->shared = shared;
    return 0;
}

/* Whether key names an option of hone train, else -1 after "hone tune: WHERE KEY: not an option
 * of hone train". depth, config and help pass: tune_check_space says what they are. */
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

static int is_number(const char *word, size_t n) {
    char buf[64], *end;
    if (!n || n >= sizeof buf) return 0;
    memcpy(buf, word, n);
    buf[n] = 0;
    strtod(buf, &end);
    return !*end;
}

/* What to add to a [space] spec's error when it starts with no kind: a value alone ("lr = 0.001")
 * was meant for [train], and values listed ("optimizer = adam sgd", "batch = 32 64") for a choice;
 * a word before numbers ("lg 1e-4 1") is a kind misspelt, which the error names. */
static const char *spec_hint(const char *spec) {
    static const char *const kinds[] = {"log", "1-log", "uniform", "int", "choice"};
    const size_t n = strcspn(spec, " \t");
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (n == strlen(kinds[i]) && !strncmp(spec, kinds[i], n)) return "";
    if (!n) return "";
    const char *rest = spec + n + strspn(spec + n, " \t");
    if (!*rest) return "; for one value that every trial shares, give it under [train]";
    int numbers = 0, words = 0;
    for (const char *w = rest; *w; w += strspn(w, " \t")) {
        const size_t len = strcspn(w, " \t");
        numbers += is_number(w, len);
        words++;
        w += len;
    }
    if (is_number(spec, n) && words == 1 && numbers == 1) /* "lr = 1e-4 1": LO HI without its kind */
        return "; for the range between them, start with its kind (log LO HI, say); for those two values, choice";
    return is_number(spec, n) || !numbers ? "; to search those values, start with choice" : "";
}

/* uniform over two decades or more leaves the lower ones almost no trials: 1e-5 to 1 puts 90% of
 * them in [0.1, 1] and 0.01% in [1e-5, 1e-4], where a learning rate often is best; so too a beta
 * near 1, through 1 - beta. Warned of, not refused: it may be meant. */
static void warn_uniform(const hone_param *p, const char *where) {
    if (p->kind != HONE_PARAM_UNIFORM) return;
    const double lo = p->min, hi = p->max;
    if (hi < 1 && lo >= 0.5 && (1 - lo) / (1 - hi) >= 99.99) /* 0.1 / 0.001 is 99.99999... */
        fprintf(stderr, "hone tune: warning: %s%s: uniform from %g to %g puts %.0f%% of the trials below %g; "
                        "1-log %g %g gives each decade of 1 - %s the same share\n", where, p->name, lo, hi,
                100 * (0.9 * (1 - lo)) / (hi - lo), 1 - (1 - lo) / 10, lo, hi, p->name);
    else if (lo > 0 && hi / lo >= 99.99)
        fprintf(stderr, "hone tune: warning: %s%s: uniform from %g to %g puts %.0f%% of the trials in [%g, %g]; "
                        "log %g %g gives each decade the same share\n", where, p->name, lo, hi,
                100 * (0.9 * hi) / (hi - lo), hi / 10, hi, lo, hi);
}

/* Whether key is one of hone tune's own options, which a top-level key sets for tune (cli_parse
 * read it) and not for the trials. */
static int tune_option(const tune *t, const char *key) {
    for (const cli_option *o = t->own; o && o->name; o++)
        if (!strcmp(o->name, key)) return 1;
    return 0;
}

/* [space], [train] and the top-level keys of a config file ([tune] went through cli_parse). Read
 * for each --config in turn: a key of a later file replaces an earlier file's, as in hone train. */
int tune_on_ini(void *user, const char *section, const char *key, const char *value) {
    tune *t = user;
    char where[CLI_TEXT_MAX + 80], where_key[CLI_TEXT_MAX + 81]; /* "s.ini:3: [space]", "s.ini:3: [space] " */
    snprintf(where, sizeof where, "%s:%d: [%s]", t->config, t->config_line, section);
    snprintf(where_key, sizeof where_key, "%s ", where);
    if (!*section) {
        /* a top-level key is every command's: one of hone train's that tune does not take itself
         * is every trial's, as [train] keys are (another command's is skipped, as cli_parse does);
         * so are one run's outputs, which a trial does not write (train the best config for them) */
        static const char *const outputs[] = {"save", "checkpoint", "metrics", "plot", "layer-stats", "resume", "json"};
        int output = 0;
        for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) output |= !strcmp(key, outputs[i]);
        if (output || tune_option(t, key) || !strcmp(key, "config") || !strcmp(key, "help") ||
            cli_train_option_type(key) < 0)
            return 1;
        snprintf(where, sizeof where, "%s:%d:", t->config, t->config_line);
        if (set_fixed(t, key, value, t->config, t->config_line, 1, where)) {
            t->failed = 1;
            return 0;
        }
    } else if (!strcmp(section, "space")) {
        int j = tune_find_param(t, key);
        if (j >= 0 && t->space_path[j] == t->config) {
            cli_error("tune", "%s: %s is searched twice", where, key);
            t->failed = 1;
            return 0;
        }
        if (j < 0 && t->n_space == TUNE_MAX_PARAMS) {
            cli_error("tune", "%s: more than %d searched options", where, TUNE_MAX_PARAMS);
            t->failed = 1;
            return 0;
        }
        hone_error err = {0};
        if (train_option(key, where_key)) {
            t->failed = 1;
            return 0;
        }
        if (j < 0) j = t->n_space; /* else an earlier file's, which this one replaces in its place */
        if (hone_param_parse(&t->space[j], key, value, &err)) {
            cli_error("tune", "%s: %s%s", where, err.message, spec_hint(value));
            t->failed = 1;
            return 0;
        }
        if (kind_fits(&t->space[j], where_key)) {
            t->failed = 1;
            return 0;
        }
        warn_uniform(&t->space[j], where_key);
        t->space_path[j] = t->config;
        t->space_line[j] = t->config_line;
        if (j == t->n_space) t->n_space++;
    } else if (!strcmp(section, "train")) {
        hone_param spec;
        hone_error err = {0};
        if (train_option(key, where_key)) {
            t->failed = 1;
            return 0;
        }
        if (!hone_param_parse(&spec, key, value, &err)) {
            /* hone train would say it cannot read 'log 1e-4 1' as a number, which hides the slip */
            cli_error("tune", "%s %s: '%s' is a search: give it under [space] ([train] holds the value every trial "
                              "shares)", where, key, value);
            t->failed = 1;
            return 0;
        }
        if (set_fixed(t, key, value, t->config, t->config_line, 0, where)) {
            t->failed = 1;
            return 0;
        }
    } /* a section no command reads, [trian], was warned of when cli_parse read the file */
    return 1;
}

/* The flags after --, as key/value pairs: --k=v, --k v, --flag (true), --no-flag (false). */
int tune_read_passthrough(tune *t, int argc, char **argv) {
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
        if (train_option(key, "after --: --") || set_fixed(t, key, value, NULL, 0, 0, "after --")) return -1;
    }
    return 0;
}

static int is_count(const char *s) { return *s && strspn(s, "0123456789") == strlen(s); }

/* Where a trial's option comes from: tune_fixed_where's, "s.ini:3: [space] lr = 0.001" (depth's line
 * for the layers it makes; without a trial, tr NULL, "s.ini:3: [space] lr"), or "[tune] epochs". */
void tune_option_where(const tune *t, const trial *tr, const char *key, char *buf, size_t cap) {
    const int j = t->depth >= 0 && !strcmp(key, "layers") ? t->depth : tune_find_param(t, key);
    const kv *f = tune_find_fixed((tune *)t, key);
    if (j >= 0)
        snprintf(buf, cap, "%s:%d: [space] %s%s%s", t->space_path[j], t->space_line[j], t->space[j].name, tr ? " = " : "",
                 tr ? tr->text[j] : "");
    else if (f) tune_fixed_where(t, f, buf, cap);
    else snprintf(buf, cap, "[tune] %s", key);
}

/* Whether a loss name means a cross-entropy (1: nats per row) or mse (0) once regression is known; -1 if unknown. */
static int loss_is_entropy(const char *name, int regression) {
    if (!strcmp(name, "auto")) return !regression;
    if (!strcmp(name, "mse")) return 0;
    if (!strcmp(name, "softmax_ce") || !strcmp(name, "sigmoid_ce")) return 1;
    return -1; /* train's check names it */
}

/* The trials are ranked by one number, so every trial's must be in one unit. dev_acc is a fraction of
 * rows whatever the loss, but only a classifier has one; a regression is ranked by dev_loss. That
 * is a cross-entropy in nats per row (softmax_ce and sigmoid_ce alike: the log-likelihood of the
 * row's label), or a regression's mse in units of the train split's targets' variance
 * (standardized) or of the targets squared (raw). So an option is refused in [space] when trials
 * of its values would be a classifier and a regression (regression, loss over mse and a
 * cross-entropy: no metric compares those, as the regressions have no dev_acc), or, in a
 * regression, would have other targets (data, labels, label-column), another standardization
 * (standardize-targets, init) or, standardized, another train split to take the variance over
 * (train-rows, dev, test, test-data). A tiny target learnt raw, 0.1 off, had a loss of 0.01 and
 * ranked first over standardized trials that were far better. */
static int check_units(tune *t) {
    char where[CLI_TEXT_MAX + 80];
    const kv *reg = tune_find_fixed(t, "regression"), *std = tune_find_fixed(t, "standardize-targets");
    const int regression = reg && cli_flag_value(reg->value) == 1, raw = std && cli_flag_value(std->value) == 0;
    t->regression = regression;
    if (tune_find_param(t, "regression") >= 0) {
        tune_option_where(t, NULL, "regression", where, sizeof where);
        cli_error("tune", "%s: cannot be searched: a regression's dev_loss is a squared error and a classifier's a "
                          "cross-entropy, which do not compare, and a regression has no dev_acc; fix it in [train] and "
                          "search each on its own", where);
        return -1;
    }
    const int loss = tune_find_param(t, "loss");
    if (loss >= 0 && t->space[loss].kind == HONE_PARAM_CHOICE) {
        const hone_param *p = &t->space[loss];
        int kinds[2] = {0, 0};
        for (int c = 0; c < p->n_choices; c++) {
            const int e = loss_is_entropy(p->choices[c], regression);
            if (e >= 0) kinds[e] = 1;
        }
        if (kinds[0] && kinds[1]) {
            tune_option_where(t, NULL, "loss", where, sizeof where);
            cli_error("tune", "%s: cannot search mse beside a cross-entropy: their dev_loss would be in other units "
                              "(squared error, nats per row), and mse's trials have no dev_acc", where);
            return -1;
        }
    }
    if (tune_find_param(t, "standardize-targets") >= 0) {
        tune_option_where(t, NULL, "standardize-targets", where, sizeof where);
        cli_error("tune", "%s: cannot be searched: the trials' losses would be in other units (the targets' variance, "
                          "or their own squared) and not compare; fix it in [train]", where);
        return -1;
    }
    /* a regression has no accuracy: the search ran a whole trial before it found none to rank by */
    if (!t->metric_loss && regression) {
        tune_fixed_where(t, reg, where, sizeof where);
        cli_error("tune", "%s: a regression has no dev_acc to rank the trials by: use metric = dev_loss", where);
        return -1;
    }
    if (!regression) return 0;
    static const struct {
        const char *name;
        int standardized_only; /* raw targets' squared units do not depend on it */
        const char *why;
    } units[] = {
        {"data", 0, "other data has other targets"},
        {"labels", 0, "other labels are other targets"},
        {"label-column", 0, "another column is another target"},
        {"init", 0, "each model brings its own standardization of the targets"},
        {"train-rows", 1, "it changes the train split, whose targets' variance is the unit"},
        {"dev", 1, "it changes the train split, whose targets' variance is the unit"},
        {"test", 1, "it changes the train split, whose targets' variance is the unit"},
        {"test-data", 1, "it changes the train split, whose targets' variance is the unit"},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (tune_find_param(t, units[i].name) < 0 || (units[i].standardized_only && raw)) continue;
        tune_option_where(t, NULL, units[i].name, where, sizeof where);
        cli_error("tune", "%s: cannot be searched in a regression: its trials' dev_loss would be in other units (%s)%s",
                  where, units[i].why,
                  units[i].standardized_only ? "; fix it, or fix standardize-targets = false to rank the targets' "
                                               "own squared error" : "; fix it and search each on its own");
        return -1;
    }
    return 0;
}

/* train's default of each option that decides whether a run reads another (cli_option_deciders) */
static const char *train_default(const char *by) {
    static const char *const defaults[][2] = {{"activation", "relu"}, {"batchnorm", "false"}, {"early-stop", "0"},
                                              {"l2", "0"},           {"l1", "0"},            {"loss", "auto"},
                                              {"optimizer", "adam"}, {"schedule", "cosine"}};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        if (!strcmp(by, defaults[i][0])) return defaults[i][1];
    return NULL;
}

/* A deciding option's value as every trial has it: NULL when searched (some trials may read the
 * option), else its fixed value or train's default. */
static const char *trials_value(const char *by, void *ctx) {
    tune *t = ctx;
    if (tune_find_param(t, by) >= 0) return NULL;
    const kv *f = tune_find_fixed(t, by);
    return f ? f->value : train_default(by);
}

/* Options that a trial reads only under another's value (train warns of them one run at a
 * time): searched while that one is fixed, or left at its default, to a value that does not read
 * them, every trial learns the same network and the ranking is by nothing. A deciding value train
 * does not take (an unknown optimizer) counts as reading it: refused here, the message would
 * blame the searched option, and the check of every trial's options names the value itself. */
static int check_unread(tune *t) {
    for (int i = 0; i < t->n_space; i++) {
        const char *key = t->space[i].name, *by[2];
        const int n = cli_option_deciders(key, by);
        if (!n || cli_option_read(key, trials_value, t)) continue;
        char where[CLI_TEXT_MAX + 80], decided[2 * CLI_TEXT_MAX + 400] = "";
        tune_option_where(t, NULL, key, where, sizeof where);
        size_t at = 0;
        for (int k = 0; k < n; k++) { /* "activation = relu (s.ini:9: [train] activation)" */
            const kv *f = tune_find_fixed(t, by[k]);
            char from[CLI_TEXT_MAX + 80] = "train's default";
            if (f) tune_fixed_where(t, f, from, sizeof from);
            cli_append(decided, sizeof decided, &at, "%s%s = %s (%s)", k ? " and " : "", by[k], trials_value(by[k], t), from);
        }
        cli_error("tune", "%s: cannot be searched: no trial reads it with %s; fix or search %s%s%s so that trials do",
                  where, decided, by[0], by[1] ? " or " : "", by[1] ? by[1] : "");
        return -1;
    }
    return 0;
}

/* What the options of the space and [train] may not be, and how depth composes with layers. */
int tune_check_space(tune *t) {
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
        if (tune_find_param(t, owned[i].name) >= 0 || tune_find_fixed(t, owned[i].name)) {
            tune_option_where(t, NULL, owned[i].name, where, sizeof where);
            cli_error("tune", "%s: cannot be searched or fixed: %s", where, owned[i].why);
            return -1;
        }
    }
    if (tune_find_param(t, "seed") >= 0) {
        tune_option_where(t, NULL, "seed", where, sizeof where);
        cli_error("tune", "%s: cannot be searched: every trial uses one seed (set it in [train] or [tune])", where);
        return -1;
    }
    /* options that set only how a trial runs or what it reports: searched, the trials would differ
     * in nothing but the last bits of the rounding (threads) or not at all, and be ranked apart by
     * that. Fixed, they are harmless (threads is even useful), so only [space] refuses them. */
    static const struct {
        const char *name, *what;
    } inert[] = {
        {"threads", "only how fast it runs; fix it in [train]"},
        {"stats-every", "only how often --layer-stats would record, which no trial writes"},
        {"checkpoint-every", "only how often --checkpoint would write, which no trial does"},
        {"base-error", "only the closing diagnosis, which the search does not read"},
        {"test-labels", "only the test set's figures, which the search neither ranks by nor shows"},
    };
    for (size_t i = 0; i < sizeof inert / sizeof *inert; i++) {
        if (tune_find_param(t, inert[i].name) < 0) continue;
        tune_option_where(t, NULL, inert[i].name, where, sizeof where);
        cli_error("tune", "%s: cannot be searched: it does not change what a trial learns, %s", where, inert[i].what);
        return -1;
    }
    if (check_units(t) || check_unread(t)) return -1;
    if (tune_find_fixed(t, "depth")) {
        tune_fixed_where(t, tune_find_fixed(t, "depth"), where, sizeof where);
        cli_error("tune", "%s: not a hone train option; search it in [space] (with layers as one width)", where);
        return -1;
    }
    for (int i = 0; i < t->n_space; i++) {
        const kv *f = tune_find_fixed(t, t->space[i].name);
        if (f) {
            char searched[CLI_TEXT_MAX + 80];
            tune_option_where(t, NULL, t->space[i].name, searched, sizeof searched);
            tune_fixed_where(t, f, where, sizeof where);
            cli_error("tune", "%s: also fixed (%s): search it or fix it", searched, where);
            return -1;
        }
    }
    t->depth = tune_find_param(t, "depth");
    t->layers = tune_find_param(t, "layers");
    if (t->depth >= 0) {
        const hone_param *d = &t->space[t->depth];
        int ok = d->kind == HONE_PARAM_CHOICE || (d->kind == HONE_PARAM_INT && d->min >= 0 && d->max <= TUNE_MAX_DEPTH);
        for (int c = 0; d->kind == HONE_PARAM_CHOICE && c < d->n_choices; c++)
            if (!is_count(d->choices[c]) || atoi(d->choices[c]) > TUNE_MAX_DEPTH) ok = 0;
        if (!ok) {
            tune_option_where(t, NULL, "depth", where, sizeof where);
            cli_error("tune", "%s: hidden layers, so int or choice of counts from 0 to %d", where, TUNE_MAX_DEPTH);
            return -1;
        }
        const kv *fl = tune_find_fixed(t, "layers");
        if (t->layers >= 0) {
            const hone_param *l = &t->space[t->layers];
            ok = l->kind == HONE_PARAM_CHOICE || (l->kind == HONE_PARAM_INT && l->min >= 1);
            for (int c = 0; l->kind == HONE_PARAM_CHOICE && c < l->n_choices; c++)
                if (!is_count(l->choices[c]) || atoi(l->choices[c]) < 1) ok = 0;
        } else ok = fl && is_count(fl->value) && atoi(fl->value) >= 1;
        if (!ok) {
            tune_option_where(t, NULL, "depth", where, sizeof where);
            cli_error("tune", "%s: repeats layers, which must then be one width (int or choice of widths in [space], or "
                              "one number in [train])", where);
            return -1;
        }
    }
    return 0;
}

/* The options of a trial run for `epochs`, in order: fixed, searched, layers (width x depth),
 * epochs, seed. Returns the count. */
int tune_trial_options(const tune *t, const trial *tr, int epochs, kv *out) {
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
    if (!tune_find_fixed((tune *)t, "seed")) {
        strcpy(out[n].key, "seed");
        snprintf(out[n++].value, CLI_TEXT_MAX, "%llu", (unsigned long long)t->seed);
    }
    return n;
}

/* "lr=0.00123 optimizer=adam" */
void tune_describe(const tune *t, const trial *tr, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < t->n_space && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s=%s", i ? " " : "", t->space[i].name, tr->text[i]);
}
