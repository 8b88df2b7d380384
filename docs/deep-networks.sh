#!/usr/bin/env bash
# The table of docs/deep-networks.md: a 50-layer ReLU network of width 256 on Fashion-MNIST under
# four initializations, then with batch norm and with residual blocks (51 layers: the first, then
# 25 blocks of two). For each: the standard
# deviation of the activations after hidden layers 1, 10, 25 and 50 at initialization (one batch
# of 256 rows, training mode), the weight-gradient norms of the first and last layers after that
# batch, and dev accuracy after one epoch of the default recipe (Adam, cosine decay).
#   docs/deep-networks.sh [HONE]      (prints markdown rows)
set -u
hone=${1:-build/hone}
row() { # NAME LAYERS OPTIONS...  (ONLY=pattern runs just the rows whose name matches)
    local name=$1 layers=$2; shift 2
    [[ -z "${ONLY:-}" || "$name" == *${ONLY}* ]] || return 0
    local stats; stats=$("$hone" inspect --layers "$layers" "$@" --batch 256 --seed 1 --json) || { echo "| $name | inspect failed |"; return; }
    # the k-th activation (relu) layer is hidden layer k's output
    local stds; stds=$(grep '"kind": "relu"' <<<"$stats" | sed -n 's/.*"std": \([^,]*\),.*/\1/p' | sed -n '1p;10p;25p;50p' | tr '\n' ' ')
    local first last
    first=$(grep '"kind": "dense"' <<<"$stats" | head -1 | sed -n 's/.*"grad_norm": \([^,}]*\).*/\1/p')
    last=$(grep '"kind": "dense"' <<<"$stats" | tail -1 | sed -n 's/.*"grad_norm": \([^,}]*\).*/\1/p')
    local result acc rc
    result=$("$hone" train --layers "$layers" "$@" --epochs 1 --seed 1 --json --quiet 2>&1); rc=$?
    acc=$(tail -1 <<<"$result" | sed -n 's/.*"dev_acc": \([^,]*\),.*/\1/p')
    if [ $rc -eq 3 ]; then acc="diverged"
    elif [ $rc -ne 0 ] || [ -z "$acc" ]; then acc="train failed (exit $rc): $(tail -1 <<<"$result")"; fi
    read -r s1 s10 s25 s50 <<<"$stds"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$s1" "$s10" "$s25" "$s50" "$first" "$last" "$acc"
}
echo "| network, initialization | std layer 1 | std layer 10 | std layer 25 | std layer 50 | first-layer grad norm | last-layer grad norm | dev accuracy, 1 epoch |"
echo "|---|---|---|---|---|---|---|---|"
row "plain, N(0, 1)" 256x50 --weight-init normal --init-scale 1
row "plain, N(0, 0.01^2)" 256x50 --weight-init normal --init-scale 0.01
row "plain, Xavier normal" 256x50 --weight-init xavier_normal
row "plain, He" 256x50 --weight-init he
row "batch norm, N(0, 0.01^2)" 256x50 --weight-init normal --init-scale 0.01 --batchnorm
row "batch norm, He" 256x50 --weight-init he --batchnorm
# residual: the first hidden layer, then 25 blocks of two (--residual pairs the layers after the first)
row "residual, He, branches from He" 256x51 --weight-init he --residual --no-zero-residual
row "residual, He, zeroed branches" 256x51 --weight-init he --residual
row "residual + batch norm, He, branches from He" 256x51 --weight-init he --residual --batchnorm --no-zero-residual
row "residual + batch norm, He, zeroed branches" 256x51 --weight-init he --residual --batchnorm
