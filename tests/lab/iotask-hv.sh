#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab scenario (draft for lab/scenarios/): the hypervisor half of the I/O task
# table, before the twinring drivers exist. Runs in dom0; needs twr-iotask in
# both domains' PATH (stage it at {dom0,domU}/usr/local/bin, linked statically:
# the domU root has no libxen*) and xen-gntalloc in the domU (add it to
# TWR_ROOT_MODS_DOMU, or stage the .ko at domU/usr/lib/modules/$KVER/extra).
#
#   domU (gntalloc)                          dom0 (twr-iotask)
#   ref OUT: granted rw, in no task    <──   map / copy: refused once enforced
#   ref RO:  granted rw, task says ro  <──   rw map, copy to it: refused; ro: allowed
#   ref GONE: granted rw, task removed <──   map refused after remove
#   ref HELD: in a task, held mapped   <──   remove: -EBUSY with the count, then
#                                            refused; removed after the unmap
# Every refusal is then repeated with enforcement off and must succeed.
# Status (01:00-02:15 UTC runs on the patched Xen): the hypervisor boots, xl
# list/create work, the probe passes; the run then stalls after the domU's
# agent answers (gntalloc load or the first background `share` through the
# agent), not yet diagnosed.
# While enforcing, dom0's vif for the domU is down: netback's own grant copies
# for that domU would be refused too (docs/iotask.md, "Scope").
. /lab/scenarios/lib.sh

fail=0
# expect NAME WANT-EXIT CMD...: run a probe, check its exit status.
expect() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		twr_check "$name" true "$out"
	else
		twr_check "$name" false "exit $rc, wanted $want: $out"
		fail=1
	fi
}

counter() {	# counter NAME: the summed value of a Xen perf counter
	xenperf -f 2>/dev/null | awk -v n="$1" 'index($0, n) == 1 { sub(/.*T=/, ""); print $1; exit }'
}

twr_phase iotask_probe
if ! twr-iotask probe; then
	twr_check iotask_patched false "the hypervisor has no I/O task table (hypervisor-patch/series not applied?)"
	exit 1
fi
twr_check iotask_patched true "XEN_DOMCTL_iotask_op answers"

twr_phase iotask_domu
twr_disk_create /run/twr/iotask.img 16
twr_domu_create iot 10.99.0.2/24 /run/twr/iotask.img || exit 1
A=10.99.0.2
U=$(xl domid iot)
twr_domu_run $A "modprobe xen-gntalloc 2>/dev/null; ls /dev/xen/gntalloc" >/dev/null ||
	{ twr_check gntalloc false "no /dev/xen/gntalloc in the domU"; exit 1; }
for r in out ro gone held; do
	twr_domu_run $A "setsid twr-iotask share 0 rw >/run/ref-$r 2>&1 </dev/null &" >/dev/null
done
declare -A REF
for r in out ro gone held; do
	# share prints its ref once the grant exists
	for _ in $(seq 50); do
		REF[$r]=$(twr_domu_run $A cat /run/ref-$r)
		[ -n "${REF[$r]}" ] && break
		sleep 0.2
	done
	case ${REF[$r]} in
	'' | *[!0-9]*) twr_check "share_$r" false "domU share failed: ${REF[$r]}"; exit 1 ;;
	esac
done
twr_check iotask_shares true "d$U granted refs out=${REF[out]} ro=${REF[ro]} gone=${REF[gone]} held=${REF[held]}"

twr_phase iotask_enforced
ip link set "vif$U.0" down
expect task_add_ro 0 twr-iotask add "$U" 101 0 "${REF[ro]}"
expect task_add_gone 0 twr-iotask add "$U" 102 0 "${REF[gone]}:rw"
expect task_add_held 0 twr-iotask add "$U" 103 0 "${REF[held]}:rw"
expect task_add_overlap_refused 1 twr-iotask add "$U" 104 0 "${REF[ro]}"
expect task_add_exempt_refused 1 twr-iotask add "$U" 105 0 1
expect enforce_on 0 twr-iotask enforce "$U" 0 on
checks0=$(counter "gnttab: I/O task checks")
denials0=$(counter "gnttab: I/O task denials")

expect map_outside_task_denied 1 twr-iotask map "$U" "${REF[out]}" ro
expect copy_outside_task_denied 1 twr-iotask copy "$U" "${REF[out]}" from
expect map_rw_of_ro_ref_denied 1 twr-iotask map "$U" "${REF[ro]}" rw
expect copy_to_ro_ref_denied 1 twr-iotask copy "$U" "${REF[ro]}" to
expect map_ro_of_ro_ref_allowed 0 twr-iotask map "$U" "${REF[ro]}" ro
expect copy_from_ro_ref_allowed 0 twr-iotask copy "$U" "${REF[ro]}" from
expect map_rw_in_task_allowed 0 twr-iotask map "$U" "${REF[gone]}" rw
expect gntdev_map_outside_task_refused 1 twr-iotask gntdev-map "$U" "${REF[out]}" ro

# Removal: a task whose page is still mapped is only revoked.
expect remove_unmapped 0 twr-iotask remove "$U" 102
expect map_after_remove_denied 1 twr-iotask map "$U" "${REF[gone]}" ro
twr-iotask gntdev-map "$U" "${REF[held]}" rw hold >/run/twr/held.out 2>&1 &
holder=$!
for _ in $(seq 50); do
	grep -q mapped /run/twr/held.out && break
	sleep 0.2
done
expect remove_live_is_busy 1 twr-iotask remove "$U" 103
grep -q "1 refs still mapped" <<<"$(twr-iotask remove "$U" 103)" &&
	twr_check remove_reports_live_count true "-EBUSY with 1 ref mapped" ||
	{ twr_check remove_reports_live_count false "no live count"; fail=1; }
expect map_of_revoked_task_denied 1 twr-iotask map "$U" "${REF[held]}" ro
kill "$holder"
wait "$holder"
expect remove_after_unmap 0 twr-iotask remove "$U" 103

checks1=$(counter "gnttab: I/O task checks")
denials1=$(counter "gnttab: I/O task denials")
twr-iotask list "$U" >"$TWR_RESULTS/iotask-list.txt" 2>&1
# At least 7 denials above and 4 allowed accesses (gntdev may map twice).
if [ $((denials1 - denials0)) -ge 7 ] && [ $((checks1 - checks0)) -ge 11 ]; then
	twr_check iotask_perf_counters true "checks +$((checks1 - checks0)), denials +$((denials1 - denials0))"
else
	twr_check iotask_perf_counters false "checks $checks0 -> $checks1, denials $denials0 -> $denials1"
	fail=1
fi
if xl dmesg | grep -q "gnttab: d0 ro map of d$U ref $(printf '%#x' "${REF[out]}") denied: in no I/O task"; then
	twr_check iotask_log_line true "xl dmesg names both domains and the ref"
else
	twr_check iotask_log_line false "no denial line in xl dmesg"
	fail=1
fi

twr_phase iotask_unenforced
expect enforce_off 0 twr-iotask enforce "$U" 0 off
expect map_outside_task_unenforced 0 twr-iotask map "$U" "${REF[out]}" ro
expect copy_outside_task_unenforced 0 twr-iotask copy "$U" "${REF[out]}" from
expect map_rw_of_ro_ref_unenforced 0 twr-iotask map "$U" "${REF[ro]}" rw
expect copy_to_ro_ref_unenforced 0 twr-iotask copy "$U" "${REF[ro]}" to
expect map_after_remove_unenforced 0 twr-iotask map "$U" "${REF[gone]}" ro
expect gntdev_map_unenforced 0 twr-iotask gntdev-map "$U" "${REF[out]}" rw
expect remove_last 0 twr-iotask remove "$U" 101
ip link set "vif$U.0" up
sleep 2
if [ "$(twr_domu_run $A echo up)" = up ]; then
	twr_check netfront_after_iotask true "the standard vif works again"
else
	twr_check netfront_after_iotask false "the domU's agent no longer answers"
	fail=1
fi
twr_domu_run $A "pkill -f 'twr-iotask share'" >/dev/null
exit $fail
