"""The samples in docs/data.md: each is a file here, run on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from ember.data import Changeset, NotFoundError, Repo, make_engine
from tests.data.docs_src import accounts, user_form

DOCS = Path(__file__).parents[2] / "docs" / "data.md"
SOURCES = Path(__file__).parent / "docs_src"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # SQLAlchemy resolves the annotations through it
    spec.loader.exec_module(module)
    return module


EMAIL = load_example("case_insensitive_email.py")


@pytest.fixture
async def repo(
    database_url: tuple[str, dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Repo]:
    url, options = database_url
    repo = Repo(make_engine(url, **options), accounts.Base.metadata)
    await repo.create_all()
    monkeypatch.setattr(accounts, "repo", repo)
    yield repo
    await repo.dispose()


@pytest.mark.parametrize("name", ["accounts.py", "user_form.py"])
def test_docs_include_the_sample_verbatim(name: str) -> None:
    assert (SOURCES / name).read_text() in DOCS.read_text()


def test_docs_include_the_case_insensitive_email_sample_verbatim() -> None:
    assert (EXAMPLES / "case_insensitive_email.py").read_text() in DOCS.read_text()


async def test_case_insensitive_email_sample(database_url: tuple[str, dict[str, object]]) -> None:
    url, options = database_url
    repo = Repo(make_engine(url, **options), EMAIL.Base.metadata)
    await repo.create_all()
    try:
        first = await repo.insert(
            EMAIL.registration_changeset(EMAIL.Account(), {"email": "Ada@X.org"})
        )
        assert first.ok
        again = await repo.insert(
            EMAIL.registration_changeset(EMAIL.Account(), {"email": "ada@x.ORG"})
        )
        assert again.changeset.traverse_errors() == {"email": ["has already been taken"]}
        found = await EMAIL.get_account_by_email(repo, "ADA@x.org")
        assert found is not None
        assert found.email == "Ada@X.org"
    finally:
        await repo.dispose()


async def test_context_create_update_list_with_preload(repo: Repo) -> None:
    created = await accounts.create_user(
        {"name": "Ada", "email": "ada@example.com", "posts": [{"title": "Notes"}]}
    )
    assert created.ok
    updated = await accounts.update_user(created.value, {"age": "36"})
    assert updated.value.age == 36
    [user] = await accounts.list_users()
    assert [p.title for p in user.posts] == ["Notes"]
    assert (await accounts.get_user(user.id)).email == "ada@example.com"
    with pytest.raises(NotFoundError):
        await accounts.get_user(999)


async def test_form_round_trip(repo: Repo) -> None:
    assert user_form.form_errors(user_form.mount()) == {"name": [], "email": [], "age": []}
    typing = user_form.validate({"name": "A", "_unused_email": "", "email": ""})
    assert user_form.form_errors(typing) == {
        "name": ["should be at least 2 character(s)"],
        "email": [],
        "age": [],
    }
    saved = await user_form.save({"name": "Ada", "email": "ada@example.com"})
    assert isinstance(saved, accounts.User)
    again = await user_form.save({"name": "Ada", "email": "ada@example.com", "age": "-1"})
    assert isinstance(again, Changeset)
    assert user_form.form_errors(again)["age"] == ["must be greater than or equal to 0"]
    taken = await user_form.save({"name": "Ada", "email": "ada@example.com"})
    assert isinstance(taken, Changeset)
    assert user_form.form_errors(taken)["email"] == ["has already been taken"]
