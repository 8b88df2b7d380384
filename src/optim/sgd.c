/* sgd.c - plain gradient descent over the flat parameter block. */
#include "optim/optim.h"

/* p [n] -= lr * g [n] */
void honeO_sgd_step(hone_real *restrict p, const hone_real *restrict g, size_t n, hone_real lr) {
    for (size_t i = 0; i < n; i++) p[i] -= lr * g[i];
}
