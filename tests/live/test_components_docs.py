"""docs/components-and-nesting.md: its sample is tests/live/docs_src/row_editor.py, and it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ember.live.testing import LiveClient
from tests.live.docs_src import notes, row_editor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def rows(monkeypatch) -> None:
    monkeypatch.setattr(row_editor, "ROWS", {1: "apples", 2: "pears", 3: "plums"})


def test_docs_quote_the_sample_verbatim() -> None:
    document = (ROOT / "docs" / "components-and-nesting.md").read_text()
    sample = (ROOT / "tests" / "live" / "docs_src" / "row_editor.py").read_text()
    assert sample.strip() in document


async def test_docs_sample_keeps_a_draft_while_another_tab_saves_a_row() -> None:
    async with LiveClient(row_editor.app) as client:
        first = await client.live("/rows")
        second = await client.live("/rows")
        await first.click("#row-1 .edit")
        await first.change("#row-1 input", "green apples")
        await second.click("#row-2 .edit")
        await second.submit("#row-2 form", {"name": "pearls"})
        await first.wait_for(lambda p: p.has("#row-2 .name", text="pearls"))
        # The view re-rendered every row; row 1's editor kept its own state.
        assert first.find("#row-1 input").attr("value") == "green apples"
        assert first.find("#saves").text() == "0 saved here"
        assert second.find("#saves").text() == "1 saved here"
        assert row_editor.ROWS[2] == "pearls"
        await first.submit("#row-1 form", {"name": "green apples"})
        await second.wait_for(lambda p: p.has("#row-1 .name", text="green apples"))


def test_docs_quote_the_notes_sample_verbatim() -> None:
    document = (ROOT / "docs" / "components-and-nesting.md").read_text()
    sample = (ROOT / "tests" / "live" / "docs_src" / "notes.py").read_text()
    assert sample.strip() in document


async def test_docs_notes_sample_counts_in_the_background_and_keeps_drafts_on_reconnect() -> None:
    async with LiveClient(notes.app) as client:
        page = await client.live("/notes")
        await page.change("#note-monday textarea", "call the plumber")
        assert page.find("#note-monday .words").text() == "…"
        await page.wait_for(lambda p: p.find("#note-monday .words").text() == "3 words")
        assert page.find("#note-tuesday .words").text() == "…"  # never started
        await page.render()
        await page.reconnect()
        assert page.find("#note-monday textarea").attr("value") == "call the plumber"
        assert page.find("#note-monday .words").text() == "…"  # not recoverable: counted anew
