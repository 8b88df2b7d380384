#!/usr/bin/env bash
# Command-line tests: what a user sees. Every bad input must give one clear line on stderr that
# names the file or option and what is wrong, and a non-zero exit; the happy paths must work.
# usage: tests/cli.sh PATH/TO/hone      (closes with "cli: N passed, N failed")
set -u
hone=$(realpath "$1")
fashion=${HONE_FASHION:-/usr/share/datasets/fashion-mnist}
tmp=$(mktemp -d /tmp/hone-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }

# expect_error NAME EXIT PATTERN... -- ARGS: runs hone ARGS, wants exit EXIT and one stderr line
# matching every PATTERN (extended regex).
expect_error() {
    local name=$1 want=$2; shift 2
    local patterns=()
    while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
    shift
    "$hone" "$@" >out.txt 2>err.txt; local rc=$?
    local lines; lines=$(wc -l <err.txt)
    if [ "$rc" -ne "$want" ]; then bad "$name" "exit $rc, wanted $want" "stderr: $(head -c 300 err.txt)"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$name" "stderr has $lines lines, wanted one:" "$(head -c 500 err.txt)"; return; fi
    for p in "${patterns[@]}"; do
        grep -Eq -- "$p" err.txt || { bad "$name" "stderr lacks /$p/:" "$(cat err.txt)"; return; }
    done
    ok "$name"
}

# expect_ok NAME ARGS: exit 0
expect_ok() {
    local name=$1; shift
    if "$hone" "$@" >out.txt 2>err.txt; then ok "$name"; else bad "$name" "exit $?: $(head -c 500 err.txt)"; fi
}

# --- fixtures ----------------------------------------------------------------------------------
# 300 rows, 4 features, 3 classes that a small network separates; header row.
awk 'BEGIN { srand(7); print "a,b,c,d,label";
  for (i = 0; i < 300; i++) { c = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%d\n", (c==0)*2+rand(), (c==1)*2+rand(), (c==2)*2+rand(), rand(), c } }' >blobs.csv
# regression: y = 2a - b + noise
awk 'BEGIN { srand(8); print "a,b,y"; for (i = 0; i < 200; i++) { a = rand(); b = rand(); printf "%.5f,%.5f,%.5f\n", a, b, 2*a - b + 0.01*rand() } }' >reg.csv
printf 'a,b,label\n1,2,0\n3,4,1\n5,6\n' >ragged.csv
printf 'a,b,label\n1,2,0\n3,x4,1\n' >nonnumeric.csv
printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x01\x02\x03\x04\x05' >truncated.idx   # 2x2x2 needs 8 bytes
printf '\x00\x00\x08\x01\x00\x00\x00\x02\x00\x01' >labels2.idx
printf 'P5\n28 28\n255\n' >wrongmagic.idx
# NPY complex64: magic, version 1.0, header length, dict padded to a 64-byte total with a newline
hdr="{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }"
pad=$((64 - 10 - ${#hdr} - 1)); hdr="$hdr$(printf '%*s' $pad '')"
{ printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((${#hdr} + 1)))\\x00"; printf '%s\n' "$hdr"; head -c 32 /dev/zero; } >complex.npy
printf 'garbage that is not a model' >corrupt.safetensors
printf '[train]\nepochs = 2\nlr = 0.2\nlayers = 8\nquiet = true\n' >good.ini
printf '[train]\nepochs = 2\nlearning_rate = 0.2\n' >typo.ini

# --- help and usage ------------------------------------------------------------------------------
"$hone" --help >out.txt 2>&1 && grep -q "gradcheck" out.txt && ok "hone --help lists commands" || bad "hone --help lists commands" "$(cat out.txt)"
for c in train eval predict gradcheck; do
    if "$hone" $c --help >out.txt 2>&1 && grep -q -- "--data PATH" out.txt && grep -q -- "--config FILE" out.txt; then ok "hone $c --help"; else bad "hone $c --help" "$(head -5 out.txt)"; fi
done
grep -q -- "--batch N .*\[128\]" <("$hone" train --help) && grep -q -- "--lr X .*\[0.001\]" <("$hone" train --help) \
    && ok "train --help shows defaults" || bad "train --help shows defaults" "$("$hone" train --help | head -30)"
expect_error "unknown command" 2 "unknown command 'trian'" -- trian
expect_error "unknown option" 2 "unknown option '--bogus'" -- train --bogus 1
expect_error "negative learning rate" 2 "learning rate must be positive" -- train --lr -0.1
expect_error "non-numeric option" 2 "--epochs: expected an integer, got 'ten'" -- train --epochs ten
expect_error "zero batch" 2 "batch must be at least 1" -- train --batch 0
expect_error "unknown activation" 2 "--activation: unknown activation 'relux'" -- train --activation relux
expect_error "bad layers" 2 "--layers" -- train --layers 512,,x
expect_error "bad dev split" 2 "--dev" -- train --data blobs.csv --dev -3
expect_error "impossible split" 1 "leave no training rows|no training" -- train --data blobs.csv --dev 200 --test 100
expect_error "missing option value" 2 "--lr needs a value" -- train --lr
expect_error "beta1 of 1" 2 "beta1 must be in \[0, 1\)" -- train --beta1 1
expect_error "negative beta2" 2 "beta2 must be in \[0, 1\)" -- train --optimizer rmsprop --beta2 -0.5
expect_error "eps of 0" 2 "eps must be positive" -- train --eps 0
expect_error "unknown optimizer" 2 "unknown optimizer 'adagrad'" -- train --optimizer adagrad
expect_error "unknown schedule" 2 "unknown schedule 'linear'" -- train --schedule linear
expect_error "bad momentum form" 2 "--momentum-form" -- train --optimizer momentum --momentum-form heavy
expect_error "exponential factor above 1" 2 "factor\) must be in \(0, 1\]" -- train --schedule exponential --decay-rate 1.5
expect_error "warm-up as long as the run" 2 "warm-up" -- train --schedule cosine --warmup 10 --epochs 10
expect_error "negative clip norm" 2 "clip norm" -- train --clip-norm -1
expect_error "plateau without dev" 2 "no dev set" -- train --data blobs.csv --schedule plateau --dev 0
expect_error "config typo" 2 "typo.ini" "learning_rate" "unknown option" -- train --config typo.ini
expect_error "missing config" 2 "nope.ini" -- train --config nope.ini

# --- bad data ------------------------------------------------------------------------------------
expect_error "missing data file" 1 "missing.csv" -- train --data missing.csv
expect_error "truncated IDX" 1 "truncated.idx" "truncated" -- train --data truncated.idx --labels labels2.idx
expect_error "IDX wrong magic" 1 "wrongmagic.idx" "not an IDX file" -- train --data wrongmagic.idx --labels labels2.idx
expect_error "ragged CSV" 1 "ragged.csv" "line 4" "expected 3 fields, got 2" -- train --data ragged.csv
expect_error "non-numeric CSV" 1 "nonnumeric.csv" "line 3" "x4" -- train --data nonnumeric.csv
expect_error "NPY unsupported dtype" 1 "complex.npy" "unsupported dtype '<c8'" -- train --data complex.npy
expect_error "corrupt model (eval)" 1 "corrupt.safetensors" -- eval corrupt.safetensors --data blobs.csv
expect_error "corrupt model (predict)" 1 "corrupt.safetensors" -- predict corrupt.safetensors --data blobs.csv
expect_error "corrupt model (--init)" 1 "corrupt.safetensors" -- train --data blobs.csv --init corrupt.safetensors
expect_error "eval without model" 2 "no model given" -- eval --data blobs.csv

# --- small end-to-end on CSV ---------------------------------------------------------------------
expect_ok "train on CSV and save" train --data blobs.csv --layers 16 --epochs 30 --lr 0.1 --batch 16 --save blobs.safetensors --json
if grep -Eq '"test_acc": (0\.9|1)' out.txt && [ "$(wc -l <out.txt)" -eq 1 ]; then ok "train --json: one line, learns"; else bad "train --json: one line, learns" "$(cat out.txt)"; fi
for key in epochs seconds samples_per_s train_loss train_acc dev_loss dev_acc test_loss test_acc; do
    grep -q "\"$key\": " out.txt || { bad "train --json has $key" "$(cat out.txt)"; continue; }
done
[ -s blobs.safetensors ] && ! ls blobs.safetensors.tmp* >/dev/null 2>&1 && ok "model written, no temporary left" || bad "model written, no temporary left" "$(ls)"
expect_ok "eval a saved model" eval blobs.safetensors --data blobs.csv --json
grep -Eq '"accuracy": (0\.9|1)' out.txt && ok "eval accuracy" || bad "eval accuracy" "$(cat out.txt)"
expect_ok "predict labels" predict blobs.safetensors --data blobs.csv --output labels.txt
[ "$(wc -l <labels.txt)" -eq 300 ] && grep -Eqx '[0-2]' labels.txt && ok "predict writes one label per row" || bad "predict writes one label per row" "$(head -3 labels.txt)"
agree=$(tail -n +2 blobs.csv | cut -d, -f5 | paste -d' ' - labels.txt | awk '$1 == $2' | wc -l)
[ "$agree" -ge 270 ] && ok "predicted labels match ($agree/300)" || bad "predicted labels match" "$agree/300"
expect_ok "predict probabilities" predict blobs.safetensors --data blobs.csv --probabilities
awk -F, 'NF != 3 { exit 1 } { s = $1 + $2 + $3; if (s < 0.999 || s > 1.001) exit 1 }' out.txt && ok "probabilities sum to 1" || bad "probabilities sum to 1" "$(head -3 out.txt)"
expect_ok "train --init continues from a model" train --data blobs.csv --layers 16 --epochs 1 --init blobs.safetensors --json
grep -Eq '"test_acc": (0\.9|1)' out.txt && ok "--init keeps what was learned" || bad "--init keeps what was learned" "$(cat out.txt)"
expect_error "--init with another architecture" 1 "blobs.safetensors" -- train --data reg.csv --regression --init blobs.safetensors
expect_ok "config file" train --data blobs.csv --config good.ini --json
grep -q '"epochs": 2' out.txt && ok "config file sets epochs" || bad "config file sets epochs" "$(cat out.txt)"
expect_ok "flags win over config" train --data blobs.csv --config good.ini --epochs 3 --json
grep -q '"epochs": 3' out.txt && ok "flags win over config" || bad "flags win over config" "$(cat out.txt)"
"$hone" train --data blobs.csv --layers 8 --epochs 2 --seed 5 --save s1.safetensors --quiet >/dev/null 2>&1
"$hone" train --data blobs.csv --layers 8 --epochs 2 --seed 5 --save s2.safetensors --quiet >/dev/null 2>&1
cmp -s s1.safetensors s2.safetensors && ok "--seed repeats a run bit for bit" || bad "--seed repeats a run bit for bit"
for opt in sgd momentum nesterov rmsprop adam adamw; do
    lr=0.01; [ $opt = sgd ] || [ $opt = momentum ] || [ $opt = nesterov ] && lr=0.2
    expect_ok "optimizer $opt" train --data blobs.csv --layers 16 --epochs 15 --batch 16 --optimizer $opt --lr $lr --json
    grep -Eq '"test_acc": (0\.9|1)' out.txt && ok "optimizer $opt learns" || bad "optimizer $opt learns" "$(cat out.txt)"
done
for sched in "inverse_time" "exponential" "inverse_sqrt" "step --step-size 3" "cosine --warmup 2" "plateau --patience 1" "exponential --per-step --decay-rate 0.999"; do
    expect_ok "schedule $sched" train --data blobs.csv --layers 16 --epochs 10 --batch 16 --lr 0.01 --schedule $sched --clip-norm 5 --quiet
done
"$hone" train --data blobs.csv --layers 8 --epochs 3 --schedule step --step-size 1 --decay-rate 0.5 --lr 0.4 --optimizer sgd 2>err.txt >/dev/null
grep -q "lr 0.4 " err.txt && grep -q "lr 0.2 " err.txt && grep -q "lr 0.1 " err.txt && ok "progress shows the decayed rate" || bad "progress shows the decayed rate" "$(cat err.txt)"
expect_ok "regression (MSE) on CSV" train --data reg.csv --regression --layers 8 --epochs 40 --lr 0.05 --batch 8 --json
loss=$(sed -n 's/.*"test_loss": \([-0-9.e+]*\).*/\1/p' out.txt)
awk -v l="$loss" 'BEGIN { exit !(l != "" && l < 0.01) }' && grep -q '"test_acc": null' out.txt && ok "regression learns (test MSE $loss)" || bad "regression learns" "$(cat out.txt)"
expect_ok "zero init warns but runs" train --data blobs.csv --layers 4 --epochs 1 --weight-init zeros --quiet
grep -q "symmetr\|same" err.txt && ok "zero init warning" || bad "zero init warning" "$(cat err.txt)"
expect_ok "gradcheck on CSV data" gradcheck --data blobs.csv --layers 6,5 --activation tanh
grep -q "good" out.txt && ok "gradcheck says good" || bad "gradcheck says good" "$(cat out.txt)"
expect_ok "gradcheck --json" gradcheck --data blobs.csv --layers 4 --json
grep -q '"verdict": "good"' out.txt && ok "gradcheck --json verdict" || bad "gradcheck --json verdict" "$(cat out.txt)"

# --- the default dataset ---------------------------------------------------------------------------
if [ -d "$fashion" ]; then
    expect_ok "Fashion-MNIST, one epoch" train --epochs 1 --json --save fashion.safetensors
    acc=$(sed -n 's/.*"test_acc": \([0-9.]*\).*/\1/p' out.txt)
    awk -v a="$acc" 'BEGIN { exit !(a > 0.80) }' && ok "Fashion-MNIST one epoch test accuracy $acc > 0.80" || bad "Fashion-MNIST accuracy" "$(cat out.txt)"
    expect_ok "eval on the Fashion-MNIST test set" eval fashion.safetensors
    grep -q "10000 test rows" out.txt && ok "eval uses the test set" || bad "eval uses the test set" "$(cat out.txt)"
    expect_ok "gradcheck default" gradcheck --layers 8 --samples 4
else
    bad "Fashion-MNIST present" "$fashion missing: apt-get install dataset-fashion-mnist (setup.sh does)"
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
