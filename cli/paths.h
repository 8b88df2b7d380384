/* paths.h - the files a command will write, checked before it does any work: each can be made
 * (its directory exists, it is not a directory), none would replace a file the command reads,
 * and no two name the same file. So a typo in --save costs nothing, and --metrics data.csv
 * cannot turn the data into a metrics file. */
#ifndef HONE_CLI_PATHS_H
#define HONE_CLI_PATHS_H

#define CLI_COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

typedef struct cli_path {
    const char *option; /* "--save" */
    const char *path;   /* NULL or "": not given */
    const char *may_replace; /* an input this output may be (--checkpoint over the --resume it goes on from) */
    int in_place;            /* opened and written where it is, links followed (--metrics, --layer-stats, tune
                              * --results), rather than replaced by a rename: a link to an input is that input */
} cli_path;

/* Whether writing output (a rename onto that name, which replaces the name itself, a link or
 * not) would replace the file input reads: input, its links followed, is the entry output names. */
int cli_replaces(const char *input, const char *output);
/* Whether paths a and b name one file: the same path once canonical (for a file not there yet),
 * or cli_replaces. */
int cli_same_file(const char *a, const char *b);

/* Whether path is a FIFO or a device (/dev/null, /dev/stdout; links followed), which a command
 * writes in place rather than replacing it with a file renamed over it. */
int cli_in_place(const char *path);

/* Checks outputs [n_outputs] against inputs [n_inputs] and the --config file cli_parse read, if
 * any, following the links of the outputs written in place; -1 with the message printed (a usage
 * error). */
int cli_outputs_check(const char *cmd, const cli_path *inputs, int n_inputs, const cli_path *outputs, int n_outputs);

#endif
