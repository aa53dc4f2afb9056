#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# twinring lab: Xen 4.17 + a PV dom0 + PV domUs under QEMU (TCG), one command.
#
#   host ── qemu-system-x86_64 (TCG, 2 vCPUs, -nic none)
#            └─ Xen (our build, perf counters)       console: com1 -> console.log
#                ├─ dom0 (pCPU 0): xl, xenstored, netback, blkback, scenario
#                └─ domU (pCPU 1): netfront, blkfront, netserver, fio, agent
#
# Usage: lab/lab.sh COMMAND [ARGS]
#   deps                      install the host packages the lab needs (apt-get)
#   versions                  print the pins (kernel, Xen) as KEY=VALUE
#   build                     build/cache hypervisor, kernel and roots; print paths
#   headers                   install linux-headers-$TWR_KVER; print its build dir
#   run [OPTS] SCENARIO...    boot once and run the scenarios (lab/scenarios/*.sh)
#       --stage DIR           overlay stage (default build/lab-stage, may be absent)
#       --timeout SECONDS     hard limit for the boot (default 2700)
#       --reps N              repetitions inside each scenario (default
#                             $TWR_REPS, else 6: docs/lab.md, Statistics)
#   test                      the system test: every scenario group of
#                             TWR_TEST_GROUPS, one boot each (exit 0/1/77)
#   main                      the quick start's main job: the comparison scenarios
#                             (test and main first fill the stage: $TWR_STAGE_CMD,
#                             or `make -C build lab-stage` if that target exists)
#   report                    plots and one HTML page of lab/results/ (latest runs
#                             and their history) in lab/results/report/index.html
#   publish SCENARIO...       copy latest-SCENARIO.json to lab/results/published/
#                             SCENARIO-<stamp>-<commit>.json (the only results
#                             in git), point the docs' tables at it, regenerate
#   doctables [--check]       regenerate the docs' measured tables from the
#                             published files (--check: fail if they differ)
#   clean                     drop the cache ($TWR_CACHE)
# Results: lab/results/<scenario>-<UTC ts>.json and latest-<scenario>.json
# (schema: docs/lab.md); logs of each boot in lab/results/logs/<ts>/.
set -euo pipefail

LAB=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$LAB/.." && pwd)
# shellcheck source=lib/common.sh
. "$LAB/lib/common.sh"

TWR_HOST_PKGS="qemu-system-x86 mmdebstrap cpio lz4 xz-utils flex bison dpkg-dev kmod
	python3 gcc make bc libc6-dev"

# The scenarios `main` runs; each later stack adds its own (net, blk, ...).
TWR_MAIN_SCENARIOS=${TWR_MAIN_SCENARIOS:-net blk}

cmd_deps() {
	local p missing=()
	for p in $TWR_HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || twr_skip "not root: cannot install ${missing[*]}"
	twr_log "deps: apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -qq update >/dev/null 2>&1 || true
	apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null ||
		twr_skip "apt-get could not install ${missing[*]}"
}

# phase NAME CMD...: run CMD, record its duration for the results' "phases".
phase() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" || rc=$?
	[ -n "${PHASES_FILE:-}" ] &&
		printf '%s\t%.1f\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" >>"$PHASES_FILE"
	return $rc
}

load_versions() {
	# shellcheck source=versions.sh
	. "$LAB/versions.sh" >/dev/null
	# shellcheck source=lib/kernel.sh
	. "$LAB/lib/kernel.sh"
	# shellcheck source=lib/roots.sh
	. "$LAB/lib/roots.sh"
	# shellcheck source=lib/overlay.sh
	. "$LAB/lib/overlay.sh"
	# shellcheck source=lib/boot.sh
	. "$LAB/lib/boot.sh"
}

# build_all: sets XEN KDIR DOM0_ROOT DOMU_ROOT PAYLOAD.
build_all() {
	phase build_xen build_xen
	phase build_kernel build_kernel
	phase build_roots build_roots
}
build_xen() { XEN=$("$TOP/hypervisor-patch/build-xen.sh"); }
build_kernel() { KDIR=$(twr_kernel_dir); }
build_roots() {
	DOM0_ROOT=$(twr_root_build dom0 "$KDIR")
	DOMU_ROOT=$(twr_root_build domU "$KDIR")
	PAYLOAD=$(twr_payload_build "$KDIR" "$DOMU_ROOT")
	# Mark what this run uses; roots and payloads unused for 3 days go.
	touch "$DOM0_ROOT" "$DOMU_ROOT" "$PAYLOAD"
	find "$TWR_CACHE/roots" -maxdepth 1 -name '*.cpio.lz4' -mtime +3 -delete 2>/dev/null || true
}

cmd_build() {
	cmd_deps
	load_versions
	build_all
	printf 'xen=%s\nvmlinux=%s\ndom0_root=%s\ndomU_root=%s\n' \
		"$XEN" "$KDIR/vmlinux" "$DOM0_ROOT" "$DOMU_ROOT"
}

cmd_headers() {
	load_versions
	local dir=/usr/src/linux-headers-$TWR_KVER
	if [ ! -e "$dir/Makefile" ]; then
		twr_log "headers: apt-get install linux-headers-$TWR_KVER"
		DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
			"linux-headers-$TWR_KVER" >/dev/null 2>&1 || {
			apt-get -qq update >/dev/null 2>&1 || true
			DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
				"linux-headers-$TWR_KVER" >/dev/null
		} || twr_skip "linux-headers-$TWR_KVER not installable from the host's apt sources"
	fi
	echo "$dir"
}

cmd_run() {
	local stage=$TOP/build/lab-stage timeout=2700 reps=${TWR_REPS:-6} extra_stage=""
	while [ $# -gt 0 ]; do
		case $1 in
		--stage) stage=$2; shift 2 ;;
		--extra-stage) extra_stage=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--reps) reps=$2; shift 2 ;;
		-*) twr_die "unknown option $1" ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || twr_die "run: name at least one scenario (lab/scenarios/*.sh)"
	local s
	for s in "$@"; do
		[ -f "$LAB/scenarios/$s.sh" ] || twr_die "no scenario lab/scenarios/$s.sh"
	done
	local scenarios stamp run rc=0
	scenarios=$(IFS=+; echo "$*")
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	run=$LAB/results/logs/$stamp
	# Keep the logs of the last 30 boots (a fresh clone has no logs/ yet).
	mkdir -p "$LAB/results/logs"
	find "$LAB/results/logs" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | head -n -30 |
		xargs -r rm -rf
	mkdir -p "$run"
	PHASES_FILE=$run/build-phases.tsv
	: >"$PHASES_FILE"
	phase deps cmd_deps
	phase versions load_versions
	twr_log "pins: kernel $TWR_KVER ($TWR_KPKG_VERSION), xen $TWR_XEN_VERSION"
	build_all

	twr_log "overlay: stage ${stage#"$TOP"/}${extra_stage:+ + $extra_stage}"
	phase overlay build_overlay "$stage" "$extra_stage" "$run"

	twr_log "boot: scenarios $scenarios (timeout ${timeout}s, logs in ${run#"$TOP"/})"
	local timed_out=""
	twr_boot "$run" "$XEN" "$KDIR/vmlinux" "$run/dom0.initrd" "$timeout" "$scenarios" \
		"twr.reps=$reps${TWR_BOOT_ARGS:+ $TWR_BOOT_ARGS}" || timed_out=--timed-out
	rm -f "$run/results.img" "$run/dom0.initrd" "$run"/overlay-*.cpio.lz4
	rm -rf "$run/overlay-dom0" "$run/overlay-domU" "$run/stage"
	local meta
	meta=$(printf '{"kver": "%s", "kpkg": "%s", "xen_pkg": "%s", "git": "%s", "stamp": "%s"}' \
		"$TWR_KVER" "$TWR_KPKG_VERSION" "$TWR_XEN_VERSION" \
		"$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo none)" "$stamp")
	python3 "$LAB/lib/results.py" --run "$run" --scenarios "$scenarios" \
		--outdir "$LAB/results" --stamp "$stamp" --meta "$meta" $timed_out || rc=1
	twr_log "run $([ $rc = 0 ] && echo PASSED || echo FAILED): $scenarios"
	return $rc
}

# build_overlay STAGE EXTRA RUNDIR: merge the stages, pack the overlays and
# concatenate dom0's initramfs: cached root + cached domU payload + overlay.
build_overlay() {
	local stage=$1 extra=$2 run=$3
	mkdir -p "$run/stage"
	[ -d "$stage" ] && cp -a "$stage/." "$run/stage/"
	[ -n "$extra" ] && [ -d "$extra" ] && cp -a "$extra/." "$run/stage/"
	twr_overlay_build "$run/stage" "$run"
	cat "$DOM0_ROOT" "$PAYLOAD" "$run/overlay-dom0.cpio.lz4" >"$run/dom0.initrd"
}

# selfcheck_stage DIR: build the lab's hello module against the pinned
# headers into DIR (a stage); returns 1 if headers are not installable.
selfcheck_stage() {
	local hdr out=$1
	hdr=$( (cmd_headers) 2>/dev/null) || return 1
	rm -rf "$out" "$TWR_CACHE/selfcheck-build"
	cp -a "$LAB/selfcheck/hello" "$TWR_CACHE/selfcheck-build"
	make -s -C "$hdr" M="$TWR_CACHE/selfcheck-build" modules >"$TWR_CACHE/selfcheck-build.log" 2>&1 ||
		twr_die "hello module does not build against $hdr (see $TWR_CACHE/selfcheck-build.log)"
	mkdir -p "$out/dom0/lib/modules/$TWR_KVER/extra" "$out/domU/lib/modules/$TWR_KVER/extra"
	cp "$TWR_CACHE/selfcheck-build/twr_hello.ko" "$out/dom0/lib/modules/$TWR_KVER/extra/"
	cp "$TWR_CACHE/selfcheck-build/twr_hello.ko" "$out/domU/lib/modules/$TWR_KVER/extra/"
}

# stage_hook: fill build/lab-stage before a test or main run. TWR_STAGE_CMD
# (a shell command) wins; otherwise `make -C build lab-stage` if the configured
# build tree has that target. Neither: the stage is used as it is.
stage_hook() {
	mkdir -p "$TWR_CACHE"
	if [ -n "${TWR_STAGE_CMD:-}" ]; then
		twr_log "stage: $TWR_STAGE_CMD"
		(cd "$TOP" && bash -c "$TWR_STAGE_CMD") || twr_die "stage command failed: $TWR_STAGE_CMD"
	elif [ -f "$TOP/build/Makefile" ] && grep -q '^lab-stage:' "$TOP/build/Makefile"; then
		twr_log "stage: make -C build lab-stage"
		make -s -C "$TOP/build" lab-stage >"$TWR_CACHE/lab-stage.log" 2>&1 || {
			tail -n 30 "$TWR_CACHE/lab-stage.log" >&2
			twr_die "make -C build lab-stage failed"
		}
	fi
}

# The system test: one boot per group ("a+b" shares a boot), so one stack's
# leftovers cannot colour the next stack's numbers or checks. A group whose
# scenario file is not in this tree is reported and left out.
# `baseline` (the standard drivers alone, judged by no ratio: net and blk
# measure them beside twinring in their own boots) is not among the default
# groups: it cost 86 s of the hour's budget for a number nothing reads
# (docs/lab.md, "Cost"). Run it by hand (lab/lab.sh run baseline), or add it:
# a group with baseline runs TWR_BASELINE_REPS repetitions.
# selfcheck, exitcost and guests share hostile's boot (one boot less), before
# it: exitcost then prices this run's net and blk counts (lab/lib/price.sh).
TWR_TEST_GROUPS=${TWR_TEST_GROUPS:-net+iotask blk toolstack+toolstack-scale selfcheck+exitcost+guests+hostile}
# toolstack-scale's 20 domUs of 80 MiB need a larger lab machine (its boot only).
TWR_SCALE_QEMU_MEM=${TWR_SCALE_QEMU_MEM:-5G}
TWR_BASELINE_REPS=${TWR_BASELINE_REPS:-1}

cmd_test() {
	local g s scen extra=$TWR_CACHE/selfcheck-stage rc=0 missing mem reps
	cmd_deps
	load_versions
	stage_hook
	selfcheck_stage "$extra" || {
		twr_log "selfcheck skipped: linux-headers-$TWR_KVER not installable"
		extra=""
	}
	for g in $TWR_TEST_GROUPS; do
		scen=() missing=""
		for s in ${g//+/ }; do
			[ "$s" = selfcheck ] && [ -z "$extra" ] && continue
			if [ -f "$LAB/scenarios/$s.sh" ]; then scen+=("$s"); else missing+=" $s"; fi
		done
		[ -z "$missing" ] || twr_log "test: no scenario file for$missing in this tree"
		[ ${#scen[@]} -gt 0 ] || continue
		mem=$TWR_QEMU_MEM reps=()
		[[ " ${scen[*]} " == *" toolstack-scale "* ]] && mem=$TWR_SCALE_QEMU_MEM
		# (The scenarios that share baseline's boot repeat nothing.)
		[[ " ${scen[*]} " == *" baseline "* ]] && reps=(--reps "$TWR_BASELINE_REPS")
		TWR_QEMU_MEM=$mem cmd_run ${extra:+--extra-stage "$extra"} "${reps[@]}" "${scen[@]}" || rc=1
		# exitcost's unit costs price the other stacks' counts (docs/exitcost.md).
		if [[ " ${scen[*]} " == *" exitcost "* ]] && [ -f "$TOP/lab/lib/price.sh" ]; then
			bash "$TOP/lab/lib/price.sh" || rc=1
		fi
	done
	return $rc
}

# The quick start's main job: build the tree if it is not built, then each
# comparison scenario in its own boot, then the side-by-side table.
cmd_main() {
	local rc=0 s files=()
	if [ ! -f "$TOP/build/Makefile" ] && [ -z "${TWR_STAGE_CMD:-}" ]; then
		twr_log "main: building the tree (tests/run.sh --build-only)"
		bash "$TOP/tests/run.sh" --build-only || twr_die "the build failed (see above)"
	fi
	stage_hook
	for s in $TWR_MAIN_SCENARIOS; do
		cmd_run "$@" "$s" || rc=$?
		[ -f "$LAB/results/latest-$s.json" ] && files+=("$LAB/results/latest-$s.json")
	done
	[ ${#files[@]} -gt 0 ] && python3 "$LAB/lib/results.py" --compare "${files[@]}"
	# A report that cannot be drawn must not change or hide the run's verdict.
	(cmd_report) || twr_log "ERROR: report: could not render lab/results/report/ (the run's status stands)"
	return $rc
}

# cmd_report: render lab/results/ with lib/report.py (docs/lab.md, Report).
# Debian's python3-matplotlib serves /usr/bin/python3, which need not be the
# python3 on PATH: use the first that imports matplotlib.
cmd_report() {
	local py out=$LAB/results/report
	py=$(report_python) || return 1
	"$py" "$LAB/lib/report.py" --results "$LAB/results" --out "$out" || return 1
	echo "report: ${out#"$TOP"/}/index.html"
}

report_python() {
	local py
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import matplotlib' >/dev/null 2>&1 && { echo "$py"; return 0; }
	done
	if [ "$(id -u)" != 0 ]; then
		twr_log "report: needs the Debian package python3-matplotlib; as root: apt-get install python3-matplotlib"
		return 1
	fi
	twr_log "report: apt-get install python3-matplotlib"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -qq install -y --no-install-recommends python3-matplotlib >/dev/null 2>&1 || {
		apt-get -qq update >/dev/null 2>&1 || true
		apt-get -qq install -y --no-install-recommends python3-matplotlib >/dev/null
	} || { twr_log "report: apt-get could not install python3-matplotlib"; return 1; }
	/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1 && { echo /usr/bin/python3; return 0; }
	twr_log "report: python3-matplotlib installed but /usr/bin/python3 cannot import matplotlib"
	return 1
}

# Everything runs from main, parsed whole before it starts, and `exit` ends it:
# editing this file while a (long) run executes it cannot derail that run.
main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	deps) cmd_deps ;;
	versions) "$LAB/versions.sh" ;;
	build) cmd_build ;;
	headers) cmd_headers ;;
	run) cmd_run "$@" ;;
	test) cmd_test ;;
	main) cmd_main "$@" ;;
	report) cmd_report ;;
	publish) python3 "$LAB/lib/doctables.py" --top "$TOP" --publish "$@" ;;
	doctables) python3 "$LAB/lib/doctables.py" --top "$TOP" "$@" ;;
	clean) rm -rf "$TWR_CACHE" ;;
	*)
		sed -n '/^# Usage/,/^# Results/p' "$0" | sed 's/^# \{0,1\}//'
		[ -z "$cmd" ] || return 2
		;;
	esac
}

main "$@"; exit
