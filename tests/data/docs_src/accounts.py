"""accounts: a context module. Business functions over changesets and one Repo."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ForeignKey, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ember.data import NAMING_CONVENTION, Changeset, Repo, Result


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    age: Mapped[int | None] = mapped_column(default=None)
    posts: Mapped[list[Post]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[User] = relationship(back_populates="posts")


# EMBER_DATABASE_URL picks the database; no connection is made until the first query.
repo = Repo.from_settings(Base.metadata)


def user_changeset(user: User, attrs: Mapping[str, object]) -> Changeset[User]:
    return (
        Changeset.cast(user, attrs, ["name", "email", "age"])
        .validate_required(["name", "email"])
        .validate_length("name", min=2, max=100)
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .validate_number("age", ge=0)
        .unique_constraint("email")
    )


def post_changeset(post: object, attrs: Mapping[str, object]) -> Changeset[object]:
    return Changeset.cast(post, attrs, ["title"]).validate_required("title")


def change_user(
    user: User | None = None, attrs: Mapping[str, object] | None = None
) -> Changeset[User]:
    """A changeset for a form: no action yet, so the form shows no errors."""
    return user_changeset(user or User(), attrs or {})


async def create_user(attrs: Mapping[str, object]) -> Result[User]:
    cs = user_changeset(User(), attrs).cast_assoc("posts", using=post_changeset)
    return await repo.insert(cs)


async def update_user(user: User, attrs: Mapping[str, object]) -> Result[User]:
    return await repo.update(user_changeset(user, attrs))


async def list_users() -> list[User]:
    return await repo.all(select(User).order_by(User.name), preload=["posts"])


async def get_user(user_id: int) -> User:
    """Raises NotFoundError (a 404 page in a mounted view) when there is no such user."""
    return await repo.get_or_raise(User, user_id, preload=["posts"])
