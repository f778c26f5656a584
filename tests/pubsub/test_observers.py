"""Observers: every broadcast and every delivery is reported, with the delivery lag."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from ember.pubsub import BroadcastError, PubSub

from ._models import Ping, Posted
from .conftest import MakePubSub, eventually, next_message, start_peer


@dataclass(frozen=True)
class Seen:
    name: str
    duration_ms: float
    metadata: Mapping[str, object]


def record(pubsub: PubSub) -> list[Seen]:
    seen: list[Seen] = []
    pubsub.observe(lambda name, ms, metadata: seen.append(Seen(name, ms, dict(metadata))))
    return seen


def named(seen: list[Seen], name: str) -> list[Seen]:
    return [s for s in seen if s.name == f"ember.pubsub.{name}"]


async def test_broadcast_to_another_node_reports_broadcast_and_delivery_with_lag(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    sender = await make_pubsub(memory_or_redis_url)
    receiver = await make_pubsub(memory_or_redis_url)
    sent, received = record(sender), record(receiver)
    sub = await receiver.subscribe(topic)

    await sender.broadcast(topic, Posted(room="r", body="héllo"))

    assert await next_message(sub) == Posted(room="r", body="héllo")
    [broadcast] = named(sent, "broadcast")
    assert broadcast.metadata == {
        "topic": topic,
        "tag": "tests.chat.posted",
        "bytes": broadcast.metadata["bytes"],
        "local": 0,
        "remote": True,
        "ok": True,
    }
    body = '{"room":"r","body":"héllo"}'.encode()
    assert isinstance(broadcast.metadata["bytes"], int)
    assert len(body) < broadcast.metadata["bytes"] < len(body) + 120  # the envelope around it
    assert 0 <= broadcast.duration_ms < 5_000
    [delivery] = named(received, "deliver")
    assert delivery.metadata["topic"] == topic
    assert delivery.metadata["tag"] == "tests.chat.posted"
    assert delivery.metadata["subscribers"] == 1
    assert delivery.metadata["remote"] is True
    lag = delivery.metadata["lag_ms"]
    assert isinstance(lag, float)
    assert 0 <= lag < 5_000
    assert named(sent, "deliver") == []  # nobody listens on the sender's side


async def test_local_subscribers_are_reported_as_local_deliveries(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(memory_or_redis_url)
    seen = record(pubsub)
    subs = [await pubsub.subscribe(topic) for _ in range(3)]

    await pubsub.broadcast_from(subs[0].id, topic, Ping(n=1))
    pubsub.local_broadcast(topic, Ping(n=2))
    await asyncio.sleep(0.1)  # the backend's echo of our own broadcast is not a delivery

    assert [(s.metadata["local"], s.metadata["remote"]) for s in named(seen, "broadcast")] == [
        (2, True),
        (3, False),
    ]
    deliveries = named(seen, "deliver")
    assert [(d.metadata["subscribers"], d.metadata["remote"]) for d in deliveries] == [
        (2, False),
        (3, False),
    ]
    assert all(0 <= d.metadata["lag_ms"] < 1_000 for d in deliveries)  # type: ignore[operator]


async def test_version_1_envelope_from_an_older_worker_is_delivered_without_lag(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    """A rolling deploy: a worker of the previous release still sends envelope version 1."""
    older = await make_pubsub(memory_or_redis_url)
    receiver = await make_pubsub(memory_or_redis_url)
    seen = record(receiver)
    sub = await receiver.subscribe(topic)
    assert older._backend is not None

    await older._backend.publish(
        topic, '{"v":1,"n":"older","t":"tests.pubsub._models.Ping","d":{"n":7,"text":""}}'
    )

    assert await next_message(sub) == Ping(n=7)
    [delivery] = named(seen, "deliver")
    assert delivery.metadata["remote"] is True
    assert "lag_ms" not in delivery.metadata
    assert receiver.dropped_messages == 0


async def test_lag_is_measured_across_processes(
    network_url: str,
    topic: str,
    make_pubsub: MakePubSub,
    peers: list[asyncio.subprocess.Process],
) -> None:
    pubsub = await make_pubsub(network_url)
    seen = record(pubsub)
    replies = await pubsub.subscribe(f"{topic}:reply")
    peers.append(await start_peer("echo", network_url, topic))

    await pubsub.broadcast(topic, Ping(n=1))

    assert await next_message(replies, within=10) == Ping(n=10)
    [delivery] = named(seen, "deliver")
    assert delivery.metadata["topic"] == f"{topic}:reply"
    assert 0 <= delivery.metadata["lag_ms"] < 5_000  # type: ignore[operator]


async def test_refused_broadcast_is_reported_not_ok(
    postgres_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
    seen = record(pubsub)

    with pytest.raises(BroadcastError):
        await pubsub.broadcast(topic, Ping(n=1, text="x" * 9000))  # over NOTIFY's 8000 bytes

    [broadcast] = named(seen, "broadcast")
    assert broadcast.metadata["ok"] is False
    assert broadcast.metadata["bytes"] > 9000  # type: ignore[operator]


async def test_removed_and_failing_observers_are_not_called_again(
    topic: str, make_pubsub: MakePubSub, caplog: pytest.LogCaptureFixture
) -> None:
    pubsub = await make_pubsub("memory://")
    calls: list[str] = []

    def broken(name: str, duration_ms: float, metadata: Mapping[str, object]) -> None:
        calls.append("broken")
        raise RuntimeError("observer bug")

    pubsub.observe(broken)
    remove = pubsub.observe(lambda name, ms, metadata: calls.append("removed"))
    kept = record(pubsub)
    remove()
    sub = await pubsub.subscribe(topic)

    with caplog.at_level(logging.ERROR, logger="ember.pubsub"):
        await pubsub.broadcast(topic, Ping(n=1))
        await pubsub.broadcast(topic, Ping(n=2))

    assert [await next_message(sub), await next_message(sub)] == [Ping(n=1), Ping(n=2)]
    assert calls == ["broken"]
    assert len(named(kept, "broadcast")) == 2
    await eventually(lambda: len(named(kept, "deliver")) == 2)
    failures = [r for r in caplog.records if "observer" in r.getMessage()]
    assert len(failures) == 1
