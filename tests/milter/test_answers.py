"""The Milter's answer for each reply the gateway's Decider gives (dlp.milter.answers)."""

from __future__ import annotations

from dlp.gateway import replies
from dlp.milter.answers import Act, answer

INCIDENT = "M20261130-0a1b2c3d"


def test_a_pass_is_accepted_in_place() -> None:
    assert answer(replies.RELAYED.format(action="warn", incident=INCIDENT), INCIDENT).act is Act.ACCEPT


def test_a_hold_discards_postfix_copy_only_for_our_own_incident() -> None:
    assert answer(replies.HELD.format(incident=INCIDENT), INCIDENT).act is Act.DISCARD
    # a 250 that is not our hold of this very message never drops Postfix's copy
    assert answer(replies.HELD.format(incident="M20261130-ffffffff"), INCIDENT).act is Act.ACCEPT


def test_a_block_is_550_571_with_reason_and_incident() -> None:
    reply = replies.BLOCKED.format(reason_en="customer list 50%", reason_ja="顧客一覧", incident=INCIDENT)
    result = answer(reply, INCIDENT)
    assert (result.act, result.rcode, result.xcode) == (Act.REJECT, "550", "5.7.1")
    assert INCIDENT in result.text and "顧客一覧" in result.text
    assert "50%%" in result.text  # libmilter drops a reply with a lone '%'
    assert not result.text.startswith("550")


def test_every_other_reply_is_451_471_never_an_accept() -> None:
    others = [
        replies.TEMPFAIL_ERROR.format(incident=INCIDENT),
        replies.TEMPFAIL_DEADLINE.format(incident=INCIDENT),
        replies.TEMPFAIL_QUARANTINE.format(incident=INCIDENT),
        replies.TEMPFAIL_SHUTDOWN,
        replies.TEMPFAIL_BUSY,
        "garbage",
    ]
    for reply in others:
        result = answer(reply, INCIDENT)
        assert (result.act, result.rcode, result.xcode) == (Act.TEMPFAIL, "451", "4.7.1"), reply
        assert result.text
