/* cmd_eval.c - hone eval: a saved model's loss and accuracy on data. */
#include "confusion.h"
#include "data_options.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cmd_eval(int argc, char **argv) {
    cli_data d = CLI_DATA_DEFAULTS;
    char model_path[CLI_TEXT_MAX] = "";
    int json = 0, confusion = 0;
    cli_option options[] = {
        {"model", CLI_TEXT, model_path, "PATH", "the saved model (also accepted as the bare argument)"},
        CLI_DATA_OPTIONS(d),
        {"json", CLI_FLAG, &json, NULL, "print one JSON result line"},
        {"confusion", CLI_FLAG, &confusion, NULL,
         "a classifier's confusion matrix, each class's recall and precision, and the classes most confused"},
        {0},
    };
    const cli_command cmd = {"eval", "hone eval MODEL [options]",
                             "Loss and accuracy of a saved model, or a regression's loss and the rmse of\n"
                             "each target in its own units: on the test set of an IDX directory, or on\n"
                             "every row of a .csv, .npy or IDX file. --confusion shows which classes a\n"
                             "classifier takes for which.",
                             options, "model"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!*model_path) {
        cli_error("eval", "no model given (hone eval MODEL)");
        return CLI_EXIT_USAGE;
    }
    hone_data_source source;
    if (cli_data_source("eval", &d, &source)) return CLI_EXIT_USAGE;
    hone_error err = {0};
    hone_model *model = NULL;
    hone_dataset *data = NULL, *test = NULL;
    size_t *rows = NULL, *counts = NULL;
    double *rmse = NULL;
    int exit_code = CLI_EXIT_FAIL;
    if (hone_model_load(&model, model_path, &err)) {
        cli_error("eval", "%s", err.message);
        goto done;
    }
    const int classes = hone_model_classes(model);
    if (confusion && !classes) {
        cli_error("eval", "--confusion: %s predicts no class a row (%s): a confusion matrix is a classifier's",
                  model_path, model->loss == HONE_LOSS_MSE ? "a regression" : "independent sigmoid outputs");
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (cli_data_for_model("eval", &d, model, model_path, &source)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (cli_load_for_model(&source, model, NULL, &data, &test, &err)) {
        cli_error("eval", "%s", err.message);
        goto done;
    }
    const hone_dataset *on = test ? test : data;
    if (cli_data_fits("eval", model, on, d.data, cli_truth_path(&d))) goto done;
    rows = malloc(on->n * sizeof *rows);
    if (!rows) {
        cli_error("eval", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < on->n; i++) rows[i] = i;
    hone_view view = {on, rows, on->n};
    const int mse = model->loss == HONE_LOSS_MSE, targets = hone_model_outputs(model);
    double loss, acc;
    if (mse && !(rmse = malloc((size_t)targets * sizeof *rmse))) { /* one per target: their units may differ */
        cli_error("eval", "out of memory");
        goto done;
    }
    if (confusion && !(counts = malloc((size_t)classes * (size_t)classes * sizeof *counts))) {
        cli_error("eval", "out of memory");
        goto done;
    }
    hone_view_figures figures = {0, 0, rmse, counts}; /* one pass over the rows for all of them */
    const hone_status st = hone_model_figures(model, &view, &figures, &err);
    loss = figures.loss;
    acc = figures.accuracy;
    if (st) {
        if (err.code == HONE_ERR_DIVERGED) cli_error("eval", "%s on %s: %s", model_path, d.data, err.message);
        else cli_error("eval", "%s", err.message);
        goto done;
    }
    if (json) {
        printf("{\"command\": \"eval\", \"rows\": %zu, ", on->n);
        cli_json_number(stdout, "loss", loss, 1);
        cli_json_number(stdout, "accuracy", acc, mse);
        if (mse) cli_json_numbers(stdout, "rmse", rmse, targets, 0);
        if (confusion) cli_confusion_json(stdout, counts, classes);
        printf("}\n");
    } else {
        printf("%s on %zu %s: loss %s", model_path, on->n, test ? "test rows" : "rows", cli_loss_text((char[CLI_LOSS_TEXT]){0}, loss));
        if (isfinite(acc)) printf("  accuracy %.2f%%", 100 * acc);
        if (mse) cli_rmse_text(stdout, rmse, targets);
        printf("\n");
        if (confusion) cli_confusion_text(stdout, counts, classes);
    }
    exit_code = CLI_EXIT_OK;
done:
    free(rows);
    free(rmse);
    free(counts);
    hone_model_free(model);
    hone_dataset_free(data);
    hone_dataset_free(test);
    return exit_code;
}
