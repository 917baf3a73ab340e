"""Free-text documents: call notes, pasted mails, memos, invoices, logs (set A and B wording)."""

from __future__ import annotations

from scripts.evalcorpus import sources as S
from scripts.evalcorpus.context import Company, Ctx
from scripts.evalcorpus.model import Doc


def signature(ctx: Ctx, d: Doc, co: Company, *, own: bool, staff: bool = True) -> None:
    """A letterhead/signature block: company contacts are BUSINESS_CONTACT, the clerk is staff."""
    r = ctx.r
    d.add(r.choice(["\n--\n", "\n━━━━━━━━━━━━━━━━\n", "\n------------------------------\n"]))
    d.add(f"{co.name} {co.dept}\n")
    if staff:
        d.add(r.choice(["担当：", "担当 ", ""])).value(
            "PERSON", ctx.people.person(0).full(r.choice(["", " "])), staff=True
        ).add("\n")
    d.add("〒").biz("POSTAL_CODE", co.postal, own=own).add(" ").biz("ADDRESS", co.address, own=own).add("\n")
    d.add(r.choice(["TEL：", "TEL ", "電話："])).biz("PHONE", co.phone, own=own)
    d.add(r.choice(["　FAX：", " / FAX ", "\nFAX："])).biz("PHONE", co.fax, own=own).add("\n")
    d.add(r.choice(["Mail：", "E-mail: ", "メール："])).biz("EMAIL", co.mail, own=own).add("\n")


def operator(ctx: Ctx, d: Doc) -> None:
    p = ctx.people.person(0.1)
    if ctx.variant == 0:
        d.add(ctx.r.choice(["担当：", "対応者：", "受付："])).value("PERSON", p.family, staff=True).add("\n")
    else:
        d.add(ctx.r.choice(["（担当 ", "(受付 ", "（対応："])).value("PERSON", p.family, staff=True).add("）\n")


def call_note(ctx: Ctx) -> Doc:
    """A call log entry: the customer's name without honorific, a spoken phone number."""
    r = ctx.r
    d = Doc("call_note.txt", "call_note")
    c = ctx.people.person()
    name = c.full(r.choice(["", " ", "　"])) if not c.foreign else c.kana("・")
    when = f"{r.randint(2025, 2026)}/{r.randint(1, 12)}/{r.randint(1, 28)}"
    d.add(f"{when} {r.randint(9, 19)}:{r.randint(0, 59):02d} 入電\n")
    if ctx.variant == 0:
        d.add("「").value("PERSON", name).add(r.choice(["です。", "と申します。", "ですけど、"]))
        d.add(r.choice(["先日届いた商品の件で」", "注文の変更をしたい」", "請求書が届かない」"]) + "\n")
        d.add("折り返し先：").value("PHONE", S.phone(r, spoken=0.35)).add("\n")
    else:
        d.add(r.choice(["お客様より", "顧客"])).add("、").value("PERSON", name)
        d.add(r.choice(["から折り返し希望。", "から問い合わせ。", "より解約の相談。"]) + "\n")
        d.add("連絡先 ").value("PHONE", S.phone(r, spoken=0.35)).add(r.choice(["（携帯）", "", " 日中可"]) + "\n")
    if r.random() < 0.4:
        d.add(r.choice(["生年月日：", "本人確認 生年月日 ", "生年月日は"])).value(
            "BIRTH_DATE", S.birth_date(r, kanji=0.5)
        )
        d.add(r.choice(["生", "生まれ", "", "で確認済"]) + "\n")
    operator(ctx, d)
    return d


def address_change(ctx: Ctx) -> Doc:
    """A change of address request written up by an operator: old and new address, building."""
    r = ctx.r
    d = Doc("address_change.txt", "address_change")
    c = ctx.people.person()
    d.add(r.choice(["【住所変更】\n", "■ 住所変更依頼\n", "件名: 住所変更のご依頼\n\n"]))
    d.add(r.choice(["契約者：", "ご契約者 ", "お客様名："])).value("PERSON", c.full(" ")).add(
        r.choice([" 様\n", "\n", "様\n"])
    )
    for label in ("旧住所：", "新住所："):
        p = S.place(r)
        d.add(label + "〒").value("POSTAL_CODE", S.postal(r, p.code)).add(" ")
        d.value("ADDRESS", S.address(r, p, with_building=0.8)).add("\n")
    if r.random() < 0.5:
        d.add("日中連絡先 ").value("PHONE", S.phone(r)).add("\n")
    if r.random() < 0.3:
        d.add("書類：名義変更届・住所変更届を郵送済み\n")
    operator(ctx, d)
    return d


def inquiry_mail(ctx: Ctx) -> Doc:
    """A customer's mail pasted into a ticket, From: header included; our signature (allow list)."""
    r = ctx.r
    # A third are the mails themselves (.eml, the name RFC 2047-encoded in From:), the rest are
    # pasted into a ticket, some under a ticket line.
    d = Doc("inquiry_mail.eml" if r.random() < 0.3 else "inquiry_mail.txt", "inquiry_mail")
    c = ctx.people.person()
    mail = S.email(r, c)
    if d.name.endswith(".txt") and r.random() < 0.5:
        d.add(f"チケット#{r.randint(10000, 99999)} お客様メール転記\n")
    d.add("From: ")
    if c.foreign:
        d.value("PERSON", f"{c.romaji_given.title()} {c.romaji_family.title()}" if r.random() < 0.3 else c.kana("・"))
    else:
        d.value("PERSON", c.full(r.choice([" ", ""])))
    d.add(" <").value("EMAIL", mail).add(">\n")
    d.add(f"Sent: 2026年{r.randint(1, 12)}月{r.randint(1, 28)}日 {r.randint(8, 22)}:{r.randint(0, 59):02d}\n")
    d.add("To: ").biz("EMAIL", ctx.own.mail, own=True)
    d.add("\n件名: " + r.choice(["お問い合わせ", "Re: ご注文内容の確認", "返品について"]) + "\n\n")
    d.add(f"{ctx.own.name}\nご担当者様\n\n")
    if ctx.variant == 0:
        d.add("いつもお世話になっております。").value("PERSON", c.family if not c.foreign else c.kana("・")).add(
            "です。\n"
        )
    else:
        d.add("お世話になります。\n")
    d.add(r.choice(["届け先を下記に変更してください。\n", "下記住所に再送をお願いします。\n"]))
    p = S.place(r)
    d.add("〒").value("POSTAL_CODE", S.postal(r, p.code)).add(r.choice([" ", "\n"])).value(
        "ADDRESS", S.address(r, p, with_building=0.6)
    ).add("\n")
    if r.random() < 0.6:
        d.add(r.choice(["携帯：", "TEL ", "電話番号は"])).value("PHONE", S.phone(r, mobile=0.8)).add(
            r.choice(["\n", "です。\n"])
        )
    if r.random() < 0.35:
        other = S.email(r, c, obfuscated=1.0)
        d.add(r.choice(["別のアドレス：", "PCメール "])).value("EMAIL", other).add("\n")
    d.add("\nよろしくお願いいたします。\n")
    signature(ctx, d, ctx.own, own=True)
    return d


def callback_memo(ctx: Ctx) -> Doc:
    """A hand-off memo between colleagues: 担当 names, a customer, an obfuscated mail."""
    r = ctx.r
    d = Doc("callback_memo.txt", "callback_memo")
    c = ctx.people.person(0.25)
    d.add(r.choice(["申し送り\n", "【引継ぎ】\n", "メモ："]))
    d.add(r.choice(["", "担当："])).value("PERSON", ctx.people.person(0).family, staff=True)
    d.add(r.choice(["さんへ\n", "→", " 宛\n"]))
    name = c.kana("・") if c.foreign else c.full(r.choice(["", " "]))
    d.value("PERSON", name).add(
        r.choice(["から折り返し依頼あり。", "の件、対応お願いします。", "より再度入電。"]) + "\n"
    )
    if r.random() < 0.6:
        d.add("メールで返信希望：").value("EMAIL", S.email(r, c, obfuscated=0.7)).add("\n")
    else:
        d.add(r.choice(["電話 ", "TEL:", "折返し "])).value("PHONE", S.phone(r, spoken=0.5)).add("\n")
    d.add(r.choice(["以上、", "よろしく。", ""])).value("PERSON", ctx.people.person(0).family, staff=True).add("\n")
    return d


def escalation_summary(ctx: Ctx) -> Doc:
    """A prose summary listing many customers: 10+ people in free text."""
    r = ctx.r
    d = Doc("escalation_summary.txt", "escalation_summary")
    d.add(r.choice(["配送遅延 対象者一覧（要連絡）\n\n", "■クレーム対応中のお客様\n"]))
    for i in range(r.randint(10, 18)):
        c = ctx.people.person()
        d.add(f"{i + 1}. " if ctx.variant == 0 else "・")
        d.value("PERSON", c.full(" ") if not c.foreign else c.kana("・")).add(r.choice(["様 ", "　", " "]))
        d.value("PHONE", S.phone(r)).add(r.choice(["　", " / ", " "]))
        d.value("ADDRESS", S.address(r, with_building=0.4)).add("\n")
    operator(ctx, d)
    return d


def payment_note(ctx: Ctx) -> Doc:
    """A refund or card note: bank account for the refund, sometimes a card or My Number."""
    r = ctx.r
    d = Doc("payment_note.txt", "payment_note")
    c = ctx.people.person()
    d.add("返金処理依頼\nお客様：").value("PERSON", c.full(" ")).add("\n")
    d.add(f"返金先：{r.choice(S.BANKS)} {r.choice(S.BRANCHES)} 普通 ").value("BANK_ACCOUNT", S.account_number(r))
    d.add(" 名義 ").value("PERSON", c.kana(r.choice([" ", ""]))).add("\n")
    roll = r.random()
    if roll < 0.4:
        d.add("カード番号（下記で決済済）：").value("CREDIT_CARD", S.credit_card(r)).add("\n")
    elif roll < 0.6:
        d.add("個人番号：").value("MY_NUMBER", S.my_number(r)).add("\n")
    d.add(r.choice(["契約者生年月日：", "生年月日 "])).value("BIRTH_DATE", S.birth_date(r, kanji=0.3)).add("\n")
    operator(ctx, d)
    return d


def pasted_table(ctx: Ctx) -> Doc:
    """A mail or note with a tab- or comma-separated block pasted from a spreadsheet."""
    r = ctx.r
    d = Doc("pasted_table.txt", "pasted_table")
    sep = "\t" if ctx.variant == 0 or r.random() < 0.5 else ","
    d.add(
        r.choice(
            ["お疲れさまです。\n下記のお客様へ再送のご連絡をお願いします。\n\n", "未着の問い合わせ分です（コピペ）\n\n"]
        )
    )
    heads = r.choice([["氏名", "電話番号", "住所"], ["お客様名", "TEL", "お届け先"], ["名前", "連絡先", "住所"]])
    if r.random() < 0.7:
        d.add(sep.join(heads) + "\n")
    for _ in range(r.randint(4, 8) if r.random() < 0.4 else r.randint(10, 25)):
        c = ctx.people.person()
        d.value("PERSON", c.kana("・") if c.foreign else c.full(r.choice(["", " ", "　"]))).add(sep)
        d.value("PHONE", S.phone(r, spoken=0.0)).add(sep)
        d.value("ADDRESS", S.address(r, with_building=0.4)).add("\n")
    d.add("\nよろしくお願いします。\n")
    operator(ctx, d)
    return d


# -- hard negatives ---------------------------------------------------------------------------


def supplier_invoice(ctx: Ctx) -> Doc:
    """Another company's invoice: letterhead, T-number, お振込先, JAN codes, amounts."""
    r = ctx.r
    d = Doc("supplier_invoice.txt", "supplier_invoice")
    co = ctx.other_company()
    d.add(f"請求書\n\n{ctx.own.name} 御中\n\n請求日 2026年{r.randint(1, 12)}月{r.randint(1, 28)}日\n")
    d.add(f"請求番号 INV-{r.randint(100000, 999999)}\n登録番号 {S.invoice_number(r)}\n\n")
    d.add(f"{co.name}\n〒").biz("POSTAL_CODE", co.postal).add(" ").biz("ADDRESS", co.address).add("\n")
    d.add("TEL ").biz("PHONE", co.phone).add(" FAX ").biz("PHONE", co.fax).add("\n\n")
    d.add("品番\tJANコード\t品名\t数量\t金額\n")
    for _ in range(r.randint(3, 8)):
        item = r.choice(["梱包材", "コピー用紙", "トナー", "ヘッドセット", "段ボール"])
        d.add(f"{r.randint(1000, 9999)}-{r.randint(10, 99)}\t{S.jan_code(r)}\t{item}\t")
        d.add(f"{r.randint(1, 50)}\t¥{r.randint(1, 999) * 100:,}\n")
    d.add(f"\n合計 ¥{r.randint(10000, 999999):,}（税込）\n")
    d.add(f"お振込先：{r.choice(S.BANKS)} {r.choice(S.BRANCHES)} 普通預金 ").biz("BANK_ACCOUNT", co.bank)
    d.add(f" {co.name.replace('株式会社', 'カ)')}\n")
    if r.random() < 0.6:
        d.add("担当：").value("PERSON", ctx.people.person(0).full(" "), staff=True).add("\n")
    return d


def shipping_notice(ctx: Ctx) -> Doc:
    """Our shipping notice template: order and tracking numbers, dates; our signature."""
    r = ctx.r
    d = Doc("shipping_notice.txt", "shipping_notice")
    d.add("【発送のお知らせ】\nお客様各位\n\nご注文いただいた商品を発送いたしました。\n")
    d.add(f"ご注文番号：{S.order_number(r)}\n配送伝票番号：{S.tracking_number(r)}\n")
    d.add(f"お届け予定日：{r.randint(1, 12)}月{r.randint(1, 28)}日 {r.choice(['午前中', '14-16時', '18-20時'])}\n")
    d.add(f"商品コード {S.jan_code(r)} 数量 {r.randint(1, 5)}\n")
    d.add("お問い合わせ先：").biz("PHONE", ctx.own.phone, own=True).add("（平日9:00-18:00）\n")
    signature(ctx, d, ctx.own, own=True, staff=False)
    return d


def system_log(ctx: Ctx) -> Doc:
    """A PBX/CTI log: Luhn-valid 16-digit call ids, extension numbers, IPs, durations."""
    r = ctx.r
    d = Doc("cti.log" if ctx.variant else "system_log.txt", "system_log")
    for _ in range(r.randint(6, 20)):
        call_id = S.luhn_complete(r.choice(["4", "5", "35"]), 16, r)
        d.add(f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:")
        d.add(f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}+09:00 ")
        d.add(r.choice(["INFO", "DEBUG", "WARN"]) + f" call_id={call_id} ext={r.randint(2000, 2999)} ")
        d.add(f"queue={r.choice(['sales', 'support', 'billing'])} dur={r.randint(5, 1800)}s ")
        d.add(f"src=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)} seq={r.randint(10**9, 10**10)}\n")
    return d


def internal_memo(ctx: Ctx) -> Doc:
    """An internal memo: place names with 殿, form label words, meeting dates, amounts."""
    r = ctx.r
    d = Doc("internal_memo.txt", "internal_memo")
    p = S.place(r, like="%殿%")
    d.add(f"各位\n\n{r.randint(1, 12)}月{r.randint(1, 28)}日（{r.choice('月火水木金')}）の研修は")
    d.add(f"{p.city}{p.town}の研修センターで行います。\n")
    d.add(r.choice(["名義変更届", "契約者生年月日", "口座振替依頼書", "住所変更届"]) + "の記入例を改訂しました。\n")
    d.add("新様式の項目：契約者名／契約者生年月日／ご住所／電話番号（すべて必須）\n")
    d.add(f"予算 {r.randint(10, 500) * 1000:,}円、参加予定 {r.randint(5, 40)}名。\n")
    d.add(f"資料番号 {r.randint(10**11, 10**12 - 1)}\n")
    d.add("以上\n").value("PERSON", ctx.people.person(0).full(" "), staff=True).add("\n")
    return d


def blank_form(ctx: Ctx) -> Doc:
    """An empty application form: label words only, nothing filled in."""
    r = ctx.r
    d = Doc("blank_form.txt", "blank_form")
    d.add(r.choice(["名義変更届\n\n", "ご契約内容変更申込書\n\n"]))
    for label in ["契約者名", "フリガナ", "契約者生年月日", "ご住所 〒", "電話番号", "メールアドレス", "口座番号"]:
        d.add(f"{label}：{r.choice(['＿＿＿＿＿＿', '　　　　', '(　　　　)'])}\n")
    d.add("\n受付日　　年　　月　　日\n")
    signature(ctx, d, ctx.own, own=True, staff=False)
    return d


def partner_mail(ctx: Ctx) -> Doc:
    """A business partner's mail about a delivery: their signature is all the contact data."""
    r = ctx.r
    d = Doc("partner_mail.txt", "partner_mail")
    co = ctx.other_company()
    if ctx.variant == 1:
        d.add("From: ").biz("EMAIL", co.mail).add(f"\nTo: {ctx.own.mail.split('@')[0]}@…\n件名: 納品日程のご連絡\n\n")
    d.add(f"{ctx.own.name}\n{ctx.own.dept} ご担当者様\n\nいつもお世話になっております。{co.name}でございます。\n")
    d.add(f"ご発注いただいた{r.choice(['梱包資材', 'ヘッドセット', 'トナー'])}（発注番号 {S.order_number(r)}）は")
    d.add(f"{r.randint(1, 12)}月{r.randint(1, 28)}日に出荷予定です。\n")
    d.add(f"見積書No.{r.randint(10000, 99999)}をご確認ください。\n")
    d.add("何卒よろしくお願い申し上げます。\n")
    signature(ctx, d, co, own=False)
    return d


def store_info(ctx: Ctx) -> Doc:
    """Store guide text (flyer, web page copy): store phones and addresses, opening hours."""
    r = ctx.r
    d = Doc("store_info.txt", "store_info")
    d.add(r.choice(["■店舗のご案内\n\n", "【取扱店舗一覧】\n"]))
    for _ in range(r.randint(2, 8)):
        p = S.place(r)
        a, b, c = S.phone_digits(r, mobile=0.0)
        d.add(f"{p.city}{r.choice(['駅前店', '中央店', '本店', 'モール店'])}\n〒").biz(
            "POSTAL_CODE", f"{p.code[:3]}-{p.code[3:]}"
        )
        d.add(" ").biz("ADDRESS", S.address(r, p, with_building=0.3)).add("\nTEL ").biz("PHONE", f"{a}-{b}-{c}")
        d.add(f"\n営業時間 {r.randint(9, 11)}:00〜{r.randint(18, 22)}:00（{r.choice(['水曜定休', '年中無休'])}）\n\n")
    return d


def meeting_notes(ctx: Ctx) -> Doc:
    """Weekly KPI notes: figures, times, extensions, product codes; only colleagues' names."""
    r = ctx.r
    d = Doc("meeting_notes.txt", "meeting_notes")
    d.add(f"週次定例 議事録（{r.randint(1, 12)}/{r.randint(1, 28)} {r.randint(9, 17)}:00〜 ")
    d.add(f"第{r.randint(1, 9)}会議室）\n出席：")
    for i in range(r.randint(2, 5)):
        d.add("、" if i else "").value("PERSON", ctx.people.person(0).family, staff=True)
    d.add(
        f"\n\n入電数 {r.randint(800, 9000):,}件（前週比 {r.choice(['+', '-'])}{r.randint(1, 30)}.{r.randint(0, 9)}%）\n"
    )
    d.add(f"応答率 {r.randint(80, 99)}.{r.randint(0, 9)}%、平均処理時間 {r.randint(3, 9)}:{r.randint(0, 59):02d}\n")
    d.add(f"エスカレーション窓口は内線{r.randint(2000, 2999)}に変更。\n")
    d.add(f"キャンペーンコード CP{r.randint(2026, 2027)}{r.randint(1000, 9999)}、対象JAN {S.jan_code(r)}\n")
    d.add(f"次回：{r.randint(1, 12)}月{r.randint(1, 28)}日（{r.choice('月火水木金')}）{r.randint(9, 17)}時\n")
    return d


POSITIVE = [
    call_note,
    call_note,
    address_change,
    inquiry_mail,
    callback_memo,
    escalation_summary,
    payment_note,
    pasted_table,
]
# Weights by repetition: innocuous notices and notes are the bulk of what is sent; the hard
# negatives (letterheads, logs, store guides) are fewer but each one is a false alarm today.
NEGATIVE = [supplier_invoice, shipping_notice, shipping_notice, system_log, internal_memo, internal_memo,
            blank_form, partner_mail, store_info, meeting_notes, meeting_notes, meeting_notes]  # fmt: skip
