"""Per-installation secrets: created once with mode 0600, never printed, never logged."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dlp.fsutil import create_private, fsync_dir, private_dir, shared_group


class KeyFileError(Exception):
    """A key file exists but cannot be used (wrong size, unreadable, too open)."""


def load_or_create_key(path: Path, size: int = 32) -> bytes:
    """Read the key at ``path``, creating it (and its folder, 0700) on first use.

    Creation is atomic and exclusive: two processes starting at once end up with the same key.
    """
    try:
        return _read(path, size)
    except FileNotFoundError:
        pass
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = create_private(tmp, group_writes=False)  # 0600, or 0640 for the console's group
    try:
        os.write(fd, secrets.token_bytes(size))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process won the race: then use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return _read(path, size)


def _read(path: Path, size: int) -> bytes:
    data = path.read_bytes()
    if len(data) != size:
        raise KeyFileError(
            f"{path}: expected a {size}-byte key, found {len(data)} bytes; restore it from your backup"
            " (a new key cannot open what the old one sealed)"
        )
    info = path.stat()
    # group read is allowed only for the group its folder is shared with (the console's, see fsutil.shared_group)
    shared = shared_group(path.parent) == info.st_gid
    mode = info.st_mode & (0o037 if shared else 0o077)
    if mode:
        raise KeyFileError(
            f"{path}: key file is readable by others (mode {oct(path.stat().st_mode & 0o777)}); run chmod 600 {path}"
            " (640 in a folder shared with the console's group, see SECURITY.md)"
        )
    return data


def key_from_env_or_file(env: str | None, path: Path, size: int = 32) -> bytes:
    """A key given as hex in an environment variable wins over the key file (``env`` None: the file)."""
    value = os.environ.get(env) if env else None
    if value:
        try:
            key = bytes.fromhex(value.strip())
        except ValueError as exc:
            raise KeyFileError(f"${env}: expected {size * 2} hex characters") from exc
        if len(key) != size:
            raise KeyFileError(f"${env}: expected {size * 2} hex characters, got {len(value.strip())}")
        return key
    return load_or_create_key(path, size)
