/* split_options.h - --dev and --test as hone train reads them, shared with hone diagnose so that
 * a saved model's train/dev split can be made again from its seed, dev and test. */
#ifndef HONE_CLI_SPLIT_OPTIONS_H
#define HONE_CLI_SPLIT_OPTIONS_H

#include "cli.h"

/* dev and test for hone_split_make from their option texts: "auto", a fraction below 1, or a
 * row count. auto is 20% capped at 10,000 rows: 60/20/20 for small data, about 98/1/1 for a
 * million rows. With a separate test set (has_test_set), an auto test is 0 and any other but 0 is
 * refused. Returns -1 with "hone CMD: --dev: ..." printed on a bad value. */
int cli_split_sizes(const char *cmd, const char *dev_text, const char *test_text, size_t n, int has_test_set,
                    double *dev, double *test);
/* A --dev or --test fraction above 0 that rounds to no row of the n (cli_split_sizes' dev and
 * test): -1 with "hone CMD: --dev 0.0001 is no row of the 300: ..." printed; it gave no dev set
 * without a word, and --early-stop then blamed a --dev 0 not given. hone train's alone: diagnose
 * makes again the split of a model trained so. */
int cli_split_rows_check(const char *cmd, const char *dev_text, const char *test_text, size_t n, double dev,
                         double test);

#endif
