/* error.c - the error record every fallible function fills. */
#include "hone_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *hone_status_name(hone_status status) {
    switch (status) {
    case HONE_OK: return "ok";
    case HONE_ERR_IO: return "i/o error";
    case HONE_ERR_FORMAT: return "format error";
    case HONE_ERR_VALUE: return "invalid value";
    case HONE_ERR_NOMEM: return "out of memory";
    case HONE_ERR_DIVERGED: return "training diverged";
    }
    return "unknown status";
}

static void set(hone_error *err, hone_status code, const char *field, const char *fmt, va_list ap) {
    if (!err) return;
    err->code = code;
    err->field = field;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

hone_status honeE_set(hone_error *err, hone_status code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    set(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

hone_status honeE_set_field(hone_error *err, hone_status code, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    set(err, code, field, fmt, ap);
    va_end(ap);
    return code;
}

hone_status honeE_prefix(hone_error *err, hone_status code, const char *prefix) {
    if (err) {
        char old[sizeof err->message];
        memcpy(old, err->message, sizeof old);
        size_t cap = sizeof err->message, used = (size_t)snprintf(err->message, cap, "%s: ", prefix);
        if (used < cap) {
            size_t rest = strnlen(old, sizeof old - 1);
            if (rest > cap - 1 - used) rest = cap - 1 - used;
            memcpy(err->message + used, old, rest);
            err->message[used + rest] = 0;
        }
        err->code = code;
    }
    return code;
}
