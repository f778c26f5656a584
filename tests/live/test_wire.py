"""The ember-patch wire format (protocol 3): small frames, and values that survive the trip."""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape
from pathlib import Path
from typing import Any

import anyio
import httpx
import orjson
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from reactpy import component, html, use_ref, use_state

import ember.live
from ember.live import PROTOCOL_VERSION, CloseCode, Ember
from ember.live.api._asgi_socket import AsgiWebSocket, SocketClosed
from ember.live.engine._patch import (
    apply_ops,
    compact_path,
    decode_child,
    encode_child,
    normalized,
    set_pointer,
)

from ._model_diff import diff

TOKEN = re.compile(r"token=([^&\"']+)")


def on_the_wire(frame: str) -> int:
    """Bytes of a server→client websocket text frame: payload plus the unmasked header."""
    size = len(frame.encode())
    return size + (2 if size < 126 else 4 if size < 65536 else 10)


@component
def Counter() -> Any:
    count, set_count = use_state(0)
    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+"),
    )


@component
def Table() -> Any:
    rows = ember.live.use_stream(
        lambda: [(i, f"row {i}", 0) for i in range(1000)], name="rows", key=lambda row: row[0]
    )
    bumps = use_ref(0)

    def bump(event: Any) -> None:
        bumps.current += 1
        rows.insert((500, "row 500", bumps.current))  # same key: updated in place

    def row(item: tuple[int, str, int]) -> Any:
        i, name, value = item
        return html.tr(html.td(str(i)), html.td(name), html.td(str(value)))

    return html.div(
        html.button({"id": "bump", "onClick": bump}, "bump"),
        html.table(rows.render(row, tag="tbody")),
    )


@asynccontextmanager
async def live_socket(app: FastAPI, path: str) -> AsyncIterator[tuple[AsgiWebSocket, Any]]:
    """A websocket to the view at ``path`` and the first model it sent."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        page = await client.get(path)
    token = TOKEN.search(unescape(page.text)).group(1)
    url = f"{path}/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    socket = AsgiWebSocket(app, url, {"origin": "http://testserver"})
    async with anyio.create_task_group() as group:
        await socket.connect(group)
        first = orjson.loads(await socket.receive_text())
        assert first["type"] == "layout-update"
        yield socket, first["model"]
        group.cancel_scope.cancel()
    socket.dispose()


def handler_target(model: Any, element_id: str, event: str) -> str:
    pending = [model]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("attributes", {}).get("id") == element_id:
                return node["eventHandlers"][event]["target"]
            pending.extend(node.get("children", []))
    raise AssertionError(f"No element #{element_id} in the model.")


async def click_and_receive(socket: AsgiWebSocket, model: Any, element_id: str) -> str:
    target = handler_target(model, element_id, "onClick")
    event = {"type": "layout-event", "target": target, "data": [{}]}
    await socket.send(orjson.dumps(event).decode())
    with anyio.fail_after(5):
        return await socket.receive_text()


async def test_a_counter_update_fits_in_80_bytes_on_the_wire(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    async with live_socket(app, "/counter") as (socket, model):
        frame = await click_and_receive(socket, model, "inc")
    assert orjson.loads(frame) == {"type": "ember-patch", "ops": [["s", [0] * 3, "Count: 1"]]}
    assert on_the_wire(frame) <= 80


async def test_one_updated_row_of_a_thousand_row_stream_fits_in_200_bytes(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/table", Table)
    async with live_socket(app, "/table") as (socket, model):
        frame = await click_and_receive(socket, model, "bump")
        client = copy.deepcopy(model)
        apply_ops(client, orjson.loads(frame)["ops"])
    [[kind, path, row]] = orjson.loads(frame)["ops"]
    assert (kind, path[-1]) == ("s", 500)
    assert row == [
        "tr",
        {"a": {"key": "rows-500", "id": "rows-500"}},
        ["td", 0, "500"],
        ["td", 0, "row 500"],
        ["td", 0, "1"],
    ]
    assert on_the_wire(frame) <= 200
    assert decode_child(row) == {
        "tagName": "tr",
        "attributes": {"key": "rows-500", "id": "rows-500"},
        "children": [
            {"tagName": "td", "children": ["500"]},
            {"tagName": "td", "children": ["row 500"]},
            {"tagName": "td", "children": ["1"]},
        ],
    }


def test_pointers_become_lists_of_children_indices_and_keys():
    assert compact_path("") == []
    assert compact_path("/children/0/children/2/attributes/value") == [0, 2, "attributes", "value"]
    assert compact_path("/children/0/attributes/a~1b~0c") == [0, "attributes", "a/b~c"]
    assert compact_path("/children/1/attributes/0") == [1, "attributes", "0"]


AWKWARD = {
    "tagName": "div",
    "attributes": {
        "0": "an attribute named like an index",
        "children": ["an attribute named children"],
        "data-list": [1, [2, "3"], {"a": 0}],
        "key": "a/b~0~1",
        "style": {"color": "red"},
    },
    "eventHandlers": {
        "onClick": {"target": "t/1~0", "preventDefault": True, "stopPropagation": False}
    },
    "inlineJavaScript": {"onMouseOver": "this.style.color = 'blue'"},
    "children": [
        "500",
        "0",
        "",
        {"tagName": "", "children": ["1", "[]"]},
        {"tagName": "span", "attributes": {}, "children": ["a", "b"]},
        {"tagName": "", "error": "ValueError: boom"},
        {"tagName": "x-widget", "importSource": {"source": "x", "fallback": "loading"}},
        {"tagName": "b", "key": "top-level-key"},
    ],
}


def test_awkward_values_survive_encoding():
    assert decode_child(orjson.loads(orjson.dumps(encode_child(AWKWARD)))) == AWKWARD
    assert encode_child("12") == "12"
    assert encode_child({"tagName": "hr"}) == ["hr"]
    assert encode_child({"tagName": "p", "children": []}) == ["p"]


def test_awkward_values_survive_every_kind_of_op():
    plain = {"tagName": "", "children": [{"tagName": "main"}]}
    client = copy.deepcopy(plain)
    previous = plain
    awkward = copy.deepcopy(AWKWARD)
    renders = [
        {"tagName": "", "children": [{"tagName": "main", "children": [awkward]}]},  # insert
        {"tagName": "", "children": [awkward]},  # set a child
        {"tagName": "", "children": [{**awkward, "attributes": {"key": "a/b~0~1", "0": "1"}}]},
        {"tagName": "", "children": [{**awkward, "children": list(reversed(awkward["children"]))}]},
    ]
    for render in renders:
        ops: list[Any] = []
        diff(previous, copy.deepcopy(render), [], ops)
        previous = copy.deepcopy(render)
        apply_ops(client, orjson.loads(orjson.dumps({"ops": ops}))["ops"])
        assert normalized(client) == normalized(render)


def test_an_attribute_named_children_is_set_as_a_value_not_as_children():
    old = {"tagName": "div", "attributes": {"children": "x", "a": "1", "b": "2"}}
    new = {"tagName": "div", "attributes": {"children": ["y"], "a": "1", "b": "2"}}
    ops: list[Any] = []
    diff(old, new, [0], ops)
    assert ops == [["s", [0, "attributes", "children"], ["y"]]]
    client = {"tagName": "", "children": [copy.deepcopy(old)]}
    apply_ops(client, ops)
    assert client == {"tagName": "", "children": [new]}


def test_a_layout_update_still_sets_a_json_pointer():
    model: dict[str, Any] = {"tagName": "", "children": [{"tagName": "p"}]}
    set_pointer(model, "/children/1", {"tagName": "b"})
    set_pointer(model, "/children/0/attributes/a~1b", "1")
    assert model == {
        "tagName": "",
        "children": [{"tagName": "p", "attributes": {"a/b": "1"}}, {"tagName": "b"}],
    }


KEYS = st.text(alphabet="ab0~/-", min_size=1, max_size=4)
TEXTS = st.one_of(st.text(alphabet="a0 ~/[]{}", max_size=4), st.integers(-1000, 1000).map(str))
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=6,
)
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "attributes": st.dictionaries(KEYS, VALUES, max_size=3),
        "eventHandlers": st.dictionaries(KEYS, st.fixed_dictionaries({"target": KEYS}), max_size=2),
        "inlineJavaScript": st.dictionaries(KEYS, TEXTS, max_size=2),
        "error": TEXTS,
        "importSource": st.fixed_dictionaries({"source": KEYS, "fallback": VALUES}),
    },
)


def _element(tag: str, extras: dict[str, Any], children: list[Any]) -> dict[str, Any]:
    return {"tagName": tag, **extras, **({"children": children} if children else {})}


def _elements(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        _element, st.sampled_from(["", "div", "td"]), EXTRAS, st.lists(children, max_size=4)
    )


ELEMENTS = st.recursive(TEXTS, _elements, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(ELEMENTS)
def test_any_child_survives_encoding_through_json(child):
    assert decode_child(orjson.loads(orjson.dumps(encode_child(child)))) == child


def test_the_shim_speaks_this_protocol_version():
    shim = (Path(ember.live.__file__).parent / "static" / "ember.js").read_text()
    assert f"const PROTOCOL = {PROTOCOL_VERSION};" in shim


async def refusal(app: FastAPI, url: str) -> int | None:
    """The close code the server refuses the websocket at ``url`` with, or None if it
    accepts it (and sends the first render)."""
    socket = AsgiWebSocket(app, url, {"origin": "http://testserver"})
    try:
        async with anyio.create_task_group() as group:
            await socket.connect(group)
            try:
                with anyio.fail_after(5):
                    await socket.receive_text()
            except SocketClosed as closed:
                return closed.code
            finally:
                group.cancel_scope.cancel()
    finally:
        socket.dispose()
    return None


async def test_a_socket_of_another_protocol_version_is_refused_so_the_page_reloads(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        token = TOKEN.search(unescape((await client.get("/counter")).text)).group(1)
    url = f"/counter/_ember/ws?token={token}"
    assert await refusal(app, f"{url}&protocol={PROTOCOL_VERSION}") is None
    # 4401 is a code every shim since protocol 1 answers with a reload (a fresh shim).
    assert await refusal(app, url) == CloseCode.BAD_TOKEN
    assert await refusal(app, f"{url}&protocol={PROTOCOL_VERSION - 1}") == CloseCode.BAD_TOKEN
