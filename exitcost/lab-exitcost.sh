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

res=$top/lab/results/latest-exitcost.json
[ -f "$res" ] || { echo "lab-exitcost: no $res" >&2; exit 1; }
logs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lab"]["logs"])' "$res")
guest=$top/lab/$logs/guest/raw
also=()
for s in blk net; do
	[ -f "$top/lab/results/latest-$s.json" ] && also+=(--also "$top/lab/results/latest-$s.json")
done
if [ ! -s "$guest/exitcost-guest.json" ]; then
	echo "lab-exitcost: no unit costs from the domU ($guest/exitcost-guest.json): no costs section" >&2
	exit 1
fi
rtt=()
[ -s "$guest/exitcost-evtchn-rtt.json" ] && rtt=(--rtt "$guest/exitcost-evtchn-rtt.json")
python3 "$top/exitcost/twr-costreport" "$res" --exitcost "$guest/exitcost-guest.json" \
	"${rtt[@]}" "${also[@]}" --write
# the timestamped copy carries the same costs
stamped=$top/lab/results/exitcost-$(basename "$logs").json
[ -f "$stamped" ] && cp "$res" "$stamped"
exit $rc
