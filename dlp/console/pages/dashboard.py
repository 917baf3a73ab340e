"""The dashboard (trend over 7 or 30 days), its CSV export, and the monthly report printable
as PDF for the 個人情報管理責任者. Officers and auditors see everything; an approver sees only
their department's senders. Figures come from the audit trail (dlp/console/stats.py) and the
held queue; every view and export is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dlp.console.auth import Session
from dlp.console.i18n import lang_of
from dlp.console.stats import TOP, Stats, aggregate, month_window, window
from dlp.report import charts

if TYPE_CHECKING:
    from dlp.console.web import Console

ROLES = ("officer", "auditor", "approver")
TEXTS: dict[str, tuple[str, str]] = {
    "dashboard": ("ダッシュボード", "Dashboard"),
    "report": ("月次報告書", "Monthly report"),
    "days": ("期間", "Period"),
    "last_days": ("直近{n}日間", "last {n} days"),
    "per_day_channel": ("日別の判定件数（経路別）", "Verdicts per day by channel"),
    "per_day_type": ("日別の判定件数（検出種別別）", "Verdicts per day by data type"),
    "actions": ("判定の内訳", "Verdicts by action"),
    "top_clauses": ("適用が多い条項", "Top clauses"),
    "top_senders": ("件数が多い送信者", "Top senders"),
    "top_departments": ("件数が多い部署", "Top departments"),
    "decisions": ("保留の処理結果", "Held items decided"),
    "release_ratio": ("解放率（解放 ÷ (解放＋却下)）", "Release ratio (released / (released + rejected))"),
    "held_age": ("保留中の経過時間", "Age of items still held"),
    "day": ("日付", "Day"),
    "count": ("件数", "Count"),
    "name": ("名称", "Name"),
    "total": ("合計", "Total"),
    "verdicts": ("判定件数", "Verdicts"),
    "skipped": ("読めなかった監査ログの行", "Unreadable audit lines"),
    "csv": ("CSV でダウンロード", "Download CSV"),
    "print": ("印刷して PDF に保存できます。", "Print it to save a PDF."),
    "scope": ("範囲", "Scope"),
    "scope_all": ("全部署", "all departments"),
    "scope_dept": ("部署: {d}", "department: {d}"),
    "released": ("解放", "released"),
    "rejected": ("却下", "rejected"),
    "deleted": ("削除", "deleted"),
    "chart_desc": ("数値は下の表にも示します。", "The numbers are also in the table below."),
    "no_data": ("データがありません。", "No data."),
    "signature": ("個人情報管理責任者 確認欄", "Checked by the personal information manager"),
    "made": ("作成日時", "Made at"),
    "month": ("対象月", "Month"),
    "show": ("表示", "Show"),
}


def texts(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in TEXTS.items()}


def both() -> dict[str, str]:
    """Japanese first, English after: the report is read by both."""
    return {k: f"{ja} / {en}" for k, (ja, en) in TEXTS.items()}


def routes(console: Console) -> list[BaseRoute]:
    def viewer(request: Request) -> Session:
        session = console.signed_in(request)
        if session.user.role not in ROLES:
            console.refused(request, session.user, "dashboard not allowed")
        return session

    def scope(session: Session) -> str | None:
        """None: everything; an approver: their own department (nothing if they have none)."""
        if session.user.role == "approver":
            return session.user.department or ""  # matches no sender: an approver without one sees nothing
        return None

    def figures(session: Session, start: dt.date, end: dt.date) -> Stats:
        services = console.services
        entries = services.quarantine.list()
        # only the window's lines are read: senders of older held entries come from the store
        since = dt.datetime.combine(start, dt.time()).astimezone()
        return aggregate(
            services.audit.read(since, unreadable=True),
            start,
            end,
            departments=console.departments,
            department=scope(session),
            held=[e for e in entries if e.state == "held"],
            entry_senders={e.id: e.sender for e in entries},
            now=time.time(),
        )

    def period(request: Request) -> tuple[int, dt.date, dt.date]:
        days = 30 if request.query_params.get("days") == "30" else 7
        start, end = window(dt.date.today(), days)
        return days, start, end

    def charts_of(stats: Stats, t: dict[str, str]) -> dict[str, Any]:
        channels = [c for c, _ in stats.channels.most_common()]
        types = [c for c, _ in stats.types.most_common(6)]
        desc = t["chart_desc"]
        return {
            "channel_series": stats.series(stats.per_day_channel, channels),
            "type_series": stats.series(stats.per_day_type, types),
            "chart_channel": charts.stacked_bars(
                "chart-channel", t["per_day_channel"], desc, stats.days, stats.series(stats.per_day_channel, channels)
            ),
            "chart_type": charts.lines(
                "chart-type", t["per_day_type"], desc, stats.days, stats.series(stats.per_day_type, types)
            ),
            "chart_clauses": charts.hbars("chart-clauses", t["top_clauses"], desc, stats.clauses.most_common(TOP)),
            "chart_departments": charts.hbars(
                "chart-departments", t["top_departments"], desc, stats.departments.most_common(TOP)
            ),
            "chart_age": charts.hbars(
                "chart-age", t["held_age"], desc, [(label, int(n)) for label, n in stats.tables()["held_age"]]
            ),
        }

    async def dashboard(request: Request) -> Response:
        session = viewer(request)
        days, start, end = period(request)
        stats = figures(session, start, end)
        d = texts(lang_of(request))
        console.services.audit.write(
            "console.dashboard", actor=console.actor(session.user), days=days, department=scope(session)
        )
        return console.render(
            request,
            "dashboard.html",
            {"s": stats, "d": d, "days": days, "top": TOP, "dept": session.user.department, **charts_of(stats, d)},
        )

    async def export_csv(request: Request) -> Response:
        session = viewer(request)
        days, start, end = period(request)
        stats = figures(session, start, end)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["table", "key", "detail", "count"])
        for table, rows in stats.tables().items():
            for row in rows:
                writer.writerow([table, *row[:-1], *([""] * (3 - len(row))), row[-1]])
        console.services.audit.write(
            "console.dashboard_export",
            actor=console.actor(session.user),
            days=days,
            department=scope(session),
            rows=sum(len(r) for r in stats.tables().values()),
        )
        name = f"dlp-dashboard-{start.isoformat()}-{days}d.csv"
        return Response(
            "\ufeff" + out.getvalue(),  # BOM: Excel opens UTF-8 Japanese correctly
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    async def report(request: Request) -> Response:
        session = viewer(request)
        month = request.query_params.get("month") or dt.date.today().strftime("%Y-%m")
        try:
            start, end = month_window(month)
        except ValueError:
            raise HTTPException(400, "month: YYYY-MM") from None
        stats = figures(session, start, end)
        d = both()
        console.services.audit.write(
            "console.report", actor=console.actor(session.user), month=month, department=scope(session)
        )
        return console.render(
            request,
            "report.html",
            {
                "s": stats,
                "d": d,
                "month": month,
                "top": TOP,
                "dept": session.user.department if scope(session) else None,
                "made": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                **charts_of(stats, d),
            },
        )

    return [
        Route("/dashboard", dashboard),
        Route("/dashboard.csv", export_csv),
        Route("/report", report),
    ]
