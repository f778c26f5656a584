"""Mounting live views into a FastAPI app: the page route, the websocket route, statics.

For a mount at ``/counter`` ember adds, next to the app's own routes:

- ``GET /counter``: the first paint, rendered on the server (``connected`` False), in a
  page shell that loads ember's client, which adopts that markup;
- ``WS /counter/_ember/ws?token=…``: one live session per tab (the app's middleware runs;
  the mount's dependencies and the app's router-level ones are resolved by ember, see
  ``_dependencies``);
- ``GET /counter/_ember/static/ember.<hash>.js``: the client (see ``ember.live.server._client``).

None of them is an ``APIRoute``: the app's OpenAPI schema and its
``generate_unique_id_function`` never see them. Behind a path prefix (a sub-app mounted
with ``app.mount``, or ``--root-path``) the page links its client and socket under the
request's ``root_path``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit

import anyio
from anyio.abc import TaskGroup
from fastapi import APIRouter, FastAPI, HTTPException, Request, WebSocket
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.params import Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.requests import HTTPConnection

from ember.pubsub import PubSub

from .._errors import ConfigurationError, TokenError
from .._settings import DEVELOPMENT_SECRET_KEY, LiveSettings, load_settings, warn_development_key
from ..api._hooks import SessionContext
from ..api._uploads import receive_chunk
from ..api._view import LiveView, compile_view, view_dependencies
from ..engine._html import model_to_html
from ..engine._reactpy import Component, Connection, ConnectionContext, Location
from ..engine._threads import set_handler_threads
from ..ops._gc import tune_gc
from ..ops._logging import install_log_redaction
from ..ops._telemetry import instrument_pubsub, telemetry
from ..ops._watchdog import LoopWatchdog
from ._adoption import FirstPaint, FirstPaints, close_first_paint
from ._assets import check_head_assets
from ._channel import first_paint, first_paint_model, run_channel
from ._children import close_tab, has_first_paint_children, paint_children
from ._claims import ClaimStore, claim_token, create_claims, release_token
from ._client import serve_client
from ._dependencies import DependencyResolver, Resolved
from ._headers import new_nonce, page_headers
from ._limits import ClientLimits
from ._navigation import app_path, browser_url, check_live_session, live_paths, serve_views
from ._protocol import PROTOCOL_VERSION, CloseCode
from ._recovery import RecoveryStore, create_store
from ._session import LiveSession, PageLocation
from ._shell import page_shell
from ._shield import shielded
from ._socket import (
    PAGE_FAILED,
    LiveWebSocket,
    RawWebSocket,
    shortcut_page,
    shortcut_sockets,
    socket_query,
)
from ._token import (
    FLASH_COOKIE,
    FLASH_MAX_AGE_SECONDS,
    SessionToken,
    TokenSigner,
    identity_fingerprint,
)

logger = logging.getLogger("ember.live")

RootFactory = Callable[[], Component]
Mountable = type[LiveView] | Callable[..., Any]
LoginRedirect = str | Callable[[str, HTTPException], str | None]
"""Where a browser goes when a dependency refuses it with 401 or 403: a path, or a function
of the page's URL (path and query, as the browser shows it) and the error that returns one
(or None to refuse as FastAPI does)."""
OnMount = Callable[[LiveSession], Awaitable[None]]
"""Run before a view mounts, for the page and for the socket (LiveView's ``on_mount``)."""
_AUTH_FAILURES = frozenset({401, 403})


def _as_dict(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    return scope if isinstance(scope, dict) else dict(scope)


@dataclass
class Mount:
    """One mounted view: where it lives and what it renders."""

    path: str
    view: Mountable
    title: str
    head: str = ""
    dependencies: dict[str, inspect.Parameter] = field(default_factory=dict)
    login_redirect: LoginRedirect | None = None
    login_flash: str | None = None
    on_mount: tuple[OnMount, ...] = ()
    resolver: DependencyResolver | None = field(default=None, repr=False)
    head_checked: bool = field(default=False, repr=False)
    live_session: str | None = None
    app: FastAPI | None = field(default=None, repr=False, compare=False)

    @property
    def adoptable(self) -> bool:
        """Whether the page's websocket may adopt its first paint: a hook component, or a
        ``LiveView`` with ``handle_connect`` (any other ``LiveView`` mounts again on
        connect, as documented)."""
        view = self.view
        if isinstance(view, type) and issubclass(view, LiveView):
            return view.handle_connect is not LiveView.handle_connect
        return True

    @property
    def prefix(self) -> str:
        """The path under which ember's own routes for this mount live."""
        return f"{self.path.rstrip('/')}/_ember"


_INSTANCES: weakref.WeakSet[Ember] = weakref.WeakSet()


def find_session(session_id: str) -> LiveSession | None:
    """The open session ``session_id`` in any ``Ember`` of this process (for tests)."""
    for ember in list(_INSTANCES):
        session = ember.sessions.get(session_id)
        if session is not None:
            return session
    return None


class Ember:
    """The live runtime for one app: settings, token signing, sessions, the watchdog.

    Most apps use the module-level :func:`ember.live.mount`, which shares one default
    ``Ember``; create your own to use other settings.
    """

    def __init__(
        self,
        settings: LiveSettings | None = None,
        *,
        pubsub: PubSub | None = None,
        recovery: RecoveryStore | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._pubsub = pubsub
        if pubsub is not None:
            instrument_pubsub(pubsub)
        self._pubsub_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        if self.settings.secret_key == DEVELOPMENT_SECRET_KEY:
            warn_development_key()
        install_log_redaction()
        self.signer = TokenSigner(
            self.settings.secret_key, max_age_seconds=self.settings.token_max_age_seconds
        )
        self.watchdog = LoopWatchdog(self.settings.loop_lag_threshold_ms)
        set_handler_threads(self.settings.handler_threads)
        self.recovery: RecoveryStore = (
            recovery if recovery is not None else create_store(self.settings.recovery_url)
        )
        self.sessions: dict[str, LiveSession] = {}
        # Which socket holds each token, on every worker (see _claims).
        self.claims: ClaimStore = create_claims(
            self.settings.recovery_url, self.settings.token_reconnect_seconds
        )
        self.limits = ClientLimits(
            max_sessions=self.settings.max_sessions_per_ip,
            max_handshakes=self.settings.max_handshakes_per_ip,
            window_seconds=self.settings.handshake_window_seconds,
            events_per_second=self.settings.events_per_second_per_ip,
            event_burst=self.settings.event_burst_per_ip,
        )
        self.mounts: list[Mount] = []
        _INSTANCES.add(self)
        # Per connecting session: what its dependencies hold until the view has mounted.
        self._held: dict[str, Resolved] = {}
        # First paints kept for their websocket to adopt (one mount per page, _adoption).
        self.first_paints = FirstPaints(
            self.settings.first_paint_keep_seconds,
            max_count=self.settings.first_paint_keep_max,
            max_bytes=self.settings.first_paint_keep_bytes,
        )
        # Bound once: every session keeps them (else three objects more per session).
        self.session_pubsub = self.start_pubsub
        self.session_running_pubsub = self._running_pubsub
        self.session_sign_flash = self._sign_flash

    @property
    def pubsub(self) -> PubSub:
        """The PubSub views subscribe through (from ``EMBER_PUBSUB_URL`` unless given)."""
        if self._pubsub is None:
            self._pubsub = PubSub.from_settings()
            instrument_pubsub(self._pubsub)
        return self._pubsub

    async def start_pubsub(self) -> PubSub:
        """Start the PubSub if it is not running yet, and return it."""
        pubsub = self.pubsub
        if not pubsub.started:
            # One lock per loop: a PubSub whose loop ended starts again on the next one.
            loop = asyncio.get_running_loop()
            if self._pubsub_lock is None or self._pubsub_lock[0] is not loop:
                self._pubsub_lock = (loop, asyncio.Lock())
            async with self._pubsub_lock[1]:
                if not pubsub.started:
                    await pubsub.start()
        return pubsub

    def _running_pubsub(self) -> PubSub | None:
        """The PubSub when it runs already (a session then subscribes without a task)."""
        pubsub = self._pubsub
        return pubsub if pubsub is not None and pubsub.started else None

    def _sign_flash(self, flash: Mapping[str, str]) -> str:
        return self.signer.sign_flash(flash)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        """A FastAPI lifespan: tune the garbage collector for many sessions (see
        ``EMBER_GC_*``), start the PubSub with the app, stop it at shutdown."""
        tune_gc(
            self.settings.gc_gen0_threshold,
            gen1_threshold=self.settings.gc_gen1_threshold,
            freeze=self.settings.gc_freeze,
        )
        await self.start_pubsub()
        try:
            yield
        finally:
            await self.first_paints.close()
            await self.pubsub.stop()
            await self.recovery.close()
            await self.claims.close()

    def mount(
        self,
        app: FastAPI,
        path: str,
        view: Mountable,
        *,
        title: str | None = None,
        head: str = "",
        dependencies: Mapping[str, Any] | None = None,
        login_redirect: LoginRedirect | None = None,
        live_session: str | None = None,
        login_flash: str | None = None,
        on_mount: Sequence[OnMount] = (),
    ) -> Mount:
        """Serve ``view`` (a ``LiveView`` subclass or a ReactPy component) at ``path``.

        Args:
            app: the FastAPI app to add the routes to (its own routes, its OpenAPI schema
                and its route ids stay as they are). Not an ``APIRouter``: mount on the
                app the router is included in, with the full path.
            path: where the page lives, e.g. ``"/counter"``.
            view: a ``LiveView`` subclass, or a ReactPy component function taking no
                arguments.
            title: the page's ``<title>``; defaults to the view's name.
            head: extra trusted HTML for ``<head>`` (stylesheets, meta tags); its
                ``<script>`` elements get the page's Content-Security-Policy nonce.
            dependencies: FastAPI dependencies resolved for the page and once per
                websocket, by name; read them with ``use_session().dependencies[name]``.
                The name ``identity`` also fills ``LiveSession.identity``. What a
                ``yield`` dependency acquired is released once the view has mounted;
                its value stays readable.
            login_redirect: where to send a browser that a dependency refuses with 401
                or 403 (a path, or a function ``(page_url, error) -> path | None``, e.g.
                ``lambda url, error: f"/login?next={quote(url)}"``):
                the page answers with a redirect, the socket tells the client to go there.
                Without it the page answers FastAPI's JSON error.
            live_session: a group name: links, ``push_navigate`` and back/forward between
                views mounted with the same name (on this app, with the same ``head``)
                switch views over the page's socket, without a page load (see
                ``docs/client.md``). None: every page of this view is a page load.
            login_flash: an error flash the login page shows after that redirect (e.g.
                "You must log in to access this page.").
            on_mount: functions ``async (session) -> None`` run in order before the view
                mounts, for the page and again for the socket, after the dependencies
                (LiveView's ``on_mount``); see :func:`ember.live.live_session`.

        Raises:
            ConfigurationError: the app, the path or the view is not usable.
        """
        given: object = app
        if not isinstance(given, FastAPI):
            _refuse_app(given, path)
        if not path.startswith("/") or (path != "/" and path.endswith("/")):
            msg = (
                "Expected a mount path like '/counter' (a leading '/', no trailing '/'), "
                f"got {path!r}."
            )
            raise ConfigurationError(msg)
        candidate: object = view
        if not callable(candidate):
            msg = f"Expected a LiveView subclass or a ReactPy component, got {view!r}."
            raise ConfigurationError(msg)
        if isinstance(view, type) and issubclass(view, LiveView):
            declared = view_dependencies(view)
        else:
            declared = {}
        for name, dependency in (dependencies or {}).items():
            default = dependency if isinstance(dependency, Depends) else Depends(dependency)
            declared[name] = inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Any
            )
        resolver = DependencyResolver(app, path, declared, app.router.dependencies)
        mounted = Mount(
            path=path,
            view=view,
            title=title or str(getattr(view, "__name__", "ember")),
            head=head,
            dependencies=declared,
            login_redirect=login_redirect,
            login_flash=login_flash,
            on_mount=tuple(on_mount),
            resolver=resolver,
            live_session=live_session,
            app=app,
        )
        check_live_session(self.mounts, mounted)
        self.mounts.append(mounted)
        # Plain Starlette routes: FastAPI's OpenAPI and its generate_unique_id_function
        # only look at APIRoutes, and ember resolves the dependencies itself.
        page_endpoint = self._page_endpoint(mounted)
        app.router.add_route(
            path, page_endpoint, methods=["GET"], name=f"ember:{path}", include_in_schema=False
        )
        # A bare ASGI app (starlette treats a non-function endpoint so): the session keeps
        # the ASGI callables for its frames (see ``ember.live.server._socket``).
        socket_app = _SocketApp(self, mounted)
        app.router.add_websocket_route(
            f"{mounted.prefix}/ws", cast(Any, socket_app), name=f"ember-ws:{path}"
        )
        if not resolver.resolves:  # nothing of the app's takes part: skip its stack
            shortcut_sockets(app, f"{mounted.prefix}/ws", cast(Any, socket_app))
            page_route = next(
                route
                for route in reversed(app.router.routes)
                if getattr(route, "endpoint", None) is page_endpoint
            )
            shortcut_page(app, path, page_endpoint, page_route)
        app.add_route(
            f"{mounted.prefix}/static/{{name}}",
            serve_client,
            methods=["GET", "HEAD"],
            include_in_schema=False,
            name=f"ember-static:{path}",
        )
        app.add_route(  # file uploads in chunks (ember.live.api._uploads)
            f"{mounted.prefix}/upload/{{token}}",
            receive_chunk,
            methods=["POST"],
            include_in_schema=False,
            name=f"ember-upload:{path}",
        )
        return mounted

    def put_flash(self, response: Response, kind: str, message: str) -> Response:
        """Show a flash on the page an HTTP response sends the browser to (a form POST's
        redirect, e.g. after log in), as ``put_flash`` before a redirect does in a view.

        Returns:
            ``response``, carrying the flash in the signed ``ember_flash`` cookie.
        """
        _carry_flash(response, self.signer.sign_flash({kind: message}))
        return response

    async def _resolve(
        self, mounted: Mount, connection: HTTPConnection, group: TaskGroup | None = None
    ) -> Resolved | str:
        """The mount's dependencies for ``connection`` (held by a task of ``group`` when
        given), or where to send a refused browser.

        Raises:
            HTTPException: a dependency refused and no login redirect applies.
        """
        assert mounted.resolver is not None  # noqa: S101 - mount() always sets it
        try:
            if group is not None:
                return await mounted.resolver.hold(connection, group)
            return await mounted.resolver.resolve(connection)
        except HTTPException as error:
            redirect = mounted.login_redirect
            if error.status_code not in _AUTH_FAILURES or redirect is None:
                raise
            target = (
                redirect if isinstance(redirect, str) else redirect(_page_url(connection), error)
            )
            if target is None:
                raise
            return target

    # -- building the root ------------------------------------------------------------------

    async def _root(self, mounted: Mount, session: LiveSession) -> Component:
        root, _ = await self._mount_root(mounted, session)
        return root

    async def _mount_root(
        self, mounted: Mount, session: LiveSession
    ) -> tuple[Component, LiveView | None]:
        """The view's root component, mounted for ``session``, and its ``LiveView``
        instance (None for a hook component)."""
        view = mounted.view
        for hook in mounted.on_mount:
            await hook(session)
        instance: LiveView | None = None
        with telemetry.span(
            "ember.live.mount", session=session.id, view=mounted.path, connected=session.connected
        ):
            if isinstance(view, type) and issubclass(view, LiveView):
                instance = view()
                socket = await instance._start(session)
                root = compile_view(instance, socket)
            else:
                root = cast(RootFactory, view)()
        await self._release_held(session)
        return cast(Component, SessionContext(root, value=session)), instance

    async def _connect_root(self, mounted: Mount, session: LiveSession, paint: FirstPaint) -> None:
        """Turn an adopted first paint connected (its session is attached): what runs for
        the socket besides the mount, the ``on_mount`` hooks and the view's
        ``handle_connect``."""
        for hook in mounted.on_mount:
            await hook(session)
        with telemetry.span("ember.live.connect", session=session.id, view=mounted.path):
            if paint.view is not None:
                await paint.view._connect()
        await self._release_held(session)

    async def _release_held(self, session: LiveSession) -> None:
        held = self._held.pop(session.id, None)
        if held is not None:  # mounted: what the dependencies acquired goes back now
            await held.release()

    # -- the page ---------------------------------------------------------------------------

    def _page_endpoint(self, mounted: Mount) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(connection: Request) -> Response:
            failed = connection.scope.pop(PAGE_FAILED, None)
            if failed is not None:  # served past the stack, it failed: the stack answers
                raise failed
            if not mounted.head_checked and mounted.head:
                check_head_assets(connection.app.router.routes, mounted.head, mounted.path)
                mounted.head_checked = True
            resolved = await self._resolve(mounted, connection)
            if isinstance(resolved, str):
                refused = RedirectResponse(browser_url(connection.scope, resolved), status_code=303)
                if mounted.login_flash:
                    self.put_flash(refused, "error", mounted.login_flash)
                return refused
            try:
                return await page(connection, resolved.values)
            finally:
                await resolved.release()

        async def page(connection: Request, dependencies: dict[str, Any]) -> Response:
            carried = _flash_cookie(connection)
            scope = dict(connection.scope)
            url_path, query = _url_path_and_query(scope)
            session = LiveSession(
                mount_path=mounted.path,
                location=PageLocation(app_path(scope), query),
                identity=dependencies.get("identity"),
                scope=scope,
                dependencies=dependencies,
                flash=self.signer.verify_flash(carried) if carried else {},
            )
            with self.watchdog.activity(f"page {mounted.path} (mount and first render)"):
                root, instance = await self._mount_root(mounted, session)
                if session.redirect_to is not None:
                    redirect = RedirectResponse(
                        browser_url(connection.scope, session.redirect_to),
                        status_code=303,
                        headers=page_headers(self.settings),
                    )
                    if session.flash:
                        _carry_flash(redirect, self.signer.sign_flash(session.flash))
                    elif carried:
                        redirect.delete_cookie(FLASH_COOKIE, path="/")
                    return redirect
                connection_value = Connection(
                    scope=scope,
                    location=Location(path=url_path, query_string=query),
                    carrier=connection,
                )
                # Kept for the page's websocket unless nested views are painted with it
                # (each has an engine of its own) or the view mounts twice (_adoption).
                model, engine = await first_paint(
                    ConnectionContext(root, value=connection_value),
                    context=f"first paint of session {session.id}, view {mounted.path}",
                    keep=self.first_paints.enabled and mounted.adoptable,
                )
                if engine is not None and has_first_paint_children(session):
                    await engine.close()
                    engine = None

                async def paint(child: Component, context: str) -> dict[str, Any]:
                    wrapped = ConnectionContext(child, value=connection_value)
                    return await first_paint_model(wrapped, context=context)

                model = await paint_children(session, model, paint)  # nested views
            bound = identity_fingerprint(session.identity, session.id)
            token = self.signer.sign(
                SessionToken(session.id, mounted.path, session.flash, identity=bound)
            )
            root_path = str(connection.scope.get("root_path", "")).rstrip("/")
            nonce = new_nonce()
            markup = model_to_html(model)
            if engine is not None:
                kept = FirstPaint(
                    session, engine, instance, len(markup), asyncio.get_running_loop()
                )
                if not self.first_paints.keep(kept):
                    await close_first_paint(kept)
            response = HTMLResponse(
                page_shell(
                    mounted,
                    markup,
                    token,
                    root_path,
                    nonce=nonce,
                    live=live_paths(self, mounted),
                ),
                headers=page_headers(self.settings, nonce),
            )
            if carried:  # shown on this page (its socket gets it in the token): used up
                response.delete_cookie(FLASH_COOKIE, path="/")
            return response

        return endpoint

    # -- the websocket --------------------------------------------------------------------------

    async def _serve_socket(
        self,
        mounted: Mount,
        connection: WebSocket,
        opened: tuple[str, SessionToken, PageLocation] | None = None,
        dependencies: dict[str, Any] | None = None,
    ) -> None:
        """One websocket of ``mounted``, from its handshake to its close.

        An idle session keeps every coroutine frame of the chain down to its reader
        (0.3-0.7 KiB each), so a mount without dependencies runs its session in this one
        frame: the handshake's checks (``_open_socket``) have returned by then. A mount
        with dependencies comes back here, ``opened`` and with ``dependencies``, inside
        the task group that holds them (``_serve_resolved``).
        """
        outer = opened is None
        if opened is None:
            opened = await self._open_socket(mounted, connection)
            if opened is None:
                return  # refused, and closed
        ip, token, location = opened
        try:
            if dependencies is None:
                if mounted.resolver is None or mounted.resolver.resolves:
                    await self._serve_resolved(mounted, connection, opened)
                    return
                dependencies = {}  # nothing to resolve, nothing held
            identity = dependencies.get("identity")
            if identity_fingerprint(identity, token.session_id) != token.identity:
                # Someone else's page token (or the user changed): the page reloads for this one.
                logger.warning(
                    "Refused a websocket for %s: session %s was rendered for another identity "
                    "than the socket presents (%s)",
                    mounted.path,
                    token.session_id,
                    "anonymous" if identity is None else type(identity).__name__,
                )
                reason = "The session token was issued for another identity; reload the page."
                await connection.close(code=CloseCode.BAD_TOKEN, reason=reason)
                return
            owner = await claim_token(self.claims, self.settings, mounted.path, token, connection)
            if owner is None:
                return
            try:
                adopted = self.first_paints.take(token.session_id, mounted.path)
                if adopted is not None and adopted.session.location != location:
                    await close_first_paint(adopted)  # the page moved since: mount for where it is
                    adopted = None
                if adopted is None:
                    session = LiveSession(
                        id=token.session_id,
                        mount_path=mounted.path,
                        location=location,
                        identity=identity,
                        # The socket's own scope, not a copy (0.5 KiB a session): it lives as long.
                        scope=_as_dict(connection.scope),
                        dependencies=dependencies,
                        flash=dict(token.flash),
                        _pubsub=self.session_pubsub,
                        _running_pubsub=self.session_running_pubsub,
                        _sign_flash=self.session_sign_flash,
                    )
                else:  # the first paint's session goes on, with what the socket presents
                    session = adopted.session
                    session.identity = identity
                    session.scope = _as_dict(connection.scope)
                    session.dependencies = dependencies
                    session.flash = dict(token.flash)
                    session._pubsub = self.session_pubsub
                    session._running_pubsub = self.session_running_pubsub
                    session._sign_flash = self.session_sign_flash
                self.sessions[session.id] = session
                self.watchdog.acquire()
                try:
                    handover = await run_channel(self, mounted, session, connection, adopted)
                    if handover is not None:  # live navigation
                        await serve_views(self, mounted, session, connection, handover)
                finally:
                    try:
                        await shielded(close_tab(connection))  # its nested views, sticky too
                    finally:
                        self.watchdog.release()
                        if self.sessions.get(session.id) is session:
                            del self.sessions[session.id]
            finally:
                await release_token(self.claims, token, owner)
        finally:
            if outer:
                self.limits.release(ip)

    async def _open_socket(
        self, mounted: Mount, connection: WebSocket
    ) -> tuple[str, SessionToken, PageLocation] | None:
        """Accept the socket and check it (the client's socket limit, the token, the
        protocol): the client's address, the token and the page's location, or None once
        a refused socket is closed."""
        await connection.accept()
        client = connection.scope.get("client")  # what .client wraps in an Address each time
        ip = str(client[0]) if client else "unknown"
        crowded = self.limits.admit(ip)
        if crowded is not None:
            logger.warning("Refused a websocket for %s: %s", mounted.path, crowded)
            await connection.close(code=CloseCode.TOO_MANY, reason=crowded[:120])
            return None
        refused = True
        try:
            admitted = self._admit(mounted, connection)
            if not isinstance(admitted[0], SessionToken):
                code, reason = admitted
                logger.warning("Refused a websocket for %s: %s", mounted.path, reason)
                await connection.close(code=code, reason=reason[:120])
                return None
            token, location = admitted
            refused = False
            return ip, token, location
        finally:
            if refused:
                self.limits.release(ip)

    async def _serve_resolved(
        self, mounted: Mount, connection: WebSocket, opened: tuple[str, SessionToken, PageLocation]
    ) -> None:
        """The session of a mount with dependencies: a task group holds what yield
        dependencies acquired until the view has mounted."""
        session_id = opened[1].session_id
        async with anyio.create_task_group() as holder:
            resolved = await self._resolve_socket(mounted, connection, holder)
            if resolved is None:
                return
            self._held[session_id] = resolved
            try:
                await self._serve_socket(mounted, connection, opened, resolved.values)
            finally:
                held = self._held.pop(session_id, None)
                if held is not None:  # the view never finished mounting
                    await held.release()

    async def _resolve_socket(
        self, mounted: Mount, connection: WebSocket, holder: TaskGroup | None
    ) -> Resolved | None:
        """The socket's dependencies, or None once a refused socket is closed.

        A refusal (an ``HTTPException``, a missing parameter) closes the socket with 4401,
        after telling the client where to go when a login redirect applies: the client
        reloads, and the page's own GET decides (a login page, or FastAPI's error).
        """
        try:
            resolved = await self._resolve(mounted, connection, holder)
        except (HTTPException, RequestValidationError, WebSocketRequestValidationError) as error:
            detail = getattr(error, "detail", None) or getattr(error, "errors", lambda: "")()
            status = getattr(error, "status_code", 422)
            reason = f"A dependency refused the session ({status}: {detail})."
            logger.info("Refused a websocket for %s: %s", mounted.path, reason)
            await connection.close(code=CloseCode.BAD_TOKEN, reason=reason[:120])
            return None
        if isinstance(resolved, str):
            navigate = {"type": "ember-navigate", "kind": "redirect", "to": resolved}
            if mounted.login_flash:  # the client carries it to the login page
                navigate["flash"] = self.signer.sign_flash({"error": mounted.login_flash})
            await connection.send_text(json.dumps(navigate))
            reason = "Not authenticated; the client goes to the login page."
            await connection.close(code=CloseCode.BAD_TOKEN, reason=reason)
            return None
        return resolved

    def _admit(
        self, mounted: Mount, connection: WebSocket
    ) -> tuple[SessionToken, PageLocation] | tuple[int, str]:
        """The verified token and where the page is, or the close code and reason to refuse
        the socket with. The socket's query string is parsed once, here (a
        ``RawWebSocket`` parses it whenever asked)."""
        origin, host = _origin_and_host(connection.scope)
        if origin is not None and not self._origin_allowed(origin, host):
            return CloseCode.FORBIDDEN_ORIGIN, f"Origin {origin!r} is not allowed."
        query = socket_query(connection.scope)
        signed = query.get("token")
        if not signed:
            return CloseCode.BAD_TOKEN, "The websocket URL carries no session token."
        protocol = query.get("protocol")
        if protocol != str(PROTOCOL_VERSION):
            # 4401 makes every shim, old ones too, reload the page: the new shim comes with it.
            return CloseCode.BAD_TOKEN, (
                f"Expected a client of protocol version {PROTOCOL_VERSION}, got {protocol!r}; "
                "the page reloads to get the current client."
            )
        try:
            token = self.signer.verify(signed, mount_path=mounted.path)
        except TokenError as error:
            return CloseCode.BAD_TOKEN, str(error)
        return token, _socket_location(mounted, connection, query)

    def _origin_allowed(self, origin: str, host: str) -> bool:
        if origin in self.settings.allowed_origins:
            return True
        return urlsplit(origin).netloc == host


class _SocketApp:
    """The websocket route of one mount as an ASGI app (see ``ember.live.server._socket``):
    a ``RawWebSocket`` when nothing needs starlette's, else a ``LiveWebSocket``."""

    __slots__ = ("_ember", "_mounted", "_raw")

    def __init__(self, ember: Ember, mounted: Mount) -> None:
        self._ember = ember
        self._mounted = mounted
        self._raw = mounted.resolver is not None and not mounted.resolver.resolves

    def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> Awaitable[None]:
        # Not a coroutine of its own: the socket's coroutine is awaited in its place (an
        # idle session keeps every frame down to its reader).
        socket = RawWebSocket if self._raw else LiveWebSocket
        return self._ember._serve_socket(self._mounted, socket(scope, receive, send))


def _socket_location(
    mounted: Mount, connection: WebSocket, query: Mapping[str, str]
) -> PageLocation:
    """Where the page is, as its client reported it in the socket's URL (its app path)."""
    root_path = str(connection.scope.get("root_path", "")).rstrip("/")
    path = query.get("path", mounted.path).removeprefix(root_path)
    if not path.startswith(mounted.path):
        path = mounted.path
    return PageLocation(path, query.get("qs", "").lstrip("?"))


def _flash_cookie(connection: Request) -> str | None:
    """The ``ember_flash`` cookie, if the request carries one: the cookie header is only
    parsed when it names it (most pages have no flash; parsing every page's cookies was
    4 µs of 250)."""
    marker = f"{FLASH_COOKIE}=".encode()
    for key, value in connection.scope["headers"]:
        if key == b"cookie" and marker in value:
            return connection.cookies.get(FLASH_COOKIE)
    return None


def _url_path_and_query(scope: Mapping[str, Any]) -> tuple[str, str]:
    """What starlette's ``request.url.path`` and ``.query`` are, read from the scope: the
    URL itself (host header parsed, URL joined and split again) was 5 us of a page."""
    path = str(scope["path"]).replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    return path, bytes(scope.get("query_string", b"")).decode()


def _origin_and_host(scope: Mapping[str, Any]) -> tuple[str | None, str]:
    """The handshake's ``Origin`` (None when absent) and ``Host`` headers, in one pass over
    the raw headers (the first of each, as starlette's ``Headers.get`` reads them)."""
    origin: str | None = None
    host: str | None = None
    for key, value in scope["headers"]:
        if key == b"origin":
            if origin is None:
                origin = value.decode("latin-1")
        elif key == b"host" and host is None:
            host = value.decode("latin-1")
    return origin, host or ""


def _page_url(connection: HTTPConnection) -> str:
    """The page's URL as the browser shows it (for a socket: what the client reported)."""
    if isinstance(connection, WebSocket):
        path = connection.query_params.get("path", "/")
        query = connection.query_params.get("qs", "").lstrip("?")
    else:
        path, query = connection.url.path, connection.url.query
    return f"{path}?{query}" if query else path


def _refuse_app(app: object, path: str) -> NoReturn:
    if isinstance(app, APIRouter):
        prefix = app.prefix or "<the prefix it is included with>"
        msg = (
            f"Expected the FastAPI app, got an APIRouter (prefix {app.prefix!r}). ember's "
            "page, socket and static routes need fixed paths, which a router only gets when "
            "it is included. Mount on the app instead, with the full path: "
            f"ember.live.mount(app, {prefix + path!r}, ...)."
        )
    else:
        msg = (
            f"Expected a FastAPI app to mount into, got {type(app).__name__}. For a "
            "Starlette app or another ASGI app, create a FastAPI app for the live pages and "
            "mount it into yours with app.mount('/live', live_app)."
        )
    raise ConfigurationError(msg)


def _carry_flash(response: Response, signed: str) -> None:
    """Hand the flash to the next page through the browser (the ``ember_flash`` cookie)."""
    response.set_cookie(
        FLASH_COOKIE, signed, max_age=FLASH_MAX_AGE_SECONDS, path="/", httponly=True, samesite="lax"
    )
