#!/bin/bash
# SPDX-License-Identifier: MIT
# Put the exit-cost helpers into a lab stage (docs/lab.md, lab/lib/overlay.sh):
#
#   exitcost/lab-stage.sh [BUILD [STAGE]]
#     BUILD  an automake build directory with twr-exitcost and twr-xencount
#            built (default: build)
#     STAGE  the stage to add to (default: build/lab-stage)
#
#   (usr/lib, not lib: the lab roots are merged-/usr, /lib is a symlink)
#   STAGE/domU/usr/local/bin/twr-exitcost
#   STAGE/domU/usr/lib/modules/$KVER/extra/twr-exitcost.ko   built here, Kbuild
#   (xen-evtchn.ko, which 'twr-exitcost pong' needs, is in the lab's domU
#   root: lab/lib/roots.sh)
#   STAGE/dom0/usr/local/sbin/twr-xencount
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
stage=${2:-$top/build/lab-stage}
kver=$("$top/lab/versions.sh" | sed -n 's/^TWR_KVER=//p')
hdr=/usr/src/linux-headers-$kver

die() { echo "exitcost/lab-stage.sh: $*" >&2; exit 1; }

for f in twr-exitcost twr-xencount; do
	[ -x "$build/$f" ] || die "$build/$f is not built (make -C $build $f)"
done
[ -f "$hdr/Makefile" ] || die "no $hdr: install linux-headers-$kver (lab/lab.sh headers)"

kb=$(mktemp -d)
trap 'rm -rf "$kb"' EXIT
cp "$top"/exitcost/Kbuild "$top"/exitcost/*.[ch] "$kb/"
make -s -C "$hdr" M="$kb" modules >"$kb/build.log" 2>&1 ||
	{ cat "$kb/build.log"; die "twr-exitcost.ko does not build against $hdr"; }

mods=$stage/domU/usr/lib/modules/$kver/extra
mkdir -p "$mods" "$stage/domU/usr/local/bin" "$stage/dom0/usr/local/sbin"
install -m 644 "$kb/twr-exitcost.ko" "$mods/"
install -m 755 "$build/twr-exitcost" "$stage/domU/usr/local/bin/"
install -m 755 "$build/twr-xencount" "$stage/dom0/usr/local/sbin/"
echo "$stage"
