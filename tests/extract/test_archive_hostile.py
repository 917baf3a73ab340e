"""Issue 9 item 6: archives built to show a scanner less than unzip, GNU tar or 7-Zip show a
person. Each archive is made by a real library and then edited the way an attacker would; the
hidden value must be found (or the archive gets an unscannable reason), never a silent allow."""

from __future__ import annotations

import io
import struct
import subprocess
import tarfile
import zipfile
import zlib
from pathlib import Path

import py7zr
import pytest

from dlp.model import Action, Item, Verdict
from dlp.pipeline import scan_item
from tests.extract.hostile_files import customer_csv

SECRET = "連絡先 090-1234-5678 マイナンバー 1234 5678 9018\n".encode()
PUBLIC = b"meeting notes, nothing personal here\n" * 3


def _scan(settings, data: bytes, name: str) -> Verdict:
    return scan_item(Item.from_bytes(data, name), settings)


def _found(verdict: Verdict) -> bool:
    return "MY_NUMBER" in verdict.counts and "PHONE" in verdict.counts


def _zip(data: bytes, method: int, name: str = "notes.txt") -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        z.writestr(name, data)
    return bytearray(buffer.getvalue())


def _set(
    z: bytearray, *, crc: int, csize: int | None = None, usize: int, where: tuple[str, ...] = ("lh", "cd")
) -> bytes:
    """Rewrite the CRC and sizes of the first entry in its local header and/or directory."""
    lh, cd = 0, z.rfind(b"PK\x01\x02")
    for tag, at in (("lh", lh + 14), ("cd", cd + 16)):
        if tag in where:
            z[at : at + 4] = struct.pack("<I", crc)
            if csize is not None:
                z[at + 4 : at + 8] = struct.pack("<I", csize)
            z[at + 8 : at + 12] = struct.pack("<I", usize)
    return bytes(z)


def _unzip(tmp_path: Path, data: bytes) -> bytes:
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    return subprocess.run(["unzip", "-p", str(path)], capture_output=True, check=False).stdout


def test_zip_declared_size_shorter_than_the_deflate_stream(settings, tmp_path: Path) -> None:
    """Sizes and CRC declare only the harmless start: zipfile stops there without a word,
    unzip inflates the whole stream and shows the rest."""
    data = _set(_zip(PUBLIC + SECRET, zipfile.ZIP_DEFLATED), crc=zlib.crc32(PUBLIC), usize=len(PUBLIC))
    assert zipfile.ZipFile(io.BytesIO(data)).read("notes.txt") == PUBLIC
    assert SECRET in _unzip(tmp_path, data)
    verdict = _scan(settings, data, "a.zip")
    assert _found(verdict)
    assert "corrupt" in {u.reason.value for u in verdict.unscannable}


def test_zip_stored_entry_with_a_short_directory_size(settings, tmp_path: Path) -> None:
    """A stored entry whose central directory says fewer bytes than its local header: unzip
    reads by the local header."""
    z = _zip(PUBLIC + SECRET, zipfile.ZIP_STORED)
    data = _set(z, crc=zlib.crc32(PUBLIC), csize=len(PUBLIC), usize=len(PUBLIC), where=("cd",))
    assert SECRET in _unzip(tmp_path, data)
    assert _found(_scan(settings, data, "a.zip"))


def test_zip_stored_entry_shorter_than_its_data(settings) -> None:
    """Both headers say fewer bytes than are stored: the rest sits between the entries, where
    no directory points. It is read as unlisted data."""
    z = _zip(PUBLIC + SECRET, zipfile.ZIP_STORED)
    data = _set(z, crc=zlib.crc32(PUBLIC), csize=len(PUBLIC), usize=len(PUBLIC))
    assert zipfile.ZipFile(io.BytesIO(data)).read("notes.txt") == PUBLIC
    verdict = _scan(settings, data, "a.zip")
    assert _found(verdict)
    assert verdict.action is Action.BLOCK


def test_zip_compressed_size_shorter_than_the_stream(settings) -> None:
    z = _zip(PUBLIC + SECRET, zipfile.ZIP_DEFLATED)
    cd = z.rfind(b"PK\x01\x02")
    csize = struct.unpack("<I", z[cd + 20 : cd + 24])[0]
    start = 30 + len("notes.txt")
    part = zlib.decompressobj(-15).decompress(bytes(z[start : start + csize - 12]))
    data = _set(z, crc=zlib.crc32(part), csize=csize - 12, usize=len(part))
    assert SECRET not in zipfile.ZipFile(io.BytesIO(data)).read("notes.txt")
    verdict = _scan(settings, data, "a.zip")
    assert _found(verdict)


def test_two_zips_in_one_file(settings, tmp_path: Path) -> None:
    """zip1 + zip2 concatenated: zipfile and unzip list only zip2; zip1's members are still
    stored in the file (7-Zip and a hex editor show them)."""
    hidden = bytes(_zip(customer_csv(), zipfile.ZIP_DEFLATED, "customers.csv"))
    cover = bytes(_zip(PUBLIC, zipfile.ZIP_DEFLATED, "readme.txt"))
    data = hidden + cover
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["readme.txt"]
    verdict = _scan(settings, data, "a.zip")
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


def test_zip_after_prepended_text(settings, tmp_path: Path) -> None:
    """Bytes in front of a ZIP (a self-extractor's stub, or a text): unzip still reads it."""
    data = b"README\n" * 20_000 + bytes(_zip(customer_csv(), zipfile.ZIP_DEFLATED, "customers.csv"))
    assert _unzip(tmp_path, data) == customer_csv()
    verdict = _scan(settings, data, "notes.txt")
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


def test_zip_member_names_that_collide(settings) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", PUBLIC)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("notes.txt", SECRET)
    assert _found(_scan(settings, buffer.getvalue(), "a.zip"))


def test_zip_comments_are_scanned(settings, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", PUBLIC)
        z.comment = SECRET
    path = tmp_path / "a.zip"
    path.write_bytes(buffer.getvalue())
    assert SECRET in subprocess.run(["unzip", "-z", str(path)], capture_output=True, check=False).stdout
    assert _found(_scan(settings, buffer.getvalue(), "a.zip"))


def test_tar_member_with_an_unknown_type_flag(settings, tmp_path: Path) -> None:
    """GNU tar extracts a member with an unknown type flag as a regular file."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = len(SECRET)
        info.type = b"Z"
        tar.addfile(info, io.BytesIO(SECRET))
    path = tmp_path / "a.tar"
    path.write_bytes(buffer.getvalue())
    shown = subprocess.run(["tar", "-xOf", str(path)], capture_output=True, check=False).stdout
    assert SECRET in shown
    assert _found(_scan(settings, buffer.getvalue(), "a.tar"))


def _7z_with_names(members: list[tuple[str, str, bytes]]) -> bytes:
    """A 7z whose member names are set after writing (py7zr refuses to write absolute or
    ``../`` names; 7-Zip and other writers do store them). The header is left unencoded so the
    UTF-16 names can be replaced, and both CRCs are recomputed."""
    buffer = io.BytesIO()
    archive = py7zr.SevenZipFile(buffer, "w")
    archive.encoded_header_mode = False
    for placeholder, _, data in members:
        archive.writestr(data, placeholder)
    archive.close()
    raw = bytearray(buffer.getvalue())
    for placeholder, name, _ in members:
        old, new = placeholder.encode("utf-16-le"), name.encode("utf-16-le")
        assert len(old) == len(new)
        at = raw.find(old)
        raw[at : at + len(old)] = new
    offset, size = struct.unpack("<QQ", raw[12:28])
    raw[28:32] = struct.pack("<I", zlib.crc32(bytes(raw[32 + offset : 32 + offset + size])))
    raw[8:12] = struct.pack("<I", zlib.crc32(bytes(raw[12:32])))
    return bytes(raw)


def test_7z_absolute_and_parent_member_names_are_scanned(settings) -> None:
    data = _7z_with_names(
        [
            ("Xetc/customers.csv", "/etc/customers.csv", customer_csv()),
            ("XX/notes.txt", "../notes.txt", SECRET),
        ]
    )
    names = [e.filename for e in py7zr.SevenZipFile(io.BytesIO(data)).list()]
    assert names == ["/etc/customers.csv", "../notes.txt"]
    verdict = _scan(settings, data, "a.7z")
    assert _found(verdict)
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


def test_7z_member_names_that_collide(settings) -> None:
    data = _7z_with_names([("notes.txt", "notes.txt", PUBLIC), ("notes.txt", "notes.txt", SECRET)])
    assert _found(_scan(settings, data, "a.7z"))


def test_tar_with_a_broken_header_in_the_middle(settings, tmp_path: Path) -> None:
    """tarfile stops at the first invalid header after the start and reports nothing; GNU tar
    says "Skipping to next header" and reads on. The rest is read, and the archive is corrupt."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in (("a.txt", PUBLIC), ("notes.txt", SECRET), ("c.csv", customer_csv())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    raw = bytearray(buffer.getvalue())
    second = 512 + (len(PUBLIC) + 511) // 512 * 512
    raw[second + 148 : second + 156] = b"0000000\0"  # a wrong header checksum
    path = tmp_path / "a.tar"
    path.write_bytes(bytes(raw))
    gnu = subprocess.run(["tar", "-xOf", str(path)], capture_output=True, check=False)
    assert gnu.returncode != 0 and customer_csv() in gnu.stdout
    with tarfile.open(fileobj=io.BytesIO(bytes(raw))) as plain:
        assert [m.name for m in plain] == ["a.txt"]
    verdict = _scan(settings, bytes(raw), "a.tar")
    assert "corrupt" in {u.reason.value for u in verdict.unscannable}
    assert verdict.records >= 100 and _found(verdict)


def test_zip_appended_to_a_pdf(settings, tmp_path: Path) -> None:
    """A PDF viewer shows the page, unzip shows the customer list appended after %%EOF."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Quarterly report")
    page.save()
    data = buffer.getvalue() + bytes(_zip(customer_csv(), zipfile.ZIP_DEFLATED, "customers.csv"))
    assert _unzip(tmp_path, data) == customer_csv()
    verdict = _scan(settings, data, "report.pdf")
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


def test_zip_data_descriptor_declaring_less(settings, tmp_path: Path) -> None:
    """A streamed entry (sizes in a data descriptor, general-purpose bit 3) whose directory and
    descriptor declare only the harmless start of the deflate stream."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.out = io.BytesIO()

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:
            return self.out.write(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("notes.txt", PUBLIC + SECRET)
    z = bytearray(sink.out.getvalue())
    assert struct.unpack("<H", z[6:8])[0] & 0x8
    descriptor = z.find(b"PK\x07\x08")
    z[descriptor + 4 : descriptor + 8] = struct.pack("<I", zlib.crc32(PUBLIC))
    z[descriptor + 12 : descriptor + 16] = struct.pack("<I", len(PUBLIC))
    data = _set(z, crc=zlib.crc32(PUBLIC), usize=len(PUBLIC), where=("cd",))
    assert zipfile.ZipFile(io.BytesIO(data)).read("notes.txt") == PUBLIC
    assert SECRET in _unzip(tmp_path, data)
    verdict = _scan(settings, data, "a.zip")
    assert _found(verdict)
    assert "corrupt" in {u.reason.value for u in verdict.unscannable}


def test_data_after_the_zip_end_record(settings) -> None:
    """zipfile accepts bytes after the end record (and its comment); they are read too."""
    data = bytes(_zip(PUBLIC, zipfile.ZIP_DEFLATED)) + SECRET
    assert zipfile.ZipFile(io.BytesIO(data)).read("notes.txt") == PUBLIC
    assert _found(_scan(settings, data, "a.zip"))


def _compressed(kind: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma

    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_plain_text_after_a_compressed_stream_is_read(settings, kind: str) -> None:
    """bzip2 and xz readers drop bytes after the last stream without a word (Python's BZ2File
    and LZMAFile treat them as the end): a customer list appended to a compressed memo went out
    as allow, while cat and less show it. The trailing bytes are read as they are, and said."""
    data = _compressed(kind, PUBLIC) + SECRET
    verdict = _scan(settings, data, f"memo.txt.{kind}")
    assert _found(verdict), (verdict.action, verdict.unscannable)
    assert any(u.reason.value == "corrupt" for u in verdict.unscannable)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_every_stream_of_a_multi_stream_file_is_read(settings, kind: str) -> None:
    """gzip -d, bzcat and xzcat print every member of a concatenated file."""
    data = _compressed(kind, PUBLIC) + _compressed(kind, SECRET)
    verdict = _scan(settings, data, f"memo.txt.{kind}")
    assert _found(verdict)
    assert verdict.unscannable == []


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_a_compressed_file_cut_short_is_read_as_far_as_it_goes(settings, kind: str) -> None:
    data = _compressed(kind, SECRET + PUBLIC * 200)
    verdict = _scan(settings, data[: len(data) - 20], f"memo.txt.{kind}")
    assert verdict.action >= Action.QUARANTINE


def test_text_in_a_tar_pax_record_is_read(settings) -> None:
    """A PAX extended header (tar --pax-option, Python's tarfile) carries free text records:
    `tar --list --verbose` and any tar library show them. A My Number hidden in a comment
    record of a harmless member went out as allow."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = len(PUBLIC)
        info.pax_headers = {"comment": SECRET.decode()}
        tar.addfile(info, io.BytesIO(PUBLIC))
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue())) as tar:  # what a tar reader shows
        assert tar.getmember("notes.txt").pax_headers["comment"] == SECRET.decode()
    assert _found(_scan(settings, buffer.getvalue(), "notes.tar"))
