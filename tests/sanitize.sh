#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run the whole `make check` under AddressSanitizer and UndefinedBehavior-
# Sanitizer: a VPATH build in build-asan/ (user space only, no modules), any
# sanitizer report aborts the test that triggered it and so fails the run.
# Prints the CUnit summaries of the run; exit status is make check's.
#
#   tests/sanitize.sh            configure (if needed), build, make check
#   CC=clang tests/sanitize.sh   the same with clang
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || autoreconf -fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="$san -g -O1 -fno-omit-frame-pointer"

# halt_on_error: the first report fails the test; leaks count as errors.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

mkdir -p build-asan
cd build-asan
# Reconfigure only when the flags changed: keeps incremental rebuilds cheap.
want="CC=${CC:-cc} CFLAGS=$cflags"
if [ ! -f Makefile ] || [ "$(cat .sanitize-config 2>/dev/null)" != "$want" ]; then
	../configure -q --with-kbuild=no CC="${CC:-cc}" CFLAGS="$cflags" LDFLAGS="$san"
	echo "$want" >.sanitize-config
fi

rc=0
make -j2 check >check.out 2>&1 || rc=$?
grep -E '^# (TOTAL|PASS|FAIL|ERROR):' check.out || tail -40 check.out
# The CUnit summaries, one per test program.
find . -name '*.log' ! -name test-suite.log -print0 | sort -z |
	xargs -0 -r grep -H -E '^ +tests +[0-9]+' |
	awk -F: '{ sub(/^\.\//, "", $1); sub(/\.log$/, "", $1); printf "%-40s %s\n", $1, $2 }' || true
if [ $rc -ne 0 ]; then
	echo "tests/sanitize.sh: make check failed under ASan+UBSan (logs in build-asan/)" >&2
	find . -name '*.log' ! -name test-suite.log -print0 |
		xargs -0 -r grep -l -E 'FAIL|ERROR: |runtime error|Sanitizer' 2>/dev/null |
		head -5 | xargs -r tail -40
	echo
fi
exit $rc
