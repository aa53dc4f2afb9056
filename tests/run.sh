#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The README's test command: everything twinring tests, on a fresh Debian 12
# machine, as root. Installs its own build dependencies.
#
#   tests/run.sh            unit tests, stress, sanitizers, fuzzers, then the lab
#   tests/run.sh --no-lab   everything but the lab system test
#   tests/run.sh --lab-only only the lab system test
#   tests/run.sh --build-only  install the dependencies and build, nothing else
#
# Ends with one line "N passed, N failed" counting the unit tests (CUnit) and
# the lab checks, and exits non-zero if anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

run_unit=1 run_lab=1 build_only=0
for a in "$@"; do
	case $a in
	--build-only) build_only=1 ;;
	--no-lab) run_lab=0 ;;
	--lab-only) run_unit=0 ;;
	-h|--help) sed -n '3,14p' "$0"; exit 0 ;;
	*) echo "tests/run.sh: unknown option '$a' (see --help)" >&2; exit 2 ;;
	esac
done

t0=$(date +%s)
# The lab results this run writes are the ones newer than this stamp (not
# whole seconds: a clone checked out in the same second as t0 would count).
t0_stamp=$(mktemp)
trap 'rm -f "$t0_stamp"' EXIT
say() { printf '[tests %4ds] %s\n' $(( $(date +%s) - t0 )) "$*"; }
failed_steps=()
skipped_steps=()
step() {	# step <name> <command...>: run, remember failure, keep going
	local name=$1 rc=0; shift
	say "$name ..."
	"$@" || rc=$?
	case $rc in
	0) say "$name: ok" ;;
	77) say "$name: SKIPPED (a prerequisite is missing, see above)"; skipped_steps+=("$name") ;;
	*) say "$name: FAILED"; failed_steps+=("$name") ;;
	esac
}

# --- dependencies ------------------------------------------------------------
kver=""
if [ -x lab/versions.sh ]; then
	kver=$(lab/versions.sh kver 2>/dev/null || true)
fi
# kmod: tests/install.sh reads the modules' vermagic with modinfo; python3:
# the cost-report test and the lab summary below; cppcheck, sparse: make style;
# dpkg-dev .. dkms: tests/pkg/check-debian.sh (debian/control's Build-Depends
# are in the list above, plus dh-dkms).
deps=(autoconf automake libtool pkg-config make gcc libcunit1-dev clang
      libclang-rt-14-dev cppcheck sparse libxen-dev kmod python3 python3-matplotlib
      dpkg-dev debhelper dh-dkms lintian fakeroot dkms git)
[ -n "$kver" ] && deps+=("linux-headers-$kver")
need=()
for p in "${deps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "tests/run.sh: missing packages ${need[*]}; run as root so they can be installed" >&2
		exit 1
	fi
	say "installing ${need[*]}"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || {
		echo "tests/run.sh: apt-get install ${need[*]} failed" >&2; exit 1; }
fi

# --- unit tests --------------------------------------------------------------
kbuild_arg=()
[ -n "$kver" ] && kbuild_arg=(--with-kbuild="/usr/src/linux-headers-$kver")

build_main() (
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
	mkdir -p build && cd build || exit 1
	../configure -q "${kbuild_arg[@]}" && make -j2 >make.out 2>&1 ||
		{ tail -40 make.out; exit 1; }
)
check_main() {
	make -C build -j2 check >build/check.out 2>&1
	local rc=$?
	[ $rc -eq 0 ] || { tail -60 build/check.out; find build -name '*.log' -newer build/make.out \
		-exec grep -l -E 'FAIL|Failed|failed' {} + 2>/dev/null | head -5 | xargs -r tail -30; }
	return $rc
}

if [ $build_only = 1 ]; then
	build_main
	exit
fi
if [ $run_unit = 1 ]; then
	step "build" build_main
	step "unit tests (make check)" check_main
	step "static checks (make style: cppcheck, sparse)" make -C build style
	[ -x tests/sanitize.sh ] && step "unit tests under ASan+UBSan" tests/sanitize.sh
	[ -x tests/fuzz.sh ] && step "fuzzers" tests/fuzz.sh
	[ -x tests/pkg/check-debian.sh ] &&
		step "Debian packages (dpkg-buildpackage, lintian, DKMS)" tests/pkg/check-debian.sh
	[ -x tests/pkg/check-hypervisor-deb.sh ] &&
		step "the hypervisor's Debian package (build, lintian, install, purge)" tests/pkg/check-hypervisor-deb.sh
fi

# --- lab system test ---------------------------------------------------------
if [ $run_lab = 1 ]; then
	if [ -x lab/lab.sh ]; then
		step "lab system test" lab/lab.sh test
	else
		say "lab: lab/lab.sh not present in this tree"
	fi
fi

# --- summary -----------------------------------------------------------------
# CUnit's "Run Summary" rows: "tests  <total> <ran> <passed> <failed> <inactive>".
passed=0 failed=0
while read -r _ _ ran pass fail _; do
	passed=$((passed + pass)); failed=$((failed + fail))
done < <(find build build-asan -name '*.log' 2>/dev/null | xargs -r grep -h -E '^ +tests +[0-9]+' 2>/dev/null)
# Lab checks from the results written by this run.
if [ $run_lab = 1 ] && [ -d lab/results ]; then
	for f in $(find lab/results -name 'latest-*.json' -newer "$t0_stamp" 2>/dev/null); do
		p=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])).get("checks",[]); print(sum(1 for x in c if x.get("pass")), sum(1 for x in c if not x.get("pass")))' "$f" 2>/dev/null || echo "0 1")
		passed=$((passed + ${p% *})); failed=$((failed + ${p#* }))
	done
fi
failed=$((failed + ${#failed_steps[@]}))
say "done in $(( $(date +%s) - t0 ))s"
if [ ${#failed_steps[@]} -gt 0 ]; then
	say "failed steps: ${failed_steps[*]}"
fi
if [ ${#skipped_steps[@]} -gt 0 ]; then
	say "skipped steps: ${skipped_steps[*]}"
	echo "$passed passed, $failed failed, ${#skipped_steps[@]} skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
