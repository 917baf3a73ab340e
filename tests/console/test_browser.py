"""The console in a real browser: Debian's chromium driven by Selenium through chromium-driver,
against `uvicorn` on loopback. An officer signs in, releases one customer list (delivered once)
and rejects another (never sent); an approver signs in in English. Screenshots are kept in the
test's tmp folder. Without chromium the tests fail: a console never seen in a browser is not
tested (apt: chromium chromium-driver fonts-noto-cjk, installed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

from dlp.console.app import create_app
from dlp.masking import mask_text
from tests.console.conftest import PASSWORD
from tests.smtp_sink import free_port

pytestmark = pytest.mark.slow  # starts uvicorn and chromium


@pytest.fixture()
def server(console_services, accounts, settings) -> Iterator[str]:
    """The console on 127.0.0.1 over plain HTTP (cookies without Secure: loopback only)."""
    app = create_app(
        console_services, secure=False, accounts=accounts, mask=lambda text: mask_text(text, settings.engine)
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "install Debian's chromium and chromium-driver (see .ci/run)"
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: no network look-ups
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--window-size=1280,900", "--lang=ja"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(driver))
    chrome.implicitly_wait(5)  # elements of the page a form post leads to
    yield chrome
    problems = [m["message"] for m in chrome.get_log("browser") if "Content Security Policy" in m["message"]]
    chrome.quit()
    assert problems == []  # no inline script or style slipped into a page


def shot(browser: webdriver.Chrome, tmp_path: Path, name: str) -> None:
    path = tmp_path / "screenshots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 1000


def submit(browser: webdriver.Chrome, button: str) -> None:
    """Click a form's button and wait until the page it posts to has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, button).click()
    WebDriverWait(browser, 10).until(staleness_of(page))


def sign_in(browser: webdriver.Chrome, base: str, user: str) -> None:
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "user").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, "signin")


def test_officer_releases_one_and_rejects_another(
    server, browser, hold_mail, console_services, smtp_sink, tmp_path
) -> None:
    released, rejected = hold_mail(), hold_mail(subject="顧客リスト（再送）")
    sign_in(browser, server, "officer1")
    assert "保留一覧" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, tmp_path, "01-queue")
    browser.find_element(By.LINK_TEXT, released.id).click()
    assert browser.find_element(By.ID, "state").text == "held"
    shot(browser, tmp_path, "02-detail")
    browser.find_element(By.ID, "release-reason").send_keys("取引先との契約に基づく送付")
    submit(browser, "release")
    assert browser.find_element(By.ID, "done").text == "解放しました。"
    assert browser.find_element(By.ID, "state").text == "released"
    assert "取引先との契約に基づく送付" in browser.find_element(By.ID, "history").text
    shot(browser, tmp_path, "03-released")
    browser.back()  # the form again, posted a second time: the store refuses a second release
    browser.find_element(By.ID, "release-reason").send_keys("二重送信の試み")
    submit(browser, "release")
    assert browser.find_element(By.ID, "error").text == "操作できませんでした"
    assert len(smtp_sink.messages) == 1

    browser.get(f"{server}/entry/{rejected.id}")
    browser.find_element(By.ID, "reject-reason").send_keys("社外への顧客情報送付は不可")
    submit(browser, "reject")
    assert browser.find_element(By.ID, "state").text == "deleted"
    shot(browser, tmp_path, "04-rejected")
    assert console_services.quarantine.get(rejected.id).state == "deleted"
    assert len(smtp_sink.messages) == 1  # the rejected one never left


def test_approver_in_english_sees_own_department_and_signs_out(server, browser, hold_mail, tmp_path) -> None:
    own = hold_mail()
    sign_in(browser, server, "approver_sales")
    browser.get(f"{server}/?lang=en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Review queue"
    assert own.id in browser.find_element(By.ID, "queue").text
    shot(browser, tmp_path, "05-approver-en")
    submit(browser, "logout")
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/login"))
    browser.get(f"{server}/entry/{own.id}")
    assert browser.current_url.endswith("/login")  # the session is gone


def test_approver_approves_by_link_once(
    server, browser, hold_mail, accounts, app, console_services, smtp_sink, tmp_path
):
    from dlp.console.links import link_for

    entry = hold_mail()
    links = app.state.console.links  # the same key and used-link table as the served app
    token = link_for(
        links, console_services.quarantine, accounts, app.state.console.departments, entry.id, "approver_sales"
    )
    browser.get(f"{server}/approve/{token}")  # no sign-in: the link is the credential
    assert browser.find_element(By.ID, "state").text == "held"
    shot(browser, tmp_path, "06-approval-link")
    browser.find_element(By.ID, "comment").send_keys("取引先との契約を確認済み")
    submit(browser, "approve")
    assert "承認しました" in browser.find_element(By.ID, "decided").text
    shot(browser, tmp_path, "07-approved")
    browser.get(f"{server}/approve/{token}")  # the link again
    assert browser.find_element(By.ID, "problem").text == "このリンクは使用済みです。"
    assert len(smtp_sink.messages) == 1 and console_services.quarantine.get(entry.id).state == "released"


def test_officer_asks_for_raw_values_with_a_reason(server, browser, hold_mail, console_services, tmp_path) -> None:
    from tests.console.test_console_raw import _phones

    entry = hold_mail()
    sign_in(browser, server, "officer1")
    browser.get(f"{server}/entry/{entry.id}")
    phones = _phones()
    assert not any(p in browser.page_source for p in phones)  # masked until asked
    browser.find_element(By.ID, "raw-reason").send_keys("誤検知かどうかの確認")
    submit(browser, "raw")
    table = browser.find_element(By.ID, "raw-findings").text
    assert sum(p in table for p in phones) >= 10
    shot(browser, tmp_path, "08-raw-values")
    browser.get(f"{server}/entry/{entry.id}")
    assert not any(p in browser.page_source for p in phones)
    views = [x for x in console_services.audit.read() if x["event"] == "console.raw_view"]
    assert len(views) == 1 and views[0]["reason"] == "誤検知かどうかの確認"
