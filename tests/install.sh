#!/bin/bash
# SPDX-License-Identifier: MIT
# The install test (make check runs it from the build tree): `make install
# DESTDIR=<tmp>` must put every file a user needs where the docs say
# (docs/toolstack.md, "Installing"): twinringd, twinctl and twr-iotask in
# sbindir, the systemd unit whose ExecStart names that twinringd, the man
# pages, and,
# when the tree builds kernel modules, every module under
# lib/modules/<kver>/extra.
#
#   tests/install.sh [BUILD]     BUILD: a configured build tree (default .)
set -u

build=${1:-.}
if [ ! -f "$build/Makefile" ] || ! grep -q '^install:' "$build/Makefile"; then
	echo "SKIP: $build is not a configured automake build tree"
	exit 77
fi
dest=$(mktemp -d "${TMPDIR:-/tmp}/twr-install.XXXXXX")
trap 'rm -rf "$dest" "$dest.log"' EXIT
fail=0

# ok WHAT CONDITION...: one line per expectation.
ok() {
	local what=$1
	shift
	if "$@"; then
		echo "PASS: $what"
	else
		echo "FAIL: $what"
		fail=1
	fi
}

# mk: make in the build tree, free of the calling make's job server.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$build" "$@"
}

# var NAME: a make variable of the build tree, expanded (sbindir, mandir...).
var() {
	mk --eval='twr-print-%: ; @echo $($*)' "twr-print-$1"
}

if ! mk install DESTDIR="$dest" >"$dest.log" 2>&1; then
	tail -n 30 "$dest.log"
	echo "FAIL: make install DESTDIR=$dest"
	exit 1
fi
echo "PASS: make install DESTDIR=$dest"
sbindir=$(var sbindir) mandir=$(var mandir) unitdir=$(var systemdunitdir)

for f in twinringd twinctl twr-iotask; do
	ok "$sbindir/$f installed, executable" test -x "$dest$sbindir/$f"
done
unit=$dest$unitdir/twinringd.service
ok "$unitdir/twinringd.service installed" test -f "$unit"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" 2>/dev/null)
ok "the unit runs the installed daemon (ExecStart=$exec_start)" \
	test "${exec_start%% *}" = "$sbindir/twinringd"
ok "the unit has no unsubstituted @variable@" bash -c '! grep -q "@[a-z_]*@" "$1"' - "$unit"
for m in man8/twinringd.8 man8/twinctl.8 man5/twinring.cfg.5 man8/twr-iotask.8 \
	man1/twr-exitcost.1 man1/twr-costreport.1; do
	ok "$mandir/$m installed" test -s "$dest$mandir/$m"
done

# Modules: every .ko the tree built, under lib/modules/<kver>/extra.
mods=$(find "$build/kbuild" -name '*.ko' 2>/dev/null | sort)
if [ -z "$mods" ]; then
	echo "no kernel modules built in $build (configure --with-kbuild): none expected"
else
	core=$(echo "$mods" | grep '/twinring-core\.ko$' | head -n1)
	kver=$(modinfo -F vermagic "${core:-${mods%%$'\n'*}}" | cut -d' ' -f1)
	for m in $mods; do
		n=$(find "$dest/lib/modules/$kver/extra" -name "${m##*/}" 2>/dev/null | wc -l)
		ok "lib/modules/$kver/extra/.../${m##*/} installed" test "$n" = 1
	done
	ok "no modules.dep written into DESTDIR (the target runs depmod)" \
		test ! -e "$dest/lib/modules/$kver/modules.dep"
fi
exit $fail
