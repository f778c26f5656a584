"""What the reconciler writes for an element's mappings and for a stream container.

An element's ``attributes`` and ``eventHandlers`` are compared as mappings: a few changed
values are set one by one, a removed key or a mostly changed mapping is set whole.
Children of a stream container (``data-ember-stream``) are never compared: the stream's
own operations, carried by the container's mark (``ember.live.api._stream``), say what changed,
and each stream's token maps to the last of its operations already sent, so a render sends
only the ones the client has not seen. The operations and paths are the wire format of
``ember.live.engine._patch``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ._patch import Op, Path, encode_child

STREAM_ATTRIBUTE = "data-ember-stream"


class StreamBatch(Protocol):
    """What a stream container's mark tells the reconciler (see ``ember.live.api._stream``)."""

    fresh: bool
    ops: Sequence[tuple[str, int, int]]


def as_text(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes with the stream mark as plain text (its token)."""
    mark = attributes.get(STREAM_ATTRIBUTE)
    return {**attributes, STREAM_ATTRIBUTE: str(mark)} if mark is not None else dict(attributes)


def diff_mapping(old: Mapping[str, Any], new: Mapping[str, Any], path: Path, ops: list[Op]) -> None:
    """Append the ops that turn the mapping ``old`` at ``path`` into ``new``."""
    changed = [k for k, v in new.items() if k not in old or old[k] != v]
    if len(old.keys() - new.keys()) or 2 * len(changed) > len(new):
        ops.append(["s", path, new])
        return
    ops.extend(["s", [*path, k], new[k]] for k in changed)


def stream_ops(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    mark: Any,
    path: Path,
    ops: list[Op],
    seen: dict[str, int],
) -> None:
    """Append the stream's operations the client has not seen (or its rows whole)."""
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
