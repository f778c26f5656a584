"""The chirps context: post, like and repost; every change is broadcast on ``chirps``."""

from __future__ import annotations

import asyncio
import datetime
import re
from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ember.data import Changeset, Result
from ember.live import default_ember
from ember.pubsub import broadcast_after_write, message

from . import db

TOPIC = "chirps"


class Chirp(db.Base):
    __tablename__ = "chirps"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(String(280))
    likes: Mapped[int] = mapped_column(default=0, server_default="0")
    reposts: Mapped[int] = mapped_column(default=0, server_default="0")
    repost_of_id: Mapped[int | None] = mapped_column(ForeignKey("chirps.id"), default=None)
    reposted_from: Mapped[str | None] = mapped_column(String(40), default=None)
    inserted_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ChirpOut(BaseModel):
    """A chirp as views and messages see it."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    author: str
    body: str
    likes: int
    reposts: int
    reposted_from: str | None = None
    inserted_at: datetime.datetime | None = None


@message("demo.chirp_posted")
class ChirpPosted(BaseModel):
    model_config = ConfigDict(frozen=True)

    chirp: ChirpOut


@message("demo.chirp_changed")
class ChirpChanged(BaseModel):
    model_config = ConfigDict(frozen=True)

    chirp: ChirpOut


def chirp_changeset(chirp: Chirp, attrs: Mapping[str, object]) -> Changeset[Chirp]:
    return (
        Changeset.cast(chirp, attrs, ["author", "body"])
        .validate_required(["author", "body"])
        .validate_length("author", min=2, max=40)
        .validate_length("body", max=280)
    )


def change_chirp(author: str = "", attrs: Mapping[str, object] | None = None) -> Changeset[Chirp]:
    """A changeset for the compose form, with the author filled in."""
    return chirp_changeset(Chirp(author=author), attrs or {})


async def list_chirps(limit: int = 50) -> list[ChirpOut]:
    rows = await db.repo.all(select(Chirp).order_by(Chirp.id.desc()).limit(limit))
    return [ChirpOut.model_validate(row) for row in rows]


async def post_chirp(attrs: Mapping[str, object]) -> Result[Chirp]:
    result = await db.repo.insert(chirp_changeset(Chirp(), attrs))
    if result.ok:
        await _broadcast(ChirpPosted(chirp=ChirpOut.model_validate(result.value)))
    return result


async def like_chirp(chirp_id: int) -> ChirpOut | None:
    """Add a like (one atomic UPDATE, so concurrent likes never get lost)."""
    chirp = await _increment(chirp_id, likes=Chirp.likes + 1)
    if chirp is not None:
        await _broadcast(ChirpChanged(chirp=chirp))
    return chirp


async def repost_chirp(chirp_id: int, author: str) -> ChirpOut | None:
    """Repost as ``author``: a new chirp on every timeline, and one more repost counted."""
    original = await _increment(chirp_id, reposts=Chirp.reposts + 1)
    if original is None:
        return None
    attrs = {"author": author, "body": original.body}
    result = await db.repo.insert(
        chirp_changeset(Chirp(repost_of_id=original.id, reposted_from=original.author), attrs)
    )
    await _broadcast(ChirpChanged(chirp=original))
    if result.ok:
        await _broadcast(ChirpPosted(chirp=ChirpOut.model_validate(result.value)))
    return original


async def trending_words(delay: float = 1.5, limit: int = 5) -> list[tuple[str, int]]:
    """The most used words of recent chirps: the demo's slow report, run as a task."""
    await asyncio.sleep(delay)  # stands for real work: the view shows its loading state
    words: Counter[str] = Counter()
    for chirp in await list_chirps(limit=200):
        words.update(w for w in re.findall(r"[a-zà-ÿ0-9']{4,}", chirp.body.lower()))
    return words.most_common(limit)


async def _increment(chirp_id: int, **values: object) -> ChirpOut | None:
    statement = update(Chirp).where(Chirp.id == chirp_id).values(**values).returning(Chirp)
    async with db.repo.session(write=True) as session:
        row = (await session.execute(statement)).scalar_one_or_none()
        return None if row is None else ChirpOut.model_validate(row)


async def _broadcast(msg: BaseModel) -> None:
    # After a committed write: a failed broadcast is logged, never raised (the post
    # stands); the timeline tells its user through ember.pubsub.undelivered().
    await broadcast_after_write(default_ember().pubsub, TOPIC, msg)
