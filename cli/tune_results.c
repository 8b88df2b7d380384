/* tune_results.c - hone tune's results file: one JSON line a finished run, appended and synced
 * before the next starts; read back to resume or extend a search, each record checked against the
 * trial this search would run in its place. */
#include "tune.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

const char *const tune_status_names[] = {"pending", "ok", "diverged", "failed"};

double tune_json_number(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Whether o's key is absent, null (a figure the trial did not have) or a number from lo to hi, the
 * forms a trial writes. Any other value is refused, not read: "x" would rank as no figure, so a
 * corrupt best trial lost its place unsaid, and a hand-edited "dev_acc": 7 was ranked first. */
static int number_in_or_null(const cJSON *o, const char *key, double lo, double hi) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return !v || cJSON_IsNull(v) || (cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi);
}

/* number_in_or_null, and a whole number (2.5 threads read as 2) */
static int whole_in_or_null(const cJSON *o, const char *key, double lo, double hi) {
    const double v = tune_json_number(o, key);
    return number_in_or_null(o, key, lo, hi) && (isnan(v) || v == floor(v));
}

/* Whether v is a dev_rmse as a trial writes it: absent or null (none: a classifier, a failed
 * trial, an older hone tune), a number of 0 or more (one target), or an array of them (several
 * targets, each in its own units), null for a figure that was not finite. */
static int rmse_valid(const cJSON *v) {
    if (!v || cJSON_IsNull(v)) return 1;
    if (cJSON_IsNumber(v)) return v->valuedouble >= 0;
    if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) return 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsNull(e) && !(cJSON_IsNumber(e) && e->valuedouble >= 0)) return 0;
    }
    return 1;
}

/* Sets tr's dev_rmse to v's figures, hone train's dev_rmse or a record's: none when v is absent,
 * null or not a dev_rmse. Returns 0, or -1 out of memory (tr left with none). */
int tune_set_rmse(trial *tr, const cJSON *v) {
    free(tr->dev_rmse);
    tr->dev_rmse = NULL;
    tr->targets = 0;
    if (!v || cJSON_IsNull(v) || !rmse_valid(v)) return 0;
    const int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 1;
    if (!(tr->dev_rmse = malloc(sizeof *tr->dev_rmse * (size_t)n))) return -1;
    if (cJSON_IsArray(v)) {
        const cJSON *e;
        int k = 0;
        cJSON_ArrayForEach(e, v) tr->dev_rmse[k++] = cJSON_IsNumber(e) ? e->valuedouble : NAN;
    } else tr->dev_rmse[0] = v->valuedouble;
    tr->targets = n;
    return 0;
}

/* Reads the records already in the results file; drops an incomplete last line (a write cut
 * short), so the next append starts on a line of its own. */
int tune_load_records(tune *t) {
    struct stat st;
    if (fstat(t->fd, &st)) {
        cli_error("tune", "%s: %s", t->o.results, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        cli_error("tune", "%s: out of memory (%zu bytes)", t->o.results, size);
        return CLI_EXIT_FAIL;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(t->fd, buf + got, size - got, (off_t)got);
        if (r <= 0) {
            cli_error("tune", "%s: read failed: %s", t->o.results, r ? strerror(errno) : "file shrank");
            free(buf);
            return CLI_EXIT_FAIL;
        }
        got += (size_t)r;
    }
    buf[size] = 0;
    if (size && buf[size - 1] != '\n') {
        size_t keep = size;
        while (keep > 0 && buf[keep - 1] != '\n') keep--;
        fprintf(stderr, "hone tune: warning: %s: dropped an incomplete last line (a write cut short)\n", t->o.results);
        if (ftruncate(t->fd, (off_t)keep)) {
            cli_error("tune", "%s: cannot truncate: %s", t->o.results, strerror(errno));
            free(buf);
            return CLI_EXIT_FAIL;
        }
        size = keep;
        buf[size] = 0;
    }
    size_t lines = 0;
    for (size_t i = 0; i < size; i++) lines += buf[i] == '\n';
    t->records = calloc(lines + 1, sizeof *t->records);
    t->lines = calloc(lines + 1, sizeof *t->lines);
    if (!t->records || !t->lines) {
        cli_error("tune", "%s: out of memory", t->o.results);
        free(buf);
        return CLI_EXIT_FAIL;
    }
    char *p = buf;
    for (int lineno = 1; *p; lineno++) {
        char *end = strchr(p, '\n');
        size_t len = (size_t)(end - p);
        char *line = p;
        p = end + 1;
        if (strspn(line, " \t\r") >= len) continue;
        const char *after = line;
        cJSON *o = cJSON_ParseWithLengthOpts(line, len, &after, 0);
        const char *missing = NULL;
        if (!o || !cJSON_IsObject(o)) missing = "a JSON object";
        /* one record a line: a second run together with it (an append cut short, then another)
         * was dropped without a word */
        else if (after + strspn(after, " \t\r") < line + len) missing = "one JSON object, nothing after it";
        record r = {0};
        if (!missing) {
            const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
            r.id = (int)tune_json_number(o, "trial");
            r.round = (int)tune_json_number(o, "round");
            r.epochs = (int)tune_json_number(o, "epochs");
            r.params = cJSON_GetObjectItemCaseSensitive(o, "params");
            r.train = cJSON_GetObjectItemCaseSensitive(o, "train");
            r.dev_rmse = cJSON_GetObjectItemCaseSensitive(o, "dev_rmse");
            if (!(tune_json_number(o, "trial") >= 1)) missing = "\"trial\"";
            else if (!(tune_json_number(o, "round") >= 1)) missing = "\"round\"";
            else if (!(tune_json_number(o, "epochs") >= 1)) missing = "\"epochs\"";
            else if (!cJSON_IsObject(r.params)) missing = "\"params\"";
            else if (r.train && !cJSON_IsObject(r.train)) missing = "\"train\" as an object";
            else if (!cJSON_IsString(status)) missing = "\"status\"";
            else if (!number_in_or_null(o, "dev_acc", 0, 1)) missing = "\"dev_acc\" from 0 to 1, or null";
            else if (!number_in_or_null(o, "dev_loss", 0, HUGE_VAL)) missing = "\"dev_loss\" of 0 or more, or null";
            else if (!rmse_valid(r.dev_rmse)) missing = "\"dev_rmse\" of 0 or more, an array of them, or null";
            else if (!number_in_or_null(o, "seconds", 0, HUGE_VAL)) missing = "\"seconds\" of 0 or more, or null";
            else if (!whole_in_or_null(o, "threads", 1, HONE_MAX_THREADS))
                missing = "\"threads\", a whole number from 1 to 64, or none";
            else {
                for (int s = ST_OK; s <= ST_FAILED; s++)
                    if (!strcmp(status->valuestring, tune_status_names[s])) r.status = (trial_status)s;
                if (r.status == ST_NONE) missing = "\"status\" (ok, diverged or failed)";
            }
        }
        if (missing) {
            cli_error("tune", "%s: line %d: not a hone tune trial record (needs %s); give another --results file",
                      t->o.results, lineno, missing);
            cJSON_Delete(o);
            free(buf);
            return CLI_EXIT_FAIL;
        }
        r.dev_acc = tune_json_number(o, "dev_acc");
        r.dev_loss = tune_json_number(o, "dev_loss");
        r.seconds = tune_json_number(o, "seconds");
        const double threads = tune_json_number(o, "threads");
        r.threads = isnan(threads) ? 0 : (int)threads; /* NaN when absent: unknown */
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
        if (cJSON_IsString(e)) snprintf(r.error, sizeof r.error, "%s", e->valuestring);
        t->lines[t->n_records] = o;
        t->records[t->n_records++] = r;
    }
    free(buf);
    return 0;
}

const record *tune_find_record(const tune *t, int id, int epochs) {
    for (int i = t->n_records - 1; i >= 0; i--)
        if (t->records[i].id == id && t->records[i].epochs == epochs) return &t->records[i];
    return NULL;
}

/* 0 when the record ran with this search's fixed options ([train] and after --), each with the
 * same text: the searched ones alone do not tell another data set or learning rate apart. */
static int fixed_differs(const tune *t, const record *r, const trial *tr, char *why, size_t cap) {
    if (!r->train) {
        snprintf(why, cap, "trial %d there does not say which [train] options it ran with (an older hone tune wrote "
                           "it)", tr->id);
        return 1;
    }
    for (int i = 0; i < t->n_fixed; i++) {
        const kv *f = &t->fixed[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->train, f->key);
        if (!cJSON_IsString(v)) {
            snprintf(why, cap, "trial %d there ran without [train] %s, this search has %s = %s", tr->id, f->key, f->key,
                     f->value);
            return 1;
        }
        if (strcmp(v->valuestring, f->value)) {
            snprintf(why, cap, "trial %d there ran with [train] %s = %s, this search has %s = %s", tr->id, f->key,
                     v->valuestring, f->key, f->value);
            return 1;
        }
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, r->train) {
        if (v->string && !tune_find_fixed((tune *)t, v->string)) {
            snprintf(why, cap, "trial %d there ran with [train] %s = %s, this search has no %s", tr->id, v->string,
                     cJSON_IsString(v) ? v->valuestring : "?", v->string);
            return 1;
        }
    }
    return 0;
}

/* 0 when the record was made by this trial: same round, the same value of every searched option
 * and the same fixed options. */
int tune_record_differs(const tune *t, const record *r, const trial *tr, char *why, size_t cap) {
    if (r->round != tr->round) {
        snprintf(why, cap, "trial %d there is of round %d, here of round %d", tr->id, r->round, tr->round);
        return 1;
    }
    if (cJSON_GetArraySize(r->params) != t->n_space) {
        snprintf(why, cap, "trial %d there searched %d options, here %d", tr->id, cJSON_GetArraySize(r->params),
                 t->n_space);
        return 1;
    }
    for (int i = 0; i < t->n_space; i++) {
        const hone_param *p = &t->space[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->params, p->name);
        char text[HONE_PARAM_TEXT_MAX] = "(none)";
        if (cJSON_IsString(v)) snprintf(text, sizeof text, "%s", v->valuestring);
        else if (cJSON_IsNumber(v)) hone_param_format(p, v->valuedouble, text, sizeof text);
        /* a number is compared as a number: the text this search samples reads back as it, and
         * formatting it again could round the other way (0.1255 as 0.126 in 0.12545..0.2) */
        const int same = cJSON_IsNumber(v) ? strtod(tr->text[i], NULL) == v->valuedouble : v && !strcmp(text, tr->text[i]);
        if (!same) {
            snprintf(why, cap, "trial %d there has %s=%s, this search samples %s=%s", tr->id, p->name, v ? text : "(none)",
                     p->name, tr->text[i]);
            return 1;
        }
    }
    return fixed_differs(t, r, tr, why, cap);
}

static void add_number(cJSON *o, const char *key, double v) {
    if (isfinite(v)) cJSON_AddNumberToObject(o, key, v);
    else cJSON_AddNullToObject(o, key);
}

/* Appends the trial's last run as one line, then syncs it to disk. */
int tune_append_record(tune *t, const trial *tr) {
    cJSON *o = cJSON_CreateObject(), *params = cJSON_CreateObject(), *fixed = cJSON_CreateObject();
    char *text = NULL;
    int rc = -1;
    if (!o || !params || !fixed) {
        cJSON_Delete(params);
        cJSON_Delete(fixed);
        goto done;
    }
    cJSON_AddNumberToObject(o, "round", tr->round);
    cJSON_AddNumberToObject(o, "trial", tr->id);
    cJSON_AddNumberToObject(o, "epochs", tr->epochs);
    cJSON_AddStringToObject(o, "status", tune_status_names[tr->status]);
    cJSON_AddItemToObject(o, "params", params);
    for (int i = 0; i < t->n_space; i++) {
        if (t->space[i].kind == HONE_PARAM_CHOICE) cJSON_AddStringToObject(params, t->space[i].name, tr->text[i]);
        else cJSON_AddRawToObject(params, t->space[i].name, tr->text[i]); /* the exact text passed */
    }
    cJSON_AddItemToObject(o, "train", fixed);
    for (int i = 0; i < t->n_fixed; i++) cJSON_AddStringToObject(fixed, t->fixed[i].key, t->fixed[i].value);
    add_number(o, "dev_acc", tr->dev_acc);
    add_number(o, "dev_loss", tr->dev_loss);
    if (tr->targets == 1) add_number(o, "dev_rmse", tr->dev_rmse[0]);
    else if (tr->targets > 1) { /* as hone train --json gives it: an array for several targets */
        cJSON *rmse = cJSON_AddArrayToObject(o, "dev_rmse");
        for (int k = 0; rmse && k < tr->targets; k++) {
            const double v = tr->dev_rmse[k];
            cJSON_AddItemToArray(rmse, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
        }
        if (!rmse || cJSON_GetArraySize(rmse) != tr->targets) goto done;
    }
    add_number(o, "seconds", round(tr->seconds * 1000) / 1000);
    if (tr->threads) cJSON_AddNumberToObject(o, "threads", tr->threads);
    if (tr->error[0]) cJSON_AddStringToObject(o, "error", tr->error);
    text = cJSON_PrintUnformatted(o);
    if (!text) goto done;
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (!line) goto done;
    text = line;
    memcpy(text + len, "\n", 2);
    len++;
    /* one write() of the whole line (O_APPEND), then fsync: a crash leaves whole lines, or a
     * last partial line that the next run drops */
    size_t done_bytes = 0;
    while (done_bytes < len) {
        ssize_t w = write(t->fd, text + done_bytes, len - done_bytes);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            cli_error("tune", "%s: write failed: %s", t->o.results, strerror(errno));
            rc = -2;
            goto done;
        }
        done_bytes += (size_t)w;
    }
    if (fsync(t->fd)) {
        cli_error("tune", "%s: fsync failed: %s", t->o.results, strerror(errno));
        rc = -2;
        goto done;
    }
    rc = 0;
done:
    if (rc == -1) cli_error("tune", "out of memory writing a trial record");
    cJSON_free(text);
    cJSON_Delete(o);
    return rc;
}
