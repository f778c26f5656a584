"""Nested changesets: cast_assoc for relationships and cast_embed for pydantic fields."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from ember.data import Action, Changeset, ChangesetError
from tests.data.models import Address, Post, Settings, Tag, User


def post_changeset(post: object, params: Mapping[str, object]) -> Changeset[object]:
    return Changeset.cast(post, params, ["title"]).validate_required("title")


def loaded_user() -> User:
    user = User(id=1, name="Al", email="a@x")
    set_committed_value(user, "posts", [Post(id=10, user_id=1, title="one")])
    return user


def test_cast_assoc_builds_insert_changesets_with_error_paths() -> None:
    params = {"posts": {"0": {"title": "Hi"}, "1": {"title": ""}}}
    cs = Changeset.cast(User(), params, []).cast_assoc("posts", using=post_changeset)
    children = cs.changes["posts"]
    assert isinstance(children, tuple)
    assert [c.action for c in children] == [Action.INSERT, Action.INSERT]
    assert not cs.valid
    assert cs.traverse_errors() == {"posts": [{}, {"title": ["can't be blank"]}]}
    assert cs.error_paths() == [("posts[1].title", "can't be blank")]


def test_cast_assoc_matches_existing_by_primary_key() -> None:
    params = {"posts": [{"id": "10", "title": "changed"}, {"title": "new"}]}
    cs = Changeset.cast(loaded_user(), params, []).cast_assoc("posts", using=post_changeset)
    update, insert = cs.changes["posts"]  # type: ignore[misc]
    assert (update.action, update.changes) == (Action.UPDATE, {"title": "changed"})
    assert insert.action is Action.INSERT
    applied = cs.apply_changes()
    assert [p.title for p in applied.posts] == ["changed", "new"]


def test_cast_assoc_unchanged_entries_are_no_change() -> None:
    params = {"posts": [{"id": "10", "title": "one"}]}
    cs = Changeset.cast(loaded_user(), params, []).cast_assoc("posts", using=post_changeset)
    assert cs.changes == {}


def test_cast_assoc_left_out_entry_follows_on_replace() -> None:
    cs = Changeset.cast(loaded_user(), {"posts": []}, [])
    with pytest.raises(ChangesetError, match="on_replace='delete'"):
        cs.cast_assoc("posts", using=post_changeset)
    deleted = cs.cast_assoc("posts", using=post_changeset, on_replace="delete")
    [child] = deleted.changes["posts"]  # type: ignore[misc]
    assert child.action is Action.DELETE
    assert deleted.apply_changes().posts == []
    invalid = cs.cast_assoc("posts", using=post_changeset, on_replace="mark_as_invalid")
    assert invalid.messages_on("posts") == ["is invalid"]


def test_cast_assoc_required_and_invalid_shape() -> None:
    required = Changeset.cast(User(), {}, []).cast_assoc(
        "posts", using=post_changeset, required=True
    )
    assert required.messages_on("posts") == ["can't be blank"]
    bad = Changeset.cast(User(), {"posts": "x"}, []).cast_assoc("posts", using=post_changeset)
    assert bad.messages_on("posts") == ["is invalid"]


def test_cast_assoc_on_unloaded_relationship_raises() -> None:
    from sqlalchemy.orm.session import make_transient_to_detached

    user = User(id=5, name="Al", email="a@x")
    make_transient_to_detached(user)
    with pytest.raises(ChangesetError, match="Preload it"):
        Changeset.cast(user, {"posts": []}, []).cast_assoc("posts", using=post_changeset)


def test_cast_rejects_nested_fields() -> None:
    with pytest.raises(ChangesetError, match="cast_assoc"):
        Changeset.cast(User(), {}, ["posts"])
    with pytest.raises(ChangesetError, match="cast_embed"):
        Changeset.cast(User(), {}, ["settings"])
    with pytest.raises(ChangesetError, match="cast_embed"):
        Changeset.cast(User(), {}, []).cast_assoc("settings", using=post_changeset)


def test_cast_embed_one_with_default_casting() -> None:
    cs = Changeset.cast(User(), {"settings": {"theme": "dark", "font_size": "99"}}, [])
    cs = cs.cast_embed("settings")
    assert cs.traverse_errors() == {"settings": {"font_size": ["must be less than or equal to 40"]}}
    ok = Changeset.cast(User(), {"settings": {"theme": "dark"}}, []).cast_embed("settings")
    assert ok.apply_changes().settings == Settings(theme="dark")


def test_cast_embed_many_by_position() -> None:
    user = User(tags=[Tag(label="a")])
    cs = Changeset.cast(user, {"tags": [{"label": "a"}, {"label": "b"}]}, []).cast_embed("tags")
    assert [t.label for t in cs.apply_changes().tags] == ["a", "b"]
    same = Changeset.cast(user, {"tags": [{"label": "a"}]}, []).cast_embed("tags")
    assert same.changes == {}
    with pytest.raises(ChangesetError, match="pydantic-model field"):
        Changeset.cast(user, {}, []).cast_embed("name")


def test_cast_embed_default_requires_the_models_required_fields() -> None:
    cs = Changeset.cast(User(), {"address": {"zip_code": "12345"}}, []).cast_embed("address")
    assert cs.traverse_errors() == {"address": {"city": ["can't be blank"]}}
    ok = Changeset.cast(User(), {"address": {"city": "Oslo"}}, []).cast_embed("address")
    assert ok.apply_changes().address == Address(city="Oslo")
