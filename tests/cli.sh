#!/usr/bin/env bash
# Command-line tests: what a user sees. Every bad input must give one clear line on stderr that
# names the file or option and what is wrong, and a non-zero exit; the happy paths must work.
# usage: tests/cli.sh PATH/TO/hone      (closes with "cli: N passed, N failed")
set -u
hone=$(realpath "$1")
docs=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) # README.md and docs/, for what --help lists
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
# npy_f4 FILE SHAPE VALUE...: a float32 NPY file (perl packs the values)
npy_f4() {
    local file=$1 shape=$2; shift 2
    local hdr="{'descr': '<f4', 'fortran_order': False, 'shape': ($shape), }"
    hdr="$hdr$(printf '%*s' $((64 - 10 - ${#hdr} - 1)) '')"
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((${#hdr} + 1)))\\x00"; printf '%s\n' "$hdr"; perl -e 'print pack("f<*", @ARGV)' "$@"; } >"$file"
}
npy_f4 x4.npy "120, 4" $(awk 'BEGIN { srand(3); for (i = 0; i < 480; i++) print rand() }')
npy_f4 y2.npy "120, 2" $(awk 'BEGIN { srand(4); for (i = 0; i < 240; i++) print rand() }')
npy_f4 y1.npy "120," $(awk 'BEGIN { srand(5); for (i = 0; i < 120; i++) print rand() }')
# npy_head DESCR SHAPE: an NPY file's header (version 1.0, 10 + 118 header bytes, as numpy pads
# them), in Fortran order (fortran_order True) with order=F before it; npy_file DESCR SHAPE
# BYTES...: an NPY file of those bytes.
npy_head() {
    local hdr="{'descr': '$1', 'fortran_order': $([ "${order:-C}" = F ] && echo True || echo False), 'shape': $2, }"
    printf '\x93NUMPY\x01\x00\x76\x00%s%*s\n' "$hdr" $((118 - ${#hdr} - 1)) ''
}
npy_file() {
    npy_head "$1" "$2"; shift 2
    printf "$(printf '\\x%02x' "$@")"
}
npy_file '|u1' '(6, 4)' $(seq 10 33) >x6.npy   # 6 rows of 4 features
npy_file '|u1' '(6,)' 0 1 2 0 1 2 >y6.npy
printf '\x00\x00\x08\x03\x00\x00\x00\x06\x00\x00\x00\x02\x00\x00\x00\x02' >img6.idx; printf "$(printf '\\x%02x' $(seq 10 33))" >>img6.idx
printf '\x00\x00\x08\x01\x00\x00\x00\x06\x00\x01\x02\x00\x01\x02' >lab6.idx   # its labels, as IDX
printf 'garbage that is not a model' >corrupt.safetensors
# unseal FILE: blanks the checksums ("crc32", "metadata_crc32") of a model file edited by hand
# below, spaces in their place keeping every offset, so that it loads unchecked as a file of a
# hone that kept none; the checks the edit is for lie behind them.
unseal() { perl -0777 -pi -e 's/, "(?:metadata_)?crc32": "[0-9a-f]{8}"/" " x length($&)/ge' "$1"; }
printf '[train]\nepochs = 2\nlr = 0.2\nlayers = 8\nquiet = true\n' >good.ini
printf '[train]\nepochs = 2\nlearning_rate = 0.2\n' >typo.ini

# --- help and usage ------------------------------------------------------------------------------
"$hone" --help >out.txt 2>&1 && grep -q "gradcheck" out.txt && ok "hone --help lists commands" || bad "hone --help lists commands" "$(cat out.txt)"
[ "$(sed -n '/^commands:/,$p' out.txt | awk 'match($0, /^  [a-z-]+ +/) { print RLENGTH }' | sort -u | wc -l)" = 1 ] &&
    ok "hone --help: every command's description in one column" || bad "hone --help: descriptions out of column" "$(cat out.txt)"
for c in train eval predict gradcheck; do
    if "$hone" $c --help >out.txt 2>&1 && grep -q -- "--data PATH" out.txt && grep -q -- "--config FILE" out.txt; then ok "hone $c --help"; else bad "hone $c --help" "$(head -5 out.txt)"; fi
done
# Every option a command's --help lists is named where a user looks, README.md or docs/*.md, as
# --NAME (a flag perhaps as --no-NAME): --threshold, --test-labels and tune's --top-k went unnamed.
undocumented=""
for c in train eval predict gradcheck inspect bench tune plot plot-layers diagnose; do
    for o in $("$hone" $c --help | sed -n 's/^  --\([a-z0-9-]*\).*/\1/p'); do
        cat "$docs/README.md" "$docs"/docs/*.md | grep -Eq -- "--(no-)?$o([^a-z0-9-]|\$)" || undocumented="$undocumented $c:--$o"
    done
done
[ -f "$docs/README.md" ] && [ -z "$undocumented" ] && ok "every option of --help is in README.md or docs/" ||
    bad "options of --help that README.md and docs/ do not name:${undocumented:- (no README.md in $docs)}"
grep -q -- "--batch N .*\[128\]" <("$hone" train --help) && grep -q -- "--lr X .*\[0.001\]" <("$hone" train --help) \
    && ok "train --help shows defaults" || bad "train --help shows defaults" "$("$hone" train --help | head -30)"
# One default network (CLI_ARCH_DEFAULTS): train, inspect and bench start from it; gradcheck too,
# but for its smaller --layers and --no-zero-residual.
default_of() { "$hone" "$1" --help | sed -n "s/^  --$2 .*\[\(.*\)\]\$/\1/p"; }
arch_options="layers activation alpha loss weight-init init-scale residual zero-residual"
defaults=$(for o in $arch_options; do default_of train "$o"; done | tr '\n' ' ')
[ "$defaults" = "512,256 relu 0.01 auto default 0.01 off on " ] && ok "train's default network" || bad "train's default network" "$defaults"
arch_differs=""
for o in $arch_options; do
    [ "$(default_of inspect "$o")" = "$(default_of train "$o")" ] || arch_differs="$arch_differs inspect:$o"
    case $o in layers | zero-residual) ;; *) [ "$(default_of gradcheck "$o")" = "$(default_of train "$o")" ] || arch_differs="$arch_differs gradcheck:$o" ;; esac
done
[ "$(default_of bench layers)" = "$(default_of train layers)" ] || arch_differs="$arch_differs bench:layers"
[ "$(default_of gradcheck layers)" = 16 ] && [ "$(default_of gradcheck zero-residual)" = off ] || arch_differs="$arch_differs gradcheck's own"
[ -z "$arch_differs" ] && ok "inspect, gradcheck and bench share train's default network" || bad "the default network differs:$arch_differs"
expect_error "unknown command" 2 "unknown command 'trian'" -- trian
expect_error "unknown option" 2 "unknown option '--bogus'" -- train --bogus 1
expect_error "negative learning rate" 2 "learning rate must be positive" -- train --lr -0.1
expect_error "non-numeric option" 2 "--epochs: expected an integer, got 'ten'" -- train --epochs ten
# every option reads numbers alike: --lr 0x10 trained at 16 where --batch 0x10 was refused, and
# '5 ' was a --lr but not a --dev
expect_error "a hexadecimal real" 2 "^hone train: --lr: expected a number, got '0x10'$" -- train --data blobs.csv --lr 0x10
expect_error "a hexadecimal --dev" 2 "^hone train: --dev: expected auto, a fraction in \[0, 1\) or a row count, got '0x10'$" -- train --data blobs.csv --layers 4 --epochs 1 --dev 0x10
expect_error "a real with a blank after it" 2 "^hone train: --lr: expected a number, got '5 '$" -- train --data blobs.csv --lr '5 '
expect_error "a real with a blank before it" 2 "^hone train: --lr: expected a number, got ' 0.1'$" -- train --data blobs.csv --lr ' 0.1'
expect_error "an integer with a blank after it" 2 "^hone train: --epochs: expected an integer, got '2 '$" -- train --data blobs.csv --epochs '2 '
printf '[train]\ndata = blobs.csv\nlayers = 4\nepochs = 1 \nlr =  0.01  \n' >blanks.ini
expect_ok "a config value's blanks are the file's, not the number's" train --config blanks.ini --quiet
expect_error "zero batch" 2 "batch must be at least 1" -- train --batch 0
expect_error "unknown activation" 2 "--activation: unknown activation 'relux'" -- train --activation relux
expect_error "bad layers" 2 "--layers" -- train --layers 512,,x
# a trailing comma leaves a size out (it was read as one layer fewer); a size past the limit names it
expect_error "--layers ending on a comma" 2 "^hone train: --layers: expected hidden layer sizes like 512,256 or 256x50, got '16,'$" -- train --layers 16,
expect_error "--keep-prob ending on a comma" 2 "^hone train: --keep-prob: expected numbers separated by commas, got '0.8,'$" -- train --layers 16 --keep-prob 0.8,
expect_error "--layers past the units limit" 2 "^hone train: --layers: a layer has at most 16777216 units, got 16777217 in '8,16777217'$" -- train --layers 8,16777217
# the limits themselves are allowed: 16777216 units (bench goes on to count the parameters), 256 layers
expect_error "--layers at the units limit" 2 "^hone bench: --inputs 16777216, --layers 16777216, --outputs 10: model: more than [0-9]+ parameters$" -- \
    bench --inputs 16777216 --layers 16777216
expect_error "--layers past 256 hidden layers" 2 "^hone train: --layers: more than 256 hidden layers$" -- train --layers 4x257
expect_error "--layers past 256 hidden layers, in two parts" 2 "^hone train: --layers: more than 256 hidden layers$" -- train --layers 4x200,8x57
expect_error "--init-scale 0" 2 "^hone train: --init-scale must be positive, got 0$" -- train --data blobs.csv --weight-init normal --init-scale 0
expect_error "--init-scale that is 0 in float32 (every weight started at 0)" 2 "^hone train: --init-scale 1e-50 is 0 in float32, which holds the weights: every weight would start at 0$" -- \
    train --data blobs.csv --layers 4 --weight-init uniform --init-scale 1e-50
# a value of up to 1023 characters is taken (a missing file here: its message, cut short), of 1024 refused
expect_error "a value of 1023 characters" 1 "^hone train: a+" -- train --data "$(printf 'a%.0s' $(seq 1023))"
expect_error "a value of 1024 characters" 2 "^hone train: --data: value longer than 1023 characters$" -- train --data "$(printf 'a%.0s' $(seq 1024))"
expect_error "bad dev split" 2 "--dev" -- train --data blobs.csv --dev -3
# --dev and --test auto are a fifth of the rows each, rounded: 21 of 103 (20.6), not 20
head -n 104 blobs.csv >blobs103.csv
expect_ok "a fifth of 103 rows" train --data blobs103.csv --layers 4 --epochs 1
grep -q "^data: 61 train, 21 dev, 21 test rows" err.txt && ok "--dev and --test auto: a fifth of the rows, rounded" || bad "--dev and --test auto: a fifth, rounded" "$(head -1 err.txt)"
# seeds are read as text: every one up to 2^53 (exact in a model's JSON metadata) is its own
seed_rule="--seed: expected an integer seed in \[0, 2\^53 = 9007199254740992\], got"
for cmd in train inspect gradcheck tune; do
    expect_error "$cmd: a seed past 2^64" 2 "$seed_rule '1e300'$" -- $cmd --seed 1e300
    expect_error "$cmd: a fractional seed" 2 "$seed_rule '1.5'$" -- $cmd --seed 1.5
    expect_error "$cmd: a seed one past 2^53 (a double would take it as 2^53)" 2 "$seed_rule '9007199254740993'$" -- \
        $cmd --seed 9007199254740993
    expect_error "$cmd: a negative seed" 2 "$seed_rule '-1'$" -- $cmd --seed -1
done
"$hone" train --data blobs.csv --layers 4 --epochs 1 --seed 9007199254740992 --save s53.safetensors --quiet >/dev/null 2>&1
"$hone" train --data blobs.csv --layers 4 --epochs 1 --seed 9007199254740991 --save s53m.safetensors --quiet >/dev/null 2>&1
grep -aq 'seed\\": 9007199254740992,' s53.safetensors && ! cmp -s s53.safetensors s53m.safetensors \
    && ok "seeds 2^53 and 2^53 - 1 are kept exactly and train differently" || bad "seeds near 2^53" "$(grep -ao 'seed[^,]*' s53.safetensors)"
expect_ok "diagnose: a model of seed 2^53" diagnose s53.safetensors --data blobs.csv
expect_error "impossible split" 1 "leave no training rows|no training" -- train --data blobs.csv --dev 200 --test 100
expect_error "missing option value" 2 "--lr needs a value" -- train --lr
expect_error "beta1 of 1" 2 "beta1 must be in \[0, 1\)" -- train --beta1 1
expect_error "negative beta2" 2 "beta2 must be in \[0, 1\)" -- train --optimizer rmsprop --beta2 -0.5
expect_error "eps of 0" 2 "eps must be positive" -- train --eps 0
# the averages are taken in float32, where 0.99999999 is 1: beta1 froze training (exit 0, every
# epoch the same loss), beta2 blew up as a divergence that blamed the learning rate
expect_error "--beta1 that is 1 in float32" 2 "^hone train: --beta1: beta1 0.99999999 rounds to 1 in float32, which the steps are taken in: give at most 0.99999994$" -- \
    train --data blobs.csv --layers 4 --epochs 1 --beta1 0.99999999
expect_error "--beta2 that is 1 in float32" 2 "^hone train: --beta2: beta2 0.99999999 rounds to 1 in float32" -- \
    train --data blobs.csv --layers 4 --epochs 1 --optimizer rmsprop --beta2 0.99999999
expect_ok "--beta1 and --beta2 of float32's largest below 1" train --data blobs.csv --layers 4 --epochs 1 --quiet --beta1 0.99999994 --beta2 0.99999994
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\n[space]\nbeta1 = 1-log 0.9 0.99999999\n[train]\ndata = blobs.csv\nlayers = 4\n' >tune-beta.ini
expect_error "tune: a beta1 range that ends at float32's 1" 2 "^hone tune: tune-beta.ini:6: \\[space\\] beta1 = 0.99999999: beta1 0.99999999 rounds to 1 in float32" -- tune --config tune-beta.ini
# the help shows [auto] for these: auto is a value they take, on the command line and in a config
printf '[train]\nbeta2 = auto\n' >auto.ini
expect_ok "auto, the default --help shows, is a value" train --data blobs.csv --layers 4 --epochs 1 --quiet --beta1 auto \
    --eps auto --decay-rate auto --weight-decay auto --optimizer adamw --schedule step --config auto.ini
expect_error "auto for an option without one" 2 "^hone train: --lr: expected a number, got 'auto'$" -- train --lr auto
expect_error "unknown optimizer" 2 "unknown optimizer 'adagrad'" -- train --optimizer adagrad
expect_error "unknown schedule" 2 "unknown schedule 'linear'" -- train --schedule linear
expect_error "bad momentum form" 2 "--momentum-form" -- train --optimizer momentum --momentum-form heavy
expect_error "exponential factor above 1" 2 "factor\) must be in \(0, 1\]" -- train --schedule exponential --decay-rate 1.5
expect_error "warm-up as long as the run" 2 "warm-up" -- train --schedule cosine --warmup 10 --epochs 10
expect_error "negative clip norm" 2 "clip norm" -- train --clip-norm -1
expect_error "--clip-value that is 0 in float32 (it set every gradient to 0)" 2 "^hone train: --clip-value: clip value 1e-46 is 0 in float32, and would set every gradient to 0: give 0 for no clipping, or at least 1.4e-45$" -- \
    train --data blobs.csv --layers 4 --epochs 1 --clip-value 1e-46
expect_error "negative gradient normalization" 2 "gradient normalization" -- train --normalize-grad -1
expect_ok "gradient normalization trains" train --data blobs.csv --layers 16 --epochs 5 --batch 16 --normalize-grad 1 --quiet
grep -q "^trained 5 epochs in " out.txt && ok "the summary counts epochs" || bad "the summary counts epochs" "$(head -3 out.txt)"
expect_ok "one epoch trains" train --data blobs.csv --layers 16 --epochs 1 --quiet
grep -q "^trained 1 epoch in " out.txt && ok "the summary says 1 epoch, not 1 epochs" || bad "the summary says 1 epoch" "$(head -3 out.txt)"
expect_ok "--json with a --save path that needs escaping" train --data blobs.csv --layers 4 --epochs 1 --quiet --json --save 'we"ird\.safetensors'
grep -Fq '"model": "we\"ird\\.safetensors"}' out.txt && ok "--json escapes the model path" || bad "--json escapes the model path" "$(cat out.txt)"
expect_error "weights overflowing in an epoch's last step are a divergence, not a failed save" 3 \
    "diverged at epoch 1, batch 1, learning rate 3e\\+38: its step left a weight -?inf" -- \
    train --data blobs.csv --layers 8 --batch 1000 --optimizer sgd --lr 3e38 --schedule constant --epochs 3 --checkpoint ov.safetensors --quiet
[ ! -e ov.safetensors ] && ok "a diverged first epoch writes no checkpoint" || bad "a diverged first epoch writes no checkpoint"
# a gradient whose square overflows float32 left Adam's second moment infinite and the weight's
# steps 0: the run went on frozen, exit 0, its loss the same every epoch
awk 'BEGIN { srand(8); print "a,b,y"; for (i = 0; i < 200; i++) { a = rand(); b = rand(); printf "%.5f,%.5f,%.5e\n", a, b, (2*a - b)*1e30 } }' >huge.csv
expect_error "an optimizer moment left infinite is a divergence" 3 \
    "^hone train: diverged at epoch 1, batch [0-9]+, learning rate 0.001: its step left the optimizer's second moment of a weight inf \(a gradient too large for its square to fit float32\); clip gradients \(--clip-norm\), or scale the targets or inputs down$" -- \
    train --data huge.csv --regression --no-standardize-targets --layers 8 --epochs 3 --quiet
expect_ok "the same targets train with the gradient clipped" train --data huge.csv --regression --no-standardize-targets --layers 8 --epochs 3 --clip-norm 1 --quiet
grep -Eq "^  train +[0-9]+ rows  loss [0-9]\.[0-9]{3}e\+[0-9]{2}  rmse [0-9.]+e\+[0-9]{2}$" out.txt && ok "a loss of 1e59 is printed in four digits, not sixty" \
    || bad "a huge loss's text" "$(cat out.txt)"
# the steps are taken in float32: a rate or an eps it cannot hold is refused, not trained into a divergence
expect_error "--lr beyond float32" 2 "^hone train: --lr: learning rate must be positive and finite in float32, got 1e\\+40$" -- train --data blobs.csv --lr 1e40
expect_error "--lr below float32's least" 2 "^hone train: --lr: learning rate must be positive and finite in float32, got 9.99989e-321$" -- train --data blobs.csv --lr 1e-320
expect_error "--eps below float32's least" 2 "^hone train: --eps: eps must be positive and finite in float32, got 1e-50$" -- train --data blobs.csv --eps 1e-50
expect_error "a penalty overflowing while the data loss is finite is a divergence that names it" 3 \
    "diverged at epoch 1, batch 1, learning rate 0.001: the loss is inf: its L2/L1 penalty \(l2 1e\+308, l1 0\) overflowed; lower --l2 or --l1$" -- \
    train --data blobs.csv --epochs 1 --l2 1e308 --schedule constant --quiet
expect_error "plateau without dev" 2 "no dev set" -- train --data blobs.csv --schedule plateau --dev 0
# a fraction that rounds to no row gave no dev set without a word (and --early-stop blamed --dev 0)
expect_error "a --dev fraction that is no row" 2 "^hone train: --dev 0.001 is no row of the 300: give at least 0.0033, a row count, or 0 for none$" -- \
    train --data blobs.csv --layers 4 --epochs 1 --dev 0.001 --early-stop 1
expect_error "a --test fraction that is no row" 2 "^hone train: --test 0.0001 is no row of the 300" -- train --data blobs.csv --layers 4 --epochs 1 --test 0.0001
expect_ok "a --dev fraction of one row" train --data blobs.csv --layers 4 --epochs 1 --dev 0.0017 --quiet
expect_error "config typo" 2 "typo.ini:3: \\[train\\] learning_rate: unknown option" -- train --config typo.ini
mkdir -p confdir
expect_error "a config that is a directory" 2 "^hone train: confdir: cannot read: Is a directory$" -- train --config confdir --data blobs.csv --epochs 1
expect_error "tune: a config that is a directory" 2 "^hone tune: confdir: cannot read: Is a directory$" -- tune --config confdir
expect_error "--no- is only for flags: --no-save is unknown, not --save" 2 "^hone train: unknown option '--no-save' \(see hone train --help\)$" -- \
    train --data blobs.csv --layers 4 --epochs 1 --quiet --no-save nosave.safetensors
[ ! -e nosave.safetensors ] && ok "--no-save wrote no model" || bad "--no-save wrote no model"
expect_error "--no-lr is unknown, not --lr" 2 "unknown option '--no-lr'" -- train --data blobs.csv --no-lr 3
expect_error "a --no- flag takes no value" 2 "^hone train: --no-shuffle takes no value; for a value, --shuffle=true or --shuffle=false$" -- \
    train --data blobs.csv --no-shuffle=true
printf '[train]\n# a comment\n\nepochs = 2\nlr = abc\n' >badvalue.ini
expect_error "config: a bad value names its line" 2 "^hone train: badvalue.ini:5: \\[train\\] lr: expected a number, got 'abc'$" -- train --config badvalue.ini
# A value read as a number and refused by a later check names its file and line too, and the
# option; the same value as a flag names the flag, which wins over the file's.
printf '[train]\ndata = blobs.csv\nlayers = 8\nkeep-prob = 1.5\nepochs = -1\n' >laterbad.ini
expect_error "config: a value refused after reading names its line (the library's check)" 2 "^hone train: laterbad.ini:5: --epochs: epochs must be at least 1, got -1$" -- train --config laterbad.ini
expect_error "config: a value refused after reading names its line (the CLI's check)" 2 "^hone train: laterbad.ini:4: --keep-prob: each keep probability must be in \(0, 1\], got '1.5'$" -- train --config laterbad.ini --epochs 1
expect_error "config: a flag over the file's value is named as the flag" 2 "^hone train: --keep-prob: each keep probability must be in \(0, 1\], got '1.7'$" -- train --config laterbad.ini --epochs 1 --keep-prob 1.7
expect_error "a schedule value refused names its option" 2 "^hone train: --decay-rate: exponential: decay rate \(the factor\) must be in \(0, 1\], got 2$" -- train --schedule exponential --decay-rate 2
printf 'lr = abc\n[train]\nepochs = 2\n' >topvalue.ini
expect_error "config: a bad value before any section names its line, no section" 2 "^hone train: topvalue.ini:1: lr: expected a number, got 'abc'$" -- train --config topvalue.ini
printf 'rounds = 3\n[train]\nepochs = 1\nlayers = 4\n' >topshared.ini
expect_ok "config: a key before any section that train lacks is left to other commands" train --data blobs.csv --config topshared.ini --json
# a key twice in one section: the first would go unread, as epochs = 0 here did without a word
printf '[train]\ndata = blobs.csv\nepochs = 0\nlayers = 4\nepochs = 1\n' >twice.ini
expect_error "config: a key given twice in a section names both lines" 2 "^hone train: twice.ini:5: \\[train\\] epochs: set again \(first at line 3\); give it once$" -- train --config twice.ini
printf 'epochs = 2\n[train]\ndata = blobs.csv\nlayers = 4\nepochs = 1\n' >overshared.ini
expect_ok "config: a section's key over a shared one of the same name" train --config overshared.ini --quiet
# one file given twice is read twice, as two files are: no key of it is 'set again' at its own line
expect_ok "config: the same file given twice" train --config overshared.ini --config overshared.ini --quiet
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\nlayers = 8\n' >tune-twice.ini
expect_error "tune: a [train] key given twice names both lines" 2 "^hone tune: tune-twice.ini:10: \\[train\\] layers: set again \(first at line 9\); give it once$" -- tune --config tune-twice.ini
# tune reads [train], [space] and the top-level keys of every --config, as train does: the first file's went
# unread, and so did top-level keys, and the trials trained on the default data
printf 'layers = 2\n[train]\ndata = blobs.csv\nlayers = 4\n[space]\nlr = log 1e-3 1e-1\n' >tune-a.ini
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = tune-ab.jsonl\nbest = tune-ab.ini\n[space]\nlr = log 1e-2 1e-1\n[train]\nlayers = 8\n' >tune-b.ini
rm -f tune-ab.jsonl
expect_ok "tune: two config files" tune --config tune-a.ini --config tune-b.ini --quiet
grep -q '"params":{"lr":0.0[1-9][0-9]*},"train":{"layers":"8","data":"blobs.csv"}' tune-ab.jsonl && ok "tune: [train] and [space] of two config files, the later key winning" \
    || bad "tune: [train] and [space] of two config files" "$(cat tune-ab.jsonl)" "$(cat err.txt)"
printf 'data = blobs.csv\nlayers = 4\nsave = shared.safetensors\n[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = tune-top.jsonl\nbest = tune-top-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\nlayers = 8\n' >tune-top.ini
rm -f tune-top.jsonl
expect_ok "tune: top-level keys" tune --config tune-top.ini --quiet
grep -q '"train":{"data":"blobs.csv","layers":"8"},"dev_acc"' tune-top.jsonl && [ ! -e shared.safetensors ] && ok "tune: top-level keys go to the trials, under [train]'s; a shared save does not" \
    || bad "tune: top-level keys go to the trials" "$(cat tune-top.jsonl)" "$(cat err.txt)"
printf 'data = blobs.csv\ndata = blobs.csv\n[space]\nlr = log 1e-3 1e-1\n' >tune-toptwice.ini
expect_error "tune: a top-level key given twice names both lines" 2 "^hone tune: tune-toptwice.ini:2: data: set again \(first at line 1\); give it once$" -- tune --config tune-toptwice.ini
printf '[train]\nepochs = 2\nlr\n' >badline.ini
expect_error "config: a line that is not INI names its line" 2 "badline.ini:3: not an INI line" -- train --config badline.ini
# a NUL byte ended fgets's line unseen, and the line was called too long
printf '[train]\n\0data = blobs.csv\n' >nul.ini
expect_error "config: a NUL byte names its line and byte" 2 "^hone train: nul.ini:2: a NUL byte \(byte 9\): not a text file$" -- train --config nul.ini
{ printf '[train]\n# %0199d\nlr = 0.1\n' 0; } >longline.ini
expect_error "config: a line longer than inih reads" 2 "longline.ini:2: line longer than 198 characters" -- train --config longline.ini
# the data path is on the 198-character line itself, so the error naming it shows the line was read
# indented keys are keys: inih took an indented line for the value above it continued
printf '[train]\n  data = blobs.csv\n  layers = 4\n  epochs = 1\n  save = indent.safetensors\n    plot = indent.svg\n' >indent.ini
rm -f indent.safetensors indent.svg
expect_ok "config: indented keys" train --config indent.ini --quiet
[ -f indent.safetensors ] && [ -f indent.svg ] && ok "config: indented keys are read each as its own, the save and the plot where they say" \
    || bad "config: indented keys are each their own" "$(ls indent* 'indent.safetensors plot = indent.svg' 2>&1)"
printf '[train]\ndata = blobs.csv\n   more.csv\n' >continued.ini
expect_error "config: an indented line that is not key = value is not a value continued" 2 "^hone train: continued.ini:3: not an INI line" -- train --config continued.ini
# a section no command reads is warned of at its first key, once; another command's is not
printf '[Train]\nepochs = abc\nsave = never.safetensors\n[tune]\nrounds = 2\n[space]\nlr = log 1e-3 1\n' >section.ini
expect_ok "config: a section no command reads" train --config section.ini --data blobs.csv --layers 4 --epochs 1 --quiet
[ "$(cat err.txt)" = "hone train: warning: section.ini:2: [Train] epochs: no section [Train] is read: hone reads those named for its commands (train, eval, predict, ...) and tune's [space], in lower case" ] &&
    [ ! -e never.safetensors ] && ok "config: [Train] is warned of, once; [tune] and [space] are not" || bad "config: [Train] is warned of" "$(cat err.txt)"
# [] is no section: inih took it for the top level, and read the keys under it as every command's
printf '[train]\ndata = blobs.csv\nlayers = 4\n[]\nepochs = abc\n' >nosection.ini
expect_error "config: [] is refused" 2 "^hone train: nosection.ini:4: \[\] names no section: give the command's \(\[train\], \[predict\], ...\), or leave the line out for keys every command reads$" -- \
    train --config nosection.ini --quiet
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = tunesection.jsonl\n[space]\nlr = log 1e-3 1\n[trian]\nepochs = 1\n[train]\ndata = blobs.csv\nlayers = 4\n' >tunesection.ini
rm -f tunesection.jsonl
"$hone" tune --config tunesection.ini --quiet >out.txt 2>err.txt
[ "$(grep -c 'no section \[trian\] is read' err.txt)" = 1 ] && ok "tune: a section no command reads is warned of once" || bad "tune: [trian] warned of once" "$(cat err.txt)"
printf '[train]\ndata = %s\n' "$(printf './%.0s' $(seq 91))nope9.csv" >longest.ini
[ "$(sed -n 2p longest.ini | awk '{ print length($0) }')" = 198 ] || bad "config: longest.ini's line is 198 characters"
expect_error "config: the longest line inih reads is read" 1 "nope9.csv" -- train --config longest.ini --layers 4 --epochs 1
printf '[space]\n# %0199d\nlr = log 1e-3 1\n' 0 >tunelong.ini
expect_error "tune: a config line too long names its line" 2 "^hone tune: tunelong.ini:2: line longer than 198 characters$" -- tune --config tunelong.ini
expect_error "missing config" 2 "^hone train: nope.ini: cannot open: No such file or directory$" -- train --config nope.ini
expect_error "tune: missing config" 2 "^hone tune: nope.ini: cannot open: No such file or directory$" -- tune --config nope.ini

# --- bad data ------------------------------------------------------------------------------------
expect_error "missing data file" 1 "missing.csv" -- train --data missing.csv
expect_error "truncated IDX" 1 "truncated.idx" "truncated" -- train --data truncated.idx --labels labels2.idx
expect_error "IDX wrong magic" 1 "wrongmagic.idx" "not an IDX file" -- train --data wrongmagic.idx --labels labels2.idx
expect_error "ragged CSV" 1 "ragged.csv" "line 4" "expected 3 fields, got 2" -- train --data ragged.csv
expect_error "non-numeric CSV" 1 "nonnumeric.csv" "line 3" "x4" -- train --data nonnumeric.csv
printf 'a,b,label\n1,2\r,0\n3,4,1\n' >midcr.csv
expect_error "a CR inside a CSV line, shown escaped" 1 '^hone train: midcr.csv: line 2, column 2 \('"'b'"'\): not a number: "2\\r"$' -- \
    train --data midcr.csv --layers 4 --epochs 1
# A first row with one missing value is data that fails on it, not a header silently dropped.
printf '1,NA,0\n2,3,1\n4,5,0\n' >na.csv
expect_error "a first row with an NA is data, not a header" 1 \
    "^hone train: na.csv: line 1, column 2: not a number: \"NA\" \(the row has numbers, so it is data, not a header: a header has no numeric field\)$" -- \
    train --data na.csv --layers 4 --epochs 1
expect_ok "--header yes still reads such a row as names" train --data na.csv --header yes --dev 0 --test 0 --layers 4 --epochs 1 --quiet
grep -q "^  train      2 rows" out.txt && ok "--header yes: the 2 rows after the names" || bad "--header yes: the 2 rows after the names" "$(cat out.txt)"
# A UTF-8 byte-order mark (as spreadsheets export) before the header.
{ printf '\xef\xbb\xbf'; sed 's/^a,/f0,/' blobs.csv; } >bom.csv
expect_ok "a CSV starting with a UTF-8 BOM: the first name matches" train --data bom.csv --label-column f0 --regression --layers 4 --epochs 1 --quiet
{ printf '\xef\xbb\xbf'; tail -n +2 blobs.csv; } >bomdata.csv
expect_ok "a headerless CSV starting with a UTF-8 BOM" train --data bomdata.csv --layers 4 --epochs 1 --dev 0 --test 0 --quiet
grep -q "^  train    300 rows" out.txt && ok "a headerless CSV starting with a UTF-8 BOM: all 300 rows" || bad "a headerless CSV starting with a UTF-8 BOM: all 300 rows" "$(cat out.txt)"
# --label-column read strictly: a number atoi wrapped, or one past int, is a usage error, not the
# last column or another; -1 is the last, as the range message says; past the file's columns
# names the option and the column count.
expect_error "--label-column 4294967295 is not -1" 2 "^hone train: --label-column 4294967295: index too large \(0-based column index, -1 or last for the last column, or a column name\)$" -- \
    train --data blobs.csv --label-column 4294967295 --layers 4 --epochs 1
expect_error "--label-column past int" 2 "^hone train: --label-column 99999999999: index too large" -- \
    train --data blobs.csv --label-column 99999999999 --layers 4 --epochs 1
expect_error "--label-column -2" 2 "^hone train: --label-column -2: the only negative index is -1, the last column$" -- \
    train --data blobs.csv --label-column -2 --layers 4 --epochs 1
expect_ok "--label-column -1 is the last column" train --data blobs.csv --label-column -1 --layers 4 --epochs 1 --json
last=$(cat out.txt)
"$hone" train --data blobs.csv --label-column 4 --layers 4 --epochs 1 --json >out.txt 2>err.txt
[ "$(sed 's/"seconds": [^,]*, "samples_per_s": [^,]*, //' out.txt)" = "$(printf '%s\n' "$last" | sed 's/"seconds": [^,]*, "samples_per_s": [^,]*, //')" ] \
    && ok "--label-column -1 trains as --label-column 4 (the last of 5)" || bad "--label-column -1 trains as --label-column 4" "$last" "$(cat out.txt)"
expect_error "--label-column past the columns" 1 "^hone train: --label-column: blobs.csv: label column 5 is out of range: the rows have 5 columns \(0\.\.4, or -1 for the last\)$" -- \
    train --data blobs.csv --label-column 5 --layers 4 --epochs 1
expect_error "--label-column past a test file's columns" 1 "^hone train: --label-column: na.csv: label column 4 is out of range: the rows have 3 columns" -- \
    train --data blobs.csv --test-data na.csv --label-column 4 --layers 4 --epochs 1
expect_error "--label-column past the columns (inspect)" 1 "^hone inspect: --label-column: blobs.csv: label column 7 is out of range" -- \
    inspect --data blobs.csv --label-column 7 --layers 4
expect_error "--label-column that is not a number is a name" 1 "^hone train: blobs.csv: no column named '3x'" -- \
    train --data blobs.csv --label-column 3x --layers 4 --epochs 1
# a model keeps its CSV label column: eval and predict read it without --label-column (they read
# the last column, and scored a label-first model against its last feature, exit 0)
awk -F, 'BEGIN { OFS = "," } { print $5, $1, $2, $3, $4 }' blobs.csv >first.csv
awk -F, 'BEGIN { OFS = "," } NR > 1 { print $5, $1, $2, $3, $4 }' blobs.csv >first-nohdr.csv
for by in label 0; do
    expect_ok "a label-first model (--label-column $by)" train --data first.csv --label-column $by --layers 8 --epochs 5 --quiet --save first-$by.st
    grep -aq "label_column[^,}]*$by" first-$by.st && ok "the model file keeps --label-column $by" || bad "the model file keeps --label-column $by"
    "$hone" eval first-$by.st --data first.csv --label-column $by >given.txt 2>&1
    expect_ok "eval of a label-first model ($by) without --label-column" eval first-$by.st --data first.csv
    cmp -s out.txt given.txt && ok "eval reads the model's label column ($by), as given" || bad "eval reads the model's label column ($by)" "$(cat out.txt given.txt)"
    "$hone" predict first-$by.st --data first.csv --label-column $by >given.txt 2>&1
    expect_ok "predict with the model's label column ($by)" predict first-$by.st --data first.csv
    cmp -s out.txt given.txt && ok "predict reads the model's label column ($by)" || bad "predict reads the model's label column ($by)" "$(head -3 out.txt given.txt)"
done
cut -d, -f2- first.csv >first-features.csv
expect_ok "predict on the features alone, the model's label column named in training" predict first-label.st --data first-features.csv
grep -q "read as the features alone" err.txt && [ "$(wc -l <out.txt)" -eq 300 ] && ok "the features alone are the rows to predict on" \
    || bad "the features alone" "$(head -3 err.txt out.txt)"
"$hone" eval first-label.st --data first-nohdr.csv --label-column 0 >given.txt 2>&1
expect_ok "a headerless file for a model whose label column has a name: by the column's index" eval first-label.st --data first-nohdr.csv
cmp -s out.txt given.txt && ok "a headerless file reads the model's label column by its index" || bad "a headerless file by index" "$(cat out.txt given.txt)"
expect_error "a file without the model's named label column" 1 \
    "^hone eval: first-features.csv: rows have 4 columns, the model's 4 features, and no label column to compare with \('label' is the model's label column, from its training data: give --label-column for this file\)$" -- \
    eval first-label.st --data first-features.csv
# the model's label column by index, beyond a file's columns: said as the model's, not as an option
awk -F, 'BEGIN { OFS = "," } { print $1, $2, $5, $3, $4 }' blobs.csv >middle.csv
expect_ok "a model of label column 2" train --data middle.csv --label-column 2 --layers 4 --epochs 1 --quiet --save col2.st
cut -d, -f1,2 blobs.csv >two-columns.csv
expect_error "the model's label column beyond a --test-data file's columns" 1 \
    "^hone diagnose: two-columns.csv: label column 2 is out of range: the rows have 2 columns \(0\.\.1, or -1 for the last\) \(column 2 is the model's label column, from its training data: give --label-column for this file\)$" -- \
    diagnose col2.st --data middle.csv --test-data two-columns.csv
# a name that is the last column is the default: the model keeps nothing, and a headerless file is read
expect_ok "a model trained on its last column by name" train --data blobs.csv --label-column label --layers 4 --epochs 1 --quiet --save last-named.st
! grep -aq "label_column" last-named.st && ok "a last label column is not kept" || bad "a last label column is not kept"
tail -n +2 blobs.csv >blobs-nohdr.csv
expect_ok "its headerless rows are scored" eval last-named.st --data blobs-nohdr.csv
# the model's label column in a --test-data file, said so
expect_ok "a label-first model, test rows of their own" train --data first.csv --label-column label --test-data first.csv --layers 4 --epochs 1 --quiet --save first-sep.st
sed '1s/label/y/' blobs.csv >blobs-y.csv
expect_error "diagnose: --test-data without the model's label column" 1 "^hone diagnose: blobs-y.csv: no column named 'label' \(columns: .*\) \('label' is the model's label column, from its training data: give --label-column for this file\)$" -- \
    diagnose first-sep.st --data first.csv --test-data blobs-y.csv
"$hone" diagnose first-sep.st --data first.csv --test-data first.csv --label-column label >given.txt 2>&1
expect_ok "diagnose: headerless --test-data read by the model's label column's index" diagnose first-sep.st --data first.csv --test-data first-nohdr.csv
cmp -s out.txt given.txt && ok "headerless test rows score as the same rows with a header" || bad "headerless test rows by index" "$(cat out.txt given.txt)"
# classes with no rows are warned of: labels counted from 1, or numbers that are no classes
# (class_warning NAME FILE AWK-LABEL WARNING: blobs.csv's labels, $5, rewritten by AWK-LABEL)
class_warning() {
    awk -F, "NR == 1 { print; next } { $3; print }" OFS=, blobs.csv >"$2"
    expect_ok "$1 train" train --data "$2" --layers 4 --epochs 1 --quiet
    grep -qxF "hone train: warning: $2: $4" err.txt && ok "$1: warned of" || bad "$1: warned of" "$(cat err.txt)"
}
class_warning "labels counted from 1" from1.csv '$5 = $5 + 1' \
    "class 0 has no rows among labels 0 to 3 (labels counted from 1?); it is an output all the same"
class_warning "labels 0, 100, 200" sparse.csv '$5 = $5 * 100' \
    "198 of the 201 classes (labels 0 to 200) have no rows; each is an output all the same (real-valued targets? they need --regression)"
class_warning "one class" oneclass.csv '$5 = 2' "every label is 2: one class, nothing to tell apart"
class_warning "labels 0 and 2 (none counted from 1)" gap.csv 'if ($5 == 1) $5 = 0' \
    "class 1 has no rows among labels 0 to 2; it is an output all the same"
# of an .npy file the labels come from --labels, and the warning names that file, not the features'
npy_file '|u1' '(6,)' 1 2 3 1 2 3 >y6from1.npy
expect_ok "npy labels counted from 1 train" train --data x6.npy --labels y6from1.npy --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: y6from1.npy: class 0 has no rows among labels 0 to 3 (labels counted from 1?); it is an output all the same" err.txt \
    && ok "npy labels counted from 1: the labels file is named" || bad "npy labels counted from 1: the labels file is named" "$(cat err.txt)"
# a feature that varies little around a large value is mostly float32's rounding: said so
awk 'BEGIN { srand(4); print "a,b,label"; for (i = 0; i < 300; i++) { c = i % 2; printf "%.3f,%.3f,%d\n", 1e8 + 20*c + 10*rand(), rand(), c } }' >offset.csv
expect_ok "a feature of 1e8 and a little trains" train --data offset.csv --layers 4 --epochs 1 --quiet
grep -Eq "^hone train: warning: offset.csv: feature 1 varies by [0-9.]+ around 1e\+08, where float32 holds steps of 8; subtract an offset from it in the data$" err.txt \
    && ok "float32's steps at a feature's mean are warned of" || bad "float32's steps at a feature's mean" "$(cat err.txt)"
# and so a target: learnt standardized, its predictions come back in float32's steps of 8
awk 'BEGIN { srand(4); print "a,b,y"; for (i = 0; i < 300; i++) { a = rand(); printf "%.3f,%.3f,%.3f\n", a, rand(), 1e8 + 100*a } }' >offset-y.csv
expect_ok "a target of 1e8 and a little trains" train --data offset-y.csv --regression --layers 4 --epochs 1 --quiet
grep -Eq "^hone train: warning: offset-y.csv: the target varies by [0-9.]+ around 1e\+08, where float32 holds steps of 8, and so do its predictions; subtract an offset from it in the data$" err.txt \
    && ok "float32's steps at a target's mean are warned of" || bad "float32's steps at a target's mean" "$(cat err.txt)"
# a target of one value (an id or flag column taken for it) has nothing to learn: said, as of one class
awk 'BEGIN { srand(4); print "a,b,y"; for (i = 0; i < 100; i++) printf "%.3f,%.3f,5\n", rand(), rand() }' >const-y.csv
expect_ok "a constant target trains" train --data const-y.csv --regression --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: const-y.csv: the target is 5 in every row: there is nothing to learn" err.txt &&
    ok "a constant target is warned of" || bad "a constant target is warned of" "$(cat err.txt)"
grep -qF "(mean squared error in the targets' own units, squared)" out.txt &&
    ok "a constant target's error is in its own units (its std is 1)" || bad "a constant target's error" "$(cat out.txt)"
# one that varies by less than float32's step there is constant once held: warned of from the file
awk 'BEGIN { srand(5); print "a,b,label"; for (i = 0; i < 300; i++) { c = i % 2; printf "%d,%.1f,%d\n", i, 1e8 + 3*rand(), c } }' >flat.csv
expect_ok "a feature of 1e8 and less than a step trains" train --data flat.csv --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: flat.csv: feature 2 varies in the file, but float32 holds every value of it as 100000000: training sees it as constant; subtract an offset from it in the data" err.txt \
    && ok "a feature float32 holds as one value is warned of" || bad "a feature float32 holds as one value" "$(cat err.txt)"
awk 'BEGIN { srand(6); print "a,y"; for (i = 0; i < 100; i++) printf "%d,%.2f\n", i, 1e8 + 3*rand() }' >flat-y.csv
expect_ok "a target of 1e8 and less than a step trains" train --data flat-y.csv --regression --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: flat-y.csv: the target varies in the file, but float32 holds every value of it as 100000000: there is nothing to learn; subtract an offset from it in the data" err.txt \
    && ok "a target float32 holds as one value is warned of" || bad "a target float32 holds as one value" "$(cat err.txt)"
# of two targets (an .npy file of float64), the one that collapses is named by its column, in its
# own file (the data's name was given)
npy_f4 x100.npy "100, 2" $(awk 'BEGIN { srand(7); for (i = 0; i < 200; i++) print rand() }')
npy_file '<f8' '(100, 2)' $(perl -e 'srand(8); print join(" ", unpack("C*", pack("d<*", map { (rand(), 1e8 + rand(3)) } 1 .. 100)))') >flat-y2.npy
expect_ok "two targets, the second of 1e8 and less than a step, train" train --data x100.npy --labels flat-y2.npy --regression --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: flat-y2.npy: the target in column 2 varies in the file, but float32 holds every value of it as 100000000: there is nothing to learn; subtract an offset from it in the data" err.txt \
    && ok "a target column float32 holds as one value is named" || bad "a target column float32 holds as one value" "$(cat err.txt)"
expect_ok "every class present" train --data blobs.csv --layers 4 --epochs 1 --quiet
[ ! -s err.txt ] && ok "no warning when every class has rows" || bad "no warning when every class has rows" "$(cat err.txt)"
# --delimiter: another separator, kept with the model for eval and predict
tr , ';' <blobs.csv >semi.csv
expect_error "a ';' file read with ','" 1 "^hone train: semi.csv: line 1: 1 field: need at least 2 \(features and a label\) \(fields separated by ';'\? the delimiter is ','\)$" -- \
    train --data semi.csv --layers 4 --epochs 1
expect_ok "--delimiter ';' trains" train --data semi.csv --delimiter ';' --layers 8 --epochs 3 --quiet --save semi.st
"$hone" eval semi.st --data semi.csv --delimiter ';' >given.txt 2>&1
expect_ok "eval reads the model's delimiter" eval semi.st --data semi.csv
cmp -s out.txt given.txt && ok "eval without --delimiter reads as with the model's" || bad "eval reads as with the model's delimiter" "$(cat out.txt given.txt)"
expect_ok "--delimiter given wins over the model's" eval semi.st --data blobs.csv --delimiter ,
tr , '\t' <blobs.csv >tabs.csv
expect_ok "--delimiter tab" train --data tabs.csv --delimiter tab --layers 4 --epochs 1 --quiet --save tabs.st
# a tab written as the two characters \t (as a config file or a shell without $'\t' gives it) is a tab too
expect_ok "--delimiter '\\t' is a tab" train --data tabs.csv --delimiter '\t' --layers 4 --epochs 1 --quiet
expect_error "a ',' file for a model of tabs: the delimiter is the model's" 1 \
    "^hone eval: blobs.csv: line 1: 1 field: need at least 2 \(features and a label\) \(fields separated by ','\? the delimiter is tab\) \(tab is its delimiter, from its training data: give --delimiter for this file\)$" -- \
    eval tabs.st --data blobs.csv
printf '[train]\ndelimiter = semicolon\n' >semi.ini
expect_ok "delimiter = semicolon in a config file (';' starts an INI comment)" train --config semi.ini --data semi.csv --layers 4 --epochs 1 --quiet
expect_error "--delimiter of two characters" 2 "^hone train: --delimiter: expected one character, tab or semicolon, got ';;'$" -- train --data semi.csv --delimiter ';;'
# one byte of another encoding (Latin-1's section sign) trained, and the model's metadata, UTF-8,
# could not keep it: the model went unsaved at the run's end
expect_error "--delimiter of a byte that is not ASCII" 2 "^hone train: --delimiter: byte 0xa7 is not an ASCII character \(another encoding's\?\): use an ASCII separator, tab or semicolon$" -- \
    train --data semi.csv --delimiter $'\xa7'
expect_error "--delimiter with IDX data" 2 "^hone train: --delimiter is for CSV data, and img6.idx is an IDX images file$" -- \
    train --data img6.idx --labels lab6.idx --delimiter ';'
gzip -c img6.idx >img6.idx.gz
expect_error "--delimiter with gzipped IDX data" 2 "^hone train: --delimiter is for CSV data, and img6.idx.gz is an IDX images file$" -- \
    train --data img6.idx.gz --labels lab6.idx --delimiter ';'
cp tabs.csv tabs.tsv
expect_error "--delimiter tab with a .tsv file" 2 "^hone train: --delimiter is for CSV data, and tabs.tsv is read as IDX images: a CSV file needs the .csv name \(the reader is picked by the name\)$" -- \
    train --data tabs.tsv --delimiter tab
printf '[train]\ndata = semi.csv\ndelimiter = ;\n' >semi-comment.ini
expect_error "delimiter = ; in a config file" 2 "semi-comment.ini:3: --delimiter: expected one character, tab or semicolon, got '' \(in a config file, ';' starts a comment: write semicolon\)$" -- \
    train --config semi-comment.ini
cut -d, -f1,2,3,4 first.csv >first-short.csv
expect_error "a file a feature short, its label column found by the model's name" 1 "^hone predict: first-short.csv: rows have 3 features, the model expects 4$" -- \
    predict first-label.st --data first-short.csv
# Features with no labels: the output layer would have 0 units; say what is missing instead.
expect_ok "the npy fixture trains with its labels" train --data x6.npy --labels y6.npy --dev 1 --test 1 --layers 4 --epochs 1 --quiet
# the same rows in Fortran order (as numpy saves x.T or any F-contiguous array: column by column)
# are read as the C-order file: a model's probabilities on the two are the same
order=F npy_file '|u1' '(6, 4)' $(for c in 0 1 2 3; do for r in 0 1 2 3 4 5; do echo $((10 + 4 * r + c)); done; done) >x6f.npy
expect_ok "an .npy file in Fortran order trains" train --data x6f.npy --labels y6.npy --layers 4 --epochs 1 --quiet --seed 3 --save x6.safetensors
"$hone" predict x6.safetensors --data x6.npy --probabilities >c-order.txt 2>&1
"$hone" predict x6.safetensors --data x6f.npy --probabilities >f-order.txt 2>&1
[ "$(sort -u c-order.txt | wc -l)" -eq 6 ] && cmp -s c-order.txt f-order.txt && ok "Fortran order: the rows of the C-order file" \
    || bad "Fortran order: the rows of the C-order file" "$(paste c-order.txt f-order.txt)"
for cmd in train gradcheck inspect; do
    expect_error "$cmd: an .npy file without --labels" 2 "^hone $cmd: x6.npy: the data has no labels: give --labels FILE with the class labels \(or real-valued targets, with --regression\)$" -- \
        $cmd --data x6.npy --layers 4
done
expect_error "an .npy file without --labels, regression" 2 "^hone train: x6.npy: the data has no targets: give --labels FILE with the regression targets$" -- \
    train --data x6.npy --regression --layers 4 --epochs 1
expect_error "an IDX images file without --labels" 2 "^hone train: img6.idx: the data has no labels: give --labels FILE" -- \
    train --data img6.idx --layers 4 --epochs 1
# A label no model can have: the file's error, not the model's 'units must be in [1, 16777216]'.
printf 'a,b,label\n1,2,0\n3,4,2000000000\n5,6,1\n' >biglabel.csv
expect_error "a label past the largest class index" 1 "^hone train: biglabel.csv: line 3, column 3 \('label'\): label 2000000000 is above the largest class index a model can have, 16777215 \(one output unit per class, at most 16777216\)$" -- \
    train --data biglabel.csv --layers 4 --epochs 1
# A labels file is read for .npy and IDX images data only; with a CSV file or an IDX directory it
# was ignored. A usage error, for --test-labels too; a missing --data is still the load's error.
expect_error "--labels with a CSV file" 2 "^hone train: --labels nosuch.npy: a labels file is only for an .npy or IDX images file, and blobs.csv is a CSV file, whose labels are a column \(--label-column\)$" -- \
    train --data blobs.csv --labels nosuch.npy --layers 4 --epochs 1
mkdir -p idxdir
expect_error "--labels with an IDX directory" 2 "^hone train: --labels y6.npy: a labels file is only for an .npy or IDX images file, and idxdir is an IDX directory, which holds its own labels \(train-labels-idx1-ubyte\)$" -- \
    train --data idxdir --labels y6.npy --layers 4 --epochs 1
expect_error "--labels with a CSV file (eval)" 2 "^hone eval: --labels y6.npy: a labels file is only for an .npy or IDX images file, and blobs.csv is a CSV file" -- \
    eval nosuch.safetensors --data blobs.csv --labels y6.npy
expect_error "--test-labels with a CSV test file" 2 "^hone train: --test-labels y6.npy: a labels file is only for an .npy or IDX images file, and blobs.csv is a CSV file" -- \
    train --data blobs.csv --test-data blobs.csv --test-labels y6.npy --layers 4 --epochs 1
# --label-column and --header read CSV data only, and --regression cannot take IDX labels (bytes,
# read as classes): each was ignored without a word.
expect_error "--label-column with an .npy file" 2 "^hone train: --label-column is for CSV data, and x6.npy is an .npy file, whose labels come from --labels$" -- \
    train --data x6.npy --labels y6.npy --label-column 0 --layers 4 --epochs 1
expect_error "--label-column with an IDX directory" 2 "^hone eval: --label-column is for CSV data, and idxdir is an IDX directory, whose labels are its train-labels-idx1-ubyte$" -- \
    eval nosuch.safetensors --data idxdir --label-column last2
expect_error "--header with an IDX images file" 2 "^hone predict: --header is for CSV data, and img6.idx is an IDX images file$" -- \
    predict nosuch.safetensors --data img6.idx --header no
expect_ok "--header with a CSV file" train --data blobs.csv --header yes --layers 4 --epochs 1 --quiet
expect_ok "IDX images with IDX labels" train --data img6.idx --labels lab6.idx --dev 1 --layers 4 --epochs 1 --quiet
expect_error "--regression with IDX labels" 2 "^hone train: --regression: lab6.idx: IDX labels are class indices \(unsigned bytes\), not regression targets; give the targets as a CSV column or an .npy file$" -- \
    train --data img6.idx --labels lab6.idx --regression --layers 4 --epochs 1
expect_error "--labels with a missing --data" 1 "^hone train: nosuch.csv: No such file or directory$" -- \
    train --data nosuch.csv --labels y6.npy --layers 4 --epochs 1
expect_ok "--test-labels with an .npy test file" train --data x6.npy --labels y6.npy --test-data x6.npy --test-labels y6.npy --dev 1 --layers 4 --epochs 1 --quiet
# A compressed CSV cut short: halfway (it read as a malformed row), or by its 8-byte trailer only
# (every row there, so it read as the whole file).
gzip -c blobs.csv >blobs.csv.gz
head -c $(($(wc -c <blobs.csv.gz) / 2)) blobs.csv.gz >half.csv.gz
head -c $(($(wc -c <blobs.csv.gz) - 8)) blobs.csv.gz >notrailer.csv.gz
expect_error "a gzip CSV cut halfway" 1 "^hone train: half.csv.gz: truncated or corrupt gzip data: the compressed stream ends early, after [0-9]+ decompressed bytes" -- \
    train --data half.csv.gz --layers 4 --epochs 1
expect_error "a gzip CSV cut in its trailer" 1 "^hone train: notrailer.csv.gz: truncated or corrupt gzip data: the compressed stream ends early, after $(wc -c <blobs.csv) decompressed bytes" -- \
    train --data notrailer.csv.gz --layers 4 --epochs 1
# Rows appended plain after a gzip stream (zlib's gzread skipped them: 150 of 300 rows read without
# a word); concatenated gzip members are one gzip file and are read whole.
{ head -n 151 blobs.csv | gzip -c; tail -n +152 blobs.csv; } >appended.csv.gz
{ head -n 151 blobs.csv | gzip -c; tail -n +152 blobs.csv | gzip -c; } >members.csv.gz
expect_error "rows appended plain to a gzip CSV" 1 "^hone train: appended.csv.gz: $(tail -n +152 blobs.csv | wc -c) bytes after the end of the gzip stream \($(head -n 151 blobs.csv | wc -c) bytes decompressed\) are not gzip data" -- \
    train --data appended.csv.gz --layers 4 --epochs 1
if "$hone" train --data members.csv.gz --layers 4 --epochs 1 --dev 0 --test 0 >out.txt 2>err.txt &&
    grep -Eq '^ +train +300 rows' out.txt; then ok "a gzip CSV of two members reads both"
else bad "a gzip CSV of two members reads both" "$(head -c 300 err.txt)" "$(head -n 3 out.txt)"; fi
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
# the model's checksums: a bit flipped in its weights, or a digit of its metadata, is damage, named
# with both checksums; the same file without them (an older hone's) loads unchecked, which inspect
# says; a checksum that is not 8 hex digits is refused
flip_data() { perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $n, 8; seek F, 8 + unpack("Q<", $n) + 9, 0; read F, $c, 1; seek F, -1, 1; print F chr(ord($c) ^ 1)' "$1"; }
cp blobs.safetensors flipped.safetensors && flip_data flipped.safetensors
damaged="is damaged: checksum \(CRC-32\) expected [0-9a-f]{8}, computed [0-9a-f]{8}$"
for cmd in eval predict inspect diagnose; do
    expect_error "$cmd: a bit flipped in the weights" 1 "^hone $cmd: flipped.safetensors: the tensor data $damaged" -- $cmd flipped.safetensors --data blobs.csv
done
expect_error "train --init: a bit flipped in the weights" 1 "^hone train: flipped.safetensors: the tensor data $damaged" -- train --data blobs.csv --epochs 1 --init flipped.safetensors
perl -pe 's/(\\"epochs\\": )(\d)/$1 . ($2 ^ 1)/e' blobs.safetensors >meta-flipped.safetensors
if cmp -s blobs.safetensors meta-flipped.safetensors; then bad "the recorded epochs were not rewritten" "$(grep -ao 'epochs[^,]*' blobs.safetensors)"
else expect_error "diagnose: a digit changed in the metadata" 1 "^hone diagnose: meta-flipped.safetensors: the metadata $damaged" -- diagnose meta-flipped.safetensors --data blobs.csv; fi
cp flipped.safetensors unsealed.safetensors && unseal unsealed.safetensors
expect_ok "eval: a model without checksums loads" eval unsealed.safetensors --data blobs.csv
# a bare model and --model that differ: the later silently won (eval evaluated the other model)
for cmd in eval predict diagnose inspect; do
    expect_error "$cmd: --model and a bare model that differ" 2 "^hone $cmd: --model blobs.safetensors and the bare argument unsealed.safetensors differ; give one$" -- \
        $cmd --model blobs.safetensors unsealed.safetensors --data blobs.csv
done
expect_error "eval: a bare model and then --model that differ" 2 "^hone eval: --model unsealed.safetensors and the bare argument blobs.safetensors differ; give one$" -- \
    eval blobs.safetensors --model=unsealed.safetensors --data blobs.csv
expect_error "plot: --metrics and a bare file that differ" 2 "^hone plot: --metrics a.csv and the bare argument b.csv differ; give one$" -- plot --metrics a.csv b.csv
expect_ok "eval: a bare model and --model the same" eval blobs.safetensors --model blobs.safetensors --data blobs.csv
expect_ok "inspect: a model with checksums" inspect blobs.safetensors --data blobs.csv
grep -qx "blobs.safetensors: checksums of the data and metadata verified" out.txt && ok "inspect says the checksums verified" || bad "inspect says the checksums verified" "$(head -2 out.txt)"
expect_ok "inspect: a model without checksums" inspect unsealed.safetensors --data blobs.csv
grep -qx "unsealed.safetensors: no checksums (written by an older hone): loaded unchecked" out.txt && ok "inspect says a model has no checksums" || bad "inspect says a model has no checksums" "$(head -2 out.txt)"
perl -pe 's/"crc32": "[0-9a-f]{7}/"crc32": "xyzw123/' blobs.safetensors >badkey.safetensors
expect_error "eval: a checksum that is not 8 hex digits" 1 "^hone eval: badkey.safetensors: __metadata__ 'crc32' must be 8 hex digits, got 'xyzw123[0-9a-f]'$" -- eval badkey.safetensors --data blobs.csv
# the model keeps its training header's feature names: a file whose header has them in another
# order (its rows scored against the wrong weights, silently) or names others is refused
awk -F, 'BEGIN { OFS = "," } { print $2, $1, $3, $4, $5 }' blobs.csv >swapped.csv
expect_error "eval: the features in another order" 1 "^hone eval: swapped.csv: its header has the features of the model's training data in another order: feature 1 is 'b', and was 'a' there; put the columns in that order$" -- \
    eval blobs.safetensors --data swapped.csv
cut -d, -f1-4 swapped.csv >swapped-features.csv
expect_error "predict: features alone in another order" 1 "^hone predict: swapped-features.csv: its header has the features" -- \
    predict blobs.safetensors --data swapped-features.csv
sed '1s/^a,/x,/' blobs.csv >renamed.csv
expect_error "eval: a feature named otherwise" 1 "^hone eval: renamed.csv: feature 1 is 'x' in its header, and was 'a' in the model's training data: are these the same features\? \(give them the same names\)$" -- \
    eval blobs.safetensors --data renamed.csv
# predict on a file a feature short that still has its label: read as four features, the label the
# fourth (the model keeps no label column, trained on the last), and named so by the header
cut -d, -f1,2,3,5 blobs.csv >short.csv
expect_error "predict: a feature short, its label read as a feature" 1 "^hone predict: short.csv: feature 4 is 'label' in its header, and was 'd' in the model's training data" -- \
    predict blobs.safetensors --data short.csv
tail -n +2 swapped.csv >swapped-noheader.csv
expect_ok "eval: a file without a header is taken at its word" eval blobs.safetensors --data swapped-noheader.csv
expect_error "train --test-data: the features in another order" 1 "^hone train: swapped.csv: its header has the features of blobs.csv in another order" -- \
    train --data blobs.csv --test-data swapped.csv --layers 4 --epochs 1
expect_error "train --init: the features in another order" 1 "^hone train: swapped.csv: its header has the features of the training data of --init blobs.safetensors in another order" -- \
    train --data swapped.csv --init blobs.safetensors --epochs 1
expect_error "diagnose: the features in another order" 1 "^hone diagnose: swapped.csv: its header has the features of the model's training data in another order" -- \
    diagnose blobs.safetensors --data swapped.csv
# a header in another encoding than UTF-8 (a Latin-1 export): the names, which a model file's
# header cannot hold, are not kept, and the model is saved (it was not, after its training)
{ printf 'temp\xe9rature,b,c,d,label\n'; tail -n +2 blobs.csv; } >latin1.csv
expect_ok "train on a header that is not UTF-8" train --data latin1.csv --layers 4 --epochs 1 --quiet --save latin1.safetensors
expect_ok "eval the model of a header that is not UTF-8" eval latin1.safetensors --data latin1.csv
# a label column named so: kept by its index, not by the name, which left the model unsaved
{ printf '\xe9tiquette,a,b,c,d\n'; tail -n +2 blobs.csv | awk -F, -v OFS=, '{ print $5, $1, $2, $3, $4 }'; } >latin1-first.csv
expect_ok "train on a label column whose name is not UTF-8" train --data latin1-first.csv --label-column $'\xe9tiquette' --layers 8 --epochs 20 --lr 0.05 --quiet --save latin1-first.safetensors
"$hone" eval latin1-first.safetensors --data latin1-first.csv --label-column 0 >given.txt 2>&1
expect_ok "eval reads that model's label column by its index" eval latin1-first.safetensors --data latin1-first.csv
cmp -s out.txt given.txt && grep -Eq "accuracy +(9[0-9]|100)\." out.txt && ok "the label column of a name not UTF-8 is read as by --label-column 0" \
    || bad "the label column of a name not UTF-8" "$(cat out.txt given.txt)"
# a model is evaluated only on data it can score: classes it has, as many targets as it predicts
awk -F, 'NR == 1 || $5 != 2' blobs.csv >two.csv
expect_ok "a binary model (one sigmoid output)" train --data two.csv --layers 4 --epochs 1 --quiet --save two.safetensors
expect_ok "train on two classes" train --data two.csv --layers 4 --epochs 1
grep -qx "network: 4-4-1 relu, sigmoid_ce loss, 25 parameters" err.txt && ok "two classes: one sigmoid output" || bad "two classes: one sigmoid output" "$(grep network err.txt)"
expect_ok "inspect a binary network" inspect --data two.csv --layers 4
grep -Eq '^batch of 200 rows, loss [0-9.]+ \(0\.5 for every output: 0\.6931\)$' out.txt && ok "inspect: a sigmoid output's baseline, log 2" ||
    bad "inspect: a sigmoid output's baseline" "$(cat out.txt)"
expect_error "eval: three classes on a binary model" 1 "^hone eval: blobs.csv: labels go up to 2, the model has 2 classes$" -- eval two.safetensors --data blobs.csv
expect_ok "eval: the binary model on its own data" eval two.safetensors --data two.csv
grep -Eq "^two.safetensors on 200 rows: loss [0-9.]+  accuracy [0-9]+\.[0-9]{2}%$" out.txt && ok "eval's line: one space before rows, accuracy to 0.01%" || bad "eval's line" "$(cat out.txt)"
expect_ok "a model of two regression targets" train --data x4.npy --labels y2.npy --regression --layers 4 --epochs 1 --quiet --save y2.safetensors
expect_error "eval: one target on a model of two, naming the targets file" 1 "^hone eval: y1.npy: rows have 1 target, the model predicts 2$" -- \
    eval y2.safetensors --data x4.npy --labels y1.npy --regression
expect_ok "predict labels" predict blobs.safetensors --data blobs.csv --output labels.txt
[ "$(wc -l <labels.txt)" -eq 300 ] && grep -Eqx '[0-2]' labels.txt && ok "predict writes one label per row" || bad "predict writes one label per row" "$(head -3 labels.txt)"
agree=$(tail -n +2 blobs.csv | cut -d, -f5 | paste -d' ' - labels.txt | awk '$1 == $2' | wc -l)
[ "$agree" -ge 270 ] && ok "predicted labels match ($agree/300)" || bad "predicted labels match" "$agree/300"
# eval --confusion: the matrix is the rows of each true class (a row) predicted as each class (a
# column), as predict's labels against the file's give it; its trace is eval's accuracy
tail -n +2 blobs.csv | cut -d, -f5 | paste -d' ' - labels.txt |
    awk '{ n[$1 "," $2]++ } END { printf "[["; for (t = 0; t < 3; t++) for (p = 0; p < 3; p++) printf "%d%s", n[t "," p], p < 2 ? ", " : t < 2 ? "], [" : "]]\n" }' >want-confusion.txt
expect_ok "eval --confusion --json" eval blobs.safetensors --data blobs.csv --confusion --json
sed -n 's/.*"confusion": \(\[\[[^"]*\]\]\).*/\1/p' out.txt >got-confusion.txt
cmp -s want-confusion.txt got-confusion.txt && ok "eval --confusion: predict's labels against the true ones" ||
    bad "eval --confusion: predict's labels against the true ones" "want $(cat want-confusion.txt), got $(cat out.txt)"
acc=$(sed -n 's/.*"accuracy": \([0-9.e-]*\).*/\1/p' out.txt)
awk -v a="$acc" -F'[][, ]+' '{ if ((a - ($2 + $6 + $10) / 300)^2 > 1e-12) exit 1 }' got-confusion.txt &&
    grep -q '"recall": \[[0-9.]*, [0-9.]*, [0-9.]*\], "precision": \[' out.txt && ok "eval --confusion: its trace is the accuracy; recall and precision" ||
    bad "eval --confusion: its trace is the accuracy" "$acc: $(cat out.txt)"
expect_ok "eval --confusion (text)" eval blobs.safetensors --data blobs.csv --confusion
awk 'NR == 4 || NR == 5 || NR == 6 { s = 0; for (k = 2; k <= 4; k++) s += $k; if ($1 != NR - 4 || s != 100) exit 1 }
     NR == 3 && !($1 == "true" && $2 == 0 && $4 == 2 && $5 == "recall") { exit 1 }
     NR == 7 && $1 != "prec" { exit 1 } NR == 8 && $1 != "most" { exit 1 } END { if (NR != 8) exit 1 }' out.txt &&
    ok "eval --confusion: a row a true class, its recall, each class's precision" ||
    bad "eval --confusion (text)" "$(cat out.txt)"
# a row the model gets right alone: nothing confused
first_right=$(tail -n +2 blobs.csv | paste -d, - labels.txt | awk -F, '$5 == $6 { print NR + 1; exit }')
sed -n "1p;${first_right}p" blobs.csv >right.csv
expect_ok "eval --confusion of rows all right" eval blobs.safetensors --data right.csv --confusion
grep -qx "most confused: none: every row was taken for its class" out.txt && ok "eval --confusion: none confused" || bad "eval --confusion: none confused" "$(cat out.txt)"
expect_ok "eval --confusion of one sigmoid output" eval two.safetensors --data two.csv --confusion --json
grep -Eq '"confusion": \[\[[0-9]+, [0-9]+\], \[[0-9]+, [0-9]+\]\]' out.txt && ok "eval --confusion: one sigmoid output is two classes" ||
    bad "eval --confusion: one sigmoid output is two classes" "$(cat out.txt)"
expect_error "eval --confusion of a regression" 2 "^hone eval: --confusion: y2.safetensors predicts no class a row \(a regression\): a confusion matrix is a classifier's$" -- \
    eval y2.safetensors --data x4.npy --labels y2.npy --regression --confusion
awk 'BEGIN { srand(3); print "a,b,label"; for (i = 0; i < 250; i++) { c = i % 25; printf "%.4f,%.4f,%d\n", c + rand() * 0.1, rand(), c } }' >many.csv
"$hone" train --data many.csv --layers 8 --epochs 1 --save many.safetensors --quiet >/dev/null 2>&1
expect_ok "eval --confusion of 25 classes" eval many.safetensors --data many.csv --confusion
[ "$(sed -n 2p out.txt)" = "confusion matrix: 25 classes, too many to show (--json gives it); recall and precision:" ] && [ "$(wc -l <out.txt)" -eq 28 ] &&
    tail -1 out.txt | grep -Eq '^most confused: [0-9]+ taken for [0-9]+ \([0-9]+ rows?\)(, [0-9]+ taken for [0-9]+ \([0-9]+ rows?\)){4}$' &&
    tail -1 out.txt | grep -o '([0-9]*' | tr -d '(' | awk 'NR > 1 && $1 > last { exit 1 } { last = $1 }' &&
    ok "eval --confusion: 25 classes are a line each" || bad "eval --confusion: 25 classes are a line each" "$(head -4 out.txt)"
# onehot_model FILE C: a linear model of C features and C classes that takes each row for the
# class of its largest feature (weights the identity, biases 0; trained on one row of each class,
# so every feature is standardized alike), and a tie for the first. onehot_rows C TRUE:TAKEN:ROWS...
# then writes rows of class TRUE that it takes for TAKEN.
onehot_model() {
    awk -v C="$2" 'BEGIN { for (j = 0; j < C; j++) printf "f%d,", j; print "label";
        for (i = 0; i < C; i++) { for (j = 0; j < C; j++) printf "%d,", i == j; print i } }' >onehot.csv
    "$hone" train --data onehot.csv --layers "" --epochs 1 --dev 0 --test 0 --save "$1" --quiet >/dev/null 2>&1
    perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $n, 8; seek F, 8 + unpack("Q<", $n), 0; $C = $ARGV[1];
        print F pack("f<*", (map { my $i = $_; map { $i == $_ ? 1 : 0 } 0 .. $C - 1 } 0 .. $C - 1), (0) x $C)' "$1" "$2"
    unseal "$1"
}
onehot_rows() {
    local C=$1; shift
    awk -v C="$C" -v cells="$*" 'BEGIN { for (j = 0; j < C; j++) printf "f%d,", j; print "label"; n = split(cells, cell, " ");
        for (c = 1; c <= n; c++) { split(cell[c], f, ":"); for (r = 0; r < f[3]; r++) { for (j = 0; j < C; j++) printf "%d,", j == f[2]; print f[1] } } }'
}
# The text and JSON whole, from rows chosen for it: a class without rows (3: no recall), one never
# taken (2: no precision), one never right (2: recall 0), six pairs confused of which five are
# shown, largest first and ties in the order of the cells (0 taken for 1 before 2 taken for 3,
# both 2 rows; then 1 row each, 2 taken for 0 left out), "1 row" singular.
onehot_model onehot4.safetensors 4
onehot_rows 4 0:0:5 0:1:2 0:3:1 1:0:3 1:1:4 1:3:1 2:0:1 2:3:2 >confusion4.csv
cat >want.txt <<'TEXT'
onehot4.safetensors on 19 rows: loss 1.4763  accuracy 47.37%
confusion matrix: a row for each true class, a column for the class taken
 true      0      1      2      3 recall
    0      5      2      0      1  62.5%
    1      3      4      0      1  50.0%
    2      1      0      0      2   0.0%
    3      0      0      0      0      -
 prec  55.6%  66.7%      -   0.0%
most confused: 1 taken for 0 (3 rows), 0 taken for 1 (2 rows), 2 taken for 3 (2 rows), 0 taken for 3 (1 row), 1 taken for 3 (1 row)
TEXT
expect_ok "eval --confusion of rows chosen for it" eval onehot4.safetensors --data confusion4.csv --confusion
cmp -s want.txt out.txt && ok "eval --confusion: the matrix, recall, precision and pairs of rows chosen for them" ||
    bad "eval --confusion: the matrix, recall, precision and pairs of rows chosen for them" "$(diff want.txt out.txt)"
expect_ok "eval --confusion --json of rows chosen for it" eval onehot4.safetensors --data confusion4.csv --confusion --json
grep -qF '"confusion": [[5, 2, 0, 1], [3, 4, 0, 1], [1, 0, 0, 2], [0, 0, 0, 0]], "recall": [0.625, 0.5, 0, null], "precision": [0.555556, 0.666667, null, 0]}' out.txt &&
    ok "eval --confusion --json: a row a true class; null recall and precision where a class has no rows or was never taken" ||
    bad "eval --confusion --json of rows chosen for it" "$(cat out.txt)"
# a million rows in a cell: every column as wide as its 7 digits
{ npy_head '|u1' '(1000000, 4)'; head -c 4000000 /dev/zero; } >million-x.npy # every feature 0: each row taken for 0
{ npy_head '|u1' '(1000000,)'; head -c 1000000 /dev/zero; } >million-y.npy
expect_ok "eval --confusion of a million rows" eval onehot4.safetensors --data million-x.npy --labels million-y.npy --confusion
[ "$(sed -n 3,4p out.txt)" = "$(printf ' true       0       1       2       3  recall\n    0 1000000       0       0       0  100.0%%')" ] &&
    ok "eval --confusion: a count of 7 digits widens every column" || bad "eval --confusion: a count of 7 digits widens every column" "$(cat out.txt)"
# 20 classes are a matrix still, 21 a line each, whose recall and precision are the class's own;
# one pair confused is the list
onehot_model onehot20.safetensors 20
onehot_rows 20 0:0:1 1:1:1 >confusion20.csv
expect_ok "eval --confusion of 20 classes" eval onehot20.safetensors --data confusion20.csv --confusion
[ "$(sed -n 2p out.txt)" = "confusion matrix: a row for each true class, a column for the class taken" ] && [ "$(wc -l <out.txt)" -eq 25 ] &&
    ok "eval --confusion: 20 classes are a matrix" || bad "eval --confusion: 20 classes are a matrix" "$(head -4 out.txt)"
onehot_model onehot21.safetensors 21
onehot_rows 21 0:0:2 0:1:2 >confusion21.csv
expect_ok "eval --confusion of 21 classes" eval onehot21.safetensors --data confusion21.csv --confusion
[ "$(sed -n 2,5p out.txt)" = "$(printf '%s\n' "confusion matrix: 21 classes, too many to show (--json gives it); recall and precision:" \
    "    0  50.0% 100.0%" "    1      -   0.0%" "    2      -      -")" ] && [ "$(wc -l <out.txt)" -eq 24 ] &&
    [ "$(tail -1 out.txt)" = "most confused: 0 taken for 1 (2 rows)" ] &&
    ok "eval --confusion: 21 classes are a line each, recall then precision" || bad "eval --confusion: 21 classes are a line each" "$(cat out.txt)"
# new rows to label: a CSV of the features alone predicts as the labeled file does
cut -d, -f1-4 blobs.csv >features.csv
expect_ok "predict on a CSV of features alone" predict blobs.safetensors --data features.csv --output feature-labels.txt
cmp -s feature-labels.txt labels.txt && ok "features alone: the labels predicted from the labeled file" || bad "features alone" "$(head -3 feature-labels.txt)"
grep -qx "hone predict: note: features.csv has 4 columns, the model's inputs, and no label column: read as the features alone" err.txt \
    && ok "features alone: a note says how the file was read" || bad "features alone: the note" "$(cat err.txt)"
# a file that fits the model neither with a label column nor without: its columns are wrong, not the
# label that the reading with one blamed ('label 3.3013 is not a class index'); a wrong label in a
# file of the model's width with a label is still the label's
cut -d, -f1-3 blobs.csv >features3.csv
expect_error "predict: a feature short with a label column or without" 1 \
    "^hone predict: features3.csv: rows have 2 features and a label column \(or 3 features without one\), the model expects 4$" -- \
    predict blobs.safetensors --data features3.csv
awk -F, 'NR == 3 { $5 = 1.5 } 1' OFS=, blobs.csv >halflabel.csv
expect_error "predict: a label that is no class index in a file of the model's width" 1 "^hone predict: halflabel.csv: line 3, column 5 \('label'\): label 1.5 is not a class index \(an integer >= 0\)$" -- \
    predict blobs.safetensors --data halflabel.csv
expect_error "eval needs the labels" 1 "^hone eval: features.csv: rows have 4 columns, the model's 4 features, and no label column to compare with$" -- eval blobs.safetensors --data features.csv
expect_error "eval: a feature short with a label column or without" 1 \
    "^hone eval: features3.csv: rows have 2 features and a label column \(or 3 features without one\), the model expects 4$" -- \
    eval blobs.safetensors --data features3.csv
expect_error "inspect MODEL: a feature short" 1 "^hone inspect: features3.csv: rows have 2 features and a label column" -- inspect blobs.safetensors --data features3.csv
expect_error "diagnose: a feature short" 1 "^hone diagnose: features3.csv: rows have 2 features and a label column" -- diagnose blobs.safetensors --data features3.csv
expect_error "train: a label that is no class index hints at regression" 1 "^hone train: halflabel.csv: line 3, column 5 \('label'\): label 1.5 is not a class index \(an integer >= 0\); real-valued targets need regression$" -- \
    train --data halflabel.csv --layers 4 --epochs 1
expect_error "eval: a label that is no class index in a file of the model's width (no hint of regression for a classifier)" 1 "^hone eval: halflabel.csv: line 3, column 5 \('label'\): label 1.5 is not a class index \(an integer >= 0\)$" -- \
    eval blobs.safetensors --data halflabel.csv
expect_error "predict with --label-column reads that column as the label" 1 "features.csv: line 2, column 4 \('d'\): label .* is not a class index" -- \
    predict blobs.safetensors --data features.csv --label-column d
# a pipe is read once: the second reading of a CSV file as the features alone (every column a
# feature), or of a headerless file by the model's label column's index, waited for a writer that
# had gone, and predict and eval hung; said instead, naming the file (hone under a timeout here)
printf '#!/bin/sh\nexec timeout 20 "%s" "$@"\n' "$hone" >timed-hone && chmod +x timed-hone
hone_itself=$hone hone=$tmp/timed-hone
pipe() { rm -f pipe.csv && mkfifo pipe.csv && { timeout 20 cat "$1" >pipe.csv & }; }
pipe blobs.csv
expect_ok "predict: a labeled file from a pipe" predict blobs.safetensors --data pipe.csv --output pipe-labels.txt
wait
cmp -s pipe-labels.txt labels.txt && ok "a pipe predicts as the file" || bad "a pipe predicts as the file" "$(head -3 pipe-labels.txt)"
pipe features.csv
expect_error "predict: the features alone from a pipe" 1 \
    "^hone predict: pipe.csv: line 2, column 4 \('d'\): label .* is not a class index \(an integer >= 0\); rows of the model's 4 features alone are read a second time, every column a feature, and a pipe or a device cannot be read twice: give the rows as a regular file$" -- \
    predict blobs.safetensors --data pipe.csv
wait
awk -F, -v OFS=, 'NR > 1 { $4 = int($4 * 10) } 1' features.csv >features-int.csv
pipe features-int.csv
expect_error "predict: the features alone from a pipe, the last of them integers" 1 \
    "^hone predict: pipe.csv: rows of 4 columns, the model's 4 features alone, are read a second time, every column a feature, and a pipe or a device cannot be read twice: give the rows as a regular file$" -- \
    predict blobs.safetensors --data pipe.csv
wait
pipe features.csv
expect_error "eval: the features alone from a pipe" 1 "^hone eval: pipe.csv: line 2, column 4 \('d'\): label .* is not a class index \(an integer >= 0\)$" -- \
    eval blobs.safetensors --data pipe.csv
wait
pipe first-nohdr.csv
expect_error "eval: a headerless pipe, the model's label column by name" 1 "^hone eval: pipe.csv: no column named 'label'.*give --label-column for this file\)$" -- \
    eval first-label.st --data pipe.csv
wait
hone=$hone_itself
expect_error "predict into a missing directory, before any work" 2 "^hone predict: --output nodir/labels.txt: no directory nodir to write it in$" -- \
    predict blobs.safetensors --data blobs.csv --output nodir/labels.txt
# no output replaces what the command reads, and no two outputs are one file: each refused up front
cp blobs.csv keep.csv && cp blobs.safetensors keep.safetensors && printf '[train]\nepochs = 1\n' >keep.ini && cp keep.ini keep-copy.ini
expect_error "train: --metrics onto the data" 2 "^hone train: --metrics ./keep.csv would overwrite keep.csv, the --data it reads$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --metrics ./keep.csv
expect_error "train: --save onto the data" 2 "^hone train: --save keep.csv would overwrite keep.csv, the --data it reads$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --save keep.csv
expect_error "train: --plot onto the config" 2 "^hone train: --plot keep.ini would overwrite keep.ini, the --config it reads$" -- \
    train --config keep.ini --data keep.csv --layers 4 --quiet --plot keep.ini
expect_error "train: --checkpoint onto --init" 2 "^hone train: --checkpoint keep.safetensors would overwrite keep.safetensors, the --init it reads$" -- \
    train --data keep.csv --epochs 1 --quiet --init keep.safetensors --checkpoint keep.safetensors
expect_error "train: --metrics and --layer-stats one file" 2 "^hone train: --metrics both.csv and --layer-stats both.csv name the same file$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --metrics both.csv --layer-stats both.csv
# --metrics and --layer-stats are written in place, through a link to the file it names: a link
# to an input turned the data or the model into metrics
ln -sf keep.csv keep-link.csv && ln -sf keep.safetensors keep-link.safetensors && ln -sf both-target.csv both-link.csv
expect_error "train: --metrics through a link to the data" 2 "^hone train: --metrics keep-link.csv would overwrite keep.csv, the --data it reads$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --metrics keep-link.csv
expect_error "train: --layer-stats through a link to --init" 2 \
    "^hone train: --layer-stats keep-link.safetensors would overwrite keep.safetensors, the --init it reads$" -- \
    train --data keep.csv --epochs 1 --quiet --init keep.safetensors --layer-stats keep-link.safetensors
expect_error "train: --metrics through a link to the config" 2 "^hone train: --metrics keep-link.ini would overwrite keep.ini, the --config it reads$" -- \
    train --config keep.ini --data keep.csv --layers 4 --quiet --metrics "$(ln -sf keep.ini keep-link.ini && echo keep-link.ini)"
printf 'x\n' >both-target.csv
expect_error "train: --layer-stats through a link to the --metrics file" 2 \
    "^hone train: --metrics both-target.csv and --layer-stats both-link.csv name the same file$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --metrics both-target.csv --layer-stats both-link.csv
expect_error "train: --save a directory, before training" 2 "^hone train: --save adir: is a directory; give a file name$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --save "$(mkdir -p adir && echo adir)"
long_name=$(printf 'n%.0s' $(seq 240)).safetensors
expect_error "train: a --save name too long for a temporary beside it, before training" 2 "^hone train: --save n+\.\.\.: name too long to write a temporary file beside it" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --save "$long_name"
expect_error "train: --save into a missing directory, before training" 2 "^hone train: --save none/m.safetensors: no directory none to write it in$" -- \
    train --data keep.csv --layers 4 --epochs 1 --quiet --save none/m.safetensors
# a file in the root directory is in /, not in a directory named '' (checked there: where / may be
# written, the run goes on to read its missing data, and nothing is written)
if [ -w / ]; then
    expect_error "train: --save into /, checked in /" 1 "^hone train: nope.csv: No such file or directory$" -- train --data nope.csv --save /hone-cli-$$.safetensors
else
    expect_error "train: --save into /, checked in /" 2 "^hone train: --save /hone-cli-$$.safetensors: cannot write in /: " -- train --data nope.csv --save /hone-cli-$$.safetensors
fi
# a directory this user may not write in is refused before the work (root writes in a directory of
# mode 555: /proc/sys, which the kernel keeps from root too, stands in)
if [ "$(id -u)" != 0 ]; then mkdir -p ro-dir && chmod 555 ro-dir; ro=ro-dir; else ro=/proc/sys; fi
expect_error "train: --save into a directory it may not write in, before training" 2 \
    "^hone train: --save $ro/m.safetensors: cannot write in $ro: (Permission denied|Read-only file system)$" -- train --data nope.csv --save $ro/m.safetensors
expect_error "predict: --output onto the data" 2 "^hone predict: --output keep.csv would overwrite keep.csv, the --data it reads$" -- \
    predict keep.safetensors --data keep.csv --output keep.csv
expect_error "predict: --output onto the model" 2 "^hone predict: --output keep.safetensors would overwrite keep.safetensors, the model it reads$" -- \
    predict keep.safetensors --data keep.csv --output keep.safetensors
cmp -s keep.csv blobs.csv && cmp -s keep.safetensors blobs.safetensors && cmp -s keep.ini keep-copy.ini && [ ! -e both.csv ] \
    && [ "$(cat both-target.csv)" = x ] \
    && ok "the refused runs left data, model and config as they were" || bad "the refused runs left their inputs as they were"
# a FIFO (like /dev/stdout or /dev/null) is written in place, not replaced; a file keeps its mode
rm -f labels.fifo && mkfifo labels.fifo && { timeout 20 cat labels.fifo >fifo-labels.txt & }
expect_ok "predict into a FIFO" predict blobs.safetensors --data blobs.csv --output labels.fifo
wait
[ -p labels.fifo ] && cmp -s fifo-labels.txt labels.txt && ok "the FIFO stays a FIFO and carries the labels" \
    || bad "the FIFO stays a FIFO and carries the labels" "$(ls -l labels.fifo)"
rm -f labels.fifo && mkfifo labels.fifo && { timeout 20 cat labels.fifo >fifo-model.safetensors & }
expect_ok "save a model into a FIFO" train --data blobs.csv --layers 4 --epochs 1 --quiet --save labels.fifo
wait
[ -p labels.fifo ] && "$hone" eval fifo-model.safetensors --data blobs.csv >/dev/null 2>&1 && ok "a model saved into a FIFO loads" \
    || bad "a model saved into a FIFO loads" "$(ls -l labels.fifo fifo-model.safetensors)"
chmod 640 labels.txt
expect_ok "predict over a file of mode 640" predict blobs.safetensors --data blobs.csv --output labels.txt
[ "$(stat -c %a labels.txt)" = 640 ] && ok "the replaced file keeps mode 640" || bad "the replaced file keeps mode 640" "$(stat -c %a labels.txt)"
# data that does not fit the model: other features, labels past its classes, no labels
awk -F, 'NR == 1 { print $0 ",e"; next } { print $1 "," $2 "," $3 "," $4 ",0," $5 }' blobs.csv >wide.csv
awk -F, 'NR == 1 { print; next } { $5 = NR % 6; print }' OFS=, blobs.csv >six.csv
for cmd in eval predict inspect diagnose; do
    expect_error "$cmd: 5 features for a 4-input model" 1 "wide.csv: rows have 5 features, the model expects 4" -- $cmd blobs.safetensors --data wide.csv
done
for cmd in eval inspect diagnose; do
    expect_error "$cmd: labels past the model's classes" 1 "six.csv: labels go up to 5, the model has 3 classes" -- $cmd blobs.safetensors --data six.csv
done
# a saved model says how its data is read: targets for a regression (MSE) model, labels otherwise;
# --regression need not be given again, and given to a classifier it contradicts the model
for cmd in eval predict inspect diagnose; do
    expect_error "$cmd: --regression with a classifier" 2 \
        "^hone $cmd: --regression: blobs.safetensors is a classifier \(loss softmax_ce\), scored against class labels, not real-valued targets; leave --regression out$" -- \
        $cmd blobs.safetensors --data blobs.csv --regression
done
expect_ok "a regression model" train --data reg.csv --regression --layers 4 --epochs 1 --quiet --save reg.safetensors
for cmd in eval predict inspect diagnose; do
    expect_ok "$cmd: a regression model's targets without --regression" $cmd reg.safetensors --data reg.csv
done
expect_ok "eval: a regression model with --regression given again" eval reg.safetensors --data reg.csv --regression
awk -F, 'NR == 1 { print; next } { printf "%s,%s,%d\n", $1, $2, $3 * 10 }' reg.csv >reg-int.csv
expect_ok "eval: integer targets for a regression model" eval reg.safetensors --data reg-int.csv
grep -Eq "^reg.safetensors on 200 rows: loss [0-9.]+  rmse [0-9.]+$" out.txt && ok "eval: integer targets are scored as targets" || bad "eval: integer targets" "$(cat out.txt)"
# targets in their own units (a price: std about 49,000 around 260,000) are learnt standardized:
# raw, Adam's steps of about the rate left the run a million steps from their mean, "high bias"
awk 'BEGIN { srand(9); print "a,b,price"; for (i = 0; i < 600; i++) { a = rand(); b = rand(); printf "%.5f,%.5f,%.1f\n", a, b, 200000 + 150000*a - 80000*b*b } }' >price.csv
expect_ok "a regression on targets of 1e5" train --data price.csv --regression --layers 32 --epochs 30 --batch 32 --lr 0.01 --quiet --save price.safetensors
awk '$1 == "dev" && $5 < 0.02 && $6 == "rmse" && $7 < 7000' out.txt | grep -q . &&
    grep -q "^diagnosis: fine$" out.txt && ok "its loss is in units of the targets' variance, its rmse in theirs" || bad "a regression on targets of 1e5" "$(cat out.txt)"
grep -qF "train error" out.txt && grep -qF "(mean squared error in units of the targets' variance)" out.txt &&
    ok "the diagnosis says what the regression's error is" || bad "the diagnosis says what the regression's error is" "$(cat out.txt)"
"$hone" predict price.safetensors --data price.csv --output price-values.txt 2>/dev/null
paste -d, <(tail -n +2 price.csv) price-values.txt | awk -F, '{ d = $4 - $3; s += d * d } END { exit !(NR == 600 && sqrt(s / NR) < 7000) }' &&
    ok "predictions are in the targets' units" || bad "predictions are in the targets' units" "$(head -3 price-values.txt)"
expect_ok "eval --json of a regression" eval price.safetensors --data price.csv --json
grep -Eq '^\{"command": "eval", "rows": 600, "loss": [0-9.e-]+, "accuracy": null, "rmse": [0-9.]+\}$' out.txt &&
    ok "eval --json gives the rmse" || bad "eval --json gives the rmse" "$(cat out.txt)"
expect_ok "--no-standardize-targets" train --data price.csv --regression --layers 32 --epochs 3 --batch 32 --lr 0.01 --quiet --no-standardize-targets --json
grep -Eq '"dev_loss": [0-9.]+e\+(09|1[0-9]),.*"dev_rmse": [0-9.e+]+, "test_rmse"' out.txt &&
    ok "--no-standardize-targets learns them as they are: a loss in their squared units" || bad "--no-standardize-targets" "$(cat out.txt)"
# the diagnosis says what a regression's error is in: targets as they are are in their squared units
expect_ok "--no-standardize-targets, saved" train --data price.csv --regression --layers 4 --epochs 1 --quiet --no-standardize-targets --save raw-price.safetensors --metrics raw-price.csv
grep -qF "train error" out.txt && grep -qF "(mean squared error in the targets' own units, squared)" out.txt &&
    ok "train: the diagnosis of targets as they are says their units" || bad "train: the diagnosis of raw targets" "$(cat out.txt)"
expect_ok "diagnose: a model of targets as they are" diagnose raw-price.safetensors --data price.csv
grep -qF "(mean squared error in the targets' own units, squared)" out.txt &&
    ok "diagnose: the error of targets as they are is in their units" || bad "diagnose: the error of raw targets" "$(cat out.txt)"
expect_ok "diagnose: a regression's metrics file" diagnose --metrics raw-price.csv
grep -qF "(mean squared error in units of the targets' variance, unless trained with --no-standardize-targets)" out.txt &&
    ok "diagnose: a metrics file does not say what its regression's error is in" || bad "diagnose: a regression's metrics" "$(cat out.txt)"
expect_ok "--no-standardize-targets of a classifier" train --data blobs.csv --layers 4 --epochs 1 --quiet --no-standardize-targets
grep -qxF "hone train: warning: --no-standardize-targets does nothing without --regression" err.txt &&
    ok "--no-standardize-targets without --regression is warned of" || bad "--no-standardize-targets without --regression" "$(cat err.txt)"
expect_ok "--standardize-targets with --init" train --data price.csv --regression --init price.safetensors --epochs 1 --quiet --standardize-targets
grep -qxF "hone train: warning: --standardize-targets does nothing with --init (the model's own standardization is kept)" err.txt &&
    ok "--standardize-targets with --init is warned of" || bad "--standardize-targets with --init" "$(cat err.txt)"
# a resumed regression takes the checkpoint's target statistics: the model of a run straight through
price_run=(train --data price.csv --regression --layers 8 --batch 64 --schedule constant --quiet)
"$hone" "${price_run[@]}" --epochs 2 --checkpoint price-ck.safetensors >/dev/null 2>&1
expect_ok "a regression resumed" "${price_run[@]}" --epochs 4 --resume price-ck.safetensors --save price-resumed.safetensors
"$hone" "${price_run[@]}" --epochs 4 --save price-straight.safetensors >/dev/null 2>&1
cmp -s price-resumed.safetensors price-straight.safetensors && ok "a resumed regression is the run straight through, bit for bit" ||
    bad "a resumed regression is the run straight through"
# what a value past float32 in a network's outputs is called, wherever it is found
huge_said="the network's values overflow float32 \(weights or inputs too large\)$"
# a regression's finite outputs carried past float32 by its target statistics (3.4e38, by hand):
# predict printed inf with exit 0, and eval an rmse of inf
cp price.safetensors price-huge.safetensors
perl -0777 -pi -e 's/(\\"target_std\\": \[)([0-9.e+]+)\]/$1 . sprintf("%-*s", length($2), "3.4e38") . "]"/e' price-huge.safetensors
unseal price-huge.safetensors
expect_error "predict: a regression's values past float32" 1 "^hone predict: price-huge.safetensors: the output for row [0-9]+ of price.csv is not finite" -- \
    predict price-huge.safetensors --data price.csv
expect_error "eval: a regression's rmse past float32" 1 "^hone eval: price-huge.safetensors on price.csv: the output for row [0-9]+ is -?inf in the targets' units: $huge_said" -- \
    eval price-huge.safetensors --data price.csv
# targets of other units (1e-6 and 1e3) get an rmse each: one figure over both was the larger's
# alone, in neither's units
npy_f4 units-y2.npy "120, 2" $(awk 'BEGIN { srand(6); for (i = 0; i < 120; i++) print 1e-6 * rand(), 1000 * rand() }')
expect_ok "two targets of other units" train --data x4.npy --labels units-y2.npy --regression --layers 4 --epochs 2 --quiet --save units.safetensors
awk '$1 == "train" && $6 == "rmse" && $7 < 1e-5 && $8 > 10 && NF == 8' out.txt | grep -q . &&
    ok "train: an rmse per target, each in its units" || bad "train: an rmse per target" "$(cat out.txt)"
expect_ok "eval of two targets of other units" eval units.safetensors --data x4.npy --labels units-y2.npy
awk '$(NF - 2) == "rmse" && $(NF - 1) < 1e-5 && $NF > 10' out.txt | grep -q . &&
    ok "eval: an rmse per target, each in its units" || bad "eval: an rmse per target" "$(cat out.txt)"
# the second target's rmse past float32 (its target_std 3.4e38, by hand) is not finite either
cp units.safetensors units-huge.safetensors
perl -0777 -pi -e 's/(\\"target_std\\": \[[0-9.e+-]+, )([0-9.e+-]+)\]/$1 . sprintf("%-*s", length($2), "3.4e38") . "]"/e' units-huge.safetensors
unseal units-huge.safetensors
expect_error "eval: the second target's rmse past float32" 1 "^hone eval: units-huge.safetensors on x4.npy: the output for row [0-9]+, output 2, is -?inf in the targets' units: $huge_said" -- \
    eval units-huge.safetensors --data x4.npy --labels units-y2.npy
expect_ok "eval --json of two targets" eval units.safetensors --data x4.npy --labels units-y2.npy --json
grep -Eq '"rmse": \[[0-9.]+e-0[0-9], [0-9.]+\]\}$' out.txt && ok "eval --json: the rmse of each target, as an array" ||
    bad "eval --json: the rmse of each target" "$(cat out.txt)"
# several target columns of a CSV file (--label-column NAME,NAME with --regression) are targets as
# an .npy file's: the values of x4.npy and y2.npy, y2's columns put last and first in the other
# order, train, evaluate and predict as those files do, and the model keeps its columns
awk 'BEGIN { srand(3); for (i = 0; i < 120; i++) { a = rand(); b = rand(); c = rand(); d = rand(); print a "," b "," c "," d } }' >x4.txt
awk 'BEGIN { srand(4); for (i = 0; i < 120; i++) { y0 = rand(); y1 = rand(); print y0 "," y1 } }' >y2.txt
{ echo "y1,a,b,c,d,y0"; paste -d, <(cut -d, -f2 y2.txt) x4.txt <(cut -d, -f1 y2.txt); } >targets.csv
strip_times() { sed 's/"seconds": [^,]*, "samples_per_s": [^,]*, //; s/, "model": "[^"]*"//' "$@"; }
"$hone" train --data x4.npy --labels y2.npy --regression --layers 4 --epochs 3 --json --save y2-npy.st >npy.txt 2>/dev/null
expect_ok "train: two target columns of a CSV file" train --data targets.csv --label-column y0,y1 --regression --layers 4 --epochs 3 --json --save y2-csv.st
[ -n "$(strip_times npy.txt)" ] && [ "$(strip_times out.txt)" = "$(strip_times npy.txt)" ] && grep -q '"dev_rmse": \[' out.txt &&
    ok "two target columns of a CSV file train as the .npy file of them (an rmse each)" || bad "two CSV target columns train as the .npy file" "$(cat npy.txt out.txt)"
grep -aq '"label_column\\": \[\\"y0\\",\\"y1\\"\], \\"label_index\\": \[\\"5\\",\\"0\\"\]' y2-csv.st &&
    ok "the model keeps its target columns, by name and by index" || bad "the model keeps its target columns" "$(grep -ao 'label_[a-z]*[^]]*]' y2-csv.st)"
"$hone" eval y2-npy.st --data x4.npy --labels y2.npy >npy.txt 2>&1
expect_ok "eval: a model of two target columns, without --label-column" eval y2-csv.st --data targets.csv
[ "$(sed 's/^[^ ]* //' out.txt)" = "$(sed 's/^[^ ]* //' npy.txt)" ] && grep -Eq "rmse [0-9.]+ [0-9.]+$" out.txt &&
    ok "eval reads the model's two target columns: the .npy files' figures" || bad "eval of two target columns" "$(cat npy.txt out.txt)"
"$hone" predict y2-npy.st --data x4.npy >npy.txt 2>/dev/null
expect_ok "predict: a model of two target columns" predict y2-csv.st --data targets.csv
[ "$(wc -l <out.txt)" -eq 120 ] && grep -Eqx -- '-?[0-9.e-]+,-?[0-9.e-]+' out.txt && cmp -s out.txt npy.txt &&
    ok "predict: a line a row, a value a target, as of the .npy file" || bad "predict of two target columns" "$(head -3 out.txt npy.txt)"
cut -d, -f2-5 targets.csv >targets-features.csv
expect_ok "predict: two target columns' model on the features alone" predict y2-csv.st --data targets-features.csv
cmp -s out.txt npy.txt && grep -q "no label column: read as the features alone" err.txt &&
    ok "predict: the features alone are the rows" || bad "predict: features alone of two targets" "$(head -3 out.txt err.txt)"
tail -n +2 targets.csv >targets-nohdr.csv
"$hone" eval y2-csv.st --data targets.csv >given.txt 2>&1
expect_ok "eval: two target columns in a file without a header" eval y2-csv.st --data targets-nohdr.csv
cmp -s out.txt given.txt && ok "a headerless file reads the model's target columns by their indexes" || bad "two target columns by index" "$(cat out.txt given.txt)"
expect_ok "diagnose: a model of two target columns" diagnose y2-csv.st --data targets.csv
grep -q "on the train and dev rows it was trained with" out.txt && ok "diagnose makes the split of two target columns again" || bad "diagnose of two target columns" "$(cat out.txt)"
expect_error "eval: the features alone of two target columns" 1 \
    "^hone eval: targets-features.csv: rows have 4 columns, the model's 4 features, and no label columns to compare with \('y0' and 'y1' are the model's label columns, from its training data: give --label-column for this file\)$" -- \
    eval y2-csv.st --data targets-features.csv
# one of the model's two target columns given: the hint names the model's
cut -d, -f2-6 targets.csv >targets-y0.csv
expect_error "eval: one target column of a model of two" 1 \
    "^hone eval: targets-y0.csv: rows have 1 target, the model predicts 2 \('y0' and 'y1' are the model's label columns, from its training data: give them with --label-column\)$" -- \
    eval y2-csv.st --data targets-y0.csv --label-column y0
# (mutation round 9) columns given by index are named as columns; the hint is a CSV file's, not
# that of a labels file, which has no columns to give; and a model whose metadata does not give
# every output's column (edited here: a number for y1's name) has none
"$hone" train --data targets.csv --label-column 5,0 --regression --layers 4 --epochs 1 --quiet --save y2-idx.st >/dev/null 2>&1
expect_error "eval: fewer target columns than the outputs of a model of indices" 1 \
    "^hone eval: targets-y0.csv: rows have 1 target, the model predicts 2 \(columns 5 and 0 are the model's label columns, from its training data: give them with --label-column\)$" -- \
    eval y2-idx.st --data targets-y0.csv --label-column 4
expect_error "eval: a labels file of fewer targets than the outputs of a model of CSV columns" 1 \
    "^hone eval: y1.npy: rows have 1 target, the model predicts 2$" -- eval y2-csv.st --data x4.npy --labels y1.npy
sed 's/\[\\"y0\\",\\"y1\\"\]/[\\"y0\\",1     ]/' y2-csv.st >y2-num.st
unseal y2-num.st
expect_error "eval: fewer target columns than a model's outputs, its columns not all named" 1 \
    "^hone eval: targets-y0.csv: rows have 1 target, the model predicts 2$" -- eval y2-num.st --data targets-y0.csv --label-column y0
# --resume with other target columns names the option, not only the rows' digest
expect_ok "train: a checkpoint of two target columns" train --data targets.csv --label-column y0,y1 --regression --layers 4 --epochs 1 --schedule constant --checkpoint y2.ck --json
expect_error "resume: target columns in another order" 2 \
    "^hone train: --resume y2.ck: --label-column is y0,y1 in the checkpoint, y1,y0 in this run; resume with the options it was written with$" -- \
    train --data targets.csv --label-column y1,y0 --regression --layers 4 --epochs 2 --schedule constant --resume y2.ck
expect_error "resume: target columns left out" 2 \
    "^hone train: --resume y2.ck: --label-column is y0,y1 in the checkpoint, the last column in this run; resume" -- \
    train --data targets.csv --regression --layers 4 --epochs 2 --schedule constant --resume y2.ck
expect_ok "resume: the same target columns by index" train --data targets.csv --label-column 5,0 --regression --layers 4 --epochs 2 --schedule constant --resume y2.ck --json
expect_ok "resume: the same rows from .npy files, which have no columns" train --data x4.npy --labels y2.npy --regression --layers 4 --epochs 2 --schedule constant --resume y2.ck --json
# by name as the checkpoint gives them, compared by the indices both record (mutation round 9: the
# checkpoint's indices against this run's names refused the very columns); and an option that
# differs as well is named before the columns, as the first difference
expect_ok "resume: the same target columns by name" train --data targets.csv --label-column y0,y1 --regression --layers 4 --epochs 2 --schedule constant --resume y2.ck --quiet
expect_error "resume: another --lr and other target columns: the option first" 2 \
    "^hone train: --resume y2.ck: --lr is 0.001 in the checkpoint, 0.01 in this run; resume with the options it was written with$" -- \
    train --data targets.csv --label-column y1,y0 --regression --layers 4 --epochs 2 --lr 0.01 --schedule constant --resume y2.ck
# the model's target columns given in another order scored each output against another's target
expect_error "eval: the model's target columns in another order" 2 \
    "^hone eval: --label-column y1,y0: the model was trained on these targets in the order y0,y1, its outputs in that order; give them so \(or leave --label-column out\)$" -- \
    eval y2-csv.st --data targets.csv --label-column y1,y0
expect_error "predict: the model's target columns in another order, by index" 2 "^hone predict: --label-column 0,5: the model was trained on these targets in the order y0,y1" -- \
    predict y2-csv.st --data targets.csv --label-column 0,5
expect_ok "eval: the model's target columns given in its order" eval y2-csv.st --data targets.csv --label-column 5,y1
cmp -s out.txt given.txt && ok "eval: the model's target columns given in its order score as without them" || bad "eval: target columns in the model's order" "$(cat out.txt given.txt)"
printf '[train]\nlabel-column = 5, 0\nregression = true\n' >targets.ini
expect_ok "train: target columns by index in a config file" train --config targets.ini --data targets.csv --layers 4 --epochs 3 --json
[ "$(strip_times out.txt)" = "$(strip_times <("$hone" train --data x4.npy --labels y2.npy --regression --layers 4 --epochs 3 --json 2>/dev/null))" ] &&
    ok "target columns by index train as by name" || bad "target columns by index" "$(cat out.txt)"
# each target column is named in the file, as the reader counts its columns: the second target is column 6
awk -F, 'BEGIN { OFS = "," } NR > 1 { $6 = 5 } 1' targets.csv >targets-const.csv
expect_ok "train: a constant second target column" train --data targets-const.csv --label-column y1,y0 --regression --layers 4 --epochs 1 --quiet
grep -qxF "hone train: warning: targets-const.csv: the target in column 6 is 5 in every row: there is nothing to learn" err.txt &&
    ok "a target column is named by its column in the file" || bad "a target column is named by its column in the file" "$(cat err.txt)"
expect_error "several target columns need --regression" 1 "^hone train: --label-column: 2 columns are regression targets, and need --regression \(class labels come from one column\)$" -- \
    train --data targets.csv --label-column y0,y1 --layers 4 --epochs 1
expect_error "a target column given twice" 1 "^hone train: --label-column: targets.csv: label column 'y0' is given twice$" -- \
    train --data targets.csv --label-column y0,y0 --regression --layers 4 --epochs 1
expect_error "a target column by name and by index" 1 "^hone train: --label-column: targets.csv: label columns 5 and 'y0' are the same column \(index 5\)$" -- \
    train --data targets.csv --label-column 5,y0 --regression --layers 4 --epochs 1
expect_error "a target column past the columns" 1 "^hone train: --label-column: targets.csv: label column 6 is out of range: the rows have 6 columns \(0\.\.5, or -1 for the last\)$" -- \
    train --data targets.csv --label-column 0,6 --regression --layers 4 --epochs 1
expect_error "a target column of no name" 1 "^hone train: targets.csv: no column named 'y2' \(columns: 'y1', 'a', 'b', 'c', 'd', 'y0'; 6 in all\)$" -- \
    train --data targets.csv --label-column y0,y2 --regression --layers 4 --epochs 1
expect_error "every column a target" 1 "^hone train: --label-column: targets.csv: the 6 label columns are all the rows' columns: none is left for features$" -- \
    train --data targets.csv --label-column 0,1,2,3,4,5 --regression --layers 4 --epochs 1
expect_error "an empty target column" 2 "^hone train: --label-column y0,: an empty column in the list \(columns are separated by commas\)$" -- \
    train --data targets.csv --label-column y0, --regression --layers 4 --epochs 1
expect_error "a target column of a negative index" 2 "^hone train: --label-column y0,-2: -2: the only negative index is -1, the last column$" -- \
    train --data targets.csv --label-column y0,-2 --regression --layers 4 --epochs 1
expect_error "eval: several label columns for a classifier" 2 \
    "^hone eval: --label-column a,b: blobs.safetensors is a classifier \(loss softmax_ce\), scored against one label column; several are a regression's targets$" -- \
    eval blobs.safetensors --data blobs.csv --label-column a,b
expect_error "--resume with --no-standardize-targets" 2 "^hone train: --resume price-ck.safetensors: --standardize-targets is true in the checkpoint, false in this run; resume with" -- \
    "${price_run[@]}" --epochs 2 --resume price-ck.safetensors --no-standardize-targets
"$hone" predict reg.safetensors --data reg.csv --output reg-values.txt 2>/dev/null
cut -d, -f1-2 reg.csv >reg-features.csv
expect_error "predict: --probabilities of a regression model" 2 "^hone predict: --probabilities: reg.safetensors is a regression \(loss mse\): it predicts values, not classes; leave --probabilities out$" -- \
    predict reg.safetensors --data reg.csv --probabilities
expect_error "eval: a CSV of features alone, its last column read as the label" 1 "^hone eval: reg-features.csv: rows have 1 feature and a label column \(or 2 features without one\), the model expects 2$" -- \
    eval reg.safetensors --data reg-features.csv
# a signal while predict writes its output removes the temporary beside it (it was left behind) and
# leaves the old output whole
awk 'BEGIN { srand(9); for (i = 0; i < 1000000; i++) printf "%.4f,%.4f\n", rand(), rand() }' >many-features.csv
echo "old output" >signalled.txt
"$hone" predict reg.safetensors --data many-features.csv --output signalled.txt 2>/dev/null & sig_pid=$!
seen=""
for _ in $(seq 1 1000); do
    if compgen -G "signalled.txt.tmp.*" >/dev/null; then seen=1; kill -TERM $sig_pid; break; fi
    kill -0 $sig_pid 2>/dev/null || break
    sleep 0.005
done
wait $sig_pid; sig_rc=$?
[ -n "$seen" ] && [ $sig_rc -eq 143 ] && ! compgen -G "signalled.txt.tmp.*" >/dev/null && [ "$(cat signalled.txt)" = "old output" ] \
    && ok "SIGTERM while predict writes: no temporary left, the old output whole, exit 143" \
    || bad "SIGTERM while predict writes" "seen '$seen', exit $sig_rc" "$(ls signalled.txt* 2>&1)"
# a signal while train saves its model (36 MB here) waits for the save, then ends the run: it
# killed the save, and left the library's temporary behind
for _ in 1 2; do
    rm -f big.safetensors
    "$hone" train --data blobs.csv --layers 3000,3000 --epochs 1 --save big.safetensors --quiet >/dev/null 2>err.txt & sig_pid=$!
    while ! compgen -G "big.safetensors.tmp.*" >/dev/null; do kill -0 $sig_pid 2>/dev/null || break; done
    kill -TERM $sig_pid 2>/dev/null
    wait $sig_pid; sig_rc=$?
    ! compgen -G "big.safetensors.tmp.*" >/dev/null && [ $sig_rc -eq 143 ] && "$hone" eval big.safetensors --data blobs.csv >/dev/null 2>&1 &&
        grep -qx "hone train: interrupted while saving: big.safetensors was saved whole first" err.txt &&
        ok "SIGTERM while train saves: the model saved whole, no temporary left, exit 143" ||
        bad "SIGTERM while train saves" "exit $sig_rc" "$(ls big.safetensors* 2>&1)" "$(cat err.txt)"
done
rm -f big.safetensors
# the same, signalled the moment the temporary appears, twenty times: one created before its
# removal was registered was left behind by a signal between the two (2-3 runs in 60 did)
head -200000 many-features.csv >some-features.csv
left=0 signalled=0
for _ in $(seq 1 20); do
    echo "old output" >signalled.txt
    "$hone" predict reg.safetensors --data some-features.csv --output signalled.txt 2>/dev/null & sig_pid=$!
    while ! compgen -G "signalled.txt.tmp.*" >/dev/null; do kill -0 $sig_pid 2>/dev/null || break; done
    kill -TERM $sig_pid 2>/dev/null
    wait $sig_pid && continue
    signalled=$((signalled + 1))
    compgen -G "signalled.txt.tmp.*" >/dev/null && left=$((left + 1)) && rm -f signalled.txt.tmp.*
    [ "$(cat signalled.txt)" = "old output" ] || left=$((left + 100))
done
[ $signalled -gt 0 ] && [ $left -eq 0 ] && ok "SIGTERM as the temporary appears ($signalled of 20 runs): none left, the old output whole" ||
    bad "SIGTERM as the temporary appears" "$signalled runs signalled, $left temporaries left (100 for an output changed)"
rm -f many-features.csv
# a failed write removes its temporary: here the file size limit stops the output (hone ignores
# SIGXFSZ, so the write fails rather than the process, which the signal killed with the temporary
# left), and neither the output nor a temporary is left; the same for a model that train saves
(ulimit -f 1; exec "$hone" predict blobs.safetensors --data blobs.csv --probabilities --output full.txt) >out.txt 2>err.txt; full_rc=$?
[ $full_rc -eq 1 ] && grep -q "^hone predict: full.txt: write failed: File too large$" err.txt && [ ! -e full.txt ] && ! compgen -G "full.txt.tmp.*" >/dev/null \
    && ok "a failed write leaves neither the output nor its temporary, and says why" || bad "a failed write leaves no temporary" "exit $full_rc" "$(cat err.txt)" "$(ls full.txt* 2>&1)"
(ulimit -f 4; exec "$hone" train --data blobs.csv --layers 512 --epochs 1 --quiet --save full.safetensors) >out.txt 2>err.txt; full_rc=$?
[ $full_rc -eq 1 ] && [ "$(cat err.txt)" = "hone train: full.safetensors: write failed: File too large" ] && [ ! -e full.safetensors ] &&
    ! compgen -G "full.safetensors.tmp.*" >/dev/null && ok "a model past the file size limit: an error, no model and no temporary left" ||
    bad "train --save past the file size limit" "exit $full_rc" "$(cat err.txt)" "$(ls full.safetensors* 2>&1)"
# a full disk is named as such though the output (9 KB) outgrew the stream's buffer and the
# failing write came long before the commit (it was "Input/output error")
if [ -w /dev/full ]; then
    expect_error "predict to a full disk says so" 1 "^hone predict: /dev/full: write failed: No space left on device$" \
        -- predict blobs.safetensors --data blobs.csv --probabilities --output /dev/full
fi
# a temporary of the same name left behind (by a killed run of the same process id) is stepped over
rm -f stale.txt
sh -c 'touch stale.txt.tmp.$$.0; exec "$0" predict blobs.safetensors --data blobs.csv --output stale.txt' "$hone" >out.txt 2>err.txt; stale_rc=$?
[ $stale_rc -eq 0 ] && [ "$(wc -l <stale.txt)" -eq 300 ] && ok "a stale temporary of the same name does not stop the write" \
    || bad "a stale temporary of the same name" "exit $stale_rc" "$(cat err.txt)"
rm -f stale.txt stale.txt.tmp.*
expect_ok "predict: a regression model on a CSV of features alone" predict reg.safetensors --data reg-features.csv --output reg-features-values.txt
[ "$(wc -l <reg-values.txt)" -eq 200 ] && cmp -s reg-values.txt reg-features-values.txt && ok "features alone: the values predicted from the file with targets" \
    || bad "regression features alone" "$(head -3 reg-features-values.txt)"
expect_ok "eval: two targets from an .npy file without --regression" eval y2.safetensors --data x4.npy --labels y2.npy
expect_error "eval: a regression model on data without targets" 1 "^hone eval: x4.npy: the data has no targets to compare with: give --labels FILE$" -- eval y2.safetensors --data x4.npy
expect_error "eval: a regression model on IDX labels" 1 \
    "^hone eval: lab6.idx: the data has class labels \(IDX bytes\), and the model is a regression \(loss mse\), scored against real-valued targets: give them as a CSV column or an .npy file$" -- \
    eval y2.safetensors --data img6.idx --labels lab6.idx
expect_ok "predict: a regression model on IDX images (the labels unread)" predict y2.safetensors --data img6.idx --labels lab6.idx
[ "$(wc -l <out.txt)" -eq 6 ] && ok "predict: a value pair for each IDX image" || bad "predict: a value pair for each IDX image" "$(cat out.txt)"
expect_ok "predict probabilities" predict blobs.safetensors --data blobs.csv --probabilities
awk -F, 'NF != 3 { exit 1 } { s = $1 + $2 + $3; if (s < 0.999 || s > 1.001) exit 1 }' out.txt && ok "probabilities sum to 1" || bad "probabilities sum to 1" "$(head -3 out.txt)"
# finite weights too large for float32 arithmetic: the outputs overflow to inf and NaN, which
# were printed as results (eval: 'loss -nan', exit 0; predict: NaN probabilities). Every weight
# of the first layer (its 4x4 weight matrix is the first tensor of the data) is set to 3e38.
expect_ok "a model to overflow" train --data blobs.csv --layers 4 --epochs 1 --quiet --save huge.safetensors
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $n, 8; seek F, 8 + unpack("Q<", $n), 0; print F pack("f<*", (3e38) x 16)' huge.safetensors
unseal huge.safetensors
expect_error "eval: a loss that is not finite" 1 "^hone eval: huge.safetensors on blobs.csv: the output for row [0-9]+(, output [1-3],)? is (nan|-?inf): $huge_said" -- eval huge.safetensors --data blobs.csv
expect_error "eval --json: a loss that is not finite" 1 "^hone eval: huge.safetensors on blobs.csv: the output for row" -- eval huge.safetensors --data blobs.csv --json
[ ! -s out.txt ] && ok "eval --json: no result for a loss that is not finite" || bad "eval --json printed a result" "$(cat out.txt)"
expect_error "predict: probabilities that are not finite" 1 "^hone predict: huge.safetensors: the output for row [0-9]+ of blobs.csv is not finite: $huge_said" -- \
    predict huge.safetensors --data blobs.csv --probabilities
expect_error "predict: labels from outputs that are not finite" 1 "^hone predict: huge.safetensors: the output for row [0-9]+ of blobs.csv is not finite" -- \
    predict huge.safetensors --data blobs.csv --output huge-labels.txt
[ ! -e huge-labels.txt ] && ok "predict: no --output from outputs that are not finite" || bad "predict wrote outputs that are not finite" "$(head -3 huge-labels.txt)"
# a file name that is not UTF-8 (another encoding's bytes) is U+FFFD in --json: the line did not parse
expect_ok "--json of a save path that is not UTF-8" train --data blobs.csv --layers 4 --epochs 1 --save $'latin\xe9.safetensors' --json --quiet
grep -q '"model": "latin\\ufffd.safetensors"' out.txt && ok "--json: a byte that is not UTF-8 is U+FFFD" || bad "--json: a byte that is not UTF-8 is U+FFFD" "$(cat -v out.txt)"
# an overlong form (0xC0 0x80, a NUL in two bytes) is not UTF-8 either: two U+FFFD
expect_ok "--json of a save path with an overlong form" train --data blobs.csv --layers 4 --epochs 1 --save $'over\xc0\x80.safetensors' --json --quiet
grep -q '"model": "over\\ufffd\\ufffd.safetensors"' out.txt && ok "--json: an overlong form is U+FFFD" || bad "--json: an overlong form is U+FFFD" "$(cat -v out.txt)"
# a binary model's sigmoid turns an infinite output into a finite 0 or 1, which were printed as labels
awk -F, -v OFS=, 'NR == 1 || $5 < 2' blobs.csv >blobs2.csv
expect_ok "a binary model to overflow" train --data blobs2.csv --layers 4 --epochs 1 --quiet --save huge2.safetensors
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $n, 8; seek F, 8 + unpack("Q<", $n), 0; print F pack("f<*", (3e38) x 16)' huge2.safetensors
unseal huge2.safetensors
expect_error "predict: a binary model's labels from outputs that are not finite" 1 "^hone predict: huge2.safetensors: the output for row [0-9]+ of blobs2.csv is not finite: $huge_said" -- \
    predict huge2.safetensors --data blobs2.csv
# the row named is the one that overflows, counted from 1 across batches: the first row, or the
# last of 300 (in the second batch of 256), its features of 3e38 standardized past float32 (a
# model without hidden layers, or a ReLU could turn -inf into 0)
expect_ok "a linear model" train --data blobs.csv --layers "" --epochs 1 --quiet --save linear.safetensors
{ sed -n 1p blobs.csv; echo "3e38,3e38,3e38,3e38,0"; sed -n '3,301p' blobs.csv; } >first-huge.csv
{ sed -n '1,300p' blobs.csv; echo "3e38,3e38,3e38,3e38,0"; } >last-huge.csv
expect_error "predict: the first row overflows" 1 "^hone predict: linear.safetensors: the output for row 1 of first-huge.csv is not finite" -- \
    predict linear.safetensors --data first-huge.csv
expect_error "predict: the last row overflows" 1 "^hone predict: linear.safetensors: the output for row 300 of last-huge.csv is not finite" -- \
    predict linear.safetensors --data last-huge.csv
# eval names the row too, the first whose outputs overflow, counted across batches as predict's
expect_error "eval: the first row overflows" 1 "^hone eval: linear.safetensors on first-huge.csv: the output for row 1(, output [1-3],)? is (nan|-?inf): $huge_said" -- \
    eval linear.safetensors --data first-huge.csv
expect_error "eval: the last row overflows" 1 "^hone eval: linear.safetensors on last-huge.csv: the output for row 300(, output [1-3],)? is (nan|-?inf): $huge_said" -- \
    eval linear.safetensors --data last-huge.csv
# a test row far outside the training rows: train printed a test loss of nan, with exit 0; its
# final figures cannot be had, and the model, saved before them, is kept
rm -f test-huge.safetensors
expect_error "train: a test row that overflows, no final figures" 1 \
    "^hone train: no final figures: last-huge.csv: the output for row 300(, output [1-3],)? is (nan|-?inf): ${huge_said%$}; the model is saved in test-huge.safetensors$" -- \
    train --data blobs.csv --test-data last-huge.csv --layers "" --epochs 1 --quiet --save test-huge.safetensors
! grep -q . out.txt && ok "train: no final figures printed for a test row that overflows" || bad "train printed figures" "$(cat out.txt)"
expect_ok "train: the model kept despite a test row that overflows" eval test-huge.safetensors --data blobs.csv
expect_error "train --json: a test row that overflows, no result" 1 "^hone train: no final figures: last-huge.csv: the output for row 300" -- \
    train --data blobs.csv --test-data last-huge.csv --layers "" --epochs 1 --json --quiet
[ ! -s out.txt ] && ok "train --json: no result for a test row that overflows" || bad "train --json printed a result" "$(cat out.txt)"
# outputs exactly tied (the last layer's weights and bias zeroed: every logit 0): a binary model's
# sigmoid of 0.5 is class 0, softmax's three equal probabilities are the first class, printed in
# float32's 9 digits (1/3 is 0.333333343)
expect_ok "a binary model to tie" train --data blobs2.csv --layers 4 --epochs 1 --quiet --save tie2.safetensors
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; seek F, -20, 2; print F "\0" x 20' tie2.safetensors   # 2.weight [1, 4], 2.bias [1]
unseal tie2.safetensors
"$hone" predict tie2.safetensors --data blobs2.csv >out.txt 2>err.txt &&
    [ "$(sort -u out.txt)" = 0 ] && ok "predict: a sigmoid of exactly 0.5 is class 0" || bad "predict: a sigmoid of exactly 0.5" "$(sort -u out.txt | head -3)" "$(cat err.txt)"
expect_ok "a softmax model to tie" train --data blobs.csv --layers 4 --epochs 1 --quiet --save tie3.safetensors
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; seek F, -60, 2; print F "\0" x 60' tie3.safetensors   # 2.weight [3, 4], 2.bias [3]
unseal tie3.safetensors
"$hone" predict tie3.safetensors --data blobs.csv >out.txt 2>err.txt &&
    [ "$(sort -u out.txt)" = 0 ] && ok "predict: equal probabilities are the first class" || bad "predict: equal probabilities" "$(sort -u out.txt | head -3)" "$(cat err.txt)"
"$hone" predict tie3.safetensors --data blobs.csv --probabilities >out.txt 2>err.txt &&
    [ "$(sort -u out.txt)" = "0.333333343,0.333333343,0.333333343" ] && ok "predict: probabilities in float32's 9 digits" \
    || bad "predict: probabilities in 9 digits" "$(sort -u out.txt | head -3)" "$(cat err.txt)"
# standard output that cannot be written (a full disk) fails the command: the lines sat in the
# stream's buffer until the end, where the failure was not looked at
if [ -w /dev/full ]; then
    "$hone" predict blobs.safetensors --data blobs.csv >/dev/full 2>err.txt; rc=$?
    [ $rc -eq 1 ] && [ "$(cat err.txt)" = "hone predict: standard output: No space left on device" ] &&
        ok "predict: standard output to a full disk" || bad "predict: standard output to a full disk" "exit $rc" "$(cat err.txt)"
    # every command: their results were lost with exit 0 (hone eval --json > out.json, an empty file)
    for args in "train --data blobs.csv --layers 4 --epochs 1 --json" "eval blobs.safetensors --data blobs.csv --json" \
        "diagnose blobs.safetensors --data blobs.csv" "inspect blobs.safetensors --data blobs.csv"; do
        # shellcheck disable=SC2086
        "$hone" $args >/dev/full 2>err.txt; rc=$?
        [ $rc -eq 1 ] && [ "$(cat err.txt)" = "hone ${args%% *}: standard output: No space left on device" ] &&
            ok "${args%% *}: standard output to a full disk" || bad "${args%% *}: standard output to a full disk" "exit $rc" "$(cat err.txt)"
    done
    "$hone" --help >/dev/full 2>err.txt; rc=$?
    [ $rc -eq 1 ] && [ "$(cat err.txt)" = "hone: standard output: No space left on device" ] &&
        ok "--help to a full disk" || bad "--help to a full disk" "exit $rc" "$(cat err.txt)"
fi
# standard error closed (2>&-): the metrics file took its number, and the progress lines went into
# it (a tune results file so written no longer read back); a closed stream is /dev/null now
"$hone" train --data blobs.csv --layers 4 --epochs 2 --metrics closed-err.csv >/dev/null 2>&-; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <closed-err.csv)" -eq 3 ] && ! grep -q '^epoch  *1/' closed-err.csv &&
    ok "standard error closed: the metrics file holds its rows alone" || bad "standard error closed" "exit $rc" "$(head -5 closed-err.csv)"
expect_error "diagnose: a loss that is not finite" 1 "^hone diagnose: huge.safetensors on blobs.csv: the output for row [0-9]+(, output [1-3],)? is (nan|-?inf): $huge_said" -- \
    diagnose huge.safetensors --data blobs.csv
# inspect shows where the values overflow (what it is for: exploding activations), and says so
# where it starts: its nan figures were printed without a word (and as "-nan")
"$hone" inspect huge.safetensors --data blobs.csv >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <err.txt)" -eq 1 ] &&
    grep -Eq "^hone inspect: warning: huge.safetensors: the outputs of layer 0 \(dense\) are not finite, nor any after: $huge_said" err.txt &&
    grep -q "^batch of 256 rows, loss nan (every class alike: 1.0986)$" out.txt && ! grep -q -- "-nan" out.txt && ok "inspect: outputs that are not finite, shown and warned of" \
    || bad "inspect: outputs that are not finite" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
"$hone" inspect --data blobs.csv --layers 64x60 --weight-init normal --init-scale 1 --json >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && grep -Eq "^hone inspect: warning: the outputs of layer [0-9]+ \((dense|relu)\) are not finite, nor any after: $huge_said" err.txt &&
    grep -q '"std": null' out.txt && ok "inspect: a fresh network's activations that overflow, warned of where they start" \
    || bad "inspect: a fresh network that overflows" "exit $rc" "$(cat err.txt)"
# tanh brings an infinite output back to +-1: the layers after it are finite, and not said otherwise
expect_ok "a tanh model to overflow" train --data blobs.csv --layers 4 --activation tanh --epochs 1 --quiet --save huge-tanh.safetensors
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $n, 8; seek F, 8 + unpack("Q<", $n), 0; print F pack("f<*", (3e38) x 16)' huge-tanh.safetensors
unseal huge-tanh.safetensors
"$hone" inspect huge-tanh.safetensors --data blobs.csv >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && grep -Eq "^hone inspect: warning: huge-tanh.safetensors: the outputs of layer 0 \(dense\) are not finite: $huge_said" err.txt &&
    ok "inspect: layers after an overflow that are finite again are not called infinite" || bad "inspect: finite layers after an overflow" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
# the loss not finite though every layer's outputs are: a loss of finite float32 outputs and
# targets, summed in double, is finite, so only the L2/L1 penalty (in double, lambda / B times
# the weights' sums) overflows, with a lambda near the largest double and a batch of one row
"$hone" inspect --data blobs.csv --layers 16 --l2 1e308 --batch 1 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -qx "hone inspect: warning: the loss on the batch is not finite: its L2/L1 penalty overflows (--l2 1e+308, --l1 0)" err.txt &&
    grep -q "^batch of 1 row, loss inf (every class alike: 1.0986)$" out.txt && ok "inspect: a loss that is not finite from finite outputs, warned of" \
    || bad "inspect: a loss not finite from finite outputs" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
# the outputs of the last layer alone overflow (weights of 1e19): no layer after it to name
"$hone" inspect --data reg.csv --regression --layers 16 --weight-init normal --init-scale 1e19 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -Eq "^hone inspect: warning: the outputs of layer 2 \(dense\) are not finite: $huge_said" err.txt &&
    ok "inspect: the last layer's outputs overflow, none after it named" || bad "inspect: the last layer's outputs overflow" "exit $rc" "$(cat err.txt)"
# every output finite, the backward pass not: weights of 1e15 make outputs of about 1e30, whose
# gradient times the hidden activations (1e15) overflows float32, first at the last layer
"$hone" inspect --data reg.csv --regression --layers 16 --weight-init normal --init-scale 1e15 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <err.txt)" -eq 1 ] &&
    grep -qx "hone inspect: warning: the gradients of layer 2 (dense) are not finite, nor any before: the backward pass overflows float32 (weights or inputs too large)" err.txt &&
    ok "inspect: gradients that overflow from finite outputs, warned of" || bad "inspect: gradients that overflow" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
expect_ok "train --init continues from a model" train --data blobs.csv --layers 16 --epochs 1 --init blobs.safetensors --json
grep -Eq '"test_acc": (0\.9|1)' out.txt && ok "--init keeps what was learned" || bad "--init keeps what was learned" "$(cat out.txt)"
expect_error "--init with another architecture" 1 "blobs.safetensors" -- train --data reg.csv --regression --init blobs.safetensors
expect_error "--init: other --layers" 2 "--layers: the network comes from --init blobs.safetensors" "hidden layers 16, relu" -- train --data blobs.csv --layers 32 --init blobs.safetensors
expect_error "--init: --batchnorm the model lacks" 2 "--batchnorm: the network comes from --init" -- train --data blobs.csv --batchnorm --init blobs.safetensors
expect_error "--init: --keep-prob the model lacks" 2 "--keep-prob: the network comes from --init" -- train --data blobs.csv --keep-prob 0.5 --init blobs.safetensors
expect_error "--init: --weight-init" 2 "--weight-init: the network comes from --init" -- train --data blobs.csv --weight-init he --init blobs.safetensors
expect_error "--init: a negative --l2" 2 "--l2 and --l1 take a lambda of 0 or more" -- train --data blobs.csv --l2 -1 --init blobs.safetensors
many_epochs=$(for i in $(seq 300); do printf -- '--epochs 1 '; done)
# shellcheck disable=SC2086
expect_error "--init: --layers after an option given 300 times is still seen" 2 "--layers: the network comes from --init" -- train --data blobs.csv $many_epochs --layers 32 --init blobs.safetensors
expect_error "--init: --layers given at its default" 2 "--layers: the network comes from --init" -- train --data blobs.csv --layers 512,256 --init blobs.safetensors
expect_error "--init: another --activation" 2 "--activation: the network comes from --init" -- train --data blobs.csv --activation tanh --init blobs.safetensors
expect_error "--init: --residual the model lacks" 2 "--residual: the network comes from --init" -- train --data blobs.csv --residual --init blobs.safetensors
expect_error "leaky slope of 0" 2 "--alpha: the leaky ReLU slope must be in" "for 0, use --activation relu" "got 0" -- train --data blobs.csv --activation leaky_relu --alpha 0
expect_error "a leaky slope that is 0 in float32 (it meant 0.01)" 2 "^hone train: --alpha: 1e-50 is 0 in float32, which holds the slope; it must be in \(0, 1\) there" -- \
    train --data blobs.csv --layers 4 --activation leaky_relu --alpha 1e-50
expect_error "--init: --alpha shapes only a new network" 2 "--alpha: the network comes from --init" -- train --data blobs.csv --alpha 0.2 --init blobs.safetensors
expect_error "--init: --init-scale shapes only a new network" 2 "--init-scale: the network comes from --init" -- train --data blobs.csv --init-scale 0.1 --init blobs.safetensors
expect_error "--init: --zero-residual shapes only a new network" 2 "--zero-residual: the network comes from --init" -- train --data blobs.csv --zero-residual --init blobs.safetensors
expect_error "--init: --bn-momentum shapes only a new network" 2 "--bn-momentum: the network comes from --init" -- train --data blobs.csv --bn-momentum 0.5 --init blobs.safetensors
# by hand, not expect_error: stderr has two lines, the input-dropout warning and then the refusal
"$hone" train --data blobs.csv --input-keep-prob 0.9 --init blobs.safetensors >out.txt 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--input-keep-prob: the network comes from --init" err.txt && grep -q "warning: --input-keep-prob 0.9" err.txt && ok "--init: --input-keep-prob the model lacks" \
    || bad "--init: --input-keep-prob the model lacks" "exit $rc" "$(cat err.txt)"
printf '[train]\nlayers = 32\n' >layers32.ini
expect_error "--init: --layers from a config file" 2 "--layers: the network comes from --init blobs.safetensors" -- train --config layers32.ini --data blobs.csv --init blobs.safetensors
expect_ok "a model with dropout on its first hidden layer only" train --data blobs.csv --layers 16,8 --keep-prob 0.5,1 --epochs 1 --save mixed.safetensors
expect_ok "--init: the same mixed --keep-prob" train --data blobs.csv --keep-prob 0.5,1 --epochs 1 --init mixed.safetensors --save mixed2.safetensors
grep -aq 'keep_prob\\": \\"0.5,1\\"' mixed2.safetensors && ok "--init: the metadata records each layer's keep probability" ||
    bad "--init: the metadata records each layer's keep probability" "$(grep -ao 'keep_prob[^,]*' mixed2.safetensors)"
expect_ok "a deep model with dropout" train --data blobs.csv --layers 8x100 --keep-prob 0.8 --epochs 1 --save deep.safetensors
expect_ok "--init from the deep model" train --data blobs.csv --epochs 1 --init deep.safetensors --save deep2.safetensors
grep -aq 'hidden\\": \\"8x100\\"' deep2.safetensors && grep -aq 'keep_prob\\": \\"0.8\\"' deep2.safetensors &&
    ok "--init: a hundred layers recorded as 8x100, keep 0.8" || bad "--init: a hundred layers recorded" "$(grep -ao 'hidden[^,]*' deep2.safetensors)"
expect_ok "--init without --layers" train --data blobs.csv --epochs 1 --init blobs.safetensors --save init.safetensors --json
plain=$(sed -n 's/.*"train_loss": \([0-9.e+-]*\).*/\1/p' out.txt)
grep -aq 'hidden\\": \\"16\\"' init.safetensors && ok "--init: the metadata records the model's own layers" ||
    bad "--init: the metadata records the model's own layers" "$(grep -ao 'hidden[^,]*' init.safetensors)"
# a network no option describes (the second hidden activation tanh, the first relu): refused, not trained as another
"$hone" train --data blobs.csv --layers 8,8 --epochs 1 --save two.safetensors --quiet >/dev/null 2>&1
perl -0777 -pe 's/(\\"relu\\".*?)\\"relu\\"/$1\\"tanh\\"/s' two.safetensors >mixed_act.safetensors
unseal mixed_act.safetensors
expect_error "--init: a network train's options cannot describe" 1 "--init mixed_act.safetensors: the network is not one train's options describe" \
    "layer 3 \(tanh\): its kind differs from the relu" -- train --data blobs.csv --epochs 1 --init mixed_act.safetensors
# a network train's options describe but for a setting they give once for all layers (two slopes,
# as a model made elsewhere may have): trained as it is, the model keeping its own slopes
"$hone" train --data blobs.csv --layers 8,8 --activation leaky_relu --alpha 0.2 --epochs 1 --save slopes.safetensors --quiet >/dev/null 2>&1
perl -0777 -pe 's/(\\"alpha\\": 0\.2.*?\\"alpha\\": )0\.2/${1}0.3/s' slopes.safetensors >slopes2.safetensors
unseal slopes2.safetensors
expect_ok "--init: a network of two slopes trains" train --data blobs.csv --epochs 1 --init slopes2.safetensors --save slopes3.safetensors
[ "$(grep -ao 'alpha\\": 0\.[23]' slopes3.safetensors | tr '\n' ' ')" = 'alpha\": 0.2 alpha\": 0.3 ' ] &&
    ok "--init: the model keeps its own slopes" || bad "--init: the model keeps its own slopes" "$(grep -ao 'alpha[^,]*' slopes3.safetensors)"
expect_ok "--init with --l2" train --data blobs.csv --epochs 1 --init blobs.safetensors --l2 50 --json
decayed=$(sed -n 's/.*"train_loss": \([0-9.e+-]*\).*/\1/p' out.txt)
awk -v a="$decayed" -v b="$plain" 'BEGIN { exit !(a > 1.05 * b) }' && ok "--init: --l2 applies to the loaded model (train loss $decayed > $plain)" ||
    bad "--init: --l2 applies to the loaded model" "with $decayed, without $plain"
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
# --- regularization and normalization -------------------------------------------------------------
expect_error "keep probability 0" 2 "keep probability must be in \(0, 1\]" -- train --data blobs.csv --keep-prob 0
expect_error "keep probability 1.5" 2 "keep probability must be in \(0, 1\]" -- train --data blobs.csv --keep-prob 1.5
# a unit is kept when a 32-bit draw falls below p 2^32: 1e-300 was 0 in float32 (refused naming no
# option, exit 1), and as --input-keep-prob no input dropout at all
expect_error "a keep probability that keeps no unit" 2 "^hone train: --keep-prob: 1e-11 keeps no unit: a unit is kept when a 32-bit draw falls below p 2\^32, so p must be at least 2\^-32 \(2.33e-10\)$" -- \
    train --data blobs.csv --layers 4,4 --keep-prob 0.5,1e-11
expect_error "a keep probability that is 0 in float32" 2 "^hone train: --keep-prob: 1e-300 keeps no unit" -- train --data blobs.csv --layers 4 --keep-prob 1e-300
expect_error "an input keep probability that is 0 in float32" 2 "^hone train: --input-keep-prob: 1e-300 keeps no unit" -- train --data blobs.csv --layers 4 --input-keep-prob 1e-300
expect_ok "a keep probability of 2^-32" train --data blobs.csv --layers 4 --epochs 1 --quiet --keep-prob 2.3283064365386963e-10
expect_error "--bn-momentum that is 0 in float32 (it meant 0.1)" 2 "^hone train: --bn-momentum 1e-50 is 0 in float32, which the network holds it in \(and takes 0 there for the default, 0.1\): give at least 1.4e-45$" -- \
    train --data blobs.csv --layers 4 --batchnorm --bn-momentum 1e-50
expect_error "keep probabilities per layer" 2 "one per hidden layer \(1\), got 3" -- train --data blobs.csv --layers 16 --keep-prob 0.5,0.5,0.5
expect_error "negative L2" 2 "--l2 and --l1 take a lambda of 0 or more" -- train --data blobs.csv --l2 -1
expect_error "an L1 that is 0 in float32 (no penalty, called regularized)" 2 "^hone train: --l1 1e-50 is 0 in float32, which the penalty is taken in: give 0 for none, or a larger lambda$" -- \
    train --data blobs.csv --layers 4 --l1 1e-50
expect_error "bad early-stop metric" 2 "--early-stop-metric" -- train --data blobs.csv --early-stop 3 --early-stop-metric f1
# A regression has no accuracy to watch (it kept epoch 1's weights), and a per-step warm-up as long
# as the run never reaches lr: both found from the data, before anything is written.
expect_error "early stopping on a regression's accuracy" 2 "^hone train: early stopping on dev accuracy, and a regression has none: watch its loss$" -- \
    train --data blobs.csv --regression --layers 4 --epochs 3 --early-stop 2 --early-stop-metric accuracy --metrics es.csv
[ ! -e es.csv ] && ok "early stopping on a regression's accuracy: no metrics file" || bad "early stopping on a regression's accuracy: no metrics file" "$(ls)"
expect_error "a per-step warm-up as long as the run" 2 "^hone train: cosine: warm-up \(12 steps\) must be shorter than the run \(12 steps: 3 epochs of 4\)$" -- \
    train --data blobs.csv --layers 4 --epochs 3 --batch 50 --warmup 12 --per-step
expect_ok "a per-step warm-up shorter than the run" train --data blobs.csv --layers 4 --epochs 3 --batch 50 --warmup 11 --per-step --quiet
expect_error "augmenting a CSV: an options error" 2 "^hone train: --augment-shift, --augment-flip: blobs.csv is not images \(rows of 4 features, no height and width\): .*--augment-noise needs neither$" -- \
    train --data blobs.csv --augment-shift 2 --augment-flip --quiet
# noise needs no image: it is added to the standardized features of a table too, and changes the run
blob_run=(train --data blobs.csv --layers 8 --epochs 3 --json)
"$hone" "${blob_run[@]}" >nonoise.json 2>/dev/null; "$hone" "${blob_run[@]}" --augment-noise 0.5 >noise.json 2>err.txt
nonoise_loss=$(sed -n 's/.*"train_loss": \([-0-9.e+]*\).*/\1/p' nonoise.json); noise_loss=$(sed -n 's/.*"train_loss": \([-0-9.e+]*\).*/\1/p' noise.json)
[ -n "$nonoise_loss" ] && [ -n "$noise_loss" ] && [ "$nonoise_loss" != "$noise_loss" ] && [ ! -s err.txt ] &&
    ok "--augment-noise on a CSV trains, otherwise than without it" || bad "--augment-noise on a CSV trains" "$(cat nonoise.json noise.json err.txt)"
# --augment-flip flips images as it trains: the run comes out otherwise than without it
img_run=(train --data img6.idx --labels lab6.idx --layers 4 --epochs 5 --dev 0 --test 0 --batch 2 --json)
"$hone" "${img_run[@]}" >noflip.json 2>/dev/null; "$hone" "${img_run[@]}" --augment-flip >flip.json 2>/dev/null
noflip_loss=$(sed -n 's/.*"train_loss": \([-0-9.e+]*\).*/\1/p' noflip.json); flip_loss=$(sed -n 's/.*"train_loss": \([-0-9.e+]*\).*/\1/p' flip.json)
[ -n "$noflip_loss" ] && [ -n "$flip_loss" ] && [ "$noflip_loss" != "$flip_loss" ] && ok "--augment-flip changes the training (train loss $noflip_loss, flipped $flip_loss)" ||
    bad "--augment-flip changes the training" "$(cat noflip.json flip.json)"
expect_error "early stopping without dev: a usage error, as the plateau schedule" 2 "^hone train: --early-stop watches the dev set, and there is no dev set \(--dev 0\)$" -- train --data blobs.csv --early-stop 2 --dev 0 --quiet
expect_error "divergence is named (exit 3)" 3 "diverged at epoch [0-9]+, batch [0-9]+, learning rate" "first non-finite" "lower the" -- \
    train --data blobs.csv --layers 16 --optimizer sgd --lr 1e6 --schedule constant --epochs 5 --quiet --dev 0
# weights grown past what the dev rows' outputs fit in float32 by an epoch's last steps: its dev
# loss was inf, printed as such, and early stopping would have kept the first epoch's weights
expect_error "divergence on the dev rows is named (exit 3)" 3 \
    "^hone train: diverged at epoch 2, on the dev rows, learning rate 1e\+06: the output for row [0-9]+(, output [1-3],)? is (nan|-?inf): the network's values overflow float32 \(weights or inputs too large\); the weights grew too large \(lower the learning rate, clip gradients \(--clip-norm\), or add batch normalization\) or that row's features are far outside the training rows'$" -- \
    train --data blobs.csv --layers 16 --optimizer sgd --lr 1e6 --schedule constant --epochs 5 --quiet --early-stop 3
expect_ok "input dropout warns but runs" train --data blobs.csv --layers 8 --epochs 1 --input-keep-prob 0.9 --quiet
grep -q "warning: --input-keep-prob" err.txt && ok "input dropout warning" || bad "input dropout warning" "$(cat err.txt)"
expect_ok "every regularizer on CSV" train --data blobs.csv --layers 32,16 --epochs 20 --batch 16 --lr 0.01 --batchnorm \
    --keep-prob 0.8,0.9 --l2 0.01 --l1 0.001 --early-stop 5 --json
grep -Eq '"test_acc": (0\.9|1)' out.txt && grep -q '"best_epoch": ' out.txt && ok "regularized network learns" || bad "regularized network learns" "$(cat out.txt)"
expect_ok "residual network trains and saves" train --data blobs.csv --layers 16,16,16,16,16 --residual --batchnorm --epochs 10 --batch 16 --lr 0.01 --save res.safetensors --json
grep -Eq '"test_acc": (0\.9|1)' out.txt && ok "residual network learns" || bad "residual network learns" "$(cat out.txt)"
expect_ok "residual model evaluates" eval res.safetensors --data blobs.csv
expect_ok "gradcheck through residual blocks" gradcheck --data blobs.csv --layers 6,6,6,6,6 --residual --activation tanh
grep -q "overall.*good" out.txt && ok "residual gradcheck good" || bad "residual gradcheck good" "$(cat out.txt)"
expect_ok "gradcheck with batch norm, dropout, L2 and L1" gradcheck --data blobs.csv --layers 8,6 --batchnorm --keep-prob 0.7 --l2 0.5 --l1 0.1
grep -q "masks drawn and held fixed" out.txt && grep -q "overall.*good" out.txt && ok "gradcheck says how dropout was checked" || bad "gradcheck says how dropout was checked" "$(cat out.txt)"
# The penalty's sums in gradcheck's double build: a kernel the double library did not rename ran
# as the float one's on doubles, and its garbage (NaN or 1e79) was called good, overall and by
# layer. Every layer is judged good now, and a gradient that is not finite is a bug (exit 1).
expect_ok "gradcheck with L2" gradcheck --data blobs.csv --layers 8 --l2 0.1
[ "$(grep -c '^  layer .* good$' out.txt)" = 2 ] && grep -q "overall.*good" out.txt && ok "gradcheck with L2: every layer good" || bad "gradcheck with L2: every layer good" "$(cat out.txt)"
# w + 1e-300 is w: every layer was reported as a bug
expect_error "gradcheck: an eps too small for double precision" 2 "^hone gradcheck: --eps must be in \[1e-10, 1\), got 1e-300: below 1e-10, the rounding of the losses in double precision alone puts a correct gradient's error above 1e-5$" -- \
    gradcheck --data blobs.csv --layers 8 --eps 1e-300
expect_ok "gradcheck: eps 1e-10" gradcheck --data blobs.csv --layers 8 --eps 1e-10
expect_error "gradcheck: eps 0" 2 "^hone gradcheck: --eps must be in \[1e-10, 1\), got 0$" -- gradcheck --data blobs.csv --eps 0
"$hone" gradcheck --data blobs.csv --layers 8 --weight-init normal --init-scale 1e200 >out.txt 2>err.txt; rc=$?
[ "$rc" = 1 ] && grep -q "overall .* rel error nan: almost certainly a bug" out.txt && grep -q "^  a loss, a gradient or a sum of their squares is not finite" out.txt &&
    ok "gradcheck: a gradient that is not finite is a bug" || bad "gradcheck: a gradient that is not finite is a bug" "exit $rc" "$(cat out.txt err.txt)"
"$hone" gradcheck --data blobs.csv --layers 8 --weight-init normal --init-scale 1e200 --json >out.txt 2>err.txt
grep -q '"rel_error": null, "verdict": "bug"' out.txt && ok "gradcheck --json: a NaN error is null" || bad "gradcheck --json: a NaN error is null" "$(cat out.txt)"
expect_ok "zero init warns but runs" train --data blobs.csv --layers 4 --epochs 1 --weight-init zeros --quiet
grep -q "symmetr\|same" err.txt && ok "zero init warning" || bad "zero init warning" "$(cat err.txt)"
expect_ok "gradcheck on CSV data" gradcheck --data blobs.csv --layers 6,5 --activation tanh
grep -q "good" out.txt && ok "gradcheck says good" || bad "gradcheck says good" "$(cat out.txt)"
expect_ok "gradcheck --json" gradcheck --data blobs.csv --layers 4 --json
grep -q '"verdict": "good"' out.txt && ok "gradcheck --json verdict" || bad "gradcheck --json verdict" "$(cat out.txt)"
# ReLU's kink: where w - eps and w + eps put a ReLU input on both sides of 0, the two-sided
# difference averages two slopes; such values are counted and not judged, rather than called a bug.
expect_ok "gradcheck: a dead layer leaves the next on its biases, the kink" gradcheck --data blobs.csv --layers 4,4,4
grep -q "overall.*good" out.txt && ok "gradcheck: kinks are not called a bug" || bad "gradcheck: kinks are not called a bug" "$(cat out.txt)"
head -2 blobs.csv >onerow.csv # standardized to 0: the first layer's pre-activations are its biases, 0
expect_ok "gradcheck on one row" gradcheck --data onerow.csv --layers 4,4
grep -q "layer  0 dense .* good  (4 of 20 straddle a ReLU kink, not judged)" out.txt \
    && grep -q "layer  2 dense .* good  (4 of 20 straddle a ReLU kink, not judged)" out.txt \
    && grep -q "^  8 of 45 checked values straddle a ReLU kink and were not judged" out.txt \
    && grep -q "^    (a ReLU input crosses 0 between w - eps and w + eps, where the difference is not the derivative)" out.txt \
    && ok "gradcheck counts the values at a kink per layer" || bad "gradcheck counts the values at a kink per layer" "$(cat out.txt)"
expect_ok "gradcheck --batchnorm on one sample" gradcheck --data blobs.csv --layers 4,4 --batchnorm --samples 1
grep -q "layer  1 batchnorm .* (4 of 8 straddle a ReLU kink, not judged)" out.txt && grep -q "overall.*good" out.txt \
    && ok "gradcheck: batch norm of one row is on the kink (beta)" || bad "gradcheck: batch norm of one row is on the kink (beta)" "$(cat out.txt)"
expect_ok "gradcheck of zero weights" gradcheck --data blobs.csv --layers 4,4 --weight-init zeros
grep -q "layer  0 dense           20 params  could not be judged: all 20 straddle a ReLU kink$" out.txt && grep -q "overall.*good" out.txt \
    && ok "gradcheck: a layer all on the kink could not be judged" || bad "gradcheck: a layer all on the kink could not be judged" "$(cat out.txt)"
expect_ok "gradcheck --json of zero weights" gradcheck --data blobs.csv --layers 4,4 --weight-init zeros --json
grep -q '"kinks": 24, "rel_error": [0-9.e+-]*, "verdict": "good", "layers": \[{"layer": 0, "checked": 20, "rel_error": null, "kinks": 20, "verdict": "not judged"}' out.txt \
    && ok "gradcheck --json counts kinks" || bad "gradcheck --json counts kinks" "$(cat out.txt)"

# --- progress, learning curves, diagnosis --------------------------------------------------------
metrics_header="epoch,lr,grad_norm,train_loss,train_acc,dev_loss,dev_acc,seconds,samples_per_s,best_epoch"
"$hone" --help | grep -q "^  plot " && "$hone" --help | grep -q "^  diagnose " && "$hone" plot --help | grep -q -- "--output FILE.svg" \
    && "$hone" diagnose --help | grep -q -- "--base-error X .*\[0\]" && ok "plot and diagnose are listed, with --help" || bad "plot and diagnose --help" "$("$hone" --help)"
expect_ok "train --metrics --plot" train --data blobs.csv --layers 8 --epochs 3 --batch 16 --metrics m.csv --plot run.svg
[ "$(head -1 m.csv)" = "$metrics_header" ] && [ "$(wc -l <m.csv)" -eq 4 ] && [ "$(tail -n +2 m.csv | cut -d, -f1 | tr '\n' ' ')" = "1 2 3 " ] \
    && ok "metrics CSV: header and one row per epoch" || bad "metrics CSV: header and one row per epoch" "$(cat m.csv)"
# the progress lines give each epoch's train and dev accuracy, the metrics file's figures
[ "$(sed -n 's/^epoch *\([0-9]*\)\/3  train loss [0-9.]* acc *\([0-9.]*\)%  dev loss [0-9.]* acc *\([0-9.]*\)%.*/\1 \2 \3/p' err.txt)" = \
    "$(awk -F, 'NR > 1 { printf "%d %.2f %.2f\n", $1, 100 * $5, 100 * $7 }' m.csv)" ] &&
    ok "progress: each epoch's train and dev accuracy" || bad "progress: each epoch's train and dev accuracy" "$(grep '^epoch' err.txt)" "$(cat m.csv)"
[ "$(grep -c '^epoch ' err.txt)" -eq 3 ] && ! LC_ALL=C grep -q $'[\r\033]' err.txt out.txt \
    && ok "progress to a file: plain lines, no control characters" || bad "progress to a file: plain lines" "$(cat -v err.txt)"
"$hone" train --data blobs.csv --layers 8 --epochs 2 --batch 16 2>&1 | cat >piped.txt
grep -q '^epoch   2/2  train loss' piped.txt && ! LC_ALL=C grep -q $'[\r\033]' piped.txt \
    && ok "progress through a pipe: no control characters" || bad "progress through a pipe" "$(cat -v piped.txt)"
tail -8 out.txt | head -1 | grep -q '^diagnosis: ' && tail -2 out.txt | head -1 | grep -q '^  advice: ' \
    && ok "train ends with the diagnosis" || bad "train ends with the diagnosis" "$(cat out.txt)"
[ -s run.svg ] && ! ls run.svg.tmp* >/dev/null 2>&1 && head -c 4 run.svg | grep -q '<svg' && grep -q '</svg>' run.svg \
    && ok "train --plot writes an SVG, no temporary left" || bad "train --plot writes an SVG" "$(ls; head -3 run.svg)"
grep -qx "wrote run.svg (3 epochs)" out.txt && ok "train --plot: says what it wrote as plot does" || bad "train --plot: what it wrote" "$(cat out.txt)"
# a dev error on 60 rows is known to some 13 points, and the bar that calls variance high (here a
# tenth of a 44% train error, 4.4 points, above the 2-point tolerance) read its noise as variance
# or none: a note says so, naming the bar hone_diagnose used; on 3000 rows (1.6 points) there is none
tail -1 out.txt | grep -Eq "^  note: on 60 dev rows the dev error is known to about \+-[0-9]+\.[0-9] points \(two standard errors, sqrt\(p \(1 - p\) / n\)\), too few to tell the variance \(dev - train\) against the [3-9]\.[0-9]-point bar \(a tenth of the train error, above the 2-point tolerance\); a larger dev set would settle it$" &&
    ok "train: a dev set too small to tell variance is noted" || bad "train: a dev set too small to tell variance" "$(tail -3 out.txt)"
awk 'BEGIN { srand(11); print "a,b,label"; for (i = 0; i < 15000; i++) { c = i % 2; printf "%.4f,%.4f,%d\n", c * 3 + rand(), rand(), c } }' >big2.csv
expect_ok "train: a dev set of 3000 rows" train --data big2.csv --layers 4 --epochs 2 --dev 3000 --test 100
grep -q '^diagnosis: ' out.txt && ! grep -q 'dev rows the dev error is known' out.txt && ok "train: a dev set of 3000 rows, no note on its noise" ||
    bad "train: a dev set of 3000 rows noted" "$(tail -3 out.txt)"
"$hone" train --data blobs.csv --layers 8 --epochs 3 --batch 16 --quiet --save noise60.safetensors >/dev/null 2>&1
expect_ok "diagnose: a model of a small dev set" diagnose noise60.safetensors --data blobs.csv
tail -1 out.txt | grep -q "^  note: on 60 dev rows the dev error is known to about" && ok "diagnose: a model's small dev set is noted" ||
    bad "diagnose: a model's small dev set" "$(tail -3 out.txt)"
# a network that learned nothing from its features (zero weights leave every hidden unit at 0, so
# that only the output bias learns: the class frequencies) does no better than the best prediction
# that ignores the inputs, and is told so where the recipe would grow it; one that learned is not,
# nor an MSE model (no accuracy to tell a barely trained network from one that learned nothing)
"$hone" train --data blobs.csv --layers 8 --epochs 3 --weight-init zeros --save zero-init.safetensors >out.txt 2>err.txt; rc=$?
nothing='^  note: the network does no better on its train rows than the best prediction that ignores the inputs, the class frequencies for every row \(loss [0-9.]+ and [0-9.]+% right against [0-9.]+ and [0-9.]+%\): it has learned nothing from its features, and a bigger one will not change that; look first at the learning rate \(too high, and training collapses to that prediction; too low, and it has not left its start\) and at the initialization \(hone inspect; --weight-init zeros starts every unit of a layer alike\)$'
[ $rc -eq 0 ] && grep -Eq "$nothing" out.txt && ok "train: a network that learned nothing from its features is told so" ||
    bad "train: a network that learned nothing" "exit $rc" "$(tail -4 out.txt)"
expect_ok "diagnose: the zero-initialized model" diagnose zero-init.safetensors --data blobs.csv
grep -Eq "$nothing" out.txt && ok "diagnose: a model that learned nothing from its features is told so" || bad "diagnose: a model that learned nothing" "$(cat out.txt)"
expect_ok "diagnose --json: the zero-initialized model" diagnose zero-init.safetensors --data blobs.csv --json
grep -Eq '"train_loss": 1\.[0-9]+, "constant_loss": 1\.09[0-9]*, "constant_acc": 0\.3[0-9]*, ' out.txt &&
    ok "diagnose --json: the train loss beside the best constant prediction's loss and accuracy" || bad "diagnose --json: the constant figures" "$(cat out.txt)"
expect_ok "diagnose: a model that learned" diagnose noise60.safetensors --data blobs.csv
grep -q '^diagnosis: ' out.txt && ! grep -q 'learned nothing' out.txt && ok "diagnose: a model that learned, no such note" ||
    bad "diagnose: a model that learned, noted as learning nothing" "$(cat out.txt)"
# 6 steps from its initialization: a loss still above the constant's (1.73 against 1.10) but right
# on 50% of the rows against its 34%: barely trained, not blind to its features
expect_ok "train: 6 steps" train --data blobs.csv --layers 8 --epochs 3
awk '/^  train +[0-9]+ rows/ { loss = $5 } END { exit !(loss > 1.1) }' out.txt && grep -q '^diagnosis: ' out.txt && ! grep -q 'learned nothing' out.txt &&
    ok "train: a network barely trained, its loss above the constant's, is not told it learned nothing" ||
    bad "train: a barely trained network" "$(tail -5 out.txt)"
expect_ok "diagnose --json: a regression model" diagnose raw-price.safetensors --data price.csv --json
grep -Eq '"constant_loss": [0-9][0-9.e+]*, "constant_acc": null, ' out.txt && ok "diagnose --json: a regression's constant loss, no accuracy" ||
    bad "diagnose --json: a regression's constant figures" "$(cat out.txt)"
expect_ok "diagnose: a regression model" diagnose raw-price.safetensors --data price.csv
grep -q '^diagnosis: ' out.txt && ! grep -q 'learned nothing' out.txt && ok "diagnose: no such note for MSE" ||
    bad "diagnose: an MSE model noted as learning nothing" "$(cat out.txt)"
expect_ok "diagnose --json: a metrics file" diagnose --metrics raw-price.csv --json
grep -q '"train_loss": null, "constant_loss": null, "constant_acc": null, ' out.txt && ok "diagnose --json: no constant figures from a metrics file" ||
    bad "diagnose --json: a metrics file's constant figures" "$(cat out.txt)"
expect_ok "diagnose: a small dev set, a tolerance above a tenth of the train error" diagnose noise60.safetensors --data blobs.csv --tolerance 0.05
tail -1 out.txt | grep -q "too few to tell the variance (dev - train) against the 5-point tolerance; a larger dev set would settle it$" &&
    ok "diagnose: the note names the tolerance when it is the bar" || bad "diagnose: the note's bar, a tolerance" "$(tail -3 out.txt)"
expect_ok "diagnose: a small dev set, a tolerance wider than its noise" diagnose noise60.safetensors --data blobs.csv --tolerance 0.3
! grep -q 'dev rows the dev error is known' out.txt && ok "diagnose: no note of noise within a wide tolerance" ||
    bad "diagnose: a note of noise within a wide tolerance" "$(tail -3 out.txt)"
# the note goes by the bar itself, both for whether the noise could hide it and for how far the
# variance is from it (mutation round 9: either comparison made against the 2-point tolerance
# passed the tests above). noise_calls N: from the train and dev errors train printed (out.txt)
# and N dev rows, whether the rule calls for the note against the bar and against the tolerance
# alone, as "BAR TOL" (1 said, 0 not): a fixture whose calls are "0 1" tells the two apart.
noise_calls() {
    awk -v n="$1" '/^  train error/ { t = $3 / 100 } /^  dev error/ { d = $3 / 100 }
        function said(b) { return noise > b && (v - b < noise && b - v < noise) }
        END { noise = 2 * sqrt(d * (1 - d) / n); v = d - t; bar = 0.1 * t > 0.02 ? 0.1 * t : 0.02; print said(bar), said(0.02) }' out.txt
}
awk 'BEGIN { srand(21); print "a,b,label"; for (i = 0; i < 600; i++) { a = rand(); c = (a > 0.5); if (rand() < 0.3) c = 1 - c; printf "%.4f,%.4f,%d\n", a, rand(), c } }' >flip.csv
awk 'BEGIN { srand(22); print "a,b,label"; for (i = 0; i < 2000; i++) { a = rand(); c = (a > 0.5); if (rand() < 0.3) c = 1 - c; printf "%.4f,%.4f,%d\n", a, rand(), c } }' >flip2k.csv
# 60 dev rows, noise 12.9 points above a 5.6-point bar: a variance of -9.3 points is within the
# noise of the tolerance (-9.3 + 12.9 > 2), not of the bar (5.6 - 12.9 > -9.3)
expect_ok "train: a variance as far below the bar as the noise" train --data flip.csv --layers 16 --epochs 20 --dev 60 --seed 12
calls=$(noise_calls 60)
[ "$calls" = "0 1" ] && ! grep -q 'dev rows the dev error is known' out.txt && ok "train: no note of noise when the variance is clear of the bar" ||
    bad "train: no note of noise when the variance is clear of the bar" "the rule's calls against the bar and the tolerance: $calls (wanted 0 1)" "$(tail -8 out.txt)"
# 1000 dev rows, noise 3.2 points below a 4.9-point bar (though above the 2-point tolerance),
# however close the variance of 2.8 points is to the bar
expect_ok "train: a dev set whose noise is below the bar" train --data flip2k.csv --layers 16 --epochs 3 --dev 1000 --test 0 --seed 10
calls=$(noise_calls 1000)
[ "$calls" = "0 1" ] && ! grep -q 'dev rows the dev error is known' out.txt && ok "train: no note of noise below the bar" ||
    bad "train: no note of noise below the bar" "the rule's calls against the bar and the tolerance: $calls (wanted 0 1)" "$(tail -8 out.txt)"
expect_ok "train --metrics as JSON lines, --quiet" train --data blobs.csv --layers 8 --epochs 2 --metrics m.jsonl --quiet
[ "$(wc -l <m.jsonl)" -eq 2 ] && grep -q '^{"epoch": 2, "lr": ' m.jsonl && grep -q '"samples_per_s": ' m.jsonl && [ ! -s err.txt ] \
    && ok "metrics JSON lines; --quiet prints no progress" || bad "metrics JSON lines; --quiet" "$(cat m.jsonl err.txt)"
expect_ok "train --json with --metrics" train --data blobs.csv --layers 8 --epochs 2 --metrics m2.csv --json
[ "$(wc -l <out.txt)" -eq 1 ] && [ ! -s err.txt ] && [ "$(wc -l <m2.csv)" -eq 3 ] \
    && ok "--json: one line on stdout, nothing on stderr" || bad "--json: one line on stdout" "$(cat out.txt err.txt)"
# .CSV is CSV too
expect_ok "train --metrics M.CSV" train --data blobs.csv --layers 4 --epochs 1 --metrics M.CSV --quiet
[ "$(head -1 M.CSV)" = "$metrics_header" ] && ok "--metrics M.CSV writes CSV" || bad "--metrics M.CSV writes CSV" "$(cat M.CSV)"
if command -v script >/dev/null; then
    COLUMNS=100 script -qec "'$hone' train --data blobs.csv --layers 8 --epochs 2 --batch 4" /dev/null >tty.txt 2>&1
    grep -q $'\r''epoch   1/2 .*loss .*samples/s .*left' tty.txt && grep -q $'\033\\[K' tty.txt \
        && ok "on a terminal: a live line redrawn with \\r" || bad "on a terminal: a live line" "$(cat -v tty.txt | head -c 600)"
fi
svg_ok() { # FILE: an SVG with both curves, the legend and axes
    head -c 4 "$1" | grep -q '<svg' && grep -q '<polyline class="train"' "$1" && grep -q '<polyline class="dev"' "$1" \
        && grep -q '>train</text>' "$1" && grep -q '>dev</text>' "$1" && grep -q '>epoch</text>' "$1" && grep -q '>loss</text>' "$1"
}
expect_ok "plot a CSV metrics file" plot m.csv --output curves.svg
svg_ok curves.svg && ok "plot: SVG with train and dev curves and a legend" || bad "plot: SVG with both curves" "$(head -c 800 curves.svg)"
# the line under the title: the metrics file's name, or --title's text (escaped)
grep -q '<text x="[0-9.]*" y="47" [^>]*>m.csv</text>' curves.svg && ok "plot: the metrics file's name under the title" || bad "plot: the metrics file's name under the title" "$(grep -o '<text[^<]*' curves.svg | head -3)"
expect_ok "plot --title" plot m.csv --output titled.svg --title 'run <3> & co'
grep -q '<text x="[0-9.]*" y="47" [^>]*>run &lt;3&gt; &amp; co</text>' titled.svg && ok "plot --title: the line under the title, escaped" || bad "plot --title: the line under the title" "$(grep -o '<text[^<]*' titled.svg | head -3)"
# an SVG is UTF-8 XML: a Latin-1 byte (of --title, or of the file name it shows) made it no XML
# at all; such bytes, and U+FFFE, are U+FFFD, and UTF-8 is kept
expect_ok "plot --title not UTF-8" plot m.csv --output latin-title.svg --title $'caf\xe9 \xef\xbf\xbe, \xc3\xa9t\xc3\xa9'
grep -q $'>caf&#xFFFD; &#xFFFD;, \xc3\xa9t\xc3\xa9</text>' latin-title.svg && iconv -f UTF-8 -t UTF-8 latin-title.svg >/dev/null 2>&1 &&
    ok "plot --title: bytes that are not UTF-8 are U+FFFD, the SVG UTF-8" || bad "plot --title: bytes that are not UTF-8" "$(grep -a 'y="47"' latin-title.svg | cat -v)"
cp m.csv $'latin\xff.csv'
expect_ok "plot of a file name that is not UTF-8" plot $'latin\xff.csv' --output latin-name.svg
grep -q '>latin&#xFFFD;.csv</text>' latin-name.svg && iconv -f UTF-8 -t UTF-8 latin-name.svg >/dev/null 2>&1 &&
    ok "plot: a file name that is not UTF-8 has U+FFFD under the title" || bad "plot: a file name that is not UTF-8" "$(grep -a 'y="47"' latin-name.svg | cat -v)"
# --plot keeps the epochs as they come: a slot for each of --epochs, allocated up front, refused
# a run meant to end by early stopping ("out of memory for --plot")
expect_ok "--plot with --epochs 2000000000, ended by early stopping" train --data blobs.csv --layers 4 --epochs 2000000000 --early-stop 1 --min-delta 1 --plot early.svg --quiet
grep -q "stopped early" out.txt && svg_ok early.svg && ok "--plot of a run ended early draws it" || bad "--plot of a run ended early draws it" "$(head -3 out.txt)"
# Losses in the 1e21s (a diverging run) are labelled with exponents: as fixed decimals they ran
# to 22 digits and off the panel.
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,1.2e21,0.5,1.1e21,0.5\n2,2.5e21,0.4,2.6e21,0.4\n' >huge.csv
expect_ok "plot of losses in the 1e21s" plot huge.csv --output huge.svg
grep -q '>2.5e+21<' huge.svg && grep -q 'last: train 2.5e+21, dev 2.6e+21' huge.svg && ! grep -Eq '>[-0-9.]{12,}' huge.svg &&
    ok "plot: huge losses as exponents" || bad "plot: huge losses as exponents" "$(grep -o '<text[^<]*' huge.svg | head -20)"
# a flat curve keeps the digits that tell its ticks apart (four significant ones read alike)
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,0.693140,0.5,0.693150,0.5\n2,0.693160,0.5,0.693155,0.5\n' >flat.csv
expect_ok "plot of a flat loss" plot flat.csv --output flat.svg
grep -q '>0.693145<' flat.svg && grep -q '>0.693150<' flat.svg && ok "plot: a flat curve's ticks read apart" || bad "plot: a flat curve's ticks read apart" "$(grep -o '<text[^<]*' flat.svg | head -12)"
# a figure of ten characters is still written with fixed decimals
printf 'epoch,train_loss,train_acc\n1,20000,0.5\n2,12345.6789,0.6\n' >ten.csv
expect_ok "plot of a ten-character loss" plot ten.csv
grep -q '>last: train 12345.6789<' ten.svg && ok "plot: a ten-character figure in fixed decimals" || bad "plot: a ten-character figure in fixed decimals" "$(grep -o 'last: [^<]*' ten.svg)"
# epoch ticks fall on whole epochs, each once a panel: 1 2 3 for three epochs, 5 10 15 20 for
# twenty (not 2.5 apart, read 2 5 8), from 5 for forty (no epoch 0)
for n in 3 20 40 60 61; do
    awk -v n=$n 'BEGIN { print "epoch,train_loss,train_acc,dev_loss,dev_acc"; for (e = 1; e <= n; e++) printf "%d,%.4f,%.4f,%.4f,%.4f\n", e, 1/e, 1 - 0.5/e, 1.1/e, 1 - 0.6/e }' >e$n.csv
    expect_ok "plot of $n epochs" plot e$n.csv
done
epoch_ticks() { grep -o 'y="379.0" text-anchor="middle">[^<]*' "$1" | sed 's/.*>//' | tr '\n' ' '; }
[ "$(epoch_ticks e3.svg)" = "1 2 3 1 2 3 " ] && [ "$(epoch_ticks e20.svg)" = "5 10 15 20 5 10 15 20 " ] &&
    [ "$(epoch_ticks e40.svg)" = "5 10 15 20 25 30 35 40 5 10 15 20 25 30 35 40 " ] && ok "plot: epoch ticks on whole epochs, from 1 or the first step" ||
    bad "plot: epoch ticks on whole epochs" "3: $(epoch_ticks e3.svg)" "20: $(epoch_ticks e20.svg)" "40: $(epoch_ticks e40.svg)"
# markers on the curves up to 60 epochs (4 curves of 60, and the legend's 2), none past
[ "$(grep -c '<circle' e60.svg)" = 242 ] && [ "$(grep -c '<circle' e61.svg)" = 2 ] && ok "plot: markers for 60 epochs, none for 61" ||
    bad "plot: markers for 60 epochs, none for 61" "$(grep -c '<circle' e60.svg) and $(grep -c '<circle' e61.svg) circles"
# without accuracy (a regression) one panel, the figure as wide as it
printf 'epoch,train_loss,dev_loss\n1,0.5,0.6\n2,0.4,0.5\n' >regm.csv
expect_ok "plot of a regression's metrics" plot regm.csv
grep -q '^<svg [^>]*width="500" ' regm.svg && ! grep -q 'id="accuracy"' regm.svg && ok "plot: a regression's loss alone, one panel wide" ||
    bad "plot: a regression's loss alone, one panel wide" "$(grep -o '<svg[^>]*' regm.svg)"
# a regularized run says so where it starts and under the plot's title (the network line and the
# subtitle named only the layers, optimizer and batch: runs differing in regularization read alike)
expect_ok "train with regularization" train --data blobs.csv --layers 8,4 --epochs 3 --batch 16 --l2 0.5 \
    --keep-prob 0.8,0.9 --batchnorm --early-stop 2 --plot reg.svg
reg="L2 0.5, dropout keep 0.8,0.9, batch norm, early stop 2 on dev loss"
grep -qx "regularization: $reg" err.txt && grep -q "batch 16; $reg</text>" reg.svg &&
    ok "train: the regularization on the network's line and under the plot's title" ||
    bad "train: the regularization on the network's line and under the plot's title" "$(grep -A1 '^network' err.txt)" \
        "$(grep -o 'batch 16[^<]*' reg.svg)"
grep -q '^regularization' piped.txt && bad "train: no regularization line without any" "$(cat piped.txt)" ||
    ok "train: no regularization line without any"
# a penalty's train loss is the cost: --l2 1e6 showed 336290 beside a dev loss of 3.1, unexplained
grep -A1 '^regularization: L2 0.5' err.txt | grep -q "^  (each epoch's train loss below is the cost minimized, data loss plus the penalty" &&
    ok "train: a penalty's progress loss is said to be the cost" || bad "train: a penalty's progress loss is said to be the cost" "$(cat err.txt)"
expect_ok "train with adamw" train --data blobs.csv --layers 8 --epochs 1 --optimizer adamw
grep -qx "regularization: adamw weight decay 0.01" err.txt && ok "train: adamw's default weight decay is named as regularization" ||
    bad "train: adamw's default weight decay is named as regularization" "$(cat err.txt)"
# --l2 beside AdamW's own decay decays the weights twice, one of them the coupled form AdamW replaces
expect_ok "train: --l2 with adamw" train --data blobs.csv --layers 8 --epochs 1 --optimizer adamw --l2 0.1 --quiet
grep -qx "hone train: warning: --l2 0.1 with adamw, whose own weight decay (0.01) decays the weights too: for one of them, --weight-decay 0, or --optimizer adam with --l2" err.txt &&
    ok "train: --l2 with adamw's decay warns" || bad "train: --l2 with adamw's decay warns" "$(cat err.txt)"
expect_ok "train: --l2 with adamw, no decay of its own" train --data blobs.csv --layers 8 --epochs 1 --optimizer adamw --l2 0.1 --weight-decay 0 --quiet
[ ! -s err.txt ] && ok "train: --l2 with adamw's decay 0, no warning" || bad "train: --l2 with adamw's decay 0 warned" "$(cat err.txt)"
expect_ok "train with dropout alone" train --data blobs.csv --layers 8,8 --epochs 1 --keep-prob 0.8
grep -qx "regularization: dropout keep 0.8" err.txt && ! grep -q "cost minimized" err.txt &&
    ok "train: dropout alone, no word of a penalty" || bad "train: dropout alone, no word of a penalty" "$(cat err.txt)"
# input dropout is named apart from the hidden layers' one keep probability; a rotation alone is
# augmentation (images: 6 of 2x2 pixels)
expect_ok "train with input and hidden dropout" train --data blobs.csv --layers 8,8 --epochs 1 --input-keep-prob 0.8 --keep-prob 0.5
grep -qx "regularization: input dropout keep 0.8, dropout keep 0.5" err.txt && ok "train: input dropout and one hidden keep probability" ||
    bad "train: input dropout and one hidden keep probability" "$(cat err.txt)"
expect_ok "train with a rotation alone" train --data img6.idx --labels lab6.idx --layers 4 --epochs 1 --augment-rotate 10
grep -qx "regularization: augment rotate 10" err.txt && ok "train: a rotation alone is augmentation" || bad "train: a rotation alone is augmentation" "$(cat err.txt)"
grep -q "^data: .* rows of 4 features (images of 2 x 2 pixels)$" err.txt && ok "train: the data line says the images' shape" ||
    bad "train: the data line, images" "$(head -2 err.txt)"
# high bias under regularization: the recipe's "bigger network" alone sent --l2 1000 to grow the
# network; a note names the regularization to turn down (batch norm is not one that holds train up)
expect_ok "train: high bias under L2" train --data blobs.csv --layers 8 --epochs 3 --batch 16 --l2 1000 --quiet \
    --optimizer adamw --augment-noise 0.1 --save l2-bias.safetensors
note="^  note: this run was regularized \(L2 1000, adamw weight decay 0.01, augment noise 0.1\), .*regularize less before making the network bigger$"
tail -1 out.txt | grep -Eq "$note" &&
    ok "train: high bias under L2 says to regularize less" || bad "train: high bias under L2 says to regularize less" "$(tail -3 out.txt)"
# diagnose of the model says the same: the note was train's alone
expect_ok "diagnose: high bias under L2" diagnose l2-bias.safetensors --data blobs.csv
tail -1 out.txt | grep -Eq "$note" &&
    ok "diagnose: a model's high bias under L2 says to regularize less" || bad "diagnose: a model's high bias under L2" "$(tail -3 out.txt)"
expect_ok "train: high bias, batch norm alone" train --data blobs.csv --layers 8 --epochs 1 --batch 16 --lr 1e-5 --batchnorm --quiet
grep -q '^diagnosis: high bias' out.txt && ! grep -q 'note: this run was regularized' out.txt &&
    ok "train: high bias with batch norm alone, no note on regularizing" ||
    bad "train: high bias with batch norm alone, no note on regularizing" "$(tail -3 out.txt)"
# a --min-delta above the dev loss's changes let no epoch count as better: the run kept epoch 1
# though later ones were better, and said nothing
expect_ok "train: --min-delta above the loss's changes" train --data blobs.csv --layers 8 --epochs 6 --batch 16 \
    --early-stop 2 --min-delta 5 --quiet
grep -q "^hone train: warning: the model keeps epoch 1 (dev loss [0-9.]*) though epoch [2-9]'s was better ([0-9.]*): no epoch beat epoch 1's by more than --min-delta 5; " err.txt &&
    ok "train: a --min-delta that hid better epochs is named" || bad "train: a --min-delta that hid better epochs is named" "$(cat err.txt)"
expect_ok "train: a small --min-delta" train --data blobs.csv --layers 8 --epochs 6 --batch 16 --early-stop 2 --min-delta 0.001 --quiet
[ ! -s err.txt ] && ok "train: a --min-delta that hid nothing, no warning" || bad "train: a --min-delta that hid nothing, no warning" "$(cat err.txt)"
# without early stopping every epoch's weights are kept in turn, the last at the end: a last epoch
# worse than the one before is no epoch that --min-delta hid (it was only warned of as unread)
expect_ok "train: --min-delta without --early-stop" train --data blobs.csv --layers 8 --epochs 3 --batch 16 --lr 0.5 --schedule constant \
    --min-delta 5 --metrics no-es.csv --quiet
[ "$(cat err.txt)" = "hone train: warning: --min-delta does nothing without --early-stop" ] &&
    ok "train: --min-delta without --early-stop, no word of epochs it hid" || bad "train: --min-delta without --early-stop" "$(cat err.txt)"
expect_error "train: --min-delta 1 on accuracy" 2 "^hone train: --min-delta 1: dev accuracy is a fraction" -- \
    train --data blobs.csv --layers 8 --epochs 2 --early-stop 2 --early-stop-metric accuracy --min-delta 1
# dropout and batch norm go between hidden layers: without one they trained as if not given
expect_ok "train: --keep-prob and --batchnorm without a hidden layer" train --data blobs.csv --layers '' --keep-prob 0.5 --batchnorm --epochs 1 --quiet
grep -qx "hone train: warning: --keep-prob and --batchnorm do nothing without a hidden layer (--layers is empty); --input-keep-prob drops inputs" err.txt &&
    ok "train: dropout and batch norm without a hidden layer are said to do nothing" ||
    bad "train: dropout and batch norm without a hidden layer are said to do nothing" "$(cat err.txt)"
expect_ok "train: --keep-prob 1 without a hidden layer" train --data blobs.csv --layers '' --keep-prob 1 --epochs 1 --quiet
[ ! -s err.txt ] && ok "train: --keep-prob 1 without a hidden layer, no warning" || bad "train: --keep-prob 1 without a hidden layer, no warning" "$(cat err.txt)"
expect_ok "train: --keep-prob alone without a hidden layer" train --data blobs.csv --layers '' --keep-prob 0.5 --epochs 1 --quiet
[ "$(cat err.txt)" = "hone train: warning: --keep-prob does nothing without a hidden layer (--layers is empty); --input-keep-prob drops inputs" ] &&
    ok "train: --keep-prob alone without a hidden layer is said to do nothing" || bad "train: --keep-prob alone without a hidden layer" "$(cat err.txt)"
expect_ok "train: --batchnorm alone without a hidden layer" train --data blobs.csv --layers '' --batchnorm --epochs 1 --quiet
[ "$(cat err.txt)" = "hone train: warning: --batchnorm does nothing without a hidden layer (--layers is empty)" ] &&
    ok "train: --batchnorm alone without a hidden layer is said to do nothing" || bad "train: --batchnorm alone without a hidden layer" "$(cat err.txt)"
# early stopping put back an earlier epoch's weights: the plot marks that epoch, the model saved
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc,best_epoch\n1,0.9,0.6,0.8,0.7,1\n2,0.5,0.8,0.6,0.8,2\n3,0.3,0.9,0.7,0.79,2\n' >kept.csv
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc,best_epoch\n1,0.9,0.6,0.8,0.7,1\n2,0.5,0.8,0.6,0.8,2\n' >lastkept.csv
"$hone" plot kept.csv >/dev/null && "$hone" plot lastkept.csv >/dev/null &&
    [ "$(grep -c '>kept: epoch 2</text>' kept.svg)" = 2 ] && ! grep -q 'kept:' lastkept.svg &&
    ok "plot: the epoch early stopping kept is marked, in both panels; none when the last was kept" ||
    bad "plot: the epoch early stopping kept is marked" "$(grep -c 'kept:' kept.svg lastkept.svg)"
# its label reads toward the middle (from an epoch on the left, to one on the right), and a kept
# epoch before the file's first row (a file begun later) is not marked outside the axis
for k in 2 9 before; do
    awk -v k=$k 'BEGIN { print "epoch,train_loss,train_acc,dev_loss,dev_acc,best_epoch"; first = k == "before" ? 5 : 1
        for (e = first; e <= first + 9; e++)
            printf "%d,%g,%g,%g,%g,%d\n", e, 1 / e, 0.5 + e / 40, 1 / e + 0.1, 0.5 + e / 50, k == "before" ? 2 : e < k ? e : k }' >kept-$k.csv
    "$hone" plot kept-$k.csv >/dev/null
done
[ "$(grep -c 'text-anchor="start" fill="#2ca02c">kept: epoch 2<' kept-2.svg)" = 2 ] &&
    [ "$(grep -c 'text-anchor="end" fill="#2ca02c">kept: epoch 9<' kept-9.svg)" = 2 ] && ! grep -q 'kept:' kept-before.svg &&
    ok "plot: the kept epoch's label toward the middle; none for an epoch before the file's rows" ||
    bad "plot: the kept epoch's label toward the middle" "$(grep -h 'kept:' kept-2.svg kept-9.svg kept-before.svg)"
expect_ok "plot JSON lines (default output name)" plot m.jsonl
printf 'epoch,train_loss\n1,0.5\n' >one-epoch.csv
expect_ok "plot of one epoch" plot one-epoch.csv
grep -qx "wrote one-epoch.svg (1 epoch)" out.txt && ok "plot: '1 epoch', not '1 epochs'" || bad "plot: '1 epoch'" "$(cat out.txt)"
svg_ok m.svg && ok "plot m.jsonl writes m.svg" || bad "plot m.jsonl writes m.svg" "$(ls)"
# a name whose only '.' begins it has no extension: .metrics plots to .metrics.svg (it wrote .svg),
# as runs/.metrics to runs/.metrics.svg
mkdir -p runs && cp m.csv .metrics && cp m.csv runs/.metrics
expect_ok "plot .metrics (default output name)" plot .metrics
grep -qx "wrote .metrics.svg (3 epochs)" out.txt && svg_ok .metrics.svg && [ ! -e .svg ] && ok "plot .metrics writes .metrics.svg" || bad "plot .metrics writes .metrics.svg" "$(cat out.txt)"
expect_ok "plot runs/.metrics (default output name)" plot runs/.metrics
grep -qx "wrote runs/.metrics.svg (3 epochs)" out.txt && svg_ok runs/.metrics.svg && ok "plot runs/.metrics writes runs/.metrics.svg" || bad "plot runs/.metrics writes runs/.metrics.svg" "$(cat out.txt)"
printf '%s\n1,0.1,1,0.5,0.8,0.6,0.7,1,100,1\n2,0.1,1,abc,0.8,0.6,0.7,1,100,2\n' "$metrics_header" >badm.csv
expect_error "plot: malformed CSV metrics" 1 "badm.csv" "line 3" "train_loss" -- plot badm.csv
printf '{"epoch": 1, "train_loss": 0.5}\n{"epoch": 2, "train_loss": \n' >badm.jsonl
expect_error "plot: malformed JSON metrics" 1 "badm.jsonl" "line 2" -- plot badm.jsonl
printf 'a,b\n1,2\n' >notmetrics.csv
expect_error "plot: not a metrics file" 1 "notmetrics.csv" "line 1" -- plot notmetrics.csv
printf 'epoch,train_loss\n0,0.5\n' >epoch0.csv
expect_error "plot: an epoch 0" 1 "^hone plot: epoch0.csv: line 2: the epoch must be a whole number from 1, got 0 " -- plot epoch0.csv
printf 'epoch,train_loss\n1,0.5x\n' >trailing.csv
expect_error "plot: a number with text after it" 1 "^hone plot: trailing.csv: line 2: not a number: train_loss is '0.5x'" -- plot trailing.csv
printf 'epoch,dev_loss\n1,0.5\n' >noloss.csv
expect_error "plot: a CSV header without train_loss" 1 "^hone plot: noloss.csv: line 1: the header lacks the epoch or train_loss column" -- plot noloss.csv
printf '{"epoch": 1, "dev_loss": 0.5}\n' >noloss.jsonl
expect_error "plot: a JSON line without train_loss" 1 "^hone plot: noloss.jsonl: line 1: no value for train_loss" -- plot noloss.jsonl
printf 'epoch,train_loss,train_acc\n1,0.5,0.9\n2,0.25\n' >shortrow.csv
expect_error "plot: a CSV row with fewer fields than the header" 1 "^hone plot: shortrow.csv: line 3: 2 fields, the header has 3" -- plot shortrow.csv
# figures no hone writes: a loss below 0, an accuracy outside [0, 1], no train loss (diagnose read
# -5 and 2 as a train error of -100% and said "fine"), and epochs that go back or repeat
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,-5,0.5,1.5,0.3\n' >negloss.csv
expect_error "plot: a negative train loss" 1 "^hone plot: negloss.csv: line 2: train_loss must be a finite number, 0 or more, got -5 " -- plot negloss.csv
expect_error "diagnose: a negative train loss" 1 "^hone diagnose: negloss.csv: line 2: train_loss must be a finite number, 0 or more, got -5 " -- diagnose --metrics negloss.csv
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,0.5,0.5,-1.5,0.3\n' >negdev.csv
expect_error "plot: a negative dev loss" 1 "^hone plot: negdev.csv: line 2: dev_loss must be a finite number, 0 or more, got -1.5 " -- plot negdev.csv
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,0.5,2,1.5,0.3\n' >acc2.csv
expect_error "diagnose: a train accuracy above 1" 1 "^hone diagnose: acc2.csv: line 2: train_acc must be from 0 to 1, got 2 " -- diagnose --metrics acc2.csv
printf '{"epoch": 1, "train_loss": 0.5, "train_acc": 0.5, "dev_acc": -0.25}\n' >negacc.jsonl
expect_error "plot: a negative dev accuracy (JSON lines)" 1 "^hone plot: negacc.jsonl: line 1: dev_acc must be from 0 to 1, got -0.25 " -- plot negacc.jsonl
printf 'epoch,train_loss,train_acc\n1,0.5,0.5\n2,inf,0.5\n' >infloss.csv
expect_error "plot: an infinite train loss" 1 "^hone plot: infloss.csv: line 3: train_loss must be a finite number, 0 or more, got inf " -- plot infloss.csv
for v in nan ''; do
    printf 'epoch,train_loss,train_acc\n1,%s,0.5\n' "$v" >nanloss.csv
    expect_error "plot: a train loss of '$v'" 1 "^hone plot: nanloss.csv: line 2: no value for train_loss " -- plot nanloss.csv
done
printf 'epoch,train_loss,train_acc\n2,1,0.5\n1,1,0.5\n' >backward.csv
expect_error "plot: an epoch before the one above it" 1 "^hone plot: backward.csv: line 3: epoch 1 after epoch 2: the epochs must go up, one row each " -- plot backward.csv
printf '{"epoch": 1, "train_loss": 1}\n{"epoch": 1, "train_loss": 0.5}\n' >repeat.jsonl
expect_error "diagnose: an epoch twice" 1 "^hone diagnose: repeat.jsonl: line 2: epoch 1 after epoch 1: " -- diagnose --metrics repeat.jsonl
# what hone writes passes: no dev set, a regression's empty accuracy, a loss of 0, an accuracy of 0 and 1
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,0,1,,\n3,0.5,0,0,1\n4,0.25,,,\n' >edges.csv
expect_ok "plot: losses of 0, accuracies of 0 and 1, figures left empty, epochs with a gap" plot edges.csv
# JSON lines: one object a line; a second after it was dropped without a word ("1 epoch")
printf '{"epoch": 1, "train_loss": 1, "train_acc": 0.5}{"epoch": 2, "train_loss": 9}\n' >two.jsonl
# a NUL byte ended the line's text: what followed it was dropped without a word
printf 'epoch,train_loss,train_acc\n1,0.5,0.5\0002,0.4,0.6\n' >nul.csv
expect_error "plot: a NUL byte in a metrics line" 1 "^hone plot: nul.csv: line 2: a NUL byte \(byte 10\): not a text file" -- plot nul.csv
expect_error "plot: two JSON objects on a line" 1 "^hone plot: two.jsonl: line 1: text after the JSON object: '\\{\"epoch\": 2, \"train_loss\": 9\\}' " -- plot two.jsonl
printf '{"epoch": 1, "train_loss": 1} \t\r\n{"epoch": 2, "train_loss": 0.5} x\n' >after.jsonl
expect_error "plot: text after a JSON object, whitespace before it allowed" 1 "^hone plot: after.jsonl: line 2: text after the JSON object: 'x' " -- plot after.jsonl
# a column named twice: the first is read, the second left as an unknown one
printf 'epoch,train_loss,train_acc,train_loss\n1,0.5,0.9,7\n2,0.25,0.95,8\n' >twice.csv
expect_ok "plot: a column named twice" plot twice.csv
grep -q '>last: train 0.2500<' twice.svg && ok "plot: of a column named twice, the first is drawn" || bad "plot: of a column named twice, the first is drawn" "$(grep -o 'last: [^<]*' twice.svg)"
expect_error "plot: missing file" 1 "nope.csv" -- plot nope.csv
cp m.csv mcopy.csv
expect_error "plot: --output the metrics file itself" 2 "^hone plot: --output mcopy.csv would overwrite mcopy.csv, the file it plots$" -- plot mcopy.csv --output mcopy.csv
cmp -s m.csv mcopy.csv && ok "plot: the metrics file is left as it was" || bad "plot: the metrics file is left as it was"
printf '[plot]\noutput = plot-self.ini\n' >plot-self.ini && cp plot-self.ini plot-self-copy.ini
expect_error "plot: [plot] output onto the config" 2 "^hone plot: plot-self.ini:2: --output plot-self.ini would overwrite plot-self.ini, the --config it reads$" -- \
    plot mcopy.csv --config plot-self.ini
cmp -s plot-self.ini plot-self-copy.ini && ok "plot: the config is left as it was" || bad "plot: the config is left as it was" "$(head -c 100 plot-self.ini)"
expect_error "diagnose: malformed metrics" 1 "badm.csv" "line 3" -- diagnose --metrics badm.csv
expect_error "diagnose: nothing to diagnose" 2 "no model or metrics" -- diagnose
# a metrics file has its figures: the options of a model's data went unread without a word
expect_error "diagnose --metrics with --data" 2 "^hone diagnose: --data picks the data a model is evaluated on, and a metrics file has its figures already: give a model and its data, or --metrics alone$" -- \
    diagnose --metrics m.csv --data nonexistent.csv
for opt in "--regression" "--label-column 99" "--delimiter ;" "--header no" "--labels x" "--test-data x" "--test-labels x"; do
    expect_error "diagnose --metrics with $opt" 2 "^hone diagnose: ${opt%% *} picks the data a model is evaluated on" -- diagnose --metrics m.csv $opt
done
printf '[diagnose]\ndata = blobs.csv\n' >diag-data.ini
expect_error "diagnose --metrics with data in [diagnose]" 2 "^hone diagnose: diag-data.ini:2: --data picks the data" -- diagnose --metrics m.csv --config diag-data.ini
printf 'data = blobs.csv\n[diagnose]\n' >diag-shared.ini
expect_ok "diagnose --metrics with a config's shared data" diagnose --metrics m.csv --config diag-shared.ini
expect_error "diagnose without --data: the default data is named, and --data asked for" 1 \
    "^hone diagnose: blobs.safetensors was trained with its test rows carved from its data, and the default data \(.*\) has a test set of its own: give the data it was trained on with --data$" -- \
    diagnose blobs.safetensors
expect_error "diagnose: a metrics file given as the model is pointed to --metrics" 1 \
    "^hone diagnose: badm.jsonl: not a safetensors file: .*; it reads as JSON: for a metrics file, hone diagnose --metrics badm.jsonl$" -- diagnose badm.jsonl
expect_error "diagnose: a model file that is not JSON gets no metrics hint" 1 "notmetrics.csv: not a safetensors file" -- diagnose notmetrics.csv
grep -q "reads as JSON" err.txt && bad "diagnose: no metrics hint for a non-JSON file" "$(cat err.txt)" || ok "diagnose: no metrics hint for a non-JSON file"
expect_error "diagnose: negative base error" 2 "--base-error" -- diagnose --metrics m.csv --base-error -0.1
expect_error "diagnose: a classifier's base error above 1" 2 "^hone diagnose: --base-error is a fraction of the examples a classifier gets wrong: at most 1, got 2$" -- \
    diagnose --metrics m.csv --base-error 2
# a regression's errors are losses: its base error may be above 1
"$hone" train --data reg.csv --regression --layers 4 --epochs 2 --metrics reg-m.csv --quiet >/dev/null 2>&1
expect_ok "diagnose: a regression's base error above 1" diagnose --metrics reg-m.csv --base-error 2
grep -Eq "^  base error +2 +\(human-level" out.txt && ok "diagnose: a regression's base error of 2 is used" || bad "diagnose: a regression's base error of 2 is used" "$(cat out.txt)"
# and its errors are the last epoch's losses, train and dev
expect_ok "diagnose --json: a regression's metrics" diagnose --metrics reg-m.csv --json
grep -q "\"train_error\": $(tail -1 reg-m.csv | cut -d, -f4), \"dev_error\": $(tail -1 reg-m.csv | cut -d, -f6), " out.txt &&
    ok "diagnose: a regression's errors are its last train and dev losses" || bad "diagnose: a regression's errors are its losses" "$(cat out.txt)" "$(tail -1 reg-m.csv)"
# (a regression has no accuracy: its CSV fields are empty, not nan)
[ "$(tail -n +2 reg-m.csv | cut -d, -f5,7 | sort -u)" = "," ] && ok "metrics CSV: no accuracy is an empty field" || bad "metrics CSV: no accuracy is an empty field" "$(cat reg-m.csv)"
# Without early stopping the run keeps its last epoch's weights: each row's best_epoch is its epoch
[ "$(tail -n +2 m.csv | cut -d, -f10 | tr '\n' ' ')" = "1 2 3 " ] && grep -q '"best_epoch": 2}$' m.jsonl &&
    ok "metrics: best_epoch, each epoch's own without early stopping" || bad "metrics: best_epoch without early stopping" "$(cat m.csv m.jsonl)"
expect_ok "diagnose --metrics of a run without early stopping" diagnose --metrics m.csv
grep -qx "m.csv, epoch 3, the last: the run kept its weights (train figures are running means over the epoch)" out.txt &&
    ok "diagnose --metrics: the last epoch, whose weights the run kept" || bad "diagnose --metrics: the last epoch" "$(cat out.txt)"
expect_ok "diagnose --metrics --json of a run without early stopping" diagnose --metrics reg-m.csv --json
grep -q '"epoch": 2, "last_epoch": 2, "epoch_is": "last", ' out.txt && ok "diagnose --json: the epoch, and that it is the last" ||
    bad "diagnose --json: the epoch, and that it is the last" "$(cat out.txt)"
# Early stopping puts back the best epoch's weights, and the model saved is that epoch's: diagnose
# reads its row, not the last (a dev loss that must fall by 1 an epoch stops at epoch 3, the best 1)
"$hone" train --data reg.csv --regression --layers 4 --epochs 100 --early-stop 2 --min-delta 1 --metrics reg-es.csv --quiet >/dev/null 2>&1
[ "$(tail -n +2 reg-es.csv | cut -d, -f1,10 | tr '\n' ' ')" = "1,1 2,1 3,1 " ] && ok "metrics: best_epoch, early stopping's best" ||
    bad "metrics: best_epoch, early stopping's best" "$(cat reg-es.csv)"
expect_ok "diagnose --metrics of a run stopped early" diagnose --metrics reg-es.csv
grep -qx "reg-es.csv, epoch 1 of 3, the best: early stopping kept its weights (train figures are running means over the epoch)" out.txt &&
    ok "diagnose --metrics: early stopping's best epoch, and why" || bad "diagnose --metrics: early stopping's best epoch" "$(cat out.txt)"
expect_ok "diagnose --metrics --json of a run stopped early" diagnose --metrics reg-es.csv --json
grep -q "\"epoch\": 1, \"last_epoch\": 3, \"epoch_is\": \"best\", .*\"train_error\": $(sed -n 2p reg-es.csv | cut -d, -f4), \"dev_error\": $(sed -n 2p reg-es.csv | cut -d, -f6), " out.txt &&
    ok "diagnose --json: the best epoch's errors" || bad "diagnose --json: the best epoch's errors" "$(cat out.txt)" "$(cat reg-es.csv)"
# an older hone's file has no best_epoch: its last epoch, as before, said so
cut -d, -f1-9 reg-es.csv >reg-es-old.csv
expect_ok "diagnose --metrics of a file without best_epoch" diagnose --metrics reg-es-old.csv
grep -qx "reg-es-old.csv, epoch 3, the last: the file does not say which epoch's weights the run kept (train figures are running means over the epoch)" out.txt &&
    ok "diagnose --metrics: without best_epoch, the last epoch, said so" || bad "diagnose --metrics: without best_epoch" "$(cat out.txt)"
expect_ok "diagnose --metrics --json of a file without best_epoch" diagnose --metrics reg-es-old.csv --json
grep -q "\"epoch\": 3, \"last_epoch\": 3, \"epoch_is\": \"last_not_recorded\", .*\"train_error\": $(tail -1 reg-es.csv | cut -d, -f4), " out.txt &&
    ok "diagnose --json: without best_epoch, the last epoch's errors" || bad "diagnose --json: without best_epoch" "$(cat out.txt)"
printf '{"epoch": 1, "train_loss": 0.5, "best_epoch": null}\n{"epoch": 2, "train_loss": 0.4, "best_epoch": null}\n' >nullbest.jsonl
expect_ok "diagnose --metrics: a null best_epoch" diagnose --metrics nullbest.jsonl --json
grep -q '"epoch": 2, "last_epoch": 2, "epoch_is": "last_not_recorded", ' out.txt && ok "diagnose --metrics: a null best_epoch is not recorded" ||
    bad "diagnose --metrics: a null best_epoch" "$(cat out.txt)"
# the best epoch's row missing (a stretch resumed without --metrics): the model is another epoch's
sed 2d reg-es.csv >reg-es-gap.csv
expect_error "diagnose --metrics without the best epoch's row" 1 \
    "^hone diagnose: reg-es-gap.csv: early stopping kept the weights of epoch 1, which has no row in the file .*hone diagnose MODEL --data" -- diagnose --metrics reg-es-gap.csv
printf 'epoch,train_loss,best_epoch\n1,0.5,1\n2,0.4,3\n' >bestafter.csv
expect_error "metrics: a best epoch after its row's" 1 "^hone diagnose: bestafter.csv: line 3: best_epoch is 3, after the row's epoch 2 " -- diagnose --metrics bestafter.csv
printf 'epoch,train_loss,best_epoch\n1,0.5,0.5\n' >besthalf.csv
expect_error "metrics: a best epoch not whole" 1 "^hone plot: besthalf.csv: line 2: best_epoch must be a whole number from 1, got 0.5 " -- plot besthalf.csv
expect_error "--residual with a layer left over" 2 "^hone train: --residual pairs the hidden layers after the first into blocks: --layers needs 1 \+ an even number of them \(3 or more\), got 2$" -- \
    train --data blobs.csv --layers 4,4 --residual --epochs 1
expect_error "--residual with a block that does not end at its input's width" 2 \
    "^hone train: --residual: the block of hidden layers 2 and 3 \(8, 8\) adds its output to its input, so its second layer must have 4 units, as its input has$" -- \
    train --data blobs.csv --layers 4,8,8 --residual --epochs 1
expect_error "gradcheck: the same --residual check" 2 "^hone gradcheck: --residual: the block of hidden layers 2 and 3" -- gradcheck --data blobs.csv --layers 4,8,8 --residual
expect_ok "an optimizer option the optimizer does not read" train --data blobs.csv --layers 4 --epochs 1 --quiet --optimizer sgd --beta1 0.8
grep -qx "hone train: warning: --beta1 does nothing with --optimizer sgd (only momentum, nesterov, adam and adamw read it)" err.txt \
    && ok "--beta1 with sgd is warned about" || bad "--beta1 with sgd is warned about" "$(cat err.txt)"
expect_ok "schedule options the schedule does not read" train --data blobs.csv --layers 4 --epochs 2 --schedule exponential --warmup 1 --patience 3 --decay-rate 0.9 --quiet
grep -qx "hone train: warning: --warmup does nothing with --schedule exponential (only cosine reads it)" err.txt &&
    grep -qx "hone train: warning: --patience does nothing with --schedule exponential (only plateau reads it)" err.txt &&
    [ "$(wc -l <err.txt)" = 2 ] && ok "schedule options unread are warned about, and only they" || bad "schedule options unread are warned about" "$(cat err.txt)"
# each optimizer and schedule option, given to one that reads none of them: warned of, naming
# the kinds that read it (hone_optimizer_reads and hone_schedule_reads)
expect_ok "every optimizer and schedule option, unread" train --data blobs.csv --layers 4 --epochs 1 --quiet --optimizer sgd \
    --beta1 0.8 --beta2 0.9 --eps 1e-6 --weight-decay 0.1 --momentum-form classical --schedule constant --decay-rate 0.5 \
    --step-size 2 --warmup 1 --min-lr 1e-5 --per-step --factor 0.5 --patience 2 --threshold 0.01
for w in "--beta1 does nothing with --optimizer sgd (only momentum, nesterov, adam and adamw read it)" \
    "--beta2 does nothing with --optimizer sgd (only rmsprop, adam and adamw read it)" \
    "--eps does nothing with --optimizer sgd (only rmsprop, adam and adamw read it)" \
    "--weight-decay does nothing with --optimizer sgd (only adamw reads it; for the others, --l2)" \
    "--momentum-form does nothing with --optimizer sgd (only momentum reads it)" \
    "--decay-rate does nothing with --schedule constant (only inverse_time, exponential, inverse_sqrt and step read it)" \
    "--step-size does nothing with --schedule constant (only step reads it)" \
    "--warmup does nothing with --schedule constant (only cosine reads it)" \
    "--min-lr does nothing with --schedule constant (only cosine and plateau read it)" \
    "--per-step does nothing with --schedule constant (only inverse_time, exponential, inverse_sqrt, step and cosine read it)" \
    "--factor does nothing with --schedule constant (only plateau reads it)" \
    "--patience does nothing with --schedule constant (only plateau reads it)" \
    "--threshold does nothing with --schedule constant (only plateau reads it)"; do
    grep -qxF "hone train: warning: $w" err.txt && ok "warned: $w" || bad "warned: $w" "$(cat err.txt)"
done
[ "$(wc -l <err.txt)" = 13 ] && ok "thirteen unread options, thirteen warnings" || bad "thirteen unread options, thirteen warnings" "$(cat err.txt)"
expect_error "--per-step with plateau: refused, not warned of (one line)" 2 "^hone train: --per-step: plateau: follows the dev loss per epoch, not per step$" -- \
    train --data blobs.csv --layers 4 --epochs 1 --quiet --schedule plateau --per-step
expect_ok "--weight-decay with adam" train --data blobs.csv --layers 4 --epochs 1 --quiet --weight-decay 0.01
grep -q "warning: --weight-decay does nothing with --optimizer adam (only adamw reads it; for the others, --l2)" err.txt \
    && ok "--weight-decay with adam points to --l2" || bad "--weight-decay with adam" "$(cat err.txt)"
expect_ok "adamw reads --weight-decay" train --data blobs.csv --layers 4 --epochs 1 --quiet --optimizer adamw --weight-decay 0.01 --beta1 0.8
[ ! -s err.txt ] && ok "no warning for options the optimizer reads" || bad "no warning for options the optimizer reads" "$(cat err.txt)"
# network and regularization options that nothing reads in the run given: each warned of
expect_ok "network options the network does not read" train --data blobs.csv --layers 4 --epochs 1 --quiet --alpha 0.2 --init-scale 0.3 \
    --zero-residual --bn-momentum 0.3 --decay-bias --min-delta 0.1 --early-stop-metric accuracy
for w in "--decay-bias does nothing without --l2 or --l1" "--bn-momentum does nothing without --batchnorm" \
    "--min-delta does nothing without --early-stop" "--early-stop-metric does nothing without --early-stop" \
    "--alpha does nothing with --activation relu (only leaky_relu reads it)" \
    "--init-scale does nothing with --weight-init default (only uniform and normal read it)" \
    "--zero-residual does nothing without --residual"; do
    grep -qxF "hone train: warning: $w" err.txt && ok "warned: $w" || bad "warned: $w" "$(cat err.txt)"
done
[ "$(wc -l <err.txt)" = 7 ] && ok "seven unread options, seven warnings" || bad "seven unread options, seven warnings" "$(cat err.txt)"
# unread, --min-delta 1 on accuracy is warned of so, not refused as a delta no epoch can beat
expect_ok "train: --min-delta 1 on accuracy without --early-stop" train --data blobs.csv --layers 4 --epochs 1 --quiet --min-delta 1 \
    --early-stop-metric accuracy
[ "$(cat err.txt)" = "hone train: warning: --min-delta does nothing without --early-stop
hone train: warning: --early-stop-metric does nothing without --early-stop" ] &&
    ok "train: --min-delta 1 on accuracy without --early-stop is unread" || bad "train: --min-delta 1 on accuracy without --early-stop" "$(cat err.txt)"
expect_ok "network options the network reads" train --data blobs.csv --layers 4,4,4 --epochs 2 --quiet --activation leaky_relu --alpha 0.2 \
    --weight-init normal --init-scale 0.3 --residual --zero-residual --batchnorm --bn-momentum 0.3 --l1 0.01 --decay-bias \
    --early-stop 2 --min-delta 0.1 --early-stop-metric accuracy
[ ! -s err.txt ] && ok "no warning for network options the network reads" || bad "no warning for network options the network reads" "$(cat err.txt)"
expect_ok "gradcheck warns of an option its network does not read" gradcheck --data blobs.csv --layers 4 --samples 2 --alpha 0.2
grep -qxF "hone gradcheck: warning: --alpha does nothing with --activation relu (only leaky_relu reads it)" err.txt &&
    ok "gradcheck: --alpha with relu warned of" || bad "gradcheck: --alpha with relu warned of" "$(cat err.txt)"
expect_error "batch norm on batches of one row" 2 "^hone train: batch norm needs batches of 2 rows or more: over one row it outputs its beta, whatever the input \(--batch 1, 180 training rows\)$" -- \
    train --data blobs.csv --layers 4 --batchnorm --batch 1 --epochs 1
expect_error "batch norm on one training row" 2 "^hone train: batch norm needs batches of 2 rows or more: .* \(--batch 128, 1 training rows\)$" -- \
    train --data blobs.csv --layers 4 --batchnorm --train-rows 1 --epochs 1
expect_error "batch norm with one row left for the last batch" 2 "^hone train: batch norm needs batches of 2 rows or more, and 180 training rows in batches of 179 leave 1 in the last: over one row it outputs its beta; use --batch 180, say$" -- \
    train --data blobs.csv --layers 4 --batchnorm --batch 179 --epochs 1
expect_ok "hone help train is hone train --help" help train
grep -q "^usage: hone train" out.txt && ok "hone help train prints train's help" || bad "hone help train" "$(head -2 out.txt)"
expect_error "train: a classifier's base error above 1" 2 "^hone train: --base-error is a fraction of the examples a classifier gets wrong: at most 1, got 5$" -- \
    train --data blobs.csv --base-error 5
# Three constructed runs, each diagnosed from its metrics file and from its saved model.
# (1) high bias: a linear network (one identity unit) on a curved boundary, y > x^2 - 2
awk 'BEGIN { srand(5); print "x,y,label"; for (i = 0; i < 20000; i++) { x = 4*rand()-2; y = 4*rand()-2; printf "%.4f,%.4f,%d\n", x, y, (y > x*x - 2) } }' >parabola.csv
# (2) high variance: 300 rows, 20 features of which 2 decide the label, 20% of labels flipped
awk 'BEGIN { srand(21); printf "f1"; for (j = 2; j <= 20; j++) printf ",f%d", j; print ",label";
  for (i = 0; i < 300; i++) { s = 0; for (j = 1; j <= 20; j++) { v = 2*rand()-1; if (j <= 2) s += v; printf "%.4f,", v }
    l = s > 0; if (rand() < 0.2) l = 1 - l; print l } }' >noisy.csv
diagnose_case() { # NAME WANT DATA TRAIN-ARGS...
    local name=$1 want=$2 data=$3; shift 3
    expect_ok "$name: train" train --data "$data" "$@" --metrics "$name.csv" --save "$name.safetensors"
    grep -qx "diagnosis: $want" out.txt || bad "$name: train says $want" "$(cat out.txt)"
    expect_ok "$name: diagnose --metrics" diagnose --metrics "$name.csv"
    grep -qx "diagnosis: $want" out.txt && ok "$name: diagnose --metrics says $want" || bad "$name: diagnose --metrics says $want" "$(cat out.txt)"
    expect_ok "$name: diagnose MODEL" diagnose "$name.safetensors" --data "$data" --json
    grep -q "\"diagnosis\": \"$want\"" out.txt && ok "$name: diagnose MODEL says $want" || bad "$name: diagnose MODEL says $want" "$(cat out.txt)"
}
diagnose_case underfit "high bias" parabola.csv --layers 1 --activation identity --epochs 5 --batch 32 --lr 0.01
diagnose_case overfit "high variance" noisy.csv --layers 512,512 --epochs 40 --batch 32
diagnose_case goodfit "fine" blobs.csv --layers 16 --epochs 30 --lr 0.1 --batch 16
# a model file whose recorded seed is past 2^64 (same length, so the header stays valid)
expect_ok "a model trained with seed 10000" train --data blobs.csv --layers 4 --epochs 1 --seed 10000 --save seed.safetensors
sed 's/"seed\\": 10000,/"seed\\": 1e300,/' seed.safetensors >bigseed.safetensors
if cmp -s seed.safetensors bigseed.safetensors; then bad "diagnose: the seed was not rewritten" "$(grep -ao 'seed[^,]*' seed.safetensors)"
else unseal bigseed.safetensors; expect_error "diagnose: a recorded seed past 2^64" 1 "bigseed.safetensors" "no training configuration" -- diagnose bigseed.safetensors --data blobs.csv; fi
# a metrics file's train error well above its dev error: a running mean in training mode, which
# dropout inflates (a run train diagnosed as high variance read as high bias here); said so
printf 'epoch,train_loss,train_acc,dev_loss,dev_acc\n1,0.5,0.85,0.2,0.95\n' >dropout-m.csv
expect_ok "diagnose --metrics, train error above dev" diagnose --metrics dropout-m.csv
grep -q "^  note: the train figure is a running mean in training mode (dropout on, weights moving), above the dev error here" out.txt &&
    ok "diagnose --metrics: a train error above dev is explained" || bad "diagnose --metrics: a train error above dev is explained" "$(cat out.txt)"
expect_ok "diagnose --metrics without the note" diagnose --metrics underfit.csv
! grep -q "note: the train figure" out.txt && ok "diagnose --metrics: no note when train is not above dev" || bad "diagnose --metrics: no note when train is not above dev" "$(cat out.txt)"
expect_ok "diagnose with a base error" diagnose --metrics underfit.csv --base-error 0.3
grep -qx "diagnosis: fine" out.txt && ok "a base error above the train error: no avoidable bias" || bad "base error" "$(cat out.txt)"
grep -q "avoidable bias" out.txt && grep -q "variance" out.txt && grep -q "advice: " out.txt \
    && ok "diagnose prints the gaps and advice" || bad "diagnose prints the gaps and advice" "$(cat out.txt)"
# the bounds themselves are allowed: a base error of 1 (every example wrong), a tolerance of 0
expect_ok "diagnose --base-error 1 (a classifier's most)" diagnose --metrics underfit.csv --base-error 1
expect_ok "diagnose --tolerance 0" diagnose --metrics underfit.csv --tolerance 0 --json
grep -q '"tolerance": 0,' out.txt && ok "diagnose --tolerance 0 is used" || bad "diagnose --tolerance 0 is used" "$(cat out.txt)"

# A separate test set (--test-data): all of --data is train and dev; diagnose needs the same set
# to make the same split, and says so when it is missing or was not used in training.
awk 'BEGIN { srand(17); print "a,b,c,d,label"; for (i = 0; i < 90; i++) { c = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%d\n", (c==0)*2+rand(), (c==1)*2+rand(), (c==2)*2+rand(), rand(), c } }' >blobs-test.csv
cut -d, -f2- blobs-test.csv >narrow-test.csv
expect_ok "train --test-data" train --data blobs.csv --test-data blobs-test.csv --layers 8 --epochs 3 --save sep.safetensors --dev 60
sep_train=$(awk '$1 == "train" { print $7 }' out.txt)
grep -Eq "^  train +240 rows" out.txt && grep -Eq "^  test +90 rows" out.txt && [ -n "$sep_train" ] \
    && ok "--test-data: every --data row is train or dev, the test rows are its 90" || bad "--test-data split" "$(cat out.txt)"
# --test carves a test set from --data, which has one already: refused as a usage error naming
# --test (it was the library's "split: test = 0.1, but a separate test set was given", exit 1,
# said too of an IDX directory's own t10k files); 0, carving none, is what it does anyway
expect_error "--test beside --test-data" 2 \
    "^hone train: --test 0.1: the data has a test set of its own \(--test-data, or an IDX directory's t10k files\), so none is carved from it: leave --test out$" -- \
    train --data blobs.csv --test-data blobs-test.csv --test 0.1 --layers 4 --epochs 1
expect_ok "--test 0 beside --test-data" train --data blobs.csv --test-data blobs-test.csv --test 0 --layers 4 --epochs 1 --quiet
expect_ok "diagnose with the model's --test-data" diagnose sep.safetensors --data blobs.csv --test-data blobs-test.csv
sep_error=$(awk -v a="${sep_train%\%}" 'BEGIN { printf "%.2f%%", 100 - a }')
grep -Eq "^  train error +$sep_error" out.txt && ok "diagnose --test-data: the train rows of training (error $sep_error)" \
    || bad "diagnose --test-data: the train rows of training" "train accuracy $sep_train" "$(cat out.txt)"
expect_error "diagnose without the model's --test-data" 1 "sep.safetensors" "test set of its own" "--test-data" -- diagnose sep.safetensors --data blobs.csv
expect_error "diagnose with --test-data the model did not use" 1 "blobs.safetensors" "carved from its data" -- diagnose blobs.safetensors --data blobs.csv --test-data blobs-test.csv
# Other rows than the model's: the same rows in another order split otherwise, a changed value
# changes its rows; diagnose refuses both (it used to diagnose the model on rows it may have
# trained on as dev rows, or never seen). A model without the digests is taken at its word.
{ head -1 blobs.csv; tail -n +2 blobs.csv | tac; } >blobs-reversed.csv
expect_error "diagnose: the model's data in another order" 1 \
    "^hone diagnose: blobs.safetensors: the train rows this data splits into are not the ones the model was trained on \(the data or its order differs, or rows were added or changed\): give the --data it was trained with$" -- \
    diagnose blobs.safetensors --data blobs-reversed.csv
awk -F, -v OFS=, 'NR > 1 { $4 = $4 + 0.5 } { print }' blobs.csv >blobs-shifted.csv
expect_error "diagnose: the model's data with a feature changed" 1 "blobs.safetensors: the train rows this data" -- diagnose blobs.safetensors --data blobs-shifted.csv
# the train rows the same, the dev rows not (the model's dev digest changed by one digit): said of the dev rows
sed -E 's/(dev_checksum\\": \\")0/\1Z/; s/(dev_checksum\\": \\")[1-9a-f]/\10/; s/(dev_checksum\\": \\")Z/\11/' blobs.safetensors >devsum.safetensors
unseal devsum.safetensors
expect_error "diagnose: other dev rows" 1 "^hone diagnose: devsum.safetensors: the dev rows this data splits into are not the ones the model was trained on" -- \
    diagnose devsum.safetensors --data blobs.csv
expect_error "diagnose: other rows with the model's --test-data" 1 "sep.safetensors: the train rows .*: give the --data and --test-data it was trained with$" -- \
    diagnose sep.safetensors --data blobs-reversed.csv --test-data blobs-test.csv
sed 's/train_checksum\\"/train_checksuX\\"/; s/dev_checksum\\"/dev_checksuX\\"/' blobs.safetensors >nodigest.safetensors
if cmp -s blobs.safetensors nodigest.safetensors; then bad "diagnose: the digests were not renamed" "$(grep -ao 'checksum[^,]*' blobs.safetensors)"
else unseal nodigest.safetensors; expect_ok "diagnose: a model without digests is taken at its word" diagnose nodigest.safetensors --data blobs-reversed.csv; fi
expect_ok "diagnose: the model's own data" diagnose blobs.safetensors --data blobs.csv
# a model trained without a dev set: its dev error is not to be had, not an overflow
"$hone" train --data blobs.csv --layers 4 --epochs 1 --dev 0 --save nodev.safetensors --quiet >/dev/null 2>&1
expect_ok "diagnose: a model trained with --dev 0" diagnose nodev.safetensors --data blobs.csv
grep -Fqx "nodev.safetensors on the train rows it was trained with (it had no dev rows)" out.txt &&
    grep -Eq "^  dev error +n/a +\(no dev set\)$" out.txt && ok "diagnose: no dev set is said as such" || bad "diagnose: no dev set" "$(cat out.txt err.txt)"
# a model trained on the first 50 of its train rows (--train-rows) is diagnosed on those 50: the
# train error is the one train closed with
expect_ok "train --train-rows 50 --save" train --data blobs.csv --layers 4 --epochs 2 --train-rows 50 --save tr50.safetensors
tr50_error=$(sed -n 's/^  train error *\([0-9.]*%\)$/\1/p' out.txt)
expect_ok "diagnose: a model trained with --train-rows" diagnose tr50.safetensors --data blobs.csv
[ -n "$tr50_error" ] && grep -Eq "^  train error +$tr50_error$" out.txt && ok "diagnose: a model trained with --train-rows 50, on its 50 train rows ($tr50_error)" ||
    bad "diagnose: a model trained with --train-rows, on its train rows" "train said '$tr50_error'" "$(cat out.txt)"
expect_error "train: --test-labels without --test-data" 2 "--test-labels nolabels.npy needs --test-data" -- train --data blobs.csv --test-labels nolabels.npy --quiet
expect_error "diagnose: --test-labels without --test-data" 2 "--test-labels nolabels.npy needs --test-data" -- diagnose sep.safetensors --data blobs.csv --test-labels nolabels.npy
expect_error "train: --test-data with other features" 1 "narrow-test.csv: 3 features per row, and blobs.csv has 4" -- train --data blobs.csv --test-data narrow-test.csv --quiet
expect_error "diagnose: --test-data with other features" 1 "narrow-test.csv: 3 features per row" -- diagnose sep.safetensors --data blobs.csv --test-data narrow-test.csv
# images of as many pixels in another shape (1 x 4 for 2 x 2) would meet other pixels' weights: refused
npy_file '|u1' '(6, 1, 4)' $(seq 10 33) >img6x14.npy
expect_error "train: --test-data images of another shape" 1 "^hone train: img6x14.npy: images of 1 x 4 pixels \(height x width\), and img6.idx has 2 x 2$" -- \
    train --data img6.idx --labels lab6.idx --test-data img6x14.npy --test-labels y6.npy --layers 4 --epochs 1 --quiet
npy_file '|u1' '(6, 4)' $(seq 10 33) >img6flat.npy
expect_error "train: an .npy --test-data without --test-labels" 1 "^hone train: img6flat.npy: the test set has no labels: give --test-labels FILE$" -- \
    train --data img6.idx --labels lab6.idx --test-data img6flat.npy --layers 4 --epochs 1 --quiet
npy_file '|u1' '(6,)' 0 1 2 3 0 1 >y6c3.npy
expect_error "train: --test-labels with a class the training labels lack" 1 "^hone train: y6c3.npy: the test set has class 3, but the training labels \(lab6.idx\) go up to 2$" -- \
    train --data img6.idx --labels lab6.idx --test-data img6flat.npy --test-labels y6c3.npy --layers 4 --epochs 1 --quiet
expect_error "train: --test-labels of another target count" 1 "^hone train: y1.npy: 1 target per row, and the training targets \(y2.npy\) have 2$" -- \
    train --data x4.npy --labels y2.npy --regression --test-data x4.npy --test-labels y1.npy --layers 4 --epochs 1 --quiet
expect_ok "train: --test-data of flat rows beside images" train --data img6.idx --labels lab6.idx --test-data img6flat.npy --test-labels y6.npy --layers 4 --epochs 1 --quiet
# An IDX directory's test set is its t10k files: as --test-data too (its training files were
# tested on), both of them (half a test set was none: rows were carved from the training files, and
# eval scored those), and data of the training files' kind, refused at the load naming the t10k
# file (images of another shape were found after every epoch, the model saved)
idx_dir() { # idx_dir DIR T10K-IMAGES T10K-LABELS: img6.idx and lab6.idx as DIR's training files
    mkdir -p "$1" && cp img6.idx "$1/train-images-idx3-ubyte" && cp lab6.idx "$1/train-labels-idx1-ubyte"
    [ -z "$2" ] || printf "$2" >"$1/t10k-images-idx3-ubyte"; [ -z "$3" ] || printf "$3" >"$1/t10k-labels-idx1-ubyte"
}
t10k_images='\x00\x00\x08\x03\x00\x00\x00\x03\x00\x00\x00\x02\x00\x00\x00\x02\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c'
t10k_wide='\x00\x00\x08\x03\x00\x00\x00\x03\x00\x00\x00\x01\x00\x00\x00\x04\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c'
t10k_labels='\x00\x00\x08\x01\x00\x00\x00\x03\x00\x01\x02'
idx_dir t3dir "$t10k_images" "$t10k_labels"
expect_ok "train: an IDX directory as --test-data" train --data img6.idx --labels lab6.idx --test-data t3dir --layers 4 --epochs 1
grep -Eq "^  test +3 rows" out.txt && ok "--test-data DIR: the test rows are its 3 t10k rows, not its 6 training rows" \
    || bad "--test-data DIR tests on its t10k rows" "$(cat out.txt)"
idx_dir tshape "$t10k_wide" "$t10k_labels"
rm -f tshape.safetensors
expect_error "train: an IDX directory's t10k images of another shape" 1 \
    "^hone train: tshape/t10k-images-idx3-ubyte: images of 1 x 4 pixels \(height x width\), and tshape/train-images-idx3-ubyte has 2 x 2$" -- \
    train --data tshape --layers 4 --epochs 3 --save tshape.safetensors
[ ! -e tshape.safetensors ] && ok "no model saved for t10k images of another shape" || bad "a model saved for t10k images of another shape"
idx_dir tclass "$t10k_images" '\x00\x00\x08\x01\x00\x00\x00\x03\x00\x05\x02'
expect_error "train: an IDX directory's t10k labels with a class the training labels lack" 1 \
    "^hone train: tclass/t10k-labels-idx1-ubyte: the test set has class 5, but the training labels \(tclass/train-labels-idx1-ubyte\) go up to 2$" -- \
    train --data tclass --layers 4 --epochs 1
idx_dir tnolabels "$t10k_images" ""
idx_dir tnoimages "" "$t10k_labels"
expect_error "train: an IDX directory with t10k images and no t10k labels" 1 \
    "^hone train: tnolabels/t10k-labels-idx1-ubyte\[.gz\]: no such file, and tnolabels/t10k-images-idx3-ubyte is there: a test set needs both" -- \
    train --data tnolabels --layers 4 --epochs 1
expect_ok "train on an IDX directory with its t10k files" train --data t3dir --layers 4 --epochs 1 --quiet --save t3dir.safetensors
expect_error "eval: an IDX directory with t10k labels and no t10k images" 1 "^hone eval: tnoimages/t10k-images-idx3-ubyte\[.gz\]: no such file" -- \
    eval t3dir.safetensors --data tnoimages
# images of one channel, last (as Keras saves them) or first (PyTorch's layout), are images of 2 x 2:
# augmented, and a test set beside the IDX images; of three channels they are flat rows, which
# train but have no image shape to augment
npy_file '|u1' '(6, 2, 2, 1)' $(seq 10 33) >img6-nhwc.npy
npy_file '|u1' '(6, 1, 2, 2)' $(seq 10 33) >img6-nchw.npy
for f in img6-nhwc.npy img6-nchw.npy; do
    expect_ok "train: $f is augmented" train --data $f --labels y6.npy --augment-shift 1 --augment-flip --layers 4 --epochs 1 --quiet
    expect_ok "train: $f as --test-data beside images of 2 x 2" train --data img6.idx --labels lab6.idx --test-data $f --test-labels y6.npy --layers 4 --epochs 1 --quiet
done
npy_file '|u1' '(6, 2, 2, 3)' $(seq 10 81) >rgb.npy
expect_ok "train: images of three channels, as flat rows" train --data rgb.npy --labels y6.npy --layers 4 --epochs 1 --quiet
expect_error "train: images of three channels are not augmented" 2 "^hone train: --augment-shift: " -- \
    train --data rgb.npy --labels y6.npy --layers 4 --epochs 1 --quiet --augment-shift 1
# a model keeps the shape of its training images (hone.image): images of as many pixels in another
# shape are refused by the commands that run it, as --test-data is above; images of its shape in
# another layout, and rows without a shape (CSV, an .npy file of [n, 4]), are taken
expect_ok "train on images of 2 x 2, saved" train --data img6.idx --labels lab6.idx --layers 4 --epochs 1 --quiet --save img22.safetensors
shape_said="images of 1 x 4 pixels \(height x width\), and the model was trained on 2 x 2$"
expect_error "eval: images of another shape than the model's" 1 "^hone eval: img6x14.npy: $shape_said" -- \
    eval img22.safetensors --data img6x14.npy --labels y6.npy
expect_error "predict: images of another shape than the model's" 1 "^hone predict: img6x14.npy: $shape_said" -- \
    predict img22.safetensors --data img6x14.npy
expect_error "diagnose: images of another shape than the model's" 1 "^hone diagnose: img6x14.npy: $shape_said" -- \
    diagnose img22.safetensors --data img6x14.npy --labels y6.npy
expect_error "train --init: images of another shape than the model's" 1 "^hone train: img6x14.npy: images of 1 x 4 pixels \(height x width\), and --init img22.safetensors was trained on 2 x 2$" -- \
    train --data img6x14.npy --labels y6.npy --layers 4 --epochs 1 --quiet --init img22.safetensors
expect_ok "eval: images of the model's shape" eval img22.safetensors --data img6.idx --labels lab6.idx
expect_ok "eval: images of the model's shape, channels first" eval img22.safetensors --data img6-nchw.npy --labels y6.npy
expect_ok "predict: rows without a shape (an .npy file of [6, 4])" predict img22.safetensors --data img6flat.npy
awk 'BEGIN { for (r = 0; r < 6; r++) print 10 + 4 * r "," 11 + 4 * r "," 12 + 4 * r "," 13 + 4 * r "," r % 3 }' >img6.csv
expect_ok "eval: CSV rows of the pixels, flattened" eval img22.safetensors --data img6.csv
expect_ok "predict: CSV rows of the pixels, flattened" predict img22.safetensors --data img6.csv
expect_ok "inspect a model of images" inspect img22.safetensors --data img6.idx --labels lab6.idx
grep -qx "img22.safetensors: trained on images of 2 x 2 pixels (height x width)" out.txt && ok "inspect shows the model's image shape" ||
    bad "inspect shows the model's image shape" "$(head -3 out.txt)"
# a model trained on rows (its file has no shape) takes images of any shape, as does one whose file
# an older hone wrote, without hone.image, which inspect does not give a shape
expect_ok "train on rows of 4 features, saved" train --data img6flat.npy --labels y6.npy --layers 4 --epochs 1 --quiet --save flat4.safetensors
expect_ok "eval: images of any shape on a model trained on rows" eval flat4.safetensors --data img6x14.npy --labels y6.npy
# trained on from a model that knows no shape (--init), the images' shape is its own from then on
expect_ok "train --init of a model trained on rows, on images of 2 x 2" train --data img6.idx --labels lab6.idx --layers 4 --epochs 1 --quiet --init flat4.safetensors --save flat4-img.safetensors
expect_error "predict: images of another shape than those --init trained on" 1 "^hone predict: img6x14.npy: $shape_said" -- \
    predict flat4-img.safetensors --data img6x14.npy
cp img22.safetensors img22-old.safetensors
perl -0777 -pi -e 's/, "hone\.image": "\{[^}]*\}"/" " x length($&)/ge' img22-old.safetensors && unseal img22-old.safetensors
expect_ok "eval: images of any shape on a model from before hone.image" eval img22-old.safetensors --data img6x14.npy --labels y6.npy
expect_ok "inspect a model from before hone.image" inspect img22-old.safetensors --data img6.idx --labels lab6.idx
grep -q "trained on images" out.txt && bad "inspect: no image shape for a model from before hone.image" "$(head -3 out.txt)" ||
    ok "inspect: no image shape for a model from before hone.image"
# the checkpoint keeps the shape: resumed on the same pixels in another shape (which its digests of
# the rows cannot tell) it is refused, and the model of the resumed run refuses them too
img_ck=(--layers 4 --epochs 2 --quiet --checkpoint img22-ck.safetensors --resume img22-ck.safetensors)
"$hone" train --data img6.idx --labels lab6.idx --layers 4 --epochs 2 --quiet --checkpoint img22-ck.safetensors >/dev/null 2>&1
expect_error "--resume: images of another shape than the checkpoint's" 1 "^hone train: --resume img22-ck.safetensors: data are images of 1 x 4 pixels \(height x width\), the model was trained on 2 x 2$" -- \
    train --data img6x14.npy --labels y6.npy "${img_ck[@]}"
expect_ok "--resume on the checkpoint's images" train --data img6.idx --labels lab6.idx "${img_ck[@]}" --save img22-resumed.safetensors
expect_error "predict: images of another shape than the resumed model's" 1 "^hone predict: img6x14.npy: $shape_said" -- \
    predict img22-resumed.safetensors --data img6x14.npy
"$hone" train --data blobs.csv --test-data blobs-test.csv --layers 8 --epochs 2 --checkpoint sep-ck.safetensors --quiet >/dev/null 2>&1
expect_error "--resume without the checkpoint's --test-data" 2 "sep-ck.safetensors" '--test-data is "separate" in the checkpoint, "carved" in this run' -- \
    train --data blobs.csv --layers 8 --epochs 2 --resume sep-ck.safetensors --quiet
# the checkpoint is written at the run's end too, whatever --checkpoint-every: 3 epochs, every 2,
# leave a checkpoint of all 3, from which nothing is left to train
"$hone" train --data blobs.csv --layers 4 --epochs 3 --checkpoint-every 2 --checkpoint every2.safetensors --quiet >/dev/null 2>&1
expect_ok "resume from the checkpoint of a finished run" train --data blobs.csv --layers 4 --epochs 3 --resume every2.safetensors
grep -q "^trained 3 epochs, all before this run: nothing was left to train" out.txt && ok "--checkpoint-every 2 of 3 epochs: the checkpoint is of the run's end" \
    || bad "--checkpoint-every 2 of 3 epochs: the checkpoint is of the run's end" "$(head -3 out.txt)"
# the checkpoint's checksums: a bit flipped in its tensors (the optimizer state too), or its
# generator state changed, is refused as damage before anything else is compared
cp every2.safetensors every2-flipped.safetensors && flip_data every2-flipped.safetensors
expect_error "--resume: a bit flipped in the checkpoint's tensors" 1 "^hone train: every2-flipped.safetensors: the tensor data $damaged" -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume every2-flipped.safetensors --quiet
perl -pe 's/(\\"rng\\": \\")(.)/$1 . ($2 eq "0" ? "1" : "0")/e' every2.safetensors >every2-rng.safetensors
expect_error "--resume: the checkpoint's generator state changed" 1 "^hone train: every2-rng.safetensors: the metadata $damaged" -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume every2-rng.safetensors --quiet
# a run that stops early ends there: its checkpoint is written then, whatever --checkpoint-every
es_ck=(train --data blobs.csv --layers 4 --epochs 1000 --early-stop 2 --min-delta 0.9 --checkpoint-every 100 --quiet)
"$hone" "${es_ck[@]}" --checkpoint es-ck.safetensors >/dev/null 2>&1
expect_ok "resume from the checkpoint of a run stopped early" "${es_ck[@]}" --resume es-ck.safetensors
grep -q "^trained 3 epochs, all before this run: nothing was left to train; stopped early" out.txt &&
    ok "stopped early at epoch 3, --checkpoint-every 100: the checkpoint is of the run's end" || bad "stopped early: the checkpoint is of the run's end" "$(cat out.txt err.txt)"
# resumed with its --metrics file, the rows are kept with their best epoch, which diagnose reads;
# an older hone's file, without best_epoch, is kept too, and read as its last epoch
"$hone" "${es_ck[@]}" --checkpoint es-m-ck.safetensors --metrics es-m.csv >/dev/null 2>&1
cp es-m.csv es-m-kept.csv
cut -d, -f1-9 es-m.csv >es-m-old.csv
expect_ok "resume of a run stopped early, with its metrics file" "${es_ck[@]}" --resume es-m-ck.safetensors --metrics es-m.csv
cmp -s es-m.csv es-m-kept.csv && [ "$(tail -1 es-m.csv | cut -d, -f1,10)" = "3,1" ] && ok "resumed: the metrics file keeps its best epochs" ||
    bad "resumed: the metrics file keeps its best epochs" "$(diff es-m-kept.csv es-m.csv)"
expect_ok "diagnose --metrics of a run stopped early and resumed" diagnose --metrics es-m.csv
grep -q "^es-m.csv, epoch 1 of 3, the best: early stopping kept its weights" out.txt && ok "diagnose --metrics of a resumed run: the best epoch" ||
    bad "diagnose --metrics of a resumed run: the best epoch" "$(cat out.txt)"
expect_ok "resume with an older hone's metrics file" "${es_ck[@]}" --resume es-m-ck.safetensors --metrics es-m-old.csv
[ "$(head -1 es-m-old.csv)" = "$metrics_header" ] && [ "$(tail -n +2 es-m-old.csv | cut -d, -f1,10 | tr '\n' ' ')" = "1, 2, 3, " ] &&
    ok "resumed with an older file: its rows kept, their best epoch unknown" || bad "resumed with an older file" "$(cat es-m-old.csv)"
# an option the checkpoint does not record (renamed in it here, as an older file lacks it) differs,
# and no option given now can match it: said so, not "resume with the options it was written with"
sed 's/"weight_init/"weight_inix/' every2.safetensors >noinit.safetensors
unseal noinit.safetensors
expect_error "--resume: an option the checkpoint lacks" 2 '^hone train: --resume noinit.safetensors: --weight-init is "default" in this run and not recorded in the checkpoint; an older hone wrote it, before the option was kept: finish the run with that version, or start it again$' -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume noinit.safetensors --quiet
sed 's/"hidden/"hiddex/' every2.safetensors >nohidden.safetensors
unseal nohidden.safetensors
expect_error "--resume: the hidden layers the checkpoint lacks are named --layers" 2 '--resume nohidden.safetensors: --layers is "4" in this run and not recorded in the checkpoint' -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume nohidden.safetensors --quiet
# An option that neither the checkpoint's run nor this one reads changes nothing in training, and
# is no reason to refuse (the momentum form of Adam was); one that they read still differs.
# every2: Adam, the cosine schedule, ReLU, no batch norm, early stopping or L2/L1.
for unread in "--momentum-form classical" "--weight-decay 0.1" "--decay-rate 0.5" "--step-size 3" "--factor 0.5" \
    "--patience 3" "--threshold 0.01" "--min-delta 0.1" "--early-stop-metric accuracy" "--alpha 0.2" "--bn-momentum 0.5" "--decay-bias"; do
    expect_ok "--resume with $unread, which the run does not read" train --data blobs.csv --layers 4 --epochs 3 --resume every2.safetensors $unread --quiet
done
for read in "--beta1 0.5:0.90*" "--beta2 0.99:0.999" "--eps 1e-06:1e-08" "--warmup 1:0" "--min-lr 1e-05:0" "--per-step:false"; do
    opt=${read%%:*} was=${read#*:}
    expect_error "--resume with $opt, which the run reads" 2 "^hone train: --resume every2.safetensors: ${opt%% *} is $was in the checkpoint, [^ ]+ in this run; resume with" -- \
        train --data blobs.csv --layers 4 --epochs 3 --resume every2.safetensors $opt --quiet
done
# SGD at a constant rate reads none of the optimizer's and schedule's settings
"$hone" train --data blobs.csv --layers 4 --epochs 2 --optimizer sgd --schedule constant --checkpoint sgd-ck.safetensors --quiet >/dev/null 2>&1
for unread in "--beta1 0.5" "--beta2 0.5" "--eps 0.1" "--weight-decay 0.1" "--momentum-form classical" "--decay-rate 0.5" "--step-size 3" \
    "--warmup 1" "--min-lr 1e-05" "--per-step" "--factor 0.5" "--patience 3" "--threshold 0.01"; do
    expect_ok "--resume of SGD at a constant rate with $unread" train --data blobs.csv --layers 4 --epochs 2 --optimizer sgd --schedule constant --resume sgd-ck.safetensors $unread --quiet
done
# more epochs than the checkpoint's: a constant rate goes on, and ends with the model of a run
# given them all; fewer are refused (exit 2, as an option that differs), and so are more with
# cosine (every2), whose rates follow the run's length
sgd_run=(train --data blobs.csv --layers 4 --optimizer sgd --schedule constant --quiet)
expect_ok "--resume with more --epochs, at a constant rate" "${sgd_run[@]}" --epochs 4 --resume sgd-ck.safetensors --save sgd-more.safetensors
"$hone" "${sgd_run[@]}" --epochs 4 --save sgd-4.safetensors >/dev/null 2>&1
cmp -s sgd-more.safetensors sgd-4.safetensors && ok "--resume with more --epochs: the model of a run given them all" ||
    bad "--resume with more --epochs: the model of a run given them all" "$(cmp sgd-more.safetensors sgd-4.safetensors 2>&1)"
expect_error "--resume with fewer --epochs than the checkpoint has trained" 2 \
    "^hone train: --resume sgd-ck.safetensors: the checkpoint has trained 2 epochs, more than this run's 1; give --epochs as many as the checkpoint's run, or more$" -- \
    "${sgd_run[@]}" --epochs 1 --resume sgd-ck.safetensors
expect_error "--resume with more --epochs and the cosine schedule" 2 "^hone train: --resume every2.safetensors: --epochs is 3 in the checkpoint, 4 in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 4 --resume every2.safetensors --quiet
# momentum, the plateau schedule, leaky ReLU, batch norm, early stopping and L2 read theirs
reads=(train --data blobs.csv --layers 4 --epochs 3 --optimizer momentum --schedule plateau --activation leaky_relu --alpha 0.1 --batchnorm --bn-momentum 0.2 --early-stop 5 --l2 0.01 --quiet)
"$hone" "${reads[@]}" --checkpoint reads-ck.safetensors >/dev/null 2>&1
expect_ok "--resume with the options the checkpoint was written with" "${reads[@]}" --resume reads-ck.safetensors
for read in "--momentum-form classical:\"ewma\"" "--factor 0.5:0.10*" "--patience 3:10" "--min-lr 1e-05:0" "--alpha 0.2:0.10*" \
    "--bn-momentum 0.5:0.20*" "--min-delta 0.1:0" "--early-stop-metric accuracy:\"loss\"" "--decay-bias:false"; do
    opt=${read%%:*} was=${read#*:}
    expect_error "--resume with $opt, which the run reads" 2 "^hone train: --resume reads-ck.safetensors: ${opt%% *} is $was in the checkpoint, [^ ]+ in this run; resume with" -- \
        "${reads[@]}" --resume reads-ck.safetensors $opt
done
expect_ok "--resume of momentum with --beta2, which it does not read" "${reads[@]}" --resume reads-ck.safetensors --beta2 0.5
# an L1 penalty alone reads --decay-bias too (mutation round 5: only L2 was tried)
"$hone" train --data blobs.csv --layers 4 --epochs 2 --l1 0.01 --checkpoint l1-ck.safetensors --quiet >/dev/null 2>&1
expect_error "--resume with --decay-bias under an L1 penalty" 2 "^hone train: --resume l1-ck.safetensors: --decay-bias is false in the checkpoint, true in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 2 --l1 0.01 --decay-bias --resume l1-ck.safetensors --quiet
# options given as text are compared as the numbers they are: 0.80 is the keep probability 0.8
"$hone" train --data blobs.csv --layers 4,4 --epochs 2 --keep-prob 0.8,0.9 --dev 0.2 --checkpoint kp-ck.safetensors --quiet >/dev/null 2>&1
expect_ok "--resume: --keep-prob and --dev written otherwise, the same numbers" train --data blobs.csv --layers 4,4 --epochs 2 \
    --keep-prob 0.80,.9 --dev .20 --resume kp-ck.safetensors --quiet
expect_error "--resume: another keep probability is still another" 2 '^hone train: --resume kp-ck.safetensors: --keep-prob is "0.8,0.9" in the checkpoint, "0.8,0.8" in this run' -- \
    train --data blobs.csv --layers 4,4 --epochs 2 --keep-prob 0.8,0.8 --dev 0.2 --resume kp-ck.safetensors --quiet
expect_error "--resume: a keep probability more is still another" 2 '^hone train: --resume kp-ck.safetensors: --keep-prob is "0.8,0.9" in the checkpoint, "0.8" in this run' -- \
    train --data blobs.csv --layers 4,4 --epochs 2 --keep-prob 0.8 --dev 0.2 --resume kp-ck.safetensors --quiet
# an option that neither run reads need not be recorded (an older hone's checkpoint may lack it)
sed 's/"momentum_form/"momentum_forx/' every2.safetensors >noform.safetensors
unseal noform.safetensors
expect_ok "--resume: an option the checkpoint lacks and the run does not read" train --data blobs.csv --layers 4 --epochs 3 --resume noform.safetensors --quiet
sed 's/"momentum_form/"momentum_forx/' reads-ck.safetensors >reads-noform.safetensors
unseal reads-noform.safetensors
expect_error "--resume: an option the checkpoint lacks and the run reads" 2 '^hone train: --resume reads-noform.safetensors: --momentum-form is "ewma" in this run and not recorded in the checkpoint; an older hone' -- \
    "${reads[@]}" --resume reads-noform.safetensors
# --layers' texts are compared as the layers they give (4x2 is 4,4, below): text after a number,
# or a comma against another character, is another list, and the
# option is named (not the layer the library finds), either way round (mutation round 6: the
# comma, the text after a number and the end of either text could each go unchecked)
"$hone" train --data blobs.csv --layers 4,2 --epochs 3 --checkpoint l42-ck.safetensors --quiet >/dev/null 2>&1
"$hone" train --data blobs.csv --layers 4x2 --epochs 3 --checkpoint l4x2-ck.safetensors --quiet >/dev/null 2>&1
for layers in "l42-ck:4,2:4x2" "l4x2-ck:4x2:4" "every2:4:4x2"; do
    IFS=: read -r ck was now <<<"$layers"
    expect_error "--resume: --layers $now for the checkpoint's $was" 2 "^hone train: --resume $ck.safetensors: --layers is \"$was\" in the checkpoint, \"$now\" in this run; resume with" -- \
        train --data blobs.csv --layers "$now" --epochs 3 --resume "$ck.safetensors" --quiet
done
# the same layers or keep probabilities written another way are the same network: 4x2 is 4,4,
# and one keep probability is every hidden layer's
expect_ok "--resume: --layers 4,4 for the checkpoint's 4x2" train --data blobs.csv --layers 4,4 --epochs 3 \
    --resume l4x2-ck.safetensors --quiet
"$hone" train --data blobs.csv --layers 4x2 --epochs 2 --keep-prob 0.8 --checkpoint kp1-ck.safetensors --quiet >/dev/null 2>&1
expect_ok "--resume: --keep-prob 0.8,0.8 for the checkpoint's 0.8 of two layers" train --data blobs.csv --layers 4,4 --epochs 2 \
    --keep-prob 0.8,0.8 --resume kp1-ck.safetensors --quiet
expect_error "--resume: one keep probability against two others" 2 '^hone train: --resume kp1-ck.safetensors: --keep-prob is "0.8" in the checkpoint, "0.8,0.9" in this run' -- \
    train --data blobs.csv --layers 4,4 --epochs 2 --keep-prob 0.8,0.9 --resume kp1-ck.safetensors --quiet
# a text that is no number is not the number 0 (mutation round 6: one that did not parse read as
# 0): a checkpoint edited to record --dev "" against --dev 0, and --keep-prob "0" against the ""
# of a network without hidden layers
nohid=(train --data blobs.csv --layers "" --keep-prob "" --dev 0 --epochs 1 --quiet)
"$hone" "${nohid[@]}" --checkpoint nohid-ck.safetensors >/dev/null 2>&1
expect_ok "--resume of a network without hidden layers or dev rows" "${nohid[@]}" --resume nohid-ck.safetensors
sed 's/\\"dev\\": \\"0\\"/\\"dev\\": \\"\\" /' nohid-ck.safetensors >nohid-dev.safetensors
unseal nohid-dev.safetensors
expect_error "--resume: --dev \"\" in the checkpoint is not 0" 2 '^hone train: --resume nohid-dev.safetensors: --dev is "" in the checkpoint, "0" in this run; resume with' -- \
    "${nohid[@]}" --resume nohid-dev.safetensors
sed 's/\\"keep_prob\\": \\"\\", /\\"keep_prob\\":\\"0\\", /' nohid-ck.safetensors >nohid-kp.safetensors
unseal nohid-kp.safetensors
expect_error "--resume: --keep-prob \"\" is not the checkpoint's 0" 2 '^hone train: --resume nohid-kp.safetensors: --keep-prob is "0" in the checkpoint, "" in this run; resume with' -- \
    "${nohid[@]}" --resume nohid-kp.safetensors
# an option the checkpoint records as text and this run as a number differs (the text was read as
# a list of numbers once, from a number's missing text)
sed 's/\\"lr\\": 0.001, \\"epochs\\": 3, /\\"lr\\":\\"0.001\\",\\"epochs\\":3,/' every2.safetensors >lrtext.safetensors
unseal lrtext.safetensors
expect_error "--resume: the checkpoint's --lr as text" 2 '^hone train: --resume lrtext.safetensors: --lr is "0.001" in the checkpoint, 0.001 in this run; resume with' -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume lrtext.safetensors --quiet
# a checkpoint without the options it was written with is said to be one, whatever the option
sed 's/"hone.config"/"hone.confix"/' nohid-ck.safetensors >nocfg.safetensors
unseal nocfg.safetensors
expect_error "--resume: a checkpoint without its options" 2 '^hone train: --resume nocfg.safetensors: the checkpoint does not record the options it was written with; no options given now can be checked against it: start the run again$' -- \
    "${nohid[@]}" --resume nocfg.safetensors
# the first option that differs is named, and the run's length (before --schedule) differs when
# either run's schedule reads it: cosine's checkpoint resumed at a constant rate, and the other
# way round (mutation round 6: a difference either run reads could pass for one neither does)
expect_error "--resume of cosine at a constant rate, with more --epochs" 2 "^hone train: --resume every2.safetensors: --epochs is 3 in the checkpoint, 4 in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 4 --schedule constant --resume every2.safetensors --quiet
expect_error "--resume of a constant rate with cosine, with more --epochs" 2 "^hone train: --resume sgd-ck.safetensors: --epochs is 2 in the checkpoint, 4 in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 4 --optimizer sgd --schedule cosine --resume sgd-ck.safetensors --quiet
# an older checkpoint without --schedule: the run's length (before it) is read, as by cosine
# (mutation round 6: the schedule of the checkpoint's options was taken to be there)
sed 's/"schedule/"schedulx/' every2.safetensors >nosched.safetensors
unseal nosched.safetensors
expect_error "--resume: a checkpoint without --schedule, with more --epochs" 2 "^hone train: --resume nosched.safetensors: --epochs is 3 in the checkpoint, 4 in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 4 --resume nosched.safetensors --quiet
# and so it is when this run's schedule reads no length: the checkpoint's might have (mutation
# round 9: the unknown schedule counted as one that reads none, and the first difference named
# was --schedule's, after the length)
expect_error "--resume: a checkpoint without --schedule, more --epochs at a constant rate" 2 "^hone train: --resume nosched.safetensors: --epochs is 3 in the checkpoint, 4 in this run; resume with" -- \
    train --data blobs.csv --layers 4 --epochs 4 --schedule constant --resume nosched.safetensors --quiet

# --- hone tune: random search, coarse to fine ------------------------------------------------------
# table_aligned FILE: FILE's ranked table (its first line the header, then each line that starts
# with a rank) has every row in the header's columns: a number's column (those before status) ends
# where its header ends, a word's starts where its header starts. Counts characters, not bytes.
table_aligned() {
    perl -CS -ne '
        sub spans { my @s; push @s, [$-[0], $+[0]] while $_[0] =~ /\S+/g; @s }
        chomp;
        if ($. == 1) { @h = spans($_); my @f = split " "; ($st) = grep { $f[$_] eq "status" } 0 .. $#f; next }
        next unless /^ *[0-9]+  /;
        my @r = spans($_);
        if (@r != @h) { print "line $.: ", scalar @r, " columns, the header ", scalar @h, "\n"; $bad = 1; next }
        for my $i (0 .. $#h) {
            my $end = $i < $st ? 1 : 0;
            if ($r[$i][$end] != $h[$i][$end]) { print "line $.: column ", $i + 1, " out of line\n"; $bad = 1 }
        }
        END { exit($bad || !defined $st) }' <"$1"
}
printf '[tune]\nrounds = 2\ntrials = 4\njobs = 2\nepochs = 3\nresults = tune.jsonl\nbest = tune-best.ini\n\n[space]\nlr = log 1e-3 1\noptimizer = choice adam sgd\nbatch = int 8 64\n\n[train]\ndata = blobs.csv\nlayers = 8\n' >tune.ini
expect_ok "train --train-rows uses a subset" train --data blobs.csv --layers 4 --epochs 1 --train-rows 50
grep -q "data: 50 train" err.txt && ok "--train-rows 50 trains on 50 rows" || bad "--train-rows 50 trains on 50 rows" "$(head -2 err.txt)"
expect_error "negative --train-rows" 2 "--train-rows must be at least 1" -- train --data blobs.csv --train-rows -5
"$hone" tune --help >out.txt 2>&1 && grep -q -- "--jobs N" out.txt && grep -q "\[space\]" out.txt && ok "hone tune --help" || bad "hone tune --help" "$(head -5 out.txt)"
expect_ok "tune: 2 rounds x 4 trials, 2 jobs" tune --config tune.ini --quiet
cp out.txt tune-out.txt
[ "$(wc -l <tune.jsonl)" -eq 8 ] && ok "tune: one results line per trial (8)" || bad "tune: one results line per trial (8)" "$(cat tune.jsonl)"
# rank 1 of the table against the best line of the file: highest dev_acc, then lowest dev_loss, then trial
table_best=$(awk '$1 == "1" { print $2, $5, $6 }' tune-out.txt)
file_best=$(sed -n 's/.*"trial":\([0-9]*\),.*"status":"ok".*"dev_acc":\([-0-9.e+]*\),"dev_loss":\([-0-9.e+]*\).*/\1 \2 \3/p' tune.jsonl |
    sort -k2,2gr -k3,3g -k1,1n | head -1 | awk '{ printf "%d %.4f %.4f", $1, $2, $3 }')
[ -n "$table_best" ] && [ "$table_best" = "$file_best" ] && ok "tune: the table's best is the file's best ($file_best)" \
    || bad "tune: the table's best is the file's best" "table: $table_best" "file:  $file_best" "$(cat tune-out.txt)"
best_id=${table_best%% *}
best_lr=$(grep "\"trial\":$best_id," tune.jsonl | sed -n 's/.*"lr":\([-0-9.e+]*\).*/\1/p')
grep -qx "lr = $best_lr" tune-best.ini && grep -qx "data = blobs.csv" tune-best.ini && grep -qx "epochs = 3" tune-best.ini \
    && ok "tune: the best config holds the best trial's options" || bad "tune: the best config holds the best trial's options" "lr $best_lr" "$(cat tune-best.ini)"
expect_ok "tune: the best config trains" train --config tune-best.ini --json
figures=$(sed -n 's/.*"dev_loss": \([-0-9.e+]*\), "dev_acc": \([-0-9.e+]*\).*/\2 \1/p' out.txt | awk '{ printf "%.4f %.4f", $1, $2 }')
[ "$figures" = "${table_best#* }" ] && ok "tune: hone train --config best repeats the trial (dev acc, loss $figures)" \
    || bad "tune: hone train --config best repeats the trial" "$figures vs ${table_best#* }"
# a ';' delimiter after -- is written by name: "delimiter = ;" would read back as an INI comment
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = semi-tune.jsonl\nbest = semi-best.ini\n\n[space]\nlr = log 1e-3 1e-2\n\n[train]\ndata = semi.csv\nlayers = 4\n' >semi-tune.ini
expect_ok "tune: a ';' delimiter after --" tune --config semi-tune.ini --quiet -- --delimiter ';'
grep -qx "delimiter = semicolon" semi-best.ini && ok "tune: the best config names a ';' delimiter" || bad "tune: a ';' delimiter in the best config" "$(cat semi-best.ini)"
expect_ok "tune: that best config trains" train --config semi-best.ini --quiet
# the best config names the thread count every trial ran with, as a number: from the environment, a line break
# in it wrote a live 'lr = 5' line; and after a resume under another count, it named the count of this run alone
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nbest = thr-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\n' >thr.ini
OPENBLAS_NUM_THREADS=$'1\nlr = 5' "$hone" tune --config thr.ini --quiet --results thr.jsonl >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && grep -qx "# the trials ran with OPENBLAS_NUM_THREADS=1; the same count repeats this one bit for bit" thr-best.ini &&
    ! grep -q '^lr = 5$' thr-best.ini && [ "$(grep -c '"threads":1}$' thr.jsonl)" = 2 ] &&
    ok "tune: the thread count as a number, in the best config and each record" || bad "tune: the thread count as a number" "exit $rc" "$(cat err.txt thr-best.ini thr.jsonl)"
head -1 thr.jsonl >thr2.jsonl
OPENBLAS_NUM_THREADS=2 "$hone" tune --config thr.ini --quiet --results thr2.jsonl >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && grep -q "runs: 1 run now, 1 read" out.txt && ! grep -q "OPENBLAS_NUM_THREADS" thr-best.ini &&
    ok "tune: trials of two thread counts: the best config names none" || bad "tune: trials of two thread counts" "exit $rc" "$(cat out.txt err.txt thr-best.ini)"
expect_ok "tune: run again" tune --config tune.ini --quiet
grep -q "runs: 0 run now, 8 read from tune.jsonl" out.txt && [ "$(wc -l <tune.jsonl)" -eq 8 ] && ok "tune: a finished search runs 0 new trials" \
    || bad "tune: a finished search runs 0 new trials" "$(tail -2 out.txt)"
cmp -s <(head -n -1 out.txt) <(head -n -1 tune-out.txt) && ok "tune: the same table again" || bad "tune: the same table again" "$(diff out.txt tune-out.txt)"
# an interrupted search: five whole lines and half of the sixth
head -5 tune.jsonl >cut.jsonl; sed -n 6p tune.jsonl | head -c 40 >>cut.jsonl
expect_ok "tune: resume after a cut" tune --config tune.ini --quiet --results cut.jsonl --best cut-best.ini
grep -q "runs: 3 run now, 5 read from cut.jsonl" out.txt && grep -q "incomplete last line" err.txt && [ "$(wc -l <cut.jsonl)" -eq 8 ] \
    && ok "tune: resuming runs only the missing trials" || bad "tune: resuming runs only the missing trials" "$(tail -1 out.txt)" "$(cat err.txt)"
cmp -s tune-best.ini <(sed 's/cut\.jsonl/tune.jsonl/; s/cut-best\.ini/tune-best.ini/' cut-best.ini) && ok "tune: resumed search, same best config" \
    || bad "tune: resumed search, same best config" "$(diff tune-best.ini cut-best.ini)"
# a search stopped by a signal exits as hone train does, 130 for SIGINT (it exited 1), and says
# how many runs its results file holds
awk 'BEGIN { srand(9); print "a,b,c,d,label"; for (i = 0; i < 3000; i++) { c = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%d\n", (c==0)*2+rand(), (c==1)*2+rand(), (c==2)*2+rand(), rand(), c } }' >blobs3000.csv
printf '[tune]\nrounds = 1\ntrials = 50\njobs = 1\nepochs = 400\nresults = int-tune.jsonl\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs3000.csv\nlayers = 64\nbatch = 4\nthreads = 1\n' >int-tune.ini
timeout --preserve-status -s INT 3 "$hone" tune --config int-tune.ini --quiet >out.txt 2>err.txt; rc=$?
[ "$rc" = 130 ] && grep -Eq "^hone tune: interrupted \(signal 2\): ([0-9]+ runs are|1 run is) in int-tune.jsonl; the same command resumes the search$" err.txt &&
    ok "tune: interrupted, exit 130" || bad "tune: interrupted, exit 130" "exit $rc" "$(cat err.txt)"
# a search killed outright (SIGKILL, which it cannot pass on) takes its running trial with it: the
# trial trained on to its end, for nothing
"$hone" tune --config int-tune.ini --quiet --results kill-tune.jsonl >/dev/null 2>&1 &
tune_pid=$! trial_pid=
child_of() { local stat; for stat in /proc/[0-9]*/stat; do awk -v p="$1" '$4 == p { print $1 }' "$stat" 2>/dev/null; done | head -1; }
for i in $(seq 300); do trial_pid=$(child_of $tune_pid); [ -n "$trial_pid" ] && break; sleep 0.01; done
kill -KILL $tune_pid; wait $tune_pid 2>/dev/null
for i in $(seq 300); do kill -0 "$trial_pid" 2>/dev/null || break; sleep 0.01; done
[ -n "$trial_pid" ] && ! kill -0 "$trial_pid" 2>/dev/null && ok "tune killed: its running trial ends too" \
    || { bad "tune killed: its running trial ends too" "trial '$trial_pid' still runs"; kill "$trial_pid" 2>/dev/null; }
# a flag reads 0 and 1, so int 0 1 searches it
# trials run the running hone, not the file it was started from: that file deleted (or rebuilt) while tune ran
# failed every trial after it ("cannot run ...hc (deleted)"), recorded for good; here it is gone from the start
cp "$hone" hc-gone
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nresults = gone.jsonl\nbest = gone-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\n' >gone.ini
( exec 3<hc-gone; rm hc-gone; exec /proc/self/fd/3 tune --config gone.ini --quiet ) >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '"status":"ok"' gone.jsonl)" = 2 ] && ok "tune: a hone deleted since it started runs its trials" \
    || bad "tune: a hone deleted since it started runs its trials" "exit $rc" "$(cat err.txt gone.jsonl)"
printf '[tune]\nrounds = 1\ntrials = 4\nepochs = 1\nresults = flag01.jsonl\nbest = flag01-best.ini\n[space]\nshuffle = int 0 1\n[train]\ndata = blobs.csv\nlayers = 4\n' >flag01.ini
expect_ok "tune: a flag searched with int 0 1" tune --config flag01.ini
[ "$(grep -c '"status":"ok"' flag01.jsonl)" = 4 ] && ok "tune: a flag searched with int 0 1 runs" || bad "tune: a flag searched with int 0 1 runs" "$(cat flag01.jsonl)"
[ "$(grep -c '^trial   [1-4]  round 1/1    1 epoch   ok  ' err.txt)" = 4 ] && ok "tune: a trial's line says 1 epoch, in the column of 'epochs'" \
    || bad "tune: a trial's line says 1 epoch" "$(cat err.txt)"
# a trial train refuses for its own values (a per-step warm-up as long as a batch of 240's run) is
# recorded as failed, and the search goes on: the search used to stop there
printf '[tune]\nrounds = 1\ntrials = 4\nepochs = 2\nresults = wu.jsonl\nbest = wu-best.ini\n[space]\nbatch = choice 8 240\n[train]\ndata = blobs.csv\nlayers = 4\nschedule = cosine\nper-step = true\nwarmup = 4\n' >wu.ini
expect_ok "tune: a trial refused for its own values" tune --config wu.ini
grep -q '"status":"failed".*"error":"refused: cosine: warm-up (4 steps) must be shorter than the run (2 steps: 2 epochs of 1)"' wu.jsonl &&
    grep -q '"status":"ok"' wu.jsonl && ok "tune: the refused trial failed, the others ran" || bad "tune: the refused trial failed, the others ran" "$(cat wu.jsonl)"
expect_ok "tune: successive halving" tune --config tune.ini --quiet --rounds 1 --epochs 4 --halving --results halving.jsonl --best halving.ini
# 4 trials for 1 epoch, the best 2 for 2, the best 1 for 4
[ "$(wc -l <halving.jsonl)" -eq 7 ] && [ "$(grep -c '"epochs":4,' halving.jsonl)" -eq 1 ] && awk '$1 == "1" { exit !($4 == 4) }' out.txt \
    && ok "tune: halving runs 4 + 2 + 1" || bad "tune: halving runs 4 + 2 + 1" "$(cat halving.jsonl)"
expect_error "tune: halving with one epoch has no rung to cut at" 2 "^hone tune: --halving needs --epochs 2 or more: with 1, every rung is 1 epoch and no trial is cut; leave --halving out, or give more epochs$" -- \
    tune --config tune.ini --quiet --rounds 1 --epochs 1 --halving --results halving1.jsonl --best halving1.ini
[ ! -e halving1.jsonl ] && ok "tune: halving with one epoch makes no file" || bad "tune: halving with one epoch makes no file"
# a halving search cut after its first rung goes on with the longer runs: a trial's 1-epoch line is
# not its 2-epoch run, and the search ends as the uncut one did
head -4 halving.jsonl >halving-cut.jsonl
expect_ok "tune: halving resumed after its first rung" tune --config tune.ini --quiet --rounds 1 --epochs 4 --halving --results halving-cut.jsonl --best halving-cut.ini
grep -q "^runs: 3 run now, 4 read from halving-cut.jsonl$" out.txt && [ "$(grep -c '"epochs":4,' halving-cut.jsonl)" -eq 1 ] &&
    cmp -s halving.ini <(sed 's/halving-cut\./halving./g' halving-cut.ini) && ok "tune: halving resumed after its first rung runs the longer rungs" ||
    bad "tune: halving resumed after its first rung runs the longer rungs" "$(tail -1 out.txt)" "$(diff halving.ini halving-cut.ini)"
# trials that diverge are recorded as such (with their error), ranked last, never the best, and
# read back as finished on a rerun; a search where every trial diverged writes no best config
printf '[tune]\nrounds = 1\ntrials = 4\njobs = 2\nepochs = 3\nresults = div.jsonl\nbest = div-best.ini\n\n[space]\nlr = log 1e-2 1e7\n\n[train]\ndata = blobs.csv\nlayers = 8\noptimizer = sgd\nschedule = constant\n' >div.ini
expect_ok "tune: some trials diverge" tune --config div.ini --quiet
# the next round's ranges surround the best trials that ran (of --top-k 3, the 2 that did not
# diverge), never a diverged trial's value
sed 's/^rounds = 1$/rounds = 2/; s/div\.jsonl/div2.jsonl/; s/div-best/div2-best/' div.ini >div2.ini
expect_ok "tune: a second round after diverged trials" tune --config div2.ini
grep -q "^round 1: ranges narrowed around the best 2: " err.txt && ok "tune: the ranges narrow around the trials that did not diverge" ||
    bad "tune: the ranges narrow around the trials that did not diverge" "$(grep -A1 '^round 1' err.txt)"
ok_lr=$(sed -n 's/.*"status":"ok","params":{"lr":\([-0-9.e+]*\)}.*/\1/p' div.jsonl | head -1)
[ "$(grep -c '"status":"diverged".*"dev_acc":null.*"error":"diverged at epoch' div.jsonl)" -ge 1 ] && [ -n "$ok_lr" ] \
    && ok "tune: diverged trials are recorded with their error, beside some that are not" || bad "tune: diverged trials recorded" "$(cat div.jsonl)"
[ "$(awk '$7 == "diverged"' out.txt | wc -l)" -eq "$(grep -c '"status":"diverged"' div.jsonl)" ] && ! awk '$1 == "1"' out.txt | grep -q diverged \
    && ok "tune: diverged trials are in the table, never ranked first" || bad "tune: diverged trials ranked" "$(cat out.txt)"
! grep -q -- "-nan" div.jsonl && ok "tune: a diverged trial's NaN says nan" || bad "tune: -nan in the results" "$(cat div.jsonl)"
grep -q '^lr = ' div-best.ini && ! grep -q "lr = [0-9.e+]*e+0[6-9]" div-best.ini \
    && ok "tune: the best config is not a diverged trial's" || bad "tune: best config of diverged trials" "$(cat div-best.ini)"
expect_ok "tune: diverged trials are finished trials" tune --config div.ini --quiet
grep -q "runs: 0 run now, 4 read from div.jsonl" out.txt && ok "tune: a rerun reads the diverged trials back" || bad "tune: a rerun reads the diverged trials back" "$(tail -2 out.txt)"
sed 's/lr = log 1e-2 1e7/lr = log 1e6 1e7/; s/div\./alldiv./g; s/div-best/alldiv-best/' div.ini >alldiv.ini
# a best config whose line train cannot read back is written with a warning, at 199 characters and not at 198
printf '[tune]\nrounds = 1\ntrials = 1\njobs = 1\nepochs = 1\n\n[space]\nlr = log 1e-3 1e-2\n\n[train]\nlayers = 8\n' >longdata.ini
for n in 186 185; do
    long="./$(printf "b%.0s" $(seq 1 $n)).csv"; ln -sf blobs.csv "$long"
    "$hone" tune --config longdata.ini --quiet --results "long$n.jsonl" --best "long$n.ini" -- --data "$long" >out.txt 2>err.txt; rc=$?
    warned=$(grep -c "^hone tune: warning: long$n.ini: 'data' may not read back from an INI file (lines of at most 198 characters" err.txt)
    "$hone" train --config "long$n.ini" --epochs 1 --quiet >/dev/null 2>train-err.txt; read_rc=$?
    if [ $n = 186 ]; then
        [ $rc -eq 0 ] && [ "$warned" = 1 ] && [ $read_rc -eq 2 ] && grep -q "line longer than 198 characters" train-err.txt &&
            ok "tune: a 199-character line in the best config is warned of, and train refuses it" ||
            bad "tune: a 199-character best-config line" "tune exit $rc, warned $warned, train exit $read_rc: $(cat err.txt train-err.txt)"
    else
        [ $rc -eq 0 ] && [ "$warned" = 0 ] && [ $read_rc -eq 0 ] && ok "tune: a 198-character line is written without a warning and read back" ||
            bad "tune: a 198-character best-config line" "tune exit $rc, warned $warned, train exit $read_rc: $(cat err.txt train-err.txt)"
    fi
done
# a value that an INI line does not hold as it is (a line break; blanks around it, which the reader drops) is
# warned of as ';' is: ' lead.csv' read back as lead.csv, and a line break made the rest a line train refused
cp blobs.csv ' lead.csv'; cp blobs.csv "$(printf 'nl\nb.csv')"
for data in ' lead.csv' "$(printf 'nl\nb.csv')"; do
    "$hone" tune --config longdata.ini --quiet --results blank.jsonl --best blank.ini -- --data "$data" >out.txt 2>err.txt; rc=$?
    rm -f blank.jsonl
    [ $rc -eq 0 ] && [ "$(grep -c "^hone tune: warning: blank.ini: 'data' may not read back from an INI file (.*a line break ends the value, and blanks around it are dropped)$" err.txt)" = 1 ] &&
        ok "tune: a best-config value of $(printf %q "$data") is warned of" || bad "tune: a best-config value of $(printf %q "$data") is warned of" "exit $rc" "$(cat err.txt)"
done
expect_error "tune: every trial diverged" 1 "no trial succeeded" "diverged at epoch" -- tune --config alldiv.ini --quiet
[ ! -e alldiv-best.ini ] && [ "$(grep -c '"status":"diverged"' alldiv.jsonl)" -eq 4 ] && ok "tune: no best config when every trial diverged" \
    || bad "tune: no best config when every trial diverged" "$(ls alldiv*)"
expect_error "tune: another search's results" 2 "tune.jsonl" "another search" -- tune --config tune.ini --quiet --seed 9
# trial 5 of 2 rounds of 4 is of round 2, of 1 round of 8 a trial of round 1: not the same trial
expect_error "tune: results of another number of rounds" 2 \
    "^hone tune: tune.jsonl: trial 5 there is of round 2, here of round 1: another search wrote it" -- tune --config tune.ini --quiet --rounds 1 --trials 8
# the fixed options are the search's as much as its space and seed: results run under others are
# refused, naming the first that differs, and the best config is not rewritten beside them
cp tune.jsonl tune-kept.jsonl; cp tune-best.ini tune-best-kept.ini
expect_error "tune: results of other [train] options (after --)" 2 \
    "^hone tune: tune.jsonl: trial 1 there ran with \[train\] layers = 8, this search has layers = 16: another search wrote it" -- \
    tune --config tune.ini --quiet -- --layers 16
expect_error "tune: results without a fixed option" 2 \
    "^hone tune: tune.jsonl: trial 1 there ran without \[train\] l2, this search has l2 = 0.001: another search" -- \
    tune --config tune.ini --quiet -- --l2 0.001
sed '/^layers = 8$/d' tune.ini >tune-no-layers.ini
expect_error "tune: results with a fixed option this search lacks" 2 \
    "^hone tune: tune.jsonl: trial 1 there ran with \[train\] layers = 8, this search has no layers: another search" -- \
    tune --config tune-no-layers.ini --quiet --results tune.jsonl --best tune-best.ini
cmp -s tune.jsonl tune-kept.jsonl && cmp -s tune-best.ini tune-best-kept.ini && ok "tune: refused results and best config left as they were" \
    || bad "tune: refused results and best config left as they were" "$(diff tune.jsonl tune-kept.jsonl | head -3)"
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nresults = typo.jsonl\nbest = typo-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\nlayers = 4\ndata = blobs.csv\n' >typo.ini
expect_ok "tune: a search with layers = 4" tune --config typo.ini --quiet
cp typo-best.ini typo-best-kept.ini
sed -i 's/layers = 4/layers = 8/' typo.ini
expect_error "tune: [train] changed, the trials run under the old options are not reused" 2 \
    "^hone tune: typo.jsonl: trial 1 there ran with \[train\] layers = 4, this search has layers = 8: another search wrote it \(give another --results file, or the same space, \[train\] options, settings and seed\)$" -- \
    tune --config typo.ini --quiet
cmp -s typo-best.ini typo-best-kept.ini && [ "$(wc -l <typo.jsonl)" -eq 2 ] && ok "tune: no best config from the other options' trials" || bad "tune: no best config from the other options' trials" "$(ls typo*)"
expect_ok "tune: the corrected search with its own results" tune --config typo.ini --quiet --results typo2.jsonl
grep -q "runs: 2 run now, 0 read" out.txt && ok "tune: the corrected search runs its trials" || bad "tune: the corrected search runs its trials" "$(tail -1 out.txt)"
sed 's/,"train":{[^}]*}//' tune.jsonl >older.jsonl
expect_error "tune: results that do not say their [train] options" 2 \
    "^hone tune: older.jsonl: trial 1 there does not say which \[train\] options it ran with \(an older hone tune wrote it\)" -- \
    tune --config tune.ini --quiet --results older.jsonl --best older-best.ini
sed '3s/"dev_acc":[-0-9.e+]*/"dev_acc":"x"/' tune.jsonl >corrupt.jsonl
expect_error "tune: a record whose dev_acc is not a number" 1 \
    "^hone tune: corrupt.jsonl: line 3: not a hone tune trial record \(needs \"dev_acc\" from 0 to 1, or null\); give another --results file$" -- \
    tune --config tune.ini --quiet --results corrupt.jsonl --best corrupt-best.ini
# figures no trial writes (an accuracy of 7 was ranked first, and made the best config)
sed '2s/"dev_acc":[-0-9.e+]*/"dev_acc":7/' tune.jsonl >acc7.jsonl
expect_error "tune: a record whose dev_acc is above 1" 1 "^hone tune: acc7.jsonl: line 2: not a hone tune trial record \(needs \"dev_acc\" from 0 to 1, or null\)" -- \
    tune --config tune.ini --quiet --results acc7.jsonl --best acc7-best.ini
sed '2s/"dev_loss":[-0-9.e+]*/"dev_loss":-1/' tune.jsonl >loss-1.jsonl
expect_error "tune: a record whose dev_loss is negative" 1 "^hone tune: loss-1.jsonl: line 2: not a hone tune trial record \(needs \"dev_loss\" of 0 or more, or null\)" -- \
    tune --config tune.ini --quiet --results loss-1.jsonl --best loss-1-best.ini
sed '1s/"dev_loss":[-0-9.e+]*/"dev_loss":"x"/' tune.jsonl >corrupt-loss.jsonl
expect_error "tune: a record whose dev_loss is not a number" 1 \
    "^hone tune: corrupt-loss.jsonl: line 1: not a hone tune trial record \(needs \"dev_loss\" of 0 or more, or null\); give another --results file$" -- \
    tune --config tune.ini --quiet --results corrupt-loss.jsonl --best corrupt-best.ini
# two records run together on one line: the second was dropped without a word
{ head -n 1 tune.jsonl | tr -d '\n'; tail -n +2 tune.jsonl; } >joined.jsonl
expect_error "tune: two records on one line" 1 \
    "^hone tune: joined.jsonl: line 1: not a hone tune trial record \(needs one JSON object, nothing after it\); give another --results file$" -- \
    tune --config tune.ini --quiet --results joined.jsonl --best joined-best.ini
sed '1s/"trial":[0-9]*,/"trial":0,/' tune.jsonl >trial0.jsonl
sed '1s/"trial":\([0-9]*\),/"trial":\1,"threads":2.5,/' tune.jsonl >threads25.jsonl
expect_error "tune: a record of 2.5 threads" 1 "^hone tune: threads25.jsonl: line 1: not a hone tune trial record \(needs \"threads\", a whole number from 1 to 64, or none\)" -- \
    tune --config tune.ini --quiet --results threads25.jsonl --best corrupt-best.ini
expect_error "tune: a record of trial 0" 1 "^hone tune: trial0.jsonl: line 1: not a hone tune trial record \(needs \"trial\"\)" -- \
    tune --config tune.ini --quiet --results trial0.jsonl --best corrupt-best.ini
# a trial recorded twice counts by its last line: the search reads as without the first
{ grep '"trial":1,' tune.jsonl | sed 's/"dev_acc":[-0-9.e+]*/"dev_acc":0.001/'; cat tune.jsonl; } >dup.jsonl
expect_ok "tune: a trial recorded twice" tune --config tune.ini --quiet --results dup.jsonl --best dup-best.ini
cmp -s <(head -n -1 out.txt | sed 's/dup-best\.ini/tune-best.ini/') <(head -n -1 tune-out.txt) && ok "tune: a trial recorded twice counts by its last line" ||
    bad "tune: a trial recorded twice counts by its last line" "$(diff <(head -n -1 out.txt) <(head -n -1 tune-out.txt))"
# a sample printed with a fourth digit (0.1255) reads back as a number that three digits round the
# other way (0.126): the search reads its own results again all the same
printf '[tune]\nrounds = 1\ntrials = 8\nepochs = 1\nresults = digits.jsonl\nbest = digits-best.ini\n[space]\nbeta1 = uniform 0.12545 0.126\n[train]\ndata = blobs.csv\nlayers = 4\n' >digits.ini
rm -f digits.jsonl
"$hone" tune --config digits.ini --quiet >/dev/null 2>&1
expect_ok "tune: a search with four-digit samples reads its own results" tune --config digits.ini --quiet
grep -q "runs: 0 run now, 8 read from digits.jsonl" out.txt && grep -q '"beta1":0.1255' digits.jsonl && ok "tune: the four-digit sample is in the file and is read back" \
    || bad "tune: four-digit samples read back" "$(tail -1 out.txt)" "$(grep -o '"beta1":[0-9.]*' digits.jsonl | sort -u)"
cp tune.ini tune-copy.ini
expect_error "tune: --best onto its config" 2 "^hone tune: --best tune.ini would overwrite tune.ini, the --config it reads$" -- \
    tune --config tune.ini --best tune.ini --quiet
# every trial reads [train] init too: the best config may not replace that model
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\ninit = blobs.safetensors\n' >tune-init.ini
cp blobs.safetensors blobs-kept.safetensors
expect_error "tune: --best onto the [train] init model" 2 "^hone tune: --best blobs.safetensors would overwrite blobs.safetensors, the \[train\] init it reads$" -- \
    tune --config tune-init.ini --best blobs.safetensors --quiet
cmp -s blobs.safetensors blobs-kept.safetensors && ok "tune: the [train] init model left as it was" || bad "tune: the [train] init model replaced" "$(head -c 100 blobs.safetensors)"
expect_error "tune: --results and --best one file" 2 "^hone tune: --results same.out and --best same.out name the same file$" -- \
    tune --config tune.ini --results same.out --best same.out --quiet
cmp -s tune.ini tune-copy.ini && [ ! -e same.out ] && ok "tune: the refused runs left the config as it was" || bad "tune: the refused runs left the config"
cp blobs.csv blobs-copy.csv
expect_error "tune: --best onto the data its trials read" 2 \
    "^hone tune: --best blobs.csv would overwrite blobs.csv, the \[train\] data it reads$" -- tune --config tune.ini --best blobs.csv --quiet
# --results is appended to in place, through a link to the file it names
ln -sf blobs.csv blobs-link.csv
expect_error "tune: --results through a link to the data its trials read" 2 \
    "^hone tune: --results blobs-link.csv would overwrite blobs.csv, the \[train\] data it reads$" -- tune --config tune.ini --results blobs-link.csv --quiet
cmp -s blobs.csv blobs-copy.csv && ok "tune: the trials' data left as it was" || bad "tune: the trials' data left as it was"
printf '[space]\nlr = log 1 1e-3\n' >bad-range.ini
expect_error "tune: lo >= hi" 2 "bad-range.ini:[0-9]+: \\[space\\]" "lr: log: LO must be below HI" -- tune --config bad-range.ini
printf '[space]\nlr = log 1e-3 1\n\nlr = log 1e-2 1\n' >twice.ini
expect_error "tune: a key searched twice names its line" 2 "^hone tune: twice.ini:4: \\[space\\]: lr is searched twice$" -- tune --config twice.ini
printf '[space]\nlr = log 0 1\n' >bad-log.ini
expect_error "tune: log from 0" 2 "lr: log: the range must be positive" -- tune --config bad-log.ini
printf '[space]\nbeta2 = 1-log 0.9 1\n' >bad-beta.ini
expect_error "tune: beta range outside [0, 1)" 2 "beta2: 1-log: the range must lie in \[0, 1\)" -- tune --config bad-beta.ini
printf '[space]\nlr = loguniform 1e-4 1\n' >bad-kind.ini
expect_error "tune: unknown kind" 2 "unknown kind 'loguniform'" -- tune --config bad-kind.ini
# every trial's options are checked as hone train checks them, before any trial runs and before
# the results file is made: the message is train's own, at the config's line
tune_refused() { # NAME FILE LINES PATTERN [ARGS]: FILE holds [tune], LINES and a working [train]
    local name=$1 file=$2 lines=$3 pattern=$4; shift 4
    printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 2\nresults = %s.jsonl\n%b' "$file" "$lines" >"$file.ini"
    expect_error "tune: $name" 2 "$pattern" -- tune --config "$file.ini" --quiet "$@"
    [ ! -e "$file.jsonl" ] && ok "tune: $name, before any trial" || bad "tune: $name, before any trial" "$(cat "$file.jsonl")"
}
tune_refused "depth beyond its counts" bad-depth '[space]\ndepth = int 0 99\n[train]\ndata = blobs.csv\nlayers = 8\n' \
    "^hone tune: bad-depth.ini:7: \[space\] depth: hidden layers, so int or choice of counts from 0 to [0-9]+$"
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = depth64.jsonl\nbest = depth64-best.ini\n[space]\ndepth = int 63 64\n[train]\ndata = blobs.csv\nlayers = 4\n' >depth64.ini
expect_ok "tune: depth up to 64, the most" tune --config depth64.ini --quiet
grep -q '"status":"ok","params":{"depth":6[34]}' depth64.jsonl && ok "tune: a depth of 63 or 64 runs" || bad "tune: a depth of 63 or 64 runs" "$(cat depth64.jsonl)"
tune_refused "depth over layers of two widths" bad-depth-layers '[space]\ndepth = int 1 3\n[train]\ndata = blobs.csv\nlayers = 8,4\n' \
    "^hone tune: bad-depth-layers.ini:7: \[space\] depth: repeats layers, which must then be one width"
tune_refused "not a train option" bad-option '[space]\nlearning_rate = log 1e-4 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-option.ini:7: \[space\] learning_rate: not an option of hone train \(see hone train --help\)$"
# a spec in the wrong section: hone train's "expected an integer, got 'int 32 64'" hid the slip
tune_refused "a search under [train]" spec-in-train '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nbatch = int 32 64\n' \
    "^hone tune: spec-in-train.ini:10: \[train\] batch: 'int 32 64' is a search: give it under \[space\] \(\[train\] holds the value every trial shares\)$"
tune_refused "one value under [space]" value-in-space '[space]\nlr = 0.001\n[train]\ndata = blobs.csv\n' \
    "^hone tune: value-in-space.ini:7: \[space\]: lr: unknown kind '0.001' \(log, 1-log, uniform, int or choice\); for one value that every trial shares, give it under \[train\]$"
tune_refused "values under [space] without choice" values-in-space '[space]\noptimizer = adam sgd\n[train]\ndata = blobs.csv\n' \
    "^hone tune: values-in-space.ini:7: \[space\]: optimizer: unknown kind 'adam' \(log, 1-log, uniform, int or choice\); to search those values, start with choice$"
tune_refused "a range under [space] without its kind" range-in-space '[space]\nlr = 1e-4 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: range-in-space.ini:7: \[space\]: lr: unknown kind '1e-4' .*; for the range between them, start with its kind \(log LO HI, say\); for those two values, choice$"
tune_refused "a kind misspelt" kind-typo '[space]\nlr = lg 1e-4 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: kind-typo.ini:7: \[space\]: lr: unknown kind 'lg' \(log, 1-log, uniform, int or choice\)$"
# uniform over decades is what the log scale is for: warned of, with the share it leaves the top decade
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = uni.jsonl\nbest = uni-best.ini\n[space]\nlr = uniform 1e-5 1\nbeta2 = uniform 0.9 0.999\nkeep-prob = uniform 0.5 1\n[train]\ndata = blobs.csv\nlayers = 4\n' >uni.ini
expect_ok "tune: uniform over decades" tune --config uni.ini --quiet
grep -qx "hone tune: warning: uni.ini:8: \[space\] lr: uniform from 1e-05 to 1 puts 90% of the trials in \[0.1, 1\]; log 1e-05 1 gives each decade the same share" err.txt &&
    grep -qx "hone tune: warning: uni.ini:9: \[space\] beta2: uniform from 0.9 to 0.999 puts 91% of the trials below 0.99; 1-log 0.9 0.999 gives each decade of 1 - beta2 the same share" err.txt &&
    [ "$(wc -l <err.txt)" = 2 ] && ok "tune: uniform over decades is warned of, keep-prob over [0.5, 1] is not" || bad "tune: uniform over decades is warned of" "$(cat err.txt)"
tune_refused "an unknown [train] key" bad-key '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nbogus = 1\n' \
    "^hone tune: bad-key.ini:10: \[train\] bogus: not an option of hone train \(see hone train --help\)$"
tune_refused "an unknown option after --" bad-flag '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: after --: --bogus: not an option of hone train \(see hone train --help\)$" -- --bogus 1
tune_refused "a [train] value train cannot read" bad-value '[space]\nbatch = int 8 16\n[train]\ndata = blobs.csv\nlr = abc\n' \
    "^hone tune: bad-value.ini:10: \[train\] lr: expected a number, got 'abc'$"
tune_refused "a [train] value train refuses" bad-batch '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nbatch = 0\n' \
    "^hone tune: bad-batch.ini:10: \[train\] batch: batch must be at least 1, got 0$"
tune_refused "a value after -- train refuses" bad-flag-value '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: after --: --optimizer: unknown optimizer 'adamx'" -- --optimizer adamx
tune_refused "a [train] data file that is not there" no-data '[space]\nlr = log 1e-3 1\n[train]\ndata = blob.csv\n' \
    "^hone tune: no-data.ini:9: \[train\] data: blob.csv: No such file or directory$"
tune_refused "a [train] data file that is not there, after other keys" no-data-later '[space]\nlr = log 1e-3 1\n[train]\nlayers = 8\ndata = blob.csv\n' \
    "^hone tune: no-data-later.ini:10: \[train\] data: blob.csv: No such file or directory$"
tune_refused "an --init after -- that is not there" no-init '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: after --: --init: nosuch.safetensors: No such file or directory$" -- --init nosuch.safetensors
tune_refused "a choice of data files, one not there" no-data-choice '[space]\ndata = choice blobs.csv blob.csv\n' \
    "^hone tune: no-data-choice.ini:7: \[space\] data = blob.csv: No such file or directory$"
tune_refused "a flag searched on a real scale" bad-flag-kind '[space]\nbatchnorm = uniform 0 1\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-flag-kind.ini:7: \[space\] batchnorm: a flag of hone train: search it with choice true false \(or int 0 1\)$"
tune_refused "a range with an end train refuses" bad-int '[space]\nbatch = int -5 16\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-int.ini:7: \[space\] batch = -5: batch must be at least 1, got -5$"
# each end of a range is tried: the high one too
tune_refused "a range with a high end train refuses" bad-high '[space]\ninput-keep-prob = uniform 0.5 1.5\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-high.ini:7: \[space\] input-keep-prob = 1.5: --input-keep-prob must be in \(0, 1\], got 1.5$"
tune_refused "a choice train refuses" bad-choice '[space]\noptimizer = choice adam sgdx\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-choice.ini:7: \[space\] optimizer = sgdx: --optimizer: unknown optimizer 'sgdx'"
tune_refused "a range's end against a fixed option" bad-min-lr '[space]\nlr = log 1e-5 1\n[train]\ndata = blobs.csv\nmin-lr = 1e-4\n' \
    "^hone tune: bad-min-lr.ini:7: \[space\] lr = 1e-05: minimum learning rate must be in \[0, lr\], got 0.0001$"
tune_refused "an integer option searched on a log scale" bad-kind-int '[space]\nbatch = log 8 64\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-kind-int.ini:7: \[space\] batch: hone train reads an integer: search it with int LO HI or choice$"
tune_refused "a warm-up as long as the shortest budget (halving)" bad-warmup '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nwarmup = 2\n' \
    "^hone tune: bad-warmup.ini:10: \[train\] warmup: cosine: warm-up \(2\) must be shorter than the run \(2 epochs\)$" --epochs 8 --halving
tune_refused "keep-prob per layer, one layer" bad-keep '[space]\nlayers = choice 8,8 8\n[train]\ndata = blobs.csv\nkeep-prob = 0.5,0.5\n' \
    "^hone tune: bad-keep.ini:7: \[space\] layers = 8: --keep-prob: give one value or one per hidden layer \(1\), got 2$"
# a value tried is named as that value, with every other searched option at its first: though
# train's default for layers (two) would let keep-prob's second choice pass, layers' first (one
# layer) is the trial's; and each option is put back to its first value before the next is tried
# (left at 8,8, layers let the second keep-prob pass)
tune_refused "keep-prob per layer, searched before one layer" bad-keep-first '[space]\nkeep-prob = choice 0.5 0.5,0.5\nlayers = choice 8 8,8\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-keep-first.ini:7: \[space\] keep-prob = 0.5,0.5: --keep-prob: give one value or one per hidden layer \(1\), got 2$"
tune_refused "keep-prob per layer, searched after one layer" bad-keep-after '[space]\nlayers = choice 8 8,8\nkeep-prob = choice 0.5 0.5,0.5\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-keep-after.ini:8: \[space\] keep-prob = 0.5,0.5: --keep-prob: give one value or one per hidden layer \(1\), got 2$"
# two options each refused on its own: the first, at its line (not the config as a whole)
tune_refused "two options refused" bad-two '[space]\ninput-keep-prob = uniform 1.5 2\n[train]\ndata = blobs.csv\nbatch = 0\n' \
    "^hone tune: bad-two.ini:10: \[train\] batch: batch must be at least 1, got 0$"
# two pairs of options that are refused together, each option passing alone and each pair still
# there when any one option goes: the config as a whole
tune_refused "two pairs refused together" bad-pairs '[space]\nbeta1 = uniform 0.8 0.9\n[train]\ndata = blobs.csv\nlr = 0.0001\nmin-lr = 0.0005\nlayers = 8\nkeep-prob = 0.5,0.5\n' \
    "^hone tune: bad-pairs.ini: \[train\] and \[space\]: minimum learning rate must be in \[0, lr\], got 0.0005$"
# a searched warm-up is tried at the shortest budget, as a fixed one is
tune_refused "a searched warm-up as long as the shortest budget (halving)" bad-warmup-space '[space]\nwarmup = choice 0 2\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-warmup-space.ini:7: \[space\] warmup = 2: cosine: warm-up \(2\) must be shorter than the run \(2 epochs\)$" --epochs 8 --halving
# an empty file option is none, as in hone train: not a file that is not there
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = notest.jsonl\nbest = notest-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\ntest-data =\n' >notest.ini
expect_ok "tune: an empty [train] test-data" tune --config notest.ini --quiet
# without data in [train] the trials read the default data, which is there: the next check speaks
tune_refused "no data in [train], the default there" nodata-batch '[space]\nlr = log 1e-3 1\n[train]\nbatch = 0\n' \
    "^hone tune: nodata-batch.ini:9: \[train\] batch: batch must be at least 1, got 0$"
expect_error "tune: searched and fixed" 2 "^hone tune: tune.ini:10: \\[space\\] lr: also fixed \\(after --: --lr\\): search it or fix it$" -- tune --config tune.ini -- --lr 0.1
tune_refused "searched and fixed in [train]" both-lr '[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nlr = 0.1\n' \
    "^hone tune: both-lr.ini:7: \[space\] lr: also fixed \(both-lr.ini:10: \[train\] lr\): search it or fix it$"
expect_error "tune: --config after -- is refused for what it is" 2 "^hone tune: after --: --config: cannot be searched or fixed: a trial's fixed options are those of \\[train\\] and after --" -- \
    tune --config tune.ini --quiet -- --config other.ini
# hone train's outputs: every trial would write the one file (at once, with jobs > 1); and one checkpoint to resume
for out in save checkpoint metrics plot layer-stats resume; do
    printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = out-%s.jsonl\n[space]\nlr = log 1e-3 1\n[train]\ndata = blobs.csv\nlayers = 4\n%s = trial.out\n' $out $out >out-$out.ini
    expect_error "tune: [train] $out is refused" 2 "^hone tune: out-$out.ini:11: \\[train\\] $out: cannot be searched or fixed: every trial would " -- \
        tune --config out-$out.ini --quiet
    [ ! -e out-$out.jsonl ] && [ ! -e trial.out ] && ok "tune: [train] $out is refused before any trial" \
        || bad "tune: [train] $out is refused before any trial" "$(ls out-$out.jsonl trial.out 2>&1)"
done
expect_error "tune: a trial output after -- is refused" 2 "^hone tune: after --: --metrics: cannot be searched or fixed: every trial would write it" -- \
    tune --config tune.ini --quiet -- --metrics m.csv
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\n[space]\nplot = choice a.svg b.svg\n[train]\ndata = blobs.csv\nlayers = 4\n' >out-space.ini
expect_error "tune: a searched trial output is refused" 2 "^hone tune: out-space.ini:6: \\[space\\] plot: cannot be searched or fixed" -- \
    tune --config out-space.ini --results out-space.jsonl
expect_error "tune: no space" 2 "no search space" -- tune

# --- per-layer statistics --------------------------------------------------------------------------
expect_ok "inspect warns of an option its network does not read" inspect --data blobs.csv --layers 4 --no-zero-residual --bn-momentum 0.2
[ "$(cat err.txt)" = "hone inspect: warning: --no-zero-residual does nothing without --residual
hone inspect: warning: --bn-momentum does nothing without --batchnorm" ] && ok "inspect: unread options warned of, as given" ||
    bad "inspect: unread options warned of, as given" "$(cat err.txt)"
expect_ok "inspect a fresh deep network" inspect --data blobs.csv --layers 32x6 --weight-init he --batch 64
[ "$(grep -c ' relu ' out.txt)" -eq 6 ] && [ "$(grep -c ' dense ' out.txt)" -eq 7 ] && ok "inspect lists every layer" || bad "inspect lists every layer" "$(cat out.txt)"
# a leaky ReLU layer has a dead fraction too (units at or below 0), as a ReLU one
expect_ok "inspect a leaky ReLU network" inspect --data blobs.csv --layers 8 --activation leaky_relu
awk '$2 == "leaky_relu" { found = 1; if ($5 !~ /^[0-9.]+$/) wrong = 1 } END { exit !found || wrong }' out.txt && ok "inspect: a leaky ReLU layer's dead fraction" ||
    bad "inspect: a leaky ReLU layer's dead fraction" "$(cat out.txt)"
# residual blocks start as the identity (--zero-residual, the default): the block's second dense
# layer has zero weights and outputs zeros
expect_ok "inspect a fresh residual network" inspect --data blobs.csv --layers 4,4,4 --residual --json
grep -q '^{"layer": 4, "kind": "dense", "mean": 0, "std": 0, "dead_fraction": null, "weight_norm": 0, ' out.txt &&
    ok "inspect --residual: each block's second layer starts at zero" || bad "inspect --residual: each block's second layer starts at zero" "$(cat out.txt)"
expect_ok "inspect a saved model, JSON" inspect blobs.safetensors --data blobs.csv --json
[ "$(grep -c '"std": ' out.txt)" -eq 3 ] && ok "inspect --json: a line per layer" || bad "inspect --json: a line per layer" "$(cat out.txt)"
# the batch's loss beside the loss of outputs that are all 0 (every class alike: log 3 for blobs'
# 3 classes), and a fresh network that starts far above it warned of; a trained model is not
[ "$(grep -c '"batch_rows": 256, "batch_loss": [0-9.e-]*, "baseline_loss": 1.09861}$' out.txt)" -eq 3 ] &&
    ok "inspect --json: the batch's loss and the baseline's on every line" || bad "inspect --json: the batch's loss and the baseline's" "$(cat out.txt)"
"$hone" inspect --data blobs.csv --layers 8 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ ! -s err.txt ] && grep -Eq '^batch of 256 rows, loss 1\.[0-9]{4} \(every class alike: 1\.0986\)$' out.txt &&
    ok "inspect: a default network's loss beside every class alike's, no warning" || bad "inspect: a default network beside the baseline" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
"$hone" inspect --data blobs.csv --layers 32 --weight-init normal --init-scale 3 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <err.txt)" -eq 1 ] &&
    grep -Eq '^hone inspect: warning: the data loss on the batch, [0-9.]+, is [0-9.]+ times that of every class alike \(1\.0986\): the network.s outputs start large, and its first steps go to shrinking them; smaller initial weights \(--weight-init, --init-scale\) or --batchnorm start it near 1\.0986$' err.txt &&
    ok "inspect: a fresh network far above every class alike's loss, warned of" || bad "inspect: a fresh network far above the baseline" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
"$hone" inspect blobs.safetensors --data blobs.csv >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ ! -s err.txt ] && grep -q '(every class alike: 1.0986)$' out.txt &&
    ok "inspect MODEL: the baseline shown, no initialization warning" || bad "inspect MODEL: the baseline" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
# sigmoid cross-entropy's is log 2; MSE's the standardized targets' mean square (1 on the rows
# the targets were standardized on), which a fresh network's outputs add their variance to,
# unwarned
"$hone" inspect --data reg.csv --regression --layers 8 >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ ! -s err.txt ] && grep -Eq '^batch of 200 rows, loss [0-9.]+ \(every target at its training mean: 1\.0000\)$' out.txt &&
    ok "inspect --regression: the mean target's loss beside the batch's, no warning" || bad "inspect --regression: the baseline" "exit $rc" "$(cat err.txt)" "$(cat out.txt)"
# a model of targets as they are: outputs of 0 predict 0 itself, whose loss is the targets' mean square
expect_ok "a regression model of raw targets" train --data reg.csv --regression --no-standardize-targets --layers 4 --epochs 1 --quiet --save reg-raw.safetensors
expect_ok "inspect it" inspect reg-raw.safetensors --data reg.csv
want=$(awk -F, 'NR > 1 { s += $3 * $3; n++ } END { printf "%.4f", s / n }' reg.csv)
grep -Eq "^batch of 200 rows, loss [0-9.]+ \(every output 0: $want\)$" out.txt && ok "inspect: a raw-target model's baseline, the targets' mean square" ||
    bad "inspect: a raw-target model's baseline" "want $want" "$(cat out.txt)"
# a model's own network: the options that build one went unread
expect_error "inspect MODEL --layers" 2 "^hone inspect: --layers describes a network to build, and a model has its own: give the model or the network's options$" -- \
    inspect blobs.safetensors --data blobs.csv --layers 32
expect_error "inspect MODEL --batchnorm" 2 "^hone inspect: --batchnorm describes a network to build" -- inspect blobs.safetensors --data blobs.csv --batchnorm
expect_ok "inspect MODEL with its batch and seed" inspect blobs.safetensors --data blobs.csv --batch 8 --seed 3
# --batch up to 65536 rows (here all 300 of the data)
expect_ok "inspect --batch 65536" inspect blobs.safetensors --data blobs.csv --batch 65536
grep -q "^batch of 300 rows, loss" out.txt && ok "inspect --batch 65536: a batch of all the rows" || bad "inspect --batch 65536: a batch of all the rows" "$(head -2 out.txt)"
# batch norm over one row outputs its beta: the batch's statistics told nothing (train refuses it)
expect_error "inspect --batchnorm --batch 1" 2 "^hone inspect: batch norm needs a batch of 2 rows or more: over one row it outputs its beta, whatever the input \(--batch 1\)$" -- \
    inspect --data blobs.csv --layers 4 --batchnorm --batch 1
expect_ok "inspect a batch of one row" inspect --data blobs.csv --layers 4 --batch 1
grep -q '^batch of 1 row, loss ' out.txt && ok "inspect: a batch of 1 row, not 1 rows" || bad "inspect: a batch of 1 row" "$(head -1 out.txt)"
expect_error "inspect --batch 65537" 2 "^hone inspect: --batch must be in \[1, 65536\], got 65537$" -- inspect blobs.safetensors --data blobs.csv --batch 65537
# a config's top-level keys are every command's: --layers there is train's as well, not refused
printf 'data = blobs.csv\nlayers = 16\n[train]\nepochs = 1\n' >shared-keys.ini
expect_ok "inspect MODEL with a config's shared --layers" inspect blobs.safetensors --config shared-keys.ini
printf 'data = blobs.csv\n[inspect]\nlayers = 16\n' >inspect-keys.ini
expect_error "inspect MODEL with --layers in [inspect]" 2 "^hone inspect: inspect-keys.ini:3: --layers describes a network to build" -- inspect blobs.safetensors --config inspect-keys.ini
expect_ok "train --layer-stats" train --data blobs.csv --layers 16,8 --epochs 3 --batch 30 --layer-stats ls.csv --stats-every 4 --quiet
# 180 train rows in batches of 30: 6 steps an epoch, 18 steps, every 4th -> 4 snapshots of 5 layers
[ "$(head -1 ls.csv)" = "step,epoch,layer,kind,mean,std,dead_fraction,weight_norm,grad_norm,update_ratio" ] && \
    [ "$(tail -n +2 ls.csv | wc -l)" -eq 20 ] && [ "$(tail -n +2 ls.csv | cut -d, -f1 | sort -un | tr '\n' ' ')" = "4 8 12 16 " ] && \
    ok "layer statistics: a row per layer every 4 steps" || bad "layer statistics rows" "$(head -3 ls.csv) ... $(wc -l <ls.csv) lines"
awk -F, 'NR > 1 && $4 == "dense" && ($10 == "" || $10 <= 0) { exit 1 }' ls.csv && ok "update ratio for dense layers" || bad "update ratio for dense layers" "$(grep dense ls.csv | head -2)"
# the --metrics file is truncated once every output is open: a --layer-stats that could not be
# opened (a link to itself here; too many open files for the tester) left the last run's metrics
# header-only
"$hone" train --data blobs.csv --layers 8 --epochs 3 --quiet --metrics kept-m.csv >/dev/null 2>&1; cp kept-m.csv kept-m-copy.csv
ln -sf loop-ls.csv loop-ls.csv
expect_error "train: a --layer-stats that cannot be opened" 1 "^hone train: loop-ls.csv: Too many levels of symbolic links$" -- \
    train --data blobs.csv --layers 8 --epochs 2 --quiet --metrics kept-m.csv --layer-stats loop-ls.csv
[ "$(wc -l <kept-m.csv)" -eq 4 ] && cmp -s kept-m.csv kept-m-copy.csv && ok "train: the last run's --metrics left as it was when --layer-stats fails" \
    || bad "train: the last run's --metrics left as it was when --layer-stats fails" "$(wc -l <kept-m.csv) lines"
# Statistics steps take the unfused update (the gradient is read after it); with and without
# clipping, the model comes out bit for bit as from a run without statistics.
for clip in "" "--clip-norm 0.5"; do
    rm -f nostats.safetensors withstats.safetensors ls2.csv
    "$hone" train --data blobs.csv --layers 16,8 --epochs 3 --batch 30 $clip --save nostats.safetensors --quiet >/dev/null 2>&1 &&
    "$hone" train --data blobs.csv --layers 16,8 --epochs 3 --batch 30 $clip --save withstats.safetensors --layer-stats ls2.csv --stats-every 4 --quiet >/dev/null 2>&1 &&
    cmp -s nostats.safetensors withstats.safetensors && [ -s ls2.csv ] && ok "layer statistics do not change the model (${clip:-no clipping})" \
        || bad "layer statistics do not change the model (${clip:-no clipping})" "$(cmp nostats.safetensors withstats.safetensors 2>&1)"
done
expect_ok "plot-layers draws the layer statistics" plot-layers ls.csv --output ls.svg
grep -qx "wrote ls.svg (std per layer)" out.txt && ok "plot-layers: says what it wrote as plot does" || bad "plot-layers: what it wrote" "$(cat out.txt)"
head -c 5 ls.svg | grep -q "<svg" && [ "$(grep -c '<polyline' ls.svg)" -eq 2 ] && grep -q "per layer" ls.svg && ok "plot-layers: one line per activation layer" || bad "plot-layers: one line per activation layer" "$(grep -c polyline ls.svg) lines"
# one step recorded: a line of one point drew nothing, so it gets a marker; the step axis is ticked
# at whole, distinct steps (its five even fifths read '1 1 1 2 2 2', or 9 at step 8.8)
expect_ok "train --layer-stats, one step" train --data blobs.csv --layers 6 --epochs 1 --train-rows 100 --layer-stats ls1.csv --stats-every 1 --quiet
expect_ok "plot-layers of one step" plot-layers ls1.csv --output ls1.svg
grep -q '<circle' ls1.svg && ok "plot-layers: a one-point line has a marker" || bad "plot-layers: a one-point line has a marker" "$(grep -c polyline ls1.svg)"
ticks=$(grep -o 'text-anchor="middle">[0-9.]*<' ls1.svg | grep -o '[0-9.]*')
[ -n "$ticks" ] && [ "$(printf '%s\n' $ticks | sort -u | wc -l)" = "$(printf '%s\n' $ticks | wc -l)" ] && ! printf '%s\n' $ticks | grep -q '\.' &&
    ok "plot-layers: whole, distinct step ticks" || bad "plot-layers: whole, distinct step ticks" "$ticks"
cp ls.csv 'a&b<c.csv'
expect_ok "plot-layers of a file named with & and <" plot-layers 'a&b<c.csv' --output amp.svg
grep -q 'a&amp;b&lt;c.csv' amp.svg && ! grep -q 'a&b' amp.svg && ok "plot-layers: the file name escaped in the SVG" || bad "plot-layers: the file name escaped in the SVG" "$(grep -o 'a.b.c.csv' amp.svg)"
cp ls.csv $'ls\xe9.csv'
expect_ok "plot-layers of a file name that is not UTF-8" plot-layers $'ls\xe9.csv' --output ls-latin.svg
grep -q '>ls&#xFFFD;.csv</text>' ls-latin.svg && iconv -f UTF-8 -t UTF-8 ls-latin.svg >/dev/null 2>&1 &&
    ok "plot-layers: a file name that is not UTF-8 is U+FFFD in the SVG" || bad "plot-layers: a file name that is not UTF-8" "$(grep -a 'fill="#555"' ls-latin.svg | cat -v)"
expect_ok "plot-layers of gradient norms" plot-layers ls.csv --stat grad_norm --output lg.svg
[ "$(grep -c '<polyline' lg.svg)" -eq 3 ] && ok "plot-layers: one line per dense layer for grad_norm" || bad "plot-layers grad_norm" "$(grep -c polyline lg.svg) lines"
mkdir -p runs.d && cp ls.csv runs.d/stats
expect_ok "plot-layers names its output" plot-layers runs.d/stats
[ -s runs.d/stats.svg ] && ok "plot-layers: runs.d/stats -> runs.d/stats.svg" || bad "plot-layers output name" "$(ls runs.d)"
expect_error "plot-layers into a missing directory" 1 "nodir/ls.svg" -- plot-layers ls.csv --output nodir/ls.svg
expect_error "plot-layers: not a stats file" 1 "blobs.csv" "not a hone train --layer-stats file" -- plot-layers blobs.csv
# every refusal of plot-layers: its exit (2 for the options, 1 for the file) and what it names
expect_error "plot-layers without a file" 2 "no statistics file given \(the bare argument or --stats FILE\)" -- plot-layers
expect_error "plot-layers --stat unknown" 2 "--stat: expected std, grad_norm, weight_norm or update_ratio, got 'mean'" -- plot-layers ls.csv --stat mean
expect_error "plot-layers --stat dead_fraction (not a log-scale statistic)" 2 "--stat: expected .*, got 'dead_fraction'" -- plot-layers ls.csv --stat dead_fraction
expect_error "plot-layers --stat without a value" 2 "--stat needs a value" -- plot-layers ls.csv --stat
expect_error "plot-layers: a second file" 2 "unexpected argument 'lg.csv'" -- plot-layers ls.csv lg.csv
# a list typed with a space after its comma reaches hone as two arguments
expect_error "train: --keep-prob 0.8, 0.9" 2 "^hone train: unexpected argument '0.9': a list with a space after its comma was split in two; write it as one argument, --keep-prob 0.8,0.9$" -- \
    train --data blobs.csv --layers 8,8 --keep-prob 0.8, 0.9
expect_error "train: --layers=8, 4" 2 "write it as one argument, --layers=8,4$" -- train --data blobs.csv --layers=8, 4
expect_error "plot-layers: its plot would overwrite the file" 2 "ls.svg: the plot would overwrite it; give --output" -- plot-layers ls.svg
long=$(printf 'd/%.0s' $(seq 508))stat   # 1020 characters: with .svg, past the 1023 an option holds
expect_error "plot-layers: a name too long for the plot's" 2 "name too long to derive the plot's from; give --output" -- plot-layers "$long"
expect_error "plot-layers: a missing file" 1 "^hone plot-layers: nofile.csv: No such file or directory$" -- plot-layers nofile.csv --output x.svg
expect_error "plot-layers: a directory" 1 "^hone plot-layers: runs.d: Is a directory$" -- plot-layers runs.d --output x.svg
: >empty.csv
expect_error "plot-layers: an empty file" 1 "empty.csv: line 1: not a hone train --layer-stats file" -- plot-layers empty.csv
head -1 ls.csv >header.csv
expect_error "plot-layers: no rows" 1 "header.csv: no positive std values to plot" -- plot-layers header.csv
{ head -2 ls.csv; echo "4,1,1,relu,0.1"; } >short.csv
expect_error "plot-layers: a short row" 1 "short.csv: line 3: expected 10 fields" -- plot-layers short.csv
bad_row() { { head -1 ls.csv; echo "$2"; } >"$1"; }
bad_row badstep.csv "x,1,1,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a step not a number" 1 "badstep.csv: line 2: step: expected a number, got 'x'" -- plot-layers badstep.csv
bad_row nostep.csv ",1,1,relu,0.1,0.5,0,,,"
expect_error "plot-layers: an empty step" 1 "nostep.csv: line 2: step: expected a number, got ''" -- plot-layers nostep.csv
bad_row badlayer.csv "4,1,x,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a layer not a number" 1 "badlayer.csv: line 2: layer: expected an integer from 0 to 4095, got 'x'" -- plot-layers badlayer.csv
bad_row farlayer.csv "4,1,4096,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a layer past the last" 1 "farlayer.csv: line 2: layer: expected an integer from 0 to 4095, got '4096'" -- plot-layers farlayer.csv
bad_row minuslayer.csv "4,1,-1,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a negative layer" 1 "minuslayer.csv: line 2: layer: expected an integer from 0 to 4095, got '-1'" -- plot-layers minuslayer.csv
bad_row textlayer.csv "4,1,1x,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a layer with text after it" 1 "textlayer.csv: line 2: layer: expected an integer from 0 to 4095, got '1x'" -- plot-layers textlayer.csv
bad_row infstep.csv "inf,1,1,relu,0.1,0.5,0,,,"
expect_error "plot-layers: a step that is not finite" 1 "infstep.csv: line 2: step: expected a number, got 'inf'" -- plot-layers infstep.csv
expect_error "plot-layers: --output is the file itself" 2 "^hone plot-layers: --output ls.csv would overwrite ls.csv, the file it plots$" -- plot-layers ls.csv --output ls.csv
cp ls.csv ls-target.csv
ln -sf ls-target.csv ls-link.csv
expect_error "plot-layers: --output is the file the input links to" 2 "--output ls-target.csv would overwrite ls-link.csv, the file it plots" -- plot-layers ls-link.csv --output ls-target.csv
cmp -s ls.csv ls-target.csv && ok "plot-layers: the linked file is left as it was" || bad "plot-layers: the linked file is left as it was"
"$hone" plot-layers ls-target.csv --output ls-link.csv >out.txt 2>err.txt && [ ! -L ls-link.csv ] && grep -q "<svg" ls-link.csv && cmp -s ls.csv ls-target.csv &&
    ok "plot-layers: --output a link to the input replaces the link, not the input" || bad "plot-layers: --output a link to the input" "$(cat err.txt)"
{ head -1 ls.csv; awk 'BEGIN { for (i = 1; i <= 1048577; i++) printf "%d,1,1,relu,0.1,0.5,0,,,\n", i }'; } >many.csv
"$hone" plot-layers many.csv --output many.svg >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ -s many.svg ] && grep -q "^hone plot-layers: warning: many.csv: plotting the first 1048576 values, to line 1048577; the rest of the file is left out$" err.txt &&
    ok "plot-layers: more values than it plots are said to be left out" || bad "plot-layers: a file past the limit" "exit $rc: $(cat err.txt)"
rm -f many.csv many.svg
bad_row badvalue.csv "4,1,1,relu,0.1,abc,0,,,"
expect_error "plot-layers: a statistic not a number" 1 "badvalue.csv: line 2: std: expected a number, got 'abc'" -- plot-layers badvalue.csv
bad_row badgrad.csv "4,1,0,dense,0.1,0.5,,1,2x,0.01"
expect_error "plot-layers: --stat's column not a number" 1 "badgrad.csv: line 2: grad_norm: expected a number, got '2x'" -- plot-layers badgrad.csv --stat grad_norm
ls_header="step,epoch,layer,kind,mean,std,dead_fraction,weight_norm,grad_norm,update_ratio"
# one step recorded: each layer's line is one point, drawn as a marker, in the middle of the axis
printf '%s\n5,1,0,dense,0.1,1.5,,2,0.5,0.01\n5,1,1,relu,0.2,0.7,0,,,\n5,1,3,relu,0.2,0.02,0,,,\n' "$ls_header" >one-step.csv
expect_ok "plot-layers of one step" plot-layers one-step.csv
[ "$(grep -o '<circle cx="[^"]*" cy="[^"]*"' one-step.svg | sed 's/.*cx="\([^"]*\)" cy="\([^"]*\)"/\1,\2/' | sort)" = \
    "$(grep -o 'points="[^"]*"' one-step.svg | sed 's/points="\([^ ]*\) "/\1/' | sort)" ] && [ "$(grep -c 'points="405.0,' one-step.svg)" = 2 ] && ! grep -qi nan one-step.svg &&
    ok "plot-layers of one step: a marker per layer, mid-axis" || bad "plot-layers of one step: a marker per layer" "$(grep -E '<(circle|polyline)' one-step.svg)"
# zeros (a dead layer's std) have no place on a log scale: left out, the axis spans the positive values
printf '%s\n' "$ls_header" >zero-std.csv
for s in 1 2 3; do printf '%d,1,1,relu,0.2,0.%d,0,,,\n%d,1,3,relu,0,0,1,,,\n' $s $s $s >>zero-std.csv; done
# (bounded: a zero on the axis, its log -inf, would give ticks without end)
(ulimit -f 20000; timeout 20 "$hone" plot-layers zero-std.csv >out.txt 2>err.txt); rc=$?
[ $rc = 0 ] && [ "$(grep -c '<polyline' zero-std.svg)" = 1 ] && [ "$(grep -o '>1e-\?[0-9]*<' zero-std.svg | tr '\n' ' ')" = ">1e-1< >1e0< " ] &&
    ! grep -qi 'nan\|inf' zero-std.svg && ok "plot-layers: zeros left out of the log scale" || bad "plot-layers: zeros left out of the log scale" "exit $rc" "$(head -c 300 err.txt)"
expect_error "inspect: bad layers" 2 "--layers" -- inspect --data blobs.csv --layers 32x0

# --- checkpoints: killed, interrupted, resumed: the same model bit for bit ------------------------
# About a second of training (Adam, cosine, dropout, batch norm; one thread for determinism),
# a checkpoint after every epoch. Layer statistics every 50 of an epoch's 90 steps, which leave
# the model as it is: a kill mid-epoch mostly leaves rows after the last checkpoint.
ck_run=(train --data blobs.csv --layers 256,256 --batch 2 --epochs 60 --lr 0.001 --keep-prob 0.8 --batchnorm --threads 1 --quiet)
ck_start=$(date +%s%N)
"$hone" "${ck_run[@]}" --save ck-ref.safetensors --metrics ck-ref.csv --layer-stats ck-ref-ls.csv --stats-every 50 >/dev/null 2>&1
ck_ms=$(( ($(date +%s%N) - ck_start) / 1000000 ))
expect_error "--checkpoint-every 0" 2 "--checkpoint-every must be at least 1" -- train --data blobs.csv --checkpoint c.safetensors --checkpoint-every 0
expect_error "--resume: no such file" 1 "nope.safetensors" "cannot open" -- train --data blobs.csv --resume nope.safetensors
expect_error "--resume: a model file" 1 "ck-ref.safetensors" "not a checkpoint" -- "${ck_run[@]}" --resume ck-ref.safetensors
# SIGKILL at random moments (at most 3 kills), resuming from whatever checkpoint is left each time.
# A run that ends before its kill starts over, so at least one kill lands.
rm -f ck.safetensors ck-killed.safetensors; ck_kills=0 ck_at="" ck_tries=0
while [ $ck_tries -lt 30 ]; do
    ck_tries=$((ck_tries + 1))
    ck_resume=(); [ -f ck.safetensors ] && ck_resume=(--resume ck.safetensors)
    "$hone" "${ck_run[@]}" --checkpoint ck.safetensors "${ck_resume[@]}" --save ck-killed.safetensors --layer-stats ck-ls.csv \
        --stats-every 50 >/dev/null 2>ck-err.txt &
    ck_pid=$!
    if [ $ck_kills -lt 3 ]; then
        ck_sleep=$(awk -v ms="$ck_ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms / 1000 * (0.05 + 0.9 * r / 32768) }')
        sleep "$ck_sleep"
        kill -KILL $ck_pid 2>/dev/null
    fi
    wait $ck_pid 2>/dev/null; ck_rc=$?
    if [ $ck_rc -eq 137 ]; then ck_kills=$((ck_kills + 1)); ck_at="$ck_at ${ck_sleep}s"; continue; fi
    [ $ck_rc -eq 0 ] || break
    [ $ck_kills -gt 0 ] && break
    rm -f ck.safetensors ck-killed.safetensors # ended before the kill: again
done
if [ $ck_rc -eq 0 ] && [ $ck_kills -gt 0 ] && cmp -s ck-ref.safetensors ck-killed.safetensors; then
    ok "SIGKILL (after$ck_at of a ${ck_ms} ms run), resume: the same model bit for bit"
else
    bad "SIGKILL, resume: the same model" "exit $ck_rc after $ck_kills kills ($ck_at), $ck_tries runs" "$(cat ck-err.txt)" "$(cmp ck-ref.safetensors ck-killed.safetensors 2>&1)"
fi
# each resume keeps the rows to its checkpoint's step and drops those the killed run wrote after it
[ $ck_rc -eq 0 ] && [ $ck_kills -gt 0 ] && cmp -s ck-ref-ls.csv ck-ls.csv && ok "SIGKILL, resume: the --layer-stats file has every row once, as without a stop" \
    || bad "SIGKILL, resume: the --layer-stats file as without a stop" "$(wc -l <ck-ref-ls.csv) lines, $(wc -l <ck-ls.csv) after the kills" \
        "$(diff ck-ref-ls.csv ck-ls.csv | head -4)"
# SIGINT once: the batch ends, the checkpoint is written, one line, exit 130; SIGTERM likewise
# (143) in the resumed run; resuming again reaches the same model.
ck_signal() { # SIGNAL EXIT NAME [ARGS]: starts a run, signals it once its checkpoint has been rewritten
    local sig=$1 want=$2 name=$3; shift 3
    local inode; inode=$(stat -c %i int.safetensors 2>/dev/null)
    "$hone" "${ck_run[@]}" --checkpoint int.safetensors --save int-model.safetensors --metrics int.csv --layer-stats int-ls.csv \
        --stats-every 50 "$@" >/dev/null 2>int-err.txt &
    local pid=$! i
    for i in $(seq 500); do [ -f int.safetensors ] && [ "$(stat -c %i int.safetensors)" != "$inode" ] && break; sleep 0.01; done
    kill -$sig $pid; wait $pid 2>/dev/null; local rc=$?
    if [ $rc -eq $want ] && [ "$(wc -l <int-err.txt)" -eq 1 ] && [ ! -f int-model.safetensors ] &&
        grep -Eq "^hone train: interrupted (at epoch [0-9]+, batch [0-9]+|after epoch [0-9]+): checkpoint written to int.safetensors; resume with hone train --resume int.safetensors" int-err.txt; then
        ok "$name: $(cut -c 13-60 int-err.txt)..., exit $rc"
    else
        bad "$name" "exit $rc, wanted $want" "$(cat int-err.txt)"
    fi
}
rm -f int.safetensors int-model.safetensors
ck_signal INT 130 "SIGINT: checkpoint, one line, exit 130"
echo '99999,60,0,dense,1,1,,1,1,1' >>int-ls.csv # a row as a kill after the checkpoint leaves it, of a later step
ck_signal TERM 143 "SIGTERM after a resume: checkpoint, one line, exit 143" --resume int.safetensors
cp int.safetensors int-term.safetensors
# a signal writes its checkpoint whatever --checkpoint-every says (mutation round 5: a run that
# writes every 1000 epochs was interrupted without one)
rm -f int-every.safetensors int-every.csv
"$hone" "${ck_run[@]}" --checkpoint int-every.safetensors --checkpoint-every 1000 --metrics int-every.csv >/dev/null 2>int-every-err.txt &
int_pid=$!
for i in $(seq 500); do [ -f int-every.csv ] && [ "$(wc -l <int-every.csv)" -ge 2 ] && break; sleep 0.01; done
kill -INT $int_pid; wait $int_pid 2>/dev/null; int_rc=$?
[ $int_rc -eq 130 ] && [ -f int-every.safetensors ] && grep -Eq "^hone train: interrupted .*: checkpoint written to int-every.safetensors" int-every-err.txt &&
    ok "SIGINT with --checkpoint-every 1000: the checkpoint is written" || bad "SIGINT with --checkpoint-every 1000" "exit $int_rc" "$(cat int-every-err.txt)"
# the same command again without --resume would have replaced the interrupted run's checkpoint at
# its first epoch's end: refused, the file left as it was; and so is another file in the way
expect_error "--checkpoint onto an earlier run's checkpoint, without --resume" 2 \
    "^hone train: --checkpoint int.safetensors: the file exists \(an earlier run's checkpoint\?\), and this run would replace it: go on with that run with --resume int.safetensors, or remove the file to start again$" -- \
    "${ck_run[@]}" --checkpoint int.safetensors --epochs 1
cmp -s int.safetensors int-term.safetensors && ok "a checkpoint refused is left as it was" || bad "a checkpoint refused is left as it was"
expect_error "--resume from one checkpoint onto another" 2 "^hone train: --checkpoint int-term.safetensors: the file exists" -- \
    "${ck_run[@]}" --resume int.safetensors --checkpoint int-term.safetensors
printf '5' >>int-ls.csv # a row cut short by a kill, in its step
expect_ok "resume after the signals" "${ck_run[@]}" --checkpoint int.safetensors --resume int.safetensors --save int-model.safetensors --metrics int.csv \
    --layer-stats int-ls.csv --stats-every 50 --plot int.svg
cmp -s ck-ref.safetensors int-model.safetensors && ok "interrupted twice, resumed: the same model bit for bit" || bad "interrupted, resumed: the same model" "$(cmp ck-ref.safetensors int-model.safetensors 2>&1)"
cmp -s <(cut -d, -f1-7,10 ck-ref.csv) <(cut -d, -f1-7,10 int.csv) && ok "interrupted twice, resumed: the metrics file has every epoch's figures, as without a stop" \
    || bad "interrupted, resumed: the same metrics" "$(diff <(cut -d, -f1-7,10 ck-ref.csv) <(cut -d, -f1-7,10 int.csv) | head -5)"
cmp -s ck-ref-ls.csv int-ls.csv && ok "interrupted twice, resumed: the --layer-stats file has every row to the checkpoint's step, then the rest" \
    || bad "interrupted, resumed: the same layer statistics" "$(wc -l <ck-ref-ls.csv) and $(wc -l <int-ls.csv) lines" "$(diff ck-ref-ls.csv int-ls.csv | head -4)"
# the plot's curves have every epoch, those before the checkpoint from the metrics file
[ ! -s err.txt ] && [ "$(grep -o 'points="[^"]*"' int.svg | awk '{ print NF - 1 }' | sort -u)" = 60 ] &&
    ok "interrupted, resumed with --metrics: --plot draws all 60 epochs" || bad "resumed: --plot draws all 60 epochs" "$(cat err.txt)" \
        "$(grep -o 'points="[^"]*"' int.svg | awk '{ print NF - 1 }')"
# without the metrics file the epochs before the checkpoint are not to be had: said, and drawn from there
ck_done=$(sed -n 's/^hone train: interrupted after epoch \([0-9]*\):.*/\1/p; s/^hone train: interrupted at epoch \([0-9]*\),.*/\1 - 1/p' int-err.txt)
ck_done=$((ck_done)) # epochs done: "at epoch E, batch B" is E - 1 of them, "after epoch E" E
expect_ok "resumed with --plot, no --metrics" "${ck_run[@]}" --resume int-term.safetensors --plot int-part.svg
grep -qx "hone train: warning: --plot int-part.svg draws 0 of the $ck_done epochs before the checkpoint: a checkpoint keeps no epoch's figures, a --metrics file given from the run's start keeps them all" err.txt &&
    [ "$(grep -o 'points="[^"]*"' int-part.svg | awk '{ print NF - 1 }' | sort -u)" = $((60 - ck_done)) ] &&
    ok "resumed with --plot, no --metrics: a warning, the epochs from the checkpoint on" || bad "resumed with --plot, no --metrics: a warning" "$(cat err.txt)" \
        "$(grep -o 'points="[^"]*"' int-part.svg | awk '{ print NF - 1 }')"
# the --layer-stats file a resumed run goes on with must be one, its steps whole numbers
printf 'step,epoch\n' >notls.csv
expect_error "--resume: a --layer-stats file that is not one" 1 "^hone train: --layer-stats notls.csv: line 1: not a hone train --layer-stats file, which a resumed run goes on writing \(expected the header step,...\)$" -- \
    "${ck_run[@]}" --resume int-term.safetensors --layer-stats notls.csv
[ "$(cat notls.csv)" = "step,epoch" ] && ok "--resume: a --layer-stats file that is not one is left as it was" || bad "--resume: the file refused is left as it was" "$(head -3 notls.csv)"
{ head -1 ck-ref-ls.csv; echo "x50,1,0,dense,,,,,,"; } >badstep.csv
expect_error "--resume: a --layer-stats row without its step" 1 "^hone train: --layer-stats badstep.csv: line 2: step: expected a whole number, got 'x50'$" -- \
    "${ck_run[@]}" --resume int-term.safetensors --layer-stats badstep.csv
# rows every 50 steps go on only every 50: another --stats-every would mix two intervals in one file
awk -F, 'NR == 1 || $1 <= 150' ck-ref-ls.csv >every50.csv
cp every50.csv every50-before.csv
expect_error "--resume: --stats-every not the file's" 1 "^hone train: --layer-stats every50.csv: line 2: step 50 is not a multiple of --stats-every 30: resume with the --stats-every the file was written with$" -- \
    "${ck_run[@]}" --resume int-term.safetensors --layer-stats every50.csv --stats-every 30
ls_line=$(awk -F, '$1 == 100 { print NR; exit }' every50.csv)
expect_error "--resume: --stats-every a divisor of the file's" 1 "^hone train: --layer-stats every50.csv: line $ls_line: step 100 follows step 50, and --stats-every is 25: resume with the --stats-every the file was written with$" -- \
    "${ck_run[@]}" --resume int-term.safetensors --layer-stats every50.csv --stats-every 25
cmp -s every50.csv every50-before.csv && ok "--resume: a --layer-stats file of another --stats-every is left as it was" || bad "--resume: the file of another interval is left as it was" "$(diff every50-before.csv every50.csv | head -3)"
# a stretch resumed without --layer-stats leaves a gap: the interval is still the file's
awk -F, 'NR == 1 || $1 == 50 || $1 == 100' ck-ref-ls.csv >gap50.csv
awk -F, 'NR > 1 && $1 == 150' ck-ref-ls.csv | sed 's/^150,/200,/' >>gap50.csv
expect_ok "--resume: a --layer-stats file with a gap" "${ck_run[@]}" --resume int-term.safetensors --layer-stats gap50.csv --stats-every 50
# a finished run resumed keeps its --layer-stats file: two rows a gap apart are a file too (one row,
# a stretch without --layer-stats, one row), and a last line cut short by a kill goes
fin_run=(train --data blobs.csv --layers 4 --epochs 3 --batch 30 --stats-every 3 --quiet)
rm -f fin.safetensors; "$hone" "${fin_run[@]}" --checkpoint fin.safetensors --layer-stats fin-ls.csv >/dev/null 2>&1
awk -F, 'NR == 1 || $1 == 3 || $1 == 9' fin-ls.csv >two-ls.csv; cp two-ls.csv two-ls-before.csv
expect_ok "--resume: a --layer-stats file of two rows a gap apart" "${fin_run[@]}" --resume fin.safetensors --layer-stats two-ls.csv
cmp -s two-ls.csv two-ls-before.csv && ok "--resume: a --layer-stats file of two rows a gap apart is kept" || bad "--resume: two rows a gap apart kept" "$(cat two-ls.csv)"
{ cat fin-ls.csv; printf '18,3,0,den'; } >cut-ls.csv
expect_ok "--resume: a --layer-stats file whose last line was cut" "${fin_run[@]}" --resume fin.safetensors --layer-stats cut-ls.csv
cmp -s cut-ls.csv fin-ls.csv && ok "--resume: the cut last line of a --layer-stats file goes" || bad "--resume: the cut last line goes" "$(tail -2 cut-ls.csv)"
# (its --layer-stats and --metrics a device, written in place as in a new run: there are no rows
# to go on from; the metrics were read back, and /dev/null said 'no epochs in the file')
expect_ok "resume a run that had finished" "${ck_run[@]}" --checkpoint int.safetensors --resume int.safetensors --layer-stats /dev/null --metrics /dev/null
grep -q "^trained 60 epochs, all before this run: nothing was left to train; final figures:$" out.txt \
    && ok "a finished run resumed says nothing was left (no -nan samples/s)" || bad "a finished run resumed" "$(head -2 out.txt)"
# A second signal ends the run at once: killed by it (130 or 143: two threads of the process may
# take the two signals in either order), without finishing the batch or writing the checkpoint.
rm -f int.safetensors
"$hone" "${ck_run[@]}" --checkpoint int.safetensors >/dev/null 2>int-err.txt &
ck_pid=$!
for i in $(seq 500); do [ -f int.safetensors ] && break; sleep 0.01; done
kill -INT $ck_pid; kill -TERM $ck_pid; wait $ck_pid 2>/dev/null; ck_rc=$?
[ $ck_rc -eq 143 -o $ck_rc -eq 130 ] && [ ! -s int-err.txt ] \
    && ok "a second signal ends the run at once (exit $ck_rc, no checkpoint message)" || bad "a second signal ends the run at once" "exit $ck_rc" "$(cat int-err.txt)"
# Resuming needs the same options and data: one line naming what differs.
expect_error "--resume with another --lr" 2 "--resume ck.safetensors: --lr is 0.001 in the checkpoint, 0.002 in this run" -- \
    "${ck_run[@]}" --lr 0.002 --resume ck.safetensors
# early stopping's --min-delta and --early-stop-metric are named as the options, like --lr (they
# were the library's fields, 'min_delta is 0 in the checkpoint', exit 1); of a run with early
# stopping, as a run without it reads neither
expect_error "--resume with another --min-delta" 2 "^hone train: --resume es-ck.safetensors: --min-delta is 0.9 in the checkpoint, 0.01 in this run; resume with" -- \
    "${es_ck[@]}" --min-delta 0.01 --resume es-ck.safetensors
expect_error "--resume with another --early-stop-metric" 2 '^hone train: --resume es-ck.safetensors: --early-stop-metric is "loss" in the checkpoint, "accuracy" in this run; resume with' -- \
    "${es_ck[@]}" --early-stop-metric accuracy --resume es-ck.safetensors
# options that change the network are named too, read from the checkpoint's header before its
# weights meet this run's network ("the checkpoint's network has 3 layers, this network 4", exit 1)
expect_error "--resume without the dropout layers" 2 '^hone train: --resume ck.safetensors: --keep-prob is "0.8" in the checkpoint, "1" in this run; resume with' -- \
    "${ck_run[@]}" --keep-prob 1 --resume ck.safetensors
expect_error "--resume without the batch norm layers" 2 '^hone train: --resume ck.safetensors: --batchnorm is true in the checkpoint, false in this run; resume with' -- \
    "${ck_run[@]}" --no-batchnorm --resume ck.safetensors
# A resumed run's --metrics file keeps its rows up to the checkpoint: another run's file (its
# rows mixed into the new ones without a word) is refused by the checkpoint epoch's figures.
"$hone" train --data blobs.csv --layers 4 --epochs 3 --checkpoint mk.safetensors --metrics mk.csv --quiet >/dev/null 2>&1
"$hone" train --data blobs.csv --layers 4 --epochs 3 --lr 0.01 --metrics other.csv --quiet >/dev/null 2>&1
cp other.csv other-kept.csv
expect_error "--resume with another run's metrics file" 1 "^hone train: --metrics other.csv: epoch 3's train loss is [0-9.]+ there, [0-9.]+ in the checkpoint: another run's file" -- \
    train --data blobs.csv --layers 4 --epochs 3 --resume mk.safetensors --metrics other.csv --quiet
cmp -s other.csv other-kept.csv && ok "a refused metrics file is left as it was" || bad "a refused metrics file is left as it was" "$(cat other.csv)"
head -n 3 mk.csv >gap.csv
expect_ok "--resume with a metrics file that stops before the checkpoint" train --data blobs.csv --layers 4 --epochs 3 --resume mk.safetensors --metrics gap.csv --quiet
cp mk.csv mk-kept.csv
expect_ok "--resume with the run's own metrics file" train --data blobs.csv --layers 4 --epochs 3 --resume mk.safetensors --metrics mk.csv --quiet
cmp -s mk.csv mk-kept.csv && ok "the run's own metrics file keeps its rows" || bad "the run's own metrics file keeps its rows" "$(diff mk.csv mk-kept.csv)"
awk -F, 'NR == 50 { $1 = $1 + 0.001 } { print }' OFS=, blobs.csv >blobs2.csv
expect_error "--resume with other data" 1 "--resume ck.safetensors" "split differs" -- \
    train --data blobs2.csv "${ck_run[@]:3}" --resume ck.safetensors
head -n 281 blobs.csv >blobs3.csv
expect_error "--resume with fewer rows" 1 "--resume ck.safetensors" "rows" -- \
    train --data blobs3.csv "${ck_run[@]:3}" --resume ck.safetensors
expect_error "a checkpoint is not a model (eval)" 1 "ck.safetensors" "a training checkpoint" "--resume" -- eval ck.safetensors --data blobs.csv
expect_error "a checkpoint is not a model (--init)" 1 "ck.safetensors" "a training checkpoint" -- train --data blobs.csv --init ck.safetensors
# Divergence writes no checkpoint: the last good one stays (exit 3, as without --checkpoint), and
# resuming from it diverges again at the same batch.
dv_run=(train --data reg.csv --regression --layers 8 --activation tanh --optimizer sgd --lr 1 --schedule constant --batch 1000 --epochs 200 --quiet --checkpoint dv.safetensors)
"$hone" "${dv_run[@]}" >/dev/null 2>dv-err.txt; dv_rc=$?
dv_at=$(sed -n 's/.*diverged at \(epoch [0-9]*, batch [0-9]*\).*/\1/p' dv-err.txt)
dv_epoch=$(echo "$dv_at" | sed -n 's/epoch \([0-9]*\),.*/\1/p')
if [ $dv_rc -eq 3 ] && [ -n "$dv_epoch" ] && [ "$dv_epoch" -gt 1 ] && grep -q "the last checkpoint, dv.safetensors (after epoch $((dv_epoch - 1))), is left as it was" dv-err.txt; then
    ok "divergence ($dv_at) names the last good checkpoint"
else
    bad "divergence names the last good checkpoint" "exit $dv_rc" "$(cat dv-err.txt)"
fi
"$hone" "${dv_run[@]}" --resume dv.safetensors >/dev/null 2>dv-err.txt; dv_rc=$?
[ -n "$dv_at" ] && [ $dv_rc -eq 3 ] && grep -q "diverged at $dv_at" dv-err.txt && ok "resumed from the last good checkpoint: diverges again at $dv_at" \
    || bad "resumed from the last good checkpoint" "$(cat dv-err.txt)"
# with --checkpoint-every 2 the last good checkpoint is of the last even epoch before it (mutation
# round 5: a checkpoint every 2 epochs from the first, 1, 3, 5, went unseen)
dv_every=$(( (dv_epoch - 1) / 2 * 2 ))
"$hone" "${dv_run[@]:0:${#dv_run[@]}-2}" --checkpoint dv-every.safetensors --checkpoint-every 2 >/dev/null 2>dv-err.txt
[ "$dv_every" -gt 1 ] && grep -q "diverged at $dv_at.*the last checkpoint, dv-every.safetensors (after epoch $dv_every), is left as it was" dv-err.txt &&
    ok "--checkpoint-every 2: the last good checkpoint is of epoch $dv_every" || bad "--checkpoint-every 2: the last good checkpoint" "$(cat dv-err.txt)"

# --- options at their edges (mutation round 3: each check below once went untested) -------------------
# a number option takes finite numbers: inf and nan are refused as text, not left to a range check
expect_error "--lr inf" 2 "^hone train: --lr: expected a number, got 'inf'$" -- train --lr inf
expect_error "--base-error nan" 2 "^hone diagnose: --base-error: expected a number, got 'nan'$" -- diagnose --metrics m.csv --base-error nan
# a flag's value reads as true, yes, on or 1 (and false, no, off, 0), as --help says
for v in yes on 1 true; do
    expect_ok "--quiet=$v" train --data blobs.csv --layers 4 --epochs 1 --quiet=$v
    [ ! -s err.txt ] && ok "--quiet=$v is quiet" || bad "--quiet=$v is quiet" "$(head -3 err.txt)"
done
printf '[train]\nquiet = yes\n' >quiet-yes.ini
expect_ok "quiet = yes in a config" train --config quiet-yes.ini --data blobs.csv --layers 4 --epochs 1
[ ! -s err.txt ] && ok "quiet = yes in a config is quiet" || bad "quiet = yes in a config is quiet" "$(head -3 err.txt)"
# --no-FLAG turns a flag off, over the same flag on earlier and over a config file
expect_ok "--quiet --no-quiet" train --data blobs.csv --layers 4 --epochs 1 --quiet --no-quiet
grep -q "^epoch   1/1  train loss" err.txt && ok "--no-quiet after --quiet prints the epochs" || bad "--no-quiet after --quiet prints the epochs" "$(cat err.txt)"
expect_ok "--no-quiet over quiet = yes" train --config quiet-yes.ini --data blobs.csv --layers 4 --epochs 1 --no-quiet
grep -q "^epoch   1/1  train loss" err.txt && ok "--no-quiet over a config's quiet prints the epochs" || bad "--no-quiet over a config's quiet" "$(cat err.txt)"
# --threads takes its whole range, 64 included (the message says [0, 64])
expect_ok "--threads 64, the most" train --data blobs.csv --layers 4 --epochs 1 --quiet --threads 64
expect_error "--threads 65" 2 "^hone train: --threads must be in \[0, 64\] \(0: the default\), got 65$" -- train --data blobs.csv --threads 65
# a control character in a JSON string is escaped (\u001f): raw, the line is no JSON
expect_ok "--json of a save path with a control character" train --data blobs.csv --layers 4 --epochs 1 --quiet --json --save $'ctl\x1f.safetensors'
grep -q '"model": "ctl\\u001f.safetensors"' out.txt && ok "--json: a control character is \\u001f" || bad "--json: a control character is \\u001f" "$(cat -v out.txt)"
# architecture, optimizer and regularization options
# --residual with one hidden layer has no block to make: refused, as two are
expect_error "--residual with one hidden layer" 2 "^hone train: --residual pairs the hidden layers after the first into blocks: --layers needs 1 \+ an even number of them \(3 or more\), got 1$" -- \
    train --data blobs.csv --layers 8 --residual --epochs 1
# a block's inner layer may have any width: only its second layer must match the block's input
expect_ok "--residual with a bottleneck block (4,8,4)" train --data blobs.csv --layers 4,8,4 --residual --epochs 1 --quiet
# the leaky ReLU slope is in (0, 1): a slope of 1 is the identity
expect_error "leaky slope of 1" 2 "^hone train: --alpha: the leaky ReLU slope must be in \(0, 1\) \(for 0, use --activation relu\), got 1$" -- \
    train --data blobs.csv --activation leaky_relu --alpha 1 --epochs 1
# sigmoid cross-entropy is for two classes; blobs.csv has three
expect_error "--loss sigmoid_ce on three classes" 2 "^hone train: --loss sigmoid_ce is for two classes \(0 and 1\); the data has 3: use softmax_ce$" -- \
    train --data blobs.csv --loss sigmoid_ce --layers 4 --epochs 1
# softmax over one class would output 1 whatever the input (loss 0, nothing learnt): a softmax
# network has two outputs at least, so one-class data trains 4x4+4 + 4x2+2 = 30 parameters
awk 'BEGIN { srand(7); print "a,b,c,d,label"; for (i = 0; i < 60; i++) printf "%.4f,%.4f,%.4f,%.4f,0\n", rand(), rand(), rand(), rand() }' >oneclass0.csv
expect_ok "--loss softmax_ce on one class" train --data oneclass0.csv --layers 4 --epochs 1 --loss softmax_ce --json --quiet
grep -q '"parameters": 30}' out.txt && ! grep -q '"train_loss": 0,' out.txt && ok "softmax on one class has two outputs" || bad "softmax on one class has two outputs" "$(cat out.txt)"
# --momentum-form picks the update: ewma and classical train differently, and the model's
# metadata names the one it was trained with
for f in ewma classical; do
    "$hone" train --data blobs.csv --layers 4 --epochs 2 --optimizer momentum --momentum-form $f --quiet --json --save mf-$f.safetensors >mf-$f.txt 2>&1
done
grep -aq 'momentum_form\\": \\"ewma\\"' mf-ewma.safetensors && grep -aq 'momentum_form\\": \\"classical\\"' mf-classical.safetensors &&
    ! cmp -s <(grep -o '"train_loss": [^,]*' mf-ewma.txt) <(grep -o '"train_loss": [^,]*' mf-classical.txt) &&
    ok "--momentum-form ewma and classical differ, and the model says which" || bad "--momentum-form ewma and classical" "$(cat mf-ewma.txt mf-classical.txt)"
# plateau reads --min-lr: no warning that it does nothing
expect_ok "--min-lr with plateau" train --data blobs.csv --layers 4 --epochs 2 --schedule plateau --min-lr 1e-5 --quiet
[ ! -s err.txt ] && ok "--min-lr with plateau is read, not warned of" || bad "--min-lr with plateau is read" "$(cat err.txt)"
# the model records the plateau schedule's settings as given
expect_ok "plateau --threshold --factor" train --data blobs.csv --layers 4 --epochs 1 --schedule plateau --threshold 0.05 --factor 0.3 --save plateau.safetensors --quiet
grep -aq 'threshold\\": 0.050000000000000003,' plateau.safetensors && grep -aq 'factor\\": 0.29999999999999999,' plateau.safetensors &&
    ok "plateau: --threshold and --factor recorded as given" || bad "plateau: --threshold and --factor recorded" "$(grep -ao '\(threshold\|factor\)[^,]*' plateau.safetensors)"
# the model's metadata records each optimizer setting under its own name
"$hone" train --data blobs.csv --layers 4 --epochs 1 --optimizer adam --beta1 0.8 --beta2 0.99 --quiet --save betas.safetensors >/dev/null 2>&1
[ "$(grep -ao 'beta[12]\\": [0-9.]*' betas.safetensors | tr '\n' ' ')" = 'beta1\": 0.80000000000000004 beta2\": 0.98999999999999999 ' ] &&
    ok "the model's metadata has --beta1 as beta1, --beta2 as beta2" || bad "beta1 and beta2 in the metadata" "$(grep -ao 'beta[12]\\": [0-9.]*' betas.safetensors)"
# --l1 is checked as --l2 is
expect_error "negative --l1" 2 "^hone train: --l2 and --l1 take a lambda of 0 or more, got 0 and -1$" -- train --data blobs.csv --l1 -1
# the regularization ranges, at their open ends
expect_error "--input-keep-prob 0" 2 "^hone train: --input-keep-prob must be in \(0, 1\], got 0$" -- train --data blobs.csv --input-keep-prob 0
expect_error "--bn-momentum 0" 2 "^hone train: --bn-momentum must be in \(0, 1\], got 0$" -- train --data blobs.csv --batchnorm --bn-momentum 0
# --keep-prob: one value, or one per hidden layer; two for three layers is neither
expect_error "--keep-prob short of the layers" 2 "^hone train: --keep-prob: give one value or one per hidden layer \(3\), got 2$" -- \
    train --data blobs.csv --layers 8,8,8 --keep-prob 0.5,0.5
# a row count is whole: 1.5 is neither a fraction below 1 nor a count
expect_error "--dev 1.5" 2 "^hone train: --dev: expected auto, a fraction in \[0, 1\) or a row count, got '1.5'$" -- train --data blobs.csv --dev 1.5
# hone tune: its space, its settings and its rungs
tune_refused "a flag searched with int 0 2" bad-flag-int '[space]\nshuffle = int 0 2\n[train]\ndata = blobs.csv\n' \
    "^hone tune: bad-flag-int.ini:7: \[space\] shuffle: a flag of hone train: search it with choice true false \(or int 0 1\)$"
# --no-FLAG after -- fixes the flag off, as hone train reads it: the best config says so
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = noflag.jsonl\nbest = noflag-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\n' >noflag.ini
expect_ok "tune: --no-shuffle after --" tune --config noflag.ini --quiet -- --no-shuffle
grep -qx "shuffle = false" noflag-best.ini && grep -q '"train":{[^}]*"shuffle":"false"' noflag.jsonl && ok "tune: --no-shuffle after -- is shuffle = false" \
    || bad "tune: --no-shuffle after -- is shuffle = false" "$(cat noflag-best.ini noflag.jsonl)"
tune_refused "the seed searched" bad-seed '[space]\nseed = int 1 9\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-seed.ini:7: \[space\] seed: cannot be searched: every trial uses one seed \(set it in \[train\] or \[tune\]\)$"
# what sets only how a trial runs or what it reports: its trials learn the same network, ranked
# apart by the rounding's last bits at most; refused in [space], run when fixed
for spec in 'threads = int 1 2' 'stats-every = int 1 10' 'checkpoint-every = choice 1 2' 'base-error = uniform 0 0.1' \
    'test-labels = choice y1.npy y2.npy'; do
    key=${spec%% =*}
    tune_refused "$key searched" inert-$key "[space]\\n$spec\\n[train]\\ndata = blobs.csv\\nlayers = 4\\n" \
        "^hone tune: inert-$key.ini:7: \\[space\\] $key: cannot be searched: it does not change what a trial learns, only [a-z ]+"
done
# what a trial reads only under another option's value, searched while that one is fixed (or left at
# train's default) to a value that does not read it: every trial learnt the same network (alpha
# of relu ran trials of one dev_loss)
tune_refused "alpha searched under relu" unread-alpha '[space]\nalpha = log 0.001 0.3\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: unread-alpha.ini:7: \[space\] alpha: cannot be searched: no trial reads it with activation = relu \(train's default\); fix or search activation so that trials do$"
tune_refused "beta1 searched under a fixed sgd" unread-beta1 '[space]\nbeta1 = uniform 0.8 0.95\n[train]\ndata = blobs.csv\nlayers = 4\noptimizer = sgd\n' \
    "^hone tune: unread-beta1.ini:7: \[space\] beta1: cannot be searched: no trial reads it with optimizer = sgd \(unread-beta1.ini:11: \[train\] optimizer\); fix or search optimizer so that trials do$"
tune_refused "decay-bias searched without a penalty" unread-db '[space]\ndecay-bias = choice true false\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: unread-db.ini:7: \[space\] decay-bias: cannot be searched: no trial reads it with l2 = 0 \(train's default\) and l1 = 0 \(train's default\); fix or search l2 or l1 so that trials do$"
tune_refused "step-size searched under cosine" unread-step '[space]\nstep-size = int 1 5\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: unread-step.ini:7: \[space\] step-size: cannot be searched: no trial reads it with schedule = cosine \(train's default\)"
tune_refused "per-step searched under plateau" unread-per-step '[space]\nper-step = choice true false\n[train]\ndata = blobs.csv\nlayers = 4\nschedule = plateau\n' \
    "^hone tune: unread-per-step.ini:7: \[space\] per-step: cannot be searched: no trial reads it with schedule = plateau \(unread-per-step.ini:11: \[train\] schedule\)"
# train's defaults decide it too: no early stopping, no batch norm (mutation round 9: either
# default could be changed to one that reads them, and the search of nothing ran)
tune_refused "min-delta searched without early stopping" unread-md '[space]\nmin-delta = log 0.01 0.3\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: unread-md.ini:7: \[space\] min-delta: cannot be searched: no trial reads it with early-stop = 0 \(train's default\); fix or search early-stop so that trials do$"
tune_refused "bn-momentum searched without batch norm" unread-bnm '[space]\nbn-momentum = uniform 0.1 0.9\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: unread-bnm.ini:7: \[space\] bn-momentum: cannot be searched: no trial reads it with batchnorm = false \(train's default\); fix or search batchnorm so that trials do$"
# a deciding value train does not take is named as such, not blamed on the option searched under it
tune_refused "beta1 searched under an unknown optimizer" unread-adamx '[space]\nbeta1 = uniform 0.8 0.95\n[train]\ndata = blobs.csv\nlayers = 4\noptimizer = adamx\n' \
    "^hone tune: unread-adamx.ini:11: \[train\] optimizer: unknown optimizer 'adamx'"
tune_refused "alpha searched under an unknown activation" unread-act '[space]\nalpha = log 0.01 0.3\n[train]\ndata = blobs.csv\nlayers = 4\nactivation = leakyy\n' \
    "^hone tune: unread-act.ini:11: \[train\] activation: unknown activation 'leakyy'"
# (mutation round 9: an unknown schedule counted as one that reads none of the settings)
tune_refused "step-size searched under an unknown schedule" unread-sched '[space]\nstep-size = int 1 5\n[train]\ndata = blobs.csv\nlayers = 4\nschedule = stepp\n' \
    "^hone tune: unread-sched.ini:11: \[train\] schedule: unknown schedule 'stepp'"
tune_refused "min-delta searched under an early-stop that is no number" unread-es '[space]\nmin-delta = log 0.01 0.3\n[train]\ndata = blobs.csv\nlayers = 4\nearly-stop = x\n' \
    "^hone tune: unread-es.ini:11: \[train\] early-stop: expected an integer, got 'x'$"
# a negative penalty, and a batchnorm that is no flag, are ones train refuses too, not ones that
# are off (mutation round 9: "on unless 0" read as "on when positive", and a batchnorm other than
# false as true only where it is true, blamed the option searched)
tune_refused "decay-bias searched under a negative l2" unread-negl2 '[space]\ndecay-bias = choice true false\n[train]\ndata = blobs.csv\nlayers = 4\nl2 = -1\n' \
    "^hone tune: unread-negl2.ini:11: \[train\] l2: --l2 and --l1 take a lambda of 0 or more, got -1 and 0$"
tune_refused "bn-momentum searched under a batchnorm that is no flag" unread-bnx '[space]\nbn-momentum = uniform 0.1 0.9\n[train]\ndata = blobs.csv\nlayers = 4\nbatchnorm = maybe\n' \
    "^hone tune: unread-bnx.ini:11: \[train\] batchnorm: expected true or false, got 'maybe'$"
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nresults = read-alpha.jsonl\nbest = read-alpha-best.ini\n[space]\nalpha = log 0.001 0.3\nactivation = choice relu leaky_relu\n[train]\ndata = blobs.csv\nlayers = 4\n' >read-alpha.ini
expect_ok "tune: alpha searched beside activation" tune --config read-alpha.ini --quiet
expect_ok "tune: beta1 searched, sgd after -- overridden by adam" tune --config unread-beta1.ini --quiet --results read-beta1.jsonl --best read-beta1-best.ini -- --optimizer adam
expect_ok "tune: threads, stats-every and base-error fixed" tune --config noflag.ini --quiet --results fixed-inert.jsonl --best fixed-inert.ini -- \
    --threads 1 --stats-every 5 --base-error 0.1
grep -qx "threads = 1" fixed-inert.ini && ok "tune: a fixed threads is in the best config" \
    || bad "tune: a fixed threads is in the best config" "$(cat fixed-inert.ini)"
# ranked by dev_loss, trials of targets as they are and standardized would not compare: tiny targets
# of 1e-6 learnt raw, predicted 0.1 off, had the lower loss and were ranked first
tune_refused "standardize-targets searched" bad-stdt '[space]\nstandardize-targets = choice true false\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' \
    "^hone tune: bad-stdt.ini:7: \[space\] standardize-targets: cannot be searched: the trials' losses would be in other units"
# the trials are ranked by one number, so it must be in one unit for all of them: searching regression
# ranked a regression's squared error (in units of its targets' variance) against a classifier's
# cross-entropy by dev_loss, and stopped the search after trials had run by dev_acc
tune_refused "regression searched, by dev_loss" bad-reg-loss '[space]\nregression = choice true false\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-reg-loss.ini:7: \[space\] regression: cannot be searched: a regression's dev_loss is a squared error and a classifier's a cross-entropy" \
    --metric dev_loss
tune_refused "regression searched as int 0 1, by dev_acc" bad-reg-acc '[space]\nregression = int 0 1\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-reg-acc.ini:7: \[space\] regression: cannot be searched: .*a regression has no dev_acc"
tune_refused "loss over mse and a cross-entropy" bad-loss-units '[space]\nloss = choice softmax_ce mse\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-loss-units.ini:7: \[space\] loss: cannot search mse beside a cross-entropy: their dev_loss would be in other units"
tune_refused "loss over mse and sigmoid_ce" bad-loss-sigmoid '[space]\nloss = choice sigmoid_ce mse\n[train]\ndata = blobs.csv\nlayers = 4\n' \
    "^hone tune: bad-loss-sigmoid.ini:7: \[space\] loss: cannot search mse beside a cross-entropy"
tune_refused "loss over auto and a cross-entropy in a regression" bad-loss-auto \
    '[space]\nloss = choice auto softmax_ce\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' \
    "^hone tune: bad-loss-auto.ini:7: \[space\] loss: cannot search mse beside a cross-entropy" --metric dev_loss
# the cross-entropies are each the log-likelihood of a row's label, in nats: they compare
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nmetric = dev_loss\nresults = loss-ce.jsonl\nbest = loss-ce-best.ini\n[space]\nloss = choice auto softmax_ce\n[train]\ndata = blobs.csv\nlayers = 4\n' >loss-ce.ini
expect_ok "tune: loss over the cross-entropies" tune --config loss-ce.ini --quiet
# standardized, a regression's dev_loss is in units of the train split's targets' variance: a search of
# train-rows divided each trial's loss by its own rows' variance
tune_refused "train-rows searched in a standardized regression" bad-reg-rows \
    '[space]\ntrain-rows = int 50 100\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' \
    "^hone tune: bad-reg-rows.ini:7: \[space\] train-rows: cannot be searched in a regression: its trials' dev_loss would be in other units \(it changes the train split, whose targets' variance is the unit\); fix it, or fix standardize-targets = false" \
    --metric dev_loss
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nmetric = dev_loss\nresults = reg-rows.jsonl\nbest = reg-rows-best.ini\n[space]\ntrain-rows = int 50 100\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' >reg-rows.ini
expect_ok "tune: train-rows searched in a regression of raw targets" tune --config reg-rows.ini --quiet -- --no-standardize-targets
tune_refused "label-column searched in a regression of raw targets" bad-reg-col \
    '[space]\nlabel-column = choice a y\n[train]\ndata = reg.csv\nregression = true\nstandardize-targets = false\nlayers = 4\n' \
    "^hone tune: bad-reg-col.ini:7: \[space\] label-column: cannot be searched in a regression: .*\(another column is another target\)" \
    --metric dev_loss
tune_refused "test-data searched in a standardized regression" bad-reg-test \
    '[space]\ntest-data = choice reg.csv blobs.csv\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' \
    "^hone tune: bad-reg-test.ini:7: \[space\] test-data: cannot be searched in a regression: .*\(it changes the train split, whose targets' variance is the unit\)" \
    --metric dev_loss
tune_refused "init searched in a regression of raw targets" bad-reg-init \
    '[space]\ninit = choice y2.safetensors units.safetensors\n[train]\ndata = reg.csv\nregression = true\nstandardize-targets = false\n' \
    "^hone tune: bad-reg-init.ini:7: \[space\] init: cannot be searched in a regression: .*\(each model brings its own standardization of the targets\)" \
    --metric dev_loss
# a regression ranked by dev_acc, the default metric: refused before a whole trial ran to find none
tune_refused "a regression by dev_acc" bad-regacc '[space]\nlr = log 1e-3 1e-1\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' \
    "^hone tune: bad-regacc.ini:10: \[train\] regression: a regression has no dev_acc to rank the trials by: use metric = dev_loss$"
tune_refused "a regression after -- by dev_acc" bad-regacc2 '[space]\nlr = log 1e-3 1e-1\n[train]\ndata = reg.csv\nlayers = 4\n' \
    "^hone tune: after --: --regression: a regression has no dev_acc" -- --regression
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nmetric = dev_loss\nresults = regloss.jsonl\nbest = regloss-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = reg.csv\nregression = true\nlayers = 4\n' >regloss.ini
expect_ok "tune: a regression by dev_loss" tune --config regloss.ini --quiet
# 300 targets' rmse, each in train_rmse, dev_rmse and test_rmse, make a result line of 9 KiB:
# read in pieces of 8 KiB, it was no JSON, and every trial failed
npy_f4 y300.npy "120, 300" $(awk 'BEGIN { srand(9); for (i = 0; i < 36000; i++) print rand() }')
printf '[tune]\nrounds = 1\ntrials = 2\nepochs = 1\nmetric = dev_loss\nresults = y300.jsonl\nbest = y300-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = x4.npy\nlabels = y300.npy\nregression = true\nlayers = 4\n' >y300.ini
expect_ok "tune: a regression of 300 targets" tune --config y300.ini --quiet
[ "$(grep -c '"status":"ok"' y300.jsonl)" = 2 ] && ok "tune: a regression of 300 targets reads its trials' results" \
    || bad "tune: a regression of 300 targets reads its trials' results" "$(cat y300.jsonl)"
# a regression's trials carry their dev rmse, in the targets' own units as train --json gives it
# (its dev_loss is in units of their variance): into the results file, a number for one target and
# an array of one a target for several; into the table, after dev_loss (three targets' at most,
# then a line that says how many), the trial lines, the best line and the best config
grep -q '"dev_loss":[0-9.e+-]*,"dev_rmse":[0-9.e+-]*,"seconds"' regloss.jsonl && grep -q '  dev_rmse  status  ' out.txt \
    && ok "tune: a regression of one target records its dev_rmse as a number" || bad "tune: one target's dev_rmse" "$(cat regloss.jsonl out.txt)"
grep -qx "dev_rmse: the first 3 of 300 targets', each in its own units; y300.jsonl has them all" out.txt &&
    awk '$1 == "1" { exit !($6 ~ /^[0-9.e+-]+,[0-9.e+-]+,[0-9.e+-]+,\.\.\.$/) }' out.txt &&
    [ "$(head -1 y300.jsonl | grep -o '"dev_rmse":\[[^]]*\]' | tr , '\n' | wc -l)" = 300 ] &&
    ok "tune: 300 targets: the table shows 3 and says so, the results file has them all" || bad "tune: 300 targets' dev_rmse" "$(cat out.txt)"
! grep -q dev_rmse tune-out.txt tune.jsonl && ok "tune: a classifier's table and results have no dev_rmse" || bad "tune: a classifier with dev_rmse" "$(cat tune-out.txt)"
printf '[tune]\nrounds = 1\ntrials = 6\nepochs = 4\nhalving = true\nmetric = dev_loss\nresults = reg-rmse.jsonl\nbest = reg-rmse-best.ini\n[space]\nlr = log 1e-3 1e-1\nlayers = choice 4 64,32\nbatch = choice 8 96\n[train]\ndata = x4.npy\nlabels = y2.npy\nregression = true\nschedule = cosine\nper-step = true\nwarmup = 4\nthreads = 1\n' >reg-rmse.ini
expect_ok "tune: a regression of two targets, halving and failed trials" tune --config reg-rmse.ini
grep -Eq "^trial +[0-9]+  round 1/1 +4 epochs  ok +dev_loss [0-9.]+  dev_rmse [0-9.]+,[0-9.]+  " err.txt && ! grep -q dev_acc err.txt out.txt &&
    ok "tune: a regression's trial lines show its dev_rmse" || bad "tune: a regression's trial lines show its dev_rmse" "$(cat err.txt)"
best_id=$(sed -n 's/^best: trial \([0-9]*\) .*/\1/p' out.txt)
file_rmse=$(grep "\"trial\":$best_id,\"epochs\":4," reg-rmse.jsonl | sed -n 's/.*,"dev_rmse":\[\([0-9.e+-]*\),\([0-9.e+-]*\)\],"seconds".*/\1 \2/p')
"$hone" train --config reg-rmse-best.ini --json >train.json 2>&1
train_rmse=$(sed -n 's/.*"dev_rmse": \[\([0-9.e+-]*\), \([0-9.e+-]*\)\].*/\1 \2/p' train.json)
[ -n "$file_rmse" ] && [ "$file_rmse" = "$train_rmse" ] && ok "tune: the results file has each target's dev_rmse, as train gives it ($file_rmse)" \
    || bad "tune: the results file has each target's dev_rmse" "file: $file_rmse" "train: $train_rmse" "$(cat reg-rmse.jsonl)"
want=$(echo "$train_rmse" | awk '{ printf "%.4g,%.4g", $1, $2 }')
[ "$(awk -v id="$best_id" '$1 ~ /^[0-9]+$/ && $2 == id { print $6 }' out.txt)" = "$want" ] &&
    grep -q "^best: trial $best_id (round 1), dev_loss [0-9.]*, dev_rmse $want after 4 epochs; " out.txt &&
    grep -q "^# hone tune: the best of 6 trials in reg-rmse.jsonl: trial $best_id (round 1), .*, dev_rmse $want after 4 epochs$" reg-rmse-best.ini &&
    ok "tune: the table, the best line and the best config show the best trial's dev_rmse ($want)" || bad "tune: the best trial's dev_rmse shown" "$want" "$(cat out.txt reg-rmse-best.ini)"
[ "$(awk '$1 ~ /^[0-9]+$/ && $7 == "failed" && $6 == "-"' out.txt | wc -l)" -ge 1 ] && table_aligned out.txt >why.txt &&
    ok "tune: a regression's table with failed trials in line" || bad "tune: a regression's table with failed trials in line" "$(cat why.txt out.txt)"
cp out.txt reg-rmse-out.txt
# results of a hone tune that did not record dev_rmse resume: nothing runs again, the rmse is '-'
sed 's/,"dev_rmse":\[[^]]*\]//' reg-rmse.jsonl >reg-rmse-old.jsonl
expect_ok "tune: a regression's results without dev_rmse" tune --config reg-rmse.ini --quiet --results reg-rmse-old.jsonl --best reg-rmse-old.ini
grep -q "runs: 0 run now, 11 read from reg-rmse-old.jsonl" out.txt && [ "$(awk '$1 ~ /^[0-9]+$/ && $6 != "-"' out.txt | wc -l)" = 0 ] &&
    cmp -s <(awk '{ print $1, $2, $3, $4, $5 }' out.txt | head -7) <(awk '{ print $1, $2, $3, $4, $5 }' reg-rmse-out.txt | head -7) &&
    ok "tune: results without dev_rmse resume, ranked as before, their rmse '-'" || bad "tune: results without dev_rmse resume" "$(cat out.txt)"
sed '0,/"dev_rmse":\[[^]]*\]/s//"dev_rmse":[0.5,-1]/' reg-rmse.jsonl >bad-rmse.jsonl
expect_error "tune: a record of a negative dev_rmse" 1 \
    "^hone tune: bad-rmse.jsonl: line [0-9]+: not a hone tune trial record \(needs \"dev_rmse\" of 0 or more, an array of them, or null\); give another --results file$" -- \
    tune --config reg-rmse.ini --quiet --results bad-rmse.jsonl --best bad-rmse.ini
# a seed fixed in [train] is every trial's: the best config holds it once, and not tune's own
printf '[tune]\nrounds = 1\ntrials = 1\nepochs = 1\nresults = fixseed.jsonl\nbest = fixseed-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\nseed = 5\n' >fixseed.ini
expect_ok "tune: a seed in [train]" tune --config fixseed.ini --quiet
[ "$(grep -c '^seed = ' fixseed-best.ini)" = 1 ] && grep -qx "seed = 5" fixseed-best.ini && ok "tune: the best config has the [train] seed, once" \
    || bad "tune: the best config has the [train] seed, once" "$(cat fixseed-best.ini)"
# the settings' ranges, each before any trial (the data is not there: these come first)
printf '[tune]\nresults = set.jsonl\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = nosuch.csv\n' >settings.ini
for s in rounds trials jobs epochs top-k; do
    expect_error "tune: --$s 0" 2 "^hone tune: --$s must be at least 1, got 0$" -- tune --config settings.ini --$s 0
done
expect_error "tune: rounds x trials past the most" 2 "^hone tune: --rounds x --trials is 200000 trials; at most 100000$" -- \
    tune --config settings.ini --rounds 2 --trials 100000
expect_error "tune: --margin below 0" 2 "^hone tune: --margin must be 0 or more, got -0.5$" -- tune --config settings.ini --margin -0.5
# and at their edges: exactly the most trials, and a margin of 0, pass on to the data, which is missing
expect_error "tune: rounds x trials of exactly the most" 2 "^hone tune: settings.ini:6: \[train\] data: nosuch.csv: No such file or directory$" -- \
    tune --config settings.ini --rounds 2 --trials 50000
expect_error "tune: --margin 0" 2 "^hone tune: settings.ini:6: \[train\] data: nosuch.csv: No such file or directory$" -- tune --config settings.ini --margin 0
printf '[space]\nlr = log 1e-3 1e-1\n[train]\ndata = nosuch.csv\n' >settings-nores.ini
expect_error "tune: an empty --best" 2 "^hone tune: --best needs a file name$" -- tune --config settings-nores.ini --best ''
# the option at fault is named, at its own line: not the results line of the config (it was)
expect_error "tune: an empty --best beside a config's results" 2 "^hone tune: --best needs a file name$" -- tune --config settings.ini --best ''
printf '[tune]\nresults =\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = nosuch.csv\n' >settings-empty.ini
expect_error "tune: an empty results in a config, at its line" 2 "^hone tune: settings-empty.ini:2: --results needs a file name$" -- tune --config settings-empty.ini
# halving over 2 epochs: the rungs are 1 and 2 epochs (2/4 and 2/2 are both 1 epoch: one rung),
# so 4 trials run 1 epoch and the best 2 run 2
printf '[tune]\nrounds = 1\ntrials = 4\nepochs = 2\nhalving = true\nresults = h2.jsonl\nbest = h2-best.ini\n[space]\nlr = log 1e-3 1e-1\n[train]\ndata = blobs.csv\nlayers = 4\n' >h2.ini
expect_ok "tune: halving over 2 epochs" tune --config h2.ini --quiet
[ "$(grep -c '"epochs":1,' h2.jsonl)" = 4 ] && [ "$(grep -c '"epochs":2,' h2.jsonl)" = 2 ] && grep -q "runs: 6 run now" out.txt &&
    ok "tune: halving over 2 epochs runs 4 + 2" || bad "tune: halving over 2 epochs runs 4 + 2" "$(cat out.txt h2.jsonl)"

# trials that tie on both metrics rank by trial number: one value written three ways (a keep
# probability of 1, no dropout) makes three equal trials
printf '[tune]\nrounds = 1\ntrials = 3\nepochs = 1\nresults = ties.jsonl\nbest = ties-best.ini\n[space]\nkeep-prob = choice 1 1.0 1.00\n[train]\ndata = blobs.csv\nlayers = 4\n' >ties.ini
expect_ok "tune: three equal trials" tune --config ties.ini --quiet
[ "$(awk '$1 ~ /^[0-9]+$/ { printf "%s ", $2 }' out.txt)" = "1 2 3 " ] && grep -q "^best: trial 1 " out.txt && ok "tune: equal trials rank by trial number" \
    || bad "tune: equal trials rank by trial number" "$(cat out.txt)"
table_aligned tune-out.txt >why.txt && ok "tune: the first search's table in line" \
    || bad "tune: the first search's table in line" "$(cat why.txt tune-out.txt)"
# options of other widths (a data file with an e-acute, two bytes, before other columns; layers of
# 11 characters and of 1; lr down to 1e-05), halving and failed trials (batch 240 is one step an
# epoch, shorter than the warm-up); then ranks and trial numbers past the headers' widths
cp blobs.csv blöbs.csv
printf '[tune]\nrounds = 1\ntrials = 8\nepochs = 4\nhalving = true\nresults = cols.jsonl\nbest = cols-best.ini\n[space]\nlr = log 1e-5 1e-1\ndata = choice blöbs.csv blobs.csv\nlayers = choice 64 512,256,128 4\nbatch = choice 8 240\n[train]\nschedule = cosine\nper-step = true\nwarmup = 4\n' >cols.ini
expect_ok "tune: options of other widths, halving and failed trials" tune --config cols.ini --quiet
grep -q ' failed  ' out.txt && grep -q ' blöbs.csv  ' out.txt && grep -q ' 512,256,128  ' out.txt && table_aligned out.txt >why.txt &&
    ok "tune: the table of options of other widths, halving and failed trials in line" ||
    bad "tune: the table of options of other widths, halving and failed trials in line" "$(cat why.txt out.txt)"
printf '[tune]\nrounds = 1\ntrials = 10000\nepochs = 1\nresults = wide.jsonl\nbest = wide-best.ini\n[space]\nwarmup = choice 0\n[train]\ndata = blobs.csv\nlayers = 4\n' >wide.ini
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "{\"round\":1,\"trial\":%d,\"epochs\":1,\"status\":\"ok\",\"params\":{\"warmup\":\"0\"},\"train\":{\"data\":\"blobs.csv\",\"layers\":\"4\"},\"dev_acc\":0.5,\"dev_loss\":%d,\"seconds\":0}\n", i, i }' >wide.jsonl
expect_ok "tune: 10000 trials read back" tune --config wide.ini --quiet
grep -q '^10000  10000  ' out.txt && table_aligned out.txt >why.txt && ok "tune: a table of 10000 trials in line" \
    || bad "tune: a table of 10000 trials in line" "$(cat why.txt; head -3 out.txt; tail -4 out.txt)"
# a failed trial is a finished trial: a rerun reads it back
expect_ok "tune: failed trials are read back" tune --config wu.ini --quiet
grep -q "runs: 0 run now, 4 read from wu.jsonl" out.txt && ok "tune: a rerun reads failed trials back" || bad "tune: a rerun reads failed trials back" "$(tail -2 out.txt)"

# --- the default dataset ---------------------------------------------------------------------------
expect_ok "gradcheck of residual blocks" gradcheck --data blobs.csv --layers 8,8,8 --residual --samples 4
expect_error "gradcheck --zero-residual" 2 "--zero-residual puts every block's sum on ReLU's kink" -- gradcheck --data blobs.csv --layers 8,8,8 --residual --zero-residual
expect_error "gradcheck --samples 0" 2 "--samples must be in \[1, 4096\], got 0" -- gradcheck --data blobs.csv --samples 0
expect_error "train --threads -1" 2 "^hone train: --threads must be in \[0, 64\] \(0: the default\), got -1$" -- train --data blobs.csv --threads -1
# above the pool's 64 threads: refused like any other value out of range, not capped behind the user's back
expect_error "train --threads 65" 2 "^hone train: --threads must be in \[0, 64\] \(0: the default\), got 65$" -- train --data blobs.csv --threads 65
# Fewer threads than asked, when the system will not start more, are warned about and training
# goes on. Run as a user id no process has, with a process limit of 1, where no thread starts (root
# is not held to the limit, and the limit counts every process of the id, so nobody's could be
# taken by another program); OpenBLAS's own pool is kept to one thread, or it fails to start
# before main, and under the sanitizers LeakSanitizer, which needs a thread of its own at exit, is
# left out.
unused_uid() {
    local u
    for u in $(seq 60001 60100); do
        # through cat: awk stops at a process that ended after the glob was expanded
        cat /proc/[0-9]*/status 2>/dev/null |
            awk -v u="$u" '/^Uid:/ { for (i = 2; i <= 5; i++) if ($i == u) found = 1 } END { exit !found }' ||
            { echo "$u"; return 0; }
    done
    return 1
}
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && command -v prlimit >/dev/null && uid=$(unused_uid); then
    mkdir -m 755 nproc && cp "$hone" blobs.csv nproc/ && chmod 644 nproc/blobs.csv && chmod 711 "$tmp"
    OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" setpriv --reuid "$uid" --regid "$uid" --clear-groups prlimit --nproc=1 \
        "$tmp/nproc/hone" train --data "$tmp/nproc/blobs.csv" --threads 4 --layers 4 --epochs 1 --quiet >out.txt 2>err.txt
    rc=$?
    chmod 700 "$tmp"
    [ "$rc" = 0 ] && grep -q "^hone train: warning: --threads 4: the system started 1 thread$" err.txt && grep -q "^trained 1 epoch" out.txt &&
        ok "--threads beyond what the system starts: a warning" || bad "--threads beyond what the system starts: a warning" "exit $rc" "$(cat err.txt)"
else
    echo "skip --threads beyond what the system starts (needs root, setpriv, prlimit and a free user id)"
fi
printf '[train]\nthreads = 1000\n' >threads.ini
expect_error "train: threads = 1000 in a config file" 2 "--threads must be in \[0, 64\]" -- train --config threads.ini --data blobs.csv
expect_error "bench --threads 65" 2 "^hone bench: --threads must be in \[0, 64\] \(0: the default\), got 65$" -- bench --threads 65
expect_error "bench --threads -1" 2 "^hone bench: --threads must be in \[0, 64\]" -- bench --threads -1
"$hone" train --help | grep -q -- "--threads N .*at most 64)" && "$hone" bench --help | grep -q -- "--threads N .*at most 64)" &&
    ok "train and bench --help give the --threads bound" || bad "train and bench --help give the --threads bound" "$("$hone" bench --help | grep threads)"
expect_error "train --stats-every 0, before any data is read" 2 "--stats-every must be at least 1, got 0" -- train --data nope.csv --stats-every 0
expect_ok "bench of a small network" bench --layers 32 --inputs 64 --batch 16 --repeats 5 --json
best=$(sed -n 's/.*"ceiling_samples_per_s": \([0-9.]*\).*/\1/p' out.txt)
median=$(sed -n 's/.*"median_samples_per_s": \([0-9.]*\).*/\1/p' out.txt)
awk -v b="$best" -v m="$median" 'BEGIN { exit !(b > 0 && m > 0 && m <= b) }' && ok "bench: the median of the products is no faster than their best" ||
    bad "bench: best and median" "$(cat out.txt)"
expect_error "bench --repeats 0" 2 "--repeats must be in \\[1, 1000000\\], got 0" -- bench --repeats 0
expect_error "bench --repeats past a million" 2 "^hone bench: --repeats must be in \\[1, 1000000\\], got 1000001$" -- bench --repeats 1000001
expect_error "bench --batch 0" 2 "--batch must be at least 1, got 0" -- bench --batch 0
expect_error "bench --outputs 0" 2 "--outputs must be in \[1, 16777216\], got 0" -- bench --outputs 0
expect_error "bench --inputs above the model's bound" 2 "--inputs must be in \[1, 16777216\], got 16777217" -- bench --inputs 16777217
expect_error "bench: too many parameters names the options" 2 "--inputs 16777216, --layers 1100, --outputs 10: model: more than [0-9]+ parameters" -- \
    bench --inputs 16777216 --layers 1100
# 2^31 rows of 2^24 inputs are 2^57 bytes, beyond any address space: the allocation fails at once
# (under AddressSanitizer too, which then returns NULL as malloc does, with warnings of its own)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1" "$hone" bench --inputs 16777216 --layers "" \
    --outputs 2 --batch 2147483647 >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && [ "$(grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' err.txt)" = \
    "hone bench: out of memory for the products of a 2147483647-row batch (--batch)" ] &&
    ok "bench: a batch too big for memory" || bad "bench: a batch too big for memory" "exit $rc" "$(cat err.txt)"
expect_ok "bench of a one-output network (two classes, sigmoid)" bench --layers 8 --inputs 8 --outputs 1 --batch 4 --repeats 1 --threads 1 --json
grep -q '"ceiling_samples_per_s"' out.txt && ok "bench --outputs 1 prints its ceiling" || bad "bench --outputs 1 prints its ceiling" "$(cat out.txt)"
grep -q '^{"command": "bench", "inputs": 8, "layers": "8", "outputs": 1, "threads": 1, "repeats": 1, "batch": 4, ' out.txt &&
    ok "bench --json says what it measured" || bad "bench --json says what it measured" "$(cat out.txt)"
# the BLAS and the kernels it chose; the note on AVX-512 left unused exactly where the CPU has it
# and the kernels do not (forced with OPENBLAS_CORETYPE=Haswell, AVX2, on a CPU with AVX-512)
grep -Eq '"blas": "OpenBLAS [^"]+", "blas_kernels": "[^"]+", "blas_kernels_avx512": (true|false), "cpu_avx512": (true|false)\}$' out.txt &&
    ok "bench --json names the BLAS and its kernels" || bad "bench --json names the BLAS and its kernels" "$(cat out.txt)"
cpu_avx512=$(sed -n 's/.*"cpu_avx512": \([a-z]*\).*/\1/p' out.txt)
kernels_avx512=$(sed -n 's/.*"blas_kernels_avx512": \([a-z]*\).*/\1/p' out.txt)
# a slow network's ceiling was printed whole: under 1 sample/s, 0. Below 1000 samples/s (one row
# through 8 million weights: a few hundred here) it has four significant digits: the rate of its
# step (batch 1 / step_s) to 4 digits, where a whole number was off by up to 0.5
expect_ok "bench of a slow network" bench --layers 2048x2 --inputs 2048 --batch 1 --repeats 1 --threads 1 --json
for key in ceiling_samples_per_s:step_s median_samples_per_s:median_step_s; do
    v=$(sed -n "s/.*\"${key%%:*}\": \([^,]*\),.*/\1/p" out.txt)
    step=$(sed -n "s/.*\"${key##*:}\": \([^,]*\),.*/\1/p" out.txt)
    awk -v v="$v" -v s="$step" 'BEGIN { r = 1 / s; exit !(v + 0 > 0 && (r >= 1000 || (v - r) / r < 6e-4 && (r - v) / r < 6e-4)) }' &&
        ok "bench: a slow network's ${key%%:*} in four digits ($v)" || bad "bench: a slow network's ${key%%:*} in four digits" "$(cat out.txt)"
done
avx512_note() { # ENV...: whether bench's text has the note, under the environment given
    env "$@" "$hone" bench --layers 8 --inputs 8 --batch 4 --repeats 1 --threads 1 >out.txt 2>err.txt &&
        grep -q '^BLAS: OpenBLAS .*; kernels chosen for this CPU: [A-Za-z0-9]*$' out.txt || return 2
    grep -q '^note: this CPU has AVX-512, which the [A-Za-z0-9]* kernels do not use' out.txt
}
avx512_note; rc=$?
if [ "$cpu_avx512" = true ] && [ "$kernels_avx512" = false ]; then want=0; else want=1; fi
[ "$rc" = "$want" ] && ok "bench notes AVX-512 left unused only where it is (cpu $cpu_avx512, kernels $kernels_avx512)" ||
    bad "bench's AVX-512 note (cpu $cpu_avx512, kernels $kernels_avx512)" "rc $rc: $(cat out.txt err.txt)"
if [ "$cpu_avx512" = true ]; then
    avx512_note OPENBLAS_CORETYPE=Haswell && grep -q 'the Haswell kernels do not use: OPENBLAS_CORETYPE=Haswell in the$' out.txt &&
        ok "bench notes AVX-512 left to OpenBLAS's Haswell kernels, chosen by the environment" ||
        bad "bench under OPENBLAS_CORETYPE=Haswell" "$(cat out.txt err.txt)"
    avx512_note OPENBLAS_CORETYPE=SkylakeX; rc=$?
    [ "$rc" = 1 ] && ok "bench has no AVX-512 note for OpenBLAS's SkylakeX kernels" || bad "bench under OPENBLAS_CORETYPE=SkylakeX" "rc $rc: $(cat out.txt err.txt)"
fi
# train says so too, in its header beside the network (a newcomer's shell may set the variable),
# and not under --quiet or --json, nor where the kernels use AVX-512
train_note() { # ENV... -- OPTIONS...: whether train's stderr has the note
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
    env "${envs[@]}" "$hone" train --data blobs.csv --layers 4 --epochs 1 "$@" >out.txt 2>err.txt || return 2
    grep -q '^note: this CPU has AVX-512, which the [A-Za-z0-9]* kernels do not use' err.txt
}
train_note --; rc=$? # in the environment as it is, as bench's ($want: bench's answer above)
[ "$rc" = "$want" ] && ok "train notes AVX-512 left unused only where bench does" ||
    bad "train's AVX-512 note (cpu $cpu_avx512, kernels $kernels_avx512)" "rc $rc: $(cat err.txt)"
if [ "$cpu_avx512" = true ]; then
    train_note OPENBLAS_CORETYPE=Haswell -- && grep -q '^network: ' err.txt &&
        grep -q 'OPENBLAS_CORETYPE=SkylakeX hone train trains on its AVX-512 kernels$' err.txt &&
        ok "train notes AVX-512 left to the Haswell kernels the environment chose" ||
        bad "train under OPENBLAS_CORETYPE=Haswell" "$(cat err.txt)"
    for quiet in --quiet --json; do
        train_note OPENBLAS_CORETYPE=Haswell -- $quiet; rc=$?
        [ "$rc" = 1 ] && ok "train $quiet has no AVX-512 note" || bad "train $quiet under OPENBLAS_CORETYPE=Haswell" "rc $rc: $(cat err.txt)"
    done
    train_note OPENBLAS_CORETYPE=SkylakeX --; rc=$?
    [ "$rc" = 1 ] && ok "train has no AVX-512 note for OpenBLAS's SkylakeX kernels" || bad "train under OPENBLAS_CORETYPE=SkylakeX" "rc $rc: $(cat err.txt)"
fi
expect_error "bench --layers malformed" 2 "--layers: expected hidden layer sizes like 512,256" -- bench --layers 1,,x
if [ -d "$fashion" ]; then
    expect_ok "Fashion-MNIST, one epoch" train --epochs 1 --json --save fashion.safetensors
    acc=$(sed -n 's/.*"test_acc": \([0-9.]*\).*/\1/p' out.txt)
    awk -v a="$acc" 'BEGIN { exit !(a > 0.80) }' && ok "Fashion-MNIST one epoch test accuracy $acc > 0.80" || bad "Fashion-MNIST accuracy" "$(cat out.txt)"
    expect_ok "eval on the Fashion-MNIST test set" eval fashion.safetensors
    grep -q "10000 test rows" out.txt && ok "eval uses the test set" || bad "eval uses the test set" "$(cat out.txt)"
    expect_ok "gradcheck default" gradcheck --layers 8 --samples 4
    expect_error "--test beside an IDX directory's t10k files" 2 "^hone train: --test 5000: the data has a test set of its own" -- \
        train --test 5000 --epochs 1
else
    bad "Fashion-MNIST present" "$fashion missing: apt-get install dataset-fashion-mnist (setup.sh does)"
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
