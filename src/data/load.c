/* load.c - pick the reader from what the user pointed at. */
#include "hone_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Whether the name ends in suffix, in any case, before an optional .gz: the readers tell gzip
 * from the content, so x.csv.gz is a CSV file. */
static bool has_extension(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    if (n >= 3 && strcasecmp(s + n - 3, ".gz") == 0) n -= 3;
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/name or dir/name.gz, whichever exists; false when neither does. */
static bool find_in(char *out, size_t cap, const char *dir, const char *name) {
    snprintf(out, cap, "%s/%s", dir, name);
    if (exists(out)) return true;
    snprintf(out, cap, "%s/%s.gz", dir, name);
    return exists(out);
}

/* Whether the test set test (from images and labels) is data of the training set's kind (train,
 * from train_images and train_labels), at the load, naming the files: images of another shape
 * were found only after every epoch, the model saved, by a message that named neither file; rows
 * of another width and a class the training labels lack were refused at the split
 * (check_compatible), by a message that named neither. */
static hone_status test_fits(const hone_dataset *train, const hone_dataset *test, const char *train_images,
                             const char *train_labels, const char *images, const char *labels, hone_error *err) {
    if (test->height && train->height && (test->height != train->height || test->width != train->width))
        return honeE_set(err, HONE_ERR_FORMAT, "%s: images of %zu x %zu pixels (height x width), and %s has %zu x %zu",
                         images, test->height, test->width, train_images, train->height, train->width);
    if (test->d != train->d)
        return honeE_set(err, HONE_ERR_FORMAT, "%s: %zu features per row, and %s has %zu", images, test->d,
                         train_images, train->d);
    if (test->n_classes > train->n_classes)
        return honeE_set(err, HONE_ERR_FORMAT, "%s: the test set has class %d, but the training labels (%s) go up "
                         "to %d", labels, test->n_classes - 1, train_labels, train->n_classes - 1);
    return HONE_OK;
}

static hone_status load_idx_dir(hone_dataset **train, hone_dataset **test, const char *dir,
                                hone_error *err) {
    char images[4096], labels[4096], test_images[4096], test_labels[4096];
    if (!find_in(images, sizeof images, dir, "train-images-idx3-ubyte") ||
        !find_in(labels, sizeof labels, dir, "train-labels-idx1-ubyte"))
        return honeE_set(err, HONE_ERR_IO,
                         "%s: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] here "
                         "(for Fashion-MNIST: apt-get install dataset-fashion-mnist)", dir);
    const bool has_images = find_in(test_images, sizeof test_images, dir, "t10k-images-idx3-ubyte"),
               has_labels = find_in(test_labels, sizeof test_labels, dir, "t10k-labels-idx1-ubyte");
    /* half a test set (a download cut short) was no test set: rows were carved from the training
     * files, and eval scored those */
    if (has_images != has_labels)
        return honeE_set(err, HONE_ERR_IO, "%s/%s[.gz]: no such file, and %s is there: a test set needs both "
                         "(or neither, and one is carved from the training files)", dir,
                         has_images ? "t10k-labels-idx1-ubyte" : "t10k-images-idx3-ubyte",
                         has_images ? test_images : test_labels);
    hone_status st = hone_dataset_load_idx(train, images, labels, err);
    if (st || !has_images) return st;
    st = hone_dataset_load_idx(test, test_images, test_labels, err);
    if (!st) st = test_fits(*train, *test, images, labels, test_images, test_labels, err);
    if (st) {
        hone_dataset_free(*train);
        hone_dataset_free(*test);
        *train = *test = NULL;
    }
    return st;
}

hone_status hone_dataset_format_of(const char *path, hone_dataset_format *format, hone_error *err) {
    if (!path || !*path) return honeE_set(err, HONE_ERR_VALUE, "no data path given");
    struct stat st;
    if (stat(path, &st) != 0) return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) *format = HONE_DATASET_FORMAT_IDX_DIR;
    else if (has_extension(path, ".csv")) *format = HONE_DATASET_FORMAT_CSV;
    else if (has_extension(path, ".npy")) *format = HONE_DATASET_FORMAT_NPY;
    else *format = HONE_DATASET_FORMAT_IDX;
    return HONE_OK;
}

hone_status hone_dataset_load_any(hone_dataset **train, hone_dataset **test,
                                  const hone_data_source *src, hone_error *err) {
    *train = NULL;
    *test = NULL;
    hone_dataset_format format;
    hone_status st = hone_dataset_format_of(src->path, &format, err);
    if (st) return st;
    switch (format) {
    case HONE_DATASET_FORMAT_IDX_DIR:
    case HONE_DATASET_FORMAT_IDX:
        /* IDX labels are unsigned bytes, read as class indices: a regression asked for here was
         * trained as a classifier over the byte values without a word */
        if (src->regression)
            return honeE_set_field(err, HONE_ERR_VALUE, "regression", "%s: IDX labels are class indices (unsigned "
                                   "bytes), not regression targets; give the targets as a CSV column or an .npy file",
                                   format == HONE_DATASET_FORMAT_IDX && src->labels ? src->labels : src->path);
        if (format == HONE_DATASET_FORMAT_IDX_DIR) return load_idx_dir(train, test, src->path, err);
        break;
    case HONE_DATASET_FORMAT_CSV: {
        hone_csv_options csv = src->csv;
        csv.regression = src->regression;
        return hone_dataset_load_csv(train, src->path, &csv, err);
    }
    case HONE_DATASET_FORMAT_NPY: return hone_dataset_load_npy(train, src->path, src->labels, src->regression, err);
    }
    return hone_dataset_load_idx(train, src->path, src->labels, err);
}
