"""How far past its start a regex can look: bounds the text the engine scans after a window.

The engine scans each window up to ``reach`` characters beyond it, because a match that starts
at the window's last character may run on. sre offers no way to bound where a search *starts*
separately from where the text ends, so the positions in those extra characters are all tried
in vain (a match starting there is dropped). When every pattern of a rule can look at most
``n`` characters past its start (lookaheads included), scanning to ``n`` past the window finds
exactly the same matches: nothing a match at or before the window's end depends on was cut.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# the parser sre compiles from (private, without stubs: a newer Python may move it, then no bound)
_sre: Any
_sre_parse: Any
try:
    _sre = importlib.import_module("re._constants")
    _sre_parse = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None

# One character more than any match covers: a repeat that stops early looks at the next one.
_PEEK = 1


def forward_extent(pattern: re.Pattern[str]) -> int | None:
    """The most characters a match attempt of ``pattern`` can examine from its start position
    onward, or None when there is no bound (an open repeat, a back-reference) or it cannot tell."""
    if _sre_parse is None:
        return None
    try:
        width = _extent(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unknown parse shape: no bound, the engine keeps its reach
        return None
    return None if width is None else width + _PEEK


def _extent(items) -> int | None:  # type: ignore[no-untyped-def]
    total = 0
    for op, av in items:
        width = _one(op, av)
        if width is None:
            return None
        total += width
    return total


def _one(op, av) -> int | None:  # type: ignore[no-untyped-def]
    if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY, _sre.RANGE, _sre.CATEGORY):
        return 1
    if op is _sre.AT:
        return 0
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        direction, body = av
        if direction > 0:
            return _extent(body)  # a lookahead reads as far as if it consumed its text
        # A lookbehind reads backwards, unless it holds a lookahead (then give up).
        return 0 if not _looks_ahead(body) else None
    if op is _sre.SUBPATTERN:
        return _extent(av[-1])
    if op is _sre.ATOMIC_GROUP:
        return _extent(av)
    if op is _sre.BRANCH:
        widths = [_extent(b) for b in av[1]]
        return None if any(w is None for w in widths) else max(widths)  # type: ignore[type-var]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        _, most, body = av
        width = _extent(body)
        if most == _sre.MAXREPEAT or width is None:
            return None
        return width * most
    return None  # back-references, conditionals, anything new: no bound


def _looks_ahead(items) -> bool:  # type: ignore[no-untyped-def]
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT) and av[0] > 0:
            return True
        for sub in _children(op, av):
            if _looks_ahead(sub):
                return True
    return False


def _children(op, av) -> list:  # type: ignore[no-untyped-def,type-arg]
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [av[1]]
    if op is _sre.SUBPATTERN:
        return [av[-1]]
    if op is _sre.ATOMIC_GROUP:
        return [av]
    if op is _sre.BRANCH:
        return list(av[1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return [av[2]]
    if op is _sre.GROUPREF_EXISTS:
        return [b for b in av[1:] if b is not None]
    return []
