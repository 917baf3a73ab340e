"""Literal word lists as fast regexes.

sre has no Aho-Corasick: a flat alternation of 200 words is tried word by word at every
candidate position, and IGNORECASE makes it ~20x slower again on Japanese text. A trie-shaped
pattern checks each character once; case variants are listed instead of IGNORECASE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_regex(words: Iterable[str], groups: int = 1) -> str:
    """One regex for a set of literal words, shaped as a trie so that sre checks each
    character once instead of trying every word in turn; the longest word wins.

    sre tries the alternatives of a branch one after the other, also after the one for the
    character at hand has failed: with ``groups`` > 1 the first characters are split into that
    many runs, each behind a lookahead for its own characters, so a failed candidate costs a
    few lookaheads and one run instead of every first character (a long trigger list on
    Japanese text: about 1.5x faster). At most one run can start at a position and it holds the
    same branches: the matches are the same. The pattern then starts with a lookahead:
    compile it with prefilter.search_regex to keep sre skipping non-candidates."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alternatives = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        if "" in node:  # a word ends here: what follows is optional (greedy, so longest wins)
            return f"(?:{body})?" if len(alternatives) > 1 or len(body) > 1 else f"{body}?"
        return body

    firsts = sorted(c for c in trie if c)
    if groups <= 1 or len(firsts) < 4 * groups:
        return build(trie)
    runs = [firsts[i * len(firsts) // groups : (i + 1) * len(firsts) // groups] for i in range(groups)]
    guarded = []
    for run in runs:
        chars = "".join(re.escape(c) for c in run)
        guarded.append(f"(?=[{chars}]){build({c: trie[c] for c in run})}")
    return f"(?:{'|'.join(guarded)})"


def case_variants(word: str) -> set[str]:
    """The word as written, lower, upper and title case (for words with ASCII letters)."""
    if any(c.isascii() and c.isalpha() for c in word):
        return {word, word.lower(), word.upper(), word.title(), word.capitalize()}
    return {word}


def words_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """A trie regex matching any of ``words`` in any usual letter case; None for no words."""
    variants = {v for w in words if w for v in case_variants(w)}
    return re.compile(trie_regex(variants)) if variants else None
