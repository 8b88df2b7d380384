#!/usr/bin/env bash
# make bench: hone and the peer trainers of ../shared/bench on one job (MLP 784-512-256-10,
# Fashion-MNIST, 60,000 training rows, batch 128), one after another in one run, then ratios.
# Run it on an idle machine: a second process halves every figure on 2 cores.
#   EPOCHS=1 THREADS=2 REPEAT=3 bench/run.sh   (./setup.sh --peers installs the peers)
# The run is REPEAT rounds, and each round runs every trainer once, in turn (the ceiling first),
# so that a slow spell of the shared host falls on all of them alike rather than on whichever ran
# then; each trainer's figure is its median over the rounds (single runs vary by 20%). Ratios are
# given twice: of the medians, and paired, the median over rounds of each round's own ratio.
# The GEMM ceiling is hone bench: the matrix products of one training step timed alone, each
# at its best of 50 runs; the same products at their median time are shown too: a typical run
# rather than the luckiest. Last, build/step-phases times whole training steps each right after
# the step's products alone: both see the same spells of noise, so the share of a step that is
# its products holds where the trainers' figures swing; and those steps' parts (gather, forward,
# data loss, backward with the optimizer) at their median.
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

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A rate  # [name,round]: samples/s
declare -A acc   # [name]: test accuracy of its last run
declare -A peak  # [name]: peak RSS over its runs, KB
declare -A failed
declare -A seen
names=()         # trainers in the order they first ran
run() { # NAME CMD...: one run of a trainer that prints one JSON line, as round $round
    local name=$1; shift
    [ -n "${failed[$name]:-}" ] && return
    local line r kb
    rm -f "$out/rss"
    line=$("${timer[@]}" "$@" 2>"$out/stderr" | tail -1)
    r=$(field "$line" samples_per_s)
    if [ -z "$r" ]; then
        echo "bench: $name did not run: $(tail -2 "$out/stderr")" >&2
        failed[$name]=1
        return
    fi
    [ -n "${seen[$name]:-}" ] || { seen[$name]=1; names+=("$name"); }
    rate[$name,$round]=$r
    acc[$name]=$(field "$line" test_acc)
    kb=$(cat "$out/rss" 2>/dev/null)
    [ "${kb:-0}" -gt "${peak[$name]:-0}" ] && peak[$name]=$kb
}
rates_of() { local k; for ((k = 0; k < repeat; k++)); do echo -n " ${rate[$1,$k]:-}"; done; }
median_of() { rates_of "$1" | median; }
# ratio A B [FORMAT]: of the medians; paired A B: the median over rounds of A/B in each round
ratio() {
    local a b
    a=$(median_of "$1"); b=$(median_of "$2")
    [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v f="${3:-%.2fx}" 'BEGIN { printf f, a / b }' || echo "n/a"
}
paired() {
    local k all=""
    for ((k = 0; k < repeat; k++)); do
        [ -n "${rate[$1,$k]:-}" ] && [ -n "${rate[$2,$k]:-}" ] &&
            all="$all $(awk -v a="${rate[$1,$k]}" -v b="${rate[$2,$k]}" 'BEGIN { print a / b }')"
    done
    [ -n "$all" ] && awk -v r="$(median <<<"$all")" -v f="${3:-%.2fx}" 'BEGIN { printf f, r }' || echo "n/a"
}

make -s build/hone build/step-phases || exit 1
export OPENBLAS_NUM_THREADS=$threads
has_torch= has_sklearn= has_fann=
if [ -x $py ] && $py -c "import torch" 2>/dev/null; then has_torch=1; else echo "bench: PyTorch missing (./setup.sh --peers)" >&2; fi
if [ -x $py ] && $py -c "import sklearn" 2>/dev/null; then has_sklearn=1; else echo "bench: scikit-learn missing (./setup.sh --peers)" >&2; fi
if [ -f /usr/include/fann.h ] && [ "${FANN:-1}" = 1 ]; then
    cc -O2 "$peers/fann_mlp.c" -o "$out/fann_mlp" -lfloatfann -lz -lm && has_fann=1
else echo "bench: FANN skipped or missing (./setup.sh --peers)" >&2; fi
common=(--epochs "$epochs" --dev 0 --batch 128 --threads "$threads" --schedule constant --json --quiet)
for ((round = 0; round < repeat; round++)); do
    line=$(build/hone bench --threads "$threads" --batch 128 --repeats 50 --json)
    rate[ceiling,$round]=$(field "$line" ceiling_samples_per_s)
    rate[median,$round]=$(field "$line" median_samples_per_s)
    rate[gflops,$round]=$(field "$line" gflops)
    kernels=$(field "$line" blas_kernels)
    run "hone adam" build/hone train "${common[@]}"
    run "hone bn+dropout+l2" build/hone train "${common[@]}" --batchnorm --keep-prob 0.8 --l2 1e-4
    if [ -n "$has_torch" ]; then
        run "pytorch adam" $py "$peers/torch_mlp.py" --epochs "$epochs" --threads "$threads"
        run "pytorch bn+dropout" $py "$peers/torch_mlp.py" --epochs "$epochs" --threads "$threads" --bn --dropout 0.2
    fi
    [ -n "$has_sklearn" ] && run "scikit-learn adam" $py "$peers/sklearn_mlp.py" --epochs "$epochs"
    [ -n "$has_fann" ] && run "fann incremental" "$out/fann_mlp" "$epochs" incremental
done
echo "bench: GEMM ceiling:$(rates_of ceiling) samples/s; the same products at their median time:$(rates_of median) samples/s" >&2
for name in "${names[@]}"; do echo "bench: $name:$(rates_of "$name") samples/s" >&2; done

echo "job: MLP 784-512-256-10 on Fashion-MNIST, 60000 training rows, batch 128, $epochs epoch(s), $threads threads, $(nproc) cores, OpenBLAS's ${kernels:-unknown} kernels, median of $repeat rounds (each runs every trainer once, in turn), $(date -u +%Y-%m-%d)"
echo "GEMM ceiling (hone bench): $(median_of ceiling) samples/s, $(median_of gflops) GFLOP/s (best of 50 runs of each product)"
echo "the same products at their median time: $(median_of median) samples/s"
printf '%-20s %12s %10s %10s\n' trainer samples/s test_acc peak_rss
for name in "${names[@]}"; do
    kb=${peak[$name]:-0}
    printf '%-20s %12.0f %10s %10s\n' "$name" "$(median_of "$name")" "${acc[$name]}" "$([ "$kb" -gt 0 ] && echo "$((kb / 1024)) MB" || echo "n/a")"
done
echo "ratios: of the medians; paired (the median over rounds of each round's ratio)"
echo "  hone adam / GEMM ceiling              $(ratio "hone adam" ceiling %.2f)   $(paired "hone adam" ceiling %.2f)"
echo "  hone adam / products at median time   $(ratio "hone adam" median %.2f)   $(paired "hone adam" median %.2f)"
echo "  hone adam / scikit-learn              $(ratio "hone adam" "scikit-learn adam")  $(paired "hone adam" "scikit-learn adam")"
echo "  hone adam / pytorch                   $(ratio "hone adam" "pytorch adam")  $(paired "hone adam" "pytorch adam")"
echo "  hone adam / fann                      $(ratio "hone adam" "fann incremental")  $(paired "hone adam" "fann incremental")"
echo "  hone bn+dropout / pytorch bn+dropout  $(ratio "hone bn+dropout+l2" "pytorch bn+dropout")  $(paired "hone bn+dropout+l2" "pytorch bn+dropout")"
echo "a training step beside its products alone, interleaved (build/step-phases $threads):"
build/step-phases "$threads" | sed -n '2,5p' | sed 's/^/  /'
