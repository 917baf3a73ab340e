"""Japanese morphological analysers for names in running text, behind one small interface.

Two offline analysers whose dictionaries ship as PyPI packages were measured with
``python bench/bench_prose_names.py`` (each in a fresh process, as a worker starts; the same
session, on a machine shared with other jobs, so absolute speeds are low and rough):

==============================  =======  ========  ===========  ==========  ===============  =========
analyser                        load     memory    bulk prose   short call  recall (24)      negatives
==============================  =======  ========  ===========  ==========  ===============  =========
fugashi 1.5 + unidic-lite 1.0.8 0.01 s   +5 MB     112 k chr/s  42 us       21 (22 with 2)   0/13
SudachiPy 0.7 + dict-core       0.22 s   +83 MB    77 k chr/s   63 us       21               0/13
SudachiPy 0.7 + dict-small      0.14 s   +35 MB    73 k chr/s   87 us       20               0/13
==============================  =======  ========  ===========  ==========  ===============  =========

(recall: names found at medium confidence through the whole engine on tests/detect/prose_cases.py
POSITIVES + HARD; negatives: lookalike sentences with any medium PERSON finding.)

Both tag in UniDic style (名詞-固有名詞-人名-姓/名/一般, 地名, 組織) and find nearly the same
names; Sudachi missed 高橋 美咲 after ``From:``, both miss names their dictionaries lack
(東雲, 鳳凰堂). fugashi + unidic-lite is the choice: the stage analyses a few dozen characters
at a time beside cues, so start-up, memory and per-call cost count, not bulk speed, and every
worker process pays them. unidic-lite's dictionary is memory-mapped (pages shared between
workers), MeCab loads in ~10 ms, and a short call is cheaper. Sudachi stays selectable with
``DLP_PROSE_ANALYSER=sudachi-core`` (or ``sudachi-small``) when installed, for comparison.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Token:
    """One morpheme: its span in the analysed string and its part of speech (``名詞-固有名詞-人名-姓``)."""

    surface: str
    start: int
    end: int
    pos: str
    unknown: bool = False  # not in the dictionary (ラジェシュ, スニタ): a foreign name may be one

    @property
    def person(self) -> str | None:
        """``姓``, ``名`` or ``一般`` for a person-name token, else None."""
        parts = self.pos.split("-")
        if len(parts) >= 3 and parts[1] == "固有名詞" and parts[2] == "人名":
            return parts[3] if len(parts) > 3 else "一般"
        return None


class Analyser(Protocol):
    name: str

    def tokens(self, text: str) -> list[Token]: ...


class FugashiAnalyser:
    """MeCab through fugashi, with the unidic-lite dictionary (memory-mapped, shared by workers)."""

    name = "fugashi+unidic-lite"

    def __init__(self) -> None:
        import fugashi
        import unidic_lite

        # Pass the dictionary explicitly: a system mecabrc must not pick another one.
        self._tagger = fugashi.Tagger(f'-d "{unidic_lite.DICDIR}" -r /dev/null')

    def tokens(self, text: str) -> list[Token]:
        out: list[Token] = []
        pos = 0
        for node in self._tagger(text):
            pos += len(node.white_space)
            surface = node.surface
            start = text.find(surface, pos) if text[pos : pos + len(surface)] != surface else pos
            if start < 0:  # MeCab never rewrites a surface; keep going from where we are
                start = pos
            features = node.feature_raw.split(",", 4)
            pos_ = "-".join(f for f in features[:4] if f != "*")
            out.append(Token(surface, start, start + len(surface), pos_, node.stat == 1))  # 1: MeCab's unknown word
            pos = start + len(surface)
        return out


class SudachiAnalyser:
    """SudachiPy with sudachidict-core (or -small), split mode C; kept for comparison."""

    def __init__(self, dictionary: str = "core") -> None:
        from sudachipy import Dictionary, SplitMode

        self.name = f"sudachipy+sudachidict-{dictionary}"
        self._tokenizer = Dictionary(dict=dictionary).create(SplitMode.C)

    def tokens(self, text: str) -> list[Token]:
        return [
            Token(m.surface(), m.begin(), m.end(), "-".join(p for p in m.part_of_speech()[:4] if p != "*"), m.is_oov())
            for m in self._tokenizer.tokenize(text)
        ]


def make_analyser(name: str) -> Analyser:
    if name == "fugashi":
        return FugashiAnalyser()
    if name.startswith("sudachi"):
        _, _, size = name.partition("-")
        return SudachiAnalyser(size or "core")
    raise ValueError(f"unknown analyser {name!r} (known: fugashi, sudachi-core, sudachi-small)")


@lru_cache(maxsize=4)
def load_analyser(name: str | None = None) -> Analyser:
    """The process's analyser, loaded on first use (a worker that never sees a cue never loads it)."""
    return make_analyser(name or os.environ.get("DLP_PROSE_ANALYSER", "fugashi"))
