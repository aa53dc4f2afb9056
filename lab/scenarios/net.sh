#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario net: the twinring network device against netfront/netback, same
# boot, same domU, interleaved test by test.
#
#   dom0 10.99.0.1 ── xenbr0 ── vif<d>.0 ═══ netback/netfront ═══ eth0 10.99.0.2
#   dom0 10.99.1.1 ── xenbr1 ── twr<d>.0 ═══ ring A/B, granted once ═══ ethN 10.99.1.2
#                                              twinnet-back / twinnet-front
#
# netperf (lib.sh run_netperf): tcp_stream_rx, tcp_stream_tx, tcp_rr, udp_rr
# on each stack in turn (TWR_REPS times), xenperf around each. Then, with
# more domUs beside the first (TWR_EXTRA_DOMU_MEM MiB each, default 512):
#  - guest to guest: a second domU on both bridges; g2g_tcp_stream,
#    g2g_tcp_rr, g2g_udp_rr from the first to it, netfront then twinnet;
#  - multi-queue: a domU with 2 vCPUs, twinnet with 2 queues (netfront keeps
#    its defaults: netback offers dom0's vCPU count, 1); mq_tcp_stream, two
#    TCP_STREAMs at once from it to dom0, one per vCPU, their sum;
#  - each extra domU destroyed, its devices gone, before the next.
# Then:
#  - integrity: a random file sent over twinnet with TCP both ways, sha256
#    compared;
#  - the ethtool -S counters of both ends (notifications, ring-full events,
#    errors), read from /sys/class/net/<dev>/twinnet/stats;
#  - lifecycle: reload twinnet-front in the domU (reconnects), unload and
#    reload twinnet-back in dom0 with the device live (reconnects);
#  - hostile frontend (twinnet-front inject_fault=1: a record with a
#    reserved field set): dom0 logs the reason and closes, nobody crashes;
#    hostile backend (twinnet-back inject_fault=1) likewise for the domU;
#  - xl destroy in the middle of a TCP stream: the backend lets go of
#    everything (the domain disappears: no grant mapping holds it) and
#    twinnet-back unloads.
# Stacks in the results: "netfront" and "twinring-net".
. /lab/scenarios/lib.sh

DOMU=twr-net
DOMU_IP=10.99.0.2
DOM0_IP=10.99.0.1
TWR_DOMU_IP=10.99.1.2
TWR_DOM0_IP=10.99.1.1
TWR_MAC=00:16:3e:7a:00:01
TWR_AGENT=$DOMU_IP
fail=0

# net_states [DOMID]: "<backend state>/<frontend state>" of device 0 of
# DOMID (default: the first domU's).
net_states() {
	local d=${1:-$domid}
	echo "$(xenstore-read "/local/domain/0/backend/twinnet/$d/0/state" 2>/dev/null)/$(
		xenstore-read "/local/domain/$d/device/twinnet/0/state" 2>/dev/null)"
}

# net_wait_connected [DOMID]: both ends Connected (4/4) within 60 s.
net_wait_connected() {
	local i
	for i in $(seq 60); do
		[ "$(net_states "$@")" = 4/4 ] && return 0
		sleep 1
	done
	return 1
}

# net_bridge: put twr<domid>.0 on xenbr1 (twinctl does this itself).
net_bridge() {
	local i
	for i in $(seq 30); do
		[ -e "/sys/class/net/$BE_IF" ] && break
		sleep 1
	done
	ip link set dev "$BE_IF" master xenbr1 up
}

# net_domu_ip [AGENT MAC IP]: address the twinnet netdev with MAC (found by
# it; the agent takes one line of shell) in the domU at AGENT as IP/24;
# prints its name. Default: the first domU's.
net_domu_ip() {
	local agent=${1:-$TWR_AGENT} mac=${2:-$TWR_MAC} ip=${3:-$TWR_DOMU_IP}
	twr_domu_run "$agent" "for i in \$(seq 30); do ifc=\$(grep -il $mac /sys/class/net/*/address | cut -d/ -f5 | head -n1); [ -n \"\$ifc\" ] && break; sleep 1; done; ip addr replace $ip/24 dev \$ifc && ip link set \$ifc up && echo \$ifc"
}

# net_ping WHAT: one check that dom0 reaches the domU over twinnet.
net_ping() {
	local i
	for i in $(seq 20); do
		if ping -c 1 -W 1 "$TWR_DOMU_IP" >/dev/null 2>&1; then
			twr_check "net_ping_$1" true "10.99.1.2 answers ($(net_states))"
			return 0
		fi
		sleep 1
	done
	twr_check "net_ping_$1" false "10.99.1.2 silent, states $(net_states)"
	fail=1
	return 1
}

# net_dmesg_has PATTERN: dom0's kernel log mentions PATTERN within 20 s.
net_dmesg_has() {
	local i
	for i in $(seq 20); do
		dmesg | grep -q "$1" && return 0
		sleep 1
	done
	return 1
}

# net_extra_up NAME IP TWR-IP MAC QUEUES: boot another domU NAME
# (TWR_EXTRA_DOMU_MEM MiB, TWR_DOMU_VCPUS vCPUs) with netfront at IP on
# xenbr0 and twinnet (MAC, QUEUES queues at most) at TWR-IP on xenbr1. Sets
# extra_domid and extra_ifc (its twinnet netdev); 0 when dom0 pings TWR-IP,
# else 1 with a failed check that says which step.
net_extra_up() {
	local name=$1 ip=$2 tip=$3 mac=$4 queues=$5 i
	extra_domid='' extra_ifc=''
	twr_log "$name: $(xl info | awk '/^free_memory/ { print $3 }') MiB free before it"
	twr_disk_create "/run/twr/$name.img" 16
	TWR_DOMU_MEM=${TWR_EXTRA_DOMU_MEM:-512} twr_domu_create "$name" "$ip/24" "/run/twr/$name.img" || return 1
	extra_domid=$(xl domid "$name")
	if ! twr_domu_run "$ip" modprobe twinnet-front >/dev/null; then
		twr_check "net_${name}_modprobe_front" false "modprobe twinnet-front failed in $name"
		return 1
	fi
	if [ "$how" = twinctl ]; then
		twinctl --go-ahead attach "$name" net bridge=xenbr1 mac="$mac" queues="$queues"
	else
		net_attach_xs "$extra_domid" "$mac" "$queues"
	fi
	if ! net_wait_connected "$extra_domid"; then
		twr_check "net_${name}_attach" false "twinnet not connected ($how), states $(net_states "$extra_domid")"
		return 1
	fi
	for i in $(seq 30); do
		[ -e "/sys/class/net/twr$extra_domid.0" ] && break
		sleep 1
	done
	ip link set dev "twr$extra_domid.0" master xenbr1 up
	extra_ifc=$(net_domu_ip "$ip" "$mac" "$tip")
	for i in $(seq 20); do
		if ping -c 1 -W 1 "$tip" >/dev/null 2>&1; then
			twr_check "net_${name}_attach" true "twinnet $extra_ifc at $tip ($how, $(net_states "$extra_domid"))"
			return 0
		fi
		sleep 1
	done
	twr_check "net_${name}_attach" false "$tip silent over twinnet, states $(net_states "$extra_domid")"
	return 1
}

# net_extra_down NAME IP: save the dmesg of the extra domU NAME (agent at
# IP) and destroy it; its twinnet backend directory goes as the toolstack
# removes it, and with it the backend netdev.
net_extra_down() {
	local d i
	d=$(xl domid "$1" 2>/dev/null) || return 0
	twr_domu_run "$2" dmesg >"$TWR_RESULTS/domU-$1-dmesg.txt" 2>&1
	xl destroy "$1"
	twr_domu_unfollow "$1"
	xenstore-rm "/local/domain/0/backend/twinnet/$d" 2>/dev/null
	for i in $(seq 20); do
		[ -e "/sys/class/net/twr$d.0" ] || break
		sleep 1
	done
	if xl domid "$1" >/dev/null 2>&1 || [ -e "/sys/class/net/twr$d.0" ]; then
		twr_check "net_$1_gone" false "$1 still listed or twr$d.0 still there after xl destroy"
		fail=1
	else
		twr_check "net_$1_gone" true "$1 destroyed, twr$d.0 gone"
	fi
}

twr_phase net_setup
if ! modprobe twinnet-back; then
	twr_check net_modprobe_back false "modprobe twinnet-back failed in dom0 (staged? see staged-modules.txt)"
	exit 1
fi
ip link add xenbr1 type bridge && ip addr add "$TWR_DOM0_IP/24" dev xenbr1 && ip link set xenbr1 up
twr_disk_create /run/twr/disk0.img 16
twr_domu_create "$DOMU" "$DOMU_IP/24" /run/twr/disk0.img || exit 1
domid=$(xl domid "$DOMU")
BE_IF=twr$domid.0
if ! twr_domu_run "$TWR_AGENT" modprobe twinnet-front; then
	twr_check net_modprobe_front false "modprobe twinnet-front failed in the domU"
	exit 1
fi

how=xenstore-write
if command -v twinctl >/dev/null 2>&1 && [ "${TWR_NET_ATTACH:-twinctl}" = twinctl ]; then
	how=twinctl
	# No twinringd and no --go-ahead: the backend must hold off mapping
	# until the toolstack's iotask-ready exists (docs/iotask.md).
	twinctl attach "$DOMU" net bridge=xenbr1 mac=$TWR_MAC queues=4 || fail=1
	be=/local/domain/0/backend/twinnet/$domid/0
	if net_dmesg_has "backend/twinnet/$domid/0: waiting for the toolstack's go-ahead"; then
		st=$(net_states)
		ok=true
		[ "${st%/*}" = 2 ] || { ok=false; fail=1; }
		twr_check net_waits_for_go_ahead $ok \
			"frontend Initialised without iotask-ready: states $st (backend must stay InitWait)"
	else
		twr_check net_waits_for_go_ahead false "no 'waiting for the go-ahead' line; states $(net_states)"
		fail=1
	fi
	xenstore-write "$be/iotask-ready" 1
else
	net_attach_xs "$domid" || fail=1
	net_bridge
fi
if net_wait_connected; then
	twr_check net_attach true "connected ($how), states $(net_states)"
else
	twr_check net_attach false "not connected ($how), states $(net_states)"
	xenstore-ls -f "/local/domain/0/backend/twinnet" 2>&1 | head -n 40
	dmesg | tail -n 30
	twr_domu_run "$TWR_AGENT" dmesg | tail -n 40
	exit 1
fi
[ "$how" = twinctl ] && net_bridge
ifc=$(net_domu_ip)
twr_log "domU twinnet interface: $ifc"
net_ping attach || exit 1

twr_phase net_warmup
twr_warmup_net "$DOMU_IP"
twr_warmup_net "$TWR_DOMU_IP"
for rep in $(seq "${TWR_REPS:-1}"); do
	twr_phase "net_netperf_$rep"
	for t in tcp_stream_rx tcp_stream_tx tcp_rr udp_rr; do
		run_netperf netfront "$t" "$DOMU_IP" "$DOM0_IP" || fail=1
		run_netperf twinring-net "$t" "$TWR_DOMU_IP" "$TWR_DOM0_IP" || fail=1
	done
done

PEER=twr-net-peer PEER_IP=10.99.0.3 PEER_TWR_IP=10.99.1.3 PEER_MAC=00:16:3e:7a:00:02
MQ=twr-net-mq MQ_IP=10.99.0.4 MQ_TWR_IP=10.99.1.4 MQ_MAC=00:16:3e:7a:00:03

twr_phase net_g2g_setup
# Attached as the first domU (one vCPU, so one queue): both ends alike.
if net_extra_up "$PEER" "$PEER_IP" "$PEER_TWR_IP" "$PEER_MAC" 4; then
	# Discarded, as twr_warmup_net: the peer's paths run for the first time.
	for ip in "$PEER_IP" "$PEER_TWR_IP"; do
		twr_domu_run "$TWR_AGENT" "netperf -H $ip -t TCP_STREAM -l 2 -P 0 >/dev/null && netperf -H $ip -t TCP_RR -l 2 -P 0 >/dev/null" ||
			twr_check "warmup_g2g_$ip" false "warm-up netperf from $DOMU to $ip failed"
	done
	for rep in $(seq "${TWR_REPS:-1}"); do
		twr_phase "net_g2g_$rep"
		for t in g2g_tcp_stream g2g_tcp_rr g2g_udp_rr; do
			run_netperf netfront "$t" "$PEER_IP" "$DOMU_IP" || fail=1
			run_netperf twinring-net "$t" "$PEER_TWR_IP" "$TWR_DOMU_IP" || fail=1
		done
	done
else
	fail=1
fi
twr_phase net_g2g_teardown
net_extra_down "$PEER" "$PEER_IP"

twr_phase net_mq_setup
if TWR_DOMU_VCPUS=2 net_extra_up "$MQ" "$MQ_IP" "$MQ_TWR_IP" "$MQ_MAC" 2; then
	mq_ok=true
	cpus=$(twr_domu_run "$MQ_IP" nproc)
	nq=$(xenstore-read "/local/domain/$extra_domid/device/twinnet/0/num-queues" 2>/dev/null)
	# netfront writes multi-queue-num-queues only with more than one.
	nfq=$(xenstore-read "/local/domain/$extra_domid/device/vif/0/multi-queue-num-queues" 2>/dev/null || echo 1)
	if [ "$cpus" = 2 ] && [ "$nq" = 2 ]; then
		twr_check net_mq_queues true "$MQ: $cpus vCPUs, twinnet $nq queues, netfront $nfq"
	else
		twr_check net_mq_queues false "$MQ: $cpus vCPUs (want 2), twinnet num-queues '$nq' (want 2), netfront $nfq"
		mq_ok=false
		fail=1
	fi
	# Transmit queue i for vCPU i (XPS): each stream, bound to its vCPU,
	# then has a queue of its own; netfront has one queue either way.
	twr_domu_run "$MQ_IP" "echo 1 >/sys/class/net/$extra_ifc/queues/tx-0/xps_cpus && echo 2 >/sys/class/net/$extra_ifc/queues/tx-1/xps_cpus" >/dev/null ||
		{ twr_check net_mq_xps false "could not map $extra_ifc's tx queues to the vCPUs"; mq_ok=false; fail=1; }
	mq_ifc=$extra_ifc
	TWR_AGENT=$MQ_IP
	for ip in "$DOM0_IP" "$TWR_DOM0_IP"; do
		twr_domu_run "$TWR_AGENT" "netperf -H $ip -t TCP_STREAM -l 2 -P 0 >/dev/null" ||
			twr_check "warmup_mq_$ip" false "warm-up netperf from $MQ to $ip failed"
	done
	if [ $mq_ok = true ]; then
		for rep in $(seq "${TWR_REPS:-1}"); do
			twr_phase "net_mq_$rep"
			run_netperf_streams netfront mq_tcp_stream 2 "$DOM0_IP" || fail=1
			run_netperf_streams twinring-net mq_tcp_stream 2 "$TWR_DOM0_IP" || fail=1
		done
		# Both twinnet queues carried a stream: the mq qdisc's per-queue
		# children count what each sent.
		twr_domu_run "$TWR_AGENT" "tc -s qdisc show dev $mq_ifc" >"$TWR_RESULTS/raw/twinring-net-mq-qdisc.txt" 2>&1
		sent=$(awk '/parent :[12] / { q = 1 } /Sent/ && q { printf "%s%s", sep, $2; sep = " "; q = "" }' \
			"$TWR_RESULTS/raw/twinring-net-mq-qdisc.txt")
		if [ "$(echo "$sent" | wc -w)" = 2 ] && [ "$(echo "$sent" | awk '{ print ($1 > 1000000 && $2 > 1000000) }')" = 1 ]; then
			twr_check net_mq_both_queues true "bytes sent per twinnet tx queue: $sent"
		else
			twr_check net_mq_both_queues false "bytes sent per twinnet tx queue: '$sent' (raw/twinring-net-mq-qdisc.txt)"
			fail=1
		fi
	fi
	TWR_AGENT=$DOMU_IP
else
	fail=1
fi
twr_phase net_mq_teardown
net_extra_down "$MQ" "$MQ_IP"

twr_phase net_integrity
head -c 32M /dev/urandom >/run/twr/blob
want=$(sha256sum </run/twr/blob | cut -d' ' -f1)
# dom0 -> domU
twr_domu_run "$TWR_AGENT" "rm -f /tmp/blob; (socat -u TCP-LISTEN:7101,reuseaddr OPEN:/tmp/blob,creat,trunc >/dev/null 2>&1 &); sleep 1"
socat -u FILE:/run/twr/blob "TCP:$TWR_DOMU_IP:7101,connect-timeout=5"
sleep 1
got=$(twr_domu_run "$TWR_AGENT" "sha256sum </tmp/blob" | cut -d' ' -f1)
twr_check net_integrity_rx "$([ "$got" = "$want" ] && echo true || echo false)" "32 MiB dom0->domU sha256 $want vs $got"
# domU -> dom0
rm -f /run/twr/blob.back
(socat -u TCP-LISTEN:7102,reuseaddr OPEN:/run/twr/blob.back,creat,trunc &)
sleep 1
twr_domu_run "$TWR_AGENT" "socat -u FILE:/tmp/blob TCP:$TWR_DOM0_IP:7102,connect-timeout=5"
sleep 1
got=$(sha256sum </run/twr/blob.back | cut -d' ' -f1)
twr_check net_integrity_tx "$([ "$got" = "$want" ] && echo true || echo false)" "32 MiB domU->dom0 sha256 $want vs $got"
rm -f /run/twr/blob /run/twr/blob.back
# The ethtool -S counters, from sysfs (the roots have no ethtool).
cat "/sys/class/net/$BE_IF/twinnet/stats" >"$TWR_RESULTS/net-stats-dom0.txt" 2>&1
twr_domu_run "$TWR_AGENT" "cat /sys/class/net/$ifc/twinnet/stats" >"$TWR_RESULTS/net-stats-domU.txt" 2>&1
errs=$(awk '/rx_errors/ { s += $2 } END { print s + 0 }' "$TWR_RESULTS/net-stats-dom0.txt" "$TWR_RESULTS/net-stats-domU.txt")
twr_check net_no_protocol_errors "$([ "$errs" = 0 ] && echo true || echo false)" "rx_errors on both ends: $errs"

twr_phase net_lifecycle
# xenbus pins a driver's module while it has a bound device: a reload is
# unbind + rmmod + modprobe (which binds the device again).
FRONT_RELOAD="d=\$(basename /sys/bus/xen/drivers/twinnet/twinnet-*); echo \$d >/sys/bus/xen/drivers/twinnet/unbind; rmmod twinnet-front && modprobe twinnet-front"
# The frontend module reloaded: the device closes and connects again.
if twr_domu_run "$TWR_AGENT" "$FRONT_RELOAD" && net_wait_connected; then
	twr_check net_front_reload true "reconnected, states $(net_states)"
	net_domu_ip >/dev/null
	net_ping front_reload
else
	twr_check net_front_reload false "not reconnected, states $(net_states)"
	fail=1
fi
# The backend module with a live device: rmmod is refused (the device holds
# it) and nothing breaks; unbinding the live device unmaps everything, then
# the module goes, comes back and the device connects again.
if rmmod twinnet-back 2>/dev/null; then
	twr_check net_back_unload_refused false "rmmod succeeded with a bound device"
	fail=1
else
	twr_check net_back_unload_refused "$([ "$(net_states)" = 4/4 ] && echo true || echo false)" \
		"rmmod refused, device still $(net_states)"
fi
echo "twinnet-$domid-0" >/sys/bus/xen-backend/drivers/twinnet/unbind
sleep 2
if rmmod twinnet-back; then
	twr_check net_back_unload true "unbound live and unloaded, states $(net_states)"
	modprobe twinnet-back
	if net_wait_connected; then
		twr_check net_back_reload true "reconnected, states $(net_states)"
		net_bridge
		net_domu_ip >/dev/null
		net_ping back_reload
	else
		twr_check net_back_reload false "not reconnected, states $(net_states)"
		fail=1
	fi
else
	twr_check net_back_unload false "rmmod twinnet-back refused after unbinding"
	fail=1
fi

twr_phase net_hostile
# Hostile frontend: dom0 must refuse the record, say why, and close.
twr_domu_run "$TWR_AGENT" "echo 1 >/sys/module/twinnet_front/parameters/inject_fault; ping -c 1 -W 1 $TWR_DOM0_IP" >/dev/null
if net_dmesg_has "broke the protocol: reserved header fields not zero"; then
	twr_check net_hostile_front true "$(dmesg | grep 'broke the protocol' | tail -n1 | cut -c1-160)"
else
	twr_check net_hostile_front false "dom0 did not report the corrupt record (states $(net_states))"
	fail=1
fi
# Closed now; reattach by reloading the frontend, then the other way round.
twr_domu_run "$TWR_AGENT" "$FRONT_RELOAD" >/dev/null
net_wait_connected && net_domu_ip >/dev/null && net_ping after_hostile_front
echo 1 >/sys/module/twinnet_back/parameters/inject_fault
ping -c 1 -W 1 "$TWR_DOMU_IP" >/dev/null 2>&1
sleep 2
if twr_domu_run "$TWR_AGENT" dmesg | grep -q "broke the protocol: reserved header fields not zero"; then
	twr_check net_hostile_back true "$(twr_domu_run "$TWR_AGENT" dmesg | grep 'broke the protocol' | tail -n1 | cut -c1-160)"
else
	twr_check net_hostile_back false "the domU did not report the corrupt record (states $(net_states))"
	fail=1
fi
twr_domu_run "$TWR_AGENT" "$FRONT_RELOAD" >/dev/null
net_wait_connected && net_domu_ip >/dev/null && net_ping after_hostile_back

twr_phase net_destroy
twr_domu_run "$TWR_AGENT" dmesg >"$TWR_RESULTS/domU-$DOMU-dmesg.txt"
# A stream into the domU, and the domU destroyed in the middle of it.
netperf -H "$TWR_DOMU_IP" -t TCP_STREAM -l 20 -P 0 >/dev/null 2>&1 &
np=$!
sleep 4
xl destroy "$DOMU" || fail=1
# netperf would retransmit into the void for minutes: stop it.
kill $np 2>/dev/null
wait $np 2>/dev/null
gone=false
for i in $(seq 30); do
	if ! xl list 2>/dev/null | awk 'NR > 2' | grep -q .; then
		gone=true
		break
	fi
	sleep 1
done
twr_check net_destroy_domain_gone $gone "after ${i}s: $(xl list 2>/dev/null | awk 'NR > 2 { print $1, $2 }' | tr '\n' ' ')"
[ $gone = true ] || fail=1
# Remove the backend directory as the toolstack does; the device goes.
xenstore-rm "/local/domain/0/backend/twinnet/$domid" 2>/dev/null
for i in $(seq 10); do
	[ -e "/sys/class/net/$BE_IF" ] || break
	sleep 1
done
if [ ! -e "/sys/class/net/$BE_IF" ] && rmmod twinnet-back; then
	twr_check net_destroy_cleanup true "$BE_IF gone, twinnet-back unloaded"
else
	twr_check net_destroy_cleanup false "$BE_IF still there or twinnet-back busy"
	fail=1
fi
exit $fail
