/* optim.h - update rules over the model's flat parameter block. */
#ifndef HONE_OPTIM_H
#define HONE_OPTIM_H

#include "hone_internal.h"

/* w <- w - lr * dw */
void honeO_sgd_step(hone_real *p, const hone_real *g, size_t n, hone_real lr);

#endif
