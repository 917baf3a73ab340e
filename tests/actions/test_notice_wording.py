"""Notices speak of what happened on their channel: a file saved in a watched folder was kept
or moved, not "sent" or "not delivered"; a mail keeps the mail wording."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from dlp.model import Item, Verdict
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from dlp.services import Services
from tests.conftest import FIXTURES

MAIL_WORDS = ("送信", "相手", "届いて", "送り先", "宛先", "delivered", "sent ", "recipients")


def _verdict(settings, name: str, channel: str) -> Verdict:
    return scan_item(Item.from_path(FIXTURES / name, channel=channel), settings, ScanContext(channel=channel))


@pytest.mark.parametrize(
    ("name", "action", "subject"),
    [
        ("call_notes.txt", "warn", "[DLP] 個人情報を含む可能性があります（保存されたファイル）"),
        ("customers_cp932.csv", "quarantine", "[DLP] ファイルを隔離しました / File held for review"),
        ("card_memo.txt", "block", "[DLP] ファイルを隔離しました（持ち出し不可）"),
    ],
)
def test_watched_files_get_file_wording(services: Services, settings, name: str, action: str, subject: str) -> None:
    verdict = _verdict(settings, name, "watch")
    assert verdict.action.label == action
    held = "Q20261130-0a1b2c3d" if action != "warn" else None
    notices = services.notifier.notices_for(
        verdict,
        channel="watch",
        item=f"/srv/export/{name}",
        sender="owner@example.co.jp",
        quarantine_id=held,
        officer_from=verdict.action,  # the watcher tells the officer from warn up
    )
    owner, officer = notices
    assert owner.subject.startswith(subject)
    assert owner.body.index("監視しているフォルダ") < owner.body.index("English")  # Japanese first
    assert f"/srv/export/{name}" in owner.body and "ファイル  :" in owner.body
    if held:
        assert held in owner.body and ".dlp.txt" in owner.body
    assert "所有者    : owner@example.co.jp" in officer.body and "Owner     : owner@example.co.jp" in officer.body
    for notice in (owner, officer):
        text = notice.subject + notice.body
        assert not [w for w in MAIL_WORDS if w in text], text


def test_mail_keeps_mail_wording(services: Services, settings) -> None:
    verdict = scan_item(
        Item.from_path(FIXTURES / "customers_cp932.csv", channel="mail"),
        settings,
        ScanContext(channel="mail", external_recipients=True),
    )
    sender, officer = services.notifier.notices_for(
        verdict,
        channel="mail",
        item="件名: 顧客一覧",
        sender="sato@example.co.jp",
        recipients=["buyer@example.net"],
        quarantine_id="Q1",
    )
    assert sender.subject.startswith("[DLP] 送信を保留しました") and "まだ相手には届いていません" in sender.body
    assert "送信者" in officer.body and "example.net" in officer.body


def test_every_packaged_template_fills_every_placeholder(services: Services, settings) -> None:
    verdict = _verdict(settings, "card_memo.txt", "watch")
    values = services.notifier._values(verdict, "watch", "/srv/export/x.txt", "o@example.co.jp", None, "Q1")
    values |= {"recipient_name": "ご担当者", "release_ja": "-", "release_en": "-"}
    # 上長承認 (dlp/console/approval.py): the link and its expiry, the decision told to the sender
    approval = ("link", "expires_at", "timeout_ja", "timeout_en", "decision_ja", "decision_en", "outcome_ja")
    values |= dict.fromkeys((*approval, "outcome_en", "cancel_link", "release_at"), "-")
    folder = resources.files("dlp").joinpath("templates")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    assert {"notice_owner_warn.txt", "notice_owner_quarantine.txt", "notice_owner_block.txt"} <= set(names)
    for name in names:
        text = services.notifier._template(name).safe_substitute(values)
        assert not re.findall(r"\$\{?[A-Za-z_]", text), name
