"""Sign in and out. Failures are throttled per account and per client address and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dlp.console.web import same_origin

if TYPE_CHECKING:
    from dlp.console.web import Console


def routes(console: Console) -> list[BaseRoute]:
    async def login_page(request: Request) -> Response:
        return console.render(request, "login.html")

    async def login(request: Request) -> Response:
        if not same_origin(request):  # login CSRF: a foreign page signing the browser in as someone else
            console.refused(request, None, "cross-origin")
        form = await request.form()
        name = str(form.get("user", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        client = request.client.host if request.client else "?"
        keys = (f"user:{name}", f"ip:{client}")
        if console.accounts.wait_seconds(*keys) > 0:
            console.services.audit.write("console.login_throttled", actor=f"console:{name}", client=client)
            return console.render(request, "login.html", {"error": "throttled"}, status_code=429)
        user = await run_in_threadpool(console.accounts.verify, name, password)  # argon2 is CPU-bound
        if user is None:
            console.accounts.failed(*keys)
            console.services.audit.write("console.login_failed", actor=f"console:{name}", client=client)
            return console.render(request, "login.html", {"error": "login_failed"}, status_code=401)
        old = request.session.get("sid")
        if old:
            console.accounts.close_session(old)
        session = console.accounts.open_session(user)  # a new id at every sign-in
        request.session.clear()
        request.session["sid"] = session.id
        console.services.audit.write("console.login", actor=console.actor(user), role=user.role, client=client)
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        form = await request.form()
        session = console.acting(request, form)
        console.accounts.close_session(session.id)
        request.session.clear()
        console.services.audit.write("console.logout", actor=console.actor(session.user))
        return RedirectResponse("/login", status_code=303)

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
