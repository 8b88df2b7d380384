/* fuzz_npy.c - hone_dataset_load_npy on arbitrary bytes (plain or gzip).
 *
 * The input is an x file, optionally followed by a y file: when the magic \x93NUMPY occurs again
 * after the start, the input is split there into x and y, and y is read both as class labels and
 * as regression targets. So the seeds are plain .npy files, or two concatenated. */
#include "fuzz_common.h"

static void load(const char *x, const char *y, int regression) {
    hone_dataset *d = NULL;
    hone_error err;
    hone_status st = hone_dataset_load_npy(&d, x, y, regression, &err);
    if (st == HONE_OK) {
        fuzz_check_dataset(d);
        if (y) fuzz_check(regression ? d->target != NULL : d->label != NULL);
        else fuzz_check(!d->label && !d->target);
    } else {
        fuzz_check(d == NULL);
        fuzz_check(err.code == st && memchr(err.message, 0, sizeof err.message));
    }
    hone_dataset_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *xpath, *ypath;
    if (!xpath) {
        xpath = fuzz_temp("npy-x");
        ypath = fuzz_temp("npy-y");
    }
    const uint8_t *second = size > 1 ? memmem(data + 1, size - 1, "\x93NUMPY", 6) : NULL;
    if (!second) {
        fuzz_write(xpath, data, size);
        load(xpath, NULL, 0);
        return 0;
    }
    size_t k = (size_t)(second - data);
    fuzz_write(xpath, data, k);
    fuzz_write(ypath, second, size - k);
    load(xpath, ypath, 0);
    load(xpath, ypath, 1);
    return 0;
}
