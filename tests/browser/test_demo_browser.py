"""The demo in a real Chromium: first paint then live, two tabs, forms, restarts, history.

Screenshots of the main pages are kept in test-output/demo/.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests._server import Server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "demo"
CONNECTED = "[data-ember-root].ember-connected"


class DemoServer(Server):
    """``ember demo`` on a free port, with its SQLite file in a folder of its own."""

    def __init__(self, data: Path, **settings: str) -> None:
        super().__init__()
        self.data = data
        self.settings = settings

    QUIET = True

    def command(self) -> list[str]:
        return [sys.executable, "-m", "ember.cli", "demo", "--port", str(self.port)]

    def env(self) -> dict[str, str]:
        env = {**super().env(), "EMBER_DEMO_DATA": str(self.data)}
        env.pop("EMBER_DATABASE_URL", None)
        env.pop("EMBER_PUBSUB_URL", None)
        env.pop("EMBER_RECOVERY_URL", None)
        return {**env, **self.settings}


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with tempfile.TemporaryDirectory() as folder:
        running = DemoServer(Path(folder))
        running.start()
        yield running
        running.stop()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def post(page, body: str) -> None:
    page.fill("#compose_body", body)
    page.click("#compose-card button[type=submit]")


def test_demo_page_arrives_server_rendered_then_goes_live(browser, demo):
    context = browser.new_context(java_script_enabled=False)
    static = context.new_page()
    static.goto(demo.url)
    expect(static.locator("h1")).to_have_text("Timeline")
    expect(static.locator("#compose_body")).to_be_visible()
    context.close()

    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#online-card")).to_contain_text("Online now · 1")
    post(page, "Hello from the browser! ember keeps every tab in sync.")
    expect(page.locator(".chirp").first).to_contain_text("Hello from the browser!")
    page.click("#trending-button")
    expect(page.locator("#trending")).to_contain_text("browser")
    # The counts are drawn on a canvas by the kit's client hook, one bar per word.
    bars = page.locator("#trending li").count()
    expect(page.locator("#trending-chart")).to_have_attribute("data-drawn", str(bars))
    expect(page.locator("#trending-chart")).not_to_have_attribute(
        "data-ember-hook-failed", "mounted"
    )
    shoot(page, "timeline")
    page.close()


def test_demo_post_in_one_tab_appears_in_a_second_tab(browser, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(demo.url)
        page.wait_for_selector(CONNECTED)
    expect(first.locator("#online-card")).to_contain_text("Online now · 2")
    post(first, "Seen in the other tab too")
    expect(second.locator(".chirp").first).to_contain_text("Seen in the other tab too")
    chirp_id = second.locator(".chirp").first.get_attribute("data-chirp")
    second.click(f"#like-{chirp_id}")
    expect(first.locator(f"#like-{chirp_id}")).to_have_text("Like1")
    first.click(f"#repost-{chirp_id}")
    expect(second.locator(f"#repost-{chirp_id}")).to_have_text("Repost1")
    expect(second.locator(".chirp").first).to_contain_text("reposted from")
    shoot(second, "timeline-second-tab")
    context.close()


def test_demo_double_click_on_like_likes_once_and_the_button_shows_it(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    post(page, "Double-click me")
    like = page.locator(".chirp").first.locator("[id^=like-]")
    like.dblclick()
    expect(like).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(500)  # the second click's answer, if it counted, has arrived
    expect(like).to_have_text("Like1")
    expect(like).to_have_accessible_name("Like 1")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_have_text("Like0")
    page.close()


def test_demo_keyboard_only_skip_link_and_ctrl_enter_post_keep_the_focus(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    page.keyboard.press("Tab")
    expect(page.locator(".demo-skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.locator("#compose_body").focus()
    page.keyboard.type("Posted with the keyboard only", delay=15)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".chirp").first).to_contain_text("Posted with the keyboard only")
    expect(page.locator("#compose_body")).to_be_focused()
    expect(page.locator("#compose_body")).to_have_value("")
    page.keyboard.type("And again", delay=15)  # the focus is where the next chirp goes
    page.keyboard.press("Control+Enter")
    expect(page.locator(".chirp").first).to_contain_text("And again")
    expect(page.locator("#compose_body")).to_be_focused()
    page.close()


def test_demo_top_bar_focus_order_follows_its_rows_at_390_px(browser, demo):
    # Regression: at phone width the nav was moved to the bar's last row (CSS order), so
    # Tab went from the brand down to the nav, back up to the activity pill and the
    # account links, then down again to the page.
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    page.locator(".demo-skip").focus()
    places = []
    for _ in range(15):
        page.keyboard.press("Tab")
        place = page.evaluate(
            """() => { const e = document.activeElement;
                if (!e.closest('.demo-bar')) return null;
                const box = e.getBoundingClientRect();
                return [Math.round(box.top), Math.round(box.left), e.textContent.trim()]; }"""
        )
        if place is None:
            break
        places.append(place)
    assert len(places) >= 5, places  # the brand, three links, the pill, the account
    rows = [top for top, _, _ in places]
    assert rows == sorted(rows), f"Tab goes up and down the bar: {places}"
    page.close()


def test_demo_registration_shows_errors_while_typing_then_succeeds(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    page.locator("#register_email").press_sequentially("ada@", delay=20)
    expect(page.locator("#register_email-error")).to_contain_text("must look like a@b.c")
    page.fill("#register_name", "A")
    page.locator("#register_name").blur()
    expect(page.locator("#register_name-error")).to_contain_text("at least 2")
    shoot(page, "members-errors")
    page.fill("#register_name", "Ada Lovelace")
    page.fill("#register_email", "ada@example.com")
    page.click("#register-card button[type=submit]")
    expect(page.locator("#members")).to_contain_text("ada@example.com")
    expect(page.locator("#ember-flash")).to_contain_text("Welcome aboard, Ada Lovelace!")
    shoot(page, "members")
    page.fill("#register_name", "Someone Else")
    page.fill("#register_email", "ada@example.com")
    page.locator("#register_email").blur()
    expect(page.locator("#register_email-error")).to_contain_text("has already been taken")
    page.close()


def test_demo_restart_shows_disconnected_then_recovers(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    post(page, "Written before the restart")
    expect(page.locator(".chirp").first).to_contain_text("Written before the restart")
    before = page.locator("#who").inner_text()
    demo.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    shoot(page, "disconnected")
    # The banner is shown, but not over the top bar: its navigation stays usable.
    banner = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('[data-ember-root]'),"
        " '::before'); return [s.content, s.top, s.bottom]; })()"
    )
    assert "Connection lost" in banner[0]
    bar = page.locator(".demo-bar").bounding_box()
    assert bar is not None
    assert float(banner[2].removesuffix("px")) < 100  # at the bottom of the window
    assert page.evaluate("document.elementFromPoint(100, 20).closest('.demo-bar') !== null")
    demo.start()
    page.wait_for_selector(CONNECTED, timeout=15000)
    # The guest keeps their name across the restart (a signed cookie, issue 15); the post
    # below, shown live, proves the fresh session works.
    expect(page.locator("#who")).to_have_text(before, timeout=15000)
    expect(page.locator(".chirp").first).to_contain_text("Written before the restart")
    post(page, "Written after the restart")
    expect(page.locator(".chirp").first).to_contain_text("Written after the restart", timeout=15000)
    page.close()


def test_demo_back_and_forward_between_the_two_live_pages(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    page.click("nav >> text=Members")
    page.wait_for_selector(f"{CONNECTED} #register")
    expect(page).to_have_url(re.compile(r"/users$"))
    page.go_back()
    page.wait_for_selector(f"{CONNECTED} #compose")
    expect(page.locator("h1")).to_have_text("Timeline")
    page.go_forward()
    page.wait_for_selector(f"{CONNECTED} #register")
    expect(page.locator("h1")).to_have_text("Members")
    storybook = page.locator("nav a[href='./storybook/']")
    if storybook.count():  # mounted when this ember's storybook has its app
        storybook.click()
        page.wait_for_selector(CONNECTED)
        shoot(page, "storybook")
        page.go_back()
        page.wait_for_selector(f"{CONNECTED} #register")
    page.close()


def postgres(url: str, statement: str) -> None:
    """Run one statement (in a subprocess: Playwright's loop owns this thread)."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    script = (
        "import asyncio, asyncpg, sys\n"
        "async def main():\n"
        "    connection = await asyncpg.connect(sys.argv[1])\n"
        "    await connection.execute(sys.argv[2])\n"
        "    await connection.close()\n"
        "asyncio.run(main())\n"
    )
    subprocess.run([sys.executable, "-c", script, dsn, statement], check=True, timeout=30)


def test_two_demo_processes_share_the_timeline_over_postgres_and_redis(
    browser, postgres_url, redis_url, tmp_path
):
    schema = f"ember_demo_{uuid.uuid4().hex[:10]}"
    postgres(postgres_url, f"CREATE SCHEMA {schema}")
    settings = {
        "EMBER_DATABASE_URL": postgres_url,
        "EMBER_DATABASE_SEARCH_PATH": schema,
        "EMBER_PUBSUB_URL": redis_url,
    }
    servers = [DemoServer(tmp_path, **settings) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        first, second = context.new_page(), context.new_page()
        first.goto(servers[0].url)
        second.goto(servers[1].url)
        for page in (first, second):
            page.wait_for_selector(CONNECTED)
        expect(second.locator("#online-card")).to_contain_text("Online now · 2")
        post(first, "From the first process to the second")
        expect(second.locator(".chirp").first).to_contain_text("From the first process")
        chirp_id = second.locator(".chirp").first.get_attribute("data-chirp")
        second.click(f"#like-{chirp_id}")
        expect(first.locator(f"#like-{chirp_id}")).to_have_text("Like1")
        context.close()
    finally:
        for server in servers:
            server.stop()
        postgres(postgres_url, f"DROP SCHEMA {schema} CASCADE")


def register_by_typing(page, name: str, email: str) -> None:
    """Type as a person does (80 ms a key), then press Enter in the email field."""
    page.click("#register_name")
    page.keyboard.type(name, delay=80)
    page.click("#register_email")
    page.keyboard.type(email, delay=80)
    page.keyboard.press("Enter")


def test_second_registration_after_enter_keeps_every_typed_character(browser, demo):
    # Issue 20: after one registration submitted with Enter, the next one lost the first
    # character typed into Email (an update reset the focused input while the user typed).
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    register_by_typing(page, "Ada Lovelace", "ada@example.com")
    expect(page.locator("#members")).to_contain_text("ada@example.com")
    expect(page.locator("#register_email")).to_have_value("")
    register_by_typing(page, "Grace Hopper", "grace@example.com")
    expect(page.locator("#members")).to_contain_text("grace@example.com")
    expect(page.locator("#members")).to_contain_text("Grace Hopper")
    page.close()


def test_double_click_on_chirp_and_register_submits_once(browser, demo):
    # Issue 20: the second click submitted the freshly cleared form ("can't be blank"
    # under the success toast, or an empty chirp).
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    page.fill("#compose_body", "Posted with a double click")
    page.dblclick("#compose-card button[type=submit]")
    expect(page.locator(".chirp").first).to_contain_text("Posted with a double click")
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    page.fill("#register_name", "Ada Lovelace")
    page.fill("#register_email", "ada@example.com")
    button = page.locator("#register-card button[type=submit]")
    button.dblclick()
    expect(page.locator("#members")).to_contain_text("ada@example.com")
    page.wait_for_timeout(500)
    assert "can't be blank" not in page.inner_text("#register-card")
    assert sum('"onSubmit"' in frame or ':onSubmit"' in frame for frame in sent) == 2
    page.close()
