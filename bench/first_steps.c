/* first_steps.c - a training run's first steps beside its steady ones: one epoch of the default
 * network on Fashion-MNIST (batch 128, Adam, constant rate) through hone_train, each step's end
 * taken by the on_batch hook; then how long hone_train's call took beside its epoch's clock,
 * which starts after the setup. What the setup does before the clock (mapping the blocks the
 * steps write, honeM_prefault) shows as a first step near the steady ones and a longer call.
 *   make build/first-steps && build/first-steps [THREADS]   (0 or absent: the default)
 * It reports; nothing asserts a time. */
#include "default_network.h"
#include "hone.h"
#include "hone_internal.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAX_STEPS = 1024 };
static double step_end[MAX_STEPS]; /* seconds since the epoch's clock started */
static int steps;

static void on_batch(const hone_batch_stats *s, void *user) {
    (void)user;
    if (steps < MAX_STEPS) step_end[steps++] = s->seconds;
}

int main(int argc, char **argv) {
    bench_job job;
    if (bench_job_open(&job, "first-steps", argc, argv, 0, 42)) return 1;
    hone_error err;
    hone_train_config c = hone_train_config_default();
    c.epochs = 1;
    c.batch = 128;
    c.schedule.kind = HONE_SCHEDULE_CONSTANT;
    const hone_train_hooks hooks = {.on_batch = on_batch};
    hone_epoch_stats stats;
    const double t0 = honeC_now();
    if (hone_train(job.m, &job.split, &c, &hooks, &stats, &err)) {
        fprintf(stderr, "first-steps: %s\n", err.message);
        return 1;
    }
    const double call = honeC_now() - t0;
    if (steps < 100) { /* the steady rate is taken past step 50 */
        fprintf(stderr, "first-steps: %d steps, too few to time\n", steps);
        return 1;
    }
    const double steady = (step_end[steps - 1] - step_end[49]) / (steps - 50);
    printf("threads %d, ms: first step %.2f, steps 2-10 %.3f each, steps 51-%d %.3f each; the epoch's clock %.1f, "
           "hone_train's call %.1f (%.0f samples/s)\n",
           job.threads, 1e3 * step_end[0], 1e3 * (step_end[9] - step_end[0]) / 9, steps, 1e3 * steady, 1e3 * stats.seconds,
           1e3 * call, stats.samples_per_s);
    bench_job_close(&job);
    return 0;
}
