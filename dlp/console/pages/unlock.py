"""Officers unlock throttled sign-ins: the accounts and client addresses that wait now, and a
button (POST with the CSRF token) that forgets their failures, audited as
``console.user_unlock`` (as `dlp console user unlock` is). Other roles get 403."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dlp.console.auth import Session

if TYPE_CHECKING:
    from dlp.console.web import Console


def routes(console: Console) -> list[BaseRoute]:
    def officer(request: Request, session: Session) -> None:
        if session.user.role != "officer":
            console.refused(request, session.user, f"unlock not allowed for {session.user.role}")

    async def page(request: Request) -> Response:
        session = console.signed_in(request)
        officer(request, session)
        rows = console.accounts.throttled()
        return console.render(request, "throttled.html", {"rows": rows, "done": request.query_params.get("done")})

    async def unlock(request: Request) -> Response:
        form = await request.form()
        session = console.acting(request, form)
        officer(request, session)
        key = str(form.get("key", ""))[:300]
        kind, _, who = key.partition(":")
        if kind not in ("user", "ip") or not who:
            return RedirectResponse("/throttled", status_code=303)
        cleared = console.accounts.unlock(key)
        console.services.audit.write(
            "console.user_unlock",
            actor=console.actor(session.user),
            user=who if kind == "user" else None,
            client=who if kind == "ip" else None,
            cleared=cleared,
        )
        return RedirectResponse("/throttled?done=1", status_code=303)

    return [
        Route("/throttled", page, methods=["GET"]),
        Route("/throttled/unlock", unlock, methods=["POST"]),
    ]
