#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2016,SC2086,SC2317 # eval'd conditions, word splitting of sums, functions run by wait_for
# Scenario toolstack-io (also part 2 of the toolstack scenario, which runs
# it): the devices twinringd attaches from a domU's xl config load their
# drivers and pass traffic, and the daemon survives kill -9 in the middle of
# a setup and in the middle of traffic. twinringd runs as its unit does
# (toolstack-lib.sh).
#
#   dom0 10.99.0.1 ── xenbr0 ── vif ══ netfront ── eth0 10.99.0.2 (the agent)
#   dom0 10.99.1.1 ── xenbr1 ── twr<d>.0 ══ twinnet ══ ethN 10.99.1.2
#   /run/twr/tsio-data.img ── twinblk-back ══ twinblk ══ /dev/twa
#   both from /run/twr/twr-tsio.cfg: twinring = [ 'net, ...', 'blk, ...' ]
#
# Setup, the daemon SIGKILLing itself at each test-hook point in turn
# (TWINRINGD_TEST_KILL_AT, twinringd(8)) and started again each time:
#   device-half-written  nothing of the device is visible; the domain is
#                        left paused, until the next daemon releases it
#   between-devices      the net device only, with its record
#   tasks-added          (frontends loaded) tasks but no go-ahead: backends wait
#   no hook              stale tasks replaced, go-ahead, both Connected,
#                        one I/O task per queue, no device twice
# Traffic: ping; 16 MiB each way over twinnet, 16 MiB written and read back
# on twinblk, sha256 compared (and in the backing file).
# Mid-traffic: a 48 MiB TCP stream over twinnet and a 48 MiB O_DIRECT write
# to twinblk, each held by two gates (after 8 and after 40 MiB): gate 1
# opens, kill -9, restart, gate 2 opens. Both complete with the right
# sha256; the new daemon creates and registers nothing; the task table is
# unchanged.
# Save/restore and migration: xl save + xl restore, then xl migrate to this
# host, each with a TCP stream over twinnet and one over netfront and fio
# verify jobs on twinblk and blkfront running across it: sha256s and verify
# pass, the new domain's devices reconnect, nothing of the old is left.
# Then a save + restore with no daemon running: the frontends resume late,
# by their own watch, once the daemon (started again) writes their devices.
# twinctl alone (no daemon): attach --go-ahead connects a second disk, no
# I/O task; detach closes it while Connected, in time.
# Hot attach/detach: TWR_CYCLES (20) rounds of a disk and a NIC attached by
# twinctl (the daemon gives the go-ahead), seen in the guest, detached; dom0's
# kthreads, vmaps, interrupts, module references, tasks and nodes unchanged.
# Orphans: a paused domU attached by the daemon is destroyed while no daemon
# runs; its directories remain until the next twinringd removes them.
# script=: twinnet 1 on an Open vSwitch bridge through xl's vif-openvswitch
# (ping over it, port gone after the detach); a failing script fails its
# attach, a missing one is refused.
# Teardown: xl destroy leaves no xenstore directory, record or backend
# netdev; the backend modules unload.
. /lab/scenarios/lib.sh
. /lab/scenarios/toolstack-lib.sh

IODOMU=twr-tsio
AGENT=10.99.0.2
TWR_AGENT=$AGENT
IO_DATA=/run/twr/tsio-data.img
IO_XVDA=/run/twr/tsio-xvda.img
IO_DATA2=/run/twr/tsio-data2.img
IO_MAC=00:16:3e:7a:00:11
IO_IP=10.99.1.2
NET_SPEC="net, bridge=xenbr1, mac=$IO_MAC, queues=2"
BLK_SPEC="blk, target=$IO_DATA, vdev=twa, queues=2"
MiB=1048576

# io_dir be|fe KIND [DEVID]: a device's backend or frontend directory.
io_dir() {
	if [ "$1" = be ]; then
		echo "/local/domain/0/backend/$2/$iodomid/${3:-0}"
	else
		echo "/local/domain/$iodomid/device/$2/${3:-0}"
	fi
}

# io_states KIND [DEVID]: "<backend state>/<frontend state>" of a device.
io_states() {
	echo "$(xenstore-read "$(io_dir be "$1" "${2:-0}")/state" 2>/dev/null)/$(
		xenstore-read "$(io_dir fe "$1" "${2:-0}")/state" 2>/dev/null)"
}

io_connected() {
	[ "$(io_states twinnet)" = 4/4 ] && [ "$(io_states twinblk)" = 4/4 ]
}

io_states_all() {
	echo "net $(io_states twinnet), blk $(io_states twinblk)"
}

# io_records: twinringd's records of the domain, one line.
io_records() {
	xenstore-list "/local/domain/0/twinringd/$iodomid/devices" 2>/dev/null | sort | tr '\n' ' '
}

# io_tasks: the domain's I/O tasks, without their counters.
io_tasks() {
	twr-iotask list "$iodomid" 2>&1 | awk '/ task / { print $1, $2, $3, $4, $5, $6, $7 }'
}

# agent CMD...: twr_domu_run at the agent, but bounded (300 s): a command
# stuck in the domU fails its check instead of stalling the boot.
agent() {
	local out rc
	out=$(printf '%s\n' "$*" | timeout 300 socat -t 300 -T 300 - \
		"TCP:$AGENT:$TWR_AGENT_PORT,connect-timeout=2" 2>/dev/null)
	rc=$(printf '%s\n' "$out" | sed -n 's/^TWR-RC \([0-9]*\)$/\1/p' | tail -n1)
	printf '%s\n' "$out" | sed '/^TWR-RC [0-9]*$/d'
	return "${rc:-255}"
}

# fe_initialised KIND: the frontend of device 0 is Initialised or beyond.
fe_initialised() {
	[ "$(xenstore-read "$(io_dir fe "$1")/state" 2>/dev/null || echo 0)" -ge 3 ]
}

# io_domu_ip: address the domU's twinnet netdev, found by its MAC.
io_domu_ip() {
	agent "for i in \$(seq 30); do ifc=\$(grep -il $IO_MAC /sys/class/net/*/address | cut -d/ -f5 | head -n1); [ -n \"\$ifc\" ] && break; sleep 1; done; ip addr replace $IO_IP/24 dev \$ifc && ip link set \$ifc up && echo \$ifc"
}

# log_count PATTERN: lines of the daemon's log matching PATTERN.
log_count() {
	grep -c -- "$1" "$LOG"
}

twr_phase ts_io_setup
ts_setup_daemon /run/twr
for m in twinnet-back twinblk-back; do
	if ! modprobe "$m"; then
		check "io_modprobe_$m" 1 "modprobe $m failed in dom0 (staged? see staged-modules.txt)"
		exit 1
	fi
done
if [ ! -e /sys/class/net/xenbr1 ]; then
	ip link add xenbr1 type bridge && ip addr add 10.99.1.1/24 dev xenbr1 && ip link set xenbr1 up
fi
twr_disk_create "$IO_DATA" 64
twr_disk_create "$IO_XVDA" 8

# --- setup, killed at each point ----------------------------------------
twr_phase ts_io_kill_device_half
daemon_start TWINRINGD_TEST_KILL_AT=device-half-written
# The daemon holds a new domain paused while it writes its devices, and dies
# holding it: the domU comes up (its agent answers, which
# twr_domu_create waits for) only once the next daemon releases it.
twr_domu_create "$IODOMU" "$AGENT/24" "$IO_XVDA" "twinring = [ '$NET_SPEC', '$BLK_SPEC' ]" &
create_pid=$!
wait_for 60 xl domid "$IODOMU" >/dev/null 2>&1
iodomid=$(xl domid "$IODOMU") || exit 1
daemon_wait_killed device-half-written
[ "$(count_devs "$iodomid")" = 0 ] && [ -z "$(xenstore-list "/local/domain/$iodomid/device/twinnet" 2>/dev/null)" ] &&
	[ -z "$(io_records)" ]
check io_half_nothing_visible $? "killed inside the transaction: $(count_devs "$iodomid") backend dirs, records '$(io_records)'"
st=$(xl list "$IODOMU" 2>/dev/null | awk 'NR == 2 { print $5 }')
case $st in *p*) rc=0 ;; *) rc=1 ;; esac
xenstore-exists "/local/domain/0/twinringd/$iodomid/held"
check io_half_held_paused $((rc | $?)) "the domain is left paused (state '$st') with the daemon's 'held' record"

twr_phase ts_io_kill_between
daemon_start TWINRINGD_TEST_KILL_AT=between-devices
daemon_wait_killed between-devices
grep -qF "domain $IODOMU ($iodomid): releasing the pause an earlier twinringd took" "$LOG" &&
	! xenstore-exists "/local/domain/0/twinringd/$iodomid/held"
check io_hold_released $? "the next daemon released the dead one's pause"
wait "$create_pid" || exit 1
xenstore-exists "$(io_dir be twinnet)" && xenstore-exists "$(io_dir fe twinnet)" &&
	! xenstore-exists "$(io_dir be twinblk)" && [ "$(io_records)" = "twinnet-0 " ]
check io_between_net_only $? "twinnet 0 and its record only: $(count_devs "$iodomid") devices, records '$(io_records)'"

twr_phase ts_io_kill_tasks
daemon_start TWINRINGD_TEST_KILL_AT=tasks-added
wait_for 30 eval '[ "$(count_devs "$iodomid")" = 2 ]'
check io_blk_created_once $? "the restarted daemon added twinblk 0 only: records '$(io_records)'"
# The agent call in the background: xenbus makes a frontend's modprobe wait
# (up to 300 s) for its devices to connect, which they cannot before the
# go-ahead, i.e. before the restart below.
agent "modprobe twinnet-front & p=\$!; modprobe twinblk-front; r=\$?; wait \$p && exit \$r" \
	>"$TWR_RESULTS/ts-io-modprobe.txt" 2>&1 &
modprobe_pid=$!
wait_for 60 eval 'fe_initialised twinnet && fe_initialised twinblk'
check io_frontends_initialised $? "twinnet-front and twinblk-front loaded in the domU: $(io_states_all)"
daemon_wait_killed tasks-added
leaked=$(io_tasks | grep -c task)
! xenstore-exists "$(io_dir be twinnet)/iotask-ready" && ! xenstore-exists "$(io_dir be twinblk)/iotask-ready" &&
	[ "$leaked" -ge 1 ]
check io_tasks_without_go_ahead $? "$leaked task(s) left by the dead daemon, no iotask-ready ($(io_states_all))"
[ "$(xenstore-read "$(io_dir be twinnet)/state")" != 4 ] && [ "$(xenstore-read "$(io_dir be twinblk)/state")" != 4 ]
check io_backends_wait $? "no backend Connected without the go-ahead ($(io_states_all))"

twr_phase ts_io_restart
daemon_start
wait_for 90 io_connected
check io_connected $? "after the restart: $(io_states_all)"
wait "$modprobe_pid"
check io_frontends_loaded $? "both modprobes in the domU returned once their devices connected (ts-io-modprobe.txt)"
[ "$(count_devs "$iodomid")" = 2 ] && [ "$(io_records)" = "twinblk-0 twinnet-0 " ]
check io_no_duplicate $? "$(count_devs "$iodomid") devices, records '$(io_records)'"
twinctl show "$IODOMU" >"$TWR_RESULTS/ts-io-show.txt" 2>&1
io_tasks >"$TWR_RESULTS/ts-io-tasks.txt"
nq=$(( $(xenstore-read "$(io_dir fe twinnet)/num-queues" 2>/dev/null || echo 0) +
	$(xenstore-read "$(io_dir fe twinblk)/num-queues" 2>/dev/null || echo 0) ))
ntask=$(grep -c task "$TWR_RESULTS/ts-io-tasks.txt")
dup=$(awk '{ print $3 }' "$TWR_RESULTS/ts-io-tasks.txt" | sort | uniq -d | tr '\n' ' ')
[ "$nq" -gt 0 ] && [ "$ntask" = "$nq" ] && [ -z "$dup" ]
check io_one_task_per_queue $? "$ntask tasks for $nq queues (was $leaked before the restart), duplicate ids '$dup' (ts-io-tasks.txt)"

# --- traffic --------------------------------------------------------------
twr_phase ts_io_traffic
wait_for 30 eval '[ "$(basename "$(readlink "/sys/class/net/twr$iodomid.0/master" 2>/dev/null)")" = xenbr1 ]'
check io_net_bridged $? "the daemon put twr$iodomid.0 on xenbr1"
ifc=$(io_domu_ip)
twr_log "domU twinnet interface: $ifc"
wait_for 20 ping -c 1 -W 1 "$IO_IP" >/dev/null 2>&1
check io_net_ping $? "$IO_IP over twinnet ($(io_states twinnet))"
head -c 16M /dev/urandom >/run/twr/ts-blob16
want=$(sha256sum </run/twr/ts-blob16 | cut -d' ' -f1)
agent "rm -f /tmp/rx16; (socat -u TCP-LISTEN:7101,reuseaddr OPEN:/tmp/rx16,creat,trunc >/dev/null 2>&1 &); sleep 1" >/dev/null
socat -u FILE:/run/twr/ts-blob16 "TCP:$IO_IP:7101,connect-timeout=5"
wait_for 10 eval '[ "$(agent "sha256sum </tmp/rx16" | cut -d" " -f1)" = "$want" ]'
check io_net_rx_sha256 $? "16 MiB dom0->domU over twinnet, sha256 $want"
rm -f /run/twr/ts-back16
(socat -u TCP-LISTEN:7102,reuseaddr OPEN:/run/twr/ts-back16,creat,trunc </dev/null >/dev/null 2>&1 &)
sleep 1
agent "socat -u FILE:/tmp/rx16 TCP:10.99.1.1:7102,connect-timeout=5; rm -f /tmp/rx16"
wait_for 10 eval '[ "$(sha256sum </run/twr/ts-back16 | cut -d" " -f1)" = "$want" ]'
check io_net_tx_sha256 $? "16 MiB domU->dom0 over twinnet, sha256 $want"
rm -f /run/twr/ts-blob16 /run/twr/ts-back16
wait_for 30 agent test -b /dev/twa
# (The agent runs one line.)
sums=$(agent "head -c 16M /dev/urandom >/tmp/b16 && dd if=/tmp/b16 of=/dev/twa bs=1M oflag=direct status=none && sha256sum </tmp/b16 && dd if=/dev/twa bs=1M count=16 iflag=direct status=none | sha256sum; rm -f /tmp/b16" |
	cut -d' ' -f1 | tr '\n' ' ')
fsum=$(head -c 16M "$IO_DATA" | sha256sum | cut -d' ' -f1)
set -- $sums
[ -n "${1:-}" ] && [ "$1" = "${2:-}" ] && [ "$1" = "$fsum" ]
check io_blk_sha256 $? "16 MiB written to /dev/twa and read back: written $1, read ${2:-?}, in the file $fsum"

# --- kill -9 in the middle of traffic --------------------------------------
twr_phase ts_io_kill_mid_traffic
blob=/run/twr/ts-blob48
head -c 48M /dev/urandom >"$blob"
want=$(sha256sum <"$blob" | cut -d' ' -f1)
rm -f /run/twr/ts-g1 /run/twr/ts-g2
mkfifo /run/twr/ts-g1 /run/twr/ts-g2
agent "rm -f /tmp/rx48; (socat -u TCP-LISTEN:7103,reuseaddr OPEN:/tmp/rx48,creat,trunc >/dev/null 2>&1 &); sleep 1" >/dev/null
# The sender stops at each gate (a fifo) until it is opened for writing.
{
	dd if="$blob" bs=1M count=8 status=none
	cat /run/twr/ts-g1 >/dev/null
	dd if="$blob" bs=1M skip=8 count=32 status=none
	cat /run/twr/ts-g2 >/dev/null
	dd if="$blob" bs=1M skip=40 status=none
} | socat -u - "TCP:$IO_IP:7103,connect-timeout=5" 2>/dev/null &
sender=$!
# The domU's writer, the same gates, O_DIRECT onto /dev/twa.
bw=$(base64 -w0 <<'EOF'
#!/bin/bash
head -c 48M /dev/urandom >/tmp/bsrc
sha256sum </tmp/bsrc | cut -d' ' -f1 >/tmp/bsrc.sum
rm -f /tmp/bg1 /tmp/bg2 /tmp/bw.rc
mkfifo /tmp/bg1 /tmp/bg2
{
	dd if=/tmp/bsrc bs=1M count=8 status=none
	cat /tmp/bg1 >/dev/null
	dd if=/tmp/bsrc bs=1M skip=8 count=32 status=none
	cat /tmp/bg2 >/dev/null
	dd if=/tmp/bsrc bs=1M skip=40 status=none
} | dd of=/dev/twa bs=1M oflag=direct iflag=fullblock status=none &
echo $! >/tmp/bw.pid
wait $!
echo $? >/tmp/bw.rc
EOF
)
agent "echo $bw | base64 -d >/tmp/bw.sh && (setsid bash /tmp/bw.sh </dev/null >/dev/null 2>&1 &)"
# Both at gate 1: 8 MiB through each device.
net_at() { [ "$(agent "stat -c %s /tmp/rx48 2>/dev/null")" -ge $((8 * MiB)) ] 2>/dev/null; }
blk_at() { [ "$(agent "awk '/^wchar/ { print \$2 }' /proc/\$(cat /tmp/bw.pid)/io 2>/dev/null")" -ge $((8 * MiB)) ] 2>/dev/null; }
wait_for 120 net_at && wait_for 120 blk_at
check io_mid_first_8m $? "8 MiB through twinnet and twinblk before the kill"
tasks_before=$(io_tasks)
attached_before=$(log_count "$IODOMU ($iodomid): 2 of 2 twinring entries already attached")
lines_before=$(wc -l <"$LOG")
# Gate 1 open: 32 MiB on their way through each device, and the daemon dies.
echo >/run/twr/ts-g1
agent "echo >/tmp/bg1"
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
st=$?
daemon_start
wait_for 60 eval '[ "$(log_count "$IODOMU ($iodomid): 2 of 2 twinring entries already attached")" -gt "$attached_before" ]'
check io_mid_restarted $? "kill -9 (status $st) with both transfers past gate 1, restarted: it found both entries attached"
# Gate 2 still shut: neither transfer can have ended.
kill -0 "$sender" 2>/dev/null && agent "test ! -e /tmp/bw.rc" >/dev/null
check io_mid_in_flight $? "both transfers still open across the kill and the restart"
echo >/run/twr/ts-g2
agent "echo >/tmp/bg2"
wait_for 180 eval '! kill -0 $sender 2>/dev/null'
wait "$sender"
src=$?
wait_for 30 eval '[ "$(agent "sha256sum </tmp/rx48" | cut -d" " -f1)" = "$want" ]'
check io_mid_net_sha256 $? "48 MiB over twinnet across kill -9 and restart: sender exit $src, sha256 $want"
wait_for 180 agent "test -e /tmp/bw.rc" >/dev/null
sums=$(agent "cat /tmp/bw.rc /tmp/bsrc.sum; dd if=/dev/twa bs=1M count=48 iflag=direct status=none | sha256sum" |
	cut -d' ' -f1 | tr '\n' ' ')
set -- $sums
[ "${1:-}" = 0 ] && [ -n "${2:-}" ] && [ "$2" = "${3:-}" ]
check io_mid_blk_sha256 $? "48 MiB O_DIRECT write across kill -9 and restart: dd exit ${1:-?}, written ${2:-?}, read back ${3:-?}"
io_connected
check io_mid_still_connected $? "$(io_states_all)"
[ "$(io_tasks)" = "$tasks_before" ] && [ -n "$tasks_before" ]
check io_mid_tasks_unchanged $? "same tasks before the kill and after the restart: $(echo "$tasks_before" | awk '{ print $3 }' | tr '\n' ' ')"
tail -n +"$((lines_before + 1))" "$LOG" >"$TWR_RESULTS/ts-io-restart.log"
! grep -E "twin(net|blk) [0-9]+ attached|registered, go-ahead given|no go-ahead" "$TWR_RESULTS/ts-io-restart.log"
check io_mid_nothing_redone $? "the new daemon created no device and registered no task (ts-io-restart.log)"
[ "$(count_devs "$iodomid")" = 2 ]
check io_mid_no_duplicate $? "$(count_devs "$iodomid") devices, records '$(io_records)'"
agent "rm -f /tmp/rx48 /tmp/bsrc" >/dev/null
rm -f "$blob" /run/twr/ts-g1 /run/twr/ts-g2

# --- the admin's bridge changes stay ---------------------------------------
# The daemon bridges each netdev once: taken off its bridge by hand, it stays
# off through two of the daemon's 5 s passes; put back, traffic flows.
twr_phase ts_io_admin_bridge
ifc=twr$iodomid.0
ip link set dev "$ifc" nomaster
sleep 12
m=$(readlink "/sys/class/net/$ifc/master" 2>/dev/null)
[ -z "$m" ]
check io_bridge_admin_change_kept $? "$ifc master after 12 s: ${m:-none}"
ip link set dev "$ifc" master xenbr1 up
wait_for 20 ping -c 1 -W 1 "$IO_IP" >/dev/null 2>&1
check io_bridge_back $? "$ifc back on xenbr1 by hand: $IO_IP answers"

# --- a guest keeping the daemon busy ---------------------------------------
# The domU rewrites a node under its own frontend directory (which the daemon
# watches) as fast as xenstored answers, for 10 s; the daemon's CPU time over
# those 10 s beside 10 s idle (/proc/<pid>/stat utime + stime), and the
# devices stay Connected. A figure, not a bound: docs/toolstack.md.
twr_phase ts_io_xs_storm
hz=$(getconf CLK_TCK)
c0=$(daemon_cpu)
sleep 10
c1=$(daemon_cpu)
out=$(agent "twr-rogue xs-storm net 0 10" 2>&1)
c2=$(daemon_cpu)
writes=$(sed -n 's/.*xs-storm .* writes=\([0-9]*\) .*/\1/p' <<<"$out")
idle=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.1f", 100 * (b - a) / hz / 10 }')
busy=$(awk -v a="$c1" -v b="$c2" -v hz="$hz" 'BEGIN { printf "%.1f", 100 * (b - a) / hz / 10 }')
[ "${writes:-0}" -gt 100 ] && io_connected && kill -0 "$daemon_pid"
check io_xs_storm "$?" "${writes:-no} writes from the domU in 10 s; twinringd CPU: ${busy}% of a core under the storm, ${idle}% idle; devices $(io_states_all) ($out)"

# --- script=: an Open vSwitch bridge through xl's own vif-openvswitch --------
#   dom0 10.99.2.1 ── ovsbr0 (OVS internal port) ── twr<d>.1 ══ twinnet ══ ethM 10.99.2.2
# twinctl attach ... script=vif-openvswitch (Debian's /etc/xen/scripts,
# unmodified): the netdev becomes an OVS port carrying the domU's name and
# MAC, the daemon's bridge pass leaves it alone, the domU pings the bridge's
# internal port, and the detach's "offline" removes the port. A script that
# fails fails its attach (the device is removed); a missing one is refused.
twr_phase ts_io_script_ovs
OVS_MAC=00:16:3e:7a:00:22
OVS_IP=10.99.2.2
ovs_start() {
	mkdir -p /etc/openvswitch /run/openvswitch /var/log/openvswitch
	modprobe openvswitch || return 1
	[ -e /etc/openvswitch/conf.db ] ||
		ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema || return 1
	# (stdio away from the caller's $(...): a daemon must not hold it open)
	ovsdb-server --remote=punix:/run/openvswitch/db.sock --pidfile --detach \
		--log-file=/var/log/openvswitch/ovsdb-server.log </dev/null >/dev/null 2>&1 || return 1
	ovs-vsctl --no-wait init &&
		ovs-vswitchd --pidfile --detach --log-file=/var/log/openvswitch/ovs-vswitchd.log \
			</dev/null >/dev/null 2>&1 &&
		ovs-vsctl --timeout=30 add-br ovsbr0 &&
		ip addr add 10.99.2.1/24 dev ovsbr0 && ip link set ovsbr0 up
}
ovs_port() { ovs-vsctl --timeout=10 list-ports ovsbr0 2>/dev/null | grep -qx "twr$iodomid.1"; }
out=$(ovs_start 2>&1)
check io_ovs_started $? "ovsdb-server and ovs-vswitchd without systemd, bridge ovsbr0: $(ovs-vsctl --timeout=10 show 2>&1 | tr '\n' ' ' | head -c 300) $out"
t0=$(date +%s)
out=$(twinctl attach "$IODOMU" net bridge=ovsbr0 script=vif-openvswitch mac=$OVS_MAC 2>&1)
rc=$?
[ $rc = 0 ] && xenstore-exists "$(io_dir be twinnet 1)"
check io_script_attach $? "exit $rc: $out"
wait_for 30 ovs_port
check io_script_ovs_port $? "twr$iodomid.1 is a port of ovsbr0: $(ovs-vsctl --timeout=10 list-ports ovsbr0 2>&1 | tr '\n' ' ')"
# What vif-openvswitch read from our backend directory (mac, frontend-id and
# the domain's vm path) and wrote back (hotplug-status).
vm=$(ovs-vsctl --timeout=10 get interface "twr$iodomid.1" external-ids:xen-vm-name 2>&1 | tr -d '"')
am=$(ovs-vsctl --timeout=10 get interface "twr$iodomid.1" external-ids:attached-mac 2>&1 | tr -d '"')
hs=$(xenstore-read "$(io_dir be twinnet 1)/hotplug-status" 2>&1)
[ "$vm" = "$IODOMU" ] && [ "$am" = "$OVS_MAC" ] && [ "$hs" = connected ]
check io_script_xenstore_nodes $? "external-ids xen-vm-name '$vm', attached-mac '$am'; hotplug-status '$hs'"
wait_for 60 eval '[ "$(io_states twinnet 1)" = 4/4 ]'
check io_script_connected $? "twinnet 1 $(io_states twinnet 1)"
ifc1=$(agent "for i in \$(seq 30); do ifc=\$(grep -il $OVS_MAC /sys/class/net/*/address | cut -d/ -f5 | head -n1); [ -n \"\$ifc\" ] && break; sleep 1; done; ip addr replace $OVS_IP/24 dev \$ifc && ip link set \$ifc up && echo \$ifc")
out=$(agent "ping -c 3 -W 2 10.99.2.1 || { sleep 3; ping -c 3 -W 2 10.99.2.1; }" 2>&1)
rc=$?
check io_script_ovs_ping $rc "domU $ifc1 ($OVS_IP) -> ovsbr0's internal port 10.99.2.1 through OVS: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
# Two of the daemon's 5 s passes: it neither bridges nor warns about ovsbr0
# (no Linux bridge), and the port stays.
sleep 11
m=$(readlink "/sys/class/net/twr$iodomid.1/master" 2>/dev/null)
# ($LOG has dom0's syslog too: OVS's and the script's own lines name ovsbr0)
nw=$(grep -a 'twinringd\[' "$LOG" | grep -c "ovsbr0")
ovs_port && [ "$(basename "${m:-none}")" != ovsbr0 ] && [ "$nw" = 0 ] &&
	[ "$(log_count "twr$iodomid.1 set up by its hotplug script")" -le 1 ]
check io_script_not_rebridged $? "after 11 s: still an OVS port, Linux master '${m:-none}' (ovs-system is OVS's own), $nw daemon log lines naming ovsbr0"
out=$(twinctl --timeout 20 detach "$IODOMU" net 1 2>&1)
rc=$?
[ $rc = 0 ] && ! ovs_port && ! xenstore-exists "$(io_dir be twinnet 1)"
check io_script_detach_removes_port $? "exit $rc $out; ports of ovsbr0 now: '$(ovs-vsctl --timeout=10 list-ports ovsbr0 2>&1 | tr '\n' ' ')'"
twr_log "script= OVS attach to detach: $(( $(date +%s) - t0 )) s"
# A failing script: the attach fails with its exit status and stderr, and
# the device is removed, as xl does.
cat >/run/twr/vif-fails <<'EOS'
#!/bin/sh
echo "vif-fails: $1 for $vif on $bridge refused" >&2
exit 3
EOS
chmod 755 /run/twr/vif-fails
out=$(twinctl attach "$IODOMU" net bridge=ovsbr0 script=/run/twr/vif-fails 2>&1)
rc=$?
# (twinctl or twinringd runs it, whichever claims it first: twinctl then
# reports the daemon's verdict, and the daemon's log has the details.)
fmsg="hotplug script /run/twr/vif-fails online for twr$iodomid.[0-9]* failed (exit 3): stderr: vif-fails: online for twr$iodomid.[0-9]* on ovsbr0 refused"
[ $rc = 1 ] && { grep -q "$fmsg" <<<"$out" ||
	{ grep -q "twinringd ran its hotplug script, which failed" <<<"$out" && grep -q "$fmsg" "$LOG"; }; } &&
	wait_for 30 eval '[ "$(count_devs "$iodomid")" = 2 ]'
check io_script_fail_removes_device $? "exit $rc, $(count_devs "$iodomid") devices: $out"
out=$(twinctl attach "$IODOMU" net bridge=ovsbr0 script=vif-nope 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "script=vif-nope: /etc/xen/scripts/vif-nope: No such file or directory" <<<"$out" &&
	[ "$(count_devs "$iodomid")" = 2 ]
check io_script_missing_refused $? "exit $rc: $out"
io_connected
check io_script_others_untouched $? "$(io_states_all)"
cp /var/log/openvswitch/ovsdb-server.log /var/log/openvswitch/ovs-vswitchd.log \
	/var/log/xen/xen-hotplug.log "$TWR_RESULTS/" 2>/dev/null
ovs-vsctl --timeout=10 del-br ovsbr0
ovs-appctl -t ovs-vswitchd exit >/dev/null 2>&1
ovs-appctl -t ovsdb-server exit >/dev/null 2>&1

# --- twinctl alone, with real drivers ---------------------------------------
# A host without twinringd: twinctl attach --go-ahead connects a device (no
# I/O task), and twinctl detach closes a Connected one in time.
twr_phase ts_io_twinctl
daemon_stop
twr_disk_create "$IO_DATA2" 16
out=$(twinctl --go-ahead attach "$IODOMU" blk target="$IO_DATA2" vdev=twb 2>&1)
check io_twinctl_attach $? "without twinringd: $out"
wait_for 60 agent test -b /dev/twb
check io_twinctl_go_ahead_connects $? "/dev/twb in the domU, twinblk 1 $(io_states twinblk 1)"
[ "$(io_tasks | grep -c task)" = "$ntask" ]
check io_twinctl_no_task $? "twinctl registers no I/O task: $(io_tasks | grep -c task) tasks, as before"
out=$(twinctl --timeout 20 detach "$IODOMU" blk 1 2>&1)
rc=$?
wait_for 30 eval '! agent test -b /dev/twb' && [ "$rc" = 0 ] &&
	! xenstore-exists "$(io_dir be twinblk 1)" && ! xenstore-exists "$(io_dir fe twinblk 1)"
check io_twinctl_detach_connected $? "exit $rc (1: the backend did not close in time): $out"
io_connected
check io_twinctl_others_untouched $? "$(io_states_all)"

# A detach killed after it asked the backend to close (test hook
# detach-closing, twinringd(8)): the device is left half-closed until a
# twinringd sees its backend Closed with online 0 and finishes it.
twr_phase ts_io_detach_killed
out=$(twinctl --go-ahead attach "$IODOMU" blk target="$IO_DATA2" vdev=twb 2>&1) &&
	wait_for 60 agent test -b /dev/twb
check io_reattach $? "twinblk 1 again: $out $(io_states twinblk 1)"
TWINRINGD_TEST_KILL_AT=detach-closing twinctl --timeout 20 detach "$IODOMU" blk 1 >/dev/null 2>&1
rc=$?
[ "$rc" = 137 ] && xenstore-exists "$(io_dir be twinblk 1)" && [ "$(xenstore-read "$(io_dir be twinblk 1)/online")" = 0 ]
check io_detach_killed $? "twinctl SIGKILLed after writing Closing (exit $rc): left $(io_states twinblk 1)"
daemon_start
wait_for 30 eval '! xenstore-exists "$(io_dir be twinblk 1)" && ! xenstore-exists "$(io_dir fe twinblk 1)"' &&
	wait_for 30 eval '! agent test -b /dev/twb'
check io_detach_finished $? "twinringd finished the detach: backend dir $(xenstore-exists "$(io_dir be twinblk 1)" && echo left || echo gone), /dev/twb $(agent test -b /dev/twb && echo left || echo gone)"
io_connected
check io_detach_others_untouched $? "$(io_states_all)"

# --- detach of a disk in use ------------------------------------------------
# A mounted ext4 disk: twinblk-front refuses to close it, as blkfront does,
# and keeps serving it; twinctl detach waits --timeout, leaves it closing and
# says so; new opens are refused; once unmounted the guest closes it and
# twinringd removes it (its grace for a half-done detach); what was written
# before and during the wait is in the file. Then detach -f of a disk
# mounted with a writer on it removes it at once; nothing leaks. Beside it,
# in the same wait, xl block-detach of a mounted blkfront disk, logged as
# the baseline (libxl's own choice after its timeout).
twr_phase ts_io_detach_busy
IO_FS=/run/twr/tsio-fs.img IO_FS_XVD=/run/twr/tsio-fs-xvd.img
busy_counts() { echo "vmaps=$(grep -c twr_chan_back /proc/vmallocinfo) irqs=$(grep -c ' twr-' /proc/interrupts) tasks=$(io_tasks | grep -c task)"; }
busy0=$(busy_counts)
twr_disk_create "$IO_FS" 16 && twr_disk_create "$IO_FS_XVD" 16 &&
	mkfs.ext4 -q -F "$IO_FS" && mkfs.ext4 -q -F "$IO_FS_XVD"
busy_attach() {
	out=$(twinctl attach "$IODOMU" blk target="$IO_FS" vdev=twe 2>&1) &&
		bdev=$(sed -n 's/.*twinblk device \([0-9]*\).*/\1/p' <<<"$out" | head -n1) &&
		wait_for 60 agent test -b /dev/twe &&
		agent "mkdir -p /mnt/twe && mount /dev/twe /mnt/twe && echo before >>/mnt/twe/f && sync" >/dev/null
}
busy_attach
check io_busy_mounted $? "twinblk ${bdev:-?} (ext4) mounted in the guest: $out"
xl block-attach "$IODOMU" "format=raw,vdev=xvdf,access=rw,target=$IO_FS_XVD" &&
	wait_for 60 agent test -b /dev/xvdf && agent "mkdir -p /mnt/xvdf && mount /dev/xvdf /mnt/xvdf" >/dev/null
check io_busy_blkfront_mounted $? "xvdf (blkfront, ext4) mounted in the guest"
t0=$SECONDS
(
	t=$SECONDS
	xl block-detach "$IODOMU" xvdf >"$TWR_RESULTS/busy-xl-block-detach.txt" 2>&1
	echo "exit $? after $((SECONDS - t)) s" >>"$TWR_RESULTS/busy-xl-block-detach.txt"
) &
xlpid=$!
out=$(twinctl --timeout 5 detach "$IODOMU" blk "$bdev" 2>&1)
rc=$? secs=$((SECONDS - t0))
during=$(agent "echo during >>/mnt/twe/f && sync && cat /mnt/twe/f" | tr '\n' ' ')
[ "$rc" = 1 ] && grep -q "in use in the guest" <<<"$out" && [ "$during" = "before during " ]
check io_busy_refused $? "twinctl detach of the mounted disk: exit $rc after $secs s: $out; the disk still serves: '$during'"
agent "dd if=/dev/twe of=/dev/null bs=4k count=1 2>&1"
[ $? != 0 ]
check io_busy_no_new_users $? "a new open of /dev/twe while its close waits is refused"
wait $xlpid
xvd_left=$(agent "test -b /dev/xvdf && echo present || echo gone")
twr_log "blkfront baseline: xl block-detach of mounted xvdf: $(tr '\n' ' ' <"$TWR_RESULTS/busy-xl-block-detach.txt"); /dev/xvdf $xvd_left in the guest"
agent "umount /mnt/xvdf 2>/dev/null || umount -l /mnt/xvdf" >/dev/null
[ "$xvd_left" = present ] && xl block-detach "$IODOMU" xvdf >/dev/null 2>&1
t0=$SECONDS
agent "umount /mnt/twe" >/dev/null
wait_for 60 eval '! xenstore-exists "$(io_dir be twinblk "$bdev")" && ! xenstore-exists "$(io_dir fe twinblk "$bdev")"' &&
	wait_for 20 eval '! agent test -b /dev/twe'
check io_busy_closed_when_free $? "after umount the guest closed twinblk $bdev and twinringd removed it in $((SECONDS - t0)) s (backend dir $(xenstore-exists "$(io_dir be twinblk "$bdev")" && echo left || echo gone))"
content=$(debugfs -R "cat /f" "$IO_FS" 2>/dev/null | tr '\n' ' ')
[ "$content" = "before during " ]
check io_busy_data_kept $? "the file on the backing image (debugfs, dom0): '$content'"
busy_attach &&
	agent "(setsid sh -c 'while echo x >>/mnt/twe/g; do sync; sleep 0.2; done' </dev/null >/dev/null 2>&1 &)" >/dev/null
check io_busy_mounted_again $? "twinblk ${bdev:-?} mounted again, a writer on it: $out"
t0=$SECONDS
out=$(twinctl --timeout 20 detach -f "$IODOMU" blk "$bdev" 2>&1)
rc=$? secs=$((SECONDS - t0))
wait_for 30 eval '! agent test -b /dev/twe'
gone=$?
[ "$rc" = 0 ] && [ "$secs" -lt 5 ] && [ "$gone" = 0 ] &&
	! xenstore-exists "$(io_dir be twinblk "$bdev")" && ! xenstore-exists "$(io_dir fe twinblk "$bdev")"
check io_busy_forced $? "detach -f of the mounted disk: exit $rc in $secs s ($out); /dev/twe $(agent test -b /dev/twe && echo left || echo gone)"
agent "pkill -f 'echo [x] >>/mnt/twe/g'; umount -l /mnt/twe" >/dev/null
wait_for 20 eval '[ "$(busy_counts)" = "$busy0" ]'
check io_busy_no_leak $? "dom0 before: $busy0; after: $(busy_counts)"
io_connected
check io_busy_others_untouched $? "$(io_states_all)"
rm -f "$IO_FS" "$IO_FS_XVD"

# --- hot attach/detach cycles: nothing leaks --------------------------------
# TWR_CYCLES (default 20) rounds of twinctl attach of a disk and a NIC to the
# running domU (twinringd registers their tasks and gives the go-ahead), both
# seen in the guest, then both detached and gone; the daemon's own devices
# carry on meanwhile. dom0's counts before and after must match: twinring
# kthreads, vmap areas, event channel interrupts, module references, I/O
# tasks, backend directories; slab and vmalloc memory are reported (a
# loose bound: allocator caches move by themselves).
twr_phase ts_io_cycles
leak_counts() {
	printf 'kthreads=%s vmaps=%s irqs=%s refs=%s tasks=%s be_nodes=%s netdevs=%s\n' \
		"$(pgrep -c '^twr' || true)" "$(grep -c twr_chan_back /proc/vmallocinfo)" \
		"$(grep -c ' twr-' /proc/interrupts)" \
		"$(cat /sys/module/twinblk_back/refcnt /sys/module/twinnet_back/refcnt /sys/module/twinring_chan_back/refcnt | tr '\n' ,)" \
		"$(io_tasks | grep -c task)" "$(xenstore-ls /local/domain/0/backend 2>/dev/null | wc -l)" \
		"$(find /sys/class/net -maxdepth 1 -name 'twr*' | wc -l)"
}
mem_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
cycles=${TWR_CYCLES:-20}
before=$(leak_counts) slab0=$(mem_kb Slab) vm0=$(mem_kb VmallocUsed) t0=$(date +%s)
done_cycles=0
for i in $(seq "$cycles"); do
	bout=$(twinctl attach "$IODOMU" blk target="$IO_DATA2" vdev=twc 2>&1) || break
	bdev=$(sed -n 's/.*twinblk device \([0-9]*\).*/\1/p' <<<"$bout" | head -n1)
	nout=$(twinctl attach "$IODOMU" net bridge=xenbr1 2>&1) || break
	ndev=$(sed -n 's/.*twinnet device \([0-9]*\).*/\1/p' <<<"$nout" | head -n1)
	mac=$(sed -n 's/.*mac \([0-9a-f:]*\).*/\1/p' <<<"$nout" | head -n1)
	agent "for i in \$(seq 60); do test -b /dev/twc && grep -qil $mac /sys/class/net/*/address && exit 0; sleep 0.5; done; exit 1" || break
	# both at once, as an admin's two commands may be
	twinctl --timeout 20 detach "$IODOMU" blk "$bdev" >/dev/null 2>&1 &
	twinctl --timeout 20 detach "$IODOMU" net "$ndev" >/dev/null 2>&1 || { wait; break; }
	wait $! || break
	agent "for i in \$(seq 60); do ! test -e /dev/twc && ! grep -qil $mac /sys/class/net/*/address && exit 0; sleep 0.5; done; exit 1" || break
	done_cycles=$i
done
secs=$(( $(date +%s) - t0 ))
# (the backends' workers and deferred frees may trail the last detach)
wait_for 20 eval '[ "$(leak_counts)" = "$before" ]'
after=$(leak_counts) slab1=$(mem_kb Slab) vm1=$(mem_kb VmallocUsed)
why=
[ "$done_cycles" = "$cycles" ] || why="; stopped at: blk '${bout:0:100}', net '${nout:0:100}'"
[ "$done_cycles" = "$cycles" ]
check io_cycles_done $? "$done_cycles of $cycles attach/detach cycles (a disk and a NIC each, seen in the guest and gone) in $secs s$why"
[ "$after" = "$before" ]
check io_cycles_no_leak $? "dom0 before: $before; after: $after"
[ $((slab1 - slab0)) -lt 4096 ] && [ $((vm1 - vm0)) -lt 4096 ]
check io_cycles_memory $? "dom0 Slab $slab0 -> $slab1 kB, VmallocUsed $vm0 -> $vm1 kB over $done_cycles cycles (under 4 MiB growth each)"
io_connected
check io_cycles_others_untouched $? "$(io_states_all)"
daemon_stop

# --- a domain that dies while no daemon runs --------------------------------
# Its twinring directories outlive it (libxl does not remove kinds it does not
# know); the next twinringd finds and removes them.
twr_phase ts_io_orphan
daemon_start
cat >/run/twr/twr-tsorph.cfg <<EOF
name = "twr-tsorph"
type = "pv"
kernel = "/lab/boot/domU-vmlinux"
memory = 80
vcpus = 1
cpus = "1"
twinring = [ 'net, bridge=xenbr1', 'blk, target=$IO_DATA2, vdev=twa' ]
EOF
xl create -p /run/twr/twr-tsorph.cfg >"$TWR_RESULTS/xl-create-twr-tsorph.log" 2>&1
odomid=$(xl domid twr-tsorph)
wait_for 30 eval '[ "$(count_devs "$odomid")" = 2 ]'
check io_orphan_attached $? "paused domain $odomid: $(count_devs "$odomid") devices attached"
daemon_stop
xl destroy twr-tsorph
[ "$(count_devs "$odomid")" = 2 ]
check io_orphan_left_behind $? "after xl destroy with no daemon: $(count_devs "$odomid") backend directories remain"
daemon_start
orph_gone() {
	[ "$(count_devs "$odomid")" = 0 ] && ! xenstore-exists "/local/domain/0/twinringd/$odomid" &&
		[ ! -e "/sys/class/net/twr$odomid.0" ]
}
wait_for 60 orph_gone
check io_orphan_swept $? "the next twinringd removed them: $(count_devs "$odomid") left, records '$(xenstore-list "/local/domain/0/twinringd/$odomid" 2>/dev/null | tr '\n' ' ')'"
io_connected
check io_orphan_others_untouched $? "$(io_states_all)"

# --- save/restore and live migration, with traffic -------------------------
# The domU is saved and restored (xl save to /dev/shm, xl restore), then
# migrated to this host (xl migrate -s '' runs xl migrate-receive here; the
# receiving domain is <name>--incoming until it is renamed), each time while
# a TCP stream runs over twinnet and over netfront (domU -> dom0, 16 MiB,
# the save or migration started with 8 MiB of it on its way) and fio verify
# jobs write and read back /dev/twa (twinblk) and /dev/xvda (blkfront).
# Checked: both streams arrive with the sender's sha256, both fio jobs end
# with status 0 (crc32c verify), the new domain's devices are Connected with
# one I/O task per queue, and nothing of the old domain is left in dom0
# (backend directories, records, I/O tasks, netdev, event channels).
# Last before the teardown: a migration to the same host leaves the domain
# without its /vm/<uuid> node (the two ends share it, and the source's
# destroy removes it), which vif-openvswitch (ts_io_script_ovs) reads.
# The twinring kthreads' CPU time in dom0, in clock ticks.
twr_kthread_ticks() {
	local p sum=0 f
	for p in $(pgrep '^twr'); do
		f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
		sum=$((sum + ${f% *} + ${f#* }))
	done
	echo "$sum"
}

# xl pause for TWR_PAUSE_SECS (30) with the transfers of sr_round open: the
# guest's frontends stop answering. Dom0 must not wait on it meanwhile:
# twinctl list and stats answer in their 10 s bound, no twinring kthread
# sleeps uninterruptibly (D), and they use under a tenth of a CPU (they
# sleep, not spin). Then xl unpause and the transfers carry on.
# A PV guest's soft-lockup watchdog counts the pause as time the CPU was
# held (Xen, unlike KVM's pvclock, tells it nothing) and reports "soft
# lockup - stuck for <pause>s" at the unpause, which log_clean would fail:
# the watchdog is off in the guest for the pause only, and on again after.
sr_pause() {
	local secs=${TWR_PAUSE_SECS:-30} c0 c1 lrc dstate hz
	hz=$(getconf CLK_TCK)
	agent "echo 0 >/proc/sys/kernel/soft_watchdog" ||
		echo "sr_pause: the guest's soft_watchdog could not be switched off" >&2
	xl pause "$IODOMU" || return 1
	c0=$(twr_kthread_ticks)
	sleep $((secs / 2))
	timeout 10 twinctl list >/dev/null 2>&1 && timeout 10 twinctl stats "$IODOMU" >/dev/null 2>&1
	lrc=$?
	dstate=$(ps -eo stat=,comm= | awk '$1 ~ /^D/ && $2 ~ /^twr/' | wc -l)
	sleep $((secs - secs / 2))
	c1=$(twr_kthread_ticks)
	xl unpause "$IODOMU" || return 1
	agent "echo 1 >/proc/sys/kernel/soft_watchdog" ||
		echo "sr_pause: the guest's soft_watchdog could not be switched on again" >&2
	[ "$lrc" = 0 ] && [ "$dstate" = 0 ] && [ $((c1 - c0)) -lt $((secs * hz / 10)) ]
	check sr_pause_dom0_free $? "the guest paused $secs s with transfers open: twinctl list and stats exit $lrc, $dstate twinring kthread(s) in D state, their CPU time $((c1 - c0)) ticks of $((secs * hz)) (a tenth allowed)"
}

# sr_round save|migrate|pause
sr_round() {
	local mode=$1 old=$iodomid t0 t1 rc secs new tw nf fios evt0 evt1 vm0 vm1 sums requeued drained k d
	rm -f /run/twr/sr-tw /run/twr/sr-nf
	for dst in "tw 7111" "nf 7112"; do
		set -- $dst
		(socat -u "TCP-LISTEN:$2,reuseaddr" "OPEN:/run/twr/sr-$1,creat,trunc" </dev/null >/dev/null 2>&1 &)
	done
	sleep 1
	# The senders are in the guest: its TCP timers stand still while it is
	# suspended and resend at once after, where a sender in dom0 would have
	# backed off for the whole save. Each sends 8 MiB, waits at its gate (a
	# fifo), then sends the other 8.
	agent "rm -f /tmp/sr-fio-* /tmp/sg-* /tmp/ss-*; head -c 16M /dev/urandom >/tmp/sr-blob && sha256sum </tmp/sr-blob | cut -d' ' -f1 >/tmp/sr-blob.sum && for d in 'tw 10.99.1.1 7111' 'nf 10.99.0.1 7112'; do set -- \$d; mkfifo /tmp/sg-\$1; (setsid sh -c \"{ dd if=/tmp/sr-blob bs=1M count=8 status=none; cat /tmp/sg-\$1 >/dev/null; dd if=/tmp/sr-blob bs=1M skip=8 status=none; } | socat -u - TCP:\$2:\$3,connect-timeout=5; echo \\\$? >/tmp/ss-\$1.rc\" </dev/null >/dev/null 2>&1 &); done" >/dev/null
	# The jobs use io_uring, not libaio: fio 3.33's libaio engine (Debian
	# 12's) asks io_getevents() for its whole minimum again after a call
	# that returned fewer events (fixed upstream in April 2023, fio PR
	# #1556), and the suspend's freezer interrupts that call: a job
	# waiting for its last 7 writes that got 1 before the freeze then
	# asks for 7 again, with only 6 left, and waits forever. That was the
	# "stuck job" that blk.md long blamed on the resend path.
	# Three verify jobs, each 8 rounds of 16 MiB (6 MiB on xvda, 2 MiB on
	# the capped twd) written and read back: 10-13 s of the guest's time,
	# the save or migration starting 4 s in. On twd a reader beside them
	# (8 reads at a time, past the 2 MiB) runs until /tmp/sr-stop appears,
	# after the reconnect: requests are in flight at the suspend however
	# long a migration's live phase lasts (the fixed-size job alone had
	# ended before it on a slow machine), and each must complete for the
	# reader to end.
	# TWR_SR_DEBUG=1 (twr.sr_debug=1): fio logs each I/O of twd's verify
	# job, twinblk-front each bio it sends again (dynamic debug).
	# Its output then goes to stdout line by line (stdbuf; fio's own
	# --output file is written in blocks and a stuck job's tail was lost),
	# and the guest traces the block layer's events of twd (bio queued,
	# merged, request issued, requeued, completed) for the stuck report.
	# TWR_SR_DRAIN_MS (twr.sr_drain_ms) sets twinblk-front's
	# suspend_drain_ms: 0 sends whatever is in flight again after the
	# resume.
	local dbg= tr=/sys/kernel/debug/tracing
	if [ "${TWR_SR_DEBUG:-0}" = 1 ]; then
		dbg="--debug=io"
		agent "mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug; echo 'module twinblk_front +p' >/sys/kernel/debug/dynamic_debug/control; echo 0 >$tr/tracing_on; echo 16384 >$tr/buffer_size_kb; t=\$(stat -L -c '%t %T' /dev/twd); for e in block_bio_queue block_bio_backmerge block_getrq block_rq_insert block_rq_issue block_rq_requeue block_rq_complete; do echo \"dev == \$(( (0x\${t% *} << 20) | 0x\${t#* } ))\" >$tr/events/block/\$e/filter; echo 1 >$tr/events/block/\$e/enable; done; echo >$tr/trace; echo 1 >$tr/tracing_on" >/dev/null
	fi
	[ -z "${TWR_SR_DRAIN_MS:-}" ] ||
		agent "echo $TWR_SR_DRAIN_MS >/sys/module/twinblk_front/parameters/suspend_drain_ms" >/dev/null
	agent "rm -f /tmp/sr-stop; for d in twa xvda twd; do s=16M; p=; o=--output=/tmp/sr-fio-\$d.txt; x=/dev/null; [ \$d = xvda ] && s=6M; [ \$d = twd ] && s=2M && [ -n '$dbg' ] && p='stdbuf -oL' o='$dbg' x=/tmp/sr-fio-\$d.txt; (setsid sh -c \"\$p fio \$o --name=sr-\$d --filename=/dev/\$d --direct=1 --ioengine=io_uring --iodepth=8 --rw=randwrite --bs=64k --size=\$s --verify=crc32c --verify_fatal=1 --loops=8 >\$x; echo \\\$? >/tmp/sr-fio-\$d.rc\" </dev/null >/dev/null 2>&1 &); done; (setsid sh -c 'fio --name=sr-twdr --filename=/dev/twd --direct=1 --ioengine=io_uring --iodepth=8 --rw=randread --bs=64k --offset=8M --size=8M --time_based --runtime=600 --trigger-file=/tmp/sr-stop --trigger=true --output=/tmp/sr-fio-twdr.txt; echo \$? >/tmp/sr-fio-twdr.rc' </dev/null >/dev/null 2>&1 &)" >/dev/null
	sr_at() { [ "$(stat -c %s /run/twr/sr-tw /run/twr/sr-nf 2>/dev/null | sort -n | head -n1)" -ge $((8 * MiB)) ] 2>/dev/null; }
	wait_for 120 sr_at
	check "sr_${mode}_first_8m" $? "8 MiB domU->dom0 over twinnet and netfront before the $mode"
	sleep 2	# the fio jobs are writing
	evt0=$(grep -c ' twr-' /proc/interrupts) vm0=$(grep -c twr_chan_back /proc/vmallocinfo)
	agent "echo >/tmp/sg-tw; echo >/tmp/sg-nf" >/dev/null
	t0=$SECONDS
	if [ "$mode" = save ]; then
		xl save "$IODOMU" /dev/shm/sr.save >"$TWR_RESULTS/xl-save.log" 2>&1 &&
			xl restore /dev/shm/sr.save >"$TWR_RESULTS/xl-restore.log" 2>&1
		rc=$?
		rm -f /dev/shm/sr.save
	elif [ "$mode" = pause ]; then
		sr_pause
		rc=$?
	else
		xl migrate -s '' "$IODOMU" 'xl migrate-receive' >"$TWR_RESULTS/xl-migrate.log" 2>&1
		rc=$?
	fi
	secs=$((SECONDS - t0))
	new=$(xl domid "$IODOMU" 2>/dev/null)
	if [ "$mode" = pause ]; then
		[ "$rc" = 0 ] && [ "$new" = "$old" ]
	else
		[ "$rc" = 0 ] && [ -n "$new" ] && [ "$new" != "$old" ]
	fi
	check "sr_${mode}_done" $? "xl $mode exit $rc in $secs s: domain $old is now ${new:-?}"
	[ -n "$new" ] || return 1
	iodomid=$new
	wait_for 90 io_connected
	check "sr_${mode}_reconnected" $? "domain $new: $(io_states_all)"
	t1=$SECONDS
	wait_for 180 agent "test -e /tmp/ss-tw.rc && test -e /tmp/ss-nf.rc" >/dev/null
	twr_log "$mode: the streams ended $((SECONDS - t1)) s after the $mode"
	# twd's jobs have had the new backend for a while: its requeued
	# requests are done, and verified in the batches since.
	agent "touch /tmp/sr-stop" >/dev/null
	sums=$(agent "cat /tmp/sr-blob.sum /tmp/ss-tw.rc /tmp/ss-nf.rc" | tr '\n' ' ')
	set -- $sums
	want=${1:-none}
	tw=$(sha256sum </run/twr/sr-tw | cut -d' ' -f1)
	nf=$(sha256sum </run/twr/sr-nf | cut -d' ' -f1)
	[ "$tw" = "$want" ] && [ "${2:-}" = 0 ]
	check "sr_${mode}_net_sha256" $? "16 MiB domU->dom0 over twinnet across the $mode: sender exit ${2:-?}, sha256 $tw, sent $want"
	[ "$nf" = "$want" ] && [ "${3:-}" = 0 ]
	check "sr_${mode}_netfront_sha256" $? "the same over netfront (baseline): sender exit ${3:-?}, sha256 $nf"
	if ! wait_for 120 agent "test -e /tmp/sr-fio-twa.rc && test -e /tmp/sr-fio-xvda.rc && test -e /tmp/sr-fio-twd.rc && test -e /tmp/sr-fio-twdr.rc" >/dev/null; then
		# A job that never ends: where its requests are, for the report.
		{
			agent "cat /sys/block/twd/inflight; grep -H . /sys/block/twd/twinblk/*; ps -eo pid,stat,wchan:32,args | grep '[f]io'; tail -n 400 /tmp/sr-fio-twd.txt; for p in \$(pgrep -x fio); do echo \"== fio \$p\"; cat /proc/\$p/stack; done; mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug; cd /sys/kernel/debug/block/twd && for f in \$(find . -type f); do echo \"== blk-mq \$f\"; cat \$f 2>&1 | head -n 40; done; dmesg | tail -n 80; if [ -e $tr/trace ]; then echo 0 >$tr/tracing_on; echo '== trace of twd'; cat $tr/trace; fi"
			grep -H . /sys/bus/xen-backend/devices/twinblk-"$new"-*/twinblk/* 2>&1
			for p in $(pgrep '^twr'); do echo "== $p $(cat "/proc/$p/comm")"; cat "/proc/$p/stack"; done
		} >"$TWR_RESULTS/sr-$mode-stuck${sr_n:+-$sr_n}.txt" 2>&1
		twr_log "$mode: a fio job did not end: sr-$mode-stuck${sr_n:+-$sr_n}.txt"
	fi
	twr_log "$mode: the fio jobs ended $((SECONDS - t1)) s after the $mode"
	fios=$(agent "for f in twa xvda twd twdr; do cat /tmp/sr-fio-\$f.rc 2>/dev/null || echo none; done" | tr '\n' ' ')
	agent "cat /tmp/sr-fio-twa.txt /tmp/sr-fio-xvda.txt /tmp/sr-fio-twd.txt /tmp/sr-fio-twdr.txt; pkill -9 -f 'name=sr-twd[r]'" >"$TWR_RESULTS/sr-$mode-fio.txt" 2>&1
	set -- $fios
	[ "${1:-}" = 0 ]
	check "sr_${mode}_fio_verify" $? "fio verify on /dev/twa across the $mode: exit ${1:-none} (sr-$mode-fio.txt)"
	[ "${2:-}" = 0 ]
	check "sr_${mode}_blkfront_fio_verify" $? "the same on /dev/xvda (blkfront, baseline): exit ${2:-none}"
	if [ "$mode" = pause ]; then
		[ "${3:-}" = 0 ] && [ "${4:-}" = 0 ]
		check sr_pause_twd_verify $? "fio verify on /dev/twd (iops=40) across the pause: exit ${3:-none}; its reader exit ${4:-none}"
	else
		# twd's requests wait in the backend's token bucket: some are in
		# flight when the guest suspends. twinblk-front waits for them
		# (suspend_drain_ms) before the suspend, so the old backend keeps
		# none it could still write after the resume; any left then are
		# sent again to the new backend. The reader ended, so each of its
		# reads completed.
		drained=$(agent "dmesg | sed -n 's/.*twd: suspending: \\([0-9]*\\) request(s) in flight, \\([0-9]*\\) after.*/\\1 in flight, \\2 left/p' | tail -n1")
		requeued=$(agent "dmesg | sed -n 's/.*twd: resumed: \\([0-9]*\\) request(s) requeued.*/\\1/p' | tail -n1")
		k=$(agent "dmesg | grep -c 'twd: suspending: [1-9][0-9]* request(s) in flight'")
		[ "${3:-}" = 0 ] && [ "${4:-}" = 0 ] && [ "${k:-0}" -gt "${inflight_rounds:-0}" ]
		check "sr_${mode}_inflight_verify" $? "fio verify on /dev/twd (iops=40) across the $mode: exit ${3:-none}, its reader exit ${4:-none}; at the suspend ${drained:-no request(s) in flight}, and the resume sent ${requeued:-no} request(s) again"
		inflight_rounds=${k:-0}
		wait_for 60 eval '[ "$(count_devs "$old")" = 0 ] && ! xenstore-exists "/local/domain/0/twinringd/$old" && [ ! -e "/sys/class/net/twr$old.0" ] && [ -z "$(twr-iotask list "$old" 2>/dev/null | grep task)" ]'
		check "sr_${mode}_old_gone" $? "domain $old: $(count_devs "$old") backend dirs, records '$(xenstore-list "/local/domain/0/twinringd/$old" 2>/dev/null | tr '\n' ' ')', tasks $(twr-iotask list "$old" 2>/dev/null | grep -c task)"
	fi
	evt1=$(grep -c ' twr-' /proc/interrupts) vm1=$(grep -c twr_chan_back /proc/vmallocinfo)
	nq=0
	for k in twinnet twinblk; do
		for d in $(xenstore-list "/local/domain/$new/device/$k" 2>/dev/null); do
			nq=$((nq + $(xenstore-read "/local/domain/$new/device/$k/$d/num-queues" 2>/dev/null || echo 0)))
		done
	done
	[ "$evt1" = "$evt0" ] && [ "$vm1" = "$vm0" ] && [ "$nq" -gt 0 ] && [ "$(io_tasks | grep -c task)" = "$nq" ]
	check "sr_${mode}_no_leak" $? "dom0's twinring event channels $evt0 before, $evt1 after; ring mappings (vmap areas) $vm0 before, $vm1 after; $(io_tasks | grep -c task) I/O tasks for $nq queues of domain $new"
	agent "dmesg | grep -E 'twin(net|blk).*(suspending|resum|reconnect|send again)'" >"$TWR_RESULTS/sr-$mode-dmesg.txt" 2>&1
	twr_log "$mode: $(tr '\n' ';' <"$TWR_RESULTS/sr-$mode-dmesg.txt")"
	agent "rm -f /tmp/sr-blob /tmp/sg-*" >/dev/null
	rm -f /run/twr/sr-tw /run/twr/sr-nf
}

twr_phase ts_io_save_restore
# A smaller domain is saved and moved faster; 256 MiB starved the agent.
xl mem-set "$IODOMU" 400m
# A third disk, from the config file (twinctl sync), so that the restored
# and the migrated domain get it too: capped at 40 requests a second, its
# requests wait in the backend's token bucket, so some are in flight when
# the guest suspends and twinblk-front must requeue them.
twr_disk_create /run/twr/tsio-slow.img 16
sed -i "s|^twinring = .*|twinring = [ '$NET_SPEC', '$BLK_SPEC', 'blk, target=/run/twr/tsio-slow.img, vdev=twd, iops=40' ]|" \
	"/run/twr/$IODOMU.cfg"
twinctl sync "$IODOMU" >"$TWR_RESULTS/ts-sr-sync.txt" 2>&1
rc=$?
wait_for 60 agent test -b /dev/twd
check sr_slow_disk $((rc | $?)) "twinctl sync exit $rc: /dev/twd (iops=40) in the guest ($(tr '\n' ' ' <"$TWR_RESULTS/ts-sr-sync.txt"))"
# TWR_SR_SAVE_ROUNDS (1) repeats the round, to chase an intermittent fault.
for sr_n in $(seq "${TWR_SR_SAVE_ROUNDS:-1}"); do
	sr_round save
done
sr_n=

twr_phase ts_io_migrate
sr_round migrate
grep -qF "domain $IODOMU--incoming ($iodomid): an incoming migration" "$LOG"
check sr_migrate_incoming_attached $? "the daemon attached the receiving domain's devices under its --incoming name"

# A guest that stops answering for half a minute (xl pause) with transfers open:
# nothing in dom0 waits on it, and it carries on after xl unpause.
twr_phase ts_io_pause
sr_round pause

# twinringd down during xl save + xl restore (restarting, or killed): the
# restored guest runs before any backend of it exists, and the xenbus core
# fails its devices' resume for good. Started again, the daemon sweeps the
# old domain's devices and writes the new one's; the frontends' own watch on
# device/<kind> resumes them then (frontend/twr_chan_front.h).
twr_phase ts_io_restore_late
old=$iodomid
daemon_stop
xl save "$IODOMU" /dev/shm/sr.save >"$TWR_RESULTS/xl-save-late.log" 2>&1 &&
	xl restore /dev/shm/sr.save >"$TWR_RESULTS/xl-restore-late.log" 2>&1
rc=$?
rm -f /dev/shm/sr.save
iodomid=$(xl domid "$IODOMU" 2>/dev/null)
wait_for 30 eval '[ "$(agent "dmesg | grep -c \"resume (talk_to_otherend) failed\"")" -ge 3 ] 2>/dev/null'
failed=$(agent "dmesg | grep -c 'resume (talk_to_otherend) failed'")
[ "$rc" = 0 ] && [ -n "$iodomid" ] && [ "$iodomid" != "$old" ]
check sr_late_restored $? "with no daemon: xl save + restore exit $rc, domain $old is now ${iodomid:-?}; the guest failed ${failed:-?} resume(s) (no backend yet)"
daemon_start
wait_for 90 io_connected
check sr_late_reconnected $? "the daemon started again: domain $iodomid $(io_states_all)"
late=$(agent "dmesg | grep -c 'its backend appeared after the resume: resuming now'")
[ "${late:-0}" -ge 3 ]
check sr_late_frontends_resumed $? "${late:-0} frontend(s) resumed late by their own watch (3 expected: twinnet 0, twinblk 0 and 1)"
wait_for 20 ping -c 1 -W 1 "$IO_IP" >/dev/null 2>&1 &&
	agent "dd if=/dev/twa bs=1M count=4 iflag=direct status=none | wc -c" | grep -qx 4194304
check sr_late_io $? "$IO_IP answers over twinnet, 4 MiB read from /dev/twa"
wait_for 60 eval '[ "$(count_devs "$old")" = 0 ] && ! xenstore-exists "/local/domain/0/twinringd/$old"'
check sr_late_old_swept $? "domain $old: $(count_devs "$old") backend dirs left (its devices swept by the new daemon)"

# --- teardown ---------------------------------------------------------------
twr_phase ts_io_destroy
agent dmesg >"$TWR_RESULTS/domU-$IODOMU-dmesg.txt" 2>&1
xl destroy "$IODOMU"
twr_domu_unfollow "$IODOMU"
io_gone() {
	! xenstore-exists "/local/domain/0/backend/twinnet/$iodomid" &&
		! xenstore-exists "/local/domain/0/backend/twinblk/$iodomid" &&
		! xenstore-exists "/local/domain/0/twinringd/$iodomid" &&
		[ ! -e "/sys/class/net/twr$iodomid.0" ]
}
wait_for 60 io_gone
check io_destroy_nothing_left $? "no backend directory, record or twr$iodomid.0 of domain $iodomid"
# (a backend's workers may outlive its device by a moment)
wait_for 30 eval 'rmmod twinblk-back 2>/dev/null; rmmod twinnet-back 2>/dev/null; ! grep -qE "^twin(net|blk)_back " /proc/modules'
check io_backends_unload $? "twinnet-back and twinblk-back unload: nothing holds them"
daemon_stop
exit $fail
