"""The websocket refuses what it must: bad tokens, foreign origins, bad frames."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
from html import unescape

import anyio
import httpx
import pytest

from ember.live import CloseCode, Ember, LiveSettings
from ember.live.api._asgi_socket import AsgiWebSocket, SocketClosed
from ember.live.testing import LiveClient

TOKEN = re.compile(r"token=([^&\"']+)")


async def _token(client: httpx.AsyncClient, path: str = "/counter") -> str:
    page = await client.get(path)
    return TOKEN.search(unescape(page.text)).group(1)


async def _close_code(app, url: str, *, origin: str | None = "http://testserver") -> int:
    """Open a websocket to ``url`` and return the code the server closes it with."""
    headers = {"origin": origin} if origin else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        if "{token}" in url:
            url = url.format(token=await _token(client))
    socket = AsgiWebSocket(app, url, headers)
    async with anyio.create_task_group() as group:
        await socket.connect(group)
        with pytest.raises(SocketClosed) as closed:  # noqa: PT012 - close follows data
            while True:
                await socket.receive_text()
        group.cancel_scope.cancel()
    socket.dispose()
    return closed.value.code


async def test_socket_without_token_closes_with_bad_token(counter_app):
    assert await _close_code(counter_app, "/counter/_ember/ws") == CloseCode.BAD_TOKEN


async def test_socket_with_forged_token_closes_with_bad_token(counter_app):
    code = await _close_code(counter_app, "/counter/_ember/ws?token=eyJ2IjoxfQ.forged.sig")
    assert code == CloseCode.BAD_TOKEN


async def test_token_signed_with_another_key_is_refused(counter_app):
    other = Ember(LiveSettings(secret_key="another-secret-key-0123456789"))
    from ember.live.server._token import SessionToken

    forged = other.signer.sign(SessionToken("sid", "/counter"))
    code = await _close_code(counter_app, f"/counter/_ember/ws?token={forged}")
    assert code == CloseCode.BAD_TOKEN


async def test_token_for_another_mount_is_refused(ember, counter_app):
    from ember.live.server._token import SessionToken

    elsewhere = ember.signer.sign(SessionToken("sid", "/admin"))
    code = await _close_code(counter_app, f"/counter/_ember/ws?token={elsewhere}")
    assert code == CloseCode.BAD_TOKEN


async def test_expired_token_is_refused(counter_app, ember, monkeypatch):
    from ember.live.server._token import TokenSigner

    ember.signer = TokenSigner("test-secret-key-0123456789", max_age_seconds=1)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=counter_app), base_url="http://testserver"
    ) as client:
        token = await _token(client)
    real_time = time.time
    monkeypatch.setattr("time.time", lambda: real_time() + 60)
    code = await _close_code(counter_app, f"/counter/_ember/ws?token={token}")
    assert code == CloseCode.BAD_TOKEN


async def test_a_token_with_an_altered_payload_is_refused(counter_app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=counter_app), base_url="http://testserver"
    ) as client:
        token = await _token(client)
    body, _, signature = token.rpartition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sid"] = "someone-elses-session"
    altered = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    code = await _close_code(counter_app, f"/counter/_ember/ws?token={altered}.{signature}")
    assert code == CloseCode.BAD_TOKEN


def test_a_token_of_the_previous_format_is_refused_with_a_reason(ember):
    from itsdangerous import URLSafeTimedSerializer

    from ember.live.server._token import TokenError

    old = URLSafeTimedSerializer("test-secret-key-0123456789", salt="ember.live.session-token")
    signed = old.dumps({"v": 3, "sid": "sid", "path": "/counter"})
    with pytest.raises(TokenError, match="signature does not match"):
        ember.signer.verify(signed, mount_path="/counter")
    with pytest.raises(TokenError, match="signature does not match"):
        ember.signer.verify("caf\u00e9.\u00e9t\u00e9", mount_path="/counter")


async def test_every_page_gets_a_fresh_nonce_in_its_script_src(counter_app, ember):
    from tests.live.conftest import Counter

    ember.mount(counter_app, "/scripted", Counter, head='<script src="/api/health"></script>')
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=counter_app), base_url="http://testserver"
    ) as client:
        first, second = await client.get("/scripted"), await client.get("/scripted")
        ember.settings.content_security_policy = "default-src 'self'"
        without_script_src = await client.get("/counter")
        ember.settings.content_security_policy = ""
        without_policy = await client.get("/counter")
    nonces = []
    for page in (first, second):
        policy = page.headers["content-security-policy"]
        nonce = re.search(r"script-src 'nonce-([^']+)' ", policy).group(1)
        assert f'<script nonce="{nonce}" src="/api/health">' in page.text
        assert page.headers["x-content-type-options"] == "nosniff"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert without_script_src.headers["content-security-policy"] == "default-src 'self'"
    assert "content-security-policy" not in without_policy.headers
    assert without_policy.headers["x-frame-options"] == first.headers["x-frame-options"]


async def test_foreign_origin_is_refused(counter_app):
    code = await _close_code(
        counter_app, "/counter/_ember/ws?token={token}", origin="http://evil.example"
    )
    assert code == CloseCode.FORBIDDEN_ORIGIN


async def test_allowed_origin_from_settings_is_accepted(counter_app, ember):
    ember.settings.allowed_origins = ["http://app.example"]
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter", origin="http://app.example")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", CloseCode.BAD_FRAME),
        ("[1, 2]", CloseCode.BAD_FRAME),
        ('{"type": "what"}', CloseCode.BAD_FRAME),
        ('{"type": "layout-event", "target": 5, "data": []}', CloseCode.BAD_FRAME),
        ('{"type": "layout-event", "target": "x", "data": {}}', CloseCode.BAD_FRAME),
        (
            '{"type": "layout-event", "target": "' + "x" * 600 + '", "data": []}',
            CloseCode.BAD_FRAME,
        ),
    ],
)
async def test_malformed_frame_closes_with_bad_frame(counter_app, frame, code):
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        await page.send_raw(frame)
        assert await page.wait_closed() == code


async def test_oversized_frame_closes_with_message_too_big(counter_app, ember):
    ember.settings.max_frame_bytes = 1000
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        await page.send_raw(
            '{"type": "layout-event", "target": "x", "data": ["' + "a" * 2000 + '"]}'
        )
        assert await page.wait_closed() == CloseCode.MESSAGE_TOO_BIG


async def test_unknown_target_is_ignored_without_a_queue_and_others_carry_on(
    counter_app, ember, caplog
):
    caplog.set_level(logging.INFO, "ember.live")
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        tasks_before = len(asyncio.all_tasks())
        for i in range(200):
            await page.send_raw(
                f'{{"type": "layout-event", "target": "/forged/{i}:onClick", "data": []}}'
            )
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"
        assert len(asyncio.all_tasks()) <= tasks_before
        assert page.close_code is None
    assert "the current render has no such handler" in caplog.text


async def test_bad_frame_in_one_session_leaves_another_untouched(counter_app):
    async with LiveClient(counter_app) as client:
        healthy = await client.live("/counter")
        hostile = await client.live("/counter")
        await hostile.send_raw("\x00garbage")
        assert await hostile.wait_closed() == CloseCode.BAD_FRAME
        await healthy.click("#inc")
        assert healthy.find("#count").text() == "Count: 1"
