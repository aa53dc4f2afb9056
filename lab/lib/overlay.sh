# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The overlay: our code, packed per run into small cpio archives that go after
# the cached roots (the kernel unpacks concatenated initramfs archives in order,
# later files win), so a code change never rebuilds a Debian root.
#
# Staging convention (docs/lab.md): the build fills STAGE (default
# build/lab-stage, or lab.sh --stage DIR) with one tree per domain, copied as is
# over that domain's root:
#   STAGE/dom0/lib/modules/$TWR_KVER/extra/*.ko   backends, modules (depmod runs at boot)
#   STAGE/dom0/usr/local/bin/...                  twinringd, twinctl, helpers
#   STAGE/domU/lib/modules/$TWR_KVER/extra/*.ko   frontends
#   STAGE/domU/usr/local/bin/...
# A missing or empty STAGE is fine. The lab's own files ride along: /init of
# each domain (lab/guest/) and lab/scenarios/ at /lab/scenarios in dom0.

# twr_overlay_tree ROLE STAGE DIR: lay out ROLE's overlay in DIR.
twr_overlay_tree() {
	local role=$1 stage=$2 dir=$3 labdir
	labdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	mkdir -p "$dir/lab"
	if [ -d "$stage/$role" ]; then
		cp -a "$stage/$role/." "$dir/"
	fi
	# The roots are merged-/usr: /lib, /bin, ... are symlinks into /usr. A real
	# lib/ directory in the overlay would replace the /lib symlink when the
	# kernel unpacks it (and take every library with it), so move such trees
	# to where the symlinks point.
	local d
	for d in bin sbin lib lib32 lib64 libx32; do
		if [ -d "$dir/$d" ] && [ ! -L "$dir/$d" ]; then
			mkdir -p "$dir/usr/$d"
			cp -a "$dir/$d/." "$dir/usr/$d/"
			rm -rf "${dir:?}/$d"
		fi
	done
	install -m 755 "$labdir/guest/$role-init" "$dir/init"
	cp -a "$labdir/guest" "$dir/lab/guest"
	if [ "$role" = dom0 ]; then
		cp -a "$labdir/scenarios" "$dir/lab/scenarios"
	fi
}

# twr_overlay_build STAGE RUNDIR: build RUNDIR/overlay-{domU,dom0}.cpio.lz4;
# the domU's overlay travels inside dom0's at /lab/boot/domU-overlay.cpio.lz4.
twr_overlay_build() {
	local stage=$1 run=$2
	rm -rf "$run/overlay-domU" "$run/overlay-dom0"
	twr_overlay_tree domU "$stage" "$run/overlay-domU"
	twr_cpio_lz4 "$run/overlay-domU" "$run/overlay-domU.cpio.lz4"
	twr_overlay_tree dom0 "$stage" "$run/overlay-dom0"
	mkdir -p "$run/overlay-dom0/lab/boot"
	cp "$run/overlay-domU.cpio.lz4" "$run/overlay-dom0/lab/boot/domU-overlay.cpio.lz4"
	twr_cpio_lz4 "$run/overlay-dom0" "$run/overlay-dom0.cpio.lz4"
}

# twr_payload_build KDIR DOMU-ROOT: print the path of the cached cpio that puts
# the domU's kernel and root at /lab/boot in dom0.
twr_payload_build() {
	local kdir=$1 root=$2 out tree
	out=$TWR_CACHE/roots/payload-$(basename "$root" .cpio.lz4).cpio.lz4
	if [ ! -s "$out" ]; then
		tree=$(mktemp -d "$TWR_CACHE/roots/payload.XXXXXX")
		mkdir -p "$tree/lab/boot"
		cp "$kdir/vmlinux" "$tree/lab/boot/domU-vmlinux"
		cp "$root" "$tree/lab/boot/domU-root.cpio.lz4"
		twr_cpio_lz4 "$tree" "$out.tmp"
		rm -rf "$tree"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}
