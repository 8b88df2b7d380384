/* fuzz_csv.c - hone_dataset_load_csv on arbitrary bytes (plain or gzip), each input read with
 * several option sets: detected header and last-column labels; no header, first column a
 * regression target; a forced header with the label named "label"; ';' as the delimiter with
 * the label in column 1. The input is the file itself: the seeds are plain CSV files. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *path;
    if (!path) path = fuzz_temp("csv");
    fuzz_write(path, data, size);

    hone_csv_options opts[4];
    for (int i = 0; i < 4; i++) opts[i] = hone_csv_options_default();
    opts[1].header = 0, opts[1].label_index = 0, opts[1].regression = 1;
    opts[2].header = 1, opts[2].label_name = "label";
    opts[3].delimiter = ';', opts[3].label_index = 1;

    for (int i = 0; i < 4; i++) {
        hone_dataset *d = NULL;
        hone_error err;
        hone_status st = hone_dataset_load_csv(&d, path, &opts[i], &err);
        if (st == HONE_OK) {
            fuzz_check_dataset(d);
            fuzz_check(d->x && !d->x_u8);
            fuzz_check(opts[i].regression ? d->target && d->t == 1 : d->label != NULL);
        } else {
            fuzz_check(d == NULL);
            fuzz_check(err.code == st && memchr(err.message, 0, sizeof err.message));
        }
        hone_dataset_free(d);
    }
    return 0;
}
