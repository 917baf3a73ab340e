"""上長承認 through `dlp milter serve` behind a real Postfix (submission port): the Milter holds a
customer list to an outside address awaiting approval (the same Decider as the gateway), the
approver's notice link approves it once through the console app, and it is delivered once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.console.conftest import customer_list_mail
from tests.gateway.postfix import Postfix
from tests.gateway.test_approval_postfix import APPROVER, OUTSIDE, POLICY, SENDER, _console, _held_id, _link
from tests.gateway.test_postfix import _to, _wait
from tests.milter.harness import MilterFilter, submit

pytestmark = pytest.mark.slow  # a real Postfix with the Milter


def test_the_milter_holds_for_approval_and_the_link_releases_once(tmp_path: Path, mta: Postfix) -> None:
    base = tmp_path / "milter"
    f = MilterFilter(base, mta, mta.milter_socket)
    (base / "policy.yaml").write_text(POLICY, encoding="utf-8")
    with f.config.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[scan]\npolicy = "{base / "policy.yaml"}"\n'
            '\n[console]\npublic_url = "https://dlp.example.co.jp"\n'
            f'\n[console.departments]\n"営業部" = ["{SENDER}"]\n'
            f'\n[console.approvers]\n"営業部" = ["{APPROVER}"]\n'
        )
    f.start()
    try:
        code, _ = submit(mta, customer_list_mail(SENDER), [OUTSIDE], SENDER)
        assert code == 250  # accepted and held, not bounced
        token = _link(mta, APPROVER, "approve")
        entry_id = _held_id(f)
        assert _to(mta.sink.messages, OUTSIDE) == []
        services, browser = _console(f)
        with browser:
            assert browser.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 200
            assert browser.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 410
        _wait(lambda: len(_to(mta.sink.messages, OUTSIDE)) == 1, what="the approved mail")
        time.sleep(2)
        assert len(_to(mta.sink.messages, OUTSIDE)) == 1
        assert services.quarantine.get(entry_id).state == "released"
    finally:
        f.stop()
