"""The benchmark report is generated from ``benchmarks/results.json``: the table in
``benchmarks/README.md`` and ``benchmarks/table.md`` must be what ``benchmarks/report.py`` makes
of the committed results (after a new run: ``python benchmarks/report.py --readme``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "report.py"


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPORT), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_readme_table_is_the_table_of_the_committed_results():
    proc = report("--check")
    assert proc.returncode == 0, proc.stderr


def test_report_prints_the_committed_table():
    proc = report(str(ROOT / "benchmarks" / "results.json"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (ROOT / "benchmarks" / "table.md").read_text(encoding="utf-8")
