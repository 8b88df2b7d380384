/* hone_internal.h - what the library's files share and the public header does not show.
 * Internal cross-file names are spelled honeX_ with a letter for the part: E errors, M memory,
 * C common (the clock, medians, seed mixing), K kernels, L layers, D data, S storage
 * (safetensors), G gradient checking. */
#ifndef HONE_INTERNAL_H
#define HONE_INTERNAL_H

#include "hone.h"

#include <stdarg.h>
#include <stdbool.h>

#if defined(__GNUC__)
#define HONE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HONE_PRINTF(f, a)
#endif

/* Seconds on the monotonic clock (for durations). */
double honeC_now(void);
/* The median of values [n] (n >= 1), which it sorts ascending: values [0] is then the least. */
double honeC_median(double *values, int n);
/* splitmix64's output for x: a 64-bit value that looks random for every distinct x, the way to
 * turn a counter (a row, a trial) into a seed. */
uint64_t honeC_mix64(uint64_t x);
/* The generator of row `row` of a batch, from the batch's seed (one draw of the caller's
 * generator): rows drawn from their own generators can be split across the pool's threads with
 * the same result on any number. */
void honeC_row_rng(hone_rng *row_rng, uint64_t batch_seed, int row);
/* hone_rng_next, inlined where a loop draws many numbers. */
static inline uint64_t honeC_rng_next(hone_rng *rng) {
    uint64_t *s = rng->s;
    const uint64_t x = s[1] * 5, result = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}
/* fsync of the directory holding path ("." for a bare name), so that a rename into it survives a
 * power loss; whether it was synced. Callers take it as best effort: some file systems refuse to
 * sync a directory, and the renamed file itself is already safe. */
bool honeC_sync_directory(const char *path);
/* Watches the temporary tmp, just created, for hone_remove_partial_files (partial.c): its slot,
 * or -1 where none is free (then unwatched; a failed write still removes it). */
int honeC_partial_begin(const char *tmp);
/* Stops watching slot (from honeC_partial_begin; -1 is ignored), once the temporary is renamed
 * or removed. */
void honeC_partial_end(int slot);

/* Fills err (if not NULL) and returns code, so callers write `return honeE_set(err, ...)`. */
hone_status honeE_set(hone_error *err, hone_status code, const char *fmt, ...) HONE_PRINTF(3, 4);
/* honeE_set naming the field or setting the error is about (hone_error.field); returns code,
 * with err or without. */
hone_status honeE_set_field(hone_error *err, hone_status code, const char *field, const char *fmt, ...)
    HONE_PRINTF(4, 5);
/* Prefixes err's message with "prefix: " (e.g. the file name), keeping its code. */
hone_status honeE_prefix(hone_error *err, hone_status code, const char *prefix);

/* All allocation goes through here, so tests can make the Nth allocation fail. The count
 * overflow of n * size is checked. Memory is zeroed. */
void *honeM_alloc(size_t n, size_t size);
void *honeM_realloc(void *p, size_t n, size_t size);
void honeM_free(void *p);
char *honeM_strdup(const char *s);
/* honeM_alloc for blocks a training step streams through whole (a model's parameters, gradients
 * and optimizer moments): from 2 MiB up, aligned to 2 MiB and mapped with the advice to back them
 * with transparent huge pages, so that the walk over them does not miss the TLB every 4 KiB (a
 * step 1.7% faster, measured paired). Zeroed, and mapped only where touched. Freed only by
 * honeM_free_streamed with the same n and size. */
void *honeM_alloc_streamed(size_t n, size_t size);
/* Where those blocks are mapped straight from the kernel, with the advice: on Linux, but not
 * under AddressSanitizer (GCC says so by a macro, clang by a feature), which checks only the heap. */
#if defined(__SANITIZE_ADDRESS__)
#define HONE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HONE_ASAN 1
#endif
#endif
#if defined(__linux__) && !defined(HONE_ASAN)
#define HONE_HUGE_PAGES 1
#endif
void honeM_free_streamed(void *p, size_t n, size_t size);
/* Every page of p [n * size] mapped now, its contents as they were: a write of what is there to
 * each page. Memory from the kernel (the blocks above, and calloc's large ones) is mapped only
 * where first touched, at a fault a page. Called where training is set up, so that no step of
 * its loop pays for that: the default network's first step took 2.35-7.91 ms when it mapped the
 * gradients and moments, 1.24-1.79 ms after, beside steady steps of 0.84-0.93 ms
 * (build/first-steps, BENCHMARKS.md). The cost moves, it does not go: the setup takes it. */
void honeM_prefault(void *p, size_t n, size_t size);
/* Test hook: the allocation `after` calls from now fails (0 = the next one); -1 disables. */
void honeM_fail_after(long after);

/* dst [H, W] = src moved by (dx, dy), turned by degrees about the centre, mirrored when flip
 * (bilinear; 0 outside). */
void honeD_transform_image(hone_real *dst, const hone_real *src, int H, int W, double dx, double dy,
                           double degrees, int flip);
/* One random draw of aug's transforms: whole-pixel shifts, degrees, mirror (0/1). */
void honeD_augment_draw(const hone_augment *aug, hone_rng *rng, int *dx, int *dy, double *degrees, int *flip);
/* One random draw of aug's transforms applied to src [H, W]. */
void honeD_augment_image(hone_real *dst, const hone_real *src, int H, int W, const hone_augment *aug,
                         hone_rng *rng);
/* hone_model_gather with augmentation: each row is transformed in raw pixel units, standardized,
 * then given noise (hone_rng_normal_fast). Without rotation, shifts and mirrors are exact pixel
 * moves, done while the row is standardized (the result equals honeD_augment_image's, then
 * standardization). rng gives one draw per batch, the seed of every row's own generator
 * (honeC_row_rng), so rows are split across the pool's threads with the same result on any
 * number. scratch holds scratch_count values, honeD_augment_scratch(D) for every thread to work. */
void honeD_gather_augmented(const hone_model *m, hone_real *X, hone_real *Y, const hone_dataset *data,
                            const size_t *rows, int B, const hone_augment *aug, hone_rng *rng,
                            hone_real *scratch, size_t scratch_count);
size_t honeD_augment_scratch(size_t D);
/* HONE_ERR_VALUE naming the first index of view that is not a row of its data (a view made by
 * hand; the gather would read past the data); HONE_OK when there is none. Once a call. */
hone_status honeD_view_check(const hone_view *view, hone_error *err);
/* honeD_view_check, then HONE_ERR_VALUE naming the first of view's rows (a data row, from 1) with a
 * feature that is not finite, NaN or infinite, and the feature (from 1); HONE_OK when there is
 * none. The readers refuse such values; a dataset built by hand may hold them, and they made the
 * loss NaN, blamed on the learning rate. One pass over the rows: for a check once a call, never
 * per batch. */
hone_status honeD_view_features_finite(const hone_view *view, hone_error *err);
/* data's image shape (its height and width, where they make its rows) as the model's
 * image_height and image_width; 0 and 0 for rows that are not images. */
void honeD_take_image_shape(hone_model *m, const hone_dataset *data);

/* A growing string (JSON for model files and checkpoints). After a failed allocation it stays
 * failed and ignores further text; free s with honeM_free. */
typedef struct honeB_buf {
    char *s;
    size_t len, cap;
    bool failed;
} honeB_buf;
void honeB_add(honeB_buf *b, const char *s, size_t n);
void honeB_str(honeB_buf *b, const char *s);
void honeB_fmt(honeB_buf *b, const char *fmt, ...) HONE_PRINTF(2, 3);

#endif /* HONE_INTERNAL_H */
