"""The events panel: every call of a story's handler props, with its payload.

The storybook gives each event parameter (``on_click``, ``on_select``, …) a function that
records the call and then calls the story's own handler, if it has one.
"""

from __future__ import annotations

import inspect
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LoggedEvent", "logging_handler", "new_event", "summarize"]

_MAX_PAYLOAD = 600
_TARGET_KEYS = ("tagName", "id", "name", "value", "checked", "type")
_EVENT_KEYS = ("type", "key", "code", "shiftKey", "ctrlKey", "altKey", "metaKey")
_ids = itertools.count(1)


@dataclass(frozen=True)
class LoggedEvent:
    """One call of a handler prop: its name, its arguments (summarised) and when."""

    id: int
    handler: str
    payload: str
    at: float

    @property
    def clock(self) -> str:
        """The time of the call, ``HH:MM:SS.mmm`` (local time)."""
        stamp = time.strftime("%H:%M:%S", time.localtime(self.at))
        return f"{stamp}.{int(self.at * 1000) % 1000:03d}"


def new_event(handler: str, payload: str, at: float) -> LoggedEvent:
    """A logged event with the next id (for a call reported by the canvas page)."""
    return LoggedEvent(next(_ids), handler, payload, at)


def summarize(args: tuple[Any, ...]) -> str:
    """The arguments of a handler call as short JSON.

    A browser event keeps its type, key and modifier fields and its target's tag, id,
    name, value and checked state; the rest (pointer coordinates, the whole target) is
    noise in a log. Long payloads are cut at 600 characters.
    """
    shown = [_trim(arg) for arg in args]
    value: object = shown[0] if len(shown) == 1 else shown
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= _MAX_PAYLOAD else text[: _MAX_PAYLOAD - 1] + "…"


def _trim(arg: object) -> object:
    if isinstance(arg, Mapping) and ("target" in arg or "type" in arg):
        out: dict[str, object] = {k: arg[k] for k in _EVENT_KEYS if k in arg}
        target = arg.get("target")
        if isinstance(target, Mapping):
            out["target"] = {k: target[k] for k in _TARGET_KEYS if k in target}
        elif isinstance(target, list):
            out["target"] = f"[{len(target)} elements]"
        return out
    return arg


def logging_handler(
    name: str,
    original: Callable[..., Any] | None,
    record: Callable[[LoggedEvent], None],
) -> Callable[..., Any]:
    """A handler that records each call under ``name``, then calls ``original``.

    It is async when ``original`` is (so ember runs it on the loop), sync otherwise.
    """

    def log(args: tuple[Any, ...]) -> None:
        record(new_event(name, summarize(args), time.time()))

    if original is not None and inspect.iscoroutinefunction(original):
        coroutine = original

        async def logged_async(*args: Any) -> Any:
            log(args)
            return await coroutine(*args)

        logged_async.__name__ = f"log_{name}"
        return logged_async

    def logged(*args: Any) -> Any:
        log(args)
        return original(*args) if original is not None else None

    logged.__name__ = f"log_{name}"
    return logged
