"""Regression tests for issue 22: where ember.data departed from Ecto, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping

import pytest
from sqlalchemy import select

from ember.data import Changeset, ChangesetError, Multi, Repo, count_queries
from tests.data.models import Account, Post, User
from tests.data.test_repo import make_user, post_changeset, user_changeset


def account_changeset(account: Account, params: Mapping[str, object]) -> Changeset[Account]:
    fields = ["email", "code", "pets", "active", "ratio", "balance", "visits", "joined"]
    return (
        Changeset.cast(account, params, fields)
        .validate_required("email")
        .unique_constraint("email", constraint="ix_accounts_lower_email")
    )


async def user_with_posts(repo: Repo) -> User:
    params = {"name": "Al", "email": "al@x", "posts": [{"title": "a"}, {"title": "b"}]}
    result = await repo.insert(
        user_changeset(User(), params).cast_assoc("posts", using=post_changeset)
    )
    return await repo.get_or_raise(User, result.value.id, preload=["posts"])


# 1. a required association accepts an empty list and can delete every child


@pytest.mark.parametrize("empty", [[], {}], ids=["list", "form-map"])
async def test_required_assoc_given_nothing_is_blank_and_deletes_nothing(
    repo: Repo, empty: object
) -> None:
    user = await user_with_posts(repo)
    cs = Changeset.cast(user, {"posts": empty}, []).cast_assoc(
        "posts", using=post_changeset, required=True, on_replace="delete"
    )
    result = await repo.update(cs)
    assert not result.ok
    assert result.changeset.traverse_errors() == {"posts": ["can't be blank"]}
    assert len(await repo.all(Post)) == 2


# 2. a validator on a misspelt field silently does nothing


@pytest.mark.parametrize(
    "validate",
    [
        lambda cs: cs.validate_length("nmae", min=2),
        lambda cs: cs.validate_format("nmae", "@"),
        lambda cs: cs.validate_number("aeg", ge=0),
        lambda cs: cs.validate_inclusion("nmae", ["a"]),
        lambda cs: cs.validate_exclusion("nmae", ["a"]),
        lambda cs: cs.validate_subset("nmae", ["a"]),
    ],
    ids=["length", "format", "number", "inclusion", "exclusion", "subset"],
)
async def test_validator_on_misspelt_field_raises(repo: Repo, validate: object) -> None:
    cs = user_changeset(User(), {"name": "Al", "email": "al@x"})
    with pytest.raises(ChangesetError, match=r"Expected a field of User, but got '(nmae|aeg)'"):
        await repo.insert(validate(cs))  # type: ignore[operator]
    assert await repo.all(User) == []


# 3. empty entries in list params are kept


async def test_list_param_drops_the_hidden_empty_entry(repo: Repo) -> None:
    cs = account_changeset(Account(), {"email": "a@x", "pets": ["", "cat"]})
    result = await repo.insert(cs.validate_subset("pets", ["cat", "dog"]))
    assert result.ok, result.changeset.error_paths()
    assert result.value.pets == ["cat"]
    only_blank = account_changeset(Account(), {"email": "b@x", "pets": [""]})
    failed = await repo.insert(only_blank.validate_length("pets", min=1))
    assert failed.changeset.traverse_errors() == {"pets": ["should have at least 1 item(s)"]}


# 4. a unique expression index crashes the write on SQLite


async def test_unique_expression_index_is_has_already_been_taken(repo: Repo) -> None:
    assert (await repo.insert(account_changeset(Account(), {"email": "Ada@X"}))).ok
    result = await repo.insert(account_changeset(Account(), {"email": "ada@x"}))
    assert not result.ok
    assert result.changeset.traverse_errors() == {"email": ["has already been taken"]}
    [error] = result.changeset.errors
    assert error.meta["constraint_name"] == "ix_accounts_lower_email"


# 5. validate_acceptance passes when the param is missing


async def test_acceptance_without_the_param_must_be_accepted(repo: Repo) -> None:
    def signup(params: Mapping[str, object]) -> Changeset[User]:
        cs = Changeset.cast(User(), params, ["name", "email", "terms"], types={"terms": bool})
        return cs.validate_acceptance("terms")

    result = await repo.insert(signup({"name": "Al", "email": "al@x"}))
    assert result.changeset.traverse_errors() == {"terms": ["must be accepted"]}
    assert (await repo.insert(signup({"name": "Al", "email": "al@x", "terms": "true"}))).ok
    assert len(await repo.all(User)) == 1


# 6. casting is pydantic's lax mode


CASTS: list[tuple[str, object, object]] = [
    ("visits", "42", 42),
    ("visits", 42, 42),
    ("visits", True, "invalid"),
    ("visits", 1.0, "invalid"),
    ("visits", "42.0", "invalid"),
    ("visits", "4_2", "invalid"),
    ("ratio", "1.5", 1.5),
    ("ratio", 2, 2.0),
    ("ratio", True, "invalid"),
    ("ratio", "nan", "invalid"),
    ("balance", "12.50", decimal.Decimal("12.50")),
    ("balance", 3, decimal.Decimal(3)),
    ("balance", False, "invalid"),
    ("balance", "Infinity", "invalid"),
    ("active", "false", False),
    ("active", "on", True),
    ("active", "1", True),
    ("active", 0, "invalid"),
    ("joined", "2024-01-02T03:04:05", datetime.datetime(2024, 1, 2, 3, 4, 5)),
    ("joined", 1700000000, "invalid"),
    ("joined", "1700000000", "invalid"),
    ("code", 42, "invalid"),
    ("pets", ["cat", 1], "invalid"),
]


@pytest.mark.parametrize(("field", "raw", "expected"), CASTS)
async def test_cast_follows_ectos_rules(
    repo: Repo, field: str, raw: object, expected: object
) -> None:
    result = await repo.insert(account_changeset(Account(), {"email": "a@x", field: raw}))
    if expected == "invalid":
        assert result.changeset.traverse_errors() == {field: ["is invalid"]}
        assert await repo.all(Account) == []
    else:
        assert result.ok, result.changeset.error_paths()
        stored = await repo.get_or_raise(Account, result.value.id)
        assert getattr(stored, field) == expected


# 7. smaller ones


async def test_validate_required_removes_the_blank_change(repo: Repo) -> None:
    user = await make_user(repo)
    cs = Changeset.cast(user, {"name": "  "}, ["name"], empty_values=()).validate_required("name")
    assert cs.messages_on("name") == ["can't be blank"]
    assert "name" not in cs.changes
    assert not (await repo.update(cs)).ok


async def test_multi_with_an_invalid_changeset_sends_no_sql(repo: Repo) -> None:
    multi = (
        Multi()
        .insert("good", user_changeset(User(), {"name": "Al", "email": "al@x"}))
        .insert("bad", user_changeset(User(), {"name": "", "email": "b@x"}))
    )
    with count_queries(repo.engine) as counter:
        result = await repo.run(multi)
    assert (result.ok, result.failed_step) == (False, "bad")
    assert result.changeset is not None
    assert result.changeset.traverse_errors() == {"name": ["can't be blank"]}
    assert counter.statements == []


async def test_preload_fills_the_given_records_in_one_query(repo: Repo) -> None:
    first = await user_with_posts(repo)
    second = await make_user(repo, "bo@x")
    users = await repo.all(select(User).order_by(User.id))
    await repo.delete(Changeset.change(second))
    with count_queries(repo.engine) as counter:
        loaded = await repo.preload(users, ["posts"])
    assert counter.count == 1
    assert all(a is b for a, b in zip(loaded, users, strict=True))
    assert [len(u.posts) for u in loaded] == [2, 0]
    assert [p.title for p in loaded[0].posts] == [p.title for p in first.posts]
