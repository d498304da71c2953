#!/usr/bin/env python3
"""Benchmarks of unspace, each against a peer measured in the same run.

    python3 bench/run.py search        # whole-process search vs `rg -F`, default corpus
    python3 bench/run.py incremental   # add one document to ~1,000 vs a full rebuild
    python3 bench/run.py               # both

Builds the release binary first. Needs ripgrep (`apt-get install ripgrep` or
`cargo install ripgrep`). Reads the shared corpus from ../shared/corpus or
UNSPACE_CORPUS. Prints medians, p95 and ratios; asserts nothing about time.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("UNSPACE_CORPUS", ROOT.parent / "shared" / "corpus"))
BIN = ROOT / "target" / "release" / "unspace"


def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)


def timed(cmd, cwd, ok=(0, 1)):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(map(str, cmd))}: exit {proc.returncode}: {proc.stderr.decode()}")
    return elapsed


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def bench_search(runs=41):
    if not shutil.which("rg"):
        sys.exit("ripgrep (rg) is needed as the peer: apt-get install ripgrep, or cargo install ripgrep")
    queries = ["空间碎片", "近地天体", "75/92", "A/AC.105/1240"]
    work = Path(tempfile.mkdtemp(prefix="unspace-bench-"))
    shutil.copytree(ROOT / "data", work / "data")
    subprocess.run([BIN, "index"], cwd=work, check=True, stderr=subprocess.DEVNULL)
    print(f"whole-process search over the default corpus ({runs} runs each, interleaved, warm cache)")
    print(f"{'query':<12} {'unspace med':>12} {'p95':>8} {'rg -F med':>10} {'p95':>8} {'ratio':>7}")
    for q in queries:
        ours, theirs = [], []
        timed([BIN, "search", q], work)
        timed(["rg", "-F", q, "data/"], work)
        for _ in range(runs):
            ours.append(timed([BIN, "search", q], work))
            theirs.append(timed(["rg", "-F", q, "data/"], work))
        mo, mt = statistics.median(ours), statistics.median(theirs)
        print(f"{q:<12} {mo*1e3:>10.2f}ms {p95(ours)*1e3:>6.2f}ms {mt*1e3:>8.2f}ms {p95(theirs)*1e3:>6.2f}ms {mo/mt:>7.2f}")
    shutil.rmtree(work)


def bench_incremental(copies=125):
    files = sorted((CORPUS / "resolutions").glob("*.txt"))
    if not files:
        sys.exit(f"no corpus at {CORPUS}: set UNSPACE_CORPUS")
    work = Path(tempfile.mkdtemp(prefix="unspace-bench-"))
    data = work / "data"
    data.mkdir()
    for i in range(copies):
        for f in files:
            shutil.copy(f, data / f"c{i:03}-{f.name}")
    n = len(list(data.iterdir()))
    size = sum(p.stat().st_size for p in data.iterdir()) / 1e6
    full = [timed([BIN, "index", "--rebuild"], work, ok=(0,)) for _ in range(3)]
    adds = []
    for k in range(5):
        shutil.copy(files[k % len(files)], data / f"new{k}-{files[k % len(files)].name}")
        adds.append(timed([BIN, "index"], work, ok=(0,)))
    noop = [timed([BIN, "index"], work, ok=(0,)) for _ in range(5)]
    print(f"incremental update, {n} documents ({size:.1f} MB)")
    print(f"  full rebuild (index --rebuild), median of 3: {statistics.median(full):8.3f} s")
    print(f"  add one document (index), median of 5:      {statistics.median(adds):8.3f} s")
    print(f"  nothing changed (index), median of 5:        {statistics.median(noop):8.3f} s")
    print(f"  add one / full rebuild:                      {statistics.median(adds)/statistics.median(full):8.3f}")
    shutil.rmtree(work)


def main():
    what = sys.argv[1:] or ["search", "incremental"]
    build()
    for w in what:
        {"search": bench_search, "incremental": bench_incremental}[w]()


if __name__ == "__main__":
    main()
