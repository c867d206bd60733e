"""Filesystem chores of the sync daemon: which names to ignore, scanning an inbox, detecting network
filesystems, and writing quarantine copies and archive moves (always outside the watched folders)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

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

_BSN_LIKE = re.compile(r"(?<![\d])(\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}|\d{8,9})(?![\d])")


def scrub(text: str) -> str:
    """Mask every run that could be a BSN (8-9 digits, optionally grouped): sidecars and logs never hold one."""

    def _mask(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return m.group(0) if len(digits) not in (8, 9) else "*" * (len(m.group(0)) - 2) + m.group(0)[-2:]

    return _BSN_LIKE.sub(_mask, text)


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
        if real == point or real.startswith(point.rstrip("/") + "/") or point == "/":
            if best is None or len(point) >= best[0]:
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


def _free_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    if not candidate.exists() and not Path(f"{candidate}.error.json").exists():
        return candidate
    stem, suffix = os.path.splitext(name)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    for n in range(1, 10_000):
        candidate = folder / f"{stem}.{stamp}-{n}{suffix}"
        if not candidate.exists() and not Path(f"{candidate}.error.json").exists():
            return candidate
    raise FileExistsError(folder / name)


def quarantine_file(
    path: Path,
    quarantine: Path,
    inbox_label: str,
    details: Mapping[str, Any],
    *,
    copy: bool = True,
) -> Path:
    """Copy ``path`` into ``quarantine/<inbox>/`` with a ``<name>.error.json`` sidecar; return the sidecar.

    The original stays where it is. With ``copy=False`` (a symlink that points out of the inbox:
    copying it would leak the target) only the sidecar is written. Text fields are scrubbed of
    anything that looks like a BSN.
    """
    folder = quarantine / _safe_label(inbox_label)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path.name)
    sidecar = Path(f"{target}.error.json")
    copied = False
    if copy:
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                tmp = target.with_name(f".{target.name}.partial")
                shutil.copyfile(path, tmp, follow_symlinks=False)
                os.replace(tmp, target)
                copied = True
        except OSError:
            copied = False
    body = {k: scrub(v) if isinstance(v, str) else v for k, v in details.items()}
    body["original"] = str(path)
    body["copy"] = str(target) if copied else None
    tmp_sidecar = sidecar.with_name(f".{sidecar.name}.partial")
    tmp_sidecar.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp_sidecar, sidecar)
    return sidecar


def archive_file(path: Path, root: Path, archive: Path, inbox_label: str) -> Path:
    """Move an ingested file out of its inbox into ``archive/<inbox>/<relative path>``; return the target."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    target = archive / _safe_label(inbox_label) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = _free_name(target.parent, target.name)
    shutil.move(str(path), str(target))
    return target


def _safe_label(label: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", label.strip("/")).strip("._")
    return cleaned or "inbox"
