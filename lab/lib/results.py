#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn one lab boot's raw output into lab/results/<scenario>-<ts>.json.

Input (RUNDIR): host-phases.tsv and build-phases.tsv (host clock), console.log
(Xen + dom0 serial console), guest/ (dom0's /results: phases.tsv, checks.tsv,
results.tsv, raw/, perf/, consoles, xl dmesg). The schema is in docs/lab.md;
its field names never change. Exit status: 0 if every check of every scenario
passed, 1 otherwise.
"""
import argparse
import glob
import json
import math
import os
import re
import shutil
import statistics
import sys

# Xen 4.17 public/xen.h __HYPERVISOR_* numbers (xenperf -p prints the same names).
HYPERCALLS = {
    0: "set_trap_table", 1: "mmu_update", 2: "set_gdt", 3: "stack_switch",
    4: "set_callbacks", 5: "fpu_taskswitch", 6: "sched_op_compat",
    7: "platform_op", 8: "set_debugreg", 9: "get_debugreg",
    10: "update_descriptor", 12: "memory_op", 13: "multicall",
    14: "update_va_mapping", 15: "set_timer_op", 16: "event_channel_op_compat",
    17: "xen_version", 18: "console_io", 19: "physdev_op_compat",
    20: "grant_table_op", 21: "vm_assist", 22: "update_va_mapping_otherdomain",
    23: "iret", 24: "vcpu_op", 25: "set_segment_base", 26: "mmuext_op",
    27: "xsm_op", 28: "nmi_op", 29: "sched_op", 30: "callback_op",
    31: "xenoprof_op", 32: "event_channel_op", 33: "physdev_op", 34: "hvm_op",
    35: "sysctl", 36: "domctl", 37: "kexec_op", 38: "tmem_op", 39: "argo_op",
    40: "xenpmu_op", 41: "dm_op", 42: "hypfs_op",
}

# A line with any of these in any domain's log fails the run (the lab is the
# end-to-end test: like liburing's runtests.sh, no kernel warning is benign).
FAIL_PATTERNS = [
    ("BUG:", re.compile(r"BUG:")),
    ("WARNING:", re.compile(r"WARNING:")),
    ("Oops", re.compile(r"Oops")),
    ("general protection fault", re.compile(r"general protection fault")),
    ("Kernel panic", re.compile(r"Kernel panic")),
    ("Xen crashed", re.compile(r"\bcrashed\b|domain_crash")),
]

# The kernel's report of a user process killed by a trap ("traps:
# blkdiscard[353] general protection fault ip:... in libblkid.so"): the lab's
# known TCG fault of processes in domUs sharing a pCPU (docs/lab.md, "Known
# lab faults"), not a kernel failure. Counted in the detail, not failed.
USER_TRAP = re.compile(r"traps: \S+\[\d+\] general protection fault")

TEST_UNITS = {
    "tcp_stream_tx": "Mbit/s", "tcp_stream_rx": "Mbit/s",
    "tcp_rr": "trans/s", "udp_rr": "trans/s",
    "g2g_tcp_stream": "Mbit/s", "g2g_tcp_rr": "trans/s", "g2g_udp_rr": "trans/s",
    "mq_tcp_stream": "Mbit/s",
    "randread_4k": "IOPS", "randwrite_4k": "IOPS",
    "seqread_1m": "MiB/s", "seqwrite_1m": "MiB/s",
    "randread_4k_bdev": "IOPS", "randwrite_4k_bdev": "IOPS",
    "randread_4k_delay_qd1": "IOPS", "randread_4k_delay_qd16": "IOPS",
    "randread_4k_delay_qd64": "IOPS", "randwrite_4k_delay_qd64": "IOPS",
    "mq_randread_4k": "IOPS",
}

# fio jobs that write a fixed volume and read it back (verify=crc32c): their
# read bytes must equal their written bytes.
VERIFIED_TESTS = ("seqwrite_1m", "randwrite_4k", "randwrite_4k_bdev")

# How many earlier results files of a scenario a baseline is held against, and
# how far outside their medians' median it may fall before the run is suspect.
HISTORY_RUNS = 5
HISTORY_FACTOR = 3.0
BASELINE_STACKS = ("netfront", "blkfront")
# Fewer samples than this give no interval worth a ratio.
MIN_SAMPLES = 5


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def parse_xenperf(path):
    """xenperf -p output -> (hypercalls by name, every non-zero counter total)."""
    calls, totals = {}, {}
    if not os.path.exists(path):
        return calls, totals
    in_calls = False
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"^(.{35}) T=\s*(\d+)", line)
            if m:
                name = m.group(1).strip()
                in_calls = name == "hypercalls"
                if int(m.group(2)):
                    totals[name] = int(m.group(2))
                continue
            m = re.match(r"^(\S+)\s+(\d+)\s*$", line)
            if in_calls and m:
                name = m.group(1)
                idx = re.match(r"^\[(\d+)\]$", name)
                if idx:
                    name = HYPERCALLS.get(int(idx.group(1)), name)
                calls[name] = calls.get(name, 0) + int(m.group(2))
            else:
                in_calls = False
    return calls, totals


def parse_netperf(path, test):
    """netperf -o CSV -> (value, bytes, transactions, error)."""
    with open(path, errors="replace") as f:
        lines = [l.strip() for l in f if l.strip()]
    rows = [l.split(",") for l in lines if re.match(r"^[0-9.]+,", l)]
    if not rows:
        return None, 0, None, "no netperf result line: " + " | ".join(lines[-3:])
    r = rows[-1]
    try:
        thr, elapsed = float(r[0]), float(r[2])
        sent, recvd = int(float(r[3] or 0)), int(float(r[4] or 0))
        rsent, rrecvd = int(float(r[5] or 0)), int(float(r[6] or 0))
    except (ValueError, IndexError) as e:
        return None, 0, None, "bad netperf line %r: %s" % (lines[-1], e)
    if test.endswith("_rr"):
        return thr, sent + recvd, int(round(thr * elapsed)), None
    return thr, max(sent, rrecvd), None, None


def parse_fio(path, test):
    """fio JSON -> (value, bytes, transactions, error)."""
    with open(path, errors="replace") as f:
        text = f.read()
    # run_fio prints fio's JSON first and its stderr after it: decode one
    # document from the first line that opens one, ignore what follows.
    m = re.search(r"^\{\s*$", text, re.M)
    start = m.start() if m else text.find("{")
    data, why = None, "no '{' in the output"
    if start >= 0:
        # fio prints a statistic it could not compute as a bare -nan or
        # inf (seen: "stddev" : -nan), which is not JSON: read it as null.
        body = re.sub(r'(:\s*)-?(nan|inf)\b', r'\1null', text[start:])
        try:
            data, _ = json.JSONDecoder().raw_decode(body)
        except ValueError as e:
            why = str(e)
    if not isinstance(data, dict) or not data.get("jobs"):
        return None, 0, None, "no fio JSON (%s): %s ... %s" % (
            why, text[:200].replace("\n", " | "), text[-200:].replace("\n", " | "))
    job = data["jobs"][0]
    rd, wr = job.get("read", {}), job.get("write", {})
    moved = int(rd.get("io_bytes", 0)) + int(wr.get("io_bytes", 0))
    side = wr if "write" in test else rd
    if TEST_UNITS.get(test, "IOPS") == "IOPS":
        value = side.get("iops", 0.0)
    else:
        value = side.get("bw_bytes", side.get("bw", 0) * 1024) / 1048576.0
    err = None
    if job.get("error"):
        err = "fio job error %s" % job["error"]
    elif test in VERIFIED_TESTS and int(rd.get("io_bytes", 0)) != int(wr.get("io_bytes", 0)):
        err = "verify read %s bytes of %s written" % (rd.get("io_bytes"), wr.get("io_bytes"))
    return value, moved, None, err


def scan_logs(run):
    """Checks for kernel/Xen failure lines in every domain's log."""
    logs = [os.path.join(run, "console.log")]
    guest = os.path.join(run, "guest")
    logs += sorted(glob.glob(os.path.join(guest, "xen-logs", "console", "*.log")))
    logs += sorted(glob.glob(os.path.join(guest, "*dmesg*.txt")))
    checks = []
    for path in logs:
        if not os.path.exists(path):
            continue
        hits = []
        user_traps = 0
        with open(path, errors="replace") as f:
            for line in f:
                if USER_TRAP.search(line):
                    user_traps += 1
                    continue
                for label, pat in FAIL_PATTERNS:
                    if pat.search(line):
                        hits.append("%s: %s" % (label, line.strip()[:200]))
                        break
        rel = os.path.relpath(path, run)
        detail = "; ".join(hits[:5]) or "no failure lines"
        if user_traps:
            detail += "; %d user process(es) killed by a trap (the known lab fault)" % user_traps
        checks.append({"name": "log_clean:" + rel, "pass": not hits,
                       "detail": detail})
    return checks


def durations(rows, end=None):
    """[(name, t0), ...] in order -> {name: seconds until the next}."""
    out = {}
    for i, (name, t0) in enumerate(rows):
        t1 = rows[i + 1][1] if i + 1 < len(rows) else end
        if t1 is not None:
            out[name] = round(out.get(name, 0) + t1 - t0, 1)
    return out


def build_results(run, scen, rows):
    """Aggregate repetitions of each (stack, test): median value, summed counts."""
    groups = {}
    checks = []
    for r in rows:
        if r[0] != scen:
            continue
        stack, test, kind, raw, perf = r[1:6]
        err = None
        if kind == "value":
            value, unit = float(r[6]), r[7]
            moved, trans = int(float(r[8] or 0)), (int(float(r[9])) if r[9] not in ("", "-") else None)
        else:
            unit = TEST_UNITS.get(test, "")
            path = os.path.join(run, "guest", raw)
            if not os.path.exists(path):
                value, moved, trans, err = None, 0, None, "missing " + raw
            elif kind == "netperf":
                value, moved, trans, err = parse_netperf(path, test)
            elif kind == "fio":
                value, moved, trans, err = parse_fio(path, test)
            else:
                value, moved, trans, err = None, 0, None, "unknown kind " + kind
        name = "result_%s_%s" % (stack, test)
        if kind == "fio" and test in VERIFIED_TESTS:
            checks.append({"name": "verify_%s_%s" % (stack, test), "pass": err is None,
                           "detail": err or "verify=crc32c read back all %d written bytes, 0 errors"
                           % (moved // 2)})
        if err or value is None:
            checks.append({"name": name, "pass": False, "detail": err or "no value"})
            continue
        calls, totals = parse_xenperf(os.path.join(run, "guest", perf))
        if not calls:
            checks.append({"name": "xenperf_" + stack + "_" + test, "pass": False,
                           "detail": "no hypercall counts in " + perf})
        g = groups.setdefault((stack, test), {"stack": stack, "test": test, "unit": unit,
                                              "samples": [], "bytes": 0, "transactions": None,
                                              "hypercalls": {}, "perfc": {}})
        g["samples"].append(round(value, 3))
        g["bytes"] += moved
        if trans is not None:
            g["transactions"] = (g["transactions"] or 0) + trans
        for k, v in calls.items():
            g["hypercalls"][k] = g["hypercalls"].get(k, 0) + v
        for k, v in totals.items():
            g["perfc"][k] = g["perfc"].get(k, 0) + v
    results = []
    for g in groups.values():
        s = g.pop("samples")
        med = statistics.median(s)
        g["value"] = round(med, 3)
        g["samples"] = s
        g["min"], g["max"] = min(s), max(s)
        lo, hi, level = median_ci(s)
        g["ci95"] = [lo, hi]
        g["ci_level"] = round(level, 4)
        g["spread"] = round((max(s) - min(s)) / med, 3) if med else 0.0
        gb = g["bytes"] / 1e9
        g["per_gb"] = {k: round(v / gb, 1) for k, v in g["hypercalls"].items()} if gb else {}
        if g["transactions"]:
            g["per_transaction"] = {k: round(v / g["transactions"], 3)
                                    for k, v in g["hypercalls"].items()}
        if g["transactions"] is None:
            del g["transactions"]
        g["hypercalls"] = dict(sorted(g["hypercalls"].items(), key=lambda kv: -kv[1]))
        results.append(g)
    order = list(TEST_UNITS)
    results.sort(key=lambda g: (g["stack"], order.index(g["test"]) if g["test"] in order else 99))
    return results, checks


def median_ci(samples, level=0.95):
    """Distribution-free interval of the median: the order statistics
    (x_(j), x_(n+1-j)) with the largest j whose coverage, from the binomial
    distribution of how many samples fall below the median, is at least
    LEVEL. Returns (lo, hi, coverage). With fewer than 6 samples no pair
    reaches 95%: then it is (min, max) and the coverage says how much less
    (93.75% for 5)."""
    x = sorted(samples)
    n = len(x)
    if n == 0:
        return None, None, 0.0
    # cdf[k] = P(B <= k), B ~ Binomial(n, 1/2)
    pmf = [math.comb(n, k) / 2.0 ** n for k in range(n + 1)]
    best = 1
    for j in range(1, n // 2 + 1):
        cover = 1.0 - 2.0 * sum(pmf[:j])
        if cover >= level:
            best = j
        else:
            break
    cover = 1.0 - 2.0 * sum(pmf[:best])
    return x[best - 1], x[n - best], cover


def overlap(a, b):
    """True if two results' ci95 intervals overlap (or one has none)."""
    ia, ib = a.get("ci95"), b.get("ci95")
    if not ia or not ib or None in ia or None in ib:
        return True
    return not (ia[1] < ib[0] or ib[1] < ia[0])


def history(outdir, scen, stamp):
    """The last HISTORY_RUNS earlier results files of SCEN (by stamp)."""
    docs = {}
    # latest-SCEN.json is the last run's until this one replaces it; on a
    # fresh clone the published files (in git: docs/lab.md, "Results in
    # git") are the only history there is.
    for path in glob.glob(os.path.join(outdir, "%s-*.json" % scen)) + \
            glob.glob(os.path.join(outdir, "published", "%s-*.json" % scen)) + \
            [os.path.join(outdir, "latest-%s.json" % scen)]:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        st = str(doc.get("lab", {}).get("stamp", ""))
        # Another scenario's files share the prefix (toolstack-scale-...).
        if doc.get("scenario") != scen or not re.match(r"^\d{8}T\d{6}Z$", st) or st >= stamp:
            continue
        docs[st] = doc
    return sorted(docs.items())[-HISTORY_RUNS:]


def suspect_reasons(results, past):
    """A baseline far outside its own recent history makes the run suspect:
    under TCG one boot can be several times slower than the next, and a ratio
    against such a baseline flatters or wrongs twinring."""
    reasons = []
    for r in results:
        if r["stack"] not in BASELINE_STACKS or not r.get("value"):
            continue
        meds = [p["value"] for _, d in past for p in d.get("results", [])
                if p.get("stack") == r["stack"] and p.get("test") == r["test"] and p.get("value")]
        if not meds:
            continue
        ref = statistics.median(meds)
        if r["value"] < ref / HISTORY_FACTOR or r["value"] > ref * HISTORY_FACTOR:
            reasons.append("%s %s median %.1f %s is outside 1/%g..%gx of its last %d runs' median %.1f"
                           % (r["stack"], r["test"], r["value"], r["unit"], HISTORY_FACTOR,
                              HISTORY_FACTOR, len(meds), ref))
    return reasons


def first_line(path, default="unknown"):
    try:
        with open(path) as f:
            return f.readline().strip() or default
    except OSError:
        return default


PAIRS = [("netfront", "twinring-net"), ("blkfront", "twinring-blk")]


def ratio_text(a, b):
    """twinring over standard: the ratio of medians with the interval that the
    two medians' ci95 allow, or "no difference shown" when they overlap."""
    if not a or not b or not a["value"]:
        return "-"
    n = min(len(a.get("samples", [])), len(b.get("samples", [])))
    if n < MIN_SAMPLES:
        return "too few samples (n=%d)" % n
    if overlap(a, b):
        return "no difference shown"
    (alo, ahi), (blo, bhi) = a["ci95"], b["ci95"]
    lo = blo / ahi if ahi else float("inf")
    hi = bhi / alo if alo else float("inf")
    return "%.2fx [%.2f-%.2f]" % (b["value"] / a["value"], lo, hi)


def value_text(r):
    if not r:
        return "-"
    ci = r.get("ci95")
    if ci and None not in ci:
        return "%.1f [%.1f-%.1f] n=%d" % (r["value"], ci[0], ci[1], len(r.get("samples", [])))
    return "%.1f n=%d" % (r["value"], len(r.get("samples", [])))


def compare(paths):
    """The quick start's table: each test, standard driver vs twinring, the
    medians with their 95% intervals and the ratio only where they differ."""
    by = {}
    suspect = []
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        suspect += ["%s: %s" % (doc.get("scenario"), r) for r in doc.get("suspect", [])]
        for r in doc.get("results", []):
            by.setdefault((r["stack"], r["test"]), r)
    out = sys.stdout
    hdr = "%-24s %-8s %-30s %-30s %-24s %10s %10s\n"
    out.write("\n== standard Xen drivers vs twinring (same boot, interleaved; median [95% interval] n=samples)\n")
    out.write(hdr % ("test", "unit", "standard", "twinring", "twinring/standard",
                     "std hc/u", "twr hc/u"))
    for std, twr in PAIRS:
        for test in TEST_UNITS:
            a, b = by.get((std, test)), by.get((twr, test))
            if not a and not b:
                continue
            rr = test.endswith("_rr")

            def cost(r):
                if not r:
                    return None
                d = r.get("per_transaction" if rr else "per_gb") or {}
                return sum(d.values())
            ca, cb = cost(a), cost(b)
            out.write(hdr % (test, TEST_UNITS[test], value_text(a), value_text(b),
                             ratio_text(a, b),
                             "%.1f" % ca if ca is not None else "-",
                             "%.1f" % cb if cb is not None else "-"))
    out.write("hc/u: hypercalls (all domains) per GB moved, or per transaction for *_rr\n")
    if suspect:
        out.write("SUSPECT RUN (a baseline far outside its own history; its ratios mean little):\n")
        for r in suspect:
            out.write("  " + r + "\n")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--compare":
        return compare(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--meta", default="{}", help="JSON merged into each file's 'lab' field")
    ap.add_argument("--timed-out", action="store_true")
    a = ap.parse_args()

    run, guest = a.run, os.path.join(a.run, "guest")
    host_rows = [(r[0], float(r[1])) for r in read_tsv(os.path.join(run, "host-phases.tsv"))]
    boot_phases = durations(host_rows)
    renamed = {"qemu_start": "boot", "done": "poweroff"}
    boot_phases = {renamed.get(k, k): v for k, v in boot_phases.items() if k != "qemu_exit"}
    build_phases = {r[0]: float(r[1]) for r in read_tsv(os.path.join(run, "build-phases.tsv"))}
    guest_phase_owner = {r[1]: r[0] for r in read_tsv(os.path.join(guest, "phases.tsv"))}
    guest_checks = read_tsv(os.path.join(guest, "checks.tsv"))
    rows = read_tsv(os.path.join(guest, "results.tsv"))
    log_checks = scan_logs(run)
    xen = first_line(os.path.join(guest, "xen-version.txt"))
    kernel = first_line(os.path.join(guest, "kernel.txt"))
    ok_all = True
    os.makedirs(a.outdir, exist_ok=True)
    for scen in a.scenarios.split("+"):
        phases = dict(build_phases)
        for name, secs in boot_phases.items():
            owner = guest_phase_owner.get(name, "-")
            if owner in ("-", scen):
                phases[name] = secs
        phases["total"] = round(sum(phases.values()), 1)
        checks = []
        if a.timed_out:
            checks.append({"name": "no_timeout", "pass": False,
                           "detail": "the machine did not power off in time"})
        if not os.path.exists(os.path.join(guest, "rc")):
            checks.append({"name": "results_collected", "pass": False,
                           "detail": "dom0 did not write its results (see console.log)"})
        for r in guest_checks:
            if r[0] in ("-", scen):
                checks.append({"name": r[1], "pass": r[2] == "true",
                               "detail": r[3] if len(r) > 3 else ""})
        results, rchecks = build_results(run, scen, rows)
        checks += rchecks + log_checks
        if not results and not any(c["name"].startswith("scenario_") for c in checks):
            checks.append({"name": "scenario_" + scen, "pass": False, "detail": "did not run"})
        suspect = suspect_reasons(results, history(a.outdir, scen, a.stamp))
        # A sample taken twice (its tool died or hung: lib.sh twr_bench_try).
        suspect += ["%s: %s" % (c["name"], c["detail"]) for c in checks
                    if c["name"].startswith("retried_")]
        doc = {"scenario": scen, "xen": xen, "kernel": kernel, "phases": phases,
               "checks": checks, "results": results, "suspect": suspect,
               "lab": dict(json.loads(a.meta), logs=os.path.relpath(run, os.path.dirname(a.outdir)))}
        path = os.path.join(a.outdir, "%s-%s.json" % (scen, a.stamp))
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        shutil.copyfile(path, os.path.join(a.outdir, "latest-%s.json" % scen))
        print_summary(doc, path)
        ok_all &= all(c["pass"] for c in checks)
    return 0 if ok_all else 1


def print_summary(doc, path):
    out = sys.stdout
    out.write("\n== %s  (xen %s, kernel %s) -> %s\n" % (doc["scenario"], doc["xen"], doc["kernel"], path))
    out.write("phases: " + ", ".join("%s %.0fs" % kv for kv in doc["phases"].items()) + "\n")
    hdr = "%-22s %-24s %-30s %-8s %6s %12s %12s %12s %12s\n"
    out.write(hdr % ("stack", "test", "median [95% interval] n", "unit", "spread", "hcalls/GB",
                     "grant_op/GB", "evtchn_op/GB", "hcalls/trans"))
    for r in doc["results"]:
        pg = r.get("per_gb", {})
        pt = r.get("per_transaction")
        out.write(hdr % (r["stack"], r["test"], value_text(r), r["unit"],
                         "%.0f%%" % (100 * r.get("spread", 0)),
                         "%.0f" % sum(pg.values()),
                         "%.0f" % pg.get("grant_table_op", 0),
                         "%.0f" % pg.get("event_channel_op", 0),
                         "%.1f" % sum(pt.values()) if pt else "-"))
    for reason in doc.get("suspect", []):
        out.write("SUSPECT: %s\n" % reason)
    bad = [c for c in doc["checks"] if not c["pass"]]
    out.write("checks: %d passed, %d failed\n" % (len(doc["checks"]) - len(bad), len(bad)))
    for c in bad:
        out.write("  FAILED %s: %s\n" % (c["name"], c["detail"]))


if __name__ == "__main__":
    sys.exit(main())
