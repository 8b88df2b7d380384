/* tune_run.c - hone tune's trials as child processes: each a `hone train ... --json --quiet`, up to
 * `jobs` at once, its result read from its last JSON line and appended to the results file; a
 * trial already there is read instead of run. */
#include "tune.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t tune_stop_signal;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct slot {
    pid_t pid;
    trial *tr;
    FILE *out, *err;
    double start;
} slot;

/* The last line of f that starts with `first` (or any non-empty line when first is 0), whole:
 * read in pieces of 8 KiB, a regression's result line of 300 targets (each in train_rmse,
 * dev_rmse and test_rmse) was cut and read as no JSON. Returns it (free it), or NULL when there
 * is none or no memory. */
static char *last_line(FILE *f, char first) {
    char *line = NULL, *last = NULL;
    size_t cap = 0;
    ssize_t len;
    rewind(f);
    while ((len = getline(&line, &cap, f)) >= 0) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || (first && line[0] != first)) continue;
        free(last);
        last = line; /* getline makes the next line a buffer of its own */
        line = NULL;
        cap = 0;
    }
    free(line);
    return last;
}

static int launch(tune *t, slot *s, trial *tr, int epochs) {
    kv *opts = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 4, sizeof *opts);
    char **args = calloc(TUNE_MAX_FIXED + TUNE_MAX_PARAMS + 8, sizeof *args);
    int n = opts && args ? tune_trial_options(t, tr, epochs, opts) : 0, made = 0, rc = -1;
    if (!opts || !args) goto done;
    /* exe train --key=value ... --json --quiet: args[2 .. 2 + made) are allocated */
    args[0] = t->exe;
    args[1] = "train";
    for (int i = 0; i < n; i++, made++) {
        size_t len = strlen(opts[i].key) + strlen(opts[i].value) + 4;
        if (!(args[2 + made] = malloc(len))) goto done;
        snprintf(args[2 + made], len, "--%s=%s", opts[i].key, opts[i].value);
    }
    args[2 + made] = "--json";
    args[3 + made] = "--quiet";
    s->out = tmpfile();
    s->err = tmpfile();
    if (!s->out || !s->err) {
        cli_error("tune", "cannot create a temporary file for a trial's output: %s", strerror(errno));
        goto done;
    }
    fcntl(fileno(s->out), F_SETFD, FD_CLOEXEC);
    fcntl(fileno(s->err), F_SETFD, FD_CLOEXEC);
    /* the child writes its errno here when it cannot become hone train (the exec closes it): such a
     * trial did not run, so it is no result to record, and a rerun would never retry it */
    int report[2];
    if (pipe(report)) {
        cli_error("tune", "cannot start a trial: pipe: %s", strerror(errno));
        goto done;
    }
    fcntl(report[0], F_SETFD, FD_CLOEXEC);
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    fflush(stdout);
    fflush(stderr);
    const pid_t tune_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        cli_error("tune", "cannot start a trial: fork: %s", strerror(errno));
        close(report[0]);
        close(report[1]);
        goto done;
    }
    if (pid == 0) {
        /* a trial ends with the search: a tune killed outright (SIGKILL, which it cannot pass on)
         * left its trials training to their ends for nothing; and one that died before this line */
        close(report[0]);
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != tune_pid) _exit(127);
        if (dup2(fileno(s->out), 1) < 0 || dup2(fileno(s->err), 2) < 0) {
            const int e = errno;
            (void)!write(report[1], &e, sizeof e);
            _exit(127);
        }
        /* the running program itself, not the file it was started from: that may since have been
         * deleted or replaced (a rebuild), and the trials would fail, or differ, from then on */
        execv("/proc/self/exe", args);
        if (errno == ENOENT) execv(t->exe, args); /* no /proc mounted: the file it was started from */
        const int e = errno;
        (void)!write(report[1], &e, sizeof e);
        _exit(127);
    }
    close(report[1]);
    int child_errno = 0;
    ssize_t got;
    while ((got = read(report[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (got > 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        cli_error("tune", "cannot run %s for trial %d: %s; it is not recorded, and the same command resumes the search",
                  t->exe, tr->id, strerror(child_errno));
        goto done;
    }
    s->pid = pid;
    s->tr = tr;
    s->start = now_s();
    tr->epochs = epochs;
    tr->threads = t->threads;
    rc = 0;
done:
    if (rc) {
        if (!opts || !args || made < n) cli_error("tune", "out of memory");
        if (s->out) fclose(s->out);
        if (s->err) fclose(s->err);
        s->out = s->err = NULL;
    }
    for (int i = 0; i < made; i++) free(args[2 + i]);
    free(args);
    free(opts);
    return rc;
}

static void release(slot *s) {
    if (s->out) fclose(s->out);
    if (s->err) fclose(s->err);
    memset(s, 0, sizeof *s);
}

/* Reads a finished child's result into its trial. Returns 0, or CLI_EXIT_USAGE (message printed)
 * when a trial reports no dev_acc to rank it by (a regression searched on dev_acc), or
 * CLI_EXIT_FAIL out of memory. */
static int collect(tune *t, slot *s, int wstatus) {
    trial *tr = s->tr;
    char err[512], *err_line = last_line(s->err, 0);
    tune_copy_text(err, sizeof err, err_line ? err_line : "");
    free(err_line);
    const char *msg = !strncmp(err, "hone train: ", 12) ? err + 12 : err;
    tr->seconds = now_s() - s->start;
    tr->dev_acc = tr->dev_loss = NAN;
    tune_set_rmse(tr, NULL); /* a shorter rung's, with halving */
    tr->error[0] = 0;
    if (WIFSIGNALED(wstatus)) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "killed by signal %d", WTERMSIG(wstatus));
        return 0;
    }
    int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
    if (code == CLI_EXIT_USAGE) {
        /* every trial's options passed train's checks before the search (tune_check_trials): what
         * train refuses now, it refuses from the data, and maybe for this trial's values alone
         * (a per-step warm-up as long as its run, a last batch of one row for batch norm), so
         * the trial failed and the search goes on; if every one does, none succeeded says why */
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "refused: %.240s", *msg ? msg : "hone train rejected its options");
        return 0;
    }
    if (code != 0) {
        /* hone train exits CLI_EXIT_DIVERGED when training diverged (a NaN or infinite loss, gradient,
         * weight or batch norm statistic) */
        int diverged = code == CLI_EXIT_DIVERGED;
        tr->status = diverged ? ST_DIVERGED : ST_FAILED;
        tune_copy_text(tr->error, sizeof tr->error, *msg ? msg : code == 127 ? "could not run hone train" : "failed");
        return 0;
    }
    char *out = last_line(s->out, '{');
    cJSON *o = out ? cJSON_Parse(out) : NULL;
    free(out);
    if (!o) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "hone train printed no JSON result line");
        return 0;
    }
    tr->dev_acc = tune_json_number(o, "dev_acc");
    tr->dev_loss = tune_json_number(o, "dev_loss");
    double train_loss = tune_json_number(o, "train_loss");
    const int lost = tune_set_rmse(tr, cJSON_GetObjectItemCaseSensitive(o, "dev_rmse"));
    cJSON_Delete(o);
    if (lost) {
        cli_error("tune", "out of memory");
        return CLI_EXIT_FAIL;
    }
    double metric = t->metric_loss ? tr->dev_loss : tr->dev_acc;
    if (isfinite(metric)) tr->status = ST_OK;
    else if (!isfinite(tr->dev_loss) && isfinite(train_loss)) {
        tr->status = ST_FAILED;
        snprintf(tr->error, sizeof tr->error, "no dev loss (no dev set? the search compares trials on it)");
    } else if (isfinite(tr->dev_loss)) {
        cli_error("tune", "trial %d: hone train reported no dev_acc (regression has none): use metric = dev_loss", tr->id);
        return CLI_EXIT_USAGE;
    } else {
        tr->status = ST_DIVERGED;
        snprintf(tr->error, sizeof tr->error, "the dev loss is not finite");
    }
    return 0;
}

/* A metric as the table shows it: four decimals, or three digits when large; "-" when missing. */
const char *tune_metric_text(double v, char *buf, size_t cap) {
    if (!isfinite(v)) snprintf(buf, cap, "-");
    else if (fabs(v) < 1000) snprintf(buf, cap, "%.4f", v);
    else snprintf(buf, cap, "%.3g", v);
    return buf;
}

/* A trial's dev_rmse as the table shows it: four digits (a target's units may be anything, as in
 * hone train's own line), the first TUNE_RMSE_SHOWN targets' separated by commas, then ",..." if
 * there are more; "-" when it has none. */
const char *tune_rmse_text(const trial *tr, char *buf, size_t cap) {
    size_t used = 0;
    snprintf(buf, cap, "-");
    for (int k = 0; k < tr->targets && k < TUNE_RMSE_SHOWN && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, isfinite(tr->dev_rmse[k]) ? "%s%.4g" : "%s-", k ? "," : "",
                                 tr->dev_rmse[k]);
    if (tr->targets > TUNE_RMSE_SHOWN && used < cap) snprintf(buf + used, cap - used, ",...");
    return buf;
}

static void progress(const tune *t, const trial *tr) {
    if (t->o.quiet) return;
    char what[2048];
    tune_describe(t, tr, what, sizeof what);
    fprintf(stderr, "trial %3d  round %d/%d  %3d %-6s  %-8s", tr->id, tr->round, t->o.rounds, tr->epochs,
            tr->epochs == 1 ? "epoch" : "epochs", tune_status_names[tr->status]);
    char a[32], l[32], r[64];
    if (tr->status == ST_OK && !t->regression) fprintf(stderr, "  dev_acc %s", tune_metric_text(tr->dev_acc, a, sizeof a));
    if (tr->status == ST_OK) fprintf(stderr, "  dev_loss %s", tune_metric_text(tr->dev_loss, l, sizeof l));
    if (tr->status == ST_OK && t->regression) fprintf(stderr, "  dev_rmse %s", tune_rmse_text(tr, r, sizeof r));
    fprintf(stderr, "  %6.1f s  %s", tr->seconds, what);
    if (tr->error[0]) fprintf(stderr, "  (%.120s)", tr->error);
    fputc('\n', stderr);
}

/* Runs (or finds in the results file) each of list[0..n) for `epochs`. Returns 0, or an exit
 * code after a message: CLI_EXIT_USAGE when a trial has no dev_acc to rank by, 128 + the signal
 * on an interruption, CLI_EXIT_FAIL on a failure to write the results. */
int tune_run_trials(tune *t, trial **list, int n, int epochs) {
    trial **queue = calloc((size_t)n + 1, sizeof *queue);
    slot *slots = calloc((size_t)t->o.jobs, sizeof *slots);
    int nq = 0, rc = 0;
    if (!queue || !slots) {
        cli_error("tune", "out of memory");
        free(queue);
        free(slots);
        return CLI_EXIT_FAIL;
    }
    for (int i = 0; i < n; i++) {
        trial *tr = list[i];
        const record *r = tune_find_record(t, tr->id, epochs);
        if (!r) {
            queue[nq++] = tr;
            continue;
        }
        char why[3 * CLI_TEXT_MAX]; /* two values of up to CLI_TEXT_MAX each, and their key */
        if (tune_record_differs(t, r, tr, why, sizeof why)) {
            cli_error("tune", "%s: %s: another search wrote it (give another --results file, or the same space, "
                              "[train] options, settings and seed)", t->o.results, why);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        tr->epochs = r->epochs;
        tr->status = r->status;
        tr->dev_acc = r->dev_acc;
        tr->dev_loss = r->dev_loss;
        tr->seconds = r->seconds;
        tr->threads = r->threads;
        if (tune_set_rmse(tr, r->dev_rmse)) {
            cli_error("tune", "out of memory");
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        snprintf(tr->error, sizeof tr->error, "%s", r->error);
        t->reused++;
    }
    int next = 0, running = 0, killed = 0;
    while (running || (next < nq && !rc && !tune_stop_signal)) {
        while (!rc && !tune_stop_signal && running < t->o.jobs && next < nq) {
            slot *s = NULL;
            for (int j = 0; j < t->o.jobs && !s; j++)
                if (!slots[j].pid) s = &slots[j];
            if (launch(t, s, queue[next++], epochs)) rc = CLI_EXIT_FAIL;
            else running++;
        }
        if ((rc || tune_stop_signal) && !killed) {
            for (int j = 0; j < t->o.jobs; j++)
                if (slots[j].pid) kill(slots[j].pid, SIGTERM);
            killed = 1;
        }
        if (!running) break;
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            cli_error("tune", "waitpid: %s", strerror(errno));
            rc = CLI_EXIT_FAIL;
            break;
        }
        slot *s = NULL;
        for (int j = 0; j < t->o.jobs && !s; j++)
            if (slots[j].pid == pid) s = &slots[j];
        if (!s) continue;
        running--;
        if (!rc && !tune_stop_signal) {
            int c = collect(t, s, wstatus);
            if (c) rc = c;
            else {
                int w = tune_append_record(t, s->tr);
                if (w) rc = CLI_EXIT_FAIL;
                else {
                    t->ran++;
                    progress(t, s->tr);
                }
            }
        }
        release(s);
    }
    if (tune_stop_signal && !rc) {
        const int runs = t->n_records + t->ran;
        cli_error("tune", "interrupted (signal %d): %d run%s in %s; the same command resumes the search",
                  (int)tune_stop_signal, runs, runs == 1 ? " is" : "s are", t->o.results);
        rc = 128 + (int)tune_stop_signal; /* 130 for SIGINT, 143 for SIGTERM, as hone train and the shell say */
    }
done:
    free(queue);
    free(slots);
    return rc;
}
