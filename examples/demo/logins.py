"""Members who sign up with a password: the demo's small cut of what ``ember gen auth``
generates (docs/auth.md has the full set: confirmation mails, resets, settings).

The same building blocks: passwords hashed with Argon2id (pwdlib), off the event loop;
session tokens random, stored only as their SHA-256, expiring; failed log-ins rate-limited
per address typed and per client, in the database; log out ends the session's open pages
on every worker (``ember.live.disconnect``). A member is a row of ``users`` (the members
page lists them) with a row in ``member_passwords``; new tables only, so a demo database
from before keeps working.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import math
import secrets
from collections.abc import Mapping

from pwdlib import PasswordHash
from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

import ember.live
from ember.data import Changeset

from . import accounts, db
from .accounts import User

hasher = PasswordHash.recommended()  # Argon2id, argon2-cffi's default cost
PASSWORD_MIN, PASSWORD_MAX = 12, 72  # bounded: nobody makes the server hash a megabyte
SESSION_FOR = datetime.timedelta(days=30)
HANDOFF_FOR = datetime.timedelta(minutes=2)  # sign-up page -> the route that sets the cookie
LOGIN_WINDOW = datetime.timedelta(minutes=15)
LOGIN_LIMITS = {"account": 5, "ip": 50}
SESSION, HANDOFF = "session", "handoff"
REFUSED = "Invalid email or password."


class Password(db.Base):
    __tablename__ = "member_passwords"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    hashed_password: Mapped[str] = mapped_column(String(255))


class MemberToken(db.Base):
    """A session (the cookie's token) or a sign-up hand-off: only the token's hash."""

    __tablename__ = "member_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    context: Mapped[str] = mapped_column(String(20))
    # A hand-off works only in the browser that signed up: the hash of its CSRF cookie.
    bound_to: Mapped[str | None] = mapped_column(String(64), default=None)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime())


class LoginFailure(db.Base):
    __tablename__ = "member_login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime(), index=True)


class Member(BaseModel):
    """Who is logged in: ``session.identity`` on the demo's pages (a guest is a str)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    token_id: int


class LoginRefused(Exception):
    """Log in failed; ``message`` is safe to show (one for a wrong password or address)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def now() -> datetime.datetime:
    """UTC without a zone: the same on SQLite and PostgreSQL."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_topic(token_id: int) -> str:
    """Where a session's open pages listen, to be sent through the check again."""
    return f"demo_sessions:{token_id}"


_DUMMY_HASH = hasher.hash("a password nobody has, hashed once for unknown addresses")


# -- sign up ------------------------------------------------------------------------------


def signup_changeset(attrs: Mapping[str, object]) -> Changeset[User]:
    """Name, email (unique whatever its case) and a password of 12 to 72 characters."""
    user = User()
    password = (
        Changeset.cast(user, attrs, ["password"], types={"password": str}, empty_values=())
        .validate_required("password", trim=False)
        .validate_length("password", min=PASSWORD_MIN, max=PASSWORD_MAX)
        .validate_format("password", r"^[^\x00]*$", message="must not contain NUL bytes")
    )
    # A chirp's author has at most 40 characters: a member's name fits.
    member = accounts.registration_changeset(user, attrs).validate_length("name", max=40)
    return password.merge(member)


def change_signup() -> Changeset[User]:
    return signup_changeset({})


async def validate_signup(attrs: Mapping[str, object]) -> Changeset[User]:
    """While typing: the checks, and an early look for a taken email (the demo's members
    page shows every email anyway, so this tells nobody anything new)."""
    changeset = signup_changeset(attrs).put_action("validate")
    return await db.repo.unsafe_validate_unique(changeset, "email")


async def sign_up(attrs: Mapping[str, object]) -> Changeset[User] | User:
    """Create a member with a password: the new ``User``, or the changeset's errors."""
    changeset = signup_changeset(attrs)
    if not changeset.valid:  # the taken email too, as while typing: no error goes away
        return await db.repo.unsafe_validate_unique(changeset.put_action("insert"), "email")
    password = str(changeset.get_change("password"))
    hashed = await asyncio.to_thread(hasher.hash, password)  # tens of ms of CPU
    result = await accounts.register_user(changeset.delete_change("password").changes)
    if not result.ok:
        return result.changeset
    async with db.repo.transaction() as session:
        session.add(Password(user_id=result.value.id, hashed_password=hashed))
    return result.value


# -- tokens -------------------------------------------------------------------------------


async def _build(
    user_id: int, context: str, valid_for: datetime.timedelta, bound_to: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    row = MemberToken(
        user_id=user_id,
        token_hash=hash_token(token),
        context=context,
        bound_to=bound_to,
        expires_at=now() + valid_for,
    )
    async with db.repo.transaction() as session:
        session.add(row)
    return token


async def create_session(user_id: int) -> str:
    """A new session token for the cookie (the user's expired ones go)."""
    async with db.repo.transaction() as session:
        await session.execute(
            delete(MemberToken).where(
                MemberToken.user_id == user_id, MemberToken.expires_at <= now()
            )
        )
    return await _build(user_id, SESSION, SESSION_FOR)


async def create_handoff(user_id: int, csrf_token: str) -> str:
    """A one-use token that turns into a session in the browser holding ``csrf_token``."""
    return await _build(user_id, HANDOFF, HANDOFF_FOR, bound_to=hash_token(csrf_token))


async def use_handoff(token: str, csrf_token: str) -> int | None:
    """The user a hand-off token was made for (it is deleted), or None."""
    if not token or len(token) > 128 or not csrf_token:
        return None
    query = select(MemberToken).where(
        MemberToken.token_hash == hash_token(token),
        MemberToken.context == HANDOFF,
        MemberToken.expires_at > now(),
    )
    async with db.repo.transaction() as session:
        row = (await session.scalars(query)).first()
        if row is None:
            return None
        await session.delete(row)
        bound = row.bound_to or ""
        if not secrets.compare_digest(bound, hash_token(csrf_token)):
            return None
        return row.user_id


async def get_member(token: str) -> Member | None:
    """Who holds this session token, or None (unknown, expired or logged out)."""
    if not token or len(token) > 128:
        return None
    query = (
        select(User.id, User.name, MemberToken.id)
        .join(MemberToken, MemberToken.user_id == User.id)
        .where(MemberToken.token_hash == hash_token(token))
        .where(MemberToken.context == SESSION, MemberToken.expires_at > now())
    )
    async with db.repo.session() as session:
        found = (await session.execute(query)).first()
    return None if found is None else Member(id=found[0], name=found[1], token_id=found[2])


async def delete_session(token: str) -> None:
    """Log out: the token stops working and its open pages, on every worker, load again."""
    query = select(MemberToken.id).where(
        MemberToken.token_hash == hash_token(token), MemberToken.context == SESSION
    )
    async with db.repo.transaction() as session:
        found = list((await session.scalars(query)).all())
        await session.execute(delete(MemberToken).where(MemberToken.id.in_(found)))
    for token_id in found:
        await ember.live.disconnect(session_topic(token_id), reason="logged out")


# -- log in -------------------------------------------------------------------------------


async def _check_limits(keys: dict[str, str]) -> None:
    since = now() - LOGIN_WINDOW
    for kind, key in keys.items():
        query = select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > since)
        async with db.repo.session() as session:
            failures = list((await session.scalars(query.order_by(LoginFailure.at))).all())
        if len(failures) >= LOGIN_LIMITS[kind]:
            free_at = failures[len(failures) - LOGIN_LIMITS[kind]] + LOGIN_WINDOW
            minutes = max(1, math.ceil((free_at - now()).total_seconds() / 60))
            raise LoginRefused(f"Too many failed attempts. Try again in {minutes} minute(s).")


async def authenticate(email: object, password: object, *, ip: str) -> int:
    """The id of the member with this email and password.

    Raises:
        LoginRefused: a wrong email or password (one message, the same Argon2 work), or
            too many failures lately for this email or from this client.
    """
    address = email.strip().lower()[:200] if isinstance(email, str) else ""
    secret = password if isinstance(password, str) and len(password) <= 1024 else ""
    keys = {"account": f"account:{address}", "ip": f"ip:{ip}"[:200]}
    await _check_limits(keys)
    query = (
        select(User.id, Password.hashed_password)
        .join(Password, Password.user_id == User.id)
        .where(User.email == address)
    )
    async with db.repo.session() as session:
        found = (await session.execute(query)).first() if "\x00" not in address else None
    stored = found[1] if found else _DUMMY_HASH
    ok = await asyncio.to_thread(hasher.verify, secret, stored)
    if found is None or not ok:
        async with db.repo.transaction() as session:
            session.add_all(LoginFailure(key=key, at=now()) for key in keys.values())
            await session.execute(delete(LoginFailure).where(LoginFailure.at < since_window()))
        raise LoginRefused(REFUSED)
    async with db.repo.transaction() as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.key == keys["account"]))
    return int(found[0])


def since_window() -> datetime.datetime:
    return now() - LOGIN_WINDOW
