#!/usr/bin/env bash
# make bench: hone and the peer trainers of ../shared/bench on one job (MLP 784-512-256-10,
# Fashion-MNIST, 60,000 training rows, batch 128), one after another in one run, then ratios.
# Run it on an idle machine: a second process halves every figure on 2 cores.
#   EPOCHS=1 THREADS=2 REPEAT=3 bench/run.sh   (./setup.sh --peers installs the peers)
# Each trainer runs REPEAT times in turn and the median samples/s is reported: on a shared
# virtual machine single runs vary by 20%.
# The GEMM ceiling is hone bench: the matrix products of one training step timed alone, each
# at its best of 50 runs; the same products at their median time are shown too: a typical run
# rather than the luckiest. Last, build/step-phases times whole training steps each right after
# the step's products alone: both see the same spells of noise, so the share of a step that is
# its products holds where the trainers' figures swing.
set -u
cd "$(dirname "$0")/.."
epochs=${EPOCHS:-1}
threads=${THREADS:-2}
repeat=${REPEAT:-3}
peers=${PEERS:-../shared/bench}
py=/usr/bin/python3
out=bench/out
mkdir -p "$out"

timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%M" -o "$out/rss")

field() { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }

names=() rates=() accs=() rss=()
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
run() { # NAME CMD...: runs a trainer that prints one JSON line, REPEAT times
    local name=$1; shift
    local line rate all="" peak=0
    for ((k = 0; k < repeat; k++)); do
        rm -f "$out/rss"
        line=$("${timer[@]}" "$@" 2>"$out/stderr" | tail -1)
        rate=$(field "$line" samples_per_s)
        if [ -z "$rate" ]; then
            echo "bench: $name did not run: $(tail -2 "$out/stderr")" >&2
            return
        fi
        all="$all $rate"
        [ -s "$out/rss" ] && [ "$(cat "$out/rss")" -gt "$peak" ] && peak=$(cat "$out/rss")
    done
    names+=("$name"); rates+=("$(median <<<"$all")"); accs+=("$(field "$line" test_acc)")
    rss+=("$([ "$peak" -gt 0 ] && echo "$((peak / 1024)) MB" || echo "n/a")")
    echo "bench: $name:$all samples/s" >&2
}
rate_of() { for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && echo "${rates[$i]}"; done; }
ratio() { local a b; a=$(rate_of "$1"); b=$(rate_of "$2"); [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", a / b }' || echo "n/a"; }

make -s build/hone build/step-phases || exit 1
export OPENBLAS_NUM_THREADS=$threads
ceilings="" flops="" medians=""
for ((k = 0; k < repeat; k++)); do
    ceiling_line=$(build/hone bench --threads "$threads" --batch 128 --repeats 50 --json)
    ceilings="$ceilings $(field "$ceiling_line" ceiling_samples_per_s)"
    flops="$flops $(field "$ceiling_line" gflops)"
    medians="$medians $(field "$ceiling_line" median_samples_per_s)"
done
ceiling=$(median <<<"$ceilings")
gflops=$(median <<<"$flops")
median_ceiling=$(median <<<"$medians")
echo "bench: GEMM ceiling:$ceilings samples/s; the same products at their median time:$medians samples/s" >&2
common=(--epochs "$epochs" --dev 0 --batch 128 --threads "$threads" --schedule constant --json --quiet)
run "hone adam" build/hone train "${common[@]}"
run "hone bn+dropout+l2" build/hone train "${common[@]}" --batchnorm --keep-prob 0.8 --l2 1e-4
if [ -x $py ] && $py -c "import torch" 2>/dev/null; then
    run "pytorch adam" $py "$peers/torch_mlp.py" --epochs "$epochs" --threads "$threads"
    run "pytorch bn+dropout" $py "$peers/torch_mlp.py" --epochs "$epochs" --threads "$threads" --bn --dropout 0.2
else echo "bench: PyTorch missing (./setup.sh --peers)" >&2; fi
if [ -x $py ] && $py -c "import sklearn" 2>/dev/null; then
    run "scikit-learn adam" $py "$peers/sklearn_mlp.py" --epochs "$epochs"
else echo "bench: scikit-learn missing (./setup.sh --peers)" >&2; fi
if [ -f /usr/include/fann.h ] && [ "${FANN:-1}" = 1 ]; then
    cc -O2 "$peers/fann_mlp.c" -o "$out/fann_mlp" -lfloatfann -lz -lm && run "fann incremental" "$out/fann_mlp" "$epochs" incremental
else echo "bench: FANN skipped or missing (./setup.sh --peers)" >&2; fi

echo "job: MLP 784-512-256-10 on Fashion-MNIST, 60000 training rows, batch 128, $epochs epoch(s), $threads threads, $(nproc) cores, median of $repeat runs, $(date -u +%Y-%m-%d)"
echo "GEMM ceiling (hone bench): ${ceiling} samples/s, ${gflops} GFLOP/s (best of 50 runs of each product)"
echo "the same products at their median time: ${median_ceiling} samples/s"
printf '%-20s %12s %10s %10s\n' trainer samples/s test_acc peak_rss
for i in "${!names[@]}"; do
    printf '%-20s %12.0f %10s %10s\n' "${names[$i]}" "${rates[$i]}" "${accs[$i]}" "${rss[$i]}"
done
echo "ratios:"
echo "  hone adam / GEMM ceiling          $(awk -v a="$(rate_of "hone adam")" -v b="$ceiling" 'BEGIN { if (a && b) printf "%.2f", a / b; else print "n/a" }')"
echo "  hone adam / products at median time $(awk -v a="$(rate_of "hone adam")" -v b="$median_ceiling" 'BEGIN { if (a && b) printf "%.2f", a / b; else print "n/a" }')"
echo "  hone adam / scikit-learn          $(ratio "hone adam" "scikit-learn adam")"
echo "  hone adam / pytorch               $(ratio "hone adam" "pytorch adam")"
echo "  hone adam / fann                  $(ratio "hone adam" "fann incremental")"
echo "  hone bn+dropout / pytorch bn+dropout  $(ratio "hone bn+dropout+l2" "pytorch bn+dropout")"
echo "a training step beside its products alone, interleaved (build/step-phases $threads):"
build/step-phases "$threads" | sed -n '2,4p' | sed 's/^/  /'
