"""How ``ember.live.serving``'s protocol reads a socket: a frame that the app's reader waits
for is handed over without stopping the socket's reads (uvicorn stops and restarts them
around every message), and frames that nobody waits for stop them as uvicorn does, so a
client still cannot queue more than the frames of one read (bench/RESULTS.md, issue 21)."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import connect

from ember.live.serving import WebSocketProtocol

from ._uvicorn import Receive, Send, serving


def counting(protocol: type[WebSocketsSansIOProtocol]) -> type[WebSocketsSansIOProtocol]:
    """``protocol``, keeping its instances and counting its transports' pause_reading."""

    class Counting(protocol):  # type: ignore[valid-type, misc]
        made: list[Counting] = []  # one per served class

        def connection_made(self, transport: Any) -> None:
            self.pauses = 0
            pause = transport.pause_reading

            def pause_reading() -> None:
                self.pauses += 1
                pause()

            transport.pause_reading = pause_reading
            self.made.append(self)
            super().connection_made(transport)

    return Counting


async def echo(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"]})


async def pauses_over_round_trips(protocol: type[WebSocketsSansIOProtocol]) -> int:
    served = counting(protocol)
    async with serving(echo, served) as port:
        async with connect(f"ws://127.0.0.1:{port}/") as socket:
            for number in range(50):
                await socket.send(f"click {number}")
                assert await socket.recv() == f"click {number}"
        return sum(made.pauses for made in served.made)


async def test_serving_a_frame_the_reader_waits_for_keeps_the_socket_reading():
    assert await pauses_over_round_trips(WebSocketsSansIOProtocol) >= 50  # uvicorn's
    assert await pauses_over_round_trips(WebSocketProtocol) == 0


async def test_serving_frames_nobody_reads_stop_the_reads_until_the_app_reads():
    go = asyncio.Event()
    served = counting(WebSocketProtocol)

    async def late_reader(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await go.wait()  # busy elsewhere: nobody reads meanwhile
        while (message := await receive())["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message["text"]})

    async with (
        serving(late_reader, served) as port,
        connect(f"ws://127.0.0.1:{port}/") as socket,
    ):
        for number in range(5):
            await socket.send(f"frame {number}")
            await asyncio.sleep(0.05)  # each frame in a read of its own
        (protocol,) = served.made
        # The first frame waits in the protocol, the others in the kernel's buffer.
        assert protocol.queue.qsize() == 1
        assert not protocol.transport.is_reading()
        go.set()
        for number in range(5):
            assert await socket.recv() == f"frame {number}"
        assert protocol.transport.is_reading()
