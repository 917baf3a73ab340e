"""The dashboard and the monthly report in Debian's chromium (Selenium, as test_browser.py):
an officer opens the week, switches to 30 days, and prints the report to PDF. Screenshots and
the PDF are kept in the test's tmp folder; a CSP violation (an inline style or script slipped
into the SVG) fails the test through the browser fixture."""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from pathlib import Path

import pypdf
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from tests.console.test_browser import browser, server, shot, sign_in  # noqa: F401 (fixtures)
from tests.console.test_dashboard import held_with_verdicts

pytestmark = pytest.mark.slow  # starts uvicorn and chromium


def test_officer_sees_the_week_and_prints_the_month(
    server,  # noqa: F811
    browser,  # noqa: F811
    hold_mail,
    console_services,
    smtp_sink,
    tmp_path: Path,
) -> None:
    own, _ = held_with_verdicts(console_services, hold_mail)
    console_services.quarantine.release(own.id, actor="console:officer1", relay=console_services.relay())
    sign_in(browser, server, "officer1")
    browser.find_element(By.ID, "nav-dashboard").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "ダッシュボード"
    assert browser.find_element(By.ID, "verdicts").text == "2"
    assert browser.find_element(By.ID, "release-ratio").text == "100%"
    chart = browser.find_element(By.ID, "chart-channel")
    assert chart.size["width"] > 300 and chart.size["height"] > 100  # drawn, not an empty box
    bars = chart.find_elements(By.TAG_NAME, "rect")
    assert bars and all(b.size["height"] > 0 for b in bars)
    assert "customer-list" in browser.find_element(By.ID, "t-clauses").text
    shot(browser, tmp_path, "10-dashboard-week")

    browser.find_element(By.ID, "days30").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#t-channel tbody tr")
    assert len(rows) == 30 and rows[-1].text.startswith(dt.date.today().isoformat())
    shot(browser, tmp_path, "11-dashboard-month")

    browser.find_element(By.ID, "report").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("月次報告書 / Monthly report")
    shot(browser, tmp_path, "12-report")
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, in cm
    pdf = tmp_path / "screenshots" / "monthly-report.pdf"
    pdf.write_bytes(base64.b64decode(browser.print_page(options)))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    pages = pypdf.PdfReader(pdf).pages
    assert round(float(pages[0].mediabox.width)) == 596 and round(float(pages[0].mediabox.height)) == 842  # A4
    # pypdf reads CJK compatibility radicals (⽉ for 月): compare NFKC forms
    first, last = (unicodedata.normalize("NFKC", p.extract_text()) for p in (pages[0], pages[-1]))
    assert f"1 / {len(pages)}" in first  # the print CSS's page counter
    assert "月次報告書" in first and "判定件数 / Verdicts 2" in first
    assert "個人情報管理責任者" in last  # the sign-off box ends the report
