/* data_options.c - data options to a hone_data_source. */
#include "data_options.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int cli_data_source(const char *cmd, const cli_data *d, hone_data_source *source) {
    memset(source, 0, sizeof *source);
    source->path = d->data;
    source->labels = *d->labels ? d->labels : NULL;
    source->regression = d->regression;
    source->csv = hone_csv_options_default();
    if (!strcmp(d->header, "auto")) source->csv.header = -1;
    else if (!strcmp(d->header, "yes")) source->csv.header = 1;
    else if (!strcmp(d->header, "no")) source->csv.header = 0;
    else {
        cli_error(cmd, "--header: expected auto, yes or no, got '%s'", d->header);
        return -1;
    }
    const char *col = d->label_column;
    int digits = *col != 0;
    for (const char *p = col; *p; p++) digits &= isdigit((unsigned char)*p) != 0;
    if (!strcmp(col, "last")) source->csv.label_index = -1;
    else if (digits) source->csv.label_index = atoi(col);
    else source->csv.label_name = col;
    return 0;
}
