#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario toolstack: twinctl and twinringd in dom0 against live domUs.
# Needs the stage from make lab-stage. twinringd runs as its systemd unit
# runs it (toolstack-lib.sh: the unit's ExecStart, /etc/twinring/twinringd.conf).
#
# Part 1, the control plane (here; no twinring driver is loaded, so device
# states stay Initialising):
#
#   twinringd (search_path = "/run/twr") ── watches @introduceDomain/@releaseDomain
#        │ reads /run/twr/twr-ts.cfg: twinring = [ net, blk, 2 bad entries ]
#        ▼
#   xenstore: /local/domain/<id>/device/twin{net,blk}/<n>   (n<id>,r0)
#             /local/domain/0/backend/twin{net,blk}/<id>/<n> (n0,r<id>)
#        ▲
#   twinctl attach/detach/list/show/stats, and its refusals
#
# then kill -9 + restart of the daemon (nothing created twice), a reload
# after an edited config (nothing added) and twinctl sync, records of a
# reused domid told apart (ts_reused_domid), a same-named
# config of another guest refused (ts_wrong_file), an incoming migration
# attached at once from <name>'s config (ts_incoming), an entry retried until its
# target exists (ts_retry) and xl destroy (nothing left behind).
#
# Part 2, drivers, traffic and the daemon killed mid-setup and mid-traffic:
# toolstack-io.sh (also a scenario of its own).
. /lab/scenarios/lib.sh
. /lab/scenarios/toolstack-lib.sh

DOMU=twr-ts
DATA=/run/twr/ts-data.img

# perms_ok DIR WANT: every node under DIR (and DIR) has permissions WANT.
perms_ok() {
	local parent=${1%/*} base=${1##*/} bad
	# The directory itself, as a child of its parent, then everything below.
	xenstore-ls -p "$parent" | grep -E "^$base = " | grep -qF "($2)" || return 1
	bad=$(xenstore-ls -p "$1" | grep -vF "($2)" || true)
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

twr_phase ts_setup
ts_setup_daemon /run/twr
# Fail closed: a typo in the daemon's config (enforcement would silently be
# off) stops the start with the file and the value named; the good file then
# starts it as usual.
cp "$TS_CONF" "$TS_CONF.good"
printf 'iotask = "enforced"\n' >>"$TS_CONF"
# shellcheck disable=SC2086 # split as systemd splits ExecStart
timeout 60 $TS_EXEC </dev/null >>"$LOG" 2>&1
st=$?
rc=1
if wait_for 10 grep -q 'iotask = "enforced": expected off, register or enforce' "$LOG" &&
	[ "$st" = 1 ]; then
	rc=0
fi
check bad_conf_refused $rc "exit status $st (1 expected), the log names the bad value"
mv "$TS_CONF.good" "$TS_CONF"
twr_disk_create "$DATA" 16
daemon_start

# ts_domu_create: a PV domU with no standard devices and the twinring key.
# Nothing here needs the domU to answer: the control plane is all in dom0.
ts_domu_create() {
	local cfg=/run/twr/$DOMU.cfg initrd=/run/twr/$DOMU.initrd
	cat /lab/boot/domU-root.cpio.lz4 /lab/boot/domU-overlay.cpio.lz4 >"$initrd"
	cat >"$cfg" <<EOF
name = "$DOMU"
type = "pv"
kernel = "/lab/boot/domU-vmlinux"
ramdisk = "$initrd"
extra = "console=hvc0 rdinit=/init"
memory = 768
vcpus = 1
cpus = "1"
on_crash = "preserve"
twinring = [ 'net, bridge=xenbr0, queues=2',
             'blk, target=$DATA, vdev=twa',
             'blk, target=/run/twr/missing.img, vdev=twb',
             'nic, colour=blue' ]
EOF
	xl create "$cfg" >"$TWR_RESULTS/xl-create-$DOMU.log" 2>&1
}

twr_phase ts_daemon_attach
ts_domu_create
check domu_create $? "xl create ignores the twinring key (xl-create-$DOMU.log)"
domid=$(xl domid "$DOMU") || exit 1
# The daemon attaches at @introduceDomain, long before the agent answers.
net_be=/local/domain/0/backend/twinnet/$domid/0
net_fe=/local/domain/$domid/device/twinnet/0
blk_be=/local/domain/0/backend/twinblk/$domid/0
blk_fe=/local/domain/$domid/device/twinblk/0
for i in $(seq 30); do
	[ "$(count_devs "$domid")" -ge 2 ] && break
	sleep 1
done
xenstore-exists "$net_be" && xenstore-exists "$net_fe"
check daemon_net_attached $? "$net_be and $net_fe exist"
[ "$(xenstore-read "$blk_be/target" 2>/dev/null)" = "$DATA" ] && xenstore-exists "$blk_fe"
check daemon_blk_attached $? "$blk_be/target is $DATA"
[ "$(count_devs "$domid")" = 2 ]
check daemon_bad_entries_skipped $? "exactly 2 devices for 4 entries (2 bad), got $(count_devs "$domid")"
twinctl show "$DOMU" >"$TWR_RESULTS/ts-show-daemon.txt" 2>&1
grep -q "missing.img" "$TWR_RESULTS/ts-show-daemon.txt" &&
	grep -q "unknown device type 'nic'" "$TWR_RESULTS/ts-show-daemon.txt"
check daemon_errors_in_show $? "twinctl show names both bad entries (ts-show-daemon.txt)"
wait_for 10 grep -q "twinring entry 3 'blk, target=/run/twr/missing.img" "$LOG"
check daemon_errors_logged $? "the log names the domain, the file, the entry"

# The domU's xenbus reads its frontend directories (it has no driver for
# them, so it says so on its console).
con=/var/log/xen/console/guest-$DOMU.log
for i in $(seq 120); do
	grep -q "device/twinblk/0" "$con" 2>/dev/null && break
	sleep 1
done
grep -q "device/twinnet/0" "$con" 2>/dev/null && grep -q "device/twinblk/0" "$con" 2>/dev/null
check domu_sees_devices $? "the domU's xenbus probed device/twinnet/0 and device/twinblk/0 ($con)"

twr_phase ts_perms
out=$(perms_ok "$net_fe" "n$domid,r0" 2>&1)
check perms_net_frontend $? "frontend owned by the domU, readable by dom0 ${out:0:200}"
out=$(perms_ok "$net_be" "n0,r$domid" 2>&1)
check perms_net_backend $? "backend owned by dom0, readable by the domU ${out:0:200}"
out=$(perms_ok "$blk_fe" "n$domid,r0" 2>&1)
check perms_blk_frontend $? "${out:0:200}"
out=$(perms_ok "$blk_be" "n0,r$domid" 2>&1)
check perms_blk_backend $? "${out:0:200}"
xenstore-ls -p "/local/domain/$domid/device" >"$TWR_RESULTS/ts-xenstore-frontend.txt" 2>&1
xenstore-ls -p "/local/domain/0/backend" >"$TWR_RESULTS/ts-xenstore-backend.txt" 2>&1

twr_phase ts_twinctl_attach
out=$(twinctl --timeout 2 attach "$DOMU" net bridge=xenbr0 mac=00:16:3e:12:34:56 2>&1)
rc=$?
echo "$out" >"$TWR_RESULTS/ts-attach-net.txt"
check attach_net_rc "$rc" "twinctl attach net: $out"
be=/local/domain/0/backend/twinnet/$domid/1
fe=/local/domain/$domid/device/twinnet/1
[ "$(xenstore-read "$be/bridge")" = xenbr0 ] && [ "$(xenstore-read "$be/mac")" = 00:16:3e:12:34:56 ] &&
	[ "$(xenstore-read "$fe/mac")" = 00:16:3e:12:34:56 ] && [ "$(xenstore-read "$be/online")" = 1 ] &&
	[ "$(xenstore-read "$be/state")" = 1 ] && [ "$(xenstore-read "$fe/state")" = 1 ] &&
	[ "$(xenstore-read "$fe/backend")" = "$be" ] && [ "$(xenstore-read "$be/frontend")" = "$fe" ] &&
	[ "$(xenstore-read "$be/frontend-id")" = "$domid" ] && [ "$(xenstore-read "$fe/backend-id")" = 0 ] &&
	[ "$(xenstore-read "$be/max-queues")" = 1 ]
check attach_net_nodes $? "devid 1, every node of include/twinring/xenbus.h as written"
out=$(perms_ok "$fe" "n$domid,r0" 2>&1) && out=$(perms_ok "$be" "n0,r$domid" 2>&1)
check attach_net_perms $? "${out:0:200}"

twr_phase ts_twinctl_refusals
before=$(count_devs "$domid")
# refuse NAME RC PATTERN ARGS...: twinctl ARGS exits RC, says PATTERN, adds nothing.
refuse() {
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$(twinctl "$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && echo "$out" | grep -q -- "$pat" && [ "$(count_devs "$domid")" = "$before" ]
	check "refuse_$name" $? "exit $rc (want $want): $out"
}
refuse missing_bridge 1 "bridge 'nosuchbr' does not exist" attach "$DOMU" net bridge=nosuchbr
refuse missing_target 1 "missing.img" attach "$DOMU" blk target=/run/twr/missing.img vdev=twc
refuse duplicate_vdev 1 "vdev twa is already used" attach "$DOMU" blk target="$DATA" vdev=twa mode=r
refuse unknown_key 2 "unknown key 'colour'" attach "$DOMU" net bridge=xenbr0 colour=red
refuse bad_number 2 "queues=0" attach "$DOMU" net bridge=xenbr0 queues=0
refuse no_domain 1 "no domain named 'nosuchdom'" attach nosuchdom net bridge=xenbr0
refuse detach_unknown 1 "has no twinnet device 9" detach "$DOMU" net 9
refuse duplicate_mac 1 "mac 00:16:3e:12:34:56 is already used by twinnet device 1 of domain $domid" \
	attach "$DOMU" net bridge=xenbr0 mac=00:16:3E:12:34:56

twr_phase ts_twinctl_read
twinctl list >"$TWR_RESULTS/ts-list.txt" 2>&1
[ "$(grep -c "^$DOMU " "$TWR_RESULTS/ts-list.txt")" = 3 ]
check list $? "twinctl list shows the 3 devices (ts-list.txt)"
twinctl show --json "$DOMU" >"$TWR_RESULTS/ts-show.json" 2>&1
grep -q '"devices":\[' "$TWR_RESULTS/ts-show.json" && grep -q '"frontend_state":"Initialising"' "$TWR_RESULTS/ts-show.json"
check show_json $? "twinctl show --json (ts-show.json)"
# twinctl check: what the daemon would attach from the domain's file, each
# entry with its line (the twinring list starts on line 10 of it).
twinctl check "/run/twr/$DOMU.cfg" >"$TWR_RESULTS/ts-check.txt" 2>&1
rc=$?
[ $rc = 1 ] && grep -qF "$DOMU.cfg:10: entry 1: twinnet on bridge xenbr0, mac generated, 2 queues" "$TWR_RESULTS/ts-check.txt" &&
	grep -qF "$DOMU.cfg:11: entry 2: twinblk twa on $DATA, read-write" "$TWR_RESULTS/ts-check.txt" &&
	grep -qF "$DOMU.cfg:13: entry 4 'nic, colour=blue': error: unknown device type 'nic'" "$TWR_RESULTS/ts-check.txt" &&
	grep -qF "4 entries, 1 error" "$TWR_RESULTS/ts-check.txt"
check twinctl_check $? "exit $rc (1 expected): $(tr '\n' '|' <"$TWR_RESULTS/ts-check.txt" | head -c 600)"
twinctl stats "$DOMU" >"$TWR_RESULTS/ts-stats.txt" 2>&1
check stats_rc $? "twinctl stats without drivers exits 0 (ts-stats.txt)"
grep -q "no statistics available" "$TWR_RESULTS/ts-stats.txt"
check stats_says_unavailable $? "and says plainly that nothing is exposed"

twr_phase ts_single_instance
# A second daemon would attach and tear down too: it refuses to start,
# naming the running one (whose pid is env's: env execs the daemon).
before=$(count_devs "$domid")
out=$(twinringd --once 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "another twinringd (pid $daemon_pid) is running" <<<"$out" &&
	[ "$(count_devs "$domid")" = "$before" ]
check second_daemon_refused $? "exit $rc: $out"

twr_phase ts_restart
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
before=$(count_devs "$domid")
twinringd --once >>"$LOG" 2>&1
check restart_once_rc $? "twinringd --once after kill -9"
[ "$(count_devs "$domid")" = "$before" ]
check restart_no_duplicate $? "devices before $before, after $(count_devs "$domid")"
# A device removed behind the daemon's back is re-created from the config.
xenstore-rm "$blk_be" && xenstore-rm "$blk_fe"
twinringd --once >>"$LOG" 2>&1
[ "$(count_devs "$domid")" = "$before" ] && [ "$(xenstore-read "$blk_be/target" 2>/dev/null)" = "$DATA" ]
check restart_recreates_missing $? "the removed twinblk came back"
daemon_start

twr_phase ts_detach
out=$(twinctl --json --timeout 2 detach "$DOMU" net 1 2>/dev/null)
rc=$?
check detach_rc "$rc" "$out"
grep -qE "^\{\"domid\":$domid,\"domain\":\"$DOMU\",\"kind\":\"twinnet\",\"devid\":1,\"closed_in_time\":(true|false)\}$" <<<"$out"
check detach_json $? "twinctl --json detach prints one object: $out"
! xenstore-exists "$be" && ! xenstore-exists "$fe"
check detach_removed $? "both directories of twinnet 1 are gone"

# An edited config does not reach a running domain behind the admin's back:
# a reload (and a restart) reconciles with the entries applied at the
# domain's start, and says the file changed; twinctl sync applies the file,
# adding and removing, and says what it did -- refusing a target outside
# twinringd.conf's targets, as the daemon does.
twr_phase ts_sync
cfg=/run/twr/$DOMU.cfg
cp "$cfg" "$cfg.orig"
before=$(count_devs "$domid")
sed -i "s|'nic, colour=blue' \]|'nic, colour=blue',\n             'net, bridge=xenbr0, mac=00:16:3e:12:34:57',\n             'blk, target=/lab/boot/domU-vmlinux, vdev=twc' ]|" "$cfg"
kill -HUP "$daemon_pid"
wait_for 20 grep -q "$cfg has changed since the domain was first seen" "$LOG"
check reload_edited_notice $? "the log names the changed file and twinctl sync"
sleep 2
[ "$(count_devs "$domid")" = "$before" ]
check reload_edited_adds_nothing $? "devices before $before, after the reload $(count_devs "$domid")"
out=$(twinctl sync "$DOMU" 2>&1)
rc=$?
echo "$out" >"$TWR_RESULTS/ts-sync-add.txt"
# The new blk entry's target is outside twinringd.conf's targets: refused.
[ $rc = 1 ] && grep -q "domain $DOMU: added twinnet [0-9]* ('net, bridge=xenbr0, mac=00:16:3e:12:34:57')" <<<"$out" &&
	grep -q "$cfg:15: entry 6 'blk, target=/lab/boot/domU-vmlinux, vdev=twc': target /lab/boot/domU-vmlinux .* is outside the targets allowed (/run/twr)" <<<"$out" &&
	grep -q "1 added, 0 removed, 4 unchanged, some failed" <<<"$out" && [ "$(count_devs "$domid")" = $((before + 1)) ]
check sync_adds $? "exit $rc (1: one target refused), devices $(count_devs "$domid") (want $((before + 1))): $(tr '\n' '|' <<<"$out")"
cp "$cfg.orig" "$cfg"
out=$(twinctl --timeout 2 sync "$DOMU" 2>&1)
rc=$?
echo "$out" >"$TWR_RESULTS/ts-sync-remove.txt"
grep -q "domain $DOMU: removed twinnet [0-9]* ('net, bridge=xenbr0, mac=00:16:3e:12:34:57')" <<<"$out" &&
	grep -q "0 added, 1 removed, 4 unchanged" <<<"$out" && [ "$(count_devs "$domid")" = "$before" ]
check sync_removes $? "exit $rc, devices $(count_devs "$domid") (want $before): $(tr '\n' '|' <<<"$out")"

# Xen reuses a domid once they wrap: records left by a domain that died
# while no daemon ran must not be taken for the new one's. Simulated: the
# records' uuid rewritten while the daemon is stopped; the next daemon
# removes the "old" domain's devices and applies this one's config afresh.
twr_phase ts_reused_domid
real=$(xenstore-read "/local/domain/$domid/vm" 2>/dev/null)
real=${real#/vm/}
before=$(count_devs "$domid")
daemon_stop
xenstore-write "/local/domain/0/twinringd/$domid/uuid" 00000000-0000-0000-0000-000000000001
daemon_start
wait_for 30 grep -qF "our records of domid $domid are of another domain (uuid 00000000-0000-0000-0000-000000000001; this one is $real)" "$LOG"
check reused_domid_noticed $? "the log tells the two domains apart (this one's uuid: $real)"
reused_fresh() {
	[ "$(xenstore-read "/local/domain/0/twinringd/$domid/uuid" 2>/dev/null)" = "$real" ] &&
		[ "$(count_devs "$domid")" = "$before" ]
}
wait_for 40 reused_fresh
check reused_domid_fresh $? "records name $(xenstore-read "/local/domain/0/twinringd/$domid/uuid" 2>/dev/null), devices $(count_devs "$domid") (want $before, from the file)"

# The I/O task side, with dom0 playing both drivers through xenstore: a
# frontend that says Initialised with refs it never granted must not get the
# go-ahead where the hypervisor has the task table (the daemon cannot read
# its channel), and gets it at once where it has none; a Closed backend
# loses it again.
twr_phase ts_iotask
has_ready() { xenstore-exists "$net_be/iotask-ready"; }
no_ready() { ! xenstore-exists "$net_be/iotask-ready"; }
xenstore-write "$net_fe/num-queues" 1 "$net_fe/queue-0/ctrl-ref" 8 \
	"$net_fe/queue-0/ring-a-dir-ref" 9 "$net_fe/queue-0/ring-b-dir-ref" 10 \
	"$net_fe/queue-0/ring-a-order" 0 "$net_fe/queue-0/ring-b-order" 0 "$net_fe/state" 3
if wait_for 5 grep -q "I/O tasks: register (the hypervisor has the task table)" "$LOG"; then
	wait_for 20 grep -q "twinnet 0: no go-ahead: cannot read the grant refs of $net_fe/queue-0" "$LOG"
	check iotask_ungranted_refs_refused $? "refs 8-10, never granted to dom0: logged, no task"
	no_ready
	check iotask_no_go_ahead $? "no $net_be/iotask-ready"
else
	wait_for 20 has_ready
	check iotask_go_ahead_without_table $? "no task table: $net_be/iotask-ready written at Initialised"
fi
xenstore-write "$net_be/state" 6
wait_for 20 no_ready
check iotask_go_ahead_withdrawn $? "backend Closed: iotask-ready absent"
twinctl show "$DOMU" >"$TWR_RESULTS/ts-show-iotask.txt" 2>&1

# ts_paused_cfg NAME LINE...: an xl config for a small PV domU (created
# paused: the daemon's side only), with LINEs after its head.
ts_paused_cfg() {
	printf '%s\n' "name = \"$1\"" 'type = "pv"' 'kernel = "/lab/boot/domU-vmlinux"' \
		'memory = 128' 'cpus = "1"' "${@:2}"
}

# No wrong file: the daemon finds a config by the domain's name, and a
# same-named file on its search path may be another guest's. twr-tsx is
# created (paused) from /run/twr/other/, outside the search path; the
# /run/twr/twr-tsx.cfg the daemon finds names another disk and asks for a
# twinnet: refused, loudly, nothing attached (toolstack/twr_ident.h).
twr_phase ts_wrong_file
mkdir -p /run/twr/other
truncate -s 4M /run/twr/tsx-own.img /run/twr/tsx-other.img
ts_paused_cfg twr-tsx "disk = [ 'format=raw, vdev=xvda, access=rw, target=/run/twr/tsx-other.img' ]" \
	"twinring = [ 'net, bridge=xenbr0' ]" >/run/twr/twr-tsx.cfg
sed -e 's|tsx-other.img|tsx-own.img|' -e '/^twinring/d' /run/twr/twr-tsx.cfg >/run/twr/other/twr-tsx.cfg
xl create -p /run/twr/other/twr-tsx.cfg >"$TWR_RESULTS/xl-create-twr-tsx.log" 2>&1
check wrong_file_domu_create $? "xl create -p /run/twr/other/twr-tsx.cfg (xl-create-twr-tsx.log)"
tsx=$(xl domid twr-tsx 2>/dev/null)
want="domain twr-tsx ($tsx): /run/twr/twr-tsx.cfg is not this domain's config: its disk 1 (/run/twr/tsx-other.img) is not one of the domain's 1 disk"
wait_for 30 grep -qF "$want" "$LOG"
check wrong_file_refused $? "the log says: $want"
sleep 2
[ "$(count_devs "$tsx")" = 0 ]
check wrong_file_nothing_attached $? "twinring devices of twr-tsx: $(count_devs "$tsx") (0 expected)"
twinctl show twr-tsx >"$TWR_RESULTS/ts-show-wrong-file.txt" 2>&1
grep -qF "is not this domain's config" "$TWR_RESULTS/ts-show-wrong-file.txt"
check wrong_file_in_show $? "twinctl show twr-tsx names the refusal (ts-show-wrong-file.txt)"
xl destroy twr-tsx

# xl migrate's receiving end is named <name>--incoming until the migration
# succeeds, then renamed, and runs at once: the daemon attaches its devices
# from <name>'s config while it is still --incoming (paused), the MAC the
# source <name> holds is no conflict for it, the pause the daemon takes while
# writing the devices leaves xl's own in place, and the rename changes
# nothing. Simulated without a second host: twr-tsm (paused), then a paused
# twr-tsm--incoming from the same config (a file outside the search path),
# twr-tsm destroyed, xl rename. (ts_io_migrate runs a real xl migrate.)
twr_phase ts_incoming
ts_paused_cfg twr-tsm "twinring = [ 'net, bridge=xenbr0, mac=00:16:3e:7a:00:31' ]" >/run/twr/twr-tsm.cfg
sed -e 's|^name = "twr-tsm"|name = "twr-tsm--incoming"|' /run/twr/twr-tsm.cfg >/run/twr/other/twr-tsm--incoming.cfg
xl create -p /run/twr/twr-tsm.cfg >"$TWR_RESULTS/xl-create-twr-tsm.log" 2>&1
src=$(xl domid twr-tsm 2>/dev/null)
wait_for 20 eval '[ "$(count_devs "$src")" = 1 ]'
check incoming_source_attached $? "the source twr-tsm ($src): $(count_devs "$src") device"
xl create -p /run/twr/other/twr-tsm--incoming.cfg >>"$TWR_RESULTS/xl-create-twr-tsm.log" 2>&1
check incoming_domu_create $? "xl create -p twr-tsm--incoming (xl-create-twr-tsm.log)"
tsm=$(xl domid twr-tsm--incoming 2>/dev/null)
wait_for 20 grep -qF "domain twr-tsm--incoming ($tsm): an incoming migration: the devices of twr-tsm's config" "$LOG"
rc=$?
wait_for 20 eval '[ "$(count_devs "$tsm")" = 1 ]'
[ $rc = 0 ] && [ "$(count_devs "$tsm")" = 1 ] &&
	[ "$(xenstore-read "/local/domain/0/backend/twinnet/$tsm/0/mac" 2>/dev/null)" = 00:16:3e:7a:00:31 ]
check incoming_attached_at_once $? "logged, $(count_devs "$tsm") device while --incoming (1 expected), with the source's MAC"
st=$(xl list twr-tsm--incoming 2>/dev/null | awk 'NR == 2 { print $5 }')
case $st in *p*) rc=0 ;; *) rc=1 ;; esac
! xenstore-exists "/local/domain/0/twinringd/$tsm/held"
check incoming_still_paused $((rc | $?)) "xl's pause kept (state '$st'), the daemon's released (no 'held' record)"
xl destroy twr-tsm
xl rename twr-tsm--incoming twr-tsm
sleep 6	# a tick of the daemon
[ "$(count_devs "$tsm")" = 1 ]
check incoming_renamed_kept $? "after xl rename: $(count_devs "$tsm") device (1 expected)"
xl destroy twr-tsm

# A domain that starts before what its entries need (at boot, the bridge not
# up yet): the entry fails, is tried again after 5, 10, 20 ... s, and attaches
# once the thing is there. Here a target created 2 s after the domain.
twr_phase ts_retry
rm -f /run/twr/late.img
ts_paused_cfg twr-tsr "twinring = [ 'blk, target=/run/twr/late.img, vdev=twa' ]" >/run/twr/twr-tsr.cfg
xl create -p /run/twr/twr-tsr.cfg >"$TWR_RESULTS/xl-create-twr-tsr.log" 2>&1
tsr=$(xl domid twr-tsr 2>/dev/null)
wait_for 20 grep -qF "domain twr-tsr ($tsr): 1 entry found no bridge or target: trying again in 5 s (1 of 5)" "$LOG"
check retry_scheduled $? "the first failure logged with its retry"
sleep 2
twr_disk_create /run/twr/late.img 4
wait_for 40 eval '[ "$(count_devs "$tsr")" = 1 ]'
check retry_attached $? "the target created 2 s later: $(count_devs "$tsr") device (1 expected) on a retry"
# SIGTERM ends the daemon at once even in the middle of a teardown that
# waits for a backend to close (none will: no driver here, its state set to
# InitWait by hand; close_timeout is 3 s); the next daemon sweeps the rest.
be=/local/domain/0/backend/twinblk/$tsr/0
xenstore-write "$be/state" 2
xl destroy twr-tsr
wait_for 10 eval '[ "$(xenstore-read "$be/state" 2>/dev/null)" = 5 ]'
t0=$(date +%s%N)
daemon_stop
ms=$((($(date +%s%N) - t0) / 1000000))
wait_for 5 grep -qF "stopping: twinblk device 0 of domain $tsr left closing, for the next twinringd" "$LOG"
check sigterm_mid_teardown $? "SIGTERM while the teardown waited for Closing: the daemon exited in $ms ms, leaving the device"
daemon_start
wait_for 30 eval '[ "$(count_devs "$tsr")" = 0 ] && ! xenstore-exists "/local/domain/0/twinringd/$tsr"'
check sigterm_leftovers_swept $? "the next daemon removed them: $(count_devs "$tsr") devices left"

twr_phase ts_destroy
xl destroy "$DOMU"
gone=1
for i in $(seq 60); do
	if ! xenstore-exists "/local/domain/0/backend/twinnet/$domid" &&
		! xenstore-exists "/local/domain/0/backend/twinblk/$domid" &&
		! xenstore-exists "/local/domain/0/twinringd/$domid"; then
		gone=0
		break
	fi
	sleep 1
done
check destroy_nothing_left $gone "backend directories and daemon records of domain $domid removed"
xenstore-ls -p /local/domain/0 >"$TWR_RESULTS/ts-xenstore-after.txt" 2>&1

daemon_stop

# Part 2 in the same boot, its checks counted as this scenario's.
bash /lab/scenarios/toolstack-io.sh || fail=1
exit $fail
