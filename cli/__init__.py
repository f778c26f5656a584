"""ember.cli: the ``ember`` command and the code generators behind ``ember new`` and
``ember gen``.

The CLI sits above the library: it imports ``ember.live``, ``ember.data``,
``ember.storybook`` and ``ember.jobs``, and none of them imports it (see
``tests/test_architecture.py``).
"""

from __future__ import annotations

from ._cli import cli as cli
from ._cli import main as main

__all__ = ["cli", "main"]
