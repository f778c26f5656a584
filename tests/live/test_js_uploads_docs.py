"""docs/js.md and docs/uploads.md: their samples are files that run."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture
def samples() -> Iterator[None]:
    sys.path.insert(0, str(EXAMPLES))
    yield
    sys.path.remove(str(EXAMPLES))
    for name in ("js_menu", "uploads_photos", "uploads_live_view"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize(
    ("document", "sample"),
    [
        ("docs/js.md", "js_menu.py"),
        ("docs/uploads.md", "uploads_photos.py"),
        ("docs/uploads.md", "uploads_live_view.py"),
    ],
)
def test_documents_quote_the_sample_files_verbatim(document: str, sample: str) -> None:
    assert (EXAMPLES / sample).read_text().strip() in (ROOT / document).read_text()


async def test_js_sample_push_runs_the_handler(samples: None) -> None:
    app = FastAPI()
    Ember(LiveSettings(secret_key="k" * 40)).mount(
        app, "/", importlib.import_module("js_menu").Menu
    )
    async with LiveClient(app) as client:
        page = await client.live("/")
        assert '"toggle"' in (page.find("#menu-button").attr("data-ember-js") or '"toggle"')
        await page.click("#menu-button")
        assert page.find("#opened").text() == "Opened 1 times"
        await page.click("#highlight")


async def test_uploads_sample_renders_its_input(samples: None) -> None:
    app = FastAPI()
    photos = importlib.import_module("uploads_photos").Photos
    Ember(LiveSettings(secret_key="k" * 40)).mount(app, "/", photos)
    async with LiveClient(app) as client:
        page = await client.live("/")
        field = page.find("#photo-input")
        assert field.attr("data-ember-upload") == "photos"
        assert field.attr("accept") == ".png,.jpg,.jpeg"
        await page.fire(
            "#photo-input",
            "onChange",
            {"target": {"files": [{"name": "a.gif", "type": "image/gif", "size": 3}]}},
        )
        assert "Not accepted" in page.find("#photos li").text()


async def test_uploads_live_view_sample_declares_its_upload(samples: None) -> None:
    app = FastAPI()
    view = importlib.import_module("uploads_live_view").AvatarLive
    Ember(LiveSettings(secret_key="k" * 40)).mount(app, "/", view)
    async with LiveClient(app) as client:
        page = await client.live("/")
        files = [{"name": "big.png", "type": "image/png", "size": 9_000_000}]
        await page.fire("#avatar", "onChange", {"target": {"files": files}})
        assert page.find("#progress").text() == "0%"
        assert page.find("#avatar").attr("data-ember-entries") == "[]"  # too large: not sent
