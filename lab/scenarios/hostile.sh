#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario hostile: the other domain attacks, dom0 and a neighbour guest keep
# working (issue 22, docs/protocol.md "Threat model").
#
#   domU twr-rogue (10.99.0.2): no twinring driver; twr-rogue plays the
#     frontend from user space (gntalloc, evtchn, xenstore by hand)
#   domU twr-neighbour (10.99.0.3): twinnet-front (10.99.1.3 on xenbr1) and
#     twinblk-front (/dev/twa), an honest guest on the same backends
#   dom0: twinnet-back (stall_timeout_ms=$STALL_MS), twinblk-back
#
# Attacks, each with the numbers that show it did no harm:
#  - blk state flip: a connected rogue frontend breaks the protocol, the
#    backend closes; then, grants still held, it writes Initialised and
#    Connected $FLIPS times. dom0's twinblk kthreads and vmap areas of the
#    channel core are counted before and after (no growth, the backend never
#    connects again), while the neighbour runs a verified fio on its twinblk
#    disk the whole time.
#  - padding laps on ring A, blk and net: a whole ring of padding each time
#    the consumer moves. dom0 declares the channel broken and closes; no
#    soft-lockup or RCU-stall line; a dom0 timer ticking 5 times a second
#    never misses by more than a second.
#  - RX stall: the neighbour stops reading ring B (its twinnet link down)
#    while dom0 floods it: within the stall timeout the backend port loses
#    its carrier and its qdisc holds nothing; link up again, the carrier and
#    the ping come back.
#  - hostile backend geometry and name (dom0's xenstore, as a hostile driver
#    domain would write it): sectors whose byte size overflows, and a vdev
#    of another disk driver (xvdz). The neighbour's frontend refuses both
#    with a clear line and makes no disk.
#  - padding laps by a rogue backend (twr-rogue-back, dom0 user space) on
#    ring B against the neighbour's twinblk and twinnet frontends: the
#    frontend declares the channel broken, the guest's ticker keeps
#    ticking, no lockup line in its log.
#  - a flood of flushes and 1 GiB discards from a guest whose disk has an
#    IOPS limit: its backend takes no more than the cap, while the
#    neighbour's fio runs (quiet and flooded in turn, in the results).
. /lab/scenarios/lib.sh

ROGUE=twr-rogue
ROGUE_IP=10.99.0.2
NB=twr-neighbour
NB_IP=10.99.0.3
NB_TIP=10.99.1.3
DOM0_TIP=10.99.1.1
TWR_MAC=00:16:3e:7a:00:03
STALL_MS=${TWR_STALL_MS:-3000}
FLIPS=${TWR_HOSTILE_FLIPS:-1000}
fail=0

# census: dom0's resources a leaked blk connection would hold.
census() {
	echo "kthreads=$(pgrep -cx 'twr(blk|io)[0-9]+\.[0-9]+') vmaps=$(grep -c twr_chan_back /proc/vmallocinfo)"
}

# be_state KIND DOMID DEVID: the backend's xenbus state.
be_state() {
	xenstore-read "/local/domain/0/backend/$1/$2/$3/state" 2>/dev/null
}

# dmesg_has PATTERN [SECONDS]: dom0's log says PATTERN within SECONDS (20).
dmesg_has() {
	local i
	for i in $(seq "${2:-20}"); do
		dmesg | grep -q "$1" && return 0
		sleep 1
	done
	return 1
}

# no_lockups WHAT: no soft-lockup, hung-task or RCU-stall line in dom0's log.
no_lockups() {
	local l
	l=$(dmesg | grep -E 'soft lockup|rcu.*(stall|detected stalls)|blocked for more than' | head -n 3)
	if [ -z "$l" ]; then
		twr_check "hostile_${1}_no_lockup" true "no soft-lockup, RCU-stall or hung-task line in dom0's log"
	else
		twr_check "hostile_${1}_no_lockup" false "$l"
		fail=1
	fi
}

# ticker_start / ticker_check WHAT: a dom0 loop stamping the time 5 times a
# second; the largest gap between stamps says whether dom0 kept running.
ticker_start() {
	: >/run/twr/ticks
	(while :; do cut -d' ' -f1 /proc/uptime >>/run/twr/ticks; sleep 0.2; done) </dev/null >/dev/null 2>&1 &
	ticker=$!
}
ticker_check() {
	local gap
	kill "$ticker" 2>/dev/null
	wait "$ticker" 2>/dev/null
	gap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.2f", m }' /run/twr/ticks)
	if awk -v g="$gap" 'BEGIN { exit !(g < 1.0) }'; then
		twr_check "hostile_${1}_dom0_ticks" true "largest gap between 0.2 s ticks: ${gap} s ($(wc -l </run/twr/ticks) ticks)"
	else
		twr_check "hostile_${1}_dom0_ticks" false "a 0.2 s tick came ${gap} s late"
		fail=1
	fi
}

# rogue CMD...: run twr-rogue in the rogue domU (bounded); its progress
# lines go to the console, its summary line to stdout.
rogue() {
	local out rc try
	for try in 1 2 3; do
		out=$(TWR_AGENT_TIMEOUT=${TWR_ROGUE_TIMEOUT:-600} twr_domu_run "$ROGUE_IP" twr-rogue "$@" 2>&1)
		rc=$?
		# 255 with no output: the agent did not take the connection
		# (nothing ran); anything else is the attack's own outcome.
		if [ $rc != 255 ] || [ -n "$out" ]; then
			break
		fi
		twr_log "rogue: the agent at $ROGUE_IP did not answer (try $try)"
		sleep 2
	done
	printf '%s\n' "$out" | sed 's/^/[rogue] /' >/dev/console
	printf '%s\n' "$out" | grep -E "^twr-rogue: $1 " | tail -n 1
	return $rc
}

twr_phase hostile_setup
for m in twinnet-back twinblk-back; do
	p=
	[ $m = twinnet-back ] && p="stall_timeout_ms=$STALL_MS"
	# shellcheck disable=SC2086 # p is one word or none
	if ! modprobe $m $p; then
		twr_check "hostile_modprobe_$m" false "modprobe $m failed in dom0"
		exit 1
	fi
done
ip link add xenbr1 type bridge && ip addr add "$DOM0_TIP/24" dev xenbr1 && ip link set xenbr1 up
twr_disk_create /run/twr/rogue-root.img 16
twr_disk_create /run/twr/nb-root.img 16
twr_disk_create /run/twr/rogue-blk.img 16
twr_disk_create /run/twr/nb-blk.img 64
twr_disk_create /run/twr/nb-geom.img 16
TWR_DOMU_MEM=${TWR_EXTRA_DOMU_MEM:-512} twr_domu_create "$ROGUE" "$ROGUE_IP/24" /run/twr/rogue-root.img || exit 1
TWR_DOMU_MEM=${TWR_EXTRA_DOMU_MEM:-512} twr_domu_create "$NB" "$NB_IP/24" /run/twr/nb-root.img || exit 1
rid=$(xl domid "$ROGUE")
nid=$(xl domid "$NB")
if ! twr_domu_run "$ROGUE_IP" "command -v twr-rogue && modprobe xen-gntalloc && modprobe xen-evtchn" >/dev/null; then
	twr_check hostile_rogue_staged false "twr-rogue, xen-gntalloc or xen-evtchn missing in the domU (make lab-stage)"
	exit 1
fi
if ! twr_domu_run "$NB_IP" "modprobe twinnet-front && modprobe twinblk-front" >/dev/null; then
	twr_check hostile_modprobe_front false "modprobe twinnet-front/twinblk-front failed in $NB"
	exit 1
fi
net_attach_xs "$nid" "$TWR_MAC" 1 &&
	blk_attach_xs "$nid" /run/twr/nb-blk.img twa 0 1 || fail=1
for i in $(seq 60); do
	[ -e "/sys/class/net/twr$nid.0" ] && [ "$(be_state twinnet "$nid" 0)" = 4 ] &&
		[ "$(be_state twinblk "$nid" 0)" = 4 ] && break
	sleep 1
done
ip link set dev "twr$nid.0" master xenbr1 up
nifc=$(twr_domu_run "$NB_IP" "for i in \$(seq 30); do ifc=\$(grep -il $TWR_MAC /sys/class/net/*/address | cut -d/ -f5 | head -n1); [ -n \"\$ifc\" ] && break; sleep 1; done; ip addr replace $NB_TIP/24 dev \$ifc && ip link set \$ifc up && echo \$ifc")
ok=false
for i in $(seq 20); do
	ping -c 1 -W 1 "$NB_TIP" >/dev/null 2>&1 && { ok=true; break; }
done
twr_domu_run "$NB_IP" test -b /dev/twa >/dev/null || ok=false
twr_check hostile_neighbour_up $ok "twinnet $nifc answers at $NB_TIP, /dev/twa present (states net $(be_state twinnet "$nid" 0) blk $(be_state twinblk "$nid" 0))"
[ $ok = true ] || exit 1

twr_phase hostile_blk_flip
# The neighbour's verified fio runs through the whole attack: rounds of
# 16 MiB of random 4k writes, each read back and checked, until the attack
# is over (a stop file) or 300 s. An I/O or verify error ends it (fio exits
# 1); a round whose fio died by a signal is counted and the next one runs:
# under TCG, processes of two domUs that share a pCPU crash in libc now and
# then, on blkfront as on twinblk (docs/lab.md, "Known lab faults").
twr_domu_run "$NB_IP" "rm -f /run/nb-stop; n=0; c=0; rc=0; end=\$((SECONDS + 300)); while [ ! -e /run/nb-stop ] && [ \$SECONDS -lt \$end ]; do fio --name=nb --filename=/dev/twa --direct=1 --ioengine=libaio --rw=randwrite --bs=4k --iodepth=8 --size=16m --verify=crc32c --verify_fatal=1 --output=/run/nb-fio.txt >/dev/null 2>/run/nb-fio.err; r=\$?; if [ \$r -ge 128 ]; then c=\$((c + 1)); cp /run/nb-fio.err /run/nb-fio.crash; elif [ \$r != 0 ]; then rc=\$r; break; else n=\$((n + 1)); fi; done; echo \$rc \$n \$c >/run/nb-fio.rc" >/dev/null &
nbfio=$!
sleep 2
before=$(census)
blk_attach_xs "$rid" /run/twr/rogue-blk.img twb 0 1
out=$(rogue blk-flip 0 "$FLIPS")
rc=$?
after=$(census)
twr_log "blk-flip: $out; dom0 before: $before, after: $after"
again=$(printf '%s\n' "$out" | sed -n 's/.*backend_connected_again=\([0-9]*\).*/\1/p')
broken=$(printf '%s\n' "$out" | sed -n 's/.*broken_seen=\([01]\).*/\1/p')
if [ $rc = 0 ] && [ "$again" = 0 ] && [ "$broken" = 1 ]; then
	twr_check hostile_blk_flip_refused true "$FLIPS flips after a violation, never Connected again: ${out#twr-rogue: }"
else
	twr_check hostile_blk_flip_refused false "rc $rc: $out"
	fail=1
fi
kb=${before#kthreads=}; kb=${kb%% *}; ka=${after#kthreads=}; ka=${ka%% *}
vb=${before##*vmaps=}; va=${after##*vmaps=}
if [ -n "$ka" ] && [ -n "$va" ] && [ "$ka" -le "$kb" ] && [ "$va" -le "$vb" ]; then
	twr_check hostile_blk_flip_no_leak true "dom0 before the attack: $before; after: $after"
else
	twr_check hostile_blk_flip_no_leak false "dom0 before the attack: $before; after: $after (growth: a leaked connection)"
	fail=1
fi
if dmesg_has "backend/twinblk/$rid/0.*broke the protocol" 5; then
	twr_check hostile_blk_flip_logged true "$(dmesg | grep "backend/twinblk/$rid/0.*broke the protocol" | tail -n1 | cut -c1-160)"
else
	twr_check hostile_blk_flip_logged false "dom0 said nothing of the violation"
	fail=1
fi
# (the rogue frontend never closes: libxl would wait its timeout and
# remove the directories, as detach_xs does after 3 s here)
detach_xs twinblk "$rid" 0 3
twr_domu_run "$NB_IP" touch /run/nb-stop >/dev/null
wait $nbfio
read -r nbrc nbn nbc <<<"$(twr_domu_run "$NB_IP" cat /run/nb-fio.rc)"
crash=
[ "${nbc:-0}" = 0 ] || crash="; $nbc fio process(es) died by a signal, not an I/O error: $(twr_domu_run "$NB_IP" tail -n 2 /run/nb-fio.crash | tr '\n' ' ' | cut -c1-160)"
if [ "$nbrc" = 0 ] && [ "${nbn:-0}" -ge 1 ]; then
	twr_check hostile_neighbour_fio true "the neighbour wrote and verified $nbn x 16 MiB on its twinblk disk during the attack$crash"
else
	twr_check hostile_neighbour_fio false "fio rc ${nbrc:-?} after $nbn verified rounds$crash: $(twr_domu_run "$NB_IP" "tail -n 5 /run/nb-fio.err /run/nb-fio.txt" | tr '\n' ' ')"
	fail=1
fi

twr_phase hostile_pad_laps
# One device per kind for the rogue; kernel frontends are not loaded there.
net_attach_xs "$rid" 00:16:3e:7a:00:09 1 1
blk_attach_xs "$rid" /run/twr/rogue-blk.img twc 1 1
# twinnet-back reads ring A from NAPI, which runs while its port is up.
for i in $(seq 30); do
	ip link set dev "twr$rid.1" up 2>/dev/null && break
	sleep 1
done
for kind in blk net; do
	devid=1
	ticker_start
	out=$(rogue pad-laps "$kind" "$devid" "${TWR_PAD_SECS:-20}")
	rc=$?
	ticker_check "pad_$kind"
	twr_log "pad-laps $kind: $out"
	broken=$(printf '%s\n' "$out" | sed -n 's/.*broken_seen=\([01]\).*/\1/p')
	st=$(printf '%s\n' "$out" | sed -n 's/.*backend_state=\([0-9]*\).*/\1/p')
	if [ $rc = 0 ] && { [ "$broken" = 1 ] || [ "${st:-0}" -ge 5 ]; } &&
		dmesg_has "backend/twin$kind/$rid/$devid.*padding where a record would fit" 5; then
		twr_check "hostile_pad_$kind" true "${out#twr-rogue: }; dom0: $(dmesg | grep "backend/twin$kind/$rid/$devid.*padding" | tail -n1 | cut -c1-120)"
	else
		twr_check "hostile_pad_$kind" false "rc $rc: $out; dom0: $(dmesg | grep "backend/twin$kind/$rid/$devid" | tail -n2 | tr '\n' ' ' | cut -c1-200)"
		fail=1
	fi
	no_lockups "pad_$kind"
done
detach_xs twinblk "$rid" 1 3
detach_xs twinnet "$rid" 1 3

twr_phase hostile_rx_stall
BE_IF=twr$nid.0
# A neighbour entry that never expires: dom0 keeps sending to the guest
# whatever it answers.
ip neigh replace "$NB_TIP" lladdr "$TWR_MAC" dev xenbr1 nud permanent
twr_domu_run "$NB_IP" ip link set "$nifc" down >/dev/null
timeout $((STALL_MS / 1000 + 12)) socat -u -b 1400 /dev/zero "UDP-SENDTO:$NB_TIP:9" 2>/dev/null &
flood=$!
sleep 1
qlen() {
	tc -s qdisc show dev "$BE_IF" | awk '/backlog/ { sub("p", "", $3); print $3; exit }'
}
early="carrier $(cat "/sys/class/net/$BE_IF/carrier") backlog $(qlen)p"
off=false
for i in $(seq $((STALL_MS / 1000 + 10))); do
	sleep 1
	if [ "$(cat "/sys/class/net/$BE_IF/carrier")" = 0 ] && [ "$(qlen)" = 0 ]; then
		off=true
		break
	fi
done
late="carrier $(cat "/sys/class/net/$BE_IF/carrier") backlog $(qlen)p after $((i + 1)) s"
stalls=$(awk '$1 == "tx_stalls" { print $2 }' "/sys/class/net/$BE_IF/twinnet/stats")
if [ $off = true ] && [ "${stalls:-0}" -ge 1 ]; then
	twr_check hostile_rx_stall_carrier_off true "guest reads nothing: 1 s in $early; $late; tx_stalls $stalls"
else
	twr_check hostile_rx_stall_carrier_off false "guest reads nothing: 1 s in $early; $late; tx_stalls ${stalls:-?}"
	fail=1
fi
kill $flood 2>/dev/null
wait $flood 2>/dev/null
twr_domu_run "$NB_IP" ip link set "$nifc" up >/dev/null
on=false
for i in $(seq 20); do
	if [ "$(cat "/sys/class/net/$BE_IF/carrier")" = 1 ] && ping -c 1 -W 1 "$NB_TIP" >/dev/null 2>&1; then
		on=true
		break
	fi
	sleep 1
done
twr_check hostile_rx_stall_recovers $on "the guest reads again: carrier $(cat "/sys/class/net/$BE_IF/carrier"), ping $([ $on = true ] && echo answers || echo silent) after $i s"
[ $on = true ] || fail=1
no_lockups rx_stall

twr_phase hostile_backend_geometry
# dom0 plays a hostile backend domain: the backend probes (writing the real
# geometry), then, before the go-ahead, the geometry and name are replaced.
# hostile_geom WHAT NODE VALUE PATTERN
hostile_geom() {
	local what=$1 node=$2 value=$3 pat=$4 devid=$5 be=/local/domain/0/backend/twinblk/$nid/$5 i
	blk_attach_xs "$nid" /run/twr/nb-geom.img twz "$devid" 1 0
	for i in $(seq 30); do
		[ "$(be_state twinblk "$nid" "$devid")" = 2 ] && break
		sleep 1
	done
	xenstore-write "$be/$node" "$value" "$be/iotask-ready" 1
	sleep 3
	if twr_domu_run "$NB_IP" dmesg | grep -q "$pat" &&
		! twr_domu_run "$NB_IP" "test -b /dev/$value || test -b /dev/twz" >/dev/null; then
		twr_check "hostile_$what" true "$node=$value refused: $(twr_domu_run "$NB_IP" dmesg | grep "$pat" | tail -n1 | cut -c1-140)"
	else
		twr_check "hostile_$what" false "$node=$value: no refusal in the guest's log, or a disk appeared"
		fail=1
	fi
	detach_xs twinblk "$nid" "$devid"
}
hostile_geom sectors_overflow sectors 18446744073709551615 "backend geometry unusable: sectors 18446744073709551615" 2
hostile_geom vdev_squat vdev xvdz 'vdev "xvdz" is not a disk name' 3

twr_phase hostile_back_pad_laps
# A rogue backend (twr-rogue-back in dom0 user space, device 7 of type
# twin<kind>-rogue, which no kernel backend claims) offers the neighbour a
# disk and a NIC, maps their rings and plays padding laps on ring B, the
# ring the frontend consumes. The neighbour's frontend declares the channel
# broken, its 0.2 s ticker keeps ticking, its log has no lockup line.
for kind in blk net; do
	twr_domu_run "$NB_IP" 'rm -f /run/nb-ticks; setsid sh -c "while :; do read -r u _ </proc/uptime; echo \$u >>/run/nb-ticks; sleep 0.2; done" </dev/null >/dev/null 2>&1 & echo $! >/run/nb-ticker' >/dev/null
	timeout 120 twr-rogue-back pad-laps "$kind" "$nid" 7 "${TWR_PAD_SECS:-20}" >"/run/twr/rb-$kind.out" 2>&1 &
	rb=$!
	# A NIC does nothing until it is up (its ring B is read by NAPI).
	[ $kind = net ] && twr_domu_run "$NB_IP" 'for i in $(seq 30); do f=$(grep -il 00:16:3e:7a:00:0f /sys/class/net/*/address | head -n1); [ -n "$f" ] && ip link set dev "$(basename "$(dirname "$f")")" up && break; sleep 1; done' >/dev/null
	wait $rb
	rc=$?
	out=$(grep '^twr-rogue-back: pad-laps' "/run/twr/rb-$kind.out" | tail -n1)
	twr_log "rogue backend pad-laps $kind: rc $rc $out"
	gap=$(twr_domu_run "$NB_IP" 'kill $(cat /run/nb-ticker); awk '"'"'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.2f\n", m }'"'"' /run/nb-ticks')
	line=$(twr_domu_run "$NB_IP" dmesg | grep "twin$kind/7 queue 0: backend broke the protocol" | tail -n1)
	broken=$(printf '%s\n' "$out" | sed -n 's/.*broken_seen=\([01]\).*/\1/p')
	if [ $rc = 0 ] && [ "$broken" = 1 ] && printf '%s' "$line" | grep -q "padding where a record would fit"; then
		twr_check "hostile_back_pad_$kind" true "${out#twr-rogue-back: }; the guest: ${line:0:160}"
	else
		twr_check "hostile_back_pad_$kind" false "rc $rc: ${out:-$(tail -n 3 "/run/twr/rb-$kind.out" | tr '\n' ' ')}; the guest: ${line:-no broken-protocol line}"
		fail=1
	fi
	if awk -v g="${gap:-99}" 'BEGIN { exit !(g < 1.0) }'; then
		twr_check "hostile_back_pad_${kind}_guest_ticks" true "largest gap between the guest's 0.2 s ticks: ${gap} s"
	else
		twr_check "hostile_back_pad_${kind}_guest_ticks" false "a 0.2 s tick in the guest came ${gap:-?} s late"
		fail=1
	fi
	l=$(twr_domu_run "$NB_IP" dmesg | grep -E 'soft lockup|rcu.*(stall|detected stalls)|blocked for more than' | head -n 3)
	twr_check "hostile_back_pad_${kind}_no_lockup" "$([ -z "$l" ] && echo true || echo false)" \
		"the guest's log: ${l:-no soft-lockup, RCU-stall or hung-task line}"
	[ -z "$l" ] || fail=1
done
twr_phase hostile_flood_limits
# Fairness under I/O limits: the rogue guest, now with twinblk-front, gets a
# 2 GiB disk capped at iops=50 (limit-iops, as the toolstack writes it for
# the spec's iops=) and floods it with flushes and whole-disk discards
# (1 GiB requests); the neighbour's fio on its own disk runs quiet and
# flooded in turn (results neighbour-quiet / neighbour-flooded). The
# flooder's backend must take no more than its cap; the same flood on the
# same file without a cap, first, says what the cap held back.
twr_disk_create /run/twr/flood.img 2048
# rogue SECS CMD...: CMD in the rogue guest, bounded by SECS (not the agent's
# default 900 s: once, in a cold CI run, one of these calls waited all of
# it). When the agent stays silent, the guest's console says why.
rogue() {
	local secs=$1 rc
	shift
	TWR_AGENT_TIMEOUT=$secs twr_domu_run "$ROGUE_IP" "$@"
	rc=$?
	if [ $rc = 255 ]; then
		twr_log "the rogue guest's agent was silent for $secs s (or gone) on: ${*:0:80}; its console:"
		tail -n 20 "/var/log/xen/console/guest-$ROGUE.log" | while IFS= read -r l; do twr_log "[$ROGUE] $l"; done
	fi
	return $rc
}
flood_on() {
	rogue 60 'setsid sh -c "while :; do blkdiscard /dev/twf; done" </dev/null >/dev/null 2>&1 & echo $! >/run/flood1; setsid sh -c "while :; do dd if=/dev/zero of=/dev/twf bs=4k count=1 oflag=direct conv=fsync 2>/dev/null; done" </dev/null >/dev/null 2>&1 & echo $! >/run/flood2' >/dev/null
}
flood_off() {
	rogue 60 'kill -- -$(cat /run/flood1) -$(cat /run/flood2); sleep 1' >/dev/null 2>&1
}
flood_attach() {
	blk_attach_xs "$rid" /run/twr/flood.img twf "$1" 1 &&
		rogue 90 'for i in $(seq 60); do test -b /dev/twf && exit 0; sleep 1; done; exit 1' >/dev/null
}
free_rate=?
if rogue 120 modprobe twinblk-front >/dev/null && flood_attach 5; then
	r0=$(cat "/sys/bus/xen-backend/devices/twinblk-$rid-5/twinblk/reqs")
	flood_on
	sleep 10
	flood_off
	fbe=/sys/bus/xen-backend/devices/twinblk-$rid-5/twinblk
	r1=$(cat "$fbe/reqs")
	free_rate=$(awk -v n=$((r1 - r0)) 'BEGIN { printf "%.1f", n / 11 }')
	twr_log "uncapped flood: $((r1 - r0)) requests in 11 s; in all $(cat "$fbe/discards") discards, $(cat "$fbe/flushes") flushes"
	detach_xs twinblk "$rid" 5
	rogue 60 'for i in $(seq 30); do test -e /dev/twf || exit 0; sleep 1; done; exit 1' >/dev/null
fi
fdev=4
xenstore-write "/local/domain/0/backend/twinblk/$rid/$fdev/limit-iops" 50
if flood_attach "$fdev"; then
	fbe=/sys/bus/xen-backend/devices/twinblk-$rid-$fdev/twinblk
	flood_secs=0 r0=$(cat "$fbe/reqs")
	for rep in 1 2 3; do
		TWR_AGENT=$NB_IP run_fio neighbour-quiet randread_4k /dev/twa || fail=1
		flood_on
		t0=$(date +%s.%N)
		TWR_AGENT=$NB_IP run_fio neighbour-flooded randread_4k /dev/twa || fail=1
		flood_off
		flood_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v s="$flood_secs" 'BEGIN { printf "%.1f", s + b - a }')
	done
	r1=$(cat "$fbe/reqs") thr=$(cat "$fbe/throttled") disc=$(cat "$fbe/discards") fl=$(cat "$fbe/flushes")
	rate=$(awk -v n=$((r1 - r0)) -v s="$flood_secs" 'BEGIN { printf "%.1f", n / s }')
	# 10% over, plus one burst (5 requests) and one of debt per window.
	if awk -v r="$rate" -v n=$((r1 - r0)) -v s="$flood_secs" 'BEGIN { exit !(n <= 55 * s + 18 && r >= 10) }' && [ "$thr" -gt 0 ]; then
		twr_check hostile_flood_cap true "flooder: $((r1 - r0)) requests in ${flood_secs} s ($rate/s, cap 50; uncapped, the same flood: $free_rate/s; $disc discards, $fl flushes in all, $thr waits for the limit)"
	else
		twr_check hostile_flood_cap false "flooder: $((r1 - r0)) requests in ${flood_secs} s ($rate/s, cap 50; uncapped: $free_rate/s), $thr waits for the limit"
		fail=1
	fi
	detach_xs twinblk "$rid" "$fdev"
else
	twr_check hostile_flood_cap false "/dev/twf (iops=50) did not appear in $ROGUE"
	fail=1
fi
rm -f /run/twr/flood.img

# The neighbour's own disk still works.
if twr_domu_run "$NB_IP" "dd if=/dev/twa of=/dev/null bs=1M count=4 iflag=direct" >/dev/null 2>&1; then
	twr_check hostile_neighbour_after true "/dev/twa still reads after every attack"
else
	twr_check hostile_neighbour_after false "/dev/twa no longer reads"
	fail=1
fi
no_lockups end

twr_phase hostile_teardown
twr_domu_run "$NB_IP" dmesg >"$TWR_RESULTS/domU-$NB-dmesg.txt"
twr_domu_destroy_all
exit $fail
