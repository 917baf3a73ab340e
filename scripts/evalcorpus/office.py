"""Documents in the formats other programs write: tables in docx and HTML, mails as .eml.

Leading title rows (only the first cell filled) become paragraphs above the table. Labels keep
their sheet-style ``row``/``col``; the evaluation compares values for these formats, since an
extractor's offsets are not into the file's bytes.
"""

from __future__ import annotations

import html
import io
import zlib

from scripts.evalcorpus.model import Doc


def split_title(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """(title lines, table rows): leading rows whose cells after the first are all empty."""
    n = 0
    while n < len(rows) and len(rows[n]) > 1 and not any(rows[n][1:]):
        n += 1
    return [r[0] for r in rows[:n] if r[0]], rows[n:]


def render_docx(doc: Doc) -> bytes:
    import docx

    titles, rows = split_title(doc.rows)
    d = docx.Document()
    for t in titles:
        d.add_paragraph(t)
    table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for row_obj, row in zip(table.rows, rows, strict=True):  # row.cells once a row: table.cell() is slow
        for cell_obj, cell in zip(row_obj.cells, row, strict=False):
            cell_obj.text = cell
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render_html(doc: Doc) -> bytes:
    titles, rows = split_title(doc.rows)
    out = ['<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>一覧</title></head><body>']
    out += [f"<h2>{html.escape(t)}</h2>" for t in titles]
    out.append('<table border="1">')
    for i, row in enumerate(rows):
        tag = "th" if i == 0 and doc.family != "headerless_list" else "td"
        out.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row) + "</tr>")
    out.append("</table></body></html>\n")
    return "\n".join(out).encode("utf-8")


def render_eml(doc: Doc) -> bytes:
    """The pasted mail text as the message itself: From/To/Subject headers, a UTF-8 body.

    The text's leading ``From:``/``To:`` lines become headers, the ``件名:`` line the subject
    and the rest the body, so every labelled value is in the message (the From display
    name RFC 2047-encoded, as mail clients write it)."""
    from email.message import EmailMessage
    from email.policy import SMTP

    head, _, body = doc.text.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = fields["From"]
    msg["To"] = fields["To"]
    msg["Subject"] = fields["件名"]
    msg["Date"] = "Mon, 30 Nov 2026 10:00:00 +0900"
    msg["Message-ID"] = f"<{zlib.crc32(doc.text.encode())}@example.jp>"
    msg.set_content(body, charset="utf-8", cte="base64" if len(body) % 2 else "8bit")
    return msg.as_bytes()
