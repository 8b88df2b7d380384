/* fuzz_idx.c - hone_dataset_load_idx on arbitrary bytes, plain or gzip.
 *
 * Input: one mode byte, then the file(s).
 *   mode bit 0 clear: the rest is an images file, loaded without labels.
 *   mode bit 0 set:   two bytes, big-endian, give the images file's length k; the rest after
 *                     those k bytes is the labels file (k is clipped to what there is).
 * The seeds in fuzz/corpus/fuzz_idx/ are made this way by fuzz/make_corpus.py. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *images, *labels;
    if (!images) {
        images = fuzz_temp("idx-images");
        labels = fuzz_temp("idx-labels");
    }
    if (size < 1) return 0;
    int pair = data[0] & 1;
    data++, size--;
    if (pair) {
        if (size < 2) return 0;
        size_t k = (size_t)data[0] << 8 | data[1];
        data += 2, size -= 2;
        if (k > size) k = size;
        fuzz_write(images, data, k);
        fuzz_write(labels, data + k, size - k);
    } else {
        fuzz_write(images, data, size);
    }
    hone_dataset *d = NULL;
    hone_error err;
    hone_status st = hone_dataset_load_idx(&d, images, pair ? labels : NULL, &err);
    if (st == HONE_OK) {
        fuzz_check_dataset(d);
        fuzz_check(d->x_u8 && !d->target);
        fuzz_check(!pair == !d->label);
    } else {
        fuzz_check(d == NULL);
        fuzz_check(err.code == st && memchr(err.message, 0, sizeof err.message));
    }
    hone_dataset_free(d);
    return 0;
}
