#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Scenario selfcheck: the lab's own plumbing, in dom0 only (no domU, ~seconds).
# - the Xen devices the toolstack and backends need exist
# - xenperf resets and reads the hypercall counters (perf counters built in)
# - a module staged at lib/modules/$(uname -r)/extra (lab.sh test builds
#   lab/selfcheck/hello against linux-headers-$TWR_KVER) loads and unloads
. /lab/scenarios/lib.sh

fail=0
twr_phase selfcheck
for d in /dev/xen/privcmd /dev/xen/evtchn /dev/xen/gntdev /dev/xen/gntalloc /dev/xen/xenbus; do
	if [ -c "$d" ]; then
		twr_check "dev_${d##*/}" true "$d present"
	else
		twr_check "dev_${d##*/}" false "$d missing"
		fail=1
	fi
done

counters_begin
xl list >/dev/null
counters_end "$TWR_RESULTS/perf/selfcheck.txt"
if grep -q '^hypercalls ' "$TWR_RESULTS/perf/selfcheck.txt" &&
	grep -Eq '^(sysctl|domctl|\[3[56]\]) +[1-9]' "$TWR_RESULTS/perf/selfcheck.txt"; then
	twr_check xenperf_hypercalls true "hypercall counters reset and count (xl list)"
else
	twr_check xenperf_hypercalls false "no per-hypercall counts: hypervisor without CONFIG_PERF_ARRAYS?"
	fail=1
fi

if [ -e "/lib/modules/$(uname -r)/extra/twr_hello.ko" ]; then
	if modprobe twr_hello && grep -q '^twr_hello ' /proc/modules && rmmod twr_hello; then
		twr_check module_load true "staged twr_hello.ko loaded and unloaded on $(uname -r)"
	else
		twr_check module_load false "staged twr_hello.ko did not load on $(uname -r)"
		fail=1
	fi
fi
exit $fail
