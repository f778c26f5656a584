"""ember's render engine: renders ReactPy components through ReactPy's hook protocol,
reconciles old and new children and writes the patch ops as it compares; the
first paint's HTML, the attribute pass, error boundaries and the worker threads
for blocking handlers.

Private to ember.live: import the public names from ``ember.live``.
"""
