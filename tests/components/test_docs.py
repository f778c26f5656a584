"""docs/components.md: its sample is tests/components/docs_src/signup.py, and it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ember.data import Repo, make_engine
from ember.live.testing import LiveClient
from tests.components.docs_src import signup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def sqlite_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Repo]:
    repo = Repo(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}"), signup.Base.metadata)
    await repo.create_all()
    monkeypatch.setattr(signup, "repo", repo)
    try:
        yield repo
    finally:
        await repo.dispose()


def test_docs_quote_the_sample_verbatim() -> None:
    document = (ROOT / "docs" / "components.md").read_text()
    sample = (ROOT / "tests" / "components" / "docs_src" / "signup.py").read_text()
    assert sample.strip() in document


async def test_docs_sample_signs_up_and_refuses_a_taken_email(sqlite_repo: Repo) -> None:
    async with LiveClient(signup.app) as client:
        page = await client.live("/signup")
        assert (await client.get("/_ember/components/ember-components.css")).status_code == 200
        await page.change("#user_email", "nope")
        await page.wait_for("#user_email-error")
        await page.submit("form", {"name": "Ada", "email": "ada@example.com"})
        assert page.find("[role=status]", text="Welcome, Ada!")
        await page.submit("form", {"name": "Ada Again", "email": "ada@example.com"})
        assert page.find("#user_email-error").text() == "has already been taken"
