"""Which department a held mail belongs to, from ``[console] departments`` (department ->
sender addresses or ``@domain``s): approvers see only their own department's mail."""

from __future__ import annotations

from collections.abc import Mapping


def department_of(sender: str | None, departments: Mapping[str, list[str]]) -> str | None:
    """The department of a sender: an exact address first, then its ``@domain``; None if unmapped."""
    if not sender:
        return None
    address = sender.lower()
    domain = "@" + address.rpartition("@")[2]
    for wanted in (address, domain):
        for department, members in departments.items():
            if wanted in (m.lower() for m in members):
                return department
    return None
