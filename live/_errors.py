"""Errors raised by ember.live.

The tree::

    EmberError
    ├── ConfigurationError      a mount, a view or a setting is wrong; raised at start-up
    ├── RenderError             a component produced something ember refuses to send
    ├── NavigationError         a navigation target is not a path on this site
    ├── TokenError              a session token is malformed, forged, expired or for another page
    └── ProtocolError           a frame from the browser broke the wire protocol
"""

from __future__ import annotations


class EmberError(Exception):
    """The root of every error ember.live raises."""


class ConfigurationError(EmberError):
    """A mount, a view or a setting is wrong. Raised at start-up, never per request."""


class RenderError(EmberError):
    """A component rendered something ember will not send to the browser."""


class NavigationError(EmberError):
    """``push_navigate``, ``push_patch`` or ``redirect`` was given a target that is not a path
    on this site (a browser would leave the site, or read it differently)."""


class TokenError(EmberError):
    """A session token could not be accepted."""


class ProtocolError(EmberError):
    """A frame from the browser does not follow ember's wire protocol."""

    def __init__(self, message: str, *, close_code: int) -> None:
        super().__init__(message)
        self.close_code = close_code


def drop_tracebacks(error: BaseException | None) -> None:
    """Drop the traceback of ``error`` and of the errors it was raised from or while
    handling (its cause and context; a group's members); call it once ``error`` is logged.

    A traceback holds the frames it passed through, and each frame its locals: an error
    kept after it was handled (a session's failure, the error a boundary shows) keeps a
    closed session's objects with it, in a reference cycle as soon as one of those frames
    holds the error, which only a full collection frees.
    """
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += (current.__cause__, current.__context__)
        if isinstance(current, BaseExceptionGroup):
            pending += current.exceptions
