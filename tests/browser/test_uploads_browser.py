"""Uploads in a real Chromium (tests/browser/uploads_app.py): chunks with progress, the
content check, errors per entry, cancel, a dropped connection, a 200 MB file with the
server's memory measured."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests._server import Server, stop_process

CONNECTED = "[data-ember-root].ember-connected"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 600


class UploadServer(Server):
    def __init__(self, root: Path) -> None:
        super().__init__(app="tests.browser.uploads_app:app")
        self.tmp = root / "tmp"
        self.out = root / "out"
        self.tmp.mkdir()

    extra: dict[str, str] = {}
    s3: Any = None

    def env(self) -> dict[str, str]:
        env = {**super().env(), "TMPDIR": str(self.tmp), "UPLOAD_OUT": str(self.out)}
        return {**env, **self.extra}

    def partial_files(self) -> list[str]:
        return sorted(p.name for p in self.tmp.glob("ember-upload-*"))

    def rss_kib(self, field: str = "VmRSS") -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise AssertionError(field)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[UploadServer]:
    running = UploadServer(tmp_path_factory.mktemp("uploads"))
    running.start()
    yield running
    running.stop()


def wait_until(check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_files_upload_with_progress_and_are_consumed_on_submit(page, server):
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("script[src*=ember-uploads]")).to_have_count(1)
    assert [u for u in scripts if re.search(r"/_ember/static/ember-uploads\.[0-9a-f]{12}\.js$", u)]
    page.set_input_files(
        "#files",
        [
            {"name": "pic.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": "héllo\n".encode() * 300_000},
        ],
    )
    expect(page.locator(".entry .percent")).to_have_text(["100%", "100%"], timeout=20000)
    page.click("#save")
    expect(page.locator("#saved")).to_have_text("pic.png:608, notes.txt:2100000")
    assert (server.out / "notes.txt").read_bytes() == "héllo\n".encode() * 300_000
    assert (server.out / "pic.png").read_bytes() == PNG
    assert server.partial_files() == []


def test_errors_per_entry_before_any_byte_is_sent(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.set_input_files(
        "#files", [{"name": "run.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}]
    )
    expect(page.locator(".entry .error")).to_have_text("Not accepted: expected .png, .txt, .dat.")
    files = [{"name": f"{i}.txt", "mimeType": "text/plain", "buffer": b"x"} for i in range(4)]
    page.set_input_files("#files", files)
    expect(page.locator("#errors")).to_have_text("Too many files: at most 3 may be uploaded.")
    assert server.partial_files() == []


def test_hostile_names_and_types_are_shown_as_text_and_refused_by_content(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    hostile = '../../<img src=x onerror=alert(1)>\u202e"gnp.txt'
    page.set_input_files(
        "#files",
        [
            {"name": hostile, "mimeType": "text/html", "buffer": b"plain text"},
            {"name": "fake.png", "mimeType": "image/png", "buffer": b"<script>alert(1)</script>"},
        ],
    )
    entries = page.locator(".entry")
    expect(entries.nth(0).locator(".name")).to_have_text(hostile)
    expect(entries.nth(0).locator(".percent")).to_have_text("100%")
    expect(entries.nth(1).locator(".error")).to_have_text(
        "Not accepted: the file's content does not match its type."
    )
    assert page.locator("img").count() == 0
    page.click("#save")
    expect(page.locator("#saved")).to_contain_text(":10")
    saved = [p.name for p in server.out.iterdir() if "gnp" in p.name]
    assert saved == ["_img src=x onerror=alert(1)_\u202e_gnp.txt"]
    assert server.partial_files() == []


def big_file(tmp_path: Path, megabytes: int) -> Path:
    path = tmp_path / "big.dat"
    with path.open("wb") as out:
        out.truncate(megabytes * 1024 * 1024)
    return path


def test_cancel_stops_the_transfer_and_removes_the_partial_file(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.route("**/upload/**", lambda route: (time.sleep(0.05), route.continue_()))
    page.set_input_files("#files", str(big_file(tmp_path, 40)))
    expect(page.locator(".entry .percent")).not_to_have_text("0%", timeout=20000)
    assert server.partial_files() != []
    page.click(".entry .cancel")
    expect(page.locator(".entry")).to_have_count(0)
    wait_until(lambda: server.partial_files() == [])
    time.sleep(0.5)
    assert server.partial_files() == []


def test_a_dropped_connection_leaves_no_partial_file(browser, server, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.route("**/upload/**", lambda route: (time.sleep(0.05), route.continue_()))
    page.set_input_files("#files", str(big_file(tmp_path, 40)))
    expect(page.locator(".entry .percent")).not_to_have_text("0%", timeout=20000)
    assert server.partial_files() != []
    context.close()  # the tab goes: socket and transfer are cut mid-upload
    wait_until(lambda: server.partial_files() == [], seconds=15)


def test_a_200_mb_upload_keeps_server_memory_bounded(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    before = server.rss_kib()
    peak_before = server.rss_kib("VmHWM")
    started = time.monotonic()
    page.set_input_files("#files", str(big_file(tmp_path, 200)))
    expect(page.locator(".entry .percent")).to_have_text("100%", timeout=180000)
    elapsed = time.monotonic() - started
    after = server.rss_kib()
    peak = server.rss_kib("VmHWM")  # the most the process ever held, the upload included
    page.click("#save")
    expect(page.locator("#saved")).to_have_text(f"big.dat:{200 * 1024 * 1024}")
    assert os.path.getsize(server.out / "big.dat") == 200 * 1024 * 1024
    print(
        f"200 MB upload: {elapsed:.1f} s, server RSS {before} KiB -> {after} KiB, "
        f"peak {peak_before} KiB -> {peak} KiB"
    )
    assert after - before < 40 * 1024, (before, after)
    assert peak - max(peak_before, before) < 40 * 1024, (peak_before, peak)


def test_forged_replayed_and_out_of_order_chunks_are_refused(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.route("**/upload/**", lambda route: (time.sleep(0.2), route.continue_()))
    page.set_input_files("#files", str(big_file(tmp_path, 4)))
    expect(page.locator("#files")).not_to_have_attribute("data-ember-entries", "[]")
    tokens = page.locator("#files").get_attribute("data-ember-entries")
    token = json.loads(tokens or "[]")[0][0]
    ref, _, signature = token.partition(".")
    base = f"{server.url}/_ember/upload"
    forged = page.request.post(f"{base}/{ref}.{'0' * len(signature)}?offset=0", data=b"x")
    assert forged.status == 403
    unknown = page.request.post(f"{base}/{'A' * len(ref)}.{signature}?offset=0", data=b"x")
    assert unknown.status == 403
    far = page.request.post(f"{base}/{token}?offset=999999", data=b"x")
    assert far.status == 409
    expect(page.locator(".entry .percent")).to_have_text("100%", timeout=20000)
    replayed = page.request.post(f"{base}/{token}?offset=0", data=b"x")
    assert replayed.status == 410


def test_kit_file_input_takes_dropped_files_shows_previews_progress_and_errors(page, server):
    page.goto(f"{server.url}/kit")
    page.wait_for_selector(CONNECTED)
    png = list(PNG)
    dropped = page.evaluate_handle(
        """(png) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(png)], "dot.png", {type: "image/png"}));
            transfer.items.add(new File(["x".repeat(3000000)], "big.txt", {type: "text/plain"}));
            return transfer;
        }""",
        png,
    )
    page.dispatch_event(".ember-upload-zone", "drop", {"dataTransfer": dropped})
    rows = page.locator(".ember-upload-entry")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("progress")).to_have_attribute("value", "100")
    expect(rows.nth(0).locator("img.ember-upload-preview")).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    expect(rows.nth(1).locator(".ember-upload-error")).to_have_text("Too large: at most 2 MB.")
    rows.nth(1).locator("button").click()
    expect(rows).to_have_count(1)


def test_kit_bar_chart_is_drawn_by_its_hook_and_reports_clicks(page, server):
    page.goto(f"{server.url}/kit")
    page.wait_for_selector(CONNECTED)
    chart = page.locator("#kit-chart")
    expect(chart).to_have_attribute("data-drawn", "3")
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    expect(page.locator("#picked")).to_have_text("2")


@pytest.fixture(scope="module")
def moto(tmp_path_factory) -> Iterator[str]:
    pytest.importorskip("moto.server", reason="moto[server] is a dev dependency")
    probe = Server()  # only for a free port
    url = f"http://127.0.0.1:{probe.port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(probe.port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _accepts(probe.port), seconds=30)
        yield url
    finally:
        stop_process(process)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def s3_server(moto, tmp_path_factory) -> Iterator[UploadServer]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="ember-uploads")
    client.put_bucket_cors(
        Bucket="ember-uploads",
        CORSConfiguration={
            "CORSRules": [
                {"AllowedOrigins": ["*"], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"]}
            ]
        },
    )
    running = UploadServer(tmp_path_factory.mktemp("s3"))
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; connect-src 'self' {moto}; frame-ancestors 'self'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    )
    running.extra = {"MOTO_URL": moto, "EMBER_CONTENT_SECURITY_POLICY": policy}
    running.start()
    running.s3 = client
    yield running
    running.stop()


def test_external_upload_goes_straight_to_s3_with_a_presigned_post(page, s3_server):
    to_s3: list[str] = []
    page.on("request", lambda r: to_s3.append(r.url) if "ember-uploads" in r.url else None)
    page.goto(f"{s3_server.url}/s3")
    page.wait_for_selector(CONNECTED)
    page.set_input_files("#files", [{"name": "pic.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.locator(".entry")).to_have_text("pic.png 100%", timeout=20000)
    page.click("#save")
    expect(page.locator("#stored")).to_contain_text("avatars/")
    key = page.locator("#stored").inner_text().split(":")[0]
    assert key.endswith("-pic.png")
    body = s3_server.s3.get_object(Bucket="ember-uploads", Key=key)["Body"].read()
    assert body == PNG
    assert to_s3  # the bytes went to the bucket, not through ember
    assert s3_server.partial_files() == []
