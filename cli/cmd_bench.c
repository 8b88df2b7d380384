/* cmd_bench.c - hone bench: the GEMM ceiling of a network, the yardstick bench/run.sh divides
 * training speed by. */
#include "cli.h"
#include "model_options.h"

#include <limits.h>

/* Runs of each product: a million of the smallest is seconds, and the times of more would be
 * memory that running out of would be blamed on --batch. */
enum { BENCH_MAX_REPEATS = 1000000 };

int cmd_bench(int argc, char **argv) {
    cli_arch arch = CLI_ARCH_DEFAULTS; /* its layers only */
    int inputs = 784, outputs = 10, batch = 128, threads = 0, repeats = 50, json = 0;
    cli_option options[] = {
        {"layers", CLI_TEXT, arch.layers, "N,N,...", "hidden layer sizes (ReLU; the activation does not change the products)"},
        {"inputs", CLI_INT, &inputs, "N", "input features"},
        {"outputs", CLI_INT, &outputs, "N", "output units (softmax; 1: sigmoid, as for two classes)"},
        {"batch", CLI_INT, &batch, "N", "rows per step"},
        CLI_THREADS_OPTION(threads),
        {"repeats", CLI_INT, &repeats, "N", "runs of each product: the best makes the ceiling, the median is printed beside it"},
        {"json", CLI_FLAG, &json, NULL, "print one JSON line"},
        {0},
    };
    const cli_command cmd = {"bench", "hone bench [options]",
                             "Times the matrix products of one training step of the network (forward, weight\n"
                             "gradients, input gradients), each alone, and prints the samples/s that training\n"
                             "would reach if it were nothing else: the ceiling bench/run.sh compares with.\n"
                             "The ceiling takes each product's best run; the same products at their median\n"
                             "time are printed too: the speed of a typical run rather than the luckiest.\n"
                             "Last, the BLAS and the kernels it chose for this CPU, with a note where the CPU\n"
                             "has AVX-512 and they do not use it (OpenBLAS's OPENBLAS_CORETYPE variable chose\n"
                             "them, or an OpenBLAS older than the CPU fell back to kernels it knows; the\n"
                             "variable, SkylakeX say, chooses others).",
                             options, NULL};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (cli_int_in("bench", "--inputs", inputs, 1, HONE_MAX_UNITS) || cli_int_in("bench", "--outputs", outputs, 1, HONE_MAX_UNITS) ||
        cli_int_in("bench", "--batch", batch, 1, INT_MAX) || cli_int_in("bench", "--repeats", repeats, 1, BENCH_MAX_REPEATS))
        return CLI_EXIT_USAGE;
    if (cli_threads("bench", threads)) return CLI_EXIT_USAGE;
    int hidden[CLI_MAX_HIDDEN];
    const int n_hidden = cli_parse_units("bench", arch.layers, hidden, CLI_MAX_HIDDEN);
    if (n_hidden < 0) return CLI_EXIT_USAGE;
    /* The loss does not enter the products; one output is a two-class network (sigmoid), as hone
     * train builds for two classes, and softmax takes no fewer than two. */
    const hone_loss_kind loss = outputs == 1 ? HONE_LOSS_SIGMOID_CE : HONE_LOSS_SOFTMAX_CE;
    hone_model *m;
    hone_error err;
    hone_status st = hone_model_create_mlp(&m, inputs, hidden, n_hidden, outputs, HONE_LAYER_RELU, loss, &err);
    if (st == HONE_ERR_NOMEM) {
        cli_error("bench", "%s", err.message);
        return CLI_EXIT_FAIL;
    }
    if (st) { /* each option is in range: what is left is their product, the parameter count */
        cli_error("bench", "--inputs %d, --layers %s, --outputs %d: %s", inputs, arch.layers, outputs, err.message);
        return CLI_EXIT_USAGE;
    }
    double flops = 0, median = 0;
    hone_model_gemm_ceiling(m, batch, 3, NULL, NULL); /* warm up */
    const double seconds = hone_model_gemm_ceiling(m, batch, repeats, &flops, &median);
    hone_model_free(m);
    if (seconds <= 0) {
        cli_error("bench", "out of memory for the products of a %d-row batch (--batch)", batch);
        return CLI_EXIT_FAIL;
    }
    double rate = batch / seconds, gflops = flops / seconds * 1e-9;
    /* samples/s as whole numbers from 1000 on, else in four digits: %.0f printed a ceiling of 0.3
     * samples/s (a network of 16384x3 on one row) as 0 */
    char ceiling[32], at_median[32];
    snprintf(ceiling, sizeof ceiling, rate >= 1000 ? "%.0f" : "%.4g", rate);
    snprintf(at_median, sizeof at_median, batch / median >= 1000 ? "%.0f" : "%.4g", batch / median);
    const hone_blas_info blas = hone_blas_describe();
    if (json) { /* what was measured, then the figures */
        printf("{\"command\": \"bench\", \"inputs\": %d, \"layers\": ", inputs);
        cli_json_string(stdout, arch.layers);
        printf(", \"outputs\": %d, \"threads\": %d, \"repeats\": %d, \"batch\": %d, \"step_s\": %.6g, \"gflops\": %.4g, "
               "\"ceiling_samples_per_s\": %s, \"mflop_per_sample\": %.4g, \"median_step_s\": %.6g, "
               "\"median_samples_per_s\": %s, \"blas\": ",
               outputs, cli_threads_started(), repeats, batch, seconds, gflops, ceiling, flops / batch * 1e-6, median,
               at_median);
        cli_json_string(stdout, blas.config);
        printf(", \"blas_kernels\": ");
        cli_json_string(stdout, blas.kernels);
        printf(", \"blas_kernels_avx512\": %s, \"cpu_avx512\": %s}\n", blas.kernels_avx512 ? "true" : "false",
               blas.cpu_avx512 ? "true" : "false");
    } else {
        printf("GEMM ceiling: %s samples/s (%.3g ms a step of %d rows, %.1f GFLOP/s, %.3g MFLOP a sample)\n"
               "the same products at their median time over the runs: %s samples/s (%.3g ms a step)\n",
               ceiling, seconds * 1e3, batch, gflops, flops / batch * 1e-6, at_median, median * 1e3);
        printf("BLAS: %s; kernels chosen for this CPU: %s\n", blas.config, blas.kernels);
        cli_blas_note(stdout, "hone bench times its AVX-512 kernels");
    }
    return CLI_EXIT_OK;
}
