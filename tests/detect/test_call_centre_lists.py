"""Lists, staff tags and signatures as call centres write them (issue 10, names in prose).

Attack: an escalation summary lists customers one per line ("3. 恩田 将平 080-… 養父市…"), a
memo ends with the agent's name, a meeting note lists who attended; each was read as holding
few or no people, so a list of 17 customers got a warning. Fake data only.
"""

from __future__ import annotations

import pytest

from dlp.model import Confidence
from tests.assertions import assert_finding, assert_none

# --- addresses in list entries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9. 沢口 舞　099-854-1597 / 大和郡山市丹後庄町2062", "大和郡山市丹後庄町2062"),
        ("・谷 継人　０３(３９０２)７１２３　諫早市多良見町化屋７－１９－１", "諫早市多良見町化屋７－１９－１"),
        ("7. 吉本 歌美　0123 49 1141 養父市八鹿町国木６‐３０‐１５", "養父市八鹿町国木６‐３０‐１５"),
        ("新住所：〒409-0618 大月市猿橋町桂台1丁目35番28号", "大月市猿橋町桂台1丁目35番28号"),
        ("〒４０９－０６１８ 大月市猿橋町桂台1丁目35番28号", "大月市猿橋町桂台1丁目35番28号"),
        ("兵庫県豊岡市奥野1950番地2　朝日グランドール　906", "兵庫県豊岡市奥野1950番地2　朝日グランドール　906"),
        ("金沢市平等本町2735緑が丘レジデンス　1F", None),  # no prefecture, no label: not alone
    ],
)
def test_address_from_the_city_in_a_list_entry(detect, text: str, value: str | None) -> None:
    if value is None:
        assert_none(detect(text), "ADDRESS", at_least="medium")
        return
    assert assert_finding(detect(text), "ADDRESS", text, value).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "大阪府大阪市の売上 1200",
        "TEL 03-1234-5678 営業時間 9:00-18:00",
        "受付 03-1234-5678 港区の会議室は3階",
        "伝票番号 0312345678 第2倉庫",
    ],
)
def test_lookalikes_are_not_addresses(detect, text: str) -> None:
    assert_none(detect(text), "ADDRESS", at_least="medium")


# --- staff tags and labelled names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("折り返し先：011-910-4831\n（対応：山下）", "山下"),
        ("連絡先 07018511062\n(受付 池田）", "池田"),  # the analyser reads 池田 as a place
        ("本人確認済\n受付：仲\n", "仲"),
        ("【引継ぎ】\n担当：鈴木 宛\n", "鈴木"),  # 宛 is not part of the name
        ("担当：飛田さんへ", "飛田"),
        ("TEL:070の1538の5252\n以上、深澤\n", "深澤"),
        ("資料番号 847631531386\n以上\n久松　啓克\n", "久松　啓克"),
        ("返金処理依頼\nお客様：石塚 奈輔恵\n", "石塚 奈輔恵"),
        ("お客様名：メンドーサ ホセ 様", "メンドーサ ホセ"),
    ],
)
def test_staff_tags_and_labels(detect, text: str, name: str) -> None:
    finding = assert_finding(detect(text), "PERSON", text, name)
    assert finding.confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "対応中の案件があります",
        "新様式の項目：契約者名",
        "受付 東京本社",
        "以上\n東京",
        "受付日：２０２４年１月５日",
        "お客様各位",
    ],
)
def test_staff_tag_lookalikes(detect, text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


# --- list entries, attendee lists, a memo's last line --------------------------------------------

ESCALATION = (
    "■クレーム対応中のお客様\n"
    "1. 川北 智子　070-2029-9937 / 兵庫県加古川市野口町野口6丁目39番1号\n"
    "2. 野村 明美　0467438462　東京都杉並区高円寺北1-16-20\n"
    "３．与那嶺 正人様 0123の26の1234\n"
    "・谷 継人　０３（３９０２）７１２３\n"
    "・メンドーサ・ホセ　０９０－１２３４－５６７８\n"
    "・シン・アルジュン 052ー123ー4567\n"
    "受付：今井\n"
)


@pytest.mark.parametrize(
    "name", ["川北 智子", "野村 明美", "与那嶺 正人", "谷 継人", "メンドーサ・ホセ", "シン・アルジュン", "今井"]
)
def test_every_customer_of_a_list_is_a_person(detect, name: str) -> None:
    assert assert_finding(detect(ESCALATION), "PERSON", ESCALATION, name).confidence >= Confidence.MEDIUM


def test_bare_phone_after_a_listed_name_is_a_phone(detect) -> None:
    finding = assert_finding(detect(ESCALATION), "PHONE", ESCALATION, "0467438462")
    assert finding.confidence >= Confidence.MEDIUM
    assert_none(detect("伝票番号 0467438462"), "PHONE", at_least="medium")


def test_attendees_each_a_person(detect) -> None:
    text = "週次定例 議事録（5/5 9:00〜 第9会議室）\n出席：寺山、青木、前田、西\n\n入電数 6,778件"
    people = {text[f.start : f.end] for f in detect(text) if f.type == "PERSON"}
    assert people == {"寺山", "青木", "前田", "西"}


@pytest.mark.parametrize("text", ["TEL:090の7782の3932\n長谷川\n", "以上\n山崎 あすか", "よろしく。関口"])
def test_name_alone_on_the_last_line(detect, text: str) -> None:
    name = text.rstrip().rsplit("\n", 1)[-1].rsplit("。", 1)[-1]
    assert assert_finding(detect(text), "PERSON", text, name).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "店舗一覧\n・カスタマー サポート 03-1234-5678\n・新宿店 03-1234-5678\n3. 東京本社 03-1234-5678",
        "在庫\n・スマート フォン 2台\n・ポイント 1000\n1. 入金確認 3件",
        "出席：営業部、総務部、品質管理",
        "議事録\n以上\n総務部",
        "研修は以上です。\n東京",
    ],
)
def test_list_lookalikes_hold_no_person(detect, text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


# --- display names of mail headers ---------------------------------------------------------------


def _people(settings, name: str, data: bytes) -> set[str]:
    from dlp.model import Item
    from dlp.pipeline import scan_item

    verdict = scan_item(Item.from_bytes(data, name), settings)
    return {f.value or "" for f in verdict.findings if f.type == "PERSON" and f.confidence >= Confidence.MEDIUM}


def test_sender_of_a_pasted_mail_is_a_person(settings) -> None:
    """A .txt that starts with a pasted header is read as a mail: the From: display name is in
    its header segment, with the header's name kept so the pasted-header rule reads it."""
    text = "From: 西村 裕太 <ynishimura@example.jp>\nTo: support@example.co.jp\n件名: 住所変更\n\nよろしく。\n"
    assert "西村 裕太" in _people(settings, "ticket.txt", text.encode())


def test_sender_of_an_eml_is_a_person_and_a_desk_is_not(settings) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "西村 裕太 <ynishimura@example.jp>"
    message["To"] = "サポートセンター <support@example.co.jp>"
    message["Subject"] = "住所変更"
    message.set_content("よろしくお願いします。")
    people = _people(settings, "mail.eml", bytes(message))
    assert "西村 裕太" in people and not any("サポート" in p for p in people)


# --- readings without a space, unknown given names, hand-overs -----------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("返金先：ひかり銀行 中央支店 普通 0570610 名義 オオヤマタクヤ", "オオヤマタクヤ"),
        ("返金先：ひかり銀行 普通 0570610 名義 ｲｼﾂｶﾅﾎｴ", "ｲｼﾂｶﾅﾎｴ"),  # half-width
        ("「小柴七代と申します。請求書が届かない」", "小柴七代"),
        ("お客様より、新堀詠有より解約の相談。", "新堀詠有"),
        ("申し送り\n岩瀬→八巻 幹人の件、対応お願いします。", "八巻 幹人"),
    ],
)
def test_readings_unknown_given_names_and_hand_overs(detect, text: str, name: str) -> None:
    assert assert_finding(detect(text), "PERSON", text, name).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "口座名義 カブシキガイシャサンプル",
        "口座名義 カ）サンプル",
        "田中部長です。",
        "鈴木課長から連絡",
        "中村屋です。",
        "東京→大阪",
    ],
)
def test_reading_and_title_lookalikes(detect, text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


# --- mail addresses with the words spelled out ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("メールで返信希望：van.an.nguyen at example dot net", "van.an.nguyen at example dot net"),
        ("返信先 yoshida70 AT example DOT co DOT jp", "yoshida70 AT example DOT co DOT jp"),
        ("ｙｏｓｈｉｄａ７０ at example dot jp", "ｙｏｓｈｉｄａ７０ at example dot jp"),
    ],
)
def test_mail_address_with_at_and_dot_as_words(detect, text: str, value: str) -> None:
    finding = assert_finding(detect(text), "EMAIL", text, value)
    assert finding.confidence >= Confidence.MEDIUM


@pytest.mark.parametrize("text", ["meet at example.com offices", "look at the docs", "dot matrix printer at 10"])
def test_at_and_dot_words_in_english_are_not_addresses(detect, text: str) -> None:
    assert_none(detect(text), "EMAIL", at_least="low")
