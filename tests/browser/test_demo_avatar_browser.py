"""The demo's avatar upload in Chromium: a member picks a picture, it is resized to 128 px
by Pillow in a worker thread, and every open members page shows it."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_demo_browser import CONNECTED, demo  # noqa: F401 - the fixture


def picture(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_demo_member_uploads_an_avatar_that_every_members_page_shows(browser, demo):  # noqa: F811
    watcher = browser.new_page()
    watcher.goto(f"{demo.url}/users")
    watcher.wait_for_selector(CONNECTED)
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    page.fill("#register_name", "Grace Hopper")
    page.fill("#register_email", "grace@example.com")
    page.click("#register-card button[type=submit]")
    expect(page.locator("#avatar-card")).to_contain_text("Welcome, Grace Hopper!")
    page.set_input_files(
        "#avatar-input", [{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": picture(640, 480)}]
    )
    row = page.locator("#avatar-card .ember-upload-entry")
    expect(row.locator("progress")).to_have_attribute("value", "100")
    expect(row.locator("img.ember-upload-preview")).to_have_attribute(
        "src", re.compile(r"^data:image/jpeg;base64,/9j/")
    )
    page.click("#avatar-save")
    shown = page.locator("#members img.ember-avatar[alt='Grace Hopper']")
    expect(shown).to_have_attribute("src", re.compile(r"^\./avatars/\d+\.png\?v=\d+$"))
    response = page.request.get(shown.evaluate("image => image.src"))  # resolved
    assert response.status == 200
    assert Image.open(io.BytesIO(response.body())).size == (128, 128)
    expect(watcher.locator("#members img.ember-avatar[alt='Grace Hopper']")).to_be_visible()
    expect(page.locator("#avatar-card .ember-upload-entry")).to_have_count(0)


def test_demo_avatar_that_is_not_an_image_is_refused(browser, demo):  # noqa: F811
    page = browser.new_page()
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    page.fill("#register_name", "Mallory")
    page.fill("#register_email", "mallory@example.com")
    page.click("#register-card button[type=submit]")
    expect(page.locator("#avatar-card")).to_be_visible()
    page.set_input_files(
        "#avatar-input",
        [{"name": "me.png", "mimeType": "image/png", "buffer": b"<svg onload=alert(1)>"}],
    )
    expect(page.locator("#avatar-card .ember-upload-error")).to_have_text(
        "Not accepted: the file's content does not match its type."
    )
