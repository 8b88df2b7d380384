/* option_reads.c - which of train's options a run reads only under another option's value: the
 * one list that tune (which refuses to search an option no trial would read) and --resume (which
 * lets an option neither run read differ from the checkpoint's) go by. train's own warnings of an
 * unread optimizer or schedule setting ask the library, as this does. */
#include "option_reads.h"

#include "cli.h"
#include "hone.h"

#include <stdlib.h>
#include <string.h>

/* The options read under the value of another, besides the optimizer's and the schedule's settings */
static const struct {
    const char *option, *by[2];
} read_under[] = {
    {"alpha", {"activation"}},        {"bn-momentum", {"batchnorm"}},
    {"min-delta", {"early-stop"}},    {"early-stop-metric", {"early-stop"}},
    {"decay-bias", {"l2", "l1"}}, /* the biases take the penalty, if there is one */
    {"standardize-targets", {"loss"}},
};

/* The library's name of an optimizer or schedule setting, of its option's: "weight-decay" is
 * "weight_decay", "decay-rate" "rate", "momentum-form" "momentum_ewma"; NULL when the option is
 * none of theirs. epochs, which cosine reads as the run's length, every run reads. */
static const char *setting_of(const char *option, char *buf, size_t cap) {
    static const char *const named[][2] = {{"decay-rate", "rate"}, {"momentum-form", "momentum_ewma"}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (!strcmp(option, named[i][0])) return named[i][1];
    if (!strcmp(option, "epochs") || strlen(option) >= cap) return NULL;
    for (size_t i = 0;; i++)
        if (!(buf[i] = option[i] == '-' ? '_' : option[i])) break;
    return hone_optimizer_reads(HONE_OPTIMIZER_SGD, buf) >= 0 || hone_schedule_reads(HONE_SCHEDULE_CONSTANT, buf) >= 0
               ? buf
               : NULL;
}

/* cli_option_deciders, and the option's library setting (in buf) or NULL */
static int deciders_and_setting(const char *option, const char *by[2], char *buf, size_t cap, const char **setting) {
    by[0] = by[1] = NULL;
    *setting = setting_of(option, buf, cap);
    if (*setting) {
        by[0] = hone_optimizer_reads(HONE_OPTIMIZER_SGD, *setting) >= 0 ? "optimizer" : "schedule";
        return 1;
    }
    for (size_t i = 0; i < sizeof read_under / sizeof *read_under; i++)
        if (!strcmp(option, read_under[i].option)) {
            by[0] = read_under[i].by[0];
            by[1] = read_under[i].by[1];
            return by[1] ? 2 : 1;
        }
    return 0;
}

int cli_option_deciders(const char *option, const char *by[2]) {
    char buf[64];
    const char *setting;
    return deciders_and_setting(option, by, buf, sizeof buf, &setting);
}

/* Whether value, of the option by, has a run read option (whose library setting, if any, is setting) */
static bool value_reads(const char *by, const char *setting, const char *value) {
    if (!value) return true;
    if (!strcmp(by, "activation")) {
        const int kind = hone_layer_kind_parse(value);
        return !kind || kind == HONE_LAYER_LEAKY_RELU;
    }
    if (!strcmp(by, "batchnorm")) return cli_flag_value(value) != 0;
    if (!strcmp(by, "loss")) { /* "auto" is mse for targets */
        const int kind = hone_loss_kind_parse(value);
        return !kind || kind == HONE_LOSS_MSE;
    }
    if (!strcmp(by, "optimizer")) {
        const int kind = hone_optimizer_kind_parse(value);
        return !kind || hone_optimizer_reads((hone_optimizer_kind)kind, setting) == 1;
    }
    if (!strcmp(by, "schedule")) {
        const int kind = hone_schedule_kind_parse(value);
        return kind < 0 || hone_schedule_reads((hone_schedule_kind)kind, setting) == 1;
    }
    char *end; /* early-stop, l2, l1: on unless 0 */
    const double x = strtod(value, &end);
    return end == value || *end || x != 0;
}

bool cli_option_read(const char *option, const char *(*value_of)(const char *by, void *ctx), void *ctx) {
    const char *by[2], *setting;
    char buf[64];
    const int n = deciders_and_setting(option, by, buf, sizeof buf, &setting);
    for (int k = 0; k < n; k++)
        if (value_reads(by[k], setting, value_of(by[k], ctx))) return true;
    return n == 0;
}
