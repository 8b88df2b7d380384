/* ceiling.c - what one training step would cost if it were nothing but its matrix products: the
 * forward product of every dense layer, its weight gradient, and the input gradient of every
 * dense layer but the first, each on the same shapes and split as training, on scratch buffers. */
#include "kernels/kernels.h"

typedef struct step_product {
    int split, ta, tb, M, N, K;
    const hone_real *A, *Bm;
    hone_real beta;
    hone_real *C;
} step_product;

struct honeK_step_products {
    int count;
    double flops;
    hone_real *x, *y, *w, *dw;
    step_product product[]; /* 3 per dense layer at most */
};

honeK_step_products *honeK_step_products_new(const hone_model *m, int B) {
    if (B < 1) return NULL;
    size_t widest = (size_t)m->inputs, biggest = 0;
    int dense = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if ((size_t)layer->out > widest) widest = (size_t)layer->out;
        if (layer->kind != HONE_LAYER_DENSE) continue;
        dense++;
        if ((size_t)layer->in * layer->out > biggest) biggest = (size_t)layer->in * layer->out;
    }
    honeK_step_products *s = honeM_alloc(1, sizeof *s + 3 * (size_t)dense * sizeof(step_product));
    if (!s) return NULL;
    s->x = honeM_alloc((size_t)B * widest, sizeof *s->x), s->y = honeM_alloc((size_t)B * widest, sizeof *s->y);
    s->w = honeM_alloc(biggest, sizeof *s->w), s->dw = honeM_alloc(biggest, sizeof *s->dw);
    if (!s->x || !s->y || !s->w || !s->dw) {
        honeK_step_products_free(s);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)B * widest; i++) s->x[i] = s->y[i] = (hone_real)((i % 7) * 0.1 - 0.3);
    for (size_t i = 0; i < biggest; i++) s->w[i] = (hone_real)((i % 5) * 0.01 - 0.02);
    bool first = true;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind != HONE_LAYER_DENSE) continue;
        const int I = layer->in, O = layer->out;
        /* forward y [B, O] = x [B, I] W^T;  dW [O, I] += dy^T x (in bands of units, as dense.c);
         * dx [B, I] += dy W */
        s->product[s->count++] = (step_product){HONEK_SPLIT_LONGER, 0, 1, B, O, I, s->x, s->w, 0, s->y};
        s->product[s->count++] = (step_product){HONEK_SPLIT_ROWS, 1, 0, O, I, B, s->y, s->x, 1, s->dw};
        s->flops += 4.0 * B * I * O;
        if (!first) {
            s->product[s->count++] = (step_product){HONEK_SPLIT_LONGER, 0, 0, B, I, O, s->y, s->w, 1, s->x};
            s->flops += 2.0 * B * I * O;
        }
        first = false;
    }
    return s;
}

int honeK_step_products_count(const honeK_step_products *s) { return s->count; }

double honeK_step_products_flops(const honeK_step_products *s) { return s->flops; }

void honeK_step_product_run(honeK_step_products *s, int k) {
    const step_product *p = &s->product[k];
    honeK_gemm_then(p->split, p->ta, p->tb, p->M, p->N, p->K, 1, p->A, p->Bm, p->beta, p->C, NULL, NULL);
}

void honeK_step_products_free(honeK_step_products *s) {
    if (!s) return;
    honeM_free(s->x);
    honeM_free(s->y);
    honeM_free(s->w);
    honeM_free(s->dw);
    honeM_free(s);
}

double hone_model_gemm_ceiling(const hone_model *m, int B, int repeats, double *flops, double *median_seconds) {
    if (flops) *flops = 0;
    if (median_seconds) *median_seconds = -1;
    if (B < 1 || repeats < 1) return -1;
    honeK_step_products *s = honeK_step_products_new(m, B);
    double *times = honeM_alloc((size_t)repeats, sizeof *times);
    double best = -1, median = -1;
    if (s && times) {
        best = median = 0;
        for (int k = 0; k < s->count; k++) { /* each product `repeats` times in a row: its best and median */
            for (int r = 0; r < repeats; r++) {
                const double t0 = honeC_now();
                honeK_step_product_run(s, k);
                times[r] = honeC_now() - t0;
            }
            median += honeC_median(times, repeats);
            best += times[0]; /* sorted by honeC_median */
        }
        if (flops) *flops = s->flops;
    }
    honeK_step_products_free(s);
    honeM_free(times);
    if (median_seconds) *median_seconds = median;
    return best;
}
