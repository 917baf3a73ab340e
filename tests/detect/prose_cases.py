"""A small hand-made labelled set of call notes and mails with names in running text.

Fake names only (common surnames, or made-up foreign names). Each case is (text, names): the
names a reader would mark as a person in the text, without an honorific or label in most.
Used by tests/detect/test_prose_names.py and bench/bench_prose_names.py (analyser recall).
"""

from __future__ import annotations

POSITIVES: list[tuple[str, list[str]]] = [
    ("「竹内です。」", ["竹内"]),
    ("担当：辻井", ["辻井"]),
    ("「鈴木一郎から折り返し」", ["鈴木一郎"]),
    ("田中より連絡あり。", ["田中"]),
    ("入電 佐々木様", ["佐々木"]),
    ("シルバ・カルロスより入電。支払い方法の変更希望。", ["シルバ・カルロス"]),
    ("入電 グエン・ヴァン・アン より、請求書の再送依頼。", ["グエン・ヴァン・アン"]),
    ("お世話になっております。営業部の田中です。", ["田中"]),
    ("営業部 田中から折り返します。", ["田中"]),
    ("小鳥遊と申します。先日の件でお電話しました。", ["小鳥遊"]),
    ("担当者：薬師寺\n対応内容：住所変更", ["薬師寺"]),
    ("10:32 受電 河野より、配送日の変更。", ["河野"]),
    ("ミラー・ジョンと申します。", ["ミラー・ジョン"]),
    ("ＡＢＣ商事の森田です。", ["森田"]),
    ("明日、渡辺から改めてご連絡します。", ["渡辺"]),
    ("ｼﾙﾊﾞ・ｶﾙﾛｽから入電。", ["ｼﾙﾊﾞ・ｶﾙﾛｽ"]),
    ("差出人：五十嵐", ["五十嵐"]),
    ("A: はい、矢部です。", ["矢部"]),
    ("ジョンソンから入電、解約の相談。", ["ジョンソン"]),
    ("先ほど佐藤あすかから連絡がありました。", ["佐藤あすか"]),
    ("。田中拓真から連絡があった件", ["田中拓真"]),
    # a staff roster, an approver, a driver, an English note's owner, a memo's taker
    (
        "11/4週のシフト\n月：早番 森本、遅番 大野（仙台応援）\n火：早番 石田、遅番 上野",
        ["森本", "大野", "石田", "上野"],
    ),
    ("再発防止策を周知した。承認：村井\n", ["村井"]),
    ("配送業者：サンプル運輸　ドライバー：川口\n\n", ["川口"]),
    ("[Case #1] 返品\nOwner: 河合 / escalation: no", ["河合"]),
    ("至急折返し\nTEL 03-0000-0000\n受）新井\n", ["新井"]),
    # relatives named after the relation; a customer before 本人; staff before が承ります
    ("「父の松井 健二の代わりに電話しました」", ["松井 健二"]),
    ("架電、配偶者（北村 真由美）応答。", ["北村 真由美"]),
    ("架電、野口本人より折返しの約束。", ["野口"]),
    ("お電話ありがとうございます、サンプル通販の岩田が承ります。", ["岩田"]),
    # 氏 between the name and より; a dictionary name before と申します or 氏
    ("申出人松井健氏より、返金の申し出。", ["松井健"]),
    ("「お世話になります、石岡と申します。」", ["石岡"]),
    ("熊谷 千夏氏（前橋在住）から苦情。", ["熊谷 千夏"]),
    # a given name the analyser splits after a before-name cue; a dictionary name before 本人
    ("「娘の村田 千夏の代わりに電話しました」", ["村田 千夏"]),
    ("架電、配偶者（石井 貫太朗）応答。", ["石井 貫太朗"]),
    ("03-0000-0000へ架電、熊本本人応答。", ["熊本"]),
    ("[#12] 小林亮 called about the invoice.", ["小林亮"]),
    # one katakana word the dictionary lacks before an honorific
    ("・ツェレンドルジ様 → 返金手続き", ["ツェレンドルジ"]),
    ("在庫を確認中。SV 岩崎に報告済み。", ["岩崎"]),
    ("よろしくお願いします。佐々木でした。失礼します。", ["佐々木"]),
    ("用件：住所変更\n受：林\n", ["林"]),
    ("契約者は夫の長野 翼です。", ["長野 翼"]),
    # an English-mixed note: a romanised name after Ms./Mr. and the kanji name in brackets
    ("[Case #3] 返品\nMs. Okada (岡田 由美) asked about the label.", ["Okada", "岡田 由美"]),
    # a hand-over in brackets, from one staff member to another
    ("引き継ぎ（川口から大塚へ）\n\n・返品の件", ["川口", "大塚"]),
    ("引き継ぎ（森⇒佐野）\n", ["森", "佐野"]),
    # a chat export: speaker lines (a name and the time of the post) and mentions
    ("#cs-escalation  2月3日\n\n大西  10:02\n至急の件です\n\n川村  10:05\n@大西 了解です", ["大西", "川村"]),
]

# Lookalikes: places, companies, products, label words, common nouns before a cue.
NEGATIVES: list[str] = [
    "早番 本社、遅番 支店",
    "夜勤明けの対応",
    "承認：未",
    "ドライバー：手配中",
    "父の日のギフト",
    "配偶者（同居）の有無",
    "ご本人様確認",
    "日本人スタッフ",
    "当社が承ります。",
    "発車時刻\n大宮  10:05\n浦和  10:30\n",
    "@全員 明日の会議は中止です",
    "吉田駅から徒歩3分です。",
    "株式会社熊谷と申します。",
    "田中商店と申します。",
    "The courier called twice.",
    "出張（名古屋→大阪）の精算",
    "ニトリ様へ納品",
    "SV 全員に共有済み",
    "昨日は大変でした。",
    "夫の転勤で転居します。",
    "response time 120 ms. (p95)",
    "娘の学校行事のため不在",
    "受：未定",
    "メルカリ様経由のご注文",
    "移管（長野から松本へ）の手続き",
    "対応：長野の倉庫から発送",
    "田中町です。",
    "鈴木自動車から連絡がありました。",
    "佐藤病院から診断書が届いた。",
    "株式会社鈴木です。",
    "本日は晴天です。",
    "東京から大阪へ移動します。",
    "明日から営業を再開します。",
    "トヨタから入電。",
    "森から木を切り出す。",
    "午後から会議です。",
    "お客様より入電。",
    "皆様からのご意見を募集しています。",
    "本件は以上です。",
    "確認してから連絡します。",
    "資料を用意してからお送りします。",
]

# Names the analyser's dictionary does not hold as persons (measured for recall, not asserted).
HARD: list[tuple[str, list[str]]] = [
    ("A: はい、東雲です。", ["東雲"]),
    ("担当：鳳凰堂", ["鳳凰堂"]),
    ("ンドゥールから入電。", ["ンドゥール"]),
    ("担当 月見里", ["月見里"]),
    ("From: 高橋 美咲\n件名：見積の件", ["高橋 美咲"]),  # no cue: pasted headers have their own rule
]
