"""A whole-model diff: turns any model into any other with ember-patch ops.

The engine writes its ops while it reconciles; tests use this to make arbitrary op
sequences (inserts, deletes, moves, sets) for the client's apply rules, in Python
(``ember.live.engine._patch.apply_ops``) and in Chromium (``ember.js``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ember.live.engine._diff import STREAM_ATTRIBUTE, as_text, diff_mapping, sent_whole, stream_ops
from ember.live.engine._patch import Op, Path, encode_child

_EMPTY_WHEN_MISSING = {
    "attributes": dict,
    "eventHandlers": dict,
    "inlineJavaScript": dict,
    "children": list,
}
_COMPARED_AS_MAPPINGS = ("attributes", "eventHandlers", "inlineJavaScript")
_MAX_REORDER = 2000


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
            before, after = as_text(before), as_text(after)
        if before != after:
            diff_mapping(before, after, [*path, field], ops)
    mark = (new.get("attributes") or {}).get(STREAM_ATTRIBUTE)
    if mark is not None and hasattr(mark, "ops"):
        stream_ops(old, new, mark, path, ops, seen)
        return
    _diff_children(old.get("children") or [], new.get("children") or [], path, ops, seen)


def _sending(child: Any, seen: dict[str, int]) -> Any:
    """``child`` in its wire form, noting that the streams in it have sent everything."""
    sent_whole(child, seen)
    return encode_child(child)


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
