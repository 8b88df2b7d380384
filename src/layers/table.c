/* table.c - the layer kinds by stable id, and the names of kinds, losses and initializers. */
#include "layers/layers.h"

#include <string.h>

static const honeL_ops *const all_layers[] = {&honeL_dense, &honeL_relu, &honeL_leaky_relu,
                                              &honeL_tanh,  &honeL_sigmoid, &honeL_identity};
#define COUNT(a) (sizeof(a) / sizeof *(a))

const honeL_ops *honeL_ops_of(hone_layer_kind kind) {
    for (size_t i = 0; i < COUNT(all_layers); i++)
        if (all_layers[i]->kind == kind) return all_layers[i];
    return NULL;
}

size_t honeL_param_count(hone_layer_kind kind, int in, int out) {
    return kind == HONE_LAYER_DENSE ? (size_t)out * (size_t)in + (size_t)out : 0;
}

const char *hone_layer_kind_name(hone_layer_kind kind) {
    const honeL_ops *ops = honeL_ops_of(kind);
    return ops ? ops->name : "unknown";
}

int hone_layer_kind_parse(const char *name) {
    for (size_t i = 0; i < COUNT(all_layers); i++)
        if (strcmp(all_layers[i]->name, name) == 0) return all_layers[i]->kind;
    if (strcmp(name, "leaky") == 0) return HONE_LAYER_LEAKY_RELU;
    if (strcmp(name, "linear") == 0 || strcmp(name, "none") == 0) return HONE_LAYER_IDENTITY;
    return 0;
}

static const char *const loss_names[] = {NULL, "softmax_ce", "sigmoid_ce", "mse"};

const char *hone_loss_kind_name(hone_loss_kind kind) {
    return kind >= 1 && kind < (int)COUNT(loss_names) ? loss_names[kind] : "unknown";
}

int hone_loss_kind_parse(const char *name) {
    for (size_t i = 1; i < COUNT(loss_names); i++)
        if (strcmp(loss_names[i], name) == 0) return (int)i;
    if (strcmp(name, "softmax") == 0 || strcmp(name, "cross_entropy") == 0) return HONE_LOSS_SOFTMAX_CE;
    if (strcmp(name, "sigmoid") == 0 || strcmp(name, "binary") == 0) return HONE_LOSS_SIGMOID_CE;
    return 0;
}

static const char *const init_names[] = {"default", "zeros", "uniform", "normal", "xavier_uniform",
                                         "xavier_normal", "he", "lecun"};

const char *hone_init_kind_name(hone_init_kind kind) {
    return kind >= 0 && kind < (int)COUNT(init_names) ? init_names[kind] : "unknown";
}

int hone_init_kind_parse(const char *name) {
    for (size_t i = 0; i < COUNT(init_names); i++)
        if (strcmp(init_names[i], name) == 0) return (int)i;
    if (strcmp(name, "xavier") == 0 || strcmp(name, "glorot") == 0) return HONE_INIT_XAVIER_UNIFORM;
    if (strcmp(name, "glorot_uniform") == 0) return HONE_INIT_XAVIER_UNIFORM;
    if (strcmp(name, "glorot_normal") == 0) return HONE_INIT_XAVIER_NORMAL;
    if (strcmp(name, "kaiming") == 0) return HONE_INIT_HE;
    return -1;
}
