"""Regression (issue 24, case 8): a Repo given the app's own engine is atomic and enforces
foreign keys, on SQLite and PostgreSQL, like one on ``make_engine``'s."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from ember.data import Changeset, Multi, Repo
from tests.data.models import Base, Post, User
from tests.data.test_repo import user_changeset


@pytest.fixture
async def own_repo(database_url: tuple[str, dict[str, object]]) -> AsyncIterator[Repo]:
    url, options = database_url
    engine = create_async_engine(url, **options)  # type: ignore[arg-type]
    async with engine.begin() as conn:  # the app used its engine before making the repo
        await conn.run_sync(Base.metadata.create_all)
    repo = Repo(engine, Base.metadata)
    yield repo
    await repo.dispose()


def orphan_post() -> Changeset[Post]:
    cs = Changeset.cast(Post(), {"title": "t", "user_id": "999"}, ["title", "user_id"])
    return cs.foreign_key_constraint("user_id")


async def test_own_engine_multi_whose_second_step_fails_keeps_nothing(own_repo: Repo) -> None:
    multi = (
        Multi()
        .insert("user", user_changeset(User(), {"name": "Al", "email": "al@x"}))
        .insert("post", lambda _done: orphan_post())  # type: ignore[arg-type,return-value]
    )
    result = await own_repo.run(multi)
    assert (result.ok, result.failed_step) == (False, "post")
    assert result.changeset is not None
    assert result.changeset.traverse_errors() == {"user_id": ["does not exist"]}
    assert await own_repo.all(User) == []


async def test_own_engine_enforces_foreign_keys(own_repo: Repo) -> None:
    result = await own_repo.insert(orphan_post())
    assert result.changeset.traverse_errors() == {"user_id": ["does not exist"]}
    async with own_repo.session() as session:
        assert (await session.execute(text("SELECT count(*) FROM posts"))).scalar() == 0


async def test_own_engine_set_up_once(own_repo: Repo) -> None:
    Repo(own_repo.engine, Base.metadata)  # a second repo on the same engine
    async with own_repo.transaction():
        assert (await own_repo.insert(user_changeset(User(), {"name": "Al", "email": "a@x"}))).ok
    assert len(await own_repo.all(User)) == 1
