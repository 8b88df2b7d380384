/* paired_step.c - what a change to the library does to a training step's time, measured paired.
 * On this noisy host two timings taken apart differ by more than most changes; steps of the two
 * variants alternated in one process see the same noise, and the median of their paired ratios
 * holds where each side's figure swings.
 *   1. put the change behind `extern int hone_paired_variant;` in the library (1: the new code);
 *   2. make build/paired-step && build/paired-step [plain|recipe] [THREADS [runs]]
 * Two models of one seed are built, model v while hone_paired_variant = v (so a change made at
 * allocation counts too), and their steps alternate as training runs them (gather, forward, data
 * loss, backward with the optimizer and the penalty), each with the flag at its model's variant,
 * which one goes first alternating: 20 pairs to warm up, then 1,000. It prints the median of the
 * paired ratios new/old and each side's median step. With nothing behind the flag it measures
 * the two models' own difference, a control (0.99-1.01 on this host). plain: the default network
 * with Adam; recipe: with batch norm, dropout 0.8 and L2 1e-4. It reports; nothing asserts.
 *   build/paired-step [plain|recipe] THREADS runs
 * pairs runs of 20 steps of model 0 instead, the flag 0 for one run and 1 for the other: for a
 * change that allocates nothing, timed with the caches as warm as in training, where steps of
 * two models alternated find each other's arrays in cache instead of their own. */
#include "hone.h"
#include "kernels/kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hone_paired_variant; /* read by the library code under measurement, when it is */

enum { B = 128, WARMUP = 20, PAIRS = 1000, RUN = 20 };

int main(int argc, char **argv) {
    const int recipe = argc > 1 && !strcmp(argv[1], "recipe");
    const int runs = argc > 3 && !strcmp(argv[3], "runs");
    if ((argc > 1 && !recipe && strcmp(argv[1], "plain")) || (argc > 3 && !runs) || argc > 4) {
        fprintf(stderr, "usage: paired-step [plain|recipe] [THREADS [runs]]\n");
        return 2;
    }
    hone_set_threads(argc > 2 ? atoi(argv[2]) : 0);
    hone_error err;
    hone_dataset *train, *test;
    const hone_data_source source = {.path = "/usr/share/datasets/fashion-mnist"};
    hone_split split;
    const int hidden[2] = {512, 256};
    const float keep[2] = {0.8f, 0.8f};
    const hone_mlp_spec spec = {.inputs = 784, .outputs = 10, .hidden = hidden, .n_hidden = 2,
                                .activation = HONE_LAYER_RELU, .batchnorm = recipe, .keep_prob = recipe ? keep : NULL,
                                .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *models[2];
    if (hone_dataset_load_any(&train, &test, &source, &err) || hone_split_make(&split, train, test, 10000, 0, 42, &err)) {
        fprintf(stderr, "paired-step: %s\n", err.message);
        return 1;
    }
    for (int v = 0; v < 2; v++) {
        hone_rng rng;
        hone_rng_seed(&rng, 1);
        hone_paired_variant = v;
        if (hone_model_create_from_spec(&models[v], &spec, &err) || hone_model_init(models[v], HONE_INIT_DEFAULT, 0, &rng, &err) ||
            hone_model_standardize_fit(models[v], &split.train, &err) ||
            hone_model_set_regularization(models[v], recipe ? 1e-4 : 0, 0, 0, &err) || hone_model_reserve(models[v], B, &err)) {
            fprintf(stderr, "paired-step: %s\n", err.message);
            return 1;
        }
        models[v]->training = 1;
    }
    hone_real *X = malloc(sizeof *X * B * 784), *Y = malloc(sizeof *Y * B * 10);
    static double ratio[PAIRS], took[2][PAIRS];
    if (!X || !Y) return 1;
    const hone_optimizer_config adam = hone_optimizer_config_default(HONE_OPTIMIZER_ADAM);
    const size_t batches = split.train.n / B;
    const int steps = runs ? RUN : 1; /* steps a side of a pair */
    uint64_t t[2] = {0, 0};           /* each model's steps */
    for (int p = -WARMUP; p < PAIRS; p++) {
        double seconds[2];
        for (int k = 0; k < 2; k++) {
            const int v = p & 1 ? 1 - k : k, which = runs ? 0 : v;
            hone_model *m = models[which];
            hone_paired_variant = v;
            const double t0 = honeC_now();
            for (int s = 0; s < steps; s++) {
                const uint64_t step = ++t[which];
                const size_t *rows = split.train.index + (size_t)(step % batches) * B;
                double penalty;
                hone_model_gather(m, X, Y, split.train.data, rows, B);
                hone_model_forward(m, X, B);
                hone_model_data_loss(m, Y, B);
                hone_model_backward_step(m, X, B, &adam, step, 1e-3, &penalty);
            }
            seconds[v] = (honeC_now() - t0) / steps;
        }
        if (p >= 0) ratio[p] = seconds[1] / seconds[0], took[0][p] = seconds[0], took[1][p] = seconds[1];
    }
    printf("%s, %d threads, %d pairs of %s: new/old median ratio %.4f; median step old %.3f ms, new %.3f ms\n",
           recipe ? "recipe" : "plain", honeK_threads(), PAIRS, runs ? "runs of 20 steps of one model" : "steps of two models",
           honeC_median(ratio, PAIRS), 1e3 * honeC_median(took[0], PAIRS), 1e3 * honeC_median(took[1], PAIRS));
    return 0;
}
