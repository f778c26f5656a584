"""ember's attribute rules (live/engine/_sanitize.py), one rule at a time, through the functions the
render path calls; the browser tests (tests/browser/test_security_browser.py) show the
same rules holding in Chromium."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from reactpy import component, html

from ember.live import (
    Ember,
    LiveSettings,
    NavigationError,
    RenderError,
    use_page_location,
    use_session,
)
from ember.live.engine._html import model_to_html
from ember.live.engine._sanitize import (
    BLOCKED_URL,
    react_name,
    refused_element,
    safe_attributes,
    safe_url,
    same_site_path,
    srcset_urls,
)
from ember.live.testing import LiveClient


@pytest.mark.parametrize(
    "name", ["onclick", "ONANIMATIONSTART", "onClick", "OnErRoR", "on_click", "oNfOcUs"]
)
def test_event_handler_attributes_are_refused_in_any_case(name):
    with pytest.raises(RenderError, match="event handler"):
        safe_attributes("div", {name: "alert(1)"}, "")


def test_an_absent_handler_attribute_is_left_alone():
    attributes = {"onClick": None, "id": "x"}
    assert safe_attributes("div", attributes, "") is attributes


@pytest.mark.parametrize("name", ["dangerouslySetInnerHTML", "srcdoc", "SRCDOC", "httpEquiv"])
def test_markup_attributes_are_refused_in_any_case(name):
    with pytest.raises(RenderError, match="raw HTML"):
        safe_attributes("iframe", {name: "x"}, "")


@pytest.mark.parametrize("tag", ["script", "SCRIPT", "Script", "base"])
def test_script_and_base_elements_are_refused(tag):
    assert refused_element(tag) is not None


@pytest.mark.parametrize(
    ("tag", "name", "value", "kept"),
    [
        ("img", "src", "data:image/png;base64,AAAA", True),
        ("img", "srcSet", "data:image/png;base64,AAAA 1x, /a.png 2x", True),
        ("video", "poster", " DATA:image/png;base64,AAAA", True),
        ("iframe", "src", "data:text/html,<script>alert(1)</script>", False),
        ("IFRAME", "SRC", "\t data:text/html,x", False),
        ("object", "data", "data:text/html,x", False),
        ("embed", "src", "data:text/html,x", False),
        ("a", "href", "data:text/html,x", False),
        ("form", "action", "data:text/html,x", False),
        ("button", "FORMACTION", "data:text/html,x", False),
        ("a", "href", "https://example.com/", True),
        ("a", "href", "/relative?x=javascript:", True),
        ("img", "srcset", "/a.png 1x, javascript:alert(1) 2x", False),
        ("img", "srcset", "/a.png 1x,javascript:alert(1)", False),
        ("source", "srcset", "/a.png, /b.png 2x", True),
        ("a", "ping", "/count javascript:alert(1)", False),
        ("use", "xlinkHref", "javascript:alert(1)", False),
        ("use", "xlink:href", "javascript:alert(1)", False),
        ("a", "HREF", "  JaVaScRiPt:alert(1)", False),
        ("html", "manifest", "javascript:x", False),
        ("blockquote", "cite", "vbscript:x", False),
    ],
)
def test_url_attributes_by_tag_and_scheme(tag, name, value, kept):
    safe = safe_attributes(tag, {name: value}, "")
    assert (safe[react_name(name)] == value) is kept
    if not kept:
        assert safe[react_name(name)] == BLOCKED_URL


def test_srcset_candidates_are_split_as_the_html_parser_splits_them():
    value = "a.png 1x, data:image/png;base64,AA== 2x,c.png, d.png (x, y) 3x, e.png"
    assert list(srcset_urls(value)) == [
        "a.png",
        "data:image/png;base64,AA==",
        "c.png",
        "d.png",
        "e.png",
    ]
    assert safe_url("img", "srcset", value)


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("class_name", "className"),
        ("class", "className"),
        ("html_for", "htmlFor"),
        ("for", "htmlFor"),
        ("tab_index", "tabIndex"),
        ("aria_label", "aria-label"),
        ("data_user_id", "data-user-id"),
        ("className", "className"),
        ("aria-label", "aria-label"),
    ],
)
def test_attribute_names_have_one_spelling(name, sent):
    assert react_name(name) == sent
    assert list(safe_attributes("label", {name: "v"}, "")) == [sent]


@pytest.mark.parametrize(
    "attributes",
    [
        {"class": "a", "className": "b"},
        {"class_name": "a", "class": "b"},
        {"for": "x", "htmlFor": "y"},
    ],
)
def test_two_spellings_of_one_attribute_are_an_error(attributes):
    with pytest.raises(RenderError, match="one spelling"):
        safe_attributes("label", attributes, "")


def test_the_html_writer_drops_handler_attributes_in_any_case_on_its_own():
    # A model that did not pass the render path (built by hand) still cannot carry one.
    model = {
        "tagName": "div",
        "attributes": {"ONANIMATIONSTART": "alert(1)", "OnClick": "x", "class_name": "c"},
        "children": [{"tagName": "iframe", "attributes": {"SRC": "data:text/html,x"}}],
    }
    assert model_to_html(model) == (f'<div class="c"><iframe src="{BLOCKED_URL}"></iframe></div>')


ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
app = FastAPI()


@component
def Names():
    return html.label({"id": "l", "html_for": "f", "class_name": "c"}, "label")


@component
def Handler():
    return html.div({"id": "d", "ONANIMATIONSTART": "alert(1)"}, "x")


ember.mount(app, "/names", Names)
ember.mount(app, "/handler", Handler)


async def test_snake_case_class_and_for_reach_the_first_paint_and_the_live_model():
    async with LiveClient(app) as client:
        page = await client.live("/names")
        label = page.find("#l")
        assert label.attr("class") == "c"
        assert label.attr("for") == "f"


async def test_a_handler_attribute_in_capitals_fails_the_component(caplog):
    async with LiveClient(app) as client:
        page = await client.live("/handler")
        assert "failed to render" in page.html()
        assert "alert(1)" not in page.html()
    assert "event handler" in caplog.text


@pytest.mark.parametrize(
    "target",
    [
        "/\\host/landing",
        "//host/landing",
        "\\\\host",
        "/\t/host",
        "/\n/host",
        "/\x00/host",
        " /path",
        "/path ",
        "/%2F%2Fhost",
        "/%2f/host",
        "/%5Chost",
        "/%252F/host",
        "https://host/",
        "javascript:alert(1)",
        "path/relative",
        "",
    ],
)
def test_navigation_targets_that_leave_the_site_are_refused(target):
    with pytest.raises(NavigationError, match="single '/'"):
        same_site_path(target)


@pytest.mark.parametrize("target", ["/", "/posts/7", "/search?q=//x&r=\\y", "/a%2Fb", "/#top"])
def test_same_site_paths_pass(target):
    assert same_site_path(target) == target


@component
def Navigate():
    session = use_session()
    target = use_page_location().params.get("to", "/")

    def go(kind: str):
        async def handler(_event) -> None:
            try:
                await getattr(session, kind)(target)
            except NavigationError as error:
                refused.append(str(error))

        return handler

    return html.div(
        html.button({"id": "navigate", "onClick": go("push_navigate")}, "n"),
        html.button({"id": "patch", "onClick": go("push_patch")}, "p"),
        html.button({"id": "redirect", "onClick": go("redirect")}, "r"),
    )


refused: list[str] = []
ember.mount(app, "/navigate", Navigate)


@pytest.mark.parametrize("button", ["#navigate", "#patch", "#redirect"])
async def test_every_navigation_call_refuses_another_host(button):
    refused.clear()
    async with LiveClient(app) as client:
        page = await client.live("/navigate?" + urlencode({"to": "/\\evil.test/x"}))
        await page.click(button)
    assert len(refused) == 1
    assert "another host" in refused[0]
