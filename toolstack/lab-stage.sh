#!/bin/bash
# SPDX-License-Identifier: MIT
# Put the toolstack into a lab stage (docs/lab.md, lab/lib/overlay.sh):
#
#   toolstack/lab-stage.sh [BUILD [STAGE]]
#     BUILD  an automake build directory with toolstack/twinctl and
#            toolstack/twinringd built (default: build)
#     STAGE  the stage to add to (default: build/lab-stage)
#
#   STAGE/dom0/usr/local/sbin/twinctl
#   STAGE/dom0/usr/local/sbin/twinringd
#
# The lab's dom0 root has Debian's libxenstore, libxenctrl and libxlutil
# (xen-utils-4.17), the very libraries these are linked against.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
stage=${2:-$top/build/lab-stage}

for f in twinctl twinringd; do
	[ -x "$build/toolstack/$f" ] ||
		{ echo "toolstack/lab-stage.sh: $build/toolstack/$f is not built (make -C $build toolstack/$f)" >&2; exit 1; }
done
mkdir -p "$stage/dom0/usr/local/sbin"
install -m 755 "$build/toolstack/twinctl" "$build/toolstack/twinringd" "$stage/dom0/usr/local/sbin/"
echo "$stage"
