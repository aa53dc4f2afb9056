#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario baseline: the standard Xen PV drivers, the numbers twinring must beat.
#
#   dom0 10.99.0.1 ── xenbr0 ── vif1.0 ═══ netback/netfront ═══ eth0 10.99.0.2 domU
#   /run/twr/disk0.img ── loop ── blkback ═══ blkfront ═══ /dev/xvda (fio)
#
# netperf TCP_STREAM both ways, TCP_RR, UDP_RR; fio 4k random and 1M
# sequential, reads and verified writes; xenperf around each.
# TWR_REPS (lab.sh: 6) repeats the whole set after a discarded warm-up; the
# results keep every sample, the median and its 95% interval.
. /lab/scenarios/lib.sh

DOMU_IP=10.99.0.2
DOM0_IP=10.99.0.1
TWR_AGENT=$DOMU_IP
fail=0

twr_phase baseline_domu_create
twr_disk_create /run/twr/disk0.img "$TWR_DISK_MB"
twr_domu_create twr-base "$DOMU_IP/24" /run/twr/disk0.img || exit 1

twr_phase baseline_warmup
twr_warmup_net "$DOMU_IP"
twr_warmup_fio /dev/xvda
for rep in $(seq "${TWR_REPS:-1}"); do
	twr_phase "baseline_netperf_$rep"
	for t in tcp_stream_rx tcp_stream_tx tcp_rr udp_rr; do
		run_netperf netfront "$t" "$DOMU_IP" "$DOM0_IP" || fail=1
	done
	twr_phase "baseline_fio_$rep"
	# seqwrite first: it fills the disk the read jobs then read.
	for t in seqwrite_1m seqread_1m randwrite_4k randread_4k; do
		run_fio blkfront "$t" /dev/xvda || fail=1
	done
done

twr_phase baseline_teardown
twr_domu_run "$TWR_AGENT" dmesg >"$TWR_RESULTS/domU-twr-base-dmesg.txt"
xl destroy twr-base || fail=1
twr_domu_unfollow twr-base
exit $fail
