#!/bin/bash
# SPDX-License-Identifier: MIT
# Put the block driver modules into a lab stage (lab/lib/overlay.sh):
#
#   backend/blk-lab-stage.sh [BUILD [STAGE]]
#     BUILD  an automake build directory after `make` (modules in BUILD/kbuild;
#            default: build)
#     STAGE  the stage to add to (default: build/lab-stage)
#
#   STAGE/dom0/usr/lib/modules/<kver>/extra/  twinring-core, twinring-chan-back, twinblk-back
#   STAGE/domU/usr/lib/modules/<kver>/extra/  twinring-core, twinring-chan-front, twinblk-front
#
# (usr/lib: the lab's roots are merged-/usr.) twinctl comes from
# toolstack/lab-stage.sh; without it lab/scenarios/blk.sh writes the xenstore
# nodes itself.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
stage=${2:-$top/build/lab-stage}
k=$build/kbuild

for f in ringbuf/twinring-core.ko backend/twinring-chan-back.ko backend/twinblk-back.ko \
	frontend/twinring-chan-front.ko frontend/twinblk-front.ko; do
	[ -f "$k/$f" ] || { echo "blk-lab-stage.sh: $k/$f is not built (make -C $build modules)" >&2; exit 1; }
done
kver=$(modinfo -F vermagic "$k/backend/twinblk-back.ko" | cut -d' ' -f1)
mkdir -p "$stage/dom0/usr/lib/modules/$kver/extra" "$stage/domU/usr/lib/modules/$kver/extra"
install -m 644 "$k/ringbuf/twinring-core.ko" "$k/backend/twinring-chan-back.ko" \
	"$k/backend/twinblk-back.ko" "$stage/dom0/usr/lib/modules/$kver/extra/"
install -m 644 "$k/ringbuf/twinring-core.ko" "$k/frontend/twinring-chan-front.ko" \
	"$k/frontend/twinblk-front.ko" "$stage/domU/usr/lib/modules/$kver/extra/"
echo "$stage"
