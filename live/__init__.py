"""ember.live: the live runtime."""

from __future__ import annotations

__all__: list[str] = []
