"""Invalidation reaches another worker process: through ember.pubsub for the memory
backend, through the shared store for Redis."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import pytest

from ember.cache import Cache
from ember.pubsub import PubSub

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.redis


class Peer:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def ask(self, line: str) -> str:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        return (await asyncio.wait_for(self.proc.stdout.readline(), 10)).decode().strip()


async def start_peer(cache_url: str, pubsub_url: str, name: str) -> Peer:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.cache._peer",
        cache_url,
        pubsub_url,
        name,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line == b"READY\n", line
    except BaseException:
        proc.kill()  # not left running (its pipes open) when this test fails
        await proc.wait()
        raise
    return Peer(proc)


@pytest.mark.parametrize("backend", ["memory+pubsub", "redis"])
async def test_invalidation_in_one_process_reaches_the_other(backend: str, redis_url: str):
    name = f"two-{uuid.uuid4().hex}"
    cache_url = "mem://" if backend == "memory+pubsub" else redis_url
    pubsub_url = redis_url if backend == "memory+pubsub" else "-"
    peer = await start_peer(cache_url, pubsub_url, name)
    try:
        async with PubSub(redis_url) as pubsub:
            cache = Cache(cache_url, pubsub=pubsub, name=name)
            async with cache:
                assert await peer.ask("set report old reports") == "OK"
                assert await peer.ask("get report") == '"old"'
                await cache.set("report", "old", tags=["reports"])
                await cache.invalidate_tags("reports")
                deadline = time.monotonic() + 5
                while await peer.ask("get report") != "null":
                    assert time.monotonic() < deadline, "the peer still serves the old value"
                    await asyncio.sleep(0.02)
                assert await cache.get("report") is None
                assert await peer.ask("set other kept x") == "OK"
                await cache.delete("report")  # other keys stay
                await asyncio.sleep(0.1)
                assert await peer.ask("get other") == '"kept"'
                await cache.clear()
    finally:
        assert peer.proc.stdin is not None
        peer.proc.stdin.close()  # the peer's cue to stop its cache and exit
        try:
            await asyncio.wait_for(peer.proc.wait(), 10)
        finally:
            if peer.proc.returncode is None:
                peer.proc.kill()
                await peer.proc.wait()
