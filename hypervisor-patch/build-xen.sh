#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the lab's hypervisor: Debian's Xen 4.17 source (the exact version of the
# xen-utils-4.17 the lab installs in dom0), Debian's hypervisor config, perf
# counters on, and this directory's patch series applied in order.
#
#   hypervisor-patch/build-xen.sh          build if not cached; print the xen ELF path
#                                          (xen.gz, what a Xen host boots, lies beside it)
#   hypervisor-patch/build-xen.sh --force  rebuild even if cached
#   hypervisor-patch/build-xen.sh --dir    print the cache directory only
#
# Cache: $TWR_CACHE/xen/<version>-<hash of series, patches, config, recipe>/
#   xen        the multiboot ELF QEMU boots (-kernel)
#   xen.gz     the same, gzipped: install it as /boot/xen-4.17-amd64.gz on a host
#   xen-syms   symbols, .config, build.log
# The series file lists patch files (git format-patch style, applied with
# `patch -p1`), one per line; '#' starts a comment. A missing or empty series
# builds Debian's hypervisor with perf counters only.
set -euo pipefail

# All in one function, parsed whole before it runs: editing this file during a
# build cannot derail that build.
main() {
	here=$(cd "$(dirname "$0")" && pwd)
	# shellcheck source=../lab/versions.sh
	. "$here/../lab/versions.sh" >/dev/null

	force=0 print_dir=0
	case ${1:-} in
	--force) force=1 ;;
	--dir) print_dir=1 ;;
	esac

	series=$here/series
	patches=()
	if [ -f "$series" ]; then
		while read -r line; do
			line=${line%%#*}
			line=$(echo "$line" | tr -d '[:space:]')
			[ -n "$line" ] || continue
			[ -f "$here/$line" ] || twr_die "series names $line, which is not in $here"
			patches+=("$here/$line")
		done <"$series"
	fi

	# Perf counters: xenperf reads hypercalls by number (PERF_ARRAYS) around each
	# benchmark. EXPERT is what makes PERF_COUNTERS selectable.
	config_extra="CONFIG_EXPERT=y CONFIG_PERF_COUNTERS=y CONFIG_PERF_ARRAYS=y"

	# Bump when the build recipe below changes in a way that changes the binary.
	recipe=1
	key_files=()
	[ -f "$series" ] && key_files+=("$series")
	key_files+=("${patches[@]}")
	key=$TWR_XEN_VERSION-$( { printf '%s\n' "recipe $recipe" $config_extra; cat "${key_files[@]}" /dev/null; } |
		sha256sum | cut -c1-12)
	out=$TWR_CACHE/xen/$key
	if [ $print_dir = 1 ]; then
		echo "$out"
		exit 0
	fi
	# One build per key at a time: concurrent lab runs wait for it and reuse it.
	mkdir -p "$TWR_CACHE/xen"
	exec 9>"$TWR_CACHE/xen/.lock-$key"
	if ! flock -n 9; then
		twr_log "xen: waiting for another build of $key"
		flock 9
	fi
	if [ $force = 0 ] && [ -s "$out/xen" ]; then
		# (Caches from before xen.gz was kept get it now.)
		if [ ! -s "$out/xen.gz" ]; then
			gzip -9nc "$out/xen" >"$out/xen.gz.tmp" && mv "$out/xen.gz.tmp" "$out/xen.gz"
		fi
		echo "$out/xen"
		exit 0
	fi

	command -v dpkg-source >/dev/null || twr_skip "dpkg-source missing (apt-get install dpkg-dev)"
	for tool in flex bison make gcc python3; do
		command -v $tool >/dev/null || twr_skip "$tool missing (lab/lab.sh deps installs it)"
	done

	# lab/versions.sh fetched the source and Debian's binary package (for its
	# config) when it picked the version.
	src=$TWR_CACHE/xen/src-$TWR_XEN_VERSION
	[ -e "$src/.complete" ] || twr_die "xen source $TWR_XEN_VERSION missing from $src (set TWR_XEN_VERSION to a fetchable version)"

	work=$(mktemp -d "$TWR_CACHE/xen/build.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	twr_log "xen: unpacking source (with Debian's patches)"
	dpkg-source --no-check -x "$src"/xen_*.dsc "$work/src" >/dev/null
	dpkg-deb -x "$src"/xen-hypervisor-4.17-amd64_*.deb "$work/bin"

	cd "$work/src"
	for p in "${patches[@]}"; do
		twr_log "xen: applying $(basename "$p")"
		patch -p1 --batch --quiet <"$p" || twr_die "patch $(basename "$p") does not apply to xen $TWR_XEN_VERSION"
	done

	cp "$work"/bin/boot/xen-4.17-amd64.config xen/.config
	printf '%s\n' $config_extra >>xen/.config
	twr_log "xen: building (make -C xen -j$(nproc))"
	{
		make -C xen olddefconfig
		make -C xen -j"$(nproc)" XEN_VENDORVERSION=-twr
	} >"$work/build.log" 2>&1 || {
		tail -n 40 "$work/build.log" >&2
		twr_die "xen build failed"
	}
	for opt in $config_extra; do
		grep -qx "$opt" xen/.config || twr_die "xen/.config lost $opt after olddefconfig"
	done

	# Concurrent builds of one key (two engineers' lab runs) each finish in their
	# own directory; the last rename wins, every result is whole.
	tmpout=$(mktemp -d "$out.XXXXXX")
	cp xen/xen xen/xen-syms xen/.config "$work/build.log" "$tmpout/"
	gzip -9nc xen/xen >"$tmpout/xen.gz"
	rm -rf "$out" && mv -T "$tmpout" "$out"
	twr_log "xen: built $out/xen"
	echo "$out/xen"
}

main "$@"; exit
