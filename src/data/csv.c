/* csv.c - numeric CSV: every field a number, one column the label (a class index or a regression
 * target) or several the regression targets, the others the D features.
 *
 * The whole file is read into memory (plain or gzip) and split in place, so lines may be of any
 * length. Fields are trimmed of spaces and tabs and of one pair of double quotes; a delimiter
 * inside quotes is not supported (no numeric CSV needs one). A leading UTF-8 byte-order mark is
 * skipped. Numbers are read with strtod, so in the C locale unless the program has changed it. */
#include "data_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hone_csv_options hone_csv_options_default(void) {
    hone_csv_options o;
    o.header = -1;
    o.label_name = NULL;
    o.label_index = -1;
    o.delimiter = ',';
    o.regression = 0;
    o.label_columns = NULL;
    o.n_label_columns = 0;
    return o;
}

/* Largest class index: a model has one output unit per class, at most HONE_MAX_UNITS; a larger
 * label can train no model, and left to the model builder it was reported as a layer's units. */
#define CSV_MAX_LABEL (HONE_MAX_UNITS - 1)

typedef enum { NUM_OK, NUM_NOT_A_NUMBER, NUM_NOT_FINITE } num_result;

/* Trims [*s, *e) of spaces, tabs and one pair of surrounding double quotes, then NUL-terminates
 * it in place (the byte at *e is a delimiter, line end or the buffer's final NUL: ours to spend). */
static char *field_text(char *s, char *e) {
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (e - s >= 2 && *s == '"' && e[-1] == '"') {
        s++;
        e--;
    }
    *e = '\0';
    return s;
}

/* The whole of text as a finite number: strtod must consume every character, and NaN, infinity
 * or a value beyond hone_real's range are refused, since they would poison every sum. */
static num_result parse_number(const char *text, double *v) {
    if (!*text || *text == ' ' || *text == '\t') return NUM_NOT_A_NUMBER;
    /* Fast path for short integers (pixel CSVs are all of them): exact, and strtod is slow. */
    const char *q = text + (*text == '-' || *text == '+');
    int64_t whole = 0;
    int digits = 0;
    for (; *q >= '0' && *q <= '9' && digits < 15; q++, digits++) whole = whole * 10 + (*q - '0');
    if (digits > 0 && *q == '\0') {
        *v = *text == '-' ? -(double)whole : (double)whole;
        return NUM_OK;
    }
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    /* strtod reads C's hexadecimal too ("0x10" as 16, "0x1p3" as 8): no CSV writer means that */
    if (end == text || *end != '\0' || strpbrk(text, "xX")) return NUM_NOT_A_NUMBER;
    if (!isfinite(*v) || !isfinite((hone_real)*v)) return NUM_NOT_FINITE;
    return NUM_OK;
}

/* names [ncols] but the label columns' (slot [ncols] not -1), as data->feature_names: one block, the
 * pointers first and the text after them. */
static hone_status keep_feature_names(hone_dataset *data, char *const *names, int ncols, const int *slot,
                                      const char *path, hone_error *err) {
    size_t bytes = data->d * sizeof(char *);
    for (int j = 0; j < ncols; j++)
        if (slot[j] < 0) bytes += strlen(names[j]) + 1;
    char **kept = honeM_alloc(bytes, 1);
    if (!kept) return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (the header's %d names)", path, ncols);
    char *text = (char *)(kept + data->d);
    for (int j = 0, k = 0; j < ncols; j++) {
        if (slot[j] >= 0) continue;
        const size_t len = strlen(names[j]) + 1;
        kept[k++] = memcpy(text, names[j], len);
        text += len;
    }
    data->feature_names = kept;
    return HONE_OK;
}

typedef struct csv_state {
    const char *path;
    int ncols;
    char **names;        /* [ncols] header names, or NULL */
    size_t guessed_line; /* the first row, when detection (header -1) took it for data; else 0 */
    hone_error *err;
} csv_state;

/* The first max bytes of text for a message into buf [4 * max + 1], control characters as escapes
 * (\r, \t, \x1b): printed raw, a stray CR sends a terminal's cursor back over the message, and
 * "2\r" read as "2" in "not a number: "2"". */
static const char *shown(char *buf, const char *text, size_t max) {
    char *b = buf;
    for (size_t i = 0; text[i] && i < max; i++) {
        const unsigned char c = (unsigned char)text[i];
        if (c == '\r') b += sprintf(b, "\\r");
        else if (c == '\t') b += sprintf(b, "\\t");
        else if (c < 0x20 || c == 0x7f) b += sprintf(b, "\\x%02x", c);
        else *b++ = (char)c;
    }
    *b = '\0';
    return buf;
}

/* "line 7, column 3 ('pixel2')" into buf. Columns are 1-based, as a spreadsheet shows them. */
static void where(char *buf, size_t size, const csv_state *s, size_t line, int col) {
    char name[4 * 60 + 1];
    if (s->names)
        snprintf(buf, size, "line %zu, column %d ('%s')", line, col + 1, shown(name, s->names[col], 60));
    else
        snprintf(buf, size, "line %zu, column %d", line, col + 1);
}

/* A bad field of a first row that detection took for data says why it was: a header whose
 * names include numbers ("0,1,label") is read as data and fails here. */
static hone_status field_error(const csv_state *s, size_t line, int col, const char *problem,
                               const char *text) {
    char at[320], shown_text[4 * 40 + 1];
    where(at, sizeof at, s, line, col);
    size_t len = strlen(text);
    return honeE_set(s->err, HONE_ERR_FORMAT, "%s: %s: %s: \"%s%s\"%s", s->path, at, problem,
                     shown(shown_text, text, 40), len > 40 ? "..." : "",
                     line == s->guessed_line ? " (the row has numbers, so it is data, not a header: "
                                               "a header has no numeric field)"
                                             : "");
}

/* A separator as a message names it: "tab", "space" or "';'", into buf [8]. */
static const char *separator_name(char c, char *buf) {
    if (c == '\t') return "tab";
    if (c == ' ') return "space";
    snprintf(buf, 8, "'%c'", c);
    return buf;
}

/* Whether the line [p, e) or a header name holds a double quote: a field count that differs
 * there may be a quoted delimiter ("1,234.5", a header's "price, USD"), which is split. */
static bool has_quote(const csv_state *s, const char *p, const char *e) {
    if (memchr(p, '"', (size_t)(e - p))) return true;
    for (int j = 0; s->names && j < s->ncols; j++)
        if (strchr(s->names[j], '"')) return true;
    return false;
}

/* Splits line [p, e) into exactly ncols trimmed, NUL-terminated fields. */
static hone_status split_fields(const csv_state *s, char delim, char *p, char *e, size_t line,
                                char **fields) {
    int count = 1;
    for (const char *q = p; q < e; q++) count += *q == delim;
    if (count != s->ncols) {
        char hint[96] = "", sep[8];
        if (has_quote(s, p, e))
            snprintf(hint, sizeof hint, " (a quoted field with a %s inside? quotes do not keep it from splitting "
                     "the field)", separator_name(delim, sep));
        return honeE_set(s->err, HONE_ERR_FORMAT, "%s: line %zu: expected %d fields, got %d%s", s->path, line,
                         s->ncols, count, hint);
    }
    for (int j = 0; j < count; j++) {
        char *q = p;
        while (q < e && *q != delim) q++;
        fields[j] = field_text(p, q);
        p = q + 1;
    }
    return HONE_OK;
}

static bool is_blank(const char *p, const char *e) {
    for (; p < e; p++)
        if (*p != ' ' && *p != '\t') return false;
    return true;
}

/* Fields in the line [p, e). */
static size_t fields_in(const char *p, const char *e, char delimiter) {
    size_t count = 1;
    for (const char *q = p; q < e; q++) count += *q == delimiter;
    return count;
}

/* Fields in the first line from p on that is no comment and not blank, or 0 when none is: a
 * comment before the first row as wide as it may be the header behind a '#' (numpy.savetxt's
 * "# a,b,label" over rows of three). That line is the same for every comment before it, so it is
 * looked for once; looked for afresh from each comment, 100,000 leading comments took 20 s. */
static size_t fields_ahead(const char *p, const char *end, char delimiter) {
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        if (*p != '#' && !is_blank(p, e)) return fields_in(p, e, delimiter);
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* The first of the usual separators other than delimiter that the line p..e holds, or '\0'. */
static char separator_in(const char *p, const char *e, char delimiter) {
    static const char seps[] = {',', ';', '\t', '|', ' '};
    for (size_t i = 0; i < sizeof seps; i++)
        if (seps[i] != delimiter && memchr(p, seps[i], (size_t)(e - p))) return seps[i];
    return '\0';
}

/* Which column c is, as a label column. */
static hone_status find_label_column(const csv_state *s, const hone_csv_options *o, hone_csv_column c, int *col) {
    *col = -1;
    if (c.name) {
        if (!s->names) {
            if (o->header == 0)
                return honeE_set_field(s->err, HONE_ERR_VALUE, "header",
                                 "%s: label column '%s' named, but the file is read without a header "
                                 "(header = 0)",
                                 s->path, c.name);
            return honeE_set_field(s->err, HONE_ERR_FORMAT, "header",
                             "%s: no column named '%s': the first row has numbers, so it is data and there "
                             "is no header",
                             s->path, c.name);
        }
        int found = -1;
        for (int j = 0; j < s->ncols; j++) {
            if (strcmp(s->names[j], c.name) != 0) continue;
            if (found >= 0)
                return honeE_set(s->err, HONE_ERR_FORMAT,
                                 "%s: column name '%s' is ambiguous (columns %d and %d)", s->path,
                                 c.name, found + 1, j + 1);
            found = j;
        }
        if (found < 0) {
            /* Name a few columns, not all 785. */
            char list[200];
            size_t used = 0;
            list[0] = '\0';
            int shown = 0;
            for (int j = 0; j < s->ncols && shown < 8; j++, shown++) {
                int w = snprintf(list + used, sizeof list - used, "%s'%.24s'", j ? ", " : "", s->names[j]);
                if (w < 0 || (size_t)w >= sizeof list - used) break;
                used += (size_t)w;
            }
            return honeE_set(s->err, HONE_ERR_FORMAT,
                             "%s: no column named '%s' (columns: %s%s; %d in all)", s->path,
                             c.name, list, shown < s->ncols ? ", ..." : "", s->ncols);
        }
        *col = found;
        return HONE_OK;
    }
    if (c.index < -1 || c.index >= s->ncols)
        return honeE_set_field(s->err, HONE_ERR_VALUE, "label_index", "%s: label column %d is out of range: the rows "
                               "have %d columns (0..%d, or -1 for the last)", s->path, c.index, s->ncols,
                               s->ncols - 1);
    *col = c.index == -1 ? s->ncols - 1 : c.index;
    return HONE_OK;
}

/* A label column as the options gave it, into buf [80]: 'name' or the index. */
static const char *column_spelling(hone_csv_column c, char *buf) {
    if (c.name) snprintf(buf, 80, "'%.60s'", c.name);
    else snprintf(buf, 80, "%d", c.index);
    return buf;
}

/* The t label columns' indexes into cols [t], in the order given (label_columns, or the one column
 * of label_name and label_index), and each column's place among them into slot [ncols] (-1 for a
 * feature). Two names of one column would read it twice, as a target and again as another; a
 * label in every column leaves no feature. */
static hone_status find_label_columns(const csv_state *s, const hone_csv_options *o, size_t t, int *cols, int *slot) {
    for (int j = 0; j < s->ncols; j++) slot[j] = -1;
    for (size_t k = 0; k < t; k++) {
        const hone_csv_column c = o->n_label_columns > 0 ? o->label_columns[k]
                                                         : (hone_csv_column){o->label_name, o->label_index};
        hone_status st = find_label_column(s, o, c, &cols[k]);
        if (st != HONE_OK) return st;
        if (slot[cols[k]] >= 0) {
            char a[80], b[80];
            const hone_csv_column first = o->label_columns[slot[cols[k]]];
            column_spelling(first, a);
            column_spelling(c, b);
            if (!strcmp(a, b))
                return honeE_set_field(s->err, HONE_ERR_VALUE, "label_index", "%s: label column %s is given twice",
                                       s->path, a);
            return honeE_set_field(s->err, HONE_ERR_VALUE, "label_index", "%s: label columns %s and %s are the same "
                                   "column (index %d)", s->path, a, b, cols[k]);
        }
        slot[cols[k]] = (int)k;
    }
    if (t == (size_t)s->ncols)
        return honeE_set_field(s->err, HONE_ERR_VALUE, "label_index", "%s: the %zu label columns are all the rows' "
                               "columns: none is left for features", s->path, t);
    return HONE_OK;
}

/* Parses the NUL-terminated text of a file into a dataset. */
static hone_status parse_csv(hone_dataset *data, char *buf, size_t len, const char *path,
                             const hone_csv_options *o, hone_error *err) {
    csv_state s = {path, 0, NULL, 0, err};
    char **fields = NULL;
    hone_status st = HONE_OK;
    char *end = buf + len;
    char *p = buf;
    /* A UTF-8 byte-order mark, which spreadsheet exports put first: left in, it would become part
     * of the first field, making a data row look like a header and the first name unmatchable. */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    size_t line = 0;
    size_t blank_line = 0; /* first blank line seen: fine at the end, an error before data */
    size_t rows_cap = 0, n = 0, d = 0;
    int *label_cols = NULL; /* [t] the label columns, in the order given */
    int *slot = NULL;       /* [ncols] each column's place among them, -1 for a feature */
    bool first = true;
    size_t ahead = SIZE_MAX; /* fields_ahead of the leading comments, once one is seen */
    honeD_collapse features = {0}, targets = {0};
    const bool no_label = o->n_label_columns == 0 && !o->label_name && o->label_index == HONE_CSV_NO_LABEL;
    const size_t t = no_label ? 0 : o->n_label_columns > 0 ? (size_t)o->n_label_columns : 1;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        line++;
        while (e > p && e[-1] == '\r') e--; /* \r\n endings */
        bool commented = false; /* a header behind '#' */
        if (*p == '#') {
            /* A comment line; but before the first row, one of as many fields as the row after it
             * may be the header behind a '#', as numpy.savetxt writes it ("# a,b,label"): read as
             * a first row, it is the header if it is one, and a comment if not. */
            if (first && o->header != 0 && ahead == SIZE_MAX) ahead = fields_ahead(next, end, o->delimiter);
            if (!first || o->header == 0 || fields_in(p, e, o->delimiter) != ahead) {
                p = next;
                continue;
            }
            for (p++; p < e && (*p == ' ' || *p == '\t'); p++) {}
            commented = true;
        }
        if (is_blank(p, e)) {
            if (!blank_line) blank_line = line;
            p = next;
            continue;
        }
        if (blank_line) {
            st = honeE_set(err, HONE_ERR_FORMAT, "%s: line %zu: empty line before more data (line %zu)",
                           path, blank_line, line);
            goto done;
        }

        if (first) {
            first = false;
            /* The first row fixes the column count; it cannot exceed the line's length. */
            size_t count = fields_in(p, e, o->delimiter);
            if (count < 2 && !no_label) {
                /* a file of another separator reads as one field a line: say which it has */
                const char other = separator_in(p, e, o->delimiter);
                char hint[96] = "", a[8], b[8];
                if (other)
                    snprintf(hint, sizeof hint, " (fields separated by %s? the delimiter is %s)", separator_name(other, a),
                             separator_name(o->delimiter, b));
                else if (o->delimiter != ',') snprintf(hint, sizeof hint, " (is the delimiter right?)");
                st = honeE_set(err, HONE_ERR_FORMAT, "%s: line %zu: 1 field: need at least 2 (features and a label)%s",
                               path, line, hint);
                goto done;
            }
            if (count > INT_MAX / 2) {
                st = honeE_set(err, HONE_ERR_FORMAT, "%s: line %zu: %zu fields are too many", path,
                               line, count);
                goto done;
            }
            s.ncols = (int)count;
            fields = honeM_alloc(count, sizeof *fields);
            slot = honeM_alloc(count, sizeof *slot);
            label_cols = honeM_alloc(t ? t : 1, sizeof *label_cols);
            if (!fields || !slot || !label_cols) {
                st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu fields)", path, count);
                goto done;
            }
            /* Rows from here on are about as long as this one: guess the row count from the
             * bytes left, so memory follows the file, and grow if the guess falls short. */
            rows_cap = (size_t)(end - next) / ((size_t)(e - p) + 1) + 1;
            st = split_fields(&s, o->delimiter, p, e, line, fields);
            if (st != HONE_OK) goto done;
            bool header = o->header == 1;
            if (o->header == -1 || commented) { /* a header behind a # must look like one */
                /* A header only when no field is a finite number and one at least is no number
                 * at all: a data row with one missing value ("1,NA,0") must fail on its NA, not
                 * vanish as a header; a column named "nan" or "inf" is a name, as no data row
                 * may hold one; a row of nan or 1e39 alone is data, refused. */
                bool words = false;
                header = true;
                for (int j = 0; j < s.ncols && header; j++) {
                    double v;
                    const num_result r = parse_number(fields[j], &v);
                    header = r != NUM_OK;
                    words = words || r == NUM_NOT_A_NUMBER;
                }
                header = header && words;
                if (!header) s.guessed_line = line;
            }
            if (commented && !header) { /* a commented-out row: a comment after all */
                honeM_free(fields);
                honeM_free(slot);
                honeM_free(label_cols);
                fields = NULL;
                slot = label_cols = NULL;
                first = true;
                s.guessed_line = 0;
                p = next;
                continue;
            }
            if (header) {
                s.names = fields;
                fields = honeM_alloc(count, sizeof *fields);
                if (!fields) {
                    st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu fields)", path, count);
                    goto done;
                }
            }
            st = find_label_columns(&s, o, t, label_cols, slot);
            if (st != HONE_OK) goto done;
            data->label_column = no_label ? -1 : label_cols[0];
            d = count - t;
            st = honeD_collapse_init(&features, d, path, err);
            if (st == HONE_OK && o->regression && !no_label) st = honeD_collapse_init(&targets, t, path, err);
            if (st != HONE_OK) goto done;
            size_t cells, target_cells;
            if (!honeD_mul(rows_cap, d, &cells) || !honeD_mul(rows_cap, t, &target_cells) ||
                !(data->x = honeM_alloc(cells, sizeof *data->x)) ||
                (!no_label && !(o->regression ? (void *)(data->target = honeM_alloc(target_cells, sizeof *data->target))
                                              : (void *)(data->label = honeM_alloc(rows_cap, sizeof *data->label))))) {
                st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu rows of %zu features)",
                               path, rows_cap, d);
                goto done;
            }
            if (header) {
                p = next;
                continue;
            }
        } else {
            st = split_fields(&s, o->delimiter, p, e, line, fields);
            if (st != HONE_OK) goto done;
        }

        if (n == rows_cap) {
            size_t cap = rows_cap * 2, cells, target_cells;
            hone_real *x = NULL;
            void *y = NULL;
            if (honeD_mul(cap, d, &cells) && honeD_mul(cap, t, &target_cells) &&
                (x = honeM_realloc(data->x, cells, sizeof *data->x))) {
                data->x = x;
                if (no_label) {
                    y = x; /* nothing else grows */
                } else if (o->regression) {
                    if ((y = honeM_realloc(data->target, target_cells, sizeof *data->target))) data->target = y;
                } else {
                    if ((y = honeM_realloc(data->label, cap, sizeof *data->label))) data->label = y;
                }
            }
            if (!x || !y) {
                st = honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory (%zu rows of %zu features)",
                               path, cap, d);
                goto done;
            }
            rows_cap = cap;
        }
        hone_real *xr = data->x + n * d;
        for (int j = 0, k = 0; j < s.ncols; j++) {
            double v;
            num_result r = parse_number(fields[j], &v);
            if (r == NUM_NOT_A_NUMBER) {
                st = field_error(&s, line, j, "not a number", fields[j]);
                goto done;
            }
            if (r == NUM_NOT_FINITE) {
                st = field_error(&s, line, j,
                                 sizeof(hone_real) == sizeof(float) ? "not a finite float32 number"
                                                                    : "not a finite number",
                                 fields[j]);
                goto done;
            }
            if (slot[j] < 0) {
                honeD_collapse_note(&features, n, (size_t)k++, v);
                *xr++ = (hone_real)v;
            } else if (o->regression) {
                honeD_collapse_note(&targets, n, (size_t)slot[j], v);
                data->target[n * t + (size_t)slot[j]] = (hone_real)v;
            } else if (v < 0 || v != floor(v)) {
                char at[320];
                where(at, sizeof at, &s, line, j);
                st = honeE_set_field(err, HONE_ERR_FORMAT, "label", "%s: %s: label %s is not a class index (an "
                                     "integer >= 0%s)", path, at, fields[j], v < 0 && v == floor(v) ? NEGATIVE_LABEL : "");
                goto done;
            } else if (v > CSV_MAX_LABEL) {
                char at[320];
                where(at, sizeof at, &s, line, j);
                st = honeE_set(err, HONE_ERR_FORMAT,
                               "%s: %s: label %s is above the largest class index a model can have, %d "
                               "(one output unit per class, at most %d)",
                               path, at, fields[j], CSV_MAX_LABEL, HONE_MAX_UNITS);
                goto done;
            } else {
                data->label[n] = (int32_t)v;
                if ((int)v + 1 > data->n_classes) data->n_classes = (int)v + 1;
            }
        }
        n++;
        p = next;
    }

    if (n == 0) {
        st = honeE_set(err, HONE_ERR_FORMAT, "%s: no data rows%s", path,
                       line == 0 ? " (the file is empty)" : s.names ? " after the header" : "");
        goto done;
    }
    data->n = n;
    data->d = d;
    if (o->regression && !no_label) {
        data->t = t;
        data->target_columns = label_cols; /* the dataset's now */
        label_cols = NULL;
    }
    data->collapsed_feature = honeD_collapse_first(&features);
    if (targets.seen) data->collapsed_target = honeD_collapse_first(&targets);
    if (s.names) st = keep_feature_names(data, s.names, s.ncols, slot, path, err);
    /* Give back what the row guess over-reserved; keeping the larger block is harmless. */
    if (n < rows_cap) {
        hone_real *x = honeM_realloc(data->x, n * d, sizeof *data->x);
        if (x) data->x = x;
    }
done:
    honeM_free(fields);
    honeM_free(slot);
    honeM_free(label_cols);
    honeM_free(s.names);
    honeD_collapse_free(&features);
    honeD_collapse_free(&targets);
    return st;
}

hone_status hone_dataset_load_csv(hone_dataset **out, const char *path,
                                  const hone_csv_options *options, hone_error *err) {
    if (!out) return honeE_set(err, HONE_ERR_VALUE, "load_csv: no output pointer (NULL)");
    *out = NULL;
    if (!path) return honeE_set(err, HONE_ERR_VALUE, "load_csv: no file (NULL)");
    hone_csv_options o = options ? *options : hone_csv_options_default();
    if (o.header < -1 || o.header > 1)
        return honeE_set(err, HONE_ERR_VALUE, "%s: header = %d: expected -1 (detect), 0 or 1", path,
                         o.header);
    if (o.n_label_columns < 0 || (o.n_label_columns > 0 && !o.label_columns))
        return honeE_set(err, HONE_ERR_VALUE, "%s: %d label columns, and label_columns %s", path, o.n_label_columns,
                         o.label_columns ? "given" : "NULL");
    if (o.n_label_columns > 1 && !o.regression)
        return honeE_set_field(err, HONE_ERR_VALUE, "regression", "%s: %d label columns: class labels come from one "
                               "column; several are regression targets", path, o.n_label_columns);
    if (o.delimiter == '\0' || o.delimiter == '\n' || o.delimiter == '\r' || o.delimiter == '"' ||
        strchr("0123456789.+-eE", o.delimiter))
        return honeE_set(err, HONE_ERR_VALUE, "%s: delimiter '%c' (0x%02x) cannot separate numbers",
                         path, o.delimiter >= ' ' ? o.delimiter : '?', (unsigned char)o.delimiter);

    honeD_file f;
    hone_status st = honeD_open(&f, path, err);
    if (st != HONE_OK) return st;
    char *buf;
    size_t len;
    st = honeD_read_rest(&f, &buf, &len, err);
    honeD_close(&f);
    if (st != HONE_OK) return st;
    /* fields are cut at NUL in place: a NUL byte in the text would end its field unseen */
    const char *nul = memchr(buf, 0, len);
    if (nul) {
        size_t line = 1;
        for (const char *c = buf; c < nul; c++) line += *c == '\n';
        honeM_free(buf);
        return honeE_set(err, HONE_ERR_FORMAT, "%s: line %zu: a NUL byte (byte %zu): not a text file", path, line,
                         (size_t)(nul - buf) + 1);
    }
    /* lines ended by CR alone (classic Mac OS exports) were one line of the whole file; an editor
     * may have ended it with one LF */
    const char *lf = memchr(buf, '\n', len);
    if (!lf || lf == buf + len - 1)
        for (char *c = memchr(buf, '\r', len); c; c = memchr(c, '\r', len - (size_t)(c - buf))) *c = '\n';

    hone_dataset *data = honeM_alloc(1, sizeof *data);
    if (!data) {
        honeM_free(buf);
        return honeE_set(err, HONE_ERR_NOMEM, "%s: out of memory", path);
    }
    st = parse_csv(data, buf, len, path, &o, err);
    honeM_free(buf);
    if (st != HONE_OK) {
        hone_dataset_free(data);
        return st;
    }
    *out = data;
    return HONE_OK;
}
