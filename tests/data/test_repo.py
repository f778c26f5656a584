"""Repo writes and lookups, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ember.data import (
    Action,
    Changeset,
    ChangesetError,
    NotFoundError,
    Repo,
    count_queries,
)
from tests.data.models import Address, Post, Role, Settings, Tag, User


def user_changeset(user: User, params: Mapping[str, object]) -> Changeset[User]:
    return (
        Changeset.cast(user, params, ["name", "email", "age", "role"])
        .validate_required(["name", "email"])
        .validate_length("name", min=2)
        .unique_constraint("email")
        .check_constraint("age", constraint="ck_users_age_not_negative", message="must be >= 0")
    )


def post_changeset(post: object, params: Mapping[str, object]) -> Changeset[object]:
    return Changeset.cast(post, params, ["title"]).validate_required("title")


async def make_user(repo: Repo, email: str = "al@example.com") -> User:
    result = await repo.insert(user_changeset(User(), {"name": "Al", "email": email}))
    return result.value


async def test_insert_valid_changeset_returns_stored_record(repo: Repo) -> None:
    result = await repo.insert(user_changeset(User(), {"name": "Al", "email": "a@x", "age": "3"}))
    assert result.ok
    user = result.value
    assert (user.id, user.name, user.age, user.role, user.version) == (1, "Al", 3, Role.member, 1)
    assert result.changeset.action is Action.INSERT


async def test_insert_invalid_changeset_sends_no_sql(repo: Repo) -> None:
    with count_queries(repo.engine) as counter:
        result = await repo.insert(user_changeset(User(), {"name": "A"}))
    assert not result.ok
    assert counter.count == 0
    assert result.changeset.action is Action.INSERT
    assert result.changeset.errors_on("name") == ["should be at least 2 character(s)"]


async def test_update_writes_changes_and_no_changes_sends_no_sql(repo: Repo) -> None:
    user = await make_user(repo)
    result = await repo.update(user_changeset(user, {"name": "Bob"}))
    assert result.value.name == "Bob"
    assert (await repo.get_or_raise(User, user.id)).name == "Bob"
    with count_queries(repo.engine) as counter:
        same = await repo.update(user_changeset(result.value, {"name": "Bob"}))
    assert same.ok
    assert counter.count == 0


async def test_update_new_record_raises(repo: Repo) -> None:
    with pytest.raises(ChangesetError, match=r"Load it with repo\.get"):
        await repo.update(user_changeset(User(), {"name": "Bob", "email": "b@x"}))


async def test_insert_or_update_picks_by_state(repo: Repo) -> None:
    inserted = await repo.insert_or_update(user_changeset(User(), {"name": "Al", "email": "a@x"}))
    assert inserted.changeset.action is Action.INSERT
    updated = await repo.insert_or_update(user_changeset(inserted.value, {"name": "Alf"}))
    assert updated.changeset.action is Action.UPDATE
    assert updated.value.id == inserted.value.id


async def test_delete_removes_row(repo: Repo) -> None:
    user = await make_user(repo)
    result = await repo.delete(user)
    assert result.ok
    assert await repo.get(User, user.id) is None


async def test_get_missing_returns_none_and_raising_variant_names_model(repo: Repo) -> None:
    assert await repo.get(User, 404) is None
    with pytest.raises(NotFoundError, match="Expected a User with id 404") as info:
        await repo.get_or_raise(User, 404)
    assert (info.value.model, info.value.id) == (User, 404)


async def test_embeds_round_trip_through_json(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "settings": {"theme": "dark"}, "tags": [{"label": "x"}]}
    cs = user_changeset(User(), params).cast_embed("settings").cast_embed("tags")
    user = (await repo.insert(cs)).value
    loaded = await repo.get_or_raise(User, user.id)
    assert loaded.settings == Settings(theme="dark")
    assert loaded.tags == [Tag(label="x")]


async def test_insert_with_nested_assoc_inserts_children(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "posts": [{"title": "one"}, {"title": "two"}]}
    cs = user_changeset(User(), params).cast_assoc("posts", using=post_changeset)
    user = (await repo.insert(cs)).value
    assert [p.title for p in user.posts] == ["one", "two"]
    loaded = await repo.get_or_raise(User, user.id, preload=["posts"])
    assert [(p.title, p.user_id) for p in loaded.posts] == [("one", user.id), ("two", user.id)]


async def test_update_with_nested_assoc_inserts_updates_deletes(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "posts": [{"title": "one"}, {"title": "two"}]}
    created = await repo.insert(
        user_changeset(User(), params).cast_assoc("posts", using=post_changeset)
    )
    user = await repo.get_or_raise(User, created.value.id, preload=["posts"])
    one = user.posts[0]
    params = {"posts": [{"id": str(one.id), "title": "uno"}, {"title": "three"}]}
    cs = Changeset.cast(user, params, []).cast_assoc(
        "posts", using=post_changeset, on_replace="delete"
    )
    updated = (await repo.update(cs)).value
    assert [p.title for p in updated.posts] == ["uno", "three"]
    titles = await repo.all(select(Post.title).order_by(Post.id))  # type: ignore[arg-type]
    assert titles == ["uno", "three"]


async def test_nested_invalid_child_sends_no_sql(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "posts": [{"title": ""}]}
    cs = user_changeset(User(), params).cast_assoc("posts", using=post_changeset)
    with count_queries(repo.engine) as counter:
        result = await repo.insert(cs)
    assert not result.ok
    assert counter.count == 0
    assert result.changeset.error_paths() == [("posts[0].title", "can't be blank")]


async def test_all_and_one_or_none(repo: Repo) -> None:
    await make_user(repo, "a@x")
    await make_user(repo, "b@x")
    assert len(await repo.all(User)) == 2
    found = await repo.one_or_none(select(User).where(User.email == "b@x"))
    assert found is not None
    assert found.email == "b@x"
    async with repo.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 2


async def test_insert_of_loaded_record_raises(repo: Repo) -> None:
    user = await make_user(repo)
    with pytest.raises(ChangesetError, match=r"Use update\(\)"):
        await repo.insert(user_changeset(user, {"name": "Copy"}))


async def test_nested_write_through_many_to_one_raises(repo: Repo) -> None:
    def user_cs(user: object, params: Mapping[str, object]) -> Changeset[object]:
        return Changeset.cast(user, params, ["name", "email"])

    cs = Changeset.cast(Post(), {"title": "t", "user": {"name": "Al", "email": "a@x"}}, ["title"])
    cs = cs.cast_assoc("user", using=user_cs)
    with pytest.raises(ChangesetError, match="one-to-many"):
        await repo.insert(cs)
    assert await repo.all(Post) == []


async def test_update_nested_keeps_unchanged_children(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "posts": [{"title": "one"}, {"title": "two"}]}
    cs = user_changeset(User(), params).cast_assoc("posts", using=post_changeset)
    created = (await repo.insert(cs)).value
    user = await repo.get_or_raise(User, created.id, preload=["posts"])
    one, two = user.posts
    params = {
        "name": "Alf",
        "posts": [{"id": one.id, "title": "one"}, {"id": two.id, "title": "2"}],
    }
    cs = user_changeset(user, params).cast_assoc("posts", using=post_changeset)
    updated = (await repo.update(cs)).value
    assert (updated.name, [p.title for p in updated.posts]) == ("Alf", ["one", "2"])


async def test_prepare_changes_runs_in_the_write_transaction(repo: Repo) -> None:
    async def count_posts(cs: Changeset[User], session: AsyncSession) -> Changeset[User]:
        total = await session.scalar(select(func.count()).select_from(Post))
        return cs.put_change("age", total)

    await make_user(repo, "first@x")
    cs = user_changeset(User(), {"name": "Al", "email": "a@x"}).prepare_changes(count_posts)
    assert (await repo.insert(cs)).value.age == 0


async def test_prepare_changes_can_abort_with_an_error(repo: Repo) -> None:
    async def refuse(cs: Changeset[User], session: AsyncSession) -> Changeset[User]:
        return cs.add_error("name", "is closed for registration")

    cs = user_changeset(User(), {"name": "Al", "email": "a@x"}).prepare_changes(refuse)
    result = await repo.insert(cs)
    assert result.changeset.traverse_errors() == {"name": ["is closed for registration"]}
    assert await repo.all(User) == []


async def test_assoc_constraint_names_the_relationship(repo: Repo) -> None:
    cs = Changeset.cast(Post(), {"title": "t", "user_id": "999"}, ["title", "user_id"])
    result = await repo.insert(cs.assoc_constraint("user"))
    assert result.changeset.traverse_errors() == {"user": ["does not exist"]}


async def test_update_embed_on_loaded_record(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "address": {"city": "Oslo"}}
    user = (await repo.insert(user_changeset(User(), params).cast_embed("address"))).value
    same = user_changeset(user, {"address": {"city": "Oslo"}}).cast_embed("address")
    assert same.changes == {}
    moved = user_changeset(user, {"address": {"city": "Bergen", "zip_code": "5003"}})
    updated = (await repo.update(moved.cast_embed("address"))).value
    assert updated.address == Address(city="Bergen", zip_code="5003")
    assert (await repo.get_or_raise(User, user.id)).address == Address(
        city="Bergen", zip_code="5003"
    )


async def test_embeds_can_be_compared_in_queries(repo: Repo) -> None:
    params = {"name": "Al", "email": "a@x", "settings": {"theme": "dark"}}
    await repo.insert(user_changeset(User(), params).cast_embed("settings"))
    found = await repo.get_by(User, settings=Settings(theme="dark"))
    assert found is not None
    assert await repo.get_by(User, settings=Settings(theme="light")) is None
