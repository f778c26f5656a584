"""Drivers: open a session of one target and speak its wire protocol, without a browser.

Every driver opens sessions the way a browser would (load the page when the framework
needs one, then open the websocket) and gives the scenarios one interface: ``send`` an
action to an element of the view, wait for the next ``update``, count the bytes that
arrived on the socket (``rx_bytes``, frame headers included, after compression).

- echo: the raw ASGI echo; an action is a frame of the size of ember's click event, and
  its echo is the update. ``fire`` sends a ``B`` frame that the server sends to everyone.
- ember: ``GET /view`` for the signed token, then ``{view}/_ember/ws?token=…&path=…``;
  ReactPy's ``layout-event`` frames out; a ``layout-update`` (first render), then
  ``ember-patch`` frames in.
- reactpy: ``GET /view``, then ReactPy's own ``/reactpy/?path=…&qs=…`` socket.
- nicegui: ``GET /view`` for the client id and the elements, then socket.io (Engine.IO 4)
  over one websocket with the implicit handshake, answering pings and acking like the
  browser does.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ember.live import PROTOCOL_VERSION

from ._http import Pool

TARGETS = ("echo", "ember", "reactpy", "nicegui")
EMBER_CONFIG = re.compile(r"data-ember-config='([^']*)'")
NICEGUI_ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
NICEGUI_CLIENT = re.compile(r"'client_id': '([^']+)'")
NICEGUI_NEXT_ID = re.compile(r"'next_message_id': (\d+)")
NICEGUI_MESSAGE_ID = re.compile(r'"_id":(\d+)\}\]$')
# What ember's click event looks like on the wire; the echo sends frames of this size.
UPDATE_TIMEOUT = 60.0
ECHO_EVENT = json.dumps({"type": "layout-event", "target": "/0/0/0/0/0/1:onClick", "data": [{}]})


class CountingConnection(ClientConnection):
    """A websocket client connection that counts the bytes it receives from the socket."""

    rx_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.rx_bytes += len(data)
        super().data_received(data)


class Session:
    """One open session: a websocket and a task that reads it, queueing the updates."""

    def __init__(self, ws: CountingConnection) -> None:
        self.ws = ws
        self.updates: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start reading the socket (once the driver's own handshake is done)."""
        self._reader = asyncio.create_task(self._read())

    @property
    def rx_bytes(self) -> int:
        return self.ws.rx_bytes

    def is_update(self, frame: str) -> bool:
        return True

    async def on_frame(self, frame: str) -> None:
        """Frames that are not updates (pings, acks) are handled here."""

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in self.ws:
                text = frame if isinstance(frame, str) else frame.decode()
                if self.is_update(text):
                    self.updates.put_nowait((len(text), time.perf_counter()))
                await self.on_frame(text)

    async def update(self) -> tuple[int, float]:
        """Wait for the next update: its size as text (before compression) and when it
        arrived (``time.perf_counter()``)."""
        async with asyncio.timeout(UPDATE_TIMEOUT):
            return await self.updates.get()

    def drain(self) -> None:
        while not self.updates.empty():
            self.updates.get_nowait()

    async def send(self, action: str, value: str | None = None) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


async def _connect(url: str, deflate: bool, origin: str | None = None) -> CountingConnection:
    ws = await connect(
        url,
        create_connection=CountingConnection,
        compression="deflate" if deflate else None,
        origin=origin,  # type: ignore[arg-type]
        proxy=None,  # 127.0.0.1: no proxy, and no scan of os.environ for one on every open
        max_size=None,
        ping_interval=None,
        open_timeout=60,
        close_timeout=5,
    )
    return ws  # type: ignore[return-value]


class Driver:
    """Opens sessions of one target on 127.0.0.1:port."""

    name = ""

    def __init__(self, port: int, deflate: bool) -> None:
        self.port = port
        self.deflate = deflate
        self.base = f"http://127.0.0.1:{port}"
        self.http = Pool(port)

    async def page(self, view: str, query: str) -> str:
        return await self.http.get(f"/{view}" + (f"?{query}" if query else ""))

    async def open(self, view: str, query: str = "") -> Session:
        raise NotImplementedError

    async def aclose(self) -> None:
        await self.http.aclose()


class EchoSession(Session):
    async def send(self, action: str, value: str | None = None) -> None:
        payload = ECHO_EVENT if value is None else ECHO_EVENT.replace("{}", json.dumps(value))
        await self.ws.send(("B" if action == "fire" else "") + payload)


class EchoDriver(Driver):
    name = "echo"

    async def open(self, view: str, query: str = "") -> Session:
        session = EchoSession(await _connect(f"ws://127.0.0.1:{self.port}/", self.deflate))
        session.start()
        await session.send("hello")
        await session.update()
        return session


class ReactPySession(Session):
    """ReactPy's wire protocol, which ember speaks too."""

    def __init__(self, ws: CountingConnection) -> None:
        super().__init__(ws)
        self.targets: dict[str, str] = {}

    def is_update(self, frame: str) -> bool:
        return '"layout-update"' in frame[:40]

    async def first_render(self) -> None:
        async with asyncio.timeout(60):
            while True:
                frame = await self.ws.recv()
                text = frame if isinstance(frame, str) else frame.decode()
                if self.is_update(text):
                    break
        self.targets = _handler_targets(json.loads(text)["model"])
        self.start()

    async def send(self, action: str, value: str | None = None) -> None:
        data: list[Any] = [{}] if value is None else [{"target": {"value": value}}]
        frame = {"type": "layout-event", "target": self.targets[action], "data": data}
        await self.ws.send(json.dumps(frame))


def _handler_targets(model: dict[str, Any]) -> dict[str, str]:
    """Element id → the target of its first event handler, over the whole model."""
    found: dict[str, str] = {}
    stack = [model]
    while stack:
        node = stack.pop()
        element_id = node.get("attributes", {}).get("id")
        handlers = node.get("eventHandlers") or {}
        if element_id and handlers:
            found[element_id] = next(iter(handlers.values()))["target"]
        stack.extend(child for child in node.get("children", ()) if isinstance(child, dict))
    return found


class EmberSession(ReactPySession):
    """ReactPy's protocol plus ember's own frames: after the first render, each render comes
    as an ``ember-patch`` (protocol version 2) instead of a ``layout-update``."""

    def is_update(self, frame: str) -> bool:
        head = frame[:40]
        return '"ember-patch"' in head or '"layout-update"' in head


class EmberDriver(Driver):
    name = "ember"

    async def open(self, view: str, query: str = "") -> Session:
        page = await self.page(view, query)
        found = EMBER_CONFIG.search(page)
        if found is None:
            raise RuntimeError(f"GET /{view} carried no data-ember-config")
        config = json.loads(html.unescape(found.group(1)))
        params = urlencode(
            {"path": f"/{view}", "qs": f"?{query}" if query else "", "protocol": PROTOCOL_VERSION}
        )
        url = f"ws://127.0.0.1:{self.port}{config['pathPrefix']}{config['componentPath']}&{params}"
        session = EmberSession(await _connect(url, self.deflate, origin=self.base))
        await session.first_render()
        return session


class ReactPyDriver(Driver):
    name = "reactpy"

    async def open(self, view: str, query: str = "") -> Session:
        await self.page(view, query)
        params = {"path": f"/{view}", **({"qs": f"?{query}"} if query else {})}
        url = f"ws://127.0.0.1:{self.port}/reactpy/?{urlencode(params)}"
        session = ReactPySession(await _connect(url, self.deflate))
        await session.first_render()
        return session


class NiceGUISession(Session):
    def __init__(self, ws: CountingConnection, client_id: str, elements: dict[str, Any]) -> None:
        super().__init__(ws)
        self.client_id = client_id
        self.listeners: dict[str, tuple[int, str]] = {}
        for key, element in elements.items():
            name = (element.get("props") or {}).get("data-bench")
            events = element.get("events") or []
            if name and events:
                self.listeners[name] = (int(key), events[0]["listener_id"])
        self._acked = time.monotonic()

    def is_update(self, frame: str) -> bool:
        return frame.startswith('42["update"')

    async def on_frame(self, frame: str) -> None:
        if frame == "2":  # Engine.IO ping: the server drops sockets that do not answer
            await self.ws.send("3")
        elif self.is_update(frame) and time.monotonic() - self._acked > 3:
            # the browser acks every 3 s so the server can prune its message history
            found = NICEGUI_MESSAGE_ID.search(frame)
            if found:
                self._acked = time.monotonic()
                ack = {"client_id": self.client_id, "next_message_id": int(found.group(1)) + 1}
                await self.ws.send("42" + json.dumps(["ack", ack]))

    async def send(self, action: str, value: str | None = None) -> None:
        element_id, listener_id = self.listeners[action]
        args = [] if value is None else [json.dumps(value)]
        event = {
            "id": element_id,
            "client_id": self.client_id,
            "listener_id": listener_id,
            "args": args,
        }
        await self.ws.send("42" + json.dumps(["event", event]))


class NiceGUIDriver(Driver):
    name = "nicegui"

    async def open(self, view: str, query: str = "") -> Session:
        page = await self.page(view, query)
        elements_found = NICEGUI_ELEMENTS.search(page)
        client_found = NICEGUI_CLIENT.search(page)
        next_found = NICEGUI_NEXT_ID.search(page)
        if not (elements_found and client_found and next_found):
            raise RuntimeError(f"GET /{view} did not look like a NiceGUI page")
        client_id = client_found.group(1)
        params = {
            "client_id": client_id,
            "next_message_id": next_found.group(1),
            "implicit_handshake": "true",
            "document_id": str(uuid.uuid4()),
            "tab_id": str(uuid.uuid4()),
            "EIO": "4",
            "transport": "websocket",
        }
        url = f"ws://127.0.0.1:{self.port}/_nicegui_ws/socket.io/?{urlencode(params)}"
        ws = await _connect(url, self.deflate)
        async with asyncio.timeout(60):
            opened = await ws.recv()  # Engine.IO open: 0{"sid": …}
            if not str(opened).startswith("0"):
                raise RuntimeError(f"Expected an Engine.IO open packet, got {opened!r:.80}")
            await ws.send("40")  # socket.io connect to "/" (runs the implicit handshake)
            connected = await ws.recv()
            if not str(connected).startswith("40"):
                raise RuntimeError(f"NiceGUI refused the socket: {connected!r:.120}")
        elements = json.loads(html.unescape(elements_found.group(1)))
        session = NiceGUISession(ws, client_id, elements)
        session.start()
        return session


DRIVERS: dict[str, type[Driver]] = {
    "echo": EchoDriver,
    "ember": EmberDriver,
    "reactpy": ReactPyDriver,
    "nicegui": NiceGUIDriver,
}
