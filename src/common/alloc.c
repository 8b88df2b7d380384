/* alloc.c - the one allocation wrapper; tests make it fail on the Nth call (SQLite's idea). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include "hone_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* Only where the blocks are mapped (not under AddressSanitizer, nor off Linux), or the helper
 * would be an unused static function. */
#ifdef HONE_HUGE_PAGES
/* A transparent huge page on x86-64 and most other 64-bit systems. */
#define HUGE_PAGE ((size_t)2 << 20)

static size_t whole_huge_pages(size_t bytes) { return (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE; }
#endif

void *honeM_alloc_streamed(size_t n, size_t size) {
#ifdef HONE_HUGE_PAGES
    if (size == 0 || n > (SIZE_MAX - 2 * HUGE_PAGE) / size || n * size < HUGE_PAGE) return honeM_alloc(n, size);
    if (should_fail()) return NULL;
    /* a whole page more than asked for, so that the block can start on a page boundary; the
     * kernel's zero pages are mapped on first touch, so what is never touched costs nothing */
    const size_t len = whole_huge_pages(n * size);
    char *raw = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    char *p = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    if (p < raw + HUGE_PAGE) munmap(p + len, (size_t)(raw + HUGE_PAGE - p));
    madvise(p, len, MADV_HUGEPAGE); /* advice: where huge pages are off, small ones serve */
    return p;
#else
    return honeM_alloc(n, size);
#endif
}

/* The smallest page of the systems hone runs on; on a larger one, some pages are written twice. */
enum { SMALLEST_PAGE = 4096 };

void honeM_prefault(void *p, size_t n, size_t size) {
    if (!p || n == 0 || size == 0) return;
    volatile unsigned char *bytes = p; /* volatile: the stores of what is there already stay */
    const size_t len = n * size;
    for (size_t i = 0; i < len; i += SMALLEST_PAGE) bytes[i] = bytes[i];
    bytes[len - 1] = bytes[len - 1]; /* a block need not start on a page */
}

void honeM_free_streamed(void *p, size_t n, size_t size) {
#ifdef HONE_HUGE_PAGES
    if (p && size != 0 && n * size >= HUGE_PAGE) {
        munmap(p, whole_huge_pages(n * size));
        return;
    }
#endif
    honeM_free(p);
}
