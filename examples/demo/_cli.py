"""``ember demo``: the demo served by uvicorn, quiet and truthful about where it runs.

``ember.cli`` calls :func:`demo_command` by name (the library never imports the demo,
see DESIGN.md). The port is bound before anything else, so a taken port is one clear line;
the URL is printed only once the app has started and the socket accepts connections.
"""

from __future__ import annotations

import errno
import os
import socket
import sys

import uvicorn
from sqlalchemy.engine import make_url

from ember.live import uvicorn_log_config

__all__ = ["demo_command", "describe_database", "describe_pubsub", "describe_recovery"]

APP = "ember.demo.app:app"


def describe_database(url: str) -> str:
    """The database a URL names, for people: a SQLite file's path, or the URL without its
    password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"{parsed.get_backend_name()} at {parsed.render_as_string(hide_password=True)}"


def describe_recovery(url: str) -> str:
    """Where the sessions' snapshots live: a SQLite file's path, the process, or the server
    without its password."""
    if url.startswith("sqlite:///"):
        return f"SQLite file {url.removeprefix('sqlite:///')} (tabs resume after a restart)"
    if url.startswith("memory:"):
        return "in-process (tabs mount fresh after a restart)"
    return make_url(url).render_as_string(hide_password=True)


def describe_pubsub(url: str) -> str:
    """The PubSub a URL names: in-process, or the server without its password."""
    if url.startswith("memory:"):
        return "in-process (one process; set EMBER_PUBSUB_URL=redis://… to share it)"
    return make_url(url).render_as_string(hide_password=True)


class _Server(uvicorn.Server):
    """uvicorn, announcing the URL once the app's start-up is done and it listens."""

    url = ""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(f"ember demo: open {self.url}", flush=True)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            print(
                f"ember demo: port {port} on {host} is taken by another program. "
                f"Stop it, or choose another port: ember demo --port {port + 1}",
                file=sys.stderr,
            )
        else:
            print(f"ember demo: cannot listen on {host}:{port}: {error.strerror}.", file=sys.stderr)
        raise SystemExit(2) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def demo_command(host: str, port: int) -> None:
    """Serve the demo at http://host:port/ until interrupted; exit 2 if the port is taken."""
    sock = _bind(host, port)
    from . import db  # after binding: a taken port is reported before anything else

    pubsub = os.environ.get("EMBER_PUBSUB_URL") or "memory://"
    # Snapshots in a file next to the database: a demo killed and started again brings its
    # tabs back (an open chirp editor with its draft), with nothing else to run.
    recovery = os.environ.get("EMBER_RECOVERY_URL") or (
        f"sqlite:///{db.data_folder() / 'recovery.db'}"
    )
    os.environ["EMBER_RECOVERY_URL"] = recovery  # read by the app's Ember (load_settings)
    print(f"ember demo: database {describe_database(db.database_url())}", flush=True)
    print(f"ember demo: PubSub {describe_pubsub(pubsub)}", flush=True)
    print(f"ember demo: sessions {describe_recovery(recovery)}", flush=True)
    from ember.live import load_settings
    from ember.live.serving import uvicorn_options

    # The per-socket bounds ember server uses (docs/security.md).
    options = uvicorn_options(load_settings())
    config = uvicorn.Config(
        APP, host=host, port=port, log_level="info", log_config=uvicorn_log_config(), **options
    )
    server = _Server(config)
    shown = f"[{host}]" if ":" in host else host
    server.url = f"http://{shown}:{sock.getsockname()[1]}/"
    server.run(sockets=[sock])
