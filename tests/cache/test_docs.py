"""The samples in docs/cache.md: each is a file here that runs, on memory and Redis."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

DOCS = Path(__file__).parents[2] / "docs" / "cache.md"
SOURCES = Path(__file__).parent / "docs_src"


def test_docs_include_the_sample_verbatim() -> None:
    assert (SOURCES / "prices.py").read_text() in DOCS.read_text()


@pytest.fixture
async def prices(cache_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ModuleType]:
    monkeypatch.setenv("APP_CACHE_URL", cache_url)
    from tests.cache.docs_src import prices

    prices = importlib.reload(prices)
    async with prices.cache:
        await prices.cache.clear()
        yield prices
        await prices.cache.clear()


async def test_price_is_looked_up_once_until_it_changes(prices: ModuleType) -> None:
    assert await asyncio.gather(*(prices.price("kettle") for _ in range(10))) == [1200] * 10
    assert await prices.price("mug") == 300
    assert prices.lookups == ["kettle", "mug"]
    await prices.change_price("kettle")
    assert await prices.price("kettle") == 1200
    assert await prices.price("mug") == 300
    assert prices.lookups == ["kettle", "mug", "kettle"]
