"""The session server: mounting into FastAPI, the page shell and the client, the
websocket endpoint, one mailbox per session (the channel), ``LiveSession``, the wire
protocol, signed tokens, limits, dependencies and recovery.

Private to ember.live: import the public names from ``ember.live``.
"""
