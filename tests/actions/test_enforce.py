"""The enforcement seam with a real store, audit trail and notice outbox: what every entry
point gets from it, and what differs by channel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dlp.actions.enforce import BY_HAND, CHANNELS, ChannelRules, Enforcement
from dlp.actions.entries import Envelope
from dlp.model import Action, Verdict
from dlp.services import Services
from tests.conftest import FIXTURES


def _verdict(name: str, action: Action) -> Verdict:
    return Verdict(name, action, "test", "保留", "held", {}, 0, [])


def _audit(services: Services) -> list[dict]:
    path = services.config.path_of("audit", "file", "audit.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_held_file_carries_its_id_and_is_on_record(services: Services, tmp_path: Path) -> None:
    source = tmp_path / "card_memo.txt"
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    verdict = _verdict(str(source), Action.BLOCK)
    enforcement = Enforcement(services, "scan", actor="suzuki")
    entry = enforcement.hold_file(source, verdict)
    enforcement.record(verdict, item=str(source), enforced="held", quarantine_id=entry.id)
    assert verdict.quarantine_id == entry.id
    assert services.quarantine.get(entry.id).channel == "scan"
    (line,) = [r for r in _audit(services) if r["event"] == "verdict"]
    assert line["channel"] == "scan" and line["quarantine_id"] == entry.id and line["enforced"] == "held"


def test_a_held_mail_keeps_its_envelope(services: Services) -> None:
    data = (FIXTURES / "mail_iso2022jp.eml").read_bytes()
    verdict = _verdict("mail:<x@example.co.jp>", Action.QUARANTINE)
    envelope = Envelope("tanaka@example.co.jp", ("partner@example.net",))
    entry = Enforcement(services, "mail", actor="dlp-gateway").hold_mail(data, verdict, envelope, locator="mail:x")
    held = services.quarantine.get(entry.id, private=True)
    assert held.channel == "mail" and held.private["rcpt_tos"] == ["partner@example.net"]
    assert verdict.quarantine_id == entry.id and services.quarantine.content(entry.id) == data


@pytest.mark.parametrize(
    ("channel", "rules", "action", "expected"),
    [
        ("watch", None, Action.WARN, 2),  # the folder's owner and the officer: nobody watches a share
        ("mail", None, Action.WARN, 1),  # the sender; the officer from quarantine up
        ("mail", None, Action.QUARANTINE, 2),
        ("scan", None, Action.BLOCK, 0),  # the person who ran the command reads the output
        ("mail", BY_HAND, Action.BLOCK, 0),  # an officer's own hold
    ],
)
def test_who_is_told_is_the_channels_business(
    services: Services, channel: str, rules: ChannelRules | None, action: Action, expected: int
) -> None:
    enforcement = Enforcement(services, channel, actor="dlp", rules=rules)
    enforcement.notify(_verdict("item", action), item="item", sender="tanaka@example.co.jp")
    assert services.notifier.outbox.pending() == expected


def test_an_unknown_channel_is_refused(services: Services) -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        Enforcement(services, "telepathy", actor="dlp")
    assert "telepathy" not in CHANNELS
