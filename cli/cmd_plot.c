/* cmd_plot.c - hone plot: learning curves of a metrics file (hone train --metrics) as SVG. */
#include "metrics.h"
#include "plot.h"

#include <stdlib.h>
#include <string.h>

int cmd_plot(int argc, char **argv) {
    char metrics[CLI_TEXT_MAX] = "", output[CLI_TEXT_MAX] = "", title[CLI_TEXT_MAX] = "";
    cli_option options[] = {
        {"metrics", CLI_TEXT, metrics, "FILE", "metrics of hone train --metrics, CSV or JSON lines (also the bare argument)"},
        {"output", CLI_TEXT, output, "FILE.svg", "where the plot goes (none: METRICS with .svg for its extension)"},
        {"title", CLI_TEXT, title, "TEXT", "a line under the title (none: the metrics file's name)"},
        {0},
    };
    const cli_command cmd = {"plot", "hone plot METRICS [--output FILE.svg]",
                             "Draws train and dev loss and accuracy per epoch from a metrics file written by\n"
                             "hone train --metrics, as an SVG image with axes, labels and a legend.",
                             options, "metrics"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!*metrics) {
        cli_error("plot", "no metrics file given (hone plot METRICS; hone train --metrics FILE writes one)");
        return CLI_EXIT_USAGE;
    }
    if (cli_plot_output("plot", metrics, output, sizeof output)) return CLI_EXIT_USAGE;
    hone_epoch_stats *rows = NULL;
    size_t n = 0;
    if (cli_metrics_read("plot", metrics, &rows, &n)) return CLI_EXIT_FAIL;
    int exit_code = cli_plot_svg("plot", output, rows, n, *title ? title : metrics) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    if (exit_code == CLI_EXIT_OK) printf("wrote %s (%zu epoch%s)\n", output, n, n == 1 ? "" : "s");
    free(rows);
    return exit_code;
}
