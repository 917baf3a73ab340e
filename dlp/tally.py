"""Counting what was found in one top-level item, with memory that does not grow without bound.

The policy asks for counts per type, per minimum confidence, of DISTINCT values (a signature
repeated 40 times is one phone number) and of RECORDS (a table row with identifying data is
one person; in free text, the number of distinct identifiers of the most frequent type). Values
are held as keyed fingerprints, never raw; past ``cap`` distinct values a count saturates
(every policy threshold is far below it) instead of growing with the file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from dlp.detect import exclusions
from dlp.model import Confidence, Dropped, Finding, TypeCount, Unscannable

DEFAULT_CAP = 200_000
BUSINESS_CONTACT = "BUSINESS_CONTACT"
# More distinct values of one type than this in one table row: not one person (home, mobile and
# work phones, two addresses are one person; 150 addresses are not).
ROW_MAX_SAME = 4


@dataclass
class Tally:
    record_types: frozenset[str]
    record_min_confidence: Confidence = Confidence.MEDIUM
    # Types that make a TABLE ROW a record as well (a name column: a list of 30 customers' names
    # is 30 people), though in free text they do not count people.
    table_record_types: frozenset[str] = frozenset()
    max_findings: int = 1000
    cap: int = DEFAULT_CAP
    # type -> value (fingerprint or count key) -> best confidence, as a plain int: a dict of
    # plain ints is no container the garbage collector walks (an enum member is), and a dense
    # export holds hundreds of thousands of values a type.
    values: dict[str, dict[str | int, int]] = field(default_factory=dict)
    # distinct values per type whose best confidence is at least LOW/MEDIUM/HIGH (index 1..3)
    distinct_at: dict[str, list[int]] = field(default_factory=dict)
    matches: Counter[tuple[str, Confidence]] = field(default_factory=Counter)
    saturated: set[str] = field(default_factory=set)
    table_records: set[str] = field(default_factory=set)
    # The records of the last column batch put into table_records: the other columns of the
    # same rows bring the same list again (eleven times over a customer export), skipped.
    _records_added: list[str] = field(default_factory=list, repr=False, compare=False)
    # A "row" holding many values of one identifying type is a list that lost its line ends (one
    # long line, a transposed sheet), not one person. Rows come one after another: per type, the
    # distinct values of the row being read, and the rows found crowded (row -> most values).
    row_current: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    crowded: dict[str, int] = field(default_factory=dict)
    free_values: dict[str, set[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Findings not listed: past max_findings, and a column's cells counted without a finding
    # (TableFindings.unshown): a 200,000-row export lists 1,000 of its millions.
    findings_dropped: int = 0
    unscannable: list[Unscannable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    complete: bool = True  # False when the scan stopped early (counts are lower bounds)
    redactions: list[tuple[str, str]] = field(default_factory=list)  # names with personal data -> masked
    # Business contacts (Finding.role, dlp/detect/business.py): counted as BUSINESS_CONTACT
    # only, never in their own type nor in records, unless the policy counts them as personal.
    # Contacts from text blocks are held (by fingerprint) up to ``business_max`` distinct; one
    # more and they all count as personal (a customer list dressed up as signatures).
    business_as_personal: bool = True
    business_max: int = 16
    business_held: dict[str, Finding] = field(default_factory=dict)
    business_overflow: bool = False
    # The name of the deciding policy's allow list (dlp/detect/allow.py): findings on it are not
    # counted nor shown, only counted in ``allowed``. Detection marks them; the policy drops them.
    allow_list: str | None = None
    allowed: int = 0
    # With --explain: candidates the engine dropped and allow-list hits, each with the name of
    # its reason (dlp/detect/exclusions.py); see ``explained_drops``.
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def wants_detail(self) -> bool:
        """Whether more findings will be kept in full (else only counted)."""
        return len(self.findings) < self.max_findings

    def add(self, findings: list[Finding]) -> None:
        kept: set[int] = getattr(findings, "kept", set())  # counted in bulk below, kept for display
        allow_list = self.allow_list
        for f in findings:
            if allow_list is not None and allow_list in f.allowed_by:
                if not (kept and id(f) in kept):  # a column's cells are counted with their batch
                    self.allowed += 1
                if f.explanation is not None:
                    self._drop_allowed(f)
                continue
            if kept and id(f) in kept:
                self._keep(f)
                continue
            if f.role is not None and not self.business_as_personal and self._business(f):
                self._count(f, BUSINESS_CONTACT, record=False)
                self._keep(f)
                continue
            self._count(f, f.type)
            self._keep(f)
        for batch in getattr(findings, "batches", ()):
            self.add_column(*batch)
        self.findings_dropped += getattr(findings, "unshown", 0)
        for lists, cells in getattr(findings, "unshown_on_lists", {}).items():
            if allow_list is None or allow_list not in lists:  # allowed cells are no findings
                self.findings_dropped += cells
        for dropped in getattr(findings, "dropped", ()):
            if len(self.dropped) < exclusions.MAX_DROPPED:
                self.dropped.append(dropped)
        for note in getattr(findings, "notes", ()):
            if note not in self.notes and len(self.notes) < 200:
                self.notes.append(note)

    def _drop_allowed(self, f: Finding) -> None:
        assert f.explanation is not None and self.allow_list is not None
        how = dict(f.explanation.allowed).get(self.allow_list, "value")
        name = exclusions.ALLOW_LIST_DOMAIN if how == "domain" else exclusions.ALLOW_LIST_VALUE
        if len(self.dropped) < exclusions.MAX_DROPPED:
            self.dropped.append(Dropped(name, f.rule, f.type, f.locator, f.start, f.end, f.masked, self.allow_list))

    def explained_drops(self) -> list[Dropped]:
        """What --explain lists as not counted: the dropped candidates and allow-list hits, and
        the business contacts counted as BUSINESS_CONTACT instead of their own type (known only
        now: contacts from text blocks count as personal once there are too many)."""
        business = [
            Dropped(exclusions.business_contact(f.role_from), f.rule, f.type, f.locator, f.start, f.end, f.masked)
            for f in self.findings
            if f.role is not None and f.explanation is not None and not self.business_as_personal
        ]
        return [*self.dropped, *business[: max(0, exclusions.MAX_DROPPED - len(self.dropped))]]

    def _business(self, f: Finding) -> bool:
        """Whether ``f`` still counts as business (False once the block contacts overflow)."""
        if f.role_from in ("table", "store"):  # a store list is judged as a whole, by its shape
            return True
        if self.business_overflow:
            f.role = f.role_from = None
            return False
        self.business_held.setdefault(f.fingerprint, f)
        if len(self.business_held) <= self.business_max:
            return True
        self.business_overflow = True
        for held in self.business_held.values():
            held.role = held.role_from = None
            if held is not f:
                self._count(held, held.type)
        self.business_held.clear()
        f.role = f.role_from = None
        return False

    def _keep(self, f: Finding) -> None:
        if len(self.findings) < self.max_findings:
            self.findings.append(f)
        else:
            self.findings_dropped += 1

    def _count(self, f: Finding, data_type: str, *, record: bool = True) -> None:
        self.matches[(data_type, f.confidence)] += 1
        seen = self.values.get(data_type)
        if seen is None:
            seen = self.values[data_type] = {}
            self.distinct_at[data_type] = [0, 0, 0, 0]
        best = seen.get(f.fingerprint)
        if best is None:
            if len(seen) >= self.cap:
                self.saturated.add(data_type)
            else:
                seen[f.fingerprint] = int(f.confidence)
                at = self.distinct_at[data_type]
                for level in range(1, f.confidence + 1):
                    at[level] += 1
        elif f.confidence > best:
            seen[f.fingerprint] = int(f.confidence)
            at = self.distinct_at[data_type]
            for level in range(best + 1, f.confidence + 1):
                at[level] += 1
        identifies = f.type in self.record_types or (f.record is not None and f.type in self.table_record_types)
        if record and identifies and f.confidence >= self.record_min_confidence:
            if f.record is not None:
                if len(self.table_records) < self.cap:
                    self.table_records.add(f.record)
                current = self.row_current.get(f.type)
                if current is None or current[0] != f.record:
                    if current is not None:
                        self._close_row(*current)
                    self.row_current[f.type] = (f.record, {f.fingerprint})
                elif len(current[1]) < self.cap:
                    current[1].add(f.fingerprint)
            else:
                bucket = self.free_values.setdefault(f.type, set())
                if len(bucket) < self.cap:
                    bucket.add(f.fingerprint)

    def add_column(
        self,
        data_type: str,
        confidence: Confidence,
        keys: list[int],
        records: list[str],
        allowed: dict[int, frozenset[str]] | None = None,
    ) -> None:
        """Cells of a classified table column, counted without a Finding each (dlp/detect/
        profile.py): ``keys`` are in-process count keys of their values, ``records`` their rows,
        ``allowed`` the keys on some policy's allow list (those on this policy's are left out)."""
        if allowed and self.allow_list is not None:
            mine = {k for k, lists in allowed.items() if self.allow_list in lists}
            if mine:
                pairs = [(k, r) for k, r in zip(keys, records, strict=True) if k not in mine]
                self.allowed += len(keys) - len(pairs)
                keys, records = [k for k, _ in pairs], [r for _, r in pairs]
                if not keys:
                    return
        self.matches[(data_type, confidence)] += len(keys)
        seen = self.values.get(data_type)
        if seen is None:
            seen = self.values[data_type] = {}
            self.distinct_at[data_type] = [0, 0, 0, 0]
        at = self.distinct_at[data_type]
        if not self._add_uniform(seen, at, confidence, keys):
            self._add_keys(data_type, seen, at, confidence, keys)
        identifies = data_type in self.record_types or data_type in self.table_record_types
        counted = identifies and confidence >= self.record_min_confidence and len(self.table_records) < self.cap
        if counted and records != self._records_added:  # the last column's rows again: all in already
            self.table_records.update(records)
            self._records_added = records

    def _add_uniform(self, seen: dict, at: list[int], confidence: Confidence, keys: list[int]) -> bool:  # type: ignore[type-arg]
        """The usual column: every value of the type counted so far has this very confidence
        and all the keys fit under the cap, so writing them all over changes no best: one
        dict update. False (nothing done) otherwise."""
        if len(seen) + len(keys) > self.cap or at[confidence] != len(seen):
            return False
        if confidence < Confidence.HIGH and at[confidence + 1]:
            return False
        before = len(seen)
        seen.update(zip(keys, repeat(int(confidence))))  # no dict of the keys first: 2.4x faster
        added = len(seen) - before
        for level in range(1, confidence + 1):
            at[level] += added
        return True

    def _add_keys(self, data_type: str, seen: dict, at: list[int], confidence: Confidence, keys: list[int]) -> None:  # type: ignore[type-arg]
        # With set operations: a 200,000-row column is a few C calls, not a loop per cell.
        distinct = dict.fromkeys(keys)  # in first-seen order: past the cap, the first ones get in
        known = distinct.keys() & seen.keys()
        # at[c] counts the values whose best is c or more: when it counts all, none can go up.
        if known and at[confidence] < len(seen):
            bests = itemgetter(*known)(seen) if len(known) > 1 else (seen[next(iter(known))],)
            if min(bests) < confidence:
                for key, best in zip(known, bests, strict=True):
                    if confidence > best:
                        seen[key] = int(confidence)
                        for level in range(best + 1, confidence + 1):
                            at[level] += 1
        new = len(distinct) - len(known)
        if new:
            room = self.cap - len(seen)
            if new > room:
                self.saturated.add(data_type)
                taken = [k for k in distinct if k not in known][:room] if room > 0 else []
            else:
                taken = list(distinct.keys() - known) if known else list(distinct)
            seen.update(dict.fromkeys(taken, int(confidence)))
            for level in range(1, confidence + 1):
                at[level] += len(taken)

    def add_unscannable(self, item: Unscannable) -> None:
        if item not in self.unscannable:
            self.unscannable.append(item)

    # --- what the policy asks ------------------------------------------------------------------

    def distinct(self, data_type: str, min_confidence: Confidence) -> int:
        at = self.distinct_at.get(data_type)
        return at[min_confidence] if at else 0

    def match_count(self, data_type: str, min_confidence: Confidence) -> int:
        return sum(n for (t, c), n in self.matches.items() if t == data_type and c >= min_confidence)

    @property
    def records(self) -> int:
        free = max((len(v) for v in self.free_values.values()), default=0)
        return len(self.table_records) + free + self._crowded_rows()

    def _close_row(self, record: str, values: set[str]) -> None:
        if len(values) > ROW_MAX_SAME and len(self.crowded) < self.cap:
            self.crowded[record] = max(self.crowded.get(record, 0), len(values))

    def _crowded_rows(self) -> int:
        """Extra records in rows holding more than ROW_MAX_SAME distinct values of one type: such
        a row counts as one record per value (150 customers on one line are 150 people)."""
        most = dict(self.crowded)
        for record, values in self.row_current.values():
            if len(values) > ROW_MAX_SAME:
                most[record] = max(most.get(record, 0), len(values))
        return sum(n - 1 for n in most.values())

    def counts(self) -> dict[str, TypeCount]:
        out: dict[str, TypeCount] = {}
        for data_type in sorted(self.values):
            out[data_type] = TypeCount(
                matches=self.match_count(data_type, Confidence.LOW),
                distinct=self.distinct(data_type, Confidence.LOW),
                by_confidence={c.label: self.distinct(data_type, c) for c in Confidence},
                saturated=data_type in self.saturated,
            )
        return out
