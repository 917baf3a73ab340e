"""上長承認 pages: an approver opens a signed link from a notice (no account needed), sees the
held mail's masked summary, and approves (the store's exactly-once release) or rejects it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dlp.actions.crypto import IntegrityError
from dlp.actions.entries import Entry, QuarantineError
from dlp.actions.mailrelease import ReleaseIncomplete, ReleaseRefused
from dlp.actions.smtp import SmtpRefused
from dlp.console.approval import cancel_links, reject, tell_sender
from dlp.console.links import LinkError
from dlp.console.web import same_origin

if TYPE_CHECKING:
    from dlp.console.web import Console

log = logging.getLogger("dlp.console")


def routes(console: Console) -> list[BaseRoute]:
    links = console.links

    def refused(request: Request, reason: str) -> Response:
        console.services.audit.write(
            "console.link_refused",
            why=reason,
            client=request.client.host if request.client else None,
        )
        return console.render(request, "link.html", {"problem": f"link_{reason}"}, status_code=410)

    async def confirm(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            approval = links.read(token)
            entry = console.services.quarantine.get(approval.entry_id)
        except LinkError as exc:
            return refused(request, exc.reason)
        except QuarantineError:
            return refused(request, "bad")
        if entry.state != "held":
            return console.render(request, "link.html", {"problem": "link_decided", "e": entry}, status_code=410)
        return console.render(request, "link.html", {"e": entry, "token": token, "approval": approval})

    async def decide(request: Request) -> Response:
        form = await request.form()
        if not same_origin(request):
            return refused(request, "cross-origin")
        decision = str(form.get("decision", ""))
        comment = str(form.get("comment", "")).strip()[:2000]
        if decision not in ("approve", "reject"):
            return refused(request, "bad")
        try:
            approval = links.redeem(request.path_params["token"])
        except LinkError as exc:
            return refused(request, exc.reason)
        actor = f"approver:{approval.approver}"
        store = console.services.quarantine
        try:
            if decision == "approve":
                entry = store.release(approval.entry_id, actor=actor, relay=console.services.relay())
            else:  # claimed from held first: a racing release or timeout sweep cannot be shredded under
                entry = reject(
                    store, approval.entry_id, actor=actor, note=f"rejected: {comment}" if comment else "rejected"
                )
        except (QuarantineError, IntegrityError, ReleaseRefused, ReleaseIncomplete, SmtpRefused, OSError) as exc:
            console.services.audit.write(
                "console.approval_failed", actor=actor, entry_id=approval.entry_id, error=type(exc).__name__
            )
            return console.render(request, "link.html", {"problem": "failed"}, status_code=409)
        console.services.audit.write(
            f"console.approval_{decision}", actor=actor, entry_id=entry.id, note=comment or None
        )
        try:
            tell_sender(console.services, entry, decision)
        except Exception:  # the decision stands; the notice is on the log
            log.exception("could not tell the sender of %s", entry.id)
        return console.render(request, "link.html", {"e": entry, "decided": decision})

    cancels = cancel_links(console.services)

    def held_for(request: Request, token: str) -> Entry | Response:
        """The entry a sender's cancel link names (the link read, not used up), or the refusal."""
        try:
            return console.services.quarantine.get(cancels.read(token).entry_id)
        except LinkError as exc:
            return refused(request, exc.reason)
        except QuarantineError:
            return refused(request, "bad")

    async def cancel_confirm(request: Request) -> Response:
        """送信一時保留: the sender's cancel link shows the mail; only the POST cancels it."""
        token = request.path_params["token"]
        entry = held_for(request, token)
        if isinstance(entry, Response):
            return entry
        if entry.state != "held":
            return console.render(request, "cancel.html", {"problem": "link_decided", "e": entry}, status_code=410)
        return console.render(request, "cancel.html", {"e": entry, "token": token})

    async def cancel(request: Request) -> Response:
        if not same_origin(request):
            return refused(request, "cross-origin")
        form = await request.form()
        if form.get("decision") == "override":
            return await override(request, str(form.get("justification", "")).strip()[:2000])
        try:
            link = cancels.redeem(request.path_params["token"])
        except LinkError as exc:
            return refused(request, exc.reason)
        actor = f"sender:{link.approver}"
        try:  # held -> deleted in one update: a racing sweep release and this cancel, one wins
            entry = reject(console.services.quarantine, link.entry_id, actor=actor, note="cancelled by the sender")
        except (QuarantineError, OSError) as exc:
            error = type(exc).__name__
            console.services.audit.write("console.cancel_failed", actor=actor, entry_id=link.entry_id, error=error)
            return console.render(request, "cancel.html", {"problem": "link_decided"}, status_code=409)
        console.services.audit.write("console.cancelled", actor=actor, entry_id=entry.id)
        return console.render(request, "cancel.html", {"e": entry, "cancelled": True})

    async def override(request: Request, justification: str) -> Response:
        """A sender sends a delayed mail at once despite a warning, with a written justification
        (as Purview's policy tips allow): only for a warn-level verdict, never for what an
        approver or the officer must decide; the link is used up; audited with the reason."""
        token = request.path_params["token"]
        entry = held_for(request, token)
        if isinstance(entry, Response):
            return entry
        if entry.action != "warn" or entry.state != "held":
            return refused(request, "bad")
        if not justification:
            context = {"e": entry, "token": token, "problem": "justification_needed"}
            return console.render(request, "cancel.html", context, status_code=400)
        try:
            link = cancels.redeem(token)
        except LinkError as exc:
            return refused(request, exc.reason)
        actor = f"sender:{link.approver}"
        try:
            entry = console.services.quarantine.release(entry.id, actor=actor, relay=console.services.relay())
        except (QuarantineError, IntegrityError, ReleaseRefused, ReleaseIncomplete, SmtpRefused, OSError) as exc:
            error = type(exc).__name__
            console.services.audit.write("console.override_failed", actor=actor, entry_id=entry.id, error=error)
            return console.render(request, "cancel.html", {"problem": "failed"}, status_code=409)
        console.services.audit.write(
            "console.sender_override",
            actor=actor,
            entry_id=entry.id,
            clause=entry.clause,
            justification=justification,
        )
        return console.render(request, "cancel.html", {"e": entry, "overridden": True})

    return [
        Route("/approve/{token}", confirm, methods=["GET"]),
        Route("/approve/{token}", decide, methods=["POST"]),
        Route("/cancel/{token}", cancel_confirm, methods=["GET"]),
        Route("/cancel/{token}", cancel, methods=["POST"]),
    ]
