"""Write committed, broadcast failed: the post stands, the session survives, the failure is
logged once and the user is told. Redis goes away behind a small TCP proxy (the shared
Redis keeps running)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from ember.demo import chirps
from ember.live import default_ember
from ember.pubsub import PubSub

from .test_demo import running


class Proxy:
    """A loopback TCP proxy to Redis that can be cut: every connection dropped, no new one."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self.writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        await self.server.wait_closed()


async def test_demo_post_stands_when_the_broadcast_fails(tmp_path, redis_url, monkeypatch, caplog):
    parts = urlsplit(redis_url)
    proxy = Proxy(parts.port or 6379)
    port = await proxy.start()
    pubsub = PubSub(f"redis://127.0.0.1:{port}{parts.path or '/0'}")
    monkeypatch.setattr(default_ember(), "_pubsub", pubsub)
    async with running(tmp_path) as client:
        page = await client.live("/")
        await proxy.cut()  # Redis is unreachable from here on
        with caplog.at_level(logging.WARNING, logger="ember.pubsub"):
            await page.submit("form", {"author": "ada", "body": "saved anyway"})
        assert page.close_code is None  # the session survived
        assert page.has("#ember-flash", text="Pages served by other workers")
        assert "saved anyway" in page.html()  # this process's tabs have it
        assert [c.body for c in await chirps.list_chirps()] == ["saved anyway"]  # once
        failures = [r for r in caplog.records if "stands" in r.getMessage()]
        assert len(failures) == 1, [r.getMessage() for r in caplog.records]
        await page.close()
