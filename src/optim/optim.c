/* optim.c - the update rules over the flat parameter block. Each is one fused loop; the forms
 * follow torch.optim, so reference trajectories from PyTorch match to rounding. */
#include "kernels/kernels.h"
#include "optim/optim.h"

#include <math.h>
#include <string.h>

hone_optimizer_config hone_optimizer_config_default(hone_optimizer_kind kind) {
    hone_optimizer_config c = {kind, 0.9, 0.999, 1e-8, 0, 1};
    if (kind == HONE_OPTIMIZER_RMSPROP) c.beta2 = 0.9;
    if (kind == HONE_OPTIMIZER_ADAMW) c.weight_decay = 0.01;
    return c;
}

static const char *const names[] = {NULL, "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"};

const char *hone_optimizer_kind_name(hone_optimizer_kind kind) {
    return kind >= 1 && kind <= HONE_OPTIMIZER_ADAMW ? names[kind] : "unknown";
}

int hone_optimizer_kind_parse(const char *name) {
    for (int k = 1; k <= HONE_OPTIMIZER_ADAMW; k++)
        if (strcmp(names[k], name) == 0) return k;
    return 0;
}

#define BIT(kind) (1u << HONE_OPTIMIZER_##kind)
/* The kinds whose steps read each setting: the one list the checks of a resumed run, the CLI's
 * warnings and its comparison of a checkpoint's options all go by. */
static const honeO_reader readers[] = {
    {"beta1", BIT(MOMENTUM) | BIT(NESTEROV) | BIT(ADAM) | BIT(ADAMW)},
    {"beta2", BIT(RMSPROP) | BIT(ADAM) | BIT(ADAMW)},
    {"eps", BIT(RMSPROP) | BIT(ADAM) | BIT(ADAMW)},
    {"weight_decay", BIT(ADAMW)},
    {"momentum_ewma", BIT(MOMENTUM)},
};
#undef BIT

int honeO_reads(const honeO_reader *table, size_t n, bool known_kind, int kind, const char *setting) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].setting, setting) == 0) return known_kind && (table[i].kinds >> kind & 1);
    return -1;
}

int hone_optimizer_reads(hone_optimizer_kind kind, const char *setting) {
    return honeO_reads(readers, sizeof readers / sizeof *readers, kind >= 1 && kind <= HONE_OPTIMIZER_ADAMW, (int)kind,
                       setting);
}

/* p [n] -= lr g */
HONE_KERNEL static void sgd(hone_real *restrict p, const hone_real *restrict g, size_t n, hone_real lr) {
    for (size_t i = 0; i < n; i++) p[i] -= lr * g[i];
}

/* v [n] = b v + (1 - b) g  or  b v + g;  p -= lr v */
HONE_KERNEL static void momentum(hone_real *restrict p, const hone_real *restrict g, hone_real *restrict v,
                     size_t n, hone_real lr, hone_real b, int ewma) {
    const hone_real scale = ewma ? 1 - b : 1;
    for (size_t i = 0; i < n; i++) {
        v[i] = b * v[i] + scale * g[i];
        p[i] -= lr * v[i];
    }
}

/* v [n] = b v + g;  p -= lr (g + b v) */
HONE_KERNEL static void nesterov(hone_real *restrict p, const hone_real *restrict g, hone_real *restrict v,
                     size_t n, hone_real lr, hone_real b) {
    for (size_t i = 0; i < n; i++) {
        v[i] = b * v[i] + g[i];
        p[i] -= lr * (g[i] + b * v[i]);
    }
}

/* s [n] = b2 s + (1 - b2) g^2;  p -= lr g / (sqrt(s) + eps) */
HONE_KERNEL static void rmsprop(hone_real *restrict p, const hone_real *restrict g, hone_real *restrict s,
                    size_t n, hone_real lr, hone_real b2, hone_real eps) {
    for (size_t i = 0; i < n; i++) {
        s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
        p[i] -= lr * g[i] / (HONE_SQRT(s[i]) + eps);
    }
}

/* Adam's two bias corrections of step t folded into constants: the step lr / (1 - b1^t), and
 * 1 / sqrt(1 - b2^t), which multiplies sqrt(v) (torch divides by it; the two differ by rounding). */
typedef struct adam_terms {
    hone_real step, inv_root_c2, b1, b2, eps;
} adam_terms;

static adam_terms adam_terms_of(const hone_optimizer_config *c, uint64_t t, double lr) {
    return (adam_terms){(hone_real)(lr / (1 - pow(c->beta1, (double)t))), (hone_real)(1 / sqrt(1 - pow(c->beta2, (double)t))),
                        (hone_real)c->beta1, (hone_real)c->beta2, (hone_real)c->eps};
}

/* m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= step m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
static inline void adam_one(hone_real *p, hone_real *m, hone_real *v, hone_real g, const adam_terms *a) {
    *m = a->b1 * *m + (1 - a->b1) * g;
    *v = a->b2 * *v + (1 - a->b2) * g * g;
    *p -= a->step * *m / (HONE_SQRT(*v) * a->inv_root_c2 + a->eps);
}

/* Adam over p, g, m, v [n] (bias-corrected) */
HONE_KERNEL static void adam(hone_real *restrict p, const hone_real *restrict g, hone_real *restrict m,
                             hone_real *restrict v, size_t n, adam_terms a) {
    for (size_t i = 0; i < n; i++) adam_one(p + i, m + i, v + i, g[i], &a);
}

/* adam, also returning the sum of g^2 (in lanes, as honeO_sum_squares) and clearing g: the
 * whole of one chunk's pass in a single loop */
HONE_KERNEL static double adam_norm_clear(hone_real *restrict p, hone_real *restrict g, hone_real *restrict m,
                                          hone_real *restrict v, size_t n, adam_terms a) {
    double acc[HONEK_SUM_LANES] = {0};
    size_t i = 0;
    for (; i + HONEK_SUM_LANES <= n; i += HONEK_SUM_LANES)
        for (int k = 0; k < HONEK_SUM_LANES; k++) {
            const hone_real gi = g[i + k];
            acc[k] += (double)gi * gi;
            adam_one(p + i + k, m + i + k, v + i + k, gi, &a);
            g[i + k] = 0;
        }
    for (; i < n; i++) {
        acc[0] += (double)g[i] * g[i];
        adam_one(p + i, m + i, v + i, g[i], &a);
        g[i] = 0;
    }
    return honeK_sum_lanes(acc);
}

/* One step of c's rule on p [n] from g [n], with its first moments m [n] and second v [n]. */
static void step_rule(const hone_optimizer_config *c, hone_real *p, const hone_real *g, hone_real *m, hone_real *v,
                      size_t n, uint64_t t, double lr) {
    const hone_real b1 = (hone_real)c->beta1, b2 = (hone_real)c->beta2, eps = (hone_real)c->eps;
    switch (c->kind) {
    case HONE_OPTIMIZER_SGD: sgd(p, g, n, (hone_real)lr); break;
    case HONE_OPTIMIZER_MOMENTUM: momentum(p, g, m, n, (hone_real)lr, b1, c->momentum_ewma); break;
    case HONE_OPTIMIZER_NESTEROV: nesterov(p, g, m, n, (hone_real)lr, b1); break;
    case HONE_OPTIMIZER_RMSPROP: rmsprop(p, g, v, n, (hone_real)lr, b2, eps); break;
    case HONE_OPTIMIZER_ADAMW: {
        /* decoupled decay: p *= 1 - lr wd, before and apart from the gradient step */
        const hone_real keep = (hone_real)(1 - lr * c->weight_decay);
        for (size_t i = 0; i < n; i++) p[i] *= keep;
    } /* fall through */
    case HONE_OPTIMIZER_ADAM: adam(p, g, m, v, n, adam_terms_of(c, t, lr)); break;
    }
}

void honeO_step(const hone_optimizer_config *c, hone_real *p, const hone_real *g, hone_real *state,
                size_t n, uint64_t t, double lr) {
    step_rule(c, p, g, state, state + n, n, t, lr);
}

/* The sum of g^2 over g [n], in lanes (kernels.h, HONEK_SUM_LANES). */
HONE_KERNEL double honeO_sum_squares(const hone_real *restrict g, size_t n) {
    double acc[HONEK_SUM_LANES] = {0};
    size_t i = 0;
    for (; i + HONEK_SUM_LANES <= n; i += HONEK_SUM_LANES)
        for (int k = 0; k < HONEK_SUM_LANES; k++) acc[k] += (double)g[i + k] * g[i + k];
    for (; i < n; i++) acc[0] += (double)g[i] * g[i];
    return honeK_sum_lanes(acc);
}

/* 2048 values of p, g, m and v: 32 KiB, so each chunk is read from memory once and then reused
 * from cache by the norm, the update and the clearing. */
enum { STEP_CHUNK = 2048 };

double honeO_step_range(const hone_optimizer_config *c, hone_real *p, hone_real *g, hone_real *state, size_t n,
                        size_t first, size_t count, uint64_t t, double lr) {
    double sq = 0;
    if (c->kind == HONE_OPTIMIZER_ADAM) { /* the common case in one loop */
        const adam_terms a = adam_terms_of(c, t, lr);
        for (size_t i = first; i < first + count; i += STEP_CHUNK) {
            const size_t k = first + count - i < STEP_CHUNK ? first + count - i : STEP_CHUNK;
            sq += adam_norm_clear(p + i, g + i, state + i, state + n + i, k, a);
        }
        return sq;
    }
    for (size_t i = first; i < first + count; i += STEP_CHUNK) {
        const size_t k = first + count - i < STEP_CHUNK ? first + count - i : STEP_CHUNK;
        sq += honeO_sum_squares(g + i, k);
        step_rule(c, p + i, g + i, state + i, state + n + i, k, t, lr);
        memset(g + i, 0, k * sizeof *g);
    }
    return sq;
}

typedef struct step_args {
    const hone_optimizer_config *c;
    hone_real *p, *g, *state;
    size_t n;
    uint64_t t;
    double lr;
    double sq[HONEK_MAX_THREADS]; /* each piece's sum of squares */
} step_args;

/* Piece `part` of `parts`: a run of whole chunks. */
static void step_piece(void *arg, int part, int parts) {
    step_args *a = arg;
    const size_t chunks = (a->n + STEP_CHUNK - 1) / STEP_CHUNK;
    const size_t first = chunks * (size_t)part / (size_t)parts * STEP_CHUNK;
    size_t end = chunks * (size_t)(part + 1) / (size_t)parts * STEP_CHUNK;
    if (end > a->n) end = a->n;
    a->sq[part] = first < end ? honeO_step_range(a->c, a->p, a->g, a->state, a->n, first, end - first, a->t, a->lr) : 0;
}

double honeO_step_and_clear(const hone_optimizer_config *c, hone_real *p, hone_real *g, hone_real *state, size_t n,
                            uint64_t t, double lr) {
    step_args a = {c, p, g, state, n, t, lr, {0}};
    /* split across the pool's threads when each gets at least 16 chunks (128 KiB of p) */
    const size_t chunks = (n + STEP_CHUNK - 1) / STEP_CHUNK;
    const int parts = honeK_parts(chunks / 16 < HONEK_MAX_THREADS ? (int)(chunks / 16) : HONEK_MAX_THREADS);
    honeK_parallel(step_piece, &a, parts);
    double sq = 0;
    for (int i = 0; i < parts; i++) sq += a.sq[i]; /* in piece order: the same sum every run */
    return sqrt(sq);
}

double honeO_norm(const hone_real *g, size_t n) { return sqrt(honeO_sum_squares(g, n)); }

double honeO_normalize(hone_real *g, size_t n, double norm, double target) {
    const double coef = target / (norm + 1e-6);
    for (size_t i = 0; i < n; i++) g[i] = (hone_real)(g[i] * coef);
    return norm * coef;
}

void honeO_clip(hone_real *g, size_t n, double norm, double max_norm, double value) {
    if (max_norm > 0) {
        double coef = max_norm / (norm + 1e-6);
        if (coef < 1)
            for (size_t i = 0; i < n; i++) g[i] = (hone_real)(g[i] * coef);
    }
    if (value > 0) {
        const hone_real hi = (hone_real)value, lo = -hi;
        for (size_t i = 0; i < n; i++) g[i] = g[i] > hi ? hi : g[i] < lo ? lo : g[i];
    }
}
