"""bench/delivery_path.py: the in-process broadcast delivery runs and reports its figure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = re.compile(r"CPU per delivery to 20 sessions, µs \(median per round\): ([\d.]+)$", re.M)


@pytest.mark.timeout(60)
def test_delivery_path_smoke_run_reports_cpu_per_delivery() -> None:
    command = [sys.executable, str(ROOT / "bench" / "delivery_path.py"), "--sessions", "20"]
    command += ["--broadcasts", "3", "--rounds", "1", "--no-watchdog"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=55)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = FIGURES.search(done.stdout)
    assert found is not None, done.stdout
    assert 0 < float(found.group(1)) < 100_000
