"""`--format sarif`: SARIF 2.1.0, so code-scanning consoles and SARIF viewers read a scan.

One run; ``tool.driver.rules`` is the rule pack (id, English and Japanese names and
descriptions, type, severity) plus one rule per unscannable cause met; one result per finding
and per unscannable reason. A result carries only the masked value (``--show-values`` adds the
value), a keyed fingerprint as its partial fingerprint, and its item's verdict and clause.

Locations: a finding in a file's own decoded text (a plain-text file, a CSV's row) gets the
file with line and column; anything inside a container (a PDF page, a sheet, a ZIP member, a
mail part) gets the file plus a logical location holding the locator. Paths and locators are
masked as everywhere else (``Verdict.redact``). Result level follows the item's verdict
(allow: note, warn: warning, quarantine/block: error), so a viewer sorts what the policy acts on
first; a rule's default level follows its severity.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from dlp import __version__
from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from dlp.model import Action, Finding, Severity, Unscannable, Verdict
from dlp.policy import type_name_ja

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL_BY_ACTION = {
    Action.ALLOW: "note",
    Action.WARN: "warning",
    Action.APPROVAL: "error",
    Action.QUARANTINE: "error",
    Action.BLOCK: "error",
}
LEVEL_BY_SEVERITY = {
    Severity.LOW: "note",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "error",
    Severity.CRITICAL: "error",
}
UNSCANNABLE_RULE = "dlp.unscannable."
SRCROOT = "SRCROOT"
COLUMNS_UP_TO_BYTES = 64 * 1024 * 1024  # a larger text file is not decoded again for columns
_ROW = re.compile(r"#row\d+")


class SarifWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, rules: Iterable[Any] = (), **_: object) -> None:
        self.out = out
        self.show_values = show_values
        self.rules: list[dict[str, Any]] = [_rule_descriptor(r) for r in rules]
        self.index = {r["id"]: n for n, r in enumerate(self.rules)}
        self.results: list[dict[str, Any]] = []
        self.artifacts: list[dict[str, Any]] = []

    def write(self, verdict: Verdict, path: str) -> None:
        redact = (lambda text: text) if self.show_values else verdict.redact
        shown_path = redact(path)
        artifact = _artifact_location(shown_path) if path != "-" else None
        if artifact is not None:
            self.artifacts.append(
                {
                    "location": artifact,
                    "properties": {
                        "verdict": verdict.action.label,
                        "clause": verdict.clause,
                        "reason": {"ja": verdict.reason_ja, "en": verdict.reason_en},
                        "records": verdict.records,
                    },
                }
            )
        columns = _text_positions(path, verdict.locator, verdict.findings) if path != "-" else {}
        level = LEVEL_BY_ACTION[verdict.action]
        for f in verdict.findings:
            self.results.append(self._finding(f, verdict, artifact, redact, columns.get(id(f)), level))
        for u in verdict.unscannable:
            self.results.append(self._unscannable(u, verdict, artifact, redact, level))

    def close(self) -> None:
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "dlp",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": self.rules,
                }
            },
            "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "artifacts": self.artifacts,
            "results": self.results,
        }
        log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        json.dump(log, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")

    def _rule_index(self, rule_id: str, descriptor: dict[str, Any]) -> int:
        """The index of a rule in ``driver.rules``; one not in the pack (a custom engine's, an
        unscannable cause) is added when first met, so every result points at metadata."""
        if rule_id not in self.index:
            self.index[rule_id] = len(self.rules)
            self.rules.append(descriptor)
        return self.index[rule_id]

    def _finding(
        self,
        f: Finding,
        verdict: Verdict,
        artifact: dict[str, Any] | None,
        redact: Any,
        position: tuple[int, int, int | None] | None,
        level: str,
    ) -> dict[str, Any]:
        shown = f.value if self.show_values and f.value is not None else f.masked
        index = self._rule_index(f.rule, {"id": f.rule, "shortDescription": {"text": f.type}})
        location = _location(artifact, redact(f.locator), shown, position)
        properties: dict[str, Any] = {
            "type": f.type,
            "confidence": f.confidence.label,
            "severity": f.severity.label,
            "masked": f.masked,
            "locator": redact(f.locator),
            "start": f.start,
            "end": f.end,
            "verdict": verdict.action.label,
            "clause": verdict.clause,
        }
        if f.column is not None:
            properties["column_header"] = f.column
        if f.role is not None:
            properties["role"], properties["role_from"] = f.role, f.role_from
        if self.show_values and f.value is not None:
            properties["value"] = f.value
        return {
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": "note" if f.role is not None else level,
            "message": {"text": f"{type_name_ja(f.type)} ({f.type}): {shown} [{f.confidence.label}]"},
            "locations": [location],
            "partialFingerprints": {"dlpValue/v1": f.fingerprint},
            "properties": properties,
        }

    def _unscannable(
        self, u: Unscannable, verdict: Verdict, artifact: dict[str, Any] | None, redact: Any, level: str
    ) -> dict[str, Any]:
        rule_id = UNSCANNABLE_RULE + u.reason.value
        descriptor = {
            "id": rule_id,
            "name": "Unscannable",
            "shortDescription": {"text": f"could not be inspected: {u.reason.value}"},
            "fullDescription": {
                "text": "Content dlp could not read (encrypted, corrupt, over a limit); the policy decides."
            },
            "defaultConfiguration": {"level": "warning"},
            "properties": {"name_ja": "検査できない内容", "tags": ["unscannable"]},
        }
        index = self._rule_index(rule_id, descriptor)
        detail = redact(u.detail)
        return {
            "ruleId": rule_id,
            "ruleIndex": index,
            "level": level,
            "message": {"text": f"{u.reason.value}: {detail}" if detail else u.reason.value},
            "locations": [_location(artifact, redact(u.locator), None, None)],
            "properties": {"verdict": verdict.action.label, "clause": verdict.clause},
        }


def _rule_descriptor(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.type,
        "shortDescription": {"text": rule.name_en},
        "fullDescription": {"text": rule.description_en},
        "defaultConfiguration": {"level": LEVEL_BY_SEVERITY[rule.severity]},
        "properties": {
            "type": rule.type,
            "severity": rule.severity.label,
            "name_ja": rule.name_ja,
            "description_ja": rule.description_ja,
            "tags": ["personal-data", rule.type],
        },
    }


def _artifact_location(path: str) -> dict[str, Any]:
    """A relative path stays relative to the scan's folder (``SRCROOT``); an absolute one is a
    file URI. Non-ASCII names are percent-encoded, as a URI must be."""
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": SRCROOT}


def _location(
    artifact: dict[str, Any] | None, locator: str, snippet: str | None, position: tuple[int, int, int | None] | None
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if artifact is not None:
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if position is not None:
            line, column, end_column = position
            region: dict[str, Any] = {"startLine": line, "startColumn": column}
            if end_column is not None:
                region["endColumn"] = end_column
            if snippet is not None:
                region["snippet"] = {"text": snippet}
            physical["region"] = region
        location["physicalLocation"] = physical
    if position is None:
        location["logicalLocations"] = [{"fullyQualifiedName": locator, "kind": "member"}]
        if snippet is not None:
            location["message"] = {"text": snippet}
    return location


def _in_file_text(item_locator: str, finding: Finding) -> bool:
    """A finding whose offsets point into the file's own decoded text: a plain-text file, or
    a row of a CSV file (not a page, a sheet, a member or a mail part)."""
    rest = finding.locator[len(item_locator) :] if finding.locator.startswith(item_locator) else None
    return rest is not None and (rest == "" or _ROW.fullmatch(rest) is not None)


def _text_positions(path: str, item_locator: str, findings: list[Finding]) -> dict[int, tuple[int, int, int | None]]:
    """(line, column, end column or None) by ``id(finding)``, for findings in a text file's own
    decoded text: the file is decoded again as the text extractor decodes it, and a finding
    whose line disagrees with what the pipeline counted gets no column (the text changed)."""
    wanted = [f for f in findings if _in_file_text(item_locator, f)]
    if not wanted:
        return {}
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > COLUMNS_UP_TO_BYTES:
            return {}
        with open(path, "rb") as fh:
            encoding = sniff_stream(fh)
            text = "".join(iter_decoded(fh, encoding, DecodeState()))
    except (OSError, LookupError, UnicodeDecodeError):
        return {}
    out: dict[int, tuple[int, int, int | None]] = {}
    for f in wanted:
        if not 0 <= f.start <= f.end <= len(text):
            continue
        line = text.count("\n", 0, f.start) + 1
        if f.line is not None and "#row" not in f.locator and line != f.line:
            continue
        line_start = text.rfind("\n", 0, f.start) + 1
        column = f.start - line_start + 1
        end_column = column + (f.end - f.start) if "\n" not in text[f.start : f.end] else None
        out[id(f)] = (line, column, end_column)
    return out
