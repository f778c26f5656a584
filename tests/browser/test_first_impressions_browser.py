"""What a new user meets first, in Chromium: every demo page and the storybook fit a 390 px
phone without sideways scrolling, and axe-core finds nothing serious or critical in any
demo page (in the states the tests reach) or any story, in the light and the dark theme.

Screenshots of each page at 390 px and at desktop width go to test-output/screenshots/.
axe-core comes from the npm registry, pinned in package.json (scripts/test runs `npm ci`
when node_modules is missing).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ember.storybook import discover
from tests.browser.test_demo_browser import CONNECTED, DemoServer, post

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": 390, "desktop": 1280}
PAGES = {"timeline": "/", "members": "/users", "storybook": "/storybook/"}
PAGES |= {"sign-up": "/sign-up", "log-in": "/log-in"}
PAGES |= {"storybook-all-buttons": "/storybook/?story=button&all=1"}
STORIES = [story.id for story in discover(["ember.storybook.stories"])]


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with tempfile.TemporaryDirectory() as folder:
        running = DemoServer(Path(folder))
        running.start()
        yield running
        running.stop()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"{AXE} is missing; run `npm ci` (scripts/test does when it is missing)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text()


def overflow(page: Any) -> tuple[int, int]:
    """The page's scroll width against the viewport's width."""
    return tuple(page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]"))  # type: ignore[return-value]


def serious(page: Any, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations on the page and in its frames (the
    storybook's canvas is an iframe), one line per node."""
    found = []
    for frame in page.frames:
        prefix = "" if frame == page.main_frame else "(canvas frame) "
        found += [prefix + line for line in _serious_in(frame, axe_source)]
    return found


def _serious_in(frame: Any, axe_source: str) -> list[str]:
    if not frame.evaluate("typeof window.axe === 'object'"):
        frame.evaluate(axe_source)  # the context bypasses CSP: ember's own pages need none
    result = frame.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + "
        "(n.failureSummary || '').split('\\n').slice(1, 2).join(''))})))"
    )
    return [
        f"{v['id']} ({v['impact']}) {node}"
        for v in result
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def open_page(browser: Any, width: int, **options: Any) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 844}, bypass_csp=True, **options
    )
    return context.new_page()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_demo_page_fits_the_width_without_sideways_scrolling(browser, demo, width):
    page = open_page(browser, width)
    page.goto(demo.url)
    page.wait_for_selector(CONNECTED)
    post(page, "A chirp with a long word: supercalifragilisticexpialidocious-and-then-some")
    expect(page.locator(".chirp").first).to_contain_text("supercalifragilistic")
    size = "phone" if width < 600 else "desktop"
    for name, path in PAGES.items():
        page.goto(demo.url + path)
        page.wait_for_selector(CONNECTED)
        if name.startswith("storybook"):  # and its canvas frame
            page.frame_locator("#sb-iframe").locator(CONNECTED).wait_for()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        scroll_width, inner_width = overflow(page)
        assert scroll_width <= inner_width, f"{path} is {scroll_width} px wide at {width} px"
        box = page.locator(".demo-brand .logo, .sb-logo").first.bounding_box()
        assert box is not None
        assert abs(box["width"] - box["height"]) < 1, f"the logo on {path} is squashed: {box}"
    page.context.close()


@pytest.mark.timeout(180)
def test_demo_pages_have_no_serious_accessibility_violations(browser, demo, axe_source):
    found: dict[str, list[str]] = {}
    for scheme in ("light", "dark"):
        page = open_page(browser, 1280, color_scheme=scheme)
        page.goto(demo.url)
        page.wait_for_selector(CONNECTED)
        post(page, f"Checked by axe in the {scheme} theme")
        # This theme's chirp, not the one the previous theme posted, before it is liked.
        expect(page.locator(".chirp").first).to_contain_text(f"Checked by axe in the {scheme}")
        page.locator(".chirp").first.locator("[id^=like-]").click()
        expect(page.locator(".chirp").first.locator("[id^=like-]")).to_have_attribute(
            "aria-pressed", "true"
        )
        found[f"timeline ({scheme})"] = serious(page, axe_source)
        page.goto(demo.url + "/users")
        page.wait_for_selector(CONNECTED)
        page.locator("#register_email").press_sequentially("not-an-email", delay=10)
        page.locator("#register_email").blur()
        expect(page.locator("#register_email-error")).to_be_visible()
        found[f"members with errors ({scheme})"] = serious(page, axe_source)
        page.fill("#register_name", "Ada Lovelace")
        page.fill("#register_email", f"ada-{scheme}@example.com")
        page.click("#register-card button[type=submit]")
        expect(page.locator("#members")).to_contain_text(f"ada-{scheme}@example.com")
        found[f"members ({scheme})"] = serious(page, axe_source)
        page.goto(demo.url + "/sign-up")
        page.wait_for_selector(CONNECTED)
        page.locator("#signup_password").press_sequentially("short", delay=10)
        page.locator("#signup_password").blur()
        expect(page.locator("#signup_password-error")).to_be_visible()
        found[f"sign up with errors ({scheme})"] = serious(page, axe_source)
        page.goto(demo.url + "/log-in")
        page.wait_for_selector(CONNECTED)
        found[f"log in ({scheme})"] = serious(page, axe_source)
        page.context.close()
    problems = {where: nodes for where, nodes in found.items() if nodes}
    assert problems == {}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_story_has_no_serious_accessibility_violations(browser, demo, axe_source, theme):
    page = open_page(browser, 1280)
    problems: dict[str, list[str]] = {}
    for story in STORIES:
        page.goto(f"{demo.url}/storybook/?story={story}&theme={theme}")
        page.wait_for_selector(CONNECTED)
        page.frame_locator("#sb-iframe").locator(CONNECTED).wait_for()
        nodes = serious(page, axe_source)
        if nodes:
            problems[story] = nodes
    page.context.close()
    assert problems == {}
