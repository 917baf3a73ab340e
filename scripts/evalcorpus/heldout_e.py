"""Set E: names in running text, a held-out set for the prose-name stage (issue 10).

Why: sets A-D are mostly tables and labelled forms, and their text families were looked at
while the prose-name rules were tuned. Set E is text only and written for this measurement
alone, before any change to the prose-name stage: call-centre prose in its own wordings
(応対履歴, 折り返し依頼メモ, チャット, 議事録, SNS問い合わせの転記, 日報, 引き継ぎ, 留守電の書き起こし)
with names in many positions (a self-introduction 「竹内です。」, 担当：辻井, 「鈴木一郎から折り返し」,
a name in brackets, at a line's start, in a list with 、), with and without honorifics, a
surname alone or the full name, katakana and kanji foreign names. Its negatives are the hard
ones: place names and company names that look like surnames (長野, 福島, 株式会社松本精機),
product names that look like given names, staff role words (担当者, SV, 責任者).

Values: names from Faker ja_JP (own seed) and from japanese-personal-name-dataset's long
tail (surnames ranked below 500, which a surname dictionary may lack), foreign residents'
names written by hand for this set; phones and mails random. Nothing is read from ``rules/``
or ``dlp/detect``. A name written alone (a surname) is labelled as written; the call
centre's own operators and a supplier's staff are ``staff`` labels (PERSON values, not
customer data), so a document with only those is a negative. Labels follow
scripts/evalcorpus/model.py.
"""

from __future__ import annotations

from collections.abc import Callable

from scripts.evalcorpus.context import Company
from scripts.evalcorpus.model import Doc
from scripts.evalcorpus.prose_ctx import ProseCtx, Who, name_sources

SEED = 5005

# Foreign residents as they give their names on the phone: (family, given), katakana or kanji.
FOREIGN = [
    ("ロドリゲス", "ルイス"),
    ("フェルナンデス", "カミラ"),
    ("クマール", "ラジ"),
    ("アフマド", "ファティマ"),
    ("イワノフ", "ドミトリー"),
    ("ハリス", "ジェームズ"),
    ("ゴンザレス", "ソフィア"),
    ("ヴー", "ティ・ラン"),
    ("バトバヤル", "オユンチメグ"),
    ("シャルマ", "プリヤ"),
    ("張", "偉"),
    ("陳", "美玲"),
    ("金", "志勲"),
]
# Places that are also common surnames (the hard negatives of running text).
SURNAME_PLACES = ["長野", "福島", "松本", "岡山", "富山", "熊本", "福井", "宮崎", "山口", "石川", "千葉", "秋田"]
COMPANY_CORES = ["松本", "長野", "高田", "吉川", "青木", "森永", "小松", "大塚", "三浦", "平野"]
COMPANY_KINDS = ["精機", "工務店", "商事", "物産", "製作所", "運送", "電機", "建設"]
# Product names that read like given names.
PRODUCTS = ["加湿器「しずく」", "掃除機「ハヤテ」", "炊飯器「ひかり」", "空気清浄機「さくら」", "ドライヤー「まどか」",
            "電気毛布「ぬくもり」", "ロボット掃除機「ルンバ」", "浄水器「みなみ」"]  # fmt: skip
ROLES = ["担当者", "SV", "責任者", "リーダー", "オペレーター", "店長", "主任", "管理者", "受付", "当番"]
TOPICS = ["請求金額の相違", "配送遅延", "解約手続き", "ポイント失効", "初期不良", "会員情報の変更", "返品",
          "支払方法の変更", "定期便の停止", "ログインできない"]  # fmt: skip
DOMAINS = ["example.jp", "example.ne.jp", "example.com", "mail.example.net"]


class ECtx(ProseCtx):
    def customer(self) -> Who:
        kind = self.turn("who", ["faker"] * 5 + ["tail"] * 3 + ["foreign"] * 2)
        if kind == "foreign":
            f, g = self.r.choice(FOREIGN)
            return Who(f, g, "guest", foreign=True)
        if kind == "tail":
            fam, rom = self.r.choice(self.families)
            giv = self.r.choice(self.givens) if self.chance(0.3) else self.fk.first_name()
            return Who(fam, giv, rom)
        fam, _, rom = self.fk.last_name_pair()
        return Who(fam, self.fk.first_name(), rom.lower())

    def staff(self) -> Who:
        fam, _, rom = self.fk.last_name_pair()
        return Who(fam, self.fk.first_name(), rom.lower())

    def full(self, p: Who) -> str:
        """A full name as typed: no space, a space, a full-width space; foreigners with ・."""
        if p.foreign and not ("一" <= p.family[0] <= "龥"):
            if self.chance(0.25):
                return p.given + "・" + p.family
            return p.family + self.r.choice(["・", " ", "・", "\u3000"]) + p.given
        return p.family + self.r.choice(["", " ", "\u3000", ""]) + p.given

    def name(self, p: Who) -> str:
        """A customer named in passing: the surname alone about half the time."""
        return p.family if self.chance(0.45) else self.full(p)

    def phone(self) -> str:
        r = self.r
        if self.chance(0.6):
            a, b, c = r.choice(["090", "080", "070"]), f"{r.randint(1000, 9999)}", f"{r.randint(0, 9999):04d}"
        else:
            a = r.choice(["03", "06", "045", "011", "092", "0263", "0246"])
            b = f"{r.randint(10 ** (5 - len(a)), 10 ** (6 - len(a)) - 1)}"
            c = f"{r.randint(0, 9999):04d}"
        return r.choice([f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a}{b}{c}", f"{a}({b}){c}"])

    def mail(self, p: Who) -> str:
        r = self.r
        local = r.choice(
            [f"{p.romaji}{r.randint(1, 999)}", f"{p.romaji}.{r.choice('akmstyh')}", f"k{r.randint(100, 9999)}"]
        )
        return f"{local}@{r.choice(DOMAINS)}"

    def company(self) -> str:
        core, kind = self.r.choice(COMPANY_CORES), self.r.choice(COMPANY_KINDS)
        return self.r.choice([f"株式会社{core}{kind}", f"{core}{kind}株式会社", f"（有）{core}{kind}"])

    def hhmm(self) -> str:
        return f"{self.r.randint(9, 20)}:{self.r.randint(0, 59):02d}"

    def day(self) -> str:
        return f"11/{self.r.randint(1, 29)}"


def make_ctx(seed: int = SEED) -> ECtx:
    r, fk, families, givens = name_sources(seed)
    own = Company(
        name="株式会社あおば通販",
        dept="カスタマーセンター",
        postal="980-0021",
        address="宮城県仙台市青葉区中央2-5-8",
        phone="022-217-4410",
        fax="022-217-4411",
        domain="aoba-tsuhan.example.co.jp",
        mail="support@aoba-tsuhan.example.co.jp",
        bank="3318204",
    )
    return ECtx(r, fk, own, families, givens)


def _staff(d: Doc, c: ECtx, s: Who, full: float = 0.3) -> Doc:
    return d.value("PERSON", s.full(c.r.choice(["", " "])) if c.chance(full) else s.family, staff=True)


# == positive texts ===============================================================================


def call_history(c: ECtx) -> Doc:
    """応対履歴: a timeline of one call, the caller introducing herself, 担当 as a surname."""
    r = c.r
    p, op, sv = c.customer(), c.staff(), c.staff()
    d = Doc("outai_rireki.txt", "call_history")
    d.add(f"【応対履歴】受付No.{r.randint(100000, 999999)}\n{c.day()} {c.hhmm()} 入電　")
    d.add(r.choice(["担当：", "担当:", "受付者 ", "対応："]))
    _staff(d, c, op).add("\n\n")
    intro = c.turn("intro", ["desu", "moushimasu", "nodesuga", "bare"])
    d.add("お客様「")
    if intro == "desu":
        d.value("PERSON", p.family).add("です。")
    elif intro == "moushimasu":
        d.value("PERSON", c.full(p)).add("と申します。")
    elif intro == "nodesuga":
        d.value("PERSON", p.family).add("ですけど、")
    else:
        d.add("あの、").value("PERSON", p.family).add("といいます。")
    d.add(f"{r.choice(TOPICS)}のことで電話しました」\n")
    d.add(r.choice(["→ 本人確認のためフルネームを確認：", "→ 氏名確認 ", "→ 登録名義："])).value("PERSON", c.full(p))
    d.add(r.choice(["様", " 様", "", "（一致）"])).add("\n")
    d.add("→ 登録電話番号 ").value("PHONE", c.phone()).add(" と一致\n")
    d.add("→ ").value("PERSON", p.family).add(r.choice(["様へ", "様に", "さんへ"]))
    d.add(r.choice(["状況をご説明し、了承いただいた。", "返金手続きの流れを案内。", "後日折り返しとした。"]) + "\n")
    if c.chance(0.5):
        d.add(f"→ {r.choice(['長野', '福島', '松本', '熊本'])}倉庫に在庫確認中。SV ")
        _staff(d, c, sv).add("に報告済み。\n")
    d.add(f"通話時間：{r.randint(2, 25)}分\n")
    return d


def callback_memo(c: ECtx) -> Doc:
    """折り返し依頼メモ: who called whom, 「鈴木一郎から折り返し」 and a callback number."""
    r = c.r
    p, to, taker = c.customer(), c.staff(), c.staff()
    d = Doc("orikaeshi_irai.txt", "callback_request")
    d.add(r.choice(["★折り返し依頼★\n", "【折返しのお願い】\n", "■電話メモ\n"]))
    d.add("宛先：").value("PERSON", to.family, staff=True).add(r.choice(["さん", "様", "主任", " SV"])).add("\n")
    d.add(f"受付：{c.day()} {c.hhmm()}\n")
    style = c.turn("cb", ["kara", "yori", "company", "quote", "label"])
    if style == "kara":
        d.value("PERSON", c.full(p)).add("から折り返し" + r.choice(["希望", "お願いしたいとのこと", "ください"]) + "\n")
    elif style == "yori":
        d.value("PERSON", c.name(p)).add(r.choice(["様より", "さんより", "様から"]) + "お電話がありました。\n")
    elif style == "company":
        d.add(f"{c.company()}の").value("PERSON", c.name(p)).add(r.choice(["様", "さん", "様"]) + "から電話あり。\n")
    elif style == "quote":
        d.add("「").value("PERSON", c.full(p)).add("から、と伝えてもらえれば分かります」とのこと。\n")
    else:
        d.add(r.choice(["お名前：", "氏名：", "お客様："])).value("PERSON", c.full(p))
        d.add(r.choice(["", " 様", "様"]) + "\n")
    d.add("連絡先：").value("PHONE", c.phone()).add(r.choice(["", "（携帯）", "（日中は不在がち）"]) + "\n")
    d.add(f"用件：{r.choice(TOPICS)}\n")
    d.add(r.choice(["受けた人：", "受：", "記入者 "]))
    _staff(d, c, taker, 0.2).add("\n")
    return d


def chat_log(c: ECtx) -> Doc:
    """チャットログ: operator and guest lines; the guest gives a surname, then the full name."""
    r = c.r
    p, op = c.customer(), c.staff()
    d = Doc("chat_log.txt", "chat_transcript")
    t0 = r.randint(9, 21)
    d.add(f"チャットID：CH{r.randint(1000000, 9999999)}\n[{t0}:00] システム：チャットを開始しました\n")
    d.add(f"[{t0}:00] オペレーター（").value("PERSON", op.family, staff=True)
    d.add("）：お問い合わせありがとうございます。担当の")
    d.value("PERSON", op.family, staff=True).add("です。\n")
    d.add(f"[{t0}:01] ゲスト：")
    d.value("PERSON", p.family).add(r.choice(["です。", "と申します。", "です"]))
    d.add(f"{r.choice(TOPICS)}について聞きたいです\n")
    d.add(f"[{t0}:02] オペレーター（").value("PERSON", op.family, staff=True).add(")：")
    d.value("PERSON", p.family).add("様、ご本人確認のためフルネームとお電話番号をお願いします。\n")
    d.add(f"[{t0}:03] ゲスト：").value("PERSON", c.full(p)).add(r.choice(["　", " ", "、電話は"]))
    d.value("PHONE", c.phone()).add("\n")
    d.add(f"[{t0}:04] オペレーター（").value("PERSON", op.family, staff=True).add("）：確認できました。")
    d.add(r.choice(["少々お待ちください。", "担当部署へおつなぎします。", "ありがとうございます。"]) + "\n")
    if c.chance(0.5):
        d.add(f"[{t0}:06] ゲスト：メールでもらえますか？ ").value("EMAIL", c.mail(p)).add(" です\n")
    d.add(f"[{t0}:09] システム：チャットを終了しました\n")
    return d


def minutes_cases(c: ECtx) -> Doc:
    """議事録 of a CS meeting with customer cases, attendees as surnames, places in between."""
    r = c.r
    d = Doc("cs_gijiroku.txt", "cs_minutes")
    d.add(f"CS定例会議　議事録（{c.day()}）\n出席：")
    for i in range(r.randint(3, 5)):
        d.add("、" if i else "").value("PERSON", c.staff().family, staff=True)
    d.add("\n記録：").value("PERSON", c.staff().full(" "), staff=True).add("\n\n")
    place = r.choice(SURNAME_PLACES)
    d.add(f"1. {place}営業所からの共有\n")
    for _ in range(r.randint(2, 4)):
        p = c.customer()
        form = c.turn("min", ["dot", "bracket", "start", "kono"])
        if form == "dot":
            d.add("・").value("PERSON", c.name(p)).add(f"様の{r.choice(TOPICS)}：")
            d.add(r.choice(["返金済み", "対応中", "再発防止策を検討"]) + "\n")
        elif form == "bracket":
            d.add(f"・{r.choice(TOPICS)}の件（").value("PERSON", c.full(p)).add(r.choice(["様）", "さん）", "）"]))
            d.add(r.choice(["はクローズ", "は継続", "、次回報告"]) + "\n")
        elif form == "start":
            d.value("PERSON", c.full(p)).add(f"様　{r.choice(TOPICS)}。{r.choice(SURNAME_PLACES)}県在住、再入電あり\n")
        else:
            d.add("・前回の「").value("PERSON", p.family)
            d.add("さん」案件は" + r.choice(["解決", "保留", "法務確認中"]) + "\n")
    d.add(f"2. 次回：{r.choice(SURNAME_PLACES)}会議室　{r.choice(ROLES)}から共有予定\n")
    return d


def sns_transcript(c: ECtx) -> Doc:
    """SNS問い合わせ転記: a DM copied into the ticket with the name the customer gave."""
    r = c.r
    p = c.customer()
    d = Doc("sns_tenki.txt", "sns_inquiry")
    media = r.choice(["X（旧Twitter）DM", "Instagram DM", "LINE公式アカウント", "Facebookメッセージ"])
    d.add(f"【SNS問い合わせ転記】媒体：{media}\n")
    d.add(f"アカウント：@{p.romaji[:6]}_{r.randint(10, 99)}\n受信：{c.day()} {c.hhmm()}\n本文：\n")
    d.add(r.choice(["はじめまして、", "突然すみません。", "こんにちは！"]))
    d.value("PERSON", c.name(p)).add(r.choice(["と申します。", "です。", "といいます🙇"]))
    prod = r.choice(PRODUCTS)
    d.add(f"先日{prod}を購入したのですが{r.choice(['動きません', '音がうるさいです', '届いていません'])}。\n")
    if c.chance(0.5):
        d.add("注文者は妻の").value("PERSON", c.full(c.customer())).add("です。\n")
    d.add("\nDMで伺った氏名：").value("PERSON", c.full(p)).add("\n")
    if c.chance(0.6):
        d.add("連絡先：").value("EMAIL", c.mail(p)).add("\n")
    else:
        d.add("連絡先：").value("PHONE", c.phone()).add("\n")
    d.add("転記者：")
    _staff(d, c, c.staff()).add("\n")
    return d


def daily_report(c: ECtx) -> Doc:
    """日報: a staff member's day with customers named in passing and a client's contact."""
    r = c.r
    d = Doc("nippo.txt", "daily_report")
    d.add(f"日報　{c.day()}　記入者：").value("PERSON", c.staff().full(r.choice([" ", "", "　"])), staff=True).add("\n")
    d.add(f"入電 {r.randint(10, 40)}件／架電 {r.randint(0, 12)}件\n\n")
    d.add(f"・午前：{c.company()} ご担当の").value("PERSON", c.staff().family, staff=True)
    d.add("様と打合せ（" + r.choice(SURNAME_PLACES) + "工場の件）\n")
    for i in range(r.randint(2, 3)):
        p = c.customer()
        form = c.turn("nippo", ["maru", "colon", "arrow"])
        if form == "maru":
            d.add("①②③"[i]).value("PERSON", c.full(p)).add(f"様：{r.choice(TOPICS)}、")
            d.value("PHONE", c.phone()).add("へ架電、" + r.choice(["不在", "了承", "留守電に伝言"]) + "\n")
        elif form == "colon":
            d.add(f"・{r.choice(TOPICS)}：").value("PERSON", c.name(p))
            d.add(r.choice(["様", "さん", "氏"]) + "（再入電）\n")
        else:
            d.add("・").value("PERSON", c.name(p)).add(r.choice(["様 → ", "さん→", " 様⇒"]))
            d.add(r.choice(["返品受付済", "交換品手配", "上長判断待ち"]) + "\n")
    d.add(f"所感：{r.choice(ROLES)}不在時の{r.choice(TOPICS)}対応に時間がかかった。\n")
    return d


def handover_note(c: ECtx) -> Doc:
    """引き継ぎ: from one operator to another, customers by surname or full name."""
    r = c.r
    a, b = c.staff(), c.staff()
    d = Doc("hikitsugi.txt", "shift_handover")
    d.add("引き継ぎ（").value("PERSON", a.family, staff=True).add(r.choice(["→", "⇒", "から"]))
    d.value("PERSON", b.family, staff=True).add(r.choice(["）", "へ）"]) + "\n\n")
    for _ in range(r.randint(2, 4)):
        p = c.customer()
        form = c.turn("ho", ["san_no_ken", "asu", "quote", "kana"])
        if form == "san_no_ken":
            d.add("・").value("PERSON", c.name(p)).add(r.choice(["さんの件、", "様の件："]))
            d.add(f"明日{r.randint(10, 17)}時に再架電予定。\n")
        elif form == "asu":
            d.add(f"・{r.choice(TOPICS)}　").value("PERSON", c.full(p)).add("　")
            d.value("PHONE", c.phone()).add("　" + r.choice(["要折返し", "書類待ち", "完了"]) + "\n")
        elif form == "quote":
            d.add("・「").value("PERSON", p.family)
            d.add("です、昨日の件で」と電話あり。内容は" + r.choice(TOPICS) + "\n")
        else:
            d.add("・ご家族（").value("PERSON", c.full(p))
            d.add("様の" + r.choice(["奥様", "ご主人", "息子さん"]) + "）から代理で問い合わせ\n")
    d.add(f"※{r.choice(SURNAME_PLACES)}センターへの転送は不要です。\n")
    return d


def voicemail(c: ECtx) -> Doc:
    """留守番電話の書き起こし: spoken self-introduction, the callback number read out."""
    r = c.r
    p = c.customer()
    d = Doc("rusuden.txt", "voicemail_transcript")
    d.add(f"留守電書き起こし　{c.day()} {c.hhmm()}　（書き起こし：")
    _staff(d, c, c.staff()).add("）\n\n「もしもし、")
    d.add(r.choice(["お世話になっております、", "あの、", "わたくし、"]))
    d.value("PERSON", c.name(p)).add(r.choice(["と申します。", "です。", "でございます。"]))
    d.add(f"{r.choice(TOPICS)}の件でお電話しました。折り返し、")
    d.value("PHONE", c.phone()).add("までお願いします。")
    d.value("PERSON", p.family).add("でした。失礼します」\n")
    return d


def complaint_mail(c: ECtx) -> Doc:
    """A customer's mail pasted into a ticket: signed at the end, her family named inside."""
    r = c.r
    p = c.customer()
    d = Doc("kujou_mail.txt", "complaint_mail")
    d.add(f"件名：{r.choice(TOPICS)}について\n\n{c.own.name} ご担当者様\n\n")
    d.add(f"いつもお世話になっております。{r.choice(SURNAME_PLACES)}市の")
    d.value("PERSON", c.full(p)).add("です。\n")
    d.add(f"{r.choice(PRODUCTS)}について、先日お電話で")
    op = c.staff()
    d.value("PERSON", op.family, staff=True)
    d.add(r.choice(["様", "さん"]) + "に対応いただきましたが、まだ解決していません。\n")
    if c.chance(0.5):
        d.add("主人の").value("PERSON", c.full(c.customer())).add("名義で注文しています。\n")
    d.add("ご連絡をお待ちしております。\n\n")
    d.value("PERSON", c.full(p)).add("\n")
    d.value("PHONE", c.phone()).add("\n")
    return d


# == negative texts ===============================================================================


def store_notice(c: ECtx) -> Doc:
    """Store hours: place names that are surnames, roles, no person at all."""
    r = c.r
    d = Doc("eigyo_oshirase.txt", "store_hours_notice")
    d.add("年末年始の営業時間のお知らせ\n\n")
    for place in r.sample(SURNAME_PLACES, 4):
        hours = f"12/31 {r.randint(9, 11)}:00〜{r.randint(15, 18)}:00"
        d.add(f"{place}店：{hours}（{r.choice(['1/1休業', '1/2より通常営業'])}）\n")
    d.add(f"\nご不明点は各店の{r.choice(ROLES)}までお問い合わせください。\n")
    d.add(f"※{c.company()}様の配送は12/28で締め切ります。\n")
    return d


def internal_circular(c: ECtx) -> Doc:
    """社内通知 to the operators: role words, system names, a staff signature."""
    r = c.r
    d = Doc("shanai_tsuchi.txt", "internal_circular")
    d.add("オペレーター各位\n\n")
    d.add(f"{r.choice(TOPICS)}の問い合わせが増えています。{r.choice(ROLES)}への")
    d.add(f"エスカレーションは{r.choice(ROLES)}経由で行ってください。\n")
    d.add(f"{r.choice(SURNAME_PLACES)}センターと{r.choice(SURNAME_PLACES)}センターは共通マニュアルを使います。\n")
    d.add(f"お客様のお名前を復唱する際は、{r.choice(ROLES)}が同席してください。\n\n")
    d.add(f"{c.own.dept}　{r.choice(ROLES)}　").value("PERSON", c.staff().full(" "), staff=True).add("\n")
    return d


def trip_report(c: ECtx) -> Doc:
    """出張報告: a staff member's trip across places named like surnames."""
    r = c.r
    a, b = r.sample(SURNAME_PLACES, 2)
    d = Doc("shucchou.txt", "business_trip_report")
    d.add(f"出張報告　{a}・{b}\n報告者：").value("PERSON", c.staff().full(r.choice(["", " "])), staff=True)
    d.add(f"\n\n{a}駅から{b}まで移動し、{c.company()}と{c.company()}を訪問。\n")
    d.add(f"{b}では新商品{r.choice(PRODUCTS)}の店頭デモを実施。反応は良好。\n")
    d.add(f"次回は{r.choice(SURNAME_PLACES)}方面を予定。\n")
    return d


def product_faq(c: ECtx) -> Doc:
    """製品FAQ: product names that read like given names, role words, no person."""
    r = c.r
    d = Doc("faq.txt", "product_faq")
    for prod in r.sample(PRODUCTS, 3):
        d.add(f"Q. {prod}の電源が入りません。\n")
        d.add(f"A. コンセントを確認し、改善しない場合は{r.choice(ROLES)}にご相談ください。\n\n")
    d.add(f"製造：{c.company()}\n")
    return d


def shift_plan(c: ECtx) -> Doc:
    """シフト表 in prose: staff names only (a negative with PERSON values)."""
    r = c.r
    d = Doc("shift.txt", "shift_plan")
    d.add(f"{c.day()}週のシフト\n")
    for day in "月火水木金":
        d.add(f"{day}：早番 ").value("PERSON", c.staff().family, staff=True).add("、遅番 ")
        d.value("PERSON", c.staff().family, staff=True).add(f"（{r.choice(SURNAME_PLACES)}応援）\n")
    d.add(f"研修講師：{r.choice(ROLES)} ").value("PERSON", c.staff().full(" "), staff=True).add("\n")
    return d


POSITIVE: list[Callable[[ECtx], Doc]] = [
    call_history,
    callback_memo,
    chat_log,
    minutes_cases,
    sns_transcript,
    daily_report,
    handover_note,
    voicemail,
    complaint_mail,
]
NEGATIVE: list[Callable[[ECtx], Doc]] = [store_notice, internal_circular, trip_report, product_faq, shift_plan]
# Per 20 documents: 14 positive texts, 6 negative texts.
SCHEDULE = [(POSITIVE, 14), (NEGATIVE, 6)]
