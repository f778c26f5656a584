"""Streams and diffed updates in Chromium: after many small patches the DOM is exactly what
a full render of the same data gives (the page reloaded, mounted afresh)."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from ember.live import PROTOCOL_VERSION
from ember.live.engine._html import model_to_html
from ember.live.engine._patch import apply_ops, decode_child, encode_child, normalized
from tests._server import Server
from tests.live._model_diff import diff
from tests.live.test_wire import AWKWARD

from .test_live_browser import CONNECTED

ROOT = Path(__file__).resolve().parents[2]


class StreamsServer(Server):
    """conftest's uvicorn server, serving tests/browser/streams_app.py instead."""

    APP = "tests.browser.streams_app:app"


@pytest.fixture
def streams_server() -> Iterator[StreamsServer]:
    running = StreamsServer()
    running.start()
    yield running
    running.stop()


def live_dom(page) -> str:
    html = page.inner_html("[data-ember-live]")
    return re.sub(r'data-ember-stream="[0-9a-f]+"', 'data-ember-stream=""', html)


def open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("[data-ember-static]")).to_have_count(0)


def rows(page) -> list[str]:
    return page.locator("#people tr").evaluate_all("rows => rows.map(r => r.id)")


def frames_of(page) -> list[str]:
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(frame)))
    return received


def test_stream_operations_leave_the_dom_of_a_full_render(page, streams_server):
    received = frames_of(page)
    open_live(page, f"{streams_server.url}/stream")
    start = int(page.inner_text("#steps"))
    for number in range(1, 41):
        page.click("#step")
        expect(page.locator("#steps")).to_have_text(str(start + number))
    patches = [json.loads(f) for f in received if '"ember-patch"' in f]
    assert len(patches) >= 40
    assert max(len(f) for f in received[1:]) < 2048  # each step: a row, not the list
    # An early row's own delete button still reaches its handler after many patches.
    first = rows(page)[0]
    page.click(f"#{first} button.rm")
    expect(page.locator(f"#{first}")).to_have_count(0)
    patched = live_dom(page)
    open_live(page, f"{streams_server.url}/stream")
    assert live_dom(page) == patched
    page.click("#reset")
    expect(page.locator("#people tr")).to_have_count(3)
    patched = live_dom(page)
    open_live(page, f"{streams_server.url}/stream")
    assert live_dom(page) == patched


def test_diffed_updates_leave_the_dom_of_a_full_render(page, streams_server):
    open_live(page, f"{streams_server.url}/diff")
    start = int(page.inner_text("#steps"))
    for number in range(1, 61):
        page.click("#step")
        expect(page.locator("#steps")).to_have_text(str(start + number))
    patched = live_dom(page)
    open_live(page, f"{streams_server.url}/diff")
    assert live_dom(page) == patched
    # ... and the page still works after the reload.
    page.click("#step")
    expect(page.locator("main")).not_to_have_text(patched)


# Texts that look like numbers, attributes named like indices or with "/" and "~" in them,
# lists in attribute values, handlers and inline JavaScript: what the wire must keep apart.
TEXTS = st.sampled_from(["a", "b", "0", "12", "", "[]", "~1/"])
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["class", "0", "a/b", "~x", "children", "data-list"]),
    st.one_of(TEXTS, st.lists(st.one_of(TEXTS, st.integers(0, 3)), max_size=3)),
    max_size=3,
)
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "eventHandlers": st.builds(
            lambda target: {"onClick": {"target": target, "preventDefault": False}}, TEXTS
        ),
        "inlineJavaScript": st.builds(lambda code: {"onMouseOver": code}, TEXTS),
    },
)
MODELS = st.recursive(
    TEXTS,
    lambda children: st.builds(
        lambda tag, key, attributes, extras, kids: {
            "tagName": tag,
            **extras,
            **(
                {"attributes": {**attributes, **({"key": f"k/{key}~"} if key is not None else {})}}
                if attributes or key is not None
                else {}
            ),
            **({"children": kids} if kids else {}),
        },
        st.sampled_from(["div", "span"]),
        st.one_of(st.none(), st.integers(0, 20)),
        ATTRIBUTES,
        EXTRAS,
        st.lists(children, max_size=5, unique_by=lambda c: json.dumps(c, sort_keys=True)),
    ),
    max_leaves=20,
)


def _unique_keys(model):
    if isinstance(model, dict) and "children" in model:
        seen, kept = set(), []
        for child in model["children"]:
            key = child.get("attributes", {}).get("key") if isinstance(child, dict) else None
            if key is None or key not in seen:
                seen.add(key)
                kept.append(_unique_keys(child))
        model = {**model, "children": kept}
    return model


# Applies ops with ember's client in the page, to a DOM it adopted from HTML, and says
# whether the result is the DOM the HTML of `expected` gives (adjacent texts merged).
APPLY_AND_COMPARE = """([adopted, first, batches, expected]) => {
    const host = document.createElement("div");
    host.innerHTML = adopted;
    document.body.append(host);
    const client = ember.createClient(document, host);
    client.adopt(first);
    for (const ops of batches) client.apply(ops);
    const want = document.createElement("div");
    want.innerHTML = expected;
    const got = host.cloneNode(true);
    host.remove();
    got.normalize();
    want.normalize();
    return [got.isEqualNode(want), got.innerHTML, want.innerHTML];
}"""


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(MODELS, min_size=2, max_size=5), st.booleans())
def test_client_applies_random_ops_to_the_dom_of_the_final_html(
    page, streams_server, renders, mismatched
):
    if page.url == "about:blank":
        open_live(page, f"{streams_server.url}/diff")
    models = [{"tagName": "", "children": [_unique_keys(m)]} for m in renders]
    python = copy.deepcopy(models[0])
    batches = []
    for old, new in itertools.pairwise(models):
        ops: list = []
        diff(old, new, [], ops)
        batches.append(ops)
        apply_ops(python, copy.deepcopy(ops))
    assert normalized(python) == normalized(models[-1])
    # The page it adopts: the first model's HTML, or another model's (fixed on adoption).
    adopted = model_to_html(models[-1] if mismatched else models[0])
    same, got, want = page.evaluate(
        APPLY_AND_COMPARE, [adopted, models[0], batches, model_to_html(models[-1])]
    )
    assert same, f"{got} != {want}"


def test_client_adopts_texts_the_html_parser_merged_and_patches_them(page, streams_server):
    open_live(page, f"{streams_server.url}/diff")
    first = {"tagName": "", "children": [{"tagName": "p", "children": ["a", "b", "", "c"]}]}
    ops = [["s", [0, 1], "B"], ["i", [0], 3, ["x"]], ["d", [0], 0, 1]]
    expected = {"tagName": "", "children": [{"tagName": "p", "children": ["B", "", "x", "c"]}]}
    same, got, want = page.evaluate(
        APPLY_AND_COMPARE, [model_to_html(first), first, [ops], model_to_html(expected)]
    )
    assert same, f"{got} != {want}"
    assert got == "<p>Bxc</p>"


def test_the_client_sends_its_protocol_version_with_the_socket(page, streams_server):
    urls: list[str] = []
    page.on("websocket", lambda ws: urls.append(ws.url))
    open_live(page, f"{streams_server.url}/diff")
    assert [parse_qs(urlsplit(url).query)["protocol"] for url in urls] == [[str(PROTOCOL_VERSION)]]


def test_client_expands_awkward_elements_like_python(page, streams_server):
    open_live(page, f"{streams_server.url}/diff")
    wire = encode_child(AWKWARD)
    browser = page.evaluate("wire => ember.decode(wire)", wire)
    assert browser == decode_child(wire) == AWKWARD
