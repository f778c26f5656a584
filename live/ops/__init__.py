"""Operating ember: telemetry events, error reports, the loop-lag watchdog, log
redaction, GC settings, and the code of ``ember.live.metrics``, ``.dashboard`` and
``.tracing``.

Private to ember.live: import the public names from ``ember.live``.
"""
