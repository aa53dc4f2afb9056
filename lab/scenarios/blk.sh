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
# fails fio, and so the check); xenperf around each job. Then, each stack on
# its own disk of the same kind (docs/blk.md, "Benchmarks"):
#
#   delay0.img ── loop ── dm-delay twr-delay0 ── blkback ═══ blkfront ── /dev/xvdb
#   delay1.img ── loop ── dm-delay twr-delay1 ── twinblk-back ═══ twinblk-front ── /dev/twb
#   bdev0.img ── loop ── blkback ═══ blkfront ── /dev/xvdc
#   bdev1.img ── loop ── twinblk-back ═══ twinblk-front ── /dev/twc
#
#  - latency: randread_4k_delay_qd{1,16,64}, randwrite_4k_delay_qd64 on the
#    dm-delay disks (TWR_BLK_DELAY_MS on every read and write, default 5),
#    dom0's page cache dropped before each job;
#  - block device target: randread_4k_bdev, randwrite_4k_bdev on the loops;
#  - a file on ext4 (loop in dom0) as /dev/twe: direct I/O through the
#    filesystem, fio verify at bs 512, 4k, 128k;
#  - read-only (xvdd, twg: mode r) and 4k logical sectors (xvde, twh: loop
#    devices with 4096-byte sectors), each pair beside the other stack;
#  - multi-queue: a second domU with 2 vCPUs (TWR_EXTRA_DOMU_MEM MiB, default
#    512: its root unpacks into it), blkfront with its defaults, twinblk with
#    queues=2: mq_randread_4k.
# Then:
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
# Stacks in the results: "blkfront" and "twinring-blk".
. /lab/scenarios/lib.sh

DOMU=twr-blk
# twinblk-back's own threads: a channel's (twrblk<domid>.<n>) and its
# workqueue's rescuer (twrio<domid>.<n>); kernel workers that served the
# workqueue keep its name in theirs ("kworker/u4:1-twrio5.0"): not matched.
TWR_BLK_THREADS='twr(blk|io)[0-9]+\.[0-9]+'
DOMU_IP=10.99.0.2
TWR_AGENT=$DOMU_IP
VDEV=twa
fail=0

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

# blk_twr_attach NAME TARGET VDEV QUEUES DEVID [MODE]: attach TARGET to
# domain NAME as twinblk VDEV with the go-ahead ($how: twinctl, or the
# xenstore nodes as device DEVID), mode w unless MODE. Sets xdevid; 0 on
# success.
blk_twr_attach() {
	local out rc mode=${6:-w}
	xdevid=$5
	if [ "$how" = twinctl ]; then
		out=$(twinctl --go-ahead attach "$1" blk target="$2" vdev="$3" mode="$mode" queues="$4" 2>&1)
		rc=$?
		echo "$out"
		xdevid=$(echo "$out" | sed -n 's/.*twinblk device \([0-9]*\).*/\1/p' | head -n1)
		return $rc
	fi
	blk_attach_xs "$(xl domid "$1")" "$2" "$3" "$5" "$4" 1 "$mode"
}

# blk_twr_detach NAME DEVID: detach twinblk device DEVID of domain NAME.
blk_twr_detach() {
	if [ "$how" = twinctl ]; then
		twinctl detach "$1" blk "$2"
		return
	fi
	detach_xs twinblk "$(xl domid "$1")" "$2"
}

# blk_wait_devs AGENT PRESENT|ABSENT DEV...: wait up to 60 s until every
# DEV is (or none is) a block device in the domU at AGENT.
blk_wait_devs() {
	local agent=$1 want=$2 t
	shift 2
	if [ "$want" = present ]; then
		t="$(printf 'test -b %s && ' "$@")true"
	else
		t="$(printf '! test -e %s && ' "$@")true"
	fi
	for _ in $(seq 60); do
		twr_domu_run "$agent" "$t" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# blk_cold: write back and drop dom0's page cache. twinblk-back reads and
# writes its target through it (buffered I/O) and blkback does not: without
# this a dm-delay job would read what the previous job left cached.
blk_cold() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# blk_filled FILE...: files of $TWR_DISK_MB MiB with the same random bytes,
# so read jobs read data, not holes.
blk_filled() {
	local f first=$1
	dd if=/dev/urandom of="$first" bs=1M count="$TWR_DISK_MB" status=none || return 1
	shift
	for f in "$@"; do
		cp "$first" "$f" || return 1
	done
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
	local rc
	if [ "$how" = twinctl ]; then
		twinctl detach "$DOMU" blk "$devid"
		rc=$?
	else
		detach_xs twinblk "$domid" "$devid"
		rc=$?
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
	done
done
twr_domu_run "$TWR_AGENT" 'grep -H . /sys/block/'$VDEV'/twinblk/*' >"$TWR_RESULTS/raw/twinring-blk-sysfs.txt"

# Online resize: both backing stores grow by 16 MiB while attached (the
# blkback one is a loop device: losetup -c, as an admin resizing an LV);
# each guest disk takes the new size without a reattach.
twr_phase blk_resize
grow=16
loop0=$(losetup -j /run/twr/disk0.img | cut -d: -f1 | head -n1)
truncate -s +${grow}M /run/twr/disk0.img /run/twr/disk1.img && [ -n "$loop0" ] && losetup -c "$loop0"
want0=$(stat -c %s /run/twr/disk0.img) want1=$(stat -c %s /run/twr/disk1.img)
size_file=$want1
for d in xvda:$want0:blkfront $VDEV:$want1:twinblk; do
	IFS=: read -r dev want who <<<"$d"
	got=
	for _ in $(seq 20); do
		got=$(twr_domu_run "$TWR_AGENT" blockdev --getsize64 /dev/"$dev")
		[ "$got" = "$want" ] && break
		sleep 1
	done
	twr_check "blk_resize_$who" "$([ "$got" = "$want" ] && echo true || echo false)" \
		"backing store grown by $grow MiB while attached: /dev/$dev has ${got:-?} bytes in the domU (want $want)"
done

DELAY_MS=${TWR_BLK_DELAY_MS:-5}
DELAY_MB=${TWR_BLK_DELAY_MB:-64}
twr_phase blk_delay_setup
extra_ok=true
loops=()
if ! command -v dmsetup >/dev/null 2>&1; then
	twr_check blk_dmsetup false "no dmsetup in dom0 (lab/lib/roots.sh TWR_ROOT_PKGS_DOM0)"
	extra_ok=false
elif ! modprobe dm-delay; then
	twr_check blk_dm_delay_module false "modprobe dm-delay failed in dom0 (lab/lib/roots.sh TWR_ROOT_MODS_DOM0)"
	extra_ok=false
fi
if [ $extra_ok = true ]; then
	for i in 0 1; do
		twr_disk_create "/run/twr/delay$i.img" "$DELAY_MB"
		# No udev in dom0: libdevmapper makes /dev/mapper/<name> itself.
		l=$(losetup -f --show "/run/twr/delay$i.img") && loops+=("$l") &&
			echo "0 $((DELAY_MB * 2048)) delay $l 0 $DELAY_MS $l 0 $DELAY_MS" |
			dmsetup --noudevsync create "twr-delay$i" && dmsetup mknodes "twr-delay$i" &&
			[ -b "/dev/mapper/twr-delay$i" ] ||
			extra_ok=false
	done
	if [ $extra_ok = true ]; then
		twr_check blk_dm_delay true "twr-delay0 (blkback), twr-delay1 (twinblk): $(dmsetup table twr-delay0 | tr -s ' ')"
	else
		twr_check blk_dm_delay false "loop or dmsetup create failed: $(dmsetup ls 2>&1 | tr '\n' ' ')"
	fi
fi
if [ $extra_ok = true ]; then
	if blk_filled /run/twr/bdev0.img /run/twr/bdev1.img &&
		bl0=$(losetup -f --show /run/twr/bdev0.img) && loops+=("$bl0") &&
		bl1=$(losetup -f --show /run/twr/bdev1.img) && loops+=("$bl1"); then
		twr_check blk_bdev_loops true "$bl0 (blkback), $bl1 (twinblk), $TWR_DISK_MB MiB each"
	else
		twr_check blk_bdev_loops false "could not fill or loop bdev0.img/bdev1.img"
		extra_ok=false
	fi
fi
if [ $extra_ok = true ]; then
	xl block-attach "$DOMU" "format=raw,vdev=xvdb,access=rw,target=/dev/mapper/twr-delay0" && xl_disks=xvdb &&
		xl block-attach "$DOMU" "format=raw,vdev=xvdc,access=rw,target=$bl0" && xl_disks+=" xvdc" &&
		blk_twr_attach "$DOMU" /dev/mapper/twr-delay1 twb 4 1 && delay_devid=$xdevid &&
		blk_twr_attach "$DOMU" "$bl1" twc 4 2 && bdev_devid=$xdevid &&
		blk_wait_devs "$TWR_AGENT" present /dev/xvdb /dev/xvdc /dev/twb /dev/twc || extra_ok=false
	sizes=$(twr_domu_run "$TWR_AGENT" "for d in xvdb twb xvdc twc; do blockdev --getsize64 /dev/\$d; done" | tr '\n' ' ')
	read -r s_xvdb s_twb s_xvdc s_twc <<<"$sizes"
	if [ $extra_ok = true ] && [ "$s_xvdb" = "$s_twb" ] && [ "$s_xvdc" = "$s_twc" ] &&
		[ "$s_xvdb" = $((DELAY_MB << 20)) ] && [ "$s_xvdc" = $((TWR_DISK_MB << 20)) ]; then
		twr_check blk_extra_attach true "xvdb, twb (dm-delay) $s_xvdb bytes; xvdc, twc (loop) $s_xvdc bytes ($how)"
	else
		twr_check blk_extra_attach false "xvdb twb xvdc twc: sizes '$sizes' ($how)"
		extra_ok=false
	fi
fi
if [ $extra_ok = true ]; then
	# The dm-delay disks' dom0 paths are new to this boot (the loops' are
	# not: xvda is on one, and twb is a block device as twc is).
	twr_warmup_fio /dev/xvdb
	twr_warmup_fio /dev/twb
	for rep in $(seq "${TWR_REPS:-1}"); do
		twr_phase "blk_delay_fio_$rep"
		for t in randread_4k_delay_qd1 randread_4k_delay_qd16 randread_4k_delay_qd64 randwrite_4k_delay_qd64; do
			blk_cold
			run_fio blkfront "$t" /dev/xvdb || fail=1
			blk_cold
			run_fio twinring-blk "$t" /dev/twb || fail=1
		done
	done
	# The backend keeps many requests in flight on a disk that makes each
	# wait (docs/blk.md, "Requests in flight"): its own count says so.
	be=/sys/bus/xen-backend/devices/twinblk-$(xl domid "$DOMU")-$delay_devid/twinblk
	grep -H . "$be"/* >"$TWR_RESULTS/raw/twinring-blk-delay-backend-sysfs.txt" 2>&1
	infl=$(cat "$be/inflight_max" 2>/dev/null) punted=$(cat "$be/punted" 2>/dev/null)
	twr_check blk_async_inflight "$([ "${infl:-0}" -ge 16 ] && echo true || echo false)" \
		"twb backend: at most ${infl:-?} requests in flight at once (qd64 job), ${punted:-?} run by workers"
	# Direct I/O on the ring pages where the target has it (a block
	# device here), dom0's page cache where it has not (tmpfs: twa).
	direct=$(cat "$be/direct" 2>/dev/null) fallback=$(cat "$be/direct_fallback" 2>/dev/null)
	twr_check blk_direct_io "$([ "${direct:-0}" -gt 0 ] && [ "${fallback:-1}" -eq 0 ] && echo true || echo false)" \
		"twb backend (dm-delay device): ${direct:-?} requests by direct I/O on the ring pages, ${fallback:-?} redone buffered"
	twr_check blk_buffered_logged "$(dmesg | grep -q 'disk1.img: buffered I/O through dom0' && echo true || echo false)" \
		"twa backend (tmpfs file, no O_DIRECT): the log says it is used buffered"
	for rep in $(seq "${TWR_REPS:-1}"); do
		twr_phase "blk_bdev_fio_$rep"
		# randwrite first: it fills the disks the read jobs then read.
		for t in randwrite_4k_bdev randread_4k_bdev; do
			run_fio blkfront "$t" /dev/xvdc || fail=1
			run_fio twinring-blk "$t" /dev/twc || fail=1
		done
	done
else
	fail=1
fi

# Integrity: what the domU writes is what it reads back, whatever the
# order requests complete in (docs/blk.md, "Requests in flight"). On the
# file on tmpfs (twa: run in the channel thread), the loop device (twc:
# page-cache reads in the thread, the rest in workers) and the dm-delay disk
# (twb: everything waits, up to 64 in flight): fio randrw 70/30 verified
# with crc32c (verify_fatal), bs 512, 4k and 128k at iodepth 1 and 64; fio
# fsync=1 (FLUSH) and sync=1 (O_SYNC direct writes: FUA); on twa and twc,
# blkdiscard of a written range, which must then read as zeroes. The backend's own counters
# say the flushes, FUA writes and discards reached it.
if [ $extra_ok = true ]; then
	twr_phase blk_integrity
	blk_be_sum() {
		cat /sys/bus/xen-backend/devices/twinblk-"$domid"-*/twinblk/"$1" 2>/dev/null |
			awk '{ s += $1 } END { print s + 0 }'
	}
	for dev in $VDEV twc twb; do
		if [ $dev = twb ]; then
			cases="4k:64:4m 128k:64:16m"	# 4-8 ms per request
		else
			cases="512:1:1m 512:64:2m 4k:1:4m 4k:64:8m 128k:1:16m 128k:64:32m"
		fi
		for c in $cases; do
			IFS=: read -r bs qd size <<<"$c"
			out=$(twr_fio_cmd "$TWR_AGENT" "--name=verify --filename=/dev/$dev --direct=1 --ioengine=libaio \
--rw=randrw --rwmixread=70 --bs=$bs --iodepth=$qd --size=$size --verify=crc32c --verify_fatal=1 \
--randrepeat=0 --output-format=json")
			rc=$?
			echo "$out" >"$TWR_RESULTS/raw/verify-$dev-$bs-qd$qd.json"
			twr_check "blk_verify_${dev}_${bs}_qd$qd" "$([ $rc = 0 ] && echo true || echo false)" \
				"fio randrw 70/30 bs $bs iodepth $qd over $size, crc32c verified: exit $rc"
		done
		# CHECK:FIO-OPTION:COUNTER:WHAT
		for m in "flush:fsync=1:flushes:fio fsync=1 (256 writes of 4k, verified)" \
			"fua:sync=1:fua:fio sync=1 (O_SYNC direct writes, 256 of 4k, verified)"; do
			IFS=: read -r what opt ctr desc <<<"$m"
			n0=$(blk_be_sum "$ctr")
			twr_fio_cmd "$TWR_AGENT" "--name=$what --filename=/dev/$dev --direct=1 --ioengine=libaio \
--rw=randwrite --bs=4k --iodepth=4 --size=1m --$opt --verify=crc32c --verify_fatal=1 --output-format=json" \
				>"$TWR_RESULTS/raw/$what-$dev.json"
			rc=$? n1=$(blk_be_sum "$ctr")
			twr_check "blk_${what}_$dev" "$([ $rc = 0 ] && [ $((n1 - n0)) -ge 200 ] && echo true || echo false)" \
				"$desc: exit $rc, $((n1 - n0)) $ctr reached the backend"
		done
		[ $dev = twb ] && continue	# discard: a file (twa) and a block device (twc)
		d0=$(blk_be_sum discards)
		twr_domu_run "$TWR_AGENT" "dd if=/dev/urandom of=/dev/$dev bs=64k count=16 seek=8 oflag=direct status=none"
		a0=$(stat -c %b /run/twr/disk1.img)
		# One line: the agent runs a line per command.
		out=$(twr_domu_run "$TWR_AGENT" "blkdiscard -o 524288 -l 1048576 /dev/$dev && dd if=/dev/$dev bs=64k count=16 skip=8 iflag=direct status=none | cmp -n 1048576 - /dev/zero && echo zeroes" 2>&1)
		d1=$(blk_be_sum discards) a1=$(stat -c %b /run/twr/disk1.img)
		twr_check "blk_discard_$dev" "$(echo "$out" | grep -qx zeroes && [ $((d1 - d0)) -ge 1 ] && echo true || echo false)" \
			"1 MiB written, blkdiscard, read back: $(echo "$out" | tr '\n' ' ' | head -c 200); $((d1 - d0)) discards reached the backend"
		# The file behind twa (on dom0's tmpfs) gives the space back: the
		# backend punches a hole (st_blocks: 512-byte units).
		if [ "$dev" = "$VDEV" ]; then
			twr_check blk_discard_punches_hole "$([ $((a0 - a1)) -ge 2048 ] && echo true || echo false)" \
				"disk1.img allocated $a0 -> $a1 blocks of 512 bytes around a 1 MiB discard (2048 fewer expected)"
		fi
	done
fi

# I/O limits (docs/blk.md, "I/O limits"): a disk attached with iops=100
# and bw=2M. Over TWR_FIO_SECS a token bucket lets through at most its
# rate, one burst (a tenth of a second's worth, at least one request or
# 1 MiB) and the request that went into debt; and the disk still moves
# (half the rate at least: an unlimited twinblk disk does over 1000 4k
# reads/s in this lab).
twr_phase blk_limits
lim_dev=
twr_disk_create /run/twr/limit.img 64
if [ "$how" = twinctl ]; then
	out=$(twinctl --go-ahead attach "$DOMU" blk target=/run/twr/limit.img vdev=twd queues=1 iops=100 bw=2M 2>&1)
	lim_dev=$(echo "$out" | sed -n 's/.*twinblk device \([0-9]*\).*/\1/p' | head -n1)
else
	lim_dev=9
	xenstore-write "/local/domain/0/backend/twinblk/$domid/$lim_dev/limit-iops" 100 \
		"/local/domain/0/backend/twinblk/$domid/$lim_dev/limit-bw" 2097152 &&
		blk_attach_xs "$domid" /run/twr/limit.img twd "$lim_dev" 1
fi
if [ -n "$lim_dev" ] && blk_wait_devs "$TWR_AGENT" present /dev/twd; then
	lim_fio() {
		twr_fio_cmd "$TWR_AGENT" "--name=limit --filename=/dev/twd --direct=1 --ioengine=libaio $1 \
--runtime=$TWR_FIO_SECS --time_based --output-format=json" >"$TWR_RESULTS/raw/$2.json"
		awk -v k="\"$3\"" '$1 == k { gsub(",", "", $3); print int($3); exit }' "$TWR_RESULTS/raw/$2.json"
	}
	iops=$(lim_fio "--rw=randread --bs=4k --iodepth=16" limit-iops iops)
	max=$((110 + 11 / TWR_FIO_SECS))	# 10% over, 10 requests of burst and 1 of debt
	twr_check blk_limit_iops "$([ "${iops:-0}" -ge 50 ] && [ "${iops:-0}" -le $max ] && echo true || echo false)" \
		"iops=100: fio randread 4k iodepth 16 for ${TWR_FIO_SECS}s got ${iops:-?} IOPS (50 to $max expected)"
	bw=$(lim_fio "--rw=read --bs=1m --iodepth=4" limit-bw bw_bytes)
	max=$((2097152 * 11 / 10 + 2 * 1048576 / TWR_FIO_SECS))	# 10% over, 1 MiB of burst and 1 of debt
	twr_check blk_limit_bw "$([ "${bw:-0}" -ge 1048576 ] && [ "${bw:-0}" -le $max ] && echo true || echo false)" \
		"bw=2M: fio read 1m iodepth 4 for ${TWR_FIO_SECS}s got ${bw:-?} bytes/s (1048576 to $max expected)"
	be=/sys/bus/xen-backend/devices/twinblk-$domid-$lim_dev/twinblk
	grep -H . "$be"/* >"$TWR_RESULTS/raw/twinring-blk-limit-backend-sysfs.txt" 2>&1
	blk_twr_detach "$DOMU" "$lim_dev" >/dev/null
	blk_wait_devs "$TWR_AGENT" absent /dev/twd ||
		twr_check blk_limit_detach false "/dev/twd still there after the detach"
else
	twr_check blk_limit_attach false "/dev/twd (iops=100 bw=2M) did not appear: ${out:-} ($how)"
	fail=1
fi
rm -f /run/twr/limit.img

# A file on a filesystem that has O_DIRECT (ext4 on a loop device in dom0),
# the usual home of a disk image: the backend goes direct through the
# filesystem (iomap) onto the ring pages, verified, and says so.
twr_phase blk_file_direct
fs_dev=
fs_loop=
twr_disk_create /run/twr/ext4.img 96
if ! command -v mkfs.ext4 >/dev/null 2>&1; then
	twr_check blk_file_mkfs false "no mkfs.ext4 in dom0 (lab/lib/roots.sh TWR_ROOT_PKGS_DOM0)"
elif modprobe ext4 && fs_loop=$(losetup -f --show /run/twr/ext4.img) && mkfs.ext4 -q -F "$fs_loop" &&
	mkdir -p /run/twr/ext4 && mount -t ext4 "$fs_loop" /run/twr/ext4 &&
	truncate -s 64M /run/twr/ext4/disk.img && blk_twr_attach "$DOMU" /run/twr/ext4/disk.img twe 1 10 >/dev/null &&
	fs_dev=$xdevid && blk_wait_devs "$TWR_AGENT" present /dev/twe; then
	for c in 512:64:2m 4k:64:8m 128k:16:16m; do
		IFS=: read -r bs qd size <<<"$c"
		twr_fio_cmd "$TWR_AGENT" "--name=verify --filename=/dev/twe --direct=1 --ioengine=libaio \
--rw=randrw --rwmixread=70 --bs=$bs --iodepth=$qd --size=$size --verify=crc32c --verify_fatal=1 \
--randrepeat=0 --output-format=json" >"$TWR_RESULTS/raw/verify-twe-$bs-qd$qd.json"
		rc=$?
		twr_check "blk_verify_twe_${bs}_qd$qd" "$([ $rc = 0 ] && echo true || echo false)" \
			"ext4 file: fio randrw 70/30 bs $bs iodepth $qd over $size, crc32c verified: exit $rc"
	done
	be=/sys/bus/xen-backend/devices/twinblk-$domid-$fs_dev/twinblk
	grep -H . "$be"/* >"$TWR_RESULTS/raw/twinring-blk-ext4-backend-sysfs.txt" 2>&1
	direct=$(cat "$be/direct" 2>/dev/null) fallback=$(cat "$be/direct_fallback" 2>/dev/null)
	twr_check blk_file_direct_io "$([ "${direct:-0}" -gt 0 ] && [ "${fallback:-1}" -eq 0 ] &&
		dmesg | grep -q 'ext4/disk.img: direct I/O on the ring pages' && echo true || echo false)" \
		"twe (a file on ext4): ${direct:-?} requests by direct I/O, ${fallback:-?} redone buffered; dom0's log: $(dmesg | grep -o 'ext4/disk.img: [a-z]* I/O[^(]*' | tail -n1)"
	blk_twr_detach "$DOMU" "$fs_dev" >/dev/null
	blk_wait_devs "$TWR_AGENT" absent /dev/twe ||
		twr_check blk_file_detach false "/dev/twe still there after the detach"
else
	twr_check blk_file_attach false "ext4 on $fs_loop, or /dev/twe on a file there: not set up ($how)"
	fail=1
fi
mountpoint -q /run/twr/ext4 && umount /run/twr/ext4
[ -n "$fs_loop" ] && losetup -d "$fs_loop"
rm -f /run/twr/ext4.img

twr_phase blk_delay_teardown
ok=true
for d in ${xl_disks:-}; do
	xl block-detach "$DOMU" "$d" || ok=false
done
[ -n "${delay_devid:-}" ] && { blk_twr_detach "$DOMU" "$delay_devid" >/dev/null || ok=false; }
[ -n "${bdev_devid:-}" ] && { blk_twr_detach "$DOMU" "$bdev_devid" >/dev/null || ok=false; }
blk_wait_devs "$TWR_AGENT" absent /dev/xvdb /dev/xvdc /dev/twb /dev/twc || ok=false
for i in 0 1; do
	[ -e "/dev/mapper/twr-delay$i" ] && { dmsetup --noudevsync remove "twr-delay$i" || ok=false; }
done
for l in "${loops[@]}"; do
	losetup -d "$l" || ok=false
done
rm -f /run/twr/delay0.img /run/twr/delay1.img /run/twr/bdev0.img /run/twr/bdev1.img
if [ $extra_ok = true ]; then
	twr_check blk_delay_teardown $ok "xvdb xvdc twb twc detached, dm-delay and loops removed"
	[ $ok = true ] || fail=1
fi

# Read-only disks and 4k logical sectors, each stack beside the other
# (blk_features): a read-only disk reads, refuses a write the way blkfront's
# does and its file is untouched; a disk with 4096-byte logical blocks (a
# loop device with -b 4096, as a 4Kn drive or LV on one) shows them, passes
# fio verify at 4k and refuses a 512-byte direct write, as blkfront's does.
twr_phase blk_features
feat_loops=() feat_xl=() feat_twr=()
feat_ok=false
# feat_err DEV SIZE: dd's error for a one-block direct write of SIZE to DEV,
# its name replaced (the two stacks' messages are compared); WRITTEN if it
# worked.
feat_err() {
	twr_domu_run "$TWR_AGENT" "dd if=/dev/zero of=/dev/$1 bs=$2 count=1 oflag=direct 2>&1 && echo WRITTEN" |
		sed "s#/dev/$1#DEV#g; s#'DEV'#DEV#g" | grep -E '^(dd:|WRITTEN)' | tail -n1
}
# After blk_delay_teardown: dom0's /run (a tmpfs of half its memory) holds
# the delay and bdev files until then, and these need room to be written.
twr_log "blk_features: /run has $(df -m --output=avail /run | tail -n1 | tr -d ' ') MiB free"
feat_files=true
for i in 0 1; do
	truncate -s 32M /run/twr/k$i.img || feat_files=false
done
dd if=/dev/urandom of=/run/twr/ro0.img bs=1M count=8 status=none &&
	cp /run/twr/ro0.img /run/twr/ro1.img || feat_files=false
ro_sum=$(sha256sum </run/twr/ro0.img | cut -d' ' -f1)
if [ $feat_files = true ] && k0=$(losetup -b 4096 -f --show /run/twr/k0.img) && feat_loops+=("$k0") &&
	k1=$(losetup -b 4096 -f --show /run/twr/k1.img) && feat_loops+=("$k1") &&
	xl block-attach "$DOMU" "format=raw,vdev=xvdd,access=ro,target=/run/twr/ro0.img" && feat_xl+=(xvdd) &&
	xl block-attach "$DOMU" "format=raw,vdev=xvde,access=rw,target=$k0" && feat_xl+=(xvde) &&
	blk_twr_attach "$DOMU" /run/twr/ro1.img twg 1 11 r >/dev/null && feat_twr+=("$xdevid") &&
	blk_twr_attach "$DOMU" "$k1" twh 1 12 >/dev/null && feat_twr+=("$xdevid") &&
	blk_wait_devs "$TWR_AGENT" present /dev/xvdd /dev/xvde /dev/twg /dev/twh; then
	feat_ok=true
fi
if [ $feat_ok = true ]; then
	errs=()
	for d in xvdd:blkfront:ro0 twg:twinblk:ro1; do
		IFS=: read -r dev who f <<<"$d"
		ro=$(twr_domu_run "$TWR_AGENT" blockdev --getro /dev/"$dev")
		rd=$(twr_domu_run "$TWR_AGENT" "dd if=/dev/$dev bs=1M iflag=direct status=none | sha256sum" | cut -d' ' -f1)
		err=$(feat_err "$dev" 4k)
		errs+=("$err")
		sum=$(sha256sum <"/run/twr/$f.img" | cut -d' ' -f1)
		twr_check "blk_ro_$who" "$([ "$ro" = 1 ] && [ "$rd" = "$ro_sum" ] && [ "$sum" = "$ro_sum" ] &&
			[ -n "$err" ] && [ "$err" != WRITTEN ] && echo true || echo false)" \
			"/dev/$dev (read-only): getro ${ro:-?}, reads the file's data: $([ "$rd" = "$ro_sum" ] && echo yes || echo no), a write: '$err', the file unchanged: $([ "$sum" = "$ro_sum" ] && echo yes || echo no)"
	done
	twr_check blk_ro_error_as_blkfront "$([ "${errs[1]}" = "${errs[0]}" ] && echo true || echo false)" \
		"a write to a read-only disk: twinblk '${errs[1]}', blkfront '${errs[0]}'"
	errs=()
	for d in xvde:blkfront twh:twinblk; do
		IFS=: read -r dev who <<<"$d"
		ss=$(twr_domu_run "$TWR_AGENT" blockdev --getss /dev/"$dev")
		twr_fio_cmd "$TWR_AGENT" "--name=verify --filename=/dev/$dev --direct=1 --ioengine=libaio \
--rw=randrw --rwmixread=70 --bs=4k --iodepth=16 --size=8m --verify=crc32c --verify_fatal=1 \
--randrepeat=0 --output-format=json" >"$TWR_RESULTS/raw/verify-$dev-4kn.json"
		rc=$?
		err=$(feat_err "$dev" 512)
		errs+=("$err")
		twr_check "blk_4k_sectors_$who" "$([ "$ss" = 4096 ] && [ $rc = 0 ] && [ -n "$err" ] && [ "$err" != WRITTEN ] && echo true || echo false)" \
			"/dev/$dev on a loop device with 4096-byte sectors: logical block ${ss:-?}, fio verify 4k iodepth 16: exit $rc, a 512-byte direct write: '$err'"
	done
	twr_check blk_4k_error_as_blkfront "$([ "${errs[1]}" = "${errs[0]}" ] && echo true || echo false)" \
		"a 512-byte direct write to a 4k disk: twinblk '${errs[1]}', blkfront '${errs[0]}'"
else
	twr_check blk_features_attach false "xvdd/xvde (blkfront) or twg/twh (twinblk, $how) not set up: files written $feat_files, loops '${feat_loops[*]}', xl '${feat_xl[*]}', twinblk '${feat_twr[*]}'"
	fail=1
fi
for d in "${feat_xl[@]}"; do
	xl block-detach "$DOMU" "$d" >/dev/null 2>&1
done
for d in "${feat_twr[@]}"; do
	blk_twr_detach "$DOMU" "$d" >/dev/null 2>&1
done
blk_wait_devs "$TWR_AGENT" absent /dev/xvdd /dev/xvde /dev/twg /dev/twh ||
	twr_check blk_features_detach false "xvdd xvde twg twh not all gone after the detach"
for l in "${feat_loops[@]}"; do
	losetup -d "$l"
done
rm -f /run/twr/ro0.img /run/twr/ro1.img /run/twr/k0.img /run/twr/k1.img

MQ=twr-blk-mq
MQ_IP=10.99.0.3
twr_phase blk_mq_setup
mq_ok=false
twr_log "$MQ: $(xl info | awk '/^free_memory/ { print $3 }') MiB free before it"
if blk_filled /run/twr/disk2.img /run/twr/disk3.img &&
	TWR_DOMU_VCPUS=2 TWR_DOMU_MEM=${TWR_EXTRA_DOMU_MEM:-512} twr_domu_create "$MQ" "$MQ_IP/24" /run/twr/disk2.img; then
	mq_domid=$(xl domid "$MQ")
	if ! twr_domu_run "$MQ_IP" modprobe twinblk-front >/dev/null; then
		twr_check blk_mq_modprobe_front false "modprobe twinblk-front failed in $MQ"
	elif blk_twr_attach "$MQ" /run/twr/disk3.img twa 2 0 && blk_wait_devs "$MQ_IP" present /dev/xvda /dev/twa; then
		cpus=$(twr_domu_run "$MQ_IP" nproc)
		tq=$(twr_domu_run "$MQ_IP" cat /sys/block/twa/twinblk/queues)
		# Channel threads (twrblk<domid>.<n>), not their workqueues'
		# rescuers (twrio<domid>.<n>).
		workers=$(pgrep -cx "twrblk$mq_domid\.[0-9]+")
		# blkfront writes multi-queue-num-queues only with more than one.
		bq=$(xenstore-read "/local/domain/$mq_domid/device/vbd/51712/multi-queue-num-queues" 2>/dev/null || echo 1)
		if [ "$cpus" = 2 ] && [ "$tq" = 2 ] && [ "$workers" = 2 ]; then
			twr_check blk_mq_queues true "$MQ: $cpus vCPUs, twinblk $tq queues ($workers backend workers), blkfront $bq"
			mq_ok=true
		else
			twr_check blk_mq_queues false "$MQ: $cpus vCPUs (want 2), twinblk queues '$tq' and workers $workers (want 2), blkfront $bq"
		fi
	else
		twr_check blk_mq_attach false "/dev/twa (queues=2) or /dev/xvda missing in $MQ ($how)"
	fi
fi
if [ $mq_ok = true ]; then
	TWR_AGENT=$MQ_IP
	twr_warmup_fio /dev/xvda
	twr_warmup_fio /dev/twa
	for rep in $(seq "${TWR_REPS:-1}"); do
		twr_phase "blk_mq_fio_$rep"
		run_fio blkfront mq_randread_4k /dev/xvda || fail=1
		run_fio twinring-blk mq_randread_4k /dev/twa || fail=1
	done
	TWR_AGENT=$DOMU_IP
else
	fail=1
fi
twr_phase blk_mq_teardown
# Also after a failed boot (on_crash preserves the domain).
if mq_domid=$(xl domid "$MQ" 2>/dev/null); then
	twr_domu_run "$MQ_IP" dmesg >"$TWR_RESULTS/domU-$MQ-dmesg.txt" 2>&1
	xl destroy "$MQ"
	twr_domu_unfollow "$MQ"
	xenstore-rm "/local/domain/0/backend/twinblk/$mq_domid" 2>/dev/null
	for _ in $(seq 30); do
		pgrep "^twrblk$mq_domid\." >/dev/null || break
		sleep 1
	done
	if xl domid "$MQ" >/dev/null 2>&1 || pgrep "^twrblk$mq_domid\." >/dev/null; then
		twr_check blk_mq_gone false "$MQ still listed or its twinblk workers still running after xl destroy"
		fail=1
	else
		twr_check blk_mq_gone true "$MQ destroyed, its twinblk workers gone"
	fi
fi
rm -f /run/twr/disk2.img /run/twr/disk3.img

twr_phase blk_lifecycle
# The data written through twinblk is in the file: compare the first MiB as
# the domU reads it with the file in dom0.
dsum=$(twr_domu_run "$TWR_AGENT" "dd if=/dev/$VDEV bs=1M count=1 iflag=direct 2>/dev/null | md5sum" | cut -d' ' -f1)
fsum=$(dd if=/run/twr/disk1.img bs=1M count=1 2>/dev/null | md5sum | cut -d' ' -f1)
twr_check blk_data_in_file "$([ -n "$dsum" ] && [ "$dsum" = "$fsum" ] && echo true || echo false)" \
	"first MiB: domU $dsum, file $fsum"

# A backend module with a connected disk: rmmod is refused (each bound
# xenbus device holds its driver's module) with rmmod's "in use", and the
# disk goes on serving. xen-blkback likewise (baseline: blkfront's xvda).
for m in twinblk-back:$VDEV xen-blkback:xvda; do
	mod=${m%%:*} dev=${m#*:}
	if out=$(rmmod "$mod" 2>&1); then
		twr_check "blk_unload_refused_${mod//-/_}" false "rmmod $mod succeeded with /dev/$dev connected"
		fail=1
		continue
	fi
	rd=$(twr_domu_run "$TWR_AGENT" "dd if=/dev/$dev of=/dev/null bs=4k count=16 iflag=direct 2>&1 | tail -n1")
	ok=false
	echo "$out" | grep -q 'in use' && echo "$rd" | grep -q '^65536 bytes' && ok=true
	twr_check "blk_unload_refused_${mod//-/_}" $ok \
		"rmmod $mod with /dev/$dev connected: '$out'; then the guest read: $rd"
	[ $ok = true ] || fail=1
done

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
	# fio on the first half of twa; the flushed log (below) in the second.
	blk_agent 30 "setsid fio --name=bg --filename=/dev/$VDEV --direct=1 --ioengine=libaio --rw=randrw --bs=64k --iodepth=16 --size=50% --runtime=120 --time_based </dev/null >/dev/null 2>&1 &"
	# Crash consistency: in the guest, a log of 4k records on each stack's
	# disk (twa, xvda), each written direct and flushed (dd conv=fsync) and
	# only then announced on the console; the domain is destroyed
	# mid-stream. Every announced record must be in the file in dom0.
	log_off=$(( size_file / 4096 / 2 ))
	log_b64=$(base64 -w0 <<'EOS'
dev=$1 off=$2 i=0
while :; do
	printf 'twr-flushed %s %08d\n' "$dev" "$i" |
		dd of="/dev/$dev" bs=4096 seek=$((off + i)) oflag=direct conv=sync,fsync status=none || exit 1
	echo "TWR-FLUSHED $dev $i" >/dev/hvc0
	i=$((i + 1))
done
EOS
)
	for dev in $VDEV xvda; do
		blk_agent 30 "echo $log_b64 | base64 -d >/run/flushlog-$dev.sh && setsid bash /run/flushlog-$dev.sh $dev $log_off </dev/null >/dev/null 2>&1 &"
	done
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
		pgrep -x "$TWR_BLK_THREADS" >/dev/null || break
		sleep 1
	done
	xenstore-rm "/local/domain/0/backend/twinblk/$domid" 2>/dev/null
	if ! pgrep -x "$TWR_BLK_THREADS" >/dev/null && rmmod twinblk-back; then
		twr_check blk_destroy_cleanup true "no worker left and twinblk-back unloaded after xl destroy mid-fio"
	else
		twr_check blk_destroy_cleanup false "threads: $(pgrep -x "$TWR_BLK_THREADS" | tr '\n' ' '), twinblk-back refcount $(cat /sys/module/twinblk_back/refcnt 2>/dev/null)"
		fail=1
	fi
	for d in "$VDEV:twinblk:disk1" xvda:blkfront:disk0; do
		IFS=: read -r dev who f <<<"$d"
		# (the console log's lines end in CR LF)
		last=$(tr -d '\r' <"/var/log/xen/console/guest-$DOMU.log" | grep -a "^TWR-FLUSHED $dev " | tail -n1 | awk '{ print $3 }')
		# The longest run of records 0, 1, 2, ... at the log's place.
		have=$(dd if="/run/twr/$f.img" bs=4096 skip="$log_off" count=$(( ${last:-0} + 64 )) status=none |
			tr -s '\0' '\n' | awk -v d="$dev" '$1 == "twr-flushed" && $2 == d && $3 + 0 == n { n++ } END { print n + 0 }')
		twr_check "blk_flushed_kept_$who" "$([ -n "$last" ] && [ "$have" -gt "$last" ] && echo true || echo false)" \
			"/dev/$dev: ${last:-no} flushed records announced before xl destroy (the last, ${last:-?}, counted from 0); $have in order in $f.img after it"
	done
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
