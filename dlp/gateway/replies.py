"""Every SMTP reply the gateway gives, in one place; the tests import these.

Postfix puts a 5xx reply's text into the bounce it sends the sender, and censors characters it
considers unprintable, so the reply leads with ASCII (code, reason, incident id) and carries the
Japanese reason after it; the full Japanese explanation goes out as a separate notice.
Everything that is not a decision of the policy is a 4xx: Postfix keeps the mail and retries.
The one exception is the next hop's own refusal of a recipient (at RCPT or after the message),
passed through with its code, so Postfix bounces or retries that recipient as it would itself.
"""

from __future__ import annotations

import re

# 2xx: the mail is in someone else's hands now (the next hop, or the quarantine, durably)
RELAYED = "250 2.0.0 Ok: passed DLP inspection ({action}; {incident})"
HELD = "250 2.0.0 Ok: held by DLP for review as {incident}"

# 5xx: the policy blocked it; Postfix bounces it to the sender with this text
BLOCKED = "550 5.7.1 Blocked by DLP: {reason_en} [{incident}] {reason_ja}"

# 4xx: not decided; Postfix keeps the mail queued and retries
TEMPFAIL_ERROR = "451 4.3.0 DLP could not inspect the message now; it stays queued [{incident}]"
TEMPFAIL_DEADLINE = "451 4.3.2 DLP did not finish in time; it stays queued [{incident}]"
# the next hop's own refusal of one recipient (4xx or 5xx), passed through with its code
NEXT_HOP_REFUSED = "{code} {detail} (refused by the next hop) [{incident}]"
TEMPFAIL_NEXT_HOP = "451 4.4.1 DLP could not pass the message on (next hop: {detail}); it stays queued [{incident}]"
TEMPFAIL_QUARANTINE = "451 4.3.0 DLP could not store the message for review; it stays queued [{incident}]"
TEMPFAIL_SHUTDOWN = "421 4.3.2 DLP is shutting down; try again later"


def clean(text: str, limit: int = 200) -> str:
    """One line, no control characters, bounded: safe inside an SMTP reply."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return text[:limit]


TEMPFAIL_BUSY = "451 4.3.2 DLP is busy with other messages; try again later"
TEMPFAIL_SPOOL = "451 4.3.1 DLP could not store the message for inspection; try again later"
