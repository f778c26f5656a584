"""The bench client's page loads (bench/_http.py) against a small asyncio HTTP/1.1 server:
bodies by length and chunked, kept-alive connections reused, a connection the server
closed asked again once, and a status other than 200 refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bench._http import HTTPError, Pool

PAGES = {
    "/sized": b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/html; "
    b"charset=utf-8\r\n\r\nh\xc3\xa9llo page",
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"4\r\nchun\r\n6;x=y\r\nked pa\r\n2\r\nge\r\n0\r\n\r\n",
    "/missing": b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
    "/closes": b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbyes",
}


class Server:
    def __init__(self) -> None:
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            path = head.split(b" ")[1].decode()
            writer.write(PAGES[path])
            await writer.drain()
            if path == "/closes":
                break
        writer.close()

    def drop_idle(self) -> None:
        """Close every connection from the server's side, as a keep-alive timeout does."""
        for writer in self.writers:
            writer.close()


@pytest.fixture
async def served() -> AsyncIterator[tuple[Server, Pool]]:
    server = Server()
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    pool = Pool(port, timeout=5)
    try:
        yield server, pool
    finally:
        await pool.aclose()
        listening.close()
        await listening.wait_closed()


async def test_pool_get_sized_and_chunked_bodies_one_kept_alive_connection(
    served: tuple[Server, Pool],
) -> None:
    server, pool = served
    assert await pool.get("/sized") == "héllo page"
    assert await pool.get("/chunked") == "chunked page"
    assert await pool.get("/sized") == "héllo page"
    assert server.connections == 1


async def test_pool_get_connection_closed_by_server_asks_again_on_a_new_one(
    served: tuple[Server, Pool],
) -> None:
    server, pool = served
    assert await pool.get("/sized") == "héllo page"
    server.drop_idle()
    await asyncio.sleep(0.05)
    assert await pool.get("/chunked") == "chunked page"
    assert server.connections == 2


async def test_pool_get_connection_close_header_is_not_reused(
    served: tuple[Server, Pool],
) -> None:
    server, pool = served
    assert await pool.get("/closes") == "byes"
    assert await pool.get("/sized") == "héllo page"
    assert server.connections == 2


async def test_pool_get_status_other_than_200_raises(served: tuple[Server, Pool]) -> None:
    _, pool = served
    with pytest.raises(HTTPError, match="404"):
        await pool.get("/missing")
