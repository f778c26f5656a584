"""The limit for the browser benchmark: a page of plain HTML with a dozen lines of
JavaScript and a websocket in bare ASGI, no framework.

``/counter`` and ``/table?rows=N`` look like the other targets' views. A click sends one
frame; the server keeps the state and answers with what changed (``count`` or
``row=value`` for the middle row); the page writes that text into the one node it names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Send = Callable[[dict[str, Any]], Awaitable[None]]

SCRIPT = b"""
const socket = new WebSocket(`ws://${location.host}/ws`);
const button = document.querySelector("button");
button.addEventListener("click", () => socket.send(button.id));
socket.onmessage = (event) => {
  const [where, text] = event.data.split("=");
  if (where === "count") document.getElementById("count").textContent = `Count: ${text}`;
  else {
    const rows = document.querySelector("tbody").rows;
    rows[Math.floor(rows.length / 2)].cells[2].textContent = text;
  }
};
"""


def _page(path: str, query: str) -> bytes:
    if path == "/table":
        rows = int(parse_qs(query).get("rows", ["100"])[0])
        body = "".join(f"<tr><td>{i}</td><td>row {i}</td><td>0</td></tr>" for i in range(rows))
        main = f'<button id="bump">bump</button><table><tbody>{body}</tbody></table>'
    else:
        main = '<p id="count">Count: 0</p><button id="inc">+</button>'
    return (
        f'<!doctype html><html><head><meta charset="utf-8"></head><body><div>{main}</div>'
        '<script src="/bare.js" defer></script></body></html>'
    ).encode()


async def app(scope: dict[str, Any], receive: Any, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "http":
        if scope["path"] == "/bare.js":
            body, kind = SCRIPT, b"text/javascript"
        else:
            body, kind = _page(scope["path"], scope["query_string"].decode()), b"text/html"
        headers = [(b"content-type", kind)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    count = 0
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        count += 1
        text = f"count={count}" if message.get("text") == "inc" else f"row={count}"
        await send({"type": "websocket.send", "text": text})
