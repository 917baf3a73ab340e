"""Names in running text (jp.person_prose): the analyser stage beside person cues.

Attack: a call note or mail that names a customer without 様 or a 氏名 label (「竹内です。」,
担当：辻井, 鈴木一郎から折り返し, シルバ・カルロスより) was read as holding no person at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from dlp.detect.analyser import ProseConfig
from dlp.detect.engine import Engine
from dlp.detect.prose_names import Token
from dlp.detect.rules import load_rules
from dlp.model import Confidence, Finding, Segment
from tests.assertions import assert_finding, assert_none, only
from tests.detect.prose_cases import NEGATIVES, POSITIVES


@pytest.mark.parametrize(("text", "names"), POSITIVES)
def test_names_in_prose(detect: Callable[[str], list[Finding]], text: str, names: list[str]) -> None:
    findings = detect(text)
    for name in names:  # medium at least: another rule (a pasted mail header) may be surer
        assert assert_finding(findings, "PERSON", text, name).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize("text", NEGATIVES)
def test_lookalikes_are_not_names(detect: Callable[[str], list[Finding]], text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


def test_prose_finding_is_explained_and_masked() -> None:
    engine = Engine(load_rules(), os.urandom(32), explain=True)
    text = "お世話になっております。\n営業部の竹内です。"
    (finding,) = only(engine.detect(Segment(text, "mail", offset=100)), "PERSON")
    assert finding.rule == "jp.person_prose"
    assert (finding.start, finding.end) == (100 + text.index("竹内"), 100 + text.index("竹内") + 2)
    assert finding.masked == "竹**" and finding.value is None
    assert finding.explanation is not None
    assert finding.explanation.pattern == "analyser:人名-姓"
    assert finding.explanation.context == "です"
    assert finding.explanation.validator == "fugashi+unidic-lite"


def test_full_width_and_half_width_offsets_point_at_the_original(detect: Callable[[str], list[Finding]]) -> None:
    text = "ＴＥＬメモ：ｼﾙﾊﾞ・ｶﾙﾛｽ　から入電"
    finding = assert_finding(detect(text), "PERSON", text, "ｼﾙﾊﾞ・ｶﾙﾛｽ", "medium")
    assert finding.value == "シルバ・カルロス"


def test_honorific_name_is_counted_once(detect: Callable[[str], list[Finding]]) -> None:
    text = "山田太郎様より入電。山田太郎から折り返し。"
    people = only(detect(text), "PERSON")
    assert [(f.start, f.end) for f in people] == [(0, 4), (10, 14)]
    assert people[0].rule == "jp.person"  # the old rule keeps its finding; same span -> one
    assert people[0].fingerprint == people[1].fingerprint


class _Counting:
    """The real analyser, counting its calls."""

    def __init__(self) -> None:
        from dlp.detect.prose_names import load_analyser

        self.inner = load_analyser()
        self.name = self.inner.name
        self.calls = 0

    def tokens(self, text: str) -> list[Token]:
        self.calls += 1
        return self.inner.tokens(text)


@pytest.mark.slow  # scans a huge text
def test_huge_text_without_cues_never_runs_the_analyser() -> None:
    engine = Engine(load_rules(), b"k" * 32)
    assert engine.prose is not None
    counting = _Counting()
    engine.prose.use_analyser(counting)
    block = "注文番号 202410150001 数量 3 単価 1,200円。在庫は倉庫Aにて保管する。出荷済み。\n"
    text = block * (5_000_000 // len(block))
    engine.detect(Segment(text, "big.txt"))
    assert counting.calls == 0
    engine.detect(Segment(text[:1000] + "担当：辻井" + text[:1000], "small.txt"))
    assert counting.calls == 1  # the counter sees the calls a cue causes


@pytest.mark.slow  # scans a long text
def test_analyser_calls_per_segment_are_capped() -> None:
    engine = Engine(load_rules(), b"k" * 32)
    assert engine.prose is not None
    counting = _Counting()
    engine.prose.use_analyser(counting)
    cap = engine.prose.config.max_regions
    text = "".join(f"担当：{chr(0x4E00 + i)}{chr(0x5000 + i)}\n" for i in range(cap * 2))
    engine.detect(Segment(text, "many.txt"))
    assert counting.calls == cap
    engine.detect(Segment(text[: len(text) // 4], "few.txt"))  # cached regions need no new call
    assert counting.calls == cap


def test_tables_are_left_to_their_columns() -> None:
    from dlp.model import Table

    engine = Engine(load_rules(), b"k" * 32)
    text = "メモ\n竹内です\n"
    segment = Segment(text, "t.csv", table=Table(header=("メモ",), row_starts=(5,), first_row=2, row_label="行"))
    engine.detect(segment)
    assert engine.prose is not None and engine.prose.calls == 0


def test_rule_file_without_prose_section_has_no_stage(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from dlp.detect.rules import default_rules_dir

    shutil.copy(default_rules_dir() / "contact.yaml", tmp_path / "contact.yaml")
    assert Engine(load_rules(tmp_path), b"k" * 32).prose is None


def test_the_rule_set_carries_the_prose_section_it_read() -> None:
    """The engine takes the ``prose:`` section from the rule set load_rules made (the files are
    not read a second time), and it is the one the files hold."""
    rules = load_rules()
    assert rules.prose is not None and rules.prose[1].endswith("person.yaml")
    assert ProseConfig.parse(*rules.prose) == ProseConfig.from_files(rules.files)


def test_prose_examples_in_the_rule_file(detect: Callable[[str], list[Finding]]) -> None:
    config = ProseConfig.from_files(load_rules().files)
    assert config is not None and config.examples_match and config.examples_no_match
    for example in config.examples_match:
        people = [f for f in only(detect(example["text"]), "PERSON") if f.confidence >= Confidence.MEDIUM]
        assert example["value"] in [f.value for f in people], example
    for text in config.examples_no_match:
        assert_none(detect(text), "PERSON", at_least="medium")


@pytest.mark.parametrize(
    "text",
    [
        "担当：辻\udc80井",  # a lone surrogate (bytes decoded with surrogateescape) must not crash MeCab
        "入電 \udcff\udcfeより",
        "担当：" + "辻" * 5000,
        "竹内\x00です",
    ],
)
def test_hostile_text_never_crashes_the_stage(detect: Callable[[str], list[Finding]], text: str) -> None:
    detect(text)


def test_unknown_words_are_marked_by_the_analyser() -> None:
    """The foreign-name fallback rests on the analyser telling words it lacks (ラジェシュ) from
    loanwords it knows (ショップ); a dictionary update that changed this would show here."""
    from dlp.detect.prose_names import load_analyser

    tokens = {t.surface: t for t in load_analyser().tokens("タパ・ラジェシュ オンライン ショップ")}
    assert tokens["ラジェシュ"].unknown
    assert not tokens["ショップ"].unknown and not tokens["タパ"].unknown


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("12/22(月) 19:00 8名 グエン・ティ・ホア様 080-4688-1234", "グエン・ティ・ホア"),
        ("入金確認：ヴァン・ミン・チャン様 ¥48,400", "ヴァン・ミン・チャン"),
        ("12/6 19:30 5名 グルン スニタ様", "グルン スニタ"),
    ],
)
def test_foreign_names_before_an_honorific_are_whole(
    detect: Callable[[str], list[Finding]], text: str, name: str
) -> None:
    people = [f for f in only(detect(text), "PERSON") if f.confidence >= Confidence.MEDIUM]
    assert [f.value for f in people] == [name]


@pytest.mark.parametrize("text", ["ヤフー ショッピング様", "サンプル・テクノロジー様", "ソニー ストア様のご担当"])
def test_shops_in_katakana_before_an_honorific_are_no_names(detect: Callable[[str], list[Finding]], text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


def test_a_staff_tag_keeps_a_given_name_in_hiragana_and_stops_at_a_particle(
    detect: Callable[[str], list[Finding]],
) -> None:
    people = [f.value for f in only(detect("記入者：山本 あすか\n担当：鈴木 です\n"), "PERSON")]
    assert "山本 あすか" in people and "鈴木" in people and "鈴木 です" not in people


def test_a_counter_before_a_name_is_not_part_of_it(detect: Callable[[str], list[Finding]]) -> None:
    people = [f.value for f in only(detect("12/29(月) 19:30 3名 村上康弘様 090-1520-7777"), "PERSON")]
    assert people == ["村上康弘"]


def test_a_reading_in_brackets_after_a_name_is_a_name(detect: Callable[[str], list[Finding]]) -> None:
    people = [f.value for f in only(detect("氏名：松本春香（マツモトハルカ）　女性"), "PERSON")]
    assert people == ["松本春香", "マツモトハルカ"]
    # a company or a word in brackets is no reading: it does not start with a surname's reading
    assert [f.value for f in only(detect("山田様（サンプル商事）から"), "PERSON")] == ["山田"]


def test_variant_kanji_surnames_are_dictionary_surnames() -> None:
    """髙橋, 山﨑, 𠮷田 are registered spellings of 高橋, 山崎, 吉田 (the dictionary has the common ones)."""
    from dlp.detect.names import load_names

    names = load_names()
    assert {"髙橋", "山﨑", "𠮷田", "濵田"} <= names.surnames
    assert "髙" not in names.surnames or "高" in names.surnames  # variants only of listed names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("吉田裕樹様より入電。\n「また掛けます。吉田でした」", ["吉田裕樹", "吉田"]),
        ("フェルナンデス カミラ様より入電。\n留守電：フェルナンデスでした。", ["フェルナンデス"]),
        ("阪本様、ご本人確認をお願いします。\nゲスト：阪本 千代 です", ["阪本 千代"]),
        ("ハリス様より。\n署名：ハリス・ジェームズ\n", ["ハリス・ジェームズ"]),
        # a one-kanji surname or a two-letter katakana word, from a full name with a space
        ("林 健太様より入電。\n林様の件は対応済み。", ["林"]),
        ("周 涛様\n架電、周本人応答。", ["周"]),
        ("ラマ スニタ様、解約の件\n了解です、ラマさんの件引き継ぎます", ["ラマ"]),
    ],
)
def test_a_person_named_once_is_found_again_by_surname(
    detect: Callable[[str], list[Finding]], text: str, names: list[str]
) -> None:
    people = [f.value for f in only(detect(text), "PERSON") if f.confidence >= Confidence.MEDIUM]
    for name in names:
        assert name in people, (text, people)
    assert "ジェームズ" not in people and "カミラ" not in people  # a foreign name's words stay together


@pytest.mark.parametrize(
    "text",
    [
        "松本様より入電。松本倉庫に在庫あり。長野県の松本市へ発送。",
        "山田様からお電話。山田商事の件、山田センターに転送。",
        "担当：石川\n石川県の工場、石川町店",
        "周 涛様より入電。周辺の店舗について。",
        "林 健太様より入電。林業の件、林道の件。",
    ],
)
def test_a_known_surname_inside_a_word_is_no_mention(detect: Callable[[str], list[Finding]], text: str) -> None:
    people = [f for f in only(detect(text), "PERSON") if f.confidence >= Confidence.MEDIUM]
    assert len(people) == 1, [f.value for f in people]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a child's or a relative's given name alone, once the text gave it with the surname
        ("生徒：菅谷 悠真様（中2）\n・母より「悠真が家で勉強しない」との相談。悠真くんは英語が得意。", ["悠真"]),
        ("保護者：有村 香織 様\n本人：有村 そよ様（小3）\n・そよちゃんは算数が好き。", ["そよ"]),
        ("生徒：能登 学様（高1）\n学くんは部活が忙しい。", ["学"]),
    ],
)
def test_a_given_name_named_once_is_found_alone(
    detect: Callable[[str], list[Finding]], text: str, names: list[str]
) -> None:
    people = [f.value for f in only(detect(text), "PERSON") if f.confidence >= Confidence.MEDIUM]
    for name in names:
        assert people.count(name) >= 1, (text, people)


@pytest.mark.parametrize(
    "text",
    [
        "生徒：能登 学様（高1）\n学習計画を見直す。進学の相談。学が苦手。",  # one kanji alone: a word
        "生徒：菅谷 悠真様（中2）\n悠真会館で面談。",  # inside a longer word
        "本人：有村 そよ様（小3）\nそよ風が吹く。",  # hiragana running on
    ],
)
def test_a_given_name_inside_a_word_is_no_mention(detect: Callable[[str], list[Finding]], text: str) -> None:
    people = [f.value for f in only(detect(text), "PERSON") if f.confidence >= Confidence.MEDIUM]
    assert all(" " in p or len(p) > 3 for p in people), people


def test_surnames_of_found_names() -> None:
    from dlp.detect.coref import surnames_of

    known = surnames_of(["山田 太郎", "吉田裕樹", "阿部", "イワノフ・ドミトリー", "平野建設", "様"])
    assert known["山田"] == {"太郎"} and "阿部" in known and "吉田" in known
    assert "イワノフ" in known and "ドミトリー" in known
    assert "平野" not in known and "平野建設" not in known  # a company: no given name after the surname
    short = surnames_of(["林 健太", "林", "ラマ スニタ", "ラマ", "王 芳"])
    assert "林" in short and "ラマ" in short  # from the full names with a space
    assert "王" not in short  # a word (king) in the stop list
    assert "林" not in surnames_of(["林"]) and "ラマ" not in surnames_of(["ラマ"])  # alone: not sure


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[19:00] オペレーター（後藤）：お問い合わせありがとうございます", "後藤"),  # a staff name in brackets
        ("出張報告\n報告者：佐藤拓真\n\n", "佐藤拓真"),  # surname and given name written together
        ("対応：上川 哉亜\n", "上川 哉亜"),  # a given name the analyser splits into single kanji
        ("お名前を\n[10:03] ゲスト：斎藤\u3000健一\u3000090(3848)1234", "斎藤\u3000健一"),  # then a phone
        ("お名前を\n[18:03] ゲスト：坂本春香、電話は090-5000-1234", "坂本春香"),
        ("ご連絡をお待ちしております。\n\n中村 陽一\n024670586\n", "中村 陽一"),  # a signature, a phone
        ("はじめまして、橋本くみ子といいます。", "橋本くみ子"),
        ("引き継ぎ（佐藤⇒井上へ）", "井上"),
        ("受付経路：店頭\n受付者：渡辺さゆり\n申請番号：CX-1", "渡辺さゆり"),  # a hiragana given name joined
        ("よろしくお願いします。\n\n後藤あすか\n〒453-9243", "後藤あすか"),  # signatures in kana
        ("よろしくお願いします。\n\nグエン・ティ・ラン\n〒541-4190", "グエン・ティ・ラン"),
        ("主人の佐藤\u3000涼平名義で注文しています", "佐藤\u3000涼平"),  # 名義 after a name
        ("注文者は妻の木村 零です。", "木村 零"),  # a one-kanji given name after a space
        ("留守電書き起こし　11/4 10:08　（書き起こし：橋本）\n", "橋本"),  # a label in brackets
        ("（入力：林 京助）", "林 京助"),
        ("引き継ぎです\n・初期不良\u3000佐々木陽一\u3000070(5504)1001\u3000完了", "佐々木陽一"),  # before a phone
        ("「佐々木 さゆりといいますが」とのこと", "佐々木 さゆり"),  # a space, a given name in hiragana
        ("お名前を\n[17:03] ゲスト：大門次信 090-4525-1234", "大門次信"),  # a given name the analyser lacks
        ("お待ちしております。\n\n仲野光絵\n080-7125-1234\n", "仲野光絵"),
    ],
)
def test_staff_tags_chat_turns_and_signatures(detect: Callable[[str], list[Finding]], text: str, name: str) -> None:
    assert assert_finding(detect(text), "PERSON", text, name).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "受付（長野）で対応",  # in brackets the analyser must read a surname, not a place
        "担当（松本）",
        "お知らせ\n松本\n0263-12-3456\n",  # a place above a phone number: no full name
        "お知らせ\n本社\n03-1234-5678\n",
        "ログ\n[10:03] ゲスト: 東京都、大阪\n",
        "受付：東京駅\n",
        "東京⇒大阪へ",
        "会社名義で契約しています",
        "（場所：長野）",
        "（期限：明日）",
        "店舗です\n松本\u30000263-12-3456",  # a place before a phone: no given name
        "お店です\n松本商事\n03-1234-5678\n",  # a surname and a word: a company
        "お店です\n山田電機\n03-1234-5678\n",
        "店舗です\n田中工務店\u300003-1234-5678",
        "店舗一覧です\n東京本社\u300003-1234-5678\n受付窓口\u30000120-123-456\n",
    ],
)
def test_places_in_those_shapes_are_no_names(detect: Callable[[str], list[Finding]], text: str) -> None:
    assert_none(detect(text), "PERSON", at_least="medium")


def test_an_honorific_in_hiragana_is_no_given_name(detect: Callable[[str], list[Finding]]) -> None:
    assert [f.value for f in only(detect("宛先：高橋さん\n"), "PERSON")] == ["高橋"]
    assert [f.value for f in only(detect("担当：山田です\n"), "PERSON")] == ["山田"]


def test_a_name_after_a_company_and_its_department_words(detect: Callable[[str], list[Finding]]) -> None:
    people = [f.value for f in only(detect("・午前：（有）三浦商事 ご担当の加藤様と打合せ"), "PERSON")]
    assert people == ["加藤"]
    assert [f.value for f in only(detect("佐藤 のぞみ様"), "PERSON")] == ["佐藤 のぞみ"]  # の inside a given name


def test_a_bare_phone_number_under_a_signed_name_is_that_persons(detect: Callable[[str], list[Finding]]) -> None:
    """A mail signed with a full name and a bare number on the line below: the name is the
    number's context (LOW alone, as a shop's 松本⏎0263… stays)."""
    text = "ご連絡をお待ちしております。\n\n中村 陽一\n0246705864\n"
    assert assert_finding(detect(text), "PHONE", text, "0246705864").confidence >= Confidence.MEDIUM
    shop = "お知らせ\n松本\n0263123456\n"
    phones = only(detect(shop), "PHONE")
    assert all(f.confidence < Confidence.MEDIUM for f in phones)


def test_a_bare_phone_number_after_a_full_name_on_its_line_is_that_persons(
    detect: Callable[[str], list[Finding]],
) -> None:
    text = "明日13時に再架電予定です。\n・解約手続き\u3000田中 浩\u30000339989875\u3000書類待ち\n"
    assert assert_finding(detect(text), "PHONE", text, "0339989875").confidence >= Confidence.MEDIUM
    shop = "店舗のご案内です。\n松本\u30000263123456\n"
    assert all(f.confidence < Confidence.MEDIUM for f in only(detect(shop), "PHONE"))
