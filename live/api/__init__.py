"""What view authors write and test with: the ``LiveView`` class, ember's hooks,
streams, ``AsyncResult``, event data, and the code of ``ember.live.testing``.

Private to ember.live: import the public names from ``ember.live``.
"""
