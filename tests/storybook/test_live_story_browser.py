"""A LiveComponent story in Chromium: it renders in the storybook's frame, its events are
handled by the component (edit, validate, save, Escape) and on_save reaches the Events
panel; a control gives it new assigns. Screenshots go to test-output/storybook/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_impressions_browser import axe_source, serious  # noqa: F401
from tests.storybook.test_browser import OUTPUT, browser, live, page, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_live_component_story_events_work_in_the_frame(
    server: str,  # noqa: F811
    page: Any,  # noqa: F811
    axe_source: str,  # noqa: F811
) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook/?story=live-component-inline-edit")
    story = live(page)
    story.locator("[data-ember-root].ember-connected").wait_for()
    expect(story.locator("#inline-edit-text")).to_have_text("Buy milk")

    story.locator("#edit").click()
    field = story.locator("#note_text")
    expect(field).to_be_focused(timeout=10_000)
    field.press("Control+A")
    field.press("Backspace")
    expect(story.locator("#note_text-error")).to_have_text("can't be blank")
    assert serious(page, axe_source) == []  # the open editor with its error, in the frame
    field.press_sequentially("Buy oat milk", delay=70)
    expect(story.locator("#note_text-error")).to_have_count(0)
    field.press("Enter")
    expect(story.locator("#inline-edit-text")).to_have_text("Buy oat milk")

    # Escape closes the editor without saving.
    story.locator("#edit").click()
    field.press("End")
    field.press_sequentially(" and bread", delay=70)
    field.press("Escape")
    expect(story.locator("#note_text")).to_have_count(0)
    expect(story.locator("#inline-edit-text")).to_have_text("Buy oat milk")

    # The Events panel logged on_save.
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    page.click("#sb-panel_tab_events")
    expect(page.locator("#sb-events li[data-handler=on_save]")).to_contain_text("Buy oat milk")

    # A control: the story mounts afresh with the new assigns.
    page.click("#sb-panel_tab_controls")
    page.fill("#control-text", "Walk the dog")
    expect(story.locator("#inline-edit-text")).to_have_text("Walk the dog")
    page.screenshot(path=str(OUTPUT / "storybook-live-component.png"))


def test_storybook_keys_reach_the_frame_after_a_click_on_the_events_tab(
    server: str,  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    """Regression: the focus guard heard pointer presses in the frame only from frames it
    saw load, so after a click on the chrome, a click into the story's field was undone
    and the keys typed next went to the chrome."""
    page.goto(f"{server}/storybook/?story=live-component-inline-edit")
    story = live(page)
    story.locator("[data-ember-root].ember-connected").wait_for()
    story.locator("#edit").click()
    field = story.locator("#note_text")
    expect(field).to_be_focused(timeout=10_000)

    page.click("#sb-panel_tab_events")
    field.click()
    page.keyboard.press("End")
    page.keyboard.type(" and eggs", delay=70)
    expect(field).to_have_value("Buy milk and eggs")
    expect(field).to_be_focused()
