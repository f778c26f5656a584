"""The first paint's HTML: escaped, without handlers, and ember's render-time checks."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from reactpy import component, html
from selectolax.lexbor import LexborHTMLParser

from ember.live.engine._html import model_to_html
from ember.live.testing import LiveClient

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "&lt;b&gt;",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_and_attributes_stay_text(payload):
    model = {
        "tagName": "div",
        "attributes": {"title": payload, "data-x": payload, "className": payload},
        "children": [payload, {"tagName": "textarea", "attributes": {"value": payload}}],
    }
    out = model_to_html(model)
    tree = LexborHTMLParser(out)
    assert not tree.css("script")
    assert not tree.css("img")
    div = tree.css_first("div")
    assert div.attributes["title"] == payload
    assert div.attributes["class"] == payload
    assert div.text(deep=False) == payload
    assert all(not name.startswith("on") for node in tree.css("*") for name in node.attributes)


# The HTML parser itself rewrites NUL and CR, so those are left out of the round trip.
_TEXT = st.text(st.characters(exclude_characters="\x00\r", exclude_categories=("Cs",)))


@given(_TEXT, _TEXT)
def test_any_text_round_trips_as_text(text, attribute):
    out = model_to_html({"tagName": "p", "attributes": {"title": attribute}, "children": [text]})
    node = LexborHTMLParser(f"<body>{out}</body>").css_first("p")
    assert node.attributes["title"] == attribute
    assert node.text() == text
    assert len(LexborHTMLParser(f"<body>{out}</body>").css("body *")) == 1


def test_attribute_names_and_values_are_converted():
    model = {
        "tagName": "label",
        "attributes": {
            "htmlFor": "x",
            "style": {"fontSize": "3px", "color": "red"},
            "disabled": True,
            "hidden": False,
            "tabIndex": 2,
            "bad name": "x",
            "onclick": "alert(1)",
            "_reactpy_ack_seq": 3,
        },
        "eventHandlers": {"onClick": {"target": "t"}},
    }
    out = model_to_html(model)
    assert out == '<label for="x" style="font-size:3px;color:red" disabled tabindex="2"></label>'
    assert 'data-ember-handlers="{&quot;onClick&quot;: &quot;t&quot;}"' in model_to_html(
        model, handlers=True
    )


def test_void_elements_and_unsafe_tags():
    out = model_to_html(
        {
            "tagName": "",
            "children": [
                {"tagName": "br"},
                {"tagName": "script", "children": ["alert(1)"]},
                {"tagName": "x onload=y", "children": ["z"]},
            ],
        }
    )
    assert out == "<br>"


async def test_inline_javascript_attributes_are_refused(ember, caplog):
    @component
    def Inline():
        return html.button({"onClick": "alert(1)"}, "x")

    app = FastAPI()
    ember.mount(app, "/inline", Inline)
    async with LiveClient(app) as client:
        response = await client.get("/inline")
    assert "alert(1)" not in response.text
    assert "refuses inline JavaScript" in caplog.text
