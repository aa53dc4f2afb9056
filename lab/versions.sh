#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The one place that pins what the lab boots.
#
#   lab/versions.sh            print KEY=VALUE lines (eval-able, Makefile-includable)
#   lab/versions.sh kver       print only TWR_KVER (likewise kpkg, xen)
#   . lab/versions.sh          export the same variables into the caller
#
# TWR_KVER          newest linux-image-6.1.0-*-amd64 in bookworm(-security), e.g.
#                   6.1.0-56-amd64: build modules against linux-headers-$TWR_KVER
# TWR_KPKG_VERSION  its Debian package version
# TWR_XEN_VERSION   Xen version of both the hypervisor the lab builds (Debian's xen
#                   source package) and the xen-utils-4.17 it installs in dom0: the
#                   newest version whose source package can be fetched and whose
#                   xen-utils-4.17 is in the archive (bookworm-security's sources are
#                   not on every mirror; then bookworm's point release is used)
#
# Any variable already set in the environment wins (to pin an older kernel, say).

# _twr_xen_pick: fetch (once) and print the newest usable xen source version.
# The fetched source stays in $TWR_CACHE/xen/src-<version> for build-xen.sh.
_twr_xen_pick() {
	local v src bins
	bins=$(twr_apt_cache madison xen-utils-4.17 | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
	for v in $(twr_apt_cache showsrc xen | awk '/^Version:/ { print $2 }' | sort -Vru); do
		echo "$bins" | grep -qxF "$v" || continue
		src=$TWR_CACHE/xen/src-$v
		[ -e "$src/.complete" ] && { echo "$v"; return; }
		[ -e "$TWR_APT_DIR/state/nosrc-$v" ] && continue
		rm -rf "$src" && mkdir -p "$src"
		if (cd "$src" && twr_apt_get -qq --download-only source "xen=$v" &&
			twr_apt_get -qq download "xen-hypervisor-4.17-amd64=$v") >/dev/null 2>&1; then
			touch "$src/.complete"
			echo "$v"
			return
		fi
		twr_log "xen $v: source not fetchable from this mirror, trying an older one"
		rm -rf "$src"
		touch "$TWR_APT_DIR/state/nosrc-$v"
	done
}

_twr_versions_main() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	# shellcheck source=lib/common.sh
	. "$here/lib/common.sh"
	twr_apt_setup
	if [ -z "${TWR_KVER:-}" ]; then
		TWR_KVER=$(twr_apt_cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' |
			awk '{ sub(/^linux-image-/, "", $1); print $1 }' | sort -V | tail -n1)
	fi
	[ -n "$TWR_KVER" ] || twr_die "no linux-image-6.1.0-*-amd64 found in the private apt"
	: "${TWR_KPKG_VERSION:=$(twr_candidate "linux-image-$TWR_KVER")}"
	: "${TWR_XEN_VERSION:=$(_twr_xen_pick)}"
	[ -n "$TWR_XEN_VERSION" ] || twr_die "no xen version with both source and xen-utils-4.17 found"
	export TWR_KVER TWR_KPKG_VERSION TWR_XEN_VERSION
}

_twr_versions_main
unset -f _twr_versions_main

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	kver) echo "$TWR_KVER" ;;
	kpkg) echo "$TWR_KPKG_VERSION" ;;
	xen) echo "$TWR_XEN_VERSION" ;;
	*) printf 'TWR_KVER=%s\nTWR_KPKG_VERSION=%s\nTWR_XEN_VERSION=%s\n' \
		"$TWR_KVER" "$TWR_KPKG_VERSION" "$TWR_XEN_VERSION" ;;
	esac
fi
