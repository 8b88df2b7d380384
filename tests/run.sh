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
# The CLI links the float and the double library: a name both define is the float one's in the
# double code (a kernel left out of the renaming once summed doubles as floats in gradcheck).
echo "=== names defined by both libraries"
names() { nm -g --defined-only "$1" | awk '$2 ~ /^[A-Zi]$/ { print $3 }' | sort -u; }
both=$(comm -12 <(names "$build/libhone.a") <(names "$build/libhone64.a"))
if [ -z "$both" ]; then passed=$((passed + 1)); echo "ok   no name is defined by both libraries"
else failed=$((failed + 1)); failed_names+=("names in both libraries"); echo "FAIL defined by both libraries: $both"; fi
# The guide at the top of hone.h is code a reader copies: it must compile and link as written
# (it lacked two arguments once). Its lines are those indented under "Read it top to bottom".
echo "=== hone.h's example"
example=$(mktemp -d)
{ echo '#include "hone.h"'; echo 'int main(void) {';
  sed -n '/Read it top to bottom/,/^ \* Conventions/p' include/hone.h | sed -n 's/^ \*   //p'; echo 'return 0; }'; } >"$example/example.c"
# (with the flags the library was built with: a sanitizer build's library needs its runtime)
if ${CC:-cc} ${CFLAGS:-} -std=c11 -Wall -Werror -Wno-unused-variable -Iinclude -o "$example/example" "$example/example.c" "$build/libhone.a" \
    $(pkg-config --libs openblas zlib libcjson) -lm >"$example/log" 2>&1 && [ "$(grep -c 'hone_' "$example/example.c")" -ge 8 ]; then
    passed=$((passed + 1)); echo "ok   hone.h's example compiles and links"
else failed=$((failed + 1)); failed_names+=("hone.h's example"); echo "FAIL hone.h's example:"; cat "$example/example.c" "$example/log"; fi
rm -rf "$example"
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
