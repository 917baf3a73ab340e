"""Decrypted copies out of the quarantine: a release to the original path, an export for the
officer. Written beside the target and moved into place, so nobody ever sees half a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dlp.actions.crypto import decrypt_stream
from dlp.actions.entries import QuarantineError
from dlp.fsutil import fsync_dir


def write_plain(
    key: bytes, entry_id: str, source: Path, target: Path, *, overwrite: bool, mode: int | None = None
) -> None:
    """Decrypt ``source`` to a temp file beside ``target``, check the tag, fsync, then move it into
    place — never over a file that is already there unless ``overwrite``."""
    if target.exists() and not overwrite:
        raise QuarantineError(f"{target} exists; choose another place with --to")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.dlp-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as encrypted:
            for chunk in decrypt_stream(key, entry_id, encrypted):
                out.write(chunk)
            out.flush()
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # atomic, and never over a file that appeared meanwhile
                temp.unlink()
            except FileExistsError:
                raise QuarantineError(f"{target} appeared while releasing; choose another place with --to") from None
            except OSError:  # a file system without hard links: check, then rename
                if target.exists():
                    raise QuarantineError(
                        f"{target} appeared while releasing; choose another place with --to"
                    ) from None
                os.replace(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
