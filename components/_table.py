"""``table`` with columns declared in Python (row click, empty state, sortable headers) and
``pagination``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from reactpy import event, html, use_state
from reactpy.types import VdomDict

from ._base import Child, ComponentError, classes, kids, typed_component
from ._basic import empty_state
from ._icons import icon

__all__ = ["Column", "SortDirection", "pagination", "table"]

Row = TypeVar("Row")
SortDirection = Literal["ascending", "descending"]


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a :func:`table`.

    Args:
        key: the column's id; by default also the row attribute or key it shows.
        label: the header text.
        render: builds the cell from the row; by default the row's ``key`` as text.
        sortable: the header sorts the rows by this column.
        sort_key: the value to sort by; by default the row's ``key``.
        align: ``"start"`` or ``"end"`` (numbers).
    """

    key: str
    label: str
    render: Callable[[Row], Child] | None = None
    sortable: bool = False
    sort_key: Callable[[Row], object] | None = None
    align: Literal["start", "end"] = "start"

    def value(self, row: Row) -> object:
        if isinstance(row, dict):
            return row.get(self.key)
        return getattr(row, self.key, None)

    def cell(self, row: Row) -> Child:
        if self.render is not None:
            return self.render(row)
        value = self.value(row)
        return "" if value is None else str(value)


def _sorted(rows: Sequence[Row], column: Column[Row], direction: SortDirection) -> list[Row]:
    key = column.sort_key or column.value

    def order(row: Row) -> tuple[int, str, object]:
        value = key(row)
        # None last; mixed types sort by their text so sorting never raises.
        return (value is None, type(value).__name__, value if value is not None else "")

    try:
        ordered = sorted(rows, key=order)
    except TypeError:
        ordered = sorted(rows, key=lambda r: str(key(r)))
    return ordered[::-1] if direction == "descending" else ordered


@typed_component
def table(
    rows: Sequence[Row],
    columns: Sequence[Column[Row]],
    *,
    row_key: Callable[[Row], str] | None = None,
    on_row_click: Callable[[Row], object] | None = None,
    caption: str | None = None,
    empty: Child = None,
    sort: tuple[str, SortDirection] | None = None,
    on_sort: Callable[[str, SortDirection], object] | None = None,
    id: str | None = None,
) -> VdomDict:
    """A data table.

    Args:
        rows: the rows (objects or dicts).
        columns: the columns, in order.
        row_key: a stable key per row (by default its ``id``, else its position).
        on_row_click: called with the row when a row is clicked (or Enter or Space is
            pressed on it, which then neither scrolls the page nor submits a form); rows
            are then focusable.
        caption: the table's caption (its accessible name).
        empty: what to show when there are no rows; an empty state by default.
        sort: the initial (or, with ``on_sort``, the current) sort column and direction.
        on_sort: sort outside the table (e.g. in the query): called with the column key
            and direction; without it the table sorts ``rows`` itself.
        id: the element id.

    Raises:
        ComponentError: two columns share a key.
    """
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise ComponentError(f"Expected distinct column keys, got {keys}.")
    own_sort, set_own_sort = use_state(sort)
    current = sort if on_sort is not None else own_sort
    by_key = {c.key: c for c in columns}
    shown = list(rows)
    if on_sort is None and current is not None and current[0] in by_key:
        shown = _sorted(shown, by_key[current[0]], current[1])

    def sort_by(column: Column[Row]) -> Callable[[object], object]:
        def handle(event: object) -> object:
            direction: SortDirection = "ascending"
            if current is not None and current[0] == column.key:
                direction = "descending" if current[1] == "ascending" else "ascending"
            if on_sort is not None:
                return on_sort(column.key, direction)
            set_own_sort((column.key, direction))
            return None

        return handle

    head = html.tr(*[_header(c, current, sort_by(c)) for c in columns])
    attributes: dict[str, object] = {"className": "ember-table"}
    if id:
        attributes["id"] = id
    if not shown:
        body_rows = [
            html.tr(
                {"className": "ember-table-empty", "key": "empty"},
                html.td(
                    {"colSpan": len(columns)},
                    empty if empty is not None else empty_state("Nothing here yet"),
                ),
            )
        ]
    else:
        body_rows = [
            _row(row, index, columns, row_key, on_row_click) for index, row in enumerate(shown)
        ]
    return html.div(
        {"className": "ember-table-wrap"},
        html.table(
            attributes,
            *kids(
                html.caption(caption) if caption else None,
                html.thead(head),
                html.tbody(*body_rows),
            ),
        ),
    )


def _header(
    column: Column[Row],
    current: tuple[str, SortDirection] | None,
    handle: Callable[[object], object],
) -> VdomDict:
    attributes: dict[str, object] = {
        "scope": "col",
        "key": column.key,
        "className": classes("ember-th", column.align == "end" and "ember-align-end"),
    }
    if not column.sortable:
        return html.th(attributes, column.label)
    active = current is not None and current[0] == column.key
    attributes["aria-sort"] = current[1] if active and current is not None else "none"
    glyph = "sort"
    if active and current is not None:
        glyph = "arrow-up" if current[1] == "ascending" else "arrow-down"
    return html.th(
        attributes,
        html.button(
            {"type": "button", "className": "ember-sort", "onClick": handle},
            column.label,
            icon(glyph, size="sm"),
        ),
    )


def _row(
    row: Row,
    index: int,
    columns: Sequence[Column[Row]],
    row_key: Callable[[Row], str] | None,
    on_row_click: Callable[[Row], object] | None,
) -> VdomDict:
    key = row_key(row) if row_key else None
    if key is None:
        ident = row.get("id") if isinstance(row, dict) else getattr(row, "id", None)
        key = str(ident) if ident is not None else f"row-{index}"
    attributes: dict[str, object] = {"key": key, "data-row": key, "className": "ember-tr"}
    if on_row_click is not None:
        chosen = on_row_click

        def click(data: object) -> object:
            return chosen(row)

        def keydown(data: dict[str, object]) -> object:
            if data.get("key") in {"Enter", " "}:
                return chosen(row)
            return None

        attributes.update(
            onClick=click,
            # As a button does: Space neither scrolls the page nor Enter submits a form (the
            # client prevents the default only for the keys data-ember-key lets through).
            onKeyDown=event(keydown, prevent_default=True),
            tabIndex=0,
            className="ember-tr ember-tr-clickable",
        )
        # Only these keys reach the server (the client checks them).
        attributes["data-ember-key"] = "Enter Space"
    cells = [
        html.td(
            {"key": c.key, "className": "ember-align-end" if c.align == "end" else "ember-td"},
            *kids(c.cell(row)),
        )
        for c in columns
    ]
    return html.tr(attributes, *cells)


def pagination(
    page: int,
    total_pages: int,
    *,
    on_change: Callable[[int], object],
    window: int = 2,
    label: str = "Pagination",
) -> VdomDict:
    """Page links: previous, numbered pages around the current one, next.

    Args:
        page: the current page, from 1.
        total_pages: how many pages there are.
        on_change: called with the page number to show.
        window: how many pages to show on each side of the current one.
        label: the navigation's accessible name.
    """
    total = max(total_pages, 1)
    current = min(max(page, 1), total)
    shown = sorted(
        {1, total} | set(range(max(1, current - window), min(total, current + window) + 1))
    )

    def go(number: int) -> Callable[[object], object]:
        return lambda event: on_change(number)

    items: list[VdomDict] = [
        _page_button("Previous", current - 1, go, disabled=current <= 1, icon_name="chevron-left")
    ]
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append(html.li({"key": f"gap-{number}", "className": "ember-page-gap"}, "…"))
        attributes: dict[str, object] = {
            "type": "button",
            "className": classes("ember-page", number == current and "ember-page-current"),
            "aria-label": f"Page {number}",
        }
        if number == current:
            attributes["aria-current"] = "page"
        else:
            attributes["onClick"] = go(number)
        items.append(html.li({"key": f"p{number}"}, html.button(attributes, str(number))))
        previous = number
    items.append(
        _page_button("Next", current + 1, go, disabled=current >= total, icon_name="chevron-right")
    )
    return html.nav(
        {"className": "ember-pagination", "aria-label": label},
        html.ul(*items),
    )


def _page_button(
    text: str,
    number: int,
    go: Callable[[int], Callable[[object], object]],
    *,
    disabled: bool,
    icon_name: str,
) -> VdomDict:
    attributes: dict[str, object] = {"type": "button", "className": "ember-page ember-page-step"}
    if disabled:
        attributes["disabled"] = True
    else:
        attributes["onClick"] = go(number)
    content: list[VdomDict | str] = (
        [icon(icon_name, size="sm"), text] if text == "Previous" else [text]
    )
    if text == "Next":
        content.append(icon(icon_name, size="sm"))
    return html.li({"key": text}, html.button(attributes, *content))
