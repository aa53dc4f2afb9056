# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# One boot of the lab machine: Xen via QEMU's multiboot loader, dom0's kernel
# and initramfs as modules, a raw result disk that dom0 fills with a tar.

TWR_QEMU_MEM=${TWR_QEMU_MEM:-3G}
# The emulated CPU (QEMU -cpu).
TWR_QEMU_CPU=${TWR_QEMU_CPU:-max,-smap,-smep}
TWR_DOM0_MEM=${TWR_DOM0_MEM:-1536M}

# twr_boot_lock: take the lab machine (flock on fd 7) in arrival order: flock
# alone is not fair, and a run could starve behind a stream of newer ones.
# Each waiter holds a ticket (arrival time, pid); the oldest live one goes.
twr_boot_lock() {
	local q=$TWR_CACHE/boot.queue me t first said=0
	mkdir -p "$q"
	me=$(date +%s%N)-$$
	: >"$q/$me"
	while :; do
		first=
		for t in $(ls "$q" | sort); do
			if kill -0 "${t##*-}" 2>/dev/null; then
				first=$t
				break
			fi
			rm -f "$q/$t"
		done
		if [ "$first" = "$me" ] && flock -n 7; then
			break
		fi
		if [ $said = 0 ]; then
			twr_log "boot: waiting for the lab machine ($(cat "$TWR_CACHE/boot.owner" 2>/dev/null); $(ls "$q" | wc -l) in the queue)"
			said=1
		fi
		sleep 2
	done
	rm -f "$q/$me"
}

# twr_boot RUNDIR XEN VMLINUX INITRD TIMEOUT SCENARIOS [TWR-ARGS]: boot, echo
# the guest's TWR- progress lines, record when each phase started (host clock)
# in RUNDIR/host-phases.tsv and unpack dom0's results into RUNDIR/guest.
# Returns 0 if the machine powered off by itself, 1 on timeout or error.
twr_boot() {
	local run=$1 xen=$2 vmlinux=$3 initrd=$4 timeout=$5 scenarios=$6 extra=${7:-}
	local log=$run/console.log qpid qrc
	local xen_args="console=com1 com1=115200,8n1 dom0_mem=$TWR_DOM0_MEM,max:$TWR_DOM0_MEM"
	xen_args="$xen_args dom0_max_vcpus=1 dom0_vcpus_pin loglvl=all guest_loglvl=all"
	# clocksource=xen: TCG's TSC drifts; the watchdog would switch mid-run anyway.
	local dom0_args="console=hvc0 earlyprintk=xen clocksource=xen rdinit=/init twr.scenarios=$scenarios $extra"

	case "$vmlinux$initrd$dom0_args" in
	*,*) twr_die "paths and dom0 arguments may not contain ',' (QEMU's multiboot module separator)" ;;
	esac
	# One lab machine at a time: TCG on this 2-core host is CPU-bound, and two
	# boots side by side would slow each other past their timeouts and make
	# every number meaningless. The timeout starts once the machine is ours.
	# TWR_BOOT_LOCK=0 skips the lock (debugging only: numbers suffer).
	exec 7>"$TWR_CACHE/boot.lock"
	[ "${TWR_BOOT_LOCK:-1}" != 0 ] && twr_boot_lock
	echo "pid $$, scenarios $scenarios, since $(date -u +%H:%M:%S)" >"$TWR_CACHE/boot.owner"
	truncate -s 0 "$run/results.img" && truncate -s 512M "$run/results.img"
	: >"$log"
	printf 'qemu_start\t%s\n' "$(date +%s.%N)" >"$run/host-phases.tsv"
	# timeout(1) is the watchdog: it ends QEMU and exits 124, and nothing of
	# it outlives the boot (a sleeping watchdog subshell would, holding the
	# caller's stdout open: a piped `tests/run.sh | tee` hung on it).
	timeout -k 15 "$timeout" qemu-system-x86_64 -accel tcg -cpu "$TWR_QEMU_CPU" -smp 2 -m "$TWR_QEMU_MEM" \
		-nographic -no-reboot -nic none \
		-kernel "$xen" -append "$xen_args" \
		-initrd "$vmlinux $dom0_args,$initrd" \
		-drive "file=$run/results.img,format=raw,if=virtio" \
		</dev/null >"$log" 2>&1 7>&- &
	qpid=$!
	echo "$qpid" >"$run/qemu.pid"
	# No filter between tail and the loop: a pipe-buffered one would delay the
	# lines, and their timestamps, to the end of the boot.
	tail -n +1 -F --pid="$qpid" "$log" 2>/dev/null 7>&- | while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		*TWR-PHASE*)
			set -- ${line#*TWR-PHASE }
			printf '%s\t%s\n' "$1" "$(date +%s.%N)" >>"$run/host-phases.tsv"
			twr_log "phase $1"
			;;
		*TWR-LOG* | *TWR-POWEROFF* | *TWR-ERROR*) twr_log "  ${line#*TWR-}" ;;
		*TWR-CHECK*false*) twr_log "  FAILED ${line#*TWR-CHECK }" ;;
		esac
	done
	wait "$qpid"
	qrc=$?
	printf 'qemu_exit\t%s\n' "$(date +%s.%N)" >>"$run/host-phases.tsv"
	# 124: timeout ended it; 137: it had to KILL a QEMU that ignored TERM.
	case $qrc in 124 | 137) touch "$run/timed-out" ;; esac
	rm -f "$run/qemu.pid"
	exec 7>&-
	mkdir -p "$run/guest"
	tar -xf "$run/results.img" -C "$run/guest" 2>/dev/null ||
		twr_log "no results on the result disk (dom0 did not get to pack them)"
	if [ -e "$run/timed-out" ]; then
		twr_log "TIMEOUT after ${timeout}s; last console lines:"
		tail -n 40 "$log" | tr -d '\r' | sed 's/^/    /' >&2
		return 1
	fi
	[ "$qrc" = 0 ] || twr_log "qemu exited with status $qrc"
	return 0
}
