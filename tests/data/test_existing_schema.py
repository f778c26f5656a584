"""Regression (issue 25, item 8): a Repo over an existing SQLModel schema (no naming
convention) maps constraint violations to fields, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import pytest
from sqlmodel import SQLModel

from ember.data import Changeset, Repo, make_engine
from tests.data.sqlmodel_models import Hero, Team


@pytest.fixture
async def legacy(database_url: tuple[str, dict[str, object]]) -> AsyncIterator[Repo]:
    url, options = database_url
    repo = Repo(make_engine(url, **options), SQLModel.metadata)
    await repo.create_all()
    yield repo
    await repo.dispose()


def team_changeset(team: Team, params: Mapping[str, object]) -> Changeset[Team]:
    cs = Changeset.cast(team, params, ["name"]).validate_required("name")
    return cs.unique_constraint("name")


def hero_changeset(hero: Hero, params: Mapping[str, object], check: str) -> Changeset[Hero]:
    return (
        Changeset.cast(hero, params, ["email", "age", "team_id"])
        .validate_required("email")
        .unique_constraint("email")
        .foreign_key_constraint("team_id")
        .check_constraint("age", constraint=check, message="must be >= 0")
    )


def declared(cs: Changeset[object]) -> bool:
    """Whether the error came from the changeset's declaration (not the fallback)."""
    return all("declared" not in error.meta for error in cs.errors)


def check_name(repo: Repo) -> str:
    """The name each database gives the unnamed check (see docs/data.md)."""
    return "legacy_hero_age_check" if repo.engine.dialect.name == "postgresql" else "age >= 0"


async def test_existing_schema_unnamed_unique_constraint_is_a_field_error(legacy: Repo) -> None:
    assert (await legacy.insert(team_changeset(Team(), {"name": "Avengers"}))).ok
    result = await legacy.insert(team_changeset(Team(), {"name": "Avengers"}))
    assert result.changeset.traverse_errors() == {"name": ["has already been taken"]}
    assert declared(result.changeset)


async def test_existing_schema_unique_index_foreign_key_and_check(legacy: Repo) -> None:
    check = check_name(legacy)
    team = (await legacy.insert(team_changeset(Team(), {"name": "X"}))).value
    params = {"email": "a@x", "team_id": str(team.id)}
    assert (await legacy.insert(hero_changeset(Hero(), params, check))).ok
    taken = await legacy.insert(hero_changeset(Hero(), params, check))
    assert taken.changeset.traverse_errors() == {"email": ["has already been taken"]}
    assert declared(taken.changeset)
    orphan = await legacy.insert(hero_changeset(Hero(), {"email": "b@x", "team_id": "999"}, check))
    assert orphan.changeset.traverse_errors() == {"team_id": ["does not exist"]}
    assert declared(orphan.changeset)
    negative = await legacy.insert(hero_changeset(Hero(), {"email": "c@x", "age": "-1"}, check))
    assert negative.changeset.traverse_errors() == {"age": ["must be >= 0"]}
    assert len(await legacy.all(Hero)) == 1


async def test_existing_schema_no_assoc_on_delete(legacy: Repo) -> None:
    team = (await legacy.insert(team_changeset(Team(), {"name": "X"}))).value
    hero = hero_changeset(Hero(), {"email": "a@x", "team_id": str(team.id)}, check_name(legacy))
    assert (await legacy.insert(hero)).ok
    result = await legacy.delete(Changeset.change(team).no_assoc_constraint("heroes"))
    assert result.changeset.traverse_errors() == {"heroes": ["are still associated"]}
    assert declared(result.changeset)
    assert await legacy.get(Team, team.id) is not None
