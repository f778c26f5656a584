"""Presence: who is in a topic, across processes, with joins/leaves diffs.

Each process (a *node*) owns its own entries and replicates them on one internal topic,
``ember:presence``. Messages are idempotent snapshots, so a lost one heals itself:

* ``_Delta(node, seq, prev, topic, joins, leaves)`` - one change of a node's entries in
  a topic, sent on every change: its size does not grow with the number of entries. A peer
  whose state of that node and topic is not ``prev`` asks for the whole state instead;
* ``_State(node, seq, topic, entries)`` - all of a node's entries in one topic, sent
  whenever a peer asks for it;
* ``_Heartbeat(node, ttl, seq, topics={topic: seq})`` - every ``heartbeat`` seconds; a
  peer that holds an older state asks for it again, a peer holding a topic the heartbeat
  no longer lists drops it, unless its state is newer than the heartbeat (publishes
  from one process may overtake each other);
* ``_Sync(node, target)`` - "send me your states", on start and after a reconnect;
* ``_Down(node)`` - a node stopping cleanly.

A node not heard from for its declared ``ttl`` (its ``timeout``) is considered dead and
its entries leave. Every change a node sees in a topic is delivered to that node's
subscribers of the topic as a :class:`PresenceDiff`, with ``local_broadcast``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from collections.abc import Mapping, Sequence
from types import TracebackType

from pydantic import JsonValue

from ._errors import (
    BroadcastError,
    InvalidArgumentError,
    NotStartedError,
    NotTrackedError,
    PubSubError,
    SlowConsumerError,
)
from ._messages import MessagesMayBeLost
from ._presence_messages import (
    PresenceDiff,
    PresenceMeta,
    _Delta,
    _Down,
    _Entry,
    _Heartbeat,
    _State,
    _Sync,
)
from ._pubsub import PubSub
from ._subscription import Subscription

logger = logging.getLogger("ember.pubsub")

REPLICATION_TOPIC = "ember:presence"

# The started Presence of each PubSub: diffs go to the PubSub's local subscribers, so a
# second tracker on the same PubSub would deliver every diff twice.
_ACTIVE: weakref.WeakKeyDictionary[PubSub, Presence] = weakref.WeakKeyDictionary()


class Presence:
    """Track who is present in topics, like Phoenix.Presence.

    Args:
        pubsub: the PubSub to replicate through; in-process with ``memory://``, across
            processes with Redis.
        heartbeat: seconds between heartbeats (and dead-node checks).
        timeout: seconds without a heartbeat after which peers drop this node's entries.

    Starts on first use (or with ``start()`` / ``async with``) once ``pubsub`` is started.
    One Presence per PubSub: its diffs go to that PubSub's local subscribers.
    """

    def __init__(self, pubsub: PubSub, *, heartbeat: float = 1.0, timeout: float = 5.0) -> None:
        if not 0 < heartbeat < timeout:
            raise InvalidArgumentError(
                f"Expected 0 < heartbeat < timeout, got heartbeat={heartbeat}, "
                f"timeout={timeout}. A node must beat several times within its timeout."
            )
        self.pubsub = pubsub
        self.heartbeat = heartbeat
        self.timeout = timeout
        self._node = uuid.uuid4().hex  # a fresh one on every start()
        self._seq = 0
        self._sent: dict[str, int] = {}  # topic -> seq of our last state sent
        # topic -> node -> ref -> entry; our own entries live under our node id
        self._view: dict[str, dict[str, dict[str, _Entry]]] = {}
        # topic -> key -> refs of our own entries: untrack and update without a scan
        self._keys: dict[str, dict[str, set[str]]] = {}
        self._applied: dict[tuple[str, str], int] = {}
        self._seen: dict[str, tuple[float, float]] = {}  # node -> (last seen, ttl)
        self._tasks: list[asyncio.Task[None]] = []
        self._sub: Subscription | None = None
        # Checked by the loops: redis-py sometimes swallows a cancellation mid-command.
        self._stopping = asyncio.Event()
        self._start_lock = asyncio.Lock()

    @property
    def started(self) -> bool:
        """True while replicating."""
        return bool(self._tasks) and not all(t.done() for t in self._tasks)

    async def start(self) -> None:
        """Join the replication topic and ask peers for their state. Idempotent."""
        async with self._start_lock:
            if self.started:
                return
            if not self.pubsub.started:
                raise NotStartedError(
                    "Expected a started PubSub for Presence, but it is not running. Call "
                    "`await pubsub.start()` before tracking presence."
                )
            active = _ACTIVE.get(self.pubsub)
            if active is not None and active is not self and active.started:
                raise PubSubError(
                    f"Expected one Presence per PubSub, but {self.pubsub!r} already has a "
                    "started one; every diff would reach its subscribers twice. Share that "
                    "Presence, or stop it first."
                )
            if self._tasks:  # ended with a stopped PubSub: start afresh, as a new node
                await self.stop()
            _ACTIVE[self.pubsub] = self
            self._node = uuid.uuid4().hex
            sub = await self.pubsub.subscribe(REPLICATION_TOPIC, max_queue=10_000)
            self._sub = sub
            self._stopping.clear()
            self._tasks = [
                asyncio.create_task(self._receive(sub), name="ember.presence receive"),
                asyncio.create_task(self._beat(), name="ember.presence heartbeat"),
            ]
            await self.pubsub.broadcast(REPLICATION_TOPIC, _Sync(node=self._node, target=None))

    async def stop(self) -> None:
        """Untrack everything this node tracks and stop replicating.

        Peers see this node's entries leave at once. This process's subscribers receive
        leaves for every entry it knew: without a running Presence, it knows nobody.
        """
        tasks, self._tasks = self._tasks, []
        self._stopping.set()
        if _ACTIVE.get(self.pubsub) is self:
            del _ACTIVE[self.pubsub]
        for task in tasks:
            task.cancel()
        if self._sub is not None:
            await self._sub.close()
            self._sub = None
        await asyncio.gather(*tasks, return_exceptions=True)
        for topic in list(self._view):
            for node in list(self._view[topic]):
                self._replace(topic, node, {})
        self._keys.clear()
        self._applied.clear()
        self._seen.clear()
        self._sent.clear()
        if tasks and self.pubsub.started:
            try:
                await self.pubsub.broadcast(REPLICATION_TOPIC, _Down(node=self._node))
            except BroadcastError as exc:
                logger.warning(
                    "Presence could not announce that node %s stopped (%s); peers drop its "
                    "entries after its timeout of %.1fs instead",
                    self._node,
                    exc,
                    self.timeout,
                )

    async def __aenter__(self) -> Presence:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def track(self, topic: str, key: str, meta: Mapping[str, JsonValue] | None = None) -> str:
        """Add a presence for ``key`` in ``topic``; returns its ``ref``.

        Tracking one key several times (two tabs of one user) gives several metas.
        """
        await self.start()
        ref = uuid.uuid4().hex
        await self._change(topic, {ref: _Entry(key=key, meta=dict(meta or {}))}, [])
        return ref

    async def untrack(self, topic: str, key: str, ref: str | None = None) -> None:
        """Remove this node's presences of ``key`` in ``topic`` (only ``ref`` if given)."""
        await self.start()
        gone = self._refs(topic, key, ref)
        if gone:
            await self._change(topic, {}, gone)

    async def update(
        self, topic: str, key: str, meta: Mapping[str, JsonValue], ref: str | None = None
    ) -> None:
        """Replace the meta of this node's presences of ``key`` (only ``ref`` if given).

        Raises:
            NotTrackedError: this process tracks no such presence.
        """
        await self.start()
        hits = self._refs(topic, key, ref)
        if not hits:
            raise NotTrackedError(
                f"Expected a presence of {key!r} tracked by this process in {topic!r}"
                + (f" with ref {ref!r}" if ref else "")
                + ", found none. Call track() first."
            )
        await self._change(topic, {r: _Entry(key=key, meta=dict(meta)) for r in hits}, [])

    def list(self, topic: str) -> dict[str, list[PresenceMeta]]:
        """Everyone present in ``topic``, as ``{key: [metas]}``, across all nodes."""
        result: dict[str, list[PresenceMeta]] = {}
        for node, entries in sorted(self._view.get(topic, {}).items()):
            for ref, entry in entries.items():
                result.setdefault(entry.key, []).append(
                    PresenceMeta(ref=ref, node=node, meta=entry.meta)
                )
        return result

    def count(self, topic: str) -> int:
        """How many presences ``topic`` has (metas, across all nodes), without listing them."""
        return sum(len(entries) for entries in self._view.get(topic, {}).values())

    def _local(self, topic: str) -> dict[str, _Entry]:
        return self._view.get(topic, {}).get(self._node, {})

    def _refs(self, topic: str, key: str, ref: str | None) -> Sequence[str]:
        refs = self._keys.get(topic, {}).get(key, set())
        return [r for r in refs if ref is None or r == ref]

    async def _change(self, topic: str, joins: dict[str, _Entry], leaves: Sequence[str]) -> None:
        prev = self._sent.get(topic, -1)
        self._apply(topic, self._node, joins, leaves)
        self._seq += 1
        if self._local(topic):
            self._sent[topic] = self._seq
        else:
            self._sent.pop(topic, None)
        delta = _Delta(
            node=self._node,
            ttl=self.timeout,
            seq=self._seq,
            prev=prev,
            topic=topic,
            joins=joins,
            leaves=[*leaves],
        )
        try:
            await self.pubsub.broadcast(REPLICATION_TOPIC, delta)
        except BroadcastError as exc:
            # The change stands locally; peers catch up from our heartbeats after the
            # server is back (they see a newer seq and ask for the state).
            logger.warning(
                "Presence change in %r not replicated yet (%s); peers will resync", topic, exc
            )

    def _state(self, topic: str) -> _State:
        return _State(
            node=self._node,
            ttl=self.timeout,
            seq=self._sent.get(topic, self._seq),
            topic=topic,
            entries=self._local(topic),
        )

    def _replace(self, topic: str, node: str, entries: dict[str, _Entry]) -> None:
        """Set ``node``'s entries in ``topic`` (a whole state) and deliver the diff."""
        old = self._view.get(topic, {}).get(node, {})
        joins = {ref: entry for ref, entry in entries.items() if old.get(ref) != entry}
        self._apply(topic, node, joins, [ref for ref in old if ref not in entries])

    def _apply(
        self, topic: str, node: str, joins: Mapping[str, _Entry], leaves: Sequence[str]
    ) -> None:
        """Change ``node``'s entries in ``topic`` in place (leaves, then joins; a join of a
        held ref replaces it) and deliver what changed to local subscribers."""
        nodes = self._view.setdefault(topic, {})
        entries = nodes.setdefault(node, {})
        keys = self._keys.setdefault(topic, {}) if node == self._node else None
        joined: dict[str, list[PresenceMeta]] = {}
        left: dict[str, list[PresenceMeta]] = {}

        def drop(ref: str, entry: _Entry) -> None:
            left.setdefault(entry.key, []).append(PresenceMeta(ref=ref, node=node, meta=entry.meta))
            if keys is not None:
                refs = keys.get(entry.key)
                if refs is not None:
                    refs.discard(ref)
                    if not refs:
                        del keys[entry.key]

        for ref in leaves:
            entry = entries.pop(ref, None)
            if entry is not None:
                drop(ref, entry)
        for ref, entry in joins.items():
            old = entries.get(ref)
            if old == entry:
                continue
            if old is not None:
                drop(ref, old)
            entries[ref] = entry
            joined.setdefault(entry.key, []).append(
                PresenceMeta(ref=ref, node=node, meta=entry.meta)
            )
            if keys is not None:
                keys.setdefault(entry.key, set()).add(ref)
        if not entries:
            del nodes[node]
            if not nodes:
                del self._view[topic]
        if keys is not None and not keys:
            del self._keys[topic]
        if (joined or left) and self.pubsub.started:
            self.pubsub.local_broadcast(topic, PresenceDiff(topic=topic, joins=joined, leaves=left))

    async def _receive(self, sub: Subscription) -> None:
        while not self._stopping.is_set():
            try:
                async for msg in sub:
                    if self._stopping.is_set():
                        return
                    if isinstance(msg, MessagesMayBeLost):
                        await self._resync()
                    elif (
                        isinstance(msg, _Delta | _State | _Heartbeat | _Sync | _Down)
                        and msg.node != self._node
                    ):
                        await self._handle(msg)
                self._stopping.set()  # the PubSub stopped: so does the heartbeat
                return
            except SlowConsumerError as exc:
                logger.warning("Presence fell behind on %s (%s); resyncing", REPLICATION_TOPIC, exc)
                sub = await self.pubsub.subscribe(REPLICATION_TOPIC, max_queue=sub.max_queue)
                self._sub = sub
                await self._resync()
            except BroadcastError as exc:  # a reply failed; heartbeats repair it later
                logger.warning("Presence could not answer a peer: %s", exc)

    async def _handle(self, msg: _Delta | _State | _Heartbeat | _Sync | _Down) -> None:
        now = time.monotonic()
        if isinstance(msg, _Down):
            self._forget_node(msg.node)
            return
        if isinstance(msg, _Sync):
            if msg.target in (None, self._node):
                for topic in list(self._sent):
                    await self.pubsub.broadcast(REPLICATION_TOPIC, self._state(topic))
            return
        self._seen[msg.node] = (now, msg.ttl)
        if isinstance(msg, _Delta):
            pair = (msg.node, msg.topic)
            held = self._applied.get(pair, -1)
            if msg.seq <= held:
                return  # older than what we hold (publishes may overtake each other)
            empty = msg.node not in self._view.get(msg.topic, {})
            if msg.prev == held or (msg.prev == -1 and empty):
                self._applied[pair] = msg.seq
                self._apply(msg.topic, msg.node, msg.joins, msg.leaves)
            else:  # a change in between was lost or is late: take the whole state
                await self.pubsub.broadcast(
                    REPLICATION_TOPIC, _Sync(node=self._node, target=msg.node)
                )
            return
        if isinstance(msg, _State):
            if msg.seq > self._applied.get((msg.node, msg.topic), -1):
                self._applied[(msg.node, msg.topic)] = msg.seq
                self._replace(msg.topic, msg.node, dict(msg.entries))
            return
        stale = False
        for topic, nodes in list(self._view.items()):
            pair = (msg.node, topic)
            if (
                msg.node in nodes
                and topic not in msg.topics
                and self._applied.get(pair, -1) < msg.seq
            ):
                # The node left the topic after the state we hold; that state was lost.
                self._applied[pair] = msg.seq
                self._replace(topic, msg.node, {})
        for topic, seq in msg.topics.items():
            stale = stale or self._applied.get((msg.node, topic), -1) < seq
        if stale:
            await self.pubsub.broadcast(REPLICATION_TOPIC, _Sync(node=self._node, target=msg.node))

    async def _resync(self) -> None:
        await self.pubsub.broadcast(REPLICATION_TOPIC, _Sync(node=self._node, target=None))
        for topic in list(self._sent):
            await self.pubsub.broadcast(REPLICATION_TOPIC, self._state(topic))

    def _forget_node(self, node: str) -> None:
        self._seen.pop(node, None)
        for topic in list(self._view):
            if node in self._view[topic]:
                self._replace(topic, node, {})
        for pair in [p for p in self._applied if p[0] == node]:
            del self._applied[pair]

    async def _beat(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.pubsub.broadcast(
                    REPLICATION_TOPIC,
                    _Heartbeat(
                        node=self._node, ttl=self.timeout, seq=self._seq, topics=dict(self._sent)
                    ),
                )
            except BroadcastError as exc:  # a server outage: peers resync after it
                logger.warning("Presence heartbeat from %s failed: %s", self._node, exc)
            except NotStartedError:
                return  # the PubSub stopped under us
            now = time.monotonic()
            for node, (seen, ttl) in list(self._seen.items()):
                if now - seen > ttl:
                    logger.info("Presence: node %s silent for %.1fs; its entries leave", node, ttl)
                    self._forget_node(node)
            await asyncio.sleep(self.heartbeat)
