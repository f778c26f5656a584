"""Property-based checks of casting and grapheme counting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ember.data import Changeset
from ember.data._graphemes import count_graphemes
from tests.data.models import User


@settings(deadline=None)  # the first cast builds pydantic adapters; timing is not the point
@given(st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_cast_int_from_form_string_round_trips(number: int) -> None:
    cs = Changeset.cast(User(), {"age": str(number)}, ["age"])
    assert cs.changes == {"age": number}
    assert Changeset.cast(User(age=number), {"age": str(number)}, ["age"]).changes == {}


@settings(deadline=None)  # the first cast builds pydantic adapters; timing is not the point
@given(st.text())
def test_graphemes_never_exceed_codepoints(text: str) -> None:
    assert 0 <= count_graphemes(text) <= len(text)


@settings(deadline=None)  # the first cast builds pydantic adapters; timing is not the point
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_graphemes_of_printable_ascii_are_codepoints(text: str) -> None:
    assert count_graphemes(text) == len(text)


@settings(deadline=None)  # the first cast builds pydantic adapters; timing is not the point
@given(st.text(max_size=30))
def test_validate_length_agrees_with_grapheme_count(text: str) -> None:
    cs = Changeset.cast(User(), {"name": text}, ["name"], empty_values=[])
    limit = count_graphemes(text)
    assert cs.validate_length("name", max=limit).valid
    if limit:
        assert not cs.validate_length("name", max=limit - 1).valid
