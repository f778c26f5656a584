"""Per-socket bounds on the stack ``ember server`` starts, against a real uvicorn process
with its memory (RSS) measured: pings from a client that never reads, compressed frames
that inflate past the frame limit, events from a client that never reads, and a client
that never answers the keepalive."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import json
import os
import re
import socket
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from ember.live import PROTOCOL_VERSION
from tests._server import Server

APP = "tests.live.apps.bounds_app:app"
MIB = 1024 * 1024
CONFIG = re.compile(r"data-ember-config='([^']*)'")


class EmberServer(Server):
    """``ember server APP`` with extra EMBER_* settings; its log goes to a file."""

    QUIET = True

    def __init__(self, log: Path, **settings: str) -> None:
        super().__init__(app=APP)
        self.log = log
        self.settings = settings

    def command(self) -> list[str]:
        code = "from ember.cli import main; main()"
        return [sys.executable, "-c", code, "server", self.app, "--port", str(self.port)]

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.settings}

    @property
    def rss(self) -> int:
        assert self.process is not None
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmberServer]:
    log = tmp_path_factory.mktemp("bounds") / "server.log"
    served = EmberServer(log, EMBER_SEND_TIMEOUT_SECONDS="2")
    _start_logged(served)
    yield served
    served.stop()


def _start_logged(server: EmberServer) -> None:
    import subprocess

    with server.log.open("wb") as out:  # the child keeps its own copy of the descriptor
        server.process = subprocess.Popen(
            server.command(),
            cwd=Path(__file__).resolve().parents[2],
            env=server.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + server.START_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    server.stop()  # not left running when this test fails
    raise RuntimeError(f"ember server did not start: {server.log_text()[-2000:]}")


def socket_url(server: EmberServer, path: str = "/bounds") -> str:
    page = httpx.get(f"{server.url}{path}").text
    found = CONFIG.search(page)
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    query = urlencode({"path": path, "protocol": PROTOCOL_VERSION})
    return f"{config['pathPrefix']}{config['componentPath']}&{query}"


def raw_socket(server: EmberServer, path: str = "/bounds") -> socket.socket:
    """A websocket opened by hand, with a tiny receive buffer, that reads nothing more
    than the handshake (and what the test asks for)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {socket_url(server, path)} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (the zero mask: the bytes go as they are)."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    return header + b"\0\0\0\0" + payload


def read_frame(sock: socket.socket) -> bytes:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            assert chunk, "the server closed the socket"
            data += chunk
        return data

    _, second = exactly(2)
    size = second & 0x7F
    if size == 126:
        size = struct.unpack("!H", exactly(2))[0]
    elif size == 127:
        size = struct.unpack("!Q", exactly(8))[0]
    return exactly(size)


def send_for(sock: socket.socket, chunk: bytes, seconds: float, limit: int) -> int:
    """Send ``chunk`` again and again for ``seconds`` (or ``limit`` bytes); return how
    many bytes the kernel took."""
    sock.settimeout(0.2)
    sent = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and sent < limit:
        try:
            sent += sock.send(chunk)
        except TimeoutError:
            continue
        except OSError:
            break  # the server cut the client off: that bounds it too
    return sent


def was_reset(sock: socket.socket) -> bool:
    """Whether the server reset the connection (read what was delivered before it)."""
    sock.settimeout(2)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False  # still open: the server is waiting for the client
    return False  # a clean close, after the client took everything


_TCP_ESTABLISHED = 1  # tcpi_state, the first byte of Linux's struct tcp_info


def wait_until_ended(sock: socket.socket, within: float) -> None:
    """Wait (up to ``within`` seconds) until the server ends the connection, reading
    nothing: a client that reads would let a close frame through. :func:`was_reset` then
    tells a reset from a clean close."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != _TCP_ESTABLISHED:
            return
        time.sleep(0.05)


def settle_rss(server: EmberServer) -> int:
    time.sleep(0.5)
    return server.rss


def test_bounds_pings_from_a_client_that_never_reads_do_not_grow_memory(server):
    sock = raw_socket(server)
    try:
        before = settle_rss(server)
        pings = frame(0x9, b"p" * 125) * 8000  # 1 MiB of pings, 125-byte payloads
        sock.settimeout(0.1)
        sent, window = 0, [(time.monotonic(), 0)]
        deadline = time.monotonic() + 10
        pushed_back = False
        while time.monotonic() < deadline and not pushed_back:
            with contextlib.suppress(TimeoutError):
                sent += sock.send(pings)
            now = time.monotonic()
            window = [(t, n) for t, n in window if t > now - 1.0] + [(now, sent)]
            # A whole second in which the server took (almost) nothing more from us.
            pushed_back = now - window[0][0] > 0.9 and sent - window[0][1] < 64 * 1024
        grown = server.rss - before
        shown = f"sent {sent / MIB:.1f} MiB of pings, the worker grew {grown / MIB:.1f} MiB"
        # uvicorn's own protocol reads on and answers every ping into its send buffer
        # (the worker grew about 1 MiB per MiB sent); ember's stops reading instead.
        assert pushed_back, shown
        assert grown < 12 * MIB, shown
    finally:
        sock.close()


async def test_bounds_compressed_frames_are_refused_before_inflating(server):
    before = settle_rss(server)
    bomb = '{"type": "x", "pad": "' + "a" * (16 * MIB) + '"}'  # 16 MiB, about 16 KiB sent

    async def one() -> int | None:
        async with connect(
            f"ws://127.0.0.1:{server.port}{socket_url(server)}",
            compression="deflate",
            max_size=None,
            ping_interval=None,
        ) as ws:
            await ws.recv()  # the first render
            try:
                await ws.send(bomb)
                while True:
                    await ws.recv()
            except ConnectionClosed:
                pass
            return ws.close_code

    codes = await asyncio.gather(*(one() for _ in range(8)))
    assert codes == [1009] * 8
    grown = settle_rss(server) - before
    assert grown < 16 * MIB, f"8 compressed 16 MiB frames grew the worker {grown / MIB:.0f} MiB"


async def test_bounds_a_read_of_compressed_frames_is_inflated_only_as_the_session_reads():
    # Regression: each read from the socket (up to 256 KiB) was parsed whole, every frame in
    # it inflated into the protocol's queue before the session read one: 200 frames of
    # almost 1 MiB each, about 2 KiB apiece on the wire, grew the worker by 71 MiB, 600 by
    # 211 MiB, however slowly the session read them (10/s here). Now the bytes read wait as
    # they came (compressed) and are parsed as the session takes frames: about 11 MiB.
    served = EmberServer(Path(os.devnull), EMBER_EVENTS_PER_SECOND="10", EMBER_EVENT_BURST="5")
    served.start()
    try:
        before = settle_rss(served)
        padded = '{"type": "layout-event", "target": "stale", "data": [{"pad": "%s"}]}'
        big = padded % ("a" * (MIB - 100))
        async with connect(
            f"ws://127.0.0.1:{served.port}{socket_url(served)}",
            compression="deflate",
            ping_interval=None,
            max_size=None,
        ) as ws:
            await ws.recv()  # the first render
            for _ in range(400):
                await ws.send(big)
            await asyncio.sleep(1.0)
            grown = served.rss - before
        assert grown < 40 * MIB, (
            f"400 MiB of compressed frames grew the worker {grown / MIB:.0f} MiB"
        )
    finally:
        served.stop()


def test_bounds_a_client_that_never_reads_its_updates_is_closed_with_4408(server):
    sock = raw_socket(server, "/ticker")  # 2 MiB/s of renders, none of them read
    try:
        deadline = time.monotonic() + 15
        while "took none of its updates" not in server.log_text():
            assert time.monotonic() < deadline, server.log_text()[-3000:]
            time.sleep(0.1)
        assert server.log_text().count("took none of its updates") == 1
        # The close frame cannot arrive; the connection is reset after 5 s.
        wait_until_ended(sock, 6)
        assert was_reset(sock)
    finally:
        sock.close()


def test_bounds_a_client_that_never_answers_pings_is_cut_off(tmp_path):
    served = EmberServer(
        tmp_path / "server.log",
        EMBER_WS_PING_INTERVAL_SECONDS="0.5",
        EMBER_WS_PING_TIMEOUT_SECONDS="0.5",
    )
    _start_logged(served)
    try:
        sock = raw_socket(served)  # never reads: its first render fills the socket
        wait_until_ended(sock, 4)  # pings every 0.5 s, each unanswered within 0.5 s
        assert was_reset(sock)  # a close() that waits for the client would still be open
        sock.close()
    finally:
        served.stop()


def test_bounds_ember_server_and_ember_demo_run_uvicorn_with_them(monkeypatch, tmp_path):
    from ember.cli import _cli
    from ember.demo import _cli as demo_cli

    given: dict[str, object] = {}
    monkeypatch.setattr(_cli.uvicorn, "run", lambda app, **options: given.update(options))
    _cli._serve(APP, "127.0.0.1", 8000, app_dir=tmp_path)
    configs: list[object] = []

    def run(self: object, sockets: list[socket.socket]) -> None:
        configs.append(self)
        for sock in sockets:
            sock.close()

    monkeypatch.setattr(demo_cli._Server, "run", run)
    demo_cli.demo_command("127.0.0.1", 0)
    demo = configs[0].config  # type: ignore[attr-defined]
    for options in (given, vars(demo)):
        assert options["ws"] == "ember.live.serving:WebSocketProtocol"
        assert options["ws_max_size"] == MIB
        assert options["ws_ping_interval"] == options["ws_ping_timeout"] == 20.0
