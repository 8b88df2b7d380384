/* idx.c - IDX files (the MNIST layout, yann.lecun.com/exdb/mnist), plain or gzip-compressed.
 *
 *   bytes 0-1  0x00 0x00
 *   byte  2    data type (0x08 unsigned byte; the others are refused)
 *   byte  3    rank R
 *   4 R bytes  dimensions, big-endian uint32
 *   the rest   the data, row-major, exactly the product of the dimensions
 *
 * Images stay uint8 in memory ([n, D], D the product of the dimensions after the first) and are
 * converted per batch; labels become int32. */
#include "data_internal.h"

#include <stdio.h>
#include <string.h>

#define IDX_UBYTE 0x08

typedef struct idx_array {
    int rank;
    size_t dims[255];
    size_t count;  /* product of dims */
    uint8_t *data; /* [count] */
} idx_array;

/* "60000 x 28 x 28" for messages. */
static void format_dims(char *buf, size_t size, const idx_array *a) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < a->rank && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%zu", i ? " x " : "", a->dims[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* What a file that is not IDX looks like from its first 4 bytes (decompressed), for the message:
 * a reader is picked by the name (.csv, .npy, else IDX), so an .npz, a .txt or an .npy without
 * its suffix came here and heard only that its magic was wrong. Labels are read as the images
 * are, whatever their name, so y.npy beside IDX images needs another word than a rename. */
static const char *what_else(const uint8_t head[4], bool labels) {
    switch (honeD_looks_like(head, 4)) {
    case HONED_LOOKS_NPY:
        return labels ? ": it is an NPY file; the data and its labels are both .npy or both IDX"
                      : ": it is an NPY file; name it .npy (the reader is picked by the name)";
    case HONED_LOOKS_ZIP:
        return ": it is a zip archive (an .npz?), which hone does not read; save each array with numpy.save, as .npy";
    case HONED_LOOKS_TEXT: return ": it looks like text; a CSV file needs the .csv name (the reader is picked by the name)";
    default: return "";
    }
}

/* Reads a whole IDX file into a. what names the data in messages ("image", "label"). */
static hone_status idx_read(idx_array *a, const char *path, const char *what, hone_error *err) {
    memset(a, 0, sizeof *a);
    honeD_file f;
    hone_status st = honeD_open(&f, path, err);
    if (st != HONE_OK) return st;

    uint8_t head[4 * 255];
    size_t got;
    st = honeD_read(&f, head, 4, &got, err);
    if (st != HONE_OK) goto done;
    if (got < 4) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: not an IDX file (%zu bytes, shorter than the 4-byte magic)",
                       path, got);
        goto done;
    }
    unsigned magic = (unsigned)head[0] << 24 | (unsigned)head[1] << 16 | (unsigned)head[2] << 8 | head[3];
    const char *type_name = honeD_idx_type_name(head[2]);
    if (head[0] != 0 || head[1] != 0 || !type_name) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: not an IDX file (magic 0x%08x; IDX starts 0x00 0x00, a type byte, "
                       "the rank)%s", path, magic, what_else(head, !strcmp(what, "label")));
        goto done;
    }
    if (head[2] != IDX_UBYTE) {
        st = honeE_set(err, HONE_ERR_FORMAT,
                       "%s: IDX data type 0x%02x (%s) is not supported: only 0x08 (unsigned byte)",
                       path, head[2], type_name);
        goto done;
    }
    a->rank = head[3];
    if (a->rank == 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: IDX rank 0 (no dimensions)", path);
        goto done;
    }
    size_t want = 4 * (size_t)a->rank;
    st = honeD_read(&f, head, want, &got, err);
    if (st != HONE_OK) goto done;
    if (got < want) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: truncated: expected %zu bytes of dimensions, got %zu",
                       path, want, got);
        goto done;
    }
    a->count = 1;
    bool overflow = false;
    for (int i = 0; i < a->rank; i++) {
        const uint8_t *b = head + 4 * i;
        a->dims[i] = (size_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
        if (!honeD_mul(a->count, a->dims[i], &a->count)) overflow = true;
    }
    char dims[128];
    format_dims(dims, sizeof dims, a);
    if (overflow) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: dimensions %s are too large to address", path, dims);
        goto done;
    }
    if (a->count == 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: no %s data (dimensions %s)", path, what, dims);
        goto done;
    }
    /* The bounded read: a header claiming 10^12 bytes fails as truncated, having allocated only
     * what the file really held. */
    st = honeD_read_exact(&f, a->count, &a->data, &got, err);
    if (st != HONE_OK) goto done;
    if (!a->data) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: truncated: expected %zu bytes of %s data, got %zu",
                       path, a->count, what, got);
        goto done;
    }
    uint64_t extra;
    st = honeD_trailing(&f, &extra, err);
    if (st != HONE_OK) goto done;
    if (extra) {
        st = honeE_set(err, HONE_ERR_FORMAT,
                       "%s: %llu unexpected byte%s after the %zu bytes of %s data (dimensions %s)",
                       path, (unsigned long long)extra, extra == 1 ? "" : "s", a->count, what, dims);
        goto done;
    }
done:
    honeD_close(&f);
    if (st != HONE_OK) {
        honeM_free(a->data);
        a->data = NULL;
    }
    return st;
}

hone_status hone_dataset_load_idx(hone_dataset **out, const char *images, const char *labels,
                                  hone_error *err) {
    if (!out) return honeE_set(err, HONE_ERR_VALUE, "load_idx: no output pointer (NULL)");
    *out = NULL;
    if (!images) return honeE_set(err, HONE_ERR_VALUE, "load_idx: no images file (NULL)");

    idx_array img, lab = {0};
    hone_status st = idx_read(&img, images, "image", err);
    if (st != HONE_OK) return st;
    hone_dataset *data = NULL;
    if (labels) {
        st = idx_read(&lab, labels, "label", err);
        if (st != HONE_OK) goto fail;
        if (lab.rank != 1) {
            char dims[128];
            format_dims(dims, sizeof dims, &lab);
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: labels must have rank 1, got dimensions %s",
                           labels, dims);
            goto fail;
        }
        if (lab.dims[0] != img.dims[0]) {
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: %zu labels for %zu images in %s", labels,
                           lab.dims[0], img.dims[0], images);
            goto fail;
        }
    }

    data = honeM_alloc(1, sizeof *data);
    if (!data) {
        st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory", images);
        goto fail;
    }
    data->n = img.dims[0];
    data->d = img.count / img.dims[0]; /* rank 1: one feature per row */
    data->label_column = -1;
    honeD_image_shape(data, img.dims, img.rank); /* images, augmentable */
    data->x_u8 = img.data;
    img.data = NULL;
    if (labels) {
        data->label = honeM_alloc(data->n, sizeof *data->label);
        if (!data->label) {
            st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu labels)", labels, data->n);
            goto fail;
        }
        int top = 0;
        for (size_t i = 0; i < data->n; i++) {
            data->label[i] = lab.data[i];
            if (lab.data[i] > top) top = lab.data[i];
        }
        data->n_classes = top + 1;
    }
    honeM_free(lab.data);
    *out = data;
    return HONE_OK;

fail:
    honeM_free(img.data);
    honeM_free(lab.data);
    hone_dataset_free(data);
    return st;
}
