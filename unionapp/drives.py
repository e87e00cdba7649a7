"""What kind of drive a file lives on: ``local``, ``removable``, ``cdrom`` or ``network``.

SQLite's locking and WAL need a local file system; on a network share (Windows UNC path or
mapped network drive; NFS, CIFS/SMB… on Linux) two computers can damage the file, so such a
database is refused with a plain message. One small function per platform; the Windows
branch takes ``GetDriveTypeW`` as a parameter so that it is tested on Linux too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

LOCAL, REMOVABLE, CDROM, NETWORK = "local", "removable", "cdrom", "network"

# Linux file-system types that live on another machine.
NETWORK_FS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "coda", "ceph", "glusterfs",
    "lustre", "gpfs", "davfs", "sshfs", "fuse.sshfs", "fuse.davfs2", "fuse.glusterfs",
    "fuse.rclone", "fuse.smbnetfs", "fuse.gvfsd-fuse",
})
# GetDriveTypeW's answers (winbase.h).
_WINDOWS_KINDS = {2: REMOVABLE, 4: NETWORK, 5: CDROM}


def drive_kind(path: str | Path, *, platform: str | None = None,
               get_drive_type: Callable[[str], int] | None = None) -> str:
    """The kind of drive ``path`` (a file or folder, existing or not) is on."""
    platform = platform or sys.platform
    if platform == "win32":
        return _windows_kind(str(path), get_drive_type or _get_drive_type)
    if platform.startswith("linux"):
        return _linux_kind(Path(path))
    return LOCAL  # macOS and others: not a platform our clerks use


def _windows_kind(path: str, get_drive_type: Callable[[str], int]) -> str:
    text = path.replace("/", "\\")
    if text.startswith("\\\\?\\UNC\\"):
        return NETWORK
    if text.startswith("\\\\?\\"):
        text = text[4:]
    if text.startswith("\\\\"):
        return NETWORK  # \\server\share\…
    drive = PureWindowsPath(text).drive
    if not drive:
        drive = PureWindowsPath(os.getcwd()).drive if sys.platform == "win32" else ""
    if not drive:
        return LOCAL
    return _WINDOWS_KINDS.get(get_drive_type(drive + "\\"), LOCAL)


def _get_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _linux_kind(path: Path, mountinfo: Path = Path("/proc/self/mountinfo")) -> str:
    try:
        target = path.expanduser().resolve()
        lines = mountinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, RuntimeError):
        return LOCAL
    best, best_type = "", ""
    for line in lines:
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        point = _unescape(fields[4])
        if _contains(point, target) and len(point) >= len(best):
            best, best_type = point, tail[0]
    return NETWORK if best_type in NETWORK_FS else LOCAL


def _contains(point: str, target: Path) -> bool:
    return point == "/" or target == Path(point) or Path(point) in target.parents


def _unescape(text: str) -> str:
    """Mount points in mountinfo write space, tab, newline and backslash as octal escapes."""
    for code in ("040", "011", "012", "134"):
        text = text.replace("\\" + code, chr(int(code, 8)))
    return text
