"""Presence on memory and Redis: tracking, diffs, replication, dead nodes."""

from __future__ import annotations

import asyncio
import signal

import pytest

from ember.pubsub import (
    InvalidArgumentError,
    NotStartedError,
    NotTrackedError,
    Presence,
    PresenceDiff,
    PubSub,
    PubSubError,
)

from .conftest import MakePubSub, eventually, next_message, start_peer


def keys(presence: Presence, topic: str) -> dict[str, list[dict[str, object]]]:
    return {k: [m.meta for m in metas] for k, metas in presence.list(topic).items()}


@pytest.fixture
async def make_presence():
    started: list[Presence] = []

    async def make(pubsub: PubSub, **timing: float) -> Presence:
        presence = Presence(pubsub, **{"heartbeat": 0.05, "timeout": 0.5, **timing})
        await presence.start()
        started.append(presence)
        return presence

    yield make
    for presence in started:
        await presence.stop()


async def test_track_lists_and_delivers_join_diff(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    pubsub = await make_pubsub(memory_or_redis_url)
    presence = await make_presence(pubsub)
    sub = await pubsub.subscribe(topic)

    ref = await presence.track(topic, "alice", {"tab": 1})

    diff = await next_message(sub)
    assert isinstance(diff, PresenceDiff)
    assert diff.leaves == {}
    assert [(m.ref, m.meta) for m in diff.joins["alice"]] == [(ref, {"tab": 1})]
    assert keys(presence, topic) == {"alice": [{"tab": 1}]}


async def test_track_same_key_twice_two_metas_untrack_by_ref(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence = await make_presence(await make_pubsub(memory_or_redis_url))

    first = await presence.track(topic, "alice", {"tab": 1})
    await presence.track(topic, "alice", {"tab": 2})
    assert sorted(m["tab"] for m in keys(presence, topic)["alice"]) == [1, 2]  # type: ignore[type-var]

    await presence.untrack(topic, "alice", first)
    assert keys(presence, topic) == {"alice": [{"tab": 2}]}
    await presence.untrack(topic, "alice")
    assert presence.list(topic) == {}


async def test_presence_replicates_to_other_node_joins_updates_leaves(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    node_a = await make_pubsub(memory_or_redis_url)
    node_b = await make_pubsub(memory_or_redis_url)
    presence_a = await make_presence(node_a)
    presence_b = await make_presence(node_b)
    sub_b = await node_b.subscribe(topic)
    state: dict = {}

    ref = await presence_a.track(topic, "alice", {"status": "away"})
    diff = await next_message(sub_b)
    assert isinstance(diff, PresenceDiff)
    state = diff.apply(state)
    assert keys(presence_b, topic) == {"alice": [{"status": "away"}]}

    await presence_a.update(topic, "alice", {"status": "online"})
    diff = await next_message(sub_b)
    assert isinstance(diff, PresenceDiff)
    assert diff.leaves["alice"][0].meta == {"status": "away"}
    assert diff.joins["alice"][0].meta == {"status": "online"}
    state = diff.apply(state)
    assert [(m.ref, m.meta) for m in state["alice"]] == [(ref, {"status": "online"})]

    await presence_a.untrack(topic, "alice")
    diff = await next_message(sub_b)
    assert isinstance(diff, PresenceDiff)
    assert list(diff.leaves) == ["alice"]
    assert diff.apply(state) == {}
    assert presence_b.list(topic) == {}


async def test_presence_late_node_learns_existing_entries(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(
        await make_pubsub(memory_or_redis_url), heartbeat=5, timeout=20
    )
    await presence_a.track(topic, "alice")

    presence_b = await make_presence(
        await make_pubsub(memory_or_redis_url), heartbeat=5, timeout=20
    )

    await eventually(lambda: "alice" in presence_b.list(topic), within=2)  # no heartbeat needed


async def test_presence_lost_state_healed_by_heartbeat(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(await make_pubsub(memory_or_redis_url))
    presence_b = await make_presence(await make_pubsub(memory_or_redis_url))
    await presence_a.track(topic, "alice")
    await eventually(lambda: "alice" in presence_b.list(topic))

    presence_b._view.clear()  # as if B missed A's state
    presence_b._applied.clear()

    await eventually(lambda: "alice" in presence_b.list(topic))


async def test_presence_node_stopped_cleanly_leaves_at_once(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(
        await make_pubsub(memory_or_redis_url), heartbeat=5, timeout=20
    )
    presence_b = await make_presence(
        await make_pubsub(memory_or_redis_url), heartbeat=5, timeout=20
    )
    await presence_a.track(topic, "alice")
    await eventually(lambda: "alice" in presence_b.list(topic))

    await presence_a.stop()

    await eventually(lambda: presence_b.list(topic) == {}, within=1)
    assert presence_a.list(topic) == {}


async def test_presence_silent_node_entries_leave_after_timeout(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(await make_pubsub(memory_or_redis_url), timeout=0.3)
    node_b = await make_pubsub(memory_or_redis_url)
    presence_b = await make_presence(node_b)
    sub_b = await node_b.subscribe(topic)
    await presence_a.track(topic, "alice")
    assert isinstance(await next_message(sub_b), PresenceDiff)

    for task in presence_a._tasks:  # a crash: no goodbye, no more heartbeats
        task.cancel()

    diff = await next_message(sub_b, within=3)
    assert isinstance(diff, PresenceDiff)
    assert list(diff.leaves) == ["alice"]
    assert presence_b.list(topic) == {}


@pytest.mark.redis
async def test_presence_killed_process_cleared_with_leave(
    redis_url: str,
    topic: str,
    make_pubsub: MakePubSub,
    make_presence,
    peers: list[asyncio.subprocess.Process],
) -> None:
    pubsub = await make_pubsub(redis_url)
    presence = await make_presence(pubsub, heartbeat=0.1, timeout=1.0)
    sub = await pubsub.subscribe(topic)
    peers.append(proc := await start_peer("presence", redis_url, topic))
    await eventually(lambda: "peer" in presence.list(topic), within=5)
    joined = await next_message(sub)
    assert isinstance(joined, PresenceDiff)
    assert "peer" in joined.joins

    proc.send_signal(signal.SIGKILL)
    await proc.wait()

    left = await next_message(sub, within=5)  # the peer's timeout is 0.5 s
    assert isinstance(left, PresenceDiff)
    assert list(left.leaves) == ["peer"]
    assert presence.list(topic) == {}


async def test_presence_requires_started_pubsub(topic: str) -> None:
    presence = Presence(PubSub("memory://unstarted"))

    with pytest.raises(NotStartedError, match=r"await pubsub.start\(\)"):
        await presence.track(topic, "alice")


async def test_presence_update_unknown_key_raises(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence = await make_presence(await make_pubsub(memory_or_redis_url))

    with pytest.raises(NotTrackedError, match="Call track\\(\\) first"):
        await presence.update(topic, "nobody", {})


def test_presence_heartbeat_must_be_below_timeout() -> None:
    with pytest.raises(InvalidArgumentError, match="heartbeat < timeout"):
        Presence(PubSub(), heartbeat=5, timeout=5)


async def test_presence_heartbeat_overtaking_state_keeps_entry(
    topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    """Regression: a heartbeat published before a state but delivered after it (two pool
    connections) removed the entry for good, because later heartbeats looked current."""
    from ember.pubsub._presence_messages import _Entry, _Heartbeat, _State

    presence = await make_presence(await make_pubsub("memory://overtake"), heartbeat=5, timeout=20)
    entries = {"r1": _Entry(key="peer", meta={})}

    await presence._handle(_State(node="n", ttl=9, seq=1, topic=topic, entries=entries))
    await presence._handle(_Heartbeat(node="n", ttl=9, seq=0, topics={}))
    assert "peer" in presence.list(topic)
    await presence._handle(_Heartbeat(node="n", ttl=9, seq=1, topics={topic: 1}))
    assert "peer" in presence.list(topic)
    await presence._handle(_Heartbeat(node="n", ttl=9, seq=2, topics={}))
    assert presence.list(topic) == {}


async def test_presence_second_tracker_on_one_pubsub_refused(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    pubsub = await make_pubsub(memory_or_redis_url)
    first = await make_presence(pubsub)
    second = Presence(pubsub)

    with pytest.raises(PubSubError, match="one Presence per PubSub"):
        await second.track(topic, "grace")
    await first.stop()
    await second.track(topic, "grace")  # fine once the first one stopped
    assert list(second.list(topic)) == ["grace"]
    await second.stop()


async def test_presence_pubsub_stopped_tasks_end_quietly(
    memory_or_redis_url: str, topic: str, caplog: pytest.LogCaptureFixture
) -> None:
    pubsub = PubSub(memory_or_redis_url)
    await pubsub.start()
    presence = Presence(pubsub, heartbeat=0.05, timeout=0.5)
    await presence.track(topic, "ada")

    await pubsub.stop()

    await eventually(lambda: not presence.started, within=2)
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    await presence.stop()


async def test_presence_after_pubsub_restart_tracks_as_new_node(
    memory_or_redis_url: str, topic: str
) -> None:
    pubsub = PubSub(memory_or_redis_url)
    presence = Presence(pubsub, heartbeat=0.05, timeout=0.5)
    async with pubsub:
        await presence.track(topic, "ada")
    await eventually(lambda: not presence.started, within=2)

    async with pubsub:
        await presence.track(topic, "grace")
        assert sorted(presence.list(topic)) == ["grace"]
        await presence.stop()


@pytest.mark.redis
async def test_presence_redis_restart_peers_resync_and_track_does_not_raise(
    own_redis, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(await make_pubsub(own_redis.url))
    node_b = await make_pubsub(own_redis.url)
    presence_b = await make_presence(node_b)
    await presence_a.track(topic, "ada")
    await eventually(lambda: "ada" in presence_b.list(topic))

    own_redis.stop()
    await presence_a.track(topic, "grace")  # replicated later, no error now
    assert sorted(presence_a.list(topic)) == ["ada", "grace"]
    await asyncio.sleep(0.3)
    own_redis.start()

    await eventually(lambda: sorted(presence_b.list(topic)) == ["ada", "grace"], within=15)
