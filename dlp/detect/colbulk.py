"""A classified column's values judged in bulk: the validator and canonical form of the common
kinds (phones, postal codes, mails, customer numbers) said over the whole column at once.

A dense export has hundreds of thousands of phone numbers; calling phone_jp and canonical_phone
per cell is most of the time of its column pass. When every value of a column is written the
plain way (ASCII digits and hyphens, a mail without spelled-out ``(at)``), the canonical forms
come from one replacement over the joined column, and a compiled regex, mapped over the
values, picks out those the validator surely accepts. The validator itself runs only on the
values the regex cannot decide, so the result is the validator's, value by value (the tests
compare both on random values). Any column written otherwise is left to the per-value path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import repeat

from dlp.detect.validators import email, phone_jp, postal_code
from dlp.detect.values import canonical_digits, canonical_email, canonical_phone

# (high, count key) of a value that fits, None for one the validator rejects.
Judged = list[tuple[bool, int] | None]

# phone_jp's True cases, digits only: a mobile/IP number (0[5789]0 + 8 digits, 0800 free dial),
# a 10-digit free dial, or a geographic number whose second and third digits are not 0, without
# the placeholder of one digit repeated after the 0. Anything else is asked of phone_jp.
_SURE_PHONE = re.compile(r"0[5789]0[0-9]{8}|0800[0-9]{7}|0(?:120|570|990)[0-9]{6}|(?!0([0-9])\1{8})0[1-9]{2}[0-9]{7}")
# postal_code accepts (with confidence None) 7 digits not starting 000 and not one digit repeated.
_SURE_POSTAL = re.compile(r"(?!000)(?!([0-9])\1{6})[0-9]{7}")
# email's True cases: a local part _EMAIL_LOCAL_OK accepts without '..', and a domain of
# non-empty labels that neither start nor end with '-'.
_SURE_EMAIL = re.compile(
    r"(?!.*\.\.)[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_SPELLING = ("(", ")", "[", "]", "<", ">", "{", "}", " ")  # plain_email's hint of a spelled address


def _every(sure: re.Pattern[str]) -> re.Pattern[str]:
    """A pattern that fits values joined by "\n" (and one after the last) exactly when ``sure``
    fits each value whole: no ``sure`` pattern matches a line break, each value is tried in an
    atomic group up to its "\n" (as a fullmatch of it alone), and no earlier value is tried again
    (possessive). One call for the column instead of one a value (the usual column: all sure)."""
    return re.compile(f"(?>(?:{sure.pattern})\n)*+")


_EVERY_PHONE, _EVERY_POSTAL, _EVERY_EMAIL = _every(_SURE_PHONE), _every(_SURE_POSTAL), _every(_SURE_EMAIL)


def _plain_digits(values: list[str]) -> list[str] | None:
    """Each value without its hyphens when every value is ASCII digits and hyphens, else None."""
    plain = "\n".join(values).replace("-", "")
    if not plain.isascii() or not plain.replace("\n", "").isdigit():
        return None
    return plain.split("\n")


def _phones(values: list[str], ms: list[re.Match[str]]) -> Judged | None:
    digits = _plain_digits(values)
    if digits is None:
        return None
    joined = "\n".join(digits)
    if not joined.startswith("0") or joined.count("\n0") != len(digits) - 1:
        return None  # a number without its 0 (or an empty one): canonical_phone per value
    out: Judged = list(zip(repeat(True), map(hash, digits)))
    if _EVERY_PHONE.fullmatch(joined + "\n") is not None:
        return out
    sure = list(map(_SURE_PHONE.fullmatch, digits))
    if None in sure:
        for i in [i for i, m in enumerate(sure) if m is None]:  # phone_jp decides
            verdict = phone_jp(values[i], ms[i])
            out[i] = None if verdict is False else (bool(verdict), out[i][1])  # type: ignore[index]
    return out


def _postal_codes(values: list[str], ms: list[re.Match[str]]) -> Judged | None:
    digits = _plain_digits(values)
    if digits is None:
        return None
    if _EVERY_POSTAL.fullmatch("\n".join(digits) + "\n") is not None:
        return list(zip(repeat(False), map(hash, digits)))
    return [
        (False, hash(d)) if s is not None else None
        for d, s in zip(digits, map(_SURE_POSTAL.fullmatch, digits), strict=True)
    ]


def _ids(values: list[str], ms: list[re.Match[str]]) -> Judged | None:
    plain = "\n".join(values).replace("-", "")
    if not plain.isascii() or not plain.replace("\n", "").isalnum():
        return None
    return list(zip(repeat(False), map(hash, plain.upper().split("\n"))))


def _mails(values: list[str], ms: list[re.Match[str]]) -> Judged | None:
    joined = "\n".join(values)
    if not joined.isascii() or any(ch in joined for ch in _SPELLING):
        return None
    out: Judged = list(zip(repeat(True), map(hash, joined.lower().split("\n"))))
    if _EVERY_EMAIL.fullmatch(joined + "\n") is not None:
        return out
    sure = list(map(_SURE_EMAIL.fullmatch, values))
    if None in sure:
        for i in [i for i, m in enumerate(sure) if m is None]:  # email decides
            verdict = email(values[i], ms[i])
            out[i] = None if verdict is False else (bool(verdict), out[i][1])  # type: ignore[index]
    return out


_BULK: dict[tuple[object, object], Callable[[list[str], list[re.Match[str]]], Judged | None]] = {
    (phone_jp, canonical_phone): _phones,
    (postal_code, canonical_digits): _postal_codes,
    (None, canonical_digits): _ids,
    (email, canonical_email): _mails,
}


def judge_in_bulk(validator: object, canonical: object, values: list[str], ms: list[re.Match[str]]) -> Judged | None:
    """The values judged as the rule's validator and canonical form would, value by value; None
    when the rule or the way the values are written has no bulk form."""
    bulk = _BULK.get((validator, canonical))
    return bulk(values, ms) if bulk is not None else None
