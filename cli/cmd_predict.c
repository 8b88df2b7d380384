/* cmd_predict.c - hone predict: labels, probabilities or values for each row. */
#include "atomic.h"
#include "data_options.h"
#include "paths.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_predict(int argc, char **argv) {
    cli_data d = CLI_DATA_DEFAULTS;
    char model_path[CLI_TEXT_MAX] = "", output[CLI_TEXT_MAX] = "";
    int probabilities = 0;
    cli_option options[] = {
        {"model", CLI_TEXT, model_path, "PATH", "the saved model (also accepted as the bare argument)"},
        CLI_DATA_OPTIONS(d),
        {"probabilities", CLI_FLAG, &probabilities, NULL, "print class probabilities instead of labels (for two classes, that of class 1)"},
        {"output", CLI_TEXT, output, "PATH", "write here instead of standard output"},
        {0},
    };
    const cli_command cmd = {"predict", "hone predict MODEL [options]",
                             "One line per row: the predicted label, the probabilities (--probabilities),\n"
                             "or the predicted values of a regression model (one a target, comma-separated).\n"
                             "Rows are the test set of an IDX directory, or every row of a .csv, .npy or IDX\n"
                             "file. A .csv of the features alone (no label column, nor a regression's target\n"
                             "columns) is read as such when it has the model's inputs.",
                             options, "model"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!*model_path) {
        cli_error("predict", "no model given (hone predict MODEL)");
        return CLI_EXIT_USAGE;
    }
    hone_data_source source;
    if (cli_data_source("predict", &d, &source)) return CLI_EXIT_USAGE;
    const cli_path reads[] = {{"model", model_path, NULL, 0}, {"--data", d.data, NULL, 0}, {"--labels", d.labels, NULL, 0}};
    const cli_path writes[] = {{"--output", output, NULL, 0}};
    if (cli_outputs_check("predict", reads, CLI_COUNT(reads), writes, 1)) return CLI_EXIT_USAGE;
    hone_error err = {0};
    hone_model *model = NULL;
    hone_dataset *data = NULL, *test = NULL;
    size_t *rows = NULL;
    hone_real *P = NULL;
    FILE *out = stdout;
    cli_atomic file = {0};
    int exit_code = CLI_EXIT_FAIL;
    if (hone_model_load(&model, model_path, &err)) {
        cli_error("predict", "%s", err.message);
        goto done;
    }
    if (cli_data_for_model("predict", &d, model, model_path, &source)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (probabilities && model->loss == HONE_LOSS_MSE) { /* it printed the values, as without it */
        cli_error("predict", "--probabilities: %s is a regression (loss mse): it predicts values, not classes; leave "
                  "--probabilities out", model_path);
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    /* a CSV file of the features alone (new rows, unlabeled) has the label column (or a
     * regression's target columns) fewer than the file the model was trained on; unless
     * --label-column names a label, it is read as such */
    int features_alone = 0;
    if (cli_load_for_model(&source, model, cli_given(d.label_column) ? NULL : &features_alone, &data, &test, &err) ||
        hone_model_reserve(model, 256, &err)) {
        cli_error("predict", "%s", err.message);
        goto done;
    }
    const hone_dataset *on = test ? test : data;
    if (cli_data_fits("predict", model, on, d.data, NULL)) goto done;
    if (features_alone)
        fprintf(stderr, "hone predict: note: %s has %d columns, the model's inputs, and no label column: read as the "
                        "features alone\n", d.data, model->inputs);
    const int O = hone_model_outputs(model), B = model->max_batch;
    rows = malloc((size_t)B * sizeof *rows);
    P = malloc((size_t)B * O * sizeof *P);
    if (!rows || !P) {
        cli_error("predict", "out of memory");
        goto done;
    }
    if (*output) {
        if (cli_atomic_open("predict", &file, output)) goto done;
        out = file.f;
    }
    for (size_t start = 0; start < on->n; start += (size_t)B) {
        int b = (int)(on->n - start < (size_t)B ? on->n - start : (size_t)B);
        for (int i = 0; i < b; i++) rows[i] = start + (size_t)i;
        hone_model_gather(model, model->batch_x, NULL, on, rows, b);
        int overflow;
        if (hone_model_predict(model, model->batch_x, b, P, &overflow, &err)) { /* b fits the room: not expected */
            cli_error("predict", "%s", err.message);
            goto done;
        }
        /* checked before the batch is written: NaN probabilities were printed, the labels taken from
         * them were arbitrary, and a sigmoid's 0 or 1 from an infinite output looked like a result */
        if (overflow >= 0) {
            cli_error("predict", "%s: the output for row %zu of %s is not finite: the network's values overflow "
                      HONE_REAL_NAME " (weights or inputs too large)", model_path, start + (size_t)overflow + 1, d.data);
            goto done;
        }
        for (int i = 0; i < b; i++) {
            const hone_real *p = P + (size_t)i * O;
            if (model->loss == HONE_LOSS_MSE || probabilities) {
                for (int o = 0; o < O; o++) fprintf(out, "%s%.*g", o ? "," : "", CLI_REAL_DIGITS, (double)p[o]);
            } else if (model->loss == HONE_LOSS_SIGMOID_CE && O == 1) {
                fprintf(out, "%d", p[0] > 0.5);
            } else {
                int best = 0;
                for (int o = 1; o < O; o++) best = p[o] > p[best] ? o : best;
                fprintf(out, "%d", best);
            }
            fputc('\n', out);
        }
    }
    if (file.f) {
        int failed = cli_atomic_commit("predict", &file);
        if (failed) goto done;
    } else if (fflush(stdout)) {
        cli_error("predict", "standard output: %s", strerror(errno));
        goto done;
    }
    exit_code = CLI_EXIT_OK;
done:
    if (file.f) cli_atomic_abort(&file);
    free(rows);
    free(P);
    hone_model_free(model);
    hone_dataset_free(data);
    hone_dataset_free(test);
    return exit_code;
}
