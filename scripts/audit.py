#!/usr/bin/env python3
"""Dependency audit for the test command: pip-audit over the virtualenv.

Fails on any known vulnerability. Packages the vulnerability service could not look up are
listed as a warning, not a failure: on machines whose package index is a mirror without
PyPI's JSON API every package is "not found", and a red build would then say nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    """Run pip-audit, print a summary, return 1 when a vulnerability is known."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run(
            [str(BIN / "pip-audit"), "--local", "--skip-editable", "--progress-spinner", "off",
             "--format", "json", "--output", str(report)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if not report.exists():
            print(f"pip-audit did not run: {run.stderr.strip()[-500:]}", file=sys.stderr)
            return 1
        deps = json.loads(report.read_text())["dependencies"]
    vulnerable = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
    skipped = [d["name"] for d in deps if "skip_reason" in d]
    for name, version, vuln in vulnerable:
        print(f"VULNERABLE: {name} {version}: {vuln}")
    audited = len(deps) - len(skipped)
    print(f"pip-audit: {audited} of {len(deps)} packages audited, {len(vulnerable)} known "
          f"vulnerabilities.")  # fmt: skip
    if skipped:
        print(f"warning: {len(skipped)} packages could not be looked up (no PyPI JSON API "
              "here?); run scripts/audit.py where pypi.org is reachable.")  # fmt: skip
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
