/* options.c - flags and INI files through one option table. */
#define _DEFAULT_SOURCE
#include "cli.h"
#include "hone.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The options the last cli_parse set, each once, and where its value came from: a config file's
 * line (path, line), so that a later check's message about the option names the place, and
 * whether that was a top-level key, which every command shares (cli_given_shared); path NULL
 * for a flag, which wins over the file. Values are compared, never read: tune's checks parse
 * into tables of their own that are gone after. */
static struct given_option {
    const void *value;
    const char *name, *path;
    int line, shared;
} given[256];
static int n_given;

static struct given_option *given_entry(const void *value) {
    for (int i = 0; i < n_given; i++)
        if (given[i].value == value) return &given[i];
    return NULL;
}

int cli_given(const void *value) { return given_entry(value) != NULL; }

int cli_given_shared(const void *value) {
    const struct given_option *g = given_entry(value);
    return g && g->shared;
}

/* o was given: from path:line (a config file, shared for a top-level key), or a flag (path NULL). */
static void mark_given(const cli_option *o, const char *path, int line, int shared) {
    struct given_option *g = given_entry(o->value);
    if (!g) {
        if (n_given == (int)(sizeof given / sizeof *given)) return;
        g = &given[n_given++];
        g->value = o->value;
        g->name = o->name;
    }
    g->path = path;
    g->line = line;
    g->shared = path && shared;
}

/* The config file option msg is about ("--NAME ..." or "--NAME: ..."), or NULL. */
static const struct given_option *origin_of(const char *msg) {
    if (strncmp(msg, "--", 2)) return NULL;
    const size_t len = strspn(msg + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
    for (int i = 0; i < n_given; i++)
        if (given[i].path && strlen(given[i].name) == len && !strncmp(msg + 2, given[i].name, len)) return &given[i];
    return NULL;
}

static int errors_muted; /* cli_mute_errors */

int cli_mute_errors(int mute) {
    const int was = errors_muted;
    errors_muted = mute;
    return was;
}

/* A message that a caller has placed at an option already ("tune: s.ini:9: [train] lr", "tune:
 * after --: --lr") need not name it again: its leading "--lr: " is dropped. */
static const char *unrepeated(const char *cmd, const char *msg) {
    if (strncmp(msg, "--", 2)) return msg;
    const size_t len = strspn(msg + 2, "abcdefghijklmnopqrstuvwxyz0123456789-"), n = strlen(cmd);
    if (!len || strncmp(msg + 2 + len, ": ", 2) || n <= len || strncmp(cmd + n - len, msg + 2, len) ||
        (cmd[n - len - 1] != ' ' && cmd[n - len - 1] != '-'))
        return msg;
    return msg + 2 + len + 2;
}

void cli_error(const char *cmd, const char *fmt, ...) {
    if (errors_muted) return;
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const struct given_option *from = origin_of(msg);
    if (from) fprintf(stderr, "hone %s: %s:%d: %s\n", cmd, from->path, from->line, unrepeated(cmd, msg));
    else fprintf(stderr, "hone %s: %s\n", cmd, unrepeated(cmd, msg));
}

static cli_option *find(const cli_command *cmd, const char *name) {
    for (cli_option *o = cmd->options; o->name; o++)
        if (strcmp(o->name, name) == 0) return o;
    return NULL;
}

int cli_number_text(const char *text) {
    const char *digits = text + (*text == '-' || *text == '+');
    const size_t n = strlen(text);
    return n && !isspace((unsigned char)text[0]) && !isspace((unsigned char)text[n - 1]) &&
           !(digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'));
}

/* Sets an option from text; `where` names the source for messages ("--lr" or "f.ini:3: lr"). */
static int set_value(const cli_command *cmd, cli_option *o, const char *text, const char *where) {
    char *end;
    switch (o->type) {
    case CLI_INT: {
        errno = 0;
        long v = strtol(text, &end, 10);
        if (!cli_number_text(text) || *end || errno || v < INT_MIN || v > INT_MAX) {
            cli_error(cmd->name, "%s: expected an integer, got '%s'", where, text);
            return -1;
        }
        *(int *)o->value = (int)v;
        return 0;
    }
    case CLI_REAL: {
        if (o->meta && strstr(o->meta, "|auto") && !strcmp(text, "auto")) { /* the default its help shows */
            *(double *)o->value = NAN;
            return 0;
        }
        errno = 0;
        double v = strtod(text, &end);
        if (errno == ERANGE && fabs(v) <= DBL_MIN) errno = 0; /* 1e-320 is a number, near 0: the checks judge it */
        if (!cli_number_text(text) || *end || errno || !isfinite(v)) {
            cli_error(cmd->name, "%s: expected a number, got '%s'", where, text);
            return -1;
        }
        *(double *)o->value = v;
        return 0;
    }
    case CLI_TEXT:
        if (strlen(text) >= CLI_TEXT_MAX) {
            cli_error(cmd->name, "%s: value longer than %d characters", where, CLI_TEXT_MAX - 1);
            return -1;
        }
        strcpy((char *)o->value, text);
        return 0;
    case CLI_SEED: {
        errno = 0;
        unsigned long long v = strtoull(text, &end, 10);
        if (!isdigit((unsigned char)*text) || *end || errno || v > CLI_SEED_MAX) {
            cli_error(cmd->name, "%s: expected an integer seed in [0, 2^53 = %llu], got '%s'", where, CLI_SEED_MAX, text);
            return -1;
        }
        *(uint64_t *)o->value = v;
        return 0;
    }
    case CLI_FLAG: {
        const int on = cli_flag_value(text);
        if (on < 0) {
            cli_error(cmd->name, "%s: expected true or false, got '%s'", where, text);
            return -1;
        }
        *(int *)o->value = on;
        return 0;
    }
    }
    return -1;
}

typedef struct ini_lines {
    FILE *file;
    int *line;
    int too_long;      /* a line did not fit inih's buffer */
    int empty_section; /* a line was [] */
    long bytes;        /* read before this line */
    long nul;          /* the byte (from 1) of a NUL byte read; 0 while none */
} ini_lines;

/* inih's reader, one line a call: a line that does not fit its buffer would be read in pieces,
 * each taken for a line of its own, so reading ends there instead. A line's leading blanks go:
 * inih takes an indented line for the continuation of the value above it, so an indented
 * "plot = a.svg" under "save = m.st" saved the model as "m.st plot = a.svg". Indented, it is a
 * line of its own here, and a continued value a line that is not key = value. Read a byte at a
 * time, not by fgets, so that a NUL byte is seen (fgets's line ended there unseen, and the line
 * was called too long); reading ends at one. So it does at a [] line, which inih takes for the
 * top level: the keys under it were read as every command's without a word. */
static char *read_counted(char *buf, int size, void *stream) {
    ini_lines *r = stream;
    int n = 0, c;
    while (n < size - 1 && (c = getc(r->file)) != EOF) {
        if (!c) {
            ++*r->line;
            r->nul = r->bytes + n + 1;
            return NULL;
        }
        buf[n++] = (char)c;
        if (c == '\n') break;
    }
    if (!n) return NULL;
    buf[n] = 0;
    r->bytes += n;
    ++*r->line;
    if (buf[n - 1] != '\n' && getc(r->file) != EOF) { /* more of the line than fits */
        r->too_long = 1;
        return NULL;
    }
    const size_t blanks = strspn(buf, " \t");
    if (blanks) memmove(buf, buf + blanks, strlen(buf + blanks) + 1);
    if (buf[0] == '[' && buf[1 + strspn(buf + 1, " \t")] == ']') {
        r->empty_section = 1;
        return NULL;
    }
    return buf;
}

int cli_ini_read(const char *cmd, const char *path, int (*handler)(void *, const char *, const char *, const char *),
                 void *user, int *line, const int *handler_failed) {
    ini_lines r = {fopen(path, "r"), line, 0, 0, 0, 0};
    if (!r.file) {
        cli_error(cmd, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    *line = 0;
    errno = 0;
    int rc = ini_parse_stream(read_counted, &r, handler, user);
    const int read_error = ferror(r.file) ? (errno ? errno : EIO) : 0; /* a directory reads as EISDIR, not as empty */
    fclose(r.file);
    if (read_error) {
        cli_error(cmd, "%s: cannot read: %s", path, strerror(read_error));
        return -1;
    }
    const int stopped = r.too_long || r.nul || r.empty_section; /* reading ended at *line */
    if (rc == -2) cli_error(cmd, "%s: out of memory", path);
    else if (rc == 0 && r.too_long) cli_error(cmd, "%s:%d: line longer than %d characters", path, *line, CLI_INI_LINE_MAX);
    else if (rc == 0 && r.nul) cli_error(cmd, "%s:%d: a NUL byte (byte %ld): not a text file", path, *line, r.nul);
    else if (rc == 0 && r.empty_section)
        cli_error(cmd, "%s:%d: [] names no section: give the command's ([train], [predict], ...), or leave the line "
                       "out for keys every command reads", path, *line);
    else if (rc > 0 && !*handler_failed)
        cli_error(cmd, "%s:%d: not an INI line (expected key = value or [section])", path, rc);
    return rc || stopped ? -1 : 0;
}

typedef struct ini_state {
    const cli_command *cmd;
    const char *path;
    int failed, line;
    char warned[64]; /* the last section warned of, as far as it fits */
} ini_state;

/* The sections hone reads: its commands' (main.c) and hone tune's [space]. */
static int known_section(const char *section) {
    static const char *const names[] = {"train", "eval", "predict", "gradcheck", "inspect", "bench",
                                        "plot-layers", "tune", "plot", "diagnose", "space"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(section, names[i])) return 1;
    return 0;
}

/* Keys outside [cmd] (other commands' sections) are skipped; so are top-level keys (before any
 * section) that this command does not have, since they may be another command's. An unknown
 * key in [cmd] is an error, so typos there do not pass; a section no command reads ([Train],
 * [trian]) is warned of at its first key, since its options would go unread. */
static int on_ini(void *user, const char *section, const char *key, const char *value) {
    ini_state *s = user;
    if (*section && !known_section(section) && strncmp(section, s->warned, sizeof s->warned - 1)) {
        fprintf(stderr, "hone %s: warning: %s:%d: [%s] %s: no section [%s] is read: hone reads those named for its "
                        "commands (train, eval, predict, ...) and tune's [space], in lower case\n",
                s->cmd->name, s->path, s->line, section, key, section);
        snprintf(s->warned, sizeof s->warned, "%s", section);
    }
    if (*section && strcmp(section, s->cmd->name) != 0) return 1;
    char where[CLI_TEXT_MAX + 80];
    snprintf(where, sizeof where, "%s:%d: %s%s%s%s", s->path, s->line, *section ? "[" : "", section, *section ? "] " : "",
             key);
    cli_option *o = find(s->cmd, key);
    if (!o || !strcmp(key, "config")) {
        if (!*section) return 1; /* top-level keys may belong to other commands */
        cli_error(s->cmd->name, "%s: unknown option", where);
        s->failed = 1;
        return 0;
    }
    const struct given_option *g = given_entry(o->value);
    /* the same read of the same file (s->path, one --config's own text): a file given twice is read
     * twice, the second over the first, as two files are */
    if (g && g->path == s->path && g->shared == !*section) { /* the first would go unread */
        cli_error(s->cmd->name, "%s: set again (first at line %d); give it once", where, g->line);
        s->failed = 1;
        return 0;
    }
    mark_given(o, s->path, s->line, !*section);
    if (set_value(s->cmd, o, value, where)) {
        s->failed = 1;
        return 0;
    }
    return 1;
}

static const char *config_read; /* the --config file the last cli_parse read, or NULL */

const char *cli_config_path(void) { return config_read; }

static int load_config(const cli_command *cmd, const char *path) {
    config_read = path;
    ini_state s = {cmd, path, 0, 0, ""};
    return cli_ini_read(cmd->name, path, on_ini, &s, &s.line, &s.failed);
}

int cli_parse(const cli_command *cmd, int argc, char **argv) {
    n_given = 0;
    config_read = NULL;
    /* --help and --config first: the file gives defaults the flags then override */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_print_help(cmd, stdout);
            return 1;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;
        if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) {
                cli_error(cmd->name, "--config needs a file");
                return -1;
            }
            path = argv[i + 1];
        } else if (!strncmp(argv[i], "--config=", 9)) {
            path = argv[i] + 9;
        }
        if (path && load_config(cmd, path)) return -1;
    }
    int positional_seen = 0;
    /* the positional option's value from its flag and from the bare argument: two that differ
     * (hone eval --model m.st other.st) are refused, where the later silently won */
    const char *flag_text = NULL, *bare_text = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            cli_option *o = cmd->positional ? find(cmd, cmd->positional) : NULL;
            if (!o || positional_seen++) {
                /* "--keep-prob 0.8, 0.9": the shell split the list at its space, after the comma */
                const char *prev = argv[i - 1];
                const size_t len = strlen(prev);
                if (i >= 2 && len && prev[len - 1] == ',' && (!strncmp(prev, "--", 2) || !strncmp(argv[i - 2], "--", 2)))
                    cli_error(cmd->name, "unexpected argument '%s': a list with a space after its comma was split in "
                                         "two; write it as one argument, %s%s%s%s", arg,
                              strncmp(prev, "--", 2) ? argv[i - 2] : "", strncmp(prev, "--", 2) ? " " : "", prev, arg);
                else cli_error(cmd->name, "unexpected argument '%s' (see hone %s --help)", arg, cmd->name);
                return -1;
            }
            if (flag_text && strcmp(flag_text, arg)) {
                cli_error(cmd->name, "--%s %s and the bare argument %s differ; give one", o->name, flag_text, arg);
                return -1;
            }
            bare_text = arg;
            mark_given(o, NULL, 0, 0);
            if (set_value(cmd, o, arg, o->name)) return -1;
            continue;
        }
        char name[128];
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof name) len = sizeof name - 1;
        memcpy(name, arg + 2, len);
        name[len] = 0;
        cli_option *o = find(cmd, name);
        int negated = 0;
        if (!o && !strncmp(name, "no-", 3)) { /* --no-FLAG turns a flag off; other options have no such form */
            cli_option *flag = find(cmd, name + 3);
            if (flag && flag->type == CLI_FLAG) o = flag, negated = 1;
        }
        if (!o && strcmp(name, "config") != 0) {
            cli_error(cmd->name, "unknown option '--%s' (see hone %s --help)", name, cmd->name);
            return -1;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (negated && value) {
            cli_error(cmd->name, "--%s takes no value; for a value, --%s=true or --%s=false", name, name + 3, name + 3);
            return -1;
        }
        if (!strcmp(name, "config")) {
            if (!value) i++;
            continue;
        }
        mark_given(o, NULL, 0, 0);
        if (o->type == CLI_FLAG && !value) {
            *(int *)o->value = !negated;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                cli_error(cmd->name, "--%s needs a value", name);
                return -1;
            }
            value = argv[++i];
        }
        if (cmd->positional && !strcmp(o->name, cmd->positional)) {
            if (bare_text && strcmp(bare_text, value)) {
                cli_error(cmd->name, "--%s %s and the bare argument %s differ; give one", name, value, bare_text);
                return -1;
            }
            flag_text = value;
        }
        char where[160];
        snprintf(where, sizeof where, "--%s", name);
        if (set_value(cmd, o, value, where)) return -1;
    }
    return 0;
}

int cli_parse_pairs(const cli_command *cmd, const char *const *keys, const char *const *values, int n, const char *where) {
    for (int i = 0; i < n; i++) {
        cli_option *o = !strcmp(keys[i], "config") ? NULL : find(cmd, keys[i]);
        if (!o) {
            cli_error(cmd->name, "%s: unknown option", where);
            return -1;
        }
        mark_given(o, NULL, 0, 0); /* the pairs come with their own place (where) */
        if (set_value(cmd, o, values[i], where)) return -1;
    }
    return 0;
}

static struct given_option pushed[sizeof given / sizeof *given];
static int n_pushed;

void cli_given_push(void) {
    memcpy(pushed, given, (size_t)n_given * sizeof *given);
    n_pushed = n_given;
    n_given = 0;
}

void cli_given_pop(void) {
    memcpy(given, pushed, (size_t)n_pushed * sizeof *given);
    n_given = n_pushed;
}

const cli_option *cli_find_option(const cli_command *cmd, const char *name) { return find(cmd, name); }

void cli_print_help(const cli_command *cmd, FILE *out) {
    fprintf(out, "usage: %s\n\n%s\n\noptions (default in brackets):\n", cmd->usage, cmd->summary);
    for (const cli_option *o = cmd->options; o->name; o++) {
        char left[96], def[CLI_TEXT_MAX + 16];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->meta ? " " : "", o->meta ? o->meta : "");
        switch (o->type) {
        case CLI_INT: snprintf(def, sizeof def, "[%d]", *(int *)o->value); break;
        case CLI_REAL:
            if (isnan(*(double *)o->value)) snprintf(def, sizeof def, "[auto]");
            else snprintf(def, sizeof def, "[%g]", *(double *)o->value);
            break;
        case CLI_TEXT: snprintf(def, sizeof def, "[%s]", *(char *)o->value ? (char *)o->value : "none"); break;
        case CLI_FLAG: snprintf(def, sizeof def, "[%s]", *(int *)o->value ? "on" : "off"); break;
        case CLI_SEED: snprintf(def, sizeof def, "[%llu]", (unsigned long long)*(uint64_t *)o->value); break;
        }
        fprintf(out, "  %-26s %s %s\n", left, o->help, def);
    }
    fprintf(out, "  %-26s read options from an INI file first: the keys above, under [%s]; flags win\n",
            "--config FILE", cmd->name);
    fprintf(out, "  %-26s show this help\n", "--help");
}

int cli_int_in(const char *cmd, const char *option, int value, int lo, int hi) {
    if (value >= lo && value <= hi) return 0;
    if (hi == INT_MAX) cli_error(cmd, "%s must be at least %d, got %d", option, lo, value);
    else cli_error(cmd, "%s must be in [%d, %d], got %d", option, lo, hi, value);
    return -1;
}

int cli_threads_check(const char *cmd, int threads) {
    if (threads >= 0 && threads <= HONE_MAX_THREADS) return 0;
    cli_error(cmd, "--threads must be in [0, %d] (0: the default), got %d", HONE_MAX_THREADS, threads);
    return -1;
}

static int threads_started; /* cli_threads_started */

int cli_threads_started(void) { return threads_started; }

int cli_threads(const char *cmd, int threads) {
    if (cli_threads_check(cmd, threads)) return -1;
    const int started = threads_started = hone_set_threads(threads);
    if (threads > 0 && started < threads) /* the system would not start more: training goes on, slower */
        fprintf(stderr, "hone %s: warning: --threads %d: the system started %d thread%s\n", cmd, threads, started,
                started == 1 ? "" : "s");
    return 0;
}

int cli_seed_valid(double value) { return value >= 0 && value <= (double)CLI_SEED_MAX && value == floor(value); }

/* "512,256" or "256x50" (50 layers of 256), or a mix: "512,256x3,64" */
int cli_units_expand(const char *text, int *units, int max, long *too_wide) {
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10), times = 1;
        if (end != p && *end == 'x') {
            const char *q = end + 1;
            times = strtol(q, &end, 10);
            if (end == q || times < 1) v = 0; /* not a list */
        }
        if (end != p && !errno && v > HONE_MAX_UNITS) {
            *too_wide = v;
            return -2;
        }
        if (end == p || errno || v < 1) return -1;
        if (times > max - n) return -3;
        while (times--) units[n++] = (int)v;
        p = end;
        if (*p == ',' && p[1]) p++; /* a comma is followed by a size: "16," is an error */
        else if (*p) return -1;
    }
    return n;
}

int cli_parse_units(const char *cmd, const char *text, int *units, int max) {
    long too_wide = 0;
    const int n = cli_units_expand(text, units, max, &too_wide);
    if (n == -2)
        cli_error(cmd, "--layers: a layer has at most %d units, got %ld in '%s'", HONE_MAX_UNITS, too_wide, text);
    else if (n == -3)
        cli_error(cmd, "--layers: more than %d hidden layers", max);
    else if (n < 0)
        cli_error(cmd, "--layers: expected hidden layer sizes like 512,256 or 256x50, got '%s'", text);
    return n < 0 ? -1 : n;
}

int cli_utf8_length(const char *text) {
    const unsigned char *s = (const unsigned char *)text;
    const unsigned c = s[0];
    const int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    for (int k = 1; k < n; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

int cli_utf8_valid(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const int n = *p < 0x80 ? 1 : cli_utf8_length((const char *)p);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

int cli_append(char *buf, size_t cap, size_t *at, const char *fmt, ...) {
    if (*at >= cap) return -1;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *at) {
        *at = cap;
        return -1;
    }
    *at += (size_t)n;
    return 0;
}

void cli_json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const unsigned char c = *p;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else if (c < 0x80) fputc(c, out);
        else {
            /* JSON text is Unicode: a byte that starts no valid UTF-8 sequence (a file name in
             * another encoding) is U+FFFD, the replacement character, or the line did not parse */
            const int n = cli_utf8_length((const char *)p);
            if (n) fwrite(p, 1, (size_t)n, out);
            else fputs("\\ufffd", out);
            p += n ? n : 1;
            continue;
        }
        p++;
    }
    fputc('"', out);
}

const char *cli_loss_text(char *buf, double v) {
    snprintf(buf, CLI_LOSS_TEXT, fabs(v) < 1e6 ? "%.4f" : "%.4g", isnan(v) ? NAN : v); /* "nan", never "-nan" */
    return buf;
}

void cli_json_number(FILE *out, const char *key, double v, int comma) {
    if (isfinite(v)) fprintf(out, "\"%s\": %.6g%s", key, v, comma ? ", " : "");
    else fprintf(out, "\"%s\": null%s", key, comma ? ", " : "");
}

int cli_flag_value(const char *text) {
    static const char *const words[2][4] = {{"0", "false", "no", "off"}, {"1", "true", "yes", "on"}};
    for (int on = 0; on < 2; on++)
        for (int i = 0; i < 4; i++)
            if (!strcmp(text, words[on][i])) return on;
    return -1;
}

void cli_json_numbers(FILE *out, const char *key, const double *v, int n, int comma) {
    if (n == 1 || isnan(v[0])) { /* one target, or a split without rows */
        cli_json_number(out, key, v[0], comma);
        return;
    }
    fprintf(out, "\"%s\": [", key);
    for (int k = 0; k < n; k++) {
        if (isfinite(v[k])) fprintf(out, "%s%.6g", k ? ", " : "", v[k]);
        else fprintf(out, "%snull", k ? ", " : "");
    }
    fprintf(out, "]%s", comma ? ", " : "");
}

void cli_rmse_text(FILE *out, const double *rmse, int n) {
    if (isnan(rmse[0])) return;
    fprintf(out, "  rmse");
    for (int k = 0; k < n; k++) fprintf(out, " %.4g", rmse[k]);
}
