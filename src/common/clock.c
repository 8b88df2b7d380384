/* clock.c - the one clock the library times with. */
#include "hone_internal.h"

#include <time.h>

double honeC_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
