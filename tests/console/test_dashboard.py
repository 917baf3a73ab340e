"""The dashboard's figures from a real audit trail (AuditLog writes, chained), and its pages over
HTTP: officers and auditors see everything, an approver only their department; the CSV export
and the monthly report are audited; names from mail and configuration are escaped in SVG and HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dlp.actions.audit import AuditLog
from dlp.console.stats import age_bucket, aggregate, month_window, window
from tests.console.conftest import ACCOUNTING, SALES

DEPARTMENTS = {"営業部": [SALES], "経理部": [ACCOUNTING]}
OUTSIDER = "yamada@other.example.com"
XSS_CLAUSE = "<script>alert('clause')</script>"
XSS_SENDER = '"><svg onload=alert(1)>@example.co.jp'


def verdict(audit: AuditLog, **fields: object) -> None:
    """A verdict line as the gateway and the watcher write it (dlp.actions.audit.AuditLog.verdict)."""
    audit.write("verdict", **{"records": 1, "counts": {}, "fingerprints": {}, "samples": {}, **fields})


def write_trail(audit: AuditLog) -> None:
    verdict(audit, channel="mail", action="quarantine", clause="customer-list", sender=SALES,
            counts={"PHONE": 20, "PERSON": 20}, quarantine_id="Q1")  # fmt: skip
    verdict(audit, channel="mail", action="block", clause="my-number", sender=ACCOUNTING,
            counts={"MY_NUMBER": 1}, quarantine_id="Q2")  # fmt: skip
    verdict(audit, channel="mail", action="warn", clause="contact-data", sender=OUTSIDER, counts={"PHONE": 1})
    verdict(audit, channel="watch", action="allow", item="share/readme.txt")
    verdict(audit, channel="watch", action="quarantine", clause="customer-list", counts={"PERSON": 12},
            quarantine_id="Q3")  # fmt: skip
    audit.write("quarantine.release", entry_id="Q1", channel="mail", actor="console:officer1", to="next hop")
    audit.write("quarantine.delete", entry_id="Q2", channel="mail", actor="console:officer1", note="rejected: 不可")
    audit.write("quarantine.delete", entry_id="Q3", channel="watch", actor="dlp", note="retention")
    audit.write("console.list", actor="console:officer1", count=3)  # not a verdict: not counted


@pytest.fixture()
def trail(tmp_path: Path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.jsonl", chain_key=b"k" * 32)
    write_trail(audit)
    with audit.path.open("a", encoding="utf-8") as fh:
        fh.write('{"ts": "2026-11-30T10:00:00+09:00", "event": "verd')  # a torn line (crash)
    return audit


def test_figures_of_a_week(trail: AuditLog) -> None:
    today = dt.date.today()
    s = aggregate(trail.read(unreadable=True), *window(today, 7), departments=DEPARTMENTS)
    assert len(s.days) == 7 and s.days[-1] == today.isoformat()
    assert s.verdicts == 5 and s.skipped == 1
    assert dict(s.per_day_channel[today.isoformat()]) == {"mail": 3, "watch": 2}
    assert dict(s.per_day_type[today.isoformat()]) == {"PHONE": 2, "PERSON": 2, "MY_NUMBER": 1}
    assert dict(s.actions) == {"quarantine": 2, "block": 1, "warn": 1, "allow": 1}
    assert s.clauses.most_common(1) == [("customer-list", 2)]
    assert dict(s.senders) == {SALES: 1, ACCOUNTING: 1, OUTSIDER: 1}  # allow verdicts are not in the tops
    assert dict(s.departments) == {"営業部": 1, "経理部": 1, "(未設定 / unmapped)": 1}
    assert dict(s.decisions) == {"released": 1, "rejected": 1, "deleted": 1}
    assert s.release_ratio() == 0.5
    assert s.series(s.per_day_channel, ["mail"])["mail"] == [0] * 6 + [3]


def test_an_approver_sees_only_their_department(trail: AuditLog) -> None:
    s = aggregate(trail.read(), *window(dt.date.today(), 7), departments=DEPARTMENTS, department="営業部")
    assert s.verdicts == 1 and dict(s.senders) == {SALES: 1}
    assert dict(s.departments) == {"営業部": 1}
    assert dict(s.decisions) == {"released": 1}  # Q2 (経理部) and Q3 (a file) are not theirs
    assert s.release_ratio() == 1.0
    # a decision on an entry whose verdict is not among the lines read: the store names its sender
    trail.write("quarantine.release", entry_id="Q9", channel="mail", actor="console:officer1")
    s = aggregate(
        trail.read(),
        *window(dt.date.today(), 7),
        departments=DEPARTMENTS,
        department="営業部",
        entry_senders={"Q9": SALES},
    )
    assert dict(s.decisions) == {"released": 2}
    other = aggregate(trail.read(), *window(dt.date.today(), 7), departments=DEPARTMENTS, department="経理部")
    assert dict(other.decisions) == {"rejected": 1}  # Q9 unknown without the store: nobody's


def test_the_window_moves_over_days(trail: AuditLog) -> None:
    later = dt.date.today() + dt.timedelta(days=10)
    assert aggregate(trail.read(), *window(later, 7), departments=DEPARTMENTS).verdicts == 0
    s = aggregate(trail.read(), *window(later, 30), departments=DEPARTMENTS)
    assert s.verdicts == 5 and s.days.index(dt.date.today().isoformat()) == 19
    assert s.series(s.per_day_channel, ["watch"])["watch"][19] == 2 and sum(s.decisions.values()) == 3


def test_month_window_and_age_buckets() -> None:
    assert month_window("2026-11") == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert month_window("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    for bad in ("2026-13", "202611", "2026-1", "x"):
        with pytest.raises(ValueError):
            month_window(bad)
    assert [age_bucket(h) for h in (0.5, 1, 5, 30, 100, 200)] == ["<1h", "1-4h", "4-24h", "1-3d", "3-7d", ">7d"]


# ---- the pages over HTTP ------------------------------------------------------------------


def held_with_verdicts(console_services, hold_mail):
    """Two held mails (営業部, 経理部) and the verdict lines the gateway wrote for them."""
    own, other = hold_mail(), hold_mail(ACCOUNTING)
    audit = console_services.audit
    verdict(audit, channel="mail", action="quarantine", clause="customer-list", sender=SALES,
            counts={"PHONE": 20}, quarantine_id=own.id)  # fmt: skip
    verdict(audit, channel="mail", action="quarantine", clause="bulk-names", sender=ACCOUNTING,
            counts={"PERSON": 20}, quarantine_id=other.id)  # fmt: skip
    return own, other


def events(console_services, name: str) -> list[dict]:
    return [r for r in console_services.audit.read() if r.get("event") == name]


def test_officer_and_auditor_see_everything(client_for, console_services, hold_mail) -> None:
    held_with_verdicts(console_services, hold_mail)
    for user in ("officer1", "auditor1"):
        page = client_for(user).get("/dashboard")
        assert page.status_code == 200
        assert "ダッシュボード" in page.text and SALES in page.text and ACCOUNTING in page.text
        assert "bulk-names" in page.text and "経理部" in page.text
        assert re.search(r'id="verdicts">2<', page.text)
        assert "<title" in page.text and 'role="img"' in page.text  # accessible charts
        assert re.search(r'<tr><td>&lt;1h</td><td class="num">2</td></tr>', page.text)  # both just held
    assert [e["actor"] for e in events(console_services, "console.dashboard")] == [
        "console:officer1",
        "console:auditor1",
    ]
    english = client_for("officer1").get("/dashboard?days=30&lang=en").text
    assert "Verdicts per day by channel" in english and english.count('<tr><th scope="row">') >= 30


def test_an_approver_sees_only_their_department_over_http(client_for, console_services, hold_mail) -> None:
    held_with_verdicts(console_services, hold_mail)
    client = client_for("approver_sales")
    page = client.get("/dashboard").text
    assert SALES in page and ACCOUNTING not in page and "bulk-names" not in page and "経理部" not in page
    assert re.search(r'id="verdicts">1<', page)
    assert re.search(r'<tr><td>&lt;1h</td><td class="num">1</td></tr>', page)  # only their held mail
    data = client.get("/dashboard.csv").content.decode("utf-8-sig")
    assert SALES in data and ACCOUNTING not in data
    assert events(console_services, "console.dashboard")[-1]["department"] == "営業部"


def test_signed_out_is_sent_to_login(client_for) -> None:
    for path in ("/dashboard", "/dashboard.csv", "/report"):
        r = client_for(None).get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def test_csv_export_is_audited_and_holds_counts_only(client_for, console_services, hold_mail) -> None:
    held_with_verdicts(console_services, hold_mail)
    r = client_for("officer1").get("/dashboard.csv?days=30")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["table", "key", "detail", "count"]
    assert ["top_clauses", "customer-list", "", "1"] in rows
    assert ["top_departments", "経理部", "", "1"] in rows
    assert ["held_age", "<1h", "", "2"] in rows
    assert sum(1 for row in rows if row[0] == "per_day_channel") == 1  # one day with verdicts
    # nothing but names and counts: no masked sample, no fingerprint, no finding
    held = console_services.quarantine.get(hold_mail().id)
    assert all(len(row) == 4 and row[3].isdigit() for row in rows[1:])
    assert held.id not in r.text
    (export,) = events(console_services, "console.dashboard_export")
    assert export["actor"] == "console:officer1" and export["days"] == 30 and export["rows"] == len(rows) - 1


def test_monthly_report(client_for, console_services, hold_mail) -> None:
    held_with_verdicts(console_services, hold_mail)
    month = dt.date.today().strftime("%Y-%m")
    client = client_for("auditor1")
    page = client.get(f"/report?month={month}")
    assert page.status_code == 200
    assert "月次報告書 / Monthly report" in page.text and "個人情報管理責任者" in page.text
    assert "/static/report.css" in page.text and f"{month}-01" in page.text
    assert re.search(r'id="verdicts">2<', page.text)
    css = client.get("/static/report.css").text
    assert "size: A4" in css and "counter(pages)" in css
    assert client.get("/report?month=2026-13").status_code == 400
    assert client.get("/report?month=<script>").status_code == 400
    before = client.get("/report?month=2000-01").text
    assert re.search(r'id="verdicts">0<', before)
    assert [e["month"] for e in events(console_services, "console.report")] == [month, "2000-01"]


def test_names_from_mail_and_config_are_escaped(client_for, console_services) -> None:
    verdict(console_services.audit, channel="mail", action="quarantine", clause=XSS_CLAUSE, sender=XSS_SENDER)
    for path in ("/dashboard", f"/report?month={dt.date.today():%Y-%m}"):
        page = client_for("officer1").get(path).text
        assert "<script>alert" not in page and "<svg onload" not in page
        assert "&lt;script&gt;alert(&#x27;clause&#x27;)&lt;/script&gt;" in page  # in the SVG (html.escape)
        assert "&lt;script&gt;alert(&#39;clause&#39;)&lt;/script&gt;" in page  # in the tables (Jinja)
        assert "&lt;svg onload=alert(1)&gt;" in page
        for svg in re.findall(r"<svg .*?</svg>", page, flags=re.S):  # every chart is well-formed XML
            root = ET.fromstring(svg)
            assert not [
                el for el in root.iter() if el.tag.endswith("script") or any(a.startswith("on") for a in el.attrib)
            ]
