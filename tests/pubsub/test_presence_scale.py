"""Presence at scale: a change costs the same whatever a topic holds (one delta on the
wire, applied in place), a lost delta heals, and memory is given back after a leave.
bench/presence.py measures the same to 1,000 entries."""

from __future__ import annotations

import gc
import tracemalloc

from ember.pubsub import PresenceDiff, PresenceMeta
from ember.pubsub._presence import REPLICATION_TOPIC
from ember.pubsub._presence_messages import _Delta, _Entry

from .conftest import MakePubSub, eventually, next_message
from .test_presence import make_presence

__all__ = ["make_presence"]


async def test_presence_join_replicates_as_one_small_delta_whatever_the_topic_holds(
    memory_or_redis_url: str, topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    node_a = await make_pubsub(memory_or_redis_url)
    presence_a = await make_presence(node_a, heartbeat=5, timeout=20)
    presence_b = await make_presence(
        await make_pubsub(memory_or_redis_url), heartbeat=5, timeout=20
    )
    for n in range(300):
        await presence_a.track(topic, f"tab-{n}", {"name": f"guest-{n}"})
    await eventually(lambda: presence_b.count(topic) == 300)
    wire = await node_a.subscribe(REPLICATION_TOPIC, max_queue=1000)

    await presence_a.track(topic, "tab-300", {"name": "ada"})

    message = await next_message(wire)
    while not isinstance(message, _Delta):  # heartbeats may come between
        message = await next_message(wire)
    assert [e.key for e in message.joins.values()] == ["tab-300"]
    assert len(message.model_dump_json()) < 300
    await eventually(lambda: presence_b.count(topic) == 301)
    await presence_a.untrack(topic, "tab-7")
    await eventually(lambda: presence_b.count(topic) == 300)
    assert "tab-7" not in presence_b.list(topic)


async def test_presence_delta_on_a_state_the_peer_lacks_heals_from_the_whole_state(
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
    node, seq = presence_a._node, presence_a._seq

    # B hears of a change made on top of a state it never saw (a lost delta): it must not
    # apply it, but ask A for everything, and end up with exactly what A holds.
    ghost = {"ghost": _Entry(key="ghost", meta={})}
    lost = _Delta(node=node, ttl=20, seq=seq + 2, prev=seq + 1, topic=topic, joins=ghost, leaves=[])
    await presence_b._handle(lost)

    assert "ghost" not in presence_b.list(topic)
    await presence_a.track(topic, "bob")  # a later delta, and the state B asked for
    await eventually(lambda: set(presence_b.list(topic)) == {"alice", "bob"})


async def test_presence_count_counts_every_meta_across_nodes(
    topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(await make_pubsub("memory://count"))
    presence_b = await make_presence(await make_pubsub("memory://count"))
    await presence_a.track(topic, "alice")
    await presence_a.track(topic, "alice")
    await presence_b.track(topic, "bob")

    await eventually(lambda: presence_a.count(topic) == 3 and presence_b.count(topic) == 3)
    assert presence_a.count("elsewhere") == 0


def test_presence_diff_join_of_a_held_ref_replaces_it() -> None:
    held = {"alice": [PresenceMeta(ref="r1", node="n", meta={"tab": 1})]}
    diff = PresenceDiff(
        topic="t", joins={"alice": [PresenceMeta(ref="r1", node="n", meta={"tab": 1})]}, leaves={}
    )

    assert diff.apply(held) == held


async def test_presence_memory_is_given_back_after_a_thousand_leave(
    topic: str, make_pubsub: MakePubSub, make_presence
) -> None:
    presence_a = await make_presence(await make_pubsub("memory://leave"), heartbeat=5, timeout=20)
    presence_b = await make_presence(await make_pubsub("memory://leave"), heartbeat=5, timeout=20)
    watcher = await presence_b.pubsub.subscribe(topic, max_queue=10_000)

    async def arrive_and_leave() -> int:
        for n in range(1000):
            await presence_a.track(topic, f"tab-{n}", {"name": f"guest-{n}"})
        await eventually(lambda: presence_b.count(topic) == 1000)
        full = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
        for n in range(1000):
            await presence_a.untrack(topic, f"tab-{n}")
        await eventually(lambda: presence_b.count(topic) == 0)
        while watcher.queued:
            await next_message(watcher)
        gc.collect()
        return full

    await arrive_and_leave()  # caches and buffers reach their working size
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        full = await arrive_and_leave()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert full - before > 500_000  # two nodes holding a thousand entries (and the diffs)
    assert after - before < 32 * 1024, f"{(after - before) / 1024:.0f} KiB kept after all left"
