/* alloc.c - the one allocation wrapper; tests make it fail on the Nth call (SQLite's idea). */
#include "hone_internal.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1; /* -1: never fail */

static bool should_fail(void) {
    if (fail_countdown < 0) return false;
    if (fail_countdown == 0) {
        fail_countdown = -1;
        return true;
    }
    fail_countdown--;
    return false;
}

void honeM_fail_after(long after) { fail_countdown = after; }

void *honeM_alloc(size_t n, size_t size) {
    if (should_fail()) return NULL;
    if (n == 0 || size == 0) return calloc(1, 1);
    return calloc(n, size); /* calloc checks n * size for overflow */
}

void *honeM_realloc(void *p, size_t n, size_t size) {
    if (should_fail()) return NULL;
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

void honeM_free(void *p) { free(p); }

char *honeM_strdup(const char *s) {
    size_t len = strlen(s) + 1;
    char *copy = honeM_alloc(len, 1);
    if (copy) memcpy(copy, s, len);
    return copy;
}
