#!/usr/bin/env bash
# BENCHMARKS.md, regularization: a large network (784-1024-1024-10) on 3,000 Fashion-MNIST rows
# for 40 epochs, without regularization, with L2, with dropout and with both; train accuracy, dev
# accuracy (10,000 rows) and the gap. Accuracy does not depend on machine load.
#   bench/overfit.sh
set -u
cd "$(dirname "$0")/.."
make -s build/hone || exit 1
echo "| regularization | train accuracy | dev accuracy | train - dev gap | test accuracy |"
echo "|---|---|---|---|---|"
run() { # LABEL OPTIONS...
    local label=$1; shift
    local line; line=$(build/hone train --layers 1024,1024 --train-rows 3000 --epochs 40 --seed 7 --json --quiet "$@" 2>/dev/null | tail -1)
    awk -v label="$label" -v line="$line" 'BEGIN {
        n = split(line, kv, /[,{}]/)
        for (i = 1; i <= n; i++) { split(kv[i], p, /: /); gsub(/[" ]/, "", p[1]); v[p[1]] = p[2] }
        printf "| %s | %.4f | %.4f | %.4f | %.4f |\n", label, v["train_acc"], v["dev_acc"], v["train_acc"] - v["dev_acc"], v["test_acc"] }'
}
run "none"
run "L2 (lambda 2)" --l2 2
run "dropout (keep 0.5)" --keep-prob 0.5
run "L2 + dropout" --l2 2 --keep-prob 0.5
