/* ewma.c - the exponentially weighted average as a value that is fed one number at a time. */
#include "optim/optim.h"

#include <math.h>

hone_ewma hone_ewma_make(double beta) { return (hone_ewma){beta, 0, 0}; }

void hone_ewma_add(hone_ewma *avg, double x) {
    avg->value = honeO_ewma(avg->value, x, avg->beta);
    avg->count++;
}

double hone_ewma_value(const hone_ewma *avg, int bias_correction) {
    if (!avg->count) return 0;
    return bias_correction ? avg->value / (1 - pow(avg->beta, (double)avg->count)) : avg->value;
}
