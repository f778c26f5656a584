"""``python -m ember.cli``: the ``ember`` command."""

from __future__ import annotations

from ._cli import main

main()
