#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The Debian packages (debian/, docs/packaging.md) build and hold what they
# should. In a copy of the tree (the files git knows, committed or not, and
# no build directory): `dpkg-buildpackage -us -uc -b`, each .deb's file list
# against the files a user needs and against stray ones (test programs, lab
# probes), lintian failing on any error or warning that no
# debian/*.lintian-overrides explains. Then, as root, for two kernels: the
# one the tests build against (lab/versions.sh kver, <ABI>-amd64) and the
# -cloud-amd64 flavour of the same ABI (-rt-amd64 if apt has no -cloud).
# Install twinring-dkms (its postinst, or dkms install, builds for the
# first), then the second kernel's headers as a kernel update brings them
# (their postinst hook, /etc/kernel/header_postinst.d/dkms, must build for
# it); every .ko of dkms.conf under /lib/modules/<kver>/updates/dkms with
# that kernel's vermagic and the release as MODULE_VERSION, for both; purge twinring-dkms and check DKMS,
# /usr/src and both kernels' /lib/modules forgot it; remove the second
# headers again if this run installed them.
#
#   tests/pkg/check-debian.sh    exit 0 all checked, 1 a check failed,
#                                77 not root (the packages were still built
#                                and checked; the DKMS part was not run)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
t0=$(date +%s)
say() { printf 'check-debian [%3ds]: %s\n' $(( $(date +%s) - t0 )) "$*"; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }

root=0
[ "$(id -u)" = 0 ] && root=1
# The tools the build and the checks need (debian/control's Build-Depends
# come on top; tests/run.sh installs all of them).
tools=(dpkg-buildpackage:dpkg-dev dh:debhelper dh_dkms:dh-dkms lintian:lintian git:git)
missing=()
for t in "${tools[@]}"; do
	command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ $root = 0 ]; then
		echo "SKIP: ${missing[*]} not installed, and not root to install them"
		exit 77
	fi
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dpkg-checkbuilddeps || { echo "FAIL: debian/control's Build-Depends are not installed (above)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/twr-deb.XXXXXX")
dkms_added=""
hdr_added=""	# the second kernel's headers package, when this run installed it
cleanup() {
	# A failed run must not leave the package on the machine, also not
	# half-configured (its postinst's DKMS build failed).
	if [ -n "$dkms_added" ] && dpkg-query -W -f='${db:Status-Status}' twinring-dkms 2>/dev/null |
		grep -qv '^not-installed$'; then
		dpkg --purge twinring-dkms >/dev/null 2>&1 || true
	fi
	[ -z "$hdr_added" ] || remove_headers >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------
# The tree as it is, uncommitted edits included, but none of its builds.
src=$work/twinring
mkdir -p "$src"
git ls-files -z -c -o --exclude-standard | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$src"

version=$(cd "$src" && dpkg-parsechangelog -S Version)
upstream=${version%%-*}
# dkms.conf's PACKAGE_VERSION comes from the changelog, the modules' and
# tools' version from configure.ac (include/twinring/version.h.in): the
# same release, or DKMS would file modules under another version.
acver=$(sed -n 's/^AC_INIT(\[twinring\], \[\([^]]*\)\].*/\1/p' configure.ac)
if [ "$acver" != "$upstream" ]; then
	echo "FAIL: debian/changelog's version $upstream is not configure.ac's $acver"
	exit 1
fi
say "dpkg-buildpackage twinring $version in $src"
# nocheck: tests/run.sh runs make check itself; the modules are not built
# here at all (twinring-dkms ships their sources).
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck" nice dpkg-buildpackage -us -uc -b) \
	>"$work/build.log" 2>&1; then
	tail -40 "$work/build.log"
	echo "FAIL: dpkg-buildpackage -us -uc -b"
	exit 1
fi
echo "PASS: dpkg-buildpackage -us -uc -b"

# --- contents ----------------------------------------------------------------
# has PKG FILE...: each FILE (a path in the package, no leading ./) is in PKG.
list() { dpkg-deb -c "$work/$1"_"$version"_*.deb | awk '{ print $6 }' | sed 's|^\./||'; }
has() {
	local pkg=$1 l f
	shift
	l=$(list "$pkg")
	for f in "$@"; do
		if grep -qxF "$f" <<<"$l"; then echo "PASS: $pkg has $f"; else bad "$pkg lacks $f"; fi
	done
}
# only PKG REGEX: every file of PKG matches REGEX (nothing stray).
only() {
	local stray
	stray=$(list "$1" | grep -v '/$' | grep -Ev "$2" || true)
	if [ -z "$stray" ]; then echo "PASS: $1 holds nothing else"; else bad "$1 holds stray files:" $stray; fi
}
usrc=usr/src/twinring-$upstream
has twinring-dkms "$usrc/dkms.conf" "$usrc/Kbuild" "$usrc/include/twinring/ring.h" \
	"$usrc/include/twinring/version.h" \
	"$usrc/ringbuf/twr_ring.c" "$usrc/ringbuf/twr_kmod.c" "$usrc/netcore/twinnet_core.c" \
	"$usrc/frontend/twr_chan_front.c" "$usrc/backend/twr_blk_back_io.c" \
	"$usrc/exitcost/twr_exitcost_kmod.c"
only twinring-dkms "^(usr/share/doc/twinring-dkms/(changelog\.gz|copyright)|$usrc/(dkms\.conf|Kbuild|include/twinring/[a-z]+\.h|(ringbuf|netcore|frontend|backend|exitcost)/(Kbuild|[a-z_]+\.[ch])))$"
# The user-space half of ringbuf/ and exitcost/ is not kernel source.
for f in ringbuf/twr_shm.c exitcost/twr_exitcost.c exitcost/twr_xencount.c; do
	if list twinring-dkms | grep -qxF "$usrc/$f"; then bad "twinring-dkms ships user-space $f"; fi
done
has twinring-utils usr/sbin/twinringd usr/sbin/twinctl usr/sbin/twr-iotask \
	lib/systemd/system/twinringd.service etc/twinring/twinringd.conf \
	usr/share/man/man8/twinringd.8.gz usr/share/man/man8/twinctl.8.gz \
	usr/share/man/man5/twinring.cfg.5.gz usr/share/man/man8/twr-iotask.8.gz
only twinring-utils '^(usr/sbin/(twinringd|twinctl|twr-iotask)|lib/systemd/system/twinringd\.service|etc/twinring/twinringd\.conf|usr/share/man/man[58]/[a-z.-]+\.[58]\.gz|usr/share/doc/twinring-utils/(changelog\.gz|copyright))$'
has twinring-exitcost usr/bin/twr-exitcost usr/bin/twr-costreport usr/sbin/twr-xencount \
	usr/share/man/man1/twr-exitcost.1.gz usr/share/man/man1/twr-costreport.1.gz \
	usr/share/man/man8/twr-xencount.8.gz
only twinring-exitcost '^(usr/s?bin/twr-(exitcost|costreport|xencount)|usr/share/man/man(1/twr-(exitcost|costreport)\.1|8/twr-xencount\.8)\.gz|usr/share/doc/twinring-exitcost/(changelog\.gz|copyright))$'

# The conffile, and the unit installed and enabled the way Debian does it.
ctl=$work/ctl
dpkg-deb -e "$work"/twinring-utils_"$version"_*.deb "$ctl"
if grep -qx /etc/twinring/twinringd.conf "$ctl/conffiles"; then echo "PASS: twinringd.conf is a conffile"
else bad "/etc/twinring/twinringd.conf is not a conffile"; fi
if grep -q "deb-systemd-helper enable 'twinringd.service'" "$ctl/postinst"; then
	echo "PASS: postinst enables twinringd.service"
else bad "postinst does not enable twinringd.service (dh_installsystemd)"; fi
exec_start=$(dpkg-deb --fsys-tarfile "$work"/twinring-utils_"$version"_*.deb |
	tar -xOf - ./lib/systemd/system/twinringd.service | sed -n 's/^ExecStart=//p')
if [ "$exec_start" = /usr/sbin/twinringd ]; then echo "PASS: the unit runs /usr/sbin/twinringd"
else bad "the unit's ExecStart is '$exec_start', not /usr/sbin/twinringd"; fi
# Every module the top-level Kbuild builds has its dkms.conf entry.
conf=$(dpkg-deb --fsys-tarfile "$work"/twinring-dkms_"$version"_all.deb | tar -xOf - "./$usrc/dkms.conf")
for m in $(cat ringbuf/Kbuild netcore/Kbuild frontend/Kbuild backend/Kbuild exitcost/Kbuild |
	sed -n 's/^obj-m += \(.*\)\.o$/\1/p'); do
	if grep -q "^BUILT_MODULE_NAME\[[0-9]*\]=\"$m\"" <<<"$conf"; then echo "PASS: dkms.conf builds $m"
	else bad "dkms.conf has no BUILT_MODULE_NAME for $m"; fi
done
if grep -qx "PACKAGE_VERSION=\"$upstream\"" <<<"$conf"; then echo "PASS: dkms.conf PACKAGE_VERSION $upstream"
else bad "dkms.conf's PACKAGE_VERSION is not $upstream"; fi

# --- lintian -----------------------------------------------------------------
# Errors and warnings fail; a tag we keep is in debian/*.lintian-overrides,
# with the reason beside it.
if lintian --allow-root --fail-on error,warning "$work"/twinring_"$version"_*.changes >"$work/lintian.out" 2>&1; then
	echo "PASS: lintian: no error or warning$(grep -q . "$work/lintian.out" && printf ' (%s other)' "$(grep -c . "$work/lintian.out")")"
else
	cat "$work/lintian.out"
	bad "lintian (above): fix it, or override it with a reason in debian/*.lintian-overrides"
fi
[ $fail = 0 ] || exit 1

# --- DKMS, as root -----------------------------------------------------------
if [ $root = 0 ]; then
	echo "SKIP: installing twinring-dkms and building it with DKMS needs root (the packages were checked)"
	exit 77
fi
if dpkg-query -W -f='${Status}' twinring-dkms 2>/dev/null | grep -q installed; then
	echo "SKIP: twinring-dkms is installed on this machine: not replacing (and purging) it"
	exit 77
fi
# Two kernels: the lab's (lab/versions.sh kver, <ABI>-amd64) and a second
# flavour of the same ABI from Debian's archive, whose headers are installed
# after twinring-dkms, as a kernel update does: its postinst hook
# (/etc/kernel/header_postinst.d/dkms, dkms autoinstall) must build them.
kver=$(lab/versions.sh kver)
abi=${kver%-amd64}
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '^(none)$'; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
pick_kver2() {
	local fl
	for fl in cloud-amd64 rt-amd64; do
		if installed "linux-headers-$abi-$fl" || [ -n "$(candidate "linux-headers-$abi-$fl")" ]; then
			echo "$abi-$fl"
			return 0
		fi
	done
	return 1
}
kver2=$(pick_kver2) || {
	say "no linux-headers-$abi-cloud-amd64 or -rt-amd64 known to apt: apt-get update"
	apt-get update -qq >/dev/null 2>&1 || true
	kver2=$(pick_kver2)
} || { echo "FAIL: neither linux-headers-$abi-cloud-amd64 nor linux-headers-$abi-rt-amd64 is installable (apt-cache policy): no second kernel to build for"; exit 1; }
[ "${kver2%-cloud-amd64}" != "$kver2" ] ||
	echo "NOTE: no linux-headers-$abi-cloud-amd64 in apt's lists: the second kernel is $kver2"
hdr_pre=0
installed "linux-headers-$kver2" && hdr_pre=1
modules_dir_pre=0
[ -e "/lib/modules/$kver2" ] && modules_dir_pre=1
# Only a package this run installed is removed, and /lib/modules/<kver2>
# (depmod's files for DKMS's modules) only if the run made it.
remove_headers() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "linux-headers-$kver2" >>"$work/dkms.log" 2>&1 || return 1
	hdr_added=""
	[ $modules_dir_pre = 1 ] || rm -rf "/lib/modules/$kver2"
}

need=()
command -v dkms >/dev/null || need+=(dkms)
[ -f "/usr/src/linux-headers-$kver/Makefile" ] || need+=("linux-headers-$kver")
if [ ${#need[@]} -gt 0 ]; then
	say "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mods=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' <<<"$conf")
# dkms_has K: DKMS says twinring/<version> is installed for kernel K.
dkms_has() { dkms status "twinring/$upstream" -k "$1" 2>/dev/null | grep -q ': installed'; }

say "dpkg -i twinring-dkms; DKMS for $kver and $kver2"
dkms_added=1
# Its postinst builds and installs for the running kernel and the newest
# one in /lib/modules, when their headers are there (that may be $kver).
if ! dpkg -i "$work"/twinring-dkms_"$version"_all.deb >"$work/dkms.log" 2>&1; then
	tail -30 "$work/dkms.log"
	bad "dpkg -i twinring-dkms"
	exit 1
fi
echo "PASS: dpkg -i twinring-dkms"
dkms_failed() {
	tail -30 "$work/dkms.log"
	find "/var/lib/dkms/twinring/$upstream/build" -name make.log -exec tail -30 {} + 2>/dev/null || true
	bad "$*"
}
if dkms_has "$kver"; then
	echo "PASS: $kver: built and installed by twinring-dkms's postinst"
elif nice dkms install "twinring/$upstream" -k "$kver" >>"$work/dkms.log" 2>&1; then
	echo "PASS: $kver: built and installed by dkms install twinring/$upstream -k $kver"
else
	dkms_failed "dkms install twinring/$upstream -k $kver"
fi

# The second kernel, as on a kernel update: its headers arrive after us.
if [ $hdr_pre = 1 ] && dkms_has "$kver2"; then
	how="twinring-dkms's postinst (linux-headers-$kver2 was installed already: its hook not tested)"
elif [ $hdr_pre = 0 ]; then
	say "apt-get install linux-headers-$kver2 (its postinst hook runs dkms autoinstall)"
	hdr_added=1
	if ! DEBIAN_FRONTEND=noninteractive nice apt-get install -y -qq --no-install-recommends \
		"linux-headers-$kver2" >>"$work/dkms.log" 2>&1; then
		dkms_failed "apt-get install linux-headers-$kver2"
	fi
	how="linux-headers-$kver2's postinst (/etc/kernel/header_postinst.d/dkms: dkms autoinstall)"
else
	# Installed already: run the very hook its postinst ran.
	say "linux-headers-$kver2 was installed already: running /etc/kernel/header_postinst.d/dkms $kver2"
	nice /etc/kernel/header_postinst.d/dkms "$kver2" >>"$work/dkms.log" 2>&1 || true
	how="/etc/kernel/header_postinst.d/dkms $kver2 (run by hand: the headers were installed already)"
fi
if dkms_has "$kver2"; then
	echo "PASS: $kver2: built and installed by $how"
else
	dkms_failed "$kver2: $how did not build twinring/$upstream"
	if nice dkms install "twinring/$upstream" -k "$kver2" >>"$work/dkms.log" 2>&1; then
		echo "NOTE: $kver2: built by dkms install instead, to check the rest"
	fi
fi

# Every module of dkms.conf, for each kernel, where DKMS installs it and
# for that kernel (its vermagic), and findable by modprobe (depmod ran).
for k in "$kver" "$kver2"; do
	dkms status "twinring/$upstream" -k "$k" 2>/dev/null | sed 's/^/  dkms status: /'
	for m in $mods; do
		f=$(find "/lib/modules/$k/updates/dkms" -name "$m.ko*" 2>/dev/null | head -n1)
		if [ -z "$f" ]; then
			bad "$k: no $m.ko under /lib/modules/$k/updates/dkms"
			continue
		fi
		vm=$(modinfo -F vermagic "$f" 2>/dev/null | cut -d' ' -f1)
		mv=$(modinfo -F version "$f" 2>/dev/null)
		dep=$(modinfo -k "$k" -n "$m" 2>/dev/null || true)
		if [ "$vm" != "$k" ]; then bad "$k: ${f##*/}'s vermagic is '$vm'"
		elif [ "$mv" != "$upstream" ]; then bad "$k: ${f##*/}'s MODULE_VERSION is '$mv', not $upstream"
		elif [ "$dep" != "$f" ]; then bad "$k: modprobe would not find $m (modinfo -k $k -n $m: '$dep')"
		else echo "PASS: $k: ${f#/lib/modules/$k/}, vermagic $vm, version $mv"; fi
	done
done

dpkg --purge twinring-dkms >>"$work/dkms.log" 2>&1 || { tail -20 "$work/dkms.log"; bad "dpkg --purge twinring-dkms"; }
dkms_added=""
if dkms status 2>/dev/null | grep -q '^twinring[/,]'; then bad "dkms status still lists twinring after the purge"
else echo "PASS: dkms status forgot twinring"; fi
if compgen -G '/usr/src/twinring-*' >/dev/null; then bad "/usr/src/twinring-* left after the purge"
else echo "PASS: /usr/src/twinring-* removed"; fi
for k in "$kver" "$kver2"; do
	left=$(for m in $mods; do find "/lib/modules/$k" -name "$m.ko*" 2>/dev/null; done)
	if [ -n "$left" ]; then bad "$k: left after the purge:" $left
	else echo "PASS: $k: no twinring module left under /lib/modules/$k"; fi
done
if [ -n "$hdr_added" ]; then
	if remove_headers && ! installed "linux-headers-$kver2"; then
		echo "PASS: linux-headers-$kver2 removed again (this run installed it)"
	else bad "apt-get purge linux-headers-$kver2"; fi
fi

say "done"
exit $fail
