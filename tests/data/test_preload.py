"""Preloading, the N+1 guard and raise-on-lazy-load, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import DetachedInstanceError

from ember.data import (
    Changeset,
    DataError,
    QueryCountError,
    Repo,
    assert_max_queries,
)
from tests.data.models import Post, User
from tests.data.test_repo import make_user


async def seed(repo: Repo, users: int = 3) -> None:
    for n in range(users):
        user = await make_user(repo, f"u{n}@x")
        for title in ("a", "b"):
            await repo.insert(Changeset.change(Post(), {"title": title, "user_id": user.id}))


@pytest.mark.parametrize("strategy", ["selectin", "joined"])
async def test_preload_loads_relationships_in_bounded_queries(repo: Repo, strategy: str) -> None:
    await seed(repo)
    with assert_max_queries(repo.engine, 2):
        users = await repo.all(repo.select(User, preload=["posts"], strategy=strategy))  # type: ignore[arg-type]
    assert [len(u.posts) for u in users] == [2, 2, 2]


async def test_preload_nested_path(repo: Repo) -> None:
    await seed(repo, users=1)
    with assert_max_queries(repo.engine, 3):
        posts = await repo.all(Post, preload=["user.posts"])
    assert {len(p.user.posts) for p in posts} == {2}


async def test_preload_existing_records(repo: Repo) -> None:
    await seed(repo)
    users = await repo.all(User)
    with assert_max_queries(repo.engine, 2):
        loaded = await repo.preload(users, ["posts"])
    assert [u.email for u in loaded] == [u.email for u in users]
    assert all(len(u.posts) == 2 for u in loaded)
    assert await repo.preload([], ["posts"]) == []


async def test_assert_max_queries_fails_listing_statements(repo: Repo) -> None:
    await seed(repo, users=1)

    async def two_queries() -> None:
        with assert_max_queries(repo.engine, 1):
            await repo.all(User)
            await repo.all(Post)

    with pytest.raises(QueryCountError, match=r"at most 1 queries, but 2 ran") as info:
        await two_queries()
    assert "FROM posts" in str(info.value)


async def test_unknown_preload_path_names_relationships(repo: Repo) -> None:
    with pytest.raises(DataError, match="relationships are: posts"):
        await repo.all(User, preload=["comments"])


async def test_raise_on_lazy_load_mode(repo: Repo) -> None:
    await seed(repo, users=1)
    strict = Repo(repo.engine, repo.metadata, raise_on_lazy_load=True)
    async with strict.session():
        [user] = await strict.all(User)
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            _ = user.posts
        [loaded] = await strict.all(User, preload=["posts"])
        assert len(loaded.posts) == 2


async def test_records_come_back_detached_so_lazy_loads_raise(repo: Repo) -> None:
    await seed(repo, users=1)
    [user] = await repo.all(User)
    with pytest.raises(DetachedInstanceError):
        _ = user.posts


async def test_writes_cost_one_statement_each(repo: Repo) -> None:
    with assert_max_queries(repo.engine, 1) as counter:
        user = await make_user(repo)
    assert counter.count == 1
    with assert_max_queries(repo.engine, 1):
        await repo.update(Changeset.change(user, {"name": "Bo"}))
    with assert_max_queries(repo.engine, 1):
        await repo.delete(user)
