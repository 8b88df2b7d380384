/* harness.h - what the cmocka tests share: temporary files, random fills, tolerances. */
#ifndef HONE_TEST_HARNESS_H
#define HONE_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hone_internal.h"

/* 1 in the double build, where gradient checks and exact comparisons run. */
#define TH_DOUBLE (sizeof(hone_real) == sizeof(double))
/* Round-off a computation in hone_real may carry. */
#define TH_EPS (TH_DOUBLE ? 1e-12 : 1e-5)

/* A path inside this test program's private temporary folder (created on first use, removed
 * at exit). Returns a pointer to a rotating static buffer: copy it to keep it long. */
const char *th_path(const char *name);
/* Writes n bytes to th_path(name) and returns the path. */
const char *th_write(const char *name, const void *bytes, size_t n);
/* Writes a NUL-terminated text. */
const char *th_write_text(const char *name, const char *text);
/* Reads a whole file into a malloc'd buffer (caller frees); n receives its size. */
unsigned char *th_read(const char *path, size_t *n);

/* The CRC-32s a model file's bytes call for (src/model/checksum.h), restated here with zlib so
 * that the tests hold the writer and the loader to the format: of the data section (every byte
 * after the header), and of the hone.* metadata entries in the header's order, each as its name,
 * a NUL, its value, a NUL. */
typedef struct th_checksums {
    uint32_t data, metadata;
} th_checksums;
th_checksums th_checksums_of(const unsigned char *bytes, size_t n);
/* Rewrites the "crc32" and "metadata_crc32" of the file at path (both must be there) to fit its
 * bytes, as hone would have written them: for a test that edits a file to reach a check that
 * lies behind the checksums. */
void th_reseal(const char *path);

void th_fill_uniform(hone_real *x, size_t n, hone_rng *rng, double lo, double hi);

/* What a test may change for the whole process, put back after every test whether it passed or
 * failed: the pool's thread count (hone_set_threads(0)) and allocation-failure injection
 * (honeM_fail_after(-1)), so one failing test cannot make the next ones fail. */
int th_reset(void **state);
/* A test run with th_reset after it: every test list uses this instead of cmocka_unit_test. */
#define th_test(f) cmocka_unit_test_teardown(f, th_reset)

/* Asserts |a - b| <= tol * max(1, |a|, |b|), printing both on failure. */
#define th_assert_close(a, b, tol) th_assert_close_((double)(a), (double)(b), (tol), #a, __FILE__, __LINE__)
void th_assert_close_(double a, double b, double tol, const char *what, const char *file, int line);

#endif
