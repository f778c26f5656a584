"""Database constraints become field errors when declared, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import pytest
from sqlalchemy import MetaData, select

from ember.data import (
    Changeset,
    ChangesetError,
    NamingConventionError,
    Repo,
    check_naming_convention,
)
from tests.data.models import LongNamed, Post, User
from tests.data.test_repo import make_user, user_changeset


async def test_unique_violation_becomes_field_error(repo: Repo) -> None:
    await make_user(repo, "taken@x")
    result = await repo.insert(user_changeset(User(), {"name": "Bo", "email": "taken@x"}))
    assert not result.ok
    assert result.changeset.traverse_errors() == {"email": ["has already been taken"]}
    [error] = result.changeset.errors
    assert error.meta == {"constraint": "unique", "constraint_name": "uq_users_email"}


async def test_check_violation_becomes_field_error(repo: Repo) -> None:
    result = await repo.insert(user_changeset(User(), {"name": "Bo", "email": "b@x", "age": "-1"}))
    assert result.changeset.traverse_errors() == {"age": ["must be >= 0"]}


async def test_foreign_key_violation_becomes_field_error(repo: Repo) -> None:
    cs = Changeset.cast(
        Post(), {"title": "t", "user_id": "999"}, ["title", "user_id"]
    ).foreign_key_constraint("user_id")
    result = await repo.insert(cs)
    assert result.changeset.traverse_errors() == {"user_id": ["does not exist"]}


async def test_no_assoc_constraint_on_delete(repo: Repo) -> None:
    user = await make_user(repo)
    await repo.insert(Changeset.change(Post(), {"title": "t", "user_id": user.id}))
    result = await repo.delete(Changeset.change(user).no_assoc_constraint("posts"))
    assert result.changeset.traverse_errors() == {"posts": ["are still associated"]}
    assert await repo.get(User, user.id) is not None


async def test_undeclared_constraint_is_logged_naming_it(
    repo: Repo, caplog: pytest.LogCaptureFixture
) -> None:
    await make_user(repo, "taken@x")
    cs = Changeset.cast(User(), {"name": "Bo", "email": "taken@x"}, ["name", "email"])
    with caplog.at_level(logging.WARNING, logger="ember.data"):
        result = await repo.insert(cs)
    assert result.changeset.errors[0].meta["constraint_name"] == "uq_users_email"
    assert re.search(r"uq_users_email.*unique_constraint", caplog.text, re.DOTALL)


async def test_not_null_violation_explains_validate_required(
    repo: Repo, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ember.data"):
        result = await repo.insert(Changeset.change(User(), {"name": "Bo"}))
    assert not result.ok
    assert "validate_required" in caplog.text


async def test_failed_write_leaves_transaction_usable(repo: Repo) -> None:
    async with repo.transaction():
        await make_user(repo, "taken@x")
        failed = await repo.insert(user_changeset(User(), {"name": "Bo", "email": "taken@x"}))
        assert not failed.ok
        ok = await repo.insert(user_changeset(User(), {"name": "Cy", "email": "c@x"}))
        assert ok.ok
    emails = await repo.all(select(User.email).order_by(User.email))  # type: ignore[arg-type]
    assert emails == ["c@x", "taken@x"]


async def test_constraint_error_lands_on_nested_child(repo: Repo) -> None:
    def post_cs(post: object, params: Mapping[str, object]) -> Changeset[object]:
        cs = Changeset.cast(post, params, ["title"])
        return cs.unique_constraint("title", constraint="uq_posts_user_id_title")

    params = {"name": "Bo", "email": "b@x", "posts": [{"title": "a"}, {"title": "a"}]}
    result = await repo.insert(user_changeset(User(), params).cast_assoc("posts", using=post_cs))
    assert not result.ok
    assert result.changeset.error_paths() == [("posts[1].title", "has already been taken")]
    assert await repo.all(User) == []


def test_declaring_unknown_constraint_fails_early() -> None:
    with pytest.raises(ChangesetError, match=r"unique constraint on users\.name"):
        Changeset.change(User()).unique_constraint("name")
    with pytest.raises(ChangesetError, match="ck_users_<name>"):
        Changeset.change(User()).check_constraint("age", constraint="age_positive")


def test_check_naming_convention_names_what_is_missing() -> None:
    with pytest.raises(NamingConventionError, match="NAMING_CONVENTION"):
        check_naming_convention(MetaData())


async def test_unique_index_violation_becomes_field_error(repo: Repo) -> None:
    def handle_cs(user: User, params: dict[str, object]) -> Changeset[User]:
        cs = Changeset.cast(user, params, ["name", "email", "handle"])
        return cs.unique_constraint("handle", message="is taken")

    assert handle_cs(User(), {}).constraints[0].constraint == "ix_users_handle"
    await repo.insert(handle_cs(User(), {"name": "A", "email": "a@x", "handle": "al"}))
    result = await repo.insert(handle_cs(User(), {"name": "B", "email": "b@x", "handle": "al"}))
    assert result.changeset.traverse_errors() == {"handle": ["is taken"]}


async def test_unique_violation_on_update_becomes_field_error(repo: Repo) -> None:
    await make_user(repo, "taken@x")
    other = await make_user(repo, "free@x")
    result = await repo.update(user_changeset(other, {"email": "taken@x"}))
    assert result.changeset.traverse_errors() == {"email": ["has already been taken"]}
    assert (await repo.get_or_raise(User, other.id)).email == "free@x"


async def test_truncated_constraint_name_maps_back_to_field(repo: Repo) -> None:
    field = "an_equally_long_column_name_value"

    def long_cs(params: dict[str, object]) -> Changeset[LongNamed]:
        return Changeset.cast(LongNamed(), params, [field]).unique_constraint(field)

    assert len(long_cs({}).constraints[0].constraint) > 63
    await repo.insert(long_cs({field: "x"}))
    result = await repo.insert(long_cs({field: "x"}))
    assert result.changeset.traverse_errors() == {field: ["has already been taken"]}
