"""Script URLs in Chromium: however a ``javascript:`` URL is disguised, ember's filter reads
it as the browser does, so nothing runs, in the first paint and in live updates alike."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from ember.live._reactpy import url_scheme
from tests._server import Server

from .test_live_browser import CONNECTED

SCRIPT = "javascript:alert(1)"
# Each of these ran in Chromium before the filter read whole values (issue 23, case 1).
DISGUISES = [
    " " * 60 + SCRIPT,
    "\t" * 70 + SCRIPT,
    "\x01" * 10 + " " * 60 + SCRIPT,
    "java\tscr\nipt:alert(1)",
    "  \t" * 30 + "JaVa\tScRiPt:alert(1)",
    SCRIPT + " " * 80,
]


class SecurityServer(Server):
    APP = "tests.browser.security_app:app"


@pytest.fixture(scope="module")
def security_server() -> Iterator[SecurityServer]:
    running = SecurityServer()
    running.start()
    yield running
    running.stop()


def _open(page, server: Server, payload: str, *, live: bool) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    query = {"p": payload, **({"live": "1"} if live else {})}
    page.goto(f"{server.url}/urls?{urlencode(query)}")
    page.wait_for_selector(CONNECTED)
    if live:
        page.click("#show")
        expect(page.locator("#state")).to_have_text("shown")
    return dialogs


@pytest.mark.parametrize("live", [False, True], ids=["first-paint", "live"])
@pytest.mark.parametrize("payload", DISGUISES, ids=range(len(DISGUISES)))
def test_disguised_script_url_runs_nowhere(browser, security_server, payload, live):
    context = browser.new_context()
    try:
        for sink in ("#frame", "#link", "#submit", "#formaction"):
            page = context.new_page()
            dialogs = _open(page, security_server, payload, live=live)
            if sink != "#frame":  # an iframe loads its src with no click at all
                page.click(sink, no_wait_after=True)
            page.wait_for_timeout(150)
            assert dialogs == [], f"{sink} ran a script from {payload!r}"
            page.close()
    finally:
        context.close()


def test_the_unfiltered_payload_would_run(browser, security_server):
    # The same page with a URL the filter lets through: proves the sinks above are live.
    context = browser.new_context()
    page = context.new_page()
    dialogs = _open(page, security_server, "data:text/html,<script>alert(2)</script>", live=True)
    expect(page.locator("#frame")).to_have_attribute(
        "src", "data:text/html,<script>alert(2)</script>"
    )
    page.wait_for_timeout(300)
    context.close()
    assert dialogs == ["2"]


# Values built from the characters the URL parser strips or skips, around scheme names.
_NOISE = st.text(st.sampled_from("\x00\x01\x08\t\n\r\x0b\x0c\x1f \x7f\xa0"), max_size=80)
_SCHEMES = st.sampled_from(
    ["javascript", "JavaScript", "vbscript", "http", "data", "jav\x01ascript"]
)


@st.composite
def _disguised(draw) -> str:
    scheme = draw(_SCHEMES)
    cut = draw(st.integers(0, len(scheme)))
    inner = draw(st.text(st.sampled_from("\t\n\r"), max_size=3))
    return draw(_NOISE) + scheme[:cut] + inner + scheme[cut:] + ":x" + draw(_NOISE)


def test_url_scheme_reads_what_chromium_reads(browser):
    values = st.lists(_disguised(), min_size=400, max_size=400)

    page = browser.new_page()
    page.goto("about:blank")
    checked: list[int] = []

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
    @given(values)
    def agree(batch: list[str]) -> None:
        browser_schemes = page.evaluate(
            """values => values.map(v => {
                try { return new URL(v, "https://ember.test/page").protocol.slice(0, -1); }
                catch (e) { return "invalid"; }
            })""",
            batch,
        )
        for value, seen in zip(batch, browser_schemes, strict=True):
            ours = url_scheme(value) or "https"  # relative: resolved against the page
            if seen != "invalid":
                assert ours == seen, repr(value)
        checked.append(len(batch))

    agree()
    page.close()
    assert sum(checked) >= 2000
