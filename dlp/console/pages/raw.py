"""Raw values of one held entry, for a role that may see them, when the viewer asks.

The detail page shows masked findings only. A role named in ``[console] raw_value_roles``
(officers by default) may press "show raw values" with a written reason: a POST with the CSRF
token that re-extracts the held content through the same pipeline with values kept, and shows
them in that one response (``Cache-Control: no-store``, as every console page; nothing is kept
on the server). Each view is audited as ``console.raw_view`` with who, which entry and why —
never the values. Other roles get 403 (audited as ``console.refused``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dlp.actions.crypto import IntegrityError
from dlp.actions.entries import Entry, QuarantineError
from dlp.console.pages.queue import entry_for
from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.settings import Settings

if TYPE_CHECKING:
    from dlp.console.web import Console

SHOWN = 500  # findings on the page; the rest are counted


def routes(console: Console) -> list[BaseRoute]:
    loaded: list[Settings] = []  # loaded at the first view: the rules cost a second or so

    def settings() -> Settings:
        if not loaded:
            loaded.append(Settings.load(console.services.config, keep_values=True))
        return loaded[0]

    def findings(entry: Entry) -> list[dict[str, Any]]:
        """The entry's findings with their values, from its held content (CPU-bound: a thread)."""
        store = console.services.quarantine
        data = store.content(entry.id)
        private = store.get(entry.id, private=True).private
        name = "mail.eml" if entry.channel == "mail" else str(private.get("name") or "item.bin")
        verdict = scan_item(Item.from_bytes(data, name, channel=entry.channel), settings())
        return [{"type": f.type, "value": f.value or "", "locator": f.locator} for f in verdict.findings]

    async def raw(request: Request) -> Response:
        form = await request.form()
        session = console.acting(request, form)
        entry = entry_for(console, request, session, request.path_params["entry_id"])
        if session.user.role not in console.services.config.get("console", "raw_value_roles"):
            console.refused(request, session.user, f"raw values not allowed for {session.user.role}")
        reason = str(form.get("reason", "")).strip()[:2000]
        if not reason:
            return RedirectResponse(f"/entry/{entry.id}?error=reason_needed", status_code=303)
        actor = console.actor(session.user)
        try:
            found = await run_in_threadpool(findings, entry)
        except (QuarantineError, IntegrityError, OSError) as exc:
            console.services.audit.write(
                "console.raw_view_failed", actor=actor, entry_id=entry.id, error=type(exc).__name__
            )
            return RedirectResponse(f"/entry/{entry.id}?error=failed", status_code=303)
        console.services.audit.write(
            "console.raw_view",
            actor=actor,
            role=session.user.role,
            entry_id=entry.id,
            channel=entry.channel,
            reason=reason,
            findings=len(found),
        )
        response = console.render(
            request, "raw.html", {"e": entry, "findings": found[:SHOWN], "more": max(len(found) - SHOWN, 0)}
        )
        response.headers["pragma"] = "no-cache"
        return response

    return [Route("/entry/{entry_id}/raw", raw, methods=["POST"])]
