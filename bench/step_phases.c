/* step_phases.c - where one training step's time goes: the batch gather, forward and loss,
 * backward, the optimizer pass, each timed over 300 steps of the default network on
 * Fashion-MNIST (batch 128, Adam); then whole steps as training runs them (backward and the
 * optimizer in one pass), each right after the step's matrix products alone, for the share of a
 * step that is its products under the same noise, and those steps' parts; then the GEMM ceiling
 * and the forward and backward rerun hot.
 *   make build/step-phases && build/step-phases [THREADS]   (0 or absent: the default)
 * It reports; nothing asserts a time. */
#include "default_network.h"
#include "hone.h"
#include "kernels/kernels.h"
#include "optim/optim.h"

#include <stdio.h>
#include <stdlib.h>

enum { B = 128, WARMUP = 20, STEPS = 300 };

int main(int argc, char **argv) {
    bench_job job;
    if (bench_job_open(&job, "step-phases", argc, argv, 10000, 1)) return 1;
    hone_model *m = job.m;
    const hone_view *train = &job.split.train;
    hone_error err;
    if (hone_model_reserve(m, B, &err)) {
        fprintf(stderr, "step-phases: %s\n", err.message);
        return 1;
    }
    hone_real *X = malloc(sizeof *X * B * 784), *Y = malloc(sizeof *Y * B * 10);
    if (!X || !Y) return 1;
    const hone_optimizer_config adam = hone_optimizer_config_default(HONE_OPTIMIZER_ADAM);
    double gather = 0, forward = 0, backward = 0, step = 0;
    m->training = 1;
    for (int s = 0; s < WARMUP + STEPS; s++) {
        const size_t *rows = train->index + (size_t)(s % (int)(train->n / B)) * B;
        double t0 = honeC_now();
        hone_model_gather(m, X, Y, train->data, rows, B);
        double t1 = honeC_now();
        hone_model_forward(m, X, B);
        hone_model_loss(m, Y, B);
        double t2 = honeC_now();
        hone_model_backward(m, X, B);
        double t3 = honeC_now();
        honeO_step_and_clear(&adam, m->params, m->grads, m->opt_state, m->n_params, (uint64_t)s + 1, 1e-3);
        double t4 = honeC_now();
        if (s >= WARMUP) gather += t1 - t0, forward += t2 - t1, backward += t3 - t2, step += t4 - t3;
    }
    /* The same steps with backward and the optimizer in one pass, as training runs them, each
     * right after the step's matrix products alone (on scratch buffers): the two see the same
     * spells of the host's noise, so their ratio holds where each figure alone swings. Their
     * parts are timed too: above, the optimizer's pass apart is long enough for the pool's
     * workers to fall asleep, and the gather after it pays for waking them, which training's
     * gather, right after the last step's backward, does not. */
    honeK_step_products *products = honeK_step_products_new(m, B);
    if (!products) return 1;
    double fused[STEPS], alone[STEPS], fused_sum = 0, alone_sum = 0;
    static double part[4][STEPS]; /* the step's gather, forward, data loss, backward with the optimizer */
    for (int s = 0; s < WARMUP + STEPS; s++) {
        const size_t *rows = train->index + (size_t)(s % (int)(train->n / B)) * B;
        double t[6];
        t[0] = honeC_now();
        for (int k = 0; k < honeK_step_products_count(products); k++) honeK_step_product_run(products, k);
        t[1] = honeC_now();
        hone_model_gather(m, X, Y, train->data, rows, B);
        t[2] = honeC_now();
        hone_model_forward(m, X, B);
        t[3] = honeC_now();
        hone_model_data_loss(m, Y, B);
        t[4] = honeC_now();
        hone_model_backward_step(m, X, B, &adam, (uint64_t)(WARMUP + STEPS + s) + 1, 1e-3, NULL);
        t[5] = honeC_now();
        if (s < WARMUP) continue;
        alone[s - WARMUP] = t[1] - t[0], fused[s - WARMUP] = t[5] - t[1];
        for (int k = 0; k < 4; k++) part[k][s - WARMUP] = t[k + 2] - t[k + 1];
    }
    honeK_step_products_free(products);
    for (int s = 0; s < STEPS; s++) fused_sum += fused[s], alone_sum += alone[s];
    const double fused_median = honeC_median(fused, STEPS), alone_median = honeC_median(alone, STEPS);
    const double ceiling = hone_model_gemm_ceiling(m, B, 50, NULL, NULL);
    double t0 = honeC_now();
    for (int s = 0; s < STEPS; s++) hone_model_forward(m, X, B);
    const double hot_forward = (honeC_now() - t0) / STEPS;
    t0 = honeC_now();
    for (int s = 0; s < STEPS; s++) hone_model_backward(m, X, B);
    const double hot_backward = (honeC_now() - t0) / STEPS;
    const double total = (gather + forward + backward + step) / STEPS;
    printf("threads %d, ms a step of %d rows: gather %.3f  forward+loss %.3f  backward %.3f  optimizer %.3f  total %.3f"
           " (%.0f samples/s)\n",
           job.threads, B, 1e3 * gather / STEPS, 1e3 * forward / STEPS, 1e3 * backward / STEPS, 1e3 * step / STEPS,
           1e3 * total, B / total);
    printf("a step as training runs it (gather, forward, loss, backward with the optimizer in one pass), interleaved with\n"
           "its matrix products alone, ms: step best %.3f median %.3f mean %.3f; products best %.3f median %.3f mean %.3f\n"
           "products / step: best %.2f median %.2f mean %.2f\n",
           1e3 * fused[0], 1e3 * fused_median, 1e3 * fused_sum / STEPS, 1e3 * alone[0], 1e3 * alone_median,
           1e3 * alone_sum / STEPS, alone[0] / fused[0], alone_median / fused_median, alone_sum / fused_sum);
    printf("within that step, median ms: gather %.3f  forward %.3f  data loss %.3f  backward with the optimizer %.3f\n",
           1e3 * honeC_median(part[0], STEPS), 1e3 * honeC_median(part[1], STEPS), 1e3 * honeC_median(part[2], STEPS),
           1e3 * honeC_median(part[3], STEPS));
    printf("GEMM ceiling %.3f ms (%.2f of the step); forward %.3f and backward %.3f ms rerun hot\n", 1e3 * ceiling,
           ceiling / total, 1e3 * hot_forward, 1e3 * hot_backward);
    bench_job_close(&job);
    free(X);
    free(Y);
    return 0;
}
