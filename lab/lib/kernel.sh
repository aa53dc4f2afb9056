# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The guest kernel: Debian's linux-image-$TWR_KVER, unpacked once per version.
#
# $TWR_CACHE/kernel/$TWR_KVER-$TWR_KPKG_VERSION/
#   vmlinux   the bzImage's XZ payload, decompressed once: Xen's PV loader (and
#             libxenguest at `xl create`) would otherwise decompress it under TCG
#             at every boot
#   tree/     the package unpacked (lib/modules/$TWR_KVER, boot/config-...)

# twr_kernel_dir: print the kernel cache directory, building it if needed.
twr_kernel_dir() {
	local dir=$TWR_CACHE/kernel/$TWR_KVER-$TWR_KPKG_VERSION
	if [ -s "$dir/vmlinux" ]; then
		echo "$dir"
		return
	fi
	twr_log "kernel: fetching linux-image-$TWR_KVER $TWR_KPKG_VERSION"
	rm -rf "$dir" && mkdir -p "$dir/deb"
	(cd "$dir/deb" && twr_apt_get -qq download "linux-image-$TWR_KVER=$TWR_KPKG_VERSION" >/dev/null) ||
		twr_die "could not download linux-image-$TWR_KVER"
	dpkg-deb -x "$dir"/deb/*.deb "$dir/tree"
	rm -rf "$dir/deb"
	twr_kernel_extract "$dir/tree/boot/vmlinuz-$TWR_KVER" "$dir/vmlinux.tmp" ||
		twr_die "could not extract an ELF vmlinux from vmlinuz-$TWR_KVER"
	mv "$dir/vmlinux.tmp" "$dir/vmlinux"
	echo "$dir"
}

# twr_kernel_extract BZIMAGE OUT: decompress the bzImage's XZ payload to an ELF
# (what scripts/extract-vmlinux does, for the one compressor Debian uses).
twr_kernel_extract() {
	local off
	for off in $(grep -abo $'\xfd7zXZ\x00' "$1" | cut -d: -f1); do
		# xz complains about the bytes after the payload; the output is whole.
		tail -c +$((off + 1)) "$1" | xz -dc >"$2" 2>/dev/null || true
		if [ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
			return 0
		fi
	done
	return 1
}

# twr_kernel_install_modules KDIR ROOT MODULE...: copy MODULEs and everything
# they depend on from the kernel tree into ROOT, then depmod there. Only what
# the lab loads goes in: the full module tree is ~400 MB, which TCG would have
# to unpack at every boot.
twr_kernel_install_modules() {
	local kdir=$1 root=$2 m f
	shift 2
	local src=$kdir/tree/lib/modules/$TWR_KVER
	# Debian's package leaves modules.dep to its postinst.
	[ -s "$src/modules.dep" ] || depmod -b "$kdir/tree" "$TWR_KVER"
	mkdir -p "$root/lib/modules/$TWR_KVER"
	cp "$src"/modules.order "$src"/modules.builtin* "$root/lib/modules/$TWR_KVER/"
	for m in "$@"; do
		modprobe -d "$kdir/tree" -S "$TWR_KVER" --show-depends "$m" ||
			twr_die "kernel $TWR_KVER has no module $m"
	done | awk '$1 == "insmod" { print $2 }' | sort -u >"$root/.twr-modules"
	# --show-depends prints paths under -d: strip it to get the root's paths.
	while read -r f; do
		f=${f#"$kdir/tree"}
		mkdir -p "$root$(dirname "$f")"
		cp "$kdir/tree$f" "$root$f" || twr_die "could not copy module $f"
	done <"$root/.twr-modules"
	rm -f "$root/.twr-modules"
	depmod -b "$root" "$TWR_KVER"
}
