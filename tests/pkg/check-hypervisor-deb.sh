#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The patched hypervisor's Debian package (hypervisor-patch/build-deb.sh,
# docs/packaging.md) builds and holds what it should: hypervisor-patch/
# build-xen.sh's xen.gz (the lab's own, cached in ~/.cache/twinring: the lab
# boots the same bytes) as /boot/xen-4.17-amd64~twinring.gz with its .config
# and nothing else but its doc files; lintian --pedantic with nothing to say;
# sorted below Debian's xen-4.17-amd64.gz by the rule GRUB's Xen hook picks
# its default with, so Debian's hypervisor stays the default. As root: it
# installs beside xen-hypervisor-common, its files owned by it alone, and a
# purge removes them.
#
#   tests/pkg/check-hypervisor-deb.sh   exit 0 all checked, 1 a check failed,
#                                       77 a prerequisite missing (named)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t0=$(date +%s)
say() { printf 'check-hypervisor-deb [%3ds]: %s\n' $(( $(date +%s) - t0 )) "$*"; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }

root=0
[ "$(id -u)" = 0 ] && root=1
# The Xen build needs the lab's host tools (flex, bison, dpkg-dev ...).
if [ $root = 1 ]; then
	bash lab/lab.sh deps || exit $?
fi
command -v lintian >/dev/null || { echo "SKIP: lintian not installed"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/twr-hvdeb.XXXXXX")
installed=""
cleanup() {
	[ -z "$installed" ] || dpkg --purge xen-hypervisor-4.17-twinring >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

say "building (xen from the lab's cache, or built now: about 80 s)"
rc=0
deb=$(hypervisor-patch/build-deb.sh "$work" 2>"$work/build.log") || rc=$?
[ $rc = 77 ] && { cat "$work/build.log"; exit 77; }
if [ $rc != 0 ] || [ ! -s "$deb" ]; then
	tail -20 "$work/build.log"
	echo "FAIL: hypervisor-patch/build-deb.sh (exit $rc)"
	exit 1
fi
echo "PASS: built $(basename "$deb")"

# --- contents ------------------------------------------------------------------
name=xen-4.17-amd64~twinring
doc=usr/share/doc/xen-hypervisor-4.17-twinring
files=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./||' | grep -v -e '/$' -e '^$' | sort | tr '\n' ' ')
want=$(printf '%s\n' "boot/$name.config" "boot/$name.gz" "$doc/changelog.Debian.gz" "$doc/copyright" | sort | tr '\n' ' ')
if [ "$files" = "$want" ]; then echo "PASS: holds $want"; else bad "holds '$files', not '$want'"; fi

x=$work/x
dpkg-deb -x "$deb" "$x"
xen=$(hypervisor-patch/build-xen.sh 2>/dev/null)
if gzip -dc "$x/boot/$name.gz" | cmp -s - "$xen" && [ "${PIPESTATUS[0]}" = 0 ]; then
	echo "PASS: /boot/$name.gz is build-xen.sh's hypervisor, the one the lab boots ($xen)"
else
	bad "/boot/$name.gz differs from $xen"
fi
# The series is in it: patch 0002's perf counter and denial message.
gzip -dc "$x/boot/$name.gz" >"$work/xen"
if grep -aq 'gnttab: I/O task checks' "$work/xen"; then
	echo "PASS: the hypervisor carries the I/O task table (its 'gnttab: I/O task checks' counter)"
else
	bad "no trace of the I/O task table in /boot/$name.gz"
fi
if grep -qx 'CONFIG_PERF_COUNTERS=y' "$x/boot/$name.config"; then
	echo "PASS: /boot/$name.config is the build's (perf counters on)"
else
	bad "/boot/$name.config lacks CONFIG_PERF_COUNTERS=y"
fi

# --- lintian -------------------------------------------------------------------
if lintian --pedantic --display-info --fail-on error,warning,info "$deb" >"$work/lintian.txt" 2>&1; then
	echo "PASS: lintian --pedantic: nothing to say"
else
	grep -v 'running with root privileges' "$work/lintian.txt" || true
	bad "lintian --pedantic"
fi

# --- GRUB's default stays Debian's ----------------------------------------------
# 20_linux_xen takes the latest of /boot/xen* as its top-level entry, by
# version_test_gt (grub-mkconfig_lib): the name after its first '-', a few
# suffixes made '~', then dpkg --compare-versions.
gver() { echo "$1" | sed -e 's/[^-]*-//;s/[._-]\(pre\|rc\|test\|git\|old\|trunk\)/~\1/g'; }
if dpkg --compare-versions "$(gver "/boot/$name.gz")" lt "$(gver /boot/xen-4.17-amd64.gz)"; then
	echo "PASS: GRUB sorts /boot/$name.gz below Debian's /boot/xen-4.17-amd64.gz: Debian's stays the default"
else
	bad "/boot/$name.gz would become GRUB's default Xen entry"
fi

# --- install and purge -----------------------------------------------------------
if [ $root = 0 ]; then
	echo "SKIP: not root: install and purge not checked"
	[ $fail = 0 ] && exit 77
	exit 1
fi
if ! dpkg-query -W -f='${Status}' xen-hypervisor-common 2>/dev/null | grep -q 'ok installed'; then
	say "apt-get install xen-hypervisor-common (its dependency)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		xen-hypervisor-common >/dev/null || { echo "FAIL: apt-get install xen-hypervisor-common"; exit 1; }
fi
installed=1
if dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
	echo "PASS: dpkg -i"
else
	cat "$work/dpkg.log"
	bad "dpkg -i $(basename "$deb")"
fi
for f in "/boot/$name.gz" "/boot/$name.config"; do
	own=$(dpkg -S "$f" 2>/dev/null | cut -d: -f1)
	if [ -f "$f" ] && [ "$own" = xen-hypervisor-4.17-twinring ]; then
		echo "PASS: $f installed, owned by xen-hypervisor-4.17-twinring alone"
	else
		bad "$f: present $([ -f "$f" ] && echo yes || echo no), owner '$own'"
	fi
done
dpkg --purge xen-hypervisor-4.17-twinring >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; bad "dpkg --purge"; }
installed=""
left=$(ls -d "/boot/$name".* "/$doc" 2>/dev/null || true)
if [ -z "$left" ]; then echo "PASS: purged: nothing of it left"; else bad "left after the purge: $left"; fi
say "done"
exit $fail
