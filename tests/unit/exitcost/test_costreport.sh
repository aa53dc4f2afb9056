#!/bin/sh
# SPDX-License-Identifier: MIT
# twr-costreport on a fixed lab results file and fixed unit costs: the
# saving is count saved x unit cost, event_channel_op priced by evtchn_send,
# the rest by null_hcall; the input's own fields survive the rewrite.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
top=${srcdir:-$(dirname "$0")/../../..}
data=$top/tests/unit/exitcost/data
out=$(mktemp)
trap 'rm -f "$out" "$out.also"' EXIT

python3 "$top/exitcost/twr-costreport" "$data/results.json" --exitcost "$data/exitcost.json" \
	--write "$out" >/dev/null || { echo "FAIL: twr-costreport exited $?"; exit 1; }
python3 "$top/exitcost/twr-costreport" "$data/results.json" --exitcost "$data/exitcost.json" \
	--also "$data/results.json" --write "$out.also" >/dev/null || { echo "FAIL: --also exited $?"; exit 1; }
python3 - "$out.also" <<'PY' || exit 1
import json, sys
b = json.load(open(sys.argv[1]))["costs"]["benchmarks"]
if len(b) != 4 or [x["scenario"] for x in b] != ["x"] * 4:
    print("FAIL: --also: want the 2 benchmarks twice, got", [(x["scenario"], x["test"]) for x in b])
    sys.exit(1)
PY
python3 - "$out" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
c = doc["costs"]
fails = []
def check(name, got, want):
    if got != want:
        fails.append("%s: got %r, want %r" % (name, got, want))
b = {x["test"]: x for x in c["benchmarks"]}
rx = b["tcp_stream_rx"]
check("pair", (rx["baseline"], rx["stack"]), ("netfront", "twinring-net"))
check("grant saved", rx["per_gb"]["counts"]["grant_table_op"]["saved"], 2000.0)
check("grant priced by null_hcall", rx["per_gb"]["counts"]["grant_table_op"]["unit_cost"], "null_hcall")
check("evtchn priced by evtchn_send", rx["per_gb"]["counts"]["event_channel_op"]["unit_cycles"], 1500)
check("total saving", rx["per_gb"]["saving_cycles"], 2000 * 1000 + 900 * 1500 + 5 * 1000.0)
check("single stack has no saving", "saving_cycles" in b["tcp_rr"]["per_transaction"], False)
check("per transaction", b["tcp_rr"]["per_transaction"]["counts"]["event_channel_op"]["baseline"], 3.0)
check("untrusted carried", (c["trusted"], c["untrusted_reason"]), (False, "QEMU TCG"))
check("n/a test not a unit cost", "vmcall" in c["unit_costs"], False)
check("results kept", len(doc["results"]), 3)
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
echo "PASS: test_costreport"
