"""How often a clean mail with software-made Message-IDs is flagged: the share of mails whose
only digits are Python's ``make_msgid`` ids (a 64-bit random number among them) that get any
finding. Before the message-id fix about 1 in 100 was blocked as carrying a card number.

    python -m bench.eval_message_ids --mails 600
"""

from __future__ import annotations

import argparse
from email.message import EmailMessage
from email.utils import make_msgid

from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from dlp.settings import SettingsSpec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=600)
    args = parser.parse_args()
    settings = SettingsSpec().build()
    context = ScanContext(channel="mail", external_recipients=True, recipients=("partner@example.net",))
    flagged: dict[str, int] = {}
    for _ in range(args.mails):
        message = EmailMessage()
        message["From"] = "sales@example.co.jp"
        message["To"] = "partner@example.net"
        message["Subject"] = "定例の件"
        message["Message-ID"] = make_msgid(domain="example.co.jp")
        message["References"] = f"{make_msgid(domain='example.co.jp')} {make_msgid(domain='example.net')}"
        message.set_content("定例の議事録を送ります。")
        verdict = scan_item(Item.from_bytes(bytes(message), "mail.eml", channel="mail"), settings, context)
        for data_type in verdict.counts:
            flagged[data_type] = flagged.get(data_type, 0) + 1
        flagged["(not allowed)"] = flagged.get("(not allowed)", 0) + (verdict.action.label != "allow")
    print(f"{args.mails} clean mails with make_msgid ids: " + ", ".join(f"{k} {v}" for k, v in sorted(flagged.items())))


if __name__ == "__main__":
    main()
