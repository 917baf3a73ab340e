"""Opening ZIP containers (archives and Office files) without trusting them.

Checks before reading: overlapping entries (the "quoted-overlap" zip bomb, CVE-2024-0450, which
the zipfile of Python 3.11.7 accepts), member count, declared sizes and compression ratio;
while reading: actual bytes, counted as they stream. Nothing is extracted to disk.
"""

from __future__ import annotations

import itertools
import zipfile
from typing import BinaryIO

from dlp.extract.limits import Budget, LimitExceeded, Limits
from dlp.model import UnscannableReason

ENCRYPTED_FLAG = 0x1
AES_METHOD = 99
_LOCAL_HEADER = b"PK\x03\x04"


def open_zip(fh: BinaryIO) -> zipfile.ZipFile:
    """A ZipFile whose member names without the UTF-8 flag are read as CP932 (Japanese Windows
    Explorer writes them so; zipfile's default cp437 turns 顧客名簿.csv into î┌ïqû╝òδ.csv)."""
    try:
        return zipfile.ZipFile(fh, metadata_encoding="cp932")
    except UnicodeDecodeError:
        fh.seek(0)
        return zipfile.ZipFile(fh)


def check_container(zf: zipfile.ZipFile, fh: BinaryIO, limits: Limits) -> None:
    """Raise LimitExceeded for a zip bomb or an archive with too many members."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise LimitExceeded(
            UnscannableReason.TOO_MANY_MEMBERS, f"{len(infos):,} members, more than max_members {limits.max_members:,}"
        )
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
            raise LimitExceeded(UnscannableReason.CORRUPT, f"{info.filename}: no local header where the directory says")
        name_len = int.from_bytes(header[26:28], "little")
        extra_len = int.from_bytes(header[28:30], "little")
        end = info.header_offset + 30 + name_len + extra_len + info.compress_size
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_, end, name), (start, _, other) in itertools.pairwise(spans):
        if start < end:
            raise LimitExceeded(
                UnscannableReason.RATIO,
                f"overlapping entries {name!r} and {other!r}: a zip bomb (CVE-2024-0450)",
            )


def is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & ENCRYPTED_FLAG) or info.compress_type == AES_METHOD


def member_problem(info: zipfile.ZipInfo, limits: Limits) -> tuple[UnscannableReason, str] | None:
    """Why a member must not be read, judged from the directory alone."""
    if is_encrypted(info):
        method = "AES" if info.compress_type == AES_METHOD else "ZipCrypto"
        return UnscannableReason.ENCRYPTED, f"password-protected member ({method})"
    if info.file_size > limits.max_member_bytes:
        return (
            UnscannableReason.TOO_LARGE,
            f"{info.file_size:,} bytes, over max_member_bytes {limits.max_member_bytes:,}",
        )
    if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(1, info.compress_size):
        ratio = info.file_size // max(1, info.compress_size)
        return UnscannableReason.RATIO, f"compression ratio {ratio:,}:1, over max_ratio {limits.max_ratio}:1"
    return None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> bytes:
    """Read a member, counting actual bytes (a lying header is caught here, not trusted)."""
    limit = budget.limits.max_member_bytes
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            total += len(chunk)
            if total > limit:
                raise LimitExceeded(UnscannableReason.TOO_LARGE, f"{info.filename}: more than {limit:,} bytes unpacked")
            budget.charge_bytes(len(chunk))
            chunks.append(chunk)
    return b"".join(chunks)


def read_part(zf: zipfile.ZipFile, name: str, budget: Budget, limit: int | None = None) -> bytes | None:
    """An Office part by name, within limits; None when the part is absent."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    problem = member_problem(info, budget.limits)
    if problem is not None and problem[0] is not UnscannableReason.RATIO:
        raise LimitExceeded(problem[0], f"{name}: {problem[1]}")
    data = read_member(zf, info, budget)
    if limit is not None and len(data) > limit:  # never cut a part short without a word
        raise LimitExceeded(UnscannableReason.TOO_MUCH_TEXT, f"{name}: more than {limit:,} bytes")
    return data
