"""bench/engine.py keeps running (a tiny run; the figures come from the full one)."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RATIO = re.compile(r"(\d+\.\d+)x \((\d+\.\d+)-(\d+\.\d+)\)")


@pytest.mark.timeout(60)
def test_engine_bench_small_run_prints_finite_ratios(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    command = [sys.executable, "bench/engine.py", "--clicks", "60", "--reps", "1"]
    command += ["--append-results", str(results)]
    out = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=55
    ).stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and "x (" in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| counter (README)",
        "| subscribed (a delivery)",
        "| keyed list, 100 rows, one changed",
    ]
    for row in rows:
        ratios = [float(value) for found in RATIO.findall(row) for value in found]
        assert len(ratios) == 6, row  # to the baseline, and to the bare component
        assert all(math.isfinite(r) and r > 0 for r in ratios), row
    assert "## engine:" in results.read_text()
