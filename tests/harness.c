/* harness.c - temporary files and numeric helpers shared by the tests. */
#define _DEFAULT_SOURCE
#include "harness.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static void remove_tmpdir(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "harness: could not remove %s\n", tmpdir);
}

const char *th_path(const char *name) {
    static char paths[8][512];
    static int next;
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/hone-test-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_tmpdir);
    }
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

const char *th_write(const char *name, const void *bytes, size_t n) {
    const char *path = th_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

const char *th_write_text(const char *name, const char *text) { return th_write(name, text, strlen(text)); }

unsigned char *th_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return buf;
}

static uint64_t header_length(const unsigned char *bytes, size_t n) {
    assert_true(n >= 8);
    uint64_t len = 0;
    for (int i = 7; i >= 0; i--) len = len << 8 | bytes[i];
    assert_true(len <= n - 8);
    return len;
}

th_checksums th_checksums_of(const unsigned char *bytes, size_t n) {
    const uint64_t len = header_length(bytes, n);
    th_checksums sums = {(uint32_t)crc32_z(0, bytes + 8 + len, n - 8 - len), 0};
    cJSON *root = cJSON_ParseWithLength((const char *)bytes + 8, len);
    assert_non_null(root);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "__metadata__");
    for (const cJSON *e = meta ? meta->child : NULL; e; e = e->next)
        if (strncmp(e->string, "hone.", 5) == 0) {
            sums.metadata = (uint32_t)crc32(sums.metadata, (const unsigned char *)e->string, (uInt)strlen(e->string) + 1);
            sums.metadata = (uint32_t)crc32(sums.metadata, (const unsigned char *)e->valuestring, (uInt)strlen(e->valuestring) + 1);
        }
    cJSON_Delete(root);
    return sums;
}

/* Overwrites the 8 digits after `"key": "` in the header with crc. */
static void put_checksum(unsigned char *bytes, uint64_t len, const char *key, uint32_t crc) {
    char pattern[64], digits[9];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const size_t k = strlen(pattern);
    for (size_t i = 8; i + k + 8 <= 8 + len; i++)
        if (memcmp(bytes + i, pattern, k) == 0) {
            snprintf(digits, sizeof digits, "%08x", (unsigned)crc);
            memcpy(bytes + i + k, digits, 8);
            return;
        }
    fail_msg("no \"%s\" in the header", key);
}

void th_reseal(const char *path) {
    size_t n;
    unsigned char *bytes = th_read(path, &n);
    const th_checksums sums = th_checksums_of(bytes, n);
    const uint64_t len = header_length(bytes, n);
    put_checksum(bytes, len, "crc32", sums.data);
    put_checksum(bytes, len, "metadata_crc32", sums.metadata);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(bytes);
}

void th_fill_uniform(hone_real *x, size_t n, hone_rng *rng, double lo, double hi) {
    for (size_t i = 0; i < n; i++) x[i] = (hone_real)(lo + (hi - lo) * hone_rng_uniform(rng));
}

void th_assert_close_(double a, double b, double tol, const char *what, const char *file, int line) {
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    if (!(fabs(a - b) <= tol * scale)) {
        fail_msg("%s:%d: %s = %.17g, expected %.17g (tolerance %g)", file, line, what, a, b, tol);
    }
}

int th_reset(void **state) {
    hone_set_threads(0);
    honeM_fail_after(-1);
    return 0;
}
