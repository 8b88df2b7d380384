/* fuzz_common.h - what the libFuzzer harnesses share.
 *
 * The readers take paths, so each harness writes its input to temporary files made once per
 * process (in $FUZZ_TMPDIR, else /dev/shm, else /tmp: a memory file system keeps the per-input
 * write cheap) and rewritten for every input. A reader must return an error or a valid object,
 * never crash, leak or hang; fuzz_check turns an invalid object into a crash libFuzzer reports. */
#ifndef HONE_FUZZ_COMMON_H
#define HONE_FUZZ_COMMON_H

#define _GNU_SOURCE /* memmem, strsep */
#include "hone.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_MAX_FILES 4

typedef struct fuzz_file {
    char path[512];
    int fd;
} fuzz_file;

static fuzz_file fuzz_files[FUZZ_MAX_FILES];
static int fuzz_n_files;

static inline void fuzz_remove_files(void) {
    for (int i = 0; i < fuzz_n_files; i++) unlink(fuzz_files[i].path);
}

/* A temporary file for this process, named hone-fuzz-TAG-XXXXXX; removed at exit (a crash
 * leaves it behind, which is harmless). */
static inline const char *fuzz_temp(const char *tag) {
    if (fuzz_n_files == FUZZ_MAX_FILES) abort();
    const char *dir = getenv("FUZZ_TMPDIR");
    if (!dir || !*dir) dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    fuzz_file *f = &fuzz_files[fuzz_n_files];
    snprintf(f->path, sizeof f->path, "%s/hone-fuzz-%s-XXXXXX", dir, tag);
    f->fd = mkstemp(f->path);
    if (f->fd < 0) {
        perror(f->path);
        abort();
    }
    if (fuzz_n_files++ == 0) atexit(fuzz_remove_files);
    return f->path;
}

/* Replaces the contents of the file made by fuzz_temp with data[0..size). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size) {
    for (int i = 0; i < fuzz_n_files; i++) {
        fuzz_file *f = &fuzz_files[i];
        if (f->path != path) continue;
        if (ftruncate(f->fd, 0) != 0) abort();
        size_t done = 0;
        while (done < size) {
            ssize_t w = pwrite(f->fd, data + done, size - done, (off_t)done);
            if (w <= 0) abort();
            done += (size_t)w;
        }
        return;
    }
    abort();
}

/* An invariant of a returned object failed: a crash with a message, so libFuzzer keeps the input. */
#define fuzz_check(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A loaded dataset is whole: rows and features, exactly one feature block, every label a class
 * below n_classes, every value finite. Every byte is read, so ASan catches a short buffer. */
static inline void fuzz_check_dataset(const hone_dataset *d) {
    fuzz_check(d);
    fuzz_check(d->n > 0 && d->d > 0);
    fuzz_check(!d->x_u8 != !d->x);
    fuzz_check((!d->height && !d->width) || d->height * d->width == d->d); /* images: height x width */
    volatile unsigned sink = 0;
    for (size_t i = 0; i < d->n * d->d; i++) {
        if (d->x_u8) sink += d->x_u8[i];
        else fuzz_check(d->x[i] - d->x[i] == 0); /* finite */
    }
    fuzz_check(!(d->label && d->target));
    if (d->label) {
        fuzz_check(d->n_classes >= 1);
        for (size_t i = 0; i < d->n; i++) fuzz_check(d->label[i] >= 0 && d->label[i] < d->n_classes);
    }
    if (d->target) {
        fuzz_check(d->t >= 1);
        for (size_t i = 0; i < d->n * d->t; i++) fuzz_check(d->target[i] - d->target[i] == 0);
    }
    (void)sink;
}

#endif /* HONE_FUZZ_COMMON_H */
