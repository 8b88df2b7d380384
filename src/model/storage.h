/* storage.h - the model file with more in it: what checkpoints (src/train/checkpoint.c) need
 * from safetensors.c. A checkpoint is a model file (the model's own tensors under their own
 * names, its architecture, standardization and config metadata) plus extra tensors whose names
 * start with "hone." and one extra metadata entry. The writer and the loader are the model
 * file's own, with every check they make; the extras join the table that drives both. */
#ifndef HONE_STORAGE_H
#define HONE_STORAGE_H

#include "hone_internal.h"

/* The metadata entry that makes a file a checkpoint. hone_model_load refuses a file that has
 * it (naming it a checkpoint); honeS_load hands it back. */
#define HONES_CHECKPOINT_KEY "hone.checkpoint"
/* A dimension of an extra tensor that the loader takes from the file. */
#define HONES_ANY UINT64_MAX
/* 2^53: JSON integers above it are not exact doubles. */
#define HONES_MAX_EXACT 9007199254740992.0

/* A finite number in the fewest digits that read back (strtod, then a cast to float when
 * is_float) to the very same value, with '.' whatever the C locale says; cap of 32 or more. */
void honeS_real_text(char *buf, size_t cap, double v, bool is_float);
/* "[10, 255]" (the first `rank` dimensions; ", ..." before the bracket when more) into buf. */
const char *honeS_shape_text(char *buf, size_t cap, const uint64_t *dims, int rank, bool more);

typedef struct honeS_tensor {
    const char *name;  /* "hone.opt_state": must start with "hone." and be under 64 bytes */
    bool integer;      /* I64 values, as uint64_t below 2^63; else hone_real (F32 or F64) */
    int rank;          /* 1 or 2 */
    uint64_t shape[2]; /* save: the shape; load: the shape expected, HONES_ANY dimensions are
                          taken from the file (and written back here) */
    void *values;      /* save: the values, in C order; load: allocated (honeM_alloc) and filled
                          when the file holds the tensor, else NULL; the caller frees them */
    bool present;      /* load: the file holds it */
} honeS_tensor;

/* Saves m as hone_model_save does, atomically, with extras[0 .. n_extras) after the model's
 * tensors and, when meta_key is not NULL, "meta_key": meta_value in __metadata__ (any UTF-8
 * text; the key starts with "hone.", so that the metadata checksum covers it). Real extras must
 * be finite, integer ones below 2^63, so that the file loads. */
hone_status honeS_save(const hone_model *m, const char *path, const honeS_tensor *extras, int n_extras,
                       const char *meta_key, const char *meta_value, hone_error *err);

/* Loads a model as hone_model_load does, accepting the tensors of extras[0 .. n_extras) too
 * (each optional: present says which came; the rank must be the expected one and every fixed
 * dimension equal), and the metadata entry meta_key (copied to *meta_value, honeM_free it; NULL
 * when absent). Any other tensor is unexpected, as in a model file. On failure every extra's
 * values are freed and NULL. */
hone_status honeS_load(hone_model **out, const char *path, honeS_tensor *extras, int n_extras,
                       const char *meta_key, char **meta_value, hone_error *err);

/* How honeS_architecture_differs words the two models and what it compares. */
typedef struct honeS_compare {
    const char *source; /* where the stored model comes from: "file", "checkpoint" */
    const char *noun;   /* what both are called: "model", "network" (with "file": "the file's
                           model has 6 inputs, this model 5", "... in the file, 6 in this model") */
    bool training;      /* also compare the settings that act only in training: dropout keep
                           probability and batch norm momentum */
} honeS_compare;

/* The first difference between the architecture of `stored` (read from a file) and that of m,
 * the model it is loaded into, described into what ("layer 2 (dense) has 5 units in the file, 6
 * in this model"); false when they are the same. Compared: the inputs, the layer count, and per
 * layer the kind, units, dense bias presence, leaky ReLU slope, batch norm eps, which output a
 * residual add takes (with how->training also dropout keep probability and batch norm
 * momentum); then the loss. */
bool honeS_architecture_differs(const hone_model *stored, const hone_model *m, const honeS_compare *how, char *what,
                                size_t cap);

/* Copies the input and target standardization, and the image shape they were fitted on, of a
 * model of the same inputs and outputs. */
void honeS_copy_standardization(hone_model *to, const hone_model *from);

#endif
