"""Set D: a second held-out set, written without reading the rules, the detector or sets A-C.

Why a second one: detection is tuned while looking at errors on sets A, B and C, so their
figures over-state quality. Set D's families, wordings and value sources are its own: customer
charts, cancellation records, estimate requests with a contact block, dunning memos, sales
daily reports, survey exports with free-text answers, member sheets with two header rows,
rosters, address-label data, English-headed lists, tab-separated tables pasted into a mail,
and hard negatives (invoices with お振込先, job offers, internal rules, access and delivery logs,
partner and branch lists, catalogues with JAN codes, dispatch ledgers).

Values: Faker ja_JP (its own seed) plus hand-written lists: real prefecture/city/town
combinations, building names, foreign residents' names from several countries, valid names
with rare kanji. Numbers are random, with valid check digits where the real thing has one.
Labels follow scripts/evalcorpus/model.py; expected actions come from model.expected_action.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc, Label
from scripts.evalcorpus.turns import Turns

SEED = 4004

FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
FWD = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI_NUM = "〇一二三四五六七八九十"

# -- hand-written value lists --------------------------------------------------------------------

# (prefecture, city, town, postal code): real combinations.
PLACES = [
    ("北海道", "札幌市中央区", "北一条西", "060-0001"),
    ("北海道", "虻田郡倶知安町", "南一条東", "044-0011"),
    ("青森県", "弘前市", "土手町", "036-8182"),
    ("宮城県", "仙台市青葉区", "一番町", "980-0811"),
    ("山形県", "鶴岡市", "本町", "997-0034"),
    ("茨城県", "つくば市", "吾妻", "305-0031"),
    ("栃木県", "宇都宮市", "馬場通り", "320-0026"),
    ("群馬県", "高崎市", "八島町", "370-0849"),
    ("埼玉県", "さいたま市浦和区", "高砂", "330-0063"),
    ("千葉県", "船橋市", "本町", "273-0005"),
    ("東京都", "世田谷区", "三軒茶屋", "154-0024"),
    ("東京都", "練馬区", "豊玉北", "176-0012"),
    ("東京都", "江東区", "豊洲", "135-0061"),
    ("東京都", "八王子市", "子安町", "192-0904"),
    ("神奈川県", "横浜市港北区", "日吉", "223-0061"),
    ("神奈川県", "藤沢市", "鵠沼海岸", "251-0037"),
    ("神奈川県", "川崎市中原区", "小杉町", "211-0063"),
    ("新潟県", "新潟市中央区", "古町通", "951-8063"),
    ("富山県", "富山市", "総曲輪", "930-0083"),
    ("石川県", "金沢市", "広坂", "920-0962"),
    ("長野県", "松本市", "中央", "390-0811"),
    ("長野県", "北佐久郡軽井沢町", "大字軽井沢", "389-0102"),
    ("岐阜県", "岐阜市", "長良", "502-0071"),
    ("静岡県", "浜松市中央区", "鍛冶町", "430-0933"),
    ("愛知県", "名古屋市千種区", "今池", "464-0850"),
    ("愛知県", "豊橋市", "駅前大通", "440-0888"),
    ("三重県", "四日市市", "諏訪栄町", "510-0086"),
    ("滋賀県", "大津市", "打出浜", "520-0806"),
    ("京都府", "京都市左京区", "下鴨松ノ木町", "606-0802"),
    ("大阪府", "大阪市北区", "天神橋", "530-0041"),
    ("大阪府", "堺市堺区", "大町東", "590-0955"),
    ("兵庫県", "神戸市灘区", "六甲台町", "657-0013"),
    ("兵庫県", "西宮市", "甲子園町", "663-8152"),
    ("奈良県", "奈良市", "三条本町", "630-8122"),
    ("岡山県", "倉敷市", "阿知", "710-0055"),
    ("広島県", "広島市中区", "紙屋町", "730-0031"),
    ("香川県", "高松市", "瓦町", "760-0052"),
    ("愛媛県", "松山市", "大街道", "790-0004"),
    ("高知県", "高知市", "はりまや町", "780-0822"),
    ("福岡県", "福岡市博多区", "博多駅前", "812-0011"),
    ("福岡県", "北九州市小倉北区", "魚町", "802-0006"),
    ("大分県", "別府市", "北浜", "874-0920"),
    ("熊本県", "熊本市中央区", "水前寺", "862-0950"),
    ("鹿児島県", "鹿児島市", "千日町", "892-0843"),
    ("沖縄県", "那覇市", "おもろまち", "900-0006"),
]
BUILDINGS = [
    "メゾン・ド・ソレイユ",
    "コーポ若葉",
    "パークハイム",
    "レジデンス桜坂",
    "グランシャリオ",
    "ハイツ緑ヶ丘",
    "カーサ・ビアンカ",
    "第二松風荘",
    "ヴィラ山手",
    "シャトー白樺",
    "エステート川端",
    "リバーサイド杜",
    "アーバンコート東雲",
    "フォレストヒルズ壱番館",
]
# Valid names with rare or old-form kanji: (written, reading).
RARE_FAMILY = [
    ("髙橋", "タカハシ"),
    ("𠮷田", "ヨシダ"),
    ("齋藤", "サイトウ"),
    ("渡邉", "ワタナベ"),
    ("邊見", "ヘンミ"),
    ("山﨑", "ヤマザキ"),
    ("濵田", "ハマダ"),
    ("栁沢", "ヤナギサワ"),
    ("德永", "トクナガ"),
    ("薬袋", "ミナイ"),
    ("小鳥遊", "タカナシ"),
    ("勅使河原", "テシガワラ"),
    ("東海林", "ショウジ"),
    ("百目鬼", "ドウメキ"),
    ("四月一日", "ワタヌキ"),
]
RARE_GIVEN = [
    ("凜", "リン"),
    ("煌", "コウ"),
    ("瑠璃", "ルリ"),
    ("雫", "シズク"),
    ("穣", "ミノル"),
    ("皐月", "サツキ"),
    ("颯", "ハヤテ"),
    ("紬", "ツムギ"),
    ("禮子", "レイコ"),
    ("滿", "ミツル"),
    ("彌生", "ヤヨイ"),
    ("燈", "アカリ"),
    ("麟太郎", "リンタロウ"),
]
# Foreign residents: (family, given, family reading, given reading, romaji for mail), written
# in katakana (or kanji where the person's own name is in kanji).
FOREIGN = [
    ("グエン", "ティ・ホア", "グエン", "ティ・ホア", "hoa.nguyen"),
    ("チャン", "ヴァン・ミン", "チャン", "ヴァン・ミン", "minh.tran"),
    ("サントス", "ガブリエル", "サントス", "ガブリエル", "gabriel.s"),
    ("オリヴェイラ", "ジュリアナ", "オリヴェイラ", "ジュリアナ", "juliana.o"),
    ("レイエス", "マリセル", "レイエス", "マリセル", "maricel.r"),
    ("タパ", "ラジェシュ", "タパ", "ラジェシュ", "rajesh.thapa"),
    ("グルン", "スニタ", "グルン", "スニタ", "sunita.g"),
    ("スハルト", "デウィ", "スハルト", "デウィ", "dewi.s"),
    ("ミラー", "エミリー", "ミラー", "エミリー", "emily.miller"),
    ("コワルスキ", "アンナ", "コワルスキ", "アンナ", "anna.k"),
    ("王", "偉", "ワン", "ウェイ", "wang.wei"),
    ("李", "秀英", "リ", "シュウエイ", "li.xiuying"),
    ("朴", "智慧", "パク", "チヘ", "park.jihye"),
]
BANKS = ["みずなみ銀行", "ひまわり信用金庫", "東雲銀行", "やまびこ銀行", "かもめ信用組合", "若葉ネット銀行"]
BRANCHES = ["本店", "駅南支店", "中央通支店", "けやき台支店", "港町出張所", "第二営業部"]
MAIL_DOMAINS = ["example.jp", "example.ne.jp", "example.com", "mail.example.org", "example.co.jp"]
COMPANY_CORE = ["かなで", "ハルカ", "東邦", "中部", "みちのく", "ホクト", "コスモ", "すずらん", "大洋", "ヤマト"]
COMPANY_TAIL = ["建設", "住設", "化成", "運輸", "フーズ", "テクノ", "メディカル", "不動産", "商会", "産業"]
PRODUCTS = [
    ("コードレス掃除機", "VC-"),
    ("加湿空気清浄機", "AP-"),
    ("IH炊飯器", "RC-"),
    ("電動アシスト自転車", "EB-"),
    ("ガス給湯器", "GQ-"),
    ("LEDシーリングライト", "LC-"),
    ("温水洗浄便座", "TW-"),
    ("食器洗い乾燥機", "DW-"),
]


@dataclass
class P:
    family: str
    given: str
    fkana: str
    gkana: str
    romaji: str
    foreign: bool = False

    def name(self, sep: str = "") -> str:
        return f"{self.family}{sep}{self.given}"

    @property
    def family_is_kana(self) -> bool:
        return all("ァ" <= ch <= "ヺ" or ch in "ー・" for ch in self.family)

    def kana(self, sep: str = " ") -> str:
        return f"{self.fkana}{sep}{self.gkana}"


def _halfwidth_map() -> dict[str, str]:
    out: dict[str, str] = {}
    base = [chr(c) for c in range(0xFF66, 0xFF9E)]
    for h in base:
        out.setdefault(unicodedata.normalize("NFKC", h), h)
        for mark in "ﾞﾟ":
            full = unicodedata.normalize("NFKC", h + mark)
            if len(full) == 1:
                out.setdefault(full, h + mark)
    out["ー"] = "ｰ"
    out[" "] = " "
    out["・"] = "･"
    return out


HALF = _halfwidth_map()


def halfwidth(kana: str) -> str:
    return "".join(HALF.get(ch, ch) for ch in kana)


def jan(r: random.Random) -> str:
    body = r.choice(["49", "45"]) + "".join(str(r.randint(0, 9)) for _ in range(10))
    s = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - s % 10) % 10)


def corporate_number(r: random.Random) -> str:
    base = "".join(str(r.randint(0, 9)) for _ in range(12))
    s = sum(int(d) * (1 if n % 2 == 1 else 2) for n, d in enumerate(reversed(base), start=1))
    return str(9 - s % 9) + base


def luhn_card(r: random.Random) -> str:
    prefix = r.choice(["4", "5" + str(r.randint(1, 5)), "35" + str(r.randint(28, 89))])
    body = prefix + "".join(str(r.randint(0, 9)) for _ in range(15 - len(prefix)))
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return body + str((10 - total % 10) % 10)


def kanji_number(n: int) -> str:
    if n <= 10:
        return KANJI_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else KANJI_NUM[tens]) + "十" + (KANJI_NUM[ones] if ones else "")


def fits_cp932(text: str) -> bool:
    try:
        return text.encode("cp932").decode("cp932") == text
    except UnicodeEncodeError:
        return False


# -- the set's context ---------------------------------------------------------------------------


@dataclass
class DCtx(Turns):
    r: random.Random
    fk: Faker
    own: Company
    queues: dict[str, list[object]] = field(default_factory=dict)

    # -- people ------------------------------------------------------------------------------
    def person(self) -> P:
        kind = self.turn("person", ["faker"] * 8 + ["rare", "foreign"])
        if kind == "foreign":
            f, g, fk_, gk, rom = self.r.choice(FOREIGN)
            return P(f, g, fk_, gk, rom, foreign=True)
        fam, fkana, frm = self.fk.last_name_pair()
        giv, gkana, grom = self.fk.first_name_pair()
        if kind == "rare":
            if self.chance(0.6):
                fam, fkana = self.r.choice(RARE_FAMILY)
            else:
                giv, gkana = self.r.choice(RARE_GIVEN)
        return P(fam, giv, fkana, gkana, f"{grom.lower()}.{frm.lower()}")

    def staff(self) -> P:
        fam, fkana, frm = self.fk.last_name_pair()
        giv, gkana, _ = self.fk.first_name_pair()
        return P(fam, giv, fkana, gkana, frm.lower())

    def written(self, p: P) -> str:
        """The name as typed: no space, a space or a full-width space (foreigners: a dot too)."""
        if p.foreign and p.family_is_kana:
            if self.chance(0.3):  # given name first, as on a passport read aloud
                return p.given + self.r.choice(["・", " "]) + p.family
            return p.family + self.r.choice(["・", " ", "\u3000"]) + p.given
        return p.family + self.r.choice(["", " ", "\u3000", ""]) + p.given

    # -- numbers -----------------------------------------------------------------------------
    def phone_parts(self, mobile: float = 0.55) -> tuple[str, str, str]:
        r = self.r
        if r.random() < mobile:
            return r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        area = r.choice(["03", "06", "011", "022", "045", "052", "078", "082", "092", "0422", "0467", "0263", "0985"])
        mid = 6 - len(area)
        return area, f"{r.randint(2 * 10 ** (mid - 1), 10**mid - 1)}", f"{r.randint(0, 9999):04d}"

    def phone(self, mobile: float = 0.55, style: str | None = None) -> str:
        a, b, c = self.phone_parts(mobile)
        style = style or self.turn(
            "phone", ["-", "-", "-", "-", "fw", "fwdash", "bar", "hy", "choon", "none", "sp", "paren", "intl", "dot"]
        )
        if style == "fw":
            return f"{a}-{b}-{c}".translate(FW)
        if style == "fwdash":
            return f"{a}－{b}－{c}"
        if style == "bar":
            return f"{a}―{b}―{c}"
        if style == "hy":
            return f"{a}‐{b}‐{c}"
        if style == "choon":
            return f"{a}ー{b}ー{c}"
        if style == "none":
            return f"{a}{b}{c}"
        if style == "sp":
            return f"{a} {b} {c}"
        if style == "paren":
            return f"{a}({b}){c}"
        if style == "intl":
            return f"+81-{a[1:]}-{b}-{c}"
        if style == "dot":
            return f"{a}.{b}.{c}"
        return f"{a}-{b}-{c}"

    def email(self, p: P, style: str | None = None) -> str:
        r = self.r
        given, _, family = p.romaji.partition(".")
        form = self.turn("mail-local", ["dot", "under", "year", "initial"])
        if form == "under":
            local = f"{given}_{family}{r.randint(1, 99)}" if family else f"{given}{r.randint(1, 99)}"
        elif form == "year":
            local = f"{given}{r.randint(1960, 2005)}"
        elif form == "initial":
            local = f"{given[:1]}{family or given}{r.randint(10, 999)}"
        else:
            local = p.romaji
        domain = r.choice(MAIL_DOMAINS)
        style = style or self.turn("mail-style", ["plain"] * 6 + ["fw_at", "at"])
        if style == "fw_at":
            return f"{local}＠{domain}"
        if style == "at":
            return f"{local}(at){domain}"
        return f"{local}@{domain}"

    def place(self) -> tuple[str, str, str, str]:
        return self.r.choice(PLACES)

    def postal(self, code: str) -> str:
        style = self.turn("postal", ["-", "-", "-", "none", "fw", "choon"])
        if style == "none":
            return code.replace("-", "")
        if style == "fw":
            return code.translate(FW)
        if style == "choon":
            return code.replace("-", "ー")
        return code

    def street(self) -> str:
        r = self.r
        c, b, g = r.randint(1, 6), r.randint(1, 28), r.randint(1, 20)
        style = self.turn("street", ["dash", "dash", "chome", "kanji", "fw", "bar", "banchi", "mixed"])
        if style == "chome":
            return f"{c}丁目{b}番{g}号"
        if style == "kanji":
            return f"{kanji_number(c)}丁目{kanji_number(b)}番{kanji_number(g)}号"
        if style == "fw":
            return f"{c}-{b}-{g}".translate(FW)
        if style == "bar":
            return f"{c}{r.choice(['―', '‐', 'ー', '－'])}{b}{r.choice(['―', '‐', 'ー', '－'])}{g}"
        if style == "banchi":
            return f"{r.randint(100, 2999)}番地{r.randint(1, 30)}"
        if style == "mixed":
            return f"{c}丁目{b}-{g}"
        return f"{c}-{b}-{g}"

    def building(self) -> str:
        r = self.r
        room = f"{r.randint(1, 12)}{r.randint(1, 12):02d}"
        name = r.choice(BUILDINGS)
        return r.choice([f"{name} {room}号室", f"{name}{room}", f"{name}　{room}号", f"{name} {room}"])

    def address(self, place: tuple[str, str, str, str] | None = None, pref: bool = True, bldg: float = 0.5) -> str:
        p, city, town, _ = place or self.place()
        text = f"{p if pref else ''}{city}{town}{self.street()}"
        if self.chance(bldg):
            text += self.r.choice([" ", "\u3000", ""]) + self.building()
        return text

    def birth(self, style: str | None = None) -> str:
        r = self.r
        y, m, d = r.randint(1942, 2006), r.randint(1, 12), r.randint(1, 28)
        style = style or self.turn(
            "birth", ["kanji", "slash", "slash0", "iso", "era", "era_short", "compact", "fw", "dot"]
        )
        if y <= 1988:
            era, ey, ab = "昭和", y - 1925, "S"
        else:
            era, ey, ab = "平成", y - 1988, "H"
        if style == "kanji":
            return f"{y}年{m}月{d}日"
        if style == "slash":
            return f"{y}/{m}/{d}"
        if style == "slash0":
            return f"{y}/{m:02d}/{d:02d}"
        if style == "iso":
            return f"{y}-{m:02d}-{d:02d}"
        if style == "era":
            return f"{era}{ey}年{m}月{d}日"
        if style == "era_short":
            return f"{ab}{ey}.{m}.{d}"
        if style == "compact":
            return f"{y}{m:02d}{d:02d}"
        if style == "fw":
            return f"{y}年{m}月{d}日".translate(FWD)
        return f"{y}.{m:02d}.{d:02d}"

    def account(self) -> str:
        return f"{self.r.randint(0, 9999999):07d}"

    def tracking(self) -> str:
        n = "".join(str(self.r.randint(0, 9)) for _ in range(12))
        return self.r.choice([n, f"{n[:4]}-{n[4:8]}-{n[8:]}"])

    def order_no(self) -> str:
        r = self.r
        return r.choice(
            [
                f"2026{r.randint(1, 11):02d}{r.randint(1, 28):02d}{r.randint(0, 99999):05d}",
                f"ORD-{r.randint(10000000, 99999999)}",
                f"{r.randint(100, 999)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}",
            ]
        )

    def when(self) -> str:
        r = self.r
        return f"2026-11-{r.randint(1, 29):02d} {r.randint(8, 21):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"

    def company(self, name: str | None = None) -> Company:
        r = self.r
        name = name or (
            f"株式会社{r.choice(COMPANY_CORE)}{r.choice(COMPANY_TAIL)}"
            if self.chance(0.6)
            else f"{r.choice(COMPANY_CORE)}{r.choice(COMPANY_TAIL)}株式会社"
        )
        pl = self.place()
        a, b, c = self.phone_parts(mobile=0.0)
        fb = f"{r.randint(2 * 10 ** (len(b) - 1), 10 ** len(b) - 1)}"  # the fax: same area, same length
        fc = f"{r.randint(0, 9999):04d}"
        slug = "".join(r.choice("abcdefghkmnprstuwyz") for _ in range(r.randint(5, 8)))
        bldg = r.choice(["", f" {r.choice(['第一', 'センター', 'ビジネス', 'スクエア'])}ビル{r.randint(2, 9)}F"])
        return Company(
            name=name,
            dept=r.choice(["営業課", "総務部", "お客様窓口", "業務管理部"]),
            postal=pl[3],
            address=f"{pl[0]}{pl[1]}{pl[2]}{r.randint(1, 5)}-{r.randint(1, 20)}-{r.randint(1, 15)}{bldg}",
            phone=f"{a}-{b}-{c}",
            fax=f"{a}-{fb}-{fc}",
            domain=f"{slug}.example.co.jp",
            mail=f"{r.choice(['info', 'contact', 'eigyo', 'uketsuke'])}@{slug}.example.co.jp",
            bank=self.account(),
        )


def make_ctx(seed: int = SEED) -> DCtx:
    r = random.Random(seed)
    fk = Faker("ja_JP")
    fk.seed_instance(r.randrange(1 << 30))
    ctx = DCtx(r, fk, Company("", "", "", "", "", "", "", "", ""))
    ctx.own = ctx.company("株式会社みどり野ホームサービス")
    return ctx


# -- table helpers -------------------------------------------------------------------------------


@dataclass
class V:
    """A cell and the labelled values in it (a whole cell, or parts of a free-text answer)."""

    text: str
    labels: list[tuple[str, str, dict[str, object]]]


def lab(type_: str, value: str, **kw: object) -> V:
    return V(value, [(type_, value, kw)])


def biz(kind: str, value: str, own: bool = False) -> V:
    return V(value, [("BUSINESS_CONTACT", value, {"kind": kind, "own": own})])


def free(*parts: str | tuple[str, str] | tuple[str, str, dict[str, object]]) -> V:
    text, labels = "", []
    for part in parts:
        if isinstance(part, str):
            text += part
        else:
            kw = part[2] if len(part) > 2 else {}  # type: ignore[misc]
            labels.append((part[0], part[1], kw))
            text += part[1]
    return V(text, labels)  # type: ignore[arg-type]


def put(d: Doc, cells: list[str | V], header: list[str] | None = None) -> None:
    rno = len(d.rows) + 1
    row = []
    for col, cell in enumerate(cells):
        if isinstance(cell, V):
            for type_, value, kw in cell.labels:
                d.labels.append(
                    Label(type_, value, row=rno, col=col, column=header[col] if header else None, **kw)  # type: ignore[arg-type]
                )
            row.append(cell.text)
        else:
            row.append(cell)
    d.rows.append(row)


def encode_for(d: Doc, share_cp932: float, c: DCtx) -> None:
    """Shift-JIS exports where every character survives CP932 (else the tool writes UTF-8)."""
    if not c.chance(share_cp932):
        return
    text = d.text + "".join("".join(row) for row in d.rows)
    if fits_cp932(text):
        d.encoding = "cp932"


def sizes(c: DCtx, key: str) -> int:
    """Table sizes in fixed proportions: a few rows, a working list, a bulk export."""
    band = c.turn(key, ["few", "few", "mid", "mid", "mid", "bulk"])
    if band == "few":
        return c.r.randint(3, 8)
    if band == "mid":
        return c.r.randint(10, 45)
    return c.r.randint(100, 130)


# == positive texts ==============================================================================


def karte(c: DCtx) -> Doc:
    """顧客カルテ of a small clinic or salon, typed in a note."""
    r = c.r
    p, st = c.person(), c.staff()
    d = Doc("karte.txt", "customer_karte")
    shop = r.choice(["整体院", "ヘアサロン", "エステサロン", "鍼灸院"])
    d.add(f"■ 顧客カルテ（{shop}）\n初回来店：2025年{r.randint(1, 12)}月{r.randint(1, 28)}日\n\n")
    d.add(r.choice(["氏名：", "お名前　", "氏名 "])).value("PERSON", c.written(p))
    if c.chance(0.7):
        d.add("（").value("PERSON", p.kana(r.choice([" ", "", "\u3000"]))).add("）")
    d.add(f"　{r.choice(['女性', '男性', '女', '男'])}\n")
    d.add(r.choice(["生年月日：", "生年月日 ", "誕生日："])).value("BIRTH_DATE", c.birth())
    d.add(f"（{r.randint(20, 80)}歳）\n" if c.chance(0.5) else "\n")
    d.add(r.choice(["TEL：", "電話：", "連絡先 "])).value("PHONE", c.phone()).add("\n")
    pl = c.place()
    if c.chance(0.8):
        d.add("住所：〒").value("POSTAL_CODE", c.postal(pl[3])).add(r.choice([" ", "　", "\n　　　"]))
        d.value("ADDRESS", c.address(pl)).add("\n")
    if c.chance(0.4):
        d.add("メール：").value("EMAIL", c.email(p)).add("\n")
    d.add(f"来店きっかけ：{r.choice(['ホットペッパー', '知人の紹介', 'チラシ', 'Instagram'])}\n\n")
    d.add("【施術・来店メモ】\n")
    for _ in range(r.randint(2, 4)):
        memo = r.choice(
            [
                "肩甲骨まわりの張り強め。次回は首中心に。",
                "カラー 7トーン、根元リタッチ。アレルギーなし。",
                "腰痛再発、デスクワーク多いとのこと。",
                "次回予約は電話でとのこと。平日夕方希望。",
                "回数券 残り3回。",
            ]
        )
        d.add(f"{r.randint(1, 12)}/{r.randint(1, 28)}　{memo}\n")
    d.add("担当：").value("PERSON", st.name(r.choice(["", " "])), staff=True).add("\n")
    encode_for(d, 0.3, c)
    return d


def cancel_record(c: DCtx) -> Doc:
    """解約申請の受付記録: the contract holder, a refund account, the reason."""
    r = c.r
    p, st = c.person(), c.staff()
    d = Doc("kaiyaku.txt", "cancellation_log")
    d.add(f"解約申請 受付記録\n受付日時：2026/11/{r.randint(1, 29)} {r.randint(9, 19)}:{r.randint(0, 59):02d}\n")
    d.add(f"受付経路：{r.choice(['電話', 'Webフォーム', '店頭', '郵送'])}\n受付者：")
    d.value("PERSON", st.name(), staff=True).add(f"\n申請番号：CX-{r.randint(10000000, 99999999)}\n")
    d.add(f"サービス：{r.choice(['ウォーターサーバー定期便', 'ホームセキュリティ', '学習教材（月額）', '光回線'])}\n\n")
    d.add("契約者氏名：").value("PERSON", c.written(p)).add(" 様\n")
    d.add("フリガナ：").value("PERSON", p.kana()).add("\n")
    d.add("ご登録住所：").value("ADDRESS", c.address()).add("\n")
    d.add("連絡先：").value("PHONE", c.phone()).add("\n")
    d.add(f"解約理由：{r.choice(['転居のため', '料金が高い', '利用頻度が減った', '他社へ乗換え'])}\n")
    if c.chance(0.75):
        bank, branch = r.choice(BANKS), r.choice(BRANCHES)
        d.add(f"返金先：{bank} {branch} {r.choice(['普通', '普通預金', '(普)'])} ").value("BANK_ACCOUNT", c.account())
        kana = p.kana(" ")
        d.add("\n口座名義：").value("PERSON", halfwidth(kana) if c.chance(0.5) else kana).add("\n")
    d.add(f"備考：{r.choice(['違約金なし（契約24か月経過）', '機器返却キット送付済', '最終請求は12月分'])}\n")
    encode_for(d, 0.3, c)
    return d


def quote_mail(c: DCtx) -> Doc:
    """見積依頼メール from a private customer with a contact block under the text."""
    r = c.r
    p = c.person()
    mail = c.email(p, style="plain")
    own = c.own
    subject, body = r.choice(
        [
            ("外壁塗装のお見積りのお願い", "築22年の戸建ての外壁と屋根の塗装について、お見積りをお願いしたいです。"),
            ("給湯器交換の見積依頼", "給湯器からエラー表示が出るようになり、交換を検討しています。"),
            ("浴室リフォームについて", "ユニットバスの入れ替えの概算を知りたいです。"),
            ("エアコン取付の件", "エアコン2台の取付工事をお願いできますか。1台は2階です。"),
        ]
    )
    d = Doc("mitsumori.eml", "estimate_request_mail")
    d.add("From: ").value("PERSON", p.name(" ")).add(" <").value("EMAIL", mail).add(">\n")
    d.add("To: ").biz("EMAIL", own.mail, own=True).add(f"\n件名: {subject}\n\n")
    d.add(f"{own.name}\nご担当者様\n\nはじめてご連絡いたします。")
    d.value("PERSON", c.written(p)).add(f"と申します。\n{body}\n")
    d.add(f"現地調査は{r.choice(['土日', '平日の午前', '12月上旬'])}だと助かります。\nよろしくお願いいたします。\n\n")
    d.add(r.choice(["-" * 28, "━" * 16, "＊" * 14]) + "\n")
    d.value("PERSON", c.written(p)).add("\n")
    pl = c.place()
    d.add("〒").value("POSTAL_CODE", c.postal(pl[3])).add("\n").value("ADDRESS", c.address(pl)).add("\n")
    d.add(r.choice(["携帯：", "TEL ", "電話番号："])).value("PHONE", c.phone()).add("\n")
    if c.chance(0.5):
        d.add("Mail：").value("EMAIL", mail).add("\n")
    d.add(r.choice(["-" * 28, "━" * 16, "＊" * 14]) + "\n")
    return d


def payment_memo(c: DCtx) -> Doc:
    """督促・入金確認メモ: one line per customer with the amount, the result, a phone."""
    r = c.r
    st = c.staff()
    d = Doc("nyukin_memo.txt", "dunning_memo")
    d.add(f"【入金確認・督促メモ】{r.randint(9, 11)}月引落不能分\n作成：")
    d.value("PERSON", st.name(" "), staff=True).add("\n\n")
    n = c.turn("dun-n", [2, 4, 6, 9, 12, 14])
    for _ in range(n):
        p = c.person()
        d.add(f"{r.randint(10, 11)}/{r.randint(1, 30)} ").value("PERSON", c.written(p))
        d.add(f"様 ¥{r.randint(2, 60) * 1100:,} ")
        result = r.choice(["paid", "promise", "absent", "paid"])
        if result == "paid":
            d.add("→入金確認済（振込名義 ").value("PERSON", halfwidth(p.kana(" ")) if not p.foreign else p.kana(" "))
            d.add("）\n")
        elif result == "promise":
            d.add(f"→本人と通話、{r.randint(1, 15)}日までに振込の約束\n")
        else:
            d.add("→不在、SMS送信\n")
        d.add(r.choice(["　TEL ", "　☎ ", "　連絡先："])).value("PHONE", c.phone(mobile=0.8)).add("\n")
    d.add("\n※督促状は2回目まで。3回目は上長判断。\n")
    encode_for(d, 0.4, c)
    return d


def sales_daily(c: DCtx) -> Doc:
    """営業日報 with visits: a private customer's home and a company (whose contact is business)."""
    r = c.r
    st = c.staff()
    d = Doc("nippo.txt", "sales_daily_report")
    d.add(f"営業日報　2026年11月{r.randint(1, 29)}日\n報告者：").value("PERSON", c.written(st), staff=True)
    d.add(f"（{r.choice(['第一営業課', 'リフォーム営業', '法人・個人営業'])}）\n\n")
    for i in range(r.randint(1, 3)):
        p = c.person()
        d.add(f"■訪問{i + 1}　{r.randint(9, 17)}:00〜\n訪問先：")
        d.value("PERSON", c.written(p)).add("様 宅（").value("ADDRESS", c.address(pref=c.chance(0.6))).add("）\n")
        topic = r.choice(["キッチン交換のプラン説明。奥様同席。", "床下点検の結果報告。", "見積提出、他社と比較中。"])
        d.add(f"内容：{topic}\n")
        d.add("次回：来週中に電話連絡（").value("PHONE", c.phone()).add("）\n\n")
    if c.chance(0.7):
        co = c.company()
        contact = c.staff()
        d.add(f"■訪問　{r.randint(13, 17)}:30〜\n訪問先：{co.name} {co.dept} ")
        d.value("PERSON", contact.name(), staff=True).add("様\n住所：").biz("ADDRESS", co.address)
        d.add("\n代表：").biz("PHONE", co.phone).add("\n内容：社宅の修繕見積の打合せ。\n\n")
    d.add("所感：年末前の駆け込み需要あり。\n")
    encode_for(d, 0.2, c)
    return d


def tsv_paste(c: DCtx) -> Doc:
    """A mail body with customers pasted from a spreadsheet as tab-separated lines."""
    r = c.r
    st, me = c.staff(), c.staff()
    d = Doc("oritaeshi.txt", "tab_pasted_callbacks")
    d.value("PERSON", c.written(st), staff=True).add("さん\n\nお疲れさまです。")
    d.add("下記のお客様へ本日中に折返しをお願いします。\n")
    d.add("（管理表から貼り付けています）\n\n")
    cols = r.choice([["受付", "お客様名", "電話番号", "用件"], ["No", "氏名", "TEL", "住所", "内容"]])
    d.add("\t".join(cols) + "\n")
    for i in range(c.turn("tsv-n", [3, 5, 8, 11, 13])):
        p = c.person()
        d.add(f"{i + 1}\t" if cols[0] == "No" else f"11/{r.randint(1, 29)}\t")
        d.value("PERSON", c.written(p)).add("\t").value("PHONE", c.phone()).add("\t")
        if "住所" in cols:
            d.value("ADDRESS", c.address(bldg=0.3)).add("\t")
        d.add(r.choice(["請求書再発行", "配送日変更", "解約について", "商品不良", "ポイント残高"]) + "\n")
    d.add("\nよろしくお願いします。\n").value("PERSON", me.name(), staff=True).add("\n")
    return d


def phone_order(c: DCtx) -> Doc:
    """電話注文メモ with the card number read out (critical), an order number and a JAN."""
    r = c.r
    p = c.person()
    d = Doc("denwa_chumon.txt", "phone_order_card")
    d.add(f"電話注文メモ　{c.when()[:16]}\n注文番号：{c.order_no()}\n\n")
    d.add("ご注文者：").value("PERSON", c.written(p)).add(" 様\n")
    pl = c.place()
    d.add("お届け先：〒").value("POSTAL_CODE", c.postal(pl[3])).add(" ").value("ADDRESS", c.address(pl)).add("\n")
    d.add("電話：").value("PHONE", c.phone()).add("\n")
    name, model = r.choice(PRODUCTS)
    d.add(f"商品：{name}　{model}{r.randint(100, 999)}　JAN {jan(r)}　×{r.randint(1, 3)}\n")
    d.add("支払：クレジット（一括）\nカード番号：")
    card = luhn_card(r)
    style = c.turn("card", ["sp", "hy", "none", "fw"])
    if style == "sp":
        card = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    elif style == "hy":
        card = "-".join(card[i : i + 4] for i in range(0, 16, 4))
    elif style == "fw":
        card = card.translate(FW)
    d.value("CREDIT_CARD", card).add(f"　有効期限 {r.randint(1, 12):02d}/{r.randint(27, 31)}\n")
    d.add("※セキュリティコードは聞いていません\n")
    encode_for(d, 0.3, c)
    return d


def form_notify(c: DCtx) -> Doc:
    """A web form's notification mail: labelled fields, one person."""
    r = c.r
    p = c.person()
    own = c.own
    d = Doc("form.eml", "webform_notification")
    d.add("From: Webフォーム <").biz("EMAIL", f"no-reply@{own.domain}", own=True).add(">\nTo: ")
    d.biz("EMAIL", own.mail, own=True).add(f"\n件名: 【資料請求】受付番号 {r.randint(100000, 999999)}\n\n")
    d.add(f"Webサイトのフォームから送信がありました。\n送信日時：{c.when()}\n")
    d.add("――――――――――――――――――――\n")
    d.add("■お名前：").value("PERSON", c.written(p)).add("\n■フリガナ：").value("PERSON", p.kana()).add("\n")
    pl = c.place()
    d.add("■郵便番号：").value("POSTAL_CODE", c.postal(pl[3])).add("\n■ご住所：").value("ADDRESS", c.address(pl))
    d.add("\n■電話番号：").value("PHONE", c.phone()).add("\n■メールアドレス：").value("EMAIL", c.email(p)).add("\n")
    if c.chance(0.4):
        d.add("■生年月日：").value("BIRTH_DATE", c.birth()).add("\n")
    wish = r.choice(["カタログを郵送で希望します。", "モデルハウスの見学予約をしたいです。", "特になし"])
    d.add(f"■ご要望：{wish}\n")
    d.add("――――――――――――――――――――\n")
    return d


def reservation_ledger(c: DCtx) -> Doc:
    """A restaurant's reservation book typed up: date, party, name, phone, notes."""
    r = c.r
    d = Doc("yoyaku.txt", "reservation_book")
    d.add(f"予約台帳（{r.choice(['本店', '駅前店'])}）12月分　※電話受付分\n\n")
    for _ in range(c.turn("resv-n", [3, 5, 7, 10, 12, 16])):
        p = c.person()
        d.add(f"12/{r.randint(1, 31)}({r.choice('月火水木金土日')}) {r.randint(17, 21)}:{r.choice(['00', '30'])} ")
        d.add(f"{r.randint(2, 8)}名 ").value("PERSON", c.written(p)).add("様 ")
        note = r.choice(["誕生日プレート", "個室希望", "子供椅子1", "", "コース5,500円"])
        d.value("PHONE", c.phone(mobile=0.85)).add(f" {note}\n")
    d.add("\n※当日キャンセルは必ず電話確認のこと\n")
    encode_for(d, 0.3, c)
    return d


# == positive tables =============================================================================


def survey_csv(c: DCtx) -> Doc:
    """アンケート回答 export: free-text answers now and then hold a name or a phone."""
    r = c.r
    d = Doc("enquete.csv", "survey_answers")
    head = ["回答ID", "回答日時", "年代", "性別", "満足度", "ご意見・ご感想", "お名前（任意）", "電話番号（任意）"]
    put(d, head)
    n = c.turn("survey-n", [6, 12, 20, 35, 60])
    for i in range(n):
        p = c.person()
        comment: str | V = r.choice(
            ["スタッフの対応が丁寧でした。", "待ち時間が長かった。", "特になし", "駐車場が狭いです。", ""]
        )
        x = r.random()
        if x < 0.15:
            comment = free("折り返しのご連絡をお願いします。", ("PHONE", c.phone(mobile=0.9)), "まで")
        elif x < 0.25:
            comment = free(("PERSON", c.written(p)), "です。先日の修理の件で確認したいことがあります")
        elif x < 0.33:
            comment = free("担当の", ("PERSON", c.written(c.staff()), {"staff": True}), "さんが親切でした")
        named = c.chance(0.5)
        put(
            d,
            [
                f"R{r.randint(1000000, 9999999)}",
                c.when()[:16].replace("-", "/"),
                f"{r.randint(2, 7)}0代",
                r.choice(["女性", "男性", "回答しない"]),
                str(r.randint(1, 5)),
                comment,
                lab("PERSON", c.written(p)) if named else "",
                lab("PHONE", c.phone()) if named and c.chance(0.6) else "",
            ],
            head,
        )
        del i
    encode_for(d, 0.5, c)
    return d


def member_sheet(c: DCtx) -> Doc:
    """会員登録データ: two header rows (a group row, then the columns), mixed birth formats."""
    r = c.r
    d = Doc("kaiin.xlsx", "member_registration")
    put(d, ["会員情報", "", "", "", "", "連絡先", "", "", "", "登録"])
    head = ["会員番号", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "メールアドレス", "郵便番号", "住所"]
    head.append("登録日")
    put(d, head)
    for _ in range(sizes(c, "member-n")):
        p = c.person()
        pl = c.place()
        put(
            d,
            [
                lab("CUSTOMER_ID", f"M{r.randint(100000, 999999)}"),
                lab("PERSON", c.written(p)),
                lab("PERSON", p.kana(r.choice([" ", "\u3000"]))),
                r.choice(["男", "女", "女性", "男性", "その他"]),
                lab("BIRTH_DATE", c.birth()),
                lab("PHONE", c.phone()),
                lab("EMAIL", c.email(p, style="plain")) if c.chance(0.8) else "",
                lab("POSTAL_CODE", c.postal(pl[3])),
                lab("ADDRESS", c.address(pl)),
                f"2026/{r.randint(1, 11)}/{r.randint(1, 28)}",
            ],
            head,
        )
    return d


def roster(c: DCtx) -> Doc:
    """名簿: one column of names under a header such as 参加者名 or 受講者 (csv, xlsx, docx, html)."""
    r = c.r
    ext = c.turn("roster-ext", ["csv", "xlsx", "docx", "html"])
    d = Doc(f"meibo.{ext}", "attendee_roster")
    header = r.choice(["参加者名", "受講者", "氏名（敬称略）", "出席者"])
    put(d, [r.choice(["防災講習会 参加者名簿", "12月度 料理教室 受講者一覧", "説明会 出席者"]), ""])
    put(d, ["No.", header])
    for i in range(sizes(c, "roster-n")):
        put(d, [str(i + 1), lab("PERSON", c.written(c.person()))], ["No.", header])
    if ext == "csv":
        encode_for(d, 0.5, c)
    return d


def label_data(c: DCtx) -> Doc:
    """宛名ラベル用データ: 郵便番号, 住所1 (to the house number), 住所2 (building), 宛名, 敬称."""
    ext = c.turn("label-ext", ["csv", "csv", "xlsx"])
    d = Doc(f"atena_label.{ext}", "mailing_label_data")
    head = ["郵便番号", "住所1", "住所2", "宛名", "敬称"]
    put(d, head)
    for _ in range(sizes(c, "label-n")):
        p = c.person()
        pl = c.place()
        put(
            d,
            [
                lab("POSTAL_CODE", c.postal(pl[3])),
                lab("ADDRESS", c.address(pl, bldg=0.0)),
                c.building() if c.chance(0.4) else "",
                lab("PERSON", c.written(p)),
                "様",
            ],
            head,
        )
    if ext == "csv":
        encode_for(d, 0.7, c)
    return d


def english_list(c: DCtx) -> Doc:
    """Mixed-language rows under English headers (Name, Tel, Address, Zip, Email, Birthday)."""
    r = c.r
    ext = c.turn("en-ext", ["csv", "xlsx"])
    d = Doc(f"contacts_en.{ext}", "english_header_contacts")
    head = ["Name", "Tel", "Zip", "Address", "Email", "Birthday"]
    put(d, head)
    for _ in range(sizes(c, "en-n")):
        p = c.person()
        pl = c.place()
        if c.chance(0.3) and not p.foreign:
            name = " ".join(part.capitalize() for part in p.romaji.split("."))
        else:
            name = c.written(p)
        y, m, dd = r.randint(1950, 2004), r.randint(1, 12), r.randint(1, 28)
        bday = r.choice([f"{y}-{m:02d}-{dd:02d}", f"{y}/{m}/{dd}", c.birth()])
        put(
            d,
            [
                lab("PERSON", name),
                lab("PHONE", c.phone()),
                lab("POSTAL_CODE", c.postal(pl[3])),
                lab("ADDRESS", c.address(pl)),
                lab("EMAIL", c.email(p, style="plain")),
                lab("BIRTH_DATE", bday) if c.chance(0.7) else "",
            ],
            head,
        )
    return d


def handover_docx(c: DCtx) -> Doc:
    """担当引継ぎ表 in Word: customer, phone, state in free text, next step."""
    r = c.r
    d = Doc("hikitsugi.docx", "handover_table")
    put(d, [f"担当引継ぎ表（{r.choice(['11月末異動分', '産休に伴う引継ぎ', '退職に伴う引継ぎ'])}）", "", "", ""])
    head = ["お客様", "電話", "状況", "次回対応"]
    put(d, head)
    for _ in range(c.turn("hand-n", [3, 5, 8, 12])):
        p = c.person()
        put(
            d,
            [
                lab("PERSON", c.written(p)),
                lab("PHONE", c.phone()),
                r.choice(["見積提出済み、回答待ち", "工事日程調整中", "クレーム対応中（床鳴り）", "契約済み・着工前"]),
                r.choice(["12/5に電話", "年明けに訪問", "上長同行で訪問", "メールで日程連絡"]),
            ],
            head,
        )
    return d


# == negative texts ==============================================================================


def invoice(c: DCtx) -> Doc:
    """請求書 from a supplier: its letterhead, registration number, お振込先; staff name."""
    r = c.r
    co = c.company()
    st = c.staff()
    d = Doc("seikyusho.txt", "supplier_bill")
    d.add(f"請　求　書\n\n{c.own.name} 御中\n\n請求日：2026年11月30日\n請求番号：{r.randint(2026000, 2026999)}\n\n")
    d.add(f"{co.name}\n登録番号：T{corporate_number(r)}\n〒").biz("POSTAL_CODE", co.postal).add(" ")
    d.biz("ADDRESS", co.address).add("\nTEL ").biz("PHONE", co.phone).add("　FAX ").biz("PHONE", co.fax).add("\n")
    d.add("担当：").value("PERSON", st.name(" "), staff=True).add("\n\n品目\t型番\t数量\t金額\n")
    total = 0
    for _ in range(r.randint(2, 5)):
        name, model = r.choice(PRODUCTS)
        price = r.randint(3, 90) * 1000
        total += price
        d.add(f"{name}\t{model}{r.randint(100, 999)}\t1\t{price:,}\n")
    d.add(f"\n小計 {total:,}円　消費税(10%) {total // 10:,}円　合計 {total + total // 10:,}円\n\n")
    d.add(f"お振込先：{r.choice(BANKS)} {r.choice(BRANCHES)} 普通預金 ").biz("BANK_ACCOUNT", co.bank)
    d.add(f"\n口座名義：{co.name.replace('株式会社', 'カ)')}\nお支払期限：2026年12月31日\n")
    encode_for(d, 0.5, c)
    return d


def job_posting(c: DCtx) -> Doc:
    """求人票 of a company: workplace address, 応募先 phone and mail, the recruiter's name."""
    r = c.r
    co = c.company()
    st = c.staff()
    d = Doc("kyujin.txt", "job_offer_sheet")
    d.add(f"求人票\n事業所名：{co.name}\n職種：{r.choice(['配送ドライバー', '一般事務', '施工管理', '介護職員'])}\n")
    d.add("就業場所：〒").biz("POSTAL_CODE", co.postal).add(" ").biz("ADDRESS", co.address).add("\n")
    d.add(f"賃金：月給{r.randint(20, 32)}万円〜　賞与年2回\n就業時間：8:30〜17:30（休憩60分）\n")
    d.add(f"応募資格：{r.choice(['普通自動車免許（AT限定可）', '不問', '2級建築施工管理技士'])}\n\n")
    d.add("応募方法：電話連絡の上、履歴書（写真貼付）を郵送\n応募先TEL：").biz("PHONE", co.phone)
    d.add("\nE-mail：").biz("EMAIL", co.mail).add("\n採用担当：").value("PERSON", st.name(" "), staff=True).add("\n")
    d.add(f"受付期間：2026年12月1日〜2027年1月{r.randint(10, 31)}日\n")
    encode_for(d, 0.3, c)
    return d


def internal_rules(c: DCtx) -> Doc:
    """社内規程: words for personal data but no values; article numbers, dates, a form number."""
    r = c.r
    d = Doc("kitei.txt", "company_regulation")
    d.add(f"{r.choice(['個人情報取扱規程', '文書管理規程', '情報セキュリティ規程'])}\n\n")
    d.add("第1条（目的）\n本規程は、当社が取り扱う顧客の氏名、住所、電話番号、生年月日等の情報の管理について定める。\n")
    d.add("第2条（定義）\n「個人データ」とは、個人情報データベース等を構成する個人情報をいう。\n")
    d.add(f"第3条（持出し）\n顧客名簿を社外へ持ち出す場合は、様式第{r.randint(1, 12)}号により所属長の承認を得る。\n")
    d.add("第4条（保存期間）\n申込書の保存期間は7年とし、期間経過後は速やかに廃棄する。\n")
    d.add("第5条（委託）\n委託先には、秘密保持契約を締結した上でのみ個人データを提供する。\n\n")
    d.add(f"附則\n本規程は{r.choice(['2019年4月1日', '令和3年10月1日', '2024年7月1日'])}から施行する。\n")
    d.add(f"改定履歴：第{r.randint(2, 6)}版 {r.randint(2020, 2026)}/{r.randint(1, 12):02d}/{r.randint(1, 28):02d}\n")
    encode_for(d, 0.4, c)
    return d


def access_log(c: DCtx) -> Doc:
    """A web server's access log: time stamps, addresses, request ids; no person."""
    r = c.r
    d = Doc("access_log.txt", "http_access_log")
    paths = ["/mypage/orders", "/api/v2/cart", "/item/detail?id=", "/login", "/static/app.js", "/search?q=kettle"]
    for _ in range(r.randint(15, 40)):
        ip = f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        path = r.choice(paths)
        if path.endswith("="):
            path += str(r.randint(10000000, 99999999))
        clock = f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
        ts = f"{r.randint(1, 29):02d}/Nov/2026:{clock} +0900"
        d.add(f'{ip} - - [{ts}] "GET {path} HTTP/1.1" {r.choice([200, 200, 302, 404])} {r.randint(200, 90000)} ')
        d.add(f"rid={r.randint(10**11, 10**12 - 1)} rt=0.{r.randint(10, 999):03d}\n")
    return d


def delivery_log(c: DCtx) -> Doc:
    """配送ログ: tracking numbers, order numbers, depots with their phones (business)."""
    r = c.r
    d = Doc("haiso_log.txt", "parcel_tracking_log")
    d.add("配送ステータス履歴（システム出力）\n")
    depots = [c.company(f"{r.choice(['城南', '港北', '中央', '西部'])}センター") for _ in range(2)]
    for _ in range(r.randint(6, 18)):
        depot = r.choice(depots)
        d.add(f"{c.when()}\t伝票番号 {c.tracking()}\t注文 {c.order_no()}\t")
        d.add(f"{r.choice(['集荷完了', '輸送中', '配達店到着', '持戻り（ご不在）', '配達完了'])}\t{depot.name}（")
        d.biz("PHONE", depot.phone).add("）\n")
    encode_for(d, 0.3, c)
    return d


def minutes(c: DCtx) -> Doc:
    """社内会議の議事録: staff names only, product codes, JAN, dates."""
    r = c.r
    d = Doc("gijiroku.txt", "product_meeting_record")
    d.add(f"商品企画会議 議事録\n日時：2026年11月{r.randint(1, 29)}日 10:00〜11:30\n出席：")
    for i in range(r.randint(3, 5)):
        d.add("、" if i else "").value("PERSON", c.written(c.staff()), staff=True)
    d.add("\n\n1. 年末商戦の販売実績\n")
    for _ in range(r.randint(2, 4)):
        name, model = r.choice(PRODUCTS)
        d.add(f"・{name} {model}{r.randint(100, 999)}（JAN {jan(r)}）前年比{r.randint(80, 140)}%\n")
    d.add(f"2. 決定事項\n・1月の値上げは見送り\n・次回は12月{r.randint(1, 25)}日\n")
    d.add("記録：").value("PERSON", c.staff().name(" "), staff=True).add("\n")
    return d


# == negative tables =============================================================================


def partner_list(c: DCtx) -> Doc:
    """取引先一覧: companies with 代表電話, FAX, address."""
    ext = c.turn("partner-ext", ["csv", "xlsx", "html"])
    d = Doc(f"torihikisaki.{ext}", "partner_directory")
    head = ["取引先コード", "会社名", "郵便番号", "所在地", "代表電話", "FAX", "締日"]
    put(d, head)
    for _ in range(c.r.randint(5, 30)):
        co = c.company()
        put(
            d,
            [
                f"S{c.r.randint(1000, 9999)}",
                co.name,
                biz("POSTAL_CODE", co.postal),
                biz("ADDRESS", co.address),
                biz("PHONE", co.phone),
                biz("PHONE", co.fax),
                c.r.choice(["20日", "末日", "15日"]),
            ],
            head,
        )
    if ext == "csv":
        encode_for(d, 0.6, c)
    return d


def branch_list(c: DCtx) -> Doc:
    """店舗・営業所のご案内: the company's own offices (allow-listed phone only at 本社)."""
    r = c.r
    ext = c.turn("branch-ext", ["html", "xlsx", "docx"])
    d = Doc(f"eigyosho.{ext}", "office_locations")
    put(d, [f"{c.own.name} 営業所のご案内", "", "", "", ""])
    head = ["営業所", "〒", "所在地", "電話番号", "営業時間"]
    put(d, head)
    put(
        d,
        [
            "本社",
            biz("POSTAL_CODE", c.own.postal, own=True),
            biz("ADDRESS", c.own.address, own=True),
            biz("PHONE", c.own.phone, own=True),
            "9:00〜18:00",
        ],
        head,
    )
    for _ in range(r.randint(3, 12)):
        co = c.company()
        put(
            d,
            [
                f"{r.choice(PLACES)[1]}営業所",
                biz("POSTAL_CODE", co.postal),
                biz("ADDRESS", co.address),
                biz("PHONE", co.phone),
                r.choice(["9:00〜17:30（日祝休）", "10:00〜19:00", "8:30〜17:00"]),
            ],
            head,
        )
    return d


def catalogue(c: DCtx) -> Doc:
    """商品カタログ: JAN codes, model numbers, prices, release dates."""
    r = c.r
    ext = c.turn("cat-ext", ["csv", "xlsx"])
    d = Doc(f"catalog.{ext}", "product_catalogue")
    head = ["JANコード", "型番", "品名", "希望小売価格", "発売日", "メーカー"]
    put(d, head)
    for _ in range(r.randint(8, 60)):
        name, model = r.choice(PRODUCTS)
        put(
            d,
            [
                jan(r),
                f"{model}{r.randint(100, 999)}{r.choice(['', 'W', 'BK', '-S'])}",
                name,
                f"{r.randint(5, 200) * 1000 - 20}",
                f"20{r.randint(18, 26)}/{r.randint(1, 12):02d}/{r.randint(1, 28):02d}",
                c.company().name,
            ],
            head,
        )
    if ext == "csv":
        encode_for(d, 0.5, c)
    return d


def dispatch_ledger(c: DCtx) -> Doc:
    """出荷台帳: 12-digit slip numbers, order numbers, dates, weights; consignees are companies."""
    r = c.r
    d = Doc("shukka.csv", "dispatch_ledger")
    head = ["出荷日", "送り状番号", "受注番号", "届け先（法人）", "個数", "重量kg", "運送会社"]
    put(d, head)
    for _ in range(r.randint(10, 70)):
        put(
            d,
            [
                f"2026/11/{r.randint(1, 29):02d}",
                c.tracking(),
                c.order_no(),
                c.company().name,
                str(r.randint(1, 12)),
                f"{r.randint(1, 300) / 10:.1f}",
                r.choice(["ヤマト運輸", "佐川急便", "西濃運輸", "日本郵便"]),
            ],
            head,
        )
    encode_for(d, 0.6, c)
    return d


POSITIVE_TEXT: list[Callable[[DCtx], Doc]] = [
    karte,
    cancel_record,
    quote_mail,
    payment_memo,
    sales_daily,
    tsv_paste,
    phone_order,
    form_notify,
    reservation_ledger,
]
POSITIVE_TABLE: list[Callable[[DCtx], Doc]] = [
    survey_csv,
    member_sheet,
    roster,
    label_data,
    english_list,
    handover_docx,
]
NEGATIVE_TEXT: list[Callable[[DCtx], Doc]] = [invoice, job_posting, internal_rules, access_log, delivery_log, minutes]
NEGATIVE_TABLE: list[Callable[[DCtx], Doc]] = [partner_list, branch_list, catalogue, dispatch_ledger]
# Per 20 documents: 7 positive texts, 6 positive tables, 4 negative texts, 3 negative tables
# (7 negatives in 20: 35%).
SCHEDULE = [(POSITIVE_TEXT, 7), (POSITIVE_TABLE, 6), (NEGATIVE_TEXT, 4), (NEGATIVE_TABLE, 3)]
