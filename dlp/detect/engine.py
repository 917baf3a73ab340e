"""Run compiled rules over Segments: where each rule is applied.

Candidates first, normalisation only around them. Cheap scans over the original text find
triggers: runs of digits (full- or half-width, with separators) long enough for some rule, and
the rules' trigger words (様, 住所, 生年月日, 東京都, @ …; for rules that need context, their
context words). In tables, a column whose header is one of a rule's context words triggers that
rule on each of its cells. Each rule gets windows around its own triggers; only the regions
around windows are normalised (NFKC, dash folding, CJK line joins, with an offset map), and each
rule runs its patterns only inside its windows. Then: validator, context, exclusions, the
rule's own allow list, confidence, masking and a keyed fingerprint. A value on a policy's allow
list is reported and marked (``Finding.allowed_by``): the policy that decides leaves it out.
"""

from __future__ import annotations

import gc
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import accumulate, repeat
from operator import add, itemgetter

from dlp.detect import exclusions
from dlp.detect.allow import AllowList, value_allowed
from dlp.detect.analyser import ProseConfig, ProseNames
from dlp.detect.blocks import Block, find_blocks, might_hold_tables
from dlp.detect.business import mark_business, may_be_business_table
from dlp.detect.extent import forward_extent
from dlp.detect.leftover import Leftover, Piece
from dlp.detect.normalise import (
    DIGIT_SOURCE_RE,
    IGNORABLE_BMP_CLASS,
    IGNORABLE_RE,
    Normalised,
    has_astral_ignorable,
    has_ignorable,
    normalise,
    normalise_text,
)
from dlp.detect.prefilter import cannot_hold, lead_guard, needs_digit, required_words, search_regex
from dlp.detect.profile import ColumnResult, Profiler, TableFindings
from dlp.detect.prose_lines import raise_phones
from dlp.detect.rules import Pattern, Rule, RuleSet, Words
from dlp.detect.tables import SplitRows, cell_spans, header_of, row_index
from dlp.detect.values import fingerprint
from dlp.detect.wordlist import case_variants, trie_regex
from dlp.model import Confidence, Dropped, Explanation, Finding, Segment, Table

# Digits a reader takes for 0-9 and NFKC folds to them one for one: full-width, superscript,
# subscript, circled (①, ⓪). Mathematical digits (𝟎-𝟿) are astral: a class with astral members
# is slow, so they are looked for only in text that holds astral characters (_ASTRAL_DIGIT).
_DIGIT = "0-9\uff10-\uff19\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea"
_ASTRAL_DIGIT = "\U0001d7ce-\U0001d7ff"
# Separators that may sit between the digits of one number, before normalisation (の: a number
# read out on the phone and typed as heard, 070の9979の4112; no-break, thin and other spaces NFKC
# folds to " ": &nbsp; between the groups of an HTML export).
_SEP = (
    " \u3000\t.\uff0e()\uff08\uff09/\uff0f+\uff0b\\-\u306e\u00a0\u2000-\u200a\u202f\u205f"
    "\u2010-\u2015\u2212\u2043\u02d7\u058a\ufe63\uff0d\u30fc\uff70\u2500\u2501"
)
# Characters a context word may be from the region's edge, beyond the rule's own windows.
_SLACK = 8
# Windows of one rule closer than this are scanned as one (fewer regex calls, same result).
_GAP = 96
# Column types that make a table a list of people, whatever its other headers say.
_PEOPLE_COLUMNS = frozenset({"PERSON", "BIRTH_DATE", "MY_NUMBER", "CREDIT_CARD", "BANK_ACCOUNT"})
_LEVELS = (Confidence.LOW, Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH)
_ANY_DIGIT = re.compile(r"\d")  # Unicode Nd, as prefilter.needs_digit counts digits
_PROSE = -1  # trigger index of the analyser stage's cue words
# Runs of first characters in the trigger regex (wordlist.trie_regex): 234 first characters,
# 6 runs scan the office mix 8 % faster than 4 (0.085 -> 0.078 s), 12 or more slower again.
# Behind prefilter.lead_guard (239 first characters) few positions reach the runs: 4 to 8 runs
# scan alike (0.040-0.042 s).
_TRIE_GROUPS = 6
# A document table this small with no header and no column of a known kind is a box laid out in
# cells (a letterhead, an お振込先 box), read as text.
_BOX_ROWS = 12
# Rows from which a table's context-word columns are first checked against the characters of
# the rule's required words (a short table: its cells are few, the check not worth it).
_LONG_TABLE = 500
# Windows of one rule in a segment from which each region is first checked for its words.
_MANY_WINDOWS = 64
# A trigger found: ((start, end), indexes of the rules it triggers).
_Hit = tuple[tuple[int, int], tuple[int, ...]]
_HIT_START = itemgetter(0)


def digit_run_re(digits: str, least: int) -> re.Pattern[str]:
    """Runs of at least ``least`` digits (of the class ``digits``), up to two separators apart.

    Looked for only from a run's first digit: a digit with a digit up to two separators before
    it continues a run that was tried already, and the run from there is a tail of that one
    (digits and separators are apart, so a run goes one way only): it has fewer digits, and
    when the whole run was too short so is its tail. The same matches as without the
    lookbehinds, without trying again from each digit of a short run (every date of a column
    of 2025/03/04 was tried eight times)."""
    d, sep = f"[{digits}]", f"[{_SEP}]"
    start = f"(?<!{d})(?<!{d}{sep})(?<!{d}{sep}{sep})"
    # sre finds no first characters behind the lookbehinds: search_regex gives it the digits
    return search_regex(re.compile(f"{start}{_digit_run(digits, least)}"))


def _digit_run(digits: str, least: int) -> str:
    """A run of at least ``least`` digits, up to two separators apart: the same matches as
    ``[d](?:[sep]{0,2}[d]){least-1,}``, found with less work. Digits and separators are apart,
    so from a digit the run goes one way only: a lookahead first checks that the next
    ``least - 1`` characters are all digits or separators (one tight class loop: most digits of
    a text are in dates and amounts, shorter than that), and nothing is tried again on a short
    run (possessive: each step can match one way only). Office mix: the text scan 0.022 ->
    0.016 s, every run the same (spelling the first digits out was no faster, and slower to
    compile)."""
    d, sep = f"[{digits}]", f"[{_SEP}]"
    return f"{d}(?=[{digits}{_SEP}]{{{least - 1}}})(?:{sep}{{0,2}}+{d}){{{least - 1},}}+"


@dataclass(frozen=True, slots=True)
class _Judgement:
    shift: int  # the refined value is value[shift:keep]
    keep: int
    verdict: bool | None
    canonical: str
    allowed: bool  # on the rule's own allow list: dropped
    allowed_by: frozenset[str]  # the policies' allow lists the value is on (dlp/detect/allow.py)
    masked: str
    fingerprint: str


_JUDGEMENT_CACHE = 50_000
_ON_NO_LIST: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Plan:
    """Per rule, what the engine precomputes once."""

    index: int
    rule: Rule
    # (pattern, number of its value group, the regex to search with: prefilter.py)
    scan_patterns: tuple[tuple[Pattern, int, re.Pattern[str]], ...]
    cell_patterns: tuple[tuple[Pattern, int], ...]
    before: int  # window around a trigger, in original characters
    after: int
    reach: int  # how far a match may run past its window
    scan_reach: int  # how far past its window the rule's patterns are run (extent.py): <= reach
    margin_before: int  # extra region needed for context and exclusion words
    margin_after: int
    digits: bool  # every scan pattern needs a digit (prefilter.needs_digit); no cell patterns
    # Words one of which every match of a scan pattern holds (prefilter.required_words), None
    # when unknown: a region holding none of them is not searched in any of the rule's windows.
    words: frozenset[str] | None
    words_re: re.Pattern[str] | None  # the words as one regex (one scan of a region, not one per word)


class Engine:
    """Compiled once per rule set; ``detect`` is called for every segment."""

    def __init__(
        self,
        ruleset: RuleSet,
        key: bytes,
        *,
        keep_values: bool = False,
        explain: bool = False,
        allow_lists: Iterable[AllowList] = (),
        listed_findings: int = 1000,
    ) -> None:
        self.rules: tuple[Rule, ...] = ruleset.rules
        self.key = key
        # The policies' allow lists: values on them are reported, marked, and left to the policy.
        self.allow_lists = tuple(a for a in allow_lists if a)
        self._dropped: list[Dropped] | None = None  # the current segment's, with --explain only
        self.keep_values = keep_values
        self.explain = explain
        self.plans = tuple(_plan(i, r) for i, r in enumerate(self.rules))
        # Names in running text (analyser.py), configured by a rule file's ``prose:`` section. Its
        # list-entry lines also trigger the rules it names (prose.lines.line_rules), instead of
        # their own digit trigger: an address after a phone is looked for on list entries only,
        # not around every long number (~6 % of the engine on the office mix).
        read = ruleset.prose  # the section as load_rules read it; a RuleSet made otherwise: its files
        prose = ProseConfig.parse(*read) if read is not None else ProseConfig.from_files(ruleset.files)
        line_ids = set(prose.lines.line_rules) if prose is not None and prose.lines is not None else set()
        self._line_rules = tuple(i for i, r in enumerate(self.rules) if r.id in line_ids)
        own = [r.trigger_digits for i, r in enumerate(self.rules) if r.trigger_digits and i not in self._line_rules]
        thresholds = sorted(set(own))
        self._digit_thresholds = thresholds
        self._digit_rules = {
            t: tuple(
                i
                for i, r in enumerate(self.rules)
                if r.trigger_digits and r.trigger_digits <= t and i not in self._line_rules
            )
            for t in thresholds
        }
        self._digit_re = re.compile(_digit_run(_DIGIT, thresholds[0])) if thresholds else None
        self._wide_digit_re = re.compile(_digit_run(_DIGIT + _ASTRAL_DIGIT, thresholds[0])) if thresholds else None
        # The same runs looked for from a run's first digit only: for a table's cells (a column
        # of dates), not for text, where the lookbehinds at each digit cost more than they save.
        self._cell_digit_re = digit_run_re(_DIGIT, thresholds[0]) if thresholds else None
        self._wide_cell_digit_re = digit_run_re(_DIGIT + _ASTRAL_DIGIT, thresholds[0]) if thresholds else None
        word_rules: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for word in rule.trigger_words:
                for variant in _variants(word):
                    rules = word_rules.setdefault(variant, [])
                    if i not in rules:
                        rules.append(i)
        # The prose stage's cue words join the one trigger scan.
        self.prose = ProseNames(prose, key, keep_values=keep_values, explain=explain) if prose else None
        if self.prose is not None:
            self.prose.add_cues(word_rules, _variants, _PROSE)
        self._word_rules = {w: tuple(r) for w, r in word_rules.items()}
        # A trie-shaped regex (1.6x faster than a flat alternation in sre), and no IGNORECASE
        # (20x slower on Japanese text): case variants are listed instead.
        # Behind a lookahead on the first three characters (prefilter.lead_guard): most
        # positions that start with a trigger's first character go no further.
        trie = trie_regex(self._word_rules, groups=_TRIE_GROUPS)
        self._word_re = search_regex(re.compile(lead_guard(self._word_rules) + trie)) if self._word_rules else None
        # The same scan also looks for characters no reader sees (a second pass over every text
        # otherwise): exact while no word holds one, so that none can hide inside a word. They
        # pass the same lookahead (3 ms less on the office mix than a branch after it).
        guard = lead_guard(self._word_rules, also=IGNORABLE_BMP_CLASS)
        self._word_unseen_re = (
            search_regex(re.compile(f"{guard}(?:{trie}|(?P<unseen>{IGNORABLE_BMP_CLASS}))"))
            if self._word_rules and not any(has_ignorable(w) for w in self._word_rules)
            else None
        )
        self.business = ruleset.business
        self._header_cache: dict[tuple[int, str], tuple[bool, bool]] = {}
        self._apart: dict[str, bool] = {}  # delimiter -> whether triggers never cross it
        self._judgements: dict[tuple[int, str, str, int, int], _Judgement] = {}
        self._profiler = (
            Profiler(
                ruleset.columns,
                {r.id: r for r in self.rules},
                lambda data_type, canonical: fingerprint(self.key, data_type, canonical),
                self._allowed,
                self.allowed_by,
                self.allow_kinds,
                explain=explain,
                keep_values=keep_values,
                listed=frozenset(r.type for r in self.rules if self.lists_cover(r.type)),
                listed_findings=listed_findings,
            )
            if ruleset.columns is not None
            else None
        )

    # --- candidates ----------------------------------------------------------------------------

    def _triggers(
        self, segment: Segment, rows: _Rows | None, leftover: Leftover | None = None
    ) -> tuple[dict[int, list[tuple[int, int]]], dict[int, list[tuple[int, int]]]]:
        """Trigger spans per rule index, and cell spans per rule index (tables only). With a
        table's ``leftover``, the triggers are looked for in its untaken cells only (the same
        matches as in its blanked text: Engine._keeps_apart), put back in text order."""
        if leftover is None:
            text = segment.text
            spans = self._text_spans(text)
        else:
            pieces = leftover.pieces()
            digit_hits: list[_Hit] = []
            word_hits: list[_Hit] = []
            for piece in pieces:
                distinct = list(dict.fromkeys(piece.cells)) if piece.column >= 0 else piece.cells
                if 2 * len(distinct) <= len(piece.cells):
                    self._repeated_hits(leftover, piece, distinct, digit_hits, word_hits)
                    continue
                digits, words = self._hits(piece.text)
                for hits, found in ((digit_hits, digits), (word_hits, words)):
                    for (s, e), rules in found:
                        shift = leftover.shift(piece, s)
                        hits.append(((s + shift, e + shift), rules))
            digit_hits.sort(key=_HIT_START)
            word_hits.sort(key=_HIT_START)
            spans = self._spans(digit_hits, word_hits)
            text = leftover.chars(pieces)
        cells = self._column_cells(rows, text) if rows is not None else {}
        return spans, cells

    def _repeated_hits(
        self, leftover: Leftover, piece: Piece, distinct: list[str], digit_hits: list[_Hit], word_hits: list[_Hit]
    ) -> None:
        """The triggers of a column whose values repeat (性別, a date, a few notes written
        again and again): each value is scanned once, and its triggers are put at each cell
        that holds it (a match lies in one cell and depends on that cell alone)."""
        starts = [0, *accumulate(map(add, map(len, distinct[:-1]), repeat(1)))]
        digits, words = self._hits("\n".join(distinct))
        per_value: dict[int, list[tuple[list[_Hit], tuple[int, int], tuple[int, ...]]]] = {}
        for hits, found in ((digit_hits, digits), (word_hits, words)):
            for (s, e), rules in found:
                k = bisect_right(starts, s) - 1
                per_value.setdefault(k, []).append((hits, (s - starts[k], e - starts[k]), rules))
        if not per_value:
            return
        index = {value: k for k, value in enumerate(distinct)}
        which = list(map(index.__getitem__, piece.cells))
        for j in [j for j, k in enumerate(which) if k in per_value]:
            at = leftover.cell_start(piece.rows[j], piece.column)
            for hits, (s, e), rules in per_value[which[j]]:
                hits.append(((at + s, at + e), rules))

    def _visible(self, text: str) -> tuple[str, list[re.Match[str]] | None, _Invisible | None]:
        """(the text as a reader sees it, the trigger words found when that is ``text``, the
        way back to ``text`` when characters no reader sees were taken out)."""
        words: list[re.Match[str]] | None = None
        unseen: _Invisible | None = None
        if self._word_unseen_re is not None:
            words = list(self._word_unseen_re.finditer(text))
            if any(m.lastgroup for m in words) or has_astral_ignorable(text):
                words = None
        if words is None:
            unseen = _Invisible.of(text)
            if unseen is not None:  # triggers are looked for as a reader sees the text
                text = unseen.text
        return text, words, unseen

    def _text_spans(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """Trigger spans per rule index in a text: the digit runs' first, then the words'. With
        the cyclic garbage collector paused (as for a table, _detect_table): a text's thousands
        of matches and spans hold no cycle, and the collections they woke walked the matches
        kept so far to free nothing (~0.019 of the scan's ~0.095 s on the office mix)."""
        if not gc.isenabled():
            return self._text_spans_now(text)
        gc.disable()
        try:
            return self._text_spans_now(text)
        finally:
            gc.enable()

    def _text_spans_now(self, text: str) -> dict[int, list[tuple[int, int]]]:
        spans: dict[int, list[tuple[int, int]]] = {}
        text, words, unseen = self._visible(text)
        if self._digit_re is not None and self._wide_digit_re is not None:  # both or neither (thresholds)
            thresholds = self._digit_thresholds
            single = len(thresholds) == 1
            # CPython stores a str with an astral character in 4 bytes per character (O(1) test).
            digit_re = self._wide_digit_re if sys.getsizeof(text) > 4 * len(text) else self._digit_re
            for m in digit_re.finditer(text):
                span = m.span()
                if single:
                    rules = self._digit_rules[thresholds[0]]
                else:
                    count = sum(map(str.isdigit, m.group()))
                    rules = self._digit_rules[thresholds[bisect_right(thresholds, count) - 1]]
                for i in rules:
                    spans[i].append(span) if i in spans else spans.__setitem__(i, [span])
        if self._word_re is not None:
            word_rules = self._word_rules
            for m in words if words is not None else self._word_re.finditer(text):
                span = m.span()
                for i in word_rules[m.group()]:
                    spans[i].append(span) if i in spans else spans.__setitem__(i, [span])
        if unseen is not None:
            spans = {i: [unseen.span(s, e) for s, e in rule_spans] for i, rule_spans in spans.items()}
        return spans

    def _hits(self, text: str) -> tuple[list[_Hit], list[_Hit]]:
        """((start, end), rule indexes) of the digit runs and of the trigger words in a table's
        cells joined (Leftover.pieces), each in text order: as _text_spans finds them, digit
        runs looked for from their first digit only (digit_run_re: a column of dates)."""
        text, words, unseen = self._visible(text)
        digit_hits: list[_Hit] = []
        if self._cell_digit_re is not None and self._wide_cell_digit_re is not None:
            thresholds = self._digit_thresholds
            wide = sys.getsizeof(text) > 4 * len(text)
            digit_re = self._wide_cell_digit_re if wide else self._cell_digit_re
            if len(thresholds) == 1:
                rules = self._digit_rules[thresholds[0]]
                digit_hits = [(m.span(), rules) for m in digit_re.finditer(text)]
            else:
                for m in digit_re.finditer(text):
                    count = sum(map(str.isdigit, m.group()))
                    digit_hits.append((m.span(), self._digit_rules[thresholds[bisect_right(thresholds, count) - 1]]))
        word_hits: list[_Hit] = []
        if self._word_re is not None:
            word_rules = self._word_rules
            found = words if words is not None else self._word_re.finditer(text)
            word_hits = [(m.span(), word_rules[m.group()]) for m in found]
        if unseen is not None:
            digit_hits = [(unseen.span(s, e), rules) for (s, e), rules in digit_hits]
            word_hits = [(unseen.span(s, e), rules) for (s, e), rules in word_hits]
        return digit_hits, word_hits

    @staticmethod
    def _spans(digit_hits: list[_Hit], word_hits: list[_Hit]) -> dict[int, list[tuple[int, int]]]:
        """Trigger spans per rule index: the digit runs' first, then the words' (rules in order
        of their first span of each), as _text_spans makes them."""
        spans: dict[int, list[tuple[int, int]]] = {}
        for hits in (digit_hits, word_hits):
            for span, rules in hits:
                for i in rules:
                    spans[i].append(span) if i in spans else spans.__setitem__(i, [span])
        return spans

    def _keeps_apart(self, delimiter: str) -> bool:
        """Whether no trigger match can hold ``delimiter`` or a line end (no digit run, trigger
        word or invisible character has one): a table's cells are then scanned apart."""
        cached = self._apart.get(delimiter)
        if cached is None:
            chars = set(delimiter + "\r\n")
            digits = re.compile(f"[{_DIGIT}{_ASTRAL_DIGIT}{_SEP}]")
            cached = not any(
                digits.match(ch) is not None or has_ignorable(ch) or any(ch in w for w in self._word_rules)
                for ch in chars
            )
            self._apart[delimiter] = cached
        return cached

    def _column_cells(self, rows: _Rows, text: str) -> dict[int, list[tuple[int, int]]]:
        """Per rule index, the spans of the cells under a header that is one of its context
        words (not taken by the column pass), in text order; rules in order of their first cell.
        ``text``: the text the rules read (or one holding the same characters)."""
        table = rows.table
        columns: list[tuple[int, int]] = []  # (rule, column)
        for col, header in enumerate(table.header):
            if header:
                for i in range(len(self.rules)):
                    if self.rules[i].trigger_digits and not self.plans[i].cell_patterns:
                        continue  # its digits trigger it in any cell; the header still gives context
                    context, excluded = self._header_match(i, header)
                    if context and not excluded:
                        columns.append((i, col))
        if columns and len(table.row_starts) - rows.data_from >= _LONG_TABLE:
            # A long table's column under a word of a rule no cell can match (性別, a word of
            # the My Number card, over 200,000 customers): its cells are not windows of it.
            hopeless = {i for i in {i for i, _ in columns} if self._cannot_match(i, text)}
            columns = [(i, col) for i, col in columns if i not in hopeless]
        if not columns:
            return {}
        by_column = rows.column_spans({col for _, col in columns})
        if by_column is not None:  # the rows as the column pass split them: a column at once
            cells: dict[int, list[tuple[int, int]]] = {}
            for i, col in columns:
                cells.setdefault(i, []).extend(by_column[col])
            for i, rule_cells in cells.items():
                if len({col for j, col in columns if j == i}) > 1:
                    rule_cells.sort()  # text order, as row by row
            first = {i: rule_cells[0][0] for i, rule_cells in cells.items() if rule_cells}
            return {i: cells[i] for i in sorted(first, key=lambda i: (first[i], i))}
        out: dict[int, list[tuple[int, int]]] = {}
        done = rows.done  # cells the column pass took already (blanked in this text)
        wanted = {col for _, col in columns}
        for row in range(rows.data_from, len(table.row_starts)):
            if done is None:
                todo = columns
            elif wanted <= done[row]:
                continue  # a dense export: every such cell was taken (one set test a row)
            else:
                todo = [(i, col) for i, col in columns if col not in done[row]]
            row_cells = rows.cells(row)
            for i, col in todo:
                if col < len(row_cells) and row_cells[col][1] > row_cells[col][0]:
                    out.setdefault(i, []).append(row_cells[col])
        return out

    def _cannot_match(self, rule_index: int, text: str) -> bool:
        """Whether no normalised region of ``text`` can hold a match of the rule: every match
        holds one of its required words, and no word's characters can be there (exact, from
        the characters the text holds: prefilter.cannot_hold)."""
        plan = self.plans[rule_index]
        return plan.words is not None and not plan.cell_patterns and cannot_hold(text, plan.words)

    def _header_match(self, rule_index: int, header: str) -> tuple[bool, bool]:
        key = (rule_index, header)
        cached = self._header_cache.get(key)
        if cached is None:
            rule = self.rules[rule_index]
            normal = normalise_text(header)
            context = bool(rule.context.regex and rule.context.regex.search(normal))
            excluded = bool(rule.exclude.regex and rule.exclude.regex.search(normal))
            cached = self._header_cache[key] = (context, excluded)
        return cached

    # --- detection -----------------------------------------------------------------------------

    def stands_alone(self, segment: Segment) -> bool:
        """Whether a block of a table is detected the same wherever it is detected: its header,
        given with it, names known columns (no earlier block's header is needed; dlp/fanout.py)."""
        table = segment.table
        return (
            self._profiler is not None
            and segment.kind == "table"
            and table is not None
            and bool(table.header)
            and self._profiler.knows(table.header)
        )

    def list_findings(self, limit: int) -> None:
        """How many findings the caller's tally lists (its max_findings): a column makes findings
        for that many of its cells at most. Set by each scan, as the engine is built once and
        kept while the settings it came from may be copied or changed (a higher limit than the
        one it was built with would cut the listing short)."""
        if self._profiler is not None:
            self._profiler.listed_findings = limit

    def header_state(self) -> object:
        """What the column pass remembers from block to block (the last table's header)."""
        return self._profiler.last_header if self._profiler is not None else None

    def set_header_state(self, state: object) -> None:
        if self._profiler is not None:
            self._profiler.last_header = state  # type: ignore[assignment]

    def detect(self, segment: Segment, *, detail: bool = True) -> list[Finding]:
        """Findings in one segment. With ``detail=False`` (the caller keeps no more findings, it
        only counts) masks and explanations are not computed. With --explain (``explain``) the
        candidates dropped on the way come along as ``TableFindings.dropped``, each with the
        name of its reason (dlp/detect/exclusions.py)."""
        if not self.explain:
            return self._detect_segment(segment, detail)
        self._dropped = []
        try:
            findings = self._detect_segment(segment, detail)
        finally:
            dropped, self._dropped = self._dropped, None
        if dropped:
            if not isinstance(findings, TableFindings):
                table = TableFindings()
                table.extend(findings)
                findings = table
            findings.dropped.extend(dropped)
        return findings

    def _detect_segment(self, segment: Segment, detail: bool) -> list[Finding]:
        """The findings of ``detect``.

        A table is profiled column by column first (dlp/detect/profile.py): the cells of its
        classified columns are checked in bulk and blanked, and the rules below scan the rest."""
        if self._profiler is not None:
            if segment.table is not None:
                return self._detect_table(segment, detail)
            if segment.kind != "name" and might_hold_tables(segment.text):
                blocks = find_blocks(segment, self._profiler.is_header)
                if blocks:
                    return self._detect_blocks(segment, blocks, detail)
        return self._detect(segment, detail)

    def _detect_blocks(self, segment: Segment, blocks: list[Block], detail: bool) -> list[Finding]:
        """Text holding tab- or comma-separated blocks (a list pasted into a mail, an HTML
        table): each block goes through the column pass, the rest of the text as text."""
        assert self._profiler is not None
        out = TableFindings()
        pieces: list[str] = []
        pos = 0
        for block in blocks:
            table = block.segment.table
            assert table is not None
            result = self._profiler.run(block.segment, table, detail=detail)
            if self.explain and any(d.spec is not None for d in result.decisions):
                decided = "; ".join(d.describe() for d in result.decisions)
                out.notes.append(f"columns {segment.locator} (line {table.first_row}): {decided}")
            if result.accepted is None:
                continue  # nothing taken: the block is read as text, as before
            for f in result.findings:
                out.append(f)
                out.kept.add(id(f))
            out.batches.extend(result.batches)
            out.unshown += result.unshown
            for lists, cells in result.unshown_on_lists.items():
                out.unshown_on_lists[lists] = out.unshown_on_lists.get(lists, 0) + cells
            pieces += [segment.text[pos : block.start], result.residual().text]
            pos = block.end
        if not pieces:
            rest = self._detect(segment, detail)
        else:
            pieces.append(segment.text[pos:])
            rest = self._detect(replace(segment, text="".join(pieces)), detail)
        out.extend(rest)
        out.sort(key=lambda f: (f.start, f.end, f.rule))
        return out

    def _detect_table(self, segment: Segment, detail: bool) -> list[Finding]:
        """A table's findings, with the cyclic garbage collector paused throughout (as the
        column pass pauses it, Profiler.run): the rules over the leftover make hundreds of
        thousands of matches, spans and windows on a dense export, none in a cycle, and the
        collector woken by them only walked the live objects to find nothing (0.3-0.4 s of
        200,000 rows)."""
        if not gc.isenabled():
            return self._detect_table_now(segment, detail)
        gc.disable()
        try:
            return self._detect_table_now(segment, detail)
        finally:
            gc.enable()

    def _detect_table_now(self, segment: Segment, detail: bool) -> list[Finding]:
        assert segment.table is not None and self._profiler is not None
        result = self._profiler.run(segment, segment.table, detail=detail)
        table = result.segment.table  # with the header the profiler found (under a title line)
        assert table is not None
        if result.form or (len(table.row_starts) <= _BOX_ROWS and _unread(table, result)):
            # One person's form laid out as label | value rows, or a small document table with
            # no header and no column of any kind (a letterhead, an お振込先 box laid out in
            # cells): read as text, where a supplier's block is told from a customer's data.
            return self._detect(replace(segment, table=None), detail)
        if (
            self.business is not None
            and may_be_business_table(self.business, table)
            and not any(d.spec is not None and d.spec.type in _PEOPLE_COLUMNS for d in result.decisions)
        ):
            return self._detect_business_table(segment, table, result, detail)
        out = TableFindings()
        out.extend(self._detect_leftover(result, detail))
        for f in result.findings:
            out.append(f)
            out.kept.add(id(f))
        out.sort(key=lambda f: (f.start, f.end, f.rule))
        out.batches = result.batches
        out.unshown = result.unshown
        out.unshown_on_lists = result.unshown_on_lists
        if self.explain and result.decisions and result.data_from < len(table.row_starts):  # a header row alone: none
            decided = "; ".join(d.describe() for d in result.decisions)
            out.notes.append(f"columns {segment.locator}: {decided}")
        return out

    def _detect_leftover(self, result: ColumnResult, detail: bool) -> list[Finding]:
        """The rules over what the column pass left of a table: its untaken cells, when its rows
        were split plainly and no trigger can cross its delimiter (leftover.py), else the text
        with the taken cells blanked."""
        leftover = result.leftover
        if leftover is None or not leftover.columnar() or not self._keeps_apart(leftover.table.delimiter):
            return self._detect(result.residual(), detail, result.accepted, result.data_from, split=result.split)
        segment = result.segment
        return self._detect(segment, detail, result.accepted, result.data_from, split=result.split, leftover=leftover)

    def _detect_business_table(
        self, segment: Segment, table: Table, result: ColumnResult, detail: bool
    ) -> list[Finding]:
        """A store or office list (a store header, no column of people): its columns are read
        as in any table (whole cells: 〒 and bare postal codes, addresses without a prefecture),
        then the business check (dlp/detect/business.py) judges the table from all its findings
        at once, so each finding is counted by the tally with its role, not in bulk."""
        assert self._profiler is not None and self.business is not None
        if result.accepted is not None and (not detail or result.unshown):  # each finding is counted here
            result = self._profiler.run(segment, table, detail=True, every=True)
        headed = segment if table is segment.table else replace(segment, table=table)
        rest = self._detect(
            result.residual(), detail, result.accepted, result.data_from, business=False, split=result.split
        )
        findings = self._resolve([*result.findings, *rest])
        mark_business(self.business, headed, findings)
        out = TableFindings()
        out.extend(findings)
        if self.explain and result.decisions and result.data_from < len(table.row_starts):  # a header row alone: none
            decided = "; ".join(d.describe() for d in result.decisions)
            out.notes.append(f"columns {segment.locator}: {decided}")
        return out

    def _detect(
        self,
        segment: Segment,
        detail: bool,
        done: list[set[int]] | None = None,
        data_from: int = 0,
        *,
        business: bool = True,
        split: SplitRows | None = None,
        leftover: Leftover | None = None,
    ) -> list[Finding]:
        rows = _Rows(segment, segment.table, done, data_from, split) if segment.table is not None else None
        spans, cells = self._triggers(segment, rows, leftover)
        cues = spans.pop(_PROSE, None)
        lines: list[Finding] = []
        phones: list[tuple[int, int]] = []
        if self.prose is not None and rows is None:  # list entries, attendee lists, a last line
            lines, phones, items = self.prose.find_lines(segment, detail)
            for i in self._line_rules if items else ():  # an address after a list entry's phone
                spans.setdefault(i, []).extend(items)
        if not spans and not cells and not cues:
            return self._resolve(lines) if lines else []
        text = segment.text
        n = len(text)
        windows: dict[int, list[tuple[int, int]]] = {}
        for i, rule_spans in spans.items():
            plan = self.plans[i]
            before, after = plan.before, plan.after
            windows[i] = _merge([(s - before, e + after) for s, e in rule_spans], _GAP, n)
        for i, rule_cells in cells.items():
            windows[i] = _merge([*windows.get(i, []), *rule_cells], 0, n)
        source = leftover.between if leftover is not None else None
        starts, regions = self._regions(text, windows, join_lines=segment.table is None, source=source)
        findings: list[Finding] = []
        for i, rule_windows in windows.items():
            plan = self.plans[i]
            seen: set[tuple[int, int, int]] = set()
            scan_patterns, scan_reach, digits = plan.scan_patterns, plan.scan_reach, plan.digits
            # A region that cannot hold a match is told by one search for the rule's required
            # words (once per region), where windows are many: a context-word column's cells,
            # or a word on every seventh row of a long table's notes (住所変更あり, ~28,000
            # windows of 200,000 rows). The trigger windows of a text are not checked (there
            # the search cost more than it saved: 2 % of the office mix).
            many = rows is not None and len(rule_windows) >= _MANY_WINDOWS
            words = plan.words_re if i in cells or many else None
            hold: dict[int, bool] = {}  # region -> holds one of the rule's required words
            for ws, we in rule_windows:
                k = bisect_right(starts, ws) - 1
                region = regions[k]
                if region is None:
                    continue  # no digit there, and every pattern of this rule needs one
                norm = region.text
                if words is not None:
                    held = hold.get(k)
                    if held is None:
                        held = hold[k] = words.search(norm) is not None
                    if not held:
                        continue  # every match would hold one of the words, and none is there
                size = len(norm)
                lo = region.from_original(ws)
                hi = region.from_original(we)
                end = min(size, hi + scan_reach)
                if digits and _ANY_DIGIT.search(norm, lo, end) is None:
                    continue  # every match would hold a digit, and none is there (普通の…)
                for pattern, group, regex in scan_patterns:
                    for m in regex.finditer(norm, lo, end):
                        ms, me = m.span()
                        if ms > hi:
                            break
                        if me == end and end < size:  # a lookahead may have seen a false end
                            again = regex.match(norm, ms)
                            if again is None:
                                continue
                            m, me = again, again.end()
                        key = (k, ms, me)
                        if key not in seen:
                            seen.add(key)
                            finding = self._evaluate(segment, rows, region, plan, pattern, group, m, detail)
                            if finding is not None:
                                findings.append(finding)
            if plan.cell_patterns and i in cells:
                for cs, ce in cells[i]:
                    k = bisect_right(starts, cs) - 1
                    region = regions[k]
                    if region is None:
                        continue
                    a, b = _strip(region.text, region.from_original(cs), region.from_original(ce))
                    for pattern, group in plan.cell_patterns:
                        whole = pattern.regex.fullmatch(region.text, a, b)
                        if whole is not None and (k, a, b) not in seen:
                            seen.add((k, a, b))
                            finding = self._evaluate(segment, rows, region, plan, pattern, group, whole, detail)
                            if finding is not None:
                                findings.append(finding)
                            break
        if self.prose is not None and rows is None and (cues or lines or _has_person(findings)):
            # prose only (tables have their columns); without a cue word too where a name is
            # known (a list entry, a rule's finding): its later mentions, its reading, the full
            # name before a phone. The list entries' names are the stage's to know, not to redo.
            findings.extend(self.prose.find(segment, cues or [], findings + lines, detail))
        if lines or phones:
            findings = raise_phones(findings, phones, segment.offset) + lines
        findings = self._resolve(findings)
        if business and self.business is not None and findings:
            read = segment if leftover is None else replace(segment, text=leftover.blanked())
            mark_business(self.business, read, findings)
        if rows is None and segment.first_line is not None:
            _number_lines(findings, segment)
        return findings

    def _regions(
        self,
        text: str,
        windows: dict[int, list[tuple[int, int]]],
        *,
        join_lines: bool,
        source: Callable[[int, int], str] | None = None,
    ) -> tuple[list[int], list[Normalised | None]]:
        """Normalise each stretch of text any rule needs, once: (their starts, their regions).
        ``source`` gives the text of a stretch when the rules read another text than ``text``
        (a table's, with the taken cells blanked: leftover.Leftover.between).

        A stretch only rules whose patterns all need a digit asked for (普通 in 普通の…, a
        bank-account trigger) is left as None when it holds nothing that normalises to a digit:
        none of those patterns can match there, and the other stretches are the same."""
        n = len(text)
        stretches: list[tuple[int, int, bool]] = []
        for i, rule_windows in windows.items():
            plan = self.plans[i]
            mb, ma, digits = plan.margin_before, plan.reach + plan.margin_after, plan.digits
            stretches.extend([(s - mb, e + ma, digits) for s, e in rule_windows])
        if not stretches:
            return [], []
        stretches.sort()
        merged: list[tuple[int, int, bool]] = []
        it = iter(stretches)
        cur_s, cur_e, cur_d = next(it)
        for s, e, d in it:  # as _merge (gap 0), with whether only digit rules asked
            if s <= cur_e:
                if e > cur_e:
                    cur_e = e
                cur_d = cur_d and d
            else:
                merged.append((cur_s, cur_e, cur_d))
                cur_s, cur_e, cur_d = s, e, d
        merged.append((cur_s, cur_e, cur_d))
        starts: list[int] = []
        regions: list[Normalised | None] = []
        digit_source = DIGIT_SOURCE_RE.search
        for s, e, d in merged:
            s, e = max(0, s), min(n, e)
            starts.append(s)
            if source is not None:
                stretch = source(s, e)
                if d and digit_source(stretch) is None:
                    regions.append(None)
                else:
                    region = normalise(stretch, join_lines=join_lines)
                    region.origin = s  # its offsets are the segment's
                    regions.append(region)
            elif d and digit_source(text, s, e) is None:
                regions.append(None)
            else:
                regions.append(normalise(text, s, e, join_lines=join_lines))
        return starts, regions

    def _value_span(self, region: Normalised, plan: _Plan, group: int, m: re.Match[str]) -> tuple[int, int]:
        """The value's span: group ``value`` or the whole match, cut at a joined line break for
        rules whose values never cross lines (a name must not swallow the next line's label).

        The piece kept is the one next to what anchored the match: after a label (氏名：) the
        first line, before an honorific (様) the last.
        """
        vs, ve = m.span(group)
        if vs < 0:
            vs, ve = m.span()
        if plan.rule.within_line:
            joins = region.joins(vs + 1, ve)
            if joins:
                return (vs, joins[0]) if vs > m.start() else (joins[-1], ve)
        return vs, ve

    def _judge(self, plan: _Plan, pattern: Pattern, m: re.Match[str], vs: int, ve: int) -> _Judgement:
        """What depends only on the matched text: refined value span, validator, canonical form,
        allow lists, mask and fingerprint. Cached: signatures and templates repeat values."""
        key = (plan.index, pattern.name, m.group(), vs - m.start(), ve - m.start())
        judgement = self._judgements.get(key)
        if judgement is not None:
            return judgement
        rule = plan.rule
        value = m.string[vs:ve]
        shift, keep = rule.refiner(value) if rule.refiner is not None else (0, len(value))
        value = value[shift:keep]
        verdict = rule.validator(value, m) if rule.validator is not None else None
        if verdict is False:
            judgement = _Judgement(shift, keep, False, "", True, _ON_NO_LIST, "", "")
        else:
            canonical = rule.canonical(value, m)
            allowed = self._allowed(rule, canonical)
            judgement = _Judgement(
                shift,
                keep,
                verdict,
                canonical,
                allowed,
                self.allowed_by(rule, canonical) if self.allow_lists else _ON_NO_LIST,
                "" if allowed else rule.mask(value),
                "" if allowed else fingerprint(self.key, rule.type, canonical),
            )
        if len(self._judgements) >= _JUDGEMENT_CACHE:
            self._judgements.clear()
        self._judgements[key] = judgement
        return judgement

    def _evaluate(
        self,
        segment: Segment,
        rows: _Rows | None,
        region: Normalised,
        plan: _Plan,
        pattern: Pattern,
        group: int,
        m: re.Match[str],
        detail: bool,
    ) -> Finding | None:
        vs, ve = m.span(group)
        if vs < 0 or plan.rule.within_line:
            vs, ve = self._value_span(region, plan, group, m)
        at = m.start()  # the judgement cache looked up here: most values were judged before
        judgement = self._judgements.get((plan.index, pattern.name, m.group(), vs - at, ve - at))
        if judgement is None:
            judgement = self._judge(plan, pattern, m, vs, ve)
        if judgement.verdict is False or judgement.allowed:
            if self._dropped is not None and detail:
                name = exclusions.validator(plan.rule.validator_name) if judgement.verdict is False else None
                self._drop(name or exclusions.RULE_ALLOW_LIST, plan.rule, segment, region, vs, ve, judgement)
            return None
        rule = plan.rule
        norm = region.text
        vs, ve = vs + judgement.shift, vs + judgement.keep
        start = region.start_to_original(vs)
        end = region.end_to_original(ve)
        header: str | None = None
        record = segment.record
        locator = segment.locator
        line: int | None = None
        if rows is not None:
            row, col = rows.locate(start)
            table = rows.table
            header = header_of(table, col)
            line = table.first_row + row
            record = f"{segment.locator}#{table.row_label}{line}"
            locator = record
        context_word, context_distance = _nearest(rule.context, norm, vs, ve)
        exclude_word, exclude_distance = (
            _nearest(rule.exclude, norm, vs, ve) if rule.exclude.regex is not None else (None, 0)
        )
        if header is not None:
            in_context, in_exclude = self._header_match(plan.index, header)
            if in_context and context_word is None:
                context_word, context_distance = header, 0
            if in_exclude:
                exclude_word, exclude_distance = header, 0
        if exclude_word is not None and (context_word is None or exclude_distance < context_distance):
            if self._dropped is not None and detail:
                self._drop(exclusions.EXCLUDE_WORD, rule, segment, region, vs, ve, None, exclude_word)
            return None
        level = pattern.confidence + (1 if judgement.verdict else 0)
        if context_word is not None:
            level += rule.context.boost
        elif pattern.without_context == "drop":
            if self._dropped is not None and detail:
                self._drop(exclusions.NO_CONTEXT, rule, segment, region, vs, ve, None, f"pattern {pattern.name}")
            return None
        elif pattern.without_context == "low":
            level = 1
        confidence = _LEVELS[min(level, pattern.max_confidence)]
        return Finding(
            rule=rule.id,
            type=rule.type,
            locator=locator,
            start=segment.offset + start,
            end=segment.offset + end,
            confidence=confidence,
            severity=rule.severity,
            masked=judgement.masked if detail else "",
            fingerprint=judgement.fingerprint,
            record=record,
            column=header,
            line=line,
            value=norm[vs:ve] if self.keep_values else None,
            allowed_by=judgement.allowed_by,
            explanation=Explanation(
                pattern=pattern.name,
                base=pattern.confidence.label,
                validator=rule.validator_name,
                validator_result=judgement.verdict,
                context=context_word,
                header=header,
                allowed=self.allow_kinds(rule, judgement.canonical) if judgement.allowed_by else (),
            )
            if self.explain and detail
            else None,
        )

    # --- explanations (--explain only) -------------------------------------------------------------

    def _drop(
        self,
        name: str,
        rule: Rule,
        segment: Segment,
        region: Normalised,
        vs: int,
        ve: int,
        judgement: _Judgement | None,
        detail: str = "",
    ) -> None:
        """A dropped candidate's record; ``judgement``: the span is still the unrefined one."""
        assert self._dropped is not None
        if len(self._dropped) >= exclusions.MAX_DROPPED:
            return
        if judgement is not None:
            vs, ve = vs + judgement.shift, vs + judgement.keep
        start, end = region.start_to_original(vs), region.end_to_original(ve)
        self._dropped.append(
            Dropped(
                name,
                rule.id,
                rule.type,
                segment.locator,
                segment.offset + start,
                segment.offset + end,
                rule.mask(region.text[vs:ve]),
                detail,
            )
        )

    def _resolve(self, findings: list[Finding]) -> list[Finding]:
        """Overlaps resolved (one finding per value and type); with --explain the losers are
        recorded with the finding that won."""
        kept = _resolve_overlaps(findings)
        if self._dropped is not None and len(kept) < len(findings):
            won = {id(f) for f in kept}
            for f in findings:
                if id(f) not in won and len(self._dropped) < exclusions.MAX_DROPPED:
                    winner = next(
                        (w.rule for w in kept if w.type == f.type and w.start < f.end and f.start < w.end), ""
                    )
                    self._dropped.append(
                        Dropped(exclusions.OVERLAP, f.rule, f.type, f.locator, f.start, f.end, f.masked, winner)
                    )
        return kept

    @staticmethod
    def _allowed(rule: Rule, canonical: str) -> bool:
        """On the rule's own allow list (a rule file's ``allow``): not reported at all."""
        if not rule.allow_values and not rule.allow_domains:
            return False
        return value_allowed(rule.allow_values, rule.allow_domains, canonical, prefix=rule.canonical_name == "text")

    def allowed_by(self, rule: Rule, canonical: str) -> frozenset[str]:
        """The policies' allow lists this value is on (addresses: the signature may add or drop
        the building, so text values match by prefix)."""
        prefix = rule.canonical_name == "text"
        names = [
            a.name for a in self.allow_lists if a.covers(rule.type) and a.matches(rule.type, canonical, prefix=prefix)
        ]
        return frozenset(names) if names else _ON_NO_LIST

    def allow_kinds(self, rule: Rule, canonical: str) -> tuple[tuple[str, str], ...]:
        """(list, "value" | "domain") for each policy's allow list the value is on (--explain)."""
        prefix = rule.canonical_name == "text"
        kinds = ((a.name, a.kind(rule.type, canonical, prefix=prefix)) for a in self.allow_lists)
        return tuple((name, kind) for name, kind in kinds if kind is not None)

    def lists_cover(self, data_type: str) -> bool:
        """Whether any policy's allow list can hold a value of this type."""
        return any(a.covers(data_type) for a in self.allow_lists)


@dataclass(frozen=True)
class _Invisible:
    """A segment's text without the characters no reader sees (zero-width spaces, soft hyphens,
    NUL …), and the way back: triggers are found in ``text``, windows are cut in the original."""

    text: str
    cuts: tuple[int, ...]  # positions in ``text`` where invisible characters were removed
    shifts: tuple[int, ...]  # characters removed before each cut, in total

    @staticmethod
    def of(original: str) -> _Invisible | None:
        if not has_ignorable(original):
            return None
        pieces: list[str] = []
        cuts: list[int] = []
        shifts: list[int] = []
        pos = removed = 0
        for m in IGNORABLE_RE.finditer(original):
            pieces.append(original[pos : m.start()])
            removed += m.end() - m.start()
            cuts.append(m.start() - (removed - (m.end() - m.start())))
            shifts.append(removed)
            pos = m.end()
        pieces.append(original[pos:])
        return _Invisible("".join(pieces), tuple(cuts), tuple(shifts))

    def _original(self, p: int) -> int:
        i = bisect_right(self.cuts, p) - 1
        return p + (self.shifts[i] if i >= 0 else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self._original(start), self._original(end - 1) + 1 if end > start else self._original(start)


class _Rows:
    """Rows and cells of one tabular segment, split once per row that has findings."""

    def __init__(
        self,
        segment: Segment,
        table: Table,
        done: list[set[int]] | None = None,
        data_from: int = 0,
        split: SplitRows | None = None,
    ) -> None:
        self.segment = segment
        self.table = table
        self.done = done  # per row, the cells the column pass took (blanked)
        self.data_from = data_from  # rows above are a title and the header: no column's cells
        self.split = split  # the rows as the column pass split them, when they were split plainly
        self._cells: dict[int, list[tuple[int, int]]] = {}

    def column_spans(self, cols: set[int]) -> dict[int, list[tuple[int, int]]] | None:
        """Per column in ``cols``, the spans of its non-empty cells not taken by the column
        pass, from the column pass's split (None without one: then row by row, ``cells``)."""
        split = self.split
        if split is None or len(split.rows) != len(self.table.row_starts):
            return None
        return split.column_spans(cols, self.data_from, self.done)

    def cells(self, row: int) -> list[tuple[int, int]]:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = cell_spans(self.segment, self.table, row)
        return cells

    def locate(self, pos: int) -> tuple[int, int | None]:
        row = row_index(self.table, pos)
        for col, (a, b) in enumerate(self.cells(row)):
            if a <= pos <= b:
                return row, col
        return row, None


def _unread(table: Table, result: ColumnResult) -> bool:
    """A table of a document (not a CSV) with no header and no column the profiler could name."""
    return not table.quoted and not table.header and not any(d.spec for d in result.decisions)


def _number_lines(findings: list[Finding], segment: Segment) -> None:
    """Line numbers for findings in line-based text, counted once through the segment."""
    text = segment.text
    line = segment.first_line or 1
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        local = f.start - segment.offset
        line += text.count("\n", pos, local)
        pos = local
        f.line = line


def _has_person(findings: list[Finding]) -> bool:
    return any(f.type == "PERSON" for f in findings)


def _plan(index: int, rule: Rule) -> _Plan:
    extents = [forward_extent(p.regex) for p in rule.patterns if not p.cell]
    bounded = [e for e in extents if e is not None]
    scan_reach = rule.reach if len(bounded) < len(extents) else min(rule.reach, max(bounded, default=0))
    scan = [p for p in rule.patterns if not p.cell]
    words = _required_words(scan)
    return _Plan(
        index=index,
        rule=rule,
        scan_patterns=tuple((p, p.value_group, search_regex(p.regex)) for p in rule.patterns if not p.cell),
        cell_patterns=tuple((p, p.value_group) for p in rule.patterns if p.cell),
        before=rule.window_before,
        after=rule.window_after,
        reach=rule.reach,
        scan_reach=scan_reach,
        margin_before=max(rule.context.before, rule.exclude.before) + _SLACK,
        margin_after=max(rule.context.after, rule.exclude.after) + _SLACK,
        digits=bool(scan)
        and not any(p.cell for p in rule.patterns)
        and all(needs_digit(p.regex) for p in rule.patterns),
        words=words,
        words_re=re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None,
    )


def _required_words(patterns: list[Pattern]) -> frozenset[str] | None:
    """Words one of which every match of any of ``patterns`` holds; None when one has none."""
    words: set[str] = set()
    for pattern in patterns:
        found = required_words(pattern.regex)
        if found is None:
            return None
        words |= found
    return frozenset(words) if words else None


def _merge(spans: list[tuple[int, int]], gap: int = 0, limit: int | None = None) -> list[tuple[int, int]]:
    """Spans sorted and merged where they overlap (or lie within ``gap``), clipped to [0, limit]."""
    if not spans:
        return []
    spans.sort()
    merged: list[tuple[int, int]] = []
    it = iter(spans)
    cur_s, cur_e = next(it)
    for s, e in it:
        if s <= cur_e + gap:
            if e > cur_e:
                cur_e = e
        else:
            merged.append((cur_s, cur_e))
            cur_s, cur_e = s, e
    merged.append((cur_s, cur_e))
    # Clipped: starts and ends both rise in merged spans, so only a leading run can start
    # before 0 and only a trailing run can end after ``limit``.
    if limit is not None:
        i = 0
        while i < len(merged) and merged[i][0] < 0:
            merged[i] = (0, min(limit, merged[i][1]))
            i += 1
        j = len(merged) - 1
        while j >= 0 and merged[j][1] > limit:
            merged[j] = (max(0, merged[j][0]), limit)
            j -= 1
    return merged


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per value and type: where patterns (or rules of one type) overlap, the surest
    (then the longest) wins, so 〒100-0001 or 氏名：山田様 is not counted twice."""
    if len(findings) < 2:
        return findings
    findings.sort(key=lambda f: (f.type, f.start, -f.end))
    out: list[Finding] = []
    cluster: list[Finding] = []
    cluster_type = ""
    cluster_end = -1
    for f in findings:
        if cluster and (f.start >= cluster_end or f.type != cluster_type):
            out.append(cluster[0] if len(cluster) == 1 else max(cluster, key=_surest))
            cluster = []
        if not cluster:
            cluster_type, cluster_end = f.type, f.end
        elif f.end > cluster_end:
            cluster_end = f.end
        cluster.append(f)
    out.append(cluster[0] if len(cluster) == 1 else max(cluster, key=_surest))
    out.sort(key=lambda f: (f.start, f.end, f.rule))
    return out


def _surest(f: Finding) -> tuple[Confidence, int]:
    return f.confidence, f.end - f.start


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in ' \t\r\n"':
        a += 1
    while b > a and text[b - 1] in ' \t\r\n"':
        b -= 1
    return a, b


def _nearest(words: Words, text: str, vs: int, ve: int) -> tuple[str | None, int]:
    """The keyword closest to the value within the window, and its distance in characters.

    Words before the value may sit on an earlier line (a label above its value); words after
    it only count on the same line: the next line's label belongs to the next value.
    """
    if words.regex is None:
        return None, 0
    best: str | None = None
    best_distance = 1 << 30
    end = min(len(text), ve + words.after)
    line_end = text.find("\n", ve, end)
    if line_end != -1:
        end = line_end
    for m in words.regex.finditer(text, max(0, vs - words.before), end):
        if m.start() >= vs and m.end() <= ve:
            continue  # inside the value itself
        distance = vs - m.end() if m.end() <= vs else max(0, m.start() - ve)
        if distance < best_distance:
            best, best_distance = m.group(), distance
    return best, best_distance


def _variants(word: str) -> set[str]:
    """How a trigger word may be written before normalisation: upper/lower/title case,
    full-width letters and digits, half-width katakana."""
    cased = case_variants(word) | case_variants(normalise_text(word))
    variants = set(cased)
    for w in cased:
        variants.add("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w))
        variants.add(_halfwidth_kana(w))
    return {v for v in variants if v}


def _halfwidth_kana(word: str) -> str:
    return "".join(_HALF.get(c, c) for c in word)


def _build_half() -> dict[str, str]:
    import unicodedata

    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    for base, half in list(table.items()):
        for mark, half_mark in (("\u3099", "\uff9e"), ("\u309a", "\uff9f")):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1:
                table.setdefault(composed, half + half_mark)
    return table


_HALF = _build_half()
