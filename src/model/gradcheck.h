/* gradcheck.h - the layer-level checker the table-driven tests use (internal). */
#ifndef HONE_GRADCHECK_H
#define HONE_GRADCHECK_H

#include "layers/layers.h"

typedef struct honeG_result {
    double rel_x;      /* relative error of dL/dx (0 when the layer has no input gradient) */
    double rel_p;      /* relative error of dL/dp (0 when the layer has no parameters) */
    double accumulate; /* max |second backward - 2 * first| / (1 + |first|): 0 when backward adds */
} honeG_result;

/* Checks ops's backward on one layer with random projection loss L = sum(r * y):
 * x [B, I] and p (the layer's parameters) are inputs, perturbed by +-eps in turn. state holds
 * the layer's buffers (may be NULL when it has none); training selects the layer's mode, with
 * dropout masks drawn once and reused by every perturbed forward. */
honeG_result honeG_check_layer(const honeL_ops *ops, const hone_layer *layer, const hone_real *x,
                               const hone_real *p, const hone_real *state, int B, int training, double eps,
                               hone_rng *rng);

/* How the analytic gradient is taken: hone_model_backward, or in tests a deliberately wrong one. */
typedef void (*honeG_backward)(hone_model *m, const hone_real *X, int B);

/* hone_model_gradcheck with the gradient from `backward` (run after a training-mode forward and a
 * zero-grad), so that tests can hand it a broken backward and see it called a bug. */
hone_status honeG_check_model(hone_model *m, const hone_real *X, const hone_real *Y, int B, double eps,
                              size_t max_per_layer, hone_rng *rng, honeG_backward backward,
                              hone_gradcheck_report *report, hone_error *err);

/* Relative error ||a - b|| / (||a|| + ||b||) from accumulated sums (0 when both are zero). */
double honeG_rel_error(double diff2, double a2, double b2);

#endif
