/* main.c - hone's command line: one subcommand per job. */
#include "cli.h"
#include "hone.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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

/* The command's exit code, given its name and arguments (argv[0] the command). */
static int run(const char *cmd, int argc, char **argv) {
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("hone %s\n", HONE_VERSION);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "train")) return cmd_train(argc, argv);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc, argv);
    if (!strcmp(cmd, "predict")) return cmd_predict(argc, argv);
    if (!strcmp(cmd, "gradcheck")) return cmd_gradcheck(argc, argv);
    if (!strcmp(cmd, "inspect")) return cmd_inspect(argc, argv);
    if (!strcmp(cmd, "bench")) return cmd_bench(argc, argv);
    if (!strcmp(cmd, "plot-layers")) return cmd_plot_layers(argc, argv);
    if (!strcmp(cmd, "tune")) return cmd_tune(argc, argv);
    if (!strcmp(cmd, "plot")) return cmd_plot(argc, argv);
    if (!strcmp(cmd, "diagnose")) return cmd_diagnose(argc, argv);
    fprintf(stderr, "hone: unknown command '%s' (train, eval, predict, gradcheck, inspect, tune, plot, plot-layers, diagnose, bench; hone --help)\n", cmd);
    return CLI_EXIT_USAGE;
}

/* Standard input, output and error that the caller closed (2>&-) are opened on /dev/null: the
 * files a command opens take the lowest free numbers, and stderr's progress lines went into tune's
 * results file and train's --metrics, which then no longer read back. */
static void open_standard_streams(void) {
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            const int got = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
            if (got >= 0 && got != fd) { /* the lowest free number is fd, unless another thread took it */
                dup2(got, fd);
                close(got);
            }
        }
}

int main(int argc, char **argv) {
    open_standard_streams();
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
    int rc = run(cmd, argc - 1, argv + 1);
    /* What a command printed may still be in stdout's buffer, or have failed to be written (a full
     * disk, hone eval --json > out.json): said, and the exit is 1, where it was 0 with an empty
     * file. A command that failed has said why already. */
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_EXIT_OK) {
        const int named = cmd[0] != '-' && strcmp(cmd, "help") != 0; /* hone --help: "hone: ..." */
        fprintf(stderr, "hone%s%s: standard output: %s\n", named ? " " : "", named ? cmd : "",
                errno ? strerror(errno) : "a write failed");
        rc = CLI_EXIT_FAIL;
    }
    return rc;
}
