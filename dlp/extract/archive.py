"""Archives: ZIP, 7z, tar, gzip/bzip2/xz — read in memory, members handed on as child Items.

Member names are scanned too (personal data often sits in file names: 山田太郎_源泉徴収票.pdf).
An encrypted member (ZipCrypto, AES, a 7z with a password) cannot be inspected: it becomes the
unscannable reason ``encrypted``, which is how password-ZIP mail (PPAP) is caught. Every limit
ends in an unscannable reason for that member, and the rest of the archive is still read.

What is read is what unzip, 7-Zip and GNU tar would show a person, never less than Python's
readers: ZIP members also from their local headers (dlp.extract.zipraw) plus every byte outside
all members; tar members with unknown type flags, and past an invalid header; 7z members
whatever their names (absolute, ``../``, repeated).
"""

from __future__ import annotations

import bz2
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, BinaryIO

import py7zr
import py7zr.exceptions
import py7zr.io

from dlp.extract import zipraw
from dlp.extract.limits import Budget, LimitExceeded
from dlp.extract.zipsafe import check_container, is_encrypted, member_problem, open_zip, read_member
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item


def _member_locator(item: Item, name: str) -> str:
    return f"{item.locator}/{name}"


def _name_segment(item: Item, name: str) -> Segment:
    return Segment(PurePosixPath(name).name or name, _member_locator(item, name), kind="name")


def extract_zip(item: Item, budget: Budget) -> Iterator[Part]:
    """Every member as zipfile reads it and as unzip reads it (the longer wins), the archive and
    member comments (``unzip -z`` and ``zipinfo`` show them), and every byte outside all members."""
    limit = budget.limits.max_member_bytes
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        file_size = fh.seek(0, io.SEEK_END)
        spans: list[tuple[int, int]] = []
        if zf.comment.strip():
            yield Segment(_comment(zf.comment), f"{item.locator}#comment", kind="text", first_line=1)
        for info in zf.infolist():
            header = zipraw.local_header(fh, info.header_offset)
            readable = header is not None and not is_encrypted(info)
            raw = zipraw.raw_member(fh, header, info.compress_size, file_size, limit) if readable and header else None
            if raw is not None:
                end = raw.end
            elif header is not None:
                end = zipraw.declared_end(fh, header, info.compress_size)
            else:
                end = info.header_offset + 30 + info.compress_size
            spans.append((info.header_offset, end))
            if info.comment.strip():
                yield Segment(_comment(info.comment), f"{_member_locator(item, info.filename)}#comment", kind="text")
            if info.is_dir() and not (raw and raw.data):
                continue
            yield from _zip_member(item, zf, info, raw, budget)
        yield from _unlisted(item, fh, spans, zf.start_dir, file_size, budget)


def _zip_member(
    item: Item, zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: zipraw.RawMember | None, budget: Budget
) -> Iterator[Part]:
    locator = _member_locator(item, info.filename)
    problem = member_problem(info, budget.limits)
    if problem is not None:
        yield _name_segment(item, info.filename)
        yield Unscannable(locator, *problem)
        return
    data: bytes | None = None
    failure = ""
    try:
        data = read_member(zf, info, budget)
    except LimitExceeded as exc:
        if exc.reason is UnscannableReason.TOO_LARGE and "max_item_bytes" in exc.detail:
            raise
        yield _name_segment(item, info.filename)
        yield Unscannable(locator, exc.reason, exc.detail)
        return
    except (RuntimeError, NotImplementedError) as exc:  # an encryption zipfile cannot read
        yield _name_segment(item, info.filename)
        yield Unscannable(locator, UnscannableReason.ENCRYPTED, str(exc))
        return
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        failure = type(exc).__name__  # not its text: it names the member (a name may hold a value)
    if raw is not None and raw.data is not None and (data is None or len(raw.data) > len(data)):
        declared = f"{info.file_size:,} bytes declared" + (f", zipfile: {failure}" if failure else "")
        yield Unscannable(
            locator,
            UnscannableReason.CORRUPT,
            f"headers disagree with the stored data ({declared}); read to the end as unzip does",
        )
        if raw.over_limit:
            yield _name_segment(item, info.filename)
            too_much = f"more than {budget.limits.max_member_bytes:,} bytes"
            yield Unscannable(locator, UnscannableReason.TOO_LARGE, too_much)
            return
        budget.charge_bytes(len(raw.data))
        data = raw.data
    if data is None:
        yield _name_segment(item, info.filename)
        yield Unscannable(locator, UnscannableReason.CORRUPT, f"member unreadable ({failure})")
        return
    yield item.child(data, info.filename)


def _unlisted(
    item: Item, fh: BinaryIO, spans: list[tuple[int, int]], start_dir: int, file_size: int, budget: Budget
) -> Iterator[Part]:
    """Bytes no directory entry points at (a ZIP in front of this one, a stub, data between
    entries, data after the end record): local headers there are members too; anything else is
    an item of its own."""
    limit = budget.limits.max_member_bytes
    regions = list(zipraw.gaps(spans, 0, max(start_dir, 0)))
    after = zipraw.archive_end(fh, file_size)
    if after < file_size:  # bytes after the end record and its comment
        regions.append((after, file_size))
    for start, stop in regions:
        if stop - start > limit:
            yield Unscannable(
                f"{item.locator}#unlisted@{start}",
                UnscannableReason.TOO_LARGE,
                f"{stop - start:,} bytes outside every member, over max_member_bytes {limit:,}",
            )
            continue
        fh.seek(start)
        blob = fh.read(stop - start)
        budget.charge_bytes(len(blob))
        yield from _unlisted_blob(item, blob, start, budget)


def _unlisted_blob(item: Item, blob: bytes, base: int, budget: Budget) -> Iterator[Part]:
    """Local headers in unlisted bytes are members (read as unzip would read them); the bytes
    between them, a stray central directory included, are items of their own."""
    limit = budget.limits.max_member_bytes
    stream = io.BytesIO(blob)
    pos = members = 0
    while pos < len(blob):
        found = blob.find(zipraw.LOCAL, pos)
        nxt = found if found >= 0 else len(blob)
        piece = blob[pos:nxt]
        if piece.strip(b"\0\r\n\t "):
            yield item.child(piece, f"unlisted@{base + pos}", separator="#")
        if nxt >= len(blob):
            return
        members += 1
        if members > budget.limits.max_members:
            raise LimitExceeded(UnscannableReason.TOO_MANY_MEMBERS, "too many local headers outside the directory")
        end = nxt + 4
        header = zipraw.local_header(stream, nxt)
        raw = zipraw.raw_member(stream, header, header.csize, len(blob), limit) if header else None
        if header is not None and raw is not None and raw.data is not None:
            if raw.over_limit:
                yield Unscannable(f"{item.locator}/{header.filename()}", UnscannableReason.TOO_LARGE, "unlisted member")
            else:
                yield item.child(raw.data, header.filename())
            end = max(end, raw.end)
        pos = end


def _comment(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp932", "replace")


def extract_7z(item: Item, budget: Budget) -> Iterator[Part]:
    limits = budget.limits
    with item.open() as fh:
        try:
            archive = py7zr.SevenZipFile(fh, mode="r")
        except py7zr.exceptions.PasswordRequired:
            yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "7z archive with encrypted headers")
            return
        with archive:
            # Member names are data, not paths: absolute, ``../`` and repeated names are read like
            # any other (py7zr refuses the first two and overwrites repeats), so each member is
            # extracted under a neutral unique key and reported under its own name.
            originals: dict[str, str] = {}
            for index, member in enumerate(archive.files):
                originals[f"m{index}"] = member.filename
                member._file_info["filename"] = f"m{index}"  # private: py7zr has no other way
            entries = [e for e in archive.list() if not e.is_directory]
            if len(entries) > limits.max_members:
                raise LimitExceeded(UnscannableReason.TOO_MANY_MEMBERS, f"{len(entries):,} members")
            if archive.needs_password():
                for entry in entries:
                    yield _name_segment(item, originals[entry.filename])
                yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "password-protected 7z archive")
                return
            readable = []
            for entry in entries:
                size = entry.uncompressed or 0
                if size > limits.max_member_bytes:
                    yield _name_segment(item, originals[entry.filename])
                    yield Unscannable(
                        _member_locator(item, originals[entry.filename]),
                        UnscannableReason.TOO_LARGE,
                        f"{size:,} bytes, over max_member_bytes {limits.max_member_bytes:,}",
                    )
                    continue
                budget.charge_bytes(size)
                readable.append(entry.filename)
            if not readable:
                return
            # py7zr's BytesIO stops writing at its limit without a word: one byte over is a reason
            factory = py7zr.io.BytesIOFactory(limits.max_member_bytes + 1)
            archive.extract(targets=readable, factory=factory)
            for name in readable:
                try:
                    data = factory.get(name).read()
                except KeyError:  # py7zr wrote nothing for it: never a silent gap
                    yield _name_segment(item, originals[name])
                    yield Unscannable(
                        _member_locator(item, originals[name]), UnscannableReason.CORRUPT, "member not extracted"
                    )
                    continue
                if len(data) > limits.max_member_bytes:
                    yield _name_segment(item, originals[name])
                    yield Unscannable(
                        _member_locator(item, originals[name]),
                        UnscannableReason.TOO_LARGE,
                        f"unpacks to more than max_member_bytes {limits.max_member_bytes:,}",
                    )
                    continue
                yield item.child(data, originals[name])


def extract_tar(item: Item, budget: Budget) -> Iterator[Part]:
    """Members as GNU tar reads them: unknown type flags are files, and an invalid header does
    not end the archive (tarfile stops there without a word; GNU tar skips to the next header).
    Bytes no header accounts for are a ``corrupt`` reason and are scanned as they are."""
    limits = budget.limits
    count = 0
    expected = 0  # where the next header should start
    with item.open() as fh, item.open() as raw, tarfile.open(fileobj=fh, mode="r:", ignore_zeros=True) as tar:
        for member in tar:
            yield from _tar_gap(item, raw, expected, member.offset, budget)
            has_data = member.isreg() or member.type not in tarfile.SUPPORTED_TYPES
            expected = member.offset_data + (
                -(-member.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE if has_data else 0
            )
            if member.pax_headers:  # PAX records (comment, xattrs, uname …): tar -tv --pax shows them
                records = _pax_segment(item, member.name, member.pax_headers)
                if records is not None:
                    yield records
            # GNU tar extracts a member with an unknown type flag as a regular file; so do we
            if not (member.isfile() or member.type not in tarfile.SUPPORTED_TYPES):
                continue
            count += 1
            if count > limits.max_members:
                raise LimitExceeded(UnscannableReason.TOO_MANY_MEMBERS, f"more than {limits.max_members:,} members")
            if member.size > limits.max_member_bytes:
                yield _name_segment(item, member.name)
                yield Unscannable(
                    _member_locator(item, member.name),
                    UnscannableReason.TOO_LARGE,
                    f"{member.size:,} bytes, over max_member_bytes {limits.max_member_bytes:,}",
                )
                continue
            stream = tar.extractfile(member)
            if stream is None:
                continue
            budget.charge_bytes(member.size)
            yield item.child(stream.read(member.size), member.name)
        yield from _tar_gap(item, raw, expected, raw.seek(0, io.SEEK_END), budget)


_PAX_NUMBERS = {"path", "linkpath", "size", "mtime", "atime", "ctime", "uid", "gid"}


def _pax_segment(item: Item, name: str, records: Mapping[str, str]) -> Segment | None:
    """A member's PAX records besides its name and numbers: free text anyone can write there."""
    lines = [f"{k}: {v}" for k, v in records.items() if k not in _PAX_NUMBERS and str(v).strip()]
    if not lines:
        return None
    return Segment("\n".join(lines), f"{_member_locator(item, name)}#pax", kind="metadata", first_line=1)


def _tar_gap(item: Item, raw: BinaryIO, start: int, stop: int, budget: Budget) -> Iterator[Part]:
    if stop <= start:
        return
    locator = f"{item.locator}#unlisted@{start}"
    if stop - start > budget.limits.max_member_bytes:
        yield Unscannable(locator, UnscannableReason.CORRUPT, f"{stop - start:,} bytes not read: invalid tar headers")
        return
    raw.seek(start)
    blob = raw.read(stop - start)
    if not blob.strip(b"\0"):
        return  # end-of-archive blocks and padding
    budget.charge_bytes(len(blob))
    yield Unscannable(locator, UnscannableReason.CORRUPT, f"{len(blob):,} bytes under invalid tar headers (read as is)")
    yield item.child(blob, f"unlisted@{start}", separator="#")


# What each format's command-line reader (gzip -d, bzcat, xzcat) does: every concatenated stream
# is output. Python's BZ2File and LZMAFile end quietly at bytes that start no stream, GzipFile
# raises: both hid a list appended in clear after a compressed memo. Streams are decoded here
# one by one, and bytes after the last are read as they are (with a ``corrupt`` reason).
# zlib's, bz2's and lzma's decompressors share no type (only zlib's has unconsumed_tail, only
# the others needs_input): _streams asks each for what its kind has.
_FORMATS: dict[str, tuple[Callable[[], Any], bytes, tuple[str, ...]]] = {
    "gzip": (lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), b"\x1f\x8b", (".gz", ".tgz")),
    "bzip2": (bz2.BZ2Decompressor, b"BZh", (".bz2",)),
    "xz": (lzma.LZMADecompressor, b"\xfd7zXZ\x00", (".xz",)),
}
_READ = 64 * 1024
_OUT = 1024 * 1024


def _streams(kind: str, fh: BinaryIO, trailing: list[bytes]) -> Iterator[bytes]:
    """Decompressed bytes of every stream in ``fh``; bytes after the last stream (but gzip's
    zero padding) go to ``trailing``. A stream cut short raises EOFError."""
    new, magic, _ = _FORMATS[kind]
    decomp = new()
    pending = fh.read(_READ)
    while True:
        out = decomp.decompress(pending, _OUT)
        pending = decomp.unconsumed_tail if kind == "gzip" else b""
        if out:
            yield out
        if decomp.eof:
            rest = decomp.unused_data + pending
            while len(rest) < len(magic) and (more := fh.read(_READ)):
                rest += more
            if rest.startswith(magic):
                decomp, pending = new(), rest
                continue
            rest += fh.read()
            if rest.strip(b"\0"):
                trailing.append(rest)
            return
        if out or pending or (kind != "gzip" and not decomp.needs_input):
            continue
        pending = fh.read(_READ)
        if not pending:
            raise EOFError("compressed data ends before the end of its stream")


def _decompressed(kind: str) -> Callable[[Item, Budget], Iterator[Part]]:
    suffixes = _FORMATS[kind][2]

    def extract(item: Item, budget: Budget) -> Iterator[Part]:
        limits = budget.limits
        name = item.name
        for suffix in suffixes:
            if name.lower().endswith(suffix):
                name = name[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
                break
        else:
            name = f"{name}.out"
        chunks: list[bytes] = []
        total = 0
        trailing: list[bytes] = []
        with item.open() as fh:
            for chunk in _streams(kind, fh, trailing):
                total += len(chunk)
                compressed = max(1, item.size or 1)
                if total > limits.max_member_bytes:
                    raise LimitExceeded(
                        UnscannableReason.TOO_LARGE, f"more than {limits.max_member_bytes:,} bytes unpacked"
                    )
                if total > limits.ratio_min_bytes and total > limits.max_ratio * compressed:
                    raise LimitExceeded(
                        UnscannableReason.RATIO, f"expands more than {limits.max_ratio}:1 (a decompression bomb)"
                    )
                budget.charge_bytes(len(chunk))
                chunks.append(chunk)
        yield item.child(b"".join(chunks), name)
        for rest in trailing:
            budget.charge_bytes(len(rest))
            yield Unscannable(
                f"{item.locator}#trailing",
                UnscannableReason.CORRUPT,
                f"{len(rest):,} bytes after the compressed data (read as they are)",
            )
            yield item.child(rest, "trailing", separator="#")

    return extract


extract_gzip = _decompressed("gzip")
extract_bzip2 = _decompressed("bzip2")
extract_xz = _decompressed("xz")
