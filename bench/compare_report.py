#!/usr/bin/env python3
"""The reporting half of bench/compare: reads the JSON documents that
`griddle-bench load --json` wrote for each run and prints the tables, writes
the latency-vs-throughput plot (an SVG written here, no plotting library) and
the section of docs/benchmarks.md between its marker lines.

    compare_report.py meta RESULTS/meta.json KEY=VALUE...
    compare_report.py step RUN.json [--rate R] [--target feed|mixed --meta META]
    compare_report.py report RESULTS [--docs FILE --svg FILE] [--elapsed S]

`step` prints one line about a run for the progress output; with --rate it
exits 10 when the server fell behind the scheduled rate (achieved under 95 %
of it, any error, or a p99 over 200 ms). Python standard library only.
"""
import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import textwrap
from xml.sax.saxutils import escape

BEGIN_MARKER = "<!-- bench/compare: begin -->"
END_MARKER = "<!-- bench/compare: end -->"
SECTION_TITLE = "## Griddle beside its peers: `bench/compare`"

# Servers in the order they are measured, with their names in the report and
# their colours in the plot.
SERVERS = [
    ("griddle", "Griddle", "#d62728"),
    ("go", "feed-peer-go", "#1f77b4"),
    ("nginx", "nginx", "#2ca02c"),
]

BEHIND_MIN_RATIO = 0.95  # achieved / scheduled below this: fell behind
BEHIND_MAX_P99_MS = 200.0  # or a p99 over this
BEHIND_EXIT = 10

# Griddle's targets: (run, latency group, percentile, bound in ms).
FEED_TARGETS = [("all", "p99", 5.0), ("all", "p99.9", 15.0)]
MIXED_TARGETS = [("reads", "p99", 10.0), ("writes", "p99", 25.0)]


# -- reading runs -----------------------------------------------------------------


def load_run(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def latency(run, group="all"):
    return run.get("latency_ms", {}).get(group, {})


def errors(run):
    return int(run.get("errors", {}).get("total", 0))


def error_detail(run):
    """'12 (timeout 10, http 503: 2)': the non-zero kinds of error."""
    e = run.get("errors", {})
    total = int(e.get("total", 0))
    if total == 0:
        return "0"
    parts = [f"{name.replace('_', '/')} {e[name]:,}" for name in ("connect", "read_write", "timeout")
             if e.get(name)]
    parts += [f"http {status}: {count:,}" for status, count in sorted(e.get("http", {}).items())]
    return f"{total:,} ({', '.join(parts)})" if parts else f"{total:,}"


def behind_reason(run, rate):
    """Why the run fell behind `rate`, or None."""
    reasons = []
    achieved = run.get("achieved_rate", 0.0)
    if achieved < BEHIND_MIN_RATIO * rate:
        reasons.append(f"achieved {achieved / rate:.0%} of the rate")
    if errors(run):
        reasons.append(f"{errors(run):,} errors")
    p99 = latency(run).get("p99")
    if p99 is None or p99 > BEHIND_MAX_P99_MS:
        reasons.append(f"p99 over {BEHIND_MAX_P99_MS:g} ms")
    return ", ".join(reasons) or None


# -- formatting -------------------------------------------------------------------


def fmt_rate(value):
    return f"{value:,.0f}"


def fmt_ms(value):
    """Three significant digits, like the load generator."""
    if value is None:
        return "–"
    if value <= 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(value))))
    return f"{value:,.{digits}f}"


def fmt_ratio(value):
    return "–" if value is None else f"{value:.2f}"


def fmt_k(value):
    """Axis labels: 20k, 1.5M."""
    if value >= 1e6:
        return f"{value / 1e6:g}M"
    if value >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def markdown_table(header, align, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header, align, rows):
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row):
        return "  ".join(c.rjust(w) if a == "r" else c.ljust(w)
                         for c, w, a in zip(row, widths, align)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


# -- collecting results -------------------------------------------------------------


def run_files(results, pattern):
    return sorted(glob.glob(os.path.join(results, pattern)))


def collect(results, meta):
    """Everything the tables and the plot show, from the files in `results`."""
    data = {"closed": {}, "sweep": {}, "targets": {}}
    for key, _, _ in SERVERS:
        closed = [load_run(p) for p in run_files(results, f"{key}-closed-*.json")]
        if closed:
            data["closed"][key] = {
                "rounds": closed,
                "rate": statistics.median(r["achieved_rate"] for r in closed),
                "p99": statistics.median(latency(r).get("p99", float("nan")) for r in closed),
                "errors": sum(errors(r) for r in closed),
            }
        points = []
        for path in run_files(results, f"{key}-open-*.json"):
            m = re.search(r"-open-([0-9.]+)\.json$", path)
            if not m:
                continue
            rate = float(m.group(1))
            run = load_run(path)
            points.append({"rate": rate, "run": run, "behind": behind_reason(run, rate)})
        points.sort(key=lambda p: p["rate"])
        if points:
            data["sweep"][key] = points
    for name in ("feed", "mixed"):
        path = os.path.join(results, f"griddle-target-{name}.json")
        if os.path.exists(path):
            data["targets"][name] = load_run(path)
    return data


def ratio(data, key, other):
    a, b = data["closed"].get(key), data["closed"].get(other)
    if not a or not b or not b["rate"]:
        return None
    return a["rate"] / b["rate"]


def closed_rows(data, labels):
    rows = []
    for key, _, _ in SERVERS:
        c = data["closed"].get(key)
        if not c:
            continue
        rounds = " / ".join(fmt_rate(r["achieved_rate"]) for r in c["rounds"])
        rows.append([labels[key], fmt_rate(c["rate"]), fmt_ms(c["p99"]) + " ms",
                     fmt_ratio(ratio(data, key, "go")), fmt_ratio(ratio(data, key, "nginx")),
                     f"{c['errors']:,}", rounds])
    return (["server", "req/s (median)", "p99 (median)", "ratio to Go", "ratio to nginx",
             "errors", "rounds (req/s)"], ["l", "r", "r", "r", "r", "r", "l"], rows)


def target_rows(data, meta):
    """(header, align, rows, notes): one row per target, PASS or FAIL."""
    rows, notes = [], []
    specs = [("feed", meta.get("feed_target_rate"), FEED_TARGETS, "feed=1"),
             ("mixed", meta.get("mixed_target_rate"), MIXED_TARGETS, meta.get("mixed_mix", ""))]
    for name, rate, bounds, mix in specs:
        run = data["targets"].get(name)
        if run is None:
            continue
        rate = float(rate or run.get("run", {}).get("rate", 0))
        seconds = run.get("run", {}).get("duration_s", 0)
        what = "feed" if name == "feed" else "90 % reads / 10 % writes"
        for group, pct, bound in bounds:
            value = latency(run, group).get(pct)
            label = f"{what}, {fmt_rate(rate)} req/s for {seconds:g} s: " + \
                ("" if group == "all" else f"{group[:-1]} ") + f"{pct} ≤ {bound:g} ms"
            ok = value is not None and value <= bound
            rows.append([label, "–" if value is None else fmt_ms(value) + " ms",
                         "PASS" if ok else "FAIL"])
        if name == "feed":
            rows.append([f"{what}, {fmt_rate(rate)} req/s for {seconds:g} s: no errors",
                         error_detail(run), "PASS" if errors(run) == 0 else "FAIL"])
        notes.append(f"{what} (`--mix={mix}`): achieved {fmt_rate(run.get('achieved_rate', 0))} "
                     f"of {fmt_rate(rate)} req/s scheduled, errors {error_detail(run)}")
    return ["target", "measured", "result"], ["l", "r", "l"], rows, notes


def sweep_rows(data, labels):
    rows = []
    for key, _, _ in SERVERS:
        for p in data["sweep"].get(key, []):
            run = p["run"]
            lat = latency(run)
            rows.append([labels[key], fmt_rate(p["rate"]), fmt_rate(run.get("achieved_rate", 0)),
                         fmt_ms(lat.get("p50")), fmt_ms(lat.get("p99")), fmt_ms(lat.get("p99.9")),
                         f"{errors(run):,}", "fell behind: " + p["behind"] if p["behind"] else "ok"])
    return (["server", "scheduled req/s", "achieved req/s", "p50 ms", "p99 ms", "p99.9 ms",
             "errors", "note"], ["l", "r", "r", "r", "r", "r", "r", "l"], rows)


# -- the plot -----------------------------------------------------------------------


def nice_step(span, count):
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def svg_plot(data, labels, title, subtitle):
    """A standalone SVG: x achieved req/s (linear), y p99 ms (log), one line per server."""
    width, height = 820, 500
    left, right, top, bottom = 78, 200, 64, 62
    pw, ph = width - left - right, height - top - bottom
    series = []
    for key, _, colour in SERVERS:
        points = [(p["run"].get("achieved_rate", 0.0), latency(p["run"]).get("p99"), p["behind"])
                  for p in data["sweep"].get(key, [])]
        points = [(x, max(y, 0.001), b) for x, y, b in points if y is not None]
        if points:
            series.append((labels[key], colour, points))
    xs = [x for _, _, pts in series for x, _, _ in pts] or [1.0]
    ys = [y for _, _, pts in series for _, y, _ in pts] or [1.0]
    x_step = nice_step(max(xs), 6)
    x_max = max(x_step, math.ceil(max(xs) * 1.04 / x_step) * x_step)
    lo, hi = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if hi - lo < 2:
        lo, hi = lo - (1 if hi - lo < 1 else 0), max(hi, lo + 2)

    def sx(x):
        return left + pw * x / x_max

    def sy(y):
        return top + ph * (1 - (math.log10(y) - lo) / (hi - lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="12">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left + pw / 2:.1f}" y="24" text-anchor="middle" font-size="15" '
           f'font-weight="bold">{escape(title)}</text>',
           f'<text x="{left + pw / 2:.1f}" y="42" text-anchor="middle" fill="#555555">'
           f'{escape(subtitle)}</text>']
    # Grid and ticks: y decades (with 2 and 5 when there are few), x nice steps.
    sub = (1, 2, 5) if hi - lo <= 3 else (1,)
    for e in range(lo, hi + 1):
        for m in sub:
            v = m * 10.0 ** e
            if math.log10(v) > hi + 1e-9:
                continue
            y = sy(v)
            major = m == 1
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                       f'stroke="{"#d0d0d0" if major else "#ececec"}" stroke-width="1"/>')
            out.append(f'<line x1="{left - 5}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" '
                       f'stroke="#333333"/>')
            out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">'
                       f'{v:,.0f}</text>' if v >= 1 else
                       f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    x = 0.0
    while x <= x_max + 1e-9:
        px = sx(x)
        out.append(f'<line x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + ph}" '
                   f'stroke="#ececec" stroke-width="1"/>')
        out.append(f'<line x1="{px:.1f}" y1="{top + ph}" x2="{px:.1f}" y2="{top + ph + 5}" '
                   f'stroke="#333333"/>')
        out.append(f'<text x="{px:.1f}" y="{top + ph + 19}" text-anchor="middle">'
                   f'{fmt_k(x)}</text>')
        x += x_step
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" '
               f'stroke="#333333"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 16}" text-anchor="middle">'
               f'achieved throughput (responses/s)</text>')
    out.append(f'<text transform="translate(20 {top + ph / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">p99 latency (ms, log scale)</text>')
    # One polyline with markers per server; a hollow marker where it fell behind.
    for name, colour, pts in series:
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y, _ in pts)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                   f'stroke-width="2" stroke-linejoin="round"/>')
        for x, y, behind in pts:
            fill = "#ffffff" if behind else colour
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="{fill}" '
                       f'stroke="{colour}" stroke-width="2"><title>{escape(name)}: '
                       f'{fmt_rate(x)} req/s, p99 {fmt_ms(y)} ms'
                       f'{" (fell behind)" if behind else ""}</title></circle>')
    # Legend, right of the plot.
    lx, ly = left + pw + 18, top + 8
    for i, (name, colour, _) in enumerate(series):
        y = ly + i * 22
        out.append(f'<line x1="{lx}" y1="{y}" x2="{lx + 26}" y2="{y}" stroke="{colour}" '
                   f'stroke-width="2"/>')
        out.append(f'<circle cx="{lx + 13}" cy="{y}" r="4" fill="{colour}"/>')
        out.append(f'<text x="{lx + 34}" y="{y + 4}">{escape(name)}</text>')
    y = ly + len(series) * 22 + 6
    out.append(f'<circle cx="{lx + 13}" cy="{y}" r="4" fill="#ffffff" stroke="#555555" '
               f'stroke-width="2"/>')
    out.append(f'<text x="{lx + 34}" y="{y + 4}" fill="#555555">fell behind the</text>')
    out.append(f'<text x="{lx + 34}" y="{y + 19}" fill="#555555">scheduled rate</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# -- the report ---------------------------------------------------------------------


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return os.cpu_count(), model, f"{platform.system()} {platform.release()}"


def server_labels(meta):
    return {"griddle": "Griddle", "go": "feed-peer-go",
            "nginx": f"nginx ({meta.get('nginx_workers', '1')} worker"
                     f"{'' if str(meta.get('nginx_workers', '1')) == '1' else 's'})"}


def elapsed_text(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s"


def wrap(text):
    return textwrap.fill(text, width=78, break_long_words=False, break_on_hyphens=False)


def docs_section(data, meta, svg_link, elapsed):
    labels = server_labels(meta)
    _, model, kernel = machine()
    m = meta
    plural = lambda n, word: f"{n} {word}" + ("" if str(n) == "1" else "s")
    rates = " / ".join(fmt_rate(float(r)) for r in str(m["rates"]).split(","))
    lines = [
        wrap(f"Written by `bench/compare` on {m['date']}"
             + (f"; the whole run took {elapsed_text(elapsed)}." if elapsed else ".")), "",
        wrap(f"Machine: {plural(m.get('nproc', '?'), 'core')} (`nproc`), {model}, {kernel}; "
             f"load average before the run {m.get('loadavg', '?')}. "
             f"Peers: Go {re.sub(r'^go', '', m.get('go_version', '?'))}, "
             f"{m.get('nginx_version', '?').replace('/', ' ')}."), "",
        "Command:",
        "",
        "```sh",
        m.get("command", "bench/compare"),
        "```",
        "",
        wrap(f"Every run is `build/release/bench/griddle-bench load` on 127.0.0.1, one server "
             f"at a time, {plural(m['connections'], 'connection')}, "
             f"{plural(m['threads'], 'client thread')}, {m['warmup']} s warm-up, with "
             f"`--mix=feed=1` (authenticated `GET /v1/feed?limit=20`) but for the mixed "
             f"target. Griddle is `griddle-node` with the embedded gateway on a seeded SQLite "
             f"store (20,000 users"
             + (f"; node arguments `{m['node_args']}`" if m.get("node_args") else "")
             + f"); {m['users']} of its users were signed in once and their feed pages dumped "
             f"for the peers (`bench/peers/`). Griddle and feed-peer-go are loaded with all "
             f"{m['users']} tokens (senders Zipf-distributed). **nginx serves only the dump's "
             f"first token, so its runs use that one token** (`--users 1`: the same bytes, "
             f"always the same page)."),
        "",
        "### Closed loop: maximum throughput",
        "",
        wrap(f"`--closed`, {plural(m['rounds'], 'round')} × {m['seconds']} s per server, "
             f"medians; the ratios divide the median rates."),
        "",
    ]
    h, a, rows = closed_rows(data, labels)
    lines.append(markdown_table(h, a, rows))
    g_go, g_nginx = ratio(data, "griddle", "go"), ratio(data, "griddle", "nginx")
    lines += ["", f"Griddle / Go: **{fmt_ratio(g_go)}**, Griddle / nginx: "
                  f"**{fmt_ratio(g_nginx)}**.", ""]
    h, a, rows, notes = target_rows(data, meta)
    if rows:
        lines += ["### Griddle's targets", "",
                  wrap(f"Open loop, {m['target_seconds']} s each after the warm-up; each "
                       f"latency runs from the request's scheduled time."), "",
                  markdown_table(h, a, rows), ""]
        lines += [wrap(f"- {n}").replace("\n", "\n  ") for n in notes] + [""]
    h, a, rows = sweep_rows(data, labels)
    lines += ["### Open loop: latency against throughput", "",
              wrap(f"Scheduled rates {rates} req/s, {m['sweep_seconds']} s each; a server's "
                   f"sweep stops at the first rate it falls behind (achieved under "
                   f"{BEHIND_MIN_RATIO:.0%} of the rate, any error, or a p99 over "
                   f"{BEHIND_MAX_P99_MS:g} ms): that point is drawn hollow. For such a run "
                   f"the generator divides the answers by the time until the last one came "
                   f"(up to 5 s after the duration), so its achieved rate is below what the "
                   f"server managed while it was loaded."), "",
              markdown_table(h, a, rows), "",
              f"![p99 latency against achieved throughput, open loop]({svg_link})"]
    return "\n".join(lines) + "\n"


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".bench-compare.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def update_docs(path, section):
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
    block = f"{BEGIN_MARKER}\n{section}{END_MARKER}\n"
    begin, end = text.find(BEGIN_MARKER), text.find(END_MARKER)
    if begin >= 0 and end > begin:
        after = text[end + len(END_MARKER):]
        text = text[:begin] + block.rstrip("\n") + (after if after.startswith("\n") else "\n" + after)
    else:
        if begin >= 0 or end >= 0:
            sys.exit(f"compare_report: {path}: only one of the marker lines; fix it by hand")
        text = text.rstrip("\n") + ("\n\n" if text else "") + f"{SECTION_TITLE}\n\n{block}"
    write_atomically(path, text)


def report(args):
    with open(os.path.join(args.results, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    data = collect(args.results, meta)
    labels = server_labels(meta)

    print(f"\nclosed loop, feed, {meta['connections']} connections, {meta['threads']} thread(s), "
          f"{meta['rounds']} × {meta['seconds']} s, medians:")
    h, a, rows = closed_rows(data, labels)
    print(text_table(h, a, rows))
    print(f"Griddle / Go: {fmt_ratio(ratio(data, 'griddle', 'go'))}   "
          f"Griddle / nginx: {fmt_ratio(ratio(data, 'griddle', 'nginx'))}")
    h, a, rows, notes = target_rows(data, meta)
    if rows:
        print(f"\nGriddle's targets, open loop, {meta['target_seconds']} s each:")
        print(text_table(h, a, rows))
        for n in notes:
            print("  " + n.replace("`", ""))
    print(f"\nopen-loop sweep, feed, {meta['sweep_seconds']} s per rate:")
    h, a, rows = sweep_rows(data, labels)
    print(text_table(h, a, rows))
    print("(nginx serves only the dump's first token: its runs use --users 1)")

    subtitle = (f"GET /v1/feed?limit=20, open loop, {meta['connections']} connections, "
                f"{meta['sweep_seconds']} s per rate, {meta['date']}")
    svg = svg_plot(data, labels, "p99 latency against achieved throughput", subtitle)
    write_atomically(os.path.join(args.results, "bench-compare.svg"), svg)
    if args.docs:
        svg_path = args.svg or os.path.join(os.path.dirname(os.path.abspath(args.docs)), "img",
                                            "bench-compare.svg")
        os.makedirs(os.path.dirname(svg_path), exist_ok=True)
        write_atomically(svg_path, svg)
        link = os.path.relpath(svg_path, os.path.dirname(os.path.abspath(args.docs)))
        update_docs(args.docs, docs_section(data, meta, link, args.elapsed))
        print(f"\nwrote {args.docs} (between the bench/compare markers) and {svg_path}")


# -- the small commands -------------------------------------------------------------


def step(args):
    run = load_run(args.run)
    lat = latency(run)
    line = (f"{fmt_rate(run.get('achieved_rate', 0))} req/s, p50 {fmt_ms(lat.get('p50'))} ms, "
            f"p99 {fmt_ms(lat.get('p99'))} ms, p99.9 {fmt_ms(lat.get('p99.9'))} ms, "
            f"errors {error_detail(run)}")
    if args.target:
        with open(args.meta, encoding="utf-8") as f:
            meta = json.load(f)
        data = {"targets": {args.target: run}}
        if args.target == "mixed":
            line += (f"; reads p99 {fmt_ms(latency(run, 'reads').get('p99'))} ms, "
                     f"writes p99 {fmt_ms(latency(run, 'writes').get('p99'))} ms")
        _, _, rows, _ = target_rows(data, meta)
        line += "\n" + "\n".join(f"        {r[2]}  {r[0]}: {r[1]}" for r in rows)
    print(line)
    if args.rate is not None:
        reason = behind_reason(run, args.rate)
        if reason:
            print(f"        fell behind {fmt_rate(args.rate)} req/s: {reason}")
            return BEHIND_EXIT
    return 0


def meta(args):
    values = {}
    for item in args.values:
        key, sep, value = item.partition("=")
        if not sep:
            sys.exit(f"compare_report: meta: want KEY=VALUE, not {item}")
        values[key] = value
    values.setdefault("date", datetime.datetime.now(datetime.timezone.utc)
                      .strftime("%Y-%m-%d %H:%M UTC"))
    write_atomically(args.out, json.dumps(values, indent=2) + "\n")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("meta", help="write the run's settings")
    p.add_argument("out")
    p.add_argument("values", nargs="*")
    p = sub.add_parser("step", help="one progress line about a run")
    p.add_argument("run")
    p.add_argument("--rate", type=float)
    p.add_argument("--target", choices=("feed", "mixed"))
    p.add_argument("--meta")
    p = sub.add_parser("report", help="tables, plot and docs")
    p.add_argument("results")
    p.add_argument("--docs")
    p.add_argument("--svg")
    p.add_argument("--elapsed", type=float)
    args = parser.parse_args()
    if args.command == "meta":
        return meta(args)
    if args.command == "step":
        return step(args)
    report(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
