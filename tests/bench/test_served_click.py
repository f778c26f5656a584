"""bench/served_click.py: the served counter (and echo) take clicks and stop on SIGINT."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = str(ROOT / "bench" / "served_click.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(90)
@pytest.mark.parametrize("target", ["ember", "echo"])
def test_served_click_smoke_run_clicks_and_the_server_stops_on_sigint(target: str) -> None:
    port = str(free_port())
    server = subprocess.Popen(
        [sys.executable, SCRIPT, "serve", "--target", target, "--port", port],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        clicked = subprocess.run(
            [sys.executable, SCRIPT, "click", "--target", target, "--port", port, "--clicks", "20"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert clicked.returncode == 0, clicked.stdout[-3000:] + clicked.stderr[-3000:]
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=20)
    # uvicorn shuts down, then raises the signal it caught again (ignored in a shell's
    # background job, so valgrind's run ends with 0 there).
    assert server.returncode in (0, -signal.SIGINT), output.decode()[-3000:]
