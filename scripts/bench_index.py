"""Content index benchmark on a synthetic corpus: full build, one-file incremental update,
mtime-only touches, search latency, index size, and the peak memory of a build and a server.

    .venv/bin/python scripts/bench_index.py [--pages 10000] [--langs en,ar,ne] [--keep DIR]
    .venv/bin/python scripts/bench_index.py --memory-scales 1000,10000   # memory only
"""

from __future__ import annotations

import argparse
import datetime as dt
import queue
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_corpus import generate, vocabularies  # noqa: E402
from bench_memory import build_in_child, serve_in_child  # noqa: E402

from migrant_info.content import filestate, index, store, watch  # noqa: E402
from migrant_info.content.model import TOPICS  # noqa: E402
from migrant_info.content.search import parse_query  # noqa: E402
from migrant_info.locales import SOURCE_LANG  # noqa: E402


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds an action takes, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def ms(seconds: float) -> str:
    """Milliseconds, for printing."""
    return f"{seconds * 1000:.1f} ms"


def append(page: Path, text: str) -> None:
    """Edit a page the way an editor's save does: whole new bytes."""
    page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")


def run(root: Path, pages: int, langs: list[str], queries: int) -> None:
    """Generate the corpus, then measure and print each number."""
    content, index_path = root / "content", root / "instance" / "content-index.db"
    index_path.parent.mkdir(parents=True)
    seconds, _ = timed(lambda: generate(content, pages, langs))
    files = sum(1 for _ in filestate.walk(content))
    print(
        f"corpus: {pages} pages x {len(langs)} languages = {files} files, made in {seconds:.1f} s"
    )
    built = build_in_child(content, index_path)
    print(
        f"full build (own process):           {built['seconds']:.2f} s, peak RSS "
        f"{built['peak_mib']:.0f} MiB ({built['imports_mib']:.0f} MiB resident after imports)"
    )
    time.sleep(filestate.RACY_NS / 1e9 + 0.1)  # stats of just-written files are not trusted yet
    index.ensure_fresh(content, index_path)  # records trustworthy stats (reads every file once)
    seconds, ran = timed(lambda: index.ensure_fresh(content, index_path))
    print(f"check, nothing changed (warm):      {ms(seconds)} (rebuilt: {ran})")
    print(f"start-up check in a new process:    {cold_check(content, index_path)}")
    seconds = statistics.median(timed(lambda: filestate.walk(content))[0] for _ in range(5))
    print(f"stat of every file alone (floor):   {ms(seconds)} (median of 5)")
    topic = TOPICS[1]
    source = content / SOURCE_LANG / topic / "page-00001.md"
    translation = content / langs[-1] / topic / "page-00001.md"
    edits = [("translation", translation, None), ("English source", source, None)]
    edits += [(f"{label} (editor hint)", page, [page.relative_to(content).as_posix()])
              for label, page, _ in edits]  # fmt: skip
    for label, page, hint in edits:
        times = []
        for number in range(5):
            append(page, f"\nEdited paragraph {number}.\n")
            seconds, ran = timed(lambda h=hint: index.ensure_fresh(content, index_path, h))
            if not ran:
                raise SystemExit("the edit was not picked up")
            times.append(seconds)
        print(
            f"incremental, one {label} edited: ".ljust(50)
            + f"median {ms(statistics.median(times))}, max {ms(max(times))} (5 runs)"
        )
    append(translation, "\nEdited in a new process's check.\n")
    print(f"one file edited, check in a new process: {cold_check(content, index_path)}")
    print(f"watcher (content watch), one edit:  {watched_edit(content, index_path, translation)}")
    source.touch()  # same bytes, new mtime: what a checkout or a copy does
    seconds, ran = timed(lambda: index.ensure_fresh(content, index_path))
    print(f"mtime-only touch of one file:       {ms(seconds)} (rebuilt: {ran})")
    everything = [content / rel for rel, _ in filestate.walk(content)]
    for path in everything:
        path.touch()
    seconds, ran = timed(lambda: index.ensure_fresh(content, index_path))
    print(f"mtime-only touch of all {len(everything)} files: {ms(seconds)} (rebuilt: {ran})")
    search_latency(index_path, langs, queries)
    size = index_path.stat().st_size
    print(f"index file size:                    {size / 2**20:.1f} MiB")
    served = serve_in_child(content, index_path.parent, pages, langs, vocabularies(langs))
    print(
        f"server (own process), {served['requests']} requests {served['statuses']}: peak RSS "
        f"{served['peak_mib']:.0f} MiB ({served['start_mib']:.0f} MiB after the first)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"this process (checks, search):      peak RSS {peak / 1024:.0f} MiB")


def memory_scales(root: Path, scales: list[int], langs: list[str]) -> None:
    """Peak RSS of a full build and of a server at each corpus size, each in its own process."""
    results = []
    for pages in scales:
        content, instance = root / f"p{pages}" / "content", root / f"p{pages}" / "instance"
        instance.mkdir(parents=True)
        generate(content, pages, langs)
        built = build_in_child(content, instance / "content-index.db")
        served = serve_in_child(content, instance, pages, langs, vocabularies(langs))
        size = (instance / "content-index.db").stat().st_size / 2**20
        results.append((pages, built, served, size))
        print(
            f"{pages} pages x {len(langs)}: build {built['seconds']:.1f} s, build peak RSS "
            f"{built['peak_mib']:.0f} MiB ({built['imports_mib']:.0f} resident after imports); "
            f"server peak RSS {served['peak_mib']:.0f} MiB after {served['requests']} requests "
            f"{served['statuses']} ({served['start_mib']:.0f} after the first); "
            f"index {size:.0f} MiB"
        )
    print("| pages per language | full build | build peak RSS | server peak RSS | index |")
    print("|---|---|---|---|---|")
    for pages, built, served, size in results:
        print(
            f"| {pages:,} | {built['seconds']:.1f} s | {built['peak_mib']:.0f} MiB "
            f"| {served['peak_mib']:.0f} MiB | {size:.0f} MiB |"
        )


COLD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from migrant_info.content import index
start = time.perf_counter()
ran = index.ensure_fresh(Path(sys.argv[2]), Path(sys.argv[3]))
print(f"{(time.perf_counter() - start) * 1000:.1f} ms (rebuilt: {ran})")
"""


def cold_check(content: Path, index_path: Path) -> str:
    """ensure_fresh's time in a fresh process (no copy of the files table yet)."""
    root = str(Path(__file__).resolve().parent.parent)
    args = [sys.executable, "-c", COLD, root, str(content), str(index_path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def watched_edit(content: Path, index_path: Path, page: Path) -> str:
    """Edit a page while `content watch` runs: time from the write to the applied update."""
    done, stop = queue.Queue(), threading.Event()
    thread = threading.Thread(
        target=watch.watch,
        args=(content, index_path, lambda paths, rebuilt: done.put((paths, time.perf_counter()))),
        kwargs={"stop": stop},
    )
    thread.start()
    done.get(timeout=600)  # its first full check
    times = []
    for number in range(5):
        start = time.perf_counter()
        append(page, f"\nWatched edit {number}.\n")
        paths, finished = done.get(timeout=60)
        times.append(finished - start)
    stop.set()
    thread.join()
    return (
        f"median {ms(statistics.median(times))}, max {ms(max(times))} (5 runs, incl. the "
        f"{watch.SETTLE_SECONDS * 1000:.0f} ms settle wait; hint {paths})"
    )


def search_latency(index_path: Path, langs: list[str], queries: int) -> None:
    """p50/p95 of `queries` searches of one or two words, spread over the languages."""
    rng = random.Random(7)
    conn = index.connect(index_path)
    words = vocabularies(langs)
    times, hits = [], 0
    for number in range(queries):
        lang = langs[number % len(langs)]
        text = " ".join(rng.sample(words[lang][:2000], k=rng.randint(1, 2)))
        start = time.perf_counter()
        found = store.search(conn, lang, parse_query(text, lang))
        times.append(time.perf_counter() - start)
        hits += bool(found)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"search over {queries} queries:        p50 {ms(p50)}, p95 {ms(p95)}, {hits} with hits")


def main() -> None:
    """Parse the options and run the benchmark in a temporary folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="pages per language")
    parser.add_argument("--langs", default="en,ar,ne", help="comma-separated, English first")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    parser.add_argument(
        "--memory-scales", help="e.g. 1000,10000: only the build's and a server's peak memory"
    )
    args = parser.parse_args()
    langs = args.langs.split(",")
    if langs[0] != SOURCE_LANG:
        parser.error(f"--langs must start with {SOURCE_LANG}")
    now = dt.datetime.now(dt.UTC)
    print(f"bench_index {now:%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}")
    if args.memory_scales:
        scales = [int(n) for n in args.memory_scales.split(",")]
        if args.keep:
            args.keep.mkdir(parents=True)
            memory_scales(args.keep, scales, langs)
            return
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            memory_scales(Path(tmp), scales, langs)
        return
    if args.keep:
        args.keep.mkdir(parents=True)
        run(args.keep, args.pages, langs, args.queries)
        return
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        run(Path(tmp), args.pages, langs, args.queries)


if __name__ == "__main__":
    main()
