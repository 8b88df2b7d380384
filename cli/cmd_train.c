/* cmd_train.c - hone train: load, split, standardize, build, train, report, save. */
#include "checkpoint.h"
#include "data_options.h"
#include "model_options.h"
#include "optim_options.h"
#include "paths.h"
#include "model_build.h"
#include "layer_stats.h"
#include "plot.h"
#include "progress.h"
#include "split_options.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>


typedef struct train_options {
    cli_data data;
    char test_data[CLI_TEXT_MAX];
    char test_labels[CLI_TEXT_MAX];
    char dev[CLI_TEXT_MAX];
    char test[CLI_TEXT_MAX];
    cli_arch arch;
    cli_optim optim;
    cli_regularize reg;
    char layer_stats[CLI_TEXT_MAX];
    int stats_every;
    char init[CLI_TEXT_MAX];
    int epochs, batch, threads, shuffle, json, quiet;
    int train_rows; /* 0: every row of the training split */
    int standardize_targets;
    double lr;
    uint64_t seed;
    char save[CLI_TEXT_MAX];
    cli_checkpoint ck;
    char metrics[CLI_TEXT_MAX], plot[CLI_TEXT_MAX];
    double base_error;
} train_options;

/* A split's final figures: its loss and accuracy, or for a regression its loss (of the
 * standardized targets) and root mean squared error of each of its targets (rmse [targets], NULL
 * for a classifier) in their own units. */
static void print_row(const char *name, size_t n, double loss, double acc, const double *rmse, int targets) {
    if (!n) return;
    printf("  %-5s %6zu rows  loss %s", name, n, cli_loss_text((char[CLI_LOSS_TEXT]){0}, loss));
    if (isfinite(acc)) printf("  accuracy %6.2f%%", 100 * acc);
    if (rmse) cli_rmse_text(stdout, rmse, targets);
    printf("\n");
}

/* The training configuration kept in the model's metadata. test_set: "separate" when the test
 * rows came from a set of their own (the data's, or --test-data), else "carved" from --data: the
 * split differs between the two, so diagnose and --resume must know which. */
static char *config_json(const train_options *o, const cli_arch_spec *a, const hone_train_config *c,
                         const char *test_set) {
    static char buf[8 * CLI_TEXT_MAX];
    char optim[2 * CLI_TEXT_MAX];
    cli_optim_json(optim, sizeof optim, c);
    snprintf(buf, sizeof buf,
             "{\"lr\": %.17g, \"epochs\": %d, \"batch\": %d, \"seed\": %llu, \"shuffle\": %s, %s, "
             "\"weight_init\": \"%s\", \"hidden\": \"%s\", \"activation\": \"%s\", \"alpha\": %.17g, \"loss\": \"%s\", "
             "\"residual\": %s, \"dev\": \"%s\", \"test\": \"%s\", \"test_set\": \"%s\", \"train_rows\": %d, "
             "\"l2\": %.17g, \"l1\": %.17g, \"decay_bias\": %s, \"keep_prob\": \"%s\", \"input_keep_prob\": %.17g, "
             "\"batchnorm\": %s, \"bn_momentum\": %.17g, \"early_stop\": %d, \"min_delta\": %.17g, "
             "\"early_stop_metric\": \"%s\", \"augment_shift\": %d, \"augment_rotate\": %.17g, "
             "\"augment_flip\": %s, \"augment_noise\": %.17g, \"standardize_targets\": %s}",
             c->lr, c->epochs, c->batch, (unsigned long long)o->seed, c->shuffle ? "true" : "false", optim,
             hone_init_kind_name(a->init), o->arch.layers, hone_layer_kind_name(a->activation), o->arch.alpha,
             hone_loss_kind_name(a->loss), o->arch.residual ? "true" : "false", o->dev, o->test, test_set,
             o->train_rows, o->reg.l2, o->reg.l1, o->reg.decay_bias ? "true" : "false", o->reg.keep_prob,
             o->reg.input_keep_prob, o->reg.batchnorm ? "true" : "false", o->reg.bn_momentum, o->reg.early_stop,
             c->early_stopping.min_delta, c->early_stopping.on_accuracy ? "accuracy" : "loss", o->reg.augment_shift,
             o->reg.augment_rotate, o->reg.augment_flip ? "true" : "false", o->reg.augment_noise,
             o->standardize_targets ? "true" : "false");
    return buf;
}

/* json (an object) with the digests of the split's train and dev rows added, for diagnose to
 * tell whether its data makes the same split, and a CSV file's layout (cli_csv_layout_json) and
 * header names (cli_feature_names_json), for the commands that run the model to read its data as
 * it was trained; malloc'd, NULL when out of memory. Kept apart from the options a --resume
 * compares: the checkpoint checks its rows itself, naming them. */
static char *with_data(const char *json, const hone_split *split, const hone_data_source *source) {
    const size_t n = strlen(json) - 1; /* without its closing brace */
    /* a list of target columns, up to a CLI_TEXT_MAX option's 512, each name and index quoted */
    char train[17], dev[17], layout[16 * CLI_TEXT_MAX];
    cli_view_digest(&split->train, train);
    cli_view_digest(&split->dev, dev);
    cli_csv_layout_json(layout, sizeof layout, source, split->train.data);
    char *names = cli_feature_names_json(split->train.data);
    const size_t cap = names ? n + strlen(layout) + strlen(names) + 128 : 0;
    char *out = names ? malloc(cap) : NULL;
    if (out)
        snprintf(out, cap, "%.*s, \"train_checksum\": \"%s\", \"dev_checksum\": \"%s\"%s%s}", (int)n, json, train,
                 dev, layout, names);
    free(names);
    return out;
}

/* A class is an output unit, and the labels' largest value sets how many: warns when classes
 * have no rows (labels counted from 1, or prices read as 311,370 classes of a 20-million-weight
 * network, without a word) and when there is one class alone, named in path, the labels' file (--labels for an
 * .npy or IDX images file, not the features'). False when out of memory. */
static bool class_warnings(const hone_dataset *data, const char *path) {
    bool *seen = calloc((size_t)data->n_classes, sizeof *seen);
    if (!seen) return false;
    for (size_t i = 0; i < data->n; i++) seen[data->label[i]] = true;
    int empty = 0, first_empty = -1;
    for (int c = 0; c < data->n_classes; c++)
        if (!seen[c] && !empty++) first_empty = c;
    const int present = data->n_classes - empty;
    free(seen);
    if (present == 1)
        fprintf(stderr, "hone train: warning: %s: every label is %d: one class, nothing to tell apart\n", path,
                data->n_classes - 1);
    else if (empty == 1)
        fprintf(stderr, "hone train: warning: %s: class %d has no rows among labels 0 to %d%s; it is an output all the "
                "same\n", path, first_empty, data->n_classes - 1, first_empty == 0 ? " (labels counted from 1?)" : "");
    else if (empty > 1)
        fprintf(stderr, "hone train: warning: %s: %d of the %d classes (labels 0 to %d) have no rows; each is an output "
                "all the same (real-valued targets? they need --regression)\n", path, empty, data->n_classes,
                data->n_classes - 1);
    return true;
}

/* " in column K" of target k among data's several into which [48] ("" for one target): of a CSV
 * file, the file's column, 1-based as the reader's messages count them (the targets' second may
 * be the file's fifth); of an .npy file, y's column. */
static const char *target_which(char which[48], const hone_dataset *data, size_t k) {
    which[0] = '\0';
    if (data->t > 1)
        snprintf(which, 48, " in column %zu", data->target_columns ? (size_t)data->target_columns[k] + 1 : k + 1);
    return which;
}

/* A feature or target whose values differ in the file but are all one value once held in
 * hone_real (1e8 and 1e8 + 1 in float32) is constant to training, and no statistic of the held
 * values can tell; the readers mark the first of each (hone_dataset.collapsed_*). A target is
 * named in the file it came from, targets_path (--labels, or the data). */
static void collapse_warnings(const hone_dataset *data, const char *path, const char *targets_path) {
    if (data->collapsed_feature)
        fprintf(stderr, "hone train: warning: %s: feature %zu varies in the file, but " HONE_REAL_NAME " holds every "
                "value of it as %.9g: training sees it as constant; subtract an offset from it in the data\n", path,
                data->collapsed_feature, (double)data->x[data->collapsed_feature - 1]);
    if (data->collapsed_target) {
        char which[48];
        fprintf(stderr, "hone train: warning: %s: the target%s varies in the file, but " HONE_REAL_NAME " holds every "
                "value of it as %.9g: there is nothing to learn; subtract an offset from it in the data\n",
                targets_path, target_which(which, data, data->collapsed_target - 1),
                (double)data->target[data->collapsed_target - 1]);
    }
}

/* The step between hone_real values at v (float32's: 8 at 1e8). */
static double real_step(double v) {
    return sizeof(hone_real) == sizeof(float) ? (double)nextafterf((float)v, INFINITY) - (float)v
                                              : nextafter(v, INFINITY) - v;
}

/* A regression's target that is one value in every row, as the class warning says of one class:
 * nothing to learn (an id column or a flag taken for the target), and a run that reported a
 * loss of 1.5 "in units of the targets' variance" and high bias, without a word. One that varies
 * in the file and not once held is collapse_warnings'. Named in targets_path. */
static void constant_target_warning(const hone_dataset *data, const char *targets_path) {
    for (size_t k = 0; data->target && k < data->t; k++) {
        bool varies = false;
        for (size_t r = 1; r < data->n && !varies; r++) varies = data->target[r * data->t + k] != data->target[k];
        if (varies || data->collapsed_target == k + 1) continue;
        char which[48];
        fprintf(stderr, "hone train: warning: %s: the target%s is %.9g in every row: there is nothing to learn\n",
                targets_path, target_which(which, data, k), (double)data->target[k]);
        return; /* the first */
    }
}

/* Features are held in hone_real: one that varies little around a large value (1e8 + noise of
 * 1) kept little of its variation once rounded to float32's 7 digits, without a word. Warns of the
 * first feature whose spread is below 1e-5 of its mean (float32's steps there are 1/84 to 1/168 of
 * 1e-5 of it, so a deviation spans 168 steps or fewer), with the count; and so of a standardized
 * target (a price of 1e8 give or take 30, learnt in units of its spread, came back in steps of 8:
 * the rmse could not fall below them), named in targets_path (data's, the training data). */
static void precision_warning(const hone_model *m, const hone_dataset *data, const char *path,
                              const char *targets_path) {
    int count = 0, first = -1;
    for (int j = 0; j < m->inputs; j++) {
        const double mean = m->input_mean[j], sd = m->input_std[j];
        if (sd != 1 && sd < 1e-5 * fabs(mean) && !count++) first = j;
    }
    if (count)
        fprintf(stderr, "hone train: warning: %s: feature %d varies by %g around %g, where " HONE_REAL_NAME " holds "
                "steps of %g%s; subtract an offset from it in the data\n", path, first + 1, (double)m->input_std[first],
                (double)m->input_mean[first], real_step(m->input_mean[first]),
                count > 1 ? " (and more features like it)" : "");
    const int O = hone_model_outputs(m);
    for (int o = 0; m->loss == HONE_LOSS_MSE && o < O; o++) {
        const double mean = m->target_mean[o], sd = m->target_std[o];
        if (sd == 1 || !(sd < 1e-5 * fabs(mean))) continue;
        char which[48];
        fprintf(stderr, "hone train: warning: %s: the target%s varies by %g around %g, where " HONE_REAL_NAME " holds "
                "steps of %g, and so do its predictions; subtract an offset from it in the data\n", targets_path,
                target_which(which, data, (size_t)o), sd, mean, real_step(mean));
        return; /* the first, as of features */
    }
}

/* The option of hone train behind a field of hone_train_config that hone_train_config_check
 * refused (err->field), so that the message names it, and a config file's line when the value
 * came from one ("epochs must be at least 1" was all that was said of "epochs = -1" at line 4).
 * NULL for a field no option sets (the optimizer's and schedule's kinds come from names). */
static const char *config_option(const char *field) {
    static const struct {
        const char *field, *option;
    } table[] = {
        {"epochs", "epochs"},
        {"batch", "batch"},
        {"lr", "lr"},
        {"optimizer.beta1", "beta1"},
        {"optimizer.beta2", "beta2"},
        {"optimizer.eps", "eps"},
        {"optimizer.weight_decay", "weight-decay"},
        {"schedule.rate", "decay-rate"},
        {"schedule.step_size", "step-size"},
        {"schedule.warmup", "warmup"},
        {"schedule.min_lr", "min-lr"},
        {"schedule.per_step", "per-step"},
        {"schedule.factor", "factor"},
        {"schedule.patience", "patience"},
        {"schedule.threshold", "threshold"},
        {"clip_value", "clip-value"},
        {"clip_norm", "clip-norm"},
        {"normalize_grad", "normalize-grad"},
        {"early_stopping.patience", "early-stop"},
        {"early_stopping.min_delta", "min-delta"},
        {"augment.shift", "augment-shift"},
        {"augment.rotate", "augment-rotate"},
        {"augment.noise", "augment-noise"},
    };
    for (size_t k = 0; field && k < sizeof table / sizeof *table; k++)
        if (!strcmp(field, table[k].field)) return table[k].option;
    return NULL;
}

/* The network of a model from --init, and its --layers and --keep-prob text. */
typedef struct init_network {
    hone_mlp_spec spec;
    int widths[CLI_MAX_HIDDEN];                         /* spec.hidden */
    float keep[CLI_MAX_HIDDEN];                         /* spec.keep_prob */
    char layers[CLI_TEXT_MAX], keep_text[CLI_TEXT_MAX]; /* --layers and --keep-prob text */
} init_network;

/* Reads m's network into *net; -1 with the message printed when train's options cannot say it. */
static int init_network_of(const hone_model *m, const char *path, init_network *net) {
    hone_error err;
    if (hone_model_spec_of(m, &net->spec, net->widths, net->keep, CLI_MAX_HIDDEN, &err)) {
        cli_error("train", "--init %s: the network is not one train's options describe: %s", path, err.message);
        return -1;
    }
    /* widths with runs as WxK, keep probabilities as one value when all are equal */
    const int n = net->spec.n_hidden;
    size_t at = 0;
    int all_equal = 1, failed = 0;
    net->layers[0] = net->keep_text[0] = 0;
    for (int h = 0, run; h < n && !failed; h += run) {
        for (run = 1; h + run < n && net->widths[h + run] == net->widths[h];) run++;
        failed = run > 1 ? cli_append(net->layers, sizeof net->layers, &at, "%s%dx%d", h ? "," : "", net->widths[h], run)
                         : cli_append(net->layers, sizeof net->layers, &at, "%s%d", h ? "," : "", net->widths[h]);
    }
    for (int h = 1; h < n; h++) all_equal = all_equal && net->keep[h] == net->keep[0];
    at = 0;
    if (all_equal) failed = failed || cli_append(net->keep_text, sizeof net->keep_text, &at, "%g", n ? net->keep[0] : 1.0);
    for (int h = 0; !all_equal && h < n && !failed; h++)
        failed = cli_append(net->keep_text, sizeof net->keep_text, &at, "%s%g", h ? "," : "", net->keep[h]);
    if (failed) {
        cli_error("train", "--init %s: its %d hidden layers do not fit in %d characters of --layers and --keep-prob",
                  path, n, CLI_TEXT_MAX - 1);
        return -1;
    }
    return 0;
}

/* A model from --init brings its own network. Architecture options given (on the command line
 * or in a config file) must describe it; those that only shape a new network (its initialization,
 * the leaky slope, batch norm's momentum) cannot and are refused; an error names the first. The
 * options are then set to the model's own, so that its metadata records the network trained.
 * Regularization (--l2, --l1, --decay-bias) applies to it as to a new network. Returns 0, or -1
 * with the message printed. */
static int init_fits(train_options *o, cli_arch_spec *arch, hone_model *m, const init_network *net) {
    const hone_mlp_spec *spec = &net->spec;
    const int activation = spec->n_hidden ? (int)spec->activation : -1; /* -1: no hidden layer, no activation */
    float keep[CLI_MAX_HIDDEN];
    if (cli_regularize_network("train", &o->reg, spec->n_hidden, keep)) return -1;
    bool same_layers = arch->n_hidden == spec->n_hidden, same_keep = true;
    for (int h = 0; h < spec->n_hidden; h++) {
        same_layers = same_layers && arch->hidden[h] == spec->hidden[h];
        same_keep = same_keep && keep[h] == spec->keep_prob[h];
    }
    const char *wrong = NULL;
    if (cli_given(o->arch.layers) && !same_layers) wrong = "--layers";
    else if (cli_given(o->arch.activation) && activation >= 0 && arch->activation != activation)
        wrong = "--activation";
    else if (cli_given(&o->reg.batchnorm) && o->reg.batchnorm != spec->batchnorm) wrong = "--batchnorm";
    else if (cli_given(&o->arch.residual) && o->arch.residual != spec->residual) wrong = "--residual";
    else if (cli_given(o->reg.keep_prob) && !same_keep) wrong = "--keep-prob";
    else if (cli_given(&o->reg.input_keep_prob) && (float)o->reg.input_keep_prob != spec->input_keep_prob)
        wrong = "--input-keep-prob";
    else if (cli_given(o->arch.weight_init)) wrong = "--weight-init";
    else if (cli_given(&o->arch.init_scale)) wrong = "--init-scale";
    else if (cli_given(&o->arch.zero_residual)) wrong = "--zero-residual";
    else if (cli_given(&o->arch.alpha)) wrong = "--alpha";
    else if (cli_given(&o->reg.bn_momentum)) wrong = "--bn-momentum";
    if (wrong) {
        cli_error("train", "%s: the network comes from --init %s (hidden layers %s, %s%s%s, keep probability %s); "
                  "leave %s out, or train a new model without --init", wrong, o->init,
                  spec->n_hidden ? net->layers : "none",
                  activation >= 0 ? hone_layer_kind_name((hone_layer_kind)activation) : "no activation",
                  spec->batchnorm ? ", batch norm" : "", spec->residual ? ", residual" : "", net->keep_text, wrong);
        return -1;
    }
    snprintf(o->arch.layers, sizeof o->arch.layers, "%s", net->layers);
    snprintf(o->reg.keep_prob, sizeof o->reg.keep_prob, "%s", net->keep_text);
    o->reg.batchnorm = spec->batchnorm;
    if (activation >= 0) arch->activation = activation;
    hone_error err;
    if (hone_model_set_regularization(m, o->reg.l2, o->reg.l1, o->reg.decay_bias, &err)) {
        cli_error("train", "%s", err.message);
        return -1;
    }
    return 0;
}

/* Whether a and b print alike in a metrics file (%.6g): a row read back against the figure it was. */
static bool same_figure(double a, double b) {
    char ta[32], tb[32];
    snprintf(ta, sizeof ta, "%.6g", a);
    snprintf(tb, sizeof tb, "%.6g", b);
    return !strcmp(ta, tb);
}

/* Opens the metrics file, truncating nothing yet (metrics_start does, once every output is open);
 * a resumed run (epochs_done > 0) reads the rows of the epochs its checkpoint has done into
 * *rows [*n], for metrics_start to keep (and refuses a file whose row of the checkpoint's epoch is
 * another run's: last, its figures). */
static int metrics_open(cli_metrics_writer *w, const char *path, const hone_epoch_stats *last, int epochs_done,
                        hone_epoch_stats **rows, size_t *n) {
    /* only a file has rows to go on from: a FIFO would block the read, /dev/null has no epochs;
     * both are written as new */
    struct stat st;
    const bool go_on = epochs_done > 0 && !stat(path, &st) && S_ISREG(st.st_mode);
    if (go_on && cli_metrics_read("train", path, rows, n)) return -1;
    /* the row of the checkpoint's epoch, when there (a stretch resumed without --metrics leaves a
     * gap), has the figures the checkpoint holds for it: rows of another run would be mixed into
     * this run's without a word */
    const hone_epoch_stats *kept = NULL; /* the last row kept */
    for (size_t i = 0; i < *n; i++)
        if ((*rows)[i].epoch <= epochs_done) kept = &(*rows)[i];
    if (kept && kept->epoch == epochs_done && !same_figure(kept->train_loss, last->train_loss)) {
        cli_error("train", "--metrics %s: epoch %d's train loss is %.6g there, %.6g in the checkpoint: another run's "
                  "file (give this run's, or a new file)", path, epochs_done, kept->train_loss, last->train_loss);
        return -1;
    }
    return cli_metrics_open(w, "train", path);
}

/* Truncates the metrics file and writes the rows [n] of the epochs before the checkpoint's
 * (epochs_done), for the file and the plot, so both read as if the run had not stopped. */
static int metrics_start(cli_metrics_writer *w, const hone_epoch_stats *rows, size_t n, int epochs_done,
                         cli_progress *prog) {
    if (cli_metrics_start(w, "train")) return -1;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].epoch > epochs_done) continue;
        cli_metrics_write(w, &rows[i]);
        cli_history_add(prog->history, &rows[i]);
    }
    return 0;
}

/* The options' defaults. */
static train_options train_defaults(void) {
    return (train_options){
        .data = CLI_DATA_DEFAULTS,
        .dev = "auto",
        .test = "auto",
        .arch = CLI_ARCH_DEFAULTS,
        .optim = CLI_OPTIM_DEFAULTS,
        .reg = CLI_REGULARIZE_DEFAULTS,
        .stats_every = 100,
        .epochs = 10, .batch = 128, .lr = 1e-3, .seed = 42, .shuffle = 1, .standardize_targets = 1,
        .ck = CLI_CHECKPOINT_DEFAULTS,
    };
}

enum { TRAIN_OPTIONS_MAX = 96 };

/* hone train's option table, setting o, into options[TRAIN_OPTIONS_MAX] (with its zero entry),
 * and the command: one table for hone train and for hone tune's checks of its trials. */
static cli_command train_command(train_options *o, cli_option *options) {
    const cli_option table[] = {
        CLI_DATA_OPTIONS(o->data),
        {"test-data", CLI_TEXT, o->test_data, "PATH", "a separate test set (same formats as --data)"},
        {"test-labels", CLI_TEXT, o->test_labels, "PATH", "labels file for an .npy or IDX images --test-data"},
        {"dev", CLI_TEXT, o->dev, "auto|F|N", "dev rows: fraction below 1 or count (auto: 20%, at most 10000)"},
        {"test", CLI_TEXT, o->test, "auto|F|N", "test rows carved from --data when it has no test set"},
        {"train-rows", CLI_INT, &o->train_rows, "N", "use only the first N rows of the shuffled training split (0: all)"},
        {"standardize-targets", CLI_FLAG, &o->standardize_targets, NULL,
         "regression: learn the targets standardized on the train split, losses in units of their variance "
         "(--no-standardize-targets: as they are)"},
        CLI_ARCH_OPTIONS(o->arch),
        {"init", CLI_TEXT, o->init, "MODEL", "start from a saved model's weights and standardization"},
        {"epochs", CLI_INT, &o->epochs, "N", "passes over the training set"},
        {"batch", CLI_INT, &o->batch, "N", "mini-batch size (1: stochastic; >= rows: full batch)"},
        {"lr", CLI_REAL, &o->lr, "X", "learning rate: lr0 in the --schedule's formula (the first epoch's rate but with warm-up, or inverse_sqrt's --decay-rate)"},
        CLI_OPTIM_OPTIONS(o->optim),
        CLI_NETWORK_REGULARIZE_OPTIONS(o->reg),
        CLI_TRAINING_REGULARIZE_OPTIONS(o->reg),
        {"layer-stats", CLI_TEXT, o->layer_stats, "FILE", "per-layer statistics as CSV, every --stats-every steps"},
        {"stats-every", CLI_INT, &o->stats_every, "N", "steps between per-layer statistics"},
        {"seed", CLI_SEED, &o->seed, "N", "seed for the split, initialization and shuffling"},
        {"shuffle", CLI_FLAG, &o->shuffle, NULL, "reshuffle every epoch (--no-shuffle keeps one order)"},
        CLI_THREADS_OPTION(o->threads),
        {"save", CLI_TEXT, o->save, "PATH", "write the model here (safetensors)"},
        CLI_CHECKPOINT_OPTIONS(o->ck),
        {"metrics", CLI_TEXT, o->metrics, "FILE", "write per-epoch metrics as they come (CSV if FILE ends .csv, else JSON lines)"},
        {"plot", CLI_TEXT, o->plot, "FILE.svg", "draw the learning curves (train and dev loss and accuracy) at the end"},
        {"base-error", CLI_REAL, &o->base_error, "X",
         "human-level or Bayes error for the closing diagnosis: a fraction, or a regression's MSE in units of the "
         "targets' variance (0: unknown)"},
        {"json", CLI_FLAG, &o->json, NULL, "print one JSON result line instead of text, and no progress"},
        {"quiet", CLI_FLAG, &o->quiet, NULL, "no per-epoch progress"},
        {0},
    };
    _Static_assert(sizeof table <= TRAIN_OPTIONS_MAX * sizeof *table, "TRAIN_OPTIONS_MAX is too small");
    memcpy(options, table, sizeof table);
    return (cli_command){"train", "hone train [options]",
                         "Trains a network by mini-batch gradient descent on a train split, reports\n"
                         "dev metrics every epoch and train/dev/test at the end.",
                         options, NULL};
}

/* What train checks of its options before it reads the data, and the training configuration
 * they make (cfg). Prints no warning and starts no thread, so that hone tune can check its
 * trials' options with it. name_option: a refusal of the library's config check is prefixed with
 * its option ("--epochs: "), which tune's messages name already. Returns 0, or -1 with the
 * message printed ("hone CMD: ..."). */
static int options_check(const char *cmd, const train_options *o, hone_train_config *cfg, int name_option) {
    hone_error err = {0};
    *cfg = hone_train_config_default();
    cfg->epochs = o->epochs;
    cfg->batch = o->batch;
    cfg->lr = o->lr;
    cfg->shuffle = o->shuffle;
    cfg->seed = o->seed;
    if (cli_optim_resolve(cmd, &o->optim, cfg) || cli_regularize_training(cmd, &o->reg, cfg)) return -1;
    if (hone_train_config_check(cfg, &err)) {
        const char *option = name_option ? config_option(err.field) : NULL;
        if (option) cli_error(cmd, "--%s: %s", option, err.message); /* cli_error names a config file's line */
        else cli_error(cmd, "%s", err.message);
        return -1;
    }
    if (cli_threads_check(cmd, o->threads) || cli_base_error_check(cmd, o->base_error, o->data.regression) ||
        cli_int_in(cmd, "--stats-every", o->stats_every, 1, INT_MAX))
        return -1;
    if (o->train_rows < 0) {
        cli_error(cmd, "--train-rows must be at least 1 (0 or absent: every row), got %d", o->train_rows);
        return -1;
    }
    return cli_checkpoint_check(cmd, &o->ck);
}

int cli_train_option_type(const char *name) {
    train_options o = train_defaults();
    cli_option options[TRAIN_OPTIONS_MAX];
    const cli_command cmd = train_command(&o, options);
    const cli_option *found = cli_find_option(&cmd, name);
    return found ? (int)found->type : -1;
}

/* cli_train_options_check's checks of the options in o, messages as "hone PREFIX: ...". */
static int dry_check(const char *prefix, const train_options *o) {
    hone_train_config cfg;
    hone_data_source source;
    if (options_check(prefix, o, &cfg, 0) || cli_data_source(prefix, &o->data, &source) ||
        cli_test_options(prefix, o->test_data, o->test_labels))
        return -1;
    /* the network's options, as train checks them once the data is read: class labels unless
     * --regression (the loss must fit which), and two classes, which every loss takes */
    cli_arch_spec arch;
    if (cli_arch_resolve(prefix, &o->arch, !o->data.regression, 2, &arch)) return -1;
    float keep[CLI_MAX_HIDDEN];
    if (*o->init) return 0; /* the network is the model's, which train checks them against */
    return cli_regularize_check(prefix, &o->reg, arch.n_hidden, keep) || cli_residual_blocks(prefix, &o->arch, &arch)
               ? -1
               : 0;
}

int cli_train_options_check(const char *cmd, const char *where, const char *const *keys, const char *const *values,
                            int n) {
    train_options o = train_defaults();
    cli_option options[TRAIN_OPTIONS_MAX];
    cli_command train = train_command(&o, options);
    train.name = cmd;
    char prefix[CLI_TEXT_MAX + 256]; /* cli_error prints "hone CMD: ", so CMD carries where */
    snprintf(prefix, sizeof prefix, "%s: %s", cmd, where ? where : "");
    const int was = cli_mute_errors(where == NULL);
    cli_given_push(); /* tune's own options, set aside: this check's are o's, gone with this frame */
    const int rc = cli_parse_pairs(&train, keys, values, n, where ? where : "") || dry_check(prefix, &o) ? -1 : 0;
    cli_given_pop();
    cli_mute_errors(was);
    return rc;
}

int cmd_train(int argc, char **argv) {
    train_options o = train_defaults();
    cli_option options[TRAIN_OPTIONS_MAX];
    const cli_command cmd = train_command(&o, options);
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;

    hone_error err = {0};
    hone_train_config cfg;
    if (options_check("train", &o, &cfg, 1)) return CLI_EXIT_USAGE;
    cli_optim_warn("train", &o.optim);
    cli_regularize_warn("train", &o.reg, !*o.init);
    /* two weight decays at once, the one AdamW was made to replace among them (an L2 gradient that
     * Adam divides by its scale decays weights of large gradients less) */
    if (o.reg.l2 > 0 && cfg.optimizer.kind == HONE_OPTIMIZER_ADAMW && cfg.optimizer.weight_decay > 0)
        fprintf(stderr, "hone train: warning: --l2 %g with adamw, whose own weight decay (%g) decays the weights too: "
                        "for one of them, --weight-decay 0, or --optimizer adam with --l2\n", o.reg.l2,
                cfg.optimizer.weight_decay);
    if (!*o.init) cli_arch_warn("train", &o.arch); /* with --init, train refuses them */
    if (cli_given(&o.standardize_targets) && (*o.init || !o.data.regression))
        fprintf(stderr, "hone train: warning: --%sstandardize-targets does nothing %s\n",
                o.standardize_targets ? "" : "no-",
                *o.init ? "with --init (the model's own standardization is kept)" : "without --regression");
    if (cli_threads("train", o.threads)) return CLI_EXIT_USAGE;
    const cli_path reads[] = {{"--data", o.data.data, NULL, 0},      {"--labels", o.data.labels, NULL, 0},
                               {"--test-data", o.test_data, NULL, 0}, {"--test-labels", o.test_labels, NULL, 0},
                               {"--init", o.init, NULL, 0},           {"--resume", o.ck.resume, NULL, 0}};
    /* --metrics and --layer-stats are written in place, the others renamed over their names */
    const cli_path writes[] = {{"--save", o.save, NULL, 0},       {"--checkpoint", o.ck.path, o.ck.resume, 0},
                                {"--metrics", o.metrics, NULL, 1}, {"--plot", o.plot, NULL, 0},
                                {"--layer-stats", o.layer_stats, NULL, 1}};
    if (cli_outputs_check("train", reads, CLI_COUNT(reads), writes, CLI_COUNT(writes)) ||
        cli_checkpoint_fresh("train", &o.ck))
        return CLI_EXIT_USAGE;

    hone_data_source source;
    if (cli_data_source("train", &o.data, &source) || cli_test_options("train", o.test_data, o.test_labels))
        return CLI_EXIT_USAGE;
    hone_dataset *data = NULL, *test_data = NULL;
    hone_model *model = NULL;
    double *rmse = NULL; /* a regression's final rmse, per split and target */
    hone_split split = {0};
    cli_metrics_writer metrics = {0};
    hone_epoch_stats *metrics_kept = NULL; /* a resumed run's rows of its --metrics file */
    size_t n_metrics_kept = 0;
    cli_history history = {0};        /* for --plot */
    hone_train_state resumed = {0};   /* --resume */
    int exit_code = CLI_EXIT_FAIL;
    if (cli_load_with_test(&source, NULL, o.test_data, o.test_labels, &data, &test_data, &err)) goto fail;
    if (cli_data_answers("train", data, &source)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    collapse_warnings(data, source.path, cli_truth_path(&o.data));
    constant_target_warning(data, cli_truth_path(&o.data));
    if (data->label && !class_warnings(data, cli_truth_path(&o.data))) {
        cli_error("train", "out of memory");
        goto done;
    }
    double dev, test;
    if (cli_split_sizes("train", o.dev, o.test, data->n, test_data != NULL, &dev, &test) ||
        cli_split_rows_check("train", o.dev, o.test, data->n, dev, test)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (hone_split_make(&split, data, test_data, dev, test, cfg.seed, &err)) goto fail;
    const char *test_set = test_data ? "separate" : "carved";
    if (o.train_rows > 0 && (size_t)o.train_rows < split.train.n) split.train.n = (size_t)o.train_rows;
    if (split.dev.n == 0 && (cfg.schedule.kind == HONE_SCHEDULE_PLATEAU || cfg.early_stopping.patience > 0)) {
        cli_error("train", "%s, and there is no dev set (--dev %s)",
                  cfg.schedule.kind == HONE_SCHEDULE_PLATEAU ? "--schedule plateau follows the dev loss"
                                                            : "--early-stop watches the dev set", o.dev);
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }

    cli_arch_spec arch;
    int n_classes = data->n_classes;
    if (test_data && test_data->n_classes > n_classes) n_classes = test_data->n_classes;
    if (cli_arch_resolve("train", &o.arch, data->label != NULL, n_classes, &arch)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    int outputs = cli_arch_outputs(&arch, n_classes, data->t);
    if (*o.init) {
        if (hone_model_load(&model, o.init, &err)) goto fail;
        if ((size_t)model->inputs != data->d || hone_model_outputs(model) != outputs || (int)model->loss != arch.loss) {
            cli_error("train", "%s: the model has %d inputs, %d outputs and %s loss; the data needs %zu, %d and %s",
                      o.init, model->inputs, hone_model_outputs(model), hone_loss_kind_name(model->loss), data->d,
                      outputs, hone_loss_kind_name(arch.loss));
            goto done;
        }
        char init_data[CLI_TEXT_MAX + 32]; /* the weights of features named otherwise would meet other data */
        snprintf(init_data, sizeof init_data, "the training data of --init %s", o.init);
        if (cli_model_names_fit("train", model, init_data, data, source.path)) goto done;
        snprintf(init_data, sizeof init_data, "--init %s", o.init); /* its weights are those of pixels so placed */
        if (cli_image_fits("train", model, init_data, data, source.path)) goto done;
        init_network net; /* exit 1, as for other inputs or outputs: not a network train builds */
        if (init_network_of(model, o.init, &net)) goto done;
        if (init_fits(&o, &arch, model, &net)) {
            exit_code = CLI_EXIT_USAGE;
            goto done;
        }
    } else {
        float keep[CLI_MAX_HIDDEN];
        if (cli_regularize_network("train", &o.reg, arch.n_hidden, keep) ||
            cli_residual_blocks("train", &o.arch, &arch)) {
            exit_code = CLI_EXIT_USAGE;
            goto done;
        }
        if (cli_model_build(&model, (int)data->d, outputs, &o.arch, &arch, &o.reg, keep, &err)) goto fail;
        if (arch.init == HONE_INIT_ZEROS)
            fprintf(stderr, "hone train: warning: --weight-init zeros gives every unit of a layer the same "
                            "weights and the same gradient, so they never become different; use he or xavier\n");
        hone_rng rng;
        hone_rng_seed(&rng, cfg.seed ^ 0x5bd1e995u);
        if (!*o.ck.resume) { /* a resumed run takes all of this from its checkpoint */
            if (hone_model_init(model, arch.init, o.arch.init_scale, &rng, &err)) goto fail;
            if (o.arch.residual && o.arch.zero_residual) hone_model_zero_residual_branches(model);
            if (hone_model_standardize_fit(model, &split.train, &err)) goto fail;
            for (int k = 0; !o.standardize_targets && k < outputs; k++) { /* the targets as they are */
                model->target_mean[k] = 0;
                model->target_std[k] = 1;
            }
            precision_warning(model, data, source.path, cli_truth_path(&o.data));
        }
    }
    /* the library's refusal names no option and no file: a CSV (or an NPY of [n, 784]) has no
     * height and width to move pixels in, and noise, which needs none, is the one to use */
    const hone_augment *aug = &cfg.augment;
    if ((aug->shift || aug->rotate > 0 || aug->flip) && !(data->height && data->width)) {
        char given[128];
        snprintf(given, sizeof given, "%s%s%s", aug->shift ? ", --augment-shift" : "",
                 aug->rotate > 0 ? ", --augment-rotate" : "", aug->flip ? ", --augment-flip" : "");
        cli_error("train", "%s: %s is not images (rows of %zu features, no height and width): shift, rotation and flip "
                           "need IDX images or an NPY file of images ([n, height, width], or with one channel); "
                           "--augment-noise needs neither",
                  given + 2, source.path, data->d);
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    /* what training would refuse at its start (early stopping on a regression's accuracy, a
     * per-step warm-up as long as the run, ...), refused now as the options' error */
    if (hone_train_check(model, &split, &cfg, &err)) {
        cli_error("train", "%s", err.message);
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    /* batch norm over one row outputs its beta whatever the input (x - mean is 0): PyTorch refuses
     * it, and so does hone, for every batch, the epoch's last (n mod batch rows) too */
    const size_t rows = split.train.n, bn_batch = (size_t)cfg.batch < rows ? (size_t)cfg.batch : rows;
    if (o.reg.batchnorm && (bn_batch == 1 || rows % bn_batch == 1)) {
        if (bn_batch == 1)
            cli_error("train", "batch norm needs batches of 2 rows or more: over one row it outputs its beta, whatever "
                               "the input (--batch %d, %zu training rows)", cfg.batch, rows);
        else {
            size_t other = bn_batch + 1; /* the next batch size that leaves no row alone */
            while (rows % other == 1) other++;
            cli_error("train", "batch norm needs batches of 2 rows or more, and %zu training rows in batches of %zu "
                               "leave 1 in the last: over one row it outputs its beta; use --batch %zu, say",
                      rows, bn_batch, other);
        }
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (*o.ck.resume) { /* the checkpoint's weights, statistics and state, if it is this run's */
        char what[512], layout[16 * CLI_TEXT_MAX];
        const char *run = config_json(&o, &arch, &cfg, test_set);
        /* its --label-column; none for data that is not a CSV file, which has no columns to compare */
        const bool csv = cli_csv_layout_json(layout, sizeof layout, &source, split.train.data);
        int differs = 0;
        if (hone_checkpoint_load(&resumed, model, o.ck.resume, &err)) {
            /* a network that differs (--keep-prob 0.5 added a layer) is named by the option behind
             * it, read from the checkpoint's header: "its network has 3 layers, this network 4" */
            char *written = NULL;
            hone_error ignored;
            if (err.code == HONE_ERR_VALUE && !hone_model_read_config(o.ck.resume, &written, &ignored) && written)
                differs = cli_config_differs(written, run, what, sizeof what);
            if (written && !differs && cli_layout_differs(written, csv ? layout : NULL, what, sizeof what)) differs = 1;
            free(written);
            if (!differs) goto fail;
        } else { /* other label columns would be caught by the rows' digest, which could not say why */
            differs = cli_config_differs(model->config_json, run, what, sizeof what);
            if (!differs && cli_layout_differs(model->config_json, csv ? layout : NULL, what, sizeof what)) differs = 1;
        }
        if (differs) {
            cli_error("train", "--resume %s: %s; %s", o.ck.resume, what,
                      differs == 1   ? "resume with the options it was written with"
                      : differs == 2 ? "an older hone wrote it, before the option was kept: finish the run with that "
                                       "version, or start it again"
                                     : "no options given now can be checked against it: start the run again");
            exit_code = CLI_EXIT_USAGE;
            goto done;
        }
    }
    free(model->config_json); /* kept in checkpoints too */
    if (!(model->config_json = with_data(config_json(&o, &arch, &cfg, test_set), &split, &source))) {
        cli_error("train", "out of memory");
        goto done;
    }
    if (!o.quiet && !o.json)
    {
        fprintf(stderr, "data: %zu train, %zu dev, %zu test rows of %zu features", split.train.n, split.dev.n,
                split.test.n, data->d);
        if (data->height) fprintf(stderr, " (images of %zu x %zu pixels)", data->height, data->width);
        fprintf(stderr, "\nnetwork: %zu", data->d);
        for (int l = 0; l < model->n_layers; l++)
            if (model->layers[l].kind == HONE_LAYER_DENSE) fprintf(stderr, "-%d", model->layers[l].out);
        fprintf(stderr, " %s, %s loss, %zu parameters\n", hone_layer_kind_name(arch.activation),
                hone_loss_kind_name(model->loss), model->n_params);
        /* a model from --init brings dropout and batch norm the command line does not show */
        char reg[256];
        cli_regularization_describe(reg, sizeof reg, model, &cfg, 0);
        if (*reg) fprintf(stderr, "regularization: %s\n", reg);
        /* --l2 1e6 printed a train loss of 336290 beside a dev loss of 3.1, and nothing said why */
        if (model->l2 > 0 || model->l1 > 0)
            fprintf(stderr, "  (each epoch's train loss below is the cost minimized, data loss plus the penalty; the final "
                            "figures are the data loss alone)\n");
        cli_blas_note(stderr, "hone train trains on its AVX-512 kernels");
    }

    cli_progress prog;
    cli_progress_start(&prog, o.quiet, o.json, split.train.n, model->loss == HONE_LOSS_SIGMOID_CE ? outputs : 1);
    prog.history = *o.plot ? &history : NULL;
    const int epochs_done = *o.ck.resume ? resumed.epoch : 0;
    if (*o.metrics && metrics_open(&metrics, o.metrics, &resumed.last, epochs_done, &metrics_kept, &n_metrics_kept))
        goto done;
    prog.metrics = *o.metrics ? &metrics : NULL;
    hone_train_hooks hooks = cli_progress_hooks(&prog);
    if (*o.layer_stats) {
        /* a checkpoint's model holds the run's step count, the step column of the rows to keep */
        if (cli_layer_stats_open("train", o.layer_stats, *o.ck.resume != 0, model->opt_steps, o.stats_every))
            goto done;
        hooks.on_layer_stats = cli_layer_stats_write;
        hooks.stats_every = o.stats_every;
    }
    /* every output is open: the metrics file is truncated only now (a --layer-stats that could not
     * be opened left an earlier run's metrics header-only) */
    if (*o.metrics && metrics_start(&metrics, metrics_kept, n_metrics_kept, epochs_done, &prog)) goto done;
    /* A checkpoint keeps no figures of the epochs before it: a resumed run's plot has them from
     * the --metrics file alone. Without them the curves are drawn from the resume on, said here
     * rather than refused: the run's later epochs are still worth a plot, and --metrics added
     * only now could not bring the earlier ones back */
    if (prog.history && resumed.epoch > 0 && history.n < (size_t)resumed.epoch)
        fprintf(stderr, "hone train: warning: --plot %s draws %zu of the %d epochs before the checkpoint: a checkpoint "
                        "keeps no epoch's figures, a --metrics file given from the run's start keeps them all\n",
                o.plot, history.n, resumed.epoch);
    if (*o.ck.path) {
        hooks = cli_checkpoint_hooks(&o.ck, hooks);
        cli_signals_catch();
    }
    hone_epoch_stats last = {0};
    hone_status trained = hone_train_resume(model, &split, &cfg, &hooks, *o.ck.resume ? &resumed : NULL, &last, &err);
    cli_signals_restore();
    cli_progress_end(&prog);
    if (trained == HONE_OK) cli_progress_min_delta_warn(&prog, &cfg.early_stopping, last.best_epoch);
    if (trained == HONE_ERR_DIVERGED) exit_code = CLI_EXIT_DIVERGED; /* scripts (hone tune) tell it apart */
    if (cli_layer_stats_close("train")) goto done;
    if (trained == HONE_ERR_VALUE && *o.ck.resume) { /* the checkpoint is not of this run */
        /* or it has trained more epochs than this run has: an option to change, as a differing one */
        const int epochs = err.field && !strcmp(err.field, "epochs");
        cli_error("train", "--resume %s: %s%s", o.ck.resume, err.message,
                  epochs ? "; give --epochs as many as the checkpoint's run, or more" : "");
        if (epochs) exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (trained == HONE_ERR_DIVERGED && *o.ck.path && (o.ck.written || !strcmp(o.ck.path, o.ck.resume))) {
        char where[64];
        int epoch = o.ck.written ? o.ck.epoch : resumed.epoch;
        size_t batch = o.ck.written ? o.ck.batch : resumed.batch;
        if (batch) snprintf(where, sizeof where, "at epoch %d, batch %zu", epoch + 1, batch);
        else snprintf(where, sizeof where, "after epoch %d", epoch);
        cli_error("train", "%s; the last checkpoint, %s (%s), is left as it was", err.message, o.ck.path, where);
        goto done;
    }
    if (trained) goto fail;
    if (cli_signal_caught() && !(last.stopped_early || last.epoch == cfg.epochs)) { /* the checkpoint is written */
        char where[64];
        if (o.ck.batch) snprintf(where, sizeof where, "at epoch %d, batch %zu", o.ck.epoch + 1, o.ck.batch);
        else snprintf(where, sizeof where, "after epoch %d", o.ck.epoch);
        cli_error("train", "interrupted %s: checkpoint written to %s; resume with hone train --resume %s and the same options",
                  where, o.ck.path, o.ck.path);
        exit_code = 128 + cli_signal_caught(); /* 130 for SIGINT, 143 for SIGTERM, as the shell reports them */
        goto done;
    }
    if (cli_metrics_close(&metrics, "train")) goto done;

    if (*o.save) { /* config_json was set before training */
        /* a signal waits for the save to end, and ends the run then: one that killed the save
         * left the library's temporary beside the model (a second signal still ends it at once,
         * removing the temporary) */
        cli_signals_catch();
        const hone_status saved = hone_model_save(model, o.save, &err);
        cli_signals_restore();
        if (saved) goto fail;
        if (cli_signal_caught()) {
            cli_error("train", "interrupted while saving: %s was saved whole first", o.save);
            exit_code = 128 + cli_signal_caught();
            goto done;
        }
    }
    if (*o.plot) {
        char subtitle[512];
        cli_plot_describe(subtitle, sizeof subtitle, model, arch.activation, &cfg);
        if (history.lost) {
            cli_error("train", "--plot %s: out of memory for the epochs' figures", o.plot);
            goto done;
        }
        if (cli_plot_svg("train", o.plot, history.rows, history.n, subtitle)) goto done;
    }
    /* the final figures come after the save: a row they cannot be had for (one far outside the
     * training rows, whose outputs overflow) leaves the trained model kept */
    double losses[3], accs[3], *rmses[3] = {NULL, NULL, NULL}; /* a regression's, one per target */
    const hone_view *views[3] = {&split.train, &split.dev, &split.test};
    const char *view_paths[3] = {source.path, source.path, *o.test_data ? o.test_data : source.path};
    const int mse = model->loss == HONE_LOSS_MSE;
    if (mse && !(rmse = calloc(3 * (size_t)outputs, sizeof *rmse))) {
        cli_error("train", "out of memory");
        goto done;
    }
    for (int k = 0; k < 3; k++) {
        if (mse) rmses[k] = rmse + (size_t)k * (size_t)outputs;
        hone_view_figures figures = {0, 0, rmses[k], NULL};
        const hone_status st = hone_model_figures(model, views[k], &figures, &err);
        losses[k] = figures.loss;
        accs[k] = figures.accuracy;
        if (st) {
            if (err.code != HONE_ERR_DIVERGED) goto fail;
            cli_error("train", "no final figures: %s: %s%s%s", view_paths[k], err.message,
                      *o.save ? "; the model is saved in " : "", o.save);
            goto done;
        }
    }
    if (o.json) {
        printf("{\"command\": \"train\", \"epochs\": %d, \"best_epoch\": %d, ", last.epoch, last.best_epoch);
        cli_json_number(stdout, "seconds", prog.seconds, 1);
        cli_json_number(stdout, "samples_per_s", prog.samples / prog.seconds, 1);
        cli_json_number(stdout, "train_loss", losses[0], 1);
        cli_json_number(stdout, "train_acc", accs[0], 1);
        cli_json_number(stdout, "dev_loss", losses[1], 1);
        cli_json_number(stdout, "dev_acc", accs[1], 1);
        cli_json_number(stdout, "test_loss", losses[2], 1);
        cli_json_number(stdout, "test_acc", accs[2], 1);
        if (mse) {
            cli_json_numbers(stdout, "train_rmse", rmses[0], outputs, 1);
            cli_json_numbers(stdout, "dev_rmse", rmses[1], outputs, 1);
            cli_json_numbers(stdout, "test_rmse", rmses[2], outputs, 1);
        }
        printf("\"parameters\": %zu", model->n_params);
        if (*o.save) {
            printf(", \"model\": ");
            cli_json_string(stdout, o.save);
        }
        printf("}\n");
    } else {
        if (prog.samples > 0)
            printf("trained %d epoch%s in %.1f s (%.0f samples/s)", last.epoch, last.epoch == 1 ? "" : "s", prog.seconds,
                   prog.samples / prog.seconds);
        else /* --resume of a run that had finished */
            printf("trained %d epoch%s, all before this run: nothing was left to train", last.epoch,
                   last.epoch == 1 ? "" : "s");
        if (cfg.early_stopping.patience > 0)
            printf("; %s, kept the weights of epoch %d (best dev %s)", last.stopped_early ? "stopped early" : "ran to the end",
                   last.best_epoch, cfg.early_stopping.on_accuracy ? "accuracy" : "loss");
        printf("; final figures:\n");
        print_row("train", split.train.n, losses[0], accs[0], rmses[0], outputs);
        print_row("dev", split.dev.n, losses[1], accs[1], rmses[1], outputs);
        print_row("test", split.test.n, losses[2], accs[2], rmses[2], outputs);
        if (*o.save) printf("saved %s\n", o.save);
        if (*o.plot) printf("wrote %s (%zu epoch%s)\n", o.plot, history.n, history.n == 1 ? "" : "s"); /* as hone plot */
        /* early stopping raised the training error only where it put back an earlier epoch */
        hone_train_config kept = cfg;
        if (last.best_epoch == last.epoch) kept.early_stopping.patience = 0;
        char regularized[256];
        cli_regularization_describe(regularized, sizeof regularized, model, &kept, 1);
        /* the rows trained on are read already: only memory can fail it, and then the note is left out */
        cli_constant_figures constant = {model->loss, losses[0], NAN, NAN};
        hone_model_constant_figures(model, &split.train, &constant.loss, &constant.acc, NULL);
        cli_diagnosis_print(stdout, mse ? losses[0] : 1 - accs[0], mse ? losses[1] : 1 - accs[1], o.base_error,
                            HONE_DIAGNOSE_TOLERANCE, cli_mse_units(model), regularized, split.dev.n, constant);
    }
    exit_code = CLI_EXIT_OK;
    goto done;
fail:
    cli_error("train", "%s", err.message);
done:
    cli_metrics_close(&metrics, "train");
    free(metrics_kept);
    hone_train_state_free(&resumed);
    free(rmse);
    free(history.rows);
    hone_model_free(model);
    hone_split_free(&split);
    hone_dataset_free(data);
    hone_dataset_free(test_data);
    return exit_code;
}
