#!/usr/bin/env bash
# Runs every test program (float and double builds) and the command-line tests, then prints one
# closing line "tests: N passed, N failed" and exits non-zero if anything failed.
set -u
build=$1; shift
passed=0 failed=0 failed_names=()
for t in "$@"; do
    echo "=== $t"
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    passed=$((passed + ${p:-0}))
    if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
        failed=$((failed + ${f:-1})); failed_names+=("$t")
    fi
done
echo "=== tests/cli.sh"
out=$(tests/cli.sh "$build/hone" 2>&1); rc=$?
printf '%s\n' "$out"
p=$(printf '%s\n' "$out" | sed -n 's/^cli: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(printf '%s\n' "$out" | sed -n 's/^cli: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
passed=$((passed + ${p:-0}))
if [ "$rc" -ne 0 ]; then failed=$((failed + ${f:-1})); failed_names+=("tests/cli.sh"); fi
[ ${#failed_names[@]} -eq 0 ] || echo "failing: ${failed_names[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
