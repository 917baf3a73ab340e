"""Hostile input never crashes the scan and never passes unseen: it gets a defined reason."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Action, Item, Segment, Unscannable, UnscannableReason
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES


def _parts(data: bytes, name: str, limits: Limits | None = None) -> list[Segment | Unscannable]:
    return list(extract(Item.from_bytes(data, name), limits or Limits()))


def _reasons(parts: list[Segment | Unscannable]) -> set[str]:
    return {p.reason.value for p in parts if isinstance(p, Unscannable)}


def test_zip_bomb_by_ratio(settings) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("zeros.bin", b"\0" * 50_000_000)
        z.writestr("note.txt", "携帯 090-1234-5678")
    assert len(buffer.getvalue()) < 100_000
    verdict = scan_item(Item.from_bytes(buffer.getvalue(), "bomb.zip"), settings)
    assert "compression_ratio" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE
    assert "PHONE" in verdict.counts  # the rest of the archive is still read


def test_overlapping_entries_are_a_bomb() -> None:
    """Two directory entries pointing at one local header (CVE-2024-0450's quoted overlap)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", "A" * 5000)
    data = bytearray(buffer.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    eocd = data.rfind(b"PK\x05\x06")
    entry = bytes(data[cd:eocd])
    second = bytearray(entry)
    second[46:51] = b"b.txt"
    new = bytes(data[:cd]) + entry + bytes(second)
    count = struct.pack("<H", 2)
    cd_size = struct.pack("<I", len(entry) * 2)
    tail = bytearray(data[eocd:])
    tail[8:10] = count
    tail[10:12] = count
    tail[12:16] = cd_size
    assert zipfile.ZipFile(io.BytesIO(new + bytes(tail))).namelist() == ["a.txt", "b.txt"]
    parts = _parts(new + bytes(tail), "overlap.zip")
    assert "compression_ratio" in _reasons(parts)
    assert any("CVE-2024-0450" in p.detail for p in parts if isinstance(p, Unscannable))


def test_too_many_members() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for i in range(30):
            z.writestr(f"f{i}.txt", "x")
    assert "too_many_members" in _reasons(_parts(buffer.getvalue(), "many.zip", Limits(max_members=20)))


def test_nesting_depth_limit() -> None:
    data = "携帯 090-1234-5678".encode()
    for level in range(8):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr(f"level{level}.zip" if level else "note.txt", data)
        data = buffer.getvalue()
    assert "too_deep" in _reasons(_parts(data, "deep.zip", Limits(max_depth=5)))


def test_billion_laughs_in_a_workbook() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
        + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";" if i else "&a;") * 10}">' for i in range(8))
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&l7;</t></si></sst>'
    )
    data = _workbook_with(shared_strings=lol)
    parts = _parts(data, "lol.xlsx")
    assert sum(len(p.text) for p in parts if isinstance(p, Segment)) < 1_000_000
    assert _reasons(parts) & {"corrupt"}


def test_shared_string_amplification_stops_at_the_text_budget() -> None:
    """47 KB on disk, 10^9 characters of cells: the character budget ends it, fast."""
    big = "個" * 50_000
    shared = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{big}</t></si></sst>'
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 2001)
    )
    data = _workbook_with(shared_strings=shared, sheet_rows=rows)
    assert len(data) < 200_000
    parts = _parts(data, "amp.xlsx", Limits(max_extra_chars=5_000_000))
    assert "too_much_text" in _reasons(parts)
    assert sum(len(p.text) for p in parts if isinstance(p, Segment)) < 10_000_000


@pytest.mark.slow  # builds and walks a deep mail
def test_deep_mime_is_too_deep(settings) -> None:
    depth = 1000
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    tail = "".join(f"\n--b{i}--\n" for i in reversed(range(depth)))
    mail = (
        f"From: a@example.jp\nTo: b@example.jp\nSubject: deep\nMIME-Version: 1.0\n{head}"
        f"Content-Type: text/plain\n\n携帯 090-1234-5678\n{tail}"
    )
    verdict = scan_item(Item.from_bytes(mail.encode(), "deep.eml"), settings)
    assert "too_deep" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE


@pytest.mark.parametrize(
    "name",
    [
        "report_cid.pdf",
        "customer_book.xlsx",
        "contract_tracked.docx",
        "briefing.pptx",
        "nested.zip",
        "mail_iso2022jp.eml",
    ],
)
def test_truncated_files_get_a_reason(settings, name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        verdict = scan_item(Item.from_bytes(data[:cut], name), settings)
        assert verdict.action is not None  # never an exception
        if not verdict.findings:
            assert verdict.unscannable, f"{name} cut at {cut}: neither text nor a reason"


def test_a_file_with_the_wrong_extension_is_read_for_what_it_is(settings) -> None:
    pdf = (FIXTURES / "report_cid.pdf").read_bytes()
    verdict = scan_item(Item.from_bytes(pdf, "notes.txt"), settings)
    assert any(f.locator.endswith("#page1") for f in verdict.findings)


def test_hostile_mail_headers_do_not_stop_the_scan(settings) -> None:
    mail = (
        b"From: a@example.jp\r\nTo: (c):\r\nMessage-ID: <[b378@microsoft.com]>\r\n"
        b"Content-Type: text/plain; name*\r\nSubject: =?iso-2022-jp?B?GyRCJUEhPCVrGyhC?=\r\n\r\n"
        + "携帯 090-1234-5678\r\n".encode()
    )
    verdict = scan_item(Item.from_bytes(mail, "bad.eml"), settings)
    assert "PHONE" in verdict.counts


def test_password_zip_names_are_still_scanned(settings) -> None:
    verdict = scan_item(Item.from_path(FIXTURES / "ppap_aes.zip"), settings)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.ENCRYPTED]
    assert verdict.action is Action.QUARANTINE and verdict.clause == "unscannable"


def _workbook_with(shared_strings: str, sheet_rows: str = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>') -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": '<?xml version="1.0"?>' + shared_strings
        if not shared_strings.startswith("<?xml")
        else shared_strings,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()
