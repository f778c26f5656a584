"""Smaller updates: send the browser only what changed in a re-rendered subtree.

ReactPy resends the whole subtree of a component that re-rendered. The session's writer
keeps a :class:`ModelMirror` of the model the browser holds (the dicts the layout already
made, shared, not copied) and turns each ``layout-update`` into an ``ember-patch`` message
whose operations touch only the changed places: set a child or a value, replace, insert,
delete or move children. The operations, their compact paths and elements are the wire
format of ``ember.live._patch``; ember's client shim (``ember-patch.js``) and
``ember.live.testing`` apply them with the same rules (:func:`ember.live._patch.apply_ops`).

Missing ``attributes``, ``eventHandlers``, ``inlineJavaScript`` and ``children`` mean
the same as empty ones to the client, so a removed one is sent as empty (see
:func:`ember.live._patch.normalized`). Children of a stream container
(``data-ember-stream``) are not diffed: the stream's own operations, carried by the
container's mark, say what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from ._patch import Op, Path, compact_path, encode_child, pointer_tokens
from ._patch import set_pointer as set_pointer  # ember.live._reactpy imports it from here

logger = logging.getLogger("ember.live")

STREAM_ATTRIBUTE = "data-ember-stream"
_EMPTY_WHEN_MISSING = {
    "attributes": dict,
    "eventHandlers": dict,
    "inlineJavaScript": dict,
    "children": list,
}
_COMPARED_AS_MAPPINGS = ("attributes", "eventHandlers", "inlineJavaScript")
# Beyond this many children in a reordered middle, resend the list (keeps diffing O(n)).
_MAX_REORDER = 2000


class StreamBatch(Protocol):
    """What a stream container's mark tells the diff (see ``ember.live._stream``)."""

    fresh: bool
    ops: Sequence[tuple[str, int, int]]


class ModelMirror:
    """The model the client holds, as the server last sent it; turns updates into patches."""

    def __init__(self) -> None:
        self.root: dict[str, Any] | None = None
        self.seen: dict[str, int] = {}

    def messages(self, update: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """The messages that bring the client from the mirrored model to ``update``'s.

        The first update goes out unchanged (a ``layout-update`` the stock client applies);
        later ones become at most one ``ember-patch``.
        """
        pointer: str = update["path"]
        model: dict[str, Any] = update["model"]
        if self.root is None:
            if pointer == "":
                self.root = model
                sent_whole(model, self.seen)
                yield dict(update)
                return
            self.root = {"tagName": ""}
        ops: list[Op] = []
        if pointer == "":
            diff(self.root, model, [], ops, self.seen)
            self.root = model
        else:
            parent, last = self._locate(pointer)
            if parent is _INSIDE_STREAM:
                # A component inside a stream row re-rendered: rows are sent once, so the
                # update has no place in the client's list (see docs/streams.md).
                logger.debug("Dropped an update inside a stream row at %s", pointer)
                return
            path = compact_path(pointer)
            old = _MISSING if parent is None else _child(parent, last)
            if old is _MISSING:
                ops.append(["s", path, _sending(model, self.seen)])
            else:
                diff(old, model, path, ops, self.seen)
            if parent is not None:
                _set(parent, last, model)
        if ops:
            yield {"type": "ember-patch", "ops": ops}

    def _locate(self, pointer: str) -> tuple[Any, str]:
        tokens = pointer_tokens(pointer)
        node: Any = self.root
        for index, token in enumerate(tokens[:-1]):
            if (
                token == _CHILDREN
                and isinstance(node, dict)
                and isinstance(node.get("attributes", {}).get(STREAM_ATTRIBUTE), str)
                and index + 1 < len(tokens)
            ):
                return _INSIDE_STREAM, ""
            node = _child(node, token)
            if node is _MISSING:
                return None, ""
        return node, tokens[-1]


_CHILDREN = "children"
_MISSING: Any = object()
_INSIDE_STREAM: Any = object()


def _child(node: Any, token: str) -> Any:
    if isinstance(node, list):
        if not token.isdigit() or int(token) >= len(node):
            return _MISSING
        return node[int(token)]
    if isinstance(node, dict):
        if token in node:
            return node[token]
        factory = _EMPTY_WHEN_MISSING.get(token)
        if factory is not None:
            node[token] = factory()
            return node[token]
    return _MISSING


def _set(node: Any, token: str, value: Any) -> None:
    if isinstance(node, list):
        index = int(token)
        if index == len(node):
            node.append(value)
        else:
            node[index] = value
    else:
        node[token] = value


# -- diffing ----------------------------------------------------------------------------------


def diff(old: Any, new: Any, path: Path, ops: list[Op], seen: dict[str, int] | None = None) -> None:
    """Append to ``ops`` what turns the model ``old`` at ``path`` into ``new``.

    ``path`` is a wire path (``[]`` for the root, else the path of a child). ``seen`` maps
    each stream's token to the last of its operations already sent; it is updated, and
    the streams are told (their sent operations are forgotten).
    """
    if seen is None:
        seen = {}
    if old is new or old == new:  # equality runs in C: unchanged subtrees cost little
        return
    if not isinstance(old, dict) or not isinstance(new, dict):
        ops.append(["s", path, _sending(new, seen)])
        return
    if not _same_element(old, new):
        if path:
            ops.append(["s", path, _sending(new, seen)])
        else:  # the root: its keys are assigned, so the ones it lost are sent empty
            ops.append(["s", [], {**_empties(old), **new}])
            sent_whole(new, seen)
        return
    for field in _COMPARED_AS_MAPPINGS:
        before, after = old.get(field) or {}, new.get(field) or {}
        if field == "attributes" and STREAM_ATTRIBUTE in after:
            before, after = _as_text(before), _as_text(after)
        if before != after:
            _diff_mapping(before, after, [*path, field], ops)
    mark = (new.get("attributes") or {}).get(STREAM_ATTRIBUTE)
    if mark is not None and hasattr(mark, "ops"):
        _stream_ops(old, new, mark, path, ops, seen)
        return
    _diff_children(old.get("children") or [], new.get("children") or [], path, ops, seen)


def _sending(child: Any, seen: dict[str, int]) -> Any:
    """``child`` in its wire form, noting that the streams in it have sent everything."""
    sent_whole(child, seen)
    return encode_child(child)


def _as_text(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes with the stream mark as plain text (its token)."""
    mark = attributes.get(STREAM_ATTRIBUTE)
    return {**attributes, STREAM_ATTRIBUTE: str(mark)} if mark is not None else dict(attributes)


def _empties(old: Mapping[str, Any]) -> dict[str, Any]:
    return {k: factory() for k, factory in _EMPTY_WHEN_MISSING.items() if k in old}


def _same_element(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    if old.get("tagName") != new.get("tagName"):
        return False
    if (old.get("attributes") or {}).get("key") != (new.get("attributes") or {}).get("key"):
        return False
    for name in old.keys() | new.keys():
        if name not in _EMPTY_WHEN_MISSING and name != "tagName" and old.get(name) != new.get(name):
            return False
    return True


def _diff_mapping(
    old: Mapping[str, Any], new: Mapping[str, Any], path: Path, ops: list[Op]
) -> None:
    changed = [k for k, v in new.items() if k not in old or old[k] != v]
    if len(old.keys() - new.keys()) or 2 * len(changed) > len(new):
        ops.append(["s", path, new])
        return
    ops.extend(["s", [*path, k], new[k]] for k in changed)


def _key(child: Any, index: int) -> Any:
    if isinstance(child, dict):
        key = (child.get("attributes") or {}).get("key")
        if key is not None:
            return ("k", key)
    return ("i", index)


def _diff_children(
    old: list[Any], new: list[Any], path: Path, ops: list[Op], seen: dict[str, int]
) -> None:
    """The children of the element at ``path`` (ops on a list address its element)."""
    old_keys = [_key(c, i) for i, c in enumerate(old)]
    new_keys = [_key(c, i) for i, c in enumerate(new)]
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old_keys[start] == new_keys[start]:
        diff(old[start], new[start], [*path, start], ops, seen)
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and old_keys[old_end - 1] == new_keys[new_end - 1]:
        old_end -= 1
        new_end -= 1
    if old_end > start or new_end > start:
        if old_end == start:
            ops.append(["i", path, start, [_sending(c, seen) for c in new[start:new_end]]])
        elif new_end == start:
            ops.append(["d", path, start, old_end - start])
        elif (old_end - start) + (new_end - start) > _MAX_REORDER:
            ops.append(["c", path, [_sending(c, seen) for c in new]])
            return
        else:
            bounds = (start, old_end, new_end)
            _diff_middle(old, new, old_keys, new_keys, bounds, path, ops, seen)
    for offset in range(len(new) - new_end):
        at = [*path, new_end + offset]
        diff(old[old_end + offset], new[new_end + offset], at, ops, seen)


def _diff_middle(
    old: list[Any],
    new: list[Any],
    old_keys: list[Any],
    new_keys: list[Any],
    bounds: tuple[int, int, int],
    path: Path,
    ops: list[Op],
    seen: dict[str, int],
) -> None:
    start, old_end, new_end = bounds
    wanted = set(new_keys[start:new_end])
    by_key = dict(zip(old_keys[start:old_end], old[start:old_end], strict=True))
    current = old_keys[start:old_end]
    # Deletions first, from the end so earlier indices stay valid; runs become one op.
    index = len(current) - 1
    while index >= 0:
        if current[index] in wanted:
            index -= 1
            continue
        end = index
        while index >= 0 and current[index] not in wanted:
            index -= 1
        ops.append(["d", path, start + index + 1, end - index])
        del current[index + 1 : end + 1]
    last_insert: Op | None = None
    for position in range(new_end - start):
        key = new_keys[start + position]
        child = new[start + position]
        where = start + position
        if position < len(current) and current[position] == key:
            last_insert = None
            diff(by_key[key], child, [*path, where], ops, seen)
        elif key in by_key:
            found = current.index(key, position)
            ops.append(["m", path, start + found, where])
            current.insert(position, current.pop(found))
            last_insert = None
            diff(by_key[key], child, [*path, where], ops, seen)
        else:
            current.insert(position, key)
            if last_insert is not None and last_insert[2] + len(last_insert[3]) == where:
                last_insert[3].append(_sending(child, seen))
            else:
                last_insert = ["i", path, where, [_sending(child, seen)]]
                ops.append(last_insert)


def _stream_ops(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    mark: Any,
    path: Path,
    ops: list[Op],
    seen: dict[str, int],
) -> None:
    previous = (old.get("attributes") or {}).get(STREAM_ATTRIBUTE)
    rows = new.get("children") or []
    token = str(mark)
    if mark.fresh or previous is None or str(previous) != token or token not in seen:
        ops.append(["c", path, [encode_child(row) for row in rows]])
        sent_whole(new, seen)
        return
    last: Op | None = None
    for seq, kind, index, row in mark.ops:
        if seq <= seen[token]:
            continue  # sent with an earlier render
        if kind == "i":
            if last is not None and last[0] == "i" and last[2] + len(last[3]) == index:
                last[3].append(encode_child(rows[row]))
                continue
            last = ["i", path, index, [encode_child(rows[row])]]
        elif kind == "r":
            last = ["s", [*path, index], encode_child(rows[row])]
        elif kind == "d":
            if last is not None and last[0] == "d" and last[2] == index:
                last[3] += 1
                continue
            last = ["d", path, index, 1]
        else:  # "c": the stream was reset
            last = ["c", path, []]
        ops.append(last)
    _acknowledge(mark, seen)


def sent_whole(model: Any, seen: dict[str, int]) -> None:
    """``model`` goes to the client as it is: the streams in it have sent everything."""
    pending = [model]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            mark = (node.get("attributes") or {}).get(STREAM_ATTRIBUTE)
            if mark is not None and hasattr(mark, "ops"):
                _acknowledge(mark, seen)
                continue  # rows hold no streams
            pending.extend(c for c in node.get("children") or () if isinstance(c, dict))


def _acknowledge(mark: Any, seen: dict[str, int]) -> None:
    token = str(mark)
    if mark.seq > seen.get(token, -1):
        seen[token] = mark.seq
    mark.acknowledge(seen[token])
