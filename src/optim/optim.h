/* optim.h - update rules, schedules and clipping over the model's flat blocks. */
#ifndef HONE_OPTIM_H
#define HONE_OPTIM_H

#include "hone_internal.h"

/* v <- beta v + (1 - beta) x: the one exponentially weighted average every rule here uses. */
static inline double honeO_ewma(double v, double x, double beta) { return beta * v + (1 - beta) * x; }

/* A setting and the kinds that read it, bit k for kind k: the tables behind hone_optimizer_reads
 * and hone_schedule_reads. */
typedef struct honeO_reader {
    const char *setting;
    unsigned kinds;
} honeO_reader;
/* Whether kind reads setting by table [n]: 1 or 0 (0 too for a kind that is not one, known, the
 * caller's range says), -1 when the table has no such setting. */
int honeO_reads(const honeO_reader *table, size_t n, bool known_kind, int kind, const char *setting);

/* One step of c's rule: p [n] updated from g [n], state [2n] (first moments, then second),
 * t the 1-based step count, lr the rate of this step. */
void honeO_step(const hone_optimizer_config *c, hone_real *p, const hone_real *g, hone_real *state,
                size_t n, uint64_t t, double lr);

/* honeO_step, bit for bit, also returning the global L2 norm of g and leaving g zero, in one pass
 * over the block (chunk by chunk) instead of three, split across the pool's threads. */
double honeO_step_and_clear(const hone_optimizer_config *c, hone_real *p, hone_real *g, hone_real *state, size_t n,
                            uint64_t t, double lr);

/* honeO_step_and_clear's pass over part of the block: parameters [first, first + count) of p [n],
 * g [n], state [2n], on the calling thread. Returns the sum of the squares of those gradients. */
double honeO_step_range(const hone_optimizer_config *c, hone_real *p, hone_real *g, hone_real *state, size_t n,
                        size_t first, size_t count, uint64_t t, double lr);

/* Global L2 norm of g [n], accumulated in double. */
double honeO_norm(const hone_real *g, size_t n);
/* Its square, sum g^2, in double lanes added in a fixed order (kernels.h, HONEK_SUM_LANES). */
double honeO_sum_squares(const hone_real *g, size_t n);
/* Clamps g [n] to [-value, value] (value > 0), and/or scales it to global norm at most max_norm
 * given its current norm (max_norm > 0). */
void honeO_clip(hone_real *g, size_t n, double norm, double max_norm, double value);

/* g [n] *= target / (norm + 1e-6): the gradient scaled to a fixed global norm. Returns its norm
 * now (norm times that factor), for clipping after it. */
double honeO_normalize(hone_real *g, size_t n, double norm, double target);

/* Reduce-on-plateau state, fed the dev loss after every epoch. */
typedef struct honeO_plateau {
    double best;
    int bad_epochs;
} honeO_plateau;
void honeO_plateau_start(honeO_plateau *p);
/* Returns the learning rate for the next epoch. */
double honeO_plateau_update(honeO_plateau *p, const hone_schedule_config *c, double lr, double dev_loss);

#endif
