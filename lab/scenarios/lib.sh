# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Helpers for scenarios, sourced inside dom0 (by /init and by each scenario).
#
# A scenario creates domUs, runs benchmarks with run_netperf / run_fio (or its
# own code between counters_begin and counters_end, then `result`), and records
# pass/fail with twr_check. Everything lands in /results; the host turns it into
# lab/results/<scenario>-<ts>.json (lab/lib/results.py). Files:
#   phases.tsv    <scenario> <name> <dom0 uptime at start>
#   checks.tsv    <scenario> <name> <true|false> <detail>
#   results.tsv   <scenario> <stack> <test> <kind> <raw file> <perf file> [<value> <unit> <bytes> <transactions>]
# (<scenario> is $TWR_SCENARIO, "-" for dom0's own setup: it belongs to every
# scenario of the boot.)
#   raw/, perf/   benchmark output and xenperf snapshots named after the result
#
# Tunables (kernel command line twr.<key>=<value>, or the environment):
#   TWR_NET_SECS (5)  netperf run length      TWR_FIO_SECS (5)  time-based fio jobs
#   TWR_DISK_MB (128) domU test disk size     TWR_RANDW_MB (8)  4k randwrite volume

TWR_RESULTS=${TWR_RESULTS:-/results}
TWR_NET_SECS=${TWR_NET_SECS:-5}
TWR_FIO_SECS=${TWR_FIO_SECS:-5}
# The most one fio job may take (verified write jobs move a volume, not a window).
TWR_FIO_TIMEOUT=${TWR_FIO_TIMEOUT:-300}
TWR_DISK_MB=${TWR_DISK_MB:-128}
TWR_RANDW_MB=${TWR_RANDW_MB:-8}
TWR_AGENT_PORT=7000
mkdir -p "$TWR_RESULTS/raw" "$TWR_RESULTS/perf" /run/twr

twr_uptime() {
	cut -d' ' -f1 /proc/uptime
}

# twr_log MSG: a progress line on the console (the host echoes TWR- lines).
twr_log() {
	echo "TWR-LOG $(twr_uptime) $*"
}

# twr_phase NAME: start phase NAME (the previous one ends here).
twr_phase() {
	printf '%s\t%s\t%s\n' "${TWR_SCENARIO:--}" "$1" "$(twr_uptime)" >>"$TWR_RESULTS/phases.tsv"
	echo "TWR-PHASE $1 $(twr_uptime)"
}

# twr_check NAME true|false DETAIL: record a check; a false one fails the run.
twr_check() {
	printf '%s\t%s\t%s\t%s\n' "${TWR_SCENARIO:--}" "$1" "$2" "$3" >>"$TWR_RESULTS/checks.tsv"
	echo "TWR-CHECK $1 $2 $3"
}

# twr_disk_create PATH MB: a zeroed file for a file-backed domU disk.
twr_disk_create() {
	truncate -s "${2}M" "$1"
}

# twr_domu_create NAME IP/N DISK [XL-LINE...]: boot a PV domU pinned to pCPU 1
# with a netfront on xenbr0 and a blkfront (xvda) on DISK, then wait for its
# agent. Extra xl config lines (e.g. a twinring key) are appended as given;
# TWR_DOMU_MEM sets its memory in MiB (default 768), TWR_DOMU_VCPUS its vCPUs
# (default 1; all of them share pCPU 1: pCPU 0 stays dom0's), TWR_DOMU_TYPE
# its type (default pv; pvh boots the same kernel, no device model).
# Returns 0 when the agent answers, 1 otherwise (with a failed check).
twr_domu_create() {
	local name=$1 ip=$2 disk=$3 cfg=/run/twr/$1.cfg initrd=/run/twr/$1.initrd
	shift 3
	cat /lab/boot/domU-root.cpio.lz4 /lab/boot/domU-overlay.cpio.lz4 >"$initrd"
	cat >"$cfg" <<EOF
name = "$name"
type = "${TWR_DOMU_TYPE:-pv}"
kernel = "/lab/boot/domU-vmlinux"
ramdisk = "$initrd"
extra = "console=hvc0 clocksource=xen rdinit=/init twr.ip=$ip"
memory = ${TWR_DOMU_MEM:-768}
vcpus = ${TWR_DOMU_VCPUS:-1}
cpus = "1"
on_crash = "preserve"
vif = [ 'bridge=xenbr0' ]
disk = [ 'format=raw,vdev=xvda,access=rw,target=$disk' ]
EOF
	printf '%s\n' "$@" >>"$cfg"
	if ! xl create "$cfg" >"$TWR_RESULTS/xl-create-$name.log" 2>&1; then
		cat "$TWR_RESULTS/xl-create-$name.log"
		twr_check "domu_create_$name" false "xl create failed (xl-create-$name.log)"
		return 1
	fi
	twr_domu_follow "$name"
	twr_domu_wait "$name" "${ip%/*}"
}

# twr_domu_follow NAME: echo NAME's console live on dom0's (and so the
# host's) console until twr_domu_unfollow. (All its fds away from ours: an
# inherited stdout would keep the scenario's output pipe open after the
# scenario ends.)
twr_domu_follow() {
	(tail -n +1 -F "/var/log/xen/console/guest-$1.log" | sed -u "s/^/[$1] /") \
		</dev/null >/dev/console 2>&1 &
	echo $! >"/run/twr/$1.follow.pid"
}

# twr_domu_wait NAME IP: wait up to 180 s for the agent at IP.
twr_domu_wait() {
	local t0=$SECONDS
	while [ $((SECONDS - t0)) -lt 180 ]; do
		if [ "$(twr_domu_run "$2" echo up 2>/dev/null)" = up ]; then
			twr_check "domu_up_$1" true "agent answered after $((SECONDS - t0)) s"
			return 0
		fi
		sleep 1
	done
	twr_check "domu_up_$1" false "agent at $2 silent for 180 s"
	echo "--- xl list; bridge; a verbose connect; last lines of $1's console:"
	xl list
	ip -br link
	ip neigh
	echo "echo up" | socat -d -d -t 5 - "TCP:$2:$TWR_AGENT_PORT,connect-timeout=2"
	tail -n 30 "/var/log/xen/console/guest-$1.log"
	return 1
}

# twr_domu_run IP CMD...: run CMD in the domU whose agent is at IP; its output
# goes to stdout; returns its exit status (255 if the agent is unreachable, or
# silent for TWR_AGENT_TIMEOUT seconds, default 900).
twr_domu_run() {
	local ip=$1 out rc trc out2
	shift
	out=$(printf '%s\n' "$*" | timeout -k 5 "${TWR_AGENT_TIMEOUT:-900}" \
		socat -t 3600 -T 3600 - "TCP:$ip:$TWR_AGENT_PORT,connect-timeout=2" 2>/dev/null)
	trc=$?
	rc=$(printf '%s\n' "$out" | sed -n 's/^TWR-RC \([0-9]*\)$/\1/p' | tail -n1)
	# The reply was whole but the connection stayed open until the bound:
	# something in the domU still holds the agent's socket.
	if [ "$trc" = 124 ] && [ -n "$rc" ]; then
		out2="$*"
		twr_log "agent at $ip: reply complete (TWR-RC $rc), connection held until the ${TWR_AGENT_TIMEOUT:-900} s bound: ${out2:0:100}" >/dev/console
	fi
	printf '%s\n' "$out" | sed '/^TWR-RC [0-9]*$/d'
	return "${rc:-255}"
}

# twr_domu_destroy_all: destroy every domU (after saving their consoles).
twr_domu_destroy_all() {
	local d
	for d in $(xl list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
		xl destroy "$d"
	done
	twr_domu_unfollow
}

# twr_domu_unfollow [NAME]: stop echoing NAME's (default: every) console.
# shellcheck disable=SC2120 # scenarios pass NAME
twr_domu_unfollow() {
	local f
	for f in /run/twr/${1:-*}.follow.pid; do
		[ -e "$f" ] || continue
		pkill -P "$(cat "$f")" 2>/dev/null
		kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
}

# counters_begin: zero the hypervisor's perf counters (all domains, all CPUs).
counters_begin() {
	xenperf -r >/dev/null 2>&1 || twr_check xenperf_reset false "xenperf -r failed"
}

# counters_end FILE: snapshot the perf counters into FILE.
counters_end() {
	xenperf -p >"$1" 2>&1 || twr_check xenperf_read false "xenperf failed"
}

# result STACK TEST VALUE UNIT BYTES TRANSACTIONS PERF-FILE: a measured result
# that the scenario computed itself.
result() {
	printf '%s\t%s\t%s\tvalue\t-\t%s\t%s\t%s\t%s\t%s\n' "${TWR_SCENARIO:--}" "$1" "$2" "$7" "$3" "$4" "$5" "$6" \
		>>"$TWR_RESULTS/results.tsv"
}

# result_raw STACK TEST KIND RAW PERF: a result whose value the host parses
# from RAW (KIND netperf: -o CSV; fio: fio's JSON).
result_raw() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${TWR_SCENARIO:--}" "$1" "$2" "$3" "$4" "$5" >>"$TWR_RESULTS/results.tsv"
}

# twr_seq STACK TEST: a unique basename for one repetition's files.
twr_seq() {
	local n=1
	while [ -e "$TWR_RESULTS/perf/$1-$2-$n.txt" ]; do
		n=$((n + 1))
	done
	echo "$1-$2-$n"
}

# twr_bench_try NAME BASE SECS OUT CMD...: one benchmark sample: the perf
# counters zeroed, CMD with its stdout in the file OUT ("-": CMD writes its
# own output; either way each try starts the file anew, so a retry never
# leaves the first try's partial output in front of its own), bounded to
# SECS s (through the agent or with its own timeout), the counters saved as
# perf/BASE.txt; CMD's status. A sample whose tool died
# (killed by a signal, 128+N) or did not answer in SECS s (124, or 255 from
# the agent) is taken once more, and the run says so: the check retried_NAME
# and a `suspect` reason. Under TCG the guest's load generator has been seen
# to crash on its own (fio, SIGSEGV in libc, in the 2-vCPU domU, with either
# stack) and, without a bound, to hold the agent's socket for an hour. A
# second death fails.
twr_bench_try() {
	local name=$1 base=$2 secs=$3 out=$4 try rc
	shift 4
	for try in 1 2; do
		counters_begin
		if [ "$out" = - ]; then
			TWR_AGENT_TIMEOUT=$secs "$@"
		else
			TWR_AGENT_TIMEOUT=$secs "$@" >"$out"
		fi
		rc=$?
		counters_end "$TWR_RESULTS/perf/$base.txt"
		# Retried: 124 (timeout), 125 (an incomplete report), 255 (the
		# agent silent), 129-254 (a signal); not a plain failure (1),
		# nor 126/127 (cannot run).
		if [ $try = 2 ] || { [ $rc != 124 ] && [ $rc != 125 ] && [ $rc != 255 ] &&
			{ [ $rc -le 128 ] || [ $rc -ge 255 ]; }; }; then
			break
		fi
		twr_log "$name: the tool died, hung or left its report incomplete (status $rc); the sample is taken again"
		twr_check "retried_$name" true "status $rc on the first try (a signal, or silent for $secs s); taken again"
	done
	return $rc
}

# netperf's -o selection: results.py reads these columns in this order.
TWR_NETPERF_SEL=THROUGHPUT,THROUGHPUT_UNITS,ELAPSED_TIME,LOCAL_BYTES_SENT,LOCAL_BYTES_RECVD,REMOTE_BYTES_SENT,REMOTE_BYTES_RECVD,TRANSACTION_RATE

# run_netperf STACK TEST DOMU-IP DOM0-IP: one netperf test over the path
# between DOMU-IP and DOM0-IP (netserver runs on both ends). TEST:
#   tcp_stream_rx  dom0 -> domU TCP_STREAM (run in dom0)
#   tcp_stream_tx  domU -> dom0 TCP_STREAM (run in the domU through its agent)
#   tcp_rr, udp_rr request/response, 1 byte each way (run in dom0)
#   g2g_tcp_stream, g2g_tcp_rr, g2g_udp_rr  the same from the domU at
#                  $TWR_AGENT to another domU at DOMU-IP on the same bridge
#                  (run through the agent; DOM0-IP unused)
run_netperf() {
	local stack=$1 test=$2 domu=$3 dom0=$4 base out rc
	base=$(twr_seq "$stack" "$test")
	out=$TWR_RESULTS/raw/$base.csv
	twr_log "$stack $test: netperf ${TWR_NET_SECS}s"
	twr_bench_try "netperf_$base" "$base" $((TWR_NET_SECS + 120)) - \
		twr_netperf_cmd "$test" "$domu" "$dom0" "$out"
	rc=$?
	twr_check "netperf_${stack}_${test}" "$([ $rc = 0 ] && echo true || echo false)" "netperf exit status $rc"
	result_raw "$stack" "$test" netperf "raw/$base.csv" "perf/$base.txt"
	return $rc
}

# twr_netperf_cmd TEST DOMU-IP DOM0-IP OUT: run_netperf's netperf, output in
# OUT; its status (TWR_AGENT_TIMEOUT bounds the runs through the agent).
twr_netperf_cmd() {
	local test=$1 domu=$2 dom0=$3 out=$4 sel=$TWR_NETPERF_SEL
	local t="timeout -k 5 $TWR_AGENT_TIMEOUT"
	case $test in
	tcp_stream_rx) $t netperf -H "$domu" -t TCP_STREAM -l "$TWR_NET_SECS" -f m -P 0 -- -o "$sel" >"$out" 2>&1 ;;
	tcp_stream_tx) twr_domu_run "$TWR_AGENT" \
		netperf -H "$dom0" -t TCP_STREAM -l "$TWR_NET_SECS" -f m -P 0 -- -o "$sel" >"$out" ;;
	tcp_rr) $t netperf -H "$domu" -t TCP_RR -l "$TWR_NET_SECS" -P 0 -- -o "$sel" >"$out" 2>&1 ;;
	udp_rr) $t netperf -H "$domu" -t UDP_RR -l "$TWR_NET_SECS" -P 0 -- -o "$sel" >"$out" 2>&1 ;;
	# g2g: the TCP retransmissions of both ends too, after the columns
	# results.py reads (a slow guest-to-guest path shows why in raw/).
	g2g_tcp_stream) twr_domu_run "$TWR_AGENT" netperf -H "$domu" -t TCP_STREAM -l "$TWR_NET_SECS" -f m -P 0 \
		-- -o "$sel,LOCAL_TRANSPORT_RETRANS,REMOTE_TRANSPORT_RETRANS" >"$out" ;;
	g2g_tcp_rr) twr_domu_run "$TWR_AGENT" netperf -H "$domu" -t TCP_RR -l "$TWR_NET_SECS" -P 0 \
		-- -o "$sel,LOCAL_TRANSPORT_RETRANS,REMOTE_TRANSPORT_RETRANS" >"$out" ;;
	g2g_udp_rr) twr_domu_run "$TWR_AGENT" \
		netperf -H "$domu" -t UDP_RR -l "$TWR_NET_SECS" -P 0 -- -o "$sel" >"$out" ;;
	*) echo "run_netperf: unknown test $test" >"$out"; false ;;
	esac
}

# run_netperf_streams STACK TEST N DEST-IP: N netperf TCP_STREAMs at once
# from the domU at $TWR_AGENT to DEST-IP, stream i bound to vCPU i (mod the
# vCPUs), xenperf around all of them. Records one result: value = the sum of
# the streams' Mbit/s, bytes = the sum of their bytes sent. Returns 0 when
# every stream reported.
# shellcheck disable=SC2016 # the agent's line expands in the domU
run_netperf_streams() {
	local stack=$1 test=$2 n=$3 dest=$4 base out rc cmd got sum bytes
	base=$(twr_seq "$stack" "$test")
	out=$TWR_RESULTS/raw/$base.csv
	twr_log "$stack $test: $n netperf streams ${TWR_NET_SECS}s"
	# One line of shell for the agent: start all, wait for each, print each.
	cmd='c=$(nproc); p=; for i in $(seq 0 '$((n - 1))'); do netperf -H '$dest' -t TCP_STREAM'
	cmd+=' -l '$TWR_NET_SECS' -f m -P 0 -T $((i % c)), -- -o '$TWR_NETPERF_SEL' >/tmp/stream-$i.csv 2>&1 & p="$p $!"; done;'
	# The highest status of the streams: one killed by a signal (128 + N)
	# makes twr_bench_try take the sample again, as for a single netperf.
	cmd+=' rc=0; for x in $p; do wait $x; s=$?; [ $s -gt $rc ] && rc=$s; done; for i in $(seq 0 '$((n - 1))'); do'
	cmd+=' echo "== stream $i"; cat /tmp/stream-$i.csv; done; exit $rc'
	twr_bench_try "netperf_$base" "$base" $((TWR_NET_SECS + 120)) "$out" twr_domu_run "$TWR_AGENT" "$cmd"
	rc=$?
	# The result lines: throughput first, bytes sent fourth.
	read -r got sum bytes < <(awk -F, '/^[0-9.]+,/ { n++; s += $1; b += $4 } END { printf "%d %.2f %.0f\n", n, s, b }' "$out")
	if [ "$rc" = 0 ] && [ "$got" = "$n" ]; then
		twr_check "netperf_${stack}_${test}" true "$n streams, $sum Mbit/s together"
		result "$stack" "$test" "$sum" Mbit/s "$bytes" - "perf/$base.txt"
		return 0
	fi
	twr_check "netperf_${stack}_${test}" false "agent status $rc, $got of $n streams reported (raw/$base.csv)"
	return 1
}

# run_fio STACK TEST DEV: one fio job in the domU (agent $TWR_AGENT) on DEV.
# Write jobs move a fixed volume and verify it (crc32c) before they end: their
# window and byte count include the verify reads. TEST: randread_4k,
# randwrite_4k (iodepth 16), seqread_1m, seqwrite_1m (iodepth 4);
# randread_4k_bdev, randwrite_4k_bdev: the same jobs, for a disk whose target
# is a block device; randread_4k_delay_qd{1,16,64}, randwrite_4k_delay_qd64:
# time-based at that iodepth, for a disk with latency (dm-delay; the write
# job does not verify); mq_randread_4k: randread 4k, 2 jobs of iodepth 16,
# reported as one (group_reporting: jobs[0] is the sum).
run_fio() {
	local stack=$1 test=$2 dev=$3 base out rc job
	local common="--name=$test --filename=$dev --direct=1 --ioengine=libaio --output-format=json"
	local timed="--runtime=$TWR_FIO_SECS --time_based"
	# A time-based job's bound is its window and a margin; a job that
	# moves a volume (and verifies it) gets TWR_FIO_TIMEOUT.
	local tmo=$((TWR_FIO_SECS + 120))
	case $test in
	randread_4k | randread_4k_bdev) job="--rw=randread --bs=4k --iodepth=16 $timed" ;;
	seqread_1m) job="--rw=read --bs=1m --iodepth=4 $timed" ;;
	randwrite_4k | randwrite_4k_bdev)
		job="--rw=randwrite --bs=4k --iodepth=16 --size=${TWR_RANDW_MB}m --verify=crc32c --verify_fatal=1"
		tmo=$TWR_FIO_TIMEOUT ;;
	seqwrite_1m) job="--rw=write --bs=1m --iodepth=4 --verify=crc32c --verify_fatal=1"
		tmo=$TWR_FIO_TIMEOUT ;;
	randread_4k_delay_qd1 | randread_4k_delay_qd16 | randread_4k_delay_qd64)
		job="--rw=randread --bs=4k --iodepth=${test##*_qd} $timed" ;;
	randwrite_4k_delay_qd64) job="--rw=randwrite --bs=4k --iodepth=64 $timed" ;;
	mq_randread_4k) job="--rw=randread --bs=4k --iodepth=16 --numjobs=2 --group_reporting $timed" ;;
	*) echo "run_fio: unknown test $test"; return 1 ;;
	esac
	base=$(twr_seq "$stack" "$test")
	out=$TWR_RESULTS/raw/$base.json
	twr_log "$stack $test: fio on $dev"
	twr_bench_try "fio_$base" "$base" "$tmo" "$out" twr_fio_cmd "$TWR_AGENT" "$common $job"
	rc=$?
	twr_check "fio_${stack}_${test}" "$([ $rc = 0 ] && echo true || echo false)" "fio exit status $rc"
	result_raw "$stack" "$test" fio "raw/$base.json" "perf/$base.txt"
	return $rc
}

# twr_fio_cmd AGENT ARGS: fio ARGS in the domU at AGENT, its JSON report on
# stdout first and its stderr after it (a line "== fio stderr"), so that a
# message fio or libc writes while the report is printed cannot split it.
# Status 125 when fio said 0 but the report is not complete (twr_bench_try
# takes the sample again).
# shellcheck disable=SC2016 # the agent's line expands in the domU
twr_fio_cmd() {
	local out rc
	out=$(twr_domu_run "$1" 'f=/tmp/twr-fio.$$; fio '"$2"' --output=$f.json 2>$f.err; rc=$?;'\
' cat $f.json; if [ -s $f.err ]; then echo "== fio stderr"; cat $f.err; fi; rm -f $f.json $f.err; exit $rc')
	rc=$?
	printf '%s\n' "$out"
	if [ "$rc" = 0 ] && ! printf '%s\n' "$out" | awk '/^\{$/ { o = 1 } o && /^\}$/ { c = 1 } END { exit !c }'; then
		echo "twr_fio_cmd: fio said 0 but printed no complete JSON report"
		return 125
	fi
	return "$rc"
}

# twr_warmup_net DOMU-IP: a discarded TCP_STREAM and TCP_RR to DOMU-IP. Under
# TCG the first netperf runs of a boot come out several times slower (code
# translated for the first time); the measured repetitions start warm.
twr_warmup_net() {
	twr_log "warm-up: netperf to $1 (discarded)"
	netperf -H "$1" -t TCP_STREAM -l 2 -P 0 >/dev/null 2>&1 ||
		twr_check "warmup_net_$1" false "warm-up TCP_STREAM to $1 failed"
	netperf -H "$1" -t TCP_RR -l 2 -P 0 >/dev/null 2>&1 ||
		twr_check "warmup_net_$1" false "warm-up TCP_RR to $1 failed"
}

# twr_warmup_fio DEV: a discarded randread and sequential read of DEV in the
# domU ($TWR_AGENT), for the same reason.
twr_warmup_fio() {
	twr_log "warm-up: fio on $1 (discarded)"
	twr_domu_run "$TWR_AGENT" fio --name=warmup --filename="$1" --direct=1 --ioengine=libaio \
		--rw=randread --bs=4k --iodepth=16 --runtime=2 --time_based --output=/dev/null >/dev/null 2>&1 &&
		twr_domu_run "$TWR_AGENT" fio --name=warmup --filename="$1" --direct=1 --ioengine=libaio \
			--rw=read --bs=1m --iodepth=4 --runtime=2 --time_based --output=/dev/null >/dev/null 2>&1 ||
		twr_check "warmup_fio_${1##*/}" false "warm-up fio on $1 failed"
}

# net_attach_xs DOMID [MAC [QUEUES [DEVID]]]: the xenstore nodes of
# include/twinring/xenbus.h written directly, for a stage without twinctl
# (libxl's permission pattern) or for a rogue frontend to find. Defaults:
# $TWR_MAC, 4 queues, device 0.
net_attach_xs() {
	local domid=$1 mac=${2:-$TWR_MAC} queues=${3:-4}
	local be=/local/domain/0/backend/twinnet/$1/${4:-0} fe=/local/domain/$1/device/twinnet/${4:-0}
	# xenbus creates a device when its state node reads 1, and its probe
	# needs the other end's directory: both directories complete and
	# readable first, the two state nodes last (they inherit the perms).
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 \
		"$be/bridge" xenbr1 "$be/mac" "$mac" "$be/max-queues" "$queues" \
		"$fe/backend" "$be" "$fe/backend-id" 0 "$fe/mac" "$mac" &&
		xenstore-chmod -r "$be" n0 "r$domid" &&
		xenstore-chmod -r "$fe" "n$domid" r0 &&
		xenstore-write "$be/state" 1 "$fe/state" 1 "$be/iotask-ready" 1
}

# blk_attach_xs DOMID TARGET VDEV [DEVID [QUEUES [GO-AHEAD [MODE]]]]: the
# xenstore nodes of include/twinring/xenbus.h written directly, for a stage
# without twinctl (default device 0, 4 queues, mode w; GO-AHEAD 0 leaves
# iotask-ready out: the backend probes but maps nothing until it is written).
blk_attach_xs() {
	local domid=$1 queues=${5:-4} mode=${7:-w} ga=()
	local be=/local/domain/0/backend/twinblk/$1/${4:-0} fe=/local/domain/$1/device/twinblk/${4:-0}
	[ "${6:-1}" = 0 ] || ga=("$be/iotask-ready" 1)
	# As net_attach_xs: both directories complete and readable first (the
	# backend's probe reads the frontend's), the state nodes last.
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 \
		"$be/target" "$2" "$be/mode" "$mode" "$be/vdev" "$3" "$be/max-queues" "$queues" "${ga[@]}" \
		"$fe/backend" "$be" "$fe/backend-id" 0 &&
		xenstore-chmod -r "$be" n0 "r$domid" &&
		xenstore-chmod -r "$fe" "n$domid" r0 &&
		xenstore-write "$be/state" 1 "$fe/state" 1
}

# detach_xs KIND DOMID DEVID [WAIT]: libxl's way (offline, then Closing; the
# drivers do the rest; a backend already Closed is removed at once), and
# both directories removed once the backend is Closed (or after WAIT s,
# default 30, as libxl's device timeout gives up on a frontend that does not
# close; the log says so). Returns the status of the first write.
detach_xs() {
	local be=/local/domain/0/backend/$1/$2/$3 i rc st
	# A backend already Closed (its frontend gave up on the device) has
	# nothing to close: libxl removes such a device at once. Writing
	# Closing over it would leave it there, since no driver moves again.
	if [ "$(xenstore-read "$be/state" 2>/dev/null)" = 6 ]; then
		xenstore-rm "$be" "/local/domain/$2/device/$1/$3" 2>/dev/null
		return 0
	fi
	xenstore-write "$be/online" 0 "$be/state" 5 2>/dev/null
	rc=$?
	for i in $(seq "${4:-30}"); do
		[ "$(xenstore-read "$be/state" 2>/dev/null)" = 6 ] && break
		sleep 1
	done
	st=$(xenstore-read "$be/state" 2>/dev/null)
	[ "$st" = 6 ] || twr_log "detach_xs: $be in state ${st:-?} after ${4:-30} s (frontend state $(xenstore-read "/local/domain/$2/device/$1/$3/state" 2>/dev/null || echo -)): both directories removed"
	xenstore-rm "$be" "/local/domain/$2/device/$1/$3" 2>/dev/null
	return $rc
}
