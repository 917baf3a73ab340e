"""The smaller misses and false alarms of issue 10 (deliverable 4), as a new user writes them.

Each case is the text a call-centre agent, a mail client or a system log really produces:
kanji-numeral birth dates, phone numbers read out with の, mail addresses spelled against
harvesters, rooms after the street number, pasted From: headers; and the false alarms that make
people switch a DLP tool off (殿 in a place name, label words, call ids in logs).
"""

from __future__ import annotations

import pytest

from dlp.detect.numerals import kanji_number
from dlp.model import Confidence
from tests.assertions import assert_finding, assert_none, only

# --- kanji-numeral birth dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "iso"),
    [
        ("生年月日：昭和四十五年三月二日生", "昭和四十五年三月二日", "1970-03-02"),
        ("昭和四十五年三月二日生", "昭和四十五年三月二日", "1970-03-02"),
        ("平成元年十二月三十一日生まれ", "平成元年十二月三十一日", "1989-12-31"),
        ("一九八五年四月二日生まれ", "一九八五年四月二日", "1985-04-02"),
        ("誕生日は二〇〇〇年一月十日です", "二〇〇〇年一月十日", "2000-01-10"),
        ("生年月日 二零零一年十月二十日", "二零零一年十月二十日", "2001-10-20"),
        ("生年月日：昭和45年三月二日", "昭和45年三月二日", "1970-03-02"),
        ("生年月日：昭和５５年１１月３０日生", "昭和５５年１１月３０日", "1980-11-30"),
    ],
)
def test_kanji_birth_date(detect, text: str, value: str, iso: str) -> None:
    finding = assert_finding(detect(text), "BIRTH_DATE", text, value)
    assert finding.confidence >= Confidence.MEDIUM
    assert "四" not in finding.masked and "三十" not in finding.masked  # month and day hidden


@pytest.mark.parametrize(
    "text",
    [
        "令和五年度予算の説明会",
        "三月二日の会議で決定",
        "生年月日：昭和六十五年一月一日",  # 昭和 ended in its 64th year
        "生年月日：平成三年二月三十日",  # no 30 February
        "昭和四十五年三月二日に創業",  # a founding date, not a birth date
        "生年月日の確認は令和七年一月十五日の会議で行います",
        "2024年3月2日生じた障害の報告",  # 生じる, not 生 (born)
        "令和六年五月一日生産分を出荷",
        "1985年4月2日生活保護の申請",
    ],
)
def test_not_a_kanji_birth_date(detect, text: str) -> None:
    assert_none(detect(text), "BIRTH_DATE")


@pytest.mark.parametrize(
    ("text", "number"),
    [("四十五", 45), ("三十一", 31), ("十", 10), ("十二", 12), ("二十", 20), ("一九八五", 1985), ("二〇〇〇", 2000),
     ("二零零一", 2001), ("千九百八十五", 1985), ("元", 1), ("45", 45), ("一〇", 10)],
)  # fmt: skip
def test_kanji_number(text: str, number: int) -> None:
    assert kanji_number(text) == number


@pytest.mark.parametrize("text", ["", "十十", "百百", "四十五六", "x"])
def test_kanji_number_rejects_nonsense(text: str) -> None:
    assert kanji_number(text) is None


# --- phone numbers read out with の --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("携帯は070の9979の4112です", "070の9979の4112"),
        ("折り返し ０９０の１２３４の５６７８ まで", "０９０の１２３４の５６７８"),
        ("番号は090-1234の5678とのこと", "090-1234の5678"),
        ("自宅 03の1234の5678", "03の1234の5678"),
        ("連絡先：080の2345ー6789", "080の2345ー6789"),
    ],
)
def test_phone_read_out_with_no(detect, text: str, value: str) -> None:
    finding = assert_finding(detect(text), "PHONE", text, value)
    assert finding.confidence >= Confidence.MEDIUM
    assert "9979" not in finding.masked and "1234" not in finding.masked


@pytest.mark.parametrize(
    "text",
    [
        "3の倍数を数える",
        "資料12の3ページ",
        "第090の1234の56789号",
        "090の12の5678",
        "0000の0000の0000",
        "2024の1234の5678",
    ],
)
def test_not_a_phone_read_out(detect, text: str) -> None:
    assert_none(detect(text), "PHONE")


# --- mail addresses spelled against harvesters ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "plain"),
    [
        ("メール taro.yamada(at)example(dot)co(dot)jp まで", "taro.yamada(at)example(dot)co(dot)jp",
         "taro.yamada@example.co.jp"),
        ("連絡先 taro＠example．co．jp", "taro＠example．co．jp", "taro@example.co.jp"),
        ("hanako[at]example.ne.jp", "hanako[at]example.ne.jp", "hanako@example.ne.jp"),
        ("ichiro＜アット＞example.com", "ichiro＜アット＞example.com", "ichiro@example.com"),
        ("jiro アットマーク example.jp", "jiro アットマーク example.jp", "jiro@example.jp"),
        ("saburo@example ドット co ドット jp", "saburo@example ドット co ドット jp", "saburo@example.co.jp"),
        ("shiro（ａｔ）example（ｄｏｔ）jp", "shiro（ａｔ）example（ｄｏｔ）jp", "shiro@example.jp"),
        ("goro(AT)example.com", "goro(AT)example.com", "goro@example.com"),
    ],
)  # fmt: skip
def test_spelled_out_email(detect, text: str, value: str, plain: str) -> None:
    finding = assert_finding(detect(text), "EMAIL", text, value)
    assert finding.confidence >= Confidence.MEDIUM
    local = plain.partition("@")[0]
    assert local[1:] not in finding.masked, finding.masked
    # the same mailbox however it is written: one fingerprint
    assert finding.fingerprint == only(detect(f"メール {plain}"), "EMAIL")[0].fingerprint


@pytest.mark.parametrize(
    "text",
    [
        "We met at example.com offices",
        "Twitterは@taro_yamadaです",
        "look (at) the docs",
        "price (at) 500 yen",
        "taro(at)localhost",
        "taro(at)example(dot)",
    ],
)
def test_not_a_spelled_out_email(detect, text: str) -> None:
    assert_none(detect(text), "EMAIL")


def test_company_domain_allow_list_covers_spelled_out_addresses() -> None:
    from dlp.config import load_config
    from dlp.model import Segment
    from dlp.settings import Settings
    from tests.conftest import TEST_KEY

    config = load_config(None, search=False)
    settings = Settings.load(config, key=TEST_KEY, keep_values=True)
    engine = settings.engine
    assert only(engine.detect(Segment("support(at)example(dot)co(dot)jp", "t")), "EMAIL")
    rules = [r.with_allow(set(), {"example.co.jp"}) if r.type == "EMAIL" else r for r in engine.rules]
    from dlp.detect.engine import Engine
    from dlp.detect.rules import RuleSet

    allowed = Engine(RuleSet(tuple(rules)), TEST_KEY, keep_values=True)
    findings = allowed.detect(Segment("support(at)example(dot)co(dot)jp", "t"))
    assert not only(findings, "EMAIL")


# --- building and room after the street number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("住所：東京都港区芝公園4-2-8 ○○マンション305号室", "東京都港区芝公園4-2-8 ○○マンション305号室"),
        ("東京都港区芝公園1-2-3-405", "東京都港区芝公園1-2-3-405"),
        ("東京都港区芝公園１－２－３－４０５", "東京都港区芝公園１－２－３－４０５"),
        ("大阪府大阪市北区梅田二丁目4番9号 梅田ハイツ201号室", "大阪府大阪市北区梅田二丁目4番9号 梅田ハイツ201号室"),
        ("住所：神奈川県横浜市中区山下町1-2 コーポ山田 102", "神奈川県横浜市中区山下町1-2 コーポ山田 102"),
        ("送付先 渋谷区道玄坂1-12-1 101号室", "渋谷区道玄坂1-12-1 101号室"),
        ("福岡県福岡市中央区天神1ー2ー3　天神ビル５Ｆ", "福岡県福岡市中央区天神1ー2ー3　天神ビル５Ｆ"),
    ],
)
def test_address_with_building_and_room(detect, text: str, value: str) -> None:
    finding = assert_finding(detect(text), "ADDRESS", text, value)
    assert finding.confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("東京都港区芝公園4-2-8 にて 10名で会議", "東京都港区芝公園4-2-8"),  # a head count is no room
        ("東京都港区芝公園4-2-8 2024年", "東京都港区芝公園4-2-8"),
        ("住所：東京都港区芝公園4-2-8 電話03-1234-5678", "東京都港区芝公園4-2-8"),
    ],
)
def test_address_does_not_swallow_what_follows(detect, text: str, value: str) -> None:
    assert_finding(detect(text), "ADDRESS", text, value)


# --- pasted mail headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("-----Original Message-----\nFrom: 山田 太郎 <taro@example.jp>\nSent: Monday", "山田 太郎"),
        ("差出人: 佐藤花子 <hanako@example.co.jp>\n送信日時: 2024年5月1日", "佐藤花子"),
        ('From: "鈴木 一郎" <ichiro@example.com>', "鈴木 一郎"),
        ("送信者：高橋 健 [mailto:ken@example.jp]", "高橋 健"),
        ("From: Taro Yamada <taro.yamada@example.com>", "Taro Yamada"),
        ("To: 田中 花子 <hanako.tanaka@example.jp>; 伊藤 誠 <makoto@example.jp>", "伊藤 誠"),
        ("差出人: ヤマダ タロウ <yamada@example.jp>", "ヤマダ タロウ"),
    ],
)
def test_name_in_pasted_mail_header(detect, text: str, name: str) -> None:
    finding = assert_finding(detect(text), "PERSON", text, name)
    assert finding.confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "From: 株式会社サンプル <info@example.co.jp>",
        "差出人: サポートセンター <support@example.jp>",
        "From: お問い合わせ窓口 <contact@example.jp>",
        "From: noreply <noreply@example.com>",
        "From: Customer Support <support@example.com>",
        "From: 営業部 <sales@example.jp>",
    ],
)
def test_no_person_in_a_role_mail_header(detect, text: str) -> None:
    assert_none(detect(text), "PERSON", "medium")


# --- 殿 inside a place name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "東京都日野市日野殿町の倉庫",
        "日野殿町に住む",
        "川崎市川崎区殿町3丁目",
        "大阪府殿山の工場",
        "会場は御殿場市",
        "皇太子殿下がご臨席",
        "野球殿堂入り",
    ],
)
def test_dono_in_a_place_name_is_no_honorific(detect, text: str) -> None:
    assert_none(detect(text), "PERSON")


@pytest.mark.parametrize(
    ("text", "name"),
    [("高橋一郎殿", "高橋一郎"), ("山田太郎殿へ通知", "山田太郎"), ("鈴木花子殿、", "鈴木花子"), ("佐藤殿宛", "佐藤")],
)
def test_dono_after_a_name_is_still_an_honorific(detect, text: str, name: str) -> None:
    assert_finding(detect(text), "PERSON", text, name)


# --- label words read as names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "名義変更届を提出してください",
        "契約者生年月日：昭和45年3月2日",
        "氏名欄に記入漏れ",
        "お名前（カナ）欄が空白",
        "お名前（カナ） 必須",
        "契約者変更手続き",
        "名義人変更のご案内",
        "担当者変更のお知らせ",
        "申込者住所が旧住所のまま",
        "氏名 フリガナ 生年月日 住所",
        "名義人様ご本人の確認",
        "ご依頼主様へ発送",
        "被保険者様の保険証",
        "加入者様各位",
        "同居人様",
    ],
)
def test_label_words_are_not_names(detect, text: str) -> None:
    assert_none(detect(text), "PERSON", "medium")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("契約者名：高橋一郎", "高橋一郎"),
        ("名義人山田太郎", "山田太郎"),
        ("氏名 佐藤 花子", "佐藤 花子"),
        ("お名前（カナ）：ヤマダ タロウ", "ヤマダ タロウ"),
    ],
)
def test_names_after_labels_still_found(detect, text: str, name: str) -> None:
    finding = assert_finding(detect(text), "PERSON", text, name)
    assert finding.confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("担当鈴木です", "鈴木"),
        ("担当：佐藤からご連絡します", "佐藤"),
        ("担当者：田中まで", "田中"),
        ("契約者：高橋にご確認", "高橋"),
        ("氏名：山田花子です", "山田花子"),
        ("氏名：山田 はるかです", "山田 はるか"),
        ("氏名：山田のぞみ", "山田のぞみ"),  # a given name that starts like a particle stays whole
    ],
)
def test_name_after_a_label_stops_before_the_particle(detect, text: str, name: str) -> None:
    assert_finding(detect(text), "PERSON", text, name)


# --- call ids and other numbers in logs ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30 12:00:01 INFO call_id=4539578763621486 status=ok",
        "2026-11-30T12:00:01.123Z callId=4539578763621486 dur=35",
        '{"ts": "2026-11-30T12:00:01Z", "call_id": "4539578763621486"}',
        "[2026/11/30 12:00:01] DEBUG session_id=5105105105105100 user=42",
        "request 4539578763621486-ab12-cd34 done",
        "uuid=ab12cd34-4539578763621486",
        "通話ID：4539578763621486",
        "受付ID 4539-5787-6362-1486 で登録",
    ],
)
def test_luhn_valid_ids_in_logs_are_not_cards(detect, text: str) -> None:
    assert_none(detect(text), "CREDIT_CARD", "medium")


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("クレジットカード 4539578763621486 有効期限 12/28", "4539578763621486", "high"),
        ("2026-11-30 12:00:01 INFO payment card_number=4539578763621486", "4539578763621486", "high"),
        ("カード番号：４５３９ ５７８７ ６３６２ １４８６", "４５３９ ５７８７ ６３６２ １４８６", "high"),
        ("お客様から 4539578763621486 と伺いました", "4539578763621486", "medium"),  # bare: reported
    ],
)
def test_card_numbers_still_found(detect, text: str, value: str, confidence: str) -> None:
    assert_finding(detect(text), "CREDIT_CARD", text, value, confidence)


# --- through the whole pipeline: real files as a user's tools write them ----------------------------


def _luhn_complete(body: str) -> str:
    from dlp.detect.validators import luhn_valid

    return next(body + str(d) for d in range(10) if luhn_valid(body + str(d)))


def test_call_centre_system_log_is_not_blocked_as_cards(scan_text) -> None:
    """A PBX log: 300 lines of timestamps and key=value, each call id a Luhn-valid 16-digit
    number with a Visa or Mastercard prefix. Before: blocked as 300 card numbers."""
    import random

    r = random.Random(10)
    lines = []
    for i in range(300):
        body = r.choice(["4", "51", "53"]) + "".join(r.choice("0123456789") for _ in range(14))
        call_id = _luhn_complete(body[:15])
        key = r.choice(["call_id=", "callId=", "session_id=", "uuid="])
        lines.append(
            f"2026-11-30T10:{i // 60:02d}:{i % 60:02d}.120Z INFO pbx {key}{call_id} queue=3 dur={r.randint(5, 900)}"
        )
    verdict = scan_text("\n".join(lines) + "\n", "pbx-2026-11-30.log")
    assert "CREDIT_CARD" not in verdict.counts or not verdict.counts["CREDIT_CARD"].by_confidence.get("medium")
    assert verdict.action.label == "allow", (verdict.action, verdict.clause)


def test_a_card_number_logged_by_mistake_is_still_blocked(scan_text) -> None:
    log = (
        "2026-11-30T10:00:01.120Z INFO pbx call_id=4539578763621486 queue=3\n"
        "2026-11-30T10:00:02.120Z DEBUG payment card_number=5105105105105100 exp=12/28\n"
    )
    verdict = scan_text(log, "payment.log")
    assert verdict.action.label == "block"
    assert verdict.counts["CREDIT_CARD"].distinct == 1


def test_forwarded_mail_with_pasted_headers_and_spoken_details(settings) -> None:
    """A .eml as a mail client writes it: the agent forwards a customer's mail with the quoted
    header, and adds the call details as heard (kanji birth date, phone read out with の,
    address spelled against harvesters, room after the street number)."""
    from email.message import EmailMessage

    from dlp.model import Item
    from dlp.pipeline import scan_item

    msg = EmailMessage()
    msg["From"] = "agent@example.co.jp"
    msg["To"] = "team@example.co.jp"
    msg["Subject"] = "転送: 住所変更のお願い"
    msg.set_content(
        "お客様より電話あり。生年月日 昭和四十五年三月二日生、携帯は070の9979の4112とのこと。\n"
        "メール taro.yamada(at)example(dot)ne(dot)jp\n"
        "新住所：東京都港区芝公園4-2-8 芝公園マンション305号室\n\n"
        "-----Original Message-----\n"
        "From: 山田 太郎 <taro.yamada@example.ne.jp>\n"
        "Sent: Monday, November 30, 2026 9:12 AM\n"
        "Subject: 住所変更\n"
    )
    verdict = scan_item(Item.from_bytes(msg.as_bytes(), "fwd.eml"), settings)
    got = {(f.type, f.value) for f in verdict.findings if f.confidence >= Confidence.MEDIUM}
    assert ("BIRTH_DATE", "昭和四十五年三月二日") in got
    assert ("PHONE", "070の9979の4112") in got
    assert ("EMAIL", "taro.yamada(at)example(dot)ne(dot)jp") in got
    assert ("ADDRESS", "東京都港区芝公園4-2-8 芝公園マンション305号室") in got
    assert ("PERSON", "山田 太郎") in got
    # the spelled address and the header's address are one mailbox, counted once
    assert verdict.counts["EMAIL"].distinct == 1
