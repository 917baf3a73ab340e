"""What the gateway reads from a mail's headers, and its reply texts."""

from __future__ import annotations

from dlp.actions.noticetag import notice_tag, tag_for
from dlp.gateway import replies
from dlp.gateway.message import headers_of, is_internal, is_our_notice, prepend_header

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
        assert facts.notice_tag is None


def _notice(key: bytes, msgid: str, body: str = "masked: 090-****-5678") -> bytes:
    head = f"From: dlp@example.co.jp\r\nTo: sato@example.co.jp\r\nMessage-ID: {msgid}\r\n"
    unsigned = f"{head}\r\n{body}\r\n".encode()
    return f"{head}X-DLP-Notice: {tag_for(key, msgid, unsigned)}\r\n\r\n{body}\r\n".encode()


def test_notice_tags_are_keyed() -> None:
    msgid = "<n1@example.co.jp>"
    good = _notice(KEY, msgid)
    forged = _notice(b"x" * 32, msgid)
    assert is_our_notice(headers_of(good), KEY, good)
    assert not is_our_notice(headers_of(forged), KEY, forged)
    # what Postfix adds on the way keeps a notice ours
    received = b"Received: from localhost (localhost [127.0.0.1])\r\n\tby mx; Sun, 29 Nov 2026\r\n" + good
    assert is_our_notice(headers_of(received), KEY, received)


def test_a_notice_tag_fits_only_its_own_notice() -> None:
    """Issue 9 #1: the Message-ID and tag of a notice the sender received, copied onto a mail
    with other content (a body, an attachment, an extra header), do not skip the scan."""
    msgid = "<n2@example.co.jp>"
    good = _notice(KEY, msgid)
    tag = headers_of(good).notice_tag
    for forged in (
        good.replace(b"090-****-5678", "マイナンバー 3470-1288-4109".encode()),
        good.replace(b"\r\n\r\n", b"\r\nX-Customer: 3470-1288-4109\r\n\r\n", 1),
        f"Message-ID: {msgid}\r\nX-DLP-Notice: {tag}\r\n\r\nマイナンバー 3470-1288-4109\r\n".encode(),
        f"Message-ID: {msgid}\r\nX-DLP-Notice: {notice_tag(KEY, msgid)}\r\n\r\nx".encode(),  # the old tag
    ):
        assert not is_our_notice(headers_of(forged), KEY, forged)


def test_internal_domains_include_subdomains_only() -> None:
    internal = {"example.co.jp"}
    assert is_internal("a@example.co.jp", internal) and is_internal("a@tokyo.example.co.jp", internal)
    assert not is_internal("a@badexample.co.jp", internal) and not is_internal("a@example.co.jp.evil", internal)


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


def test_route_syntax_is_never_internal() -> None:
    internal = {"example.co.jp"}
    for address in (
        '"partner@example.net"@example.co.jp',
        "partner%example.net@example.co.jp",
        "example.net!partner@example.co.jp",
        "@example.net:partner@example.co.jp",
        "postmaster",
    ):
        assert not is_internal(address, internal), address
    assert is_internal("山田@example.co.jp", internal)
