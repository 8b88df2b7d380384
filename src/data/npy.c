/* npy.c - NumPy .npy files (numpy.lib.format), versions 1.0, 2.0 and 3.0.
 *
 *   bytes 0-5   \x93NUMPY
 *   bytes 6-7   major, minor version
 *   then        header length: uint16 little-endian (1.0) or uint32 (2.0, 3.0)
 *   then        the header, a Python dict literal:
 *               {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }
 *   the rest    the data, exactly prod(shape) items
 *
 * Items: float32 or float64, integers of 1, 2, 4 or 8 bytes, signed or not, or bool, in either byte
 * order, and in either order of items: C (the last index varies fastest, as hone's rows do) or
 * Fortran (the first fastest, as numpy saves an F-contiguous array such as a.T), put into C order
 * as it is read. Features x go to hone_real, but uint8 and bool stay bytes; answers y are class
 * labels (integral values) or regression targets. Values are decoded byte by byte in the file's
 * order, so the loader does not depend on the host's. */
#include "data_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NPY_MAX_RANK 64          /* numpy's own limit (NPY_MAXDIMS) */
#define NPY_MAX_LABEL (HONE_MAX_UNITS - 1) /* a model has one output unit per class */

/* What an item is: a float of 4 or 8 bytes, a signed or unsigned integer of 1, 2, 4 or 8 (a bool
 * is an unsigned byte), stored little- or big-endian. */
typedef enum npy_kind { NPY_FLOAT, NPY_INT, NPY_UINT } npy_kind;

typedef struct npy_array {
    char descr[32];
    npy_kind kind;
    bool big_endian;
    size_t itemsize;
    int fortran; /* the header's fortran_order; 0 once the data is in C order */
    int rank;
    size_t shape[NPY_MAX_RANK];
    size_t count;  /* prod(shape) */
    uint8_t *data; /* [count * itemsize] as stored, in C order once read */
} npy_array;

/* "(60000, 784)", "(100,)" or "()" as Python prints shapes. */
static void format_shape(char *buf, size_t size, const npy_array *a) {
    size_t used = (size_t)snprintf(buf, size, "(");
    for (int i = 0; i < a->rank && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%zu", i ? ", " : "", a->shape[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (used < size) snprintf(buf + used, size - used, a->rank == 1 ? ",)" : ")");
}

/* descr as numpy writes it: a byte order ('<' little, '>' big, '|' none; absent for a byte), a
 * kind (f, i, u, b) and a size in bytes: "<f4", ">i8", "|u1", "|b1". */
static bool parse_dtype(npy_array *a) {
    const char *d = a->descr;
    const char order = *d == '<' || *d == '>' || *d == '|' ? *d++ : '|';
    const char kind = *d++;
    if (!(*d >= '1' && *d <= '8') || d[1]) return false;
    const size_t size = (size_t)(*d - '0');
    if (kind == 'f' && (size == 4 || size == 8)) a->kind = NPY_FLOAT;
    else if ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8))
        a->kind = kind == 'i' ? NPY_INT : NPY_UINT;
    else if (kind == 'b' && size == 1) a->kind = NPY_UINT; /* bool: 0 or 1 */
    else return false;
    if (order == '|' && size > 1) return false; /* numpy gives every wider type its order */
    a->itemsize = size;
    a->big_endian = order == '>';
    return true;
}

static const char *skip_space(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* A quoted Python string at p into out (truncated to size); returns past the closing quote or
 * NULL. */
static const char *parse_string(const char *p, char *out, size_t size) {
    char q = *p;
    if (q != '\'' && q != '"') return NULL;
    const char *e = strchr(p + 1, q);
    if (!e) return NULL;
    size_t len = (size_t)(e - p - 1);
    if (len >= size) len = size - 1;
    memcpy(out, p + 1, len);
    out[len] = '\0';
    return e + 1;
}

/* The header dict. numpy writes exactly these three keys; anything else is not a file it wrote. */
static hone_status parse_header(npy_array *a, const char *path, const char *text, hone_error *err) {
    bool has_descr = false, has_order = false, has_shape = false;
    const char *p = skip_space(text);
    if (*p++ != '{') goto malformed;
    for (;;) {
        p = skip_space(p);
        if (*p == '}') break;
        char key[32];
        if (!(p = parse_string(p, key, sizeof key))) goto malformed;
        p = skip_space(p);
        if (*p++ != ':') goto malformed;
        p = skip_space(p);
        if (strcmp(key, "descr") == 0) {
            if (*p == '[') { /* a structured dtype: a list of fields */
                return honeE_set(err, HONE_ERR_FORMAT,
                                 "%s: unsupported dtype (a structured array; float32, float64 or uint8 expected)",
                                 path);
            }
            if (!(p = parse_string(p, a->descr, sizeof a->descr))) goto malformed;
            has_descr = true;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (strncmp(p, "True", 4) == 0) {
                a->fortran = 1;
                p += 4;
            } else if (strncmp(p, "False", 5) == 0) {
                a->fortran = 0;
                p += 5;
            } else {
                goto malformed;
            }
            has_order = true;
        } else if (strcmp(key, "shape") == 0) {
            if (*p++ != '(') goto malformed;
            a->rank = 0;
            for (;;) {
                p = skip_space(p);
                if (*p == ')') break;
                if (*p < '0' || *p > '9') goto malformed;
                if (a->rank == NPY_MAX_RANK)
                    return honeE_set(err, HONE_ERR_FORMAT, "%s: more than %d dimensions", path,
                                     NPY_MAX_RANK);
                size_t v = 0;
                for (; *p >= '0' && *p <= '9'; p++) {
                    size_t digit = (size_t)(*p - '0');
                    if (v > (SIZE_MAX - digit) / 10)
                        return honeE_set(err, HONE_ERR_FORMAT, "%s: a dimension of the shape is too large",
                                         path);
                    v = v * 10 + digit;
                }
                if (*p == 'L') p++; /* Python 2 longs */
                a->shape[a->rank++] = v;
                p = skip_space(p);
                if (*p == ',') p++;
                else if (*p != ')') goto malformed;
            }
            p++;
            has_shape = true;
        } else {
            goto malformed;
        }
        p = skip_space(p);
        if (*p == ',') p++;
        else if (*p != '}') goto malformed;
    }
    if (!has_descr || !has_order || !has_shape)
        return honeE_set(err, HONE_ERR_FORMAT, "%s: the NPY header lacks '%s'", path,
                         !has_descr ? "descr" : !has_order ? "fortran_order" : "shape");
    return HONE_OK;
malformed:
    return honeE_set(err, HONE_ERR_FORMAT, "%s: malformed NPY header: %.80s", path, text);
}

/* What a file that is not NPY looks like from its first got bytes (decompressed), for the
 * message: the labels of an .npy data file are read as NPY whatever their name, so IDX labels,
 * an .npz or a savetxt file came here and heard only that the magic was wrong. */
static const char *what_else(const uint8_t *head, size_t got) {
    switch (honeD_looks_like(head, got)) {
    case HONED_LOOKS_ZIP:
        return ": it is a zip archive (an .npz?), which hone does not read; save each array with numpy.save";
    case HONED_LOOKS_IDX: return ": it looks like an IDX file; the data and its labels are both .npy or both IDX";
    case HONED_LOOKS_TEXT:
        return ": it looks like text (numpy.savetxt's?); save the array with numpy.save, or name a CSV file .csv";
    default: return "";
    }
}

/* Where Fortran order put the item of C-order index c: c's indices, found last first, placed by
 * Fortran's strides (1 for the first index, the first dimension for the second, ...). */
static size_t fortran_offset(const npy_array *a, const size_t *stride, size_t c) {
    size_t f = 0;
    for (int i = a->rank - 1; i >= 0; i--) {
        f += c % a->shape[i] * stride[i];
        c /= a->shape[i];
    }
    return f;
}

/* Fortran order into C order in the buffer itself, so that the array is held once: each cycle of
 * the permutation is followed from its first place, every item moved straight to where it
 * belongs and one held aside. The cost is a bit an item, marking the places filled. */
static hone_status to_c_order(npy_array *a, const char *path, hone_error *err) {
    int big_dims = 0;
    for (int i = 0; i < a->rank; i++) big_dims += a->shape[i] > 1;
    if (!a->fortran || big_dims < 2) return HONE_OK; /* one dimension above 1: the orders are the same bytes */
    uint8_t *filled = honeM_alloc(a->count / 8 + 1, 1);
    if (!filled)
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (putting %zu items of Fortran order into C order)",
                         path, a->count);
    size_t stride[NPY_MAX_RANK];
    for (int i = 0; i < a->rank; i++) stride[i] = i ? stride[i - 1] * a->shape[i - 1] : 1; /* at most count */
    const size_t size = a->itemsize;
    uint8_t *data = a->data, held[8];
    for (size_t start = 0; start < a->count; start++) {
        if ((filled[start / 8] >> (start % 8)) & 1) continue;
        memcpy(held, data + start * size, size); /* its place is filled first, the item moves last */
        size_t to = start;
        for (;;) { /* place `to` takes the item of C index `to`, from where Fortran order put it */
            filled[to / 8] |= (uint8_t)(1u << (to % 8));
            const size_t from = fortran_offset(a, stride, to);
            if (from == start) break;
            memcpy(data + to * size, data + from * size, size);
            to = from;
        }
        memcpy(data + to * size, held, size);
    }
    honeM_free(filled);
    a->fortran = 0;
    return HONE_OK;
}

/* Reads a whole .npy file. */
static hone_status npy_read(npy_array *a, const char *path, hone_error *err) {
    memset(a, 0, sizeof *a);
    honeD_file f;
    hone_status st = honeD_open(&f, path, err);
    if (st != HONE_OK) return st;
    char *header = NULL;
    uint8_t pre[12];
    size_t got;
    st = honeD_read(&f, pre, 10, &got, err);
    if (st != HONE_OK) goto done;
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: not an NPY file (it does not start with \\x93NUMPY)%s",
                       path, what_else(pre, got));
        goto done;
    }
    int major = pre[6], minor = pre[7];
    size_t header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (major == 2 || major == 3) {
        st = honeD_read(&f, pre + 10, 2, &got, err);
        if (st != HONE_OK) goto done;
        if (got < 2) {
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: truncated: the NPY header length is cut short", path);
            goto done;
        }
        header_len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    } else if (major != 1) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: NPY format version %d.%d is not supported (1.0, 2.0 or 3.0)",
                       path, major, minor);
        goto done;
    }
    uint8_t *raw;
    st = honeD_read_exact(&f, header_len, &raw, &got, err);
    if (st != HONE_OK) goto done;
    if (!raw) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: truncated: expected %zu bytes of NPY header, got %zu",
                       path, header_len, got);
        goto done;
    }
    header = honeM_realloc(raw, header_len + 1, 1); /* room for a NUL */
    if (!header) {
        honeM_free(raw);
        st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu bytes of header)", path, header_len);
        goto done;
    }
    header[header_len] = '\0';
    st = parse_header(a, path, header, err);
    if (st != HONE_OK) goto done;

    if (!parse_dtype(a)) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: unsupported dtype '%s' (float32, float64, bool or an integer of 1 "
                       "to 8 bytes expected, in either byte order)", path, a->descr);
        goto done;
    }
    size_t bytes;
    a->count = 1;
    bool overflow = false;
    for (int i = 0; i < a->rank; i++)
        if (!honeD_mul(a->count, a->shape[i], &a->count)) overflow = true;
    char shape[160];
    format_shape(shape, sizeof shape, a);
    if (overflow || !honeD_mul(a->count, a->itemsize, &bytes)) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: shape %s is too large to address", path, shape);
        goto done;
    }
    if (bytes == 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: no data (shape %s)", path, shape);
        goto done;
    }
    st = honeD_read_exact(&f, bytes, &a->data, &got, err);
    if (st != HONE_OK) goto done;
    if (!a->data) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: truncated: expected %zu bytes of data for shape %s '%s', got %zu",
                       path, bytes, shape, a->descr, got);
        goto done;
    }
    uint64_t extra;
    st = honeD_trailing(&f, &extra, err);
    if (st != HONE_OK) goto done;
    if (extra)
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: %llu unexpected byte%s after the %zu bytes of data for shape %s",
                       path, (unsigned long long)extra, extra == 1 ? "" : "s", bytes, shape);
    else
        st = to_c_order(a, path, err);
done:
    honeM_free(header);
    honeD_close(&f);
    if (st != HONE_OK) {
        honeM_free(a->data);
        a->data = NULL;
    }
    return st;
}

/* Item i's bytes as an integer, in the file's byte order whatever the host's. */
static uint64_t raw_item(const npy_array *a, size_t i) {
    const uint8_t *p = a->data + i * a->itemsize;
    const size_t n = a->itemsize;
    uint64_t u = 0;
    for (size_t k = 0; k < n; k++) u = u << 8 | p[a->big_endian ? k : n - 1 - k];
    return u;
}

/* A signed item sign-extended from its width. */
static int64_t signed_item(const npy_array *a, uint64_t u) {
    const unsigned shift = 64 - 8 * (unsigned)a->itemsize;
    return shift ? (int64_t)(u << shift) >> shift : (int64_t)u;
}

/* Item i as a double. */
static double npy_value(const npy_array *a, size_t i) {
    const uint64_t u = raw_item(a, i);
    switch (a->kind) {
    case NPY_FLOAT:
        if (a->itemsize == 4) {
            const uint32_t u32 = (uint32_t)u;
            float v;
            memcpy(&v, &u32, sizeof v);
            return v;
        } else {
            double v;
            memcpy(&v, &u, sizeof v);
            return v;
        }
    case NPY_UINT: return (double)u;
    case NPY_INT: return (double)signed_item(a, u);
    }
    return 0;
}

/* Item i as a message shows it: an integer exactly (a double rounds those past 2^53), a float
 * by %g; into buf [32]. */
static const char *npy_text(const npy_array *a, size_t i, char *buf) {
    const uint64_t u = raw_item(a, i);
    if (a->kind == NPY_UINT) snprintf(buf, 32, "%llu", (unsigned long long)u);
    else if (a->kind == NPY_INT) snprintf(buf, 32, "%lld", (long long)signed_item(a, u));
    else snprintf(buf, 32, "%g", npy_value(a, i));
    return buf;
}

/* x's items into data: uint8 kept as it is, floats to hone_real (finite, or an error). */
static hone_status take_x(hone_dataset *data, npy_array *x, const char *path, hone_error *err) {
    if (x->kind == NPY_UINT && x->itemsize == 1) {
        data->x_u8 = x->data;
        x->data = NULL;
        return HONE_OK;
    }
    /* Same width: decode in place (each item is read before its slot is written). */
    hone_real *out = x->itemsize == sizeof(hone_real) ? (hone_real *)(void *)x->data
                                                       : honeM_alloc(x->count, sizeof *out);
    if (!out) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu values)", path, x->count);
    honeD_collapse features;
    hone_status st = honeD_collapse_init(&features, data->d, path, err);
    for (size_t i = 0; i < x->count && st == HONE_OK; i++) {
        double v = npy_value(x, i);
        hone_real r = (hone_real)v;
        if (!isfinite(r))
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: row %zu, column %zu (0-based): %g is not a finite %s feature",
                           path, i / data->d, i % data->d, v, HONE_REAL_NAME);
        honeD_collapse_note(&features, i / data->d, i % data->d, v);
        out[i] = r;
    }
    if (st == HONE_OK) data->collapsed_feature = honeD_collapse_first(&features);
    honeD_collapse_free(&features);
    if (st != HONE_OK) {
        if ((void *)out != (void *)x->data) honeM_free(out);
        return st;
    }
    if ((void *)out == (void *)x->data) x->data = NULL;
    data->x = out;
    return HONE_OK;
}

/* Whether each row of y [n, T] is one 1 among 0s: labels as Keras's to_categorical writes them,
 * which a classifier here takes as class indices. */
static bool one_hot(const npy_array *y) {
    const size_t t = y->shape[1];
    for (size_t r = 0; r < y->shape[0]; r++) {
        size_t ones = 0;
        for (size_t k = 0; k < t; k++) {
            const double v = npy_value(y, r * t + k);
            if (v == 1) ones++;
            else if (v != 0) return false;
        }
        if (ones != 1) return false;
    }
    return true;
}

/* y's items into data: labels (classification) or targets (regression) of x_path's rows. */
static hone_status take_y(hone_dataset *data, const npy_array *y, const char *path, const char *x_path,
                          int regression, hone_error *err) {
    char shape[160];
    format_shape(shape, sizeof shape, y);
    size_t t = y->rank == 2 ? y->shape[1] : 1;
    if (y->rank < 1 || y->rank > 2 || (!regression && t != 1))
        return honeE_set(err, HONE_ERR_FORMAT, "%s: y has shape %s: expected (n,)%s%s", path, shape,
                         regression ? " or (n, T)" : " of class labels ((n, T) is for regression)",
                         !regression && y->rank == 2 && one_hot(y) ? "; its rows are one-hot: save y.argmax(axis=1)" : "");
    if (y->shape[0] != data->n)
        return honeE_set(err, HONE_ERR_FORMAT, "%s: %zu rows in y, but x, %s, has %zu", path, y->shape[0], x_path,
                         data->n); /* x named: with --test-data there are two of each */
    if (regression) {
        data->target = honeM_alloc(y->count, sizeof *data->target);
        if (!data->target) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu targets)", path, y->count);
        data->t = t;
        honeD_collapse targets;
        hone_status st = honeD_collapse_init(&targets, t, path, err);
        for (size_t i = 0; i < y->count && st == HONE_OK; i++) {
            double v = npy_value(y, i);
            hone_real r = (hone_real)v;
            if (!isfinite(r))
                st = honeE_set(err, HONE_ERR_FORMAT, "%s: y[%zu] = %g is not a finite %s target", path, i / t, v,
                               HONE_REAL_NAME);
            honeD_collapse_note(&targets, i / t, i % t, v);
            data->target[i] = r;
        }
        if (st == HONE_OK) data->collapsed_target = honeD_collapse_first(&targets);
        honeD_collapse_free(&targets);
        return st;
    }
    data->label = honeM_alloc(data->n, sizeof *data->label);
    if (!data->label) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu labels)", path, data->n);
    int top = 0;
    for (size_t i = 0; i < data->n; i++) {
        double v = npy_value(y, i);
        char text[32];
        if (!(v >= 0) || v != floor(v))
            return honeE_set_field(err, HONE_ERR_FORMAT, "label", "%s: y[%zu] = %s is not a class index (an integer "
                                   ">= 0%s)", path, i, npy_text(y, i, text), v < 0 && v == floor(v) ? NEGATIVE_LABEL : "");
        if (v > NPY_MAX_LABEL)
            return honeE_set(err, HONE_ERR_FORMAT,
                             "%s: y[%zu] = %s is above the largest class index a model can have, %d "
                             "(one output unit per class, at most %d)",
                             path, i, npy_text(y, i, text), NPY_MAX_LABEL, HONE_MAX_UNITS);
        data->label[i] = (int32_t)v;
        if ((int)v > top) top = (int)v;
    }
    data->n_classes = top + 1;
    return HONE_OK;
}

hone_status hone_dataset_load_npy(hone_dataset **out, const char *x_path, const char *y_path,
                                  int regression, hone_error *err) {
    if (!out) return honeE_set(err, HONE_ERR_VALUE, "load_npy: no output pointer (NULL)");
    *out = NULL;
    if (!x_path) return honeE_set(err, HONE_ERR_VALUE, "load_npy: no features file (NULL)");

    npy_array x, y = {0};
    hone_dataset *data = NULL;
    hone_status st = npy_read(&x, x_path, err);
    if (st != HONE_OK) return st;
    if (x.rank == 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: x is a scalar (shape ()): expected rows, shape (n, ...)",
                       x_path);
        goto done;
    }
    data = honeM_alloc(1, sizeof *data);
    if (!data) {
        st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory", x_path);
        goto done;
    }
    data->label_column = -1;
    data->n = x.shape[0];
    data->d = x.count / x.shape[0]; /* rank 1: one feature per row; count > 0 so n > 0 */
    honeD_image_shape(data, x.shape, x.rank);
    st = take_x(data, &x, x_path, err);
    if (st != HONE_OK) goto done;
    if (y_path) {
        st = npy_read(&y, y_path, err);
        if (st == HONE_OK) st = take_y(data, &y, y_path, x_path, regression, err);
    }
done:
    honeM_free(x.data);
    honeM_free(y.data);
    if (st != HONE_OK) {
        hone_dataset_free(data);
        return st;
    }
    *out = data;
    return HONE_OK;
}
