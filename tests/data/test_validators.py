"""Validators: each runs on changes only and takes a custom message."""

from __future__ import annotations

import pytest

from ember.data import Changeset, ChangesetError
from ember.data._graphemes import count_graphemes
from tests.data.models import User


def cast(params: dict[str, object], data: User | None = None) -> Changeset[User]:
    fields = ["name", "email", "age", "score"]
    return Changeset.cast(
        data or User(), params, fields, types={"password": str, "tags2": list[str]}
    )


def test_validate_required_blank_and_trim() -> None:
    cs = cast({"name": "   "}).validate_required(["name", "email"])
    assert cs.traverse_errors() == {"name": ["can't be blank"], "email": ["can't be blank"]}
    assert cs.required == ("name", "email")


def test_validate_required_passes_when_data_has_value() -> None:
    assert cast({}, User(name="Al")).validate_required("name").valid


def test_validate_required_skips_field_with_cast_error() -> None:
    cs = cast({"age": "x"}).validate_required("age", message="needed")
    assert cs.messages_on("age") == ["is invalid"]


def test_validate_length_min_max_is_with_messages() -> None:
    assert cast({"name": "A"}).validate_length("name", min=2).messages_on("name") == [
        "should be at least 2 character(s)"
    ]
    assert cast({"name": "Alice"}).validate_length("name", max=3).messages_on("name") == [
        "should be at most 3 character(s)"
    ]
    cs = cast({"name": "Al"}).validate_length("name", is_=3, message="exactly {count}")
    assert cs.messages_on("name") == ["exactly 3"]


def test_validate_length_counts_graphemes_by_default() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert cast({"name": family + "e\u0301"}).validate_length("name", max=2).valid
    cs = cast({"name": "e\u0301"}).validate_length("name", max=1, count="codepoints")
    assert not cs.valid
    assert not cast({"name": "é"}).validate_length("name", max=1, count="bytes").valid


def test_count_graphemes_flags_and_crlf() -> None:
    assert count_graphemes("\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea") == 2
    assert count_graphemes("a\r\nb") == 3
    assert count_graphemes("") == 0


def test_validators_run_on_changes_only() -> None:
    cs = cast({}, User(name="A")).validate_length("name", min=2).validate_format("name", "@")
    assert cs.valid


def test_validate_format() -> None:
    cs = cast({"email": "nope"}).validate_format("email", r"^[^@\s]+@[^@\s]+$")
    assert cs.traverse_errors() == {"email": ["has invalid format"]}
    assert cast({"email": "a@b"}).validate_format("email", r"@").valid


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"lt": 5}, "must be less than 5"),
        ({"gt": 10}, "must be greater than 10"),
        ({"le": 5}, "must be less than or equal to 5"),
        ({"ge": 11}, "must be greater than or equal to 11"),
        ({"eq": 1}, "must be equal to 1"),
        ({"ne": 10}, "must be not equal to 10"),
    ],
)
def test_validate_number_bounds(opts: dict[str, float], message: str) -> None:
    cs = cast({"age": "10"}).validate_number("age", **opts)
    assert cs.messages_on("age") == [message]
    assert cs.errors[0].meta["validation"] == "number"


def test_validate_inclusion_exclusion_subset() -> None:
    assert not cast({"name": "x"}).validate_inclusion("name", ["a", "b"]).valid
    assert cast({"name": "a"}).validate_inclusion("name", ["a", "b"]).valid
    assert cast({"name": "admin"}).validate_exclusion("name", ["admin"]).messages_on("name") == [
        "is reserved"
    ]
    cs = Changeset.cast(User(), {"tags2": ["a", "z"]}, ["tags2"], types={"tags2": list[str]})
    assert cs.validate_subset("tags2", ["a", "b"]).messages_on("tags2") == ["has an invalid entry"]
    assert cs.validate_subset("tags2", ["a", "z"]).valid
    with pytest.raises(ChangesetError, match="validate_inclusion"):
        cast({"name": "a"}).validate_subset("name", ["a"])


def test_validate_confirmation() -> None:
    def pw(params: dict[str, object]) -> Changeset[User]:
        return Changeset.cast(User(), params, ["password"], types={"password": str})

    bad = pw({"password": "secret1", "password_confirmation": "other"})
    errors = bad.validate_confirmation("password").traverse_errors()
    assert errors == {"password_confirmation": ["does not match confirmation"]}
    good = pw({"password": "secret1", "password_confirmation": "secret1"})
    assert good.validate_confirmation("password").valid
    assert pw({"password": "secret1"}).validate_confirmation("password").valid
    missing = pw({"password": "secret1"}).validate_confirmation("password", required=True)
    assert missing.messages_on("password_confirmation") == ["can't be blank"]


def test_validate_acceptance() -> None:
    assert cast({"terms": "true"}).validate_acceptance("terms").valid
    assert cast({"terms": "false"}).validate_acceptance("terms").messages_on("terms") == [
        "must be accepted"
    ]
    assert not cast({"terms": "maybe"}).validate_acceptance("terms").valid


def test_validate_change_custom_rule() -> None:
    def no_bob(field: str, value: object) -> list[str]:
        return ["cannot be bob"] if value == "bob" else []

    assert cast({"name": "bob"}).validate_change("name", no_bob).messages_on("name") == [
        "cannot be bob"
    ]
    assert cast({"name": "al"}).validate_change("name", no_bob).valid
    moved = cast({"name": "bob"}).validate_change("name", lambda f, v: [("email", "bad")])
    assert moved.messages_on("email") == ["bad"]


def test_validations_are_recorded_for_forms() -> None:
    cs = cast({}).validate_length("name", min=2, max=5).validate_number("age", ge=0)
    assert ("name", "length", {"min": 2, "max": 5, "is": None}) in cs.validations
    assert ("age", "number", {"ge": 0}) in cs.validations


def test_optimistic_lock_bumps_version() -> None:
    cs = cast({}, User(version=3)).optimistic_lock("version")
    assert cs.changes == {"version": 4}
    assert cs.lock == ("version", 3)
    with pytest.raises(ChangesetError, match="integer version"):
        cast({}, User()).optimistic_lock("name")
