/* data_options.c - data options to a hone_data_source. */
#include "data_options.h"
#include "paths.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A list of --label-column's holds at most this many columns: one a character and a comma. */
#define MAX_LABEL_COLUMNS (CLI_TEXT_MAX / 2)

/* One column of --label-column (said: the option's text, and the column's where it lists
 * several): last or -1, a 0-based index, or a header name. Text that reads as an integer is an
 * index, read strictly: atoi wrapped 4294967295 to -1 (the last column) and 99999999999 to an
 * unrelated index. -1 is taken because the out-of-range message offers it. */
static int label_column(const char *cmd, const char *said, const char *text, hone_csv_column *column) {
    column->name = NULL;
    column->index = -1;
    if (!strcmp(text, "last")) return 0;
    char *end = (char *)text;
    long v = 0;
    errno = 0;
    if (isdigit((unsigned char)text[*text == '-'])) v = strtol(text, &end, 10);
    if (end == text || *end != '\0') { /* not an integer: a name ("3x" may be one) */
        column->name = text;
        return 0;
    }
    if (v < -1) {
        cli_error(cmd, "--label-column %s: the only negative index is -1, the last column", said);
        return -1;
    }
    if (errno == ERANGE || v > INT_MAX) {
        cli_error(cmd, "--label-column %s: index too large (0-based column index, -1 or last for the last "
                       "column, or a column name)", said);
        return -1;
    }
    column->index = (int)v;
    return 0;
}

/* --label-column's columns when it lists several (a regression's targets), and the text their
 * names point into: one list a command, as model_layout below. */
static struct {
    hone_csv_column columns[MAX_LABEL_COLUMNS];
    char text[CLI_TEXT_MAX];
} option_list;

/* --label-column into csv: one column (label_name or label_index), or a comma-separated list of
 * them (label_columns), each trimmed of spaces, as the reader trims a header's names. */
static int label_columns(const char *cmd, const char *text, hone_csv_options *csv) {
    hone_csv_column one;
    if (!strchr(text, ',')) {
        if (label_column(cmd, text, text, &one)) return -1;
        csv->label_name = one.name;
        csv->label_index = one.index;
        return 0;
    }
    snprintf(option_list.text, sizeof option_list.text, "%s", text);
    int n = 0;
    for (char *item = option_list.text, *next; item; item = next) {
        next = strchr(item, ',');
        if (next) *next++ = '\0';
        while (*item == ' ' || *item == '\t') item++;
        for (char *e = item + strlen(item); e > item && (e[-1] == ' ' || e[-1] == '\t');) *--e = '\0';
        if (!*item) {
            cli_error(cmd, "--label-column %s: an empty column in the list (columns are separated by commas)", text);
            return -1;
        }
        char said[2 * CLI_TEXT_MAX + 2];
        snprintf(said, sizeof said, "%s: %s", text, item);
        if (label_column(cmd, said, item, &option_list.columns[n++])) return -1;
    }
    csv->label_name = NULL;
    csv->label_index = -1;
    csv->label_columns = option_list.columns;
    csv->n_label_columns = n;
    return 0;
}

/* A labels file goes with .npy and IDX images data only; given with a CSV file or an IDX
 * directory, which hold their own labels, it was ignored without a word. A path that cannot be
 * looked at is left to the load, which names it. Returns -1 (message printed) for a labels file
 * that would go unread. */
static int labels_read(const char *cmd, const char *option, const char *labels, const char *path) {
    hone_dataset_format format;
    hone_error err = {0};
    if (!*labels || hone_dataset_format_of(path, &format, &err) != HONE_OK || format == HONE_DATASET_FORMAT_NPY ||
        format == HONE_DATASET_FORMAT_IDX)
        return 0;
    cli_error(cmd, "%s %s: a labels file is only for an .npy or IDX images file, and %s is %s", option, labels, path,
              format == HONE_DATASET_FORMAT_CSV ? "a CSV file, whose labels are a column (--label-column)"
                                                : "an IDX directory, which holds its own labels (train-labels-idx1-ubyte)");
    return -1;
}

/* Whether path starts as an IDX file does (0x00 0x00) or a gzip stream (0x1f 0x8b): a file read as
 * IDX for want of a .csv name that does not is a CSV file misnamed, most likely (x.tsv). */
static bool starts_as_idx(const char *path) {
    unsigned char head[2] = {0xff, 0xff};
    FILE *f = fopen(path, "rb");
    if (f) {
        if (fread(head, 1, 2, f) != 2) head[0] = 0xff;
        fclose(f);
    }
    return (head[0] == 0 && head[1] == 0) || (head[0] == 0x1f && head[1] == 0x8b);
}

/* --label-column, --header and --delimiter read a CSV file only; given with other data they went unread
 * without a word. The defaults (last, auto) are not told apart from the same given. A path that
 * cannot be looked at is left to the load. Returns -1 (message printed) for one that would go
 * unread. */
static int csv_only(const char *cmd, const cli_data *d) {
    static const cli_data defaults = CLI_DATA_DEFAULTS;
    const char *option = strcmp(d->label_column, defaults.label_column) ? "--label-column"
                         : strcmp(d->header, defaults.header)            ? "--header"
                         : strcmp(d->delimiter, defaults.delimiter)      ? "--delimiter"
                                                                         : NULL;
    hone_dataset_format format;
    hone_error err = {0};
    if (!option || hone_dataset_format_of(d->data, &format, &err) != HONE_OK || format == HONE_DATASET_FORMAT_CSV)
        return 0;
    const bool dir = format == HONE_DATASET_FORMAT_IDX_DIR;
    if (format == HONE_DATASET_FORMAT_IDX && !starts_as_idx(d->data)) { /* by its name: x.tsv, x.txt */
        cli_error(cmd, "%s is for CSV data, and %s is read as IDX images: a CSV file needs the .csv name (the reader "
                  "is picked by the name)", option, d->data);
        return -1;
    }
    cli_error(cmd, "%s is for CSV data, and %s is %s%s", option, d->data,
              format == HONE_DATASET_FORMAT_NPY ? "an .npy file" : dir ? "an IDX directory" : "an IDX images file",
              strcmp(option, "--label-column") ? ""
              : dir ? ", whose labels are its train-labels-idx1-ubyte" : ", whose labels come from --labels");
    return -1;
}

/* --regression reads real-valued targets, which IDX labels (unsigned bytes, class indices) are not:
 * refused here as the option combination it is, in the library's words. -1 (message printed). */
static int regression_readable(const char *cmd, const cli_data *d) {
    hone_dataset_format format;
    hone_error err = {0};
    if (!d->regression || hone_dataset_format_of(d->data, &format, &err) != HONE_OK ||
        (format != HONE_DATASET_FORMAT_IDX && format != HONE_DATASET_FORMAT_IDX_DIR))
        return 0;
    cli_error(cmd, "--regression: %s: IDX labels are class indices (unsigned bytes), not regression targets; give the "
              "targets as a CSV column or an .npy file", format == HONE_DATASET_FORMAT_IDX && *d->labels ? d->labels : d->data);
    return -1;
}

void cli_view_digest(const hone_view *view, char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)hone_view_checksum(view));
}

int cli_data_source(const char *cmd, const cli_data *d, hone_data_source *source) {
    memset(source, 0, sizeof *source);
    source->path = d->data;
    source->labels = *d->labels ? d->labels : NULL;
    source->regression = d->regression;
    source->csv = hone_csv_options_default();
    if (!strcmp(d->header, "auto")) source->csv.header = -1;
    else if (!strcmp(d->header, "yes")) source->csv.header = 1;
    else if (!strcmp(d->header, "no")) source->csv.header = 0;
    else {
        cli_error(cmd, "--header: expected auto, yes or no, got '%s'", d->header);
        return -1;
    }
    /* by name too: a config file's "delimiter = ;" is a comment to inih */
    if (!strcmp(d->delimiter, "tab") || !strcmp(d->delimiter, "\\t")) source->csv.delimiter = '\t';
    else if (!strcmp(d->delimiter, "semicolon")) source->csv.delimiter = ';';
    else if (strlen(d->delimiter) == 1 && (unsigned char)d->delimiter[0] >= 0x80) {
        /* a byte of another encoding (Latin-1's section sign): the model's metadata, UTF-8 text,
         * cannot keep it, and the model went unsaved after the whole run */
        cli_error(cmd, "--delimiter: byte 0x%02x is not an ASCII character (another encoding's?): use an ASCII "
                  "separator, tab or semicolon", (unsigned char)d->delimiter[0]);
        return -1;
    } else if (strlen(d->delimiter) == 1) source->csv.delimiter = d->delimiter[0];
    else {
        cli_error(cmd, "--delimiter: expected one character, tab or semicolon, got '%s'%s", d->delimiter,
                  *d->delimiter ? "" : " (in a config file, ';' starts a comment: write semicolon)");
        return -1;
    }
    if (labels_read(cmd, "--labels", d->labels, d->data) || csv_only(cmd, d) || regression_readable(cmd, d)) return -1;
    return label_columns(cmd, d->label_column, &source->csv);
}

/* item (taken: deleted here) as JSON into buf [cap] after ', "key": '; false when it does not fit. */
static bool json_item(char *buf, size_t cap, const char *key, cJSON *item) {
    char *json = item ? cJSON_PrintUnformatted(item) : NULL;
    const size_t used = strlen(buf);
    const bool fits = json && used + strlen(json) + strlen(key) + 8 < cap;
    if (fits) snprintf(buf + used, cap - used, ", \"%s\": %s", key, json);
    cJSON_free(json);
    cJSON_Delete(item);
    return fits;
}

/* s as a JSON string into buf [cap] after ', "key": '; false when it does not fit. */
static bool json_entry(char *buf, size_t cap, const char *key, const char *s) {
    return json_item(buf, cap, key, cJSON_CreateString(s));
}

/* A regression's several target columns, as cli_csv_layout_json keeps them: "label_column", each
 * column as it was given (its name, or by its index when that name is not UTF-8), and
 * "label_index", every index (for a file without a header), both in the targets' order. */
static void target_columns_json(char *buf, size_t cap, const hone_data_source *source, const hone_dataset *data) {
    const int t = (int)data->t;
    char index[MAX_LABEL_COLUMNS][16];
    const char *given[MAX_LABEL_COLUMNS], *indexes[MAX_LABEL_COLUMNS];
    if (t > MAX_LABEL_COLUMNS || source->csv.n_label_columns != t) return; /* not from the options' list */
    for (int k = 0; k < t; k++) {
        const char *name = source->csv.label_columns[k].name;
        snprintf(index[k], sizeof index[k], "%d", data->target_columns[k]);
        indexes[k] = index[k];
        given[k] = name && cli_utf8_valid(name) ? name : index[k];
    }
    json_item(buf, cap, "label_column", cJSON_CreateStringArray(given, t));
    json_item(buf, cap, "label_index", cJSON_CreateStringArray(indexes, t));
}

bool cli_csv_layout_json(char *buf, size_t cap, const hone_data_source *source, const hone_dataset *data) {
    hone_dataset_format format;
    hone_error ignored;
    buf[0] = '\0';
    if (hone_dataset_format_of(source->path, &format, &ignored) || format != HONE_DATASET_FORMAT_CSV) return false;
    char index[16];
    snprintf(index, sizeof index, "%d", data->label_column);
    if (data->t > 1 && data->target_columns) {
        target_columns_json(buf, cap, source, data);
    } else if (data->label_column >= 0 && data->label_column != (int)data->d) {
        /* the last column (-1, or a name or index that came to it) is what every command reads;
         * by its index alone when its name is not UTF-8, which a model's metadata cannot hold */
        const char *name = source->csv.label_name && cli_utf8_valid(source->csv.label_name) ? source->csv.label_name
                                                                                             : NULL;
        json_entry(buf, cap, "label_column", name ? name : index);
        if (name) json_entry(buf, cap, "label_index", index); /* for a file without a header */
    }
    if (source->csv.delimiter != ',') json_entry(buf, cap, "delimiter", (char[]){source->csv.delimiter, '\0'});
    return true;
}

/* The CSV layout of a model's training data, as cli_data_for_model took it from the model's
 * metadata (one model a command) where the options did not say: its label column by name
 * (source->csv.label_name points to name then) and index (-1 when not known), or by index alone;
 * or a regression's n target columns (source->csv.label_columns points to columns then, by name
 * into text or by index), and each by its index where the metadata has them all (by_index,
 * indexes true); its delimiter ('\0' when not taken). */
static struct {
    bool label;
    char name[CLI_TEXT_MAX];
    int index;
    int n;
    hone_csv_column columns[MAX_LABEL_COLUMNS], by_index[MAX_LABEL_COLUMNS];
    bool indexes;
    char text[CLI_TEXT_MAX];
    char delimiter;
} model_layout;

/* Whether source's label column (or columns) is the one taken from the model. */
static bool label_of_model(const hone_data_source *source) {
    if (model_layout.label && model_layout.n)
        return source->csv.label_columns == model_layout.columns || source->csv.label_columns == model_layout.by_index;
    return model_layout.label && (source->csv.label_name ? source->csv.label_name == model_layout.name
                                                         : source->csv.label_index == model_layout.index);
}

/* Whether csv names a label column by its header name. */
static bool label_by_name(const hone_csv_options *csv) {
    for (int k = 0; k < csv->n_label_columns; k++)
        if (csv->label_columns[k].name) return true;
    return csv->n_label_columns == 0 && csv->label_name;
}

/* How many label columns csv reads: several targets, one, or none (every column a feature). */
static size_t label_count(const hone_csv_options *csv) {
    if (csv->n_label_columns > 0) return (size_t)csv->n_label_columns;
    return csv->label_name || csv->label_index != HONE_CSV_NO_LABEL;
}

/* A 0-based column index as the metadata holds it ("3"), or -1. */
static int index_text(const cJSON *item) {
    const char *t = cJSON_IsString(item) ? item->valuestring : "";
    return *t && strspn(t, "0123456789") == strlen(t) && strlen(t) < 10 ? atoi(t) : -1;
}

/* The columns of a model's metadata array "label_column" (each a name, or an index as text) into
 * columns [MAX_LABEL_COLUMNS], names pointing into label; their count, or 0 for an array hone does
 * not write (an entry that is no text or empty, or more of them than an option could list). */
static int columns_of_json(const cJSON *label, hone_csv_column *columns) {
    const int n = cJSON_IsArray(label) ? cJSON_GetArraySize(label) : 0;
    if (n < 1 || n > MAX_LABEL_COLUMNS) return 0;
    int k = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, label) {
        if (!cJSON_IsString(item) || !*item->valuestring) return 0;
        const int index = index_text(item);
        columns[k++] = (hone_csv_column){index < 0 ? item->valuestring : NULL, index};
    }
    return n;
}

/* A regression model's several target columns (its metadata's arrays "label_column" and
 * "label_index", target_columns_json) into model_layout and source. Arrays that hone does not
 * write (columns_of_json, or names longer together than model_layout.text holds) are left. */
static void target_columns_of_model(const cJSON *label, const cJSON *indexes, hone_data_source *source) {
    const int n = columns_of_json(label, model_layout.columns);
    if (!n) return;
    bool all = cJSON_IsArray(indexes) && cJSON_GetArraySize(indexes) == n;
    size_t used = 0;
    for (int k = 0; k < n; k++) {
        hone_csv_column *c = &model_layout.columns[k];
        if (c->name) { /* into model_layout.text: the metadata's JSON is freed */
            const size_t len = strlen(c->name) + 1;
            if (used + len > sizeof model_layout.text) return;
            c->name = memcpy(model_layout.text + used, c->name, len);
            used += len;
        }
        const int known = all ? index_text(cJSON_GetArrayItem(indexes, k)) : -1;
        all = all && known >= 0;
        model_layout.by_index[k] = (hone_csv_column){NULL, known};
    }
    model_layout.label = true;
    model_layout.n = n;
    model_layout.indexes = all;
    source->csv.label_name = NULL;
    source->csv.label_index = -1;
    source->csv.label_columns = model_layout.columns;
    source->csv.n_label_columns = n;
}

/* The model's CSV layout (its metadata's "label_column", "label_index" and "delimiter",
 * cli_csv_layout_json) into source's CSV options, each where its option was not given. A model
 * without them (an older file, one trained on its last column, or on other data) leaves them. */
static void csv_layout_of_model(const cli_data *d, const hone_model *model, hone_data_source *source) {
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(config, "label_column"),
                *delimiter = cJSON_GetObjectItemCaseSensitive(config, "delimiter");
    if (cJSON_IsString(delimiter) && strlen(delimiter->valuestring) == 1 && !cli_given(d->delimiter))
        source->csv.delimiter = model_layout.delimiter = delimiter->valuestring[0];
    if (cJSON_IsArray(label) && !cli_given(d->label_column))
        target_columns_of_model(label, cJSON_GetObjectItemCaseSensitive(config, "label_index"), source);
    const char *text = cJSON_IsString(label) && !cli_given(d->label_column) ? label->valuestring : NULL;
    if (text && *text && strlen(text) < sizeof model_layout.name) {
        model_layout.label = true;
        if ((model_layout.index = index_text(label)) >= 0) {
            source->csv.label_name = NULL;
            source->csv.label_index = model_layout.index;
        } else {
            strcpy(model_layout.name, text);
            source->csv.label_name = model_layout.name;
            model_layout.index = index_text(cJSON_GetObjectItemCaseSensitive(config, "label_index"));
        }
    }
    cJSON_Delete(config);
}

/* "'a' and 'b' are the model's label columns" (or "columns 'a', 3 and 4 are ...", an index among
 * them) into buf [cap], of the n columns. */
static void model_columns_said(char *buf, size_t cap, const hone_csv_column *columns, int n) {
    bool names = true;
    for (int k = 0; k < n; k++) names = names && columns[k].name;
    size_t at = 0;
    cli_append(buf, cap, &at, "%s", names ? "" : "columns ");
    for (int k = 0; k < n; k++) {
        const char *sep = k == 0 ? "" : k == n - 1 ? " and " : ", ";
        if (columns[k].name) cli_append(buf, cap, &at, "%s'%s'", sep, columns[k].name);
        else cli_append(buf, cap, &at, "%s%d", sep, columns[k].index);
    }
    cli_append(buf, cap, &at, " are the model's label columns");
}

/* After a failed load of source (st), when the model's layout was read: the message says which
 * of the layout came from the model. */
static void model_layout_said(hone_status st, const hone_data_source *source, hone_error *err) {
    if (!st) return;
    const bool label = label_of_model(source);
    const bool delimiter = model_layout.delimiter && source->csv.delimiter == model_layout.delimiter;
    if (!label && !delimiter) return;
    char column[CLI_TEXT_MAX + 48] = "", separator[32] = "";
    if (label && model_layout.n)
        model_columns_said(column, sizeof column, source->csv.label_columns, model_layout.n);
    else if (label && source->csv.label_name)
        snprintf(column, sizeof column, "'%s' is the model's label column", model_layout.name);
    else if (label)
        snprintf(column, sizeof column, "column %d is the model's label column", model_layout.index);
    if (delimiter && model_layout.delimiter == '\t') snprintf(separator, sizeof separator, "tab is its delimiter");
    else if (delimiter) snprintf(separator, sizeof separator, "'%c' is its delimiter", model_layout.delimiter);
    const size_t n = strnlen(err->message, sizeof err->message - 1);
    snprintf(err->message + n, sizeof err->message - n, " (%s%s%s, from its training data: give %s for this file)",
             column, label && delimiter ? ", and " : "", separator,
             label && delimiter ? "--label-column and --delimiter" : label ? "--label-column" : "--delimiter");
}

/* Whether the model's target column k (its metadata's label_column [k], by name or index, and
 * label_index [k]) is column c of the options. */
static bool same_target(const cJSON *label, const cJSON *indexes, int k, const hone_csv_column *c) {
    const cJSON *name = cJSON_GetArrayItem(label, k);
    if (c->name) return cJSON_IsString(name) && !strcmp(name->valuestring, c->name);
    return c->index >= 0 && (index_text(name) == c->index || index_text(cJSON_GetArrayItem(indexes, k)) == c->index);
}

/* -1 (message printed) when --label-column names a regression model's target columns in another
 * order than it was trained with: each output would be scored against another's target. */
static int targets_reordered(const char *cmd, const cli_data *d, const hone_model *model, const hone_data_source *source) {
    const int n = source->csv.n_label_columns;
    if (n < 2 || !cli_given(d->label_column)) return 0;
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(config, "label_column"),
                *indexes = cJSON_GetObjectItemCaseSensitive(config, "label_index");
    int moved = 0, found = cJSON_IsArray(label) && cJSON_GetArraySize(label) == n;
    char trained[CLI_TEXT_MAX] = "";
    size_t at = 0;
    for (int k = 0; found && k < n; k++) {
        int j = 0;
        while (j < n && !same_target(label, indexes, j, &source->csv.label_columns[k])) j++;
        found = j < n;
        moved += found && j != k;
        const cJSON *name = cJSON_GetArrayItem(label, k);
        cli_append(trained, sizeof trained, &at, "%s%s", k ? "," : "", cJSON_IsString(name) ? name->valuestring : "?");
    }
    if (found && moved)
        cli_error(cmd, "--label-column %s: the model was trained on these targets in the order %s, its outputs in "
                       "that order; give them so (or leave --label-column out)", d->label_column, trained);
    cJSON_Delete(config);
    return found && moved ? -1 : 0;
}

int cli_data_for_model(const char *cmd, const cli_data *d, const hone_model *model, const char *model_path,
                       hone_data_source *source) {
    const int mse = model->loss == HONE_LOSS_MSE;
    if (d->regression && !mse) {
        cli_error(cmd, "--regression: %s is a classifier (loss %s), scored against class labels, not real-valued "
                       "targets; leave --regression out", model_path, hone_loss_kind_name(model->loss));
        return -1;
    }
    if (source->csv.n_label_columns > 1 && !mse) {
        cli_error(cmd, "--label-column %s: %s is a classifier (loss %s), scored against one label column; several are "
                       "a regression's targets", d->label_column, model_path, hone_loss_kind_name(model->loss));
        return -1;
    }
    hone_dataset_format format;
    hone_error err = {0};
    const int known = hone_dataset_format_of(source->path, &format, &err) == HONE_OK;
    const int idx = known && (format == HONE_DATASET_FORMAT_IDX || format == HONE_DATASET_FORMAT_IDX_DIR);
    source->regression = mse && !idx;
    if (known && format == HONE_DATASET_FORMAT_CSV) csv_layout_of_model(d, model, source);
    return targets_reordered(cmd, d, model, source);
}

char *cli_feature_names_json(const hone_dataset *data) {
    /* a model file's header is UTF-8: names in another encoding (a Latin-1 spreadsheet's) would
     * leave the model unsaved after its training, so they are not kept, and go unchecked */
    bool utf8 = data->feature_names != NULL;
    for (size_t j = 0; utf8 && j < data->d; j++) utf8 = cli_utf8_valid(data->feature_names[j]);
    if (!utf8) return strdup("");
    cJSON *names = cJSON_CreateStringArray((const char *const *)data->feature_names, (int)data->d);
    char *json = names ? cJSON_PrintUnformatted(names) : NULL, *out = NULL;
    const size_t cap = json ? strlen(json) + 32 : 0;
    if (json && (out = malloc(cap))) snprintf(out, cap, ", \"feature_names\": %s", json);
    cJSON_free(json);
    cJSON_Delete(names);
    return out;
}

static int by_text(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Whether a [n] and b [n] hold the same names, in any order; false when out of memory. */
static bool same_names(const char *const *a, const char *const *b, size_t n) {
    const char **sorted = malloc(2 * n * sizeof *sorted);
    if (!sorted) return false;
    memcpy(sorted, a, n * sizeof *sorted);
    memcpy(sorted + n, b, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_text);
    qsort(sorted + n, n, sizeof *sorted, by_text);
    size_t k = 0;
    while (k < n && !strcmp(sorted[k], sorted[n + k])) k++;
    free(sorted);
    return k == n;
}

/* Whether the features of data (read from path) are named otherwise than names [count], those of
 * the data what names, where both have names: true with the message in err when a header names
 * them in another order, or names others. */
static bool names_differ(const char *const *names, size_t count, const char *what, const hone_dataset *data,
                         const char *path, hone_error *err) {
    if (!names || !data->feature_names || count != data->d) return false;
    const char *const *have = (const char *const *)data->feature_names;
    size_t k = 0;
    while (k < count && !strcmp(have[k], names[k])) k++;
    if (k == count) return false;
    err->code = HONE_ERR_FORMAT;
    if (same_names(names, have, count))
        snprintf(err->message, sizeof err->message, "%s: its header has the features of %s in another order: "
                 "feature %zu is '%.60s', and was '%.60s' there; put the columns in that order", path, what, k + 1,
                 have[k], names[k]);
    else
        snprintf(err->message, sizeof err->message, "%s: feature %zu is '%.60s' in its header, and was '%.60s' in %s: "
                 "are these the same features? (give them the same names)", path, k + 1, have[k], names[k], what);
    return true;
}

int cli_model_names_fit(const char *cmd, const hone_model *model, const char *what, const hone_dataset *data,
                        const char *path) {
    if (!data->feature_names || !model->config_json) return 0;
    cJSON *config = cJSON_Parse(model->config_json);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(config, "feature_names"), *item;
    const int count = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    const char **names = count > 0 ? malloc((size_t)count * sizeof *names) : NULL;
    int k = 0, rc = 0;
    hone_error err;
    if (names) cJSON_ArrayForEach(item, list) names[k++] = cJSON_IsString(item) ? item->valuestring : "";
    if (count > 0 && !names) {
        cli_error(cmd, "out of memory");
        rc = -1;
    } else if (names && names_differ(names, (size_t)count, what, data, path, &err)) {
        cli_error(cmd, "%s", err.message);
        rc = -1;
    }
    free(names);
    cJSON_Delete(config);
    return rc;
}

/* For a CSV file whose rows have other target columns than a regression model's outputs: "
 * ('y0' and 'y1' are the model's label columns, from its training data: give them with
 * --label-column)" into buf [cap] when the model's metadata names them; else "". */
static void model_targets_hint(const hone_model *model, const char *path, char *buf, size_t cap) {
    buf[0] = '\0';
    hone_dataset_format format;
    hone_error ignored;
    if (hone_dataset_format_of(path, &format, &ignored) || format != HONE_DATASET_FORMAT_CSV) return;
    cJSON *config = model->config_json ? cJSON_Parse(model->config_json) : NULL;
    hone_csv_column columns[MAX_LABEL_COLUMNS];
    const int n = columns_of_json(cJSON_GetObjectItemCaseSensitive(config, "label_column"), columns);
    if (n && n == hone_model_outputs(model)) {
        char said[CLI_TEXT_MAX + 48];
        model_columns_said(said, sizeof said, columns, n);
        snprintf(buf, cap, " (%s, from its training data: give them with --label-column)", said);
    }
    cJSON_Delete(config);
}

int cli_image_fits(const char *cmd, const hone_model *model, const char *what, const hone_dataset *data,
                   const char *path) {
    if (hone_model_images_fit(model, data)) return 0;
    cli_error(cmd, "%s: images of %zu x %zu pixels (height x width), and %s was trained on %d x %d", path, data->height,
              data->width, what, model->image_height, model->image_width);
    return -1;
}

int cli_data_fits(const char *cmd, const hone_model *model, const hone_dataset *data, const char *path,
                  const char *truth) {
    if (data->d != (size_t)model->inputs) {
        cli_error(cmd, "%s: rows have %zu features, the model expects %d", path, data->d, model->inputs);
        return -1;
    }
    if (cli_image_fits(cmd, model, "the model", data, path)) return -1;
    if (cli_model_names_fit(cmd, model, "the model's training data", data, path)) return -1;
    if (!truth) return 0;
    /* an .npy or IDX images file holds no labels of its own: they come from --labels */
    hone_dataset_format format;
    hone_error ignored;
    const bool own_file = !strcmp(truth, path) && !hone_dataset_format_of(path, &format, &ignored) &&
                          (format == HONE_DATASET_FORMAT_NPY || format == HONE_DATASET_FORMAT_IDX);
    path = truth;
    if (model->loss == HONE_LOSS_MSE && data->label) { /* IDX labels (cli_data_for_model) */
        cli_error(cmd, "%s: the data has class labels (IDX bytes), and the model is a regression (loss mse), scored "
                       "against real-valued targets: give them as a CSV column or an .npy file", path);
        return -1;
    }
    if (model->loss == HONE_LOSS_MSE ? !data->target : !data->label) {
        cli_error(cmd, "%s: the data has no %s to compare with%s", path, model->loss == HONE_LOSS_MSE ? "targets" : "labels",
                  own_file ? ": give --labels FILE" : "");
        return -1;
    }
    const int O = hone_model_outputs(model);
    /* softmax: a class an output; sigmoid: one output is a binary model (classes 0 and 1), more
     * are one-hot classes as softmax's; MSE: a target an output */
    const int classes = model->loss == HONE_LOSS_SIGMOID_CE && O == 1 ? 2 : O;
    if (model->loss != HONE_LOSS_MSE && data->n_classes > classes) {
        cli_error(cmd, "%s: labels go up to %d, the model has %d classes", path, data->n_classes - 1, classes);
        return -1;
    }
    if (model->loss == HONE_LOSS_MSE && data->t != (size_t)O) {
        char hint[CLI_TEXT_MAX + 128];
        model_targets_hint(model, path, hint, sizeof hint);
        cli_error(cmd, "%s: rows have %zu target%s, the model predicts %d%s", path, data->t, data->t == 1 ? "" : "s", O,
                  hint);
        return -1;
    }
    return 0;
}

int cli_test_options(const char *cmd, const char *test_path, const char *test_labels) {
    if (*test_labels && !*test_path) {
        cli_error(cmd, "--test-labels %s needs --test-data, the test set they label", test_labels);
        return -1;
    }
    return labels_read(cmd, "--test-labels", test_labels, test_path);
}

/* err: "PATH: rows have C - 1 features and a label column (or C features without one), the model
 * expects INPUTS" for a CSV file of C columns read with one label column; of T label columns,
 * "C - T features and T label columns (or C features without them)". */
static void width_message(hone_error *err, const char *path, size_t columns, int inputs, size_t t) {
    err->code = HONE_ERR_FORMAT;
    if (columns == 1)
        snprintf(err->message, sizeof err->message, "%s: rows have 1 feature (one column), the model expects %d", path,
                 inputs);
    else if (t <= 1)
        snprintf(err->message, sizeof err->message, "%s: rows have %zu feature%s and a label column (or %zu features "
                 "without one), the model expects %d", path, columns - 1, columns == 2 ? "" : "s", columns, inputs);
    else if (columns <= t)
        snprintf(err->message, sizeof err->message, "%s: rows have %zu columns, and the model expects %d features and "
                 "%zu label columns", path, columns, inputs, t);
    else
        snprintf(err->message, sizeof err->message, "%s: rows have %zu feature%s and %zu label columns (or %zu "
                 "features without them), the model expects %d", path, columns - t, columns - t == 1 ? "" : "s", t,
                 columns, inputs);
}

/* cli_load_any of *source; when the model's label column by name (or one of its target columns)
 * is not found for want of a header, the file is read by the columns' indexes instead, from
 * *by_index, where *source then points. */
static hone_status load_as_model(const hone_data_source **source, hone_data_source *by_index, hone_dataset **data,
                                 hone_dataset **test, int regression_hint, hone_error *err) {
    hone_status st = cli_load_any(*source, data, test, regression_hint, !label_of_model(*source), err);
    if (!st || !label_of_model(*source) || !label_by_name(&(*source)->csv) || !err->field ||
        strcmp(err->field, "header") || (model_layout.n ? !model_layout.indexes : model_layout.index < 0) ||
        cli_in_place((*source)->path)) /* a pipe is read once (cli_load_for_model) */
        return st;
    *by_index = **source;
    if (model_layout.n) {
        by_index->csv.label_columns = model_layout.by_index;
    } else {
        by_index->csv.label_name = NULL;
        by_index->csv.label_index = model_layout.index;
    }
    *source = by_index;
    return cli_load_any(by_index, data, test, regression_hint, 0, err);
}

/* cli_load_for_model's second reading of source, every column a feature, where source is a FIFO
 * or a device (/dev/stdin a pipe): opened again, a FIFO waits for a writer that has gone, and the
 * command hung. Its first reading stands (st, its message in err), and rows that may be the
 * features alone, which predict (features_alone) reads so, are asked for as a regular file.
 * column_short: the first reading left the model a feature short (*data, *test are freed). */
static hone_status read_once(const hone_data_source *source, const hone_model *model, const int *features_alone,
                             bool column_short, hone_status st, hone_dataset **data, hone_dataset **test,
                             hone_error *err) {
    static const char twice[] = "a pipe or a device cannot be read twice: give the rows as a regular file";
    if (column_short) {
        hone_dataset_free(*data);
        hone_dataset_free(*test);
        *data = *test = NULL;
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: rows of %d columns, the model's %d features alone, are read "
                 "a second time, every column a feature, and %s", source->path, model->inputs, model->inputs, twice);
    } else if (features_alone && err->field && !strcmp(err->field, "label")) {
        const size_t n = strnlen(err->message, sizeof err->message - 1);
        snprintf(err->message + n, sizeof err->message - n, "; rows of the model's %d features alone are read a "
                 "second time, every column a feature, and %s", model->inputs, twice);
    }
    model_layout_said(st, source, err);
    return st;
}

hone_status cli_load_for_model(const hone_data_source *source, const hone_model *model, int *features_alone,
                               hone_dataset **data, hone_dataset **test, hone_error *err) {
    hone_data_source by_index;
    hone_status st = load_as_model(&source, &by_index, data, test, !model, err);
    if (features_alone) *features_alone = 0;
    hone_dataset_format format;
    hone_error ignored;
    const bool by_name = label_by_name(&source->csv), models_name = label_of_model(source) && by_name;
    if (!model || (by_name && !models_name) || hone_dataset_format_of(source->path, &format, &ignored) ||
        format != HONE_DATASET_FORMAT_CSV) {
        model_layout_said(st, source, err);
        return st;
    }
    /* a column short of the model's features and a label, the label not found by the model's name:
     * the last column, read as the label, may be a feature (a file of the features alone) or the
     * label (a file a feature short). Scored, there is no telling, and the message says both; so
     * of T columns short, read as T target columns */
    const size_t t = label_count(&source->csv);
    const bool column_short = !st && !models_name && (*data)->d + t == (size_t)model->inputs;
    if (column_short && !features_alone) {
        width_message(err, source->path, (*data)->d + t, model->inputs, t);
        hone_dataset_free(*data);
        hone_dataset_free(*test);
        *data = *test = NULL;
        model_layout_said(HONE_ERR_FORMAT, source, err);
        return HONE_ERR_FORMAT;
    }
    /* read again, every column a feature: when the label column could not be read, or (features
     * alone wanted) when it left the model a feature short */
    if (!st && !column_short) return st;
    if (cli_in_place(source->path)) return read_once(source, model, features_alone, column_short, st, data, test, err);
    hone_data_source features = *source;
    features.csv.label_name = NULL;
    features.csv.label_index = HONE_CSV_NO_LABEL;
    features.csv.label_columns = NULL;
    features.csv.n_label_columns = 0;
    hone_dataset *all = NULL, *none = NULL;
    if (!hone_dataset_load_any(&all, &none, &features, &ignored) && all->d == (size_t)model->inputs) {
        if (features_alone) { /* the rows to predict on */
            hone_dataset_free(*data);
            hone_dataset_free(*test);
            *data = all;
            *test = none;
            *features_alone = 1;
            return HONE_OK;
        }
        err->code = st = HONE_ERR_FORMAT; /* the features alone: what predict reads, not what is scored */
        snprintf(err->message, sizeof err->message, "%s: rows have %d columns, the model's %d features, and no label "
                 "column%s to compare with", source->path, model->inputs, model->inputs, t > 1 ? "s" : "");
    } else if (st && all && all->d != (size_t)model->inputs + t) {
        width_message(err, source->path, all->d, model->inputs, t), st = HONE_ERR_FORMAT;
    }
    hone_dataset_free(all);
    hone_dataset_free(none);
    model_layout_said(st, source, err);
    return st;
}

hone_status cli_load_with_test(const hone_data_source *source, const hone_model *model, const char *test_path,
                               const char *test_labels, hone_dataset **data, hone_dataset **test, hone_error *err) {
    hone_status st = cli_load_for_model(source, model, NULL, data, test, err);
    if (st || !*test_path) return st;
    hone_dataset *extra = NULL;
    hone_data_source ts = *source, by_index;
    const hone_data_source *test_source = &ts;
    ts.path = test_path;
    ts.labels = *test_labels ? test_labels : NULL;
    hone_dataset_free(*test);
    *test = NULL;
    st = load_as_model(&test_source, &by_index, test, &extra, !model, err);
    model_layout_said(st, test_source, err);
    if (!st && extra) { /* an IDX directory's own test set, its t10k files: not its training files */
        hone_dataset_free(*test);
        *test = extra;
        extra = NULL;
    }
    if (!st && (*test)->d != (*data)->d) {
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: %zu features per row, and %s has %zu", test_path,
                 (*test)->d, source->path, (*data)->d);
    } else if (!st && !*test_labels && ((*data)->label || (*data)->target) && !(*test)->label && !(*test)->target) {
        /* an .npy or IDX images file has none of its own; the split's "the test set has none" named
         * neither the file nor the option */
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: the test set has no %s: give --test-labels FILE", test_path,
                 (*data)->label ? "labels" : "targets");
    } else if (!st && (*data)->label && (*test)->label && (*test)->n_classes > (*data)->n_classes) {
        /* the model is sized by the training classes; the split's message named neither file */
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: the test set has class %d, but the training labels (%s) go "
                 "up to %d", *test_labels ? test_labels : test_path, (*test)->n_classes - 1,
                 source->labels ? source->labels : source->path, (*data)->n_classes - 1);
    } else if (!st && (*data)->target && (*test)->target && (*test)->t != (*data)->t) {
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: %zu target%s per row, and the training targets (%s) have %zu",
                 *test_labels ? test_labels : test_path, (*test)->t, (*test)->t == 1 ? "" : "s",
                 source->labels ? source->labels : source->path, (*data)->t);
    } else if (!st && (*test)->height && (*data)->height &&
               ((*test)->height != (*data)->height || (*test)->width != (*data)->width)) {
        /* as many pixels, another shape (9 x 16 for 12 x 12, or width and height swapped): each
         * pixel would meet another's weights, scored without a word */
        err->code = st = HONE_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "%s: images of %zu x %zu pixels (height x width), and %s has "
                 "%zu x %zu", test_path, (*test)->height, (*test)->width, source->path, (*data)->height,
                 (*data)->width);
    } else if (!st && names_differ((const char *const *)(*data)->feature_names, (*data)->d, source->path, *test,
                                   test_path, err)) {
        st = HONE_ERR_FORMAT;
    }
    if (st) {
        hone_dataset_free(*test);
        hone_dataset_free(*data);
        *test = *data = NULL;
    }
    hone_dataset_free(extra);
    return st;
}
