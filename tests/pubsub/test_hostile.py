"""Hostile payloads on the channel (issue 23, case 4): whatever arrives on a real Redis
PUBLISH or PostgreSQL NOTIFY, the listener drops it with one log line and delivery
continues; with a signing key, a forged message is refused.

Each payload is published by a plain client of the server (redis-py ``PUBLISH``, asyncpg
``pg_notify``), as anyone who can reach the server could send it.
"""

from __future__ import annotations

import json
import logging
import time

import asyncpg
import pytest
import redis.asyncio as aioredis

from ember.pubsub import PubSub, PubSubSettings
from ember.pubsub._backends._postgres import channel_name
from ember.pubsub._messages import encode

from ._models import Ping
from .conftest import MakePubSub, next_message

KEY = "pubsub-signing-key-0123456789"


def _envelope(data: object, tag: str = "tests.pubsub._models.Ping") -> str:
    return json.dumps({"v": 2, "n": "elsewhere", "s": time.time(), "t": tag, "d": data})


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# Every one under PostgreSQL's 8000-byte NOTIFY limit, so each backend carries each.
HOSTILE: dict[str, str] = {
    "deep-array": _deep(3500),  # the payload that killed the listener (a RecursionError)
    "deep-object": '{"a":' * 1300 + "1" + "}" * 1300,
    "deep-in-data": _envelope({"n": 1, "text": "x"})[:-2] + ',"x":' + _deep(3000) + "}}",
    "not-json": "<script>alert(1)</script>",
    "json-null": "null",
    "json-list": "[1, 2, 3]",
    "json-string": '"v"',
    "bool-version": '{"v": true, "n": "x", "s": 1.0, "t": "t", "d": {}}',
    "huge-version": '{"v": 1e999, "n": "x", "s": 1.0, "t": "t", "d": {}}',
    "wrong-types": '{"v": 2, "n": 7, "s": "now", "t": [], "d": "x"}',
    "wrong-data": _envelope({"n": "not a number"}),
    "unknown-tag": _envelope({}, tag="nobody.Knows"),
    "nan-stamp": '{"v": 2, "n": "x", "s": NaN, "t": "tests.pubsub._models.Ping", "d": {"n": 1}}',
}


async def _publish(url: str, topic: str, payload: str | bytes) -> None:
    """PUBLISH or NOTIFY ``payload`` with a plain client, not ember's."""
    if url.startswith("redis"):
        client = aioredis.from_url(url)
        try:
            await client.publish(topic, payload)
        finally:
            await client.aclose()
        return
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SELECT pg_notify($1, $2)", channel_name(topic), payload)
    finally:
        await conn.close()


@pytest.fixture(
    params=[
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def server_url(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    url = str(request.getfixturevalue("postgres_url"))
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def test_every_hostile_payload_is_dropped_and_delivery_continues(
    server_url: str, topic: str, make_pubsub: MakePubSub, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = await make_pubsub(server_url)
    sender = await make_pubsub(server_url)
    sub = await receiver.subscribe(topic)
    with caplog.at_level(logging.WARNING, logger="ember.pubsub"):
        for index, payload in enumerate(HOSTILE.values()):
            await _publish(server_url, topic, payload)
            await sender.broadcast(topic, Ping(n=index))
            assert await next_message(sub) == Ping(n=index)
    assert receiver.dropped_messages == len(HOSTILE)
    dropped = [r for r in caplog.records if "Dropped a message" in r.getMessage()]
    assert len(dropped) == len(HOSTILE)  # one line each
    assert receiver._listener is not None
    assert not receiver._listener.done()


async def test_every_hostile_payload_is_dropped_on_the_memory_backend_too(
    topic: str, make_pubsub: MakePubSub
) -> None:
    url = f"memory://hostile-{topic}"
    receiver = await make_pubsub(url)
    sender = await make_pubsub(url)
    sub = await receiver.subscribe(topic)
    assert sender._backend is not None
    for index, payload in enumerate(HOSTILE.values()):
        await sender._backend.publish(topic, payload)
        await sender.broadcast(topic, Ping(n=index))
        assert await next_message(sub) == Ping(n=index)
    assert receiver.dropped_messages == len(HOSTILE)


async def test_an_oversized_payload_is_dropped_unread(
    server_url: str, topic: str, make_pubsub: MakePubSub, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = await make_pubsub(server_url, max_message_bytes=1000)
    sender = await make_pubsub(server_url)
    sub = await receiver.subscribe(topic)
    with caplog.at_level(logging.WARNING, logger="ember.pubsub"):
        await _publish(server_url, topic, _envelope({"n": 1, "text": "x" * 5000}))
        await sender.broadcast(topic, Ping(n=2))
        assert await next_message(sub) == Ping(n=2)
    assert receiver.dropped_messages == 1
    assert "at most 1000 bytes" in caplog.text


@pytest.mark.redis
async def test_a_large_redis_payload_over_the_default_limit_is_dropped(
    redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    receiver = await make_pubsub(redis_url)
    sender = await make_pubsub(redis_url)
    sub = await receiver.subscribe(topic)
    await _publish(redis_url, topic, _deep(2 * 1024 * 1024))
    await sender.broadcast(topic, Ping(n=3))
    assert await next_message(sub) == Ping(n=3)
    assert receiver.dropped_messages == 1


async def test_with_a_signing_key_forged_and_unsigned_messages_are_refused(
    server_url: str, topic: str, make_pubsub: MakePubSub, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = await make_pubsub(server_url, signing_key=KEY)
    sender = await make_pubsub(server_url, signing_key=KEY)
    sub = await receiver.subscribe(topic)
    genuine = encode(Ping(n=1), "elsewhere", signing_key=KEY.encode())
    forged = {
        # what anyone who can PUBLISH/NOTIFY could send before signing: a valid envelope
        "unsigned": encode(Ping(n=666, text="forged"), "elsewhere"),
        "other-key": encode(Ping(n=666), "elsewhere", signing_key=b"another-key-0123456789"),
        "altered": genuine.replace('"n":1', '"n":666'),
        "bad-hex": genuine[:-67] + '"' + "0" * 64 + '"}',
    }
    with caplog.at_level(logging.WARNING, logger="ember.pubsub"):
        for payload in forged.values():
            await _publish(server_url, topic, payload)
        await _publish(server_url, topic, genuine)  # a signed message from outside: accepted
        assert await next_message(sub) == Ping(n=1)
        await sender.broadcast(topic, Ping(n=2))
        assert await next_message(sub) == Ping(n=2)
    assert receiver.dropped_messages == len(forged)
    assert "signed" in caplog.text


async def test_without_a_signing_key_a_forged_message_is_delivered(
    server_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    # What docs/pubsub.md warns about: without a key, whoever can publish is believed.
    receiver = await make_pubsub(server_url)
    sub = await receiver.subscribe(topic)
    await _publish(server_url, topic, encode(Ping(n=666, text="forged"), "elsewhere"))
    assert await next_message(sub) == Ping(n=666, text="forged")


def test_the_signing_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBER_PUBSUB_SIGNING_KEY", KEY)
    monkeypatch.setenv("EMBER_PUBSUB_MAX_MESSAGE_BYTES", "4096")
    pubsub = PubSub.from_settings(PubSubSettings())
    assert pubsub._signing_key == KEY.encode()
    assert pubsub._max_bytes == 4096
