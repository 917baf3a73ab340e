"""What a finding keeps of a value: a canonical form (for allow lists, distinct counting and the
keyed fingerprint) and a masked form (for people and logs). Both are chosen by name in a rule.

A mask must never let the value be recovered: at most a few leading digits that identify an
operator or region and the last four digits are shown.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from dlp.detect.validators import digits_of, parse_date, plain_email

_SPACES = re.compile(r"[\s・]+")
_ALNUM = re.compile(r"[^0-9A-Za-z]")
_DIGIT = re.compile(r"[0-9]")
_DIGIT_GROUPS = re.compile(r"[0-9]+")
_MUNICIPALITY = re.compile(
    r"^(?:北海道|東京都|京都府|大阪府|.{2,3}県)?.{1,6}?(?:市.{1,5}?区|郡.{1,5}?[町村]|[市区町村])"
)

# (value, match) -> canonical form; ``value`` is the personal part of the match, refined.
Canonicaliser = Callable[[str, re.Match[str]], str]
Masker = Callable[[str], str]


def canonical_digits(value: str, m: re.Match[str]) -> str:
    return _ALNUM.sub("", value).upper()


def canonical_phone(value: str, m: re.Match[str]) -> str:
    value = value.strip()
    digits = digits_of(value)
    if value.startswith("+81"):
        digits = "0" + digits[2:].lstrip("0")
    elif not digits.startswith("0") and len(digits) == 10 and digits[0] in "789":
        digits = "0" + digits  # a mobile whose leading 0 a spreadsheet dropped: the same number
    return digits


def canonical_email(value: str, m: re.Match[str]) -> str:
    return plain_email(value).lower()


def canonical_date(value: str, m: re.Match[str]) -> str:
    date = parse_date(m)
    return date.isoformat() if date else _SPACES.sub("", value)


def canonical_text(value: str, m: re.Match[str]) -> str:
    return _SPACES.sub("", value)


CANONICALISERS: dict[str, Canonicaliser] = {
    "digits": canonical_digits,
    "phone": canonical_phone,
    "email": canonical_email,
    "date": canonical_date,
    "text": canonical_text,
}


def _mask_digits_except(value: str, keep_last: int, keep_first: int = 0) -> str:
    total = len(_DIGIT.findall(value))
    out: list[str] = []
    seen = 0
    for c in value:
        if "0" <= c <= "9":
            seen += 1
            shown = seen <= keep_first or seen > total - keep_last
            out.append(c if shown else "*")
        elif c.isalpha() and c.isascii():
            out.append("*")
        else:
            out.append(c)
    return "".join(out)


def mask_phone(value: str) -> str:
    """090-1234-5678 -> 090-****-5678: operator prefix and last four stay readable."""
    groups = _DIGIT_GROUPS.findall(value)
    if len(groups) >= 3:
        first = len(groups[0])
        return _mask_digits_except(value, keep_last=len(groups[-1]), keep_first=first)
    return _mask_digits_except(value, keep_last=4, keep_first=3)


def mask_last4(value: str) -> str:
    return _mask_digits_except(value, keep_last=4)


def mask_last2(value: str) -> str:
    return _mask_digits_except(value, keep_last=2)


def mask_postal(value: str) -> str:
    return _mask_digits_except(value, keep_last=0, keep_first=3)


def mask_email(value: str) -> str:
    local, _, domain = plain_email(value).rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(value: str) -> str:
    """山田太郎 -> 山**: the length of the name is hidden too."""
    return value.strip()[:1] + "**"


def mask_address(value: str) -> str:
    """Keep prefecture and municipality (where the item is from), hide the street and number."""
    m = _MUNICIPALITY.match(value)
    keep = m.end() if m else min(3, len(value))
    return value[:keep] + "***"


def mask_date(value: str) -> str:
    """Keep the year (era or western), hide month and day."""
    m = _DIGIT_GROUPS.search(value)
    if not m:
        return "*" * len(value)
    return value[: m.end()] + _DIGIT.sub("*", value[m.end() :])


def mask_generic(value: str) -> str:
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


MASKS: dict[str, Masker] = {
    "phone": mask_phone,
    "last4": mask_last4,
    "last2": mask_last2,
    "postal": mask_postal,
    "email": mask_email,
    "name": mask_name,
    "address": mask_address,
    "date": mask_date,
    "generic": mask_generic,
}


def fingerprint(key: bytes, data_type: str, canonical: str) -> str:
    """Keyed fingerprint: lets the same value be counted and correlated without storing it.

    A plain hash of a 12-digit number is brute-forced in minutes; an HMAC with a secret
    per-installation key is not.
    """
    return hmac.digest(key, f"{data_type}\x00{canonical}".encode(), hashlib.sha256)[:12].hex()
