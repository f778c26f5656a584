"""A server process for browser tests: started on a free port, ready once it accepts
connections, restartable on the same port.

A server whose app keeps no state between tests is started once per module
(:func:`module_server`) and handed to each test as started (:meth:`Server.as_started`):
a test may stop it or restart it with another key, and the next test gets it back
serving again, with its first key.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate ``process`` and wait for it; kill it when it takes longer than
    ``timeout`` (then raise: a server that ignores SIGTERM is a bug worth a failure)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


class Server:
    """A uvicorn process serving ``APP`` (tests/browser/app.py unless told otherwise)."""

    APP = "tests.browser.app:app"
    START_SECONDS = 20.0
    QUIET = False  # True: the server's output is dropped

    def __init__(self, secret: str = "browser-secret-key-0123456789", app: str = "") -> None:
        self.app = app or self.APP
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secret
        self.first_secret = secret
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """How the server process starts (subclasses serve something else)."""
        port = str(self.port)
        return [sys.executable, "-m", "uvicorn", self.app, "--port", port, "--log-level", "warning"]

    def env(self) -> dict[str, str]:
        return {**os.environ, "EMBER_SECRET_KEY": self.secret}

    def start(self) -> None:
        """Start the process and return once it accepts connections."""
        output = subprocess.DEVNULL if self.QUIET else None
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env(),
            stdout=output,
            stderr=output,
        )
        deadline = time.monotonic() + self.START_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break  # it exited: no use waiting
                time.sleep(0.05)
        self.stop()  # not left running when this test fails
        name = " ".join(self.command()[2:4])
        raise RuntimeError(
            f"{name} did not start on port {self.port} within {self.START_SECONDS} s"
        )

    def stop(self) -> None:
        if self.process is not None:
            process, self.process = self.process, None
            stop_process(process)

    def as_started(self) -> Server:
        """This server serving with its first key (restarted if a test stopped it or
        rotated its key)."""
        alive = self.process is not None and self.process.poll() is None
        if not alive or self.secret != self.first_secret:
            self.stop()
            self.secret = self.first_secret
            self.start()
        return self


def module_server(make: Callable[[], Server]) -> Iterator[Server]:
    """Start ``make()`` for a module's tests; stop it after the last one. For a
    module-scoped fixture; the tests ask for a function-scoped one that yields
    ``as_started()``."""
    running = make()
    running.start()
    yield running
    running.stop()
