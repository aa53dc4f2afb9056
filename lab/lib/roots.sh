# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The cached Debian roots: one initramfs (lz4 legacy cpio) for dom0, one for the
# domU, built with mmdebstrap from bookworm + bookworm-updates + bookworm-security
# (main, non-free for netperf). Nothing of ours is in them: our code comes in
# through the overlay (lib/overlay.sh), so they are rebuilt only when a package
# version, the package lists or this file change.
#
# $TWR_CACHE/roots/<role>-<key>.cpio.lz4, key = hash of TWR_ROOT_RECIPE, the
# role's package and module lists with apt's candidate versions, and the kernel.

# Bump when twr_root_build changes what goes into a root (the key covers the
# package and module lists and versions, not this file's text).
TWR_ROOT_RECIPE=3

# Packages per role. dom0: the toolstack and the backends' helpers (xl runs the
# hotplug scripts itself: they need ip/brctl, losetup, flock, logger) and
# dmsetup for the blk scenario's dm-delay disks, e2fsprogs for its disk image on
# ext4 (direct I/O through a filesystem), openvswitch-switch for the
# toolstack-io scenario's script= phase (an OVS bridge through xl's
# vif-openvswitch); domU: the benchmark clients and a tiny agent (socat)
# through which dom0 drives them.
TWR_ROOT_PKGS_COMMON="bash coreutils util-linux mount procps iproute2 iputils-ping ethtool kmod socat fio netperf"
TWR_ROOT_PKGS_DOM0="xen-utils-4.17 xen-utils-common xenstore-utils bridge-utils dmsetup e2fsprogs
	openvswitch-switch"
TWR_ROOT_PKGS_DOMU=""

# Modules each role loads (their dependencies come along). The domU's
# xen-evtchn and xen-gntalloc are the lab kernel's own, for the exitcost
# ping-pong and the iotask grant shares: they belong to the root, so nothing
# the stage holds depends on what an earlier run left in the cache. dom0's
# dm-delay gives the blk scenario disks with a real latency (docs/blk.md), ext4
# a filesystem with O_DIRECT for its file target, openvswitch the datapath of
# ovs-vswitchd (script= phase of toolstack-io); the domU's ext4 the disk
# toolstack-io mounts to detach it while in use.
TWR_ROOT_MODS_DOM0="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback xen-blkback
	bridge loop virtio_pci virtio_blk dm-delay ext4 openvswitch"
TWR_ROOT_MODS_DOMU="xen-netfront xen-blkfront xen-evtchn xen-gntalloc ext4"

# twr_root_pkgs ROLE: the package list, with the Xen tools pinned.
twr_root_pkgs() {
	local p list=$TWR_ROOT_PKGS_COMMON
	case $1 in
	dom0) list="$list $TWR_ROOT_PKGS_DOM0" ;;
	domU) list="$list $TWR_ROOT_PKGS_DOMU" ;;
	esac
	for p in $list; do
		case $p in
		xen-utils-4.17 | xen-utils-common) echo "$p=$TWR_XEN_VERSION" ;;
		*) echo "$p" ;;
		esac
	done
}

# twr_root_key ROLE: cache key from the versions apt would install now.
twr_root_key() {
	local pkgs
	pkgs=$(twr_root_pkgs "$1")
	{
		echo "recipe $TWR_ROOT_RECIPE"
		echo "$TWR_ROOT_MODS_DOM0 / $TWR_ROOT_MODS_DOMU"
		echo "$TWR_KVER $TWR_KPKG_VERSION"
		echo "$pkgs"
		# shellcheck disable=SC2046 # one apt-cache call for all packages
		twr_apt_cache policy $(echo "$pkgs" | sed 's/=.*//') | grep -E '^[^ ]|Candidate:'
	} | sha256sum | cut -c1-16
}

# twr_root_build ROLE KDIR: print the root cpio path, building it if needed.
twr_root_build() {
	local role=$1 kdir=$2 key out tree mods
	key=$(twr_root_key "$role")
	out=$TWR_CACHE/roots/$role-$key.cpio.lz4
	mkdir -p "$TWR_CACHE/roots" "$TWR_CACHE/debs"
	# One build at a time (they share the .deb cache); others wait and reuse.
	exec 8>"$TWR_CACHE/roots/.lock"
	if ! flock -n 8; then
		twr_log "root $role: waiting for another root build"
		flock 8
	fi
	if [ -s "$out" ]; then
		exec 8>&-
		echo "$out"
		return
	fi
	tree=$(mktemp -d "$TWR_CACHE/roots/tree-$role.XXXXXX")
	twr_log "root $role: mmdebstrap (cold cache: a few minutes)"
	# The .deb cache is shared by both roles and kept across builds.
	if ! mmdebstrap --variant=essential --mode=root --quiet \
		--aptopt='APT::Install-Recommends "false"' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--include="$(twr_root_pkgs "$role" | paste -sd,)" \
		--skip=download/empty --skip=essential/unlink \
		--setup-hook="mkdir -p \"\$1\"/var/cache/apt/archives/" \
		--setup-hook="sync-in $TWR_CACHE/debs /var/cache/apt/archives/" \
		--customize-hook="sync-out /var/cache/apt/archives $TWR_CACHE/debs" \
		bookworm "$tree" \
		"deb $TWR_MIRROR bookworm main non-free" \
		"deb $TWR_MIRROR bookworm-updates main non-free" \
		"deb $TWR_SECURITY_MIRROR bookworm-security main non-free" \
		>"$TWR_CACHE/roots/mmdebstrap-$role.log" 2>&1; then
		tail -n 30 "$TWR_CACHE/roots/mmdebstrap-$role.log" >&2
		rm -rf "$tree"
		twr_die "mmdebstrap for the $role root failed"
	fi
	# What an initramfs never needs, and TCG would unpack at every boot.
	rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* \
		"$tree"/usr/lib/python3* "$tree"/usr/lib/python3.* "$tree"/usr/share/python3 \
		"$tree"/usr/lib/x86_64-linux-gnu/perl* "$tree"/usr/share/perl* \
		"$tree"/usr/lib/x86_64-linux-gnu/gconv "$tree"/usr/share/i18n \
		"$tree"/usr/share/zoneinfo "$tree"/usr/share/common-licenses
	case $role in
	dom0) mods=$TWR_ROOT_MODS_DOM0 ;;
	domU) mods=$TWR_ROOT_MODS_DOMU ;;
	esac
	# shellcheck disable=SC2086 # word splitting intended
	twr_kernel_install_modules "$kdir" "$tree" $mods
	twr_cpio_lz4 "$tree" "$out.tmp"
	rm -rf "$tree"
	mv "$out.tmp" "$out"
	exec 8>&-
	twr_log "root $role: $(du -h "$out" | cut -f1) $out"
	echo "$out"
}

# twr_cpio_lz4 DIR OUT: newc cpio of DIR, lz4 legacy format (the kernel's
# initramfs unpacker handles it and it unpacks fastest under TCG).
twr_cpio_lz4() {
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) | lz4 -l -q -9 - "$2" ||
		twr_die "could not pack $1"
}
