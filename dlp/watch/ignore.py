"""Which names in a watched folder are not (yet) files to scan.

Office and LibreOffice lock files hold only the editing user's name and vanish when the file is
closed: skipped while they are small regular files (see ``is_lock_file``). Temp names — Excel's
``*.tmp`` and extension-less 8-hex names (KB 814068), ``*.part``/``*.crdownload`` downloads,
editor swap files — are the first half of a save that ends in a rename; the renamed file is what
we scan. A temp name that is still there after ``temp_grace`` is no longer a temp file (or
someone hid a file behind the name), so the walk scans it then. Our own markers and release
temps are skipped by the caller, which knows them.
"""

from __future__ import annotations

import os
import re
import stat

_LOCKS = re.compile(r"^(~\$.*|\.~lock\..*#)$")
_TEMPS = re.compile(
    r"""^(
        .*\.(tmp|temp|part|partial|crdownload|download|swp|swx|swo)
      | [0-9A-Fa-f]{8}                # Excel's save temp: Cedd4100
      | \.goutputstream-.*            # GNOME
      | \.\#.*                        # Emacs lock link
      | \..*\.dlp-[0-9a-f]{8}         # dlp's own release temp (the store renames it into place)
      | \.dlp-.*                      # dlp's own marker temp
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_lock(name: str) -> bool:
    return bool(_LOCKS.match(name))


LOCK_MAX = 4096  # Office writes 162 bytes, LibreOffice about 100: anything bigger is no lock file


def is_lock_file(path: str, name: str) -> bool:
    """A lock file in fact, not only in name: a small regular file. A customer list (or a link)
    saved under a lock name is scanned like any file."""
    if not is_lock(name):
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return True  # gone: nothing to scan
    return stat.S_ISREG(st.st_mode) and st.st_size <= LOCK_MAX


def is_temp(name: str) -> bool:
    return bool(_TEMPS.match(name))
