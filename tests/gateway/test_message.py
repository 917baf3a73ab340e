"""What the gateway reads from a mail's headers, and its reply texts."""

from __future__ import annotations

from dlp.actions.noticetag import tag_message
from dlp.gateway import replies
from dlp.gateway.address import is_internal
from dlp.gateway.message import headers_of, is_our_notice, prepend_header

KEY = b"k" * 32


def test_authenticated_sender_and_display_name() -> None:
    data = (
        b"Received: from pc1 (pc1 [10.0.0.5])\r\n\t(Authenticated sender: sato.hanako)\r\n\tby mx with ESMTPSA id 1\r\n"
        b"From: =?UTF-8?B?5L2Q6JekIOiKseWtkA==?= <sato@example.co.jp>\r\n"
        b"Subject: =?UTF-8?B?44GK5a6i5qeYIDA5MC0xMjM0LTU2Nzgg44Gu5Lu2?=\r\n"
        b"Message-ID: <1@example.co.jp>\r\n\r\nbody\r\n"
    )
    facts = headers_of(data)
    assert facts.auth_user == "sato.hanako"
    assert facts.sender_name == "佐藤 花子"
    assert facts.message_id == "<1@example.co.jp>"
    assert "090-1234-5678" not in facts.subject and "お客様" in facts.subject  # digits masked for notices


def test_hostile_headers_do_not_raise() -> None:
    for data in (b"", b"\xff\xfe\x00garbage", b"To: (c):\r\nMessage-ID: <[b378]@x]>\r\n\r\n", b"A" * 100_000):
        facts = headers_of(data)
        assert not is_our_notice(data, "a@b", ("c@d",), KEY)
        assert facts.message_id == "" or facts.message_id.startswith("<")


def test_notice_tags_cover_the_whole_notice() -> None:
    notice = b"From: dlp@example.co.jp\r\nTo: sato@example.co.jp\r\nMessage-ID: <n1@x>\r\n\r\nmasked 090-****-5678\r\n"
    env = ("dlp@example.co.jp", ("sato@example.co.jp",))
    good = tag_message(KEY, notice)
    trace = b"Received: from localhost by mta\r\n\tid 1; Mon, 30 Nov 2026\r\n"
    assert is_our_notice(good, *env, KEY) and is_our_notice(trace + good, *env, KEY)
    assert is_our_notice(good.replace(b"\r\n", b"\n"), *env, KEY)  # line ends are not content
    assert not is_our_notice(tag_message(b"x" * 32, notice), *env, KEY)  # another key
    assert not is_our_notice(good + b"1234 5678 9018\r\n", *env, KEY)  # body edited
    assert not is_our_notice(good.replace(b"masked", b"1234 5678 9018"), *env, KEY)
    assert not is_our_notice(good.replace(b"\r\n\r\n", b"\r\nCc: x@example.net\r\n\r\n", 1), *env, KEY)
    assert not is_our_notice(b"Subject: 1234 5678 9018\r\n" + good, *env, KEY)  # only trace in front
    assert not is_our_notice(good.replace(b"From:", b"X-DLP-Notice: 0\r\nFrom:"), *env, KEY)  # two tags
    assert not is_our_notice(good, "dlp@example.co.jp", ("partner@example.net",), KEY)  # replayed elsewhere
    assert not is_our_notice(good, "sato@example.co.jp", ("sato@example.co.jp",), KEY)
    assert not is_our_notice(good, *env, b"")


def test_internal_means_a_plain_address_in_a_listed_domain() -> None:
    internal = {"example.co.jp", "*.group.example"}
    for address in ("a@example.co.jp", "A.B+x@EXAMPLE.CO.JP", "<a@example.co.jp>", "担当者@example.co.jp"):
        assert is_internal(address, internal), address
    assert is_internal("a@ｅｘａｍｐｌｅ.co.jp", internal)  # full-width: IDNA routes it to example.co.jp
    assert is_internal("a@tokyo.group.example", internal) and not is_internal("a@group.example", internal)
    for address in (
        '"x@outside.example"@example.co.jp',  # quoted @: a server may route on the inner address
        "x%outside.example@example.co.jp",  # percent hack
        "outside.example!x@example.co.jp",  # bang path
        "x＠outside.example@example.co.jp",  # full-width @, an @ once normalised
        "x％outside.example@example.co.jp",
        "@relay.example:x@example.co.jp",  # source route
        "@a.example,@b.example:x@example.co.jp",
        '"john doe"@example.co.jp',  # any quoted local part
        "x@example.co.jp.",  # trailing dot
        "x@[192.0.2.1]",  # domain literal
        "x@example..co.jp",
        "a..b@example.co.jp",
        ".a@example.co.jp",
        "x@tokyo.example.co.jp",  # subdomain, not listed with *.
        "a@badexample.co.jp",
        "a@example.co.jp.evil",
        "a@faß.example.co.jp",  # IDNA 2003 and 2008 disagree
        r"x\@outside.example@example.co.jp",
        "example.co.jp",
        "",
    ):
        assert not is_internal(address, internal), address


def test_prepend_keeps_the_original_bytes() -> None:
    original = b"From: a\r\n\r\n\xe3\x81\x82\r\n"
    assert prepend_header(original, "X-DLP-Verdict", "allow; -; M1") == b"X-DLP-Verdict: allow; -; M1\r\n" + original


def test_replies_are_smtp_safe() -> None:
    text = replies.BLOCKED.format(
        reason_en=replies.clean("line one\r\nline two", 160), reason_ja=replies.clean("理由\n二行目"), incident="M1"
    )
    assert "\r" not in text and "\n" not in text and text.startswith("550 5.7.1 ")
    for reply in (replies.TEMPFAIL_ERROR, replies.TEMPFAIL_DEADLINE, replies.TEMPFAIL_QUARANTINE):
        assert reply.startswith("451 4.")
    assert replies.TEMPFAIL_NEXT_HOP.startswith("451 4.4.1")
