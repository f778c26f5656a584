"""ember.live: server-rendered live views over one websocket per tab.

Mount a ReactPy component or a :class:`LiveView` into a FastAPI app with :func:`mount`;
the page arrives rendered, then goes live over a websocket with a :class:`LiveSession`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from ember.pubsub import PubSub

from ._errors import ConfigurationError as ConfigurationError
from ._errors import EmberError as EmberError
from ._errors import NavigationError as NavigationError
from ._errors import ProtocolError as ProtocolError
from ._errors import RenderError as RenderError
from ._errors import TokenError as TokenError
from ._settings import LiveSettings as LiveSettings
from ._settings import load_settings as load_settings
from .api._async_result import AsyncResult as AsyncResult
from .api._async_result import AsyncStatus as AsyncStatus
from .api._events import form_data as form_data
from .api._hooks import use_async as use_async
from .api._hooks import use_flash as use_flash
from .api._hooks import use_page_location as use_page_location
from .api._hooks import use_recoverable_state as use_recoverable_state
from .api._hooks import use_session as use_session
from .api._hooks import use_subscription as use_subscription
from .api._js import JS as JS
from .api._js import JSCommands as JSCommands
from .api._live_component import ComponentSocket as ComponentSocket
from .api._live_component import LiveComponent as LiveComponent
from .api._live_component import live_component as live_component
from .api._live_component import send_update as send_update
from .api._live_session import Disconnect as Disconnect
from .api._live_session import LiveSessionGroup as LiveSessionGroup
from .api._live_session import disconnect as disconnect
from .api._live_session import live_session as live_session
from .api._nested import live_render as live_render
from .api._nested import send_child as send_child
from .api._nested import send_parent as send_parent
from .api._stream import Stream as Stream
from .api._stream import stream as stream
from .api._stream import stream_delete as stream_delete
from .api._stream import stream_insert as stream_insert
from .api._stream import use_stream as use_stream
from .api._uploads import Upload as Upload
from .api._uploads import UploadEntry as UploadEntry
from .api._uploads import consume_uploaded_entries as consume_uploaded_entries
from .api._uploads import live_file_input as live_file_input
from .api._uploads import use_upload as use_upload
from .api._view import LiveView as LiveView
from .api._view import Socket as Socket
from .api._view import on_async as on_async
from .api._view import on_event as on_event
from .api._view import on_info as on_info
from .engine._boundary import error_boundary as error_boundary
from .engine._reactpy import run_in_thread as run_in_thread
from .ops._logging import uvicorn_log_config as uvicorn_log_config
from .ops._telemetry import Telemetry as Telemetry
from .ops._telemetry import TelemetryEvent as TelemetryEvent
from .ops._telemetry import instrument_engine as instrument_engine
from .ops._telemetry import instrument_pubsub as instrument_pubsub
from .ops._telemetry import telemetry as telemetry
from .server._lifespan import combine_lifespans as combine_lifespans
from .server._mount import Ember as Ember
from .server._mount import Mount as Mount
from .server._mount import Mountable as Mountable
from .server._protocol import PROTOCOL_VERSION as PROTOCOL_VERSION
from .server._protocol import CloseCode as CloseCode
from .server._recovery import MemoryRecoveryStore as MemoryRecoveryStore
from .server._recovery import RecoveryStore as RecoveryStore
from .server._recovery import RedisRecoveryStore as RedisRecoveryStore
from .server._recovery_sqlite import SQLiteRecoveryStore as SQLiteRecoveryStore
from .server._session import LiveSession as LiveSession
from .server._session import Navigation as Navigation
from .server._session import PageLocation as PageLocation
from .server._session import SessionState as SessionState

_default: Ember | None = None


def default_ember() -> Ember:
    """The ``Ember`` that :func:`mount` uses, created on first use from ``EMBER_*`` settings."""
    global _default
    if _default is None:
        _default = Ember()
    return _default


def mount(app: FastAPI, path: str, view: Mountable, **options: Any) -> Mount:
    """Serve ``view`` at ``path`` in ``app``; see :meth:`Ember.mount` for the options."""
    return default_ember().mount(app, path, view, **options)


def configure(*, settings: LiveSettings | None = None, pubsub: PubSub | None = None) -> Ember:
    """Replace the default ``Ember`` (before mounting), e.g. to share your app's PubSub."""
    global _default
    _default = Ember(settings, pubsub=pubsub)
    return _default


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """``FastAPI(lifespan=ember.live.lifespan)``: runs the default Ember's PubSub."""
    async with default_ember().lifespan(app):
        yield


__all__ = [
    "JS",
    "PROTOCOL_VERSION",
    "AsyncResult",
    "AsyncStatus",
    "CloseCode",
    "ComponentSocket",
    "ConfigurationError",
    "Disconnect",
    "Ember",
    "EmberError",
    "JSCommands",
    "LiveComponent",
    "LiveSession",
    "LiveSessionGroup",
    "LiveSettings",
    "LiveView",
    "MemoryRecoveryStore",
    "Mount",
    "Mountable",
    "Navigation",
    "NavigationError",
    "PageLocation",
    "ProtocolError",
    "RecoveryStore",
    "RedisRecoveryStore",
    "RenderError",
    "SQLiteRecoveryStore",
    "SessionState",
    "Socket",
    "Stream",
    "Telemetry",
    "TelemetryEvent",
    "TokenError",
    "Upload",
    "UploadEntry",
    "combine_lifespans",
    "configure",
    "consume_uploaded_entries",
    "default_ember",
    "disconnect",
    "error_boundary",
    "form_data",
    "instrument_engine",
    "instrument_pubsub",
    "lifespan",
    "live_component",
    "live_file_input",
    "live_render",
    "live_session",
    "load_settings",
    "mount",
    "on_async",
    "on_event",
    "on_info",
    "run_in_thread",
    "send_child",
    "send_parent",
    "send_update",
    "stream",
    "stream_delete",
    "stream_insert",
    "telemetry",
    "use_async",
    "use_flash",
    "use_page_location",
    "use_recoverable_state",
    "use_session",
    "use_stream",
    "use_subscription",
    "use_upload",
    "uvicorn_log_config",
]
