"""The chirps context: post, like and repost; every change is broadcast on ``chirps``.

Likes and reposts belong to a member (the name a tab posts under): liking twice is still
one like, and a member reposts a chirp at most once. Both are set, not counted up, so a
double-click or a second tab cannot add two, and the counts are recounted from the rows.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased, mapped_column

from ember.data import Changeset, Result
from ember.live import default_ember
from ember.pubsub import broadcast_after_write, message

from . import db

TOPIC = "chirps"


class Chirp(db.Base):
    __tablename__ = "chirps"
    # One repost of a chirp per member (originals have no repost_of_id: NULLs never clash).
    __table_args__ = (UniqueConstraint("repost_of_id", "author"),)

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


class Like(db.Base):
    __tablename__ = "likes"
    __table_args__ = (UniqueConstraint("chirp_id", "member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chirp_id: Mapped[int] = mapped_column(ForeignKey("chirps.id", ondelete="CASCADE"))
    member: Mapped[str] = mapped_column(String(40))


class ChirpOut(BaseModel):
    """A chirp as views and messages see it."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    author: str
    body: str
    likes: int
    reposts: int
    repost_of_id: int | None = None
    reposted_from: str | None = None
    inserted_at: datetime.datetime | None = None

    @property
    def original_id(self) -> int:
        """The chirp a repost of this one would repost: the original, never a repost."""
        return self.repost_of_id or self.id


@message("demo.chirp_posted")
class ChirpPosted(BaseModel):
    model_config = ConfigDict(frozen=True)

    chirp: ChirpOut


@message("demo.chirp_changed")
class ChirpChanged(BaseModel):
    model_config = ConfigDict(frozen=True)

    chirp: ChirpOut


@message("demo.chirp_deleted")
class ChirpDeleted(BaseModel):
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


def edit_changeset(chirp: Chirp, attrs: Mapping[str, object]) -> Changeset[Chirp]:
    """An edit changes the body only (the author and the counts stay)."""
    return (
        Changeset.cast(chirp, attrs, ["body"])
        .validate_required(["body"])
        .validate_length("body", max=280)
    )


def change_edit(chirp: ChirpOut, attrs: Mapping[str, object] | None = None) -> Changeset[Chirp]:
    """A changeset for the inline editor of ``chirp``, from its current body."""
    return edit_changeset(Chirp(id=chirp.id, author=chirp.author, body=chirp.body), attrs or {})


async def chirps_by(author: str, limit: int = 5) -> list[ChirpOut]:
    """``author``'s newest chirps of their own (not their reposts): the ones they may edit."""
    query = (
        select(Chirp)
        .where(Chirp.author == author, Chirp.repost_of_id.is_(None))
        .order_by(Chirp.id.desc())
        .limit(limit)
    )
    return [ChirpOut.model_validate(row) for row in await db.repo.all(query)]


async def edit_chirp(chirp_id: int, author: str, attrs: Mapping[str, object]) -> Result[Chirp]:
    """Change the body of ``author``'s chirp ``chirp_id``; broadcast as ChirpChanged.

    Only the author edits a chirp, and only an original (a repost shows another's words).
    """
    chirp = await db.repo.get(Chirp, chirp_id)
    if chirp is None or chirp.author != author or chirp.repost_of_id is not None:
        fake = Chirp(id=chirp_id, author=author, body="")
        changeset = edit_changeset(fake, attrs).add_error("body", "is not yours to edit")
        return Result.failure(changeset.put_action("update"))
    result = await db.repo.update(edit_changeset(chirp, attrs))
    if result.ok:
        await _broadcast(ChirpChanged(chirp=ChirpOut.model_validate(result.value)))
    return result


async def set_like(chirp_id: int, member: str, liked: bool) -> ChirpOut | None:
    """Like (or unlike) a chirp as ``member``: setting it twice changes nothing."""
    async with db.repo.session(write=True) as session:
        if await session.get(Chirp, chirp_id) is None:
            return None
        mine = (Like.chirp_id == chirp_id) & (Like.member == member)
        if not liked:
            await session.execute(delete(Like).where(mine))
        elif await session.scalar(select(Like.id).where(mine)) is None:
            await _insert_once(session, Like(chirp_id=chirp_id, member=member))
        chirp = await _recount(session, chirp_id)
    if chirp is not None:
        await _broadcast(ChirpChanged(chirp=chirp))
    return chirp


async def set_repost(chirp_id: int, member: str, reposted: bool) -> ChirpOut | None:
    """Repost (or take back the repost of) a chirp as ``member``: at most one repost per
    member, of the original (reposting a repost reposts what it reposted)."""
    posted: ChirpOut | None = None
    removed: ChirpOut | None = None
    async with db.repo.session(write=True) as session:
        chirp = await session.get(Chirp, chirp_id)
        if chirp is None:
            return None
        original = (
            chirp if chirp.repost_of_id is None else await session.get(Chirp, chirp.repost_of_id)
        )
        if original is None:
            return None
        mine = select(Chirp).where(Chirp.repost_of_id == original.id, Chirp.author == member)
        existing = await session.scalar(mine)
        if reposted and existing is None:
            repost = Chirp(
                author=member,
                body=original.body,
                repost_of_id=original.id,
                reposted_from=original.author,
            )
            if await _insert_once(session, repost):
                await session.refresh(repost)  # its inserted_at comes from the database
                posted = ChirpOut.model_validate(repost)
        elif not reposted and existing is not None:
            removed = ChirpOut.model_validate(existing)
            await session.execute(delete(Like).where(Like.chirp_id == existing.id))
            await session.delete(existing)
        changed = await _recount(session, original.id)
    if removed is not None:
        await _broadcast(ChirpDeleted(chirp=removed))
    if changed is not None:
        await _broadcast(ChirpChanged(chirp=changed))
    if posted is not None:
        await _broadcast(ChirpPosted(chirp=posted))
    return changed


async def likes_of(member: str) -> set[int]:
    """The ids of the chirps ``member`` likes."""
    rows = await db.repo.all(select(Like).where(Like.member == member))
    return {row.chirp_id for row in rows}


async def reposts_of(member: str) -> set[int]:
    """The ids of the originals ``member`` has reposted."""
    query = select(Chirp).where(Chirp.author == member, Chirp.repost_of_id.is_not(None))
    return {row.repost_of_id for row in await db.repo.all(query) if row.repost_of_id}


async def trending_words(delay: float = 1.5, limit: int = 5) -> list[tuple[str, int]]:
    """The most used words of recent chirps: the demo's slow report, run as a task."""
    await asyncio.sleep(delay)  # stands for real work: the view shows its loading state
    words: Counter[str] = Counter()
    for chirp in await list_chirps(limit=200):
        words.update(w for w in re.findall(r"[a-zà-ÿ0-9']{4,}", chirp.body.lower()))
    return words.most_common(limit)


async def _insert_once(session: AsyncSession, row: Like | Chirp) -> bool:
    """Insert ``row`` unless a concurrent writer inserted its twin first (the unique
    constraint decides); False when it was already there."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


async def _recount(session: AsyncSession, chirp_id: int) -> ChirpOut | None:
    """Set a chirp's counts from the rows (never +1: so they cannot drift)."""
    likes = select(func.count(Like.id)).where(Like.chirp_id == chirp_id).scalar_subquery()
    repost = aliased(Chirp)  # an alias: the count must not correlate with the UPDATE's row
    reposts = select(func.count(repost.id)).where(repost.repost_of_id == chirp_id)
    statement = (
        update(Chirp)
        .where(Chirp.id == chirp_id)
        .values(likes=likes, reposts=reposts.scalar_subquery())
        .returning(Chirp)
    )
    row = (await session.execute(statement)).scalar_one_or_none()
    return None if row is None else ChirpOut.model_validate(row)


async def _broadcast(msg: BaseModel) -> None:
    # After a committed write: a failed broadcast is logged, never raised (the post
    # stands); the timeline tells its user through ember.pubsub.undelivered().
    await broadcast_after_write(default_ember().pubsub, TOPIC, msg)
