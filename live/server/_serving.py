"""The code of :mod:`ember.live.serving` (its docstring is the guide)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Generator
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

from .._settings import LiveSettings

__all__ = ["WebSocketProtocol", "uvicorn_options"]

PROTOCOL_PATH = "ember.live.serving:WebSocketProtocol"
CLOSE_TIMEOUT_SECONDS = 5.0
PARSE_BYTES = 1024
"""How many bytes of what was read are parsed (and inflated) at a time: one frame of
``EMBER_MAX_FRAME_BYTES`` compressed is about 1 KiB at deflate's best."""


class WebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets (sans-I/O) protocol with ember's per-socket bounds."""

    # Bytes read from the client and not parsed yet, while the app has frames to read. A
    # class default, so a socket that is never behind keeps no attribute of its own.
    _unparsed: bytes = b""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.close_timeout = CLOSE_TIMEOUT_SECONDS
        # uvicorn's asyncio Queue and Event keep five deques, about 3.7 KiB a socket.
        self.messages = _Messages()
        self.queue = self.messages  # type: ignore[assignment]  # put_nowait, get, empty
        self.writable = _Flag()  # type: ignore[assignment]  # set, clear, wait
        self.writable.set()
        self._output_full = False  # the send buffer is above its high-water mark
        self._app_done = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        _release_upgraded(transport.get_protocol())  # still the HTTP protocol here
        super().connection_made(transport)

    # -- the handshake's request and response are not kept for the socket's life ----------

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # uvicorn copied the headers into the ASGI scope; websockets' parser keeps the
        # request for the connection's life (a local of its generator), headers and all.
        event.headers.clear()

    # -- a closed socket is freed by reference counting ----------------------------------------

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self._app_done:
            _release_parser(self)

    async def run_asgi(self) -> None:
        try:
            await super().run_asgi()
        finally:
            self._app_done = True
            if self.disconnected:
                _release_parser(self)

    # -- reading stops while the client does not take its output ---------------------------

    def _update_reading(self) -> None:
        transport: asyncio.Transport | None = self.transport  # None before a connection
        if transport is None or transport.is_closing():
            return
        if self._output_full or self.read_paused or self._unparsed:
            transport.pause_reading()
        else:
            transport.resume_reading()

    def pause_writing(self) -> None:
        super().pause_writing()
        self._output_full = True
        self._update_reading()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._output_full = False
        self._update_reading()

    def handle_ping(self) -> None:
        if self._output_full:
            self.conn.data_to_send()  # drop the pong: the client is not reading anyway
            return
        super().handle_ping()

    # -- what was read is inflated only as the app reads it ---------------------------------

    def data_received(self, data: bytes) -> None:
        # uvicorn parses a whole read (up to 256 KiB) at once and queues every frame in it,
        # inflated: 200 compressed frames of 1 MiB fit in 400 KiB. Parsed a piece at a time
        # while the app has nothing queued, the rest waits as it came (compressed).
        if not self._unparsed and len(data) <= PARSE_BYTES and self.queue.empty():
            super().data_received(data)  # one piece (a click's read): nothing to keep
            return
        self._unparsed = self._unparsed + data if self._unparsed else data
        self._parse()

    def _parse(self) -> None:
        data, at = self._unparsed, 0
        # Past its close the app reads no more (uvicorn drops what comes), and the client's
        # close reply must still be parsed, whatever the queue holds.
        while (
            at < len(data)
            and (self.queue.empty() or self.close_sent)
            and not self.transport.is_closing()
        ):
            super().data_received(data[at : at + PARSE_BYTES])
            at += PARSE_BYTES
        if at < len(data) and not self.transport.is_closing():
            self._unparsed = data[at:]
        elif self._unparsed:
            self._unparsed = b""
        self._update_reading()

    def send_receive_event_to_app(self) -> None:
        if self.read_paused or not self.messages.reader_waits():
            super().send_receive_event_to_app()
            return
        # A reader waits for this message: it is handed over, and the queue is empty again
        # once that reader runs. uvicorn stops reading after every message until the app
        # has taken it (two ``epoll_ctl`` calls and the selector's bookkeeping per frame,
        # as much Python as a small render); reading stops here only for a message that
        # nobody waits for (a second frame of the same read, an app busy elsewhere), so
        # what a socket may queue is bounded as before: the frames of one read.
        self.read_paused = True  # uvicorn's own method then queues it without pausing
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = False

    async def receive(self) -> Any:
        message = await self.queue.get()
        if self._unparsed and self.queue.empty():
            self._parse()
        if self.read_paused and self.queue.empty():
            self.read_paused = False
            self._update_reading()
        return message

    # -- a client that never reads is cut off, not waited for --------------------------------

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._abort()

    async def send(self, message: ASGISendEvent) -> None:
        if message["type"] == "websocket.close" and self._output_full:
            # uvicorn waits until the client takes its output before it queues the close
            # frame: forever, for a client that reads nothing. Queue it now (a few bytes).
            self.writable.set()
            try:
                await super().send(message)
            finally:
                if self._output_full and not self.disconnected:
                    self.writable.clear()
        else:
            await super().send(message)
        if self.handshake_complete and self.response is not None:
            self.response = None  # type: ignore[assignment]  # sent (the accept or a refusal)
        if message["type"] == "websocket.close" and self.close_timer is not None:
            # uvicorn closes the transport after the timeout, which waits for the send
            # buffer to drain; a client that reads nothing would hold the socket forever.
            self.close_timer.cancel()
            self.close_timer = self.loop.call_later(self.close_timeout, self._abort)

    def shutdown(self) -> None:
        full = self._output_full
        super().shutdown()
        if full:  # the 1012 close frame cannot reach a client that is not reading
            self._abort()

    def _abort(self) -> None:
        """Drop the connection now, unsent output too (a reset, as the client reads
        nothing): the socket's memory is returned at once, in the process and the kernel."""
        self.close_timer = None
        transport: asyncio.Transport | None = self.transport  # None before a connection
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()


_done = asyncio.Future.done


class _Messages:
    """The socket's incoming ASGI messages, for the app's ``receive``: what uvicorn's
    protocol asks of its ``asyncio.Queue`` (``put_nowait``, ``get``, ``empty``), with its
    behaviour (first come first served, a cancelled reader passes its wake-up on), in
    lists: an empty list is 56 bytes, a queue's four deques 760 each."""

    __slots__ = ("_getters", "_items")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._getters: list[asyncio.Future[None]] = []

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    def reader_waits(self) -> bool:
        """True while a ``get`` waits with nothing queued: the next item is its."""
        if self._items:
            return False
        # A cancelled getter leaves the list as it goes; a woken one is taken off it.
        return not all(map(_done, self._getters))  # no generator's frame per frame

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self._wake_next()

    async def get(self) -> Any:
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                with contextlib.suppress(ValueError):
                    self._getters.remove(getter)
                if self._items and not getter.cancelled():
                    self._wake_next()
                raise
        return self._items.pop(0)

    def _wake_next(self) -> None:
        getters = self._getters
        while getters:
            getter = getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                return


class _Flag:
    """``asyncio.Event`` with its waiters in a list (an empty deque is 760 bytes): whether
    the socket's output is below its high-water mark."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] = []

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if not self._set:
            self._set = True
            for waiter in self._waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
            return True
        finally:
            self._waiters.remove(waiter)


def _release_upgraded(http: asyncio.BaseProtocol) -> None:
    """Free the HTTP protocol a websocket upgrades from by reference counting.

    uvicorn's httptools protocol and its parser refer to each other (the parser holds the
    protocol's callbacks); uvicorn drops the parser in ``connection_lost``, which the HTTP
    protocol never gets once the transport is the websocket's. Left alone, every socket's
    HTTP protocol, request scope, headers and flow control wait for a full collection: the
    memory of closed sessions grows between collections. Nothing reads the parser after the
    upgrade (uvicorn is past ``feed_data`` when it upgrades).
    """
    if isinstance(http, HttpToolsProtocol):
        http.parser = None  # type: ignore[assignment]  # as its connection_lost does


def _release_parser(protocol: WebSocketsSansIOProtocol) -> None:
    """Free the websockets connection of a closed socket by reference counting.

    websockets' ``ServerProtocol`` and its parser refer to each other (the parser is a
    generator of its own method), so a closed socket's connection, with its frame reader,
    its deflate extension and the close frames, waits for a full collection, which a
    process with many sessions runs rarely (the generations' thresholds are raised, see
    live/ops/_gc.py): after a burst of closes about 2 KiB a socket stayed allocated and
    the next burst needed new pymalloc arenas (bench/RESULTS.md, "memory left"). Called
    once the socket is lost and its app has returned, when nothing parses or sends on it
    again; a parser that takes and drops any data replaces it, should anything still
    feed the connection.
    """
    protocol.conn.parser = _discard_all()


def _discard_all() -> Generator[None]:
    while True:
        yield


def uvicorn_options(settings: LiveSettings) -> dict[str, Any]:
    """The websocket options ``ember server`` gives ``uvicorn.run`` for ``settings``."""
    return {
        "ws": PROTOCOL_PATH,
        "ws_max_size": settings.max_frame_bytes,
        "ws_ping_interval": settings.ws_ping_interval_seconds,
        "ws_ping_timeout": settings.ws_ping_timeout_seconds,
        "ws_per_message_deflate": settings.ws_compression,
    }
