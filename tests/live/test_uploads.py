"""Uploads without a browser: the rules checked before any byte is sent, names, content
signatures, the upload client's own file, and an upload through the route."""

from __future__ import annotations

import asyncio
import html as html_module
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from reactpy import component, html

from ember.live import (
    Ember,
    LiveView,
    Socket,
    Upload,
    consume_uploaded_entries,
    live_file_input,
    on_event,
    use_upload,
)
from ember.live.api._magic import content_matches
from ember.live.api._uploads import safe_filename
from ember.live.server._client import client_file
from ember.live.testing import LiveClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 600


def make_upload(**options: object) -> tuple[Upload, list[int]]:
    changes: list[int] = []
    settings: dict[str, object] = {
        "accept": [".png", "text/plain"],
        "max_entries": 2,
        "max_file_size": 1000,
        "auto_upload": True,
        "external": None,
    }
    settings.update(options)
    upload = Upload("files", changed=lambda: changes.append(1), **settings)  # type: ignore[arg-type]
    return upload, changes


def test_upload_select_checks_count_size_and_type_before_any_byte() -> None:
    upload, changes = make_upload()
    upload.select(
        [
            {"name": "a.png", "type": "image/png", "size": 10},
            {"name": "b.exe", "type": "application/x-msdownload", "size": 5000},
        ]
    )
    good, bad = upload.entries
    assert good.valid
    assert good.token.startswith(good.ref + ".")
    assert bad.errors == ["Too large: at most 1 kB.", "Not accepted: expected .png, text/plain."]
    upload.select([{"name": f"{i}.png", "type": "image/png", "size": 1} for i in range(3)])
    assert upload.errors == ["Too many files: at most 2 may be uploaded."]
    assert upload.entries == []
    assert changes


def test_upload_accepts_by_mime_only_with_an_extension() -> None:
    upload, _ = make_upload()
    upload.select(
        [
            {"name": "notes.txt", "type": "text/plain", "size": 3},
            {"name": "notes", "type": "text/plain", "size": 3},
        ]
    )
    assert [e.valid for e in upload.entries] == [True, False]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.png", "photo.png"),
        ("a\x00b\nc.png", "a_b_c.png"),
        ('<img src=x onerror="x">.txt', "_img src=x onerror=_x_.txt"),
        ("..", "file"),
        ("x" * 400 + ".png", "x" * 255),
    ],
)
def test_safe_filename_keeps_no_path_or_control_characters(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


@pytest.mark.parametrize(
    ("name", "head", "matches"),
    [
        ("a.png", PNG, True),
        ("a.png", b"<svg onload=alert(1)>", False),
        ("a.jpg", b"\xff\xd8\xff\xe0rest", True),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", True),
        ("a.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", False),
        ("a.mp4", b"\x00\x00\x00\x18ftypmp42", True),
        ("a.txt", "héllo".encode(), True),
        ("a.txt", b"MZ\x90\x00\x03", False),
        ("a.svg", b"<svg></svg>", False),
        ("a.dat", b"\x00anything", True),
    ],
)
def test_content_matches_the_type_the_name_claims(name: str, head: bytes, matches: bool) -> None:
    assert content_matches(name, head) is matches


def test_upload_client_is_its_own_small_file() -> None:
    uploads = client_file("ember-uploads.js")
    assert re.fullmatch(r"ember-uploads\.[0-9a-f]{12}\.js", uploads.name)
    assert len(uploads.gzipped) <= 3 * 1024, len(uploads.gzipped)
    assert b"eval(" not in uploads.body


UPLOADS: list[Upload] = []


def contents(path: str) -> bytes | None:
    return Path(path).read_bytes() if Path(path).exists() else None


def upload_of(page: object) -> Upload:
    return UPLOADS[-1]


@component
def Files():
    upload = use_upload("files", accept=[".png"], max_entries=1, max_file_size=10_000)
    saved: list[str] = []
    if upload not in UPLOADS:
        UPLOADS.append(upload)

    async def save(event: object) -> None:
        saved.extend(
            await consume_uploaded_entries(
                upload, lambda path, entry: Path(path).read_bytes().hex()
            )
        )

    return html.form(
        {"id": "f", "onSubmit": save},
        live_file_input(upload, {"id": "files"}),
        html.p({"id": "state"}, json.dumps([[e.progress, e.errors] for e in upload.entries])),
    )


async def test_a_file_goes_up_in_chunks_and_its_file_goes_once_consumed(ember: Ember) -> None:
    app = FastAPI()
    ember.mount(app, "/files", Files)
    async with LiveClient(app) as client:
        first = await client.get("/files")
        config = re.search(r"data-ember-config='([^']+)'", first.text)
        assert config is not None
        src = json.loads(html_module.unescape(config[1]))["uploads"]
        assert (await client.get(src)).status_code == 200
        page = await client.live("/files")
        await page.fire(
            "#files",
            "onChange",
            {"target": {"files": [{"name": "a.png", "type": "image/png", "size": len(PNG)}]}},
        )
        entries = json.loads(page.find("#files").attr("data-ember-entries") or "[]")
        token = entries[0][0]
        url = f"/files/_ember/upload/{token}"
        assert (await client.http.post(f"{url}?offset=0", content=PNG[:300])).json() == {
            "received": 300
        }
        assert (await client.http.post(f"{url}?offset=0", content=PNG[:10])).status_code == 409
        assert (await client.http.post(f"{url}?offset=300", content=PNG[300:])).json() == {
            "received": len(PNG)
        }
        await page.render()
        assert json.loads(page.find("#state").text()) == [[100, []]]
        assert (await client.http.post(f"{url}?offset=0", content=b"x")).status_code == 410
        waiting = [e.path for e in upload_of(page).entries]
        assert waiting[0] is not None
        assert contents(waiting[0]) == PNG  # the finished file waits to be consumed
        await page.submit("#f")
        assert json.loads(page.find("#state").text()) == []
        assert contents(waiting[0]) is None


class AvatarLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: object, socket: Socket) -> None:
        socket.allow_upload("avatar", accept=[".png"], max_file_size=10_000)
        socket.assign(saved=[])

    @on_event("save")
    async def save(self, params: object, socket: Socket) -> None:
        sizes = await consume_uploaded_entries(
            socket.assigns["uploads"]["avatar"], lambda path, entry: entry.client_size
        )
        socket.assign(saved=sizes)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        upload = assigns["uploads"]["avatar"]
        return html.form(
            {"id": "f", "onSubmit": self.on("save")},
            live_file_input(upload, {"id": "avatar"}),
            html.p({"id": "progress"}, " ".join(str(e.progress) for e in upload.entries)),
            html.p({"id": "saved"}, repr(assigns["saved"])),
        )


async def test_a_live_view_declares_its_upload_in_mount(ember: Ember) -> None:
    app = FastAPI()
    ember.mount(app, "/avatar", AvatarLive)
    async with LiveClient(app) as client:
        page = await client.live("/avatar")
        files = [{"name": "me.png", "type": "image/png", "size": len(PNG)}]
        await page.fire("#avatar", "onChange", {"target": {"files": files}})
        token = json.loads(page.find("#avatar").attr("data-ember-entries") or "[]")[0][0]
        sent = await client.http.post(f"/avatar/_ember/upload/{token}?offset=0", content=PNG)
        assert sent.status_code == 200
        await page.render()
        assert page.find("#progress").text() == "100"  # re-rendered from outside a callback
        await page.submit("#f")
        assert page.find("#saved").text() == f"[{len(PNG)}]"


async def raw_post(app: FastAPI, url: str, pieces: list[bytes], gate: asyncio.Event) -> int:
    """POST ``pieces`` straight through ASGI, its body held back until ``gate`` is set (an
    in-process client would read the whole body before the app sees it)."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    queue = list(pieces)
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        if len(queue) == len(pieces):
            await gate.wait()
        piece = queue.pop(0)
        return {"type": "http.request", "body": piece, "more_body": bool(queue)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def test_two_chunks_at_once_for_one_entry_are_refused(ember: Ember) -> None:
    app = FastAPI()
    ember.mount(app, "/files", Files)
    async with LiveClient(app) as client:
        page = await client.live("/files")
        files = [{"name": "a.png", "type": "image/png", "size": len(PNG)}]
        await page.fire("#files", "onChange", {"target": {"files": files}})
        token = json.loads(page.find("#files").attr("data-ember-entries") or "[]")[0][0]
        url = f"/files/_ember/upload/{token}?offset=0"
        gate = asyncio.Event()
        first = asyncio.create_task(raw_post(app, url, [PNG[:100], PNG[100:200]], gate))
        await asyncio.sleep(0.05)  # the first chunk's request is in, its body not yet
        opened = asyncio.Event()
        opened.set()
        second = await raw_post(app, url, [PNG[:50]], opened)
        gate.set()
        assert second == 409
        assert await first == 200
        waiting = upload_of(page).entries[0].path
        assert waiting is not None
        assert contents(waiting) == PNG[:200]


async def test_live_page_upload_sends_files_as_the_browser_does(ember: Ember) -> None:
    app = FastAPI()
    ember.mount(app, "/avatar", AvatarLive)
    async with LiveClient(app) as client:
        page = await client.live("/avatar")
        statuses = await page.upload("#avatar", [("me.png", PNG, "image/png")], chunk=100)
        assert statuses == [200] * 7
        assert page.find("#progress").text() == "100"
        await page.submit("#f")
        assert page.find("#saved").text() == f"[{len(PNG)}]"
        refused = await page.upload("#avatar", [("me.png", b"GIF89a not a png", "image/png")])
        assert refused == [415]
