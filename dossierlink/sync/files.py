"""Filesystem chores of the sync daemon: which names to ignore, scanning an inbox, detecting network
filesystems, and writing quarantine copies and archive moves (always outside the watched folders)."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from dossierlink.ingest.quarantine import free_name, quarantine_file, safe_label, scrub

__all__ = [
    "NETWORK_FILESYSTEMS",
    "archive_file",
    "filesystem_type",
    "is_ignored",
    "quarantine_file",
    "scan_inbox",
    "scrub",
    "symlink_escapes",
]

# Filesystems whose changes made elsewhere (another client, the server) never reach inotify.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "virtiofs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
    }
)


def is_ignored(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """True when the file's name, or any folder between it and the inbox root, matches a pattern."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    return any(fnmatch.fnmatchcase(part, pat) for part in parts for pat in patterns)


def scan_inbox(root: Path, *, recursive: bool, patterns: Sequence[str]) -> Iterator[Path]:
    """Every file in an inbox that is not ignored; unreadable subfolders are skipped, never fatal."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if any(fnmatch.fnmatchcase(entry.name, pat) for pat in patterns):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if recursive:
                    stack.append(Path(entry.path))
                continue
            yield Path(entry.path)


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem holding ``path`` (from /proc/mounts), or None when unknown."""
    try:
        real = os.path.realpath(path)
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes spaces and tabs in mount points as octal.
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = real == point or real.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


def symlink_escapes(path: Path, root: Path) -> str | None:
    """For a symlink, where it points when that is outside ``root``; None for a link that stays inside."""
    try:
        target = Path(os.path.realpath(path))
        real_root = Path(os.path.realpath(root))
    except OSError:
        return "an unresolvable target"
    if target.is_relative_to(real_root):
        return None
    return str(target)


def archive_file(path: Path, root: Path, archive: Path, inbox_label: str) -> Path:
    """Move an ingested file out of its inbox into ``archive/<inbox>/<relative path>``; return the target."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    target = archive / safe_label(inbox_label) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = free_name(target.parent, target.name)
    shutil.move(str(path), str(target))
    return target
