"""docs/auth.md's live_session sample runs: log in, two tabs, log out leaves both."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from ember.live.testing import LiveClient, LiveTestError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture
def sample():
    sys.path.insert(0, str(EXAMPLES))
    yield importlib.import_module("live_session_app")
    sys.path.remove(str(EXAMPLES))
    sys.modules.pop("live_session_app", None)


def test_docs_auth_quotes_the_sample_verbatim():
    text = (ROOT / "docs" / "auth.md").read_text()
    assert (EXAMPLES / "live_session_app.py").read_text().strip() in text


async def test_live_session_sample_logs_out_every_tab(sample):
    app = sample.app
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        refused = await client.get("/profile")
        assert refused.headers["location"] == "/login?next=/profile"
        assert (await client.http.post("/login")).status_code == 303
        tabs = [await client.live("/dashboard"), await client.live("/profile")]
        assert tabs[0].find("#who").text() == "Hello ada"
        await client.http.post("/logout")
        for tab in tabs:
            await tab.wait_for(lambda p: bool(p.navigations))
            with pytest.raises(LiveTestError, match="redirect to /login"):
                await tab.follow()
