/* data_internal.h - what the data loaders share: reading a file, plain or gzip, through zlib,
 * without ever trusting a size the file claims for itself. */
#ifndef HONE_DATA_INTERNAL_H
#define HONE_DATA_INTERNAL_H

#include "hone_internal.h"

#include <zlib.h>

/* An input file, plain or gzip: every loader reads .gz for free; compression is detected from the
 * content (the gzip magic), never from the name. Compressed data is inflated here rather than
 * through zlib's gzread, which ignores whatever follows the gzip stream. */
typedef struct honeD_file {
    int fd;
    const char *path; /* for messages */
    bool bounded;     /* a plain regular file: size bounds what can still be read */
    bool compressed;  /* gzip: z inflates it */
    bool ended;       /* read() has said end of file */
    bool between;     /* compressed: a gzip member has ended and no other has begun */
    z_stream z;       /* next_in, avail_in: bytes read from the file and not yet used */
    uint8_t *in;      /* the input buffer */
    uint64_t size;    /* bytes on disk, when bounded */
    uint64_t pos;     /* (uncompressed) bytes consumed so far */
} honeD_file;

/* Missing or unreadable files give HONE_ERR_IO "PATH: strerror". */
hone_status honeD_open(honeD_file *f, const char *path, hone_error *err);
void honeD_close(honeD_file *f);

/* Reads up to n bytes into buf; *got < n only when the data ends. Compressed data that ends
 * inside its gzip stream (a file cut short) is an error, HONE_ERR_FORMAT "PATH: truncated or
 * corrupt gzip data: ...", for every loader alike, and so are bytes after the gzip stream that
 * are not another gzip member ("PATH: N bytes after the end of the gzip stream ..."). */
hone_status honeD_read(honeD_file *f, void *buf, size_t n, size_t *got, hone_error *err);

/* Reads exactly n bytes into a new buffer (honeM_free it). A header may claim anything, so memory
 * follows the data rather than the claim: a plain file that cannot hold n bytes is refused before
 * allocating, and compressed data grows the buffer as it actually arrives. When the data ends
 * early, *out is NULL, *got says how many bytes there were, and the status is still HONE_OK:
 * the caller words the "truncated" message (a gzip stream cut short is honeD_read's error). */
hone_status honeD_read_exact(honeD_file *f, size_t n, uint8_t **out, size_t *got, hone_error *err);

/* Reads the rest of the file into a new NUL-terminated buffer of *len bytes (plus the NUL). */
hone_status honeD_read_rest(honeD_file *f, char **out, size_t *len, hone_error *err);

/* Counts the bytes left unread (0 when the file was consumed exactly). */
hone_status honeD_trailing(honeD_file *f, uint64_t *count, hone_error *err);

/* What a file looks like from its first got bytes (decompressed), for a reader's message when its
 * own magic is wrong: an NPY or IDX file by theirs, a zip archive (an .npz), text, or none. */
typedef enum { HONED_LOOKS_OTHER, HONED_LOOKS_NPY, HONED_LOOKS_IDX, HONED_LOOKS_ZIP, HONED_LOOKS_TEXT } honeD_looks;
honeD_looks honeD_looks_like(const uint8_t *head, size_t got);
/* data's height and width when an array of dims [rank] holds images, which augmentation moves
 * pixels in: [n, h, w], or with one channel, last as Keras saves grayscale images ([n, h, w, 1])
 * or first as PyTorch does ([n, 1, h, w]); all three hold each image's pixels row by row, as hone's
 * rows do. Any other array is flat rows (left 0 x 0), images of several channels among them: a
 * dense network reads them so whichever the channels' place, as long as training and prediction
 * agree; only augmentation needs the shape. [n, 1, h, 1] is channels last: an image of one row. */
void honeD_image_shape(hone_dataset *data, const size_t *dims, int rank);
/* The name of an IDX element type byte ("unsigned byte", "float32", ...), or NULL for none. */
const char *honeD_idx_type_name(int type);

/* a * b into *out, or false when it overflows size_t. */
static inline bool honeD_mul(size_t a, size_t b, size_t *out) {
    if (b != 0 && a > SIZE_MAX / b) return false;
    *out = a * b;
    return true;
}

/* Which columns lose all their variation when stored: per column, whether a value read differs
 * from row 0's, and whether it still differs once rounded to hone_real. A column whose values
 * differ as read but are all one value as stored (1e8 and 1e8 + 1 in float32) has collapsed:
 * training sees it as constant, and no statistic of the stored data can tell. */
typedef struct honeD_collapse {
    size_t d;
    double *first;  /* [d] row 0's values as read */
    uint8_t *seen;  /* [d] DIFFERS_READ, DIFFERS_STORED */
} honeD_collapse;

enum { HONED_DIFFERS_READ = 1, HONED_DIFFERS_STORED = 2 };

hone_status honeD_collapse_init(honeD_collapse *c, size_t d, const char *path, hone_error *err);
void honeD_collapse_free(honeD_collapse *c);

/* Notes value v, as read, of row `row`, column j. */
static inline void honeD_collapse_note(honeD_collapse *c, size_t row, size_t j, double v) {
    if (row == 0) c->first[j] = v;
    else if (v != c->first[j])
        c->seen[j] |= HONED_DIFFERS_READ | ((hone_real)v != (hone_real)c->first[j] ? HONED_DIFFERS_STORED : 0);
}

/* The first collapsed column, 1-based; 0 when none has. */
size_t honeD_collapse_first(const honeD_collapse *c);

/* Added to "label L is not a class index (an integer >= 0" when L is a negative integer: labels
 * of -1 and 1 (an SVM's, or a sign) are a common way to write two classes, and the fix is a
 * mapping, not --regression. */
#define NEGATIVE_LABEL ": classes count from 0; for labels -1 and 1, map -1 to 0"

#endif /* HONE_DATA_INTERNAL_H */
