"""The console's ASGI application: routes from pages/, sessions, CSRF, security headers.

``create_app`` takes the same ``Services`` the CLI builds (one quarantine store, one audit
trail), so every action here is the store's own (release stays exactly-once)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from dlp.console.auth import SESSION_SECONDS, Accounts
from dlp.console.web import HERE, Console, SecurityHeaders, approval_links, default_masker, session_key
from dlp.services import Services


def create_app(
    services: Services,
    *,
    secure: bool = True,
    accounts: Accounts | None = None,
    mask: Callable[[str], str] | None = None,
) -> Starlette:
    """The application. ``secure``: cookies only over HTTPS (off only for loopback tests)."""
    from dlp.console.pages import approve, dashboard, login, queue, raw, unlock

    config = services.config
    accounts = accounts or Accounts(config.path_of("console", "users_file", "console.sqlite3"))
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape: every name is *.html
    key = session_key(config.path_of("console", "session_key_file", "console.key"))
    console = Console(
        services=services,
        accounts=accounts,
        templates=templates,
        mask=mask or default_masker(services),
        links=approval_links(services, key),
        departments=config.get("console", "departments"),
        proxy_header=config.get("console", "trusted_proxy_header"),
    )
    routes = [
        *login.routes(console),
        *raw.routes(console),  # before queue's /entry/{id}/{action}
        *queue.routes(console),
        *approve.routes(console),
        *dashboard.routes(console),
        *unlock.routes(console),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=key,
            session_cookie="dlp_session",
            max_age=SESSION_SECONDS,
            same_site="strict",
            https_only=secure,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.console = console
    return app
