"""No raw personal value in any log line, audit line or index the suite produced.

Runs last (see conftest.py). It first drives every fixture through the parts that write logs
and records (scan, audit, quarantine, notices, with logging at DEBUG), so it means something
even when run alone, then searches every ``*.log``, ``*.jsonl`` and SQLite file under the
session's temporary folder — the session log, audit trails, daemon logs of the watcher and
gateway tests, quarantine indexes, notice outboxes — for the fixtures' raw values.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.services import Services
from tests.conftest import FIXTURES
from tests.test_masked_errors import CARD, card_in_a_numeric_cell

pytestmark = pytest.mark.slow  # sweeps the logs of the whole session

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
NUMERIC = {"PHONE", "CREDIT_CARD", "MY_NUMBER", "CORPORATE_NUMBER", "PASSPORT", "DRIVERS_LICENSE", "HEALTH_INSURANCE"}


def raw_values() -> dict[str, str]:
    """value as written -> its type, for every labelled value in the fixtures."""
    values: dict[str, str] = {}
    for name, spec in EXPECTED.items():
        text = None
        if "encoding" in spec:
            text = (FIXTURES / name).read_bytes().decode(spec["encoding"])
        for v in spec["values"]:
            value = v.get("value") or (text[v["start"] : v["end"]] if text is not None else None)
            if not value:
                continue
            values[value] = v["type"]
            canonical = unicodedata.normalize("NFKC", value)
            digits = re.sub(r"\D", "", canonical)
            if v["type"] in NUMERIC and len(digits) >= 10:
                values[digits] = v["type"]  # the value without its separators
            if canonical != value:
                values[canonical] = v["type"]
    # a name is personal data however short, but 2-character strings match too much by chance
    return {value: t for value, t in values.items() if len(value.replace(" ", "")) >= 3}


def _in_a_corpus(path: Path, base: Path) -> bool:
    """Inside an evaluation corpus the detection tests write (tmp folders evalcorpus-X): its
    documents are personal data by design, and a call-centre log among them (H's
    withdraw_batch.log) is an input that names customers, not a log of ours."""
    return any(part.startswith("evalcorpus-") for part in path.relative_to(base).parts[:1])


def _written_by_dlp(path: Path) -> bool:
    """An audit trail (its lines carry "event"), not a JSON Lines export a test scans as input
    (an order export is personal data by design)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    return '"event"' in first or not first.strip()


def _texts(base: Path) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(base.rglob("*")):
        if not path.is_file() or _in_a_corpus(path, base):
            continue
        if path.suffix == ".log" or (path.suffix == ".jsonl" and _written_by_dlp(path)):
            out.append((path, path.read_text(encoding="utf-8", errors="replace")))
        elif path.suffix == ".sqlite3":
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                dump = "\n".join(line for line in db.iterdump())
            out.append((path, dump))
    return out


def _workload(tmp_path: Path, smtp_sink) -> None:
    """Every fixture through scan, audit, quarantine and notices, with every log at DEBUG."""
    config = tmp_path / "dlp.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[smtp]\nport = {smtp_sink.port}\n'
        '[notify]\nofficer = "dpo@example.co.jp"\nrate_limit = 1000\n',
        encoding="utf-8",
    )
    from dlp.config import load_config
    from dlp.settings import Settings

    loaded = load_config(config)
    services = Services(loaded)
    settings = Settings.load(loaded, keep_values=True, explain=True)  # values in memory, never in a log
    logging.getLogger("dlp").setLevel(logging.DEBUG)
    work = tmp_path / "work"
    work.mkdir()
    for name in EXPECTED:
        source = work / name
        shutil.copyfile(FIXTURES / name, source)
        verdict = scan_item(Item.from_path(source, channel="scan"), settings)
        entry = None
        if verdict.action >= Action.QUARANTINE:
            entry = services.quarantine.put_file(source, verdict, channel="scan")
        services.audit.verdict(verdict, channel="scan", item=str(source), quarantine_id=entry.id if entry else None)
        notices = services.notifier.notices_for(
            verdict, channel="scan", item=str(source), sender="tanaka@example.co.jp", quarantine_id=entry and entry.id
        )
        services.notifier.notify(notices)
        logging.getLogger("dlp.test").debug("verdict %s for %s", verdict.action.label, verdict.redact(str(source)))
    # personal values where no content is: a folder's name, an exception that quotes a cell
    phone = next(value for value, data_type in raw_values().items() if data_type == "PHONE" and "-" in value)
    folder = work / f"顧客_{phone}"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "card_memo.txt", folder / "card_memo.txt")
    card_in_a_numeric_cell(folder / "payments.xlsx")
    for source in sorted(folder.iterdir()):
        verdict = scan_item(Item.from_path(source, channel="scan"), settings)
        entry = services.quarantine.put_file(source, verdict, channel="scan")
        services.audit.verdict(verdict, channel="scan", item=str(source), folder=str(folder), quarantine_id=entry.id)
        services.notifier.notify(
            services.notifier.notices_for(
                verdict, channel="scan", item=str(source), sender="tanaka@example.co.jp", quarantine_id=entry.id
            )
        )
        logging.getLogger("dlp.test").info(
            "held %s",
            verdict.redact(str(source)),
            extra={"fields": {"unscannable": [verdict.redact(u.detail) for u in verdict.unscannable]}},
        )
    services.notifier.deliver()
    for entry in services.quarantine.list():
        services.quarantine.delete(entry.id, actor="test")


def test_no_raw_value_in_any_log_audit_or_index(tmp_path: Path, tmp_path_factory, smtp_sink) -> None:
    _workload(tmp_path, smtp_sink)
    for handler in logging.getLogger().handlers:
        handler.flush()
    values = raw_values()
    assert len(values) > 200, "the fixtures' labels did not load"
    assert CARD in values
    texts = _texts(tmp_path_factory.getbasetemp())
    names = {p.name for p, _ in texts}
    assert {"session.log", "audit.jsonl", "index.sqlite3", "notify.sqlite3"} <= names, names
    leaks = []
    for path, text in texts:
        for value, data_type in values.items():
            if value in text:
                line = next(line for line in text.splitlines() if value in line)
                leaks.append(f"{path}: {data_type} {value!r} in: {line[:200]}")
    assert not leaks, "raw personal values written:\n" + "\n".join(leaks[:30])


@pytest.fixture(autouse=True)
def _debug_everything() -> None:
    logging.getLogger().setLevel(logging.DEBUG)
