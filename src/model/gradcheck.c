/* gradcheck.c - backprop against two-sided differences (L(w + e) - L(w - e)) / 2e, whose error
 * is O(e^2) rather than the one-sided O(e). Meant for the double build. */
#include "model/gradcheck.h"

#include <math.h>
#include <string.h>

double honeG_rel_error(double diff2, double a2, double b2) {
    double denom = sqrt(a2) + sqrt(b2);
    /* a NaN or infinite sum is no agreement (the comparison below sent it to 0, "good"), and the
     * error is NaN, which the verdict calls a bug; both gradients exactly 0 agree */
    if (!isfinite(denom) || !isfinite(diff2)) return NAN;
    return denom > 0 ? sqrt(diff2) / denom : 0;
}

hone_gradcheck_verdict hone_gradcheck_verdict_of(double rel) {
    if (!(rel <= 1e-3)) return HONE_GRADCHECK_BUG; /* NaN is a bug too */
    if (rel > 1e-5) return HONE_GRADCHECK_LOOK;
    if (rel > 1e-7) return HONE_GRADCHECK_OK;
    return HONE_GRADCHECK_GOOD;
}

const char *hone_gradcheck_verdict_name(hone_gradcheck_verdict v) {
    switch (v) {
    case HONE_GRADCHECK_GOOD: return "good";
    case HONE_GRADCHECK_OK: return "ok";
    case HONE_GRADCHECK_LOOK: return "look";
    case HONE_GRADCHECK_BUG: return "bug";
    }
    return "unknown";
}

/* Every forward of the check draws the same dropout masks: the generator is rewound to `masks`. */
static double forward_loss(hone_model *m, const hone_real *X, const hone_real *Y, int B, const hone_rng *masks) {
    m->rng = *masks;
    hone_model_forward(m, X, B);
    return hone_model_loss(m, Y, B);
}

static bool has_layer(const hone_model *m, hone_layer_kind kind) {
    for (int l = 0; l < m->n_layers; l++)
        if (m->layers[l].kind == kind) return true;
    return false;
}

/* ReLU and leaky ReLU change slope at 0. Where a perturbation moves one of their inputs across 0,
 * (L(w + e) - L(w - e)) / 2e averages the slopes of the two sides and is not the derivative that
 * backprop takes on one side: a correct gradient looks like a bug (a layer whose ReLUs are all off
 * leaves the next layer's pre-activations on its biases, 0 at init: exactly on the kink). */
static bool has_kink(hone_layer_kind kind) { return kind == HONE_LAYER_RELU || kind == HONE_LAYER_LEAKY_RELU; }

/* layer l's input x [B, in] as the last forward left it */
static const hone_real *input_of(const hone_model *m, int l, const hone_real *X) {
    return l ? m->acts + m->act_offset[l - 1] : X;
}

/* How many values the ReLU-family layers take in, for B rows. */
static size_t kink_inputs(const hone_model *m, int B) {
    size_t n = 0;
    for (int l = 0; l < m->n_layers; l++)
        if (has_kink(m->layers[l].kind)) n += (size_t)B * m->layers[l].in;
    return n;
}

/* sides [kink_inputs] = [x > 0] (the side backward takes) for every ReLU-family input of the last
 * forward, layer by layer. */
static void kink_sides(const hone_model *m, const hone_real *X, int B, unsigned char *sides) {
    for (int l = 0; l < m->n_layers; l++) {
        if (!has_kink(m->layers[l].kind)) continue;
        const hone_real *x = input_of(m, l, X);
        size_t n = (size_t)B * m->layers[l].in;
        for (size_t i = 0; i < n; i++) *sides++ = x[i] > 0;
    }
}

/* Whether the last forward put any ReLU-family input on another side than sides [kink_inputs]. */
static bool kink_crossed(const hone_model *m, const hone_real *X, int B, const unsigned char *sides) {
    for (int l = 0; l < m->n_layers; l++) {
        if (!has_kink(m->layers[l].kind)) continue;
        const hone_real *x = input_of(m, l, X);
        size_t n = (size_t)B * m->layers[l].in;
        for (size_t i = 0; i < n; i++)
            if ((x[i] > 0) != *sides++) return true;
    }
    return false;
}

/* One parameter's two-sided difference, and whether it straddled a kink: either perturbed forward
 * put a ReLU-family input on another side than the unperturbed one did (sides). Comparing each with
 * w, not only with each other, also catches an input that sits on 0 at w and moves off it. */
static double difference(hone_model *m, size_t i, const hone_real *X, const hone_real *Y, int B, double eps,
                         const hone_rng *masks, const unsigned char *sides, bool *kink) {
    hone_real saved = m->params[i];
    m->params[i] = saved + (hone_real)eps;
    double plus = forward_loss(m, X, Y, B, masks);
    *kink = kink_crossed(m, X, B, sides);
    m->params[i] = saved - (hone_real)eps;
    double minus = forward_loss(m, X, Y, B, masks);
    *kink = *kink || kink_crossed(m, X, B, sides);
    m->params[i] = saved;
    return (plus - minus) / (2 * eps);
}

hone_status hone_model_gradcheck(hone_model *m, const hone_real *X, const hone_real *Y, int B,
                                 double eps, size_t max_per_layer, hone_rng *rng,
                                 hone_gradcheck_report *report, hone_error *err) {
    return honeG_check_model(m, X, Y, B, eps, max_per_layer, rng, hone_model_backward, report, err);
}

hone_status honeG_check_model(hone_model *m, const hone_real *X, const hone_real *Y, int B, double eps,
                              size_t max_per_layer, hone_rng *rng, honeG_backward backward,
                              hone_gradcheck_report *report, hone_error *err) {
    memset(report, 0, sizeof *report);
    if (!(eps > 0 && eps < 1)) return honeE_set(err, HONE_ERR_VALUE, "gradcheck: eps must be in (0, 1), got %g", eps);
    hone_status st = hone_model_reserve(m, B, err);
    if (st) return st;
    /* Training mode, as the gradient is used: batch norm on batch statistics, dropout with one
     * fixed set of masks. The running statistics the forwards update are put back at the end. */
    hone_real *saved_buffers = honeM_alloc(m->n_buffers, sizeof *saved_buffers);
    unsigned char *sides = honeM_alloc(kink_inputs(m, B), sizeof *sides);
    if (!saved_buffers || !sides) {
        honeM_free(saved_buffers);
        honeM_free(sides);
        return honeE_set(err, HONE_ERR_NOMEM, "gradcheck: out of memory");
    }
    memcpy(saved_buffers, m->buffers, m->n_buffers * sizeof *saved_buffers);
    const int was_training = m->training;
    const hone_rng masks = m->rng, saved_rng = m->rng;
    m->training = 1;
    report->dropout_masks_fixed = has_layer(m, HONE_LAYER_DROPOUT);
    report->batchnorm_training = has_layer(m, HONE_LAYER_BATCHNORM);
    forward_loss(m, X, Y, B, &masks);
    kink_sides(m, X, B, sides);
    hone_model_zero_grad(m);
    backward(m, X, B);
    double all_diff2 = 0, all_a2 = 0, all_g2 = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (!layer->n_params) continue;
        double diff2 = 0, a2 = 0, g2 = 0, max_abs = 0;
        size_t count = max_per_layer && max_per_layer < layer->n_params ? max_per_layer : layer->n_params;
        size_t kinks = 0;
        for (size_t k = 0; k < count; k++) {
            size_t i = layer->param_offset +
                       (count == layer->n_params ? k : (size_t)hone_rng_below(rng, layer->n_params));
            bool kink;
            double approx = difference(m, i, X, Y, B, eps, &masks, sides, &kink), g = m->grads[i];
            if (kink) { /* not the derivative there: set aside, not judged */
                kinks++;
                continue;
            }
            diff2 += (approx - g) * (approx - g);
            a2 += approx * approx;
            g2 += g * g;
            const double d = fabs(approx - g);
            if (!isnan(max_abs) && (isnan(d) || d > max_abs)) max_abs = d; /* NaN, once met, stays */
        }
        if (report->n_layers < (int)(sizeof report->layers / sizeof report->layers[0])) {
            hone_gradcheck_layer *r = &report->layers[report->n_layers++];
            r->layer = l;
            r->checked = count;
            r->rel_error = honeG_rel_error(diff2, a2, g2);
            r->max_abs_diff = max_abs;
            r->kinks = kinks;
        }
        report->checked += count;
        report->kinks += kinks;
        all_diff2 += diff2;
        all_a2 += a2;
        all_g2 += g2;
    }
    report->rel_error = honeG_rel_error(all_diff2, all_a2, all_g2);
    /* no better than its worst judged layer: the overall error is weighted by the gradients'
     * sizes, and a small layer's bug can hide under a large layer's agreement */
    report->verdict = hone_gradcheck_verdict_of(report->rel_error);
    for (int k = 0; k < report->n_layers; k++) {
        const hone_gradcheck_layer *r = &report->layers[k];
        const hone_gradcheck_verdict v = hone_gradcheck_verdict_of(r->rel_error);
        if (r->kinks < r->checked && v > report->verdict) report->verdict = v;
    }
    memcpy(m->buffers, saved_buffers, m->n_buffers * sizeof *saved_buffers);
    honeM_free(saved_buffers);
    honeM_free(sides);
    m->training = was_training;
    m->rng = saved_rng;
    return HONE_OK;
}

/* One layer under test: its ops, arrays and context. Every forward rewinds the dropout
 * generator, so the masks stay fixed while x and p are perturbed. */
typedef struct layer_check {
    const honeL_ops *ops;
    const hone_layer *layer;
    hone_real *y, *state, *state0;
    const hone_real *r;
    size_t ny, nstate;
    int B;
    honeL_ctx ctx;
    hone_rng rng, rng0;
} layer_check;

static void run_forward(layer_check *c, const hone_real *x, const hone_real *p) {
    c->rng = c->rng0;
    memcpy(c->state, c->state0, c->nstate * sizeof *c->state); /* running statistics as they were */
    c->ops->forward(c->layer, c->y, x, p, c->B, &c->ctx);
}

/* L = sum(r * ops.forward(x; p)) */
static double projected(layer_check *c, const hone_real *x, const hone_real *p) {
    run_forward(c, x, p);
    double sum = 0;
    for (size_t i = 0; i < c->ny; i++) sum += (double)c->r[i] * c->y[i];
    return sum;
}

/* Perturbs each v[i] by +-eps and compares with the analytic gradient g [n]. */
static double check_against(layer_check *c, hone_real *v, const hone_real *x, const hone_real *p, double eps,
                            const hone_real *g, size_t n) {
    double diff2 = 0, a2 = 0, g2 = 0;
    for (size_t i = 0; i < n; i++) {
        hone_real saved = v[i];
        v[i] = saved + (hone_real)eps;
        double plus = projected(c, x, p);
        v[i] = saved - (hone_real)eps;
        double minus = projected(c, x, p);
        v[i] = saved;
        double approx = (plus - minus) / (2 * eps);
        diff2 += (approx - g[i]) * (approx - g[i]);
        a2 += approx * approx;
        g2 += (double)g[i] * g[i];
    }
    return honeG_rel_error(diff2, a2, g2);
}

honeG_result honeG_check_layer(const honeL_ops *ops, const hone_layer *layer, const hone_real *x,
                               const hone_real *p, const hone_real *state, int B, int training, double eps,
                               hone_rng *rng) {
    honeG_result res = {0, 0, 0};
    size_t nx = (size_t)B * layer->in, ny = (size_t)B * layer->out;
    size_t np = honeL_param_count(layer), ns = honeL_buffer_count(layer), na = honeL_aux_count(layer, B);
    hone_real *xc = honeM_alloc(nx, sizeof *xc), *pc = honeM_alloc(np, sizeof *pc);
    hone_real *y = honeM_alloc(ny, sizeof *y), *r = honeM_alloc(ny, sizeof *r);
    hone_real *dx = honeM_alloc(nx, sizeof *dx), *dp = honeM_alloc(np, sizeof *dp);
    hone_real *dx2 = honeM_alloc(nx, sizeof *dx2), *dp2 = honeM_alloc(np, sizeof *dp2);
    hone_real *aux = honeM_alloc(na, sizeof *aux);
    hone_real *st = honeM_alloc(ns, sizeof *st), *st0 = honeM_alloc(ns, sizeof *st0);
    if (!xc || !pc || !y || !r || !dx || !dp || !dx2 || !dp2 || !aux || !st || !st0) {
        res.rel_x = res.rel_p = NAN;
        goto done;
    }
    memcpy(xc, x, nx * sizeof *xc);
    if (np) memcpy(pc, p, np * sizeof *pc);
    if (ns) memcpy(st0, state, ns * sizeof *st0);
    for (size_t i = 0; i < ny; i++) r[i] = (hone_real)(2 * hone_rng_uniform(rng) - 1);
    layer_check c = {ops, layer, y, st, st0, r, ny, ns, B, {.training = training, .aux = aux, .state = st}, *rng, *rng};
    c.ctx.rng = &c.rng;
    /* analytic: dy = r */
    run_forward(&c, xc, pc);
    ops->backward(layer, dx, dp, r, xc, y, pc, B, &c.ctx);
    res.rel_x = check_against(&c, xc, xc, pc, eps, dx, nx);
    if (np) res.rel_p = check_against(&c, pc, xc, pc, eps, dp, np);
    /* backward must add: running it twice from zero doubles the gradients */
    run_forward(&c, xc, pc);
    ops->backward(layer, dx2, dp2, r, xc, y, pc, B, &c.ctx);
    ops->backward(layer, dx2, dp2, r, xc, y, pc, B, &c.ctx);
    for (size_t i = 0; i < nx; i++) {
        double e = fabs(dx2[i] - 2 * dx[i]) / (1 + fabs(dx[i]));
        if (e > res.accumulate) res.accumulate = e;
    }
    for (size_t i = 0; i < np; i++) {
        double e = fabs(dp2[i] - 2 * dp[i]) / (1 + fabs(dp[i]));
        if (e > res.accumulate) res.accumulate = e;
    }
done:
    honeM_free(xc);
    honeM_free(pc);
    honeM_free(y);
    honeM_free(r);
    honeM_free(dx);
    honeM_free(dp);
    honeM_free(dx2);
    honeM_free(dp2);
    honeM_free(aux);
    honeM_free(st);
    honeM_free(st0);
    return res;
}
