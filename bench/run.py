#!/usr/bin/env python3
"""Benchmarks of unspace at scale, each figure beside a peer measured in the same run.

    python3 bench/run.py                 # 10 MB and 100 MB generated corpora: one table
    python3 bench/run.py --gb            # 10 MB, 100 MB and 1 GB (opt-in: ~20 min, 5 GB of disk)
    python3 bench/run.py --sizes 10      # only 10 MB (a quick check)
    python3 bench/run.py default         # search over the default corpus (data/) vs rg
    python3 bench/run.py pdf             # index the five handbook PDFs (zh en fr es ru)

For each size, the corpus generator (examples/gen_corpus) writes that many MB of
resolutions made from the real ones in tests/corpus (the repository's own copy), in
Chinese, English, French, Spanish and Russian in turn. Then, in one run:

  * a full index build: wall time, MB of text per second, peak RSS;
  * index size / text size;
  * adding one document to the built index (`unspace index`), median of 3, and
    adding about 1% of the corpus (at least 1 MB) in one update: seconds per
    added MB;
  * for a fixed set of queries, the whole-process time of `unspace search QUERY`
    (what a user runs: checks data/ for changes, ranks every match, prints the best
    10 and the total), of `unspace search --no-refresh QUERY` (the same without the
    check of data/), and of `rg -F QUERY` over the same files: median and p95 of
    interleaved runs on a warm cache, each of the three first in turn;
  * peak RSS of the build and of every search from GNU time (`/usr/bin/time -f
    %M`, in runs of their own so that it adds nothing to the timed ones);
  * the whole-process time of `unspace trace SYMBOL REF` on one generated paragraph
    (the first hit of a Chinese search): median and p95.

Builds the release binaries first. Needs ripgrep (`apt-get install ripgrep` or
`cargo install ripgrep`) and GNU time (`apt-get install time`). Prints one table; asserts nothing about time.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
BIN = ROOT / "target" / "release" / "unspace"
GNU_TIME = "/usr/bin/time"
GEN = ROOT / "target" / "release" / "examples" / "gen_corpus"

# Common and rare terms, phrases, in the five languages; references.
QUERIES = [
    ("zh common", "外层空间"),
    ("zh rare", "开放月球基金会"),
    ("zh phrase", "空间碎片"),
    ("zh long phrase", "和平利用外层空间委员会"),
    ("en common", "space"),
    ("en rare", "Lunar"),
    ("en phrase", "long-term sustainability"),
    ("fr phrase", "débris spatiaux"),
    ("es phrase", "Estado de lanzamiento"),
    ("ru common", "космического пространства"),
    ("reference", "75/92"),
    ("symbol", "A/AC.105/1240"),
]


def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet", "--example", "gen_corpus"],
        cwd=ROOT,
        check=True,
    )


def measured(cmd, cwd, ok=(0, 1)):
    """Runs `cmd` with its output discarded; returns (wall seconds, peak RSS in MB,
    CPU seconds, user and system, of the child and its threads).

    posix_spawn and wait4 rather than subprocess: less of the harness's own time in
    each figure (no pipes, no file-descriptor sweep), and the child's own rusage.
    """
    err = tempfile.TemporaryFile()
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
    ]
    argv = [str(c) for c in cmd]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        os.chdir(old)
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        err.seek(0)
        sys.exit(f"{' '.join(argv)}: exit {code}: {err.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def peak_rss_mb(cmd, cwd, ok=(0, 1)):
    """Peak RSS of `cmd` in MB, as GNU time reports it (`%M`, in KB)."""
    with tempfile.NamedTemporaryFile(mode="r") as report:
        argv = [GNU_TIME, "-f", "%M", "-o", report.name] + [str(c) for c in cmd]
        done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode not in ok:
            sys.exit(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr}")
        return int(report.read().split()[-1]) / 1024


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def size_of(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def need_tools():
    if not shutil.which("rg"):
        sys.exit("ripgrep (rg) is needed as the peer: apt-get install ripgrep, or cargo install ripgrep")
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"GNU time ({GNU_TIME}) is needed for peak memory: apt-get install time")


def bench_size(mb, runs):
    """All figures for one corpus size, as a dict."""
    work = Path(tempfile.mkdtemp(prefix=f"unspace-bench-{mb}mb-"))
    data, index, held = work / "data", work / "index", work / "held-out"
    subprocess.run([GEN, data, str(mb), "--corpus", CORPUS], check=True, stdout=subprocess.DEVNULL)
    # Three documents are kept aside, to be added one at a time to the built index,
    # and a batch of about 1% of the corpus (at least 1 MB), to be added in one update.
    held.mkdir()
    batch = work / "held-batch"
    batch.mkdir()
    files = sorted(data.iterdir())
    for f in files[-3:]:
        f.rename(held / f.name)
    batch_bytes = 0
    for f in reversed(files[:-3]):
        if batch_bytes >= max(1e6, 0.01 * mb * 1e6):
            break
        batch_bytes += f.stat().st_size
        f.rename(batch / f.name)
    text = size_of(data)
    docs = len(list(data.iterdir()))
    base = [BIN, "--data", data, "--index", index]

    build_s, _, build_cpu = measured(base + ["index"], work, ok=(0,))
    index_bytes = size_of(index)
    # The build's peak memory, from GNU time, in a build of its own.
    build_rss = peak_rss_mb(base + ["index", "--rebuild"], work, ok=(0,))

    adds = []
    for f in sorted(held.iterdir()):
        f.rename(data / f.name)
        adds.append(measured(base + ["index"], work, ok=(0,))[0])
    batch_docs = len(list(batch.iterdir()))
    for f in sorted(batch.iterdir()):
        f.rename(data / f.name)
    batch_s = measured(base + ["index"], work, ok=(0,))[0]

    searches = {}
    search_rss = 0.0
    for label, q in QUERIES:
        ours, cached, theirs = [], [], []
        measured(base + ["search", q], work)  # warm the cache
        measured(["rg", "-F", q, data], work)
        runners = [
            (ours, base + ["search", q]),
            (cached, base + ["search", "--no-refresh", q]),
            (theirs, ["rg", "-F", q, data]),
        ]
        for k in range(runs):
            # Each command in turn runs first: the one after rg finds the caches
            # rg left (a gigabyte read), and that should not always be the same one.
            for times, cmd in runners[k % 3:] + runners[: k % 3]:
                times.append(measured(cmd, work)[0])
        search_rss = max(search_rss, peak_rss_mb(base + ["search", q], work))
        hits = subprocess.run(
            base + ["search", "--json", "--limit", "1", q], cwd=work, capture_output=True, text=True
        ).stdout
        lines = subprocess.run(["rg", "-F", "-c", "--no-filename", q, data], capture_output=True, text=True)
        rg_lines = sum(int(n) for n in lines.stdout.split())
        searches[label] = (q, ours, cached, theirs, _total(hits), rg_lines)
    traced = _trace_times(base, work, runs)
    shutil.rmtree(work)
    return {
        "mb": text / 1e6,
        "docs": docs + 3 + batch_docs,
        "batch_mb": batch_bytes / 1e6,
        "batch_docs": batch_docs,
        "batch_s": batch_s,
        "build_s": build_s,
        "build_cpu": build_cpu,
        "build_rss": build_rss,
        "ratio": index_bytes / text,
        "add_s": statistics.median(adds),
        "search_rss": search_rss,
        "searches": searches,
        "trace": traced,
    }


def _trace_times(base, work, runs):
    """Whole-process times of `unspace trace` on one generated paragraph (the first
    hit of a Chinese search), and how many paragraphs it found."""
    out = subprocess.run(
        base + ["search", "--json", "--limit", "1", "空间碎片"], cwd=work, capture_output=True, text=True
    ).stdout
    try:
        hit = json.loads(out)["hits"][0]
    except (ValueError, KeyError, IndexError):
        return None
    ref = f"p{hit['number']}" if hit["kind"] == "preamble" else str(hit["number"])
    cmd = base + ["trace", hit["symbol"], ref]
    measured(cmd, work)  # warm the cache
    times = [measured(cmd, work)[0] for _ in range(runs)]
    found = subprocess.run(cmd + ["--json", "-n", "1"], cwd=work, capture_output=True, text=True).stdout
    try:
        total = json.loads(found)["total"]
    except (ValueError, KeyError):
        total = None
    return (f"{hit['symbol']} {ref}", times, total)


def _total(json_text):
    try:
        return json.loads(json_text).get("total")
    except ValueError:
        return None


def table(results, runs):
    head = ["size", "measure", "unspace", "unspace --no-refresh", "rg -F", "rg ÷ unspace", "goal"]
    rows = []
    for r in results:
        size = f"{r['mb']:.0f} MB"
        big = r["mb"] > 50
        huge = r["mb"] > 500
        rows += [
            [size, "documents", f"{r['docs']}", "", "", "", ""],
            [size, "full index build, s", f"{r['build_s']:.2f}", "", "", "", "≤ 90" if huge else ""],
            [size, "indexing, MB/s", f"{r['mb'] / r['build_s']:.1f}", "", "", "",
             "≥ 12 (target 25)" if big and not huge else ""],
            [size, "build CPU-seconds per MB (user + system)", f"{r['build_cpu'] / r['mb']:.3f}",
             "", "", "", "≤ 0.08 for 25 MB/s on 2 cores" if big and not huge else ""],
            [size, "build peak RSS, MB (GNU time)", f"{r['build_rss']:.0f}", "", "", "", "≤ 500" if huge else ""],
            [size, "index size ÷ text size", f"{r['ratio']:.2f}", "", "", "", "≤ 2.5"],
            [size, "add one document, s (median of 3)", f"{r['add_s']:.3f}", "", "", "", "< 1" if big else ""],
            [
                size,
                f"add {r['batch_docs']} documents ({r['batch_mb']:.1f} MB) in one update, s",
                f"{r['batch_s']:.2f}",
                "",
                "",
                "",
                "",
            ],
            [size, "cost per added MB, s", f"{r['batch_s'] / r['batch_mb']:.3f}", "", "", "", ""],
            [size, "search peak RSS, MB (GNU time)", f"{r['search_rss']:.1f}", "", "", "", "≤ 30" if huge else ""],
        ]
        for label, (q, ours, cached, theirs, total, rg_lines) in r["searches"].items():
            for stat, f in (("median", statistics.median), ("p95", p95)):
                mo, mc, mt = f(ours), f(cached), f(theirs)
                rows.append([
                    size,
                    f"{label} `{q}` {stat}, ms" + (f" ({total} ¶; rg: {rg_lines} lines)" if stat == "median" else ""),
                    f"{mo * 1e3:.1f}",
                    f"{mc * 1e3:.1f}",
                    f"{mt * 1e3:.1f}",
                    f"{mt / mo:.1f}× ({mt / mc:.1f}×)",
                    ("≥ 5×" if stat == "median" else "") if big and not huge
                    else ("≤ 20 ms" if huge and stat == "p95" else ""),
                ])
        if r.get("trace"):
            unit, times, total = r["trace"]
            for stat, f in (("median", statistics.median), ("p95", p95)):
                rows.append([
                    size,
                    f"trace `{unit}` {stat}, ms" + (f" ({total} similar ¶)" if stat == "median" else ""),
                    f"{f(times) * 1e3:.1f}",
                    "",
                    "",
                    "",
                    "≤ 100" if big and stat == "median" else "",
                ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print(
        f"\nunspace at scale: {runs} interleaved runs per search, warm cache; "
        "rg ÷ unspace is rg's time over unspace's (over --no-refresh in brackets)"
    )
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")


def bench_default(runs=41):
    """Search over the project's own data/ vs rg, as before the scale benchmark."""
    work = Path(tempfile.mkdtemp(prefix="unspace-bench-"))
    shutil.copytree(ROOT / "data", work / "data")
    subprocess.run([BIN, "index"], cwd=work, check=True, stderr=subprocess.DEVNULL)
    print(f"whole-process search over the default corpus ({runs} runs each, interleaved, warm cache)")
    print(f"{'query':<14} {'unspace med':>12} {'p95':>8} {'rg -F med':>10} {'p95':>8} {'rg/unspace':>10}")
    for q in ["空间碎片", "近地天体", "75/92", "A/AC.105/1240"]:
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(measured([BIN, "search", q], work)[0])
            theirs.append(measured(["rg", "-F", q, "data/"], work)[0])
        mo, mt = statistics.median(ours), statistics.median(theirs)
        print(f"{q:<14} {mo*1e3:>10.2f}ms {p95(ours)*1e3:>6.2f}ms {mt*1e3:>8.2f}ms {p95(theirs)*1e3:>6.2f}ms {mt/mo:>10.2f}")
    shutil.rmtree(work)


def bench_pdf(runs=3):
    """Indexing the handbook's five official PDFs: a full build (every PDF read),
    and an update with nothing changed (no PDF read again: the manifest's hashes)."""
    pdfs = sorted((CORPUS / "handbook" / "pdf").glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no handbook PDFs in {CORPUS / 'handbook' / 'pdf'}")
    full, again, rss = [], [], []
    for _ in range(runs):
        work = Path(tempfile.mkdtemp(prefix="unspace-bench-"))
        (work / "data").mkdir()
        for pdf in pdfs:
            shutil.copy(pdf, work / "data" / pdf.name)
        seconds, peak = measured([BIN, "index"], work)
        full.append(seconds)
        rss.append(peak)
        again.append(measured([BIN, "index"], work)[0])
        shutil.rmtree(work)
    mb = sum(p.stat().st_size for p in pdfs) / 1e6
    print(f"indexing the {len(pdfs)} handbook PDFs ({mb:.1f} MB, {runs} runs, medians)")
    print(f"  full build:            {statistics.median(full):.2f} s  (peak RSS {max(rss):.0f} MB)")
    print(f"  update, nothing new:   {statistics.median(again)*1e3:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", default="scale", choices=["scale", "default", "pdf"])
    parser.add_argument("--sizes", default="10,100", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--gb", action="store_true", help="add a 1 GB corpus to the sizes (slow: opt-in)")
    parser.add_argument("--runs", type=int, default=15, help="search runs per query and tool")
    args = parser.parse_args()
    if not (CORPUS / "resolutions").is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    if args.what == "pdf":
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
        bench_pdf()
        return
    need_tools()
    build()
    if args.what == "default":
        bench_default()
        return
    results = []
    sizes = [float(s) for s in args.sizes.split(",")] + ([1000.0] if args.gb else [])
    for mb in sizes:
        print(f"{mb:g} MB: generating, indexing, searching…", file=sys.stderr)
        results.append(bench_size(mb, args.runs))
    table(results, args.runs)


if __name__ == "__main__":
    main()
