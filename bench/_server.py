"""A target's server: a fresh uvicorn process pinned to its own core, and what it costs.

The server runs on core 0 and the harness (the client) on core 1 when the machine has two
cores and ``taskset``; everything listens on 127.0.0.1. RSS and CPU time are read from
outside with psutil (``taskset`` execs the server, so the pid is the server's).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from . import _profile

ROOT = Path(__file__).resolve().parents[1]
LOGS = Path(tempfile.gettempdir()) / "ember-bench-logs"  # each server's output
SERVER_CORE = 0
CLIENT_CORE = 1
APPS = {
    "echo": "bench._apps.echo:app",
    "bare": "bench._apps.bare:app",
    "ember": "bench._apps.ember_app:app",
    "reactpy": "bench._apps.reactpy_app:app",
    "nicegui": "bench._apps.nicegui_app:app",
}
# What a target's users give uvicorn: ``ember server`` serves with ember's websocket
# protocol and per-socket bounds (``ember.live.serving.uvicorn_options``, its defaults).
OPTIONS = {
    "ember": ["--ws", "ember.live.serving:WebSocketProtocol", "--ws-max-size", "1048576"],
}


def pinning() -> bool:
    """Whether server and client get a core each."""
    return bool(shutil.which("taskset")) and (os.cpu_count() or 1) > 1


def pin_client() -> None:
    """Pin this process (the client) to its core, away from the server's."""
    if pinning() and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {CLIENT_CORE})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One target served by a fresh uvicorn process; use as a context manager."""

    def __init__(
        self, target: str, *, start_timeout: float = 60, profile: Path | None = None
    ) -> None:
        self.target = target
        self.profile = profile
        self._sampler: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._ps: psutil.Process | None = None

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            APPS[self.target],
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--app-dir",
            str(ROOT),
            *OPTIONS.get(self.target, []),
        ]
        if pinning():
            command = ["taskset", "-c", str(SERVER_CORE), *command]
        env = {
            **os.environ,
            "EMBER_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            # ember throttles each session to 100 events/s after a burst of 200 (a flood
            # guard the peers do not have); the scenarios click faster than any person, so
            # the limit is lifted to measure the runtime rather than the guard. So is the
            # budget the sessions of one address share (every bench client is 127.0.0.1).
            "EMBER_EVENTS_PER_SECOND": "1000000",
            "EMBER_EVENTS_PER_SECOND_PER_IP": "1000000",
        }
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / f"{self.target}-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._ps = psutil.Process(self.process.pid)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the {self.target} server exited with {self.process.returncode}; "
                    f"its output is in {self.log}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                if self.profile is not None:
                    self._sampler = _profile.start(self.process.pid, self.profile)
                return self
            time.sleep(0.05)
        self.__exit__()
        raise RuntimeError(f"the {self.target} server did not listen within {self.start_timeout} s")

    def __exit__(self, *_: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.profile is not None:
            _profile.finish(self._sampler, self.profile)

    @property
    def ps(self) -> psutil.Process:
        if self._ps is None:
            raise RuntimeError("the server is not running")
        return self._ps

    def rss(self) -> int:
        """Resident memory of the server, bytes."""
        return int(self.ps.memory_info().rss)

    def cpu(self) -> float:
        """CPU seconds the server has used so far, all its threads.

        Read from ``/proc/<pid>/task/*/schedstat`` (nanoseconds) where there is one, since
        ``cpu_times`` counts in 10 ms ticks, too coarse for a per-event figure.
        """
        tasks = Path(f"/proc/{self.ps.pid}/task")
        if tasks.is_dir():
            total = 0
            for task in tasks.iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += int((task / "schedstat").read_text().split()[0])
            return total / 1e9
        times = self.ps.cpu_times()
        return float(times.user + times.system)
