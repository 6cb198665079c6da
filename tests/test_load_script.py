"""scripts/load.py, run briefly: the production server under mixed load loses nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "scripts" / "load.py"


def test_short_load_run_passes_every_check():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--seconds", "4", "--threads", "4", "--subscribers", "30"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "FAIL" not in result.stdout
    assert "PASS  no 5xx" in result.stdout and "PASS  revisions = saves" in result.stdout
