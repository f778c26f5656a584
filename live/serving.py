"""Per-socket bounds for the uvicorn that ``ember server`` and ``ember demo`` start.

uvicorn's websocket protocol (the websockets sans-I/O one it picks by default) leaves a few
doors open that one client can walk through; this module closes them:

- **control frames**: uvicorn answers every ping at once, even while the client reads
  nothing, so a client that sends pings and never reads grew the worker by about 1 MiB
  per MiB sent. Here, once the socket's send buffer is above its high-water mark (64 KiB),
  the server stops reading from that client until it takes its output (TCP pushes back
  on the sender), and a ping that arrives meanwhile gets no pong (RFC 6455 5.5.3 lets an
  endpoint answer only the latest ping).
- **frame size before inflation**: ``ws_max_size`` is ember's ``EMBER_MAX_FRAME_BYTES``
  (1 MiB), so a frame is refused on its declared (compressed) length before it is read,
  and permessage-deflate stops inflating at the same size; both close with 1009.
  uvicorn's own default is 16 MiB, inflated before ember could look.
- **frames inflated ahead of the app**: uvicorn parses all it read at once (up to 256 KiB)
  and queues every frame in it, inflated, before the app reads one: 200 compressed frames
  of 1 MiB fit in 400 KiB. Here what was read is parsed 1 KiB at a time, only while the
  app has no frame waiting; the rest waits as it came, and the socket is read no further.
- **reads per frame**: uvicorn stops reading a socket after every incoming message until
  the app takes it (two ``epoll_ctl`` calls and the selector's bookkeeping per frame,
  about 40,000 instructions of a click's ~340,000 in ember's server); here a message that
  the app's reader already waits for is handed over without that, and reading stops, as
  in uvicorn, for a message nobody waits for, so a socket still queues at most the frames
  of one read.
- **a client that never reads**: the keepalive ping and the close handshake end the
  connection by aborting it (uvicorn's ``transport.close()`` waits for the send buffer to
  drain, which never happens), so the session ends and its memory is returned.

Run an app with these bounds by ``ember server`` (it passes :func:`uvicorn_options`), or
with plain uvicorn: ``uvicorn app:app --ws ember.live.serving:WebSocketProtocol
--ws-max-size 1048576``.
"""

from __future__ import annotations

from .server._serving import WebSocketProtocol as WebSocketProtocol
from .server._serving import uvicorn_options as uvicorn_options

__all__ = ["WebSocketProtocol", "uvicorn_options"]
