/* cmd_tune.c - hone tune: random search over hone train's options, coarse to fine (tune.h
 * describes the search and its files). Here: the rounds, each sampled and run (with halving,
 * rung by rung), and the command. */
#define _DEFAULT_SOURCE
#include "tune.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static void on_signal(int sig) { tune_stop_signal = sig; }

static int search(tune *t) {
    const tune_options *o = &t->o;
    int budget[3], n_rungs = tune_rungs(o, budget);
    trial **alive = malloc(sizeof *alive * (size_t)o->trials);
    if (!alive) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    int rc = 0;
    for (int round = 1; round <= o->rounds && !rc; round++) {
        hone_rng rng;
        hone_rng_seed(&rng, t->seed ^ ((uint64_t)round << 40));
        for (int i = 0; i < o->trials; i++) {
            trial *tr = &t->trials[t->n_trials++];
            memset(tr, 0, sizeof *tr);
            tr->id = (round - 1) * o->trials + i + 1;
            tr->round = round;
            tr->dev_acc = tr->dev_loss = NAN;
            for (int j = 0; j < t->n_space; j++) {
                /* the value is what its text says: that is what the trial runs with */
                const hone_param *p = &t->space[j];
                hone_param_format(p, hone_param_sample(p, &rng), tr->text[j], sizeof tr->text[j]);
                hone_error err = {0};
                if (hone_param_value(p, tr->text[j], &tr->value[j], &err)) {
                    cli_error("tune", "%s", err.message);
                    free(alive);
                    return CLI_EXIT_FAIL;
                }
            }
            alive[i] = tr;
        }
        int n_alive = o->trials;
        for (int k = 0; k < n_rungs && !rc; k++) {
            rc = tune_run_trials(t, alive, n_alive, budget[k]);
            if (rc || k == n_rungs - 1) break;
            tune_rank_trials(t, alive, n_alive);
            int keep = (n_alive + 1) / 2;
            while (keep > 0 && alive[keep - 1]->status != ST_OK) keep--;
            n_alive = keep;
            if (!n_alive) break;
        }
        if (!rc && round < o->rounds) rc = tune_narrow(t, round);
    }
    free(alive);
    return rc;
}

int cmd_tune(int argc, char **argv) {
    tune_options o = {
        .rounds = 2, .trials = 8, .jobs = 1, .epochs = 10, .top_k = 3, .margin = 0.25, .seed = 1,
        .metric = "dev_acc", .results = "tune-results.jsonl", .best = "tune-best.ini",
    };
    cli_option options[] = {
        {"rounds", CLI_INT, &o.rounds, "N", "rounds; after each, the ranges narrow around the best trials"},
        {"trials", CLI_INT, &o.trials, "N", "trials per round, sampled at random from the space"},
        {"jobs", CLI_INT, &o.jobs, "N", "trials run at once, each a hone train process"},
        {"epochs", CLI_INT, &o.epochs, "N", "epochs of a trial (with --halving, of those that last)"},
        {"metric", CLI_TEXT, o.metric, "NAME", "dev_acc (higher is better) or dev_loss (lower is better)"},
        {"top-k", CLI_INT, &o.top_k, "N", "best trials so far that the next round's ranges surround"},
        {"margin", CLI_REAL, &o.margin, "X", "a narrowed range is their span plus X times the old width each side"},
        {"halving", CLI_FLAG, &o.halving, NULL, "successive halving: all for epochs/4, best half epochs/2, best quarter epochs"},
        {"results", CLI_TEXT, o.results, "PATH", "one JSON line per finished trial; an existing file resumes the search"},
        {"best", CLI_TEXT, o.best, "PATH", "the best trial's options as [train] INI, for hone train --config"},
        {"seed", CLI_SEED, &o.seed, "N", "seed of the sampling, and of every trial unless [train] sets seed"},
        {"quiet", CLI_FLAG, &o.quiet, NULL, "no line per finished trial"},
        {0},
    };
    const cli_command cmd = {
        "tune", "hone tune --config SEARCH.ini [options] [-- hone train options]",
        "Random search over hone train's options, coarse to fine. SEARCH.ini holds [tune] (the\n"
        "options below), [space] (one line per searched option of hone train: 'lr = log 1e-5 1',\n"
        "'beta2 = 1-log 0.9 0.999', 'batch = int 32 256', 'layers = choice 256 512,256',\n"
        "'optimizer = choice adam sgd', 'keep-prob = uniform 0.5 1'; 'depth = int 1 3' repeats a\n"
        "one-number layers) and [train] (options every trial shares; so do flags after --, and hone\n"
        "train's keys before any section). Several --config files are read in turn, a later key winning.\n"
        "Prints a ranked table; writes the best trial's options to --best.",
        options, NULL};
    int split = argc;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            split = i;
            break;
        }
    int rc = cli_parse(&cmd, split, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;

    tune *t = calloc(1, sizeof *t);
    if (!t) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    t->o = o;
    t->fd = -1;
    t->depth = t->layers = -1;
    t->own = options;
    int exit_code = CLI_EXIT_USAGE;
    if (tune_check_settings(t)) goto done;
    /* each --config in turn, as cli_parse read their [tune] and as hone train reads them: a key of a
     * later file replaces an earlier file's */
    for (int i = 1; i < split; i++) {
        const char *path = !strcmp(argv[i], "--config") && i + 1 < split ? argv[++i]
                           : !strncmp(argv[i], "--config=", 9)           ? argv[i] + 9
                                                                          : NULL;
        if (!path) continue;
        t->config = path;
        if (cli_ini_read("tune", t->config, tune_on_ini, t, &t->config_line, &t->failed)) goto done;
    }
    if (!t->config) {
        cli_error("tune", "no search space: give --config FILE with a [space] section (see hone tune --help)");
        goto done;
    }
    if (!t->n_space) {
        cli_error("tune", "%s: no [space] section: nothing to search (e.g. lr = log 1e-5 1)", t->config);
        goto done;
    }
    if (tune_read_passthrough(t, argc - split - (split < argc), argv + split + (split < argc))) goto done;
    if (tune_check_space(t) || tune_check_outputs(t) || tune_check_trials(t)) goto done;

    exit_code = CLI_EXIT_FAIL;
    ssize_t len = readlink("/proc/self/exe", t->exe, sizeof t->exe - 1);
    if (len <= 0 || (size_t)len >= sizeof t->exe - 1) {
        cli_error("tune", "cannot find the hone program (/proc/self/exe): %s", strerror(errno));
        goto done;
    }
    t->exe[len] = 0;
    /* trials share the cores: each gets cores / jobs threads of hone's pool unless told otherwise
     * (OPENBLAS_NUM_THREADS, or [train] threads). The count is set as the number the pool takes
     * (hone_default_threads), so that each record and the best config say that number and never
     * the variable's own text ("abc", a line break) */
    if (!tune_find_fixed(t, "threads")) {
        const long share = sysconf(_SC_NPROCESSORS_ONLN) / t->o.jobs;
        t->threads = getenv("OPENBLAS_NUM_THREADS") ? hone_default_threads()
                     : share < 1                       ? 1
                     : share > HONE_MAX_THREADS        ? HONE_MAX_THREADS
                                                       : (int)share;
        char threads[32];
        snprintf(threads, sizeof threads, "%d", t->threads);
        setenv("OPENBLAS_NUM_THREADS", threads, 1);
    }

    t->fd = open(t->o.results, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (t->fd < 0) {
        cli_error("tune", "%s: cannot open: %s", t->o.results, strerror(errno));
        goto done;
    }
    if (flock(t->fd, LOCK_EX | LOCK_NB)) {
        cli_error("tune", "%s: %s", t->o.results,
                  errno == EWOULDBLOCK ? "another hone tune is writing it" : strerror(errno));
        goto done;
    }
    if ((exit_code = tune_load_records(t))) goto done;
    exit_code = CLI_EXIT_FAIL;
    t->trials = calloc((size_t)t->o.rounds * (size_t)t->o.trials, sizeof *t->trials);
    if (!t->trials) {
        cli_error("tune", "out of memory");
        goto done;
    }
    if (!t->o.quiet) {
        int budget[3], n = tune_rungs(&t->o, budget);
        fprintf(stderr, "hone tune: %d round%s of %d trials, %d at a time, %d epoch%s", t->o.rounds,
                t->o.rounds == 1 ? "" : "s", t->o.trials, t->o.jobs, t->o.epochs, t->o.epochs == 1 ? "" : "s");
        for (int k = 0; n > 1 && k < n; k++) fprintf(stderr, "%s%d%s", k ? ", " : " (halving: ", budget[k], k == n - 1 ? ")" : "");
        fprintf(stderr, ", by %s; %d runs already in %s\n", t->o.metric, t->n_records, t->o.results);
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    tune_stop_signal = 0;
    int sr = search(t);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (sr) {
        exit_code = sr;
        goto done;
    }

    trial **list = malloc(sizeof *list * (size_t)t->n_trials);
    if (!list) {
        cli_error("tune", "out of memory");
        goto done;
    }
    for (int i = 0; i < t->n_trials; i++) list[i] = &t->trials[i];
    tune_rank_trials(t, list, t->n_trials);
    tune_print_table(t, list, t->n_trials);
    const trial *best = list[0];
    if (best->status != ST_OK) {
        cli_error("tune", "no trial succeeded; trial %d: %s", best->id, best->error);
        free(list);
        goto done;
    }
    if (tune_write_best(t, best)) {
        free(list);
        goto done;
    }
    char result[256];
    printf("best: %s; options in %s\n", tune_result_text(t, best, result, sizeof result), t->o.best);
    printf("runs: %d run now, %d read from %s\n", t->ran, t->reused, t->o.results);
    free(list);
    exit_code = CLI_EXIT_OK;
done:
    if (t->fd >= 0) close(t->fd);
    for (int i = 0; i < t->n_records; i++) cJSON_Delete(t->lines[i]);
    for (int i = 0; i < t->n_trials; i++) free(t->trials[i].dev_rmse);
    free(t->lines);
    free(t->records);
    free(t->trials);
    free(t);
    return exit_code;
}
