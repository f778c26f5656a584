"""Presence messages: the public diff and meta types, and the replication protocol.

The replication messages travel on ``ember:presence`` (see ``_presence.py`` for the
protocol); their tags start with ``ember.presence.`` and change only with the protocol.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, JsonValue

from ._messages import message


class PresenceMeta(BaseModel):
    """One tracked presence: its ``ref`` (unique per track), owning node and metadata."""

    model_config = ConfigDict(frozen=True)

    ref: str
    node: str
    meta: dict[str, JsonValue]


@message("ember.presence.diff")
class PresenceDiff(BaseModel):
    """What changed in a topic's presence, keyed by presence key.

    ``update`` shows as a leave of the old meta and a join of the new one with the same
    ``ref``: apply leaves before joins, as :meth:`apply` does.
    """

    model_config = ConfigDict(frozen=True)

    topic: str
    joins: dict[str, list[PresenceMeta]]
    leaves: dict[str, list[PresenceMeta]]

    def apply(self, state: Mapping[str, list[PresenceMeta]]) -> dict[str, list[PresenceMeta]]:
        """A new ``{key: metas}`` state: ``state`` with this diff's leaves, then joins."""
        result = {key: list(metas) for key, metas in state.items()}
        for key, metas in self.leaves.items():
            gone = {m.ref for m in metas}
            kept = [m for m in result.get(key, []) if m.ref not in gone]
            if kept:
                result[key] = kept
            else:
                result.pop(key, None)
        for key, metas in self.joins.items():
            # A join of a ref already held replaces it: a state read with list() after
            # subscribing may already hold what the next diff joins.
            joined = {m.ref for m in metas}
            kept = [m for m in result.get(key, []) if m.ref not in joined]
            result[key] = [*kept, *metas]
        return result


class _Entry(BaseModel):
    key: str
    meta: dict[str, JsonValue]


@message("ember.presence.state")
class _State(BaseModel):
    node: str
    ttl: float
    seq: int
    topic: str
    entries: dict[str, _Entry]


@message("ember.presence.delta")
class _Delta(BaseModel):
    """One change of a node's entries in a topic: applied on top of the state ``prev``
    (-1: the node had no entries there), else the peer asks for the whole state."""

    node: str
    ttl: float
    seq: int
    prev: int
    topic: str
    joins: dict[str, _Entry]
    leaves: list[str]


@message("ember.presence.heartbeat")
class _Heartbeat(BaseModel):
    node: str
    ttl: float
    seq: int  # the node's seq when it was sent: heartbeats may overtake states
    topics: dict[str, int]


@message("ember.presence.sync")
class _Sync(BaseModel):
    node: str
    target: str | None


@message("ember.presence.down")
class _Down(BaseModel):
    node: str
