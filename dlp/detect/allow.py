"""A policy's allow list (policy.yaml ``allow``): the company's own numbers, addresses and mail
domains, which that policy does not count.

Detection does not drop these values: the engine only marks a finding with the names of the
allow lists its value is on (``Finding.allowed_by``), and the policy that decides the item
drops the ones on its own list when it tallies (dlp/tally.py). A watched folder with its own
policy therefore has its own allow list, and one scan serves every policy. The engine has the
canonical value, which a finding never keeps, so the matching itself happens there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dlp.detect.rules import canonical_allow_value


@dataclass(frozen=True)
class AllowList:
    """One policy's allow list, named after its policy file (``Policy.source``)."""

    name: str
    values: Mapping[str, frozenset[str]] = field(default_factory=dict)  # type -> canonical values
    domains: tuple[str, ...] = ()  # mail domains (and their subdomains), lower case

    @classmethod
    def build(cls, name: str, values: Mapping[str, Iterable[str]], domains: Iterable[str]) -> AllowList:
        return cls(
            name,
            {t: frozenset(canonical_allow_value(v) for v in vs) for t, vs in values.items() if vs},
            tuple(sorted({d.lower() for d in domains})),
        )

    def __bool__(self) -> bool:
        return bool(self.values or self.domains)

    def covers(self, data_type: str) -> bool:
        """Whether any value of this type can be on the list (the engine skips the rest)."""
        return data_type in self.values or (data_type == "EMAIL" and bool(self.domains))

    def kind(self, data_type: str, canonical: str, *, prefix: bool = False) -> str | None:
        """How the value is on the list, for --explain: "domain" (a mail domain), "value", or
        None when it is not on it."""
        if data_type == "EMAIL" and value_allowed(frozenset(), self.domains, canonical):
            return "domain"
        return "value" if self.matches(data_type, canonical, prefix=prefix) else None

    def matches(self, data_type: str, canonical: str, *, prefix: bool = False) -> bool:
        """``prefix``: the rule's canonical form is free text (addresses), where a signature may
        add or drop the building, so an entry of 6+ characters matches either way round."""
        domains = self.domains if data_type == "EMAIL" else ()
        return value_allowed(self.values.get(data_type, frozenset()), domains, canonical, prefix=prefix)


def value_allowed(values: frozenset[str], domains: Iterable[str], canonical: str, *, prefix: bool = False) -> bool:
    """The one comparison for every allow list (a rule's own and a policy's)."""
    if domains and "@" in canonical:
        domain = canonical.rpartition("@")[2]
        if any(domain == d or domain.endswith("." + d) for d in domains):
            return True
    if not values:
        return False
    key = canonical_allow_value(canonical)
    if key in values:
        return True
    if prefix:
        return any(key.startswith(v) or v.startswith(key) for v in values if len(v) >= 6)
    return False
