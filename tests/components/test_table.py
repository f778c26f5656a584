"""table and pagination: columns, sortable headers, row click, empty state, pages."""

from __future__ import annotations

from dataclasses import dataclass

from reactpy import component, html, use_state

from ember.components import Column, button, pagination, table

from .conftest import OpenView


@dataclass
class Person:
    id: int
    name: str
    age: int | None


PEOPLE = [Person(1, "Cleo", 30), Person(2, "Ada", None), Person(3, "Bo", 25)]
COLUMNS = [
    Column[Person]("name", "Name", sortable=True),
    Column[Person]("age", "Age", sortable=True, align="end"),
    Column[Person]("actions", "", render=lambda p: button("Edit", size="sm", id=f"edit-{p.id}")),
]


async def test_table_renders_headers_cells_and_sorts_on_header_click(open_view: OpenView) -> None:
    @component
    def View():
        return table(PEOPLE, COLUMNS, caption="People")

    async with open_view(View) as page:
        assert page.find("caption").text() == "People"
        headers = page.find_all("th")
        assert [h.attr("scope") for h in headers] == ["col", "col", "col"]
        assert headers[0].attr("aria-sort") == "none"
        assert headers[2].attr("aria-sort") is None  # not sortable
        assert _first_cells(page) == ["Cleo", "Ada", "Bo"]
        assert page.find("tr[data-row='1'] #edit-1")

        await page.click("th button", text="Name")
        assert _first_cells(page) == ["Ada", "Bo", "Cleo"]
        assert page.find_all("th")[0].attr("aria-sort") == "ascending"
        await page.click("th button", text="Name")
        assert _first_cells(page) == ["Cleo", "Bo", "Ada"]
        assert page.find_all("th")[0].attr("aria-sort") == "descending"

        await page.click("th button", text="Age")  # None sorts last
        assert _first_cells(page) == ["Bo", "Cleo", "Ada"]
        assert page.find_all("th")[0].attr("aria-sort") == "none"


async def test_table_sorted_outside_calls_on_sort(open_view: OpenView) -> None:
    asked: list[tuple[str, str]] = []

    @component
    def View():
        return table(
            PEOPLE, COLUMNS, sort=("age", "ascending"), on_sort=lambda k, d: asked.append((k, d))
        )

    async with open_view(View) as page:
        assert _first_cells(page) == ["Cleo", "Ada", "Bo"]  # rows as given
        await page.click("th button", text="Age")
        await page.click("th button", text="Name")
        assert asked == [("age", "descending"), ("name", "ascending")]


async def test_row_click_and_enter_choose_the_row(open_view: OpenView) -> None:
    @component
    def View():
        chosen, set_chosen = use_state("")
        return html.div(
            table(PEOPLE, COLUMNS, on_row_click=lambda p: set_chosen(p.name)),
            html.p({"id": "chosen"}, chosen),
        )

    async with open_view(View) as page:
        row = page.find("tr[data-row='3']")
        assert row.attr("tabindex") == "0"
        await page.click("tr[data-row='3']")
        assert page.find("#chosen").text() == "Bo"
        await page.keydown("tr[data-row='1']", "Enter")
        assert page.find("#chosen").text() == "Cleo"
        await page.keydown("tr[data-row='2']", "a")
        assert page.find("#chosen").text() == "Cleo"
        assert row.attr("data-ember-key") == "Enter Space"  # other keys stay in the browser
        await page.keydown("tr[data-row='2']", " ")
        assert page.find("#chosen").text() == "Ada"


async def test_empty_table_shows_the_empty_state(open_view: OpenView) -> None:
    @component
    def View():
        return html.div(
            table([], COLUMNS, id="default"),
            table([], COLUMNS, id="custom", empty=html.p({"id": "none"}, "No people")),
        )

    async with open_view(View) as page:
        assert page.find("#default .ember-empty-title").text() == "Nothing here yet"
        assert page.find("#default td").attr("colspan") == "3"
        assert page.find("#custom #none").text() == "No people"


async def test_pagination_moves_between_pages(open_view: OpenView) -> None:
    @component
    def View():
        page_number, set_page = use_state(1)
        return pagination(page_number, 12, on_change=set_page)

    async with open_view(View) as page:
        nav = page.find("nav")
        assert nav.attr("aria-label") == "Pagination"
        assert page.find("[aria-current=page]").text() == "1"
        assert "disabled" in page.find("button", text="Previous").attributes
        assert [b.text() for b in page.find_all(".ember-page:not(.ember-page-step)")] == [
            "1",
            "2",
            "3",
            "12",
        ]
        await page.click("button", text="Next")
        assert page.find("[aria-current=page]").text() == "2"
        await page.click("[aria-label='Page 12']")
        assert page.find("[aria-current=page]").text() == "12"
        assert "disabled" in page.find("button", text="Next").attributes
        assert page.has(".ember-page-gap")


def _first_cells(page) -> list[str]:
    return [row.text() for row in page.find_all("tbody tr td:first-child")]
