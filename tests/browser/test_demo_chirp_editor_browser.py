"""The demo's inline chirp editor (a LiveComponent) in Chromium, keyboard only, at 390 px:
typing at human speed, Escape cancels, an invalid edit shows the changeset's error on the
field, Enter saves and every tab shows the new text. Screenshots go to test-output/demo/."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_demo_browser import (  # noqa: F401
    CONNECTED,
    SHOTS,
    DemoServer,
    demo,
    shoot,
)
from tests.browser.test_first_impressions_browser import axe_source, serious  # noqa: F401
from tests.browser.test_form_recovery_browser import DISCONNECTED, crash

KEY_DELAY_MS = 70  # a person typing


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is on ``selector`` (keyboard only, as a person would)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_demo_chirp_editor_keyboard_only_at_390_px(browser, demo, axe_source):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    other = context.new_page()
    other.goto(demo.url)
    other.wait_for_selector(CONNECTED)

    tab_to(page, "#compose_body")
    page.keyboard.type("A chirp with a tpyo", delay=KEY_DELAY_MS)
    page.keyboard.press("Control+Enter")
    mine = page.locator("#my-chirps .my-chirp").first
    expect(mine).to_contain_text("A chirp with a tpyo")
    chirp_id = (mine.get_attribute("id") or "").removeprefix("my-chirp-")
    edit, field = f"#edit-chirp-{chirp_id}", f"#edit-{chirp_id}_body"

    # Escape cancels: the text stays, the focus goes back to Edit.
    tab_to(page, edit)
    page.keyboard.press("Enter")
    expect(page.locator(field)).to_be_focused()
    expect(page.locator(field)).to_have_value("A chirp with a tpyo")
    page.keyboard.press("End")
    page.keyboard.type(" and more", delay=KEY_DELAY_MS)
    page.keyboard.press("Escape")
    expect(page.locator(field)).to_have_count(0)
    expect(page.locator(edit)).to_be_focused()
    expect(page.locator(f"#my-chirp-{chirp_id} .my-chirp-body")).to_have_text("A chirp with a tpyo")
    page.locator("#my-chirps-card").screenshot(path=str(SHOTS / "chirp-editor-card-390.png"))

    # An invalid edit: the changeset's error on the field, and Enter does not save it.
    page.keyboard.press("Enter")
    expect(page.locator(field)).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    error = page.locator(f"{field}-error")
    expect(error).to_have_text("can't be blank")
    expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Enter")
    expect(error).to_have_text("can't be blank")
    no_sideways_scroll(page)
    assert serious(page, axe_source) == []  # the open editor, with its error
    shoot(page, "chirp-editor-error-390")

    # Enter saves: this card, this timeline and the other tab's show the new text.
    page.keyboard.type("A chirp without a typo", delay=KEY_DELAY_MS)
    expect(error).to_have_count(0)
    shoot(page, "chirp-editor-typing-390")
    page.keyboard.press("Enter")
    expect(page.locator(field)).to_have_count(0)
    expect(page.locator(edit)).to_be_focused()
    fixed = "A chirp without a typo"
    expect(page.locator(f"#my-chirp-{chirp_id} .my-chirp-body")).to_have_text(fixed)
    expect(page.locator(f"[data-chirp='{chirp_id}'] .chirp-body")).to_have_text(fixed)
    expect(other.locator(f"[data-chirp='{chirp_id}'] .chirp-body")).to_have_text(fixed)
    expect(page.locator("#ember-flash")).to_contain_text("Chirp updated.")
    no_sideways_scroll(page)
    shoot(page, "chirp-editor-saved-390")
    context.close()


@pytest.mark.parametrize("store", ["default", pytest.param("redis", marks=pytest.mark.redis)])
def test_open_chirp_editor_comes_back_after_its_worker_is_killed(browser, store, request):
    """SIGKILL under an open editor: the restarted worker reads the session's snapshot from
    the demo's own SQLite file (by default) or from Redis, and the component reopens with
    its draft (form auto-recover alone could not: the closed editor has no form to
    recover)."""
    with tempfile.TemporaryDirectory() as folder:
        if store == "redis":
            settings = {"EMBER_RECOVERY_URL": request.getfixturevalue("redis_url")}
        else:
            settings = {}
        server = DemoServer(Path(folder), **settings)
        server.start()
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(server.url)
            page.wait_for_selector(CONNECTED)
            tab_to(page, "#compose_body")
            page.keyboard.type("Edited across a crash", delay=KEY_DELAY_MS)
            page.keyboard.press("Control+Enter")
            mine = page.locator("#my-chirps .my-chirp").first
            expect(mine).to_contain_text("Edited across a crash")
            chirp_id = (mine.get_attribute("id") or "").removeprefix("my-chirp-")
            field = f"#edit-{chirp_id}_body"
            tab_to(page, f"#edit-chirp-{chirp_id}")
            page.keyboard.press("Enter")
            expect(page.locator(field)).to_be_focused()
            page.keyboard.press("Control+A")
            page.keyboard.press("Backspace")
            expect(page.locator(f"{field}-error")).to_have_text("can't be blank")
            crash(server)
            page.wait_for_selector(DISCONNECTED)
            server.start()
            page.wait_for_selector(CONNECTED, timeout=20000)
            expect(page.locator(field)).to_have_value("")
            expect(page.locator(f"{field}-error")).to_have_text("can't be blank")
            page.locator(field).press_sequentially("Saved after the crash", delay=KEY_DELAY_MS)
            page.locator(field).press("Enter")
            expect(page.locator(f"[data-chirp='{chirp_id}'] .chirp-body")).to_have_text(
                "Saved after the crash"
            )
            page.close()
        finally:
            server.stop()
        if store == "default":  # the demo's snapshots were in its data folder
            assert (Path(folder) / "recovery.db").is_file()


def test_demo_chirp_editor_sends_only_escape_of_its_keys(browser, demo):  # noqa: F811
    """data-ember-key="Escape": typing in the editor sends no keydown frames (its onChange
    still validates), Escape still reaches the server and cancels."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    keydowns: list[str] = []

    def watch(ws) -> None:
        def sent(payload) -> None:
            text = payload if isinstance(payload, str) else payload.decode(errors="replace")
            if '"keydown"' in text:
                keydowns.append(text)

        ws.on("framesent", sent)

    page.on("websocket", watch)
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    tab_to(page, "#compose_body")
    page.keyboard.type("Keys stay in the tab", delay=KEY_DELAY_MS)
    page.keyboard.press("Control+Enter")
    mine = page.locator("#my-chirps .my-chirp").first
    expect(mine).to_contain_text("Keys stay in the tab")
    chirp_id = (mine.get_attribute("id") or "").removeprefix("my-chirp-")
    edit, field = f"#edit-chirp-{chirp_id}", f"#edit-{chirp_id}_body"

    tab_to(page, edit)
    page.keyboard.press("Enter")
    expect(page.locator(field)).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" twenty more letters", delay=KEY_DELAY_MS)  # 20 characters
    expect(page.locator(field)).to_have_value("Keys stay in the tab twenty more letters")
    assert keydowns == []
    page.keyboard.press("Escape")
    expect(page.locator(field)).to_have_count(0)
    expect(page.locator(edit)).to_be_focused()
    assert len(keydowns) == 1
    assert '"Escape"' in keydowns[0]
    context.close()


def test_demo_chirp_editor_field_is_not_under_the_toast_at_390_px(browser, demo):  # noqa: F811
    """Regression: at 390 px, the "Chirp posted." toast (fixed at the bottom, the width of
    the screen) covered the editor's field that Enter on Edit had just focused."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    tab_to(page, "#compose_body")
    page.keyboard.type("Under the toast", delay=KEY_DELAY_MS)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".ember-toast")).to_contain_text("Chirp posted.")
    mine = page.locator("#my-chirps .my-chirp").first
    expect(mine).to_contain_text("Under the toast")
    chirp_id = (mine.get_attribute("id") or "").removeprefix("my-chirp-")
    tab_to(page, f"#edit-chirp-{chirp_id}")
    page.keyboard.press("Enter")
    field = page.locator(f"#edit-{chirp_id}_body")
    expect(field).to_be_focused()
    page.wait_for_timeout(200)  # the focus's scroll
    box, toast = field.bounding_box(), page.locator(".ember-flash-group").bounding_box()
    assert box is not None
    assert toast is not None
    assert box["y"] + box["height"] <= toast["y"], (box, toast)
    shoot(page, "chirp-editor-above-toast-390")
    context.close()


def test_demo_chirp_editor_double_click_on_save_saves_once(browser, demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    submits: list[str] = []

    def watch(ws) -> None:
        def sent(payload) -> None:
            text = payload if isinstance(payload, str) else payload.decode(errors="replace")
            if '"submit"' in text:
                submits.append(text)

        ws.on("framesent", sent)

    page.on("websocket", watch)
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    tab_to(page, "#compose_body")
    page.keyboard.type("Saved once", delay=KEY_DELAY_MS)
    page.keyboard.press("Control+Enter")
    mine = page.locator("#my-chirps .my-chirp").first
    expect(mine).to_contain_text("Saved once")
    chirp_id = (mine.get_attribute("id") or "").removeprefix("my-chirp-")
    submits.clear()  # the compose form's
    page.click(f"#edit-chirp-{chirp_id}")
    field = page.locator(f"#edit-{chirp_id}_body")
    expect(field).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type("!", delay=KEY_DELAY_MS)
    page.locator(f"#my-chirp-{chirp_id} button[type=submit]").dblclick()
    expect(page.locator(f"#my-chirp-{chirp_id} .my-chirp-body")).to_have_text("Saved once!")
    page.wait_for_timeout(500)
    assert len(submits) == 1, submits
    expect(page.locator(f"#edit-chirp-{chirp_id}")).to_be_focused()
    context.close()
