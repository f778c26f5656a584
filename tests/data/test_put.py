"""put_assoc, put_embed, get_by and unsafe_validate_unique, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from ember.data import Action, Changeset, ChangesetError, NotFoundError, Repo
from tests.data.models import Post, Settings, Tag, User
from tests.data.test_repo import make_user, user_changeset


async def test_put_assoc_inserts_records_and_mappings(repo: Repo) -> None:
    cs = user_changeset(User(), {"name": "Al", "email": "a@x"}).put_assoc(
        "posts", [Post(title="one"), {"title": "two"}]
    )
    user = (await repo.insert(cs)).value
    loaded = await repo.get_or_raise(User, user.id, preload=["posts"])
    assert [p.title for p in loaded.posts] == ["one", "two"]


async def test_put_assoc_keeps_updates_and_deletes_loaded_children(repo: Repo) -> None:
    cs = user_changeset(User(), {"name": "Al", "email": "a@x"}).put_assoc(
        "posts", [{"title": "one"}, {"title": "two"}]
    )
    created = (await repo.insert(cs)).value
    user = await repo.get_or_raise(User, created.id, preload=["posts"])
    one, _two = user.posts
    renamed = Post(id=one.id, user_id=user.id, title="uno")
    cs = Changeset.change(user).put_assoc("posts", [renamed], on_replace="delete")
    [update, delete] = cs.changes["posts"]  # type: ignore[misc]
    assert (update.action, update.changes) == (Action.UPDATE, {"title": "uno"})
    assert delete.action is Action.DELETE
    await repo.update(cs)
    reloaded = await repo.get_or_raise(User, user.id, preload=["posts"])
    assert [(p.id, p.title) for p in reloaded.posts] == [(one.id, "uno")]
    assert Changeset.change(reloaded).put_assoc("posts", reloaded.posts).changes == {}


async def test_put_assoc_rejects_records_of_another_parent(repo: Repo) -> None:
    user = await make_user(repo)
    post = (await repo.insert(Changeset.change(Post(), {"title": "t", "user_id": user.id}))).value
    with pytest.raises(ChangesetError, match="another parent"):
        Changeset.change(User()).put_assoc("posts", [post])


def test_put_embed_validates_with_pydantic() -> None:
    cs = Changeset.change(User()).put_embed("settings", {"theme": "dark"})
    assert cs.changes == {"settings": Settings(theme="dark")}
    assert Changeset.change(User()).put_embed("tags", [Tag(label="a")]).changes == {
        "tags": [Tag(label="a")]
    }
    with pytest.raises(ChangesetError, match="cast_embed"):
        Changeset.change(User()).put_embed("settings", {"font_size": 1})
    with pytest.raises(ChangesetError, match="put_change"):
        Changeset.change(User()).put_embed("name", "x")


async def test_get_by_and_raising_variant(repo: Repo) -> None:
    await make_user(repo, "a@x")
    found = await repo.get_by(User, email="a@x")
    assert found is not None
    assert found.email == "a@x"
    assert await repo.get_by(User, email="nobody@x") is None
    with pytest.raises(NotFoundError, match="matching") as info:
        await repo.get_by_or_raise(User, email="nobody@x")
    assert info.value.id == {"email": "nobody@x"}


async def test_unsafe_validate_unique_gives_early_feedback(repo: Repo) -> None:
    user = await make_user(repo, "taken@x")
    fresh = user_changeset(User(), {"name": "Bo", "email": "taken@x"})
    checked = await repo.unsafe_validate_unique(fresh, "email")
    assert checked.traverse_errors() == {"email": ["has already been taken"]}
    own = Changeset.change(user).force_change("email", "taken@x")
    assert (await repo.unsafe_validate_unique(own, "email")).valid
    other = user_changeset(User(), {"name": "Bo", "email": "free@x"})
    assert (await repo.unsafe_validate_unique(other, ["email"])).valid
