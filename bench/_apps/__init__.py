"""The servers the harness starts, one fresh uvicorn process per target and measurement.

Each module exposes ``app`` (an ASGI app) serving the same four views, so every target is
driven through the same scenarios: ``/counter`` (a click counter), ``/subscribed`` (a
counter that also listens for broadcasts), ``/form`` (a field validated on every change)
and ``/table?rows=N`` (a button that changes one cell of an N-row table).
"""
