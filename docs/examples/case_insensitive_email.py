"""Case-insensitive logins: a unique index on lower(email), declared on the changeset."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Index, MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ember.data import NAMING_CONVENTION, Changeset, Repo


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))  # kept as typed: "Ada@Example.com"


# One account per address whatever its case. An expression index has no columns to look
# up, so the changeset names it (constraint=...); SQLite and PostgreSQL report it alike.
Index("ix_accounts_lower_email", func.lower(Account.email), unique=True)


def registration_changeset(account: Account, attrs: Mapping[str, object]) -> Changeset[Account]:
    return (
        Changeset.cast(account, attrs, ["email"])
        .validate_required("email")
        .validate_format("email", r"^[^@\s]+@[^@\s]+$", message="must have the @ sign")
        .unique_constraint("email", constraint="ix_accounts_lower_email")
    )


async def get_account_by_email(repo: Repo, email: str) -> Account | None:
    """The account whatever the case typed at login (the query uses the index)."""
    return await repo.one_or_none(select(Account).where(func.lower(Account.email) == email.lower()))
