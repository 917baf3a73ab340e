"""From the gateway's SMTP reply to what a Milter tells Postfix at end of message.

The decision code is the gateway's (``dlp.gateway.decide.Decider``); it answers in SMTP replies
because that is the after-queue filter's contract. The Milter maps them, message-wide (content
verdicts exist only at end of message, for the whole message; SMTP has no per-recipient reply to
DATA, see /work/shared/reference/milter.md §5.1):

* 250 "passed" → ACCEPT, with the ``X-DLP-Verdict`` header the gateway would have added;
* 250 "held" → DISCARD: the quarantine has the message on disk (fsynced) before the Decider says
  250, so Postfix's copy may go; a release re-injects ours through ``[mail] next_hop`` (a Postfix
  smtpd without milters), exactly as for gateway mail;
* 5xx → REJECT with ``550 5.7.1`` and the gateway's reason and incident id, seen by the sender's
  client at once;
* anything else (4xx, 421 at shutdown, errors, deadline) → TEMPFAIL ``451 4.7.1``: never an
  unscanned accept.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from dlp.gateway import replies


class Act(enum.Enum):
    ACCEPT = "accept"
    DISCARD = "discard"
    REJECT = "reject"
    TEMPFAIL = "tempfail"


@dataclass(frozen=True)
class Answer:
    act: Act
    rcode: str = ""
    xcode: str = ""
    text: str = ""


_REPLY = re.compile(r"^(\d{3})[ -](?:(\d\.\d{1,3}\.\d{1,3}) )?(.*)$", re.S)


def answer(reply: str, incident: str) -> Answer:
    """The Milter's answer for the Decider's (message-wide) reply."""
    match = _REPLY.match(reply)
    code, text = (match.group(1), match.group(3)) if match else ("451", reply)
    if code.startswith("2"):
        held = reply == replies.HELD.format(incident=incident)
        return Answer(Act.DISCARD if held else Act.ACCEPT)
    if code.startswith("5"):
        return Answer(Act.REJECT, "550", "5.7.1", _safe(text))
    return Answer(Act.TEMPFAIL, "451", "4.7.1", _safe(text or "DLP could not inspect the message now"))


def _safe(text: str) -> str:
    """One line for setreply: libmilter silently drops a reply with a single '%'."""
    return replies.clean(text, 400).replace("%", "%%")
