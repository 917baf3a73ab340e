"""Archives: ZIP, 7z, tar, gzip/bzip2/xz — read in memory, members handed on as child Items.

Member names are scanned too (personal data often sits in file names: 山田太郎_源泉徴収票.pdf).
An encrypted member (ZipCrypto, AES, a 7z with a password) cannot be inspected: it becomes the
unscannable reason ``encrypted``, which is how password-ZIP mail (PPAP) is caught. Every limit
ends in an unscannable reason for that member, and the rest of the archive is still read.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
from collections.abc import Iterator
from pathlib import PurePosixPath

import py7zr
import py7zr.exceptions
import py7zr.io

from dlp.extract.limits import Budget, LimitExceeded
from dlp.extract.zipsafe import check_container, member_problem, open_zip, read_member
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item


def _member_locator(item: Item, name: str) -> str:
    return f"{item.locator}/{name}"


def _name_segment(item: Item, name: str) -> Segment:
    return Segment(PurePosixPath(name).name or name, _member_locator(item, name), kind="name")


def extract_zip(item: Item, budget: Budget) -> Iterator[Part]:
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        for info in zf.infolist():
            if info.is_dir():
                continue
            problem = member_problem(info, budget.limits)
            if problem is not None:
                yield _name_segment(item, info.filename)
                yield Unscannable(_member_locator(item, info.filename), *problem)
                continue
            try:
                data = read_member(zf, info, budget)
            except LimitExceeded as exc:
                if exc.reason is UnscannableReason.TOO_LARGE and "max_item_bytes" in exc.detail:
                    raise
                yield _name_segment(item, info.filename)
                yield Unscannable(_member_locator(item, info.filename), exc.reason, exc.detail)
                continue
            except (RuntimeError, NotImplementedError) as exc:  # an encryption zipfile cannot read
                yield _name_segment(item, info.filename)
                yield Unscannable(_member_locator(item, info.filename), UnscannableReason.ENCRYPTED, str(exc))
                continue
            yield item.child(data, info.filename)


def extract_7z(item: Item, budget: Budget) -> Iterator[Part]:
    limits = budget.limits
    with item.open() as fh:
        try:
            archive = py7zr.SevenZipFile(fh, mode="r")
        except py7zr.exceptions.PasswordRequired:
            yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "7z archive with encrypted headers")
            return
        with archive:
            entries = [e for e in archive.list() if not e.is_directory]
            if len(entries) > limits.max_members:
                raise LimitExceeded(UnscannableReason.TOO_MANY_MEMBERS, f"{len(entries):,} members")
            if archive.needs_password():
                for entry in entries:
                    yield _name_segment(item, entry.filename)
                yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "password-protected 7z archive")
                return
            readable = []
            for entry in entries:
                size = entry.uncompressed or 0
                if size > limits.max_member_bytes:
                    yield _name_segment(item, entry.filename)
                    yield Unscannable(
                        _member_locator(item, entry.filename),
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
                except KeyError:
                    continue
                if len(data) > limits.max_member_bytes:
                    yield _name_segment(item, name)
                    yield Unscannable(
                        _member_locator(item, name),
                        UnscannableReason.TOO_LARGE,
                        f"unpacks to more than max_member_bytes {limits.max_member_bytes:,}",
                    )
                    continue
                yield item.child(data, name)


def extract_tar(item: Item, budget: Budget) -> Iterator[Part]:
    limits = budget.limits
    count = 0
    with item.open() as fh, tarfile.open(fileobj=fh, mode="r|*") as tar:
        for member in tar:
            if not member.isfile():
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


_DECOMPRESSORS = {
    "gzip": (lambda fh: gzip.GzipFile(fileobj=fh), (".gz", ".tgz")),
    "bzip2": (lambda fh: bz2.BZ2File(fh), (".bz2",)),
    "xz": (lambda fh: lzma.LZMAFile(fh), (".xz",)),  # noqa: SIM115 - opened inside a with block
}


def _decompressed(kind: str) -> object:
    opener, suffixes = _DECOMPRESSORS[kind]

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
        with item.open() as fh, opener(fh) as stream:  # type: ignore[operator]
            while chunk := stream.read(1024 * 1024):
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

    return extract


extract_gzip = _decompressed("gzip")
extract_bzip2 = _decompressed("bzip2")
extract_xz = _decompressed("xz")
