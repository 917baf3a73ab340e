"""Inbound or outbound (dlp/gateway/direction.py): the attacks first. An insider must not buy a
pass by looking like outside mail; only our smtpd's own Received header on top, an
unauthenticated client outside the trusted networks, a non-internal sender and internal
recipients only make a mail inbound. (Through a real Postfix: test_inbound.py.)"""

from __future__ import annotations

import ipaddress

import pytest

from dlp.gateway.direction import Origin, is_inbound, networks, origin_of, parse_received

INTERNAL = {"example.co.jp"}
TRUSTED = networks([])
OUTSIDER = "someone@outside.example"
COLLEAGUE = "suzuki@example.co.jp"

# Received headers as Postfix 3.7's smtpd writes them (smtpd_sasl_authenticated_header = yes for the first)
SUBMITTED = (
    "from [192.0.2.10] (unknown [198.51.100.20])\r\n\t(Authenticated sender: sato)\r\n"
    "\tby mta.example.co.jp (Postfix) with ESMTPSA id 4N1x2y3z4;\r\n\tMon, 30 Nov 2026 10:00:00 +0900 (JST)"
)
SUBMITTED_NO_HEADER = (
    "from [192.0.2.10] (unknown [198.51.100.20])\r\n"
    "\tby mta.example.co.jp (Postfix) with UTF8SMTPSA id 4N1x2y3z4;\r\n\tMon, 30 Nov 2026 10:00:00 +0900 (JST)"
)
SUBMITTED_TLS = (  # the TLS comment has a "with" of its own, before the protocol
    "from [192.0.2.10] (unknown [198.51.100.20])\r\n"
    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"
    "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
    "\t(No client certificate requested)\r\n"
    "\tby mta.example.co.jp (Postfix) with ESMTPSA id 4N1x2y3z4;\r\n\tMon, 30 Nov 2026 10:00:00 +0900 (JST)"
)
FROM_OUTSIDE = (
    "from mail.outside.example (mail.outside.example [203.0.113.7])\r\n"
    "\tby mx.example.co.jp (Postfix) with ESMTPS id 4N1x2y3z5;\r\n\tMon, 30 Nov 2026 10:00:00 +0900 (JST)"
)
FROM_RELAY = (
    "from exchange.example.co.jp (exchange.example.co.jp [10.1.2.3])\r\n"
    "\tby relay.example.co.jp (Postfix) with ESMTP id 4N1x2y3z6;\r\n\tMon, 30 Nov 2026 10:00:00 +0900 (JST)"
)
PICKUP = "by mta.example.co.jp (Postfix, from userid 1000)\r\n\tid 4N1x2y3z7; Mon, 30 Nov 2026 10:00:00 +0900 (JST)"


def _mail(*received: str, sender: str = OUTSIDER) -> bytes:
    head = "".join(f"Received: {r}\r\n" for r in received)
    return (
        f"{head}From: {sender}\r\nTo: {COLLEAGUE}\r\nSubject: test\r\n\r\n顧客の電話番号 090-1234-5678 です。\r\n"
    ).encode()


def _inbound(data: bytes, sender: str = OUTSIDER, rcpts: tuple[str, ...] = (COLLEAGUE,)) -> bool:
    return is_inbound(origin_of(data), sender, rcpts, INTERNAL, TRUSTED)


# --- attacks: each must stay outbound (judged) ---------------------------------------------------


def test_an_authenticated_submission_with_a_forged_outside_sender_is_judged() -> None:
    forged_below = FROM_OUTSIDE  # the insider's own Received line, under the one our smtpd adds
    assert not _inbound(_mail(SUBMITTED, forged_below))
    assert not _inbound(_mail(SUBMITTED_NO_HEADER, forged_below))  # ESMTPSA alone proves the login
    assert not _inbound(_mail(SUBMITTED_TLS, forged_below))


def test_mail_from_the_trusted_networks_with_a_forged_outside_sender_is_judged() -> None:
    assert not _inbound(_mail(FROM_RELAY, FROM_OUTSIDE))


def test_a_forged_received_header_without_ours_on_top_is_judged() -> None:
    """Straight to the filter, or through sendmail (pickup writes no client address): no proof."""
    assert not _inbound(_mail())
    assert not _inbound(_mail(PICKUP, FROM_OUTSIDE))


def test_a_helo_name_posing_as_an_outside_address_is_not_the_client() -> None:
    helo_lie = "from [203.0.113.7] (unknown [10.1.2.3])\r\n\tby mta.example.co.jp (Postfix) with ESMTP id X"
    assert origin_of(_mail(helo_lie)).client == ipaddress.ip_address("10.1.2.3")
    assert not _inbound(_mail(helo_lie))


def test_outside_mail_to_an_outside_recipient_is_judged() -> None:
    """Nothing that leaves the company skips the scan, whatever its origin."""
    assert not _inbound(_mail(FROM_OUTSIDE), rcpts=(COLLEAGUE, "partner@example.net"))
    assert not _inbound(_mail(FROM_OUTSIDE), rcpts=('"x@example.net"@example.co.jp',))


def test_an_internal_sender_from_outside_is_judged() -> None:
    assert not _inbound(_mail(FROM_OUTSIDE, sender="sato@example.co.jp"), sender="sato@example.co.jp")


def test_without_internal_domains_nothing_is_inbound() -> None:
    assert not is_inbound(origin_of(_mail(FROM_OUTSIDE)), OUTSIDER, (COLLEAGUE,), set(), TRUSTED)


# --- what is inbound ------------------------------------------------------------------------------


def test_outside_mail_to_colleagues_is_inbound() -> None:
    assert _inbound(_mail(FROM_OUTSIDE))
    assert _inbound(_mail(FROM_OUTSIDE), sender="")  # a bounce from outside
    assert origin_of(_mail(FROM_OUTSIDE)) == Origin(ipaddress.ip_address("203.0.113.7"), False)


def test_trusted_networks_are_configurable() -> None:
    """A site whose mynetworks is public (or a harness on loopback) names its own networks."""
    origin = Origin(ipaddress.ip_address("127.0.0.2"), False)
    assert not is_inbound(origin, OUTSIDER, (COLLEAGUE,), INTERNAL, networks([]))
    assert is_inbound(origin, OUTSIDER, (COLLEAGUE,), INTERNAL, networks(["127.0.0.1/32"]))
    mapped = Origin(ipaddress.ip_address("::ffff:10.1.2.3"), False)
    assert not is_inbound(mapped, OUTSIDER, (COLLEAGUE,), INTERNAL, networks([]))


@pytest.mark.parametrize(
    ("line", "client", "authenticated"),
    [
        ("from a (b [2001:db8::5]) by mx (Postfix) with ESMTP id X", "2001:db8::5", False),
        ("from a (b [IPv6:2001:db8::5]) by mx (Postfix) with ESMTP id X", "2001:db8::5", False),
        ("from a (b [203.0.113.9]:52114) by mx (Postfix) with ESMTPA id X", "203.0.113.9", True),
        ("from a (b [203.0.113.9]) by mx (Postfix) with LMTPSA id X", "203.0.113.9", True),
        ("from a (b [not-an-address]) by mx (Postfix) with ESMTP id X", None, False),
    ],
)
def test_received_lines(line: str, client: str | None, authenticated: bool) -> None:
    origin = parse_received(line)
    assert origin.client == (ipaddress.ip_address(client) if client else None)
    assert origin.authenticated is authenticated
