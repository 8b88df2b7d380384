/* regularize_options.h - L2/L1, dropout, batch norm, early stopping and augmentation options. */
#ifndef HONE_CLI_REGULARIZE_OPTIONS_H
#define HONE_CLI_REGULARIZE_OPTIONS_H

#include "cli.h"
#include "hone.h"

#include <stdio.h>

typedef struct cli_regularize {
    double l2, l1;
    int decay_bias;
    char keep_prob[CLI_TEXT_MAX]; /* one value for every hidden layer, or one per layer */
    double input_keep_prob;
    int batchnorm;
    double bn_momentum;
    int early_stop;
    double min_delta;
    char early_stop_metric[CLI_TEXT_MAX];
    int augment_shift, augment_flip;
    double augment_rotate, augment_noise;
} cli_regularize;

#define CLI_REGULARIZE_DEFAULTS {0, 0, 0, "1", 1, 0, 0.1, 0, 0, "loss", 0, 0, 0, 0}

/* What shapes the network (train and gradcheck). */
#define CLI_NETWORK_REGULARIZE_OPTIONS(r)                                                          \
    {"l2", CLI_REAL, &(r).l2, "LAMBDA", "L2 penalty lambda / (2B) sum W^2 (weight decay)"},        \
    {"l1", CLI_REAL, &(r).l1, "LAMBDA", "L1 penalty lambda / B sum |W|"},                          \
    {"decay-bias", CLI_FLAG, &(r).decay_bias, NULL, "apply L2/L1 to biases too"},                  \
    {"keep-prob", CLI_TEXT, (r).keep_prob, "P[,P...]",                                             \
     "inverted dropout after each hidden activation: keep probability, one or one per layer"},    \
    {"input-keep-prob", CLI_REAL, &(r).input_keep_prob, "P", "dropout on the inputs (rarely wise)"}, \
    {"batchnorm", CLI_FLAG, &(r).batchnorm, NULL, "batch normalization between each hidden Dense and its activation"}, \
    {"bn-momentum", CLI_REAL, &(r).bn_momentum, "X", "batch norm running averages: 1 - EWMA beta"}

/* What only training uses. */
#define CLI_TRAINING_REGULARIZE_OPTIONS(r)                                                         \
    {"early-stop", CLI_INT, &(r).early_stop, "N", "stop after N epochs without dev improvement, keep the best (0: off)"}, \
    {"min-delta", CLI_REAL, &(r).min_delta, "X", "early stopping: improvement that counts, in dev loss or dev accuracy as a fraction (0.001: a tenth of a point)"},       \
    {"early-stop-metric", CLI_TEXT, (r).early_stop_metric, "loss|accuracy", "early stopping watches this dev metric"}, \
    {"augment-shift", CLI_INT, &(r).augment_shift, "N", "images: random shift up to N pixels"},    \
    {"augment-rotate", CLI_REAL, &(r).augment_rotate, "DEG", "images: random rotation up to DEG degrees"}, \
    {"augment-flip", CLI_FLAG, &(r).augment_flip, NULL, "images: random left-right mirror"},      \
    {"augment-noise", CLI_REAL, &(r).augment_noise, "S", "Gaussian noise of S standard deviations on each standardized feature (any data)"}

/* keep [n_hidden] from --keep-prob; checks lambdas and probabilities; warns (stderr) about input
 * dropout. Returns -1 (message printed) on a bad value. */
int cli_regularize_network(const char *cmd, const cli_regularize *r, int n_hidden, float *keep);
/* cli_regularize_network without its warning. */
int cli_regularize_check(const char *cmd, const cli_regularize *r, int n_hidden, float *keep);
/* Early stopping and augmentation into config. */
int cli_regularize_training(const char *cmd, const cli_regularize *r, hone_train_config *config);

/* Warns (stderr) of each option given that no part of training reads: --decay-bias without a
 * penalty, --min-delta and --early-stop-metric without --early-stop, and when the options build
 * the network (builds_network: not a model from train --init, which has its own batch norm or
 * none) --bn-momentum without --batchnorm. */
void cli_regularize_warn(const char *cmd, const cli_regularize *r, int builds_network);

/* buf = the regularization a run trains with, from the model (penalties, dropout, batch norm)
 * and config (AdamW's weight decay, augmentation, early stopping): "L2 1, dropout keep 0.8, batch
 * norm, early stop 3 on dev loss"; "" for none. bias_only leaves out batch norm, which does not hold the training error
 * up as the others do. */
void cli_regularization_describe(char *buf, size_t cap, const hone_model *model, const hone_train_config *config,
                                 int bias_only);

#endif
