# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Helpers of the toolstack scenarios (toolstack.sh, toolstack-io.sh), sourced
# after lib.sh. Not a scenario itself.
#
# twinringd runs the way its systemd unit runs it: the ExecStart line of the
# twinringd.service that make lab-stage put where `make install` puts it,
# configured by /etc/twinring/twinringd.conf (no command-line options), and
# logging to syslog. dom0 has no syslog daemon: a socat listener on /dev/log
# stands in for journald and writes each message as one line to $LOG.

LOG=$TWR_RESULTS/twinringd.log
TS_CONF=/etc/twinring/twinringd.conf
fail=${fail:-0}

# check NAME STATUS DETAIL: twr_check "ts_NAME" from an exit status.
check() {
	if [ "$2" = 0 ]; then
		twr_check "ts_$1" true "$3"
	else
		twr_check "ts_$1" false "$3"
		fail=1
	fi
}

# wait_for SECONDS CONDITION...: poll CONDITION every 0.5 s, up to SECONDS.
wait_for() {
	local i
	for i in $(seq $(($1 * 2))); do
		"${@:2}" && return 0
		sleep 0.5
	done
	"${@:2}"
}

# count_devs DOMID: the number of twinring backend directories of DOMID.
count_devs() {
	local k n=0
	for k in twinnet twinblk; do
		n=$((n + $(xenstore-list "/local/domain/0/backend/$k/$1" 2>/dev/null | wc -l)))
	done
	echo "$n"
}

# ts_unit: the installed unit file (make lab-stage: where make install puts it).
ts_unit() {
	local d
	for d in /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		[ -f "$d/twinringd.service" ] && { echo "$d/twinringd.service"; return 0; }
	done
	return 1
}

# ts_setup_daemon SEARCH-PATH: check the stage, write the daemon's config,
# start the syslog stand-in. Sets TS_EXEC (the unit's ExecStart). Exits the
# scenario when something is not staged.
ts_setup_daemon() {
	local t unit i
	for t in twinctl twinringd twr-iotask; do
		if ! command -v $t >/dev/null; then
			twr_check ts_staged false "$t not in dom0: stage with make lab-stage"
			exit 1
		fi
	done
	if ! unit=$(ts_unit); then
		twr_check ts_unit_staged false "no twinringd.service in dom0: stage with make lab-stage"
		exit 1
	fi
	TS_EXEC=$(sed -n 's/^ExecStart=//p' "$unit")
	twr_log "twinringd as $unit runs it: $TS_EXEC"
	mkdir -p "${TS_CONF%/*}"
	cat >"$TS_CONF" <<EOF
# The lab's domU configs are written to /run/twr (lib.sh twr_domu_create).
search_path = "$1"
close_timeout = 3
# Every target of the lab's configs is in /run/twr; ts_sync tries one outside.
targets = "/run/twr"
EOF
	# A listener already there (the other toolstack scenario's) is reused.
	if ! socat -u /dev/null UNIX-CONNECT:/dev/log 2>/dev/null; then
		rm -f /dev/log
		# glibc's syslog() falls back to a stream socket, each message
		# ended by a NUL.
		# twinringd's lines also on the console, where a run that hangs
		# still shows them.
		socat -u UNIX-LISTEN:/dev/log,mode=666,fork STDOUT </dev/null 2>/dev/null |
			stdbuf -o0 tr '\0' '\n' | tee -a "$LOG" | grep --line-buffered ' twinringd\[' |
			sed -u 's/^<[0-9]*>/[syslog] /' >/dev/console 2>&1 &
		for _ in $(seq 50); do
			[ -S /dev/log ] && break
			sleep 0.1
		done
	fi
}

# daemon_start [VAR=VALUE...]: the unit's ExecStart in the background, with
# the environment additions given (the test hook); daemon_pid is its pid.
daemon_start() {
	# shellcheck disable=SC2086 # split as systemd splits ExecStart (no quotes in ours)
	env "$@" $TS_EXEC </dev/null >>"$LOG" 2>&1 &
	daemon_pid=$!
}

# daemon_cpu: the running daemon's CPU time so far (user + system), in
# clock ticks (getconf CLK_TCK).
daemon_cpu() { awk '{ print $14 + $15 }' "/proc/$daemon_pid/stat"; }

# daemon_stop: SIGTERM, as systemctl stop does (devices stay attached).
daemon_stop() {
	kill "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
}

# daemon_wait_killed POINT: wait up to 120 s for the daemon armed with
# TWINRINGD_TEST_KILL_AT=POINT to die; check it died of SIGKILL (exit
# status 137) and logged the point. 0 if so.
daemon_wait_killed() {
	local rc=0 st
	wait_for 120 eval '! kill -0 $daemon_pid 2>/dev/null' || rc=1
	if [ $rc = 0 ]; then
		wait "$daemon_pid" 2>/dev/null
		st=$?
		wait_for 10 grep -q "TWINRINGD_TEST_KILL_AT=$1 reached: SIGKILL" "$LOG" || rc=1
		[ "$st" = 137 ] || rc=1
		check "killed_at_$1" $rc "exit status $st (137: SIGKILL), the log names the point"
	else
		check "killed_at_$1" 1 "still running 120 s later: the point was never reached"
		daemon_stop
	fi
	return $rc
}
