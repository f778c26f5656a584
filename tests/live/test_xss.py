"""No user string becomes an event handler, a script URL or a script element."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import anyio
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reactpy import component, html
from selectolax.lexbor import LexborHTMLParser

from ember.live import Ember, LiveSettings, RenderError, use_page_location
from ember.live.engine._sanitize import is_script_url
from ember.live.testing import LiveClient

KNOWN = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    " " * 60 + "javascript:alert(1)",
    "\t" * 70 + "java\tscript:alert(1)",
    '"><img src=x onerror=alert(1)>',
    "' autofocus onfocus='alert(1)",
    "</textarea><svg onload=alert(1)>",
    "{{constructor.constructor('alert(1)')()}}",
    "onclick",
]

ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
app = FastAPI()


@component
def Echo() -> Any:
    payload = use_page_location().params.get("p", "")
    return html.main(
        html.h1({"title": payload, "className": payload, "data-x": payload}, payload),
        html.a({"id": "link", "href": payload}, payload),
        html.img({"id": "img", "src": payload, "alt": payload}),
        html.input({"id": "in", "value": payload, "placeholder": payload}),
        html.textarea({"id": "ta", "value": payload}),
        html.ul([html.li({"key": f"{i}-{payload}"}, payload) for i in range(2)]),
    )


ember.mount(app, "/echo", Echo)


def assert_inert(markup: str) -> None:
    tree = LexborHTMLParser(f"<body>{markup}</body>")
    assert not tree.css("script, svg, iframe, object, embed")
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), (name, value)
            if name in {"href", "src", "action"} and value:
                assert not is_script_url(value), (name, value)


def assert_model_inert(model: Any) -> None:
    if isinstance(model, dict):
        assert model.get("tagName") not in {"script", "svg", "iframe"}
        assert not model.get("inlineJavaScript")
        for name, value in model.get("attributes", {}).items():
            assert not name.lower().startswith("on")
            if name in {"href", "src"} and isinstance(value, str):
                assert not is_script_url(value)
        for child in model.get("children", []):
            assert_model_inert(child)


async def check(payload: str) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/echo?" + urlencode({"p": payload}))
        body = page.static_html.split("<body>", 1)[1].split("<script src=", 1)[0]
        assert_inert(body)
        assert_inert(page.html())
        assert_model_inert(page._model)
        if payload.strip():
            assert page.find("#in").attr("value") == payload


@pytest.mark.parametrize("payload", KNOWN)
async def test_known_payloads_stay_inert(payload):
    await check(payload)


# The HTML parser itself turns NUL into U+FFFD and CR into LF, so those stay out.
_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(_CHARS, max_size=40)
    | st.sampled_from(KNOWN).map(lambda k: k.upper())
    | st.builds(lambda a, b: a + b, st.sampled_from(KNOWN), st.text(_CHARS, max_size=10))
)
def test_any_payload_stays_inert(payload):
    anyio.run(check, payload)


async def test_script_urls_are_blocked_in_the_live_model_too(caplog):
    async with LiveClient(app) as client:
        page = await client.live("/echo?" + urlencode({"p": "javascript:alert(1)"}))
        assert page.find("#link").attr("href") == "about:blank#blocked"
        assert page.find("#img").attr("src") == "about:blank#blocked"
    assert "Blocked an unsafe URL" in caplog.text


async def test_raw_html_attributes_are_refused(caplog):
    local = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    other = FastAPI()

    @component
    def Raw() -> Any:
        return html.div({"dangerouslySetInnerHTML": {"__html": "<b>x</b>"}})

    local.mount(other, "/raw", Raw)
    async with LiveClient(other) as client:
        response = await client.get("/raw")
    assert "<b>x</b>" not in response.text
    assert "inserts raw HTML" in caplog.text
    assert RenderError.__name__ in caplog.text


@pytest.mark.parametrize(
    ("value", "script"),
    [
        (" " * 200 + "javascript:alert(1)", True),
        ("\x01\x1f " * 40 + "JAVASCRIPT:alert(1)", True),
        ("ja\nva\rscr\tipt:alert(1)", True),
        ("javascript:alert(1)" + " " * 100, True),
        ("java\x01script:alert(1)", False),  # not a scheme: a relative path to the parser
        ("/javascript:alert(1)", False),
        ("https://example.com/javascript:", False),
    ],
)
def test_is_script_url_reads_the_whole_value_as_the_url_parser_does(value, script):
    assert is_script_url(value) is script
