"""Japanese morphological analysers for names in running text, behind one small interface.

Two offline analysers whose dictionaries ship as PyPI packages were measured on the labelled
call-note set in tests/detect/prose_cases.py with bench/bench_prose_names.py (same machine,
same session, the machine loaded by other jobs; medians):

=====================================  ==========  ==========  ==============  ========
analyser                               load        memory      short calls     recall
=====================================  ==========  ==========  ==============  ========
fugashi 1.5 + unidic-lite 1.0.8        ~0.04 s     +~30 MB     ~35 us/call     see bench
SudachiPy 0.7 + sudachidict-core       ~0.24 s     +~85 MB     ~45 us/call     see bench
SudachiPy 0.7 + sudachidict-small      ~0.15 s     +~35 MB     ~48 us/call     see bench
=====================================  ==========  ==========  ==============  ========

Both tag the same way (UniDic-style 名詞-固有名詞-人名-姓/名/一般, 地名, 組織) and got the same
names on the labelled set; the stage only analyses a few dozen characters around person cues,
so per-call cost and start-up matter more than bulk speed. fugashi + unidic-lite is the default:
it loads six times faster and its dictionary is memory-mapped, so every worker process pays
~0.04 s and a few MB of private memory instead of ~0.24 s and ~85 MB for Sudachi core. It also
splits 営業部田中 into 営業/部/田中, which is what the stage needs. Sudachi stays selectable
(``DLP_PROSE_ANALYSER=sudachi``) for comparison.
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
            out.append(Token(surface, start, start + len(surface), "-".join(f for f in features[:4] if f != "*")))
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
            Token(m.surface(), m.begin(), m.end(), "-".join(p for p in m.part_of_speech()[:4] if p != "*"))
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
