"""Fixtures for ember.pubsub: every backend is a parameter (memory, Redis, PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from ember.pubsub import Backoff, PubSub, Subscription

FAST = Backoff(initial=0.02, maximum=0.2)

_NO_PERSISTENCE = ("--save", "", "--appendonly", "no")

MakePubSub = Callable[..., Awaitable[PubSub]]


MEMORY = pytest.param("memory", id="memory")
REDIS = pytest.param("redis", id="redis", marks=pytest.mark.redis)
POSTGRES = pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=[MEMORY, REDIS, POSTGRES])
def backend_url(request: pytest.FixtureRequest) -> str:
    """The URL of each backend in turn; a memory bus of its own per test."""
    if request.param == "memory":
        return f"memory://test-{uuid.uuid4().hex}"
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    url = str(request.getfixturevalue("postgres_url"))
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(params=[MEMORY, REDIS])
def memory_or_redis_url(request: pytest.FixtureRequest) -> str:
    """Memory and Redis: the backends Presence is specified for, and the ones that carry
    arbitrary bytes."""
    if request.param == "memory":
        return f"memory://test-{uuid.uuid4().hex}"
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture
def topic() -> str:
    """A topic no other test (or engineer sharing the Redis server) uses."""
    return f"test:{uuid.uuid4().hex}"


@pytest.fixture
async def make_pubsub() -> AsyncIterator[MakePubSub]:
    """Start PubSubs (each one a "node"); all are stopped at teardown."""
    started: list[PubSub] = []

    async def make(url: str, **kwargs: object) -> PubSub:
        kwargs.setdefault("backoff", FAST)
        pubsub = PubSub(url, **kwargs)  # type: ignore[arg-type]
        await pubsub.start()
        started.append(pubsub)
        return pubsub

    yield make
    for pubsub in reversed(started):
        await pubsub.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on a free port that a test may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self._proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", *_NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self._proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
            except OSError:
                time.sleep(0.02)
            else:
                return
        self.stop()  # not left running when this test fails
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def pause(self) -> None:
        """Freeze the server: connections stay open, nothing answers (a hung server)."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._proc is not None
        self._proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.send_signal(signal.SIGCONT)
            proc.kill()
            proc.wait(5)


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A private Redis server (the shared one on 6379 must never be restarted)."""
    if not (shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server")):
        pytest.skip("redis-server is not installed; needed to restart Redis in a test")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


async def next_message(sub: Subscription, within: float = 5.0) -> BaseModel:
    """The subscription's next message, failing the test after ``within`` seconds."""
    return await asyncio.wait_for(anext(sub), within)


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until ``check()`` is true, failing the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {within}s")
        await asyncio.sleep(0.01)


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[REDIS, POSTGRES])
def network_url(request: pytest.FixtureRequest) -> str:
    """The backends that join processes."""
    url = str(request.getfixturevalue(f"{request.param}_url"))
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def start_peer(mode: str, url: str, topic: str) -> asyncio.subprocess.Process:
    """Start ``tests.pubsub._peer`` and wait until it says READY."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.pubsub._peer",
        mode,
        url,
        topic,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert line == b"READY\n", line
    except BaseException:
        proc.kill()  # not left running when this test fails
        await proc.wait()
        raise
    return proc


@pytest.fixture
async def peers() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Peer processes a test starts; killed at teardown if still running."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for proc in started:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every pubsub test that needs a server, so ``-m "not redis"`` selects well."""
    here = Path(__file__).parent
    for item in items:
        if here not in item.path.parents:
            continue
        names = set(getattr(item, "fixturenames", ()))
        if names & {"redis_url", "own_redis"}:
            item.add_marker(pytest.mark.redis)
        if "postgres_url" in names:
            item.add_marker(pytest.mark.postgres)
