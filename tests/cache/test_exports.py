"""ember.cache's public names are pinned."""

from __future__ import annotations

import ember.cache


def test_cache_exports_are_pinned_and_sorted():
    assert ember.cache.__all__ == ["Cache", "CacheInvalidated"]
