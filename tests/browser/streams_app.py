"""The app the stream and diff browser tests drive (served by uvicorn in a subprocess).

Each page keeps its data in this module, as a database would: a reload mounts the page
afresh from that data, so its DOM is what a full render of the same data gives.
"""

from __future__ import annotations

import random
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import mount, use_stream

app = FastAPI()

LIMIT = -12
PEOPLE: list[dict[str, Any]] = [{"id": n, "name": f"person {n}", "v": 0} for n in range(1, 6)]
STREAM_RANDOM = random.Random(7)
NEXT_ID = [100]
STEPS = {"stream": 0, "diff": 0}


def _reference_insert(person: dict[str, Any], at: int) -> None:
    """LiveView's stream semantics on the stored list (replace in place, then the limit)."""
    for index, present in enumerate(PEOPLE):
        if present["id"] == person["id"]:
            PEOPLE[index] = person
            return
    PEOPLE.insert(len(PEOPLE) if at == -1 else min(at, len(PEOPLE)), person)
    while len(PEOPLE) > -LIMIT:
        PEOPLE.pop(0)


@component
def People() -> Any:
    people = use_stream(lambda: list(PEOPLE), name="people", limit=LIMIT)
    steps, set_steps = use_state(STEPS["stream"])

    def remove(person: dict[str, Any]) -> None:
        PEOPLE[:] = [p for p in PEOPLE if p["id"] != person["id"]]
        people.delete(person)

    def step(_: Any) -> None:
        kind = STREAM_RANDOM.choice(["first", "last", "index", "update", "delete"])
        if kind in {"first", "last", "index"}:
            NEXT_ID[0] += 1
            person = {"id": NEXT_ID[0], "name": f"person {NEXT_ID[0]}", "v": 0}
            at = {"first": 0, "last": -1}.get(kind, STREAM_RANDOM.randint(0, len(PEOPLE)))
            _reference_insert(person, at)
            people.insert(person, at=at)
        elif PEOPLE and kind == "update":
            person = STREAM_RANDOM.choice(PEOPLE)
            changed = {**person, "v": person["v"] + 1}
            _reference_insert(changed, -1)
            people.insert(changed)
        elif PEOPLE:
            remove(STREAM_RANDOM.choice(PEOPLE))
        STEPS["stream"] += 1
        set_steps(STEPS["stream"])

    def reset(_: Any) -> None:
        fresh = [{"id": n, "name": f"again {n}", "v": 0} for n in range(1, 4)]
        PEOPLE[:] = fresh
        people.reset(fresh)

    def row(person: dict[str, Any]) -> Any:
        return html.tr(
            {"class": f"v{person['v']}"},
            html.td(person["name"]),
            html.td(html.button({"class": "rm", "onClick": lambda _: remove(person)}, "delete")),
        )

    return html.main(
        html.button({"id": "step", "onClick": step}, "step"),
        html.button({"id": "reset", "onClick": reset}, "reset"),
        html.p({"id": "steps"}, str(steps)),
        html.table(people.render(row, tag="tbody", attributes={"id": "people"})),
    )


# -- a plain component whose re-renders go through ember's diff ------------------------------

TREE: dict[str, Any] = {"items": [{"id": n, "label": f"item {n}", "tone": "a"} for n in range(8)]}
DIFF_RANDOM = random.Random(11)


def _edit(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [dict(item) for item in items]
    kind = DIFF_RANDOM.choice(["insert", "delete", "move", "attribute", "text"])
    if kind == "insert" or not items:
        NEXT_ID[0] += 1
        items.insert(
            DIFF_RANDOM.randint(0, len(items)), {"id": NEXT_ID[0], "label": "new", "tone": "b"}
        )
    elif kind == "delete":
        del items[DIFF_RANDOM.randrange(len(items))]
    elif kind == "move":
        moved = items.pop(DIFF_RANDOM.randrange(len(items)))
        items.insert(DIFF_RANDOM.randint(0, len(items)), moved)
    elif kind == "attribute":
        item = DIFF_RANDOM.choice(items)
        item["tone"] = DIFF_RANDOM.choice(["a", "b", "c", ""])
    else:
        item = DIFF_RANDOM.choice(items)
        item["label"] = f"{item['label']}!"
    return items


@component
def Edited() -> Any:
    items, set_items = use_state(lambda: list(TREE["items"]))
    steps, set_steps = use_state(STEPS["diff"])

    def step(_: Any) -> None:
        TREE["items"] = _edit(items)
        set_items(TREE["items"])
        STEPS["diff"] += 1
        set_steps(STEPS["diff"])

    def entry(item: dict[str, Any]) -> Any:
        attributes: dict[str, Any] = {"key": str(item["id"]), "data-id": str(item["id"])}
        if item["tone"]:
            attributes["class"] = f"tone-{item['tone']}"
        return html.li(attributes, html.span(item["label"]), html.small(str(len(item["label"]))))

    return html.main(
        html.button({"id": "step", "onClick": step}, "step"),
        html.p({"id": "steps"}, str(steps)),
        html.p({"id": "count"}, f"{len(items)} items"),
        html.ul([entry(item) for item in items]),
    )


mount(app, "/stream", People, title="stream")
mount(app, "/diff", Edited, title="diff")
