/* test_data.c - the data layer: IDX, CSV and NPY loaders (good files and every kind of bad one),
 * and train/dev/test splits. Fixtures are written byte by byte here, so each test shows exactly
 * what it feeds the loader. */
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* Asserts a call failed with code and that the message contains both fragments (typically the
 * file's path and the problem); expect_error_field also that the error names want_field
 * (hone_error.field). */
#define expect_error(call, want_code, frag1, frag2) expect_error_field(call, want_code, NULL, frag1, frag2)
#define expect_error_field(call, want_code, want_field, frag1, frag2)                                \
    do {                                                                                           \
        hone_error err_ = {0};                                                                     \
        hone_error *err = &err_;                                                                   \
        hone_status st_ = (call);                                                                  \
        const char *field_ = (want_field);                                                         \
        if (st_ != (want_code) || err_.code != (want_code) || !strstr(err_.message, (frag1)) ||   \
            !strstr(err_.message, (frag2)) || (field_ && (!err_.field || strcmp(err_.field, field_)))) \
            fail_msg("%s:%d: status %d (want %d), message \"%s\" (want \"%s\" and \"%s\"), field %s (want %s)", \
                     __FILE__, __LINE__, (int)st_, (int)(want_code), err_.message, (frag1), (frag2),     \
                     err_.field ? err_.field : "none", field_ ? field_ : "any");                    \
        (void)err;                                                                                 \
    } while (0)

#define expect_ok(call)                                                                            \
    do {                                                                                           \
        hone_error err_ = {0};                                                                     \
        hone_error *err = &err_;                                                                   \
        hone_status st_ = (call);                                                                  \
        if (st_ != HONE_OK) fail_msg("%s:%d: %s", __FILE__, __LINE__, err_.message);               \
        (void)err;                                                                                 \
    } while (0)

/* ---------------------------------------------------------------------------------------------
 * Fixture writers
 * ------------------------------------------------------------------------------------------- */

/* IDX bytes: magic 0 0 type rank, big-endian dims, then n data bytes. Returns the length. */
static size_t idx_bytes(uint8_t *out, uint8_t type, int rank, const uint32_t *dims,
                        const uint8_t *data, size_t n) {
    size_t k = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = type;
    out[k++] = (uint8_t)rank;
    for (int i = 0; i < rank; i++) {
        out[k++] = (uint8_t)(dims[i] >> 24);
        out[k++] = (uint8_t)(dims[i] >> 16);
        out[k++] = (uint8_t)(dims[i] >> 8);
        out[k++] = (uint8_t)dims[i];
    }
    if (n) memcpy(out + k, data, n);
    return k + n;
}

static const char *write_gz(const char *name, const void *bytes, size_t n) {
    const char *path = th_path(name);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, bytes, (unsigned)n), (int)n);
    assert_int_equal(gzclose(gz), Z_OK);
    return path;
}

/* The gzip form of bytes with its last drop compressed bytes cut off: a download that stopped
 * short. drop 8 leaves every byte of data and cuts only the stream's trailer (CRC and length). */
static const char *write_gz_cut(const char *name, const void *bytes, size_t n, size_t drop) {
    const char *path = write_gz(name, bytes, n);
    size_t gn;
    unsigned char *gz = th_read(path, &gn);
    assert_true(drop < gn);
    path = th_write(name, gz, gn - drop);
    free(gz);
    return path;
}

/* NPY bytes for a header dict, padded as numpy pads it (to 64 bytes, ending in a newline). */
static size_t npy_bytes(uint8_t *out, int major, const char *dict, const void *data, size_t n) {
    size_t pre = major == 1 ? 10 : 12, len = strlen(dict);
    size_t hl = len + 1;
    hl += (64 - (pre + hl) % 64) % 64;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (uint8_t)major;
    out[7] = 0;
    for (size_t i = 0; i < pre - 8; i++) out[8 + i] = (uint8_t)(hl >> (8 * i));
    memcpy(out + pre, dict, len);
    memset(out + pre + len, ' ', hl - len - 1);
    out[pre + hl - 1] = '\n';
    if (n) memcpy(out + pre + hl, data, n);
    return pre + hl + n;
}

static const char *write_npy(const char *name, int major, const char *dict, const void *data, size_t n) {
    uint8_t *buf = malloc(n + 256 + strlen(dict));
    assert_non_null(buf);
    size_t len = npy_bytes(buf, major, dict, data, n);
    const char *path = th_write(name, buf, len);
    free(buf);
    return path;
}

/* Three 2x2 images and their labels. */
static const uint8_t IMG[12] = {0, 1, 2, 3, 10, 11, 12, 13, 250, 251, 252, 255};
static const uint8_t LAB[3] = {0, 2, 1};

static void check_tiny_idx(const hone_dataset *d) {
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 4);
    assert_non_null(d->x_u8);
    assert_null(d->x);
    assert_memory_equal(d->x_u8, IMG, 12);
    assert_non_null(d->label);
    for (int i = 0; i < 3; i++) assert_int_equal(d->label[i], LAB[i]);
    assert_int_equal(d->n_classes, 3);
    assert_null(d->target);
    th_assert_close(hone_dataset_at(d, 2, 3), 255.0, 0);
}

/* ---------------------------------------------------------------------------------------------
 * IDX
 * ------------------------------------------------------------------------------------------- */

static void test_idx_plain(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    char img[512], lab[512];
    strcpy(img, th_write("img.idx", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    strcpy(lab, th_write("lab.idx", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3)));
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_idx(&d, img, lab, err));
    check_tiny_idx(d);
    hone_dataset_free(d);

    /* No labels: an unlabeled dataset. */
    expect_ok(hone_dataset_load_idx(&d, img, NULL, err));
    assert_null(d->label);
    assert_int_equal(d->n_classes, 0);
    hone_dataset_free(d);
    hone_dataset_free(NULL);
}

static void test_idx_gzip(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    char img[512], lab[512];
    /* Names without .gz: compression is detected from the content. */
    strcpy(img, write_gz("img-gz", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    strcpy(lab, write_gz("lab.idx1-ubyte.gz", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3)));
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_idx(&d, img, lab, err));
    check_tiny_idx(d);
    hone_dataset_free(d);
}

static void test_idx_rank1(void **state) {
    (void)state;
    uint8_t buf[64];
    uint32_t dims[1] = {3};
    const char *p = th_write("r1.idx", buf, idx_bytes(buf, 8, 1, dims, LAB, 3));
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_idx(&d, p, NULL, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 1);
    assert_int_equal(d->x_u8[1], 2);
    hone_dataset_free(d);
}

static void test_idx_bad_magic(void **state) {
    (void)state;
    const char *p = th_write_text("magic.idx", "PK\x03\x04 this is a zip");
    hone_dataset *d = (hone_dataset *)1;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": not an IDX file (magic 0x504b0304");
    assert_null(d);

    /* both leading bytes must be zero: one that is not is no IDX file, though the type byte and
     * the rest would read as one */
    p = th_write("magic1.idx", "\0\x01\x08\x01\0\0\0\x02\x05\x06", 10);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": not an IDX file (magic 0x00010801");
    assert_null(d);

    p = th_write("short.idx", "\0\0", 2);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "not an IDX file");
    p = th_write("empty.idx", "", 0);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "not an IDX file");
}

static void test_idx_bad_type(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[1] = {3};
    const char *p = th_write("float.idx", buf, idx_bytes(buf, 0x0D, 1, dims, IMG, 12));
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "IDX data type 0x0d (float32) is not supported");
    p = th_write("weird.idx", buf, idx_bytes(buf, 0x42, 1, dims, IMG, 3));
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "not an IDX file");
    p = th_write("rank0.idx", buf, idx_bytes(buf, 8, 0, dims, NULL, 0));
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "rank 0");
    uint32_t zero[2] = {0, 5};
    p = th_write("zero.idx", buf, idx_bytes(buf, 8, 2, zero, NULL, 0));
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "no image data");
}

static void test_idx_truncated(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2};
    size_t n = idx_bytes(buf, 8, 3, dims, IMG, 12);
    const char *p = th_write("trunc.idx", buf, n - 2);
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": truncated: expected 12 bytes of image data, got 10");
    p = write_gz("trunc.idx.gz", buf, n - 2);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": truncated: expected 12 bytes of image data, got 10");
    /* Cut inside the dimensions. */
    p = th_write("trunc-dims.idx", buf, 9);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "truncated: expected 12 bytes of dimensions, got 5");
    /* A gzip stream cut in the middle. */
    uint8_t big[4 + 8 + 4000];
    uint32_t bdims[2] = {40, 100};
    for (int i = 0; i < 4000; i++) big[12 + i] = (uint8_t)(i * 7);
    idx_bytes(big, 8, 2, bdims, big + 12, 4000);
    p = write_gz("cut.gz", big, sizeof big);
    size_t gn;
    unsigned char *gz = th_read(p, &gn);
    p = th_write("cut.gz", gz, gn / 2);
    free(gz);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": truncated or corrupt gzip data: the compressed stream ends early, after ");
    /* Cut inside the trailer: every byte of data is there, but the checksum that vouches for them
     * is not, which is as truncated as any other cut. */
    for (size_t drop = 1; drop <= 8; drop++) {
        p = write_gz_cut("cut-trailer.gz", big, sizeof big, drop);
        expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                     ": truncated or corrupt gzip data: the compressed stream ends early, after 4012 "
                     "decompressed bytes");
    }
    assert_null(d);
}

static void test_idx_trailing(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {2, 2, 2};
    const char *p = th_write("trail.idx", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "4 unexpected bytes after the 8 bytes of image data");
    p = write_gz("trail.gz", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "4 unexpected bytes after the 8 bytes of image data");
    /* Bytes after the gzip stream, which zlib's gzread skips: one, or a gzip magic's worth. A
     * second gzip member is more of the same file (gzip -dc reads on), here the data's last half. */
    const size_t n = idx_bytes(buf, 8, 3, dims, IMG, 8);
    size_t gn;
    unsigned char *gz = th_read(write_gz("whole.gz", buf, n), &gn);
    unsigned char more[512];
    assert_true(gn + 2 <= sizeof more);
    memcpy(more, gz, gn);
    free(gz);
    more[gn] = '\n';
    p = th_write("junk1.gz", more, gn + 1);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": 1 byte after the end of the gzip stream (24 bytes decompressed) is not gzip data");
    more[gn + 1] = 0x1f;
    p = th_write("junk2.gz", more, gn + 2);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": 2 bytes after the end of the gzip stream (24 bytes decompressed) are not gzip data");
    gz = th_read(write_gz("half1.gz", buf, n - 4), &gn);
    size_t gn2;
    unsigned char *gz2 = th_read(write_gz("half2.gz", buf + n - 4, 4), &gn2);
    assert_true(gn + gn2 <= sizeof more);
    memcpy(more, gz, gn);
    memcpy(more + gn, gz2, gn2);
    free(gz);
    free(gz2);
    p = th_write("members.gz", more, gn + gn2);
    expect_ok(hone_dataset_load_idx(&d, p, NULL, err));
    assert_int_equal(d->n, 2);
    assert_memory_equal(d->x_u8, IMG, 8);
    hone_dataset_free(d);
}

static void test_idx_labels(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {2}, l2[2] = {3, 1};
    char img[512];
    strcpy(img, th_write("img.idx", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    const char *lab = th_write("lab2.idx", buf, idx_bytes(buf, 8, 1, ldims, LAB, 2));
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, img, lab, err), HONE_ERR_FORMAT, lab, ": 2 labels for 3 images in");
    lab = th_write("labr2.idx", buf, idx_bytes(buf, 8, 2, l2, LAB, 3));
    expect_error(hone_dataset_load_idx(&d, img, lab, err), HONE_ERR_FORMAT, lab, "labels must have rank 1");
    lab = th_path("missing-labels.idx");
    expect_error(hone_dataset_load_idx(&d, img, lab, err), HONE_ERR_IO, lab, "No such file");
    assert_null(d);
}

static void test_idx_missing(void **state) {
    (void)state;
    const char *p = th_path("does-not-exist.idx");
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_IO, p, ": No such file or directory");
    p = th_path("");
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_IO, p, "Is a directory");
    /* a read that fails (Linux's /proc/self/mem at offset 0, unmapped) is an I/O error, named by
     * errno, not corrupt gzip data */
    expect_error(hone_dataset_load_idx(&d, "/proc/self/mem", NULL, err), HONE_ERR_IO, "/proc/self/mem: ",
                 strerror(EIO));
}

/* A header claiming 4e9 x 4e9 bytes (16 exabytes) must fail as truncated having allocated only
 * what the file holds: an attempt to allocate the claim would fail with NOMEM instead. */
static void test_idx_huge_header(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {4000000000u, 4000000000u, 1};
    size_t n = idx_bytes(buf, 8, 3, dims, IMG, 12);
    const char *p = th_write("huge.idx", buf, n);
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "truncated: expected 16000000000000000000 bytes of image data, got 12");
    p = write_gz("huge.gz", buf, n);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "truncated: expected 16000000000000000000 bytes of image data, got 12");
    /* Beyond size_t altogether. */
    uint32_t over[3] = {4000000000u, 4000000000u, 4000000000u};
    p = th_write("over.idx", buf, idx_bytes(buf, 8, 3, over, IMG, 12));
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, "too large");
    assert_null(d);
}

/* ---------------------------------------------------------------------------------------------
 * CSV
 * ------------------------------------------------------------------------------------------- */

static hone_dataset *csv_ok(const char *name, const char *text, const hone_csv_options *o) {
    const char *p = th_write_text(name, text);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_csv(&d, p, o, err));
    return d;
}

/* hone_dataset_load_any picks the reader from the path: a directory of IDX files, a CSV file
 * (any case, gzip-compressed or not), an NPY file, else IDX images. */
static void test_load_any_picks_the_reader(void **state) {
    (void)state;
    const char *csv = "a,b,y\n1,2,0\n3,4,1\n5,6,2\n";
    hone_data_source src = {.csv = hone_csv_options_default()};
    hone_dataset *train = NULL, *test = NULL;
    const char *paths[2] = {write_gz("any.CSV.gz", csv, strlen(csv)), th_write_text("any.Csv", csv)};
    for (int i = 0; i < 2; i++) {
        src.path = paths[i];
        expect_ok(hone_dataset_load_any(&train, &test, &src, err));
        assert_int_equal(train->n, 3);
        assert_int_equal(train->d, 2);
        assert_null(test);
        hone_dataset_free(train);
    }
    uint8_t buf[256];
    char img[512], lab[512];
    src.path = write_npy("any.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2, 2), }", IMG, 12);
    expect_ok(hone_dataset_load_any(&train, &test, &src, err));
    assert_int_equal(train->n, 3);
    assert_memory_equal(train->x_u8, IMG, 12);
    hone_dataset_free(train);
    /* an IDX images file, and a directory holding the MNIST names (no t10k: no test set) */
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    strcpy(img, th_write("any-images", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    strcpy(lab, write_gz("any-labels.gz", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3)));
    src.path = img;
    src.labels = lab;
    expect_ok(hone_dataset_load_any(&train, &test, &src, err));
    check_tiny_idx(train);
    hone_dataset_free(train);
    char dir[512];
    strcpy(dir, th_path("mnist-dir"));
    assert_int_equal(mkdir(dir, 0700), 0);
    th_write("mnist-dir/train-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    write_gz("mnist-dir/train-labels-idx1-ubyte.gz", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3));
    src.path = dir;
    src.labels = NULL;
    expect_ok(hone_dataset_load_any(&train, &test, &src, err));
    check_tiny_idx(train);
    assert_null(test);
    hone_dataset_free(train);
    /* IDX labels are class indices: regression asked of them is refused (it was read as classes),
     * naming the labels file, or the directory */
    src.regression = 1;
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_VALUE, dir,
                 ": IDX labels are class indices (unsigned bytes), not regression targets");
    assert_null(train);
    src.path = img;
    src.labels = lab;
    expect_error_field(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_VALUE, "regression", lab,
                       ": IDX labels are class indices");
    assert_null(train);
    src.regression = 0;

    /* hone_dataset_format_of names the same choice, so a caller can tell whether a labels file
     * would be read (only for NPY and IDX images). */
    const struct {
        const char *path;
        hone_dataset_format format;
    } kinds[] = {{th_path("any.CSV.gz"), HONE_DATASET_FORMAT_CSV}, {th_path("any.Csv"), HONE_DATASET_FORMAT_CSV},
                 {th_path("any.npy"), HONE_DATASET_FORMAT_NPY}, {img, HONE_DATASET_FORMAT_IDX},
                 {dir, HONE_DATASET_FORMAT_IDX_DIR}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        hone_dataset_format format = 0;
        expect_ok(hone_dataset_format_of(kinds[i].path, &format, err));
        assert_int_equal(format, kinds[i].format);
    }
    /* a file read as IDX for want of a .csv or .npy name says what it looks like */
    const struct {
        const char *name, *head, *says;
    } others[] = {{"arrays.npz", "PK\x03\x04rest", ": it is a zip archive (an .npz?), which hone does not read"},
                  {"table.txt", "a,b,label\n1,2,0\n", ": it looks like text; a CSV file needs the .csv name"},
                  {"array-no-suffix", "\x93NUMPY\x01\x00", ": it is an NPY file; name it .npy"}};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        src.path = th_write(others[i].name, others[i].head, strlen(others[i].head));
        src.labels = NULL;
        expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, ": not an IDX file",
                     others[i].says);
    }
    /* labels are read as their images are, whatever their name: y.npy beside IDX images is not told
     * to take the name it has */
    src.path = img;
    src.labels = th_write("y.npy", "\x93NUMPY\x01\x00", 8);
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, src.labels,
                 ": it is an NPY file; the data and its labels are both .npy or both IDX");
    /* a file named ".csv" and nothing before it is a CSV file too (the name is the suffix) */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    th_write_text(".csv", csv);
    assert_int_equal(chdir(th_path("")), 0);
    hone_dataset_format format = 0;
    hone_error e = {0};
    const hone_status st = hone_dataset_format_of(".csv", &format, &e);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, HONE_OK);
    assert_int_equal(format, HONE_DATASET_FORMAT_CSV);
    const char *missing = th_path("missing.csv");
    expect_error(hone_dataset_format_of(missing, &format, err), HONE_ERR_IO, missing, ": No such file");
    expect_error(hone_dataset_format_of("", &format, err), HONE_ERR_VALUE, "no data path given", "");
}

static void test_csv_no_header(void **state) {
    (void)state;
    hone_csv_options o = hone_csv_options_default();
    o.header = 0;
    hone_dataset *d = csv_ok("nh.csv", "1,2,0\n3.5,-4e1,1\n0,0,4\n", &o);
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 2);
    assert_null(d->x_u8);
    th_assert_close(d->x[0], 1, 0);
    th_assert_close(d->x[2], 3.5, 0);
    th_assert_close(d->x[3], -40, 0);
    assert_int_equal(d->label[0], 0);
    assert_int_equal(d->label[2], 4);
    assert_int_equal(d->n_classes, 5);
    assert_null(d->target);
    hone_dataset_free(d);
}

static void test_csv_header_detect(void **state) {
    (void)state;
    /* Default options: header detected, label the last column. */
    hone_dataset *d = csv_ok("h.csv", "a,b,label\n1,2,0\n3,4,1\n", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 2);
    th_assert_close(d->x[3], 4, 0);
    assert_int_equal(d->label[1], 1);
    hone_dataset_free(d);
    /* An all-numeric first row is data. */
    d = csv_ok("nh2.csv", "1,2,0\n3,4,1\n", NULL);
    assert_int_equal(d->n, 2);
    hone_dataset_free(d);
    /* header = 1 forces even a numeric first row to be names. */
    hone_csv_options o = hone_csv_options_default();
    o.header = 1;
    d = csv_ok("h1.csv", "1,2,0\n3,4,1\n", &o);
    assert_int_equal(d->n, 1);
    hone_dataset_free(d);
    /* A first row with any number in it is data: one missing value does not make it a header
     * (it was dropped as one), it fails on that value, saying why the row was read as data. */
    const char *p = th_write_text("na.csv", "1,NA,0\n2,3,1\n4,5,0\n");
    d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 1, column 2: not a number: \"NA\" (the row has numbers, so it is data, not a "
                 "header: a header has no numeric field)");
    p = th_write_text("numnames.csv", "0,1,label\n2,3,1\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 1, column 3: not a number: \"label\" (the row has numbers");
    o = hone_csv_options_default();
    o.label_name = "label";
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p,
                 ": no column named 'label': the first row has numbers, so it is data and there is no header");
    assert_null(d);
    /* Said once, for the first row only; forced settings keep their meaning. */
    p = th_write_text("na2.csv", "1,2,0\n3,NA,1\n");
    hone_error e = {0};
    assert_int_equal(hone_dataset_load_csv(&d, p, NULL, &e), HONE_ERR_FORMAT);
    const char *tail = ": line 2, column 2: not a number: \"NA\"";
    size_t ml = strlen(e.message), tl = strlen(tail);
    assert_true(ml > tl);
    assert_string_equal(e.message + ml - tl, tail);
    o = hone_csv_options_default();
    o.header = 1;
    d = csv_ok("na-yes.csv", "1,NA,0\n2,3,1\n4,5,0\n", &o);
    assert_int_equal(d->n, 2);
    hone_dataset_free(d);
    d = NULL;
    o.header = 0;
    p = th_write_text("na-no.csv", "1,NA,0\n2,3,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, ": line 1, column 2: not a number: \"NA\"");
    /* Every field text (empty ones too) is still a header. */
    d = csv_ok("text.csv", "x,,label\n1,2,0\n", NULL);
    assert_int_equal(d->n, 1);
    hone_dataset_free(d);
    /* a NUL byte would end its field unseen ("6\\0" read as 6): refused, naming its line */
    static const char with_nul[] = "a,b,label\n1,2,0\n5,6\0,0\n";
    p = th_write("nul.csv", with_nul, sizeof with_nul - 1);
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 3: a NUL byte (byte 20): not a text file");
    assert_null(d);
    /* a row of non-finite numbers alone is data, refused, not a header that vanishes */
    p = th_write_text("allnan.csv", "nan,nan,nan\n1,2,0\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 1, column 1");
    assert_null(d);
    /* so are names that read as numbers but not finite ones, which no data row may hold */
    d = csv_ok("nan-name.csv", "id,nan,inf,label\n1,2,3,0\n4,5,6,1\n", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 3);
    hone_dataset_free(d);
}

static void test_csv_label_column(void **state) {
    (void)state;
    hone_csv_options o = hone_csv_options_default();
    o.label_name = "y";
    hone_dataset *d = csv_ok("byname.csv", "x1,y,x2\n1,2,3\n4,0,6\n", &o);
    assert_int_equal(d->d, 2);
    assert_non_null(d->feature_names); /* the header's, the label's left out */
    assert_string_equal(d->feature_names[0], "x1");
    assert_string_equal(d->feature_names[1], "x2");
    th_assert_close(d->x[0], 1, 0);
    th_assert_close(d->x[1], 3, 0);
    th_assert_close(d->x[3], 6, 0);
    assert_int_equal(d->label[0], 2);
    assert_int_equal(d->label[1], 0);
    assert_int_equal(d->n_classes, 3);
    hone_dataset_free(d);

    o = hone_csv_options_default();
    o.label_index = 0;
    d = csv_ok("byindex.csv", "1,2,3\n0,5,6\n", &o);
    assert_null(d->feature_names); /* no header, no names */
    assert_int_equal(d->label[0], 1);
    th_assert_close(d->x[0], 2, 0);
    th_assert_close(d->x[3], 6, 0);
    hone_dataset_free(d);

    const char *p = th_write_text("cols.csv", "a,b,c,d,e,f,g,h,i,j,k\n1,2,3,4,5,6,7,8,9,10,0\n");
    o = hone_csv_options_default();
    o.label_name = "q";
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, ": no column named 'q'");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, "'h', ...", "11 in all");
    assert_null(d);
    p = th_write_text("nohead.csv", "1,2,0\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, "no column named 'q'");
    o.header = 0;
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p, "header = 0");
    o = hone_csv_options_default();
    o.label_index = 3;
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": label column 3 is out of range: the rows have 3 columns (0..2, or -1 for the last)");
    p = th_write_text("dup.csv", "y,y,z\n1,2,3\n");
    o = hone_csv_options_default();
    o.label_name = "y";
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, "ambiguous");
}

/* Several target columns (label_columns): by name or index, mixed, become data->target's columns
 * in the order given, whichever order the file has them in; the rest are the features, in the
 * file's order, with their names. Each way of naming a column the reader refuses alone is
 * refused in a list too, and so are a column given twice (in the same words or in two), a label
 * in every column, and several columns for class labels. */
static void test_csv_label_columns(void **state) {
    (void)state;
    const hone_csv_column rent_price[2] = {{"r", 0}, {NULL, 1}};
    hone_csv_options o = hone_csv_options_default();
    o.regression = 1;
    o.label_columns = rent_price;
    o.n_label_columns = 2;
    hone_dataset *d = csv_ok("targets.csv", "a,p,b,r,c\n1,10,2,20,3\n4,40,5,50,6\n7,70,8,80,9.5\n", &o);
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 3);
    assert_int_equal(d->t, 2);
    assert_null(d->label);
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9.5}, y[6] = {20, 10, 50, 40, 80, 70};
    for (int i = 0; i < 9; i++) th_assert_close(d->x[i], x[i], 0);
    for (int i = 0; i < 6; i++) th_assert_close(d->target[i], y[i], 0);
    assert_string_equal(d->feature_names[0], "a");
    assert_string_equal(d->feature_names[1], "b");
    assert_string_equal(d->feature_names[2], "c");
    assert_non_null(d->target_columns);
    assert_int_equal(d->target_columns[0], 3);
    assert_int_equal(d->target_columns[1], 1);
    assert_int_equal(d->label_column, 3);
    hone_dataset_free(d);

    /* by index alone, -1 the last, in a file without a header; rows past the first row's guess */
    const hone_csv_column last_first[2] = {{NULL, -1}, {NULL, 0}};
    o.label_columns = last_first;
    char text[4096] = "1000.0000,2000.0000,3000.0000,4000.0000\n";
    for (int i = 0; i < 200; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d,%d,%d\n", i, -i, 2 * i, 3 * i);
    d = csv_ok("targets-nohead.csv", text, &o);
    assert_int_equal(d->n, 201);
    assert_int_equal(d->d, 2);
    assert_int_equal(d->t, 2);
    assert_null(d->feature_names);
    th_assert_close(d->target[0], 4000, 0);
    th_assert_close(d->target[1], 1000, 0);
    th_assert_close(d->target[2 * 200], 3 * 199, 0);
    th_assert_close(d->target[2 * 200 + 1], 199, 0);
    th_assert_close(d->x[2 * 200], -199, 0);
    th_assert_close(d->x[2 * 200 + 1], 2 * 199, 0);
    hone_dataset_free(d);

    /* one column in the list is that column, class labels too */
    const hone_csv_column just_p[1] = {{"p", 0}};
    o = hone_csv_options_default();
    o.label_columns = just_p;
    o.n_label_columns = 1;
    d = csv_ok("one-listed.csv", "a,p,b\n1,2,3\n4,0,6\n", &o);
    assert_int_equal(d->d, 2);
    assert_int_equal(d->label[0], 2);
    assert_int_equal(d->n_classes, 3);
    assert_null(d->target);
    assert_null(d->target_columns);
    hone_dataset_free(d);

    /* a second target that collapses in float32 is the second */
    const hone_csv_column y0_y1[2] = {{"y0", 0}, {"y1", 0}}, y1_y0[2] = {{"y1", 0}, {"y0", 0}};
    o.regression = 1;
    o.label_columns = y0_y1;
    o.n_label_columns = 2;
    const char *collapsing = "a,y0,y1\n1,5,100000000.5\n2,6,100000001\n";
    d = csv_ok("collapse-y2.csv", collapsing, &o);
    assert_int_equal(d->collapsed_target, TH_DOUBLE ? 0 : 2);
    hone_dataset_free(d);
    o.label_columns = y1_y0;
    d = csv_ok("collapse-y2.csv", collapsing, &o);
    assert_int_equal(d->collapsed_target, TH_DOUBLE ? 0 : 1);
    hone_dataset_free(d);

    d = NULL;
    const char *p = th_write_text("targets-bad.csv", "a,p,b,r,c\n1,10,2,20,3\n");
    const hone_csv_column twice[2] = {{"r", 0}, {"r", 0}}, name_and_index[2] = {{"r", 0}, {NULL, 3}},
                          last_twice[2] = {{NULL, 4}, {NULL, -1}}, beyond[2] = {{"r", 0}, {NULL, 5}},
                          unknown[2] = {{"r", 0}, {"q", 0}};
    o.label_columns = twice;
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": label column 'r' is given twice");
    o.label_columns = name_and_index;
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": label columns 'r' and 3 are the same column (index 3)");
    o.label_columns = last_twice;
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": label columns 4 and -1 are the same column (index 4)");
    o.label_columns = beyond;
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": label column 5 is out of range: the rows have 5 columns (0..4, or -1 for the last)");
    o.label_columns = unknown;
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, ": no column named 'q' (columns: 'a', 'p'");
    o.label_columns = y0_y1;
    p = th_write_text("targets-only.csv", "y0,y1\n1,2\n");
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       ": the 2 label columns are all the rows' columns: none is left for features");
    p = th_write_text("targets-nohead2.csv", "1,2,3\n");
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, "header", p,
                       ": no column named 'y0': the first row has numbers, so it is data and there is no header");
    o.regression = 0; /* classes come from one column */
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "regression", p,
                       ": 2 label columns: class labels come from one column; several are regression targets");
    o.regression = 1;
    o.label_columns = NULL;
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p, ": 2 label columns, and label_columns NULL");
    assert_null(d);
}

static void test_csv_ragged(void **state) {
    (void)state;
    const char *p = th_write_text("ragged.csv", "a,b,c\n1,2,0\n3,4\n");
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 3: expected 3 fields, got 2");
    p = th_write_text("ragged2.csv", "1,2,0\n3,4,5,6\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 2: expected 3 fields, got 4");
    p = th_write_text("onecol.csv", "1\n2\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, "need at least 2");
    assert_null(d);
    /* a quoted delimiter is split like any other: where a quote is, the count says it may be one
     * (a thousands separator, a header's "price, USD"), and where none is, it does not */
    p = th_write_text("quoted.csv", "a,b,y\n1,2,\"1,234.5\"\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, ": line 2: expected 3 fields, got 4",
                 " (a quoted field with a ',' inside? quotes do not keep it from splitting the field)");
    p = th_write_text("quoted-header.csv", "\"price, USD\",b,y\n1,2,3\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, ": line 2: expected 4 fields, got 3",
                 "(a quoted field with a ',' inside?");
    hone_error plain;
    assert_int_equal(hone_dataset_load_csv(&d, th_write_text("ragged3.csv", "a,b,y\n1,2,3,4\n"), NULL, &plain),
                     HONE_ERR_FORMAT);
    assert_non_null(strstr(plain.message, ": line 2: expected 3 fields, got 4"));
    assert_null(strstr(plain.message, "quoted"));
    assert_null(d);
}

static void test_csv_not_a_number(void **state) {
    (void)state;
    const char *p = th_write_text("nan.csv", "a,pixel2,label\n1,2,0\n3,abc,1\n");
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 3, column 2 ('pixel2'): not a number: \"abc\"");
    hone_csv_options o = hone_csv_options_default();
    o.header = 0;
    p = th_write_text("partial.csv", "1,2,0\n3,4x,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 2: not a number: \"4x\"");
    p = th_write_text("emptyfield.csv", "1,2,0\n3,,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 2: not a number: \"\"");
    p = th_write_text("nanfield.csv", "1,2,0\n3,nan,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 2: not a finite");
    p = th_write_text("inffield.csv", "1,2,0\n-inf,1,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 1: not a finite");
    p = th_write_text("hugefield.csv", "1,2,0\n1e999,1,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_FORMAT, p, "line 2, column 1: not a finite");
    assert_null(d);
}

static void test_csv_bad_label(void **state) {
    (void)state;
    const char *p = th_write_text("neg.csv", "a,b,y\n1,2,0\n3,4,-1\n");
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 3, column 3 ('y'): label -1 is not a class index (an integer >= 0: classes count from 0; "
                 "for labels -1 and 1, map -1 to 0)"); /* -1/1 labels: a mapping away, not a regression */
    p = th_write_text("frac.csv", "1,2,0.5\n");
    expect_error_field(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, "label", p,
                       ": line 1, column 3: label 0.5 is not a class index (an integer >= 0)");
    assert_null(d);
    /* A class index no model can have (one output unit per class) is the file's error, not a
     * model's 'units must be in [1, 16777216]'. The largest one that can is read. */
    p = th_write_text("big.csv", "a,b,label\n1,2,0\n3,4,2000000000\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 3, column 3 ('label'): label 2000000000 is above the largest class index a model "
                 "can have, 16777215 (one output unit per class, at most 16777216)");
    p = th_write_text("past.csv", "1,2,16777216\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": label 16777216 is above");
    assert_null(d);
    d = csv_ok("top.csv", "1,2,16777215\n3,4,0\n", NULL);
    assert_int_equal(d->n_classes, HONE_MAX_UNITS);
    hone_dataset_free(d);
    /* The same column is fine as a regression target. */
    hone_csv_options o = hone_csv_options_default();
    o.regression = 1;
    d = csv_ok("reg.csv", "a,b,y\n1,2,-1.5\n3,4,0.25\n", &o);
    assert_null(d->label);
    assert_non_null(d->target);
    assert_int_equal(d->t, 1);
    th_assert_close(d->target[0], -1.5, 0);
    th_assert_close(d->target[1], 0.25, 0);
    hone_dataset_free(d);
}

static void test_csv_line_endings(void **state) {
    (void)state;
    /* \r\n, spaces, quotes, no final newline, trailing blank lines. */
    hone_dataset *d = csv_ok("crlf.csv", "\"a\", \"b\" ,label\r\n 1 , 2,0\r\n3,\"4\",1\r\n\r\n\n", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 2);
    th_assert_close(d->x[1], 2, 0);
    th_assert_close(d->x[3], 4, 0);
    assert_int_equal(d->label[1], 1);
    hone_dataset_free(d);
    d = csv_ok("nofinal.csv", "1,2,0\n3,4,1", NULL);
    assert_int_equal(d->n, 2);
    hone_dataset_free(d);
    /* A blank line between rows is an error, naming the line. */
    const char *p = th_write_text("blank.csv", "1,2,0\n\n3,4,1\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 2: empty line");
    /* Another delimiter. */
    hone_csv_options o = hone_csv_options_default();
    o.delimiter = ';';
    d = csv_ok("semi.csv", "a;b;y\n1.5;2;1\n", &o);
    th_assert_close(d->x[0], 1.5, 0);
    hone_dataset_free(d);
    o.delimiter = '.';
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p, "delimiter");
    /* A file of another separator is one field a line: the message says which it has. */
    p = th_write_text("semi-read-as-commas.csv", "a;b;y\n1.5;2;1\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 1: 1 field: need at least 2 (features and a label) (fields separated by ';'? the delimiter is ',')");
    p = th_write_text("tabs-read-as-commas.csv", "1\t2\t0\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, "(fields separated by tab? the delimiter is ',')");
    /* Lines ended by CR alone are lines; a line starting with '#' is a comment (numpy.savetxt's
     * header), anywhere. */
    d = csv_ok("cr-only.csv", "a,b,label\r1,2,0\r3,4,1\r", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 2);
    th_assert_close(d->x[2], 3, 0);
    assert_int_equal(d->label[1], 1);
    hone_dataset_free(d);
    /* and so they are when an editor ended the file with one LF (the file was one line, of data
     * for its numbers, and "a" was not a number) */
    d = csv_ok("cr-only-lf.csv", "a,b,label\r1,2,0\r3,4,1\n", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->label[1], 1);
    assert_string_equal(d->feature_names[1], "b");
    hone_dataset_free(d);
    p = th_write_text("hex.csv", "a,b,label\n1,0x10,0\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 2, column 2 ('b'): not a number: \"0x10\"");
    /* Control characters in a field or a name are shown escaped: a CR printed raw sent the cursor
     * back, and the message read: not a number: "2" */
    p = th_write_text("mid-cr.csv", "a,b\x1b,label\n1,2\r,0\n3,4,1\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 2 ('b\\x1b'): not a number: \"2\\r\"");
    p = th_write_text("mid-tab.csv", "a,b,label\n1,2\t3,0\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 2, column 2 ('b'): not a number: \"2\\t3\"");
    d = csv_ok("comments.csv", "# a,b,label\n1,2,0\n# more\n3,4,1\n#\n", NULL);
    assert_int_equal(d->n, 2);
    th_assert_close(d->x[2], 3, 0);
    hone_dataset_free(d);
    /* numpy.savetxt's header behind '#' is the header: its names are found */
    o = hone_csv_options_default();
    o.label_name = "label";
    d = csv_ok("savetxt.csv", "# label,a,b\n1,0.5,2\n0,0.25,4\n", &o);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->label[0], 1);
    th_assert_close(d->x[1], 2, 0);
    hone_dataset_free(d);
    /* a commented-out row of numbers stays a comment, even with header = 1; a comment of another
     * width before the header is a comment */
    d = csv_ok("commented-row.csv", "# 9,9,1\n1,2,0\n3,4,1\n", NULL);
    assert_int_equal(d->n, 2);
    th_assert_close(d->x[0], 1, 0);
    hone_dataset_free(d);
    o = hone_csv_options_default();
    o.header = 1;
    d = csv_ok("commented-row-header.csv", "# 9,9,1\na,b,label\n3,4,1\n", &o);
    assert_int_equal(d->n, 1);
    th_assert_close(d->x[0], 3, 0);
    hone_dataset_free(d);
    o.header = -1;
    o.label_name = "label";
    d = csv_ok("note-then-header.csv", "# exported by a tool\na,label,b\n1,1,2\n", &o);
    assert_int_equal(d->n, 1);
    assert_int_equal(d->label[0], 1);
    hone_dataset_free(d);
    /* However many comments come first, each is measured against the first row (once, not
     * again from every comment: 100,000 of them took 20 s): notes of other widths and blank
     * comments around a savetxt header, commented-out rows of the same width, then the rows. */
    enum { NOTES = 3000 };
    char *text = malloc(NOTES * 32 + 64), *t = text;
    assert_non_null(text);
    for (int i = 0; i < NOTES; i++) t += sprintf(t, i % 3 == 0 ? "# note %d\n" : i % 3 == 1 ? "#\n" : "# 9,9,%d\n", i);
    t += sprintf(t, "# a,label,b\n");
    for (int i = 0; i < NOTES; i++) t += sprintf(t, i % 2 ? "# 9,9,%d\n" : "#  \n", i);
    strcpy(t, "1,1,2\n3,0,4\n");
    d = csv_ok("many-comments.csv", text, &o);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->label[1], 0);
    th_assert_close(d->x[3], 4, 0);
    assert_string_equal(d->feature_names[1], "b");
    hone_dataset_free(d);
    free(text);
}

static void test_csv_empty(void **state) {
    (void)state;
    const char *p = th_write_text("empty.csv", "");
    hone_dataset *d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": no data rows (the file is empty)");
    p = th_write_text("headonly.csv", "a,b,c\n\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": no data rows after the header");
    p = th_path("missing.csv");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_IO, p, "No such file");
    assert_null(d);
}

/* CSV rules at their edges: a field that is one double quote (shown as it is, not as the rest
 * of the line); a value finite as a double but not as a float32; a line ended by two CRs; a
 * commented header with header = 0 (a comment then, so no column has a name); a line of spaces
 * between rows (blank: an error there, fine at the end); 19-digit integers (past the exact fast
 * path); options out of range (header 2, a '"' delimiter, label column -3); a header of many
 * names kept whole; a first row longer than all the rest together. */
static void test_csv_edges(void **state) {
    (void)state;
    hone_dataset *d = NULL;
    const char *p = th_write_text("quote.csv", "a,b,y\n1,\",0\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 2, column 2 ('b'): not a number: \"\"\"");
    p = th_write_text("e39.csv", "a,y\n1e39,0\n");
    if (TH_DOUBLE) {
        expect_ok(hone_dataset_load_csv(&d, p, NULL, err));
        hone_dataset_free(d);
        d = NULL;
    } else {
        expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                     ": line 2, column 1 ('a'): not a finite float32 number: \"1e39\"");
    }
    d = csv_ok("crcr.csv", "a,b,y\r\r\n1,2,0\r\r\n3,4,1\r\r\n", NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->label[1], 1);
    hone_dataset_free(d);
    hone_csv_options o = hone_csv_options_default();
    o.header = 0;
    o.label_name = "y";
    p = th_write_text("hashhead.csv", "# a,b,y\n1,2,0\n3,4,1\n");
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p, "the file is read without a header");
    o.label_name = NULL;
    d = csv_ok("hashhead0.csv", "# a,b,y\n1,2,0\n3,4,1\n", &o);
    assert_int_equal(d->n, 2);
    assert_null(d->feature_names);
    hone_dataset_free(d);
    p = th_write_text("spaces.csv", "a,b,y\n1,2,0\n  \t \n3,4,1\n");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 ": line 3: empty line before more data (line 4)");
    d = csv_ok("spaces-end.csv", "a,b,y\n1,2,0\n3,4,1\n  \n", NULL);
    assert_int_equal(d->n, 2);
    hone_dataset_free(d);
    d = csv_ok("digits19.csv", "a,y\n9999999999999999999,0\n-1000000000000000000,1\n", NULL);
    th_assert_close(d->x[0], (hone_real)1e19, 0);
    th_assert_close(d->x[1], (hone_real)-1e18, 0);
    hone_dataset_free(d);

    p = th_write_text("opts.csv", "a,b,y\n1,2,0\n");
    o = hone_csv_options_default();
    o.header = 2;
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p, "header = 2: expected -1 (detect), 0 or 1");
    o = hone_csv_options_default();
    o.delimiter = '"';
    expect_error(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, p,
                 "delimiter '\"' (0x22) cannot separate numbers");
    o = hone_csv_options_default();
    o.label_index = -3; /* -2 is HONE_CSV_NO_LABEL */
    expect_error_field(hone_dataset_load_csv(&d, p, &o, err), HONE_ERR_VALUE, "label_index", p,
                       "label column -3 is out of range");
    assert_null(d);

    /* 40 names of 6 to 7 bytes: the block holding them has room for each one's NUL */
    char text[4096];
    size_t used = 0;
    for (int j = 0; j < 40; j++) used += (size_t)snprintf(text + used, sizeof text - used, "%sfeat%d", j ? "," : "", j);
    used += (size_t)snprintf(text + used, sizeof text - used, ",y\n");
    for (int j = 0; j < 40; j++) used += (size_t)snprintf(text + used, sizeof text - used, "%d,", j);
    snprintf(text + used, sizeof text - used, "1\n");
    d = csv_ok("names40.csv", text, NULL);
    assert_int_equal(d->d, 40);
    for (int j = 0; j < 40; j++) {
        char want[16];
        snprintf(want, sizeof want, "feat%d", j);
        assert_string_equal(d->feature_names[j], want);
        th_assert_close(d->x[j], j, 0);
    }
    hone_dataset_free(d);

    /* the row count is guessed from the first row's length: here the rest is shorter than it, and
     * holds 7 rows of 40 features */
    used = 0;
    for (int j = 0; j < 40; j++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s1000000000.5", j ? "," : "");
    used += (size_t)snprintf(text + used, sizeof text - used, ",0\n");
    for (int r = 0; r < 7; r++) {
        for (int j = 0; j < 40; j++) used += (size_t)snprintf(text + used, sizeof text - used, "%d,", r);
        used += (size_t)snprintf(text + used, sizeof text - used, "1\n");
    }
    o = hone_csv_options_default();
    o.header = 0;
    d = csv_ok("longfirst.csv", text, &o);
    assert_int_equal(d->n, 8);
    for (int r = 1; r < 8; r++)
        for (int j = 0; j < 40; j++) th_assert_close(d->x[(size_t)r * 40 + (size_t)j], r - 1, 0);
    hone_dataset_free(d);
}

/* A line far longer than any fixed buffer, and a compressed CSV. */
static void test_csv_long_lines_gzip(void **state) {
    (void)state;
    enum { COLS = 20000, ROWS = 3 };
    char *text = malloc((size_t)COLS * ROWS * 8 + 1);
    assert_non_null(text);
    size_t k = 0;
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++)
            k += (size_t)sprintf(text + k, "%d%c", c == COLS - 1 ? r : (c % 100) + r, c == COLS - 1 ? '\n' : ',');
    const char *p = write_gz("long.csv.gz", text, k);
    free(text);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_csv(&d, p, NULL, err));
    assert_int_equal(d->n, ROWS);
    assert_int_equal(d->d, COLS - 1);
    th_assert_close(d->x[(size_t)2 * (COLS - 1) + 150], 52, 0);
    assert_int_equal(d->label[2], 2);
    assert_int_equal(d->n_classes, 3);
    hone_dataset_free(d);
}

/* A compressed CSV cut short anywhere is an error that says so: CSV has no row count to check
 * against, so a cut between two rows would otherwise read as a shorter, valid file, and a cut
 * inside a row as a malformed one. A damaged byte is an error too. */
static void test_csv_gzip_truncated(void **state) {
    (void)state;
    char text[16384];
    size_t k = (size_t)sprintf(text, "a,b,c,d,label\n");
    for (int i = 0; i < 300; i++)
        k += (size_t)sprintf(text + k, "%d.%04d,%d.%04d,%d,%d,%d\n", i % 3, (i * 7919) % 10000, i % 5,
                             (i * 104729) % 10000, i % 11, i % 7, i % 3);
    const char *p = write_gz("whole.csv.gz", text, k);
    size_t gn;
    unsigned char *gz = th_read(p, &gn);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_csv(&d, p, NULL, err));
    assert_int_equal(d->n, 300);
    hone_dataset_free(d);
    d = NULL;
    /* Every cut from the end of the magic bytes to the last byte of the trailer. */
    for (size_t keep = 2; keep < gn; keep++) {
        p = th_write("cut.csv.gz", gz, keep);
        expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                     ": truncated or corrupt gzip data: the compressed stream ends early, after ");
        assert_null(d);
    }
    gz[gn / 2] ^= 0x55;
    p = th_write("damaged.csv.gz", gz, gn);
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": corrupt gzip data (");
    assert_null(d);
    free(gz);
}

/* A UTF-8 byte-order mark (spreadsheet exports) is not part of the first field: data stays data
 * and the first name matches. */
static void test_csv_bom(void **state) {
    (void)state;
    hone_dataset *d = csv_ok("bom-data.csv", "\xEF\xBB\xBF" "1,2,0\n3,4,1\n", NULL);
    assert_int_equal(d->n, 2);
    th_assert_close(d->x[0], 1, 0);
    assert_int_equal(d->label[1], 1);
    hone_dataset_free(d);
    hone_csv_options o = hone_csv_options_default();
    o.label_name = "f0";
    d = csv_ok("bom-head.csv", "\xEF\xBB\xBF" "f0,f1,f2\n1,2.5,3\n0,4,5\n", &o);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 2);
    assert_int_equal(d->label[0], 1);
    th_assert_close(d->x[0], 2.5, 0);
    hone_dataset_free(d);
    /* Only at the very start: elsewhere the bytes are a bad field as any other. */
    const char *p = th_write_text("bom-later.csv", "1,2,0\n\xEF\xBB\xBF" "3,4,1\n");
    d = NULL;
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": line 2, column 1: not a number");
    p = th_write_text("bom-only.csv", "\xEF\xBB\xBF");
    expect_error(hone_dataset_load_csv(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": no data rows (the file is empty)");
    assert_null(d);
}

/* HONE_CSV_NO_LABEL: every column a feature, no labels or targets, one column allowed; with a
 * header too, and with rows shorter than the first, so that the buffers grow. */
static void test_csv_no_label_column(void **state) {
    (void)state;
    hone_csv_options o = hone_csv_options_default();
    o.label_index = HONE_CSV_NO_LABEL;
    hone_dataset *d = csv_ok("features.csv", "a,b,c\n1,2.5,3\n4,5,6.5\n", &o);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 3);
    assert_null(d->label);
    assert_null(d->target);
    assert_int_equal(d->t, 0);
    th_assert_close(d->x[2], 3, 0);
    th_assert_close(d->x[5], 6.5, 0);
    assert_string_equal(d->feature_names[0], "a"); /* every column's name */
    assert_string_equal(d->feature_names[2], "c");
    hone_dataset_free(d);
    o.regression = 1; /* no target column either */
    d = csv_ok("one-column.csv", "7\n8\n", &o);
    assert_int_equal(d->d, 1);
    assert_null(d->target);
    assert_int_equal(d->t, 0);
    hone_dataset_free(d);
    char text[4096] = "1.0000000000,2.0000000000\n"; /* a long first row: the row guess falls short */
    for (int i = 0; i < 300; i++) strcat(text, "3,4\n");
    o.regression = 0;
    d = csv_ok("many.csv", text, &o);
    assert_int_equal(d->n, 301);
    th_assert_close(d->x[2 * 300 + 1], 4, 0);
    hone_dataset_free(d);
}

/* More rows than the first line's length predicts: the row buffer grows. */
static void test_csv_growth(void **state) {
    (void)state;
    char text[4096];
    size_t k = (size_t)sprintf(text, "long_feature_name_a,long_feature_name_b,label\n");
    for (int i = 0; i < 200; i++) k += (size_t)sprintf(text + k, "%d,%d,%d\n", i, -i, i % 7);
    hone_dataset *d = csv_ok("grow.csv", text, NULL);
    assert_int_equal(d->n, 200);
    th_assert_close(d->x[2 * 199 + 1], -199, 0);
    assert_int_equal(d->label[199], 199 % 7);
    assert_int_equal(d->n_classes, 7);
    hone_dataset_free(d);
}

/* ---------------------------------------------------------------------------------------------
 * NPY
 * ------------------------------------------------------------------------------------------- */

/* A feature whose values differ in the file but round to one float32 value (steps of 8 at 1e8)
 * is marked, as is a target; one that still varies once rounded, or that is constant in the
 * file, is not. In double nothing read collapses. */
static void test_csv_collapse(void **state) {
    (void)state;
    const int f32 = sizeof(hone_real) == sizeof(float);
    hone_dataset *d = csv_ok("collapse.csv", "a,b,c,label\n5,100000000.5,100000000,0\n5,100000001,100000008,1\n"
                                             "5,100000002,100000000,0\n", NULL);
    assert_int_equal(d->collapsed_feature, f32 ? 2 : 0); /* a is constant in the file, c varies by a step */
    assert_int_equal(d->collapsed_target, 0);
    hone_dataset_free(d);
    hone_csv_options o = hone_csv_options_default();
    o.regression = 1;
    o.label_name = "y";
    d = csv_ok("collapse-y.csv", "y,a\n100000000.5,1\n100000001,2\n", &o);
    assert_int_equal(d->collapsed_feature, 0);
    assert_int_equal(d->collapsed_target, f32 ? 1 : 0);
    hone_dataset_free(d);
}

static void test_npy_collapse(void **state) {
    (void)state;
    const int f32 = sizeof(hone_real) == sizeof(float);
    const double x[6] = {1, 100000000.5, 2, 100000001, 3, 100000000.25};
    const double y[6] = {0, 100000000.5, 0, 100000001, 0, 100000001.5};
    char xp[512];
    strcpy(xp, write_npy("xc.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x));
    const char *yp = write_npy("yc.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", y, sizeof y);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 1, err));
    assert_int_equal(d->collapsed_feature, f32 ? 2 : 0);
    assert_int_equal(d->collapsed_target, f32 ? 2 : 0); /* column 1 is constant in the file */
    hone_dataset_free(d);
}

static void test_npy_f32(void **state) {
    (void)state;
    float x[6] = {0.5f, -1.25f, 3, 4, 5e-3f, 6};
    int64_t y[3] = {1, 0, 4};
    char xp[512];
    strcpy(xp, write_npy("x32.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x));
    const char *yp = write_npy("y.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", y, sizeof y);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 2);
    assert_null(d->x_u8);
    for (int i = 0; i < 6; i++) th_assert_close(d->x[i], x[i], 0);
    assert_int_equal(d->label[2], 4);
    assert_int_equal(d->n_classes, 5);
    hone_dataset_free(d);
    /* y is optional. */
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_null(d->label);
    assert_null(d->target);
    hone_dataset_free(d);
}

/* A gzipped NPY file reads as the plain one; cut short inside the data, it is an error that
 * names the file. */
static void test_npy_gz(void **state) {
    (void)state;
    float x[6] = {0.5f, -1.25f, 3, 4, 5e-3f, 6};
    int64_t y[3] = {1, 0, 4};
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
    uint8_t buf[256];
    const size_t n = npy_bytes(buf, 1, dict, x, sizeof x);
    char xp[512], cut[512];
    strcpy(xp, write_gz("x32.npy.gz", buf, n));
    strcpy(cut, write_gz("cut.npy.gz", buf, n - 3));
    const char *yp = write_npy("ygz.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", y, sizeof y);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 2);
    for (int i = 0; i < 6; i++) th_assert_close(d->x[i], x[i], 0);
    assert_int_equal(d->label[2], 4);
    hone_dataset_free(d);
    d = NULL;
    expect_error(hone_dataset_load_npy(&d, cut, yp, 0, err), HONE_ERR_FORMAT, "cut.npy.gz", "truncated: expected 24 bytes of data");
    assert_null(d);
    /* The gzip stream itself cut short, in its data or only in its trailer, features or labels. */
    uint8_t ybuf[256];
    const size_t yn = npy_bytes(ybuf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", y, sizeof y);
    for (size_t drop = 1; drop <= 12; drop++) {
        strcpy(cut, write_gz_cut("cut-stream.npy.gz", buf, n, drop));
        expect_error(hone_dataset_load_npy(&d, cut, yp, 0, err), HONE_ERR_FORMAT, cut,
                     ": truncated or corrupt gzip data: the compressed stream ends early");
        strcpy(cut, write_gz_cut("cut-stream-y.npy.gz", ybuf, yn, drop));
        expect_error(hone_dataset_load_npy(&d, xp, cut, 0, err), HONE_ERR_FORMAT, cut,
                     ": truncated or corrupt gzip data: the compressed stream ends early");
    }
    assert_null(d);
}

static void test_npy_f64(void **state) {
    (void)state;
    double x[8] = {0.1, -2, 3e10, 4, 5, 6, 7, 8};
    float y[2] = {1.5f, -2};
    char xp[512];
    /* Version 2.0 (4-byte header length), rank 3, keys in another order. */
    strcpy(xp, write_npy("x64.npy", 2, "{'shape': (2, 2, 2), 'fortran_order': False, 'descr': '<f8'}", x, sizeof x));
    const char *yp = write_npy("yreg.npy", 3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", y, sizeof y);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 1, err));
    assert_int_equal(d->n, 2);
    assert_int_equal(d->d, 4);
    for (int i = 0; i < 8; i++) th_assert_close(d->x[i], (hone_real)x[i], 0);
    assert_null(d->label);
    assert_int_equal(d->t, 1);
    th_assert_close(d->target[0], 1.5, 0);
    th_assert_close(d->target[1], -2, 0);
    hone_dataset_free(d);

    /* Regression with several target columns. */
    double y2[6] = {1, 2, 3, 4, 5, 6};
    yp = write_npy("yreg2.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", y2, sizeof y2);
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 1, err));
    assert_int_equal(d->t, 3);
    th_assert_close(d->target[5], 6, 0);
    hone_dataset_free(d);
    /* ... but not as class labels. */
    expect_error(hone_dataset_load_npy(&d, xp, yp, 0, err), HONE_ERR_FORMAT, yp, "y has shape (2, 3)");
    assert_null(d);
}

static void test_npy_u8(void **state) {
    (void)state;
    int32_t y[3] = {2, 0, 1};
    char xp[512];
    strcpy(xp, write_npy("xu8.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2, 2), }", IMG, 12));
    const char *yp = write_npy("yu.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", y, sizeof y);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 4);
    assert_null(d->x);
    assert_memory_equal(d->x_u8, IMG, 12);
    assert_int_equal(d->label[0], 2);
    assert_int_equal(d->n_classes, 3);
    hone_dataset_free(d);
    /* uint8 labels, and a rank-1 x (one feature per row). */
    yp = write_npy("yu8.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", LAB, 3);
    xp[0] = 0;
    strcpy(xp, write_npy("x1.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", IMG, 3));
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->d, 1);
    assert_int_equal(d->label[1], 2);
    hone_dataset_free(d);
}

static void test_npy_bad_dtype(void **state) {
    (void)state;
    uint8_t zeros[64] = {0};
    hone_dataset *d = NULL;
    const char *p = write_npy("c8.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }", zeros, 32);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p,
                 ": unsupported dtype '<c8' (float32, float64, bool or an integer of 1 to 8 bytes expected, in either "
                 "byte order)");
    const char *bad[] = {"'|O'", "'<f2'", "'<i3'", "'|u2'", "'<U8'", "'<f16'", "[('a', '<f4')]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': False, 'shape': (2,), }", bad[i]);
        p = write_npy("bad.npy", 1, dict, zeros, 16);
        expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "unsupported dtype");
    }
    p = write_npy("ybad.npy", 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", zeros, 32);
    char xp[512];
    strcpy(xp, write_npy("x2.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", zeros, 2));
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, "unsupported dtype '<c16'");
    assert_null(d);
}

/* Every integer width, signed or not, bool, and big-endian items, as numpy writes them: features
 * of an integer array (np.save of a list is int64) and big-endian floats read as their values. */
static void test_npy_integers_and_byte_orders(void **state) {
    (void)state;
    const uint8_t be_f4[8] = {0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0}; /* 1.5, -2 */
    const uint8_t le_i8[16] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7, 1, 0, 0, 0, 0, 0, 0}; /* -3, 263 */
    const uint8_t be_i2[4] = {0xff, 0xfe, 0x01, 0x00}; /* -2, 256 */
    const uint8_t le_u4[8] = {0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0}; /* 4294967295, 5 */
    const uint8_t bools[2] = {1, 0};
    const struct {
        const char *descr;
        const void *bytes;
        size_t n;
        double want[2];
    } cases[] = {{"'>f4'", be_f4, 8, {1.5, -2}}, {"'<i8'", le_i8, 16, {-3, 263}}, {"'>i2'", be_i2, 4, {-2, 256}},
                 {"'<u4'", le_u4, 8, {4294967295.0, 5}}, {"'|b1'", bools, 2, {1, 0}}, {"'i1'", "\xff\x02", 2, {-1, 2}},
                 {"'<u2'", "\x01\x02\x03\x00", 4, {513, 3}}, {"'<i2'", "\xfe\xff\x00\x01", 4, {-2, 256}}};
    const int32_t y[2] = {1, 0};
    char yi4[512]; /* th_path's buffers rotate: more cases than it keeps would overwrite this one */
    strcpy(yi4, write_npy("y-i4.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", y, sizeof y));
    const char *yp = yi4;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': False, 'shape': (2,), }", cases[i].descr);
        const char *xp = write_npy("x-any.npy", 1, dict, cases[i].bytes, cases[i].n);
        hone_dataset *d = NULL;
        expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
        for (int r = 0; r < 2; r++) th_assert_close(hone_dataset_at(d, (size_t)r, 0), (hone_real)cases[i].want[r], 0);
        hone_dataset_free(d);
    }
    /* big-endian labels and targets */
    const uint8_t be_u2[4] = {0, 3, 0, 1};
    const char *xp = write_npy("x-two.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", bools, 2);
    yp = write_npy("y-be.npy", 1, "{'descr': '>u2', 'fortran_order': False, 'shape': (2,), }", be_u2, 4);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->label[0], 3);
    assert_int_equal(d->label[1], 1);
    assert_int_equal(d->n_classes, 4);
    hone_dataset_free(d);
    yp = write_npy("t-be.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be_f4, 8);
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 1, err));
    th_assert_close(d->target[0], 1.5, 0);
    th_assert_close(d->target[1], -2, 0);
    hone_dataset_free(d);
}

/* A [rows, cols] array of items of `size` bytes, in C order, written out in Fortran order: column
 * by column, each column's rows in turn. */
static void to_fortran(uint8_t *out, const uint8_t *c_order, size_t rows, size_t cols, size_t size) {
    for (size_t c = 0, k = 0; c < cols; c++)
        for (size_t r = 0; r < rows; r++, k++) memcpy(out + k * size, c_order + (r * cols + c) * size, size);
}

/* fortran_order True (numpy's np.save of an F-contiguous array, such as a.T): the first index
 * varies fastest in the file, and each item lands at its [row, column] in hone's C-order rows, for
 * features of rank 2 and non-square images of rank 3 (bytes kept as bytes), regression targets of
 * several columns, big-endian integers, and every item width the reader takes; a bad value is
 * named by its row and column, not by its place in the file. */
static void test_npy_fortran_order(void **state) {
    (void)state;
    hone_dataset *d = NULL;
    /* x[r][c] = 10 r + c + 0.5, shape (3, 2): the file holds column 0, then column 1 */
    const float xf[6] = {0.5f, 10.5f, 20.5f, 1.5f, 11.5f, 21.5f};
    char xp[512];
    strcpy(xp, write_npy("fx.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", xf, sizeof xf));
    /* y[r][t] = 100 r - t, shape (3, 2), float64 */
    const double yf[6] = {0, 100, 200, -1, 99, 199};
    const char *yp = write_npy("fy.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", yf, sizeof yf);
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 1, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 2);
    assert_int_equal(d->t, 2);
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 0; c < 2; c++) {
            th_assert_close(hone_dataset_at(d, r, c), 10.0 * (double)r + (double)c + 0.5, 0);
            th_assert_close(d->target[r * 2 + c], 100.0 * (double)r - (double)c, 0);
        }
    hone_dataset_free(d);
    d = NULL;

    /* images [n, h, w] = (2, 3, 2) of bytes, pixel [i][j][k] = 100 i + 10 j + k: i fastest, then j, then k */
    const uint8_t img[12] = {0, 100, 10, 110, 20, 120, 1, 101, 11, 111, 21, 121};
    strcpy(xp, write_npy("fimg.npy", 1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 2), }", img, sizeof img));
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_int_equal(d->d, 6);
    assert_true(d->height == 3 && d->width == 2);
    assert_non_null(d->x_u8);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 2; k++) assert_int_equal(d->x_u8[i * 6 + j * 2 + k], 100 * i + 10 * j + k);
    hone_dataset_free(d);
    d = NULL;

    /* a bigger one, whose permutation has cycles of many lengths: (7, 5, 3) of float64, written by loops */
    double big[7 * 5 * 3];
    size_t at = 0;
    for (int w = 0; w < 3; w++)
        for (int h = 0; h < 5; h++)
            for (int n = 0; n < 7; n++) big[at++] = 100 * n + 10 * h + w;
    strcpy(xp, write_npy("fbig.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (7, 5, 3), }", big, sizeof big));
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_true(d->height == 5 && d->width == 3);
    for (size_t n = 0; n < 7; n++)
        for (size_t j = 0; j < 15; j++) /* pixel j is [j / 3][j % 3] */
            th_assert_close(hone_dataset_at(d, n, j), 100.0 * (double)n + 10.0 * (double)(j / 3) + (double)(j % 3), 0);
    hone_dataset_free(d);
    d = NULL;

    /* big-endian int16, shape (2, 3), x[r][c] = 256 r + c - 2: -2, 254 (column 0), -1, 255, 0, 256 */
    const uint8_t be_i2[12] = {0xff, 0xfe, 0x00, 0xfe, 0xff, 0xff, 0x00, 0xff, 0x00, 0x00, 0x01, 0x00};
    strcpy(xp, write_npy("fbe.npy", 1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", be_i2, sizeof be_i2));
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    for (size_t r = 0; r < 2; r++)
        for (size_t c = 0; c < 3; c++) th_assert_close(hone_dataset_at(d, r, c), 256.0 * (double)r + (double)c - 2, 0);
    hone_dataset_free(d);
    d = NULL;

    /* every item width, (4, 3) in both orders: the same rows */
    const uint8_t bytes1[12] = {0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1}; /* bool and uint8 */
    const int16_t i2[12] = {-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5};
    const float f4[12] = {0.25f, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -11.5f};
    const uint32_t u4[12] = {4000000000u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const double f8[12] = {1e-3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const int64_t i8[12] = {-1000000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const struct {
        const char *descr;
        const void *c_order;
        size_t size;
    } widths[] = {{"'|b1'", bytes1, 1}, {"'|u1'", bytes1, 1}, {"'<i2'", i2, 2}, {"'<f4'", f4, 4},
                  {"'<u4'", u4, 4},     {"'<f8'", f8, 8},     {"'<i8'", i8, 8}};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++) {
        hone_dataset *c_rows = NULL;
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': False, 'shape': (4, 3), }", widths[i].descr);
        strcpy(xp, write_npy("w-c.npy", 1, dict, widths[i].c_order, 12 * widths[i].size));
        expect_ok(hone_dataset_load_npy(&c_rows, xp, NULL, 0, err));
        uint8_t f_order[12 * 8];
        to_fortran(f_order, widths[i].c_order, 4, 3, widths[i].size);
        snprintf(dict, sizeof dict, "{'descr': %s, 'fortran_order': True, 'shape': (4, 3), }", widths[i].descr);
        strcpy(xp, write_npy("w-f.npy", 1, dict, f_order, 12 * widths[i].size));
        expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
        for (size_t r = 0; r < 4; r++)
            for (size_t c = 0; c < 3; c++) th_assert_close(hone_dataset_at(d, r, c), hone_dataset_at(c_rows, r, c), 0);
        hone_dataset_free(c_rows);
        hone_dataset_free(d);
        d = NULL;
    }

    /* labels of shape (n, 1) in Fortran order; a NaN is named by its [row, column], x[2][0] being the file's
     * third item */
    const int32_t labels[3] = {2, 0, 1};
    yp = write_npy("flab.npy", 1, "{'descr': '<i4', 'fortran_order': True, 'shape': (3, 1), }", labels, sizeof labels);
    strcpy(xp, write_npy("fx.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", xf, sizeof xf));
    expect_ok(hone_dataset_load_npy(&d, xp, yp, 0, err));
    assert_int_equal(d->label[0], 2);
    assert_int_equal(d->label[2], 1);
    hone_dataset_free(d);
    d = NULL;
    float with_nan[6];
    memcpy(with_nan, xf, sizeof xf);
    with_nan[2] = NAN;
    strcpy(xp, write_npy("fnan.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", with_nan, sizeof xf));
    expect_error(hone_dataset_load_npy(&d, xp, NULL, 0, err), HONE_ERR_FORMAT, xp, ": row 2, column 0 (0-based): nan");
    assert_null(d);
}

/* Images of one channel, last as Keras saves grayscale ([n, h, w, 1]) or first as PyTorch does
 * ([n, 1, h, w]), are images of h x w as [n, h, w] is, their pixels where that puts them, in C or
 * Fortran order; [n, 1, h, 1] is read as channels last. Any other rank-4 array, images of several
 * channels to all appearances, is flat rows (honeD_image_shape, IDX's rule too). */
static void test_npy_single_channel_images(void **state) {
    (void)state;
    hone_dataset *d = NULL;
    /* [n, h, w, 1] = (3, 2, 2, 1): the bytes of IMG's three 2x2 images */
    const char *p = write_npy("nhwc.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2, 2, 1), }", IMG, 12);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 4);
    assert_true(d->height == 2 && d->width == 2);
    assert_memory_equal(d->x_u8, IMG, 12);
    hone_dataset_free(d);
    d = NULL;
    /* [n, 1, h, w] = (2, 1, 2, 3) of float32, not square: pixel [i][0][j][k] = 10 i + 3 j + k */
    const float nchw[12] = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
    p = write_npy("nchw.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2, 3), }", nchw, sizeof nchw);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_int_equal(d->d, 6);
    assert_true(d->height == 2 && d->width == 3);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 6; j++) th_assert_close(hone_dataset_at(d, i, j), 10.0 * (double)i + (double)j, 0);
    hone_dataset_free(d);
    d = NULL;
    /* the same layouts in Fortran order: pixel [i][j][k] = 100 i + 10 j + k of (2, 3, 2) images, i fastest */
    const uint8_t fortran[12] = {0, 100, 10, 110, 20, 120, 1, 101, 11, 111, 21, 121};
    const char *shapes[] = {"(2, 3, 2, 1)", "(2, 1, 3, 2)"};
    for (int s = 0; s < 2; s++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '|u1', 'fortran_order': True, 'shape': %s, }", shapes[s]);
        p = write_npy("fortran4.npy", 1, dict, fortran, sizeof fortran);
        expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
        assert_true(d->height == 3 && d->width == 2);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++) assert_int_equal(d->x_u8[i * 6 + j * 2 + k], 100 * i + 10 * j + k);
        hone_dataset_free(d);
        d = NULL;
    }
    /* [n, 1, h, 1]: channels last, an image of one row */
    p = write_npy("n1h1.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 3, 1), }", IMG, 6);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_true(d->height == 1 && d->width == 3);
    hone_dataset_free(d);
    d = NULL;
    /* three channels last or first (in Fortran order too), and two channels last of images of one
     * row: flat rows of every value, in the file's C order, with no image shape to augment */
    p = write_npy("rgb.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2, 3), }", IMG, 12);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_true(d->n == 1 && d->d == 12 && d->height == 0 && d->width == 0);
    assert_memory_equal(d->x_u8, IMG, 12);
    hone_dataset_free(d);
    d = NULL;
    p = write_npy("chw3.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3, 2, 2), }", nchw, sizeof nchw);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_true(d->n == 1 && d->d == 12 && d->height == 0 && d->width == 0);
    hone_dataset_free(d);
    d = NULL;
    p = write_npy("nhw2.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2, 1, 2), }", nchw, sizeof nchw);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_true(d->n == 3 && d->d == 4 && d->height == 0 && d->width == 0);
    hone_dataset_free(d);
}

static void test_npy_bad_files(void **state) {
    (void)state;
    float x[6] = {1, 2, 3, 4, 5, 6};
    hone_dataset *d = NULL;
    const char *p = write_npy("trunc.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x - 3);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p,
                 ": truncated: expected 24 bytes of data for shape (3, 2) '<f4', got 21");
    p = write_npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "8 unexpected bytes");
    p = write_npy("huge.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 784), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "truncated: expected 6272000000000000 bytes");
    p = write_npy("over.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000000000000), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "too large");
    p = write_npy("scalar.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", x, 4);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "scalar");
    p = write_npy("nodescr.npy", 1, "{'fortran_order': False, 'shape': (1,), }", x, 4);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "lacks 'descr'");
    p = write_npy("junk.npy", 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", x, 4);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "malformed NPY header");
    p = th_write_text("text.npy", "x,y\n1,2\n");
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "not an NPY file (it does not start "
                 "with \\x93NUMPY): it looks like text (numpy.savetxt's?)");
    /* labels for .npy data are read as NPY whatever their name: IDX labels and an .npz say what they are */
    p = th_write("labels.idx", "\x00\x00\x08\x01\x00\x00\x00\x02\x00\x01", 10);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, ": it looks like an IDX file; the "
                 "data and its labels are both .npy or both IDX");
    p = th_write("arrays.npz", "PK\x03\x04\x14\x00\x00\x00\x00\x00", 10);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, ": it is a zip archive (an .npz?)");
    p = th_path("nope.npy");
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_IO, p, "No such file");
    /* Truncated in the header. */
    uint8_t buf[256];
    size_t n = npy_bytes(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", x, 4);
    p = th_write("cuthead.npy", buf, 40);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p,
                 "truncated: expected 118 bytes of NPY header, got 30");
    (void)n;
    assert_null(d);
}

/* The header dict at each rule's edge: a descr with a character past its size, a bool wider
 * than a byte; a key of 32 characters (the reader's key buffer: truncated, not overrun); a
 * shape entry that is no digit, a dimension of 2^64, 65 dimensions (numpy's limit is 64, which
 * load); and Python 2's long dimensions ("3L"), which load. */
static void test_npy_header_edges(void **state) {
    (void)state;
    float x[6] = {1, 2, 3, 4, 5, 6};
    hone_dataset *d = NULL;
    const char *p = write_npy("f4x.npy", 1, "{'descr': '<f44', 'fortran_order': False, 'shape': (6,), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "unsupported dtype '<f44'");
    p = write_npy("b2.npy", 1, "{'descr': '<b2', 'fortran_order': False, 'shape': (6,), }", x, 12);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "unsupported dtype '<b2'");
    p = write_npy("key32.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'abcdefghijklmnopqrstuvwxyz012345': 1, "
                  "'shape': (6,), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "malformed NPY header");
    p = write_npy("comma.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "malformed NPY header");
    p = write_npy("2p64.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551616,), }", x,
                  sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p,
                 "a dimension of the shape is too large");
    char dict[512];
    for (int rank = 64; rank <= 65; rank++) {
        int used = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (6");
        for (int i = 1; i < rank; i++) used += snprintf(dict + used, sizeof dict - (size_t)used, ", 1");
        snprintf(dict + used, sizeof dict - (size_t)used, "), }");
        p = write_npy("rank.npy", 1, dict, x, sizeof x);
        if (rank == 65) {
            expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "more than 64 dimensions");
            continue;
        }
        expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
        assert_int_equal(d->n, 6);
        assert_int_equal(d->d, 1);
        hone_dataset_free(d);
        d = NULL;
    }
    p = write_npy("long.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 2L), }", x, sizeof x);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 2);
    hone_dataset_free(d);
    d = NULL;
    /* every key is needed, fortran_order too */
    p = write_npy("noorder.npy", 1, "{'descr': '<f4', 'shape': (6,), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "the NPY header lacks 'fortran_order'");
    /* the 10 bytes before the header length's high byte: a file of 9 is too short to be one */
    p = th_write("nine.npy", "\x93NUMPY\x01\x00\x76", 9);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "not an NPY file");
    /* no rows, or rows of no features: no data, whichever dimension is 0 */
    p = write_npy("rows0.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", x, 0);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "no data (shape (0, 3))");
    p = write_npy("cols0.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0), }", x, 0);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "no data (shape (3, 0))");
    /* one byte after the data is one too many */
    p = write_npy("plus1.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", x, 21);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, "1 unexpected byte after the 20 bytes");
    /* images of rank 4 are those of one channel (test_npy_single_channel_images): last, here */
    p = write_npy("rank4.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 1), }", x, sizeof x);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_int_equal(d->d, 6);
    assert_true(d->height == 3 && d->width == 2);
    hone_dataset_free(d);
    p = write_npy("rank3.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2), }", x, sizeof x);
    expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
    assert_true(d->height == 3 && d->width == 2);
    hone_dataset_free(d);
}

/* Without an error record (err NULL, which every call allows) a refusal is still its code: the
 * ones that name their field once returned HONE_OK there, a CSV label column out of range
 * then writing every column into rows a column narrower. */
static void test_refusals_without_an_error_record(void **state) {
    (void)state;
    hone_dataset *d = NULL, *t = NULL;
    const char *p = th_write_text("half-null.csv", "a,b,y\n1,2,0.5\n");
    assert_int_equal(hone_dataset_load_csv(&d, p, NULL, NULL), HONE_ERR_FORMAT);
    assert_null(d);
    hone_csv_options o = hone_csv_options_default();
    o.label_index = 7;
    assert_int_equal(hone_dataset_load_csv(&d, p, &o, NULL), HONE_ERR_VALUE);
    assert_null(d);
    float x[4] = {1, 2, 3, 4}, y[2] = {0, 0.5f};
    char xp[512];
    strcpy(xp, write_npy("x-null.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", x, sizeof x));
    p = write_npy("y-null.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", y, sizeof y);
    assert_int_equal(hone_dataset_load_npy(&d, xp, p, 0, NULL), HONE_ERR_FORMAT);
    assert_null(d);
    uint8_t buf[64];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    char img[512], lab[512];
    strcpy(img, th_write("null-images", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    strcpy(lab, th_write("null-labels", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3)));
    const hone_data_source src = {.path = img, .labels = lab, .csv = hone_csv_options_default(), .regression = 1};
    assert_int_equal(hone_dataset_load_any(&d, &t, &src, NULL), HONE_ERR_VALUE);
    assert_null(d);
}

static void test_npy_bad_values(void **state) {
    (void)state;
    float x[6] = {1, 2, 3, 4, 5, 6};
    x[3] = NAN;
    hone_dataset *d = NULL;
    const char *p = write_npy("xnan.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, ": row 1, column 1 (0-based): nan");
    x[3] = -INFINITY;
    p = write_npy("xinf.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x);
    expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p, ": row 1, column 1 (0-based): -inf");
    const double past[2] = {1, 1e300}; /* finite, but not as a float32 */
    p = write_npy("xpast.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", past, sizeof past);
    if (TH_DOUBLE) {
        expect_ok(hone_dataset_load_npy(&d, p, NULL, 0, err));
        hone_dataset_free(d);
        d = NULL;
    } else {
        expect_error(hone_dataset_load_npy(&d, p, NULL, 0, err), HONE_ERR_FORMAT, p,
                     ": 1e+300 is not a finite float32 feature");
    }
    x[3] = 4;
    char xp[512];
    strcpy(xp, write_npy("xok.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x));
    int32_t y[3] = {0, 1, 2};
    p = write_npy("yshort.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", y, 8);
    char rows[600];
    snprintf(rows, sizeof rows, ": 2 rows in y, but x, %s, has 3", xp); /* which x: a train and a test set each have one */
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, rows);
    /* one-hot rows (Keras's to_categorical) are labels in another form: the message says how to save them */
    const float onehot[6] = {0, 1, 1, 0, 0, 1};
    p = write_npy("yonehot.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", onehot, sizeof onehot);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, ": y has shape (3, 2): expected (n,) of "
                 "class labels ((n, T) is for regression); its rows are one-hot: save y.argmax(axis=1)");
    const float twohot[6] = {0, 1, 1, 1, 0, 1};
    p = write_npy("ytwohot.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", twohot, sizeof twohot);
    hone_error e2 = {0}; /* two 1s in a row: not one-hot, and not said to be */
    assert_int_equal(hone_dataset_load_npy(&d, xp, p, 0, &e2), HONE_ERR_FORMAT);
    assert_non_null(strstr(e2.message, ": y has shape (3, 2): expected (n,) of class labels ((n, T) is for regression)"));
    assert_null(strstr(e2.message, "one-hot"));
    float yf[3] = {0, 1.5f, 2};
    p = write_npy("yfrac.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", yf, sizeof yf);
    expect_error_field(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, "label", p,
                       ": y[1] = 1.5 is not a class index (an integer >= 0)");
    y[2] = -3;
    p = write_npy("yneg.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", y, sizeof y);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, ": y[2] = -3 is not a class index (an integer >= 0: "
                 "classes count from 0; for labels -1 and 1, map -1 to 0)");
    int64_t big[3] = {0, 2000000000, 1};
    p = write_npy("ybig.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", big, sizeof big);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p,
                 ": y[1] = 2000000000 is above the largest class index a model can have, 16777215 (one "
                 "output unit per class, at most 16777216)");
    /* 64-bit labels are named exactly, not through a double (2^63 + 5 was 9223372036854775808) */
    const uint64_t huge[3] = {0, 9223372036854775813ull, 1};
    p = write_npy("yhuge.npy", 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (3,), }", huge, sizeof huge);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, ": y[1] = 9223372036854775813 is above");
    big[1] = INT64_MIN;
    p = write_npy("ymin.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", big, sizeof big);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, ": y[1] = -9223372036854775808 is not a class index");
    /* a regression's targets: finite too */
    yf[1] = INFINITY;
    p = write_npy("tinf.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", yf, sizeof yf);
    expect_error(hone_dataset_load_npy(&d, xp, p, 1, err), HONE_ERR_FORMAT, p, ": y[1] = inf is not a finite");
    big[1] = HONE_MAX_UNITS; /* one past the largest */
    p = write_npy("ypast.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", big, sizeof big);
    expect_error(hone_dataset_load_npy(&d, xp, p, 0, err), HONE_ERR_FORMAT, p, ": y[1] = 16777216 is above");
    big[1] = HONE_MAX_UNITS - 1;
    p = write_npy("ytop.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", big, sizeof big);
    expect_ok(hone_dataset_load_npy(&d, xp, p, 0, err));
    assert_int_equal(d->n_classes, HONE_MAX_UNITS);
    hone_dataset_free(d);
    d = NULL;
    /* Column labels of shape (n, 1) are fine. */
    y[2] = 2;
    p = write_npy("ycol.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 1), }", y, sizeof y);
    expect_ok(hone_dataset_load_npy(&d, xp, p, 0, err));
    assert_int_equal(d->n_classes, 3);
    hone_dataset_free(d);
}

/* ---------------------------------------------------------------------------------------------
 * Splits
 * ------------------------------------------------------------------------------------------- */

static hone_dataset *make_rows(size_t n, size_t dim, int labeled) {
    hone_dataset *d = honeM_alloc(1, sizeof *d);
    assert_non_null(d);
    d->n = n;
    d->d = dim;
    d->x = honeM_alloc(n * dim, sizeof *d->x);
    assert_non_null(d->x);
    for (size_t i = 0; i < n * dim; i++) d->x[i] = (hone_real)i;
    if (labeled) {
        d->label = honeM_alloc(n, sizeof *d->label);
        assert_non_null(d->label);
        for (size_t i = 0; i < n; i++) d->label[i] = (int32_t)(i % 3);
        d->n_classes = 3;
    }
    return d;
}

/* Every row of data in exactly one of the views over it. */
static void check_partition(const hone_split *s, const hone_dataset *data) {
    int *seen = calloc(data->n, sizeof *seen);
    assert_non_null(seen);
    const hone_view *views[3] = {&s->train, &s->dev, &s->test};
    for (int v = 0; v < 3; v++) {
        if (views[v]->data != data) continue;
        for (size_t i = 0; i < views[v]->n; i++) {
            assert_true(views[v]->index[i] < data->n);
            seen[views[v]->index[i]]++;
        }
    }
    for (size_t i = 0; i < data->n; i++) assert_int_equal(seen[i], 1);
    free(seen);
}

static void test_split_fractions(void **state) {
    (void)state;
    hone_dataset *d = make_rows(100, 2, 1);
    hone_split s;
    expect_ok(hone_split_make(&s, d, NULL, 0.2, 0.2, 42, err));
    assert_int_equal(s.train.n, 60);
    assert_int_equal(s.dev.n, 20);
    assert_int_equal(s.test.n, 20);
    assert_ptr_equal(s.train.data, d);
    assert_ptr_equal(s.test.data, d);
    check_partition(&s, d);
    /* Shuffled, not the first rows in order. */
    size_t in_order = 0;
    for (size_t i = 0; i < s.test.n; i++) in_order += s.test.index[i] == i;
    assert_true(in_order < 20);
    hone_split_free(&s);
    assert_null(s.train.index);
    assert_int_equal(s.train.n, 0);
    hone_split_free(&s); /* twice is fine */
    hone_split_free(NULL);

    /* Rounded to nearest: 0.25 of 10 rows is 2.5 -> 3; 0.14 of 10 -> 1. */
    hone_dataset *small = make_rows(10, 1, 0);
    expect_ok(hone_split_make(&s, small, NULL, 0.25, 0.14, 1, err));
    assert_int_equal(s.dev.n, 3);
    assert_int_equal(s.test.n, 1);
    assert_int_equal(s.train.n, 6);
    check_partition(&s, small);
    hone_split_free(&s);
    /* No dev, no test. */
    expect_ok(hone_split_make(&s, small, NULL, 0, 0, 1, err));
    assert_int_equal(s.train.n, 10);
    assert_int_equal(s.dev.n, 0);
    assert_int_equal(s.test.n, 0);
    check_partition(&s, small);
    hone_split_free(&s);
    hone_dataset_free(small);
    hone_dataset_free(d);
}

static void test_split_counts(void **state) {
    (void)state;
    hone_dataset *d = make_rows(100, 2, 1);
    hone_split s;
    expect_ok(hone_split_make(&s, d, NULL, 7, 1, 3, err));
    assert_int_equal(s.dev.n, 7);
    assert_int_equal(s.test.n, 1);
    assert_int_equal(s.train.n, 92);
    check_partition(&s, d);
    hone_split_free(&s);
    /* One training row left is enough. */
    expect_ok(hone_split_make(&s, d, NULL, 49, 50, 3, err));
    assert_int_equal(s.train.n, 1);
    hone_split_free(&s);
    hone_dataset_free(d);
}

/* A view's digest follows its rows, their order and their contents, and only them. */
static void test_view_checksum(void **state) {
    (void)state;
    hone_dataset *d = make_rows(10, 2, 1);
    size_t rows[3] = {4, 1, 7}, same[3] = {4, 1, 7}, swapped[3] = {1, 4, 7};
    hone_view a = {d, rows, 3}, b = {d, same, 3}, c = {d, swapped, 3}, fewer = {d, rows, 2};
    const uint64_t h = hone_view_checksum(&a);
    assert_true(hone_view_checksum(&b) == h);
    assert_true(hone_view_checksum(&c) != h);
    assert_true(hone_view_checksum(&fewer) != h);
    d->x[2 * 1 + 1] += 1; /* a feature of row 1, in the view */
    assert_true(hone_view_checksum(&a) != h);
    d->x[2 * 1 + 1] -= 1;
    d->label[7] = 0; /* a label in the view (it was 1) */
    assert_true(hone_view_checksum(&a) != h);
    d->label[7] = 1;
    d->x[0] += 1; /* row 0 is not in the view */
    d->label[0] = 2;
    assert_true(hone_view_checksum(&a) == h);
    hone_dataset_free(d);
}

static void test_split_test_data(void **state) {
    (void)state;
    hone_dataset *d = make_rows(50, 3, 1), *t = make_rows(8, 3, 1);
    hone_split s;
    expect_ok(hone_split_make(&s, d, t, 0.2, 0, 9, err));
    assert_ptr_equal(s.test.data, t);
    assert_int_equal(s.test.n, 8);
    for (size_t i = 0; i < 8; i++) assert_int_equal(s.test.index[i], i);
    assert_ptr_equal(s.dev.data, d);
    assert_ptr_equal(s.train.data, d);
    assert_int_equal(s.dev.n, 10);
    assert_int_equal(s.train.n, 40);
    check_partition(&s, d);
    hone_split_free(&s);

    expect_error(hone_split_make(&s, d, t, 0.2, 0.1, 9, err), HONE_ERR_VALUE, "test = 0.1", "test must be 0");
    hone_dataset *wide = make_rows(8, 4, 1);
    expect_error(hone_split_make(&s, d, wide, 0.2, 0, 9, err), HONE_ERR_VALUE, "4 features", "3");
    hone_dataset *unlabeled = make_rows(8, 3, 0);
    expect_error(hone_split_make(&s, d, unlabeled, 0.2, 0, 9, err), HONE_ERR_VALUE, "class labels",
                 "test set has none");
    t->n_classes = 5;
    expect_error(hone_split_make(&s, d, t, 0.2, 0, 9, err), HONE_ERR_VALUE, "class 4", "0..2");
    t->n_classes = 4; /* one class past the training data's: no output for it either */
    expect_error(hone_split_make(&s, d, t, 0.2, 0, 9, err), HONE_ERR_VALUE, "class 3", "0..2");
    expect_error(hone_split_make(&s, d, unlabeled, 50, 0, 9, err), HONE_ERR_VALUE, "class labels", "");
    t->n_classes = 3;
    expect_error(hone_split_make(&s, d, t, 50, 0, 9, err), HONE_ERR_VALUE, "dev (50)", "leaves no training rows of 50");
    assert_null(s.train.index);
    hone_dataset_free(unlabeled);
    hone_dataset_free(wide);
    hone_dataset_free(t);
    hone_dataset_free(d);
}

static void test_split_seeds(void **state) {
    (void)state;
    hone_dataset *d = make_rows(1000, 1, 0);
    hone_split a, b, c;
    expect_ok(hone_split_make(&a, d, NULL, 0.1, 0.1, 7, err));
    expect_ok(hone_split_make(&b, d, NULL, 0.1, 0.1, 7, err));
    expect_ok(hone_split_make(&c, d, NULL, 0.1, 0.1, 8, err));
    assert_memory_equal(a.train.index, b.train.index, a.train.n * sizeof(size_t));
    assert_memory_equal(a.dev.index, b.dev.index, a.dev.n * sizeof(size_t));
    assert_memory_equal(a.test.index, b.test.index, a.test.n * sizeof(size_t));
    assert_true(memcmp(a.test.index, c.test.index, a.test.n * sizeof(size_t)) != 0);
    check_partition(&a, d);
    check_partition(&c, d);
    hone_split_free(&a);
    hone_split_free(&b);
    /* Test rows depend on the seed and test size only: changing dev leaves them alone. */
    expect_ok(hone_split_make(&b, d, NULL, 0.3, 0.1, 8, err));
    assert_memory_equal(b.test.index, c.test.index, c.test.n * sizeof(size_t));
    hone_split_free(&b);
    hone_split_free(&c);
    hone_dataset_free(d);
}

static void test_split_errors(void **state) {
    (void)state;
    hone_dataset *d = make_rows(60000, 1, 0);
    hone_split s;
    expect_error(hone_split_make(&s, d, NULL, 70000, 0, 1, err), HONE_ERR_VALUE,
                 "dev (70000) + test (0) leave no training rows of 60000", "");
    expect_error(hone_split_make(&s, d, NULL, 0.5, 0.5, 1, err), HONE_ERR_VALUE,
                 "dev (30000) + test (30000) leave no training rows of 60000", "");
    expect_error(hone_split_make(&s, d, NULL, -0.1, 0, 1, err), HONE_ERR_VALUE, "dev = -0.1", "fraction");
    expect_error(hone_split_make(&s, d, NULL, 0, NAN, 1, err), HONE_ERR_VALUE, "test = nan", "fraction");
    expect_error(hone_split_make(&s, d, NULL, 2.5, 0, 1, err), HONE_ERR_VALUE, "dev = 2.5", "whole numbers");
    expect_error(hone_split_make(&s, d, NULL, INFINITY, 0, 1, err), HONE_ERR_VALUE, "dev (inf)", "no training rows");
    expect_error(hone_split_make(&s, d, NULL, 1e300, 0, 1, err), HONE_ERR_VALUE, "dev (1e+300)", "no training rows");
    expect_error(hone_split_make(&s, NULL, NULL, 0, 0, 1, err), HONE_ERR_VALUE, "no dataset", "");
    hone_dataset_free(d);
}

/* make_rows with regression targets instead of labels: n rows of t targets, target[i] = -i. */
static hone_dataset *make_targets(size_t n, size_t dim, size_t t) {
    hone_dataset *d = make_rows(n, dim, 0);
    d->t = t;
    d->target = honeM_alloc(n * t, sizeof *d->target);
    assert_non_null(d->target);
    for (size_t i = 0; i < n * t; i++) d->target[i] = -(hone_real)i;
    return d;
}

/* Catches two refusals of a separate test set that were checked one way only: a test set with
 * class labels where the training data has none (the other way round was tested), and a test
 * set with fewer target columns than the training data (only more was). Either way the model
 * could not score it. */
static void test_split_test_data_the_other_way_round(void **state) {
    (void)state;
    hone_dataset *unlabeled = make_rows(20, 3, 0), *labeled = make_rows(8, 3, 1);
    hone_split s;
    expect_error(hone_split_make(&s, unlabeled, labeled, 0.2, 0, 9, err), HONE_ERR_VALUE,
                 "the test set has class labels but the training data has none", "");
    hone_dataset *two = make_targets(20, 3, 2), *one = make_targets(8, 3, 1), *also_two = make_targets(8, 3, 2);
    expect_error(hone_split_make(&s, two, one, 0.2, 0, 9, err), HONE_ERR_VALUE,
                 "the test set has 1 target columns, the training data 2", "");
    expect_error(hone_split_make(&s, one, two, 0.2, 0, 9, err), HONE_ERR_VALUE,
                 "the test set has 2 target columns, the training data 1", "");
    expect_ok(hone_split_make(&s, two, also_two, 0.2, 0, 9, err));
    hone_split_free(&s);
    hone_dataset_free(also_two);
    hone_dataset_free(one);
    hone_dataset_free(two);
    hone_dataset_free(labeled);
    hone_dataset_free(unlabeled);
}

/* Catches a shuffle that never moves the last row (Fisher-Yates over n - 1 rows: row n - 1 stays
 * last, so it is always a training row). Over 400 seeds, 10 rows, test 0.5: every row is a test
 * row about 200 times (binomial sd 10: within 60), the last one too. */
static void test_split_every_row_can_be_held_out(void **state) {
    (void)state;
    hone_dataset *d = make_rows(10, 1, 0);
    int in_test[10] = {0};
    for (uint64_t seed = 0; seed < 400; seed++) {
        hone_split s;
        expect_ok(hone_split_make(&s, d, NULL, 0, 0.5, seed, err));
        for (size_t i = 0; i < s.test.n; i++) in_test[s.test.index[i]]++;
        hone_split_free(&s);
    }
    for (int r = 0; r < 10; r++)
        if (abs(in_test[r] - 200) > 60) fail_msg("row %d: a test row for %d of 400 seeds", r, in_test[r]);
    hone_dataset_free(d);
}

/* Catches a digest blind to which rows a view holds, or to regression targets. hone.h: the
 * digest covers "which dataset rows in which order, and their features ..., labels and
 * targets". Rows 1 and 2 made identical in features and label are still different rows (a
 * checkpoint's batch order names dataset rows): views {1} and {2} differ. A target of a row in
 * the view changes the digest; one of a row outside it does not. */
static void test_view_checksum_rows_and_targets(void **state) {
    (void)state;
    hone_dataset *d = make_rows(4, 2, 1);
    d->x[2 * 2] = d->x[2 * 1], d->x[2 * 2 + 1] = d->x[2 * 1 + 1];
    d->label[2] = d->label[1];
    size_t one[1] = {1}, two[1] = {2};
    hone_view a = {d, one, 1}, b = {d, two, 1};
    assert_true(hone_view_checksum(&a) != hone_view_checksum(&b));
    hone_dataset_free(d);
    hone_dataset *t = make_targets(4, 2, 2);
    size_t rows[2] = {3, 1};
    hone_view v = {t, rows, 2};
    const uint64_t h = hone_view_checksum(&v);
    t->target[2 * 1 + 1] += 1; /* row 1, in the view */
    assert_true(hone_view_checksum(&v) != h);
    t->target[2 * 1 + 1] -= 1;
    assert_true(hone_view_checksum(&v) == h);
    t->target[2 * 0] += 1; /* row 0, not in it */
    assert_true(hone_view_checksum(&v) == h);
    hone_dataset_free(t);
}

/* A view's digest is stored with a model (diagnose compares it with the data it is given), so it
 * must not change from one hone to the next: pinned here for features of whole 8-byte words
 * (two float32s, or two doubles, a row) and for a byte tail (3 pixels a row), on a little-endian
 * host as every other fixture here; and rows of other widths differ, zero bytes though they all
 * are (the tail's length is mixed in). */
static void test_view_checksum_is_stable(void **state) {
    (void)state;
    hone_dataset *d = make_rows(3, 2, 1);
    size_t rows[3] = {2, 0, 1};
    hone_view v = {d, rows, 3};
    assert_true(hone_view_checksum(&v) == (TH_DOUBLE ? 0xf388743dd1658e28ull : 0xe4a4ad0e67e7e752ull));
    hone_dataset_free(d);
    hone_dataset px = {.n = 2, .d = 3, .x_u8 = (uint8_t[]){1, 2, 3, 4, 5, 6}};
    hone_view w = {&px, rows + 1, 2};
    assert_true(hone_view_checksum(&w) == 0xabb01f10a7158219ull);
    hone_dataset one = {.n = 1, .d = 1, .x_u8 = (uint8_t[]){0}}, two = {.n = 1, .d = 2, .x_u8 = (uint8_t[]){0, 0}};
    hone_view a = {&one, rows + 1, 1}, b = {&two, rows + 1, 1};
    assert_true(hone_view_checksum(&a) != hone_view_checksum(&b));
}

/* Catches a compressed CSV read no further than its first megabyte. Compressed data has no size
 * to plan for, so the reader grows its buffer from 1 MiB while the data fills it; every
 * compressed CSV tested was under 1 MiB. 150,000 rows of "i,i % 2" are 1.3 MB: all of them are
 * read, the last one too. */
static void test_csv_gzip_over_a_megabyte(void **state) {
    (void)state;
    enum { ROWS = 150000 };
    char *text = malloc((size_t)ROWS * 16);
    assert_non_null(text);
    size_t k = 0;
    for (int r = 0; r < ROWS; r++) k += (size_t)sprintf(text + k, "%d,%d\n", r, r % 2);
    assert_true(k > ((size_t)1 << 20) + 100000);
    const char *p = write_gz("big.csv.gz", text, k);
    free(text);
    hone_dataset *d = NULL;
    expect_ok(hone_dataset_load_csv(&d, p, NULL, err));
    assert_int_equal(d->n, ROWS);
    th_assert_close(d->x[ROWS - 1], ROWS - 1, 0);
    assert_int_equal(d->label[ROWS - 1], (ROWS - 1) % 2);
    hone_dataset_free(d);
}

/* ---------------------------------------------------------------------------------------------
 * Allocation failures: every failure point reports NOMEM and leaks nothing (run under valgrind).
 * ------------------------------------------------------------------------------------------- */

typedef hone_status (*load_fn)(hone_dataset **out, hone_error *err);
static char fx_a[512], fx_b[512];

static hone_status load_idx_fx(hone_dataset **out, hone_error *err) { return hone_dataset_load_idx(out, fx_a, fx_b, err); }
static hone_status load_csv_fx(hone_dataset **out, hone_error *err) { return hone_dataset_load_csv(out, fx_a, NULL, err); }
static hone_status load_csv_targets_fx(hone_dataset **out, hone_error *err) {
    const hone_csv_column columns[2] = {{"y", 0}, {NULL, 0}};
    hone_csv_options o = hone_csv_options_default();
    o.regression = 1;
    o.label_columns = columns;
    o.n_label_columns = 2;
    return hone_dataset_load_csv(out, fx_a, &o, err);
}
static hone_status load_npy_fx(hone_dataset **out, hone_error *err) { return hone_dataset_load_npy(out, fx_a, fx_b, 0, err); }

static void sweep_failures(load_fn load) {
    for (long k = 0;; k++) {
        hone_dataset *d = NULL;
        hone_error e = {0};
        honeM_fail_after(k);
        hone_status st = load(&d, &e);
        honeM_fail_after(-1);
        if (st == HONE_OK) {
            assert_true(k > 0);
            hone_dataset_free(d);
            return;
        }
        if (st != HONE_ERR_NOMEM) fail_msg("failure point %ld: status %d: %s", k, (int)st, e.message);
        assert_null(d);
        assert_non_null(strstr(e.message, "out of memory"));
    }
}

static void test_alloc_failures(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    strcpy(fx_a, write_gz("fa.gz", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    strcpy(fx_b, th_write("fb.idx", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3)));
    sweep_failures(load_idx_fx);

    strcpy(fx_a, th_write_text("fa.csv", "a,b,y\n1,2,0\n3,4,1\n5,6,1\n7,8,1\n9,10,1\n11,12,1\n"));
    sweep_failures(load_csv_fx);
    sweep_failures(load_csv_targets_fx);

    double x[4] = {1, 2, 3, 4};
    int64_t y[2] = {0, 1};
    strcpy(fx_a, write_npy("fa.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", x, sizeof x));
    strcpy(fx_b, write_npy("fb.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", y, sizeof y));
    sweep_failures(load_npy_fx);
    strcpy(fx_a, write_npy("fa-fortran.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", x, sizeof x));
    sweep_failures(load_npy_fx); /* the bits that mark the items put into C order */

    hone_dataset *d = make_rows(20, 1, 0);
    for (long k = 0;; k++) {
        hone_split s;
        hone_error e = {0};
        honeM_fail_after(k);
        hone_status st = hone_split_make(&s, d, NULL, 0.2, 0.2, 1, &e);
        honeM_fail_after(-1);
        hone_split_free(&s);
        if (st == HONE_OK) break;
        assert_int_equal(st, HONE_ERR_NOMEM);
    }
    hone_dataset_free(d);
}

/* An IDX directory whose training files are broken is an error, even when its test files are
 * good: the training set is not quietly dropped. */
static void test_idx_dir_with_broken_training_files(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {3};
    char dir[512];
    strcpy(dir, th_path("broken-train-dir"));
    assert_int_equal(mkdir(dir, 0700), 0);
    th_write("broken-train-dir/train-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12) - 1);
    th_write("broken-train-dir/train-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3));
    th_write("broken-train-dir/t10k-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    th_write("broken-train-dir/t10k-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3));
    hone_data_source src = {0};
    src.path = dir;
    src.csv = hone_csv_options_default();
    hone_dataset *train = (hone_dataset *)1, *test = (hone_dataset *)1;
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, "train-images-idx3-ubyte",
                 "truncated");
    assert_null(train);
    assert_null(test);
}

/* IDX files and directories at the readers' edges: a file of 3 bytes, dimensions one byte
 * short, one byte after the data (plain), 20000 bytes after it (compressed: counted past the
 * first 16 KiB read), more labels than images, rank-4 files of one channel (images, as NPY's) and
 * of three (flat rows), a text file's
 * first line under 4 bytes, 1.5 MiB compressed (grown to its size); a directory whose training
 * images are a subdirectory (skipped for the .gz beside it), and .GZ in capitals. */
static void test_idx_edges(void **state) {
    (void)state;
    hone_dataset *d = NULL, *t = NULL;
    const char *p = th_write("three.idx", "\0\0\x08", 3);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "not an IDX file (3 bytes, shorter than the 4-byte magic)");
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, ldims[1] = {4}, dims4[4] = {1, 3, 2, 2};
    size_t n = idx_bytes(buf, 8, 3, dims, IMG, 12);
    p = th_write("dims11.idx", buf, 4 + 11);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "truncated: expected 12 bytes of dimensions, got 11");
    buf[n] = 7;
    p = th_write("plus1.idx", buf, n + 1);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "1 unexpected byte after the 12 bytes of image data");
    uint8_t *big = calloc(1, (3 << 19) + 32);
    assert_non_null(big);
    n = idx_bytes(big, 8, 3, dims, IMG, 12);
    p = write_gz("plus20000.gz", big, n + 20000);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p,
                 "20000 unexpected bytes after the 12 bytes of image data");
    char img[512];
    strcpy(img, th_write("img.idx", buf, idx_bytes(buf, 8, 3, dims, IMG, 12)));
    const uint8_t labels[4] = {0, 1, 2, 1};
    p = th_write("lab4.idx", buf, idx_bytes(buf, 8, 1, ldims, labels, 4));
    expect_error(hone_dataset_load_idx(&d, img, p, err), HONE_ERR_FORMAT, p, ": 4 labels for 3 images in");
    p = th_write("rank4.idx", buf, idx_bytes(buf, 8, 4, dims4, IMG, 12));
    expect_ok(hone_dataset_load_idx(&d, p, NULL, err));
    assert_int_equal(d->d, 12);
    assert_true(d->height == 0 && d->width == 0);
    hone_dataset_free(d);
    const uint32_t last[4] = {2, 3, 2, 1}, first[4] = {2, 1, 3, 2}; /* one channel, last or first */
    for (int k = 0; k < 2; k++) {
        p = th_write("rank4-one.idx", buf, idx_bytes(buf, 8, 4, k ? first : last, IMG, 12));
        expect_ok(hone_dataset_load_idx(&d, p, NULL, err));
        assert_true(d->n == 2 && d->d == 6 && d->height == 3 && d->width == 2);
        assert_memory_equal(d->x_u8, IMG, 12);
        hone_dataset_free(d);
    }
    p = th_write("short-lines", "1,2\n3,4\n", 8);
    expect_error(hone_dataset_load_idx(&d, p, NULL, err), HONE_ERR_FORMAT, p, ": it looks like text");
    /* 1.5 MiB of pixels, compressed: read into 1 MiB, then grown to the claimed size */
    uint32_t wide[2] = {3, 1 << 19};
    for (size_t i = 0; i < (size_t)3 << 19; i++) big[12 + i] = (uint8_t)(i * 13);
    idx_bytes(big, 8, 2, wide, big + 12, 0);
    p = write_gz("big.gz", big, 12 + ((size_t)3 << 19));
    expect_ok(hone_dataset_load_idx(&d, p, NULL, err));
    assert_int_equal(d->n, 3);
    assert_memory_equal(d->x_u8, big + 12, (size_t)3 << 19);
    hone_dataset_free(d);
    free(big);

    char dir[512];
    strcpy(dir, th_path("edge-dir"));
    assert_int_equal(mkdir(dir, 0700), 0);
    uint32_t three[1] = {3};
    strcpy(img, th_path("edge-dir/train-images-idx3-ubyte"));
    assert_int_equal(mkdir(img, 0700), 0); /* not a file */
    write_gz("edge-dir/train-images-idx3-ubyte.gz", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    th_write("edge-dir/train-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, three, LAB, 3));
    hone_data_source src = {.path = dir, .csv = hone_csv_options_default()};
    expect_ok(hone_dataset_load_any(&d, &t, &src, err));
    check_tiny_idx(d);
    assert_null(t);
    hone_dataset_free(d);
    const char *csv = "a,b,y\n1,2,0\n3,4,1\n";
    src.path = write_gz("upper.csv.GZ", csv, strlen(csv));
    expect_ok(hone_dataset_load_any(&d, &t, &src, err));
    assert_int_equal(d->n, 2);
    hone_dataset_free(d);
}

/* An IDX directory's test set is both t10k files or neither: half of one (a download cut short)
 * was no test set, and the rows were carved from the training files. Its images are of the training
 * images' shape and width, its classes among theirs: each was found only after training, by a
 * message naming neither file. */
static void test_idx_dir_test_set(void **state) {
    (void)state;
    uint8_t buf[256];
    uint32_t dims[3] = {3, 2, 2}, wide[3] = {3, 1, 4}, flat[2] = {3, 3}, ldims[1] = {3};
    const uint8_t class5[3] = {0, 5, 1};
    char dir[512], images[600], labels[600];
    hone_dataset *train = (hone_dataset *)1, *test = (hone_dataset *)1;
    hone_data_source src = {.path = dir, .csv = hone_csv_options_default()};
    strcpy(dir, th_path("half-test-dir"));
    assert_int_equal(mkdir(dir, 0700), 0);
    th_write("half-test-dir/train-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    th_write("half-test-dir/train-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3));
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte", dir);
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte", dir);
    write_gz("half-test-dir/t10k-images-idx3-ubyte.gz", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_IO, "t10k-labels-idx1-ubyte[.gz]: no such file",
                 "t10k-images-idx3-ubyte.gz is there: a test set needs both");
    assert_true(train == NULL && test == NULL);
    assert_int_equal(unlink(th_path("half-test-dir/t10k-images-idx3-ubyte.gz")), 0);
    th_write("half-test-dir/t10k-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, ldims, LAB, 3));
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_IO, "t10k-images-idx3-ubyte[.gz]: no such file",
                 "t10k-labels-idx1-ubyte is there");
    /* both: the test set; then of another shape, width or classes */
    th_write("half-test-dir/t10k-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    expect_ok(hone_dataset_load_any(&train, &test, &src, err));
    check_tiny_idx(train);
    check_tiny_idx(test);
    hone_dataset_free(train);
    hone_dataset_free(test);
    th_write("half-test-dir/t10k-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, wide, IMG, 12));
    char said[1400];
    snprintf(said, sizeof said, ": images of 1 x 4 pixels (height x width), and %s/train-images-idx3-ubyte has 2 x 2", dir);
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, images, said);
    assert_true(train == NULL && test == NULL);
    th_write("half-test-dir/t10k-images-idx3-ubyte", buf, idx_bytes(buf, 8, 2, flat, IMG, 9));
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, images,
                 ": 3 features per row, and");
    th_write("half-test-dir/t10k-images-idx3-ubyte", buf, idx_bytes(buf, 8, 3, dims, IMG, 12));
    th_write("half-test-dir/t10k-labels-idx1-ubyte", buf, idx_bytes(buf, 8, 1, ldims, class5, 3));
    expect_error(hone_dataset_load_any(&train, &test, &src, err), HONE_ERR_FORMAT, labels,
                 ": the test set has class 5, but the training labels");
    assert_true(train == NULL && test == NULL);
}

/* A pipe (a FIFO here; `--data <(zcat images.gz)` in a shell) has no size to bound the reads by:
 * its bytes are read as they come, not refused as truncated for a size of 0. */
static void test_idx_from_a_pipe(void **state) {
    (void)state;
    uint8_t buf[64];
    uint32_t dims[3] = {3, 2, 2};
    const size_t n = idx_bytes(buf, 8, 3, dims, IMG, 12);
    char fifo[512];
    strcpy(fifo, th_path("images.fifo"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the writer: 28 bytes fit the pipe's buffer, so it never waits on the reader */
        const int fd = open(fifo, O_WRONLY);
        _exit(fd >= 0 && write(fd, buf, n) == (ssize_t)n ? 0 : 1);
    }
    hone_dataset *d = NULL;
    hone_error e = {0};
    const hone_status st = hone_dataset_load_idx(&d, fifo, NULL, &e);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (st) fail_msg("%s", e.message);
    assert_int_equal(d->n, 3);
    assert_memory_equal(d->x_u8, IMG, 12);
    hone_dataset_free(d);
}

/* NPY layouts numpy writes that the reader must take: a version 2.0 header longer than 65535
 * bytes (its 4-byte length read in full, little-endian), and fortran_order True on an array with
 * at most one dimension above 1 (the same bytes as C order). A regression target array of rank 3
 * is refused: targets are (n,) or (n, T). */
static void test_npy_long_header_fortran_vector_and_rank3_targets(void **state) {
    (void)state;
    const float x[3] = {1.5f, -2.0f, 3.25f};
    hone_dataset *d = NULL;
    /* a dict padded to over 64 KiB of spaces before its closing brace */
    const size_t pad = 70000;
    const char *head = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), ";
    char *dict = malloc(strlen(head) + pad + 2);
    assert_non_null(dict);
    strcpy(dict, head);
    memset(dict + strlen(head), ' ', pad);
    strcpy(dict + strlen(head) + pad, "}");
    char xp[512];
    strcpy(xp, write_npy("long-header.npy", 2, dict, x, sizeof x));
    free(dict);
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 1);
    for (int i = 0; i < 3; i++) th_assert_close(hone_dataset_at(d, (size_t)i, 0), x[i], 0);
    hone_dataset_free(d);
    d = NULL;

    /* fortran_order True: a vector, and a column (3, 1), load as C order would */
    strcpy(xp, write_npy("fortran-vector.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", x, sizeof x));
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_int_equal(d->n, 3);
    th_assert_close(hone_dataset_at(d, 2, 0), 3.25, 0);
    hone_dataset_free(d);
    d = NULL;
    strcpy(xp, write_npy("fortran-column.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 1), }", x, sizeof x));
    expect_ok(hone_dataset_load_npy(&d, xp, NULL, 0, err));
    assert_int_equal(d->n, 3);
    assert_int_equal(d->d, 1);
    th_assert_close(hone_dataset_at(d, 1, 0), -2.0, 0);
    hone_dataset_free(d);
    d = NULL;

    /* targets of rank 3 */
    const float rows[4] = {1, 2, 3, 4}, targets[6] = {0, 1, 2, 3, 4, 5};
    strcpy(xp, write_npy("x-two-rows.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", rows, sizeof rows));
    const char *yp = write_npy("y-rank3.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 1), }",
                               targets, sizeof targets);
    expect_error(hone_dataset_load_npy(&d, xp, yp, 1, err), HONE_ERR_FORMAT, yp, "y has shape (2, 3, 1): expected (n,) or (n, T)");
    assert_null(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        th_test(test_idx_plain),
        th_test(test_load_any_picks_the_reader),
        th_test(test_idx_gzip),
        th_test(test_idx_rank1),
        th_test(test_idx_bad_magic),
        th_test(test_idx_bad_type),
        th_test(test_idx_truncated),
        th_test(test_idx_trailing),
        th_test(test_idx_labels),
        th_test(test_idx_missing),
        th_test(test_idx_huge_header),
        th_test(test_csv_no_header),
        th_test(test_csv_header_detect),
        th_test(test_csv_label_column),
        th_test(test_csv_label_columns),
        th_test(test_csv_ragged),
        th_test(test_csv_not_a_number),
        th_test(test_csv_bad_label),
        th_test(test_refusals_without_an_error_record),
        th_test(test_csv_line_endings),
        th_test(test_csv_empty),
        th_test(test_csv_edges),
        th_test(test_csv_long_lines_gzip),
        th_test(test_csv_gzip_truncated),
        th_test(test_csv_bom),
        th_test(test_csv_no_label_column),
        th_test(test_csv_growth),
        th_test(test_csv_collapse),
        th_test(test_npy_collapse),
        th_test(test_npy_f32),
        th_test(test_npy_gz),
        th_test(test_npy_f64),
        th_test(test_npy_u8),
        th_test(test_npy_bad_dtype),
        th_test(test_npy_integers_and_byte_orders),
        th_test(test_npy_fortran_order),
        th_test(test_npy_single_channel_images),
        th_test(test_npy_bad_files),
        th_test(test_npy_header_edges),
        th_test(test_npy_bad_values),
        th_test(test_npy_long_header_fortran_vector_and_rank3_targets),
        th_test(test_idx_dir_with_broken_training_files),
        th_test(test_idx_dir_test_set),
        th_test(test_idx_edges),
        th_test(test_idx_from_a_pipe),
        th_test(test_split_fractions),
        th_test(test_split_counts),
        th_test(test_view_checksum),
        th_test(test_split_test_data),
        th_test(test_split_seeds),
        th_test(test_split_errors),
        th_test(test_split_test_data_the_other_way_round),
        th_test(test_split_every_row_can_be_held_out),
        th_test(test_view_checksum_rows_and_targets),
        th_test(test_view_checksum_is_stable),
        th_test(test_csv_gzip_over_a_megabyte),
        th_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
