"""Every code sample in README.md and docs/ is a file here that runs."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture
def examples_on_path():
    sys.path.insert(0, str(EXAMPLES))
    yield
    sys.path.remove(str(EXAMPLES))
    for name in ("counter", "test_counter"):
        sys.modules.pop(name, None)


async def test_docs_testing_example_passes(examples_on_path):
    module = importlib.import_module("test_counter")
    await module.test_counter_increments()


async def test_readme_example_serves_json_and_live_page(examples_on_path):
    from ember.live.testing import LiveClient

    app = importlib.import_module("counter").app
    async with LiveClient(app) as client:
        assert (await client.get("/api/health")).json() == {"ok": True}
        page = await client.live("/counter")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


@pytest.mark.parametrize(
    ("document", "sample"),
    [
        ("README.md", "counter.py"),
        ("docs/getting-started.md", "counter.py"),
        ("docs/testing.md", "test_counter.py"),
        ("docs/pubsub.md", "items_broadcast.py"),
        ("docs/integration.md", "integration_app.py"),
    ],
)
def test_documents_quote_the_sample_files_verbatim(document, sample):
    text = (ROOT / document).read_text()
    assert (EXAMPLES / sample).read_text().strip() in text
