"""What the in-process harnesses (bench/click_path.py, bench/delivery_path.py) hand an app:
the scope of a websocket from 127.0.0.1, as uvicorn would build it, minus the network."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlencode

from bench._clients import EMBER_CONFIG
from ember.live import PROTOCOL_VERSION


def websocket_scope(path: str, query: str) -> dict[str, Any]:
    """The ASGI scope of a same-origin websocket to ``path?query`` on 127.0.0.1:8000."""
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "scheme": "ws",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5555),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")],
        "subprotocols": [],
        "state": {},
    }


def socket_target(page: str, view: str) -> tuple[str, str]:
    """The websocket path and query string that ``page`` (the GET of ``view``) connects to."""
    found = EMBER_CONFIG.search(page)
    if found is None:
        raise RuntimeError(f"GET {view} carried no data-ember-config")
    config = json.loads(html.unescape(found.group(1)))
    path, _, query = (config["pathPrefix"] + config["componentPath"]).partition("?")
    query += "&" + urlencode({"path": view, "qs": "", "protocol": PROTOCOL_VERSION})
    return path, query
