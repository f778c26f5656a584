"""Property: after any sequence of stream operations, the client's model (patched by the
engine's ops) equals a full render of the same list, and every row's handler still works."""

from __future__ import annotations

import copy
import re
from typing import Any

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st
from reactpy import component, html, use_state

from ember.live import Stream
from ember.live.engine._diff import STREAM_ATTRIBUTE
from ember.live.engine._engine import Engine
from ember.live.engine._patch import apply_ops, normalized

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(0, 12), st.sampled_from([0, -1, 1, 3])),
        st.tuples(st.just("delete"), st.integers(0, 12), st.just(0)),
        st.tuples(st.just("reset"), st.integers(0, 4), st.just(0)),
        st.tuples(st.just("title"), st.integers(0, 3), st.just(0)),
    ),
    max_size=14,
)


def _row(item: dict[str, Any]) -> Any:
    return html.li(
        {"class": f"v{item['version']}"},
        item["name"],
        html.button({"onClick": lambda _: None}, "x"),
    )


class Reference:
    """LiveView's stream semantics on a plain list."""

    def __init__(self, limit: int | None) -> None:
        self.items: list[dict[str, Any]] = []
        self.limit = limit

    def insert(self, item: dict[str, Any], at: int) -> None:
        for index, present in enumerate(self.items):
            if present["id"] == item["id"]:
                self.items[index] = item
                return
        self.items.insert(len(self.items) if at == -1 else at, item)
        if self.limit:
            while len(self.items) > abs(self.limit):
                self.items.pop(-1 if self.limit > 0 else 0)

    def delete(self, key: int) -> None:
        self.items = [i for i in self.items if i["id"] != key]


def _page(stream: Stream[Any], title_box: list[Any], first_title: int = 0):
    @component
    def Page() -> Any:
        title, set_title = use_state(first_title)
        title_box[:] = [set_title]
        return html.section(
            html.h1(f"t{title}"), stream.render(_row, tag="ul", attributes={"id": "s"})
        )

    return Page()


async def _full_render(
    items: list[dict[str, Any]], limit: int | None, title: int
) -> dict[str, Any]:
    stream: Stream[Any] = Stream(items, limit=limit, key=lambda i: i["id"])
    box: list[Any] = []
    engine = Engine(_page(stream, box, title))
    try:
        return copy.deepcopy(engine.mount())
    finally:
        await engine.close()


def _strip_tokens(model: Any) -> Any:
    if isinstance(model, list):
        return [_strip_tokens(m) for m in model]
    if isinstance(model, dict):
        out = {k: _strip_tokens(v) for k, v in model.items()}
        if STREAM_ATTRIBUTE in out.get("attributes", {}):
            out["attributes"] = {**out["attributes"], STREAM_ATTRIBUTE: "token"}
        return out
    if isinstance(model, str):
        return re.sub(r"[0-9a-f]{32}", "token", model)
    return model


def _rows(model: Any) -> list[dict[str, Any]]:
    if isinstance(model, dict):
        if STREAM_ATTRIBUTE in model.get("attributes", {}):
            return list(model.get("children", []))
        for child in model.get("children", []):
            found = _rows(child)
            if found:
                return found
    return []


async def _drive(ops: list[tuple[str, int, int]], limit: int | None) -> None:
    stream: Stream[Any] = Stream(
        [{"id": k, "name": f"n{k}", "version": 0} for k in (1, 2)],
        limit=limit,
        key=lambda i: i["id"],
    )
    reference = Reference(limit)
    for item in [{"id": k, "name": f"n{k}", "version": 0} for k in (1, 2)]:
        reference.insert(item, -1)
    box: list[Any] = []
    title = 0
    version = 0
    engine = Engine(_page(stream, box))
    client = copy.deepcopy(engine.mount())
    try:

        async def flush() -> None:
            apply_ops(client, copy.deepcopy(engine.render()))

        await flush()
        for position, (kind, number, at) in enumerate(ops):
            version += 1
            if kind == "insert":
                item = {"id": number, "name": f"n{number}", "version": version}
                stream.insert(item, at=at)
                reference.insert(item, at)
            elif kind == "delete":
                stream.delete({"id": number})
                reference.delete(number)
            elif kind == "reset":
                items = [{"id": k, "name": f"r{k}", "version": version} for k in range(number)]
                stream.reset(items)
                reference.items = []
                for item in items:
                    reference.insert(item, -1)
            else:
                title += 1
                box[0](title)
            if position % 2 == 0:
                await flush()
        await flush()
        expected = await _full_render(reference.items, limit, title)
        assert normalized(_strip_tokens(client)) == normalized(_strip_tokens(expected))
        rows = _rows(client)
        assert [r["attributes"]["key"] for r in rows] == stream.dom_ids
        for row in rows:
            target = row["children"][1]["eventHandlers"]["onClick"]["target"]
            assert engine.handler_for(target) is not None
        kept = set(engine._kept)
        live = {r["children"][1]["eventHandlers"]["onClick"]["target"] for r in rows}
        assert kept <= live
    finally:
        await engine.close()


@settings(max_examples=150, deadline=None)
@given(OPS, st.sampled_from([None, 3, -3]))
def test_stream_operations_end_equal_to_a_full_render(ops, limit):
    anyio.run(_drive, ops, limit)
