"""Config -> Settings: the compiled rules, the policies and the engine a scan needs.

Both daemons, the worker and the CLI build their Settings here, below every entry point, so a
daemon or a spawned worker never has to import the command line to get its rules. ``config.py``
only reads dlp.toml; this module turns it into what the pipeline runs on, once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dlp.config import Config, load_config
from dlp.detect.engine import Engine
from dlp.detect.rules import RuleSet, default_rules_dir, load_rules
from dlp.extract.limits import Limits
from dlp.policy import Policy, load_policy


@dataclass
class Settings:
    """Everything the pipeline needs, built once per process from a Config and CLI overrides."""

    rules: RuleSet
    policy: Policy
    key: bytes
    limits: Limits = field(default_factory=Limits)
    keep_values: bool = False
    explain: bool = False
    max_findings: int = 1000
    # Helper processes a long table's blocks may be detected in (dlp/fanout.py); `dlp scan`
    # sets it when it has more cores than items. 0: all in the scanning process.
    detect_helpers: int = 0
    stop_after_records: int | None = 1000  # None: always count everything
    config: Config | None = None
    policies: dict[str, Policy] = field(default_factory=dict)  # named policies (a watched folder's own)

    def policy_for(self, ctx: Any) -> Policy:
        """The policy a scan context names (``ctx.policy``), else the default one."""
        name = getattr(ctx, "policy", None)
        return self.policies[name] if name else self.policy

    @cached_property
    def engine(self) -> Engine:
        # Every policy's allow list: detection marks values on them, each policy drops its own.
        lists = [p.allow_list for p in (self.policy, *self.policies.values())]
        return Engine(
            self.rules,
            self.key,
            keep_values=self.keep_values,
            explain=self.explain,
            allow_lists=lists,
            listed_findings=self.max_findings,
        )

    @classmethod
    def load(
        cls,
        config: Config | None = None,
        *,
        rules_path: Path | None = None,
        policy_path: Path | None = None,
        keep_values: bool = False,
        explain: bool = False,
        key: bytes | None = None,
    ) -> Settings:
        config = config or load_config()
        rules_path = rules_path or (Path(config.get("scan", "rules")) if config.get("scan", "rules") else None)
        rules = load_rules(rules_path)
        if policy_path is None and config.get("scan", "policy"):
            policy_path = Path(config.get("scan", "policy"))
        if policy_path is None and rules_path is not None:
            candidate = (rules_path if rules_path.is_dir() else rules_path.parent) / "policy.yaml"
            policy_path = candidate if candidate.is_file() else None
        policy = load_policy(policy_path or default_rules_dir() / "policy.yaml", known_types=rules.types)
        if key is None:
            key = config.fingerprint_key()
        policies = {name: load_policy(Path(name), known_types=rules.types) for name in config.folder_policies() if name}
        return cls(
            rules=rules,
            policy=policy,
            policies=policies,
            key=key,
            limits=config.limits(),
            keep_values=keep_values,
            explain=explain,
            max_findings=config.get("scan", "max_findings"),
            stop_after_records=config.get("scan", "stop_after_records") or None,
            config=config,
        )


@dataclass(frozen=True)
class SettingsSpec:
    """How to build Settings in another process (rules are compiled there, not pickled)."""

    config_path: Path | None = None
    rules_path: Path | None = None
    policy_path: Path | None = None
    keep_values: bool = False
    explain: bool = False
    key: bytes | None = None
    full: bool = False
    # findings kept per item; the inventory raises it so that every distinct value's fingerprint
    # reaches its table (None: the config's scan.max_findings)
    max_findings: int | None = None
    detect_helpers: int = 0

    def build(self) -> Settings:
        settings = Settings.load(
            load_config(self.config_path),
            rules_path=self.rules_path,
            policy_path=self.policy_path,
            keep_values=self.keep_values,
            explain=self.explain,
            key=self.key,
        )
        if self.full:
            settings.stop_after_records = None
        if self.max_findings is not None:
            settings.max_findings = self.max_findings
        settings.detect_helpers = self.detect_helpers
        return settings
