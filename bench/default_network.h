/* default_network.h - the job of the bench programs (step_phases.c, first_steps.c): Fashion-MNIST
 * from /usr/share/datasets, dev rows carved from the training set (a count, 0 for none) with
 * seed 42, and the default network 784-512-256-10 (ReLU, softmax cross-entropy) initialized from
 * init_seed and standardized on the training rows; the pool's threads from the program's first
 * argument (0 or absent: the default). */
#ifndef HONE_BENCH_DEFAULT_NETWORK_H
#define HONE_BENCH_DEFAULT_NETWORK_H
#include "hone.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct bench_job {
    int threads;
    hone_dataset *train, *test;
    hone_split split;
    hone_model *m;
} bench_job;

/* 0 on success; otherwise prints "who: why" and returns 1. */
static int bench_job_open(bench_job *job, const char *who, int argc, char **argv, double dev, uint64_t init_seed) {
    hone_error err;
    const hone_data_source source = {.path = "/usr/share/datasets/fashion-mnist"};
    const int hidden[2] = {512, 256};
    hone_rng rng;
    hone_rng_seed(&rng, init_seed);
    job->threads = hone_set_threads(argc > 1 ? atoi(argv[1]) : 0);
    if (hone_dataset_load_any(&job->train, &job->test, &source, &err) ||
        hone_split_make(&job->split, job->train, job->test, dev, 0, 42, &err) ||
        hone_model_create_mlp(&job->m, 784, hidden, 2, 10, HONE_LAYER_RELU, HONE_LOSS_SOFTMAX_CE, &err) ||
        hone_model_init(job->m, HONE_INIT_DEFAULT, 0, &rng, &err) ||
        hone_model_standardize_fit(job->m, &job->split.train, &err)) {
        fprintf(stderr, "%s: %s\n", who, err.message);
        return 1;
    }
    return 0;
}

static void bench_job_close(bench_job *job) {
    hone_model_free(job->m);
    hone_split_free(&job->split);
    hone_dataset_free(job->train);
    hone_dataset_free(job->test);
}
#endif
