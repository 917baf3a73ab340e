"""Run compiled rules over Segments: where each rule is applied.

Candidates first, normalisation only around them. Two cheap scans over the original text find
triggers: runs of digits (full- or half-width, with separators) long enough for some rule, and
the rules' trigger words (様, 住所, 生年月日, 東京都, @ …). In tables, a column whose header is
one of a rule's context words triggers that rule on each of its cells. Only the regions around
triggers are normalised (NFKC, dash folding, CJK line joins, with an offset map), and each rule
runs its patterns only inside its own windows. Then: validator, context, exclusions, allow
lists, confidence, masking and a keyed fingerprint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dlp.detect.normalise import Normalised, normalise, normalise_text
from dlp.detect.rules import Pattern, Rule, RuleSet, Words, canonical_allow_value
from dlp.detect.tables import cell_spans, column_at, header_of, row_index
from dlp.detect.validators import value_of
from dlp.detect.values import fingerprint
from dlp.model import Confidence, Explanation, Finding, Segment, Table

_DIGIT = "0-9\uff10-\uff19"
# Separators that may sit between the digits of one number, before normalisation.
_SEP = (
    " \u3000\t.\uff0e()\uff08\uff09/\uff0f+\uff0b\\-"
    "\u2010-\u2015\u2212\u2043\u02d7\u058a\ufe63\uff0d\u30fc\uff70\u2500\u2501"
)
# Room for a pattern to reach beyond its window, and for context words around it.
_REACH = 48


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    rule: int
    cell: bool = False


class Engine:
    """Compiled once per rule set; ``detect`` is called for every segment."""

    def __init__(self, ruleset: RuleSet, key: bytes, *, keep_values: bool = False, explain: bool = False) -> None:
        self.rules: tuple[Rule, ...] = ruleset.rules
        self.key = key
        self.keep_values = keep_values
        self.explain = explain
        digit_rules = [(i, r.trigger_digits) for i, r in enumerate(self.rules) if r.trigger_digits]
        self._digit_rules = sorted(digit_rules, key=lambda x: x[1])
        self._digit_re: re.Pattern[str] | None = None
        if digit_rules:
            least = self._digit_rules[0][1]
            self._digit_re = re.compile(f"[{_DIGIT}](?:[{_SEP}]{{0,2}}[{_DIGIT}]){{{least - 1},}}")
        self._word_rules: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for word in rule.trigger_words:
                for variant in _variants(word):
                    self._word_rules.setdefault(variant.lower(), [])
                    if i not in self._word_rules[variant.lower()]:
                        self._word_rules[variant.lower()].append(i)
        words = sorted(self._word_rules, key=len, reverse=True)
        self._word_re = re.compile("|".join(map(re.escape, words)), re.IGNORECASE) if words else None
        self._reach_before = [r.window_before + max(r.context.before, r.exclude.before) + _REACH for r in self.rules]
        self._reach_after = [r.window_after + max(r.context.after, r.exclude.after) + _REACH for r in self.rules]
        self._header_cache: dict[tuple[int, str], tuple[bool, bool]] = {}

    # --- candidates ----------------------------------------------------------------------------

    def _hits(self, segment: Segment) -> list[_Hit]:
        text = segment.text
        hits: list[_Hit] = []
        if self._digit_re is not None:
            rules = self._digit_rules
            single = rules[0][1] == rules[-1][1]
            for m in self._digit_re.finditer(text):
                start, end = m.span()
                if single:
                    hits.extend(_Hit(start, end, i) for i, _ in rules)
                    continue
                count = sum(c.isdigit() for c in m.group())
                for i, least in rules:
                    if least > count:
                        break
                    hits.append(_Hit(start, end, i))
        if self._word_re is not None:
            for m in self._word_re.finditer(text):
                start, end = m.span()
                hits.extend(_Hit(start, end, i) for i in self._word_rules[m.group().lower()])
        if segment.table is not None:
            hits.extend(self._column_hits(segment, segment.table))
        return hits

    def _column_hits(self, segment: Segment, table: Table) -> Iterable[_Hit]:
        columns: list[tuple[int, int]] = []  # (rule, column)
        for col, header in enumerate(table.header):
            if not header:
                continue
            for i in range(len(self.rules)):
                context, excluded = self._header_match(i, header)
                if context and not excluded:
                    columns.append((i, col))
        if not columns:
            return
        for row in range(len(table.row_starts)):
            spans = cell_spans(segment, table, row)
            for i, col in columns:
                if col < len(spans):
                    a, b = spans[col]
                    if b > a:
                        yield _Hit(a, b, i, cell=True)

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

    def detect(self, segment: Segment) -> list[Finding]:
        hits = self._hits(segment)
        if not hits:
            return []
        text = segment.text
        n = len(text)
        join_lines = segment.table is None
        spans = sorted(
            (
                (max(0, h.start - self._reach_before[h.rule]), min(n, h.end + self._reach_after[h.rule]), h)
                for h in hits
            ),
            key=lambda s: s[0],
        )
        findings: list[Finding] = []
        region: Normalised | None = None
        region_end = -1
        seen: set[tuple[int, int, int]] = set()
        group: list[_Hit] = []
        group_start = 0
        for start, end, hit in spans:
            if start > region_end and group:
                region = normalise(text, group_start, region_end, join_lines=join_lines)
                self._run(segment, region, group, seen, findings)
                group = []
                seen = set()
            if not group:
                group_start = start
                region_end = end
            region_end = max(region_end, end)
            group.append(hit)
        if group:
            region = normalise(text, group_start, region_end, join_lines=join_lines)
            self._run(segment, region, group, seen, findings)
        return _resolve_overlaps(findings)

    def _run(
        self,
        segment: Segment,
        region: Normalised,
        hits: list[_Hit],
        seen: set[tuple[int, int, int]],
        findings: list[Finding],
    ) -> None:
        norm = region.text
        for hit in hits:
            rule = self.rules[hit.rule]
            lo = region.from_original(hit.start - (0 if hit.cell else rule.window_before))
            hi = region.from_original(hit.end + (0 if hit.cell else rule.window_after))
            for pattern in rule.patterns:
                if pattern.cell:
                    if not hit.cell:
                        continue
                    a, b = _strip(norm, lo, hi)
                    m = pattern.regex.fullmatch(norm, a, b)
                    matches: Iterable[re.Match[str]] = (m,) if m else ()
                else:
                    matches = pattern.regex.finditer(norm, lo)
                for m in matches:
                    if m.start() > hi:
                        break
                    key = (hit.rule, m.start(), m.end())
                    if key in seen:
                        continue
                    seen.add(key)
                    finding = self._evaluate(segment, region, hit.rule, pattern, m)
                    if finding is not None:
                        findings.append(finding)

    def _evaluate(
        self, segment: Segment, region: Normalised, rule_index: int, pattern: Pattern, m: re.Match[str]
    ) -> Finding | None:
        rule = self.rules[rule_index]
        norm = region.text
        has_value = "value" in m.re.groupindex and m.group("value") is not None
        vs, ve = m.span("value") if has_value else m.span()
        value = value_of(m)
        if rule.refiner is not None:
            shift = rule.refiner(value)
            vs += shift
            value = value[shift:]
        verdict = rule.validator(m) if rule.validator is not None else None
        if verdict is False:
            return None
        start = region.start_to_original(vs)
        end = region.end_to_original(ve)
        header: str | None = None
        record = segment.record
        locator = segment.locator
        table = segment.table
        if table is not None:
            row = row_index(table, start)
            header = header_of(table, column_at(segment, table, start))
            record = f"{segment.locator}#{table.row_label}{table.first_row + row}"
            locator = record
        context_word, context_distance = _nearest(rule.context, norm, vs, ve)
        exclude_word, exclude_distance = _nearest(rule.exclude, norm, vs, ve)
        if header is not None:
            in_context, in_exclude = self._header_match(rule_index, header)
            if in_context and context_word is None:
                context_word, context_distance = header, 0
            if in_exclude:
                exclude_word, exclude_distance = header, 0
        if exclude_word is not None and (context_word is None or exclude_distance < context_distance):
            return None
        confidence = pattern.confidence
        if verdict:
            confidence = confidence.raised(1)
        if context_word is not None:
            confidence = confidence.raised(rule.context.boost)
        elif pattern.without_context == "drop":
            return None
        elif pattern.without_context == "low":
            confidence = Confidence.LOW
        confidence = min(confidence, pattern.max_confidence)
        canonical = rule.canonical(value, m)
        if self._allowed(rule, canonical):
            return None
        return Finding(
            rule=rule.id,
            type=rule.type,
            locator=locator,
            start=segment.offset + start,
            end=segment.offset + end,
            confidence=confidence,
            severity=rule.severity,
            masked=rule.mask(value),
            fingerprint=fingerprint(self.key, rule.type, canonical),
            record=record,
            column=header,
            value=value if self.keep_values else None,
            explanation=Explanation(
                pattern=pattern.name,
                base=pattern.confidence.label,
                validator=rule.validator_name,
                validator_result=verdict,
                context=context_word,
                header=header,
            )
            if self.explain
            else None,
        )

    @staticmethod
    def _allowed(rule: Rule, canonical: str) -> bool:
        if not rule.allow_values and not rule.allow_domains:
            return False
        if rule.allow_domains and "@" in canonical:
            domain = canonical.rpartition("@")[2]
            if any(domain == d or domain.endswith("." + d) for d in rule.allow_domains):
                return True
        key = canonical_allow_value(canonical)
        if key in rule.allow_values:
            return True
        if rule.canonical_name == "text":  # addresses: the signature may add or drop the building
            return any(key.startswith(v) or v.startswith(key) for v in rule.allow_values if len(v) >= 6)
        return False


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per value and rule: where a rule's patterns overlap, the surest (then the
    longest) wins, so 〒100-0001 is not counted twice."""
    if len(findings) < 2:
        return findings
    findings.sort(key=lambda f: (f.rule, f.start, -f.end))
    out: list[Finding] = []
    cluster: list[Finding] = []
    cluster_end = -1
    for f in findings:
        if cluster and (f.rule != cluster[0].rule or f.start >= cluster_end):
            out.append(max(cluster, key=lambda c: (c.confidence, c.end - c.start)))
            cluster = []
        if not cluster:
            cluster_end = f.end
        cluster.append(f)
        cluster_end = max(cluster_end, f.end)
    out.append(max(cluster, key=lambda c: (c.confidence, c.end - c.start)))
    out.sort(key=lambda f: (f.start, f.end, f.rule))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t":
        a += 1
    while b > a and text[b - 1] in " \t":
        b -= 1
    return a, b


def _nearest(words: Words, text: str, vs: int, ve: int) -> tuple[str | None, int]:
    """The keyword closest to the value within the window, and its distance in characters."""
    if words.regex is None:
        return None, 0
    best: str | None = None
    best_distance = 1 << 30
    lo = max(0, vs - words.before)
    for m in words.regex.finditer(text, lo, min(len(text), ve + words.after)):
        if m.start() >= vs and m.end() <= ve:
            continue  # inside the value itself
        distance = vs - m.end() if m.end() <= vs else max(0, m.start() - ve)
        if distance < best_distance:
            best, best_distance = m.group(), distance
    return best, best_distance


def _variants(word: str) -> set[str]:
    """How a trigger word may be written before normalisation: full-width, half-width kana."""
    variants = {word, normalise_text(word)}
    variants.add("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word))
    variants.add(_halfwidth_kana(word))
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
