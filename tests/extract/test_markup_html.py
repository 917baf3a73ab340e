"""HTML as a browser shows it and as it travels: values in form fields, scripts, style sheets,
tooltips, templates, comments, entities and documents embedded as data: URIs (issue 9, item 7).

Each page is written to disk as an attacker would send it and scanned through the pipeline;
the same pages go out as the HTML body of a real MIME mail."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from pathlib import Path

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item

PHONE = "090-1234-5678"
MY_NUMBER = "1234 5678 9018"  # a valid check digit, not a real person's


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>お問い合わせ</title></head>\n'
        f"<body><h1>顧客対応</h1>\n{body}\n</body></html>\n"
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


PAGES = {
    "input_value": f'<form><label>携帯</label><input type="text" name="tel" value="{PHONE}"></form>',
    "hidden_input": f'<form><input type="hidden" name="tel" value="{PHONE}"></form>',
    "placeholder": f'<input type="tel" placeholder="携帯 {PHONE}">',
    "script_array": f'<script>const customers = [{{name: "山田", tel: "{PHONE}"}}];</script>',
    "document_write": f'<script>document.write("携帯 {PHONE}");</script>',
    "script_escapes": '<script>var t = "\\u0030\\u0039\\u0030-1234-\\x35678"; document.write("携帯 " + t);</script>',
    "css_content": f'<style>.tel::after {{ content: "携帯 {PHONE}"; }}</style><p class="tel"></p>',
    "css_escapes": '<style>.tel::after { content: "携帯 \\30 \\39 \\30 -1234-5678"; }</style><p class="tel"></p>',
    "iframe_data_uri": f'<iframe src="data:text/html;base64,{_b64(f"<p>携帯 {PHONE}</p>")}"></iframe>',
    "object_data_uri": f'<object data="data:text/plain;charset=utf-8,%E6%90%BA%E5%B8%AF%20{PHONE}"></object>',
    "meta_refresh_data_uri": (
        f'<meta http-equiv="refresh" content="0;url=data:text/html;base64,{_b64(f"<p>携帯 {PHONE}</p>")}">'
    ),
    "iframe_srcdoc": f'<iframe srcdoc="&lt;p&gt;携帯 {PHONE}&lt;/p&gt;"></iframe>',
    "textarea": f"<textarea>携帯 {PHONE}</textarea>",
    "title_attribute": f'<span title="携帯 {PHONE}">連絡先</span>',
    "alt_attribute": f'<img src="x.png" alt="携帯 {PHONE}">',
    "template": f"<template><p>携帯 {PHONE}</p></template>",
    "comment": f"<!-- 携帯 {PHONE} -->",
    "entities": "<p>携帯 &#x30;&#57;&#x30;&#x2D;1234&hyphen;5678</p>",
    "tel_link": '<a href="tel:090-1234-5678">電話する</a>',
    "svg_tspans": '<svg><text x="0" y="15">携帯 <tspan>090-12</tspan><tspan>34-5678</tspan></text></svg>',
    "css_background_svg": (
        '<style>.card { background: url("data:image/svg+xml;base64,'
        + _b64(
            '<svg xmlns="http://www.w3.org/2000/svg"><text>携帯 <tspan>090-12</tspan><tspan>34-5678</tspan></text>'
            + "</svg>"
        )
        + '"); }</style><div class="card"></div>'
    ),
    "styled_digits": '<p>携帯 0<span style="color:red" title="x" data-k="v">9</span>0-1234-<b class="n">5678</b></p>',
    "linked_digits": '<p>携帯 <a href="tel:0312345678" title="call">090</a>-1234-5678</p>',
    "onclick": f"<button onclick=\"alert('携帯 {PHONE}')\">連絡</button>",
}


@pytest.mark.parametrize("case", sorted(PAGES))
def test_html_value_a_browser_shows_is_found(tmp_path: Path, settings, case: str) -> None:
    path = tmp_path / f"{case}.html"
    path.write_text(_page(PAGES[case]), encoding="utf-8")
    verdict = scan_item(Item.from_path(path), settings)
    assert "PHONE" in verdict.counts, f"{case}: no PHONE, verdict {verdict.action.label}"
    assert verdict.action >= Action.WARN


def test_data_uri_frame_with_a_my_number_blocks(tmp_path: Path, settings) -> None:
    inner = _page(f"<p>マイナンバー {MY_NUMBER}</p>")
    outer = _page(f'<iframe width="0" height="0" src="data:text/html;base64,{_b64(inner)}"></iframe>')
    path = tmp_path / "frame.html"
    path.write_text(outer, encoding="utf-8")
    verdict = scan_item(Item.from_path(path), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_nested_data_uri_frames(tmp_path: Path, settings) -> None:
    page = _page(f"<p>マイナンバー {MY_NUMBER}</p>")
    for _ in range(3):
        page = _page(f'<iframe src="data:text/html;base64,{_b64(page)}"></iframe>')
    path = tmp_path / "nested.html"
    path.write_text(page, encoding="utf-8")
    assert scan_item(Item.from_path(path), settings).action is Action.BLOCK


@pytest.mark.parametrize("case", ["input_value", "script_array", "css_content", "iframe_data_uri", "comment"])
def test_html_mail_body(settings, case: str) -> None:
    message = EmailMessage()
    message["From"] = "sales@example.co.jp"
    message["To"] = "partner@example.com"
    message["Subject"] = "資料"
    message["Message-ID"] = "<html-body@example.co.jp>"
    message.set_content("添付をご確認ください。")
    message.add_alternative(_page(PAGES[case]), subtype="html")
    verdict = scan_item(Item.from_bytes(message.as_bytes(), "mail.eml", channel="mail"), settings)
    assert "PHONE" in verdict.counts, f"{case}: no PHONE in the HTML body"


def test_plain_page_stays_allowed(tmp_path: Path, settings) -> None:
    page = _page(
        '<form><input type="submit" value="送信"></form><script>var n = 3;</script>'
        "<style>p { color: #090123; }</style><!-- build 2024/01/15 -->"
    )
    path = tmp_path / "plain.html"
    path.write_text(page, encoding="utf-8")
    assert scan_item(Item.from_path(path), settings).action is Action.ALLOW


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("fragment.html", "<p>携帯 0</span><span>90-1234-5678</p>\n"),
        ("snippet.htm", '<div class="c">携帯 <b>090</b>-<i>1234</i>-5678</div>'),
        ("notes.txt", "<div>携帯 <span>090-12</span><span>34-5678</span></div>\n"),
        (
            "page.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
            "<p>携帯 <b>090</b>-<i>1234</i>-5678</p></body></html>\n",
        ),
    ],
)
def test_html_fragment_without_html_tag(tmp_path: Path, settings, name: str, page: str) -> None:
    """libmagic calls a fragment text/plain; a browser still renders it (by its name, or because
    it starts with tags): the tags between the digits must not hide the number."""
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    verdict = scan_item(Item.from_path(path), settings)
    assert "PHONE" in verdict.counts


@pytest.mark.parametrize(
    "body",
    [
        "<p>マイナンバー 3470<!-- x -->-1288-4109</p>",
        "<p>マイナンバー 34<!---->70-1288-4109</p>",
        "<p>マイナンバー 3470-12<!-- 備考 -->88-4109</p>",
    ],
)
def test_comment_between_digits_does_not_cut_the_number(tmp_path: Path, settings, body: str) -> None:
    """A browser does not draw a comment: 3470<!-- x -->-1288-4109 is 3470-1288-4109 on screen.
    Read in place, the comment cut the number and a My Number went out as allow."""
    path = tmp_path / "comment.html"
    path.write_text(_page(body), encoding="utf-8")
    verdict = scan_item(Item.from_path(path), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


# -- data tables: rows of cells, taken out of the text (read column by column downstream) ------


def test_html_data_table_comes_apart_as_rows_of_cells() -> None:
    from dlp.extract.html import render_html

    page = _page(
        "<table><caption>会員一覧</caption>"
        "<tr><th colspan=2>氏名</th><th>住所</th></tr>"
        "<tr><td>山田</td><td>太郎</td><td>東京都千代田区<br>１－２－３</td></tr>"
        "<tr><td>佐藤</td><td></td><td>大阪府<script>var t = '090';</script>大阪\n市</td></tr></table>"
    )
    rendered = render_html(page, tables=True)
    assert rendered.tables == [
        [["氏名", "", "住所"], ["山田", "太郎", "東京都千代田区\n１－２－３"], ["佐藤", "", "大阪府大阪 市"]]
    ]
    # <br> breaks a cell's line (as a quoted CSV cell keeps its line break); a line end in the
    # source (大阪\n市) is white space, a space as a browser draws it
    assert "会員一覧" in rendered.text and "var t = '090';" in rendered.text  # outside any cell
    assert "山田" not in rendered.text  # not read twice
    assert "山田" in render_html(page).text  # without ``tables`` (mail bodies) the page is text


def test_html_layout_tables_stay_text() -> None:
    """A table holding another table, a one-row table and a table of long paragraphs are page
    layout: their text stays in the flow (where prose rules and signatures are read)."""
    from dlp.extract.html import render_html

    long = "お世話になっております。" * 20
    inner = "<table><tr><td>氏名</td></tr><tr><td>山田 太郎</td></tr></table>"
    page = _page(
        f"<table><tr><td>{inner}</td><td>menu</td></tr><tr><td>x</td><td>y</td></tr></table>"
        f"<table><tr><td>担当：鈴木</td><td>TEL 03-1234-5678</td></tr></table>"
        f"<table><tr><td>{long}</td></tr><tr><td>以上</td></tr></table>"
    )
    rendered = render_html(page, tables=True)
    assert rendered.tables == [[["氏名"], ["山田 太郎"]]]
    for text in ("menu", "担当：鈴木", "TEL 03-1234-5678", long, "以上"):
        assert text in rendered.text


def test_html_table_never_closed_still_comes_out() -> None:
    from dlp.extract.html import render_html

    rendered = render_html("<table><tr><td>山田 太郎</td></tr><tr><td>佐藤 花子", tables=True)
    assert rendered.tables == [[["山田 太郎"], ["佐藤 花子"]]]
