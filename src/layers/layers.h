/* layers.h - the table of layer kinds. Each kind is a forward/backward pair on raw arrays:
 * outputs first, then inputs, then parameters. Backward ADDS into dx and dp (+=); callers zero
 * them first. dx may be NULL (the first layer needs no input gradient). With ctx->update set, a
 * kind that `updates` steps its parameters itself once their gradients are final, which leaves
 * them zero. */
#ifndef HONE_LAYERS_H
#define HONE_LAYERS_H

#include "hone_internal.h"
#include "kernels/kernels.h"

/* The optimizer's step made during backward (hone_model_backward_step): a layer's parameters are
 * stepped as soon as their gradients are final, while those are still in cache. */
typedef struct honeL_update {
    hone_model *model;
    const hone_optimizer_config *optimizer;
    uint64_t t; /* the step, from 1 */
    double lr;
    int batch; /* rows of the batch (the penalty's gradient is l2 / batch W + l1 / batch sign W) */
    double sq[HONEK_MAX_THREADS]; /* each piece's sum of squared gradients */
    double penalty_sq[HONEK_MAX_THREADS], penalty_abs[HONEK_MAX_THREADS]; /* and of W^2 and |W| where the
                                                                          penalty applies, before the step */
} honeL_update;

/* Steps parameters [first, first + count) of layer's block from their final gradients (the L2/L1
 * penalty added first where it applies), leaves those gradients zero and adds their squares to
 * u->sq[part], and where the penalty applies, the sums of W^2 and |W| before the step to
 * u->penalty_sq[part] and u->penalty_abs[part]; part is the calling piece of the pool. */
void honeL_update_params(honeL_update *u, const hone_layer *layer, size_t first, size_t count, int part);

/* What a layer may need beyond its arrays. */
typedef struct honeL_ctx {
    int training;     /* 1: dropout masks drawn, batch norm on batch statistics and updating
                         its running averages; 0: inference */
    hone_rng *rng;    /* dropout masks */
    hone_real *aux;   /* the layer's region for what forward keeps for backward (honeL_aux_count) */
    hone_real *state; /* the layer's buffers (batch norm running mean and variance) */
    const hone_real *skip; /* add: the output added to x, [B, O] */
    hone_real *dskip;      /* add: its gradient, added into (NULL: not wanted) */
    honeL_update *update;  /* not NULL: step the parameters once their gradients are final (ops
                              with `updates`; the model steps the others after their backward) */
} honeL_ctx;

typedef struct honeL_ops {
    hone_layer_kind kind;
    const char *name; /* stable: stored in model files */
    int by_rows;      /* 1: each output row depends on its input row alone, with no parameters or
                         state, so a batch may be split into bands of rows and run in parallel */
    /* y [B, O] = f(x [B, I]; p) */
    void (*forward)(const hone_layer *layer, hone_real *y, const hone_real *x, const hone_real *p,
                    int B, const honeL_ctx *ctx);
    /* dx [B, I] += dL/dx, dp += dL/dp, given dy [B, O] and the forward's x, y and ctx->aux */
    void (*backward)(const hone_layer *layer, hone_real *dx, hone_real *dp, const hone_real *dy,
                     const hone_real *x, const hone_real *y, const hone_real *p, int B,
                     const honeL_ctx *ctx);
    int updates; /* 1: backward calls honeL_update_params itself when ctx->update is set */
} honeL_ops;

/* The ops of a kind, or NULL for an unknown kind. */
const honeL_ops *honeL_ops_of(hone_layer_kind kind);
/* Trained parameters: dense W [O, I] (+ b [O]); batch norm gamma [O], beta [O]. */
size_t honeL_param_count(const hone_layer *layer);
/* Saved, untrained state: batch norm running mean [O] and variance [O]. */
size_t honeL_buffer_count(const hone_layer *layer);
/* Gives layer its place in the model's blocks: its parameters start at *params and its buffers
 * at *buffers, and both move past them. */
void honeL_place(hone_layer *layer, size_t *params, size_t *buffers);
/* Values forward keeps for backward, for a batch of B rows. */
size_t honeL_aux_count(const hone_layer *layer, int B);

/* Batch norm back to the identity (gamma 1, beta 0, running mean 0, variance 1). */
void honeL_reset_state(hone_model *model);

extern const honeL_ops honeL_dense, honeL_relu, honeL_leaky_relu, honeL_tanh, honeL_sigmoid,
    honeL_identity, honeL_dropout, honeL_batchnorm, honeL_add;

/* Loss of Z [B, O] against Y [B, O] (accumulated in double), and, when dZ is not NULL,
 * dZ [B, O] = dL/dZ (written, not added: the chain starts here); NaN for B < 1. Blocks of rows
 * are split across the pool's threads and their sums added in a fixed order (loss.c): the same
 * loss for any number of threads. Softmax cross-entropy keeps the exps of a row's first
 * HONEL_KEPT_EXPS classes between its sum and its gradient and computes the others' twice, to
 * the same values. */
enum { HONEL_KEPT_EXPS = 64 };
double honeL_loss(hone_loss_kind kind, hone_real *dZ, const hone_real *Z, const hone_real *Y, int B,
                  int O);
/* honeL_loss of Z = 0 against Y [B, O], in closed form: log O times the mean row sum of Y for
 * softmax cross-entropy (every class alike), log 2 for sigmoid cross-entropy, the mean of Y^2 for
 * MSE; NaN for B < 1. */
double honeL_baseline_loss(hone_loss_kind kind, const hone_real *Y, int B, int O);
/* Outputs to probabilities (softmax rows, sigmoid) or values (MSE): P [B, O] from Z [B, O]. */
void honeL_loss_output(hone_loss_kind kind, hone_real *P, const hone_real *Z, int B, int O);
/* Correct predictions in Z [B, O] against Y [B, O]: argmax for softmax, threshold 0 for
 * sigmoid (per element); 0 for MSE. */
size_t honeL_loss_correct(hone_loss_kind kind, const hone_real *Z, const hone_real *Y, int B, int O);
/* counts [C, C] += the rows of each true class (row) taken for each class (column), for a
 * classifier's outputs Z [B, O] against Y [B, O]: the largest of O for softmax cross-entropy (C = O);
 * one sigmoid output (O = 1, C = 2) is class 1 where Y > 0.5 and Z > 0. */
void honeL_loss_confusion(hone_loss_kind kind, const hone_real *Z, const hone_real *Y, int B, int O, size_t *counts);

#endif
