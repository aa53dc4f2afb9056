#!/bin/sh
# SPDX-License-Identifier: MIT
# lab/lib/report.py on a small synthetic results directory: two stamped runs
# of `net` plus a newer latest-net.json, a `blk` with a variant stack and a
# scenario without results. The page must name every test, say "no difference
# shown" exactly where both 95% CIs overlap, print the ratio elsewhere, show
# the suspect reason, plot a 3-run history, and render byte for byte the same
# twice.
top=${srcdir:-$(dirname "$0")/../../..}
py=""
for p in python3 /usr/bin/python3; do
	"$p" -c 'import matplotlib' >/dev/null 2>&1 && { py=$p; break; }
done
[ -n "$py" ] || { echo "SKIP: python3-matplotlib is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
res=$tmp/results

"$py" - "$res" <<'PY' || { echo "FAIL: could not write the synthetic results"; exit 1; }
import json, os, sys
res = sys.argv[1]
os.makedirs(res)

def r(stack, test, value, unit, samples, ci=None, gb=None, tr=None):
    out = {"stack": stack, "test": test, "value": value, "unit": unit, "samples": samples,
           "per_gb": gb or {"grant_table_op": 1000.0, "event_channel_op": 500.0, "iret": 20.0}}
    if ci:
        out["ci95"] = ci
    if tr:
        out["per_transaction"] = tr
    return out

def net(stamp, rx_twr, rr_twr, ci=False, suspect=None):
    rt = {"grant_table_op": 2.0, "event_channel_op": 3.0, "sched_op": 1.0}
    doc = {"scenario": "net", "xen": "4.17.5", "kernel": "6.1.0-99-amd64",
           "checks": [{"name": "a", "pass": True, "detail": ""}],
           "results": [
               r("netfront", "tcp_stream_rx", 300.0, "Mbit/s", [290.0, 295.0, 300.0, 305.0, 310.0],
                 [285.0, 315.0] if ci else None),
               r("twinring-net", "tcp_stream_rx", rx_twr, "Mbit/s", [rx_twr - 10, rx_twr - 5, rx_twr, rx_twr + 5, rx_twr + 10],
                 [rx_twr - 15, rx_twr + 15] if ci else None, gb={"event_channel_op": 100.0}),
               r("netfront", "tcp_rr", 800.0, "trans/s", [790.0, 795.0, 800.0, 805.0, 810.0],
                 [780.0, 820.0] if ci else None, tr=rt),
               r("twinring-net", "tcp_rr", rr_twr, "trans/s", [rr_twr - 10, rr_twr - 5, rr_twr, rr_twr + 5, rr_twr + 10],
                 [rr_twr - 20, rr_twr + 20] if ci else None, tr={"event_channel_op": 2.0}),
               r("netfront", "udp_rr", 900.0, "trans/s", [900.0], tr=rt)],
           "lab": {"git": "abc%s" % stamp[6:8], "stamp": stamp}}
    if suspect:
        doc["suspect"] = suspect
    return doc

def put(name, doc):
    with open(os.path.join(res, name), "w") as f:
        json.dump(doc, f, indent=1)

put("net-20261201T100000Z.json", net("20261201T100000Z", 330.0, 1000.0))
put("net-20261202T100000Z.json", net("20261202T100000Z", 360.0, 1100.0))
# The newest run exists only as latest-net.json (as in a fresh clone).
put("latest-net.json", net("20261203T101500Z", 310.0, 1200.0, ci=True,
                           suspect=["host load 3.2 during the run"]))
put("latest-blk.json", {
    "scenario": "blk", "checks": [], "lab": {"git": "abc03", "stamp": "20261203T102000Z"},
    "results": [r("blkfront", "randread_4k", 1000.0, "IOPS", [1000.0] * 5),
                r("twinring-blk", "randread_4k", 1250.0, "IOPS", [1250.0] * 5),
                r("twinring-blk-h200p500", "randread_4k", 1100.0, "IOPS", [1100.0] * 5),
                r("blkfront", "seqread_1m", 100.0, "MiB/s", [100.0]),
                r("twinring-blk", "seqread_1m", 300.0, "MiB/s", [300.0])]})
put("latest-selfcheck.json", {"scenario": "selfcheck", "results": [],
                              "checks": [{"name": "hello", "pass": True}],
                              "lab": {"git": "abc03", "stamp": "20261203T100000Z"}})
PY

mkdir -p "$res/report"
: >"$res/report/gone-values.png"
"$py" "$top/lab/lib/report.py" --results "$res" || { echo "FAIL: report.py exited $?"; exit 1; }
"$py" "$top/lab/lib/report.py" --results "$res" --out "$tmp/again" ||
	{ echo "FAIL: second report.py exited $?"; exit 1; }

"$py" - "$res/report" "$tmp/again" <<'PY' || exit 1
import os, re, sys
out, again = sys.argv[1], sys.argv[2]
fails = []
def check(name, ok):
    if not ok:
        fails.append(name)
path = os.path.join(out, "index.html")
page = open(path).read() if os.path.exists(path) else ""
check("index.html written", page)
want = ["net-values.png", "net-per_gb.png", "net-per_transaction.png", "net-history.png",
        "blk-values.png", "blk-per_gb.png", "blk-history.png"]
for png in want:
    p = os.path.join(out, png)
    check("%s is a PNG" % png, os.path.exists(p) and open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n")
    check("%s on the page" % png, 'src="%s"' % png in page)
check("no per-transaction plot without *_rr tests", not os.path.exists(os.path.join(out, "blk-per_transaction.png")))
check("stale plot removed", not os.path.exists(os.path.join(out, "gone-values.png")))
for src in re.findall(r'<img src="([^"]+)"', page):
    check("img %s exists" % src, os.path.exists(os.path.join(out, src)))
for test in ("tcp_stream_rx", "tcp_rr", "udp_rr", "randread_4k"):
    check("page names %s" % test, ">%s<" % test in page)

def cmp_row(test, stack):
    m = re.search(r'<tr class="cmp" data-test="%s" data-stack="%s">(.*?)</tr>' % (test, stack), page)
    return m.group(1) if m else None
rx, rr = cmp_row("tcp_stream_rx", "twinring-net"), cmp_row("tcp_rr", "twinring-net")
check("overlapping CIs: no difference shown", rx is not None and "no difference shown" in rx)
check("separate CIs: the ratio", rr is not None and ">1.50<" in rr and "no difference" not in rr)
check("one stack only: no comparison", cmp_row("udp_rr", "twinring-net") is None)
v = cmp_row("randread_4k", "twinring-blk-h200p500")
# As the quick start's table (results.overlap): without an interval on a
# side no difference is shown; the ratio is only mentioned beside it.
check("no ci95: no difference shown for a variant",
      v is not None and "no difference shown" in v and "ratio 1.10" in v)
check("no ci95: no difference shown",
      "no difference shown" in (cmp_row("randread_4k", "twinring-blk") or "") and
      "ratio 1.25" in (cmp_row("randread_4k", "twinring-blk") or ""))
check("one sample each: too few for a ratio",
      "too few samples (n=1)" in (cmp_row("seqread_1m", "twinring-blk") or ""))
check("suspect shown", re.search(r'class="suspect">.*host load 3\.2 during the run', page) is not None)
check("3-run history", "3 run(s), 20261201T100000Z to 20261203T101500Z" in page)
check("history of the first run: no interval, no difference shown",
      "no difference shown" in page.split("20261201T100000Z</td>", 1)[-1][:400])
check("scenario without results listed", "<b>selfcheck</b>" in page)
for name in sorted(os.listdir(out)):
    b = os.path.join(again, name)
    check("%s deterministic" % name,
          os.path.exists(b) and open(os.path.join(out, name), "rb").read() == open(b, "rb").read())
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
echo "PASS: test_report"
