/* plot.h - learning curves as an SVG a person can open: a loss panel and an accuracy panel (the
 * latter only when there is accuracy, not for regression), train and dev per epoch, axes with
 * ticks and numeric labels, axis titles, a legend and a title. Without dev figures only the train
 * curves are drawn. */
#ifndef HONE_CLI_PLOT_H
#define HONE_CLI_PLOT_H

#include "cli.h"
#include "hone.h"

/* Writes rows[0..n) to path atomically (a temporary file beside it, then rename). subtitle may be
 * NULL. Returns -1 with "hone CMD: PATH: ..." printed. */
int cli_plot_svg(const char *cmd, const char *path, const hone_epoch_stats *rows, size_t n,
                 const char *subtitle);

/* Where a plot of input goes: output as given (--output), or when it is empty, input with .svg
 * for its extension, written into output [cap]. -1 (message printed; a usage error) when that
 * would overwrite input itself, by its name or another (input a link to output), or the name is
 * too long. An output that is a link to input is allowed: the plot replaces the link. */
int cli_plot_output(const char *cmd, const char *input, char *output, size_t cap);

/* Writes s as SVG text: &, <, > and " escaped, control characters left out, and bytes that are
 * not UTF-8 (or U+FFFE, U+FFFF) written as U+FFFD, so that the file stays well-formed XML. */
void cli_svg_text(FILE *f, const char *s);

/* A subtitle naming the run: "784-512-256-10 relu, softmax_ce loss; adam, lr 0.001, batch 128". */
void cli_plot_describe(char *buf, size_t cap, const hone_model *model, int activation, const hone_train_config *config);

#endif
