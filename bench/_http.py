"""The bench client's page loads: HTTP/1.1 GETs over a pool of kept-alive connections.

Written on asyncio streams because the client is one Python process on one core and, at
the rate sessions open, it was what bounded the rate: httpx spent about 2 ms of the
client's CPU per GET (its pool scans every connection and asks each socket whether it is
still readable on every request), more than the server spent answering. This does the
same exchange (one request line, a Host header, read the status, the headers and the
body by ``Content-Length`` or chunked) for every target alike, so the figure measures the
servers.
"""

from __future__ import annotations

import asyncio
import contextlib


class HTTPError(RuntimeError):
    """The server answered a GET with a status other than 200."""


class Pool:
    """GETs to one ``127.0.0.1:port``, reusing the connections the server keeps open."""

    def __init__(self, port: int, timeout: float = 60.0, keep: int = 64) -> None:
        self.port = port
        self.timeout = timeout
        self.keep = keep
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._head = f"Host: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n".encode()

    async def get(self, target: str) -> str:
        """The body of ``GET target`` as text; raises ``HTTPError`` unless it is a 200."""
        async with asyncio.timeout(self.timeout):
            if self._idle:
                reader, writer = self._idle.pop()
                try:
                    return await self._exchange(reader, writer, target)
                except (ConnectionError, asyncio.IncompleteReadError):
                    # the server closed a kept-alive connection as it was reused: once more
                    writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            return await self._exchange(reader, writer, target)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: str
    ) -> str:
        writer.write(b"GET " + target.encode() + b" HTTP/1.1\r\n" + self._head)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await _chunked(reader)
        else:
            body = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close" or len(self._idle) >= self.keep:
            writer.close()
        else:
            self._idle.append((reader, writer))
        if status != 200:
            raise HTTPError(f"GET {target} answered {status}, expected 200: {body[:200]!r}")
        return body.decode(_charset(headers.get("content-type", "")))

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            await _trailers(reader)
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _trailers(reader: asyncio.StreamReader) -> None:
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            return value.strip('"') or "utf-8"
    return "utf-8"
