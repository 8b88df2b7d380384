/* data_options.h - the data options every command takes, and how they become a source. */
#ifndef HONE_CLI_DATA_OPTIONS_H
#define HONE_CLI_DATA_OPTIONS_H

#include "cli.h"
#include "hone.h"

#define HONE_DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

typedef struct cli_data {
    char data[CLI_TEXT_MAX];
    char labels[CLI_TEXT_MAX];
    char label_column[CLI_TEXT_MAX];
    char header[CLI_TEXT_MAX];
    int regression;
} cli_data;

#define CLI_DATA_DEFAULTS {HONE_DEFAULT_DATA, "", "last", "auto", 0}

#define CLI_DATA_OPTIONS(d)                                                                        \
    {"data", CLI_TEXT, (d).data, "PATH",                                                           \
     "IDX directory (Fashion-MNIST layout), .csv, .npy or IDX images file"},                       \
    {"labels", CLI_TEXT, (d).labels, "PATH", "labels/targets file for .npy or IDX images"},        \
    {"label-column", CLI_TEXT, (d).label_column, "NAME|INDEX", "CSV label column (0-based index, name or last)"}, \
    {"header", CLI_TEXT, (d).header, "auto|yes|no",                                                \
     "CSV header row (auto: the first row when none of its fields is a number)"},                  \
    {"regression", CLI_FLAG, &(d).regression, NULL, "labels are real-valued targets"}

/* Fills source from the options; returns -1 (message printed) on a bad value. */
int cli_data_source(const char *cmd, const cli_data *d, hone_data_source *source);

/* --test-data and --test-labels: -1 (message printed) for labels with no test data to go with. */
int cli_test_options(const char *cmd, const char *test_path, const char *test_labels);

/* *data from source, and *test: the test set of an IDX directory, or the file test_path (its
 * labels from test_labels, or none when empty) read with source's CSV settings when test_path is
 * not empty; NULL when there is none. On an error both are NULL and err says why. */
hone_status cli_load_with_test(const hone_data_source *source, const char *test_path, const char *test_labels,
                               hone_dataset **data, hone_dataset **test, hone_error *err);
/* Whether data (read from path) fits model: the features it expects and, when truth is wanted,
 * the labels or targets its loss compares with, labels within its classes. Returns -1 (message
 * printed) when not. */
int cli_data_fits(const char *cmd, const hone_model *model, const hone_dataset *data, const char *path, int truth);

#endif
