"""Who is online: one Presence on the app's PubSub, one entry per open timeline tab."""

from __future__ import annotations

from ember.pubsub import Presence, PresenceMeta

TOPIC = "online"

_presence: Presence | None = None


def use_presence(presence: Presence | None) -> None:
    """Set (or clear, with None) the app's Presence; the app's lifespan calls this."""
    global _presence
    _presence = presence


async def arrive(tab: str, name: str) -> None:
    if _presence is not None:
        await _presence.track(TOPIC, tab, {"name": name})


async def rename(tab: str, name: str) -> None:
    if _presence is not None:
        await _presence.update(TOPIC, tab, {"name": name})


async def leave(tab: str) -> None:
    if _presence is not None:
        await _presence.untrack(TOPIC, tab)


def names() -> list[str]:
    """The names of everyone online, one per open tab, sorted."""
    if _presence is None:
        return []
    listed: dict[str, list[PresenceMeta]] = _presence.list(TOPIC)
    return sorted(str(meta.meta.get("name", "?")) for metas in listed.values() for meta in metas)
