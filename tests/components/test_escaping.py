"""Hostile strings in every string prop of every component render as text: never as
markup, script, event attributes or script URLs, in the first paint and live.

Checked on a list of known payloads and on strings from hypothesis. The structure of the
rendered tree (its sequence of tags) must be exactly the structure rendered for a benign
string: a string that became markup would add or remove elements.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from reactpy import component, html, use_effect
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ember.components import (
    Column,
    MenuItem,
    Tab,
    async_result,
    avatar,
    badge,
    button,
    card,
    description_list,
    dropdown,
    empty_state,
    flash_group,
    form,
    header,
    icon,
    input,
    inputs_for,
    link,
    modal,
    pagination,
    progress,
    spinner,
    submit_button,
    table,
    tabs,
    to_form,
    toast,
)
from ember.data import Changeset
from ember.live import AsyncResult, Ember, LiveSettings, use_session
from ember.live.testing import LiveClient

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title></style></script><svg onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<!-- x --><a href=javascript:alert(1)>x</a>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "<style>body{display:none}</style>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "\u202e<script>\u2028alert(1)</script>",
    "x\ny\tz",
]


class Pet(BaseModel):
    name: str = ""


class Profile(BaseModel):
    name: str = ""
    pets: list[Pet] = []
    bio: str = ""
    kind: str = ""
    flag: bool = False


def _noop(*args: object) -> None:
    return None


def hostile_tree(s: str) -> object:
    """Every component, with ``s`` in every string prop it has."""
    cs = (
        Changeset.cast(
            Profile(),
            {"name": s, "bio": s, "kind": s, "pets": [{"name": s}]},
            ["name", "bio", "kind"],
        )
        .cast_embed("pets")
        .add_error("name", s)
        .put_action("validate")
    )
    f = to_form(cs, id=s)
    column: Column[dict[str, str]] = Column("name", s, sortable=True)
    return html.div(
        html.div({"id": "p-button"}, button(s, label=s, id=s, class_name=s, icon_name="check")),
        html.div({"id": "p-link"}, link(s, href=s, id=s)),
        header(s, subtitle=s, actions=s),
        card(s, title=s, footer=s, actions=s, id=s),
        description_list([(s, s)]),
        badge(s),
        avatar(s),
        spinner(label=s),
        progress(1, label=s, show_value=True),
        empty_state(s, description=s, action=s),
        icon("check", label=s),
        toast(s, title=s, kind=s, close_label=s, on_close=_noop),
        table([{"id": s, "name": s}], [column], caption=s, id=s),
        table([], [column], empty=s),
        pagination(3, 5, on_change=_noop, label=s),
        tabs([Tab(s, s, s), Tab("\x00", s)], id=s, label=s),  # no generated s is "\x00"
        modal(s, open=True, on_close=_noop, title=s, footer=s, id=s, close_label=s),
        dropdown(s, [MenuItem(s, _noop)], id=s),
        async_result(AsyncResult.succeeded(s), ok=lambda value: value),
        async_result(AsyncResult.loading(), ok=str, loading=s),
        form(
            f,
            input(f["name"], label=s, help=s, placeholder=s, autocomplete=s, class_name=s),
            input(f["bio"], type="textarea", label=s, help=s),
            input(f["kind"], type="select", options=[(s, s)], prompt=s, label=s),
            input(f["kind"], type="radio", options=[(s, s)], label=s),
            input(f["flag"], type="checkbox", label=s, help=s),
            input(f["kind"], type="hidden"),
            inputs_for(f["pets"], lambda pet: input(pet["name"], label=s, help=s)),
            submit_button(s, busy_label=s),
            label=s,
            class_name=s,
        ),
    )


def _view(s: str):
    @component
    def View():
        session = use_session()

        def flash() -> None:
            if session.connected:
                session.put_flash(s, s)

        use_effect(flash, [session.connected])
        return html.div(
            {"id": "probe"},
            hostile_tree(s),
            flash_group(auto_dismiss_ms=0),
            html.div({"id": "unstructured"}, avatar(s, src=s)),
        )

    return View


async def _render(s: str) -> tuple[str, str]:
    """The view's first paint and its live HTML for ``s``."""
    app = FastAPI()
    Ember(LiveSettings(secret_key="escaping-secret-key-0123456789")).mount(app, "/h", _view(s))
    async with LiveClient(app) as client:
        page = await client.live("/h")
        await page.wait_for(".ember-flash-group .ember-toast")
        return page.static_html, page.html()


def _probe(document: str) -> LexborNode:
    tree = LexborHTMLParser(document)
    found = tree.css_first("#probe")
    assert found is not None, document[:500]
    return found


_SCRIPT_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def _check_safe(node: LexborNode) -> None:
    for element in node.traverse():
        if element.tag == "-text":
            continue
        assert element.tag not in {"script", "style", "iframe", "object", "embed"}, element.html
        for name, value in element.attributes.items():
            assert not name.lower().startswith("on"), element.html
            assert name.lower() != "srcdoc", element.html
            if name.lower() in {"href", "src", "action", "formaction"} and value:
                assert not _SCRIPT_URL.match(_IGNORED.sub("", value)), element.html


def _structure(document: str) -> list[str]:
    probe = _probe(document)
    tags = []
    for element in probe.traverse():
        if element.tag == "-text":
            continue
        if element.attributes.get("id") == "unstructured":
            break
        tags.append(str(element.tag))
    return tags


BENIGN: dict[str, list[str]] = {}


async def _benign_structure() -> tuple[list[str], list[str]]:
    if not BENIGN:
        static, live = await _render("benign")
        BENIGN["static"], BENIGN["live"] = _structure(static), _structure(live)
    return BENIGN["static"], BENIGN["live"]


async def _assert_renders_as_text(s: str) -> None:
    static, live = await _render(s)
    benign_static, benign_live = await _benign_structure()
    for document, expected in ((static, benign_static), (live, benign_live)):
        probe = _probe(document)
        _check_safe(probe)
        assert _structure(document) == expected
    button_text = _probe(live).css_first("#p-button button")
    assert button_text is not None
    visible = s.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert button_text.text(deep=True).strip() == visible


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_known_payloads_render_as_text(payload: str) -> None:
    await _assert_renders_as_text(payload)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r"),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip() != "")
)
async def test_arbitrary_strings_render_as_text(s: str) -> None:
    await _assert_renders_as_text(s)
