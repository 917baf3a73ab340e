"""What every page of the console shares: the ``Console`` context (services, accounts,
templates, masker), sign-in and CSRF checks, security headers and the keys. The pages import
it and ``app`` assembles them, so no page imports the application that imports it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dlp.console.auth import Accounts, Session, User, csrf_ok
from dlp.console.i18n import lang_of, translator
from dlp.console.links import ApprovalLinks
from dlp.services import Services

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "cache-control": "no-store",  # pages show personal data (masked, but still)
    # same-origin, not no-referrer: under no-referrer Chromium posts forms with "Origin: null",
    # which the Origin check must refuse; links out still carry no referrer
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


@dataclass
class Console:
    """What every page needs: the services, the accounts, the department map and the masker."""

    services: Services
    accounts: Accounts
    templates: Jinja2Templates
    mask: Callable[[str], str]
    links: ApprovalLinks
    departments: Mapping[str, list[str]] = field(default_factory=dict)
    proxy_header: str = ""

    def actor(self, user: User) -> str:
        return f"console:{user.name}"

    def session(self, request: Request) -> Session | None:
        session = self.accounts.session(request.session.get("sid"))
        if session is None and self.proxy_header:
            # single sign-on: the proxy (the only client that can reach us) names a local user
            name = request.headers.get(self.proxy_header)
            user = self.accounts.user(name) if name else None
            if user is not None:
                session = self.accounts.open_session(user)
                request.session["sid"] = session.id
                self.services.audit.write(
                    "console.login",
                    actor=self.actor(user),
                    role=user.role,
                    via=self.proxy_header,
                    client=_client(request),
                )
        return session

    def signed_in(self, request: Request) -> Session:
        session = self.session(request)
        if session is None:
            raise HTTPException(303, headers={"location": "/login"})
        return session

    def acting(self, request: Request, form: Mapping[str, Any]) -> Session:
        """A state-changing request: signed in, same origin, and the form's CSRF token."""
        session = self.signed_in(request)
        if not same_origin(request):
            self.refused(request, session.user, "cross-origin")
        token = form.get("csrf")
        if not csrf_ok(session, token if isinstance(token, str) else None):
            self.refused(request, session.user, "csrf")
        return session

    def refused(self, request: Request, user: User | None, why: str) -> None:
        self.services.audit.write(
            "console.refused",
            actor=self.actor(user) if user else None,
            why=why,
            path=request.url.path,
            client=_client(request),
        )
        raise HTTPException(403, why)

    def render(
        self, request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
    ) -> Response:
        lang = lang_of(request)
        session = self.session(request)
        ctx = {"t": translator(lang), "lang": lang, "session": session, **(context or {})}
        response = self.templates.TemplateResponse(request, name, ctx, status_code=status_code)
        if request.query_params.get("lang") in ("ja", "en"):
            response.set_cookie(
                "dlp_lang", lang, httponly=True, samesite="strict", secure=request.url.scheme == "https"
            )
        return response


def same_origin(request: Request) -> bool:
    """A browser's own form post: no cross-site Sec-Fetch-Site, and an Origin (when sent) that is ours."""
    origin = request.headers.get("origin")
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    return not origin or origin == f"{request.url.scheme}://{request.url.netloc}"


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


class SecurityHeaders:
    """Adds the headers of SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def session_key(path: Path) -> str:
    """The cookie-signing key: made once (0600), kept across restarts so sessions survive them."""
    from dlp.fsutil import private_file

    if not path.exists() or not path.read_text(encoding="ascii").strip():
        private_file(path).write_text(secrets.token_urlsafe(48), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def approval_links(services: Services, key: str) -> ApprovalLinks:
    """The 上長承認 links, signed with the console's key; used ones kept beside the accounts."""
    return ApprovalLinks(key, services.config.path_of("console", "users_file", "console.sqlite3"))


def default_masker(services: Services) -> Callable[[str], str]:
    """Header values and attachment names go through the detector before they are shown."""
    from dlp.masking import mask_text
    from dlp.settings import Settings

    engine = Settings.load(services.config).engine
    return lambda text: mask_text(text, engine)
