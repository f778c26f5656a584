"""The docs and source panes: a component's docstring and signature, the story's
declaration, and the call that renders the current arguments."""

from __future__ import annotations

import ast
import enum
import inspect
import re
import sys
from collections.abc import Mapping, Sequence
from functools import cache

from reactpy import html

from ._controls import to_json
from ._story import Story

__all__ = [
    "call_snippet",
    "component_name",
    "docstring_summary",
    "inline",
    "signature_text",
    "story_source",
]

_SECTION = re.compile(r"^(Args|Arguments|Parameters|Returns|Raises|Yields|Example|Examples):\s*$")


def component_name(story: Story) -> str:
    return str(getattr(story.component, "__name__", type(story.component).__name__))


def signature_text(story: Story) -> str:
    """``button(*children, variant: Literal[…] = 'primary', …)``, one parameter a line."""
    try:
        signature = inspect.signature(story.component, eval_str=True)
    except (TypeError, ValueError, NameError):
        try:
            signature = inspect.signature(story.component)
        except (TypeError, ValueError):
            return f"{component_name(story)}(…)"
    parts = [_clean(str(p)) for p in signature.parameters.values()]
    keyword_only = [p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values()]
    if any(keyword_only) and not any(
        p.kind is inspect.Parameter.VAR_POSITIONAL for p in signature.parameters.values()
    ):
        parts.insert(keyword_only.index(True), "*")
    body = "".join(f"\n    {part}," for part in parts)
    return f"{component_name(story)}({body}\n)" if parts else f"{component_name(story)}()"


def _clean(text: str) -> str:
    for prefix in ("typing.", "collections.abc.", "reactpy.types."):
        text = text.replace(prefix, "")
    return re.sub(r"\bember\.\w+\._\w+\.", "", text)


def docstring_summary(story: Story) -> list[str]:
    """The component's docstring as paragraphs, without its Args/Returns/Raises sections."""
    text = inspect.getdoc(story.component) or ""
    paragraphs: list[str] = []
    current: list[str] = []
    skipping = False
    for line in text.splitlines():
        if _SECTION.match(line.strip()):
            skipping = True
        elif skipping and line and not line.startswith(" "):
            skipping = False
        if skipping:
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def inline(text: str) -> list[object]:
    """Text with ``code`` spans (docstring style, double backticks) as ``<code>``."""
    parts: list[object] = []
    for index, part in enumerate(text.split("``")):
        if part:
            parts.append(html.code({"key": str(index)}, part) if index % 2 else part)
    return parts


def paragraphs(text: str) -> list[str]:
    """Plain text split into paragraphs on blank lines."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def call_snippet(
    story: Story, args: Mapping[str, object], children: Sequence[object] | None = None
) -> str:
    """The Python call that renders these arguments, e.g. ``button("Save", size="lg")``."""
    shown = [_literal(c) for c in (story.children if children is None else children)]
    shown += [f"{name}={_literal(value)}" for name, value in args.items()]
    one_line = f"{component_name(story)}({', '.join(shown)})"
    if len(one_line) <= 88:
        return one_line
    return f"{component_name(story)}(\n" + "".join(f"    {s},\n" for s in shown) + ")"


def _literal(value: object) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if callable(value):
        return str(getattr(value, "__name__", "…"))
    if isinstance(value, str | int | float | bool | type(None)):
        return repr(value)
    plain = to_json(value)
    if plain is not None and len(plain) <= 60 and not isinstance(value, dict):
        return repr(value)
    return "…"


def story_source(story: Story) -> str:
    """The ``Story(…)`` declaration in its module's source, or "" when it cannot be found."""
    module = sys.modules.get(getattr(story.component, "__module__", "") or "")
    for candidate in _story_modules(story):
        found = _find_declaration(candidate, story.name)
        if found:
            return found
    if module is not None:
        return _find_declaration(module.__name__, story.name)
    return ""


def _story_modules(story: Story) -> list[str]:
    return [
        name
        for name, module in list(sys.modules.items())
        if name.endswith("_stories")
        and any(
            getattr(s, "name", None) == story.name for s in getattr(module, "stories", None) or ()
        )
    ]


@cache
def _module_tree(module_name: str) -> tuple[str, ast.Module] | None:
    module = sys.modules.get(module_name)
    if module is None:
        return None
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return None
    return source, ast.parse(source)


def _find_declaration(module_name: str, name: str) -> str:
    loaded = _module_tree(module_name)
    if loaded is None:
        return ""
    source, tree = loaded
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Story"):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "name" and isinstance(value, ast.Constant) and value.value == name:
                return ast.get_source_segment(source, node) or ""
    return ""
