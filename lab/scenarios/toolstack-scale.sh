#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario toolstack-scale: 20 domUs created at once, each with a twinring
# net and blk device in its xl config; twinringd attaches all 40, then all
# are destroyed at once and nothing may be left. Needs the stage from
# make lab-stage. The domUs are created paused (xl create -p): the
# control plane is all in dom0, and 20 booting kernels would not fit.
#
#   xl create -p ts-s01 .. ts-s20  (in parallel)
#        └─ @introduceDomain ─ twinringd ─ 20 × (twinnet 0 + twinblk 0)
#   xl destroy ts-s01 .. ts-s20    (in parallel)
#        └─ @releaseDomain ─ twinringd ─ backends closed, directories removed
#
# Reports the time from the first xl create to the 40th backend directory,
# and from the first xl destroy to the last directory gone (seconds of dom0
# uptime under TCG: compare runs, not machines).
#
# Each domU needs 80 MiB (the lab's 58 MiB kernel must fit in what the domain
# builder leaves): 20 of them need TWR_QEMU_MEM=5G on the host
# (TWR_QEMU_MEM=5G lab/lab.sh run toolstack-scale); with less memory the
# scenario runs as many as fit and says so. twinringd runs as its unit does
# (toolstack-lib.sh), configured for /run/twr/scale.
. /lab/scenarios/lib.sh
. /lab/scenarios/toolstack-lib.sh

N=${TWR_SCALE_DOMUS:-20}
MEM=80
LOG=$TWR_RESULTS/twinringd-scale.log
fail=0
pids=()

check() {
	if [ "$2" = 0 ]; then
		twr_check "tss_$1" true "$3"
	else
		twr_check "tss_$1" false "$3"
		fail=1
	fi
}

# count KIND: twinring backend directories of KIND in dom0, all domains.
count() {
	local d n=0
	for d in $(xenstore-list "/local/domain/0/backend/$1" 2>/dev/null); do
		n=$((n + $(xenstore-list "/local/domain/0/backend/$1/$d" 2>/dev/null | wc -l)))
	done
	echo "$n"
}

# wait_until SECONDS CONDITION...: poll CONDITION every 0.5 s.
wait_until() {
	local end=$(( $(date +%s) + $1 ))
	shift
	while [ "$(date +%s)" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.5
	done
	"$@"
}
# wait_creates: wait for the xl processes started since the last call
# (not for the daemon or the syslog listener).
wait_creates() {
	local p
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	pids=()
}
# cpu_secs T0 T1: ticks T0..T1 as seconds.
cpu_secs() { awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
all_attached() { [ "$(count twinnet)" = "$N" ] && [ "$(count twinblk)" = "$N" ]; }
none_left() {
	[ "$(count twinnet)" = 0 ] && [ "$(count twinblk)" = 0 ] &&
		[ -z "$(xenstore-list /local/domain/0/twinringd 2>/dev/null)" ]
}

twr_phase tss_setup
ts_setup_daemon /run/twr/scale
free=$(xl info | awk '/^free_memory/ { print $3 }')
fit=$(( (free - 64) / MEM ))
if [ "$fit" -lt "$N" ]; then
	twr_log "only $fit domUs of $MEM MiB fit in $free MiB free (TWR_QEMU_MEM=5G for $N)"
	N=$fit
fi
check enough_memory "$([ "$N" -ge 4 ]; echo $?)" "$N domUs ($free MiB free)"
mkdir -p /run/twr/scale
for i in $(seq -w 1 "$N"); do
	truncate -s 4M "/run/twr/scale/ts-s$i.img"
	cat >"/run/twr/scale/ts-s$i.cfg" <<EOF
name = "ts-s$i"
type = "pv"
kernel = "/lab/boot/domU-vmlinux"
memory = $MEM
vcpus = 1
cpus = "1"
twinring = [ 'net, bridge=xenbr0', 'blk, target=/run/twr/scale/ts-s$i.img, vdev=twa' ]
EOF
done
daemon_start

twr_phase tss_create
t0=$(twr_uptime) c0=$(daemon_cpu)
for i in $(seq -w 1 "$N"); do
	xl create -p "/run/twr/scale/ts-s$i.cfg" >"$TWR_RESULTS/xl-create-ts-s$i.log" 2>&1 &
	pids+=($!)
done
wait_creates
created=$(xl list | grep -c '^ts-s')
check all_created "$([ "$created" = "$N" ]; echo $?)" "$created of $N domUs created"
wait_until 300 all_attached
rc=$?
t1=$(twr_uptime) c1=$(daemon_cpu)
check all_attached $rc "$(count twinnet) twinnet + $(count twinblk) twinblk of $N each, $(secs "$t0" "$t1") s after the first xl create; twinringd CPU $(cpu_secs "$c0" "$c1") s"
# The daemon's steady cost with every device attached: its 5 s bridge
# re-check and nothing else to do.
sleep 20
c2=$(daemon_cpu)
twr_check tss_idle_cpu true "twinringd CPU with $N domains, $((2 * N)) devices attached, idle: $(cpu_secs "$c1" "$c2") s in 20 s"
# syslog priority <24+severity> (facility daemon): emerg .. err
errors=$(grep -cE '^<2[4-7]>' "$LOG")
check no_daemon_errors "$([ "$errors" = 0 ]; echo $?)" "$errors error lines in twinringd-scale.log"

twr_phase tss_destroy
t0=$(twr_uptime) c0=$(daemon_cpu)
for i in $(seq -w 1 "$N"); do
	xl destroy "ts-s$i" >/dev/null 2>&1 &
	pids+=($!)
done
wait_creates
wait_until 600 none_left
rc=$?
t1=$(twr_uptime) c1=$(daemon_cpu)
check nothing_left $rc "backend directories $(count twinnet)+$(count twinblk), records '$(xenstore-list /local/domain/0/twinringd 2>/dev/null | tr '\n' ' ')', $(secs "$t0" "$t1") s after the first xl destroy; twinringd CPU $(cpu_secs "$c0" "$c1") s"
n=$(ls /sys/class/net | grep -c '^twr')
check no_netdev_left "$([ "$n" = 0 ]; echo $?)" "$n twr* netdevs left in dom0"

daemon_stop
exit $fail
