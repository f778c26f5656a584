"""Stories as tests: render every variation, fail on any exception, optionally check the
HTML for escaping and basic accessibility.

:func:`story_cases` lists one :class:`StoryCase` per variation (its ``id`` is the test id);
:func:`check_story` opens the variation as a live ember page in-process and checks it;
:func:`check_html` is the HTML check on its own. The pytest plugin
(``ember.storybook.pytest_plugin``) parametrizes a test over the cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from reactpy import component, html
from selectolax.lexbor import LexborHTMLParser, LexborNode

import ember.components as ui
from ember.live import Ember, LiveSettings, error_boundary
from ember.live.testing import LiveClient

from ._controls import ControlKind, controls_for
from ._discovery import discover
from ._errors import StoryCheckError
from ._story import Story, render, slug

__all__ = ["PROBE", "StoryCase", "check_html", "check_story", "story_cases"]

PROBE = '"><img src=x data-sb-probe onerror=alert(1)><script data-sb-probe>alert(1)</script>'
"""What the escaping check puts into every text argument: markup that must stay text."""

_NAMED_BY_CONTENT = {"button", "summary"}
_NO_LABEL_INPUTS = {"hidden", "submit", "button", "reset", "image"}
ROLES = frozenset(
    {
        "alert",
        "alertdialog",
        "application",
        "article",
        "banner",
        "blockquote",
        "button",
        "caption",
        "cell",
        "checkbox",
        "code",
        "columnheader",
        "combobox",
        "complementary",
        "contentinfo",
        "definition",
        "deletion",
        "dialog",
        "directory",
        "document",
        "emphasis",
        "feed",
        "figure",
        "form",
        "generic",
        "grid",
        "gridcell",
        "group",
        "heading",
        "img",
        "insertion",
        "link",
        "list",
        "listbox",
        "listitem",
        "log",
        "main",
        "marquee",
        "math",
        "menu",
        "menubar",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "meter",
        "navigation",
        "none",
        "note",
        "option",
        "paragraph",
        "presentation",
        "progressbar",
        "radio",
        "radiogroup",
        "region",
        "row",
        "rowgroup",
        "rowheader",
        "scrollbar",
        "search",
        "searchbox",
        "separator",
        "slider",
        "spinbutton",
        "status",
        "strong",
        "subscript",
        "superscript",
        "switch",
        "tab",
        "table",
        "tablist",
        "tabpanel",
        "term",
        "textbox",
        "time",
        "timer",
        "toolbar",
        "tooltip",
        "tree",
        "treegrid",
        "treeitem",
    }
)  # fmt: skip
_SECRET = "ember-storybook-checks-0123456789abcdef"  # noqa: S105 - an in-process test app


@dataclass(frozen=True)
class StoryCase:
    """One variation of one story: what one story test renders."""

    story: Story
    variation: str

    @property
    def id(self) -> str:
        """The test id: ``button-primary``."""
        return f"{self.story.id}-{slug(self.variation)}"

    def __str__(self) -> str:
        return f"{self.story.name} / {self.variation}"


def story_cases(packages: Iterable[str] = (), *, stories: Sequence[Story] = ()) -> list[StoryCase]:
    """One case per variation of every story in ``packages`` (and ``stories``), in order.

    Use them with ``pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])``,
    or let the pytest plugin do it.
    """
    return [
        StoryCase(story, name)
        for story in [*discover(packages), *stories]
        for name in story.variations
    ]


async def check_story(
    case: StoryCase,
    *,
    html_checks: bool = False,
    ember: Ember | None = None,
) -> str:
    """Render one variation as a live page (first paint, then over the websocket).

    Args:
        case: the story and variation.
        html_checks: also check the HTML with :func:`check_html`, and check that markup put
            into every text argument (:data:`PROBE`) comes out as text.
        ember: the runtime to mount with (default: a private one).

    Returns:
        The variation's live HTML.

    Raises:
        StoryCheckError: rendering raised (the exception is chained), rendered nothing,
            or the HTML failed a check (every problem is listed).
    """
    runtime = ember or _runtime()
    errors: list[BaseException] = []
    opened: Exception | None = None
    static = live = ""
    failed: list[str] = []
    empty = False
    # Failures are raised after the client closed, so they arrive as themselves rather
    # than inside the client's task group's ExceptionGroup.
    async with LiveClient(_story_app(runtime, case, {}, errors, refuse=False)) as client:
        try:
            page = await client.live("/story")
            await page.render()
        except Exception as error:
            opened = error
        else:
            static = _story_html(page.static_html)
            live = _story_html(page.html())
            marker = "#story .ember-render-error, #story .ember-boundary-error"
            failed = [e.text() for e in page.find_all(marker)]
            visible = "#story :is(img, svg, input, select, textarea, button, hr, progress)"
            empty = not page.find("#story").text() and not page.find_all(visible)
    _raise_failed(case, errors)
    if opened is not None:
        raise StoryCheckError(f"{case} could not be opened: {opened}") from opened
    if failed:
        raise StoryCheckError(f"{case} failed to render: {failed[0]}")
    if empty:
        raise StoryCheckError(f"{case} rendered nothing.")
    problems: list[str] = []
    if html_checks:
        problems += [f"first paint: {p}" for p in check_html(static)]
        problems += [f"live: {p}" for p in check_html(live) if f"first paint: {p}" not in problems]
        problems += await _probe(runtime, case)
    if problems:
        listed = "\n".join(f"- {p}" for p in problems)
        raise StoryCheckError(f"{case} failed its HTML checks:\n{listed}")
    return live


def _runtime() -> Ember:
    return Ember(LiveSettings(secret_key=_SECRET))


def _story_app(
    runtime: Ember,
    case: StoryCase,
    args: Mapping[str, object],
    errors: list[BaseException],
    *,
    refuse: bool,
) -> FastAPI:
    def fallback(error: BaseException, reset: Any) -> Any:
        errors.append(error)
        return html.div({"className": "ember-boundary-error", "role": "alert"}, str(error))

    @component
    def story_root() -> Any:
        return html.div(
            {"id": "story"},
            error_boundary(_variation(case, args, errors, refuse), fallback=fallback),
        )

    app = FastAPI()
    runtime.mount(app, "/story", story_root, head=ui.head(inline=True), title=str(case))
    return app


@component
def _variation(
    case: StoryCase, args: Mapping[str, object], errors: list[BaseException], refuse: bool
) -> Any:
    try:
        return render(case.story, case.variation, args)
    except Exception as error:
        errors.append(error)
        if refuse:  # the escaping probe: a component may refuse such a value (an icon name)
            return html.div({"data-sb-refused": ""})
        raise


def _raise_failed(case: StoryCase, errors: list[BaseException]) -> None:
    if errors:
        error = errors[0]
        raise StoryCheckError(f"{case} raised {type(error).__name__}: {error}") from error


def _story_html(page_html: str) -> str:
    tree = LexborHTMLParser(page_html)
    node = tree.css_first("#story")
    return node.html or "" if node is not None else page_html


async def _probe(runtime: Ember, case: StoryCase) -> list[str]:
    """Markup in every text argument must come out as text (first paint; live uses the
    same VDOM, escaped by ReactPy's client)."""
    names = [
        c.name for c in controls_for(case.story) if c.kind is ControlKind.TEXT and not c.positional
    ]
    problems: list[str] = []
    for name in names:
        errors: list[BaseException] = []
        app = _story_app(runtime, case, {name: PROBE}, errors, refuse=True)
        async with LiveClient(app) as client:
            response = await client.get("/story")
        if errors or response.status_code != 200:
            continue  # the component refuses such a value (an unknown icon name): fine
        for problem in check_html(_story_html(response.text), accessibility=False):
            problems.append(f"{name}={PROBE!r}: {problem}")
    return problems


def check_html(markup: str, *, accessibility: bool = True) -> list[str]:
    """Problems in a story's HTML, as sentences; an empty list when it passes.

    Escaping: no ``<script>``, no inline event attribute (``onclick``), no script URL in
    ``href``/``src``/``action``, nothing from :data:`PROBE` turned into markup.
    Accessibility (basic, not a full audit): images have ``alt``; inputs, selects and
    textareas have a label; buttons and links have an accessible name; ``role`` values
    are ARIA roles; ids are unique and ``aria-labelledby``/``aria-describedby`` name ids
    that exist.
    """
    tree = LexborHTMLParser(f"<body>{markup}</body>")
    body = tree.body
    if body is None:
        return []
    problems: list[str] = []
    nodes = [n for n in body.traverse(include_text=False) if n is not body]
    for node in nodes:
        problems += _escaping(node)
    if accessibility:
        ids = [n.attributes.get("id") for n in nodes if n.attributes.get("id")]
        duplicates = sorted({i for i in ids if ids.count(i) > 1 and i})
        if duplicates:
            problems.append(f"ids used more than once: {', '.join(duplicates)}.")
        known = set(ids)
        labelled = {n.attributes.get("for") for n in nodes if n.tag == "label"}
        for node in nodes:
            problems += _accessibility(node, known, labelled)
    return problems


def _describe(node: LexborNode) -> str:
    shown = " ".join(
        f'{k}="{v}"'
        for k, v in node.attributes.items()
        if k in {"id", "class", "name", "type"} and v
    )
    return f"<{node.tag}{' ' + shown if shown else ''}>"


def _escaping(node: LexborNode) -> list[str]:
    problems = []
    if node.tag == "script":
        problems.append(f"a {_describe(node)} element is in the markup.")
    for name, value in node.attributes.items():
        if name.startswith("on"):
            problems.append(f"{_describe(node)} has an inline event attribute {name}.")
        if name == "data-sb-probe":
            problems.append(f"text was turned into markup: {_describe(node)}.")
        urls = {"href", "src", "action", "formaction", "xlink:href"}
        if name in urls and value is not None and ui.safe_url(value) is None:
            problems.append(f"{_describe(node)} has a script-capable URL in {name}: {value!r}.")
    return problems


def _name_of(node: LexborNode) -> str:
    attributes = node.attributes
    for attribute in ("aria-label", "aria-labelledby", "title"):
        if (attributes.get(attribute) or "").strip():
            return str(attributes[attribute])
    text = (node.text(deep=True) or "").strip()
    if text:
        return text
    images = [
        i.attributes.get("alt") or i.attributes.get("aria-label")
        for i in node.css("img, svg[role=img]")
    ]
    return next((i for i in images if i), "")


def _accessibility(node: LexborNode, ids: set[str | None], labelled: set[str | None]) -> list[str]:
    attributes = node.attributes
    tag = node.tag or ""
    problems = []
    if tag == "img" and "alt" not in attributes:
        problems.append(f"{_describe(node)} has no alt text.")
    kind = (attributes.get("type") or "text").lower()
    if tag in {"input", "select", "textarea"} and not (tag == "input" and kind in _NO_LABEL_INPUTS):
        named = any(
            (attributes.get(a) or "").strip() for a in ("aria-label", "aria-labelledby", "title")
        )
        if not named and attributes.get("id") not in labelled and not _inside(node, "label"):
            problems.append(
                f"{_describe(node)} has no label (a <label for>, aria-label or aria-labelledby)."
            )
    needs_name = tag in _NAMED_BY_CONTENT or (tag == "a" and "href" in attributes)
    if needs_name and not _name_of(node):
        problems.append(f"{_describe(node)} has no accessible name (text or aria-label).")
    role = attributes.get("role")
    if role is not None:
        unknown = [r for r in role.split() if r not in ROLES]
        if unknown:
            problems.append(f"{_describe(node)} has role {role!r}, which is not an ARIA role.")
    for attribute in ("aria-labelledby", "aria-describedby"):
        for ref in (attributes.get(attribute) or "").split():
            if ref not in ids:
                problems.append(
                    f"{_describe(node)} has {attribute}={ref!r}, but no element has that id."
                )
    return problems


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False
