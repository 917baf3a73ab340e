"""Decrypted copies out of the quarantine: a release to the original path, an export for the
officer. Written beside the target and linked into place, so nobody ever sees half a file.

A release usually runs as root, into folders that users own. It must never create what the
file's owner could not (DESIGN.md "Fail closed"), so the write happens in a forked child that
has dropped to the owner's uid, gid and groups before it touches the target folder:

- owner and group come back as they were; set-uid, set-gid and sticky bits never do;
- the target folder is opened from ``/`` one component at a time with O_NOFOLLOW: a folder
  swapped for a symbolic link after the hold is refused, not followed;
- the final name is created with ``link(2)`` from an O_EXCL temp file: an existing file or a
  symbolic link at that name is never written through or over.

The parent decrypts and streams the plaintext to the child over a pipe, and sends "commit" only
once the AES-GCM tag checked out; without it the child removes its temp file. Why a fork and
not a helper program: the owner may be unable to read or run our installation (a venv under
/root); the forked child needs nothing but system calls.

An owner whose account is gone since the hold is still a uid: the child runs as that uid and
gid with no other groups (setuid(2) needs no passwd entry), so the file comes back owned as it
was. An entry held before owners were recorded (no ``uid``) is written as the owner of the
folder it goes into. Without root we cannot change users: the copy is then made as ourselves, with the
same folder and name checks.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pwd
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.actions.crypto import decrypt_stream
from dlp.actions.entries import QuarantineError
from dlp.fsutil import SymlinkError, open_dir_nofollow, path_components

_FRAME = struct.Struct(">I")
_COMMIT = 0xFFFFFFFF
_PERMISSIONS = 0o777  # never set-uid, set-gid or sticky


@dataclass(frozen=True)
class Owner:
    """Whom a restored file belongs to, as recorded when it was held."""

    uid: int
    gid: int

    def groups(self) -> list[int]:
        """Supplementary groups the owner has now (none if the account is gone)."""
        try:
            name = pwd.getpwuid(self.uid).pw_name
            return sorted(set(os.getgrouplist(name, self.gid)))
        except (KeyError, OSError):
            return [self.gid]


def write_plain(
    key: bytes,
    entry_id: str,
    source: Path,
    target: Path,
    *,
    mode: int | None = None,
    owner: Owner | None = None,
    mtime: float | None = None,
    as_folder_owner: bool = False,
) -> None:
    """Decrypt ``source`` to ``target`` (never over anything already there) as ``owner`` when we
    run as root; ``as_folder_owner``: as whoever owns the target folder (entries without owner).
    Raises QuarantineError with the reason (exists, symbolic link, permission) and the fix."""
    parts = path_components(target)
    if not parts:
        raise QuarantineError(f"{target}: not a file name")
    spec = {
        "parts": parts,
        "mode": (0o600 if mode is None else mode) & _PERMISSIONS,
        "mtime": mtime,
        "drop": None,
        "folder_owner": False,
    }
    if os.geteuid() == 0:
        if owner is not None:
            spec["drop"] = [owner.uid, owner.gid, owner.groups()]
        elif as_folder_owner:
            spec["folder_owner"] = True
    status = _run_child(key, entry_id, source, spec)
    if status.get("ok"):
        return
    raise QuarantineError(_explain(target, status))


def _explain(target: Path, status: dict[str, Any]) -> str:
    kind, detail = status.get("kind"), status.get("detail", "")
    if kind == "exists":
        return f"{target} exists; nothing was overwritten. Choose another place with --to"
    if kind == "symlink":
        return f"{detail}: the release is refused (nothing written). Give a path without symbolic links"
    if kind == "permission":
        who = status.get("as", "")
        return f"{target}: permission denied{who}; the owner could not create it there. Choose another place with --to"
    return f"{target}: could not restore: {detail}"


def _run_child(key: bytes, entry_id: str, source: Path, spec: dict[str, Any]) -> dict[str, Any]:
    data_r, data_w = os.pipe()
    status_r, status_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, reported through the status pipe
        code = 1
        try:
            os.close(data_w)
            os.close(status_r)
            code = _child(data_r, status_w, spec)
        finally:
            os._exit(code)
    os.close(data_r)
    os.close(status_w)
    failure: BaseException | None = None
    try:
        with source.open("rb") as encrypted:
            for chunk in decrypt_stream(key, entry_id, encrypted):
                if chunk:
                    _write_all(data_w, _FRAME.pack(len(chunk)) + chunk)
        _write_all(data_w, _FRAME.pack(_COMMIT))  # the tag checked out: the child may keep the copy
    except BrokenPipeError:
        pass  # the child gave up early; its status says why
    except BaseException as exc:  # re-raised below, after the child is reaped
        failure = exc
    finally:
        os.close(data_w)
    raw = b""
    while chunk := os.read(status_r, 65536):
        raw += chunk
    os.close(status_r)
    os.waitpid(pid, 0)
    if failure is not None:
        raise failure
    try:
        return json.loads(raw)
    except ValueError:
        return {"kind": "other", "detail": "the writing process ended without a word"}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, n: int) -> bytes | None:
    out = b""
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def _child(data_r: int, status_w: int, spec: dict[str, Any]) -> int:  # pragma: no cover - forked child
    """Drop to the owner, open the folder without following links, write, link into place."""
    status: dict[str, Any] = {"ok": True}
    try:
        _close_others(data_r, status_w)
        if spec["drop"]:
            _drop(*spec["drop"])
            status["as"] = f" as uid {spec['drop'][0]}"
        _write(data_r, spec, status)
    except SymlinkError as exc:
        status = {"kind": "symlink", "detail": exc.strerror}
    except FileExistsError:
        status = {"kind": "exists"}
    except PermissionError as exc:
        status = {"kind": "permission", "detail": exc.strerror, "as": status.get("as", "")}
    except OSError as exc:
        kind = "exists" if exc.errno == errno.EEXIST else "other"
        status = {"kind": kind, "detail": exc.strerror or str(exc)}
    except BaseException as exc:  # the child must report, never raise
        status = {"kind": "other", "detail": type(exc).__name__}
    os.write(status_w, json.dumps(status).encode())
    return 0 if status.get("ok") else 1


def _close_others(*keep: int) -> None:
    """Nothing of the parent's (the index opened read-write as root, sockets) stays open in a
    process that is about to run as somebody else."""
    last = 2
    for fd in sorted(keep):
        os.closerange(last + 1, fd)
        last = fd
    os.closerange(last + 1, os.sysconf("SC_OPEN_MAX"))


def _drop(uid: int, gid: int, groups: list[int]) -> None:
    os.setgroups(groups)
    os.setgid(gid)
    os.setuid(uid)  # last: after this nothing can be taken back


def _write(data_r: int, spec: dict[str, Any], status: dict[str, Any]) -> None:
    parts = spec["parts"]
    folder = open_dir_nofollow(parts[:-1], create=not spec["folder_owner"])
    name = parts[-1]
    temp = f".{name}.dlp-{secrets.token_hex(4)}"
    try:
        if spec["folder_owner"]:
            info = os.fstat(folder)
            _drop(info.st_uid, info.st_gid, Owner(info.st_uid, info.st_gid).groups())
            status["as"] = f" as uid {info.st_uid}"
        if _exists(name, folder):
            raise FileExistsError(name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        out = os.open(temp, flags, 0o600, dir_fd=folder)
        try:
            committed = _copy(data_r, out)
            if committed:
                os.fchmod(out, spec["mode"])
                os.fsync(out)
        finally:
            os.close(out)
        if not committed:
            os.unlink(temp, dir_fd=folder)
            status.update(ok=False, kind="other", detail="content failed authentication; nothing restored")
            return
        try:
            _link_into_place(temp, name, folder)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=folder)
        if spec["mtime"]:
            os.utime(name, (spec["mtime"], spec["mtime"]), dir_fd=folder, follow_symlinks=False)
        os.fsync(folder)
    finally:
        os.close(folder)


def _copy(data_r: int, out: int) -> bool:
    """Frames from the parent into ``out``; True once the parent said commit."""
    while (header := _read_exact(data_r, _FRAME.size)) is not None:
        (length,) = _FRAME.unpack(header)
        if length == _COMMIT:
            return True
        chunk = _read_exact(data_r, length)
        if chunk is None:
            return False
        _write_all(out, chunk)
    return False


def _exists(name: str, folder: int) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _link_into_place(temp: str, name: str, folder: int) -> None:
    """link(2) never replaces and never follows a symbolic link at ``name``."""
    try:
        os.link(temp, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP):
            raise
        if _exists(name, folder):  # a file system without hard links: check, then rename
            raise FileExistsError(name) from None
        os.rename(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
