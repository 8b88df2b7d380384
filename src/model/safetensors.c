/* safetensors.c - the model file. A safetensors file: an 8-byte little-endian length N, N bytes
 * of JSON header, then the raw little-endian tensors in C order. Tensors are named and shaped as
 * PyTorch's nn.Sequential state_dict for the same network, the index l counting every layer
 * (activations and dropout too), so torch's load_state_dict(strict=True) takes them:
 *
 *   dense      "l.weight" [O, I], "l.bias" [O] (only with a bias: nn.Linear(bias=False) has none)
 *   batchnorm  "l.weight" [O] (gamma), "l.bias" [O] (beta), "l.running_mean" [O],
 *              "l.running_var" [O], "l.num_batches_tracked" [] (I64, a 0-d tensor)
 *   others     nothing
 *
 * Real tensors are F32 or F64 (hone writes its own precision and reads either); the only integer
 * is num_batches_tracked. hone keeps one count for all its batch norm layers (bn_batches) and
 * writes it into every one; a file whose layers disagree (torch can write one, e.g. after
 * freezing a layer) loads with the first batch norm layer's count.
 *
 * __metadata__ (string -> string) holds the architecture, the standardization and the training
 * configuration, each a JSON text, and "hone.format_version": "1", or "2" when the targets are
 * standardized, so that a hone from before that refuses the file rather than predicting in
 * standardized units:
 *
 *   "hone.architecture": {"inputs": 784, "loss": "softmax_ce",
 *                         "layers": [{"kind": "dense", "units": 512, "bias": false},
 *                                    {"kind": "batchnorm", "momentum": 0.1, "eps": 1e-05},
 *                                    {"kind": "relu"}, {"kind": "dropout", "keep_prob": 0.8},
 *                                    {"kind": "leaky_relu", "alpha": 0.01}, ...]}
 *   "hone.standardize":  {"mean": [...D...], "std": [...D...]}, and for an MSE model whose
 *                        targets are standardized, "target_mean": [...O...], "target_std": [...O...]
 *   "hone.image":        {"height": 28, "width": 28}, the shape of the images the model was
 *                        trained on (height x width = inputs), only when it is known
 *   "hone.config":       the model's config_json, when it has one
 *   "crc32", "metadata_crc32": CRC-32s of the tensor bytes and of the hone.* entries above
 *                        (checksum.h), checked before any of it is believed
 *
 * Absent keys take their defaults (dense "bias" true, dropout "keep_prob" 0.5 as torch's p = 0.5,
 * batch norm "momentum" 0.1 and "eps" 1e-5, leaky_relu "alpha" 0.01), so files written before
 * dropout and batch norm existed (dense layers with weight and bias) still load; unknown keys are
 * ignored. A file without the checksums (an older hone's, or another tool's) loads unchecked.
 * hone.image needs no new format version: a hone from before it ignores it as an unknown key
 * (its metadata checksum covers every hone.* entry present, so the file still verifies) and runs
 * the model as well as it did, only without refusing images of another shape; a file without it
 * (an older hone's) loads with the shape unknown, 0 and 0.
 *
 * Writer and loader share one table of tensors (layer_tensors: name, dtype, shape, and where the
 * values come from or go to), so what one writes the other expects.
 *
 * Writing is atomic: a temporary file beside the target, fsync, then rename over it, so a crash
 * or a full disk leaves the previous file whole, and a signal handler that ends the process can
 * remove the temporary (hone_remove_partial_files). Reading trusts nothing: every length, offset,
 * shape and name is checked against the architecture before a byte of tensor data is read, and
 * nothing is allocated beyond what the file's real size accounts for. */
#include "layers/layers.h"
#include "model/checksum.h"
#include "model/storage.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Tensor bytes are packed and unpacked through integers of the same width, byte by byte, so the
 * file is little-endian whatever the host; this assumes floats are IEEE-754 and stored with the
 * integers' byte order, which holds on every platform hone targets. */
_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "hone needs IEEE-754 float and double");

#define HEADER_MAX 100000000u /* 100 MB, the limit of the reference implementation */
#define FORMAT_VERSION "1"         /* a file without target standardization, as before it */
#define FORMAT_VERSION_TARGETS "2" /* one with it */
#define CHUNK 65536                  /* tensor bytes are read and written this many at a time */

#define REAL_SIZE sizeof(hone_real)

static void put_u64le(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64le(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), as the format asks. */
static bool utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], cp, min;
        size_t len;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07, min = 0x10000;
        else return false;
        if (n - i < len) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * The tensors of a network: one table, built from the layers, that the writer writes and the
 * loader checks a file against.
 * ------------------------------------------------------------------------------------------- */

#define MAX_LAYER_TENSORS 5 /* batch norm: weight, bias, running_mean, running_var, count */

typedef enum dtype { DT_F32, DT_F64, DT_I64 } dtype;

static const char *const dtype_names[] = {"F32", "F64", "I64"};
static const uint64_t dtype_sizes[] = {4, 8, 8};

typedef enum source {
    FROM_PARAMS,     /* model->params + offset, count values */
    FROM_BUFFERS,    /* model->buffers + offset, count values */
    FROM_BN_BATCHES, /* model->bn_batches, one I64 */
    FROM_EXTRA,      /* a caller's array (storage.h): extras[extra].values, count values */
} source;

/* A tensor the architecture calls for: its name, shape and where its values live in the model;
 * then, for the loader, where the file says it lies. */
typedef struct tensor {
    char name[64]; /* "4095.body.4095.num_batches_tracked" */
    int rank;      /* 0 (a scalar), 1 or 2 */
    uint64_t shape[2];
    source from;
    size_t offset, count;
    bool variance; /* running_var: never negative */
    bool integer;  /* stored as I64: the batch count, integer extras */
    int extra;     /* FROM_EXTRA: the index into the extras */
    bool any[2];   /* loader, FROM_EXTRA: dimension d is the file's */
    /* the file's entry (loader) */
    bool seen;
    dtype stored;
    uint64_t begin, end; /* byte offsets into the data buffer */
} tensor;

static tensor *add_tensor(tensor *t, const char *prefix, const char *suffix, int rank, size_t d0, size_t d1,
                          source from, size_t offset, size_t count) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s.%s", prefix, suffix);
    t->rank = rank;
    t->shape[0] = d0;
    t->shape[1] = d1;
    t->from = from;
    t->offset = offset;
    t->count = count;
    return t + 1;
}

/* Layer l's module path in the PyTorch module of the same structure: "k" in the outer
 * nn.Sequential, or "k.body.j" for the j-th layer inside a residual block, which is module k, a
 *     class Residual(nn.Module): body = nn.Sequential(...); forward(x) = x + body(x)
 * holding the layers from the block's input to its add (hone's builder never nests blocks).
 * A block starting at layer i ends at the first add after i whose skip is layer i - 1 (the
 * block's input). Those ends are found in one pass over the layers: searching the rest of the
 * network for each module made every call quadratic, and a file of a few thousand activation
 * layers took minutes to load. */
static void module_path(const hone_layer *layers, int n, int l, char *buf, size_t cap) {
    int end[HONE_MAX_LAYERS]; /* end[i]: the add closing the block that starts at i, or -1 */
    if (n > HONE_MAX_LAYERS) n = HONE_MAX_LAYERS; /* never: models and files have at most that */
    for (int i = 0; i < n; i++) end[i] = -1;
    for (int e = 0; e < n; e++) {
        int s = layers[e].skip; /* an add's block starts after its skip */
        if (layers[e].kind == HONE_LAYER_ADD && s >= -1 && s < e - 1 && end[s + 1] < 0) end[s + 1] = e;
    }
    int i = 0, k = 0;
    while (i < n) {
        int last = end[i] < 0 ? i : end[i]; /* module k: layers i .. last */
        if (l <= last) break;
        i = last + 1;
        k++;
    }
    if (i < n && end[i] >= 0) snprintf(buf, cap, "%d.body.%d", k, l - i);
    else snprintf(buf, cap, "%d", k);
}

/* The tensors of layer l of layers[0 .. n) (kind, in, out, bias, param_offset and buffer_offset
 * set) in the order of torch's state_dict into t[0 .. MAX_LAYER_TENSORS); returns how many. */
static int layer_tensors(const hone_layer *layers, int n, int l, tensor *t) {
    const hone_layer *layer = &layers[l];
    char prefix[32]; /* "-2147483648.body.-2147483648": layer indices are below 4096 in fact */
    module_path(layers, n, l, prefix, sizeof prefix);
    const size_t I = (size_t)layer->in, O = (size_t)layer->out;
    const size_t p = layer->param_offset, s = layer->buffer_offset;
    tensor *end = t;
    switch (layer->kind) {
    case HONE_LAYER_DENSE:
        end = add_tensor(end, prefix, "weight", 2, O, I, FROM_PARAMS, p, O * I);
        if (layer->bias) end = add_tensor(end, prefix, "bias", 1, O, 0, FROM_PARAMS, p + O * I, O);
        break;
    case HONE_LAYER_BATCHNORM:
        end = add_tensor(end, prefix, "weight", 1, O, 0, FROM_PARAMS, p, O);
        end = add_tensor(end, prefix, "bias", 1, O, 0, FROM_PARAMS, p + O, O);
        end = add_tensor(end, prefix, "running_mean", 1, O, 0, FROM_BUFFERS, s, O);
        end = add_tensor(end, prefix, "running_var", 1, O, 0, FROM_BUFFERS, s + O, O);
        end[-1].variance = true;
        end = add_tensor(end, prefix, "num_batches_tracked", 0, 0, 0, FROM_BN_BATCHES, 0, 1);
        end[-1].integer = true;
        break;
    default: /* activations and dropout hold no tensors */
        break;
    }
    return (int)(end - t);
}

/* The dtype a tensor is written in (and must be read from): the count is an integer, the rest
 * real numbers of this build's precision. */
static dtype written_dtype(const tensor *t) {
    return t->integer ? DT_I64 : REAL_SIZE == 4 ? DT_F32 : DT_F64;
}

/* The table entry of extra tensor i of x, after the model's tensors. */
static void extra_tensor(tensor *t, const honeS_tensor *x, int i) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", x->name);
    t->rank = x->rank;
    t->from = FROM_EXTRA;
    t->extra = i;
    t->integer = x->integer;
    t->count = 1;
    for (int d = 0; d < x->rank; d++) {
        t->shape[d] = x->shape[d];
        t->any[d] = x->shape[d] == HONES_ANY;
        if (!t->any[d]) t->count *= (size_t)x->shape[d];
    }
}

static int by_name(const void *a, const void *b) {
    return strcmp((*(tensor *const *)a)->name, (*(tensor *const *)b)->name);
}

/* The table of every tensor of m in file order, then the extras, or NULL when out of memory; *n
 * receives the count. */
static tensor *model_tensors(const hone_model *m, const honeS_tensor *extras, int n_extras, int *n) {
    tensor scratch[MAX_LAYER_TENSORS];
    int total = n_extras;
    for (int l = 0; l < m->n_layers; l++) total += layer_tensors(m->layers, m->n_layers, l, scratch);
    tensor *t = honeM_alloc((size_t)total, sizeof *t);
    if (!t) return NULL;
    *n = 0;
    for (int l = 0; l < m->n_layers; l++) *n += layer_tensors(m->layers, m->n_layers, l, t + *n);
    for (int i = 0; i < n_extras; i++) extra_tensor(&t[(*n)++], &extras[i], i);
    return t;
}

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

/* e.g. 0.2 rather than 0.200000003 for 0.2f: the loader reads it back as the same float. */
void honeS_real_text(char *buf, size_t cap, double v, bool is_float) {
    for (int digits = is_float ? 6 : 15;; digits++) {
        snprintf(buf, cap, "%.*g", digits, v);
        if (digits >= (is_float ? 9 : 17)) break; /* always enough */
        double back = strtod(buf, NULL);
        if (is_float ? (float)back == (float)v : back == v) break;
    }
    for (char *p = buf; *p; p++)
        if (!strchr("0123456789+-eE", *p)) *p = '.';
}

static void sb_real(honeB_buf *b, double v, bool is_float) {
    char tmp[64];
    honeS_real_text(tmp, sizeof tmp, v, is_float);
    honeB_str(b, tmp);
}

/* s as a quoted JSON string. s is valid UTF-8; bytes above 0x7F pass through. */
static void sb_json_string(honeB_buf *b, const char *s) {
    honeB_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            honeB_add(b, "\\", 1);
            honeB_add(b, p, 1);
        } else if (c < 0x20) honeB_fmt(b, "\\u%04x", c);
        else honeB_add(b, p, 1);
    }
    honeB_add(b, "\"", 1);
}

/* {"inputs": D, "loss": "...", "layers": [{"kind": "dense", "units": O}, {"kind": "relu"}, ...]},
 * with each layer's settings: dense "bias": false (only without one), leaky_relu "alpha",
 * dropout "keep_prob", batchnorm "momentum" and "eps" */
static void architecture_json(honeB_buf *b, const hone_model *m) {
    honeB_fmt(b, "{\"inputs\": %d, \"loss\": ", m->inputs);
    sb_json_string(b, hone_loss_kind_name(m->loss));
    honeB_str(b, ", \"layers\": [");
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        honeB_str(b, l ? ", {\"kind\": " : "{\"kind\": ");
        sb_json_string(b, hone_layer_kind_name(layer->kind));
        if (layer->kind == HONE_LAYER_DENSE) {
            honeB_fmt(b, ", \"units\": %d", layer->out);
            if (!layer->bias) honeB_str(b, ", \"bias\": false");
        }
        if (layer->kind == HONE_LAYER_LEAKY_RELU) {
            honeB_str(b, ", \"alpha\": ");
            sb_real(b, layer->alpha, true);
        }
        if (layer->kind == HONE_LAYER_DROPOUT) {
            honeB_str(b, ", \"keep_prob\": ");
            sb_real(b, layer->keep_prob, true);
        }
        if (layer->kind == HONE_LAYER_ADD) honeB_fmt(b, ", \"skip\": %d", layer->skip);
        if (layer->kind == HONE_LAYER_BATCHNORM) {
            honeB_str(b, ", \"momentum\": ");
            sb_real(b, layer->momentum, true);
            honeB_str(b, ", \"eps\": ");
            sb_real(b, layer->eps, true);
        }
        honeB_str(b, "}");
    }
    honeB_str(b, "]}");
}

/* Whether the model has target statistics to keep: a target_mean other than 0 or a target_std
 * other than 1 (a constant target has its mean and std 1). */
static bool has_target_statistics(const hone_model *m) {
    for (int o = 0; o < hone_model_outputs(m); o++)
        if (m->target_mean[o] != 0 || m->target_std[o] != 1) return true;
    return false;
}

/* {"mean": [...], "std": [...]}, and "target_mean" and "target_std" when the model has them;
 * each value printed so that it reads back bit for bit */
static void standardize_json(honeB_buf *b, const hone_model *m) {
    static const char *const keys[4] = {"{\"mean\": [", "], \"std\": [", "], \"target_mean\": [",
                                        "], \"target_std\": ["};
    const hone_real *v[4] = {m->input_mean, m->input_std, m->target_mean, m->target_std};
    const int count[4] = {m->inputs, m->inputs, hone_model_outputs(m), hone_model_outputs(m)};
    for (int k = 0; k < (has_target_statistics(m) ? 4 : 2); k++) {
        honeB_str(b, keys[k]);
        for (int j = 0; j < count[k]; j++) {
            if (j) honeB_str(b, ", ");
            sb_real(b, (double)v[k][j], REAL_SIZE == 4);
        }
    }
    honeB_str(b, "]}");
}

/* Whether the model knows the shape of its training images. */
static bool has_image_shape(const hone_model *m) { return m->image_height || m->image_width; }

/* ", "name": {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}" for each tensor of
 * the table, laid out one after the other in table order. */
static void tensor_entries(honeB_buf *b, const tensor *t, int n) {
    uint64_t at = 0;
    for (int i = 0; i < n; i++) {
        const dtype dt = written_dtype(&t[i]);
        const uint64_t end = at + t[i].count * dtype_sizes[dt];
        honeB_str(b, ", ");
        sb_json_string(b, t[i].name);
        honeB_fmt(b, ": {\"dtype\": \"%s\", \"shape\": [", dtype_names[dt]);
        for (int d = 0; d < t[i].rank; d++) honeB_fmt(b, "%s%llu", d ? ", " : "", (unsigned long long)t[i].shape[d]);
        honeB_fmt(b, "], \"data_offsets\": [%llu, %llu]}", (unsigned long long)at, (unsigned long long)end);
        at = end;
    }
}

/* ", "name": "value"" in __metadata__, folded into the metadata checksum when the name is hone's. */
static void meta_entry(honeB_buf *h, uint32_t *crc, const char *name, const char *value) {
    honeB_str(h, ", ");
    sb_json_string(h, name);
    honeB_str(h, ": ");
    sb_json_string(h, value);
    *crc = honeS_crc_add_entry(*crc, name, value);
}

/* The whole JSON header, padded with spaces to a multiple of 8 bytes; meta_key, when not NULL,
 * adds one more metadata entry. The checksums close the metadata: data_crc, that of the tensor
 * bytes, and the metadata's own over the hone.* entries before it (checksum.h). */
static void build_header(honeB_buf *h, const hone_model *m, const tensor *t, int n, const char *meta_key,
                         const char *meta_value, uint32_t data_crc) {
    honeB_buf text = {0};
    uint32_t meta_crc = 0;
    honeB_str(h, "{\"__metadata__\": {\"format\": \"pt\"");
    meta_entry(h, &meta_crc, "hone.format_version",
               has_target_statistics(m) ? FORMAT_VERSION_TARGETS : FORMAT_VERSION);
    architecture_json(&text, m);
    meta_entry(h, &meta_crc, "hone.architecture", text.failed ? "" : text.s);
    h->failed |= text.failed;
    text.len = 0;
    standardize_json(&text, m);
    meta_entry(h, &meta_crc, "hone.standardize", text.failed ? "" : text.s);
    h->failed |= text.failed;
    if (has_image_shape(m)) {
        text.len = 0;
        honeB_fmt(&text, "{\"height\": %d, \"width\": %d}", m->image_height, m->image_width);
        meta_entry(h, &meta_crc, "hone.image", text.failed ? "" : text.s);
        h->failed |= text.failed;
    }
    honeM_free(text.s);
    if (m->config_json) meta_entry(h, &meta_crc, "hone.config", m->config_json);
    if (meta_key) meta_entry(h, &meta_crc, meta_key, meta_value);
    char digits[9];
    honeS_crc_text(digits, data_crc);
    meta_entry(h, &meta_crc, HONES_DATA_CRC_KEY, digits);
    honeS_crc_text(digits, meta_crc);
    meta_entry(h, &meta_crc, HONES_META_CRC_KEY, digits);
    honeB_str(h, "}");
    tensor_entries(h, t, n);
    honeB_str(h, "}");
    while (!h->failed && h->len % 8) honeB_add(h, " ", 1);
}

/* Refuses what hone_model_load would refuse, so that every file hone writes, hone reads. */
static hone_status check_savable(const hone_model *m, const tensor *t, int n, const honeS_tensor *extras,
                                 const char *path, hone_error *err) {
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *layer = &m->layers[l];
        if (layer->kind == HONE_LAYER_DROPOUT && !(layer->keep_prob > 0 && layer->keep_prob <= 1))
            return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: layer %d: dropout keep_prob %g is not in (0, 1]", path, l,
                             (double)layer->keep_prob);
        if (layer->kind == HONE_LAYER_BATCHNORM && !(layer->momentum > 0 && layer->momentum <= 1))
            return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: layer %d: batch norm momentum %g is not in (0, 1]", path,
                             l, (double)layer->momentum);
        if (layer->kind == HONE_LAYER_BATCHNORM && !(isfinite(layer->eps) && layer->eps > 0))
            return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: layer %d: batch norm eps %g is not a finite number > 0",
                             path, l, (double)layer->eps);
    }
    for (int i = 0; i < n; i++) {
        if (t[i].from == FROM_BN_BATCHES) {
            if (m->bn_batches > INT64_MAX)
                return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: tensor '%s': %llu batches do not fit an I64", path,
                                 t[i].name, (unsigned long long)m->bn_batches);
            continue;
        }
        if (t[i].from == FROM_EXTRA && t[i].integer) {
            const uint64_t *u = extras[t[i].extra].values;
            for (size_t k = 0; k < t[i].count; k++)
                if (u[k] > INT64_MAX)
                    return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: tensor '%s': %llu at index %zu does not fit an I64",
                                     path, t[i].name, (unsigned long long)u[k], k);
            continue;
        }
        const hone_real *v = t[i].from == FROM_EXTRA ? (const hone_real *)extras[t[i].extra].values
                                                     : (t[i].from == FROM_PARAMS ? m->params : m->buffers) + t[i].offset;
        for (size_t k = 0; k < t[i].count; k++) {
            if (!isfinite(v[k]))
                return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: tensor '%s' holds a non-finite value at index %zu",
                                 path, t[i].name, k);
            if (t[i].variance && v[k] < 0)
                return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: tensor '%s' holds a negative variance at index %zu",
                                 path, t[i].name, k);
        }
    }
    for (int j = 0; j < m->inputs; j++)
        if (!isfinite(m->input_mean[j]) || !isfinite(m->input_std[j]) || !(m->input_std[j] > 0))
            return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: standardization of input %d is invalid (mean %g, std %g)",
                             path, j, (double)m->input_mean[j], (double)m->input_std[j]);
    for (int o = 0; o < hone_model_outputs(m); o++)
        if (!isfinite(m->target_mean[o]) || !isfinite(m->target_std[o]) || !(m->target_std[o] > 0))
            return honeE_set(err, HONE_ERR_VALUE,
                             "%s: not saved: standardization of target %d is invalid (mean %g, std %g)", path, o,
                             (double)m->target_mean[o], (double)m->target_std[o]);
    if (m->loss != HONE_LOSS_MSE && has_target_statistics(m))
        return honeE_set(err, HONE_ERR_VALUE,
                         "%s: not saved: the targets are standardized, and only an mse model's may be", path);
    if (has_image_shape(m) && !(m->image_height > 0 && m->image_width > 0 &&
                                (int64_t)m->image_height * m->image_width == m->inputs))
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: images of %d x %d pixels (height x width) are not the "
                         "model's %d inputs", path, m->image_height, m->image_width, m->inputs);
    if (m->config_json && !utf8_valid((const unsigned char *)m->config_json, strlen(m->config_json)))
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: config_json is not valid UTF-8", path);
    return HONE_OK;
}

/* Creates "<path>.tmp.XXXXXX" exclusively, like mkstemp, but with mode 0666 so that the umask,
 * not mkstemp's 0600, decides who may read the saved model. */
static int create_temporary(char *tmp, const char *path) {
    static atomic_ulong counter;
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    hone_rng rng;
    hone_rng_seed(&rng, (uint64_t)now.tv_nsec ^ (uint64_t)now.tv_sec << 30 ^ (uint64_t)getpid() << 40 ^
                            (uint64_t)atomic_fetch_add(&counter, 1) << 20 ^ (uint64_t)(uintptr_t)&now);
    size_t len = strlen(path);
    for (int attempt = 0; attempt < 100; attempt++) {
        memcpy(tmp, path, len);
        memcpy(tmp + len, ".tmp.", 5);
        for (int i = 0; i < 6; i++) tmp[len + 5 + (size_t)i] = letters[hone_rng_below(&rng, sizeof letters - 1)];
        tmp[len + 11] = 0;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1; /* errno is EEXIST */
}

/* Where tensor bytes go: into f, or without one into crc. */
typedef struct sink {
    FILE *f;
    uint32_t crc;
} sink;

static bool sink_put(sink *s, const unsigned char *bytes, size_t n) {
    if (s->f) return fwrite(bytes, 1, n, s->f) == n;
    s->crc = honeS_crc_add(s->crc, bytes, n);
    return true;
}

/* Every tensor of the table little-endian, in table order, into s; false when a write failed. */
static bool put_tensors(sink *s, const hone_model *m, const tensor *t, int n, const honeS_tensor *extras) {
    unsigned char buf[8192];
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        const bool extra = t[i].from == FROM_EXTRA;
        const uint64_t *ints = extra && t[i].integer ? extras[t[i].extra].values : t[i].integer ? &m->bn_batches : NULL;
        const hone_real *v = t[i].from == FROM_PARAMS    ? m->params + t[i].offset
                             : t[i].from == FROM_BUFFERS ? m->buffers + t[i].offset
                             : extra && !ints            ? (const hone_real *)extras[t[i].extra].values
                                                         : NULL;
        for (size_t k = 0; k < t[i].count; k++) {
            unsigned char *p = buf + used;
            if (ints) {
                put_u64le(p, ints[extra ? k : 0]);
                used += 8;
            } else if (REAL_SIZE == 4) {
                float x = (float)v[k];
                uint32_t u;
                memcpy(&u, &x, 4);
                for (int b = 0; b < 4; b++) p[b] = (unsigned char)(u >> (8 * b));
                used += 4;
            } else {
                double x = (double)v[k];
                uint64_t u;
                memcpy(&u, &x, 8);
                put_u64le(p, u);
                used += 8;
            }
            if (used > sizeof buf - 8) { /* room for the next value, whatever its size */
                if (!sink_put(s, buf, used)) return false;
                used = 0;
            }
        }
    }
    return !used || sink_put(s, buf, used);
}

/* Writes the length, the header and the tensors; returns what failed or NULL. */
static const char *write_contents(FILE *f, const honeB_buf *header, const hone_model *m, const tensor *t, int n,
                                  const honeS_tensor *extras) {
    unsigned char len8[8];
    put_u64le(len8, header->len);
    if (fwrite(len8, 1, 8, f) != 8 || fwrite(header->s, 1, header->len, f) != header->len) return "write failed";
    sink out = {f, 0};
    return put_tensors(&out, m, t, n, extras) ? NULL : "write failed";
}

hone_status hone_model_save(const hone_model *m, const char *path, hone_error *err) {
    return honeS_save(m, path, NULL, 0, NULL, NULL, err);
}

hone_status honeS_save(const hone_model *m, const char *path, const honeS_tensor *extras, int n_extras,
                       const char *meta_key, const char *meta_value, hone_error *err) {
    if (!path || !*path) return honeE_set(err, HONE_ERR_VALUE, "not saved: the path is empty");
    for (int i = 0; i < n_extras; i++) { /* the caller's own mistakes */
        const honeS_tensor *x = &extras[i];
        bool ok = strncmp(x->name, "hone.", 5) == 0 && strlen(x->name) < sizeof((tensor *)0)->name &&
                  (x->rank == 1 || x->rank == 2);
        uint64_t count = 1;
        for (int d = 0; ok && d < x->rank; d++) {
            ok = x->shape[d] != HONES_ANY && x->shape[d] <= HONE_MAX_PARAMS;
            count *= x->shape[d];
        }
        ok = ok && (x->values || count == 0);
        if (!ok) return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: extra tensor '%.80s' is not well formed", path, x->name);
    }
    if (meta_key && strncmp(meta_key, HONES_OWN_PREFIX, strlen(HONES_OWN_PREFIX)) != 0) /* or no checksum covers it */
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: metadata '%.80s' is not named hone.*", path, meta_key);
    if (meta_key && (!meta_value || !utf8_valid((const unsigned char *)meta_value, strlen(meta_value))))
        return honeE_set(err, HONE_ERR_VALUE, "%s: not saved: metadata '%.80s' is not valid UTF-8", path, meta_key);
    int n = 0;
    tensor *table = model_tensors(m, extras, n_extras, &n);
    if (!table) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory for the model file's tensor table", path);
    hone_status st = check_savable(m, table, n, extras, path, err);
    if (st) {
        honeM_free(table);
        return st;
    }
    /* The header, written first, carries the CRC of the tensor bytes after it: they are encoded
     * once for the CRC, then again into the file, by the same code from the same values. */
    sink crc_only = {NULL, 0};
    put_tensors(&crc_only, m, table, n, extras);
    honeB_buf header = {0};
    build_header(&header, m, table, n, meta_key, meta_value, crc_only.crc);
    char *tmp = header.failed ? NULL : honeM_alloc(strlen(path) + 12, 1);
    if (!tmp) {
        honeM_free(header.s);
        honeM_free(table);
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory for the model file's header", path);
    }
    /* A FIFO, a terminal or a device such as /dev/null (links followed) is written in place: a
     * file renamed over it would replace the entry itself (as root, /dev/null). A regular file
     * replaced keeps its permissions. */
    struct stat target;
    const bool exists = stat(path, &target) == 0;
    const bool in_place = exists && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode);
    int fd = in_place ? open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) : create_temporary(tmp, path);
    if (fd < 0) {
        int e = errno;
        honeM_free(header.s);
        honeM_free(tmp);
        honeM_free(table);
        return honeE_set(err, HONE_ERR_IO, in_place ? "%s: cannot open it: %s" : "%s: cannot create a temporary file beside it: %s",
                         path, strerror(e));
    }
    const int watched = in_place ? -1 : honeC_partial_begin(tmp); /* removed by a signal that ends the process */
    if (exists && !in_place) (void)fchmod(fd, target.st_mode & 07777);
    const char *failed = NULL;
    int e = 0;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        failed = "cannot open the temporary file", e = errno;
        close(fd);
    } else {
        errno = 0;
        if ((failed = write_contents(f, &header, m, table, n, extras)) == NULL && fflush(f) != 0) failed = "write failed";
        if (!failed && !in_place && fsync(fileno(f)) != 0) failed = "fsync failed";
        if (failed) e = errno;
        if (fclose(f) != 0 && !failed) failed = "close failed", e = errno;
    }
    if (!in_place && !failed && rename(tmp, path) != 0) failed = "cannot replace it with the temporary file", e = errno;
    if (!in_place && failed) unlink(tmp);
    honeC_partial_end(watched);
    if (!in_place && !failed) (void)honeC_sync_directory(path);
    honeM_free(header.s);
    honeM_free(tmp);
    honeM_free(table);
    if (failed) return honeE_set(err, HONE_ERR_IO, "%s: %s: %s", path, failed, strerror(e ? e : EIO));
    return HONE_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------------- */

typedef struct loader {
    const char *path;
    FILE *f;
    uint64_t file_size, header_len, buf_size;
    char *header;
    cJSON *root, *meta;
    int inputs, n_layers, n_tensors;
    int n_model;            /* the model's tensors: tensors[0 .. n_model), then the extras */
    int n_order;            /* tensors the file holds (every model tensor, the extras present) */
    honeS_tensor *extras;   /* [n_extras] what the caller accepts beside the model's tensors */
    int n_extras;
    const char *meta_key;   /* the caller's extra metadata entry, or NULL */
    hone_loss_kind loss;
    hone_layer_spec *specs; /* [n_layers] */
    hone_layer *layers;     /* [n_layers] the layers the specs make: kind, widths, bias, offsets, eps */
    int *first_tensor;      /* [n_layers + 1]: layer l's tensors are tensors[first_tensor[l] .. [l + 1]) */
    tensor *tensors;        /* [n_tensors] the table, layer by layer */
    tensor **by_name;       /* [n_tensors] the same, sorted by name, for lookups */
    int first_count;        /* the first num_batches_tracked in the table, or -1 */
    int checksums;          /* HONE_CHECKSUM_* bits: the checksums the file carried, verified */
    hone_model *model;
} loader;

static hone_status fail(const loader *L, hone_error *err, hone_status code, const char *fmt, ...)
    HONE_PRINTF(4, 5);
static hone_status fail(const loader *L, hone_error *err, hone_status code, const char *fmt, ...) {
    char text[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return honeE_set(err, code, "%s: %s", L->path, text);
}

static hone_status fail_nomem(const loader *L, hone_error *err) {
    return fail(L, err, HONE_ERR_NOMEM, "out of memory");
}

/* d as hone_real, when it is finite and does not round to infinity in hone_real (for float:
 * below FLT_MAX plus half its last place; converting anything larger is undefined behaviour). */
static bool to_real(double d, hone_real *out) {
    if (!isfinite(d) || (REAL_SIZE == 4 && !(fabs(d) < (double)FLT_MAX + 0x1p103))) return false;
    *out = (hone_real)d;
    return true;
}

/* A JSON number that is an integer in [lo, hi] (hi <= 2^53, so the double is exact). */
static bool json_integer(const cJSON *x, double lo, double hi, uint64_t *v) {
    if (!cJSON_IsNumber(x)) return false;
    double d = x->valuedouble;
    if (!(d >= lo && d <= hi) || d != floor(d)) return false;
    *v = (uint64_t)d;
    return true;
}

const char *honeS_shape_text(char *buf, size_t cap, const uint64_t *dims, int rank, bool more) {
    size_t used = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < rank && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%llu", i ? ", " : "", (unsigned long long)dims[i]);
    if (used < cap) snprintf(buf + used, cap - used, "%s]", more ? ", ..." : "");
    return buf;
}

/* Opens without blocking (a FIFO must not hang us), insists on a regular file, reads the
 * length prefix and the header. */
static hone_status read_header(loader *L, hone_error *err) {
    if (!L->path || !*L->path) return honeE_set(err, HONE_ERR_VALUE, "not read: the path is empty"); /* as save's */
    int fd = open(L->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return fail(L, err, HONE_ERR_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(L, err, HONE_ERR_IO, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(L, err, HONE_ERR_IO, "not a regular file");
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags != -1) (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    L->f = fdopen(fd, "rb");
    if (!L->f) {
        int e = errno;
        close(fd);
        return fail(L, err, HONE_ERR_IO, "cannot open: %s", strerror(e));
    }
    L->file_size = (uint64_t)st.st_size;
    if (L->file_size < 8)
        return fail(L, err, HONE_ERR_FORMAT, "not a safetensors file: %llu bytes, too short for the 8-byte header length",
                    (unsigned long long)L->file_size);
    unsigned char len8[8];
    if (fread(len8, 1, 8, L->f) != 8)
        return fail(L, err, ferror(L->f) ? HONE_ERR_IO : HONE_ERR_FORMAT, "cannot read the header length: %s",
                    ferror(L->f) ? strerror(errno) : "unexpected end of file");
    L->header_len = get_u64le(len8);
    if (L->header_len > L->file_size - 8)
        return fail(L, err, HONE_ERR_FORMAT, "not a safetensors file: header length %llu exceeds the %llu bytes after it",
                    (unsigned long long)L->header_len, (unsigned long long)(L->file_size - 8));
    if (L->header_len > HEADER_MAX)
        return fail(L, err, HONE_ERR_FORMAT, "header length %llu is over the limit of %u bytes",
                    (unsigned long long)L->header_len, HEADER_MAX);
    L->buf_size = L->file_size - 8 - L->header_len;
    L->header = honeM_alloc((size_t)L->header_len + 1, 1);
    if (!L->header) return fail_nomem(L, err);
    if (fread(L->header, 1, (size_t)L->header_len, L->f) != L->header_len)
        return fail(L, err, ferror(L->f) ? HONE_ERR_IO : HONE_ERR_FORMAT, "cannot read the header: %s",
                    ferror(L->f) ? strerror(errno) : "unexpected end of file");
    if (memchr(L->header, 0, (size_t)L->header_len))
        return fail(L, err, HONE_ERR_FORMAT, "header contains a NUL byte");
    if (!utf8_valid((const unsigned char *)L->header, (size_t)L->header_len))
        return fail(L, err, HONE_ERR_FORMAT, "header is not valid UTF-8");
    return HONE_OK;
}

/* Parses text as one JSON value followed by nothing but whitespace. */
static cJSON *parse_json(const char *text, size_t len) {
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!v) return NULL;
    for (; end < text + len; end++)
        if (!strchr(" \t\r\n", *end)) {
            cJSON_Delete(v);
            return NULL;
        }
    return v;
}

static hone_status parse_header(loader *L, hone_error *err) {
    L->root = parse_json(L->header, (size_t)L->header_len);
    if (!L->root) return fail(L, err, HONE_ERR_FORMAT, "header is not valid JSON");
    if (!cJSON_IsObject(L->root)) return fail(L, err, HONE_ERR_FORMAT, "header is not a JSON object");
    L->meta = cJSON_GetObjectItemCaseSensitive(L->root, "__metadata__");
    if (L->meta) {
        if (!cJSON_IsObject(L->meta)) return fail(L, err, HONE_ERR_FORMAT, "__metadata__ is not an object");
        for (const cJSON *item = L->meta->child; item; item = item->next)
            if (!cJSON_IsString(item))
                return fail(L, err, HONE_ERR_FORMAT, "__metadata__ value '%.100s' is not a string", item->string);
    }
    if (!L->meta_key && cJSON_GetObjectItemCaseSensitive(L->meta, HONES_CHECKPOINT_KEY))
        return fail(L, err, HONE_ERR_FORMAT, "a training checkpoint (hone train --checkpoint), not a model file: continue "
                                             "it with hone train --resume, and --save the model when it ends");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(L->meta, "hone.format_version");
    if (version && strcmp(version->valuestring, FORMAT_VERSION) && strcmp(version->valuestring, FORMAT_VERSION_TARGETS))
        return fail(L, err, HONE_ERR_FORMAT, "hone model format version '%.40s' is not supported (this hone reads versions "
                    FORMAT_VERSION " and " FORMAT_VERSION_TARGETS ")", version->valuestring);
    return HONE_OK;
}

/* The checksum stored under key (checksum.h): false when the file has none (an older hone's),
 * true with *stored when it has one; 8 hex digits, or an error. */
static hone_status stored_checksum(loader *L, const char *key, bool *present, uint32_t *stored, hone_error *err) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(L->meta, key);
    *present = item != NULL;
    if (item && !honeS_crc_parse(item->valuestring, stored))
        return fail(L, err, HONE_ERR_FORMAT, "__metadata__ '%s' must be 8 hex digits, got '%.40s'", key, item->valuestring);
    return HONE_OK;
}

/* A checksum the file carries against the one its bytes give: equal, `verified` joins
 * L->checksums; unequal, `what` is damaged (unless this is a fuzzing build: checksum.h). */
static hone_status compare_checksums(loader *L, const char *what, uint32_t stored, uint32_t computed, int verified,
                                     hone_error *err) {
    if (stored == computed) L->checksums |= verified;
    else if (HONES_CRC_ENFORCED)
        return fail(L, err, HONE_ERR_FORMAT, "%s is damaged: checksum (CRC-32) expected %08lx, computed %08lx", what,
                    (unsigned long)stored, (unsigned long)computed);
    return HONE_OK;
}

/* hone's metadata entries (parse_header checked them all strings) against "metadata_crc32". */
static hone_status verify_metadata(loader *L, hone_error *err) {
    bool present;
    uint32_t stored, computed = 0;
    hone_status st = stored_checksum(L, HONES_META_CRC_KEY, &present, &stored, err);
    if (st || !present) return st;
    for (const cJSON *item = L->meta->child; item; item = item->next)
        computed = honeS_crc_add_entry(computed, item->string, item->valuestring);
    return compare_checksums(L, "the metadata", stored, computed, HONE_CHECKSUM_METADATA, err);
}

/* The data section, every byte after the header, against "crc32": before any value is read, so
 * that a damaged file is called so, not refused for a value the damage made (a NaN weight). */
static hone_status verify_data(loader *L, hone_error *err) {
    bool present;
    uint32_t stored, computed = 0;
    hone_status st = stored_checksum(L, HONES_DATA_CRC_KEY, &present, &stored, err);
    if (st || !present) return st;
    unsigned char *buf = honeM_alloc(CHUNK, 1);
    if (!buf) return fail_nomem(L, err);
    if (fseeko(L->f, (off_t)(8 + L->header_len), SEEK_SET) != 0)
        st = fail(L, err, HONE_ERR_IO, "cannot seek to the data: %s", strerror(errno));
    for (uint64_t done = 0; !st && done < L->buf_size;) {
        const size_t n = L->buf_size - done < CHUNK ? (size_t)(L->buf_size - done) : CHUNK;
        if (fread(buf, 1, n, L->f) != n) {
            st = fail(L, err, ferror(L->f) ? HONE_ERR_IO : HONE_ERR_FORMAT, "cannot read the data: %s",
                      ferror(L->f) ? strerror(errno) : "unexpected end of file");
            break;
        }
        computed = honeS_crc_add(computed, buf, n);
        done += n;
    }
    honeM_free(buf);
    return st ? st : compare_checksums(L, "the tensor data", stored, computed, HONE_CHECKSUM_DATA, err);
}

/* An optional setting of layer l, a float: absent gives def; present must be a finite number
 * in (0, hi], both as the double and as the float it becomes (1e-50 would be 0 as a float,
 * 1.00000001 would be 1). range says the same in words for the message. */
static hone_status float_setting(loader *L, const cJSON *item, int l, const char *what, const char *key, double hi,
                                 const char *range, float def, float *out, hone_error *err) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(item, key);
    if (!x) {
        *out = def;
        return HONE_OK;
    }
    double d = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    bool ok = d > 0 && d <= hi; /* false for NaN; hi <= FLT_MAX, so the cast is defined */
    float f = ok ? (float)d : 0;
    if (!ok || !(f > 0) || !(f <= hi))
        return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: %s '%s' must be a number %s", l, what, key,
                    range);
    *out = f;
    return HONE_OK;
}

/* One layer of hone.architecture into spec (and eps, which specs do not carry); width is the
 * layer's input width, updated to its output width. */
static hone_status parse_layer(loader *L, const cJSON *item, int l, hone_layer_spec *spec, float *eps, uint64_t *width,
                               hone_error *err) {
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(item, "kind");
    if (!cJSON_IsString(kind) || !(spec->kind = (hone_layer_kind)hone_layer_kind_parse(kind->valuestring)))
        return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: unknown kind '%.60s'", l,
                    cJSON_IsString(kind) ? kind->valuestring : "(none)");
    hone_status st = HONE_OK;
    switch (spec->kind) {
    case HONE_LAYER_LEAKY_RELU: {
        const cJSON *alpha = cJSON_GetObjectItemCaseSensitive(item, "alpha");
        /* checked as the float it becomes, too: 0.99999999 rounds to 1 */
        if (alpha && !(cJSON_IsNumber(alpha) && alpha->valuedouble >= 0 && alpha->valuedouble < 1 &&
                       (float)alpha->valuedouble < 1))
            return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: leaky ReLU 'alpha' must be a number in [0, 1)", l);
        spec->alpha = alpha ? (float)alpha->valuedouble : 0.01f; /* torch's default slope */
        break;
    }
    case HONE_LAYER_DENSE: {
        uint64_t v;
        if (!json_integer(cJSON_GetObjectItemCaseSensitive(item, "units"), 1, HONE_MAX_UNITS, &v))
            return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: dense 'units' must be an integer in [1, %d]", l,
                        HONE_MAX_UNITS);
        spec->units = (int)v;
        *width = v;
        const cJSON *bias = cJSON_GetObjectItemCaseSensitive(item, "bias");
        if (bias && !cJSON_IsBool(bias))
            return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: dense 'bias' must be true or false", l);
        spec->no_bias = bias && cJSON_IsFalse(bias);
        break;
    }
    case HONE_LAYER_ADD: { /* the residual add: skip is an earlier layer, before its own input, or -1 */
        const cJSON *skip = cJSON_GetObjectItemCaseSensitive(item, "skip");
        if (!cJSON_IsNumber(skip) || skip->valuedouble != floor(skip->valuedouble) || skip->valuedouble < -1 ||
            skip->valuedouble > l - 2)
            return fail(L, err, HONE_ERR_FORMAT, "hone.architecture: layer %d: add 'skip' must be an integer in [-1, %d]",
                        l, l - 2);
        spec->skip = (int)skip->valuedouble;
        break;
    }
    case HONE_LAYER_DROPOUT: /* torch's nn.Dropout() drops half: p = 0.5 */
        st = float_setting(L, item, l, "dropout", "keep_prob", 1, "in (0, 1]", 0.5f, &spec->keep_prob, err);
        break;
    case HONE_LAYER_BATCHNORM: /* torch's BatchNorm1d defaults */
        if (!(st = float_setting(L, item, l, "batch norm", "momentum", 1, "in (0, 1]", 0.1f, &spec->momentum, err)))
            st = float_setting(L, item, l, "batch norm", "eps", FLT_MAX, "> 0 (finite as a float)", 1e-5f, eps, err);
        break;
    default:
        break;
    }
    return st;
}

/* The architecture, checked and turned into layer specs and the table of tensors it implies. */
static hone_status parse_architecture(loader *L, hone_error *err) {
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(L->meta, "hone.architecture");
    if (!text) return fail(L, err, HONE_ERR_FORMAT, "not a hone model (no hone.architecture metadata)");
    cJSON *arch = parse_json(text->valuestring, strlen(text->valuestring));
    hone_status st = HONE_OK;
    uint64_t v;
    if (!arch || !cJSON_IsObject(arch)) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.architecture is not %s", arch ? "a JSON object" : "valid JSON");
        goto done;
    }
    if (!json_integer(cJSON_GetObjectItemCaseSensitive(arch, "inputs"), 1, HONE_MAX_UNITS, &v)) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.architecture: 'inputs' must be an integer in [1, %d]", HONE_MAX_UNITS);
        goto done;
    }
    L->inputs = (int)v;
    /* the inputs' statistics are stored in the file too; refuse to allocate for more inputs than
     * the file has bytes (only possible for a model without dense layers) */
    if ((uint64_t)L->inputs > L->file_size) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.architecture: %d inputs cannot fit a %llu-byte file", L->inputs,
                  (unsigned long long)L->file_size);
        goto done;
    }
    const cJSON *loss = cJSON_GetObjectItemCaseSensitive(arch, "loss");
    if (!cJSON_IsString(loss) || !(L->loss = (hone_loss_kind)hone_loss_kind_parse(loss->valuestring))) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.architecture: unknown loss '%.60s'",
                  cJSON_IsString(loss) ? loss->valuestring : "(none)");
        goto done;
    }
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(arch, "layers");
    int n = cJSON_IsArray(layers) ? cJSON_GetArraySize(layers) : 0;
    if (n < 1 || n > HONE_MAX_LAYERS) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.architecture: 'layers' must be an array of 1 to %d layers", HONE_MAX_LAYERS);
        goto done;
    }
    L->n_layers = n;
    L->specs = honeM_alloc((size_t)n, sizeof *L->specs);
    L->layers = honeM_alloc((size_t)n, sizeof *L->layers);
    L->first_tensor = honeM_alloc((size_t)n + 1, sizeof *L->first_tensor);
    if (!L->specs || !L->layers || !L->first_tensor) {
        st = fail_nomem(L, err);
        goto done;
    }
    /* the layers as hone_model_create will make them: widths, parameter and buffer offsets */
    int l = 0;
    uint64_t width = (uint64_t)L->inputs;
    size_t params = 0, buffers = 0; /* at most 4096 * (2^48 + 2^24): no overflow */
    tensor scratch[MAX_LAYER_TENSORS];
    L->n_tensors = 0;
    for (const cJSON *item = layers->child; item; item = item->next, l++) {
        hone_layer *layer = &L->layers[l];
        layer->in = (int)width;
        layer->eps = 1e-5f;
        if ((st = parse_layer(L, item, l, &L->specs[l], &layer->eps, &width, err))) goto done;
        layer->kind = L->specs[l].kind;
        layer->out = (int)width;
        layer->bias = layer->kind == HONE_LAYER_DENSE && !L->specs[l].no_bias;
        layer->skip = L->specs[l].skip;
        honeL_place(layer, &params, &buffers);
        L->first_tensor[l] = L->n_tensors;
        L->n_tensors += layer_tensors(L->layers, l + 1, l, scratch); /* counting: names unused */
    }
    L->first_tensor[n] = L->n_tensors;
    L->n_model = L->n_tensors;
    L->n_tensors += L->n_extras;
    L->tensors = honeM_alloc((size_t)L->n_tensors, sizeof *L->tensors);
    if (!L->tensors) {
        st = fail_nomem(L, err);
        goto done;
    }
    L->first_count = -1;
    for (l = 0; l < n; l++) layer_tensors(L->layers, n, l, L->tensors + L->first_tensor[l]);
    for (int i = 0; i < L->n_extras; i++) extra_tensor(&L->tensors[L->n_model + i], &L->extras[i], i);
    L->by_name = honeM_alloc((size_t)L->n_tensors, sizeof *L->by_name);
    if (!L->by_name) {
        st = fail_nomem(L, err);
        goto done;
    }
    for (int i = 0; i < L->n_tensors; i++) L->by_name[i] = &L->tensors[i];
    qsort(L->by_name, (size_t)L->n_tensors, sizeof *L->by_name, by_name);
    for (int i = 0; i < L->n_tensors && L->first_count < 0; i++)
        if (L->tensors[i].from == FROM_BN_BATCHES) L->first_count = i;
done:
    cJSON_Delete(arch);
    return st;
}

/* The tensor that `name` must be (one of the table's for the layer its number names), or NULL. */
static tensor *expected_tensor(const loader *L, const char *name) {
    size_t lo = 0, hi = (size_t)L->n_tensors;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(L->by_name[mid]->name, name);
        if (c == 0) return L->by_name[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* One header entry: its dtype, shape and offsets on their own terms, then against the tensor
 * the architecture expects under its name. */
static hone_status check_entry(loader *L, const cJSON *entry, hone_error *err) {
    const char *name = entry->string;
    char shown[200], wanted[100];
    if (!cJSON_IsObject(entry)) return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s' is not a JSON object", name);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "dtype");
    if (!cJSON_IsString(type)) return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s' has no dtype", name);
    dtype stored = DT_F32;
    while (stored <= DT_I64 && strcmp(type->valuestring, dtype_names[stored]) != 0) stored++;
    if (stored > DT_I64)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s' has dtype %.20s; hone reads F32 and F64 (and I64 counts)",
                    name, type->valuestring);
    uint64_t dsize = dtype_sizes[stored];
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(entry, "shape");
    if (!cJSON_IsArray(shape)) return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s' has no shape", name);
    uint64_t dims[8] = {0}, bytes = dsize;
    int rank = 0;
    bool overflow = false;
    for (const cJSON *d = shape->child; d; d = d->next, rank++) {
        uint64_t v;
        if (!json_integer(d, 0, HONES_MAX_EXACT, &v))
            return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s': shape entries must be non-negative integers", name);
        if (rank < 8) dims[rank] = v;
        if (v && bytes > UINT64_MAX / v) overflow = true;
        else bytes *= v;
    }
    honeS_shape_text(shown, sizeof shown, dims, rank < 8 ? rank : 8, rank > 8);
    if (overflow) return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s': shape %s is too large", name, shown);
    const cJSON *offsets = cJSON_GetObjectItemCaseSensitive(entry, "data_offsets");
    uint64_t begin, end;
    if (!cJSON_IsArray(offsets) || cJSON_GetArraySize(offsets) != 2 || !json_integer(offsets->child, 0, HONES_MAX_EXACT, &begin) ||
        !json_integer(offsets->child->next, 0, HONES_MAX_EXACT, &end) || begin > end)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s': data_offsets must be two integers [begin, end], begin <= end",
                    name);
    if (end > L->buf_size)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s': data_offsets [%llu, %llu] run past the %llu-byte data buffer",
                    name, (unsigned long long)begin, (unsigned long long)end, (unsigned long long)L->buf_size);
    if (end - begin != bytes)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%.100s' has %llu bytes, but shape %s of %s needs %llu", name,
                    (unsigned long long)(end - begin), shown, dtype_names[stored], (unsigned long long)bytes);
    tensor *t = expected_tensor(L, name);
    if (!t) return fail(L, err, HONE_ERR_FORMAT, "unexpected tensor '%.100s' (not in the architecture)", name);
    if (t->seen) return fail(L, err, HONE_ERR_FORMAT, "tensor '%s' appears twice", t->name);
    if (t->integer && stored != DT_I64)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%s' has dtype %s, expected I64 (%s)", t->name, dtype_names[stored],
                    t->from == FROM_EXTRA ? "integers" : "a count");
    if (!t->integer && stored == DT_I64)
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%s' has dtype I64; hone reads it as F32 or F64", t->name);
    if (rank != t->rank || (!t->any[0] && dims[0] != t->shape[0]) || (rank == 2 && !t->any[1] && dims[1] != t->shape[1])) {
        if (t->any[0] || t->any[1]) snprintf(wanted, sizeof wanted, "rank %d", t->rank);
        else honeS_shape_text(wanted, sizeof wanted, t->shape, t->rank, false);
        return fail(L, err, HONE_ERR_FORMAT, "tensor '%s' has shape %s, expected %s", t->name, shown, wanted);
    }
    if (t->from == FROM_EXTRA) { /* its size is now the file's, which the data buffer bounds */
        t->count = (size_t)((end - begin) / dsize);
        for (int d = 0; d < rank; d++) t->shape[d] = dims[d];
    }
    t->seen = true;
    t->stored = stored;
    t->begin = begin;
    t->end = end;
    return HONE_OK;
}

static int by_begin(const void *a, const void *b) {
    const tensor *x = *(tensor *const *)a, *y = *(tensor *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : x->end < y->end ? -1 : x->end > y->end;
}

/* Every expected tensor present (extras may be absent), and together they cover the data buffer
 * exactly. order receives the tensors present, by offset; L->n_order their count. */
static hone_status check_tensors(loader *L, tensor **order, hone_error *err) {
    for (const cJSON *entry = L->root->child; entry; entry = entry->next) {
        if (strcmp(entry->string, "__metadata__") == 0) continue;
        hone_status st = check_entry(L, entry, err);
        if (st) return st;
    }
    L->n_order = 0;
    for (int i = 0; i < L->n_tensors; i++) {
        if (!L->tensors[i].seen && i < L->n_model)
            return fail(L, err, HONE_ERR_FORMAT, "missing tensor '%s'", L->tensors[i].name);
        if (L->tensors[i].seen) order[L->n_order++] = &L->tensors[i];
    }
    qsort(order, (size_t)L->n_order, sizeof *order, by_begin);
    uint64_t at = 0;
    for (int i = 0; i < L->n_order; i++) {
        const tensor *t = order[i];
        if (t->begin < at)
            return fail(L, err, HONE_ERR_FORMAT, "tensors '%s' and '%s' overlap in the data buffer", order[i - 1]->name,
                        t->name);
        if (t->begin > at)
            return fail(L, err, HONE_ERR_FORMAT, "bytes [%llu, %llu) of the data buffer belong to no tensor",
                        (unsigned long long)at, (unsigned long long)t->begin);
        at = t->end;
    }
    if (at != L->buf_size)
        return fail(L, err, HONE_ERR_FORMAT, "bytes [%llu, %llu) of the data buffer belong to no tensor",
                    (unsigned long long)at, (unsigned long long)L->buf_size);
    return HONE_OK;
}

/* hone.standardize into the model's mean and std, and its target_mean and target_std (an MSE
 * model's, both or neither); absent means mean 0, std 1. */
static hone_status parse_standardize(loader *L, hone_error *err) {
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(L->meta, "hone.standardize");
    if (!text) return HONE_OK;
    cJSON *s = parse_json(text->valuestring, strlen(text->valuestring));
    hone_status st = HONE_OK;
    if (!s || !cJSON_IsObject(s)) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.standardize is not %s", s ? "a JSON object" : "valid JSON");
        goto done;
    }
    static const char *const keys[4] = {"mean", "std", "target_mean", "target_std"};
    hone_model *m = L->model;
    hone_real *dest[4] = {m->input_mean, m->input_std, m->target_mean, m->target_std};
    const int count[4] = {L->inputs, L->inputs, hone_model_outputs(m), hone_model_outputs(m)};
    const bool targets =
        cJSON_GetObjectItemCaseSensitive(s, keys[2]) != NULL || cJSON_GetObjectItemCaseSensitive(s, keys[3]) != NULL;
    if (targets && m->loss != HONE_LOSS_MSE) {
        st = fail(L, err, HONE_ERR_FORMAT, "hone.standardize: target statistics for a model whose loss is not mse");
        goto done;
    }
    for (int k = 0; k < (targets ? 4 : 2); k++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(s, keys[k]);
        int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
        if (n != count[k]) {
            st = n < 0 ? fail(L, err, HONE_ERR_FORMAT, "hone.standardize: '%s' is not an array", keys[k])
                       : fail(L, err, HONE_ERR_FORMAT, "hone.standardize: '%s' has %d values, expected %d", keys[k], n,
                              count[k]);
            goto done;
        }
        int j = 0;
        for (const cJSON *x = a->child; x; x = x->next, j++) {
            hone_real v = 0;
            if (!cJSON_IsNumber(x) || !to_real(x->valuedouble, &v) || (k % 2 == 1 && !(v > 0))) {
                st = fail(L, err, HONE_ERR_FORMAT, "hone.standardize: %s[%d] must be a finite%s number", keys[k], j,
                          k % 2 ? ", positive" : "");
                goto done;
            }
            dest[k][j] = v;
        }
    }
done:
    cJSON_Delete(s);
    return st;
}

/* hone.image into the model's image_height and image_width: two integers of at least 1 whose
 * product is the inputs; absent (a model not trained on images, or an older hone's file) means
 * 0 and 0, unknown. */
static hone_status parse_image(loader *L, hone_error *err) {
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(L->meta, "hone.image");
    if (!text) return HONE_OK;
    cJSON *image = parse_json(text->valuestring, strlen(text->valuestring));
    hone_status st = HONE_OK;
    uint64_t height, width;
    if (!image || !cJSON_IsObject(image))
        st = fail(L, err, HONE_ERR_FORMAT, "hone.image is not %s", image ? "a JSON object" : "valid JSON");
    else if (!json_integer(cJSON_GetObjectItemCaseSensitive(image, "height"), 1, HONE_MAX_UNITS, &height) ||
             !json_integer(cJSON_GetObjectItemCaseSensitive(image, "width"), 1, HONE_MAX_UNITS, &width))
        st = fail(L, err, HONE_ERR_FORMAT, "hone.image: 'height' and 'width' must be integers in [1, %d]",
                  HONE_MAX_UNITS);
    else if (height * width != (uint64_t)L->inputs)
        st = fail(L, err, HONE_ERR_FORMAT, "hone.image: images of %llu x %llu pixels (height x width) are not the "
                  "model's %d inputs", (unsigned long long)height, (unsigned long long)width, L->inputs);
    else {
        L->model->image_height = (int)height;
        L->model->image_width = (int)width;
    }
    cJSON_Delete(image);
    return st;
}

/* Reads each tensor's bytes (the header said where) into the parameters, the buffers, the
 * batch count or an extra's values; values are checked as they come: finite and representable,
 * variances not negative, integers not negative. */
static hone_status read_tensors(loader *L, tensor **order, hone_error *err) {
    unsigned char *buf = honeM_alloc(CHUNK, 1);
    if (!buf) return fail_nomem(L, err);
    hone_status st = HONE_OK;
    for (int i = 0; i < L->n_order && !st; i++) {
        const tensor *t = order[i];
        const size_t size = (size_t)dtype_sizes[t->stored];
        const bool extra = t->from == FROM_EXTRA;
        uint64_t *ints = extra && t->integer ? L->extras[t->extra].values : NULL;
        hone_real *dest = t->from == FROM_PARAMS    ? L->model->params + t->offset
                          : t->from == FROM_BUFFERS ? L->model->buffers + t->offset
                          : extra && !ints          ? (hone_real *)L->extras[t->extra].values
                                                    : NULL;
        if (fseeko(L->f, (off_t)(8 + L->header_len + t->begin), SEEK_SET) != 0) {
            st = fail(L, err, HONE_ERR_IO, "cannot seek to tensor '%s': %s", t->name, strerror(errno));
            break;
        }
        for (size_t done = 0; done < t->count && !st;) {
            size_t n = t->count - done < CHUNK / size ? t->count - done : CHUNK / size;
            if (fread(buf, size, n, L->f) != n) {
                st = fail(L, err, ferror(L->f) ? HONE_ERR_IO : HONE_ERR_FORMAT, "cannot read tensor '%s': %s", t->name,
                          ferror(L->f) ? strerror(errno) : "unexpected end of file");
                break;
            }
            for (size_t k = 0; k < n; k++) {
                const unsigned char *p = buf + k * size;
                if (t->stored == DT_I64) { /* num_batches_tracked: only the first layer's is kept */
                    uint64_t u = get_u64le(p);
                    if (u >> 63) {
                        st = extra ? fail(L, err, HONE_ERR_FORMAT, "tensor '%s' holds a negative value at index %zu",
                                          t->name, done + k)
                                   : fail(L, err, HONE_ERR_FORMAT, "tensor '%s' holds a negative count", t->name);
                        break;
                    }
                    if (ints) ints[done + k] = u;
                    else if (t == &L->tensors[L->first_count]) L->model->bn_batches = u;
                    continue;
                }
                double v;
                if (t->stored == DT_F64) {
                    uint64_t u = get_u64le(p);
                    memcpy(&v, &u, 8);
                } else {
                    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                    float f;
                    memcpy(&f, &u, 4);
                    v = f;
                }
                if (!to_real(v, &dest[done + k])) {
                    st = fail(L, err, HONE_ERR_FORMAT, "tensor '%s' holds %s at index %zu", t->name,
                              isfinite(v) ? "a value too large for " HONE_REAL_NAME : "a non-finite value", done + k);
                    break;
                }
                if (t->variance && v < 0) {
                    st = fail(L, err, HONE_ERR_FORMAT, "tensor '%s' holds a negative variance at index %zu", t->name,
                              done + k);
                    break;
                }
            }
            done += n;
        }
    }
    honeM_free(buf);
    return st;
}

/* The model made from the specs has the layout the table was built for (the same counting
 * functions made both; this guards the two from drifting), and the settings specs lack. */
static hone_status adopt_layers(loader *L, hone_error *err) {
    hone_model *m = L->model;
    for (int l = 0; l < L->n_layers; l++) {
        const hone_layer *want = &L->layers[l];
        hone_layer *got = &m->layers[l];
        if (got->kind != want->kind || got->in != want->in || got->out != want->out || got->bias != want->bias ||
            got->param_offset != want->param_offset || got->n_params != want->n_params ||
            got->buffer_offset != want->buffer_offset || got->n_buffers != want->n_buffers)
            return fail(L, err, HONE_ERR_FORMAT, "internal error: layer %d of the model does not match its tensors", l);
        got->eps = want->eps;
        /* a spec's alpha of 0 means "the default 0.01" to hone_model_create, but a file's 0 is a
         * slope of 0: take the file's value as it is */
        if (got->kind == HONE_LAYER_LEAKY_RELU) got->alpha = L->specs[l].alpha;
    }
    return HONE_OK;
}

static hone_status load(loader *L, hone_error *err) {
    hone_status st;
    if ((st = read_header(L, err)) || (st = parse_header(L, err)) || (st = verify_metadata(L, err)) ||
        (st = verify_data(L, err)) || (st = parse_architecture(L, err)))
        return st;
    tensor **order = honeM_alloc((size_t)L->n_tensors, sizeof *order);
    if (!order) return fail_nomem(L, err);
    if ((st = check_tensors(L, order, err))) goto done;
    /* Everything the header says is consistent, and the tensors account for the file's bytes, so
     * the model's size is now bounded by the file's: safe to allocate. */
    if ((st = hone_model_create(&L->model, L->inputs, L->specs, L->n_layers, L->loss, err))) {
        st = honeE_prefix(err, st == HONE_ERR_NOMEM ? HONE_ERR_NOMEM : HONE_ERR_FORMAT, L->path);
        goto done;
    }
    L->model->checksums = L->checksums;
    if ((st = adopt_layers(L, err)) || (st = parse_standardize(L, err)) || (st = parse_image(L, err))) goto done;
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(L->meta, "hone.config");
    if (config && !(L->model->config_json = honeM_strdup(config->valuestring))) {
        st = fail_nomem(L, err);
        goto done;
    }
    for (int i = 0; i < L->n_extras; i++) { /* bounded by the file's size too */
        const tensor *t = &L->tensors[L->n_model + i];
        honeS_tensor *x = &L->extras[i];
        if (!t->seen) continue;
        if (!(x->values = honeM_alloc(t->count, t->integer ? sizeof(uint64_t) : sizeof(hone_real)))) {
            st = fail_nomem(L, err);
            goto done;
        }
        x->present = true;
        for (int d = 0; d < t->rank; d++) x->shape[d] = t->shape[d];
    }
    st = read_tensors(L, order, err);
done:
    honeM_free(order);
    return st;
}

hone_status hone_model_read_config(const char *path, char **config, hone_error *err) {
    *config = NULL;
    loader L = {.path = path, .meta_key = HONES_CHECKPOINT_KEY}; /* a checkpoint is read too */
    hone_status st = read_header(&L, err);
    if (!st) st = parse_header(&L, err);
    if (!st) st = verify_metadata(&L, err); /* the config is metadata */
    const cJSON *item = st ? NULL : cJSON_GetObjectItemCaseSensitive(L.meta, "hone.config");
    if (item && !(*config = honeM_strdup(item->valuestring))) st = fail_nomem(&L, err);
    if (L.f) fclose(L.f);
    cJSON_Delete(L.root);
    honeM_free(L.header);
    return st;
}

hone_status hone_model_load(hone_model **out, const char *path, hone_error *err) {
    return honeS_load(out, path, NULL, 0, NULL, NULL, err);
}

hone_status honeS_load(hone_model **out, const char *path, honeS_tensor *extras, int n_extras, const char *meta_key,
                       char **meta_value, hone_error *err) {
    *out = NULL;
    if (meta_value) *meta_value = NULL;
    for (int i = 0; i < n_extras; i++) {
        extras[i].values = NULL;
        extras[i].present = false;
    }
    loader L = {.path = path, .extras = extras, .n_extras = n_extras, .meta_key = meta_key};
    hone_status st = load(&L, err);
    if (!st && meta_key && meta_value) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(L.meta, meta_key);
        if (item && !(*meta_value = honeM_strdup(item->valuestring))) st = fail_nomem(&L, err);
    }
    if (st)
        for (int i = 0; i < n_extras; i++) {
            honeM_free(extras[i].values);
            extras[i].values = NULL;
            extras[i].present = false;
        }
    if (L.f) fclose(L.f);
    cJSON_Delete(L.root);
    honeM_free(L.header);
    honeM_free(L.specs);
    honeM_free(L.layers);
    honeM_free(L.first_tensor);
    honeM_free(L.tensors);
    honeM_free(L.by_name);
    if (st) hone_model_free(L.model);
    else *out = L.model;
    return st;
}

/* The settings of one layer kind that are a single number, each compared as honeS_compare says:
 * "layer 3 (leaky_relu) has slope 0.2 in the file, 0.1 in this model". Dropout keep probability
 * and batch norm momentum change nothing at inference, so a model's weights may be loaded into
 * one that trains with other values; a checkpoint resumes training and compares them too. */
static const struct {
    hone_layer_kind kind;
    const char *name;
    size_t offset; /* of the float in hone_layer */
    bool training; /* acts only in training */
} layer_settings[] = {
    {HONE_LAYER_LEAKY_RELU, "slope", offsetof(hone_layer, alpha), false},
    {HONE_LAYER_DROPOUT, "keep probability", offsetof(hone_layer, keep_prob), true},
    {HONE_LAYER_BATCHNORM, "momentum", offsetof(hone_layer, momentum), true},
    {HONE_LAYER_BATCHNORM, "eps", offsetof(hone_layer, eps), false},
};

static float layer_setting(const hone_layer *layer, size_t offset) {
    return *(const float *)((const char *)layer + offset);
}

bool honeS_architecture_differs(const hone_model *stored, const hone_model *m, const honeS_compare *how, char *what,
                                size_t cap) {
    const char *src = how->source, *noun = how->noun;
    if (stored->inputs != m->inputs)
        return snprintf(what, cap, "the %s's %s has %d inputs, this %s %d", src, noun, stored->inputs, noun, m->inputs),
               true;
    if (stored->n_layers != m->n_layers)
        return snprintf(what, cap, "the %s's %s has %d layers, this %s %d", src, noun, stored->n_layers, noun,
                        m->n_layers),
               true;
    for (int l = 0; l < m->n_layers; l++) {
        const hone_layer *a = &stored->layers[l], *b = &m->layers[l];
        const char *kind = hone_layer_kind_name(a->kind);
        if (a->kind != b->kind)
            return snprintf(what, cap, "layer %d is %s in the %s, %s in this %s", l, kind, src,
                            hone_layer_kind_name(b->kind), noun),
                   true;
        if (a->out != b->out)
            return snprintf(what, cap, "layer %d (%s) has %d units in the %s, %d in this %s", l, kind, a->out, src,
                            b->out, noun),
                   true;
        if (a->kind == HONE_LAYER_DENSE && a->bias != b->bias)
            return snprintf(what, cap, "layer %d (dense) has %s in the %s, %s in this %s", l,
                            a->bias ? "a bias" : "no bias", src, b->bias ? "a bias" : "none", noun),
                   true;
        if (a->kind == HONE_LAYER_ADD && a->skip != b->skip)
            return snprintf(what, cap, "layer %d (add) adds the output of layer %d in the %s, of layer %d in this %s", l,
                            a->skip, src, b->skip, noun),
                   true;
        for (size_t i = 0; i < sizeof layer_settings / sizeof *layer_settings; i++) {
            if (layer_settings[i].kind != a->kind || (layer_settings[i].training && !how->training)) continue;
            const float x = layer_setting(a, layer_settings[i].offset), y = layer_setting(b, layer_settings[i].offset);
            if (x != y)
                return snprintf(what, cap, "layer %d (%s) has %s %g in the %s, %g in this %s", l, kind,
                                layer_settings[i].name, (double)x, src, (double)y, noun),
                       true;
        }
    }
    if (stored->loss != m->loss)
        return snprintf(what, cap, "the loss is %s in the %s, %s in this %s", hone_loss_kind_name(stored->loss), src,
                        hone_loss_kind_name(m->loss), noun),
               true;
    return false;
}

void honeS_copy_standardization(hone_model *to, const hone_model *from) {
    const size_t O = (size_t)hone_model_outputs(to);
    to->image_height = from->image_height;
    to->image_width = from->image_width;
    memcpy(to->input_mean, from->input_mean, (size_t)to->inputs * sizeof *to->input_mean);
    memcpy(to->input_std, from->input_std, (size_t)to->inputs * sizeof *to->input_std);
    memcpy(to->target_mean, from->target_mean, O * sizeof *to->target_mean);
    memcpy(to->target_std, from->target_std, O * sizeof *to->target_std);
}

hone_status hone_model_load_weights(hone_model *m, const char *path, hone_error *err) {
    hone_model *file;
    hone_status st = hone_model_load(&file, path, err);
    if (st) return st;
    char what[300];
    const honeS_compare how = {"file", "model", false}; /* keep_prob and momentum stay the model's own */
    if (honeS_architecture_differs(file, m, &how, what, sizeof what)) {
        hone_model_free(file);
        return honeE_set(err, HONE_ERR_VALUE, "%s: architecture differs: %s", path, what);
    }
    /* the same architecture: the same parameter and buffer counts */
    memcpy(m->params, file->params, m->n_params * sizeof *m->params);
    memcpy(m->buffers, file->buffers, m->n_buffers * sizeof *m->buffers);
    m->bn_batches = file->bn_batches;
    honeS_copy_standardization(m, file);
    hone_model_free(file);
    return HONE_OK;
}
