"""Names in running text: a morphological analyser, run only beside person cues.

The honorific and label rules (jp.person, jp.person_label) miss names written without 様 or a
label: 「竹内です。」, 担当：辻井, 鈴木一郎から折り返し, シルバ・カルロスより, and names the surname
dictionary does not hold. A morphological analyser (see prose_names.py for which and why) tags
those as 名詞-固有名詞-人名-姓/名/一般 and tells 田中町 (地名) or 鈴木自動車 (鈴木 + 自動 + 車) apart.

It costs ~35 us per call, so it never sees a whole file. A cheap prefilter (one trie regex of
the cue words in rules/person.yaml ``prose:``) finds cues; beside each cue the run of
name-shaped characters (kanji, katakana, ・) next to it, at most ``run`` characters, is the
only text analysed, and a segment gets at most ``max_regions`` analyser calls. Results are
cached by region text (names and phrases repeat). A name token sequence that touches the cue
is a MEDIUM finding (the cue is the context word shown by ``--explain``); a 姓+名 pair in the
run that does not touch it is LOW. A name right after a company word (株式会社鈴木) or only one
character long without an honorific (森から) is dropped.

Honorific cues (様, さん …) are only analysed where the honorific rule found nothing, and the
engine resolves same-span findings of one type to one, so 山田太郎様 is counted once.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlp.detect.names import not_names
from dlp.detect.normalise import normalise, normalise_text
from dlp.detect.prose_names import Analyser, Token, load_analyser
from dlp.detect.values import canonical_text, fingerprint, mask_name
from dlp.detect.wordlist import trie_regex
from dlp.model import Confidence, Explanation, Finding, Segment, Severity
from dlp.yamlfile import load_yaml

# Characters a name may be written in before normalisation: kanji (without the honorifics
# 様 殿 君, which end a name), 々〆ヶ, katakana (full and half width), long-vowel marks and the
# middle dots and equals signs of foreign names.
_NAME_CHARS = "一-吚吜-槗槙-殾毀-龥々〆ヶァ-ヺー・ｦ-ﾟ･＝="
_SPACE = " \u3000"
_RUN_BEFORE_RE = re.compile(f"([{_NAME_CHARS}](?:[{_NAME_CHARS}]|[{_SPACE}](?=[{_NAME_CHARS}]))*)[{_SPACE}]{{0,2}}\\Z")
_RUN_AFTER_RE = re.compile(f"[{_SPACE}:：]{{0,3}}([{_NAME_CHARS}](?:[{_NAME_CHARS}]|[{_SPACE}](?=[{_NAME_CHARS}]))*)")
_DOTS = frozenset("・･=＝")
_KATAKANA_RE = re.compile("[ァ-ヺー]+")
_CACHE = 50_000


@dataclass(frozen=True)
class ProseConfig:
    """The ``prose:`` section of a rule file (rules/person.yaml): cue words as data."""

    rule_id: str
    severity: Severity
    after_name: tuple[str, ...]  # the name stands right before these (竹内です, 田中より)
    before_name: tuple[str, ...]  # the name stands right after these (担当：辻井, 入電 佐々木)
    honorifics: frozenset[str]  # after-name cues the honorific rule already covers
    turn_start: frozenset[str]  # after-name cues that count only at the start of a turn
    turn_chars: str  # what may stand before the name for a turn-start cue
    not_after: tuple[str, ...]  # a name right after these is a company (株式会社鈴木)
    run: int = 16
    max_regions: int = 2000
    source: str = ""
    examples_match: tuple[dict[str, Any], ...] = field(default=())
    examples_no_match: tuple[str, ...] = field(default=())

    @classmethod
    def from_files(cls, files: tuple[str, ...]) -> ProseConfig | None:
        """The first ``prose:`` section among the rule files, or None (the stage is off)."""
        for name in files:
            doc = load_yaml(Path(name))
            raw = doc.get("prose") if isinstance(doc, dict) else None
            if isinstance(raw, dict):
                return cls.parse(raw, name)
        return None

    @classmethod
    def parse(cls, raw: dict[str, Any], source: str) -> ProseConfig:
        def words(key: str) -> tuple[str, ...]:
            value = raw.get(key) or []
            if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
                raise ValueError(f"{source}: prose.{key}: expected a list of words")
            return tuple(value)

        examples = raw.get("examples") or {}
        return cls(
            rule_id=str(raw.get("id", "jp.person_prose")),
            severity=Severity.parse(str(raw.get("severity", "medium"))),
            after_name=words("after_name"),
            before_name=words("before_name"),
            honorifics=frozenset(words("honorifics")),
            turn_start=frozenset(words("turn_start")),
            turn_chars=str(raw.get("turn_chars", "")),
            not_after=tuple(normalise_text(w) for w in words("not_after")),
            run=int(raw.get("run", 16)),
            max_regions=int(raw.get("max_regions", 2000)),
            source=source,
            examples_match=tuple(examples.get("match") or ()),
            examples_no_match=tuple(examples.get("no_match") or ()),
        )


@dataclass(frozen=True, slots=True)
class _Hit:
    """A name found in a region, in normalised coordinates of the region."""

    start: int
    end: int
    tag: str
    level: Confidence


class ProseNames:
    """The analyser stage; one per Engine. ``calls`` counts analyser calls (tests, bench)."""

    def __init__(
        self,
        config: ProseConfig,
        key: bytes,
        *,
        keep_values: bool = False,
        explain: bool = False,
        analyser: Analyser | None = None,
    ) -> None:
        self.config = config
        self.key = key
        self.keep_values = keep_values
        self.explain = explain
        self._analyser = analyser
        self.calls = 0
        self.seconds = 0.0  # time spent in find(), for the benchmark
        self._after = frozenset(config.after_name)
        self._cue_re = re.compile(trie_regex({*config.after_name, *config.before_name}))
        self._cache: dict[tuple[str, str, int, int, bool], tuple[_Hit, ...]] = {}
        self._stop = not_names()

    @property
    def analyser(self) -> Analyser:
        if self._analyser is None:
            self._analyser = load_analyser()
        return self._analyser

    def find(self, segment: Segment, taken: list[Finding], detail: bool = True) -> list[Finding]:
        """PERSON findings beside cues in ``segment``; ``taken`` are the rules' findings (an
        honorific cue whose name they already hold is not analysed again)."""
        started = time.perf_counter()
        try:
            return self._find(segment, taken, detail)
        finally:
            self.seconds += time.perf_counter() - started

    def _find(self, segment: Segment, taken: list[Finding], detail: bool) -> list[Finding]:
        text = segment.text
        ends = {f.end - segment.offset for f in taken if f.type == "PERSON"}
        out: list[Finding] = []
        regions = 0
        run = self.config.run
        for m in self._cue_re.finditer(text):
            cue = m.group()
            cs, ce = m.span()
            if cue in self._after:
                r = _RUN_BEFORE_RE.search(text, max(0, cs - run), cs)
                if r is None:
                    continue
                rs, re_ = r.span(1)
                if cue in self.config.honorifics and re_ in ends:
                    continue  # the honorific rule has this name
                if cue in self.config.turn_start and rs > 0 and text[rs - 1] not in self.config.turn_chars:
                    continue
                lo, hi, before = rs, ce, False
            else:
                r = _RUN_AFTER_RE.match(text, ce, min(len(text), ce + run + 3))
                if r is None:
                    continue
                rs, re_ = r.span(1)
                lo, hi, before = cs, min(len(text), re_ + 1), True
            regions += 1
            if regions > self.config.max_regions:
                break
            region = normalise(text, lo, hi)
            norm = region.text
            run_s, run_e = region.from_original(rs), region.from_original(re_)
            key = (cue, norm, run_s, run_e, before)
            hits = self._cache.get(key)
            if hits is None:
                hits = self._analyse(norm, run_s, run_e, cue, before)
                if len(self._cache) >= _CACHE:
                    self._cache.clear()
                self._cache[key] = hits
            for hit in hits:
                out.append(self._finding(segment, region, hit, cue, detail))
        return out

    # --- analysis -------------------------------------------------------------------------------

    def _analyse(self, norm: str, run_s: int, run_e: int, cue: str, before: bool) -> tuple[_Hit, ...]:
        self.calls += 1
        tokens = [t for t in self.analyser.tokens(norm) if t.start >= run_s and t.end <= run_e]
        if not tokens:
            return ()
        groups = _name_groups(norm, tokens)
        hits: list[_Hit] = []
        for group in groups:
            s, e = group[0].start, group[-1].end
            value = norm[s:e]
            # After 担当： the name starts the run; before より it ends it.
            touches = (s == run_s and (e == run_e or _free_end(norm, tokens, e))) if before else e == run_e
            if not touches:
                if _full_name(group):
                    hits.append(_Hit(s, e, _tag(group), Confidence.LOW))
                continue
            if not before and _company_before(norm[run_s:s], self.config.not_after):
                continue
            compact = value.replace(" ", "").replace("・", "")
            if compact in self._stop or (len(compact) < 2 and cue not in self.config.honorifics):
                continue
            hits.append(_Hit(s, e, _tag(group), Confidence.MEDIUM))
        return tuple(hits)

    def _finding(self, segment: Segment, region: Any, hit: _Hit, cue: str, detail: bool) -> Finding:
        value = region.text[hit.start : hit.end]
        start = region.start_to_original(hit.start)
        end = region.end_to_original(hit.end)
        canonical = canonical_text(value, None)  # type: ignore[arg-type]
        return Finding(
            rule=self.config.rule_id,
            type="PERSON",
            locator=segment.locator,
            start=segment.offset + start,
            end=segment.offset + end,
            confidence=hit.level,
            severity=self.config.severity,
            masked=mask_name(value) if detail else "",
            fingerprint=fingerprint(self.key, "PERSON", canonical),
            record=segment.record,
            value=value if self.keep_values else None,
            explanation=Explanation(
                pattern=f"analyser:{hit.tag}",
                base=hit.level.label,
                validator=self.analyser.name,
                validator_result=True,
                context=cue if hit.level >= Confidence.MEDIUM else None,
                header=None,
            )
            if self.explain and detail
            else None,
        )


def _name_groups(norm: str, tokens: list[Token]) -> list[list[Token]]:
    """Runs of consecutive name tokens (spaces between them allowed): 鈴木 + 一郎, and katakana
    words joined by ・ when one of them is a person name (グエン・ヴァン・アン)."""
    groups: list[list[Token]] = []
    current: list[Token] = []

    def close() -> None:
        while current and current[-1].surface in _DOTS:
            current.pop()
        if any(t.person for t in current):
            groups.append(list(current))
        current.clear()

    for i, t in enumerate(tokens):
        joined = not current or not norm[current[-1].end : t.start].strip()
        nameish = t.person is not None or (_KATAKANA_RE.fullmatch(t.surface) is not None and _dot_beside(tokens, i))
        if t.surface in _DOTS and current:
            current.append(t) if joined else close()
            continue
        if nameish and joined:
            current.append(t)
        else:
            close()
            if nameish:
                current.append(t)
    close()
    return groups


def _dot_beside(tokens: list[Token], i: int) -> bool:
    return (i > 0 and tokens[i - 1].surface in _DOTS) or (i + 1 < len(tokens) and tokens[i + 1].surface in _DOTS)


def _free_end(norm: str, tokens: list[Token], end: int) -> bool:
    """After a before-name cue the name may be followed by a space or an honorific suffix."""
    if end < len(norm) and norm[end] in " \u3000":
        return True
    nxt = next((t for t in tokens if t.start >= end), None)
    return nxt is not None and nxt.pos.startswith("接尾辞") and nxt.start == end


def _company_before(prefix: str, words: tuple[str, ...]) -> bool:
    prefix = prefix.rstrip()
    return any(prefix.endswith(w) for w in words)


def _full_name(group: list[Token]) -> bool:
    kinds = {t.person for t in group}
    return "姓" in kinds and "名" in kinds


def _tag(group: list[Token]) -> str:
    """What the analyser said, for --explain: 人名-姓+名, 人名-一般・人名-一般 …"""
    return "+".join(dict.fromkeys(f"人名-{t.person}" for t in group if t.person))
