"""The demo's members in Chromium: sign up typing as a person does, stay logged in across
a reload, post under the member's name, log out and be the guest again in every tab; at
390 px and with the keyboard only (issue 15). Screenshots go to test-output/demo/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_demo_browser import CONNECTED, demo, shoot  # noqa: F401 - the fixture

PASSWORD = "correct horse battery"
TYPING_MS = 60  # a person's pace: the form validates while they type


def test_demo_sign_up_reload_post_and_log_out_in_every_tab(browser, demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page, other = context.new_page(), context.new_page()
    other.goto(demo.url)
    other.wait_for_selector(CONNECTED)
    guest = other.locator("#who").inner_text()
    assert re.fullmatch(r"You are guest-\d{4}", guest)

    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    page.click("#sign-up-link")
    expect(page.locator("h1")).to_have_text("Sign up")
    page.wait_for_selector(CONNECTED)
    page.locator("#signup_name").press_sequentially("Ada Lovelace", delay=TYPING_MS)
    page.locator("#signup_email").press_sequentially("Ada@Example.com", delay=TYPING_MS)
    page.locator("#signup_password").press_sequentially("too short", delay=TYPING_MS)
    expect(page.locator("#signup_password-error")).to_contain_text("at least 12")
    page.locator("#signup_password").press_sequentially(" no more", delay=TYPING_MS)
    expect(page.locator("#signup_password-error")).to_have_count(0)
    page.click("#signup-card button[type=submit]")

    expect(page.locator("#who")).to_have_text("You are Ada Lovelace")
    expect(page.locator(".ember-toast")).to_contain_text("Welcome aboard")
    page.reload()
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#who")).to_have_text("You are Ada Lovelace")
    expect(page.locator("#compose_author")).to_have_count(0)
    page.fill("#compose_body", "Chirping as a member")
    page.click("#compose-card button[type=submit]")
    chirp = page.locator(".chirp").first
    expect(chirp).to_contain_text("Chirping as a member")
    expect(chirp.locator(".chirp-meta strong")).to_have_text("Ada Lovelace")
    shoot(page, "member-timeline")

    # The second tab of the same browser: reloaded, it is the member too; then log out in
    # the first, and the second is sent back to the guest without a reload of its own.
    other.reload()
    other.wait_for_selector(CONNECTED)
    expect(other.locator("#who")).to_have_text("You are Ada Lovelace")
    page.click("#log-out")
    expect(page.locator("#who")).to_have_text(guest)
    expect(page.locator(".ember-toast")).to_contain_text("you are a guest again")
    expect(other.locator("#who")).to_have_text(guest)
    expect(other.locator("#log-in-link")).to_be_visible()
    context.close()


def test_demo_keyboard_only_log_in_at_390_px(browser, demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{demo.url}/sign-up")
    page.wait_for_selector(CONNECTED)
    page.fill("#signup_name", "Grace")
    page.fill("#signup_email", "grace@example.com")
    page.fill("#signup_password", PASSWORD)
    page.click("#signup-card button[type=submit]")
    expect(page.locator("#who")).to_have_text("You are Grace")
    page.click("#log-out")
    expect(page.locator("#log-in-link")).to_be_visible()

    page.goto(f"{demo.url}/log-in")
    page.wait_for_selector(CONNECTED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shoot(page, "log-in-390")
    # Tab from the top of the page to the email field, type, Tab, type, Enter.
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "login-email":
            break
    assert page.evaluate("document.activeElement.id") == "login-email"
    page.keyboard.type("grace@example.com")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "login-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#who")).to_have_text("You are Grace")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "member-timeline-390")
    page.goto(f"{demo.url}/sign-up")
    page.wait_for_selector(CONNECTED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_demo_wrong_password_says_so_in_the_browser(browser, demo):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{demo.url}/log-in")
    page.wait_for_selector(CONNECTED)
    page.fill("#login-email", "nobody@example.com")
    page.fill("#login-password", "not the password")
    page.press("#login-password", "Enter")
    expect(page.locator(".ember-toast")).to_contain_text("Invalid email or password.")
    expect(page.locator("#log-in-link")).to_be_visible()
    page.wait_for_selector(CONNECTED)  # the live form keeps the address typed, too
    expect(page.locator("#login-email")).to_have_value("nobody@example.com")
    expect(page.locator("#login-password")).to_have_value("")
    shoot(page, "log-in-refused")
    page.close()
