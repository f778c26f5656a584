"""bench/pubsub_fanout.py keeps running (a tiny run; the figures come from the full one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_fanout_small_run_prints_table(redis_url: str) -> None:
    small = ["--subscribers", "20", "--reps", "3", "--redis-url", redis_url]
    out = subprocess.run(
        [sys.executable, "bench/pubsub_fanout.py", *small],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "| memory |" in out.stdout
    assert "| redis |" in out.stdout
