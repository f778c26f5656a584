"""Changesets: casting, accessors, errors, forms, applying (no database involved)."""

from __future__ import annotations

import datetime
from typing import Annotated

import pytest
from pydantic import BaseModel, Field
from sqlalchemy import Column, Date, Integer
from sqlalchemy.orm import DeclarativeBase

from ember.data import Action, Changeset, ChangesetError, ResultError
from tests.data.models import Role, Settings, User


def test_cast_form_strings_become_field_types() -> None:
    params = {"name": "Al", "age": "42", "role": "admin", "born": "2020-01-02"}
    cs = Changeset.cast(User(), params, ["name", "age", "role", "born"])
    assert cs.valid
    assert cs.changes == {
        "name": "Al",
        "age": 42,
        "role": Role.admin,
        "born": datetime.date(2020, 1, 2),
    }


def test_cast_unpermitted_keys_are_ignored() -> None:
    cs = Changeset.cast(User(), {"name": "Al", "version": "9"}, ["name"])
    assert cs.changes == {"name": "Al"}


def test_cast_bad_value_is_a_cast_error_on_the_field() -> None:
    cs = Changeset.cast(User(), {"age": "old"}, ["age"])
    assert not cs.valid
    assert "age" not in cs.changes
    [error] = cs.errors
    assert (error.field, error.message) == ("age", "is invalid")
    assert error.meta["validation"] == "cast"


def test_cast_value_equal_to_data_is_not_a_change() -> None:
    user = User(name="Al", age=3)
    cs = Changeset.cast(user, {"name": "Al", "age": "3"}, ["name", "age"])
    assert cs.changes == {}


def test_cast_empty_string_becomes_the_field_default() -> None:
    cs = Changeset.cast(User(name="Al", age=3), {"age": "  ", "name": ""}, ["name", "age"])
    assert cs.changes == {"age": None, "name": None}


def test_cast_empty_values_are_configurable() -> None:
    cs = Changeset.cast(User(age=3), {"age": "n/a"}, ["age"], empty_values=["n/a"])
    assert cs.changes == {"age": None}


def test_cast_pydantic_constraint_on_model_is_a_field_error() -> None:
    cs = Changeset.cast(User(), {"score": "101"}, ["score"])
    assert cs.traverse_errors() == {"score": ["must be less than or equal to 100"]}
    assert cs.errors[0].meta["validation"] == "pydantic"


def test_cast_unknown_field_raises_naming_known_fields() -> None:
    with pytest.raises(ChangesetError, match=r"Known fields: .*email"):
        Changeset.cast(User(), {}, ["nickname"])


def test_cast_non_string_keys_raise() -> None:
    with pytest.raises(ChangesetError, match="keys to be strings"):
        Changeset.cast(User(), {1: "x"}, ["name"])  # type: ignore[dict-item]


def test_cast_virtual_field_with_types() -> None:
    cs = Changeset.cast(User(), {"password": "hunter22"}, ["password"], types={"password": str})
    assert cs.changes == {"password": "hunter22"}


def test_cast_into_existing_changeset_merges_params() -> None:
    cs = Changeset.cast(User(), {"name": "Al"}, ["name"])
    cs = Changeset.cast(cs, {"age": "5"}, ["age"])
    assert cs.changes == {"name": "Al", "age": 5}
    assert set(cs.params) == {"name", "age"}


def test_new_record_reports_column_defaults() -> None:
    cs = Changeset.cast(User(), {}, [])
    assert cs.get_field("role") is Role.member
    assert cs.fetch_field("role") == ("data", Role.member)


def test_accessors_put_get_delete_update() -> None:
    cs = Changeset.change(User(name="Al"))
    cs = cs.put_change("name", "Bo").put_change("age", 3)
    assert cs.get_change("name") == "Bo"
    assert cs.fetch_field("name") == ("changes", "Bo")
    assert cs.put_change("name", "Al").changes == {"age": 3}
    assert cs.delete_change("age").changes == {"name": "Bo"}
    assert cs.update_change("age", lambda v: v + 1).get_change("age") == 4  # type: ignore[operator]
    assert cs.force_change("name", "Al").changes["name"] == "Al"


def test_changesets_are_immutable() -> None:
    first = Changeset.cast(User(), {"name": "Al"}, ["name"])
    second = first.validate_length("name", min=3)
    assert first.valid
    assert not second.valid


def test_add_error_and_traverse_errors_interpolate_meta() -> None:
    cs = Changeset.change(User()).add_error("name", "needs {count} more", count=2)
    assert cs.traverse_errors() == {"name": ["needs 2 more"]}
    assert cs.traverse_errors(lambda e: e.message.upper()) == {"name": ["NEEDS {COUNT} MORE"]}


def test_errors_on_hidden_until_action_and_used() -> None:
    cs = Changeset.cast(User(), {"name": ""}, ["name", "email"]).validate_required(
        ["name", "email"]
    )
    assert cs.errors_on("name") == []
    submitted = cs.put_action("validate")
    assert submitted.errors_on("name") == ["can't be blank"]
    assert submitted.errors_on("email") == []
    assert submitted.messages_on("email") == ["can't be blank"]


def test_errors_on_unused_marker_hides_error() -> None:
    cs = Changeset.cast(User(), {"name": "", "_unused_name": ""}, ["name"])
    cs = cs.validate_required("name").put_action(Action.INSERT)
    assert not cs.used_input("name")
    assert cs.errors_on("name") == []


def test_apply_changes_returns_new_record() -> None:
    user = User(name="Al")
    updated = Changeset.cast(user, {"name": "Bo"}, ["name"]).apply_changes()
    assert updated.name == "Bo"
    assert user.name == "Al"
    assert updated is not user


def test_apply_action_valid_returns_data() -> None:
    result = Changeset.cast(User(), {"name": "Bo"}, ["name"]).apply_action("insert")
    assert result.ok
    assert result.value.name == "Bo"
    assert result.changeset.action is Action.INSERT


def test_apply_action_invalid_returns_changeset_with_action() -> None:
    cs = Changeset.cast(User(), {"age": "x"}, ["age"])
    result = cs.apply_action(Action.UPDATE)
    assert not result.ok
    assert result.changeset.action is Action.UPDATE
    with pytest.raises(ResultError, match=r"Check result\.ok"):
        _ = result.value
    with pytest.raises(ChangesetError, match="age"):
        cs.apply_action_or_raise("update")


def test_pydantic_model_changeset() -> None:
    cs = Changeset.cast(Settings(), {"font_size": "99", "theme": "dark"}, ["font_size", "theme"])
    assert cs.traverse_errors() == {"font_size": ["must be less than or equal to 40"]}
    assert cs.delete_change("font_size").apply_changes() == Settings(theme="dark")


class SignupForm(BaseModel):
    name: Annotated[str, Field(min_length=3)]
    age: Annotated[int, Field(ge=18)]


def test_cast_with_explicit_pydantic_model_types() -> None:
    cs = Changeset.cast(User(), {"name": "Al", "age": "12"}, ["name", "age"], types=SignupForm)
    assert cs.traverse_errors() == {
        "name": ["should be at least 3 character(s)"],
        "age": ["must be greater than or equal to 18"],
    }
    ok = Changeset.cast(User(), {"name": "Alice", "age": "30"}, ["name", "age"], types=SignupForm)
    assert ok.apply_changes().age == 30


class Legacy(DeclarativeBase):
    pass


class Gadget(Legacy):
    __tablename__ = "gadgets"
    id = Column(Integer, primary_key=True)
    weight = Column(Integer, nullable=True)
    made = Column(Date, nullable=False)


def test_cast_without_mapped_annotations_uses_column_types() -> None:
    cs = Changeset.cast(Gadget(), {"weight": "7", "made": "2024-05-06"}, ["weight", "made"])
    assert cs.changes == {"weight": 7, "made": datetime.date(2024, 5, 6)}
    assert Changeset.cast(Gadget(), {"weight": "x"}, ["weight"]).messages_on("weight") == [
        "is invalid"
    ]


def test_cast_of_plain_class_raises() -> None:
    with pytest.raises(ChangesetError, match="SQLAlchemy mapped class or a pydantic model"):
        Changeset.cast(object(), {}, [])


def test_input_value_prefers_raw_params() -> None:
    cs = Changeset.cast(User(name="Al", age=3), {"age": "old"}, ["age", "name"])
    assert cs.input_value("age") == "old"
    assert cs.input_value("name") == "Al"
    assert cs.input_value("nothing") is None


def test_input_validations_give_html_hints() -> None:
    cs = (
        Changeset.cast(User(), {}, ["name", "age"])
        .validate_required("name")
        .validate_length("name", min=2, max=50)
        .validate_number("age", ge=0, le=150)
    )
    assert cs.input_validations("name") == {"required": True, "minlength": 2, "maxlength": 50}
    assert cs.input_validations("age") == {"min": 0, "max": 150}
    assert cs.validate_length("email", is_=5).input_validations("email") == {
        "minlength": 5,
        "maxlength": 5,
    }


def test_changed_with_to_and_from() -> None:
    cs = Changeset.cast(User(name="Al"), {"name": "Bo"}, ["name", "age"])
    assert cs.changed("name")
    assert cs.changed("name", to="Bo", from_="Al")
    assert not cs.changed("name", to="Cy")
    assert not cs.changed("name", from_="Cy")
    assert not cs.changed("age")


def test_merge_combines_changesets_of_the_same_data() -> None:
    user = User(name="Al")
    first = Changeset.cast(user, {"name": "Bo"}, ["name"]).validate_required("name")
    second = Changeset.cast(user, {"age": "x"}, ["age"]).put_action("validate")
    merged = first.merge(second)
    assert merged.changes == {"name": "Bo"}
    assert merged.traverse_errors() == {"age": ["is invalid"]}
    assert (merged.action, merged.required) == (Action.VALIDATE, ("name",))
    with pytest.raises(ChangesetError, match="same data"):
        first.merge(Changeset.change(User()))
