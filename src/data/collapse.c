/* collapse.c - columns whose values differ in the file but round to one stored value. */
#include "data/data_internal.h"

hone_status honeD_collapse_init(honeD_collapse *c, size_t d, const char *path, hone_error *err) {
    c->d = d;
    c->first = honeM_alloc(d, sizeof *c->first);
    c->seen = honeM_alloc(d, sizeof *c->seen);
    if (c->first && c->seen) return HONE_OK;
    honeD_collapse_free(c);
    return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu columns)", path, d);
}

void honeD_collapse_free(honeD_collapse *c) {
    honeM_free(c->first);
    honeM_free(c->seen);
    c->first = NULL;
    c->seen = NULL;
}

size_t honeD_collapse_first(const honeD_collapse *c) {
    for (size_t j = 0; j < c->d; j++)
        if (c->seen[j] == HONED_DIFFERS_READ) return j + 1;
    return 0;
}
