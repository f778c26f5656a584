"""What survives: undecodable payloads, server restarts, dropped connections."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ember.pubsub import (
    BroadcastError,
    ConfigurationError,
    ListenerFailedError,
    MessagesMayBeLost,
    PubSub,
    PubSubError,
    PubSubSettings,
    SubscriptionState,
)

from ._models import Ping
from .conftest import MakePubSub, RedisServer, next_message

BAD_PAYLOADS: dict[str, str | bytes] = {
    "invalid-json": '{"v": 1, "n":',
    "unknown-type": '{"v": 1, "n": "elsewhere", "t": "nobody.Knows", "d": {}}',
    "foreign-json": '{"hello": "world"}',
}


@pytest.mark.parametrize("kind", sorted(BAD_PAYLOADS))
async def test_undecodable_payload_dropped_logged_listener_lives(
    backend_url: str,
    topic: str,
    make_pubsub: MakePubSub,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _check_dropped(backend_url, topic, make_pubsub, BAD_PAYLOADS[kind], caplog)


async def test_non_utf8_payload_dropped_logged_listener_lives(
    memory_or_redis_url: str,  # PostgreSQL NOTIFY payloads are always text
    topic: str,
    make_pubsub: MakePubSub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _check_dropped(memory_or_redis_url, topic, make_pubsub, b"\xff\xfe\xfa not text", caplog)


async def _check_dropped(
    backend_url: str,
    topic: str,
    make_pubsub: MakePubSub,
    payload: str | bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender = await make_pubsub(backend_url)
    receiver = await make_pubsub(backend_url)
    sub = await receiver.subscribe(topic)
    assert sender._backend is not None

    with caplog.at_level(logging.WARNING, logger="ember.pubsub"):
        await sender._backend.publish(topic, payload)
        await sender.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)

    assert receiver.dropped_messages == 1
    dropped = [r for r in caplog.records if "Dropped a message" in r.getMessage()]
    assert len(dropped) == 1
    assert topic in dropped[0].getMessage()
    assert sub.queued == 0


async def test_listener_failure_fails_subscriptions_loudly(
    backend_url: str, topic: str, make_pubsub: MakePubSub, caplog: pytest.LogCaptureFixture
) -> None:
    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic)
    assert pubsub._backend is not None
    pubsub._backend._push(None)  # type: ignore[arg-type]  # the listener trips on it

    with (
        caplog.at_level(logging.ERROR, logger="ember.pubsub"),
        pytest.raises(ListenerFailedError, match=r"stop\(\) then start\(\)"),
    ):
        await next_message(sub)

    assert sub.state is SubscriptionState.FAILED
    assert any("listener" in r.getMessage() for r in caplog.records)


async def _wait_until_publish_fails(pubsub: PubSub, topic: str) -> BroadcastError:
    for _ in range(100):
        try:
            await pubsub.broadcast(topic, Ping(n=-1))
        except BroadcastError as exc:
            return exc
        await asyncio.sleep(0.05)
    raise AssertionError("publishing kept working with the server stopped")


@pytest.mark.redis
async def test_redis_restart_mid_subscription_delivery_resumes(
    own_redis: RedisServer, topic: str, make_pubsub: MakePubSub
) -> None:
    receiver = await make_pubsub(own_redis.url)
    sender = await make_pubsub(own_redis.url)
    sub = await receiver.subscribe(topic)
    await sender.broadcast(topic, Ping(n=1))
    assert await next_message(sub) == Ping(n=1)

    own_redis.stop()
    error = await _wait_until_publish_fails(sender, topic)
    assert "other processes did not" in str(error)
    late = await receiver.subscribe(topic + ":late")  # subscribing while down is fine
    own_redis.start()

    marker = await next_message(sub, within=15)
    assert isinstance(marker, MessagesMayBeLost)
    assert marker.topic == topic
    late_marker = await next_message(late, within=15)
    assert isinstance(late_marker, MessagesMayBeLost)
    await sender.broadcast(topic, Ping(n=2))
    await sender.broadcast(topic + ":late", Ping(n=3))
    assert await next_message(sub) == Ping(n=2)
    assert await next_message(late) == Ping(n=3)


@pytest.mark.redis
async def test_redis_hung_server_detected_by_health_check_delivery_resumes(
    own_redis: RedisServer, topic: str
) -> None:
    async with PubSub(own_redis.url, health_check=0.2) as receiver:
        sub = await receiver.subscribe(topic)

        own_redis.pause()
        await asyncio.sleep(1.0)  # three silent health-check intervals, and more
        own_redis.resume()

        assert isinstance(await next_message(sub, within=15), MessagesMayBeLost)
        async with PubSub(own_redis.url) as sender:
            await sender.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)


@pytest.mark.redis
async def test_redis_down_at_start_raises_clear_error(own_redis: RedisServer) -> None:
    own_redis.stop()

    with pytest.raises(PubSubError, match="Start the server or fix EMBER_PUBSUB_URL"):
        await PubSub(own_redis.url).start()


@pytest.mark.postgres
async def test_postgres_listen_connection_killed_delivery_resumes(
    postgres_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    import asyncpg

    url = postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    receiver = await make_pubsub(url)
    sender = await make_pubsub(url)
    sub = await receiver.subscribe(topic)
    await sender.broadcast(topic, Ping(n=1))
    assert await next_message(sub) == Ping(n=1)

    listen = receiver._backend._listen  # type: ignore[union-attr]
    admin = await asyncpg.connect(url)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", listen.get_server_pid())
    finally:
        await admin.close()

    late = await receiver.subscribe(f"{topic}:late")  # while reconnecting

    marker = await next_message(sub, within=15)
    assert marker == MessagesMayBeLost(topic=topic, reason="the PostgreSQL connection was lost")
    await sender.broadcast(topic, Ping(n=2))
    assert await next_message(sub) == Ping(n=2)
    await sender.broadcast(f"{topic}:late", Ping(n=3))
    first = await next_message(late)
    if isinstance(first, MessagesMayBeLost):  # it subscribed before the reconnect finished
        first = await next_message(late)
    assert first == Ping(n=3)


@pytest.mark.postgres
async def test_postgres_hung_listen_connection_detected_by_health_check(
    postgres_url: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncpg

    url = postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with PubSub(url, health_check=0.1) as receiver, PubSub(url) as sender:
        sub = await receiver.subscribe(topic)
        listen = receiver._backend._listen  # type: ignore[union-attr]

        original = asyncpg.Connection.fetchval

        async def fetchval(self: asyncpg.Connection, *args: object, **kwargs: object) -> object:
            if self is listen:  # the probe never answers, like a half-open socket
                await asyncio.Event().wait()
            return await original(self, *args, **kwargs)

        monkeypatch.setattr(asyncpg.Connection, "fetchval", fetchval)

        assert isinstance(await next_message(sub, within=15), MessagesMayBeLost)
        await sender.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)


@pytest.mark.postgres
async def test_postgres_payload_too_large_raises_broadcast_error(
    postgres_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(postgres_url)
    sub = await pubsub.subscribe(topic)

    with pytest.raises(BroadcastError, match="Local subscribers received it"):
        await pubsub.broadcast(topic, Ping(n=1, text="x" * 9000))

    assert (await next_message(sub)).text == "x" * 9000  # type: ignore[attr-defined]


async def test_long_unicode_topic_delivered_on_every_backend(
    backend_url: str, make_pubsub: MakePubSub
) -> None:
    topic = "long:" + "é" * 80
    sender = await make_pubsub(backend_url)
    receiver = await make_pubsub(backend_url)
    sub = await receiver.subscribe(topic)

    await sender.broadcast(topic, Ping(n=1))

    assert await next_message(sub) == Ping(n=1)


def test_unknown_scheme_raises_configuration_error_listing_schemes() -> None:
    with pytest.raises(ConfigurationError, match=r"memory://, redis://.*got 'kafka://x"):
        PubSub("kafka://x:1")


def test_configuration_error_redacts_password() -> None:
    with pytest.raises(ConfigurationError) as info:
        PubSub("nats://user:secret@host")
    assert "secret" not in str(info.value)
    assert "***" in str(info.value)


def test_from_settings_reads_env_default_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMBER_PUBSUB_URL", raising=False)
    assert PubSub.from_settings().url == "memory://"
    monkeypatch.setenv("EMBER_PUBSUB_URL", "redis://example:6379/1")
    assert PubSub.from_settings().url == "redis://example:6379/1"
    assert PubSub.from_settings(PubSubSettings(url="memory://x")).url == "memory://x"


def test_from_settings_names_a_bad_variable_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMBER_PUBSUB_URL", "kafka://user:hunter2@broker:9092")

    with pytest.raises(ConfigurationError) as info:
        PubSub.from_settings()

    message = str(info.value)
    assert (
        "EMBER_PUBSUB_URL='kafka://user:***@broker:9092': Expected a URL starting with" in message
    )
    assert "redis://" in message
    assert "hunter2" not in message


async def test_start_twice_raises() -> None:
    async with PubSub() as pubsub:
        with pytest.raises(PubSubError, match="already started"):
            await pubsub.start()


async def test_bad_redis_url_raises_configuration_error_without_password() -> None:
    pubsub = PubSub("redis://user:hunter2@127.0.0.1:notaport/0")

    with pytest.raises(ConfigurationError) as info:
        await pubsub.start()
    assert "hunter2" not in str(info.value)
    assert "redis://host:6379/0" in str(info.value)


async def _kill_listen_connection(url: str, receiver: PubSub) -> None:
    """Drop ``receiver``'s listen connection from the server side."""
    if url.startswith("redis"):
        import redis.asyncio as aioredis

        admin = aioredis.Redis.from_url(url)
        try:
            await admin.client_kill_filter(_type="pubsub")  # our own server: only ours
        finally:
            await admin.aclose()
        return
    import asyncpg

    listen = receiver._backend._listen  # type: ignore[union-attr]
    admin = await asyncpg.connect(url)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", listen.get_server_pid())
    finally:
        await admin.close()


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ],
)
async def test_subscribe_storm_while_connection_dies_every_topic_delivers(
    server: str, request: pytest.FixtureRequest, topic: str, make_pubsub: MakePubSub
) -> None:
    if server == "redis":
        url = request.getfixturevalue("own_redis").url
    else:
        url = request.getfixturevalue("postgres_url").replace("+asyncpg", "", 1)
    receiver = await make_pubsub(url)
    sender = await make_pubsub(url)
    first = await receiver.subscribe(topic)
    topics = [f"{topic}:{n}" for n in range(50)]

    subs, _ = await asyncio.gather(
        asyncio.gather(*(receiver.subscribe(t) for t in topics)),
        _kill_listen_connection(url, receiver),
    )
    assert isinstance(await next_message(first, within=15), MessagesMayBeLost)

    for n, t in enumerate(topics):
        await sender.broadcast(t, Ping(n=n))
    for n, sub in enumerate(subs):
        got = await next_message(sub)
        if isinstance(got, MessagesMayBeLost):
            got = await next_message(sub)
        assert got == Ping(n=n)


@pytest.mark.postgres
async def test_postgres_sqlalchemy_style_url_accepted(postgres_url: str, topic: str) -> None:
    assert postgres_url.startswith("postgresql+asyncpg://")
    async with PubSub(postgres_url) as pubsub:
        sub = await pubsub.subscribe(topic)
        await pubsub.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)


@pytest.mark.postgres
async def test_postgres_listen_hanging_subscribe_returns_and_reconnects(
    postgres_url: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncpg

    url = postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    async with PubSub(url, health_check=0.1) as receiver, PubSub(url) as sender:
        listen = receiver._backend._listen  # type: ignore[union-attr]
        original = asyncpg.Connection.add_listener

        async def add_listener(self: asyncpg.Connection, *args: object) -> object:
            if self is listen:  # LISTEN never answers, like a hung server
                await asyncio.Event().wait()
            return await original(self, *args)

        monkeypatch.setattr(asyncpg.Connection, "add_listener", add_listener)

        sub = await asyncio.wait_for(receiver.subscribe(topic), 5)

        assert isinstance(await next_message(sub, within=15), MessagesMayBeLost)
        await sender.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)
