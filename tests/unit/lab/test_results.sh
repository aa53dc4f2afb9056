#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# lab/lib/results.py's statistics on fixed inputs: the interval of the median
# and its coverage, the comparison's "no difference shown", too few samples,
# a baseline far outside its history marking the run suspect, and fio
# reports among other output.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed (tests/run.sh installs it)"; exit 1; }
python3 - "$top/lab/lib" <<'PY'
import sys, io, contextlib, json, os, tempfile
sys.path.insert(0, sys.argv[1])
import results as R

fails = 0
def ok(what, cond):
    global fails
    print(("PASS: " if cond else "FAIL: ") + what)
    fails += not cond

with tempfile.TemporaryDirectory() as run:
    with open(os.path.join(run, "console.log"), "w") as f:
        f.write("[  329.9] traps: blkdiscard[353] general protection fault ip:7fbf sp:7ffd error:0 in libblkid.so.1.1.0\n")
    c = R.scan_logs(run)[0]
    ok("a user process's trap is the known lab fault, not a failure: %r" % c, c["pass"] and "1 user process" in c["detail"])
    with open(os.path.join(run, "console.log"), "a") as f:
        f.write("[  330.1] general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP\n")
    c = R.scan_logs(run)[0]
    ok("a kernel general protection fault fails the log check", not c["pass"])

lo, hi, c = R.median_ci([5, 1, 4, 2, 3])
ok("n=5: (min, max) with 93.75%% coverage, got %s %s %s" % (lo, hi, c), (lo, hi) == (1, 5) and abs(c - 0.9375) < 1e-9)
lo, hi, c = R.median_ci([6, 1, 4, 2, 3, 5])
ok("n=6: (min, max) at 96.9%%, got %s %s %s" % (lo, hi, c), (lo, hi) == (1, 6) and abs(c - 0.96875) < 1e-9)
lo, hi, c = R.median_ci(list(range(1, 10)))
ok("n=9: (x2, x8) at 96.1%%, got %s %s %s" % (lo, hi, c), (lo, hi) == (2, 8) and abs(c - 0.9609375) < 1e-6)
lo, hi, c = R.median_ci(list(range(1, 21)))
ok("n=20: (x6, x15) at >= 95%%, got %s %s %s" % (lo, hi, c), (lo, hi) == (6, 15) and c >= 0.95)

def res(stack, samples, test="tcp_rr"):
    lo, hi, c = R.median_ci(samples)
    return {"stack": stack, "test": test, "unit": "trans/s", "samples": samples,
            "value": sorted(samples)[len(samples) // 2], "ci95": [lo, hi], "ci_level": c}

a, b = res("netfront", [100, 101, 102, 103, 104, 105]), res("twinring-net", [104, 110, 111, 112, 113, 114])
ok("overlapping intervals: no difference shown", R.ratio_text(a, b) == "no difference shown")
b = res("twinring-net", [200, 201, 202, 203, 204, 205])
t = R.ratio_text(a, b)
ok("separate intervals: a ratio with its interval, got %r" % t, t.startswith("1.9") and "[1.90-2.05]" in t)
t = R.ratio_text(res("netfront", [1, 2]), res("twinring-net", [10, 11]))
ok("two samples: too few for a ratio, got %r" % t, t.startswith("too few samples"))

with tempfile.TemporaryDirectory() as d:
    old = {"scenario": "net", "lab": {"stamp": "20260101T000000Z"},
           "results": [dict(res("netfront", [900] * 6), test="tcp_rr")]}
    with open(os.path.join(d, "latest-net.json"), "w") as f:
        json.dump(old, f)
    # A file of another scenario that shares the prefix is not history.
    with open(os.path.join(d, "net-x-20260102T000000Z.json"), "w") as f:
        json.dump(dict(old, scenario="net-x"), f)
    past = R.history(d, "net", "20260201T000000Z")
    ok("history: the committed latest file, not another scenario's", len(past) == 1)
    slow = [res("netfront", [100] * 6), res("twinring-net", [100] * 6)]
    why = R.suspect_reasons(slow, past)
    ok("netfront at 1/9 of its history is suspect: %s" % why, len(why) == 1 and "netfront" in why[0])
    ok("netfront at 2/3 of its history is not", R.suspect_reasons([res("netfront", [600] * 6)], past) == [])
    ok("no history: nothing suspect", R.suspect_reasons(slow, []) == [])
    lat = os.path.join(d, "latest-net.json")
    json.dump(dict(old, suspect=["netfront tcp_rr slow"],
                   results=[a, b]), open(lat, "w"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        R.compare([lat])
    ok("compare prints the suspect reason", "SUSPECT RUN" in out.getvalue() and "netfront tcp_rr slow" in out.getvalue())
with tempfile.TemporaryDirectory() as d:
    rep = '{\n  "jobs" : [ { "error" : 0, "read" : { "iops" : 5.0, "io_bytes" : 4096 }, "write" : {} } ]\n}\n'
    def fio(text):
        p = os.path.join(d, "fio.json")
        with open(p, "w") as f:
            f.write(text)
        return R.parse_fio(p, "randread_4k")
    v = fio("fio: a note {with braces}\n" + rep + "== fio stderr\nfree(): {corrupted}\n")
    ok("fio report between notes with braces: parsed, got %r" % (v,), v == (5.0, 4096, None, None))
    v = fio(rep.replace('"iops" : 5.0,', '"stddev" : -nan, "max" : inf, "iops" : 5.0,'))
    ok("fio's bare -nan and inf read as null, got %r" % (v,), v == (5.0, 4096, None, None))
    v = fio(rep[:40])
    ok("a cut report: an error saying where, got %r" % (v[3],), v[0] is None and "no fio JSON (" in v[3])
sys.exit(1 if fails else 0)
PY
