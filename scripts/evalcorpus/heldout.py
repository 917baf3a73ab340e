"""Set C: a held-out evaluation set, written without looking at the rules or at sets A and B.

Sets A and B were used while the detection rules were tuned, so their figures over-state
quality. Set C is written by someone who had not read ``rules/``, ``dlp/detect/`` or the
A/B templates: its own document families and wordings, names, phones and mails from Faker's
ja_JP locale (addresses from a hand-written list of real prefecture/city pairs with Faker's
town names, so a city is in its own prefecture), hand-written rare and foreign names, and
the layouts Japanese call centres and back offices produce. Labels follow
``scripts/evalcorpus/model.py``; the expected action is derived there, never assigned here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc, Label
from scripts.evalcorpus.turns import Turns

SEED = 3003
FW = str.maketrans("0123456789-()", "０１２３４５６７８９－（）")

# -- people ------------------------------------------------------------------------------------

# Names Faker does not produce: 々, old and rare kanji (some outside CP932), katakana foreign
# names as residents write them. Written by hand; readings in katakana.
RARE_FAMILY = [
    ("佐々木", "ササキ"), ("野々村", "ノノムラ"), ("髙橋", "タカハシ"), ("齋藤", "サイトウ"), ("邊見", "ヘンミ"),
    ("澤田", "サワダ"), ("濵田", "ハマダ"), ("﨑山", "サキヤマ"), ("𠮷田", "ヨシダ"),
    ("小鳥遊", "タカナシ"), ("勅使河原", "テシガワラ"), ("東海林", "ショウジ"), ("五十嵐", "イガラシ"),
    ("八月一日", "ホズミ"), ("四月一日", "ワタヌキ"), ("栗栖", "クリス"), ("廣瀬", "ヒロセ"),
]  # fmt: skip
RARE_GIVEN = [
    ("奈々", "ナナ"), ("菜々子", "ナナコ"), ("佳々", "カカ"), ("悠々", "ユウユウ"), ("蒼", "アオイ"),
    ("凜", "リン"), ("彌生", "ヤヨイ"), ("惠", "メグミ"), ("朔", "サク"), ("颯", "ハヤテ"), ("瑛太", "エイタ"),
    ("琥珀", "コハク"), ("紬", "ツムギ"), ("禮子", "レイコ"),
]  # fmt: skip
# (name as written family-first or given-first, romaji for a mail address)
FOREIGN = [
    (("グエン", "ティ", "ラン"), "nguyen.lan"), (("ホセ", "ロドリゲス"), "jose.r"),
    (("チョウ", "ケンブン"), "zhou.kw"), (("アナ", "ベアトリス", "コスタ"), "ana.costa"),
    (("レ", "ヴァン", "ミン"), "le.minh"), (("マリア", "フェルナンダ"), "mfernanda"),
    (("ラム", "バハドゥル"), "ram.bahadur"), (("イ", "ジウ"), "lee.jiwoo"), (("オマル", "ハッサン"), "omar.h"),
    (("ジェシカ", "テイラー"), "jtaylor"), (("ファン", "ティ", "トゥイ"), "phan.thuy"),
]  # fmt: skip


@dataclass(frozen=True)
class P:
    family: str
    given: str
    fkana: str
    gkana: str
    romaji: str
    foreign: tuple[str, ...] = ()

    def name(self, sep: str = "") -> str:
        if self.foreign:  # katakana names keep a middle dot between their parts, or the space typed
            return (sep or "・").join(self.foreign)
        return f"{self.family}{sep}{self.given}"

    def kana(self, sep: str = " ") -> str:
        if self.foreign:
            return "・".join(self.foreign)
        return f"{self.fkana}{sep}{self.gkana}"


# Real prefecture / city pairs (a city in its own prefecture); towns come from Faker.
PLACES = [
    ("東京都", "世田谷区"), ("東京都", "江戸川区"), ("東京都", "八王子市"), ("東京都", "練馬区"), ("東京都", "町田市"),
    ("神奈川県", "横浜市港北区"), ("神奈川県", "川崎市中原区"), ("神奈川県", "相模原市南区"), ("神奈川県", "藤沢市"),
    ("埼玉県", "さいたま市浦和区"), ("埼玉県", "川口市"), ("埼玉県", "所沢市"), ("千葉県", "船橋市"),
    ("千葉県", "柏市"),
    ("千葉県", "千葉市花見川区"), ("大阪府", "大阪市淀川区"), ("大阪府", "堺市北区"), ("大阪府", "豊中市"),
    ("大阪府", "東大阪市"), ("愛知県", "名古屋市千種区"), ("愛知県", "豊田市"), ("愛知県", "一宮市"),
    ("兵庫県", "神戸市灘区"), ("兵庫県", "西宮市"), ("京都府", "京都市左京区"), ("福岡県", "福岡市早良区"),
    ("福岡県", "北九州市小倉北区"), ("北海道", "札幌市豊平区"), ("北海道", "旭川市"), ("宮城県", "仙台市泉区"),
    ("広島県", "広島市安佐南区"), ("静岡県", "浜松市中央区"), ("新潟県", "長岡市"), ("茨城県", "つくば市"),
    ("栃木県", "宇都宮市"), ("岡山県", "倉敷市"), ("熊本県", "熊本市東区"), ("沖縄県", "那覇市"), ("長野県", "松本市"),
    ("鹿児島県", "鹿児島市"), ("奈良県", "生駒市"), ("岐阜県", "大垣市"),
]  # fmt: skip
BUILDING_HEAD = [
    "グランシャリオ", "ベルメゾン", "パークサイド", "サンハイツ", "コーポ", "レジデンス", "ロイヤル", "エスポワール",
]  # fmt: skip
BANKS = ["あおば銀行", "みなと銀行", "ひかり信用金庫", "さくら台銀行", "北洋第一銀行", "中央しんきん", "ふじ農協"]
BRANCHES = ["本店営業部", "駅前支店", "中町支店", "東口出張所", "南支店", "北台支店", "港支店"]
SUPPLIER_TAIL = ["産業", "紙業", "精機"]
CALL_RESULTS = ["→不在、留守電に折返し依頼", "→本人応答、月末入金の約束", "→家族応答、本人不在", "→番号使われておらず"]
PRODUCTS = ["除湿機", "ハンディファン", "羽毛布団 S", "電気ケトル"]
DOMAINS = ["example.com", "example.ne.jp", "example.jp", "example.org", "mail.example.co.jp", "example.net"]


@dataclass
class HCtx(Turns):
    r: random.Random
    fk: Faker
    own: Company
    queues: dict[str, list[object]] = field(default_factory=dict)

    # -- values -------------------------------------------------------------------------------
    def person(self) -> P:
        x = self.r.random()
        if x < 0.07:
            parts, rom = self.r.choice(FOREIGN)
            return P(parts[0], "・".join(parts[1:]), parts[0], "・".join(parts[1:]), rom, parts)
        if x < 0.17:
            fam, fk = self.r.choice(RARE_FAMILY) if self.chance(0.6) else self.fk.last_name_pair()[:2]
            giv, gk = self.r.choice(RARE_GIVEN) if self.chance(0.5) else self.fk.first_name_pair()[:2]
            return P(fam, giv, fk, gk, f"user{self.r.randint(10, 9999)}")
        fam, fk, fr = self.fk.last_name_pair()
        giv, gk, gr = self.fk.first_name_pair()
        return P(fam, giv, fk, gk, f"{gr.lower()}.{fr.lower()}")

    def staff(self) -> P:
        fam, fk, fr = self.fk.last_name_pair()
        giv, gk, _ = self.fk.first_name_pair()
        return P(fam, giv, fk, gk, fr.lower())

    def pname(self, p: P) -> str:
        """The name as a person or an operator would type it: no space, a space or a full-width space."""
        return p.name(self.r.choice(["", " ", "\u3000", ""]))

    def phone_digits(self, mobile: float = 0.6) -> tuple[str, str, str]:
        r = self.r
        if r.random() < mobile:
            return r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        area = r.choice(["03", "06", "045", "052", "011", "092", "0466", "0299", "048", "075", "0198"])
        mid = 6 - len(area)  # area + exchange + 4 = 10 digits
        return area, f"{r.randint(10 ** (mid - 1) * 2, 10**mid - 1)}", f"{r.randint(0, 9999):04d}"

    def phone(self, mobile: float = 0.6, style: str | None = None) -> str:
        a, b, c = self.phone_digits(mobile)
        style = style or self.turn("phone-style", ["-", "-", "-", "fw", "sp", "paren", "no", "bare", "dash2", "paren2"])
        if style == "fw":
            return f"{a}-{b}-{c}".translate(FW)
        if style == "sp":
            return f"{a} {b} {c}"
        if style == "paren":
            return f"({a}){b}-{c}"
        if style == "paren2":
            return f"{a}({b}){c}"
        if style == "no":
            return f"{a}の{b}の{c}"
        if style == "bare":
            return f"{a}{b}{c}"
        if style == "dash2":
            return f"{a}ー{b}ー{c}"
        return f"{a}-{b}-{c}"

    def email(self, p: P, style: str | None = None) -> str:
        local = p.romaji.replace(" ", "") + (str(self.r.randint(1, 99)) if self.chance(0.5) else "")
        dom = self.r.choice(DOMAINS)
        style = style or self.turn("mail-style", ["plain", "plain", "plain", "at", "fw", "brk", "plain"])
        return {"at": f"{local}(at){dom}", "fw": f"{local}＠{dom}", "brk": f"{local}[at]{dom}"}.get(
            style, f"{local}@{dom}"
        )

    def postal(self, bare: bool = False) -> str:
        z = self.fk.zipcode()
        return z.replace("-", "") if bare else z

    def street_no(self) -> str:
        r = self.r
        a, b, c = r.randint(1, 9), r.randint(1, 30), r.randint(1, 25)
        lot = r.randint(100, 2999)
        forms = [f"{a}-{b}-{c}", f"{a}丁目{b}番{c}号", f"{a}丁目{b}-{c}", f"{a}−{b}−{c}", f"{lot}番地{c}"]
        return forms[self.turn("street", list(range(len(forms))))]

    def building(self) -> str:
        r = self.r
        room = f"{r.randint(1, 12)}{r.randint(0, 1)}{r.randint(1, 9)}"
        head = r.choice(BUILDING_HEAD)
        name = f"{head}{self.fk.town()[:2]}" if r.random() < 0.5 else f"{self.fk.town()}{self.fk.building_name()}"
        forms = [f"{name} {room}号室", f"{name}{room}", f"{name} {room}", f"{name}　{room}号"]
        return forms[self.turn("room", list(range(len(forms))))]

    def address(self, building: float = 0.6, pref: float = 0.85) -> str:
        p, c = self.r.choice(PLACES)
        head = f"{p}{c}" if self.r.random() < pref else c
        out = f"{head}{self.fk.town()}{self.street_no()}"
        if self.r.random() < building:
            out += self.r.choice([" ", "\u3000", ""]) + self.building()
        return out

    def birth(self, style: str | None = None) -> str:
        r = self.r
        y, m, d = r.randint(1938, 2006), r.randint(1, 12), r.randint(1, 28)
        style = style or self.turn("birth", ["era", "era", "eraabbr", "west", "slash", "iso", "erafw", "west"])
        if style in {"era", "eraabbr", "erafw"}:
            if y < 1989 or (y == 1989 and m == 1 and d < 8):
                era, ab, ey = "昭和", "S", y - 1925
            else:
                era, ab, ey = "平成", "H", y - 1988
            if style == "eraabbr":
                return f"{ab}{ey}.{m}.{d}"
            s = f"{era}{ey}年{m}月{d}日"
            return s.translate(FW) if style == "erafw" else s
        if style == "slash":
            return f"{y}/{m:02d}/{d:02d}"
        if style == "iso":
            return f"{y}-{m:02d}-{d:02d}"
        return f"{y}年{m}月{d}日"

    def account(self) -> str:
        return f"{self.r.randint(0, 9999999):07d}"

    def card(self) -> str:
        r = self.r
        prefix, length = r.choice([("4", 16), ("5" + str(r.randint(1, 5)), 16), ("35" + str(r.randint(28, 89)), 16)])
        digits = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        total = 0
        for i, ch in enumerate(reversed(digits)):
            n = int(ch) * (2 if i % 2 == 0 else 1)
            total += n - 9 if n > 9 else n
        full = digits + str((10 - total % 10) % 10)
        sep = r.choice([" ", "-", ""])
        return sep.join(full[i : i + 4] for i in range(0, 16, 4))

    def my_number(self) -> str:
        body = [self.r.randint(0, 9) for _ in range(11)]
        s = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in zip(range(1, 12), reversed(body), strict=True))
        check = 0 if s % 11 <= 1 else 11 - s % 11
        full = "".join(map(str, body)) + str(check)
        return self.r.choice([full, f"{full[:4]} {full[4:8]} {full[8:]}", f"{full[:4]}-{full[4:8]}-{full[8:]}"])

    def when(self) -> str:
        r = self.r
        return f"2026/{r.randint(9, 11)}/{r.randint(1, 28)} {r.randint(9, 19)}:{r.randint(0, 59):02d}"

    def order_no(self) -> str:
        head = self.r.choice(["ORD", "A", "W", ""])
        return f"{head}{self.r.randint(20260000, 20269999)}-{self.r.randint(1, 999):03d}"

    def tracking(self) -> str:
        return f"{self.r.randint(1000, 9999)}-{self.r.randint(1000, 9999)}-{self.r.randint(1000, 9999)}"

    def jan(self) -> str:
        d = [4, 9] + [self.r.randint(0, 9) for _ in range(10)]
        s = sum(x * (3 if i % 2 else 1) for i, x in enumerate(d))
        return "".join(map(str, d)) + str((10 - s % 10) % 10)

    def company(self, name: str | None = None) -> Company:
        fk = self.fk
        slug = "".join(self.r.choice("abcdefghkmnprstuvwz") for _ in range(self.r.randint(5, 9)))
        a, b, c = self.phone_digits(mobile=0.0)
        fa, fb, fc = a, b, f"{(int(c) + 1) % 10000:04d}"
        return Company(
            name=name or self.r.choice([fk.company(), f"{fk.last_name()}{self.r.choice(SUPPLIER_TAIL)}株式会社"]),
            dept=self.r.choice(["営業課", "経理課", "業務推進部", "販売管理課", "総務部"]),
            postal=fk.zipcode(),
            address=self.address(building=0.5),
            phone=f"{a}-{b}-{c}",
            fax=f"{fa}-{fb}-{fc}",
            domain=f"{slug}.example.co.jp",
            mail=f"{self.r.choice(['eigyo', 'order', 'contact', 'billing'])}@{slug}.example.co.jp",
            bank=self.account(),
        )


def make_ctx(seed: int) -> HCtx:
    r = random.Random(seed)
    fk = Faker("ja_JP")
    fk.seed_instance(r.randrange(1 << 30))
    ctx = HCtx(r, fk, Company("", "", "", "", "", "", "", "", ""))
    ctx.own = ctx.company("株式会社くらしモール")
    ctx.own = Company(**{**ctx.own.__dict__, "address": ctx.own.address.replace("\u3000", " ")})
    return ctx


# -- text helpers ------------------------------------------------------------------------------


def say_name(d: Doc, c: HCtx, p: P) -> None:
    """One mention of a customer's name in one of the ways notes write it."""
    n = c.pname(p)
    style = c.turn("say", ["sama", "label", "moushimasu", "ken", "kana", "san", "sama_sp"])
    if style == "sama":
        d.value("PERSON", n).add("様")
    elif style == "sama_sp":
        d.value("PERSON", n).add(" 様")
    elif style == "label":
        d.add(c.r.choice(["お客様名：", "お客様名:", "顧客名：", "ご本人様："])).value("PERSON", n)
    elif style == "moushimasu":
        d.add("「").value("PERSON", n).add(c.r.choice(["と申します", "と言います", "といいますが"])).add("」とのこと")
    elif style == "ken":
        d.value("PERSON", n).add(c.r.choice(["様の件", "さんの件", "様ご依頼の件"]))
    elif style == "kana":
        d.value("PERSON", n).add("（").value("PERSON", p.kana(c.r.choice([" ", ""]))).add("）様")
    else:
        d.value("PERSON", n).add("さん")


def staff_sign(d: Doc, c: HCtx, s: P) -> None:
    d.add(c.r.choice(["受付：", "対応者：", "担当オペレーター ", "記入者："])).value(
        "PERSON", s.name(c.r.choice(["", " "])), staff=True
    )


def own_contact(d: Doc, c: HCtx) -> None:
    d.add(f"{c.own.name} お客様センター TEL ").biz("PHONE", c.own.phone, own=True)
    d.add(" / FAX ").biz("PHONE", c.own.fax, own=True).add("\n")


# -- positive texts ----------------------------------------------------------------------------


def call_in(c: HCtx) -> Doc:
    d = Doc("tsuwa_kiroku.txt", "call_in")
    p, s = c.person(), c.staff()
    layout = c.turn("call_in", [0, 1, 2])
    if layout == 0:
        d.add(f"■通話記録　{c.when()}　入電\n")
        staff_sign(d, c, s)
        d.add("\n")
        d.add("お客様名：").value("PERSON", c.pname(p)).add("\n")
        d.add("折返し先：").value("PHONE", c.phone()).add("\n")
        d.add("内容：商品（羽毛布団）のサイズ交換希望。")
        say_name(d, c, p)
        d.add("。レシート紛失のため注文番号で照合、" + c.order_no() + " 該当あり。\n")
        if c.chance(0.5):
            d.add("本人確認：生年月日（").value("BIRTH_DATE", c.birth()).add("）一致\n")
        d.add("次回：交換品発送後に架電予定\n")
    elif layout == 1:
        d.add(f"{c.when()} 入電 ")
        d.value("PHONE", c.phone()).add(" より\n")
        d.add("→ ")
        say_name(d, c, p)
        d.add("。定期便の停止をご希望。\n→ 解約理由：引っ越しのため。新しいお住まいは ")
        d.value("ADDRESS", c.address()).add(" とのこと、住所変更も承り。\n")
        d.add("→ 次回請求分より停止で了承いただく。\n")
        staff_sign(d, c, s)
        d.add("\n")
    else:
        d.add("【受電メモ】\n日時　" + c.when() + "\n区分　入電（問い合わせ）\n")
        d.add("氏名　").value("PERSON", c.pname(p)).add(" 様\n")
        d.add("電話　").value("PHONE", c.phone()).add("\n")
        if c.chance(0.5):
            d.add("メール　").value("EMAIL", c.email(p)).add("\n")
        d.add("概要　請求額が二重になっているとのお問い合わせ。確認したところ二重計上あり、差額を返金手配。\n")
        d.add("備考　以前にも同様のお申し出あり（前回担当：")
        d.value("PERSON", c.staff().name(" "), staff=True).add("）\n")
    return d


def call_out(c: HCtx) -> Doc:
    """A day's outbound call log (架電): several customers, phone numbers in mixed forms."""
    d = Doc("kaden_log.txt", "call_out")
    n = c.turn("call_out_n", [3, 5, 8, 11, 14])
    d.add(f"架電結果報告（{c.r.randint(1, 30)}日分）督促チーム\n")
    staff_sign(d, c, c.staff())
    d.add("\n\n")
    for i in range(n):
        p = c.person()
        d.add(f"{i + 1:02d}. {c.r.randint(9, 18)}:{c.r.randint(0, 59):02d} 架電 ")
        d.value("PHONE", c.phone()).add(" ")
        d.value("PERSON", c.pname(p)).add(" 様 ")
        d.add(c.r.choice(CALL_RESULTS))
        d.add("\n")
    d.add("\n以上、未接続分は明日再架電します。\n")
    return d


def escalation(c: HCtx) -> Doc:
    d = Doc("escalation.txt", "escalation")
    p, s, sv = c.person(), c.staff(), c.staff()
    d.add("件名：【至急・要上長判断】商品破損に関するお申し出\n\n")
    d.value("PERSON", sv.name(" "), staff=True).add(" SV\n\nお疲れさまです。")
    d.value("PERSON", s.name(""), staff=True).add("です。\n下記の件、二次対応をお願いいたします。\n\n")
    d.add("◆お客様\n　")
    d.value("PERSON", c.pname(p)).add(" 様（").value("PERSON", p.kana()).add("）\n")
    d.add("　ご住所：").value("ADDRESS", c.address()).add("\n")
    d.add("　ご連絡先：").value("PHONE", c.phone())
    d.add(c.r.choice(["（日中つながりやすい）", "", "（携帯）"]) + "\n")
    if c.chance(0.5):
        d.add("　生年月日：").value("BIRTH_DATE", c.birth()).add(c.r.choice(["生", "", " 生まれ"])).add("\n")
    d.add("\n◆経緯\n　11/24 入電。届いた食器セットが3点割れていたとのこと。\n")
    d.add("　")
    say_name(d, c, p)
    d.add("。交換品の手配を案内したが「今すぐ全額返金しろ」と強いお申し出。\n")
    d.add("　SNSに投稿するとのご発言あり。\n\n◆対応案\n　返金＋送料負担でご提案予定です。\n")
    return d


def redelivery(c: HCtx) -> Doc:
    d = Doc("saihaitatsu.txt", "redelivery")
    p = c.person()
    layout = c.turn("redeliv", [0, 1])
    if layout == 0:
        d.add(f"再配達受付票　No.{c.r.randint(10000, 99999)}\n")
        d.add("お問合せ番号：" + c.tracking() + "\n")
        d.add("お届け先住所：")
        if c.chance(0.5):
            d.add("〒").value("POSTAL_CODE", c.postal()).add(" ")
        d.value("ADDRESS", c.address(building=0.9)).add("\n")
        d.add("お届け先名：").value("PERSON", c.pname(p)).add(" 様\n")
        d.add("ご希望：12月2日 19時〜21時\n")
        d.add("ご連絡先：").value("PHONE", c.phone(style=c.r.choice(["no", "fw", "-"]))).add("\n")
        d.add("備考：オートロックのため部屋番号呼び出し。置き配不可。\n")
    else:
        d.add(f"配送メモ {c.when()}\n")
        d.add("ドライバーより連絡。")
        say_name(d, c, p)
        d.add(" 宅、表札なく不在票投函済み。\n住所は ")
        d.value("ADDRESS", c.address(building=1.0, pref=0.3)).add(" で合っているか確認したい、")
        d.add("携帯 ").value("PHONE", c.phone(mobile=1.0)).add(" にSMS送信済み。\n")
        d.add("配送業者問合せ番号 " + c.tracking() + "\n")
    return d


def address_change(c: HCtx) -> Doc:
    d = Doc("jusho_henko.txt", "address_move")
    p = c.person()
    d.add("住所変更受付（電話）\n")
    d.add(c.r.choice(["契約者名：", "ご契約者：", "名義："])).value("PERSON", c.pname(p)).add("\n")
    d.add(f"契約番号：C{c.r.randint(100000, 999999)}\n")
    d.add("変更前：").value("ADDRESS", c.address()).add("\n")
    d.add("変更後：〒").value("POSTAL_CODE", c.postal()).add(" ")
    d.value("ADDRESS", c.address(building=0.9)).add("\n")
    if c.chance(0.6):
        d.add("電話番号も変更 → ").value("PHONE", c.phone()).add("\n")
    d.add("本人確認：")
    if c.chance(0.5):
        d.add("生年月日 ").value("BIRTH_DATE", c.birth()).add(" で確認\n")
    else:
        d.add("登録電話番号からの入電で確認\n")
    d.add("適用：次回発送分より\n")
    return d


def refund(c: HCtx) -> Doc:
    d = Doc("henkin_koza.txt", "refund")
    p = c.person()
    d.add("返金先口座のご連絡（メール受付分を転記）\n\n")
    say_name(d, c, p)
    d.add("\n金融機関：" + c.r.choice(BANKS) + "　" + c.r.choice(BRANCHES))
    d.add(f"（店番{c.r.randint(100, 999)}）\n")
    d.add(c.r.choice(["口座：普通 ", "種別・口座番号：普通預金 ", "普通　口座番号 ", "当座 "]))
    d.value("BANK_ACCOUNT", c.account()).add("\n")
    d.add("口座名義：").value("PERSON", p.kana(c.r.choice([" ", "　"]))).add("\n")
    d.add(f"返金額：{c.r.randint(1, 40) * 550:,}円\n")
    d.add("※振込予定日は月末締め翌月10日。\n")
    return d


def payment_trouble(c: HCtx) -> Doc:
    """Card troubles: the card number itself only in some of them (a few documents a set)."""
    d = Doc("kessai_memo.txt", "payment_trouble")
    p = c.person()
    d.add(f"決済エラー対応 {c.when()}\n")
    d.value("PERSON", c.pname(p)).add("様より入電。カード決済が通らないとのこと。\n")
    if c.turn("card_in", [True, False, False]):
        d.add("お客様が読み上げたカード番号：").value("CREDIT_CARD", c.card())
        d.add(f"（有効期限 {c.r.randint(1, 12):02d}/{c.r.randint(27, 31)}）\n")
        d.add("※本来聞き取り不可の情報。メモ破棄予定。\n")
    else:
        d.add("カード下4桁 " + f"{c.r.randint(0, 9999):04d}" + "、カード会社へ確認いただくよう案内。\n")
    d.add("連絡先 ").value("PHONE", c.phone()).add("\n")
    return d


def customer_mail(c: HCtx) -> Doc:
    d = Doc("inquiry.txt", "customer_mail")
    p = c.person()
    mail = c.email(p, style="plain")
    d.add("----- 転送メッセージ -----\n送信者: ").value("EMAIL", mail).add("\n")
    d.add(f"宛先: {c.own.mail}\n件名: 注文内容の変更について\n\n")
    d.add(f"{c.own.name} ご担当者様\n\nいつもお世話になっております。\n")
    d.add(c.r.choice(["先日注文した", "11月20日に注文した"]) + "カーテンの色を変更したくご連絡しました。\n")
    d.add("お手数ですがご対応よろしくお願いします。\n\n")
    d.value("PERSON", c.pname(p)).add("\n")
    if c.chance(0.7):
        d.add("〒").value("POSTAL_CODE", c.postal()).add("\n").value("ADDRESS", c.address()).add("\n")
    d.add(c.r.choice(["TEL ", "携帯：", "電話 "])).value("PHONE", c.phone()).add("\n")
    d.add("返信はこちらへ: ").value("EMAIL", c.email(p, style=c.r.choice(["at", "fw", "brk"]))).add("\n")
    return d


def identity_check(c: HCtx) -> Doc:
    """Membership application check: birth date in era styles; My Number in a few."""
    d = Doc("honnin_kakunin.txt", "identity_check")
    p = c.person()
    d.add("会員登録 本人確認チェックシート\n\n")
    d.add("申込者　").value("PERSON", c.pname(p)).add("\n")
    d.add("フリガナ　").value("PERSON", p.kana()).add("\n")
    d.add("生年月日　").value("BIRTH_DATE", c.birth(style=c.r.choice(["era", "eraabbr", "erafw"]))).add("\n")
    d.add("現住所　").value("ADDRESS", c.address()).add("\n")
    d.add("確認書類　" + c.r.choice(["運転免許証", "健康保険証", "マイナンバーカード（表面のみ）"]) + "\n")
    if c.turn("mynum", [True, False, False, False]):
        d.add("※お客様が個人番号も記入されていたため要マスキング：").value("MY_NUMBER", c.my_number()).add("\n")
    if c.chance(0.4):
        d.add("お子様（会員特典対象）：").value("PERSON", c.fk.last_name() + c.fk.first_name())
        y = c.r.randint(1, 6)
        d.add("　").value("BIRTH_DATE", f"令和{y}年{c.r.randint(1, 12)}月{c.r.randint(1, 28)}日").add("生\n")
    d.add("判定：OK\n")
    return d


def handover(c: HCtx) -> Doc:
    d = Doc("hikitsugi.txt", "handover")
    d.add("夜勤→日勤 引継ぎ\n\n")
    for _ in range(c.r.randint(2, 5)):
        p = c.person()
        d.add("・")
        d.value("PERSON", c.pname(p)).add(c.r.choice(["様の件：", "様の件 ", "さんの件→"]))
        d.add(c.r.choice(["返品受付済、伝票待ち", "折返し希望 ", "再送手配済 ", "請求書再発行 "]))
        if c.chance(0.6):
            d.add("（").value("PHONE", c.phone()).add("）")
        d.add("\n")
    d.add("\n特記事項なし。\n")
    return d


def chat_log(c: HCtx) -> Doc:
    """A web chat transcript: the customer types their own details in pieces."""
    d = Doc("chat_rireki.txt", "chat_log")
    p = c.person()
    t = c.r.randint(9, 20)
    d.add(f"チャット履歴 #{c.r.randint(100000, 999999)}\n")
    d.add(f"[{t}:01] オペレーター: お問い合わせありがとうございます。ご本人確認のためお名前をお願いします。\n")
    d.add(f"[{t}:02] ゲスト: ").value("PERSON", c.pname(p)).add(c.r.choice(["です", "", "です。よろしく"])).add("\n")
    d.add(f"[{t}:02] オペレーター: ありがとうございます。ご登録のお電話番号もお願いいたします。\n")
    d.add(f"[{t}:03] ゲスト: ").value("PHONE", c.phone(style=c.r.choice(["bare", "-", "sp", "fw"]))).add("\n")
    if c.chance(0.6):
        d.add(f"[{t}:04] ゲスト: あと引っ越したので住所も変えてください ")
        d.value("ADDRESS", c.address(building=0.8)).add("\n")
    if c.chance(0.4):
        d.add(f"[{t}:05] ゲスト: 連絡はメールでお願いします ").value("EMAIL", c.email(p)).add("\n")
    d.add(f"[{t}:06] オペレーター: 承知いたしました。変更手続きを行います。\n")
    staff_sign(d, c, c.staff())
    d.add("\n")
    return d


def dunning_letter(c: HCtx) -> Doc:
    """A letter to a customer (a draft of the payment reminder): their address block on top,
    the company's own contacts (allow-listed) at the foot."""
    d = Doc("tokusoku_bunan.txt", "dunning_letter")
    p = c.person()
    d.add("〒").value("POSTAL_CODE", c.postal()).add("\n")
    d.value("ADDRESS", c.address(building=0.7)).add("\n")
    d.value("PERSON", p.name("　")).add("　様\n\n")
    d.add("お支払いについてのお願い\n\n拝啓　時下ますますご清祥のこととお慶び申し上げます。\n")
    d.add(f"さて、{c.r.randint(8, 10)}月ご利用分のお支払いが本日時点で確認できておりません。")
    d.add("本状到着後1週間以内にお手続きくださいますようお願い申し上げます。\n敬具\n\n")
    d.add(f"{c.own.name} {c.own.dept}\n〒").biz("POSTAL_CODE", c.own.postal, own=True).add(" ")
    d.biz("ADDRESS", c.own.address, own=True).add("\nTEL ").biz("PHONE", c.own.phone, own=True).add("\n")
    return d


def json_export(c: HCtx) -> Doc:
    """Records copied out of an order system as JSON lines: keys in English, values Japanese."""
    d = Doc("orders.jsonl", "json_export")
    for _ in range(c.turn("json_n", [2, 4, 7, 12, 15])):
        p = c.person()
        d.add(f'{{"order_id": "{c.order_no()}", "ship_to": {{"name": "').value("PERSON", c.pname(p))
        d.add('", "zip": "').value("POSTAL_CODE", c.postal(bare=c.chance(0.5)))
        d.add('", "address": "').value("ADDRESS", c.address(building=0.5).replace("\u3000", " "))
        d.add('", "tel": "').value("PHONE", c.phone(style=c.r.choice(["-", "bare"])))
        d.add(f'"}}, "items": [{{"jan": "{c.jan()}", "qty": {c.r.randint(1, 5)}}}], "status": "shipped"}}\n')
    return d


POSITIVE_TEXT: list[Callable[[HCtx], Doc]] = [
    call_in,
    call_out,
    escalation,
    redelivery,
    address_change,
    refund,
    payment_trouble,
    customer_mail,
    identity_check,
    handover,
    chat_log,
    dunning_letter,
    json_export,
]


# -- tables ------------------------------------------------------------------------------------

Cell = tuple[str, str | None]  # value, label type (None: not labelled)


def table_doc(name: str, family: str, titles: list[str], header: list[str], body: list[list[Cell]], width: int) -> Doc:
    d = Doc(name, family)
    for t in titles:
        d.rows.append([t] + [""] * (width - 1))
    if header:
        d.rows.append(header)
    for cells in body:
        d.rows.append([v for v, _ in cells])
        for i, (v, t) in enumerate(cells):
            if t and v:
                kind = None
                if t.startswith("BIZ:"):
                    t, kind = "BUSINESS_CONTACT", t[4:]
                d.labels.append(Label(t, v, row=len(d.rows), col=i, column=header[i] if header else None, kind=kind))
    return d


# column kinds: (headers, maker(ctx, person) -> cell)
COLUMNS: dict[str, tuple[list[str], Callable[[HCtx, P], Cell]]] = {
    "no": (["No.", "No", "連番"], lambda c, p: (str(c.r.randint(1, 9999)), None)),
    "name": (
        ["お客様名", "契約者名", "ご購入者", "会員名", "氏名（漢字）", "氏名", "ご依頼主"],
        lambda c, p: (c.pname(p), "PERSON"),
    ),
    "kana": (["フリガナ", "氏名（カナ）", "ｶﾅ"], lambda c, p: (p.kana(), "PERSON")),
    "sei": (["姓"], lambda c, p: (p.family if not p.foreign else p.foreign[0], "PERSON")),
    "mei": (["名"], lambda c, p: (p.given if not p.foreign else "・".join(p.foreign[1:]), "PERSON")),
    "seik": (["セイ"], lambda c, p: (p.fkana, "PERSON")),
    "meik": (["メイ"], lambda c, p: (p.gkana, "PERSON")),
    "zip7": (["郵便番号", "〒"], lambda c, p: (c.postal(bare=True), "POSTAL_CODE")),
    "zip": (["郵便番号"], lambda c, p: (c.postal(), "POSTAL_CODE")),
    "addr": (["住所", "ご住所", "送付先住所"], lambda c, p: (c.address(), "ADDRESS")),
    "tel": (["電話番号", "TEL", "連絡先"], lambda c, p: (c.phone(), "PHONE")),
    "mobile": (["携帯", "携帯番号"], lambda c, p: (c.phone(mobile=1.0, style="-"), "PHONE")),
    "mail": (["メールアドレス", "E-mail", "PCメール"], lambda c, p: (c.email(p, style="plain"), "EMAIL")),
    "birth": (["生年月日", "誕生日"], lambda c, p: (c.birth(), "BIRTH_DATE")),
    "acct": (["口座番号"], lambda c, p: (c.account(), "BANK_ACCOUNT")),
    "bank": (["銀行名"], lambda c, p: (c.r.choice(BANKS), None)),
    "branch": (["支店名"], lambda c, p: (c.r.choice(BRANCHES), None)),
    "acctype": (["種別", "預金種目"], lambda c, p: (c.r.choice(["普通", "普通", "当座"]), None)),
    "date": (["購入日", "受付日", "登録日"], lambda c, p: (f"2026/{c.r.randint(1, 11)}/{c.r.randint(1, 28)}", None)),
    "item": (["商品名", "ご購入商品"], lambda c, p: (c.r.choice(PRODUCTS), None)),
    "amount": (["金額", "合計金額"], lambda c, p: (f"{c.r.randint(3, 300) * 100}", None)),
    "gender": (["性別"], lambda c, p: (c.r.choice(["男", "女", "-"]), None)),
    "status": (["ステータス", "対応状況"], lambda c, p: (c.r.choice(["済", "未", "保留", ""]), None)),
    "note": (["備考"], lambda c, p: (c.r.choice(["", "", "再送済", "要折返し", "DM不要"]), None)),
}


def _addr12(c: HCtx, p: P) -> tuple[Cell, Cell]:
    a = c.address(building=0.0)
    b = c.building() if c.chance(0.7) else ""
    return (a, "ADDRESS"), (b, "ADDRESS" if b else None)


LAYOUTS = [
    ["no", "name", "kana", "zip", "addr", "tel", "mail", "birth"],
    ["sei", "mei", "seik", "meik", "zip7", "addr12", "tel", "mobile"],
    ["date", "name", "item", "amount", "tel", "status"],
    ["name", "bank", "branch", "acctype", "acct", "kana"],
    ["name", "birth", "gender", "mobile", "note"],
    ["date", "name", "mail", "item", "amount"],
    ["name", "zip7", "addr12", "tel", "birth"],
]
TITLES = [
    [],
    ["顧客一覧（2026年11月末）"],
    ["■ 会員名簿", "出力日：2026/11/30"],
    ["返金対象者リスト", "", "作成：業務課"],
]


def as_cp932(d: Doc) -> Doc:
    """A Shift_JIS (CP932) export: the cells as CP932 writes them back (U+2212 becomes －), so
    that labels equal the file's text; a cell CP932 cannot hold makes the export UTF-8 (build.render)."""

    def back(v: str) -> str:
        try:
            return v.encode("cp932").decode("cp932")
        except UnicodeEncodeError:
            return v

    d.encoding = "cp932"
    d.rows = [[back(v) for v in row] for row in d.rows]
    for lb in d.labels:
        lb.value = back(lb.value)
    return d


def customer_table(c: HCtx, ext: str, family: str) -> Doc:
    layout = c.turn(f"layout-{family}", LAYOUTS)
    header: list[str] = []
    for k in layout:
        if k == "addr12":
            header += c.r.choice([["住所1", "住所2"], ["住所１", "住所２"], ["住所", "建物名・部屋番号"]])
        else:
            header.append(c.r.choice(COLUMNS[k][0]))
    n = c.turn(f"rows-{family}", [6, 10, 12, 18, 25, 40, 60, 120])
    body: list[list[Cell]] = []
    for _ in range(n):
        p = c.person()
        row: list[Cell] = []
        for k in layout:
            if k == "addr12":
                row += list(_addr12(c, p))
            else:
                row.append(COLUMNS[k][1](c, p))
        body.append(row)
    titles = c.turn(f"titles-{family}", TITLES)
    d = table_doc(f"kokyaku.{ext}", family, titles, header, body, len(header))
    return as_cp932(d) if ext == "csv" and c.chance(0.5) else d


def customer_csv(c: HCtx) -> Doc:
    return customer_table(c, "csv", "customer_csv")


def member_xlsx(c: HCtx) -> Doc:
    return customer_table(c, "xlsx", "member_xlsx")


def purchaser_docx(c: HCtx) -> Doc:
    return customer_table(c, "docx", "purchaser_docx")


def name_only_list(c: HCtx) -> Doc:
    """A single column of customers' names (10-40): each row is a record (issue 10)."""
    ext = c.turn("namelist-ext", ["csv", "xlsx", "docx", "csv"])
    n = c.r.randint(10, 40)
    head = c.r.choice(["当選者氏名", "お客様名", "DM送付先", "会員名"])
    title = c.chance(0.5)
    d = Doc(f"meibo.{ext}", "name_only_list")
    if title:
        d.rows.append(["12月 抽選キャンペーン当選者"])
    d.rows.append([head])
    for _ in range(n):
        v = c.pname(c.person())
        d.rows.append([v])
        d.labels.append(Label("PERSON", v, row=len(d.rows), col=0, column=head))
    return as_cp932(d) if ext == "csv" and c.chance(0.4) else d


POSITIVE_TABLE: list[Callable[[HCtx], Doc]] = [customer_csv, member_xlsx, purchaser_docx, name_only_list]


# -- negatives: texts --------------------------------------------------------------------------


def letterhead(d: Doc, c: HCtx, co: Company) -> None:
    d.add(co.name + "\n〒").biz("POSTAL_CODE", co.postal).add(" ").biz("ADDRESS", co.address).add("\n")
    d.add("TEL ").biz("PHONE", co.phone).add("　FAX ").biz("PHONE", co.fax).add("\n")


def supplier_invoice(c: HCtx) -> Doc:
    co = c.company()
    kind = c.turn("inv", ["請求書", "御見積書", "請求書"])
    d = Doc("seikyu.txt" if kind == "請求書" else "mitsumori.txt", "vendor_invoice")
    d.add(f"{kind}\n\n{c.own.name} 御中\n\n")
    d.add(f"発行日 2026年11月{c.r.randint(1, 30)}日　No. {c.r.randint(10000, 99999)}\n")
    d.add(f"登録番号：T{c.r.randint(10**12, 10**13 - 1)}\n\n")
    letterhead(d, c, co)
    d.add("担当：").value("PERSON", c.staff().name(c.r.choice(["", " "])), staff=True).add("\n\n")
    total = 0
    for _ in range(c.r.randint(2, 5)):
        q, u = c.r.randint(1, 50), c.r.randint(2, 90) * 100
        total += q * u
        item = c.r.choice(["段ボール 120サイズ", "緩衝材ロール", "OPP袋 A4", "宛名ラベル"])
        d.add(f"{item}\t{q}\t{u:,}\t{q * u:,}\n")
    d.add(f"\n小計 {total:,}円　消費税(10%) {total // 10:,}円　合計 {total + total // 10:,}円\n")
    if kind == "請求書":
        d.add("\nお振込先：" + c.r.choice(BANKS) + " " + c.r.choice(BRANCHES) + " 普通 ")
        d.biz("BANK_ACCOUNT", co.bank).add(f" 口座名義 {c.r.choice(['カ)', '(カ'])}{c.fk.last_kana_name()}\n")
        d.add("\n振込手数料は貴社ご負担にてお願いいたします。\n")
    else:
        d.add("\n有効期限：発行日より30日\n")
    return d


def vendor_mail(c: HCtx) -> Doc:
    """A supplier's mail with a signature block: staff names and business contacts only."""
    co = c.company()
    s = c.staff()
    d = Doc("torihikisaki_mail.txt", "vendor_mail")
    d.add(f"{c.own.name}\n購買ご担当 ")
    d.value("PERSON", c.staff().name(" "), staff=True).add(" 様\n\n")
    d.add("平素より大変お世話になっております。\n納期の件、12月第2週に出荷可能となりましたのでご連絡いたします。\n")
    d.add("引き続きよろしくお願い申し上げます。\n\n")
    d.add(c.r.choice(["━━━━━━━━━━━━━━━━\n", "-- \n", "＊＊＊＊＊＊＊＊＊＊＊＊\n"]))
    d.add(co.name + " " + co.dept + "\n")
    d.value("PERSON", s.name(c.r.choice([" ", "　"])), staff=True).add("\n")
    d.add("〒").biz("POSTAL_CODE", co.postal).add(" ").biz("ADDRESS", co.address).add("\n")
    d.add("TEL：").biz("PHONE", co.phone).add(" / FAX：").biz("PHONE", co.fax).add("\n")
    d.add("Mail：").biz("EMAIL", f"{s.romaji}@{co.domain}").add("\n")
    return d


def system_log(c: HCtx) -> Doc:
    d = Doc("app.log", "app_log")
    for _ in range(c.r.randint(15, 40)):
        r = c.r
        ts = f"2026-11-{r.randint(1, 30):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
        ts += f".{r.randint(0, 999):03d}+09:00"
        lvl = c.r.choice(["INFO", "INFO", "WARN", "ERROR", "DEBUG"])
        msg = c.r.choice(
            [
                f"order_id={c.r.randint(10**9, 10**10 - 1)} status=SHIPPED carrier=YMT trk={c.tracking()}",
                f"session={c.r.getrandbits(64):016x} user_id={c.r.randint(100000, 999999)} login ok",
                f"batch job #{c.r.randint(1, 999)} took {c.r.randint(10, 99999)} ms rows={c.r.randint(0, 50000)}",
                f"POST /api/v2/cart/{c.r.randint(1000000, 9999999)} 200 {c.r.randint(3, 900)}ms",
                f"retry {r.randint(1, 5)}/5 upstream=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 9)}:8080",
                f"jan={c.jan()} stock={c.r.randint(0, 500)} sync done",
            ]
        )
        d.add(f"{ts} [{lvl}] {msg}\n")
    return d


def meeting_minutes(c: HCtx) -> Doc:
    """Internal minutes: staff by surname only (not labelled: no full name, nobody's data)."""
    names = [c.fk.last_name() for _ in range(5)]
    d = Doc("gijiroku.txt", "meeting_minutes")
    d.add(f"CS定例ミーティング議事録　2026/11/{c.r.randint(1, 28)} 10:00-11:00\n")
    d.add(f"出席：{'、'.join(names[:4])}（記）\n\n")
    d.add(f"1. 先月の応答率：{c.r.randint(70, 95)}.{c.r.randint(0, 9)}%（目標85%）\n")
    d.add(f"   {names[0]}：夕方の入電集中への対応として、シフトを30分後ろ倒しにする案。\n")
    d.add(f"2. エスカレーション件数 {c.r.randint(3, 30)}件。{names[1]}さんから事例共有。\n")
    d.add(f"3. 次回 12/{c.r.randint(1, 20)}、担当 {names[2]}。\n")
    return d


def product_manual(c: HCtx) -> Doc:
    d = Doc("torisetsu.txt", "product_manual")
    model = f"KM-{c.r.randint(100, 999)}{c.r.choice('ABX')}"
    d.add(f"電気ケトル {model} 取扱説明書（抜粋）\n\n")
    d.add("■仕様\n定格電圧：AC100V 50/60Hz\n消費電力：1250W\n容量：1.0L\n質量：約0.9kg\n")
    d.add(f"JANコード：{c.jan()}\n\n")
    d.add("■ご使用方法\n1. 本体に水を入れ（MAX 1.0Lまで）、電源プレートにのせます。\n")
    d.add("2. スイッチを押すとランプが点灯し、沸騰後に自動で切れます。\n\n")
    d.add(
        "■故障かな？と思ったら\nランプが点滅する場合は空だき防止機能が働いています。10分ほどおいてから再度お使いください。\n"
    )
    d.add("\n■お問い合わせ\n")
    own_contact(d, c)
    d.add("受付時間 平日9:00〜17:00（土日祝・年末年始を除く）\n")
    return d


def store_guide(c: HCtx) -> Doc:
    d = Doc("tenpo_annai.txt", "store_guide")
    d.add("【直営店のご案内】\n\n")
    for _ in range(c.r.randint(2, 6)):
        town = c.fk.town()
        d.add(f"◇{town}店\n　所在地：〒").biz("POSTAL_CODE", c.postal()).add(" ")
        d.biz("ADDRESS", c.address(building=0.5)).add("\n")
        d.add("　電話：").biz("PHONE", c.phone(mobile=0.0, style="-")).add("\n")
        d.add(f"　営業時間：{c.r.choice(['10:00〜20:00', '9:30〜19:00', '11:00〜21:00'])}　定休日：")
        d.add(c.r.choice(["水曜日", "なし", "第2・第4火曜日", "年末年始"]) + "\n\n")
    return d


def own_notice(c: HCtx) -> Doc:
    """The company's own notice to all customers: its contacts (allow-listed) and a staff name."""
    d = Doc("oshirase.txt", "own_notice")
    d.add("お客様各位\n\n年末年始の営業について\n\n")
    d.add("誠に勝手ながら、12月29日から1月3日まで休業とさせていただきます。\n")
    d.add("期間中のご注文は1月4日より順次発送いたします。\n\n")
    d.add(f"{c.own.name}\n〒").biz("POSTAL_CODE", c.own.postal, own=True).add(" ")
    d.biz("ADDRESS", c.own.address, own=True).add("\n")
    own_contact(d, c)
    d.add("Mail: ").biz("EMAIL", c.own.mail, own=True).add("\n")
    d.add("責任者 ").value("PERSON", c.staff().name(" "), staff=True).add("\n")
    return d


NEGATIVE_TEXT: list[Callable[[HCtx], Doc]] = [
    supplier_invoice,
    vendor_mail,
    system_log,
    meeting_minutes,
    product_manual,
    store_guide,
    own_notice,
]


# -- negatives: tables -------------------------------------------------------------------------


def store_table(c: HCtx) -> Doc:
    ext = c.turn("store-ext", ["csv", "xlsx", "csv"])
    header = ["店舗名", "郵便番号", "住所", "電話番号", "営業時間", "定休日"]
    body: list[list[Cell]] = []
    for _ in range(c.r.randint(5, 30)):
        body.append(
            [
                (f"{c.fk.town()}店", None),
                (c.postal(), "BIZ:POSTAL_CODE"),
                (c.address(building=0.4), "BIZ:ADDRESS"),
                (c.phone(mobile=0.0, style="-"), "BIZ:PHONE"),
                (c.r.choice(["10:00-20:00", "9:00-18:00", "10:00-19:00"]), None),
                (c.r.choice(["水曜", "なし", "火曜・水曜", "不定休"]), None),
            ]
        )
    d = table_doc(f"tenpo_ichiran.{ext}", "store_table", c.r.choice([[], ["店舗一覧"]]), header, body, len(header))
    return as_cp932(d) if ext == "csv" and c.chance(0.5) else d


def shipment_table(c: HCtx) -> Doc:
    ext = c.turn("ship-ext", ["csv", "xlsx"])
    header = ["受注番号", "出荷日", "配送業者", "お問合せ番号", "JANコード", "商品名", "数量"]
    body: list[list[Cell]] = []
    for _ in range(c.r.randint(10, 80)):
        body.append(
            [
                (c.order_no(), None),
                (f"2026/11/{c.r.randint(1, 30)}", None),
                (c.r.choice(["ヤマト", "佐川", "日本郵便", "西濃"]), None),
                (c.tracking() if c.chance(0.7) else f"{c.r.randint(10**11, 10**12 - 1)}", None),
                (c.jan(), None),
                (c.r.choice(["除湿機", "電気ケトル", "ハンディファン", "加湿器"]), None),
                (str(c.r.randint(1, 12)), None),
            ]
        )
    return table_doc(f"shukka.{ext}", "shipment_table", [], header, body, len(header))


def price_table(c: HCtx) -> Doc:
    ext = c.turn("price-ext", ["csv", "docx", "xlsx"])
    header = ["商品コード", "JAN", "品名", "規格", "入数", "単価"]
    body: list[list[Cell]] = []
    for _ in range(c.r.randint(10, 50)):
        body.append(
            [
                (f"P{c.r.randint(10000, 99999)}", None),
                (c.jan(), None),
                (c.r.choice(["ゴミ袋45L", "紙コップ", "ウェットティッシュ", "乾電池単3"]), None),
                (c.r.choice(["10枚入", "50個", "80枚", "4本"]), None),
                (str(c.r.randint(1, 48)), None),
                (str(c.r.randint(80, 2000)), None),
            ]
        )
    return table_doc(f"kakaku.{ext}", "price_table", ["2027年1月改定 価格表"], header, body, len(header))


NEGATIVE_TABLE: list[Callable[[HCtx], Doc]] = [store_table, shipment_table, price_table]

# Per 20 documents: 8 customer texts, 5 customer tables, 4 negative texts, 3 negative tables
# (7 in 20 negatives).
SCHEDULE = [(POSITIVE_TEXT, 8), (POSITIVE_TABLE, 5), (NEGATIVE_TEXT, 4), (NEGATIVE_TABLE, 3)]
