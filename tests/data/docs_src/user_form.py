"""A form round trip, the way a live view drives it: render, validate on change, save."""

from __future__ import annotations

from collections.abc import Mapping

from ember.data import Changeset

from . import accounts


def form_errors(changeset: Changeset[accounts.User]) -> dict[str, list[str]]:
    """What the form shows next to each input (nothing until an action is set)."""
    return {name: changeset.errors_on(name) for name in ("name", "email", "age")}


def mount() -> Changeset[accounts.User]:
    return accounts.change_user()


def validate(params: Mapping[str, object]) -> Changeset[accounts.User]:
    """On every change: cast and validate, no database. Untouched inputs stay quiet."""
    return accounts.change_user(accounts.User(), params).put_action("validate")


async def save(params: Mapping[str, object]) -> accounts.User | Changeset[accounts.User]:
    """On submit: the saved user, or the changeset to re-render with its errors."""
    result = await accounts.create_user(params)
    if result.ok:
        return result.value
    return result.changeset
