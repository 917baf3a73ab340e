"""Reading a ZIP the way unzip does, not only the way zipfile does.

zipfile trusts the central directory: it stops a member at the declared size (with a CRC an
attacker computed over the harmless start), and it ignores every byte no directory entry points
at (a first ZIP in front of a second one, data between entries, a stub in front). unzip inflates
a deflate stream to its end and takes a stored entry's size from the local header. So every
member is also read from its local header (stored: the larger declared size; deflate: to the
end of the stream), and the longer reading wins, with a ``corrupt`` reason saying the headers
disagree. Bytes outside every member are handed on too: local headers found there become
members, anything else an item of its own.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
DESCRIPTOR = b"PK\x07\x08"
STORED, DEFLATED = 0, 8
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class LocalHeader:
    offset: int
    flags: int
    method: int
    csize: int
    name: bytes
    data_start: int

    def filename(self) -> str:
        codec = "utf-8" if self.flags & 0x800 else "cp932"
        return self.name.decode(codec, "replace") or f"member@{self.offset}"


@dataclass(frozen=True)
class RawMember:
    data: bytes | None  # None: a method read only through zipfile
    end: int  # just after the member's data and its data descriptor
    over_limit: bool = False


def local_header(fh: BinaryIO, offset: int) -> LocalHeader | None:
    fh.seek(offset)
    head = fh.read(30)
    if len(head) < 30 or not head.startswith(LOCAL):
        return None
    flags, method = struct.unpack("<HH", head[6:10])
    csize = struct.unpack("<I", head[18:22])[0]
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    name = fh.read(name_len)
    return LocalHeader(offset, flags, method, csize, name, offset + 30 + name_len + extra_len)


def raw_member(fh: BinaryIO, header: LocalHeader, directory_csize: int, file_size: int, limit: int) -> RawMember:
    """A member read from its local header on, as unzip reads it; at most ``limit`` + 1 bytes."""
    if header.method == STORED:
        declared = directory_csize if header.csize == 0xFFFFFFFF else max(header.csize, directory_csize)
        size = min(declared, file_size - header.data_start)
        fh.seek(header.data_start)
        data = fh.read(min(size, limit + 1))
        return RawMember(data, _after_descriptor(fh, header, header.data_start + size), len(data) > limit)
    if header.method != DEFLATED:
        return RawMember(None, _after_descriptor(fh, header, header.data_start + directory_csize))
    inflater = zlib.decompressobj(-15)
    out: list[bytes] = []
    produced = fed = 0
    fh.seek(header.data_start)
    size = 64 * 1024  # small first: garbage after a stray signature fails in the first chunk
    while not inflater.eof and produced <= limit and (chunk := fh.read(size)):
        size = min(size * 2, _CHUNK)
        fed += len(chunk)
        try:
            piece = inflater.decompress(chunk, limit + 1 - produced)
        except zlib.error:
            break
        out.append(piece)
        produced += len(piece)
    consumed = fed - len(inflater.unused_data) if inflater.eof else directory_csize
    end = header.data_start + max(consumed, 0)
    return RawMember(b"".join(out), _after_descriptor(fh, header, end), produced > limit)


def declared_end(fh: BinaryIO, header: LocalHeader, directory_csize: int) -> int:
    """Where a member ends by its declared size (for members not read raw, e.g. encrypted)."""
    return _after_descriptor(fh, header, header.data_start + directory_csize)


def _after_descriptor(fh: BinaryIO, header: LocalHeader, end: int) -> int:
    """Skip a data descriptor: 12 or 20 bytes (zip64), or 16 or 24 with its signature; the
    length is the one after which the next record starts."""
    if not header.flags & 0x8:
        return end
    fh.seek(end)
    tail = fh.read(28)
    sizes = (16, 24) if tail.startswith(DESCRIPTOR) else (12, 20)
    for size in sizes:
        if tail[size : size + 4] in (LOCAL, CENTRAL):
            return end + size
    return end + sizes[0]


def archive_end(fh: BinaryIO, file_size: int) -> int:
    """Offset just after the last end-of-central-directory record and its comment (zipfile
    accepts bytes after it)."""
    start = max(0, file_size - 65_557)
    fh.seek(start)
    tail = fh.read()
    at = tail.rfind(END)
    if at < 0 or at + 22 > len(tail):
        return file_size
    comment = struct.unpack("<H", tail[at + 20 : at + 22])[0]
    return min(file_size, start + at + 22 + comment)


def gaps(spans: list[tuple[int, int]], start: int, stop: int) -> Iterator[tuple[int, int]]:
    """The ranges of [start, stop) that no span covers."""
    pos = start
    for a, b in sorted(spans):
        if a > pos:
            yield pos, min(a, stop)
        pos = max(pos, b)
        if pos >= stop:
            return
    if pos < stop:
        yield pos, stop
