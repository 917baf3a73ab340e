"""The exit codes of `dlp`, as one table: a verdict's code is looked up, never ``int(action)``
(the order of Action is the order of severity, which need not stay the code a script tests),
and the help text is written from the same table so the two cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable

from dlp.model import VERDICT_EXIT, Action

EXIT_USAGE = 4  # a usage, configuration or rule-file error
EXIT_INTERNAL = 5  # a bug: one line for the user, the traceback with DLP_DEBUG=1
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

# Every code with what it means, in order: the help text and the docs are written from this.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    *((code, action.label) for action, code in sorted(VERDICT_EXIT.items(), key=lambda kv: kv[1])),
    (EXIT_USAGE, "usage or rule/config error"),
    (EXIT_INTERNAL, "internal error"),
    (EXIT_INTERRUPTED, "interrupted"),
)


def exit_code_for(actions: Iterable[Action]) -> int:
    """The code of the most severe verdict (allow when nothing was scanned)."""
    return VERDICT_EXIT[max(actions, default=Action.ALLOW)]


def exit_codes_help() -> str:
    """'0 allow, 1 warn, 2 quarantine, 3 block (the most severe item), 4 usage …, 130 interrupted.'"""
    verdicts = ", ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES[: len(VERDICT_EXIT)])
    others = ", ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES[len(VERDICT_EXIT) :])
    return f"{verdicts} (the most severe item), {others}."
