"""Internal or external: decided the way a mail server would route the address, failing closed.

An address counts as internal only when it is a plain ``local@domain`` whose domain is one of
``[mail] internal_domains``. Everything a server might route somewhere else is external:

* route syntax in the local part: ``"x@outside.example"@own.example`` (quoted ``@``),
  ``x%outside.example@own.example`` (the percent hack), ``outside.example!x@own.example``
  (a UUCP bang path), and any quoted local part at all;
* source routes (``@relay.example:x@own.example``), domain literals (``x@[192.0.2.1]``);
* a domain with a trailing dot, empty labels, or characters a host name cannot have;
* a non-ASCII domain whose IDNA form depends on which IDNA version the server uses (the
  deviation characters ß, ς, ZWJ, ZWNJ); other IDN domains are compared in their A-label form,
  so ``x@ｅｘａｍｐｌｅ.co.jp`` (full-width) is the domain it is routed to.

Matching: case-insensitive. ``example.co.jp`` matches that domain only; ``*.example.co.jp``
matches its subdomains (list both for both). A subdomain is not internal by itself: it may well
be hosted elsewhere (a newsletter service, a subsidiary).

Not seen from here: Postfix applies virtual aliases and canonical maps at re-injection, after
the filter (``receive_override_options = no_address_mappings``), so an internal alias that
forwards outside is judged internal. Keep such aliases out of the internal domains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from dlp.policy import ScanContext

_LOCAL_OK = re.compile(r"(?!\.)(?!.*\.\.)[A-Za-z0-9.#$&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+(?<!\.)")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_DEVIATIONS = set("ßς\u200c\u200d")


def is_internal(address: str, internal_domains: set[str] | frozenset[str]) -> bool:
    """True only for a plain address in one of the internal domains (see the module docstring)."""
    domain = routed_domain(address)
    if domain is None:
        return False
    for entry in internal_domains:
        entry = entry.lower()
        if entry.startswith("*."):
            if domain.endswith(entry[1:]):
                return True
        elif domain == entry:
            return True
    return False


def mail_context(
    sender: str | None, recipients: Sequence[str], internal_domains: set[str] | frozenset[str]
) -> ScanContext:
    """What the policy knows of a mail beyond its content: outside the company when there is no
    recipient to judge by or any one of them is external. The gateway and `dlp quarantine add
    --mail` both decide through this, so a held mail gets the verdict the gateway would give."""
    return ScanContext(
        channel="mail",
        external_recipients=not recipients or any(not is_internal(r, internal_domains) for r in recipients),
        sender=sender or None,
        recipients=tuple(recipients),
    )


def routed_domain(address: str) -> str | None:
    """The A-label domain a plain address goes to, or None when routing it is in any doubt."""
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return None
    if not _LOCAL_OK.fullmatch(local) or any(c.isspace() or not c.isprintable() for c in local):
        return None  # quoting, route syntax, source routes: the server may send it elsewhere
    if set(unicodedata.normalize("NFKC", local)) & set('"\\@%!:,;<>[]'):
        return None  # full-width route characters (＠, ％, ！) are route characters once normalised
    return _domain(domain)


def _domain(domain: str) -> str | None:
    if domain.endswith(".") or domain.startswith("[") or ".." in domain:
        return None
    if not domain.isascii():
        if _DEVIATIONS & set(unicodedata.normalize("NFKC", domain).lower()):
            return None  # IDNA 2003 and 2008 route these to different domains
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return domain
