/* cmd_bench.c - hone bench: the GEMM ceiling of a network, the yardstick bench/run.sh divides
 * training speed by. */
#include "cli.h"
#include "model_options.h"

int cmd_bench(int argc, char **argv) {
    char layers[CLI_TEXT_MAX] = "512,256";
    int inputs = 784, outputs = 10, batch = 128, threads = 0, repeats = 50, json = 0;
    cli_option options[] = {
        {"layers", CLI_TEXT, layers, "N,N,...", "hidden layer sizes (ReLU; the activation does not change the products)"},
        {"inputs", CLI_INT, &inputs, "N", "input features"},
        {"outputs", CLI_INT, &outputs, "N", "output units"},
        {"batch", CLI_INT, &batch, "N", "rows per step"},
        {"threads", CLI_INT, &threads, "N", "threads for matrix products and elementwise work (0: OPENBLAS_NUM_THREADS, else one per CPU)"},
        {"repeats", CLI_INT, &repeats, "N", "runs of each product: the best makes the ceiling, the median is printed beside it"},
        {"json", CLI_FLAG, &json, NULL, "print one JSON line"},
        {0},
    };
    const cli_command cmd = {"bench", "hone bench [options]",
                             "Times the matrix products of one training step of the network (forward, weight\n"
                             "gradients, input gradients), each alone, and prints the samples/s that training\n"
                             "would reach if it were nothing else: the ceiling bench/run.sh compares with.\n"
                             "The ceiling takes each product's best run; the same products at their median\n"
                             "time are printed too: the speed of a typical run rather than the luckiest.",
                             options, NULL};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (batch < 1 || repeats < 1 || inputs < 1 || outputs < 1 || threads < 0) {
        cli_error("bench", "--batch, --repeats, --inputs and --outputs must be at least 1, --threads 0 or more");
        return CLI_EXIT_USAGE;
    }
    hone_set_threads(threads);
    int hidden[CLI_MAX_HIDDEN];
    const int n_hidden = cli_parse_units("bench", layers, hidden, CLI_MAX_HIDDEN);
    if (n_hidden < 0) return CLI_EXIT_USAGE;
    hone_model *m;
    hone_error err;
    if (hone_model_create_mlp(&m, inputs, hidden, n_hidden, outputs, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err)) {
        cli_error("bench", "%s", err.message);
        return CLI_EXIT_USAGE;
    }
    double flops = 0, median = 0;
    hone_model_gemm_ceiling(m, batch, 3, NULL, NULL); /* warm up */
    const double seconds = hone_model_gemm_ceiling(m, batch, repeats, &flops, &median);
    hone_model_free(m);
    if (seconds <= 0) {
        cli_error("bench", "out of memory");
        return CLI_EXIT_FAIL;
    }
    double rate = batch / seconds, gflops = flops / seconds * 1e-9;
    if (json)
        printf("{\"command\": \"bench\", \"batch\": %d, \"step_s\": %.6g, \"gflops\": %.4g, \"ceiling_samples_per_s\": %.0f, "
               "\"mflop_per_sample\": %.4g, \"median_step_s\": %.6g, \"median_samples_per_s\": %.0f}\n",
               batch, seconds, gflops, rate, flops / batch * 1e-6, median, batch / median);
    else
        printf("GEMM ceiling: %.0f samples/s (%.3g ms a step of %d rows, %.1f GFLOP/s, %.3g MFLOP a sample)\n"
               "the same products at their median time over the runs: %.0f samples/s (%.3g ms a step)\n",
               rate, seconds * 1e3, batch, gflops, flops / batch * 1e-6, batch / median, median * 1e3);
    return CLI_EXIT_OK;
}
