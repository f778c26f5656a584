"""Stories for table and pagination."""

from __future__ import annotations

from reactpy import component, use_state
from reactpy.types import VdomDict

from ember.components import Column, badge, pagination, table

from . import Story

PEOPLE = [
    {"id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "role": "Admin", "logins": 42},
    {"id": 2, "name": "Grace Hopper", "email": "grace@example.com", "role": "Editor", "logins": 7},
    {"id": 3, "name": "Alan Turing", "email": "alan@example.com", "role": "Viewer", "logins": 19},
]

COLUMNS: list[Column[dict[str, object]]] = [
    Column("name", "Name", sortable=True),
    Column("email", "Email"),
    Column("role", "Role", render=lambda row: badge(str(row["role"]), tone="info")),
    Column("logins", "Logins", sortable=True, align="end"),
]


def _chosen(row: object) -> None:
    return None


@component
def pagination_demo(total_pages: int = 10, page: int = 1) -> VdomDict:
    """Pagination that moves between pages."""
    current, set_current = use_state(page)
    return pagination(current, total_pages, on_change=set_current)


stories = [
    Story(
        name="table",
        component=table,
        variations={
            "sortable": {"rows": PEOPLE, "columns": COLUMNS, "caption": "Team"},
            "sorted by logins": {
                "rows": PEOPLE,
                "columns": COLUMNS,
                "sort": ("logins", "descending"),
            },
            "clickable rows": {
                "rows": PEOPLE,
                "columns": COLUMNS,
                "on_row_click": _chosen,
            },
            "empty": {"rows": [], "columns": COLUMNS},
        },
    ),
    Story(
        name="pagination",
        component=pagination_demo,
        variations={
            "first page": {"total_pages": 10, "page": 1},
            "middle": {"total_pages": 20, "page": 10},
            "one page": {"total_pages": 1},
        },
    ),
]
