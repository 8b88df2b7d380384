/* test_model_io.c - model files: round trips, the safetensors layout PyTorch expects, a file
 * written by PyTorch, atomic saving, and a long list of broken files that must each give a clean
 * error naming the file (never a crash, a hang or a huge allocation). */
#define _DEFAULT_SOURCE
#include "harness.h"
#include "model/storage.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))
/* Layer specs by field name (the struct grows: dropout, batch norm and bias settings). */
#define DENSE(n) {.kind = HONE_LAYER_DENSE, .units = (n)}
#define LEAKY(a) {.kind = HONE_LAYER_LEAKY_RELU, .alpha = (a)}

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

/* A model of the given layers with random weights, statistics and a config. */
static hone_model *random_model(int inputs, const hone_layer_spec *specs, int n, hone_loss_kind loss,
                                uint64_t seed, const char *config) {
    hone_model *m;
    hone_error err = {0};
    if (hone_model_create(&m, inputs, specs, n, loss, &err)) fail_msg("%s", err.message);
    hone_rng rng;
    hone_rng_seed(&rng, seed);
    th_fill_uniform(m->params, m->n_params, &rng, -1, 1);
    th_fill_uniform(m->input_mean, (size_t)inputs, &rng, -100, 100);
    th_fill_uniform(m->input_std, (size_t)inputs, &rng, 0.01, 50);
    /* batch norm running statistics: any mean, a positive variance; a batch count */
    for (int l = 0; l < n; l++) {
        const hone_layer *layer = &m->layers[l];
        th_fill_uniform(m->buffers + layer->buffer_offset, layer->n_buffers / 2, &rng, -3, 3);
        th_fill_uniform(m->buffers + layer->buffer_offset + layer->n_buffers / 2, layer->n_buffers / 2, &rng, 0.05, 4);
    }
    if (m->n_buffers) m->bn_batches = hone_rng_next(&rng) >> 40; /* stored only with batch norm */
    if (config) m->config_json = honeM_strdup(config);
    return m;
}

static hone_model *small_mlp(uint64_t seed) {
    const hone_layer_spec specs[] = {DENSE(7), {.kind = HONE_LAYER_RELU}, DENSE(5), {.kind = HONE_LAYER_RELU},
                                     DENSE(3)};
    return random_model(6, specs, COUNT(specs), HONE_LOSS_SOFTMAX_CE, seed, "{\"epochs\": 3, \"lr\": 0.1}");
}

static void save_ok(const hone_model *m, const char *path) {
    hone_error err = {0};
    if (hone_model_save(m, path, &err)) fail_msg("save %s: %s", path, err.message);
}

static hone_model *load_ok(const char *path) {
    hone_model *m = NULL;
    hone_error err = {0};
    if (hone_model_load(&m, path, &err)) fail_msg("load %s: %s", path, err.message);
    assert_non_null(m);
    return m;
}

/* Same architecture and layer settings, and every parameter, buffer, statistic and the config
 * bit for bit. */
static void assert_models_equal(const hone_model *a, const hone_model *b) {
    assert_int_equal(a->inputs, b->inputs);
    assert_int_equal(a->n_layers, b->n_layers);
    assert_int_equal(a->loss, b->loss);
    for (int l = 0; l < a->n_layers; l++) {
        const hone_layer *x = &a->layers[l], *y = &b->layers[l];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->in, y->in);
        assert_int_equal(x->out, y->out);
        assert_int_equal(x->bias, y->bias);
        if (x->kind == HONE_LAYER_LEAKY_RELU) assert_memory_equal(&x->alpha, &y->alpha, sizeof(float));
        if (x->kind == HONE_LAYER_ADD) assert_int_equal(x->skip, y->skip);
        if (x->kind == HONE_LAYER_DROPOUT) assert_memory_equal(&x->keep_prob, &y->keep_prob, sizeof(float));
        if (x->kind == HONE_LAYER_BATCHNORM) {
            assert_memory_equal(&x->momentum, &y->momentum, sizeof(float));
            assert_memory_equal(&x->eps, &y->eps, sizeof(float));
        }
    }
    assert_int_equal(a->n_params, b->n_params);
    assert_memory_equal(a->params, b->params, a->n_params * sizeof(hone_real));
    assert_int_equal(a->n_buffers, b->n_buffers);
    assert_memory_equal(a->buffers, b->buffers, a->n_buffers * sizeof(hone_real));
    assert_true(a->bn_batches == b->bn_batches);
    assert_memory_equal(a->input_mean, b->input_mean, (size_t)a->inputs * sizeof(hone_real));
    assert_memory_equal(a->input_std, b->input_std, (size_t)a->inputs * sizeof(hone_real));
    const size_t O = (size_t)hone_model_outputs(a);
    assert_memory_equal(a->target_mean, b->target_mean, O * sizeof(hone_real));
    assert_memory_equal(a->target_std, b->target_std, O * sizeof(hone_real));
    assert_int_equal(a->image_height, b->image_height);
    assert_int_equal(a->image_width, b->image_width);
    if (a->config_json || b->config_json) {
        assert_non_null(a->config_json);
        assert_non_null(b->config_json);
        assert_string_equal(a->config_json, b->config_json);
    }
}

/* The load fails with code, leaves *out NULL, and the message starts with the path and
 * contains needle. */
static void expect_fail(const char *path, hone_status code, const char *needle) {
    hone_model *m = (hone_model *)&m; /* must be overwritten with NULL */
    hone_error err = {0};
    hone_status st = hone_model_load(&m, path, &err);
    if (st != code || m != NULL || err.code != code || strncmp(err.message, path, strlen(path)) != 0 ||
        strncmp(err.message + strlen(path), ": ", 2) != 0 || !strstr(err.message, needle))
        fail_msg("load %s: status %d, message '%s'; expected status %d with '%s'", path, (int)st, err.message,
                 (int)code, needle);
    if (getenv("HONE_TEST_VERBOSE")) print_message("%s\n", err.message);
}

/* The file at path still holds the n bytes it held (a save refused or failed left it as it was). */
static void assert_file_holds(const char *path, const unsigned char *bytes, size_t n) {
    size_t now;
    unsigned char *held = th_read(path, &now);
    assert_int_equal(now, n);
    assert_memory_equal(held, bytes, n);
    free(held);
}

/* No "<base>.tmp.*" file in dir. */
static void assert_no_temporary(const char *dir, const char *base) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s.tmp.", base);
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            closedir(d);
            fail_msg("temporary file %s/%s left behind", dir, e->d_name);
        }
    closedir(d);
}

static char *copy(const char *s) {
    char *c = strdup(s);
    assert_non_null(c);
    return c;
}

static uint64_t u64le(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * Round trips
 * ------------------------------------------------------------------------------------------- */

static void test_round_trip_mlp(void **state) {
    hone_model *m = small_mlp(1);
    char *path = copy(th_path("mlp.safetensors"));
    save_ok(m, path);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r);

    /* the same predictions, bit for bit */
    enum { B = 9 };
    hone_real X[B * 6], P1[B * 3], P2[B * 3];
    hone_rng rng;
    hone_rng_seed(&rng, 7);
    th_fill_uniform(X, COUNT(X), &rng, -3, 3);
    hone_error err = {0};
    assert_int_equal(hone_model_reserve(m, B, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(r, B, &err), HONE_OK);
    assert_int_equal(hone_model_predict(m, X, B, P1, NULL, NULL), HONE_OK);
    assert_int_equal(hone_model_predict(r, X, B, P2, NULL, NULL), HONE_OK);
    assert_memory_equal(P1, P2, sizeof P1);

    /* saving over an existing file replaces it */
    hone_model *m2 = small_mlp(2);
    save_ok(m2, path);
    hone_model *r2 = load_ok(path);
    assert_models_equal(m2, r2);
    hone_model_free(m);
    hone_model_free(r);
    hone_model_free(m2);
    hone_model_free(r2);
    free(path);
}

/* The training configuration read from a file's header alone: a model's, none from a model that
 * keeps none, and the header's own errors for a file that is no safetensors file. */
static void test_read_config(void **state) {
    hone_model *m = small_mlp(3);
    char *path = copy(th_path("config.safetensors"));
    save_ok(m, path);
    char *config = NULL;
    hone_error err = {0};
    assert_int_equal(hone_model_read_config(path, &config, &err), HONE_OK);
    assert_non_null(config);
    assert_string_equal(config, m->config_json);
    free(config);
    honeM_free(m->config_json);
    m->config_json = NULL;
    save_ok(m, path);
    assert_int_equal(hone_model_read_config(path, &config, &err), HONE_OK);
    assert_null(config);
    const char *text = th_write_text("not-safetensors.txt", "hello");
    assert_int_equal(hone_model_read_config(text, &config, &err), HONE_ERR_FORMAT);
    assert_null(config);
    assert_non_null(strstr(err.message, "not-safetensors.txt"));
    hone_model_free(m);
    free(path);
}

/* No path (NULL or empty) is a caller's mistake refused as save refuses it: it was open(NULL),
 * undefined, which glibc answered "(null): cannot open: Bad address". */
static void test_load_without_a_path(void **state) {
    hone_model *m = small_mlp(3);
    const hone_real before = m->params[0];
    for (int i = 0; i < 2; i++) {
        const char *path = i ? "" : NULL;
        hone_error err = {0};
        hone_model *r = (hone_model *)&r; /* must be overwritten with NULL */
        assert_int_equal(hone_model_load(&r, path, &err), HONE_ERR_VALUE);
        assert_null(r);
        assert_string_equal(err.message, "not read: the path is empty");
        assert_int_equal(hone_model_load_weights(m, path, &err), HONE_ERR_VALUE);
        assert_string_equal(err.message, "not read: the path is empty");
        assert_true(m->params[0] == before);
        char *config = (char *)&config;
        assert_int_equal(hone_model_read_config(path, &config, &err), HONE_ERR_VALUE);
        assert_null(config);
        assert_string_equal(err.message, "not read: the path is empty");
    }
    hone_model_free(m);
}

static void test_round_trip_every_kind_and_loss(void **state) {
    const hone_loss_kind losses[] = {HONE_LOSS_SOFTMAX_CE, HONE_LOSS_SIGMOID_CE, HONE_LOSS_MSE};
    const char *configs[] = {NULL, "{\"note\": \"a \\\"quote\\\", a \\\\ backslash, a tab\\t, \xc3\xa9t\xc3\xa9\"}",
                             "{\"lr\": 0.001, \"layers\": [512, 256]}\n"};
    for (size_t k = 0; k < COUNT(losses); k++) {
        const hone_layer_spec specs[] = {
            DENSE(4),                        LEAKY(0.123456789f),
            DENSE(5),                        {.kind = HONE_LAYER_TANH},
            {.kind = HONE_LAYER_SIGMOID},    DENSE(3),
            {.kind = HONE_LAYER_LEAKY_RELU}, {.kind = HONE_LAYER_IDENTITY},
            {.kind = HONE_LAYER_RELU},       DENSE(k == 1 ? 1 : 2)};
        hone_model *m = random_model(3, specs, COUNT(specs), losses[k], 10 + k, configs[k]);
        char name[64];
        snprintf(name, sizeof name, "kinds-%s.safetensors", hone_loss_kind_name(losses[k]));
        char *path = copy(th_path(name));
        save_ok(m, path);
        hone_model *r = load_ok(path);
        assert_models_equal(m, r);
        if (!configs[k]) assert_null(r->config_json);
        hone_model_free(m);
        hone_model_free(r);
        free(path);
    }
}

/* Statistics of every magnitude (subnormals, the largest finite values, -0) and weights as
 * random bit patterns come back bit for bit. */
static void test_round_trip_extreme_values(void **state) {
    const hone_layer_spec specs[] = {DENSE(3), LEAKY(0.2f), DENSE(2)};
    enum { D = 3000 };
    hone_model *m = random_model(D, specs, 3, HONE_LOSS_MSE, 21, NULL);
    hone_rng rng;
    hone_rng_seed(&rng, 22);
    /* random finite bit patterns: every exponent, subnormals included */
    for (size_t i = 0; i < m->n_params + 2 * D; i++) {
        hone_real v;
        do {
            uint64_t bits = hone_rng_next(&rng);
            if (TH_DOUBLE) memcpy(&v, &bits, sizeof v);
            else {
                uint32_t b32 = (uint32_t)bits;
                memcpy(&v, &b32, sizeof v);
            }
        } while (!isfinite(v) || (i >= m->n_params + D && !(v > 0) && !(v < 0)));
        if (i < m->n_params) m->params[i] = v;
        else if (i < m->n_params + D) m->input_mean[i - m->n_params] = v;
        else m->input_std[i - m->n_params - D] = v < 0 ? -v : v;
    }
    const hone_real extremes[] = {TH_DOUBLE ? DBL_MAX : FLT_MAX, TH_DOUBLE ? DBL_MIN : FLT_MIN,
                                  TH_DOUBLE ? DBL_TRUE_MIN : FLT_TRUE_MIN, (hone_real)0.1, (hone_real)1 / 3};
    for (size_t i = 0; i < COUNT(extremes); i++) {
        m->input_std[i] = extremes[i];
        m->input_mean[i] = -extremes[i];
    }
    m->input_mean[COUNT(extremes)] = (hone_real)-0.0;
    const char *path = th_path("extreme.safetensors");
    save_ok(m, path);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r);
    assert_true(signbit(r->input_mean[COUNT(extremes)]));
    hone_model_free(m);
    hone_model_free(r);
}

/* The header names tensors as torch's nn.Sequential state_dict and carries hone's metadata. */
static void test_header_layout(void **state) {
    hone_model *m = small_mlp(3);
    const char *path = th_path("layout.safetensors");
    save_ok(m, path);
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    assert_true(size >= 8);
    uint64_t n = u64le(bytes);
    assert_int_equal(n % 8, 0);
    assert_int_equal(size, 8 + n + m->n_params * sizeof(hone_real));
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, n);
    assert_non_null(h);
    assert_true(cJSON_IsObject(h));
    const char *dtype = TH_DOUBLE ? "F64" : "F32";
    /* layers 0, 2, 4 are dense; 1 and 3 (ReLU) have no tensors */
    const int dense[] = {0, 2, 4};
    int tensors = 0;
    for (const cJSON *e = h->child; e; e = e->next) tensors += strcmp(e->string, "__metadata__") != 0;
    assert_int_equal(tensors, 6);
    for (size_t i = 0; i < COUNT(dense); i++) {
        const hone_layer *layer = &m->layers[dense[i]];
        for (int bias = 0; bias < 2; bias++) {
            char name[32];
            snprintf(name, sizeof name, "%d.%s", dense[i], bias ? "bias" : "weight");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, name);
            if (!t) fail_msg("no tensor %s", name);
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "dtype")->valuestring, dtype);
            const cJSON *shape = cJSON_GetObjectItemCaseSensitive(t, "shape");
            assert_int_equal(cJSON_GetArraySize(shape), bias ? 1 : 2);
            assert_int_equal(cJSON_GetArrayItem(shape, 0)->valueint, layer->out);
            if (!bias) assert_int_equal(cJSON_GetArrayItem(shape, 1)->valueint, layer->in);
            const cJSON *off = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
            size_t begin = (size_t)cJSON_GetArrayItem(off, 0)->valuedouble;
            size_t end = (size_t)cJSON_GetArrayItem(off, 1)->valuedouble;
            size_t first = layer->param_offset + (bias ? (size_t)layer->out * layer->in : 0);
            assert_int_equal(begin, first * sizeof(hone_real));
            assert_int_equal(end - begin, (bias ? 1 : (size_t)layer->in) * layer->out * sizeof(hone_real));
            /* the bytes are the parameters, little-endian (the host is, on every CI machine) */
            assert_memory_equal(bytes + 8 + n + begin, m->params + first, end - begin);
        }
    }
    assert_null(cJSON_GetObjectItemCaseSensitive(h, "1.weight"));
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(h, "__metadata__");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(meta, "format")->valuestring, "pt");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(meta, "hone.format_version")->valuestring, "1");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(meta, "hone.config")->valuestring, m->config_json);
    cJSON *arch = cJSON_Parse(cJSON_GetObjectItemCaseSensitive(meta, "hone.architecture")->valuestring);
    assert_non_null(arch);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(arch, "inputs")->valueint, 6);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(arch, "loss")->valuestring, "softmax_ce");
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(arch, "layers");
    assert_int_equal(cJSON_GetArraySize(layers), 5);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, 0), "kind")->valuestring, "dense");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, 0), "units")->valueint, 7);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, 1), "kind")->valuestring, "relu");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, 4), "units")->valueint, 3);
    cJSON *stdz = cJSON_Parse(cJSON_GetObjectItemCaseSensitive(meta, "hone.standardize")->valuestring);
    assert_non_null(stdz);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(stdz, "mean")), 6);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(stdz, "std")), 6);
    for (int j = 0; j < 6; j++) {
        assert_true((hone_real)cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(stdz, "mean"), j)->valuedouble ==
                    m->input_mean[j]);
        assert_true((hone_real)cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(stdz, "std"), j)->valuedouble ==
                    m->input_std[j]);
    }
    /* padding: spaces after the JSON */
    assert_true(bytes[8 + n - 1] == '}' || bytes[8 + n - 1] == ' ');
    cJSON_Delete(stdz);
    cJSON_Delete(arch);
    cJSON_Delete(h);
    free(bytes);

    /* the header is padded to 8 bytes whatever its length (a config one character longer each
     * time), and a config's control characters are JSON escapes: raw, they are not JSON, which
     * other readers refuse */
    free(m->config_json);
    char *again = copy(th_path("layout-config.safetensors"));
    for (int extra = 0; extra < 8; extra++) {
        char config[32] = "{\"a\": \"\x01\x1f";
        for (int k = 0; k < extra; k++) strcat(config, "x");
        strcat(config, "\"}");
        m->config_json = config;
        save_ok(m, again);
        bytes = th_read(again, &size);
        n = u64le(bytes);
        assert_int_equal(n % 8, 0);
        bool escaped = false;
        for (size_t i = 8; i + 12 <= 8 + n && !escaped; i++) escaped = memcmp(bytes + i, "\\u0001\\u001f", 12) == 0;
        assert_true(escaped);
        assert_true(bytes[8 + n - 1] == '}' || bytes[8 + n - 1] == ' ');
        free(bytes);
        hone_model *r = load_ok(again);
        assert_string_equal(r->config_json, config);
        hone_model_free(r);
    }
    free(again);
    m->config_json = NULL;
    hone_model_free(m);
}

/* The saved file gets the permissions the umask allows, not mkstemp's 0600. */
static void test_file_mode_follows_umask(void **state) {
    hone_model *m = small_mlp(4);
    const char *path = th_path("mode.safetensors");
    mode_t old = umask(022);
    save_ok(m, path);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    hone_model_free(m);
}

/* A file replaced keeps its permissions; a FIFO (or a device such as /dev/null) is written in
 * place, not replaced by a regular file renamed over it, and gets the bytes a file would. */
static void test_replaced_file_and_fifo(void **state) {
    hone_model *m = small_mlp(4);
    const char *path = th_path("private.safetensors");
    save_ok(m, path);
    assert_int_equal(chmod(path, 0600), 0);
    save_ok(m, path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t n_file;
    unsigned char *file = th_read(path, &n_file);
    assert_true(n_file < 65536); /* fits in the pipe's buffer: the save never waits for the reader */
    const char *fifo = th_path("model.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const int reader = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open returns */
    assert_true(reader >= 0);
    save_ok(m, fifo);
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    unsigned char *piped = malloc(n_file + 1);
    size_t got = 0;
    for (ssize_t r; got <= n_file && (r = read(reader, piped + got, n_file + 1 - got)) > 0;) got += (size_t)r;
    assert_int_equal(got, n_file);
    assert_memory_equal(piped, file, n_file);
    close(reader);
    free(piped);
    free(file);
    hone_model_free(m);
}

/* The directory a rename is synced in: "." for a bare name, "/" for a name in the root, the part
 * before the last slash otherwise; a directory that is missing or a file, or no memory for its
 * name, is reported as not synced. Catches a directory taken wrongly from the path. */
static void test_sync_directory_of_each_path_form(void **state) {
    assert_true(honeC_sync_directory("model.safetensors"));
    assert_true(honeC_sync_directory("/model.safetensors"));
    assert_true(honeC_sync_directory(th_path("model.safetensors")));
    assert_false(honeC_sync_directory(th_path("no-such-folder/model.safetensors")));
    const char *file = th_write_text("plain-file", "not a folder");
    char inside[4096];
    snprintf(inside, sizeof inside, "%s/model.safetensors", file);
    assert_false(honeC_sync_directory(inside));
    honeM_fail_after(0);
    assert_false(honeC_sync_directory(th_path("model.safetensors")));
    honeM_fail_after(-1);
}

static void test_load_weights(void **state) {
    hone_model *a = small_mlp(5);
    const char *path = th_path("weights.safetensors");
    save_ok(a, path);
    hone_model *b = small_mlp(6);
    honeM_free(b->config_json);
    b->config_json = honeM_strdup("{\"mine\": true}");
    hone_error err = {0};
    assert_int_equal(hone_model_load_weights(b, path, &err), HONE_OK);
    assert_memory_equal(a->params, b->params, a->n_params * sizeof(hone_real));
    assert_memory_equal(a->input_mean, b->input_mean, (size_t)a->inputs * sizeof(hone_real));
    assert_memory_equal(a->input_std, b->input_std, (size_t)a->inputs * sizeof(hone_real));
    assert_string_equal(b->config_json, "{\"mine\": true}");
    hone_model_free(a);
    hone_model_free(b);
}

static void test_load_weights_other_architecture(void **state) {
    hone_model *a = small_mlp(7);
    char *path = copy(th_path("other.safetensors"));
    save_ok(a, path);
    struct {
        int inputs;
        hone_layer_spec specs[5];
        int n;
        hone_loss_kind loss;
        const char *needle;
    } cases[] = {
        {6, {DENSE(7), {.kind = HONE_LAYER_RELU}, DENSE(6), {.kind = HONE_LAYER_RELU}, DENSE(3)},
         5, HONE_LOSS_SOFTMAX_CE, "layer 2 (dense) has 5 units in the file, 6 in this model"},
        {5, {DENSE(7), {.kind = HONE_LAYER_RELU}, DENSE(5), {.kind = HONE_LAYER_RELU}, DENSE(3)},
         5, HONE_LOSS_SOFTMAX_CE, "6 inputs, this model 5"},
        {6, {DENSE(7), {.kind = HONE_LAYER_TANH}, DENSE(5), {.kind = HONE_LAYER_RELU}, DENSE(3)},
         5, HONE_LOSS_SOFTMAX_CE, "layer 1 is relu in the file, tanh in this model"},
        {6, {DENSE(7), {.kind = HONE_LAYER_RELU}, DENSE(5), {.kind = HONE_LAYER_RELU}, DENSE(3)},
         5, HONE_LOSS_MSE, "the loss is softmax_ce in the file, mse in this model"},
        {6, {DENSE(7), {.kind = HONE_LAYER_RELU}, DENSE(3)}, 3, HONE_LOSS_SOFTMAX_CE,
         "has 5 layers, this model 3"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        hone_model *b = random_model(cases[i].inputs, cases[i].specs, cases[i].n, cases[i].loss, 100 + i, NULL);
        hone_model *before = random_model(cases[i].inputs, cases[i].specs, cases[i].n, cases[i].loss, 100 + i, NULL);
        hone_error err = {0};
        assert_int_equal(hone_model_load_weights(b, path, &err), HONE_ERR_VALUE);
        if (strncmp(err.message, path, strlen(path)) != 0 || !strstr(err.message, "architecture differs: ") ||
            !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: '%s', expected '%s'", i, err.message, cases[i].needle);
        assert_models_equal(b, before); /* untouched */
        hone_model_free(b);
        hone_model_free(before);
    }
    /* a broken file is reported as itself */
    hone_model *b = small_mlp(8);
    hone_error err = {0};
    assert_int_equal(hone_model_load_weights(b, th_write_text("junk.safetensors", "junk"), &err), HONE_ERR_FORMAT);
    hone_model_free(b);
    hone_model_free(a);
    free(path);
}

/* ---------------------------------------------------------------------------------------------
 * Dropout, batch norm and dense layers without a bias
 * ------------------------------------------------------------------------------------------- */

/* Every kind that has settings or state: input dropout, a dense layer without bias before a batch
 * norm with its own momentum, dropout, a second batch norm with its own eps, leaky ReLU. */
static hone_model *bn_model(uint64_t seed) {
    const hone_layer_spec specs[] = {
        {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.8f},
        {.kind = HONE_LAYER_DENSE, .units = 6, .no_bias = 1},
        {.kind = HONE_LAYER_BATCHNORM, .momentum = 0.05f},
        {.kind = HONE_LAYER_RELU},
        {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.3f},
        {.kind = HONE_LAYER_DENSE, .units = 4},
        {.kind = HONE_LAYER_BATCHNORM},
        LEAKY(0.2f),
        DENSE(3),
    };
    hone_model *m = random_model(5, specs, COUNT(specs), HONE_LOSS_SOFTMAX_CE, seed, "{\"batchnorm\": true}");
    m->layers[6].eps = 1e-3f;
    return m;
}

/* The tensor `name` of a parsed header: dtype, shape and its bytes in the file. */
static const unsigned char *header_tensor(const cJSON *h, const unsigned char *data, const char *name, const char *dtype,
                                          const int *shape, int rank, size_t *bytes) {
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, name);
    if (!t) fail_msg("no tensor %s", name);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "dtype")->valuestring, dtype);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "shape");
    if (cJSON_GetArraySize(s) != rank) fail_msg("tensor %s has rank %d, expected %d", name, cJSON_GetArraySize(s), rank);
    for (int d = 0; d < rank; d++) assert_int_equal(cJSON_GetArrayItem(s, d)->valueint, shape[d]);
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
    size_t begin = (size_t)cJSON_GetArrayItem(off, 0)->valuedouble;
    *bytes = (size_t)cJSON_GetArrayItem(off, 1)->valuedouble - begin;
    return data + begin;
}

static void test_round_trip_batchnorm_dropout(void **state) {
    hone_model *m = bn_model(40);
    assert_int_equal(m->layers[1].bias, 0);
    assert_true(m->bn_batches > 0);
    const char *path = th_path("bn.safetensors");
    save_ok(m, path);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r); /* params, buffers, bn_batches, bias, keep_prob, momentum, eps */
    assert_int_equal(r->layers[1].bias, 0);
    assert_int_equal(r->layers[5].bias, 1);
    assert_true(r->layers[0].keep_prob == 0.8f && r->layers[4].keep_prob == 0.3f);
    assert_true(r->layers[2].momentum == 0.05f && r->layers[6].momentum == 0.1f);
    assert_true(r->layers[2].eps == 1e-5f && r->layers[6].eps == 1e-3f);

    /* the same predictions at inference (every unit, running statistics), bit for bit */
    enum { B = 9 };
    hone_real X[B * 5], P1[B * 3], P2[B * 3];
    hone_rng rng;
    hone_rng_seed(&rng, 41);
    th_fill_uniform(X, COUNT(X), &rng, -3, 3);
    hone_error err = {0};
    assert_int_equal(hone_model_reserve(m, B, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(r, B, &err), HONE_OK);
    m->training = r->training = 0;
    assert_int_equal(hone_model_predict(m, X, B, P1, NULL, NULL), HONE_OK);
    assert_int_equal(hone_model_predict(r, X, B, P2, NULL, NULL), HONE_OK);
    assert_memory_equal(P1, P2, sizeof P1);

    /* the layout: torch's names, 1.bias absent, the count an I64 scalar */
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    uint64_t n = u64le(bytes);
    const unsigned char *data = bytes + 8 + n;
    assert_int_equal(size, 8 + n + (m->n_params + m->n_buffers) * sizeof(hone_real) + 2 * 8);
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, n);
    assert_non_null(h);
    const char *dt = TH_DOUBLE ? "F64" : "F32";
    const char *names[] = {"1.weight",       "2.weight",       "2.bias",         "2.running_mean", "2.running_var",
                           "2.num_batches_tracked", "5.weight", "5.bias",        "6.weight",       "6.bias",
                           "6.running_mean", "6.running_var",  "6.num_batches_tracked", "8.weight", "8.bias"};
    int tensors = 0;
    for (const cJSON *e = h->child; e; e = e->next) tensors += strcmp(e->string, "__metadata__") != 0;
    assert_int_equal(tensors, COUNT(names));
    for (size_t i = 0; i < COUNT(names); i++)
        if (!cJSON_GetObjectItemCaseSensitive(h, names[i])) fail_msg("no tensor %s", names[i]);
    size_t nb;
    const unsigned char *p = header_tensor(h, data, "1.weight", dt, (int[]){6, 5}, 2, &nb);
    assert_memory_equal(p, m->params + m->layers[1].param_offset, nb);
    assert_int_equal(nb, 30 * sizeof(hone_real));
    assert_null(cJSON_GetObjectItemCaseSensitive(h, "1.bias"));
    for (int k = 0; k < 2; k++) {
        const hone_layer *bn = &m->layers[k ? 6 : 2];
        const int O = bn->out, l = k ? 6 : 2;
        char name[40];
        static const char *const real[] = {"weight", "bias", "running_mean", "running_var"};
        for (int i = 0; i < 4; i++) {
            snprintf(name, sizeof name, "%d.%s", l, real[i]);
            p = header_tensor(h, data, name, dt, &O, 1, &nb);
            assert_int_equal(nb, (size_t)O * sizeof(hone_real));
            const hone_real *want = i < 2 ? m->params + bn->param_offset + (size_t)i * O
                                          : m->buffers + bn->buffer_offset + (size_t)(i - 2) * O;
            assert_memory_equal(p, want, nb);
        }
        snprintf(name, sizeof name, "%d.num_batches_tracked", l);
        p = header_tensor(h, data, name, "I64", NULL, 0, &nb);
        assert_int_equal(nb, 8);
        assert_true(u64le(p) == m->bn_batches);
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(h, "__metadata__");
    cJSON *arch = cJSON_Parse(cJSON_GetObjectItemCaseSensitive(meta, "hone.architecture")->valuestring);
    assert_non_null(arch);
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(arch, "layers");
#define LAYER_KEY(l, key) cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, l), key)
    assert_string_equal(LAYER_KEY(0, "kind")->valuestring, "dropout");
    assert_true((float)LAYER_KEY(0, "keep_prob")->valuedouble == 0.8f);
    assert_true(cJSON_IsFalse(LAYER_KEY(1, "bias")));
    assert_null(LAYER_KEY(5, "bias")); /* written only when false */
    assert_string_equal(LAYER_KEY(2, "kind")->valuestring, "batchnorm");
    assert_true((float)LAYER_KEY(2, "momentum")->valuedouble == 0.05f);
    assert_true((float)LAYER_KEY(2, "eps")->valuedouble == 1e-5f);
    assert_true((float)LAYER_KEY(6, "eps")->valuedouble == 1e-3f);
#undef LAYER_KEY
    cJSON_Delete(arch);
    cJSON_Delete(h);
    free(bytes);

    /* a variance of -0 is not negative, and a count of 0 comes back as 0 */
    m->buffers[m->layers[2].buffer_offset + 6] = (hone_real)-0.0;
    m->bn_batches = 0;
    save_ok(m, path);
    hone_model_free(r);
    r = load_ok(path);
    assert_models_equal(m, r);
    hone_model_free(r);
    hone_model_free(m);
}

/* What the loader would refuse is not saved, and the previous file stays. */
static void test_save_refuses_bad_state(void **state) {
    hone_model *m = bn_model(42);
    char *path = copy(th_path("refuse.safetensors"));
    save_ok(m, path);
    size_t n0;
    unsigned char *before = th_read(path, &n0);
    hone_error err = {0};
    hone_real *var = m->buffers + m->layers[6].buffer_offset + 4;
    *var = -1;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor '6.running_var' holds a negative variance at index 0"));
    *var = (hone_real)INFINITY;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor '6.running_var' holds a non-finite value at index 0"));
    *var = 1;
    m->buffers[0] = (hone_real)NAN;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor '2.running_mean' holds a non-finite value at index 0"));
    m->buffers[0] = 0;
    m->params[m->layers[2].param_offset + 7] = (hone_real)NAN; /* beta[1] */
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor '2.bias' holds a non-finite value at index 1"));
    m->params[m->layers[2].param_offset + 7] = 0;
    m->layers[4].keep_prob = 0;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 4: dropout keep_prob"));
    m->layers[4].keep_prob = 0.5f;
    m->layers[6].eps = 0;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 6: batch norm eps"));
    m->layers[6].eps = INFINITY; /* "eps": inf would be no JSON number */
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 6: batch norm eps inf is not a finite number > 0"));
    m->layers[6].eps = 1e-5f;
    m->layers[2].momentum = 1.5f;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 2: batch norm momentum"));
    m->layers[2].momentum = 0.1f;
    assert_int_equal(hone_model_save(m, "", &err), HONE_ERR_VALUE); /* was "": cannot replace it ... */
    assert_string_equal(err.message, "not saved: the path is empty");
    m->bn_batches = (uint64_t)INT64_MAX + 1;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor '2.num_batches_tracked'"));
    assert_file_holds(path, before, n0);
    m->bn_batches = INT64_MAX; /* the largest count that fits */
    save_ok(m, path);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r);
    hone_model_free(r);
    free(before);
    free(path);
    hone_model_free(m);
}

/* The writer packs values into an 8 KiB buffer and empties it when the next value might not fit:
 * 2047 float32 values before a batch count (18 inputs, dense 89 with bias, batch norm: 89 * 19
 * + 4 * 89) leave 4 bytes of it when the 8-byte count comes, which must go to a fresh buffer,
 * not past the end (the sanitizer build sees the overrun; this one sees the count read back). */
static void test_count_at_the_write_buffers_end(void **state) {
    const hone_layer_spec specs[] = {DENSE(89), {.kind = HONE_LAYER_BATCHNORM}, DENSE(2)};
    hone_model *m = random_model(18, specs, COUNT(specs), HONE_LOSS_SOFTMAX_CE, 46, NULL);
    assert_int_equal(m->layers[1].param_offset + m->layers[1].n_params + m->layers[1].n_buffers, 2047);
    m->bn_batches = 0x0102030405060708;
    const char *path = th_path("straddle.safetensors");
    save_ok(m, path);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r);
    hone_model_free(r);
    hone_model_free(m);
}

/* What a caller of honeS_save gets wrong is refused before a byte is written (each would write
 * a file no hone reads, or read past the caller's values): an extra of rank 0 or 3, one whose
 * dimension is past HONE_MAX_PARAMS, one without values, text that is not UTF-8; and the
 * largest integer an I64 holds is saved, one more refused. */
static void test_save_refuses_malformed_extras(void **state) {
    hone_model *m = small_mlp(45);
    const char *path = th_path("extras.safetensors");
    hone_error err = {0};
    uint64_t ints[2] = {1, 2};
    const struct {
        honeS_tensor x;
        const char *needle;
    } bad[] = {
        {{"hone.scalar", true, 0, {0, 0}, ints, false}, "extra tensor 'hone.scalar' is not well formed"},
        {{"hone.cube", true, 3, {1, 1}, ints, false}, "extra tensor 'hone.cube' is not well formed"},
        {{"hone.huge", true, 1, {HONE_MAX_PARAMS + 1, 0}, ints, false}, "extra tensor 'hone.huge' is not well formed"},
        {{"hone.huge2", true, 2, {1, HONE_MAX_PARAMS + 1}, ints, false}, "extra tensor 'hone.huge2' is not well formed"},
        {{"hone.none", true, 1, {2, 0}, NULL, false}, "extra tensor 'hone.none' is not well formed"},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        assert_int_equal(honeS_save(m, path, &bad[i].x, 1, NULL, NULL, &err), HONE_ERR_VALUE);
        if (!strstr(err.message, bad[i].needle)) fail_msg("case %zu: '%s'", i, err.message);
        assert_int_equal(access(path, F_OK), -1);
    }
    /* an empty extra needs no values */
    honeS_tensor empty = {"hone.empty", true, 1, {0, 0}, NULL, false};
    assert_int_equal(honeS_save(m, path, &empty, 1, NULL, NULL, &err), HONE_OK);
    honeS_tensor none = {"hone.empty", true, 1, {HONES_ANY, 0}, NULL, false};
    hone_model *r = NULL;
    assert_int_equal(honeS_load(&r, path, &none, 1, NULL, NULL, &err), HONE_OK); /* data_offsets [n, n] */
    assert_true(none.present && none.shape[0] == 0);
    honeM_free(none.values);
    hone_model_free(r);
    assert_int_equal(unlink(path), 0);

    assert_int_equal(honeS_save(m, path, NULL, 0, "hone.note", "caf\xe9", &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "metadata 'hone.note' is not valid UTF-8"));
    char *config = m->config_json;
    m->config_json = "{\"name\": \"caf\xe9\"}";
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "config_json is not valid UTF-8"));
    m->config_json = config;
    assert_int_equal(access(path, F_OK), -1);

    uint64_t top[2] = {1, (uint64_t)INT64_MAX};
    honeS_tensor x = {"hone.counts", true, 1, {2, 0}, top, false};
    assert_int_equal(honeS_save(m, path, &x, 1, NULL, NULL, &err), HONE_OK);
    honeS_tensor back = {"hone.counts", true, 1, {HONES_ANY, 0}, NULL, false};
    assert_int_equal(honeS_load(&r, path, &back, 1, NULL, NULL, &err), HONE_OK);
    assert_true(back.present && back.shape[0] == 2 && ((uint64_t *)back.values)[1] == (uint64_t)INT64_MAX);
    honeM_free(back.values);
    hone_model_free(r);
    top[1] = (uint64_t)INT64_MAX + 1;
    assert_int_equal(honeS_save(m, path, &x, 1, NULL, NULL, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "tensor 'hone.counts': 9223372036854775808 at index 1 does not fit an I64"));
    hone_model_free(m);
}

/* A residual network wired to another layer's output has the same tensors but computes another
 * function: load_weights refuses it and leaves the model as it was. */
static void test_load_weights_other_skip(void **state) {
    const hone_layer_spec specs[] = {DENSE(4), {.kind = HONE_LAYER_RELU}, DENSE(4), {.kind = HONE_LAYER_ADD, .skip = 1},
                                     DENSE(3)};
    hone_model *a = random_model(5, specs, 5, HONE_LOSS_SOFTMAX_CE, 71, NULL);
    char *path = copy(th_path("skip-weights.safetensors"));
    save_ok(a, path);
    hone_layer_spec other[5];
    memcpy(other, specs, sizeof other);
    other[3].skip = 0;
    hone_model *b = random_model(5, other, 5, HONE_LOSS_SOFTMAX_CE, 72, NULL);
    hone_model *before = random_model(5, other, 5, HONE_LOSS_SOFTMAX_CE, 72, NULL);
    hone_error err = {0};
    assert_int_equal(hone_model_load_weights(b, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "layer 3 (add) adds the output of layer 1 in the file, of layer 0 in this model"));
    assert_models_equal(b, before);
    hone_model *same = random_model(5, specs, 5, HONE_LOSS_SOFTMAX_CE, 73, NULL);
    assert_int_equal(hone_model_load_weights(same, path, &err), HONE_OK);
    assert_memory_equal(same->params, a->params, a->n_params * sizeof(hone_real));
    hone_model_free(a);
    hone_model_free(b);
    hone_model_free(before);
    hone_model_free(same);
    free(path);
}

/* load_weights copies parameters, buffers and the batch count; keep_prob and momentum (training
 * settings) stay the model's own; bias presence, eps and kinds must agree. */
static void test_load_weights_batchnorm(void **state) {
    hone_model *a = bn_model(43);
    char *path = copy(th_path("bn-weights.safetensors"));
    save_ok(a, path);
    hone_model *b = bn_model(44);
    b->layers[0].keep_prob = 0.9f;
    b->layers[2].momentum = 0.2f;
    assert_true(b->bn_batches != a->bn_batches);
    hone_error err = {0};
    assert_int_equal(hone_model_load_weights(b, path, &err), HONE_OK);
    assert_memory_equal(a->params, b->params, a->n_params * sizeof(hone_real));
    assert_memory_equal(a->buffers, b->buffers, a->n_buffers * sizeof(hone_real));
    assert_true(a->bn_batches == b->bn_batches);
    assert_memory_equal(a->input_mean, b->input_mean, (size_t)a->inputs * sizeof(hone_real));
    assert_true(b->layers[0].keep_prob == 0.9f && b->layers[2].momentum == 0.2f);
    hone_model_free(b);

    struct {
        int layer;
        hone_layer_spec spec;
        float eps;
        const char *needle;
    } cases[] = {
        {1, DENSE(6), 0, "layer 1 (dense) has no bias in the file, a bias in this model"},
        {5, {.kind = HONE_LAYER_DENSE, .units = 4, .no_bias = 1}, 0, "layer 5 (dense) has a bias in the file, none in this model"},
        {2, {.kind = HONE_LAYER_IDENTITY}, 0, "layer 2 is batchnorm in the file, identity in this model"},
        {4, {.kind = HONE_LAYER_RELU}, 0, "layer 4 is dropout in the file, relu in this model"},
        {6, {.kind = HONE_LAYER_BATCHNORM}, 1e-5f, "layer 6 (batchnorm) has eps 0.001 in the file, 1e-05 in this model"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        hone_layer_spec specs[9] = {
            {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.8f}, {.kind = HONE_LAYER_DENSE, .units = 6, .no_bias = 1},
            {.kind = HONE_LAYER_BATCHNORM, .momentum = 0.05f}, {.kind = HONE_LAYER_RELU},
            {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.3f}, DENSE(4), {.kind = HONE_LAYER_BATCHNORM}, LEAKY(0.2f),
            DENSE(3)};
        specs[cases[i].layer] = cases[i].spec;
        hone_model *c = random_model(5, specs, 9, HONE_LOSS_SOFTMAX_CE, 200 + i, NULL);
        hone_model *before = random_model(5, specs, 9, HONE_LOSS_SOFTMAX_CE, 200 + i, NULL);
        if (!cases[i].eps) c->layers[6].eps = before->layers[6].eps = 1e-3f;
        assert_int_equal(hone_model_load_weights(c, path, &err), HONE_ERR_VALUE);
        if (!strstr(err.message, "architecture differs: ") || !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: '%s', expected '%s'", i, err.message, cases[i].needle);
        assert_models_equal(c, before); /* untouched */
        hone_model_free(c);
        hone_model_free(before);
    }
    hone_model_free(a);
    free(path);
}

/* honeS_architecture_differs, field by field: a model that differs from the base in one field
 * alone is reported with that field named, in the words of either caller; training settings only
 * when asked for. */
static void test_architecture_differs_each_field(void **state) {
    /* every kind that has a setting: dropout, dense without bias, batch norm, leaky ReLU, add */
    const hone_layer_spec base[] = {
        {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.8f}, {.kind = HONE_LAYER_DENSE, .units = 6, .no_bias = 1},
        {.kind = HONE_LAYER_BATCHNORM, .momentum = 0.05f}, LEAKY(0.2f), DENSE(6), {.kind = HONE_LAYER_ADD, .skip = 1},
        DENSE(3)};
    enum { N = COUNT(base), INPUTS = 5, BN = 2 };
    const struct {
        int inputs, n;        /* 0: the base's */
        hone_loss_kind loss;  /* 0: the base's */
        int layer;            /* with spec.kind: that layer's spec replaced */
        hone_layer_spec spec;
        float eps;            /* not 0: the batch norm's eps (no spec field) */
        bool training;        /* a setting that acts only in training */
        const char *expected; /* in the file/model wording */
    } cases[] = {
        {.inputs = 4, .expected = "the file's model has 5 inputs, this model 4"},
        {.n = N - 1, .expected = "the file's model has 7 layers, this model 6"},
        {.layer = 3, .spec = {.kind = HONE_LAYER_RELU}, .expected = "layer 3 is leaky_relu in the file, relu in this model"},
        {.layer = 6, .spec = DENSE(2), .expected = "layer 6 (dense) has 3 units in the file, 2 in this model"},
        {.layer = 1, .spec = DENSE(6), .expected = "layer 1 (dense) has no bias in the file, a bias in this model"},
        {.layer = 3, .spec = LEAKY(0.1f), .expected = "layer 3 (leaky_relu) has slope 0.2 in the file, 0.1 in this model"},
        {.layer = 0, .spec = {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.5f}, .training = true,
         .expected = "layer 0 (dropout) has keep probability 0.8 in the file, 0.5 in this model"},
        {.layer = BN, .spec = {.kind = HONE_LAYER_BATCHNORM, .momentum = 0.2f}, .training = true,
         .expected = "layer 2 (batchnorm) has momentum 0.05 in the file, 0.2 in this model"},
        {.eps = 1e-3f, .expected = "layer 2 (batchnorm) has eps 1e-05 in the file, 0.001 in this model"},
        {.layer = 5, .spec = {.kind = HONE_LAYER_ADD, .skip = 3},
         .expected = "layer 5 (add) adds the output of layer 1 in the file, of layer 3 in this model"},
        {.loss = HONE_LOSS_MSE, .expected = "the loss is softmax_ce in the file, mse in this model"},
    };
    const honeS_compare inference = {"file", "model", false}, training = {"file", "model", true};
    hone_model *stored = random_model(INPUTS, base, N, HONE_LOSS_SOFTMAX_CE, 300, NULL);
    char what[300];
    hone_model *same = random_model(INPUTS, base, N, HONE_LOSS_SOFTMAX_CE, 301, NULL);
    assert_false(honeS_architecture_differs(stored, same, &training, what, sizeof what));
    assert_false(honeS_architecture_differs(stored, same, &inference, what, sizeof what));
    hone_model_free(same);
    for (size_t i = 0; i < COUNT(cases); i++) {
        hone_layer_spec specs[N];
        memcpy(specs, base, sizeof specs);
        if (cases[i].spec.kind) specs[cases[i].layer] = cases[i].spec;
        hone_model *m = random_model(cases[i].inputs ? cases[i].inputs : INPUTS, specs, cases[i].n ? cases[i].n : N,
                                     cases[i].loss ? cases[i].loss : HONE_LOSS_SOFTMAX_CE, 302 + i, NULL);
        if (cases[i].eps) m->layers[BN].eps = cases[i].eps;
        what[0] = '\0';
        if (!honeS_architecture_differs(stored, m, &training, what, sizeof what) || strcmp(what, cases[i].expected))
            fail_msg("case %zu: '%s', expected '%s'", i, what, cases[i].expected);
        what[0] = '\0';
        const bool differs = honeS_architecture_differs(stored, m, &inference, what, sizeof what);
        if (cases[i].training ? differs : !differs || strcmp(what, cases[i].expected))
            fail_msg("case %zu without training settings: %s '%s'", i, differs ? "differs:" : "the same", what);
        hone_model_free(m);
    }
    /* the checkpoint's wording */
    const honeS_compare checkpoint = {"checkpoint", "network", true};
    hone_model *narrow = random_model(4, base, N, HONE_LOSS_SOFTMAX_CE, 320, NULL);
    assert_true(honeS_architecture_differs(stored, narrow, &checkpoint, what, sizeof what));
    assert_string_equal(what, "the checkpoint's network has 5 inputs, this network 4");
    hone_model_free(narrow);
    hone_model *slower = random_model(INPUTS, base, N, HONE_LOSS_SOFTMAX_CE, 321, NULL);
    slower->layers[BN].momentum = 0.2f;
    assert_true(honeS_architecture_differs(stored, slower, &checkpoint, what, sizeof what));
    assert_string_equal(what, "layer 2 (batchnorm) has momentum 0.05 in the checkpoint, 0.2 in this network");
    hone_model_free(slower);
    hone_model_free(stored);
}

/* ---------------------------------------------------------------------------------------------
 * Files PyTorch wrote: tests/data/make_torch_fixture.py
 * ------------------------------------------------------------------------------------------- */

static const char *data_path(const char *name) {
    static char path[1024];
    const char *dir = getenv("HONE_TEST_DATA");
    if (dir) snprintf(path, sizeof path, "%s/%s", dir, name);
    else {
        const char *slash = strrchr(__FILE__, '/');
        int len = slash ? (int)(slash - __FILE__) : 1;
        snprintf(path, sizeof path, "%.*s/data/%s", len, slash ? __FILE__ : ".", name);
    }
    return path;
}

/* Loads fixture, checks hone_model_predict at inference (model->training = 0) against the rows
 * and torch's probabilities in expected (1e-6 float, 1e-12 double), and that hone writes it back
 * the same. Returns the model for the caller's checks. */
static hone_model *check_torch_fixture(const char *fixture_name, const char *expected_name, int want_rows) {
    char *expected = copy(data_path(expected_name));
    char *fixture = copy(data_path(fixture_name));
    FILE *f = fopen(expected, "r");
    if (!f) fail_msg("%s: %s (set HONE_TEST_DATA to tests/data)", expected, strerror(errno));
    char line[4096];
    int rows = 0, inputs = 0, outputs = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "rows %d inputs %d outputs %d", &rows, &inputs, &outputs) == 3) break;
    assert_int_equal(rows, want_rows);
    assert_int_equal(inputs, 5);
    assert_int_equal(outputs, 3);
    enum { MAX_ROWS = 16 };
    assert_true(rows <= MAX_ROWS);
    hone_real x[MAX_ROWS * 5], P[MAX_ROWS * 3], X[MAX_ROWS * 5];
    double p[MAX_ROWS * 3];
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < inputs; j++) {
            double v;
            assert_int_equal(fscanf(f, "%lf", &v), 1);
            x[r * inputs + j] = (hone_real)v;
        }
        for (int o = 0; o < outputs; o++) assert_int_equal(fscanf(f, "%lf", &p[r * outputs + o]), 1);
    }
    fclose(f);

    hone_model *m = load_ok(fixture);
    assert_int_equal(m->inputs, 5);
    assert_int_equal(hone_model_outputs(m), 3);
    assert_int_equal(m->loss, HONE_LOSS_SOFTMAX_CE);
    assert_non_null(m->config_json);
    assert_non_null(strstr(m->config_json, "make_torch_fixture.py"));
    /* standardize the raw rows with the file's statistics, as training and evaluation do */
    hone_dataset data = {.n = (size_t)rows, .d = (size_t)inputs, .x = x};
    size_t index[MAX_ROWS];
    for (int r = 0; r < rows; r++) index[r] = (size_t)r;
    hone_model_gather(m, X, NULL, &data, index, rows);
    hone_error err = {0};
    assert_int_equal(hone_model_reserve(m, rows, &err), HONE_OK);
    m->training = 0; /* torch's eval(): running statistics, every unit */
    assert_int_equal(hone_model_predict(m, X, rows, P, NULL, NULL), HONE_OK);
    for (int i = 0; i < rows * outputs; i++) th_assert_close(P[i], p[i], TH_DOUBLE ? 1e-12 : 1e-6);

    /* hone writes it back the same */
    const char *again = th_path("torch_again.safetensors");
    save_ok(m, again);
    hone_model *r = load_ok(again);
    assert_models_equal(m, r);
    hone_model_free(r);
    free(expected);
    free(fixture);
    return m;
}

static void test_torch_fixture(void **state) {
    hone_model *m = check_torch_fixture("torch_mlp.safetensors", "torch_mlp_expected.txt", 6);
    assert_int_equal(m->n_layers, 3);
    assert_int_equal(m->layers[1].kind, HONE_LAYER_TANH);
    assert_int_equal(m->layers[0].bias, 1);
    assert_int_equal(m->n_buffers, 0);
    hone_model_free(m);
}

/* nn.Sequential(Linear(5, 6, bias=False), BatchNorm1d(6), ReLU(), Dropout(0.3), Linear(6, 3)),
 * its running statistics moved by 7 training batches. */
static void test_torch_batchnorm_fixture(void **state) {
    hone_model *m = check_torch_fixture("torch_bn.safetensors", "torch_bn_expected.txt", 8);
    const hone_layer_kind kinds[] = {HONE_LAYER_DENSE, HONE_LAYER_BATCHNORM, HONE_LAYER_RELU, HONE_LAYER_DROPOUT,
                                     HONE_LAYER_DENSE};
    assert_int_equal(m->n_layers, COUNT(kinds));
    for (int l = 0; l < m->n_layers; l++) assert_int_equal(m->layers[l].kind, kinds[l]);
    assert_int_equal(m->layers[0].bias, 0);
    assert_int_equal(m->layers[4].bias, 1);
    assert_int_equal(m->n_params, 30 + 12 + 18 + 3);
    assert_int_equal(m->n_buffers, 12);
    assert_true(m->layers[3].keep_prob == 0.7f);
    assert_true(m->layers[1].momentum == 0.1f && m->layers[1].eps == 1e-5f);
    assert_true(m->bn_batches == 7);
    /* PyTorch's network is the recipe's: the spec it reads back as */
    hone_mlp_spec spec;
    int hidden[2];
    float keep[2];
    hone_error err;
    assert_int_equal(hone_model_spec_of(m, &spec, hidden, keep, 2, &err), HONE_OK);
    assert_int_equal(spec.n_hidden, 1);
    assert_int_equal(hidden[0], 6);
    assert_true(keep[0] == 0.7f && spec.input_keep_prob == 1);
    assert_true(spec.batchnorm && spec.bn_momentum == 0.1f && !spec.residual);
    assert_int_equal(spec.activation, HONE_LAYER_RELU);
    /* the statistics are not the initial ones (mean 0, variance 1), so the test can tell */
    int moved = 0;
    for (int o = 0; o < 6; o++) moved += m->buffers[o] != 0 && m->buffers[6 + o] != 1 && m->buffers[6 + o] > 0;
    assert_int_equal(moved, 6);
    hone_model_free(m);
}

/* ---------------------------------------------------------------------------------------------
 * Atomic saving
 * ------------------------------------------------------------------------------------------- */

static void test_save_into_missing_directory(void **state) {
    hone_model *m = small_mlp(9);
    char *path = copy(th_path("no/such/dir/m.safetensors"));
    hone_error err = {0};
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_IO);
    assert_int_equal(strncmp(err.message, path, strlen(path)), 0);
    assert_non_null(strstr(err.message, strerror(ENOENT)));
    hone_model_free(m);
    free(path);
}

static void test_save_over_directory(void **state) {
    hone_model *m = small_mlp(10);
    char *dir = copy(th_path("savedir"));
    char *path = copy(th_path("savedir/target"));
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    hone_error err = {0};
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_IO);
    assert_int_equal(strncmp(err.message, path, strlen(path)), 0);
    assert_non_null(strstr(err.message, "cannot replace"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_no_temporary(dir, "target");
    hone_model_free(m);
    free(dir);
    free(path);
}

/* A write that fails part way (the file-size limit stands in for a full disk, and binds root
 * too) leaves the previous file byte for byte, and no temporary behind. */
static void test_failed_write_keeps_previous_file(void **state) {
    const hone_layer_spec specs[] = {DENSE(64), {.kind = HONE_LAYER_RELU}, DENSE(10)};
    hone_model *old = random_model(50, specs, 3, HONE_LOSS_SOFTMAX_CE, 11, NULL);
    hone_model *m = random_model(50, specs, 3, HONE_LOSS_SOFTMAX_CE, 12, "{}");
    char *dir = copy(th_path("fsize"));
    char *path = copy(th_path("fsize/model.safetensors"));
    assert_int_equal(mkdir(dir, 0755), 0);
    save_ok(old, path);
    size_t n0;
    unsigned char *before = th_read(path, &n0);

    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 1000;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    hone_error err = {0};
    hone_status st = hone_model_save(m, path, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, was);
    assert_int_equal(st, HONE_ERR_IO);
    assert_int_equal(strncmp(err.message, path, strlen(path)), 0);
    assert_non_null(strstr(err.message, strerror(EFBIG)));

    assert_file_holds(path, before, n0);
    assert_no_temporary(dir, "model.safetensors");
    hone_model *r = load_ok(path);
    assert_models_equal(old, r);

    /* a model hone could not read back is refused before anything is written */
    m->params[70] = (hone_real)NAN;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "'0.weight'"));
    m->params[70] = 0;
    m->input_std[3] = 0;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "input 3"));
    assert_file_holds(path, before, n0);
    assert_no_temporary(dir, "model.safetensors");

    /* where permissions can stop us (not as root), a read-only directory does too */
    if (geteuid() != 0) {
        m->input_std[3] = 1;
        assert_int_equal(chmod(dir, 0555), 0);
        st = hone_model_save(m, path, &err);
        assert_int_equal(chmod(dir, 0755), 0);
        assert_int_equal(st, HONE_ERR_IO);
        assert_non_null(strstr(err.message, strerror(EACCES)));
        assert_file_holds(path, before, n0);
        assert_no_temporary(dir, "model.safetensors");
    }
    free(before);
    free(dir);
    free(path);
    hone_model_free(r);
    hone_model_free(old);
    hone_model_free(m);
}

/* A save that a signal ends part way: a handler that calls hone_remove_partial_files before the
 * process ends leaves nothing beside the target (SIGXFSZ at a file-size limit stands in for a
 * second Ctrl-C, at a known point of the write; in a child, which the signal ends). After a save
 * that ended normally, the call removes nothing. */
static void remove_partial_and_exit(int sig) {
    (void)sig;
    hone_remove_partial_files();
    _exit(42);
}

static void test_signal_removes_partial_save(void **state) {
    const hone_layer_spec specs[] = {DENSE(64), {.kind = HONE_LAYER_RELU}, DENSE(10)};
    hone_model *m = random_model(50, specs, 3, HONE_LOSS_SOFTMAX_CE, 13, NULL);
    char *dir = copy(th_path("partial"));
    char *path = copy(th_path("partial/model.safetensors"));
    assert_int_equal(mkdir(dir, 0755), 0);
    fflush(NULL);
    const pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct rlimit small;
        getrlimit(RLIMIT_FSIZE, &small);
        small.rlim_cur = 1000;
        signal(SIGXFSZ, remove_partial_and_exit);
        setrlimit(RLIMIT_FSIZE, &small);
        hone_model_save(m, path, NULL);
        _exit(1); /* the save went through: the limit did not bind */
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 42);
    assert_no_temporary(dir, "model.safetensors");
    struct stat st;
    assert_int_equal(stat(path, &st), -1);

    save_ok(m, path);
    hone_remove_partial_files();
    hone_model *r = load_ok(path);
    assert_models_equal(m, r);
    hone_model_free(r);
    hone_model_free(m);
    free(dir);
    free(path);
}

/* ---------------------------------------------------------------------------------------------
 * Broken files. The base: 2 inputs -> dense 3 -> relu -> dense 2, softmax; 17 F32 values.
 * ------------------------------------------------------------------------------------------- */

#define BASE_ARCH                                                                                  \
    "{\"inputs\": 2, \"loss\": \"softmax_ce\", \"layers\": [{\"kind\": \"dense\", \"units\": 3}, " \
    "{\"kind\": \"relu\"}, {\"kind\": \"dense\", \"units\": 2}]}"
#define BASE_BYTES 68

static void set_tensor(cJSON *root, const char *name, const char *dtype, const double *shape, int rank,
                       double begin, double end) {
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "dtype", dtype);
    cJSON *s = cJSON_AddArrayToObject(t, "shape");
    for (int i = 0; i < rank; i++) cJSON_AddItemToArray(s, cJSON_CreateNumber(shape[i]));
    cJSON *o = cJSON_AddArrayToObject(t, "data_offsets");
    cJSON_AddItemToArray(o, cJSON_CreateNumber(begin));
    cJSON_AddItemToArray(o, cJSON_CreateNumber(end));
    if (cJSON_GetObjectItemCaseSensitive(root, name)) cJSON_ReplaceItemInObjectCaseSensitive(root, name, t);
    else cJSON_AddItemToObject(root, name, t);
}

static void set_meta(cJSON *root, const char *key, const char *value) {
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "__metadata__");
    if (cJSON_GetObjectItemCaseSensitive(meta, key)) cJSON_DeleteItemFromObjectCaseSensitive(meta, key);
    if (value) cJSON_AddStringToObject(meta, key, value);
}

static cJSON *base_header(void) {
    cJSON *root = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(root, "__metadata__");
    cJSON_AddStringToObject(meta, "format", "pt");
    cJSON_AddStringToObject(meta, "hone.format_version", "1");
    cJSON_AddStringToObject(meta, "hone.architecture", BASE_ARCH);
    cJSON_AddStringToObject(meta, "hone.standardize", "{\"mean\": [0.5, -1], \"std\": [2, 0.25]}");
    set_tensor(root, "0.weight", "F32", (double[]){3, 2}, 2, 0, 24);
    set_tensor(root, "0.bias", "F32", (double[]){3}, 1, 24, 36);
    set_tensor(root, "2.weight", "F32", (double[]){2, 3}, 2, 36, 60);
    set_tensor(root, "2.bias", "F32", (double[]){2}, 1, 60, 68);
    return root;
}

static void base_data(unsigned char *data, size_t n) {
    for (size_t i = 0; i < n / 4; i++) {
        float v = (float)i * 0.25f - 2;
        memcpy(data + 4 * i, &v, 4); /* little-endian host */
    }
}

/* Writes 8-byte length, the header text (padded with spaces to 8 bytes) and the data. */
static const char *write_raw(const char *name, const char *header, const unsigned char *data, size_t n) {
    size_t hn = strlen(header), padded = (hn + 7) / 8 * 8;
    unsigned char *bytes = calloc(8 + padded + n + 1, 1);
    assert_non_null(bytes);
    for (int i = 0; i < 8; i++) bytes[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    memcpy(bytes + 8, header, hn);
    memset(bytes + 8 + hn, ' ', padded - hn);
    if (n) memcpy(bytes + 8 + padded, data, n);
    const char *path = th_write(name, bytes, 8 + padded + n);
    free(bytes);
    return path;
}

/* Writes root (then deletes it) with `n` data bytes of the base values, or `data` if given. */
static const char *write_header(const char *name, cJSON *root, size_t n, const unsigned char *data) {
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    assert_non_null(text);
    unsigned char base[256];
    assert_true(n <= sizeof base);
    base_data(base, sizeof base);
    const char *path = write_raw(name, text, data ? data : base, n);
    free(text);
    return path;
}

static void test_crafted_base_loads(void **state) {
    hone_model *m = load_ok(write_header("base.safetensors", base_header(), BASE_BYTES, NULL));
    assert_int_equal(m->n_params, 17);
    for (int i = 0; i < 17; i++) assert_true(m->params[i] == (hone_real)(i * 0.25 - 2));
    assert_true(m->input_mean[1] == -1);
    assert_true(m->input_std[1] == (hone_real)0.25);
    assert_null(m->config_json);
    assert_true(m->image_height == 0 && m->image_width == 0); /* no hone.image: not known */
    hone_model_free(m);
    cJSON *h = base_header();
    set_meta(h, "hone.image", "{\"width\": 1, \"height\": 2, \"channels\": 1}"); /* unknown keys ignored */
    m = load_ok(write_header("base-image.safetensors", h, BASE_BYTES, NULL));
    assert_true(m->image_height == 2 && m->image_width == 1);
    hone_model_free(m);

    /* F64 tensors load in either build */
    h = base_header();
    set_tensor(h, "0.weight", "F64", (double[]){3, 2}, 2, 0, 48);
    set_tensor(h, "0.bias", "F64", (double[]){3}, 1, 48, 72);
    set_tensor(h, "2.weight", "F64", (double[]){2, 3}, 2, 72, 120);
    set_tensor(h, "2.bias", "F64", (double[]){2}, 1, 120, 136);
    unsigned char data[136];
    for (int i = 0; i < 17; i++) {
        double v = i * 0.25 - 2;
        memcpy(data + 8 * i, &v, 8);
    }
    m = load_ok(write_header("f64.safetensors", h, sizeof data, data));
    for (int i = 0; i < 17; i++) assert_true(m->params[i] == (hone_real)(i * 0.25 - 2));
    hone_model_free(m);

    /* a double beyond float's range: an error in the float build, a value in the double build */
    double big = 1e300;
    memcpy(data + 8 * 16, &big, 8);
    h = base_header();
    set_tensor(h, "0.weight", "F64", (double[]){3, 2}, 2, 0, 48);
    set_tensor(h, "0.bias", "F64", (double[]){3}, 1, 48, 72);
    set_tensor(h, "2.weight", "F64", (double[]){2, 3}, 2, 72, 120);
    set_tensor(h, "2.bias", "F64", (double[]){2}, 1, 120, 136);
    const char *path = write_header("f64big.safetensors", h, sizeof data, data);
    if (TH_DOUBLE) {
        m = load_ok(path);
        assert_true(m->params[16] == 1e300);
        hone_model_free(m);
    } else {
        expect_fail(path, HONE_ERR_FORMAT, "tensor '2.bias' holds a value too large for float32 at index 1");
    }

    /* leaky_relu without alpha gets torch's default slope; aliases of names are accepted */
    h = base_header();
    set_meta(h, "hone.architecture",
             "{\"inputs\": 2, \"loss\": \"softmax\", \"layers\": [{\"kind\": \"dense\", \"units\": 3}, "
             "{\"kind\": \"leaky_relu\"}, {\"kind\": \"dense\", \"units\": 2}]}");
    set_meta(h, "hone.standardize", NULL);
    m = load_ok(write_header("leaky.safetensors", h, BASE_BYTES, NULL));
    assert_true(m->layers[1].alpha == 0.01f);
    assert_true(m->input_std[0] == 1 && m->input_mean[0] == 0);
    hone_model_free(m);
}

static void test_corrupt_files(void **state) {
    unsigned char data[256];
    base_data(data, sizeof data);

    /* sizes and the header length */
    expect_fail(th_write("empty.st", "", 0), HONE_ERR_FORMAT, "0 bytes, too short");
    expect_fail(th_write("seven.st", "\x10\0\0\0\0\0\0", 7), HONE_ERR_FORMAT, "7 bytes, too short");
    expect_fail(th_write("long_n.st", "\xe8\x03\0\0\0\0\0\0{}", 10), HONE_ERR_FORMAT, "header length 1000 exceeds");
    expect_fail(th_write("n_2_63.st", "\0\0\0\0\0\0\0\x80{}      ", 16), HONE_ERR_FORMAT,
                "header length 9223372036854775808 exceeds");
    expect_fail(th_write("n_max.st", "\xff\xff\xff\xff\xff\xff\xff\xff{}", 10), HONE_ERR_FORMAT, "exceeds");
    expect_fail(th_write("zero_n.st", "\0\0\0\0\0\0\0\0", 8), HONE_ERR_FORMAT, "not valid JSON");
    expect_fail(th_path("does-not-exist.st"), HONE_ERR_IO, strerror(ENOENT));
    char *dir = copy(th_path("a-directory.st"));
    assert_int_equal(mkdir(dir, 0755), 0);
    expect_fail(dir, HONE_ERR_IO, "not a regular file");
    free(dir);
    /* a FIFO (which must not hang the load) and a device are no files either, not files of 0 bytes */
    char *fifo = copy(th_path("a-fifo.st"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_fail(fifo, HONE_ERR_IO, "not a regular file");
    free(fifo);
    expect_fail("/dev/null", HONE_ERR_IO, "not a regular file");
    /* a header length past the 100 MB limit, in a file that has the bytes (sparse: nothing is
     * written), is refused on its length, before 100 MB are allocated and read */
    {
        const char *sparse = th_write("sparse.st", "\x01\xe1\xf5\x05\0\0\0\0{}", 10); /* 100000001 */
        FILE *f = fopen(sparse, "r+b");
        assert_non_null(f);
        assert_int_equal(ftruncate(fileno(f), 8 + 100000001 + 8), 0);
        fclose(f);
        expect_fail(sparse, HONE_ERR_FORMAT, "header length 100000001 is over the limit of 100000000 bytes");
    }

    /* the header itself */
    expect_fail(write_raw("notjson.st", "{\"a\": nope}", NULL, 0), HONE_ERR_FORMAT, "header is not valid JSON");
    expect_fail(write_raw("trailing.st", "{} x", NULL, 0), HONE_ERR_FORMAT, "header is not valid JSON");
    expect_fail(write_raw("array.st", "[1, 2, 3]", NULL, 0), HONE_ERR_FORMAT, "header is not a JSON object");
    expect_fail(write_raw("string.st", "\"hello\"", NULL, 0), HONE_ERR_FORMAT, "header is not a JSON object");
    expect_fail(write_raw("latin1.st", "{\"\xe9\": 1}", NULL, 0), HONE_ERR_FORMAT, "not valid UTF-8");
    /* UTF-8 as the format asks it: a UTF-16 surrogate (U+D800, bytes ED A0 80) encoded as if it
     * were a character is not valid UTF-8, though its bytes have the right shape */
    expect_fail(write_raw("surrogate.st", "{\"\xed\xa0\x80\": 1}", NULL, 0), HONE_ERR_FORMAT, "not valid UTF-8");
    /* each rule of strict UTF-8 on its own, at its edge: the overlong forms of '/' in 2, 3 and 4
     * bytes (C0 and C1 lead only overlong ones), a lead byte past F4, a code point past U+10FFFF,
     * a continuation byte that is a lead byte, and a sequence the header's end cuts short */
    const char *invalid[] = {"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf5\x80\x80\x80",
                             "\xf7\xbf\xbf\xbf", "\xf4\x90\x80\x80", "\xc3\xc3", "\xe2\x82\xc0"};
    for (size_t i = 0; i < COUNT(invalid); i++) {
        char text[32], name[32];
        snprintf(text, sizeof text, "{\"%s\": 1}", invalid[i]);
        snprintf(name, sizeof name, "utf8_%zu.st", i);
        expect_fail(write_raw(name, text, NULL, 0), HONE_ERR_FORMAT, "not valid UTF-8");
    }
    expect_fail(th_write("cut.st", "\x03\0\0\0\0\0\0\0{}\xe2", 11), HONE_ERR_FORMAT, "not valid UTF-8");
    /* and the first and last code points of each length are characters: the header is read on */
    const char *valid[] = {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
                           "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < COUNT(valid); i++) {
        char text[64], name[32];
        snprintf(text, sizeof text, "{\"__metadata__\": {\"%s\": \"x\"}}", valid[i]);
        snprintf(name, sizeof name, "utf8ok_%zu.st", i);
        expect_fail(write_raw(name, text, NULL, 0), HONE_ERR_FORMAT, "no hone.architecture metadata");
    }
    expect_fail(th_write("nul.st", "\x08\0\0\0\0\0\0\0{}\0     ", 16), HONE_ERR_FORMAT, "NUL byte");
    char deep[3000];
    memset(deep, '[', 1500);
    memset(deep + 1500, ']', 1500);
    deep[2999] = 0;
    expect_fail(write_raw("deep.st", deep, NULL, 0), HONE_ERR_FORMAT, "not valid JSON");

    /* metadata */
    cJSON *h = base_header();
    cJSON_DeleteItemFromObjectCaseSensitive(h, "__metadata__");
    expect_fail(write_header("nometa.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "not a hone model (no hone.architecture metadata)");
    h = base_header();
    set_meta(h, "hone.architecture", NULL);
    expect_fail(write_header("noarch.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "not a hone model (no hone.architecture metadata)");
    h = base_header();
    cJSON_ReplaceItemInObjectCaseSensitive(h, "__metadata__", cJSON_CreateArray());
    expect_fail(write_header("metaarray.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "__metadata__ is not an object");
    h = base_header();
    cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(h, "__metadata__"), "epochs", 3);
    expect_fail(write_header("metanum.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "value 'epochs' is not a string");
    h = base_header();
    set_meta(h, "hone.format_version", "3");
    expect_fail(write_header("version.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "version '3' is not supported");
    /* the image shape (2 inputs: 1 x 2 or 2 x 1) */
    const struct {
        const char *image, *needle;
    } images[] = {
        {"{\"height\": 1", "hone.image is not valid JSON"},
        {"[1, 2]", "hone.image is not a JSON object"},
        {"{\"height\": 1}", "hone.image: 'height' and 'width' must be integers in [1, 16777216]"},
        {"{\"height\": 0, \"width\": 2}", "'height' and 'width' must be integers"},
        {"{\"height\": 1, \"width\": 2.5}", "'height' and 'width' must be integers"},
        {"{\"height\": \"1\", \"width\": 2}", "'height' and 'width' must be integers"},
        {"{\"height\": -1, \"width\": -2}", "'height' and 'width' must be integers"},
        {"{\"height\": 2, \"width\": 2}", "hone.image: images of 2 x 2 pixels (height x width) are not the model's 2 inputs"},
        {"{\"height\": 16777216, \"width\": 16777216}", "images of 16777216 x 16777216 pixels"},
    };
    for (size_t i = 0; i < COUNT(images); i++) {
        h = base_header();
        set_meta(h, "hone.image", images[i].image);
        expect_fail(write_header("image.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, images[i].needle);
    }

    /* the architecture */
    struct {
        const char *arch, *needle;
    } archs[] = {
        {"{\"inputs\": 2, \"loss\": \"softmax_ce\"", "hone.architecture is not valid JSON"},
        {"[2]", "hone.architecture is not a JSON object"},
        {"{\"inputs\": 2, \"loss\": \"softmax_ce\", \"layers\": [{\"kind\": \"dense\", \"units\": 3}, {\"kind\": "
         "\"gelu\"}, {\"kind\": \"dense\", \"units\": 2}]}",
         "layer 1: unknown kind 'gelu'"},
        {"{\"inputs\": 2, \"loss\": \"softmax_ce\", \"layers\": [{\"kind\": \"dense\", \"units\": 3}, {}, "
         "{\"kind\": \"dense\", \"units\": 2}]}",
         "layer 1: unknown kind '(none)'"},
        {"{\"inputs\": 2, \"loss\": \"hinge\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}]}", "unknown loss 'hinge'"},
        {"{\"inputs\": 0, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}]}", "'inputs' must be"},
        {"{\"inputs\": 2.5, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}]}", "'inputs' must be"},
        {"{\"inputs\": \"2\", \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}]}", "'inputs' must be"},
        {"{\"inputs\": 1e30, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}]}", "'inputs' must be"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 0}]}", "dense 'units' must be"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": -3}]}", "dense 'units' must be"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 16777217}]}",
         "dense 'units' must be"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\"}]}", "dense 'units' must be"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": []}", "'layers' must be an array of 1 to"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": {}}", "'layers' must be an array of 1 to"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"leaky_relu\", \"alpha\": 2}]}",
         "'alpha' must be a number in [0, 1)"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"leaky_relu\", \"alpha\": 1e300}]}",
         "'alpha' must be a number in [0, 1)"},
        /* allocation would be absurd for a file this small */
        {"{\"inputs\": 16000000, \"loss\": \"mse\", \"layers\": [{\"kind\": \"relu\"}]}", "16000000 inputs cannot fit"},
        /* the ranges' ends: HONE_MAX_UNITS inputs and units are in range (and refused later, for
         * the file's size or its tensors), one more input is not */
        {"{\"inputs\": 16777216, \"loss\": \"mse\", \"layers\": [{\"kind\": \"relu\"}]}", "16777216 inputs cannot fit"},
        {"{\"inputs\": 16777217, \"loss\": \"mse\", \"layers\": [{\"kind\": \"relu\"}]}",
         "'inputs' must be an integer in [1, 16777216]"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 16777216}]}",
         "tensor '0.weight' has shape [3, 2], expected [16777216, 2]"},
        /* a residual add's skip: an earlier layer before the add's own input (layer 1 here), or
         * -1 for the network's input; not the input itself, not -2, not a fraction */
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}, {\"kind\": \"relu\"}, "
         "{\"kind\": \"add\", \"skip\": 1}]}",
         "layer 2: add 'skip' must be an integer in [-1, 0]"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}, {\"kind\": \"relu\"}, "
         "{\"kind\": \"add\", \"skip\": -2}]}",
         "layer 2: add 'skip' must be an integer in [-1, 0]"},
        {"{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2}, {\"kind\": \"relu\"}, "
         "{\"kind\": \"add\", \"skip\": -0.5}]}",
         "layer 2: add 'skip' must be an integer in [-1, 0]"},
        /* the model constructor's own checks, reported against the file */
        {"{\"inputs\": 2, \"loss\": \"softmax_ce\", \"layers\": [{\"kind\": \"dense\", \"units\": 1}]}",
         "softmax cross-entropy needs at least 2 outputs"},
    };
    for (size_t i = 0; i < COUNT(archs); i++) {
        h = base_header();
        set_meta(h, "hone.architecture", archs[i].arch);
        /* the last case needs its tensors to pass the tensor checks first */
        if (i == COUNT(archs) - 1) {
            set_tensor(h, "0.weight", "F32", (double[]){1, 2}, 2, 0, 8);
            set_tensor(h, "0.bias", "F32", (double[]){1}, 1, 8, 12);
            cJSON_DeleteItemFromObjectCaseSensitive(h, "2.weight");
            cJSON_DeleteItemFromObjectCaseSensitive(h, "2.bias");
        }
        char name[32];
        snprintf(name, sizeof name, "arch%zu.st", i);
        expect_fail(write_header(name, h, i == COUNT(archs) - 1 ? 12 : BASE_BYTES, NULL), HONE_ERR_FORMAT,
                    archs[i].needle);
    }

    /* one layer more than a model may have */
    {
        const size_t cap = 64 + (HONE_MAX_LAYERS + 1) * 18;
        char *arch = malloc(cap);
        assert_non_null(arch);
        size_t used = (size_t)snprintf(arch, cap, "{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [");
        for (int l = 0; l <= HONE_MAX_LAYERS; l++)
            used += (size_t)snprintf(arch + used, cap - used, "%s{\"kind\": \"relu\"}", l ? ", " : "");
        snprintf(arch + used, cap - used, "]}");
        h = base_header();
        set_meta(h, "hone.architecture", arch);
        free(arch);
        expect_fail(write_header("layers4097.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                    "'layers' must be an array of 1 to 4096 layers");
    }

    /* tensor entries */
    h = base_header();
    set_tensor(h, "0.weight", "I8", (double[]){3, 2}, 2, 0, 24);
    expect_fail(write_header("i8.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "tensor '0.weight' has dtype I8");
    h = base_header();
    set_tensor(h, "2.bias", "BF16", (double[]){2}, 1, 60, 68);
    expect_fail(write_header("bf16.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "tensor '2.bias' has dtype BF16");
    h = base_header();
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(h, "0.bias"), "dtype");
    expect_fail(write_header("nodtype.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "tensor '0.bias' has no dtype");
    h = base_header();
    cJSON_ReplaceItemInObjectCaseSensitive(h, "0.bias", cJSON_CreateNumber(4));
    expect_fail(write_header("entrynum.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "tensor '0.bias' is not a JSON object");
    h = base_header();
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 60, 72);
    expect_fail(write_header("pastend.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "data_offsets [60, 72] run past");
    /* one byte short: the last tensor's end is the buffer's size plus one */
    expect_fail(write_header("pastend1.st", base_header(), BASE_BYTES - 1, NULL), HONE_ERR_FORMAT,
                "data_offsets [60, 68] run past the 67-byte data buffer");
    h = base_header();
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(h, "2.bias"), "data_offsets"),
                         cJSON_CreateNumber(68));
    expect_fail(write_header("three_offsets.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '2.bias': data_offsets must be two integers");
    h = base_header();
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 68, 60);
    expect_fail(write_header("backwards.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "begin <= end");
    h = base_header();
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, -8, 0);
    expect_fail(write_header("negative.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "data_offsets must be");
    h = base_header();
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 1e19, 1e19 + 8);
    expect_fail(write_header("huge_off.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "data_offsets must be");
    h = base_header();
    set_tensor(h, "0.bias", "F32", (double[]){3}, 1, 24, 32);
    expect_fail(write_header("size.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '0.bias' has 8 bytes, but shape [3] of F32 needs 12");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, -2}, 2, 0, 24);
    expect_fail(write_header("negshape.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "non-negative integers");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, -1}, 2, 0, 24);
    expect_fail(write_header("negshape1.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "non-negative integers");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, 1.5}, 2, 0, 24);
    expect_fail(write_header("fracshape.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "non-negative integers");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){4294967296.0, 4294967296.0, 16}, 3, 0, 24);
    expect_fail(write_header("overflow.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '0.weight': shape [4294967296, 4294967296, 16] is too large");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){4294967296.0, 1073741824.0}, 2, 0, 24);
    expect_fail(write_header("overflow2.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "is too large");

    /* coverage of the data buffer */
    h = base_header();
    set_tensor(h, "0.bias", "F32", (double[]){3}, 1, 20, 32);
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 32, 56);
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 56, 64);
    expect_fail(write_header("overlap.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensors '0.weight' and '0.bias' overlap");
    h = base_header();
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 0, 24);
    set_tensor(h, "0.weight", "F32", (double[]){3, 2}, 2, 0, 24);
    expect_fail(write_header("same.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT, "overlap");
    h = base_header();
    set_tensor(h, "0.bias", "F32", (double[]){3}, 1, 28, 40);
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 40, 64);
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 64, 72);
    expect_fail(write_header("hole.st", h, 72, NULL), HONE_ERR_FORMAT,
                "bytes [24, 28) of the data buffer belong to no tensor");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, 2}, 2, 4, 28);
    set_tensor(h, "0.bias", "F32", (double[]){3}, 1, 28, 40);
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 40, 64);
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 64, 72);
    expect_fail(write_header("hole0.st", h, 72, NULL), HONE_ERR_FORMAT, "bytes [0, 4) of the data buffer");
    expect_fail(write_header("tail.st", base_header(), BASE_BYTES + 4, NULL), HONE_ERR_FORMAT,
                "bytes [68, 72) of the data buffer belong to no tensor");

    /* names and shapes against the architecture */
    h = base_header();
    cJSON_DeleteItemFromObjectCaseSensitive(h, "2.bias");
    expect_fail(write_header("missing.st", h, 60, NULL), HONE_ERR_FORMAT, "missing tensor '2.bias'");
    h = base_header();
    set_tensor(h, "1.weight", "F32", (double[]){1}, 1, 68, 72);
    expect_fail(write_header("extra.st", h, 72, NULL), HONE_ERR_FORMAT, "unexpected tensor '1.weight'");
    const char *odd_names[] = {"extra", "02.weight", "2.Weight", "2.weight ", "+2.bias", "3.bias", "99999999999.bias",
                               "", "2.running_mean"};
    for (size_t i = 0; i < COUNT(odd_names); i++) {
        h = base_header();
        set_tensor(h, odd_names[i], "F32", (double[]){1}, 1, 68, 72);
        char name[32], needle[64];
        snprintf(name, sizeof name, "extra%zu.st", i);
        snprintf(needle, sizeof needle, "unexpected tensor '%s'", odd_names[i]);
        expect_fail(write_header(name, h, 72, NULL), HONE_ERR_FORMAT, needle);
    }
    h = base_header();
    set_tensor(h, "2.weight", "F32", (double[]){3, 2}, 2, 36, 60);
    expect_fail(write_header("shape.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '2.weight' has shape [3, 2], expected [2, 3]");
    h = base_header();
    set_tensor(h, "0.bias", "F32", (double[]){3, 1}, 2, 24, 36);
    expect_fail(write_header("rank.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '0.bias' has shape [3, 1], expected [3]");
    /* each dimension and the rank on its own, the bytes fitting the shape the file gives (the
     * tensors after it moved along): 4 units of bias for 3, a weight of 4 inputs for 2, a weight
     * with a third dimension of 1 */
    h = base_header();
    set_tensor(h, "0.bias", "F32", (double[]){4}, 1, 24, 40);
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 40, 64);
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 64, 72);
    expect_fail(write_header("rows.st", h, 72, NULL), HONE_ERR_FORMAT, "tensor '0.bias' has shape [4], expected [3]");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, 4}, 2, 0, 48);
    set_tensor(h, "0.bias", "F32", (double[]){3}, 1, 48, 60);
    set_tensor(h, "2.weight", "F32", (double[]){2, 3}, 2, 60, 84);
    set_tensor(h, "2.bias", "F32", (double[]){2}, 1, 84, 92);
    expect_fail(write_header("columns.st", h, 92, NULL), HONE_ERR_FORMAT,
                "tensor '0.weight' has shape [3, 4], expected [3, 2]");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){3, 2, 1}, 3, 0, 24);
    expect_fail(write_header("rank3.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '0.weight' has shape [3, 2, 1], expected [3, 2]");
    h = base_header();
    set_tensor(h, "0.weight", "F32", (double[]){6}, 1, 0, 24);
    expect_fail(write_header("flat.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "tensor '0.weight' has shape [6], expected [3, 2]");
    {
        /* the same name twice: hand-written, cJSON would not keep both */
        char *text = cJSON_PrintUnformatted(h = base_header());
        cJSON_Delete(h);
        char dup[2048];
        size_t len = strlen(text);
        snprintf(dup, sizeof dup, "%.*s,\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[68,80]}}",
                 (int)(len - 1), text);
        free(text);
        expect_fail(write_raw("dup.st", dup, data, 80), HONE_ERR_FORMAT, "tensor '0.bias' appears twice");
    }

    /* values */
    unsigned char bad[BASE_BYTES];
    base_data(bad, sizeof bad);
    float nan = NAN, inf = -INFINITY;
    memcpy(bad + 4 * 5, &nan, 4);
    expect_fail(write_header("nan.st", base_header(), BASE_BYTES, bad), HONE_ERR_FORMAT,
                "tensor '0.weight' holds a non-finite value at index 5");
    base_data(bad, sizeof bad);
    memcpy(bad + 4 * 16, &inf, 4);
    expect_fail(write_header("inf.st", base_header(), BASE_BYTES, bad), HONE_ERR_FORMAT,
                "tensor '2.bias' holds a non-finite value at index 1");

    /* the standardization */
    struct {
        const char *text, *needle;
    } stdz[] = {
        {"{\"mean\": [0, 0], \"std\": [1]}", "'std' has 1 values, expected 2"},
        {"{\"mean\": [0, 0, 0], \"std\": [1, 1]}", "'mean' has 3 values, expected 2"},
        {"{\"mean\": [0, 0]}", "'std' is not an array"},
        {"{\"mean\": [0, 0], \"std\": [1, 0]}", "std[1] must be a finite, positive number"},
        {"{\"mean\": [0, 0], \"std\": [-1, 1]}", "std[0] must be a finite, positive number"},
        {"{\"mean\": [0, \"x\"], \"std\": [1, 1]}", "mean[1] must be a finite number"},
        {"{\"mean\": [0, 1e999], \"std\": [1, 1]}", "mean[1] must be a finite number"},
        {"{\"mean\": [0, 0], \"std\": [1, 1e300]}", TH_DOUBLE ? NULL : "std[1] must be a finite"},
        {"[0, 0]", "hone.standardize is not a JSON object"},
        {"{\"mean\": [0, 0], \"std\": [1, 1]} trailing", "hone.standardize is not valid JSON"},
    };
    /* target standardization: only an mse model's, both keys, one value an output */
    h = base_header();
    set_meta(h, "hone.standardize", "{\"mean\": [0, 0], \"std\": [1, 1], \"target_mean\": [0, 0], \"target_std\": [2, 2]}");
    expect_fail(write_header("target_softmax.st", h, BASE_BYTES, NULL), HONE_ERR_FORMAT,
                "hone.standardize: target statistics for a model whose loss is not mse");
    struct {
        const char *text, *needle;
    } targets[] = {
        {"\"target_mean\": [1, 2], \"target_std\": [3, 4]", NULL},
        {"\"target_mean\": [1, 2]", "'target_std' is not an array"},
        {"\"target_std\": [1, 2]", "'target_mean' is not an array"},
        {"\"target_mean\": [1], \"target_std\": [3, 4]", "'target_mean' has 1 values, expected 2"},
        {"\"target_mean\": [1, 2], \"target_std\": [3, 0]", "target_std[1] must be a finite, positive number"},
        {"\"target_mean\": [1, 1e999], \"target_std\": [3, 4]", "target_mean[1] must be a finite number"},
    };
    for (size_t i = 0; i < COUNT(targets); i++) {
        h = base_header();
        char arch[] = BASE_ARCH, text[200];
        memcpy(strstr(arch, "softmax_ce\""), "mse\"       ", 11); /* "loss": "mse", spaces for the rest */
        set_meta(h, "hone.architecture", arch);
        snprintf(text, sizeof text, "{\"mean\": [0, 0], \"std\": [1, 1], %s}", targets[i].text);
        set_meta(h, "hone.standardize", text);
        char name[32];
        snprintf(name, sizeof name, "targets%zu.st", i);
        const char *path = write_header(name, h, BASE_BYTES, NULL);
        if (targets[i].needle) {
            expect_fail(path, HONE_ERR_FORMAT, targets[i].needle);
            continue;
        }
        hone_model *m = load_ok(path);
        assert_true(m->target_mean[0] == 1 && m->target_mean[1] == 2 && m->target_std[0] == 3 && m->target_std[1] == 4);
        hone_model_free(m);
    }
    for (size_t i = 0; i < COUNT(stdz); i++) {
        h = base_header();
        set_meta(h, "hone.standardize", stdz[i].text);
        char name[32];
        snprintf(name, sizeof name, "stdz%zu.st", i);
        const char *path = write_header(name, h, BASE_BYTES, NULL);
        if (stdz[i].needle) expect_fail(path, HONE_ERR_FORMAT, stdz[i].needle);
        else hone_model_free(load_ok(path));
    }
}

/* An empty tensor may lie where the next one begins ([0, 0] before [0, 24], as a writer that
 * lays tensors out in its own order puts it): the data buffer is still covered exactly, the
 * empty one first. */
static void test_empty_tensor_where_another_begins(void **state) {
    cJSON *h = base_header();
    set_tensor(h, "hone.empty", "I64", (double[]){0}, 1, 0, 0);
    const char *path = write_header("empty-first.st", h, BASE_BYTES, NULL);
    honeS_tensor x = {"hone.empty", true, 1, {HONES_ANY, 0}, NULL, false};
    hone_model *m = NULL;
    hone_error err = {0};
    if (honeS_load(&m, path, &x, 1, NULL, NULL, &err)) fail_msg("%s", err.message);
    assert_true(x.present && x.shape[0] == 0);
    assert_true(m->params[16] == (hone_real)(16 * 0.25 - 2));
    honeM_free(x.values);
    hone_model_free(m);
}

/* The metadata entry key of the file at path, parsed; NULL when absent (free with cJSON_Delete). */
static cJSON *file_meta_json(const char *path, const char *key, char *version, size_t cap) {
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, u64le(bytes));
    free(bytes);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(h, "__metadata__");
    snprintf(version, cap, "%s", cJSON_GetObjectItemCaseSensitive(meta, "hone.format_version")->valuestring);
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(meta, key);
    cJSON *parsed = entry ? cJSON_Parse(entry->valuestring) : NULL;
    cJSON_Delete(h);
    return parsed;
}

/* An MSE model's target standardization in its file. Catches it dropped on save, on load or by
 * load_weights, a file with it written as version 1 (which a hone from before it would read and
 * then predict in standardized units), a file without it written as version 2 (which that hone
 * would refuse for nothing), and a bad one saved. */
static void test_target_standardization_files(void **state) {
    const hone_layer_spec specs[] = {DENSE(4), {.kind = HONE_LAYER_RELU}, DENSE(2)};
    hone_model *m = random_model(3, specs, COUNT(specs), HONE_LOSS_MSE, 9, NULL);
    char version[8];
    const char *path = th_path("targets.safetensors");
    save_ok(m, path); /* as created: the targets as they are */
    cJSON *stdz = file_meta_json(path, "hone.standardize", version, sizeof version);
    assert_string_equal(version, "1");
    assert_null(cJSON_GetObjectItemCaseSensitive(stdz, "target_mean"));
    assert_null(cJSON_GetObjectItemCaseSensitive(stdz, "target_std"));
    cJSON_Delete(stdz);
    m->target_mean[0] = (hone_real)123456.7, m->target_mean[1] = (hone_real)-3.5;
    m->target_std[0] = (hone_real)48912.3, m->target_std[1] = (hone_real)0.25;
    save_ok(m, path);
    stdz = file_meta_json(path, "hone.standardize", version, sizeof version);
    assert_string_equal(version, "2");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(stdz, "target_mean")), 2);
    assert_true((hone_real)cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(stdz, "target_std"), 1)->valuedouble ==
                m->target_std[1]);
    cJSON_Delete(stdz);
    hone_model *r = load_ok(path);
    assert_models_equal(m, r); /* the targets' mean and std bit for bit */
    hone_real X[3] = {0.5f, -1, 2}, P1[2], P2[2];
    hone_error err = {0};
    assert_int_equal(hone_model_predict(m, X, 1, P1, NULL, &err), HONE_OK);
    assert_int_equal(hone_model_predict(r, X, 1, P2, NULL, &err), HONE_OK);
    assert_memory_equal(P1, P2, sizeof P1);
    assert_true(fabs(P1[0] - 123456.7) < 5 * 48912.3); /* in the targets' units */
    hone_model_free(r);
    r = random_model(3, specs, COUNT(specs), HONE_LOSS_MSE, 10, NULL);
    assert_int_equal(hone_model_load_weights(r, path, &err), HONE_OK);
    assert_models_equal(m, r);
    hone_model_free(r);
    /* a bad standardization is not saved, and the file is left as it was */
    size_t n0;
    unsigned char *before = th_read(path, &n0);
    m->target_std[1] = 0;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "standardization of target 1 is invalid"));
    m->target_std[1] = 1, m->target_mean[1] = (hone_real)NAN;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "standardization of target 1 is invalid"));
    hone_model_free(m);
    m = random_model(3, specs, COUNT(specs), HONE_LOSS_SOFTMAX_CE, 9, NULL);
    m->target_std[0] = 2;
    assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "only an mse model's may be"));
    assert_file_holds(path, before, n0);
    free(before);
    hone_model_free(m);
}

/* The shape of a model's training images in its file. Catches it dropped on save, on load or by
 * load_weights, written for a model that has none (its file would differ from an older hone's
 * for nothing), a version other than 1 for it (an older hone would refuse a file it can run), a
 * shape that is not the inputs saved, and a file's bad one believed. */
static void test_image_shape_files(void **state) {
    hone_model *m = small_mlp(5); /* 6 inputs */
    char version[8];
    const char *path = th_path("image.safetensors");
    save_ok(m, path); /* as created, and as trained on rows: no shape */
    assert_null(file_meta_json(path, "hone.image", version, sizeof version));
    assert_string_equal(version, "1");
    hone_model *r = load_ok(path);
    assert_true(r->image_height == 0 && r->image_width == 0);
    hone_model_free(r);
    m->image_height = 2, m->image_width = 3;
    save_ok(m, path);
    cJSON *image = file_meta_json(path, "hone.image", version, sizeof version);
    assert_non_null(image);
    assert_string_equal(version, "1");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(image, "height")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(image, "width")->valueint, 3);
    cJSON_Delete(image);
    r = load_ok(path);
    assert_models_equal(m, r); /* 2 x 3 */
    assert_int_equal(r->image_height, 2);
    hone_model_free(r);
    r = small_mlp(6);
    hone_error err = {0};
    assert_int_equal(hone_model_load_weights(r, path, &err), HONE_OK);
    assert_models_equal(m, r);
    hone_model_free(r);
    /* a shape that is not the inputs is not saved, and the file is left as it was */
    size_t n0;
    unsigned char *before = th_read(path, &n0);
    const int bad[][2] = {{3, 3}, {6, 0}, {0, 6}, {-2, -3}};
    for (size_t i = 0; i < COUNT(bad); i++) {
        m->image_height = bad[i][0], m->image_width = bad[i][1];
        assert_int_equal(hone_model_save(m, path, &err), HONE_ERR_VALUE);
        assert_non_null(strstr(err.message, "not saved: images of"));
        assert_non_null(strstr(err.message, "are not the model's 6 inputs"));
    }
    assert_file_holds(path, before, n0);
    free(before);
    hone_model_free(m);
}

/* ---------------------------------------------------------------------------------------------
 * Batch norm, dropout and bias settings in files. The base: 2 inputs -> dense 3 without bias ->
 * batch norm -> relu -> dropout -> dense 2, softmax; 20 F32 parameters, 6 F32 buffers and the
 * I64 count: 112 bytes.
 * ------------------------------------------------------------------------------------------- */

#define BN_ARCH_WITH(dense0, bn1, dropout3)                                                          \
    "{\"inputs\": 2, \"loss\": \"softmax_ce\", \"layers\": [{\"kind\": \"dense\", \"units\": 3" dense0 \
    "}, {\"kind\": \"batchnorm\"" bn1 "}, {\"kind\": \"relu\"}, {\"kind\": \"dropout\"" dropout3         \
    "}, {\"kind\": \"dense\", \"units\": 2}]}"
#define BN_ARCH BN_ARCH_WITH(", \"bias\": false", "", "")
#define BN_BYTES 112

/* A header with metadata for arch and no tensors. */
static cJSON *header_for(const char *arch) {
    cJSON *root = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(root, "__metadata__");
    cJSON_AddStringToObject(meta, "format", "pt");
    cJSON_AddStringToObject(meta, "hone.format_version", "1");
    cJSON_AddStringToObject(meta, "hone.architecture", arch);
    return root;
}

static cJSON *bn_header(void) {
    cJSON *root = header_for(BN_ARCH);
    set_tensor(root, "0.weight", "F32", (double[]){3, 2}, 2, 0, 24);
    set_tensor(root, "1.weight", "F32", (double[]){3}, 1, 24, 36);
    set_tensor(root, "1.bias", "F32", (double[]){3}, 1, 36, 48);
    set_tensor(root, "1.running_mean", "F32", (double[]){3}, 1, 48, 60);
    set_tensor(root, "1.running_var", "F32", (double[]){3}, 1, 60, 72);
    set_tensor(root, "1.num_batches_tracked", "I64", NULL, 0, 72, 80);
    set_tensor(root, "4.weight", "F32", (double[]){2, 3}, 2, 80, 104);
    set_tensor(root, "4.bias", "F32", (double[]){2}, 1, 104, 112);
    return root;
}

static void put_i64(unsigned char *p, int64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

/* The base values (float i at byte 4 i is i / 4 - 2), variances 0.5, 1.5, 2.5 and the count. */
static void bn_data(unsigned char *data, int64_t count) {
    base_data(data, BN_BYTES);
    for (int i = 0; i < 3; i++) {
        float v = 0.5f + (float)i;
        memcpy(data + 60 + 4 * i, &v, 4);
    }
    put_i64(data + 72, count);
}

static void test_batchnorm_files(void **state) {
    unsigned char data[BN_BYTES + 16] = {0};
    bn_data(data, 7);
    hone_model *m = load_ok(write_header("bn-base.st", bn_header(), BN_BYTES, data));
    assert_int_equal(m->n_params, 6 + 6 + 8);
    assert_int_equal(m->n_buffers, 6);
    assert_int_equal(m->layers[0].bias, 0);
    assert_int_equal(m->layers[4].bias, 1);
    assert_true(m->bn_batches == 7);
    for (int i = 0; i < 12; i++) assert_true(m->params[i] == (hone_real)(i * 0.25 - 2)); /* W, gamma, beta */
    for (int i = 0; i < 8; i++) assert_true(m->params[12 + i] == (hone_real)((20 + i) * 0.25 - 2));
    for (int i = 0; i < 3; i++) {
        assert_true(m->buffers[i] == (hone_real)((12 + i) * 0.25 - 2));
        assert_true(m->buffers[3 + i] == (hone_real)(0.5 + i));
    }
    /* absent settings take torch's defaults */
    assert_true(m->layers[3].keep_prob == 0.5f);
    assert_true(m->layers[1].momentum == 0.1f && m->layers[1].eps == 1e-5f);
    hone_model_free(m);

    /* settings at the edges of their ranges; unknown keys are ignored */
    cJSON *h = bn_header();
    set_meta(h, "hone.architecture",
             BN_ARCH_WITH(", \"bias\": false, \"note\": [1]", ", \"momentum\": 1, \"eps\": 0.5, \"affine\": true",
                          ", \"keep_prob\": 1"));
    m = load_ok(write_header("bn-edges.st", h, BN_BYTES, data));
    assert_true(m->layers[3].keep_prob == 1 && m->layers[1].momentum == 1 && m->layers[1].eps == 0.5f);
    hone_model_free(m);
    /* "bias": true is what an absent bias means */
    h = header_for("{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"dense\", \"units\": 2, \"bias\": true}]}");
    set_tensor(h, "0.weight", "F32", (double[]){2, 2}, 2, 0, 16);
    set_tensor(h, "0.bias", "F32", (double[]){2}, 1, 16, 24);
    m = load_ok(write_header("bias-true.st", h, 24, NULL));
    assert_int_equal(m->layers[0].bias, 1);
    hone_model_free(m);
    /* a variance of -0 is no negative variance; the largest count */
    bn_data(data, INT64_MAX);
    float negzero = -0.0f;
    memcpy(data + 60, &negzero, 4);
    m = load_ok(write_header("bn-edges2.st", bn_header(), BN_BYTES, data));
    assert_true(m->bn_batches == (uint64_t)INT64_MAX);
    assert_true(m->buffers[3] == 0 && signbit(m->buffers[3]));
    hone_model_free(m);

    /* the settings */
#define KEEP "layer 3: dropout 'keep_prob' must be a number in (0, 1]"
#define MOMENTUM "layer 1: batch norm 'momentum' must be a number in (0, 1]"
#define EPS "layer 1: batch norm 'eps' must be a number > 0"
#define BIAS "layer 0: dense 'bias' must be true or false"
    struct {
        const char *arch, *needle;
    } archs[] = {
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": 0"), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": 1.5"), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": -0.5"), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": \"0.5\""), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": null"), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": 1e-50"), KEEP},    /* 0 as a float */
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": 1.0000001"), KEEP},
        {BN_ARCH_WITH(", \"bias\": false", "", ", \"keep_prob\": 1e999"), KEEP}, /* cJSON reads infinity */
        {BN_ARCH_WITH(", \"bias\": false", ", \"momentum\": 0", ""), MOMENTUM},
        {BN_ARCH_WITH(", \"bias\": false", ", \"momentum\": 2", ""), MOMENTUM},
        {BN_ARCH_WITH(", \"bias\": false", ", \"momentum\": true", ""), MOMENTUM},
        {BN_ARCH_WITH(", \"bias\": false", ", \"eps\": 0", ""), EPS},
        {BN_ARCH_WITH(", \"bias\": false", ", \"eps\": -1e-5", ""), EPS},
        {BN_ARCH_WITH(", \"bias\": false", ", \"eps\": 1e300", ""), EPS},         /* infinite as a float */
        {BN_ARCH_WITH(", \"bias\": false", ", \"eps\": 1e-50", ""), EPS},         /* 0 as a float */
        {BN_ARCH_WITH(", \"bias\": false", ", \"eps\": \"1e-5\"", ""), EPS},
        {BN_ARCH_WITH(", \"bias\": \"false\"", "", ""), BIAS},
        {BN_ARCH_WITH(", \"bias\": 0", "", ""), BIAS},
        {BN_ARCH_WITH(", \"bias\": null", "", ""), BIAS},
        {BN_ARCH_WITH(", \"bias\": [false]", "", ""), BIAS},
        /* the bias the architecture says decides the tensors */
        {BN_ARCH_WITH("", "", ""), "missing tensor '0.bias'"},
        {BN_ARCH_WITH(", \"bias\": true", "", ""), "missing tensor '0.bias'"},
    };
#undef KEEP
#undef MOMENTUM
#undef EPS
#undef BIAS
    bn_data(data, 7);
    for (size_t i = 0; i < COUNT(archs); i++) {
        h = bn_header();
        set_meta(h, "hone.architecture", archs[i].arch);
        char name[32];
        snprintf(name, sizeof name, "bn-arch%zu.st", i);
        expect_fail(write_header(name, h, BN_BYTES, data), HONE_ERR_FORMAT, archs[i].needle);
    }

    /* the count: an I64 scalar */
    h = bn_header();
    set_tensor(h, "1.num_batches_tracked", "F32", NULL, 0, 72, 76);
    expect_fail(write_header("count-f32.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' has dtype F32, expected I64");
    h = bn_header();
    set_tensor(h, "1.num_batches_tracked", "F32", (double[]){2}, 1, 72, 80);
    expect_fail(write_header("count-f32x2.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' has dtype F32, expected I64");
    h = bn_header();
    set_tensor(h, "1.num_batches_tracked", "F64", NULL, 0, 72, 80);
    expect_fail(write_header("count-f64.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' has dtype F64, expected I64");
    h = bn_header();
    set_tensor(h, "1.num_batches_tracked", "I64", (double[]){1}, 1, 72, 80);
    expect_fail(write_header("count-rank1.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' has shape [1], expected []");
    h = bn_header();
    set_tensor(h, "1.num_batches_tracked", "I64", NULL, 0, 72, 76);
    expect_fail(write_header("count-short.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' has 4 bytes, but shape [] of I64 needs 8");
    h = bn_header();
    set_tensor(h, "4.bias", "I64", (double[]){1}, 1, 104, 112);
    expect_fail(write_header("bias-i64.st", h, BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '4.bias' has dtype I64; hone reads it as F32 or F64");
    h = bn_header();
    set_tensor(h, "1.running_var", "I64", (double[]){3}, 1, 60, 84);
    expect_fail(write_header("var-i64.st", h, BN_BYTES, data), HONE_ERR_FORMAT, "tensor '1.running_var' has dtype I64");

    /* every tensor present, none extra */
    static const char *const needed[] = {"1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"};
    for (size_t i = 0; i < COUNT(needed); i++) {
        h = bn_header();
        cJSON_DeleteItemFromObjectCaseSensitive(h, needed[i]);
        char name[32], needle[64];
        snprintf(name, sizeof name, "bn-missing%zu.st", i);
        snprintf(needle, sizeof needle, "missing tensor '%s'", needed[i]);
        expect_fail(write_header(name, h, BN_BYTES, data), HONE_ERR_FORMAT, needle);
    }
    static const char *const extra[] = {"0.bias",         "2.running_mean", "3.weight",      "4.num_batches_tracked",
                                        "4.running_var",  "1.num_batches",  "1.running_std", "0.running_mean"};
    for (size_t i = 0; i < COUNT(extra); i++) {
        h = bn_header();
        set_tensor(h, extra[i], "F32", (double[]){1}, 1, 112, 116);
        char name[32], needle[64];
        snprintf(name, sizeof name, "bn-extra%zu.st", i);
        snprintf(needle, sizeof needle, "unexpected tensor '%s'", extra[i]);
        expect_fail(write_header(name, h, BN_BYTES + 4, data), HONE_ERR_FORMAT, needle);
    }

    /* values */
    float neg = -0.5f, nan = NAN;
    memcpy(data + 64, &neg, 4);
    expect_fail(write_header("var-neg.st", bn_header(), BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.running_var' holds a negative variance at index 1");
    bn_data(data, 7);
    memcpy(data + 68, &nan, 4);
    expect_fail(write_header("var-nan.st", bn_header(), BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.running_var' holds a non-finite value at index 2");
    bn_data(data, -1);
    expect_fail(write_header("count-neg.st", bn_header(), BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' holds a negative count");
    bn_data(data, INT64_MIN);
    expect_fail(write_header("count-min.st", bn_header(), BN_BYTES, data), HONE_ERR_FORMAT,
                "tensor '1.num_batches_tracked' holds a negative count");

    /* two batch norm layers whose counts differ (torch can write that): the first layer's count,
     * whether its bytes come first or last */
    static const char *const parts[] = {"weight", "bias", "running_mean", "running_var"};
    for (int first_last = 0; first_last < 2; first_last++) {
        h = header_for("{\"inputs\": 2, \"loss\": \"mse\", \"layers\": [{\"kind\": \"batchnorm\"}, "
                       "{\"kind\": \"batchnorm\", \"eps\": 0.25}]}");
        unsigned char two[80];
        for (int k = 0, at = 0; k < 2; k++) {
            const int l = first_last ? 1 - k : k;
            for (int i = 0; i < 4; i++, at += 8) {
                char name[40];
                snprintf(name, sizeof name, "%d.%s", l, parts[i]);
                set_tensor(h, name, "F32", (double[]){2}, 1, at, at + 8);
                float v[2] = {1.5f + (float)l, 0.25f * (float)i};
                memcpy(two + at, v, 8);
            }
            char name[40];
            snprintf(name, sizeof name, "%d.num_batches_tracked", l);
            set_tensor(h, name, "I64", NULL, 0, at, at + 8);
            put_i64(two + at, l ? 9 : 5);
            at += 8;
        }
        m = load_ok(write_header("bn-two.st", h, sizeof two, two));
        assert_true(m->bn_batches == 5);
        assert_true(m->layers[0].eps == 1e-5f && m->layers[1].eps == 0.25f);
        assert_true(m->buffers[m->layers[1].buffer_offset] == (hone_real)2.5f);     /* layer 1's mean[0] */
        assert_true(m->buffers[m->layers[0].buffer_offset + 3] == (hone_real)0.75f); /* layer 0's var[1] */
        hone_model_free(m);
    }
}

/* Every truncation of a valid file, and bytes flipped all over its header: an error naming the
 * file, or (for flips that keep it valid) a model, never a crash. */
/* Every truncation of m's file, and bytes flipped in its header and the first 16 data bytes (or
 * every byte, with whole_file). */
static void truncate_and_flip(hone_model *m, bool whole_file) {
    char *path = copy(th_path("valid.safetensors"));
    save_ok(m, path);
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    uint64_t n = u64le(bytes);
    char *cut = copy(th_path("cut.safetensors"));
    for (size_t len = 0; len <= size; len++) {
        th_write("cut.safetensors", bytes, len);
        hone_model *r = (hone_model *)&r;
        hone_error err = {0};
        hone_status st = hone_model_load(&r, cut, &err);
        if (len == size) {
            assert_int_equal(st, HONE_OK);
            assert_models_equal(m, r);
            hone_model_free(r);
        } else if (st == HONE_OK || r != NULL || strncmp(err.message, cut, strlen(cut)) != 0) {
            fail_msg("truncated to %zu of %zu bytes: status %d, '%s'", len, size, (int)st, err.message);
        }
    }
    unsigned char *flipped = malloc(size);
    assert_non_null(flipped);
    int ok = 0, failed = 0;
    const unsigned char masks[] = {0xff, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
    for (size_t pos = 0; pos < size && (whole_file || pos < 8 + n + 16); pos++) {
        for (size_t k = 0; k < 2; k++) {
            unsigned char mask = k == 0 ? 0xff : masks[1 + pos % 8];
            memcpy(flipped, bytes, size);
            flipped[pos] ^= mask;
            th_write("flip.safetensors", flipped, size);
            const char *fp = th_path("flip.safetensors");
            hone_model *r = (hone_model *)&r;
            hone_error err = {0};
            hone_status st = hone_model_load(&r, fp, &err);
            if (st == HONE_OK) {
                assert_non_null(r);
                hone_model_free(r);
                ok++;
            } else if (r != NULL || strncmp(err.message, fp, strlen(fp)) != 0 ||
                       (st != HONE_ERR_FORMAT && st != HONE_ERR_IO)) {
                fail_msg("byte %zu ^ 0x%02x: status %d, '%s'", pos, mask, (int)st, err.message);
            } else {
                failed++;
            }
        }
    }
    assert_true(failed > 0);
    if (getenv("HONE_TEST_VERBOSE")) print_message("flips: %d loaded, %d refused\n", ok, failed);
    free(flipped);
    free(bytes);
    free(cut);
    free(path);
}

/* Residual blocks are saved as PyTorch Residual modules: "k.body.j.weight"; the add keeps its skip. */
/* A leaky ReLU slope of 0 is a slope, not "use the default" (it used to load as 0.01). */
static void test_leaky_slope_zero(void **state) {
    const int hidden[1] = {3};
    hone_model *m, *back;
    hone_error err;
    assert_int_equal(hone_model_create_mlp(&m, 2, hidden, 1, 2, HONE_LAYER_LEAKY_RELU, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    m->layers[1].alpha = 0;
    const char *path = th_path("slope0.safetensors");
    assert_int_equal(hone_model_save(m, path, &err), HONE_OK);
    assert_int_equal(hone_model_load(&back, path, &err), HONE_OK);
    assert_true(back->layers[1].alpha == 0);
    hone_model_free(m);
    hone_model_free(back);
}

static void test_residual_names(void **state) {
    const int hidden[5] = {6, 6, 6, 6, 6};
    hone_mlp_spec spec = {.inputs = 4, .outputs = 3, .hidden = hidden, .n_hidden = 5, .activation = HONE_LAYER_RELU,
                          .batchnorm = 1, .residual = 1, .loss = HONE_LOSS_SOFTMAX_CE};
    hone_model *m, *back;
    hone_error err;
    hone_rng rng;
    hone_rng_seed(&rng, 31);
    assert_int_equal(hone_model_create_from_spec(&m, &spec, &err), HONE_OK);
    assert_int_equal(hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err), HONE_OK);
    const char *path = th_path("residual.safetensors");
    assert_int_equal(hone_model_save(m, path, &err), HONE_OK);
    size_t n;
    unsigned char *bytes = th_read(path, &n);
    /* layers: dense bn relu | dense bn relu dense bn add | relu | dense bn relu dense bn add | relu | dense:
     * modules 0 1 2, block 3 (body 0..4), 4, block 5, 6, 7 */
    const char *names[] = {"\"0.weight\"", "\"1.running_var\"", "\"3.body.0.weight\"", "\"3.body.4.num_batches_tracked\"",
                           "\"5.body.3.weight\"", "\"7.weight\"", "\"7.bias\"", "\\\"skip\\\": 2"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        bytes[n - 1] = 0;
        if (!strstr((char *)bytes + 8, names[k])) fail_msg("header lacks %s", names[k]);
    }
    free(bytes);
    assert_int_equal(hone_model_load(&back, path, &err), HONE_OK);
    assert_int_equal(back->n_layers, m->n_layers);
    for (int l = 0; l < m->n_layers; l++) {
        assert_int_equal(back->layers[l].kind, m->layers[l].kind);
        if (m->layers[l].kind == HONE_LAYER_ADD) assert_int_equal(back->layers[l].skip, m->layers[l].skip);
    }
    assert_memory_equal(back->params, m->params, m->n_params * sizeof(hone_real));
    hone_real X[2 * 4] = {0.5, -1, 2, 0.25, 1, 1, -0.5, 0}, P1[6], P2[6];
    assert_int_equal(hone_model_reserve(m, 2, &err), HONE_OK);
    assert_int_equal(hone_model_reserve(back, 2, &err), HONE_OK);
    assert_int_equal(hone_model_predict(m, X, 2, P1, NULL, NULL), HONE_OK);
    assert_int_equal(hone_model_predict(back, X, 2, P2, NULL, NULL), HONE_OK);
    assert_memory_equal(P1, P2, sizeof P1);
    hone_model_free(m);
    hone_model_free(back);

    /* two adds of the same skip: the first closes the block, the second is a module of its own
     * (layers: dense relu | dense add | dense add | dense: modules 0 1, block 2 (body 0..1), 3, 4, 5) */
    const hone_layer_spec twice[] = {{.kind = HONE_LAYER_DENSE, .units = 4}, {.kind = HONE_LAYER_RELU},
                                     {.kind = HONE_LAYER_DENSE, .units = 4}, {.kind = HONE_LAYER_ADD, .skip = 1},
                                     {.kind = HONE_LAYER_DENSE, .units = 4}, {.kind = HONE_LAYER_ADD, .skip = 1},
                                     {.kind = HONE_LAYER_DENSE, .units = 2}};
    assert_int_equal(hone_model_create(&m, 3, twice, 7, HONE_LOSS_SOFTMAX_CE, &err), HONE_OK);
    assert_int_equal(hone_model_save(m, path, &err), HONE_OK);
    bytes = th_read(path, &n);
    bytes[n - 1] = 0;
    const char *twice_names[] = {"\"2.body.0.weight\"", "\"3.weight\"", "\"5.weight\""};
    for (size_t k = 0; k < sizeof twice_names / sizeof *twice_names; k++)
        if (!strstr((char *)bytes + 8, twice_names[k])) fail_msg("header lacks %s", twice_names[k]);
    free(bytes);
    assert_int_equal(hone_model_load(&back, path, &err), HONE_OK);
    hone_model_free(back);
    hone_model_free(m);
}

static void test_truncations_and_flips(void **state) {
    const hone_layer_spec specs[] = {DENSE(3), LEAKY(0.2f), DENSE(2)};
    hone_model *m = random_model(2, specs, 3, HONE_LOSS_SIGMOID_CE, 13, "{\"seed\": 1}");
    truncate_and_flip(m, false);
    hone_model_free(m);
    /* the batch norm model: dropout, no bias, buffers and the count */
    const hone_layer_spec bn_specs[] = {{.kind = HONE_LAYER_DENSE, .units = 3, .no_bias = 1}, {.kind = HONE_LAYER_BATCHNORM},
                                        {.kind = HONE_LAYER_RELU}, {.kind = HONE_LAYER_DROPOUT, .keep_prob = 0.75f},
                                        DENSE(2)};
    m = random_model(2, bn_specs, COUNT(bn_specs), HONE_LOSS_SIGMOID_CE, 14, NULL);
    truncate_and_flip(m, true);
    hone_model_free(m);
}

/* Every allocation the load and the save make can fail: NOMEM, nothing leaked (valgrind), and a
 * failed save leaves the previous file. */
static void test_allocation_failures(void **state) {
    hone_model *m = small_mlp(14);
    char *path = copy(th_path("alloc.safetensors"));
    save_ok(m, path);
    size_t n0;
    unsigned char *before = th_read(path, &n0);
    bool done = false;
    for (long k = 0; !done && k < 1000; k++) {
        hone_model *r = (hone_model *)&r;
        hone_error err = {0};
        honeM_fail_after(k);
        hone_status st = hone_model_load(&r, path, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) {
            assert_models_equal(m, r);
            hone_model_free(r);
            done = true;
        } else {
            if (st != HONE_ERR_NOMEM || r != NULL) fail_msg("load, allocation %ld failing: %d '%s'", k, (int)st, err.message);
            assert_int_equal(strncmp(err.message, path, strlen(path)), 0);
        }
    }
    assert_true(done);
    hone_model *other = small_mlp(15);
    done = false;
    for (long k = 0; !done && k < 1000; k++) {
        hone_error err = {0};
        honeM_fail_after(k);
        hone_status st = hone_model_save(other, path, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) done = true;
        else {
            assert_int_equal(st, HONE_ERR_NOMEM);
            assert_file_holds(path, before, n0);
        }
    }
    assert_true(done);
    hone_model *r = load_ok(path);
    assert_models_equal(other, r);
    hone_model_free(r);
    hone_model_free(other);
    hone_model_free(m);
    free(before);

    /* a batch norm model, both ways */
    m = bn_model(16);
    done = false;
    for (long k = 0; !done && k < 1000; k++) {
        hone_error err = {0};
        honeM_fail_after(k);
        hone_status st = hone_model_save(m, path, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) done = true;
        else assert_int_equal(st, HONE_ERR_NOMEM);
    }
    assert_true(done);
    done = false;
    for (long k = 0; !done && k < 1000; k++) {
        hone_model *b = (hone_model *)&b;
        hone_error err = {0};
        honeM_fail_after(k);
        hone_status st = hone_model_load(&b, path, &err);
        honeM_fail_after(-1);
        if (st == HONE_OK) {
            assert_models_equal(m, b);
            hone_model_free(b);
            done = true;
        } else if (st != HONE_ERR_NOMEM || b != NULL) {
            fail_msg("load, allocation %ld failing: %d '%s'", k, (int)st, err.message);
        }
    }
    assert_true(done);
    hone_model_free(m);
    free(path);
}

/* ---------------------------------------------------------------------------------------------
 * Checksums (src/model/checksum.h): "crc32" of the data section and "metadata_crc32" of hone's
 * metadata entries, checked before anything in the file is believed.
 * ------------------------------------------------------------------------------------------- */

/* Metadata entry key of the file's bytes, copied into out [cap]; "" when absent. */
static void meta_text(const unsigned char *bytes, const char *key, char *out, size_t cap) {
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, u64le(bytes));
    assert_non_null(h);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(h, "__metadata__"), key);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
    cJSON_Delete(h);
}

/* The file at from with metadata entry key set to value (removed for NULL), the header printed
 * again by cJSON and the data as it was, written as name; returns the new path. */
static const char *with_meta(const char *from, const char *name, const char *key, const char *value) {
    size_t size;
    unsigned char *bytes = th_read(from, &size);
    const uint64_t n = u64le(bytes);
    cJSON *h = cJSON_ParseWithLength((const char *)bytes + 8, n);
    assert_non_null(h);
    set_meta(h, key, value);
    char *text = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    const char *path = write_raw(name, text, bytes + 8 + n, size - 8 - n);
    free(text);
    free(bytes);
    return path;
}

/* The error a damaged file gives: "PATH: WHAT is damaged: checksum (CRC-32) expected S, computed C",
 * S the checksum the file carries, C the one its bytes give. */
static void expect_damaged(const char *path, const char *what, uint32_t stored, uint32_t computed) {
    char needle[200];
    snprintf(needle, sizeof needle, "%s is damaged: checksum (CRC-32) expected %08x, computed %08x", what,
             (unsigned)stored, (unsigned)computed);
    expect_fail(path, HONE_ERR_FORMAT, needle);
}

/* A saved file carries both checksums, 8 lower-case hex digits that fit its bytes; the loader
 * verifies both, and the model saved again gives the very same file. */
static void test_checksums_fit_the_bytes(void **state) {
    hone_model *models[2] = {small_mlp(40), bn_model(41)};
    for (int k = 0; k < 2; k++) {
        char *path = copy(th_path("sealed.safetensors"));
        save_ok(models[k], path);
        size_t size;
        unsigned char *bytes = th_read(path, &size);
        const th_checksums sums = th_checksums_of(bytes, size);
        char data[32], meta[32], want[9];
        meta_text(bytes, "crc32", data, sizeof data);
        meta_text(bytes, "metadata_crc32", meta, sizeof meta);
        snprintf(want, sizeof want, "%08x", (unsigned)sums.data);
        assert_string_equal(data, want);
        snprintf(want, sizeof want, "%08x", (unsigned)sums.metadata);
        assert_string_equal(meta, want);
        hone_model *r = load_ok(path);
        assert_int_equal(r->checksums, HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA);
        assert_models_equal(models[k], r);
        char *again = copy(th_path("sealed-again.safetensors"));
        save_ok(r, again);
        size_t size2;
        unsigned char *bytes2 = th_read(again, &size2);
        assert_int_equal(size, size2);
        assert_memory_equal(bytes, bytes2, size);
        free(bytes2);
        free(again);
        free(bytes);
        free(path);
        hone_model_free(r);
        hone_model_free(models[k]);
    }
    /* an extra metadata entry (a checkpoint's) is hone's, or the metadata checksum would miss it */
    hone_model *m = small_mlp(44);
    hone_error err = {0};
    const char *path = th_path("not-hone.safetensors");
    assert_int_equal(honeS_save(m, path, NULL, 0, "note", "{}", &err), HONE_ERR_VALUE);
    assert_non_null(strstr(err.message, "metadata 'note' is not named hone.*"));
    assert_int_equal(access(path, F_OK), -1);
    hone_model_free(m);
}

/* One bit flipped anywhere in the tensor bytes, or in a digit of the standardization (still a
 * valid number: nothing but the checksum could tell), is damage, named with both checksums. */
static void test_flipped_bits_are_damage(void **state) {
    hone_model *m = bn_model(42);
    char *path = copy(th_path("flip-me.safetensors"));
    save_ok(m, path);
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    const uint64_t n = u64le(bytes);
    const th_checksums sound = th_checksums_of(bytes, size);
    const size_t data = 8 + n, at[] = {data, data + (size - data) / 2, size - 1};
    for (size_t i = 0; i < COUNT(at); i++) {
        bytes[at[i]] ^= 0x01; /* the lowest mantissa bit, or a count's lowest bit: a value as good as any */
        const char *flipped = th_write("flipped.safetensors", bytes, size);
        expect_damaged(flipped, "the tensor data", sound.data, th_checksums_of(bytes, size).data);
        bytes[at[i]] ^= 0x01;
    }
    /* the first digit of the standardization's means: '0' <-> '1', '8' <-> '9', ... */
    const char *key = "hone.standardize\": \"{\\\"mean\\\": [";
    unsigned char *digit = bytes + 8;
    while (digit + strlen(key) < bytes + 8 + n && memcmp(digit, key, strlen(key)) != 0) digit++;
    assert_true(digit + strlen(key) < bytes + 8 + n);
    digit += strlen(key);
    while (!(*digit >= '0' && *digit <= '9')) digit++;
    *digit ^= 0x01;
    const char *flipped = th_write("flipped-meta.safetensors", bytes, size);
    expect_damaged(flipped, "the metadata", sound.metadata, th_checksums_of(bytes, size).metadata);
    /* the config alone is read from the header too, and checked as well */
    hone_error err = {0};
    char *config = NULL;
    assert_int_equal(hone_model_read_config(flipped, &config, &err), HONE_ERR_FORMAT);
    assert_null(config);
    assert_non_null(strstr(err.message, "the metadata is damaged"));
    free(bytes);
    free(path);
    hone_model_free(m);
}

/* A file without the keys (an older hone's, or one a tool rewrote) loads unchecked, as do the
 * files hone never wrote them into; each key is verified on its own. A key that is there is 8
 * hex digits, in either case, or the file is refused. */
static void test_checksums_absent_or_malformed(void **state) {
    hone_model *m = small_mlp(43);
    char *path = copy(th_path("keys.safetensors"));
    save_ok(m, path);
    size_t size;
    unsigned char *bytes = th_read(path, &size);
    const th_checksums sums = th_checksums_of(bytes, size);
    free(bytes);

    char *neither = copy(with_meta(with_meta(path, "no-data-crc.st", "crc32", NULL), "neither.st", "metadata_crc32", NULL));
    hone_model *r = load_ok(neither);
    assert_int_equal(r->checksums, 0);
    assert_models_equal(m, r);
    hone_model_free(r);
    r = load_ok(with_meta(path, "no-data-crc.st", "crc32", NULL));
    assert_int_equal(r->checksums, HONE_CHECKSUM_METADATA);
    hone_model_free(r);
    r = load_ok(with_meta(path, "no-meta-crc.st", "metadata_crc32", NULL));
    assert_int_equal(r->checksums, HONE_CHECKSUM_DATA);
    hone_model_free(r);
    r = load_ok(data_path("torch_mlp.safetensors")); /* written by hand, without them */
    assert_int_equal(r->checksums, 0);
    hone_model_free(r);
    /* without its checksum, a damaged file is not known to be one: it loads */
    bytes = th_read(neither, &size);
    bytes[size - 1] ^= 0x01;
    hone_model_free(load_ok(th_write("neither-flipped.st", bytes, size)));
    free(bytes);
    free(neither);

    /* upper case is hex too (these two sums have letters to raise) */
    char data_upper[9], meta_upper[9];
    snprintf(data_upper, sizeof data_upper, "%08X", (unsigned)sums.data);
    snprintf(meta_upper, sizeof meta_upper, "%08X", (unsigned)sums.metadata);
    assert_true(strpbrk(data_upper, "ABCDEF") && strpbrk(meta_upper, "ABCDEF"));
    r = load_ok(with_meta(with_meta(path, "upper1.st", "crc32", data_upper), "upper.st", "metadata_crc32", meta_upper));
    assert_int_equal(r->checksums, HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA);
    hone_model_free(r);
    static const char *const malformed[] = {"",         "1234567",   "123456789", "1234567g", " 1234567",
                                            "+1234567", "0x123456",  "1234 567",  "-1234567", "12345678 "};
    static const char *const keys[] = {"crc32", "metadata_crc32"};
    for (size_t k = 0; k < COUNT(keys); k++)
        for (size_t i = 0; i < COUNT(malformed); i++) {
            char needle[100];
            snprintf(needle, sizeof needle, "__metadata__ '%s' must be 8 hex digits, got '%s'", keys[k], malformed[i]);
            expect_fail(with_meta(path, "malformed.st", keys[k], malformed[i]), HONE_ERR_FORMAT, needle);
        }
    /* a model without tensors has no data bytes, whose CRC-32 is 0: a sum of 0 is checked as
     * any other, and another is damage */
    hone_model *bare = NULL;
    hone_error err = {0};
    const hone_layer_spec relu[] = {{.kind = HONE_LAYER_RELU}};
    assert_int_equal(hone_model_create(&bare, 2, relu, 1, HONE_LOSS_MSE, &err), HONE_OK);
    char *bare_path = copy(th_path("bare.safetensors"));
    save_ok(bare, bare_path);
    r = load_ok(bare_path);
    assert_int_equal(r->checksums, HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA);
    hone_model_free(r);
    expect_damaged(with_meta(bare_path, "bare-flipped.st", "crc32", "00000001"), "the tensor data", 1, 0);
    free(bare_path);
    hone_model_free(bare);
    free(path);
    hone_model_free(m);
}

/* ---------------------------------------------------------------------------------------------
 * Inputs the fuzzers found (fuzz/fuzz_model.c): files in tests/data/regress/, each refused cleanly.
 * ------------------------------------------------------------------------------------------- */

static void test_fuzz_regressions(void **state) {
    static const struct {
        const char *file, *needle;
    } cases[] = {
        /* alpha 0.99999999 passes a check in double but is 1 as the float the layer keeps; model
         * creation then refused it and read the freed layer for its message */
        {"regress/model-alpha-rounds-to-one.safetensors", "leaky ReLU 'alpha' must be a number in [0, 1)"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *path = copy(data_path(cases[i].file));
        expect_fail(path, HONE_ERR_FORMAT, cases[i].needle);
        free(path);
    }

    /* 4096 relu layers (the most a model may have) in 82 KB: naming each layer's tensors searched
     * the rest of the network for residual blocks once per module, cubic in the layer count, so
     * this load took 25 s (minutes under the sanitizers). It takes milliseconds now; the bound is
     * loose enough for valgrind and still fails the cubic search. */
    char *path = copy(data_path("regress/model-4096-activation-layers.safetensors"));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hone_model *m = load_ok(path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(m->n_layers, 4096);
    assert_int_equal(m->n_params, 0);
    if (seconds > 10) fail_msg("loading %s took %.1f s", path, seconds);
    hone_model_free(m);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_round_trip_mlp),
        th_test(test_read_config),
        th_test(test_load_without_a_path),
        th_test(test_round_trip_every_kind_and_loss),
        th_test(test_round_trip_extreme_values),
        th_test(test_header_layout),
        th_test(test_file_mode_follows_umask),
        th_test(test_replaced_file_and_fifo),
        th_test(test_sync_directory_of_each_path_form),
        th_test(test_load_weights),
        th_test(test_load_weights_other_architecture),
        th_test(test_load_weights_other_skip),
        th_test(test_round_trip_batchnorm_dropout),
        th_test(test_save_refuses_bad_state),
        th_test(test_save_refuses_malformed_extras),
        th_test(test_count_at_the_write_buffers_end),
        th_test(test_load_weights_batchnorm),
        th_test(test_architecture_differs_each_field),
        th_test(test_torch_fixture),
        th_test(test_torch_batchnorm_fixture),
        th_test(test_save_into_missing_directory),
        th_test(test_save_over_directory),
        th_test(test_failed_write_keeps_previous_file),
        th_test(test_signal_removes_partial_save),
        th_test(test_crafted_base_loads),
        th_test(test_corrupt_files),
        th_test(test_empty_tensor_where_another_begins),
        th_test(test_batchnorm_files),
        th_test(test_leaky_slope_zero),
        th_test(test_residual_names),
        th_test(test_truncations_and_flips),
        th_test(test_allocation_failures),
        th_test(test_checksums_fit_the_bytes),
        th_test(test_flipped_bits_are_damage),
        th_test(test_checksums_absent_or_malformed),
        th_test(test_fuzz_regressions),
        th_test(test_target_standardization_files),
        th_test(test_image_shape_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
