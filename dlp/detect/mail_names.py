"""Display names of pasted mail headers (From: 山田 太郎 <taro@example.jp>): person or role.

Kept apart from validators.py, which registers ``display_name`` with the other validators.
"""

from __future__ import annotations

import re

# Display names that are a role or an organisation, not a person (From: Customer Support <…>).
_ROLE_WORDS = frozenset(
    re.split(
        r"\s+",
        """support team info information service services desk center centre admin administrator noreply
        no-reply notification notifications customer customers sales office system mailer daemon news
        newsletter contact help helpdesk shop store staff group dept department inc ltd co corp llc calendar
        billing account accounts security alert alerts update updates official online web mail post""".strip(),
    )
)
# Words of a company or a place after a name label (名義：Sample Trading Co, 名前 Tokyo Station):
# for labelled Latin names only (a mail's display name keeps its own test; Osaka is a surname).
_PLACE_WORDS = frozenset({"trading", "company", "station", "city", "ward", "prefecture", "hotel", "bank", "sample"})
_ROLE_JA = (
    "サポート", "センター", "窓口", "事務局", "株式会社", "有限会社", "会社", "問い合わせ", "問合せ", "カスタマー",
    "運営", "営業", "総務", "受付", "チーム", "ショップ", "ストア", "サービス", "お知らせ", "通知", "事務所",
)  # fmt: skip
_LATIN_TOKENS = re.compile(r"[A-Za-z]+")


def latin_display_name(name: str, mailbox: str) -> bool | None:
    """A Latin display name has no dictionary: it counts (None: the pattern's level) only when
    one of its words is in the mailbox's local part (Taro Yamada <taro.yamada@…>); Google
    Calendar <calendar-notification@…> or Customer Support <…> does not (False)."""
    tokens = [t.lower() for t in _LATIN_TOKENS.findall(name)]
    if not tokens or any(t in _ROLE_WORDS for t in tokens):
        return False
    local = mailbox.partition("@")[0].lower()
    return None if any(len(t) >= 2 and t in local for t in tokens) else False


def latin_labelled_name(name: str) -> bool | None:
    """A name in Latin letters after a Japanese name label (旅行者代表：Naoto Kobayashi, パスポート
    表記 YAMAMOTO NAOKO): no dictionary knows its spelling, the label says it is a name (None:
    the pattern's level) unless one of its words is a role or an organisation (代表：Customer
    Support, 名義：Sample Trading Co)."""
    tokens = [t.lower() for t in _LATIN_TOKENS.findall(name)]
    if not 2 <= len(tokens) <= 3 or any(t in _ROLE_WORDS or t in _PLACE_WORDS for t in tokens):
        return False
    return None


def is_role_name(name: str) -> bool:
    """サポートセンター, 株式会社サンプル, お問い合わせ窓口: a desk or a company, not a person."""
    return any(w in name for w in _ROLE_JA)
