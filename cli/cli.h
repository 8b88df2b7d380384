/* cli.h - what the subcommands share: one option table per command, read from an INI file
 * (--config) and then from flags, so flags win. Nothing here depends on hone_real, so the float
 * commands and the double gradcheck use the same object code. */
#ifndef HONE_CLI_H
#define HONE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ini.h>

/* CLI_SEED: an integer in [0, CLI_SEED_MAX], read as text (a double would merge neighbouring
 * seeds above 2^53) into a uint64_t. */
typedef enum cli_type { CLI_INT, CLI_REAL, CLI_TEXT, CLI_FLAG, CLI_SEED } cli_type;

/* 2^53: every seed up to it is exact as a JSON number, which is how a model's metadata keeps it
 * (read back as a double by diagnose). */
#define CLI_SEED_MAX 9007199254740992ull

#define CLI_TEXT_MAX 1024

typedef struct cli_option {
    const char *name;    /* flag without dashes, and the INI key */
    cli_type type;
    void *value;         /* int *, double *, char [CLI_TEXT_MAX], int * (flag) or uint64_t * (seed) */
    const char *meta;    /* placeholder in the help, e.g. "N" or "PATH" */
    const char *help;
} cli_option;

typedef struct cli_command {
    const char *name;      /* "train": also the INI section read for it */
    const char *usage;     /* "hone train [options]" */
    const char *summary;   /* one paragraph */
    cli_option *options;   /* terminated by a zero entry */
    const char *positional; /* name of an option that a bare argument sets, or NULL */
} cli_command;

/* The longest line inih reads whole (it reads longer ones in pieces, each taken for a line). */
enum { CLI_INI_LINE_MAX = INI_MAX_LINE - 2 };
/* Reads the INI file path through inih, calling handler (which sets *handler_failed when it
 * refuses a value, having printed why) with *line the line it is called for, so that errors name
 * it. Returns 0, or -1 with the message printed: the file cannot be opened, memory ran out, a line
 * is not `key = value` or `[section]`, the handler refused one, or a line is longer than inih
 * reads whole (CLI_INI_LINE_MAX characters; reading stops there). */
int cli_ini_read(const char *cmd, const char *path, int (*handler)(void *, const char *, const char *, const char *),
                 void *user, int *line, const int *handler_failed);
/* Parses argv (argv[0] is the command name). Returns 0 to go on, 1 when help was printed
 * (exit 0), -1 on an error already printed to stderr (exit 2). */
int cli_parse(const cli_command *cmd, int argc, char **argv);
/* As cli_parse, for keys[i] = values[i] (i < n) given as the lines of a config file would be,
 * over the defaults the table holds: an error (a key cmd lacks, a value it refuses) is
 * "hone CMD: WHERE: ...". Returns 0, or -1 with the message printed. The options it marks given
 * are its own: a caller that parses pairs inside a command (tune's checks of its trials) sets the
 * command's aside with cli_given_push and takes them back with cli_given_pop, which also forgets
 * the pairs' (the table they set may be gone by then). One level. */
int cli_parse_pairs(const cli_command *cmd, const char *const *keys, const char *const *values, int n, const char *where);
void cli_given_push(void);
void cli_given_pop(void);
/* cmd's option of that name, or NULL. */
const cli_option *cli_find_option(const cli_command *cmd, const char *name);
/* Whether the last cli_parse set the option whose value is at `value` (from the command line or
 * a config file), rather than leaving its default. */
int cli_given(const void *value);
/* Whether the last cli_parse set value from a config file's top-level keys, which every command
 * shares, and from nothing more specific (the command's section, a flag). */
int cli_given_shared(const void *value);
void cli_print_help(const cli_command *cmd, FILE *out);
/* Prints "hone CMD: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* While mute is 1, cli_error prints nothing (for a check whose answer alone is wanted); returns
 * what it was. */
int cli_mute_errors(int mute);
/* The --config file the last cli_parse read (a path into its argv), or NULL. */
const char *cli_config_path(void);

/* Whether value, a seed read from a model's metadata, is one --seed takes: an integer in [0,
 * CLI_SEED_MAX]. */
int cli_seed_valid(double value);
/* The --threads option; the help's bound is HONE_MAX_THREADS (hone.h), which cli_threads checks. */
#define CLI_STRING_OF(x) #x
#define CLI_STRING(x) CLI_STRING_OF(x)
#define CLI_THREADS_OPTION(threads)                                                                 \
    {"threads", CLI_INT, &(threads), "N",                                                           \
     "threads for matrix products and elementwise work (0: OPENBLAS_NUM_THREADS, else one per CPU; at most " \
     CLI_STRING(HONE_MAX_THREADS) ")"}
/* Sets the thread count of a --threads value: 0 (the default) to HONE_MAX_THREADS; above it, or
 * below 0, -1 with the message printed, rather than the library's silent cap. */
int cli_threads(const char *cmd, int threads);
/* The threads the last cli_threads started (0 before one). */
int cli_threads_started(void);
/* cli_threads' range check alone: 0, or -1 with its message printed; starts nothing. */
int cli_threads_check(const char *cmd, int threads);
/* Where this CPU has AVX-512 and the BLAS's kernels leave it unused (OpenBLAS's 0.6 of the speed
 * of its AVX-512 kernels on AMD Zen 5, BENCHMARKS.md): a note of it on out, naming
 * OPENBLAS_CORETYPE when the environment chose them, and then "OPENBLAS_CORETYPE=SkylakeX ask"
 * (what that does for the command: "hone bench times its AVX-512 kernels"). 1 when noted. */
int cli_blas_note(FILE *out, const char *ask);
/* 0, or -1 with "OPTION must be in [lo, hi], got V" printed ("must be at least lo" when hi is
 * INT_MAX): an integer option's range. */
int cli_int_in(const char *cmd, const char *option, int value, int lo, int hi);
/* "512,256" -> {512, 256}; returns the count, or -1 (message printed) on a bad list. */
int cli_parse_units(const char *cmd, const char *text, int *units, int max);
/* cli_parse_units without a message: the count, or -1 for text that is not a list of sizes, -2
 * for a size over HONE_MAX_UNITS (put in *too_wide), -3 for more than max layers. */
int cli_units_expand(const char *text, int *units, int max, long *too_wide);
/* A loss as the outputs print it, into buf [CLI_LOSS_TEXT]: four decimals, or from 1e6 on four
 * significant digits (a diverging regression's loss took sixty digits); returns buf. */
#define CLI_LOSS_TEXT 32
const char *cli_loss_text(char *buf, double v);
/* Whether text may be read as a number by strtod or strtol: not empty, no blank before or after it
 * (strtod and strtol skip leading ones, and the readers had skipped trailing ones, so '5 ' was a
 * --lr but not a --dev), and not hexadecimal (strtod read --lr 0x10 as 16, where strtol in base 10
 * refused --batch 0x10). Every option of one number reads it through this (not --keep-prob's list). */
int cli_number_text(const char *text);
/* A flag's value as a config file or tune gives it: 1 for 1, true, yes or on; 0 for 0, false, no
 * or off; -1 for anything else. */
int cli_flag_value(const char *text);
/* Appends printf text to buf [cap] at *at, keeping buf a string: 0, or -1 once it does not fit,
 * with the text cut at cap - 1 and *at at cap, so that nothing after it is appended. */
int cli_append(char *buf, size_t cap, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Writes a double as JSON (null for NaN or infinity). */
void cli_json_number(FILE *out, const char *key, double v, int comma);
/* A regression's figure per target (hone_model_evaluate_rmse's), n of them: as JSON, one number
 * for one target (null where not finite, as for an empty split) and an array for several; as
 * text, "  rmse A" or "  rmse A B ...", nothing for an empty split. Each target's own, as their
 * units may differ. */
void cli_json_numbers(FILE *out, const char *key, const double *v, int n, int comma);
void cli_rmse_text(FILE *out, const double *rmse, int n);
/* s as a JSON string: quoted, with '"', '\\' and control characters escaped. */
void cli_json_string(FILE *out, const char *s);
/* Whether s is valid UTF-8 (no overlong form, surrogate or code point past U+10FFFF). */
int cli_utf8_valid(const char *s);
/* The length of the valid UTF-8 sequence of 2 to 4 bytes at s (as cli_utf8_valid takes it), or 0. */
int cli_utf8_length(const char *s);

/* Exit codes */
/* Significant digits that give back the same hone_real when read (9 for float, 17 for double). */
#define CLI_REAL_DIGITS ((int)(sizeof(hone_real) == 4 ? 9 : 17))

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_DIVERGED = 3 };

int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_gradcheck(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_plot_layers(int argc, char **argv);
int cmd_tune(int argc, char **argv);
/* For hone tune, which checks every trial's options before it runs one (cmd_train.c): sets
 * keys[i] = values[i] (i < n) over hone train's defaults, as lines of a config file would, and
 * checks them as hone train does before it reads its data, with the data's classes and targets
 * taken to fit (the checks that need the data's rows are left to the trial). A message is
 * "hone CMD: WHERE: ..."; none is printed when where is NULL, no warning ever, and no thread is
 * started. Returns 0, or -1 (with the message printed). */
int cli_train_options_check(const char *cmd, const char *where, const char *const *keys, const char *const *values,
                            int n);
/* The type (cli_type) of hone train's option name, or -1 when train has none. */
int cli_train_option_type(const char *name);
int cmd_plot(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);

/* Prints the bias/variance diagnosis of three errors (fractions; losses when regression) and the
 * recipe's advice, as hone diagnose and the end of hone train show it; returns the hone_diagnosis.
 * regression, when not 0, says what the losses are in, as the note on them says. regularized
 * (NULL or "": none) names what the run did that raises the training error (L2, dropout, ...):
 * with high bias, a note says to regularize less before growing the network. dev_rows (0: not
 * known) is the dev set's size: a classifier's dev error on too few rows to tell apart what
 * tolerance does gets a note of its standard error. constant: a classifier's loss on its train
 * rows, and the loss and accuracy there of the best prediction that ignores the inputs
 * (hone_model_constant_figures; NaN: not known): one no better on both (its accuracy is
 * 1 - train_error) gets a note that it learned nothing, which the recipe's cures for bias do not
 * mend. */
typedef struct cli_constant_figures {
    int kind; /* hone_loss_kind */
    double train_loss, loss, acc;
} cli_constant_figures;
int cli_diagnosis_print(FILE *out, double train_error, double dev_error, double base_error, double tolerance,
                        int regression, const char *regularized, size_t dev_rows, cli_constant_figures constant);
/* What a regression's losses are in: of targets standardized on the train split, units of their
 * variance; of targets as they are (--no-standardize-targets, or a target constant over the train
 * split, whose std is 1), their own units squared; either, for a metrics file, which does not say. */
enum { CLI_MSE_VARIANCE = 1, CLI_MSE_SQUARED_UNITS, CLI_MSE_EITHER };
struct hone_model;
/* 0 for a classifier, else what its losses are in: CLI_MSE_SQUARED_UNITS when every target_std is 1. */
int cli_mse_units(const struct hone_model *model);
/* --base-error: 0 or more, and for a classifier a fraction of the examples, at most 1; -1 with
 * the message printed otherwise. */
int cli_base_error_check(const char *cmd, double base_error, int regression);

#endif
