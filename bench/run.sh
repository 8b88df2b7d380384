#!/usr/bin/env bash
# make bench: hone and the peer trainers of ../shared/bench on the same job (MLP 784-512-256-10,
# Fashion-MNIST, 60,000 training rows, batch 128), one after another, then ratios.
# Run it on an idle machine: a second process halves every figure on 2 cores.
#   EPOCHS=1 THREADS=2 bench/run.sh          (./setup.sh --peers installs the peers)
set -u
cd "$(dirname "$0")/.."
epochs=${EPOCHS:-1}
threads=${THREADS:-2}
peers=${PEERS:-../shared/bench}
py=/usr/bin/python3
out=bench/out
mkdir -p "$out"

timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%M" -o "$out/rss")

field() { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }

names=() rates=() accs=() rss=()
run() { # NAME CMD...: runs a trainer that prints one JSON line
    local name=$1; shift
    rm -f "$out/rss"
    local line
    line=$("${timer[@]}" "$@" 2>"$out/stderr" | tail -1)
    local rate; rate=$(field "$line" samples_per_s)
    if [ -z "$rate" ]; then
        echo "bench: $name did not run: $(tail -2 "$out/stderr")" >&2
        return
    fi
    names+=("$name"); rates+=("$rate"); accs+=("$(field "$line" test_acc)")
    rss+=("$([ -s "$out/rss" ] && echo "$(( $(cat "$out/rss") / 1024 )) MB" || echo "n/a")")
}

make -s build/hone || exit 1
export OPENBLAS_NUM_THREADS=$threads
run "hone (sgd, fp32)" build/hone train --epochs "$epochs" --dev 0 --batch 128 --lr 0.05 --threads "$threads" --json
if [ -x $py ] && $py -c "import torch" 2>/dev/null; then
    run "pytorch (adam)" $py "$peers/torch_mlp.py" --epochs "$epochs" --threads "$threads"
else echo "bench: PyTorch missing (./setup.sh --peers)" >&2; fi
if [ -x $py ] && $py -c "import sklearn" 2>/dev/null; then
    run "scikit-learn (adam)" $py "$peers/sklearn_mlp.py" --epochs "$epochs"
else echo "bench: scikit-learn missing (./setup.sh --peers)" >&2; fi
if [ -f /usr/include/fann.h ]; then
    cc -O2 "$peers/fann_mlp.c" -o "$out/fann_mlp" -lfloatfann -lz -lm && run "fann (incremental)" "$out/fann_mlp" "$epochs" incremental
else echo "bench: FANN missing (./setup.sh --peers)" >&2; fi

echo "job: MLP 784-512-256-10 on Fashion-MNIST, 60000 training rows, batch 128, $epochs epoch(s), $threads threads, $(nproc) cores"
printf '%-22s %12s %10s %10s %14s\n' trainer samples/s test_acc peak_rss "hone/trainer"
for i in "${!names[@]}"; do
    ratio=$(awk -v h="${rates[0]}" -v r="${rates[$i]}" 'BEGIN { printf "%.2f", h / r }')
    printf '%-22s %12.0f %10s %10s %14s\n' "${names[$i]}" "${rates[$i]}" "${accs[$i]}" "${rss[$i]}" "${ratio}x"
done
