/* table.c - the layer kinds by stable id, and the names of kinds, losses and initializers. */
#include "layers/layers.h"

#include <string.h>

static const honeL_ops *const all_layers[] = {&honeL_dense,    &honeL_relu,     &honeL_leaky_relu,
                                              &honeL_tanh,     &honeL_sigmoid,  &honeL_identity,
                                              &honeL_dropout,  &honeL_batchnorm, &honeL_add};
#define COUNT(a) (sizeof(a) / sizeof *(a))

const honeL_ops *honeL_ops_of(hone_layer_kind kind) {
    for (size_t i = 0; i < COUNT(all_layers); i++)
        if (all_layers[i]->kind == kind) return all_layers[i];
    return NULL;
}

size_t honeL_param_count(const hone_layer *layer) {
    const size_t I = (size_t)layer->in, O = (size_t)layer->out;
    if (layer->kind == HONE_LAYER_DENSE) return O * I + (layer->bias ? O : 0);
    if (layer->kind == HONE_LAYER_BATCHNORM) return 2 * O;
    return 0;
}

size_t honeL_buffer_count(const hone_layer *layer) {
    return layer->kind == HONE_LAYER_BATCHNORM ? 2 * (size_t)layer->out : 0;
}

void honeL_place(hone_layer *layer, size_t *params, size_t *buffers) {
    layer->param_offset = *params;
    layer->n_params = honeL_param_count(layer);
    *params += layer->n_params;
    layer->buffer_offset = *buffers;
    layer->n_buffers = honeL_buffer_count(layer);
    *buffers += layer->n_buffers;
}

size_t honeL_aux_count(const hone_layer *layer, int B) {
    const size_t n = (size_t)B * (size_t)layer->out;
    if (layer->kind == HONE_LAYER_DROPOUT) return n;
    if (layer->kind == HONE_LAYER_BATCHNORM) return n + (size_t)layer->out;
    return 0;
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
