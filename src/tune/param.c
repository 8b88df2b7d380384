/* param.c - the search space of hone tune: one parameter's kind and range, sampling, the text of a
 * value, and narrowing a range around the best trials (coarse to fine).
 *
 * Every numeric kind is sampled uniformly in a transformed space t(x): log10(x) for LOG, so each
 * decade of [1e-4, 1] gets a quarter of the trials (uniform on [1e-4, 1] would put 90% of them in
 * the last decade); log10(1 - x) for ONE_MINUS_LOG, since what a beta sets is the averaging window
 * 1 / (1 - beta): 0.9 to 0.9005 averages over about 10 values either way, 0.999 to 0.9995 over 1000
 * or 2000. Narrowing works in the same space, so "around 1e-3" means a factor, not an offset. */
#include "hone_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_word(hone_param_kind kind) {
    switch (kind) {
    case HONE_PARAM_LOG: return "log";
    case HONE_PARAM_ONE_MINUS_LOG: return "1-log";
    case HONE_PARAM_UNIFORM: return "uniform";
    case HONE_PARAM_INT: return "int";
    case HONE_PARAM_CHOICE: return "choice";
    }
    return "?";
}

/* t(x), the space where sampling is uniform; increasing for every kind but ONE_MINUS_LOG. */
static double to_t(hone_param_kind kind, double x) {
    if (kind == HONE_PARAM_LOG) return log10(x);
    if (kind == HONE_PARAM_ONE_MINUS_LOG) return log10(1 - x);
    return x;
}

static double from_t(hone_param_kind kind, double t) {
    if (kind == HONE_PARAM_LOG) return pow(10, t);
    if (kind == HONE_PARAM_ONE_MINUS_LOG) return 1 - pow(10, t);
    return t;
}

/* Next whitespace-separated word of *p into word (cap bytes); 0 at the end, -1 when too long. */
static int next_word(const char **p, char *word, size_t cap) {
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    const char *start = s;
    while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') s++;
    *p = s;
    size_t n = (size_t)(s - start);
    if (n == 0) return 0;
    if (n >= cap) return -1;
    memcpy(word, start, n);
    word[n] = 0;
    return 1;
}

static hone_status parse_number(const hone_param *p, const char *word, double *out, hone_error *err) {
    char *end;
    errno = 0;
    double v = strtod(word, &end);
    if (end == word || *end || errno || !isfinite(v))
        return honeE_set(err, HONE_ERR_VALUE, "%s: %s: expected a number, got '%s'", p->name, kind_word(p->kind), word);
    if (p->kind == HONE_PARAM_INT && (v != floor(v) || fabs(v) > 9007199254740992.0))
        return honeE_set(err, HONE_ERR_VALUE, "%s: int: expected an integer, got '%s'", p->name, word);
    *out = v;
    return HONE_OK;
}

hone_status hone_param_parse(hone_param *p, const char *name, const char *spec, hone_error *err) {
    if (!p || !name || !spec) return honeE_set(err, HONE_ERR_VALUE, "param: NULL argument");
    memset(p, 0, sizeof *p);
    if (!*name || strlen(name) >= sizeof p->name)
        return honeE_set(err, HONE_ERR_VALUE, "param: a name of 1 to %d characters is needed, got '%.40s'",
                         HONE_PARAM_TEXT_MAX - 1, name);
    strcpy(p->name, name);
    const char *s = spec;
    char word[HONE_PARAM_TEXT_MAX];
    int got = next_word(&s, word, sizeof word);
    if (got <= 0)
        return honeE_set(err, HONE_ERR_VALUE, "%s: expected KIND ARGS (log, 1-log, uniform, int or choice), got '%.60s'",
                         name, spec);
    if (!strcmp(word, "log")) p->kind = HONE_PARAM_LOG;
    else if (!strcmp(word, "1-log")) p->kind = HONE_PARAM_ONE_MINUS_LOG;
    else if (!strcmp(word, "uniform")) p->kind = HONE_PARAM_UNIFORM;
    else if (!strcmp(word, "int")) p->kind = HONE_PARAM_INT;
    else if (!strcmp(word, "choice")) p->kind = HONE_PARAM_CHOICE;
    else
        return honeE_set(err, HONE_ERR_VALUE, "%s: unknown kind '%s' (log, 1-log, uniform, int or choice)", name, word);

    if (p->kind == HONE_PARAM_CHOICE) {
        while ((got = next_word(&s, word, sizeof word)) != 0) {
            if (got < 0)
                return honeE_set(err, HONE_ERR_VALUE, "%s: choice: a choice is longer than %d characters", name,
                                 HONE_PARAM_TEXT_MAX - 1);
            if (p->n_choices == HONE_PARAM_MAX_CHOICES)
                return honeE_set(err, HONE_ERR_VALUE, "%s: choice: more than %d choices", name, HONE_PARAM_MAX_CHOICES);
            for (int i = 0; i < p->n_choices; i++)
                if (!strcmp(p->choices[i], word))
                    return honeE_set(err, HONE_ERR_VALUE, "%s: choice: '%s' is listed twice", name, word);
            strcpy(p->choices[p->n_choices], word);
            p->active[p->n_choices++] = 1;
        }
        if (!p->n_choices) return honeE_set(err, HONE_ERR_VALUE, "%s: choice: no choices given", name);
        p->lo = p->min = 0;
        p->hi = p->max = p->n_choices - 1;
        return HONE_OK;
    }

    double v[2];
    int n = 0;
    while ((got = next_word(&s, word, sizeof word)) != 0) {
        if (got < 0 || n == 2)
            return honeE_set(err, HONE_ERR_VALUE, "%s: %s takes two numbers, LO HI: got '%.60s'", name,
                             kind_word(p->kind), spec);
        hone_status st = parse_number(p, word, &v[n++], err);
        if (st != HONE_OK) return st;
    }
    if (n != 2)
        return honeE_set(err, HONE_ERR_VALUE, "%s: %s takes two numbers, LO HI: got '%.60s'", name, kind_word(p->kind), spec);
    double lo = v[0], hi = v[1];
    if (!(lo < hi))
        return honeE_set(err, HONE_ERR_VALUE, "%s: %s: LO must be below HI, got %g and %g", name, kind_word(p->kind), lo, hi);
    if (p->kind == HONE_PARAM_LOG && !(lo > 0))
        return honeE_set(err, HONE_ERR_VALUE, "%s: log: the range must be positive (0 < LO < HI), got LO %g", name, lo);
    if (p->kind == HONE_PARAM_ONE_MINUS_LOG && !(lo >= 0 && hi < 1))
        return honeE_set(err, HONE_ERR_VALUE, "%s: 1-log: the range must lie in [0, 1) (betas), got %g %g", name, lo, hi);
    p->lo = p->min = lo;
    p->hi = p->max = hi;
    return HONE_OK;
}

double hone_param_sample(const hone_param *p, hone_rng *rng) {
    switch (p->kind) {
    case HONE_PARAM_LOG:
    case HONE_PARAM_ONE_MINUS_LOG:
    case HONE_PARAM_UNIFORM: {
        double a = to_t(p->kind, p->lo), b = to_t(p->kind, p->hi), u = hone_rng_uniform(rng);
        /* b - a overflows for a range wider than DBL_MAX (uniform -1e308 1e308 drew inf): there
         * the weighted mean, which cannot */
        double x = from_t(p->kind, isfinite(b - a) ? a + (b - a) * u : a * (1 - u) + b * u);
        /* rounding (10^log10(hi) of a hi near DBL_MAX is inf) leaves the range only at its ends */
        return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
    }
    case HONE_PARAM_INT: return p->lo + (double)hone_rng_below(rng, (uint64_t)(p->hi - p->lo) + 1);
    case HONE_PARAM_CHOICE: {
        int active = 0;
        for (int i = 0; i < p->n_choices; i++) active += p->active[i] != 0;
        if (!active) return 0;
        int r = (int)hone_rng_below(rng, (uint64_t)active);
        for (int i = 0; i < p->n_choices; i++)
            if (p->active[i] && r-- == 0) return i;
        return 0;
    }
    }
    return NAN;
}

/* value in p's kind's form with `extra` digits beyond its usual 3 significant ones (of 1 - x for
 * 1-log), into tmp [64]. */
static void format_digits(const hone_param *p, double value, int extra, char *tmp) {
    if (p->kind != HONE_PARAM_ONE_MINUS_LOG) {
        snprintf(tmp, 64, "%.*g", 3 + extra, value);
        return;
    }
    /* 3 significant digits of 1 - x: 0.99937 rather than 0.999 */
    double d = 1 - value;
    int decimals = d > 0 && isfinite(d) ? 2 - (int)floor(log10(d)) : 3;
    if (decimals < 3) decimals = 3;
    decimals += extra;
    if (decimals > 17) decimals = 17;
    snprintf(tmp, 64, "%.*f", decimals, value);
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *e = tmp + strlen(tmp) - 1;
        while (e > dot && *e == '0') *e-- = 0;
        if (e == dot) *e = 0;
    }
}

int hone_param_format(const hone_param *p, double value, char *buf, size_t cap) {
    switch (p->kind) {
    case HONE_PARAM_CHOICE: {
        int i = (int)value;
        return snprintf(buf, cap, "%s", i >= 0 && i < p->n_choices && i == value ? p->choices[i] : "?");
    }
    case HONE_PARAM_INT: return snprintf(buf, cap, "%.0f", value);
    case HONE_PARAM_ONE_MINUS_LOG:
    case HONE_PARAM_LOG:
    case HONE_PARAM_UNIFORM: {
        /* the fewest digits that keep a value of the spec's range in it: uniform 0.99 0.9999 drew
         * 0.99976, which at 3 digits was 1, a beta2 train refuses */
        char tmp[64];
        /* a sample a rounding error outside the range (narrowed to a point at an end) is its end */
        if (value < p->min) value = p->min;
        if (value > p->max) value = p->max;
        for (int extra = 0; extra <= 14; extra++) {
            format_digits(p, value, extra, tmp);
            const double back = strtod(tmp, NULL);
            if (back >= p->min && back <= p->max) break;
        }
        return snprintf(buf, cap, "%s", tmp);
    }
    }
    return snprintf(buf, cap, "?");
}

hone_status hone_param_value(const hone_param *p, const char *text, double *value, hone_error *err) {
    if (p->kind == HONE_PARAM_CHOICE) {
        for (int i = 0; i < p->n_choices; i++)
            if (!strcmp(p->choices[i], text)) {
                *value = i;
                return HONE_OK;
            }
        return honeE_set(err, HONE_ERR_VALUE, "%s: '%.60s' is not one of its choices", p->name, text);
    }
    hone_status st = parse_number(p, text, value, err);
    if (st != HONE_OK) return st;
    if ((p->kind == HONE_PARAM_LOG && !(*value > 0)) || (p->kind == HONE_PARAM_ONE_MINUS_LOG && !(*value < 1)))
        return honeE_set(err, HONE_ERR_VALUE, "%s: %s cannot take %g", p->name, kind_word(p->kind), *value);
    if (!(*value >= p->min && *value <= p->max))
        return honeE_set(err, HONE_ERR_VALUE, "%s: %.60s is outside its range, %g to %g", p->name, text, p->min, p->max);
    return HONE_OK;
}

hone_status hone_param_narrow(hone_param *p, const double *best, int k, double margin, hone_error *err) {
    if (k < 1 || !best) return honeE_set(err, HONE_ERR_VALUE, "%s: narrowing needs at least one best value", p->name);
    if (!(margin >= 0) || !isfinite(margin))
        return honeE_set(err, HONE_ERR_VALUE, "%s: narrowing margin must be 0 or more, got %g", p->name, margin);
    if (p->kind == HONE_PARAM_CHOICE) {
        unsigned char keep[HONE_PARAM_MAX_CHOICES] = {0};
        for (int j = 0; j < k; j++) {
            int i = (int)best[j];
            if (!(best[j] >= 0 && best[j] < p->n_choices && best[j] == i))
                return honeE_set(err, HONE_ERR_VALUE, "%s: %g is not a choice index (0 to %d)", p->name, best[j],
                                 p->n_choices - 1);
            keep[i] = 1;
        }
        memcpy(p->active, keep, sizeof keep);
        return HONE_OK;
    }
    double xmin = INFINITY, xmax = -INFINITY;
    for (int j = 0; j < k; j++) {
        double x = best[j];
        if (!isfinite(x) || (p->kind == HONE_PARAM_LOG && !(x > 0)) || (p->kind == HONE_PARAM_ONE_MINUS_LOG && !(x < 1)))
            return honeE_set(err, HONE_ERR_VALUE, "%s: %s cannot take %g", p->name, kind_word(p->kind), x);
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
    }
    /* In t space: the best values' span, widened by margin times the current width each side. */
    double ta = to_t(p->kind, xmin), tb = to_t(p->kind, xmax);
    double tlo = fmin(ta, tb), thi = fmax(ta, tb);
    double width = fabs(to_t(p->kind, p->hi) - to_t(p->kind, p->lo));
    tlo -= margin * width;
    thi += margin * width;
    double a = from_t(p->kind, tlo), b = from_t(p->kind, thi);
    double lo = fmin(a, b), hi = fmax(a, b);
    if (p->kind == HONE_PARAM_INT) {
        lo = floor(lo);
        hi = ceil(hi);
    }
    /* Never leave the spec's range; never lose a best value to rounding. */
    lo = fmax(lo, p->min);
    hi = fmin(hi, p->max);
    p->lo = fmin(lo, xmin);
    p->hi = fmax(hi, xmax);
    return HONE_OK;
}
