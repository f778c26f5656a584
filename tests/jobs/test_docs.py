"""The samples in docs/jobs.md: each is a file here that runs."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.jobs.conftest import eventually

DOCS = Path(__file__).parents[2] / "docs" / "jobs.md"
SOURCES = Path(__file__).parent / "docs_src"


@pytest.mark.parametrize("name", ["shop.py", "shop_tests.py"])
def test_docs_include_the_sample_verbatim(name: str) -> None:
    assert (SOURCES / name).read_text() in DOCS.read_text()


@pytest.fixture
async def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ModuleType]:
    """The sample, imported as an app would: its database from EMBER_DATABASE_URL."""
    monkeypatch.setenv("EMBER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    from tests.jobs.docs_src import shop

    shop = importlib.reload(shop)
    await shop.repo.create_all()
    shop.jobs.poll_interval = 0.1
    async with shop.jobs:
        yield shop
    await shop.repo.dispose()


async def test_place_order_sends_the_confirmation_once(shop: ModuleType) -> None:
    order_id = await shop.place_order("ada@example.com")
    async with shop.jobs.worker({"mail": 1}):
        await eventually(lambda: shop.outbox == [f"ada@example.com: order {order_id} confirmed"])


async def test_the_testing_sample_passes(shop: ModuleType) -> None:
    from tests.jobs.docs_src import shop_tests

    await shop_tests.test_placing_an_order_queues_its_confirmation()
    await shop_tests.test_inline_sends_at_once()
