#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario exitcost: what an exit, a hypercall and an event cost here, and how
# many of them a benchmark makes per GB (docs/exitcost.md).
#
#   domU twr-exitcost (PV, pCPU 1) ── CPUID, forced CPUID, VMCALL (n/a in PV),
#     └─ twr-exitcost.ko              null hypercall, loopback event send/upcall
#   dom0 twr-xencount begin/end ───── Xen perf counters around the guest run and
#                                     around netperf dom0 -> domU (netback)
#   dom0 twr-xencount ping ═══ interdomain event channel ═══ domU twr-exitcost pong
#
# Needs the stage of `make -C build lab-stage` (lab.sh test makes it). Tunables (twr.<key>=<value>):
# TWR_EXITCOST_BUDGET (24: amortized loops run 2^24 TSC ticks),
# TWR_EXITCOST_SAMPLES (2000), TWR_EXITCOST_NET_SECS (3), TWR_EXITCOST_PINGS (500).
# Under TCG every number is emulator time, not hardware: the checks only ask
# that each number be present and sane; docs/exitcost.md says how to read them.
. /lab/scenarios/lib.sh

DOMU=twr-exitcost
DOMU_IP=10.99.0.2
TWR_AGENT=$DOMU_IP
BUDGET=${TWR_EXITCOST_BUDGET:-24}
SAMPLES=${TWR_EXITCOST_SAMPLES:-2000}
NET_SECS=${TWR_EXITCOST_NET_SECS:-3}
PINGS=${TWR_EXITCOST_PINGS:-500}
RAW=$TWR_RESULTS/raw
fail=0

tf() { if [ "$1" = 0 ]; then echo true; else echo false; fi; }

# check NAME CONDITION-STATUS DETAIL: a check; a false one fails the scenario.
check() {
	twr_check "exitcost_$1" "$(tf "$2")" "$3"
	[ "$2" = 0 ] || fail=1
}

# ec_val FILE TEST: the "name cycles" value of TEST in twr-exitcost's text.
ec_val() {
	awk -v n="$2" '$1 == n && $2 != "" { print $2; exit }' "$1"
}

# ec_stat FILE TEST KEY: KEY's number on TEST's "#   TEST per-sample:" line.
ec_stat() {
	awk -v n="$2" -v k="$3" '$1 == "#" && $2 == n && $3 == "per-sample:" {
		for (i = 4; i < NF; i++) if ($i == k) { print $(i + 1) + 0; exit } }' "$1"
}

# ec_json_count FILE HCALL: the window's count of HCALL in twr-xencount JSON.
ec_json_count() {
	awk -v h="\"$2\": {" 'index($0, h) { getline; gsub(/[^0-9]/, ""); print; exit }' "$1"
}

# ec_json_num FILE KEY: the first numeric value of "KEY": in a JSON file
# (one value per line, as the exitcost tools write it); "null" if null.
ec_json_num() {
	awk -v k="\"$2\": " 'index($0, k) { sub(/.*": /, ""); sub(/,$/, ""); print; exit }' "$1"
}

# ec_test_iters JSON TEST: the amortized iterations of TEST.
ec_test_iters() {
	awk -v n="\"name\": \"$2\"," 'index($0, n) { f = 1 }
		f && /"iterations":/ { gsub(/[^0-9]/, ""); print; exit }' "$1"
}

twr_phase exitcost_setup
if ! command -v twr-xencount >/dev/null; then
	check staged 1 "twr-xencount not in dom0: stage with make -C build lab-stage"
	exit 1
fi
twr_disk_create /run/twr/disk0.img "$TWR_DISK_MB"
twr_domu_create "$DOMU" "$DOMU_IP/24" /run/twr/disk0.img || exit 1
domid=$(xl domid "$DOMU")
twr_domu_run "$TWR_AGENT" modprobe twr-exitcost >"$RAW/exitcost-modprobe.txt"
check module_loaded $? "modprobe twr-exitcost in the domU ($(head -c 200 "$RAW/exitcost-modprobe.txt"))"
twr_domu_run "$TWR_AGENT" modprobe xen-evtchn >>"$RAW/exitcost-modprobe.txt"
have_evtchn=$?

# --- unit costs in the PV domU, Xen's counters around them ------------------
twr_phase exitcost_guest
g=$RAW/exitcost-guest
counters_begin
twr-xencount begin --state /run/twr/exitcost-guest.state
twr_domu_run "$TWR_AGENT" twr-exitcost --allow-untrusted-tsc --budget-log2 "$BUDGET" \
	--samples "$SAMPLES" --warmup 200 --json-out /tmp/exitcost.json >"$g.txt"
rc=$?
counters_end "$TWR_RESULTS/perf/exitcost-guest.txt"
twr-xencount end --state /run/twr/exitcost-guest.state --json >"$g-xencount.json"
twr_domu_run "$TWR_AGENT" cat /tmp/exitcost.json >"$g.json"
cat "$g.txt"
check guest_run "$rc" "twr-exitcost in the PV domU exited $rc"

for t in empty cpuid0 cpuid_xen kernel_empty null_hcall evtchn_send evtchn_upcall; do
	v=$(ec_val "$g.txt" "$t")
	mn=$(ec_stat "$g.txt" "$t" min)
	p50=$(ec_stat "$g.txt" "$t" p50)
	p95=$(ec_stat "$g.txt" "$t" p95)
	p99=$(ec_stat "$g.txt" "$t" p99)
	# Traps into Xen must also stand out of the timer's noise per sample;
	# the baselines and a CPUID that may run on the (emulated) hardware need not.
	case $t in empty | kernel_empty | cpuid0) trap=0 ;; *) trap=1 ;; esac
	awk -v v="$v" -v mn="$mn" -v p50="$p50" -v p95="$p95" -v p99="$p99" -v trap=$trap \
		'BEGIN { ok = v ~ /^[0-9.]+$/ && v > 0 && mn != "" && p50 >= mn && p95 >= p50 &&
			p99 >= p95 && (!trap || p50 > 0); exit !ok }'
	check "sane_$t" $? "$t: $v ticks amortized; per sample min $mn p50 $p50 p95 $p95 p99 $p99"
	case $t in empty | kernel_empty) ;; *)
		[ -n "$v" ] && [ "$v" != n/a ] &&
			result guest-pv "$t" "$v" ticks 0 - perf/exitcost-guest.txt ;;
	esac
done
v=$(ec_val "$g.txt" vmcall)
[ "$v" = n/a ]
check vmcall_na_in_pv $? "vmcall in a PV guest: '$v' ($(grep '#   vmcall' "$g.txt" | cut -c1-160))"
ret=$(ec_stat "$g.txt" null_hcall last_ret)
[ "${ret:-0}" -gt 0 ] 2>/dev/null
check null_hcall_answered $? "xen_version answered $ret (Xen $((${ret:-0} >> 16)).$((${ret:-0} & 0xffff)))"
up=$(ec_stat "$g.txt" evtchn_upcall upcalls)
[ "${up:-0}" -gt 0 ] 2>/dev/null
check evtchn_upcall_delivered $? "loopback upcalls seen by the module's handler: $up"
# Xen saw the guest's hypercalls: at least the three final amortized loops.
for pair in null_hcall:xen_version evtchn_send:event_channel_op; do
	t=${pair%%:*} h=${pair#*:}
	n=$(ec_test_iters "$g.json" "$t")
	c=$(ec_json_count "$g-xencount.json" "$h")
	[ -n "$n" ] && [ -n "$c" ] && [ "$c" -ge $((3 * n)) ]
	check "xen_counted_$t" $? "Xen counted $c $h hypercalls; the guest's $t loops alone made >= $((3 * ${n:-0}))"
done

# --- hypercalls per GB around a short netback/netfront benchmark ----------
twr_phase exitcost_net
sel=THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LOCAL_BYTES_SENT,LOCAL_BYTES_RECVD,REMOTE_BYTES_SENT,REMOTE_BYTES_RECVD,TRANSACTION_RATE
counters_begin
twr-xencount begin --state /run/twr/exitcost-net.state
netperf -H "$DOMU_IP" -t TCP_STREAM -l "$NET_SECS" -f m -P 0 -- -o "$sel" >"$RAW/exitcost-netperf.csv" 2>&1
rc=$?
bytes=$(awk -F, '/^[0-9.]+,/ { b = $4 } END { printf "%d", b }' "$RAW/exitcost-netperf.csv")
twr-xencount end --state /run/twr/exitcost-net.state --bytes "${bytes:-0}" --json \
	>"$RAW/exitcost-xencount-net.json"
counters_end "$TWR_RESULTS/perf/exitcost-net.txt"
check netperf "$rc" "netperf TCP_STREAM dom0 -> domU for ${NET_SECS}s: exit $rc, $bytes bytes"
result_raw netfront tcp_stream_rx netperf raw/exitcost-netperf.csv perf/exitcost-net.txt
f=$RAW/exitcost-xencount-net.json
total=$(ec_json_count "$f" total)
pgb=$(awk '/"total": \{/ { f = 1 } f && /"per_gb":/ { sub(/.*": /, ""); sub(/,$/, ""); print; exit }' "$f")
gnt=$(ec_json_count "$f" grant_table_op)
evt=$(ec_json_count "$f" event_channel_op)
[ "${total:-0}" -gt 0 ] && [ "${bytes:-0}" -gt 0 ] && awk -v x="$pgb" 'BEGIN { exit !(x ~ /^[0-9.e+]+$/ && x > 0) }'
check per_gb_finite $? "window: $total hypercalls for $bytes bytes = $pgb per GB"
[ "${gnt:-0}" -gt 0 ] && [ "${evt:-0}" -gt 0 ]
check net_counts $? "grant_table_op $gnt, event_channel_op $evt in the window"

# --- event-channel round trip dom0 <-> domU --------------------------------
twr_phase exitcost_evtchn
if [ "$have_evtchn" = 0 ]; then
	# dom0's end waits in the background for the domU to bind; the domU's
	# end runs in the foreground through the agent, so nothing outlives the
	# agent's connection there.
	counters_begin
	twr-xencount ping --domid "$domid" --count "$PINGS" --warmup 50 --timeout 60 --json \
		>"$RAW/exitcost-evtchn-rtt.json" 2>"$RAW/exitcost-ping.err" &
	ping_pid=$!
	sleep 1
	twr_domu_run "$TWR_AGENT" twr-exitcost pong -t 60 >"$RAW/exitcost-pong.txt"
	prc=$?
	wait "$ping_pid"
	rc=$?
	counters_end "$TWR_RESULTS/perf/exitcost-evtchn.txt"
	f=$RAW/exitcost-evtchn-rtt.json
	mn=$(ec_json_num "$f" min)
	p50=$(ec_json_num "$f" p50)
	p99=$(ec_json_num "$f" p99)
	[ "$rc" = 0 ] && [ "$prc" = 0 ] && awk -v mn="$mn" -v p50="$p50" -v p99="$p99" \
		'BEGIN { exit !(mn > 0 && p50 >= mn && p99 >= p50) }'
	check evtchn_rtt $? "dom0 <-> domU round trip: min $mn p50 $p50 p99 $p99 ns ($PINGS pings; ping exit $rc $(head -c 100 "$RAW/exitcost-ping.err"); pong exit $prc: $(head -c 100 "$RAW/exitcost-pong.txt"))"
	[ "$rc" = 0 ] && result dom0-domu evtchn_rtt "$p50" ns 0 "$PINGS" perf/exitcost-evtchn.txt
else
	check evtchn_rtt 1 "xen-evtchn did not load in the domU (in the lab domU root: lab/lib/roots.sh)"
fi

twr_phase exitcost_teardown
twr_domu_run "$TWR_AGENT" dmesg >"$TWR_RESULTS/domU-$DOMU-dmesg.txt"
xl destroy "$DOMU" || fail=1
exit $fail
