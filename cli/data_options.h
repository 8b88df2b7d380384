/* data_options.h - the data options every command takes, and how they become a source. */
#ifndef HONE_CLI_DATA_OPTIONS_H
#define HONE_CLI_DATA_OPTIONS_H

#include "cli.h"
#include "hone.h"

#include <string.h>

#define HONE_DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

typedef struct cli_data {
    char data[CLI_TEXT_MAX];
    char labels[CLI_TEXT_MAX];
    char label_column[CLI_TEXT_MAX];
    char header[CLI_TEXT_MAX];
    int regression;
    char delimiter[CLI_TEXT_MAX];
} cli_data;

#define CLI_DATA_DEFAULTS {HONE_DEFAULT_DATA, "", "last", "auto", 0, ","}

#define CLI_DATA_OPTIONS(d)                                                                        \
    {"data", CLI_TEXT, (d).data, "PATH",                                                           \
     "IDX directory (Fashion-MNIST layout), .csv, .npy or IDX images file"},                       \
    {"labels", CLI_TEXT, (d).labels, "PATH", "labels/targets file for .npy or IDX images"},        \
    {"label-column", CLI_TEXT, (d).label_column, "NAME|INDEX[,...]",                               \
     "CSV label column (0-based index, name, or last or -1 for the last); several, comma-separated, " \
     "are a regression's targets, in that order"},                                                 \
    {"header", CLI_TEXT, (d).header, "auto|yes|no",                                                \
     "CSV header row (auto: the first row when none of its fields is a number)"},                  \
    {"delimiter", CLI_TEXT, (d).delimiter, "CHAR",                                                 \
     "CSV field separator: one ASCII character, tab or semicolon"},                                \
    {"regression", CLI_FLAG, &(d).regression, NULL, "labels are real-valued targets"}

/* The digest of view's rows (hone_view_checksum) as a model's metadata keeps it: 16 hex digits
 * and a NUL into out. hone train writes it, diagnose compares with it. */
void cli_view_digest(const hone_view *view, char out[17]);

/* Fills source from the options; returns -1 (message printed) on a bad value, --labels with data
 * that holds its own labels included. */
int cli_data_source(const char *cmd, const cli_data *d, hone_data_source *source);

/* hone_dataset_load_any, with its errors said in the options' terms: with label_given, a label
 * column index beyond the file's columns (or one given twice, or no column left for features) is
 * named as the option ("--label-column: F: label column 7 is out of range: the rows have 5 columns
 * (...)"; not for a column the model keeps), and with regression_hint a label that is no class
 * index says that real-valued targets need regression (a command that builds a network, where
 * --regression may be given; not one that runs a classifier). Several label columns without
 * regression (not given, nor a regression model's) are refused as the options they are. Inline,
 * as model_build.h, so that the double gradcheck loads through its own library. */
static inline hone_status cli_load_any(const hone_data_source *source, hone_dataset **train, hone_dataset **test,
                                       int regression_hint, int label_given, hone_error *err) {
    if (source->csv.n_label_columns > 1 && !source->regression) {
        *train = *test = NULL;
        err->code = HONE_ERR_VALUE;
        err->field = NULL;
        snprintf(err->message, sizeof err->message, "--label-column: %d columns are regression targets, and need "
                 "--regression (class labels come from one column)", source->csv.n_label_columns);
        return HONE_ERR_VALUE;
    }
    hone_status st = hone_dataset_load_any(train, test, source, err);
    if (!st || !err->field) return st;
    const size_t n = strnlen(err->message, sizeof err->message - 1);
    if (!strcmp(err->field, "label_index") && label_given) {
        static const char prefix[] = "--label-column: ";
        const size_t k = sizeof prefix - 1, kept = n < sizeof err->message - 1 - k ? n : sizeof err->message - 1 - k;
        memmove(err->message + k, err->message, kept);
        memcpy(err->message, prefix, k);
        err->message[k + kept] = '\0';
    } else if (!strcmp(err->field, "label") && regression_hint) {
        snprintf(err->message + n, sizeof err->message - n, "; real-valued targets need regression");
    }
    return st;
}

/* Whether data (read from source) has the answers a network is built and trained against: class
 * labels, or targets with --regression. An .npy or IDX images file has them only from --labels;
 * without, the output layer had 0 units and the message was the model's. Returns -1 (message
 * printed; a usage error) when there are none. Inline, as cli_load_any. */
static inline int cli_data_answers(const char *cmd, const hone_dataset *data, const hone_data_source *source) {
    if (data->label || data->target) return 0;
    cli_error(cmd, "%s: the data has no %s: give --labels FILE with the %s", source->path,
              source->regression ? "targets" : "labels",
              source->regression ? "regression targets" : "class labels (or real-valued targets, with --regression)");
    return -1;
}

/* --test-data and --test-labels: -1 (message printed) for labels with no test data to go with, or
 * with test data that holds its own (a CSV file, an IDX directory). */
int cli_test_options(const char *cmd, const char *test_path, const char *test_labels);

/* cli_load_any for data a model is run on (model NULL: as cli_load_any). When a CSV file's label
 * column cannot be read and the file is not the model's inputs and a label column wide, the
 * width is what is wrong (one feature short, the last feature is read as the label: 'label
 * 3.3013 is not a class index'), and err says so ("rows have 2 features and a label column (or
 * 3 features without one), the model expects 4"). A file of the model's inputs wide is the
 * features alone: with features_alone (predict, no --label-column given) those are the rows, read
 * every column a feature, and *features_alone is set; without, it has no label column to compare
 * with. */
hone_status cli_load_for_model(const hone_data_source *source, const hone_model *model, int *features_alone,
                               hone_dataset **data, hone_dataset **test, hone_error *err);

/* *data from source (cli_load_for_model, model NULL for none), and *test: the test set of an IDX
 * directory, or the file test_path (its labels from test_labels, or none when empty) read with
 * source's CSV settings when test_path is not empty (a directory test_path: its t10k files where it
 * has them, its training files otherwise); NULL when there is none. On an error both are NULL and
 * err says why. */
hone_status cli_load_with_test(const hone_data_source *source, const hone_model *model, const char *test_path,
                               const char *test_labels, hone_dataset **data, hone_dataset **test, hone_error *err);
/* Reads the data a saved model runs on as the model was trained: real-valued targets for a
 * regression (MSE) model, class labels otherwise, so --regression need not be given again
 * (without it, a regression model's targets were refused as labels, or integer ones read as
 * labels and then found to be no targets). IDX labels are bytes, never targets: they stay labels,
 * which predict does not read and cli_data_fits names. Returns -1 (message printed; a usage error)
 * for --regression with a classifier, which contradicts the model, and so for several
 * --label-column columns (a regression's targets). */
int cli_data_for_model(const char *cmd, const cli_data *d, const hone_model *model, const char *model_path,
                       hone_data_source *source);

/* How a model's CSV training data was laid out, for its metadata, into buf [cap]: ', "label_column":
 * TEXT' when data was read with a label column other than the last (its name as given, then
 * ', "label_index": TEXT' for a file without a header; or its 0-based index); for several target
 * columns, both as arrays of them in the targets' order (each column's name as given, or its
 * index; and every index); ', "delimiter": TEXT' when that was not ','; "" for other data. eval,
 * predict and the rest read the same layout when --label-column and --delimiter are not given
 * (they read the last column, and a model trained on a first label column was scored against its
 * last feature). Returns whether source is a CSV file. */
bool cli_csv_layout_json(char *buf, size_t cap, const hone_data_source *source, const hone_dataset *data);

/* The names of data's features (a CSV file with a header) for a model's metadata:
 * ', "feature_names": ["a", ...]'; "" for data without, or with a name that is not UTF-8 (a
 * model file's header cannot hold it); malloc'd, NULL when out of memory. The
 * commands that run the model compare a header with them (cli_data_fits). */
char *cli_feature_names_json(const hone_dataset *data);

/* Whether the features of data (read from path) are named as those of model's training data (its
 * metadata's "feature_names"; what names that data in the message), where both have names: -1
 * (message printed) when a header names them in another order, or names others, or when out of
 * memory; 0 when they agree, or either has no names. */
int cli_model_names_fit(const char *cmd, const hone_model *model, const char *what, const hone_dataset *data,
                        const char *path);

/* Whether the images of data (read from path) have the shape of those model was trained on (what
 * names the model in the message: "the model"), where both know a shape: -1 (message printed)
 * when not; 0 when they agree, or either has none (rows of a CSV file are images flattened, and a
 * model from an older hone, or trained on rows, accepts any). */
int cli_image_fits(const char *cmd, const hone_model *model, const char *what, const hone_dataset *data,
                   const char *path);

/* Whether data (read from path) fits model: the features it expects, the shape of its images
 * (cli_image_fits), their names (where the model and the file's header have them:
 * cli_model_names_fit) and, when truth is not NULL, the labels or targets its loss compares
 * with, labels within its classes, named as read from truth (the labels file, or path). Returns
 * -1 (message printed) when not. */
int cli_data_fits(const char *cmd, const hone_model *model, const hone_dataset *data, const char *path,
                  const char *truth);

/* The file a command's labels or targets come from: --labels, else the data. */
static inline const char *cli_truth_path(const cli_data *d) { return *d->labels ? d->labels : d->data; }

#endif
