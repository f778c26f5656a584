"""The in-process backend: every PubSub on the same ``memory://name`` URL shares a bus."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from broadcaster import Event

from ._base import EmberBackend, Published

_BUSES: dict[str, set[MemoryBackend]] = {}


class MemoryBackend(EmberBackend):
    """Carries messages between PubSub instances of one process.

    ``memory://`` and ``memory://name`` name a bus; instances on the same bus see each
    other's broadcasts, like processes sharing a Redis server. A backend created on another
    thread's event loop is reached with ``call_soon_threadsafe``.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        self._bus = parts.netloc + parts.path
        self._channels: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def connect(self) -> None:
        self._loop = asyncio.get_running_loop()
        _BUSES.setdefault(self._bus, set()).add(self)

    async def disconnect(self) -> None:
        peers = _BUSES.get(self._bus)
        if peers is not None:
            peers.discard(self)
            if not peers:
                del _BUSES[self._bus]
        self._channels.clear()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    async def publish(self, channel: str, message: str | bytes) -> None:
        for peer in list(_BUSES.get(self._bus, ())):
            if channel in peer._channels:
                peer._receive(Published(channel=channel, message=message))

    def _receive(self, event: Event) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._push(event)
        else:
            loop.call_soon_threadsafe(self._push, event)
