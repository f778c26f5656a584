"""The users context: registration through a changeset (unique email), the member list."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ember.data import Changeset, Result
from ember.live import default_ember
from ember.pubsub import message

from . import db

TOPIC = "users"


class User(db.Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    inserted_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class UserOut(BaseModel):
    """A member as views and messages see it (no ORM object leaves the context)."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    name: str
    email: str


@message("demo.user_registered")
class UserRegistered(BaseModel):
    model_config = ConfigDict(frozen=True)

    user: UserOut


def normalize_email(value: object) -> object:
    """Emails compare without case (``BOB@Example.com`` is ``bob@example.com``): stored in
    lower case, so the plain unique constraint on ``email`` is case-insensitive on SQLite
    and PostgreSQL alike."""
    return value.strip().lower() if isinstance(value, str) else value


def registration_changeset(user: User, attrs: Mapping[str, object]) -> Changeset[User]:
    return (
        Changeset.cast(user, attrs, ["name", "email"])
        .update_change("email", normalize_email)
        .validate_required(["name", "email"])
        .validate_length("name", min=2, max=60)
        .validate_format("email", r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="must look like a@b.c")
        .validate_length("email", max=200)
        .unique_constraint("email")
    )


def change_user(attrs: Mapping[str, object] | None = None) -> Changeset[User]:
    """A changeset for the registration form (no action: the form shows no errors)."""
    return registration_changeset(User(), attrs or {})


async def validate_user(attrs: Mapping[str, object]) -> Changeset[User]:
    """While typing: the changeset's checks, plus an early look for a taken email."""
    changeset = registration_changeset(User(), attrs).put_action("validate")
    return await db.repo.unsafe_validate_unique(changeset, "email")


async def register_user(attrs: Mapping[str, object]) -> Result[User]:
    """Insert a member; on success every open members page hears about it."""
    result = await db.repo.insert(registration_changeset(User(), attrs))
    if result.ok:
        member = UserOut.model_validate(result.value)
        await default_ember().pubsub.broadcast(TOPIC, UserRegistered(user=member))
    return result


async def list_users(limit: int = 50) -> list[UserOut]:
    """The newest ``limit`` members (see :func:`count_users` for how many there are)."""
    users = await db.repo.all(select(User).order_by(User.id.desc()).limit(limit))
    return [UserOut.model_validate(user) for user in users]


async def count_users() -> int:
    """How many members there are, however many the list shows."""
    async with db.repo.session() as session:
        return int(await session.scalar(select(func.count(User.id))) or 0)
