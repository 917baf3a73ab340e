"""Detection quality on the evaluation corpus (scripts/evalcorpus): P/R/F1, negatives, verdicts.

    python -m bench.eval_detection                # both sets, 300 documents each
    python -m bench.eval_detection --docs 60 --sets A

Every document goes through the real pipeline (``dlp.pipeline.scan_item``, default rules and
policy, file channel) with the corpus company's own phone, fax, address, 〒, account and mail
domain on the policy's allow list, as an install would have them.

Scoring, per document, findings at medium confidence or above (what the policy counts):
- ``exact`` (the headline): a finding is a true positive when its type equals a label's and
  its span is the label's span (text and CSV: the same start and end in the decoded text;
  xlsx: the same sheet row and the same value). ``overlap``: same type and the spans overlap
  (xlsx: same row, one value contains the other). Each label is matched at most once. Where an
  extractor's offsets are not into the file's text (a .txt that starts with a ``From:`` line is
  read as a mail), the values are compared instead (NFKC; equal, or one containing the other).
- A finding of type BUSINESS_CONTACT, or with a ``business`` role, counts as BUSINESS_CONTACT.
  A personal-type finding on a business contact is a false positive of that type. The micro
  average is over personal types only; BUSINESS_CONTACT is reported apart. The company's own
  (allow-listed) contacts are not expected to be found at all. CORPORATE_NUMBER findings are
  ignored (a company's number, not personal data; an invoice number T+13 digits contains one).
- In a table, P/R/F1 count the first 40 rows only (``scored``): otherwise the few bulk exports
  (100+ rows, 4 name cells a row when names and readings are split) outweigh every other
  layout and a set's figures swing with their column layout. Verdicts see the whole file.
- Negative documents (no customer personal data) are flagged when their verdict is not allow.
- Verdict accuracy compares the verdict with the action the labels imply under the default
  policy (scripts/evalcorpus/model.py expected_action).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dlp.config import load_config
from dlp.detect.normalise import normalise_text
from dlp.detect.rules import default_rules_dir
from dlp.model import Confidence, Finding, Item
from dlp.pipeline import scan_item
from dlp.settings import Settings
from scripts.evalcorpus.build import write_set
from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import ACTIONS, Doc, Label
from scripts.evalcorpus.office import split_title

KEY = b"dlp-eval-corpus-fingerprint-key0"
BUSINESS = "BUSINESS_CONTACT"
SCORED_ROWS = 40  # P/R/F1 count at most this many rows of a table (see ``scored``)
IGNORED = {"CORPORATE_NUMBER"}  # a company's number (T + 13 digits is one): neither personal nor scored
ROW = re.compile(r"#row(\d+)")


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def prf(self, t: str | None = None) -> tuple[float, float, float, int]:
        if t is None:  # micro over personal types
            tp, fp, fn = (sum(v for k, v in c.items() if k != BUSINESS) for c in (self.tp, self.fp, self.fn))
        else:
            tp, fp, fn = self.tp[t], self.fp[t], self.fn[t]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0), tp + fn


@dataclass
class Result:
    name: str
    exact: Score = field(default_factory=Score)
    by_layout: dict[str, Score] = field(default_factory=dict)  # "text" | "table": exact scores
    overlap: Score = field(default_factory=Score)
    business_as_personal: int = 0  # personal-type findings on a business contact (exact or overlap)
    verdicts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)
    negatives: int = 0
    negatives_flagged: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (doc, expected, got)
    families: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (family, verdict right)
    held: Counter[tuple[str, bool]] = field(default_factory=Counter)  # lists of 10+ people: (layout, held)

    @property
    def verdict_accuracy(self) -> float:
        total = sum(self.verdicts.values())
        return sum(v for (e, g), v in self.verdicts.items() if e == g) / total if total else 0.0

    @property
    def negatives_flagged_share(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0


def allow_policy(own: Company, folder: Path) -> Path:
    """rules/policy.yaml with the corpus company's own contact details on the allow list."""
    text = (default_rules_dir() / "policy.yaml").read_text(encoding="utf-8")
    start, end = text.index("allow:\n"), text.index("  domains: []\n") + len("  domains: []\n")
    street_only = own.address.split(" ")[0]
    block = (
        "allow:\n  values:\n"
        f"    PHONE: [{json.dumps(own.phone)}, {json.dumps(own.fax)}]\n"
        f"    ADDRESS: [{json.dumps(own.address, ensure_ascii=False)}, {json.dumps(street_only, ensure_ascii=False)}]\n"
        f"    POSTAL_CODE: [{json.dumps(own.postal)}]\n"
        f"    BANK_ACCOUNT: [{json.dumps(own.bank)}]\n"
        f"  domains: [{json.dumps(own.domain)}]\n"
    )
    path = folder / "policy.yaml"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return path


def settings_for(own: Company, folder: Path) -> Settings:
    return Settings.load(
        load_config(None, search=False), policy_path=allow_policy(own, folder), keep_values=True, key=KEY
    )


def _type(f: Finding) -> str:
    """BUSINESS_CONTACT for a business contact however it is marked (its own type, a ``role``,
    or a ``business`` flag: issue 10 leaves the choice to its implementer)."""
    role = str(getattr(f, "role", None) or "").lower()
    business = f.type == BUSINESS or role in {"business", "business_contact"} or getattr(f, "business", False) is True
    return BUSINESS if business else f.type


def _norm(text: str) -> str:
    """The form values are compared in: the engine's own normalisation (NFKC, dashes folded:
    070ー2440ー9768 is reported as 070-2440-9768 and is the same value)."""
    return normalise_text(unicodedata.normalize("NFKC", text)).strip()


def _by_span(label: Label, f: Finding, exact: bool) -> bool:
    if label.start is None or label.end is None:
        return False
    if exact:
        return (f.start, f.end) == (label.start, label.end)
    return f.start < label.end and label.start < f.end


def _by_value(label: Label, f: Finding, exact: bool, xlsx: bool) -> bool:
    """xlsx: the same sheet row and value. Elsewhere the fallback for extractors whose offsets
    are not into the file's text (a .txt that starts with a mail header is read as a mail)."""
    if xlsx:
        m = ROW.search(f.locator)
        if not m or int(m.group(1)) != label.row:
            return False
    a, b = _norm(f.value or ""), _norm(label.value)
    return a == b if exact else bool(a) and (a in b or b in a)


def scored(doc: Doc, findings: list[Finding]) -> tuple[list[Label], list[Finding]]:
    """The labels and findings that count for P/R/F1: in a table only the first SCORED_ROWS rows
    from the first labelled one (a bulk export would otherwise outweigh every other layout and
    a set's figures would hinge on the layout of its few bulk lists). Verdicts see everything."""
    if not doc.rows or not doc.labels:
        return doc.labels, findings
    titles = len(doc.rows) - len(split_title(doc.rows)[1]) if doc.name.endswith((".docx", ".html")) else 0
    last = min(lb.row or 1 for lb in doc.labels) + SCORED_ROWS - 1

    def row_of(f: Finding) -> int | None:
        rows = ROW.findall(f.locator)
        return int(rows[-1]) + titles if rows else None

    return [lb for lb in doc.labels if (lb.row or 0) <= last], [
        f for f in findings if (row := row_of(f)) is None or row <= last
    ]


def score_doc(doc: Doc, findings: list[Finding], score: Score, exact: bool) -> int:
    """Adds one document's counts to ``score``; returns personal findings on business contacts.

    Spans are matched first (so that a value written twice is matched in place), then values."""
    xlsx = doc.name.endswith(".xlsx")
    labels, findings = scored(doc, [f for f in findings if _type(f) not in IGNORED])
    used: set[int] = set()
    left = []
    for f in findings:
        t = _type(f)
        hit = None
        if not xlsx:
            hit = next(
                (i for i, lb in enumerate(labels) if i not in used and lb.type == t and _by_span(lb, f, exact)),
                None,
            )
        if hit is None:
            left.append(f)
        else:
            used.add(hit)
            score.tp[t] += 1
    on_business = 0
    for f in left:
        t = _type(f)
        hit = next(
            (i for i, lb in enumerate(labels) if i not in used and lb.type == t and _by_value(lb, f, exact, xlsx)),
            None,
        )
        if hit is not None:
            used.add(hit)
            score.tp[t] += 1
            continue
        score.fp[t] += 1
        if t != BUSINESS and any(
            lb.type == BUSINESS and ((not xlsx and _by_span(lb, f, False)) or _by_value(lb, f, False, xlsx))
            for lb in labels
        ):
            on_business += 1
    for i, lb in enumerate(labels):
        if i not in used and not lb.own:
            score.fn[lb.type] += 1
    return on_business


def evaluate(name: str, docs: list[Doc], own: Company, folder: Path) -> Result:
    settings = settings_for(own, folder)
    res = Result(name)
    for doc in docs:
        verdict = scan_item(Item.from_path(folder / doc.name), settings)
        findings = [f for f in verdict.findings if f.confidence >= Confidence.MEDIUM]
        res.business_as_personal += score_doc(doc, findings, res.exact, True)
        score_doc(doc, findings, res.by_layout.setdefault("table" if doc.rows else "text", Score()), True)
        score_doc(doc, findings, res.overlap, False)
        got = verdict.action.label
        res.verdicts[(doc.expected, got)] += 1
        if got != doc.expected:
            res.wrong.append((doc.name, doc.expected, got))
        res.families[(doc.family, got == doc.expected)] += 1
        if doc.expected in {"quarantine", "block"}:
            layout = f"{doc.family}.{doc.name.rsplit('.', 1)[1]}{'/cp932' if doc.encoding == 'cp932' else ''}"
            res.held[(layout, got in {"quarantine", "block"})] += 1
        if doc.negative:
            res.negatives += 1
            res.negatives_flagged += got != "allow"
    return res


def run_set(name: str, n_docs: int, folder: Path | None = None) -> Result:
    with tempfile.TemporaryDirectory(prefix=f"dlp-eval-{name}-") as tmp:
        where = folder / name if folder else Path(tmp)
        docs, own = write_set(name, where, n_docs)
        return evaluate(name, docs, own, where)


def report(res: Result, verbose: bool = False) -> str:
    lines = [
        f"== set {res.name} ==",
        f"{'type':<18}{'P':>7}{'R':>7}{'F1':>7}{'n':>7}   overlap: {'P':>6}{'R':>6}{'F1':>6}",
    ]
    types = sorted(set(res.exact.tp) | set(res.exact.fp) | set(res.exact.fn), key=lambda t: (t == BUSINESS, t))
    for t in types:
        p, r, f1, n = res.exact.prf(t)
        op, orr, of1, _ = res.overlap.prf(t)
        lines.append(f"{t:<18}{p:7.3f}{r:7.3f}{f1:7.3f}{n:7d}            {op:6.3f}{orr:6.3f}{of1:6.3f}")
    p, r, f1, n = res.exact.prf()
    op, orr, of1, _ = res.overlap.prf()
    lines.append(f"{'micro (personal)':<18}{p:7.3f}{r:7.3f}{f1:7.3f}{n:7d}            {op:6.3f}{orr:6.3f}{of1:6.3f}")
    for layout, sc in sorted(res.by_layout.items()):
        p, r, f1, n = sc.prf()
        pp, pr, pf1, pn = sc.prf("PERSON")
        micro = f"micro P {p:.3f} R {r:.3f} F1 {f1:.3f} (n {n})"
        lines.append(f"  {layout:<6} {micro}; PERSON P {pp:.3f} R {pr:.3f} F1 {pf1:.3f} (n {pn})")
    lines.append(f"personal-type findings on business contacts: {res.business_as_personal}")
    lines.append(
        f"negative documents flagged: {res.negatives_flagged}/{res.negatives} = {res.negatives_flagged_share:.1%}"
    )
    lines.append(f"verdict accuracy: {res.verdict_accuracy:.3f} ({sum(res.verdicts.values())} documents)")
    lines.append("confusion (rows expected, columns got): " + " ".join(f"{a:>10}" for a in ACTIONS))
    for e in ACTIONS:
        lines.append(f"{'':39}{e:<10}" + " ".join(f"{res.verdicts[(e, g)]:>10}" for g in ACTIONS))
    fams = sorted({f for f, _ in res.families})
    lines.append(
        "verdicts right per family: "
        + ", ".join(f"{f} {res.families[(f, True)]}/{res.families[(f, True)] + res.families[(f, False)]}" for f in fams)
    )
    layouts = sorted({k for k, _ in res.held})
    held = ", ".join(f"{k} {res.held[(k, True)]}/{res.held[(k, True)] + res.held[(k, False)]}" for k in layouts)
    lines.append(f"held (quarantine or block) where expected, per layout: {held}")
    if verbose:
        lines += [f"  {d}: expected {e}, got {g}" for d, e, g in res.wrong]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="Detection quality on the evaluation corpus")
    ap.add_argument("--docs", type=int, default=300, help="documents per set")
    ap.add_argument("--sets", default="A,B")
    ap.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list documents with a wrong verdict")
    ap.add_argument("--json", type=Path, help="also write the figures to this file (for comparing runs)")
    args = ap.parse_args()
    results = [run_set(name, args.docs, args.keep) for name in args.sets.split(",")]
    for res in results:
        print(report(res, args.verbose))
    if args.json:
        args.json.write_text(json.dumps({r.name: summary(r) for r in results}, indent=1), encoding="utf-8")


def summary(res: Result) -> dict[str, object]:
    """The figures of one set, as plain data."""
    types = sorted(set(res.exact.tp) | set(res.exact.fp) | set(res.exact.fn))
    return {
        "micro": dict(zip("prfn", res.exact.prf(), strict=True)),
        "micro_overlap": dict(zip("prfn", res.overlap.prf(), strict=True)),
        "types": {t: dict(zip("prfn", res.exact.prf(t), strict=True)) for t in types},
        "negatives_flagged": res.negatives_flagged_share,
        "verdict_accuracy": res.verdict_accuracy,
        "confusion": {f"{e}->{g}": n for (e, g), n in sorted(res.verdicts.items())},
    }


if __name__ == "__main__":
    main()
