"""Property: applying every PresenceDiff in order rebuilds exactly what list() reports."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from ember.pubsub import Presence, PresenceDiff, PresenceMeta, PubSub, Subscription

KEYS = st.sampled_from(["ada", "grace", "linus"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("track"), KEYS, st.integers(0, 3)),
        st.tuples(st.just("untrack"), KEYS, st.integers(0, 3)),
        st.tuples(st.just("update"), KEYS, st.integers(0, 3)),
    ),
    max_size=25,
)


def normal(state: dict[str, list[PresenceMeta]]) -> dict[str, list[tuple[str, object]]]:
    return {k: sorted((m.ref, repr(m.meta)) for m in metas) for k, metas in state.items()}


async def drain(sub: Subscription) -> dict[str, list[PresenceMeta]]:
    state: dict[str, list[PresenceMeta]] = {}
    while sub.queued:
        diff = await anext(sub)
        assert isinstance(diff, PresenceDiff)
        state = diff.apply(state)
    return state


async def scenario(ops: list[tuple[str, str, int]]) -> None:
    async with PubSub("memory://properties") as here, PubSub("memory://properties") as there:
        local = await here.subscribe("room", max_queue=10_000)
        remote = await there.subscribe("room", max_queue=10_000)
        watcher = Presence(there, heartbeat=5, timeout=20)
        await watcher.start()
        tracker = Presence(here, heartbeat=5, timeout=20)
        for op, key, n in ops:
            if op == "track":
                await tracker.track("room", key, {"n": n})
            elif op == "untrack":
                await tracker.untrack("room", key)
            elif key in tracker.list("room"):
                await tracker.update("room", key, {"n": n})
        for _ in range(3):
            await asyncio.sleep(0)  # let the watcher take in the last state
        assert normal(await drain(local)) == normal(tracker.list("room"))
        assert normal(await drain(remote)) == normal(watcher.list("room"))
        assert normal(tracker.list("room")) == normal(watcher.list("room"))
        await tracker.stop()
        await watcher.stop()


@settings(max_examples=60, deadline=None)
@given(ops=OPS)
def test_presence_diffs_applied_in_order_rebuild_list(ops: list[tuple[str, str, int]]) -> None:
    asyncio.run(scenario(ops))
