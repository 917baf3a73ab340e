"""Each detector with the whole default pack loaded: spans in the original text, confidence,
and lookalikes that must not be taken for it."""

from __future__ import annotations

import pytest

from dlp.model import Segment, Table
from tests.assertions import assert_finding, assert_none, only

# --- PHONE -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("携帯 090-1234-5678", "090-1234-5678", "high"),
        ("ご連絡は０８０－２３４５－６７８９まで", "０８０－２３４５－６７８９", "medium"),
        ("TEL：070ー1111ー2222", "070ー1111ー2222", "high"),
        ("電話09012345678", "09012345678", "high"),
        ("代表 03-1234-5678", "03-1234-5678", "medium"),
        ("０６（６１２３）４５６７", "０６（６１２３）４５６７", "medium"),
        ("FAX 0742‐12‐3456", "0742‐12‐3456", "high"),
        ("+81 90-1234-5678 (mobile)", "+81 90-1234-5678", "high"),
        ("IP 050 1234 5678", "050 1234 5678", "medium"),
    ],
)
def test_phone(detect, text: str, value: str, confidence: str) -> None:
    assert_finding(detect(text), "PHONE", text, value, confidence)


@pytest.mark.parametrize(
    "text",
    [
        "注文番号 202410150001",
        "2024-10-15 10:30 受付",
        "郵便番号 100-0001",
        "03-1234-56789",
        "金額 1,234,567,890円",
        "ISBN978-4-06-519981-7",
    ],
)
def test_not_a_phone(detect, text: str) -> None:
    assert_none(detect(text), "PHONE", at_least="medium")


def test_free_dial_is_found_but_never_counts(detect) -> None:
    text = "お問い合わせ：フリーダイヤル 0120-123-456（受付時間 9:00〜18:00）"
    assert_finding(detect(text), "PHONE", text, "0120-123-456", "low")


# --- EMAIL -------------------------------------------------------------------------------------


def test_email_span_stops_at_japanese(detect) -> None:
    text = "メールはtaro.yamada@example.co.jpです。"
    assert_finding(detect(text), "EMAIL", text, "taro.yamada@example.co.jp", "high")


def test_fullwidth_email(detect) -> None:
    text = "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｎｅ．ｊｐ"
    f = assert_finding(detect(text), "EMAIL", text, text, "medium")
    assert f.masked == "h***@example.ne.jp"


@pytest.mark.parametrize("text", ["@example.jp", "a..b@example.jp", "費用は@500円", "user@localhost"])
def test_not_an_email(detect, text: str) -> None:
    assert_none(detect(text), "EMAIL")


# --- POSTAL CODE -------------------------------------------------------------------------------


def test_postal_code_with_mark(detect) -> None:
    text = "〒１００－０００１　東京都千代田区千代田１－１"
    assert_finding(detect(text), "POSTAL_CODE", text, "１００－０００１", "high")


def test_bare_seven_digits_are_not_a_postal_code(detect) -> None:
    assert_none(detect("伝票 1234567 を処理"), "POSTAL_CODE")
    assert_none(detect("部品番号 123-4567"), "POSTAL_CODE", at_least="medium")


# --- ADDRESS -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("住所：東京都千代田区丸の内１－２－３　丸の内ビル", "東京都千代田区丸の内１－２－３"),
        ("大阪府大阪市北区梅田二丁目4番9号", "大阪府大阪市北区梅田二丁目4番9号"),
        ("北海道札幌市中央区北一条西２丁目", "北海道札幌市中央区北一条西２丁目"),
        ("送付先 長野県北佐久郡軽井沢町軽井沢1323番地", "長野県北佐久郡軽井沢町軽井沢1323番地"),
        ("福島県いわき市四番町三丁目16-1", "福島県いわき市四番町三丁目16-1"),
    ],
)
def test_address(detect, text: str, value: str) -> None:
    f = assert_finding(detect(text), "ADDRESS", text, value)
    assert f.confidence.label in ("medium", "high")


@pytest.mark.parametrize("text", ["東京都千代田区で説明会を開催", "大阪府の売上は前年比120%", "京都府立大学"])
def test_not_an_address(detect, text: str) -> None:
    assert_none(detect(text), "ADDRESS")


# --- PERSON --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("山田太郎様からお電話", "山田太郎", "medium"),
        ("氏名：佐藤　花子", "佐藤　花子", "high"),
        ("契約者名 ｽｽﾞｷ ｲﾁﾛｳ", "ｽｽﾞｷ ｲﾁﾛｳ", "high"),
        ("営業部の田中さんへ", "田中", "medium"),
        ("総務部鈴木様", "鈴木", "medium"),
    ],
)
def test_person(detect, text: str, value: str, confidence: str) -> None:
    assert_finding(detect(text), "PERSON", text, value, confidence)


@pytest.mark.parametrize("text", ["お客様各位", "皆様へのお知らせ", "ご担当者様", "仕様書のとおり", "同様の件", "神様"])
def test_not_a_person(detect, text: str) -> None:
    assert_none(detect(text), "PERSON")


def test_name_column(settings) -> None:
    text = "1,山田 太郎,ヤマダ タロウ\n2,佐藤 あすか,サトウ アスカ\n"
    table = Table(("No", "氏名", "フリガナ"), 2, (0, text.index("2,")), delimiter=",", quoted=True)
    findings = settings.engine.detect(Segment(text, "t.csv", kind="table", table=table))
    names = sorted(f.value for f in only(findings, "PERSON"))
    assert names == ["サトウ アスカ", "ヤマダ タロウ", "佐藤 あすか", "山田 太郎"]
    assert {f.column for f in only(findings, "PERSON")} == {"氏名", "フリガナ"}
    assert {f.record for f in findings} == {"t.csv#row2", "t.csv#row3"}


# --- BIRTH_DATE ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("生年月日：昭和45年3月2日", "昭和45年3月2日"),
        ("生年月日 S45.3.2", "S45.3.2"),
        ("誕生日はH1/1/8です", "H1/1/8"),
        ("平成元年１月８日生まれ", "平成元年１月８日"),
        ("DOB 1985-07-21", "1985-07-21"),
    ],
)
def test_birth_date(detect, text: str, value: str) -> None:
    assert_finding(detect(text), "BIRTH_DATE", text, value, "high")


@pytest.mark.parametrize(
    "text",
    [
        "次回会議は2024年1月15日です",
        "生年月日の確認は2025年12月1日の会議で行います",
        "生年月日：平成31年5月1日",  # 平成 ended on 30 April 2019
        "生年月日：1985年2月30日",
    ],
)
def test_not_a_birth_date(detect, text: str) -> None:
    assert_none(detect(text), "BIRTH_DATE")


def test_birth_date_column_without_words(settings) -> None:
    text = "1,19800102\n"
    table = Table(("No", "生年月日"), 2, (0,), delimiter=",")
    findings = settings.engine.detect(Segment(text, "t.csv", kind="table", table=table))
    assert [f.value for f in only(findings, "BIRTH_DATE")] == ["19800102"]


# --- MY_NUMBER -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("マイナンバー 1234 5678 9018", "1234 5678 9018", "high"),
        ("個人番号：６２１４ー９８３２ー０２５７", "６２１４ー９８３２ー０２５７", "high"),
        ("個人番号526018159084", "526018159084", "high"),
        ("番号 3016-6131-8600 を控えた", "3016-6131-8600", "medium"),  # the card's 4-4-4 layout
    ],
)
def test_my_number(detect, text: str, value: str, confidence: str) -> None:
    assert_finding(detect(text), "MY_NUMBER", text, value, confidence)


@pytest.mark.parametrize(
    "text",
    [
        "526018159084",  # valid check digit, no context, no layout: an order number
        "注文番号：5260 1815 9084",  # an order number, even in 4-4-4
        "マイナンバー 1234 5678 9012",  # check digit fails
        "4111 1111 1111 1111",  # part of a card number
        "個人番号 123456789018 0",
    ],
)
def test_not_a_blocking_my_number(detect, text: str) -> None:
    assert_none(detect(text), "MY_NUMBER", at_least="medium")


# --- CREDIT_CARD ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("カード番号4111111111111111です", "4111111111111111", "high"),
        ("JCB ３５３０－１１１３－３３３０－００００", "３５３０－１１１３－３３３０－００００", "high"),
        ("5555 5555 5555 4444", "5555 5555 5555 4444", "medium"),
        ("Amex 3782 822463 10005", "3782 822463 10005", "high"),
    ],
)
def test_credit_card(detect, text: str, value: str, confidence: str) -> None:
    assert_finding(detect(text), "CREDIT_CARD", text, value, confidence)


@pytest.mark.parametrize("text", ["4111111111111112", "注文番号 4111111111111111", "3400 1113 3330 0007"])
def test_not_a_credit_card(detect, text: str) -> None:
    assert_none(detect(text), "CREDIT_CARD")


# --- BANK_ACCOUNT and the context-gated identifiers ------------------------------------------------


def test_bank_account(detect) -> None:
    text = "振込先：みずほ銀行 渋谷支店 普通 １２３４５６７ ﾔﾏﾀﾞ ﾀﾛｳ"
    assert_finding(detect(text), "BANK_ACCOUNT", text, "１２３４５６７", "medium")


@pytest.mark.parametrize(
    ("data_type", "text", "value"),
    [
        ("DRIVERS_LICENSE", "運転免許証番号 301234567890", "301234567890"),
        ("PASSPORT", "旅券番号：ＴＫ１２３４５６７", "ＴＫ１２３４５６７"),
        ("RESIDENCE_CARD", "在留カード AB12345678CD", "AB12345678CD"),
        ("BASIC_PENSION", "基礎年金番号 1234-567890", "1234-567890"),
        ("HEALTH_INSURANCE", "保険者番号 33120015", "33120015"),
        ("CORPORATE_NUMBER", "法人番号 7040001016687", "7040001016687"),
    ],
)
def test_context_gated_identifiers(detect, data_type: str, text: str, value: str) -> None:
    f = assert_finding(detect(text), data_type, text, value)
    assert f.confidence.label in ("medium", "high")


@pytest.mark.parametrize(
    ("data_type", "text"),
    [
        ("DRIVERS_LICENSE", "受付番号 301234567890"),
        ("PASSPORT", "品番 TK1234567"),
        ("RESIDENCE_CARD", "型番 AB12345678CD"),
        ("BASIC_PENSION", "伝票 1234-567890"),
    ],
)
def test_identifiers_need_their_words(detect, data_type: str, text: str) -> None:
    assert_none(detect(text), data_type)


# --- masking and fingerprints ---------------------------------------------------------------------


def test_masks_hide_the_value(detect) -> None:
    findings = detect("携帯 090-1234-5678 / マイナンバー 1234 5678 9018 / カード 4111-1111-1111-1111")
    masks = {f.type: f.masked for f in findings}
    assert masks["PHONE"] == "090-****-5678"
    assert masks["MY_NUMBER"] == "**** **** **18"
    assert masks["CREDIT_CARD"] == "****-****-****-1111"


def test_fingerprint_is_keyed_and_format_independent(detect) -> None:
    a = only(detect("携帯 090-1234-5678"), "PHONE")[0]
    b = only(detect("携帯 ０９０１２３４５６７８"), "PHONE")[0]
    assert a.fingerprint == b.fingerprint
    assert "5678" not in a.fingerprint and len(a.fingerprint) == 24


# --- what a reader sees: invisible characters, "/" between digit groups ------------------------


@pytest.mark.parametrize(
    ("text", "value", "data_type"),
    [
        ("携帯 0\u200b9\u200b0-1234-5678", "0\u200b9\u200b0-1234-5678", "PHONE"),
        ("携帯 0\u200b\u200b\u200b\u200b90-1234-5678", "0\u200b\u200b\u200b\u200b90-1234-5678", "PHONE"),
        ("携帯 090\u00ad-1234\u00ad-5678", "090\u00ad-1234\u00ad-5678", "PHONE"),
        ("携帯 090\u2060-1234\ufeff-5678", "090\u2060-1234\ufeff-5678", "PHONE"),
        ("携帯 0\x009\x000\x00-\x001\x002\x003\x004\x00-\x005\x006\x007\x008", None, "PHONE"),
        ("携帯 090/1234/5678", "090/1234/5678", "PHONE"),
        ("携帯 \u202e8765-4321-090\u202c です", "\u202e8765-4321-090\u202c", "PHONE"),  # drawn reversed
        ("携帯 0\ufe0f\u20e39\ufe0f\u20e30\ufe0f\u20e3-1234-5678", None, "PHONE"),  # keycap digits
        ("マイナンバー 1234\u200b5678\u200b9018", "1234\u200b5678\u200b9018", "MY_NUMBER"),
        ("マイナンバー 1234/5678/9018", "1234/5678/9018", "MY_NUMBER"),
        ("カード番号 4111/1111/1111/1111", "4111/1111/1111/1111", "CREDIT_CARD"),
        ("メール taro\u200b.yamada@exa\u00admple.jp", "taro\u200b.yamada@exa\u00admple.jp", "EMAIL"),
        ("東\u200b京都千代田区丸の内1-1-1 山田太郎様", None, "ADDRESS"),
    ],
)
def test_values_split_by_what_no_reader_sees(detect, text: str, value: str | None, data_type: str) -> None:
    findings = detect(text)
    if value is None:
        assert only(findings, data_type), f"no {data_type} in {text!r}"
    else:
        assert_finding(findings, data_type, text, value)


@pytest.mark.parametrize(
    "text",
    [
        "発送日 2024/01/15",
        "受付 2024/01/15 10:30、残り 1/2",
        "期間 2024/01/15-2024/03/31",
        "1/2 3/4 5/6 7/8 9/10",
        "入荷 2024/01/15 2024/01/16 2024/01/17",
        "版 03/12/2024",
        "伝票 0120/12/31",
    ],
)
def test_slash_dates_and_fractions_are_not_numbers(detect, text: str) -> None:
    findings = detect(text)
    for data_type in ("PHONE", "MY_NUMBER", "CREDIT_CARD"):
        assert_none(findings, data_type)
