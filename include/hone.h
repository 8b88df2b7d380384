/*
 * hone.h - train deep neural networks the way careful practitioners do.
 *
 * The one public header. Read it top to bottom as a guide to the library:
 *
 *   hone_dataset *data;  hone_error err;   const int hidden[2] = {512, 256};
 *   hone_dataset_load_idx(&data, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", &err);
 *   hone_split split;    hone_split_make(&split, data, NULL, 0.2, 0.2, 42, &err);   // 60/20/20
 *   hone_model *m;       hone_model_create_mlp(&m, 784, hidden, 2, 10, HONE_LAYER_RELU,
 *                                              HONE_LOSS_SOFTMAX_CE, &err);
 *   hone_model_standardize_fit(m, &split.train, &err);   // statistics of the training split only
 *   hone_rng rng;        hone_rng_seed(&rng, 42);
 *   hone_model_init(m, HONE_INIT_DEFAULT, 0, &rng, &err);
 *   hone_train_config cfg = hone_train_config_default();
 *   hone_train(m, &split, &cfg, NULL, NULL, &err);
 *   hone_model_save(m, "model.safetensors", &err);
 *
 * Conventions
 *   - Functions that can fail return hone_status and fill a caller-owned hone_error (may be NULL)
 *     whose message names the file, line or field: "x.csv: line 42: expected 785 fields, got 784".
 *     The library never prints and never exits.
 *   - Dimension letters: B batch rows, I inputs of a layer, O outputs of a layer, C classes,
 *     T target columns, D input features. Matrices are row-major; "[B, I]" is B rows of I values.
 *   - hone_real is float in the product build and double in the build that runs gradient checks
 *     (compile with -DHONE_DOUBLE and link libhone64.a; its symbols are spelled hone64_...
 *     so both libraries can be linked into one program, see hone64_names.h).
 *   - Every _create has a _free, and _free(NULL) does nothing.
 */
#ifndef HONE_H
#define HONE_H

#include <stddef.h>
#include <stdint.h>

#ifdef HONE_DOUBLE
typedef double hone_real;
#define HONE_REAL_NAME "float64"
#else
typedef float hone_real;
#define HONE_REAL_NAME "float32"
#endif

#define HONE_VERSION "0.1.0"

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_status {
    HONE_OK = 0,
    HONE_ERR_IO = 1,       /* a file could not be opened, read or written */
    HONE_ERR_FORMAT = 2,   /* a file's contents are malformed */
    HONE_ERR_VALUE = 3,    /* an argument, option or setting is impossible */
    HONE_ERR_NOMEM = 4,    /* an allocation failed */
    HONE_ERR_DIVERGED = 5, /* a loss, gradient, weight, batch norm statistic or output became NaN or infinite */
} hone_status;

typedef struct hone_error {
    hone_status code;
    char message[512];
    /* the one field or setting an error is about, so that a caller can name its own option for
     * it; NULL for every other error. hone_train_config_check and hone_train_check: the field of
     * hone_train_config ("epochs", "optimizer.beta1", "schedule.warmup"); hone_train_resume:
     * "epochs" when the checkpoint has trained more than the run's; the data readers: "label" (a
     * label that is no class index: real-valued targets need regression), "label_index" (a CSV
     * label column out of range, or given twice, or no column left for features), "header" (a CSV
     * label column named in a file without a header), "regression" (IDX labels asked for as
     * targets, or several CSV label columns for class labels) */
    const char *field;
} hone_error;

const char *hone_status_name(hone_status status);

/* ---------------------------------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded through splitmix64. Same seed, same stream, everywhere.
 * ------------------------------------------------------------------------------------------- */
typedef struct hone_rng {
    uint64_t s[4];
} hone_rng;

void hone_rng_seed(hone_rng *rng, uint64_t seed);
uint64_t hone_rng_next(hone_rng *rng);
double hone_rng_uniform(hone_rng *rng);           /* [0, 1) with 53 random bits */
double hone_rng_normal(hone_rng *rng);            /* N(0, 1), Box-Muller */
/* N(0, 1) by the ziggurat method: the same distribution as hone_rng_normal, another stream, and
 * several times faster (one draw and a comparison for 98.8% of values). Augmentation noise uses it. */
double hone_rng_normal_fast(hone_rng *rng);
uint64_t hone_rng_below(hone_rng *rng, uint64_t n); /* uniform in [0, n), unbiased; n > 0 */
void hone_rng_shuffle(hone_rng *rng, size_t *items, size_t n); /* Fisher-Yates */

/* ---------------------------------------------------------------------------------------------
 * Data. A dataset holds rows of D features, as uint8 (images stay uint8 in memory and are
 * converted per batch) or as hone_real, and either class labels or regression targets.
 * ------------------------------------------------------------------------------------------- */
typedef struct hone_dataset {
    size_t n;          /* rows */
    size_t d;          /* features per row (D) */
    uint8_t *x_u8;     /* [n, D] raw features, or NULL */
    hone_real *x;      /* [n, D] real features, or NULL (exactly one of x_u8, x is set); finite: the
                          readers refuse NaN and infinities, as standardization, training and
                          evaluation do in a dataset built by hand */
    int32_t *label;    /* [n] class index in [0, n_classes), or NULL (the readers count n_classes
                          from the labels; the model's checks read the labels themselves) */
    int n_classes;     /* 1 + largest label, when labels are present */
    hone_real *target; /* [n, T] regression targets, or NULL */
    size_t t;          /* target columns (T), when targets are present */
    size_t height, width; /* images: rows are height x width pixels (D = height width); else 0 */
    int label_column;     /* the CSV reader's: the label's 0-based column in the file (the first
                             target's, with several); -1 from the others, and for a CSV file read
                             without a label column */
    int *target_columns;  /* the CSV reader's, with targets: their 0-based columns in the file [T],
                             in the order of the targets' columns; NULL otherwise */
    size_t collapsed_feature; /* the readers of numbers (CSV, NPY): 1 + the first feature whose values
                                 differ in the file but are all one hone_real value (1e8 and 1e8 + 1
                                 in float32), so that training sees it as constant; 0 when none */
    size_t collapsed_target;  /* the same of the regression targets: 1 + the first such column */
    char **feature_names; /* the CSV reader's, for a file with a header: the features' names [D], in
                             order, the label column's left out; NULL otherwise */
} hone_dataset;

/* IDX (MNIST layout), plain or gzip-compressed (detected from the content, not the name).
 * images: ubyte [n, ...] of any rank >= 1, images of h x w when [n, h, w], [n, h, w, 1] or
 * [n, 1, h, w] (as NPY's) and flat rows otherwise; labels: ubyte [n]. labels may be NULL. */
hone_status hone_dataset_load_idx(hone_dataset **out, const char *images, const char *labels,
                                  hone_error *err);

/* A CSV column, by header name or by 0-based index. */
typedef struct hone_csv_column {
    const char *name; /* by header name, or NULL */
    int index;        /* by 0-based index when name is NULL; -1 = last */
} hone_csv_column;

typedef struct hone_csv_options {
    int header;             /* -1 detect (a first row with no numeric field), 0 none, 1 present */
    const char *label_name; /* label column by header name, or NULL */
    int label_index;        /* label column by 0-based index when label_name is NULL; -1 = last;
                               HONE_CSV_NO_LABEL: no label column, every column a feature (rows to
                               predict on); the dataset then has neither labels nor targets */
    char delimiter;         /* ',' by default */
    int regression;         /* 1: the label column is a real target; 0: a class index */
    /* Several target columns (regression only; classes come from one column): label_columns
     * [n_label_columns], which become the columns of data->target [n, T] in this order, in place
     * of label_name and label_index. NULL and 0 by default: the one column those name. */
    const hone_csv_column *label_columns;
    int n_label_columns;
} hone_csv_options;
#define HONE_CSV_NO_LABEL (-2)

hone_csv_options hone_csv_options_default(void);

/* CSV: every field a decimal number (strtod's hexadecimal is refused); the label column becomes
 * labels (integers from 0 to HONE_MAX_UNITS - 1, the most classes a model can have) or targets,
 * and label_columns become targets [n, T], the other columns the features in their order.
 * A leading UTF-8 byte-order mark is skipped; lines end in \n, \r\n, or \r alone (a file with no
 * \n); a line starting with '#' is a comment, but one before the first row with that row's field
 * count and no numbers is the header (numpy.savetxt's "# a,b,label").
 * HONE_ERR_VALUE is for options: a header or delimiter out of range, a label_name with header 0,
 * a label_index beyond the file's columns, a column given twice or every column a label, and
 * several label columns without regression. */
hone_status hone_dataset_load_csv(hone_dataset **out, const char *path,
                                  const hone_csv_options *options, hone_error *err);

/* NPY: x is [n, ...], y [n] (or [n, T] for regression); either of float32, float64, bool or
 * integers of 1 to 8 bytes, in either byte order (uint8 and bool x stay bytes), in C or Fortran
 * order (fortran_order True is put into C order as it is read, in place). x of [n, h, w],
 * [n, h, w, 1] or [n, 1, h, w] is images of height h and width w; any other x (images of several
 * channels too) is rows of its values, flattened. Labels are integral
 * values from 0 to HONE_MAX_UNITS - 1. y may be NULL. */
hone_status hone_dataset_load_npy(hone_dataset **out, const char *x_path, const char *y_path,
                                  int regression, hone_error *err);

void hone_dataset_free(hone_dataset *data);

/* Whatever the user pointed at: a directory holding MNIST-style IDX files (train-images-idx3-ubyte
 * and train-labels-idx1-ubyte, optionally .gz; t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte
 * become the test set: both or neither, HONE_ERR_IO naming the missing one, and HONE_ERR_FORMAT
 * naming the t10k file for images of another shape or width, or a class the training labels
 * lack), a .csv file, a .npy file (labels from `labels`), or an IDX images file (labels from
 * `labels`). The extension is matched in any case and after a .gz is set aside (x.csv.gz is CSV). */
typedef struct hone_data_source {
    const char *path;
    const char *labels;     /* NPY or IDX labels/targets file, or NULL */
    hone_csv_options csv;   /* for .csv files */
    int regression;         /* labels are real targets (CSV or NPY; IDX labels are refused) */
} hone_data_source;

/* *test is set (or NULL) only for directories that hold a test set. */
hone_status hone_dataset_load_any(hone_dataset **train, hone_dataset **test,
                                  const hone_data_source *source, hone_error *err);

/* The reader hone_dataset_load_any picks for a path, and so whether it reads source->labels: only
 * for NPY and IDX images files; a directory and a CSV file hold their own labels. */
typedef enum hone_dataset_format {
    HONE_DATASET_FORMAT_IDX_DIR = 1, /* a directory of IDX files, labels among them */
    HONE_DATASET_FORMAT_CSV = 2,     /* labels in a column */
    HONE_DATASET_FORMAT_NPY = 3,     /* labels from a second file */
    HONE_DATASET_FORMAT_IDX = 4,     /* IDX images; labels from a second file */
} hone_dataset_format;

/* HONE_ERR_IO "PATH: strerror" when path cannot be looked at (missing, say); HONE_ERR_VALUE when
 * it is NULL or empty. */
hone_status hone_dataset_format_of(const char *path, hone_dataset_format *format, hone_error *err);

/* Feature value of row i, column j, as hone_real (no standardization). */
static inline hone_real hone_dataset_at(const hone_dataset *data, size_t i, size_t j) {
    return data->x_u8 ? (hone_real)data->x_u8[i * data->d + j] : data->x[i * data->d + j];
}

/* A view: a subset of a dataset's rows, by index. Views never copy features. */
typedef struct hone_view {
    const hone_dataset *data;
    size_t *index; /* [n] row numbers into data, each below data->n (hone_model_figures and the
                      calls made of it refuse another with HONE_ERR_VALUE naming it) */
    size_t n;
} hone_view;

/* A 64-bit digest of a view: its row count, which dataset rows in which order, and their
 * features (their bytes: uint8, or hone_real, so a float and a double build differ), labels and
 * targets. Two splits that train alike have the same digest: a checkpoint keeps those of its
 * train and dev rows, and hone train's models keep them in their metadata. */
uint64_t hone_view_checksum(const hone_view *view);

typedef struct hone_split {
    hone_view train, dev, test;
} hone_split;

/* Shuffles data with seed and carves it into train, dev and test. dev and test are fractions of
 * the rows when below 1 and counts when 1 or more (0 means none). When test_data is given it
 * becomes the test set whole and test must be 0; dev is then carved from data alone. */
hone_status hone_split_make(hone_split *split, const hone_dataset *data,
                            const hone_dataset *test_data, double dev, double test, uint64_t seed,
                            hone_error *err);
void hone_split_free(hone_split *split);

/* ---------------------------------------------------------------------------------------------
 * The network: a sequence of layers, PyTorch nn.Sequential style, followed by a loss.
 * Numbers are stable: they are stored in model files.
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_layer_kind {
    HONE_LAYER_DENSE = 1,      /* y = x W^T + b,  W [O, I], b [O] */
    HONE_LAYER_RELU = 2,       /* y = max(0, x) */
    HONE_LAYER_LEAKY_RELU = 3, /* y = x > 0 ? x : alpha x */
    HONE_LAYER_TANH = 4,       /* y = tanh(x) */
    HONE_LAYER_SIGMOID = 5,    /* y = 1 / (1 + e^-x) */
    HONE_LAYER_IDENTITY = 6,   /* y = x */
    HONE_LAYER_DROPOUT = 7,    /* training: y = x m / keep_prob, m ~ Bernoulli(keep_prob)
                                  (inverted dropout); inference: y = x */
    HONE_LAYER_BATCHNORM = 8,  /* y = gamma (x - mu) / sqrt(var + eps) + beta per unit, mu and
                                  var of the batch in training, running averages at inference */
    HONE_LAYER_ADD = 9,        /* y = x + s, s the output of layer `skip` (-1: the network
                                  input): the end of a residual block y = x + F(x) */
} hone_layer_kind;

typedef enum hone_loss_kind {
    HONE_LOSS_SOFTMAX_CE = 1, /* L = -mean_b sum_c Y log softmax(Z)   (multi-class, one-hot Y) */
    HONE_LOSS_SIGMOID_CE = 2, /* L = -mean_{b,t} [Y log s(Z) + (1-Y) log(1-s(Z))]   (binary) */
    HONE_LOSS_MSE = 3,        /* L = mean_{b,t} (Z - Y)^2   (regression, as torch MSELoss) */
} hone_loss_kind;

typedef enum hone_init_kind {
    HONE_INIT_DEFAULT = 0,        /* by the activation that follows: He for ReLU-like ones, Xavier
                                     normal for the others, LeCun for the output layer */
    HONE_INIT_ZEROS = 1,          /* all zero: units stay symmetric (the CLI warns) */
    HONE_INIT_UNIFORM = 2,        /* U[-e, e], e = scale */
    HONE_INIT_NORMAL = 3,         /* N(0, sigma^2), sigma = scale */
    HONE_INIT_XAVIER_UNIFORM = 4, /* U[-a, a], a = sqrt(6 / (I + O)): variance 2 / (I + O) */
    HONE_INIT_XAVIER_NORMAL = 5,  /* N(0, 2 / (I + O)) */
    HONE_INIT_HE = 6,             /* N(0, 2 / I) */
    HONE_INIT_LECUN = 7,          /* N(0, 1 / I) */
} hone_init_kind;

typedef struct hone_layer {
    hone_layer_kind kind;
    int in, out;          /* units in (I) and out (O) */
    float alpha;          /* leaky ReLU slope */
    float keep_prob;      /* dropout: probability of keeping a unit, in [HONE_KEEP_PROB_MIN, 1] */
    int bias;             /* dense: 1 with a bias (dropped when batch norm follows) */
    float momentum;       /* batch norm: running <- (1 - momentum) running + momentum batch */
    float eps;            /* batch norm: 1e-5, as PyTorch */
    int skip;             /* add: the layer whose output is added (-1: the network input) */
    size_t param_offset;  /* into params: dense W [O, I] then b [O]; batch norm gamma [O], beta [O] */
    size_t n_params;
    size_t buffer_offset; /* into buffers: batch norm running mean [O], running var [O] */
    size_t n_buffers;
} hone_layer;

typedef struct hone_layer_spec {
    hone_layer_kind kind;
    int units;       /* dense layers: O */
    float alpha;     /* leaky ReLU slope (0: 0.01); these three refuse a negative or NaN value */
    float keep_prob; /* dropout (0: 0.5) */
    int no_bias;     /* dense: 1 leaves the bias out */
    float momentum;  /* batch norm (0: 0.1) */
    int skip;        /* add: index of the layer whose output is added, -1 the input */
} hone_layer_spec;

typedef struct hone_model {
    int inputs;          /* D */
    int n_layers;
    hone_layer *layers;  /* [n_layers] */
    hone_loss_kind loss;
    /* Flat blocks: one loop serves zero-grad, the update, save. */
    size_t n_params;
    hone_real *params;
    hone_real *grads;
    hone_real *opt_state; /* 2 n_params: first moments (velocity) then second moments */
    uint64_t opt_steps;   /* optimizer steps taken (t of the bias correction) */
    hone_real *buffers;   /* n_buffers state that is saved but not trained (running statistics) */
    size_t n_buffers;
    uint64_t bn_batches;  /* training batches seen by the batch norm layers (PyTorch's
                             num_batches_tracked, the same for every layer) */
    /* Regularization, part of the objective: the loss adds l2 / (2B) sum W^2 + l1 / B sum |W|
     * over dense weights (and biases with decay_bias), and backward adds its gradient. */
    double l2, l1;
    int decay_bias;
    int training;         /* 1: dropout active, batch norm on batch statistics (set by hone_train) */
    hone_rng rng;         /* dropout masks (seeded by hone_model_create, and by hone_train from its seed) */
    /* Input standardization, fitted on the training split: x' = (x - mean) / std. */
    hone_real *input_mean; /* [D] */
    hone_real *input_std;  /* [D] */
    /* Target standardization of an MSE model, fitted with the inputs': the network learns
     * y' = (y - mean) / std for each target, so its losses are in units of each target's
     * variance over the training split (1 is no better than its mean), and hone_model_predict
     * gives y again. Mean 0 and std 1 (as created, and for every other loss) leave targets as
     * they are: set them so after hone_model_standardize_fit to learn an MSE model's targets raw
     * (hone train's --no-standardize-targets). */
    hone_real *target_mean; /* [O] */
    hone_real *target_std;  /* [O] */
    /* The shape of the images the model was trained on, recorded with the standardization (whose
     * statistics are per pixel), or by hone_train for a model that knew none: rows of
     * image_height x image_width pixels, as many as inputs.
     * 0 and 0 when the training data was not images, or is unknown (a file of a hone that did not
     * keep it). Images of another shape have as many pixels, each meeting another's weights: the
     * CLI's commands that run a model refuse them. */
    int image_height, image_width;
    /* Workspace for up to max_batch rows; nothing is allocated while training. */
    int max_batch;
    hone_real *acts;    /* layer outputs, layer l at act_offset[l], [B, O_l] */
    hone_real *dacts;   /* their gradients, same layout; the last is dL/dZ */
    size_t *act_offset; /* [n_layers] */
    hone_real *aux;     /* what layers keep from forward for backward (masks, normalized x) */
    size_t *aux_offset; /* [n_layers] */
    hone_real *batch_x; /* [max_batch, D] gathered inputs, for evaluation */
    hone_real *batch_y; /* [max_batch, O] gathered targets */
    char *config_json;    /* training configuration kept with the model (metadata), or NULL */
    int checksums;        /* what hone_model_load or hone_checkpoint_load verified of the file
                             it read: HONE_CHECKSUM_* bits (0: the file had none, an older
                             hone's; or the model was not loaded) */
} hone_model;

/* Bounds on a network, checked before anything is allocated (HONE_ERR_VALUE beyond them): they
 * keep every size computation far from overflow, and a model file cannot claim more. Units
 * bound the inputs and every layer's width. */
#define HONE_MAX_UNITS (1 << 24)
#define HONE_MAX_LAYERS 4096
#define HONE_MAX_PARAMS ((size_t)1 << 34)
/* The least dropout keep probability: a unit is kept when a 32-bit draw falls below keep_prob 2^32,
 * so below 2^-32 none is, and the layer outputs zeros (HONE_ERR_VALUE). */
#define HONE_KEEP_PROB_MIN 0x1p-32

/* A model from explicit layers: specs[0..n) in order, input width `inputs`. */
hone_status hone_model_create(hone_model **out, int inputs, const hone_layer_spec *specs, int n,
                              hone_loss_kind loss, hone_error *err);
/* A multilayer perceptron with the regularization and normalization layers of the recipe:
 * [Dropout(input)], then per hidden layer Dense, [BatchNorm], act, [Dropout], and a last Dense. */
typedef struct hone_mlp_spec {
    int inputs, outputs;
    const int *hidden; /* [n_hidden] units */
    int n_hidden;
    hone_layer_kind activation;
    float alpha;             /* leaky ReLU slope (0: 0.01, as in hone_layer_spec) */
    int batchnorm;           /* 1: BatchNorm after each hidden Dense (whose bias is then dropped) */
    float bn_momentum;       /* 0: 0.1 */
    const float *keep_prob;  /* [n_hidden] keep probability after each hidden activation, NULL: 1 */
    float input_keep_prob;   /* 0 or 1: no dropout on the input (dropping inputs is rarely wise) */
    int residual;            /* 1: after the first hidden layer, hidden layers pair into residual
                                blocks y = act(x + F(x)), F = Dense [BN] act [Dropout] Dense [BN];
                                the widths of a block and its input must agree */
    hone_loss_kind loss;
} hone_mlp_spec;
hone_status hone_model_create_from_spec(hone_model **out, const hone_mlp_spec *spec, hone_error *err);
/* The inverse: the spec from which hone_model_create_from_spec builds model's structure again,
 * layer by layer the same kinds and widths, dropout keep probabilities and residual blocks, and
 * the loss. What a spec says once for all layers is read from the first layer that has it: the
 * activation's slope, batch norm's momentum, and the spec's rule of no bias before batch norm; a
 * network whose layers differ in those (PyTorch's Linear keeps its bias before BatchNorm1d) reads
 * back as the nearest spec, and a model built from it differs in just those. A model built from a
 * spec reads back as that spec exactly, but for a spec's slope of 0, which reads back as the 0.01
 * it stands for. The hidden widths go to hidden [max_hidden] and the keep probabilities to keep_prob
 * [max_hidden] (1: no dropout after that layer), which spec->hidden and spec->keep_prob then point
 * at; input_keep_prob is 1 without input dropout, and without hidden layers the activation is
 * RELU with alpha 0.01. Batch norm's eps, which a spec does not set, is not read. HONE_ERR_VALUE,
 * naming the first layer that differs, when no spec builds model's structure (two activation
 * kinds, a dropout that keeps everything, a block of another span), or when it has more than
 * max_hidden hidden layers. */
hone_status hone_model_spec_of(const hone_model *model, hone_mlp_spec *spec, int *hidden, float *keep_prob,
                               int max_hidden, hone_error *err);
/* The usual multilayer perceptron: Dense, act, ..., Dense (outputs), then the loss. */
hone_status hone_model_create_mlp(hone_model **out, int inputs, const int *hidden, int n_hidden,
                                  int outputs, hone_layer_kind activation,
                                  hone_loss_kind loss, hone_error *err);
void hone_model_free(hone_model *model);
int hone_model_outputs(const hone_model *model);

/* Draws every weight by `init` (scale for UNIFORM and NORMAL); biases start at zero. */
hone_status hone_model_init(hone_model *model, hone_init_kind init, double scale, hone_rng *rng,
                            hone_error *err);

/* Zeroes the last layer of every residual branch (batch norm gamma, or a dense layer's weights
 * and bias), so each block y = x + F(x) starts as the identity and the variance does not double
 * from block to block (torchvision's zero_init_residual, Fixup). Call after hone_model_init. */
void hone_model_zero_residual_branches(hone_model *model);

/* Reserves the workspace for batches of up to max_batch rows. */
hone_status hone_model_reserve(hone_model *model, int max_batch, hone_error *err);

/* Standardization statistics of the view's rows (per feature; a constant feature, every row the
 * same, gets std 1; any other keeps its own, however small, unless the real type cannot divide
 * by it: HONE_ERR_VALUE, naming the feature), and of an MSE model's targets likewise, when the
 * data has targets (HONE_ERR_VALUE naming the target column). A NaN or infinite feature or target
 * is HONE_ERR_VALUE naming its row (of the data, from 1) and column. The data's image shape (its
 * height and width, 0 and 0 for rows that are not images) becomes the model's image_height and
 * image_width. After any error the model's statistics and image shape are as they were. */
hone_status hone_model_standardize_fit(hone_model *model, const hone_view *train, hone_error *err);

/* Gathers dataset rows rows[0..B) into X [B, D], standardized with the model's statistics, and
 * their targets into Y [B, T] shaped for the model's loss (one-hot for softmax cross-entropy,
 * standardized targets for MSE). */
void hone_model_gather(const hone_model *model, hone_real *X, hone_real *Y,
                       const hone_dataset *data, const size_t *rows, int B);

/* Forward pass over X [B, D] (B <= max_batch); returns the last layer's output [B, O]. */
const hone_real *hone_model_forward(hone_model *model, const hone_real *X, int B);
/* Loss of the last forward against Y [B, O], plus the penalty; also sets dL/dZ, the last layer's
 * dacts. hone_model_evaluate reports losses without the penalty. */
double hone_model_loss(hone_model *model, const hone_real *Y, int B);
/* hone_model_loss without the penalty: the data term alone (for a caller that has the penalty
 * from hone_model_backward_step). */
double hone_model_data_loss(hone_model *model, const hone_real *Y, int B);
/* The data loss against Y [B, O] of outputs that are all 0: a network that has learned nothing
 * and says so. For softmax cross-entropy every class alike, log C for one-hot rows of C classes;
 * for sigmoid cross-entropy 0.5 everywhere, log 2; for MSE the mean of Y^2, every target at its
 * training mean where the model standardizes its targets (Y is then standardized), every output
 * 0 where it does not. A fresh network's loss should start near it (a far larger one is outputs
 * grown large at initialization); a trained one's should be well below it, and below the best
 * constant prediction's (hone_model_constant_figures, never above this on the same rows). NaN for
 * B < 1. */
double hone_model_baseline_loss(const hone_model *model, const hone_real *Y, int B);
/* Sets the penalty of the objective: l2 / (2B) sum W^2 + l1 / B sum |W| over dense weights, and
 * biases too with decay_bias. Negative or non-finite lambdas are HONE_ERR_VALUE. */
hone_status hone_model_set_regularization(hone_model *model, double l2, double l1, int decay_bias,
                                          hone_error *err);
/* The regularization term of the loss for a batch of B rows (0 without l2 and l1). */
double hone_model_penalty(const hone_model *model, int B);
/* Back-propagates dL/dZ from hone_model_loss, ADDING into model->grads. */
void hone_model_backward(hone_model *model, const hone_real *X, int B);
void hone_model_zero_grad(hone_model *model);
/* Output probabilities (softmax or sigmoid) or values (MSE, in the targets' own units: the
 * network's outputs times target_std plus target_mean) for X [B, D] into P [B, O]. X must be
 * standardized already: hone_model_gather does it for dataset rows. A model with room for fewer
 * than B rows reserves room for B first (hone_model_reserve; X may be model->batch_x only within
 * the room it had). *bad_row (when not NULL) gets the first row whose network output (before
 * softmax or sigmoid), or MSE value in the targets' units, is not finite, or -1 when none: a
 * sigmoid makes an infinite output a finite 0 or 1, so P alone does not show an overflow. HONE_ERR_VALUE for B < 1, HONE_ERR_NOMEM when the
 * room cannot be had. */
hone_status hone_model_predict(hone_model *model, const hone_real *X, int B, hone_real *P, int *bad_row,
                               hone_error *err);

/* Whether the model can read data: its feature count, and labels or targets its loss takes
 * (softmax cross-entropy: class labels below its outputs; MSE: one target column an output, every
 * target finite; sigmoid cross-entropy: labels 0 and 1 for one output or classes below its
 * outputs for more, or one target column an output, every target in [0, 1]); images (data height
 * and width) of the shape the model was trained on, where both know one. HONE_ERR_VALUE saying
 * what differs, naming the first row (from 1) of a label out of range or a target refused. One
 * pass over the labels or targets, not over the features (hone_train_check reads those). */
hone_status hone_model_data_check(const hone_model *model, const hone_dataset *data, hone_error *err);
/* 1 when data's images are of the shape the model was trained on, and where the model or the
 * data knows no image shape; else 0 (hone_model_data_check's image condition, for callers that say
 * it in their own words). */
int hone_model_images_fit(const hone_model *model, const hone_dataset *data);

/* Loss and accuracy over a whole view, in batches of max_batch (accuracy is NAN for MSE; both NAN
 * for an empty view); data the model cannot read (hone_model_data_check) is HONE_ERR_VALUE. A row
 * whose network outputs (or standardized targets) are past the real type, which would make the
 * loss NaN or infinite, is HONE_ERR_DIVERGED naming the first such row of the data, from 1; or
 * HONE_ERR_VALUE naming it and its feature when that row has a NaN or infinite feature (looked
 * for only in such a row, so a pass that succeeds costs nothing more: a NaN feature always
 * makes its row's outputs NaN, but an infinite one that tanh or sigmoid saturates is scored as
 * it is; hone_train_check reads every feature first). */
hone_status hone_model_evaluate(hone_model *model, const hone_view *view, double *loss,
                                double *accuracy, hone_error *err);
/* The loss and accuracy over a view (as hone_model_evaluate counts them) of the best prediction
 * that ignores the inputs, the same outputs for every row: the rows' class frequencies for
 * softmax cross-entropy (loss their entropy, -sum p log p; right on the most frequent class's
 * rows), each output's frequency of 1 for sigmoid cross-entropy (its binary entropy, averaged;
 * right where the target is on the frequency's side of 0.5), each target's mean for MSE (its
 * variance in the model's units, averaged; accuracy NaN). A trained network no better on its
 * training rows has learned nothing from their features. Both NaN for an empty view; data the
 * model cannot read (hone_model_data_check) is HONE_ERR_VALUE. */
hone_status hone_model_constant_figures(const hone_model *model, const hone_view *view, double *loss, double *accuracy,
                                        hone_error *err);
/* Root mean squared error of an MSE model over a view, of each target in its own units:
 * hone_model_predict's values against the data's targets, rmse[o] for each of the model's
 * outputs (one figure over targets of other units, 1e-6 and 1e4, would be the larger's alone).
 * NAN for an empty view. HONE_ERR_VALUE for another loss, or data the model cannot read;
 * HONE_ERR_DIVERGED as hone_model_evaluate, and for a prediction past the real type in the
 * targets' units. */
hone_status hone_model_evaluate_rmse(hone_model *model, const hone_view *view, double *rmse /* [O] */,
                                     hone_error *err);
/* Every figure of a view that a caller asks for, from one pass over its rows (hone_model_evaluate,
 * _rmse and hone_model_confusion would each run the network over them again). loss and accuracy
 * are hone_model_evaluate's; rmse [O], when not NULL, hone_model_evaluate_rmse's (an MSE model's
 * alone); confusion [C, C], when not NULL, hone_model_confusion's. Errors as those three give
 * them, figures NAN (counts 0) after any. */
typedef struct hone_view_figures {
    double loss;
    double accuracy;
    double *rmse;      /* [O] or NULL: not asked for */
    size_t *confusion; /* [C, C] or NULL: not asked for */
} hone_view_figures;
hone_status hone_model_figures(hone_model *model, const hone_view *view, hone_view_figures *figures,
                               hone_error *err);
/* The classes of a classifier that predicts one class a row: softmax cross-entropy's outputs, 2
 * for one sigmoid output; 0 for any other model (MSE, several independent sigmoid outputs). */
int hone_model_classes(const hone_model *model);
/* Confusion matrix over a view: counts [C, C] (C = hone_model_classes) holds the rows of each
 * true class (row) the model takes for each class (column), as hone_model_evaluate's accuracy
 * counts them, so its trace over the view's rows is that accuracy; all 0 for an empty view.
 * HONE_ERR_VALUE (counts all 0) for a model of no classes or data it cannot read, and
 * HONE_ERR_DIVERGED (counts all 0) as hone_model_evaluate. */
hone_status hone_model_confusion(hone_model *model, const hone_view *view, size_t *counts /* [C, C] */,
                                 hone_error *err);

/* Saves as safetensors, atomically: tensor names as PyTorch nn.Sequential's state_dict
 * ("0.weight" [O, I], "0.bias" [O], ...), metadata holding the architecture, the
 * standardization, the image shape (when it is known), config_json and the checksums below.
 * HONE_ERR_VALUE for an image shape that is not the inputs' (height x width pixels). */
hone_status hone_model_save(const hone_model *model, const char *path, hone_error *err);
/* Removes the temporary file (PATH.tmp.XXXXXX, renamed over PATH when complete) of every model
 * or checkpoint save still under way. Async-signal-safe: for the handler of a signal that ends
 * the process, so that a save it cuts short leaves nothing beside PATH, which keeps its previous
 * contents. Calling it otherwise makes those saves fail. */
void hone_remove_partial_files(void);
/* The CRC-32s a saved file carries in its metadata, which hone_model_load (and the checkpoint
 * loader) verify before reading a value: HONE_ERR_FORMAT "... is damaged" when one disagrees,
 * and when one is not 8 hex digits. A file without them (an older hone's) loads unchecked. */
typedef enum hone_checksum {
    HONE_CHECKSUM_DATA = 1,     /* "crc32": the tensor bytes, every byte after the header */
    HONE_CHECKSUM_METADATA = 2, /* "metadata_crc32": hone's metadata entries (names "hone.*") */
} hone_checksum;
hone_status hone_model_load(hone_model **out, const char *path, hone_error *err);
/* Copies the weights and standardization (with the image shape) of a saved model with the same
 * architecture into model (HONE_ERR_VALUE naming the first difference otherwise); gradients and
 * optimizer state are left as they are. */
hone_status hone_model_load_weights(hone_model *model, const char *path, hone_error *err);
/* The training configuration (config_json) a model file or a checkpoint keeps, read from its header
 * alone, before anything is built to load it into (hone train --resume compares its options so,
 * and names the one that differs rather than the layer counts it leads to); *config is NULL when
 * the file keeps none, and free() it otherwise. */
hone_status hone_model_read_config(const char *path, char **config, hone_error *err);

const char *hone_layer_kind_name(hone_layer_kind kind);
const char *hone_loss_kind_name(hone_loss_kind kind);
const char *hone_init_kind_name(hone_init_kind kind);
/* Parse names: each kind's own (as the _name functions give them) and the other names it is known
 * by, "leaky" (leaky_relu), "linear" and "none" (identity), "softmax" and "cross_entropy"
 * (softmax_ce), "sigmoid" and "binary" (sigmoid_ce), "kaiming" (he), "xavier", "glorot" and
 * "glorot_uniform" (xavier_uniform), "glorot_normal" (xavier_normal); return 0 when unknown. */
int hone_layer_kind_parse(const char *name);
int hone_loss_kind_parse(const char *name);
int hone_init_kind_parse(const char *name); /* returns -1 when unknown (0 is DEFAULT) */

/* ---------------------------------------------------------------------------------------------
 * Per-layer statistics: how activations and gradients keep (or lose) their scale with depth.
 * ------------------------------------------------------------------------------------------- */
typedef struct hone_layer_stats {
    int layer;              /* index in the model's layer list */
    hone_layer_kind kind;
    double mean, std;       /* of this layer's outputs over the batch: pre-activations for dense
                               and batch norm, activations for activation layers */
    double dead_fraction;   /* ReLU-like layers: units that output 0 for every row; else NAN */
    double weight_norm;     /* ||W|| (dense: weights only; batch norm: gamma); NAN without */
    double grad_norm;       /* ||dL/dW|| of the last backward; NAN without parameters */
    double update_ratio;    /* ||W_after - W_before|| / ||W_before|| of the last step; NAN unknown */
} hone_layer_stats;

/* Statistics of every layer from the model's last forward (and backward) over B rows, into
 * out [n_layers]. before, if not NULL, is the parameter block before the last update (n_params),
 * from which update_ratio is computed. */
void hone_model_layer_stats(const hone_model *model, int B, const hone_real *before,
                            hone_layer_stats *out);

/* Threads for matrix products and the elementwise work around them (0: the default, which is
 * OPENBLAS_NUM_THREADS when the environment sets it, else one per online CPU; either at most
 * HONE_MAX_THREADS). hone keeps its own small pool and runs BLAS single-threaded inside it, so one
 * set of threads owns the cores. More than HONE_MAX_THREADS gives HONE_MAX_THREADS. Returns the
 * number in effect (fewer when the system would not start more). */
#define HONE_MAX_THREADS 64
int hone_set_threads(int threads);
/* The default count above, as this process's environment gives it (a count a child process with
 * the same environment takes too). */
int hone_default_threads(void);

/* The matrix products of one training step of model on B rows, timed alone (best of `repeats`
 * runs of each product): the speed training would have if it were nothing but BLAS. Returns
 * seconds per step, the step's floating-point operations in *flops and, in *median_seconds,
 * the same products at their median time over the runs rather than their best (either may be
 * NULL); < 0 when out of memory, or when B or repeats is below 1. */
double hone_model_gemm_ceiling(const hone_model *model, int B, int repeats, double *flops, double *median_seconds);

/* The BLAS that runs the matrix products: its own description (OpenBLAS's configuration, "OpenBLAS
 * 0.3.21 ... Haswell MAX_THREADS=64"), the name of the kernels it chose for this CPU when it
 * started ("Haswell"), whether those use AVX-512, and whether the CPU has AVX-512 (AVX-512F). An
 * OpenBLAS older than its CPU falls back to kernels it knows, which may leave AVX-512 unused;
 * OpenBLAS reads its OPENBLAS_CORETYPE environment variable at start-up, which chooses the
 * kernels in its place (and may leave AVX-512 unused as well). */
typedef struct hone_blas_info {
    const char *config, *kernels; /* OpenBLAS's own strings */
    int kernels_avx512, cpu_avx512;
} hone_blas_info;
hone_blas_info hone_blas_describe(void);

/* ---------------------------------------------------------------------------------------------
 * Gradient checking: two-sided differences (L(w+e) - L(w-e)) / 2e against backprop, reported as
 * ||g_approx - g|| / (||g_approx|| + ||g||) overall and per parameterized layer. Meant for the
 * double build. Verdict bands: < 1e-7 good, < 1e-5 ok (in double, look for kinks), < 1e-3 worth a
 * look, above that a bug.
 * A parameter whose w - e and w + e put some ReLU or leaky ReLU input on different sides of 0 (or
 * either on another side than w does) straddles the kink, where the two-sided difference is not
 * the derivative: it is counted in `kinks` and left out of the errors and the verdict.
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_gradcheck_verdict {
    HONE_GRADCHECK_GOOD = 0,  /* below 1e-7 */
    HONE_GRADCHECK_OK = 1,    /* 1e-7 .. 1e-5: fine in float, worth a look in double */
    HONE_GRADCHECK_LOOK = 2,  /* 1e-5 .. 1e-3: look closer */
    HONE_GRADCHECK_BUG = 3,   /* above 1e-3: almost certainly a bug */
} hone_gradcheck_verdict;

typedef struct hone_gradcheck_layer {
    int layer;            /* index in the model's layer list */
    size_t checked;       /* parameters compared */
    double rel_error;     /* over the checked parameters that did not straddle a kink (0: none did not;
                             NaN when a difference or a gradient is not finite, a bug) */
    double max_abs_diff;  /* likewise */
    size_t kinks;         /* of `checked`: straddled a ReLU kink, not judged (== checked: the layer could not be) */
} hone_gradcheck_layer;

typedef struct hone_gradcheck_report {
    double rel_error;     /* over every checked parameter that did not straddle a kink */
    size_t checked;
    int n_layers;
    hone_gradcheck_layer layers[64]; /* parameterized layers, first 64 */
    hone_gradcheck_verdict verdict; /* of rel_error, or the worst judged layer's when worse */
    int dropout_masks_fixed; /* dropout layers ran in training mode with one fixed set of masks */
    int batchnorm_training;  /* batch norm ran on batch statistics (running ones restored after) */
    size_t kinks;            /* of `checked`: straddled a ReLU kink and were not judged; when it is
                                all of them, rel_error is 0 and the verdict good by default: nothing
                                was judged */
} hone_gradcheck_report;

/* Checks d loss / d params (the loss with its penalty) on X [B, D], Y [B, O], in training mode:
 * batch norm on batch statistics, dropout with masks drawn once and held fixed. max_per_layer > 0
 * checks that many randomly chosen parameters of each layer (drawn from rng), 0 checks them all. */
hone_status hone_model_gradcheck(hone_model *model, const hone_real *X, const hone_real *Y, int B,
                                 double eps, size_t max_per_layer, hone_rng *rng,
                                 hone_gradcheck_report *report, hone_error *err);
hone_gradcheck_verdict hone_gradcheck_verdict_of(double rel_error);
const char *hone_gradcheck_verdict_name(hone_gradcheck_verdict verdict);

/* ---------------------------------------------------------------------------------------------
 * Exponentially weighted averages: v = beta v + (1 - beta) x, an average over roughly the last
 * 1 / (1 - beta) values. Starting from v = 0 biases the first values toward zero; dividing by
 * 1 - beta^t corrects that. Momentum, RMSprop, Adam and the smoothed loss are all built on it.
 * ------------------------------------------------------------------------------------------- */
typedef struct hone_ewma {
    double beta;
    double value;   /* the raw average v */
    uint64_t count; /* values added (t) */
} hone_ewma;

hone_ewma hone_ewma_make(double beta);
void hone_ewma_add(hone_ewma *avg, double x);
/* v, or v / (1 - beta^t) with bias_correction; 0 before the first value. */
double hone_ewma_value(const hone_ewma *avg, int bias_correction);

/* ---------------------------------------------------------------------------------------------
 * Optimizers over the model's flat parameter block (g is the gradient, t counts steps from 1).
 * Numbers are stable: they are stored with models and checkpoints.
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_optimizer_kind {
    HONE_OPTIMIZER_SGD = 1,      /* w -= lr g */
    HONE_OPTIMIZER_MOMENTUM = 2, /* v = b1 v + (1 - b1) g  (EWMA, as taught) or v = b1 v + g
                                    (classical, torch.optim.SGD); w -= lr v */
    HONE_OPTIMIZER_NESTEROV = 3, /* v = b1 v + g; w -= lr (g + b1 v)  (torch.optim.SGD nesterov) */
    HONE_OPTIMIZER_RMSPROP = 4,  /* s = b2 s + (1 - b2) g^2; w -= lr g / (sqrt(s) + eps) */
    HONE_OPTIMIZER_ADAM = 5,     /* m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
                                    w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) */
    HONE_OPTIMIZER_ADAMW = 6,    /* w -= lr wd w (decoupled weight decay), then the Adam step */
} hone_optimizer_kind;

typedef struct hone_optimizer_config {
    hone_optimizer_kind kind;
    double beta1;        /* momentum; Adam's first moment */
    double beta2;        /* RMSprop's and Adam's second moment */
    double eps;          /* keeps the division of RMSprop and Adam finite */
    double weight_decay; /* AdamW only (L2 for the others comes with regularization) */
    int momentum_ewma;   /* MOMENTUM: 1 for v = b1 v + (1 - b1) g, 0 for v = b1 v + g */
} hone_optimizer_config;

/* Defaults of a kind: beta1 0.9; beta2 0.999 (Adam) or 0.9 (RMSprop); eps 1e-8; AdamW weight
 * decay 0.01; EWMA momentum. */
hone_optimizer_config hone_optimizer_config_default(hone_optimizer_kind kind);
const char *hone_optimizer_kind_name(hone_optimizer_kind kind);
int hone_optimizer_kind_parse(const char *name); /* 0 when unknown */
/* Whether an optimizer of this kind reads a setting of hone_optimizer_config, named as its field:
 * "beta1", "beta2", "eps", "weight_decay" or "momentum_ewma". 1 when its steps read it, 0 when
 * the setting changes nothing (and for an unknown kind), -1 for a name that is none of these. */
int hone_optimizer_reads(hone_optimizer_kind kind, const char *setting);

/* hone_model_backward and one step of the optimizer in a single pass: each layer's parameters
 * are stepped (rate lr, t the step from 1, the model's opt_state as the optimizer's state) as
 * soon as their gradients are final, while those are still in cache. model->grads must be zero
 * on entry, and is left zero. Returns the global L2 norm of the gradient (penalty included).
 * Parameters and optimizer state come out bit for bit as from hone_model_backward followed by
 * the step over the whole block, the norm to rounding; clipping and gradient normalization need
 * the whole gradient first, so they take those two calls. When penalty is not NULL, *penalty is
 * hone_model_penalty at the weights before this step (to rounding: its sums are taken in another
 * order), from the same pass over the weights that adds the penalty's gradient. */
double hone_model_backward_step(hone_model *model, const hone_real *X, int B, const hone_optimizer_config *optimizer,
                                uint64_t t, double lr, double *penalty);

/* ---------------------------------------------------------------------------------------------
 * Learning-rate schedules. t is the epoch (from 0), or the step (from 0) with per_step; T is the
 * number of epochs (or steps) of the run. The rate of epoch t is lr(t); names follow
 * torch.optim.lr_scheduler where it has one.
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_schedule_kind {
    HONE_SCHEDULE_CONSTANT = 0,
    HONE_SCHEDULE_INVERSE_TIME = 1, /* lr0 / (1 + rate t) */
    HONE_SCHEDULE_EXPONENTIAL = 2,  /* lr0 rate^t  (ExponentialLR, gamma = rate) */
    HONE_SCHEDULE_INVERSE_SQRT = 3, /* lr0 rate / sqrt(t + 1) */
    HONE_SCHEDULE_STEP = 4,         /* lr0 rate^floor(t / step_size)  (StepLR) */
    HONE_SCHEDULE_COSINE = 5,       /* lr0 (t + 1) / W while t < W (linear warm-up), then
                                       min + (lr0 - min) (1 + cos(pi (t - W) / (T - W))) / 2 */
    HONE_SCHEDULE_PLATEAU = 6,      /* lr *= factor once the dev loss has not improved by a
                                       relative threshold for more than `patience` epochs
                                       (ReduceLROnPlateau); never below min_lr */
} hone_schedule_kind;

typedef struct hone_schedule_config {
    hone_schedule_kind kind;
    double rate;      /* INVERSE_TIME decay rate; EXPONENTIAL and STEP factor; INVERSE_SQRT k */
    int step_size;    /* STEP: epochs (or steps) between decays */
    int warmup;       /* COSINE: warm-up epochs (or steps), W */
    double min_lr;    /* COSINE floor, PLATEAU floor */
    int per_step;     /* 1: t counts optimizer steps instead of epochs (not for PLATEAU) */
    double factor;    /* PLATEAU: 0.1 */
    int patience;     /* PLATEAU: 10 */
    double threshold; /* PLATEAU: relative improvement that counts, 1e-4 */
} hone_schedule_config;

hone_schedule_config hone_schedule_config_default(hone_schedule_kind kind);
const char *hone_schedule_kind_name(hone_schedule_kind kind);
int hone_schedule_kind_parse(const char *name); /* "none" is constant; -1 when unknown */
/* Whether a schedule of this kind reads a setting of hone_schedule_config, named as its field
 * ("rate", "step_size", "warmup", "min_lr", "per_step", "factor", "patience", "threshold"), or
 * "epochs", the run's length (T). As hone_optimizer_reads: 1, 0, or -1 for another name. PLATEAU
 * does not read per_step: a training config with both is refused. */
int hone_schedule_reads(hone_schedule_kind kind, const char *setting);
/* lr(t) of a closed-form schedule with T epochs or steps in the run (PLATEAU: lr0). A t below 0
 * is taken as 0, a negative W as 0, and a T of W or less as W + 1 (COSINE), so that the rate is
 * finite for every t and T, given a finite lr0 and settings hone_train accepts. */
double hone_schedule_lr(const hone_schedule_config *schedule, double lr0, long t, long T);

/* ---------------------------------------------------------------------------------------------
 * Training: mini-batch gradient descent, reshuffled every epoch.
 * ------------------------------------------------------------------------------------------- */
/* Early stopping on the dev set: stop once the metric has not improved by more than min_delta for
 * `patience` epochs, and put back the weights of the best epoch. */
typedef struct hone_early_stopping {
    int patience;     /* 0: off */
    double min_delta; /* improvement that counts, in the metric's units */
    int on_accuracy;  /* 1: dev accuracy (higher is better); 0: dev loss (lower is better) */
} hone_early_stopping;

/* Augmentation on the fly, training batches only, from the run's seeded generator. Each image is
 * moved by a random shift and rotation (bilinear, black outside), maybe mirrored, then
 * standardized, then given Gaussian noise. Shift, rotation and flip need images (a dataset with
 * height and width); noise alone suits any data. */
typedef struct hone_augment {
    int shift;     /* up to this many pixels in x and y */
    double rotate; /* up to this many degrees either way */
    int flip;      /* mirror left-right with probability 1/2 */
    double noise;  /* standard deviation of added noise, in standardized units */
} hone_augment;

typedef struct hone_train_config {
    int epochs;
    int batch;          /* 1 = stochastic; >= training rows = full batch */
    double lr;          /* learning rate (lr0 of the schedule) */
    uint64_t seed;      /* shuffling */
    int shuffle;        /* 1 reshuffles every epoch; 0 keeps the split's order */
    hone_optimizer_config optimizer;
    hone_schedule_config schedule;
    double clip_value;  /* > 0: clamp every gradient to [-clip_value, clip_value] */
    double clip_norm;   /* > 0: scale the gradient so its global L2 norm is at most clip_norm
                           (by clip_norm / (norm + 1e-6), as torch clip_grad_norm_) */
    double normalize_grad; /* > 0: gradient normalization, scale the gradient to exactly this
                              global L2 norm (by normalize_grad / (norm + 1e-6)) every step */
    hone_early_stopping early_stopping;
    hone_augment augment;
} hone_train_config;

/* Adam at 1e-3, batch 128, cosine decay over 10 epochs: about 90% test accuracy on Fashion-MNIST
 * with the default 784-512-256-10 network (89.8%; plain SGD at a fixed 0.1 needs 4 epochs for 88%
 * dev accuracy, BENCHMARKS.md). */
hone_train_config hone_train_config_default(void);
hone_status hone_train_config_check(const hone_train_config *config, hone_error *err);
/* Whether model can train on split with config, as hone_train checks before its first step:
 * config (hone_train_config_check), the data against the model (features, labels or targets,
 * images for shift, rotation and flip), every feature of the train and dev rows finite (one
 * pass over them; "dev set: " before a dev row's), a dev set for early stopping and plateau,
 * early stopping on accuracy only for a classifier, a per-step warm-up shorter than the run.
 * HONE_ERR_VALUE naming the first problem. A caller may ask before opening its outputs. */
hone_status hone_train_check(const hone_model *model, const hone_split *split, const hone_train_config *config,
                             hone_error *err);

typedef struct hone_epoch_stats {
    int epoch;            /* 1-based */
    int epochs;
    double train_loss, train_acc; /* running means over the epoch's batches */
    double dev_loss, dev_acc;     /* full pass over dev; NAN when there is no dev set */
    double lr;                    /* the learning rate this epoch started with */
    double grad_norm;             /* mean global L2 norm of the gradient (before clipping) */
    double seconds;               /* this epoch's training time (not evaluation) */
    double samples_per_s;
    int best_epoch;               /* early stopping: the epoch whose weights are kept so far */
    int stopped_early;            /* early stopping ended the run after this epoch */
} hone_epoch_stats;

typedef struct hone_batch_stats {
    int epoch, epochs;   /* 1-based */
    size_t batch;        /* 1-based, within the epoch */
    size_t batches;      /* per epoch */
    size_t rows_done;    /* training rows seen this epoch */
    double loss;         /* this batch's loss */
    double correct;      /* this batch's correct predictions (NAN for MSE) */
    int rows;            /* rows in this batch */
    double lr;           /* rate used for this step */
    double seconds;      /* since the epoch began */
} hone_batch_stats;

typedef struct hone_train_state hone_train_state; /* below, with checkpoints */

/* What the caller hears while training runs; every field may be NULL. */
typedef struct hone_train_hooks {
    void (*on_epoch)(const hone_epoch_stats *stats, void *user); /* after each epoch's dev pass */
    void (*on_batch)(const hone_batch_stats *stats, void *user); /* after each step: keep it cheap */
    /* Every stats_every steps (0: never): per-layer statistics after that step, out [n_layers]. */
    void (*on_layer_stats)(const hone_layer_stats *stats, int n_layers, uint64_t step, int epoch, void *user);
    int stats_every;
    void *user;
    /* Checked after every batch and at every epoch's end: non-zero ends training there (signal
     * handlers set it). hone_train then returns HONE_OK with the epochs completed so far. */
    volatile int *stop;
    /* Where a checkpoint can be taken: after every epoch (after on_epoch), and where the stop flag
     * ends training (state->interrupted set). state is the loop's own, valid during the call;
     * hone_checkpoint_save writes it. Not called for a diverged batch, so the last checkpoint
     * written stays the last good one. Returning other than HONE_OK (err filled: it is never
     * NULL here, though the caller of hone_train gave none) ends training with that status. */
    hone_status (*on_checkpoint)(const hone_train_state *state, void *user, hone_error *err);
} hone_train_hooks;

/* Trains model on split->train, evaluating split->dev after every epoch. stats_out, if not NULL,
 * receives the last completed epoch's figures (all zero, epoch 0, when none was completed).
 * HONE_ERR_VALUE for what hone_train_check refuses (a NaN or infinite feature among them, never
 * a divergence), before the first step. HONE_ERR_DIVERGED for a loss, gradient, weight or statistic of training that is not finite,
 * and for a dev row whose outputs overflow (hone_model_evaluate's, "diverged at epoch E, on the
 * dev rows: ..."), whose NaN loss early stopping and the plateau schedule could not compare. */
hone_status hone_train(hone_model *model, const hone_split *split, const hone_train_config *config,
                       const hone_train_hooks *hooks, hone_epoch_stats *stats_out, hone_error *err);

/* ---------------------------------------------------------------------------------------------
 * Checkpoints: everything a run holds between two batches, so that a run stopped (or killed) and
 * resumed ends with the very model, bit for bit, that it would have reached without the stop
 * (same seed, same machine and thread count). A checkpoint file is a model file (the same
 * tensors, names and metadata) plus tensors named "hone.*" and a "hone.checkpoint" metadata
 * entry; see docs/design.md. It is written atomically, like a model.
 * ------------------------------------------------------------------------------------------- */
struct hone_train_state {
    hone_model *model;        /* weights, buffers, bn_batches, optimizer state and steps, and
                                 model->rng, the dropout masks' generator */
    hone_train_config config; /* the run's configuration; a resumed run must have the same
                                 (but for settings it does not read: see hone_train_resume) */
    int epoch;                /* epochs completed */
    size_t batch;             /* batches done of epoch `epoch + 1` (0: not begun) */
    size_t n_train;           /* training rows */
    size_t *order;            /* [n_train] dataset rows in the order of the epoch in progress, or
                                 at an epoch's end of that epoch (the next one reshuffles it) */
    hone_rng rng;             /* shuffling and augmentation */
    uint64_t train_checksum;  /* the training split: which rows, in which order, their contents */
    size_t n_dev;
    uint64_t dev_checksum;
    double plateau_lr;        /* the plateau schedule's rate, */
    double plateau_best;      /* the best dev loss it has seen, */
    int plateau_bad_epochs;   /* and the epochs since */
    int best_epoch;           /* early stopping: the best epoch so far (0: none yet), */
    int bad_epochs;           /* the epochs since, */
    double best_metric;       /* its dev metric, */
    hone_real *best_params;   /* [n_params] its weights (when best_epoch > 0), */
    hone_real *best_buffers;  /* [n_buffers] its running statistics */
    uint64_t best_bn_batches;
    double loss_sum;          /* the epoch in progress: sum of loss x rows, */
    double norm_sum;          /* of gradient norms, */
    size_t correct;           /* correct predictions, */
    double seconds;           /* and training time so far */
    hone_epoch_stats last;    /* the last completed epoch's figures (epoch 0: none yet) */
    int interrupted;          /* in on_checkpoint: 1 where the stop flag ends training */
};

/* Writes state (its model included) to path, atomically. */
hone_status hone_checkpoint_save(const hone_train_state *state, const char *path, hone_error *err);
/* Reads a checkpoint into model and state: model must have the checkpoint's architecture and
 * settings (dropout, batch norm momentum, L2, L1, and decay_bias when L2 or L1 is not 0;
 * HONE_ERR_VALUE naming the first difference)
 * and receives its weights, buffers, standardization (with the image shape), optimizer state and
 * steps, dropout generator, config_json and checksums (the HONE_CHECKSUM_* bits verified, as
 * hone_model_load records them). state->model is set to model; free state with
 * hone_train_state_free. A model file is not a checkpoint, nor a checkpoint a model file: each
 * loader says so. */
hone_status hone_checkpoint_load(hone_train_state *state, hone_model *model, const char *path, hone_error *err);
/* Frees what hone_checkpoint_load allocated in state (not the struct, not the model). */
void hone_train_state_free(hone_train_state *state);

/* hone_train from a checkpoint's state: from the batch after the one where it was taken, with
 * the same order of rows, generators, optimizer, schedule and early-stopping state. config and
 * split must be the checkpoint's (HONE_ERR_VALUE naming what differs), but for the settings
 * that config's optimizer, schedule and early stopping do not read, which change nothing (beta1
 * of SGD, momentum_ewma of Adam, the cosine schedule's rate, min_delta with early stopping off);
 * so must the image shape of the training data be the checkpoint's, where both know one. from
 * may be NULL (then this is hone_train). */
hone_status hone_train_resume(hone_model *model, const hone_split *split, const hone_train_config *config,
                              const hone_train_hooks *hooks, const hone_train_state *from,
                              hone_epoch_stats *stats_out, hone_error *err);

/* Bias and variance (the basic recipe): avoidable bias = train_error - base_error, variance =
 * dev_error - train_error, errors as fractions (1 - accuracy, or a loss for regression). A gap is
 * high when it exceeds tolerance (absolute; a negative or NaN tolerance means
 * HONE_DIAGNOSE_TOLERANCE) and also HONE_DIAGNOSE_RELATIVE times the error it is measured from
 * (base for bias, train for variance), so noise between two large errors does not count. A NaN
 * gap (no dev set) never counts; a NaN base is 0. *advice, if not NULL, receives the recipe's
 * advice for the case (a static string). */
#define HONE_DIAGNOSE_TOLERANCE 0.02
#define HONE_DIAGNOSE_RELATIVE 0.1
typedef enum hone_diagnosis {
    HONE_DIAGNOSIS_FINE = 0,          /* both gaps small */
    HONE_DIAGNOSIS_HIGH_BIAS = 1,     /* underfits: bigger network, train longer */
    HONE_DIAGNOSIS_HIGH_VARIANCE = 2, /* overfits: more data, regularization, architecture */
    HONE_DIAGNOSIS_BOTH = 3,          /* bias first, then variance */
} hone_diagnosis;

hone_diagnosis hone_diagnose(double train_error, double dev_error, double base_error, double tolerance,
                             const char **advice);
const char *hone_diagnosis_name(hone_diagnosis diagnosis); /* "fine", "high bias", ... */
/* The bar a gap must pass for hone_diagnose to call it high, measured from reference (base error
 * for bias, train error for variance): the tolerance as hone_diagnose takes it, or
 * HONE_DIAGNOSE_RELATIVE times |reference| where that is larger (a NaN reference adds nothing). */
double hone_diagnose_bar(double reference, double tolerance);

/* ---------------------------------------------------------------------------------------------
 * Hyperparameter search: random search, coarse to fine. Each parameter has a kind that says how
 * its range is sampled; scales (learning rate, L2 lambda) are sampled log-uniformly so every
 * decade gets the same share of trials, and betas through 1 - beta, which sets the averaging
 * window 1 / (1 - beta): [0.9, 0.999] is 1 - 10^U(-3, -1), half the trials in [0.9, 0.99].
 * After a round, hone_param_narrow shrinks each range around the best trials' values.
 * A value is a double: the number itself, or for CHOICE the index of the choice.
 * ------------------------------------------------------------------------------------------- */
typedef enum hone_param_kind {
    HONE_PARAM_LOG = 1,           /* 10^U(log10 lo, log10 hi); 0 < lo < hi          "log 1e-4 1" */
    HONE_PARAM_ONE_MINUS_LOG = 2, /* 1 - 10^U(log10(1 - hi), log10(1 - lo)); 0 <= lo < hi < 1
                                                                                "1-log 0.9 0.999" */
    HONE_PARAM_UNIFORM = 3,       /* U(lo, hi)                                       "uniform 0 0.5" */
    HONE_PARAM_INT = 4,           /* an integer in [lo, hi], each equally likely       "int 32 256" */
    HONE_PARAM_CHOICE = 5,        /* one of up to 32 words, each equally likely  "choice adam sgd" */
} hone_param_kind;

#define HONE_PARAM_MAX_CHOICES 32
#define HONE_PARAM_TEXT_MAX 128

typedef struct hone_param {
    char name[HONE_PARAM_TEXT_MAX];
    hone_param_kind kind;
    double lo, hi;   /* the range sampled now (narrowing shrinks it) */
    double min, max; /* the range of the spec, which narrowing never leaves */
    int n_choices;
    char choices[HONE_PARAM_MAX_CHOICES][HONE_PARAM_TEXT_MAX];
    unsigned char active[HONE_PARAM_MAX_CHOICES]; /* CHOICE: 1 while still sampled */
} hone_param;

/* Parses "KIND ARGS" (the examples above; kinds log, 1-log, uniform, int, choice). Errors name
 * the parameter: "lr: log: the range must be positive (0 < LO < HI), got LO 0". */
hone_status hone_param_parse(hone_param *param, const char *name, const char *spec, hone_error *err);
/* One value drawn from param's current range with rng: always in [lo, hi], however wide. */
double hone_param_sample(const hone_param *param, hone_rng *rng);
/* The value as an option value: LOG and UNIFORM to 3 significant digits ("0.00123"),
 * ONE_MINUS_LOG to 3 significant digits of 1 - beta ("0.99937"), in both cases more where 3 would
 * round a value of the spec's range [min, max] out of it (uniform 0.99 0.9999: 0.9998, not 1);
 * INT as an integer, CHOICE as its word. Returns what snprintf returns. */
int hone_param_format(const hone_param *param, double value, char *buf, size_t cap);
/* The value a text means (a number, or for CHOICE the index of the word); HONE_ERR_VALUE when it
 * is not one of param's values: not a choice, or a number outside the spec's range [min, max]. */
hone_status hone_param_value(const hone_param *param, const char *text, double *value, hone_error *err);
/* Narrows param around best[0..k), the values of the best trials: the range becomes their span
 * widened on each side by margin times the current width (both in log10 space for LOG, of
 * 1 - x for ONE_MINUS_LOG), clamped to the spec's range [min, max]; INT rounds outward; CHOICE
 * keeps the choices among best. The best values always stay inside. */
hone_status hone_param_narrow(hone_param *param, const double *best, int k, double margin, hone_error *err);

#endif /* HONE_H */
