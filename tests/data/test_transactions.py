"""Optimistic locking, transactions and Multi, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from ember.data import Changeset, Multi, Repo, Result
from tests.data.models import Post, User
from tests.data.test_repo import make_user, user_changeset


async def test_optimistic_lock_stale_update_is_an_error(repo: Repo) -> None:
    user = await make_user(repo)
    first = await repo.update(user_changeset(user, {"name": "One"}).optimistic_lock("version"))
    assert first.value.version == 2
    stale = await repo.update(user_changeset(user, {"name": "Two"}).optimistic_lock("version"))
    assert not stale.ok
    assert stale.changeset.traverse_errors() == {"version": ["is stale"]}
    assert (await repo.get_or_raise(User, user.id)).name == "One"


async def test_optimistic_lock_stale_delete_is_an_error(repo: Repo) -> None:
    user = await make_user(repo)
    await repo.update(user_changeset(user, {"name": "One"}).optimistic_lock())
    result = await repo.delete(Changeset.change(user).optimistic_lock())
    assert result.changeset.traverse_errors() == {"version": ["is stale"]}


async def test_update_of_deleted_row_is_stale(repo: Repo) -> None:
    user = await make_user(repo)
    await repo.delete(user)
    result = await repo.update(user_changeset(user, {"name": "Gone"}))
    assert result.changeset.traverse_errors() == {"id": ["is stale"]}


async def test_transaction_rolls_back_on_exception(repo: Repo) -> None:
    async def fail_after_insert() -> None:
        async with repo.transaction():
            await make_user(repo)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_insert()
    assert await repo.all(User) == []


async def test_nested_transaction_undoes_only_inner_block(repo: Repo) -> None:
    async with repo.transaction():
        await make_user(repo, "outer@x")

        async def inner() -> None:
            async with repo.transaction():
                await make_user(repo, "inner@x")
                raise RuntimeError

        with pytest.raises(RuntimeError):
            await inner()
    assert [u.email for u in await repo.all(User)] == ["outer@x"]


def post_for(values: Mapping[str, object], title: str) -> Changeset[object]:
    user = values["user"]
    assert isinstance(user, User)
    return Changeset.cast(Post(user_id=user.id), {"title": title}, ["title"]).validate_required(
        "title"
    )


async def test_multi_runs_every_step_atomically(repo: Repo) -> None:
    multi = (
        Multi()
        .insert("user", user_changeset(User(), {"name": "Al", "email": "a@x"}))
        .insert("post", lambda done: post_for(done, "hello"))
    )
    result = await repo.run(multi)
    assert result.ok
    assert result.failed_step is None
    post = result.values["post"]
    assert isinstance(post, Post)
    assert post.user_id == result.values["user"].id  # type: ignore[attr-defined]


async def test_multi_reports_failed_step_and_rolls_back(repo: Repo) -> None:
    multi = (
        Multi()
        .insert("user", user_changeset(User(), {"name": "Al", "email": "a@x"}))
        .insert("post", lambda done: post_for(done, ""))
    )
    result = await repo.run(multi)
    assert not result.ok
    assert result.failed_step == "post"
    assert result.changeset is not None
    assert result.changeset.traverse_errors() == {"title": ["can't be blank"]}
    assert set(result.values) == {"user"}
    assert await repo.all(User) == []


async def test_multi_custom_step_and_duplicate_names(repo: Repo) -> None:
    async def count_users(r: Repo, values: Mapping[str, object]) -> Result[object]:
        users = await r.all(User)
        return Result.success(len(users), Changeset.change(User()))  # type: ignore[arg-type]

    multi = Multi().insert("user", user_changeset(User(), {"name": "Al", "email": "a@x"}))
    result = await repo.run(multi.run("count", count_users))
    assert result.values["count"] == 1
    with pytest.raises(Exception, match="already used"):
        multi.insert("user", user_changeset(User(), {}))


async def test_concurrent_read_then_write_transactions_all_succeed(repo: Repo) -> None:
    # Regression: on SQLite a deferred transaction that read first failed at once with
    # "database is locked" when another one was writing.
    async def register(n: int) -> bool:
        async with repo.transaction():
            await repo.all(User)
            result = await repo.insert(user_changeset(User(), {"name": f"u{n}", "email": f"{n}@x"}))
            return result.ok

    results = await asyncio.gather(*(register(n) for n in range(20)))
    assert all(results)
    assert len(await repo.all(User)) == 20
