/* checkpoint.c - hone train's checkpoints: the writer hook, the signal handlers, and the check
 * that a resumed run has the options its checkpoint was written with. */
#include "checkpoint.h"
#include "atomic.h"
#include "model_options.h"
#include "option_reads.h"
#include "paths.h"

#include <cJSON.h>
#include <signal.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_checkpoint_check(const char *cmd, const cli_checkpoint *c) {
    return cli_int_in(cmd, "--checkpoint-every", c->every, 1, INT_MAX);
}

int cli_checkpoint_fresh(const char *cmd, const cli_checkpoint *c) {
    struct stat st;
    if (!*c->path || stat(c->path, &st) || !S_ISREG(st.st_mode)) return 0;
    if (*c->resume && cli_same_file(c->resume, c->path)) return 0; /* the run goes on in its own checkpoint */
    cli_error(cmd, "--checkpoint %s: the file exists (an earlier run's checkpoint?), and this run would replace it: "
              "go on with that run with --resume %s, or remove the file to start again", c->path, c->path);
    return -1;
}

/* ---------------------------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------------------------- */

/* The library reads its stop flag as a volatile int; a handler may only write sig_atomic_t. */
_Static_assert(_Generic((sig_atomic_t)0, int: 1, default: 0), "sig_atomic_t is int");
static volatile sig_atomic_t stop_flag, caught;
static atomic_flag signalled = ATOMIC_FLAG_INIT; /* lock-free, so safe in a handler */
static struct sigaction old_int, old_term;
static int catching;

/* The first signal asks for a stop; any later one (the next SIGINT or SIGTERM, or one that
 * another thread of the process, such as a BLAS worker, is handling at the same moment) ends the
 * process at once, by that signal, after removing the temporaries of the writes under way
 * (cli_remove_and_die): a second Ctrl-C while the checkpoint was written left its temporary. */
static void on_signal(int sig) {
    if (atomic_flag_test_and_set(&signalled)) {
        cli_remove_and_die(sig); /* the signal is delivered, to the default action, when this returns */
        return;
    }
    caught = sig;
    stop_flag = 1;
    struct sigaction die;
    memset(&die, 0, sizeof die);
    die.sa_handler = cli_remove_and_die;
    sigemptyset(&die.sa_mask);
    sigaction(SIGINT, &die, NULL);
    sigaction(SIGTERM, &die, NULL);
}

void cli_signals_catch(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = SA_RESTART;
    stop_flag = caught = 0;
    atomic_flag_clear(&signalled);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    catching = 1;
}

void cli_signals_restore(void) {
    if (!catching) return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    catching = 0;
}

int cli_signal_caught(void) { return caught; }

/* ---------------------------------------------------------------------------------------------
 * Hooks
 * ------------------------------------------------------------------------------------------- */

static void pass_epoch(const hone_epoch_stats *s, void *user) {
    const cli_checkpoint *c = user;
    c->inner.on_epoch(s, c->inner.user);
}

static void pass_batch(const hone_batch_stats *s, void *user) {
    const cli_checkpoint *c = user;
    c->inner.on_batch(s, c->inner.user);
}

static void pass_layer_stats(const hone_layer_stats *s, int n_layers, uint64_t step, int epoch, void *user) {
    const cli_checkpoint *c = user;
    c->inner.on_layer_stats(s, n_layers, step, epoch, c->inner.user);
}

/* Every --checkpoint-every epochs, at the run's end, and where a signal stopped it. */
static hone_status write_checkpoint(const hone_train_state *s, void *user, hone_error *err) {
    cli_checkpoint *c = user;
    const int end = s->batch == 0 && (s->epoch == s->config.epochs || s->last.stopped_early);
    if (!s->interrupted && !end && s->epoch % c->every != 0) return HONE_OK;
    hone_status st = hone_checkpoint_save(s, c->path, err);
    if (st == HONE_OK) {
        c->written = 1;
        c->epoch = s->epoch;
        c->batch = s->batch;
    }
    return st;
}

hone_train_hooks cli_checkpoint_hooks(cli_checkpoint *c, hone_train_hooks inner) {
    c->inner = inner;
    return (hone_train_hooks){
        .on_epoch = inner.on_epoch ? pass_epoch : NULL,
        .on_batch = inner.on_batch ? pass_batch : NULL,
        .on_layer_stats = inner.on_layer_stats ? pass_layer_stats : NULL,
        .stats_every = inner.stats_every,
        .user = c,
        .stop = (volatile int *)&stop_flag,
        .on_checkpoint = write_checkpoint,
    };
}

/* ---------------------------------------------------------------------------------------------
 * Options of a resumed run
 * ------------------------------------------------------------------------------------------- */

/* The option a key of the configuration JSON comes from: "hidden" is --layers, "test_set"
 * --test-data, the rest are their option's name with '-' for '_'. */
static void option_of(const char *key, char *buf, size_t cap) {
    static const char *const renamed[][2] = {{"hidden", "layers"}, {"test_set", "test-data"}}; /* key, its option */
    for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
        if (strcmp(key, renamed[i][0]) == 0) key = renamed[i][1];
    snprintf(buf, cap, "--%s", key);
    for (char *p = buf; *p; p++)
        if (*p == '_') *p = '-';
}

/* A deciding option's value in configuration c (a run's JSON: keys with underscores), as text:
 * a string as it is, a flag true or false, a number as written; NULL when c does not say (an
 * older hone's checkpoint without it). */
typedef struct config_values {
    const cJSON *c;
    char number[32];
} config_values;

static const char *config_value(const char *by, void *ctx) {
    config_values *v = ctx;
    char key[32];
    snprintf(key, sizeof key, "%s", by);
    for (char *p = key; *p; p++)
        if (*p == '-') *p = '_';
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(v->c, key);
    if (cJSON_IsString(item)) return item->valuestring;
    if (cJSON_IsBool(item)) return cJSON_IsTrue(item) ? "true" : "false";
    if (!cJSON_IsNumber(item)) return NULL;
    snprintf(v->number, sizeof v->number, "%.17g", item->valuedouble);
    return v->number;
}

/* Whether a run of configuration c reads the option behind key (cli_option_read, as tune asks
 * it); "epochs", the run's length, counts as read only by cosine here, which reads it as its T: a
 * longer run than the checkpoint's goes on as one given them all. The library's checks skip the
 * same (read_settings and network_differs in src/train/checkpoint.c, and the layer settings
 * that honeS_architecture_differs compares by layer kind). */
static bool reads(const cJSON *c, const char *key) {
    config_values values = {c, ""};
    if (!strcmp(key, "epochs")) {
        const char *schedule = config_value("schedule", &values);
        const int kind = schedule ? hone_schedule_kind_parse(schedule) : -1;
        return kind < 0 || hone_schedule_reads((hone_schedule_kind)kind, "epochs") == 1;
    }
    char option[64];
    snprintf(option, sizeof option, "%s", key);
    for (char *p = option; *p; p++)
        if (*p == '_') *p = '-';
    return cli_option_read(option, config_value, &values);
}

/* Whether two option texts are the same list of numbers, as each run read them: "0.8" and
 * "0.80" for --keep-prob, "0.2" and ".2" for --dev. Text that is not numbers separated by commas
 * ("auto") is compared as text. */
static bool same_numbers(const char *a, const char *b) {
    for (;;) {
        char *end_a, *end_b;
        const double x = strtod(a, &end_a), y = strtod(b, &end_b);
        if (end_a == a || end_b == b || x != y || (*end_a != ',') != (*end_b != ',')) return false;
        if (*end_a != ',') return !*end_a && !*end_b;
        a = end_a + 1;
        b = end_b + 1;
    }
}

/* Whether two --layers texts are the same hidden layers: "256x2" and "256,256". */
static bool same_layers(const char *a, const char *b) {
    int x[CLI_MAX_HIDDEN], y[CLI_MAX_HIDDEN];
    long too_wide;
    const int n = cli_units_expand(a, x, CLI_MAX_HIDDEN, &too_wide);
    if (n < 0 || cli_units_expand(b, y, CLI_MAX_HIDDEN, &too_wide) != n) return false;
    return !memcmp(x, y, (size_t)n * sizeof *x);
}

/* The keep probabilities of a --keep-prob text for n_hidden layers into keep [n_hidden] (one value
 * is every layer's, as cli_regularize_network reads it); false for text that is not that. */
static bool keep_of(const char *text, int n_hidden, double *keep) {
    int n = 0;
    for (const char *p = text;;) {
        char *end;
        const double v = strtod(p, &end);
        if (end == p || (*end && *end != ',') || n == n_hidden) return false; /* n_hidden values at most */
        keep[n++] = v;
        if (!*end) break;
        p = end + 1;
    }
    if (n != 1 && n != n_hidden) return false;
    for (int h = n; h < n_hidden; h++) keep[h] = keep[0];
    return true;
}

/* Whether --keep-prob's two texts keep the same units of the network that configuration c's
 * --layers gives: "0.8" and "0.8,0.8" for two hidden layers. */
static bool same_keep(const cJSON *c, const char *a, const char *b) {
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(c, "hidden");
    int units[CLI_MAX_HIDDEN];
    long too_wide;
    const int n = cJSON_IsString(layers) ? cli_units_expand(layers->valuestring, units, CLI_MAX_HIDDEN, &too_wide) : -1;
    double x[CLI_MAX_HIDDEN], y[CLI_MAX_HIDDEN];
    if (n < 1 || !keep_of(a, n, x) || !keep_of(b, n, y)) return false;
    return !memcmp(x, y, (size_t)n * sizeof *x);
}

/* Whether two texts of the option behind key mean the same: the same numbers, or the same
 * layers or keep probabilities written another way. */
static bool same_text(const cJSON *c, const char *key, const char *a, const char *b) {
    if (same_numbers(a, b)) return true;
    if (!strcmp(key, "hidden")) return same_layers(a, b);
    if (!strcmp(key, "keep_prob")) return same_keep(c, a, b);
    return false;
}

/* A layout's value as the option gives it: text as it is, a list of columns joined by commas
 * ("y0,y1"), into buf [cap]; "" for none */
static const char *layout_text(const cJSON *v, char *buf, size_t cap) {
    size_t at = 0;
    buf[0] = '\0';
    if (cJSON_IsString(v)) cli_append(buf, cap, &at, "%s", v->valuestring);
    const cJSON *item;
    if (cJSON_IsArray(v))
        cJSON_ArrayForEach(item, v) {
            cli_append(buf, cap, &at, "%s%s", at ? "," : "", cJSON_IsString(item) ? item->valuestring : "?");
        }
    return buf;
}

bool cli_layout_differs(const char *checkpoint, const char *layout, char *what, size_t cap) {
    if (!layout) return false;
    cJSON *a = checkpoint ? cJSON_Parse(checkpoint) : NULL;
    char *run_json = malloc(strlen(layout) + 3);
    if (run_json) sprintf(run_json, "{%s}", layout + strspn(layout, ", "));
    cJSON *b = run_json ? cJSON_Parse(run_json) : NULL;
    free(run_json);
    bool differs = false;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(a, "label_column");
    if (cJSON_IsObject(b) && label) {
        const cJSON *now = cJSON_GetObjectItemCaseSensitive(b, "label_column");
        const cJSON *index_then = cJSON_GetObjectItemCaseSensitive(a, "label_index"),
                    *index_now = cJSON_GetObjectItemCaseSensitive(b, "label_index");
        /* by index ("5,0" is "y0,y1"): a column given by name records its index beside it */
        differs = !now || !cJSON_Compare(index_then ? index_then : label, index_now ? index_now : now, 1);
        char then_text[CLI_TEXT_MAX], now_text[CLI_TEXT_MAX];
        if (differs)
            snprintf(what, cap, "--label-column is %s in the checkpoint, %s in this run",
                     layout_text(label, then_text, sizeof then_text),
                     now ? layout_text(now, now_text, sizeof now_text) : "the last column");
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    return differs;
}

int cli_config_differs(const char *checkpoint, const char *run, char *what, size_t cap) {
    cJSON *a = checkpoint ? cJSON_Parse(checkpoint) : NULL, *b = cJSON_Parse(run);
    int differs = 0;
    if (!cJSON_IsObject(a) || !cJSON_IsObject(b)) {
        snprintf(what, cap, "the checkpoint does not record the options it was written with");
        differs = 3;
    }
    for (const cJSON *y = differs ? NULL : b->child; y && !differs; y = y->next) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, y->string);
        if (x && cJSON_Compare(x, y, 1)) continue;
        if (cJSON_IsString(x) && cJSON_IsString(y) && same_text(a, y->string, x->valuestring, y->valuestring)) continue;
        /* a difference in an option that neither run reads changes nothing in training (nor
         * need the checkpoint record one that it never read) */
        if (!reads(a, y->string) && !reads(b, y->string)) continue;
        char option[64], *then = x ? cJSON_PrintUnformatted(x) : NULL, *now = cJSON_PrintUnformatted(y);
        option_of(y->string, option, sizeof option);
        if (x)
            snprintf(what, cap, "%s is %s in the checkpoint, %s in this run", option, then ? then : "?", now ? now : "?");
        else
            snprintf(what, cap, "%s is %s in this run and not recorded in the checkpoint", option, now ? now : "?");
        free(then);
        free(now);
        differs = x ? 1 : 2;
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    return differs;
}
