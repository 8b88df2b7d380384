/* dataset.c - freeing datasets, carving them into train/dev/test views, and the file reading the
 * loaders share (data_internal.h). */
#include "data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * Reading files
 * ------------------------------------------------------------------------------------------- */

/* Growth step for data of unknown length (compressed): large enough that doubling from it costs
 * few copies, small enough that a lying header costs nothing. */
#define READ_CHUNK ((size_t)1 << 20)
/* gzread takes an unsigned and returns an int. */
#define GZREAD_MAX ((size_t)1 << 30)

hone_status honeD_open(honeD_file *f, const char *path, hone_error *err) {
    memset(f, 0, sizeof *f);
    f->path = path;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(EISDIR));
    }
    f->gz = gzdopen(fd, "rb"); /* owns fd from here: gzclose closes it */
    if (!f->gz) {
        close(fd);
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory opening the file", path);
    }
    gzbuffer(f->gz, 1u << 17); /* the 8 KiB default makes large files read slowly */
    /* gzdirect peeks at the first bytes; a plain regular file's size bounds every later claim.
     * Pipes and compressed data have no such bound and are read as the bytes arrive. */
    f->bounded = S_ISREG(st.st_mode) && gzdirect(f->gz);
    f->size = (uint64_t)st.st_size;
    return HONE_OK;
}

void honeD_close(honeD_file *f) {
    if (f->gz) gzclose(f->gz);
    f->gz = NULL;
}

static hone_status gz_failure(honeD_file *f, hone_error *err) {
    int code = Z_OK;
    const char *msg = gzerror(f->gz, &code);
    if (code == Z_ERRNO) return honeE_set(err, HONE_ERR_IO, "%s: %s", f->path, strerror(errno));
    if (code == Z_MEM_ERROR) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory decompressing", f->path);
    return honeE_set(err, HONE_ERR_FORMAT, "%s: corrupt gzip data (%s)", f->path, msg ? msg : "unknown error");
}

/* Whether the input ended inside a gzip stream. gzread hands back what it could decompress as an
 * ordinary short count and says the stream was cut only through gzerror (Z_BUF_ERROR): unchecked,
 * a file cut short in a download reads as a shorter valid one (a CSV with rows missing, an IDX
 * file whose checksum was never read). */
static bool stream_cut(honeD_file *f) {
    int code = Z_OK;
    gzerror(f->gz, &code);
    return code == Z_BUF_ERROR;
}

static hone_status gz_truncated(honeD_file *f, size_t have, hone_error *err) {
    return honeE_set(err, HONE_ERR_FORMAT,
                     "%s: truncated or corrupt gzip data: the compressed stream ends early, after %llu "
                     "decompressed bytes (an incomplete download?)",
                     f->path, (unsigned long long)(f->pos + have));
}

hone_status honeD_read(honeD_file *f, void *buf, size_t n, size_t *got, hone_error *err) {
    size_t have = 0;
    *got = 0;
    while (have < n) {
        size_t chunk = n - have < GZREAD_MAX ? n - have : GZREAD_MAX;
        int r = gzread(f->gz, (char *)buf + have, (unsigned)chunk);
        if (r < 0) return gz_failure(f, err);
        if (r == 0) {
            if (stream_cut(f)) return gz_truncated(f, have, err);
            break;
        }
        have += (size_t)r;
    }
    f->pos += have;
    *got = have;
    return HONE_OK;
}

hone_status honeD_read_exact(honeD_file *f, size_t n, uint8_t **out, size_t *got, hone_error *err) {
    *out = NULL;
    *got = 0;
    if (f->bounded) {
        uint64_t left = f->size > f->pos ? f->size - f->pos : 0;
        if ((uint64_t)n > left) {
            *got = (size_t)left;
            return HONE_OK;
        }
    }
    size_t cap = f->bounded || n < READ_CHUNK ? n : READ_CHUNK;
    uint8_t *buf = honeM_alloc(cap, 1);
    if (!buf) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu bytes)", f->path, cap);
    size_t have = 0;
    for (;;) {
        size_t r;
        hone_status st = honeD_read(f, buf + have, cap - have, &r, err);
        if (st != HONE_OK) {
            honeM_free(buf);
            return st;
        }
        have += r;
        if (have == n) break;
        if (have < cap) { /* the data ended */
            honeM_free(buf);
            *got = have;
            return HONE_OK;
        }
        size_t next = cap > n / 2 ? n : cap * 2;
        uint8_t *grown = honeM_realloc(buf, next, 1);
        if (!grown) {
            honeM_free(buf);
            return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu bytes)", f->path, next);
        }
        buf = grown;
        cap = next;
    }
    *out = buf;
    *got = n;
    return HONE_OK;
}

hone_status honeD_read_rest(honeD_file *f, char **out, size_t *len, hone_error *err) {
    *out = NULL;
    *len = 0;
    size_t cap = READ_CHUNK; /* including the NUL */
    if (f->bounded) {
        uint64_t left = f->size > f->pos ? f->size - f->pos : 0;
        if (left >= SIZE_MAX) return honeE_set(err, HONE_ERR_NOMEM, "%s: too large to read", f->path);
        cap = (size_t)left + 1;
    }
    char *buf = honeM_alloc(cap, 1);
    if (!buf) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu bytes)", f->path, cap);
    size_t have = 0;
    for (;;) {
        size_t want = cap - 1 - have, r;
        hone_status st = honeD_read(f, buf + have, want, &r, err);
        if (st != HONE_OK) {
            honeM_free(buf);
            return st;
        }
        have += r;
        if (r < want) break;
        /* Full: a plain file may have grown since fstat, and compressed data is unknown. */
        size_t next;
        if (!honeD_mul(cap, 2, &next)) {
            honeM_free(buf);
            return honeE_set(err, HONE_ERR_NOMEM, "%s: too large to read", f->path);
        }
        char *grown = honeM_realloc(buf, next, 1);
        if (!grown) {
            honeM_free(buf);
            return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu bytes)", f->path, next);
        }
        buf = grown;
        cap = next;
    }
    buf[have] = '\0';
    *out = buf;
    *len = have;
    return HONE_OK;
}

hone_status honeD_trailing(honeD_file *f, uint64_t *count, hone_error *err) {
    *count = 0;
    if (f->bounded) {
        *count = f->size > f->pos ? f->size - f->pos : 0;
        return HONE_OK;
    }
    char tmp[1 << 14];
    for (;;) {
        size_t r;
        hone_status st = honeD_read(f, tmp, sizeof tmp, &r, err);
        if (st != HONE_OK) return st;
        *count += r;
        if (r < sizeof tmp) return HONE_OK;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Datasets and splits
 * ------------------------------------------------------------------------------------------- */

void hone_dataset_free(hone_dataset *data) {
    if (!data) return;
    honeM_free(data->x_u8);
    honeM_free(data->x);
    honeM_free(data->label);
    honeM_free(data->target);
    honeM_free(data->target_columns);
    honeM_free(data->feature_names);
    honeM_free(data);
}

/* Rows meant by a dev or test setting: below 1 a fraction of n (rounded to nearest), from 1 a
 * count. Kept as a double so an absurd count is reported as given, not wrapped. */
static hone_status split_rows(double value, const char *name, size_t n, double *rows, hone_error *err) {
    if (isnan(value) || value < 0)
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: %s = %g: expected a fraction in [0, 1), a row count >= 1, or 0 for none",
                         name, value);
    if (value < 1) {
        *rows = floor(value * (double)n + 0.5);
        return HONE_OK;
    }
    if (value != floor(value))
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: %s = %g: values of 1 or more are row counts and must be whole numbers",
                         name, value);
    *rows = value;
    return HONE_OK;
}

static hone_status make_view(hone_view *view, const hone_dataset *data, const size_t *rows, size_t n,
                             hone_error *err) {
    view->data = data;
    view->n = n;
    view->index = NULL;
    if (n == 0) return HONE_OK; /* an empty view has no index */
    view->index = honeM_alloc(n, sizeof *view->index);
    if (!view->index) return honeE_set(err, HONE_ERR_NOMEM, "split: out of memory (%zu row indices)", n);
    if (rows) {
        memcpy(view->index, rows, n * sizeof *rows);
    } else {
        for (size_t i = 0; i < n; i++) view->index[i] = i;
    }
    return HONE_OK;
}

/* A separate test set must be scored by the same model: same features, same kind of answers. */
static hone_status check_compatible(const hone_dataset *data, const hone_dataset *test_data,
                                    hone_error *err) {
    if (test_data->d != data->d)
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: the test set has %zu features per row, the training data %zu",
                         test_data->d, data->d);
    if (!data->label != !test_data->label)
        return honeE_set(err, HONE_ERR_VALUE, "split: the %s has class labels but the %s has none",
                         data->label ? "training data" : "test set",
                         data->label ? "test set" : "training data");
    if (!data->target != !test_data->target)
        return honeE_set(err, HONE_ERR_VALUE, "split: the %s has regression targets but the %s has none",
                         data->target ? "training data" : "test set",
                         data->target ? "test set" : "training data");
    if (data->target && data->t != test_data->t)
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: the test set has %zu target columns, the training data %zu",
                         test_data->t, data->t);
    /* A model sized by the training classes has no output for a larger test label. */
    if (data->label && test_data->n_classes > data->n_classes)
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: the test set has class %d, but the training data's classes are 0..%d",
                         test_data->n_classes - 1, data->n_classes - 1);
    return HONE_OK;
}

hone_status hone_split_make(hone_split *split, const hone_dataset *data,
                            const hone_dataset *test_data, double dev, double test, uint64_t seed,
                            hone_error *err) {
    if (!split) return honeE_set(err, HONE_ERR_VALUE, "split: no split to fill (NULL)");
    memset(split, 0, sizeof *split); /* hone_split_free is safe after any failure */
    if (!data) return honeE_set(err, HONE_ERR_VALUE, "split: no dataset (NULL)");
    if (data->n == 0) return honeE_set(err, HONE_ERR_VALUE, "split: the dataset has no rows");
    size_t n = data->n;

    double dev_rows = 0, test_rows = 0;
    hone_status st = split_rows(dev, "dev", n, &dev_rows, err);
    if (st != HONE_OK) return st;
    st = split_rows(test, "test", n, &test_rows, err);
    if (st != HONE_OK) return st;
    if (test_data) {
        if (test != 0)
            return honeE_set(err, HONE_ERR_VALUE,
                             "split: test = %g, but a separate test set was given: test must be 0",
                             test);
        st = check_compatible(data, test_data, err);
        if (st != HONE_OK) return st;
        if (dev_rows >= (double)n)
            return honeE_set(err, HONE_ERR_VALUE, "split: dev (%.15g) leaves no training rows of %zu",
                             dev_rows, n);
    } else if (dev_rows + test_rows >= (double)n) {
        return honeE_set(err, HONE_ERR_VALUE,
                         "split: dev (%.15g) + test (%.15g) leave no training rows of %zu", dev_rows,
                         test_rows, n);
    }
    size_t n_dev = (size_t)dev_rows, n_test = (size_t)test_rows; /* both < n now */

    size_t *order = honeM_alloc(n, sizeof *order);
    if (!order) return honeE_set(err, HONE_ERR_NOMEM, "split: out of memory (%zu row indices)", n);
    for (size_t i = 0; i < n; i++) order[i] = i;
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    hone_rng_shuffle(&rng, order, n);

    /* Test first, then dev, the rest train: a given seed and test size pick the same test rows
     * whatever dev is, so tuning dev never leaks test rows into training. */
    if (test_data) {
        st = make_view(&split->test, test_data, NULL, test_data->n, err);
    } else {
        st = make_view(&split->test, data, order, n_test, err);
    }
    if (st == HONE_OK) st = make_view(&split->dev, data, order + n_test, n_dev, err);
    if (st == HONE_OK)
        st = make_view(&split->train, data, order + n_test + n_dev, n - n_test - n_dev, err);
    honeM_free(order);
    if (st != HONE_OK) hone_split_free(split);
    return st;
}

void hone_split_free(hone_split *split) {
    if (!split) return;
    honeM_free(split->train.index);
    honeM_free(split->dev.index);
    honeM_free(split->test.index);
    memset(split, 0, sizeof *split);
}

/* ---------------------------------------------------------------------------------------------
 * A view's digest
 * ------------------------------------------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v * 0x9e3779b97f4a7c15ULL;
    h = h << 29 | h >> 35;
    return h * 0xbf58476d1ce4e5b9ULL;
}

static uint64_t mix_bytes(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (; n >= 8; n -= 8, b += 8) {
        uint64_t v;
        memcpy(&v, b, 8);
        h = mix(h, v);
    }
    uint64_t v = n; /* the tail's length in the low byte, its bytes above */
    for (size_t i = 0; i < n; i++) v ^= (uint64_t)b[i] << (8 * (i + 1));
    return mix(h, v);
}

uint64_t hone_view_checksum(const hone_view *view) {
    uint64_t h = mix(0x243f6a8885a308d3ULL, view->n);
    const hone_dataset *d = view->data;
    for (size_t i = 0; i < view->n; i++) {
        const size_t r = view->index[i];
        h = mix(h, r);
        if (d->x_u8) h = mix_bytes(h, d->x_u8 + r * d->d, d->d);
        else h = mix_bytes(h, d->x + r * d->d, d->d * sizeof *d->x);
        if (d->label) h = mix(h, (uint32_t)d->label[r]);
        if (d->target) h = mix_bytes(h, d->target + r * d->t, d->t * sizeof *d->target);
    }
    h ^= h >> 32;
    return h * 0xd6e8feb86659fd93ULL ^ (h >> 29);
}

const char *honeD_idx_type_name(int type) {
    switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    }
    return NULL;
}

void honeD_image_shape(hone_dataset *data, const size_t *dims, int rank) {
    if (rank == 3 || (rank == 4 && dims[3] == 1)) { /* [n, h, w] or [n, h, w, 1] */
        data->height = dims[1];
        data->width = dims[2];
    } else if (rank == 4 && dims[1] == 1) { /* [n, 1, h, w] */
        data->height = dims[2];
        data->width = dims[3];
    }
}

honeD_looks honeD_looks_like(const uint8_t *head, size_t got) {
    if (got < 4) return HONED_LOOKS_OTHER;
    if (!memcmp(head, "\x93NUM", 4)) return HONED_LOOKS_NPY;
    if (head[0] == 0 && head[1] == 0 && honeD_idx_type_name(head[2]) && head[3] >= 1) return HONED_LOOKS_IDX;
    if (!memcmp(head, "PK\x03\x04", 4)) return HONED_LOOKS_ZIP;
    for (size_t i = 0; i < got; i++)
        if (!(isprint(head[i]) || isspace(head[i]) || head[i] >= 0x80)) return HONED_LOOKS_OTHER;
    return HONED_LOOKS_TEXT;
}
