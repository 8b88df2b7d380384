/* data_internal.h - what the data loaders share: reading a file, plain or gzip, through zlib,
 * without ever trusting a size the file claims for itself. */
#ifndef HONE_DATA_INTERNAL_H
#define HONE_DATA_INTERNAL_H

#include "hone_internal.h"

#include <zlib.h>

/* An input file. zlib passes plain files through untouched, so every loader reads .gz for free;
 * compression is detected from the content, never from the name. */
typedef struct honeD_file {
    gzFile gz;
    const char *path; /* for messages */
    bool bounded;     /* a plain regular file: size bounds what can still be read */
    uint64_t size;    /* bytes on disk, when bounded */
    uint64_t pos;     /* (uncompressed) bytes consumed so far */
} honeD_file;

/* Missing or unreadable files give HONE_ERR_IO "PATH: strerror". */
hone_status honeD_open(honeD_file *f, const char *path, hone_error *err);
void honeD_close(honeD_file *f);

/* Reads up to n bytes into buf; *got < n only when the data ends. Compressed data that ends
 * inside its gzip stream (a file cut short) is an error, HONE_ERR_FORMAT "PATH: truncated or
 * corrupt gzip data: ...", for every loader alike. */
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

/* a * b into *out, or false when it overflows size_t. */
static inline bool honeD_mul(size_t a, size_t b, size_t *out) {
    if (b != 0 && a > SIZE_MAX / b) return false;
    *out = a * b;
    return true;
}

#endif /* HONE_DATA_INTERNAL_H */
