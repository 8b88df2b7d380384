/* fuzz_config.c - the CLI's option parsing: cli_parse with --config FILE on arbitrary bytes, read
 * against a small command table with an int, a real, a text and a flag option, under [fuzz] and
 * at the top level. The same bytes, cut at newlines, then serve as command-line arguments (at most
 * 8, --help left out) so flag parsing is fuzzed too, and the text option is read as a --layers
 * list by cli_parse_units. The seeds are plain INI files.
 * Run with -close_fd_mask=3: every refused line prints its one error line. */
#include "fuzz_common.h"

#include "../cli/cli.h"

static int opt_int, opt_flag, opt_flag2;
static double opt_real;
static char opt_text[CLI_TEXT_MAX], opt_path[CLI_TEXT_MAX];

static cli_option options[] = {
    {"epochs", CLI_INT, &opt_int, "N", "an int"},
    {"lr", CLI_REAL, &opt_real, "X", "a real"},
    {"activation", CLI_TEXT, opt_text, "NAME", "a text"},
    {"model", CLI_TEXT, opt_path, "PATH", "the positional"},
    {"shuffle", CLI_FLAG, &opt_flag, NULL, "a flag"},
    {"quiet", CLI_FLAG, &opt_flag2, NULL, "another flag"},
    {0},
};

static const cli_command command = {"fuzz", "hone fuzz [options]", "fuzzing", options, "model"};

static void reset(void) {
    opt_int = 10, opt_flag = 1, opt_flag2 = 0, opt_real = 0.1;
    strcpy(opt_text, "relu");
    opt_path[0] = 0;
}

/* Every text option stays a NUL-terminated string in its buffer. */
static void check_options(void) {
    fuzz_check(memchr(opt_text, 0, sizeof opt_text) && memchr(opt_path, 0, sizeof opt_path));
    fuzz_check((opt_flag == 0 || opt_flag == 1) && (opt_flag2 == 0 || opt_flag2 == 1));
}

/* The text option read as a --layers list ("512,256", "256x50"): a count within the room given
 * and every size in [1, 2^24], or -1. */
static void check_units(void) {
    int units[16];
    int n = cli_parse_units("fuzz", opt_text, units, 16);
    fuzz_check(n >= -1 && n <= 16);
    for (int i = 0; i < n; i++) fuzz_check(units[i] >= 1 && units[i] <= 1 << 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *path;
    if (!path) path = fuzz_temp("config");
    fuzz_write(path, data, size);

    reset();
    char *argv1[] = {"fuzz", "--config", (char *)path, NULL};
    int rc = cli_parse(&command, 3, argv1);
    fuzz_check(rc == 0 || rc == -1);
    check_options();
    check_units();

    /* The same bytes as arguments, one per line. */
    char *copy = malloc(size + 1);
    fuzz_check(copy);
    memcpy(copy, data, size);
    copy[size] = 0;
    char *argv2[10] = {"fuzz"};
    int argc = 1;
    for (char *p = copy, *line; argc < 9 && (line = strsep(&p, "\n"));) {
        if (!strcmp(line, "--help") || !strcmp(line, "-h")) continue;
        if (!strncmp(line, "--config", 8)) continue; /* a file named by the input: not ours to open */
        argv2[argc++] = line;
    }
    argv2[argc] = NULL;
    reset();
    rc = cli_parse(&command, argc, argv2);
    fuzz_check(rc == 0 || rc == -1);
    check_options();
    check_units();
    free(copy);
    return 0;
}
