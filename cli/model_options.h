/* model_options.h - architecture options shared by train, inspect and gradcheck (and bench's --layers). */
#ifndef HONE_CLI_MODEL_OPTIONS_H
#define HONE_CLI_MODEL_OPTIONS_H

#include "cli.h"
#include "hone.h"

#define CLI_MAX_HIDDEN 256

typedef struct cli_arch {
    char layers[CLI_TEXT_MAX];
    char activation[CLI_TEXT_MAX];
    double alpha;
    char loss[CLI_TEXT_MAX];
    char weight_init[CLI_TEXT_MAX];
    double init_scale;
    int residual;
    int zero_residual; /* 1 (default): residual branches start at zero, blocks as the identity */
} cli_arch;

/* The network train and inspect build when not told otherwise, and bench times: 784-512-256-10
 * on Fashion-MNIST, the network the library's default training config is tuned for. */
#define CLI_ARCH_DEFAULTS                                                                          \
    {.layers = "512,256", .activation = "relu", .alpha = 0.01, .loss = "auto", .weight_init = "default", \
     .init_scale = 0.01, .zero_residual = 1}

#define CLI_ARCH_OPTIONS(a)                                                                        \
    {"layers", CLI_TEXT, (a).layers, "N,N,...", "hidden layer sizes; 256x50 is 50 layers of 256 (empty: no hidden layer)"},    \
    {"activation", CLI_TEXT, (a).activation, "NAME", "relu, leaky_relu (or leaky), tanh, sigmoid or identity (or linear, none)"}, \
    {"alpha", CLI_REAL, &(a).alpha, "X", "leaky ReLU slope for x < 0"},                            \
    {"loss", CLI_TEXT, (a).loss, "NAME", "auto, softmax_ce (or softmax, cross_entropy), sigmoid_ce (or sigmoid, binary) or mse"},                   \
    {"weight-init", CLI_TEXT, (a).weight_init, "NAME",                                             \
     "default (He before ReLU, Xavier before tanh/sigmoid, LeCun at the output), he (or kaiming), xavier_uniform (or xavier, glorot, glorot_uniform), xavier_normal (or glorot_normal), lecun, uniform, normal, zeros"}, \
    {"init-scale", CLI_REAL, &(a).init_scale, "X", "e of uniform [-e, e] or sigma of normal"},     \
    {"residual", CLI_FLAG, &(a).residual, NULL,                                                    \
     "pair hidden layers after the first into residual blocks y = act(x + F(x))"},                 \
    {"zero-residual", CLI_FLAG, &(a).zero_residual, NULL,                                          \
     "start each residual branch at zero, so blocks begin as the identity"}

/* The resolved architecture. */
typedef struct cli_arch_spec {
    int hidden[CLI_MAX_HIDDEN];
    int n_hidden;
    int activation; /* hone_layer_kind */
    int loss;       /* hone_loss_kind */
    int init;       /* hone_init_kind */
} cli_arch_spec;

/* With --residual (a->residual), a network built from spec: after the first hidden layer, layers
 * pair into blocks y = act(x + F(x)), so they come in pairs and each pair ends as wide as its
 * input. -1 with the message printed when they do not (a usage error); 0 without --residual. */
int cli_residual_blocks(const char *cmd, const cli_arch *a, const cli_arch_spec *spec);

/* Resolves names; loss "auto" follows the data (labels: softmax_ce for 3+ classes, sigmoid_ce
 * for 2; targets: mse). Returns -1 (message printed) on a bad value. */
int cli_arch_resolve(const char *cmd, const cli_arch *a, int has_labels, int n_classes,
                     cli_arch_spec *spec);
/* Warns (stderr) of each architecture option given that the network does not read: --alpha
 * without leaky ReLU, --init-scale with an initializer other than uniform or normal,
 * --zero-residual without --residual. */
void cli_arch_warn(const char *cmd, const cli_arch *a);
/* Outputs the network needs for the loss and data. */
int cli_arch_outputs(const cli_arch_spec *spec, int n_classes, size_t targets);

#endif
