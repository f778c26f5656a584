"""Serving ember's browser client (``static/ember.js``): one file, under a content-hashed URL.

The page links ``…/_ember/static/ember.<hash>.js``: its bytes never change under that name,
so it is cached for a year (``immutable``) and a deploy with a new client gets a new URL.
It is sent minified (rjsmin: comments and spaces go, nothing is renamed) and gzip-compressed
to browsers that accept it (both once, at first use); the file in the package stays readable.
``…/_ember/static/ember.js`` serves the same file, revalidated on every use, for tools and
old pages. The upload client, ``ember-uploads.<hash>.js``, is served the same way; ember.js
loads it only on a page that has an upload input (its URL is in the page's config).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import rjsmin
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

CLIENT_FILE = "ember.js"
UPLOADS_FILE = "ember-uploads.js"
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


@dataclass(frozen=True)
class ClientFile:
    """The client's bytes, compressed bytes and content-hashed name."""

    body: bytes
    gzipped: bytes
    name: str
    etag: str


@cache
def client_file(source: str = CLIENT_FILE) -> ClientFile:
    """The client (or the upload client), read, minified and compressed once per process."""
    text = files("ember.live").joinpath("static", source).read_text(encoding="utf-8")
    body = rjsmin.jsmin(text).encode()
    digest = hashlib.sha256(body).hexdigest()[:12]
    return ClientFile(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        name=f"{source.removesuffix('.js')}.{digest}.js",
        etag=f'"{digest}"',
    )


async def serve_client(request: Request) -> Response:
    """The static route of a mount: the client under its hashed name or as ``ember.js``."""
    name = request.path_params.get("name", "")
    source = UPLOADS_FILE if name.startswith("ember-uploads") else CLIENT_FILE
    client = client_file(source)
    if name not in (client.name, source):
        return PlainTextResponse(
            f"Expected {client.name} (ember's client) here, got {name!r}.", status_code=404
        )
    headers = {
        "Cache-Control": _IMMUTABLE if name == client.name else _REVALIDATE,
        "ETag": client.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == client.etag:
        return Response(status_code=304, headers=headers)
    body = client.body
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        body = client.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript", headers=headers)


def client_tags(static_path: str) -> tuple[str, str]:
    """The ``<head>`` preload and the end-of-body script for the client at ``static_path``."""
    src = f"{static_path}/{client_file().name}"
    return (
        f'<link rel="preload" href="{src}" as="script">',
        f'<script src="{src}" defer></script>',
    )
