#!/bin/sh
# SPDX-License-Identifier: MIT
# twinctl check on a config file whose name and entries carry escape
# sequences: they come out as \xNN, never raw (they would reach a terminal),
# and a disk's I/O limits are shown.
ctl=./toolstack/twinctl
[ -x "$ctl" ] || { echo "SKIP: $ctl not built"; exit 77; }
cfg=$(mktemp)
out=$(mktemp)
trap 'rm -f "$cfg" "$out"' EXIT
esc=$(printf '\033')
printf 'name = "vm%s]0;owned"\ntwinring = [ "net, bridge=%s[31mred",\n  "blk, target=/a, vdev=twa, iops=50, bw=1M" ]\n' \
	"$esc" "$esc" >"$cfg"
"$ctl" check "$cfg" >"$out" 2>&1
rc=$?
[ $rc = 1 ] || { echo "FAIL: exit $rc, 1 expected (one bad entry)"; cat "$out"; exit 1; }
if grep -q "$esc" "$out"; then
	echo "FAIL: a raw escape byte reached the output"
	exit 1
fi
grep -qF 'domain vm\x1b]0;owned' "$out" || { echo "FAIL: the name is not shown as \\x1b"; cat "$out"; exit 1; }
grep -qF "entry 1 'net, bridge=\\x1b[31mred': error: control or non-ASCII character" "$out" ||
	{ echo "FAIL: the bad entry is not shown escaped"; cat "$out"; exit 1; }
grep -qF "entry 2: twinblk twa on /a, read-write, 4 queues, at most 50 requests/s, at most 1048576 bytes/s" "$out" ||
	{ echo "FAIL: the disk's limits are not shown"; cat "$out"; exit 1; }
# script=: where a name resolves, and a warning (not an error: host facts are
# the attach's) when it is not there.
printf 'name = "vm1"\ntwinring = [ "net, bridge=ovsbr0, script=/bin/sh",\n  "net, bridge=xenbr0, script=vif-twr-test-none" ]\n' >"$cfg"
"$ctl" check "$cfg" >"$out" 2>&1
rc=$?
[ $rc = 0 ] || { echo "FAIL: exit $rc, 0 expected (scripts are checked at attach)"; cat "$out"; exit 1; }
grep -qF "entry 1: hotplug script /bin/sh instead of the built-in bridging" "$out" ||
	{ echo "FAIL: the resolved script is not shown"; cat "$out"; exit 1; }
grep -qF "entry 2: warning: script=vif-twr-test-none: " "$out" && grep -qF "vif-twr-test-none: No such file or directory" "$out" ||
	{ echo "FAIL: a missing script is not named"; cat "$out"; exit 1; }
echo "PASS: escapes shown as \\xNN, limits shown, scripts resolved"
