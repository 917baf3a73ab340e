"""Charts as SVG written on the server: no script, no CDN, nothing the CSP ('self' only) has to
allow. Each chart has a <title> and <desc> (read by screen readers through aria-labelledby);
the page shows the same numbers in a table. Every text is escaped here, since a clause or a
sender name comes from configuration and mail and is inlined into the page as markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

# colour-blind-safe palette (Okabe-Ito), as presentation attributes (no style="": CSP)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP_PAD = 720, 240, 44, 36, 12


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _frame(chart_id: str, title: str, desc: str, body: list[str], height: int = HEIGHT) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{_e(chart_id)}-t {_e(chart_id)}-d">'
        f'<title id="{_e(chart_id)}-t">{_e(title)}</title><desc id="{_e(chart_id)}-d">{_e(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _legend(names: Sequence[str], y: int) -> list[str]:
    out, x = [], LEFT
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" font-size="11">{_e(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def _axis(top: int, plot_h: int) -> list[str]:
    return [
        f'<text x="{LEFT - 6}" y="{TOP_PAD + 10}" font-size="10" text-anchor="end">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP_PAD + plot_h}" font-size="10" text-anchor="end">0</text>',
        f'<line x1="{LEFT}" y1="{TOP_PAD + plot_h}" x2="{WIDTH - 8}" y2="{TOP_PAD + plot_h}" stroke="#666"/>',
    ]


def _day_labels(days: Sequence[str], step: float, plot_h: int) -> list[str]:
    every = max(1, len(days) // 10)
    return [
        f'<text x="{LEFT + step * (i + 0.5):.1f}" y="{TOP_PAD + plot_h + 14}" font-size="10" '
        f'text-anchor="middle">{_e(d[5:])}</text>'
        for i, d in enumerate(days)
        if i % every == 0
    ]


def stacked_bars(chart_id: str, title: str, desc: str, days: Sequence[str], series: Mapping[str, list[int]]) -> Markup:
    """One bar per day, stacked by series (e.g. channels)."""
    plot_h = HEIGHT - TOP_PAD - BOTTOM
    totals = [sum(s[i] for s in series.values()) for i in range(len(days))]
    top = max(totals, default=0) or 1
    step = (WIDTH - LEFT - 8) / max(1, len(days))
    body = _axis(max(totals, default=0), plot_h)
    for i in range(len(days)):
        y: float = TOP_PAD + plot_h
        for k, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            if values[i]:
                y -= h
                body.append(
                    f'<rect x="{LEFT + step * i + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{_e(days[i])} {_e(name)}: {values[i]}</title></rect>"
                )
    body += _day_labels(days, step, plot_h)
    body += _legend(list(series), HEIGHT - 4)
    return _frame(chart_id, title, desc, body)


def lines(chart_id: str, title: str, desc: str, days: Sequence[str], series: Mapping[str, list[int]]) -> Markup:
    """One line per series (e.g. data types) over the days."""
    plot_h = HEIGHT - TOP_PAD - BOTTOM
    top = max((v for s in series.values() for v in s), default=0) or 1
    step = (WIDTH - LEFT - 8) / max(1, len(days))
    body = _axis(max((v for s in series.values() for v in s), default=0), plot_h)
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(
            f"{LEFT + step * (i + 0.5):.1f},{TOP_PAD + plot_h - plot_h * v / top:.1f}" for i, v in enumerate(values)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{_e(name)}</title></polyline>"
        )
    body += _day_labels(days, step, plot_h)
    body += _legend(list(series), HEIGHT - 4)
    return _frame(chart_id, title, desc, body)


def hbars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars for a top list (clauses, senders, departments), label and count beside."""
    height = TOP_PAD + 20 * max(1, len(rows)) + 8
    top = max((n for _, n in rows), default=0) or 1
    label_w = 260
    body: list[str] = []
    for i, (label, n) in enumerate(rows):
        y = TOP_PAD + 20 * i
        w = (WIDTH - label_w - 60) * n / top
        short = label if len(label) <= 36 else label[:35] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end">{_e(short)}</text>')
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="14" fill="{PALETTE[0]}">'
            f"<title>{_e(label)}: {n}</title></rect>"
        )
        body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11">{n}</text>')
    return _frame(chart_id, title, desc, body, height)
