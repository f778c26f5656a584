"""The storybook in Chromium, mounted under /storybook in a host app served by uvicorn.

Screenshots go to test-output/storybook/ (a CI artifact).
"""

from __future__ import annotations

# bypass_csp: Playwright evaluates wait_for_function strings with eval, which the pages'
# Content-Security-Policy forbids; the policy itself is tested in
# tests/browser/test_headers_browser.py.
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests._chromium import chromium
from tests._server import Server

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "storybook"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    running = Server(
        secret="storybook-browser-secret-0123456789", app="tests.storybook.browser_app:app"
    )
    running.start()
    try:
        yield running.url
    finally:
        running.stop()


browser = pytest.fixture(scope="module", name="browser")(chromium)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def live(page: Any) -> Any:
    """Wait until the live view has replaced the first paint, and its canvas frame too;
    return the frame's locator."""
    page.wait_for_selector("[data-ember-live] .sb", timeout=10_000)
    story = page.frame_locator("#sb-iframe")
    story.locator("[data-ember-live] #sb-canvas-page").wait_for(timeout=10_000)
    return story


def test_storybook_browse_edit_click_and_reopen_in_chromium(server: str, page: Any) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook")  # redirected to /storybook/
    live(page)
    assert page.title() == "ember storybook"

    # Navigate: a story in the sidebar, then one of its variations.
    page.click('.sb-item-story[data-story="button"]')
    page.click('.sb-item[data-story="button"][data-variation="primary"]')
    expect(page).to_have_url(re.compile(r"story=button&variation=primary"))
    story = page.frame_locator("#sb-iframe")

    # Edit controls: the canvas re-renders live.
    page.fill("#control-children", "Ship it")
    expect(story.locator("#sb-story button")).to_have_text("Ship it")
    page.select_option("#control-size", "lg")
    story.locator("#sb-story button.ember-button-lg").wait_for()
    page.check("#control-loading")
    story.locator("#sb-story button[aria-busy=true]").wait_for()
    page.uncheck("#control-loading")
    story.locator("#sb-story button:not([disabled])").wait_for()
    page.screenshot(path=str(OUTPUT / "storybook-controls.png"))

    # Click the story's button in its frame: the event panel logs it.
    story.locator("#sb-story button").click()
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    page.click("#sb-panel_tab_events")
    page.wait_for_selector("#sb-events li[data-handler=on_click]")
    page.screenshot(path=str(OUTPUT / "storybook-events.png"))

    # The URL names the story and its arguments: reloading reopens the same state.
    assert "args=" in page.url
    page.reload()
    story = live(page)
    expect(story.locator("#sb-story button")).to_have_text("Ship it")
    expect(story.locator("#sb-story button")).to_have_class(re.compile("ember-button-lg"))

    # Back goes to the previous arguments (push_patch made history entries).
    # (history.back(): Playwright's go_back waits for a load event, and a same-document
    # step back only loads the new canvas frame.)
    page.evaluate("history.back()")  # to the step before unchecking "loading"
    page.frame_locator("#sb-iframe").locator("#sb-story button[aria-busy=true]").wait_for()
    assert '"loading":true' in unquote(page.url)


def test_storybook_dark_theme_and_narrow_canvas_in_chromium(server: str, page: Any) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook/?story=table&variation=clickable+rows")
    live(page)
    page.select_option("#sb-theme", "dark")
    page.wait_for_selector('.sb[data-theme="dark"]')
    story = page.frame_locator("#sb-iframe")
    story.locator('[data-ember-live] #sb-canvas-page[data-theme="dark"]').wait_for()
    page.select_option("#sb-width", "768")
    page.wait_for_selector('#sb-frame[data-width="768"]')
    # The frame is the story's viewport: its media queries see 768 px.
    frame = page.query_selector("#sb-iframe").content_frame()
    assert frame.evaluate("innerWidth") == 768
    story.locator("#sb-story tbody tr:first-child").click()
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    page.click("#sb-panel_tab_docs")
    page.wait_for_selector("#sb-docs")
    page.evaluate("document.querySelector('.sb-main').scrollTop = 0")
    background = page.evaluate("getComputedStyle(document.querySelector('.sb')).backgroundColor")
    assert background == "rgb(11, 17, 32)"  # the dark theme's --ember-bg
    inside = frame.evaluate(
        "getComputedStyle(document.querySelector('#sb-canvas-page')).backgroundColor"
    )
    assert inside == "rgb(11, 17, 32)"  # the story's page has the theme too
    page.screenshot(path=str(OUTPUT / "storybook-dark.png"))


def test_a_story_stays_in_its_frame_in_chromium(server: str, page: Any) -> None:
    """The canvas is an iframe: a story's CSS, top layer, focus and script globals stay in
    it, and the storybook's styles never reach the story (issue 17, case 7)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook/?story=leaky&variation=global+styles")
    story = live(page)
    frame = page.query_selector("#sb-iframe").content_frame()

    # The stories' stylesheet (Storybook(head=...), the canvas page's head) paints the
    # story's button red, and reaches for the storybook's sidebar and pills: in the story's
    # document only.
    expect(story.locator("#leaky-button")).to_have_css("background-color", "rgb(255, 0, 0)")
    expect(page.locator(".sb-side")).to_be_visible()
    pill = page.locator(".sb-pill").first
    assert pill.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    # The storybook's own rules do not style the story's element with a pill's class.
    shape = story.locator("#leaky-pill").evaluate("e => getComputedStyle(e).borderRadius")
    assert shape == "0px"
    padding = story.locator("#leaky-pill").evaluate("e => getComputedStyle(e).paddingLeft")
    assert padding == "0px"  # the storybook's .sb-pill has padding

    # Script globals: each document has its own window.
    frame.evaluate("window.storyGlobal = 'set by the story'")
    assert page.evaluate("typeof window.storyGlobal") == "undefined"

    # A modal's dialog covers the frame, not the storybook: the sidebar still takes clicks.
    page.goto(f"{server}/storybook/?story=modal&variation=open")
    story = live(page)
    story.locator("#sb-story dialog[open]").wait_for()
    frame_box = page.locator("#sb-iframe").bounding_box()
    dialog_box = story.locator("#sb-story dialog").bounding_box()
    assert frame_box is not None
    assert dialog_box is not None
    assert frame_box["x"] <= dialog_box["x"]
    assert frame_box["y"] <= dialog_box["y"]
    assert dialog_box["x"] + dialog_box["width"] <= frame_box["x"] + frame_box["width"]
    assert dialog_box["y"] + dialog_box["height"] <= frame_box["y"] + frame_box["height"]
    page.screenshot(path=str(OUTPUT / "storybook-modal-in-frame.png"))
    page.click('.sb-item-story[data-story="badge"]')
    expect(page).to_have_url(re.compile(r"story=badge"))

    # Typing in a control while the story reloads with each keystroke: the story's dialog
    # opening again must not take the keyboard from the storybook.
    page.goto(f"{server}/storybook/?story=modal&variation=open")
    story = live(page)
    story.locator("#sb-story dialog[open]").wait_for()
    page.click("#control-title")
    page.keyboard.press("End")
    page.keyboard.type(" now", delay=120)
    expect(page.locator("#control-title")).to_have_value("Delete project? now")
    expect(story.locator("#modal-title")).to_have_text("Delete project? now")
    assert page.evaluate("document.activeElement.id") == "control-title"


def test_the_story_is_reached_and_used_by_keyboard_at_390px(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/storybook/?story=button&variation=primary")
        story = live(page)
        width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"the storybook is {width[0]} px wide at 390 px"
        # The panel's four tabs fit: none is cut off at the tab list's edge.
        sizes = page.eval_on_selector(
            "#sb-panel_tab_controls",
            "e => [e.parentElement.scrollWidth, e.parentElement.clientWidth]",
        )
        assert sizes[0] <= sizes[1], f"the panel's tabs need {sizes[0]} px of {sizes[1]}"
        page.screenshot(path=str(OUTPUT / "storybook-390.png"), full_page=True)
        # Tab through the storybook until the focus is on the story's button, in its frame.
        for _ in range(80):
            page.keyboard.press("Tab")
            if story.locator("#sb-story button").evaluate("e => e === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the story's button")
        assert page.evaluate("document.activeElement.id") == "sb-iframe"
        page.keyboard.press("Enter")
        page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    finally:
        context.close()


def test_a_story_chosen_with_enter_right_after_a_tab_keeps_the_focus_in_the_sidebar(
    server: str, page: Any
) -> None:
    # The focus guard let a story take the focus for 1 s after any Tab: a keyboard user who
    # tabbed to a story and pressed Enter at once lost their place to the story's dialog.
    page.goto(f"{server}/storybook/?story=badge")
    live(page)
    page.fill("#sb-search", "modal")
    item = page.locator('.sb-item-story[data-story="modal"]')
    expect(item).to_be_visible()
    page.focus("#sb-search")
    page.keyboard.press("Tab")
    expect(item).to_be_focused()
    page.keyboard.press("Enter")
    page.frame_locator("#sb-iframe").locator("#sb-story dialog[open]").wait_for()
    page.wait_for_timeout(200)  # the guard answers in the task after the focus moves
    expect(page.locator('.sb-item-story[data-story="modal"]')).to_be_focused()


def test_the_story_list_folds_behind_a_button_at_390px_and_works_by_keyboard(
    server: str, browser: Any
) -> None:
    # At phone width the story list came first, every story above the canvas, so the
    # story itself was far below the fold. Now the list folds behind a Stories button.
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/storybook/?story=button&variation=primary")
        story = live(page)
        menu = page.locator("#sb-menu")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_contain_text("button / primary")
        expect(page.locator("#sb-side")).to_be_hidden()
        frame = page.locator("#sb-iframe").bounding_box()
        assert frame is not None
        assert frame["y"] < 844 - 100, f"the canvas starts at {frame['y']} px, below the fold"
        assert story.locator("#sb-story button").is_visible()
        page.screenshot(path=str(OUTPUT / "storybook-390-folded.png"))

        # Keyboard only: Tab to the button, open, search, choose; the list folds and the
        # focus is back on the button.
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "sb-menu":
                break
        else:
            raise AssertionError("Tab never reached the Stories button")
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#sb-side")).to_be_visible()
        page.keyboard.press("Tab")
        expect(page.locator("#sb-search")).to_be_focused()
        page.keyboard.type("badge", delay=60)
        item = page.locator('.sb-item-story[data-story="badge"]')
        expect(item).to_be_visible()
        page.keyboard.press("Tab")
        expect(item).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"story=badge"))
        expect(page.locator("#sb-side")).to_be_hidden()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
        expect(menu).to_contain_text("badge /")
    finally:
        context.close()


def test_the_story_list_has_no_fold_button_on_a_wide_screen(server: str, page: Any) -> None:
    page.goto(f"{server}/storybook/?story=button&variation=primary")
    live(page)
    expect(page.locator("#sb-menu")).to_be_hidden()
    expect(page.locator("#sb-side")).to_be_visible()
    page.click('.sb-item-story[data-story="badge"]')
    expect(page).to_have_url(re.compile(r"story=badge"))
    expect(page.locator("#sb-side")).to_be_visible()
    expect(page.locator('.sb-item-story[data-story="badge"]')).to_be_focused()


def test_an_open_modal_keeps_the_focus_in_the_story_frame(server: str, page: Any) -> None:
    # On a page of its own a modal's dialog traps the focus (the browser makes the rest
    # inert); in the storybook's frame, Tab from its last control went on to the
    # storybook's panel, and Shift+Tab from its first to the storybook's pills.
    page.goto(f"{server}/storybook/?story=modal&variation=open")
    story = live(page)
    dialog = story.locator("#sb-story dialog[open]")
    dialog.wait_for()
    story.locator("#modal-title").click()  # a pointer press in the frame, on no control
    page.keyboard.press("Tab")
    inside = "() => !!document.activeElement.closest('dialog[open]')"
    frame = page.query_selector("#sb-iframe").content_frame()
    assert frame.evaluate(inside)
    count = len(dialog.locator("button, a[href], input, select, textarea").all())
    assert count >= 2
    for key in ["Tab"] * (count + 2) + ["Shift+Tab"] * (count + 2):
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.id") == "sb-iframe", key
        assert frame.evaluate(inside), f"{key} took the focus out of the dialog"


def test_the_first_tab_offers_a_skip_past_the_story_list_to_the_story(
    server: str, page: Any
) -> None:
    # Keyboard only, the story was behind the top bar's three selects and every story and
    # variation of the list: 40 and more Tab presses. A skip link is now the first stop.
    page.goto(f"{server}/storybook/?story=button&variation=primary")
    story = live(page)
    page.keyboard.press("Tab")
    skip = page.locator(".sb-skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link is off the screen"
    page.screenshot(path=str(OUTPUT / "storybook-skip-link.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#sb-main")).to_be_focused()
    presses = 0
    reached = "e => e === document.activeElement"
    while not story.locator("#sb-story button").evaluate(reached):
        presses += 1
        assert presses <= 12, "Tab did not reach the story's button within 12 presses"
        page.keyboard.press("Tab")


def test_typing_in_a_control_or_double_clicking_a_story_adds_one_history_entry(
    server: str, page: Any
) -> None:
    # Regression: each keystroke in a control was a push_patch of its own (Back stepped
    # back one character at a time), and a double click on a story or a pill pushed the
    # same URL twice (Back stayed on it).
    page.goto(f"{server}/storybook/?story=button&variation=primary")
    story = live(page)
    start = page.evaluate("history.length")
    page.dblclick('.sb-item-story[data-story="badge"]')
    expect(page).to_have_url(re.compile(r"story=badge"))
    page.wait_for_timeout(500)  # the second click's patch
    assert page.evaluate("history.length") == start + 1
    page.click('.sb-item-story[data-story="button"]')
    expect(page).to_have_url(re.compile(r"story=button&variation=primary"))
    page.click("#control-children")
    page.keyboard.press("End")
    page.keyboard.type(" now", delay=120)
    expect(story.locator("#sb-story button")).to_have_text("Save changes now")
    expect(page).to_have_url(re.compile(r"args="))
    assert page.evaluate("history.length") == start + 3
    page.evaluate("history.back()")  # to the story before the typing, not "Save changes no"
    expect(page.locator("#control-children")).to_have_value("Save changes")
    assert "args=" not in page.url
    page.evaluate("history.forward()")  # back with what was typed
    expect(page.locator("#control-children")).to_have_value("Save changes now")
