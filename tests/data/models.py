"""Models shared by the ember.data tests."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ember.data import NAMING_CONVENTION, Embedded


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(enum.Enum):
    admin = "admin"
    member = "member"


class Settings(BaseModel):
    theme: str = "light"
    font_size: Annotated[int, Field(ge=8, le=40)] = 14


class Address(BaseModel):
    city: str
    zip_code: str | None = None


class Tag(BaseModel):
    label: str = ""


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("age >= 0", name="age_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    handle: Mapped[str | None] = mapped_column(String(50), unique=True, index=True, default=None)
    age: Mapped[int | None] = mapped_column(default=None)
    score: Mapped[Annotated[int, Field(le=100)]] = mapped_column(default=0)
    role: Mapped[Role] = mapped_column(default=Role.member)
    born: Mapped[datetime.date | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)
    settings: Mapped[Settings | None] = mapped_column(Embedded(Settings), default=None)
    tags: Mapped[list[Tag]] = mapped_column(Embedded(Tag, many=True), default=list)
    address: Mapped[Address | None] = mapped_column(Embedded(Address), default=None)
    posts: Mapped[list[Post]] = relationship(back_populates="user", order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("user_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    user: Mapped[User] = relationship(back_populates="posts")


class LongNamed(Base):
    """A table whose convention names exceed PostgreSQL's 63-byte identifier limit."""

    __tablename__ = "a_rather_long_table_name_for_testing_truncation"

    id: Mapped[int] = mapped_column(primary_key=True)
    an_equally_long_column_name_value: Mapped[str] = mapped_column(String(50), unique=True)


class Account(Base):
    """Case-insensitive logins (a unique expression index), lists, and every scalar type."""

    __tablename__ = "accounts"
    __table_args__ = (Index("ix_accounts_lower_email", func.lower(text("email")), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(5), default=None)
    pets: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    ratio: Mapped[float | None] = mapped_column(default=None)
    balance: Mapped[decimal.Decimal | None] = mapped_column(Numeric(10, 2), default=None)
    visits: Mapped[int] = mapped_column(default=0)
    joined: Mapped[datetime.datetime | None] = mapped_column(default=None)
