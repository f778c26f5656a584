"""ember's attribute rules in Chromium, in the first paint and in live updates alike:

- however a ``javascript:`` URL is disguised, ember's filter reads it as the browser does,
  so nothing runs (issue 23, case 1);
- an event-handler attribute in any case (``ONANIMATIONSTART``) never reaches the page,
  also through the storybook's URL arguments (case 2), and a ``data:`` document never
  loads where it could carry script;
- ``class``/``className``/``class_name`` and ``for``/``htmlFor``/``html_for`` all work.

The app (``security_app.py``) sends no Content-Security-Policy, so what these tests show
is ember's own filtering, not the header's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from ember.live.engine._sanitize import url_scheme
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


@pytest.mark.parametrize("live", [False, True], ids=["first-paint", "live"])
def test_the_sinks_are_live_with_a_url_ember_allows(browser, security_server, live):
    # A same-site page with a script, in the iframe: proves the sinks above load what passes.
    context = browser.new_context()
    page = context.new_page()
    dialogs = _open(page, security_server, "/ran", live=live)
    expect(page.locator("#frame")).to_have_attribute("src", "/ran")
    page.wait_for_timeout(300)
    context.close()
    assert dialogs
    assert set(dialogs) == {"ran"}  # the first paint's iframe, then the live page's


@pytest.mark.parametrize("live", [False, True], ids=["first-paint", "live"])
def test_a_data_document_never_loads_in_an_iframe(browser, security_server, live):
    context = browser.new_context()
    page = context.new_page()
    dialogs = _open(page, security_server, "data:text/html,<script>alert(2)</script>", live=live)
    expect(page.locator("#frame")).to_have_attribute("src", "about:blank#blocked")
    page.wait_for_timeout(300)
    context.close()
    assert dialogs == []


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


# -- event-handler attributes (issue 23, case 2) ------------------------------------------------


def _dialogs(page) -> list[str]:
    seen: list[str] = []

    def dismiss(dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


def test_storybook_url_args_cannot_add_an_event_handler(browser):
    # The attack as it was found: the storybook's URL arguments give a description list's
    # value the attributes of its <dd>, ONANIMATIONSTART among them, and a style that fires
    # it with no interaction. Before ember refused handler attributes in any case, the live
    # page showed the dialog.
    storybook = Server(
        secret="storybook-browser-secret-0123456789", app="tests.storybook.browser_app:app"
    )
    storybook.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs = _dialogs(page)
        value = {"ONANIMATIONSTART": "alert(document.domain)", "style": "animation: ember-spin 1s"}
        args = json.dumps({"items": [["Name", value]]})
        page.goto(
            f"{storybook.url}/storybook/?{urlencode({'story': 'description-list', 'args': args})}"
        )
        page.wait_for_selector("[data-ember-live] .sb", timeout=10_000)
        story = page.frame_locator("#sb-iframe")  # the story renders in the canvas frame
        expect(story.locator("[data-ember-live] #sb-story")).to_contain_text("failed to render")
        page.wait_for_timeout(500)
        assert dialogs == []  # a dialog from any frame of the page counts
        assert page.locator("[onanimationstart]").count() == 0
        assert story.locator("[onanimationstart]").count() == 0
    finally:
        context.close()
        storybook.stop()


_HANDLER_NAMES = st.sampled_from(["onanimationstart", "onerror", "onload", "onanimationend"])


@st.composite
def _handler_disguise(draw) -> list[str]:
    # Handlers that fire with no interaction: an <img> whose src is missing fires error,
    # a <div> with an animation fires the animation events (security_app.Element).
    name = draw(_HANDLER_NAMES)
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    spelled = "".join(c.upper() if up else c for c, up in zip(name, flips, strict=True))
    tag = "img" if name in {"onerror", "onload"} else "div"
    return [tag, spelled, f"alert('{spelled}')"]


@st.composite
def _url_disguise(draw) -> list[str]:
    scheme = draw(
        st.sampled_from(["javascript:alert('u')", "data:text/html,<script>alert('d')</script>"])
    )
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in scheme[:4]) + scheme[4:]
    pad = draw(st.text(st.sampled_from("\x00\x01\t\n\r \x1f"), max_size=30))
    name = draw(st.sampled_from(["src", "SRC", "Src"]))
    return ["iframe", name, pad + cased]


def _attrs_url(server: Server, items: list[list[str]], *, live: bool) -> str:
    query = {"items": json.dumps(items), **({"live": "1"} if live else {})}
    return f"{server.url}/attrs?{urlencode(query)}"


@pytest.mark.parametrize("live", [False, True], ids=["first-paint", "live"])
def test_generated_disguises_run_nothing_in_chromium(browser, security_server, live):
    # Each batch ends with a control that must run (an iframe of a same-site page with a
    # script): no dialog from the rest is a result, not a dead page.
    control = ["iframe", "src", "/ran"]
    batches: list[list[list[str]]] = []

    @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(_handler_disguise(), _url_disguise()), min_size=25, max_size=25))
    def collect(batch: list[list[str]]) -> None:
        batches.append(batch)

    collect()
    context = browser.new_context()
    try:
        for batch in batches:
            page = context.new_page()
            dialogs = _dialogs(page)
            page.goto(_attrs_url(security_server, [*batch, control], live=live))
            page.wait_for_selector(CONNECTED)
            if live:
                page.click("#show")
                expect(page.locator("#state")).to_have_text("shown")
            expect(page.locator(f"#el-{len(batch)}")).to_have_attribute("src", "/ran")
            page.wait_for_timeout(400)
            assert dialogs, "the control did not run: the page is dead"
            assert set(dialogs) == {"ran"}, batch
            handlers = page.evaluate(
                """() => [...document.querySelectorAll('*')].flatMap(e =>
                    [...e.attributes].map(a => a.name).filter(n => n.startsWith('on')))"""
            )
            assert handlers == [], batch
            page.close()
    finally:
        context.close()


# -- one spelling per attribute (issue 25's attribute-name item) --------------------------


def test_class_and_for_work_in_every_spelling_in_the_first_paint(browser, security_server):
    # Script off: the page as the server wrote it, before any client takes over.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{security_server.url}/names")
        seen = [
            [page.get_attribute(f"#{id}", "class"), page.get_attribute(f"#{id}", "for")]
            for id in ("snake", "react", "plain")
        ]
        assert seen == [["a", "field"], ["b", "field"], ["c", "field"]]
        field = page.locator("#field")
        assert field.get_attribute("tabindex") == "0"
        assert field.get_attribute("aria-label") == "field"
        assert field.get_attribute("data-x") == "y"
    finally:
        context.close()


def test_class_and_for_work_in_every_spelling_live(browser, security_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{security_server.url}/names?live=1")
        page.wait_for_selector(CONNECTED)
        page.click("#show")
        page.wait_for_selector("[data-ember-live] #field")
        seen = page.evaluate(
            """() => ['snake', 'react', 'plain'].map(id => {
                const label = document.querySelector(`[data-ember-live] #${id}`);
                return [label.className, label.htmlFor];
            })"""
        )
        assert seen == [["a", "field"], ["b", "field"], ["c", "field"]]
        field = page.locator("[data-ember-live] #field")
        assert field.get_attribute("tabindex") == "0"
        assert field.get_attribute("aria-label") == "field"
        assert field.get_attribute("data-x") == "y"
        page.click("[data-ember-live] #snake")  # a label's for works: it focuses the input
        assert page.evaluate("document.activeElement.id") == "field"
    finally:
        context.close()


def test_two_spellings_of_one_attribute_are_refused(browser, security_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"{security_server.url}/twice")
        assert response is not None
        assert response.status == 200
        page.wait_for_selector(CONNECTED)
        expect(page.locator("[data-ember-live]")).to_contain_text("failed to render")
        assert page.locator("#twice").count() == 0
    finally:
        context.close()


# -- navigation targets (issue 23, case 5) -------------------------------------------------


@pytest.mark.parametrize(
    "target", ["/\\host.test/landing", "/\t/host.test/landing", "/%5Chost.test/landing"]
)
def test_push_navigate_to_another_host_is_refused(browser, security_server, target):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{security_server.url}/go?{urlencode({'to': target})}")
        page.wait_for_selector(CONNECTED)
        page.click("#go")
        page.wait_for_timeout(700)
        assert page.url.startswith(security_server.url), page.url
    finally:
        context.close()


def test_push_navigate_to_a_path_on_this_site_goes(browser, security_server):
    # The control: the same button with a same-site path does navigate.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{security_server.url}/go?to=/names")
        page.wait_for_selector(CONNECTED)
        page.click("#go")
        page.wait_for_url(f"{security_server.url}/names")
    finally:
        context.close()
