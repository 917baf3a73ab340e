"""Inbound or outbound: which mail on the filter is someone else's mail to us, passed unjudged.

The contrib snippets filter only what local users submit (the submission service, the internal
relay), so mail from outside should never reach the filter. When it does anyway (a global
``content_filter``, an old set-up), judging it is wrong twice over: a warning with masked values
and the officer's contact would go to the outside sender, and a customer's mail to us could be
held. Such mail is passed unjudged and audited as ``inbound``.

What proves "inbound" must be something an insider cannot write. Envelope sender, From and the
lower Received headers are the sender's own words, so they only ever *add* conditions; the
decisive facts come from the one header the sender cannot write: the top Received header, which
our Postfix's smtpd put on top of everything the client sent (after the queue, nothing is above
it). A mail is inbound only when all of these hold:

* that header names the client's address (``from helo (name [addr])``) — a mail from
  ``sendmail`` on the host, or from anything but Postfix's smtpd, has none and is judged;
* the client did not authenticate: no ``(Authenticated sender: …)`` and no RFC 3848 ``…A``
  protocol (``ESMTPA``, ``ESMTPSA``, ``UTF8SMTPSA``) — an authenticated submission is judged,
  whatever envelope sender it claims;
* the client's address is not in ``[mail] trusted_networks`` (the networks Postfix relays for,
  ``mynetworks``; by default loopback and private addresses) — the internal relay is judged;
* the envelope sender's domain is not internal (mail claiming to be ours is judged);
* every recipient is internal: nothing goes to the outside, so even a forged "inbound" mail
  can only reach colleagues, never leave (Postfix refuses to relay for an unauthenticated
  outside client anyway);
* internal domains are configured at all (without them nothing is known to be ours).

Anything else is outbound and judged: when in doubt, the scan runs.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from dlp.gateway.address import is_internal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Postfix smtpd: "from HELO (NAME [ADDR])" or "(NAME [ADDR]:PORT)" with smtpd_client_port_logging.
# The HELO argument is one word (no spaces), so the parenthesis after it is Postfix's own.
_FROM = re.compile(r"^from\s+\S+\s+\((?:\S+\s+)?\[(?:IPv6:)?([0-9A-Fa-f:.]+)\](?::\d+)?\)", re.IGNORECASE)
_WITH = re.compile(r"\bwith\s+([A-Za-z0-9]+)\b", re.IGNORECASE)
_AUTHENTICATED = re.compile(r"\(Authenticated sender:", re.IGNORECASE)
_AUTH_PROTOCOL = re.compile(r"(?:UTF8)?(?:E?SMTP|LMTP)S?A", re.IGNORECASE)  # RFC 3848, RFC 6531

DEFAULT_TRUSTED = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")


@dataclass(frozen=True)
class Origin:
    """Where our MTA got the mail from: the client address and whether it logged in (SASL).
    ``client`` None: unknown (no smtpd Received header on top) — treated as an insider."""

    client: Address | None
    authenticated: bool


def origin_of(data: bytes) -> Origin:
    """The origin as the top Received header records it (after the queue it is our smtpd's)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        end = data.find(b"\n\n")
    head = data[: end if end >= 0 else min(len(data), 64 * 1024)]
    try:
        top = BytesHeaderParser(policy=compat32).parsebytes(head).get("Received")
    except Exception:  # an unparsable header block: nothing proven
        return Origin(None, False)
    if top is None:
        return Origin(None, False)
    line = re.sub(r"\s+", " ", str(top)).strip()
    return parse_received(line)


def parse_received(line: str) -> Origin:
    authenticated = bool(_AUTHENTICATED.search(line))
    # every "with X": Postfix's TLS comment ("using TLSv1.3 with cipher …") comes before its own
    # "with ESMTPSA"; a client-written word (a certificate CN) can only make the mail judged
    if any(_AUTH_PROTOCOL.fullmatch(p) for p in _WITH.findall(line)):
        authenticated = True
    match = _FROM.match(line)
    client: Address | None = None
    if match:
        try:
            client = ipaddress.ip_address(match.group(1))
        except ValueError:
            client = None
    return Origin(client, authenticated)


def networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``[mail] trusted_networks`` as networks; empty: loopback and private (DEFAULT_TRUSTED)."""
    return tuple(ipaddress.ip_network(v, strict=False) for v in (list(values) or DEFAULT_TRUSTED))


def is_inbound(
    origin: Origin,
    mail_from: str,
    rcpt_tos: Sequence[str],
    internal_domains: set[str] | frozenset[str],
    trusted: Sequence[Network],
) -> bool:
    """True only when every condition in the module docstring holds; else the mail is judged."""
    if not internal_domains or not rcpt_tos or origin.authenticated or origin.client is None:
        return False
    client = origin.client
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    if any(client.version == net.version and client in net for net in trusted):
        return False
    if mail_from and is_internal(mail_from, internal_domains):
        return False
    return all(is_internal(r, internal_domains) for r in rcpt_tos)
