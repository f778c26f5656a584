"""Turn a rendered VDOM model into HTML for the server-rendered first paint.

Event handlers are dropped (the live client attaches them), text and attribute values are
escaped, and only attribute names made of safe characters are written, so nothing in a
model can turn into markup or script on its way to HTML. The model already passed ember's
attribute rules (``_sanitize``); the writer applies the same ones again, on its own, so a
model built elsewhere cannot carry an event-handler attribute (any case) or an unsafe URL
into the page either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape
from typing import Any

from ._sanitize import (
    BLOCKED_URL,
    URL_ATTRIBUTES,
    attribute_key,
    is_event_attribute,
    react_name,
    safe_url,
)

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
# React-style property names whose HTML attribute differs by more than case.
_RENAMED = {
    "className": "class",
    "htmlFor": "for",
    "defaultValue": "value",
    "defaultChecked": "checked",
    "acceptCharset": "accept-charset",
    "httpEquiv": "http-equiv",
}
_SAFE_ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")
_SAFE_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# Elements whose text the HTML parser does not decode: their text cannot be escaped, so
# none is written (ReactPy renders <script> on the client; <style> from user data is unsafe).
_RAW_TEXT = frozenset({"script", "style"})


HANDLERS_ATTRIBUTE = "data-ember-handlers"


def model_to_html(model: Mapping[str, Any], *, handlers: bool = False) -> str:
    """Return the HTML for a VDOM model as ReactPy's layout produces it.

    With ``handlers``, each element with event handlers carries them as JSON in
    ``data-ember-handlers`` (event name → target), for ``ember.live.testing``.
    """
    parts: list[str] = []
    _write(model, parts, handlers)
    return "".join(parts)


def _write(node: Any, out: list[str], handlers: bool) -> None:
    if isinstance(node, str):
        out.append(escape(node, quote=False))
        return
    if type(node) is not dict and not isinstance(node, Mapping):
        return
    tag = node.get("tagName", "")
    children = node.get("children", ())
    if not tag:
        for child in children:
            _write(child, out, handlers)
        return
    if tag not in _WRITTEN_TAGS:
        if not _SAFE_TAG.match(tag) or tag in _RAW_TEXT:
            return
        if len(_WRITTEN_TAGS) < _MAX_REMEMBERED:
            _WRITTEN_TAGS.add(tag)
    out.append(f"<{tag}")
    attributes = node.get("attributes")
    if attributes:
        for name, value in attributes.items():
            attribute = _attribute(tag, name, value)
            if attribute:
                out.append(attribute)
    if handlers and node.get("eventHandlers"):
        targets = {name: h["target"] for name, h in node["eventHandlers"].items()}
        out.append(f' {HANDLERS_ATTRIBUTE}="{escape(json.dumps(targets), quote=True)}"')
    out.append(">")
    if tag in VOID_ELEMENTS:
        return
    if tag == "textarea":
        value = (attributes or {}).get("value")
        if isinstance(value, str):
            out.append(escape(value, quote=False))
    for child in children:
        _write(child, out, handlers)
    out.append(f"</{tag}>")


def _attribute(tag: str, name: str, value: Any) -> str:
    if value is None or value is False or callable(value):
        return ""
    facts = _NAMES.get(name)
    if facts is None:
        facts = _name_facts(name)
    html_name, url_key, is_style = facts
    if not html_name:
        return ""
    if url_key is not None and isinstance(value, str) and not safe_url(tag, url_key, value):
        value = BLOCKED_URL
    if value is True:
        return f" {html_name}"
    if is_style and isinstance(value, Mapping):
        value = ";".join(f"{_CAMEL.sub('-', k).lower()}:{v}" for k, v in value.items())
    elif isinstance(value, list | dict):  # as ember.js writes them: JSON
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return f' {html_name}="{escape(str(value), quote=True)}"'


_MAX_REMEMBERED = 4096
"""Tag and attribute names remembered (a program has a few hundred)."""
_WRITTEN_TAGS: set[str] = set()
"""Tags seen that are written (a safe name, not raw text)."""
_NAMES: dict[str, tuple[str, str | None, bool]] = {}
"""What an attribute name is written as: its HTML name ("" for none: a key, an event
handler, an unsafe name), its rules' key when its value is checked as a URL, and whether
it is ``style``. Worked out once per name rather than for every attribute of every page."""


def _name_facts(name: str) -> tuple[str, str | None, bool]:
    if name == "key" or name.startswith("_") or is_event_attribute(name):
        facts: tuple[str, str | None, bool] = ("", None, False)
    else:
        react = react_name(name)
        key = attribute_key(react)
        html_name = _RENAMED.get(react)
        if html_name is None:
            html_name = react if react.startswith(("data-", "aria-")) else react.lower()
        if not _SAFE_ATTRIBUTE.match(html_name) or html_name.startswith("on"):
            html_name = ""
        facts = (html_name, key if key in URL_ATTRIBUTES else None, react == "style")
    if len(_NAMES) < _MAX_REMEMBERED:
        _NAMES[name] = facts
    return facts
