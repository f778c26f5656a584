"""Python source as highlighted markup, on the server: Pygments' lexer, ember's colours.

Each token becomes a ``<span class="sb-t-…">`` (Pygments' short class names: ``k``
keyword, ``s`` string, ``c`` comment, ``m`` number, ``nf`` function name…); the colours come
from the theme's tokens (see ``_style.py``), so they meet AA contrast in both themes.
"""

from __future__ import annotations

from functools import cache

from pygments import lex
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES, _TokenType
from reactpy import html
from reactpy.types import VdomDict

__all__ = ["highlight"]

# The token families that get a colour; everything else is plain text.
_FAMILIES = ("k", "s", "c", "m", "nf", "nc", "nb", "nd", "o")


def highlight(code: str) -> list[VdomDict | str]:
    """``code`` as a list of spans and plain strings, for a ``<pre>``."""
    runs: list[tuple[str, str]] = []  # (family, text); neighbours of one family merged
    for kind, text in lex(code, PythonLexer()):
        family = _family(kind) if text.strip() else ""
        if runs and (runs[-1][0] == family or (not text.strip() and not runs[-1][0])):
            runs[-1] = (runs[-1][0], runs[-1][1] + text)
        else:
            runs.append((family, text))
    if code and not code.endswith("\n") and runs and runs[-1][1].endswith("\n"):
        runs[-1] = (runs[-1][0], runs[-1][1][:-1])  # the lexer adds a final newline
    return [html.span({"className": f"sb-t-{f}"}, text) if f else text for f, text in runs]


@cache
def _family(kind: _TokenType) -> str:
    while kind is not None:
        short = STANDARD_TYPES.get(kind, "")
        for family in _FAMILIES:
            if short == family or (len(family) == 1 and short.startswith(family)):
                return family
        kind = kind.parent
    return ""
