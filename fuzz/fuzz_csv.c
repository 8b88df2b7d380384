/* fuzz_csv.c - hone_dataset_load_csv on arbitrary bytes (plain or gzip), each input read with
 * several option sets: detected header and last-column labels; no header, first column a
 * regression target; a forced header with the label named "label"; ';' as the delimiter with
 * the label in column 1; two regression targets, the column named "label" and the first. The
 * input is the file itself: the seeds are plain CSV files. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *path;
    if (!path) path = fuzz_temp("csv");
    fuzz_write(path, data, size);

    static const hone_csv_column targets[2] = {{"label", 0}, {NULL, 0}};
    hone_csv_options opts[5];
    for (int i = 0; i < 5; i++) opts[i] = hone_csv_options_default();
    opts[1].header = 0, opts[1].label_index = 0, opts[1].regression = 1;
    opts[2].header = 1, opts[2].label_name = "label";
    opts[3].delimiter = ';', opts[3].label_index = 1;
    opts[4].label_columns = targets, opts[4].n_label_columns = 2, opts[4].regression = 1;

    for (int i = 0; i < 5; i++) {
        hone_dataset *d = NULL;
        hone_error err;
        hone_status st = hone_dataset_load_csv(&d, path, &opts[i], &err);
        if (st == HONE_OK) {
            fuzz_check_dataset(d);
            fuzz_check(d->x && !d->x_u8);
            const size_t t = opts[i].n_label_columns ? (size_t)opts[i].n_label_columns : 1;
            fuzz_check(opts[i].regression ? d->target && d->t == t && d->target_columns : d->label != NULL);
            for (size_t k = 0; opts[i].regression && k < t; k++) /* distinct columns of the file */
                for (size_t j = 0; j < k; j++) fuzz_check(d->target_columns[j] != d->target_columns[k]);
        } else {
            fuzz_check(d == NULL);
            fuzz_check(err.code == st && memchr(err.message, 0, sizeof err.message));
        }
        hone_dataset_free(d);
    }
    return 0;
}
