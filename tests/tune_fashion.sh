#!/usr/bin/env bash
# The Fashion-MNIST demonstration of docs/tuning.md, checked: two rounds of random search over
# Adam's learning rate in [1e-5, 1] (5,000 training rows, 2 epochs a trial) must find a rate in
# the decades around 1e-3 that work, and the printed table, the results file and the best config
# must agree. Not part of `make test`: it takes about 40 s on 2 cores.
# usage: tests/tune_fashion.sh [PATH/TO/hone]      (closes with "tune_fashion: N passed, N failed")
set -u
hone=$(realpath "${1:-build/hone}")
tmp=$(mktemp -d /tmp/hone-tune-fashion-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }

cat >fashion-tune.ini <<'EOF'
; Adam's learning rate on Fashion-MNIST: 5,000 training rows, 2 epochs a trial
[tune]
rounds = 2
trials = 8
jobs = 2
epochs = 2
results = fashion-tune.jsonl
best = fashion-best.ini

[space]
lr = log 1e-5 1

[train]
optimizer = adam
train-rows = 5000
EOF
if "$hone" tune --config fashion-tune.ini >table.txt 2>progress.txt; then ok "hone tune ran"; else bad "hone tune ran" "$(tail -3 progress.txt)"; fi
cat table.txt
[ "$(wc -l <fashion-tune.jsonl)" -eq 16 ] && ok "16 trials in the results file" || bad "16 trials in the results file" "$(wc -l <fashion-tune.jsonl)"
read -r id acc lr <<<"$(awk '$1 == "1" { print $2, $5, $NF }' table.txt)"
awk -v lr="$lr" 'BEGIN { exit !(lr >= 1e-4 && lr < 1e-2) }' && ok "best lr $lr is within a decade of 1e-3" || bad "best lr near 1e-3" "$lr"
awk -v a="$acc" 'BEGIN { exit !(a > 0.8) }' && ok "best dev accuracy $acc > 0.80" || bad "best dev accuracy" "$acc"
# chance (10%) at the top of the range: the search spans rates that fail
high=$(sed -n 's/.*"lr":\([0-9.e+-]*\)}.*"dev_acc":\([0-9.e+-]*\).*/\1 \2/p' fashion-tune.jsonl | awk '$1 >= 0.1 && $2 > 0.2' | wc -l)
[ "$high" -eq 0 ] && ok "rates of 0.1 and above stay at chance" || bad "rates of 0.1 and above stay at chance" "$high above 20%"
# highest dev_acc, then lowest dev_loss, then the lower trial number, as the table ranks them
file_best=$(sed -n 's/.*"trial":\([0-9]*\),.*"lr":\([0-9.e+-]*\)}.*"dev_acc":\([0-9.e+-]*\),"dev_loss":\([0-9.e+-]*\).*/\1 \3 \4 \2/p' \
    fashion-tune.jsonl | sort -k2,2gr -k3,3g -k1,1n | head -1 | awk '{ printf "%d %.4f %s", $1, $2, $4 }')
[ "$file_best" = "$id $acc $lr" ] && ok "the table's best is the results file's best ($file_best)" || bad "table vs results file" "table: $id $acc $lr" "file:  $file_best"
grep -qx "lr = $lr" fashion-best.ini && ok "the best config has lr = $lr" || bad "the best config has the best lr" "$(cat fashion-best.ini)"
if OPENBLAS_NUM_THREADS=1 "$hone" train --config fashion-best.ini --json >train.json 2>&1; then
    again=$(sed -n 's/.*"dev_acc": \([0-9.e+-]*\).*/\1/p' train.json | awk '{ printf "%.4f", $1 }')
    [ "$again" = "$acc" ] && ok "hone train --config fashion-best.ini repeats it (dev_acc $again)" || bad "best config repeats the trial" "$again vs $acc"
else
    bad "hone train --config fashion-best.ini" "$(cat train.json)"
fi
echo "tune_fashion: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
