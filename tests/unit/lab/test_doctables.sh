#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lab/lib/doctables.py: the docs' measured tables are what their committed
# results files say. First the tree itself (a hand-edited table, a table
# quoting a missing file or a published file nobody quotes fails here), then
# the generator on a synthetic tree: regenerate, check, detect an edit,
# publish a newer run and follow it.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed (tests/run.sh installs it)"; exit 1; }
gen=$top/lab/lib/doctables.py
fails=0
ok() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

python3 "$gen" --top "$top" --check; ok "the tree's docs match lab/results/published/" $?

t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir -p "$t/docs" "$t/lab/results/published"
python3 - "$t" <<'PY'
import json, os, sys
t = sys.argv[1]
def res(stack, test, v, ci, n=6):
    return {"stack": stack, "test": test, "unit": "IOPS", "value": v, "samples": [v] * n,
            "ci95": ci, "per_gb": {"grant_table_op": 250000.0, "event_channel_op": 1200.5}}
def doc(stamp, git, tw):
    return {"scenario": "blk", "xen": "4.17.5-twr", "kernel": "6.1.0-57-amd64",
            "phases": {"boot": 18.25, "total": 99.0},
            "checks": [{"name": "a", "pass": True},
                       {"name": "b", "pass": False, "detail": "7 writes | 0.4% of a core"}],
            "results": [res("blkfront", "randread_4k", 1000.0, [900.0, 1100.0]),
                        res("twinring-blk", "randread_4k", tw, [tw - 50, tw + 50])],
            "lab": {"stamp": stamp, "git": git}}
json.dump(doc("20261201T000000Z", "abc1234", 2000.0),
          open(os.path.join(t, "lab/results/published/blk-20261201T000000Z-abc1234.json"), "w"))
json.dump(doc("20261202T000000Z", "def5678", 1050.0),
          open(os.path.join(t, "lab/results/latest-blk.json"), "w"))
f = "lab/results/published/blk-20261201T000000Z-abc1234.json"
open(os.path.join(t, "docs/blk.md"), "w").write(
    "# blk\n\n<!-- twr-table comparison %s -->\nstale\n<!-- /twr-table -->\n\n"
    "<!-- twr-table checks %s -->\n<!-- /twr-table -->\n"
    "<!-- twr-table checks %s names=b -->\n<!-- /twr-table -->\n"
    "<!-- twr-table phases %s -->\n<!-- /twr-table -->\ntail\n"
    "```\n<!-- twr-table checks lab/results/published/example.json -->\n<!-- /twr-table -->\n```\n"
    % (f, f, f, f))
PY
python3 "$gen" --top "$t" --check >/dev/null 2>&1; ok "--check fails on a stale table" $([ $? = 1 ]; echo $?)
python3 "$gen" --top "$t" >/dev/null; ok "regenerates" $?
md=$t/docs/blk.md
grep -q '| randread_4k | IOPS | blkfront 1000.0 \[900.0-1100.0\] n=6 | twinring-blk 2000.0 \[1950.0-2050.0\] n=6 | 2.00x \[1.77-2.28\] | 250000 / 1200 | 250000 / 1200 |' "$md"
ok "comparison row: medians, intervals, ratio with its bounds, counts" $?
grep -q '^1 of 2 checks passed.$' "$md" && grep -q '^- FAILED: `b`$' "$md"; ok "checks: count and the failed one" $?
grep -q '^| `b` | \*\*no\*\* | 7 writes / 0.4% of a core |$' "$md"; ok "checks names=: the named ones with their detail" $?
grep -q '^| boot | 18.2 |$' "$md" && grep -q '^| \*\*total\*\* | \*\*99.0\*\* |$' "$md"; ok "phases table" $?
grep -q 'from `lab/results/published/blk-20261201T000000Z-abc1234.json` (run 20261201T000000Z, commit abc1234' "$md"
ok "each table names its file, run and commit" $?
grep -q '^tail$' "$md" && ! grep -q stale "$md"; ok "only the blocks change" $?
grep -A1 'published/example.json -->' "$md" | grep -q '^<!-- /twr-table -->$'; ok "an example in a code block is left alone" $?
python3 "$gen" --top "$t" --check; ok "--check passes after regenerating" $?
sed -i 's/2.00x/3.00x/' "$md"
python3 "$gen" --top "$t" --check >/dev/null 2>&1; ok "--check fails on a hand-edited figure" $([ $? = 1 ]; echo $?)
python3 "$gen" --top "$t" >/dev/null
: >"$t/lab/results/published/blk-20261130T000000Z-0000000.json"
python3 "$gen" --top "$t" --check >/dev/null 2>&1; ok "--check fails on a published file nobody quotes" $([ $? = 1 ]; echo $?)
rm "$t/lab/results/published/blk-20261130T000000Z-0000000.json"
python3 "$gen" --top "$t" --publish blk >/dev/null; ok "publish" $?
test -f "$t/lab/results/published/blk-20261202T000000Z-def5678.json" &&
	grep -q 'twr-table comparison lab/results/published/blk-20261202T000000Z-def5678.json -->' "$md" &&
	grep -q 'no difference shown' "$md"
ok "publish copies the run under its stamp and commit and the tables follow it" $?
test ! -e "$t/lab/results/published/blk-20261201T000000Z-abc1234.json"; ok "publish drops the file it replaced" $?
python3 "$gen" --top "$t" --check; ok "--check passes after publish" $?
sed -i 's|published/blk-20261202T000000Z-def5678.json -->|published/blk-20261129T000000Z-0000000.json -->|' "$md"
python3 "$gen" --top "$t" >/dev/null 2>&1; ok "a table quoting a missing file fails" $([ $? = 1 ]; echo $?)
[ $fails = 0 ]
