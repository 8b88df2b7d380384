/* cmd_gradcheck.c - hone gradcheck: backprop against two-sided differences on a real data sample.
 * This file is compiled in the double build (hone_real is double) and linked beside the float
 * library: finite differences need the precision. */
#include "data_options.h"
#include "model_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *band(hone_gradcheck_verdict v) {
    switch (v) {
    case HONE_GRADCHECK_GOOD: return "good (< 1e-7)";
    case HONE_GRADCHECK_OK: return "ok (< 1e-5; in double precision, check for ReLU kinks)";
    case HONE_GRADCHECK_LOOK: return "worth a look (< 1e-3)";
    case HONE_GRADCHECK_BUG: return "almost certainly a bug (> 1e-3)";
    }
    return "";
}

/* What the two-sided difference meets at a ReLU kink, said once under the layers. */
#define KINK_WHY "a ReLU input crosses 0 between w - eps and w + eps, where the difference is not the derivative"

/* Whether nothing of `checked` values could be judged: every one straddled a kink. */
static bool unjudged(size_t checked, size_t kinks) { return checked > 0 && kinks == checked; }

/* A layer's verdict, or "not judged" when every checked value straddled a kink. */
static const char *layer_verdict(const hone_gradcheck_layer *r) {
    if (unjudged(r->checked, r->kinks)) return "not judged";
    return hone_gradcheck_verdict_name(hone_gradcheck_verdict_of(r->rel_error));
}

static void print_json(const hone_gradcheck_report *rep, int B, double eps) {
    printf("{\"command\": \"gradcheck\", \"samples\": %d, \"eps\": %g, \"checked\": %zu, ", B, eps, rep->checked);
    printf("\"dropout\": \"%s\", \"batchnorm\": \"%s\", ", rep->dropout_masks_fixed ? "masks fixed" : "none",
           rep->batchnorm_training ? "training mode" : "none");
    /* a rel_error that is NaN (a loss or gradient not finite) is null: JSON has no NaN */
    printf("\"kinks\": %zu, ", rep->kinks);
    cli_json_number(stdout, "rel_error", rep->rel_error, 1);
    printf("\"verdict\": \"%s\", \"layers\": [",
           unjudged(rep->checked, rep->kinks) ? "not judged" : hone_gradcheck_verdict_name(rep->verdict));
    for (int k = 0; k < rep->n_layers; k++) {
        const hone_gradcheck_layer *r = &rep->layers[k];
        printf("%s{\"layer\": %d, \"checked\": %zu, ", k ? ", " : "", r->layer, r->checked);
        cli_json_number(stdout, "rel_error", unjudged(r->checked, r->kinks) ? NAN : r->rel_error, 1); /* none judged: null */
        printf("\"kinks\": %zu, \"verdict\": \"%s\"}", r->kinks, layer_verdict(r));
    }
    printf("]}\n");
}

/* One line a layer: its errors over the values judged, then how many straddled a kink. */
static void print_layer(const hone_model *model, const hone_gradcheck_layer *r) {
    printf("  layer %2d %-8s %9zu params  ", r->layer, hone_layer_kind_name(model->layers[r->layer].kind), r->checked);
    if (unjudged(r->checked, r->kinks)) {
        printf("could not be judged: all %zu straddle a ReLU kink\n", r->checked);
        return;
    }
    printf("rel error %.2e  max |diff| %.2e  %s", r->rel_error, r->max_abs_diff, layer_verdict(r));
    if (r->kinks) printf("  (%zu of %zu straddle a ReLU kink, not judged)", r->kinks, r->checked);
    printf("\n");
}

static void print_overall(const hone_gradcheck_report *rep) {
    if (unjudged(rep->checked, rep->kinks)) {
        printf("  overall           %9zu params  could not be judged: every checked value straddles a ReLU kink\n    (%s)\n",
               rep->checked, KINK_WHY);
        return;
    }
    /* the verdict is the worst judged layer's when that is worse than the overall error's */
    const bool by_layer = rep->verdict != hone_gradcheck_verdict_of(rep->rel_error);
    printf("  overall           %9zu params  rel error %.2e: %s%s\n", rep->checked, rep->rel_error, band(rep->verdict),
           by_layer ? ", in a layer above" : "");
    if (isnan(rep->rel_error))
        printf("  a loss, a gradient or a sum of their squares is not finite: the weights or inputs are too large "
               "for double\n");
    if (rep->kinks)
        printf("  %zu of %zu checked values straddle a ReLU kink and were not judged\n    (%s)\n", rep->kinks,
               rep->checked, KINK_WHY);
}

int cmd_gradcheck(int argc, char **argv) {
    cli_data d = CLI_DATA_DEFAULTS;
    /* the default network but small (every parameter is perturbed twice), and residual branches
     * keep their drawn weights (see the --zero-residual check below) */
    cli_arch a = CLI_ARCH_DEFAULTS;
    snprintf(a.layers, sizeof a.layers, "16");
    a.zero_residual = 0;
    cli_regularize reg = CLI_REGULARIZE_DEFAULTS;
    int samples = 8, json = 0;
    double eps = 1e-6, max_per_layer = 0;
    uint64_t seed_bits = 1;
    cli_option options[] = {
        CLI_DATA_OPTIONS(d),
        CLI_ARCH_OPTIONS(a),
        CLI_NETWORK_REGULARIZE_OPTIONS(reg),
        {"samples", CLI_INT, &samples, "N", "rows of the data to check on (chosen by --seed)"},
        {"eps", CLI_REAL, &eps, "X", "perturbation of each parameter, in [1e-10, 1)"},
        {"max-per-layer", CLI_REAL, &max_per_layer, "N", "check N random parameters per layer (0: all)"},
        {"seed", CLI_SEED, &seed_bits, "N", "seed for the rows, the weights and the sampled parameters"},
        {"json", CLI_FLAG, &json, NULL, "print one JSON result line"},
        {0},
    };
    const cli_command cmd = {"gradcheck", "hone gradcheck [options]",
                             "Builds the network, draws its weights, and compares every gradient that\n"
                             "backprop gives with (L(w + eps) - L(w - eps)) / 2 eps, in double precision.\n"
                             "Relative error ||g_approx - g|| / (||g_approx|| + ||g||): below 1e-7 good,\n"
                             "up to 1e-5 ok (in double, look for ReLU kinks), up to 1e-3 worth a look,\n"
                             "above 1e-3 almost certainly a bug.\n"
                             "A value whose w - eps and w + eps put some ReLU (or leaky ReLU) input on\n"
                             "different sides of 0 straddles the kink, where the difference is not the\n"
                             "derivative: it is counted ('N of M straddle a ReLU kink') and not judged,\n"
                             "and its layer is judged on the rest (or could not be judged, if none is\n"
                             "left). A dead layer leaves the next one's pre-activations on its biases,\n"
                             "0 at init: exactly on the kink. Exits 1 when what was judged is above 1e-5.\n"
                             "With --residual, branches keep their drawn weights: --zero-residual is refused.",
                             options, NULL};
    int rc = cli_parse(&cmd, argc, argv);
    if (rc) return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (cli_int_in("gradcheck", "--samples", samples, 1, 4096)) return CLI_EXIT_USAGE;
    /* the two losses differ by about 2 eps g, and each is rounded to about 1e-16 of itself: the
     * difference's relative error is about 3e-16 / eps (measured), so below 1e-10 a correct gradient's
     * exceeds 1e-5, where gradcheck exits 1 (at 1e-300, w + eps is w, and every layer read as a bug) */
    if (!(eps >= 1e-10 && eps < 1)) {
        cli_error("gradcheck", "--eps must be in [1e-10, 1), got %g%s", eps,
                  eps > 0 && eps < 1e-10 ? ": below 1e-10, the rounding of the losses in double precision alone puts "
                                           "a correct gradient's error above 1e-5" : "");
        return CLI_EXIT_USAGE;
    }
    if (a.zero_residual) {
        /* a zero branch makes a block's sum x + F(x) equal x, which is exactly 0 wherever the
         * ReLU before it is off: the kink, where a two-sided difference is not the derivative
         * (applying it gave a relative error of 1.7e-1 on 8,8,8 --residual, a false "bug"), and
         * the branch's other weights get no gradient; so it is refused rather than applied */
        cli_error("gradcheck", "--zero-residual puts every block's sum on ReLU's kink (x + 0 = x, and x is 0 for every "
                               "unit ReLU turned off), where two-sided differences are not derivatives; check without it");
        return CLI_EXIT_USAGE;
    }
    if (!(max_per_layer >= 0 && max_per_layer == floor(max_per_layer))) {
        cli_error("gradcheck", "--max-per-layer takes a non-negative integer");
        return CLI_EXIT_USAGE;
    }
    hone_data_source source;
    if (cli_data_source("gradcheck", &d, &source)) return CLI_EXIT_USAGE;
    hone_error err = {0};
    hone_dataset *data = NULL, *test = NULL;
    hone_model *model = NULL;
    size_t *rows = NULL;
    hone_real *X = NULL, *Y = NULL;
    int exit_code = CLI_EXIT_FAIL;
    if (cli_load_any(&source, &data, &test, 1, 1, &err)) {
        cli_error("gradcheck", "%s", err.message);
        goto done;
    }
    if (cli_data_answers("gradcheck", data, &source)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    cli_arch_spec arch;
    if (cli_arch_resolve("gradcheck", &a, data->label != NULL, data->n_classes, &arch) ||
        cli_residual_blocks("gradcheck", &a, &arch)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    int outputs = cli_arch_outputs(&arch, data->n_classes, data->t);
    float keep[CLI_MAX_HIDDEN];
    if (cli_regularize_network("gradcheck", &reg, arch.n_hidden, keep)) {
        exit_code = CLI_EXIT_USAGE;
        goto done;
    }
    cli_arch_warn("gradcheck", &a);
    cli_regularize_warn("gradcheck", &reg, 1);
    if (cli_model_build(&model, (int)data->d, outputs, &a, &arch, &reg, keep, &err)) {
        cli_error("gradcheck", "%s", err.message);
        goto done;
    }
    int B = samples < (int)data->n ? samples : (int)data->n;
    rows = malloc(data->n * sizeof *rows);
    X = malloc((size_t)B * data->d * sizeof *X);
    Y = malloc((size_t)B * outputs * sizeof *Y);
    if (!rows || !X || !Y) {
        cli_error("gradcheck", "out of memory");
        goto done;
    }
    hone_rng rng;
    hone_rng_seed(&rng, seed_bits);
    for (size_t i = 0; i < data->n; i++) rows[i] = i;
    hone_rng_shuffle(&rng, rows, data->n);
    hone_view sample = {data, rows, (size_t)B};
    if (hone_model_init(model, arch.init, a.init_scale, &rng, &err) ||
        hone_model_standardize_fit(model, &sample, &err)) {
        cli_error("gradcheck", "%s", err.message);
        goto done;
    }
    hone_model_gather(model, X, Y, data, rows, B);
    hone_gradcheck_report rep;
    if (hone_model_gradcheck(model, X, Y, B, eps, (size_t)max_per_layer, &rng, &rep, &err)) {
        cli_error("gradcheck", "%s", err.message);
        goto done;
    }
    if (json) {
        print_json(&rep, B, eps);
    } else {
        printf("gradcheck: %zu-%s%s%d %s, %s loss, %d samples, eps %g, double precision\n", data->d, a.layers,
               *a.layers ? "-" : "", outputs, hone_layer_kind_name(arch.activation), hone_loss_kind_name(arch.loss),
               B, eps);
        if (model->l2 > 0 || model->l1 > 0) printf("  the loss includes the penalty (l2 %g, l1 %g)\n", model->l2, model->l1);
        if (rep.dropout_masks_fixed) printf("  dropout: training mode, one set of masks drawn and held fixed\n");
        if (rep.batchnorm_training) printf("  batch norm: training mode (batch statistics)\n");
        for (int k = 0; k < rep.n_layers; k++) print_layer(model, &rep.layers[k]);
        print_overall(&rep);
    }
    /* values at a kink were left out of rep's verdict: only what was judged can fail */
    exit_code = rep.verdict >= HONE_GRADCHECK_LOOK ? CLI_EXIT_FAIL : CLI_EXIT_OK;
done:
    free(rows);
    free(X);
    free(Y);
    hone_model_free(model);
    hone_dataset_free(data);
    hone_dataset_free(test);
    return exit_code;
}
