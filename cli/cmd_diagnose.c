/* cmd_diagnose.c - hone diagnose: bias or variance, from a metrics file or from a saved model
 * evaluated again on the train and dev rows it was trained with. */
#include "data_options.h"
#include "metrics.h"
#include "regularize_options.h"
#include "split_options.h"

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Percent for error rates, plain numbers for regression losses. */
static void print_figure(FILE *out, const char *name, double v, int regression, const char *note) {
    fprintf(out, "  %-15s", name);
    if (!isfinite(v)) fprintf(out, "    n/a");
    else if (regression) fprintf(out, " %9.4g", v);
    else fprintf(out, " %6.2f%%", 100 * v);
    fprintf(out, "%s%s\n", note ? "   " : "", note ? note : "");
}

int cli_mse_units(const hone_model *m) {
    if (m->loss != HONE_LOSS_MSE) return 0;
    for (int o = 0; o < hone_model_outputs(m); o++)
        if (m->target_std[o] != 1) return CLI_MSE_VARIANCE;
    return CLI_MSE_SQUARED_UNITS;
}

/* A trained classifier whose train loss is at least this share of the best constant prediction's,
 * and whose accuracy is at most this much above it, has learned nothing from its inputs that shows
 * (cli_diagnosis_print's note). Both, because a network barely trained from its initialization
 * can be right far more often than the constant and still have the larger loss (a 3-epoch run on
 * 180 rows: 50% right against 34%, loss 1.73 against 1.10). Not for MSE, which has no accuracy. */
#define LEARNED_NOTHING_SHARE 0.98
#define LEARNED_NOTHING_POINTS 0.01

/* What the best constant prediction is, for a loss kind (hone_model_constant_figures). */
static const char *constant_text(int kind) {
    return kind == HONE_LOSS_SOFTMAX_CE   ? "the class frequencies"
           : kind == HONE_LOSS_SIGMOID_CE ? "each output's frequency of 1"
                                          : "each target's mean";
}

int cli_diagnosis_print(FILE *out, double train_error, double dev_error, double base_error, double tolerance,
                        int regression, const char *regularized, size_t dev_rows, cli_constant_figures constant) {
    static const char *const units[] = {
        [CLI_MSE_VARIANCE] = "(mean squared error in units of the targets' variance)",
        [CLI_MSE_SQUARED_UNITS] = "(mean squared error in the targets' own units, squared)",
        [CLI_MSE_EITHER] = "(mean squared error in units of the targets' variance, unless trained with "
                           "--no-standardize-targets)",
    };
    const char *advice;
    hone_diagnosis d = hone_diagnose(train_error, dev_error, base_error, tolerance, &advice);
    fprintf(out, "diagnosis: %s\n", hone_diagnosis_name(d));
    print_figure(out, "train error", train_error, regression, regression ? units[regression] : NULL);
    print_figure(out, "dev error", dev_error, regression, isfinite(dev_error) ? NULL : "(no dev set)");
    print_figure(out, "base error", base_error, regression, "(human-level or Bayes error; --base-error)");
    print_figure(out, "avoidable bias", train_error - base_error, regression, "(train - base)");
    print_figure(out, "variance", dev_error - train_error, regression, "(dev - train)");
    fprintf(out, "  advice: %s\n", advice);
    /* the recipe's advice for bias assumes the network learns: one stuck at the best constant
     * prediction (a learning rate that collapsed it, or one too small to move it; weights that
     * start alike) gains nothing from a bigger network */
    const double c = constant.loss, l = constant.train_loss, train_acc = 1 - train_error;
    if (!regression && isfinite(c) && isfinite(l) && c > 0 && l >= LEARNED_NOTHING_SHARE * c &&
        train_acc <= constant.acc + LEARNED_NOTHING_POINTS)
        fprintf(out, "  note: the network does no better on its train rows than the best prediction that ignores "
                     "the inputs, %s for every row (loss %.4g and %.2f%% right against %.4g and %.2f%%): it has "
                     "learned nothing from its features, and a bigger one will not change that; look first at the "
                     "learning rate (too high, and training collapses to that prediction; too low, and it has not "
                     "left its start) and at the initialization (hone inspect; --weight-init zeros starts every "
                     "unit of a layer alike)\n",
                constant_text(constant.kind), l, 100 * train_acc, c, 100 * constant.acc);
    /* a dev error measured on n rows is off by sqrt(p (1 - p) / n) (a binomial's standard error):
     * on 60 rows at 10%, 3.9 points, so that a 2-point tolerance read noise as variance, or none.
     * Said when the variance's call (dev - train against hone_diagnose's bar) could go either way
     * within two of them */
    const double noise = dev_rows > 0 ? 2 * sqrt(dev_error * (1 - dev_error) / (double)dev_rows) : 0;
    /* the bar for this train error, and the tolerance alone (as hone_diagnose takes it: the bar of a 0 error) */
    const double bar = hone_diagnose_bar(train_error, tolerance), tol = hone_diagnose_bar(0, tolerance);
    if (!regression && noise > bar && fabs(dev_error - train_error - bar) < noise) {
        char against[96];
        if (bar > tol) snprintf(against, sizeof against, "the %.1f-point bar (a tenth of the train error, above the %g-point "
                                "tolerance)", 100 * bar, 100 * tol);
        else snprintf(against, sizeof against, "the %g-point tolerance", 100 * tol);
        fprintf(out, "  note: on %zu dev rows the dev error is known to about +-%.1f points (two standard errors, "
                     "sqrt(p (1 - p) / n)), too few to tell the variance (dev - train) against %s; a larger dev set "
                     "would settle it\n", dev_rows, 100 * noise, against);
    }
    /* the recipe's cure for bias (bigger network, train longer) fights the regularization that
     * may have caused it: --l2 10 underfit, and the advice was to grow the network */
    if (regularized && *regularized && (d == HONE_DIAGNOSIS_HIGH_BIAS || d == HONE_DIAGNOSIS_BOTH))
        fprintf(out, "  note: this run was regularized (%s), which raises the training error: if the network "
                     "fit the training set without it, regularize less before making the network bigger\n",
                regularized);
    return (int)d;
}

int cli_base_error_check(const char *cmd, double base_error, int regression) {
    if (base_error >= 0 && (regression || base_error <= 1)) return 0;
    if (!(base_error >= 0)) cli_error(cmd, "--base-error must be 0 or more, got %g", base_error);
    else cli_error(cmd, "--base-error is a fraction of the examples a classifier gets wrong: at most 1, got %g", base_error);
    return -1;
}

/* Which epoch of a metrics file diagnose reads, and why. */
typedef enum kept_epoch {
    KEPT_BEST,    /* early stopping put back the weights of this epoch, before the last */
    KEPT_LAST,    /* the run kept its last epoch's weights */
    KEPT_UNKNOWN, /* the file does not say (an older hone's): the last epoch, as before */
} kept_epoch;

static const char *const kept_name[] = {"best", "last", "last_not_recorded"};

/* epoch 0: of a model, no epoch (nor last_epoch and kept) */
static void print_json(double train_error, double dev_error, double base_error, double tolerance, int regression,
                       const char *source, int epoch, int last_epoch, kept_epoch kept, cli_constant_figures constant) {
    const char *advice;
    if (!(tolerance >= 0) || !isfinite(tolerance)) tolerance = HONE_DIAGNOSE_TOLERANCE;
    hone_diagnosis d = hone_diagnose(train_error, dev_error, base_error, tolerance, &advice);
    printf("{\"command\": \"diagnose\", \"source\": \"%s\", ", source);
    if (epoch > 0)
        printf("\"epoch\": %d, \"last_epoch\": %d, \"epoch_is\": \"%s\", ", epoch, last_epoch, kept_name[kept]);
    printf("\"regression\": %s, ", regression ? "true" : "false");
    cli_json_number(stdout, "train_error", train_error, 1);
    cli_json_number(stdout, "dev_error", dev_error, 1);
    cli_json_number(stdout, "base_error", base_error, 1);
    cli_json_number(stdout, "avoidable_bias", train_error - base_error, 1);
    cli_json_number(stdout, "variance", dev_error - train_error, 1);
    cli_json_number(stdout, "tolerance", tolerance, 1);
    cli_json_number(stdout, "train_loss", constant.train_loss, 1);
    cli_json_number(stdout, "constant_loss", constant.loss, 1);
    cli_json_number(stdout, "constant_acc", constant.acc, 1);
    printf("\"diagnosis\": \"%s\", \"advice\": \"%s\"}\n", hone_diagnosis_name(d), advice); /* no quotes in them */
}

typedef struct diagnose_options {
    char model[CLI_TEXT_MAX];
    char metrics[CLI_TEXT_MAX];
    cli_data data;
    char test_data[CLI_TEXT_MAX];
    char test_labels[CLI_TEXT_MAX];
    double base_error, tolerance;
    int json;
} diagnose_options;

/* Errors of the epoch whose weights the run kept, the model it saved: the last row's best
 * epoch (early stopping's best, or the last epoch itself), or the last row where the file does
 * not say. 1 - accuracy, or the losses when there is no accuracy (regression). */
static int from_metrics(const diagnose_options *o, double *train, double *dev, int *regression, int *epoch,
                        int *last_epoch, kept_epoch *kept) {
    hone_epoch_stats *rows = NULL;
    size_t n = 0;
    if (cli_metrics_read("diagnose", o->metrics, &rows, &n)) return -1;
    const hone_epoch_stats *last = &rows[n - 1], *row = last;
    const int best = last->best_epoch;
    *last_epoch = last->epoch;
    *kept = !best ? KEPT_UNKNOWN : best == last->epoch ? KEPT_LAST : KEPT_BEST;
    if (*kept == KEPT_BEST) { /* its row (the reader allows one an epoch) */
        row = NULL;
        for (size_t i = n; i-- > 0 && !row;)
            if (rows[i].epoch == best) row = &rows[i];
    }
    if (!row) {
        cli_error("diagnose", "%s: early stopping kept the weights of epoch %d, which has no row in the file (a "
                              "stretch of the run resumed without --metrics?); hone diagnose MODEL --data ... "
                              "evaluates the model itself", o->metrics, best);
        free(rows);
        return -1;
    }
    *regression = isfinite(row->train_acc) ? 0 : CLI_MSE_EITHER; /* the file does not say which */
    *train = *regression ? row->train_loss : 1 - row->train_acc;
    *dev = *regression ? row->dev_loss : 1 - row->dev_acc;
    *epoch = row->epoch;
    free(rows);
    if (!isfinite(*train)) {
        cli_error("diagnose", "%s: epoch %d has no train loss or accuracy", o->metrics, *epoch);
        return -1;
    }
    return 0;
}

/* The split the model was trained on: seed, dev and test from its "hone.config" metadata, the
 * same rules as hone train; *separate_test 1 when its test rows were a set of their own, 0 when
 * carved from its data, -1 when the model (from an older hone) does not say. */
static int model_split(const diagnose_options *o, const hone_model *model, uint64_t *seed, char *dev, char *test,
                       double *train_rows, int *separate_test) {
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(config, "train_rows"); /* optional: 0 or absent is all */
    *train_rows = cJSON_IsNumber(rows) && rows->valuedouble >= 1 ? floor(rows->valuedouble) : 0;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(config, "seed");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(config, "dev");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(config, "test");
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(config, "test_set");
    *separate_test = !cJSON_IsString(ts) ? -1 : strcmp(ts->valuestring, "separate") == 0;
    int ok = cJSON_IsNumber(s) && cJSON_IsString(d) && cJSON_IsString(t) && strlen(d->valuestring) < CLI_TEXT_MAX &&
             strlen(t->valuestring) < CLI_TEXT_MAX && cli_seed_valid(s->valuedouble);
    if (ok) {
        *seed = (uint64_t)s->valuedouble;
        strcpy(dev, d->valuestring);
        strcpy(test, t->valuestring);
    } else {
        cli_error("diagnose", "%s: the model's metadata has no training configuration (seed, dev, test) to make "
                              "its split again; use hone diagnose --metrics FILE",
                  o->model);
    }
    cJSON_Delete(config);
    return ok ? 0 : -1;
}

/* Whether split's train and dev rows are those the model was trained on, by the digests hone
 * train keeps in its metadata (a model without them, from the library or an older hone, is taken
 * at its word). Other data, or the same rows changed, made another split, and its errors would be
 * those of rows the model may have trained on as dev rows or never seen. Returns -1 (message
 * printed) when they differ. */
static int rows_differ(const diagnose_options *o, const hone_model *model, const hone_split *split) {
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    const cJSON *sums[2] = {cJSON_GetObjectItemCaseSensitive(config, "train_checksum"),
                            cJSON_GetObjectItemCaseSensitive(config, "dev_checksum")};
    const hone_view *views[2] = {&split->train, &split->dev};
    int differs = -1; /* which one: 0 train, 1 dev */
    for (int k = 0; k < 2 && differs < 0; k++) {
        char now[17];
        cli_view_digest(views[k], now);
        if (cJSON_IsString(sums[k]) && strcmp(sums[k]->valuestring, now)) differs = k;
    }
    if (differs >= 0)
        cli_error("diagnose", "%s: the %s rows this data splits into are not the ones the model was trained on (the "
                              "data or its order differs, or rows were added or changed): give the --data%s it was "
                              "trained with",
                  o->model, differs ? "dev" : "train", *o->test_data ? " and --test-data" : "");
    cJSON_Delete(config);
    return differs >= 0 ? -1 : 0;
}

/* A file whose first byte is '{', as a metrics file's (JSON lines); a safetensors file starts
 * with its header's length. */
static bool starts_like_json(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    const int c = fgetc(f);
    fclose(f);
    return c == '{';
}

/* The regularization model was trained with, as hone train's closing note names it: its dropout
 * and, from its metadata (a model file keeps no penalty), its L2 and L1, AdamW's decay and the
 * augmentation. Early stopping is left out: the metadata does not say whether it put an earlier
 * epoch's weights back. The penalty is set on model, whose losses are reported without it. */
static void model_regularization(hone_model *model, char *buf, size_t cap) {
    hone_train_config c = hone_train_config_default();
    c.optimizer.kind = HONE_OPTIMIZER_SGD; /* none of the metadata's: no decay of its own */
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    const cJSON *optimizer = cJSON_GetObjectItemCaseSensitive(config, "optimizer"),
                *decay = cJSON_GetObjectItemCaseSensitive(config, "weight_decay"),
                *shift = cJSON_GetObjectItemCaseSensitive(config, "augment_shift"),
                *rotate = cJSON_GetObjectItemCaseSensitive(config, "augment_rotate"),
                *flip = cJSON_GetObjectItemCaseSensitive(config, "augment_flip"),
                *noise = cJSON_GetObjectItemCaseSensitive(config, "augment_noise"),
                *l2 = cJSON_GetObjectItemCaseSensitive(config, "l2"), *l1 = cJSON_GetObjectItemCaseSensitive(config, "l1");
    if (cJSON_IsNumber(l2) && cJSON_IsNumber(l1)) /* values it refuses (negative) describe nothing */
        hone_model_set_regularization(model, l2->valuedouble, l1->valuedouble,
                                      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config, "decay_bias")), NULL);
    if (cJSON_IsString(optimizer) && cJSON_IsNumber(decay)) {
        c.optimizer.kind = hone_optimizer_kind_parse(optimizer->valuestring);
        c.optimizer.weight_decay = decay->valuedouble;
    }
    if (cJSON_IsNumber(shift) && shift->valueint > 0) c.augment.shift = shift->valueint;
    if (cJSON_IsNumber(rotate) && rotate->valuedouble > 0) c.augment.rotate = rotate->valuedouble;
    c.augment.flip = cJSON_IsTrue(flip);
    if (cJSON_IsNumber(noise) && noise->valuedouble > 0) c.augment.noise = noise->valuedouble;
    cJSON_Delete(config);
    cli_regularization_describe(buf, cap, model, &c, 1);
}

static int from_model(const diagnose_options *o, double *train, double *dev, size_t *dev_rows, int *regression,
                      char *regularized, size_t cap, cli_constant_figures *constant, int *usage) {
    hone_data_source source;
    if (cli_data_source("diagnose", &o->data, &source) || cli_test_options("diagnose", o->test_data, o->test_labels)) {
        *usage = 1;
        return -1;
    }
    hone_error err = {0};
    hone_model *model = NULL;
    hone_dataset *data = NULL, *test_data = NULL;
    hone_split split = {0};
    int rc = -1;
    char dev_text[CLI_TEXT_MAX], test_text[CLI_TEXT_MAX];
    uint64_t seed;
    double train_rows, dev_size, test_size, loss[2], acc[2];
    int separate_test;
    if (hone_model_load(&model, o->model, &err)) {
        if (err.code == HONE_ERR_FORMAT && starts_like_json(o->model)) { /* the other kind of file diagnose reads */
            cli_error("diagnose", "%s; it reads as JSON: for a metrics file, hone diagnose --metrics %s", err.message, o->model);
            goto done;
        }
        goto fail;
    }
    if (cli_data_for_model("diagnose", &o->data, model, o->model, &source)) {
        *usage = 1;
        goto done;
    }
    if (model_split(o, model, &seed, dev_text, test_text, &train_rows, &separate_test)) goto done;
    if (cli_load_with_test(&source, model, o->test_data, o->test_labels, &data, &test_data, &err)) goto fail;
    if (separate_test >= 0 && separate_test != (test_data != NULL)) { /* another split: other rows */
        if (separate_test)
            cli_error("diagnose", "%s was trained with a test set of its own (--test-data, or the data's own), and "
                                  "this data has none: give the same with --test-data to make its split again",
                      o->model);
        else if (!cli_given(o->data.data)) /* the default data is not the model's */
            cli_error("diagnose", "%s was trained with its test rows carved from its data, and the default data (%s) "
                                  "has a test set of its own: give the data it was trained on with --data",
                      o->model, o->data.data);
        else
            cli_error("diagnose", "%s was trained with its test rows carved from its data, and this data has a "
                                  "test set of its own: diagnose it without --test-data, on the data it was trained on",
                      o->model);
        goto done;
    }
    if (cli_data_fits("diagnose", model, data, o->data.data, cli_truth_path(&o->data))) goto done;
    if (cli_split_sizes("diagnose", dev_text, test_text, data->n, test_data != NULL, &dev_size, &test_size)) goto done;
    if (hone_split_make(&split, data, test_data, dev_size, test_size, seed, &err)) goto fail;
    if (train_rows > 0 && train_rows < (double)split.train.n) split.train.n = (size_t)train_rows;
    if (rows_differ(o, model, &split)) goto done;
    if (hone_model_evaluate(model, &split.train, &loss[0], &acc[0], &err) ||
        hone_model_evaluate(model, &split.dev, &loss[1], &acc[1], &err)) {
        if (err.code != HONE_ERR_DIVERGED) goto fail;
        cli_error("diagnose", "%s on %s: %s", o->model, o->data.data, err.message);
        goto done;
    }
    *regression = cli_mse_units(model);
    model_regularization(model, regularized, cap);
    constant->kind = model->loss;
    constant->train_loss = loss[0];
    if (hone_model_constant_figures(model, &split.train, &constant->loss, &constant->acc, &err)) goto fail;
    *dev_rows = split.dev.n;
    *train = *regression ? loss[0] : 1 - acc[0];
    *dev = *regression ? loss[1] : 1 - acc[1];
    rc = 0;
    goto done;
fail:
    cli_error("diagnose", "%s", err.message);
done:
    hone_split_free(&split);
    hone_model_free(model);
    hone_dataset_free(data);
    hone_dataset_free(test_data);
    return rc;
}

/* With --metrics, the options that pick the data a model is evaluated on went unread: -1 (message
 * printed) for the first one given, as a flag or in [diagnose]; a config's shared top-level keys
 * are train's too. Said, as inspect says a network's options beside a model: a diagnosis of the
 * file alone read as one of that data. */
static int data_option(const cli_option *options, const diagnose_options *o) {
    const uintptr_t data = (uintptr_t)&o->data;
    for (const cli_option *opt = options; opt->name; opt++) {
        const uintptr_t v = (uintptr_t)opt->value;
        if (((v >= data && v < data + sizeof o->data) || opt->value == o->test_data || opt->value == o->test_labels) &&
            cli_given(opt->value) && !cli_given_shared(opt->value)) {
            cli_error("diagnose", "--%s picks the data a model is evaluated on, and a metrics file has its figures "
                                  "already: give a model and its data, or --metrics alone", opt->name);
            return -1;
        }
    }
    return 0;
}

int cmd_diagnose(int argc, char **argv) {
    diagnose_options o = {.data = CLI_DATA_DEFAULTS, .tolerance = HONE_DIAGNOSE_TOLERANCE};
    cli_option options[] = {
        {"model", CLI_TEXT, o.model, "PATH", "a model saved by hone train --save (also the bare argument)"},
        {"metrics", CLI_TEXT, o.metrics, "FILE",
         "or: a metrics file of hone train --metrics (the epoch whose weights the run kept)"},
        CLI_DATA_OPTIONS(o.data),
        {"test-data", CLI_TEXT, o.test_data, "PATH", "the separate test set the model was trained with, if any"},
        {"test-labels", CLI_TEXT, o.test_labels, "PATH", "labels file for an .npy or IDX images --test-data"},
        {"base-error", CLI_REAL, &o.base_error, "X",
         "human-level or Bayes error: a fraction, or a regression's MSE in units of the targets' variance (0: unknown)"},
        {"tolerance", CLI_REAL, &o.tolerance, "X", "a gap above this (and above 10% of its reference) is high"},
        {"json", CLI_FLAG, &o.json, NULL, "print one JSON line"},
        {0},
    };
    const cli_command cmd = {
        "diagnose", "hone diagnose MODEL [--data PATH] | hone diagnose --metrics FILE  [options]",
        "Compares train error, dev error and a base error (human-level or Bayes) and names the case:\n"
        "high bias (avoidable bias = train - base is high), high variance (dev - train is high), both,\n"
        "or fine, with the basic recipe's advice. A model is evaluated again on the train and dev rows\n"
        "it was trained on (its seed, dev and test are in its metadata: give the same --data, and the\n"
        "same --test-data if it was trained with one; other rows, by the digests of its train and\n"
        "dev rows that hone train keeps, are refused). A metrics file gives the epoch whose weights\n"
        "the run kept, those of the model it saved: the best epoch where early stopping put its\n"
        "weights back, else the last (and the last of a file that does not say, an older hone's),\n"
        "and the data options, a model's, are refused with it.\n"
        "Errors are 1 - accuracy, or the loss for regression. A classifier no better on its train\n"
        "rows than the class frequencies for every row is told it learned nothing from its features.",
        options, "model"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!*o.model == !*o.metrics) {
        cli_error("diagnose", *o.model ? "give a model or --metrics, not both"
                                       : "no model or metrics given (hone diagnose MODEL --data PATH, or --metrics FILE)");
        return CLI_EXIT_USAGE;
    }
    if (*o.metrics && data_option(options, &o)) return CLI_EXIT_USAGE;
    /* negative at once; above 1 once the errors are known to be fractions, not losses */
    if (cli_base_error_check("diagnose", o.base_error, 1)) return CLI_EXIT_USAGE;
    if (!(o.tolerance >= 0)) {
        cli_error("diagnose", "--tolerance must be 0 or more, got %g", o.tolerance);
        return CLI_EXIT_USAGE;
    }
    double train, dev;
    char regularized[256] = ""; /* a model's, for the note that regularization raises the train error */
    size_t dev_rows = 0;        /* a model's dev set, for the note on its error's noise (a metrics file has none) */
    int regression = 0, epoch = 0, last_epoch = 0, usage = 0;
    kept_epoch kept = KEPT_LAST;
    /* a model's (a metrics file's train figures are running means, in training mode) */
    cli_constant_figures constant = {HONE_LOSS_SOFTMAX_CE, NAN, NAN, NAN};
    if (*o.metrics ? from_metrics(&o, &train, &dev, &regression, &epoch, &last_epoch, &kept)
                   : from_model(&o, &train, &dev, &dev_rows, &regression, regularized, sizeof regularized, &constant, &usage))
        return usage ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    if (cli_base_error_check("diagnose", o.base_error, regression)) return CLI_EXIT_USAGE;
    if (o.json) {
        print_json(train, dev, o.base_error, o.tolerance, regression, *o.metrics ? "metrics" : "model", epoch,
                   last_epoch, kept, constant);
    } else {
        if (*o.metrics) {
            if (kept == KEPT_BEST)
                printf("%s, epoch %d of %d, the best: early stopping kept its weights", o.metrics, epoch, last_epoch);
            else if (kept == KEPT_LAST) printf("%s, epoch %d, the last: the run kept its weights", o.metrics, epoch);
            else printf("%s, epoch %d, the last: the file does not say which epoch's weights the run kept", o.metrics,
                        epoch);
            printf(" (train figures are running means over the epoch)\n");
        } else if (isnan(dev)) printf("%s on the train rows it was trained with (it had no dev rows)\n", o.model);
        else printf("%s on the train and dev rows it was trained with\n", o.model);
        cli_diagnosis_print(stdout, train, dev, o.base_error, o.tolerance, regression, regularized, dev_rows, constant);
        /* a running mean in training mode is no train error of the model trained: dropout is on and
         * the weights move through the epoch, so with dropout it reads well above the dev error
         * (hone train's closing diagnosis, on the model, said high variance where this said high
         * bias). Said when the two disagree that way; the model's own figures settle it */
        if (*o.metrics && train > dev + o.tolerance)
            printf("  note: the train figure is a running mean in training mode (dropout on, weights moving), above "
                   "the dev error here: with dropout it overstates the train error; hone diagnose MODEL --data ... "
                   "evaluates the model as trained\n");
    }
    return CLI_EXIT_OK;
}
