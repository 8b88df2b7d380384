#!/usr/bin/env bash
# Runs each libFuzzer harness over its seeds (fuzz/corpus/fuzz_NAME) and then for SECONDS more,
# keeping what it finds in BUILD/corpus/fuzz_NAME. Prints one line per harness,
# "fuzz NAME: N execs, 0 crashes", and exits non-zero when any harness crashed, leaked, hung or
# ran out of memory (the input is saved as BUILD/artifacts/fuzz_NAME/crash-..., leak-...,
# timeout-... or oom-...; replay it with BUILD/fuzz_NAME FILE).
# usage: fuzz/run.sh BUILD SECONDS NAME...
set -u
build=$1 seconds=$2; shift 2
failed=()
for name in "$@"; do
    bin=$build/fuzz_$name
    work=$build/corpus/fuzz_$name
    art=$build/artifacts/fuzz_$name
    log=$build/logs/fuzz_$name.log
    mkdir -p "$work" "$art" "$(dirname "$log")"
    opts=(-max_len=65536 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds"
          -print_final_stats=1 -artifact_prefix="$art/")
    [ -f "fuzz/fuzz_$name.dict" ] && opts+=(-dict="fuzz/fuzz_$name.dict")
    # The config parser prints one line per refused option: keep it out of the log.
    [ "$name" = config ] && opts+=(-close_fd_mask=3)
    "$bin" "${opts[@]}" "$work" "fuzz/corpus/fuzz_$name" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*DONE.*/\1/p' "$log" | tail -1)
    if [ "$rc" -eq 0 ] && grep -q 'DONE' "$log"; then
        echo "fuzz $name: ${execs:-?} execs, 0 crashes"
    else
        echo "fuzz $name: FAILED (exit $rc) after ${execs:-?} execs; log $log:"
        { grep -E 'ERROR|SUMMARY|invariant|#[0-5] |Test unit written' "$log" || tail -n 20 "$log"; } |
            head -40 | sed 's/^/    /'
        failed+=("$name")
    fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failing: ${failed[*]}"; exit 1; }
