/* cmd_inspect.c - hone inspect: per-layer statistics of a network on one batch, so vanishing or
 * exploding activations and gradients show at a glance. The network is a saved model or, without
 * one, the architecture options freshly initialized (to compare initializers). */
#include "data_options.h"
#include "model_build.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A statistic that applies is printed whatever it is (nan and inf included: the table shows where
 * values overflow); "-" means it does not. */
static void print_value(double v, int applies) {
    if (applies) printf(" %10.3g", isnan(v) ? NAN : v); /* "nan", not the "-nan" of a negative one */
    else printf(" %10s", "-");
}

/* What outputs that are all 0 predict, for a model's loss (hone_model_baseline_loss): for MSE,
 * each target's training mean where the model standardizes its targets, else 0 itself (a model
 * trained with --no-standardize-targets keeps mean 0 and std 1). */
static const char *baseline_text(const hone_model *m) {
    if (m->loss == HONE_LOSS_SOFTMAX_CE) return "every class alike";
    if (m->loss == HONE_LOSS_SIGMOID_CE) return "0.5 for every output";
    for (int o = 0; o < hone_model_outputs(m); o++)
        if (m->target_mean[o] != 0 || m->target_std[o] != 1) return "every target at its training mean";
    return "every output 0";
}

/* A fresh classifier whose data loss is this many times the baseline's starts with outputs far
 * from 0 (hone inspect warns): default initializations start at 1.0-1.4 times it, 50 layers of
 * 256 included. Not for MSE, where a fresh network's outputs of variance about 1 (the default)
 * add their variance to the baseline's 1 and double it. */
#define BASELINE_WARN_RATIO 2.0

/* Whether value lies in the object [base, base + size). */
static bool inside(const void *value, const void *base, size_t size) {
    const uintptr_t v = (uintptr_t)value, b = (uintptr_t)base;
    return v >= b && v < b + size;
}

/* What hone_model_load verified of the model's file: both checksums, one, or none (a file of a
 * hone that kept none, which loads unchecked). */
static const char *checksums_text(int verified) {
    switch (verified) {
    case HONE_CHECKSUM_DATA | HONE_CHECKSUM_METADATA: return "checksums of the data and metadata verified";
    case HONE_CHECKSUM_DATA: return "checksum of the data verified; the metadata has none";
    case HONE_CHECKSUM_METADATA: return "checksum of the metadata verified; the data has none";
    default: return "no checksums (written by an older hone): loaded unchecked";
    }
}

/* Where values stop being finite, in the order the pass meets the layers: the first layer whose
 * outputs are not (forward), or with gradients, the last layer with parameters whose gradient
 * is not (backward); -1 when all are. *all_beyond: every layer the pass meets after it (one at
 * least) is not finite either; a tanh or sigmoid of an infinity is finite again. */
static int overflow_start(const hone_model *m, const hone_layer_stats *s, bool gradients, bool *all_beyond) {
    int start = -1;
    bool any_beyond = false;
    *all_beyond = true;
    for (int i = 0; i < m->n_layers; i++) {
        const int l = gradients ? m->n_layers - 1 - i : i;
        if (gradients && !m->layers[l].n_params) continue;
        const bool finite = gradients ? isfinite(s[l].grad_norm) : isfinite(s[l].mean) && isfinite(s[l].std);
        if (start < 0 && !finite) start = l;
        else if (start >= 0) any_beyond = true, *all_beyond &= !finite;
    }
    *all_beyond = *all_beyond && any_beyond;
    return start;
}

/* With a model, the options that describe a network to build (the architecture's, a, and the
 * network's regularization, reg: dropout, batch norm) went unread: -1 (message printed) for the
 * first one given, as a flag or in [inspect]; a config's shared top-level keys are train's too. */
static int network_option(const cli_option *options, const cli_arch *a, const cli_regularize *reg) {
    for (const cli_option *o = options; o->name; o++)
        if ((inside(o->value, a, sizeof *a) || inside(o->value, reg, sizeof *reg)) && cli_given(o->value) &&
            !cli_given_shared(o->value)) {
            cli_error("inspect", "--%s describes a network to build, and a model has its own: give the model or the "
                                 "network's options", o->name);
            return -1;
        }
    return 0;
}

int cmd_inspect(int argc, char **argv) {
    cli_data d = CLI_DATA_DEFAULTS;
    cli_arch a = CLI_ARCH_DEFAULTS;
    cli_regularize reg = CLI_REGULARIZE_DEFAULTS;
    char model_path[CLI_TEXT_MAX] = "";
    int batch = 256, json = 0;
    uint64_t seed_bits = 1;
    cli_option options[] = {
        {"model", CLI_TEXT, model_path, "PATH", "a saved model (also the bare argument); without one, the options below"},
        CLI_DATA_OPTIONS(d),
        CLI_ARCH_OPTIONS(a),
        CLI_NETWORK_REGULARIZE_OPTIONS(reg),
        {"batch", CLI_INT, &batch, "N", "rows of the batch (drawn by --seed from all the data's rows, not a train split)"},
        {"seed", CLI_SEED, &seed_bits, "N", "seed for the batch and the initial weights"},
        {"json", CLI_FLAG, &json, NULL, "one JSON line per layer"},
        {0},
    };
    const cli_command cmd = {"inspect", "hone inspect [MODEL] [options]",
                             "Runs one batch forward and backward (training mode) and prints, for each layer,\n"
                             "the mean and standard deviation of its outputs, the fraction of dead ReLUs,\n"
                             "and the norms of its weights and weight gradient. With careful initialization\n"
                             "the standard deviation stays about constant from layer to layer. First, the\n"
                             "batch's loss beside the loss of outputs that are all 0 (every class alike: log C\n"
                             "for C classes), which a fresh network should start near; a fresh classifier at\n"
                             "more than twice it is warned of.",
                             options, "model"};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (cli_int_in("inspect", "--batch", batch, 1, 65536)) return CLI_EXIT_USAGE;
    if (*model_path && network_option(options, &a, &reg)) return CLI_EXIT_USAGE;
    hone_data_source source;
    if (cli_data_source("inspect", &d, &source)) return CLI_EXIT_USAGE;
    hone_error err = {0};
    hone_dataset *data = NULL, *test = NULL;
    hone_model *model = NULL;
    size_t *rows = NULL;
    hone_layer_stats *stats = NULL;
    int exit_code = CLI_EXIT_FAIL;
    /* a saved model first: it says how to read the data (targets or labels) */
    if (*model_path && hone_model_load(&model, model_path, &err)) {
        cli_error("inspect", "%s", err.message);
        goto done;
    }
    if (model && cli_data_for_model("inspect", &d, model, model_path, &source)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    if (cli_load_for_model(&source, model, NULL, &data, &test, &err)) {
        cli_error("inspect", "%s", err.message);
        goto done;
    }
    hone_rng rng;
    hone_rng_seed(&rng, seed_bits);
    rows = malloc(data->n * sizeof *rows);
    if (!rows) {
        cli_error("inspect", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < data->n; i++) rows[i] = i;
    hone_rng_shuffle(&rng, rows, data->n);
    int B = batch < (int)data->n ? batch : (int)data->n;
    if (model) {
        if (cli_data_fits("inspect", model, data, d.data, cli_truth_path(&d))) goto done;
    } else {
        cli_arch_spec arch;
        float keep[CLI_MAX_HIDDEN];
        if (cli_data_answers("inspect", data, &source) ||
            cli_arch_resolve("inspect", &a, data->label != NULL, data->n_classes, &arch) ||
            cli_residual_blocks("inspect", &a, &arch) ||
            cli_regularize_network("inspect", &reg, arch.n_hidden, keep)) {
            exit_code = CLI_EXIT_USAGE;
            goto done;
        }
        cli_arch_warn("inspect", &a);
        cli_regularize_warn("inspect", &reg, 1);
        int outputs = cli_arch_outputs(&arch, data->n_classes, data->t);
        hone_view all = {data, rows, data->n < 10000 ? data->n : 10000};
        if (cli_model_build(&model, (int)data->d, outputs, &a, &arch, &reg, keep, &err) ||
            hone_model_init(model, (hone_init_kind)arch.init, a.init_scale, &rng, &err) ||
            hone_model_standardize_fit(model, &all, &err)) {
            cli_error("inspect", "%s", err.message);
            goto done;
        }
        if (a.residual && a.zero_residual) hone_model_zero_residual_branches(model);
    }
    /* batch norm over one row outputs its beta, whatever the input: train refuses such batches,
     * and the statistics of one (an output loss of exactly log C) told nothing of the network */
    for (int l = 0; l < model->n_layers && B == 1; l++)
        if (model->layers[l].kind == HONE_LAYER_BATCHNORM) {
            cli_error("inspect", "batch norm needs a batch of 2 rows or more: over one row it outputs its beta, whatever "
                                 "the input (%s)", batch == 1 ? "--batch 1" : "the data has one row");
            exit_code = batch == 1 ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
            goto done;
        }
    stats = calloc((size_t)model->n_layers, sizeof *stats);
    if (!stats || hone_model_reserve(model, B, &err)) {
        cli_error("inspect", "%s", stats ? err.message : "out of memory");
        goto done;
    }
    hone_model_gather(model, model->batch_x, model->batch_y, data, rows, B);
    model->training = 1;
    hone_model_forward(model, model->batch_x, B);
    const double data_loss = hone_model_data_loss(model, model->batch_y, B);
    const double loss = data_loss + hone_model_penalty(model, B); /* hone_model_loss */
    const double baseline = hone_model_baseline_loss(model, model->batch_y, B);
    hone_model_zero_grad(model);
    hone_model_backward(model, model->batch_x, B);
    model->training = 0;
    hone_model_layer_stats(model, B, NULL, stats);
    if (!json) {
        if (*model_path) printf("%s: %s\n", model_path, checksums_text(model->checksums));
        if (*model_path && model->image_height) /* the images it runs on (cli_data_fits) */
            printf("%s: trained on images of %d x %d pixels (height x width)\n", model_path, model->image_height,
                   model->image_width);
        printf("batch of %d row%s, loss %s (%s: %s)\n%5s %-10s %10s %10s %10s %10s %10s\n", B, B == 1 ? "" : "s",
               cli_loss_text((char[CLI_LOSS_TEXT]){0}, loss), baseline_text(model),
               cli_loss_text((char[CLI_LOSS_TEXT]){0}, baseline), "layer", "kind", "mean", "std", "dead", "|W|", "|dW|");
    }
    for (int l = 0; l < model->n_layers; l++) {
        const hone_layer_stats *s = &stats[l];
        if (json) {
            printf("{\"layer\": %d, \"kind\": \"%s\", ", l, hone_layer_kind_name(s->kind));
            cli_json_number(stdout, "mean", s->mean, 1);
            cli_json_number(stdout, "std", s->std, 1);
            cli_json_number(stdout, "dead_fraction", s->dead_fraction, 1);
            cli_json_number(stdout, "weight_norm", s->weight_norm, 1);
            cli_json_number(stdout, "grad_norm", s->grad_norm, 1);
            printf("\"batch_rows\": %d, ", B);
            cli_json_number(stdout, "batch_loss", loss, 1);
            cli_json_number(stdout, "baseline_loss", baseline, 0);
            printf("}\n");
            continue;
        }
        const int relu_like = s->kind == HONE_LAYER_RELU || s->kind == HONE_LAYER_LEAKY_RELU;
        const int has_weights = model->layers[l].n_params > 0;
        printf("%5d %-10s", l, hone_layer_kind_name(s->kind));
        print_value(s->mean, 1);
        print_value(s->std, 1);
        print_value(s->dead_fraction, relu_like);
        print_value(s->weight_norm, has_weights);
        print_value(s->grad_norm, has_weights);
        printf("\n");
    }
    /* Values that overflow are what inspect is there to show (the exploding activations of a
     * deep network's bad initialization), so the table has them and the exit is 0; but a nan in it
     * is said once, where it starts, so that no one reads it as a figure. */
    const char *at = *model_path ? ": " : "";
    bool all_beyond;
    const int first = overflow_start(model, stats, false, &all_beyond);
    if (first >= 0)
        fprintf(stderr, "hone inspect: warning: %s%sthe outputs of layer %d (%s) are not finite%s: the network's values "
                        "overflow " HONE_REAL_NAME " (weights or inputs too large)\n", model_path, at, first,
                hone_layer_kind_name(stats[first].kind), all_beyond ? ", nor any after" : "");
    else if (!isfinite(loss)) /* from finite outputs and targets only its penalty can overflow (a double) */
        fprintf(stderr, "hone inspect: warning: %s%sthe loss on the batch is not finite: its L2/L1 penalty overflows "
                        "(--l2 %g, --l1 %g)\n", model_path, at, reg.l2, reg.l1);
    else {
        /* the forward pass finite, the backward one may still overflow (a gradient of 1e37 times
         * an activation of 1e18) */
        const int last = overflow_start(model, stats, true, &all_beyond);
        if (last >= 0)
            fprintf(stderr, "hone inspect: warning: %s%sthe gradients of layer %d (%s) are not finite%s: the backward "
                            "pass overflows " HONE_REAL_NAME " (weights or inputs too large)\n", model_path, at, last,
                    hone_layer_kind_name(stats[last].kind), all_beyond ? ", nor any before" : "");
        /* a fresh classifier should start near the loss of outputs that are all 0 */
        if (!*model_path && model->loss != HONE_LOSS_MSE && baseline > 0 && data_loss > BASELINE_WARN_RATIO * baseline)
            fprintf(stderr, "hone inspect: warning: the data loss on the batch, %s, is %.3g times that of %s (%s): the "
                            "network's outputs start large, and its first steps go to shrinking them; smaller initial "
                            "weights (--weight-init, --init-scale) or --batchnorm start it near %s\n",
                    cli_loss_text((char[CLI_LOSS_TEXT]){0}, data_loss), data_loss / baseline, baseline_text(model),
                    cli_loss_text((char[CLI_LOSS_TEXT]){0}, baseline), cli_loss_text((char[CLI_LOSS_TEXT]){0}, baseline));
    }
    exit_code = CLI_EXIT_OK;
done:
    free(rows);
    free(stats);
    hone_model_free(model);
    hone_dataset_free(data);
    hone_dataset_free(test);
    return exit_code;
}
