"""The inventory page in a real browser (Debian's chromium through Selenium, the console tests'
driver): opened from the file system as an officer would open it from a share, the folders that
hold the customer lists are at the top of the risk ranking and of its chart, the folder named
``<script>`` is shown as text and runs nothing. The screenshot is kept in the test's tmp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from tests.console import test_browser as console_browser
from tests.inventory.conftest import dlp
from tests.inventory.test_report_html import HOSTILE, LISTS, QUIET, make_share

pytestmark = pytest.mark.slow  # inventories a share and starts chromium

browser = console_browser.browser  # the same driver fixture (fails on a CSP violation)


def test_officer_sees_customer_list_folders_first(tmp_path: Path, run_inventory, inv_config: Path, browser) -> None:
    root = make_share(tmp_path / "share")
    run_inventory(root)
    page = tmp_path / "report.html"
    assert (
        dlp(
            "inventory",
            "report",
            "--db",
            str(tmp_path / "inv.sqlite3"),
            "-c",
            str(inv_config),
            "-f",
            "html",
            "-o",
            str(page),
        )
        == 0
    )

    browser.get(page.as_uri())
    assert "個人データ棚卸しレポート" in browser.title
    rows = browser.find_elements(By.CSS_SELECTOR, "#top-table tr.top-row")
    shown = [r.find_element(By.CSS_SELECTOR, "td.folder").text for r in rows]
    assert all(r.is_displayed() for r in rows[:4])
    lists = {str(root / f) for f in LISTS}
    departments = {str(root / f.split("/")[0]) for f in LISTS}
    assert set(shown[:4]) == lists | departments, shown
    assert shown[0] in lists  # a list folder itself, not only its department
    assert not any(q in s for s in shown for q in QUIET)
    # the chart draws the same ranking: its first bar is the first row
    bars = browser.find_elements(By.CSS_SELECTOR, "svg#chart-top rect")
    assert bars and bars[0].size["width"] >= bars[-1].size["width"]
    first_bar = browser.execute_script("return document.querySelector('svg#chart-top rect title').textContent")
    assert first_bar.startswith(str(Path(shown[0]).relative_to(root)))

    # markup in folder names is text: no script ran, no element was made of it
    assert browser.execute_script("return document.scripts.length + document.images.length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
    body = browser.find_element(By.ID, "folder-table").text
    assert all(h in body for h in HOSTILE)

    browser.set_window_size(1280, 2000)
    shot = tmp_path / "screenshots" / "inventory_report.png"
    shot.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
