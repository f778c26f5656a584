"""Counting user-perceived characters (grapheme clusters) without a third-party package.

This covers what forms meet in practice: combining marks, variation selectors, emoji
modifiers, zero-width-joiner sequences, regional-indicator flags, Hangul jamo and CRLF.
It is an approximation of UAX #29, not a full implementation.
"""

from __future__ import annotations

import unicodedata

__all__ = ["count_graphemes"]

_ZWJ = "\u200d"


def _extends(char: str) -> bool:
    """Whether ``char`` continues the cluster before it instead of starting a new one."""
    code = ord(char)
    if unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    return (
        0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or 0x1160 <= code <= 0x11FF  # Hangul medial vowels and final consonants
        or char == _ZWJ
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def count_graphemes(text: str) -> int:
    """Return the number of grapheme clusters in ``text``.

    Args:
        text: any string.

    Returns:
        How many characters a reader sees, e.g. 1 for "é" written as "e" + U+0301.
    """
    count = 0
    previous = ""
    pending_flag = False
    for char in text:
        if (previous == "\r" and char == "\n") or previous == _ZWJ or (count and _extends(char)):
            pass
        elif _is_regional_indicator(char) and pending_flag:
            pending_flag = False
        else:
            count += 1
            pending_flag = _is_regional_indicator(char)
        previous = char
    return count
