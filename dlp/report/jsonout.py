"""`--format json` (one array) and `--format jsonl` (one object per line, streamed)."""

from __future__ import annotations

import json
from typing import TextIO

from dlp.model import Verdict
from dlp.report.serialize import verdict_to_dict


class JsonWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, **_: object) -> None:
        self.out = out
        self.show_values = show_values
        self.items: list[dict[str, object]] = []

    def write(self, verdict: Verdict, path: str) -> None:
        self.items.append(verdict_to_dict(verdict, path=path, show_values=self.show_values))

    def close(self) -> None:
        json.dump(self.items, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


class JsonLinesWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, **_: object) -> None:
        self.out = out
        self.show_values = show_values

    def write(self, verdict: Verdict, path: str) -> None:
        item = verdict_to_dict(verdict, path=path, show_values=self.show_values)
        self.out.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self) -> None:
        pass
