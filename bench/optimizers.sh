#!/usr/bin/env bash
# BENCHMARKS.md, optimizers: epochs and training seconds until dev accuracy first reaches 88% on
# Fashion-MNIST with the default network (784-512-256-10, batch 128), for each optimizer at a
# sensible learning rate, and for Adam with and without decay. Run on an idle machine.
#   bench/optimizers.sh [MAX_EPOCHS]
set -u
cd "$(dirname "$0")/.."
max=${1:-20}
target=0.88
make -s build/hone || exit 1
mkdir -p bench/out
echo "| optimizer | learning rate | schedule | epochs to 88% dev | training seconds to 88% | best dev accuracy ($max epochs) |"
echo "|---|---|---|---|---|---|"
run() { # LABEL LR SCHEDULE OPTIONS...
    local label=$1 lr=$2 schedule=$3; shift 3
    local m=bench/out/opt-$label.csv
    build/hone train --epochs "$max" --lr "$lr" --schedule "$schedule" --threads 2 --metrics "$m" --quiet "$@" >/dev/null 2>&1
    awk -F, -v t=$target -v label="$label" -v lr="$lr" -v s="$schedule" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { secs += $col["seconds"]; acc = $col["dev_acc"]; if (acc > best) best = acc
          if (!hit && acc >= t) { hit = $col["epoch"]; at = secs } }
        END { printf "| %s | %s | %s | %s | %s | %.4f |\n", label, lr, s, hit ? hit : "not in " NR - 1, hit ? sprintf("%.1f", at) : "-", best }' "$m"
}
run sgd 0.1 constant --optimizer sgd
run momentum 0.1 constant --optimizer momentum
run rmsprop 0.0003 constant --optimizer rmsprop
run adam 0.001 constant --optimizer adam
run adam-decay 0.001 cosine --optimizer adam
run adam-exp-decay 0.001 exponential --optimizer adam --decay-rate 0.8
