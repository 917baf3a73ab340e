"""The folders to watch: from the command line and from ``[[watch.folders]]``, each with its own
policy, owner and monitor-only switch, and the observer that suits its mount."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# inotify sees nothing that another machine writes to these (watchdog#409): poll them.
NETWORK_FS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "sshfs", "9p", "fuse.rclone", "davfs", "afs"}


@dataclass(frozen=True)
class WatchFolder:
    path: str
    policy: str | None = None  # a policy file for this folder (a key of Settings.policies)
    dry_run: bool = False
    owner: str | None = None  # notified about this folder's files
    polling: bool = False
    recursive: bool = True
    fstype: str = ""

    def contains(self, path: str) -> bool:
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


class FolderError(Exception):
    """A folder that cannot be watched; the message names it and the fix."""


def mount_type(path: str, mounts: str = "/proc/self/mounts") -> str:
    """The file-system type of the mount holding ``path`` (longest mount point that contains it)."""
    best, fstype = "", ""
    try:
        with open(mounts, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) < 3:
                    continue
                point = fields[1].replace("\\040", " ")
                if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
                    best, fstype = point, fields[2]
    except OSError:
        return ""
    return fstype


def folders_from(
    cli_paths: list[Path], configured: list[dict[str, Any]], *, dry_run: bool, polling: bool
) -> list[WatchFolder]:
    """Command-line folders (default policy) and configured ones; each must exist and be a folder."""
    problems = []
    folders: dict[str, WatchFolder] = {}
    entries = [{"path": str(p.expanduser().absolute())} for p in cli_paths] + list(configured)
    for entry in entries:
        path = os.path.realpath(entry["path"])
        if not os.path.isdir(path):
            what = "does not exist" if not os.path.exists(path) else "is not a folder"
            problems.append(f"{entry['path']}: {what} (create it, or fix the path in dlp.toml [[watch.folders]])")
            continue
        if not os.access(path, os.R_OK | os.X_OK):
            problems.append(f"{entry['path']}: not readable by this user (run the watcher as the folder's owner)")
            continue
        fstype = mount_type(path)
        wanted = entry.get("polling", "auto")
        poll = polling or wanted is True or (wanted == "auto" and fstype in NETWORK_FS)
        folders[path] = WatchFolder(
            path=path,
            policy=entry.get("policy") or None,
            dry_run=dry_run or bool(entry.get("dry_run")),
            owner=entry.get("owner") or None,
            polling=poll,
            recursive=entry.get("recursive", True),
            fstype=fstype,
        )
    if problems:
        raise FolderError("\n".join(problems))
    if not folders:
        raise FolderError("no folder to watch: give one (dlp watch /srv/export) or add [[watch.folders]] to dlp.toml")
    nested = [(a, b) for a in folders for b in folders if a != b and folders[a].contains(b) and folders[a].recursive]
    if nested:
        a, b = nested[0]
        raise FolderError(f"{b} is inside {a}, which is watched recursively: list only one of them")
    return list(folders.values())


def folder_of(path: str, folders: list[WatchFolder]) -> WatchFolder | None:
    for folder in folders:
        if folder.contains(path):
            if not folder.recursive and os.path.dirname(path) != folder.path:
                return None
            return folder
    return None
