#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build the libFuzzer targets with clang, ASan and UBSan (a VPATH build in
# build-fuzz/, user space only) and run each for a fixed time on a copy of
# its committed seed corpus (tests/fuzz/corpus/<target>/). Fails if any
# target crashes, leaks, times out or trips a sanitizer; the input that did
# it is kept as build-fuzz/artifacts/<target>-crash-... . Prints each
# target's executions.
#
#   tests/fuzz.sh                 every target, TWR_FUZZ_SECONDS (12) each
#   TWR_FUZZ_SECONDS=600 tests/fuzz.sh fuzz_consumer
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# 12 s each keeps the default run of all eight targets (tests/run.sh's
# fuzz step) under 3 minutes with the build.
secs=${TWR_FUZZ_SECONDS:-12}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_consumer fuzz_producer fuzz_spec fuzz_xlcfg
	fuzz_blk_check fuzz_net_hdr fuzz_iotask_chan fuzz_xs_value)

# Where each target is built and where its committed seed corpus lives.
declare -A bin=([fuzz_consumer]=tests/fuzz/fuzz_consumer [fuzz_producer]=tests/fuzz/fuzz_producer
		[fuzz_spec]=tests/fuzz/fuzz_spec [fuzz_xlcfg]=tests/fuzz/fuzz_xlcfg
		[fuzz_blk_check]=tests/fuzz/fuzz_blk_check
		[fuzz_net_hdr]=tests/fuzz/fuzz_net_hdr
		[fuzz_iotask_chan]=tests/fuzz/fuzz_iotask_chan
		[fuzz_xs_value]=tests/fuzz/fuzz_xs_value)
declare -A corpus=([fuzz_consumer]=tests/fuzz/corpus/fuzz_consumer
		   [fuzz_producer]=tests/fuzz/corpus/fuzz_producer
		   [fuzz_spec]=tests/fuzz/corpus/fuzz_spec [fuzz_xlcfg]=tests/fuzz/corpus/fuzz_xlcfg
		   [fuzz_blk_check]=tests/fuzz/corpus/fuzz_blk_check
		   [fuzz_net_hdr]=tests/fuzz/corpus/fuzz_net_hdr
		   [fuzz_iotask_chan]=tests/fuzz/corpus/fuzz_iotask_chan
		   [fuzz_xs_value]=tests/fuzz/corpus/fuzz_xs_value)

if ! command -v clang >/dev/null; then
	echo "tests/fuzz.sh: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi
[ -x configure ] || autoreconf -fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
# fuzzer-no-link: coverage instrumentation for the ring library as well;
# the targets themselves link with -fsanitize=fuzzer (tests/fuzz/local.mk).
cflags="$san -fsanitize=fuzzer-no-link -g -O1 -fno-omit-frame-pointer"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

mkdir -p build-fuzz
cd build-fuzz
want="CFLAGS=$cflags"
if [ ! -f Makefile ] || [ "$(cat .fuzz-config 2>/dev/null)" != "$want" ]; then
	../configure -q --enable-fuzz --with-kbuild=no CC=clang CFLAGS="$cflags" LDFLAGS="$san"
	echo "$want" >.fuzz-config
fi
make -j2 $(for t in "${targets[@]}"; do printf '%s ' "${bin[$t]}"; done) >make.out 2>&1 ||
	{ tail -40 make.out; echo "tests/fuzz.sh: build failed" >&2; exit 1; }

# Inputs as big as each format needs: header, steps/ops, an 8 KiB data area;
# the header of a request, a packet or a value; a grant table page and two
# directory frames.
declare -A max_len=([fuzz_consumer]=8720 [fuzz_producer]=2056
		    [fuzz_blk_check]=44
		    [fuzz_net_hdr]=20
		    [fuzz_iotask_chan]=12308
		    [fuzz_xs_value]=32)

mkdir -p artifacts
rc=0
for t in "${targets[@]}"; do
	work=$(mktemp -d "${TMPDIR:-/tmp}/twr-$t.XXXXXX")
	cp -r "../${corpus[$t]}/." "$work/"
	args=(-max_total_time="$secs" -max_len="${max_len[$t]:-4096}" -timeout=10
	      -rss_limit_mb=1024 -error_exitcode=1 -print_final_stats=1
	      -artifact_prefix="artifacts/$t-")
	[ -n "${TWR_FUZZ_SEED:-}" ] && args+=(-seed="$TWR_FUZZ_SEED")
	trc=0
	"./${bin[$t]}" "${args[@]}" "$work" >"$t.log" 2>&1 || trc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$t.log" | tail -1 || true)
	if [ $trc -ne 0 ]; then
		echo "$t: FAILED (exit $trc) after ${execs:-?} executions; log build-fuzz/$t.log" >&2
		grep -E -A25 '==[0-9]+==ERROR|invariant violated|runtime error|deadly signal' "$t.log" |
			head -40 >&2 || tail -30 "$t.log" >&2
		rc=1
	else
		echo "$t: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) inputs, no crash"
	fi
	rm -rf "$work"
done
exit $rc
