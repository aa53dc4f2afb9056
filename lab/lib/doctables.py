#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The measured tables of docs/*.md, generated from committed results files.

  doctables.py [--top DIR] [--check]          regenerate (or check) every table
  doctables.py [--top DIR] --publish SCEN...  commit-ready copies of the latest
                                              runs; point the docs' tables at them
                                              and drop the files they replace

A table in a document is a block

  <!-- twr-table KIND lab/results/published/SCEN-STAMP-COMMIT.json [OPTIONS] -->
  ... generated, never edited by hand ...
  <!-- /twr-table -->

KIND is one of:
  comparison  each test: standard driver vs twinring, medians with their 95%
              interval, the ratio only where the intervals do not overlap
              (lab/lib/results.py's rules), grant and event-channel hypercalls
              per GB (per transaction for *_rr); OPTIONS tests=a,b,c
  results     every result: stack, test, median, interval, samples;
              OPTIONS tests=a,b,c stacks=x,y
  checks      how many checks passed, and each failed one by name
  phases      the boot's phases and their seconds (docs/lab.md, "Cost")

The block ends with a line naming its source file, run and commit, so every
figure in the docs says which run it is from. --check exits 1 if any block
differs from what its file gives, names a missing file, or if a file under
lab/results/published/ is quoted by no document (docs/lab.md, "Results in
git").
"""
import argparse
import glob
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402  (lab/lib/results.py)

PUBLISHED = "lab/results/published"
BLOCK = re.compile(r"(?P<open><!-- twr-table (?P<args>[^>]*?) -->\n)(?P<body>.*?)"
                   r"(?P<close><!-- /twr-table -->)", re.S)
KINDS = ("comparison", "results", "checks", "phases")


def fail(msg):
    sys.stderr.write("doctables: %s\n" % msg)
    return 1


def cost(r, rr):
    d = (r or {}).get("per_transaction" if rr else "per_gb") or {}
    g, e = d.get("grant_table_op"), d.get("event_channel_op")
    if g is None and e is None and not d:
        return "-"
    return "%s / %s" % (short(g or 0), short(e or 0))


def short(v):
    if v >= 100:
        return "%.0f" % v
    return "%.3g" % v


def opts_of(words):
    opts = {}
    for w in words:
        k, sep, v = w.partition("=")
        if not sep or k not in ("tests", "stacks", "names"):
            raise ValueError("unknown option %r (tests=..., stacks=..., names=...)" % w)
        opts[k] = [x for x in v.split(",") if x]
    return opts


def table_comparison(doc, opts):
    by = {}
    for r in doc.get("results") or []:
        by.setdefault((r.get("stack"), r.get("test")), r)
    tests = opts.get("tests") or [t for t in results.TEST_UNITS
                                  if any(k[1] == t for k in by)]
    rows = ["| test | unit | standard | twinring | twinring/standard | "
            "grant / evtchn ops, standard | grant / evtchn ops, twinring |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for std, twr in results.PAIRS:
        for t in tests:
            a, b = by.get((std, t)), by.get((twr, t))
            if not a and not b:
                continue
            rr = t.endswith("_rr")
            rows.append("| %s | %s | %s %s | %s %s | %s | %s | %s |" % (
                t, (a or b).get("unit", ""), std, results.value_text(a),
                twr, results.value_text(b), results.ratio_text(a, b),
                cost(a, rr), cost(b, rr)))
    if len(rows) == 2:
        raise ValueError("no standard/twinring pair in this file")
    rows.append("")
    rows.append("Medians [95% interval of the median] n=samples, interleaved in one boot; "
                "the ratio only where the intervals do not overlap. Hypercalls per GB "
                "moved (per transaction for `*_rr`), all domains.")
    return rows


def table_results(doc, opts):
    rows = ["| test | stack | median [95% interval] n | unit |", "| --- | --- | --- | --- |"]
    for r in doc.get("results") or []:
        if opts.get("tests") and r.get("test") not in opts["tests"]:
            continue
        if opts.get("stacks") and r.get("stack") not in opts["stacks"]:
            continue
        rows.append("| %s | %s | %s | %s |" % (r.get("test"), r.get("stack"),
                                              results.value_text(r), r.get("unit", "")))
    if len(rows) == 2:
        raise ValueError("no result matches")
    return rows


def table_checks(doc, opts):
    cs = doc.get("checks") or []
    if opts.get("names"):
        # The named checks with what they measured (their detail).
        by = {c.get("name"): c for c in cs}
        rows = ["| check | passed | detail |", "| --- | --- | --- |"]
        for n in opts["names"]:
            if n not in by:
                fail("no check %r in the results" % n)
            c = by[n]
            detail = str(c.get("detail", "")).replace("|", "/")
            rows.append("| `%s` | %s | %s |" % (n, "yes" if c.get("pass") else "**no**", detail))
        return rows
    bad = [c.get("name", "?") for c in cs if not c.get("pass")]
    rows = ["%d of %d checks passed." % (len(cs) - len(bad), len(cs))]
    rows += ["- FAILED: `%s`" % n for n in bad]
    return rows


def table_phases(doc, opts):
    ph = doc.get("phases") or {}
    rows = ["| phase | seconds |", "| --- | ---: |"]
    rows += ["| %s | %.1f |" % (k, v) for k, v in ph.items()
             if isinstance(v, (int, float)) and k != "total"]
    if "total" in ph:
        rows.append("| **total** | **%.1f** |" % ph["total"])
    return rows


def render(top, args):
    words = args.split()
    if len(words) < 2 or words[0] not in KINDS:
        raise ValueError("expected '<!-- twr-table KIND FILE [OPTIONS] -->', KIND one of %s"
                         % ", ".join(KINDS))
    kind, path = words[0], words[1]
    if not path.startswith(PUBLISHED + "/"):
        raise ValueError("%s: tables quote committed files under %s/ only" % (path, PUBLISHED))
    with open(os.path.join(top, path)) as f:
        doc = json.load(f)
    rows = globals()["table_" + kind](doc, opts_of(words[2:]))
    lab = doc.get("lab") or {}
    rows += ["", "_Generated by `lab/lab.sh doctables` from `%s` (run %s, commit %s, "
             "Xen %s, kernel %s)._" % (path, lab.get("stamp", "?"), lab.get("git", "?"),
                                     doc.get("xen", "?"), doc.get("kernel", "?"))]
    return "\n".join(rows) + "\n"


def fenced(text):
    """The [start, end) spans of the text's ``` code blocks: a table's
    markers written there are an example, not a table."""
    spans, start, pos = [], None, 0
    for line in text.splitlines(True):
        if line.lstrip().startswith("```"):
            if start is None:
                start = pos
            else:
                spans.append((start, pos + len(line)))
                start = None
        pos += len(line)
    return spans


def blocks(text):
    spans = fenced(text)
    return [m for m in BLOCK.finditer(text)
            if not any(a <= m.start() < b for a, b in spans)]


def docs_of(top):
    return sorted(glob.glob(os.path.join(top, "docs", "*.md")) +
                  [os.path.join(top, "README.md")])


def regenerate(top, check):
    rc, quoted = 0, set()
    for md in docs_of(top):
        if not os.path.exists(md):
            continue
        with open(md) as f:
            text = f.read()
        rel = os.path.relpath(md, top)

        spans = fenced(text)

        def sub(m):
            nonlocal rc
            if any(a <= m.start() < b for a, b in spans):
                return m.group(0)
            words = m.group("args").split()
            if len(words) > 1:
                quoted.add(words[1])
            try:
                body = render(top, m.group("args"))
            except (OSError, ValueError, KeyError) as e:
                rc = fail("%s: table '%s': %s" % (rel, m.group("args"), e))
                return m.group(0)
            return m.group("open") + body + m.group("close")
        new = BLOCK.sub(sub, text)
        if new != text:
            if check:
                rc = fail("%s: a generated table differs from its results file "
                          "(run lab/lab.sh doctables and commit)" % rel)
            else:
                with open(md, "w") as f:
                    f.write(new)
                print("doctables: rewrote the tables of %s" % rel)
    for p in sorted(glob.glob(os.path.join(top, PUBLISHED, "*.json"))):
        rel = os.path.relpath(p, top)
        if rel not in quoted:
            msg = "%s is quoted by no document: quote it in a table or git rm it" % rel
            if check:
                rc = fail(msg)
            else:
                print("doctables: warning: " + msg)
    return rc


def publish(top, scens):
    """Copy lab/results/latest-SCEN.json to published/SCEN-STAMP-COMMIT.json
    and point every table quoting an earlier file of SCEN at it."""
    os.makedirs(os.path.join(top, PUBLISHED), exist_ok=True)
    for scen in scens:
        src = os.path.join(top, "lab/results/latest-%s.json" % scen)
        try:
            with open(src) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            return fail("%s: %s (run the scenario first)" % (src, e))
        lab = doc.get("lab") or {}
        stamp, git = str(lab.get("stamp", "")), str(lab.get("git", ""))
        if doc.get("scenario") != scen or not re.match(r"^\d{8}T\d{6}Z$", stamp) \
                or not re.match(r"^[0-9a-f]{7,40}(-dirty)?$", git):
            return fail("%s: not a complete results file of %s (scenario, lab.stamp, lab.git)"
                        % (src, scen))
        name = "%s/%s-%s-%s.json" % (PUBLISHED, scen, stamp, git)
        shutil.copyfile(src, os.path.join(top, name))
        print("doctables: %s" % name)
        old = re.compile(r"%s/%s-\d{8}T\d{6}Z-[0-9a-f]+(-dirty)?\.json" % (PUBLISHED, re.escape(scen)))
        for md in docs_of(top):
            if not os.path.exists(md):
                continue
            with open(md) as f:
                text = f.read()
            spans = fenced(text)
            new = BLOCK.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in spans)
                            else m.group(0).replace(m.group("open"),
                                                    old.sub(name, m.group("open"))), text)
            if new != text:
                with open(md, "w") as f:
                    f.write(new)
    rc = regenerate(top, False)
    # The files the new ones replaced are quoted no more: they leave git.
    quoted = set()
    for md in docs_of(top):
        if os.path.exists(md):
            with open(md) as f:
                quoted |= {m.group("args").split()[1] for m in blocks(f.read())
                           if len(m.group("args").split()) > 1}
    for scen in scens:
        for p in glob.glob(os.path.join(top, PUBLISHED, "%s-*.json" % scen)):
            rel = os.path.relpath(p, top)
            if rel not in quoted and re.match(r"^%s-\d{8}T" % re.escape(scen), os.path.basename(p)):
                os.remove(p)
                print("doctables: removed %s (replaced; git rm it)" % rel)
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", ".."))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--publish", nargs="+", metavar="SCEN")
    a = ap.parse_args()
    top = os.path.abspath(a.top)
    if a.publish:
        return publish(top, a.publish)
    return regenerate(top, a.check)


if __name__ == "__main__":
    sys.exit(main())
