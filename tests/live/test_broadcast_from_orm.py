"""docs/examples/items_broadcast.py: items created through the app's unchanged REST API (a
sync route in a worker thread, an async route with an AsyncSession) appear live, through
an ORM commit hook that calls ``PubSub.broadcast_sync`` (issue 25, item 9)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

import ember.live
from ember.live.testing import LiveClient

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def example(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(ember.live, "_default", None)  # a fresh default Ember
    module = importlib.import_module("items_broadcast")
    yield module
    sys.modules.pop("items_broadcast", None)


async def test_items_written_by_rest_routes_appear_in_the_live_view(example, tmp_path):
    app = example.create_app(str(tmp_path / "items.db"))
    async with LiveClient(app) as client:
        page = await client.live("/items")
        assert (await client.http.post("/api/items", params={"title": "sync"})).status_code == 200
        await page.wait_for("li")
        response = await client.http.post("/api/items/async", params={"title": "async"})
        assert response.status_code == 200
        await page.wait_for(lambda page: len(page.find_all("li")) == 2)
        assert [li.text() for li in page.find_all("li")] == ["sync", "async"]
    await ember.live.default_ember().pubsub.stop()


async def test_a_rolled_back_write_broadcasts_nothing(example, tmp_path):
    app = example.create_app(str(tmp_path / "items.db"))
    engine = create_engine(f"sqlite:///{tmp_path / 'items.db'}")
    async with LiveClient(app) as client:
        page = await client.live("/items")
        with example.AppSession(engine) as db:
            db.add(example.Item(title="never"))
            db.flush()
            db.rollback()
            db.add(example.Item(title="kept"))
            db.commit()  # on the loop's thread: delivered once the loop is free
        await page.wait_for("li")
        assert [li.text() for li in page.find_all("li")] == ["kept"]
    engine.dispose()
    await ember.live.default_ember().pubsub.stop()
