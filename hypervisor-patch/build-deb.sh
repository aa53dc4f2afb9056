#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The patched hypervisor as a Debian package that installs beside Debian's own:
#
#   xen-hypervisor-4.17-twinring_<xen version>+twr<release>_amd64.deb
#     /boot/xen-4.17-amd64~twinring.gz       build-xen.sh's xen.gz (Debian's Xen
#                                            source and config, this series applied)
#     /boot/xen-4.17-amd64~twinring.config   its .config (GRUB's hook skips *.config)
#
# Debian's GRUB hook for Xen (/etc/grub.d/20_linux_xen) lists every /boot/xen*
# with its own menu entries. The "~" sorts this one below Debian's
# xen-4.17-amd64.gz (dpkg's version order, which the hook uses to pick the
# top-level entry), so Debian's hypervisor stays the default and this one is
# an entry of the "Xen hypervisor, version 4.17-amd64~twinring" submenu
# (docs/packaging.md says how to make it the default). Debian's
# xen-hypervisor-4.17-amd64 is neither replaced nor touched; installing and
# removing this package runs update-grub where there is one.
#
#   hypervisor-patch/build-deb.sh [OUTDIR]   build xen (cached: build-xen.sh) and
#                                            the package into OUTDIR (default
#                                            build/hypervisor-deb); print its path
set -euo pipefail

main() {
	here=$(cd "$(dirname "$0")" && pwd)
	top=$(cd "$here/.." && pwd)
	out=${1:-$top/build/hypervisor-deb}
	# shellcheck source=../lab/versions.sh
	. "$here/../lab/versions.sh" >/dev/null

	command -v dpkg-deb >/dev/null || twr_skip "dpkg-deb missing (apt-get install dpkg-dev)"
	xen=$("$here/build-xen.sh")
	xdir=$(dirname "$xen")
	[ -s "$xdir/xen.gz" ] && [ -s "$xdir/.config" ] ||
		twr_die "$xdir has no xen.gz or .config: rebuild with build-xen.sh --force"

	release=$(sed -n 's/^AC_INIT(\[twinring\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
	[ -n "$release" ] || twr_die "no release in configure.ac's AC_INIT"
	maint=$(sed -n 's/^Maintainer: //p' "$top/debian/control")
	pkg=xen-hypervisor-4.17-twinring
	# Debian's Xen version, then ours: the package follows both.
	ver=$TWR_XEN_VERSION+twr$release
	name=xen-4.17-amd64~twinring

	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	chmod 755 "$root"
	install -D -m 644 "$xdir/xen.gz" "$root/boot/$name.gz"
	install -D -m 644 "$xdir/.config" "$root/boot/$name.config"

	doc=$root/usr/share/doc/$pkg
	install -d "$doc"
	cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: xen
Source: Debian's xen source package $TWR_XEN_VERSION (apt-get source xen=$TWR_XEN_VERSION),
 with the patch series of twinring's hypervisor-patch/ applied

Files: *
Copyright: 2002-2025 Xen Project contributors
 2026 twinring developers (the I/O task table patches)
License: GPL-2
 The Xen hypervisor and the patches applied to it are licensed under the GNU
 General Public License, version 2.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in "/usr/share/common-licenses/GPL-2".
EOF
	{
		printf '%s (%s) bookworm; urgency=medium\n\n' "$pkg" "$ver"
		printf '  * Xen %s\n' "$TWR_XEN_VERSION"
		printf '    (Debian'"'"'s source and hypervisor config) with the I/O task\n'
		printf '    table patch series of twinring %s, perf counters on.\n\n' "$release"
		printf ' -- %s  %s\n' "$maint" "$(date -R -d "@$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)")"
	} | gzip -9n >"$doc/changelog.Debian.gz"
	chmod 644 "$doc/copyright" "$doc/changelog.Debian.gz"

	install -d "$root/DEBIAN"
	cat >"$root/DEBIAN/control" <<EOF
Package: $pkg
Source: twinring
Version: $ver
Architecture: amd64
Maintainer: $maint
Installed-Size: $(du -k -s --exclude=DEBIAN "$root" | cut -f1)
Depends: xen-hypervisor-common
Recommends: xen-utils-4.17 (= $TWR_XEN_VERSION), twinring-utils
Section: kernel
Priority: optional
Homepage: https://xenproject.org/
Description: Xen 4.17 hypervisor with twinring's I/O task table
 Debian's Xen $TWR_XEN_VERSION hypervisor, built from Debian's
 source with Debian's configuration, with twinring's patch series
 applied: a table of I/O tasks per domain against which Xen checks every
 grant map and copy of a driver domain, managed by twinringd and
 twr-iotask (XEN_DOMCTL_iotask_op).
 .
 It installs as /boot/xen-4.17-amd64~twinring.gz beside Debian's hypervisor,
 which stays GRUB's default: pick the twinring entry in GRUB's Xen submenu.
EOF
	for s in postinst postrm; do
		cat >"$root/DEBIAN/$s" <<'EOF'
#!/bin/sh
set -e
# GRUB's Xen hook lists /boot/xen*: refresh the menu (as Debian's hypervisor
# packages do), where GRUB is the boot loader.
if [ -e /boot/grub/grub.cfg ] && command -v update-grub >/dev/null 2>&1; then
	update-grub || echo "update-grub failed: run it by hand to refresh GRUB's menu" >&2
fi
exit 0
EOF
		chmod 755 "$root/DEBIAN/$s"
	done

	(cd "$root" && find boot usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	chmod 644 "$root/DEBIAN/md5sums"
	mkdir -p "$out"
	deb=$out/${pkg}_${ver}_amd64.deb
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	echo "$deb"
}

main "$@"
