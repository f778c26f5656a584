"""Regression (issue 24, case 5): lengths and ranges are what the column stores, and a value
the database refuses is a field error, never an exception; on SQLite and PostgreSQL."""

from __future__ import annotations

import decimal
import logging

import pytest
from sqlalchemy import text

from ember.data import Changeset, Repo
from tests.data.models import Account, User
from tests.data.test_ecto_parity import account_changeset
from tests.data.test_repo import make_user

ACCENTED = "e\u0301" * 5  # five characters a reader sees, ten code points


async def test_graphemes_within_the_validator_but_past_the_column_are_refused(repo: Repo) -> None:
    cs = account_changeset(Account(), {"email": "a@x", "code": ACCENTED})
    assert cs.validate_length("code", max=5, count="graphemes").messages_on("code") == [
        "should be at most 5 character(s)"
    ]
    result = await repo.insert(cs)
    assert result.changeset.traverse_errors() == {"code": ["should be at most 5 character(s)"]}
    assert await repo.all(Account) == []


async def test_trusted_change_past_the_column_is_refused_before_sql(repo: Repo) -> None:
    result = await repo.insert(Changeset.change(Account(), {"email": "a@x", "code": "abcdef"}))
    assert result.changeset.traverse_errors() == {"code": ["should be at most 5 character(s)"]}
    assert await repo.all(Account) == []


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("visits", str(2**31), "must be less than or equal to 2147483647"),
        ("visits", str(-(2**31) - 1), "must be greater than or equal to -2147483648"),
        ("balance", "123456789", "must be less than 100000000"),
    ],
)
async def test_numbers_the_column_cannot_hold_are_refused(
    repo: Repo, field: str, raw: str, message: str
) -> None:
    result = await repo.insert(account_changeset(Account(), {"email": "a@x", field: raw}))
    assert result.changeset.traverse_errors() == {field: [message]}
    assert await repo.all(Account) == []
    ok = await repo.insert(account_changeset(Account(), {"email": "a@x", "balance": "99999999.99"}))
    assert ok.value.balance == decimal.Decimal("99999999.99")


async def test_undeclared_constraint_is_a_field_error_and_logged(
    repo: Repo, caplog: pytest.LogCaptureFixture
) -> None:
    await make_user(repo, "taken@x")
    cs = Changeset.cast(User(), {"name": "Bo", "email": "taken@x"}, ["name", "email"])
    with caplog.at_level(logging.WARNING, logger="ember.data"):
        result = await repo.insert(cs)
    assert result.changeset.traverse_errors() == {"email": ["has already been taken"]}
    assert result.changeset.errors[0].meta["declared"] is False


async def test_not_null_violation_is_cant_be_blank(repo: Repo) -> None:
    result = await repo.insert(Changeset.change(User(), {"name": "Bo"}))
    assert result.changeset.traverse_errors() == {"email": ["can't be blank"]}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite refuses nothing
async def test_value_the_database_refuses_is_a_field_error(repo: Repo) -> None:
    async with repo.session() as session:  # the table drifted from the model
        await session.execute(text("ALTER TABLE accounts ALTER COLUMN code TYPE varchar(3)"))
    result = await repo.insert(account_changeset(Account(), {"email": "a@x", "code": "abcd"}))
    assert result.changeset.traverse_errors() == {"code": ["should be at most 3 character(s)"]}
