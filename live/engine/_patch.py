"""The ``ember-patch`` wire format (protocol 3 and 4), applied to a model as ember's client
(``static/ember.js``) applies it to the DOM.

A patch is ``{"type": "ember-patch", "ops": [...]}``. Its paths and the elements in it are
written compactly, because most of a small update used to be JSON pointers and key names.

A path is a list of steps from the root (``[]``): an integer ``n`` steps into the
``children`` of an element (``/children/n`` as a JSON pointer), a string steps into an
object by key (``"attributes"``, then an attribute's name). So ``/children/0/children/2/
attributes/value`` is ``[0, 2, "attributes", "value"]``, and no key needs escaping.

- ``["s", path, value]``: set the place at ``path``. When the path ends with an integer,
  ``value`` is a child (see below); otherwise it is plain JSON (an attribute, the whole
  ``attributes`` object). ``[]`` assigns the keys of ``value`` onto the root, as ReactPy's
  client does for a root ``layout-update``;
- ``["c", path, [children…]]``: replace the children of the element at ``path``;
- ``["i", path, index, [children…]]``: insert children into the element at ``path``;
- ``["d", path, index, count]``: delete ``count`` of its children;
- ``["m", path, from, to]``: move one of its children.

A child is a text (a JSON string) or an element ``[tagName, extras, *children]``.
``extras`` is ``0`` when the element has none, else an object with its other keys:
``attributes`` as ``"a"``, ``eventHandlers`` as ``"e"``, ``inlineJavaScript`` as ``"j"``,
``importSource`` as ``"s"``, ``error`` as ``"x"``, ``key`` as ``"k"``; any other key
keeps its name (ReactPy's are never one letter). An element with neither is ``[tagName]``.
Values inside extras stay plain JSON. An empty ``children`` list is left out: missing
children mean the same as none to the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Op = list[Any]
Path = list[int | str]

_SHORT = {
    "attributes": "a",
    "eventHandlers": "e",
    "inlineJavaScript": "j",
    "importSource": "s",
    "error": "x",
    "key": "k",
}
_LONG = {short: name for name, short in _SHORT.items()}
_EMPTY_WHEN_MISSING = ("attributes", "eventHandlers", "inlineJavaScript", "children")


def pointer_tokens(pointer: str) -> list[str]:
    """The unescaped tokens of a JSON pointer (``""`` is the root)."""
    if pointer == "":
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def compact_path(pointer: str) -> Path:
    """The wire path of a JSON pointer: ``/children/3/attributes`` is ``[3, "attributes"]``."""
    tokens = pointer_tokens(pointer)
    path: Path = []
    position = 0
    while position < len(tokens):
        step = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if step == "children" and following.isdigit():
            path.append(int(following))
            position += 2
        else:
            path.append(step)
            position += 1
    return path


def encode_child(child: Any) -> Any:
    """A child of the model (a text or a VDOM element dict) in its wire form."""
    if not isinstance(child, dict):
        return child
    extras = {
        _SHORT.get(name, name): value
        for name, value in child.items()
        if name != "tagName" and name != "children"
    }
    children = child.get("children")
    if not children:
        return [child["tagName"], extras] if extras else [child["tagName"]]
    return [child["tagName"], extras or 0, *[encode_child(c) for c in children]]


def decode_child(value: Any) -> Any:
    """A child in its wire form back as the model ReactPy's client renders."""
    if not isinstance(value, list):
        return value
    element: dict[str, Any] = {"tagName": value[0]}
    if len(value) > 1 and value[1]:
        for name, extra in value[1].items():
            element[_LONG.get(name, name)] = extra
    if len(value) > 2:
        element["children"] = [decode_child(c) for c in value[2:]]
    return element


def apply_ops(root: dict[str, Any], ops: Sequence[Op]) -> None:
    """Apply ``ember-patch`` operations to the model ``root`` in place, as ``ember.js`` does
    to the DOM.

    Raises:
        ValueError: an operation of an unknown kind.
    """
    for op in ops:
        kind, path = op[0], op[1]
        if kind == "s":
            _set(root, path, op[2])
            continue
        element = _walk(root, path)
        if kind == "c":
            element["children"] = [decode_child(c) for c in op[2]]
            continue
        children = element.setdefault("children", [])
        if kind == "i":
            children[op[2] : op[2]] = [decode_child(c) for c in op[3]]
        elif kind == "d":
            del children[op[2] : op[2] + op[3]]
        elif kind == "m":
            children.insert(op[3], children.pop(op[2]))
        else:
            msg = f"Expected an ember-patch op of kind 's', 'c', 'i', 'd' or 'm', got {kind!r}."
            raise ValueError(msg)


def _walk(root: dict[str, Any], path: Sequence[int | str]) -> Any:
    """The node at ``path``; missing objects on the way are created (ReactPy's rule)."""
    node: Any = root
    for step in path:
        if isinstance(step, int):
            node = node.setdefault("children", [])[step]
        elif isinstance(node, list):
            node = node[int(step)]
        else:
            node = node.setdefault(step, {})
    return node


def _set(root: dict[str, Any], path: Sequence[int | str], value: Any) -> None:
    if not path:
        root.update(value)
        return
    parent, last = _walk(root, path[:-1]), path[-1]
    if isinstance(last, int):
        children = parent.setdefault("children", [])
        if last == len(children):
            children.append(decode_child(value))
        else:
            children[last] = decode_child(value)
    elif isinstance(parent, list):
        parent[int(last)] = value
    else:
        parent[last] = value


def set_pointer(root: dict[str, Any], pointer: str, value: Any) -> None:
    """ReactPy's client rule for a ``layout-update``: ``""`` assigns onto the root,
    otherwise set the JSON pointer, creating missing containers on the way."""
    if pointer == "":
        root.update(value)
        return
    tokens = pointer_tokens(pointer)
    node: Any = root
    for position, token in enumerate(tokens[:-1]):
        if isinstance(node, list):
            node = node[int(token)]
            continue
        if token not in node:
            node[token] = [] if tokens[position + 1].isdigit() else {}
        node = node[token]
    last = tokens[-1]
    if not isinstance(node, list):
        node[last] = value
    elif int(last) == len(node):
        node.append(value)
    else:
        node[int(last)] = value


def normalized(model: Any) -> Any:
    """``model`` with empty ``attributes``/``children``/… left out, for comparing models."""
    if isinstance(model, list):
        return [normalized(item) for item in model]
    if not isinstance(model, dict):
        return model
    return {k: normalized(v) for k, v in model.items() if not (k in _EMPTY_WHEN_MISSING and not v)}
