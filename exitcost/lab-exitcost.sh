#!/bin/bash
# SPDX-License-Identifier: MIT
# The exitcost lab run from one command: build the tools, stage them, boot the
# lab with the exitcost scenario, then price the results (twr-costreport adds
# the "costs" section to lab/results/latest-exitcost.json, with the blk and
# net scenarios' stacks when their latest results exist).
#
#   exitcost/lab-exitcost.sh [BUILD]     (BUILD: a configured build directory,
#                                         default build)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

make -C "$build" -j2 twr-exitcost twr-xencount >/dev/null
"$top/exitcost/lab-stage.sh" "$build" "$stage" >/dev/null
rc=0
"$top/lab/lab.sh" run --stage "$stage" exitcost || rc=$?

bash "$top/exitcost/lab-price.sh" || rc=1
exit $rc
