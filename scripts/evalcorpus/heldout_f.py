"""Set F: names in running text, a second held-out set for the prose-name stage (issue 10).

Why: set E was written as the held-out measure of the prose-name stage, and its errors were
then used to improve that stage, so E is now a development set. Set F is written before the
next round of changes and its individual errors are not looked at: it is the honest figure.
Its families and phrasings are not in E nor in the rules' examples: a call recording's
transcript with speaker labels, a complaint-handling report (苦情対応報告書), a Slack-style
team chat, a hand-written phone memo typed up, a delivery-trouble report, a draft FAQ answer
addressed to a customer, free-text survey answers transcribed, dunning records (督促記録) and
English-mixed notes. Its negatives are hard: form names (様式), shop and facility names built
on surnames, companies, products that read like given names, staff role words.

Values: names from Faker ja_JP (its own seed) and from japanese-personal-name-dataset's long
tail (surnames ranked below 500), foreign names written by hand for this set (none shared
with set E); phones and mails random. Nothing is read from ``rules/`` or ``dlp/detect``.
Labels follow scripts/evalcorpus/model.py: PERSON is the name as written without honorific;
the centre's operators and other companies' staff are ``staff`` labels.
"""

from __future__ import annotations

from collections.abc import Callable

from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc
from scripts.evalcorpus.prose_ctx import ProseCtx, Who, name_sources

SEED = 6006

# Foreign customers as they write or give their names (family, given); none of them is in set E.
FOREIGN = [
    ("ペレイラ", "マリアナ"),
    ("サントス", "ガブリエル"),
    ("ウィリアムズ", "エミリー"),
    ("ミュラー", "ハンナ"),
    ("タパ", "ビシャール"),
    ("グエン", "ヴァン・ミン"),
    ("ロペス", "ダニエラ"),
    ("ハッサン", "アリ"),
    ("ペトロワ", "アンナ"),
    ("ブラウン", "オリバー"),
    ("李", "明"),
    ("王", "芳"),
    ("朴", "敏俊"),
]
# Hard negatives: places and facilities built on surnames, shops, forms, products, roles.
PLACES = ["高田馬場", "吉祥寺", "藤沢", "小田原", "浜松", "豊田", "大和", "上野", "前橋", "津田沼", "岩槻", "松戸"]
SHOP_CORES = ["藤田", "中村", "石井", "小川", "村上", "西村", "佐野", "今井"]
SHOP_KINDS = ["薬局", "商店", "クリーニング", "酒店", "書店", "歯科", "整骨院"]
COMPANY_CORES = ["森田", "荒木", "堀", "菅原", "小島", "野口", "桜井", "岡田"]
COMPANY_KINDS = ["製作所", "産業", "物流", "化成", "興業", "テクノ"]
FORMS = [
    "様式第2号「苦情申出書」",
    "様式第5号（返品依頼書）",
    "様式A-3 督促状",
    "別紙様式「事故報告書」",
    "様式第1号 受付票",
]
PRODUCTS = ["シャンプー「あかね」", "布団乾燥機「はるか」", "電動歯ブラシ「つばさ」", "スマートスピーカー「こはる」",
            "ミキサー「ゆうき」", "体組成計「のぞみ」", "ケトル「あおい」"]  # fmt: skip
ROLES = ["SV", "チームリーダー", "品質管理担当", "センター長", "エスカレーション窓口", "二次対応", "当日リーダー"]
TOPICS = ["引き落とし不能", "商品破損", "誤配送", "二重請求", "解約金", "届かない荷物", "保証期間", "口座変更",
          "送料の返金", "定期購入の解約"]  # fmt: skip
DOMAINS = ["example.jp", "example.co.jp", "example.org", "mail.example.com"]


class FCtx(ProseCtx):
    def customer(self) -> Who:
        kind = self.turn("who", ["faker"] * 5 + ["tail"] * 3 + ["foreign"] * 2)
        if kind == "foreign":
            f, g = self.r.choice(FOREIGN)
            return Who(f, g, "user", foreign=True)
        if kind == "tail":
            fam, rom = self.r.choice(self.families)
            giv = self.r.choice(self.givens) if self.chance(0.4) else self.fk.first_name()
            return Who(fam, giv, rom.lower())
        fam, _, rom = self.fk.last_name_pair()
        return Who(fam, self.fk.first_name(), rom.lower())

    def staff(self) -> Who:
        fam, _, rom = self.fk.last_name_pair()
        return Who(fam, self.fk.first_name(), rom.lower())

    def full(self, p: Who) -> str:
        """A full name as typed: no space, a space or a full-width space; katakana with ・ or a space."""
        if p.foreign and not ("一" <= p.family[0] <= "龥"):
            if self.chance(0.3):
                return p.given + self.r.choice(["・", " "]) + p.family
            return p.family + self.r.choice(["・", " ", "\u3000"]) + p.given
        return p.family + self.r.choice(["", " ", "\u3000", ""]) + p.given

    def name(self, p: Who) -> str:
        """A customer named in passing: the surname alone about half the time."""
        return p.family if self.chance(0.5) else self.full(p)

    def phone(self) -> str:
        r = self.r
        if self.chance(0.6):
            a, b, c = r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        else:
            a = r.choice(["03", "06", "052", "022", "0466", "0465"])
            b = f"{r.randint(10 ** (5 - len(a)), 10 ** (6 - len(a)) - 1)}"
            c = f"{r.randint(0, 9999):04d}"
        return r.choice([f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a}{b}{c}"])

    def mail(self, p: Who) -> str:
        r = self.r
        local = r.choice(
            [f"{p.romaji}{r.randint(10, 99)}", f"{p.romaji}_{r.choice('abcdefg')}", f"u{r.randint(1000, 99999)}"]
        )
        return f"{local}@{r.choice(DOMAINS)}"

    def company(self) -> str:
        core, kind = self.r.choice(COMPANY_CORES), self.r.choice(COMPANY_KINDS)
        return self.r.choice([f"株式会社{core}{kind}", f"{core}{kind}株式会社", f"{core}{kind}（株）"])

    def shop(self) -> str:
        return f"{self.r.choice(SHOP_CORES)}{self.r.choice(SHOP_KINDS)}"

    def day(self) -> str:
        return f"{self.r.randint(1, 12)}月{self.r.randint(1, 28)}日"

    def hhmm(self) -> str:
        return f"{self.r.randint(9, 19)}時{self.r.randint(0, 59):02d}分"


def make_ctx(seed: int = SEED) -> FCtx:
    r, fk, families, givens = name_sources(seed)
    own = Company(
        name="株式会社みなと生活サービス",
        dept="お客様相談室",
        postal="231-0023",
        address="神奈川県横浜市中区山下町8-2",
        phone="045-662-3170",
        fax="045-662-3171",
        domain="minato-life.example.co.jp",
        mail="soudan@minato-life.example.co.jp",
        bank="5820417",
    )
    return FCtx(r, fk, own, families, givens)


def _staff(d: Doc, c: FCtx, s: Who, full: float = 0.3) -> Doc:
    return d.value("PERSON", s.family + c.r.choice(["", " "]) + s.given if c.chance(full) else s.family, staff=True)


# == positive texts ===============================================================================


def call_transcript(c: FCtx) -> Doc:
    """通話録音の文字起こし with speaker labels; the name is spelled out, then used again."""
    r = c.r
    p, op = c.customer(), c.staff()
    d = Doc("tsuwa_mojiokoshi.txt", "call_recording_transcript")
    d.add(f"録音ID: REC-{r.randint(10**7, 10**8 - 1)}　自動文字起こし（話者分離）\n\n")
    a, b = r.choice([("話者1", "話者2"), ("OP", "CU"), ("オペ", "客"), ("A", "B")])
    d.add(f"{a}: お電話ありがとうございます、{c.own.name}の")
    d.value("PERSON", op.family, staff=True).add("が承ります。\n")
    form = c.turn("tr", ["eto", "name_wa", "full_de", "spell"])
    d.add(f"{b}: ")
    if form == "eto":
        d.add("えっと、").value("PERSON", c.full(p)).add("って言いますけど、")
    elif form == "name_wa":
        d.add("もしもし、").value("PERSON", p.family).add("ですが、")
    elif form == "full_de":
        d.add("あ、すみません、").value("PERSON", c.full(p)).add("でございます。")
    else:
        d.add("はい、").value("PERSON", p.family).add("、名前は").value("PERSON", p.given).add("です。")
    d.add(f"{r.choice(TOPICS)}のことなんですけど。\n")
    d.add(f"{a}: ").value("PERSON", p.family).add(
        r.choice(["様でいらっしゃいますね。", "様、恐れ入りますがご登録のお電話番号をお願いいたします。"])
    )
    d.add("\n")
    d.add(f"{b}: ").value("PHONE", c.phone()).add(r.choice(["です。", "、携帯です。", ""]) + "\n")
    d.add(f"{a}: 確認いたしました。{r.choice(ROLES)}に確認のうえ折り返します。\n")
    return d


def complaint_report(c: FCtx) -> Doc:
    """苦情対応報告書: 申出人 and the course of events in report prose."""
    r = c.r
    p, op, boss = c.customer(), c.staff(), c.staff()
    d = Doc("kujou_houkoku.txt", "complaint_report")
    d.add(f"苦情対応報告書（{r.choice(FORMS)}準拠）\n作成日：{c.day()}\n作成者：")
    _staff(d, c, op, 0.6).add("\n\n1. 申出内容\n")
    form = c.turn("cr", ["moushide", "shi", "tousha", "kazoku"])
    if form == "moushide":
        d.add("申出人").value("PERSON", c.full(p)).add(f"氏より、{r.choice(TOPICS)}について強い苦情があった。\n")
    elif form == "shi":
        d.value("PERSON", c.full(p)).add(f"氏（{r.choice(PLACES)}在住）から{r.choice(TOPICS)}の申出。\n")
    elif form == "tousha":
        d.add(f"当社製品{r.choice(PRODUCTS)}の購入者である").value("PERSON", c.full(p))
        d.add("氏が、店頭での説明不足を指摘。\n")
    else:
        d.add("契約者の").value("PERSON", c.full(p)).add("氏に代わり、ご長男の")
        d.value("PERSON", c.full(c.customer())).add("氏が申し出た。\n")
    d.add("2. 経過\n")
    d.value("PERSON", p.family).add(r.choice(["氏は", "氏には", "氏へ"]))
    d.add(f"{c.day()}に謝罪し、{r.choice(['代替品を送付', '全額返金で合意', '再調査を約束'])}した。\n")
    d.add("連絡先：").value("PHONE", c.phone()).add("\n3. 再発防止\n")
    d.add(f"{r.choice(ROLES)}より全オペレーターに周知。承認：")
    _staff(d, c, boss).add("\n")
    return d


def slack_chat(c: FCtx) -> Doc:
    """Slack-style team chat: display names, @mentions, a customer named in passing."""
    r = c.r
    p, s1, s2 = c.customer(), c.staff(), c.staff()
    d = Doc("slack_export.txt", "team_chat")
    d.add(f"#cs-escalation  {c.day()}\n\n")
    d.value("PERSON", s1.family, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    form = c.turn("sl", ["kenn", "kara", "dare", "emoji"])
    if form == "kenn":
        d.add("さっきの").value("PERSON", c.name(p)).add(f"さんの件、{r.choice(TOPICS)}で合ってます？\n")
    elif form == "kara":
        d.value("PERSON", c.full(p)).add(f"さんからまた入電きてます :phone: {r.choice(TOPICS)}の件\n")
    elif form == "dare":
        d.add("誰か").value("PERSON", c.name(p)).add("さん対応できる人いますか？ 折返し先 ").value(
            "PHONE", c.phone()
        ).add("\n")
    else:
        d.add(":warning: お客様 ").value("PERSON", c.full(p)).add(f" 様、{r.choice(TOPICS)}でかなりお怒りです\n")
    d.add("\n").value("PERSON", s2.family, staff=True).add(f"  {r.randint(9, 18)}:{r.randint(10, 59)}\n")
    d.add("@").value("PERSON", s1.family, staff=True).add(" 了解です、")
    d.value("PERSON", p.family).add(
        r.choice(["さんには私から折り返します", "様の履歴見ときます", "さんの件引き取ります"])
    )
    d.add(" :+1:\n")
    return d


def phone_memo(c: FCtx) -> Doc:
    """電話メモの手書き起こし: terse fragments, arrows, katakana readings."""
    r = c.r
    p, taker = c.customer(), c.staff()
    d = Doc("denwa_memo.txt", "handwritten_phone_memo")
    d.add(f"（手書きメモ転記）{c.day()} {c.hhmm()}頃\n")
    form = c.turn("pm", ["tel", "yori", "kara_tel", "paren"])
    if form == "tel":
        d.add("TEL ").value("PERSON", c.full(p)).add("さん（お客）→ ")
    elif form == "yori":
        d.value("PERSON", c.name(p)).add("さまより TEL → ")
    elif form == "kara_tel":
        d.add("お客 ").value("PERSON", c.full(p)).add(" から TEL。")
    else:
        d.add("★").value("PERSON", c.name(p)).add(f"（{r.choice(TOPICS)}）→ ")
    d.add(r.choice(["至急折返し", "また掛けるとのこと", "夕方以降ならOK"]) + "\n")
    d.add(r.choice(["番号 ", "TEL:", "☎ "])).value("PHONE", c.phone()).add("\n")
    d.add("受）")
    _staff(d, c, taker, 0.1).add("\n")
    return d


def delivery_report(c: FCtx) -> Doc:
    """配送トラブル報告: the addressee, a neighbour who received it, a carrier's driver."""
    r = c.r
    p, driver = c.customer(), c.staff()
    d = Doc("haisou_trouble.txt", "delivery_trouble_report")
    d.add(f"配送トラブル報告　伝票番号 {r.randint(10**11, 10**12 - 1)}\n")
    d.add(f"配送業者：{c.company()}　ドライバー：").value("PERSON", driver.family, staff=True).add("\n\n")
    form = c.turn("dl", ["taku", "uketori", "tonari", "fuzai"])
    if form == "taku":
        d.add(f"{r.choice(PLACES)}の").value("PERSON", c.name(p)).add("様宅へ配達したが、箱が破損していたとの連絡。\n")
    elif form == "uketori":
        d.add("受取人（").value("PERSON", c.full(p)).add("様）より「中身が違う」と入電。\n")
    elif form == "tonari":
        d.add("隣家の").value("PERSON", c.full(c.customer())).add("様が代理で受け取り、")
        d.value("PERSON", p.family).add("様には未着のまま。\n")
    else:
        d.value("PERSON", c.full(p)).add("様は3回不在、持ち戻り。本人と連絡が取れない。\n")
    d.add("ご連絡先：").value("PHONE", c.phone()).add("\n")
    d.add(f"対応：{r.choice(['再配達手配', '代品発送', '配送業者へ調査依頼'])}\n")
    return d


def faq_draft(c: FCtx) -> Doc:
    """FAQ回答下書き: a reply draft that still carries the asker's name."""
    r = c.r
    p, op = c.customer(), c.staff()
    d = Doc("faq_kaitou_draft.txt", "faq_answer_draft")
    d.add("【下書き・公開前に個人名を削除すること】\n\n")
    d.value("PERSON", c.full(p)).add(r.choice(["様\n\n", " 様\n\n", "さま\n\n"]))
    d.add(f"このたびは{r.choice(PRODUCTS)}についてお問い合わせいただき、ありがとうございます。\n")
    d.add(f"{r.choice(TOPICS)}の件につきましては、")
    d.value("PERSON", p.family).add("様のご注文を確認しましたところ、")
    d.add(r.choice(["出荷前であることが分かりました。", "すでに返金処理が完了しておりました。"]) + "\n\n")
    d.add(f"{c.own.dept}　")
    _staff(d, c, op, 0.5).add("\n")
    return d


def survey_transcription(c: FCtx) -> Doc:
    """顧客アンケート自由記述の転記: respondents, staff praised by name, family members."""
    r = c.r
    d = Doc("enquete_tenki.txt", "survey_free_text")
    d.add("お客様アンケート（自由記述）転記\n\n")
    for i in range(r.randint(2, 3)):
        p, op = c.customer(), c.staff()
        d.add(f"No.{i + 1} 回答者：").value("PERSON", c.full(p)).add(r.choice(["", "（匿名希望）", " 様"])).add("\n")
        form = c.turn("sv", ["praise", "family", "self"])
        if form == "praise":
            d.add("「電話に出てくれた").value("PERSON", op.family, staff=True)
            d.add("さんがとても丁寧でした」\n")
        elif form == "family":
            d.add("「母の").value("PERSON", c.full(c.customer())).add(
                "の代わりに問い合わせました。分かりやすかったです」\n"
            )
        else:
            d.add("「").value("PERSON", p.family).add(r.choice(["は", "としては", "も"]))
            d.add(f"{r.choice(TOPICS)}の説明がもっと欲しかった」\n")
    return d


def dunning_record(c: FCtx) -> Doc:
    """督促記録: calls to a debtor, a family member answering, promises to pay."""
    r = c.r
    p, op = c.customer(), c.staff()
    d = Doc("tokusoku_kiroku.txt", "dunning_record")
    d.add(f"督促記録　契約番号 K{r.randint(100000, 999999)}\n債務者：").value("PERSON", c.full(p)).add("\n\n")
    for _ in range(r.randint(2, 3)):
        d.add(f"{c.day()} ")
        form = c.turn("dn", ["honnin", "kazoku", "rusu", "yakusoku"])
        if form == "honnin":
            d.value("PHONE", c.phone()).add("へ架電、").value("PERSON", p.family).add("本人応答。月末入金を約束。\n")
        elif form == "kazoku":
            d.add("架電、配偶者（").value("PERSON", c.full(c.customer())).add("）応答。本人不在。\n")
        elif form == "rusu":
            d.add("架電するも留守電。").value("PERSON", p.family).add("宛てに督促状（" + r.choice(FORMS) + "）送付。\n")
        else:
            d.value("PERSON", c.name(p)).add(r.choice(["が", "は"])).add("来店し一部入金。\n")
        d.add("　担当 ")
        _staff(d, c, op, 0.0).add("\n")
    return d


def english_mixed(c: FCtx) -> Doc:
    """英語混じりのメモ: English sentences with Japanese names, once in romaji."""
    r = c.r
    p, op = c.customer(), c.staff()
    d = Doc("eng_memo.txt", "english_mixed_note")
    d.add(f"[Case #{r.randint(10000, 99999)}] {r.choice(TOPICS)}\n")
    form = c.turn("en", ["called", "cust", "fyi", "romaji"])
    if form == "romaji" and p.foreign:
        form = "cust"
    if form == "called":
        d.value("PERSON", c.full(p)).add(" called about a refund. Callback: ").value("PHONE", c.phone()).add("\n")
    elif form == "cust":
        d.add("Customer: ").value("PERSON", c.full(p)).add("さん, wants to cancel. TEL ").value("PHONE", c.phone())
        d.add("\n")
    elif form == "fyi":
        d.add("FYI ").value("PERSON", c.name(p)).add("様 is VIP, please handle with care. ")
        d.add("Contact: ").value("EMAIL", c.mail(p)).add("\n")
    else:
        rom = p.romaji.capitalize()
        d.add(r.choice(["Mr. ", "Ms. "])).value("PERSON", rom).add(" (").value("PERSON", c.full(p))
        d.add(") asked for an invoice. Mail: ").value("EMAIL", c.mail(p)).add("\n")
    d.add("Owner: ")
    _staff(d, c, op, 0.2).add(f" / escalate to {r.choice(ROLES)} if needed\n")
    return d


# == negative texts ===============================================================================


def form_guide(c: FCtx) -> Doc:
    """様式の記入案内: form names, role words and blank name fields, no person."""
    r = c.r
    d = Doc("youshiki_annai.txt", "form_guide")
    d.add("各種様式の記入方法\n\n")
    for form in r.sample(FORMS, 3):
        d.add(f"■{form}\n　氏名欄にはお客様ご本人のお名前をフルネームで記入してください。")
        d.add(f"不明点は{r.choice(ROLES)}へ。\n")
    d.add("\n記入例：申出人　〇〇 〇〇（フルネーム）\n")
    return d


def shop_list_prose(c: FCtx) -> Doc:
    """Partner shops in prose: shops and clinics named after surnames, places."""
    r = c.r
    d = Doc("kamei_ten.txt", "partner_shops")
    d.add("加盟店のご案内\n\n")
    for place in r.sample(PLACES, 3):
        d.add(f"{place}エリアでは{c.shop()}と{c.shop()}で受け取りができます。")
        d.add(f"{place}駅から徒歩{r.randint(2, 12)}分です。\n")
    d.add(f"提携先：{c.company()}\n")
    return d


def product_news(c: FCtx) -> Doc:
    """新商品のお知らせ: products that read like given names."""
    r = c.r
    d = Doc("shinshouhin.txt", "product_announcement")
    a, b = r.sample(PRODUCTS, 2)
    d.add(f"新商品のお知らせ\n\n{a}が{c.day()}に発売されます。{b}と合わせてご利用ください。\n")
    d.add(f"製造元：{c.company()}　販売：{c.own.name}\n")
    d.add(f"お問い合わせは{r.choice(ROLES)}まで。\n")
    return d


def escalation_rule(c: FCtx) -> Doc:
    """エスカレーション基準: role words and a staff contact only."""
    r = c.r
    d = Doc("escalation_kijun.txt", "escalation_policy")
    d.add("エスカレーション基準（改訂）\n\n")
    for t in r.sample(TOPICS, 3):
        d.add(f"・{t}：{r.choice(ROLES)}→{r.choice(ROLES)}の順に報告\n")
    d.add(f"\n{r.choice(PLACES)}拠点の{r.choice(ROLES)}は週次で集計すること。\n")
    d.add("改訂担当：").value("PERSON", c.staff().family, staff=True).add("\n")
    return d


POSITIVE: list[Callable[[FCtx], Doc]] = [
    call_transcript,
    complaint_report,
    slack_chat,
    phone_memo,
    delivery_report,
    faq_draft,
    survey_transcription,
    dunning_record,
    english_mixed,
]
NEGATIVE: list[Callable[[FCtx], Doc]] = [form_guide, shop_list_prose, product_news, escalation_rule]
# Per 20 documents: 14 positive texts, 6 negative texts.
SCHEDULE = [(POSITIVE, 14), (NEGATIVE, 6)]
