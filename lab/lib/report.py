#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Render the lab's results as PNG plots and one HTML page (docs/lab.md, "Report").

  report.py [--results DIR] [--out DIR] [--runs N]

Reads DIR/latest-<scenario>.json and the earlier DIR/<scenario>-<stamp>.json,
writes OUT/index.html (default DIR/report) with its PNGs beside it. The output
depends only on the input files: no clock, no network, no randomness.
"""
import argparse
import html
import json
import math
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

import results  # noqa: E402  (lab/lib/results.py, beside this file)

STANDARD = ("netfront", "blkfront")
STAMPED = re.compile(r"^(?P<scen>.+)-(?P<stamp>\d{8}T\d{6}Z)\.json$")
PLOTS = ("values", "per_gb", "per_transaction", "history")
HC_KEYS = ("total", "grant_table_op", "event_channel_op")
NODIFF = "no difference shown"
# Standard drivers blue, twinring orange, anything else (variants, exitcost's
# pseudo-stacks) from this list in sorted order: the same stack keeps its
# colour across a scenario's plots.
BASE_COLOURS = {"netfront": "#4c72b0", "blkfront": "#4c72b0",
                "twinring-net": "#dd8452", "twinring-blk": "#dd8452"}
MORE_COLOURS = ("#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974")


def warn(msg):
    sys.stderr.write("report: %s\n" % msg)


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def fmt(v):
    if not number(v):
        return "-"
    a = abs(v)
    if a >= 1e6:
        return "%.3g" % v
    if a >= 1e3:
        return "%.0f" % v
    return "%.4g" % v


def load(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        warn("skipping %s: %s" % (path, e))
        return None
    if not isinstance(doc, dict):
        warn("skipping %s: not a results object" % path)
        return None
    return doc


def stamp_of(doc, fallback):
    lab = doc.get("lab") if isinstance(doc.get("lab"), dict) else {}
    return str(lab.get("stamp") or fallback)


def collect(results_dir, runs):
    """{scenario: {"latest": doc, "history": [(stamp, doc)] oldest first}}.

    History is the stamped files plus the latest one (usually a copy of the
    newest stamped file; a fresh clone has only the latest), last RUNS runs.
    """
    scen = {}
    names = sorted(os.listdir(results_dir))
    for name in names:
        if not (name.startswith("latest-") and name.endswith(".json")):
            continue
        doc = load(os.path.join(results_dir, name))
        if doc is None:
            continue
        s = str(doc.get("scenario") or name[len("latest-"):-len(".json")])
        scen[s] = {"latest": doc, "file": name,
                   "runs": {stamp_of(doc, "latest"): doc}}
    for name in names:
        m = STAMPED.match(name)
        if not m:
            continue
        doc = load(os.path.join(results_dir, name))
        if doc is None:
            continue
        s = str(doc.get("scenario") or m.group("scen"))
        e = scen.setdefault(s, {"latest": None, "file": name, "runs": {}})
        e["runs"].setdefault(stamp_of(doc, m.group("stamp")), doc)
    for s, e in scen.items():
        stamps = sorted(e["runs"])
        e["history"] = [(st, e["runs"][st]) for st in stamps[-runs:]]
        if e["latest"] is None:
            e["latest"] = e["history"][-1][1]
            e["file"] = "%s-%s.json" % (s, e["history"][-1][0])
    return scen


def results_of(doc):
    return [r for r in doc.get("results") or []
            if isinstance(r, dict) and r.get("stack") and r.get("test")]


def by_test(doc):
    """{test: {stack: result}} in the scenario's own order of tests."""
    out = {}
    for r in results_of(doc):
        out.setdefault(str(r["test"]), {}).setdefault(str(r["stack"]), r)
    return out


def order(stacks):
    """Standard drivers first, then twinring's, then the rest, each sorted."""
    def key(s):
        return (0 if s in STANDARD else 1 if s.startswith("twinring") else 2, s)
    return sorted(stacks, key=key)


def colours(doc):
    stacks = order({str(r["stack"]) for r in results_of(doc)})
    extra = iter(MORE_COLOURS * (1 + len(stacks) // len(MORE_COLOURS)))
    return {s: BASE_COLOURS.get(s) or next(extra) for s in stacks}


def ci95(r):
    ci = r.get("ci95")
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(number(x) for x in ci):
        return (min(ci), max(ci))
    return None


def samples(r):
    return [x for x in r.get("samples") or [] if number(x)]


def error_bar(r):
    """(lo, hi, kind): ci95 when the result has one, else the samples' range."""
    ci = ci95(r)
    if ci:
        return ci[0], ci[1], "ci95"
    s = samples(r)
    if len(s) >= 2:
        return min(s), max(s), "range"
    return None


def hc_counts(d):
    """Total, grant_table_op, event_channel_op of a per_gb/per_transaction dict."""
    if not isinstance(d, dict) or not d:
        return None
    vals = {k: v for k, v in d.items() if number(v)}
    return {"total": sum(vals.values()),
            "grant_table_op": vals.get("grant_table_op", 0),
            "event_channel_op": vals.get("event_channel_op", 0)}


def partner(stack, stacks):
    """The standard stack a twinring stack is measured against, or None."""
    for suffix, std in (("net", "netfront"), ("blk", "blkfront")):
        if (stack == "twinring-" + suffix or stack.startswith("twinring-%s-" % suffix)) \
                and std in stacks:
            return std
    present = [s for s in STANDARD if s in stacks]
    return present[0] if len(present) == 1 else None


def comparisons(doc):
    """[{test, stack, std, a, b, ratio, nodiff}]: every twinring stack beside its standard.

    nodiff: results.overlap(), the rule of the quick start's table: the
    intervals overlap, or one side has none (then no difference is shown).
    """
    out = []
    for test, stacks in by_test(doc).items():
        for s in order(stacks):
            if not s.startswith("twinring"):
                continue
            std = partner(s, stacks)
            if std is None:
                continue
            a, b = stacks[std], stacks[s]
            ratio = b["value"] / a["value"] \
                if number(a.get("value")) and number(b.get("value")) and a["value"] else None
            nodiff = results.overlap(a, b)
            # As results.py's table: fewer than 5 samples give no interval
            # worth a ratio.
            n = min(len(a.get("samples") or []), len(b.get("samples") or []))
            out.append({"test": test, "stack": s, "std": std, "a": a, "b": b,
                        "ratio": ratio, "nodiff": nodiff, "n": n})
    return out


# One threshold for the text table and the report.
MIN_SAMPLES = results.MIN_SAMPLES


def verdict(c):
    if c.get("n", MIN_SAMPLES) < MIN_SAMPLES:
        return "too few samples (n=%d)" % c["n"]
    if c["nodiff"]:
        return NODIFF
    return "%.2f" % c["ratio"] if c["ratio"] is not None else "-"


def suspect(doc):
    s = doc.get("suspect")
    if isinstance(s, str):
        s = [s]
    return [str(x) for x in s or [] if str(x).strip()]


# --- plots --------------------------------------------------------------------

def grid(n, w=3.4, h=3.3):
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(w * cols, h * rows + 0.6), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def finish(fig, path, title, doc, top=0.95):
    sus = suspect(doc)
    fig.suptitle(title, fontsize=11, fontweight="bold")
    if sus:
        fig.text(0.5, 0.005, "SUSPECT RUN: " + "; ".join(sus), ha="center", va="bottom",
                 color="#b00020", fontsize=9, fontweight="bold", wrap=True)
    fig.tight_layout(rect=(0, 0.05 if sus else 0, 1, top))
    # No "Software" chunk: the bytes depend on the data, not on who drew them.
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def plot_values(doc, scen, path):
    """One panel per test: a bar per stack (median), its error bar, its samples."""
    tests = by_test(doc)
    col = colours(doc)
    cmp = {(c["test"], c["stack"]): c for c in comparisons(doc)}
    fig, axes = grid(len(tests))
    for ax, (test, stacks) in zip(axes, tests.items()):
        names = order(stacks)
        unit = ""
        labels = []
        for i, s in enumerate(names):
            r = stacks[s]
            unit = unit or str(r.get("unit") or "")
            v = r.get("value") if number(r.get("value")) else 0
            ax.bar(i, v, 0.7, color=col[s], edgecolor="black", linewidth=0.5, zorder=2)
            eb = error_bar(r)
            if eb:
                ax.errorbar(i, v, yerr=[[max(0, v - eb[0])], [max(0, eb[1] - v)]],
                            fmt="none", ecolor="black", capsize=5, linewidth=1.2, zorder=3)
            pts = samples(r)
            # Spread the dots evenly across the bar: deterministic jitter.
            xs = [i + (0.0 if len(pts) == 1 else -0.2 + 0.4 * k / (len(pts) - 1))
                  for k in range(len(pts))]
            ax.scatter(xs, pts, s=14, color="black", alpha=0.75, zorder=4, linewidths=0)
            c = cmp.get((test, s))
            if c:
                v = verdict(c)
                labels.append("%s\n%s" % (s, v if v[:1].isalpha() else
                                          "%s\u00d7 %s" % (v, c["std"])))
            else:
                labels.append(s)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(labels, fontsize=7, rotation=20, ha="right")
        pad = 0.6 if len(names) > 1 else 1.0
        ax.set_xlim(-pad, len(names) - 1 + pad)
        ax.set_title(test, fontsize=10)
        ax.set_ylabel(unit, fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3, zorder=0)
        ax.tick_params(axis="y", labelsize=8)
    finish(fig, path, "%s: median per stack (bar), 95%% CI or min-max (whisker), samples (dots)"
           % scen, doc)


def plot_hypercalls(doc, scen, path, field, tests_wanted):
    """One panel per test: total, grant_table_op, event_channel_op per stack."""
    tests = {}
    for test, stacks in by_test(doc).items():
        if not tests_wanted(test):
            continue
        have = {s: hc_counts(r.get(field)) for s, r in stacks.items()}
        have = {s: h for s, h in have.items() if h}
        if have:
            tests[test] = have
    if not tests:
        return False
    col = colours(doc)
    fig, axes = grid(len(tests))
    used = []
    for ax, (test, have) in zip(axes, tests.items()):
        names = order(have)
        w = 0.8 / len(names)
        for j, s in enumerate(names):
            xs = [k - 0.4 + w * (j + 0.5) for k in range(len(HC_KEYS))]
            ax.bar(xs, [have[s][k] for k in HC_KEYS], w, color=col[s], edgecolor="black",
                   linewidth=0.5, zorder=2)
            if s not in used:
                used.append(s)
        ax.set_xticks(range(len(HC_KEYS)))
        ax.set_xticklabels(HC_KEYS, fontsize=7)
        ax.set_title(test, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3, zorder=0)
        ax.tick_params(axis="y", labelsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=col[s]) for s in order(used)]
    h = fig.get_figheight()
    fig.legend(handles, order(used), loc="upper center", bbox_to_anchor=(0.5, 1 - 0.4 / h),
               fontsize=8, ncol=len(used), frameon=False)
    what = "per GB moved" if field == "per_gb" else "per transaction"
    finish(fig, path, "%s: hypercalls %s (all domains)" % (scen, what), doc, top=1 - 0.6 / h)
    return True


def history_ratios(history):
    """[((test, stack), label, [(ratio or None, nodiff)] per run)] for every pair seen."""
    keys = []
    per_run = []
    for _, doc in history:
        d = {}
        for c in comparisons(doc):
            k = (c["test"], c["stack"])
            d[k] = c
            if k not in keys:
                keys.append(k)
        per_run.append(d)
    twr = {k[1] for k in keys}
    lines = []
    for k in keys:
        label = k[0] if len(twr) == 1 else "%s %s" % k
        lines.append((k, label, [(d[k]["ratio"], d[k]["nodiff"]) if k in d else (None, False)
                                 for d in per_run]))
    return lines


def short_stamp(st):
    m = re.match(r"^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)", st)
    return "%s-%s-%s\n%s:%s" % m.groups() if m else st


def plot_history(history, scen, path):
    """x = run, y = ratio; a colour per test, a line style per twinring stack."""
    lines = history_ratios(history)
    if not lines:
        return False
    n = len(history)
    tests = []
    stacks = []
    for (t, s), _, _ in lines:
        tests += [t] if t not in tests else []
        stacks += [s] if s not in stacks else []
    stacks = order(stacks)
    cycle = ("#4c72b0", "#dd8452") + MORE_COLOURS
    styles = ("-", "--", ":", "-.")
    fig, ax = plt.subplots(figsize=(max(7.5, 0.9 * n + 4.5), 4.6))
    for (t, s), label, pts in lines:
        c = cycle[tests.index(t) % len(cycle)]
        ys = [p[0] if p[0] is not None else float("nan") for p in pts]
        ax.plot(range(n), ys, styles[stacks.index(s) % len(styles)], color=c, marker="o",
                markersize=5, label=label, linewidth=1.5)
        hollow = [(x, p[0]) for x, p in enumerate(pts) if p[0] is not None and p[1]]
        if hollow:
            ax.scatter(*zip(*hollow), facecolors="white", edgecolors=c, s=30, zorder=3)
    ax.axhline(1.0, color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(n))
    ax.set_xticklabels([short_stamp(st) + ("\nSUSPECT" if suspect(d) else "")
                        for st, d in history], fontsize=7)
    for tick, (_, d) in zip(ax.get_xticklabels(), history):
        if suspect(d):
            tick.set_color("#b00020")
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("run (UTC)", fontsize=9)
    ax.set_ylabel("twinring median / standard median", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    # Suspect runs are marked on the axis, not in finish()'s banner.
    finish(fig, path, "%s: ratio per test, last %d run(s); hollow = %s"
           % (scen, n, NODIFF), {})
    return True


# --- the page -----------------------------------------------------------------

CSS = """body{font-family:sans-serif;max-width:1400px;margin:1em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #bbb;padding:2px 8px;
text-align:right;font-size:90%}th{background:#eee}td.l,th.l{text-align:left}
.suspect{border:3px solid #b00020;background:#fde7ea;padding:.5em 1em;margin:.5em 0}
.suspect b{color:#b00020}.fail{color:#b00020;font-weight:bold}.nodiff{color:#666;font-style:italic}
img{max-width:100%;display:block;margin:.5em 0 1.5em}.meta{color:#555;font-size:90%}"""


def esc(v):
    return html.escape(str(v), quote=True)


def row(cells, head=False, attrs=""):
    tag = "th" if head else "td"
    out = []
    for c in cells:
        cls, text = c if isinstance(c, tuple) else ("", c)
        out.append("<%s%s>%s</%s>" % (tag, ' class="%s"' % cls if cls else "", text, tag))
    return "<tr%s>%s</tr>" % (attrs, "".join(out))


def suspect_box(doc, what):
    sus = suspect(doc)
    if not sus:
        return ""
    return ('<div class="suspect"><b>SUSPECT %s</b><ul>%s</ul></div>'
            % (esc(what), "".join("<li>%s</li>" % esc(s) for s in sus)))


def checks_line(doc):
    checks = [c for c in doc.get("checks") or [] if isinstance(c, dict)]
    bad = [c for c in checks if not c.get("pass")]
    out = "<p>checks: %d passed, %s</p>" % (
        len(checks) - len(bad),
        '<span class="fail">%d failed</span>' % len(bad) if bad else "0 failed")
    if bad:
        out += "<ul>%s</ul>" % "".join("<li><code>%s</code>: %s</li>" % (
            esc(c.get("name", "?")), esc(c.get("detail", ""))) for c in bad)
    return out


def meta_line(doc, file):
    lab = doc.get("lab") if isinstance(doc.get("lab"), dict) else {}
    return '<p class="meta">%s: run %s, commit %s, xen %s, kernel %s</p>' % (
        esc(file), esc(lab.get("stamp", "?")), esc(lab.get("git", "?")),
        esc(doc.get("xen", "?")), esc(doc.get("kernel", "?")))


def comparison_table(doc):
    cs = comparisons(doc)
    if not cs:
        return ""
    out = ["<h3>twinring vs the standard driver (same boot)</h3><table>",
           row(("test", "twinring stack", "standard", "twinring median", "standard median",
                "unit", "ratio"), head=True)]
    for c in cs:
        v = verdict(c)
        if c["nodiff"] and c.get("n", MIN_SAMPLES) >= MIN_SAMPLES:
            v = '%s <span class="meta">(95%% CIs overlap; ratio %.2f)</span>' % (NODIFF, c["ratio"]) \
                if c["ratio"] is not None else NODIFF
        attrs = ' class="cmp" data-test="%s" data-stack="%s"' % (esc(c["test"]), esc(c["stack"]))
        out.append(row((("l", esc(c["test"])), ("l", esc(c["stack"])), ("l", esc(c["std"])),
                        fmt(c["b"].get("value")), fmt(c["a"].get("value")),
                        ("l", esc(c["b"].get("unit", ""))),
                        ("nodiff" if c["nodiff"] else "", v)), attrs=attrs))
    out.append("</table><p class=\"meta\">ratio = twinring median / standard median; "
               "&ldquo;%s&rdquo;: the 95%% CIs overlap, or one side has none.</p>" % NODIFF)
    return "".join(out)


def results_table(doc):
    out = ["<h3>Results</h3><table>",
           row(("test", "stack", "median", "unit", "interval", "samples",
                "hc/GB total", "grant_table_op/GB", "event_channel_op/GB",
                "hc/trans total", "grant_table_op/trans", "event_channel_op/trans"), head=True)]
    for test, stacks in by_test(doc).items():
        for s in order(stacks):
            r = stacks[s]
            eb = error_bar(r)
            g = hc_counts(r.get("per_gb")) or {}
            t = hc_counts(r.get("per_transaction")) if test.endswith("_rr") else None
            t = t or {}
            out.append(row((("l", esc(test)), ("l", esc(s)), fmt(r.get("value")),
                            ("l", esc(r.get("unit", ""))),
                            "%s %s..%s" % (eb[2], fmt(eb[0]), fmt(eb[1])) if eb else "-",
                            str(len(samples(r))),
                            fmt(g.get("total")), fmt(g.get("grant_table_op")),
                            fmt(g.get("event_channel_op")),
                            fmt(t.get("total")), fmt(t.get("grant_table_op")),
                            fmt(t.get("event_channel_op")))))
    out.append("</table>")
    return "".join(out)


def history_table(history):
    lines = history_ratios(history)
    if not lines:
        return ""
    out = ['<table class="history">',
           row(["run (UTC)", "commit"] + [esc(lab) for _, lab, _ in lines], head=True)]
    for i, (st, doc) in enumerate(history):
        lab = doc.get("lab") if isinstance(doc.get("lab"), dict) else {}
        cells = [("l", esc(st) + (' <span class="fail">suspect</span>' if suspect(doc) else "")),
                 ("l", esc(lab.get("git", "?")))]
        for _, _, pts in lines:
            ratio, nodiff = pts[i]
            cells.append(("nodiff", NODIFF) if nodiff else
                         "%.2f" % ratio if ratio is not None else "-")
        out.append(row(cells))
    out.append("</table>")
    return "".join(out)


def img(name, alt):
    return '<img src="%s" alt="%s">' % (esc(name), esc(alt))


def safe(s):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", s)


def render(scen, out_dir):
    body = []
    index = []
    quiet = []
    for s in sorted(scen):
        e = scen[s]
        doc = e["latest"]
        if not results_of(doc):
            quiet.append((s, e))
            continue
        base = safe(s)
        flags = (' <span class="fail">SUSPECT</span>' if suspect(doc) else "")
        index.append('<li><a href="#%s">%s</a>%s</li>' % (esc(base), esc(s), flags))
        body.append('<h2 id="%s">%s</h2>' % (esc(base), esc(s)))
        body.append(suspect_box(doc, "RUN: do not trust these numbers"))
        body.append(meta_line(doc, e["file"]))
        body.append(checks_line(doc))
        body.append(comparison_table(doc))
        plot_values(doc, s, os.path.join(out_dir, base + "-values.png"))
        body.append(img(base + "-values.png", s + ": medians per stack"))
        body.append(results_table(doc))
        if plot_hypercalls(doc, s, os.path.join(out_dir, base + "-per_gb.png"), "per_gb",
                           lambda t: True):
            body.append("<h3>Hypercalls per GB</h3>" + img(base + "-per_gb.png", s + ": per GB"))
        if plot_hypercalls(doc, s, os.path.join(out_dir, base + "-per_transaction.png"),
                           "per_transaction", lambda t: t.endswith("_rr")):
            body.append("<h3>Hypercalls per transaction (*_rr)</h3>"
                        + img(base + "-per_transaction.png", s + ": per transaction"))
        h = e["history"]
        if plot_history(h, s, os.path.join(out_dir, base + "-history.png")):
            body.append("<h3>History: %d run(s), %s to %s</h3>" % (len(h), esc(h[0][0]), esc(h[-1][0])))
            body.append(img(base + "-history.png", s + ": ratio history"))
            body.append(history_table(h))
    if quiet:
        body.append("<h2>Scenarios without benchmark results</h2><ul>")
        for s, e in quiet:
            body.append("<li><b>%s</b> %s %s%s</li>" % (
                esc(s), meta_line(e["latest"], e["file"]), checks_line(e["latest"]),
                suspect_box(e["latest"], "RUN")))
        body.append("</ul>")
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>twinring lab report</title>"
            "<style>%s</style></head><body>\n<h1>twinring lab report</h1>\n"
            "<p>Under QEMU TCG absolute speeds vary by up to &plusmn;40%% between identical runs: "
            "compare stacks within one boot and count hypercalls (docs/lab.md).</p>\n"
            "<ul>%s</ul>\n%s\n</body></html>\n") % (CSS, "".join(index), "\n".join(b for b in body if b))
    return page


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default=os.path.join(here, "..", "results"),
                    help="directory of latest-*.json and <scenario>-<stamp>.json")
    ap.add_argument("--out", help="output directory (default RESULTS/report)")
    ap.add_argument("--runs", type=int, default=20, help="runs in each history plot")
    a = ap.parse_args()
    out_dir = a.out or os.path.join(a.results, "report")
    if not os.path.isdir(a.results):
        warn("no results directory %s" % a.results)
        return 1
    scen = collect(a.results, max(1, a.runs))
    if not scen:
        warn("no latest-*.json or <scenario>-<stamp>.json in %s (run lab/lab.sh main)" % a.results)
        return 1
    os.makedirs(out_dir, exist_ok=True)
    # Drop the plots of an earlier report, so none outlives its scenario.
    mine = re.compile(r"^.+-(%s)\.png$" % "|".join(PLOTS))
    for name in os.listdir(out_dir):
        if mine.match(name):
            os.remove(os.path.join(out_dir, name))
    page = render(scen, out_dir)
    tmp = os.path.join(out_dir, ".index.html.tmp")
    with open(tmp, "w") as f:
        f.write(page)
    os.replace(tmp, os.path.join(out_dir, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
