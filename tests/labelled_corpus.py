"""A generated, labelled Japanese corpus for precision/recall per type.

Written independently of the rule pack: formats are the ones people use (full-width digits,
other dashes, spaces, parentheses, +81, era dates, names with and without honorifics), and
hard negatives are the ones that fool scanners (12-digit order numbers with and without a valid
My Number check digit, JAN codes, meeting dates, amounts, free-dial numbers, 御中/各位/お客様).
Some positives are knowingly hard (a name with no honorific or label): they are labelled all
the same, so recall is honest.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.fakes import DASHES, FULLWIDTH, Doc, FakeJP

Maker = Callable[[FakeJP, Doc], None]


def _dash(r: random.Random, value: str) -> str:
    return value.replace("-", r.choice(DASHES))


def _phone_variant(fake: FakeJP) -> str:
    r = fake.r
    number = fake.phone()
    style = r.randint(0, 7)
    if style == 0:
        return number.translate(FULLWIDTH)
    if style == 1:
        return _dash(r, number)
    if style == 2:
        return number.replace("-", "") if number.startswith("0") and number[1] in "789" else number
    if style == 3:
        return number.replace("-", " ")
    if style == 4:
        area, rest = number.split("-", 1)
        return f"({area}){rest}"
    if style == 5:
        return "+81-" + number[1:]
    return number


def phone(fake: FakeJP, doc: Doc) -> None:
    lead = fake.r.choice(["携帯：", "電話 ", "TEL:", "連絡先は", "折り返し先 ", "", "自宅 "])
    doc.text(lead).value("PHONE", _phone_variant(fake)).text(fake.r.choice(["です。", "まで", "\n", "（日中）"]))


def email(fake: FakeJP, doc: Doc) -> None:
    address = fake.email()
    if fake.r.random() < 0.2:
        address = address.translate(str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz@."}))
    doc.text(fake.r.choice(["メール:", "E-mail ", "メールアドレスは", "宛先 ", ""])).value("EMAIL", address)
    doc.text(fake.r.choice(["です。", "\n", " まで"]))


def address(fake: FakeJP, doc: Doc) -> None:
    doc.text(fake.r.choice(["住所：", "ご住所は", "送付先 ", "", "現住所 "]))
    value = fake.address()
    tail = fake.r.choice(["", " 101号室", "\n"])
    if tail.endswith("号室"):  # the room after the street number is part of the address (issue 10)
        value, tail = value + tail, ""
    doc.value("ADDRESS", value).text(tail)


def postal(fake: FakeJP, doc: Doc) -> None:
    code = fake.postal()
    if fake.r.random() < 0.5:
        doc.text("〒").value("POSTAL_CODE", code.translate(FULLWIDTH) if fake.r.random() < 0.3 else code)
    else:
        doc.text("郵便番号 ").value("POSTAL_CODE", code)
    doc.text(" ")


def person(fake: FakeJP, doc: Doc) -> None:
    p = fake.person()
    style = fake.r.randint(0, 5)
    if style == 0:
        doc.value("PERSON", p.name).text("様より入電。")
    elif style == 1:
        doc.text("氏名：").value("PERSON", p.name).text("\n")
    elif style == 2:
        doc.text("担当の").value("PERSON", p.last).text("さんに確認")
    elif style == 3:
        doc.text("お名前（フリガナ）：").value("PERSON", p.kana).text("\n")
    elif style == 4:
        doc.value("PERSON", f"{p.last}{p.first}").text("殿\n")
    else:
        doc.value("PERSON", f"{p.last}{p.first}").text("から連絡があった。")  # no honorific, no label


def birth_date(fake: FakeJP, doc: Doc) -> None:
    text = fake.styled_date(fake.birth_date())
    if fake.r.random() < 0.2:
        text = text.translate(FULLWIDTH)
    if fake.r.random() < 0.5:
        doc.text(fake.r.choice(["生年月日：", "生年月日 ", "誕生日は", "DOB "])).value("BIRTH_DATE", text).text("\n")
    else:
        doc.value("BIRTH_DATE", text).text("生まれ。")


def my_number(fake: FakeJP, doc: Doc) -> None:
    n = fake.my_number()
    value = fake.r.choice([n, f"{n[:4]} {n[4:8]} {n[8:]}", f"{n[:4]}-{n[4:8]}-{n[8:]}"])
    if fake.r.random() < 0.3:
        value = value.translate(FULLWIDTH)
    doc.text(fake.r.choice(["個人番号：", "マイナンバー ", "個人番号は"])).value("MY_NUMBER", value).text("\n")


def credit_card(fake: FakeJP, doc: Doc) -> None:
    c = fake.card()
    value = fake.r.choice([c, f"{c[:4]}-{c[4:8]}-{c[8:12]}-{c[12:]}", f"{c[:4]} {c[4:8]} {c[8:12]} {c[12:]}"])
    if fake.r.random() < 0.3:
        value = _dash(fake.r, value).translate(FULLWIDTH)
    doc.text(fake.r.choice(["カード番号 ", "クレジットカード：", "決済カード ", ""])).value("CREDIT_CARD", value).text(
        "\n"
    )


def bank_account(fake: FakeJP, doc: Doc) -> None:
    bank = fake.r.choice(["みずほ銀行", "三井住友銀行", "りそな銀行", "横浜銀行"])
    kind = fake.r.choice(["普通", "当座", "普通預金"])
    doc.text(f"振込先：{bank} 本店 {kind} ").value("BANK_ACCOUNT", fake.bank_account()).text("\n")


def identity_documents(fake: FakeJP, doc: Doc) -> None:
    choice = fake.r.randint(0, 4)
    if choice == 0:
        doc.text("運転免許証番号：").value("DRIVERS_LICENSE", fake.drivers_license())
    elif choice == 1:
        doc.text("パスポート番号 ").value("PASSPORT", fake.passport())
    elif choice == 2:
        doc.text("在留カード番号：").value("RESIDENCE_CARD", fake.residence_card())
    elif choice == 3:
        doc.text("基礎年金番号 ").value("BASIC_PENSION", fake.pension())
    else:
        doc.text("保険証の保険者番号：").value("HEALTH_INSURANCE", fake.insurer_number())
    doc.text("\n")


def hard_negatives(fake: FakeJP, doc: Doc) -> None:
    r = fake.r
    lines = [
        f"注文番号 {fake.not_my_number()} 数量 {r.randint(1, 9)}",
        f"受注番号：{fake.my_number()}",  # valid check digit, but an order number
        f"伝票番号 {r.randint(10**11, 10**12 - 1)}",
        f"JANコード {r.choice(['4901234567894', '4902102072618', '4987176014702'])}",
        f"会議は{r.randint(2024, 2027)}年{r.randint(1, 12)}月{r.randint(1, 28)}日 {r.randint(9, 17)}:00から",
        f"金額 {r.randint(1000, 9999999):,}円（税込）",
        f"お問い合わせ：フリーダイヤル 0120-{r.randint(100, 999)}-{r.randint(100, 999)}",
        f"{fake.company()} 御中",
        "お客様各位、いつもご利用ありがとうございます。",
        "皆様のご協力をお願いします。仕様書は同様に更新します。",
        f"品番 AB-{r.randint(1000000, 9999999)} 型番 XY{r.randint(10000000, 99999999)}ZZ",
        f"問い合わせ番号 {r.randint(1000, 9999)}-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
        f"バージョン {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)} を{r.randint(1, 12)}月にリリース",
        f"処理件数 {r.randint(10**9, 10**10 - 1)} 件",
        f"東京都千代田区で{r.randint(2, 30)}店舗を展開",
        f"第{r.randint(1, 4)}四半期の売上は前年比{r.randint(90, 130)}%",
    ]
    doc.text(r.choice(lines) + "\n")


MAKERS: list[tuple[Maker, float]] = [
    (phone, 3),
    (email, 2),
    (address, 2),
    (postal, 1),
    (person, 3),
    (birth_date, 1.5),
    (my_number, 1),
    (credit_card, 1),
    (bank_account, 1),
    (identity_documents, 1.5),
    (hard_negatives, 8),
]


def make_corpus(documents: int = 300, seed: int = 7) -> list[tuple[str, list[dict[str, object]]]]:
    fake = FakeJP(seed)
    out = []
    for _ in range(documents):
        doc = Doc()
        for _ in range(fake.r.randint(3, 8)):
            maker = fake.r.choices([m for m, _ in MAKERS], weights=[w for _, w in MAKERS])[0]
            maker(fake, doc)
            doc.text(fake.r.choice(["\n", "\n", "。", " ", "\n\n"]))
        out.append((doc.render(), doc.labels))
    return out
