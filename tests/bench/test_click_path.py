"""bench/click_path.py: the in-process click path runs and reports sane figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (ember minus echo|echo|ember)\b[^|]*\| ([\d.]+) \(", re.M)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seq", [False, True])
def test_click_path_smoke_run_reports_cpu_per_click_for_echo_and_ember(seq: bool) -> None:
    command = [sys.executable, str(ROOT / "bench" / "click_path.py"), "--clicks", "50"]
    command += ["--rounds", "1", *(["--seq"] if seq else [])]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=55)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = {name: float(value) for name, value in ROW.findall(done.stdout)}
    assert set(figures) == {"echo", "ember", "ember minus echo"}, done.stdout
    assert 0 < figures["echo"] < figures["ember"]
    assert figures["ember minus echo"] == pytest.approx(figures["ember"] - figures["echo"], abs=0.2)
