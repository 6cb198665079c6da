"""Memory of a full content build and of a serving process, each measured in its own child.

Used by `bench_index.py` (the full build line and `--memory-scales`). Each child reports its
own VmHWM (peak resident set) from /proc/self/status, so the figures are per build and per
server, not the benchmark process's own history.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEAK = """
def peak_mib(field="VmHWM"):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
"""

BUILD = (
    PEAK
    + """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from migrant_info.content import index
before = peak_mib("VmRSS")  # resident after imports (their own peak is VmHWM)
start = time.perf_counter()
index.ensure_fresh(Path(sys.argv[2]), Path(sys.argv[3]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "imports_mib": before, "peak_mib": peak_mib()}))
"""
)

SERVE = (
    PEAK
    + """
import json, random, sys
sys.path.insert(0, sys.argv[1])
from migrant_info import create_app
from migrant_info.content.model import TOPICS
content, instance, pages = sys.argv[2], sys.argv[3], int(sys.argv[4])
langs, words = sys.argv[5].split(","), json.loads(sys.argv[6])
app = create_app({"CONTENT_DIR": content, "INSTANCE_DIR": instance, "STATS_ENABLED": False})
client = app.test_client()
rng = random.Random(3)
urls = [f"/{lang}/" for lang in langs]
urls += [f"/{lang}/{topic}/" for lang in langs for topic in TOPICS]
for n in rng.sample(range(pages), min(pages, 100)):
    urls += [f"/{lang}/{TOPICS[n % len(TOPICS)]}/page-{n:05d}" for lang in langs]
urls += [f"/{lang}/search?q={rng.choice(words[lang])}" for lang in langs for _ in range(30)]
statuses = {}
started = None
for url in urls:
    status = client.get(url).status_code
    statuses[status] = statuses.get(status, 0) + 1
    if started is None:
        started = peak_mib()  # after the start-up check and the first answer
print(json.dumps({"requests": len(urls), "statuses": statuses, "start_mib": started,
                  "peak_mib": peak_mib()}))
"""
)


def _child(script: str, *args: str) -> dict:
    argv = [sys.executable, "-c", script, str(ROOT), *args]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_in_child(content: Path, index_path: Path) -> dict:
    """Run ensure_fresh (a full build when there is no index) in a new process: its
    seconds, its RSS after imports and the peak RSS of the whole process, in MiB."""
    return _child(BUILD, str(content), str(index_path))


def serve_in_child(
    content: Path, instance: Path, pages: int, langs: list[str], words: dict[str, list[str]]
) -> dict:
    """Start the app on a built index in a new process and answer a few hundred requests
    (home, topic indexes, 300 pages, 90 searches) with the test client; its peak RSS."""
    sample = {lang: words[lang][:200] for lang in langs}
    return _child(
        SERVE, str(content), str(instance), str(pages), ",".join(langs), json.dumps(sample)
    )
