/* layers.h - the table of layer kinds. Each kind is a forward/backward pair on raw arrays:
 * outputs first, then inputs, then parameters. Backward ADDS into dx and dp (+=); callers zero
 * them first. dx may be NULL (the first layer needs no input gradient). */
#ifndef HONE_LAYERS_H
#define HONE_LAYERS_H

#include "hone_internal.h"

typedef struct honeL_ops {
    hone_layer_kind kind;
    const char *name; /* stable: stored in model files */
    int has_params;
    /* y [B, O] = f(x [B, I]; p) */
    void (*forward)(const hone_layer *layer, hone_real *y, const hone_real *x, const hone_real *p,
                    int B);
    /* dx [B, I] += dL/dx, dp += dL/dp, given dy [B, O] and the forward's x and y */
    void (*backward)(const hone_layer *layer, hone_real *dx, hone_real *dp, const hone_real *dy,
                     const hone_real *x, const hone_real *y, const hone_real *p, int B);
} honeL_ops;

/* The ops of a kind, or NULL for an unknown kind. */
const honeL_ops *honeL_ops_of(hone_layer_kind kind);
/* Parameter count of a layer: W [O, I] and b [O] for dense, none otherwise. */
size_t honeL_param_count(hone_layer_kind kind, int in, int out);

extern const honeL_ops honeL_dense, honeL_relu, honeL_leaky_relu, honeL_tanh, honeL_sigmoid,
    honeL_identity;

/* Loss of Z [B, O] against Y [B, O] (accumulated in double), and, when dZ is not NULL,
 * dZ [B, O] = dL/dZ (written, not added: the chain starts here). */
double honeL_loss(hone_loss_kind kind, hone_real *dZ, const hone_real *Z, const hone_real *Y, int B,
                  int O);
/* Outputs to probabilities (softmax rows, sigmoid) or values (MSE): P [B, O] from Z [B, O]. */
void honeL_loss_output(hone_loss_kind kind, hone_real *P, const hone_real *Z, int B, int O);
/* Correct predictions in Z [B, O] against Y [B, O]: argmax for softmax, threshold 0 for
 * sigmoid (per element); 0 for MSE. */
size_t honeL_loss_correct(hone_loss_kind kind, const hone_real *Z, const hone_real *Y, int B, int O);

#endif
