/* split_options.c - --dev and --test to the sizes hone_split_make takes. */
#include "split_options.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int split_size(const char *cmd, const char *opt, const char *text, size_t n, double *out) {
    if (!strcmp(text, "auto")) {
        double count = floor(0.2 * (double)n + 0.5);
        *out = count > 10000 ? 10000 : count;
        return 0;
    }
    char *end;
    double v = strtod(text, &end);
    if (!cli_number_text(text) || *end || !(v >= 0) || !isfinite(v) || (v >= 1 && v != floor(v))) {
        cli_error(cmd, "--%s: expected auto, a fraction in [0, 1) or a row count, got '%s'", opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_split_sizes(const char *cmd, const char *dev_text, const char *test_text, size_t n, int has_test_set,
                    double *dev, double *test) {
    if (split_size(cmd, "dev", dev_text, n, dev) || split_size(cmd, "test", test_text, n, test)) return -1;
    if (has_test_set && !strcmp(test_text, "auto")) *test = 0;
    /* the library's own refusal ("split: test = 0.1, but a separate test set was given") named no
     * option, exited 1, and read as if --test-data had been given where the data was an IDX
     * directory with its t10k files */
    if (has_test_set && *test != 0) {
        cli_error(cmd, "--test %s: the data has a test set of its own (--test-data, or an IDX directory's t10k files), "
                       "so none is carved from it: leave --test out", test_text);
        return -1;
    }
    return 0;
}

int cli_split_rows_check(const char *cmd, const char *dev_text, const char *test_text, size_t n, double dev,
                         double test) {
    const struct {
        const char *opt, *text;
        double v;
    } splits[] = {{"dev", dev_text, dev}, {"test", test_text, test}};
    for (size_t k = 0; k < sizeof splits / sizeof *splits; k++) {
        const double v = splits[k].v;
        /* a fraction is of the rows, rounded to nearest (hone_split_make) */
        if (v > 0 && v < 1 && floor(v * (double)n + 0.5) == 0) {
            cli_error(cmd, "--%s %s is no row of the %zu: give at least %.2g, a row count, or 0 for none",
                      splits[k].opt, splits[k].text, n, 1 / (double)n);
            return -1;
        }
    }
    return 0;
}
