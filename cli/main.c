/* main.c - hone's command line: one subcommand per job. */
#include "cli.h"
#include "hone.h"

#include <signal.h>
#include <string.h>

static void usage(FILE *out) {
    fprintf(out,
            "hone %s - train deep neural networks the way careful practitioners do\n\n"
            "usage: hone COMMAND [options]     (hone COMMAND --help for its options)\n\n"
            "commands:\n"
            "  train        train a network (Fashion-MNIST by default) and save it\n"
            "  eval         loss and accuracy (a regression's rmse) of a saved model on data\n"
            "  predict      labels, probabilities or a regression's values of a saved model for each row\n"
            "  gradcheck    compare backprop with two-sided differences, in double precision\n"
            "  inspect      per-layer activation and gradient statistics on one batch\n"
            "  bench        the GEMM ceiling of a network: training speed if it were only BLAS\n"
            "  tune         random search over hyperparameters, coarse to fine\n"
            "  plot         learning curves of a metrics file (train --metrics) as an SVG image\n"
            "  plot-layers  per-layer statistics of --layer-stats over training, as SVG\n"
            "  diagnose     high bias, high variance, both or fine, from a model or a metrics file\n",
            HONE_VERSION);
}

int main(int argc, char **argv) {
    /* A write past the file size limit (ulimit -f) fails with EFBIG, which every writer reports
     * and cleans up after, rather than ending the process by SIGXFSZ with a temporary left. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    char help_flag[] = "--help";
    char *help_argv[] = {argv[0], argv[argc > 2 ? 2 : 1], help_flag, NULL};
    if (!strcmp(argv[1], "help") && argc > 2) { /* hone help train: hone train --help */
        argc = 3;
        argv = help_argv;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("hone %s\n", HONE_VERSION);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "train")) return cmd_train(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "predict")) return cmd_predict(argc - 1, argv + 1);
    if (!strcmp(cmd, "gradcheck")) return cmd_gradcheck(argc - 1, argv + 1);
    if (!strcmp(cmd, "inspect")) return cmd_inspect(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot-layers")) return cmd_plot_layers(argc - 1, argv + 1);
    if (!strcmp(cmd, "tune")) return cmd_tune(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot")) return cmd_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "diagnose")) return cmd_diagnose(argc - 1, argv + 1);
    fprintf(stderr, "hone: unknown command '%s' (train, eval, predict, gradcheck, inspect, tune, plot, plot-layers, diagnose, bench; hone --help)\n", cmd);
    return CLI_EXIT_USAGE;
}
