#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario blk: the twinring block device against blkfront/blkback, same boot,
# same domU, same kind of backing file.
#
#   /run/twr/disk0.img ── loop ── blkback ═══ grants ═══ blkfront ── /dev/xvda
#   /run/twr/disk1.img ── twinblk-back ═══ ring A/B, granted once ═══ twinblk-front ── /dev/twa
#
# fio (lib.sh run_fio): seqwrite_1m, seqread_1m, randwrite_4k, randread_4k on
# each stack in turn, writes verified with crc32c (verify_fatal: any mismatch
# fails fio, and so the check); xenperf around each job. Then:
#  - lifecycle: the data is in the file; detach while idle (the disk goes
#    away in the domU);
#  - hostile frontend (twinblk-front inject_fault=1: a request beyond the
#    end of the disk): dom0 logs the violation, closes, the domU loses the
#    disk, nobody crashes;
#  - hostile backend (twinblk-back inject_fault=1: a response id never
#    sent): the domU logs it and drops the disk;
#  - xl destroy in the middle of fio: the backend lets go of everything
#    (twinblk-back unloads: no channel, no mapping, no thread left) and the
#    backing file keeps its size.
# Stacks in the results: "blkfront", "twinring-blk" and
# "twinring-blk-h<hold>p<poll>" (the backend holds responses up to <hold> us
# for more requests and polls ring A <poll> us before it sleeps;
# TWR_BLK_HOLD_US default 200, TWR_BLK_POLL_US default 500, both 0 skip it).
. /lab/scenarios/lib.sh

DOMU=twr-blk
DOMU_IP=10.99.0.2
TWR_AGENT=$DOMU_IP
VDEV=twa
fail=0

# blk_attach_xs DOMID TARGET VDEV: the xenstore nodes of
# include/twinring/xenbus.h written directly, for a stage without twinctl.
blk_attach_xs() {
	local domid=$1 be=/local/domain/0/backend/twinblk/$1/0 fe=/local/domain/$1/device/twinblk/0
	# One xenstore-write is one transaction: the backend probes a complete
	# directory.
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 \
		"$be/target" "$2" "$be/mode" w "$be/vdev" "$3" "$be/max-queues" 4 "$be/iotask-ready" 1 "$be/state" 1 &&
		xenstore-chmod -r "$be" n0 "r$domid" &&
		xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 &&
		xenstore-chmod -r "$fe" "n$domid" r0
}

# blk_agent SECONDS CMD: like twr_domu_run, but gives up after SECONDS (a
# stuck command in the domU must not stall the boot) and without the status.
blk_agent() {
	local t=$1
	shift
	printf '%s\n' "$*" | timeout "$t" socat -t 5 -T "$t" - \
		"TCP:$TWR_AGENT:$TWR_AGENT_PORT,connect-timeout=2" 2>/dev/null | sed '/^TWR-RC [0-9]*$/d'
}

# blk_domu_wait_dev PRESENT|ABSENT: wait up to 60 s for /dev/$VDEV.
blk_domu_wait_dev() {
	local i want=$1
	for i in $(seq 60); do
		if twr_domu_run "$TWR_AGENT" test -b /dev/$VDEV >/dev/null 2>&1; then
			[ "$want" = present ] && return 0
		else
			[ "$want" = absent ] && return 0
		fi
		sleep 1
	done
	return 1
}

twr_phase blk_setup
for m in twinblk-back; do
	if ! modprobe "$m"; then
		twr_check "blk_modprobe_$m" false "modprobe $m failed in dom0 (staged? see staged-modules.txt)"
		exit 1
	fi
done
twr_disk_create /run/twr/disk0.img "$TWR_DISK_MB"
twr_disk_create /run/twr/disk1.img "$TWR_DISK_MB"
twr_domu_create "$DOMU" "$DOMU_IP/24" /run/twr/disk0.img || exit 1
domid=$(xl domid "$DOMU")
if ! twr_domu_run "$TWR_AGENT" modprobe twinblk-front; then
	twr_check blk_modprobe_front false "modprobe twinblk-front failed in the domU"
	exit 1
fi

# blk_attach [wait]: attach disk1.img as /dev/$VDEV (sets how, devid); 0 when
# the disk is there. With "wait" (twinctl only), attach without the go-ahead
# first and check that the backend holds off until iotask-ready exists.
blk_attach() {
	local out rc ga=--go-ahead be st i seen
	devid=0
	if command -v twinctl >/dev/null 2>&1; then
		how=twinctl
		[ "${1:-}" = wait ] && ga=
		out=$(twinctl $ga attach "$DOMU" blk target=/run/twr/disk1.img vdev=$VDEV mode=w queues=4 2>&1)
		rc=$?
		echo "$out"
		devid=$(echo "$out" | sed -n 's/.*twinblk device \([0-9]*\).*/\1/p' | head -n1)
		devid=${devid:-0}
		if [ -z "$ga" ]; then
			be=/local/domain/0/backend/twinblk/$domid/$devid
			seen=no
			for i in $(seq 30); do
				dmesg | grep -q "backend/twinblk/$domid/$devid: waiting for the toolstack's go-ahead" &&
					{ seen=yes; break; }
				sleep 1
			done
			st=$(xenstore-read "$be/state" 2>/dev/null)/$(xenstore-read "/local/domain/$domid/device/twinblk/$devid/state" 2>/dev/null)
			if [ $seen = yes ] && [ "$st" = 2/3 ] && ! twr_domu_run "$TWR_AGENT" test -b /dev/$VDEV >/dev/null 2>&1; then
				twr_check blk_waits_for_go_ahead true "no iotask-ready: states $st, no /dev/$VDEV, the backend says it waits"
			else
				twr_check blk_waits_for_go_ahead false "states $st (want 2/3), dmesg line seen: $seen"
				fail=1
			fi
			xenstore-write "$be/iotask-ready" 1
		fi
	else
		how=xenstore-write
		blk_attach_xs "$domid" /run/twr/disk1.img $VDEV
		rc=$?
	fi
	[ $rc = 0 ] && blk_domu_wait_dev present
}

# blk_detach: detach device $devid and wait for /dev/$VDEV to go.
blk_detach() {
	local be=/local/domain/0/backend/twinblk/$domid/$devid rc i
	if [ "$how" = twinctl ]; then
		twinctl detach "$DOMU" blk "$devid"
		rc=$?
	else
		# libxl's way: offline, then Closing; the drivers do the rest.
		xenstore-write "$be/online" 0 "$be/state" 5
		rc=$?
		for i in $(seq 30); do
			[ "$(xenstore-read "$be/state" 2>/dev/null)" = 6 ] && break
			sleep 1
		done
		xenstore-rm "$be" "/local/domain/$domid/device/twinblk/$devid" 2>/dev/null
	fi
	[ $rc = 0 ] && blk_domu_wait_dev absent
}

if blk_attach wait; then
	twr_check blk_attach true "/dev/$VDEV in the domU ($how)"
else
	twr_check blk_attach false "/dev/$VDEV did not appear ($how)"
	xenstore-ls -f "/local/domain/0/backend/twinblk" 2>&1 | head -n 40
	twr_domu_run "$TWR_AGENT" dmesg | tail -n 40
	exit 1
fi
size_twr=$(twr_domu_run "$TWR_AGENT" blockdev --getsize64 /dev/$VDEV)
size_file=$(stat -c %s /run/twr/disk1.img)
twr_check blk_size "$([ "$size_twr" = "$size_file" ] && echo true || echo false)" \
	"/dev/$VDEV has $size_twr bytes, the file $size_file"

twr_phase blk_warmup
twr_warmup_fio /dev/xvda
twr_warmup_fio /dev/$VDEV
for rep in $(seq "${TWR_REPS:-1}"); do
	twr_phase "blk_fio_$rep"
	# seqwrite first: it fills the disks the read jobs then read.
	for t in seqwrite_1m seqread_1m randwrite_4k randread_4k; do
		run_fio blkfront "$t" /dev/xvda || fail=1
		run_fio twinring-blk "$t" /dev/$VDEV || fail=1
		# The same with the backend holding responses up to
		# TWR_BLK_HOLD_US (coalescing) and polling ring A up to
		# TWR_BLK_POLL_US before it sleeps; both 0 skips this stack.
		hold=${TWR_BLK_HOLD_US:-200} poll=${TWR_BLK_POLL_US:-500}
		if [ "$hold$poll" != 00 ]; then
			echo "$hold" >/sys/module/twinblk_back/parameters/hold_us
			echo "$poll" >/sys/module/twinblk_back/parameters/poll_us
			run_fio "twinring-blk-h${hold}p${poll}" "$t" /dev/$VDEV || fail=1
			echo 0 >/sys/module/twinblk_back/parameters/hold_us
			echo 0 >/sys/module/twinblk_back/parameters/poll_us
		fi
	done
done
twr_domu_run "$TWR_AGENT" 'grep -H . /sys/block/'$VDEV'/twinblk/*' >"$TWR_RESULTS/raw/twinring-blk-sysfs.txt"

twr_phase blk_lifecycle
# The data written through twinblk is in the file: compare the first MiB as
# the domU reads it with the file in dom0.
dsum=$(twr_domu_run "$TWR_AGENT" "dd if=/dev/$VDEV bs=1M count=1 iflag=direct 2>/dev/null | md5sum" | cut -d' ' -f1)
fsum=$(dd if=/run/twr/disk1.img bs=1M count=1 2>/dev/null | md5sum | cut -d' ' -f1)
twr_check blk_data_in_file "$([ -n "$dsum" ] && [ "$dsum" = "$fsum" ] && echo true || echo false)" \
	"first MiB: domU $dsum, file $fsum"

if blk_detach; then
	twr_check blk_detach_idle true "/dev/$VDEV gone after detach ($how)"
else
	twr_check blk_detach_idle false "/dev/$VDEV still present after detach ($how)"
	fail=1
fi

# blk_hostile NAME SIDE-LOG-CMD PATTERN: after a fault was armed, do one
# read, then expect PATTERN in the log and the disk gone.
blk_hostile() {
	local name=$1 pattern=$3 log
	twr_domu_run "$TWR_AGENT" dd if=/dev/$VDEV of=/dev/null bs=4k count=1 iflag=direct >/dev/null 2>&1
	if blk_domu_wait_dev absent; then
		twr_check "blk_${name}_closed" true "/dev/$VDEV removed after the violation"
	else
		twr_check "blk_${name}_closed" false "/dev/$VDEV still there after the violation"
		fail=1
	fi
	log=$($2 2>/dev/null | grep 'broke the protocol' | tail -n1)
	if echo "$log" | grep -q "$pattern"; then
		twr_check "blk_${name}_logged" true "$log"
	else
		twr_check "blk_${name}_logged" false "no '$pattern' line (last: ${log:-none})"
		fail=1
	fi
	blk_detach >/dev/null 2>&1
}

twr_phase blk_hostile_front
if blk_attach >/dev/null; then
	twr_domu_run "$TWR_AGENT" 'echo 1 >/sys/module/twinblk_front/parameters/inject_fault'
	blk_hostile hostile_front dmesg "request beyond the end of the disk"
else
	twr_check blk_hostile_front_attach false "re-attach failed"
	fail=1
fi

twr_phase blk_hostile_back
if blk_attach >/dev/null; then
	echo 1 >/sys/module/twinblk_back/parameters/inject_fault
	blk_hostile hostile_back "twr_domu_run $TWR_AGENT dmesg" "response for an id not in flight"
else
	twr_check blk_hostile_back_attach false "re-attach failed"
	fail=1
fi

twr_phase blk_destroy_mid_fio
if blk_attach >/dev/null; then
	# Detached from the agent's socket (stdin too), or the agent waits for it.
	blk_agent 30 "setsid fio --name=bg --filename=/dev/$VDEV --direct=1 --ioengine=libaio --rw=randrw --bs=64k --iodepth=16 --runtime=120 --time_based </dev/null >/dev/null 2>&1 &"
	sleep 3
	r1=$(blk_agent 20 cat /sys/block/$VDEV/twinblk/reqs)
	sleep 3
	r2=$(blk_agent 20 cat /sys/block/$VDEV/twinblk/reqs)
	if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ]; then
		twr_check blk_bg_io_progress true "background fio: $r1 -> $r2 requests in 3 s"
	else
		twr_check blk_bg_io_progress false "background fio: '$r1' -> '$r2' requests in 3 s"
		fail=1
		blk_agent 20 "cat /sys/block/$VDEV/twinblk/rings; grep . /sys/block/$VDEV/twinblk/*; grep -i xen /proc/interrupts"
		cat /sys/bus/xen-backend/devices/twinblk-*/twinblk/rings
		for p in $(pgrep twrblk); do echo "== $p"; cat /proc/$p/stack; done
	fi
	blk_agent 20 dmesg >"$TWR_RESULTS/domU-$DOMU-dmesg.txt"
	xl destroy "$DOMU" || fail=1
	for _ in $(seq 30); do
		pgrep -f twrblk >/dev/null || break
		sleep 1
	done
	xenstore-rm "/local/domain/0/backend/twinblk/$domid" 2>/dev/null
	if ! pgrep -f twrblk >/dev/null && rmmod twinblk-back; then
		twr_check blk_destroy_cleanup true "no worker left and twinblk-back unloaded after xl destroy mid-fio"
	else
		twr_check blk_destroy_cleanup false "workers: $(pgrep -f twrblk | wc -l), twinblk-back refcount $(cat /sys/module/twinblk_back/refcnt 2>/dev/null)"
		fail=1
	fi
	size_after=$(stat -c %s /run/twr/disk1.img)
	twr_check blk_destroy_file_intact "$([ "$size_after" = "$size_file" ] && echo true || echo false)" \
		"backing file $size_after bytes after destroy (was $size_file)"
else
	twr_check blk_destroy_attach false "re-attach failed"
	fail=1
fi

twr_phase blk_teardown
if dmesg | grep 'broke the protocol' | grep -vq 'request beyond the end of the disk'; then
	twr_check blk_no_other_violation false "dom0 reported an unexpected violation: $(dmesg | grep 'broke the protocol' | head -n1)"
	fail=1
fi
xl list "$DOMU" >/dev/null 2>&1 && xl destroy "$DOMU"
exit $fail
