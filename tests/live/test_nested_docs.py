"""docs/components-and-nesting.md: its nested and sticky samples (tests/live/docs_src/
nested_chat.py, sticky_player.py) are quoted verbatim, and they run."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ember.live.testing import LiveClient
from tests.live.docs_src import nested_chat, sticky_player

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["nested_chat.py", "sticky_player.py"])
def test_docs_quote_the_sample_verbatim(name: str) -> None:
    document = (ROOT / "docs" / "components-and-nesting.md").read_text()
    sample = (ROOT / "tests" / "live" / "docs_src" / name).read_text()
    assert sample.strip() in document


async def test_docs_nested_chat_crashes_alone_and_tells_its_parent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with LiveClient(nested_chat.app) as client:
        page = await client.live("/order")
        assert "Crash the chat" in page.static_html  # the first paint includes the child
        await page.change("#address", "1 Main St")
        chat = page.child("support")
        await chat.change("#ask", "how long?")
        assert chat.find("li").text() == "About shipping: how long?"
        await page.wait_for(lambda p: p.has("#asked", text="1 questions asked"))
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            await chat.click("#crash")
            await page.wait_for(lambda p: chat.mounts == 2)
        assert not chat.has("li")  # the chat mounted afresh ...
        assert page.find("#address").attr("value") == "1 Main St"  # ... the page kept its state
        assert page.find("#asked").text() == "1 questions asked"
        assert page.close_code is None


async def test_docs_sticky_player_plays_on_across_the_group() -> None:
    async with LiveClient(sticky_player.app) as client:
        page = await client.live("/albums")
        player = page.child("player")
        await player.click("#next")
        frame = '{"type": "ember-live", "path": "/artists", "qs": "", "flash": null}'
        await page.send_raw(frame)  # what a click on the Artists link sends
        await page.wait_for(lambda p: p.has("h1", text="Artists"))
        await page.render()
        assert player.mounts == 1
        assert player.find("#track").text() == "Now playing: track 2"
