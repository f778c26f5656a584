"""bench/jobs_cache.py keeps running (a tiny run; the figures come from the full one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_jobs_cache_small_run_prints_table(redis_url: str) -> None:
    small = ["--reps", "1", "--ops", "3", "--redis-url", redis_url]
    out = subprocess.run(
        [sys.executable, "bench/jobs_cache.py", *small],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "| sqlite |" in out.stdout
    assert "| memory: `get` hit" in out.stdout
    assert "| redis: `get` hit" in out.stdout
