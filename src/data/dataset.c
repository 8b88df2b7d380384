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
/* The input buffer: zlib's default of 8 KiB made large files read slowly. */
#define IN_SIZE ((size_t)1 << 17)
/* One read() or inflate() call at most: inflate counts in unsigned. */
#define CALL_MAX ((size_t)1 << 30)

/* Reads more of the file after the f->z.avail_in bytes not yet used, moved to the front of f->in,
 * until at least want bytes are there or the file ends (f->ended). */
static hone_status fill(honeD_file *f, size_t want, hone_error *err) {
    if (f->z.avail_in && f->z.next_in != f->in) memmove(f->in, f->z.next_in, f->z.avail_in);
    f->z.next_in = f->in;
    while (!f->ended && f->z.avail_in < want) {
        ssize_t r = read(f->fd, f->in + f->z.avail_in, IN_SIZE - f->z.avail_in);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return honeE_set(err, HONE_ERR_IO, "%s: %s", f->path, strerror(errno));
        if (r == 0) f->ended = true;
        f->z.avail_in += (unsigned)r;
    }
    return HONE_OK;
}

hone_status honeD_open(honeD_file *f, const char *path, hone_error *err) {
    memset(f, 0, sizeof *f);
    f->path = path;
    f->fd = open(path, O_RDONLY);
    if (f->fd < 0) return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(f->fd, &st) != 0) {
        hone_status s = honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(errno));
        honeD_close(f);
        return s;
    }
    if (S_ISDIR(st.st_mode)) {
        honeD_close(f);
        return honeE_set(err, HONE_ERR_IO, "%s: %s", path, strerror(EISDIR));
    }
    f->in = honeM_alloc(IN_SIZE, 1);
    if (!f->in) {
        honeD_close(f);
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory opening the file", path);
    }
    /* Compression is told by the gzip magic, as zlib's gzread tells it. A plain regular file's
     * size bounds every later claim; pipes and compressed data have no such bound and are read
     * as the bytes arrive. */
    hone_status s = fill(f, 2, err);
    if (s != HONE_OK) {
        honeD_close(f);
        return s;
    }
    f->compressed = f->z.avail_in >= 2 && f->in[0] == 0x1f && f->in[1] == 0x8b;
    if (f->compressed && inflateInit2(&f->z, 15 + 16) != Z_OK) { /* + 16: gzip, not zlib */
        f->compressed = false; /* nothing for inflateEnd */
        honeD_close(f);
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory opening the file", path);
    }
    f->bounded = S_ISREG(st.st_mode) && !f->compressed;
    f->size = (uint64_t)st.st_size;
    return HONE_OK;
}

void honeD_close(honeD_file *f) {
    if (f->compressed) inflateEnd(&f->z);
    f->compressed = false;
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    honeM_free(f->in);
    f->in = NULL;
}

/* Plain bytes: those already buffered, then straight from the file. */
static hone_status read_plain(honeD_file *f, uint8_t *buf, size_t n, size_t *got, hone_error *err) {
    size_t have = n < f->z.avail_in ? n : f->z.avail_in;
    memcpy(buf, f->z.next_in, have);
    f->z.next_in += have;
    f->z.avail_in -= (unsigned)have;
    while (have < n && !f->ended) {
        size_t chunk = n - have < CALL_MAX ? n - have : CALL_MAX;
        ssize_t r = read(f->fd, buf + have, chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return honeE_set(err, HONE_ERR_IO, "%s: %s", f->path, strerror(errno));
        if (r == 0) f->ended = true;
        have += (size_t)r;
    }
    *got = have;
    return HONE_OK;
}

/* The bytes on disk after the gzip data, which zlib's gzread skips without a word ("trailing
 * garbage ignored"): a file appended plain to a .gz one (the rest of a CSV's rows), a download's
 * junk. Whatever they are, the data read is not all the file holds. total: bytes decompressed. */
static hone_status gz_trailing(honeD_file *f, uint64_t total, hone_error *err) {
    uint64_t count = 0;
    for (;;) {
        count += f->z.avail_in;
        f->z.avail_in = 0;
        if (f->ended) break;
        hone_status st = fill(f, 1, err);
        if (st != HONE_OK) return st;
    }
    return honeE_set(err, HONE_ERR_FORMAT,
                     "%s: %llu byte%s after the end of the gzip stream (%llu bytes decompressed) %s not gzip "
                     "data (a plain file appended to a compressed one?)",
                     f->path, (unsigned long long)count, count == 1 ? "" : "s", (unsigned long long)total,
                     count == 1 ? "is" : "are");
}

/* Compressed bytes: inflated member after member (concatenated gzip members are one gzip file,
 * as gzip -dc reads them). */
static hone_status read_gzip(honeD_file *f, uint8_t *buf, size_t n, size_t *got, hone_error *err) {
    size_t have = 0;
    hone_status st = HONE_OK;
    while (have < n) {
        if (f->between) { /* after a member: another member, the end, or bytes that are neither */
            st = fill(f, 2, err);
            if (st != HONE_OK) break;
            if (f->z.avail_in == 0) break;
            if (f->z.avail_in < 2 || f->z.next_in[0] != 0x1f || f->z.next_in[1] != 0x8b) {
                st = gz_trailing(f, f->pos + have, err);
                break;
            }
            inflateReset(&f->z);
            f->between = false;
        }
        if (f->z.avail_in == 0 && (st = fill(f, 1, err)) != HONE_OK) break;
        size_t chunk = n - have < CALL_MAX ? n - have : CALL_MAX;
        f->z.next_out = buf + have;
        f->z.avail_out = (unsigned)chunk;
        int r = inflate(&f->z, Z_NO_FLUSH);
        have += chunk - f->z.avail_out;
        if (r == Z_STREAM_END) {
            f->between = true;
        } else if (r == Z_MEM_ERROR) {
            st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory decompressing", f->path);
            break;
        } else if (r == Z_BUF_ERROR && f->z.avail_in == 0 && f->ended) {
            /* Unchecked, a file cut short in a download reads as a shorter valid one (a CSV with
             * rows missing, an IDX file whose checksum was never read). */
            st = honeE_set(err, HONE_ERR_FORMAT,
                           "%s: truncated or corrupt gzip data: the compressed stream ends early, after %llu "
                           "decompressed bytes (an incomplete download?)",
                           f->path, (unsigned long long)(f->pos + have));
            break;
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: corrupt gzip data (%s)", f->path,
                           f->z.msg ? f->z.msg : "unknown error");
            break;
        }
    }
    *got = have;
    return st;
}

hone_status honeD_read(honeD_file *f, void *buf, size_t n, size_t *got, hone_error *err) {
    *got = 0;
    size_t have = 0;
    hone_status st = f->compressed ? read_gzip(f, buf, n, &have, err) : read_plain(f, buf, n, &have, err);
    if (st != HONE_OK) return st;
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

hone_status honeD_view_check(const hone_view *view, hone_error *err) {
    for (size_t i = 0; i < view->n; i++)
        if (view->index[i] >= view->data->n)
            return honeE_set(err, HONE_ERR_VALUE, "view: index[%zu] is %zu, past the data's %zu rows", i,
                             view->index[i], view->data->n);
    return HONE_OK;
}

hone_status honeD_view_features_finite(const hone_view *view, hone_error *err) {
    const hone_dataset *data = view->data;
    hone_status st = honeD_view_check(view, err);
    if (st || view->n == 0 || data->x_u8) return st; /* an empty view may have no data; uint8 pixels are finite */
    for (size_t r = 0; r < view->n; r++) {
        const size_t row = view->index[r];
        const hone_real *x = data->x + row * data->d;
        for (size_t j = 0; j < data->d; j++)
            if (!isfinite(x[j]))
                return honeE_set(err, HONE_ERR_VALUE, "row %zu, feature %zu is %s: features must be finite numbers",
                                 row + 1, j + 1, isnan(x[j]) ? "nan" : x[j] > 0 ? "inf" : "-inf");
    }
    return HONE_OK;
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
