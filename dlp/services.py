"""The parts that enforce verdicts, built from the configuration in one place: the quarantine,
the audit trail, notices, and the relay to the next mail hop. Entry points (the CLI, the
watcher, the gateway) take what they need from here; holding, auditing and telling people
about a verdict goes through dlp.actions.enforce, so every channel does it the same way."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from dlp.actions.audit import AuditLog
from dlp.actions.notify import Notifier, NotifySettings
from dlp.actions.quarantine import Envelope, QuarantineStore, Relay, open_store
from dlp.actions.smtp import Delivery, SmtpServer, relay
from dlp.actions.webhook import Webhook, WebhookSettings
from dlp.config import Config, ConfigError
from dlp.model import Action


class Services:
    def __init__(self, config: Config) -> None:
        self.config = config

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(  # lines chained with a key derived from the fingerprint key (auditchain.py)
            self.config.path_of("audit", "file", "audit.jsonl"), chain_key=self.config.fingerprint_key()
        )

    @cached_property
    def quarantine(self) -> QuarantineStore:
        return open_store(  # refuses a missing key beside held items, and a wrong key
            self.config.path_of("quarantine", "dir", "quarantine"),
            self.config.path_of("keys", "quarantine_key_file", "quarantine.key"),
            self.config.get("keys", "quarantine_key_env"),
            audit=self.audit,
        )

    @cached_property
    def smtp(self) -> SmtpServer:
        c = self.config
        return SmtpServer(
            host=c.get("smtp", "host"),
            port=c.get("smtp", "port"),
            starttls=c.get("smtp", "starttls"),
            username=c.get("smtp", "username"),
            password=c.smtp_password(),
            timeout=float(c.get("smtp", "timeout")),
        )

    @cached_property
    def notifier(self) -> Notifier:
        c = self.config
        templates = c.get("notify", "templates")
        settings = NotifySettings(
            server=self.smtp,
            sender=c.get("notify", "from"),
            officer=c.get("notify", "officer"),
            contact=c.get("notify", "contact"),
            templates=Path(templates).expanduser() if templates else None,
            rate_limit=c.get("notify", "rate_limit"),
            enabled=c.get("notify", "enabled"),
            tag_key=c.fingerprint_key(),
            internal_domains=frozenset(self.internal_domains()),
        )
        return Notifier(settings, c.data_dir / "notify.sqlite3", audit=self.audit)

    @cached_property
    def webhook(self) -> Webhook | None:
        """The SIEM sink when ``[webhook] url`` is set (its secret from the environment or a file)."""
        c = self.config
        url = c.get("webhook", "url")
        if not url:
            return None
        env, file = c.get("webhook", "secret_env"), c.get("webhook", "secret_file")
        secret = os.environ.get(env, "") if env else ""
        if not secret and file:
            secret = Path(file).expanduser().read_text(encoding="utf-8").strip()
        if not secret:
            raise ConfigError([f"webhook.url is set but there is no secret: set ${env} or webhook.secret_file"])
        settings = WebhookSettings(
            url=url,
            secret=secret.encode("utf-8"),
            level=Action.parse(c.get("webhook", "level")),
            timeout=float(c.get("webhook", "timeout")),
        )
        return Webhook(settings, c.data_dir / "webhook.sqlite3")

    @cached_property
    def next_hop(self) -> SmtpServer:
        return SmtpServer(
            host=self.config.get("mail", "next_hop_host"),
            port=self.config.get("mail", "next_hop_port"),
            timeout=float(self.config.get("smtp", "timeout")),
        )

    def relay(self) -> Relay:
        """Send a mail to the next hop with its own envelope (a released mail, a passed one)."""
        server = self.next_hop

        def deliver(envelope: Envelope, data: bytes) -> Delivery:
            return relay(server, envelope.mail_from, envelope.rcpt_tos, data, envelope.mail_options)

        return deliver

    def internal_domains(self) -> set[str]:
        return {d.lower() for d in self.config.get("mail", "internal_domains")}
