"""Names in the line shapes call centres write: list entries, attendee lists, a memo's last line.

The cue-word stage (analyser.py) finds a name beside a word (担当, より, です). Three shapes have
no such word, only their layout:

* a numbered or bulleted list of customers, one per line, the name first and a phone number
  after it: "3. 恩田 将平 080-6569-…", "・谷 継人　03(3902)7…", "・メンドーサ・ホセ　090-…";
* an attendee list: 「出席：寺山、青木、前田、高橋」 (参加者, 出席者 too; its words join the
  engine's trigger scan as cues, analyser.py);
* a chat log's turn that is a name alone ("[10:02] ゲスト: 岡本淳"), the answer to "お名前を…";
* a label and a name in brackets ("（書き起こし：佐藤）", "（入力：林 京助）"), the analyser reading
  every part as a name;
* a hand-over in brackets ("（佐藤⇒小林へ）", "（山田から松田へ）"), the analyser reading each
  name as one (（東京→大阪） stays two places);
* a chat export's speaker line, a name alone and the time of the post ("山下  11:34"), the
  analyser reading every part as a name;
* a memo signed with a name alone on its last line ("長谷川", "よろしく。関口"), and a
  signature's name alone on a line above its contact lines ("経理部⏎渡辺和也⏎〒930-…") or
  above a line that is a phone number alone ("中村 陽一⏎090-…", the analyser reading a name).

The shapes are data (``lines:`` in the ``prose:`` section of rules/person.yaml); a name is a
name when the analyser tags every token of it as a person, or, in a list entry or an attendee
list (where the layout already says "people"), when it starts with a dictionary surname;
foreign names in katakana are two or more katakana words joined by ・ or a space. In a list
entry a bare 10- or 11-digit phone number right after the name is a phone (the name is its
context: 「野村 明美　0467438462」).

Cost: one regex search per segment for list entries, anchored on a line break; a match at
each attendee word the trigger scan found; one at the end of the segment for the last line.
The analyser runs only on the few names those select (cached by name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from dlp.detect.names import load_names, not_names
from dlp.detect.normalise import normalise_text
from dlp.detect.prose_names import Analyser, Token
from dlp.model import Confidence, Finding

_KATAKANA_WORD = re.compile("[ァ-ヴ][ァ-ヴー]+")
_KANJI = re.compile("[一-龥々ヶ〆]+")
_GIVEN = re.compile("[一-龥々ヶ〆ぁ-ゖ]+")
_KANJI_KANA = re.compile("[一-龥々ヶ〆]{1,4}[ぁ-ゖ]{2,3}子?")
_SHORT_GIVEN = re.compile("[一-龥々]{1,3}|[ぁ-ゖ]{2,3}子?")
# The minutes of a time at the end of a line (山下  11:34, 9:05 AM): where a speaker line may be.
_TIME_AT_LINE_END = re.compile(":[0-9]{2}(?: ?[AaPp][Mm])?[ \t\u3000\r]*(?=\n|\\Z)")
# What ends a title, a unit or a place, not a given name (部長, 主任, 課, 店, 市).
_TITLE_END = frozenset("長任員部課係室店社様殿氏君屋家所局院市町村区県")


@dataclass(frozen=True)
class LineShapes:
    """The ``lines:`` part of the ``prose:`` section: one regex per shape, each with a ``name``
    group (``names`` for an attendee list, split on ``separators``) and, for list entries,
    an optional ``phone`` group."""

    item: re.Pattern[str] | None  # anchored after a line break (the first line: matched at 0)
    item_first: re.Pattern[str] | None
    signature: re.Pattern[str] | None  # a whole line: the name alone
    line_rules: tuple[str, ...]  # rules triggered by list entries' lines instead of their digits
    signature_next: tuple[str, ...]  # what the next line starts with (〒, TEL …)
    attendee_words: tuple[str, ...]
    attendees: re.Pattern[str] | None
    separators: re.Pattern[str]
    last_line: re.Pattern[str] | None
    chat_turn: re.Pattern[str] | None = None  # a chat turn that is a name alone (anchored after \n)
    signature_phone: re.Pattern[str] | None = None  # a line that is a phone number (anchored after \n)
    # A label and a name in brackets (（書き起こし：佐藤）): one regex per opening bracket, so that
    # each starts with a literal (sre then skips to it; a class of both costs ten times more).
    bracket_labels: tuple[re.Pattern[str], ...] = ()
    # A chat export's speaker line: a name alone and the time of the post (山下  11:34), a whole
    # line (matched from the start of each line that ends with a time, _TIME_AT_LINE_END).
    speaker: re.Pattern[str] | None = None
    # A hand-over in brackets, from one staff member to another (（佐藤⇒小林へ）, （山田から松田へ）):
    # what follows one of bracket_opens, with a ``name`` and a ``name2`` group.
    handovers: tuple[re.Pattern[str], ...] = ()

    @property
    def contact_line(self) -> re.Pattern[str]:
        """A line break followed by a contact label (signature_next)."""
        return _contact_line(self.signature_next)

    @property
    def parts(self) -> re.Pattern[str]:
        """One attendee between separators, without the spaces around it (group 1)."""
        return _parts(self.separators.pattern)

    @classmethod
    def parse(cls, raw: dict[str, Any] | None, source: str) -> LineShapes | None:
        if not raw:
            return None

        def rx(key: str, prefix: str = "") -> re.Pattern[str] | None:
            value = raw.get(key)
            if value is None:
                return None
            try:
                return re.compile(prefix + str(value))
            except re.error as e:
                raise ValueError(f"{source}: prose.lines.{key}: {e}") from e

        # A literal line break first: sre then skips to each one instead of trying every position.
        return cls(
            rx("item", "\n"),
            rx("item"),
            rx("signature"),
            tuple(str(r) for r in raw.get("line_rules") or ()),
            tuple(str(w) for w in raw.get("signature_next") or ()),
            tuple(str(w) for w in raw.get("attendee_words") or ()),
            rx("attendees"),
            re.compile(str(raw.get("separators", "[、,，]"))),
            rx("last_line"),
            rx("chat_turn", "\n"),
            rx("signature_phone", "\n"),
            _bracket_labels(raw, source),
            rx("speaker"),
            _bracket_labels(raw, source, "handover"),
        )


class LineNames:
    """Finds the names of the three line shapes in one segment's text (original, not
    normalised: offsets are the segment's); the analyser is passed in by the caller."""

    def __init__(self, shapes: LineShapes) -> None:
        self.shapes = shapes
        self._stop = not_names()
        self._cache: dict[tuple[str, bool], bool] = {}

    def spans(
        self, text: str, analyser: Analyser
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
        """(name spans, phone spans, list entries' lines) in ``text``."""
        names: list[tuple[int, int]] = []
        phones: list[tuple[int, int]] = []
        items: list[tuple[int, int]] = []
        shapes = self.shapes
        if shapes.item is not None and shapes.item_first is not None:
            first = shapes.item_first.match(text)
            for m in (first, *shapes.item.finditer(text)) if first else shapes.item.finditer(text):
                end = text.find("\n", m.end())
                items.append((m.start(), len(text) if end < 0 else end))
                s, e = m.span("name")
                if self._is_name(m.group("name"), analyser, listed=True):
                    names.append((s, e))
                    if "phone" in m.re.groupindex and m.start("phone") >= 0:
                        phones.append(m.span("phone"))
        if shapes.signature is not None:
            names.extend(self._signatures(text, analyser, phones))
        if shapes.chat_turn is not None:
            for m in shapes.chat_turn.finditer(text):
                if self._is_name(m.group("name"), analyser, listed=False):
                    names.append(m.span("name"))
        if shapes.speaker is not None:
            names.extend(self._speakers(text, analyser))
        for regex in shapes.handovers:
            for m in regex.finditer(text):
                # Both must read as names: （長野から松本へ） is a trip, though 松本 alone is a surname.
                if all(self._handed(m.group(g), analyser) for g in ("name", "name2")):
                    names += [m.span("name"), m.span("name2")]
        for regex in shapes.bracket_labels:
            for m in regex.finditer(text):
                if self._is_name(m.group("name"), analyser, listed=False):
                    names.append(m.span("name"))
        if shapes.last_line is not None:
            tail = text.rstrip()
            last = shapes.last_line.search(tail, max(0, len(tail) - 40))
            if last is not None and self._is_name(last.group("name"), analyser, listed=False):
                names.append(last.span("name"))
        return names, phones, items

    def _speakers(self, text: str, analyser: Analyser) -> list[tuple[int, int]]:
        """Speaker lines (山下  11:34): the lines that end with a time are found first (a regex with
        a literal colon first; the speaker pattern tried after every line break cost most of
        this stage), then each is matched whole."""
        speaker = self.shapes.speaker
        assert speaker is not None
        out = []
        for t in _TIME_AT_LINE_END.finditer(text):
            at = t.start()
            start = text.rfind("\n", max(0, at - 24), at) + 1
            if start == 0 and at > 24:
                continue  # a long line: no name alone before its time
            m = speaker.fullmatch(text, start, t.end())
            if m is not None and self._is_name(m.group("name"), analyser, listed=False):
                out.append(m.span("name"))
        return out

    def _signatures(self, text: str, analyser: Analyser, phones: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Names alone on the line above a contact line: the contact lines are found first (a
        regex with a literal line break first; trying the name after every line break costs
        several times more). A bare phone number on the line below a full name is that person's
        (``phones``: 中村 陽一⏎0246705864, LOW without a context word, is MEDIUM)."""
        signature = self.shapes.signature
        assert signature is not None
        out: list[tuple[int, int]] = []
        # After a contact label (〒, TEL) the layout says "signature": a dictionary surname will
        # do. Above a bare phone number it says less: the analyser must read a full name (as
        # for a last line, and a given name too), so that 本社⏎03-… or 松本⏎0263-… stay places.
        lines = [(c.start(), c.start(), True) for c in self.shapes.contact_line.finditer(text)]
        if self.shapes.signature_phone is not None:
            lines += [(c.start(), c.end(), False) for c in self.shapes.signature_phone.finditer(text)]
        for at, end, listed in lines:
            start = text.rfind("\n", max(0, at - 20), at) + 1
            if start > 0 or at < 20:
                m = signature.fullmatch(text, start, at)
                if m is None or not self._is_name(m.group("name"), analyser, listed=listed):
                    continue
                if listed or _full_name(m.group("name"), analyser):
                    out.append(m.span("name"))
                    if not listed:
                        number = text[at + 1 : end].rstrip(" \t\u3000\r")
                        phones.append((at + 1, at + 1 + len(number)))
        return out

    def attendees_at(self, text: str, pos: int, analyser: Analyser) -> list[tuple[int, int]]:
        """The names of an attendee list whose word (出席, 参加者) the engine's trigger scan
        found at ``pos``: the word joins that scan, so no text is searched twice."""
        shapes = self.shapes
        m = shapes.attendees.match(text, pos) if shapes.attendees is not None else None
        if m is None:
            return []
        names = m.group("names")
        if "さん" in names or "様" in names:
            return []  # 佐藤さん、山下さん: each name has its honorific, the honorific rule has them
        is_name = self._is_name
        return [
            part.span(1)
            for part in shapes.parts.finditer(text, *m.span("names"))
            if is_name(part.group(1), analyser, listed=True)
        ]

    def full_name(self, value: str, analyser: Analyser) -> bool:
        """A name and a full one: kanji read as a surname and a given name (every token a name), or
        katakana words of which one the analyser reads as a name (グエン・ティ・ラン)."""
        norm = normalise_text(value)
        if all(_KATAKANA_WORD.fullmatch(p) for p in re.split("[ ・]", norm) if p):
            return self._is_name(value, analyser, listed=True) and bool(re.search("[ ・]", norm))
        return self._is_name(value, analyser, listed=False) and _full_name(value, analyser)

    def _handed(self, value: str, analyser: Analyser) -> bool:
        """One side of a hand-over: a name the analyser reads, or a one-kanji dictionary surname (林)."""
        if len(value) == 1:
            return self._is_name(value, analyser, listed=True)
        return self._is_name(value, analyser, listed=False)

    def is_name(self, value: str, analyser: Analyser) -> bool:
        """A name outside a list: the analyser reads every part as one, or a dictionary surname
        and a given name (the test of a last line)."""
        return self._is_name(value, analyser, listed=False)

    def _is_name(self, value: str, analyser: Analyser, *, listed: bool) -> bool:
        key = (value, listed)
        known = self._cache.get(key)
        if known is None:
            known = self._cache[key] = self._judge(value, analyser, listed)
            if len(self._cache) > 20_000:
                self._cache.clear()
        return known

    def _surname_and_given(self, parts: list[str], compact: str, analyser: Analyser) -> bool:
        """Outside a list, a name the analyser does not read whole still counts when it is a
        dictionary surname of two or more characters and a given name: a dictionary one, or
        1-3 kanji the analyser splits into single characters or reads as a name (大門次信,
        長山 重平); not a word (松本商事) and not a title or a unit (山田部長, 中村店)."""
        names = load_names()
        if len(parts) == 2:
            surname, given = parts
            if surname not in names.surnames:
                return False
        else:
            first = names.surname_prefix(compact)
            if first is None:
                return False
            surname, given = first, compact[len(first) :]
        if len(surname) < 2 or not given:
            return False
        if names.is_given_name(given):
            return True
        if _SHORT_GIVEN.fullmatch(given) is None or given[-1] in _TITLE_END or given in self._stop:
            return False
        tokens = [t for t in _tokens(analyser, given) if t.surface.strip()]
        return bool(tokens) and all(t.person or len(t.surface) == 1 for t in tokens)

    def _judge(self, value: str, analyser: Analyser, listed: bool) -> bool:
        norm = normalise_text(value)
        compact = norm.replace(" ", "").replace("・", "")
        if not compact or compact in self._stop or len(compact) > 12:
            return False
        parts = [p for p in re.split("[ ・]", norm) if p]
        if all(_KATAKANA_WORD.fullmatch(p) for p in parts):
            # Foreign names, only in a list: two or more katakana words of which one the
            # analyser reads as a person's name (シン・アルジュン: アル+ジュン; not カスタマー
            # サポート), or one word that is a dictionary reading (スズキ).
            if not listed or any(p in self._stop for p in parts):
                return False
            if len(parts) == 1:
                return parts[0] in load_names().surnames
            return any(all(t.person for t in _tokens(analyser, p)) for p in parts)
        if len(parts) > 2 or not (_KANJI.fullmatch(parts[0]) or (len(parts) == 1 and _KANJI_KANA.fullmatch(parts[0]))):
            return False  # kanji, or kanji then a given name in hiragana (中村くみ子) written together
        if len(parts) == 2 and not _GIVEN.fullmatch(parts[1]):  # 明美, あすか, くみ子
            return False
        tokens = [t for t in _tokens(analyser, norm) if t.surface.strip()]
        if tokens and all(t.person for t in tokens) and any(t.person == "姓" for t in tokens):
            return len(compact) >= 2 or listed
        if not listed:
            return self._surname_and_given(parts, compact, analyser)
        names = load_names()
        surname = parts[0]
        if len(parts) == 2:
            return surname in names.surnames and len(surname) <= 4 and len(parts[1]) <= 4
        if compact in names.surnames:
            return True  # 境, 三木: one surname in an attendee list
        first = names.surname_prefix(compact)
        if first is None or len(first) < 2:
            return False
        rest = compact[len(first) :]
        if names.is_given_name(rest):
            return True
        # 佐藤七夏, 加藤くみ子: a surname and a short given name the dictionary lacks, which the
        # analyser reads as a name or splits into single characters; not a word (山田商事) and
        # not a title or a unit (山田部長, 高橋課, 中村店).
        if _SHORT_GIVEN.fullmatch(rest) is None or rest[-1] in _TITLE_END or rest in self._stop:
            return False
        after = [t for t in _tokens(analyser, compact) if t.start >= len(first)]
        return bool(after) and after[0].start == len(first) and all(t.person or len(t.surface) == 1 for t in after)


def _bracket_labels(raw: dict[str, Any], source: str, key: str = "bracket_label") -> tuple[re.Pattern[str], ...]:
    """``key`` (what follows the opening bracket) after each of ``bracket_opens``."""
    body = raw.get(key)
    if body is None:
        return ()
    try:
        return tuple(re.compile(re.escape(str(o)) + str(body)) for o in raw.get("bracket_opens") or ("（", "("))
    except re.error as e:
        raise ValueError(f"{source}: prose.lines.{key}: {e}") from e


@lru_cache(maxsize=8)
def _contact_line(labels: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("\n(?:" + "|".join(map(re.escape, labels)) + ")" if labels else "(?!)")


@lru_cache(maxsize=8)
def _parts(separators: str) -> re.Pattern[str]:
    body = separators[1:-1] if separators.startswith("[") and separators.endswith("]") else re.escape(separators)
    item = f"[^{body}\\n \u3000]"
    return re.compile(f"[ \u3000]*({item}(?:[^{body}\\n]*{item})?)")


def _full_name(value: str, analyser: Analyser) -> bool:
    """A surname and a given name: two words, the analyser reading a 姓 and a 名, or a
    dictionary surname of two or more characters with more after it (大門次信)."""
    norm = normalise_text(value).strip()
    if " " in norm:
        return True
    kinds = {t.person for t in _tokens(analyser, norm)}
    if "姓" in kinds and "名" in kinds:
        return True
    first = load_names().surname_prefix(norm)
    return first is not None and 2 <= len(first) < len(norm)


def _tokens(analyser: Analyser, text: str) -> list[Token]:
    try:
        return analyser.tokens(text)
    except (UnicodeError, RuntimeError, ValueError):
        return []


def raise_phones(findings: list[Finding], phones: list[tuple[int, int]], offset: int) -> list[Finding]:
    """A list entry's bare phone number (LOW without a context word) is MEDIUM: the customer's
    name right before it on the line is the context."""
    if not phones:
        return findings
    wanted = {(offset + s, offset + e) for s, e in phones}
    return [
        replace(f, confidence=Confidence.MEDIUM)
        if f.type == "PHONE" and f.confidence < Confidence.MEDIUM and (f.start, f.end) in wanted
        else f
        for f in findings
    ]
