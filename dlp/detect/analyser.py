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

Honorific cues (様, さん …) are only analysed where the honorific rule found nothing (or only
guessed, LOW, at a katakana name of several words), and the engine resolves same-span findings
of one type to one, so 山田太郎様 is counted once. Two shapes need no analyser call of their
own: a foreign name of several katakana words before a cue (タパ・ラジェシュ様: a word the
dictionary lacks or knows as a name, no loanword it knows such as ストア or サポート), and a
reading in brackets right after a name (石川亮介（イシカワ リョウスケ）). ``label_tails`` (者：,
人：) end any label of a person (転記者：加藤), except where they end another cue (出席者：).

After the cues, two passes need no cue of their own: a full name right before a phone number
on its line (・初期不良　佐々木陽一　070-…), and later mentions of a person the text already
names (coref.py: 「フェルナンデスでした」 after フェルナンデス カミラ様), which skip segments with
more than ``coref.MAX_FOUND`` person findings (lists and logs).

Cost (bench/bench_detect.py, office mix, CPU time because the machine was shared): the cue
words join the engine's one trigger scan instead of a second pass (+~3 %), and the stage itself
takes ~6 % of the engine, nearly all of it spent building the +41 % PERSON findings it adds
(68,188 findings instead of 48,187); analyser calls are ~170 per 19 M characters, the rest are
cache hits. Each cue word costs scan time on every text, words whose first characters are
frequent most (から alone was ~1 % before the scan checked three characters at once,
prefilter.lead_guard; the ~80 cue words of the names-in-prose round now cost ~0.006 s of
0.40): add cue words only for real misses, and bench them.
Only unstructured text is analysed (segments with a table are left to column profiling), and
a segment gets at most ``max_regions`` analyser calls.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dlp.detect.coref import MAX_FOUND, given_mentions, given_names_of, mentions, surnames_of
from dlp.detect.names import NameDictionary, load_names, not_names
from dlp.detect.normalise import Normalised, normalise, normalise_text
from dlp.detect.prose_lines import LineNames, LineShapes
from dlp.detect.prose_names import Analyser, Token, load_analyser
from dlp.detect.values import canonical_text, fingerprint, mask_name
from dlp.model import Confidence, Explanation, Finding, Segment, Severity
from dlp.yamlfile import load_yaml

# Characters a name may be written in before normalisation: kanji (without the honorifics
# 様 殿 君, which end a name; with the compatibility and supplementary ones of 山﨑, 𠮷田),
# 々〆ヶ, katakana (full and half width), long-vowel marks and the middle dots and equals signs
# of foreign names.
_NAME_CHARS = "一-吚吜-槗槙-殾毀-龥々〆ヶ\uf900-\ufad9\U00020000-\U0002fa1fァ-ヺー・ｦ-ﾟ･＝="
_SPACE = " \u3000"
# The run of name-shaped characters (single spaces inside) that ends at a cue, or starts after it.
# Before a cue the run is matched backwards, in the reversed text up to the cue: one anchored
# match instead of a search that tries every start in the window (the same run: the longest one
# that ends at the cue, spaces inside single and between name characters).
_RUN_BEFORE_REV_RE = re.compile(f"[{_SPACE}]{{0,2}}([{_NAME_CHARS}](?:[{_NAME_CHARS}]|[{_SPACE}](?=[{_NAME_CHARS}]))*)")
_AFTER_CUE = f"[{_SPACE}:：、\n（(]{{0,3}}"  # 担当：辻井, 以上、深澤, 以上⏎久松 啓克, オペレーター（後藤）
_RUN_AFTER_RE = re.compile(f"{_AFTER_CUE}([{_NAME_CHARS}](?:[{_NAME_CHARS}]|[{_SPACE}](?=[{_NAME_CHARS}]))*)")
_HIRAGANA = frozenset(chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1))
# After a before-name cue: a space and 2-4 hiragana (and 子) that end the tag (中川 くみ子⏎, 山本 ゆか）).
_KANA_GIVEN_AFTER_RE = re.compile("[ \u3000][ぁ-ゖ]{2,4}子?(?=[\n)）】」 \u3000]|\\Z)")
_KANA_TITLES = frozenset(("さん", "さま", "くん", "ちゃん", "どの", "たち", "ら"))  # not given names here
_KANA_JOINED_AFTER_RE = re.compile("[ぁ-ゖ]{2,4}子?(?=[\n)）】」 \u3000]|\\Z)")
_KANA_GIVEN_RE = re.compile("((?<![一-龥々ヶ])[一-龥々ヶ]{1,4}[ \u3000]?[ぁ-ゖ]{2,4}子?)\\Z")


# The characters of _NAME_CHARS and _SPACE as a set: one look-up per cue instead of a regex call.
def _expand(chars: str) -> frozenset[str]:
    """The characters of a regex class body made of single characters and ``a-b`` ranges."""
    out: set[str] = set()
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out.update(map(chr, range(ord(chars[i]), ord(chars[i + 2]) + 1)))
            i += 3
        else:
            out.add(chars[i])
            i += 1
    return frozenset(out)


_NAME_OR_SPACE = _expand(_NAME_CHARS + _SPACE)
_DOTS = frozenset("・･=＝")
_KATAKANA_RE = re.compile("[ァ-ヺー]+")
# 様 followed by these is a word (様式, 様子, 様相, 様々, 様態), not an honorific.
_WORD_AFTER_HONORIFIC = frozenset("式子相々態変")
# What may follow a staff name in a tag (（対応：山下）, 受付 藤井, 以上、深澤⏎, 報告者：遠藤 零（営業）):
# the end of the line, a bracket, a space or 宛. There a dictionary surname is a name even where the
# analyser reads it as a place (池田) or a common noun (仲).
# A name before a phone: kanji (a space and a given name in kanji or hiragana after), or katakana
# words, matched backwards from the spaces before the phone (the text reversed).
_NAME_BEFORE_PHONE_REV_RE = re.compile(
    "[ \u3000\t]{1,3}([一-龥々ヶ]{1,4}(?:[ \u3000]?[ぁ-ゖ]{0,3}[一-龥々ヶ]{1,4}|[ぁ-ゖ]{2,4}[一-龥々ヶ]{1,4})?"
    "|[ァ-ヴー]{2,}(?:[・ \u3000][ァ-ヴー]{2,}){1,2})"
)
_SPACE_OR_TAB = frozenset(" \u3000\t")
_NAME_END = frozenset(chr(c) for c in (*range(0x3041, 0x3097), *range(0x30A1, 0x30FB), 0x30FC)) | _expand("一-龥々ヶ")
_NAME_BOUNDARY = frozenset(" \u3000\t\n・、,：:「『（()）】]")
# A list's comma ends a tag too: 早番 石田、遅番 上野 (a roster names one person per shift).
_TAG_END = frozenset("\n)）】]」 　宛(（、,")
_NOT_GIVEN = ("宛", "様", "殿", "氏", "君")
_CACHE = 50_000


@dataclass(frozen=True)
class ProseConfig:
    """The ``prose:`` section of a rule file (rules/person.yaml): cue words as data."""

    rule_id: str
    severity: Severity
    after_name: tuple[str, ...]  # the name stands right before these (竹内です, 田中より)
    before_name: tuple[str, ...]  # the name stands right after these (担当：辻井, 入電 佐々木)
    label_tails: tuple[str, ...]  # before-name cues that end a label (転記者：), unless they end a cue
    honorifics: frozenset[str]  # after-name cues the honorific rule already covers
    turn_start: frozenset[str]  # after-name cues that count only at the start of a turn
    turn_chars: str  # what may stand before the name for a turn-start cue
    not_after: tuple[str, ...]  # a name right after these is a company (株式会社鈴木)
    lines: LineShapes | None = None
    # after-name cues only a person's name stands before (と申します): a dictionary name counts
    # there where the analyser reads a place (石岡と申します, 藤田 美波氏)
    self_intro: frozenset[str] = frozenset()
    # before-name cues of a relative (母の, 配偶者): what follows is a name wherever it ends, so
    # the dictionary test of a staff tag applies (夫の石川 翼です: the analyser reads a place)
    relations: frozenset[str] = frozenset()
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
            label_tails=tuple(normalise_text(w) for w in words("label_tails")),
            honorifics=frozenset(words("honorifics")),
            turn_start=frozenset(words("turn_start")),
            turn_chars=str(raw.get("turn_chars", "")),
            self_intro=frozenset(words("self_intro")),
            relations=frozenset(words("relations")),
            not_after=tuple(normalise_text(w) for w in words("not_after")),
            lines=LineShapes.parse(raw.get("lines"), source),
            run=int(raw.get("run", 16)),
            max_regions=int(raw.get("max_regions", 2000)),
            source=source,
            examples_match=tuple(examples.get("match") or ()),
            examples_no_match=tuple(examples.get("no_match") or ()),
        )


@dataclass(frozen=True, slots=True)
class _Hit:
    """A name found in a region: its span in the region's normalised text (``start``, ``end``)
    and, once placed, in the original region (``at``, ``to``), with its mask and fingerprint."""

    start: int
    end: int
    tag: str
    level: Confidence
    at: int = 0
    to: int = 0
    value: str = ""
    masked: str = ""
    fingerprint: str = ""


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
        # Trigger word (as written) -> (cue, cue start and end within the word, name after the cue?)
        self._words: dict[str, tuple[str, int, int, bool]] = {}
        self._cache: dict[tuple[str, str, int, int, bool], tuple[_Hit, ...]] = {}
        self._stop = not_names()
        self._lines = LineNames(config.lines) if config.lines is not None else None
        self._attendee_words = frozenset(config.lines.attendee_words if config.lines is not None else ())
        self._tails = frozenset(config.label_tails)
        self._phone_names: set[str] = set()  # names before phones the analyser read in full

    def find_lines(
        self, segment: Segment, detail: bool = True
    ) -> tuple[list[Finding], list[tuple[int, int]], list[tuple[int, int]]]:
        """PERSON findings of the line shapes (prose_lines.py), the spans of list entries' bare
        phone numbers (their name is their context) and the list entries' lines."""
        if self._lines is None:
            return [], [], []
        started = time.perf_counter()
        try:
            spans, phones, items = self._lines.spans(segment.text, self.analyser)
            return [self._line_finding(segment, s, e, detail) for s, e in spans], phones, items
        finally:
            self.seconds += time.perf_counter() - started

    def _line_finding(self, segment: Segment, s: int, e: int, detail: bool, tag: str = "行") -> Finding:
        value = normalise_text(segment.text[s:e])
        hit = _Hit(0, 0, tag, Confidence.MEDIUM, s, e, value, mask_name(value))
        hit = replace(hit, fingerprint=fingerprint(self.key, "PERSON", canonical_text(value, None)))  # type: ignore[arg-type]
        return self._finding(segment, 0, hit, "", detail) if self.explain else self._plain(segment, hit, detail)

    def _plain(self, segment: Segment, hit: _Hit, detail: bool) -> Finding:
        return Finding(
            self.config.rule_id,
            "PERSON",
            segment.locator,
            segment.offset + hit.at,
            segment.offset + hit.to,
            hit.level,
            self.config.severity,
            hit.masked if detail else "",
            hit.fingerprint,
            segment.record,
            value=hit.value if self.keep_values else None,
        )

    def use_analyser(self, analyser: Analyser) -> None:
        """Another analyser (the benchmark compares them; tests count calls)."""
        self._analyser = analyser
        self._cache.clear()

    @property
    def analyser(self) -> Analyser:
        if self._analyser is None:
            self._analyser = load_analyser()
        return self._analyser

    def add_cues(self, word_rules: dict[str, list[int]], variants: Callable[[str], set[str]], index: int) -> None:
        """Join the engine's one trigger scan: the cue words (as ``variants`` spells them) are
        added to ``word_rules`` under ``index``. The scan takes the longest word at a place, so
        a rule word that holds a cue where it matters (お名前 ends with 名前) is a cue too, and a
        cue that starts with a rule word (担当者 and 担当) keeps that rule's trigger."""
        cues: dict[str, tuple[str, bool]] = {}
        attendees = self.config.lines.attendee_words if self.config.lines is not None else ()
        before_words = (*self.config.before_name, *self.config.label_tails, *attendees)
        for before, words in ((False, self.config.after_name), (True, before_words)):
            for cue in words:
                for variant in variants(cue):
                    cues[variant] = (cue, before)
        for word in list(word_rules):
            for variant, (cue, before) in cues.items():
                if word != variant and (word.endswith(variant) if before else word.startswith(variant)):
                    start = len(word) - len(variant) if before else 0
                    self._words[word] = (cue, start, start + len(variant), before)
                    word_rules[word].append(index)
                    break
        for variant, (cue, before) in cues.items():
            self._words[variant] = (cue, 0, len(variant), before)
            rules = word_rules.setdefault(variant, [])
            for word, word_indexes in list(word_rules.items()):
                if len(word) < len(variant) and variant.startswith(word):
                    rules.extend(i for i in word_indexes if i not in rules and i != index)
            if index not in rules:
                rules.append(index)

    def find(
        self, segment: Segment, cues: list[tuple[int, int]], taken: list[Finding], detail: bool = True
    ) -> list[Finding]:
        """PERSON findings beside the cue words the engine's trigger scan found at ``cues``;
        ``taken`` are the rules' findings (a name they already hold is not analysed again)."""
        started = time.perf_counter()
        try:
            return self._find(segment, cues, taken, detail)
        finally:
            self.seconds += time.perf_counter() - started

    def _find(self, segment: Segment, cues: list[tuple[int, int]], taken: list[Finding], detail: bool) -> list[Finding]:
        text = segment.text
        # A katakana name the honorific rule could only guess (LOW: タパ・ラジェシュ様, ツェレンドルジ様, no
        # dictionary reading) is analysed again here; any other name it has is taken.
        at = segment.offset
        guessed = _KANA_WORDS_RE.fullmatch
        ends = {
            f.end - at
            for f in taken
            if f.type == "PERSON"
            and (
                f.confidence >= Confidence.MEDIUM
                or text[f.start - at] not in _KATAKANA_START
                or guessed(text, f.start - at, f.end - at) is None
            )
        }
        out: list[Finding] = []
        budget = self.config.max_regions
        run = self.config.run
        words = self._words
        attendee_words = self._attendee_words
        name_or_space = _NAME_OR_SPACE
        turn_start, turn_chars = self.config.turn_start, self.config.turn_chars
        explain = self.explain and detail
        rule_id, severity, keep_values = self.config.rule_id, self.config.severity, self.keep_values
        offset, locator, record = segment.offset, segment.locator, segment.record
        if ends:  # most 様/さん follow a name the honorific rule has: drop them in one pass
            cues = [c for c in cues if c[0] not in ends]
        tails = self._tails
        prev_end = -1
        for ws, we in cues:
            word = words.get(text[ws:we])
            if word is None:
                continue  # spelt with characters no reader sees: the rules see it, this stage not
            cue, a, b, before = word
            if cue in tails and ws == prev_end:
                continue  # 出席者：, 担当者：: the label is another cue's, which handles it
            prev_end = we
            cs, ce = ws + a, ws + b
            if cue in attendee_words and self._lines is not None:  # 出席：寺山、青木、前田
                listed = self._lines.attendees_at(text, cs, self.analyser)
                out.extend(self._line_finding(segment, s, e, detail) for s, e in listed)
                continue
            if ce < len(text) and text[ce] in _WORD_AFTER_HONORIFIC and cue in self.config.honorifics:
                continue  # 新様式, 同様々: 様 starts a word here, it ends no name
            if not before:
                # Cheap checks first: most cues (です after a verb, さん after a name the
                # honorific rule has) have nothing name-shaped of their own before them.
                if cs == 0 or cs in ends:
                    continue
                prev = text[cs - 1]
                kana_end = cs
                if prev in _SPACE and cs >= 2 and text[cs - 2] in _HIRAGANA:
                    kana_end, prev = cs - 1, text[cs - 2]  # 中島さゆり 様: a space before the honorific
                if prev == "子" and cs >= 2 and text[cs - 2] in _HIRAGANA:
                    prev = text[cs - 2]  # 橋本くみ子といいます: a given name in hiragana and 子
                if prev in name_or_space:
                    r = _RUN_BEFORE_REV_RE.match(text[max(0, cs - run) : cs][::-1])
                    if r is None:
                        continue
                    rs, re_ = cs - r.end(1), cs - r.start(1)
                elif prev in _HIRAGANA:
                    # A given name in hiragana after a kanji surname (佐藤あすかから).
                    r = _KANA_GIVEN_RE.search(text, max(0, kana_end - 8), kana_end)
                    if r is None:
                        continue
                    rs, re_ = r.span(1)
                elif prev in ")）" and cue in self.config.honorifics:
                    out.extend(self._bracketed(segment, cs, detail))  # 小林幹（コバヤシミキ）様
                    continue
                else:
                    continue
                if re_ in ends:
                    continue  # a rule has this name already
                if cue in turn_start and rs > 0 and text[rs - 1] not in turn_chars:
                    continue
                lo, hi = rs, ce
            else:
                r = _RUN_AFTER_RE.match(text, ce, min(len(text), ce + run + 3))
                if r is None:
                    continue
                rs, re_ = r.span(1)
                k = _KANA_GIVEN_AFTER_RE.match(text, re_)
                if k is not None:
                    re_ = k.end()  # 対応者：中川 くみ子: a given name in hiragana after the surname
                else:
                    k = _KANA_JOINED_AFTER_RE.match(text, re_)
                    if k is not None and k.group() not in _KANA_TITLES and load_names().is_given_name(k.group()):
                        re_ = k.end()  # 受付者：渡辺さゆり⏎ (not 担当：山田です⏎: です is no given name)
                lo, hi = cs, min(len(text), re_ + 1)
            # Cached by the original text: a region seen before costs one dict look-up.
            key = (cue, text[lo:hi], rs - lo, re_ - lo, before)
            hits = self._cache.get(key)
            if hits is None:
                if budget <= 0:
                    continue  # this segment had its share of analyser calls
                budget -= 1
                region = normalise(text, lo, hi)
                found = self._analyse(region.text, region.from_original(rs), region.from_original(re_), cue, before)
                hits = tuple(self._place(region, lo, h) for h in found)
                if len(self._cache) >= _CACHE:
                    self._cache.clear()
                self._cache[key] = hits
            if not hits:
                continue
            if explain:
                out.extend(self._finding(segment, lo, hit, cue, detail) for hit in hits)
                continue
            base = offset + lo
            for hit in hits:  # _finding without an explanation, inlined (thousands per segment)
                out.append(
                    Finding(
                        rule_id,
                        "PERSON",
                        locator,
                        base + hit.at,
                        base + hit.to,
                        hit.level,
                        severity,
                        hit.masked if detail else "",
                        hit.fingerprint,
                        record,
                        value=hit.value if keep_values else None,
                    )
                )
        out += self._readings(segment, taken, out, detail)
        out += self._before_phones(segment, taken, detail)
        return out + self._mentions(segment, taken, out, detail)

    def _before_phones(self, segment: Segment, taken: list[Finding], detail: bool) -> list[Finding]:
        """A full name right before a phone number on its line, spaces between (・初期不良　佐々木陽一
        070-…): the analyser must read a surname and a given name (松本　0263-… is a shop's line).
        A bare number there, LOW without a context word, is MEDIUM: the name is its context."""
        if self._lines is None:
            return []
        text, at = segment.text, segment.offset
        out = []
        spaces, name_end = _SPACE_OR_TAB, _NAME_END
        for phone in [f for f in taken if f.type == "PHONE"]:
            end = phone.start - at
            # Cheap checks first: most phones follow a label (TEL 03-…) or nothing name-shaped.
            if end < 3 or text[end - 1] not in spaces:
                continue
            if text[end - 2] not in name_end and not (text[end - 2] in spaces and text[end - 3] in name_end):
                continue
            m = _NAME_BEFORE_PHONE_REV_RE.match(text[max(0, end - 16) : end][::-1])
            if m is None:
                continue
            s, e = end - m.end(1), end - m.start(1)
            if s > 0 and text[s - 1] not in _NAME_BOUNDARY:
                continue  # 初期不良佐々木: the run is part of a longer word
            value = text[s:e]
            if value in self._phone_names or self._lines.full_name(value, self.analyser):
                self._phone_names.add(value)
                out.append(self._line_finding(segment, s, e, detail))
                if phone.confidence < Confidence.MEDIUM:
                    # 田中 浩　0339989875: the person's name is the bare number's context (the
                    # surer finding wins where the engine resolves the two)
                    out.append(replace(phone, confidence=Confidence.MEDIUM))
        return out

    def _mentions(self, segment: Segment, taken: list[Finding], found: list[Finding], detail: bool) -> list[Finding]:
        """Later mentions of a person this text already names (coref.py): 山田でした after 山田太郎様."""
        text, at = segment.text, segment.offset
        persons = [f for f in (*taken, *found) if f.type == "PERSON"]
        if len(persons) > MAX_FOUND:
            return []  # a list or a long log: its rules and line shapes find each entry
        values = {normalise_text(text[f.start - at : f.end - at]) for f in persons if f.confidence >= Confidence.MEDIUM}
        if not values:
            return []
        spans = [(f.start - at, f.end - at) for f in persons]
        known = surnames_of(values)
        found_spans = mentions(text, known, spans)
        # the full names among the later mentions (三田村英樹 after 三田村 修平) name given names too
        again = surnames_of(values | {normalise_text(text[s:e]) for s, e in found_spans})
        found_spans += given_mentions(text, given_names_of(again), spans + found_spans)
        return [self._line_finding(segment, s, e, detail, tag="同一人物") for s, e in found_spans]

    def _bracketed(self, segment: Segment, cs: int, detail: bool) -> list[Finding]:
        """A name and its reading in brackets before an honorific (小林幹（コバヤシミキ）様,
        清水里佳（シミズ リカ）様): both, when the name starts with a dictionary surname and the
        reading with a surname's reading."""
        text = segment.text
        m = _NAME_THEN_READING_RE.search(text, max(0, cs - 30), cs)
        if m is None:
            return []
        names = load_names()
        name, reading = normalise_text(m.group(1)).replace(" ", ""), normalise_text(m.group(2))
        first, kana = names.surname_prefix(name), names.surname_prefix(reading)
        if first is None or kana is None or len(kana) < 2 or not reading[len(kana) :].strip(" ・"):
            return []
        if name in self._stop or name[len(first) :][-1:] in _NOT_GIVEN_KANJI:
            return []
        return [
            self._line_finding(segment, *m.span(1), detail, tag="読み"),
            self._line_finding(segment, *m.span(2), detail, tag="読み"),
        ]

    def _readings(self, segment: Segment, taken: list[Finding], found: list[Finding], detail: bool) -> list[Finding]:
        """A name's reading in brackets right after it (石川亮介（イシカワ リョウスケ）, 小林 幹 様（コバヤシ
        ミキ）): the katakana is the same person's name, written as call notes give it."""
        text, at = segment.text, segment.offset
        n = len(text)
        out = []
        done: set[int] = set()
        for f in (*taken, *found):
            end = f.end - at
            if end >= n or text[end] not in _READING_NEXT or f.type != "PERSON" or f.end in done:
                continue
            if f.confidence < Confidence.MEDIUM:
                continue
            done.add(f.end)
            m = _READING_RE.match(text, end)
            if m is None or _KATAKANA_RE.fullmatch(text, f.start - at, f.end - at):
                continue
            reading = normalise_text(m.group(1))
            surname = load_names().surname_prefix(reading)
            # イシカワ リョウスケ: a surname's reading and a given name; not a word alone (ヤマト)
            if surname is not None and len(surname) >= 2 and reading[len(surname) :].strip(" ・"):
                out.append(self._line_finding(segment, *m.span(1), detail, tag="読み"))
        return out

    def _place(self, region: Normalised, lo: int, hit: _Hit) -> _Hit:
        """The hit's span in the original region, its mask and keyed fingerprint (computed once
        per region text: the cache key is the original text, so they hold wherever it recurs)."""
        value = region.text[hit.start : hit.end]
        return replace(
            hit,
            at=region.start_to_original(hit.start) - lo,
            to=region.end_to_original(hit.end) - lo,
            value=value,
            masked=mask_name(value),
            fingerprint=fingerprint(self.key, "PERSON", canonical_text(value, None)),  # type: ignore[arg-type]
        )

    # --- analysis -------------------------------------------------------------------------------

    def _analyse(self, norm: str, run_s: int, run_e: int, cue: str, before: bool) -> tuple[_Hit, ...]:
        self.calls += 1
        # MeCab takes UTF-8: a lone surrogate (bytes decoded with surrogateescape) becomes "?",
        # one character for one, so offsets hold; whatever else the analyser rejects is no name.
        safe = norm.encode("utf-8", "replace").decode("utf-8") if not norm.isascii() else norm
        try:
            analysed = self.analyser.tokens(safe)
        except (UnicodeError, RuntimeError, ValueError):
            return ()
        tokens = [t for t in analysed if t.start >= run_s and t.end <= run_e]
        if not tokens:
            return ()
        if before and (run_e == len(norm) or norm[run_e] in _TAG_END or cue in self.config.relations):
            tagged = self._staff_tag(norm, run_s, run_e, tokens)
            if tagged is not None:
                return (tagged,)
        groups = _name_groups(norm, tokens)
        hits: list[_Hit] = []
        for group in groups:
            s, e = group[0].start, group[-1].end
            while s > run_s and _is_katakana(norm[s - 1]) and _is_katakana(norm[s]):
                s -= 1  # デ+ウィ・スハルト: the analyser split the first word of a foreign name
            value = norm[s:e]
            # After 担当： the name starts the run; before より it ends it.
            honorific = not before and norm[e:run_e] == "氏"  # 小島誠氏より: the name ends before 氏
            if honorific:
                pass
            elif (
                not before
                and e < run_e
                and run_e - e <= 1
                and _full_name(group)
                and norm[e:run_e].isalpha()
                and norm[e:run_e] not in _NOT_GIVEN_KANJI
            ):
                e = run_e  # 田中拓真: the analyser cut one kanji off the given name
                value = norm[s:e]
            elif s == run_s and group[0].person == "姓" and _unknown_given(norm, tokens, e, run_e):
                e = run_e  # 笹川慈万です, 娘の渡部 千夏の: a given name the dictionary lacks, read as single kanji
                value = norm[s:e]
            touches = (s == run_s and (e == run_e or _free_end(norm, tokens, e))) if before else e == run_e or honorific
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
        if not before:
            foreign = _foreign_before(norm, tokens, run_s, run_e)
            if foreign is not None and all(h.start >= foreign for h in hits):
                return (_Hit(foreign, run_e, "外国人名", Confidence.MEDIUM),)  # マリセル レイエス, not レイエス
            word_s = run_s + len(norm[run_s:run_e]) - len(norm[run_s:run_e].lstrip("・･ "))  # ・ミシェル様: a bullet
            if not hits and cue in self.config.honorifics and _KANA_ONE_WORD_RE.fullmatch(norm, word_s, run_e):
                one = [t for t in tokens if t.start >= word_s]
                if len(one) == 1 and one[0].unknown:
                    # ツェレンドルジ様, アマルサイハン様: one word the dictionary lacks (ソニー, ヤマト, アマゾン
                    # are words it knows: shops and places are not "unknown")
                    return (_Hit(word_s, run_e, "外国人名", Confidence.MEDIUM),)
            if not any(h.level >= Confidence.MEDIUM for h in hits) and cue in self.config.self_intro:
                named = self._dictionary_name(norm, tokens, run_s, run_e)
                if named is not None:
                    return (named,)
        return tuple(hits)

    def _dictionary_name(self, norm: str, tokens: list[Token], run_s: int, run_e: int) -> _Hit | None:
        """Before a cue only a name stands before (石岡と申します, 藤田 美波氏より), a name the
        analyser reads as a place or a common noun still counts when the dictionary has it: a
        surname of two or more characters alone, or a surname and a given name (prose_lines.py's
        test, from the first token where one starts: 申出人藤田 美波氏)."""
        if self._lines is None or norm[run_e - 1] in _NOT_GIVEN_KANJI or norm.endswith(_TITLES, 0, run_e):
            return None  # 山田部長氏, 鈴木商店と申します: a title or a shop
        names = load_names()
        for t in tokens:
            if t.start < run_s or not t.surface.strip():
                continue
            value = norm[t.start : run_e]
            compact = value.replace(" ", "")
            if compact in self._stop or _company_before(norm[run_s : t.start], self.config.not_after):
                continue
            if (len(compact) >= 2 and compact in names.surnames) or self._lines.is_name(value, self.analyser):
                return _Hit(t.start, run_e, "辞書-姓", Confidence.MEDIUM)
        return None

    def _staff_tag(self, norm: str, run_s: int, run_e: int, tokens: list[Token]) -> _Hit | None:
        """The whole run after a before-name cue, when it closes a staff tag (担当：山下）, 受付
        池田⏎) and is a dictionary surname, alone or with a given name after a space."""
        if run_s == 0 or norm[run_s - 1] not in " :、\n(@)の":
            return None  # 対応中, 受付日: the cue and the word after it are one word (@林: a mention, 受)森, 母の)
        bracket = norm[run_s - 1] == "("
        if bracket and (run_e == len(norm) or norm[run_e] != ")"):
            return None
        value = norm[run_s:run_e]
        surname, _, given = value.partition(" ")
        if surname in self._stop or len(surname) > 4 or len(given) > 4 or " " in given:
            return None
        if given.startswith(_NOT_GIVEN):
            return None  # 鈴木 宛: the analysed groups have the name alone
        names = load_names()
        joined = None if given or surname in names.surnames else _joined_given(surname, tokens, run_s, names)
        if joined is not None:
            surname, given = surname[:joined], surname[joined:]  # 報告者：佐藤拓真
        split = run_s + len(surname)
        read_as_surname = all(t.person == "姓" for t in tokens if t.end <= split)
        # オペレーター（後藤）: in brackets the analyser must read a surname (受付（長野） is a place)
        known = read_as_surname if bracket else surname in names.surnames or read_as_surname
        given_ok = (
            not given
            or joined is not None
            or _split_given(given, tokens, split)
            or names.is_given_name(given)
            or all(t.person for t in tokens if t.start > split)
        )
        if not (known and given_ok):
            return None
        return _Hit(run_s, run_e, _tag(tokens) or "辞書-姓", Confidence.MEDIUM)

    def _finding(self, segment: Segment, lo: int, hit: _Hit, cue: str, detail: bool) -> Finding:
        return Finding(
            rule=self.config.rule_id,
            type="PERSON",
            locator=segment.locator,
            start=segment.offset + lo + hit.at,
            end=segment.offset + lo + hit.to,
            confidence=hit.level,
            severity=self.config.severity,
            masked=hit.masked if detail else "",
            fingerprint=hit.fingerprint,
            record=segment.record,
            value=hit.value if self.keep_values else None,
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


def _is_katakana(ch: str) -> bool:
    return "ァ" <= ch <= "ヺ" or ch == "ー"


# Two to four katakana words joined by ・ or a space (a foreign name as written before 様).
_KANA_NAME_RE = re.compile("[ァ-ヴ][ァ-ヴー]+(?:[・･ \u3000][ァ-ヴ][ァ-ヴー]*){1,3}")
# One to four katakana words: what the honorific rule guesses at (ツェレンドルジ様, タパ・ラジェシュ様).
_KANA_WORDS_RE = re.compile("[ァ-ヴ][ァ-ヴー]+(?:[・･ \u3000][ァ-ヴ][ァ-ヴー]*){0,3}")
# One katakana word of three or more characters before an honorific.
_KANA_ONE_WORD_RE = re.compile("[ァ-ヴ][ァ-ヴー]{2,}")
# A reading in brackets after a name, an honorific between them or not: （イシカワ リョウスケ）.
_READING_RE = re.compile(
    "[ \u3000]?(?:様|さん|さま)?[ \u3000]?[（(]([ァ-ヴ][ァ-ヴー]{0,9}(?:[ \u3000・]?[ァ-ヴ][ァ-ヴー]{0,9})?)[）)]"
)
_KANJI = "一-龥々ヶ〆\uf900-\ufad9\U00020000-\U0002fa1f"
_NAME_THEN_READING_RE = re.compile(
    f"(?<![{_KANJI}])([{_KANJI}]{{1,4}}[ \u3000]?[{_KANJI}]{{1,4}})"
    "[（(]([ァ-ヴ][ァ-ヴー]{0,9}(?:[ \u3000・]?[ァ-ヴ][ァ-ヴー]{0,9})?)[）)][ \u3000]?\\Z"
)
_READING_NEXT = frozenset(" \u3000様さ（(")
_KATAKANA_START = frozenset(chr(c) for c in range(ord("ァ"), ord("ヴ") + 1))
_KANA_WORD_RE = re.compile("[ァ-ヴ][ァ-ヴー]*")
_KANA_TAIL_RE = re.compile("[ァ-ヴ][ァ-ヴー]+(?:[・ ][ァ-ヴ][ァ-ヴー]*){1,3}\\Z")


def _foreign_before(norm: str, tokens: list[Token], run_s: int, run_e: int) -> int | None:
    """Where a foreign name of several katakana words starts that ends at an honorific (タパ・
    ラジェシュ様, グルン スニタ様): words the dictionary lacks or knows as names, and at most
    short loanwords (タパ); not a shop or a service (ソニー ストア様, カスタマー サポート様)."""
    m = _KANA_TAIL_RE.search(norm, run_s, run_e)
    if m is None:
        return None
    named = False
    for w in _KANA_WORD_RE.finditer(norm, m.start(), run_e):
        parts = [t for t in tokens if t.start < w.end() and t.end > w.start()]  # one token may span words
        if any(t.unknown or t.person for t in parts):
            named = True
            continue
        if len(parts) != 1:
            continue  # マリ+セル: the analyser pieced together a word it does not know
        t = parts[0]
        if t.pos.startswith(("名詞-固有名詞-一般", "記号")):
            continue
        if t.pos.startswith("名詞-普通名詞") and len(t.surface) <= 2:
            continue  # タパ: a short loanword
        return None  # a word the dictionary knows: ストア, サポート, ジャパン
    return m.start() if named else None


def _dot_beside(tokens: list[Token], i: int) -> bool:
    return (i > 0 and tokens[i - 1].surface in _DOTS) or (i + 1 < len(tokens) and tokens[i + 1].surface in _DOTS)


def _free_end(norm: str, tokens: list[Token], end: int) -> bool:
    """After a before-name cue the name may be followed by a space or an honorific suffix."""
    if end < len(norm) and norm[end] in " \u3000":
        return True
    if norm.startswith(_TITLES, end):
        return True  # 宛先：藤原主任, 担当 中村課長: a title after the name
    nxt = next((t for t in tokens if t.start >= end), None)
    return nxt is not None and nxt.pos.startswith("接尾辞") and nxt.start == end


# Titles written straight after a staff member's name.
_TITLES = ("主任", "部長", "課長", "係長", "店長", "社長", "次長", "室長", "所長", "支店長", "センター長", "リーダー")


# Single kanji after a surname that make it a title, a shop or a place, not a given name.
# (吉田駅, 岡田港, 松本城: a station, a port, a castle).
_NOT_GIVEN_KANJI = frozenset("様殿氏君屋長家店社部課係室宛市町村区県都府道郡駅港橋線館寺城署")
_KANJI_RUN = re.compile("[一-龥々ヶ]{1,3}")


def _unknown_given(norm: str, tokens: list[Token], end: int, run_e: int) -> bool:
    """The 1-3 kanji between a surname and the cue are a given name the analyser does not know:
    it split them into single characters (慈 + 万), none a title or place suffix (部長, 屋, 市)."""
    if end < run_e and norm[end] == " ":
        end += 1  # 木村 零です: a space between the surname and the given name
    if not _KANJI_RUN.fullmatch(norm, end, run_e):
        return False
    rest = [t for t in tokens if t.start >= end]
    return bool(rest) and all(len(t.surface) == 1 and t.surface not in _NOT_GIVEN_KANJI for t in rest)


def _split_given(given: str, tokens: list[Token], split: int) -> bool:
    """1-3 kanji after a surname and a space that the analyser does not know as a word and
    splits into single characters and names (上川 哉亜: 哉 + 亜), none a title or a place suffix."""
    if not _KANJI_RUN.fullmatch(given) or given[-1] in _NOT_GIVEN_KANJI or given in _TITLES:
        return False
    after = [t for t in tokens if t.start > split]
    # 石井 貫太朗: 貫 + 志朗; 宮本 釟二: a word the dictionary lacks (a rare kanji)
    return bool(after) and all(len(t.surface) == 1 or t.person or t.unknown for t in after)


def _joined_given(value: str, tokens: list[Token], run_s: int, names: NameDictionary) -> int | None:
    """Where the given name starts in a surname and given name written together (佐藤拓真): after
    a dictionary surname of two or more characters, when the rest is a dictionary given name or
    1-3 kanji the analyser reads as a name or splits into single characters (拓 + 真), none a
    title or a place suffix (佐藤部長, 山田屋)."""
    first = names.surname_prefix(value)
    if first is None or len(first) < 2 or len(value) - len(first) > 3:
        return None
    rest = value[len(first) :]
    if not rest or names.is_given_name(rest):
        return len(first) if rest else None
    if not _KANJI_RUN.fullmatch(rest) or rest[-1] in _NOT_GIVEN_KANJI or rest in _TITLES:
        return None
    after = [t for t in tokens if t.start >= run_s + len(first)]
    if not after or after[0].start != run_s + len(first):
        return None  # the analyser read the surname and the next kanji as one word
    return len(first) if all(t.person or len(t.surface) == 1 for t in after) else None


def _company_before(prefix: str, words: tuple[str, ...]) -> bool:
    prefix = prefix.rstrip()
    return any(prefix.endswith(w) for w in words)


def _full_name(group: list[Token]) -> bool:
    kinds = {t.person for t in group}
    return "姓" in kinds and "名" in kinds


def _tag(group: list[Token]) -> str:
    """What the analyser said, for --explain: 人名-姓+名, 人名-一般・人名-一般 …"""
    return "+".join(dict.fromkeys(f"人名-{t.person}" for t in group if t.person))
