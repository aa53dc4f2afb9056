#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Price the latest exitcost lab run: read the unit costs the domU measured and
# add a "costs" section (counts saved x unit cost, per GB and per transaction,
# for every stack in the latest net and blk results) to
# lab/results/latest-exitcost.json and its timestamped copy. Run by
# lab/lab.sh test after a boot that ran the exitcost scenario.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

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
if [ -f "$stamped" ]; then cp "$res" "$stamped"; fi
