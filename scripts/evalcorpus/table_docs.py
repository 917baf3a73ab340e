"""Tables: CRM exports (CSV UTF-8/CP932, xlsx), name lists, store lists, order exports.

Columns are drawn per document from header spellings real exports use; a title line or an
extraction condition may sit above the header, or there may be no header at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scripts.evalcorpus import sources as S
from scripts.evalcorpus.context import Ctx
from scripts.evalcorpus.model import Doc, Label

Cell = tuple[str | None, str]  # (label type or None, text); type "BIZ:PHONE" for business contacts


@dataclass
class Row:
    person: S.Person
    place: S.Place


Column = tuple[
    str, str, Callable[[Ctx, Row], list[Cell]]
]  # headers in set A, in set B ("/": spellings, "+": cells), cells


def _name(ctx: Ctx, row: Row) -> list[Cell]:
    p = row.person
    return [("PERSON", p.kana("・") if p.foreign else p.full(ctx.r.choice(["", " ", "　"])))]


def _split_name(ctx: Ctx, row: Row) -> list[Cell]:
    return [("PERSON", row.person.family), ("PERSON", row.person.given)]


def _split_kana(ctx: Ctx, row: Row) -> list[Cell]:
    return [("PERSON", row.person.family_kana), ("PERSON", row.person.given_kana)]


def _kana(ctx: Ctx, row: Row) -> list[Cell]:
    return [("PERSON", row.person.kana(ctx.r.choice([" ", "　", ""])))]


def _postal_bare(ctx: Ctx, row: Row) -> list[Cell]:
    return [("POSTAL_CODE", S.postal(ctx.r, row.place.code, bare=ctx.r.random() < 0.7))]


def _address(ctx: Ctx, row: Row) -> list[Cell]:
    return [("ADDRESS", S.address(ctx.r, row.place, with_building=0.4))]


def _split_address(ctx: Ctx, row: Row) -> list[Cell]:
    p, r = row.place, ctx.r
    part2 = S.street(r) + (r.choice([" ", "　", ""]) + S.building(r) if r.random() < 0.5 else "")
    return [("ADDRESS", f"{p.prefecture}{p.city}{p.town}"), ("ADDRESS", part2)]


def _phone(ctx: Ctx, row: Row) -> list[Cell]:
    return [("PHONE", S.phone(ctx.r, spoken=0.0))]


def _mail(ctx: Ctx, row: Row) -> list[Cell]:
    return [("EMAIL", S.email(ctx.r, row.person))]


def _birth(ctx: Ctx, row: Row) -> list[Cell]:
    return [("BIRTH_DATE", S.birth_date(ctx.r, kanji=0.05))]


def _account(ctx: Ctx, row: Row) -> list[Cell]:
    r = ctx.r
    return [(None, r.choice(S.BANKS)), (None, r.choice(S.BRANCHES)), ("BANK_ACCOUNT", S.account_number(r))]


def _plain(values: Callable[[Ctx], str]) -> Callable[[Ctx, Row], list[Cell]]:
    return lambda ctx, row: [(None, values(ctx))]


NAME = ("お客様名/氏名/顧客名/ご購入者", "契約者名/お名前/会員氏名/受取人", _name)
SPLIT_NAME = ("姓+名", "氏+名/姓+名", _split_name)
SPLIT_KANA = ("セイ+メイ", "姓（カナ）+名（カナ）/ｾｲ+ﾒｲ", _split_kana)
KANA = ("フリガナ/カナ氏名", "お名前（フリガナ）/ﾌﾘｶﾞﾅ", _kana)
POSTAL = ("〒/郵便番号", "郵便番号/〒/送付先〒", _postal_bare)
ADDRESS = ("住所/ご住所", "送付先住所/住所", _address)
SPLIT_ADDRESS = ("住所1+住所2", "都道府県市区町村+番地・建物名/住所１+住所２", _split_address)
PHONE = ("電話番号/TEL", "連絡先/携帯番号/電話", _phone)
MAIL = ("メールアドレス/E-mail", "メール/PCメール", _mail)
BIRTH = ("生年月日", "誕生日/生年月日", _birth)
ACCOUNT = ("銀行名+支店名+口座番号", "金融機関+支店+口座番号/銀行+支店名+口座No", _account)
CARD = ("カード番号", "クレジットカード番号/決済カード", lambda ctx, row: [("CREDIT_CARD", S.credit_card(ctx.r))])
EXTRA: list[Column] = [
    ("購入日", "最終購入日", _plain(lambda c: f"2026/{c.r.randint(1, 12)}/{c.r.randint(1, 28)}")),
    ("購入金額", "累計金額", _plain(lambda c: str(c.r.randint(1, 300) * 100))),
    ("性別", "性別", _plain(lambda c: c.r.choice(["男", "女", ""]))),
    ("備考", "メモ", _plain(lambda c: c.r.choice(["", "要折返し", "DM不要", "定期便", "住所不明で返送"]))),
    ("ステータス", "区分", _plain(lambda c: c.r.choice(["有効", "退会", "休眠"]))),
]


def _choose_columns(ctx: Ctx) -> list[Column]:
    """A full CRM export, a mailing list (no phone: 〒 and address only) or a direct-debit list
    (names and accounts): the last two are the lists that read as "a handful of people" when
    the address or account columns are not understood."""
    r = ctx.r
    cols: list[Column] = [ctx.turn("name", [NAME, NAME, SPLIT_NAME])]
    reading = ctx.turn("reading", [None, None, KANA, SPLIT_KANA])
    if reading:
        cols.append(reading)
    layout = ctx.turn("layout", ["full", "full", "full", "mailing", "mailing", "debit"])
    if layout == "debit":
        return [*cols, ACCOUNT, *r.sample(EXTRA, r.randint(0, 1))]
    if layout == "mailing" or r.random() < 0.7:
        cols.append(POSTAL)
    if layout == "mailing":
        return [
            *cols,
            ctx.turn("mail-address", [ADDRESS, SPLIT_ADDRESS, SPLIT_ADDRESS]),
            *r.sample(EXTRA, r.randint(0, 1)),
        ]
    cols.append(ctx.turn("address", [ADDRESS, ADDRESS, SPLIT_ADDRESS, SPLIT_ADDRESS, PHONE]))
    for col in (PHONE, MAIL, BIRTH, ACCOUNT):
        if col not in cols and r.random() < (0.7 if col is PHONE else 0.35):
            cols.append(col)
    if r.random() < 0.08:  # card numbers exported with the customers (the worst case)
        cols.append(CARD)
    cols += r.sample(EXTRA, r.randint(0, 2))
    return cols


def _title(ctx: Ctx, width: int) -> list[list[str]]:
    r = ctx.r
    if r.random() < 0.6:
        return []
    lines = [[r.choice(["顧客一覧", "会員リスト", "DM送付先リスト", "定期購入者一覧"])] + [""] * (width - 1)]
    if r.random() < 0.6:
        lines.append(
            [f"抽出条件：最終購入日 2026/{r.randint(1, 12)}/1〜 出力日 2026/{r.randint(1, 12)}/{r.randint(1, 28)}"]
            + [""] * (width - 1)
        )
    if r.random() < 0.4:
        lines.append([""] * width)
    return lines


def _fill(ctx: Ctx, d: Doc, cols: list[Column], n: int, *, header: bool) -> None:
    heads = [ctx.r.choice(c[ctx.variant].split("/")).split("+") for c in cols]
    width = sum(len(h) for h in heads)
    d.rows = _title(ctx, width) if header else []
    if header:
        d.rows.append([h for hs in heads for h in hs])
    for _ in range(n):
        row = Row(ctx.people.person(0.05), S.place(ctx.r))
        cells: list[str] = []
        for c, hs in zip(cols, heads, strict=True):
            for (type_, text), head in zip(c[2](ctx, row), hs, strict=True):
                if type_:
                    d.labels.append(
                        Label(type_, text, row=len(d.rows) + 1, column=head if header else None, col=len(cells))
                    )
                cells.append(text)
        d.rows.append(cells)


def _size(ctx: Ctx) -> int:
    r = ctx.r  # most lists are small; one in 12 is a bulk export (which then dominates the counts)
    kind = ctx.turn("size", ["small"] * 5 + ["medium"] * 6 + ["bulk"])
    return r.randint(3, 8) if kind == "small" else r.randint(11, 30) if kind == "medium" else r.randint(100, 120)


def _fmt(ctx: Ctx, stem: str, family: str) -> Doc:
    r = ctx.r
    kind = r.choice(["csv", "csv", "cp932", "xlsx", "xlsx", "docx" if ctx.variant == 0 else "html"])
    if kind in {"xlsx", "docx", "html"}:
        return Doc(f"{stem}.{kind}", family)
    return Doc(f"{stem}.csv", family, encoding="cp932" if kind == "cp932" else "utf-8")


def crm_list(ctx: Ctx) -> Doc:
    d = _fmt(ctx, ctx.r.choice(["customers", "顧客リスト", "export"]), "crm_list")
    _fill(ctx, d, _choose_columns(ctx), _size(ctx), header=True)
    return d


def headerless_list(ctx: Ctx) -> Doc:
    d = _fmt(ctx, "list", "headerless_list")
    cols = [NAME, ctx.r.choice([PHONE, ADDRESS])] + ([MAIL] if ctx.r.random() < 0.5 else [])
    _fill(ctx, d, cols, _size(ctx), header=False)
    return d


def name_list(ctx: Ctx) -> Doc:
    """A single column of customers' names. Issue 10: a list of 10+ customers in any layout,
    a single column of names included, is held (each row with a name is a record)."""
    r = ctx.r
    d = _fmt(ctx, r.choice(["参加者", "names", "当選者"]), "name_list")
    _fill(
        ctx,
        d,
        [r.choice([NAME, NAME, KANA])],
        r.randint(12, 30) if ctx.turn("names", [0, 1]) else r.randint(52, 70),
        header=r.random() < 0.6,
    )
    return d


STORE_WORDS = ["駅前店", "中央店", "本店", "北口店", "イオンモール店", "郊外店", "西口店", "ショッピングプラザ店"]


def store_list(ctx: Ctx) -> Doc:
    """A chain's store list: every phone and address is a business contact."""
    r = ctx.r
    d = _fmt(ctx, r.choice(["店舗一覧", "stores"]), "store_list")
    heads = [
        ["店舗名", "郵便番号", "住所", "電話番号", "営業時間", "定休日"],
        ["店舗", "〒", "所在地", "TEL", "営業時間", "FAX"],
    ][ctx.variant]
    d.rows = [[r.choice(["店舗一覧", "取扱店舗のご案内"])] + [""] * 5] if r.random() < 0.4 else []
    d.rows.append(heads)
    for _ in range(r.randint(100, 110) if ctx.turn("stores", [0] * 9 + [1]) else r.randint(5, 25)):
        p = S.place(r)
        a, b, c = S.phone_digits(r, mobile=0.0)
        cells = [
            (None, f"{p.city}{r.choice(STORE_WORDS)}"),
            ("POSTAL_CODE", f"{p.code[:3]}-{p.code[3:]}"),
            ("ADDRESS", S.address(r, p, with_building=0.3)),
            ("PHONE", f"{a}-{b}-{c}"),
        ]
        if ctx.variant == 0:
            cells += [
                (None, f"{r.randint(9, 11)}:00〜{r.randint(19, 22)}:00"),
                (None, r.choice(["水曜日", "年中無休", "第2火曜"])),
            ]
        else:
            fa, fb, fc = S.phone_digits(r, mobile=0.0)
            cells += [(None, f"{r.randint(9, 11)}:00-{r.randint(19, 22)}:00"), ("PHONE", f"{fa}-{fb}-{fc}")]
        for i, ((kind, text), head) in enumerate(zip(cells, heads, strict=True)):
            if kind:
                d.labels.append(Label("BUSINESS_CONTACT", text, row=len(d.rows) + 1, column=head, col=i, kind=kind))
        d.rows.append([t for _, t in cells])
    return d


def order_export(ctx: Ctx) -> Doc:
    """Orders without buyers: order, tracking, JAN and invoice numbers, amounts, dates."""
    r = ctx.r
    d = _fmt(ctx, r.choice(["orders", "受注一覧"]), "order_export")
    d.rows = [["注文番号", "注文日", "JANコード", "商品名", "数量", "金額", "配送伝票番号", "適格請求書番号"]]
    for _ in range(r.randint(10, 60)):
        d.rows.append(
            [
                S.order_number(r),
                f"2026/{r.randint(1, 12)}/{r.randint(1, 28)}",
                S.jan_code(r),
                r.choice(["除湿機", "青汁30包", "羽毛布団", "ヘアドライヤー", "サプリメント"]),
                str(r.randint(1, 9)),
                str(r.randint(5, 500) * 100),
                S.tracking_number(r),
                S.invoice_number(r),
            ]
        )
    return d


POSITIVE = [crm_list, crm_list, crm_list, headerless_list, name_list]
NEGATIVE = [store_list, order_export]
